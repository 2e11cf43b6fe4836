"""Crops by boxes and matrices: ``crop_by_transform_mat``, ``crop_by_boxes``,
``crop_and_resize``, ``center_crop`` and their 3D forms.

Kornia's conventions: boxes are the 4 corners ``(x, y)`` clockwise from the top-left
(8 corners, front face then back face, in 3D), **inclusive** (a box from pixel 1 to
pixel 2 is 2 pixels wide); a crop is a warp by the src -> dst pixel transform that maps
the source box onto the destination box (``align_corners=True`` by default in 2D, so an
integer box reproduces the pixels exactly).
"""

from __future__ import annotations

from typing import Any

from portvision._array import to_float
from portvision._checks import check_choice, check_rank, check_sizes, shape_of
from portvision._dispatch import dispatch, dispatch1, require_array
from portvision._registry import register_op
from portvision.geometry.transform.matrices import _perspective2d, _perspective3d
from portvision.geometry.transform.warping import warp_affine, warp_affine3d, warp_perspective

Array = Any

__all__ = [
    "center_crop",
    "center_crop3d",
    "crop_and_resize",
    "crop_and_resize3d",
    "crop_by_boxes",
    "crop_by_boxes3d",
    "crop_by_transform_mat",
]

MODES = ("bilinear", "nearest")
PADDINGS = ("zeros", "border", "reflection")


def _check_flags(mode, padding_mode, align_corners, mode_name="mode"):
    check_choice(mode, mode_name, MODES)
    check_choice(padding_mode, "padding_mode", PADDINGS)
    if not isinstance(align_corners, bool):
        raise TypeError(f"align_corners: expected a bool, got {align_corners!r}")


def _image(eng, x, d):
    """Validated float ``(B, C, *S)`` image (``d`` spatial axes), and whether it was unbatched."""
    layout = "(B, C, H, W) or (C, H, W)" if d == 2 else "(B, C, D, H, W) or (C, D, H, W)"
    check_rank(x, "input_tensor" if d == 2 else "tensor", (d + 1, d + 2), layout)
    x = to_float(eng.xp, x)
    return (x[None, ...], True) if x.ndim == d + 1 else (x, False)


def _check_boxes(boxes, name, n_pts, d, batch=None):
    require_array(name, boxes)
    lay = f"(B, {n_pts}, {d})"
    if boxes.ndim != 3 or tuple(boxes.shape[1:]) != (n_pts, d):
        raise ValueError(f"{name}: expected shape {lay}, got {shape_of(boxes)}")
    if batch is not None and boxes.shape[0] not in (1, batch):
        raise ValueError(
            f"{name}: expected a batch of 1 or {batch} (the image's), got shape {shape_of(boxes)}"
        )


def _as(xp, v, x):
    v = to_float(xp, v)
    return xp.astype(v, x.dtype) if v.dtype != x.dtype else v


def _unit_quad(xp, like):
    q = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]
    return xp.asarray([q], dtype=like.dtype, device=like.device)


def _boxes_transform(xp, src, dst, any_flat=None):
    """src -> dst homography of two quads; a box with a one-pixel side (collinear corners,
    no unique homography) maps by scale and translation of corners 0 and 2 instead.
    ``any_flat=False`` (known on the host: no such box) skips that selection."""
    b = max(src.shape[0], dst.shape[0])
    src = xp.broadcast_to(src, (b, 4, 2))
    dst = xp.broadcast_to(dst, (b, 4, 2))
    if any_flat is False:
        return _perspective2d(xp, src, dst)
    se, de = src[:, 2, :] - src[:, 0, :], dst[:, 2, :] - dst[:, 0, :]
    flat = xp.any((se == 0) | (de == 0), axis=-1)[:, None, None]  # (b, 1, 1)
    unit = _unit_quad(xp, src)
    h = _perspective2d(xp, xp.where(flat, unit, src), xp.where(flat, unit, dst))
    both = (se == 0) & (de == 0)
    one = xp.ones_like(se)
    s = xp.where(both, one, de / xp.where(se == 0, one, se))
    t = dst[:, 0, :] - s * src[:, 0, :]
    zero = xp.zeros_like(s[:, 0])
    ext = xp.stack(
        [
            xp.stack([s[:, 0], zero, t[:, 0]], axis=-1),
            xp.stack([zero, s[:, 1], t[:, 1]], axis=-1),
            xp.stack([zero, zero, xp.ones_like(zero)], axis=-1),
        ],
        axis=-2,
    )
    return xp.where(flat, ext, h)


def _warp_crop(eng, x, m, size, mode, padding_mode, align_corners):
    """Warp ``x`` (B, C, H, W) by ``m`` ((1|B, 2|3, 3)) to ``size``."""
    xp = eng.xp
    # a batch-1 matrix stays one: the warp shares its sampling grid over the batch
    if x.shape[0] == 1 and m.shape[0] != 1:
        x = xp.broadcast_to(x, (m.shape[0],) + tuple(x.shape[1:]))
    fn = warp_affine if m.shape[-2] == 2 else warp_perspective
    return fn(x, m, size, mode, padding_mode, align_corners)


def _corners2d(h, w):
    return [[0.0, 0.0], [w - 1.0, 0.0], [w - 1.0, h - 1.0], [0.0, h - 1.0]]


@register_op()
def crop_by_transform_mat(
    input_tensor: Array,
    transform: Array,
    out_size: tuple[int, int],
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool = True,
) -> Array:
    """Crop by warping with a src -> dst pixel transform.

    Args:
        input_tensor: image ``(B, C, H, W)`` or ``(C, H, W)``.
        transform: ``(B, 3, 3)`` homography (:func:`warp_perspective`, the full matrix is
            used) or ``(B, 2, 3)`` affine matrix (:func:`warp_affine`); a batch of 1
            broadcasts.
        out_size: output ``(h, w)``.
        mode: ``"bilinear" | "nearest"``.
        padding_mode: ``"zeros" | "border" | "reflection"``.
        align_corners: interpolation flag (default True).

    Returns:
        ``(B, C, h, w)`` (or ``(C, h, w)``).

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
        >>> m = np.array([[[1.0, 0.0, -1.0], [0.0, 1.0, -1.0], [0.0, 0.0, 1.0]]], np.float32)
        >>> pv.geometry.transform.crop_by_transform_mat(img, m, (2, 2))[0, 0]
        array([[ 5.,  6.],
               [ 9., 10.]], dtype=float32)
    """
    eng, (x, m) = dispatch(("input_tensor", "transform"), input_tensor, transform)
    x, unbatched = _image(eng, x, 2)
    require_array("transform", m)
    if (
        m.ndim != 3
        or tuple(m.shape[1:]) not in ((2, 3), (3, 3))
        or m.shape[0]
        not in (
            1,
            x.shape[0],
        )
    ):
        raise ValueError(
            f"transform: expected shape (B, 3, 3) or (B, 2, 3) with B = 1 or "
            f"{int(x.shape[0])}, got {shape_of(m)}"
        )
    size = check_sizes(out_size, 2, "out_size")
    _check_flags(mode, padding_mode, align_corners)
    out = _warp_crop(eng, x, _as(eng.xp, m, x), size, mode, padding_mode, align_corners)
    return out[0, ...] if unbatched else out


def _check_extents(eng, src, dst, name):
    """A box flat along an axis maps only onto a flat box (else no invertible transform:
    Kornia returns NaN there); a host check, skipped while tracing.  Returns whether any
    box is flat (None while tracing)."""
    if eng.is_tracing(src):
        return None
    xp = eng.xp
    flat_s, flat_d = (src[:, 2, :] - src[:, 0, :]) == 0, (dst[:, 2, :] - dst[:, 0, :]) == 0
    if bool(xp.any(flat_s != flat_d)):
        raise ValueError(
            f"{name}: expected boxes with a non-zero extent along an axis where the output has "
            f"more than one pixel (and the converse), got {eng.to_numpy(src).tolist()!r}"
        )
    return bool(xp.any(flat_s))


def _crop_boxes_to_size(eng, x, src, dst, size, mode, padding_mode, align_corners, name):
    xp = eng.xp
    any_flat = _check_extents(eng, src, dst, name)
    m = _boxes_transform(xp, _as(xp, src, x), _as(xp, dst, x), any_flat)
    return _warp_crop(eng, x, m, size, mode, padding_mode, align_corners)


@register_op()
def crop_and_resize(
    input_tensor: Array,
    boxes: Array,
    size: tuple[int, int],
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool = True,
) -> Array:
    """Extract a box from every image and resample it to ``size``.

    Args:
        input_tensor: image ``(B, C, H, W)`` or ``(C, H, W)``.
        boxes: ``(B, 4, 2)`` corners ``(x, y)``, clockwise from the top-left, inclusive
            pixel positions.
        size: output ``(h, w)``.
        mode, padding_mode, align_corners: as :func:`crop_by_transform_mat`.

    Returns:
        ``(B, C, h, w)`` (or ``(C, h, w)``).

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.arange(1, 17, dtype=np.float32).reshape(1, 1, 4, 4)
        >>> box = np.array([[[1.0, 1.0], [2.0, 1.0], [2.0, 2.0], [1.0, 2.0]]], np.float32)
        >>> pv.geometry.transform.crop_and_resize(img, box, (2, 2), mode="nearest")[0, 0]
        array([[ 6.,  7.],
               [10., 11.]], dtype=float32)
    """
    eng, (x, boxes) = dispatch(("input_tensor", "boxes"), input_tensor, boxes)
    x, unbatched = _image(eng, x, 2)
    _check_boxes(boxes, "boxes", 4, 2, x.shape[0])
    h, w = check_sizes(size, 2, "size")
    _check_flags(mode, padding_mode, align_corners)
    dst = eng.xp.asarray([_corners2d(h, w)], dtype=x.dtype, device=x.device)
    out = _crop_boxes_to_size(
        eng, x, boxes, dst, (h, w), mode, padding_mode, align_corners, "boxes"
    )
    return out[0, ...] if unbatched else out


def _box_sizes(eng, box, dims):
    """Host integer extents (inclusive) of every box along ``dims``: (axis, i, j) triples
    reading ``box[:, j, axis] - box[:, i, axis] + 1``."""
    return [
        [int(round(v)) for v in eng.to_numpy(box[:, j, a] - box[:, i, a] + 1).tolist()]
        for a, i, j in dims
    ]


@register_op()
def crop_by_boxes(
    input_tensor: Array,
    src_box: Array,
    dst_box: Array,
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool = True,
    validate_boxes: bool = True,
) -> Array:
    """Warp the ``src_box`` region of every image onto ``dst_box`` (output sized by
    ``dst_box``, which must have the same size for the whole batch).

    Args:
        input_tensor: image ``(B, C, H, W)`` or ``(C, H, W)``.
        src_box: ``(B, 4, 2)`` source corners, clockwise from the top-left, inclusive.
        dst_box: ``(B, 4, 2)`` destination corners; the output is
            ``(y2 - y0 + 1, x1 - x0 + 1)`` of its first box.
        mode, padding_mode, align_corners: as :func:`crop_by_transform_mat`.
        validate_boxes: accepted for Kornia's signature (the sizes are always checked).

    Returns:
        ``(B, C, h, w)`` (or ``(C, h, w)``).

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
        >>> src = np.array([[[1.0, 1.0], [2.0, 1.0], [2.0, 2.0], [1.0, 2.0]]], np.float32)
        >>> dst = np.array([[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]], np.float32)
        >>> pv.geometry.transform.crop_by_boxes(img, src, dst)[0, 0]
        array([[ 5.,  6.],
               [ 9., 10.]], dtype=float32)
    """
    names = ("input_tensor", "src_box", "dst_box")
    eng, (x, src, dst) = dispatch(names, input_tensor, src_box, dst_box)
    x, unbatched = _image(eng, x, 2)
    _check_boxes(src, "src_box", 4, 2, x.shape[0])
    _check_boxes(dst, "dst_box", 4, 2, x.shape[0])
    _check_flags(mode, padding_mode, align_corners)
    hs, ws = _box_sizes(eng, dst, ((1, 0, 2), (0, 0, 1)))
    if len(set(hs)) != 1 or len(set(ws)) != 1 or hs[0] <= 0 or ws[0] <= 0:
        raise ValueError(
            f"dst_box: expected boxes of one positive size for the whole batch, got heights "
            f"{hs} and widths {ws}"
        )
    size = (hs[0], ws[0])
    out = _crop_boxes_to_size(eng, x, src, dst, size, mode, padding_mode, align_corners, "src_box")
    return out[0, ...] if unbatched else out


@register_op()
def center_crop(
    input_tensor: Array,
    size: tuple[int, int],
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool = True,
) -> Array:
    """Crop the centre of every image.

    The crop starts at ``(W / 2 - w / 2, H / 2 - h / 2)`` (a half-pixel position when the
    parities differ, then interpolated, as Kornia).

    Args:
        input_tensor: image ``(B, C, H, W)`` or ``(C, H, W)``.
        size: output ``(h, w)``.
        mode, padding_mode, align_corners: as :func:`crop_by_transform_mat`.

    Returns:
        ``(B, C, h, w)`` (or ``(C, h, w)``).

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.arange(1, 17, dtype=np.float32).reshape(1, 1, 4, 4)
        >>> pv.geometry.transform.center_crop(img, (2, 4), mode="nearest")[0, 0]
        array([[ 5.,  6.,  7.,  8.],
               [ 9., 10., 11., 12.]], dtype=float32)
    """
    eng, x = dispatch1("input_tensor", input_tensor)
    x, unbatched = _image(eng, x, 2)
    h, w = check_sizes(size, 2, "size")
    _check_flags(mode, padding_mode, align_corners)
    sx, sy = x.shape[-1] / 2 - w / 2, x.shape[-2] / 2 - h / 2
    m = eng.xp.asarray(
        [[[1.0, 0.0, -sx], [0.0, 1.0, -sy], [0.0, 0.0, 1.0]]], dtype=x.dtype, device=x.device
    )
    out = _warp_crop(eng, x, m, (h, w), mode, padding_mode, align_corners)
    return out[0, ...] if unbatched else out


# -- 3D --------------------------------------------------------------------------------------
def _corners3d(d, h, w):
    z, y, x = d - 1.0, h - 1.0, w - 1.0
    return [[0.0, 0.0, 0.0], [x, 0.0, 0.0], [x, y, 0.0], [0.0, y, 0.0],
            [0.0, 0.0, z], [x, 0.0, z], [x, y, z], [0.0, y, z]]  # fmt: skip


def _crop3d(eng, x, src, dst, size, mode, align_corners, name):
    xp = eng.xp
    src, dst = _as(xp, src, x), _as(xp, dst, x)
    b = max(src.shape[0], dst.shape[0], x.shape[0])
    src = xp.broadcast_to(src, (b, 8, 3))
    dst = xp.broadcast_to(dst, (b, 8, 3))
    m = _perspective3d(eng, src, dst, name)[:, :3, :]
    if x.shape[0] != b:
        x = xp.broadcast_to(x, (b,) + tuple(x.shape[1:]))
    return warp_affine3d(x, m, size, mode, "zeros", align_corners)


@register_op()
def crop_and_resize3d(
    tensor: Array,
    boxes: Array,
    size: tuple[int, int, int],
    interpolation: str = "bilinear",
    align_corners: bool = False,
) -> Array:
    """Extract a 3D box from every volume and resample it to ``size``.

    Args:
        tensor: volume ``(B, C, D, H, W)`` or ``(C, D, H, W)``.
        boxes: ``(B, 8, 3)`` corners ``(x, y, z)``: the front face (clockwise from the
            top-left) then the back face, inclusive voxel positions.
        size: output ``(d, h, w)``.
        interpolation: ``"bilinear" | "nearest"``.
        align_corners: interpolation flag (default False, as Kornia: set True to reproduce
            integer boxes exactly).

    Returns:
        ``(B, C, d, h, w)`` (or ``(C, d, h, w)``).

    Example:
        >>> import numpy as np, portvision as pv
        >>> vol = np.arange(64, dtype=np.float32).reshape(1, 1, 4, 4, 4)
        >>> box = np.array([[[1, 1, 1], [2, 1, 1], [2, 2, 1], [1, 2, 1],
        ...                  [1, 1, 2], [2, 1, 2], [2, 2, 2], [1, 2, 2]]], np.float32)
        >>> out = pv.geometry.transform.crop_and_resize3d(vol, box, (2, 2, 2), align_corners=True)
        >>> np.round(out[0, 0, 0], 4)
        array([[21., 22.],
               [25., 26.]], dtype=float32)
    """
    eng, (x, boxes) = dispatch(("tensor", "boxes"), tensor, boxes)
    x, unbatched = _image(eng, x, 3)
    _check_boxes(boxes, "boxes", 8, 3, x.shape[0])
    d, h, w = check_sizes(size, 3, "size")
    _check_flags(interpolation, "zeros", align_corners, "interpolation")
    dst = eng.xp.asarray([_corners3d(d, h, w)], dtype=x.dtype, device=x.device)
    out = _crop3d(eng, x, boxes, dst, (d, h, w), interpolation, align_corners, "boxes")
    return out[0, ...] if unbatched else out


@register_op()
def crop_by_boxes3d(
    tensor: Array,
    src_box: Array,
    dst_box: Array,
    interpolation: str = "bilinear",
    align_corners: bool = False,
) -> Array:
    """Warp the ``src_box`` region of every volume onto ``dst_box`` (sized by ``dst_box``).

    Args:
        tensor: volume ``(B, C, D, H, W)`` or ``(C, D, H, W)``.
        src_box: ``(B, 8, 3)`` source corners (see :func:`crop_and_resize3d`).
        dst_box: ``(B, 8, 3)`` destination corners; the output is
            ``(z4 - z0 + 1, y2 - y0 + 1, x1 - x0 + 1)``, the same for the whole batch.
        interpolation: ``"bilinear" | "nearest"``.
        align_corners: interpolation flag (default False).

    Returns:
        ``(B, C, d, h, w)`` (or ``(C, d, h, w)``).

    Example:
        >>> import numpy as np, portvision as pv
        >>> vol = np.arange(64, dtype=np.float32).reshape(1, 1, 4, 4, 4)
        >>> cube = np.array([[[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0],
        ...                   [0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]]], np.float32)
        >>> out = pv.geometry.transform.crop_by_boxes3d(vol, cube + 1, cube, align_corners=True)
        >>> out.shape, float(out[0, 0, 0, 0, 0])
        ((1, 1, 2, 2, 2), 21.0)
    """
    eng, (x, src, dst) = dispatch(("tensor", "src_box", "dst_box"), tensor, src_box, dst_box)
    x, unbatched = _image(eng, x, 3)
    _check_boxes(src, "src_box", 8, 3, x.shape[0])
    _check_boxes(dst, "dst_box", 8, 3, x.shape[0])
    _check_flags(interpolation, "zeros", align_corners, "interpolation")
    ds, hs, ws = _box_sizes(eng, dst, ((2, 0, 4), (1, 0, 2), (0, 0, 1)))
    if any(len(set(v)) != 1 or v[0] <= 0 for v in (ds, hs, ws)):
        raise ValueError(
            f"dst_box: expected boxes of one positive size for the whole batch, got depths {ds}, "
            f"heights {hs} and widths {ws}"
        )
    size = (ds[0], hs[0], ws[0])
    out = _crop3d(eng, x, src, dst, size, interpolation, align_corners, "src_box")
    return out[0, ...] if unbatched else out


@register_op()
def center_crop3d(
    tensor: Array,
    size: tuple[int, int, int],
    interpolation: str = "bilinear",
    align_corners: bool = True,
) -> Array:
    """Crop the centre of every volume.

    Args:
        tensor: volume ``(B, C, D, H, W)`` or ``(C, D, H, W)``.
        size: output ``(d, h, w)``.
        interpolation: ``"bilinear" | "nearest"``.
        align_corners: interpolation flag (default True).

    Returns:
        ``(B, C, d, h, w)`` (or ``(C, d, h, w)``).

    Example:
        >>> import numpy as np, portvision as pv
        >>> vol = np.arange(64, dtype=np.float32).reshape(1, 1, 4, 4, 4)
        >>> out = pv.geometry.transform.center_crop3d(vol, (2, 2, 2))
        >>> np.round(out[0, 0, 0], 4)
        array([[21., 22.],
               [25., 26.]], dtype=float32)
    """
    eng, x = dispatch1("tensor", tensor)
    x, unbatched = _image(eng, x, 3)
    d, h, w = check_sizes(size, 3, "size")
    _check_flags(interpolation, "zeros", align_corners, "interpolation")
    sz, sy, sx = (n / 2 - m / 2 for n, m in zip(x.shape[-3:], (d, h, w), strict=True))
    m = eng.xp.asarray(
        [[[1.0, 0.0, 0.0, -sx], [0.0, 1.0, 0.0, -sy], [0.0, 0.0, 1.0, -sz]]],
        dtype=x.dtype,
        device=x.device,
    )
    out = warp_affine3d(x, m, (d, h, w), interpolation, "zeros", align_corners)
    return out[0, ...] if unbatched else out
