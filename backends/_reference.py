"""Pure array-API reference of every primitive: the contracts engines must meet.

Only functions of the array API standard are used (no in-place writes, no
library calls), so these run on array-api-strict and stay differentiable on
torch.  Engines override them with fast kernels; the conformance suite checks
each override against this reference on the same engine.

Shared conventions
------------------
* Images are ``(B, C, *S)``; a primitive works on the trailing spatial axes.
* A window of size ``k`` is anchored at ``(k - 1) // 2``: output ``i`` sees
  inputs ``i - (k - 1) // 2 .. i + k // 2`` (Kornia's "same" padding).
* ``border``: ``constant`` (zeros), ``reflect`` (mirror *without* repeating the
  edge: NumPy ``reflect``, torch ``reflect``, scipy.ndimage ``mirror``,
  OpenCV ``BORDER_REFLECT_101``), ``replicate`` (edge), ``circular`` (wrap).
"""

from __future__ import annotations

import itertools
import math


def _device(x):
    return x.device


def _pad_index(xp, n, before, after, mode, device):
    """Source index along one axis for each padded position."""
    i = xp.arange(-before, n + after, device=device)
    if mode == "replicate":
        return xp.clip(i, 0, n - 1)
    if mode == "circular":
        return i % n
    # reflect without repeating the edge: period 2(n - 1)
    if n == 1:
        return xp.zeros_like(i)
    period = 2 * (n - 1)
    j = i % period
    return xp.where(j >= n, period - j, j)


def pad(xp, x, pads, mode="constant", value=0.0):
    """Pad the trailing ``len(pads)`` axes; ``pads`` is ``((before, after), ...)`` in axis order.

    ``reflect`` / ``replicate`` / ``circular`` accept any width (the pattern repeats).
    """
    ndim = x.ndim
    first = ndim - len(pads)
    for k, (before, after) in enumerate(pads):
        if before == 0 and after == 0:
            continue
        axis = first + k
        n = x.shape[axis]
        if mode == "constant":
            parts = []
            for width in (before, after):
                shape = list(x.shape)
                shape[axis] = width
                parts.append(xp.full(tuple(shape), value, dtype=x.dtype, device=_device(x)))
            x = xp.concat([parts[0], x, parts[1]], axis=axis)
        else:
            idx = _pad_index(xp, n, before, after, mode, _device(x))
            x = xp.take(x, idx, axis=axis)
    return x


def _same_pads(ksize):
    return tuple(((k - 1) // 2, k // 2) for k in ksize)


def _shifted(xpad, offsets, out_shape, stride=1):
    """View of ``xpad`` starting at ``offsets`` on the trailing axes with ``out_shape``."""
    lead = (slice(None),) * (xpad.ndim - len(offsets))
    window = zip(offsets, out_shape, strict=True)
    return xpad[lead + tuple(slice(o, o + n, stride) for o, n in window)]


def _per_sample(xp, w, ndim):
    """Weights ``(Bk,)`` -> broadcastable against ``(B, C, *S)``."""
    return xp.reshape(w, (w.shape[0],) + (1,) * (ndim - 1))


def correlate(xp, x, kernel, border="reflect", stride=1):
    """Channel-wise correlation of ``x (B, C, *S)`` with ``kernel (1|B, *K)``.

    Output has the input's shape ("same"), sampled every ``stride`` pixels:
    ``out[b, c, i] = sum_j kernel[b, j] * xpad[b, c, i * stride + j]``.
    """
    ksize = tuple(kernel.shape[1:])
    spatial = tuple(x.shape[x.ndim - len(ksize) :])
    xpad = pad(xp, x, _same_pads(ksize), border)
    out = None
    for taps in itertools.product(*(range(k) for k in ksize)):
        w = _per_sample(xp, kernel[(slice(None),) + taps], x.ndim)
        term = w * _shifted(xpad, taps, spatial, stride)
        out = term if out is None else out + term
    return out


def correlate_bank(xp, x, kernels, border="reflect"):
    """Correlate ``x (B, C, *S)`` with each of ``K`` kernels ``(K, *Ksize)`` shared by the batch.

    Returns ``(B, C, K, *S)``: ``out[:, :, k] == correlate(x, kernels[k:k + 1], border)``
    (derivative filters: several responses of one image in one pass).
    """
    ksize = tuple(kernels.shape[1:])
    spatial = tuple(x.shape[x.ndim - len(ksize) :])
    xpad = pad(xp, x, _same_pads(ksize), border)
    outs = []
    for k in range(kernels.shape[0]):
        out = None
        for taps in itertools.product(*(range(n) for n in ksize)):
            term = kernels[(k,) + taps] * _shifted(xpad, taps, spatial)
            out = term if out is None else out + term
        outs.append(out)
    return xp.stack(outs, axis=2)


def correlate_bank_norm(xp, x, kernels, border="reflect", eps=0.0):
    """``sqrt(sum_k correlate_bank(x, kernels, border)[:, :, k] ** 2 + eps)``, shape ``(B, C, *S)``.

    The Euclidean norm of several filter responses (Sobel magnitude); ``eps`` sits inside
    the square root, as in Kornia's ``sobel``.
    """
    g = correlate_bank(xp, x, kernels, border)
    return xp.sqrt(xp.sum(g * g, axis=2) + eps)


def correlate_separable(xp, x, kernels, border="reflect"):
    """Correlate the trailing axes one at a time; ``kernels[i]`` is ``(1|B, k)`` or None."""
    d = len(kernels)
    for i, k in enumerate(kernels):
        if k is None:
            continue
        shape = [1] * (d + 1)
        shape[0] = k.shape[0]
        shape[i + 1] = k.shape[1]
        x = correlate(xp, x, xp.reshape(k, tuple(shape)), border)
    return x


def sliding_windows(xp, x, size, border="reflect"):
    """Windows ``(B, C, *S, prod(size))`` of the padded image, taps in row-major order."""
    spatial = tuple(x.shape[x.ndim - len(size) :])
    xpad = pad(xp, x, _same_pads(size), border)
    taps = itertools.product(*(range(k) for k in size))
    return xp.stack([_shifted(xpad, t, spatial) for t in taps], axis=-1)


def median_filter(xp, x, size, border="reflect"):
    """Median over windows of ``size``; for an even count the lower middle value."""
    windows = sliding_windows(xp, x, size, border)
    n = math.prod(size)
    return xp.sort(windows, axis=-1)[..., (n - 1) // 2]


def max_pool(xp, x, size, stride, padding):
    """Max over ``size`` windows of the last two axes, ``-inf`` padding, floor mode."""
    (kh, kw), (sh, sw), (ph, pw) = size, stride, padding
    H, W = x.shape[-2], x.shape[-1]
    oh, ow = (H + 2 * ph - kh) // sh + 1, (W + 2 * pw - kw) // sw + 1
    xpad = pad(xp, x, ((ph, ph), (pw, pw)), "constant", -math.inf)
    out = None
    for i in range(kh):
        for j in range(kw):
            lead = (slice(None),) * (x.ndim - 2)
            rows = slice(i, i + (oh - 1) * sh + 1, sh)
            v = xpad[lead + (rows, slice(j, j + (ow - 1) * sw + 1, sw))]
            out = v if out is None else xp.maximum(out, v)
    return out


def stop_gradient(xp, x):
    """``x`` with the same values and no gradient (engines without autograd: ``x`` itself).

    Straight-through estimators and value-only branches (histogram thresholds) need it;
    the array API standard has no autograd, so differentiable engines override it.
    """
    return x


def lookup(xp, table, idx):
    """Per-row table lookup: ``out[r, j] = table[r, idx[r, j]]``.

    ``table (n, L)``, ``idx (n, N)`` integers in ``[0, L)`` -> ``(n, N)`` of ``table``'s dtype
    (lookup tables of equalization, CLAHE).
    """
    return xp.take_along_axis(table, xp.astype(idx, xp.int64), axis=1)


def bincount(xp, idx, length):
    """Counts per row: ``idx (n, N)`` integers in ``[0, length)`` -> ``(n, length)`` int64.

    Histograms (Otsu): one sort of the row-offset indices and one ``searchsorted`` count
    every row at once, in standard functions only.
    """
    n = idx.shape[0]
    dev = idx.device
    idx = xp.astype(idx, xp.int64)
    offset = xp.reshape(xp.arange(n, dtype=xp.int64, device=dev) * length, (n, 1))
    flat = xp.sort(xp.reshape(idx + offset, (-1,)))
    starts = xp.arange(n * length + 1, dtype=xp.int64, device=dev)
    below = xp.searchsorted(flat, starts)  # how many indices lie before each bin's start
    return xp.reshape(below[1:] - below[:-1], (n, length))
