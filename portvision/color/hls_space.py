"""HLS conversions: ``rgb_to_hls`` and ``hls_to_rgb`` (Kornia's conventions).

Channels H, L, S at axis -3; hue in **radians** in [0, 2π) (grey pixels: 0), computed
with the denominator ``max - min + eps`` as Kornia; L = (max + min) / 2;
S = (max - min) / (min(2L, 2 - 2L) + eps), 0 for black and white.  As for HSV, a hue that
rounds up to 2π is returned just below 2π (Kornia: 0).

Differences: OpenCV ``COLOR_RGB2HLS`` on float32 gives hue in **degrees** and the same L, S
(its S divides by ``2L`` or ``2 - 2L`` exactly); scikit-image has no HLS conversion.
"""

from __future__ import annotations

import math

from portvision._dispatch import dispatch1
from portvision._registry import register_op
from portvision.color._common import Array, channels, check_float_image, check_number
from portvision.color.hsv_space import hue_and_extrema, saturation

__all__ = ["hls_to_rgb", "rgb_to_hls"]


def _hls(eng, x, eps):
    xp = eng.xp
    hue, vmax, vmin, delta = hue_and_extrema(eng, x, eps)
    l2 = vmax + vmin
    lden = xp.minimum(l2, 2.0 - l2)  # 2L below L = 1/2, else 2 - 2L
    return hue, 0.5 * l2, saturation(eng, delta, lden, eps)  # planes: map_pixels stacks them


@register_op()
def rgb_to_hls(image: Array, eps: float = 1e-8) -> Array:
    """Convert an RGB image to HLS with hue in radians.

    Args:
        image: RGB ``(*, 3, H, W)``, floating, in [0, 1].
        eps: added to the hue and saturation denominators.

    Returns:
        HLS ``(*, 3, H, W)``: H in [0, 2π), L and S in [0, 1].

    Example:
        >>> import numpy as np, portvision as pv
        >>> rgb = np.array([1.0, 0.5, 0.0], dtype=np.float32).reshape(3, 1, 1)
        >>> np.round(pv.color.rgb_to_hls(rgb).ravel(), 4)
        array([0.5236, 0.5   , 1.    ], dtype=float32)
    """
    eng, image = dispatch1("image", image)
    xp = eng.xp
    check_float_image(xp, image, 3)
    check_number(eps, "eps")
    return eng.map_pixels(lambda x: _hls(eng, x, eps), image)


def _channel(xp, h12, l, a, centre):
    """One RGB plane: ``l - a clamp(3 - d, -1, 1)``, d the circular distance to ``centre``."""
    d = xp.abs(h12 - centre)
    if centre != 6.0:  # from 6, every hue in [0, 12] is within half a turn
        d = xp.minimum(d, 12.0 - d)
    return l - a * xp.clip(3.0 - d, -1.0, 1.0)


def _rgb(xp, hls):
    h, l, s = channels(hls)
    turns = h * (1.0 / (2.0 * math.pi))
    h12 = (turns - xp.floor(turns)) * 12.0  # hue in 30-degree units, wrapped to [0, 12]
    a = s * xp.minimum(l, 1.0 - l)
    return tuple(_channel(xp, h12, l, a, c) for c in (6.0, 10.0, 2.0))


@register_op()
def hls_to_rgb(image: Array) -> Array:
    """Convert an HLS image (hue in radians) to RGB.

    Args:
        image: HLS ``(*, 3, H, W)``, floating: H in radians (taken modulo 2π), L and S in
            [0, 1].

    Returns:
        RGB ``(*, 3, H, W)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> hls = np.array([np.pi / 6, 0.5, 1.0], dtype=np.float32).reshape(3, 1, 1)
        >>> np.round(pv.color.hls_to_rgb(hls).ravel(), 4)
        array([1. , 0.5, 0. ], dtype=float32)
    """
    eng, image = dispatch1("image", image)
    xp = eng.xp
    check_float_image(xp, image, 3)
    return eng.map_pixels(lambda x: _rgb(xp, x), image)
