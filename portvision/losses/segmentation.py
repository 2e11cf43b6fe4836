"""Classification and segmentation losses on logits: ``one_hot``, ``focal_loss``,
``binary_focal_loss_with_logits``, ``dice_loss``, ``tversky_loss``, ``lovasz_hinge_loss``,
``lovasz_softmax_loss``.

Labels are integer arrays; a label equal to ``ignore_index`` (default -100, ``None`` to
disable) contributes nothing. Labels outside ``[0, C)`` (other than ``ignore_index``) raise
a ``ValueError`` on every engine (Kornia leaves them undefined or fails inside torch).
"""

from __future__ import annotations

from typing import Any

from portvision._checks import shape_of
from portvision._dispatch import dispatch, dispatch1
from portvision._registry import register_op
from portvision.metrics._common import (
    check_int,
    check_integer_dtype,
    check_label_range,
    check_ndim,
    check_number,
    check_reduction,
    check_same_shape,
    dtype_name,
    reduce,
)

Array = Any


# -- helpers ---------------------------------------------------------------------------
def _one_hot(xp, labels, num_classes: int, dtype):
    """``(N, *)`` labels -> ``(N, C, *)`` of ``dtype`` (labels outside [0, C) give zeros)."""
    lab = labels[:, None, ...]
    classes = xp.arange(num_classes, dtype=labels.dtype, device=labels.device)
    classes = xp.reshape(classes, (1, num_classes) + (1,) * (labels.ndim - 1))
    return xp.astype(lab == classes, dtype)


def _log_softmax(xp, x, axis=1):
    m = xp.max(x, axis=axis, keepdims=True)
    z = x - m
    return z - xp.log(xp.sum(xp.exp(z), axis=axis, keepdims=True))


def _softmax(xp, x, axis=1):
    e = xp.exp(x - xp.max(x, axis=axis, keepdims=True))
    return e / xp.sum(e, axis=axis, keepdims=True)


def _log_sigmoid(xp, x):
    """``log(1 / (1 + exp(-x)))`` without overflow: ``min(x, 0) - log1p(exp(-|x|))``."""
    return xp.minimum(x, xp.zeros_like(x)) - xp.log1p(xp.exp(-xp.abs(x)))


def _mask_labels(eng, target, ignore_index, num_classes: int | None):
    """Validated labels with ignored entries mapped to class 0, and the valid mask (or None)."""
    xp = eng.xp
    check_integer_dtype(xp, target, "target")
    if num_classes is not None:
        check_label_range(eng, target, "target", 0, num_classes, ignore_index)
    if ignore_index is None:
        return target, None
    mask = target != ignore_index
    return xp.where(mask, target, xp.zeros_like(target)), mask


def _check_class_vector(w, name: str, num_classes: int):
    if w is None:
        return None
    if w.ndim != 1 or w.shape[0] != num_classes:
        raise ValueError(
            f"{name}: expected shape ({num_classes},) (one value per class of pred), "
            f"got {shape_of(w)}"
        )
    return w


def _per_class(xp, v, ndim: int):
    """``(C,)`` -> broadcastable against ``(B, C, *)`` of rank ``ndim``."""
    return xp.reshape(v, (1, v.shape[0]) + (1,) * (ndim - 2))


def _check_label_map(pred, target, layout: str):
    """``target`` must be ``(B, *)`` for ``pred (B, C, *)``."""
    want = (int(pred.shape[0]),) + shape_of(pred)[2:]
    if shape_of(target) != want:
        raise ValueError(f"target: expected shape {want} {layout}, got {shape_of(target)}")


def _check_float(xp, x, name):
    if not xp.isdtype(x.dtype, "real floating"):
        raise TypeError(f"{name}: expected a real floating dtype, got {dtype_name(x.dtype)}")


# -- one_hot ---------------------------------------------------------------------------
@register_op(differentiable=False, tolerance="exact", integer_input=True)
def one_hot(
    labels: Array, num_classes: int, device: Any = None, dtype: Any = None, eps: float = 0.0
) -> Array:
    """One-hot encoding with the class axis at position 1: ``(N, *)`` -> ``(N, C, *)``.

    Args:
        labels: integer labels ``(N, *)`` in ``[0, num_classes)``.
        num_classes: number of classes ``C >= 1``.
        device: device of the result (default: the labels').
        dtype: dtype of the result (default float32); a dtype of the labels' library or a name.
        eps: with ``eps != 0`` the zeros become ``eps`` and the ones stay 1 (float dtypes).

    Returns:
        ``(N, C, *)`` with 1 at the label's class.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.losses.one_hot(np.array([[0, 2], [1, 0]]), 3)[0]
        array([[1., 0.],
               [0., 0.],
               [0., 1.]], dtype=float32)
    """
    eng, labels = dispatch1("labels", labels)
    xp = eng.xp
    check_integer_dtype(xp, labels, "labels")
    if labels.ndim < 1:
        raise ValueError(f"labels: expected shape (N, *), got {shape_of(labels)}")
    num_classes = check_int(num_classes, "num_classes", 1)
    eps = check_number(eps, "eps")
    dt = eng.dtype(dtype)
    if eps != 0 and not xp.isdtype(dt, "real floating"):
        raise TypeError(f"dtype: expected a real floating dtype with eps != 0, got {dt}")
    check_label_range(eng, labels, "labels", 0, num_classes)
    if device is not None:
        labels = eng.to_device(labels, device)
    out = _one_hot(xp, labels, num_classes, dt)
    return out if eps == 0 else out * (1.0 - eps) + eps


# -- focal losses ------------------------------------------------------------------------
@register_op()
def focal_loss(
    pred: Array,
    target: Array,
    alpha: float | None,
    gamma: float = 2.0,
    reduction: str = "none",
    weight: Array | None = None,
    ignore_index: int | None = -100,
) -> Array:
    """Focal loss (Lin et al. 2017) of softmax logits: ``-alpha_t (1 - p_t)^gamma log p_t``.

    Args:
        pred: logits ``(B, C, *)``; the softmax over axis 1 is taken inside.
        target: integer labels ``(B, *)`` in ``[0, C)`` or ``ignore_index``.
        alpha: class 0 (background) is weighted by ``1 - alpha``, the others by ``alpha``;
            ``None``: no weighting.
        gamma: focusing exponent ``>= 0``.
        reduction: ``"none"`` (default): the map ``(B, C, *)`` whose target-class slice holds
            the loss and whose other slices are 0; ``"mean"`` averages that whole map
            (``B * C * ...`` elements); ``"sum"``.
        weight: per-class weights ``(C,)`` multiplying each class slice.
        ignore_index: label that contributes 0 (still counted by ``"mean"``); ``None``: none.

    Returns:
        ``(B, C, *)`` or a 0-d array.

    Example:
        >>> import numpy as np, portvision as pv
        >>> logits = np.log(np.array([[0.25, 0.75]]))  # p = (0.25, 0.75)
        >>> loss = pv.losses.focal_loss(logits, np.array([1]), alpha=None, gamma=2.0)
        >>> float(np.round(loss[0, 1], 4))  # 0.25^2 * -log(0.75); loss[0, 0] is 0
        0.018
    """
    names = ("pred", "target", "weight")
    eng, (pred, target, weight) = dispatch(names, pred, target, weight)
    xp = eng.xp
    if pred.ndim < 2:
        raise ValueError(f"pred: expected shape (B, C, *), got {shape_of(pred)}")
    _check_float(xp, pred, "pred")
    _check_label_map(pred, target, "(B, *)")
    check_reduction(reduction)
    gamma = check_number(gamma, "gamma")
    if alpha is not None:
        alpha = check_number(alpha, "alpha")
    c = int(pred.shape[1])
    weight = _check_class_vector(weight, "weight", c)
    labels, mask = _mask_labels(eng, target, ignore_index, c)
    onehot = _one_hot(xp, labels, c, pred.dtype)
    x = pred
    if mask is not None:
        m = mask[:, None, ...]
        onehot = onehot * xp.astype(m, pred.dtype)
        x = xp.where(m, pred, xp.zeros_like(pred))
    logp = _log_softmax(xp, x)
    hit = onehot != 0
    logp = xp.where(hit, logp, xp.zeros_like(logp))  # no 0 * -inf where p underflows
    base = 1.0 - xp.exp(logp)
    # base ** gamma with a finite derivative at base == 0 (p_t == 1): that arm is constant
    sat = base == 0
    safe = xp.where(sat, xp.ones_like(base), base)
    focal = xp.where(sat, eng.stop_gradient(base) ** gamma, safe**gamma)
    loss = -focal * logp * onehot
    if alpha is not None:
        fac = xp.asarray([1.0 - alpha] + [alpha] * (c - 1), dtype=loss.dtype, device=loss.device)
        loss = _per_class(xp, fac, loss.ndim) * loss
    if weight is not None:
        loss = _per_class(xp, weight, loss.ndim) * loss
    return reduce(xp, loss, reduction)


@register_op()
def binary_focal_loss_with_logits(
    pred: Array,
    target: Array,
    alpha: float | None = 0.25,
    gamma: float = 2.0,
    reduction: str = "none",
    pos_weight: Array | None = None,
    weight: Array | None = None,
    ignore_index: int | None = -100,
) -> Array:
    """Binary focal loss of independent logits (every element is its own binary problem).

    ``-alpha (1 - p)^gamma t log p - (1 - alpha) p^gamma (1 - t) log(1 - p)`` with
    ``p = sigmoid(pred)``.

    Args:
        pred: logits ``(B, C, *)``.
        target: targets of the same shape, in [0, 1] (soft targets allowed); entries equal to
            ``ignore_index`` contribute 0.
        alpha: weight of the positive term (``1 - alpha`` for the negative); ``None``: none.
        gamma: focusing exponent.
        reduction: ``"none"`` (default), ``"mean"`` or ``"sum"``.
        pos_weight: ``(C,)`` factors of the positive term per class.
        weight: ``(C,)`` factors of the whole loss per class.
        ignore_index: target value to ignore; ``None``: none.

    Returns:
        ``(B, C, *)`` or a 0-d array.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pred = np.array([[0.0, 2.0]]); t = np.array([[1.0, 0.0]])
        >>> np.round(pv.losses.binary_focal_loss_with_logits(pred, t, alpha=None), 4)
        array([[0.1733, 1.6501]])
    """
    names = ("pred", "target", "pos_weight", "weight")
    eng, (pred, target, pos_weight, weight) = dispatch(names, pred, target, pos_weight, weight)
    xp = eng.xp
    if pred.ndim < 2:
        raise ValueError(f"pred: expected shape (B, C, *), got {shape_of(pred)}")
    _check_float(xp, pred, "pred")
    check_same_shape(pred, target, "pred", "target")
    check_reduction(reduction)
    gamma = check_number(gamma, "gamma")
    if alpha is not None:
        alpha = check_number(alpha, "alpha")
    c = int(pred.shape[1])
    pos_weight = _check_class_vector(pos_weight, "pos_weight", c)
    weight = _check_class_vector(weight, "weight", c)
    t = xp.astype(target, pred.dtype) if target.dtype != pred.dtype else target
    log_pos, log_neg = _log_sigmoid(xp, pred), _log_sigmoid(xp, -pred)
    if ignore_index is not None:
        keep = target != ignore_index
        t = xp.where(keep, t, xp.zeros_like(t))
        keep = xp.astype(keep, pred.dtype)
        log_pos, log_neg = log_pos * keep, log_neg * keep
    pos = -xp.exp(gamma * log_neg) * t * log_pos
    neg = -xp.exp(gamma * log_pos) * (1.0 - t) * log_neg
    if alpha is not None:
        pos, neg = alpha * pos, (1.0 - alpha) * neg
    if pos_weight is not None:
        pos = _per_class(xp, pos_weight, pos.ndim) * pos
    loss = pos + neg
    if weight is not None:
        loss = _per_class(xp, weight, loss.ndim) * loss
    return reduce(xp, loss, reduction)


# -- overlap losses ----------------------------------------------------------------------
def _soft_and_onehot(eng, pred, target, ignore_index, name_layout="(B, H, W)"):
    """Validated softmax ``(B, C, H, W)`` and one-hot target, both zero at ignored pixels."""
    xp = eng.xp
    check_ndim(pred, "pred", 4, "(B, C, H, W)")
    _check_float(xp, pred, "pred")
    _check_label_map(pred, target, name_layout)
    c = int(pred.shape[1])
    labels, mask = _mask_labels(eng, target, ignore_index, c)
    soft = _softmax(xp, pred)
    onehot = _one_hot(xp, labels, c, pred.dtype)
    if mask is not None:
        m = xp.astype(mask[:, None, ...], pred.dtype)
        soft, onehot = soft * m, onehot * m
    return soft, onehot


def _safe_ratio(xp, num, den, empty, fill):
    """``num / den`` with ``fill`` where ``empty`` (and a finite derivative there)."""
    return xp.where(empty, xp.zeros_like(num) + fill, num / xp.where(empty, xp.ones_like(den), den))


@register_op()
def dice_loss(
    pred: Array,
    target: Array,
    average: str = "micro",
    eps: float = 1e-8,
    weight: Array | None = None,
    ignore_index: int | None = -100,
) -> Array:
    """Sørensen-Dice loss ``1 - 2 |X ∩ Y| / (|X| + |Y| + eps)`` of softmax scores and labels.

    Args:
        pred: logits ``(B, C, H, W)``; the softmax over axis 1 is taken inside.
        target: integer labels ``(B, H, W)``.
        average: ``"micro"`` (one score per sample over every class and pixel, ``weight``
            scaling each class's share of both sums) or ``"macro"`` (per-class scores averaged,
            weighted by ``weight``, over the classes present in the sample's target; a sample
            with none scores a loss of 1).
        eps: added to the denominator.
        weight: ``(C,)`` class weights.
        ignore_index: label whose pixels leave both sums; ``None``: none.

    Returns:
        0-d array: the mean over the batch.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pred = np.zeros((1, 2, 2, 2)); target = np.array([[[0, 1], [1, 1]]])
        >>> float(np.round(pv.losses.dice_loss(pred, target), 4))  # soft scores are all 0.5
        0.5
    """
    names = ("pred", "target", "weight")
    eng, (pred, target, weight) = dispatch(names, pred, target, weight)
    xp = eng.xp
    check_ndim(pred, "pred", 4, "(B, C, H, W)")
    if average not in ("micro", "macro"):
        raise ValueError(f"average: expected one of ['micro', 'macro'], got {average!r}")
    eps = check_number(eps, "eps")
    c = int(pred.shape[1])
    weight = _check_class_vector(weight, "weight", c)
    soft, onehot = _soft_and_onehot(eng, pred, target, ignore_index)
    inter_target = onehot
    if average == "micro":
        axes = (1, 2, 3)
        if weight is not None:
            w = _per_class(xp, weight, 4)
            soft, onehot = soft * w, onehot * w
    else:
        axes = (2, 3)
    inter = xp.sum(soft * inter_target, axis=axes)
    card = xp.sum(soft + onehot, axis=axes)
    empty = card == 0
    loss = 1.0 - _safe_ratio(xp, 2.0 * inter, card + eps, empty, 0.0)
    if average == "macro":
        present = xp.astype(xp.any(inter_target == 1, axis=(2, 3)), loss.dtype)
        w = present if weight is None else weight * present
        norm = xp.sum(w, axis=-1)
        loss = _safe_ratio(xp, xp.sum(loss * w, axis=-1), norm, norm == 0, 1.0)
    return xp.mean(loss)


@register_op()
def tversky_loss(
    pred: Array,
    target: Array,
    alpha: float,
    beta: float,
    eps: float = 1e-8,
    ignore_index: int | None = -100,
) -> Array:
    """Tversky loss ``1 - TP / (TP + alpha FP + beta FN + eps)`` per class, averaged.

    The score of each class present in a sample's target is averaged over those classes
    (absent classes are left out), then over the batch.

    Args:
        pred: logits ``(B, C, H, W)``; the softmax over axis 1 is taken inside.
        target: integer labels ``(B, H, W)``.
        alpha: weight of the false positives.
        beta: weight of the false negatives.
        eps: added to the denominator.
        ignore_index: label whose pixels are left out; ``None``: none.

    Returns:
        0-d array.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pred = np.zeros((1, 2, 2, 2)); target = np.array([[[0, 1], [1, 1]]])
        >>> float(np.round(pv.losses.tversky_loss(pred, target, 0.5, 0.5), 4))
        0.5
    """
    eng, (pred, target) = dispatch(("pred", "target"), pred, target)
    xp = eng.xp
    alpha, beta = check_number(alpha, "alpha"), check_number(beta, "beta")
    eps = check_number(eps, "eps")
    soft, onehot = _soft_and_onehot(eng, pred, target, ignore_index)
    tp = xp.sum(soft * onehot, axis=(2, 3))
    fp = xp.sum(soft * (1.0 - onehot), axis=(2, 3))
    fn = xp.sum((1.0 - soft) * onehot, axis=(2, 3))
    present = xp.sum(onehot, axis=(2, 3)) > 0
    score = _safe_ratio(xp, tp, tp + alpha * fp + beta * fn + eps, ~present, 0.0)
    count = xp.sum(xp.astype(present, score.dtype), axis=-1)
    score = xp.sum(score, axis=-1) / xp.maximum(count, xp.ones_like(count))
    return 1.0 - xp.mean(score)


# -- Lovász losses -----------------------------------------------------------------------
def _lovasz_gradient(xp, fg_sorted):
    """Jaccard loss increments along the sorted errors (Berman et al. 2018, alg. 1)."""
    total = xp.sum(fg_sorted, axis=-1, keepdims=True)
    inter = total - xp.cumulative_sum(fg_sorted, axis=-1)
    union = total + xp.cumulative_sum(1.0 - fg_sorted, axis=-1)
    jac = 1.0 - inter / union
    return xp.concat([jac[..., :1], jac[..., 1:] - jac[..., :-1]], axis=-1)


def _sorted_desc(xp, errors, fg):
    """``errors`` sorted in decreasing order along the last axis, and ``fg`` in that order."""
    idx = xp.argsort(errors, axis=-1, descending=True, stable=True)
    return xp.take_along_axis(errors, idx, axis=-1), xp.take_along_axis(fg, idx, axis=-1)


@register_op()
def lovasz_hinge_loss(pred: Array, target: Array) -> Array:
    """Lovász hinge loss: the Lovász extension of the Jaccard loss for binary segmentation.

    Args:
        pred: logits ``(B, 1, H, W)`` (positive: foreground).
        target: integer labels ``(B, H, W)`` in {0, 1} (1: foreground).

    Returns:
        0-d array: the mean over the images of each image's loss.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pred = np.array([[[[2.0, -2.0]]]]); target = np.array([[[1, 0]]])
        >>> float(pv.losses.lovasz_hinge_loss(pred, target))  # margins > 1 everywhere
        0.0
    """
    eng, (pred, target) = dispatch(("pred", "target"), pred, target)
    xp = eng.xp
    check_ndim(pred, "pred", 4, "(B, 1, H, W)")
    if pred.shape[1] != 1:
        raise ValueError(f"pred: expected shape (B, 1, H, W), got {shape_of(pred)}")
    _check_float(xp, pred, "pred")
    _check_label_map(pred, target, "(B, H, W)")
    check_integer_dtype(xp, target, "target")
    check_label_range(eng, target, "target", 0, 2)
    b = int(pred.shape[0])
    p = xp.reshape(pred, (b, -1))
    t = xp.astype(xp.reshape(target, (b, -1)), pred.dtype)
    errors = 1.0 - p * (2.0 * t - 1.0)
    err_sorted, t_sorted = _sorted_desc(xp, errors, t)
    grad = _lovasz_gradient(xp, t_sorted)
    relu = xp.maximum(err_sorted, xp.zeros_like(err_sorted))
    return xp.mean(xp.sum(relu * grad, axis=1))


@register_op()
def lovasz_softmax_loss(pred: Array, target: Array, weight: Array | None = None) -> Array:
    """Lovász-softmax loss: the Lovász extension of the per-class Jaccard loss.

    Args:
        pred: logits ``(B, C, H, W)`` with ``C >= 2`` (a batch of 1 is shared by every target).
        target: integer labels ``(B, H, W)`` in ``[0, C)``.
        weight: ``(C,)`` class weights (the mean still divides by ``C``).

    Returns:
        0-d array: per-class losses averaged over the images, then over the classes.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pred = np.array([[[[9.0, -9.0]], [[-9.0, 9.0]]]]); target = np.array([[[0, 1]]])
        >>> float(np.round(pv.losses.lovasz_softmax_loss(pred, target), 4))
        0.0
    """
    names = ("pred", "target", "weight")
    eng, (pred, target, weight) = dispatch(names, pred, target, weight)
    xp = eng.xp
    check_ndim(pred, "pred", 4, "(B, C, H, W)")
    if pred.shape[1] < 2:
        raise ValueError(f"pred: expected shape (B, C, H, W) with C >= 2, got {shape_of(pred)}")
    _check_float(xp, pred, "pred")
    check_ndim(target, "target", 3, "(B, H, W)")
    if pred.shape[0] not in (1, target.shape[0]) or pred.shape[2:] != target.shape[1:]:
        raise ValueError(
            f"target: expected shape (B, H, W) matching pred {shape_of(pred)}, "
            f"got {shape_of(target)}"
        )
    check_integer_dtype(xp, target, "target")
    c = int(pred.shape[1])
    check_label_range(eng, target, "target", 0, c)
    weight = _check_class_vector(weight, "weight", c)
    soft = _softmax(xp, xp.reshape(pred, (pred.shape[0], c, -1)))
    fg = _one_hot(xp, xp.reshape(target, (target.shape[0], -1)), c, pred.dtype)
    errors = xp.abs(soft - fg)
    fg = xp.broadcast_to(fg, errors.shape)
    err_sorted, fg_sorted = _sorted_desc(xp, errors, fg)
    per_class = xp.mean(xp.sum(err_sorted * _lovasz_gradient(xp, fg_sorted), axis=2), axis=0)
    if weight is not None:
        per_class = per_class * weight
    return xp.mean(per_class)


__all__ = [
    "binary_focal_loss_with_logits",
    "dice_loss",
    "focal_loss",
    "lovasz_hinge_loss",
    "lovasz_softmax_loss",
    "one_hot",
    "tversky_loss",
]
