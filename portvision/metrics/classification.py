"""Label metrics: ``accuracy`` (top-k), ``confusion_matrix`` and ``mean_iou``."""

from __future__ import annotations

import math
from typing import Any

from portvision._checks import shape_of
from portvision._dispatch import dispatch
from portvision._registry import register_op
from portvision.metrics._common import (
    check_integer_dtype,
    check_label_range,
    check_ndim,
    check_number,
    check_same_shape,
)

Array = Any


@register_op(differentiable=False, tolerance="exact")
def accuracy(pred: Array, target: Array, topk: tuple[int, ...] = (1,)) -> list[Array]:
    """Top-k accuracy in percent: the share of samples whose target is among the k best scores.

    Args:
        pred: scores ``(B, C)``; only their order in a row matters.
        target: integer labels ``(B,)`` in ``[0, C)``.
        topk: the values of ``k`` (each clipped to ``C``).

    Returns:
        A list with one 0-d float32 array per entry of ``topk``, in ``[0, 100]``. Tied scores
        rank by class index (the lower index first), i.e. a stable descending sort.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pred = np.array([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3]]); target = np.array([2, 0])
        >>> [float(a) for a in pv.metrics.accuracy(pred, target, topk=(1, 2))]
        [50.0, 100.0]
    """
    eng, (pred, target) = dispatch(("pred", "target"), pred, target)
    xp = eng.xp
    check_ndim(pred, "pred", 2, "(B, C)")
    check_ndim(target, "target", 1, "(B,)")
    if target.shape[0] != pred.shape[0]:
        raise ValueError(f"target: expected shape ({int(pred.shape[0])},), got {shape_of(target)}")
    check_integer_dtype(xp, target, "target")
    ks = topk if isinstance(topk, (tuple, list)) else (topk,)
    if not ks or any(isinstance(k, bool) or not isinstance(k, int) or k < 1 for k in ks):
        raise ValueError(f"topk: expected positive integers, got {topk!r}")
    b, c = int(pred.shape[0]), int(pred.shape[1])
    check_label_range(eng, target, "target", 0, c)
    maxk = min(max(ks), c)
    # rank of the target's score in a stable descending sort: the scores above it, plus the
    # equal scores of lower class index
    t = xp.astype(target, xp.int64)
    classes = xp.arange(c, dtype=xp.int64, device=pred.device)
    hit = t[:, None] == classes[None, :]
    zero = xp.zeros_like(pred)
    score = xp.sum(xp.where(hit, pred, zero), axis=1, keepdims=True)
    before = (pred > score) | ((pred == score) & (classes[None, :] < t[:, None]))
    rank = xp.sum(xp.astype(before, xp.int64), axis=1)
    out = []
    for k in ks:
        n = xp.sum(xp.astype(rank < min(k, maxk), xp.float32))
        out.append(n * (100.0 / b))
    return out


@register_op(differentiable=False, tolerance="exact", integer_input=True)
def confusion_matrix(
    pred: Array, target: Array, num_classes: int, normalized: bool = False
) -> Array:
    """Confusion matrix of integer label maps, one per sample: ``cm[b, target, pred]``.

    Args:
        pred: predicted labels ``(B, *)`` in ``[0, num_classes)``.
        target: true labels of the same shape.
        num_classes: number of classes ``K >= 2``.
        normalized: divide each row (true class) by its count ``+ 1e-6``.

    Returns:
        ``(B, K, K)`` float32 counts (rows: target, columns: prediction).

    Example:
        >>> import numpy as np, portvision as pv
        >>> pred = np.array([[0, 1, 1, 2]]); target = np.array([[0, 1, 2, 2]])
        >>> pv.metrics.confusion_matrix(pred, target, 3)[0]
        array([[1., 0., 0.],
               [0., 1., 0.],
               [0., 1., 1.]], dtype=float32)
    """
    eng, (pred, target) = dispatch(("pred", "target"), pred, target)
    xp = eng.xp
    check_integer_dtype(xp, pred, "pred")
    check_integer_dtype(xp, target, "target")
    check_same_shape(pred, target, "pred", "target")
    if pred.ndim < 1:
        raise ValueError(f"pred: expected shape (B, *), got {shape_of(pred)}")
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
        raise ValueError(f"num_classes: expected an integer >= 2, got {num_classes!r}")
    check_label_range(eng, pred, "pred", 0, num_classes)
    check_label_range(eng, target, "target", 0, num_classes)
    b = int(pred.shape[0])
    k2 = num_classes * num_classes
    if b == 0 or math.prod(pred.shape) == 0:
        cm = xp.zeros((b, num_classes, num_classes), dtype=xp.float32, device=pred.device)
    else:
        idx = xp.astype(pred, xp.int64) + xp.astype(target, xp.int64) * num_classes
        counts = eng.bincount(xp.reshape(idx, (b, -1)), k2)
        cm = xp.reshape(xp.astype(counts, xp.float32), (b, num_classes, num_classes))
    if normalized:
        cm = cm / (xp.sum(cm, axis=2, keepdims=True) + 1e-6)
    return cm


@register_op(differentiable=False)
def mean_iou(pred: Array, target: Array, num_classes: int, eps: float = 1e-6) -> Array:
    """Intersection over union of every class in every sample, from the confusion matrix.

    ``IoU_k = (TP_k + eps) / (TP_k + FP_k + FN_k + eps)``: a class absent from both maps
    scores 1.

    Args:
        pred: predicted labels ``(B, *)``.
        target: true labels of the same shape.
        num_classes: number of classes ``K >= 2``.
        eps: added to the numerator and the denominator.

    Returns:
        ``(B, K)`` float32.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pred = np.array([[0, 1, 1, 2]]); target = np.array([[0, 1, 2, 2]])
        >>> np.round(pv.metrics.mean_iou(pred, target, 3), 4)
        array([[1. , 0.5, 0.5]], dtype=float32)
    """
    eng, (pred, target) = dispatch(("pred", "target"), pred, target)
    eps = check_number(eps, "eps")
    cm = confusion_matrix(pred, target, num_classes)
    xp = eng.xp
    diag = xp.sum(cm * xp.eye(num_classes, dtype=cm.dtype, device=cm.device), axis=2)
    union = xp.sum(cm, axis=1) + xp.sum(cm, axis=2) - diag
    return (diag + eps) / (union + eps)


__all__ = ["accuracy", "confusion_matrix", "mean_iou"]
