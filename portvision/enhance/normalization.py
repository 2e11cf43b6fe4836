"""Channel-wise normalisation with statistics, its inverse, and min-max rescaling
(Kornia's ``kornia.enhance.normalize``)."""

from __future__ import annotations

from typing import Any

from portvision._array import to_float
from portvision._checks import shape_of
from portvision._dispatch import dispatch, dispatch1
from portvision._registry import register_op
from portvision.enhance._common import is_number

Array = Any


def _stat(eng, data, value, name):
    """Mean / std as an array in ``data``'s dtype: a number repeats per channel."""
    xp = eng.xp
    if isinstance(value, (tuple, list)):
        value = xp.asarray(value, dtype=data.dtype, device=data.device)
    elif is_number(value):
        value = xp.full((int(data.shape[1]),), value, dtype=data.dtype, device=data.device)
    elif not (hasattr(value, "shape") and hasattr(value, "dtype")):
        raise TypeError(
            f"{name}: expected a number, a sequence or an array, got {type(value).__name__}"
        )
    shp = shape_of(value)
    channels, lead = int(data.shape[1]), shape_of(data)[:2]
    if shp and shp[0] not in (1, channels) and shp[:2] != lead:
        raise ValueError(
            f"{name}: expected shape (C,), (1, C) or (B, C) with C = {channels} and B = "
            f"{lead[0]} (the data's), got {shp}"
        )
    return xp.astype(value, data.dtype) if value.dtype != data.dtype else value


def _data(eng, data):
    if data.ndim < 2:
        raise ValueError(f"data: expected shape (B, C, *), got {shape_of(data)}")
    return to_float(eng.xp, data)


@register_op()
def normalize(data: Array, mean: Array | float, std: Array | float) -> Array:
    """Normalise every channel: ``(data - mean) / std``.

    Args:
        data: ``(B, C, *)`` (integer data computes in float32, not rescaled).
        mean: a number, or shape ``(C,)``, ``(1, C)`` or ``(B, C)`` (a sequence is accepted).
        std: like ``mean``.

    Returns:
        The normalised array, ``data``'s shape and (float) dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.array([[[[0.0, 1.0]]]], dtype=np.float32)
        >>> pv.enhance.normalize(x, np.array([0.5], np.float32), np.array([0.5], np.float32))
        array([[[[-1.,  1.]]]], dtype=float32)
    """
    eng, (data, mean, std) = dispatch(("data", "mean", "std"), data, mean, std)
    x = _data(eng, data)
    m, s = _stat(eng, x, mean, "mean"), _stat(eng, x, std, "std")
    return _apply(eng.xp, x, m, s, inverse=False)


@register_op()
def denormalize(data: Array, mean: Array | float, std: Array | float) -> Array:
    """Undo :func:`normalize`: ``data * std + mean`` per channel.

    Args:
        data: ``(B, C, *)``.
        mean: a number, or shape ``(C,)``, ``(1, C)`` or ``(B, C)``.
        std: like ``mean``.

    Returns:
        The denormalised array, ``data``'s shape and (float) dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.array([[[[-1.0, 1.0]]]], dtype=np.float32)
        >>> pv.enhance.denormalize(x, 0.5, 0.5)
        array([[[[0., 1.]]]], dtype=float32)
    """
    eng, (data, mean, std) = dispatch(("data", "mean", "std"), data, mean, std)
    x = _data(eng, data)
    m, s = _stat(eng, x, mean, "mean"), _stat(eng, x, std, "std")
    return _apply(eng.xp, x, m, s, inverse=True)


def _apply(xp, x, mean, std, inverse):
    """Broadcast (C,) / (1, C) / (B, C) statistics over ``(B, C, *)`` data."""
    extra = x.ndim - 2

    def expand(v):
        if v.ndim == 0:
            return v
        if v.ndim == 1:
            return xp.reshape(v, (1, -1) + (1,) * extra)
        return xp.reshape(v, shape_of(v) + (1,) * (x.ndim - v.ndim))

    m, s = expand(mean), expand(std)
    return x * s + m if inverse else (x - m) / s


@register_op()
def normalize_min_max(
    input: Array, min_val: float = 0.0, max_val: float = 1.0, eps: float = 1e-6
) -> Array:
    """Rescale every ``(H, W)`` plane linearly so its minimum and maximum map to the range.

    ``(max_val - min_val) * (x - min) / (max - min + eps) + min_val``; a constant plane maps
    to ``min_val``.

    Args:
        input: ``(*, C, H, W)`` (at least 2 axes); integer input computes in float32.
        min_val: lower end of the new range (a float).
        max_val: upper end of the new range (a float).
        eps: added to the denominator.

    Returns:
        Same shape, (float) dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.array([[[[2.0, 4.0, 6.0]]]], dtype=np.float32)
        >>> np.round(pv.enhance.normalize_min_max(x, -1.0, 1.0), 4)
        array([[[[-1.,  0.,  1.]]]], dtype=float32)
    """
    eng, input = dispatch1("input", input)
    xp = eng.xp
    if input.ndim < 2:
        raise ValueError(f"input: expected shape (*, C, H, W), got {shape_of(input)}")
    if any(s == 0 for s in shape_of(input)[-3:]):
        raise ValueError(
            f"input: expected non-empty channel and spatial axes, got {shape_of(input)}"
        )
    for name, v in (("min_val", min_val), ("max_val", max_val)):
        if not isinstance(v, float):
            raise TypeError(f"{name}: expected a float, got {type(v).__name__}")
    x = to_float(xp, input)
    lo = xp.min(x, axis=(-2, -1), keepdims=True)
    hi = xp.max(x, axis=(-2, -1), keepdims=True)
    return (max_val - min_val) * (x - lo) / (hi - lo + eps) + min_val


__all__ = ["denormalize", "normalize", "normalize_min_max"]
