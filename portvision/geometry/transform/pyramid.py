"""Image pyramids: ``pyrdown``, ``pyrup``, ``build_pyramid``, ``build_laplacian_pyramid``.

Kornia's convention (not OpenCV's): the blur is the 5x5 binomial kernel
``[1, 4, 6, 4, 1]^T [1, 4, 6, 4, 1] / 256`` applied with ``border_type`` (default
``reflect`` = OpenCV ``BORDER_REFLECT_101``), and the size change is a *bilinear*
resize (``align_corners=False`` by default) to ``floor(side / factor)``, not
OpenCV's decimation of every second row/column to ``ceil(side / 2)``.
"""

from __future__ import annotations

import math
from typing import Any

from portvision._checks import check_border, image_batch, shape_of
from portvision._dispatch import dispatch1
from portvision._registry import register_op

Array = Any

_BINOMIAL = (1.0, 4.0, 6.0, 4.0, 1.0)


def _blur(eng, x, border_type):
    """The 5x5 binomial blur, as two 1D passes (the kernel is an outer product)."""
    xp = eng.xp
    k = xp.asarray(_BINOMIAL, dtype=x.dtype, device=x.device)[None, :] / 16.0
    return eng.correlate_separable(x, (k, k), border_type)


def _check_level(max_level) -> None:
    if not isinstance(max_level, int) or isinstance(max_level, bool) or max_level <= 0:
        raise ValueError(f"max_level: expected a positive integer, got {max_level!r}")


def _check_flag(value, name: str) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"{name}: expected a bool, got {type(value).__name__}")


def _pyrdown(eng, x, border_type, align_corners, factor):
    h, w = int(x.shape[-2]), int(x.shape[-1])
    size = (int(float(h) / factor), int(float(w) / factor))
    if min(size) < 1:
        raise ValueError(
            f"input: expected height and width of at least factor={factor!r}, "
            f"got shape {shape_of(x)}"
        )
    return eng.interpolate(_blur(eng, x, border_type), size, "bilinear", align_corners)


def _pyrup(eng, x, border_type, align_corners):
    h, w = int(x.shape[-2]), int(x.shape[-1])
    up = eng.interpolate(x, (2 * h, 2 * w), "bilinear", align_corners)
    return _blur(eng, up, border_type)


@register_op()
def pyrdown(
    input: Array, border_type: str = "reflect", align_corners: bool = False, factor: float = 2.0
) -> Array:
    """Blur an image with the 5x5 binomial kernel, then shrink it bilinearly by ``factor``.

    Args:
        input: image ``(B, C, H, W)`` (or ``(C, H, W)``); integer images compute in float32.
        border_type: border of the blur: ``"constant" | "reflect" | "replicate" | "circular"``.
        align_corners: flag of the bilinear resize.
        factor: downsampling factor (> 0); the output side is ``floor(side / factor)``
            (OpenCV's ``pyrDown`` rounds up instead).

    Returns:
        ``(B, C, floor(H / factor), floor(W / factor))``, same rank and float dtype as ``input``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
        >>> pv.geometry.pyrdown(img, align_corners=True)[0, 0]
        array([[ 3.75,  5.25],
               [ 9.75, 11.25]], dtype=float32)
    """
    eng, input = dispatch1("input", input)
    border_type = check_border(border_type)
    _check_flag(align_corners, "align_corners")
    if (
        isinstance(factor, bool)
        or not isinstance(factor, (int, float))
        or not (factor > 0 and math.isfinite(factor))
    ):
        raise ValueError(f"factor: expected a positive finite number, got {factor!r}")
    x, unbatched = image_batch(eng, input)
    out = _pyrdown(eng, x, border_type, align_corners, factor)
    return out[0, ...] if unbatched else out


@register_op()
def pyrup(input: Array, border_type: str = "reflect", align_corners: bool = False) -> Array:
    """Enlarge an image twice bilinearly, then blur it with the 5x5 binomial kernel.

    Args:
        input: image ``(B, C, H, W)`` (or ``(C, H, W)``); integer images compute in float32.
        border_type: border of the blur: ``"constant" | "reflect" | "replicate" | "circular"``.
        align_corners: flag of the bilinear resize.

    Returns:
        ``(B, C, 2 H, 2 W)``, same rank and float dtype as ``input``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.arange(4, dtype=np.float32).reshape(1, 1, 2, 2)
        >>> np.round(pv.geometry.pyrup(img, align_corners=True)[0, 0], 4)
        array([[0.75 , 0.875, 1.125, 1.25 ],
               [1.   , 1.125, 1.375, 1.5  ],
               [1.5  , 1.625, 1.875, 2.   ],
               [1.75 , 1.875, 2.125, 2.25 ]], dtype=float32)
    """
    eng, input = dispatch1("input", input)
    border_type = check_border(border_type)
    _check_flag(align_corners, "align_corners")
    x, unbatched = image_batch(eng, input)
    out = _pyrup(eng, x, border_type, align_corners)
    return out[0, ...] if unbatched else out


@register_op()
def build_pyramid(
    input: Array, max_level: int, border_type: str = "reflect", align_corners: bool = False
) -> list[Array]:
    """Gaussian pyramid: the image, then ``max_level - 1`` successive :func:`pyrdown` levels.

    Args:
        input: image ``(B, C, H, W)`` (or ``(C, H, W)``).
        max_level: number of levels returned, the input (level 0) included.
        border_type: border of the blurs.
        align_corners: flag of the bilinear resizes.

    Returns:
        A list ``[(B, C, H, W), (B, C, H // 2, W // 2), ...]`` of ``max_level`` arrays; level 0
        is ``input`` itself.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pyr = pv.geometry.build_pyramid(np.ones((1, 3, 16, 12), dtype=np.float32), 3)
        >>> [p.shape for p in pyr]
        [(1, 3, 16, 12), (1, 3, 8, 6), (1, 3, 4, 3)]
    """
    eng, input = dispatch1("input", input)
    _check_level(max_level)
    border_type = check_border(border_type)
    _check_flag(align_corners, "align_corners")
    x, unbatched = image_batch(eng, input)
    levels = [x]
    for _ in range(max_level - 1):
        levels.append(_pyrdown(eng, levels[-1], border_type, align_corners, 2.0))
    if unbatched:
        levels = [lv[0, ...] for lv in levels]
    levels[0] = input
    return levels


def _next_pow2(n: int) -> int:
    return 1 << (n - 1).bit_length()


def _is_pow2(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


@register_op()
def build_laplacian_pyramid(
    input: Array, max_level: int, border_type: str = "reflect", align_corners: bool = False
) -> list[Array]:
    """Laplacian pyramid: band-pass levels ``G[i] - pyrup(G[i + 1])``, then the last Gaussian level.

    As Kornia, the input is first reflect-padded (bottom and right) to the next power of two per
    side when neither side is a power of two, or when ``max_level > 1`` and a side is not
    divisible by ``2 ** (max_level - 1)``; every level then has the padded size.

    Args:
        input: image ``(B, C, H, W)`` (or ``(C, H, W)``).
        max_level: number of levels returned.
        border_type: border of the blurs.
        align_corners: flag of the bilinear resizes.

    Returns:
        A list of ``max_level`` arrays ``[(B, C, H', W'), (B, C, H'/2, W'/2), ...]``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> lap = pv.geometry.build_laplacian_pyramid(np.ones((1, 1, 8, 8)), 3)
        >>> [p.shape for p in lap], float(np.abs(lap[0][..., 2:-2, 2:-2]).max())
        ([(1, 1, 8, 8), (1, 1, 4, 4), (1, 1, 2, 2)], 0.0)
    """
    eng, input = dispatch1("input", input)
    _check_level(max_level)
    border_type = check_border(border_type)
    _check_flag(align_corners, "align_corners")
    x, unbatched = image_batch(eng, input)
    h, w = int(x.shape[-2]), int(x.shape[-1])
    pad = not (_is_pow2(h) or _is_pow2(w))
    if max_level > 1:
        stride = 1 << (max_level - 1)
        pad = pad or h % stride != 0 or w % stride != 0
    if pad:
        x = eng.pad(x, ((0, _next_pow2(h) - h), (0, _next_pow2(w) - w)), "reflect")
    gauss = [x]
    for _ in range(max_level - 1):
        gauss.append(_pyrdown(eng, gauss[-1], border_type, align_corners, 2.0))
    levels = [
        gauss[i] - _pyrup(eng, gauss[i + 1], border_type, align_corners)
        for i in range(max_level - 1)
    ]
    levels.append(gauss[-1])
    return [lv[0, ...] for lv in levels] if unbatched else levels


__all__ = ["build_laplacian_pyramid", "build_pyramid", "pyrdown", "pyrup"]
