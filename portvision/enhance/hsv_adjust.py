"""Hue and saturation adjustments (Kornia's ``adjust_hue``, ``adjust_saturation`` and their
``_raw`` HSV-space forms, and PIL's ``adjust_saturation_with_gray_subtraction``).

``adjust_hue`` runs through :mod:`portvision.color.hsv_space` (the colour module's own
RGB <-> HSV planes, without re-validating or re-stacking in between): hue in radians, the
shift wraps modulo 2π. ``adjust_saturation`` on float images uses the identity Kornia 0.9
uses for its float path: scaling HSV saturation keeps hue and value (the max channel), so
each channel's distance to the min channel scales by ``s' / s`` -- no HSV image is built.
"""

from __future__ import annotations

import math
from typing import Any

from portvision._checks import check_channels, check_rank, shape_of
from portvision._dispatch import dispatch
from portvision._registry import register_op
from portvision.color.hsv_space import hue_saturation_value, rgb_from_hsv_planes
from portvision.enhance._common import factor_like, float_image

Array = Any
_TWO_PI = 2.0 * math.pi


def _rgb_image(eng, image, name="image"):
    x = float_image(eng, image, name)
    check_rank(x, name, tuple(range(3, 9)), "(*, 3, H, W)")
    check_channels(x, name, (3,))
    return x


def _per_image_factor(eng, x, factor, name="factor"):
    f = factor_like(eng, x, factor, name)
    if hasattr(f, "shape") and f.shape[-3] != 1:
        raise ValueError(
            f"{name}: expected one value per image (shape (B,)), not per channel, "
            f"got shape {shape_of(factor)}"
        )
    return f


def _mask(xp, cond, dtype):
    return xp.astype(cond, dtype)


@register_op()
def adjust_saturation_raw(image: Array, factor: float | Array) -> Array:
    """Scale the saturation channel of an HSV image and clamp it to [0, 1].

    Args:
        image: HSV image ``(*, 3, H, W)`` (hue in radians).
        factor: a number or an array broadcastable after right-padding (``(B,)``).

    Returns:
        The HSV image with ``S * factor`` clamped to [0, 1], same shape and dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> hsv = np.array([1.0, 0.4, 0.8], dtype=np.float32).reshape(1, 3, 1, 1)
        >>> pv.enhance.adjust_saturation_raw(hsv, 2.0)[0, :, 0, 0]
        array([1. , 0.8, 0.8], dtype=float32)
    """
    eng, (image, factor) = dispatch(("image", "factor"), image, factor)
    xp = eng.xp
    x = _rgb_image(eng, image)
    f = factor_like(eng, x, factor, "factor")
    h, s, v = x[..., 0:1, :, :], x[..., 1:2, :, :], x[..., 2:3, :, :]
    return xp.concat([h, xp.clip(s * f, 0.0, 1.0), v], axis=-3)


@register_op()
def adjust_hue_raw(image: Array, factor: float | Array) -> Array:
    """Add ``factor`` (radians) to the hue channel of an HSV image, modulo 2π.

    Args:
        image: HSV image ``(*, 3, H, W)`` (hue in radians).
        factor: hue shift in radians (number or ``(B,)`` array), typically in [-π, π].

    Returns:
        The HSV image with hue ``(H + factor) mod 2π`` in [0, 2π), same shape and dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> hsv = np.array([6.0, 0.5, 0.5], dtype=np.float32).reshape(1, 3, 1, 1)
        >>> np.round(pv.enhance.adjust_hue_raw(hsv, 1.0)[0, :, 0, 0], 4)
        array([0.7168, 0.5   , 0.5   ], dtype=float32)
    """
    eng, (image, factor) = dispatch(("image", "factor"), image, factor)
    xp = eng.xp
    x = _rgb_image(eng, image)
    f = factor_like(eng, x, factor, "factor")
    h, sv = x[..., 0:1, :, :], x[..., 1:3, :, :]
    h = xp.remainder(h + f, _TWO_PI)
    # a tiny negative sum rounds up to the period itself: fold it to 0 (as Kornia)
    h = h * _mask(xp, h < _TWO_PI, h.dtype)
    return xp.concat([h, sv], axis=-3)


@register_op()
def adjust_hue(image: Array, factor: float | Array) -> Array:
    """Rotate the hue of an RGB image by ``factor`` radians.

    Args:
        image: float RGB image ``(*, 3, H, W)`` in [0, 1].
        factor: hue shift in radians, a number or a ``(B,)`` array (one per image); ±π
            give the complementary colours.

    Returns:
        The adjusted RGB image, same shape and dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> red = np.array([1.0, 0.0, 0.0], dtype=np.float32).reshape(1, 3, 1, 1)
        >>> np.round(pv.enhance.adjust_hue(red, 2 * np.pi / 3)[0, :, 0, 0], 4)  # to green
        array([0., 1., 0.], dtype=float32)
    """
    eng, (image, factor) = dispatch(("image", "factor"), image, factor)
    xp = eng.xp
    x = _rgb_image(eng, image)
    f = _per_image_factor(eng, x, factor)
    h, s, v = hue_saturation_value(eng, x, 1e-8)  # planes (*, H, W)
    shift = f[..., 0, :, :] if hasattr(f, "shape") else f
    # hsv -> rgb takes the hue modulo 2π itself: the shifted hue needs no remainder here
    r, g, b = rgb_from_hsv_planes(xp, xp.stack([h + shift, s, v], axis=-3))
    return xp.stack([r, g, b], axis=-3)


@register_op()
def adjust_saturation(image: Array, factor: float | Array) -> Array:
    """Scale the HSV saturation of an RGB image by ``factor`` (clamped to [0, 1]).

    Hue and value (the max channel) are kept; ``factor=0`` makes every pixel grey at its
    max channel (not its luma: see :func:`adjust_saturation_with_gray_subtraction`).

    Args:
        image: float RGB image ``(*, 3, H, W)`` in [0, 1].
        factor: a number or a ``(B,)`` array (one per image).

    Returns:
        The adjusted RGB image, same shape and dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.array([0.8, 0.4, 0.2], dtype=np.float32).reshape(1, 3, 1, 1)
        >>> np.round(pv.enhance.adjust_saturation(x, 0.5)[0, :, 0, 0], 4)
        array([0.8, 0.6, 0.5], dtype=float32)
    """
    eng, (image, factor) = dispatch(("image", "factor"), image, factor)
    xp = eng.xp
    x = _rgb_image(eng, image)
    f = _per_image_factor(eng, x, factor)
    hi = xp.max(x, axis=-3, keepdims=True)  # the value V
    # Kornia: s = delta / (hi + 1e-8); delta' = hi * clip(s * f, 0, 1); out = lo' + (x - lo)
    # * delta' / delta.  Written as out = x * k + hi * (1 - k) with k = delta' / delta =
    # min(f hi / (hi + 1e-8), hi / delta) = hi / max((hi + 1e-8) / f, delta): no masks and
    # no zero divisor (a grey pixel has x = hi, so k does not matter there; black: k = 0).
    if isinstance(f, (int, float)):
        f = max(f, 0.0)
        if f <= 1.0:  # s <= 1, so s * f > 1 (the clamp) needs f > 1
            return _blend_to_max(eng, x, hi, (f * hi) / (hi + 1e-8))
        scaled = (hi + 1e-8) * (1.0 / f)
    else:
        tiny = float(xp.finfo(x.dtype).smallest_normal)  # f = 0: k = hi / huge = 0
        scaled = (hi + 1e-8) / xp.clip(f, tiny, None)
    delta = hi - xp.min(x, axis=-3, keepdims=True)
    return _blend_to_max(eng, x, hi, hi / xp.maximum(scaled, delta))


def _blend_to_max(eng, x, hi, k):
    """``x * k + hi * (1 - k)``: every channel moves towards the max channel by ``1 - k``
    (the 3-channel multiply-add fused by the engine's ``fma``: half the time on torch)."""
    return eng.fma(x, k, hi * (1.0 - k))


@register_op()
def adjust_saturation_with_gray_subtraction(image: Array, factor: float | Array) -> Array:
    """Blend an RGB image with its BT.601 grayscale (PIL / torchvision saturation).

    Args:
        image: float RGB ``(*, 3, H, W)`` or gray ``(*, 1, H, W)`` image in [0, 1] (a gray
            image is returned unchanged).
        factor: a number or a ``(B,)`` array: 0 gives the grayscale, 1 the input.

    Returns:
        ``clip((1 - factor) * gray + factor * image, 0, 1)``, same shape and dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.array([1.0, 0.0, 0.0], dtype=np.float32).reshape(1, 3, 1, 1)
        >>> np.round(pv.enhance.adjust_saturation_with_gray_subtraction(x, 0.0)[0, :, 0, 0], 4)
        array([0.299, 0.299, 0.299], dtype=float32)
    """
    from portvision.color.gray import rgb_to_grayscale

    eng, (image, factor) = dispatch(("image", "factor"), image, factor)
    xp = eng.xp
    x = float_image(eng, image)
    check_rank(x, "image", tuple(range(3, 9)), "(*, C, H, W)")
    check_channels(x, "image", (1, 3))
    f = factor_like(eng, x, factor, "factor")
    if x.shape[-3] == 1:
        return x
    gray = rgb_to_grayscale(x)
    return xp.clip((1 - f) * gray + f * x, 0.0, 1.0)


__all__ = [
    "adjust_hue",
    "adjust_hue_raw",
    "adjust_saturation",
    "adjust_saturation_raw",
    "adjust_saturation_with_gray_subtraction",
]
