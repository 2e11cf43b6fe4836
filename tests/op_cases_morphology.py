"""Conformance cases for ``portvision.morphology``: every op, flat and non-flat elements,
every border, even kernels with a corner origin, (C, H, W) input, reconstruction both ways."""

from __future__ import annotations

import numpy as np
from op_case import Case, image

IMG = (2, 3, 9, 11)
CROSS = [[0, 1, 0], [1, 1, 1], [0, 1, 0]]


def morph(kernel, shape=IMG, nonflat=False, **kw):
    """Image, kernel (and a non-flat element when asked) as float arrays of the run dtype."""

    def make(rng, dt):
        x = image(rng, shape, dt)
        k = np.asarray(kernel, dtype=dt)
        se = rng.uniform(-0.3, 0.3, size=k.shape).astype(dt) if nonflat else None
        return (x, k, se), dict(kw)

    return make


def recon(kernel=None, erosion=False, **kw):
    def make(rng, dt):
        mask = image(rng, IMG, dt)
        seed = (mask * image(rng, IMG, dt)).astype(dt)
        if erosion:
            seed = (mask + image(rng, IMG, dt)).astype(dt)
        args = (seed, mask) if kernel is None else (seed, mask, np.asarray(kernel, dtype=dt))
        return args, dict(kw, method="erosion" if erosion else "dilation")

    return make


SQUARE = np.ones((3, 3))
ASYM = [[1, 1, 0], [0, 1, 1]]

CASES = [
    Case("dilation", morph(SQUARE)),
    Case("dilation", morph(ASYM, nonflat=True, origin=[0, 1]), id="nonflat-origin", grad=(0, 2)),
    Case("dilation", morph(CROSS, border_type="constant", border_value=0.5), id="constant"),
    Case(
        "dilation",
        morph(np.ones((2, 4)), shape=(3, 8, 9), border_type="reflect"),
        id="chw-even",
        batched=(),
    ),
    Case("dilation", morph(np.ones((5, 5)), border_type="circular"), id="circular-5x5"),
    Case("erosion", morph(SQUARE)),
    Case(
        "erosion",
        morph(CROSS, nonflat=True, border_type="replicate"),
        id="nonflat-replicate",
        grad=(0, 2),
    ),
    Case("erosion", morph(np.ones((2, 2)), origin=[0, 0], border_type="reflect"), id="even-corner"),
    Case("opening", morph(SQUARE)),
    Case("opening", morph(ASYM, nonflat=True, border_type="replicate"), id="nonflat", grad=(0, 2)),
    Case("closing", morph(SQUARE)),
    Case("closing", morph(CROSS, border_type="constant", border_value=0.2), id="constant"),
    Case("gradient", morph(SQUARE)),
    Case("gradient", morph(CROSS, nonflat=True), id="nonflat", grad=(0, 2)),
    Case("top_hat", morph(SQUARE)),
    Case("top_hat", morph(np.ones((3, 5)), border_type="reflect"), id="reflect"),
    Case("bottom_hat", morph(SQUARE)),
    Case(
        "bottom_hat", morph(CROSS, nonflat=True, border_type="circular"), id="nonflat", grad=(0, 2)
    ),
    Case("reconstruction", recon(), batched=(0, 1), grad=(0, 1)),
    Case(
        "reconstruction",
        recon(CROSS, erosion=True, num_iters=3),
        id="erosion-cross",
        batched=(0, 1),
        grad=(0, 1),
    ),
]
