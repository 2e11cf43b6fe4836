"""Homogeneous transformations and small vector algebra (Kornia's ``kornia.geometry.linalg``):
``transform_points``, ``compose_transformations``, ``inverse_transformation``,
``relative_transformation``, ``point_line_distance``, ``batched_dot_product``,
``batched_squared_norm`` / ``squared_norm``, ``euclidean_distance``.

``trans_ab`` maps points of frame ``b`` to frame ``a``: ``p_a = trans_ab @ p_b``.
"""

from __future__ import annotations

from typing import Any

from portvision._checks import shape_of
from portvision._dispatch import dispatch, dispatch1
from portvision._registry import register_op
from portvision.geometry.conversions._common import broadcast_batch, check_matrix, common_float
from portvision.geometry.conversions.points import from_homogeneous

Array = Any

__all__ = [
    "batched_dot_product",
    "batched_squared_norm",
    "compose_transformations",
    "euclidean_distance",
    "inverse_transformation",
    "point_line_distance",
    "relative_transformation",
    "squared_norm",
    "transform_points",
]


def _two(names, a, b):
    eng, (a, b) = dispatch(names, a, b)
    dispatch1(names[1], b)  # an array, not a number
    return eng, a, b


def _check_rigid(x, name: str) -> None:
    check_matrix(x, name, 4, 4, (2, 3), "(N, 4, 4) or (4, 4)")


def _check_pair(a, b, na: str, nb: str) -> None:
    _check_rigid(a, na)
    _check_rigid(b, nb)
    if a.ndim != b.ndim:
        raise ValueError(
            f"{nb}: expected the number of axes of {na} ({a.ndim}), got shape {shape_of(b)}"
        )
    broadcast_batch(a, b, na, nb)


def _pack(xp, rot, tvec):
    """``[[R, t], [0, 0, 0, 1]]`` from ``(*, 3, 3)`` and ``(*, 3, 1)`` blocks."""
    top = xp.concat([rot, tvec], axis=-1)
    bottom = xp.concat([xp.zeros_like(top[..., :1, :3]), xp.ones_like(top[..., :1, 3:])], axis=-1)
    return xp.concat([top, bottom], axis=-2)


def _float_pair(xp, a, b):
    return common_float(xp, a, b)


@register_op()
def compose_transformations(trans_01: Array, trans_12: Array) -> Array:
    """Compose two homogeneous transformations: ``trans_02 = trans_01 @ trans_12``.

    Only the top three rows are read; the last row of the result is ``[0, 0, 0, 1]``.

    Args:
        trans_01: ``(N, 4, 4)`` or ``(4, 4)`` transformation of frame 1 to frame 0.
        trans_12: ``(N, 4, 4)`` or ``(4, 4)`` (same number of axes; a batch of 1 broadcasts).

    Returns:
        ``(N, 4, 4)`` or ``(4, 4)`` transformation of frame 2 to frame 0.

    Example:
        >>> import numpy as np, portvision as pv
        >>> T = np.eye(4); T[:3, 3] = [1.0, 2.0, 3.0]
        >>> pv.geometry.compose_transformations(T, T)[:3, 3]
        array([2., 4., 6.])
    """
    eng, trans_01, trans_12 = _two(("trans_01", "trans_12"), trans_01, trans_12)
    _check_pair(trans_01, trans_12, "trans_01", "trans_12")
    xp = eng.xp
    trans_01, trans_12 = _float_pair(xp, trans_01, trans_12)
    r01, t01 = trans_01[..., :3, :3], trans_01[..., :3, 3:]
    rot = r01 @ trans_12[..., :3, :3]
    tvec = r01 @ trans_12[..., :3, 3:] + t01
    return _pack(xp, rot, tvec)


@register_op()
def inverse_transformation(trans_12: Array) -> Array:
    """Invert a rigid transformation ``[R | t]``: ``[R^T | -R^T t]``.

    ``R`` is transposed, not inverted (the input must be rigid; this is not checked, as in
    Kornia); the last row is read as ``[0, 0, 0, 1]``.

    Args:
        trans_12: ``(N, 4, 4)`` or ``(4, 4)`` rigid transformations.

    Returns:
        ``(N, 4, 4)`` or ``(4, 4)`` inverse transformations.

    Example:
        >>> import numpy as np, portvision as pv
        >>> T = np.eye(4)[None]
        >>> T[0, :3, :3] = [[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
        >>> T[0, :3, 3] = [1.0, 2.0, 3.0]
        >>> pv.geometry.inverse_transformation(T)[:, :3, 3]
        array([[-2.,  1., -3.]])
    """
    eng, trans_12 = dispatch1("trans_12", trans_12)
    _check_rigid(trans_12, "trans_12")
    xp = eng.xp
    if not xp.isdtype(trans_12.dtype, "real floating"):
        trans_12 = xp.astype(trans_12, xp.float32)
    rt = xp.matrix_transpose(trans_12[..., :3, :3])
    return _pack(xp, rt, -(rt @ trans_12[..., :3, 3:]))


@register_op()
def relative_transformation(trans_01: Array, trans_02: Array) -> Array:
    """The transformation of frame 2 to frame 1: ``inverse(trans_01) @ trans_02``.

    ``trans_01`` must be rigid (it is inverted by transposition, as in Kornia).

    Args:
        trans_01: ``(N, 4, 4)`` or ``(4, 4)`` reference transformation.
        trans_02: ``(N, 4, 4)`` or ``(4, 4)`` destination transformation (same number of axes;
            a batch of 1 broadcasts).

    Returns:
        ``(N, 4, 4)`` or ``(4, 4)`` transformation ``trans_12``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> T1 = np.eye(4); T1[:3, 3] = [1.0, 0.0, 0.0]
        >>> T2 = np.eye(4); T2[:3, 3] = [1.0, 5.0, 0.0]
        >>> pv.geometry.relative_transformation(T1, T2)[:3, 3]
        array([0., 5., 0.])
    """
    eng, trans_01, trans_02 = _two(("trans_01", "trans_02"), trans_01, trans_02)
    _check_pair(trans_01, trans_02, "trans_01", "trans_02")
    xp = eng.xp
    trans_01, trans_02 = _float_pair(xp, trans_01, trans_02)
    r10 = xp.matrix_transpose(trans_01[..., :3, :3])
    rot = r10 @ trans_02[..., :3, :3]
    tvec = r10 @ (trans_02[..., :3, 3:] - trans_01[..., :3, 3:])
    return _pack(xp, rot, tvec)


@register_op()
def transform_points(trans_01: Array, points_1: Array) -> Array:
    """Apply homogeneous transformations to points: ``p_0 ~ trans_01 @ (p_1, 1)``.

    The result is divided by its homogeneous coordinate ``w`` where ``|w| > 1e-8`` (as
    :func:`convert_points_from_homogeneous`).  Integer points compute in the float dtype
    of ``trans_01`` (float32 if both are integers).

    Args:
        trans_01: ``(D+1, D+1)`` or ``(B, D+1, D+1)`` transformations; a batch of 1 is
            shared; ``B`` pairs with the first axis of ``points_1``.
        points_1: ``(N, D)`` or ``(B, N, D)`` (or ``(B, *, N, D)``) points.

    Returns:
        Transformed points, the shape of ``points_1``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> H = np.array([[[2.0, 0.0, 1.0], [0.0, 2.0, 0.0], [0.0, 0.0, 1.0]]])
        >>> pv.geometry.transform_points(H, np.array([[[1.0, 1.0], [0.0, 3.0]]]))
        array([[[3., 2.],
                [1., 6.]]])
    """
    eng, trans_01, points_1 = _two(("trans_01", "points_1"), trans_01, points_1)
    if trans_01.ndim not in (2, 3) or trans_01.shape[-1] != trans_01.shape[-2]:
        raise ValueError(
            f"trans_01: expected shape (D+1, D+1) or (B, D+1, D+1), got {shape_of(trans_01)}"
        )
    if points_1.ndim < 2 or points_1.shape[-1] + 1 != trans_01.shape[-1]:
        d = int(trans_01.shape[-1]) - 1
        raise ValueError(
            f"points_1: expected shape (N, {d}) or (B, N, {d}) for trans_01 of shape "
            f"{shape_of(trans_01)}, got {shape_of(points_1)}"
        )
    tb = 1 if trans_01.ndim == 2 else int(trans_01.shape[0])
    if tb != 1 and (points_1.ndim == 2 or points_1.shape[0] != tb):
        raise ValueError(
            f"points_1: expected a batch of {tb} (the batch of trans_01) or a trans_01 batch "
            f"of 1, got shape {shape_of(points_1)}"
        )
    xp = eng.xp
    trans_01, points_1 = _float_pair(xp, trans_01, points_1)
    if trans_01.ndim == 3:  # (B, D+1, D+1) -> (B, 1.., D+1, D+1) against (B, *, N, D)
        trans_01 = xp.reshape(
            trans_01, (tb,) + (1,) * (points_1.ndim - 3) + tuple(trans_01.shape[-2:])
        )
    d = points_1.shape[-1]
    # p_h @ T^T without building p_h: the linear block plus the last column
    lin = points_1 @ xp.matrix_transpose(trans_01[..., :, :d])
    out_h = lin + trans_01[..., None, :, d]
    return from_homogeneous(xp, out_h)


def _guarded_sqrt(xp, sq):
    """``sqrt(sq)`` with value and gradient 0 where ``sq == 0`` (the root's is infinite)."""
    pos = sq > 0
    return xp.where(pos, xp.sqrt(xp.where(pos, sq, xp.ones_like(sq))), xp.zeros_like(sq))


def _nonzero(xp, x):
    return xp.where(x == 0, xp.ones_like(x), x)


@register_op()
def point_line_distance(point: Array, line: Array, eps: float = 1e-9) -> Array:
    """Distance from points to lines ``a x + b y + c = 0``: ``|a x + b y + c| / |(a, b)|``.

    Homogeneous points ``(x, y, w)`` are divided by ``|w|``.  A line with ``a = b = 0``, or
    a point at infinity (``w = 0``), gives ``inf`` (with a zero gradient).

    Args:
        point: ``(*, N, 2)`` points, or ``(*, N, 3)`` homogeneous points.
        line: ``(*, N, 3)`` line coefficients ``(a, b, c)`` (need not be normalised).
        eps: unused, kept for Kornia compatibility (Kornia 0.9 ignores it too).

    Returns:
        ``(*, N)`` distances.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pts = np.array([[0.0, 0.0], [3.0, 4.0]])
        >>> line = np.array([[0.0, 2.0, -2.0], [0.0, 2.0, -2.0]])  # y = 1
        >>> pv.geometry.point_line_distance(pts, line)
        array([1., 3.])
    """
    eng, point, line = _two(("point", "line"), point, line)
    if point.ndim < 1 or point.shape[-1] not in (2, 3):
        raise ValueError(f"point: expected shape (*, N, 2) or (*, N, 3), got {shape_of(point)}")
    if line.ndim < 1 or line.shape[-1] != 3:
        raise ValueError(f"line: expected shape (*, N, 3), got {shape_of(line)}")
    xp = eng.xp
    point, line = _float_pair(xp, point, line)
    a, b, c = line[..., 0], line[..., 1], line[..., 2]
    homog = point.shape[-1] == 3
    w = point[..., 2] if homog else 1.0
    num = xp.abs(a * point[..., 0] + b * point[..., 1] + c * w)
    sq = a * a + b * b
    singular = sq == 0
    dist = num / xp.sqrt(_nonzero(xp, sq))
    if homog:
        aw = xp.abs(point[..., 2])
        dist = dist / _nonzero(xp, aw)
        singular = singular | (aw == 0)
    return xp.where(singular, xp.full_like(dist, float("inf")), dist)


def _vectors(names, x, y):
    eng, x, y = _two(names, x, y)
    for name, v in zip(names, (x, y), strict=True):
        if v.ndim < 1:
            raise ValueError(f"{name}: expected shape (*, N), got {shape_of(v)}")
    if x.shape[-1] != y.shape[-1]:
        raise ValueError(
            f"{names[1]}: expected a last axis of {int(x.shape[-1])} (that of {names[0]}), "
            f"got shape {shape_of(y)}"
        )
    return eng, x, y


def _check_keepdim(keepdim) -> None:
    if not isinstance(keepdim, bool):
        raise TypeError(f"keepdim: expected a bool, got {keepdim!r}")


@register_op()
def batched_dot_product(x: Array, y: Array, keepdim: bool = False) -> Array:
    """Dot product along the last axis: ``sum(x * y, axis=-1)``.

    Args:
        x: ``(*, N)`` vectors.
        y: ``(*, N)`` vectors (leading axes broadcast).
        keepdim: keep the reduced axis (length 1).

    Returns:
        ``(*)`` (or ``(*, 1)``) dot products.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x, y = np.array([[1.0, 2.0, 3.0]]), np.array([[4.0, 5.0, 6.0]])
        >>> pv.geometry.batched_dot_product(x, y)
        array([32.])
    """
    eng, x, y = _vectors(("x", "y"), x, y)
    _check_keepdim(keepdim)
    return eng.xp.sum(x * y, axis=-1, keepdims=keepdim)


def _squared(x, keepdim):
    eng, x = dispatch1("x", x)
    if x.ndim < 1:
        raise ValueError(f"x: expected shape (*, N), got {shape_of(x)}")
    _check_keepdim(keepdim)
    return eng.xp.sum(x * x, axis=-1, keepdims=keepdim)


@register_op()
def batched_squared_norm(x: Array, keepdim: bool = False) -> Array:
    """Squared Euclidean norm along the last axis.

    Args:
        x: ``(*, N)`` vectors.
        keepdim: keep the reduced axis.

    Returns:
        ``(*)`` (or ``(*, 1)``) squared norms.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.batched_squared_norm(np.array([[3.0, 4.0]]))
        array([25.])
    """
    return _squared(x, keepdim)


@register_op()
def squared_norm(x: Array, keepdim: bool = False) -> Array:
    """Squared Euclidean norm along the last axis (Kornia's alias of
    :func:`batched_squared_norm`).

    Args:
        x: ``(*, N)`` vectors.
        keepdim: keep the reduced axis.

    Returns:
        ``(*)`` (or ``(*, 1)``) squared norms.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.squared_norm(np.array([[3.0, 4.0]]), keepdim=True)
        array([[25.]])
    """
    return _squared(x, keepdim)


@register_op()
def euclidean_distance(x: Array, y: Array, keepdim: bool = False, eps: float = 1e-6) -> Array:
    """Euclidean distance between points along the last axis.

    Coincident points give exactly 0 with a zero (not NaN) gradient.

    Args:
        x: ``(*, N)`` points.
        y: ``(*, N)`` points.
        keepdim: keep the reduced axis.
        eps: unused, kept for Kornia compatibility (Kornia 0.9 ignores it too).

    Returns:
        ``(*)`` (or ``(*, 1)``) distances.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x, y = np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[3.0, 4.0], [1.0, 1.0]])
        >>> pv.geometry.euclidean_distance(x, y)
        array([5., 0.])
    """
    eng, x, y = _vectors(("x", "y"), x, y)
    _check_keepdim(keepdim)
    xp = eng.xp
    d = x - y
    return _guarded_sqrt(xp, xp.sum(d * d, axis=-1, keepdims=keepdim))
