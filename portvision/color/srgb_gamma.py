"""sRGB transfer function: ``rgb_to_linear_rgb`` and ``linear_rgb_to_rgb`` (IEC 61966-2-1).

Decoding: ``x / 12.92`` for x <= 0.04045, else ``((x + 0.055) / 1.055) ** 2.4``; encoding:
``12.92 x`` for x <= 0.0031308, else ``1.055 x ** (1 / 2.4) - 0.055`` (Kornia's thresholds;
scikit-image's ``rgb2xyz`` linearises with the same curve).  Powers are the engine's
``clamped_power``, of a base clamped to the branch's own domain, so the unused branch of the
select (a ``blend`` by a 0/1 mask) has neither NaN values nor NaN gradients.
"""

from __future__ import annotations

from portvision._dispatch import dispatch1
from portvision._registry import register_op
from portvision.color._common import Array, blend, check_float_image

__all__ = ["linear_rgb_to_rgb", "rgb_to_linear_rgb"]

_DECODE_T = 0.04045
_ENCODE_T = 0.0031308


def decode(eng, x):
    """sRGB-encoded -> linear values (element-wise)."""
    base = eng.fma(x, 1.0 / 1.055, 0.055 / 1.055)
    lin = eng.clamped_power(base, 2.4, (_DECODE_T + 0.055) / 1.055)
    return blend(eng, eng.compare_mask(x, _DECODE_T), lin, x * (1.0 / 12.92))


def encode(eng, x):
    """Linear -> sRGB-encoded values (element-wise)."""
    gam = eng.fma(eng.clamped_power(x, 1.0 / 2.4, _ENCODE_T), 1.055, -0.055)
    return blend(eng, eng.compare_mask(x, _ENCODE_T), gam, 12.92 * x)


@register_op()
def rgb_to_linear_rgb(image: Array) -> Array:
    """Decode sRGB to linear RGB.

    Args:
        image: sRGB ``(*, 3, H, W)``, floating, in [0, 1].

    Returns:
        linear RGB ``(*, 3, H, W)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.array([0.0, 0.5, 1.0], dtype=np.float32).reshape(3, 1, 1)
        >>> np.round(pv.color.rgb_to_linear_rgb(x).ravel(), 4)
        array([0.   , 0.214, 1.   ], dtype=float32)
    """
    eng, image = dispatch1("image", image)
    xp = eng.xp
    check_float_image(xp, image, 3)
    return eng.map_pixels(lambda x: decode(eng, x), image)


@register_op()
def linear_rgb_to_rgb(image: Array) -> Array:
    """Encode linear RGB to sRGB.

    Args:
        image: linear RGB ``(*, 3, H, W)``, floating, in [0, 1].

    Returns:
        sRGB ``(*, 3, H, W)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.array([0.0, 0.214, 1.0], dtype=np.float32).reshape(3, 1, 1)
        >>> np.round(pv.color.linear_rgb_to_rgb(x).ravel(), 3)
        array([0. , 0.5, 1. ], dtype=float32)
    """
    eng, image = dispatch1("image", image)
    xp = eng.xp
    check_float_image(xp, image, 3)
    return eng.map_pixels(lambda x: encode(eng, x), image)
