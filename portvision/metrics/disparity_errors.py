"""Stereo disparity errors: mean absolute, root mean squared, bad-pixel rate, KITTI D1."""

from __future__ import annotations

import math
from typing import Any

from portvision._checks import shape_of
from portvision._dispatch import dispatch
from portvision._registry import register_op
from portvision.metrics._common import check_number, check_reduction, check_same_shape, dtype_name

Array = Any


def _prepare(input, target, valid_mask, reduction):
    """Validated maps and the mask broadcast to their shape (or None)."""
    names = ("input", "target", "valid_mask")
    eng, (input, target, valid_mask) = dispatch(names, input, target, valid_mask)
    xp = eng.xp
    check_same_shape(input, target, "input", "target")
    for name, x in (("input", input), ("target", target)):
        if not xp.isdtype(x.dtype, "real floating"):
            raise TypeError(f"{name}: expected a real floating dtype, got {dtype_name(x.dtype)}")
    check_reduction(reduction)
    mask = None
    if valid_mask is not None:
        s, t = shape_of(valid_mask), shape_of(input)
        if len(s) > len(t) or any(a not in (1, b) for a, b in zip(s[::-1], t[::-1], strict=False)):
            raise ValueError(f"valid_mask: expected a shape broadcastable to {t}, got {s}")
        mask = valid_mask if valid_mask.dtype == xp.bool else valid_mask != 0
        mask = xp.broadcast_to(mask, t)
    return eng, input, target, mask


def _reduce(xp, error, mask, reduction):
    """Masked-out entries are 0 in ``"none"``; ``"mean"`` divides by the valid count."""
    if mask is not None:
        error = xp.where(mask, error, xp.zeros_like(error))
    if reduction == "none":
        return error
    total = xp.sum(error)
    if reduction == "sum":
        return total
    count = math.prod(error.shape) if mask is None else xp.sum(xp.astype(mask, error.dtype))
    return total / count


@register_op()
def mean_absolute_disparity_error(
    input: Array, target: Array, valid_mask: Array | None = None, reduction: str = "mean"
) -> Array:
    """Mean absolute error ``|input - target|`` of disparity maps (EPE in stereo benchmarks).

    Args:
        input: predicted disparities ``(*)``, floating point.
        target: ground truth of the same shape.
        valid_mask: boolean (or 0/1) mask broadcastable to the maps from the right; only its
            true entries count.
        reduction: ``"mean"`` (over the valid entries; NaN when there are none), ``"sum"`` or
            ``"none"`` (the error map, 0 outside the mask).

    Returns:
        0-d array, or ``(*)`` for ``"none"``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> d = np.array([[1.0, 2.0], [3.0, 4.0]]); gt = np.array([[1.0, 3.0], [3.0, 8.0]])
        >>> float(pv.metrics.mean_absolute_disparity_error(d, gt))
        1.25
        >>> float(pv.metrics.mean_absolute_disparity_error(d, gt, np.array([True, False])))
        0.0
    """
    eng, input, target, mask = _prepare(input, target, valid_mask, reduction)
    xp = eng.xp
    return _reduce(xp, xp.abs(input - target), mask, reduction)


@register_op()
def root_mean_squared_disparity_error(
    input: Array, target: Array, valid_mask: Array | None = None, reduction: str = "mean"
) -> Array:
    """Root mean squared disparity error ``sqrt(mean((input - target)^2))``.

    Args:
        input: predicted disparities ``(*)``.
        target: ground truth of the same shape.
        valid_mask: mask broadcastable to the maps.
        reduction: ``"mean"`` (the RMSE), ``"sum"`` (square root of the summed squares) or
            ``"none"`` (``|input - target|`` per entry, 0 outside the mask).

    Returns:
        0-d array, or ``(*)`` for ``"none"``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> d = np.array([0.0, 0.0]); gt = np.array([3.0, 4.0])
        >>> float(np.round(pv.metrics.root_mean_squared_disparity_error(d, gt), 4))
        3.5355
    """
    eng, input, target, mask = _prepare(input, target, valid_mask, reduction)
    xp = eng.xp
    d = input - target
    sq = _reduce(xp, d * d, mask, reduction)
    # sqrt with a finite derivative at 0 (identical maps): that arm is the constant 0
    pos = sq > 0
    return xp.where(pos, xp.sqrt(xp.where(pos, sq, xp.ones_like(sq))), xp.zeros_like(sq))


@register_op(differentiable=False)
def mean_bad_pixel_error(
    input: Array,
    target: Array,
    threshold: float = 3.0,
    valid_mask: Array | None = None,
    reduction: str = "mean",
) -> Array:
    """Share of pixels whose absolute disparity error exceeds ``threshold`` (bad-N rate).

    Args:
        input: predicted disparities ``(*)``.
        target: ground truth of the same shape.
        threshold: error in pixels above which a pixel is bad (strictly greater).
        valid_mask: mask broadcastable to the maps.
        reduction: ``"mean"`` (a fraction in [0, 1]), ``"sum"`` (the count) or ``"none"``
            (the 0/1 map).

    Returns:
        0-d array, or ``(*)`` for ``"none"``, in the maps' dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> d = np.array([0.0, 0.0, 0.0, 0.0]); gt = np.array([1.0, 2.0, 4.0, 9.0])
        >>> float(pv.metrics.mean_bad_pixel_error(d, gt))
        0.5
    """
    eng, input, target, mask = _prepare(input, target, valid_mask, reduction)
    threshold = check_number(threshold, "threshold")
    xp = eng.xp
    bad = xp.astype(xp.abs(input - target) > threshold, xp.result_type(input, target))
    return _reduce(xp, bad, mask, reduction)


@register_op(differentiable=False)
def kitti_d1_error(
    input: Array,
    target: Array,
    abs_threshold: float = 3.0,
    rel_threshold: float = 0.05,
    valid_mask: Array | None = None,
    reduction: str = "mean",
) -> Array:
    """KITTI 2015 D1 outlier rate: error above ``abs_threshold`` px and ``rel_threshold |target|``.

    Args:
        input: predicted disparities ``(*)``.
        target: ground truth of the same shape (the relative error divides by it).
        abs_threshold: absolute threshold in pixels (KITTI: 3).
        rel_threshold: relative threshold (KITTI: 5 %).
        valid_mask: mask broadcastable to the maps (KITTI: pixels with ground truth).
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    Returns:
        0-d array, or ``(*)`` for ``"none"``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> d = np.array([0.0, 0.0, 0.0]); gt = np.array([4.0, 100.0, 2.0])
        >>> float(np.round(pv.metrics.kitti_d1_error(d, gt), 4))
        0.6667
    """
    eng, input, target, mask = _prepare(input, target, valid_mask, reduction)
    abs_threshold = check_number(abs_threshold, "abs_threshold")
    rel_threshold = check_number(rel_threshold, "rel_threshold")
    xp = eng.xp
    err = xp.abs(input - target)
    # err > rel * |target| is err / |target| > rel without the division (target may be 0)
    out = (err > abs_threshold) & (err > rel_threshold * xp.abs(target))
    return _reduce(xp, xp.astype(out, xp.result_type(input, target)), mask, reduction)


__all__ = [
    "kitti_d1_error",
    "mean_absolute_disparity_error",
    "mean_bad_pixel_error",
    "root_mean_squared_disparity_error",
]
