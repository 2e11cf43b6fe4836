"""Conformance cases for the pyramids, the elastic transform and the thin-plate splines."""

from __future__ import annotations

import numpy as np
from op_case import Case, image

IMG = (2, 3, 9, 11)


def img(shape=IMG, *args, **kw):
    return lambda rng, dt: ((image(rng, shape, dt), *args), dict(kw))


def img_uint8(*args, **kw):
    def make(rng, dt):
        return (rng.integers(0, 256, size=IMG).astype("uint8"), *args), dict(kw)

    return make


def elastic(sigma=(2.0, 3.0), alpha=(0.3, 0.5), arrays=False, shape=IMG, **kw):
    """Image, a small noise field and Python or array sigma / alpha."""

    def make(rng, dt):
        x = image(rng, shape, dt)
        noise_shape = (2,) + shape[1:] if len(shape) == 3 else (shape[0], 2) + shape[2:]
        noise = image(rng, noise_shape, dt, -0.5, 0.5)
        s, a = sigma, alpha
        if arrays:
            s, a = np.asarray(sigma, dtype=dt), np.asarray(alpha, dtype=dt)
        return (x, noise, (3, 5), s, a), dict(kw)

    return make


def tps_points(rng, dt, b=2, n=6):
    """Well-spread control points in [-0.9, 0.9] and small displacements of them."""
    base = np.array([[-0.8, -0.8], [0.8, -0.8], [-0.8, 0.8], [0.8, 0.8], [0.0, 0.1], [0.3, -0.4]])
    src = base[None, :n] + rng.uniform(-0.05, 0.05, size=(b, n, 2))
    dst = src + rng.uniform(-0.1, 0.1, size=(b, n, 2))
    return src.astype(dt), dst.astype(dt)


def tps_solve(rng, dt):
    src, dst = tps_points(rng, dt)
    return (src, dst), {}


def tps_weights(rng, dt, b=2, k=6):
    kw = rng.uniform(-0.05, 0.05, size=(b, k, 2)).astype(dt)
    aw = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])[None] + rng.uniform(-0.1, 0.1, (b, 3, 2))
    return kw, aw.astype(dt)


def tps_warp_points(rng, dt):
    _, centers = tps_points(rng, dt)
    pts = rng.uniform(-1, 1, size=(2, 7, 2)).astype(dt)
    kw, aw = tps_weights(rng, dt)
    return (pts, centers, kw, aw), {}


def tps_warp_image(shape=IMG, **kw_args):
    def make(rng, dt):
        _, centers = tps_points(rng, dt)
        kw, aw = tps_weights(rng, dt)
        return (image(rng, shape, dt), centers, kw, aw), dict(kw_args)

    return make


UINT8_TOL = {"float32": (1e-5, 1e-3)}

CASES = [
    # -- pyramids ---------------------------------------------------------------------------
    Case("pyrdown", img()),
    Case("pyrdown", img(IMG, align_corners=True), id="align-corners"),
    Case("pyrdown", img(IMG, factor=1.5, border_type="replicate"), id="factor1.5-replicate"),
    Case("pyrdown", img((3, 8, 10)), id="chw", batched=()),
    Case("pyrdown", img_uint8(), id="uint8", grad=(), tol=UINT8_TOL),
    Case("pyrup", img()),
    Case("pyrup", img(IMG, "constant", True), id="constant-align-corners"),
    Case("pyrup", img((3, 5, 4)), id="chw", batched=()),
    Case("build_pyramid", img((2, 3, 16, 12), 3)),
    Case("build_pyramid", img(IMG, 3, "circular", True), id="odd-circular-align"),
    Case("build_laplacian_pyramid", img((2, 3, 8, 12), 3)),
    Case("build_laplacian_pyramid", img(IMG, 2), id="padded-to-pow2"),
    # -- elastic ----------------------------------------------------------------------------
    Case("elastic_transform2d", elastic(), grad=(0, 1), batched=(0, 1)),
    Case(
        "elastic_transform2d",
        elastic(arrays=True, align_corners=True, padding_mode="border"),
        id="array-params-align-border",
        grad=(0, 1, 3, 4),
        batched=(0, 1),
    ),
    Case(
        "elastic_transform2d",
        elastic(padding_mode="reflection", mode="nearest"),
        id="nearest-reflection",
        grad=(0,),
        batched=(0, 1),
    ),
    Case("elastic_transform2d", elastic(shape=(3, 9, 11)), id="chw", grad=(0, 1), batched=()),
    # -- thin-plate splines -----------------------------------------------------------------
    Case(
        "get_tps_transform", tps_solve, grad=(0, 1), batched=(0, 1), tol={"float32": (1e-3, 1e-4)}
    ),
    Case("warp_points_tps", tps_warp_points, grad=(0, 1, 2, 3), batched=(0, 1, 2, 3)),
    Case("warp_image_tps", tps_warp_image(), grad=(0, 1, 2, 3), batched=(0, 1, 2, 3)),
    Case(
        "warp_image_tps",
        tps_warp_image(align_corners=True, padding_mode="border"),
        id="align-border",
        grad=(0, 2, 3),
        batched=(0, 1, 2, 3),
    ),
]
