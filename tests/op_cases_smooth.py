"""Conformance cases: edge-preserving smoothing (bilateral, joint bilateral, guided), blur pools,
``in_range`` and ``otsu_threshold``."""

from __future__ import annotations

import numpy as np
from op_case import Case, image


class Img(tuple):
    """Marks a shape in ``make``'s specs: a random positive image of that shape."""


IMG = Img((2, 3, 9, 11))
GRAY = Img((2, 1, 9, 11))


def make(*specs, **kw):
    """``specs``: ``Img`` shapes (random positive images), lists (arrays), or values."""

    def build(rng, dt):
        args = []
        for s in specs:
            if isinstance(s, Img):
                args.append(image(rng, s, dt, 0.05, 1.0))
            elif isinstance(s, list):
                args.append(np.asarray(s, dtype=dt))
            else:
                args.append(s)
        return tuple(args), dict(kw)

    return build


def img_uint8(shape, *args, **kw):
    def build(rng, dt):
        return (rng.integers(0, 256, size=shape).astype("uint8"), *args), dict(kw)

    return build


SC = [0.3, 0.6]  # per-sample sigma_color (B,)
SS = [[1.5, 0.8], [0.7, 2.0]]  # per-sample sigma_space (B, 2)
# blur pools and Otsu: comparisons / bins flip on float32 rounding only at measure-zero points
CASES = [
    # -- bilateral ------------------------------------------------------------------------
    Case("bilateral_blur", make(IMG, (3, 5), 0.3, (1.5, 0.8))),
    Case("bilateral_blur", make(IMG, 3, 0.2, (1.0, 1.0), "constant", "l2"), id="l2-constant"),
    Case(
        "bilateral_blur",
        make(IMG, (5, 3), SC, SS, "replicate"),
        id="per-sample",
        grad=(0, 2, 3),
        batched=(0, 2, 3),
    ),
    Case(
        "bilateral_blur",
        make(Img((3, 9, 11)), 3, 0.4, (1.2, 1.2), "circular", "l2"),
        id="chw",
        batched=(),
    ),
    Case(
        "bilateral_blur",
        img_uint8(IMG, 3, 40.0, (1.5, 1.5)),
        id="uint8",
        grad=(),
        tol={"float32": (1e-5, 1e-3)},
    ),
    Case(
        "joint_bilateral_blur",
        make(IMG, GRAY, (3, 5), 0.3, (1.5, 0.8)),
        grad=(0, 1),
        batched=(0, 1),
    ),
    Case(
        "joint_bilateral_blur",
        make(GRAY, IMG, 3, SC, SS, "reflect", "l2"),
        id="per-sample-l2",
        grad=(0, 1, 3, 4),
        batched=(0, 1, 3, 4),
    ),
    Case(
        "joint_bilateral_blur",
        make(IMG, IMG, 5, 0.5, (2.0, 1.0), "constant", "l1"),
        id="rgb-guide",
        grad=(0, 1),
        batched=(0, 1),
    ),
    # -- guided ---------------------------------------------------------------------------
    Case("guided_blur", make(GRAY, IMG, 3, 0.05), grad=(0, 1), batched=(0, 1)),
    Case(
        "guided_blur",
        make(IMG, Img((2, 2, 9, 11)), (3, 5), 0.02, "replicate"),
        id="color-guide",
        grad=(0, 1),
        batched=(0, 1),
    ),
    Case(
        "guided_blur",
        make(GRAY, IMG, 5, [0.01, 0.2], "reflect", 2),
        id="per-sample-eps-subsample2",
        grad=(0, 1, 3),
        batched=(0, 1, 3),
    ),
    Case(
        "guided_blur",
        make(IMG, IMG, 4, [0.05, 0.1], "constant", 3, True),
        id="color-subsample3-even",
        grad=(0, 1, 3),
        batched=(0, 1, 3),
    ),
    Case(
        "guided_blur",
        make(Img((3, 9, 11)), Img((1, 9, 11)), 3, 0.1, "circular"),
        id="chw",
        batched=(),
    ),
    # -- blur pools ------------------------------------------------------------------------
    Case("blur_pool2d", make(IMG, 3)),
    Case("blur_pool2d", make(IMG, 4, 3), id="even-stride3"),
    Case("blur_pool2d", make(Img((3, 9, 11)), (5, 5), 1), id="chw-stride1", batched=()),
    Case("max_blur_pool2d", make(IMG, 3)),
    Case("max_blur_pool2d", make(IMG, 4, 2, 3), id="even-pool3"),
    Case("max_blur_pool2d", make(Img((3, 9, 11)), 3, 1, 2), id="chw", batched=()),
    Case("edge_aware_blur_pool2d", make(IMG, 3, 2.0)),
    Case("edge_aware_blur_pool2d", make(IMG, 5, 1.6, 5), id="k5-dilate5"),
    Case("edge_aware_blur_pool2d", make(Img((3, 9, 11)), 2, 3.0, 1), id="chw-even", batched=()),
    # -- in_range ---------------------------------------------------------------------------
    Case("in_range", make(IMG, (0.2, 0.3, 0.1), (0.8, 0.9, 0.7), True), exact=True, grad=()),
    Case("in_range", make(IMG, (0.2, 0.3, 0.1), (0.8, 0.9, 0.7)), id="masked", exact=True),
    Case(
        "in_range",
        make(
            IMG,
            [[[[0.2]], [[0.1]], [[0.3]]], [[[0.3]], [[0.2]], [[0.1]]]],
            [[[[0.9]], [[0.8]], [[0.9]]], [[[0.7]], [[0.9]], [[0.95]]]],
            True,
        ),
        id="per-sample-bounds",
        exact=True,
        grad=(),
        batched=(0, 1, 2),
    ),
    Case(
        "in_range",
        make(Img((3, 9, 11)), [0.2, 0.1, 0.3], [0.9, 0.8, 0.7], True),
        id="chw-channel-bounds",
        exact=True,
        grad=(),
        batched=(),
    ),
    Case(
        "in_range",
        img_uint8(IMG, (20.5, 0, 30), (200.2, 300, 250), True),
        id="uint8",
        exact=True,
        grad=(),
        out_dtype="uint8",
    ),
    # -- otsu -------------------------------------------------------------------------------
    Case("otsu_threshold", make(IMG), grad=(), batched=()),
    Case(
        "otsu_threshold",
        make(Img((3, 9, 11)), 32, False, True),
        id="chw-mask-32bins",
        grad=(),
        batched=(),
    ),
    Case("otsu_threshold", make(Img((9, 11)), 64, True), id="plane-slow", grad=(), batched=()),
    Case(
        "otsu_threshold",
        img_uint8(IMG),
        id="uint8",
        grad=(),
        batched=(),
        exact=True,
        out_dtype=("uint8", "uint8"),
    ),
]
