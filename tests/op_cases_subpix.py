"""Conformance cases for ``portvision.geometry.subpix``."""

from __future__ import annotations

import numpy as np
from op_case import Case, image


def _blobs(rng, shape, dt):
    """A smooth random volume (box-filtered noise): maxima with real curvature, no ties."""
    v = rng.normal(size=shape)
    for axis in range(2, len(shape)):
        v = (np.roll(v, 1, axis) + v + np.roll(v, -1, axis)) / 3.0
    return v.astype(dt)


def one(fn, *args, **kw):
    return lambda rng, dt: ((fn(rng, dt), *args), dict(kw))


IMG, VOL = (2, 3, 7, 9), (2, 2, 5, 6, 7)

CASES = [
    Case("spatial_softmax2d", one(lambda r, dt: image(r, IMG, dt, -2, 2))),
    Case("spatial_softmax2d", one(lambda r, dt: image(r, IMG, dt, -2, 2), 0.5), id="temperature"),
    Case("spatial_expectation2d", one(lambda r, dt: image(r, IMG, dt))),
    Case("spatial_expectation2d", one(lambda r, dt: image(r, IMG, dt), False), id="pixels"),
    Case("spatial_soft_argmax2d", one(lambda r, dt: image(r, IMG, dt, -2, 2))),
    Case(
        "spatial_soft_argmax2d",
        one(lambda r, dt: image(r, IMG, dt, -2, 2), 0.3, False),
        id="pixels",
    ),  # fmt: skip
    Case(
        "render_gaussian2d",
        lambda r, dt: ((image(r, (3, 2), dt, -1, 1), image(r, (3, 2), dt, 0.2, 1.0), (5, 7)), {}),
        grad=(0, 1),
        batched=(0, 1),
    ),  # fmt: skip
    Case(
        "render_gaussian2d",
        lambda r, dt: (
            (image(r, (3, 2), dt, 0, 6), image(r, (3, 2), dt, 0.5, 2.0), (5, 7), False),
            {},
        ),
        id="pixels",
        grad=(0, 1),
        batched=(0, 1),
    ),  # fmt: skip
    Case("conv_soft_argmax2d", one(lambda r, dt: image(r, IMG, dt, -3, 3))),
    Case(
        "conv_soft_argmax2d",
        one(
            lambda r, dt: image(r, IMG, dt, -3, 3),
            (4, 5),
            (2, 1),
            (2, 1),
            0.7,
            False,
            output_value=True,
        ),
        id="even-stride-values",
    ),  # fmt: skip
    Case("conv_soft_argmax3d", one(lambda r, dt: image(r, VOL, dt, -3, 3))),
    Case(
        "conv_soft_argmax3d",
        one(
            lambda r, dt: image(r, VOL, dt, -3, 3),
            (2, 3, 4),
            (1, 2, 1),
            (1, 1, 2),
            0.5,
            True,
            output_value=False,
        ),
        id="even-normalized",
    ),  # fmt: skip
    Case("nms2d", one(lambda r, dt: image(r, IMG, dt), (3, 3))),
    Case(
        "nms2d",
        one(lambda r, dt: image(r, IMG, dt), (4, 3), True),
        id="mask-even",
        exact=True,
        grad=(),
    ),  # fmt: skip
    Case("nms3d", one(lambda r, dt: image(r, VOL, dt), (3, 3, 3))),
    Case("nms3d_minmax", one(lambda r, dt: image(r, VOL, dt)), exact=True, grad=()),
    Case(
        "nms3d",
        one(lambda r, dt: image(r, VOL, dt), (3, 5, 2), True),
        id="mask",
        exact=True,
        grad=(),
    ),  # fmt: skip
    Case(
        "conv_quad_interp3d",
        one(lambda r, dt: _blobs(r, (2, 2, 5, 9, 10), dt)),
        tol={"float32": (1e-3, 1e-3)},
    ),  # fmt: skip
    Case(
        "conv_quad_interp3d",
        one(
            lambda r, dt: _blobs(r, (2, 2, 5, 9, 10), dt),
            max_subpixel_shift=0.3,
            dilation_radius=2,
            allow_scale_steps=False,
        ),
        id="radius2",
        tol={"float32": (1e-3, 1e-3)},
    ),  # fmt: skip
    Case(
        "iterative_quad_interp3d",
        one(lambda r, dt: _blobs(r, (2, 2, 5, 9, 10), dt)),
        tol={"float32": (1e-3, 1e-3)},
    ),  # fmt: skip
    Case(
        "iterative_quad_interp3d",
        one(
            lambda r, dt: _blobs(r, (2, 2, 5, 9, 10), dt), max_subpixel_shift=0.2, max_candidates=2
        ),
        id="candidates",
        tol={"float32": (1e-3, 1e-3)},
    ),  # fmt: skip
]
