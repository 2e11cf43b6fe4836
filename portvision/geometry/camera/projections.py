"""Point projections: perspective with intrinsics, orthographic and onto the ``z = 1`` plane.

Camera-frame points are ``(x, y, z)``; pixels are ``(u, v)`` = (column, row) with integer
pixel centres; ``K = [[fx, 0, cx], [0, fy, cy], [0, 0, 1]]`` (the skew entry is ignored).
"""

from __future__ import annotations

from typing import Any

from portvision._array import to_float
from portvision._checks import shape_of
from portvision._dispatch import dispatch, dispatch1, require_array
from portvision._registry import register_op
from portvision.geometry.camera._common import check_points, unit
from portvision.geometry.conversions.coordinates import (
    denormalize_points_with_intrinsics,
    normalize_points_with_intrinsics,
)
from portvision.geometry.conversions.points import from_homogeneous, to_homogeneous

Array = Any


@register_op()
def project_points(point_3d: Array, camera_matrix: Array) -> Array:
    """Project camera-frame 3D points to pixels: ``u = fx x / z + cx``, ``v = fy y / z + cy``.

    Where ``|z| <= 1e-8`` the division is skipped (``u = fx x + cx``), as Kornia and OpenCV.

    Args:
        point_3d: ``(*, N, 3)`` points in the camera frame (at least 2 axes).
        camera_matrix: ``(*, 3, 3)`` intrinsics; with one axis fewer than the points it is
            shared by the ``N`` points of each batch item.

    Returns:
        ``(*, N, 2)`` pixel coordinates ``(u, v)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> K = np.array([[[100.0, 0.0, 32.0], [0.0, 100.0, 24.0], [0.0, 0.0, 1.0]]])
        >>> pv.geometry.project_points(np.array([[0.1, -0.2, 2.0]]), K)
        array([[37., 14.]])
    """
    eng, (point_3d, camera_matrix) = dispatch(
        ("point_3d", "camera_matrix"), point_3d, camera_matrix
    )
    check_points(point_3d, "point_3d", 3, min_ndim=2)
    xp = eng.xp
    xy = from_homogeneous(xp, to_float(xp, point_3d))
    require_array("camera_matrix", camera_matrix)
    return denormalize_points_with_intrinsics(xy, camera_matrix)


@register_op()
def unproject_points(
    point_2d: Array, depth: Array, camera_matrix: Array, normalize: bool = False
) -> Array:
    """Lift pixels to camera-frame 3D points at the given depths.

    Args:
        point_2d: ``(*, 2)`` pixel coordinates ``(u, v)``.
        depth: ``(*, 1)`` depth of each point: the camera-frame ``z``, or the distance to the
            camera centre with ``normalize=True``.
        camera_matrix: ``(*, 3, 3)`` intrinsics (broadcast as in :func:`project_points`).
        normalize: read ``depth`` as the Euclidean ray length.

    Returns:
        ``(*, 3)`` camera-frame points ``(x, y, z)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> K = np.array([[[100.0, 0.0, 32.0], [0.0, 100.0, 24.0], [0.0, 0.0, 1.0]]])
        >>> pv.geometry.unproject_points(np.array([[37.0, 14.0]]), np.array([[2.0]]), K)
        array([[ 0.1, -0.2,  2. ]])
    """
    names = ("point_2d", "depth", "camera_matrix")
    eng, (point_2d, depth, camera_matrix) = dispatch(names, point_2d, depth, camera_matrix)
    require_array("depth", depth)
    check_points(point_2d, "point_2d", 2)
    if depth.ndim < 1 or depth.shape[-1] != 1:
        raise ValueError(f"depth: expected shape (*, 1), got {shape_of(depth)}")
    if not isinstance(normalize, bool):
        raise TypeError(f"normalize: expected a bool, got {type(normalize).__name__}")
    xp = eng.xp
    require_array("camera_matrix", camera_matrix)
    xyz = to_homogeneous(xp, normalize_points_with_intrinsics(point_2d, camera_matrix))
    if normalize:
        xyz = unit(xp, xyz)
    return xyz * xp.astype(depth, xyz.dtype)


@register_op()
def project_points_orthographic(points_in_camera: Array) -> Array:
    """Orthographic projection: drop ``z``, ``(x, y, z) -> (x, y)``.

    Args:
        points_in_camera: ``(*, 3)`` camera-frame points.

    Returns:
        ``(*, 2)`` projected points.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.project_points_orthographic(np.array([1.0, 2.0, 3.0]))
        array([1., 2.])
    """
    eng, points_in_camera = dispatch1("points_in_camera", points_in_camera)
    check_points(points_in_camera, "points_in_camera", 3)
    return points_in_camera[..., :2]


@register_op()
def unproject_points_orthographic(points_in_camera: Array, extension: Array) -> Array:
    """Inverse orthographic projection: append ``extension`` as ``z``.

    Args:
        points_in_camera: ``(*, 2)`` points on the image plane.
        extension: ``(*, 1)`` or ``(*,)`` values of ``z``.

    Returns:
        ``(*, 3)`` camera-frame points.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.unproject_points_orthographic(np.array([1.0, 2.0]), np.array([3.0]))
        array([1., 2., 3.])
    """
    names = ("points_in_camera", "extension")
    eng, (points_in_camera, extension) = dispatch(names, points_in_camera, extension)
    require_array("extension", extension)
    check_points(points_in_camera, "points_in_camera", 2)
    xp = eng.xp
    ext = extension if extension.ndim == points_in_camera.ndim else extension[..., None]
    if shape_of(ext)[:-1] != shape_of(points_in_camera)[:-1] or ext.shape[-1] != 1:
        lead = shape_of(points_in_camera)[:-1]
        raise ValueError(
            f"extension: expected shape {lead + (1,)} or {lead}, got {shape_of(extension)}"
        )
    pts = to_float(xp, points_in_camera)
    return xp.concat([pts, xp.astype(ext, pts.dtype)], axis=-1)


@register_op(differentiable=False)
def dx_project_points_orthographic(points_in_camera: Array) -> Array:
    """Derivative of the orthographic ``u`` with respect to ``x``: always 1.

    Args:
        points_in_camera: ``(*, 3)`` camera-frame points.

    Returns:
        ``(*, 1)`` ones of the points' float dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.dx_project_points_orthographic(np.array([1.0, 2.0, 3.0]))
        array([1.])
    """
    eng, points_in_camera = dispatch1("points_in_camera", points_in_camera)
    check_points(points_in_camera, "points_in_camera", 3)
    return eng.xp.ones_like(to_float(eng.xp, points_in_camera[..., :1]))


@register_op()
def project_points_z1(points_in_camera: Array) -> Array:
    """Perspective division onto the canonical ``z = 1`` plane: ``(x / z, y / z)``.

    The division is plain (``z = 0`` gives inf/nan, as Kornia); points are expected in front
    of the camera.

    Args:
        points_in_camera: ``(*, 3)`` camera-frame points.

    Returns:
        ``(*, 2)`` normalised image-plane points.

    Example:
        >>> import numpy as np, portvision as pv
        >>> np.round(pv.geometry.project_points_z1(np.array([1.0, 2.0, 3.0])), 4)
        array([0.3333, 0.6667])
    """
    eng, points_in_camera = dispatch1("points_in_camera", points_in_camera)
    check_points(points_in_camera, "points_in_camera", 3)
    p = to_float(eng.xp, points_in_camera)
    return p[..., :2] / p[..., 2:3]


@register_op()
def unproject_points_z1(points_in_cam_canonical: Array, extension: Array | None = None) -> Array:
    """Lift points of the ``z = 1`` plane to depth ``extension``: ``(u w, v w, w)``.

    Args:
        points_in_cam_canonical: ``(*, 2)`` points on the canonical plane.
        extension: ``(*, 1)`` or ``(*,)`` depths ``w`` broadcastable against the points'
            leading axes; ``None`` means depth 1.

    Returns:
        ``(*, 3)`` camera-frame points.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.unproject_points_z1(np.array([1.0, 2.0]), np.array([3.0]))
        array([3., 6., 3.])
    """
    names = ("points_in_cam_canonical", "extension")
    eng, (points, extension) = dispatch(names, points_in_cam_canonical, extension)
    check_points(points, "points_in_cam_canonical", 2)
    xp = eng.xp
    pts = to_float(xp, points)
    if extension is None:
        return to_homogeneous(xp, pts)
    require_array("extension", extension)
    ext = extension[..., None] if extension.ndim == points.ndim - 1 else extension
    if ext.ndim < 1 or ext.shape[-1] != 1:
        raise ValueError(f"extension: expected shape (*, 1) or (*,), got {shape_of(extension)}")
    ext = xp.astype(ext, pts.dtype)
    xy = pts * ext
    return xp.concat([xy, xp.broadcast_to(ext, tuple(xy.shape[:-1]) + (1,))], axis=-1)


@register_op()
def dx_project_points_z1(points_in_camera: Array) -> Array:
    """Jacobian of :func:`project_points_z1`: ``[[1/z, 0, -x/z^2], [0, 1/z, -y/z^2]]``.

    Args:
        points_in_camera: ``(*, 3)`` camera-frame points (``z != 0``).

    Returns:
        ``(*, 2, 3)`` Jacobians, rows ``(u, v)``, columns ``(x, y, z)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> np.round(pv.geometry.dx_project_points_z1(np.array([1.0, 2.0, 3.0])), 4)
        array([[ 0.3333,  0.    , -0.1111],
               [ 0.    ,  0.3333, -0.2222]])
    """
    eng, points_in_camera = dispatch1("points_in_camera", points_in_camera)
    check_points(points_in_camera, "points_in_camera", 3)
    xp = eng.xp
    p = to_float(xp, points_in_camera)
    x, y, z = p[..., 0], p[..., 1], p[..., 2]
    zi = 1.0 / z
    zi2 = zi * zi
    zero = xp.zeros_like(zi)
    row_u = xp.stack([zi, zero, -x * zi2], axis=-1)
    row_v = xp.stack([zero, zi, -y * zi2], axis=-1)
    return xp.stack([row_u, row_v], axis=-2)


__all__ = [
    "dx_project_points_orthographic",
    "dx_project_points_z1",
    "project_points",
    "project_points_orthographic",
    "project_points_z1",
    "unproject_points",
    "unproject_points_orthographic",
    "unproject_points_z1",
]
