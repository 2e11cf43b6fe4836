"""PIL-style operations used by AutoAugment: ``posterize``, ``sharpness``, ``equalize`` and
``equalize3d`` (Kornia's ``kornia.enhance.adjust``).

Float images in [0, 1] follow Kornia 0.9 exactly (8-bit levels ``floor(x * 255)`` computed
in the input's dtype). ``uint8`` images, which Kornia rejects, are accepted by
``posterize`` and ``equalize`` as an extension: they return ``uint8`` equal to
``PIL.ImageOps.posterize`` / ``PIL.ImageOps.equalize`` per channel.
"""

from __future__ import annotations

from typing import Any

from portvision._checks import dtype_name, shape_of
from portvision._dispatch import dispatch, dispatch1
from portvision._registry import register_op
from portvision.enhance._common import float_image, is_number, per_image, to_bchw

Array = Any


def _is_uint8(xp, x) -> bool:
    return x.dtype == xp.uint8


def _check_unit_range(eng, x, name):
    """Values the 256-entry lookup can index: ``x * 255`` in (-1, 256) (host check)."""
    if eng.is_tracing(x):
        return
    xp = eng.xp
    v = eng.stop_gradient(x)  # a value check: no graph, no autograd warning
    lo, hi = float(xp.min(v)), float(xp.max(v))  # two reductions, no temporary image
    if not (lo * 255.0 > -1.0 and hi * 255.0 < 256.0):
        raise ValueError(f"{name}: expected values in [0, 1], got values in [{lo}, {hi}]")


def _levels(xp, x):
    """8-bit level of every pixel: ``floor(x * 255)`` in x's dtype, as int64 in [0, 255]."""
    return xp.astype(xp.clip(xp.floor(x * 255.0), 0.0, 255.0), xp.int64)


# -- posterize ---------------------------------------------------------------------------
def _bits_array(eng, x4, bits):
    """``bits`` as an int64 array broadcastable to the ``(B, C, H, W)`` view ``x4``."""
    xp = eng.xp
    if not xp.isdtype(bits.dtype, "integral"):
        raise TypeError(f"bits: expected an integer array, got {dtype_name(bits.dtype)}")
    if not eng.is_tracing(bits) and not bool(xp.all((bits >= 0) & (bits <= 8))):
        raise ValueError(f"bits: expected integers in [0, 8], got {eng.to_numpy(bits).tolist()!r}")
    b = xp.astype(bits, xp.int64)
    shp = shape_of(b)
    if b.ndim == 0 or shp == (1,):
        return xp.reshape(b, ())
    if b.ndim == 1:
        if shp[0] != x4.shape[0]:
            raise ValueError(
                f"bits: expected a number, shape (1,) or ({int(x4.shape[0])},) (one per image), "
                f"got {shp}"
            )
        return xp.reshape(b, (-1, 1, 1, 1))
    if b.ndim > 4 or shp != shape_of(x4)[: b.ndim]:
        raise ValueError(
            f"bits: expected a leading part of the input's shape {shape_of(x4)}, got {shp}"
        )
    return xp.reshape(b, shp + (1,) * (4 - b.ndim))


@register_op(differentiable=False, tolerance="exact", integer_input=True)
def posterize(input: Array, bits: int | Array) -> Array:
    """Keep only the ``bits`` high bits of each 8-bit level.

    Args:
        input: float image ``(*, C, H, W)`` in [0, 1], or a ``uint8`` image.
        bits: an integer in [0, 8], or an integer array of shape ``(B,)`` (one per image of
            the flattened batch) or a leading part of ``(B, C)``.

    Returns:
        Float input: ``(floor(x * 255) & mask) / 255`` (``bits=8`` returns the input,
        ``bits=0`` zeros; levels of values outside [0, 1] are clipped to 0 / 255, where
        Kornia's ``uint8`` cast wraps them). ``uint8`` input: ``x & mask`` as ``uint8``.
        Same shape.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.array([[[[0, 100, 255]]]], dtype=np.uint8)
        >>> pv.enhance.posterize(x, 2)
        array([[[[  0,  64, 192]]]], dtype=uint8)
        >>> x = np.array([[[[0.5, 1.0]]]], dtype=np.float32)
        >>> np.round(pv.enhance.posterize(x, 1) * 255, 2)
        array([[[[  0., 128.]]]], dtype=float32)
    """
    eng, (input, bits) = dispatch(("input", "bits"), input, bits)
    xp = eng.xp
    u8 = _is_uint8(xp, input)
    if not u8:
        float_image(eng, input, "input")
    shape, view = to_bchw(input)
    x4 = xp.reshape(input, view)
    if is_number(bits) and isinstance(bits, int):
        if not 0 <= bits <= 8:
            raise ValueError(f"bits: expected an integer in [0, 8], got {bits!r}")
        b = bits
    elif hasattr(bits, "dtype"):
        b = _bits_array(eng, x4, bits)
    else:
        raise TypeError(f"bits: expected an int or an integer array, got {type(bits).__name__}")
    v = xp.astype(x4, xp.int64) if u8 else _levels(xp, x4)
    if is_number(b):
        shift = xp.asarray(8 - b, dtype=xp.int64, device=x4.device)
    else:
        shift = 8 - b
    q = xp.bitwise_left_shift(xp.bitwise_right_shift(v, shift), shift)
    q = xp.where(shift >= 8, xp.zeros_like(q), q)  # bits = 0: no bit survives
    if u8:
        out = xp.astype(q, xp.uint8)
    else:
        out = xp.where(shift == 0, x4, xp.astype(q, x4.dtype) / 255.0)
    return xp.reshape(out, shape)


# -- sharpness ---------------------------------------------------------------------------
@register_op()
def sharpness(input: Array, factor: float | Array) -> Array:
    """PIL's sharpness: blend the image with its 3x3-smoothed copy (border pixels kept).

    The smoothing kernel is ``[[1, 1, 1], [1, 5, 1], [1, 1, 1]] / 13`` on the interior
    (clamped to [0, 1]); the outer ring of pixels stays the input's.

    Args:
        input: float image ``(*, C, H, W)`` in [0, 1], with ``H, W >= 3``.
        factor: a number or a ``(B,)`` array (one per image of the flattened batch): 0 gives
            the smoothed image, 1 the input, above 1 sharpens.

    Returns:
        ``clip(smooth + (input - smooth) * factor, 0, 1)``, same shape and dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.zeros((1, 1, 3, 3), dtype=np.float32); x[0, 0, 1, 1] = 1.0
        >>> np.round(pv.enhance.sharpness(x, 0.0)[0, 0], 4)
        array([[0.    , 0.    , 0.    ],
               [0.    , 0.3846, 0.    ],
               [0.    , 0.    , 0.    ]], dtype=float32)
    """
    eng, (input, factor) = dispatch(("input", "factor"), input, factor)
    xp = eng.xp
    float_image(eng, input, "input")
    shape, view = to_bchw(input)
    if shape[-2] < 3 or shape[-1] < 3:
        raise ValueError(f"input: expected H and W of at least 3, got shape {shape}")
    x = xp.reshape(input, view)
    f = per_image(eng, x, factor, "factor")
    dev = x.device
    k = xp.asarray([[[1, 1, 1], [1, 5, 1], [1, 1, 1]]], dtype=x.dtype, device=dev) / 13.0
    smooth = xp.clip(eng.correlate(x, k, "constant"), 0.0, 1.0)
    h, w = shape[-2], shape[-1]
    rows, cols = xp.arange(h, device=dev), xp.arange(w, device=dev)
    inner = ((rows >= 1) & (rows <= h - 2))[:, None] & ((cols >= 1) & (cols <= w - 2))[None, :]
    blurred = xp.where(inner, smooth, x)
    out = xp.clip(blurred + (x - blurred) * f, 0.0, 1.0)
    return xp.reshape(out, shape)


# -- equalize ----------------------------------------------------------------------------
def _equalize_planes(eng, planes, u8):
    """PIL's equalization of every row of ``planes (N, P)`` from its 256-bin histogram."""
    xp = eng.xp
    n, p = int(planes.shape[0]), int(planes.shape[1])
    dev = planes.device
    # the 8-bit level: x * 255 truncated (values were checked to lie in (-1/255, 256/255))
    level = xp.astype(planes if u8 else planes * 255.0, xp.int64)
    hist = eng.bincount(level, 256)  # (N, 256) int64 counts
    ar = xp.arange(256, dtype=xp.int64, device=dev)
    last = xp.max(xp.where(hist > 0, ar, xp.zeros_like(ar)), axis=1, keepdims=True)
    last_count = xp.sum(xp.where(ar == last, hist, xp.zeros_like(hist)), axis=1, keepdims=True)
    step = (p - last_count) // 255  # (N, 1)
    csum = xp.cumulative_sum(hist, axis=1)
    lut = (csum + step // 2) // xp.maximum(step, xp.ones_like(step))
    # lut[i] reads the count *before* level i: shift right by one, starting at 0
    lut = xp.concat([xp.zeros((n, 1), dtype=lut.dtype, device=dev), lut[:, :-1]], axis=1)
    lut = xp.clip(lut, 0, 255)
    # the table is tiny: convert it (not the image) to the output dtype, then gather once
    lut = xp.astype(lut, xp.uint8) if u8 else xp.astype(lut, planes.dtype) / 255.0
    mapped = eng.lookup(lut, level)
    # a plane with step 0 (e.g. constant) stays unchanged; equalize is not differentiable,
    # so a host check of the (N, 1) steps may skip the full-size select
    return xp.where(step == 0, planes, mapped) if bool(xp.any(step == 0)) else mapped


def _equalize(eng, input, spatial):
    xp = eng.xp
    u8 = _is_uint8(xp, input)
    if not u8:
        float_image(eng, input, "input")
    if input.ndim < spatial:
        layout = "(*, C, D, H, W)" if spatial == 3 else "(*, C, H, W)"
        raise ValueError(f"input: expected shape {layout}, got {shape_of(input)}")
    shape = shape_of(input)
    if any(s == 0 for s in shape[-spatial:]):
        raise ValueError(f"input: expected non-empty spatial axes, got {shape}")
    if not u8:
        _check_unit_range(eng, input, "input")
    pix = 1
    for s in shape[-spatial:]:
        pix *= s
    planes = xp.reshape(input, (-1, pix))
    return xp.reshape(_equalize_planes(eng, planes, u8), shape)


@register_op(differentiable=False, integer_input=True)
def equalize(input: Array) -> Array:
    """Histogram-equalize every channel of every image (PIL's ``ImageOps.equalize``).

    Each ``(H, W)`` plane is equalized from the 256-bin histogram of its 8-bit levels
    ``floor(x * 255)``; a plane whose lookup step is 0 (e.g. a constant one) is returned
    unchanged.

    Args:
        input: float image ``(*, C, H, W)`` (or ``(H, W)``) with values in [0, 1], or
            ``uint8`` (then the result is ``uint8``, equal to PIL's).

    Returns:
        The equalized image, same shape and dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.repeat(np.array([10, 20, 30, 40], np.uint8), 100).reshape(1, 1, 20, 20)
        >>> np.unique(pv.enhance.equalize(x))
        array([  0, 100, 200, 255], dtype=uint8)
    """
    eng, input = dispatch1("input", input)
    return _equalize(eng, input, 2)


@register_op(differentiable=False, integer_input=True)
def equalize3d(input: Array) -> Array:
    """Histogram-equalize every channel of every volume from one histogram per volume.

    Args:
        input: float volume ``(*, C, D, H, W)`` (or ``(D, H, W)``) in [0, 1], or ``uint8``.

    Returns:
        The equalized volume, same shape and dtype (see :func:`equalize`).

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.repeat(np.array([10, 20, 30, 40], np.uint8), 100).reshape(1, 1, 4, 10, 10)
        >>> np.unique(pv.enhance.equalize3d(x))
        array([  0, 100, 200, 255], dtype=uint8)
    """
    eng, input = dispatch1("input", input)
    return _equalize(eng, input, 3)


__all__ = ["equalize", "equalize3d", "posterize", "sharpness"]
