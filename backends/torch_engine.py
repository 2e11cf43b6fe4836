"""PyTorch engine (CPU and CUDA, autograd): grouped convolutions, ``F.pad``, ``unfold``."""

from __future__ import annotations

from . import _reference as ref
from . import _reference_sampling as ref_sampling
from . import _torch_morphology
from ._base import Engine, _safe_numpy
from ._selection import presorted_median_network, run_network, sort_network

#: under autograd, separable 2-D kernels up to this many taps run as one 2-D grouped conv
_GRAPH_2D_TAPS_MAX = 49
#: largest window whose median runs as a selection network (beyond, sorting wins)
_NETWORK_MAX = 25
#: elements per CPU chunk of the median network: its ~20 live buffers then stay in cache
_MEDIAN_CHUNK = 1 << 17

#: elements of filter responses that one CPU step of a fused filter-and-reduce keeps in cache
_CACHE_ELEMS = 1 << 19

#: ``compare_mask``'s comparisons as torch functions (``torch.equal`` is a whole-tensor test)
_TORCH_COMPARISON = {
    "greater": "gt", "greater_equal": "ge", "less": "lt", "less_equal": "le", "equal": "eq",
    "not_equal": "ne",
}

TORCH_PAD_MODE = {
    "constant": "constant", "reflect": "reflect", "replicate": "replicate", "circular": "circular"
}


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
        native = mode == "constant" or (
            x.ndim >= d + 1
            and d <= 3
            and x.is_floating_point()
            and all(max(p) < n for p, n in zip(pads, sizes, strict=True))  # torch refuses wider
        )
        if not native:
            return ref.pad(self.xp, x, pads, mode, value)
        flat = [w for p in reversed(pads) for w in p]  # torch wants last axis first
        if mode == "constant":
            return self.F.pad(x, flat, mode="constant", value=value)
        if x.ndim > d + 2:  # torch pads (N, C, *S) or (C, *S): fold extra leading axes into N
            lead = tuple(x.shape[: x.ndim - d - 1])
            folded = x.reshape((-1,) + tuple(x.shape[x.ndim - d - 1:]))
            out = self.F.pad(folded, flat, mode=TORCH_PAD_MODE[mode])
            return out.reshape(lead + tuple(out.shape[1:]))
        return self.F.pad(x, flat, mode=TORCH_PAD_MODE[mode])

    def _conv(self, d):
        return {1: self.F.conv1d, 2: self.F.conv2d, 3: self.F.conv3d}[d]

    def correlate(self, x, kernel, border="reflect", stride=1):
        d = kernel.ndim - 1
        if d not in (1, 2, 3) or not x.is_floating_point() or x.ndim < d + 1:
            return ref.correlate(self.xp, x, kernel, border, stride)
        ksize = tuple(kernel.shape[1:])
        lead = x.shape[: x.ndim - d]
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
        if stride != 1:
            return out.reshape(tuple(lead) + tuple(out.shape[2:]))
        return out.reshape(x.shape)

    def _transformed(self, x) -> bool:
        """Whether a tracer or a functorch transform (vmap, grad) sees the ops: no ``out=``."""
        functorch = getattr(self.torch._C, "_are_functorch_transforms_active", lambda: False)
        return self.is_tracing(x) or functorch()

    def _needs_graph(self, *arrays) -> bool:
        """Whether autograd (or a tracer) must see the ops: then no in-place accumulation."""
        if self._transformed(arrays[0]):
            return True
        torch = self.torch
        return torch.is_grad_enabled() and any(a is not None and a.requires_grad for a in arrays)

    def correlate_separable(self, x, kernels, border="reflect"):
        d = len(kernels)
        if not x.is_floating_point() or x.ndim < d + 1:
            return ref.correlate_separable(self.xp, x, kernels, border)
        kernels = [None if k is None else k.to(dtype=x.dtype) for k in kernels]
        if self._needs_graph(x, *kernels):
            return self._separable_graph(x, kernels, border)
        # No graph to record: weighted shifted slices accumulate in place into one fresh
        # buffer per axis, without im2col (3-10x faster than grouped convs on CPU). Last
        # axis first: its slices are the strided ones, cheaper while the data is fresh.
        out = x
        for i in reversed(range(d)):
            if kernels[i] is not None:
                out = self._taps_1d(out, kernels[i], x.ndim - d + i, d, i, border)
        return out if out is not x else x.clone()

    def _separable_graph(self, x, kernels, border):
        """Under autograd: one 2-D grouped conv of the outer product for small 2-D kernels,
        else one grouped conv per axis (the faster forward + backward, measured on CPU)."""
        d = len(kernels)
        if d == 2 and all(k is not None for k in kernels):
            ky, kx = kernels
            if ky.shape[1] * kx.shape[1] <= _GRAPH_2D_TAPS_MAX:
                return self.correlate(x, ky[:, :, None] * kx[:, None, :], border)
        out = x
        for i, k in enumerate(kernels):
            if k is None:
                continue
            shape = [1] * (d + 1)
            shape[0], shape[i + 1] = k.shape[0], k.shape[1]
            out = self.correlate(out, k.reshape(shape), border)
        return out if out is not x else x.clone()

    def _taps_1d(self, x, k, axis, d, i, border):
        n, size = k.shape[1], x.shape[axis]
        pads = tuple(((n - 1) // 2, n // 2) if j == i else (0, 0) for j in range(d))
        xpad = self.pad(x, pads, border)
        w = k.reshape((k.shape[0], n) + (1,) * (x.ndim - 1))  # (1|B, n, 1, ...): per-sample rows
        acc = xpad.narrow(axis, 0, size) * w[:, 0]
        for t in range(1, n):
            acc.addcmul_(xpad.narrow(axis, t, size), w[:, t])
        return acc

    def correlate_bank(self, x, kernels, border="reflect"):
        d = kernels.ndim - 1
        if d not in (2, 3) or x.ndim != d + 2 or not x.is_floating_point():
            return ref.correlate_bank(self.xp, x, kernels, border)
        ksize = tuple(kernels.shape[1:])
        b, c, k = x.shape[0], x.shape[1], kernels.shape[0]
        xpad = self.pad(x, tuple(((n - 1) // 2, n // 2) for n in ksize), border)
        # one grouped conv, K outputs per channel: weight row c * K + k is kernel k, so the
        # output (B, C * K, *S) is already laid out as (B, C, K, *S)
        w = kernels.to(dtype=x.dtype)[None].expand((c,) + tuple(kernels.shape))
        w = w.reshape((c * k, 1) + ksize)
        out = self._conv(d)(xpad, w, groups=c)
        return out.reshape((b, c, k) + tuple(out.shape[2:]))

    def correlate_bank_norm(self, x, kernels, border="reflect", eps=0.0):
        per_item = x[0].numel() * kernels.shape[0] if x.ndim and x.shape[0] else 0
        if x.device.type == "cpu" and per_item and x.shape[0] * per_item > _CACHE_ELEMS:
            # CPU: a few images at a time keep the responses in cache for the norm (2-3x faster
            # than one pass over a large batch); cat keeps the graph
            n = max(1, _CACHE_ELEMS // per_item)
            return self.torch.cat([self._bank_norm(c, kernels, border, eps) for c in x.split(n)], 0)
        return self._bank_norm(x, kernels, border, eps)

    def _bank_norm(self, x, kernels, border, eps):
        g = self.correlate_bank(x, kernels, border)
        # accumulate the squares into one fresh contiguous buffer (in place on our own
        # temporary, which autograd allows): fewer passes than sqrt(gx * gx + gy * gy + eps)
        acc = self.torch.full(g[:, :, 0].shape, eps, dtype=g.dtype, device=g.device)
        for i in range(g.shape[2]):
            acc.addcmul_(g[:, :, i], g[:, :, i])
        return acc.sqrt_()

    def median_filter(self, x, size, border="reflect"):
        if len(size) != 2 or not x.is_floating_point() or x.ndim < 3:
            return ref.median_filter(self.xp, x, size, border)
        n = size[0] * size[1]
        if n <= _NETWORK_MAX and not self._needs_graph(x):
            return self._median_network(x, size, border, n)
        win = self.sliding_windows(x, size, border)
        # torch.median takes the lower middle value, which is the contract
        return win.median(dim=-1).values

    def _median_network(self, x, size, border, n):
        """Selection network of in-place minimum/maximum on shifted views (no graph needed).

        On the CPU a few planes at a time keep the network's buffers in cache (2x faster).
        """
        torch = self.torch
        planes = x.reshape((-1,) + tuple(x.shape[-2:]))
        step = planes.shape[0]
        if x.device.type == "cpu":
            step = max(1, _MEDIAN_CHUNK // max(1, planes[0].numel()))
        parts = [self._median_chunk(c, size, border, n) for c in planes.split(step)]
        out = parts[0] if len(parts) == 1 else torch.cat(parts)
        return out.reshape(x.shape)

    def _median_chunk(self, x, size, border, n):
        torch = self.torch
        (kh, kw), (h, w) = size, x.shape[-2:]
        xpad = self.pad(x, (((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2)), border)
        ops = (
            lambda a, b, o: torch.minimum(a, b, out=o),
            lambda a, b, o: torch.maximum(a, b, out=o),
            lambda a: torch.empty(a.shape, dtype=a.dtype, device=a.device),
        )
        # sort every padded column once (it serves kw windows), then select from the
        # sorted columns with the network that knows their order
        rows = [xpad[..., r:r + h, :] for r in range(kh)]
        cols, _ = run_network(rows, kh, *ops, steps=sort_network(kh), out_wires=range(kh))
        views = [cols[r][..., j:j + w] for j in range(kw) for r in range(kh)]
        out, owned = run_network(views, n, *ops, steps=presorted_median_network(kh, kw))
        return out if owned else out.contiguous()

    def max_pool(self, x, size, stride, padding):
        if x.ndim < 3 or not x.is_floating_point():
            return ref.max_pool(self.xp, x, size, stride, padding)
        lead = x.shape[:-2]
        out = self.F.max_pool2d(x.reshape((-1,) + tuple(x.shape[-3:])), size, stride, padding)
        return out.reshape(tuple(lead) + tuple(out.shape[-2:]))

    def stop_gradient(self, x):
        return x.detach()

    def bincount(self, idx, length):
        n = idx.shape[0]
        offset = self.torch.arange(n, device=idx.device).unsqueeze(1) * length
        flat = (idx.to(self.torch.int64) + offset).reshape(-1)
        return self.torch.bincount(flat, minlength=n * length).reshape(n, length)

    def lookup(self, table, idx):
        return self.torch.gather(table, 1, idx.to(self.torch.int64))  # no negative-index pass

    def grid_sample(self, x, grid, mode="bilinear", padding_mode="zeros", align_corners=False):
        return self.F.grid_sample(
            x, grid, mode=mode, padding_mode=padding_mode, align_corners=align_corners
        )

    def sample_homography(
        self, x, m, dsize, mode="bilinear", padding_mode="zeros", align_corners=True, affine=False
    ):
        torch = self.torch
        if torch.is_grad_enabled() and m.requires_grad:  # ``out=`` records no graph
            return super().sample_homography(x, m, dsize, mode, padding_mode, align_corners, affine)
        grid = self._homography_grid(m, dsize, align_corners, affine)
        if grid.shape[0] != x.shape[0]:
            grid = grid.expand((x.shape[0],) + tuple(grid.shape[1:]))
        return self.grid_sample(x, grid, mode, padding_mode, align_corners)

    def _homography_grid(self, m, dsize, align_corners, affine):
        """The reference's ``homography_grid`` (same operations), each coordinate written
        straight into the interleaved ``(B, h, w, 2)`` grid: half the time of stacking two
        planes (measured), on a warp whose matrices need no gradient."""
        torch, xp = self.torch, self.xp
        terms = ref_sampling.homography_terms(xp, m, dsize, align_corners)
        grid = torch.empty((m.shape[0],) + tuple(dsize) + (2,), dtype=m.dtype, device=m.device)
        for k in (0, 1):
            torch.add(*terms(k), out=grid[..., k])
        if not affine:
            aw, bw = terms(2)
            grid /= ref_sampling.safe_w(xp, aw + bw)[..., None]
        return grid

    def fma(self, a, b, c):
        torch = self.torch
        if not isinstance(c, torch.Tensor):
            c = torch.as_tensor(c, dtype=a.dtype, device=a.device)  # 0-d: broadcasts
        if isinstance(b, torch.Tensor):
            return torch.addcmul(c, a, b)
        return torch.add(c, a, alpha=b)

    def compare_mask(self, a, b, op="greater"):
        torch = self.torch
        if self._transformed(a):
            return super().compare_mask(a, b, op)
        shape = torch.broadcast_shapes(a.shape, b.shape) if isinstance(b, torch.Tensor) else a.shape
        # straight into a float tensor: one vectorised pass (a bool result, then its cast,
        # are two unvectorised ones: 10x the time, measured)
        out = torch.empty(shape, dtype=a.dtype, device=a.device)
        return getattr(torch, _TORCH_COMPARISON[op])(a, b, out=out)

    def clamped_power(self, x, p, low):
        torch = self.torch
        # exp2 / log2: 1.4 ms against exp / log's 2.2 ms on 1.5 M floats (measured); without
        # a graph, in place in one buffer (the pipeline's live memory decides its cache misses)
        if self._needs_graph(x):
            return torch.exp2(p * torch.log2(torch.clamp_min(x, low)))
        y = torch.clamp_min(x, low)
        return torch.exp2(torch.log2(y, out=y).mul_(p), out=y)

    def interpolate(self, x, size, mode="bilinear", align_corners=None):
        mode = {"linear": ("linear", "bilinear", "trilinear")[x.ndim - 3]}.get(mode, mode)
        if mode in ("nearest", "area"):
            align_corners = None  # torch refuses the flag for these modes
        if mode == "bilinear" and not align_corners and x.ndim == 4:
            out = self._bilinear_whole_shrink(x, tuple(size))
            if out is not None:
                return out
        return self.F.interpolate(x, size=tuple(size), mode=mode, align_corners=align_corners)

    def _bilinear_whole_shrink(self, x, size):
        """Bilinear (half-pixel) shrinking by whole factors ``k``: output pixel ``i`` samples
        ``k i + (k - 1) / 2``, midway between two pixels (even ``k``) or on one (odd), so
        each axis is a strided pair mean.  0.7x ``F.interpolate``'s time at 256 -> 128
        (measured); None unless both factors are whole and one shrinks."""
        (h, w), (ho, wo) = x.shape[2:], size
        if min(ho, wo) < 1 or h % ho or w % wo or (h == ho and w == wo):
            return None
        out, scale = x, 1.0
        # odd factors first (views), so the pair sums make the one fresh array
        for axis, k in sorted(((2, h // ho), (3, w // wo)), key=lambda a: a[1] % 2 == 0):
            lead = (slice(None),) * axis
            if k % 2:  # on a pixel (k = 1: the axis as is)
                out = out[lead + (slice(k // 2, None, k),)]
            else:
                lo = out[lead + (slice(k // 2 - 1, None, k),)]
                hi = out[lead + (slice(k // 2, None, k),)]
                out, scale = self.torch.add(lo, hi), scale * 0.5
        return out.mul_(scale) if scale != 1.0 else out.contiguous()

    def sliding_windows(self, x, size, border="reflect"):
        pads = tuple(((k - 1) // 2, k // 2) for k in size)
        win = self.pad(x, pads, border)
        for i, k in enumerate(size):
            win = win.unfold(x.ndim - len(size) + i, k, 1)  # a view until the reshape
        return win.reshape(tuple(win.shape[: x.ndim]) + (-1,))

    def grey_dilation(
        self, x, footprint, structure=None, origin=None, border="geodesic", border_value=0.0
    ):
        args = (footprint, structure, origin, border, border_value)
        return _torch_morphology.grey_reduce(self, x, *args, True)

    def grey_erosion(
        self, x, footprint, structure=None, origin=None, border="geodesic", border_value=0.0
    ):
        args = (footprint, structure, origin, border, border_value)
        return _torch_morphology.grey_reduce(self, x, *args, False)

    def strided_windows(self, x, size, stride):
        # views: the caller's reshape makes the one copy (Kornia's unfold + contiguous)
        return x.unfold(x.ndim - 2, size[0], stride[0]).unfold(x.ndim - 1, size[1], stride[1])

    def channel_matrix(self, x, matrix, bias=None):
        if x.ndim < 3:
            return super().channel_matrix(x, matrix, bias)
        # one batched multiply(-add) over (N, C, H*W): bmm with an expanded (stride-0)
        # matrix is 0.85x the broadcast matmul (measured); the bias costs no extra pass
        *lead, c, h, w = x.shape
        flat = x.reshape(-1, c, h * w)
        n, co = flat.shape[0], matrix.shape[0]
        m = matrix.expand(n, co, c)
        if bias is None:
            out = self.torch.bmm(m, flat)
        else:
            out = self.torch.baddbmm(bias.reshape(1, co, 1).expand(n, co, 1), m, flat)
        return out.reshape(tuple(lead) + (co, h, w))
