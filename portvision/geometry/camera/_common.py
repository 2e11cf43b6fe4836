"""Shared checks and small formulas of the camera modules (pure array API)."""

from __future__ import annotations

from portvision._array import to_float
from portvision._checks import shape_of


def check_points(x, name: str, d: int, min_ndim: int = 1) -> None:
    """``x`` must be ``(*, d)`` with at least ``min_ndim`` axes."""
    if x.ndim < min_ndim or x.shape[-1] != d:
        lead = "*, N" if min_ndim >= 2 else "*"
        raise ValueError(f"{name}: expected shape ({lead}, {d}), got {shape_of(x)}")


def check_params(points, params, n: int) -> None:
    """``params`` must be ``(*, n)`` with leading axes broadcastable against the points'."""
    if params.ndim < 1 or params.shape[-1] != n:
        raise ValueError(f"params: expected shape (*, {n}), got {shape_of(params)}")
    sp, sq = shape_of(points)[:-1], shape_of(params)[:-1]
    for u, v in zip(sp[::-1], sq[::-1], strict=False):
        if u != v and u != 1 and v != 1:
            raise ValueError(
                f"params: expected leading axes broadcastable with the points' {sp}, "
                f"got shape {shape_of(params)}"
            )


def float_pair(xp, a, b):
    """Both arrays in their common float dtype (integers count as float32)."""
    p, q = to_float(xp, a), to_float(xp, b)
    dt = xp.result_type(p.dtype, q.dtype)
    return (p if p.dtype == dt else xp.astype(p, dt)), (q if q.dtype == dt else xp.astype(q, dt))


def affine(xp, x, y, params):
    """``(fx x + cx, fy y + cy)`` stacked on a last axis; ``params = [fx, fy, cx, cy, ...]``."""
    u = params[..., 0] * x + params[..., 2]
    v = params[..., 1] * y + params[..., 3]
    return xp.stack([u, v], axis=-1)


def unit(xp, v):
    """``v / max(|v|, 1e-12)`` along the last axis (``F.normalize``).

    The squared norm is clipped before the root, so a zero vector has finite gradients.
    """
    norm = xp.sqrt(xp.clip(xp.sum(v * v, axis=-1, keepdims=True), min=1e-24))
    return v / norm
