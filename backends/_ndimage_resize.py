"""``interpolate`` on NumPy / CuPy: the reference's separable taps, applied fast.

* OpenCV's ``cv2.resize`` (NumPy engine, when enabled) backs exactly the cases where it
  meets the contract, measured against the reference: float32 planes with
  ``INTER_LINEAR`` (half-pixel centres, clamped at 0, = bilinear ``align_corners=False``),
  ``INTER_CUBIC`` (Keys a = -0.75, replicated taps, = bicubic ``align_corners=False``) and
  ``INTER_AREA`` for integer shrink factors (= adaptive average pooling).  Its
  ``INTER_NEAREST`` / ``INTER_NEAREST_EXACT`` round source indices differently, and its
  float64 weights are computed in float32 (errors ~1e-6): those run the taps below.
* Otherwise one axis at a time, the most shrinking first (less work for the next):
  integer-factor ``area`` is a block mean; every other case gathers the few taps with
  ``take`` and accumulates them in place into a fresh buffer.
"""

from __future__ import annotations

import math

from . import _reference_resize as ref


def interpolate(eng, x, size, mode="bilinear", align_corners=None):
    out = _opencv(eng, x, size, mode, align_corners)
    if out is not None:
        return out
    lib, d = eng.lib, len(size)
    axes = [(k, int(n)) for k, n in enumerate(size)]
    axes.sort(key=lambda a: a[1] / max(x.shape[x.ndim - d + a[0]], 1))
    steps, single = [], x.dtype == lib.float32
    for k, n_out in axes:
        n_in = x.shape[x.ndim - d + k]
        if n_in == n_out and (mode in ("nearest", "nearest-exact", "area") or not align_corners):
            continue  # the identity (the linear modes too: taps (i, 1.0) when sizes agree)
        if mode == "area" and n_in % n_out == 0:
            steps.append((k, n_out, None))
        else:
            steps.append(
                (
                    k,
                    n_out,
                    _taps(lib, x.dtype, *ref.axis_taps(n_in, n_out, mode, align_corners, single)),
                )
            )
    out_shape = tuple(x.shape[: x.ndim - d]) + tuple(int(n) for n in size)
    planes = x.reshape((-1,) + tuple(x.shape[x.ndim - d :]))
    if lib.__name__ != "numpy" or planes.shape[0] <= 1:
        return _apply(lib, planes, steps).reshape(out_shape)
    # CPU: a few planes at a time keep the temporaries in cache and off fresh pages
    # (large NumPy temporaries are mmap-ed and page-faulted on every call: 10x slower)
    plane_bytes = max(planes[0].nbytes, math.prod(size) * planes.itemsize)
    per = max(1, _CHUNK_BYTES // max(1, plane_bytes))
    out = lib.empty((planes.shape[0],) + out_shape[x.ndim - d :], dtype=x.dtype)
    for c in range(0, planes.shape[0], per):
        out[c : c + per] = _apply(lib, planes[c : c + per], steps)
    return out.reshape(out_shape)


#: bytes of (input or output) planes resampled per step on the CPU
_CHUNK_BYTES = 1 << 20


def _apply(lib, x, steps):
    """Run the per-axis ``steps`` on ``(N, *S)`` planes; always a new array."""
    x0 = x
    for k, n_out, taps in steps:
        axis = 1 + k
        x = _block_mean(lib, x, axis, n_out) if taps is None else _gather(lib, x, axis, *taps)
    return x if x is not x0 else x.copy()


def _taps(lib, dtype, idx, wts):
    """Tap indices and weights as arrays, and whether it is a plain gather (one tap of 1)."""
    plain = len(idx) == 1 and all(v == 1.0 for v in wts[0])
    return lib.asarray(idx, dtype=lib.intp), lib.asarray(wts, dtype=dtype), plain


def _block_mean(lib, x, axis, n_out):
    """Mean of ``f`` consecutive samples: a sum of ``f`` strided slices (a reshaped
    ``mean`` over a short inner axis is several times slower)."""
    f = x.shape[axis] // n_out
    lead = (slice(None),) * axis
    out = x[lead + (slice(0, None, f),)].copy()
    for k in range(1, f):
        out += x[lead + (slice(k, None, f),)]
    out *= 1.0 / f  # in place: the buffer keeps its dtype
    return out


def _gather(lib, x, axis, ii, w, plain):
    shape = [1] * x.ndim
    shape[axis] = ii.shape[1]
    if plain:
        return lib.take(x, ii[0], axis=axis)
    w = w.reshape((w.shape[0],) + tuple(shape))
    out = lib.take(x, ii[0], axis=axis)
    out *= w[0]
    for t in range(1, ii.shape[0]):
        g = lib.take(x, ii[t], axis=axis)
        g *= w[t]
        out += g
    return out


def _opencv(eng, x, size, mode, align_corners):
    cv2 = getattr(eng, "cv2", None)
    if cv2 is None or not eng.use_opencv or len(size) != 2 or x.ndim < 3:
        return None
    if x.dtype != eng.lib.float32 or align_corners or min(x.shape[-2:]) < 1 or min(size) < 1:
        return None
    (h, w), (ho, wo) = x.shape[-2:], size
    if mode == "bilinear":
        flag = cv2.INTER_LINEAR
    elif mode == "bicubic":
        flag = cv2.INTER_CUBIC
    elif mode == "area" and h % ho == 0 and w % wo == 0:
        flag = cv2.INTER_AREA
    else:
        return None
    lib = eng.lib
    src = lib.ascontiguousarray(x).reshape((-1, h, w))
    out = lib.empty((src.shape[0], ho, wo), dtype=x.dtype)
    resize = cv2.resize
    for i in range(src.shape[0]):
        resize(src[i], (wo, ho), dst=out[i], interpolation=flag)
    return out.reshape(x.shape[:-2] + (ho, wo))
