"""YCbCr: ``rgb_to_ycbcr``, ``ycbcr_to_rgb``, ``rgb_to_y`` (Kornia's full-range BT.601).

Y = 0.299 R + 0.587 G + 0.114 B, Cb = 0.564 (B - Y) + 0.5, Cr = 0.713 (R - Y) + 0.5, all
in [0, 1] for RGB in [0, 1]; ``ycbcr_to_rgb`` clips its result to [0, 1] (Kornia).

Differences with other libraries (pinned in tests/color/test_color_linear.py):

* OpenCV ``COLOR_RGB2YCrCb`` orders the channels **Y, Cr, Cb** and uses the same
  coefficients (0.564, 0.713) on float32; its uint8 version offsets by 128 (we compute
  integer images in float32 on their own scale, offset 0.5) and its inverse uses its own
  rounded coefficients (1.403, 0.714, 0.344, 1.773: equal to ~3e-4).
* scikit-image ``rgb2ycbcr`` is the studio-range BT.601 variant (Y in [16, 235]): a
  different scale and offset.
"""

from __future__ import annotations

from portvision._dispatch import dispatch1
from portvision._registry import register_op
from portvision.color._common import Array, float_image, linear3

__all__ = ["rgb_to_y", "rgb_to_ycbcr", "ycbcr_to_rgb"]

_WR, _WG, _WB = 0.299, 0.587, 0.114
_KB, _KR = 0.564, 0.713
_RGB_TO_YCBCR = (
    (_WR, _WG, _WB),
    (-_KB * _WR, -_KB * _WG, _KB * (1.0 - _WB)),
    (_KR * (1.0 - _WR), -_KR * _WG, -_KR * _WB),
)
# inverse of Kornia's (rounded) coefficients, applied to (Y, Cb - 0.5, Cr - 0.5)
_YCBCR_TO_RGB = (
    (1.0, 0.0, 1.4025245442),
    (1.0, -0.3443401356, -0.7144034731),
    (1.0, 1.7730496454, 0.0),
)
_YCBCR_BIAS = tuple(-0.5 * (row[1] + row[2]) for row in _YCBCR_TO_RGB)


@register_op(integer_input=True)
def rgb_to_ycbcr(image: Array) -> Array:
    """Convert RGB to full-range YCbCr (Y, Cb, Cr at axis -3).

    Args:
        image: RGB ``(*, 3, H, W)`` in [0, 1]; integer images compute in float32.

    Returns:
        YCbCr ``(*, 3, H, W)``, in [0, 1] for RGB in [0, 1].

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.array([1.0, 0.0, 0.0], dtype=np.float32).reshape(3, 1, 1)
        >>> np.round(pv.color.rgb_to_ycbcr(x).ravel(), 4)
        array([0.299 , 0.3314, 0.9998], dtype=float32)
    """
    eng, image = dispatch1("image", image)
    x = float_image(eng, image, 3)
    return linear3(eng, x, _RGB_TO_YCBCR, (0.0, 0.5, 0.5))


@register_op(integer_input=True)
def ycbcr_to_rgb(image: Array) -> Array:
    """Convert full-range YCbCr to RGB, clipped to [0, 1] (Kornia).

    Args:
        image: YCbCr ``(*, 3, H, W)``; integer images compute in float32.

    Returns:
        RGB ``(*, 3, H, W)`` in [0, 1].

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.array([0.5, 0.5, 0.5], dtype=np.float32).reshape(3, 1, 1)  # mid grey
        >>> np.round(pv.color.ycbcr_to_rgb(x).ravel(), 4)
        array([0.5, 0.5, 0.5], dtype=float32)
    """
    eng, image = dispatch1("image", image)
    x = float_image(eng, image, 3)
    xp = eng.xp
    return xp.clip(linear3(eng, x, _YCBCR_TO_RGB, _YCBCR_BIAS), 0.0, 1.0)


@register_op(integer_input=True)
def rgb_to_y(image: Array) -> Array:
    """The luma plane Y = 0.299 R + 0.587 G + 0.114 B of an RGB image.

    Args:
        image: RGB ``(*, 3, H, W)``; integer images compute in float32.

    Returns:
        ``(*, 1, H, W)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.array([0.0, 1.0, 0.0], dtype=np.float32).reshape(3, 1, 1)
        >>> np.round(pv.color.rgb_to_y(x).ravel(), 4)
        array([0.587], dtype=float32)
    """
    eng, image = dispatch1("image", image)
    x = float_image(eng, image, 3)
    return linear3(eng, x, ((_WR, _WG, _WB),))
