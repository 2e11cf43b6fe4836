"""Builders of the 2D / 3D transform matrices that the warps take (pixel coordinates).

Kornia's conventions: points are ``(x, y[, z])``; 2D angles are degrees with positive
counter-clockwise as displayed (``get_rotation_matrix2d``; ``get_affine_matrix2d``
negates its angle, so there positive is clockwise); 3D angles are an axis-angle vector
in degrees (right-hand rule); shear angles are radians.  Matrices are built by stacking
their entries (no in-place writes), so gradients reach every input.
"""

from __future__ import annotations

import math
from typing import Any

from portvision._checks import shape_of
from portvision._dispatch import dispatch, require_array
from portvision._registry import register_op
from portvision.geometry.conversions.rotations import axis_angle_to_matrix

Array = Any

__all__ = [
    "get_affine_matrix2d",
    "get_affine_matrix3d",
    "get_perspective_transform",
    "get_perspective_transform3d",
    "get_projective_transform",
    "get_rotation_matrix2d",
    "get_shear_matrix2d",
    "get_shear_matrix3d",
    "get_translation_matrix2d",
    "invert_affine_transform",
    "projection_from_Rt",
]

_DEG = math.pi / 180.0


# -- helpers -------------------------------------------------------------------------------
def _shape(x, name: str, tail: tuple[int, ...], layout: str, batch: int | None = None) -> None:
    """``x`` must be ``(B, *tail)`` (``tail == ()``: ``(B,)``) with ``B == batch`` if given."""
    require_array(name, x)
    ok = x.ndim == 1 + len(tail) and tuple(x.shape[1:]) == tail
    if not ok:
        raise ValueError(f"{name}: expected shape {layout}, got {shape_of(x)}")
    if batch is not None and x.shape[0] != batch:
        raise ValueError(
            f"{name}: expected a batch of {batch} (the first argument's), got shape {shape_of(x)}"
        )


def _floats(xp, *arrays):
    """The arrays (None kept) on one float dtype: the promoted one, float32 for integers."""
    dts = [a.dtype for a in arrays if a is not None and xp.isdtype(a.dtype, "real floating")]
    dt = xp.result_type(*dts) if dts else xp.float32
    return tuple(a if a is None or a.dtype == dt else xp.astype(a, dt) for a in arrays)


def _matrix(xp, rows):
    """``(B, R, C)`` from ``rows``: a list of R lists of C arrays ``(B,)``."""
    return xp.stack([xp.stack(r, axis=-1) for r in rows], axis=-2)


def _to_homogeneous(xp, m):
    """``(B, n, n + 1)`` -> ``(B, n + 1, n + 1)`` with the row ``[0, ..., 0, 1]`` appended."""
    b, n = m.shape[0], m.shape[-2]
    last = xp.concat(
        [
            xp.zeros((b, 1, n), dtype=m.dtype, device=m.device),
            xp.ones((b, 1, 1), dtype=m.dtype, device=m.device),
        ],
        axis=-1,
    )
    return xp.concat([m, last], axis=-2)


def _rotation2d(xp, center, angle, scale):
    """Rows of the ``(B, 2, 3)`` matrix ``T(c) R(angle) S T(-c)`` (angle in degrees)."""
    rad = angle * _DEG
    cos, sin = xp.cos(rad), xp.sin(rad)
    cx, cy, sx, sy = center[:, 0], center[:, 1], scale[:, 0], scale[:, 1]
    a, b = cos * sx, sin * sy
    c, d = -sin * sx, cos * sy
    return [[a, b, cx - a * cx - b * cy], [c, d, cy - c * cx - d * cy]]


def _shear2d_rows(xp, center, sx, sy):
    tx, ty = xp.tan(sx), xp.tan(sy)
    x, y = center[:, 0], center[:, 1]
    one, zero = xp.ones_like(tx), xp.zeros_like(tx)
    return [
        [one, -tx, tx * y],
        [-ty, one + tx * ty, ty * (x - tx * y)],
        [zero, zero, one],
    ]


# -- 2D ------------------------------------------------------------------------------------
@register_op()
def get_rotation_matrix2d(center: Array, angle: Array, scale: Array) -> Array:
    """Affine matrix of a 2D rotation and scaling about a centre (OpenCV's
    ``getRotationMatrix2D`` with a per-axis scale).

    Args:
        center: ``(B, 2)`` rotation centre ``(x, y)`` in pixels.
        angle: ``(B,)`` angle in degrees; positive is counter-clockwise as displayed.
        scale: ``(B, 2)`` scale factors ``(sx, sy)``.

    Returns:
        ``(B, 2, 3)``: ``[[a, b, (1 - a) x - b y], [-c, d, c x + (1 - d) y]]`` with
        ``a = sx cos``, ``b = sy sin``, ``c = sx sin``, ``d = sy cos``; the centre is fixed.

    Example:
        >>> import numpy as np, portvision as pv
        >>> m = pv.geometry.transform.get_rotation_matrix2d(
        ...     np.zeros((1, 2)), np.array([45.0]), np.ones((1, 2)))
        >>> np.round(m, 4)
        array([[[ 0.7071,  0.7071,  0.    ],
                [-0.7071,  0.7071,  0.    ]]])
    """
    eng, (center, angle, scale) = dispatch(("center", "angle", "scale"), center, angle, scale)
    _shape(center, "center", (2,), "(B, 2)")
    _shape(angle, "angle", (), "(B,)", center.shape[0])
    _shape(scale, "scale", (2,), "(B, 2)", center.shape[0])
    xp = eng.xp
    center, angle, scale = _floats(xp, center, angle, scale)
    return _matrix(xp, _rotation2d(xp, center, angle, scale))


@register_op()
def get_translation_matrix2d(translations: Array) -> Array:
    """Homogeneous matrix of a 2D translation.

    Args:
        translations: ``(B, 2)`` offsets ``(dx, dy)`` in pixels.

    Returns:
        ``(B, 3, 3)`` ``[[1, 0, dx], [0, 1, dy], [0, 0, 1]]``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.transform.get_translation_matrix2d(np.array([[2.0, 3.0]]))[0]
        array([[1., 0., 2.],
               [0., 1., 3.],
               [0., 0., 1.]])
    """
    eng, (t,) = dispatch(("translations",), translations)
    _shape(t, "translations", (2,), "(B, 2)")
    xp = eng.xp
    (t,) = _floats(xp, t)
    one, zero = xp.ones_like(t[:, 0]), xp.zeros_like(t[:, 0])
    return _matrix(xp, [[one, zero, t[:, 0]], [zero, one, t[:, 1]], [zero, zero, one]])


@register_op()
def get_shear_matrix2d(center: Array, sx: Array | None = None, sy: Array | None = None) -> Array:
    """Homogeneous matrix of a 2D shear about a centre: x first, then y.

    About ``center = (cx, cy)`` the point ``(x, y)`` goes to ``x' = x - tan(sx) (y - cy)``,
    then ``y' = y - tan(sy) (x' - cx)``.

    Args:
        center: ``(B, 2)`` shear centre ``(x, y)`` in pixels.
        sx: ``(B,)`` shear angle along x in radians (None: 0).
        sy: ``(B,)`` shear angle along y in radians (None: 0).

    Returns:
        ``(B, 3, 3)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> m = pv.geometry.transform.get_shear_matrix2d(np.zeros((1, 2)), sx=np.array([0.5]))
        >>> np.round(m[0], 4)
        array([[ 1.    , -0.5463,  0.    ],
               [-0.    ,  1.    ,  0.    ],
               [ 0.    ,  0.    ,  1.    ]])
    """
    eng, (center, sx, sy) = dispatch(("center", "sx", "sy"), center, sx, sy)
    _shape(center, "center", (2,), "(B, 2)")
    b = center.shape[0]
    for v, n in ((sx, "sx"), (sy, "sy")):
        if v is not None:
            _shape(v, n, (), "(B,)", b)
    xp = eng.xp
    center, sx, sy = _floats(xp, center, sx, sy)
    zero = xp.zeros_like(center[:, 0])
    sx, sy = (zero if v is None else v for v in (sx, sy))
    return _matrix(xp, _shear2d_rows(xp, center, sx, sy))


@register_op()
def get_affine_matrix2d(
    translations: Array,
    center: Array,
    scale: Array,
    angle: Array,
    sx: Array | None = None,
    sy: Array | None = None,
) -> Array:
    """Compose a homogeneous 2D affine matrix: shear, then rotation and scale about
    ``center``, then translation.

    Args:
        translations: ``(B, 2)`` ``(dx, dy)`` in pixels.
        center: ``(B, 2)`` centre ``(x, y)`` of the rotation, scaling and shear.
        scale: ``(B, 2)`` ``(sx, sy)`` scale factors.
        angle: ``(B,)`` degrees; positive is **clockwise** as displayed (Kornia negates it
            before :func:`get_rotation_matrix2d`).
        sx, sy: optional ``(B,)`` shear angles in radians (:func:`get_shear_matrix2d`).

    Returns:
        ``(B, 3, 3)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> m = pv.geometry.transform.get_affine_matrix2d(
        ...     np.array([[1.0, 2.0]]), np.zeros((1, 2)), np.ones((1, 2)), np.array([90.0]))
        >>> np.round(m[0], 4)
        array([[ 0., -1.,  1.],
               [ 1.,  0.,  2.],
               [ 0.,  0.,  1.]])
    """
    names = ("translations", "center", "scale", "angle", "sx", "sy")
    eng, (t, center, scale, angle, sx, sy) = dispatch(
        names, translations, center, scale, angle, sx, sy
    )
    _shape(t, "translations", (2,), "(B, 2)")
    b = t.shape[0]
    _shape(center, "center", (2,), "(B, 2)", b)
    _shape(scale, "scale", (2,), "(B, 2)", b)
    _shape(angle, "angle", (), "(B,)", b)
    for v, n in ((sx, "sx"), (sy, "sy")):
        if v is not None:
            _shape(v, n, (), "(B,)", b)
    xp = eng.xp
    t, center, scale, angle, sx, sy = _floats(xp, t, center, scale, angle, sx, sy)
    rows = _rotation2d(xp, center, -angle, scale)
    rows[0][2] = rows[0][2] + t[:, 0]  # a Python list of arrays: no array is written
    rows[1][2] = rows[1][2] + t[:, 1]
    one, zero = xp.ones_like(angle), xp.zeros_like(angle)
    m = _matrix(xp, rows + [[zero, zero, one]])
    if sx is None and sy is None:
        return m
    sx, sy = (zero if v is None else v for v in (sx, sy))
    return m @ _matrix(xp, _shear2d_rows(xp, center, sx, sy))


@register_op()
def invert_affine_transform(matrix: Array) -> Array:
    """Invert 2D affine transforms (OpenCV's ``invertAffineTransform``).

    Args:
        matrix: ``(B, 2, 3)`` affine matrices ``[A | t]`` (any coordinate convention).

    Returns:
        ``(B, 2, 3)`` ``[A^-1 | -A^-1 t]``.

    Raises:
        ValueError: a matrix whose 2x2 part is singular (checked unless tracing).

    Example:
        >>> import numpy as np, portvision as pv
        >>> m = np.array([[[2.0, 0.0, 4.0], [0.0, 4.0, -8.0]]])
        >>> pv.geometry.transform.invert_affine_transform(m) + 0.0
        array([[[ 0.5 ,  0.  , -2.  ],
                [ 0.  ,  0.25,  2.  ]]])
    """
    eng, (m,) = dispatch(("matrix",), matrix)
    _shape(m, "matrix", (2, 3), "(B, 2, 3)")
    xp = eng.xp
    (m,) = _floats(xp, m)
    a, b, tx = m[:, 0, 0], m[:, 0, 1], m[:, 0, 2]
    c, d, ty = m[:, 1, 0], m[:, 1, 1], m[:, 1, 2]
    det = a * d - b * c
    if not eng.is_tracing(m):
        bad = ~(xp.isfinite(det) & (det != 0))
        if bool(xp.any(bad)):
            raise ValueError(
                "matrix: expected invertible affine transforms, got a singular 2x2 part at "
                f"batch index {int(xp.argmax(xp.astype(bad, xp.int32)))}"
            )
    ia, ib, ic, id_ = d / det, -b / det, -c / det, a / det
    return _matrix(xp, [[ia, ib, -(ia * tx + ib * ty)], [ic, id_, -(ic * tx + id_ * ty)]])


def _check_quads(eng, pts, name):
    """Each of the ``(B, 4, 2)`` quadrilaterals must have no three collinear corners
    (else no unique perspective transform); relative to the quad's extent."""
    xp = eng.xp
    if eng.is_tracing(pts):
        return
    p = [pts[:, i, :] for i in range(4)]
    extent = xp.max(xp.abs(pts - pts[:, :1, :]), axis=(1, 2))
    tol = extent * extent * (1e3 * xp.finfo(pts.dtype).eps)
    for i, j, k in ((0, 1, 2), (0, 1, 3), (0, 2, 3), (1, 2, 3)):
        u, v = p[j] - p[i], p[k] - p[i]
        cross = u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0]
        bad = ~(xp.abs(cross) > tol)
        if bool(xp.any(bad)):
            raise ValueError(
                f"{name}: expected 4 points with no three collinear, got a degenerate "
                f"quadrilateral at batch index {int(xp.argmax(xp.astype(bad, xp.int32)))}"
            )


def _square_to_quad(xp, q):
    """Entries (3 rows) of the homography mapping the unit square's corners (0, 0), (1, 0),
    (1, 1), (0, 1) onto the quads ``q`` ``(B, 4, 2)`` (Heckbert's closed form)."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = ((q[:, i, 0], q[:, i, 1]) for i in range(4))
    dx1, dx2, sx = x1 - x2, x3 - x2, x0 - x1 + x2 - x3
    dy1, dy2, sy = y1 - y2, y3 - y2, y0 - y1 + y2 - y3
    den = dx1 * dy2 - dy1 * dx2  # 0 only for collinear corners, rejected before
    g = (sx * dy2 - sy * dx2) / den
    h = (dx1 * sy - dy1 * sx) / den
    one = xp.ones_like(x0)
    return [[x1 - x0 + g * x1, x3 - x0 + h * x3, x0], [y1 - y0 + g * y1, y3 - y0 + h * y3, y0],
            [g, h, one]]  # fmt: skip


def _perspective2d(xp, src, dst):
    """The homography of :func:`get_perspective_transform`, in closed form: (square ->
    ``dst``) after the inverse of (square -> ``src``), normalised to ``H[2, 2] = 1``.  No
    LAPACK call: batched tiny solves cost milliseconds on a busy multi-threaded CPU.  Both
    square maps come from one pass over the stacked quads, and the inverse up to scale is
    the adjugate, whose columns are cross products of the rows (few, batched array ops:
    at small batches their count is the cost)."""
    b = src.shape[0]
    both = _matrix(xp, _square_to_quad(xp, xp.concat([src, dst], axis=0)))
    rows = [both[:b, i, :] for i in range(3)]
    cols = [xp.linalg.cross(rows[i - 2], rows[i - 1]) for i in range(3)]
    adj = xp.stack(cols, axis=-1)
    m = xp.matmul(both[b:, ...], adj)
    return m / m[:, 2:3, 2:3]


@register_op()
def get_perspective_transform(points_src: Array, points_dst: Array) -> Array:
    """The homography mapping four source points onto four destination points
    (OpenCV's ``getPerspectiveTransform``).

    Computed in closed form (two unit-square mappings, Heckbert), normalised to
    ``H[2, 2] = 1``: the solution of the 8x8 direct linear system.

    Args:
        points_src: ``(B, 4, 2)`` source points ``(x, y)`` in pixels.
        points_dst: ``(B, 4, 2)`` destination points.

    Returns:
        ``(B, 3, 3)`` source -> destination pixel homography (what
        ``warp_perspective`` takes).

    Raises:
        ValueError: three collinear points in either set (checked unless tracing).

    Example:
        >>> import numpy as np, portvision as pv
        >>> src = np.array([[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]])
        >>> dst = np.array([[[1.0, 0.0], [0.0, 0.0], [0.0, 1.0], [1.0, 1.0]]])
        >>> np.round(pv.geometry.transform.get_perspective_transform(src, dst)[0], 4) + 0.0
        array([[-1.,  0.,  1.],
               [ 0.,  1.,  0.],
               [ 0.,  0.,  1.]])
    """
    eng, (src, dst) = dispatch(("points_src", "points_dst"), points_src, points_dst)
    _shape(src, "points_src", (4, 2), "(B, 4, 2)")
    _shape(dst, "points_dst", (4, 2), "(B, 4, 2)", src.shape[0])
    xp = eng.xp
    src, dst = _floats(xp, src, dst)
    _check_quads(eng, src, "points_src")
    _check_quads(eng, dst, "points_dst")
    return _perspective2d(xp, src, dst)


# -- 3D ------------------------------------------------------------------------------------
@register_op()
def projection_from_Rt(rmat: Array, tvec: Array) -> Array:  # noqa: N802 - Kornia's name
    """The projection matrix ``[R | t]``.

    Args:
        rmat: ``(*, 3, 3)`` rotation matrices.
        tvec: ``(*, 3, 1)`` translation vectors.

    Returns:
        ``(*, 3, 4)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.transform.projection_from_Rt(np.eye(3)[None], np.ones((1, 3, 1)))[0]
        array([[1., 0., 0., 1.],
               [0., 1., 0., 1.],
               [0., 0., 1., 1.]])
    """
    eng, (rmat, tvec) = dispatch(("rmat", "tvec"), rmat, tvec)
    require_array("tvec", tvec)
    if rmat.ndim < 2 or tuple(rmat.shape[-2:]) != (3, 3):
        raise ValueError(f"rmat: expected shape (*, 3, 3), got {shape_of(rmat)}")
    if (
        tvec.ndim != rmat.ndim
        or tuple(tvec.shape[-2:]) != (3, 1)
        or (tuple(tvec.shape[:-2]) != tuple(rmat.shape[:-2]))
    ):
        lead = shape_of(rmat)[:-2]
        raise ValueError(f"tvec: expected shape {lead + (3, 1)}, got {shape_of(tvec)}")
    xp = eng.xp
    rmat, tvec = _floats(xp, rmat, tvec)
    return xp.concat([rmat, tvec], axis=-1)


@register_op()
def get_projective_transform(center: Array, angles: Array, scales: Array) -> Array:
    """Projection matrix of a 3D rotation and scaling about a centre.

    Args:
        center: ``(B, 3)`` centre ``(x, y, z)`` in pixels.
        angles: ``(B, 3)`` axis-angle vector in degrees (right-hand rule: a positive
            rotation about +z is clockwise on screen, unlike :func:`get_rotation_matrix2d`).
        scales: ``(B, 3)`` scale factors along x, y, z.

    Returns:
        ``(B, 3, 4)`` ``[R S | c - R S c]``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> m = pv.geometry.transform.get_projective_transform(
        ...     np.zeros((1, 3)), np.array([[0.0, 0.0, 90.0]]), np.ones((1, 3)))
        >>> np.round(m[0], 4) + 0.0
        array([[ 0., -1.,  0.,  0.],
               [ 1.,  0.,  0.,  0.],
               [ 0.,  0.,  1.,  0.]])
    """
    eng, (center, angles, scales) = dispatch(("center", "angles", "scales"), center, angles, scales)
    _shape(center, "center", (3,), "(B, 3)")
    _shape(angles, "angles", (3,), "(B, 3)", center.shape[0])
    _shape(scales, "scales", (3,), "(B, 3)", center.shape[0])
    xp = eng.xp
    center, angles, scales = _floats(xp, center, angles, scales)
    return _projective(xp, center, angles, scales)


def _projective(xp, center, angles, scales):
    rs = axis_angle_to_matrix(xp, angles * _DEG) * scales[:, None, :]
    shift = center - xp.sum(rs * center[:, None, :], axis=-1)
    return xp.concat([rs, shift[..., None]], axis=-1)


def _shear3d_entries(xp, t):
    """Entries (row-major 3x3) of the ordered x-y-z shear with tangents ``t`` =
    (sxy, sxz, syx, syz, szx, szy)."""
    sxy, sxz, syx, syz, szx, szy = t
    one = xp.ones_like(sxy)
    m11 = sxy * syx + one
    m21 = sxz * syx + syz
    m02 = syx * szy + szx
    m12 = sxy * szx + szy * m11
    m22 = sxz * szx + szy * m21 + one
    return [[one, syx, m02], [sxy, m11, m12], [sxz, m21, m22]]


_SHEAR3D = ("sxy", "sxz", "syx", "syz", "szx", "szy")


def _shear3d(xp, center, shears):
    tans = [xp.tan(s) for s in shears]
    pos = _shear3d_entries(xp, tans)
    x, y, z = center[:, 0], center[:, 1], center[:, 2]
    t0 = pos[0][1] * y + pos[0][2] * z
    t1 = pos[1][0] * x + pos[1][1] * y + pos[1][2] * z - y
    t2 = pos[2][0] * x + pos[2][1] * y + pos[2][2] * z - z
    neg = _shear3d_entries(xp, [-t for t in tans])  # the matrix itself uses -tan (Kornia)
    zero, one = xp.zeros_like(x), xp.ones_like(x)
    rows = [neg[0] + [t0], neg[1] + [t1], neg[2] + [t2], [zero, zero, zero, one]]
    return _matrix(xp, rows)


def _check_shears(shears, b):
    for v, n in zip(shears, _SHEAR3D, strict=True):
        if v is not None:
            _shape(v, n, (), "(B,)", b)


@register_op()
def get_shear_matrix3d(
    center: Array,
    sxy: Array | None = None,
    sxz: Array | None = None,
    syx: Array | None = None,
    syz: Array | None = None,
    szx: Array | None = None,
    szy: Array | None = None,
) -> Array:
    """Homogeneous matrix of an ordered 3D shear (x, then y, then z) about a centre.

    Args:
        center: ``(B, 3)`` centre ``(x, y, z)`` in pixels.
        sxy, sxz, syx, syz, szx, szy: optional ``(B,)`` shear angles in radians
            (``sxy``: along x towards the y plane, ...); None is 0.

    Returns:
        ``(B, 4, 4)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> m = pv.geometry.transform.get_shear_matrix3d(np.zeros((1, 3)), sxy=np.array([0.5]))
        >>> np.round(m[0, :3, :3], 4) + 0.0
        array([[ 1.    ,  0.    ,  0.    ],
               [-0.5463,  1.    ,  0.    ],
               [ 0.    ,  0.    ,  1.    ]])
    """
    names = ("center",) + _SHEAR3D
    eng, (center, *shears) = dispatch(names, center, sxy, sxz, syx, syz, szx, szy)
    _shape(center, "center", (3,), "(B, 3)")
    _check_shears(shears, center.shape[0])
    xp = eng.xp
    center, *shears = _floats(xp, center, *shears)
    zero = xp.zeros_like(center[:, 0])
    return _shear3d(xp, center, [zero if s is None else s for s in shears])


@register_op()
def get_affine_matrix3d(
    translations: Array,
    center: Array,
    scale: Array,
    angles: Array,
    sxy: Array | None = None,
    sxz: Array | None = None,
    syx: Array | None = None,
    syz: Array | None = None,
    szx: Array | None = None,
    szy: Array | None = None,
) -> Array:
    """Compose a homogeneous 3D affine matrix: shear, then rotation and scale about
    ``center``, then translation.

    Args:
        translations: ``(B, 3)`` ``(dx, dy, dz)`` in pixels.
        center: ``(B, 3)`` centre ``(x, y, z)``.
        scale: ``(B, 3)`` scale factors.
        angles: ``(B, 3)`` axis-angle vector in degrees, negated before
            :func:`get_projective_transform` (Kornia's convention).
        sxy, sxz, syx, syz, szx, szy: optional ``(B,)`` shear angles in radians
            (:func:`get_shear_matrix3d`).

    Returns:
        ``(B, 4, 4)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> m = pv.geometry.transform.get_affine_matrix3d(
        ...     np.ones((1, 3)), np.zeros((1, 3)), np.full((1, 3), 2.0), np.zeros((1, 3)))
        >>> m[0] + 0.0
        array([[2., 0., 0., 1.],
               [0., 2., 0., 1.],
               [0., 0., 2., 1.],
               [0., 0., 0., 1.]])
    """
    names = ("translations", "center", "scale", "angles") + _SHEAR3D
    eng, (t, center, scale, angles, *shears) = dispatch(
        names, translations, center, scale, angles, sxy, sxz, syx, syz, szx, szy
    )
    _shape(t, "translations", (3,), "(B, 3)")
    b = t.shape[0]
    _shape(center, "center", (3,), "(B, 3)", b)
    _shape(scale, "scale", (3,), "(B, 3)", b)
    _shape(angles, "angles", (3,), "(B, 3)", b)
    _check_shears(shears, b)
    xp = eng.xp
    t, center, scale, angles, *shears = _floats(xp, t, center, scale, angles, *shears)
    p = _projective(xp, center, -angles, scale)
    m = _to_homogeneous(xp, xp.concat([p[..., :3], p[..., 3:] + t[..., None]], axis=-1))
    if all(s is None for s in shears):
        return m
    zero = xp.zeros_like(center[:, 0])
    return m @ _shear3d(xp, center, [zero if s is None else s for s in shears])


#: the corners Kornia's 3D system uses (000, 100, 110, 101, 011 of the cube order)
_CORNERS3D = (0, 1, 2, 5, 7)


def _system3d(xp, src, dst):
    """The 15x15 system of :func:`get_perspective_transform3d` and its right-hand side."""
    one, zero = xp.ones_like(src[:, 0, 0]), xp.zeros_like(src[:, 0, 0])
    rows, rhs = [], []
    for i in _CORNERS3D:
        p = [src[:, i, 0], src[:, i, 1], src[:, i, 2]]
        for k in range(3):
            q = dst[:, i, k]
            block = [zero] * 12
            block[4 * k : 4 * k + 4] = p + [one]
            rows.append(block + [-c * q for c in p])
            rhs.append(q)
    a = _matrix(xp, rows)
    return a, xp.stack(rhs, axis=-1)


def _solve3d(xp, a, rhs):
    one = xp.ones_like(rhs[:, :1])
    m = xp.linalg.solve(a, rhs[..., None])[..., 0]
    return xp.reshape(xp.concat([m, one], axis=-1), (-1, 4, 4))


def _perspective3d(eng, src, dst, name):
    """The 3D homography of :func:`get_perspective_transform3d`; a singular system is a
    ValueError naming ``name`` (checked unless tracing)."""
    xp = eng.xp
    a, rhs = _system3d(xp, src, dst)
    if not eng.is_tracing(a):
        det = xp.linalg.det(a)
        bad = ~(xp.isfinite(det) & (det != 0))
        if bool(xp.any(bad)):
            raise ValueError(
                f"{name}: expected points giving a unique 3D perspective transform (corners "
                f"{list(_CORNERS3D)} in general position), got a singular system at batch index "
                f"{int(xp.argmax(xp.astype(bad, xp.int32)))}"
            )
    return _solve3d(xp, a, rhs)


@register_op()
def get_perspective_transform3d(src: Array, dst: Array) -> Array:
    """The 3D homography mapping the corners of a source box onto a destination box.

    Uses five of the eight correspondences (indices 0, 1, 2, 5, 7, as Kornia), i.e. a
    15x15 linear system with ``M[3, 3] = 1``.

    Args:
        src: ``(B, 8, 3)`` source points ``(x, y, z)``.
        dst: ``(B, 8, 3)`` destination points.

    Returns:
        ``(B, 4, 4)`` source -> destination pixel homography.

    Raises:
        ValueError: a singular system (degenerate points; checked unless tracing).

    Example:
        >>> import numpy as np, portvision as pv
        >>> cube = np.array([[[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0],
        ...                   [0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]]], dtype=float)
        >>> m = pv.geometry.transform.get_perspective_transform3d(cube, 2 * cube + 1)
        >>> np.round(m[0], 4) + 0.0
        array([[2., 0., 0., 1.],
               [0., 2., 0., 1.],
               [0., 0., 2., 1.],
               [0., 0., 0., 1.]])
    """
    eng, (src, dst) = dispatch(("src", "dst"), src, dst)
    _shape(src, "src", (8, 3), "(B, 8, 3)")
    _shape(dst, "dst", (8, 3), "(B, 8, 3)", src.shape[0])
    xp = eng.xp
    src, dst = _floats(xp, src, dst)
    return _perspective3d(eng, src, dst, "src")
