"""Small array helpers used by the algorithms (pure array API)."""

from __future__ import annotations


def to_float(xp, x):
    """Integer images compute in float32 on their own scale (Kornia's rule); floats stay."""
    if xp.isdtype(x.dtype, "real floating"):
        return x
    return xp.astype(x, xp.float32)
