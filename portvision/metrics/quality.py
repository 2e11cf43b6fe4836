"""Image quality: ``ssim``, ``ssim3d`` (structural similarity maps) and ``psnr``."""

from __future__ import annotations

import math
from typing import Any

from portvision._array import to_float
from portvision._checks import check_choice, check_kernel_size
from portvision._dispatch import dispatch
from portvision._registry import register_op
from portvision.metrics._common import check_ndim, check_number, check_same_shape

Array = Any

#: the Gaussian window of SSIM has sigma 1.5 whatever its size (Wang et al. 2004, Kornia)
_SSIM_SIGMA = 1.5


def _window(xp, k: int, dtype, device):
    """``(1, k)`` sampled Gaussian (sigma 1.5) centred at ``k // 2``, normalised to sum 1."""
    t = xp.arange(k, dtype=dtype, device=device) - float(k // 2)
    g = xp.exp(t * t * (-0.5 / _SSIM_SIGMA**2))
    return xp.reshape(g / xp.sum(g), (1, k))


def _prepare_pair(eng, img1, img2, d: int, layout: str, window_size, max_val, padding):
    """Validated float pair of ``d`` spatial axes, in their common dtype."""
    xp = eng.xp
    check_ndim(img1, "img1", d + 2, layout)
    check_ndim(img2, "img2", d + 2, layout)
    check_same_shape(img1, img2, "img1", "img2")
    (k,) = check_kernel_size(window_size, 1, "window_size")
    max_val = check_number(max_val, "max_val", positive=True)
    low = padding.lower() if isinstance(padding, str) else padding
    check_choice(low, "padding", ("same", "valid"))
    x, y = to_float(xp, img1), to_float(xp, img2)
    dt = xp.result_type(x.dtype, y.dtype)
    x = x if x.dtype == dt else xp.astype(x, dt)
    y = y if y.dtype == dt else xp.astype(y, dt)
    return x, y, k, max_val, low


#: moment elements filtered per step on the NumPy engine: a few planes at a time keep the
#: four moment maps and their filtered copies in cache (2-3x faster than one pass)
_CHUNK_ELEMS = 1 << 20


def _chunked(eng) -> bool:
    """Plane-by-plane filtering pays on engines with ``chunked_loops`` (NumPy) only.

    Elsewhere (torch, CuPy) every op is a parallel region or a kernel launch: one pass
    over the batch with few large ops is faster, and much faster on a loaded CPU, where
    each of torch's parallel regions waits for its threads to be scheduled.
    """
    return eng.chunked_loops


def _ssim_map(eng, x, y, k, max_val, eps, padding, d, post=None, combine=None):
    """SSIM map of ``x``, ``y`` ``(B, C, *S)``, computed a few image planes at a time.

    With ``post`` (a function of a map piece) and ``combine`` (of the list of their
    results), each piece is reduced while it is still in cache (the losses' sums).
    """
    xp = eng.xp
    spatial = tuple(x.shape[2:])
    planes = math.prod(x.shape[:2])
    step = max(1, _CHUNK_ELEMS // (4 * max(1, math.prod(spatial))))
    if planes == 0 or step >= planes or not _chunked(eng):
        out = _ssim_planes(eng, x, y, k, max_val, eps, padding, d)
        if post is not None:
            return combine([post(out)])
        # the channels-last map comes back in the usual row-major layout (a flat reshape
        # copies only a strided array; elsewhere it is a free view)
        return xp.reshape(xp.reshape(out, (-1,)), tuple(out.shape))
    xs = xp.reshape(x, (planes, 1) + spatial)
    ys = xp.reshape(y, (planes, 1) + spatial)
    parts = []
    for i in range(0, planes, step):
        piece = _ssim_planes(
            eng, xs[i : i + step, ...], ys[i : i + step, ...], k, max_val, eps, padding, d
        )
        parts.append(piece if post is None else post(piece))
    if post is not None:
        return combine(parts)
    out = xp.concat(parts, axis=0)
    return xp.reshape(out, tuple(x.shape[:2]) + tuple(out.shape[2:]))


def _filtered_moments(eng, x, y, g, d: int):
    """Gaussian means of x, y, x^2 + y^2 and xy, stacked on the channel axis ``(B, 4C, *S)``.

    SSIM needs only ``E[x^2] + E[y^2]``, hence four moments, filtered in one call with
    ``reflect`` borders (as Kornia's ``filter2d_separable``). Off the NumPy engines, 2D
    moments are laid out channels-last and filtered by two 1-D correlations: the grouped
    convolutions of torch (oneDNN, cuDNN) read that layout without reordering it.
    """
    xp = eng.xp
    k = g.shape[1]
    if d == 2 and not _chunked(eng):
        xh, yh = xp.permute_dims(x, (0, 2, 3, 1)), xp.permute_dims(y, (0, 2, 3, 1))
        m = xp.concat([xh, yh, xh * xh + yh * yh, xh * yh], axis=3)
        m = xp.permute_dims(m, (0, 3, 1, 2))  # (B, 4C, H, W) over channels-last memory
        m = eng.correlate(m, xp.reshape(g, (1, k, 1)), "reflect")
        return eng.correlate(m, xp.reshape(g, (1, 1, k)), "reflect")
    m = xp.concat([x, y, x * x + y * y, x * y], axis=1)
    return eng.correlate_separable(m, (g,) * d, "reflect")


def _ssim_planes(eng, x, y, k: int, max_val: float, eps: float, padding: str, d: int):
    """SSIM of the local Gaussian moments of ``x``, ``y`` ``(B, C, *S)``."""
    c = x.shape[1]
    m = _filtered_moments(eng, x, y, _window(eng.xp, k, x.dtype, x.device), d)
    if padding == "valid":
        r = k // 2
        m = m[(Ellipsis,) + (slice(r, -r if r else None),) * d]
    mu1, mu2 = m[:, :c, ...], m[:, c : 2 * c, ...]
    e_sq, e12 = m[:, 2 * c : 3 * c, ...], m[:, 3 * c :, ...]
    c1, c2 = (0.01 * max_val) ** 2, (0.03 * max_val) ** 2
    mu12 = mu1 * mu2
    mu_sq = mu1 * mu1 + mu2 * mu2
    num = (2.0 * mu12 + c1) * (2.0 * (e12 - mu12) + c2)
    den = (mu_sq + c1) * ((e_sq - mu_sq) + c2)
    return num / (den + eps)


@register_op()
def ssim(
    img1: Array,
    img2: Array,
    window_size: int,
    max_val: float = 1.0,
    eps: float = 1e-12,
    padding: str = "same",
) -> Array:
    """Structural similarity map of two image batches (Gaussian window, sigma 1.5).

    ``SSIM = (2 mu_x mu_y + c1)(2 s_xy + c2) / ((mu_x^2 + mu_y^2 + c1)(s_x^2 + s_y^2 + c2) + eps)``
    with ``c1 = (0.01 max_val)^2``, ``c2 = (0.03 max_val)^2`` and the local moments taken
    with a ``window_size``-tap Gaussian of sigma 1.5 (population covariances).

    Args:
        img1: image ``(B, C, H, W)``; integer images compute in float32.
        img2: image of the same shape.
        window_size: odd number of taps of the Gaussian window (sigma stays 1.5).
        max_val: the data range ``L`` of the images (1.0 for [0, 1]); no rescaling.
        eps: added to the denominator (0.0 reproduces the textbook formula).
        padding: ``"same"`` (the image is extended by ``reflect``, mirror without repeating
            the edge; output ``(B, C, H, W)``) or ``"valid"`` (the same map with
            ``window_size // 2`` pixels cropped on every side), case-insensitive.

    Returns:
        The SSIM map, ``(B, C, H, W)`` (or cropped), in the inputs' common float dtype.

    Note:
        scikit-image's ``structural_similarity(gaussian_weights=True, sigma=1.5,
        use_sample_covariance=False, data_range=max_val)`` filters with ``mode="reflect"``
        (which repeats the edge) and averages only the map cropped by 5 pixels (its window
        radius): on that region the two maps agree exactly when ``window_size = 11``
        and ``eps = 0``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.linspace(0, 1, 2 * 3 * 8 * 8, dtype=np.float32).reshape(2, 3, 8, 8)
        >>> pv.metrics.ssim(x, x, 5).shape
        (2, 3, 8, 8)
        >>> float(np.round(pv.metrics.ssim(x, x, 5).min(), 4))
        1.0
        >>> pv.metrics.ssim(x, 1 - x, 3, padding="valid").shape
        (2, 3, 6, 6)
    """
    eng, (img1, img2) = dispatch(("img1", "img2"), img1, img2)
    x, y, k, max_val, padding = _prepare_pair(
        eng, img1, img2, 2, "(B, C, H, W)", window_size, max_val, padding
    )
    return _ssim_map(eng, x, y, k, max_val, eps, padding, 2)


@register_op()
def ssim3d(
    img1: Array,
    img2: Array,
    window_size: int,
    max_val: float = 1.0,
    eps: float = 1e-12,
    padding: str = "same",
) -> Array:
    """Structural similarity map of two volume batches (3D Gaussian window, sigma 1.5).

    Args:
        img1: volume ``(B, C, D, H, W)``; integer volumes compute in float32.
        img2: volume of the same shape.
        window_size: odd number of taps per axis of the Gaussian window.
        max_val: the data range of the volumes.
        eps: added to the denominator.
        padding: ``"same"`` (reflect border) or ``"valid"`` (``window_size // 2`` voxels
            cropped on every side).

    Returns:
        The SSIM map, ``(B, C, D, H, W)`` (or cropped), as :func:`ssim` on volumes.

    Example:
        >>> import numpy as np, portvision as pv
        >>> v = np.linspace(0, 1, 2 * 5 * 6 * 7).reshape(1, 2, 5, 6, 7)
        >>> float(np.round(pv.metrics.ssim3d(v, v, 3).mean(), 4))
        1.0
        >>> pv.metrics.ssim3d(v, v ** 2, 3, padding="valid").shape
        (1, 2, 3, 4, 5)
    """
    eng, (img1, img2) = dispatch(("img1", "img2"), img1, img2)
    x, y, k, max_val, padding = _prepare_pair(
        eng, img1, img2, 3, "(B, C, D, H, W)", window_size, max_val, padding
    )
    return _ssim_map(eng, x, y, k, max_val, eps, padding, 3)


@register_op()
def psnr(image: Array, target: Array, max_val: float) -> Array:
    """Peak signal-to-noise ratio ``10 log10(max_val^2 / MSE)`` in dB, one value for the call.

    The MSE is pooled over every element (batch and channels included), as Kornia does:
    for per-image values call it one image at a time.

    Args:
        image: array of any shape ``(*)``; integer arrays compute in float32.
        target: array of the same shape (no broadcasting).
        max_val: the data range of the images (1.0 for [0, 1], 255.0 for [0, 255]).

    Returns:
        0-d array of the inputs' common float dtype; ``inf`` for identical inputs.

    Example:
        >>> import numpy as np, portvision as pv
        >>> ones = np.ones(1, dtype=np.float32)
        >>> float(np.round(pv.metrics.psnr(ones, 1.2 * ones, 2.0), 4))
        20.0
    """
    eng, (image, target) = dispatch(("image", "target"), image, target)
    check_same_shape(image, target, "image", "target")
    max_val = check_number(max_val, "max_val", positive=True)
    xp = eng.xp
    x, y = to_float(xp, image), to_float(xp, target)
    diff = x - y
    mse = xp.mean(diff * diff)
    # 10 log10(L^2 / mse) = 20 log10(L) - 10 log10(mse); identical inputs (mse == 0) give
    # +inf through a where, without a log(0) warning
    pos = mse > 0
    db = 20.0 * math.log10(max_val) - 10.0 * xp.log10(xp.where(pos, mse, xp.ones_like(mse)))
    return xp.where(pos, db, xp.full_like(db, math.inf))


__all__ = ["psnr", "ssim", "ssim3d"]
