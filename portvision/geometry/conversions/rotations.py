"""Rotation representations: axis-angle, quaternion ``(w, x, y, z)``, rotation matrix, Euler
angles and their log/exp maps (Kornia's conventions; radians throughout, except the 2D
``angle_to_rotation_matrix`` in degrees).

Numerics: every square root and division is fed a guarded argument (``where`` first), so
values and gradients stay finite at the identity rotation and the zero vector.
"""

from __future__ import annotations

import math
import warnings

from portvision._dispatch import dispatch1
from portvision._registry import register_op
from portvision.geometry.conversions._common import Array, as_float, check_last, check_matrix

__all__ = [
    "angle_axis_to_quaternion",
    "angle_axis_to_rotation_matrix",
    "angle_to_rotation_matrix",
    "axis_angle_to_quaternion",
    "axis_angle_to_rotation_matrix",
    "euler_from_quaternion",
    "normalize_quaternion",
    "quaternion_exp_to_log",
    "quaternion_from_euler",
    "quaternion_log_to_exp",
    "quaternion_to_angle_axis",
    "quaternion_to_axis_angle",
    "quaternion_to_rotation_matrix",
    "rotation_matrix_to_angle_axis",
    "rotation_matrix_to_axis_angle",
    "rotation_matrix_to_quaternion",
]


# -- small pure helpers ----------------------------------------------------------------
def safe_sqrt(xp, sq):
    """``sqrt(sq)`` with value and gradient 0 where ``sq <= 0``."""
    pos = sq > 0
    return xp.where(pos, xp.sqrt(xp.where(pos, sq, xp.ones_like(sq))), xp.zeros_like(sq))


def matrix3(xp, entries, lead):
    """A ``(*lead, 3, 3)`` matrix from 9 row-major ``(*lead)`` entries."""
    return xp.reshape(xp.stack(entries, axis=-1), tuple(lead) + (3, 3))


def _vector_input(name: str, x, n: int):
    eng, x = dispatch1(name, x)
    check_last(x, name, (n,), f"(*, {n})")
    return eng, as_float(eng.xp, x)


def _rotation_input(name: str, x):
    eng, x = dispatch1(name, x)
    check_matrix(x, name, 3, 3, range(2, 64), "(*, 3, 3)")
    return eng, as_float(eng.xp, x)


def check_is_rotation(eng, R, name: str) -> None:
    """ValueError unless every ``R`` is a rotation: ``max|R R^T - I| <= 100 eps`` and
    ``det(R) > 0`` (Kornia's ``check_rotation``).  A host check, skipped while tracing."""
    if eng.is_tracing(R):
        return
    xp = eng.xp
    tol = 100.0 * float(xp.finfo(R.dtype).eps)
    eye = xp.eye(3, dtype=R.dtype, device=R.device)
    err = xp.max(xp.abs(R @ xp.matrix_transpose(R) - eye)) if R.size else 0.0
    if not bool(err <= tol):
        raise ValueError(
            f"{name}: expected rotation matrices (max|R @ R^T - I| <= {tol:.3g}), "
            f"got max|R @ R^T - I| = {float(err):.3g}"
        )
    if R.size and bool(xp.any(xp.linalg.det(R) <= 0)):
        raise ValueError(f"{name}: expected rotation matrices (det > 0), got a reflection")


def _deprecated(old: str, new: str) -> None:
    warnings.warn(
        f"`{old}` is deprecated (Kornia 0.7.0); use `{new}` instead.",
        DeprecationWarning,
        stacklevel=3,
    )


# -- axis-angle -> matrix --------------------------------------------------------------
def axis_angle_to_matrix(xp, aa):
    """Rodrigues: ``I + a K + b K^2`` with ``K = [r]_x``, ``a = sin t / t``,
    ``b = (1 - cos t) / t^2``; second-order Taylor terms for ``t^2 <= 1e-6``."""
    rx, ry, rz = aa[..., 0], aa[..., 1], aa[..., 2]
    t2 = rx * rx + ry * ry + rz * rz
    big = t2 > 1e-6
    safe_t2 = xp.where(big, t2, xp.ones_like(t2))
    t = xp.sqrt(safe_t2)
    a = xp.where(big, xp.sin(t) / t, 1.0 - t2 / 6.0)
    b = xp.where(big, (1.0 - xp.cos(t)) / safe_t2, 0.5 - t2 / 24.0)
    # K^2 = r r^T - t^2 I, so the diagonal is 1 - b (t^2 - r_i^2)
    entries = [
        1.0 - b * (ry * ry + rz * rz), b * rx * ry - a * rz, b * rx * rz + a * ry,
        b * rx * ry + a * rz, 1.0 - b * (rx * rx + rz * rz), b * ry * rz - a * rx,
        b * rx * rz - a * ry, b * ry * rz + a * rx, 1.0 - b * (rx * rx + ry * ry),
    ]  # fmt: skip
    return matrix3(xp, entries, aa.shape[:-1])


@register_op()
def axis_angle_to_rotation_matrix(axis_angle: Array) -> Array:
    """Convert axis-angle vectors (axis scaled by the angle, radians) to rotation matrices.

    Right-hand rule: ``[0, 0, t]`` turns ``x`` towards ``y`` (as OpenCV's ``Rodrigues`` and
    SciPy's ``Rotation.from_rotvec``).  Differentiable at the zero rotation.

    Args:
        axis_angle: ``(*, 3)`` rotation vectors in radians.

    Returns:
        ``(*, 3, 3)`` rotation matrices.

    Example:
        >>> import numpy as np, portvision as pv
        >>> np.round(pv.geometry.axis_angle_to_rotation_matrix(np.array([0.0, 0.0, np.pi / 2])), 4)
        array([[ 0., -1.,  0.],
               [ 1.,  0.,  0.],
               [ 0.,  0.,  1.]])
    """
    eng, aa = _vector_input("axis_angle", axis_angle, 3)
    return axis_angle_to_matrix(eng.xp, aa)


@register_op()
def angle_axis_to_rotation_matrix(axis_angle: Array) -> Array:
    """Kornia's deprecated name of :func:`axis_angle_to_rotation_matrix` (same result; warns
    ``DeprecationWarning`` as Kornia does).

    Args:
        axis_angle: ``(*, 3)`` rotation vectors in radians.

    Returns:
        ``(*, 3, 3)`` rotation matrices.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.angle_axis_to_rotation_matrix(np.zeros((1, 3))).shape
        (1, 3, 3)
    """
    _deprecated("angle_axis_to_rotation_matrix", "axis_angle_to_rotation_matrix")
    eng, aa = _vector_input("axis_angle", axis_angle, 3)
    return axis_angle_to_matrix(eng.xp, aa)


# -- matrix -> quaternion --------------------------------------------------------------
def matrix_to_quaternion(xp, R, eps: float = 1e-8):
    """Shepperd's method: pick the largest of ``w, x, y, z`` (from the trace or a diagonal
    entry), take its square root, and derive the other three by division.

    Each branch's radicand is floored at ``eps`` (value ``2 sqrt(eps)``, zero gradient) so
    the branches not selected stay finite; NaN inputs propagate.
    """
    m = [[R[..., i, j] for j in range(3)] for i in range(3)]
    (m00, m01, m02), (m10, m11, m12), (m20, m21, m22) = m
    floor = max(eps, 0.0)
    tiny = float(xp.finfo(R.dtype).smallest_normal)

    def two_sqrt(r):  # 2 sqrt(r), guarded
        ok = r > floor
        out = xp.where(ok, 2.0 * xp.sqrt(xp.where(ok, r, xp.ones_like(r))), 2.0 * floor**0.5)
        return xp.where(xp.isnan(r), r, out)

    def div(num, den):
        return num / xp.clip(den, min=tiny)

    trace = m00 + m11 + m22
    s = two_sqrt(trace + 1.0)  # 4 w
    q_w = [0.25 * s, div(m21 - m12, s), div(m02 - m20, s), div(m10 - m01, s)]
    s = two_sqrt(1.0 + m00 - m11 - m22)  # 4 x
    q_x = [div(m21 - m12, s), 0.25 * s, div(m01 + m10, s), div(m02 + m20, s)]
    s = two_sqrt(1.0 + m11 - m00 - m22)  # 4 y
    q_y = [div(m02 - m20, s), div(m01 + m10, s), 0.25 * s, div(m12 + m21, s)]
    s = two_sqrt(1.0 + m22 - m00 - m11)  # 4 z
    q_z = [div(m10 - m01, s), div(m02 + m20, s), div(m12 + m21, s), 0.25 * s]
    use_w, use_x, use_y = trace > 0.0, (m00 > m11) & (m00 > m22), m11 > m22
    out = [
        xp.where(use_w, a, xp.where(use_x, b, xp.where(use_y, c, d)))
        for a, b, c, d in zip(q_w, q_x, q_y, q_z, strict=True)
    ]
    return xp.stack(out, axis=-1)


@register_op()
def rotation_matrix_to_quaternion(
    rotation_matrix: Array, eps: float = 1.0e-8, check_rotation: bool = False
) -> Array:
    """Convert rotation matrices to quaternions ``(w, x, y, z)``.

    The sign is not canonicalised (Kornia's rule): ``w >= 0`` when ``trace(R) > 0``,
    otherwise the dominant of ``x, y, z`` is non-negative.

    Args:
        rotation_matrix: ``(*, 3, 3)`` rotation matrices.
        eps: floor of each square-root radicand (changes nothing for a true rotation).
        check_rotation: raise ``ValueError`` unless every input is a rotation.

    Returns:
        ``(*, 4)`` quaternions.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.rotation_matrix_to_quaternion(np.eye(3))
        array([1., 0., 0., 0.])
    """
    eng, R = _rotation_input("rotation_matrix", rotation_matrix)
    _check_eps(eps)
    if check_rotation:
        check_is_rotation(eng, R, "rotation_matrix")
    return matrix_to_quaternion(eng.xp, R, eps)


def _check_eps(eps) -> None:
    if not isinstance(eps, (int, float)) or isinstance(eps, bool) or not eps >= 0:
        raise ValueError(f"eps: expected a non-negative number, got {eps!r}")


# -- quaternion -> axis-angle ----------------------------------------------------------
def quaternion_to_axis(xp, q):
    """Axis-angle of ``(w, x, y, z)`` (Ceres' formula): ``2 atan2(|v|, w) v / |v|`` with the
    double cover collapsed to ``|angle| <= pi``; ``v 2 / w`` at ``|v| = 0``."""
    c, v = q[..., 0], q[..., 1:]
    s2 = xp.sum(v * v, axis=-1)
    pos = s2 > 0.0
    s = safe_sqrt(xp, s2)
    c_safe = xp.where(pos, c, xp.ones_like(c))  # keeps atan2(0, 0) out of the gradient
    two_theta = 2.0 * xp.where(c < 0.0, xp.atan2(-s, -c_safe), xp.atan2(s, c_safe))
    k_pos = two_theta / xp.where(pos, s, xp.ones_like(s))
    neg = ~pos & (c != 0.0)
    k_neg = xp.where(neg, 2.0 / xp.where(neg, c, xp.ones_like(c)), xp.zeros_like(c))
    return v * xp.where(pos, k_pos, k_neg)[..., None]


@register_op()
def quaternion_to_axis_angle(quaternion: Array) -> Array:
    """Convert quaternions ``(w, x, y, z)`` to axis-angle vectors (radians).

    ``q`` and ``-q`` give the same vector (angle in ``[-pi, pi]``), except at exactly
    ``w = 0``.  The input need not be unit.  Differentiable at the identity.

    Args:
        quaternion: ``(*, 4)`` quaternions.

    Returns:
        ``(*, 3)`` rotation vectors.

    Example:
        >>> import numpy as np, portvision as pv
        >>> q = np.array([np.cos(np.pi / 4), 0.0, 0.0, np.sin(np.pi / 4)])
        >>> np.round(pv.geometry.quaternion_to_axis_angle(q), 4)
        array([0.    , 0.    , 1.5708])
    """
    eng, q = _vector_input("quaternion", quaternion, 4)
    return quaternion_to_axis(eng.xp, q)


@register_op()
def quaternion_to_angle_axis(quaternion: Array) -> Array:
    """Kornia's deprecated name of :func:`quaternion_to_axis_angle` (same result; warns
    ``DeprecationWarning`` as Kornia does).

    Args:
        quaternion: ``(*, 4)`` quaternions ``(w, x, y, z)``.

    Returns:
        ``(*, 3)`` rotation vectors.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.quaternion_to_angle_axis(np.array([1.0, 0.0, 0.0, 0.0]))
        array([0., 0., 0.])
    """
    _deprecated("quaternion_to_angle_axis", "quaternion_to_axis_angle")
    eng, q = _vector_input("quaternion", quaternion, 4)
    return quaternion_to_axis(eng.xp, q)


@register_op()
def rotation_matrix_to_axis_angle(rotation_matrix: Array, check_rotation: bool = False) -> Array:
    """Convert rotation matrices to axis-angle vectors (via the quaternion).

    Args:
        rotation_matrix: ``(*, 3, 3)`` rotation matrices (not checked unless asked).
        check_rotation: raise ``ValueError`` unless every input is a rotation.

    Returns:
        ``(*, 3)`` rotation vectors in radians.

    Example:
        >>> import numpy as np, portvision as pv
        >>> R = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]])
        >>> np.round(pv.geometry.rotation_matrix_to_axis_angle(R), 4)
        array([1.5708, 0.    , 0.    ])
    """
    eng, R = _rotation_input("rotation_matrix", rotation_matrix)
    if check_rotation:
        check_is_rotation(eng, R, "rotation_matrix")
    xp = eng.xp
    return quaternion_to_axis(xp, matrix_to_quaternion(xp, R))


@register_op()
def rotation_matrix_to_angle_axis(rotation_matrix: Array) -> Array:
    """Kornia's deprecated name of :func:`rotation_matrix_to_axis_angle` (same result; warns
    ``DeprecationWarning`` as Kornia does).

    Args:
        rotation_matrix: ``(*, 3, 3)`` rotation matrices.

    Returns:
        ``(*, 3)`` rotation vectors in radians.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.rotation_matrix_to_angle_axis(np.eye(3))
        array([0., 0., 0.])
    """
    _deprecated("rotation_matrix_to_angle_axis", "rotation_matrix_to_axis_angle")
    eng, R = _rotation_input("rotation_matrix", rotation_matrix)
    xp = eng.xp
    return quaternion_to_axis(xp, matrix_to_quaternion(xp, R))


# -- axis-angle -> quaternion ----------------------------------------------------------
def axis_to_quaternion(xp, aa):
    """``(cos(t/2), sin(t/2) r / t)``; the limit ``(1, r / 2)`` at ``t = 0``."""
    t2 = xp.sum(aa * aa, axis=-1, keepdims=True)
    pos = t2 > 0.0
    t = safe_sqrt(xp, t2)
    half = 0.5 * t
    k = xp.where(pos, xp.sin(half) / xp.where(pos, t, xp.ones_like(t)), 0.5 * xp.ones_like(t))
    w = xp.where(pos, xp.cos(half), xp.ones_like(t))
    return xp.concat([w, aa * k], axis=-1)


@register_op()
def axis_angle_to_quaternion(axis_angle: Array) -> Array:
    """Convert axis-angle vectors (radians) to quaternions ``(w, x, y, z)``, ``w = cos(t/2)``.

    Nothing is canonicalised: an angle above ``pi`` gives ``w < 0``.

    Args:
        axis_angle: ``(*, 3)`` rotation vectors.

    Returns:
        ``(*, 4)`` unit quaternions.

    Example:
        >>> import numpy as np, portvision as pv
        >>> np.round(pv.geometry.axis_angle_to_quaternion(np.array([0.0, 1.0, 0.0])), 4)
        array([0.8776, 0.    , 0.4794, 0.    ])
    """
    eng, aa = _vector_input("axis_angle", axis_angle, 3)
    return axis_to_quaternion(eng.xp, aa)


@register_op()
def angle_axis_to_quaternion(axis_angle: Array) -> Array:
    """Kornia's deprecated name of :func:`axis_angle_to_quaternion` (same result; warns
    ``DeprecationWarning`` as Kornia does).

    Args:
        axis_angle: ``(*, 3)`` rotation vectors.

    Returns:
        ``(*, 4)`` quaternions ``(w, x, y, z)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.angle_axis_to_quaternion(np.zeros(3))
        array([1., 0., 0., 0.])
    """
    _deprecated("angle_axis_to_quaternion", "axis_angle_to_quaternion")
    eng, aa = _vector_input("axis_angle", axis_angle, 3)
    return axis_to_quaternion(eng.xp, aa)


# -- quaternion normalisation and matrix -----------------------------------------------
def normalize_last(xp, x, eps: float):
    """``x / max(|x|, eps)`` along the last axis; a zero vector gives ``x / eps`` (zero),
    or NaN when ``eps == 0`` (Kornia's rule).  The norm is a guarded root."""
    norm = safe_sqrt(xp, xp.sum(x * x, axis=-1, keepdims=True))
    nonzero = norm != 0.0
    safe = xp.where(nonzero, norm, xp.ones_like(norm))
    out = x / xp.where(safe < eps, xp.full_like(safe, eps), safe)
    if eps == 0.0:
        return xp.where(nonzero, out, xp.full_like(x, math.nan))
    return xp.where(nonzero, out, x / eps)


@register_op()
def normalize_quaternion(quaternion: Array, eps: float = 1.0e-12) -> Array:
    """L2-normalise quaternions along the last axis (any component order; sign kept).

    The divisor is the norm floored at ``eps``; the zero quaternion stays zero.

    Args:
        quaternion: ``(*, 4)`` quaternions.
        eps: floor of the divisor.

    Returns:
        ``(*, 4)`` normalised quaternions.

    Example:
        >>> import numpy as np, portvision as pv
        >>> np.round(pv.geometry.normalize_quaternion(np.array([1.0, 0.0, 1.0, 0.0])), 4)
        array([0.7071, 0.    , 0.7071, 0.    ])
    """
    eng, q = _vector_input("quaternion", quaternion, 4)
    _check_eps(eps)
    return normalize_last(eng.xp, q, float(eps))


def quaternion_to_matrix(xp, q):
    """Rotation matrix of the normalised ``(w, x, y, z)``."""
    q = normalize_last(xp, q, 1e-12)
    w, x, y, z = q[..., 0], q[..., 1], q[..., 2], q[..., 3]
    tx, ty, tz = 2.0 * x, 2.0 * y, 2.0 * z
    twx, twy, twz = tx * w, ty * w, tz * w
    txx, txy, txz = tx * x, ty * x, tz * x
    tyy, tyz, tzz = ty * y, tz * y, tz * z
    entries = [
        1.0 - (tyy + tzz), txy - twz, txz + twy,
        txy + twz, 1.0 - (txx + tzz), tyz - twx,
        txz - twy, tyz + twx, 1.0 - (txx + tyy),
    ]  # fmt: skip
    return matrix3(xp, entries, q.shape[:-1])


@register_op()
def quaternion_to_rotation_matrix(quaternion: Array) -> Array:
    """Convert quaternions ``(w, x, y, z)`` (normalised first) to rotation matrices.

    SciPy's ``Rotation.from_quat`` takes ``(x, y, z, w)`` instead; ``q`` and ``-q`` give the
    same matrix; the zero quaternion gives the identity.

    Args:
        quaternion: ``(*, 4)`` quaternions.

    Returns:
        ``(*, 3, 3)`` rotation matrices.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.quaternion_to_rotation_matrix(np.array([0.0, 0.0, 0.0, 1.0]))
        array([[-1.,  0.,  0.],
               [ 0., -1.,  0.],
               [ 0.,  0.,  1.]])
    """
    eng, q = _vector_input("quaternion", quaternion, 4)
    return quaternion_to_matrix(eng.xp, q)


# -- log / exp maps --------------------------------------------------------------------
@register_op()
def quaternion_log_to_exp(quaternion: Array, eps: float = 1.0e-8) -> Array:
    """Exponential map: a log vector ``v`` ``(*, 3)`` to the unit quaternion
    ``(cos|v|, sin|v| v / |v|)``; ``|v|`` is floored at ``eps``.

    ``v`` is half the axis-angle vector.

    Args:
        quaternion: ``(*, 3)`` log quaternions.
        eps: floor of ``|v|`` (and of the overflow-safe scale).

    Returns:
        ``(*, 4)`` quaternions ``(w, x, y, z)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.quaternion_log_to_exp(np.zeros(3))
        array([1., 0., 0., 0.])
    """
    eng, v = _vector_input("quaternion", quaternion, 3)
    _check_eps(eps)
    xp = eng.xp
    # |v| as s |v / s| with s = max|v_i|, which cannot overflow
    scale = xp.max(xp.abs(v), axis=-1, keepdims=True)
    u = v / xp.clip(scale, min=eps)
    norm = xp.clip(scale * safe_sqrt(xp, xp.sum(u * u, axis=-1, keepdims=True)), min=eps)
    return xp.concat([xp.cos(norm), v * xp.sin(norm) / norm], axis=-1)


@register_op()
def quaternion_exp_to_log(quaternion: Array, eps: float = 1.0e-8) -> Array:
    """Log map: a quaternion ``(w, x, y, z)`` to ``atan2(|v|, w) v / max(|v|, eps)``.

    Scale-invariant; keeps the sign of ``w`` (no double-cover collapse).

    Args:
        quaternion: ``(*, 4)`` quaternions.
        eps: floor of ``|v|`` in the division.

    Returns:
        ``(*, 3)`` log vectors.

    Example:
        >>> import numpy as np, portvision as pv
        >>> q = np.array([np.cos(0.5), np.sin(0.5), 0.0, 0.0])
        >>> np.round(pv.geometry.quaternion_exp_to_log(q), 4)
        array([0.5, 0. , 0. ])
    """
    eng, q = _vector_input("quaternion", quaternion, 4)
    _check_eps(eps)
    xp = eng.xp
    w, v = q[..., :1], q[..., 1:]
    norm_v = safe_sqrt(xp, xp.sum(v * v, axis=-1, keepdims=True))
    origin = (norm_v == 0) & (w == 0)
    theta = xp.atan2(norm_v, xp.where(origin, xp.ones_like(w), w))
    return v * theta / xp.clip(norm_v, min=eps)


# -- Euler angles ----------------------------------------------------------------------
def _same_shapes(names, arrays) -> None:
    shapes = [tuple(int(d) for d in a.shape) for a in arrays]
    for name, shp in zip(names[1:], shapes[1:], strict=True):
        if shp != shapes[0]:
            raise ValueError(f"{name}: expected the shape of {names[0]} {shapes[0]}, got {shp}")


def _euler_inputs(names, values):
    eng, first = dispatch1(names[0], values[0])
    arrays = [first] + [dispatch1(n, v)[1] for n, v in zip(names[1:], values[1:], strict=True)]
    for n, a in zip(names, arrays, strict=True):
        if not eng.owns_type(type(a)):
            raise TypeError(f"{n}: expected an array of the same library as {names[0]}")
    _same_shapes(names, arrays)
    return eng, [as_float(eng.xp, a) for a in arrays]


@register_op()
def euler_from_quaternion(w: Array, x: Array, y: Array, z: Array) -> tuple[Array, Array, Array]:
    """Convert quaternion coefficients to Euler angles ``(roll, pitch, yaw)`` in radians.

    ``R = Rz(yaw) Ry(pitch) Rx(roll)`` (extrinsic x-y-z, SciPy's ``"xyz"``).  The quaternion is
    normalised first.  At gimbal lock (``cos(pitch) < 2 sqrt(eps)``) pitch is snapped to
    ``+-pi/2``, roll to 0 and yaw carries the determined combination (Kornia's rule);
    gradients stay finite there.

    Args:
        w: ``(*)`` real parts.
        x: ``(*)`` coefficients of i, same shape.
        y: ``(*)`` coefficients of j, same shape.
        z: ``(*)`` coefficients of k, same shape.

    Returns:
        ``(roll, pitch, yaw)``, each ``(*)``; roll and yaw in ``[-pi, pi]``, pitch in
        ``[-pi/2, pi/2]``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> q = [np.array([v]) for v in (0.8186, -0.0575, 0.3624, 0.4418)]
        >>> [round(float(a[0]), 3) for a in pv.geometry.euler_from_quaternion(*q)]
        [0.3, 0.7, 1.1]
    """
    eng, (w, x, y, z) = _euler_inputs(("w", "x", "y", "z"), (w, x, y, z))
    xp = eng.xp
    q = normalize_last(xp, xp.stack([w, x, y, z], axis=-1), 1e-12)
    w, x, y, z = q[..., 0], q[..., 1], q[..., 2], q[..., 3]
    yy = y * y
    sinr_cosp = 2.0 * (w * x + y * z)
    cosr_cosp = 1.0 - 2.0 * (x * x + yy)
    siny_cosp = 2.0 * (w * z + x * y)
    cosy_cosp = 1.0 - 2.0 * (yy + z * z)
    sinp = xp.clip(2.0 * (w * y - z * x), min=-1.0, max=1.0)
    gimbal = sinr_cosp * sinr_cosp + cosr_cosp * cosr_cosp < 4.0 * float(xp.finfo(w.dtype).eps)
    up = sinp > 0.0
    zero, one = xp.zeros_like(w), xp.ones_like(w)
    roll = xp.atan2(xp.where(gimbal, zero, sinr_cosp), xp.where(gimbal, one, cosr_cosp))
    double_sin = 2.0 * x * w
    yaw_num = xp.where(gimbal, xp.where(up, -double_sin, double_sin), siny_cosp)
    yaw = xp.atan2(yaw_num, xp.where(gimbal, w * w - x * x, cosy_cosp))
    # asin' is infinite at +-1: differentiate a safe argument, keep the exact value
    edge = xp.abs(sinp) >= 1.0
    pitch = xp.where(edge, xp.sign(sinp) * (math.pi / 2), xp.asin(xp.where(edge, zero, sinp)))
    half_pi = xp.full_like(pitch, math.pi / 2)
    pitch = xp.where(gimbal, xp.where(up, half_pi, -half_pi), pitch)
    return roll, pitch, yaw


@register_op()
def quaternion_from_euler(
    roll: Array, pitch: Array, yaw: Array
) -> tuple[Array, Array, Array, Array]:
    """Convert Euler angles (radians) to quaternion coefficients ``(w, x, y, z)``.

    ``R = Rz(yaw) Ry(pitch) Rx(roll)`` (extrinsic x-y-z about fixed axes, SciPy's ``"xyz"``).

    Args:
        roll: ``(*)`` rotation about x.
        pitch: ``(*)`` rotation about y, same shape.
        yaw: ``(*)`` rotation about z, same shape.

    Returns:
        ``(w, x, y, z)``, four arrays of shape ``(*)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> q = pv.geometry.quaternion_from_euler(np.array(0.3), np.array(0.7), np.array(1.1))
        >>> [round(float(c), 4) for c in q]
        [0.8186, -0.0575, 0.3624, 0.4418]
    """
    eng, (roll, pitch, yaw) = _euler_inputs(("roll", "pitch", "yaw"), (roll, pitch, yaw))
    xp = eng.xp
    cy, sy = xp.cos(0.5 * yaw), xp.sin(0.5 * yaw)
    cp, sp = xp.cos(0.5 * pitch), xp.sin(0.5 * pitch)
    cr, sr = xp.cos(0.5 * roll), xp.sin(0.5 * roll)
    qw = cy * cp * cr + sy * sp * sr
    qx = cy * cp * sr - sy * sp * cr
    qy = sy * cp * sr + cy * sp * cr
    qz = sy * cp * cr - cy * sp * sr
    return qw, qx, qy, qz


# -- 2D --------------------------------------------------------------------------------
@register_op()
def angle_to_rotation_matrix(angle: Array) -> Array:
    """2D rotation matrices ``[[cos, sin], [-sin, cos]]`` of angles in degrees
    (counter-clockwise as displayed with the image y axis pointing down).

    Args:
        angle: ``(*)`` angles in degrees.

    Returns:
        ``(*, 2, 2)`` matrices.

    Example:
        >>> import numpy as np, portvision as pv
        >>> np.round(pv.geometry.angle_to_rotation_matrix(np.array([30.0])), 4)
        array([[[ 0.866,  0.5  ],
                [-0.5  ,  0.866]]])
    """
    eng, angle = dispatch1("angle", angle)
    xp = eng.xp
    rad = as_float(xp, angle) * (math.pi / 180.0)
    c, s = xp.cos(rad), xp.sin(rad)
    return xp.reshape(xp.stack([c, s, -s, c], axis=-1), tuple(angle.shape) + (2, 2))
