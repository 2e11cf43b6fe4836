"""Soft-argmax inside sliding windows: ``conv_soft_argmax2d``, ``conv_soft_argmax3d`` and the
object forms ``ConvSoftArgmax2d``, ``ConvSoftArgmax3d``.

Each window is the softmax of its own values (shifted by the window's maximum), padding adds
positions of zero weight (as if the input were padded with ``-inf``); the loop runs over the
``k`` taps of the window, each tap a strided slice of the whole batch.
"""

from __future__ import annotations

import itertools
import math
import warnings

from portvision._checks import check_bool
from portvision._registry import register_op
from portvision.geometry.conversions.coordinates import axis_scale
from portvision.geometry.subpix._common import Array, float_input, ints, temperature_of

__all__ = ["ConvSoftArgmax2d", "ConvSoftArgmax3d", "conv_soft_argmax2d", "conv_soft_argmax3d"]


def _params(kernel_size, stride, padding, n):
    k = ints(kernel_size, n, "kernel_size", 1)
    s = ints(stride, n, "stride", 1)
    p = ints(padding, n, "padding", 0)
    if any(2 * pi > ki for pi, ki in zip(p, k, strict=True)):
        raise ValueError(
            f"padding: expected at most half of kernel_size {k} on every axis, got {padding!r}"
        )
    return k, s, p


def _tap(x, start, out, stride):
    """The strided slice of the trailing axes seen by one window tap."""
    lead = (slice(None),) * (x.ndim - len(start))
    return x[
        lead
        + tuple(
            slice(a, a + (o - 1) * s + 1, s) for a, o, s in zip(start, out, stride, strict=True)
        )
    ]


def window_soft_argmax(eng, x, t, k, s, p, normalized, output_value):
    """``(coords (B, C, n, *out), values (B, C, *out) or None)`` over the trailing ``n`` axes.

    Coordinates are in the axis order of the trailing axes.
    """
    xp = eng.xp
    n = len(k)
    sizes = tuple(int(d) for d in x.shape[-n:])
    out = tuple((d + 2 * pi - ki) // si + 1 for d, pi, ki, si in zip(sizes, p, k, s, strict=True))
    if any(o <= 0 for o in out):
        raise ValueError(f"kernel_size: expected windows that fit the padded input, got {k}")
    pads = tuple((pi, pi) for pi in p)
    logits = eng.pad(x / t, pads, "constant", -math.inf)
    taps = list(itertools.product(*(range(ki) for ki in k)))
    lt = [_tap(logits, tap, out, s) for tap in taps]
    m = lt[0]
    for v in lt[1:]:
        m = xp.maximum(m, v)
    m = eng.stop_gradient(m)  # softmax is shift-invariant: the shift needs no gradient
    e = [xp.exp(v - m) for v in lt]
    z = e[0]
    for v in e[1:]:
        z = z + v
    coords = []
    for a in range(n):
        acc = None
        for tap, ev in zip(taps, e, strict=True):
            if tap[a]:
                acc = ev * float(tap[a]) if acc is None else acc + ev * float(tap[a])
        mean = acc / z if acc is not None else xp.zeros_like(z)
        shape = [1] * n
        shape[a] = out[a]
        origin = xp.arange(out[a], dtype=x.dtype, device=x.device) * float(s[a]) - float(p[a])
        c = mean + xp.reshape(origin, tuple(shape))
        if normalized:
            sc, tr = axis_scale(sizes[a])
            c = c * sc + tr
        coords.append(c)
    values = None
    if output_value:
        vals = eng.pad(x, pads, "constant", 0.0)
        acc = None
        for tap, ev in zip(taps, e, strict=True):
            term = ev * _tap(vals, tap, out, s)
            acc = term if acc is None else acc + term
        values = acc / z
    return coords, values


@register_op()
def conv_soft_argmax2d(
    input: Array,
    kernel_size: tuple[int, int] = (3, 3),
    stride: tuple[int, int] = (1, 1),
    padding: tuple[int, int] = (1, 1),
    temperature: Array | float = 1.0,
    normalized_coordinates: bool = True,
    eps: float = 1e-8,
    output_value: bool = False,
) -> Array | tuple[Array, Array]:
    """Soft-argmax of every window of a heatmap: the softmax-weighted mean ``(x, y)`` of the
    window's pixels (and optionally the softmax-weighted mean value).

    Args:
        input: ``(B, C, H, W)`` heatmaps.
        kernel_size: window size ``(kH, kW)``.
        stride: window stride.
        padding: zero-weight padding per side, at most half the window.
        temperature: positive divisor of the input (number or array).
        normalized_coordinates: corner-aligned ``[-1, 1]`` coordinates, else pixels.
        eps: ignored, as in Kornia 0.9 (every window's softmax denominator is at least 1).
        output_value: also return the softmax-pooled values.

    Returns:
        ``(B, C, 2, H_out, W_out)`` coordinates ``(x, y)``; with ``output_value`` also the
        ``(B, C, H_out, W_out)`` values.  ``H_out = (H + 2 p - k) // s + 1``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> h = np.zeros((1, 1, 3, 3)); h[0, 0, 2, 1] = 50.0
        >>> c = pv.geometry.conv_soft_argmax2d(h, (3, 3), (1, 1), (0, 0),
        ...                                    normalized_coordinates=False)
        >>> np.round(c[0, 0, :, 0, 0], 4)
        array([1., 2.])
    """
    eng, x, t = float_input("input", input, 4, "(B, C, H, W)", temperature)
    t = temperature_of(eng, t, x)
    k, s, p = _params(kernel_size, stride, padding, 2)
    check_bool(normalized_coordinates, "normalized_coordinates")
    check_bool(output_value, "output_value")
    (cy, cx), values = window_soft_argmax(eng, x, t, k, s, p, normalized_coordinates, output_value)
    coords = eng.xp.stack([cx, cy], axis=2)
    return (coords, values) if output_value else coords


def _warn_bonus(strict_maxima_bonus) -> None:
    if strict_maxima_bonus is not None:
        warnings.warn(
            "`strict_maxima_bonus` is deprecated (Kornia 0.9) and ignored; select strict maxima "
            "with nms3d instead.",
            DeprecationWarning,
            stacklevel=3,
        )


@register_op()
def conv_soft_argmax3d(
    input: Array,
    kernel_size: tuple[int, int, int] = (3, 3, 3),
    stride: tuple[int, int, int] = (1, 1, 1),
    padding: tuple[int, int, int] = (1, 1, 1),
    temperature: Array | float = 1.0,
    normalized_coordinates: bool = False,
    eps: float = 1e-8,
    output_value: bool = True,
    strict_maxima_bonus: float | None = None,
) -> Array | tuple[Array, Array]:
    """Soft-argmax of every window of a volume, coordinates in ``(d, x, y)`` order.

    Defaults differ from the 2D function (as in Kornia): pixel coordinates and
    ``output_value=True``.

    Args:
        input: ``(B, C, D, H, W)`` heatmaps.
        kernel_size: window size ``(kD, kH, kW)``.
        stride: window stride.
        padding: zero-weight padding per side, at most half the window.
        temperature: positive divisor of the input.
        normalized_coordinates: corner-aligned ``[-1, 1]`` coordinates, else voxels.
        eps: ignored, as in Kornia 0.9.
        output_value: also return the softmax-pooled values.
        strict_maxima_bonus: deprecated and ignored (a non-None value warns).

    Returns:
        ``(B, C, 3, D_out, H_out, W_out)`` coordinates ``(d, x, y)`` and, with
        ``output_value``, ``(B, C, D_out, H_out, W_out)`` values.

    Example:
        >>> import numpy as np, portvision as pv
        >>> v = np.zeros((1, 1, 3, 3, 3)); v[0, 0, 0, 2, 1] = 50.0
        >>> c, val = pv.geometry.conv_soft_argmax3d(v, (3, 3, 3), (1, 1, 1), (0, 0, 0))
        >>> np.round(c[0, 0, :, 0, 0, 0], 4), round(float(val[0, 0, 0, 0, 0]), 4)
        (array([0., 1., 2.]), 50.0)
    """
    _warn_bonus(strict_maxima_bonus)
    eng, x, t = float_input("input", input, 5, "(B, C, D, H, W)", temperature)
    t = temperature_of(eng, t, x)
    k, s, p = _params(kernel_size, stride, padding, 3)
    check_bool(normalized_coordinates, "normalized_coordinates")
    check_bool(output_value, "output_value")
    (cd, cy, cx), values = window_soft_argmax(
        eng, x, t, k, s, p, normalized_coordinates, output_value
    )
    coords = eng.xp.stack([cd, cx, cy], axis=2)
    return (coords, values) if output_value else coords


class ConvSoftArgmax2d:
    """Object form of :func:`conv_soft_argmax2d` (a plain callable, not a torch module).

    Example:
        >>> import numpy as np, portvision as pv
        >>> op = pv.geometry.ConvSoftArgmax2d((3, 3), (2, 2), (1, 1))
        >>> op(np.zeros((2, 4, 8, 6), dtype=np.float32)).shape
        (2, 4, 2, 4, 3)
    """

    def __init__(
        self,
        kernel_size: tuple[int, int] = (3, 3),
        stride: tuple[int, int] = (1, 1),
        padding: tuple[int, int] = (1, 1),
        temperature: Array | float = 1.0,
        normalized_coordinates: bool = True,
        eps: float = 1e-8,
        output_value: bool = False,
    ) -> None:
        _params(kernel_size, stride, padding, 2)
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.temperature = temperature
        self.normalized_coordinates = normalized_coordinates
        self.eps = eps
        self.output_value = output_value

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(kernel_size={self.kernel_size}, stride={self.stride}, "
            f"padding={self.padding}, temperature={self.temperature}, "
            f"normalized_coordinates={self.normalized_coordinates}, eps={self.eps}, "
            f"output_value={self.output_value})"
        )

    def __call__(self, x: Array) -> Array | tuple[Array, Array]:
        return conv_soft_argmax2d(
            x,
            self.kernel_size,
            self.stride,
            self.padding,
            self.temperature,
            self.normalized_coordinates,
            self.eps,
            self.output_value,
        )


class ConvSoftArgmax3d:
    """Object form of :func:`conv_soft_argmax3d` (a plain callable, not a torch module).

    Example:
        >>> import numpy as np, portvision as pv
        >>> op = pv.geometry.ConvSoftArgmax3d((3, 3, 3), (1, 2, 2), (0, 1, 1))
        >>> coords, vals = op(np.zeros((1, 2, 3, 8, 6), dtype=np.float32))
        >>> coords.shape, vals.shape
        ((1, 2, 3, 1, 4, 3), (1, 2, 1, 4, 3))
    """

    def __init__(
        self,
        kernel_size: tuple[int, int, int] = (3, 3, 3),
        stride: tuple[int, int, int] = (1, 1, 1),
        padding: tuple[int, int, int] = (1, 1, 1),
        temperature: Array | float = 1.0,
        normalized_coordinates: bool = False,
        eps: float = 1e-8,
        output_value: bool = True,
        strict_maxima_bonus: float | None = None,
    ) -> None:
        _warn_bonus(strict_maxima_bonus)
        _params(kernel_size, stride, padding, 3)
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.temperature = temperature
        self.normalized_coordinates = normalized_coordinates
        self.eps = eps
        self.output_value = output_value

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(kernel_size={self.kernel_size}, stride={self.stride}, "
            f"padding={self.padding}, temperature={self.temperature}, "
            f"normalized_coordinates={self.normalized_coordinates}, eps={self.eps}, "
            f"output_value={self.output_value})"
        )

    def __call__(self, x: Array) -> Array | tuple[Array, Array]:
        return conv_soft_argmax3d(
            x,
            self.kernel_size,
            self.stride,
            self.padding,
            self.temperature,
            self.normalized_coordinates,
            self.eps,
            self.output_value,
        )
