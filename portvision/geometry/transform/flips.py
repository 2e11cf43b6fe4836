"""Flips: ``hflip``, ``vflip``, ``rot180`` (any dtype, exact; ``x' = W - 1 - x``)."""

from __future__ import annotations

from typing import Any

from portvision._checks import check_rank
from portvision._dispatch import dispatch1
from portvision._registry import register_op

Array = Any

__all__ = ["hflip", "rot180", "vflip"]

_ANY_RANK = tuple(range(1, 33))


@register_op(tolerance="exact", integer_input=True)
def hflip(input: Array) -> Array:
    """Flip an image horizontally (reverse the last axis).

    Args:
        input: array ``(*, W)``, typically ``(B, C, H, W)``; any dtype.

    Returns:
        The flipped array, same shape and dtype: ``out[..., x] = input[..., W - 1 - x]``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.transform.hflip(np.array([[[[1, 2, 3]]]]))
        array([[[[3, 2, 1]]]])
    """
    eng, input = dispatch1("input", input)
    check_rank(input, "input", _ANY_RANK, "(*, W)")
    return eng.xp.flip(input, axis=-1)


@register_op(tolerance="exact", integer_input=True)
def vflip(input: Array) -> Array:
    """Flip an image vertically (reverse the height axis, the second to last).

    Args:
        input: array ``(*, H, W)``; any dtype.

    Returns:
        The flipped array, same shape and dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.transform.vflip(np.array([[1, 2], [3, 4]]))
        array([[3, 4],
               [1, 2]])
    """
    eng, input = dispatch1("input", input)
    check_rank(input, "input", _ANY_RANK[1:], "(*, H, W)")
    return eng.xp.flip(input, axis=-2)


@register_op(tolerance="exact", integer_input=True)
def rot180(input: Array) -> Array:
    """Rotate an image by 180 degrees (flip both the height and the width axes).

    Args:
        input: array ``(*, H, W)``; any dtype.

    Returns:
        The rotated array, same shape and dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.transform.rot180(np.array([[1, 2], [3, 4]]))
        array([[4, 3],
               [2, 1]])
    """
    eng, input = dispatch1("input", input)
    check_rank(input, "input", _ANY_RANK[1:], "(*, H, W)")
    return eng.xp.flip(input, axis=(-2, -1))
