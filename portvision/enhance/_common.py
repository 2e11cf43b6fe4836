"""Helpers shared by the enhance modules: per-image factors, value checks, batch views."""

from __future__ import annotations

import math

from portvision._checks import check_array_values, dtype_name, shape_of


def is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def float_image(eng, x, name: str = "image"):
    """Kornia's enhance ops take float images in [0, 1]: integer images are a TypeError."""
    if not eng.xp.isdtype(x.dtype, "real floating"):
        raise TypeError(
            f"{name}: expected a real floating dtype (images in [0, 1]), got {dtype_name(x.dtype)}"
        )
    return x


def require_float(eng, x, name: str) -> None:
    """TypeError naming ``name`` unless ``x`` has a real floating dtype (same text everywhere)."""
    if not eng.xp.isdtype(x.dtype, "real floating"):
        raise TypeError(f"{name}: expected a real floating dtype, got {dtype_name(x.dtype)}")


def check_number(value, name: str, allow_array: bool = True) -> None:
    """``value`` must be a Python number (or an array when ``allow_array``)."""
    if is_number(value) or (allow_array and hasattr(value, "shape") and hasattr(value, "dtype")):
        return
    what = "a number or an array" if allow_array else "a number"
    raise TypeError(f"{name}: expected {what}, got {type(value).__name__}")


def factor_like(eng, x, factor, name: str):
    """A factor ready to broadcast against ``x``, the way Kornia broadcasts it.

    A Python number stays a Python number (no float64 array is made); an array is cast
    to ``x``'s dtype and right-padded with singleton axes, so a ``(B,)`` factor scales
    every image of a ``(B, C, H, W)`` batch on its own.
    """
    check_number(factor, name)
    if is_number(factor):
        return factor
    xp = eng.xp
    if factor.ndim > x.ndim:
        raise ValueError(
            f"{name}: expected at most {x.ndim} axes (one value per image: shape (B,)), "
            f"got shape {shape_of(factor)} for an input of shape {shape_of(x)}"
        )
    shape = shape_of(factor) + (1,) * (x.ndim - factor.ndim)
    if any(f not in (1, n) for f, n in zip(shape, shape_of(x), strict=True)):
        raise ValueError(
            f"{name}: expected a shape that broadcasts to the input's {shape_of(x)} "
            f"(one value per image: shape (B,)), got {shape_of(factor)}"
        )
    f = xp.astype(factor, x.dtype) if factor.dtype != x.dtype else factor
    return xp.reshape(f, shape)


def check_non_negative(eng, value, name: str) -> None:
    """A Python number or an array of them must be finite and >= 0."""
    if is_number(value):
        if not (value >= 0 and math.isfinite(value)):
            raise ValueError(f"{name}: expected non-negative finite values, got {value!r}")
    else:
        check_array_values(eng, value, name, allow_zero=True)


def per_image(eng, x, value, name: str):
    """A scalar or a 1-D ``(B,)`` array reshaped to ``(B, 1, ..., 1)`` against ``x``."""
    check_number(value, name)
    if is_number(value):
        return value
    xp = eng.xp
    if value.ndim == 0:
        return xp.astype(value, x.dtype)
    if value.ndim != 1 or value.shape[0] != x.shape[0]:
        raise ValueError(
            f"{name}: expected a number or a 1-D array of shape ({int(x.shape[0])},) "
            f"(one value per image), got shape {shape_of(value)}"
        )
    return xp.reshape(xp.astype(value, x.dtype), (-1,) + (1,) * (x.ndim - 1))


def to_bchw(x, name: str = "input", spatial: int = 2):
    """``(*, C, H, W)`` (or ``(*, C, D, H, W)``) -> a 4-D (5-D) view and the original shape."""
    need = spatial + 1
    if x.ndim < need:
        layout = "(*, C, D, H, W)" if spatial == 3 else "(*, C, H, W)"
        raise ValueError(f"{name}: expected shape {layout}, got {shape_of(x)}")
    shape = shape_of(x)
    if any(s == 0 for s in shape[-need:]):
        raise ValueError(f"{name}: expected non-empty channel and spatial axes, got {shape}")
    return shape, (-1,) + shape[-need:]
