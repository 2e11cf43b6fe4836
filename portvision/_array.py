"""Small array helpers used by the algorithms (pure array API)."""

from __future__ import annotations

import math


def to_float(xp, x):
    """Integer images compute in float32 on their own scale (Kornia's rule); floats stay."""
    if xp.isdtype(x.dtype, "real floating"):
        return x
    return xp.astype(x, xp.float32)


def clamp_min(xp, x, low: float):
    """``max(x, low)`` for a Python number ``low``, as a clip with an infinite upper bound:
    NumPy's ``maximum`` with a number runs a scalar loop, 2.5x its two-sided ``clip``
    (measured); torch's ``clamp`` is the same either way."""
    return xp.clip(x, low, math.inf)


def clamp_max(xp, x, high: float):
    """``min(x, high)`` for a Python number ``high`` (see :func:`clamp_min`)."""
    return xp.clip(x, -math.inf, high)
