"""Colormaps: ``apply_colormap``, ``ColorMap`` and ``ColorMapType`` (Kornia's API).

The built-in palettes are generated here from their defining formulas and anchor points
(the matplotlib definitions that Kornia's tables sample): each base has 64 colours,
``t = i / 63``, and a ``ColorMap`` resamples it to ``num_colors`` with linear
interpolation (half-pixel centres, as ``torch.nn.functional.interpolate(mode="linear")``).
Available: autumn, bone, jet, winter, rainbow, ocean, summer, spring, cool, hsv, brg, hot,
seismic (Kornia also ships pink, plasma, viridis, cividis, twilight and turbo tables).

``apply_colormap`` maps each value to ``palette[bucket]``: integer images are read on
[0, 255]; floating ones on [0, 1], or on [0, 255] for a channel of an image whose maximum
exceeds 1 (decided per image and channel, as Kornia).  Buckets are
``searchsorted(linspace(0, 1, N - 1), x)`` with ``x == 1`` mapped to the last colour (the
keys rounded as torch's float32 ``linspace``, so edge values match Kornia's buckets).
"""

from __future__ import annotations

import math
import struct
from enum import Enum

from portvision._checks import shape_of
from portvision._dispatch import dispatch1, factory
from portvision._registry import register_op
from portvision.color._common import Array

__all__ = ["ColorMap", "ColorMapType", "apply_colormap"]

_BASE_SIZE = 64


def _ramp(*points):
    """Piecewise-linear function through ``(t, value)`` anchor points."""

    def f(t):
        for (t0, v0), (t1, v1) in zip(points, points[1:], strict=False):
            if t <= t1:
                return v0 + (v1 - v0) * (t - t0) / (t1 - t0)
        return points[-1][1]

    return f


def _clip01(v):
    return min(max(v, 0.0), 1.0)


# each entry: (red, green, blue) functions of t in [0, 1]
_DEFINITIONS = {
    "autumn": (lambda t: 1.0, lambda t: t, lambda t: 0.0),
    "bone": (
        _ramp((0.0, 0.0), (0.746032, 0.652778), (1.0, 1.0)),
        _ramp((0.0, 0.0), (0.365079, 0.319444), (0.746032, 0.777778), (1.0, 1.0)),
        _ramp((0.0, 0.0), (0.365079, 0.444444), (1.0, 1.0)),
    ),
    "jet": (
        _ramp((0.0, 0.0), (0.35, 0.0), (0.66, 1.0), (0.89, 1.0), (1.0, 0.5)),
        _ramp((0.0, 0.0), (0.125, 0.0), (0.375, 1.0), (0.64, 1.0), (0.91, 0.0), (1.0, 0.0)),
        _ramp((0.0, 0.5), (0.11, 1.0), (0.34, 1.0), (0.65, 0.0), (1.0, 0.0)),
    ),
    "winter": (lambda t: 0.0, lambda t: t, lambda t: 1.0 - 0.5 * t),
    "rainbow": (
        lambda t: _clip01(abs(2.0 * t - 0.5)),
        lambda t: math.sin(math.pi * t),
        lambda t: math.cos(0.5 * math.pi * t),
    ),
    "ocean": (
        lambda t: _clip01(3.0 * t - 2.0),
        lambda t: _clip01(abs((3.0 * t - 1.0) / 2.0)),
        lambda t: t,
    ),
    "summer": (lambda t: t, lambda t: 0.5 + 0.5 * t, lambda t: 0.4),
    "spring": (lambda t: 1.0, lambda t: t, lambda t: 1.0 - t),
    "cool": (lambda t: t, lambda t: 1.0 - t, lambda t: 1.0),
    "hsv": (
        _ramp(
            (0.0, 1.0),
            (0.158730, 1.0),
            (0.174603, 0.96875),
            (0.333333, 0.03125),
            (0.349206, 0.0),
            (0.666667, 0.0),
            (0.682540, 0.03125),
            (0.841270, 0.96875),
            (0.857143, 1.0),
            (1.0, 1.0),
        ),
        _ramp(
            (0.0, 0.0),
            (0.158730, 0.9375),
            (0.174603, 1.0),
            (0.507937, 1.0),
            (0.666667, 0.0625),
            (0.682540, 0.0),
            (1.0, 0.0),
        ),
        _ramp(
            (0.0, 0.0),
            (0.333333, 0.0),
            (0.349206, 0.0625),
            (0.507937, 1.0),
            (0.841270, 1.0),
            (0.857143, 0.9375),
            (1.0, 0.09375),
        ),
    ),  # fmt: skip
    "brg": (
        _ramp((0.0, 0.0), (0.5, 1.0), (1.0, 0.0)),
        _ramp((0.0, 0.0), (0.5, 0.0), (1.0, 1.0)),
        _ramp((0.0, 1.0), (0.5, 0.0), (1.0, 0.0)),
    ),
    "hot": (
        _ramp((0.0, 0.0416), (0.365079, 1.0), (1.0, 1.0)),
        _ramp((0.0, 0.0), (0.365079, 0.0), (0.746032, 1.0), (1.0, 1.0)),
        _ramp((0.0, 0.0), (0.746032, 0.0), (1.0, 1.0)),
    ),
    "seismic": (
        _ramp((0.0, 0.0), (0.25, 0.0), (0.5, 1.0), (0.75, 1.0), (1.0, 0.5)),
        _ramp((0.0, 0.0), (0.25, 0.0), (0.5, 1.0), (0.75, 0.0), (1.0, 0.0)),
        _ramp((0.0, 0.3), (0.25, 1.0), (0.5, 1.0), (0.75, 0.0), (1.0, 0.0)),
    ),
}


class ColorMapType(Enum):
    """The built-in colormaps (Kornia's member values for the ones provided)."""

    autumn = 1
    bone = 2
    jet = 3
    winter = 4
    rainbow = 5
    ocean = 6
    summer = 7
    spring = 8
    cool = 9
    hsv = 10
    brg = 11
    hot = 13
    seismic = 19

    @classmethod
    def list(cls) -> list[str]:
        """Names of the members."""
        return [c.name for c in cls]

    def base(self) -> list[list[float]]:
        """The 64 base colours ``[[r, g, b], ...]``, sampled from the definition."""
        fr, fg, fb = _DEFINITIONS[self.name]
        ts = [i / (_BASE_SIZE - 1) for i in range(_BASE_SIZE)]
        return [[float(fr(t)), float(fg(t)), float(fb(t))] for t in ts]


def _resample(base, n):
    """Linear resampling of a list of colours to ``n`` entries (half-pixel centres)."""
    m = len(base)
    out = []
    for i in range(n):
        src = min(max((i + 0.5) * m / n - 0.5, 0.0), m - 1)
        j = min(int(src), m - 1)
        k = min(j + 1, m - 1)
        w = src - j
        out.append([(1.0 - w) * a + w * b for a, b in zip(base[j], base[k], strict=True)])
    return out


class ColorMap:
    """A palette of ``num_colors`` RGB colours, ``colors`` of shape ``(3, num_colors)``.

    Args:
        base: a :class:`ColorMapType`, its name (case-insensitive), or a list of RGB
            triples in [0, 1] (a custom map, resampled linearly).
        num_colors: number of colours.
        device: device of ``colors`` (the engine is the current backend's, NumPy by default).
        dtype: dtype of ``colors`` (default float32).

    Example:
        >>> import numpy as np, portvision as pv
        >>> cm = pv.color.ColorMap([[0.0, 0.5, 1.0], [1.0, 0.5, 0.0]], num_colors=8)
        >>> np.round(cm.colors[0], 4).tolist()
        [0.0, 0.0, 0.125, 0.375, 0.625, 0.875, 1.0, 1.0]
    """

    def __init__(self, base, num_colors: int = 64, device=None, dtype=None) -> None:
        if isinstance(base, str):
            if base.lower() not in ColorMapType.list():
                raise ValueError(f"base: expected one of {ColorMapType.list()}, got {base!r}")
            base = ColorMapType[base.lower()]
        if isinstance(base, ColorMapType):
            self.name, table = base.name, base.base()
        elif isinstance(base, (list, tuple)) and base and all(len(c) == 3 for c in base):
            self.name, table = "CustomColorMapType", [[float(v) for v in c] for c in base]
        else:
            raise ValueError(
                f"base: expected a ColorMapType, its name or a list of RGB triples, got {base!r}"
            )
        if isinstance(num_colors, bool) or not isinstance(num_colors, int) or num_colors < 2:
            raise ValueError(f"num_colors: expected an integer >= 2, got {num_colors!r}")
        self.table = _resample(table, num_colors)  # host copy: [[r, g, b]] * num_colors
        eng, default_device = factory()
        xp = eng.xp
        dev = default_device if device is None else eng.resolve_device(device)
        rows = [[c[k] for c in self.table] for k in range(3)]
        self.colors = xp.asarray(rows, dtype=eng.dtype(dtype), device=dev)

    def __len__(self) -> int:
        return len(self.table)


@register_op(differentiable=False, integer_input=True)
def apply_colormap(input_tensor: Array, colormap: ColorMap) -> Array:
    """Colour a gray image with a palette.

    Args:
        input_tensor: ``(B, C, H, W)`` or ``(C, H, W)``; integers on [0, 255], floats on
            [0, 1] (or [0, 255] for a channel whose maximum exceeds 1).
        colormap: a :class:`ColorMap`.

    Returns:
        ``(B, 3 C, H, W)`` (B = 1 for 3-D input): channel c becomes channels 3c..3c+2, in
        the palette's dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.array([[[0, 1, 2], [15, 25, 33], [128, 158, 188]]])
        >>> out = pv.color.apply_colormap(x, pv.color.ColorMap("autumn"))
        >>> np.round(out[0, 1], 4)
        array([[0.    , 0.0159, 0.0159],
               [0.0635, 0.1111, 0.1429],
               [0.5079, 0.619 , 0.7302]], dtype=float32)
    """
    eng, input_tensor = dispatch1("input_tensor", input_tensor)
    xp = eng.xp
    if input_tensor.ndim not in (3, 4):
        raise ValueError(
            f"input_tensor: expected shape (B, C, H, W) or (C, H, W), got {shape_of(input_tensor)}"
        )
    if not hasattr(colormap, "colors"):
        raise TypeError(f"colormap: expected a ColorMap, got {type(colormap).__name__}")
    x = input_tensor[None, ...] if input_tensor.ndim == 3 else input_tensor
    device = x.device
    if isinstance(colormap, ColorMap):
        rows = [[c[k] for c in colormap.table] for k in range(3)]
        palette = xp.asarray(rows, dtype=eng.dtype(_dtype_name(colormap.colors)), device=device)
    else:  # another library's colormap (e.g. Kornia's): its colours as our array
        palette = eng.convert(colormap.colors, device)
    n = int(palette.shape[-1])
    v = xp.astype(x, xp.float32)
    if xp.isdtype(x.dtype, "real floating"):
        small = xp.all(v <= 1.0, axis=(-2, -1), keepdims=True)
        v = v / (255.0 - 254.0 * xp.astype(small, xp.float32))  # 1 or 255
    else:
        v = v / 255.0
    keys = xp.asarray(_bucket_keys(n - 1), dtype=xp.float32, device=device)
    b, c, h, w = (int(s) for s in x.shape)
    flat = xp.reshape(v, (-1,))
    idx = xp.searchsorted(keys, flat)
    idx = xp.where(flat == 1.0, n - 1, idx)
    planes = [xp.reshape(xp.take(palette[k, :], idx), (b, c, 1, h, w)) for k in range(3)]
    return xp.reshape(xp.concat(planes, axis=2), (b, 3 * c, h, w))


def _bucket_keys(steps: int) -> list[float]:
    """``linspace(0, 1, steps)`` rounded as torch's float32 kernel rounds it (each key is the
    exact ``i * step`` from the start, or ``1 - (steps - 1 - i) * step`` from the end past
    half way, rounded once), so values on a bucket edge fall where Kornia puts them."""
    step = struct.unpack("f", struct.pack("f", 1.0 / max(steps - 1, 1)))[0]
    half = steps // 2
    return [i * step if i < half else 1.0 - step * (steps - 1 - i) for i in range(steps)]


def _dtype_name(a) -> str:
    name = getattr(a.dtype, "name", None)
    return name if isinstance(name, str) else str(a.dtype).rsplit(".", 1)[-1]
