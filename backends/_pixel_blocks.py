"""Blocked evaluation of pixel-wise functions (``map_pixels``, see ``_reference_color``).

Used by the NumPy engine; written over ``lib`` (``numpy``, or ``torch`` for CPU tensors that
record no autograd history), which has ``empty(shape, dtype=...)``, ``stack``, ``reshape``
and slice assignment.
"""

from __future__ import annotations

import math

#: pixels per block: ~20 float32 temporaries of 256 KiB stay in cache and are reused
BLOCK_PIXELS = 1 << 16


def map_pixels_blocked(lib, fn, x, block=BLOCK_PIXELS, **empty_kw):
    """``fn(x)`` computed on blocks of at most ``block`` pixels of each leading item.

    Small inputs (one block) run ``fn(x)`` directly.  Returns None when ``fn``'s first
    block records autograd history (the caller then runs ``fn(x)`` whole: one graph).
    """
    *lead, c, h, w = x.shape
    n, hw = math.prod(lead), h * w
    if n * hw <= block:
        y = fn(x)
        return lib.stack(y, -3) if isinstance(y, tuple) else y
    flat = x.reshape((n, c, 1, hw))
    out = None
    for i in range(n):
        for s in range(0, hw, block):
            y = fn(flat[i, :, :, s : s + block])
            planes = y if isinstance(y, tuple) else None
            if out is None:
                first = planes[0] if planes else y
                if getattr(first, "requires_grad", False):
                    return None
                cout = len(planes) if planes else y.shape[0]
                out = lib.empty((n, cout, 1, hw), dtype=first.dtype, **empty_kw)
            if planes:
                for c, p in enumerate(planes):
                    out[i, c, :, s : s + block] = p
            else:
                out[i, :, :, s : s + block] = y
    return out.reshape(tuple(lead) + (out.shape[1], h, w))
