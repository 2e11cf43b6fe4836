"""CuPy engine: the NumPy engine's ndimage code over ``cupyx.scipy.ndimage`` on the GPU."""

from __future__ import annotations

from ._ndimage import NdimageEngine


class CupyEngine(NdimageEngine):
    name = "cupy"
    module = "cupy"
    device_kinds = ("cuda",)

    def __init__(self) -> None:
        super().__init__()
        import cupy
        import cupyx.scipy.ndimage

        self.lib = cupy
        self.ndimage = cupyx.scipy.ndimage

    @classmethod
    def available(cls) -> bool:
        try:
            import cupy

            return cupy.cuda.runtime.getDeviceCount() > 0
        except Exception:  # no cupy, no driver, no GPU
            return False

    def _namespace(self):
        import array_api_compat.cupy

        return array_api_compat.cupy

    def array_type(self):
        return self.lib.ndarray

    def resolve_device(self, device):
        if device is None or isinstance(device, self.lib.cuda.Device):
            return device
        if isinstance(device, int):
            return self.lib.cuda.Device(device)
        text = str(device)
        return self.lib.cuda.Device(int(text.split(":")[1]) if ":" in text else 0)

    def from_numpy(self, a, device=None):
        with self.resolve_device(device) or self.lib.cuda.Device():
            return self.lib.asarray(a)

    def convert(self, x, device=None):
        # a CUDA torch tensor crosses by DLPack without a host round trip
        if type(x).__module__.startswith("torch") and x.is_cuda:
            if x.requires_grad:
                return super().convert(x, device)  # raises the lost-gradient TypeError
            out = self.lib.from_dlpack(x.contiguous())
            return out if device is None else self.to_device(out, device)
        return super().convert(x, device)

    def to_device(self, x, device):
        dev = self.resolve_device(device)
        if dev is None or x.device == dev:
            return x
        with dev:
            return self.lib.asarray(x)

    def to_numpy(self, x):
        return x.get()
