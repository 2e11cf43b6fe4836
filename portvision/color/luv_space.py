"""CIE L*u*v*: ``rgb_to_luv`` and ``luv_to_rgb`` (sRGB input, D65 white, Kornia's constants).

L = 116 Y^(1/3) - 16 above Y = 0.008856, else 903.3 Y; u = 13 L (u' - u'_w),
v = 13 L (v' - v'_w) with u' = 4X / (X + 15Y + 3Z + eps), v' = 9Y / (X + 15Y + 3Z + eps)
and the white (0.95047, 1, 1.08883).  ``eps`` (1e-12) keeps black finite, as Kornia's;
``luv_to_rgb`` does not clip.

Differences: scikit-image ``rgb2luv`` uses the same definitions (exact CIE constants:
equal to ~1e-3); OpenCV's float ``COLOR_RGB2Luv`` uses its own white (0.950456, 1,
1.088754) and tabulated curves (equal to ~0.2).
"""

from __future__ import annotations

from portvision._dispatch import dispatch1
from portvision._registry import register_op
from portvision.color._common import Array, blend, check_float_image, check_number
from portvision.color.lab_space import WHITE
from portvision.color.srgb_gamma import decode, encode
from portvision.color.xyz_space import RGB_TO_XYZ, XYZ_TO_RGB

__all__ = ["luv_to_rgb", "rgb_to_luv"]

_DEN_W = WHITE[0] + 15.0 * WHITE[1] + 3.0 * WHITE[2]
_U_W = 4.0 * WHITE[0] / _DEN_W
_V_W = 9.0 * WHITE[1] / _DEN_W


def _luv(eng, x, m, eps):
    xyz = eng.channel_matrix(decode(eng, x), m)
    X, Y, Z = xyz[..., 0, :, :], xyz[..., 1, :, :], xyz[..., 2, :, :]
    above = eng.fma(eng.clamped_power(Y, 1.0 / 3.0, 0.008856), 116.0, -16.0)
    L = blend(eng, eng.compare_mask(Y, 0.008856), above, 903.3 * Y)
    den = X + 15.0 * Y + 3.0 * Z + eps
    u = 13.0 * L * (4.0 * X / den - _U_W)
    v = 13.0 * L * (9.0 * Y / den - _V_W)
    return L, u, v  # planes: map_pixels stacks them


@register_op()
def rgb_to_luv(image: Array, eps: float = 1e-12) -> Array:
    """Convert sRGB to CIE L*u*v* (D65).

    Args:
        image: sRGB ``(*, 3, H, W)``, floating, in [0, 1].
        eps: added to the chromaticity denominators (black stays finite).

    Returns:
        Luv ``(*, 3, H, W)``: L in [0, 100], u in about [-83, 175], v in about [-134, 107].

    Example:
        >>> import numpy as np, portvision as pv
        >>> red = np.array([1.0, 0.0, 0.0], dtype=np.float32).reshape(3, 1, 1)
        >>> np.round(pv.color.rgb_to_luv(red).ravel(), 2)
        array([ 53.24, 175.01,  37.76], dtype=float32)
    """
    eng, image = dispatch1("image", image)
    xp = eng.xp
    check_float_image(xp, image, 3)
    check_number(eps, "eps")
    m = xp.asarray(RGB_TO_XYZ, dtype=image.dtype, device=image.device)
    return eng.map_pixels(lambda x: _luv(eng, x, m, eps), image)


def _rgb(eng, luv, m, eps):
    xp = eng.xp
    L, u, v = luv[..., 0, :, :], luv[..., 1, :, :], luv[..., 2, :, :]
    t = (L + 16.0) * (1.0 / 116.0)
    Y = blend(eng, eng.compare_mask(L, 7.999625), t * t * t, L * (1.0 / 903.3))
    a = _U_W + u / (13.0 * L + eps)
    d = _V_W + v / (13.0 * L + eps)
    c = 3.0 * Y * (5.0 * d - 3.0)
    Z = ((a - 4.0) * c - 15.0 * a * d * Y) / (12.0 * d + eps)
    X = -(c / (d + eps) + 3.0 * Z)
    return encode(eng, eng.channel_matrix(xp.stack([X, Y, Z], axis=-3), m))


@register_op()
def luv_to_rgb(image: Array, eps: float = 1e-12) -> Array:
    """Convert CIE L*u*v* (D65) to sRGB (not clipped).

    Args:
        image: Luv ``(*, 3, H, W)``, floating.
        eps: added to the denominators (L = 0 stays finite).

    Returns:
        sRGB ``(*, 3, H, W)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> luv = np.array([53.2408, 175.0151, 37.7564], dtype=np.float32).reshape(3, 1, 1)
        >>> bool(np.abs(pv.color.luv_to_rgb(luv).ravel() - [1.0, 0.0, 0.0]).max() < 1e-3)
        True
    """
    eng, image = dispatch1("image", image)
    xp = eng.xp
    check_float_image(xp, image, 3)
    check_number(eps, "eps")
    m = xp.asarray(XYZ_TO_RGB, dtype=image.dtype, device=image.device)
    return eng.map_pixels(lambda x: _rgb(eng, x, m, eps), image)
