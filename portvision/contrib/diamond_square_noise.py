"""Plasma-fractal noise by the diamond-square algorithm (Kornia's ``kornia.contrib.diamond_square``,
after tormentor's variant).

Randomness (DESIGN.md): every random number is drawn on the host, in float64, from a seeded
``numpy.random.Generator`` (or the user's ``random_fn``), in a fixed order (the seed grid, then
one full-size field per level), and only then cast to the requested dtype on the engine. The
same seed therefore gives the same map on every engine. This module is the one place in
``portvision.contrib`` that uses host NumPy, for those draws.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from portvision._dispatch import factory
from portvision._registry import register_op

Array = Any

_DIAMOND = ((0.25, 0.0, 0.25), (0.0, 0.0, 0.0), (0.25, 0.0, 0.25))
_SQUARE = ((0.0, 0.25, 0.0), (0.25, 0.0, 0.25), (0.0, 0.25, 0.0))


def _seed_grid(draw, n: int, k: int) -> np.ndarray:
    """The ``(n, 1, 3, k)`` starting grid: random cell corners, every other node a mean."""
    res = np.zeros((n, 1, 3, k))
    corners = draw((n, 1, 2, (k + 1) // 2))
    res[..., 0, ::2], res[..., 2, ::2] = corners[..., 0, :], corners[..., 1, :]
    top, bottom = res[..., 0, :], res[..., 2, :]
    # diamond: a cell centre is the mean of its four corners
    res[..., 1, 1::2] = (
        top[..., :-2:2] + top[..., 2::2] + bottom[..., :-2:2] + bottom[..., 2::2]
    ) / 4
    # square: a border node averages its three neighbours, an inner one its four
    res[..., 0, 1::2] = (top[..., :-2:2] + top[..., 2::2] + res[..., 1, 1::2]) / 3
    res[..., 2, 1::2] = (bottom[..., :-2:2] + bottom[..., 2::2] + res[..., 1, 1::2]) / 3
    res[..., 1, 0] = (top[..., 0] + bottom[..., 0] + res[..., 1, 1]) / 3
    res[..., 1, -1] = (top[..., -1] + bottom[..., -1] + res[..., 1, -2]) / 3
    if k > 3:
        mid = res[..., 1, :]
        res[..., 1, 2:-1:2] = (
            top[..., 2:-1:2] + bottom[..., 2:-1:2] + mid[..., 1:-2:2] + mid[..., 3::2]
        ) / 4
    return res


def _interleave(xp, a, axis):
    """Insert a zero between neighbours along ``axis`` (length n -> 2n - 1)."""
    n = a.shape[axis]
    z = xp.stack([a, xp.zeros_like(a)], axis=axis + 1)
    shape = list(a.shape)
    shape[axis] = 2 * n
    z = xp.reshape(z, tuple(shape))
    return z[(slice(None),) * axis + (slice(0, 2 * n - 1), Ellipsis)]


def _level(eng, img, scale, noise, diamond, square):
    """One diamond step and one square step: ``(N, 1, h, w)`` -> ``(N, 1, 2h - 1, 2w - 1)``."""
    xp = eng.xp
    new = _interleave(xp, _interleave(xp, img, 2), 3)
    h, w = int(new.shape[2]), int(new.shape[3])
    dev, dt = new.device, new.dtype
    rows = xp.reshape(xp.arange(h, device=dev) % 2, (h, 1))
    cols = xp.reshape(xp.arange(w, device=dev) % 2, (1, w))
    diamond_c = xp.astype((rows == 1) & (cols == 1), dt)
    square_c = xp.astype((rows + cols) == 1, dt)
    r_in = (xp.arange(h, device=dev) > 0) & (xp.arange(h, device=dev) < h - 1)
    c_in = (xp.arange(w, device=dev) > 0) & (xp.arange(w, device=dev) < w - 1)
    inner = xp.reshape(r_in, (h, 1)) & xp.reshape(c_in, (1, w))
    # a border node of the square step has 3 neighbours: zero padding, then x 4/3
    comp = xp.where(
        inner, xp.ones((), dtype=dt, device=dev), xp.full((), 1.0 / 0.75, dtype=dt, device=dev)
    )
    rand = noise * scale
    new = new + (1 - scale) * eng.correlate(new, diamond, "reflect") * diamond_c + diamond_c * rand
    sq = eng.correlate(new, square, "constant") * comp
    return new + square_c * rand + (1 - scale) * square_c * sq


def _per_sample(value, name, b, c):
    """A float or a length-``b`` sequence -> host float64 ``(b * c, 1, 1, 1)``."""
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return np.full((b * c, 1, 1, 1), float(arr))
    if arr.ndim != 1 or arr.shape[0] != b:
        raise ValueError(
            f"{name}: expected a float or {b} values (one per sample), got shape {arr.shape}"
        )
    return np.repeat(arr, c).reshape(b * c, 1, 1, 1)


def _drawer(random_fn, generator):
    if random_fn is not None:
        if not callable(random_fn):
            raise TypeError(f"random_fn: expected a callable shape -> array, got {random_fn!r}")
        return lambda shape: np.asarray(random_fn(shape), dtype=np.float64).reshape(shape)
    if generator is None or isinstance(generator, (int, np.integer)):
        rng = np.random.default_rng(generator)
    elif isinstance(generator, np.random.Generator):
        rng = generator
    else:
        raise TypeError(
            f"generator: expected None, an int seed or a numpy Generator, got {generator!r}"
        )
    return rng.random


@register_op(differentiable=False, factory=True)
def diamond_square(
    output_size: tuple[int, int, int, int],
    roughness: float | Any = 0.5,
    random_scale: float | Any = 1.0,
    random_fn: Callable | None = None,
    normalize_range: tuple[float, float] | None = None,
    device: Any = None,
    dtype: Any = None,
    generator: int | np.random.Generator | None = None,
) -> Array:
    """Plasma-fractal maps ``(B, C, H, W)`` by diamond-square (Kornia 0.9's variant).

    The map grows on a ``2^n + 1`` grid from a ``3 x K`` (or ``K x 3``) seed grid whose cell
    corners are random and other nodes means of their neighbours; level ``k >= 1`` sets each
    new node to ``(1 - s_k) * mean(neighbours) + s_k * u`` with a uniform draw ``u`` and
    ``s_k = random_scale * roughness ** k``. The map is cropped to ``(H, W)`` at the top left.

    Args:
        output_size: ``(B, C, H, W)``.
        roughness: mixing decay per level, a float or ``B`` values.
        random_scale: the level-0 mixing weight, a float or ``B`` values.
        random_fn: optional ``shape -> array`` returning uniform [0, 1) host values (NumPy);
            Kornia's ``random_fn`` takes ``(shape, device=, dtype=)`` and a torch generator:
            here draws are host NumPy, see the module docstring.
        normalize_range: ``(min, max)``: min-max normalise every ``(b, c)`` plane to it
            (``(x - min) / (max - min + 1e-6)``, Kornia's ``normalize_min_max``).
        device: the engine device (inside ``use_backend``; NumPy otherwise).
        dtype: the output dtype (a name or the engine's dtype); default float32.
        generator: ``None`` (fresh entropy), an int seed or a ``numpy.random.Generator``: the
            same seed gives the same map on every engine (portvision's analogue of Kornia's
            torch generator).

    Returns:
        ``(B, C, H, W)`` map; in [0, 1] without ``normalize_range`` when ``roughness`` and
        ``random_scale`` are in [0, 1].

    Example:
        >>> import portvision as pv
        >>> m = pv.contrib.diamond_square((2, 1, 33, 20), generator=0)
        >>> m.shape, m.dtype.name, bool((m >= 0).all() and (m <= 1).all())
        ((2, 1, 33, 20), 'float32', True)
    """
    if not (
        isinstance(output_size, (tuple, list))
        and len(output_size) == 4
        and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in output_size)
    ):
        raise ValueError(
            f"output_size: expected 4 positive integers (B, C, H, W), got {output_size!r}"
        )
    if normalize_range is not None and not (
        isinstance(normalize_range, (tuple, list)) and len(normalize_range) == 2
    ):
        raise ValueError(f"normalize_range: expected (min, max) or None, got {normalize_range!r}")
    b, c, height, width = (int(v) for v in output_size)
    draw = _drawer(random_fn, generator)
    scale0 = _per_sample(random_scale, "random_scale", b, c)
    rough = _per_sample(roughness, "roughness", b, c)
    eng, ctx_device = factory()
    device = ctx_device if device is None else eng.resolve_device(device)
    dt = eng.dtype(dtype)
    xp = eng.xp

    host_dt = np.dtype(str(dt).rsplit(".", 1)[-1].strip("'>"))  # cast on the host (no_float64)

    def on_engine(a):
        return eng.from_numpy(np.ascontiguousarray(a, dtype=host_dt), device)

    p2_h = 2 ** math.ceil(math.log2(max(height, 3) - 1)) + 1
    p2_w = 2 ** math.ceil(math.log2(max(width, 3) - 1)) + 1
    depth = int(min(math.log2(p2_h - 1) - 1, math.log2(p2_w - 1) - 1))
    seed_h, seed_w = (p2_h - 1) // 2**depth + 1, (p2_w - 1) // 2**depth + 1
    n = b * c
    if seed_w == 3:  # a tall map: the 3 x K seed grid is laid out K x 3
        seed = np.swapaxes(_seed_grid(draw, n, seed_h), 2, 3)
    else:
        seed = _seed_grid(draw, n, seed_w)
    img = on_engine(seed)
    diamond = on_engine(np.asarray(_DIAMOND)[None])
    square = on_engine(np.asarray(_SQUARE)[None])
    scale = scale0
    for _ in range(depth):
        scale = scale * rough
        shape = (n, 1, 2 * int(img.shape[2]) - 1, 2 * int(img.shape[3]) - 1)
        img = _level(eng, img, on_engine(scale), on_engine(draw(shape)), diamond, square)
    img = xp.reshape(img[..., :height, :width], (b, c, height, width))
    if normalize_range is not None:
        lo, hi = float(normalize_range[0]), float(normalize_range[1])
        mn = xp.min(img, axis=(-2, -1), keepdims=True)
        mx = xp.max(img, axis=(-2, -1), keepdims=True)
        img = (hi - lo) * (img - mn) / (mx - mn + 1e-6) + lo
    return img


__all__ = ["diamond_square"]
