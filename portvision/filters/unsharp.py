"""Unsharp masking: ``unsharp_mask``."""

from __future__ import annotations

from typing import Any

from portvision._checks import image_batch
from portvision._dispatch import dispatch
from portvision._registry import register_op
from portvision.filters.gaussian_blur import _gaussian_blur

__all__ = ["unsharp_mask"]


@register_op(integer_input=True)
def unsharp_mask(input: Any, kernel_size: Any, sigma: Any, border_type: str = "reflect") -> Any:
    """Sharpen: ``2 * input - gaussian_blur2d(input, kernel_size, sigma, border_type)``.

    Args:
        input: image ``(B, C, H, W)`` or ``(C, H, W)``; integer images compute and return float32.
        kernel_size: ``(kH, kW)`` or an int; odd and positive.
        sigma: ``(sigma_y, sigma_x)``, a number, or an array ``(1, 2)`` / ``(B, 2)``; positive.
        border_type: ``"constant" | "reflect" | "replicate" | "circular"``.

    Returns:
        The sharpened image, the input's shape and (float) dtype (not clipped).

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.zeros((1, 1, 5, 5), dtype=np.float32); img[0, 0, 2, 2] = 1.0
        >>> round(float(pv.filters.unsharp_mask(img, (3, 3), (1.5, 1.5))[0, 0, 2, 2]), 4)
        1.8522
    """
    eng, (input, sigma) = dispatch(("input", "sigma"), input, sigma)
    x, added = image_batch(eng, input)
    out = 2.0 * x - _gaussian_blur(eng, x, kernel_size, sigma, border_type)
    return out[0, ...] if added else out
