"""Conformance cases for the kernel builders and the blurs (gaussian, box, median, unsharp)."""

from __future__ import annotations

import numpy as np
from op_case import Case, image

IMG = (2, 3, 9, 11)
UINT8_TOL = {"float32": (1e-5, 1e-3)}  # uint8 scale: values up to 255


def img(shape=IMG, *args, **kw):
    return lambda rng, dt: ((image(rng, shape, dt), *args), dict(kw))


def img_sigma(sigma, shape=IMG, ksize=(3, 5), **kw):
    """Image plus a per-sample sigma array (positive, well away from 0)."""

    def make(rng, dt):
        s = np.asarray(sigma, dtype=dt)
        return (image(rng, shape, dt), ksize, s), dict(kw)

    return make


def img_uint8(*args, **kw):
    def make(rng, dt):
        return (rng.integers(0, 256, size=IMG).astype("uint8"), *args), dict(kw)

    return make


def img_nan(*args, **kw):
    def make(rng, dt):
        x = image(rng, IMG, dt)
        x[0, 1, 4, 5] = np.nan
        x[1, 2, 0, 0] = np.inf
        return (x, *args), dict(kw)

    return make


def builder(*args, **kw):
    """Kernel builder args: Python numbers only, dtype passed through."""
    return lambda rng, dt: (args, dict(kw, dtype=dt))


def builder_sigma(k, sigma, **kw):
    """Kernel builder with a per-sample sigma array (B, n)."""
    return lambda rng, dt: ((k, np.asarray(sigma, dtype=dt)), dict(kw))


S1 = [[1.5], [0.7], [3.0]]
S2 = [[1.5, 0.8], [0.6, 2.0]]

CASES = [
    # -- kernel builders ---------------------------------------------------------------
    Case("gaussian", builder(5, 1.5), grad=(), batched=()),
    Case("gaussian", builder(6, 1.1, mean=2.0), id="even-mean", grad=(), batched=()),
    Case("gaussian", builder_sigma(7, S1), id="per-sample", grad=(1,), batched=(1,)),
    Case("get_gaussian_kernel1d", builder(5, 1.5), grad=(), batched=()),
    Case("get_gaussian_kernel1d", builder(4, 1.2, True), id="force-even", grad=(), batched=()),
    Case("get_gaussian_kernel1d", builder(5, 0.0), id="sigma0-impulse", grad=(), batched=()),
    Case("get_gaussian_kernel1d", builder_sigma(7, S1), id="per-sample", grad=(1,), batched=(1,)),
    Case("get_gaussian_erf_kernel1d", builder(5, 1.5), grad=(), batched=()),
    Case("get_gaussian_erf_kernel1d", builder(6, 0.9, True), id="force-even", grad=(), batched=()),
    Case(
        "get_gaussian_erf_kernel1d", builder_sigma(9, S1), id="per-sample", grad=(1,), batched=(1,)
    ),
    Case("get_gaussian_discrete_kernel1d", builder(5, 1.5), grad=(), batched=()),
    Case(
        "get_gaussian_discrete_kernel1d",
        builder_sigma(9, S1),
        id="per-sample",
        grad=(1,),
        batched=(1,),
    ),
    Case("get_gaussian_kernel2d", builder((3, 5), (1.5, 0.8)), grad=(), batched=()),
    Case(
        "get_gaussian_kernel2d", builder_sigma((5, 3), S2), id="per-sample", grad=(1,), batched=(1,)
    ),
    Case("get_gaussian_kernel3d", builder((3, 5, 7), (1.5, 0.8, 2.0)), grad=(), batched=()),
    Case(
        "get_gaussian_kernel3d",
        builder_sigma((3, 3, 5), [[1.0, 0.5, 2.0], [0.7, 1.3, 0.9]]),
        id="per-sample",
        grad=(1,),
        batched=(1,),
    ),
    Case("get_box_kernel1d", builder(4), grad=(), batched=()),
    Case("get_box_kernel2d", builder((3, 4)), grad=(), batched=()),
    Case("get_hanning_kernel1d", builder(5), grad=(), batched=()),
    Case("get_hanning_kernel2d", builder((3, 6)), grad=(), batched=()),
    Case("get_binary_kernel2d", builder((2, 3)), grad=(), batched=()),
    # -- gaussian_blur2d -------------------------------------------------------------------
    Case("gaussian_blur2d", img(IMG, (3, 5), (0.8, 1.7))),
    Case("gaussian_blur2d", img(IMG, (5, 5), (1.2, 1.2), "constant", False), id="2d-constant"),
    Case("gaussian_blur2d", img(IMG, (3, 3), (1.0, 1.0), "replicate"), id="replicate"),
    Case("gaussian_blur2d", img(IMG, (5, 3), (1.0, 0.5), "circular"), id="circular"),
    Case("gaussian_blur2d", img_sigma(S2), id="per-sample", grad=(0, 2), batched=(0, 2)),
    Case(
        "gaussian_blur2d",
        img_sigma(S2, separable=False),
        id="per-sample-2d",
        grad=(0, 2),
        batched=(0, 2),
    ),
    Case("gaussian_blur2d", img_sigma([[0.9, 1.4]]), id="sigma-array-shared", grad=(0, 2)),
    Case("gaussian_blur2d", img((3, 9, 11), (5, 3), (1.5, 1.0)), id="chw", batched=()),
    Case("gaussian_blur2d", img_uint8((3, 3), (1.0, 1.0)), id="uint8", grad=(), tol=UINT8_TOL),
    Case("gaussian_blur2d", img((2, 1, 4, 3), (7, 7), (2.0, 2.0)), id="kernel-wider-than-image"),
    # -- box_blur ---------------------------------------------------------------------------
    Case("box_blur", img(IMG, (3, 3))),
    Case("box_blur", img(IMG, (4, 2), "constant"), id="even-constant"),
    Case("box_blur", img(IMG, (5, 3), "replicate", False), id="2d-replicate"),
    Case("box_blur", img(IMG, (3, 4), "circular"), id="circular"),
    Case("box_blur", img((3, 9, 11), 5), id="chw", batched=()),
    Case("box_blur", img_uint8((3, 3)), id="uint8", grad=(), tol=UINT8_TOL),
    # -- median_blur (not differentiable at ties; random floats have none) -----------------
    Case("median_blur", img(IMG, (3, 3))),
    Case("median_blur", img(IMG, (5, 3), "constant"), id="5x3-constant"),
    Case("median_blur", img(IMG, 5, "replicate"), id="5x5-replicate"),
    Case("median_blur", img(IMG, (3, 5), "circular"), id="circular"),
    Case("median_blur", img((3, 9, 11), 3), id="chw", batched=()),
    Case("median_blur", img_uint8((3, 3)), id="uint8", grad=(), tol=UINT8_TOL),
    Case("median_blur", img_nan((3, 3)), id="nan-window", grad=()),
    # -- unsharp_mask -------------------------------------------------------------------
    Case("unsharp_mask", img(IMG, (3, 5), (0.8, 1.7))),
    Case(
        "unsharp_mask",
        img_sigma(S2, border_type="replicate"),
        id="per-sample",
        grad=(0, 2),
        batched=(0, 2),
    ),
    Case("unsharp_mask", img((3, 9, 11), 3, (1.0, 1.0), "constant"), id="chw", batched=()),
    Case("unsharp_mask", img_uint8((3, 3), (1.0, 1.0)), id="uint8", grad=(), tol=UINT8_TOL),
]
