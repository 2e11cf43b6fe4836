"""Primitives shared by the NumPy and CuPy engines: ``scipy.ndimage`` and
``cupyx.scipy.ndimage`` have the same API, so one implementation serves both.

Mode names differ from ours: Kornia/torch ``reflect`` is ndimage ``mirror``
(ndimage ``reflect`` repeats the edge pixel), ``replicate`` is ``nearest``,
``circular`` is ``wrap``.
"""

from __future__ import annotations

from . import _reference as ref
from ._base import Engine

NDIMAGE_MODE = {"constant": "constant", "reflect": "mirror", "replicate": "nearest", "circular": "wrap"}
NUMPY_PAD_MODE = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _origin(k: int) -> int:
    # ndimage centres a window of size k at k // 2; ours anchors at (k - 1) // 2
    return -1 if k % 2 == 0 else 0


class NdimageEngine(Engine):
    """An engine whose raw arrays work with ``self.lib`` (numpy/cupy) and ``self.ndimage``."""

    lib = None
    ndimage = None

    def pad(self, x, pads, mode="constant", value=0.0):
        width = [(0, 0)] * (x.ndim - len(pads)) + [tuple(p) for p in pads]
        if mode == "reflect" and any(
            max(p) >= n for p, n in zip(pads, x.shape[x.ndim - len(pads):])
        ):
            return ref.pad(self.xp, x, pads, mode, value)  # numpy's reflect differs past one period
        if mode == "constant":
            return self.lib.pad(x, width, mode="constant", constant_values=value)
        return self.lib.pad(x, width, mode=NUMPY_PAD_MODE[mode])

    def correlate(self, x, kernel, border="reflect", stride=1):
        if kernel.shape[0] != 1 or x.dtype.kind != "f":
            # per-sample kernels: the vectorised shifted-slice reference beats a batch loop
            return ref.correlate(self.xp, x, kernel, border, stride)
        d = kernel.ndim - 1
        weights = kernel.reshape((1,) * (x.ndim - d) + tuple(kernel.shape[1:]))
        origin = [0] * (x.ndim - d) + [_origin(k) for k in kernel.shape[1:]]
        out = self.ndimage.correlate(x, weights, mode=NDIMAGE_MODE[border], cval=0.0, origin=origin)
        return _stride(out, d, stride)

    def correlate_separable(self, x, kernels, border="reflect"):
        if any(k is not None and k.shape[0] != 1 for k in kernels) or x.dtype.kind != "f":
            return ref.correlate_separable(self.xp, x, kernels, border)
        first = x.ndim - len(kernels)
        out = x
        for i, k in enumerate(kernels):
            if k is None:
                continue
            out = self.ndimage.correlate1d(
                out, k[0], axis=first + i, mode=NDIMAGE_MODE[border], cval=0.0, origin=_origin(k.shape[1])
            )
        return out if out is not x else x.copy()

    def median_filter(self, x, size, border="reflect"):
        full = (1,) * (x.ndim - len(size)) + tuple(size)
        if any(k % 2 == 0 for k in size):
            return ref.median_filter(self.xp, x, size, border)  # ndimage takes the upper middle
        return self.ndimage.median_filter(x, size=full, mode=NDIMAGE_MODE[border], cval=0.0)

    def max_pool(self, x, size, stride, padding):
        return ref.max_pool(self.xp, x, size, stride, padding)

    def sliding_windows(self, x, size, border="reflect"):
        pads = tuple(((k - 1) // 2, k // 2) for k in size)
        xpad = self.pad(x, pads, border)
        win = self.lib.lib.stride_tricks.sliding_window_view(xpad, tuple(size), axis=tuple(range(x.ndim - len(size), x.ndim)))
        return win.reshape(win.shape[: x.ndim] + (-1,))


def _stride(out, d, stride):
    if stride == 1:
        return out
    return out[(Ellipsis,) + (slice(None, None, stride),) * d]
