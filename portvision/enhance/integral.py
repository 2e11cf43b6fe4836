"""Integral images (summed-area tables): ``integral_tensor`` and ``integral_image``
(Kornia's ``kornia.enhance.integral``)."""

from __future__ import annotations

from typing import Any

from portvision._checks import shape_of
from portvision._dispatch import dispatch1
from portvision._registry import register_op

Array = Any


def _check_dims(x, dim) -> tuple[int, ...]:
    if isinstance(dim, int) and not isinstance(dim, bool):
        dim = (dim,)
    if not isinstance(dim, (tuple, list)) or not dim:
        raise ValueError(f"dim: expected a non-empty tuple of axes, got {dim!r}")
    n = x.ndim
    if any(not isinstance(d, int) or isinstance(d, bool) or not -n <= d < n for d in dim):
        raise ValueError(
            f"dim: expected axes in [{-n}, {n - 1}] (input shape {shape_of(x)}), got {dim!r}"
        )
    norm = tuple(d % n for d in dim)
    if len(set(norm)) != len(norm):
        raise ValueError(f"dim: expected distinct axes, got {dim!r}")
    return norm


def _integral(xp, x, axes):
    if not xp.isdtype(x.dtype, "real floating"):
        x = xp.astype(x, xp.int64)  # integer sums widen to int64 (as torch.cumsum)
    for a in axes:
        x = xp.cumulative_sum(x, axis=a)
    return x


@register_op(integer_input=True)
def integral_tensor(input: Array, dim: tuple[int, ...] | None = None) -> Array:
    """Inclusive cumulative sums of ``input`` along every axis of ``dim``.

    Args:
        input: array of any shape ``(*, D)`` (at least 1 axis).
        dim: the axes to sum along (distinct); None means the last axis only.

    Returns:
        Same shape; float dtypes are kept, integer input sums in int64.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.enhance.integral_tensor(np.ones((2, 3), dtype=np.float32), (-2, -1))
        array([[1., 2., 3.],
               [2., 4., 6.]], dtype=float32)
    """
    eng, input = dispatch1("input", input)
    if input.ndim < 1:
        raise ValueError(f"input: expected shape (*, D), got {shape_of(input)}")
    axes = _check_dims(input, (-1,) if dim is None else dim)
    return _integral(eng.xp, input, axes)


@register_op(integer_input=True)
def integral_image(image: Array) -> Array:
    """Summed-area table over the last two axes: ``out[..., i, j] = sum(image[..., :i+1, :j+1])``.

    Equals OpenCV's ``cv2.integral`` without its leading row and column of zeros.

    Args:
        image: ``(*, H, W)``.

    Returns:
        ``(*, H, W)``; float dtypes are kept, integer input sums in int64.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.enhance.integral_image(np.ones((1, 3, 3), dtype=np.uint8))
        array([[[1, 2, 3],
                [2, 4, 6],
                [3, 6, 9]]])
    """
    eng, image = dispatch1("image", image)
    if image.ndim < 2:
        raise ValueError(f"image: expected shape (*, H, W), got {shape_of(image)}")
    return _integral(eng.xp, image, (image.ndim - 2, image.ndim - 1))


__all__ = ["integral_image", "integral_tensor"]
