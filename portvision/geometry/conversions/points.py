"""Homogeneous coordinates: points to and from homogeneous form, affine matrices to
homographies."""

from __future__ import annotations

from portvision._dispatch import dispatch1
from portvision._registry import register_op
from portvision.geometry.conversions._common import Array, check_last, check_matrix

__all__ = [
    "convert_affinematrix_to_homography",
    "convert_affinematrix_to_homography3d",
    "convert_points_from_homogeneous",
    "convert_points_to_homogeneous",
]


def _check_eps(eps) -> None:
    if not isinstance(eps, (int, float)) or isinstance(eps, bool) or not eps >= 0:
        raise ValueError(f"eps: expected a non-negative number, got {eps!r}")


def from_homogeneous(xp, points, eps: float = 1e-8):
    """Drop the last coordinate ``w`` after dividing by it where ``|w| > eps``.

    Where ``|w| <= eps`` the other coordinates are returned unchanged (OpenCV's rule);
    the divisor is made safe before the division so gradients stay finite.
    """
    w = points[..., -1:]
    ok = xp.abs(w) > eps
    one = xp.ones_like(w)
    scale = xp.where(ok, 1.0 / xp.where(ok, w, one), one)
    return scale * points[..., :-1]


def to_homogeneous(xp, points):
    """Append a coordinate 1 along the last axis."""
    return xp.concat([points, xp.ones_like(points[..., :1])], axis=-1)


@register_op()
def convert_points_from_homogeneous(points: Array, eps: float = 1e-8) -> Array:
    """Convert points from homogeneous to Euclidean coordinates.

    The last coordinate ``w`` is dropped after dividing the others by it (sign kept).
    Where ``|w| <= eps`` the other coordinates are returned unchanged, following OpenCV;
    ``eps`` only chooses the branch and never enters the division.

    Args:
        points: ``(*, N, D)`` homogeneous points (at least 2 axes).
        eps: threshold on ``|w|`` below which a point is not divided.

    Returns:
        ``(*, N, D - 1)`` Euclidean points.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pts = np.array([[2.0, 4.0, -2.0], [2.0, 4.0, 0.0]])
        >>> pv.geometry.convert_points_from_homogeneous(pts)
        array([[-1., -2.],
               [ 2.,  4.]])
    """
    eng, points = dispatch1("points", points)
    check_last(points, "points", range(1, 1 << 62), "(*, N, D)", min_ndim=2)
    _check_eps(eps)
    xp = eng.xp
    if not xp.isdtype(points.dtype, "real floating"):
        points = xp.astype(points, xp.float32)
    return from_homogeneous(xp, points, eps)


@register_op()
def convert_points_to_homogeneous(points: Array) -> Array:
    """Convert points from Euclidean to homogeneous coordinates by appending a 1.

    Args:
        points: ``(*, N, D)`` points (at least 2 axes); the dtype is kept, integers included.

    Returns:
        ``(*, N, D + 1)`` homogeneous points.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.convert_points_to_homogeneous(np.array([[0.0, 0.0], [1.0, 2.0]]))
        array([[0., 0., 1.],
               [1., 2., 1.]])
    """
    eng, points = dispatch1("points", points)
    check_last(points, "points", range(0, 1 << 62), "(*, N, D)", min_ndim=2)
    return to_homogeneous(eng.xp, points)


def _affine_to_homography(xp, A):
    """Append the row ``[0, ..., 0, 1]`` below a ``(B, n, n + 1)`` affine matrix."""
    n = A.shape[-2]
    row = xp.concat([xp.zeros_like(A[..., :1, :n]), xp.ones_like(A[..., :1, n:])], axis=-1)
    return xp.concat([A, row], axis=-2)


@register_op()
def convert_affinematrix_to_homography(A: Array) -> Array:
    """Append the row ``[0, 0, 1]`` to a batch of 2D affine matrices.

    Args:
        A: ``(B, 2, 3)`` affine matrices (the batch axis is required, as in Kornia).

    Returns:
        ``(B, 3, 3)`` homographies.

    Example:
        >>> import numpy as np, portvision as pv
        >>> A = np.array([[[1.0, 0.0, 5.0], [0.0, 1.0, 6.0]]])
        >>> pv.geometry.convert_affinematrix_to_homography(A)
        array([[[1., 0., 5.],
                [0., 1., 6.],
                [0., 0., 1.]]])
    """
    eng, A = dispatch1("A", A)
    check_matrix(A, "A", 2, 3, (3,), "(B, 2, 3)")
    return _affine_to_homography(eng.xp, A)


@register_op()
def convert_affinematrix_to_homography3d(A: Array) -> Array:
    """Append the row ``[0, 0, 0, 1]`` to a batch of 3D affine matrices.

    Args:
        A: ``(B, 3, 4)`` affine matrices.

    Returns:
        ``(B, 4, 4)`` homographies.

    Example:
        >>> import numpy as np, portvision as pv
        >>> A = np.concatenate([np.eye(3), np.ones((3, 1))], axis=1)[None]
        >>> pv.geometry.convert_affinematrix_to_homography3d(A)[0]
        array([[1., 0., 0., 1.],
               [0., 1., 0., 1.],
               [0., 0., 1., 1.],
               [0., 0., 0., 1.]])
    """
    eng, A = dispatch1("A", A)
    check_matrix(A, "A", 3, 4, (3,), "(B, 3, 4)")
    return _affine_to_homography(eng.xp, A)
