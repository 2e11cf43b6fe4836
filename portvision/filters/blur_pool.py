"""Anti-aliased pooling: ``blur_pool2d``, ``max_blur_pool2d``, ``edge_aware_blur_pool2d``.

The blur is the normalised binomial (Pascal) kernel, square, zero-padded ``(k - 1) // 2``
before and ``k // 2`` after (so even sizes anchor at ``(k - 1) // 2``), sampled every
``stride`` pixels from index 0: ``ceil(H / stride)`` rows. These are network layers: integer
input is a ``TypeError`` (no promotion to float32). Facts from Kornia 0.9 (Zhang 2019).
"""

from __future__ import annotations

import math
import operator
import warnings
from typing import Any

from portvision._checks import check_floating, check_rank, shape_of
from portvision._dispatch import dispatch1
from portvision._registry import register_op

__all__ = ["blur_pool2d", "edge_aware_blur_pool2d", "max_blur_pool2d"]

_LAYOUT = "(B, C, H, W) or (C, H, W)"


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _square_size(kernel_size) -> int:
    """Kornia's blur pools need a square binomial kernel: an int or ``(k, k)``."""
    if _is_int(kernel_size):
        k = kernel_size
    elif (
        isinstance(kernel_size, (tuple, list))
        and len(kernel_size) == 2
        and kernel_size[0] == kernel_size[1]
    ):
        k = kernel_size[0]
    else:
        raise ValueError(
            f"kernel_size: expected a positive integer or a square (k, k), got {kernel_size!r}"
        )
    if not _is_int(k) or k <= 0:
        raise ValueError(
            f"kernel_size: expected a positive integer or a square (k, k), got {kernel_size!r}"
        )
    return k


def _positive_int(value, name: str) -> int:
    if not _is_int(value) or value <= 0:
        raise ValueError(f"{name}: expected a positive integer, got {value!r}")
    return value


def _pascal(k: int) -> list[float]:
    """Row ``k - 1`` of Pascal's triangle, normalised (computed exactly on the host)."""
    row = [math.comb(k - 1, i) for i in range(k)]
    total = sum(row)
    return [v / total for v in row]


def _image(eng, input):
    check_rank(input, "input", (3, 4), _LAYOUT)
    check_floating(eng.xp, input, "input")
    return (input[None, ...], True) if input.ndim == 3 else (input, False)


def _blur(eng, x, k: int, stride: int):
    """Zero-padded binomial correlation sampled every ``stride`` pixels (``ceil(H / stride)``).

    Two 1-D passes then a strided slice: the same numbers as a strided 2-D correlation up to
    rounding, and faster on every engine (OpenCV / in-place taps) despite the discarded rows.
    """
    xp = eng.xp
    taps = xp.asarray([_pascal(k)], dtype=x.dtype, device=x.device)
    out = eng.correlate_separable(x, (taps, taps), "constant")
    return out if stride == 1 else out[..., ::stride, ::stride]


@register_op()
def blur_pool2d(input: Any, kernel_size: Any, stride: int = 2) -> Any:
    """Blur with a binomial kernel, then keep every ``stride``-th pixel (anti-aliased downsampling).

    Args:
        input: float feature map ``(B, C, H, W)`` or ``(C, H, W)``.
        kernel_size: side of the square binomial kernel: an int or ``(k, k)`` (even allowed).
        stride: positive sampling step.

    Returns:
        ``(B, C, ceil(H / stride), ceil(W / stride))`` in the input's dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> out = pv.filters.blur_pool2d(np.eye(5, dtype=np.float32)[None, None], 3)
        >>> np.round(out[0, 0], 4)
        array([[0.3125, 0.0625, 0.    ],
               [0.0625, 0.375 , 0.0625],
               [0.    , 0.0625, 0.3125]], dtype=float32)
    """
    eng, input = dispatch1("input", input)
    x, added = _image(eng, input)
    k = _square_size(kernel_size)
    stride = _positive_int(stride, "stride")
    out = _blur(eng, x, k, stride)
    return out[0, ...] if added else out


@register_op()
def max_blur_pool2d(
    input: Any,
    kernel_size: Any,
    stride: int = 2,
    max_pool_size: int = 2,
    ceil_mode: bool | None = None,
) -> Any:
    """Max pool (window ``max_pool_size``, stride 1, no padding), then :func:`blur_pool2d`.

    Args:
        input: float feature map ``(B, C, H, W)`` or ``(C, H, W)``.
        kernel_size: side of the square binomial kernel (int or ``(k, k)``).
        stride: sampling step of the blur.
        max_pool_size: positive window of the max pool, at most ``min(H, W)``.
        ceil_mode: deprecated in Kornia 0.9 and without effect (a stride-1 pool rounds the
            same either way); passing it warns with ``DeprecationWarning``.

    Returns:
        ``(B, C, ceil((H - m + 1) / stride), ceil((W - m + 1) / stride))``, ``m = max_pool_size``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> out = pv.filters.max_blur_pool2d(np.eye(5, dtype=np.float32)[None, None], 3)
        >>> np.round(out[0, 0], 4)
        array([[0.5625, 0.3125],
               [0.3125, 0.875 ]], dtype=float32)
    """
    if ceil_mode is not None:
        warnings.warn(
            "ceil_mode is deprecated and has no effect: the max pool runs at stride 1",
            DeprecationWarning,
            stacklevel=2,
        )
    eng, input = dispatch1("input", input)
    x, added = _image(eng, input)
    k = _square_size(kernel_size)
    stride = _positive_int(stride, "stride")
    m = _positive_int(max_pool_size, "max_pool_size")
    if m > min(x.shape[-2], x.shape[-1]):
        raise ValueError(
            f"max_pool_size: expected at most the input's (H, W) {shape_of(x)[-2:]}, got {m}"
        )
    pooled = eng.max_pool(x, (m, m), (1, 1), (0, 0))
    out = _blur(eng, pooled, k, stride)
    return out[0, ...] if added else out


@register_op()
def edge_aware_blur_pool2d(
    input: Any,
    kernel_size: Any,
    edge_threshold: float = 1.25,
    edge_dilation_kernel_size: int = 3,
    epsilon: float = 1e-6,
) -> Any:
    """Binomial blur (stride 1) everywhere except near edges, which keep the input's value.

    A pixel is an edge when, along x or y, the channel mean of ``log2(input + epsilon)``
    differs by more than ``log2(edge_threshold)`` between the pixels two before and two after
    it (the input reflected by 2 at the border). The edge map is dilated by a max pool of
    ``edge_dilation_kernel_size``; elsewhere the pixel takes the blur of the input reflected by
    ``max(2, k // 2)``, so a constant image is unchanged.

    Args:
        input: positive float image ``(B, C, H, W)`` or ``(C, H, W)``.
        kernel_size: side of the square binomial kernel (int or ``(k, k)``).
        edge_threshold: intensity ratio above which a pixel is an edge; > 1.
        edge_dilation_kernel_size: odd positive window of the edge dilation.
        epsilon: added before the logarithm.

    Returns:
        The input's shape and dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.full((1, 1, 8, 8), 0.2, dtype=np.float32); img[..., 4:] = 0.9
        >>> out = pv.filters.edge_aware_blur_pool2d(img, 3)
        >>> out.shape, bool(np.allclose(out, img))
        ((1, 1, 8, 8), True)
    """
    eng, input = dispatch1("input", input)
    x, added = _image(eng, input)
    k = _square_size(kernel_size)
    try:
        d = operator.index(edge_dilation_kernel_size)
    except TypeError:
        d = -1
    if isinstance(edge_dilation_kernel_size, bool) or d <= 0 or d % 2 == 0:
        raise ValueError(
            "edge_dilation_kernel_size: expected an odd positive integer, "
            f"got {edge_dilation_kernel_size!r}"
        )
    if (
        not isinstance(edge_threshold, (int, float))
        or isinstance(edge_threshold, bool)
        or not edge_threshold > 1.0
    ):
        raise ValueError(
            f"edge_threshold: expected a number greater than 1, got {edge_threshold!r}"
        )
    out = _edge_aware(eng, x, k, float(edge_threshold), d, float(epsilon))
    return out[0, ...] if added else out


def _edge_aware(eng, x, k, threshold, d, epsilon):
    xp = eng.xp
    h, w = x.shape[-2], x.shape[-1]
    p = max(2, k // 2)
    blurred = _blur(eng, eng.pad(x, ((p, p), (p, p)), "reflect"), k, 1)[..., p : p + h, p : p + w]
    # NaN logs (input + epsilon < 0) compare False: such pixels never make an edge
    logs = xp.log2(eng.pad(x, ((2, 2), (2, 2)), "reflect") + epsilon)
    dx = xp.mean(logs[..., :, 4:] - logs[..., :, :-4], axis=-3, keepdims=True)  # (B, 1, H + 4, W)
    dy = xp.mean(logs[..., 4:, :] - logs[..., :-4, :], axis=-3, keepdims=True)  # (B, 1, H, W + 4)
    limit = math.log2(threshold)
    edges = (xp.abs(dx[..., 2:-2, :]) > limit) | (xp.abs(dy[..., :, 2:-2]) > limit)
    r = d // 2
    dilated = eng.max_pool(xp.astype(edges, x.dtype), (d, d), (1, 1), (r, r))
    return dilated * x + (1.0 - dilated) * blurred
