"""Mutual-information losses from a kernel-density (soft) joint histogram, for registration:
``mutual_information_loss`` (and ``_2d`` / ``_3d``) and the normalised variants."""

from __future__ import annotations

import math
from enum import Enum
from typing import Any

from portvision._checks import shape_of
from portvision._dispatch import dispatch
from portvision._registry import register_op
from portvision.metrics._common import check_int, check_number, check_same_shape, dtype_name

Array = Any


class MIKernel(Enum):
    """Kernels of the soft histogram, functions of ``u = |d| / window_radius`` (0 for u > 1).

    * ``xu`` (Xu et al. 2008, the default): ``1 - 0.1 u - 1.8 u^2`` for ``u < 0.5``, else
      ``1.9 - 3.7 u + 1.8 u^2``;
    * ``rectangular``: 1 on ``|d| <= window_radius`` (piecewise constant: no gradient);
    * ``truncated_gaussian``: the normal density of standard deviation ``window_radius``.

    Kornia's ``kornia.losses.MIKernel`` members are accepted too, as are the names.
    """

    xu = "xu"
    rectangular = "rectangular"
    truncated_gaussian = "truncated_gaussian"


def _kernel_name(kernel_function) -> str:
    name = kernel_function.name if isinstance(kernel_function, Enum) else kernel_function
    if name not in MIKernel.__members__:
        raise ValueError(
            f"kernel_function: expected one of {list(MIKernel.__members__)}, "
            f"got {kernel_function!r}"
        )
    return name


def _kernel(xp, d, name: str, radius: float):
    zero = xp.zeros_like(d)
    if name == "rectangular":
        return xp.astype(xp.abs(d) <= radius, d.dtype)
    if name == "truncated_gaussian":
        g = xp.exp(-0.5 * (d / radius) ** 2) / (radius * math.sqrt(2 * math.pi))
        return xp.where(xp.abs(d) <= radius, g, zero)
    u = xp.abs(d) * (1.0 / radius)
    near = u * (-1.8 * u - 0.1) + 1.0
    far = u * (1.8 * u - 3.7) + 1.9
    return xp.where(u < 0.5, near, xp.where(u <= 1.0, far, zero))


def _normalize(xp, x, mask, num_bins: int, eps: float):
    """Min-max normalisation of each sample over its mask to ``[0, num_bins - 1]``."""
    if mask is None:
        lo, hi = xp.min(x, axis=-1, keepdims=True), xp.max(x, axis=-1, keepdims=True)
    else:
        inf = xp.full_like(x, math.inf)
        lo = xp.min(xp.where(mask, x, inf), axis=-1, keepdims=True)
        hi = xp.max(xp.where(mask, x, -inf), axis=-1, keepdims=True)
    span = hi - lo
    ok = span > eps  # a constant sample normalises to 0 (zero gradient)
    safe = xp.where(ok, span, xp.ones_like(span))
    return xp.where(ok, (x - lo) / safe * float(num_bins - 1), xp.zeros_like(x))


def _entropies(xp, other, ref, other_mask, ref_mask, name, num_bins, radius):
    """``(H_ref, H_other, H_joint)`` of the soft joint histogram of the two signals."""
    eps = float(xp.finfo(ref.dtype).eps)
    a = _normalize(xp, ref, ref_mask, num_bins, eps)
    b = _normalize(xp, other, other_mask, num_bins, eps)
    centers = xp.reshape(xp.arange(num_bins, dtype=ref.dtype, device=ref.device), (-1, 1))
    va = _kernel(xp, centers - a[..., None, :], name, radius)  # (*, bins, N)
    vb = _kernel(xp, centers - b[..., None, :], name, radius)
    common = [m for m in (ref_mask, other_mask) if m is not None]
    if common:  # only the positions inside both masks are counted
        both = common[0] if len(common) == 1 else common[0] & common[1]
        va = va * xp.astype(both, va.dtype)
    joint = xp.matmul(va, xp.matrix_transpose(vb))  # (*, bins, bins)
    p = xp.maximum(joint, xp.full_like(joint, eps))
    p = p / xp.sum(p, axis=(-2, -1), keepdims=True)
    pa, pb = xp.sum(p, axis=-1), xp.sum(p, axis=-2)
    h = lambda q, axes: -xp.sum(q * xp.log(q), axis=axes)  # noqa: E731
    return h(pa, -1), h(pb, -1), h(p, (-2, -1))


def _mi(
    input,
    target,
    input_mask,
    target_mask,
    kernel_function,
    num_bins,
    window_radius,
    ndim: int,
    normalized: bool,
):
    names = ("input", "target", "input_mask", "target_mask")
    eng, (input, target, input_mask, target_mask) = dispatch(
        names, input, target, input_mask, target_mask
    )
    xp = eng.xp
    check_same_shape(input, target, "input", "target")
    layout = {1: "(*, N)", 2: "(*, H, W)", 3: "(*, D, H, W)"}[ndim]
    if input.ndim < ndim:
        raise ValueError(f"input: expected shape {layout}, got {shape_of(input)}")
    if not xp.isdtype(input.dtype, "real floating"):
        raise TypeError(f"input: expected a real floating dtype, got {dtype_name(input.dtype)}")
    num_bins = check_int(num_bins, "num_bins", 2)
    radius = check_number(window_radius, "window_radius", positive=True)
    name = _kernel_name(kernel_function)
    tail = shape_of(input)[input.ndim - ndim :]
    masks = []
    for mname, m in (("input_mask", input_mask), ("target_mask", target_mask)):
        if m is not None:
            if shape_of(m) != tail or not (m.dtype == xp.bool or m.dtype == xp.uint8):
                raise ValueError(
                    f"{mname}: expected a bool or uint8 mask of shape {tail}, "
                    f"got {dtype_name(m.dtype)} {shape_of(m)}"
                )
            m = xp.reshape(m if m.dtype == xp.bool else m != 0, (-1,))
        masks.append(m)
    if masks[0] is not None and masks[1] is not None and not eng.is_tracing(input):
        if not bool(xp.any(masks[0] & masks[1])):
            raise ValueError("input_mask: expected a position in common with target_mask, got none")
    lead = shape_of(input)[: input.ndim - ndim]
    x = xp.reshape(input, lead + (-1,))
    t = xp.reshape(target, lead + (-1,))
    t = t if t.dtype == x.dtype else xp.astype(t, x.dtype)
    h_t, h_x, h_xt = _entropies(xp, x, t, masks[0], masks[1], name, num_bins, radius)
    if normalized:
        return -(h_x + h_t) / h_xt
    return -(h_x + h_t - h_xt)


_ARGS_DOC = """
    Args:
        input: signals ``{layout}`` (floating point); leading axes are a batch.
        target: reference signals of the same shape and dtype (not broadcast).
        input_mask: bool (or uint8) mask ``{mask}`` common to the batch: ``input`` is
            min-max normalised over it, and only positions in both masks are counted.
        target_mask: the same for ``target``.
        kernel_function: :class:`MIKernel` member (or Kornia's, or its name).
        num_bins: bins per signal of the joint histogram (>= 2).
        window_radius: kernel support in bin widths (> 0).

    Returns:
        One loss per leading index, shape ``*``, in the input dtype.
"""


def _doc(summary: str, layout: str, mask: str, example: str) -> str:
    return summary + "\n" + _ARGS_DOC.format(layout=layout, mask=mask) + example


@register_op()
def mutual_information_loss(
    input: Array,
    target: Array,
    input_mask: Array | None = None,
    target_mask: Array | None = None,
    kernel_function: Any = MIKernel.xu,
    num_bins: int = 64,
    window_radius: float = 1.0,
) -> Array:
    return _mi(
        input, target, input_mask, target_mask, kernel_function, num_bins, window_radius, 1, False
    )


@register_op()
def mutual_information_loss_2d(
    input: Array,
    target: Array,
    input_mask: Array | None = None,
    target_mask: Array | None = None,
    kernel_function: Any = MIKernel.xu,
    num_bins: int = 64,
    window_radius: float = 1.0,
) -> Array:
    return _mi(
        input, target, input_mask, target_mask, kernel_function, num_bins, window_radius, 2, False
    )


@register_op()
def mutual_information_loss_3d(
    input: Array,
    target: Array,
    input_mask: Array | None = None,
    target_mask: Array | None = None,
    kernel_function: Any = MIKernel.xu,
    num_bins: int = 64,
    window_radius: float = 1.0,
) -> Array:
    return _mi(
        input, target, input_mask, target_mask, kernel_function, num_bins, window_radius, 3, False
    )


@register_op()
def normalized_mutual_information_loss(
    input: Array,
    target: Array,
    input_mask: Array | None = None,
    target_mask: Array | None = None,
    kernel_function: Any = MIKernel.xu,
    num_bins: int = 64,
    window_radius: float = 1.0,
) -> Array:
    return _mi(
        input, target, input_mask, target_mask, kernel_function, num_bins, window_radius, 1, True
    )


@register_op()
def normalized_mutual_information_loss_2d(
    input: Array,
    target: Array,
    input_mask: Array | None = None,
    target_mask: Array | None = None,
    kernel_function: Any = MIKernel.xu,
    num_bins: int = 64,
    window_radius: float = 1.0,
) -> Array:
    return _mi(
        input, target, input_mask, target_mask, kernel_function, num_bins, window_radius, 2, True
    )


@register_op()
def normalized_mutual_information_loss_3d(
    input: Array,
    target: Array,
    input_mask: Array | None = None,
    target_mask: Array | None = None,
    kernel_function: Any = MIKernel.xu,
    num_bins: int = 64,
    window_radius: float = 1.0,
) -> Array:
    return _mi(
        input, target, input_mask, target_mask, kernel_function, num_bins, window_radius, 3, True
    )


_MI = "Negative mutual information ``-(H(X) + H(Y) - H(X, Y))`` (nats) of a soft histogram."
_NMI = "Negative normalised mutual information ``-(H(X) + H(Y)) / H(X, Y)`` (Studholme)."
_EX = """
    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.linspace(0, 1, {n}).reshape({shape})
        >>> loss = pv.losses.{name}(x, x ** 2, num_bins=8)
        >>> loss.shape, bool(np.all(loss {cmp} pv.losses.{name}(x, np.cos(20 * x), num_bins=8)))
        ({out}, True)
"""
for _f, _s, _lay, _mask, _shape in (
    (mutual_information_loss, _MI, "(*, N)", "(N,)", (2, 32)),
    (mutual_information_loss_2d, _MI, "(*, H, W)", "(H, W)", (2, 4, 8)),
    (mutual_information_loss_3d, _MI, "(*, D, H, W)", "(D, H, W)", (1, 2, 4, 8)),
    (normalized_mutual_information_loss, _NMI, "(*, N)", "(N,)", (2, 32)),
    (normalized_mutual_information_loss_2d, _NMI, "(*, H, W)", "(H, W)", (2, 4, 8)),
    (normalized_mutual_information_loss_3d, _NMI, "(*, D, H, W)", "(D, H, W)", (1, 2, 4, 8)),
):
    _ex = _EX.format(n=math.prod(_shape), shape=_shape, name=_f.__name__, cmp="<", out=_shape[:1])
    _f.__doc__ = _doc(_s, _lay, _mask, _ex)


__all__ = [
    "MIKernel",
    "mutual_information_loss",
    "mutual_information_loss_2d",
    "mutual_information_loss_3d",
    "normalized_mutual_information_loss",
    "normalized_mutual_information_loss_2d",
    "normalized_mutual_information_loss_3d",
]
