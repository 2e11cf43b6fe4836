"""CIE XYZ: ``rgb_to_xyz`` and ``xyz_to_rgb`` (sRGB primaries, D65 white, Kornia's matrices).

The input of ``rgb_to_xyz`` is **linear** RGB (apply :func:`rgb_to_linear_rgb` first for
sRGB-encoded images), as in Kornia.  OpenCV's float ``COLOR_RGB2XYZ`` applies the same
matrix to its input without linearisation (equal up to its 6-digit coefficients);
scikit-image's ``rgb2xyz`` linearises sRGB first, so it equals
``rgb_to_xyz(rgb_to_linear_rgb(x))``.
"""

from __future__ import annotations

from portvision._dispatch import dispatch1
from portvision._registry import register_op
from portvision.color._common import Array, float_image, linear3

__all__ = ["rgb_to_xyz", "xyz_to_rgb"]

RGB_TO_XYZ = (
    (0.412453, 0.357580, 0.180423),
    (0.212671, 0.715160, 0.072169),
    (0.019334, 0.119193, 0.950227),
)
XYZ_TO_RGB = (
    (3.2404813432005266, -1.5371515162713185, -0.4985363261688878),
    (-0.9692549499965682, 1.8759900014898907, 0.0415559265582928),
    (0.0556466391351772, -0.2040413383665112, 1.0573110696453443),
)


@register_op(integer_input=True)
def rgb_to_xyz(image: Array) -> Array:
    """Convert linear RGB to CIE XYZ (D65).

    Args:
        image: linear RGB ``(*, 3, H, W)``; integer images compute in float32.

    Returns:
        XYZ ``(*, 3, H, W)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> white = np.ones((3, 1, 1), dtype=np.float32)
        >>> np.round(pv.color.rgb_to_xyz(white).ravel(), 4)
        array([0.9505, 1.    , 1.0888], dtype=float32)
    """
    eng, image = dispatch1("image", image)
    return linear3(eng, float_image(eng, image, 3), RGB_TO_XYZ)


@register_op(integer_input=True)
def xyz_to_rgb(image: Array) -> Array:
    """Convert CIE XYZ (D65) to linear RGB (not clipped).

    Args:
        image: XYZ ``(*, 3, H, W)``; integer images compute in float32.

    Returns:
        linear RGB ``(*, 3, H, W)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> xyz = np.array([0.950456, 1.0, 1.088754], dtype=np.float32).reshape(3, 1, 1)
        >>> np.round(pv.color.xyz_to_rgb(xyz).ravel(), 4)
        array([1., 1., 1.], dtype=float32)
    """
    eng, image = dispatch1("image", image)
    return linear3(eng, float_image(eng, image, 3), XYZ_TO_RGB)
