"""Per-pixel range test over all channels: ``in_range`` (OpenCV's ``inRange``, Kornia's semantics).

``mask = all_c(lower_c <= input_c <= upper_c)``, both bounds inclusive, a NaN channel fails.
The input is read as ``(B, C, H, W)``: ``(H, W)`` is ``(1, 1, H, W)``, ``(C, H, W)`` is
``(1, C, H, W)``, longer inputs flatten their leading axes into ``B``; the output gets the
input's leading axes back. Facts from Kornia 0.9.
"""

from __future__ import annotations

import math
from typing import Any

from portvision._checks import shape_of
from portvision._dispatch import dispatch
from portvision._registry import register_op

__all__ = ["in_range"]


def _as_bchw(xp, x):
    """``(B, C, H, W)`` view of ``x`` (Kornia's ``perform_keep_shape_image`` rule)."""
    if x.ndim == 2:
        return x[None, None, ...]
    if x.ndim == 3:
        return x[None, ...]
    if x.ndim == 4:
        return x
    return xp.reshape(x, (-1,) + tuple(x.shape[-3:]))


def _restore(xp, out, shape):
    if len(shape) == 2:
        return out[0, 0, ...]
    if len(shape) == 3:
        return out[0, ...]
    if len(shape) > 4:
        return xp.reshape(out, tuple(shape[:-3]) + tuple(out.shape[-3:]))
    return out


def _array_bound(xp, name, bound, bchw):
    """A bound array aligned with ``(B, C, H, W)``: 1-D per channel, else right-aligned,
    each axis 1 or the input's."""
    if bound.ndim == 1 and bound.shape[0] in (1, bchw[1]):
        return xp.reshape(bound, (1, -1, 1, 1))
    if bound.ndim != 1 and bound.ndim <= 4:
        shape = (1,) * (4 - bound.ndim) + tuple(bound.shape)
        if all(b in (1, i) for b, i in zip(shape, bchw, strict=True)):
            return xp.reshape(bound, shape)
    raise ValueError(
        f"{name}: expected shape (C,), (1,), or up to 4 axes each 1 or equal to the input's "
        f"(B, C, H, W) = {bchw}, got {shape_of(bound)}"
    )


def _int_range(xp, dtype):
    if dtype == xp.bool:
        return 0, 1
    info = xp.iinfo(dtype)
    return int(info.min), int(info.max)


def _tuple_side(xp, x, bound, lower: bool):
    """``x >= bound`` (lower) or ``x <= bound`` per channel for a tuple of numbers."""
    if xp.isdtype(x.dtype, "real floating"):
        b = xp.reshape(
            xp.asarray([float(v) for v in bound], dtype=x.dtype, device=x.device), (1, -1, 1, 1)
        )
        return x >= b if lower else x <= b
    lo, hi = _int_range(xp, x.dtype)
    masks = []
    for c, v in enumerate(bound):
        # round the bound, not the pixels: fractional lower bounds up, upper bounds down
        if isinstance(v, float) and math.isnan(v):
            masks.append(xp.zeros_like(x[:, c : c + 1, ...], dtype=xp.bool))
            continue
        r = (math.ceil(v) if lower else math.floor(v)) if math.isfinite(v) else v
        ch = x[:, c : c + 1, ...]
        if r < lo:
            masks.append(
                xp.ones_like(ch, dtype=xp.bool) if lower else xp.zeros_like(ch, dtype=xp.bool)
            )
        elif r > hi:
            masks.append(
                xp.zeros_like(ch, dtype=xp.bool) if lower else xp.ones_like(ch, dtype=xp.bool)
            )
        else:
            masks.append(ch >= int(r) if lower else ch <= int(r))
    return xp.concat(masks, axis=1)


def _array_side(xp, x, bound, lower: bool):
    """``x >= bound`` (lower) or ``x <= bound`` for a broadcastable bound array."""
    if xp.isdtype(x.dtype, "real floating"):
        b = bound if bound.dtype == x.dtype else xp.astype(bound, x.dtype)
        return x >= b if lower else x <= b
    if not xp.isdtype(bound.dtype, "real floating"):
        return x >= bound if lower else x <= bound
    lo, hi = _int_range(xp, x.dtype)
    r = xp.ceil(bound) if lower else xp.floor(bound)
    below, above = r < lo, r >= hi + 1
    safe = xp.astype(xp.where((r >= lo) & (r < hi + 1), r, xp.zeros_like(r)), x.dtype)
    nan = xp.isnan(bound)
    if lower:
        return ((x >= safe) | below) & ~above & ~nan
    return ((x <= safe) | above) & ~below & ~nan


@register_op(integer_input=True, tolerance="exact")
def in_range(input: Any, lower: Any, upper: Any, return_mask: bool = False) -> Any:
    """Mask of the pixels whose every channel lies in ``[lower, upper]``, or the input masked by it.

    Args:
        input: image ``(*, C, H, W)`` or ``(H, W)``, float or integer, not empty.
        lower: inclusive lower bounds: a tuple with one number per channel, or an array: ``(C,)``
            / ``(1,)`` per channel, or up to 4 axes right-aligned with ``(B, C, H, W)``, each 1 or
            the input's (e.g. ``(B, C, 1, 1)`` per sample). Cast to a float input's dtype; for
            integer input fractional lower bounds round up, upper bounds down, and out-of-range
            bounds do not wrap.
        upper: inclusive upper bounds, of the same kind as ``lower`` (both tuples or both arrays).
        return_mask: return the mask instead of ``input * mask``.

    Returns:
        The mask ``(*, 1, H, W)`` (``(H, W)`` for a 2-D input) in the input's dtype (1 = inside),
        or ``input * mask`` with the input's shape.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.array([[[0.1, 0.5], [0.9, 0.3]], [[0.5, 0.5], [0.5, 0.1]]], dtype=np.float32)
        >>> pv.filters.in_range(img, (0.2, 0.2), (0.8, 0.8), return_mask=True)
        array([[[0., 1.],
                [0., 0.]]], dtype=float32)
    """
    tuples = isinstance(lower, (tuple, list)), isinstance(upper, (tuple, list))
    arrays = [
        v is not None and not isinstance(v, (tuple, list, int, float, bool, str))
        for v in (lower, upper)
    ]
    if not all(a or t for a, t in zip(arrays, tuples, strict=True)):
        raise TypeError(
            "lower, upper: expected two tuples or two arrays, "
            f"got {type(lower).__name__} and {type(upper).__name__}"
        )
    if tuples[0] != tuples[1]:
        raise TypeError(
            "lower, upper: expected both tuples or both arrays, "
            f"got {type(lower).__name__} and {type(upper).__name__}"
        )
    if not isinstance(return_mask, bool):
        raise TypeError(f"return_mask: expected a bool, got {return_mask!r}")
    if tuples[0]:
        eng, (input,) = dispatch(("input",), input)
    else:
        eng, (input, lower, upper) = dispatch(("input", "lower", "upper"), input, lower, upper)
    if input.ndim < 2:
        raise ValueError(f"input: expected shape (*, C, H, W) or (H, W), got {shape_of(input)}")
    if math.prod(shape_of(input)) == 0:
        raise ValueError(f"input: expected a non-empty array, got shape {shape_of(input)}")
    xp = eng.xp
    x = _as_bchw(xp, input)
    bchw = shape_of(x)
    if tuples[0]:
        for name, b in (("lower", lower), ("upper", upper)):
            if len(b) != bchw[1]:
                raise ValueError(
                    f"{name}: expected {bchw[1]} values (one per channel), got {tuple(b)!r}"
                )
        inside = _tuple_side(xp, x, lower, True) & _tuple_side(xp, x, upper, False)
    else:
        lo, hi = _array_bound(xp, "lower", lower, bchw), _array_bound(xp, "upper", upper, bchw)
        inside = _array_side(xp, x, lo, True) & _array_side(xp, x, hi, False)
    mask = xp.astype(xp.all(inside, axis=1, keepdims=True), x.dtype)
    return _restore(xp, mask if return_mask else x * mask, shape_of(input))
