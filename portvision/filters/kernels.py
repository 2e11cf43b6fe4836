"""Kernel builders: Gaussian (sampled, erf-integrated, discrete), box, Hanning, binary.

Names, signatures, shapes and defaults follow ``kornia.filters``.  No array
argument decides the engine unless ``sigma`` / ``mean`` is an array: then the
kernel is made on that array's engine, device and (float) dtype; otherwise on
the ``use_backend`` context's engine, or NumPy, in ``dtype`` (default float32).

A ``sigma`` array holds one row per sample, ``(B, 1)`` / ``(B, 2)`` / ``(B, 3)``,
and gives kernels with a leading batch axis ``B``; a Python ``sigma`` gives
``B = 1``.  A ``sigma`` of 0 gives the unit impulse (Kornia's limit), a negative
or non-finite ``sigma`` is an error.
"""

from __future__ import annotations

import math
from typing import Any

from portvision._checks import check_array_values, shape_of
from portvision._dispatch import dispatch1, factory
from portvision._registry import register_op

__all__ = [
    "gaussian",
    "get_binary_kernel2d",
    "get_box_kernel1d",
    "get_box_kernel2d",
    "get_gaussian_discrete_kernel1d",
    "get_gaussian_erf_kernel1d",
    "get_gaussian_kernel1d",
    "get_gaussian_kernel2d",
    "get_gaussian_kernel3d",
    "get_hanning_kernel1d",
    "get_hanning_kernel2d",
]

_NUMBER = (int, float)


# -- validation ------------------------------------------------------------------------
def _is_int(k) -> bool:
    return isinstance(k, int) and not isinstance(k, bool)


def _sizes(value, n: int, name: str, odd: bool, minimum: int = 1) -> tuple[int, ...]:
    """An int (or, for ``n > 1``, a length-``n`` sequence) of window sizes ``>= minimum``."""
    if _is_int(value):
        size = (value,) * n
    elif n > 1 and isinstance(value, (tuple, list)) and len(value) == n:
        size = tuple(value)
    else:
        want = "an integer" if n == 1 else f"an integer or a sequence of {n} integers"
        raise ValueError(f"{name}: expected {want}, got {value!r}")
    if any(not _is_int(k) or k < minimum or (odd and k % 2 == 0) for k in size):
        kind = ("odd " if odd else "") + ("positive" if minimum == 1 else f">= {minimum}")
        raise ValueError(f"{name}: expected {kind} integers, got {value!r}")
    return size


def _check_sigma_numbers(values, shown) -> None:
    for v in values:
        if not isinstance(v, _NUMBER) or isinstance(v, bool) or not (math.isfinite(v) and v >= 0):
            raise ValueError(f"sigma: expected non-negative finite values, got {shown!r}")


def _check_sigma_array(eng, s, n: int) -> None:
    if s.ndim != 2 or s.shape[1] != n:
        raise ValueError(
            f"sigma: expected a number or an array of shape (B, {n}), got shape {shape_of(s)}"
        )
    check_array_values(eng, s, "sigma", allow_zero=True)


# -- engine, dtype, device --------------------------------------------------------------
def _float_dtype(eng, dtype):
    dt = eng.dtype(dtype)
    if not eng.xp.isdtype(dt, "real floating"):
        raise TypeError(f"dtype: expected a real floating dtype, got {dtype!r}")
    return dt


def _target(device, dtype):
    """``(engine, device, dtype)`` for a kernel made from Python numbers."""
    eng, dev = factory()
    if device is not None:
        dev = eng.resolve_device(device)
    return eng, dev, _float_dtype(eng, dtype)


def _sigma(sigma, n: int, device, dtype):
    """``(engine, sigma (B, n) array, dtype)``; numbers are repeated to ``n`` columns."""
    if isinstance(sigma, (tuple, list)) or isinstance(sigma, _NUMBER):
        values = tuple(sigma) if isinstance(sigma, (tuple, list)) else (sigma,) * n
        if len(values) != n:
            raise ValueError(
                f"sigma: expected a number or a sequence of {n} numbers, got {sigma!r}"
            )
        _check_sigma_numbers(values, sigma)
        eng, dev, dt = _target(device, dtype)
        return eng, eng.xp.asarray([[float(v) for v in values]], dtype=dt, device=dev)
    eng, s = dispatch1("sigma", sigma)
    _check_sigma_array(eng, s, n)
    xp = eng.xp
    if dtype is not None:
        dt = _float_dtype(eng, dtype)
    else:
        dt = s.dtype if xp.isdtype(s.dtype, "real floating") else xp.float32
    if device is not None:
        s = eng.to_device(s, device)
    return eng, (s if s.dtype == dt else xp.astype(s, dt))


# -- 1-D Gaussians on a (B, 1) sigma ------------------------------------------------------
def _sampled(xp, k: int, s, mean=None):
    """``exp(-x^2 / 2 sigma^2)`` at the taps, normalised; ``s`` is ``(B, 1)``.

    Distances are measured from the nearest tap (the shift cancels in the
    normalisation) so a tiny sigma cannot underflow every tap to 0; sigma == 0
    selects the unit impulse through a finite ``where`` arm (zero gradient).
    """
    taps = xp.arange(k, dtype=s.dtype, device=s.device)
    centre = float(k // 2) if mean is None else mean
    x = taps - centre  # (k,) or (B, k) for an array mean
    if k % 2 == 0:
        x = x + 0.5  # an even window is symmetric about its middle, (k - 1) / 2
    d = x * x
    d = xp.broadcast_to(d - xp.min(d, axis=-1, keepdims=True), (s.shape[0], k))
    denom = 2.0 * s * s
    impulse = denom == 0
    g = xp.exp(-d / xp.where(impulse, xp.ones_like(denom), denom))
    g = xp.where(impulse, xp.astype(d == 0, s.dtype), g)
    return g / xp.sum(g, axis=-1, keepdims=True)


def _erf_nonneg(xp, z, terms: int = 140):
    """erf(z) for ``0 <= z <= 6`` by the series ``2/sqrt(pi) e^{-z^2} sum 2^n z^(2n+1) / (2n+1)!!``.

    Every term is positive (no cancellation), so it is accurate to rounding; 140
    terms cover z = 6, past which erf(z) is 1 in float64.
    """
    z2 = z * z
    term = z
    total = z
    for n in range(terms):
        term = term * (2.0 * z2 / (2 * n + 3))
        total = total + term
    return (2.0 / math.sqrt(math.pi)) * xp.exp(-z2) * total


def _erf(xp, z):
    a = xp.clip(xp.abs(z), 0.0, 6.0)
    return xp.sign(z) * _erf_nonneg(xp, a)


def _erf_kernel(xp, k: int, s):
    """Gaussian integrated over each pixel, ``Phi((x + 1/2)/s) - Phi((x - 1/2)/s)``, normalised."""
    x = xp.arange(k, dtype=s.dtype, device=s.device) - (k - 1) / 2
    impulse = s == 0
    t = (1.0 / math.sqrt(2.0)) / xp.where(impulse, xp.ones_like(s), s)
    g = 0.5 * (_erf(xp, t * (x + 0.5)) - _erf(xp, t * (x - 0.5)))
    g = xp.where(impulse, xp.astype(xp.abs(x) < 0.75, s.dtype), xp.clip(g, 0.0, None))
    return g / xp.sum(g, axis=-1, keepdims=True)


def _recurrence_start(eng, s, tail: int) -> int:
    """Start of the continued fraction for ``I_j / I_(j-1)``: well past ``tail`` and ``8 sigma``."""
    if eng.is_tracing(s):
        return tail + 256  # no host read while tracing: enough for sigma up to ~30
    smax = float(eng.to_numpy(eng.xp.max(s))) if s.shape[0] else 0.0
    return tail + 24 + int(math.ceil(8.0 * smax))


def _discrete_kernel(eng, k: int, s):
    """Lindeberg's discrete Gaussian ``e^{-t} I_|n|(t)``, ``t = sigma^2``, window-normalised.

    Only ratios of Bessel functions are needed (the normalisation removes
    ``e^{-t} I_0``): ``r_j = I_j / I_(j-1) = t / (2 j + t r_(j+1))``, a
    continued fraction that is evaluated backwards from far out, is stable, and
    gives the impulse at ``t = 0`` without dividing by zero.
    """
    xp = eng.xp
    tail = k // 2
    t = s * s
    r = xp.zeros_like(t)
    ratios = {}
    for j in range(_recurrence_start(eng, s, tail), 0, -1):
        r = t / (2.0 * j + t * r)
        if j <= tail:
            ratios[j] = r
    side = [xp.ones_like(t)]
    for j in range(1, tail + 1):
        side.append(side[-1] * ratios[j])  # I_j / I_0
    g = xp.concat(side[:0:-1] + side, axis=-1)
    return g / xp.sum(g, axis=-1, keepdims=True)


# -- public builders --------------------------------------------------------------------
@register_op(factory=True)
def gaussian(
    window_size: int, sigma: Any, *, mean: Any = None, device: Any = None, dtype: Any = None
) -> Any:
    """Sampled Gaussian weights over a window, normalised to sum 1 (no size check beyond > 0).

    Args:
        window_size: number of taps (even sizes allowed).
        sigma: standard deviation, a number or an array ``(B, 1)``.
        mean: centre, default ``window_size // 2``; a number or an array ``(B, 1)``.
            For an even window the Gaussian is centred at ``mean - 0.5``.
        device: device for a number ``sigma`` (default: the engine's).
        dtype: float dtype (default: ``sigma``'s float dtype, else float32).

    Returns:
        ``(B, window_size)`` weights, ``B = 1`` for a number ``sigma``.

    Example:
        >>> import numpy as np
        >>> from portvision.filters.kernels import gaussian
        >>> np.round(gaussian(5, 1.5), 4)
        array([[0.1201, 0.2339, 0.2921, 0.2339, 0.1201]], dtype=float32)
    """
    (k,) = _sizes(window_size, 1, "window_size", odd=False)
    eng, s = _sigma(sigma, 1, device, dtype)
    xp = eng.xp
    if mean is not None and not isinstance(mean, _NUMBER):
        _, m = dispatch1("mean", mean)
        if m.ndim != 2 or m.shape[1] != 1 or m.shape[0] not in (1, s.shape[0]):
            raise ValueError(
                f"mean: expected a number or an array of shape (B, 1), got shape {shape_of(m)}"
            )
        mean = (
            eng.convert(m, s.device)
            if m.dtype == s.dtype
            else xp.astype(eng.convert(m, s.device), s.dtype)
        )
    elif mean is not None:
        mean = float(mean)
    return _sampled(xp, k, s, mean)


@register_op(factory=True)
def get_gaussian_kernel1d(
    kernel_size: int, sigma: Any, force_even: bool = False, *, device: Any = None, dtype: Any = None
) -> Any:
    """1-D Gaussian sampled at integer offsets from the centre tap, normalised to sum 1.

    Args:
        kernel_size: odd positive number of taps (any positive size with ``force_even``;
            an even kernel is symmetric about ``(kernel_size - 1) / 2``).
        sigma: standard deviation >= 0: a number, or an array ``(B, 1)`` (one kernel per row).
        force_even: accept an even ``kernel_size``.
        device: device for a number ``sigma``.
        dtype: float dtype (default: ``sigma``'s float dtype, else float32).

    Returns:
        ``(B, kernel_size)``; ``B = 1`` for a number ``sigma``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> np.round(pv.filters.get_gaussian_kernel1d(3, 2.5), 4)
        array([[0.3243, 0.3513, 0.3243]], dtype=float32)
        >>> np.round(pv.filters.get_gaussian_kernel1d(5, np.array([[1.5], [0.7]])), 4)
        array([[0.1201, 0.2339, 0.2921, 0.2339, 0.1201],
               [0.0096, 0.2054, 0.5699, 0.2054, 0.0096]])
    """
    (k,) = _sizes(kernel_size, 1, "kernel_size", odd=not force_even)
    eng, s = _sigma(sigma, 1, device, dtype)
    return _sampled(eng.xp, k, s)


@register_op(factory=True)
def get_gaussian_erf_kernel1d(
    kernel_size: int, sigma: Any, force_even: bool = False, *, device: Any = None, dtype: Any = None
) -> Any:
    """1-D Gaussian integrated over each pixel (difference of error functions), normalised.

    It blurs a little more than the sampled kernel (variance about ``sigma^2 + 1/12``).

    Args:
        kernel_size: odd positive number of taps (any positive size with ``force_even``).
        sigma: standard deviation >= 0: a number or an array ``(B, 1)``.
        force_even: accept an even ``kernel_size``.
        device: device for a number ``sigma``.
        dtype: float dtype (default: ``sigma``'s float dtype, else float32).

    Returns:
        ``(B, kernel_size)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> np.round(pv.filters.get_gaussian_erf_kernel1d(5, 1.5), 4)
        array([[0.1226, 0.2331, 0.2887, 0.2331, 0.1226]], dtype=float32)
    """
    (k,) = _sizes(kernel_size, 1, "kernel_size", odd=not force_even)
    eng, s = _sigma(sigma, 1, device, dtype)
    return _erf_kernel(eng.xp, k, s)


@register_op(factory=True)
def get_gaussian_discrete_kernel1d(
    kernel_size: int, sigma: Any, force_even: bool = False, *, device: Any = None, dtype: Any = None
) -> Any:
    """Lindeberg's discrete Gaussian ``e^{-sigma^2} I_|n|(sigma^2)``, normalised over the window.

    Computed from exact ratios of modified Bessel functions (Kornia uses polynomial
    approximations of ``I_0``, ``I_1``, good to about 1e-7).

    Args:
        kernel_size: odd positive number of taps; an even size is an error even with
            ``force_even`` (the kernel lives on integer offsets from its centre).
        sigma: standard deviation >= 0: a number or an array ``(B, 1)``.
        force_even: accepted for Kornia parity; has no effect.
        device: device for a number ``sigma``.
        dtype: float dtype (default: ``sigma``'s float dtype, else float32).

    Returns:
        ``(B, kernel_size)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> np.round(pv.filters.get_gaussian_discrete_kernel1d(5, 1.5), 4)
        array([[0.1096, 0.2323, 0.3161, 0.2323, 0.1096]], dtype=float32)
    """
    (k,) = _sizes(kernel_size, 1, "kernel_size", odd=True)
    eng, s = _sigma(sigma, 1, device, dtype)
    return _discrete_kernel(eng, k, s)


def _gaussian_nd(kernel_size, sigma, force_even, device, dtype, n):
    size = _sizes(kernel_size, n, "kernel_size", odd=not force_even)
    eng, s = _sigma(sigma, n, device, dtype)
    xp = eng.xp
    out = None
    for axis, k in enumerate(size):
        g = _sampled(xp, k, s[:, axis : axis + 1])
        shape = [g.shape[0]] + [1] * n
        shape[axis + 1] = k
        g = xp.reshape(g, tuple(shape))
        out = g if out is None else out * g
    return out


@register_op(factory=True)
def get_gaussian_kernel2d(
    kernel_size: Any, sigma: Any, force_even: bool = False, *, device: Any = None, dtype: Any = None
) -> Any:
    """2-D Gaussian, the outer product of two sampled 1-D kernels (y first).

    Args:
        kernel_size: ``(kH, kW)`` or an int, odd positive (any with ``force_even``).
        sigma: ``(sigma_y, sigma_x)``, a number, or an array ``(B, 2)`` (one kernel per row).
        force_even: accept even sizes.
        device: device for number sigmas.
        dtype: float dtype (default: ``sigma``'s float dtype, else float32).

    Returns:
        ``(B, kH, kW)`` summing to 1 per sample.

    Example:
        >>> import numpy as np, portvision as pv
        >>> k = pv.filters.get_gaussian_kernel2d((3, 5), (1.5, 1.5))
        >>> k.shape, np.round(k[0, 1], 4)
        ((1, 3, 5), array([0.0462, 0.0899, 0.1123, 0.0899, 0.0462], dtype=float32))
    """
    return _gaussian_nd(kernel_size, sigma, force_even, device, dtype, 2)


@register_op(factory=True)
def get_gaussian_kernel3d(
    kernel_size: Any, sigma: Any, force_even: bool = False, *, device: Any = None, dtype: Any = None
) -> Any:
    """3-D Gaussian, the outer product of three sampled 1-D kernels (z, y, x).

    Args:
        kernel_size: ``(kD, kH, kW)`` or an int, odd positive (any with ``force_even``).
        sigma: ``(sigma_z, sigma_y, sigma_x)``, a number, or an array ``(B, 3)``.
        force_even: accept even sizes.
        device: device for number sigmas.
        dtype: float dtype (default: ``sigma``'s float dtype, else float32).

    Returns:
        ``(B, kD, kH, kW)`` summing to 1 per sample.

    Example:
        >>> import numpy as np, portvision as pv
        >>> k = pv.filters.get_gaussian_kernel3d((3, 3, 3), (1.5, 1.5, 1.5))
        >>> k.shape, round(float(k.sum()), 6), round(float(k[0, 1, 1, 1]), 4)
        ((1, 3, 3, 3), 1.0, 0.0568)
    """
    return _gaussian_nd(kernel_size, sigma, force_even, device, dtype, 3)


@register_op(differentiable=False, factory=True)
def get_box_kernel1d(kernel_size: int, *, device: Any = None, dtype: Any = None) -> Any:
    """1-D box (mean) filter: every tap ``1 / kernel_size``; even sizes allowed.

    Args:
        kernel_size: positive number of taps.
        device: device of the kernel.
        dtype: float dtype (default float32).

    Returns:
        ``(1, kernel_size)``.

    Example:
        >>> import portvision as pv
        >>> pv.filters.get_box_kernel1d(4)
        array([[0.25, 0.25, 0.25, 0.25]], dtype=float32)
    """
    (k,) = _sizes(kernel_size, 1, "kernel_size", odd=False)
    eng, dev, dt = _target(device, dtype)
    return eng.xp.full((1, k), 1.0 / k, dtype=dt, device=dev)


@register_op(differentiable=False, factory=True)
def get_box_kernel2d(kernel_size: Any, *, device: Any = None, dtype: Any = None) -> Any:
    """2-D box (mean) filter: every tap ``1 / (kH kW)``; even sizes allowed.

    Args:
        kernel_size: ``(kH, kW)`` or an int, positive.
        device: device of the kernel.
        dtype: float dtype (default float32).

    Returns:
        ``(1, kH, kW)``.

    Example:
        >>> import portvision as pv
        >>> pv.filters.get_box_kernel2d((2, 3)).shape
        (1, 2, 3)
    """
    ky, kx = _sizes(kernel_size, 2, "kernel_size", odd=False)
    eng, dev, dt = _target(device, dtype)
    return eng.xp.full((1, ky, kx), 1.0 / (ky * kx), dtype=dt, device=dev)


@register_op(differentiable=False, factory=True)
def get_binary_kernel2d(window_size: Any, *, device: Any = None, dtype: Any = None) -> Any:
    """One-hot kernels that extract each tap of a window (row-major), for patch stacking.

    Args:
        window_size: ``(kH, kW)`` or an int, positive.
        device: device of the kernel.
        dtype: dtype (default float32).

    Returns:
        ``(kH kW, 1, kH, kW)``; channel ``i`` is 1 at ``(i // kW, i % kW)``.

    Example:
        >>> import portvision as pv
        >>> pv.filters.get_binary_kernel2d(2)[:, 0]
        array([[[1., 0.],
                [0., 0.]],
        <BLANKLINE>
               [[0., 1.],
                [0., 0.]],
        <BLANKLINE>
               [[0., 0.],
                [1., 0.]],
        <BLANKLINE>
               [[0., 0.],
                [0., 1.]]], dtype=float32)
    """
    ky, kx = _sizes(window_size, 2, "window_size", odd=False)
    eng, dev = factory()
    if device is not None:
        dev = eng.resolve_device(device)
    n = ky * kx
    eye = eng.xp.eye(n, dtype=eng.dtype(dtype), device=dev)
    return eng.xp.reshape(eye, (n, 1, ky, kx))


def _hanning(xp, k: int, dt, dev):
    n = xp.arange(k, dtype=dt, device=dev)
    return 0.5 - 0.5 * xp.cos(n * (2.0 * math.pi / (k - 1)))


@register_op(differentiable=False, factory=True)
def get_hanning_kernel1d(kernel_size: int, device: Any = None, dtype: Any = None) -> Any:
    """Symmetric Hann window ``0.5 - 0.5 cos(2 pi n / (M - 1))`` (not normalised; both ends 0).

    Args:
        kernel_size: window length ``M > 2`` (even allowed).
        device: device of the kernel.
        dtype: float dtype (default float32).

    Returns:
        ``(kernel_size,)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> np.round(pv.filters.get_hanning_kernel1d(4), 4)
        array([0.  , 0.75, 0.75, 0.  ], dtype=float32)
    """
    (k,) = _sizes(kernel_size, 1, "kernel_size", odd=False, minimum=3)
    eng, dev, dt = _target(device, dtype)
    return _hanning(eng.xp, k, dt, dev)


@register_op(differentiable=False, factory=True)
def get_hanning_kernel2d(kernel_size: Any, device: Any = None, dtype: Any = None) -> Any:
    """2-D Hann window, the outer product of 1-D windows of sizes ``kH`` (rows) and ``kW``.

    Args:
        kernel_size: ``(kH, kW)`` or an int, each ``> 2``.
        device: device of the kernel.
        dtype: float dtype (default float32).

    Returns:
        ``(kH, kW)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> np.round(pv.filters.get_hanning_kernel2d((3, 4)), 4)
        array([[0.  , 0.  , 0.  , 0.  ],
               [0.  , 0.75, 0.75, 0.  ],
               [0.  , 0.  , 0.  , 0.  ]], dtype=float32)
    """
    ky, kx = _sizes(kernel_size, 2, "kernel_size", odd=False, minimum=3)
    eng, dev, dt = _target(device, dtype)
    xp = eng.xp
    return _hanning(xp, ky, dt, dev)[:, None] * _hanning(xp, kx, dt, dev)[None, :]
