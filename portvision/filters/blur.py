"""Box (mean) blur: ``box_blur``."""

from __future__ import annotations

from typing import Any

from portvision._checks import check_border, check_kernel_size, image_batch
from portvision._dispatch import dispatch1
from portvision._registry import register_op

__all__ = ["box_blur"]


@register_op(integer_input=True)
def box_blur(
    input: Any, kernel_size: Any, border_type: str = "reflect", separable: bool = True
) -> Any:
    """Blur every channel with the mean over a ``kH x kW`` window.

    Args:
        input: image ``(B, C, H, W)`` or ``(C, H, W)``; integer images compute and return float32.
        kernel_size: ``(kH, kW)`` or an int; positive (even sizes anchor at ``(k - 1) // 2``).
        border_type: ``"constant" | "reflect" | "replicate" | "circular"``.
        separable: two 1-D passes (True) or one 2-D kernel (False); same result up to rounding.

    Returns:
        The blurred image, the input's shape and (float) dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
        >>> np.round(pv.filters.box_blur(img, (3, 3))[0, 0], 4)
        array([[ 3.3333,  3.6667,  4.6667,  5.    ],
               [ 4.6667,  5.    ,  6.    ,  6.3333],
               [ 8.6667,  9.    , 10.    , 10.3333],
               [10.    , 10.3333, 11.3333, 11.6667]], dtype=float32)
    """
    eng, input = dispatch1("input", input)
    x, added = image_batch(eng, input)
    ky, kx = check_kernel_size(kernel_size, 2, odd=False)
    border = check_border(border_type)
    xp = eng.xp
    if separable:
        kernels = tuple(xp.full((1, k), 1.0 / k, dtype=x.dtype, device=x.device) for k in (ky, kx))
        out = eng.correlate_separable(x, kernels, border)
    else:
        out = eng.correlate(
            x, xp.full((1, ky, kx), 1.0 / (ky * kx), dtype=x.dtype, device=x.device), border
        )
    return out[0, ...] if added else out
