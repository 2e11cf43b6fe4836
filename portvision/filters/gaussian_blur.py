"""Gaussian blur: ``gaussian_blur2d`` (separable or full 2-D kernel, per-sample sigma)."""

from __future__ import annotations

import math
from typing import Any

from portvision._checks import (
    check_array_values,
    check_border,
    check_kernel_size,
    image_batch,
    shape_of,
)
from portvision._dispatch import dispatch
from portvision._registry import register_op
from portvision.filters.kernels import _sampled

__all__ = ["gaussian_blur2d"]


def _gauss_taps(k: int, s: float) -> list[float]:
    """Sampled Gaussian taps on the host (float64), normalised; the array path's numbers."""
    c = k // 2
    g = [math.exp(-((i - c) ** 2) / (2.0 * s * s)) for i in range(k)]
    total = math.fsum(g)
    return [v / total for v in g]


def _sigma_pair(eng, sigma, x):
    """``(sigma_y, sigma_x)`` numbers, or a validated ``(1|B, 2)`` array in ``x``'s dtype."""
    if isinstance(sigma, (int, float)) and not isinstance(sigma, bool):
        sigma = (sigma, sigma)
    if isinstance(sigma, (tuple, list)):
        ok = len(sigma) == 2 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v > 0
            for v in sigma
        )
        if not ok:
            raise ValueError(
                f"sigma: expected two positive finite values (sigma_y, sigma_x), got {sigma!r}"
            )
        return tuple(float(v) for v in sigma)
    if sigma.ndim != 2 or sigma.shape[1] != 2 or sigma.shape[0] not in (1, x.shape[0]):
        raise ValueError(
            f"sigma: expected shape (1, 2) or ({int(x.shape[0])}, 2) (the input's batch), "
            f"got {shape_of(sigma)}"
        )
    check_array_values(eng, sigma, "sigma")
    return sigma if sigma.dtype == x.dtype else eng.xp.astype(sigma, x.dtype)


def _gaussian_kernels_1d(eng, x, ksize, sigma):
    """``(kernel_y, kernel_x)``, each ``(1|B, k)`` in ``x``'s dtype and device."""
    xp = eng.xp
    if isinstance(sigma, tuple):
        return tuple(
            xp.asarray([_gauss_taps(k, s)], dtype=x.dtype, device=x.device)
            for k, s in zip(ksize, sigma, strict=True)
        )
    return tuple(_sampled(xp, k, sigma[:, i : i + 1]) for i, k in enumerate(ksize))


@register_op(integer_input=True)
def gaussian_blur2d(
    input: Any, kernel_size: Any, sigma: Any, border_type: str = "reflect", separable: bool = True
) -> Any:
    """Blur every channel with a sampled Gaussian kernel.

    Args:
        input: image ``(B, C, H, W)`` or ``(C, H, W)``; integer images compute and return float32.
        kernel_size: ``(kH, kW)`` or an int; odd and positive.
        sigma: ``(sigma_y, sigma_x)`` (``sigma[0]`` blurs along H, ``sigma[1]`` along W), a
            number, or an array ``(1, 2)`` / ``(B, 2)`` (one row per sample); positive.
        border_type: ``"constant" | "reflect" | "replicate" | "circular"``.
        separable: two 1-D passes (True) or one 2-D kernel (False); same result up to rounding.

    Returns:
        The blurred image, the input's shape and (float) dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.zeros((1, 1, 5, 5), dtype=np.float32); img[0, 0, 2, 2] = 1.0
        >>> out = pv.filters.gaussian_blur2d(img, (3, 3), (1.5, 1.5))
        >>> out.shape, np.round(out[0, 0, 1:4, 2], 4)
        ((1, 1, 5, 5), array([0.1183, 0.1478, 0.1183], dtype=float32))
    """
    eng, (input, sigma) = dispatch(("input", "sigma"), input, sigma)
    x, added = image_batch(eng, input)
    out = _gaussian_blur(eng, x, kernel_size, sigma, border_type, separable)
    return out[0, ...] if added else out


def _gaussian_blur(eng, x, kernel_size, sigma, border_type, separable=True):
    """Validated blur of a float ``(B, C, H, W)`` ``x`` (shared with ``unsharp_mask``)."""
    ksize = check_kernel_size(kernel_size, 2)
    sigma = _sigma_pair(eng, sigma, x)
    border = check_border(border_type)
    ky, kx = _gaussian_kernels_1d(eng, x, ksize, sigma)
    if separable:
        return eng.correlate_separable(x, (ky, kx), border)
    return eng.correlate(x, ky[:, :, None] * kx[:, None, :], border)
