"""The Laplacian filter of Kornia: the all-ones kernel with centre ``1 - kH * kW``."""

from __future__ import annotations

from portvision._array import to_float
from portvision._checks import check_border, check_rank
from portvision._dispatch import dispatch1
from portvision._registry import register_op
from portvision.filters.kernels_gradient import _check_laplacian_size

__all__ = ["laplacian"]


@register_op()
def laplacian(input, kernel_size, border_type: str = "reflect", normalized: bool = True):
    """Correlate every channel with the Laplacian kernel of :func:`get_laplacian_kernel2d`.

    Args:
        input: image ``(B, C, H, W)`` (or ``(C, H, W)``); integer images compute in float32.
        kernel_size: odd ``k`` or ``(kH, kW)``, at least 3 along one axis.
        border_type: ``"constant" | "reflect" | "replicate" | "circular"`` (case-insensitive).
        normalized: divide the kernel by its absolute sum ``2 (kH * kW - 1)`` (16 for size 3);
            this is not a derivative scale: size 3 then gives ``3/16`` of the Laplacian.

    Returns:
        ``(B, C, H, W)`` (same rank and float dtype as ``input``).

    Example:
        >>> import numpy as np
        >>> from portvision.filters.laplace import laplacian
        >>> img = np.zeros((1, 1, 5, 5), dtype=np.float32); img[0, 0, 2, 2] = 16.0
        >>> laplacian(img, 3)[0, 0, 1:4, 1:4]
        array([[ 1.,  1.,  1.],
               [ 1., -8.,  1.],
               [ 1.,  1.,  1.]], dtype=float32)
    """
    eng, input = dispatch1("input", input)
    check_rank(input, "input", (3, 4), "(B, C, H, W) or (C, H, W)")
    ky, kx = _check_laplacian_size(kernel_size, 2)
    border = check_border(border_type)
    xp = eng.xp
    unbatched = input.ndim == 3
    x = to_float(xp, input[None, ...] if unbatched else input)
    # kernel = ones - (kH kW) * delta: a separable box sum minus the scaled centre, O(kH + kW)
    # taps per pixel instead of O(kH kW); the normalisation is folded into the column taps
    scale = 2.0 * (ky * kx - 1) if normalized else 1.0
    col = xp.full((1, ky), 1.0 / scale, dtype=x.dtype, device=x.device)
    row = xp.ones((1, kx), dtype=x.dtype, device=x.device)
    out = eng.correlate_separable(x, (col, row), border) - x * ((ky * kx) / scale)
    return out[0, ...] if unbatched else out
