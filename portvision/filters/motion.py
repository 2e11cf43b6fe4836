"""Motion blur: correlate with the rotated line kernels of ``kernels_geometry``."""

from __future__ import annotations

from portvision._array import to_float
from portvision._checks import check_border, check_choice, check_rank, shape_of
from portvision._dispatch import dispatch
from portvision._registry import register_op
from portvision.filters.kernels_geometry import (
    _check_size,
    _host_angle3,
    _is_number,
    _motion_kernel,
)

__all__ = ["motion_blur", "motion_blur3d"]


def _blur(input, kernel_size, angle, direction, border_type, mode, dim):
    eng, (input, angle, direction) = dispatch(
        ("input", "angle", "direction"), input, angle, direction
    )
    layout = "(B, C, H, W) or (C, H, W)" if dim == 2 else "(B, C, D, H, W) or (C, D, H, W)"
    check_rank(input, "input", (dim + 1, dim + 2), layout)
    _check_size(kernel_size)
    border_type = check_border(border_type)
    check_choice(mode, "mode", ("nearest", "bilinear"))
    if dim == 2 and (isinstance(angle, (tuple, list, bool))):
        raise ValueError(f"angle: expected a number or shape (B,), got {angle!r}")
    if dim == 3 and (_is_number(angle) or isinstance(angle, bool)):
        raise ValueError(f"angle: expected (rx, ry, rz) or shape (B, 3), got {angle!r}")
    if dim == 3 and isinstance(angle, (tuple, list)):
        _host_angle3(angle)
    unbatched = input.ndim == dim + 1
    x = to_float(eng.xp, input[None, ...] if unbatched else input)
    # the kernel is built directly in the image's float dtype and on its device
    kernel = _motion_kernel(eng, kernel_size, angle, direction, mode, dim, x.dtype, x.device)
    if kernel.shape[0] not in (1, x.shape[0]):
        raise ValueError(
            f"angle: expected 1 or {int(x.shape[0])} (the input's batch) values, "
            f"got {int(kernel.shape[0])} "
            f"(input shape {shape_of(input)})"
        )
    out = eng.correlate(x, kernel, border_type)
    return out[0, ...] if unbatched else out


@register_op()
def motion_blur(
    input, kernel_size: int, angle, direction, border_type: str = "reflect", mode: str = "nearest"
):
    """Blur images along a line: correlate with :func:`get_motion_kernel2d`'s kernel.

    Args:
        input: image ``(B, C, H, W)`` (or ``(C, H, W)``); integer images compute in float32.
        kernel_size: odd integer of at least 3.
        angle: degrees, counter-clockwise as displayed; a number or ``(B,)`` (one per image).
        direction: in [-1, 1]; a number or ``(B,)`` (see :func:`get_motion_kernel2d`).
        border_type: ``"constant" | "reflect" | "replicate" | "circular"``.
        mode: ``"nearest"`` or ``"bilinear"`` rotation of the kernel.

    Returns:
        ``(B, C, H, W)`` (same rank and float dtype as ``input``).

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.zeros((1, 1, 5, 5), dtype=np.float32); img[0, 0, 2, 2] = 1.0
        >>> np.round(pv.filters.motion_blur(img, 3, 0.0, 0.0)[0, 0, 2], 4)
        array([0.    , 0.3333, 0.3333, 0.3333, 0.    ], dtype=float32)
    """
    return _blur(input, kernel_size, angle, direction, border_type, mode, 2)


@register_op()
def motion_blur3d(
    input, kernel_size: int, angle, direction, border_type: str = "replicate", mode: str = "nearest"
):
    """Blur volumes along a line: correlate with :func:`get_motion_kernel3d`'s kernel.

    Args:
        input: volume ``(B, C, D, H, W)`` (or ``(C, D, H, W)``).
        kernel_size: odd integer of at least 3.
        angle: axis-angle ``(rx, ry, rz)`` in degrees, or ``(B, 3)``.
        direction: in [-1, 1]; a number or ``(B,)``.
        border_type: ``"constant" | "reflect" | "replicate" | "circular"`` (default replicate).
        mode: ``"nearest"`` or ``"bilinear"``.

    Returns:
        ``(B, C, D, H, W)`` (same rank and float dtype as ``input``).

    Example:
        >>> import numpy as np, portvision as pv
        >>> vol = np.ones((1, 1, 4, 5, 6), dtype=np.float32)
        >>> out = pv.filters.motion_blur3d(vol, 3, (0.0, 90.0, 90.0), 1.0)
        >>> out.shape, bool(np.allclose(out, 1.0))
        ((1, 1, 4, 5, 6), True)
    """
    return _blur(input, kernel_size, angle, direction, border_type, mode, 3)
