"""PyTorch engine (CPU and CUDA, autograd): grouped convolutions, ``F.pad``, ``unfold``."""

from __future__ import annotations

from . import _reference as ref
from ._base import Engine, _safe_numpy

TORCH_PAD_MODE = {"constant": "constant", "reflect": "reflect", "replicate": "replicate", "circular": "circular"}


class TorchEngine(Engine):
    name = "torch"
    module = "torch"
    differentiable = True
    device_kinds = ("cpu", "cuda")

    def __init__(self) -> None:
        super().__init__()
        import torch
        import torch.nn.functional as F

        self.torch = torch
        self.F = F

    def _namespace(self):
        import array_api_compat.torch

        return array_api_compat.torch

    def array_type(self):
        return self.torch.Tensor

    def default_device(self):
        return self.torch.device("cpu")

    def resolve_device(self, device):
        return None if device is None else self.torch.device(device)

    def from_numpy(self, a, device=None):
        # from_dlpack aborts on negative strides and aliases read-only memory: guard first
        t = self.torch.from_dlpack(_safe_numpy(a)) if a.ndim else self.torch.as_tensor(a)
        return t if device is None else t.to(self.resolve_device(device))

    def convert(self, x, device=None):
        if type(x).__module__.startswith("cupy"):  # GPU to GPU without a host copy
            t = self.torch.from_dlpack(x)
            return t if device is None else t.to(self.resolve_device(device))
        return super().convert(x, device)

    def to_device(self, x, device):
        return x.to(self.resolve_device(device))

    def to_numpy(self, x):
        return x.detach().cpu().numpy()

    def is_tracing(self, x) -> bool:
        try:
            return self.torch.compiler.is_compiling() or self.torch.jit.is_tracing()
        except AttributeError:  # pragma: no cover - old torch
            return False

    # -- primitives ----------------------------------------------------------------
    def pad(self, x, pads, mode="constant", value=0.0):
        d = len(pads)
        sizes = x.shape[x.ndim - d:]
        native = (
            mode == "constant"
            or (x.ndim in (d + 1, d + 2) and d <= 3 and x.is_floating_point()
                and all(max(p) < n for p, n in zip(pads, sizes)))  # torch refuses wider pads
        )
        if not native:
            return ref.pad(self.xp, x, pads, mode, value)
        flat = [w for p in reversed(pads) for w in p]  # torch wants last axis first
        if mode == "constant":
            return self.F.pad(x, flat, mode="constant", value=value)
        return self.F.pad(x, flat, mode=TORCH_PAD_MODE[mode])

    def _conv(self, d):
        return {1: self.F.conv1d, 2: self.F.conv2d, 3: self.F.conv3d}[d]

    def correlate(self, x, kernel, border="reflect", stride=1):
        d = kernel.ndim - 1
        if d not in (1, 2, 3) or not x.is_floating_point() or x.ndim < d + 1:
            return ref.correlate(self.xp, x, kernel, border, stride)
        ksize = tuple(kernel.shape[1:])
        lead, spatial = x.shape[: x.ndim - d], x.shape[x.ndim - d:]
        xpad = self.pad(x, tuple(((k - 1) // 2, k // 2) for k in ksize), border)
        kernel = kernel.to(dtype=x.dtype)
        if kernel.shape[0] == 1:
            # one grouped conv over the channels: the fastest layout for oneDNN and cuDNN
            c = lead[-1] if len(lead) >= 2 else 1
            inp = xpad.reshape((-1, c) + tuple(xpad.shape[x.ndim - d:]))
            w = kernel.expand((c,) + ksize).unsqueeze(1)
        else:
            b = kernel.shape[0]
            inp = xpad.reshape((1, -1) + tuple(xpad.shape[x.ndim - d:]))
            c = inp.shape[1] // b
            w = kernel.repeat_interleave(c, dim=0).unsqueeze(1)
        out = self._conv(d)(inp, w, stride=stride, groups=w.shape[0])
        return out.reshape(tuple(lead) + tuple(out.shape[2:])) if stride != 1 else out.reshape(x.shape)

    def correlate_separable(self, x, kernels, border="reflect"):
        d = len(kernels)
        out = x
        for i, k in enumerate(kernels):
            if k is None:
                continue
            shape = [1] * (d + 1)
            shape[0], shape[i + 1] = k.shape[0], k.shape[1]
            out = self.correlate(out, k.reshape(shape), border)
        return out if out is not x else x.clone()

    def median_filter(self, x, size, border="reflect"):
        if len(size) != 2 or not x.is_floating_point():
            return ref.median_filter(self.xp, x, size, border)
        win = self.sliding_windows(x, size, border)
        # torch.median takes the lower middle value, which is the contract
        return win.median(dim=-1).values

    def max_pool(self, x, size, stride, padding):
        if x.ndim < 3 or not x.is_floating_point():
            return ref.max_pool(self.xp, x, size, stride, padding)
        lead = x.shape[:-2]
        out = self.F.max_pool2d(x.reshape((-1,) + tuple(x.shape[-3:])), size, stride, padding)
        return out.reshape(tuple(lead) + tuple(out.shape[-2:]))

    def sliding_windows(self, x, size, border="reflect"):
        pads = tuple(((k - 1) // 2, k // 2) for k in size)
        win = self.pad(x, pads, border)
        for i, k in enumerate(size):
            win = win.unfold(x.ndim - len(size) + i, k, 1)  # a view until the reshape
        return win.reshape(tuple(win.shape[: x.ndim]) + (-1,))
