"""NumPy + SciPy engine, optionally accelerated by OpenCV.

OpenCV backs a primitive only where it meets the primitive's contract: 2-D
float planes, a kernel shared by the batch, a border OpenCV has, and an image
larger than the window (OpenCV's border arithmetic differs below that).  Set
``engine.use_opencv = False`` (or ``PORTVISION_OPENCV=0``) to run SciPy only.
"""

from __future__ import annotations

import os

import numpy as np
import scipy.ndimage

from ._base import _safe_numpy
from ._ndimage import NdimageEngine

CV_BORDER = {"constant": 0, "reflect": 4, "replicate": 1}  # BORDER_CONSTANT, _REFLECT_101, _REPLICATE


def _load_cv2():
    if os.environ.get("PORTVISION_OPENCV", "1") == "0":
        return None
    try:
        import cv2
    except ImportError:
        return None
    return cv2


class NumpyEngine(NdimageEngine):
    name = "numpy"
    module = "numpy"
    lib = np
    ndimage = scipy.ndimage

    def __init__(self) -> None:
        super().__init__()
        self.cv2 = _load_cv2()
        self.use_opencv = self.cv2 is not None

    def _namespace(self):
        import array_api_compat.numpy

        return array_api_compat.numpy

    def array_type(self):
        return np.ndarray

    def owns_type(self, tp):
        return issubclass(tp, (np.ndarray, np.generic))

    def device(self, x):
        return "cpu"

    def from_numpy(self, a, device=None):
        return np.asarray(a)

    def to_numpy(self, x):
        return np.asarray(x)

    # -- OpenCV fast paths ---------------------------------------------------------
    def _cv_ok(self, x, ksize, border, shared=True):
        return (
            self.use_opencv
            and shared
            and x.ndim >= 3
            and len(ksize) == 2
            and border in CV_BORDER
            and x.dtype in (np.float32, np.float64)
            and x.shape[-2] > max(ksize)
            and x.shape[-1] > max(ksize)
        )

    def _planes(self, x, fn):
        """Run ``fn(src_plane, dst_plane)`` on every (H, W) plane of a contiguous copy."""
        src = np.ascontiguousarray(x).reshape((-1,) + x.shape[-2:])
        out = np.empty_like(src)
        for i in range(src.shape[0]):
            fn(src[i], out[i])
        return out.reshape(x.shape)

    def correlate(self, x, kernel, border="reflect", stride=1):
        if stride == 1 and kernel.ndim == 3 and self._cv_ok(x, kernel.shape[1:], border, kernel.shape[0] == 1):
            kh, kw = kernel.shape[1:]
            k = np.asarray(kernel[0], dtype=x.dtype)
            anchor, bt = ((kw - 1) // 2, (kh - 1) // 2), CV_BORDER[border]
            f2d = self.cv2.filter2D
            return self._planes(x, lambda s, d: f2d(s, -1, k, dst=d, anchor=anchor, borderType=bt))
        return super().correlate(x, kernel, border, stride)

    def correlate_separable(self, x, kernels, border="reflect"):
        if len(kernels) == 2 and all(k is not None for k in kernels):
            ky, kx = kernels
            if self._cv_ok(x, (ky.shape[1], kx.shape[1]), border, ky.shape[0] == kx.shape[0] == 1):
                kyv, kxv = np.asarray(ky[0], dtype=x.dtype), np.asarray(kx[0], dtype=x.dtype)
                anchor, bt = ((kx.shape[1] - 1) // 2, (ky.shape[1] - 1) // 2), CV_BORDER[border]
                sep = self.cv2.sepFilter2D
                return self._planes(
                    x, lambda s, d: sep(s, -1, kxv, kyv, dst=d, anchor=anchor, borderType=bt)
                )
        return super().correlate_separable(x, kernels, border)

    def median_filter(self, x, size, border="reflect"):
        k = size[0]
        if (
            len(size) == 2
            and size[0] == size[1]
            and k in (3, 5)
            and x.dtype == np.float32
            and self._cv_ok(x, size, border)
        ):
            # OpenCV's median always replicates the edge: pad with our border first and
            # crop, so its own border never reaches the kept pixels.
            r = k // 2
            xpad = self.pad(x, ((r, r), (r, r)), border)
            mb = self.cv2.medianBlur
            return self._planes(xpad, lambda s, d: mb(s, k, dst=d))[..., r:-r, r:-r].copy()
        return super().median_filter(x, size, border)


__all__ = ["NumpyEngine", "_safe_numpy"]
