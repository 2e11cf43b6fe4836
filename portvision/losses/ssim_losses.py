"""Image-similarity losses: ``ssim_loss``, ``ssim3d_loss`` and ``psnr_loss``."""

from __future__ import annotations

import math
from typing import Any

from portvision._dispatch import dispatch
from portvision._registry import register_op
from portvision.metrics._common import check_reduction
from portvision.metrics.quality import _prepare_pair, _ssim_map, psnr

Array = Any


def _dssim(eng, img1, img2, d, layout, window_size, max_val, eps, reduction, padding):
    check_reduction(reduction)
    x, y, k, max_val, padding = _prepare_pair(
        eng, img1, img2, d, layout, window_size, max_val, padding
    )
    xp = eng.xp

    def dssim(s):  # clip only acts where rounding pushes the map outside [-1, 1]
        return xp.clip((1.0 - s) * 0.5, 0.0, 1.0)

    if reduction == "none":
        return dssim(_ssim_map(eng, x, y, k, max_val, eps, padding, d))
    # reduce each piece of the map while it is in cache, then add the partial sums
    total = _ssim_map(
        eng,
        x,
        y,
        k,
        max_val,
        eps,
        padding,
        d,
        post=lambda s: xp.sum(dssim(s)),
        combine=lambda sums: xp.sum(xp.stack(sums)),
    )
    if reduction == "sum":
        return total
    r = k // 2 if padding == "valid" else 0
    count = math.prod(x.shape[:2]) * math.prod(max(0, n - 2 * r) for n in x.shape[2:])
    return total / count


@register_op()
def ssim_loss(
    img1: Array,
    img2: Array,
    window_size: int,
    max_val: float = 1.0,
    eps: float = 1e-12,
    reduction: str = "mean",
    padding: str = "same",
) -> Array:
    """Structural dissimilarity ``clip((1 - SSIM) / 2, 0, 1)`` of two image batches.

    Args:
        img1: image ``(B, C, H, W)``.
        img2: image of the same shape.
        window_size: odd number of taps of the Gaussian window (sigma 1.5).
        max_val: the data range of the images.
        eps: added to the SSIM denominator.
        reduction: ``"none"`` (the per-pixel map), ``"mean"`` or ``"sum"`` (0-d arrays).
        padding: ``"same"`` or ``"valid"``, as :func:`portvision.metrics.ssim`.

    Returns:
        0-d array, or the map ``(B, C, H, W)`` (cropped for ``"valid"``) with ``"none"``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.linspace(0, 1, 3 * 8 * 8, dtype=np.float32).reshape(1, 3, 8, 8)
        >>> float(np.round(pv.losses.ssim_loss(x, x, 5), 4))
        0.0
        >>> pv.losses.ssim_loss(x, x[:, ::-1], 5, reduction="none").shape
        (1, 3, 8, 8)
    """
    eng, (img1, img2) = dispatch(("img1", "img2"), img1, img2)
    return _dssim(eng, img1, img2, 2, "(B, C, H, W)", window_size, max_val, eps, reduction, padding)


@register_op()
def ssim3d_loss(
    img1: Array,
    img2: Array,
    window_size: int,
    max_val: float = 1.0,
    eps: float = 1e-12,
    reduction: str = "mean",
    padding: str = "same",
) -> Array:
    """Structural dissimilarity ``clip((1 - SSIM3D) / 2, 0, 1)`` of two volume batches.

    Args:
        img1: volume ``(B, C, D, H, W)``.
        img2: volume of the same shape.
        window_size: odd number of taps per axis of the Gaussian window (sigma 1.5).
        max_val: the data range of the volumes.
        eps: added to the SSIM denominator.
        reduction: ``"none"``, ``"mean"`` or ``"sum"``.
        padding: ``"same"`` or ``"valid"``, as :func:`portvision.metrics.ssim3d`.

    Returns:
        0-d array, or the map ``(B, C, D, H, W)`` with ``"none"``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> v = np.linspace(0, 1, 4 * 5 * 6).reshape(1, 1, 4, 5, 6)
        >>> float(np.round(pv.losses.ssim3d_loss(v, v, 3), 4))
        0.0
    """
    eng, (img1, img2) = dispatch(("img1", "img2"), img1, img2)
    return _dssim(
        eng, img1, img2, 3, "(B, C, D, H, W)", window_size, max_val, eps, reduction, padding
    )


@register_op()
def psnr_loss(image: Array, target: Array, max_val: float) -> Array:
    """Negative PSNR, ``-psnr(image, target, max_val)`` (one pooled MSE for the call).

    Args:
        image: array of any shape ``(*)``.
        target: array of the same shape.
        max_val: the data range of the images.

    Returns:
        0-d array; ``-inf`` for identical inputs.

    Example:
        >>> import numpy as np, portvision as pv
        >>> ones = np.ones(1, dtype=np.float32)
        >>> float(np.round(pv.losses.psnr_loss(ones, 1.2 * ones, 2.0), 4))
        -20.0
    """
    eng, (image, target) = dispatch(("image", "target"), image, target)
    return -psnr(image, target, max_val)


__all__ = ["psnr_loss", "ssim3d_loss", "ssim_loss"]
