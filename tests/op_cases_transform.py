"""Conformance cases for resizing, flips, transform-matrix builders, affine ops and crops
(``portvision.geometry.transform``)."""

from __future__ import annotations

import numpy as np
from op_case import Case, image

IMG = (2, 3, 9, 11)


def img(shape=IMG, *rest, **kw):
    return lambda rng, dt: ((image(rng, shape, dt), *rest), dict(kw))


def img_uint8(fn_args=(), **kw):
    def make(rng, dt):
        return (rng.integers(0, 256, size=IMG).astype("uint8"), *fn_args), dict(kw)

    return make


def _normal(rng, shape, dt, scale=1.0):
    return (rng.normal(size=shape) * scale).astype(dt)


def _uniform(rng, shape, dt, low, high):
    return rng.uniform(low, high, size=shape).astype(dt)


def rot2d(rng, dt):
    return (
        _normal(rng, (3, 2), dt, 4.0),
        _normal(rng, (3,), dt, 60.0),
        _uniform(rng, (3, 2), dt, 0.5, 2.0),
    ), {}


def trans2d(rng, dt):
    return (_normal(rng, (3, 2), dt, 3.0),), {}


def shear2d(with_sy=True):
    def make(rng, dt):
        kw = {"sy": _normal(rng, (3,), dt, 0.3)} if with_sy else {}
        return (_normal(rng, (3, 2), dt, 4.0), _normal(rng, (3,), dt, 0.3)), kw

    return make


def affine2d(shear=True):
    def make(rng, dt):
        args = (
            _normal(rng, (3, 2), dt, 3.0),
            _normal(rng, (3, 2), dt, 4.0),
            _uniform(rng, (3, 2), dt, 0.5, 2.0),
            _normal(rng, (3,), dt, 60.0),
        )
        if shear:
            args += (_normal(rng, (3,), dt, 0.3), _normal(rng, (3,), dt, 0.3))
        return args, {}

    return make


def inv_affine(rng, dt):
    m = np.eye(2, 3)[None] + rng.normal(size=(3, 2, 3)) * 0.3
    return (m.astype(dt),), {}


def quads(rng, dt):
    sq = np.array([[0.0, 0.0], [10.0, 0.0], [10.0, 8.0], [0.0, 8.0]])
    src = sq[None] + rng.normal(size=(3, 4, 2))
    dst = sq[None] * 1.5 + 2.0 + rng.normal(size=(3, 4, 2))
    return (src.astype(dt), dst.astype(dt)), {}


def proj_rt(rng, dt):
    return (_normal(rng, (3, 3, 3), dt), _normal(rng, (3, 3, 1), dt)), {}


def projective(rng, dt):
    return (
        _normal(rng, (3, 3), dt, 4.0),
        _normal(rng, (3, 3), dt, 40.0),
        _uniform(rng, (3, 3), dt, 0.5, 2.0),
    ), {}


def shear3d(rng, dt):
    kw = {n: _normal(rng, (3,), dt, 0.3) for n in ("sxz", "syx", "szy")}
    return (_normal(rng, (3, 3), dt, 4.0), _normal(rng, (3,), dt, 0.3)), kw


def affine3d_mat(shear=True):
    def make(rng, dt):
        args = (
            _normal(rng, (3, 3), dt, 3.0),
            _normal(rng, (3, 3), dt, 4.0),
            _uniform(rng, (3, 3), dt, 0.5, 2.0),
            _normal(rng, (3, 3), dt, 40.0),
        )
        if shear:
            args += tuple(_normal(rng, (3,), dt, 0.3) for _ in range(6))
        return args, {}

    return make


CUBE = np.array(
    [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]],
    dtype=float,
)


def boxes3d(rng, dt):
    src = CUBE[None] * 6 + rng.normal(size=(3, 8, 3)) * 0.3
    dst = CUBE[None] * 9 + 1 + rng.normal(size=(3, 8, 3)) * 0.3
    return (src.astype(dt), dst.astype(dt)), {}


def with_arrays(shape, *makers, **kw):
    """Image of ``shape`` followed by arrays drawn by ``makers(rng, dt)``."""
    return lambda rng, dt: ((image(rng, shape, dt), *(m(rng, dt) for m in makers)), dict(kw))


def angles(n=2, s=40.0):
    return lambda rng, dt: _normal(rng, (n,), dt, s)


def pairs(n=2, s=1.0, low=None):
    if low is not None:
        return lambda rng, dt: _uniform(rng, (n, 2), dt, low, s)
    return lambda rng, dt: _normal(rng, (n, 2), dt, s)


def affines(n=2, rows=2, s=0.15):
    return lambda rng, dt: (
        np.eye(rows, rows + 1)[None] + rng.normal(size=(n, rows, rows + 1)) * s
    ).astype(dt)


def crop_boxes(rng, dt):
    b = np.array([[[1.0, 1.0], [6.0, 1.0], [6.0, 5.0], [1.0, 5.0]],
                  [[0.5, 2.0], [8.0, 2.0], [8.0, 7.0], [0.5, 7.0]]])  # fmt: skip
    return (b + rng.uniform(-0.3, 0.3, size=b.shape)).astype(dt)


def dst_boxes(rng, dt):
    return np.array([[[0.0, 0.0], [3.0, 0.0], [3.0, 2.0], [0.0, 2.0]]] * 2, dtype=dt)


def homographies(rng, dt):
    h = np.array([[1.0, 0.1, -1.0], [0.05, 1.0, -2.0], [0.001, 0.002, 1.0]])
    return (
        h[None] + rng.normal(size=(2, 3, 3)) * [[0.05, 0.05, 0.3], [0.05, 0.05, 0.3], [0, 0, 0]]
    ).astype(dt)


def boxes3d_crop(rng, dt):
    b = np.stack([CUBE * [3, 2, 2] + [1, 1, 1], CUBE * [4, 3, 2] + [0.5, 0, 1]])
    return (b + rng.uniform(-0.2, 0.2, size=b.shape)).astype(dt)


def dst3d(rng, dt):
    return np.stack([CUBE * [2, 3, 1]] * 2).astype(dt)


VOL = (2, 2, 5, 6, 7)


F32 = {"float32": (2e-4, 2e-4)}  # matrix entries of magnitude ~10-100 built in float32

CASES = [
    # resize / rescale / resize_to_be_divisible
    Case("resize", img(IMG, (5, 7))),
    Case("resize", img(IMG, (13, 17), align_corners=True), id="up-align"),
    Case("resize", img(IMG, (6, 4), interpolation="bicubic"), id="bicubic"),
    Case("resize", img(IMG, (12, 5), interpolation="bicubic", align_corners=True), id="bicubic-ac"),
    Case("resize", img(IMG, (4, 15), interpolation="nearest"), id="nearest"),
    Case("resize", img(IMG, (4, 15), interpolation="nearest-exact"), id="nearest-exact"),
    Case("resize", img(IMG, (4, 5), interpolation="area"), id="area"),
    Case("resize", img((2, 3, 8, 12), (4, 4), interpolation="area"), id="area-integer"),
    Case("resize", img(IMG, 5, side="long"), id="int-long"),
    Case("resize", img(IMG, 6), id="int-short"),
    Case("resize", img((2, 3, 16, 14), (5, 4), antialias=True), id="antialias"),
    Case("resize", img((3, 9, 11), (5, 7)), id="chw", batched=()),
    Case("resize", img((2, 2, 3, 9, 11), (5, 7)), id="5d"),
    Case("resize", img_uint8(((5, 7),)), id="uint8", grad=()),
    Case("rescale", img(IMG, 0.5)),
    Case("rescale", img(IMG, (1.5, 0.7), interpolation="bicubic"), id="pair-bicubic"),
    Case("rescale", img((2, 3, 16, 16), 0.25, antialias=True), id="antialias"),
    Case("resize_to_be_divisible", img(IMG, 4)),
    Case("resize_to_be_divisible", img((2, 3, 13, 10), 3, interpolation="nearest"), id="nearest"),
    # flips
    Case("hflip", img()),
    Case("hflip", img((3, 9, 11)), id="chw", batched=()),
    Case("hflip", img_uint8(), id="uint8", grad=(), exact=True, out_dtype="uint8"),
    Case("vflip", img()),
    Case("vflip", img_uint8(), id="uint8", grad=(), exact=True, out_dtype="uint8"),
    Case("rot180", img()),
    Case("rot180", img((9, 11)), id="hw", batched=()),
    Case("rot180", img_uint8(), id="uint8", grad=(), exact=True, out_dtype="uint8"),
    # matrix builders
    Case("get_rotation_matrix2d", rot2d, grad=(0, 1, 2), batched=(0, 1, 2), tol=F32),
    Case("get_translation_matrix2d", trans2d, batched=(0,)),
    Case("get_shear_matrix2d", shear2d(), grad=(0, 1), batched=(0, 1, "sy"), tol=F32),
    Case("get_shear_matrix2d", shear2d(False), id="sx-only", grad=(0, 1), batched=(0, 1)),
    Case(
        "get_affine_matrix2d", affine2d(), grad=(0, 1, 2, 3, 4, 5), batched=tuple(range(6)), tol=F32
    ),
    Case(
        "get_affine_matrix2d",
        affine2d(False),
        id="no-shear",
        grad=(0, 1, 2, 3),
        batched=(0, 1, 2, 3),
        tol=F32,
    ),
    Case("invert_affine_transform", inv_affine, tol=F32),
    Case(
        "get_perspective_transform",
        quads,
        grad=(0, 1),
        batched=(0, 1),
        tol={"float32": (2e-3, 2e-4)},
    ),
    Case("projection_from_Rt", proj_rt, grad=(0, 1), batched=(0, 1)),
    Case("get_projective_transform", projective, grad=(0, 1, 2), batched=(0, 1, 2), tol=F32),
    Case(
        "get_shear_matrix3d",
        shear3d,
        grad=(0, 1),
        batched=(0, 1, "sxz", "syx", "szy"),
        tol={"float32": (1e-3, 1e-3)},
    ),
    Case(
        "get_affine_matrix3d",
        affine3d_mat(),
        grad=tuple(range(10)),
        batched=tuple(range(10)),
        tol={"float32": (1e-3, 1e-3)},
    ),
    Case(
        "get_affine_matrix3d",
        affine3d_mat(False),
        id="no-shear",
        grad=(0, 1, 2, 3),
        batched=(0, 1, 2, 3),
        tol=F32,
    ),
    Case(
        "get_perspective_transform3d",
        boxes3d,
        grad=(0, 1),
        batched=(0, 1),
        tol={"float32": (5e-3, 5e-3)},
    ),
    # affine convenience warps
    Case("affine", with_arrays(IMG, affines()), grad=(0, 1), batched=(0, 1)),
    Case("affine", with_arrays((3, 9, 11), affines(1)), id="chw", grad=(0, 1), batched=()),
    Case("rotate", with_arrays(IMG, angles()), grad=(0, 1), batched=(0, 1)),
    Case(
        "rotate",
        with_arrays(IMG, angles(), pairs(2, 4.0), mode="nearest", padding_mode="border"),
        id="center-nearest",
        grad=(),
        batched=(0, 1, 2),
    ),
    Case(
        "rotate",
        with_arrays(IMG, angles(1), padding_mode="reflection", align_corners=False),
        id="shared-angle-reflection",
        grad=(0, 1),
        batched=(0,),
    ),
    Case("translate", with_arrays(IMG, pairs(2, 1.5)), grad=(0, 1), batched=(0, 1)),
    Case(
        "scale",
        with_arrays(IMG, lambda rng, dt: _uniform(rng, (2,), dt, 0.6, 1.6)),
        grad=(0, 1),
        batched=(0, 1),
    ),
    Case(
        "scale",
        with_arrays(IMG, pairs(2, 1.6, 0.6), pairs(2, 4.0)),
        id="xy-center",
        grad=(0, 1, 2),
        batched=(0, 1, 2),
    ),
    Case("shear", with_arrays(IMG, pairs(2, 0.3)), grad=(0, 1), batched=(0, 1)),
    Case("affine3d", with_arrays(VOL, affines(2, 3, 0.1)), grad=(0, 1), batched=(0, 1)),
    Case(
        "rotate3d",
        with_arrays(VOL, angles(2, 30.0), angles(2, 30.0), angles(2, 30.0)),
        grad=(0, 1, 2, 3),
        batched=(0, 1, 2, 3),
    ),
    # crops
    Case("crop_and_resize", with_arrays(IMG, crop_boxes, size=(4, 6)), grad=(0, 1), batched=(0, 1)),
    Case(
        "crop_and_resize",
        with_arrays(IMG, crop_boxes, size=(3, 5), mode="nearest", padding_mode="border"),
        id="nearest",
        grad=(),
        batched=(0, 1),
    ),
    Case("center_crop", img(IMG, (4, 5))),
    Case("center_crop", img(IMG, (5, 6), padding_mode="reflection"), id="odd-reflection"),
    Case("center_crop", img((3, 9, 11), (4, 5)), id="chw", batched=()),
    Case("crop_by_boxes", with_arrays(IMG, crop_boxes, dst_boxes), grad=(0, 1), batched=(0, 1, 2)),
    Case(
        "crop_by_transform_mat",
        with_arrays(IMG, homographies, out_size=(4, 5)),
        grad=(0, 1),
        batched=(0, 1),
    ),
    Case(
        "crop_by_transform_mat",
        with_arrays(IMG, affines(2, 2, 0.1), out_size=(5, 4)),
        id="affine",
        grad=(0, 1),
        batched=(0, 1),
    ),
    Case(
        "crop_and_resize3d",
        with_arrays(VOL, boxes3d_crop, size=(3, 4, 5)),
        grad=(0, 1),
        batched=(0, 1),
    ),
    Case("crop_by_boxes3d", with_arrays(VOL, boxes3d_crop, dst3d), grad=(0, 1), batched=(0, 1, 2)),
    Case("center_crop3d", img(VOL, (3, 4, 5))),
    Case("center_crop3d", img(VOL, (2, 3, 4), align_corners=False), id="no-align"),
]
