"""Robust regression losses of Barron's family at scale 1: Charbonnier, Cauchy,
Geman-McClure and Welsch, on the residual ``img1 - img2``."""

from __future__ import annotations

from typing import Any

from portvision._array import to_float
from portvision._dispatch import dispatch
from portvision._registry import register_op
from portvision.metrics._common import REDUCTIONS, check_reduction, check_same_shape, reduce

Array = Any


def _residual(names, img1, img2, reduction, allow_none=True):
    """``(xp, squared residual, reduction)``; Kornia reads ``reduction=None`` as ``"none"``
    in all of these but ``welsch_loss``."""
    eng, (img1, img2) = dispatch(names, img1, img2)
    check_same_shape(img1, img2, names[0], names[1])
    check_reduction(reduction, REDUCTIONS + ((None,) if allow_none else ()))
    xp = eng.xp
    d = to_float(xp, img1) - to_float(xp, img2)
    return xp, d * d, reduction or "none"


@register_op()
def charbonnier_loss(img1: Array, img2: Array, reduction: str = "none") -> Array:
    """Charbonnier (pseudo-Huber) loss ``sqrt(r^2 + 1) - 1`` of the residual ``r = img1 - img2``.

    Args:
        img1: prediction of any shape ``(*)``.
        img2: target of the same shape (no broadcasting).
        reduction: ``"none"`` (default; ``None`` too), ``"mean"`` or ``"sum"``.

    Returns:
        The per-element loss ``(*)``, or a 0-d array.

    Example:
        >>> import numpy as np, portvision as pv
        >>> a = np.array([0.0, 1.0, 3.0]); b = np.zeros(3)
        >>> np.round(pv.losses.charbonnier_loss(a, b), 4)
        array([0.    , 0.4142, 2.1623])
    """
    xp, sq, reduction = _residual(("img1", "img2"), img1, img2, reduction)
    # r^2 / (sqrt(r^2 + 1) + 1) for small residuals avoids the cancellation of sqrt(.) - 1
    small = sq < 1.0
    s = xp.where(small, sq, xp.zeros_like(sq))
    loss = xp.where(small, s / (xp.sqrt(s + 1.0) + 1.0), xp.sqrt(sq + 1.0) - 1.0)
    return reduce(xp, loss, reduction)


@register_op()
def cauchy_loss(img1: Array, img2: Array, reduction: str = "none") -> Array:
    """Cauchy (Lorentzian) loss ``log(1 + r^2 / 2)`` of the residual ``r = img1 - img2``.

    Args:
        img1: prediction of any shape ``(*)``.
        img2: target of the same shape.
        reduction: ``"none"`` (default; ``None`` too), ``"mean"`` or ``"sum"``.

    Returns:
        The per-element loss ``(*)``, or a 0-d array.

    Example:
        >>> import numpy as np, portvision as pv
        >>> a = np.array([0.0, 1.0, 3.0]); b = np.zeros(3)
        >>> np.round(pv.losses.cauchy_loss(a, b), 4)
        array([0.    , 0.4055, 1.7047])
    """
    xp, sq, reduction = _residual(("img1", "img2"), img1, img2, reduction)
    return reduce(xp, xp.log1p(0.5 * sq), reduction)


@register_op()
def geman_mcclure_loss(img1: Array, img2: Array, reduction: str = "none") -> Array:
    """Geman-McClure loss ``2 r^2 / (r^2 + 4)`` of the residual ``r = img1 - img2``.

    Args:
        img1: prediction of any shape ``(*)``.
        img2: target of the same shape.
        reduction: ``"none"`` (default; ``None`` too), ``"mean"`` or ``"sum"``.

    Returns:
        The per-element loss ``(*)``, or a 0-d array.

    Example:
        >>> import numpy as np, portvision as pv
        >>> a = np.array([0.0, 2.0]); b = np.zeros(2)
        >>> np.round(pv.losses.geman_mcclure_loss(a, b), 4)
        array([0., 1.])
    """
    xp, sq, reduction = _residual(("img1", "img2"), img1, img2, reduction)
    return reduce(xp, 2.0 * sq / (sq + 4.0), reduction)


@register_op()
def welsch_loss(img1: Array, img2: Array, reduction: str = "none") -> Array:
    """Welsch (Leclerc) loss ``1 - exp(-r^2 / 2)`` of the residual ``r = img1 - img2``.

    Args:
        img1: prediction of any shape ``(*)``.
        img2: target of the same shape.
        reduction: ``"none"`` (default), ``"mean"`` or ``"sum"``.

    Returns:
        The per-element loss ``(*)``, or a 0-d array.

    Example:
        >>> import numpy as np, portvision as pv
        >>> a = np.array([0.0, 1.0, 3.0]); b = np.zeros(3)
        >>> np.round(pv.losses.welsch_loss(a, b), 4)
        array([0.    , 0.3935, 0.9889])
    """
    xp, sq, reduction = _residual(("img1", "img2"), img1, img2, reduction, False)
    # 1 - exp(-u) = 2 tanh(u / 2) / (1 + tanh(u / 2)): no cancellation for small residuals
    t = xp.tanh(0.25 * sq)
    loss = xp.where(sq < 1.0, 2.0 * t / (1.0 + t), 1.0 - xp.exp(-0.5 * sq))
    return reduce(xp, loss, reduction)


__all__ = ["cauchy_loss", "charbonnier_loss", "geman_mcclure_loss", "welsch_loss"]
