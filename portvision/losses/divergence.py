"""Divergences between 2D heatmaps: ``kl_div_loss_2d`` and ``js_div_loss_2d``."""

from __future__ import annotations

from typing import Any

from portvision._dispatch import dispatch
from portvision._registry import register_op
from portvision.metrics._common import check_ndim, check_reduction, check_same_shape, reduce

Array = Any


def _kl(xp, p, q):
    """``KL(p || q)`` of each ``(b, n)`` slice over ``H * W`` -> ``(B, N)``.

    Cells with ``p == 0`` (and a finite ``q >= 0``) contribute exactly 0, gradients
    included: both sides are replaced by 1 there before the logarithms.
    """
    empty = (p == 0) & (q >= 0) & xp.isfinite(q)
    one = xp.ones_like(p)
    p = xp.where(empty, one, p)
    q = xp.where(empty, one, q)
    return xp.sum(p * (xp.log(p) - xp.log(q)), axis=(-2, -1))


def _heatmaps(pred, target, reduction):
    eng, (pred, target) = dispatch(("pred", "target"), pred, target)
    check_ndim(pred, "pred", 4, "(B, N, H, W)")
    check_same_shape(pred, target, "pred", "target")
    check_reduction(reduction)
    return eng.xp, pred, target


@register_op()
def kl_div_loss_2d(pred: Array, target: Array, reduction: str = "mean") -> Array:
    """Kullback-Leibler divergence ``KL(target || pred)`` of every heatmap over its ``H * W``.

    Args:
        pred: probabilities ``(B, N, H, W)``, each ``(b, n)`` slice a distribution.
        target: probabilities of the same shape.
        reduction: ``"none"`` (``(B, N)``), ``"mean"`` (default) or ``"sum"``.

    Returns:
        ``(B, N)`` or a 0-d array. A cell where ``target`` is 0 contributes 0.

    Example:
        >>> import numpy as np, portvision as pv
        >>> p = np.full((1, 1, 2, 2), 0.25)
        >>> q = np.array([[[[0.5, 0.5], [0.0, 0.0]]]])
        >>> float(np.round(pv.losses.kl_div_loss_2d(p, q), 4))  # log 2
        0.6931
    """
    xp, pred, target = _heatmaps(pred, target, reduction)
    return reduce(xp, _kl(xp, target, pred), reduction)


@register_op()
def js_div_loss_2d(pred: Array, target: Array, reduction: str = "mean") -> Array:
    """Jensen-Shannon divergence ``KL(t || m) / 2 + KL(p || m) / 2``, ``m = (p + t) / 2``.

    Args:
        pred: probabilities ``(B, N, H, W)``.
        target: probabilities of the same shape.
        reduction: ``"none"`` (``(B, N)``), ``"mean"`` (default) or ``"sum"``.

    Returns:
        ``(B, N)`` or a 0-d array, in ``[0, log 2]`` for distributions.

    Example:
        >>> import numpy as np, portvision as pv
        >>> p = np.array([[[[1.0, 0.0]]]]); q = np.array([[[[0.0, 1.0]]]])
        >>> float(np.round(pv.losses.js_div_loss_2d(p, q), 4))  # log 2
        0.6931
    """
    xp, pred, target = _heatmaps(pred, target, reduction)
    m = 0.5 * (pred + target)
    return reduce(xp, 0.5 * _kl(xp, target, m) + 0.5 * _kl(xp, pred, m), reduction)


__all__ = ["js_div_loss_2d", "kl_div_loss_2d"]
