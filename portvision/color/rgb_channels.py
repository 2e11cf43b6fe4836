"""Channel order, alpha and range conversions of RGB images (Kornia's ``color.rgb``).

``rgb_to_bgr`` / ``bgr_to_rgb`` reverse the channel axis; ``rgb_to_rgba`` / ``bgr_to_rgba``
append an alpha channel; ``rgba_to_rgb`` / ``rgba_to_bgr`` composite over a background
(white by default): ``rgb * alpha + background * (1 - alpha)``, as Kornia.
``rgb_to_rgb255`` / ``rgb255_to_rgb`` rescale between [0, 1] and [0, 255] (the first one
clips); ``rgb255_to_normals`` / ``normals_to_rgb255`` map between 8-bit colours and unit
normal vectors ``2 c / 255 - 1`` (L2-normalised over the channels).

Channel reversals work on any dtype; the other conversions compute in the image's float
dtype (integer images in float32, Kornia's rule).  OpenCV's ``COLOR_RGBA2RGB`` drops alpha
instead of compositing: a documented difference.
"""

from __future__ import annotations

from portvision._array import to_float
from portvision._checks import shape_of
from portvision._dispatch import dispatch, dispatch1
from portvision._registry import register_op
from portvision.color._common import Array, check_image

__all__ = [
    "bgr_to_rgb",
    "bgr_to_rgba",
    "normals_to_rgb255",
    "rgb255_to_normals",
    "rgb255_to_rgb",
    "rgb_to_bgr",
    "rgb_to_rgb255",
    "rgb_to_rgba",
    "rgba_to_bgr",
    "rgba_to_rgb",
]


@register_op(integer_input=True, tolerance="exact")
def rgb_to_bgr(image: Array) -> Array:
    """Reverse the channel order RGB -> BGR.

    Args:
        image: ``(*, 3, H, W)``, any dtype.

    Returns:
        ``(*, 3, H, W)`` with channels B, G, R; same dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.color.rgb_to_bgr(np.arange(3.0).reshape(3, 1, 1)).ravel().tolist()
        [2.0, 1.0, 0.0]
    """
    eng, image = dispatch1("image", image)
    check_image(image, 3)
    return eng.xp.flip(image, axis=-3)


@register_op(integer_input=True, tolerance="exact")
def bgr_to_rgb(image: Array) -> Array:
    """Reverse the channel order BGR -> RGB.

    Args:
        image: ``(*, 3, H, W)``, any dtype.

    Returns:
        ``(*, 3, H, W)`` with channels R, G, B; same dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.color.bgr_to_rgb(np.arange(3.0).reshape(3, 1, 1)).ravel().tolist()
        [2.0, 1.0, 0.0]
    """
    eng, image = dispatch1("image", image)
    check_image(image, 3)
    return eng.xp.flip(image, axis=-3)


def _with_alpha(eng, image, alpha_val):
    """``image`` (float) with an alpha plane appended."""
    xp = eng.xp
    x = to_float(xp, image)
    plane_shape = tuple(x.shape[:-3]) + (1,) + tuple(x.shape[-2:])
    if isinstance(alpha_val, bool) or not hasattr(alpha_val, "shape"):
        if not isinstance(alpha_val, (int, float)) or isinstance(alpha_val, bool):
            raise TypeError(f"alpha_val: expected a float or an array, got {alpha_val!r}")
        a = xp.full(plane_shape, float(alpha_val), dtype=x.dtype, device=x.device)
    else:
        if tuple(alpha_val.shape) != plane_shape:
            raise ValueError(f"alpha_val: expected shape {plane_shape}, got {shape_of(alpha_val)}")
        a = alpha_val if alpha_val.dtype == x.dtype else xp.astype(alpha_val, x.dtype)
    return xp.concat([x, a], axis=-3)


@register_op(integer_input=True)
def rgb_to_rgba(image: Array, alpha_val) -> Array:
    """Append an alpha channel to an RGB image.

    Args:
        image: RGB ``(*, 3, H, W)``; integer images become float32.
        alpha_val: a number for a constant alpha, or an array ``(*, 1, H, W)``.

    Returns:
        RGBA ``(*, 4, H, W)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.color.rgb_to_rgba(np.zeros((3, 2, 2), dtype=np.float32), 1.0)[3].tolist()
        [[1.0, 1.0], [1.0, 1.0]]
    """
    eng, (image, alpha_val) = dispatch(("image", "alpha_val"), image, alpha_val)
    check_image(image, 3)
    return _with_alpha(eng, image, alpha_val)


@register_op(integer_input=True)
def bgr_to_rgba(image: Array, alpha_val) -> Array:
    """Reverse BGR to RGB and append an alpha channel.

    Args:
        image: BGR ``(*, 3, H, W)``; integer images become float32.
        alpha_val: a number for a constant alpha, or an array ``(*, 1, H, W)``.

    Returns:
        RGBA ``(*, 4, H, W)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.arange(3.0, dtype=np.float32).reshape(3, 1, 1)
        >>> pv.color.bgr_to_rgba(x, 0.5).ravel().tolist()
        [2.0, 1.0, 0.0, 0.5]
    """
    eng, (image, alpha_val) = dispatch(("image", "alpha_val"), image, alpha_val)
    check_image(image, 3)
    return _with_alpha(eng, eng.xp.flip(image, axis=-3), alpha_val)


def _composite(eng, image, background_color):
    xp = eng.xp
    x = to_float(xp, image)
    rgb, alpha = x[..., :3, :, :], x[..., 3:4, :, :]
    if background_color is None:
        return rgb * alpha + (1.0 - alpha)
    if isinstance(background_color, (tuple, list)):
        if len(background_color) != 3:
            raise ValueError(
                f"background_color: expected 3 values (R, G, B), got {background_color!r}"
            )
        bg = xp.reshape(xp.asarray(background_color, dtype=x.dtype, device=x.device), (3, 1, 1))
    elif hasattr(background_color, "shape"):
        if background_color.ndim < 3 or background_color.shape[-3] != 3:
            raise ValueError(
                "background_color: expected shape (*, 3, H, W) broadcastable to the image, "
                f"got {shape_of(background_color)}"
            )
        bg = background_color
        if bg.dtype != x.dtype:
            bg = xp.astype(bg, x.dtype)
    else:
        raise TypeError(
            f"background_color: expected None, 3 numbers or an array, got {background_color!r}"
        )
    return rgb * alpha + bg * (1.0 - alpha)


@register_op(integer_input=True)
def rgba_to_rgb(image: Array, background_color=None) -> Array:
    """Composite an RGBA image over a background: ``rgb * a + background * (1 - a)``.

    Args:
        image: RGBA ``(*, 4, H, W)`` with alpha in [0, 1]; integer images become float32.
        background_color: None (white, ones), a sequence of 3 numbers (R, G, B), or an array
            ``(*, 3, H, W)`` broadcastable to the image.

    Returns:
        RGB ``(*, 3, H, W)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.array([1.0, 0.0, 0.0, 0.25], dtype=np.float32).reshape(4, 1, 1)
        >>> pv.color.rgba_to_rgb(x).ravel().tolist()
        [1.0, 0.75, 0.75]
        >>> pv.color.rgba_to_rgb(x, (0.0, 0.0, 0.0)).ravel().tolist()
        [0.25, 0.0, 0.0]
    """
    eng, (image, background_color) = dispatch(
        ("image", "background_color"), image, background_color
    )
    check_image(image, 4)
    return _composite(eng, image, background_color)


@register_op(integer_input=True)
def rgba_to_bgr(image: Array) -> Array:
    """Composite an RGBA image over white, then reverse to BGR.

    Args:
        image: RGBA ``(*, 4, H, W)``; integer images become float32.

    Returns:
        BGR ``(*, 3, H, W)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.array([1.0, 0.0, 0.0, 0.25], dtype=np.float32).reshape(4, 1, 1)
        >>> pv.color.rgba_to_bgr(x).ravel().tolist()
        [0.75, 0.75, 1.0]
    """
    eng, image = dispatch1("image", image)
    check_image(image, 4)
    return eng.xp.flip(_composite(eng, image, None), axis=-3)


@register_op(integer_input=True)
def rgb_to_rgb255(image: Array) -> Array:
    """Scale [0, 1] colours to [0, 255] (clipped): ``clip(255 x, 0, 255)``.

    Args:
        image: ``(*, 3, H, W)``; integer images become float32.

    Returns:
        ``(*, 3, H, W)`` float in [0, 255] (not rounded).

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.array([0.5, 1.2, -0.1], dtype=np.float32).reshape(3, 1, 1)
        >>> pv.color.rgb_to_rgb255(x).ravel().tolist()
        [127.5, 255.0, 0.0]
    """
    eng, image = dispatch1("image", image)
    check_image(image, 3)
    xp = eng.xp
    return xp.clip(to_float(xp, image) * 255.0, 0.0, 255.0)


@register_op(integer_input=True)
def rgb255_to_rgb(image: Array) -> Array:
    """Scale [0, 255] colours to [0, 1]: ``x / 255`` (no clipping).

    Args:
        image: ``(*, 3, H, W)``; uint8 images become float32.

    Returns:
        ``(*, 3, H, W)`` float.

    Example:
        >>> import numpy as np, portvision as pv
        >>> np.round(pv.color.rgb255_to_rgb(np.full((3, 1, 1), 51, dtype=np.uint8)), 4).ravel()
        array([0.2, 0.2, 0.2], dtype=float32)
    """
    eng, image = dispatch1("image", image)
    check_image(image, 3)
    return to_float(eng.xp, image) / 255.0


@register_op(integer_input=True)
def normals_to_rgb255(image: Array) -> Array:
    """Map unit normals in [-1, 1] to colours in [0, 255]: ``255 clip((n + 1) / 2, 0, 1)``.

    Args:
        image: normals ``(*, 3, H, W)``.

    Returns:
        ``(*, 3, H, W)`` float in [0, 255].

    Example:
        >>> import numpy as np, portvision as pv
        >>> n = np.array([0.0, 1.0, -1.0], dtype=np.float32).reshape(3, 1, 1)
        >>> pv.color.normals_to_rgb255(n).ravel().tolist()
        [127.5, 255.0, 0.0]
    """
    eng, image = dispatch1("image", image)
    check_image(image, 3)
    xp = eng.xp
    return xp.clip(0.5 * (to_float(xp, image) + 1.0), 0.0, 1.0) * 255.0


@register_op(integer_input=True)
def rgb255_to_normals(image: Array) -> Array:
    """Map colours in [0, 255] to unit normals: ``v / max(||v||, 1e-12)``, ``v = 2 c / 255 - 1``.

    Args:
        image: ``(*, 3, H, W)``; uint8 images become float32.

    Returns:
        ``(*, 3, H, W)`` unit vectors over the channel axis (zero vectors stay zero).

    Example:
        >>> import numpy as np, portvision as pv
        >>> c = np.array([255, 127.5, 127.5], dtype=np.float32).reshape(3, 1, 1)
        >>> pv.color.rgb255_to_normals(c).ravel().tolist()
        [1.0, 0.0, 0.0]
    """
    eng, image = dispatch1("image", image)
    check_image(image, 3)
    xp = eng.xp
    v = to_float(xp, image) * (2.0 / 255.0) - 1.0
    # sqrt(max(|v|^2, eps^2)) = max(|v|, eps) (torch's F.normalize, eps = 1e-12), and no
    # infinite sqrt gradient at zero vectors
    return v / xp.sqrt(xp.maximum(xp.sum(v * v, axis=-3, keepdims=True), 1e-24))
