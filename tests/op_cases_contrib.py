"""Conformance cases for ``portvision.contrib``: patches (padding, auto-padding, stride,
cropping), compute_padding, connected components, distance transform (2-D / 3-D),
histogram matching and diamond-square (seeded: the same draws on every engine)."""

from __future__ import annotations

import numpy as np
from op_case import Case, image

IMG = (2, 3, 9, 11)


def patches_in(**kw):
    return lambda rng, dt: ((image(rng, IMG, dt),), dict(kw))


def patches_out(n, c, window, **kw):
    def make(rng, dt):
        return (image(rng, (2, n, c) + window, dt),), dict(kw, window_size=window)

    return make


def binary(shape, p=0.5, **kw):
    def make(rng, dt):
        return ((rng.uniform(size=shape) < p).astype(dt),), dict(kw)

    return make


def soft_sources(shape, **kw):
    """Weak sources, every value inside (0, 1): away from the clamp kinks at 0 and 1, where
    the gradient is one-sided (gradcheck)."""

    def make(rng, dt):
        strong = rng.uniform(size=shape) < 0.3
        x = np.where(strong, rng.uniform(0.3, 0.95, shape), rng.uniform(0.01, 0.05, shape))
        return (x.astype(dt),), dict(kw)

    return make


def hist_pair(rng, dt):
    return (image(rng, (2, 3, 6, 7), dt), (image(rng, (4, 5, 6), dt) ** 2).astype(dt)), {}


def interp_args(rng, dt):
    knots = np.sort(rng.uniform(0, 1, 7)).astype(dt)
    x = rng.uniform(-0.3, 1.3, (4, 5)).astype(dt)  # inside and beyond both ends
    return (x, knots, rng.normal(size=7).astype(dt)), {}


CASES = [
    Case("interp", interp_args, grad=(0, 1, 2)),
    Case(
        "extract_tensor_patches",
        patches_in(window_size=(3, 4), stride=(2, 3), padding=(1, 0, 1, 2)),
    ),
    Case(
        "extract_tensor_patches",
        patches_in(window_size=3, stride=2, allow_auto_padding=True),
        id="auto",
    ),
    Case("extract_tensor_patches", patches_in(window_size=(2, 5), padding=(-1, 1)), id="crop-pad"),
    Case(
        "combine_tensor_patches",
        patches_out(16, 3, (3, 4), original_size=(9, 11), stride=(2, 3), unpadding=(1, 0, 1, 2)),
    ),
    Case(
        "combine_tensor_patches",
        patches_out(6, 2, (4, 4), original_size=(8, 12), stride=4),
        id="tiles",
    ),
    Case(
        "combine_tensor_patches",
        patches_out(20, 1, (3, 3), original_size=(9, 11), stride=2, allow_auto_unpadding=True),
        id="auto",
    ),
    Case(
        "compute_padding",
        lambda rng, dt: (((9, 11), (3, 4), (2, 3)), {}),
        exact=True,
        grad=(),
        batched=(),
    ),
    Case(
        "compute_padding", lambda rng, dt: ((5, 8), {}), id="small", exact=True, grad=(), batched=()
    ),
    Case(
        "connected_components",
        binary((2, 1, 9, 11), num_iterations=6),
        exact=True,
        grad=(),
        batched=(),
    ),
    Case(
        "connected_components",
        binary((3, 1, 7, 8), p=0.7),
        id="converged",
        exact=True,
        grad=(),
        batched=(),
    ),
    Case("distance_transform", binary((2, 2, 9, 11), p=0.1), grad=()),
    Case("distance_transform", soft_sources((1, 2, 6, 7), kernel_size=5, h=0.3), id="soft-k5"),
    Case("distance_transform", binary((1, 1, 5, 6, 7), p=0.1), id="3d", grad=()),
    Case("histogram_matching", hist_pair, grad=(), batched=()),
    Case(
        "diamond_square",
        lambda rng, dt: (((2, 2, 17, 12),), dict(dtype=dt, generator=3, roughness=0.6)),
        grad=(),
        batched=(),
    ),
    Case(
        "diamond_square",
        lambda rng, dt: (
            ((2, 1, 5, 9), [0.5, 0.25], [1.0, 0.5]),
            dict(dtype=dt, generator=1, normalize_range=(-1.0, 1.0)),
        ),
        id="per-sample-normalized",
        grad=(),
        batched=(),
    ),
]
