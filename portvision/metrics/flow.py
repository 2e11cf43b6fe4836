"""Optical-flow metrics: the average endpoint error (``aepe`` / ``average_endpoint_error``)."""

from __future__ import annotations

from typing import Any

from portvision._checks import shape_of
from portvision._dispatch import dispatch
from portvision._registry import register_op
from portvision.metrics._common import check_reduction, check_same_shape, reduce

Array = Any


@register_op()
def aepe(input: Array, target: Array, reduction: str = "mean") -> Array:
    """Average endpoint error: the Euclidean distance between two flow fields per position.

    Args:
        input: flow ``(*, 2)``, channel-last (e.g. ``(B, H, W, 2)``).
        target: flow of the same shape.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (``(*)``).

    Returns:
        0-d array, or ``(*)`` for ``"none"``. Where the two vectors coincide the gradient is
        0 (Kornia's ``sqrt`` gives NaN there).

    Example:
        >>> import numpy as np, portvision as pv
        >>> u = np.zeros((1, 1, 2, 2)); v = np.array([[[[3.0, 4.0], [0.0, 1.0]]]])
        >>> float(pv.metrics.aepe(u, v))
        3.0
    """
    eng, (input, target) = dispatch(("input", "target"), input, target)
    xp = eng.xp
    if input.ndim < 1 or input.shape[-1] != 2:
        raise ValueError(f"input: expected shape (*, 2), got {shape_of(input)}")
    check_same_shape(input, target, "input", "target")
    check_reduction(reduction)
    d = input - target
    sq = d[..., 0] * d[..., 0] + d[..., 1] * d[..., 1]
    pos = sq > 0
    epe = xp.where(pos, xp.sqrt(xp.where(pos, sq, xp.ones_like(sq))), xp.zeros_like(sq))
    return reduce(xp, epe, reduction)


@register_op()
def average_endpoint_error(input: Array, target: Array, reduction: str = "mean") -> Array:
    """The same function as :func:`aepe` (Kornia exports both names).

    Args:
        input: flow ``(*, 2)``.
        target: flow of the same shape.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Returns:
        0-d array, or ``(*)`` for ``"none"``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> float(pv.metrics.average_endpoint_error(np.zeros((1, 2)), np.array([[6.0, 8.0]])))
        10.0
    """
    return aepe(input, target, reduction)


__all__ = ["aepe", "average_endpoint_error"]
