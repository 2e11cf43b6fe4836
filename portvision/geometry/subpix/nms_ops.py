"""Strict non-maximum suppression in 2D and 3D windows: ``nms2d``, ``nms3d``.

A position survives when it is strictly greater than every other value of its window.  The
window minus its centre is split into boxes (slabs before/after the centre along each axis,
then the centre row either side of the centre) reduced by separable running maxima (slices,
or ``eng.max_pool`` for runs longer than 3), so the cost is ``O(sum of k)`` per position
rather than ``prod(k)``.  The input is padded with ``+inf`` by the
window's extent, which makes the border positions (whose window overhangs) never maxima.
"""

from __future__ import annotations

import math

from portvision._checks import check_bool
from portvision._registry import register_op
from portvision.geometry.subpix._common import Array, float_input, ints

__all__ = ["NonMaximaSuppression2d", "NonMaximaSuppression3d", "nms2d", "nms3d", "nms3d_minmax"]


def _split(k: int) -> tuple[int, int]:
    """Extent of a length-``k`` window before and after its centre (anchor ``(k - 1) // 2``)."""
    return (k - 1) // 2, k // 2


def _run_max(eng, x, axis: int, start: int, length: int, out: int):
    """``max(x[i + start : i + start + length])`` along ``axis`` (negative) for ``out`` values of
    ``i``: slices for short runs, ``eng.max_pool`` for longer runs on the last two axes."""
    xp = eng.xp
    lead = (slice(None),) * (x.ndim + axis)

    def cut(a, b):
        return x[lead + (slice(a, b), Ellipsis)]

    if length > 3 and axis in (-1, -2):
        src = cut(start, start + out + length - 1)
        size = (1, length) if axis == -1 else (length, 1)
        return eng.max_pool(src, size, (1, 1), (0, 0))
    res = cut(start, start + out)
    for i in range(1, length):
        res = xp.maximum(res, cut(start + i, start + i + out))
    return res


def _box_max(eng, x, size):
    """Max over ``size`` boxes of the trailing axes, valid positions only."""
    n = len(size)
    for a, k in enumerate(size):
        x = _run_max(eng, x, a - n, 0, k, int(x.shape[a - n]) - k + 1)
    return x


def _neighbour_max(eng, xpad, k):
    """Max over each window of ``xpad`` (pre-padded by the window extents) without its centre;
    ``None`` for a 1-sized window (no neighbours).

    The window minus its centre is the union, over axes ``j``, of the boxes "axes before ``j``
    at the centre, axis ``j`` before (or after) the centre, axes after ``j`` full".  The
    full-window maxima over the trailing axes are shared between the boxes.
    """
    xp = eng.xp
    n = len(k)
    ext = [_split(ki) for ki in k]
    sizes = [int(xpad.shape[a - n]) - ki + 1 for a, ki in enumerate(k)]  # output extents
    full = xpad  # max over full windows of axes > j, valid (output-sized) along them
    parts = []
    for j in reversed(range(n)):
        before, after = ext[j]
        centred = full
        for a in range(j):  # axes before j: the centre only
            lead = (slice(None),) * (centred.ndim + a - n)
            centred = centred[lead + (slice(ext[a][0], ext[a][0] + sizes[a]), Ellipsis)]
        if before:
            parts.append(_run_max(eng, centred, j - n, 0, before, sizes[j]))
        if after:
            parts.append(_run_max(eng, centred, j - n, before + 1, after, sizes[j]))
        if j:
            full = _run_max(eng, full, j - n, 0, k[j], sizes[j])
    if not parts:
        return None
    out = parts[0]
    for p in parts[1:]:
        out = xp.maximum(out, p)
    return out


def _nms(eng, x, k, mask_only):
    xp = eng.xp
    pads = tuple(_split(ki) for ki in k)
    xpad = eng.pad(x, pads, "constant", math.inf)
    nmax = _neighbour_max(eng, xpad, k)
    mask = xp.ones(x.shape, dtype=xp.bool, device=x.device) if nmax is None else x > nmax
    if mask_only:
        return mask
    return xp.where(mask, x, xp.zeros_like(x))


@register_op()
def nms2d(input: Array, kernel_size: tuple[int, int], mask_only: bool = False) -> Array:
    """Keep the strict local maxima of every ``kernel_size`` window.

    A plateau is suppressed entirely; the first ``(k - 1) // 2`` and last ``k // 2``
    positions of each axis are never maxima (the window reaches ``(k - 1) // 2`` before and
    ``k // 2`` after the centre).

    Args:
        input: ``(B, C, H, W)`` responses.
        kernel_size: window ``(kH, kW)``.
        mask_only: return the boolean mask instead of the suppressed responses.

    Returns:
        ``(B, C, H, W)``: the input at maxima and 0 elsewhere, or the bool mask.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.array([[[[0.0, 0.0, 0.0, 0.0], [0.0, 2.0, 1.0, 0.0], [0.0, 1.0, 1.0, 0.0],
        ...                 [0.0, 0.0, 0.0, 0.0]]]], dtype=np.float32)
        >>> pv.geometry.nms2d(x, (3, 3), mask_only=True)[0, 0].astype(int)
        array([[0, 0, 0, 0],
               [0, 1, 0, 0],
               [0, 0, 0, 0],
               [0, 0, 0, 0]])
    """
    eng, x, _ = float_input("input", input, 4, "(B, C, H, W)")
    k = ints(kernel_size, 2, "kernel_size", 1)
    check_bool(mask_only, "mask_only")
    return _nms(eng, x, k, mask_only)


@register_op()
def nms3d(input: Array, kernel_size: tuple[int, int, int], mask_only: bool = False) -> Array:
    """3D :func:`nms2d`: strict maxima of every ``(kD, kH, kW)`` window of a volume.

    Args:
        input: ``(B, C, D, H, W)`` responses.
        kernel_size: window ``(kD, kH, kW)``.
        mask_only: return the boolean mask instead of the suppressed responses.

    Returns:
        ``(B, C, D, H, W)``: the input at maxima and 0 elsewhere, or the bool mask.

    Example:
        >>> import numpy as np, portvision as pv
        >>> v = np.zeros((1, 1, 3, 3, 3)); v[0, 0, 1, 1, 1] = 1.0
        >>> int(pv.geometry.nms3d(v, (3, 3, 3), mask_only=True).sum())
        1
    """
    eng, x, _ = float_input("input", input, 5, "(B, C, D, H, W)")
    k = ints(kernel_size, 3, "kernel_size", 1)
    check_bool(mask_only, "mask_only")
    return _nms(eng, x, k, mask_only)


@register_op(differentiable=False, tolerance="exact")
def nms3d_minmax(input: Array) -> tuple[Array, Array]:
    """Strict local maxima and minima masks of a volume in 3x3x3 windows: the same as
    ``nms3d(input, (3, 3, 3), True)`` and ``nms3d(-input, (3, 3, 3), True)``.

    Args:
        input: ``(B, C, D, H, W)`` responses.

    Returns:
        ``(max_mask, min_mask)``, bool arrays of the input's shape.

    Example:
        >>> import numpy as np, portvision as pv
        >>> v = np.zeros((1, 1, 3, 3, 3)); v[0, 0, 1, 1, 1] = -1.0
        >>> mx, mn = pv.geometry.nms3d_minmax(v)
        >>> int(mx.sum()), int(mn.sum())
        (0, 1)
    """
    eng, x, _ = float_input("input", input, 5, "(B, C, D, H, W)")
    return _nms(eng, x, (3, 3, 3), True), _nms(eng, -x, (3, 3, 3), True)


class NonMaximaSuppression2d:
    """Object form of :func:`nms2d` (a plain callable, not a torch module).

    Example:
        >>> import numpy as np, portvision as pv
        >>> op = pv.geometry.NonMaximaSuppression2d((3, 3))
        >>> op(np.zeros((1, 1, 4, 4)), mask_only=True).any()
        np.False_
    """

    def __init__(self, kernel_size: tuple[int, int]) -> None:
        self.kernel_size = ints(kernel_size, 2, "kernel_size", 1)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(kernel_size={self.kernel_size})"

    def __call__(self, x: Array, mask_only: bool = False) -> Array:
        return nms2d(x, self.kernel_size, mask_only)


class NonMaximaSuppression3d:
    """Object form of :func:`nms3d` (a plain callable, not a torch module).

    Example:
        >>> import numpy as np, portvision as pv
        >>> op = pv.geometry.NonMaximaSuppression3d((3, 3, 3))
        >>> op(np.zeros((1, 1, 3, 4, 4))).shape
        (1, 1, 3, 4, 4)
    """

    def __init__(self, kernel_size: tuple[int, int, int]) -> None:
        self.kernel_size = ints(kernel_size, 3, "kernel_size", 1)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(kernel_size={self.kernel_size})"

    def __call__(self, x: Array, mask_only: bool = False) -> Array:
        return nms3d(x, self.kernel_size, mask_only)
