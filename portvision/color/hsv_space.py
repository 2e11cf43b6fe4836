"""HSV conversions: ``rgb_to_hsv`` and ``hsv_to_rgb`` (Kornia's conventions).

Conventions (Kornia 0.9): channels H, S, V at axis -3; hue in **radians** in [0, 2π), grey
pixels (R = G = B) have hue 0; S = (max - min) / (max + eps) (S = 0 for black); V = max.
Both functions accept any real values; ``hsv_to_rgb`` wraps hue modulo 2π.  Deviation: a
hue a hair below a full turn that rounds up to 2π is returned as the largest float below 2π
(Kornia returns 0: the same angle to float rounding).

Differences with other libraries (pinned in tests/color/test_color_hsv.py):

* OpenCV ``cvtColor(COLOR_RGB2HSV)`` on float32 gives hue in **degrees** [0, 360) and
  S = diff / (V + FLT_EPSILON); on uint8 it gives H in [0, 180) (degrees / 2) and S, V in
  [0, 255].  Float results agree with ours after hue * π / 180.
* scikit-image ``rgb2hsv`` gives hue as a **fraction of a turn** in [0, 1) and channels last.

Both directions are branch-free arithmetic (max / min selections, 0/1 masks, clipped
triangle waves), which is what makes them fast: a data-dependent ``where`` on a random
mask costs 5-20x an add on NumPy and torch CPU.  They run through the engine's
``map_pixels`` primitive, which evaluates them on cache-sized blocks of pixels on NumPy.
"""

from __future__ import annotations

import math

from portvision._array import clamp_max, clamp_min
from portvision._dispatch import dispatch1
from portvision._registry import register_op
from portvision.color._common import Array, channels, check_float_image, check_number

__all__ = ["hsv_to_rgb", "rgb_to_hsv"]

_TWO_PI = 2.0 * math.pi
#: the largest float64 / float32 value below 2 pi
_BELOW_TWO_PI = (math.nextafter(_TWO_PI, 0.0), 6.2831850051879883)


def hue_and_extrema(eng, image, hue_eps: float = 0.0):
    """Hue (radians), max, min and max - min planes of ``(*, 3, H, W)`` RGB.

    The hue fraction divides by ``max - min + hue_eps`` (HLS's ``eps``; 0 for HSV).  The
    multiply-adds go through the engine's ``fma`` (one pass each on torch).
    """
    xp = eng.xp
    r, g, b = channels(image)
    dtype = image.dtype
    gb_max, gb_min = xp.maximum(g, b), xp.minimum(g, b)
    v = xp.maximum(r, gb_max)
    mid = xp.minimum(r, gb_max)  # the middle value when R is not the max, else max(G, B)
    vmin = xp.minimum(mid, gb_min)
    delta = v - vmin
    # Hue: the max channel picks a sector offset, the two others give the fraction
    # (Hocevar's branch-free form, in radians).  b_gt = [G < B], r_lt = [R < max(G, B)] as
    # 0/1 floats from the engine's compare_mask (NaN channels make v or mid NaN, so the hue
    # is NaN whatever the masks); ties resolve as Kornia's: R first, then G.
    b_gt = eng.compare_mask(gb_max, g)
    r_lt = eng.compare_mask(gb_max, mid)
    # offset = r_lt (4 pi b_gt - 2 pi / 3) - 2 pi b_gt
    offset = eng.fma(r_lt, eng.fma(b_gt, 2.0 * _TWO_PI, -_TWO_PI / 3.0), b_gt * -_TWO_PI)
    # grey pixels: 0 / tiny = 0, and abs'(0) = 0 stops the huge 1 / tiny in the backward
    den = clamp_min(xp, delta + hue_eps if hue_eps else delta, xp.finfo(dtype).smallest_normal)
    hue = xp.abs(eng.fma((mid - gb_min) / den, math.pi / 3.0, offset))
    # a hue a hair below a full turn may round up to 2 pi: keep it below (Kornia maps it to
    # 0, the same angle to float rounding)
    hue = clamp_max(xp, hue, _BELOW_TWO_PI[dtype == xp.float32])
    return hue, v, vmin, delta


def saturation(eng, delta, den, eps: float):
    """``delta / (den + eps)``, dividing by ``1 + eps`` where ``den`` is 0 (black; HLS: white
    too), where ``delta`` is 0 as well: S = 0 with a bounded gradient, even for eps = 0.

    With ``eps > 0`` that changes no value, only the gradient, so engines without gradients
    skip the mask (4 of HSV's ~25 passes on NumPy).
    """
    if eps > 0 and not eng.differentiable:
        return delta / (den + eps)
    return delta / (den + (eng.compare_mask(den, 0.0, "equal") + eps))


def hue_saturation_value(eng, image, eps: float):
    """Hue (radians), saturation and value planes of ``(*, 3, H, W)`` RGB."""
    hue, v, _, delta = hue_and_extrema(eng, image)
    return hue, saturation(eng, delta, v, eps), v


@register_op()
def rgb_to_hsv(image: Array, eps: float = 1e-8) -> Array:
    """Convert an RGB image to HSV with hue in radians.

    Args:
        image: RGB image ``(*, 3, H, W)``, floating, expected in [0, 1].
        eps: added to the saturation's denominator ``max(R, G, B)`` for stability.

    Returns:
        HSV image ``(*, 3, H, W)``: H in [0, 2π) (0 for grey pixels), S and V in [0, 1].

    Example:
        >>> import numpy as np, portvision as pv
        >>> rgb = np.array([1.0, 0.5, 0.0], dtype=np.float32).reshape(3, 1, 1)  # orange
        >>> np.round(pv.color.rgb_to_hsv(rgb)[:, 0, 0], 4)
        array([0.5236, 1.    , 1.    ], dtype=float32)
    """
    eng, image = dispatch1("image", image)
    xp = eng.xp
    check_float_image(xp, image, 3)
    check_number(eps, "eps")
    return eng.map_pixels(lambda x: hue_saturation_value(eng, x, eps), image)


def rgb_from_hsv_planes(xp, image):
    """RGB planes of ``(*, 3, H, W)`` HSV: triangle waves of the hue, period 6 sectors."""
    h, s, v = channels(image)
    turns = h * (1.0 / _TWO_PI)
    h6 = (turns - xp.floor(turns)) * 6.0  # hue wrapped into [0, 6]
    vs = v * s
    p = v - vs  # the min channel: v (1 - s)
    # each channel's weight is 1 on its two sectors and ramps to 0 over one sector
    r = v - vs * xp.clip(2.0 - xp.abs(h6 - 3.0), 0.0, 1.0)
    g = p + vs * xp.clip(2.0 - xp.abs(h6 - 2.0), 0.0, 1.0)
    b = p + vs * xp.clip(2.0 - xp.abs(h6 - 4.0), 0.0, 1.0)
    return r, g, b


@register_op()
def hsv_to_rgb(image: Array) -> Array:
    """Convert an HSV image (hue in radians) to RGB.

    Args:
        image: HSV image ``(*, 3, H, W)``, floating: H in radians (any value, taken modulo
            2π), S and V expected in [0, 1].

    Returns:
        RGB image ``(*, 3, H, W)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> hsv = np.array([np.pi / 6, 1.0, 1.0], dtype=np.float32).reshape(3, 1, 1)
        >>> np.round(pv.color.hsv_to_rgb(hsv)[:, 0, 0], 4)
        array([1. , 0.5, 0. ], dtype=float32)
    """
    eng, image = dispatch1("image", image)
    xp = eng.xp
    check_float_image(xp, image, 3)
    return eng.map_pixels(lambda x: rgb_from_hsv_planes(xp, x), image)
