"""Point-wise intensity adjustments: brightness, contrast, gamma, log, sigmoid, inversion,
solarization, weighted sums and per-channel RGB shifts (Kornia's ``kornia.enhance.adjust``).

Images are float arrays in [0, 1] of shape ``(*, C, H, W)``; a factor is a Python number
or an array that broadcasts after right-padding with singleton axes, so a ``(B,)`` array
gives one value per image of a ``(B, C, H, W)`` batch (Kornia's rule).
"""

from __future__ import annotations

from typing import Any

from portvision._array import to_float
from portvision._checks import check_channels, check_rank, shape_of
from portvision._dispatch import dispatch, dispatch1
from portvision._registry import register_op
from portvision.enhance._common import (
    check_non_negative,
    check_number,
    factor_like,
    float_image,
    is_number,
    per_image,
)

Array = Any


def _clip01(xp, x):
    return xp.clip(x, 0.0, 1.0)


@register_op()
def adjust_brightness(image: Array, factor: float | Array, clip_output: bool = True) -> Array:
    """Add ``factor`` to every pixel (Szeliski's additive brightness).

    Args:
        image: float image ``(*, H, W)`` in [0, 1].
        factor: a number or an array broadcastable after right-padding (``(B,)``: one per image).
        clip_output: clamp the result to [0, 1].

    Returns:
        ``image + factor``, same shape and dtype as ``image``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.full((2, 1, 2, 2), 0.5, dtype=np.float32)
        >>> pv.enhance.adjust_brightness(x, np.array([0.25, 0.75], dtype=np.float32))[:, 0, 0, 0]
        array([0.75, 1.  ], dtype=float32)
    """
    eng, (image, factor) = dispatch(("image", "factor"), image, factor)
    xp = eng.xp
    x = float_image(eng, image)
    out = x + factor_like(eng, x, factor, "factor")
    return _clip01(xp, out) if clip_output else out


@register_op()
def adjust_brightness_accumulative(
    image: Array, factor: float | Array, clip_output: bool = True
) -> Array:
    """Multiply every pixel by ``factor`` (PIL's brightness convention).

    Args:
        image: float image ``(*, H, W)`` in [0, 1].
        factor: a number or an array broadcastable after right-padding (``(B,)``: one per image).
        clip_output: clamp the result to [0, 1].

    Returns:
        ``image * factor``, same shape and dtype as ``image``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.full((1, 1, 2, 2), 0.5, dtype=np.float32)
        >>> float(pv.enhance.adjust_brightness_accumulative(x, 0.5)[0, 0, 0, 0])
        0.25
    """
    eng, (image, factor) = dispatch(("image", "factor"), image, factor)
    x = float_image(eng, image)
    out = x * factor_like(eng, x, factor, "factor")
    return _clip01(eng.xp, out) if clip_output else out


@register_op()
def adjust_contrast(image: Array, factor: float | Array, clip_output: bool = True) -> Array:
    """Multiply every pixel by a non-negative ``factor`` (Szeliski's multiplicative contrast).

    Args:
        image: float image ``(*, H, W)`` in [0, 1].
        factor: non-negative number or array broadcastable after right-padding (``(B,)``).
        clip_output: clamp the result to [0, 1].

    Returns:
        ``image * factor``, same shape and dtype as ``image``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.enhance.adjust_contrast(np.ones((1, 1, 2, 2), dtype=np.float32), 0.5)[0, 0]
        array([[0.5, 0.5],
               [0.5, 0.5]], dtype=float32)
    """
    eng, (image, factor) = dispatch(("image", "factor"), image, factor)
    x = float_image(eng, image)
    f = factor_like(eng, x, factor, "factor")
    check_non_negative(eng, factor, "factor")
    out = x * f
    return _clip01(eng.xp, out) if clip_output else out


@register_op()
def adjust_contrast_with_mean_subtraction(image: Array, factor: float | Array) -> Array:
    """Blend each image with its mean intensity (PIL's contrast).

    The mean is that of the BT.601 grayscale image for 3 channels, else of all channels.

    Args:
        image: float image ``(*, C, H, W)`` in [0, 1].
        factor: number or array broadcastable after right-padding (``(B,)``); 0 gives the
            mean, 1 the input.

    Returns:
        ``clip(image * factor + mean * (1 - factor), 0, 1)``, same shape and dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.array([[[[0.0, 1.0]]]], dtype=np.float32)
        >>> pv.enhance.adjust_contrast_with_mean_subtraction(x, 0.5)[0, 0]
        array([[0.25, 0.75]], dtype=float32)
    """
    from portvision.color.gray import rgb_to_grayscale

    eng, (image, factor) = dispatch(("image", "factor"), image, factor)
    xp = eng.xp
    x = float_image(eng, image)
    check_rank(x, "image", tuple(range(3, 9)), "(*, C, H, W)")
    f = factor_like(eng, x, factor, "factor")
    if x.shape[-3] == 3:
        mean = xp.mean(rgb_to_grayscale(x), axis=(-2, -1), keepdims=True)
    else:
        mean = xp.mean(x, axis=(-3, -2, -1), keepdims=True)
    return _clip01(xp, x * f + mean * (1 - f))


@register_op()
def adjust_gamma(input: Array, gamma: float | Array, gain: float | Array = 1.0) -> Array:
    """Gamma correction ``gain * input ** gamma``, clamped to [0, 1].

    Args:
        input: float image ``(*, H, W)`` in [0, 1].
        gamma: non-negative exponent, number or array (``(B,)``: one per image).
        gain: non-negative multiplier, number or array.

    Returns:
        The corrected image, same shape and dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.full((1, 1, 1, 2), 0.25, dtype=np.float32)
        >>> pv.enhance.adjust_gamma(x, 0.5, 2.0)[0, 0]
        array([[1., 1.]], dtype=float32)
        >>> pv.enhance.adjust_gamma(x, 2.0)[0, 0]
        array([[0.0625, 0.0625]], dtype=float32)
    """
    eng, (input, gamma, gain) = dispatch(("input", "gamma", "gain"), input, gamma, gain)
    xp = eng.xp
    x = float_image(eng, input, "input")
    g = factor_like(eng, x, gamma, "gamma")
    k = factor_like(eng, x, gain, "gain")
    check_non_negative(eng, gamma, "gamma")
    check_non_negative(eng, gain, "gain")
    powed = x**g if is_number(g) else xp.pow(x, g)
    return _clip01(xp, powed * k)


@register_op()
def adjust_log(image: Array, gain: float = 1, inv: bool = False, clip_output: bool = True) -> Array:
    """Logarithmic correction ``gain * log2(1 + image)`` (``inv``: ``gain * (2 ** image - 1)``).

    Args:
        image: float image ``(*, H, W)`` in [0, 1].
        gain: multiplier.
        inv: apply the inverse (exponential) correction.
        clip_output: clamp the result to [0, 1].

    Returns:
        The corrected image, same shape and dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.array([[[[0.0, 1.0]]]], dtype=np.float32)
        >>> pv.enhance.adjust_log(x, gain=0.5)[0, 0]
        array([[0. , 0.5]], dtype=float32)
    """
    eng, image = dispatch1("image", image)
    xp = eng.xp
    x = float_image(eng, image)
    check_number(gain, "gain", allow_array=False)
    out = (2.0**x - 1.0) * gain if inv else xp.log2(1.0 + x) * gain
    return _clip01(xp, out) if clip_output else out


@register_op()
def adjust_sigmoid(image: Array, cutoff: float = 0.5, gain: float = 10, inv: bool = False) -> Array:
    """Sigmoid contrast ``1 / (1 + exp(gain * (cutoff - image)))`` (``inv``: one minus it).

    Args:
        image: float image ``(*, H, W)`` in [0, 1].
        cutoff: centre of the sigmoid.
        gain: its slope.
        inv: return the complementary curve.

    Returns:
        The corrected image, same shape and dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.enhance.adjust_sigmoid(np.ones((1, 1, 1, 2), dtype=np.float32), gain=0)[0, 0]
        array([[0.5, 0.5]], dtype=float32)
    """
    eng, image = dispatch1("image", image)
    xp = eng.xp
    x = float_image(eng, image)
    check_number(cutoff, "cutoff", allow_array=False)
    check_number(gain, "gain", allow_array=False)
    sig = 1.0 / (1.0 + xp.exp(gain * (cutoff - x)))
    return 1.0 - sig if inv else sig


@register_op(integer_input=True)
def invert(image: Array, max_val: Array | None = None) -> Array:
    """``max_val - image`` with ``max_val`` cast to the image's dtype (default 1).

    Args:
        image: image of any shape and dtype (an integer image needs ``max_val``, e.g. 255).
        max_val: array broadcastable to ``image`` (or a number); None means 1.

    Returns:
        The inverted image, broadcast shape, ``image``'s dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.enhance.invert(np.array([[0.25, 1.0]], dtype=np.float32))
        array([[0.75, 0.  ]], dtype=float32)
        >>> pv.enhance.invert(np.array([[0, 200]], dtype=np.uint8), np.array(255))
        array([[255,  55]], dtype=uint8)
    """
    eng, (image, max_val) = dispatch(("image", "max_val"), image, max_val)
    xp = eng.xp
    if max_val is None:
        max_val = 1
    check_number(max_val, "max_val")
    if is_number(max_val):
        m = xp.asarray(max_val, dtype=image.dtype, device=image.device)
    else:
        m = xp.astype(max_val, image.dtype) if max_val.dtype != image.dtype else max_val
    return m - image


@register_op()
def solarize(
    input: Array, thresholds: float | Array = 0.5, additions: float | Array | None = None
) -> Array:
    """Add ``additions``, clamp to [0, 1], then invert every pixel at or above ``thresholds``.

    Args:
        input: float image ``(*, C, H, W)`` in [0, 1].
        thresholds: a number, a 0-d array or a ``(B,)`` array (one per image).
        additions: None, or a number / 0-d / ``(B,)`` array in [-0.5, 0.5].

    Returns:
        ``where(v < thresholds, v, 1 - v)`` with ``v = clip(input + additions, 0, 1)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.array([[[[0.1, 0.4, 0.6, 0.9]]]], dtype=np.float32)
        >>> np.round(pv.enhance.solarize(x, 0.5, 0.2)[0, 0], 4)
        array([[0.3, 0.4, 0.2, 0. ]], dtype=float32)
    """
    names = ("input", "thresholds", "additions")
    eng, (input, thresholds, additions) = dispatch(names, input, thresholds, additions)
    xp = eng.xp
    x = float_image(eng, input, "input")
    thr = per_image(eng, x, thresholds, "thresholds")
    if additions is not None:
        add = per_image(eng, x, additions, "additions")
        if is_number(add):
            if not -0.5 <= add <= 0.5:
                raise ValueError(f"additions: expected values in [-0.5, 0.5], got {additions!r}")
        elif not eng.is_tracing(add) and not bool(xp.all(xp.abs(add) <= 0.5)):
            raise ValueError(
                "additions: expected values in [-0.5, 0.5], "
                f"got {eng.to_numpy(additions).tolist()!r}"
            )
        x = _clip01(xp, x + add)
    return xp.where(x < thr, x, 1.0 - x)


def _coef(eng, src, value, name):
    check_number(value, name)
    if is_number(value):
        return value
    shp, tgt = shape_of(value), shape_of(src)
    ok = len(shp) <= len(tgt) and all(
        a in (1, b) for a, b in zip(reversed(shp), reversed(tgt), strict=False)
    )
    if not ok:
        raise ValueError(f"{name}: expected a shape that broadcasts to {tgt}, got {shp}")
    return eng.xp.astype(value, src.dtype) if value.dtype != src.dtype else value


@register_op()
def add_weighted(
    src1: Array, alpha: float | Array, src2: Array, beta: float | Array, gamma: float | Array
) -> Array:
    """Weighted sum ``src1 * alpha + src2 * beta + gamma`` (OpenCV's ``addWeighted``, unsaturated).

    Args:
        src1: array of any shape (integer arrays compute in float32).
        alpha: weight of ``src1``: a number or an array broadcastable to ``src1``'s shape.
        src2: array of ``src1``'s shape.
        beta: weight of ``src2``, like ``alpha``.
        gamma: offset, like ``alpha``.

    Returns:
        The weighted sum, ``src1``'s shape and (float) dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> a, b = np.ones((1, 1, 2, 2), np.float32), np.full((1, 1, 2, 2), 2.0, np.float32)
        >>> float(pv.enhance.add_weighted(a, 0.5, b, 0.25, 1.0)[0, 0, 0, 0])
        2.0
    """
    names = ("src1", "alpha", "src2", "beta", "gamma")
    eng, (src1, alpha, src2, beta, gamma) = dispatch(names, src1, alpha, src2, beta, gamma)
    xp = eng.xp
    for name, v in (("src1", src1), ("src2", src2)):
        check_number(v, name, allow_array=True)
        if is_number(v):
            raise TypeError(f"{name}: expected an array, got {type(v).__name__}")
    if shape_of(src1) != shape_of(src2):
        raise ValueError(f"src2: expected the shape of src1 {shape_of(src1)}, got {shape_of(src2)}")
    a, b = to_float(xp, src1), to_float(xp, src2)
    if b.dtype != a.dtype:
        b = xp.astype(b, a.dtype)
    w1, w2, off = (
        _coef(eng, a, v, n) for n, v in (("alpha", alpha), ("beta", beta), ("gamma", gamma))
    )
    return a * w1 + b * w2 + off


@register_op()
def shift_rgb(image: Array, r_shift: Array, g_shift: Array, b_shift: Array) -> Array:
    """Add one shift per image to each of the R, G and B channels, then clamp to [0, 1].

    Args:
        image: float RGB batch ``(B, 3, H, W)``.
        r_shift, g_shift, b_shift: ``(B,)`` arrays (or numbers / 0-d arrays for all images).

    Returns:
        The shifted batch ``(B, 3, H, W)``, same dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.full((1, 3, 1, 1), 0.5, dtype=np.float32)
        >>> s = lambda v: np.array([v], dtype=np.float32)
        >>> pv.enhance.shift_rgb(x, s(0.1), s(-0.6), s(0.7))[0, :, 0, 0]
        array([0.6, 0. , 1. ], dtype=float32)
    """
    names = ("image", "r_shift", "g_shift", "b_shift")
    eng, (image, r, g, b) = dispatch(names, image, r_shift, g_shift, b_shift)
    xp = eng.xp
    x = float_image(eng, image)
    check_rank(x, "image", (4,), "(B, 3, H, W)")
    check_channels(x, "image", (3,))
    shifts = [per_image(eng, x, v, n) for n, v in (("r_shift", r), ("g_shift", g), ("b_shift", b))]
    planes = [x[:, c : c + 1, ...] + shifts[c] for c in range(3)]
    return _clip01(xp, xp.concat(planes, axis=1))


__all__ = [
    "add_weighted",
    "adjust_brightness",
    "adjust_brightness_accumulative",
    "adjust_contrast",
    "adjust_contrast_with_mean_subtraction",
    "adjust_gamma",
    "adjust_log",
    "adjust_sigmoid",
    "invert",
    "shift_rgb",
    "solarize",
]
