"""Shared checks and small helpers of the colour conversions (pure array API)."""

from __future__ import annotations

from typing import Any

from portvision._array import to_float
from portvision._checks import shape_of

Array = Any  # an array of any engine: numpy.ndarray, torch.Tensor, cupy.ndarray, ...


def check_image(image, channels: int, name: str = "image") -> None:
    """``image`` must be ``(*, channels, H, W)`` (the message of :mod:`portvision.color.gray`)."""
    if image.ndim < 3 or image.shape[-3] != channels:
        raise ValueError(f"{name}: expected shape (*, {channels}, H, W), got {shape_of(image)}")


def check_float_image(xp, image, channels: int, name: str = "image") -> None:
    """A ``(*, channels, H, W)`` image of a real floating dtype."""
    check_image(image, channels, name)
    if not xp.isdtype(image.dtype, "real floating"):
        raise TypeError(f"{name}: expected a real floating dtype, got {image.dtype}")


def check_number(value, name: str) -> None:
    """A real Python number (not bool)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name}: expected a real number, got {value!r}")


def channels(image) -> tuple:
    """The three planes ``(*, H, W)`` of a ``(*, 3, H, W)`` image (views, no copy)."""
    return image[..., 0, :, :], image[..., 1, :, :], image[..., 2, :, :]


def blend(eng, mask, a, b):
    """``a`` where ``mask`` is 1, ``b`` where it is 0: ``b + mask (a - b)`` (one fused pass
    on torch), with ``mask`` from the engine's ``compare_mask``.

    A select by arithmetic: ``where``'s data-dependent selection costs 5-20x an add on NumPy
    and 20x on torch CPU (measured).  Both branches must be finite where not taken (a NaN or
    infinity there would leak in); the result is ``a`` to one rounding of ``a - b``.
    Gradients flow to the branch taken only.
    """
    return eng.fma(mask, a - b, b)


def linear3(eng, image, matrix, bias=None):
    """Apply a colour matrix (nested tuples of Python floats; optional bias tuple) over the
    channel axis of a float ``(*, C, H, W)`` image: the engine's ``channel_matrix``
    primitive (one batched matmul: torch bmm, BLAS on NumPy, the bias added in place)."""
    xp = eng.xp
    m = xp.asarray(matrix, dtype=image.dtype, device=image.device)
    b = None if bias is None else xp.asarray(bias, dtype=image.dtype, device=image.device)
    return eng.channel_matrix(image, m, b)


def float_image(eng, image, channels: int, name: str = "image"):
    """Check ``(*, channels, H, W)`` and return the image in its float compute dtype
    (integer images in float32, Kornia's rule for the linear conversions)."""
    check_image(image, channels, name)
    return to_float(eng.xp, image)
