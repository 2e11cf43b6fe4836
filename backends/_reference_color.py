"""Reference of the primitives used by the colour conversions: ``map_pixels``,
``channel_matrix``, ``compare_mask`` and ``clamped_power`` (contracts in their docstrings
below).

``map_pixels(xp, fn, x)``
    Contract: ``fn`` maps a ``(*, C, H, W)`` array to a ``(*, C', H, W)`` array in which
    every output pixel depends only on the same input pixel (no reduction or mixing over
    the leading or spatial axes; channels may mix).  The result is exactly ``fn(x)``:
    same values, dtype, device and shape.  An engine may evaluate ``fn`` on blocks of
    pixels instead (views of shape ``(C, 1, L)``) and assemble the output; ``fn`` must
    therefore accept any leading shape and any ``H, W``, and must not depend on which
    pixels share a block.  ``fn`` may also return a tuple of the C' output planes
    ``(*, H, W)`` (they are stacked at axis -3, or written straight into the output).  The
    reference calls ``fn`` once on the whole array.

Why blocks: a colour conversion is 20-30 element-wise operations.  On the whole batch
each intermediate is a fresh multi-megabyte buffer (page faults, cache misses); on
blocks of ~64K pixels the same operations reuse a few cached buffers, 3-8x faster with
NumPy.  The torch engine keeps the one-call reference: its multi-threaded kernels gain
little from blocks, and more (smaller) parallel regions cost more under CPU contention.
"""

from __future__ import annotations


def map_pixels(xp, fn, x):
    y = fn(x)
    return xp.stack(y, axis=-3) if isinstance(y, tuple) else y


def channel_matrix(xp, x, matrix, bias=None):
    """Contract: a linear map over the channel axis of ``x`` ``(*, C_in, H, W)``.

    ``matrix`` is ``(C_out, C_in)`` and ``bias`` ``(C_out,)`` or None, both of ``x``'s
    dtype and device.  Returns ``(*, C_out, H, W)`` with
    ``out[..., o, :, :] = sum_i matrix[o, i] * x[..., i, :, :] + bias[o]``, in ``x``'s dtype
    (float rounding only: engines may change the summation order).  Differentiable in
    ``x``, ``matrix`` and ``bias`` where the engine is.
    """
    shape = tuple(x.shape)
    flat = xp.reshape(x, shape[:-2] + (shape[-2] * shape[-1],))
    out = xp.matmul(matrix, flat)
    if bias is not None:
        out = out + bias[:, None]
    return xp.reshape(out, shape[:-3] + (int(matrix.shape[0]),) + shape[-2:])


#: the comparisons of ``compare_mask`` (array API function names)
COMPARISONS = ("greater", "greater_equal", "less", "less_equal", "equal", "not_equal")


def compare_mask(xp, a, b, op="greater"):
    """Contract: ``op(a, b)`` as 0/1 in ``a``'s real floating dtype (1 where it holds; a NaN
    operand gives 0, or 1 for ``not_equal``), broadcast; ``b`` an array of ``a``'s dtype or
    a Python number; ``op`` one of :data:`COMPARISONS`.  A constant: no gradient flows.

    Why a primitive: the algorithms select by arithmetic with such masks (a data-dependent
    ``where`` is 5-20x an add on NumPy and torch CPU), and on torch a bool result and its
    cast to float are two unvectorised passes, 10x a comparison written as floats.
    """
    return xp.astype(getattr(xp, op)(a, b), a.dtype)


def clamped_power(xp, x, p, low):
    """Contract: ``max(x, low) ** p`` element-wise, for Python numbers ``p`` and ``low > 0``,
    in ``x``'s dtype and with NaN propagated; float rounding only may differ (a few ulp:
    engines may evaluate it as ``2 ** (p log2(.))``).  Differentiable where the engine is.

    The clamp keeps the branch of a select that is not taken finite, with finite gradients
    (the sRGB and CIE curves).  ``exp(p log(.))`` is 2-4x faster than ``pow`` on CPU, and
    ``exp2(p log2(.))`` faster again on NumPy and torch (measured), which the standard lacks.
    """
    return xp.exp(p * xp.log(xp.maximum(x, low)))
