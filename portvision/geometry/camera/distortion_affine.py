"""The affine camera model: ``(u, v) = (fx x + cx, fy y + cy)``, ``params = [fx, fy, cx, cy]``."""

from __future__ import annotations

from typing import Any

from portvision._dispatch import dispatch
from portvision._registry import register_op
from portvision.geometry.camera._common import affine, check_params, check_points, float_pair

Array = Any


@register_op()
def distort_points_affine(projected_points_in_camera_z1_plane: Array, params: Array) -> Array:
    """Map points of the normalised ``z = 1`` plane to pixels: ``u = fx x + cx``, ``v = fy y + cy``.

    Args:
        projected_points_in_camera_z1_plane: ``(*, 2)`` normalised points ``(x, y)``.
        params: ``(*, 4)`` ``[fx, fy, cx, cy]``, leading axes broadcast against the points'.

    Returns:
        ``(*, 2)`` pixels ``(u, v)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> params = np.array([600.0, 600.0, 319.5, 239.5])
        >>> pv.geometry.distort_points_affine(np.array([319.5, 239.5]), params)
        array([192019.5, 143939.5])
    """
    names = ("projected_points_in_camera_z1_plane", "params")
    eng, (points, params) = dispatch(names, projected_points_in_camera_z1_plane, params)
    check_points(points, names[0], 2)
    check_params(points, params, 4)
    xp = eng.xp
    points, params = float_pair(xp, points, params)
    return affine(xp, points[..., 0], points[..., 1], params)


@register_op()
def undistort_points_affine(distorted_points_in_camera: Array, params: Array) -> Array:
    """Map pixels to the normalised ``z = 1`` plane: ``x = (u - cx) / fx``, ``y = (v - cy) / fy``.

    Args:
        distorted_points_in_camera: ``(*, 2)`` pixels ``(u, v)``.
        params: ``(*, 4)`` ``[fx, fy, cx, cy]`` (not validated for zeros: ``fx = 0`` gives inf).

    Returns:
        ``(*, 2)`` normalised points.

    Example:
        >>> import numpy as np, portvision as pv
        >>> params = np.array([600.0, 600.0, 319.5, 239.5])
        >>> pv.geometry.undistort_points_affine(np.array([919.5, 239.5]), params)
        array([1., 0.])
    """
    names = ("distorted_points_in_camera", "params")
    eng, (points, params) = dispatch(names, distorted_points_in_camera, params)
    check_points(points, names[0], 2)
    check_params(points, params, 4)
    xp = eng.xp
    points, params = float_pair(xp, points, params)
    x = (points[..., 0] - params[..., 2]) / params[..., 0]
    y = (points[..., 1] - params[..., 3]) / params[..., 1]
    return xp.stack([x, y], axis=-1)


@register_op()
def dx_distort_points_affine(projected_points_in_camera_z1_plane: Array, params: Array) -> Array:
    """Jacobian of :func:`distort_points_affine` with respect to the point: ``diag(fx, fy)``.

    Args:
        projected_points_in_camera_z1_plane: ``(*, 2)`` normalised points.
        params: ``(*, 4)`` ``[fx, fy, cx, cy]``.

    Returns:
        ``(*, 2, 2)``, ``*`` the broadcast of the points' and params' leading axes.

    Example:
        >>> import numpy as np, portvision as pv
        >>> params = np.array([600.0, 500.0, 319.5, 239.5])
        >>> pv.geometry.dx_distort_points_affine(np.array([1.0, 2.0]), params)
        array([[600.,   0.],
               [  0., 500.]])
    """
    names = ("projected_points_in_camera_z1_plane", "params")
    eng, (points, params) = dispatch(names, projected_points_in_camera_z1_plane, params)
    check_points(points, names[0], 2)
    check_params(points, params, 4)
    xp = eng.xp
    points, params = float_pair(xp, points, params)
    zero = xp.zeros_like(points[..., 0])
    fx, fy = params[..., 0] + zero, params[..., 1] + zero
    zero = xp.zeros_like(fx)
    return xp.stack([xp.stack([fx, zero], axis=-1), xp.stack([zero, fy], axis=-1)], axis=-2)


__all__ = ["distort_points_affine", "dx_distort_points_affine", "undistort_points_affine"]
