"""Image derivatives: ``spatial_gradient``, ``spatial_gradient3d`` and the ``sobel`` magnitude.

All three pad with ``replicate`` (Kornia has no ``border_type`` here) and correlate with
the kernels of :mod:`portvision.filters.kernels_gradient` through the engine primitives
``correlate_bank`` (several kernels in one pass) and ``correlate_bank_norm`` (their
Euclidean norm, the Sobel magnitude, fused per plane on engines that can).
"""

from __future__ import annotations

from portvision._array import to_float
from portvision._checks import check_rank
from portvision._dispatch import dispatch1
from portvision._registry import register_op
from portvision.filters.kernels_gradient import (
    _check_mode_order,
    _gradient2d_values,
    _gradient3d_values,
)

__all__ = ["sobel", "spatial_gradient", "spatial_gradient3d"]


def _check_eps(eps):
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not eps >= 0:
        raise ValueError(f"eps: expected a non-negative number, got {eps!r}")


def _gradient2d(eng, x, mode="sobel", order=1, normalized=True):
    """``(B, C, 2|3, H, W)`` derivatives of a float ``(B, C, H, W)`` batch (already checked)."""
    xp = eng.xp
    k = xp.asarray(_gradient2d_values(mode, order, normalized), dtype=x.dtype, device=x.device)
    return eng.correlate_bank(x, k, "replicate")


@register_op()
def spatial_gradient(input, mode: str = "sobel", order: int = 1, normalized: bool = True):
    """First or second order derivatives in x and y with a Sobel or central-difference operator.

    Args:
        input: image ``(B, C, H, W)`` (or ``(C, H, W)``); integer images compute in float32.
        mode: ``"sobel"`` or ``"diff"`` (case-insensitive).
        order: 1 or 2.
        normalized: scale the kernels to derivative units (a ramp of slope ``s`` answers ``s``);
            ``False`` returns the raw stencil responses (8 ``s`` for Sobel).

    Returns:
        ``(B, C, 2, H, W)`` holding ``(dx, dy)`` for order 1, ``(B, C, 3, H, W)`` holding
        ``(dxx, dxy, dyy)`` for order 2 (without the batch axis for a ``(C, H, W)`` input).
        The border is replicated.

    Example:
        >>> import numpy as np, portvision as pv
        >>> ramp = np.tile(np.arange(5, dtype=np.float32) * 2, (1, 1, 5, 1))  # slope 2 along x
        >>> g = pv.filters.spatial_gradient(ramp)
        >>> g.shape, g[0, 0, 0, 2].tolist(), g[0, 0, 1, 2].tolist()
        ((1, 1, 2, 5, 5), [1.0, 2.0, 2.0, 2.0, 1.0], [0.0, 0.0, 0.0, 0.0, 0.0])
    """
    eng, input = dispatch1("input", input)
    check_rank(input, "input", (3, 4), "(B, C, H, W) or (C, H, W)")
    mode = _check_mode_order(mode, order)
    unbatched = input.ndim == 3
    x = to_float(eng.xp, input[None, ...] if unbatched else input)
    out = _gradient2d(eng, x, mode, order, normalized)
    return out[0, ...] if unbatched else out


@register_op()
def spatial_gradient3d(input, mode: str = "diff", order: int = 1):
    """First or second order central differences of a volume along x, y and z.

    Args:
        input: volume ``(B, C, D, H, W)`` (or ``(C, D, H, W)``); integer volumes compute in float32.
        mode: ``"diff"`` (case-insensitive).
        order: 1 or 2.

    Returns:
        ``(B, C, 3, D, H, W)`` holding ``(dx, dy, dz)`` for order 1, ``(B, C, 6, D, H, W)``
        holding ``(dxx, dyy, dzz, dxy, dyz, dxz)`` for order 2, in derivative units; the border
        is replicated.

    Example:
        >>> import numpy as np, portvision as pv
        >>> vol = np.broadcast_to(np.arange(4, dtype=np.float32)[:, None, None], (1, 1, 4, 3, 3))
        >>> g = pv.filters.spatial_gradient3d(vol)  # slope 1 along z (depth)
        >>> g.shape, g[0, 0, 2, :, 1, 1].tolist()
        ((1, 1, 3, 4, 3, 3), [0.5, 1.0, 1.0, 0.5])
    """
    eng, input = dispatch1("input", input)
    check_rank(input, "input", (4, 5), "(B, C, D, H, W) or (C, D, H, W)")
    _check_mode_order(mode, order, modes=("diff",))
    xp = eng.xp
    unbatched = input.ndim == 4
    x = to_float(xp, input[None, ...] if unbatched else input)
    k = xp.asarray(_gradient3d_values(order), dtype=x.dtype, device=x.device)
    out = eng.correlate_bank(x, k, "replicate")
    return out[0, ...] if unbatched else out


@register_op()
def sobel(input, normalized: bool = True, eps: float = 1e-6):
    """Sobel gradient magnitude ``sqrt(gx**2 + gy**2 + eps)`` per channel.

    Args:
        input: image ``(B, C, H, W)`` (or ``(C, H, W)``); integer images compute in float32.
        normalized: use the kernels divided by their L1 norm (8), i.e. 1/8 of OpenCV's Sobel.
        eps: added inside the square root (a flat region gives ``sqrt(eps)``; keeps the
            gradient finite).

    Returns:
        ``(B, C, H, W)`` (same rank as ``input``), the border replicated.

    Example:
        >>> import numpy as np
        >>> from portvision.filters.derivatives import sobel
        >>> img = np.zeros((1, 1, 3, 4), dtype=np.float32); img[..., 2:] = 1.0
        >>> np.round(sobel(img)[0, 0], 4)
        array([[0.001, 0.5  , 0.5  , 0.001],
               [0.001, 0.5  , 0.5  , 0.001],
               [0.001, 0.5  , 0.5  , 0.001]], dtype=float32)
    """
    eng, input = dispatch1("input", input)
    check_rank(input, "input", (3, 4), "(B, C, H, W) or (C, H, W)")
    _check_eps(eps)
    xp = eng.xp
    unbatched = input.ndim == 3
    x = to_float(xp, input[None, ...] if unbatched else input)
    k = xp.asarray(_gradient2d_values("sobel", 1, normalized), dtype=x.dtype, device=x.device)
    out = eng.correlate_bank_norm(x, k, "replicate", float(eps))
    return out[0, ...] if unbatched else out
