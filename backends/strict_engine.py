"""The strict reference engine: array-api-strict with only the standard's primitives.

Runs every algorithm through the pure array-API reference primitives, which
proves the algorithms use nothing outside the standard.  Its devices include
``no_float64`` (raises on a silent float64 upcast) and ``device1`` (raises on a
forgotten ``device=``).
"""

from __future__ import annotations

import numpy as np

from ._base import Engine


class StrictEngine(Engine):
    name = "strict"
    chunked_loops = True
    module = "array_api_strict"
    device_kinds = ("CPU_DEVICE", "device1", "device2", "no_float64")

    def _namespace(self):
        import array_api_strict

        return array_api_strict

    def array_type(self):
        import array_api_strict

        return array_api_strict._array_object.Array

    def default_device(self):
        return self.xp.Device("CPU_DEVICE")

    def resolve_device(self, device):
        if device is None or isinstance(device, self.xp.Device):
            return device
        return self.xp.Device(str(device))

    def from_numpy(self, a, device=None):
        return self.xp.asarray(a, device=self.resolve_device(device))

    def to_device(self, x, device):
        return x.to_device(self.resolve_device(device))

    def to_numpy(self, x):
        # strict arrays refuse DLPack off the CPU device; go through the CPU device
        return np.from_dlpack(x.to_device(self.xp.Device("CPU_DEVICE"))).copy()
