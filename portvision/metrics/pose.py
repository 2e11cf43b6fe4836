"""Relative pose errors: rotation and translation angles (degrees), ATE, and the AUC of
the pose-error recall curve (the metrics of SuperGlue / LoFTR / LightGlue evaluations)."""

from __future__ import annotations

import math
from typing import Any

from portvision._checks import shape_of
from portvision._dispatch import dispatch, dispatch1
from portvision._registry import register_op
from portvision.metrics._common import check_same_shape

Array = Any


def _safe_norm(xp, sq):
    """``sqrt(sq)`` with a zero (not NaN) derivative where ``sq == 0``."""
    pos = sq > 0
    return xp.where(pos, xp.sqrt(xp.where(pos, sq, xp.ones_like(sq))), xp.zeros_like(sq))


def _angle_deg(xp, sin, cos):
    """``atan2(sin, cos)`` in degrees; NaN in either input gives NaN."""
    theta = -xp.atan2(-sin, cos) * (180.0 / math.pi)
    both = sin + cos
    return xp.where(xp.isnan(both), both, theta)


def _check_trailing(x, name: str, tail: tuple[int, ...], layout: str):
    if x.ndim < len(tail) or shape_of(x)[x.ndim - len(tail) :] != tail:
        raise ValueError(f"{name}: expected shape {layout}, got {shape_of(x)}")


def _rotation_angle(xp, r1, r2):
    rel = xp.matmul(xp.matrix_transpose(r1), r2)
    cos = (rel[..., 0, 0] + rel[..., 1, 1] + rel[..., 2, 2] - 1.0) * 0.5
    s0 = rel[..., 2, 1] - rel[..., 1, 2]
    s1 = rel[..., 0, 2] - rel[..., 2, 0]
    s2 = rel[..., 1, 0] - rel[..., 0, 1]
    sin = 0.5 * _safe_norm(xp, s0 * s0 + s1 * s1 + s2 * s2)
    return _angle_deg(xp, sin, cos)


def _vector_angle(xp, v1, v2):
    # scaling each vector by its largest component keeps the products in range
    v1 = v1 / xp.max(xp.abs(v1), axis=-1, keepdims=True)
    v2 = v2 / xp.max(xp.abs(v2), axis=-1, keepdims=True)
    a, b = v1, v2
    c0 = a[..., 1] * b[..., 2] - a[..., 2] * b[..., 1]
    c1 = a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2]
    c2 = a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
    sin = _safe_norm(xp, c0 * c0 + c1 * c1 + c2 * c2)
    cos = xp.sum(a * b, axis=-1)
    return _angle_deg(xp, sin, cos)


@register_op()
def angle_error_mat(R1: Array, R2: Array) -> Array:
    """Angle in degrees of the relative rotation ``R1^T R2`` (geodesic rotation error).

    Args:
        R1: rotation matrices ``(*, 3, 3)``.
        R2: rotation matrices of the same shape.

    Returns:
        ``(*)`` angles in [0, 180], from ``atan2(|axis part|, (trace - 1) / 2)``, which stays
        accurate near 0 and 180 degrees.

    Example:
        >>> import numpy as np, portvision as pv
        >>> c, s = np.cos(np.pi / 6), np.sin(np.pi / 6)
        >>> rz = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
        >>> float(np.round(pv.metrics.angle_error_mat(np.eye(3), rz), 4))
        30.0
    """
    eng, (R1, R2) = dispatch(("R1", "R2"), R1, R2)
    _check_trailing(R1, "R1", (3, 3), "(*, 3, 3)")
    check_same_shape(R1, R2, "R1", "R2")
    return _rotation_angle(eng.xp, R1, R2)


@register_op()
def angle_error_vec(v1: Array, v2: Array) -> Array:
    """Angle in degrees between two 3D vectors (e.g. translation directions).

    Args:
        v1: vectors ``(*, 3)``.
        v2: vectors of the same shape.

    Returns:
        ``(*)`` angles in [0, 180]; a zero vector gives NaN.

    Example:
        >>> import numpy as np, portvision as pv
        >>> a, b = np.array([1.0, 0.0, 0.0]), np.array([1.0, 1.0, 0.0])
        >>> float(np.round(pv.metrics.angle_error_vec(a, b), 4))
        45.0
    """
    eng, (v1, v2) = dispatch(("v1", "v2"), v1, v2)
    _check_trailing(v1, "v1", (3,), "(*, 3)")
    check_same_shape(v1, v2, "v1", "v2")
    return _vector_angle(eng.xp, v1, v2)


@register_op()
def translation_ate(t: Array, t_gt: Array) -> Array:
    """Absolute translation error: the Euclidean distance ``||t - t_gt||``.

    Args:
        t: translations ``(*, 3)``.
        t_gt: ground truth of the same shape.

    Returns:
        ``(*)``; a single ``(3,)`` pair gives ``(1,)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.metrics.translation_ate(np.array([3.0, 4.0, 0.0]), np.zeros(3))
        array([5.])
    """
    eng, (t, t_gt) = dispatch(("t", "t_gt"), t, t_gt)
    _check_trailing(t, "t", (3,), "(*, 3)")
    check_same_shape(t, t_gt, "t", "t_gt")
    xp = eng.xp
    if t.ndim == 1:
        t, t_gt = t[None, :], t_gt[None, :]
    d = t - t_gt
    return _safe_norm(xp, xp.sum(d * d, axis=-1))


@register_op()
def pose_errors(P: Array, P_gt: Array, fold_translation: bool = True) -> dict[str, Array]:
    """Rotation and translation-direction errors of relative poses, in degrees.

    Args:
        P: poses ``(3, 4)``, ``(4, 4)`` or batched ``(B, 3|4, 4)`` ``[R | t]``; only the top
            three rows are read.
        P_gt: ground-truth poses of the same shape.
        fold_translation: take ``min(e, 180 - e)`` for the translation angle (the sign of
            a translation estimated up to scale, e.g. from an essential matrix, is ambiguous).

    Returns:
        ``{"R_err": (B,), "t_err": (B,), "max_err": (B,)}`` (``B = 1`` for an unbatched pose):
        :func:`angle_error_mat` of the rotations, :func:`angle_error_vec` of the
        translations, and their maximum (the usual input of :func:`auc_from_errors`).

    Example:
        >>> import numpy as np, portvision as pv
        >>> P = np.eye(4)[:3]; Q = P.copy(); Q[:, 3] = [1.0, 0.0, 0.0]; P[:, 3] = [0.0, 0.0, -1.0]
        >>> {k: float(v[0]) for k, v in pv.metrics.pose_errors(P, Q).items()}
        {'R_err': 0.0, 't_err': 90.0, 'max_err': 90.0}
    """
    eng, (P, P_gt) = dispatch(("P", "P_gt"), P, P_gt)
    check_same_shape(P, P_gt, "P", "P_gt")
    if P.ndim not in (2, 3) or P.shape[-2] not in (3, 4) or P.shape[-1] != 4:
        raise ValueError(f"P: expected shape (3, 4), (4, 4) or (B, 3|4, 4), got {shape_of(P)}")
    xp = eng.xp
    if P.ndim == 2:
        P, P_gt = P[None, ...], P_gt[None, ...]
    r_err = _rotation_angle(xp, P[..., :3, :3], P_gt[..., :3, :3])
    t_err = _vector_angle(xp, P[..., :3, 3], P_gt[..., :3, 3])
    if fold_translation:
        t_err = xp.minimum(t_err, 180.0 - t_err)
    return {"R_err": r_err, "t_err": t_err, "max_err": xp.maximum(r_err, t_err)}


@register_op(differentiable=False)
def auc_from_errors(errors: Array, thresholds: Any = (1, 3, 5, 10)) -> dict[float, float]:
    """Area under the recall-vs-error curve up to each threshold, in percent.

    The recall curve steps up by ``1 / n`` at every sorted error (starting from (0, 0));
    the area up to ``thr`` (trapezoids, the curve held flat after the last error below it)
    is divided by ``thr``.

    Args:
        errors: non-negative errors of any shape (e.g. ``pose_errors(...)["max_err"]``),
            pooled into one curve.
        thresholds: a positive number or a sequence of them (degrees for pose errors).

    Returns:
        ``{threshold: AUC in [0, 100]}`` as Python floats (NaN for all if an error is NaN).

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.metrics.auc_from_errors(np.array([0.0, 0.0]), thresholds=(1, 2))
        {1.0: 100.0, 2.0: 100.0}
        >>> round(pv.metrics.auc_from_errors(np.array([1.0, 3.0]), 2)[2.0], 4)
        37.5
    """
    eng, errors = dispatch1("errors", errors)
    xp = eng.xp
    thr = [thresholds] if isinstance(thresholds, (int, float)) else list(thresholds)
    if not thr or any(
        isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0 for v in thr
    ):
        raise ValueError(f"thresholds: expected positive numbers, got {thresholds!r}")
    thr = [float(v) for v in thr]
    e = xp.reshape(errors, (-1,))
    if not xp.isdtype(e.dtype, "real floating"):
        e = xp.astype(e, xp.float32)
    if bool(xp.any(xp.isnan(e))):
        return dict.fromkeys(thr, float("nan"))
    if bool(xp.any(e < 0)):
        raise ValueError("errors: expected non-negative values, got a negative error")
    n = int(e.shape[0])
    e = xp.concat([xp.zeros((1,), dtype=e.dtype, device=e.device), xp.sort(e)])
    recall = xp.arange(n + 1, dtype=e.dtype, device=e.device) / max(n, 1)
    out = {}
    for v in thr:
        last = int(xp.searchsorted(e, xp.asarray([v], dtype=e.dtype, device=e.device))[0])
        x = xp.concat([e[:last], xp.asarray([v], dtype=e.dtype, device=e.device)])
        y = xp.concat([recall[:last], recall[last - 1 : last]])
        area = xp.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1]) * 0.5)
        out[v] = float(area / v) * 100.0
    return out


__all__ = [
    "angle_error_mat",
    "angle_error_vec",
    "auc_from_errors",
    "pose_errors",
    "translation_ate",
]
