"""Derivative kernels: Sobel, central differences and Laplacians (Kornia's kernel builders).

The stencils are small constants, so they are written as Python lists and become arrays
once, in the requested dtype and on the requested device; the filters that use them
(:func:`~portvision.filters.spatial_gradient`, :func:`~portvision.filters.laplacian`) call
the private ``*_values`` helpers and build the array on their input's engine.
"""

from __future__ import annotations

from portvision._checks import as_tuple
from portvision._dispatch import factory
from portvision._registry import register_op

__all__ = [
    "get_diff_kernel2d",
    "get_laplacian_kernel1d",
    "get_laplacian_kernel2d",
    "get_sobel_kernel2d",
    "get_spatial_gradient_kernel2d",
    "get_spatial_gradient_kernel3d",
    "laplacian_1d",
]

# -- stencils as Python lists (raw integer taps, Kornia's sign and order) ---------------
_SOBEL_X = [[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]
_DIFF_X = [[0.0, 0.0, 0.0], [-1.0, 0.0, 1.0], [0.0, 0.0, 0.0]]
_SOBEL_XX = [
    [1.0, 0.0, -2.0, 0.0, 1.0],
    [4.0, 0.0, -8.0, 0.0, 4.0],
    [6.0, 0.0, -12.0, 0.0, 6.0],
    [4.0, 0.0, -8.0, 0.0, 4.0],
    [1.0, 0.0, -2.0, 0.0, 1.0],
]
_SOBEL_XY = [
    [1.0, 2.0, 0.0, -2.0, -1.0],
    [2.0, 4.0, 0.0, -4.0, -2.0],
    [0.0, 0.0, 0.0, 0.0, 0.0],
    [-2.0, -4.0, 0.0, 4.0, 2.0],
    [-1.0, -2.0, 0.0, 2.0, 1.0],
]
_DIFF_XX = [[0.0, 0.0, 0.0], [1.0, -2.0, 1.0], [0.0, 0.0, 0.0]]
_DIFF_XY = [[1.0, 0.0, -1.0], [0.0, 0.0, 0.0], [-1.0, 0.0, 1.0]]


def _t(k):
    return [list(r) for r in zip(*k, strict=True)]


def _scale(k, s):
    return [[v / s for v in row] for row in k]


def _check_mode_order(mode, order, modes=("sobel", "diff")):
    if not isinstance(mode, str) or mode.lower() not in modes:
        raise ValueError(f"mode: expected one of {list(modes)} (case-insensitive), got {mode!r}")
    if order not in (1, 2) or isinstance(order, bool):
        raise ValueError(f"order: expected 1 or 2, got {order!r}")
    return mode.lower()


def _quadratic_response(k):
    """|response| of 2nd-order kernels (dxx, dxy, dyy) to x^2/2, x*y, y^2/2 (Kornia's scale)."""
    h, w = len(k[0]), len(k[0][0])
    cy, cx = (h - 1) / 2, (w - 1) / 2
    quads = (lambda y, x: x * x / 2, lambda y, x: x * y, lambda y, x: y * y / 2)
    return [
        abs(sum(kk[i][j] * q(i - cy, j - cx) for i in range(h) for j in range(w)))
        for kk, q in zip(k, quads, strict=True)
    ]


def _gradient2d_values(mode: str, order: int, normalized: bool = False):
    """The 2D kernels as nested lists ``(2|3, kH, kW)``, optionally scaled to derivative units.

    ``normalized`` divides a 1st-order kernel by its L1 norm (8 for Sobel, 2 for diff) and a
    2nd-order kernel by its response to the quadratic it measures (all exact powers of 2).
    """
    if order == 1:
        kx = _SOBEL_X if mode == "sobel" else _DIFF_X
        k = [kx, _t(kx)]
        if normalized:
            k = [_scale(kk, sum(abs(v) for row in kk for v in row)) for kk in k]
        return k
    kxx, kxy = (_SOBEL_XX, _SOBEL_XY) if mode == "sobel" else (_DIFF_XX, _DIFF_XY)
    k = [kxx, kxy, _t(kxx)]
    if normalized:
        k = [_scale(kk, s) for kk, s in zip(k, _quadratic_response(k), strict=True)]
    return k


def _zeros3():
    return [[[0.0] * 3 for _ in range(3)] for _ in range(3)]


def _stencil3d(taps):
    """3x3x3 kernel (z, y, x) with the given ``{(dz, dy, dx): value}`` offsets from the centre."""
    k = _zeros3()
    for (dz, dy, dx), v in taps.items():
        k[1 + dz][1 + dy][1 + dx] = v
    return k


def _gradient3d_values(order: int):
    """Kornia's 3D central-difference kernels ``(3|6, 3, 3, 3)`` in derivative units."""
    if order == 1:  # (dx, dy, dz)
        return [
            _stencil3d({(0, 0, -1): -0.5, (0, 0, 1): 0.5}),
            _stencil3d({(0, -1, 0): -0.5, (0, 1, 0): 0.5}),
            _stencil3d({(-1, 0, 0): -0.5, (1, 0, 0): 0.5}),
        ]
    second = [
        _stencil3d({(0, 0, -1): 1.0, (0, 0, 0): -2.0, (0, 0, 1): 1.0}),  # dxx
        _stencil3d({(0, -1, 0): 1.0, (0, 0, 0): -2.0, (0, 1, 0): 1.0}),  # dyy
        _stencil3d({(-1, 0, 0): 1.0, (0, 0, 0): -2.0, (1, 0, 0): 1.0}),
    ]  # dzz
    mixed = []
    for a, b in ((2, 1), (1, 0), (2, 0)):  # dxy, dyz, dxz: axes of (z, y, x) offsets
        taps = {}
        for sa in (-1, 1):
            for sb in (-1, 1):
                off = [0, 0, 0]
                off[a], off[b] = sa, sb
                taps[tuple(off)] = 0.25 * sa * sb
        mixed.append(_stencil3d(taps))
    return second + mixed


def _laplacian_values(ky: int, kx: int):
    """All ones with the centre ``1 - ky * kx``: sums to zero."""
    k = [[1.0] * kx for _ in range(ky)]
    k[ky // 2][kx // 2] = float(1 - ky * kx)
    return k


# -- array creation -----------------------------------------------------------------------
def _new_array(values, device, dtype, name: str, low_high=None):
    """``values`` as an array of the factory engine (context or NumPy).

    ``low_high``: the (min, max) tap of an all-integer kernel, which an integer dtype may hold;
    ``None`` marks fractional taps, which no integer dtype can hold.
    """
    eng, dev = factory()
    xp = eng.xp
    dt = eng.dtype(dtype)
    if not xp.isdtype(dt, "real floating"):
        ok = low_high is not None and xp.isdtype(dt, "integral")
        if ok:
            info = xp.iinfo(dt)
            ok = info.min <= low_high[0] and low_high[1] <= info.max
        if not ok:
            raise TypeError(
                f"dtype: expected a floating dtype (or an integer one holding the taps) "
                f"for {name}, "
                f"got {dtype!r}"
            )
    device = dev if device is None else eng.resolve_device(device)
    return xp.asarray(values, dtype=dt, device=device)


def _check_laplacian_size(kernel_size, n: int):
    """Odd positive sizes, at least one of them > 1 (a single tap is the all-zero kernel)."""
    size = as_tuple(kernel_size, n, "kernel_size")
    bad = [k for k in size if not isinstance(k, int) or isinstance(k, bool) or k <= 0 or k % 2 == 0]
    if bad or all(k == 1 for k in size):
        raise ValueError(
            f"kernel_size: expected odd positive integers, at least one > 1, got {kernel_size!r}"
        )
    return size


# -- public builders ------------------------------------------------------------------------
@register_op(factory=True, differentiable=False)
def get_sobel_kernel2d(*, device=None, dtype=None):
    """The raw 3x3 Sobel kernels ``(dx, dy)``.

    Args:
        device: device of the result (the active engine's; NumPy outside a context).
        dtype: dtype of the result, float32 by default.

    Returns:
        ``(2, 3, 3)``: ``[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]`` and its transpose.

    Example:
        >>> import portvision as pv
        >>> pv.filters.get_sobel_kernel2d()[1]
        array([[-1., -2., -1.],
               [ 0.,  0.,  0.],
               [ 1.,  2.,  1.]], dtype=float32)
    """
    return _new_array(_gradient2d_values("sobel", 1), device, dtype, "the Sobel kernel", (-2, 2))


@register_op(factory=True, differentiable=False)
def get_diff_kernel2d(*, device=None, dtype=None):
    """The raw 3x3 central-difference kernels ``(dx, dy)``.

    Args:
        device: device of the result.
        dtype: dtype of the result, float32 by default.

    Returns:
        ``(2, 3, 3)``: ``[-1, 0, 1]`` in the middle row (dx) and the middle column (dy).

    Example:
        >>> import portvision as pv
        >>> pv.filters.get_diff_kernel2d()[0]
        array([[ 0.,  0.,  0.],
               [-1.,  0.,  1.],
               [ 0.,  0.,  0.]], dtype=float32)
    """
    return _new_array(
        _gradient2d_values("diff", 1), device, dtype, "the difference kernel", (-1, 1)
    )


@register_op(factory=True, differentiable=False)
def get_spatial_gradient_kernel2d(mode: str, order: int, *, device=None, dtype=None):
    """Raw 1st- or 2nd-order derivative kernels (Sobel or central differences).

    Args:
        mode: ``"sobel"`` or ``"diff"`` (case-insensitive).
        order: 1 (``(dx, dy)``) or 2 (``(dxx, dxy, dyy)``).
        device: device of the result.
        dtype: dtype of the result, float32 by default.

    Returns:
        ``(2, 3, 3)`` for order 1; ``(3, 5, 5)`` (Sobel) or ``(3, 3, 3)`` (diff) for order 2.
        Raw integer stencils: a unit slope answers 8 (Sobel) or 2 (diff).

    Example:
        >>> import portvision as pv
        >>> pv.filters.get_spatial_gradient_kernel2d("sobel", 2).shape
        (3, 5, 5)
    """
    mode = _check_mode_order(mode, order)
    low_high = (-12, 6) if (mode, order) == ("sobel", 2) else (-2, 2)
    return _new_array(
        _gradient2d_values(mode, order), device, dtype, "the gradient kernel", low_high
    )


@register_op(factory=True, differentiable=False)
def get_spatial_gradient_kernel3d(mode: str, order: int, device=None, dtype=None):
    """Central-difference kernels of a volume, in derivative units.

    Args:
        mode: ``"diff"`` (case-insensitive; there is no 3D Sobel).
        order: 1 (``(dx, dy, dz)``) or 2 (``(dxx, dyy, dzz, dxy, dyz, dxz)``).
        device: device of the result.
        dtype: a floating dtype (the taps are halves and quarters), float32 by default.

    Returns:
        ``(3, 1, 3, 3, 3)`` for order 1, ``(6, 1, 3, 3, 3)`` for order 2.

    Example:
        >>> import portvision as pv
        >>> k = pv.filters.get_spatial_gradient_kernel3d("diff", 1)
        >>> k.shape, k[0, 0, 1, 1].tolist()
        ((3, 1, 3, 3, 3), [-0.5, 0.0, 0.5])
    """
    mode = _check_mode_order(mode, order, modes=("diff",))
    values = [[k] for k in _gradient3d_values(order)]
    return _new_array(values, device, dtype, "the 3D difference kernel")


@register_op(factory=True, differentiable=False)
def laplacian_1d(window_size: int, *, device=None, dtype="float32"):
    """The 1D Laplacian taps without the size check of :func:`get_laplacian_kernel1d`.

    Args:
        window_size: number of taps (any positive size; an even one puts the negative tap at
            ``window_size // 2``).
        device: device of the result.
        dtype: dtype of the result, float32 by default.

    Returns:
        ``(window_size,)``: ones with ``1 - window_size`` at ``window_size // 2``.

    Example:
        >>> import portvision as pv
        >>> pv.filters.laplacian_1d(4)
        array([ 1.,  1., -3.,  1.], dtype=float32)
    """
    if not isinstance(window_size, int) or isinstance(window_size, bool) or window_size <= 0:
        raise ValueError(f"window_size: expected a positive integer, got {window_size!r}")
    values = [1.0] * window_size
    values[window_size // 2] = float(1 - window_size)
    return _new_array(values, device, dtype, "the Laplacian kernel", (1 - window_size, 1))


@register_op(factory=True, differentiable=False)
def get_laplacian_kernel1d(kernel_size: int, *, device=None, dtype="float32"):
    """The 1D Laplacian kernel: ones with the centre tap ``1 - kernel_size`` (sums to 0).

    Args:
        kernel_size: odd size of at least 3.
        device: device of the result.
        dtype: dtype of the result, float32 by default.

    Returns:
        ``(kernel_size,)``; size 3 is the second difference ``[1, -2, 1]``.

    Example:
        >>> import portvision as pv
        >>> pv.filters.get_laplacian_kernel1d(5)
        array([ 1.,  1., -4.,  1.,  1.], dtype=float32)
    """
    if not isinstance(kernel_size, int):
        raise ValueError(f"kernel_size: expected an odd integer of at least 3, got {kernel_size!r}")
    (k,) = _check_laplacian_size(kernel_size, 1)
    return laplacian_1d(k, device=device, dtype=dtype)


@register_op(factory=True, differentiable=False)
def get_laplacian_kernel2d(kernel_size, *, device=None, dtype="float32"):
    """The 2D Laplacian kernel: ones with the centre ``1 - kH * kW`` (sums to 0).

    Args:
        kernel_size: odd size ``k`` or ``(kH, kW)``, at least 3 along one axis.
        device: device of the result.
        dtype: dtype of the result, float32 by default.

    Returns:
        ``(kH, kW)``; size 3 is the 8-neighbour stencil (estimates ``3 * laplacian``).

    Example:
        >>> import portvision as pv
        >>> pv.filters.get_laplacian_kernel2d(3)
        array([[ 1.,  1.,  1.],
               [ 1., -8.,  1.],
               [ 1.,  1.,  1.]], dtype=float32)
    """
    ky, kx = _check_laplacian_size(kernel_size, 2)
    return _new_array(
        _laplacian_values(ky, kx), device, dtype, "the Laplacian kernel", (1 - ky * kx, 1)
    )
