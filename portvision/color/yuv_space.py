"""YUV (BT.601 analogue, Kornia's matrices) and its chroma-subsampled forms.

``rgb_to_yuv`` / ``yuv_to_rgb``: Y in [0, 1], U in [-0.436, 0.436], V in [-0.615, 0.615].
``rgb_to_yuv420`` returns ``(Y (*, 1, H, W), UV (*, 2, H/2, W/2))`` with UV the mean of
each 2x2 block; ``rgb_to_yuv422`` averages pairs of columns (``UV (*, 2, H, W/2)``).  The
inverse functions repeat each chroma sample over its block (nearest upsampling).

Differences: OpenCV ``COLOR_RGB2YUV`` on float32 uses U = 0.492 (B - Y), V = 0.877 (R - Y)
**plus 0.5** (128 on uint8): after removing that offset, the same analogue YUV to about
1e-3 (Kornia's matrix is rounded to 3 digits); OpenCV's
``COLOR_RGB2YUV_I420`` works on uint8 planar buffers.  scikit-image ``rgb2yuv`` uses the
same matrix as Kornia's up to rounding.
"""

from __future__ import annotations

from portvision._checks import shape_of
from portvision._dispatch import dispatch, dispatch1
from portvision._registry import register_op
from portvision.color._common import Array, check_image, float_image, linear3

__all__ = [
    "rgb_to_yuv",
    "rgb_to_yuv420",
    "rgb_to_yuv422",
    "yuv420_to_rgb",
    "yuv422_to_rgb",
    "yuv_to_rgb",
]

_RGB_TO_YUV = (
    (0.299, 0.587, 0.114),
    (-0.147, -0.289, 0.436),
    (0.615, -0.515, -0.100),
)
_YUV_TO_RGB = (
    (1.0, -3.945707070707071e-05, 1.139827967171717),
    (1.0, -0.39461016414141414, -0.5805003156565657),
    (1.0, 2.0319996843434343, -0.00048137626262626264),
)


@register_op(integer_input=True)
def rgb_to_yuv(image: Array) -> Array:
    """Convert RGB to YUV.

    Args:
        image: RGB ``(*, 3, H, W)`` in [0, 1]; integer images compute in float32.

    Returns:
        YUV ``(*, 3, H, W)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.array([0.0, 0.0, 1.0], dtype=np.float32).reshape(3, 1, 1)
        >>> np.round(pv.color.rgb_to_yuv(x).ravel(), 4)
        array([ 0.114,  0.436, -0.1  ], dtype=float32)
    """
    eng, image = dispatch1("image", image)
    return linear3(eng, float_image(eng, image, 3), _RGB_TO_YUV)


@register_op(integer_input=True)
def yuv_to_rgb(image: Array) -> Array:
    """Convert YUV to RGB (not clipped).

    Args:
        image: YUV ``(*, 3, H, W)``; integer images compute in float32.

    Returns:
        RGB ``(*, 3, H, W)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.array([0.114, 0.436, -0.1], dtype=np.float32).reshape(3, 1, 1)
        >>> np.round(pv.color.yuv_to_rgb(x).ravel(), 3)
        array([0., 0., 1.], dtype=float32)
    """
    eng, image = dispatch1("image", image)
    return linear3(eng, float_image(eng, image, 3), _YUV_TO_RGB)


def _check_even(image, name, need_h):
    h, w = int(image.shape[-2]), int(image.shape[-1])
    if w % 2 or (need_h and h % 2):
        what = "H and W" if need_h else "W"
        raise ValueError(f"{name}: expected an even {what}, got shape {shape_of(image)}")


def _block_mean(xp, uv, fh):
    """Mean over blocks of ``fh`` rows x 2 columns of ``(*, 2, H, W)``."""
    s = tuple(uv.shape)
    blocks = xp.reshape(uv, s[:-2] + (s[-2] // fh, fh, s[-1] // 2, 2))
    return xp.mean(blocks, axis=(-3, -1))


@register_op(integer_input=True)
def rgb_to_yuv420(image: Array) -> tuple[Array, Array]:
    """Convert RGB to YUV 4:2:0: full-resolution Y, chroma averaged over 2x2 blocks.

    Args:
        image: RGB ``(*, 3, H, W)`` with even H and W; integer images compute in float32.

    Returns:
        ``(Y, UV)``: ``(*, 1, H, W)`` and ``(*, 2, H/2, W/2)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> y, uv = pv.color.rgb_to_yuv420(np.ones((3, 4, 6), dtype=np.float32))
        >>> y.shape, uv.shape
        ((1, 4, 6), (2, 2, 3))
    """
    eng, image = dispatch1("image", image)
    x = float_image(eng, image, 3)
    _check_even(x, "image", True)
    yuv = linear3(eng, x, _RGB_TO_YUV)
    return yuv[..., :1, :, :], _block_mean(eng.xp, yuv[..., 1:, :, :], 2)


@register_op(integer_input=True)
def rgb_to_yuv422(image: Array) -> tuple[Array, Array]:
    """Convert RGB to YUV 4:2:2: full-resolution Y, chroma averaged over column pairs.

    Args:
        image: RGB ``(*, 3, H, W)`` with even W; integer images compute in float32.

    Returns:
        ``(Y, UV)``: ``(*, 1, H, W)`` and ``(*, 2, H, W/2)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> y, uv = pv.color.rgb_to_yuv422(np.ones((3, 3, 6), dtype=np.float32))
        >>> y.shape, uv.shape
        ((1, 3, 6), (2, 3, 3))
    """
    eng, image = dispatch1("image", image)
    x = float_image(eng, image, 3)
    _check_even(x, "image", False)
    yuv = linear3(eng, x, _RGB_TO_YUV)
    return yuv[..., :1, :, :], _block_mean(eng.xp, yuv[..., 1:, :, :], 1)


def _upsampled_rgb(eng, imagey, imageuv, fh):
    """RGB from Y and chroma repeated over ``fh`` x 2 blocks (nearest upsampling)."""
    xp = eng.xp
    y = float_image(eng, imagey, 1, "imagey")
    uv = float_image(eng, imageuv, 2, "imageuv")
    _check_even(y, "imagey", fh == 2)
    h, w = int(y.shape[-2]), int(y.shape[-1])
    if tuple(uv.shape[-2:]) != (h // fh, w // 2) or uv.shape[:-3] != y.shape[:-3]:
        want = tuple(int(s) for s in y.shape[:-3]) + (2, h // fh, w // 2)
        raise ValueError(f"imageuv: expected shape {want}, got {shape_of(uv)}")
    if uv.dtype != y.dtype:
        uv = xp.astype(uv, y.dtype)
    s = tuple(uv.shape)
    up = xp.broadcast_to(uv[..., :, None, :, None], s[:-2] + (s[-2], fh, s[-1], 2))
    up = xp.reshape(up, s[:-2] + (h, w))
    return linear3(eng, xp.concat([y, up], axis=-3), _YUV_TO_RGB)


@register_op(integer_input=True)
def yuv420_to_rgb(imagey: Array, imageuv: Array) -> Array:
    """Convert YUV 4:2:0 (Y plus 2x2-subsampled UV) to RGB.

    Args:
        imagey: ``(*, 1, H, W)`` with even H and W.
        imageuv: ``(*, 2, H/2, W/2)``.

    Returns:
        RGB ``(*, 3, H, W)``; each chroma sample covers its 2x2 block.

    Example:
        >>> import numpy as np, portvision as pv
        >>> y = np.full((1, 2, 2), 0.5, dtype=np.float32)
        >>> pv.color.yuv420_to_rgb(y, np.zeros((2, 1, 1), dtype=np.float32)).ravel().tolist()
        [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    """
    eng, (imagey, imageuv) = dispatch(("imagey", "imageuv"), imagey, imageuv)
    check_image(imagey, 1, "imagey")
    return _upsampled_rgb(eng, imagey, imageuv, 2)


@register_op(integer_input=True)
def yuv422_to_rgb(imagey: Array, imageuv: Array) -> Array:
    """Convert YUV 4:2:2 (Y plus column-pair-subsampled UV) to RGB.

    Args:
        imagey: ``(*, 1, H, W)`` with even W.
        imageuv: ``(*, 2, H, W/2)``.

    Returns:
        RGB ``(*, 3, H, W)``; each chroma sample covers its two columns.

    Example:
        >>> import numpy as np, portvision as pv
        >>> y = np.full((1, 1, 2), 0.25, dtype=np.float32)
        >>> pv.color.yuv422_to_rgb(y, np.zeros((2, 1, 1), dtype=np.float32)).ravel().tolist()
        [0.25, 0.25, 0.25, 0.25, 0.25, 0.25]
    """
    eng, (imagey, imageuv) = dispatch(("imagey", "imageuv"), imagey, imageuv)
    check_image(imagey, 1, "imagey")
    return _upsampled_rgb(eng, imagey, imageuv, 1)
