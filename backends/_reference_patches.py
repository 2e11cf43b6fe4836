"""Pure array-API reference of ``strided_windows`` (patch extraction), the contract engines meet.

``strided_windows(x, size, stride)``: ``x (..., H, W)`` -> ``(..., nh, nw, kh, kw)`` with
``out[..., a, b, i, j] = x[..., a * sh + i, b * sw + j]``, ``nh = (H - kh) // sh + 1`` (the
windows that fit; the caller pads), ``nw`` likewise; ``size = (kh, kw) <= (H, W)``. The result
may be a read-only view of ``x`` (torch ``unfold``, NumPy ``sliding_window_view``): callers
never write into it and copy it by their next reshape.
"""

from __future__ import annotations


def strided_windows(xp, x, size, stride):
    (kh, kw), (sh, sw) = size, stride
    h, w = x.shape[-2], x.shape[-1]
    nh, nw = (h - kh) // sh + 1, (w - kw) // sw + 1
    dev = x.device
    # row index of (window a, tap i) is a * sh + i: one gather per axis
    rows = xp.reshape(
        xp.arange(nh, device=dev)[:, None] * sh + xp.arange(kh, device=dev)[None, :], (-1,)
    )
    cols = xp.reshape(
        xp.arange(nw, device=dev)[:, None] * sw + xp.arange(kw, device=dev)[None, :], (-1,)
    )
    g = xp.take(xp.take(x, rows, axis=x.ndim - 2), cols, axis=x.ndim - 1)
    lead = tuple(x.shape[:-2])
    g = xp.reshape(g, lead + (nh, kh, nw, kw))
    n = len(lead)
    return xp.permute_dims(g, tuple(range(n)) + (n, n + 2, n + 1, n + 3))
