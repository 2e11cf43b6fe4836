"""``grid_sample`` on NumPy / CuPy (owner: geometry/warp work): until a fast path is
written, the reference."""

from __future__ import annotations

from . import _reference_sampling as ref


def grid_sample(eng, x, grid, mode="bilinear", padding_mode="zeros", align_corners=False):
    return ref.grid_sample(eng.xp, x, grid, mode, padding_mode, align_corners)
