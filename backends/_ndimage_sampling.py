"""``grid_sample`` on NumPy / CuPy: a vectorised gather that shares the tap indices and
weights of every sample across the channels.

Measured on (8, 3, 224, 224) float32 (bilinear): ``scipy.ndimage.map_coordinates`` per
plane (``order=1, mode="grid-constant"``) takes 4-8x longer than this gather, since it
recomputes the spline weights for every plane; its ``order=3`` is a B-spline, not the
contract's Keys cubic.  Float32 bilinear sampling goes to OpenCV's ``remap`` /
``warpAffine`` / ``warpPerspective`` instead where they meet the contract (``_cv_sampling``:
OpenCV 4.11+ interpolates float32 with float weights; before, and in float64, it rounds
coordinates to 1/32 pixel); this gather is the path everywhere else.

Taps and weights per axis come from the reference (same formulas, so the same
conventions); the speed comes from:

* bilinear 2-D (the warps' hot path): the image is zero-padded by one pixel for
  ``zeros`` (then no validity masks: clamped coordinates read the zero ring); the four
  corners of every sample form one ``(4, n)`` index array and one ``(4, n)`` weight array
  shared by the channels, so a plane costs one ``take``, one multiply and one reduction
  (1.7x faster than blending the corners pairwise, measured);
* on the CPU, one batch item at a time (its index arrays stay in cache), items spread
  over a small thread pool (NumPy's ``take`` and ufuncs release the GIL), temporaries in
  per-thread scratch buffers (fresh large arrays page-fault on every call); on a GPU, one
  gather over the whole batch.

Other modes and 3-D go through the reference's per-axis taps with the same sharing of
indices and weights across channels (``_taps_nd``).
"""

from __future__ import annotations

import itertools
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from . import _cv_sampling
from . import _reference_sampling as ref


def grid_sample(eng, x, grid, mode="bilinear", padding_mode="zeros", align_corners=False):
    if x.dtype.kind != "f" or grid.dtype.kind != "f" or x.shape[0] == 0 or x.shape[1] == 0:
        return ref.grid_sample(eng.xp, x, grid, mode, padding_mode, align_corners)
    grid = grid.astype(x.dtype, copy=False)
    d = grid.shape[-1]
    on_cpu = eng.name != "cupy"
    if mode == "bilinear" and d == 2 and min(x.shape[2:]) >= 2:
        return _bilinear2d(eng, x, grid, padding_mode, align_corners, on_cpu)
    return _taps_nd(eng, x, grid, mode, padding_mode, align_corners, on_cpu)


# -- bilinear 2-D ----------------------------------------------------------------------
def _corner_coordinate(lib, g, size, padding_mode, align_corners):
    """Left tap and fraction along one axis, in (padded-)image pixels.

    ``zeros``: coordinates are clamped into ``[-1, size]`` (one ring of zeros beyond which
    the result is 0 anyway) and shifted by the ring; the left tap is at most ``size - 1``,
    so the right tap stays inside the ring.  ``border`` / ``reflection``: coordinates are
    inside ``[0, size - 1]`` and the left tap at most ``size - 2``.  In-place passes on
    fresh temporaries (the reference's formulas, fused).
    """
    # unnormalize: (g + 1) (size - 1) / 2, or ((g + 1) size - 1) / 2
    scale = (size - 1) / 2.0 if align_corners else size / 2.0
    shift = scale if align_corners else (size - 1) / 2.0
    c = lib.multiply(g, g.dtype.type(scale))
    if padding_mode == "zeros":
        c += g.dtype.type(shift + 1.0)  # + 1: the zero ring
        lib.clip(c, 0.0, float(size + 1), out=c)
        # NaN: tap 0 of the zero ring, fraction NaN (torch gives NaN)
        c0 = lib.fmax(c, 0.0)
        top = float(size)
    else:
        c += g.dtype.type(shift)
        c = ref.pad_coordinate(lib, c, size, padding_mode, align_corners)
        c0 = c.copy()
        top = float(size - 2)
    lib.floor(c0, out=c0)
    lib.minimum(c0, top, out=c0)
    lib.subtract(c, c0, out=c)
    return c0.astype(lib.intp), c


def _bilinear2d(eng, x, grid, padding_mode, align_corners, on_cpu):
    lib = eng.lib
    b, ch, h, w = x.shape
    ho, wo = grid.shape[1:3]
    out = lib.empty((b, ch, ho * wo), dtype=x.dtype)
    if not on_cpu:
        _bilinear_batch(lib, x, grid.reshape(b, ho * wo, 2), padding_mode, align_corners, out)
        return out.reshape(b, ch, ho, wo)

    def item(s):
        g = grid[s]
        cx = _pixel_into(lib, g[..., 0], w, align_corners, "x")
        cy = _pixel_into(lib, g[..., 1], h, align_corners, "y")
        _sample_pixels(eng, x[s], cx, cy, padding_mode, align_corners, out[s])

    _run_items(item, b, ch * ho * wo, threads=not _cv_sampling.usable(eng, x, (ho, wo)))
    return out.reshape(b, ch, ho, wo)


def _padded(lib, x, padding_mode):
    """``x (..., H, W)`` with a ring of zeros for ``zeros`` padding (else as is), contiguous."""
    if padding_mode != "zeros":
        return lib.ascontiguousarray(x)
    out = lib.zeros(x.shape[:-2] + (x.shape[-2] + 2, x.shape[-1] + 2), dtype=x.dtype)
    out[..., 1:-1, 1:-1] = x  # our own fresh buffer (2-4x faster than lib.pad)
    return out


def _corner_weights(lib, g, hw, padding_mode, align_corners):
    """``(lin, (4, n) weights)`` of the bilinear corners of samples ``g (..., n, 2)``."""
    h, w = hw
    wp = w + 2 if padding_mode == "zeros" else w
    x0, tx = _corner_coordinate(lib, g[..., 0], w, padding_mode, align_corners)
    y0, ty = _corner_coordinate(lib, g[..., 1], h, padding_mode, align_corners)
    lin = y0 * wp
    lin += x0
    ux, uy = 1.0 - tx, 1.0 - ty
    wts = lib.empty(tx.shape[:-1] + (4,) + tx.shape[-1:], dtype=tx.dtype)
    lib.multiply(uy, ux, out=wts[..., 0, :])
    lib.multiply(uy, tx, out=wts[..., 1, :])
    lib.multiply(ty, ux, out=wts[..., 2, :])
    lib.multiply(ty, tx, out=wts[..., 3, :])
    return lin, wts, wp


def _pixel_into(lib, g, size, align_corners, axis):
    """Normalised ``g`` (may be strided) -> pixel coordinates in a scratch buffer."""
    dt = g.dtype
    scale, shift = _unnormalize(size, align_corners)
    c = _scratch(lib, "c" + axis, g.shape, dt)
    lib.multiply(g, dt.type(scale), out=c)
    lib.add(c, dt.type(shift), out=c)
    return c


def _sample_pixels(eng, x, cx, cy, padding_mode, align_corners, out):
    """Bilinear samples of ``x (C, H, W)`` at pixel maps ``cx, cy (ho, wo)`` (scratch,
    overwritten) into ``out (C, ho * wo)``: OpenCV's ``remap`` where it meets the contract,
    else the gather."""
    lib, shape = eng.lib, (x.shape[0],) + cx.shape
    if _cv_sampling.usable(eng, x, cx.shape):
        xy = _scratch(lib, "xy", cx.shape + (2,), cx.dtype)
        args = (padding_mode, align_corners, out.reshape(shape), xy)
        if _cv_sampling.remap_planes(eng.cv2, lib, x, cx, cy, *args):
            return
    _bilinear_pixels(lib, x, cx.reshape(-1), cy.reshape(-1), padding_mode, align_corners, out)


def _bilinear_pixels(lib, x, cx, cy, padding_mode, align_corners, out):
    """Bilinear samples of ``x (C, H, W)`` at pixel coordinates ``cx, cy (n,)`` (both are
    overwritten) into ``out (C, n)``.

    The four corners of sample i are ``lin[i] + (0, 1, wp, wp + 1)`` (plus ``wp + 1``, the
    zero ring, for ``zeros``): one ``(4, n)`` index
    array and one ``(4, n)`` weight array serve every channel, so the planes cost one
    ``take``, one multiply and one reduction.  Every temporary is a per-thread scratch
    buffer.
    """
    ch, h, w = x.shape
    n, dt = cx.shape[0], out.dtype
    if padding_mode == "zeros":
        planes = _scratch(lib, "planes", (ch, h + 2, w + 2), dt, zero=True)
        planes[:, 1:-1, 1:-1] = x  # the ring stays zero: only the interior is written
    else:
        planes = lib.ascontiguousarray(x)
    wp = planes.shape[-1]
    x0, tx = _taps_into(lib, cx, w, padding_mode, align_corners, "x")
    y0, ty = _taps_into(lib, cy, h, padding_mode, align_corners, "y")
    lin = _scratch(lib, "lin", (n,), lib.intp)
    lib.multiply(y0, wp, out=lin)
    lib.add(lin, x0, out=lin)
    idx = _scratch(lib, "idx", (4, n), lib.intp)
    ring = wp + 1 if padding_mode == "zeros" else 0
    corners = lib.asarray([ring, ring + 1, ring + wp, ring + wp + 1], dtype=lib.intp)
    lib.add(lin[None, :], corners[:, None], out=idx)
    # weights: (1 - ty, ty) x (1 - tx, tx), the corner order of idx
    wy, wx = _scratch(lib, "wy", (2, n), dt), _scratch(lib, "wx", (2, n), dt)
    lib.subtract(1.0, ty, out=wy[0])
    wy[1] = ty
    lib.subtract(1.0, tx, out=wx[0])
    wx[1] = tx
    wts = _scratch(lib, "wts", (2, 2, n), dt)
    lib.multiply(wy[:, None, :], wx[None, :, :], out=wts)
    buf = _scratch(lib, "buf", (ch, 4, n), dt)
    lib.take(planes.reshape(ch, -1), idx, axis=1, out=buf, mode="clip")  # in range: no check
    lib.multiply(buf, wts.reshape(1, 4, n), out=buf)
    lib.add.reduce(buf, axis=1, out=out)


def _taps_into(lib, c, size, padding_mode, align_corners, axis):
    """Left taps (intp) and fractions of pixel coordinates ``c`` (overwritten with the
    fractions), as :func:`_corner_coordinate` but without the ring shift (``zeros``: taps
    from -1, the caller offsets the indices)."""
    c0 = _scratch(lib, "c0" + axis, c.shape, c.dtype)
    # No upper clamp of the left tap: at the last coordinate its fraction is exactly 0, so
    # the right tap (the next row's first element, or past the plane, which the clipping
    # ``take`` reads as its last element) gets weight 0 on a finite value.
    if padding_mode == "zeros":
        lib.clip(c, -1.0, float(size), out=c)
        lib.fmax(c, -1.0, out=c0)  # NaN: tap -1 (the zero ring), fraction NaN (as torch)
    else:
        if padding_mode == "border":
            lib.clip(c, 0.0, float(size - 1), out=c)
            lib.fmax(c, 0.0, out=c)  # NaN -> 0 (torch's clamp)
        else:
            c[...] = ref.pad_coordinate(lib, c, size, padding_mode, align_corners)
        c0[...] = c
    lib.floor(c0, out=c0)
    lib.subtract(c, c0, out=c)
    i0 = _scratch(lib, "i0" + axis, c.shape, lib.intp)
    i0[...] = c0
    return i0, c


# -- warps by homographies: pixel coordinates straight from the matrix -------------------------
def sample_homography(eng, x, m, dsize, mode, padding_mode, align_corners, affine):
    """The ``sample_homography`` primitive (contract in the reference) on NumPy / CuPy.

    CPU bilinear: per image, the source pixel coordinates of the output pixels come from
    the matrix folded with both normalisations (``(B, h, w, 2)`` grid never built: one
    broadcast add per axis for affine maps), then the bilinear gather above.
    """
    lib = eng.lib
    fast = (
        eng.name != "cupy"
        and mode == "bilinear"
        and x.dtype.kind == "f"
        and min(x.shape[2:]) >= 2
        and x.shape[0] > 0
        and x.shape[1] > 0
    )
    if not fast:
        return ref.sample_homography(eng, x, m, dsize, mode, padding_mode, align_corners, affine)
    b, ch, h, w = x.shape
    ho, wo = dsize
    q = _dst_pixel_to_src_normalised(lib, m, dsize, align_corners)
    out = lib.empty((b, ch, ho * wo), dtype=x.dtype)
    if _cv_sampling.usable(eng, x, dsize):
        pix = _unnormalize_matrix(lib, (h, w), align_corners) @ q
        if affine:
            pix[:, 2] = (0.0, 0.0, 1.0)  # the contract ignores an affine map's last row
        args = (padding_mode, align_corners, affine, out.reshape(b, ch, ho, wo))
        if _cv_sampling.warp_planes(eng.cv2, lib, x, pix, dsize, *args):
            return out.reshape(b, ch, ho, wo)
    rows = _pixel_rows(lib, q, (h, w), align_corners, affine)
    js = lib.arange(wo, dtype=lib.float64)
    is_ = lib.arange(ho, dtype=lib.float64)

    def item(s):
        r = rows[s if rows.shape[0] > 1 else 0]
        cx = _scratch(lib, "cx", (ho, wo), x.dtype)
        cy = _scratch(lib, "cy", (ho, wo), x.dtype)
        for k, c in ((0, cx), (1, cy)):  # row k of r applied to (j, i, 1): a broadcast add
            lib.add((r[k, 0] * js + r[k, 2])[None, :], (r[k, 1] * is_)[:, None], out=c)
        if not affine:
            shifts = [t for _, t in _unnormalize_axes((h, w), align_corners)]
            _divide_homogeneous(lib, r, js, is_, cx, cy, shifts)
        _sample_pixels(eng, x[s], cx, cy, padding_mode, align_corners, out[s])

    _run_items(item, b, ch * ho * wo, threads=not _cv_sampling.usable(eng, x, dsize))
    return out.reshape(b, ch, ho, wo)


def _unnormalize(size, align_corners):
    """``(scale, shift)`` of one axis: normalised -> pixel is ``g * scale + shift``."""
    return ((size - 1) / 2.0 if align_corners else size / 2.0), (size - 1) / 2.0


def _unnormalize_axes(hw, align_corners):
    """``(scale, shift)`` per axis ``(x, y)``: normalised -> pixel."""
    return [_unnormalize(size, align_corners) for size in (hw[1], hw[0])]


def _dst_pixel_to_src_normalised(lib, m, dsize, align_corners):
    """``m (B, 3, 3)`` (normalised destination -> normalised source) composed with the
    destination's pixel -> normalised map, float64."""
    m = lib.asarray(m, dtype=lib.float64)
    ho, wo = dsize
    dst = []
    for size in (wo, ho):  # destination pixel -> destination normalised (x, then y)
        if align_corners:
            dst.append((2.0 / (size - 1), -1.0) if size > 1 else (0.0, 0.0))
        else:
            dst.append((2.0 / size, 1.0 / size - 1.0))
    n_dst = lib.asarray([[dst[0][0], 0.0, dst[0][1]], [0.0, dst[1][0], dst[1][1]], [0.0, 0.0, 1.0]])
    return m @ n_dst


def _unnormalize_matrix(lib, src_hw, align_corners):
    """The ``3 x 3`` source normalised -> source pixel map."""
    (sx, tx), (sy, ty) = _unnormalize_axes(src_hw, align_corners)
    return lib.asarray([[sx, 0.0, tx], [0.0, sy, ty], [0.0, 0.0, 1.0]])


def _pixel_rows(lib, q, src_hw, align_corners, affine):
    """Rows mapping destination pixels ``(j, i, 1)`` to source quantities, float64, from
    ``q`` (:func:`_dst_pixel_to_src_normalised`): rows 0, 1: ``scale * (normalised
    numerators)``; row 2: the homogeneous ``w``.  For an affine map, rows 0 and 1 give the
    pixel coordinates directly."""
    (sx, tx), (sy, ty) = _unnormalize_axes(src_hw, align_corners)
    rows = q.copy()
    rows[:, 0] *= sx
    rows[:, 1] *= sy
    # for affine maps (q's last row (0, 0, 1)) the shift folds into the constant term;
    # projective maps add it after the division (_divide_homogeneous)
    w_const = 1.0 if affine else q[:, 2, 2]  # affine: the last row is ignored (exactly 1)
    rows[:, 0, 2] += tx * w_const
    rows[:, 1, 2] += ty * w_const
    return rows


def _divide_homogeneous(lib, r, js, is_, cx, cy, shifts):
    """Projective maps: ``c = (c - shift * r22) / w_safe + shift`` with ``w_safe = w``
    where ``|w| > 1e-8``, else 1 (undivided, as ``convert_points_from_homogeneous``)."""
    wgt = _scratch(lib, "w", cx.shape, cx.dtype)
    lib.add((r[2, 0] * js + r[2, 2])[None, :], (r[2, 1] * is_)[:, None], out=wgt)
    mag = _scratch(lib, "absw", cx.shape, cx.dtype)
    small = _scratch(lib, "small", cx.shape, lib.bool_)
    lib.abs(wgt, out=mag)
    lib.less_equal(mag, 1e-8, out=small)
    lib.copyto(wgt, 1.0, where=small)
    q22 = r[2, 2]
    for c, t in zip((cx, cy), shifts, strict=True):
        # rows folded shift * q22 into the constant; the numerator needs shift * w instead
        lib.subtract(c, c.dtype.type(t * q22), out=c)
        lib.divide(c, wgt, out=c)
        lib.add(c, c.dtype.type(t), out=c)


#: per-thread scratch buffers of the CPU paths: large fresh temporaries page-fault on
#: every call (measured 5-10x slower than reusing them on a virtual machine)
_LOCAL = threading.local()
_SCRATCH_MAX = 1 << 23  # elements: larger buffers are not kept


def _scratch(lib, name, shape, dtype, zero=False):
    """A reusable buffer of this thread (``zero``: zero-filled when first made)."""
    cache = getattr(_LOCAL, "bufs", None)
    if cache is None:
        cache = _LOCAL.bufs = {}
    a = cache.get(name)
    if a is None or a.shape != shape or a.dtype != dtype:
        a = lib.zeros(shape, dtype=dtype) if zero else lib.empty(shape, dtype=dtype)
        if a.size <= _SCRATCH_MAX:
            cache[name] = a
    return a


def _bilinear_batch(lib, x, g, padding_mode, align_corners, out):
    """GPU form: one gather over the whole batch (indices offset per plane)."""
    b, ch = x.shape[:2]
    planes = _padded(lib, x, padding_mode).reshape(b * ch, -1)
    lin, wts, wp = _corner_weights(lib, g, x.shape[-2:], padding_mode, align_corners)
    corners = lib.asarray([0, 1, wp, wp + 1], dtype=lib.intp).reshape(1, 1, 4, 1)
    offs = (lib.arange(b * ch, dtype=lib.intp) * planes.shape[1]).reshape(b, ch, 1, 1)
    vals = planes.reshape(-1)[lin[:, None, None, :] + corners + offs]  # (b, ch, 4, n)
    out[...] = lib.sum(vals * wts[:, None], axis=2)


#: thread pool of the CPU paths: NumPy's take and ufuncs release the GIL, so batch items
#: run in parallel (one worker per core, at most 4)
_POOL = None
_POOL_LOCK = threading.Lock()
_MIN_PARALLEL = 1 << 15  # elements per item below which threads cost more than they save


def _run_items(fn, n_items, per_item, threads=True):
    """``fn(s)`` for every batch item; on a thread pool unless ``threads`` is False (the
    item runs OpenCV, which has its own threads) or the items are small."""
    global _POOL
    workers = min(4, os.cpu_count() or 1)
    if not threads or n_items < 2 or workers < 2 or per_item < _MIN_PARALLEL:
        for s in range(n_items):
            fn(s)
        return
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pv-sample")
    for f in [_POOL.submit(fn, s) for s in range(n_items)]:
        f.result()


# -- any mode, 2-D or 3-D ----------------------------------------------------------------
def _taps_nd(eng, x, grid, mode, padding_mode, align_corners, on_cpu):
    lib = eng.lib
    b, ch = x.shape[:2]
    out_spatial = tuple(grid.shape[1:-1])
    d = grid.shape[-1]
    n_out = 1
    for s in out_spatial:
        n_out *= s
    flat = lib.ascontiguousarray(x).reshape(b, ch, -1)
    out = lib.empty((b, ch, n_out), dtype=x.dtype)
    args = (mode, padding_mode, align_corners, tuple(x.shape[2:]))
    if on_cpu:

        def item(s):
            _taps_item(eng, flat[s], grid[s].reshape(n_out, d), args, out[s])

        _run_items(item, b, ch * n_out)
    else:
        out[...] = 0.0
        offs = (lib.arange(b * ch, dtype=lib.intp) * flat.shape[2]).reshape(b, ch, 1)
        for lin, weight in _combos(eng, grid.reshape(b, n_out, d), args, x.dtype):
            vals = flat.reshape(-1)[lin[:, None, :] + offs]
            out += vals if weight is None else vals * weight[:, None, :]
    return out.reshape((b, ch) + out_spatial)


def _combos(eng, g, args, dtype):
    """``(flat index, weight or None)`` of every tap combination of samples ``g (..., n, d)``.

    The taps of each axis come from the reference (``_axis_taps``); validity (``zeros``
    padding, or bicubic taps outside the image) is folded into the axis weights once, and
    ``None`` stands for weights that are all 1 (nearest inside the image).  Taps outside
    the image exist only with ``zeros``: the other paddings map coordinates inside.
    """
    mode, padding_mode, align_corners, spatial = args
    d = g.shape[-1]
    strides = [1] * d
    for i in range(d - 2, -1, -1):
        strides[i] = strides[i + 1] * spatial[i + 1]
    axes = []
    for i in range(d):
        taps = ref._axis_taps(
            eng.xp, g[..., d - 1 - i], spatial[i], mode, padding_mode, align_corners
        )
        terms = []
        for idx, w, valid in taps:
            if padding_mode == "zeros":  # a product keeps NaN weights NaN (as torch)
                m = valid.astype(dtype)
                w = m if w is None else w * m
            terms.append((idx * strides[i] if strides[i] != 1 else idx, w))
        axes.append(terms)
    for combo in itertools.product(*axes):
        lin, weight = combo[0]
        for idx, w in combo[1:]:
            lin = lin + idx
            weight = w if weight is None else (weight if w is None else weight * w)
        yield lin, weight


def _taps_item(eng, planes, g, args, out):
    """One image ``planes (C, N)`` at samples ``g (n, d)`` into ``out (C, n)``."""
    lib = eng.lib
    buf = lib.empty(out.shape[1:], dtype=out.dtype)
    for k, (lin, weight) in enumerate(_combos(eng, g, args, out.dtype)):
        for c in range(planes.shape[0]):
            dst = out[c] if k == 0 else buf
            lib.take(planes[c], lin, out=dst, mode="clip")  # indices are in range
            if weight is not None:
                lib.multiply(dst, weight, out=dst)
            if k:
                lib.add(out[c], buf, out=out[c])
