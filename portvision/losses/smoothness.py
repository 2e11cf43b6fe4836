"""Smoothness penalties: ``total_variation`` and ``inverse_depth_smoothness_loss``."""

from __future__ import annotations

from typing import Any

from portvision._array import to_float
from portvision._checks import check_rank, shape_of
from portvision._dispatch import dispatch, dispatch1
from portvision._registry import register_op
from portvision.metrics._common import check_ndim, check_reduction, dtype_name

Array = Any


def _abs_sum_or_mean(xp, d, reduction):
    """Sum (or mean) of ``|d|`` over the last two axes; an empty difference gives 0."""
    a = xp.abs(d)
    if reduction == "mean" and d.shape[-1] * d.shape[-2] > 0:
        return xp.mean(a, axis=(-2, -1))
    return xp.sum(a, axis=(-2, -1))


@register_op()
def total_variation(img: Array, reduction: str = "sum") -> Array:
    """Anisotropic total variation ``sum |I[i+1, j] - I[i, j]| + sum |I[i, j+1] - I[i, j]|``.

    Args:
        img: image ``(*, H, W)`` (e.g. ``(B, C, H, W)``); integer images compute in float32.
        reduction: ``"sum"`` (default) adds the absolute differences; ``"mean"`` averages the
            vertical and the horizontal ones each over its own count, then adds the two.

    Returns:
        ``(*)``: one value per leading index (per image and channel for ``(B, C, H, W)``).

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.array([[[0.0, 1.0], [1.0, 3.0]]])
        >>> pv.losses.total_variation(img)
        array([5.])
        >>> pv.losses.total_variation(img, reduction="mean")
        array([3.])
    """
    eng, img = dispatch1("img", img)
    check_rank(img, "img", tuple(range(2, 33)), "(*, H, W)")
    check_reduction(reduction, ("mean", "sum"))
    xp = eng.xp
    x = to_float(xp, img)
    dy = x[..., 1:, :] - x[..., :-1, :]
    dx = x[..., :, 1:] - x[..., :, :-1]
    return _abs_sum_or_mean(xp, dy, reduction) + _abs_sum_or_mean(xp, dx, reduction)


@register_op()
def inverse_depth_smoothness_loss(idepth: Array, image: Array) -> Array:
    """Edge-aware smoothness of an inverse depth map (Monodepth's disparity smoothness).

    ``mean(|dx(idepth)| exp(-mean_c |dx(image)|)) + mean(|dy(idepth)| exp(-mean_c |dy(image)|))``
    with forward differences ``dx = I[..., :-1] - I[..., 1:]`` and the image gradients
    averaged over the image's channels.

    Args:
        idepth: inverse depth ``(B, 1, H, W)`` (any channel count broadcasting with ``image``'s
            weights).
        image: guide image ``(B, C, H, W)`` with the same ``(H, W)``, dtype expected in [0, 1].

    Returns:
        0-d array.

    Example:
        >>> import numpy as np, portvision as pv
        >>> d = np.array([[[[0.0, 1.0], [0.0, 1.0]]]])
        >>> float(np.round(pv.losses.inverse_depth_smoothness_loss(d, np.zeros((1, 3, 2, 2))), 4))
        1.0
    """
    eng, (idepth, image) = dispatch(("idepth", "image"), idepth, image)
    check_ndim(idepth, "idepth", 4, "(B, C, H, W)")
    check_ndim(image, "image", 4, "(B, C, H, W)")
    if tuple(idepth.shape[-2:]) != tuple(image.shape[-2:]):
        raise ValueError(
            f"image: expected the (H, W) of idepth {shape_of(idepth)[-2:]}, "
            f"got shape {shape_of(image)}"
        )
    if idepth.dtype != image.dtype:
        raise TypeError(
            f"image: expected the dtype of idepth {dtype_name(idepth.dtype)}, "
            f"got {dtype_name(image.dtype)}"
        )
    xp = eng.xp
    d, im = to_float(xp, idepth), to_float(xp, image)
    wx = xp.exp(-xp.mean(xp.abs(im[..., :-1] - im[..., 1:]), axis=1, keepdims=True))
    wy = xp.exp(-xp.mean(xp.abs(im[..., :-1, :] - im[..., 1:, :]), axis=1, keepdims=True))
    sx = xp.abs((d[..., :-1] - d[..., 1:]) * wx)
    sy = xp.abs((d[..., :-1, :] - d[..., 1:, :]) * wy)
    return xp.mean(sx) + xp.mean(sy)


__all__ = ["inverse_depth_smoothness_loss", "total_variation"]
