"""Depth maps: lifting to 3D, surface normals, disparity, plane depths and depth-based warps.

Conventions (Kornia's): ``depth`` is the camera-frame ``z`` of each pixel (the Euclidean ray
length where a ``normalize_points`` flag says so); pixels ``(u, v)`` = (column, row) have
integer centres; ``camera_matrix`` is ``K = [[fx, 0, cx], [0, fy, cy], [0, 0, 1]]``.
"""

from __future__ import annotations

from typing import Any

from portvision._array import to_float
from portvision._checks import check_bool, check_choice, shape_of
from portvision._dispatch import dispatch, require_array
from portvision._registry import register_op
from portvision.filters.derivatives import spatial_gradient
from portvision.geometry.camera._common import float_pair, unit
from portvision.geometry.camera.pinhole_model import PinholeCamera, _embed, cam2pixel, pixel2cam
from portvision.geometry.conversions.coordinates import normalize_pixel_coordinates
from portvision.geometry.conversions.points import from_homogeneous, to_homogeneous
from portvision.geometry.linalg import (
    compose_transformations,
    inverse_transformation,
    transform_points,
)
from portvision.utils.grid import grid2d

Array = Any

_NUMBER = (int, float)


def _check_k(camera_matrix, name: str = "camera_matrix") -> None:
    if camera_matrix.ndim != 3 or tuple(camera_matrix.shape[-2:]) != (3, 3):
        raise ValueError(f"{name}: expected shape (B, 3, 3), got {shape_of(camera_matrix)}")


def _check_depth_map(depth, name: str = "depth") -> None:
    if depth.ndim != 4 or depth.shape[1] != 1:
        raise ValueError(f"{name}: expected shape (B, 1, H, W), got {shape_of(depth)}")


def _pixel_grid(xp, h: int, w: int, device, dtype):
    """``(1, H, W, 2)`` integer pixel centres ``(u, v)``."""
    return grid2d(xp, h, w, False, True, dtype, device)


def _rays(xp, h: int, w: int, K, normalize: bool):
    """``(B, H, W, 3)`` camera-frame rays through every pixel: ``z = 1``, or unit length."""
    uv = _pixel_grid(xp, h, w, K.device, K.dtype)  # (1, H, W, 2)
    f = xp.stack([K[:, 0, 0], K[:, 1, 1]], axis=-1)[:, None, None, :]
    c = K[:, :2, 2][:, None, None, :]
    xyz = to_homogeneous(xp, (uv - c) / f)
    return unit(xp, xyz) if normalize else xyz


@register_op()
def unproject_meshgrid(
    height: int,
    width: int,
    camera_matrix: Array,
    normalize_points: bool = False,
    device: Any = None,
    dtype: Any = None,
) -> Array:
    """The camera-frame ray through every pixel: ``((u - cx) / fx, (v - cy) / fy, 1)``.

    Multiplying by a depth map ``(B, H, W)`` gives :func:`depth_to_3d_v2` (pass the result as
    its ``xyz_grid`` to reuse it).

    Args:
        height: image height.
        width: image width.
        camera_matrix: ``(B, 3, 3)`` intrinsics.
        normalize_points: return unit rays (for depths measured along the ray).
        device: device of the result (default: ``camera_matrix``'s).
        dtype: float dtype of the result (default: ``camera_matrix``'s float dtype).

    Returns:
        ``(B, H, W, 3)`` rays.

    Example:
        >>> import numpy as np, portvision as pv
        >>> K = np.array([[[2.0, 0.0, 1.0], [0.0, 2.0, 0.5], [0.0, 0.0, 1.0]]])
        >>> pv.geometry.unproject_meshgrid(2, 3, K)[0, 1]
        array([[-0.5 ,  0.25,  1.  ],
               [ 0.  ,  0.25,  1.  ],
               [ 0.5 ,  0.25,  1.  ]])
    """
    eng, (camera_matrix,) = dispatch(("camera_matrix",), camera_matrix)
    for name, v in (("height", height), ("width", width)):
        if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
            raise ValueError(f"{name}: expected a positive integer, got {v!r}")
    _check_k(camera_matrix)
    check_bool(normalize_points, "normalize_points")
    xp = eng.xp
    K = to_float(xp, camera_matrix)
    if dtype is not None:
        K = xp.astype(K, eng.dtype(dtype))
    if device is not None:
        K = eng.to_device(K, eng.resolve_device(device))
    return _rays(xp, height, width, K, normalize_points)


@register_op()
def depth_to_3d_v2(
    depth: Array,
    camera_matrix: Array,
    normalize_points: bool = False,
    xyz_grid: Array | None = None,
) -> Array:
    """The camera-frame 3D point of every pixel, channels last.

    Args:
        depth: ``(*, H, W)`` depths.
        camera_matrix: ``(B, 3, 3)`` intrinsics (not read when ``xyz_grid`` is given).
        normalize_points: read ``depth`` as the Euclidean ray length.
        xyz_grid: ``(*, H, W, 3)`` rays from :func:`unproject_meshgrid`, or None.

    Returns:
        ``(*, H, W, 3)`` points ``((u - cx) z / fx, (v - cy) z / fy, z)``; the leading axes are
        the broadcast of ``depth``'s and the grid's.

    Example:
        >>> import numpy as np, portvision as pv
        >>> K = np.eye(3)[None].repeat(2, axis=0)
        >>> pv.geometry.depth_to_3d_v2(np.ones((4, 4)), K).shape
        (2, 4, 4, 3)
    """
    names = ("depth", "camera_matrix", "xyz_grid")
    eng, (depth, camera_matrix, xyz_grid) = dispatch(names, depth, camera_matrix, xyz_grid)
    require_array("camera_matrix", camera_matrix)
    if depth.ndim < 2:
        raise ValueError(f"depth: expected shape (*, H, W), got {shape_of(depth)}")
    check_bool(normalize_points, "normalize_points")
    xp = eng.xp
    h, w = int(depth.shape[-2]), int(depth.shape[-1])
    if xyz_grid is None:
        _check_k(camera_matrix)
        depth, K = float_pair(xp, depth, camera_matrix)
        xyz_grid = _rays(xp, h, w, K, normalize_points)
    elif xyz_grid.ndim < 3 or shape_of(xyz_grid)[-3:] != (h, w, 3):
        raise ValueError(f"xyz_grid: expected shape (*, {h}, {w}, 3), got {shape_of(xyz_grid)}")
    else:
        depth, xyz_grid = float_pair(xp, depth, xyz_grid)
    return xyz_grid * depth[..., None]


@register_op()
def depth_to_3d(depth: Array, camera_matrix: Array, normalize_points: bool = False) -> Array:
    """The camera-frame 3D point of every pixel, channels first.

    Args:
        depth: ``(B, 1, H, W)`` depths.
        camera_matrix: ``(B, 3, 3)`` intrinsics.
        normalize_points: read ``depth`` as the Euclidean ray length.

    Returns:
        ``(B, 3, H, W)`` points (:func:`depth_to_3d_v2` with the channel axis moved).

    Example:
        >>> import numpy as np, portvision as pv
        >>> K = np.array([[[2.0, 0.0, 1.0], [0.0, 2.0, 0.5], [0.0, 0.0, 1.0]]])
        >>> pv.geometry.depth_to_3d(np.full((1, 1, 2, 3), 4.0), K)[0, :, 1, 2]
        array([2., 1., 4.])
    """
    eng, (depth, camera_matrix) = dispatch(("depth", "camera_matrix"), depth, camera_matrix)
    require_array("camera_matrix", camera_matrix)
    _check_depth_map(depth)
    _check_k(camera_matrix)
    check_bool(normalize_points, "normalize_points")
    xp = eng.xp
    depth, K = float_pair(xp, depth, camera_matrix)
    rays = _rays(xp, int(depth.shape[-2]), int(depth.shape[-1]), K, normalize_points)
    return xp.permute_dims(rays, (0, 3, 1, 2)) * depth


@register_op()
def depth_to_normals(depth: Array, camera_matrix: Array, normalize_points: bool = False) -> Array:
    """Unit surface normal of every pixel: the normalised cross product of the Sobel
    derivatives (replicate border) of the 3D points along x and y.

    A fronto-parallel plane gets ``(0, 0, 1)`` (pointing away from the camera).

    Args:
        depth: ``(B, 1, H, W)`` depths, ``H, W >= 2``.
        camera_matrix: ``(B, 3, 3)`` intrinsics.
        normalize_points: read ``depth`` as the Euclidean ray length.

    Returns:
        ``(B, 3, H, W)`` unit normals.

    Example:
        >>> import numpy as np, portvision as pv
        >>> K = np.array([[[2.0, 0.0, 1.0], [0.0, 2.0, 0.5], [0.0, 0.0, 1.0]]])
        >>> pv.geometry.depth_to_normals(np.full((1, 1, 3, 3), 4.0), K)[0, :, 1, 1]
        array([0., 0., 1.])
    """
    eng, (depth, camera_matrix) = dispatch(("depth", "camera_matrix"), depth, camera_matrix)
    require_array("camera_matrix", camera_matrix)
    _check_depth_map(depth)
    _check_k(camera_matrix)
    if depth.shape[-2] < 2 or depth.shape[-1] < 2:
        raise ValueError(f"depth: expected H >= 2 and W >= 2, got shape {shape_of(depth)}")
    check_bool(normalize_points, "normalize_points")
    xp = eng.xp
    depth, K = float_pair(xp, depth, camera_matrix)
    rays = _rays(xp, int(depth.shape[-2]), int(depth.shape[-1]), K, normalize_points)
    xyz = xp.permute_dims(rays, (0, 3, 1, 2)) * depth  # (B, 3, H, W)
    grads = spatial_gradient(xyz)  # (B, 3, 2, H, W)
    a = xp.permute_dims(grads[:, :, 0, ...], (0, 2, 3, 1))
    b = xp.permute_dims(grads[:, :, 1, ...], (0, 2, 3, 1))
    cross = xp.stack(
        [
            a[..., 1] * b[..., 2] - a[..., 2] * b[..., 1],
            a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2],
            a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0],
        ],
        axis=-1,
    )
    return xp.permute_dims(unit(xp, cross), (0, 3, 1, 2))


def _camera_parameter(xp, value, name: str, disparity):
    """A number, a ``()`` / ``(1,)`` array, or a ``(B,)`` array paired with ``disparity[b]``."""
    if isinstance(value, _NUMBER) and not isinstance(value, bool):
        return value
    if isinstance(value, bool) or isinstance(value, (str, tuple, list)) or value is None:
        raise TypeError(f"{name}: expected a number or an array, got {type(value).__name__}")
    if value.ndim == 0 or shape_of(value) == (1,):
        return xp.astype(value, disparity.dtype)
    b = int(disparity.shape[0])
    if value.ndim == 1 and disparity.ndim >= 3 and value.shape[0] == b:
        return xp.reshape(xp.astype(value, disparity.dtype), (b,) + (1,) * (disparity.ndim - 1))
    raise ValueError(
        f"{name}: expected a number or shape (), (1,) or ({b},) (the disparity batch, with "
        f"disparity of rank >= 3), got {shape_of(value)}"
    )


@register_op()
def depth_from_disparity(disparity: Array, baseline: float | Array, focal: float | Array) -> Array:
    """Depth from stereo disparity: ``baseline * focal / (disparity + 1e-8)``.

    A zero disparity gives the finite far depth ``baseline * focal / 1e-8`` (Kornia's rule).

    Args:
        disparity: ``(*, H, W)`` disparities in pixels.
        baseline: distance between the cameras: a number, a ``()`` / ``(1,)`` array, or a
            ``(B,)`` array (one per ``disparity[b]``).
        focal: focal length in pixels, same forms as ``baseline``.

    Returns:
        Depths, the shape of ``disparity``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> np.round(pv.geometry.depth_from_disparity(np.full((1, 2, 2), 2.0), 0.5, 100.0), 4)
        array([[[25., 25.],
                [25., 25.]]])
    """
    names = ("disparity", "baseline", "focal")
    eng, (disparity, baseline, focal) = dispatch(names, disparity, baseline, focal)
    if disparity.ndim < 2:
        raise ValueError(f"disparity: expected shape (*, H, W), got {shape_of(disparity)}")
    xp = eng.xp
    disparity = to_float(xp, disparity)
    baseline = _camera_parameter(xp, baseline, "baseline", disparity)
    focal = _camera_parameter(xp, focal, "focal", disparity)
    return baseline * focal / (disparity + 1e-8)


@register_op()
def depth_from_plane_equation(
    plane_normals: Array,
    plane_offsets: Array,
    points_uv: Array,
    camera_matrix: Array,
    eps: float = 1e-8,
) -> Array:
    """Depth at pixels of the plane ``n . X = d`` (camera frame): ``d / (n . ray)``.

    A ray-plane dot product inside ``(-eps, eps)`` is replaced by ``+-eps`` (its sign, ``+``
    for an exact zero), so grazing rays give a large finite depth.

    Args:
        plane_normals: ``(B, 3)`` plane normals ``n``.
        plane_offsets: ``(B, 1)`` plane offsets ``d``.
        points_uv: ``(B, N, 2)`` pixels.
        camera_matrix: ``(B, 3, 3)`` intrinsics.
        eps: guard of the division.

    Returns:
        ``(B, N)`` camera-frame depths.

    Example:
        >>> import numpy as np, portvision as pv
        >>> K = np.array([[[2.0, 0.0, 1.0], [0.0, 2.0, 0.5], [0.0, 0.0, 1.0]]])
        >>> n, d = np.array([[0.0, 0.0, 1.0]]), np.array([[2.0]])
        >>> pv.geometry.depth_from_plane_equation(n, d, np.array([[[0.0, 0.0], [5.0, 3.0]]]), K)
        array([[2., 2.]])
    """
    names = ("plane_normals", "plane_offsets", "points_uv", "camera_matrix")
    eng, arrays = dispatch(names, plane_normals, plane_offsets, points_uv, camera_matrix)
    for name, a in zip(names, arrays, strict=True):
        require_array(name, a)
    plane_normals, plane_offsets, points_uv, camera_matrix = arrays
    b = int(plane_normals.shape[0]) if plane_normals.ndim else -1
    want = {
        "plane_normals": (plane_normals, (b, 3), "(B, 3)"),
        "plane_offsets": (plane_offsets, (b, 1), "(B, 1)"),
        "camera_matrix": (camera_matrix, (b, 3, 3), "(B, 3, 3)"),
    }
    for name, (a, shape, layout) in want.items():
        if shape_of(a) != shape:
            raise ValueError(f"{name}: expected shape {layout} with B = {b}, got {shape_of(a)}")
    if points_uv.ndim != 3 or points_uv.shape[-1] != 2 or points_uv.shape[0] != b:
        raise ValueError(
            f"points_uv: expected shape (B, N, 2) with B = {b}, got {shape_of(points_uv)}"
        )
    if not isinstance(eps, _NUMBER) or isinstance(eps, bool) or not eps >= 0:
        raise ValueError(f"eps: expected a non-negative number, got {eps!r}")
    xp = eng.xp
    pts, K = float_pair(xp, points_uv, camera_matrix)
    normals = xp.astype(plane_normals, pts.dtype)
    offsets = xp.astype(plane_offsets, pts.dtype)
    f = xp.stack([K[:, 0, 0], K[:, 1, 1]], axis=-1)[:, None, :]
    rays = to_homogeneous(xp, (pts - K[:, None, :2, 2]) / f)
    denom = xp.sum(rays * normals[:, None, :], axis=-1)
    signed_eps = xp.where(denom < 0, xp.full_like(denom, -eps), xp.full_like(denom, eps))
    denom = xp.where(xp.abs(denom) < eps, signed_eps, denom)
    return offsets / denom


def _project(xp, pts, K):
    """Pixels of camera-frame points ``(B, H, W, 3)`` with ``K (B, 3, 3)`` (Kornia's
    ``project_points``: no division where ``|z| <= 1e-8``)."""
    xy = from_homogeneous(xp, pts)
    f = xp.stack([K[:, 0, 0], K[:, 1, 1]], axis=-1)[:, None, None, :]
    return xy * f + K[:, :2, 2][:, None, None, :]


@register_op()
def warp_frame_depth(
    image_src: Array,
    depth_dst: Array,
    src_trans_dst: Array,
    camera_matrix: Array,
    normalize_points: bool = False,
) -> Array:
    """Resample a source image onto the destination view, given the destination depth.

    Every destination pixel is lifted with ``depth_dst``, moved by ``src_trans_dst`` into the
    source frame, projected with ``camera_matrix`` and ``image_src`` is sampled there
    (bilinear, zeros outside, ``align_corners=True``).

    Args:
        image_src: ``(B, D, H, W)`` source image.
        depth_dst: ``(B, 1, H, W)`` destination depth.
        src_trans_dst: ``(B, 4, 4)`` destination-to-source transform.
        camera_matrix: ``(B, 3, 3)`` intrinsics shared by both views.
        normalize_points: read the depth as the Euclidean ray length.

    Returns:
        ``(B, D, H, W)`` the source image seen from the destination view.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.arange(12.0).reshape(1, 1, 3, 4)
        >>> T = np.eye(4)[None]; T[0, 0, 3] = 1.0  # one unit to the right at depth 1, fx = 1
        >>> K = np.eye(3)[None]
        >>> pv.geometry.warp_frame_depth(img, np.ones((1, 1, 3, 4)), T, K)[0, 0]
        array([[ 1.,  2.,  3.,  0.],
               [ 5.,  6.,  7.,  0.],
               [ 9., 10., 11.,  0.]])
    """
    names = ("image_src", "depth_dst", "src_trans_dst", "camera_matrix")
    eng, arrays = dispatch(names, image_src, depth_dst, src_trans_dst, camera_matrix)
    for name, a in zip(names, arrays, strict=True):
        require_array(name, a)
    image_src, depth_dst, src_trans_dst, camera_matrix = arrays
    if image_src.ndim != 4:
        raise ValueError(f"image_src: expected shape (B, D, H, W), got {shape_of(image_src)}")
    _check_depth_map(depth_dst, "depth_dst")
    b, h, w = int(image_src.shape[0]), int(image_src.shape[-2]), int(image_src.shape[-1])
    if shape_of(depth_dst) != (b, 1, h, w):
        raise ValueError(
            f"depth_dst: expected shape {(b, 1, h, w)} (the batch and size of image_src), "
            f"got {shape_of(depth_dst)}"
        )
    if shape_of(src_trans_dst) != (b, 4, 4):
        raise ValueError(
            f"src_trans_dst: expected shape {(b, 4, 4)}, got {shape_of(src_trans_dst)}"
        )
    if shape_of(camera_matrix) != (b, 3, 3):
        raise ValueError(
            f"camera_matrix: expected shape {(b, 3, 3)}, got {shape_of(camera_matrix)}"
        )
    check_bool(normalize_points, "normalize_points")
    xp = eng.xp
    image = to_float(xp, image_src)
    depth, K = float_pair(xp, depth_dst, camera_matrix)
    pts = _rays(xp, h, w, K, normalize_points) * xp.permute_dims(depth, (0, 2, 3, 1))
    pts = transform_points(xp.astype(src_trans_dst, pts.dtype), pts)
    grid = normalize_pixel_coordinates(_project(xp, pts, K), h, w)
    image, grid = float_pair(xp, image, grid)
    return eng.grid_sample(image, grid, "bilinear", "zeros", True)


class DepthWarper:
    """Warp a destination image into the source view given the source depth (Kornia's
    ``DepthWarper``; note the naming is the reverse of :func:`warp_frame_depth`).

    Call :meth:`compute_projection_matrix` with the source camera first; the warper then
    samples ``patch_dst`` where the source pixels, lifted with ``depth_src``, project in the
    destination camera: ``P = K_dst E_dst E_src^-1``.

    Args:
        pinhole_dst: the destination :class:`PinholeCamera`.
        height: image height.
        width: image width.
        mode: ``"bilinear" | "nearest"``.
        padding_mode: ``"zeros" | "border" | "reflection"``.
        align_corners: sampling convention (default True).

    Example:
        >>> import numpy as np, portvision as pv
        >>> K = np.array([[[2.0, 0, 2, 0], [0, 2.0, 1.5, 0], [0, 0, 1, 0], [0, 0, 0, 1]]])
        >>> h, w = np.array([4.0]), np.array([5.0])
        >>> cam_dst = pv.geometry.PinholeCamera(K, np.eye(4)[None], h, w)
        >>> cam_src = pv.geometry.PinholeCamera(K, np.eye(4)[None], h, w)
        >>> warper = pv.geometry.DepthWarper(cam_dst, 4, 5).compute_projection_matrix(cam_src)
        >>> img = np.random.default_rng(0).random((1, 3, 4, 5))
        >>> bool(np.allclose(warper(np.ones((1, 1, 4, 5)), img), img))
        True
    """

    def __init__(
        self,
        pinhole_dst: PinholeCamera,
        height: int,
        width: int,
        mode: str = "bilinear",
        padding_mode: str = "zeros",
        align_corners: bool = True,
    ) -> None:
        if not isinstance(pinhole_dst, PinholeCamera):
            raise TypeError(
                f"pinhole_dst: expected a PinholeCamera, got {type(pinhole_dst).__name__}"
            )
        for name, v in (("height", height), ("width", width)):
            if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
                raise ValueError(f"{name}: expected a positive integer, got {v!r}")
        check_choice(mode, "mode", ("bilinear", "nearest"))
        check_choice(padding_mode, "padding_mode", ("zeros", "border", "reflection"))
        check_bool(align_corners, "align_corners")
        self.width = width
        self.height = height
        self.mode = mode
        self.padding_mode = padding_mode
        self.align_corners = align_corners
        self.eps = 1e-6
        self._pinhole_dst = pinhole_dst
        self._pinhole_src: PinholeCamera | None = None
        self._dst_proj_src = None
        xp = pinhole_dst._eng.xp
        k = to_float(xp, pinhole_dst.intrinsics)
        #: ``(1, H, W, 3)`` homogeneous integer pixel centres ``(u, v, 1)``
        self.grid = to_homogeneous(xp, _pixel_grid(xp, height, width, k.device, k.dtype))

    def compute_projection_matrix(self, pinhole_src: PinholeCamera) -> DepthWarper:
        """Store ``K_dst E_dst E_src^-1`` for the source camera ``pinhole_src``; returns self."""
        if not isinstance(pinhole_src, PinholeCamera):
            raise TypeError(
                f"pinhole_src: expected a PinholeCamera, got {type(pinhole_src).__name__}"
            )
        dst = self._pinhole_dst
        xp = dst._eng.xp
        dst_trans_src = compose_transformations(
            dst.extrinsics, inverse_transformation(pinhole_src.extrinsics)
        )
        k_dst = _embed(xp, to_float(xp, dst.camera_matrix))
        k_dst, dst_trans_src = float_pair(xp, k_dst, dst_trans_src)
        self._pinhole_src = pinhole_src
        self._dst_proj_src = k_dst @ dst_trans_src
        return self

    def _require_projection(self, error=ValueError):
        if self._dst_proj_src is None or self._pinhole_src is None:
            raise error("DepthWarper: call compute_projection_matrix(pinhole_src) first")

    def compute_subpixel_step(self) -> Array:
        """The inverse-depth step that moves the projected image centre by half a pixel
        (the smallest over the batch), for sub-pixel sampling of a depth cost volume."""
        self._require_projection(RuntimeError)
        proj = self._dst_proj_src
        xp = self._pinhole_dst._eng.xp
        delta = 0.01
        cx, cy = self.width / 2, self.height / 2
        pts = xp.asarray(
            [[cx, cx], [cy, cy], [1.0 - delta, 1.0 + delta], [1.0, 1.0]],
            dtype=proj.dtype,
            device=proj.device,
        )
        flow = proj @ pts  # (B, 4, 2)
        xy = flow[:, :2, :] / flow[:, 2:3, :]
        diff = xy[:, :, 1] - xy[:, :, 0]
        dxy = xp.sqrt(xp.sum(diff * diff, axis=-1)) / 2.0
        return xp.min(0.5 / (dxy / delta))

    def warp_grid(self, depth_src: Array) -> Array:
        """``(B, H, W, 2)`` sampling positions in the destination image (normalised,
        ``align_corners=True``) of the source pixels lifted with ``depth_src (B, 1, H, W)``."""
        self._require_projection()
        require_array("depth_src", depth_src)
        _check_depth_map(depth_src, "depth_src")
        xp = self._pinhole_dst._eng.xp
        b = int(depth_src.shape[0])
        depth = to_float(xp, depth_src)  # the grid takes the depth's dtype, as Kornia
        k_inv = xp.astype(self._pinhole_src.intrinsics_inverse(), depth.dtype)
        grid = xp.broadcast_to(xp.astype(self.grid, depth.dtype), (b,) + tuple(self.grid.shape[1:]))
        cam = pixel2cam(depth, k_inv, grid)
        pix = cam2pixel(cam, xp.astype(self._dst_proj_src, depth.dtype))
        return normalize_pixel_coordinates(pix, self.height, self.width)

    def forward(self, depth_src: Array, patch_dst: Array) -> Array:
        """Sample ``patch_dst (B, C, H, W)`` at :meth:`warp_grid` of ``depth_src``."""
        eng = self._pinhole_dst._eng
        require_array("patch_dst", patch_dst)
        if patch_dst.ndim != 4:
            raise ValueError(f"patch_dst: expected shape (B, C, H, W), got {shape_of(patch_dst)}")
        grid = self.warp_grid(depth_src)
        image, grid = float_pair(eng.xp, patch_dst, grid)
        return eng.grid_sample(image, grid, self.mode, self.padding_mode, self.align_corners)

    __call__ = forward


__all__ = [
    "DepthWarper",
    "depth_from_disparity",
    "depth_from_plane_equation",
    "depth_to_3d",
    "depth_to_3d_v2",
    "depth_to_normals",
    "unproject_meshgrid",
    "warp_frame_depth",
]
