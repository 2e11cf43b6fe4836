"""Conformance cases: derivative kernels, Sobel / Laplacian / Canny, motion blur, grayscale."""

from __future__ import annotations

import numpy as np
from op_case import Case, image

_IMG = (2, 3, 9, 11)
_VOL = (2, 2, 4, 5, 6)


def _builder(op, id="default", *args, **kw):
    return Case(op, lambda rng, dtype: (args, dict(kw, dtype=dtype)), id=id, grad=(), batched=())


def _img(shape=_IMG, *args, **kw):
    return lambda rng, dtype: ((image(rng, shape, dtype),) + args, kw)


def _uint8(shape):
    return lambda rng, dtype: ((rng.integers(0, 256, size=shape).astype(np.uint8),), {})


def _motion2d(mode):
    def make(rng, dtype):
        angle = rng.uniform(-180.0, 180.0, size=(2,)).astype(dtype)
        direction = rng.uniform(-1.0, 1.0, size=(2,)).astype(dtype)
        return (image(rng, _IMG, dtype), 5, angle, direction), {"mode": mode}

    return make


def _motion3d(mode):
    def make(rng, dtype):
        angle = rng.uniform(-90.0, 90.0, size=(2, 3)).astype(dtype)
        direction = rng.uniform(-1.0, 1.0, size=(2,)).astype(dtype)
        return (image(rng, _VOL, dtype), 3, angle, direction), {"mode": mode}

    return make


def _motion_kernel(dim, mode):
    def make(rng, dtype):
        shape = (3,) if dim == 2 else (3, 3)
        angle = rng.uniform(-180.0, 180.0, size=shape).astype(dtype)
        direction = rng.uniform(-1.0, 1.0, size=(3,)).astype(dtype)
        return (5 if dim == 2 else 3, angle, direction, mode), {}

    return make


def _canny(shape, **kw):
    # random images: no exact magnitude ties, and a float32 magnitude lands within rounding
    # of a threshold or an angle-bin boundary with negligible probability, so the edge maps
    # agree exactly between float32 engines and the float64 reference
    return lambda rng, dtype: ((image(rng, shape, dtype),), kw)


CASES = [
    # -- kernel builders ------------------------------------------------------------------
    _builder("get_sobel_kernel2d"),
    _builder("get_diff_kernel2d"),
    _builder("get_spatial_gradient_kernel2d", "sobel1", "sobel", 1),
    _builder("get_spatial_gradient_kernel2d", "sobel2", "sobel", 2),
    _builder("get_spatial_gradient_kernel2d", "diff2", "Diff", 2),
    _builder("get_spatial_gradient_kernel3d", "order1", "diff", 1),
    _builder("get_spatial_gradient_kernel3d", "order2", "diff", 2),
    _builder("get_laplacian_kernel1d", "k5", 5),
    _builder("get_laplacian_kernel2d", "k3", 3),
    _builder("get_laplacian_kernel2d", "k3x5", (3, 5)),
    _builder("laplacian_1d", "even", 4),
    # -- spatial_gradient / sobel / laplacian ---------------------------------------------
    Case("spatial_gradient", _img()),
    Case("spatial_gradient", _img(_IMG, "diff", 1, False), id="diff-raw"),
    Case("spatial_gradient", _img(_IMG, "sobel", 2), id="sobel-order2"),
    Case("spatial_gradient", _img(_IMG, "diff", 2, False), id="diff-order2-raw"),
    Case("spatial_gradient", _img((3, 9, 11)), id="chw", batched=()),
    Case("spatial_gradient3d", _img(_VOL), id="order1"),
    Case("spatial_gradient3d", _img(_VOL, "diff", 2), id="order2"),
    Case("sobel", _img()),
    Case("sobel", _img(_IMG, False, 1e-4), id="raw-eps"),
    Case("sobel", _img((3, 9, 11)), id="chw", batched=()),
    Case("laplacian", _img(_IMG, 3)),
    Case("laplacian", _img(_IMG, (3, 5), "replicate", False), id="3x5-replicate-raw"),
    Case("laplacian", _img(_IMG, 5, "circular"), id="5-circular"),
    Case("laplacian", _img(_IMG, (1, 3), "constant"), id="1x3-constant"),
    # -- canny: both outputs (magnitude differentiable, edges 0/1) ------------------------
    Case("canny", _canny((2, 1, 10, 12))),
    Case("canny", _canny((2, 3, 10, 12), low_threshold=0.2, high_threshold=0.5), id="rgb"),
    Case("canny", _canny((2, 1, 10, 12), hysteresis=False), id="no-hysteresis"),
    Case("canny", _canny((1, 10, 12), kernel_size=3, sigma=(0.8, 1.2)), id="chw", batched=()),
    # -- motion blur ----------------------------------------------------------------------
    Case("motion_blur", _img(_IMG, 5, 35.0, 0.5)),
    Case(
        "motion_blur", _img(_IMG, 3, -120.0, -1.0, "constant", "bilinear"), id="bilinear-constant"
    ),
    Case("motion_blur", _motion2d("nearest"), id="per-sample", grad=(0, 3), batched=(0, 2, 3)),
    Case(
        "motion_blur",
        _motion2d("bilinear"),
        id="per-sample-bilinear",
        grad=(0, 2, 3),
        batched=(0, 2, 3),
    ),
    Case("motion_blur3d", _img(_VOL, 3, (10.0, 40.0, 70.0), 0.5)),
    Case(
        "motion_blur3d",
        _motion3d("bilinear"),
        id="per-sample-bilinear",
        grad=(0, 2, 3),
        batched=(0, 2, 3),
    ),
    Case("motion_blur3d", _motion3d("nearest"), id="per-sample", grad=(0, 3), batched=(0, 2, 3)),
    Case(
        "get_motion_kernel2d", _motion_kernel(2, "nearest"), id="nearest", grad=(2,), batched=(1, 2)
    ),
    Case(
        "get_motion_kernel2d",
        _motion_kernel(2, "bilinear"),
        id="bilinear",
        grad=(1, 2),
        batched=(1, 2),
    ),
    Case(
        "get_motion_kernel2d",
        lambda rng, dtype: ((7, 215.0, -0.5), {}),
        id="scalar",
        grad=(),
        batched=(),
        out_dtype="float32",
    ),
    Case(
        "get_motion_kernel3d", _motion_kernel(3, "nearest"), id="nearest", grad=(2,), batched=(1, 2)
    ),
    Case(
        "get_motion_kernel3d",
        _motion_kernel(3, "bilinear"),
        id="bilinear",
        grad=(1, 2),
        batched=(1, 2),
    ),
    Case(
        "get_motion_kernel3d",
        lambda rng, dtype: ((3, (90.0, 90.0, 0.0), -0.5), {}),
        id="tuple",
        grad=(),
        batched=(),
        out_dtype="float32",
    ),
    # -- grayscale ------------------------------------------------------------------------
    Case("rgb_to_grayscale", _img((2, 3, 5, 6))),
    Case("rgb_to_grayscale", _img((2, 2, 3, 5, 6)), id="leading-dims"),
    Case("rgb_to_grayscale", _uint8((2, 3, 5, 6)), id="uint8", grad=(), exact=True),
    Case(
        "rgb_to_grayscale",
        lambda rng, dtype: (
            (image(rng, (2, 3, 5, 6), dtype), np.array([0.2, 0.5, 0.3], dtype=dtype)),
            {},
        ),
        id="weights",
        grad=(0, 1),
    ),
    Case("bgr_to_grayscale", _img((2, 3, 5, 6))),
    Case("bgr_to_grayscale", _uint8((3, 5, 6)), id="uint8-chw", grad=(), batched=(), exact=True),
    Case("grayscale_to_rgb", _img((2, 1, 5, 6))),
]
