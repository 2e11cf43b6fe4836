"""Differentiable kernel-density histograms: ``histogram``, ``histogram2d`` and
``image_histogram2d`` (Kornia's ``kornia.enhance.histogram``)."""

from __future__ import annotations

import math
from typing import Any

from portvision._checks import check_array_values, shape_of
from portvision._dispatch import dispatch
from portvision._registry import register_op
from portvision.enhance._common import is_number, require_float

Array = Any


def _bandwidth(eng, bandwidth, like):
    """Gaussian bandwidth: a positive finite number or 0-d array, in ``like``'s dtype."""
    if is_number(bandwidth):
        if not (bandwidth > 0 and math.isfinite(bandwidth)):
            raise ValueError(f"bandwidth: expected a positive finite value, got {bandwidth!r}")
        return float(bandwidth)
    if not hasattr(bandwidth, "shape"):
        raise TypeError(
            f"bandwidth: expected a number or a 0-d array, got {type(bandwidth).__name__}"
        )
    if bandwidth.ndim != 0:
        raise ValueError(f"bandwidth: expected a 0-d array, got shape {shape_of(bandwidth)}")
    check_array_values(eng, bandwidth, "bandwidth")
    xp = eng.xp
    return xp.astype(bandwidth, like.dtype) if bandwidth.dtype != like.dtype else bandwidth


def _samples(eng, x, name):
    require_float(eng, x, name)
    if x.ndim != 2:
        raise ValueError(f"{name}: expected shape (B, D), got {shape_of(x)}")


def _bins(eng, bins, x):
    require_float(eng, bins, "bins")
    if bins.ndim != 1:
        raise ValueError(f"bins: expected shape (N_bins,), got {shape_of(bins)}")
    return eng.xp.astype(bins, x.dtype) if bins.dtype != x.dtype else bins


def _gauss_kernels(xp, x, bins, bandwidth):
    """``exp(-((x - bin) / bandwidth)^2 / 2)`` for every sample and bin: ``(B, D, N_bins)``."""
    u = (x[:, :, None] - bins[None, None, :]) / bandwidth
    return xp.exp(-0.5 * u * u)


@register_op()
def histogram(x: Array, bins: Array, bandwidth: Array | float, epsilon: float = 1e-10) -> Array:
    """Gaussian kernel-density estimate of the distribution of each row of ``x``.

    Args:
        x: samples ``(B, D)``.
        bins: bin centres ``(N_bins,)``.
        bandwidth: Gaussian smoothing (a positive number or 0-d array).
        epsilon: added to the normaliser.

    Returns:
        ``(B, N_bins)``: per row, the mean kernel value of each bin, normalised to sum 1.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.array([[0.0, 0.0, 1.0, 1.0]])
        >>> np.round(pv.enhance.histogram(x, np.array([0.0, 1.0]), 0.1), 4)
        array([[0.5, 0.5]])
    """
    eng, (x, bins, bandwidth) = dispatch(("x", "bins", "bandwidth"), x, bins, bandwidth)
    xp = eng.xp
    _samples(eng, x, "x")
    bins = _bins(eng, bins, x)
    bw = _bandwidth(eng, bandwidth, x)
    pdf = xp.mean(_gauss_kernels(xp, x, bins, bw), axis=1)
    return pdf / (xp.sum(pdf, axis=1, keepdims=True) + epsilon)


@register_op()
def histogram2d(
    x1: Array, x2: Array, bins: Array, bandwidth: Array | float, epsilon: float = 1e-10
) -> Array:
    """Gaussian kernel-density estimate of the joint distribution of ``x1`` and ``x2``.

    Args:
        x1: samples ``(B, D)`` (first bin axis of the result).
        x2: samples ``(B, D)``.
        bins: bin centres ``(N_bins,)``, shared by both axes.
        bandwidth: Gaussian smoothing (a positive number or 0-d array).
        epsilon: added to the normaliser.

    Returns:
        ``(B, N_bins, N_bins)`` joint densities, each summing to 1.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x1, x2 = np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])
        >>> np.round(pv.enhance.histogram2d(x1, x2, np.array([0.0, 1.0]), 0.1), 4)
        array([[[0. , 0.5],
                [0.5, 0. ]]])
    """
    names = ("x1", "x2", "bins", "bandwidth")
    eng, (x1, x2, bins, bandwidth) = dispatch(names, x1, x2, bins, bandwidth)
    xp = eng.xp
    _samples(eng, x1, "x1")
    _samples(eng, x2, "x2")
    if shape_of(x1) != shape_of(x2):
        raise ValueError(f"x2: expected the shape of x1 {shape_of(x1)}, got {shape_of(x2)}")
    if x2.dtype != x1.dtype:
        x2 = xp.astype(x2, x1.dtype)
    bins = _bins(eng, bins, x1)
    bw = _bandwidth(eng, bandwidth, x1)
    k1 = _gauss_kernels(xp, x1, bins, bw)
    k2 = _gauss_kernels(xp, x2, bins, bw)
    joint = xp.matmul(xp.matrix_transpose(k1), k2)
    return joint / (xp.sum(joint, axis=(1, 2), keepdims=True) + epsilon)


_KERNELS = ("triangular", "gaussian", "uniform", "epanechnikov")


def _check_histogram_args(min, max, n_bins, bandwidth, return_pdf, kernel, auto_centers):
    for name, v in (("min", min), ("max", max)):
        if not isinstance(v, float):
            raise TypeError(f"{name}: expected a float, got {type(v).__name__}")
    if not isinstance(n_bins, int) or isinstance(n_bins, bool):
        raise TypeError(f"n_bins: expected an int, got {type(n_bins).__name__}")
    if bandwidth is not None and not isinstance(bandwidth, float):
        raise TypeError(f"bandwidth: expected a float or None, got {type(bandwidth).__name__}")
    if not isinstance(return_pdf, bool):
        raise TypeError(f"return_pdf: expected a bool, got {type(return_pdf).__name__}")
    if kernel not in _KERNELS:
        raise ValueError(f"kernel: expected one of {list(_KERNELS)}, got {kernel!r}")
    auto_bw = bandwidth is None or bandwidth == -1.0
    if auto_centers or auto_bw:
        if n_bins <= 0:
            raise ValueError(f"n_bins: expected a positive int, got {n_bins!r}")
        if not (math.isfinite(min) and math.isfinite(max) and max > min):
            raise ValueError(f"max: expected a finite range with max > min, got [{min!r}, {max!r}]")
    if auto_bw:
        bandwidth = (max - min) / n_bins
    if not (math.isfinite(bandwidth) and bandwidth > 0):
        raise ValueError(f"bandwidth: expected a positive finite value, got {bandwidth!r}")
    return bandwidth


@register_op()
def image_histogram2d(
    image: Array,
    min: float = 0.0,
    max: float = 255.0,
    n_bins: int = 256,
    bandwidth: float | None = None,
    centers: Array | None = None,
    return_pdf: bool = False,
    kernel: str = "triangular",
    eps: float = 1e-10,
) -> tuple[Array, Array]:
    """Kernel-density histogram of every channel of an image (differentiable).

    Each pixel adds ``K(|x - c| / bandwidth)`` to the bin centred at ``c``; values outside
    ``[min, max]`` count only through the kernel (they are not clipped into an end bin).

    Args:
        image: ``(H, W)``, ``(C, H, W)`` or ``(B, C, H, W)``.
        min: lower end of the range (a float).
        max: upper end of the range (a float); ignored when ``centers`` is given.
        n_bins: number of bins; ignored when ``centers`` is given.
        bandwidth: kernel width; None (or -1) means ``(max - min) / n_bins``.
        centers: bin centres ``(n_bins,)``; None gives ``min + (i + 0.5) * bandwidth``.
        return_pdf: also return the histograms normalised to sum 1.
        kernel: ``"triangular" | "gaussian" | "uniform" | "epanechnikov"``.
        eps: added to the pdf's normaliser.

    Returns:
        ``(hist, pdf)``: each of shape ``(n_bins,)``, ``(C, n_bins)`` or ``(B, C, n_bins)``;
        ``pdf`` is zeros unless ``return_pdf``. The dtype is the image's (float32 for integer
        images, or the promoted one with explicit ``centers``).

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.array([[0.0, 1.0], [1.0, 3.0]], dtype=np.float32)
        >>> hist, _ = pv.enhance.image_histogram2d(img, 0.0, 4.0, 4)
        >>> hist
        array([1.5, 1. , 0.5, 0.5], dtype=float32)
    """
    names = ("image", "centers")
    eng, (image, centers) = dispatch(names, image, centers)
    xp = eng.xp
    if image.ndim not in (2, 3, 4):
        raise ValueError(
            f"image: expected shape (H, W), (C, H, W) or (B, C, H, W), got {shape_of(image)}"
        )
    if centers is not None and centers.ndim != 1:
        raise ValueError(f"centers: expected shape (n_bins,), got {shape_of(centers)}")
    if centers is not None and centers.shape[0] == 0:
        centers = None
    auto = centers is None
    bw = _check_histogram_args(min, max, n_bins, bandwidth, return_pdf, kernel, auto)
    floating = xp.isdtype(image.dtype, "real floating")
    dt = image.dtype if floating else xp.float32
    if not auto:
        dt = xp.result_type(dt, centers.dtype) if xp.isdtype(centers.dtype, "real floating") else dt
    x = xp.astype(image, dt) if image.dtype != dt else image
    if auto:
        c = min + bw * (xp.arange(n_bins, dtype=dt, device=x.device) + 0.5)
    else:
        c = xp.astype(centers, dt) if centers.dtype != dt else centers
    x4 = xp.reshape(x, (1,) * (4 - x.ndim) + shape_of(x))
    u = xp.abs(x4[None, ...] - xp.reshape(c, (-1, 1, 1, 1, 1))) / bw  # (n_bins, B, C, H, W)
    if kernel == "gaussian":
        k = xp.exp(-0.5 * u * u)
    else:
        inside = xp.astype(u <= 1.0, dt)
        shapes = {"triangular": 1.0 - u, "uniform": 1.0, "epanechnikov": 1.0 - u * u}
        k = shapes[kernel] * inside
    hist = xp.permute_dims(xp.sum(k, axis=(-2, -1)), (1, 2, 0))  # (B, C, n_bins)
    lead = shape_of(image)[:-2]
    hist = xp.reshape(hist, lead + (int(hist.shape[-1]),))
    if return_pdf:
        return hist, hist / (xp.sum(hist, axis=-1, keepdims=True) + eps)
    return hist, xp.zeros_like(hist)


__all__ = ["histogram", "histogram2d", "image_histogram2d"]
