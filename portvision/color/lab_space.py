"""CIE L*a*b*: ``rgb_to_lab`` and ``lab_to_rgb`` (sRGB input, D65 white, Kornia's constants).

L in [0, 100], a and b roughly in [-128, 127].  The pipeline is sRGB -> linear RGB -> XYZ ->
XYZ / white (0.95047, 1, 1.08883) -> f(t) = t^(1/3) above 0.008856, else 7.787 t + 4/29.
``lab_to_rgb(clip=True)`` clips the final sRGB to [0, 1] (Kornia's default).

Differences with other libraries (pinned in tests/color/test_color_lab.py):

* scikit-image ``rgb2lab`` uses the same curves with the exact CIE constants (epsilon
  216/24389, kappa 24389/27) and white (0.95047, 1, 1.08883): equal to ~1e-4 in L.
* OpenCV float ``COLOR_RGB2Lab`` uses white (0.950456, 1, 1.088754) and a tabulated gamma
  and cube root: equal to ~0.3 in L, a, b; its uint8 version rescales L to [0, 255] and
  offsets a, b by 128.
"""

from __future__ import annotations

from portvision._array import clamp_min
from portvision._dispatch import dispatch1
from portvision._registry import register_op
from portvision.color._common import Array, blend, check_float_image
from portvision.color.srgb_gamma import decode, encode
from portvision.color.xyz_space import RGB_TO_XYZ, XYZ_TO_RGB

__all__ = ["lab_to_rgb", "rgb_to_lab"]

WHITE = (0.95047, 1.0, 1.08883)
_T = 0.008856
_F_T = 0.2068966  # Kornia's threshold on f (about cbrt(0.008856))

# rows of RGB->XYZ divided by the white point: normalised XYZ in one matmul
_RGB_TO_XYZN = tuple(tuple(v / w for v in row) for row, w in zip(RGB_TO_XYZ, WHITE, strict=True))
# columns of XYZ->RGB scaled by the white point: from normalised XYZ in one matmul
_XYZN_TO_RGB = tuple(tuple(v * w for v, w in zip(row, WHITE, strict=True)) for row in XYZ_TO_RGB)


# L = 116 fy - 16, a = 500 (fx - fy), b = 200 (fy - fz): one more matmul, with the bias
_F_TO_LAB = ((0.0, 116.0, 0.0), (500.0, -500.0, 0.0), (0.0, 200.0, -200.0))
_F_TO_LAB_BIAS = (-16.0, 0.0, 0.0)


def _lab(eng, x, m, m_lab, bias):
    xyzn = eng.channel_matrix(decode(eng, x), m)
    cube_root = eng.clamped_power(xyzn, 1.0 / 3.0, _T)
    f = blend(eng, eng.compare_mask(xyzn, _T), cube_root, eng.fma(xyzn, 7.787, 4.0 / 29.0))
    return eng.channel_matrix(f, m_lab, bias)


@register_op()
def rgb_to_lab(image: Array) -> Array:
    """Convert sRGB to CIE L*a*b* (D65).

    Args:
        image: sRGB ``(*, 3, H, W)``, floating, in [0, 1].

    Returns:
        Lab ``(*, 3, H, W)``: L in [0, 100], a and b in about [-128, 127].

    Example:
        >>> import numpy as np, portvision as pv
        >>> red = np.array([1.0, 0.0, 0.0], dtype=np.float32).reshape(3, 1, 1)
        >>> np.round(pv.color.rgb_to_lab(red).ravel(), 2)
        array([53.24, 80.09, 67.2 ], dtype=float32)
    """
    eng, image = dispatch1("image", image)
    xp = eng.xp
    check_float_image(xp, image, 3)
    m, m_lab, bias = (
        xp.asarray(c, dtype=image.dtype, device=image.device)
        for c in (_RGB_TO_XYZN, _F_TO_LAB, _F_TO_LAB_BIAS)
    )
    return eng.map_pixels(lambda x: _lab(eng, x, m, m_lab, bias), image)


def _rgb(eng, lab, m, clip):
    xp = eng.xp
    L, a, b = lab[..., 0, :, :], lab[..., 1, :, :], lab[..., 2, :, :]
    fy = (L + 16.0) * (1.0 / 116.0)
    fx = a * (1.0 / 500.0) + fy
    fz = clamp_min(xp, fy - b * (1.0 / 200.0), 0.0)
    f = xp.stack([fx, fy, fz], axis=-3)
    linear = eng.fma(f, 1.0 / 7.787, -4.0 / 29.0 / 7.787)
    xyzn = blend(eng, eng.compare_mask(f, _F_T), f * f * f, linear)
    rgb = encode(eng, eng.channel_matrix(xyzn, m))
    return xp.clip(rgb, 0.0, 1.0) if clip else rgb


@register_op()
def lab_to_rgb(image: Array, clip: bool = True) -> Array:
    """Convert CIE L*a*b* (D65) to sRGB.

    Args:
        image: Lab ``(*, 3, H, W)``, floating.
        clip: clip the sRGB result to [0, 1].

    Returns:
        sRGB ``(*, 3, H, W)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> lab = np.array([53.2408, 80.0925, 67.2032], dtype=np.float32).reshape(3, 1, 1)
        >>> np.round(pv.color.lab_to_rgb(lab).ravel(), 3)
        array([1., 0., 0.], dtype=float32)
    """
    eng, image = dispatch1("image", image)
    xp = eng.xp
    check_float_image(xp, image, 3)
    if not isinstance(clip, bool):
        raise TypeError(f"clip: expected a bool, got {clip!r}")
    m = xp.asarray(_XYZN_TO_RGB, dtype=image.dtype, device=image.device)
    return eng.map_pixels(lambda x: _rgb(eng, x, m, clip), image)
