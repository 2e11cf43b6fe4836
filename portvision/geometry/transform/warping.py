"""Image warps through ``grid_sample``: ``warp_affine``, ``warp_perspective``, their 3D forms,
``warp_grid`` / ``warp_grid3d``, ``homography_warp`` and ``remap``.

Conventions (Kornia's): matrices given to ``warp_affine`` / ``warp_perspective`` (and the 3D
forms) map source pixels to destination pixels; they are moved to normalised coordinates
(``normalize_homography``), inverted, and every destination pixel samples the source at the
inverse image of its position.  ``homography_warp`` and ``warp_grid`` take destination ->
source homographies.  A homography and any nonzero multiple of it are the same warp: the
matrix is first divided by a scale near its entries' magnitude (no gradient through that
scale), so the ``1e-8`` homogeneous guard does not depend on the caller's scaling.
"""

from __future__ import annotations

from typing import Any

from portvision._array import to_float
from portvision._checks import (
    check_bool,
    check_choice,
    check_rank,
    check_sizes,
    dtype_name,
    shape_of,
)
from portvision._dispatch import dispatch
from portvision._registry import register_op
from portvision.geometry.conversions.homography_norm import _normal_matrix
from portvision.geometry.conversions.points import from_homogeneous
from portvision.utils.grid import grid2d, grid3d

Array = Any

__all__ = [
    "homography_warp",
    "homography_warp3d",
    "remap",
    "warp_affine",
    "warp_affine3d",
    "warp_grid",
    "warp_grid3d",
    "warp_perspective",
    "warp_perspective3d",
]

MODES = ("bilinear", "nearest", "bicubic")
MODES3D = ("bilinear", "nearest")
PADDINGS = ("zeros", "border", "reflection")


# -- validation ------------------------------------------------------------------------------
#: the expected-value text of ``dsize`` messages, per number of axes
_DSIZE = {
    2: "(height, width) of positive integers",
    3: "(depth, height, width) of positive integers",
}


def _check_modes(mode, padding_mode, modes, paddings, mode_name="mode", pad_name="padding_mode"):
    check_choice(mode, mode_name, modes)
    check_choice(padding_mode, pad_name, paddings)


def _check_matrix(xp, M, name: str, rows: int, cols: int, batch: int) -> None:
    """``M`` must be a float ``(1 | batch, rows, cols)`` stack."""
    if M.ndim != 3 or tuple(M.shape[1:]) != (rows, cols) or M.shape[0] not in (1, batch):
        raise ValueError(
            f"{name}: expected shape (B, {rows}, {cols}) with B = 1 or {batch} (the image "
            f"batch), got {shape_of(M)}"
        )
    if not xp.isdtype(M.dtype, "real floating"):
        raise TypeError(f"{name}: expected a real floating dtype, got {dtype_name(M.dtype)}")


def _image(eng, src, name: str, ranks=(3, 4), layout="(B, C, H, W) or (C, H, W)"):
    """Float ``(B, C, *S)`` view of ``src`` and whether a batch axis was added."""
    check_rank(src, name, ranks, layout)
    x = to_float(eng.xp, src)
    return (x[None, ...], True) if x.ndim == min(ranks) and len(ranks) > 1 else (x, False)


def _check_invertible(eng, m, name: str) -> None:
    """ValueError naming ``name`` when a (normalised) matrix is singular to working precision.

    ``|det| <= 4 eps * prod(row norms)`` (Hadamard's bound makes the ratio scale-free) or a
    non-finite determinant.  A host check: skipped while a compiler traces.
    """
    if eng.is_tracing(m):
        return
    xp = eng.xp
    det = xp.linalg.det(m)
    rows = xp.prod(xp.sqrt(xp.sum(m * m, axis=-1)), axis=-1)
    eps = float(xp.finfo(m.dtype).eps)
    bad = ~xp.isfinite(det) | (xp.abs(det) <= 4.0 * eps * rows)
    if bool(xp.any(bad)):
        idx = [int(i) for i in range(bad.shape[0]) if bool(bad[i])]
        raise ValueError(f"{name}: expected invertible matrices, got singular ones at batch {idx}")


# -- shared pieces ------------------------------------------------------------------------------
def _unit_scale(eng, m):
    """Divide homographies by a detached scale near 1 relative to their entries.

    The scale is the largest magnitude if below 1 (tiny matrices grow), else the smallest
    nonzero magnitude if above 1 (huge ones shrink), else 1: equivalent matrices then give the
    same grid through the absolute ``1e-8`` guard of the homogeneous division.
    """
    xp = eng.xp
    a = xp.abs(eng.stop_gradient(m))
    big = xp.max(a, axis=(-2, -1), keepdims=True)
    inf = xp.full(a.shape, float("inf"), dtype=a.dtype, device=a.device)
    small = xp.min(xp.where(a == 0, inf, a), axis=(-2, -1), keepdims=True)
    scale = xp.maximum(xp.minimum(big, xp.ones_like(big)), small)
    usable = (scale > 0) & xp.isfinite(scale)
    return m / xp.where(usable, scale, xp.ones_like(scale))


def _homogeneous(xp, M):
    """Affine ``(B, n, n+1)`` -> ``(B, n+1, n+1)`` by appending ``(0, ..., 0, 1)``."""
    n = M.shape[-1]
    row = xp.asarray([[0.0] * (n - 1) + [1.0]], dtype=M.dtype, device=M.device)
    row = xp.broadcast_to(row[None, ...], (M.shape[0], 1, n))
    return xp.concat([M, row], axis=1)


def _projective_grid(xp, m, coords, eps=1e-8):
    """Apply ``(B, n+1, n+1)`` matrices to a grid ``(1 | B, *S, n)`` -> ``(B, *S, n)``.

    Written as broadcast products of the coordinate planes (no matmul over the grid); the
    homogeneous division leaves points with ``|w| <= eps`` undivided.
    """
    n = coords.shape[-1]
    lead = (m.shape[0],) + (1,) * (coords.ndim - 2)
    cols = [xp.reshape(m[:, :, j], lead + (n + 1,)) for j in range(n + 1)]
    out = cols[n]
    for j in range(n):
        out = out + coords[..., j : j + 1] * cols[j]
    return from_homogeneous(xp, out, eps)


def _affine_grid(xp, m, coords):
    """Like :func:`_projective_grid` for affine matrices (the last row is ignored)."""
    n = coords.shape[-1]
    lead = (m.shape[0],) + (1,) * (coords.ndim - 2)
    cols = [xp.reshape(m[:, :n, j], lead + (n,)) for j in range(n + 1)]
    out = cols[n]
    for j in range(n):
        out = out + coords[..., j : j + 1] * cols[j]
    return out


def _fill_values(eng, fill_value, x):
    """``fill_value`` as an array broadcastable to ``(B, C, 1, 1)`` in ``x``'s dtype."""
    xp = eng.xp
    c = x.shape[1]
    if fill_value is None:
        return xp.zeros((1, c, 1, 1), dtype=x.dtype, device=x.device)
    if isinstance(fill_value, (int, float)) and not isinstance(fill_value, bool):
        return xp.full((1, 1, 1, 1), float(fill_value), dtype=x.dtype, device=x.device)
    if isinstance(fill_value, (tuple, list)):
        fill_value = xp.asarray([float(v) for v in fill_value], dtype=x.dtype, device=x.device)
    f = xp.astype(fill_value, x.dtype) if fill_value.dtype != x.dtype else fill_value
    if f.ndim <= 1 and (f.ndim == 0 or f.shape[0] in (1, c)):
        return xp.reshape(f, (1, -1, 1, 1))
    if f.ndim == 4 and f.shape[0] in (1, x.shape[0]) and f.shape[1] in (1, c):
        if tuple(f.shape[2:]) == (1, 1):
            return f
    raise ValueError(
        f"fill_value: expected a number, ({c},), (1,) or (B, {c}, 1, 1) values, "
        f"got shape {shape_of(f)}"
    )


def _sample(eng, x, grid, mode, padding_mode, align_corners, fill=None):
    """``grid_sample`` with a batch-1 grid broadcast, and Kornia's ``fill`` padding: sample with
    zeros, then add ``fill`` weighted by the part of each sample that fell outside."""
    xp = eng.xp
    if grid.shape[0] != x.shape[0]:
        grid = xp.broadcast_to(grid, (x.shape[0],) + tuple(grid.shape[1:]))
    if padding_mode != "fill":
        return eng.grid_sample(x, grid, mode, padding_mode, align_corners)
    out = eng.grid_sample(x, grid, mode, "zeros", align_corners)
    ones = xp.ones((x.shape[0], 1) + tuple(x.shape[2:]), dtype=x.dtype, device=x.device)
    inside = eng.grid_sample(ones, grid, mode, "zeros", align_corners)
    return out + (1.0 - inside) * fill


def _warp2d(eng, x, M3, dsize, mode, padding_mode, align_corners, fill_value, affine):
    """Warp ``x (B, C, H, W)`` by src -> dst pixel matrices ``M3 (1 | B, 3, 3)``."""
    xp = eng.xp
    h, w = x.shape[-2:]
    norm = _normal_matrix(xp, M3, (w, h), align_corners, inverse=True)  # N_src^-1
    dst_norm = _normal_matrix(xp, M3, (dsize[1], dsize[0]), align_corners)
    m = dst_norm @ (M3 @ norm)
    _check_invertible(eng, m, "M")
    inv = xp.linalg.inv(m)  # src_norm <- dst_norm
    # the engine's sample_homography: grid_sample on the warped destination grid (engines
    # may skip building that grid)
    if padding_mode != "fill":
        return eng.sample_homography(x, inv, dsize, mode, padding_mode, align_corners, affine)
    fill = _fill_values(eng, fill_value, x)
    out = eng.sample_homography(x, inv, dsize, mode, "zeros", align_corners, affine)
    ones = xp.ones((x.shape[0], 1) + tuple(x.shape[2:]), dtype=x.dtype, device=x.device)
    inside = eng.sample_homography(ones, inv, dsize, mode, "zeros", align_corners, affine)
    return out + (1.0 - inside) * fill


def _prepare_matrix(eng, M, x, name, rows, cols):
    xp = eng.xp
    _check_matrix(xp, M, name, rows, cols, x.shape[0])
    return xp.astype(M, x.dtype) if M.dtype != x.dtype else M


# -- 2D warps ------------------------------------------------------------------------------
@register_op()
def warp_perspective(
    src: Array,
    M: Array,
    dsize: tuple[int, int],
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool = True,
    fill_value: Array | None = None,
) -> Array:
    """Warp images by perspective transforms: ``dst(p) = src(M^-1 p)`` (homogeneous pixels).

    Args:
        src: image ``(B, C, H, W)`` (or ``(C, H, W)``); integer images compute in float32.
        M: source -> destination pixel homographies ``(B, 3, 3)``; a batch of 1 is shared.
            Must be invertible (``ValueError`` naming ``M`` otherwise).
        dsize: output size ``(height, width)``, positive.
        mode: ``"bilinear" | "nearest" | "bicubic"``.
        padding_mode: ``"zeros" | "border" | "reflection" | "fill"``.
        align_corners: the ``grid_sample`` convention of the normalised frame.
        fill_value: with ``padding_mode="fill"``: the value of the area outside the source,
            a number, ``(C,)``, ``(1,)`` or ``(B, C, 1, 1)`` (default zeros).

    Returns:
        ``(B, C, height, width)`` (same rank as ``src``), ``src``'s float dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
        >>> shift = np.array([[[1.0, 0.0, 1.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]])
        >>> np.round(pv.geometry.transform.warp_perspective(img, shift, (4, 4))[0, 0], 4)
        array([[ 0.,  0.,  1.,  2.],
               [ 0.,  4.,  5.,  6.],
               [ 0.,  8.,  9., 10.],
               [ 0., 12., 13., 14.]], dtype=float32)
    """
    eng, (src, M, fill_value) = dispatch(("src", "M", "fill_value"), src, M, fill_value)
    x, unbatched = _image(eng, src, "src")
    M = _prepare_matrix(eng, M, x, "M", 3, 3)
    dsize = check_sizes(dsize, 2, "dsize", _DSIZE[2])
    _check_modes(mode, padding_mode, MODES, PADDINGS + ("fill",))
    check_bool(align_corners, "align_corners")
    M = _unit_scale(eng, M)
    out = _warp2d(eng, x, M, dsize, mode, padding_mode, align_corners, fill_value, affine=False)
    return out[0, ...] if unbatched else out


@register_op()
def warp_affine(
    src: Array,
    M: Array,
    dsize: tuple[int, int],
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool = True,
    fill_value: Array | None = None,
) -> Array:
    """Warp images by affine transforms: ``dst(p) = src(A^-1 p)``, ``A`` the 3x3 form of ``M``.

    Args:
        src: image ``(B, C, H, W)`` (or ``(C, H, W)``); integer images compute in float32.
        M: source -> destination pixel affine matrices ``(B, 2, 3)``; a batch of 1 is
            shared. Must be invertible (``ValueError`` naming ``M`` otherwise).
        dsize: output size ``(height, width)``, positive.
        mode: ``"bilinear" | "nearest" | "bicubic"``.
        padding_mode: ``"zeros" | "border" | "reflection" | "fill"``.
        align_corners: the ``grid_sample`` convention of the normalised frame.
        fill_value: with ``padding_mode="fill"``: a number, ``(C,)``, ``(1,)`` or
            ``(B, C, 1, 1)`` (default zeros).

    Returns:
        ``(B, C, height, width)`` (same rank as ``src``), ``src``'s float dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.arange(9, dtype=np.float32).reshape(1, 1, 3, 3)
        >>> down = np.array([[[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]]])  # move content down 1 row
        >>> pv.geometry.transform.warp_affine(img, down, (3, 3))[0, 0]
        array([[0., 0., 0.],
               [0., 1., 2.],
               [3., 4., 5.]], dtype=float32)
    """
    eng, (src, M, fill_value) = dispatch(("src", "M", "fill_value"), src, M, fill_value)
    x, unbatched = _image(eng, src, "src")
    M = _prepare_matrix(eng, M, x, "M", 2, 3)
    dsize = check_sizes(dsize, 2, "dsize", _DSIZE[2])
    _check_modes(mode, padding_mode, MODES, PADDINGS + ("fill",))
    check_bool(align_corners, "align_corners")
    M3 = _homogeneous(eng.xp, M)
    out = _warp2d(eng, x, M3, dsize, mode, padding_mode, align_corners, fill_value, affine=True)
    return out[0, ...] if unbatched else out


# -- grids -------------------------------------------------------------------------------------
def _grid_homography(eng, grid, H, n: int):
    """Validated ``(grid (1 | N, *S, n), H (N, n+1, n+1))`` of :func:`warp_grid` (3D)."""
    xp = eng.xp
    k = n + 1
    layout = f"(N, {k}, {k}) or (N, 1, {k}, {k})"
    if H.ndim == 4 and H.shape[1] == 1:
        H = H[:, 0]
    if H.ndim != 3 or tuple(H.shape[1:]) != (k, k):
        raise ValueError(f"src_homo_dst: expected shape {layout}, got {shape_of(H)}")
    if not xp.isdtype(H.dtype, "real floating"):
        raise TypeError(f"src_homo_dst: expected a real floating dtype, got {dtype_name(H.dtype)}")
    spatial = "(1, H, W, 2) or (N, H, W, 2)" if n == 2 else "(1, D, H, W, 3) or (N, D, H, W, 3)"
    if grid.ndim != n + 2 or grid.shape[-1] != n or grid.shape[0] not in (1, H.shape[0]):
        raise ValueError(
            f"grid: expected shape {spatial} with N = {int(H.shape[0])} (the homographies), "
            f"got {shape_of(grid)}"
        )
    grid = to_float(xp, grid)
    if grid.dtype != H.dtype:
        grid = xp.astype(grid, H.dtype)
    return grid, _unit_scale(eng, H)


@register_op()
def warp_grid(grid: Array, src_homo_dst: Array) -> Array:
    """Map a grid of ``(x, y)`` points by destination -> source homographies.

    Args:
        grid: ``(1, H, W, 2)`` (shared) or ``(N, H, W, 2)`` points, e.g. from
            :func:`portvision.utils.create_meshgrid`.
        src_homo_dst: ``(N, 3, 3)`` or ``(N, 1, 3, 3)`` homographies.

    Returns:
        ``(N, H, W, 2)`` transformed points in the homographies' dtype (points whose
        homogeneous coordinate is within ``1e-8`` of zero are left undivided).

    Example:
        >>> import numpy as np, portvision as pv
        >>> H = np.array([[[2.0, 0.0, 0.5], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]])
        >>> pv.geometry.transform.warp_grid(pv.utils.create_meshgrid(1, 2, dtype="float64"), H)
        array([[[[-1.5,  0. ],
                 [ 2.5,  0. ]]]])
    """
    eng, (grid, src_homo_dst) = dispatch(("grid", "src_homo_dst"), grid, src_homo_dst)
    g, H = _grid_homography(eng, grid, src_homo_dst, 2)
    return _projective_grid(eng.xp, H, g)


@register_op()
def warp_grid3d(grid: Array, src_homo_dst: Array) -> Array:
    """Map a grid of ``(x, y, z)`` points by destination -> source 3D homographies.

    Args:
        grid: ``(1, D, H, W, 3)`` (shared) or ``(N, D, H, W, 3)`` points in ``(x, y, z)``
            order.
        src_homo_dst: ``(N, 4, 4)`` or ``(N, 1, 4, 4)`` homographies.

    Returns:
        ``(N, D, H, W, 3)`` transformed points.

    Example:
        >>> import numpy as np, portvision as pv
        >>> H = np.eye(4)[None]; H[0, 2, 3] = 1.0  # z + 1
        >>> g = np.zeros((1, 1, 1, 2, 3)); g[..., 0] = [0.0, 1.0]
        >>> pv.geometry.transform.warp_grid3d(g, H)[0, 0, 0]
        array([[0., 0., 1.],
               [1., 0., 1.]])
    """
    eng, (grid, src_homo_dst) = dispatch(("grid", "src_homo_dst"), grid, src_homo_dst)
    g, H = _grid_homography(eng, grid, src_homo_dst, 3)
    return _projective_grid(eng.xp, H, g)


# -- homography_warp, remap ------------------------------------------------------------------------
@register_op()
def homography_warp(
    patch_src: Array,
    src_homo_dst: Array,
    dsize: tuple[int, int],
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool = False,
    normalized_coordinates: bool = True,
    normalized_homography: bool = True,
) -> Array:
    """Warp images by destination -> source homographies (Kornia's ``HomographyWarper`` core).

    Args:
        patch_src: image ``(N, C, H, W)``.
        src_homo_dst: ``(N, 3, 3)`` (or ``(1, 3, 3)``, shared) destination -> source
            homographies, in normalised ``[-1, 1]`` coordinates of the ``dsize`` output and the
            source (``normalized_coordinates=True``) or in pixels (``False``: an identity then
            crops the top-left ``dsize`` window).  With ``normalized_homography=False`` it is a
            source -> destination pixel homography, as :func:`warp_perspective` takes.
        dsize: output size ``(h, w)``.
        mode: ``"bilinear" | "nearest" | "bicubic"``.
        padding_mode: ``"zeros" | "border" | "reflection"``.
        align_corners: the ``grid_sample`` convention (default False, unlike the warps).
        normalized_coordinates: see ``src_homo_dst``.
        normalized_homography: see ``src_homo_dst``.

    Returns:
        ``(N, C, h, w)`` warped images.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.arange(12, dtype=np.float32).reshape(1, 1, 3, 4)
        >>> out = pv.geometry.transform.homography_warp(img, np.eye(3)[None], (3, 4))
        >>> bool(np.allclose(out, img, atol=1e-5))
        True
    """
    names = ("patch_src", "src_homo_dst")
    eng, (patch_src, src_homo_dst) = dispatch(names, patch_src, src_homo_dst)
    check_rank(patch_src, "patch_src", (4,), "(N, C, H, W)")
    x = to_float(eng.xp, patch_src)
    dsize = check_sizes(dsize, 2, "dsize", _DSIZE[2])
    _check_modes(mode, padding_mode, MODES, PADDINGS)
    check_bool(align_corners, "align_corners")
    check_bool(normalized_coordinates, "normalized_coordinates")
    check_bool(normalized_homography, "normalized_homography")
    H = _prepare_matrix(eng, src_homo_dst, x, "src_homo_dst", 3, 3)
    H = _unit_scale(eng, H)
    if not normalized_homography:
        return _warp2d(eng, x, H, dsize, mode, padding_mode, align_corners, None, affine=False)
    return _sample(
        eng,
        x,
        _dst_to_src_grid(eng, x, H, dsize, normalized_coordinates, align_corners),
        mode,
        padding_mode,
        align_corners,
    )


def _dst_to_src_grid(eng, x, H, dsize, normalized, align_corners):
    """Sampling grid of a destination -> source homography (normalised or pixel)."""
    xp = eng.xp
    if normalized:
        base = grid2d(xp, dsize[0], dsize[1], True, align_corners, x.dtype, x.device)
        return _projective_grid(xp, H, base)
    base = grid2d(xp, dsize[0], dsize[1], False, True, x.dtype, x.device)
    pix = _projective_grid(xp, H, base)
    h, w = x.shape[-2:]
    norm = _normal_matrix(xp, pix, (w, h), align_corners)[0, ...]
    scale = xp.stack([norm[0, 0], norm[1, 1]])
    offset = xp.stack([norm[0, 2], norm[1, 2]])
    return pix * scale + offset


@register_op()
def remap(
    image: Array,
    map_x: Array,
    map_y: Array,
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool | None = None,
    normalized_coordinates: bool = False,
) -> Array:
    """Sample ``image`` at per-pixel source coordinates: ``dst(y, x) = src(map_y, map_x)``.

    Pixel maps are normalised with the corner-aligned convention whatever ``align_corners``
    says (Kornia 0.9's behaviour, its issue #4504), so exact pixel lookups need
    ``align_corners=True``; ``None`` means ``False``.

    Args:
        image: ``(B, C, H, W)`` (or ``(C, H, W)``).
        map_x: ``(B, h, w)`` (or ``(1, h, w)``, shared) x coordinates (columns) to read.
        map_y: same shape, y coordinates (rows).
        mode: ``"bilinear" | "nearest" | "bicubic"``.
        padding_mode: ``"zeros" | "border" | "reflection"``.
        align_corners: the ``grid_sample`` convention (None -> False).
        normalized_coordinates: the maps are already in ``[-1, 1]``.

    Returns:
        ``(B, C, h, w)`` (same rank as ``image``).

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.arange(4, dtype=np.float32).reshape(1, 1, 2, 2)
        >>> g = pv.utils.create_meshgrid(2, 2, normalized_coordinates=False) + 1.0
        >>> pv.geometry.transform.remap(img, g[..., 0], g[..., 1], align_corners=True)[0, 0]
        array([[3., 0.],
               [0., 0.]], dtype=float32)
    """
    eng, (image, map_x, map_y) = dispatch(("image", "map_x", "map_y"), image, map_x, map_y)
    x, unbatched = _image(eng, image, "image")
    xp = eng.xp
    for name, m in (("map_x", map_x), ("map_y", map_y)):
        if m.ndim != 3 or m.shape[0] not in (1, x.shape[0]):
            raise ValueError(
                f"{name}: expected shape (B, H, W) with B = 1 or {int(x.shape[0])}, "
                f"got {shape_of(m)}"
            )
    if tuple(map_x.shape) != tuple(map_y.shape):
        raise ValueError(
            f"map_y: expected the shape of map_x {shape_of(map_x)}, got {shape_of(map_y)}"
        )
    _check_modes(mode, padding_mode, MODES, PADDINGS)
    if align_corners is None:
        align_corners = False
    check_bool(align_corners, "align_corners")
    check_bool(normalized_coordinates, "normalized_coordinates")
    grid = xp.stack([xp.astype(map_x, x.dtype), xp.astype(map_y, x.dtype)], axis=-1)
    if not normalized_coordinates:
        h, w = x.shape[-2:]
        norm = _normal_matrix(xp, grid, (w, h), True)[0, ...]
        grid = grid * xp.stack([norm[0, 0], norm[1, 1]]) + xp.stack([norm[0, 2], norm[1, 2]])
    out = _sample(eng, x, grid, mode, padding_mode, align_corners)
    return out[0, ...] if unbatched else out


@register_op()
def homography_warp3d(
    patch_src: Array,
    src_homo_dst: Array,
    dsize: tuple[int, int, int],
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool = False,
    normalized_coordinates: bool = True,
) -> Array:
    """Warp volumes by destination -> source 3D homographies acting on ``(x, y, z, 1)``.

    Args:
        patch_src: volume ``(N, C, D, H, W)``.
        src_homo_dst: ``(N, 4, 4)`` (or ``(1, 4, 4)``, shared) homographies in normalised
            coordinates (corner-aligned destination grid, as Kornia), or in voxels with
            ``normalized_coordinates=False`` (an identity then crops the ``dsize`` window at
            voxel ``(0, 0, 0)``; the result is normalised with the source size under
            ``align_corners``).
        dsize: output ``(d, h, w)``.
        mode: ``"bilinear" | "nearest"``.
        padding_mode: ``"zeros" | "border" | "reflection"``.
        align_corners: the ``grid_sample`` convention (default False).
        normalized_coordinates: see ``src_homo_dst``.

    Returns:
        ``(N, C, d, h, w)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> vol = np.arange(24, dtype=np.float32).reshape(1, 1, 2, 3, 4)
        >>> out = pv.geometry.transform.homography_warp3d(
        ...     vol, np.eye(4)[None], (1, 2, 2), normalized_coordinates=False, align_corners=True)
        >>> out[0, 0, 0]
        array([[0., 1.],
               [4., 5.]], dtype=float32)
    """
    names = ("patch_src", "src_homo_dst")
    eng, (patch_src, src_homo_dst) = dispatch(names, patch_src, src_homo_dst)
    x = _volume(eng, patch_src, "patch_src")
    dsize = check_sizes(dsize, 3, "dsize", _DSIZE[3])
    _check_modes(mode, padding_mode, MODES3D, PADDINGS)
    check_bool(align_corners, "align_corners")
    check_bool(normalized_coordinates, "normalized_coordinates")
    H = _unit_scale(eng, _prepare_matrix(eng, src_homo_dst, x, "src_homo_dst", 4, 4))
    xp = eng.xp
    base = grid3d(xp, *dsize, normalized_coordinates, True, x.dtype, x.device)
    grid = _projective_grid(xp, H, base)
    if not normalized_coordinates:  # voxels -> [-1, 1] with the source size
        d, h, w = x.shape[-3:]
        norm = _normal_matrix(xp, grid, (w, h, d), align_corners)[0, ...]
        scale = xp.stack([norm[0, 0], norm[1, 1], norm[2, 2]])
        offset = xp.stack([norm[0, 3], norm[1, 3], norm[2, 3]])
        grid = grid * scale + offset
    return _sample(eng, x, grid, mode, padding_mode, align_corners)


# -- 3D warps --------------------------------------------------------------------------------------
def _volume(eng, src, name="src"):
    check_rank(src, name, (5,), "(B, C, D, H, W)")
    return to_float(eng.xp, src)


def _norm3d(eng, x, M4, dsize):
    """``inv(N_dst @ M4 @ N_src^-1)`` with the corner-aligned 3D normalisations (Kornia's)."""
    xp = eng.xp
    d, h, w = x.shape[-3:]
    src_inv = _normal_matrix(xp, M4, (w, h, d), True, inverse=True)
    dst = _normal_matrix(xp, M4, (dsize[2], dsize[1], dsize[0]), True)
    m = dst @ (M4 @ src_inv)
    _check_invertible(eng, m, "M")
    return xp.linalg.inv(m)


@register_op()
def warp_affine3d(
    src: Array,
    M: Array,
    dsize: tuple[int, int, int],
    flags: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool = True,
) -> Array:
    """Warp volumes by source -> destination voxel affine matrices.

    As Kornia: the matrix is normalised corner-aligned, and the destination grid is
    ``affine_grid``'s for ``align_corners`` (half-voxel positions when False).

    Args:
        src: volume ``(B, C, D, H, W)``.
        M: ``(B, 3, 4)`` affine matrices acting on ``(x, y, z, 1)``; a batch of 1 is shared.
        dsize: output ``(depth, height, width)``.
        flags: ``"bilinear" | "nearest"``.
        padding_mode: ``"zeros" | "border" | "reflection"``.
        align_corners: the ``grid_sample`` convention.

    Returns:
        ``(B, C, depth, height, width)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> vol = np.arange(8, dtype=np.float32).reshape(1, 1, 2, 2, 2)
        >>> M = np.eye(4)[None, :3]
        >>> bool(np.allclose(pv.geometry.transform.warp_affine3d(vol, M, (2, 2, 2)), vol))
        True
    """
    eng, (src, M) = dispatch(("src", "M"), src, M)
    x = _volume(eng, src)
    M = _prepare_matrix(eng, M, x, "M", 3, 4)
    dsize = check_sizes(dsize, 3, "dsize", _DSIZE[3])
    _check_modes(flags, padding_mode, MODES3D, PADDINGS, mode_name="flags")
    check_bool(align_corners, "align_corners")
    xp = eng.xp
    inv = _norm3d(eng, x, _homogeneous(xp, M), dsize)
    base = grid3d(xp, *dsize, True, True, x.dtype, x.device)
    if not align_corners:  # affine_grid's half-voxel positions
        sizes = (dsize[2], dsize[1], dsize[0])
        shrink = [(n - 1) / n for n in sizes]
        base = base * xp.asarray(shrink, dtype=x.dtype, device=x.device)
    grid = _affine_grid(xp, inv, base)
    return _sample(eng, x, grid, flags, padding_mode, align_corners)


@register_op()
def warp_perspective3d(
    src: Array,
    M: Array,
    dsize: tuple[int, int, int],
    flags: str = "bilinear",
    border_mode: str = "zeros",
    align_corners: bool = False,
) -> Array:
    """Warp volumes by source -> destination voxel homographies ``(B, 4, 4)``.

    As Kornia: corner-aligned normalisation and destination grid; ``align_corners`` only
    reaches the sampling.

    Args:
        src: volume ``(B, C, D, H, W)``.
        M: ``(B, 4, 4)`` (or ``(4, 4)``) homographies acting on ``(x, y, z, 1)``; a batch of
            1 is shared.
        dsize: output ``(depth, height, width)``.
        flags: ``"bilinear" | "nearest"``.
        border_mode: ``"zeros" | "border" | "reflection"``.
        align_corners: the ``grid_sample`` convention (default False).

    Returns:
        ``(B, C, depth, height, width)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> vol = np.arange(8, dtype=np.float32).reshape(1, 1, 2, 2, 2)
        >>> out = pv.geometry.transform.warp_perspective3d(vol, np.eye(4)[None], (2, 2, 2))
        >>> out.shape
        (1, 1, 2, 2, 2)
    """
    eng, (src, M) = dispatch(("src", "M"), src, M)
    x = _volume(eng, src)
    if M.ndim == 2:
        M = M[None, ...]
    M = _prepare_matrix(eng, M, x, "M", 4, 4)
    dsize = check_sizes(dsize, 3, "dsize", _DSIZE[3])
    _check_modes(flags, border_mode, MODES3D, PADDINGS, "flags", "border_mode")
    check_bool(align_corners, "align_corners")
    xp = eng.xp
    inv = _unit_scale(eng, _norm3d(eng, x, _unit_scale(eng, M), dsize))
    base = grid3d(xp, *dsize, True, True, x.dtype, x.device)
    grid = _projective_grid(xp, inv, base)
    return _sample(eng, x, grid, flags, border_mode, align_corners)
