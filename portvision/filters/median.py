"""Median blur: ``median_blur``."""

from __future__ import annotations

import math
from typing import Any

from portvision._checks import check_border, check_kernel_size, image_batch
from portvision._dispatch import dispatch1
from portvision._registry import register_op

__all__ = ["median_blur"]


def _nonfinite_windows(eng, x, size, border):
    """True where the window holds a NaN or an infinity (a box sum of the indicator)."""
    xp = eng.xp
    bad = xp.astype(~xp.isfinite(x), x.dtype)
    ones = tuple(xp.ones((1, k), dtype=x.dtype, device=x.device) for k in size)
    return eng.correlate_separable(bad, ones, border) > 0.5


def _may_hold_nonfinite(eng, x, size) -> bool:
    """Whether the NaN rule must be applied (an integer image is always finite).

    Engines that trace or differentiate (torch) always apply it: a value-dependent
    branch would sync the device and break compilation. The others check first, which
    skips the rule's box sum (as costly as the median itself on NumPy) on clean images.
    """
    xp = eng.xp
    if math.prod(size) == 1 or not xp.isdtype(x.dtype, "real floating"):
        return False
    return eng.differentiable or not bool(xp.all(xp.isfinite(x)))


@register_op(integer_input=True)
def median_blur(input: Any, kernel_size: Any, border_type: str = "reflect") -> Any:
    """Median of every ``kH x kW`` window, per channel.

    Args:
        input: image ``(B, C, H, W)`` or ``(C, H, W)``; integer images compute and return float32.
        kernel_size: ``(kH, kW)`` or an int; odd and positive.
        border_type: ``"constant" | "reflect" | "replicate" | "circular"`` (default reflect,
            the mirror without the edge pixel, as Kornia pads).

    Returns:
        The filtered image, the input's shape and (float) dtype. A window of more than one
        pixel holding a NaN or an infinity gives NaN (Kornia's rule).

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.zeros((1, 1, 4, 4), dtype=np.float32); img[0, 0, 1, 1] = 9.0
        >>> pv.filters.median_blur(img, 3)[0, 0]
        array([[0., 0., 0., 0.],
               [0., 0., 0., 0.],
               [0., 0., 0., 0.],
               [0., 0., 0., 0.]], dtype=float32)
    """
    eng, input = dispatch1("input", input)
    x, added = image_batch(eng, input)
    size = check_kernel_size(kernel_size, 2)
    border = check_border(border_type)
    out = eng.median_filter(x, size, border)
    if _may_hold_nonfinite(eng, x, size):
        xp = eng.xp
        out = xp.where(
            _nonfinite_windows(eng, x, size, border),
            xp.asarray(math.nan, dtype=x.dtype, device=x.device),
            out,
        )
    return out[0, ...] if added else out
