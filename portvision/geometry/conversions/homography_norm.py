"""Pixel <-> ``[-1, 1]`` normalisation matrices and (de)normalisation of homographies
(2D ``(B, 3, 3)`` and 3D ``(B, 4, 4)``)."""

from __future__ import annotations

import warnings

from portvision._checks import check_bool, check_sizes, dtype_name
from portvision._dispatch import dispatch1, factory
from portvision._registry import register_op
from portvision.geometry.conversions._common import Array, check_matrix, check_size
from portvision.geometry.conversions.coordinates import axis_scale

__all__ = [
    "denormalize_homography",
    "denormalize_homography3d",
    "normal_transform_pixel",
    "normal_transform_pixel3d",
    "normalize_homography",
    "normalize_homography3d",
]


def _axis(n: int, align_corners: bool) -> tuple[float, float]:
    """``(scale, offset)`` of one axis: corner-aligned, or half-pixel (``(2x + 1) / n - 1``)."""
    return axis_scale(n) if align_corners else (2.0 / n, (1.0 - n) / n)


def _matrix_values(sizes_xyz, align_corners: bool, inverse: bool) -> list[list[float]]:
    """Rows of the diagonal-plus-offset matrix for axes ``(x, y[, z])``, or of its inverse
    (computed in closed form: no linear solve)."""
    st = [_axis(n, align_corners) for n in sizes_xyz]
    if inverse:
        st = [(1.0 / s, -t / s) for s, t in st]
    n = len(st)
    rows = [[s if j == i else 0.0 for j in range(n)] + [t] for i, (s, t) in enumerate(st)]
    return rows + [[0.0] * n + [1.0]]


def _normal_matrix(xp, like, sizes_xyz, align_corners: bool, inverse: bool = False):
    """The ``(1, n+1, n+1)`` normalisation matrix on ``like``'s dtype and device."""
    vals = _matrix_values(sizes_xyz, align_corners, inverse)
    return xp.asarray([vals], dtype=like.dtype, device=like.device)


def _float_dtype(eng, dtype):
    dt = eng.dtype(dtype)
    if not eng.xp.isdtype(dt, "real floating"):
        raise TypeError(f"dtype: expected a real floating dtype, got {dtype!r}")
    return dt


def _factory_matrix(sizes_xyz, align_corners, device, dtype):
    eng, dev = factory()
    if device is not None:
        dev = eng.resolve_device(device)
    dt = _float_dtype(eng, dtype)
    vals = _matrix_values(sizes_xyz, align_corners, inverse=False)
    return eng.xp.asarray([vals], dtype=dt, device=dev)


@register_op(factory=True, differentiable=False)
def normal_transform_pixel(
    height: int,
    width: int,
    eps: float = 1e-14,
    device=None,
    dtype=None,
    align_corners: bool = True,
) -> Array:
    """The matrix mapping pixel ``(x, y, 1)`` to normalised ``[-1, 1]`` coordinates.

    ``align_corners=True``: scale ``2 / (size - 1)``, offset ``-1`` (a length-1 axis: scale
    1, offset 0); ``False``: the half-pixel map ``(2 x + 1) / size - 1``.

    Args:
        height: image height (scales ``y``).
        width: image width (scales ``x``).
        eps: deprecated and ignored, as in Kornia 0.9.
        device: device of the result (default: the engine's).
        dtype: float dtype of the result (default float32).
        align_corners: the ``grid_sample`` convention of the normalised frame.

    Returns:
        ``(1, 3, 3)`` matrix on the current engine (NumPy outside ``use_backend``).

    Example:
        >>> import numpy as np, portvision as pv
        >>> np.round(pv.geometry.normal_transform_pixel(4, 5), 4)
        array([[[ 0.5   ,  0.    , -1.    ],
                [ 0.    ,  0.6667, -1.    ],
                [ 0.    ,  0.    ,  1.    ]]], dtype=float32)
    """
    sizes = (check_size(width, "width"), check_size(height, "height"))
    check_bool(align_corners, "align_corners")
    if eps != 1e-14:
        warnings.warn(
            "`eps` is deprecated and ignored by `normal_transform_pixel`.", FutureWarning, 2
        )
    return _factory_matrix(sizes, align_corners, device, dtype)


@register_op(factory=True, differentiable=False)
def normal_transform_pixel3d(
    depth: int, height: int, width: int, eps: float = 1e-14, device=None, dtype=None
) -> Array:
    """The matrix mapping voxel ``(x, y, z, 1)`` to normalised ``[-1, 1]`` coordinates
    (corner-aligned, as Kornia: no ``align_corners`` parameter).

    Args:
        depth: volume depth (scales ``z``).
        height: volume height (scales ``y``).
        width: volume width (scales ``x``).
        eps: deprecated and ignored.
        device: device of the result.
        dtype: float dtype of the result (default float32).

    Returns:
        ``(1, 4, 4)`` matrix.

    Example:
        >>> import numpy as np, portvision as pv
        >>> np.round(pv.geometry.normal_transform_pixel3d(2, 4, 5), 4)[0]
        array([[ 0.5   ,  0.    ,  0.    , -1.    ],
               [ 0.    ,  0.6667,  0.    , -1.    ],
               [ 0.    ,  0.    ,  2.    , -1.    ],
               [ 0.    ,  0.    ,  0.    ,  1.    ]], dtype=float32)
    """
    sizes = (check_size(width, "width"), check_size(height, "height"), check_size(depth, "depth"))
    if eps != 1e-14:
        warnings.warn(
            "`eps` is deprecated and ignored by `normal_transform_pixel3d`.", FutureWarning, 2
        )
    return _factory_matrix(sizes, True, device, dtype)


def _homography_input(name: str, H, n: int):
    eng, H = dispatch1(name, H)
    layout = f"({n}, {n}) or (B, {n}, {n})"
    check_matrix(H, name, n, n, (2, 3), layout)
    xp = eng.xp
    if not xp.isdtype(H.dtype, "real floating"):
        raise TypeError(f"{name}: expected a real floating dtype, got {dtype_name(H.dtype)}")
    return eng, (H[None, ...] if H.ndim == 2 else H)


def _rescale(name, H, dsize_src, dsize_dst, n, align_corners, normalize):
    """``N_dst @ H @ inv(N_src)`` (normalize) or ``inv(N_dst) @ H @ N_src``."""
    eng, H = _homography_input(name, H, n + 1)
    src = check_sizes(dsize_src, n, "dsize_src")[::-1]  # (h, w) -> (x: w, y: h[, z: d])
    dst = check_sizes(dsize_dst, n, "dsize_dst")[::-1]
    check_bool(align_corners, "align_corners")
    xp = eng.xp
    left = _normal_matrix(xp, H, dst, align_corners, inverse=not normalize)
    right = _normal_matrix(xp, H, src, align_corners, inverse=normalize)
    return left @ (H @ right)


@register_op()
def normalize_homography(
    dst_pix_trans_src_pix: Array,
    dsize_src: tuple[int, int],
    dsize_dst: tuple[int, int],
    align_corners: bool = True,
) -> Array:
    """Re-express a pixel homography (source -> destination) in normalised coordinates.

    Computes ``N_dst @ H @ inv(N_src)`` with ``N`` the :func:`normal_transform_pixel`
    matrices; the inverse is formed in closed form.

    Args:
        dst_pix_trans_src_pix: ``(B, 3, 3)`` or ``(3, 3)`` float homographies.
        dsize_src: source size ``(height, width)``.
        dsize_dst: destination size ``(height, width)``.
        align_corners: the convention of the normalised frames (must match the
            ``grid_sample`` call that consumes the result).

    Returns:
        ``(B, 3, 3)`` normalised homographies (``(1, 3, 3)`` for an unbatched input).

    Example:
        >>> import numpy as np, portvision as pv
        >>> H = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
        >>> pv.geometry.normalize_homography(H, (5, 5), (5, 5))[0]
        array([[1., 0., 1.],
               [0., 1., 0.],
               [0., 0., 1.]])
    """
    H = dst_pix_trans_src_pix
    return _rescale("dst_pix_trans_src_pix", H, dsize_src, dsize_dst, 2, align_corners, True)


@register_op()
def denormalize_homography(
    dst_pix_trans_src_pix: Array,
    dsize_src: tuple[int, int],
    dsize_dst: tuple[int, int],
    align_corners: bool = True,
) -> Array:
    """Re-express a normalised homography in pixels: ``inv(N_dst) @ H @ N_src`` (inverse of
    :func:`normalize_homography`).

    Args:
        dst_pix_trans_src_pix: ``(B, 3, 3)`` or ``(3, 3)`` normalised homographies.
        dsize_src: source size ``(height, width)``.
        dsize_dst: destination size ``(height, width)``.
        align_corners: the convention of the normalised frames.

    Returns:
        ``(B, 3, 3)`` pixel homographies.

    Example:
        >>> import numpy as np, portvision as pv
        >>> H = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
        >>> pv.geometry.denormalize_homography(H, (5, 5), (5, 5))[0]
        array([[1., 0., 2.],
               [0., 1., 0.],
               [0., 0., 1.]])
    """
    H = dst_pix_trans_src_pix
    return _rescale("dst_pix_trans_src_pix", H, dsize_src, dsize_dst, 2, align_corners, False)


@register_op()
def normalize_homography3d(
    dst_pix_trans_src_pix: Array,
    dsize_src: tuple[int, int, int],
    dsize_dst: tuple[int, int, int],
) -> Array:
    """3D :func:`normalize_homography`: ``N_dst @ H @ inv(N_src)`` with the corner-aligned
    :func:`normal_transform_pixel3d` matrices (acting on ``(x, y, z, 1)``).

    Args:
        dst_pix_trans_src_pix: ``(B, 4, 4)`` or ``(4, 4)`` float homographies.
        dsize_src: source size ``(depth, height, width)``.
        dsize_dst: destination size ``(depth, height, width)``.

    Returns:
        ``(B, 4, 4)`` normalised homographies.

    Example:
        >>> import numpy as np, portvision as pv
        >>> H = np.eye(4); H[2, 3] = 1.0  # shift z by one voxel
        >>> pv.geometry.normalize_homography3d(H, (3, 5, 5), (3, 5, 5))[0, :3, 3]
        array([0., 0., 1.])
    """
    return _rescale(
        "dst_pix_trans_src_pix", dst_pix_trans_src_pix, dsize_src, dsize_dst, 3, True, True
    )


@register_op()
def denormalize_homography3d(
    dst_pix_trans_src_pix: Array,
    dsize_src: tuple[int, int, int],
    dsize_dst: tuple[int, int, int],
) -> Array:
    """3D :func:`denormalize_homography`: ``inv(N_dst) @ H @ N_src``.

    Args:
        dst_pix_trans_src_pix: ``(B, 4, 4)`` or ``(4, 4)`` normalised homographies.
        dsize_src: source size ``(depth, height, width)``.
        dsize_dst: destination size ``(depth, height, width)``.

    Returns:
        ``(B, 4, 4)`` voxel homographies.

    Example:
        >>> import numpy as np, portvision as pv
        >>> H = np.eye(4); H[2, 3] = 1.0
        >>> pv.geometry.denormalize_homography3d(H, (3, 5, 5), (3, 5, 5))[0, :3, 3]
        array([0., 0., 1.])
    """
    return _rescale(
        "dst_pix_trans_src_pix", dst_pix_trans_src_pix, dsize_src, dsize_dst, 3, True, False
    )
