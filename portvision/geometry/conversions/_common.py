"""Shared checks and constant builders of the conversion modules (pure array API)."""

from __future__ import annotations

from typing import Any

from portvision._checks import shape_of

Array = Any  # an array of any engine: numpy.ndarray, torch.Tensor, cupy.ndarray, ...


def check_last(x, name: str, sizes: tuple[int, ...], layout: str, min_ndim: int = 1) -> None:
    """``x.shape[-1]`` in ``sizes`` and at least ``min_ndim`` axes, else a ValueError."""
    if x.ndim < min_ndim or x.shape[-1] not in sizes:
        raise ValueError(f"{name}: expected shape {layout}, got {shape_of(x)}")


def check_matrix(x, name: str, rows: int, cols: int, ranks: tuple[int, ...], layout: str) -> None:
    """``x`` must be ``(..., rows, cols)`` with ``x.ndim`` in ``ranks``."""
    if x.ndim not in ranks or tuple(x.shape[-2:]) != (rows, cols):
        raise ValueError(f"{name}: expected shape {layout}, got {shape_of(x)}")


def float_dtype(xp, x):
    """The dtype results are computed in: ``x``'s float dtype, float32 for integers."""
    return x.dtype if xp.isdtype(x.dtype, "real floating") else xp.float32


def common_float(xp, a, b):
    """``a`` and ``b`` in one float dtype: an integer operand takes the other's float dtype
    (torch's promotion: ``int64`` with ``float32`` is ``float32``), two integers float32."""
    fa, fb = (xp.isdtype(v.dtype, "real floating") for v in (a, b))
    if fa and fb:
        dt = xp.result_type(a.dtype, b.dtype)
    else:
        dt = a.dtype if fa else b.dtype if fb else xp.float32
    return (a if a.dtype == dt else xp.astype(a, dt)), (b if b.dtype == dt else xp.astype(b, dt))


def as_float(xp, x):
    return x if xp.isdtype(x.dtype, "real floating") else xp.astype(x, xp.float32)


def const(xp, values, like):
    """A constant array of Python numbers on ``like``'s float dtype and device."""
    return xp.asarray(values, dtype=float_dtype(xp, like), device=like.device)


def check_size(value, name: str) -> int:
    """A positive Python integer image size."""
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{name}: expected a positive integer, got {value!r}")
    return value


def broadcast_batch(a, b, name_a: str, name_b: str) -> None:
    """The leading (batch) axes of two ``(*, r, c)`` stacks must broadcast."""
    sa, sb = shape_of(a)[:-2], shape_of(b)[:-2]
    for u, v in zip(sa[::-1], sb[::-1], strict=False):
        if u != v and u != 1 and v != 1:
            raise ValueError(
                f"{name_b}: expected a batch shape broadcastable with {name_a}'s {sa}, got {sb}"
            )
