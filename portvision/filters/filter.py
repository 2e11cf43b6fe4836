"""Correlation of images with user kernels: ``filter2d``, ``filter2d_separable``, ``filter3d``."""

from __future__ import annotations

from typing import Any

from portvision._array import to_float
from portvision._checks import check_border, check_choice, check_rank, shape_of
from portvision._dispatch import dispatch, require_array
from portvision._registry import register_op

Array = Any  # an array of any engine: numpy.ndarray, torch.Tensor, cupy.ndarray, ...


def _check_kernel(kernel, name, input, d):
    if kernel.ndim != d + 1:
        dims = ", ".join(["kH", "kW"] if d == 2 else ["kD", "kH", "kW"] if d == 3 else ["k"])
        raise ValueError(
            f"{name}: expected shape (1, {dims}) or (B, {dims}), got {shape_of(kernel)}"
        )
    if kernel.shape[0] not in (1, input.shape[0]):
        raise ValueError(
            f"{name}: expected a batch of 1 or {int(input.shape[0])} (the input's), "
            f"got shape {shape_of(kernel)}"
        )


def _normalize(xp, kernel):
    """Divide each kernel by the sum of its absolute values (Kornia's ``normalized``)."""
    axes = tuple(range(1, kernel.ndim))
    return kernel / xp.sum(xp.abs(kernel), axis=axes, keepdims=True)


def _flip(xp, kernel):
    return xp.flip(kernel, axis=tuple(range(1, kernel.ndim)))


def _crop_valid(x, ksize):
    """Drop the border rows/columns that ``padding="valid"`` excludes."""
    sl = tuple(
        slice((k - 1) // 2, n - k // 2) for k, n in zip(ksize, x.shape[-len(ksize) :], strict=True)
    )
    return x[(Ellipsis,) + sl]


def _prepare(eng, input, kernel, d):
    """Shared body of the filters: float compute dtype, kernel on the input's dtype."""
    xp = eng.xp
    x = to_float(xp, input)
    return x, xp.astype(kernel, x.dtype) if kernel.dtype != x.dtype else kernel


@register_op()
def filter2d(
    input: Array,
    kernel: Array,
    border_type: str = "reflect",
    normalized: bool = False,
    padding: str = "same",
    behaviour: str = "corr",
) -> Array:
    """Correlate every channel of an image batch with a 2D kernel.

    Args:
        input: image ``(B, C, H, W)`` (or ``(C, H, W)``); integer images compute in float32.
        kernel: ``(1, kH, kW)`` shared by the batch or ``(B, kH, kW)`` per sample.
        border_type: ``"constant" | "reflect" | "replicate" | "circular"``.
        normalized: divide the kernel by the sum of its absolute values.
        padding: ``"same"`` (output ``(B, C, H, W)``) or ``"valid"``
            (``(B, C, H - kH + 1, W - kW + 1)``).
        behaviour: ``"corr"`` (correlation) or ``"conv"`` (flips the kernel first).

    Returns:
        The filtered image, same rank and (float) dtype as ``input``. Even kernels
        are anchored at ``(k - 1) // 2``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.zeros((1, 1, 5, 5), dtype=np.float32); img[0, 0, 2, 2] = 5.0
        >>> pv.filters.filter2d(img, np.ones((1, 3, 3), dtype=np.float32))[0, 0]
        array([[0., 0., 0., 0., 0.],
               [0., 5., 5., 5., 0.],
               [0., 5., 5., 5., 0.],
               [0., 5., 5., 5., 0.],
               [0., 0., 0., 0., 0.]], dtype=float32)
    """
    eng, (input, kernel) = dispatch(("input", "kernel"), input, kernel)
    require_array("kernel", kernel)
    check_rank(input, "input", (3, 4), "(B, C, H, W) or (C, H, W)")
    unbatched = input.ndim == 3
    x = input[None, ...] if unbatched else input
    _check_kernel(kernel, "kernel", x, 2)
    border_type = check_border(border_type)
    check_choice(padding, "padding", ("same", "valid"))
    check_choice(behaviour, "behaviour", ("corr", "conv"))
    xp = eng.xp
    x, kernel = _prepare(eng, x, kernel, 2)
    if normalized:
        kernel = _normalize(xp, kernel)
    if behaviour == "conv":
        kernel = _flip(xp, kernel)
    out = eng.correlate(x, kernel, border_type)
    if padding == "valid":
        out = _crop_valid(out, tuple(kernel.shape[1:]))
    return out[0, ...] if unbatched else out


@register_op()
def filter2d_separable(
    input: Array,
    kernel_x: Array,
    kernel_y: Array,
    border_type: str = "reflect",
    normalized: bool = False,
    padding: str = "same",
) -> Array:
    """Correlate with the separable kernel ``kernel_y^T kernel_x`` (rows, then columns).

    Args:
        input: image ``(B, C, H, W)`` (or ``(C, H, W)``).
        kernel_x: ``(1, kW)`` or ``(B, kW)``, applied along the width.
        kernel_y: ``(1, kH)`` or ``(B, kH)``, applied along the height.
        border_type, normalized, padding: as :func:`filter2d`.

    Returns:
        Same as ``filter2d(input, kernel_y[:, :, None] * kernel_x[:, None, :])``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.zeros((1, 1, 5, 5)); img[0, 0, 2, 2] = 9.0
        >>> k = np.ones((1, 3)) / 3
        >>> float(pv.filters.filter2d_separable(img, k, k)[0, 0, 1, 1])
        1.0
    """
    names = ("input", "kernel_x", "kernel_y")
    eng, (input, kernel_x, kernel_y) = dispatch(names, input, kernel_x, kernel_y)
    require_array("kernel_x", kernel_x)
    require_array("kernel_y", kernel_y)
    check_rank(input, "input", (3, 4), "(B, C, H, W) or (C, H, W)")
    unbatched = input.ndim == 3
    x = input[None, ...] if unbatched else input
    _check_kernel(kernel_x, "kernel_x", x, 1)
    _check_kernel(kernel_y, "kernel_y", x, 1)
    border_type = check_border(border_type)
    check_choice(padding, "padding", ("same", "valid"))
    xp = eng.xp
    x, kernel_x = _prepare(eng, x, kernel_x, 1)
    kernel_y = xp.astype(kernel_y, x.dtype) if kernel_y.dtype != x.dtype else kernel_y
    if normalized:
        kernel_x, kernel_y = _normalize(xp, kernel_x), _normalize(xp, kernel_y)
    out = eng.correlate_separable(x, (kernel_y, kernel_x), border_type)
    if padding == "valid":
        out = _crop_valid(out, (kernel_y.shape[1], kernel_x.shape[1]))
    return out[0, ...] if unbatched else out


@register_op()
def filter3d(
    input: Array,
    kernel: Array,
    border_type: str = "replicate",
    normalized: bool = False,
    behaviour: str = "corr",
) -> Array:
    """Correlate every channel of a volume batch with a 3D kernel.

    Args:
        input: volume ``(B, C, D, H, W)`` (or ``(C, D, H, W)``).
        kernel: ``(1, kD, kH, kW)`` or ``(B, kD, kH, kW)``.
        border_type: ``"constant" | "reflect" | "replicate" | "circular"`` (default replicate).
        normalized: divide the kernel by the sum of its absolute values.
        behaviour: ``"corr"`` or ``"conv"``.

    Returns:
        ``(B, C, D, H, W)``, the input's (float) dtype; output size equals input size.

    Example:
        >>> import numpy as np, portvision as pv
        >>> vol = np.ones((1, 1, 3, 4, 4), dtype=np.float32)
        >>> pv.filters.filter3d(vol, np.full((1, 3, 3, 3), 1 / 27, dtype=np.float32)).shape
        (1, 1, 3, 4, 4)
    """
    eng, (input, kernel) = dispatch(("input", "kernel"), input, kernel)
    require_array("kernel", kernel)
    check_rank(input, "input", (4, 5), "(B, C, D, H, W) or (C, D, H, W)")
    unbatched = input.ndim == 4
    x = input[None, ...] if unbatched else input
    _check_kernel(kernel, "kernel", x, 3)
    border_type = check_border(border_type)
    check_choice(behaviour, "behaviour", ("corr", "conv"))
    xp = eng.xp
    x, kernel = _prepare(eng, x, kernel, 3)
    if normalized:
        kernel = _normalize(xp, kernel)
    if behaviour == "conv":
        kernel = _flip(xp, kernel)
    out = eng.correlate(x, kernel, border_type)
    return out[0, ...] if unbatched else out


__all__ = ["filter2d", "filter2d_separable", "filter3d"]
