"""Edge-preserving smoothing by local linear models: ``guided_blur`` (He et al. 2010, 2015).

In every ``kernel_size`` window the output is a linear function of the guidance,
``q = a^T I + b``, fitted to the input by ridge regression with ``eps``; the window means
are :func:`box_blur`'s (same borders, even sizes anchored at ``(k - 1) // 2``). A
multichannel guidance solves a ``C_g x C_g`` system per pixel. ``subsample > 1`` is the fast
guided filter: the statistics run on a nearest-neighbour subsampled image and the
coefficient maps are upsampled back bilinearly (``align_corners=False``). Facts from Kornia 0.9.
"""

from __future__ import annotations

import math
from numbers import Integral
from typing import Any

from portvision._array import to_float
from portvision._checks import (
    check_array_values,
    check_border,
    check_kernel_size,
    check_rank,
    shape_of,
)
from portvision._dispatch import dispatch
from portvision._registry import register_op

__all__ = ["guided_blur"]


def _box(eng, x, ksize, border):
    """Window mean of every channel, as two 1-D passes whatever ``separable`` says: the same
    numbers as the 2-D box up to rounding, and several times faster on every engine."""
    xp = eng.xp
    kernels = tuple(xp.full((1, k), 1.0 / k, dtype=x.dtype, device=x.device) for k in ksize)
    return eng.correlate_separable(x, kernels, border)


def _subsample_index(size: int, s: int) -> list[int]:
    """Pixels kept along an axis: ``max(size // s, 1)`` of them, nearest to where the bilinear
    upsample puts them back (every ``s``-th one when ``s`` divides ``size``); Kornia's rule."""
    rows = max(size // s, 1)
    return [
        min(max(((2 * i + 1) * size + rows * (1 - s)) // (2 * rows), 0), size - 1)
        for i in range(rows)
    ]


def _upsample_axis(xp, x, axis: int, out: int):
    """Bilinear resize of one axis to ``out`` samples, ``align_corners=False`` (torch's rule)."""
    n = x.shape[axis]
    if n == out:
        return x
    scale = n / out
    src = [max((i + 0.5) * scale - 0.5, 0.0) for i in range(out)]
    i0 = [min(int(math.floor(v)), n - 1) for v in src]
    i1 = [min(i + 1, n - 1) for i in i0]
    lam = [v - i for v, i in zip(src, i0, strict=True)]
    shape = [1] * x.ndim
    shape[axis] = out
    dev = x.device
    w1 = xp.reshape(xp.asarray(lam, dtype=x.dtype, device=dev), tuple(shape))
    a = xp.take(x, xp.asarray(i0, device=dev), axis=axis)
    b = xp.take(x, xp.asarray(i1, device=dev), axis=axis)
    return a + w1 * (b - a)


def _upsample(xp, x, size):
    return _upsample_axis(xp, _upsample_axis(xp, x, x.ndim - 2, size[0]), x.ndim - 1, size[1])


def _gray(eng, g, p, ksize, eps, box, same):
    """One guidance channel: ``a = cov(I, p) / (var(I) + eps)`` per input channel."""
    mean_i = box(g)
    var_i = box(g * g) - mean_i * mean_i
    if same:
        mean_p, cov = mean_i, var_i
    else:
        mean_p = box(p)
        cov = box(g * p) - mean_i * mean_p
    a = cov / (var_i + eps)
    b = mean_p - a * mean_i
    return box(a), box(b)


def _color(eng, g, p, ksize, eps, box, same):
    """``C`` guidance channels: solve ``(Sigma_I + eps Id) a = cov(I, p)`` per pixel."""
    xp = eng.xp
    bsz, c, h, w = g.shape
    ci = p.shape[1]
    mean_i = box(g)  # (B, C, h, w)
    gg = xp.reshape(g[:, :, None, ...] * g[:, None, ...], (bsz, c * c, h, w))
    var_i = xp.reshape(box(gg), (bsz, c, c, h, w)) - mean_i[:, :, None, ...] * mean_i[:, None, ...]
    if same:
        mean_p, cov = mean_i, var_i
    else:
        mean_p = box(p)
        gp = xp.reshape(g[:, :, None, ...] * p[:, None, ...], (bsz, c * ci, h, w))
        cov = (
            xp.reshape(box(gp), (bsz, c, ci, h, w)) - mean_i[:, :, None, ...] * mean_p[:, None, ...]
        )
    eye = xp.reshape(xp.eye(c, dtype=g.dtype, device=g.device), (1, c, c, 1, 1))
    lhs = var_i + (eps[..., None] if not isinstance(eps, float) else eps) * eye
    a = _solve(xp, lhs, cov)  # (B, C, Ci, h, w)
    b = mean_p - xp.sum(a * mean_i[:, :, None, ...], axis=1)  # (B, Ci, h, w)
    mean_a = xp.reshape(box(xp.reshape(a, (bsz, c * ci, h, w))), (bsz, c, ci, h, w))
    return mean_a, box(b)


def _solve(xp, m, rhs):
    """``m^-1 rhs`` per pixel, ``m (B, C, C, h, w)``, ``rhs (B, C, Ci, h, w)``.

    Two or three guidance channels (the usual cases) use the adjugate, element-wise over the
    pixels: about 6x faster than a batched LU of tiny matrices on NumPy, 1.6x on torch (RGB,
    8 x 256 x 256). More channels go to ``linalg.solve``.
    """
    c = m.shape[1]
    if c > 3:
        order = (0, 3, 4, 1, 2)
        out = xp.linalg.solve(xp.permute_dims(m, order), xp.permute_dims(rhs, order))
        return xp.permute_dims(out, (0, 3, 4, 1, 2))
    e = [[m[:, i, j, ...] for j in range(c)] for i in range(c)]
    if c == 2:
        det = e[0][0] * e[1][1] - e[0][1] * e[1][0]
        adj = [[e[1][1], -e[0][1]], [-e[1][0], e[0][0]]]
    else:
        cof = [[None] * 3 for _ in range(3)]
        for i in range(3):
            for j in range(3):
                r, q = [k for k in range(3) if k != i], [k for k in range(3) if k != j]
                minor = e[r[0]][q[0]] * e[r[1]][q[1]] - e[r[0]][q[1]] * e[r[1]][q[0]]
                cof[i][j] = minor if (i + j) % 2 == 0 else -minor
        det = e[0][0] * cof[0][0] + e[0][1] * cof[0][1] + e[0][2] * cof[0][2]
        adj = [[cof[j][i] for j in range(3)] for i in range(3)]  # transpose of the cofactors
    rows = [sum(adj[i][j][:, None, ...] * rhs[:, j, ...] for j in range(c)) for i in range(c)]
    return xp.stack(rows, axis=1) / det[:, None, None, ...]


def _eps(eng, eps, g):
    """A number >= 0, or an array ``()`` / ``(1,)`` / ``(B,)`` as ``(1|B, 1, 1, 1)``."""
    if isinstance(eps, (int, float)) and not isinstance(eps, bool):
        if not (math.isfinite(eps) and eps >= 0):
            raise ValueError(f"eps: expected a non-negative finite value, got {eps!r}")
        return float(eps)
    if isinstance(eps, (bool, tuple, list, str)) or eps is None:
        raise TypeError(f"eps: expected a number or an array of shape (B,), got {eps!r}")
    if eps.ndim > 1 or (eps.ndim == 1 and eps.shape[0] not in (1, g.shape[0])):
        raise ValueError(
            f"eps: expected shape (), (1,) or ({int(g.shape[0])},) (the batch), got {shape_of(eps)}"
        )
    check_array_values(eng, eps, "eps", allow_zero=True)
    xp = eng.xp
    e = eps if eps.dtype == g.dtype else xp.astype(eps, g.dtype)
    return xp.reshape(e, (-1, 1, 1, 1))


def _check_subsample(subsample) -> int:
    if isinstance(subsample, bool) or not isinstance(subsample, Integral) or subsample < 1:
        raise ValueError(f"subsample: expected a positive integer, got {subsample!r}")
    return int(subsample)


@register_op(integer_input=True)
def guided_blur(
    guidance: Any,
    input: Any,
    kernel_size: Any,
    eps: Any,
    border_type: str = "reflect",
    subsample: int = 1,
    separable: bool = False,
) -> Any:
    """Guided filter: smooth ``input`` with local linear models of ``guidance``.

    Args:
        guidance: ``(B, C_g, H, W)`` or ``(C_g, H, W)``; grayscale (``C_g = 1``) or multichannel.
        input: ``(B, C_i, H, W)`` (same rank, batch and ``(H, W)`` as ``guidance``); may be the
            guidance itself. Integer images compute in float32.
        kernel_size: the whole window ``(kH, kW)`` or an int (``2 r + 1`` for radius ``r``); any
            positive size.
        eps: regularisation added to the guidance variance (squared guidance units), >= 0: a
            number or an array ``()`` / ``(1,)`` / ``(B,)``, cast to the compute dtype.
        border_type: ``"constant" | "reflect" | "replicate" | "circular"``.
        subsample: positive integer; > 1 runs the fast guided filter on
            ``max(H // subsample, 1) x max(W // subsample, 1)`` nearest samples, with windows
            ``(k - 1) // subsample + 1``, and upsamples the coefficients bilinearly.
        separable: accepted for Kornia parity; the window means always run as two 1-D passes,
            which equal the 2-D box up to rounding.

    Returns:
        ``(B, C_i, H, W)`` (or ``(C_i, H, W)``) in the promoted float dtype of the two images.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.random.default_rng(0).random((1, 3, 6, 6)).astype(np.float32)
        >>> out = pv.filters.guided_blur(img, img, 3, 0.1)
        >>> out.shape, out.dtype
        ((1, 3, 6, 6), dtype('float32'))
    """
    same = input is guidance
    eng, (guidance, input, eps) = dispatch(("guidance", "input", "eps"), guidance, input, eps)
    check_rank(guidance, "guidance", (3, 4), "(B, C, H, W) or (C, H, W)")
    check_rank(
        input, "input", (guidance.ndim,), "(B, C, H, W)" if guidance.ndim == 4 else "(C, H, W)"
    )
    batch_differs = guidance.ndim == 4 and input.shape[0] != guidance.shape[0]
    if batch_differs or input.shape[-2:] != guidance.shape[-2:]:
        raise ValueError(
            f"input: expected the guidance's batch size and (H, W) {shape_of(guidance)}, "
            f"got {shape_of(input)}"
        )
    ksize = check_kernel_size(kernel_size, 2, odd=False)
    border = check_border(border_type)
    s = _check_subsample(subsample)
    xp = eng.xp
    g, p = to_float(xp, guidance), to_float(xp, input)
    dt = xp.result_type(g.dtype, p.dtype)
    g = g if g.dtype == dt else xp.astype(g, dt)
    p = g if same else (p if p.dtype == dt else xp.astype(p, dt))
    added = g.ndim == 3
    if added:
        g, p = g[None, ...], p[None, ...]
    e = _eps(eng, eps, g)
    out = _guided(eng, g, p, ksize, e, border, s, separable, same)
    return out[0, ...] if added else out


def _guided(eng, g, p, ksize, eps, border, s, separable, same):
    xp = eng.xp
    h, w = g.shape[-2], g.shape[-1]
    gs, ps = g, p
    if s > 1:
        rows = xp.asarray(_subsample_index(h, s), device=g.device)
        cols = xp.asarray(_subsample_index(w, s), device=g.device)
        gs = xp.take(xp.take(g, rows, axis=2), cols, axis=3)
        ps = gs if same else xp.take(xp.take(p, rows, axis=2), cols, axis=3)
        ksize = tuple((k - 1) // s + 1 for k in ksize)

    def box(a):
        return _box(eng, a, ksize, border)

    solver = _gray if g.shape[1] == 1 else _color
    mean_a, mean_b = solver(eng, gs, ps, ksize, eps, box, same)
    if s > 1:
        mean_a, mean_b = _upsample(xp, mean_a, (h, w)), _upsample(xp, mean_b, (h, w))
    if g.shape[1] == 1:
        return mean_a * g + mean_b
    return mean_b + xp.sum(mean_a * g[:, :, None, ...], axis=1)
