"""Conformance cases for the warps (``portvision.geometry.transform.warping``,
``HomographyWarper`` is tested in tests/geometry) and the meshgrids (``portvision.utils``).

Matrices are near-identity with random perturbations, so samples fall at generic
sub-pixel positions (away from the ties of ``nearest``: those cases use exact integer
shifts) and partly outside the source, which exercises every padding mode.
"""

from __future__ import annotations

import numpy as np
from op_case import Case, image

IMG = (2, 3, 9, 11)
VOL = (2, 2, 4, 5, 6)


def _homography(rng, b, dt, persp=True, scale=0.08):
    m = np.tile(np.eye(3), (b, 1, 1)) + rng.normal(0.0, scale, (b, 3, 3)) * np.array(
        [[1.0, 1.0, 10.0], [1.0, 1.0, 10.0], [0.02 * persp, 0.02 * persp, 0.0]]
    )
    return m.astype(dt)


def _shift(b, dt, dx=1.0, dy=-2.0, n=3):
    m = np.tile(np.eye(n), (b, 1, 1))
    m[:, 0, n - 1], m[:, 1, n - 1] = dx, dy
    return m.astype(dt)


def persp(shape=IMG, dsize=(8, 10), mb=None, **kw):
    def make(rng, dt):
        b = shape[0] if len(shape) == 4 else 1
        kw2 = {k: v.astype(dt) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
        return (image(rng, shape, dt), _homography(rng, mb or b, dt), dsize), kw2

    return make


def affine(shape=IMG, dsize=(8, 10), mb=None, **kw):
    def make(rng, dt):
        b = shape[0] if len(shape) == 4 else 1
        m = _homography(rng, mb or b, dt, persp=False)[:, :2]
        return (image(rng, shape, dt), np.ascontiguousarray(m), dsize), dict(kw)

    return make


def exact(fn_affine, **kw):
    """Integer shifts: every sample is a pixel centre (``nearest`` has no ties)."""

    def make(rng, dt):
        m = _shift(IMG[0], dt)
        return (image(rng, IMG, dt), m[:, :2] if fn_affine else m, (9, 11)), dict(kw)

    return make


def grid2(rng, dt, n=3):
    g = rng.uniform(-1.2, 1.2, (1, 4, 5, 2)).astype(dt)
    return (g, _homography(rng, n, dt, scale=0.1)), {}


def grid3(rng, dt, n=2):
    g = rng.uniform(-1.2, 1.2, (1, 2, 3, 4, 3)).astype(dt)
    h = np.tile(np.eye(4), (n, 1, 1)) + rng.normal(0.0, 0.1, (n, 4, 4)) * 0.5
    h[:, 3, :3] *= 0.1
    return (g, h.astype(dt)), {}


def hwarp(dsize=(7, 8), **kw):
    def make(rng, dt):
        h = _homography(rng, IMG[0], dt, scale=0.05)
        if kw.get("normalized_coordinates", True):
            h[:, :2, 2] /= 10.0  # normalised units
        return (image(rng, IMG, dt), h, dsize), dict(kw)

    return make


def remap_maps(normalized=False, shared=False, **kw):
    def make(rng, dt):
        b = 1 if shared else IMG[0]
        mx = rng.uniform(-1.5, 11.5, (b, 6, 7))
        my = rng.uniform(-1.5, 9.5, (b, 6, 7))
        if normalized:
            mx, my = mx / 5.0 - 1.0, my / 4.0 - 1.0
        kw2 = dict(kw, normalized_coordinates=normalized)
        return (image(rng, IMG, dt), mx.astype(dt), my.astype(dt)), kw2

    return make


def vol_affine(**kw):
    def make(rng, dt):
        m = np.tile(np.eye(4), (VOL[0], 1, 1))[:, :3] + rng.normal(0.0, 0.08, (VOL[0], 3, 4))
        return (image(rng, VOL, dt), m.astype(dt), (3, 4, 5)), dict(kw)

    return make


def vol_persp(**kw):
    def make(rng, dt):
        m = np.tile(np.eye(4), (VOL[0], 1, 1)) + rng.normal(0.0, 0.08, (VOL[0], 4, 4))
        m[:, 3, :3] *= 0.1
        m[:, 3, 3] = 1.0
        return (image(rng, VOL, dt), m.astype(dt), (3, 4, 5)), dict(kw)

    return make


def vol_hwarp(**kw):
    def make(rng, dt):
        m = np.tile(np.eye(4), (VOL[0], 1, 1)) + rng.normal(0.0, 0.08, (VOL[0], 4, 4))
        m[:, 3, :3] *= 0.1
        if not kw.get("normalized_coordinates", True):
            m[:, :3, 3] *= 5.0  # voxel units
        return (image(rng, VOL, dt), m.astype(dt), (3, 4, 5)), dict(kw)

    return make


B2 = (0, 1)  # image and matrix are both batched

CASES = [
    # warp_perspective
    Case("warp_perspective", persp(), grad=(0, 1), batched=B2),
    Case("warp_perspective", persp(align_corners=False), id="half-pixel", grad=(0, 1), batched=B2),
    Case("warp_perspective", persp(padding_mode="border"), id="border", batched=B2),
    Case("warp_perspective", persp(padding_mode="reflection"), id="reflection", batched=B2),
    Case(
        "warp_perspective",
        persp(mode="bicubic", padding_mode="reflection"),
        id="bicubic",
        grad=(0, 1),
        batched=B2,
    ),
    Case(
        "warp_perspective",
        persp(padding_mode="fill", fill_value=np.array([0.2, 0.5, 0.9])),
        id="fill",
        grad=(0, 1),
        batched=B2,
    ),
    Case("warp_perspective", exact(False, mode="nearest"), id="nearest", grad=(0,), batched=B2),
    Case("warp_perspective", persp(mb=1), id="shared-matrix", grad=(0, 1), batched=(0,)),
    Case("warp_perspective", persp(shape=(3, 9, 11)), id="chw", grad=(0, 1), batched=()),
    # warp_affine
    Case("warp_affine", affine(), grad=(0, 1), batched=B2),
    Case("warp_affine", affine(align_corners=False, mode="bicubic"), id="bicubic", batched=B2),
    Case("warp_affine", affine(padding_mode="border"), id="border", batched=B2),
    Case("warp_affine", affine(padding_mode="reflection"), id="reflection", batched=B2),
    Case("warp_affine", affine(padding_mode="fill", fill_value=0.5), id="fill", batched=B2),
    Case("warp_affine", exact(True, mode="nearest"), id="nearest", grad=(0,), batched=B2),
    Case("warp_affine", affine(mb=1, dsize=(5, 13)), id="shared-matrix", batched=(0,)),
    Case("warp_affine", affine(shape=(3, 9, 11)), id="chw", batched=()),
    # warp_grid / warp_grid3d
    Case("warp_grid", grid2, grad=(0, 1), batched=(1,)),
    Case("warp_grid3d", grid3, grad=(0, 1), batched=(1,)),
    # homography_warp
    Case("homography_warp", hwarp(), grad=(0, 1), batched=B2),
    Case(
        "homography_warp",
        hwarp(normalized_coordinates=False, align_corners=True, padding_mode="border"),
        id="pixel",
        grad=(0, 1),
        batched=B2,
    ),
    Case(
        "homography_warp",
        hwarp(normalized_homography=False, padding_mode="reflection"),
        id="src-to-dst",
        batched=B2,
    ),
    # remap
    Case("remap", remap_maps(), grad=(0, 1, 2), batched=(0, 1, 2)),
    Case(
        "remap",
        remap_maps(align_corners=True, padding_mode="border"),
        id="aligned-border",
        batched=(0, 1, 2),
    ),
    Case(
        "remap",
        remap_maps(normalized=True, padding_mode="reflection", mode="bicubic"),
        id="normalized-bicubic",
        grad=(0, 1, 2),
        batched=(0, 1, 2),
    ),
    Case("remap", remap_maps(shared=True), id="shared-maps", batched=(0,)),
    # 3D warps
    Case("warp_affine3d", vol_affine(), grad=(0, 1), batched=B2),
    Case(
        "warp_affine3d",
        vol_affine(align_corners=False, padding_mode="reflection"),
        id="half-voxel",
        batched=B2,
    ),
    Case("warp_perspective3d", vol_persp(), grad=(0, 1), batched=B2),
    Case(
        "warp_perspective3d",
        vol_persp(align_corners=True, border_mode="border"),
        id="border",
        batched=B2,
    ),
    Case("homography_warp3d", vol_hwarp(), grad=(0, 1), batched=B2),
    Case(
        "homography_warp3d",
        vol_hwarp(normalized_coordinates=False, padding_mode="border", align_corners=True),
        id="voxels",
        grad=(0, 1),
        batched=B2,
    ),
    # meshgrids (factories: run inside use_backend)
    Case(
        "create_meshgrid",
        lambda rng, dt: ((4, 5), dict(dtype=dt)),
        grad=(),
        batched=(),
    ),
    Case(
        "create_meshgrid",
        lambda rng, dt: ((3, 1, False), dict(dtype=dt)),
        id="pixels",
        grad=(),
        batched=(),
    ),
    Case(
        "create_meshgrid",
        lambda rng, dt: ((4, 3), dict(dtype=dt, align_corners=False)),
        id="half-pixel",
        grad=(),
        batched=(),
    ),
    Case(
        "create_meshgrid3d",
        lambda rng, dt: ((2, 3, 4), dict(dtype=dt)),
        grad=(),
        batched=(),
    ),
    Case(
        "create_meshgrid3d",
        lambda rng, dt: ((3, 1, 2, False), dict(dtype=dt)),
        id="voxels",
        grad=(),
        batched=(),
    ),
]
