"""Sub-voxel refinement of 3D scale-space maxima by quadratic interpolation:
``conv_quad_interp3d``, ``iterative_quad_interp3d`` and the object form ``ConvQuadInterp3d``.

At a voxel the 3x3x3 neighbourhood gives the gradient ``g`` and Hessian ``H`` by central
differences; the shift ``s`` solves ``H s = -g`` (Cramer's rule on a power-of-two rescaled
system, singular when ``|det| <= 1e-7 m^3``).  A shift above ``max_subpixel_shift`` moves the
integer centre one step and the solve is repeated, up to ``n_iters`` times.

Vectorised over all maxima at once: the candidates are compacted with ``nonzero`` (a
data-dependent shape, as in Kornia), every iteration gathers (``take``) the 3x3x3 neighbourhoods
of the current centres and solves there, and the results are gathered back into the dense
volume through a cumulative-sum slot index (no in-place scatter).
"""

from __future__ import annotations

from portvision._checks import check_bool, dtype_name, shape_of
from portvision._dispatch import dispatch, dispatch1
from portvision._registry import register_op
from portvision.geometry.subpix._common import Array, float_input
from portvision.geometry.subpix.conv_soft import _warn_bonus
from portvision.geometry.subpix.nms_ops import _box_max, _nms

__all__ = [
    "ConvQuadInterp3d",
    "IterativeQuadInterp3d",
    "conv_quad_interp3d",
    "iterative_quad_interp3d",
]


def _derivatives(at):
    """Central differences from ``at(dd, dh, dw)`` (the neighbour at that offset): gradient
    ``(x, y, s)`` and Hessian entries (s = depth, y = rows, x = columns)."""
    c = at(0, 0, 0)
    gx = 0.5 * (at(0, 0, 1) - at(0, 0, -1))
    gy = 0.5 * (at(0, 1, 0) - at(0, -1, 0))
    gs = 0.5 * (at(1, 0, 0) - at(-1, 0, 0))
    dxx = at(0, 0, 1) - 2.0 * c + at(0, 0, -1)
    dyy = at(0, 1, 0) - 2.0 * c + at(0, -1, 0)
    dss = at(1, 0, 0) - 2.0 * c + at(-1, 0, 0)
    dxy = 0.25 * (at(0, 1, 1) - at(0, 1, -1) - at(0, -1, 1) + at(0, -1, -1))
    dxs = 0.25 * (at(1, 0, 1) - at(1, 0, -1) - at(-1, 0, 1) + at(-1, 0, -1))
    dys = 0.25 * (at(1, 1, 0) - at(1, -1, 0) - at(-1, 1, 0) + at(-1, -1, 0))
    return gx, gy, gs, dxx, dyy, dss, dxy, dxs, dys


def _exponent(eng, entries):
    """``floor(log2(max |entry|))`` (no gradient); ``-inf`` where that is 0 or not finite."""
    xp = eng.xp
    mag = xp.abs(entries[0])
    for t in entries[1:]:
        mag = xp.maximum(mag, xp.abs(t))
    mag = eng.stop_gradient(mag)
    usable = xp.isfinite(mag) & (mag > 0)
    e = xp.floor(xp.log2(xp.where(usable, mag, xp.ones_like(mag))))
    return xp.where(usable, e, xp.full_like(e, -float("inf")))


def _unit_hessian(eng, hess, rhs):
    """Scale ``H`` and the right-hand side by the power of two bringing ``max |H|`` to about 1
    (capped so the right-hand side stays below ``2**64``): Cramer's shifts are unchanged,
    and determinants of tiny Hessians (flat float32 images) no longer underflow."""
    xp = eng.xp
    limit = -float(xp.log2(xp.asarray(xp.finfo(hess[0].dtype).smallest_normal)))
    eh = _exponent(eng, hess)
    eh = xp.where(xp.isfinite(eh), eh, xp.zeros_like(eh))
    er = xp.clip(_exponent(eng, rhs) - 63.0, max=0.0)
    e = xp.clip(xp.maximum(eh, er), min=-limit, max=limit)
    factor = 2.0 ** (-e)
    return [t * factor for t in hess], [t * factor for t in rhs]


def solve_sym3x3(eng, hess, rhs, eps: float = 1e-7):
    """Cramer's rule for ``[[xx, xy, xs], [xy, yy, ys], [xs, ys, ss]] s = r``.

    Returns ``(sx, sy, ss, solved)``; unsolved systems (``|det| <= eps m^3``) give 0.
    """
    xp = eng.xp
    (dxx, dyy, dss, dxy, dxs, dys), (r0, r1, r2) = _unit_hessian(eng, hess, rhs)
    cf00 = dyy * dss - dys * dys
    cf01 = dxy * dss - dys * dxs
    cf02 = dxy * dys - dyy * dxs
    det = dxx * cf00 - dxy * cf01 + dxs * cf02
    m = xp.abs(dxx)
    for t in (dyy, dss, dxy, dxs, dys):
        m = xp.maximum(m, xp.abs(t))
    solved = xp.abs(det) > eps * m * m * m
    safe = xp.where(solved, det, xp.ones_like(det))
    sx = (r0 * cf00 - dxy * (r1 * dss - dys * r2) + dxs * (r1 * dys - dyy * r2)) / safe
    sy = (dxx * (r1 * dss - dys * r2) - r0 * cf01 + dxs * (dxy * r2 - r1 * dxs)) / safe
    ss = (dxx * (dyy * r2 - r1 * dys) - dxy * (dxy * r2 - r1 * dxs) + r0 * cf02) / safe
    zero = xp.zeros_like(det)
    return (
        xp.where(solved, sx, zero),
        xp.where(solved, sy, zero),
        xp.where(solved, ss, zero),
        solved,
    )


def _grid_coords(xp, shape, like):
    """``(B, C, 3, D, H, W)`` grid coordinates ``(d, x, y)``."""
    B, C, D, H, W = shape
    d = xp.reshape(xp.arange(D, dtype=like.dtype, device=like.device), (D, 1, 1))
    h = xp.reshape(xp.arange(H, dtype=like.dtype, device=like.device), (1, H, 1))
    w = xp.reshape(xp.arange(W, dtype=like.dtype, device=like.device), (1, 1, W))
    full = (B, C, D, H, W)
    return xp.stack(
        [xp.broadcast_to(d, full), xp.broadcast_to(w, full), xp.broadcast_to(h, full)], axis=2
    )


def _flat(xp, a):
    return xp.reshape(a, (-1,))


def refine(eng, x, mask, n_iters, max_shift, allow_scale, reach=None):
    """The shared iteration over the voxels of ``mask``; ``reach`` (bool, volume-shaped)
    limits where a centre may go (``conv_quad_interp3d``'s precomputed neighbourhood).

    The candidates are compacted (``nonzero``) so the iteration costs ``O(maxima)``; each
    iteration gathers the 3x3x3 neighbourhood of every current centre and solves there.
    """
    xp = eng.xp
    B, C, D, H, W = (int(v) for v in x.shape)
    grid = _grid_coords(xp, (B, C, D, H, W), x)
    if D < 3 or H < 3 or W < 3:
        return grid, x + 0.0  # a new array: outputs never alias the input
    flat_x, flat_m = _flat(xp, x), _flat(xp, mask)
    (sel,) = xp.nonzero(flat_m)
    m = int(sel.shape[0])
    if m == 0:
        return grid, x + 0.0
    sel = xp.astype(sel, xp.int64)
    bc, rem = sel // (D * H * W), sel % (D * H * W)
    d0, h0, w0 = rem // (H * W), (rem % (H * W)) // W, rem % W
    d_cur, h_cur, w_cur = d0, h0, w0
    valid = xp.ones((m,), dtype=xp.bool, device=x.device)
    moved = xp.zeros((m,), dtype=xp.bool, device=x.device)
    zero = xp.zeros((m,), dtype=x.dtype, device=x.device)
    shift_x, shift_y, shift_s, gds_acc = zero, zero, zero, zero
    reach_flat = None if reach is None else _flat(xp, reach)

    def step(cur, s, size, valid, moved):
        up, down = valid & (s > max_shift), valid & (s < -max_shift)
        new = cur + xp.astype(up, xp.int64) - xp.astype(down, xp.int64)
        valid = valid & (new >= 1) & (new <= size - 2)
        return xp.clip(new, min=0, max=size - 1), valid, moved | up | down

    for _ in range(n_iters):
        di = xp.clip(d_cur, min=1, max=D - 2)
        hi = xp.clip(h_cur, min=1, max=H - 2)
        wi = xp.clip(w_cur, min=1, max=W - 2)
        centre = ((bc * D + di) * H + hi) * W + wi

        def at(dd, dh, dw, centre=centre):
            return xp.take(flat_x, centre + (dd * H * W + dh * W + dw))

        gx, gy, gs, *hess = _derivatives(at)
        sx, sy, ss, sol = solve_sym3x3(eng, hess, [-gx, -gy, -gs])
        if reach_flat is not None:
            sol = sol & xp.take(reach_flat, centre)
        valid = valid & sol
        vf = xp.astype(valid, x.dtype)
        sx, sy, ss = sx * vf, sy * vf, ss * vf
        shift_x = xp.where(valid, sx, shift_x)
        shift_y = xp.where(valid, sy, shift_y)
        shift_s = xp.where(valid, ss, shift_s)
        gds_acc = xp.where(valid, gx * sx + gy * sy + gs * ss, gds_acc)
        w_cur, valid, moved = step(w_cur, sx, W, valid, xp.zeros_like(moved))
        h_cur, valid, moved = step(h_cur, sy, H, valid, moved)
        if allow_scale:
            d_cur, valid, moved = step(d_cur, ss, D, valid, moved)
    ok = valid & ~moved
    for s in (shift_x, shift_y, shift_s):
        ok = ok & (xp.abs(s) <= 1.5)
    fd, fh, fw = (xp.astype(t, x.dtype) for t in (d_cur, h_cur, w_cur))
    at_cur = xp.take(flat_x, ((bc * D + d_cur) * H + h_cur) * W + w_cur)
    # back to the dense volume: each candidate voxel reads its compacted slot
    slot = xp.clip(xp.cumulative_sum(xp.astype(flat_m, xp.int64)) - 1, min=0, max=m - 1)
    dense_ok = flat_m & xp.take(ok, slot)

    def dense(values, default):
        return xp.where(dense_ok, xp.take(values, slot), default)

    g = [_flat(xp, grid[:, :, k, ...]) for k in range(3)]
    coords = xp.stack(
        [dense(fd + shift_s, g[0]), dense(fw + shift_x, g[1]), dense(fh + shift_y, g[2])],
        axis=0,
    )
    coords = xp.permute_dims(xp.reshape(coords, (3, B, C, D, H, W)), (1, 2, 0, 3, 4, 5))
    y = dense(at_cur + 0.5 * gds_acc, flat_x)
    return coords, xp.reshape(y, (B, C, D, H, W))


def _inputs(input, precomputed_nms_mask, n_iters, max_subpixel_shift, allow_scale_steps):
    if precomputed_nms_mask is not None:
        names = ("input", "precomputed_nms_mask")
        eng, (input, precomputed_nms_mask) = dispatch(names, input, precomputed_nms_mask)
        dispatch1("precomputed_nms_mask", precomputed_nms_mask)
    eng, x, _ = float_input("input", input, 5, "(B, C, D, H, W)")
    xp = eng.xp
    if not isinstance(n_iters, int) or isinstance(n_iters, bool) or n_iters < 0:
        raise ValueError(f"n_iters: expected a non-negative integer, got {n_iters!r}")
    ok = isinstance(max_subpixel_shift, (int, float)) and not isinstance(max_subpixel_shift, bool)
    if not ok or not max_subpixel_shift >= 0:
        raise ValueError(
            f"max_subpixel_shift: expected a non-negative number, got {max_subpixel_shift!r}"
        )
    check_bool(allow_scale_steps, "allow_scale_steps")
    if precomputed_nms_mask is None:
        mask = _nms(eng, x, (3, 3, 3), True) if min(x.shape[-3:]) >= 3 else None
    else:
        mask = precomputed_nms_mask
        if tuple(mask.shape) != tuple(x.shape) or mask.dtype != xp.bool:
            raise ValueError(
                f"precomputed_nms_mask: expected a bool array of shape {shape_of(x)}, "
                f"got {dtype_name(mask.dtype)} of shape {shape_of(mask)}"
            )
    return eng, x, mask


@register_op()
def conv_quad_interp3d(
    input: Array,
    n_iters: int = 5,
    strict_maxima_bonus: float | None = None,
    max_subpixel_shift: float = 0.6,
    precomputed_nms_mask: Array | None = None,
    dilation_radius: int = 1,
    allow_scale_steps: bool = True,
) -> tuple[Array, Array]:
    """Refine the 3x3x3 NMS maxima of a scale-space volume to sub-voxel precision.

    A maximum is left unrefined (grid coordinates, input value) when its Hessian is
    singular, when a move would reach the border voxels, when its centre would leave the
    ``dilation_radius`` (L-inf) neighbourhood of the NMS maxima, when a final shift exceeds 1.5
    voxels, or when it still moves on the last iteration.  A volume with a side below 3 is
    returned unrefined.

    Args:
        input: ``(B, C, D, H, W)`` responses.
        n_iters: maximum iterations per maximum.
        strict_maxima_bonus: deprecated and ignored (a non-None value warns).
        max_subpixel_shift: a shift above it moves the integer centre one step.
        precomputed_nms_mask: optional bool ``(B, C, D, H, W)`` mask of the maxima (default:
            ``nms3d(input, (3, 3, 3), True)``).
        dilation_radius: how far (in voxels) from a maximum a centre may move.
        allow_scale_steps: also move along the depth (scale) axis.

    Returns:
        ``(coords, values)``: ``(B, C, 3, D, H, W)`` coordinates ``(d, x, y)`` (refined at
        maxima, grid elsewhere) and ``(B, C, D, H, W)`` values (the quadratic fit's value at
        refined maxima, the input elsewhere).

    Example:
        >>> import numpy as np, portvision as pv
        >>> z, y, x = np.meshgrid(np.arange(5.0), np.arange(5.0), np.arange(5.0), indexing="ij")
        >>> v = -((z - 2.0) ** 2 + (y - 2.2) ** 2 + (x - 1.7) ** 2)[None, None]
        >>> coords, vals = pv.geometry.conv_quad_interp3d(v)
        >>> np.round(coords[0, 0, :, 2, 2, 2], 4), round(float(vals[0, 0, 2, 2, 2]), 4)
        (array([2. , 1.7, 2.2]), 0.0)
    """
    _warn_bonus(strict_maxima_bonus)
    eng, x, mask = _inputs(
        input, precomputed_nms_mask, n_iters, max_subpixel_shift, allow_scale_steps
    )
    r = dilation_radius
    if not isinstance(r, int) or isinstance(r, bool) or r < 0:
        raise ValueError(f"dilation_radius: expected a non-negative integer, got {r!r}")
    if mask is None:  # a side below 3: nothing to refine
        return refine(eng, x, None, n_iters, float(max_subpixel_shift), allow_scale_steps)
    xp = eng.xp
    m = xp.astype(mask, x.dtype)
    reach = _box_max(eng, eng.pad(m, ((r, r), (r, r), (r, r)), "constant", 0.0), (2 * r + 1,) * 3)
    return refine(
        eng, x, mask, n_iters, float(max_subpixel_shift), allow_scale_steps, reach=reach > 0
    )


def _top_candidates(eng, x, mask, k: int):
    """``mask`` restricted to the ``k`` largest responses of each ``(b, c)`` volume (ties:
    the first in memory order)."""
    xp = eng.xp
    B, C = int(x.shape[0]), int(x.shape[1])
    vals = xp.reshape(xp.where(mask, x, xp.full_like(x, -float("inf"))), (B * C, -1))
    vals = eng.stop_gradient(vals)
    order = xp.argsort(vals, axis=-1, descending=True, stable=True)
    rank = xp.argsort(order, axis=-1, stable=True)
    return mask & xp.reshape(rank < k, tuple(mask.shape))


@register_op()
def iterative_quad_interp3d(
    input: Array,
    n_iters: int = 5,
    strict_maxima_bonus: float | None = None,
    max_subpixel_shift: float = 0.6,
    allow_scale_steps: bool = True,
    precomputed_nms_mask: Array | None = None,
    max_candidates: int | None = None,
) -> tuple[Array, Array]:
    """:func:`conv_quad_interp3d` without the ``dilation_radius`` limit: every iteration
    solves at the current centre wherever it went.

    Args:
        input: ``(B, C, D, H, W)`` responses.
        n_iters: maximum iterations per maximum.
        strict_maxima_bonus: deprecated and ignored.
        max_subpixel_shift: a shift above it moves the integer centre one step.
        allow_scale_steps: also move along the depth (scale) axis.
        precomputed_nms_mask: optional bool ``(B, C, D, H, W)`` mask of the maxima.
        max_candidates: refine only the ``max_candidates`` strongest maxima of each
            ``(b, c)`` volume (ranked by the input value); ``None`` refines all.

    Returns:
        ``(coords, values)`` as :func:`conv_quad_interp3d`.

    Example:
        >>> import numpy as np, portvision as pv
        >>> coords, vals = pv.geometry.iterative_quad_interp3d(np.zeros((2, 3, 3, 8, 8)))
        >>> coords.shape, vals.shape
        ((2, 3, 3, 3, 8, 8), (2, 3, 3, 8, 8))
    """
    _warn_bonus(strict_maxima_bonus)
    eng, x, mask = _inputs(
        input, precomputed_nms_mask, n_iters, max_subpixel_shift, allow_scale_steps
    )
    if max_candidates is not None and (
        not isinstance(max_candidates, int)
        or isinstance(max_candidates, bool)
        or max_candidates < 0
    ):
        raise ValueError(
            f"max_candidates: expected None or a non-negative integer, got {max_candidates!r}"
        )
    if mask is not None and max_candidates is not None:
        mask = _top_candidates(eng, x, mask, max_candidates)
    return refine(eng, x, mask, n_iters, float(max_subpixel_shift), allow_scale_steps)


class ConvQuadInterp3d:
    """Object form of :func:`conv_quad_interp3d` (a plain callable, not a torch module).

    Example:
        >>> import numpy as np, portvision as pv
        >>> op = pv.geometry.ConvQuadInterp3d(n_iters=3)
        >>> coords, vals = op(np.zeros((1, 1, 3, 5, 5), dtype=np.float32))
        >>> coords.shape
        (1, 1, 3, 3, 5, 5)
    """

    def __init__(
        self,
        n_iters: int = 5,
        strict_maxima_bonus: float | None = None,
        max_subpixel_shift: float = 0.6,
        dilation_radius: int = 1,
        allow_scale_steps: bool = True,
    ) -> None:
        _warn_bonus(strict_maxima_bonus)
        self.n_iters = n_iters
        self.max_subpixel_shift = max_subpixel_shift
        self.dilation_radius = dilation_radius
        self.allow_scale_steps = allow_scale_steps

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(n_iters={self.n_iters}, "
            f"max_subpixel_shift={self.max_subpixel_shift}, "
            f"dilation_radius={self.dilation_radius}, "
            f"allow_scale_steps={self.allow_scale_steps})"
        )

    def __call__(self, x: Array, precomputed_nms_mask: Array | None = None) -> tuple[Array, Array]:
        return conv_quad_interp3d(
            x,
            self.n_iters,
            max_subpixel_shift=self.max_subpixel_shift,
            precomputed_nms_mask=precomputed_nms_mask,
            dilation_radius=self.dilation_radius,
            allow_scale_steps=self.allow_scale_steps,
        )


class IterativeQuadInterp3d:
    """Object form of :func:`iterative_quad_interp3d` (a plain callable, not a torch module).

    Example:
        >>> import numpy as np, portvision as pv
        >>> op = pv.geometry.IterativeQuadInterp3d(max_candidates=10)
        >>> coords, vals = op(np.zeros((1, 1, 3, 5, 5), dtype=np.float32))
        >>> vals.shape
        (1, 1, 3, 5, 5)
    """

    def __init__(
        self,
        n_iters: int = 5,
        strict_maxima_bonus: float | None = None,
        max_subpixel_shift: float = 0.6,
        allow_scale_steps: bool = True,
        max_candidates: int | None = None,
    ) -> None:
        _warn_bonus(strict_maxima_bonus)
        self.n_iters = n_iters
        self.max_subpixel_shift = max_subpixel_shift
        self.allow_scale_steps = allow_scale_steps
        self.max_candidates = max_candidates

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(n_iters={self.n_iters}, "
            f"max_subpixel_shift={self.max_subpixel_shift}, "
            f"allow_scale_steps={self.allow_scale_steps}, "
            f"max_candidates={self.max_candidates})"
        )

    def __call__(self, x: Array, precomputed_nms_mask: Array | None = None) -> tuple[Array, Array]:
        return iterative_quad_interp3d(
            x,
            self.n_iters,
            max_subpixel_shift=self.max_subpixel_shift,
            allow_scale_steps=self.allow_scale_steps,
            precomputed_nms_mask=precomputed_nms_mask,
            max_candidates=self.max_candidates,
        )
