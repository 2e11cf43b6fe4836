"""Automatic thresholding: ``otsu_threshold`` (Otsu 1979), one threshold per image plane.

Each plane (the last two axes; an input of at most two axes is one plane) is histogrammed
over its own range, ``nbins`` equal bins from its minimum to its maximum. The split after
bin ``t`` that maximises the between-class variance gives the threshold, the upper edge of
bin ``t``; the foreground is ``x > threshold``. Facts from Kornia 0.9:

* histogram and edge arithmetic run in float64 for float64 input, else float32; a pixel's
  bin is ``int((v - min) * nbins / (max - min))`` clipped to ``nbins - 1``;
* splits after an empty bin do not compete (the lowest of equivalent splits wins);
* a float threshold is nudged to lie at or above the largest background pixel and strictly
  below the smallest foreground pixel; an integer threshold is ``ceil(edge) - 1``;
* a constant plane's threshold is its value (everything is background).

The histogram of every plane comes from one call of the engine's ``bincount`` primitive
(NumPy / torch ``bincount``; the reference sorts once and counts with ``searchsorted``).
"""

from __future__ import annotations

import math
from typing import Any

from portvision._checks import shape_of
from portvision._dispatch import dispatch1
from portvision._registry import register_op
from portvision.filters.kernels import _erf

__all__ = ["otsu_threshold"]

#: Kornia's constants of the ``slow_and_differentiable`` path (in bin widths / relative units)
_KDE_BANDWIDTH = 0.1
_SURROGATE_BANDWIDTH = 0.5
_SOFT_ARGMAX_TEMPERATURE = 0.01
_NONEMPTY_BIN_MASS = 0.01

_DTYPES = ("uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64")


def _planes(xp, x):
    """``(n_planes, N)`` rows: <= 2 axes is one plane, else one per ``(H, W)`` plane."""
    if x.ndim > 5:
        raise ValueError(f"x: expected at most 5 axes, got shape {shape_of(x)}")
    if x.ndim <= 2:
        return xp.reshape(x, (1, -1))
    if x.ndim == 3:
        return xp.reshape(x, (x.shape[0], -1))
    return xp.reshape(x, (-1, x.shape[-2] * x.shape[-1]))


def _between_class_variance(xp, hist):
    """Otsu's ``w_bg w_fg (mu_bg - mu_fg)^2`` of the split after each bin but the last;
    -1 where a class is empty."""
    nb = hist.shape[1]
    bins = xp.arange(nb, dtype=hist.dtype, device=hist.device)
    total_w = xp.sum(hist, axis=1, keepdims=True)
    total_s = xp.sum(hist * bins, axis=1, keepdims=True)
    w_bg = xp.cumulative_sum(hist, axis=1)[:, :-1]
    s_bg = xp.cumulative_sum(hist * bins, axis=1)[:, :-1]
    w_fg, s_fg = total_w - w_bg, total_s - s_bg
    ok_bg, ok_fg = w_bg > 0, w_fg > 0
    one = xp.ones_like(w_bg)
    mu_bg = s_bg / xp.where(ok_bg, w_bg, one)
    mu_fg = s_fg / xp.where(ok_fg, w_fg, one)
    valid = ok_bg & ok_fg
    return xp.where(valid, w_bg * w_fg * (mu_bg - mu_fg) ** 2, -one), valid


def _edge(xp, lo, hi, k, nbins: int):
    """Edge ``k`` of ``nbins`` equal bins from ``lo`` to ``hi`` (``linspace``'s symmetric
    interpolation: from ``lo`` for the lower half, from ``hi`` for the upper); ``k`` broadcasts."""
    step = (hi - lo) / nbins
    return xp.where(k < (nbins + 1) // 2, lo + k * step, hi + (k - nbins) * step)


def _pick(xp, values, onehot):
    """``values[row, t[row]]`` given the one-hot rows of ``t`` (exact: a max over one entry)."""
    low = xp.asarray(-math.inf, dtype=values.dtype, device=values.device)
    return xp.max(xp.where(onehot, values, low), axis=1)


def _ndtr(xp, z):
    """Standard normal CDF from the series ``erf``."""
    return 0.5 * (1.0 + _erf(xp, z * (1.0 / math.sqrt(2.0))))


def _kde_histogram(xp, coords, nbins: int, bandwidth: float):
    """Bin masses of a Gaussian KDE of ``coords`` (bin units); the tails stay in the end bins."""
    inner = xp.arange(1, nbins, dtype=coords.dtype, device=coords.device)
    above = xp.mean(_ndtr(xp, (coords[:, :, None] - inner) / bandwidth), axis=1)  # (n, nbins - 1)
    ones = xp.ones_like(above[:, :1])
    above = xp.concat([ones, above, 0.0 * ones], axis=1)
    return above[:, :-1] - above[:, 1:]


def _split(xp, var, nonempty):
    """Best split per row (the first maximum) and its variance; splits after empty bins lose."""
    var = xp.where(nonempty, var, -xp.ones_like(var))
    t = xp.argmax(var, axis=1)
    return t, xp.max(var, axis=1)


def _hard_split(eng, xs, nbins):
    """Default path: ``(t, max_var, upper edge, lower edge, bin index of every pixel)``."""
    xp = eng.xp
    v = xs
    lo, hi = xp.min(v, axis=1, keepdims=True), xp.max(v, axis=1, keepdims=True)
    width = hi - lo
    tiny = xp.finfo(v.dtype).smallest_normal
    # an overflowing range is binned in units of the largest magnitude
    scale = xp.where(
        xp.isfinite(width * nbins),
        xp.ones_like(width),
        xp.clip(xp.maximum(xp.abs(lo), xp.abs(hi)), tiny, None),
    )
    v, lo, hi = v / scale, lo / scale, hi / scale
    width = hi - lo
    safe = xp.where(width > 0, width, xp.ones_like(width))
    idx = xp.clip(xp.astype((v - lo) * nbins / safe, xp.int64), 0, nbins - 1)
    hist = xp.astype(eng.bincount(idx, nbins), v.dtype)
    hist = hist / xp.sum(hist, axis=1, keepdims=True)
    var, _ = _between_class_variance(xp, hist)
    t, best = _split(xp, var, hist[:, :-1] > 0)
    k = xp.reshape(xp.astype(t + 1, v.dtype), (-1, 1))
    upper = (_edge(xp, lo, hi, k, nbins) * scale)[:, 0]
    return t, best, upper, (lo * scale)[:, 0], idx


def _soft_split(eng, xs, nbins):
    """``slow_and_differentiable``: the split of a Gaussian KDE histogram (0.1 bin), plus the
    straight-through soft-argmax threshold of a wider estimate (0.5 bin) on autograd engines."""
    xp = eng.xp
    sg = eng.stop_gradient
    xd = sg(xs)
    lo, hi = xp.min(xd, axis=1), xp.max(xd, axis=1)
    span = xp.reshape(hi - lo, (-1, 1))
    finite = xp.isfinite(span)
    offset = xp.where(finite, xp.reshape(lo, (-1, 1)), xp.zeros_like(span))
    tiny = xp.finfo(xs.dtype).smallest_normal
    largest = xp.clip(xp.max(xp.abs(xd), axis=1, keepdims=True), tiny, None)
    scale = xp.where(finite, xp.where(span > 0, span, xp.ones_like(span)), largest)
    bounded = (xd - offset) / scale + (xs - xd)  # identity gradient to xs
    bmin = xp.min(bounded, axis=1)
    bspan = xp.max(bounded, axis=1) - bmin
    safe = xp.where(bspan > 0, bspan, xp.ones_like(bspan))
    coords = ((bounded - bmin[:, None]) / safe[:, None]) * nbins
    cd = sg(coords)
    hist = _kde_histogram(xp, cd, nbins, _KDE_BANDWIDTH)
    var, _ = _between_class_variance(xp, hist)
    t, best = _split(xp, var, hist[:, :-1] > _NONEMPTY_BIN_MASS / xs.shape[1])
    idx = xp.clip(xp.astype(cd, xp.int64), 0, nbins - 1)
    upper = _upper_edge(xp, lo, hi, xp.astype(t + 1, xs.dtype), nbins)
    soft = _soft_threshold(xp, coords, bmin, bspan, nbins) if eng.differentiable else None
    return t, best, upper, lo, idx, soft


def _upper_edge(xp, lo, hi, k, nbins):
    """Edge ``k`` from the extrema, in bounded units where the range overflows or underflows."""
    span = hi - lo
    edge = _edge(xp, lo, hi, k, nbins)
    finfo = xp.finfo(lo.dtype)
    scale = xp.clip(xp.maximum(xp.abs(lo), xp.abs(hi)), finfo.smallest_normal, None)
    bounded = _edge(xp, lo / scale, hi / scale, k, nbins) * scale
    ordinary = xp.isfinite(span) & (span >= finfo.smallest_normal * nbins)
    return xp.where(ordinary, edge, bounded)


def _soft_threshold(xp, coords, bmin, bspan, nbins):
    hist = _kde_histogram(xp, coords, nbins, _SURROGATE_BANDWIDTH)
    var, valid = _between_class_variance(xp, hist)
    largest = xp.max(var, axis=1, keepdims=True)
    largest = xp.where(largest > 0, largest, xp.ones_like(largest))
    logits = var / (_SOFT_ARGMAX_TEMPERATURE * largest)
    floor = xp.full_like(logits, xp.finfo(logits.dtype).min)
    logits = xp.where(valid, logits, floor)
    e = xp.exp(logits - xp.max(logits, axis=1, keepdims=True))
    weights = e / xp.sum(e, axis=1, keepdims=True)
    k = xp.arange(1, nbins, dtype=weights.dtype, device=weights.device)
    return bmin + (xp.sum(weights * k, axis=1) / nbins) * bspan


def _check(xp, x, nbins, flags):
    name = str(x.dtype).rsplit(".", 1)[-1]
    if name not in _DTYPES:
        raise TypeError(f"x: expected one of the dtypes {list(_DTYPES)}, got {x.dtype}")
    if not isinstance(nbins, int) or isinstance(nbins, bool) or nbins < 2:
        raise ValueError(f"nbins: expected an integer >= 2, got {nbins!r}")
    for fname, v in flags:
        if not isinstance(v, bool):
            raise TypeError(f"{fname}: expected a bool, got {v!r}")
    if math.prod(shape_of(x)) == 0:
        raise ValueError(f"x: expected a non-empty array, got shape {shape_of(x)}")


@register_op(differentiable=False, tolerance="loose", integer_input=True)
def otsu_threshold(
    x: Any, nbins: int = 256, slow_and_differentiable: bool = False, return_mask: bool = False
) -> tuple[Any, Any]:
    """Otsu's threshold per plane and the thresholded image (or the foreground mask).

    Args:
        x: array of at most 5 axes; ``(B, C, H, W)`` gives ``B * C`` planes, ``(C, H, W)`` gives
            ``C``, an array of at most 2 axes is one plane. Float or integer (uint8, int8-int64).
        nbins: number of histogram bins over each plane's ``[min, max]``, >= 2.
        slow_and_differentiable: build the histogram from a Gaussian kernel density estimate
            (0.1 bin wide) and, on engines with autograd, give the threshold a straight-through
            gradient (a soft-argmax over a 0.5-bin estimate's variance curve). Memory
            ``O(planes * pixels * nbins)``.
        return_mask: return the boolean mask ``x > threshold`` instead of ``x * (x > threshold)``.

    Returns:
        ``(thresholded or mask, threshold)``: the first has ``x``'s shape (``x``'s dtype, or
        bool for the mask), the second ``(n_planes,)`` in ``x``'s dtype. The default path's
        threshold has no gradient; the thresholded image's gradient is the mask.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.array([[10, 20, 30], [40, 50, 60], [70, 80, 90]])
        >>> out, thr = pv.filters.otsu_threshold(x)
        >>> out, thr
        (array([[ 0,  0,  0],
               [ 0, 50, 60],
               [70, 80, 90]]), array([40]))
    """
    eng, x = dispatch1("x", x)
    xp = eng.xp
    _check(
        xp,
        x,
        nbins,
        (("slow_and_differentiable", slow_and_differentiable), ("return_mask", return_mask)),
    )
    flat = _planes(xp, x)
    floating = xp.isdtype(x.dtype, "real floating")
    edge_dt = xp.float64 if x.dtype == xp.float64 else xp.float32
    xs = flat if flat.dtype == edge_dt else xp.astype(flat, edge_dt)
    if slow_and_differentiable:
        t, best, upper, lower, idx, soft = _soft_split(eng, xs, nbins)
    else:
        t, best, upper, lower, idx = _hard_split(eng, eng.stop_gradient(xs), nbins)
        soft = None
    thr = _threshold(eng, flat, t, best, upper, lower, idx, floating)
    if soft is not None and floating:
        thr = thr + xp.astype(
            soft - eng.stop_gradient(soft), x.dtype
        )  # value unchanged, gradient of soft
    fg = flat > thr[:, None]
    if return_mask:
        return xp.reshape(fg, x.shape), thr
    return xp.reshape(xp.astype(fg, x.dtype) * flat, x.shape), thr


def _threshold(eng, flat, t, best, upper, lower, idx, floating):
    """The hard threshold in ``flat``'s dtype, guarded to separate the classes exactly."""
    xp = eng.xp
    sg = eng.stop_gradient
    if not floating:
        upper = xp.ceil(upper) - 1.0  # integers on or above the edge are foreground
    thr = xp.astype(xp.where(best > 0, upper, lower), flat.dtype)
    if floating:
        fd = sg(flat)
        fg = idx > t[:, None]
        inf = xp.asarray(math.inf, dtype=flat.dtype, device=flat.device)
        boundary = xp.min(xp.where(fg, fd, inf), axis=1)
        bg_max = xp.max(xp.where(fg, -inf, fd), axis=1)
        thr = xp.where(best > 0, xp.maximum(thr, bg_max), thr)
        below = xp.nextafter(boundary, -inf)
        thr = xp.where(best > 0, xp.minimum(thr, below), thr)
    fd = sg(flat)
    pmin, pmax = xp.min(fd, axis=1), xp.max(fd, axis=1)
    return xp.where(pmin == pmax, pmin, thr)
