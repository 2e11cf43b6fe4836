"""Morphological reconstruction by dilation / erosion (Kornia 0.9's ``reconstruction``)."""

from __future__ import annotations

from typing import Any

from portvision._checks import check_choice, check_floating, check_rank, shape_of
from portvision._dispatch import dispatch, require_array
from portvision._registry import register_op

Array = Any


def _footprint(eng, kernel):
    """Host footprint of ``kernel`` (odd sizes) with its centre forced in, reflected."""
    if kernel is None:
        return ((True,) * 3,) * 3
    require_array("kernel", kernel)
    if kernel.ndim != 2 or any(int(s) % 2 == 0 for s in kernel.shape):
        raise ValueError(
            f"kernel: expected a 2-D shape (kH, kW) of odd sizes, got {shape_of(kernel)}"
        )
    mask = eng.to_numpy(kernel) != 0
    kh, kw = mask.shape
    rows = [
        [bool(mask[i, j]) or (i, j) == (kh // 2, kw // 2) for j in range(kw)] for i in range(kh)
    ]
    # Kornia's dilation reflects the element: correlate with the flipped footprint
    return tuple(tuple(r[::-1]) for r in rows[::-1])


def _check_count(value, name, minimum):
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        kind = "a non-negative" if minimum == 0 else "a positive"
        raise ValueError(f"{name}: expected {kind} integer, got {value!r}")


def _reconstruct_up(eng, seed, mask, footprint, num_iters, check_every):
    """Iterate ``min(dilate(out), mask)`` from ``min(seed, mask)``; every step only raises."""
    xp = eng.xp
    out = xp.minimum(seed, mask)

    def step(a):
        return xp.minimum(eng.grey_dilation(a, footprint, None, None, "geodesic", 0.0), mask)

    if num_iters is not None:
        for _ in range(num_iters):
            out = step(out)
        return out
    changed = True
    while changed:  # a host check every ``check_every`` steps (Kornia's convergence test)
        previous = out
        for _ in range(check_every):
            out = step(out)
        changed = bool(xp.any(out > previous))
    return out


@register_op()
def reconstruction(
    seed: Array,
    mask: Array,
    kernel: Array | None = None,
    method: str = "dilation",
    num_iters: int | None = None,
    check_every: int = 4,
    engine: str = "auto",
) -> Array:
    """Grey reconstruction of ``seed`` under ``mask`` (L. Vincent, IEEE TIP 1993), per channel.

    By dilation: repeat ``out = min(dilation(out, kernel), mask)`` from ``min(seed, mask)``
    until nothing changes (or ``num_iters`` times). By erosion: the dual,
    ``-reconstruction(-seed, -mask)``. The border is geodesic; the kernel's centre is always
    part of the element; as ``skimage.morphology.reconstruction``, except that a seed above
    the mask (below, for erosion) is clipped to it instead of raising (as Kornia 0.9).

    Args:
        seed: starting image ``(B, C, H, W)`` (or ``(C, H, W)``), real floating dtype.
        mask: bounding image, ``seed``'s shape.
        kernel: ``(kH, kW)`` membership mask of odd sizes (non-zero cells are taps); default a
            3 x 3 square. Read on the host.
        method: ``"dilation"`` or ``"erosion"``.
        num_iters: a fixed number of steps (no host check, so it traces and compiles), or None
            to iterate until convergence, checking (a host sync) every ``check_every`` steps.
        check_every: steps between convergence checks, >= 1.
        engine: ``"auto" | "unfold" | "shift"`` (accepted, no effect); ``"convolution"`` is
            rejected as in Kornia.

    Returns:
        The reconstruction, ``seed``'s shape, the promoted float dtype of ``seed`` and ``mask``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> mask = np.array([[[[0.0, 0.8, 0.8, 0.0, 0.5, 0.5]]]], dtype=np.float32)
        >>> seed = np.zeros_like(mask); seed[..., 1] = 0.8
        >>> pv.morphology.reconstruction(seed, mask)[0, 0]
        array([[0. , 0.8, 0.8, 0. , 0. , 0. ]], dtype=float32)
    """
    eng, (seed, mask) = dispatch(("seed", "mask"), seed, mask)
    require_array("mask", mask)
    xp = eng.xp
    check_rank(seed, "seed", (3, 4), "(B, C, H, W) or (C, H, W)")
    if shape_of(mask) != shape_of(seed):
        raise ValueError(f"mask: expected the shape of seed {shape_of(seed)}, got {shape_of(mask)}")
    check_floating(xp, seed, "seed")
    check_floating(xp, mask, "mask")
    check_choice(method, "method", ("dilation", "erosion"))
    check_choice(engine, "engine", ("auto", "unfold", "shift"))
    if num_iters is not None:
        _check_count(num_iters, "num_iters", 0)
    _check_count(check_every, "check_every", 1)
    footprint = _footprint(eng, kernel)
    dtype = xp.result_type(seed.dtype, mask.dtype)
    seed = xp.astype(seed, dtype) if seed.dtype != dtype else seed
    mask = xp.astype(mask, dtype) if mask.dtype != dtype else mask
    if method == "erosion":
        return -_reconstruct_up(eng, -seed, -mask, footprint, num_iters, check_every)
    return _reconstruct_up(eng, seed, mask, footprint, num_iters, check_every)


__all__ = ["reconstruction"]
