"""Small array helpers used by the algorithms (pure array API)."""

from __future__ import annotations


def to_float(xp, x):
    """Integer images compute in float32 on their own scale (Kornia's rule); floats stay."""
    if xp.isdtype(x.dtype, "real floating"):
        return x
    return xp.astype(x, xp.float32)


def as_batch(x, spatial: int = 2):
    """``(C, *S)`` -> ``(1, C, *S)``; returns the array and whether a batch axis was added."""
    if x.ndim == spatial + 1:
        return x[None, ...], True
    return x, False


def unbatch(x, added: bool):
    return x[0, ...] if added else x


def const(xp, value, like):
    """``value`` as an array with ``like``'s dtype and device."""
    return xp.asarray(value, dtype=like.dtype, device=like.device)
