"""Contrast-limited adaptive histogram equalization: ``equalize_clahe`` (Kornia's
``kornia.enhance.equalization``).

Conventions (Kornia 0.9, pinned in tests/enhance/test_enhance_pil_ops.py):

* the ``H x W`` plane is cut into ``grid_size`` tiles of ``ceil(H / GH) x ceil(W / GW)``
  pixels, the image reflect-padded at its bottom / right end where the grid does not
  divide it;
* each tile's 256-bin histogram (of ``floor(x * 255)``) is clipped at
  ``max(clip_limit * pixels // 256, 1)``, the clipped mass spread over the bins as OpenCV
  does, and turned into a lookup table ``round(cumsum * 255 / pixels)``;
* every pixel blends the lookup tables of the four nearest tile centres bilinearly, with
  weights ``(p + 0.5) / tile - 0.5`` from the tile centres (half a pixel before OpenCV's and
  scikit-image's phase, which keeps flips symmetric), clamped at the borders; the result is
  not rounded to 8 bits.

``cv2.createCLAHE`` uses the same tiles and lookup tables when the grid divides the image,
and ``skimage.exposure.equalize_adapthist`` a different clip normalisation (a fraction of
the tile, default 0.01) and its own padding: both agree only approximately (tested).
"""

from __future__ import annotations

import math
from typing import Any

from portvision._checks import shape_of
from portvision._dispatch import dispatch1
from portvision._registry import register_op
from portvision.enhance._common import float_image
from portvision.enhance.pil_ops import _check_unit_range, _levels

Array = Any
_BINS = 256


def _check_grid(grid_size, h, w):
    ok = (
        isinstance(grid_size, tuple)
        and len(grid_size) == 2
        and all(isinstance(g, int) and not isinstance(g, bool) and g > 0 for g in grid_size)
    )
    if not ok:
        raise ValueError(f"grid_size: expected a tuple of two positive ints, got {grid_size!r}")
    gh, gw = grid_size
    if h <= gh or w <= gw:
        raise ValueError(
            f"input: expected an image larger than grid_size {grid_size} (at least "
            f"({gh + 1}, {gw + 1})), got (H, W) = ({h}, {w})"
        )
    th, tw = -(-h // gh), -(-w // gw)
    if th * gh - h >= h or tw * gw - w >= w:
        raise ValueError(
            f"input: the grid {grid_size} needs more reflect padding than the image (H, W) = "
            f"({h}, {w}) has; expected at least ({gh // 2 + 1}, {gw // 2 + 1}) pixels per tile row"
        )
    return gh, gw, th, tw


def _tile_histograms(eng, tiles, differentiable):
    """Per-tile 256-bin counts ``(T, 256)`` in the tiles' dtype."""
    xp = eng.xp
    n = int(tiles.shape[1])
    if differentiable:
        from portvision.enhance.histograms import _gauss_kernels

        bins = xp.linspace(0.0, 1.0, _BINS, dtype=tiles.dtype, device=tiles.device)
        pdf = xp.mean(_gauss_kernels(xp, tiles, bins, 0.001), axis=1)
        return pdf / (xp.sum(pdf, axis=1, keepdims=True) + 1e-10) * float(n)
    inside = (tiles >= 0.0) & (tiles <= 1.0)  # out-of-range values are not counted
    idx = xp.where(inside, _levels(xp, tiles), xp.full_like(_levels(xp, tiles), _BINS))
    return xp.astype(eng.bincount(idx, _BINS + 1)[:, :_BINS], tiles.dtype)


def _spread_residual(xp, residual):
    """One extra count on every ``step``-th bin from bin 0 until ``residual`` is spent (OpenCV)."""
    bins = xp.arange(_BINS, dtype=residual.dtype, device=residual.device)[None, :]
    step = xp.maximum(xp.floor(_BINS / xp.maximum(residual, xp.ones_like(residual))), 1.0)
    hit = (xp.remainder(bins, step) == 0) & (xp.floor(bins / step) < residual)
    return xp.astype(hit, residual.dtype)


def _luts(eng, tiles, clip_limit, differentiable):
    """Lookup tables ``(T, 256)`` of the tiles ``(T, pixels)``."""
    xp = eng.xp
    pixels = int(tiles.shape[1])
    hist = _tile_histograms(eng, tiles, differentiable)
    if clip_limit > 0.0:
        max_val = max(clip_limit * pixels // _BINS, 1)
        limited = xp.minimum(hist, xp.full_like(hist, max_val))
        if differentiable:
            clipped = xp.sum(xp.clip(hist - max_val, 0.0, None), axis=1, keepdims=True)
        else:
            clipped = pixels - xp.sum(limited, axis=1, keepdims=True)
        residual = xp.remainder(clipped, float(_BINS))
        hist = limited + (clipped - residual) / _BINS + _spread_residual(xp, residual)
    lut = xp.clip(xp.cumulative_sum(hist, axis=1) * ((_BINS - 1) / pixels), 0.0, _BINS - 1.0)
    return lut if differentiable else xp.round(lut)


def _centre_weights(xp, n, tile, grid, dtype, device):
    """Lower / upper tile index and the weight of the upper one, per pixel along one axis."""
    pos = (xp.arange(n, dtype=dtype, device=device) - (tile - 1) / 2) / tile
    lo = xp.floor(pos)
    w = xp.clip(pos - lo, 0.0, 1.0)
    w = xp.where((pos < 0) | (pos > grid - 1), xp.zeros_like(w), w)
    i0 = xp.astype(xp.clip(lo, 0.0, grid - 1.0), xp.int64)
    i1 = xp.astype(xp.clip(lo + 1.0, 0.0, grid - 1.0), xp.int64)
    return i0, i1, w


@register_op(tolerance="loose")
def equalize_clahe(
    input: Array,
    clip_limit: float = 40.0,
    grid_size: tuple[int, int] = (8, 8),
    slow_and_differentiable: bool = False,
) -> Array:
    """Contrast-limited adaptive histogram equalization of every channel (OpenCV's CLAHE).

    Args:
        input: float image ``(*, C, H, W)`` (or ``(H, W)``) in [0, 1], larger than the grid.
        clip_limit: contrast limit per bin, in multiples of the mean count; 0 disables it.
        grid_size: number of tiles ``(GH, GW)`` along H and W.
        slow_and_differentiable: build the histograms with a Gaussian kernel density
            (bandwidth 0.001) so that gradients reach the input; lookup tables are then not
            rounded.

    Returns:
        The equalized image, same shape and dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.linspace(0.3, 0.5, 400, dtype=np.float32).reshape(1, 1, 20, 20)
        >>> y = pv.enhance.equalize_clahe(x, grid_size=(2, 2))
        >>> y.shape, bool(y.max() - y.min() > x.max() - x.min())
        ((1, 1, 20, 20), True)
    """
    eng, input = dispatch1("input", input)
    xp = eng.xp
    float_image(eng, input, "input")
    if not isinstance(clip_limit, float):
        raise TypeError(f"clip_limit: expected a float, got {type(clip_limit).__name__}")
    if not (clip_limit >= 0 and math.isfinite(clip_limit)):
        raise ValueError(f"clip_limit: expected a non-negative finite float, got {clip_limit!r}")
    if input.ndim < 2:
        raise ValueError(f"input: expected shape (*, C, H, W), got {shape_of(input)}")
    shape = shape_of(input)
    h, w = shape[-2:]
    gh, gw, th, tw = _check_grid(grid_size, h, w)
    _check_unit_range(eng, input, "input")
    planes = xp.reshape(input, (-1, h, w))
    n = int(planes.shape[0])
    padded = eng.pad(planes[:, None, :, :], ((0, th * gh - h), (0, tw * gw - w)), "reflect")
    tiles = xp.reshape(padded, (n, gh, th, gw, tw))
    tiles = xp.reshape(xp.permute_dims(tiles, (0, 1, 3, 2, 4)), (n * gh * gw, th * tw))
    lut = xp.reshape(_luts(eng, tiles, clip_limit, slow_and_differentiable), (1, -1))
    # bilinear blend of the four nearest tile centres' tables, gathered from the flat LUT
    cdt = xp.float64 if planes.dtype == xp.float64 else xp.float32
    dev = planes.device
    y0, y1, wy = _centre_weights(xp, h, th, gh, cdt, dev)
    x0, x1, wx = _centre_weights(xp, w, tw, gw, cdt, dev)
    wy = xp.astype(wy, planes.dtype)[:, None]
    wx = xp.astype(wx, planes.dtype)[None, :]
    level = _levels(xp, planes)
    base = xp.reshape(xp.arange(n, dtype=xp.int64, device=dev), (-1, 1, 1)) * (gh * gw * _BINS)

    def read(rows, cols):
        tile = (rows[:, None] * gw + cols[None, :]) * _BINS
        return xp.reshape(eng.lookup(lut, xp.reshape(base + tile + level, (1, -1))), (n, h, w))

    top = read(y0, x1) + (read(y0, x0) - read(y0, x1)) * (1.0 - wx)
    bottom = read(y1, x1) + (read(y1, x0) - read(y1, x1)) * (1.0 - wx)
    out = (top + (bottom - top) * wy) / 255.0
    return xp.reshape(out, shape)


__all__ = ["equalize_clahe"]
