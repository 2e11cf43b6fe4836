"""Grayscale conversions: ``rgb_to_grayscale``, ``bgr_to_grayscale``, ``grayscale_to_rgb``.

Float images use the ITU-R BT.601 luma weights (0.299, 0.587, 0.114).  uint8 images with the
default weights use OpenCV's fixed-point weights (9798, 19235, 3735) / 2^15 with rounding, so
the result equals ``cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)`` bit for bit.
"""

from __future__ import annotations

from portvision._checks import shape_of
from portvision._dispatch import dispatch, dispatch1
from portvision._registry import register_op

__all__ = ["bgr_to_grayscale", "grayscale_to_rgb", "rgb_to_grayscale"]

BT601 = (0.299, 0.587, 0.114)
_FIXED = (9798, 19235, 3735)  # round(w * 2**15), summing to 2**15


def _check_image(image, channels: int, name: str = "image"):
    if image.ndim < 3 or image.shape[-3] != channels:
        raise ValueError(f"{name}: expected shape (*, {channels}, H, W), got {shape_of(image)}")


def _gray_uint8(xp, image):
    """OpenCV's fixed-point conversion: (9798 r + 19235 g + 3735 b + 2^14) >> 15 in int32."""
    acc = None
    for c, w in enumerate(_FIXED):
        term = xp.astype(image[..., c : c + 1, :, :], xp.int32) * w
        acc = term if acc is None else acc + term
    return xp.astype((acc + 16384) // 32768, xp.uint8)


def gray_float(eng, image, weights):
    """``w_r R + w_g G + w_b B`` as the engine's ``channel_matrix`` with a ``(1, 3)`` matrix
    (one matmul on torch, two SIMD plane passes per image through OpenCV on NumPy)."""
    xp = eng.xp
    if isinstance(weights, (tuple, list)):
        w = xp.asarray([list(weights)], dtype=image.dtype, device=image.device)
    else:
        w = xp.reshape(weights, (1, 3))
    return eng.channel_matrix(image, w, None)


@register_op(integer_input=True)
def rgb_to_grayscale(image, rgb_weights=None):
    """Convert an RGB image to grayscale: ``w_r R + w_g G + w_b B``.

    Args:
        image: RGB image ``(*, 3, H, W)``; floats (expected in [0, 1]) or uint8 (default weights).
        rgb_weights: ``(3,)`` array or a sequence of 3 numbers (R, G, B); default BT.601
            ``(0.299, 0.587, 0.114)``. Explicit weights need a floating image.

    Returns:
        ``(*, 1, H, W)`` in the image's dtype; a uint8 image gives uint8 equal to
        ``cv2.cvtColor(..., cv2.COLOR_RGB2GRAY)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.zeros((3, 2, 2), dtype=np.float32); img[0], img[1] = 1.0, 0.5
        >>> np.round(pv.color.rgb_to_grayscale(img), 4)
        array([[[0.5925, 0.5925],
                [0.5925, 0.5925]]], dtype=float32)
        >>> pv.color.rgb_to_grayscale(np.full((3, 1, 1), 255, dtype=np.uint8)).tolist()
        [[[255]]]
    """
    if rgb_weights is None or isinstance(rgb_weights, (tuple, list)):
        eng, image = dispatch1("image", image)
    else:
        eng, (image, rgb_weights) = dispatch(("image", "rgb_weights"), image, rgb_weights)
    _check_image(image, 3)
    xp = eng.xp
    floating = xp.isdtype(image.dtype, "real floating")
    if rgb_weights is None:
        if image.dtype == xp.uint8:
            return _gray_uint8(xp, image)
        if not floating:
            raise TypeError(f"image: expected a floating dtype or uint8, got {image.dtype}")
        return gray_float(eng, image, BT601)
    if isinstance(rgb_weights, (tuple, list)):
        if len(rgb_weights) != 3:
            raise ValueError(f"rgb_weights: expected 3 weights (R, G, B), got {rgb_weights!r}")
    elif rgb_weights.ndim < 1 or rgb_weights.shape[0] != 3:
        raise ValueError(f"rgb_weights: expected shape (3,), got {shape_of(rgb_weights)}")
    if not floating:
        raise TypeError(f"image: explicit rgb_weights expect a floating image, got {image.dtype}")
    if not isinstance(rgb_weights, (tuple, list)):
        if rgb_weights.dtype != image.dtype:
            rgb_weights = xp.astype(rgb_weights, image.dtype)
        if rgb_weights.ndim != 1:  # (3, ...) weights broadcast against each plane
            w = rgb_weights
            r, g, b = image[..., 0:1, :, :], image[..., 1:2, :, :], image[..., 2:3, :, :]
            return r * w[0, ...] + g * w[1, ...] + b * w[2, ...]
    return gray_float(eng, image, rgb_weights)


@register_op(integer_input=True)
def bgr_to_grayscale(image):
    """Convert a BGR image to grayscale (the BT.601 weights applied to B, G, R reversed).

    Args:
        image: BGR image ``(*, 3, H, W)``, float or uint8.

    Returns:
        ``(*, 1, H, W)``, as :func:`rgb_to_grayscale` of the channel-reversed image
        (uint8 equals ``cv2.cvtColor(..., cv2.COLOR_BGR2GRAY)``).

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.zeros((3, 1, 1), dtype=np.float32); img[0] = 1.0  # pure blue
        >>> np.round(pv.color.bgr_to_grayscale(img), 4).tolist()
        [[[0.114]]]
    """
    eng, image = dispatch1("image", image)
    _check_image(image, 3)
    return rgb_to_grayscale(eng.xp.flip(image, axis=-3))


@register_op(integer_input=True)
def grayscale_to_rgb(image):
    """Repeat a single channel into R, G and B.

    Args:
        image: grayscale image ``(*, 1, H, W)``, any dtype.

    Returns:
        ``(*, 3, H, W)`` with the same dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.color.grayscale_to_rgb(np.full((2, 1, 4, 5), 0.5, dtype=np.float32)).shape
        (2, 3, 4, 5)
    """
    eng, image = dispatch1("image", image)
    _check_image(image, 1)
    return eng.xp.concat([image, image, image], axis=-3)
