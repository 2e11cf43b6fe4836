"""Primitives shared by the NumPy and CuPy engines: ``scipy.ndimage`` and
``cupyx.scipy.ndimage`` have the same API, so one implementation serves both.

Mode names differ from ours: Kornia/torch ``reflect`` is ndimage ``mirror``
(ndimage ``reflect`` repeats the edge pixel), ``replicate`` is ``nearest``,
``circular`` is ``wrap``.
"""

from __future__ import annotations

from . import _ndimage_morphology, _ndimage_resize, _ndimage_sampling
from . import _reference as ref
from ._base import Engine
from ._selection import presorted_median_network, run_network, sort_network

#: largest window whose median runs as a selection network (beyond, sorting wins)
_NETWORK_MAX = 25
#: elements per chunk of the median network: its ~20 live buffers then stay in cache
_MEDIAN_CHUNK = 1 << 17

NDIMAGE_MODE = {
    "constant": "constant",
    "reflect": "mirror",
    "replicate": "nearest",
    "circular": "wrap",
}
NUMPY_PAD_MODE = {
    "constant": "constant",
    "reflect": "reflect",
    "replicate": "edge",
    "circular": "wrap",
}


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
            max(p) >= n for p, n in zip(pads, x.shape[x.ndim - len(pads) :], strict=True)
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
                out,
                k[0],
                axis=first + i,
                mode=NDIMAGE_MODE[border],
                cval=0.0,
                origin=_origin(k.shape[1]),
            )
        return out if out is not x else x.copy()

    def correlate_bank(self, x, kernels, border="reflect"):
        if x.dtype.kind != "f" or x.ndim != kernels.ndim + 1:
            return ref.correlate_bank(self.xp, x, kernels, border)
        k = self.lib.asarray(kernels, dtype=x.dtype)
        outs = [self.correlate(x, k[i : i + 1], border) for i in range(k.shape[0])]
        return self.lib.stack(outs, axis=2)

    def correlate_bank_norm(self, x, kernels, border="reflect", eps=0.0):
        g = self.correlate_bank(x, kernels, border)
        acc = g[:, :, 0] * g[:, :, 0]
        for i in range(1, g.shape[2]):  # in place on our own temporaries: fewer passes
            acc += g[:, :, i] * g[:, :, i]
        acc += acc.dtype.type(eps)
        return self.lib.sqrt(acc, out=acc)

    def median_filter(self, x, size, border="reflect"):
        small = len(size) == 2 and size[0] * size[1] <= _NETWORK_MAX
        if small and x.ndim >= 3 and x.dtype.kind in "fiu":
            return self._median_network(x, size, border)
        full = (1,) * (x.ndim - len(size)) + tuple(size)
        if any(k % 2 == 0 for k in size):
            return ref.median_filter(self.xp, x, size, border)  # ndimage takes the upper middle
        return self.ndimage.median_filter(x, size=full, mode=NDIMAGE_MODE[border], cval=0.0)

    def _median_network(self, x, size, border):
        """Selection network of minimum/maximum with reused buffers (10-50x ndimage's sort).

        Planes go a few at a time so the network's buffers stay in cache.
        """
        lib, n = self.lib, size[0] * size[1]
        planes = x.reshape((-1,) + tuple(x.shape[-2:]))
        step = planes.shape[0]
        if self.name != "cupy":  # on a GPU one launch per op beats cache-sized pieces
            step = max(1, _MEDIAN_CHUNK // max(1, planes[0].size))
        out = lib.empty_like(planes)
        for s in range(0, planes.shape[0], step):
            chunk = planes[s : s + step]
            (kh, kw), (h, w) = size, chunk.shape[-2:]
            xpad = self.pad(chunk, (((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2)), border)
            ops = (
                lambda a, b, o: lib.minimum(a, b, out=o),
                lambda a, b, o: lib.maximum(a, b, out=o),
                lambda a: lib.empty(a.shape, dtype=a.dtype),
            )
            # sorted padded columns serve kw windows each (see _selection)
            rows = [xpad[..., r : r + h, :] for r in range(kh)]
            cols, _ = run_network(rows, kh, *ops, steps=sort_network(kh), out_wires=range(kh))
            views = [cols[r][..., j : j + w] for j in range(kw) for r in range(kh)]
            out[s : s + step], _ = run_network(
                views, n, *ops, steps=presorted_median_network(kh, kw)
            )
        return out.reshape(x.shape)

    def max_pool(self, x, size, stride, padding):
        return ref.max_pool(self.xp, x, size, stride, padding)

    def bincount(self, idx, length):
        n = idx.shape[0]
        lib = self.lib
        offset = lib.arange(n, dtype=lib.int64)[:, None] * length
        flat = (idx.astype(lib.int64) + offset).reshape(-1)
        return lib.bincount(flat, minlength=n * length).astype(lib.int64).reshape(n, length)

    def sliding_windows(self, x, size, border="reflect"):
        pads = tuple(((k - 1) // 2, k // 2) for k in size)
        xpad = self.pad(x, pads, border)
        axes = tuple(range(x.ndim - len(size), x.ndim))
        win = self.lib.lib.stride_tricks.sliding_window_view(xpad, tuple(size), axis=axes)
        return win.reshape(win.shape[: x.ndim] + (-1,))

    def fma(self, a, b, c):
        lib = self.lib
        out = lib.multiply(a, b)
        # the sum in place when it has the product's shape and dtype: no second temporary
        cs = getattr(c, "shape", ())
        fits = 0 < out.ndim and len(cs) <= out.ndim and all(
            ci in (1, oi) for ci, oi in zip(reversed(cs), reversed(out.shape), strict=False)
        )
        if fits and lib.result_type(out, c) == out.dtype:
            return lib.add(out, c, out=out)
        return out + c

    def grid_sample(self, x, grid, mode="bilinear", padding_mode="zeros", align_corners=False):
        return _ndimage_sampling.grid_sample(self, x, grid, mode, padding_mode, align_corners)

    def sample_homography(
        self, x, m, dsize, mode="bilinear", padding_mode="zeros", align_corners=True, affine=False
    ):
        return _ndimage_sampling.sample_homography(
            self, x, m, dsize, mode, padding_mode, align_corners, affine
        )

    def interpolate(self, x, size, mode="bilinear", align_corners=None):
        return _ndimage_resize.interpolate(self, x, size, mode, align_corners)

    def grey_dilation(
        self, x, footprint, structure=None, origin=None, border="geodesic", border_value=0.0
    ):
        args = (footprint, structure, origin, border, border_value)
        return _ndimage_morphology.grey_reduce(self, x, *args, True)

    def grey_erosion(
        self, x, footprint, structure=None, origin=None, border="geodesic", border_value=0.0
    ):
        args = (footprint, structure, origin, border, border_value)
        return _ndimage_morphology.grey_reduce(self, x, *args, False)

    def strided_windows(self, x, size, stride):
        axes = (x.ndim - 2, x.ndim - 1)
        win = self.lib.lib.stride_tricks.sliding_window_view(x, tuple(size), axis=axes)
        return win[..., :: stride[0], :: stride[1], :, :]  # a view until the caller's reshape


def _stride(out, d, stride):
    if stride == 1:
        return out
    return out[(Ellipsis,) + (slice(None, None, stride),) * d]
