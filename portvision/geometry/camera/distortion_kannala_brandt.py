"""The Kannala-Brandt fish-eye model, ``params = [fx, fy, cx, cy, k0, k1, k2, k3]``.

A normalised point at radius ``r`` makes the angle ``theta = atan(r)`` with the optical axis
and lands at the distorted radius ``theta (1 + k0 theta^2 + k1 theta^4 + k2 theta^6 +
k3 theta^8)``; the affine part then maps it to pixels.  Radii with ``r^2 <= 1e-8`` use the
affine model alone (the limit of the formula), as Kornia.
"""

from __future__ import annotations

from typing import Any

from portvision._dispatch import dispatch
from portvision._registry import register_op
from portvision.geometry.camera._common import affine, check_params, check_points, float_pair

Array = Any

_SMALL_R2 = 1e-8
_GAUSS_NEWTON_STEPS = 10  # Kornia's fixed count, no convergence test


def _polynomial(params, theta2):
    k0, k1, k2, k3 = (params[..., i] for i in range(4, 8))
    return 1.0 + theta2 * (k0 + theta2 * (k1 + theta2 * (k2 + theta2 * k3)))


def _prepare(names, points, params):
    eng, (points, params) = dispatch(names, points, params)
    check_points(points, names[0], 2)
    check_params(points, params, 8)
    xp = eng.xp
    return xp, *float_pair(xp, points, params)


@register_op()
def distort_points_kannala_brandt(
    projected_points_in_camera_z1_plane: Array, params: Array
) -> Array:
    """Map points of the normalised ``z = 1`` plane to pixels through the fish-eye model.

    Args:
        projected_points_in_camera_z1_plane: ``(*, 2)`` normalised points ``(x, y)``.
        params: ``(*, 8)`` ``[fx, fy, cx, cy, k0, k1, k2, k3]``.

    Returns:
        ``(*, 2)`` distorted pixels ``(u, v)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> params = np.array([1000.0, 1000.0, 320.0, 280.0, 0.1, 0.01, 0.001, 0.0001])
        >>> np.round(pv.geometry.distort_points_kannala_brandt(np.array([319.5, 239.5]), params), 3)
        array([1982.683, 1526.362])
    """
    names = ("projected_points_in_camera_z1_plane", "params")
    xp, pts, params = _prepare(names, projected_points_in_camera_z1_plane, params)
    x, y = pts[..., 0], pts[..., 1]
    r2 = x * x + y * y
    curved = r2 > _SMALL_R2
    radius = xp.sqrt(xp.where(curved, r2, xp.ones_like(r2)))  # r = 0 kept off the sqrt
    theta = xp.atan(radius)
    scaling = theta * _polynomial(params, theta * theta) / radius
    fisheye = affine(xp, scaling * x, scaling * y, params)
    return xp.where(curved[..., None], fisheye, affine(xp, x, y, params))


@register_op()
def undistort_points_kannala_brandt(distorted_points_in_camera: Array, params: Array) -> Array:
    """Map fish-eye pixels back to the normalised ``z = 1`` plane.

    The distorted angle is inverted with 10 Gauss-Newton steps started at ``sqrt(r_d)``
    (Kornia's fixed scheme, no convergence test); a zero radius maps to the origin.

    Args:
        distorted_points_in_camera: ``(*, 2)`` pixels ``(u, v)``.
        params: ``(*, 8)`` ``[fx, fy, cx, cy, k0, k1, k2, k3]``.

    Returns:
        ``(*, 2)`` normalised points.

    Example:
        >>> import numpy as np, portvision as pv
        >>> params = np.array([1000.0, 1000.0, 320.0, 280.0, 0.1, 0.01, 0.001, 0.0001])
        >>> pix = pv.geometry.distort_points_kannala_brandt(np.array([0.3, -0.2]), params)
        >>> np.round(pv.geometry.undistort_points_kannala_brandt(pix, params), 6)
        array([ 0.3, -0.2])
    """
    names = ("distorted_points_in_camera", "params")
    xp, pts, params = _prepare(names, distorted_points_in_camera, params)
    un = (pts[..., 0] - params[..., 2]) / params[..., 0]
    vn = (pts[..., 1] - params[..., 3]) / params[..., 1]
    moved = (un != 0) | (vn != 0)
    safe_u = xp.where(moved, un, xp.ones_like(un))  # radius 1 where the point sits at 0
    safe_v = xp.where(moved, vn, xp.zeros_like(vn))
    r_d = xp.sqrt(safe_u * safe_u + safe_v * safe_v)
    k0, k1, k2, k3 = (params[..., i] for i in range(4, 8))
    theta = xp.sqrt(r_d)
    for _ in range(_GAUSS_NEWTON_STEPS):
        t2 = theta * theta
        value = theta * _polynomial(params, t2)
        slope = 1.0 + t2 * (3.0 * k0 + t2 * (5.0 * k1 + t2 * (7.0 * k2 + 9.0 * k3 * t2)))
        theta = theta - (value - r_d) / (slope + 1e-12)
    mag = xp.where(moved, xp.abs(xp.tan(theta)) / r_d, xp.ones_like(r_d))
    return xp.stack([mag * un, mag * vn], axis=-1)


@register_op()
def dx_distort_points_kannala_brandt(
    projected_points_in_camera_z1_plane: Array, params: Array
) -> Array:
    """Jacobian of :func:`distort_points_kannala_brandt` with respect to the point.

    Args:
        projected_points_in_camera_z1_plane: ``(*, 2)`` normalised points.
        params: ``(*, 8)`` ``[fx, fy, cx, cy, k0, k1, k2, k3]``.

    Returns:
        ``(*, 2, 2)``: rows ``(u, v)``, columns ``(x, y)``; ``diag(fx, fy)`` where
        ``r^2 <= 1e-8`` (the affine branch).

    Example:
        >>> import numpy as np, portvision as pv
        >>> params = np.array([1000.0, 1000.0, 320.0, 280.0, 0.1, 0.01, 0.001, 0.0001])
        >>> np.round(pv.geometry.dx_distort_points_kannala_brandt(np.array([1.0, 2.0]), params), 3)
        array([[ 524.378, -136.903],
               [-136.903,  319.024]])
    """
    names = ("projected_points_in_camera_z1_plane", "params")
    xp, pts, params = _prepare(names, projected_points_in_camera_z1_plane, params)
    x, y = pts[..., 0], pts[..., 1]
    fx, fy = params[..., 0], params[..., 1]
    k0, k1, k2, k3 = (params[..., i] for i in range(4, 8))
    r2 = x * x + y * y
    curved = r2 > _SMALL_R2
    safe_r2 = xp.where(curved, r2, xp.ones_like(r2))
    radius = xp.sqrt(safe_r2)
    theta = xp.atan(radius)
    t2 = theta * theta
    r_d = theta * _polynomial(params, t2)
    dr_dtheta = 1.0 + t2 * (3.0 * k0 + t2 * (5.0 * k1 + t2 * (7.0 * k2 + 9.0 * k3 * t2)))
    dr_dr = dr_dtheta / (1.0 + safe_r2)  # d theta / d r = 1 / (1 + r^2)
    scaling = r_d / radius
    radial = (radius * dr_dr - r_d) / (radius * safe_r2)
    xy = x * y * radial
    zero = xp.zeros_like(r2)
    jx = xp.stack([fx * (scaling + x * x * radial), fx * xy], axis=-1)
    jy = xp.stack([fy * xy, fy * (scaling + y * y * radial)], axis=-1)
    fx_b, fy_b = fx + zero, fy + zero
    zero = xp.zeros_like(fx_b)
    lin = xp.stack([xp.stack([fx_b, zero], axis=-1), xp.stack([zero, fy_b], axis=-1)], axis=-2)
    return xp.where(curved[..., None, None], xp.stack([jx, jy], axis=-2), lin)


__all__ = [
    "distort_points_kannala_brandt",
    "dx_distort_points_kannala_brandt",
    "undistort_points_kannala_brandt",
]
