"""Conformance cases for ``portvision.enhance``.

Inputs of the ops that quantise to 8-bit levels (posterize, equalize, clahe) sit in the
middle of a level (``(k + 0.5) / 255``), so float32 and float64 agree on the level.
Inputs of gradient cases stay away from the clamps' kinks (values in [0.05, 0.95] and
factors that keep results inside (0, 1)).
"""

from __future__ import annotations

import numpy as np
from op_case import Case, image

IMG = (2, 3, 9, 11)


def img(shape=IMG, low=0.05, high=0.95):
    return lambda rng, dt: image(rng, shape, dt, low, high)


def call(*parts, **kw):
    """``make`` from per-argument builders ``(rng, dtype) -> value`` (or plain values)."""

    def make(rng, dt):
        args = tuple(p(rng, dt) if callable(p) else p for p in parts)
        return args, {k: (v(rng, dt) if callable(v) else v) for k, v in kw.items()}

    return make


def vec(*values):
    return lambda rng, dt: np.asarray(values, dtype=dt)


def levels(shape=IMG):
    """Mid-level values ``(k + 0.5) / 255``: the same 8-bit level in float32 and float64."""
    return lambda rng, dt: ((rng.integers(0, 256, size=shape) + 0.5) / 255).astype(dt)


def low_levels(shape=IMG, n=40):
    """Mid-level values of few distinct levels (equalization moves them)."""
    return lambda rng, dt: ((rng.integers(60, 60 + n, size=shape) + 0.5) / 255).astype(dt)


def vec_int(*values):
    return lambda rng, dt: np.asarray(values, dtype=np.int64)


def u8(shape=IMG):
    return lambda rng, dt: rng.integers(0, 256, size=shape).astype("uint8")


def u8_low(shape=IMG, n=40):
    return lambda rng, dt: rng.integers(60, 60 + n, size=shape).astype("uint8")


def hsv(shape=IMG):
    """HSV images: hue in (0.1, 2π - 0.1) radians, S and V in [0.05, 0.95]."""

    def make(rng, dt):
        h = rng.uniform(0.1, 2 * np.pi - 0.1, (shape[0], 1) + shape[2:])
        sv = rng.uniform(0.05, 0.95, (shape[0], 2) + shape[2:])
        return np.concatenate([h, sv], axis=1).astype(dt)

    return make


CASES = [
    # brightness / contrast
    Case("adjust_brightness", call(img(), 0.03)),
    Case("adjust_brightness", call(img(), vec(0.02, -0.03)), id="per-image", batched=(0, 1)),
    Case("adjust_brightness", call(img(), 0.6, clip_output=False), id="noclip"),
    Case("adjust_brightness", call(img((3, 9, 11)), 0.5), id="chw-clipped", batched=(), grad=()),
    Case("adjust_brightness_accumulative", call(img(), 0.9)),
    Case(
        "adjust_brightness_accumulative",
        call(img(), vec(0.9, 1.02)),
        id="per-image",
        batched=(0, 1),
    ),
    Case("adjust_contrast", call(img(), 0.8)),
    Case("adjust_contrast", call(img(), vec(0.7, 1.03)), id="per-image", batched=(0, 1)),
    Case("adjust_contrast", call(img(), 3.0, clip_output=False), id="noclip"),
    Case("adjust_contrast_with_mean_subtraction", call(img(), 0.8)),
    Case(
        "adjust_contrast_with_mean_subtraction",
        call(img((2, 2, 9, 11)), vec(0.6, 0.9)),
        id="per-image-2ch",
        batched=(0, 1),
    ),
    # gamma / log / sigmoid
    Case("adjust_gamma", call(img(), 2.2, 0.9)),
    Case(
        "adjust_gamma", call(img(), vec(0.5, 1.5), vec(0.9, 1.0)), id="per-image", batched=(0, 1, 2)
    ),
    Case("adjust_log", call(img(), 0.9)),
    Case("adjust_log", call(img(), 0.8, inv=True), id="inv"),
    Case("adjust_log", call(img(), 2.0, clip_output=False), id="noclip"),
    Case("adjust_sigmoid", call(img())),
    Case("adjust_sigmoid", call(img(), 0.3, 4.0, inv=True), id="inv"),
    # invert / solarize
    Case("invert", call(img())),
    Case("invert", call(img(), vec(2.0)), id="max_val"),
    Case(
        "invert",
        call(
            lambda rng, dt: rng.integers(0, 256, size=IMG).astype("uint8"), np.array(255, "uint8")
        ),
        id="uint8",
        grad=(),
        out_dtype="uint8",
        exact=True,
    ),
    Case("solarize", call(img(), 0.5)),
    Case("solarize", call(img(), vec(0.3, 0.7), vec(0.1, -0.2)), id="per-image", batched=(0, 1, 2)),
    Case("solarize", call(img(), 0.4, 0.1), id="additions"),
    # add_weighted / shift_rgb
    Case("add_weighted", call(img(), 0.3, img(), 0.6, 0.05), grad=(0, 2), batched=(0, 2)),
    Case(
        "add_weighted",
        call(
            img(), lambda rng, dt: np.asarray([0.2, 0.5], dt).reshape(2, 1, 1, 1), img(), 0.7, 0.1
        ),
        id="array-coef",
        grad=(0, 2),
        batched=(0, 1, 2),
    ),
    Case(
        "shift_rgb",
        call(img(), vec(0.01, -0.02), vec(0.03, 0.0), vec(-0.01, 0.02)),
        batched=(0, 1, 2, 3),
    ),
    # normalize / denormalize / normalize_min_max
    Case("normalize", call(img(), vec(0.4, 0.5, 0.6), vec(0.2, 0.25, 0.3))),
    Case("normalize", call(img(), 0.5, 0.25), id="scalar"),
    Case(
        "normalize",
        call(img(), lambda rng, dt: rng.uniform(0.3, 0.6, (2, 3)).astype(dt), vec(0.5)),
        id="per-image",
        batched=(0, 1),
    ),
    Case(
        "normalize",
        call(lambda rng, dt: rng.integers(0, 256, size=IMG).astype("uint8"), 127.5, 64.0),
        id="uint8",
        grad=(),
    ),
    Case("denormalize", call(img((2, 3, 4, 5, 6)), vec(0.4, 0.5, 0.6), vec(0.2, 0.25, 0.3))),
    Case(
        "denormalize",
        call(img(), lambda rng, dt: rng.uniform(0.3, 0.6, (2, 3)).astype(dt), 2.0),
        id="per-image",
        batched=(0, 1),
    ),
    Case("normalize_min_max", call(img())),
    Case("normalize_min_max", call(img((2, 3, 2, 9, 11)), -1.0, 2.0), id="5d"),
    # posterize / sharpness / equalize
    Case("posterize", call(levels(), 3), grad=()),
    Case("posterize", call(levels(), 8), id="bits8", grad=()),
    Case("posterize", call(levels(), vec_int(0, 5)), id="per-image", grad=(), batched=(0, 1)),
    Case(
        "posterize",
        call(levels((2, 3, 4, 5)), lambda rng, dt: rng.integers(0, 9, size=(2, 3))),
        id="per-channel",
        grad=(),
        batched=(0, 1),
    ),
    Case("posterize", call(u8(), 2), id="uint8", grad=(), exact=True),
    Case("sharpness", call(img(), 0.7)),
    Case("sharpness", call(img(), vec(0.2, 1.4)), id="per-image", batched=(0, 1)),
    Case("sharpness", call(img((3, 9, 11)), 2.0), id="chw", batched=()),
    Case("equalize", call(low_levels())),
    Case("equalize", call(low_levels((2, 3, 2, 9, 11))), id="5d"),
    Case("equalize", call(u8_low()), id="uint8", exact=True),
    Case("equalize3d", call(low_levels((2, 2, 4, 9, 11)))),
    # hue / saturation
    Case("adjust_hue", call(img(), 0.7)),
    Case("adjust_hue", call(img(), vec(-2.5, 3.0)), id="per-image", batched=(0, 1)),
    Case("adjust_hue", call(img((3, 9, 11)), -1.0), id="chw", batched=()),
    Case("adjust_hue_raw", call(hsv(), 1.3)),
    Case("adjust_hue_raw", call(hsv(), vec(-2.0, 4.0)), id="per-image", batched=(0, 1)),
    Case("adjust_saturation", call(img(), 1.3)),
    Case("adjust_saturation", call(img(), vec(0.0, 0.6)), id="per-image", batched=(0, 1)),
    Case("adjust_saturation", call(img(), 4.0), id="oversaturate", grad=()),
    Case("adjust_saturation", call(img((2, 2, 3, 9, 11)), 0.5), id="5d"),
    Case("adjust_saturation_raw", call(hsv(), 1.2)),
    Case("adjust_saturation_raw", call(hsv(), vec(0.5, 3.0)), id="per-image", batched=(0, 1)),
    Case("adjust_saturation_with_gray_subtraction", call(img(), 0.6)),
    Case(
        "adjust_saturation_with_gray_subtraction",
        call(img(), vec(0.3, 1.2)),
        id="per-image",
        batched=(0, 1),
    ),
    # histograms
    Case(
        "histogram",
        call(img((2, 12)), vec(0.0, 0.25, 0.5, 0.75, 1.0), 0.2),
        grad=(0,),
        batched=(0,),
    ),
    Case(
        "histogram",
        call(img((2, 12)), vec(0.1, 0.4, 0.9), lambda rng, dt: np.asarray(0.3, dt)),
        id="array-bandwidth",
        grad=(0, 1),
    ),
    Case(
        "histogram2d",
        call(img((2, 10)), img((2, 10)), vec(0.0, 0.3, 0.6, 0.9), 0.25),
        grad=(0, 1),
        batched=(0, 1),
    ),
    Case("image_histogram2d", call(img((2, 2, 5, 6)), 0.0, 1.0, 8), grad=(0,)),
    Case(
        "image_histogram2d",
        call(img((2, 5, 6)), 0.0, 1.0, 6, 0.3, kernel="gaussian", return_pdf=True),
        id="gaussian-pdf",
        batched=(),
    ),
    Case(
        "image_histogram2d",
        call(img((5, 6)), 0.0, 1.0, 5, kernel="epanechnikov"),
        id="hw",
        batched=(),
    ),
    Case(
        "image_histogram2d",
        call(img((2, 2, 5, 6)), centers=vec(0.2, 0.5, 0.8), kernel="uniform", bandwidth=0.2),
        id="centers-uniform",
        grad=(),
    ),
    Case(
        "image_histogram2d",
        call(u8((2, 1, 5, 6)), 0.0, 255.0, 16),
        id="uint8",
        grad=(),
    ),
    # integral images
    Case("integral_image", call(img())),
    Case("integral_image", call(u8()), id="uint8", grad=(), exact=True),
    Case("integral_tensor", call(img((2, 3, 4, 5)))),
    Case("integral_tensor", call(img((2, 3, 4, 5)), (1, -1, 2)), id="three-axes"),
    # ZCA
    Case("zca_mean", call(img((12, 2, 2))), batched=()),
    Case("zca_mean", call(img((3, 12, 2)), 1, False, 1e-5, True), id="dim1-inverse", batched=()),
    Case("zca_whiten", call(img((12, 4))), batched=()),
    Case("zca_whiten", call(img((2, 3, 12)), -1), id="last-axis", batched=()),
    Case(
        "linear_transform",
        call(img((5, 2, 3)), img((6, 6)), img((1, 6))),
        grad=(0, 1, 2),
        batched=(0,),
    ),
    Case(
        "linear_transform",
        call(img((2, 5, 3)), img((6, 6)), img((1, 6)), 1),
        id="dim1",
        grad=(0, 1, 2),
        batched=(),
    ),
    # CLAHE
    Case("equalize_clahe", call(levels((2, 2, 12, 14)), 2.0, (2, 3)), grad=()),
    Case("equalize_clahe", call(levels((2, 1, 13, 11)), 40.0, (3, 2)), id="odd-tiles", grad=()),
    Case("equalize_clahe", call(levels((3, 10, 9)), 0.0, (2, 2)), id="noclip-chw", grad=()),
    Case(
        "equalize_clahe",
        call(levels((2, 1, 8, 8)), 0.0, (2, 2), True),
        id="differentiable",
        tol={"float32": (1e-3, 1e-4)},
    ),
]
