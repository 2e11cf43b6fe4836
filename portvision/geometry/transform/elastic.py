"""Elastic deformation of images (Simard et al. 2003): ``elastic_transform2d``."""

from __future__ import annotations

import math
from typing import Any

from portvision._checks import check_choice, check_kernel_size, image_batch, shape_of
from portvision._dispatch import dispatch, require_array
from portvision._registry import register_op
from portvision.filters.kernels import _sampled
from portvision.utils.grid import grid2d

Array = Any

_MODES = ("bilinear", "nearest")
_PADDINGS = ("zeros", "border", "reflection")
_NUMBER = (int, float)


def _is_number(v) -> bool:
    return isinstance(v, _NUMBER) and not isinstance(v, bool)


def _pair(eng, value, name: str, like, positive: bool):
    """``(first, second)`` as ``(1, 1)`` arrays on ``like``'s dtype/device.

    ``value`` is a pair of numbers or an array with 1 or 2 entries (broadcast to 2, as
    Kornia's ``expand(2)``).
    """
    xp = eng.xp
    if isinstance(value, (tuple, list)):
        ok = len(value) == 2 and all(_is_number(v) and math.isfinite(v) for v in value)
        if not ok or (positive and not all(v > 0 for v in value)):
            kind = "positive finite" if positive else "finite"
            raise ValueError(
                f"{name}: expected 2 {kind} numbers or an array of them, got {value!r}"
            )
        arr = xp.asarray([float(v) for v in value], dtype=like.dtype, device=like.device)
    else:
        require_array(name, value)
        if value.ndim > 1 or (value.ndim == 1 and value.shape[0] not in (1, 2)):
            raise ValueError(f"{name}: expected shape (2,), (1,) or (), got {shape_of(value)}")
        arr = xp.broadcast_to(xp.reshape(xp.astype(value, like.dtype), (-1,)), (2,))
    return arr[0:1][None, :], arr[1:2][None, :]


@register_op()
def elastic_transform2d(
    image: Array,
    noise: Array,
    kernel_size: tuple[int, int] = (63, 63),
    sigma: tuple[float, float] | Array = (32.0, 32.0),
    alpha: tuple[float, float] | Array = (1.0, 1.0),
    align_corners: bool = False,
    mode: str = "bilinear",
    padding_mode: str = "zeros",
) -> Array:
    """Displace every pixel by a smoothed, scaled noise field and resample the image.

    The displacement is ``alpha * (G * noise)`` (a Gaussian blur with zero padding), added in
    ``grid_sample``'s normalised coordinates to the identity grid of the same
    ``align_corners`` convention, so zero noise is the identity.

    Args:
        image: ``(B, C, H, W)`` (or ``(C, H, W)``) image.
        noise: ``(B, 2, H, W)`` (or ``(2, H, W)``) displacement noise; channel 0 moves the
            sampling position along x, channel 1 along y (positive x moves the content left).
        kernel_size: odd Gaussian window ``(ky, kx)``.
        sigma: Gaussian standard deviations ``(sigma_y, sigma_x)``, numbers or an array ``(2,)``.
        alpha: displacement scales ``(alpha_x, alpha_y)``, numbers or an array ``(2,)``.
        align_corners: normalised-coordinate convention of the sampling.
        mode: ``"bilinear" | "nearest"``.
        padding_mode: ``"zeros" | "border" | "reflection"``.

    Returns:
        The deformed image, shape and float dtype of ``image``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.random.default_rng(0).random((1, 3, 5, 5)).astype(np.float32)
        >>> out = pv.geometry.elastic_transform2d(img, np.zeros((1, 2, 5, 5), np.float32), (3, 3))
        >>> out.shape, bool(np.allclose(out, img, atol=1e-6))
        ((1, 3, 5, 5), True)
    """
    names = ("image", "noise", "kernel_size", "sigma", "alpha")
    eng, (image, noise, kernel_size, sigma, alpha) = dispatch(
        names, image, noise, kernel_size, sigma, alpha
    )
    if image.ndim not in (3, 4):
        raise ValueError(f"image: expected shape (B, C, H, W) or (C, H, W), got {shape_of(image)}")
    x, unbatched = image_batch(eng, image)
    b, _, h, w = (int(s) for s in x.shape)
    require_array("noise", noise)
    want = (2, h, w) if unbatched else (b, 2, h, w)
    if shape_of(noise) != want:
        raise ValueError(f"noise: expected shape {want} (the image's), got {shape_of(noise)}")
    ky, kx = check_kernel_size(kernel_size, 2)
    if not isinstance(align_corners, bool):
        raise TypeError(f"align_corners: expected a bool, got {type(align_corners).__name__}")
    check_choice(mode, "mode", _MODES)
    check_choice(padding_mode, "padding_mode", _PADDINGS)
    xp = eng.xp
    sigma_y, sigma_x = _pair(eng, sigma, "sigma", x, positive=True)
    alpha_x, alpha_y = _pair(eng, alpha, "alpha", x, positive=False)
    n = xp.astype(noise, x.dtype)
    n = n[None, ...] if unbatched else n
    kernels = (_sampled(xp, ky, sigma_y), _sampled(xp, kx, sigma_x))
    disp = eng.correlate_separable(n, kernels, "constant")  # (B, 2, H, W)
    disp = xp.permute_dims(disp, (0, 2, 3, 1)) * xp.concat([alpha_x, alpha_y], axis=-1)
    grid = grid2d(xp, h, w, True, align_corners, x.dtype, x.device) + disp
    out = eng.grid_sample(x, grid, mode, padding_mode, align_corners)
    return out[0, ...] if unbatched else out


__all__ = ["elastic_transform2d"]
