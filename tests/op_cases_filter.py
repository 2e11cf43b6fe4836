"""Conformance cases for ``filter2d``, ``filter2d_separable`` and ``filter3d``."""

from __future__ import annotations

from op_case import Case, image

IMG = (2, 3, 9, 11)
VOL = (2, 2, 5, 6, 7)


def _k(rng, shape, dtype):
    # signed weights: sums cancel, so a wrong tap or border shows up
    return image(rng, shape, dtype, -1.0, 1.0)


def f2d(shape=IMG, kshape=(1, 3, 3), **kw):
    return lambda rng, dt: ((image(rng, shape, dt), _k(rng, kshape, dt)), dict(kw))


def f2d_int(rng, dt):
    img = rng.integers(0, 256, size=IMG).astype("uint8")
    return (img, _k(rng, (1, 3, 3), "float32")), {}


def sep(shape=IMG, kx=(1, 3), ky=(1, 5), **kw):
    return lambda rng, dt: ((image(rng, shape, dt), _k(rng, kx, dt), _k(rng, ky, dt)), dict(kw))


def f3d(shape=VOL, kshape=(1, 3, 3, 3), **kw):
    return lambda rng, dt: ((image(rng, shape, dt), _k(rng, kshape, dt)), dict(kw))


CASES = [
    # filter2d
    Case("filter2d", f2d(), grad=(0, 1)),
    Case("filter2d", f2d(kshape=(2, 3, 5)), id="per-sample", batched=(0, 1), grad=(0, 1)),
    Case("filter2d", f2d(kshape=(1, 4, 4), border_type="constant"), id="even-constant"),
    Case("filter2d", f2d(kshape=(1, 2, 5), border_type="replicate"), id="even-replicate"),
    Case("filter2d", f2d(kshape=(1, 5, 3), border_type="circular"), id="circular"),
    Case("filter2d", f2d(kshape=(1, 5, 5), normalized=True), id="normalized", grad=(0, 1)),
    Case("filter2d", f2d(kshape=(1, 3, 4), padding="valid"), id="valid"),
    Case("filter2d", f2d(kshape=(1, 3, 5), behaviour="conv"), id="conv"),
    Case("filter2d", f2d(shape=(3, 9, 11)), id="chw", batched=()),
    Case("filter2d", f2d(shape=(2, 1, 3, 4), kshape=(1, 5, 5)), id="kernel-wider-than-image"),
    Case("filter2d", f2d_int, id="uint8", grad=()),
    # filter2d_separable
    Case("filter2d_separable", sep(), grad=(0, 1, 2)),
    Case("filter2d_separable", sep(kx=(2, 3), ky=(2, 3)), id="per-sample", batched=(0, 1, 2)),
    Case(
        "filter2d_separable", sep(kx=(1, 4), ky=(1, 2), border_type="circular"), id="even-circular"
    ),
    Case("filter2d_separable", sep(normalized=True, border_type="replicate"), id="normalized"),
    Case("filter2d_separable", sep(padding="valid", border_type="constant"), id="valid"),
    Case("filter2d_separable", sep(shape=(3, 9, 11)), id="chw", batched=()),
    # filter3d
    Case("filter3d", f3d(), grad=(0, 1)),
    Case(
        "filter3d", f3d(kshape=(2, 3, 2, 3), border_type="reflect"), id="per-sample", batched=(0, 1)
    ),
    Case("filter3d", f3d(kshape=(1, 2, 3, 4), border_type="constant", behaviour="conv"), id="conv"),
    Case("filter3d", f3d(border_type="circular", normalized=True), id="normalized-circular"),
    Case("filter3d", f3d(shape=(2, 5, 6, 7)), id="cdhw", batched=()),
]
