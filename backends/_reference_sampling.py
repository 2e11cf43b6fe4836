"""Reference of the ``grid_sample`` primitive (owner: geometry/warp work).

Contract (the meaning of ``torch.nn.functional.grid_sample``):

``grid_sample(xp, x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)``

* ``x``: ``(B, C, H, W)`` with ``grid`` ``(B, Ho, Wo, 2)``, or ``(B, C, D, H, W)`` with
  ``grid`` ``(B, Do, Ho, Wo, 3)``; the last grid axis is ``(x, y[, z])`` in normalised
  coordinates: ``-1`` / ``1`` are the centres of the corner pixels when ``align_corners``
  is True, their outer edges when False.
* ``mode``: ``bilinear`` (trilinear in 3-D), ``nearest`` (round half to even, as torch),
  ``bicubic`` (2-D only; Keys kernel a = -0.75, taps clamped by ``padding_mode``).
* ``padding_mode``: ``zeros`` (outside samples contribute 0: ndimage ``grid-constant``),
  ``border`` (clamp the coordinate), ``reflection`` (reflect the coordinate about the
  borders given by ``align_corners``, then clamp).
* NaN coordinates (2-D, pinned against torch): 0 with ``nearest`` + ``zeros``; NaN with
  the other ``zeros`` modes and with ``bicubic``; the pixel at coordinate 0 with
  ``border`` / ``reflection`` (bilinear, nearest).
* ``grid``'s batch equals ``x``'s (a broadcast view of a batch-1 grid is fine).
* Output ``(B, C, Ho, Wo)`` / ``(B, C, Do, Ho, Wo)`` of ``x``'s dtype; differentiable in
  ``x`` and ``grid`` on autograd engines.

How the reference computes it: per spatial axis, the pixel coordinate of every sample,
its integer taps and their weights (with validity for ``zeros``); then one gather per
tap combination from the channel-last image ``(B * H * W, C)`` with a 1-D ``take``, so
the indices and weights are shared by all channels.
"""

from __future__ import annotations

import itertools

#: Keys' cubic convolution parameter used by torch's bicubic (and OpenCV's INTER_CUBIC)
CUBIC_A = -0.75


def unnormalize(xp, g, size, align_corners):
    """Normalised coordinate ``g`` -> pixel coordinate along an axis of ``size`` pixels."""
    if align_corners:
        return (g + 1.0) * ((size - 1) / 2.0)
    return ((g + 1.0) * size - 1.0) / 2.0


def reflect(xp, c, size, align_corners):
    """Reflect pixel coordinates about the borders (pixel centres or outer edges), then
    clamp them into ``[0, size - 1]`` (torch's ``reflect_coordinates`` + clip)."""
    lo, hi = (0.0, size - 1.0) if align_corners else (-0.5, size - 0.5)
    span = hi - lo
    if span <= 0:
        return xp.zeros_like(c)
    d = xp.abs(c - lo)
    flips = xp.floor(d / span)
    extra = d - flips * span
    even = flips - 2.0 * xp.floor(flips * 0.5) == 0.0
    out = xp.where(even, extra + lo, hi - extra)
    return xp.clip(out, 0.0, size - 1.0)


def pad_coordinate(xp, c, size, padding_mode, align_corners):
    """Apply ``padding_mode`` to pixel coordinates (``zeros`` leaves them alone).

    ``border`` / ``reflection`` send NaN to 0, as torch's clamp does.
    """
    if padding_mode == "border":
        c = xp.clip(c, 0.0, size - 1.0)
    elif padding_mode == "reflection":
        c = reflect(xp, c, size, align_corners)
    else:
        return c
    return xp.where(xp.isnan(c), xp.zeros_like(c), c)


def cubic_weights(xp, t):
    """Keys (a = -0.75) weights of the taps at offsets -1, 0, 1, 2 for fraction ``t``."""
    a = CUBIC_A

    def near(s):  # |s| <= 1
        return ((a + 2.0) * s - (a + 3.0)) * s * s + 1.0

    def far(s):  # 1 < |s| < 2
        return ((a * s - 5.0 * a) * s + 8.0 * a) * s - 4.0 * a

    return [far(t + 1.0), near(t), near(1.0 - t), far(2.0 - t)]


def _axis_taps(xp, g, size, mode, padding_mode, align_corners):
    """``[(index, weight_or_None, valid_or_None), ...]`` along one axis.

    ``index`` is an int64 array clamped into ``[0, size - 1]``; ``valid`` marks the
    taps inside the image (``zeros`` padding only).
    """
    c = unnormalize(xp, g, size, align_corners)
    if mode == "bicubic":
        c0 = xp.floor(c)
        t = c - c0
        weights = cubic_weights(xp, t)
        taps = []
        for k, w in zip((-1.0, 0.0, 1.0, 2.0), weights, strict=True):
            # torch pads every tap coordinate, then reads zero outside the image
            p = pad_coordinate(xp, c0 + k, size, padding_mode, align_corners)
            taps.append(_tap(xp, p, size, w))
        return taps
    c = pad_coordinate(xp, c, size, padding_mode, align_corners)
    if mode == "nearest":
        return [_tap(xp, xp.round(c), size, None)]
    c0 = xp.floor(c)
    t = c - c0
    return [_tap(xp, c0, size, 1.0 - t), _tap(xp, c0 + 1.0, size, t)]


def _tap(xp, p, size, w):
    """Clamped integer index, weight, and validity of integer-valued coordinates ``p``."""
    valid = (p >= 0.0) & (p <= size - 1.0)  # False for NaN
    safe = xp.clip(xp.where(xp.isnan(p), xp.zeros_like(p), p), 0.0, size - 1.0)
    return xp.astype(safe, xp.int64), w, valid


def grid_sample(xp, x, grid, mode="bilinear", padding_mode="zeros", align_corners=False):
    """Sample ``x`` at ``grid``'s normalised coordinates (see the module contract)."""
    d = grid.shape[-1]
    b, c = x.shape[0], x.shape[1]
    spatial = tuple(x.shape[2:])
    out_spatial = tuple(grid.shape[1:-1])
    n_out = 1
    for s in out_spatial:
        n_out *= s
    g = xp.reshape(grid, (b, n_out, d))
    # per axis in array order (z, y, x): the grid stores x first
    axes = [
        _axis_taps(xp, g[:, :, d - 1 - i], spatial[i], mode, padding_mode, align_corners)
        for i in range(d)
    ]
    strides = [1] * d
    for i in range(d - 2, -1, -1):
        strides[i] = strides[i + 1] * spatial[i + 1]
    n_in = strides[0] * spatial[0]
    # channel-last rows, so one 1-D take gathers every channel of a sample
    perm = (0,) + tuple(range(2, d + 2)) + (1,)
    rows = xp.reshape(xp.permute_dims(x, perm), (b * n_in, c))
    base = xp.reshape(xp.arange(b, dtype=xp.int64, device=x.device) * n_in, (b, 1))
    out = None
    for combo in itertools.product(*axes):
        flat = base
        weight = None
        valid = None
        for s, (idx, w, v) in zip(strides, combo, strict=True):
            flat = flat + idx * s
            if w is not None:
                weight = w if weight is None else weight * w
            valid = v if valid is None else valid & v
        vals = xp.reshape(xp.take(rows, xp.reshape(flat, (-1,)), axis=0), (b, n_out, c))
        # taps outside the image read zero (as torch's bounded reads); a product, not a
        # `where`, so that NaN weights (NaN coordinates) stay NaN as in torch
        mask = xp.astype(valid, x.dtype)
        weight = mask if weight is None else weight * mask
        term = vals * weight[:, :, None]
        out = term if out is None else out + term
    out = xp.permute_dims(out, (0, 2, 1))
    return xp.reshape(out, (b, c) + out_spatial)


def homography_grid(xp, m, dsize, align_corners, affine=False):
    """``(B, h, w, 2)`` normalised source coordinates of the ``dsize`` destination pixels
    under ``m (B, 3, 3)`` (destination -> source, normalised, in ``m``'s dtype).

    Each row of ``m`` applied to the separable destination grid is ``(B, 1, w) + (B, h, 1)``;
    ``affine`` ignores the last row; the homogeneous division leaves ``|w| <= 1e-8``
    undivided (``convert_points_from_homogeneous``'s rule).
    """
    terms = homography_terms(xp, m, dsize, align_corners)
    (ax, bx), (ay, by) = terms(0), terms(1)
    gx, gy = ax + bx, ay + by
    if not affine:
        aw, bw = terms(2)
        den = safe_w(xp, aw + bw)
        gx, gy = gx / den, gy / den
    return xp.stack([gx, gy], axis=-1)


def homography_terms(xp, m, dsize, align_corners):
    """``terms(i)``: the ``(B, 1, w)`` and ``(B, h, 1)`` parts of row ``i`` of ``m`` applied to
    the destination grid (their sum, in this order, is the row's plane)."""
    xs = _axis_grid(xp, dsize[1], align_corners, m)[None, None, :]
    ys = _axis_grid(xp, dsize[0], align_corners, m)[None, :, None]

    def terms(i):
        return m[:, i, 0, None, None] * xs + m[:, i, 2, None, None], m[:, i, 1, None, None] * ys

    return terms


def safe_w(xp, w):
    """The homogeneous ``w`` with ``|w| <= 1e-8`` replaced by 1 (left undivided)."""
    return xp.where(xp.abs(w) > 1e-8, w, xp.ones_like(w))


def _axis_grid(xp, n, align_corners, like):
    """Normalised coordinates of ``n`` pixel centres (``create_meshgrid``'s)."""
    i = xp.arange(n, dtype=like.dtype, device=like.device)
    if not align_corners:
        return (2.0 * i + 1.0) / n - 1.0
    return i * 0.0 if n == 1 else i * (2.0 / (n - 1)) - 1.0


def sample_homography(
    eng, x, m, dsize, mode="bilinear", padding_mode="zeros", align_corners=True, affine=False
):
    """Contract of the ``sample_homography`` primitive: ``grid_sample`` of ``x (B, C, H, W)``
    on :func:`homography_grid` of ``m (1 | B, 3, 3)`` (a batch-1 matrix is shared), i.e.
    the warp of ``x`` by the destination -> source normalised homography ``m`` onto
    ``dsize``.  Engines override it to skip building the ``(B, h, w, 2)`` grid.

    Takes the engine (not ``xp``): the sampling is ``eng.grid_sample``.
    """
    xp = eng.xp
    grid = homography_grid(xp, m, dsize, align_corners, affine)
    if grid.shape[0] != x.shape[0]:
        grid = xp.broadcast_to(grid, (x.shape[0],) + tuple(grid.shape[1:]))
    return eng.grid_sample(x, grid, mode, padding_mode, align_corners)
