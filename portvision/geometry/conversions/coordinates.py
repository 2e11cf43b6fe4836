"""Pixel-coordinate normalisation to ``[-1, 1]`` (2D and 3D) and normalisation of points
with camera intrinsics."""

from __future__ import annotations

import warnings

from portvision._checks import shape_of
from portvision._dispatch import dispatch, dispatch1
from portvision._registry import register_op
from portvision.geometry.conversions._common import (
    Array,
    as_float,
    check_last,
    check_matrix,
    check_size,
    common_float,
    const,
)

__all__ = [
    "denormalize_pixel_coordinates",
    "denormalize_pixel_coordinates3d",
    "denormalize_points_with_intrinsics",
    "normalize_pixel_coordinates",
    "normalize_pixel_coordinates3d",
    "normalize_points_with_intrinsics",
]


def _warn_eps(eps, default: float, fname: str) -> None:
    if eps != default:  # Kornia 0.9 deprecates it too: a singleton axis is mapped explicitly
        warnings.warn(f"`eps` is deprecated and ignored by `{fname}`.", FutureWarning, stacklevel=3)


def axis_scale(n: int) -> tuple[float, float]:
    """``(scale, offset)`` mapping pixel ``0 .. n - 1`` to ``-1 .. 1`` (corner-aligned).

    A length-1 axis uses scale 1 and offset 0, which keeps the map invertible.
    """
    return (1.0, 0.0) if n == 1 else (2.0 / (n - 1.0), -1.0)


def _affine_map(eng, coords, sizes, inverse: bool):
    """``coords * s + t`` per component, with ``(s, t)`` of :func:`axis_scale` (or inverse)."""
    xp = eng.xp
    coords = as_float(xp, coords)
    st = [axis_scale(n) for n in sizes]
    if inverse:  # x = (x_n - t) / s
        st = [(1.0 / s, -t / s) for s, t in st]
    scale = const(xp, [s for s, _ in st], coords)
    offset = const(xp, [t for _, t in st], coords)
    return coords * scale + offset


@register_op()
def normalize_pixel_coordinates(
    pixel_coordinates: Array, height: int, width: int, eps: float = 1e-8
) -> Array:
    """Map pixel coordinates ``(x, y)`` so that the first and last pixel become -1 and 1.

    Corner-aligned (``grid_sample(align_corners=True)``): ``x_n = 2 x / (width - 1) - 1``;
    a length-1 axis maps with scale 1 and offset 0.  Nothing is clamped.

    Args:
        pixel_coordinates: ``(*, 2)`` coordinates in ``(x, y)`` order.
        height: image height (scales ``y``).
        width: image width (scales ``x``).
        eps: deprecated and ignored, as in Kornia 0.9 (a non-default value warns).

    Returns:
        ``(*, 2)`` normalised coordinates.

    Example:
        >>> import numpy as np, portvision as pv
        >>> c = np.array([[50.0, 100.0]], dtype=np.float32)
        >>> np.round(pv.geometry.normalize_pixel_coordinates(c, 100, 50), 4)
        array([[1.0408, 1.0202]], dtype=float32)
    """
    eng, pixel_coordinates = dispatch1("pixel_coordinates", pixel_coordinates)
    check_last(pixel_coordinates, "pixel_coordinates", (2,), "(*, 2)")
    sizes = (check_size(width, "width"), check_size(height, "height"))
    _warn_eps(eps, 1e-8, "normalize_pixel_coordinates")
    return _affine_map(eng, pixel_coordinates, sizes, inverse=False)


@register_op()
def denormalize_pixel_coordinates(
    pixel_coordinates: Array, height: int, width: int, eps: float = 1e-8
) -> Array:
    """Map normalised coordinates in ``[-1, 1]`` back to pixels (inverse of
    :func:`normalize_pixel_coordinates`): ``x = (x_n + 1) (width - 1) / 2``.

    Args:
        pixel_coordinates: ``(*, 2)`` normalised coordinates in ``(x, y)`` order.
        height: image height.
        width: image width.
        eps: deprecated and ignored.

    Returns:
        ``(*, 2)`` pixel coordinates.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.denormalize_pixel_coordinates(np.array([[-1.0, -1.0], [1.0, 1.0]]), 100, 50)
        array([[ 0.,  0.],
               [49., 99.]])
    """
    eng, pixel_coordinates = dispatch1("pixel_coordinates", pixel_coordinates)
    check_last(pixel_coordinates, "pixel_coordinates", (2,), "(*, 2)")
    sizes = (check_size(width, "width"), check_size(height, "height"))
    _warn_eps(eps, 1e-8, "denormalize_pixel_coordinates")
    return _affine_map(eng, pixel_coordinates, sizes, inverse=True)


@register_op()
def normalize_pixel_coordinates3d(
    pixel_coordinates: Array, depth: int, height: int, width: int, eps: float = 1e-8
) -> Array:
    """Map 3D pixel coordinates to ``[-1, 1]``, corner-aligned, per axis.

    Kornia's component order is ``(d, x, y)``: depth first, then x (scaled by ``width``),
    then y (scaled by ``height``) — the order ``create_meshgrid3d`` produces.

    Args:
        pixel_coordinates: ``(*, 3)`` coordinates in ``(d, x, y)`` order.
        depth: volume depth.
        height: volume height.
        width: volume width.
        eps: deprecated and ignored.

    Returns:
        ``(*, 3)`` normalised coordinates.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.normalize_pixel_coordinates3d(np.array([[2.0, 8.0, 4.0]]), 3, 5, 9)
        array([[1., 1., 1.]])
    """
    eng, pixel_coordinates = dispatch1("pixel_coordinates", pixel_coordinates)
    check_last(pixel_coordinates, "pixel_coordinates", (3,), "(*, 3)")
    sizes = (check_size(depth, "depth"), check_size(width, "width"), check_size(height, "height"))
    _warn_eps(eps, 1e-8, "normalize_pixel_coordinates3d")
    return _affine_map(eng, pixel_coordinates, sizes, inverse=False)


@register_op()
def denormalize_pixel_coordinates3d(
    pixel_coordinates: Array, depth: int, height: int, width: int, eps: float = 1e-8
) -> Array:
    """Map normalised 3D coordinates back to pixels (inverse of
    :func:`normalize_pixel_coordinates3d`, same ``(d, x, y)`` order).

    Args:
        pixel_coordinates: ``(*, 3)`` normalised coordinates in ``(d, x, y)`` order.
        depth: volume depth.
        height: volume height.
        width: volume width.
        eps: deprecated and ignored.

    Returns:
        ``(*, 3)`` pixel coordinates.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.denormalize_pixel_coordinates3d(np.array([[0.0, 0.0, 0.0]]), 3, 5, 9)
        array([[1., 4., 2.]])
    """
    eng, pixel_coordinates = dispatch1("pixel_coordinates", pixel_coordinates)
    check_last(pixel_coordinates, "pixel_coordinates", (3,), "(*, 3)")
    sizes = (check_size(depth, "depth"), check_size(width, "width"), check_size(height, "height"))
    _warn_eps(eps, 1e-8, "denormalize_pixel_coordinates3d")
    return _affine_map(eng, pixel_coordinates, sizes, inverse=True)


def _intrinsics(eng, points, K, pname: str):
    """``(points, f, c)`` with the focal lengths ``(fx, fy)`` and principal point ``(cx, cy)``
    of ``K``, broadcast against ``(*, N, 2)`` points when ``K`` has one axis fewer."""
    check_last(points, pname, (2,), "(*, 2)")
    if K.ndim < 2 or tuple(K.shape[-2:]) != (3, 3):
        check_matrix(K, "camera_matrix", 3, 3, (), "(*, 3, 3)")
    xp = eng.xp
    points, K = common_float(xp, points, K)
    f = xp.stack([K[..., 0, 0], K[..., 1, 1]], axis=-1)
    c = K[..., :2, 2]
    if c.ndim < points.ndim:
        f, c = f[..., None, :], c[..., None, :]
    return points, f, c


@register_op()
def normalize_points_with_intrinsics(point_2d: Array, camera_matrix: Array) -> Array:
    """Pixel points to calibrated camera coordinates: ``x = (u - cx) / fx``, ``y = (v - cy) / fy``.

    The skew entry ``K[0, 1]`` is ignored (zero-skew pinhole model, as Kornia and OpenCV).

    Args:
        point_2d: ``(*, 2)`` pixel points ``(u, v)``.
        camera_matrix: ``(*, 3, 3)`` intrinsics; with one batch axis fewer than the points
            it is shared by the ``N`` points of each batch item.

    Returns:
        ``(*, 2)`` normalised camera coordinates.

    Example:
        >>> import numpy as np, portvision as pv
        >>> K = np.array([[100.0, 0.0, 320.0], [0.0, 200.0, 240.0], [0.0, 0.0, 1.0]])
        >>> pv.geometry.normalize_points_with_intrinsics(np.array([[420.0, 440.0]]), K)
        array([[1., 1.]])
    """
    names = ("point_2d", "camera_matrix")
    eng, (point_2d, camera_matrix) = dispatch(names, point_2d, camera_matrix)
    dispatch1("camera_matrix", camera_matrix)
    p, f, c = _intrinsics(eng, point_2d, camera_matrix, "point_2d")
    _check_broadcast(p, c, camera_matrix)
    return (p - c) / f


@register_op()
def denormalize_points_with_intrinsics(point_2d_norm: Array, camera_matrix: Array) -> Array:
    """Calibrated camera coordinates to pixels: ``u = x fx + cx``, ``v = y fy + cy``
    (inverse of :func:`normalize_points_with_intrinsics`).

    Args:
        point_2d_norm: ``(*, 2)`` normalised camera coordinates.
        camera_matrix: ``(*, 3, 3)`` intrinsics (broadcast as in the normalising function).

    Returns:
        ``(*, 2)`` pixel points.

    Example:
        >>> import numpy as np, portvision as pv
        >>> K = np.array([[100.0, 0.0, 320.0], [0.0, 200.0, 240.0], [0.0, 0.0, 1.0]])
        >>> pv.geometry.denormalize_points_with_intrinsics(np.array([[1.0, 1.0]]), K)
        array([[420., 440.]])
    """
    names = ("point_2d_norm", "camera_matrix")
    eng, (point_2d_norm, camera_matrix) = dispatch(names, point_2d_norm, camera_matrix)
    dispatch1("camera_matrix", camera_matrix)
    p, f, c = _intrinsics(eng, point_2d_norm, camera_matrix, "point_2d_norm")
    _check_broadcast(p, c, camera_matrix)
    return p * f + c


def _check_broadcast(p, c, K) -> None:
    """The principal points ``c`` (already aligned with the points) must broadcast."""
    sp, sc = shape_of(p), shape_of(c)
    for u, v in zip(sp[::-1], sc[::-1], strict=False):
        if u != v and u != 1 and v != 1:
            raise ValueError(
                f"camera_matrix: expected intrinsics broadcastable with points of shape {sp}, "
                f"got shape {shape_of(K)}"
            )
