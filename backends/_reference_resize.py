"""Reference of the ``interpolate`` primitive (owner: resize work).

Contract (the meaning of ``torch.nn.functional.interpolate`` without antialiasing):

``interpolate(xp, x, size, mode="bilinear", align_corners=None)``

* ``x``: ``(B, C, *S)`` with 1, 2 or 3 spatial axes; ``size``: the output spatial shape.
* ``mode``: ``nearest`` (source index ``floor(dst * in / out)``, with torch's rounding at
  exact integers: see ``_nearest``), ``nearest-exact`` (``floor((dst + 0.5) * in / out)``),
  ``bilinear`` / ``linear`` / ``trilinear``, ``bicubic`` (Keys a = -0.75, taps clamped to
  the edge), ``area`` (adaptive average pooling).
* ``align_corners`` (linear and cubic modes only; None means False): True maps corner
  pixel centres onto each other, False maps the outer edges (half-pixel offsets,
  source coordinates below 0 clamped to 0 for the linear modes).
* Output of ``x``'s dtype; differentiable in ``x`` on autograd engines.

The resampling is separable: along each spatial axis every output position is a
weighted sum of a few input positions ("taps"), the same for every channel and every
other coordinate.  :func:`axis_taps` computes them on the host (the sizes are static),
:func:`interpolate` applies them with ``take`` and multiply-adds; the NumPy/CuPy
engines reuse the same taps.
"""

from __future__ import annotations

import math
import struct

LINEAR_MODES = ("linear", "bilinear", "trilinear")
MODES = ("nearest", "nearest-exact", "area", "bicubic") + LINEAR_MODES
#: Keys' cubic convolution parameter used by torch's bicubic mode (OpenCV's too)
CUBIC_A = -0.75


def _f32(v: float) -> float:
    """``v`` rounded to float32, as torch computes nearest source indices."""
    return struct.unpack("f", struct.pack("f", v))[0]


def _nearest(n_in, n_out, exact, single):
    """torch's index arithmetic, measured on every size pair up to 150: the scale and the
    product in the image's precision (float32 or float64), the product then rounded to
    float32 before the floor (``floorf``).  Only ties matter: ``floor`` of an exact integer
    computed a hair below it."""
    if n_in == n_out:
        return [list(range(n_out))], [[1.0] * n_out]
    off = 0.5 if exact else 0.0
    if single:
        scale = _f32(n_in / n_out)
        idx = [math.floor(_f32(_f32(i + off) * scale)) for i in range(n_out)]
    else:
        idx = [math.floor(_f32((i + off) * (n_in / n_out))) for i in range(n_out)]
    return [[min(j, n_in - 1) for j in idx]], [[1.0] * n_out]


def _source(n_in, n_out, align_corners, i, clamp):
    if align_corners:
        return i * ((n_in - 1) / (n_out - 1) if n_out > 1 else 0.0)
    s = (i + 0.5) * (n_in / n_out) - 0.5
    return max(s, 0.0) if clamp else s


def _linear(n_in, n_out, align_corners):
    i0, i1, w0, w1 = [], [], [], []
    for i in range(n_out):
        s = _source(n_in, n_out, align_corners, i, clamp=True)
        j = min(math.floor(s), n_in - 1)
        t = s - j
        i0.append(j)
        i1.append(min(j + 1, n_in - 1))
        w0.append(1.0 - t)
        w1.append(t)
    return [i0, i1], [w0, w1]


def _cubic_weights(t, a=CUBIC_A):
    def near(d):  # |d| <= 1
        return ((a + 2) * d - (a + 3)) * d * d + 1

    def far(d):  # 1 < |d| < 2
        return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a

    return far(t + 1), near(t), near(1 - t), far(2 - t)


def _cubic(n_in, n_out, align_corners):
    idx, wts = [[], [], [], []], [[], [], [], []]
    for i in range(n_out):
        s = _source(n_in, n_out, align_corners, i, clamp=False)
        j = math.floor(s)
        for k, w in enumerate(_cubic_weights(s - j)):
            idx[k].append(min(max(j - 1 + k, 0), n_in - 1))
            wts[k].append(w)
    return idx, wts


def _area(n_in, n_out):
    """Adaptive average pooling: bin ``i`` covers ``[floor(i n / m), ceil((i + 1) n / m))``."""
    bins = [((i * n_in) // n_out, -(-((i + 1) * n_in) // n_out)) for i in range(n_out)]
    width = max(e - s for s, e in bins)
    idx = [[min(s + k, e - 1) for s, e in bins] for k in range(width)]
    wts = [[1.0 / (e - s) if s + k < e else 0.0 for s, e in bins] for k in range(width)]
    return idx, wts


def axis_taps(
    n_in: int, n_out: int, mode: str, align_corners, single: bool = False
) -> tuple[list, list]:
    """``(indices, weights)``: per tap a list of ``n_out`` source indices and weights;
    output ``i`` along the axis is ``sum_t x[indices[t][i]] * weights[t][i]``.  ``single``:
    the image is float32 (nearest indices then follow torch's float32 rounding)."""
    if mode in ("nearest", "nearest-exact"):
        return _nearest(n_in, n_out, mode == "nearest-exact", single)
    if mode == "area":
        return _area(n_in, n_out)
    if mode == "bicubic":
        return _cubic(n_in, n_out, bool(align_corners))
    return _linear(n_in, n_out, bool(align_corners))


def _apply_axis(xp, x, axis, idx, wts):
    """Weighted sum of the gathered taps along ``axis`` (weights broadcast along it)."""
    shape = [1] * x.ndim
    shape[axis] = len(idx[0])
    out = None
    for ti, tw in zip(idx, wts, strict=True):
        g = xp.take(x, xp.asarray(ti, dtype=xp.int64, device=x.device), axis=axis)
        if len(idx) > 1 or any(w != 1.0 for w in tw):
            g = g * xp.reshape(xp.asarray(tw, dtype=x.dtype, device=x.device), tuple(shape))
        out = g if out is None else out + g
    return out


def interpolate(xp, x, size, mode="bilinear", align_corners=None):
    d, x0 = len(size), x
    for k, n_out in enumerate(size):
        axis = x.ndim - d + k
        n_in = x.shape[axis]
        if n_in == n_out and mode in ("nearest", "nearest-exact", "area"):
            continue
        idx, wts = axis_taps(n_in, n_out, mode, align_corners, x.dtype == xp.float32)
        x = _apply_axis(xp, x, axis, idx, wts)
    return x if x is not x0 else xp.asarray(x0, copy=True)
