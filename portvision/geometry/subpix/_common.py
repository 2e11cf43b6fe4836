"""Shared checks and coordinate ramps of the sub-pixel modules (pure array API)."""

from __future__ import annotations

from typing import Any

from portvision._checks import check_array_values, check_rank
from portvision._dispatch import dispatch, dispatch1
from portvision.geometry.conversions.coordinates import axis_scale

Array = Any


def float_input(name: str, x, ndim: int, layout: str, temperature=None):
    """``(engine, x[, temperature])`` for a float array of rank ``ndim`` (integers compute in
    float32); an array temperature is dispatched with ``x`` (same library)."""
    if temperature is not None and not isinstance(temperature, (int, float)):
        eng, (x, temperature) = dispatch((name, "temperature"), x, temperature)
        if type(temperature) in (str, tuple, list):
            raise TypeError(
                f"temperature: expected a positive number or array, got {temperature!r}"
            )
    else:
        eng, x = dispatch1(name, x)
    check_rank(x, name, (ndim,), layout)
    xp = eng.xp
    if not xp.isdtype(x.dtype, "real floating"):
        x = xp.astype(x, xp.float32)
    return eng, x, temperature


def temperature_of(eng, temperature, like):
    """A positive temperature: a Python number, or an array broadcastable with ``like``."""
    if temperature is None:
        return 1.0
    if isinstance(temperature, bool):
        raise TypeError(f"temperature: expected a positive number or array, got {temperature!r}")
    if not isinstance(temperature, (int, float)):  # an array of the input's engine
        check_array_values(eng, temperature, "temperature")
        xp = eng.xp
        t = temperature
        return t if t.dtype == like.dtype else xp.astype(t, like.dtype)
    if not temperature > 0 or temperature != temperature or temperature == float("inf"):
        raise ValueError(f"temperature: expected a positive finite number, got {temperature!r}")
    return float(temperature)


def ints(value, n: int, name: str, minimum: int) -> tuple[int, ...]:
    """An int or a length-``n`` sequence of ints ``>= minimum`` -> tuple."""
    vals = (value,) * n if isinstance(value, int) and not isinstance(value, bool) else value
    ok = isinstance(vals, (tuple, list)) and len(vals) == n
    ok = ok and all(isinstance(v, int) and not isinstance(v, bool) and v >= minimum for v in vals)
    if not ok:
        kind = "positive" if minimum > 0 else "non-negative"
        raise ValueError(f"{name}: expected {n} {kind} integers, got {value!r}")
    return tuple(vals)


def ramp(xp, n: int, normalized: bool, like):
    """Coordinates ``0 .. n - 1`` of an axis, or their corner-aligned ``[-1, 1]`` values."""
    r = xp.arange(n, dtype=like.dtype, device=like.device)
    if not normalized:
        return r
    s, t = axis_scale(n)
    return r * s + t
