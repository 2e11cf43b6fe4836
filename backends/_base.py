"""The engine interface: a small object with a closed vocabulary.

Every engine names its array namespace (``xp``), recognises and converts its
arrays, and supplies the primitives the array API standard lacks.  The base
class implements every primitive with the pure array-API reference in
:mod:`portvision.backends._reference`; an engine overrides a primitive only to
call its library's fast kernel, under the same contract.
"""

from __future__ import annotations

import sys
from typing import Any

from . import _reference as ref
from . import _reference_color as ref_color
from . import _reference_morphology as ref_morphology
from . import _reference_patches as ref_patches
from . import _reference_resize as ref_resize
from . import _reference_sampling as ref_sampling

BORDERS = ("constant", "reflect", "replicate", "circular")


class Engine:
    """Base engine: pure array-API primitives over ``self.xp``."""

    name: str = "base"
    #: the module whose ``sys.modules`` entry tells that the library was imported
    module: str = ""
    differentiable: bool = False
    #: whether an algorithm gains by walking a batch a few planes at a time (cache-sized
    #: pieces): true where every op is one eager pass over memory (NumPy, strict); false
    #: where ops are parallel regions or kernel launches (torch, CuPy), whose count matters
    chunked_loops: bool = False
    device_kinds: tuple[str, ...] = ("cpu",)

    def __init__(self) -> None:
        self._xp = None

    # -- namespace, arrays, devices ------------------------------------------------
    @property
    def xp(self):
        if self._xp is None:
            self._xp = self._namespace()
        return self._xp

    def _namespace(self):  # pragma: no cover - every engine overrides
        raise NotImplementedError

    @classmethod
    def available(cls) -> bool:
        """Whether the engine's library can be imported (and has a device)."""
        if cls.module in sys.modules:  # no find_spec: torch.compile cannot trace it
            return True
        import importlib.util

        return importlib.util.find_spec(cls.module) is not None

    def array_type(self) -> type | None:
        """The library's array type, or None when the user has not imported it."""
        return None

    def owns_type(self, tp: type) -> bool:
        at = self.array_type() if self.module in sys.modules else None
        return at is not None and issubclass(tp, at)

    def device(self, x):
        return x.device

    def default_device(self):
        return None

    def resolve_device(self, device):
        """Turn a user's device spec (str, object or None) into the library's."""
        return device

    def from_numpy(self, a, device=None):
        """Wrap a host NumPy array (made contiguous, native, writeable) as ours."""
        raise NotImplementedError

    def to_numpy(self, x):
        """Host NumPy copy of one of our arrays (tests, benchmarks, demo)."""
        import numpy as np

        return np.asarray(x)

    def convert(self, x, device=None):
        """Make ``x`` (any library's array) one of ours, on ``device`` if given."""
        if x is None or isinstance(x, (bool, int, float, complex, tuple, list, str)):
            return x
        if self.owns_type(type(x)):
            return x if device is None else self.to_device(x, device)
        return self.from_numpy(_foreign_to_numpy(x), device)

    def to_device(self, x, device):
        return x

    def dtype(self, spec):
        """The library dtype for ``spec`` (None -> float32, a name, or a foreign dtype)."""
        if spec is None:
            return self.xp.float32
        name = spec if isinstance(spec, str) else _dtype_name(spec)
        try:
            return getattr(self.xp, name)
        except AttributeError:
            raise TypeError(f"dtype: expected a real dtype name, got {spec!r}") from None

    def is_tracing(self, x) -> bool:
        """True while a compiler traces ``x`` (value checks are then skipped)."""
        return False

    # -- primitives: every one has the contract documented in _reference -------------
    def pad(self, x, pads, mode="constant", value=0.0):
        return ref.pad(self.xp, x, pads, mode, value)

    def correlate(self, x, kernel, border="reflect", stride=1):
        return ref.correlate(self.xp, x, kernel, border, stride)

    def correlate_separable(self, x, kernels, border="reflect"):
        return ref.correlate_separable(self.xp, x, kernels, border)

    def correlate_bank(self, x, kernels, border="reflect"):
        return ref.correlate_bank(self.xp, x, kernels, border)

    def correlate_bank_norm(self, x, kernels, border="reflect", eps=0.0):
        return ref.correlate_bank_norm(self.xp, x, kernels, border, eps)

    def median_filter(self, x, size, border="reflect"):
        return ref.median_filter(self.xp, x, size, border)

    def max_pool(self, x, size, stride, padding):
        return ref.max_pool(self.xp, x, size, stride, padding)

    def sliding_windows(self, x, size, border="reflect"):
        return ref.sliding_windows(self.xp, x, size, border)

    def stop_gradient(self, x):
        return ref.stop_gradient(self.xp, x)

    def bincount(self, idx, length):
        return ref.bincount(self.xp, idx, length)

    def lookup(self, table, idx):
        return ref.lookup(self.xp, table, idx)

    def grid_sample(self, x, grid, mode="bilinear", padding_mode="zeros", align_corners=False):
        return ref_sampling.grid_sample(self.xp, x, grid, mode, padding_mode, align_corners)

    def sample_homography(
        self, x, m, dsize, mode="bilinear", padding_mode="zeros", align_corners=True, affine=False
    ):
        return ref_sampling.sample_homography(
            self, x, m, dsize, mode, padding_mode, align_corners, affine
        )

    def interpolate(self, x, size, mode="bilinear", align_corners=None):
        return ref_resize.interpolate(self.xp, x, size, mode, align_corners)

    def grey_dilation(
        self, x, footprint, structure=None, origin=None, border="geodesic", border_value=0.0
    ):
        return ref_morphology.grey_dilation(
            self.xp, x, footprint, structure, origin, border, border_value
        )

    def grey_erosion(
        self, x, footprint, structure=None, origin=None, border="geodesic", border_value=0.0
    ):
        return ref_morphology.grey_erosion(
            self.xp, x, footprint, structure, origin, border, border_value
        )

    def strided_windows(self, x, size, stride):
        return ref_patches.strided_windows(self.xp, x, size, stride)

    def map_pixels(self, fn, x):
        return ref_color.map_pixels(self.xp, fn, x)

    def channel_matrix(self, x, matrix, bias=None):
        return ref_color.channel_matrix(self.xp, x, matrix, bias)

    def compare_mask(self, a, b, op="greater"):
        return ref_color.compare_mask(self.xp, a, b, op)

    def clamped_power(self, x, p, low):
        return ref_color.clamped_power(self.xp, x, p, low)

    def fma(self, a, b, c):
        """Contract: ``a * b + c`` (broadcast; ``b`` and ``c`` arrays or Python numbers, of
        ``a``'s float dtype), in as few passes over the data as the engine has (torch:
        one); float rounding only may differ.  Differentiable where the engine is."""
        return a * b + c


def _dtype_name(spec: Any) -> str:
    name = getattr(spec, "name", None)
    if isinstance(name, str):
        return name
    text = str(spec)  # 'torch.float64', "<class 'numpy.float64'>", 'float64'
    return text.rsplit(".", 1)[-1].strip("'>")


def _foreign_to_numpy(x):
    """Host NumPy view/copy of a foreign array, guarding DLPack's traps."""
    import numpy as np

    if isinstance(x, np.ndarray):
        return _safe_numpy(x)
    if isinstance(x, np.generic):
        return np.asarray(x)
    mod = type(x).__module__.split(".")[0]
    if mod == "torch":
        if x.requires_grad:
            raise TypeError(
                "input: a torch tensor that requires grad cannot move to another engine: "
                "its gradient would be lost; call .detach() first or run on the torch engine"
            )
        return x.detach().cpu().numpy()
    if mod == "cupy":
        return x.get()
    if hasattr(x, "__dlpack__"):
        return np.from_dlpack(x)
    raise TypeError(f"input: expected an array, got {type(x).__name__}")


def _safe_numpy(a):
    """Contiguous, native-byte-order, writeable NumPy array (what DLPack accepts)."""
    import numpy as np

    if not a.dtype.isnative:
        a = a.astype(a.dtype.newbyteorder("="))
    if not a.flags.c_contiguous or any(s < 0 for s in a.strides):
        a = np.ascontiguousarray(a)
    if not a.flags.writeable:
        a = a.copy()
    return a
