"""Histogram matching and 1-D linear interpolation (Kornia's ``kornia.contrib.histogram_matching``
and ``kornia.contrib.interp``)."""

from __future__ import annotations

import math
from typing import Any

from portvision._checks import check_rank, shape_of
from portvision._dispatch import dispatch
from portvision._registry import register_op

Array = Any


def _quantiles(xp, flat_sorted, values, dtype):
    """Empirical CDF at ``values``: the fraction of ``flat_sorted`` that is ``<= value``."""
    n = int(flat_sorted.shape[0])
    below = xp.searchsorted(flat_sorted, values, side="right")
    return xp.astype(below, dtype) / float(n)


def _interp(xp, x, knots, values):
    """Linear interpolation of ``(knots, values)`` at ``x`` (knots non-decreasing, x within)."""
    m = int(knots.shape[0])
    i = xp.clip(xp.searchsorted(knots, x, side="right"), 1, m - 1)
    x0, x1 = xp.take(knots, i - 1), xp.take(knots, i)
    f0, f1 = xp.take(values, i - 1), xp.take(values, i)
    dx = x1 - x0
    w = (x - x0) / xp.where(dx == 0, xp.ones_like(dx), dx)
    # lerp from the nearer end (exact at both knots)
    return xp.where(w < 0.5, f0 + w * (f1 - f0), f1 - (f1 - f0) * (1 - w))


@register_op(differentiable=False)
def histogram_matching(source: Array, template: Array) -> Array:
    """Map ``source``'s values so that their histogram matches ``template``'s.

    One histogram of all of ``source`` (every batch item and channel together) is matched to
    one of all of ``template`` (any shape): a source value goes to the template value at its
    quantile (the fraction of source elements ``<=`` it), interpolated linearly between the
    template's sorted values, with the template CDF anchored at quantile 0 on its minimum.
    This is ``skimage.exposure.match_histograms(source, template, channel_axis=None)``.
    Quantiles are computed in float32 (float64 for a float64 source), as Kornia 0.9.

    Args:
        source: the image to transform, any shape.
        template: the reference values, any shape, non-empty.

    Returns:
        ``source``'s shape; a floating source keeps its dtype, an integer one gives float32.
        Not differentiable.

    Example:
        >>> import numpy as np, portvision as pv
        >>> src = np.array([[0.1, 0.2], [0.3, 0.4]], dtype=np.float32)
        >>> tpl = np.array([10.0, 20.0, 30.0, 40.0], dtype=np.float32)
        >>> pv.contrib.histogram_matching(src, tpl)
        array([[10., 20.],
               [30., 40.]], dtype=float32)
    """
    eng, (source, template) = dispatch(("source", "template"), source, template)
    xp = eng.xp
    if template.ndim == 0 or 0 in shape_of(template):
        raise ValueError(f"template: expected a non-empty array, got shape {shape_of(template)}")
    dtype = xp.float64 if source.dtype == xp.float64 else xp.float32
    out_dtype = source.dtype if xp.isdtype(source.dtype, "real floating") else xp.float32
    if 0 in shape_of(source):
        return xp.astype(source, out_dtype)
    src = xp.reshape(source, (-1,))
    tpl = xp.sort(xp.reshape(template, (-1,)))
    s_q = _quantiles(xp, xp.sort(src), src, dtype)
    t_q = _quantiles(xp, tpl, tpl, dtype)
    t_v = xp.astype(tpl, dtype)
    zero = xp.zeros((1,), dtype=dtype, device=src.device)
    knots = xp.concat([zero, t_q])
    values = xp.concat([t_v[:1], t_v])
    out = _interp(xp, s_q, knots, values)
    return xp.astype(xp.reshape(out, source.shape), out_dtype)


@register_op()
def interp(x: Array, xp: Array, fp: Array) -> Array:
    """Piecewise-linear interpolation of the points ``(xp, fp)`` at ``x`` (like ``np.interp``).

    Outside ``[xp[0], xp[-1]]`` the end segments are extrapolated linearly (as Kornia 0.9 and
    SciPy's ``interp1d(fill_value="extrapolate")``; ``np.interp`` clamps). At a knot the
    result is that knot's ``fp``; a repeated end knot gives ``fp[0]`` below it and ``fp[-1]``
    at or above it; a NaN query gives NaN. ``xp`` must be increasing (not checked).

    Args:
        x: query coordinates, any shape.
        xp: ``(n,)`` increasing knot coordinates, ``n >= 2``.
        fp: ``(n,)`` values at the knots.

    Returns:
        ``x``'s shape, the promoted floating dtype of the three (float32 for all-integer
        inputs). Differentiable in ``x``, ``xp`` and ``fp``. (Kornia also guards overflowing
        ``fp`` differences, infinite ends, half precision and int64 knots beyond 2**24; those
        cases are not special-cased here.)

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.contrib.interp(np.array([0.5, 2.0, 3.0]), np.array([0.0, 1.0, 2.0]),
        ...                   np.array([0.0, 10.0, 30.0]))
        array([ 5., 30., 50.])
    """
    eng, (x, knots, values) = dispatch(("x", "xp", "fp"), x, xp, fp)
    ns = eng.xp
    check_rank(knots, "xp", (1,), "(n,)")
    if int(knots.shape[0]) < 2:
        raise ValueError(f"xp: expected at least 2 knots, got shape {shape_of(knots)}")
    if shape_of(values) != shape_of(knots):
        raise ValueError(f"fp: expected the shape of xp {shape_of(knots)}, got {shape_of(values)}")
    dtype = ns.result_type(x.dtype, knots.dtype, values.dtype)
    if not ns.isdtype(dtype, "real floating"):
        dtype = ns.float32
    x, knots, values = (a if a.dtype == dtype else ns.astype(a, dtype) for a in (x, knots, values))
    shape, x = x.shape, ns.reshape(x, (-1,))  # take() needs 1-D indices (array API)
    m = int(knots.shape[0])
    i = ns.clip(ns.searchsorted(knots, x, side="right"), 1, m - 1)
    x0, x1 = ns.take(knots, i - 1), ns.take(knots, i)
    f0, f1 = ns.take(values, i - 1), ns.take(values, i)
    dx = x1 - x0
    flat = dx == 0
    w = (x - x0) / ns.where(flat, ns.ones_like(dx), dx)
    out = ns.where(w < 0.5, f0 + w * (f1 - f0), f1 - (f1 - f0) * (1 - w))  # exact at both knots
    out = ns.where(flat, ns.where(x < x0, f0, f1), out)
    out = ns.where(ns.isnan(x), ns.full_like(out, math.nan), out)
    return ns.reshape(out, shape)


__all__ = ["histogram_matching", "interp"]
