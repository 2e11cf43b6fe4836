"""Resizing images: ``resize``, ``rescale``, ``resize_to_be_divisible``.

Kornia's conventions: sizes are ``(h, w)``; an int ``size`` names one side (``side``)
and the other follows the aspect ratio, truncated; ``align_corners=None`` is the mode's
own default (False for the linear and cubic modes); ``antialias`` is a Gaussian blur
before downscaling (sigma ``(factor - 1) / 2``), not torch's antialiased kernels.
"""

from __future__ import annotations

import math
from typing import Any

from portvision._array import to_float
from portvision._checks import check_choice, check_rank, shape_of
from portvision._dispatch import dispatch1
from portvision._registry import register_op

Array = Any

__all__ = ["rescale", "resize", "resize_to_be_divisible"]

INTERPOLATIONS = ("nearest", "nearest-exact", "bilinear", "bicubic", "area")
SIDES = ("short", "long", "vert", "horz")


def _side_to_size(side_size: int, aspect: float, side: str) -> tuple[int, int]:
    """``(h, w)`` with the named side equal to ``side_size`` (aspect = w / h)."""
    if side == "vert":
        return side_size, int(side_size * aspect)
    if side == "horz":
        return int(side_size / aspect), side_size
    if (side == "short") ^ (aspect < 1.0):  # the named side is the height
        return side_size, int(side_size * aspect)
    return int(side_size / aspect), side_size


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _check_size(size) -> None:
    ok = _is_int(size) and size >= 0
    if isinstance(size, (tuple, list)):
        ok = len(size) == 2 and all(_is_int(s) and s >= 0 for s in size)
    if not ok:
        raise ValueError(
            f"size: expected a non-negative int or a pair (h, w) of them, got {size!r}"
        )


def _check_interpolation(interpolation, align_corners) -> None:
    check_choice(interpolation, "interpolation", INTERPOLATIONS)
    if align_corners is not None and not isinstance(align_corners, bool):
        raise TypeError(f"align_corners: expected a bool or None, got {align_corners!r}")
    if align_corners is not None and interpolation not in ("bilinear", "bicubic"):
        raise ValueError(
            f"align_corners: expected None for interpolation={interpolation!r} (only the "
            f"'bilinear' and 'bicubic' modes take it), got {align_corners!r}"
        )


def _antialias(x, h, w, size):
    """Kornia's antialiasing: a Gaussian blur with sigma (factor - 1) / 2 per shrunk axis."""
    from portvision.filters import gaussian_blur2d

    factors = (h / size[0], w / size[1])
    if max(factors) <= 1:
        return x
    sigmas = tuple(max((f - 1.0) / 2.0, 0.001) for f in factors)
    ks = [max(int(4.0 * s), 3) for s in sigmas]
    ks = [k if k % 2 else k + 1 for k in ks]
    ks = (1 if h == 1 else ks[0], 1 if w == 1 else ks[1])  # nothing to smooth on a singleton
    return gaussian_blur2d(x, ks, sigmas)


def _resize_image(eng, x, size, interpolation="bilinear", align_corners=None, antialias=False):
    """Resize the last two axes of a float ``(*, H, W)`` array to ``size`` (validated)."""
    xp = eng.xp
    lead, (h, w) = tuple(x.shape[:-2]), (int(x.shape[-2]), int(x.shape[-1]))
    size = (int(size[0]), int(size[1]))
    if size[0] == 0 or size[1] == 0:  # Kornia: an empty image, not an error
        return xp.zeros(lead + size, dtype=x.dtype, device=x.device)
    if h == 0 or w == 0:
        raise ValueError(f"input: expected a positive height and width, got shape {shape_of(x)}")
    n = math.prod(lead) if lead else 1
    batch = xp.reshape(x, (n, 1, h, w) if len(lead) < 2 else (-1, int(lead[-1]), h, w))
    if antialias:
        batch = _antialias(batch, h, w, size)
    out = eng.interpolate(batch, size, interpolation, align_corners)
    return xp.reshape(out, lead + size)


@register_op()
def resize(
    input: Array,
    size: int | tuple[int, int],
    interpolation: str = "bilinear",
    align_corners: bool | None = None,
    side: str = "short",
    antialias: bool = False,
) -> Array:
    """Resize an image (or a batch of images) to a given size.

    Args:
        input: image ``(*, H, W)``: ``(H, W)``, ``(C, H, W)``, ``(B, C, H, W)``...;
            integer images compute and return float32.
        size: output ``(h, w)``, or an int: the length of the side named by ``side``,
            the other following the aspect ratio (truncated). A zero side gives an
            empty image.
        interpolation: ``"nearest" | "nearest-exact" | "bilinear" | "bicubic" | "area"``
            (``torch.nn.functional.interpolate``'s meanings; bicubic is Keys a = -0.75).
        align_corners: for ``bilinear`` / ``bicubic``; None is False.
        side: the side an int ``size`` sets: ``"short" | "long" | "vert" | "horz"``.
        antialias: blur with a Gaussian of sigma ``(in / out - 1) / 2`` per shrunk axis
            before downscaling (Kornia's antialiasing); no effect when upscaling.

    Returns:
        ``(*, h, w)``, the input's float dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
        >>> pv.geometry.transform.resize(img, (2, 2))[0, 0]
        array([[ 2.5,  4.5],
               [10.5, 12.5]], dtype=float32)
        >>> pv.geometry.transform.resize(np.zeros((3, 40, 60)), 20).shape
        (3, 20, 30)
    """
    eng, input = dispatch1("input", input)
    check_rank(input, "input", tuple(range(2, 33)), "(*, H, W)")
    _check_size(size)
    _check_interpolation(interpolation, align_corners)
    check_choice(side, "side", SIDES)
    x = to_float(eng.xp, input)
    if _is_int(size):
        h, w = int(x.shape[-2]), int(x.shape[-1])
        if h == 0 or w == 0:
            raise ValueError(
                f"input: expected a positive height and width, got shape {shape_of(input)}"
            )
        size = _side_to_size(size, w / h, side)
    return _resize_image(eng, x, size, interpolation, align_corners, antialias)


@register_op()
def rescale(
    input: Array,
    factor: float | tuple[float, float],
    interpolation: str = "bilinear",
    align_corners: bool | None = None,
    antialias: bool = False,
) -> Array:
    """Resize an image by a scale factor.

    Args:
        input: image ``(*, H, W)``.
        factor: ``(factor_h, factor_w)`` (height first) or one number for both; positive.
            The output side is ``int(side * factor)``.
        interpolation, align_corners, antialias: as :func:`resize`.

    Returns:
        ``(*, int(H * factor_h), int(W * factor_w))``, the input's float dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.transform.rescale(np.ones((1, 3, 4, 4)), (2.0, 3.0)).shape
        (1, 3, 8, 12)
    """
    eng, input = dispatch1("input", input)
    check_rank(input, "input", tuple(range(2, 33)), "(*, H, W)")
    fac = factor if isinstance(factor, (tuple, list)) else (factor, factor)
    ok = len(fac) == 2 and all(
        isinstance(f, (int, float)) and not isinstance(f, bool) and math.isfinite(f) and f > 0
        for f in fac
    )
    if not ok:
        raise ValueError(
            f"factor: expected a positive number or a pair (factor_h, factor_w), got {factor!r}"
        )
    _check_interpolation(interpolation, align_corners)
    x = to_float(eng.xp, input)
    size = (int(int(x.shape[-2]) * fac[0]), int(int(x.shape[-1]) * fac[1]))
    return _resize_image(eng, x, size, interpolation, align_corners, antialias)


@register_op()
def resize_to_be_divisible(
    input: Array,
    divisible_factor: int,
    interpolation: str = "bilinear",
    align_corners: bool | None = None,
    side: str = "short",
    antialias: bool = False,
) -> Array:
    """Resize so that height and width are multiples of ``divisible_factor``.

    Each side is rounded to the nearest multiple (at least one multiple; an empty side
    stays empty), then the image is resized as by :func:`resize` (``side`` is accepted
    for Kornia's signature; the size is always a pair here).

    Args:
        input: image ``(*, H, W)``.
        divisible_factor: positive int.
        interpolation, align_corners, side, antialias: as :func:`resize`.

    Returns:
        ``(*, h, w)`` with ``h`` and ``w`` multiples of ``divisible_factor``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.transform.resize_to_be_divisible(np.ones((1, 1, 30, 45)), 8).shape
        (1, 1, 32, 48)
    """
    eng, input = dispatch1("input", input)
    check_rank(input, "input", tuple(range(2, 33)), "(*, H, W)")
    if not _is_int(divisible_factor) or divisible_factor <= 0:
        raise ValueError(f"divisible_factor: expected a positive integer, got {divisible_factor!r}")
    _check_interpolation(interpolation, align_corners)
    check_choice(side, "side", SIDES)
    x = to_float(eng.xp, input)
    h, w = int(x.shape[-2]), int(x.shape[-1])
    size = tuple(
        max(1, round(n / divisible_factor)) * divisible_factor if n > 0 else 0 for n in (h, w)
    )
    return _resize_image(eng, x, size, interpolation, align_corners, antialias)
