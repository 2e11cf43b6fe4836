"""Thin-plate splines: ``get_tps_transform``, ``warp_points_tps``, ``warp_image_tps``.

A TPS maps a point ``v`` to ``f(v) = a_0 + a_x v_x + a_y v_y + sum_i w_i U(|v - c_i|)`` per
output coordinate, with the radial basis ``U(r) = r^2 log r`` (``U(0) = 0``) centred on the
kernel centres ``c_i``.  As Kornia, :func:`get_tps_transform` builds the kernel matrix between
its *first* argument (where the function is evaluated) and its *second* argument (the kernel
centres), and asks ``f(points_src) = points_dst``.
"""

from __future__ import annotations

from typing import Any

from portvision._array import to_float
from portvision._checks import check_choice, image_batch, shape_of
from portvision._dispatch import dispatch, require_array
from portvision._registry import register_op
from portvision.utils.grid import grid2d

Array = Any

_PADDINGS = ("zeros", "border", "reflection")


def _check_points(x, name: str, batch=None) -> None:
    if x.ndim != 3 or x.shape[-1] != 2 or (batch is not None and x.shape[0] not in (1, batch)):
        want = "(B, N, 2)" if batch is None else f"(B, N, 2) with B = 1 or {batch}"
        raise ValueError(f"{name}: expected shape {want}, got {shape_of(x)}")


def _pair_sq_dist(xp, a, b):
    """``(B, N, M)`` squared distances between ``a (B, N, 2)`` and ``b (B, M, 2)``.

    Written as ``|a|^2 + |b|^2 - 2 a.b`` (one matmul, as Kornia), clipped at 0 against
    round-off.
    """
    a2 = xp.sum(a * a, axis=-1)[..., :, None]
    b2 = xp.sum(b * b, axis=-1)[..., None, :]
    ab = a @ xp.matrix_transpose(b)
    return xp.clip(a2 + b2 - 2.0 * ab, min=0.0)


def _radial(xp, d2):
    """``U = r^2 log r = 0.5 d2 log d2`` with ``U(0) = 0`` (log guarded before it runs)."""
    pos = d2 > 0
    safe = xp.where(pos, d2, xp.ones_like(d2))
    return xp.where(pos, 0.5 * d2 * xp.log(safe), xp.zeros_like(d2))


def _tps_solve(xp, src, dst):
    b, n = int(src.shape[0]), int(src.shape[1])
    kmat = _radial(xp, _pair_sq_dist(xp, src, dst))  # (B, N, N)
    p = xp.concat([xp.ones_like(src[..., :1]), src], axis=-1)  # (B, N, 3)
    zeros33 = xp.zeros((b, 3, 3), dtype=src.dtype, device=src.device)
    top = xp.concat([kmat, p], axis=-1)
    bottom = xp.concat([xp.matrix_transpose(p), zeros33], axis=-1)
    lmat = xp.concat([top, bottom], axis=-2)  # (B, N + 3, N + 3)
    rhs = xp.concat([dst, zeros33[:, :, :2]], axis=-2)  # (B, N + 3, 2)
    weights = xp.linalg.solve(lmat, rhs)
    return weights[:, :n, :], weights[:, n:, :]


def _tps_apply(xp, pts, centers, kernel_weights, affine_weights):
    kmat = _radial(xp, _pair_sq_dist(xp, pts, centers))  # (B, N, K)
    out = kmat @ kernel_weights + pts @ affine_weights[:, 1:, :]
    return out + affine_weights[:, :1, :]


@register_op()
def get_tps_transform(points_src: Array, points_dst: Array) -> tuple[Array, Array]:
    """Solve the thin-plate spline that sends ``points_src`` onto ``points_dst``.

    Args:
        points_src: ``(B, N, 2)`` source points ``(x, y)``.
        points_dst: ``(B, N, 2)`` target points ``(x, y)``; they are also the kernel centres
            to pass to :func:`warp_points_tps` / :func:`warp_image_tps` with these weights.

    Returns:
        ``(kernel_weights (B, N, 2), affine_weights (B, 3, 2))``; column 0 holds the weights of
        the x output, column 1 those of y. The identity map gives zero kernel weights and the
        identity affine part. Points in degenerate position (all on a line) give a singular
        system.

    Example:
        >>> import numpy as np, portvision as pv
        >>> src = np.array([[[0., 0.], [1., 0.], [0., 1.], [1., 1.], [0.5, 0.3]]])
        >>> dst = src + np.array([[[0., 0.], [0., 0.], [0., 0.], [0., 0.], [0.1, 0.]]])
        >>> kw, aw = pv.geometry.get_tps_transform(src, dst)
        >>> kw.shape, aw.shape
        ((1, 5, 2), (1, 3, 2))
        >>> np.allclose(pv.geometry.warp_points_tps(src, dst, kw, aw), dst)
        True
    """
    eng, (points_src, points_dst) = dispatch(("points_src", "points_dst"), points_src, points_dst)
    _check_points(points_src, "points_src")
    require_array("points_dst", points_dst)
    if shape_of(points_dst) != shape_of(points_src):
        raise ValueError(
            f"points_dst: expected the shape of points_src {shape_of(points_src)}, "
            f"got {shape_of(points_dst)}"
        )
    xp = eng.xp
    src = to_float(xp, points_src)
    return _tps_solve(xp, src, xp.astype(points_dst, src.dtype))


def _check_weights(kernel_centers, kernel_weights, affine_weights, batch) -> None:
    require_array("kernel_centers", kernel_centers)
    require_array("kernel_weights", kernel_weights)
    require_array("affine_weights", affine_weights)
    _check_points(kernel_centers, "kernel_centers", batch)
    if kernel_weights.ndim != 3 or shape_of(kernel_weights)[1:] != shape_of(kernel_centers)[1:]:
        raise ValueError(
            f"kernel_weights: expected shape (B, K, 2) with K = {int(kernel_centers.shape[1])} "
            f"(the kernel centres'), got {shape_of(kernel_weights)}"
        )
    if affine_weights.ndim != 3 or shape_of(affine_weights)[1:] != (3, 2):
        raise ValueError(
            f"affine_weights: expected shape (B, 3, 2), got {shape_of(affine_weights)}"
        )
    for name, w in (("kernel_weights", kernel_weights), ("affine_weights", affine_weights)):
        if w.shape[0] not in (1, batch):
            raise ValueError(f"{name}: expected a batch of 1 or {batch}, got {shape_of(w)}")


@register_op()
def warp_points_tps(
    points_src: Array, kernel_centers: Array, kernel_weights: Array, affine_weights: Array
) -> Array:
    """Apply a thin-plate spline to points.

    Args:
        points_src: ``(B, N, 2)`` points ``(x, y)`` to map.
        kernel_centers: ``(B, K, 2)`` kernel centres: the *second* argument given to
            :func:`get_tps_transform`.
        kernel_weights: ``(B, K, 2)`` kernel weights from :func:`get_tps_transform`.
        affine_weights: ``(B, 3, 2)`` affine weights from :func:`get_tps_transform`.

    Returns:
        ``(B, N, 2)`` mapped points, in the frame of the control points (nothing is clamped).

    Example:
        >>> import numpy as np, portvision as pv
        >>> pts = np.array([[[0.2, 0.7], [3.0, -1.0]]])
        >>> centers = np.zeros((1, 4, 2))
        >>> aw = np.array([[[1.0, 2.0], [1.0, 0.0], [0.0, 1.0]]])  # a translation by (1, 2)
        >>> pv.geometry.warp_points_tps(pts, centers, np.zeros((1, 4, 2)), aw)
        array([[[1.2, 2.7],
                [4. , 1. ]]])
    """
    names = ("points_src", "kernel_centers", "kernel_weights", "affine_weights")
    eng, (points_src, kernel_centers, kernel_weights, affine_weights) = dispatch(
        names, points_src, kernel_centers, kernel_weights, affine_weights
    )
    _check_points(points_src, "points_src")
    _check_weights(kernel_centers, kernel_weights, affine_weights, int(points_src.shape[0]))
    xp = eng.xp
    pts = to_float(xp, points_src)
    centers, kw, aw = (
        xp.astype(a, pts.dtype) for a in (kernel_centers, kernel_weights, affine_weights)
    )
    return _tps_apply(xp, pts, centers, kw, aw)


def _normalized_grid(xp, h, w, align_corners, dtype, device):
    """``(H * W, 2)`` pixel centres ``(x, y)`` in ``grid_sample``'s normalised frame, row-major."""
    return xp.reshape(grid2d(xp, h, w, True, align_corners, dtype, device), (h * w, 2))


@register_op()
def warp_image_tps(
    image: Array,
    kernel_centers: Array,
    kernel_weights: Array,
    affine_weights: Array,
    align_corners: bool = False,
    padding_mode: str = "zeros",
) -> Array:
    """Warp an image with a thin-plate spline mapping *output* pixels to *input* positions.

    Each output pixel centre, in ``grid_sample``'s normalised frame (``(2x + 1) / W - 1`` for
    ``align_corners=False``, ``2x / (W - 1) - 1`` for True), is mapped by the spline and the
    image is sampled bilinearly there. Build the weights reversed:
    ``get_tps_transform(points_dst, points_src)`` with ``kernel_centers=points_src``, all in that
    normalised frame.

    Args:
        image: ``(B, C, H, W)`` (or ``(C, H, W)``) image.
        kernel_centers: ``(B, K, 2)`` kernel centres.
        kernel_weights: ``(B, K, 2)`` kernel weights.
        affine_weights: ``(B, 3, 2)`` affine weights.
        align_corners: normalised-coordinate convention of the sampling.
        padding_mode: ``"zeros" | "border" | "reflection"``.

    Returns:
        The warped image, shape and float dtype of ``image``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.random.default_rng(0).random((1, 1, 4, 5))
        >>> pts = np.array([[[-1., -1.], [1., -1.], [-1., 1.], [1., 1.], [0., 0.2]]])
        >>> kw, aw = pv.geometry.get_tps_transform(pts, pts)
        >>> np.allclose(pv.geometry.warp_image_tps(img, pts, kw, aw), img)
        True
    """
    names = ("image", "kernel_centers", "kernel_weights", "affine_weights")
    eng, (image, kernel_centers, kernel_weights, affine_weights) = dispatch(
        names, image, kernel_centers, kernel_weights, affine_weights
    )
    if image.ndim not in (3, 4):
        raise ValueError(f"image: expected shape (B, C, H, W) or (C, H, W), got {shape_of(image)}")
    x, unbatched = image_batch(eng, image)
    b, _, h, w = (int(s) for s in x.shape)
    _check_weights(kernel_centers, kernel_weights, affine_weights, b)
    if not isinstance(align_corners, bool):
        raise TypeError(f"align_corners: expected a bool, got {type(align_corners).__name__}")
    check_choice(padding_mode, "padding_mode", _PADDINGS)
    xp = eng.xp
    centers, kw, aw = (
        xp.astype(a, x.dtype) for a in (kernel_centers, kernel_weights, affine_weights)
    )
    coords = _normalized_grid(xp, h, w, align_corners, x.dtype, x.device)
    coords = xp.broadcast_to(coords[None, ...], (b, h * w, 2))
    grid = xp.reshape(_tps_apply(xp, coords, centers, kw, aw), (b, h, w, 2))
    out = eng.grid_sample(x, grid, "bilinear", padding_mode, align_corners)
    return out[0, ...] if unbatched else out


__all__ = ["get_tps_transform", "warp_image_tps", "warp_points_tps"]
