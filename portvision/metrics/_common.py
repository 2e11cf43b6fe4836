"""Validation and reductions shared by the metrics and the losses (private)."""

from __future__ import annotations

import math

from portvision._checks import dtype_name, shape_of

REDUCTIONS = ("none", "mean", "sum")


def check_reduction(reduction, allowed=REDUCTIONS) -> None:
    if reduction not in allowed:
        raise ValueError(f"reduction: expected one of {list(allowed)}, got {reduction!r}")


def reduce(xp, x, reduction: str):
    """``'none'`` keeps ``x``; ``'mean'`` / ``'sum'`` give a 0-d array of ``x``'s dtype."""
    if reduction == "mean":
        return xp.mean(x)
    if reduction == "sum":
        return xp.sum(x)
    return x


def check_same_shape(a, b, name_a: str, name_b: str) -> None:
    if tuple(a.shape) != tuple(b.shape):
        raise ValueError(
            f"{name_b}: expected the shape of {name_a} {shape_of(a)}, got {shape_of(b)}"
        )


def check_ndim(x, name: str, ndim: int, layout: str) -> None:
    if x.ndim != ndim:
        raise ValueError(f"{name}: expected shape {layout}, got {shape_of(x)}")


def check_number(value, name: str, positive: bool = False) -> float:
    """A real Python number (finite, and > 0 with ``positive``) as a float."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name}: expected a real number, got {type(value).__name__}")
    if not math.isfinite(value) or (positive and value <= 0):
        kind = "a positive finite" if positive else "a finite"
        raise ValueError(f"{name}: expected {kind} number, got {value!r}")
    return float(value)


def check_int(value, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name}: expected an integer >= {minimum}, got {value!r}")
    return value


def check_integer_dtype(xp, x, name: str) -> None:
    if not xp.isdtype(x.dtype, "integral"):
        raise TypeError(f"{name}: expected an integer dtype, got {dtype_name(x.dtype)}")


def check_label_range(eng, x, name: str, low: int, high: int, ignore=None) -> None:
    """Labels in ``[low, high)`` (``ignore`` exempt). A host check, skipped while tracing."""
    if eng.is_tracing(x) or math.prod(x.shape) == 0:
        return
    xp = eng.xp
    ok = (x >= low) & (x < high)
    if ignore is not None:
        ok = ok | (x == ignore)
    if not bool(xp.all(ok)):
        bad = xp.where(ok, xp.zeros_like(x) + low, x)
        lo, hi = int(xp.min(bad)), int(xp.max(bad))
        found = [v for v in (lo, hi) if not low <= v < high]
        extra = "" if ignore is None else f" or {ignore} (ignore_index)"
        raise ValueError(
            f"{name}: expected labels in [{low}, {high}){extra}, got values such as {found[0]}"
        )
