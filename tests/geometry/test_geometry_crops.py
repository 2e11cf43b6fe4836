"""Crops: Kornia 0.9 (float64) as the oracle, Kornia's documented examples, slicing
identities (an integer box is a slice with ``align_corners=True``) and the error contract."""

from __future__ import annotations

import numpy as np
import pytest

import portvision as pv

T = pv.geometry.transform
RNG = np.random.default_rng(0)
X = RNG.uniform(size=(2, 3, 9, 11))
V = RNG.uniform(size=(2, 2, 5, 6, 7))
BOX = np.array(
    [
        [[1.0, 1.0], [6.0, 1.0], [6.0, 5.0], [1.0, 5.0]],
        [[0.5, 2.0], [8.0, 2.0], [8.0, 7.0], [0.5, 7.0]],
    ]
)
FLAT = np.array([[[1.0, 3.0], [6.0, 3.0], [6.0, 3.0], [1.0, 3.0]]] * 2)
DST = np.array([[[0.0, 0.0], [3.0, 0.0], [3.0, 2.0], [0.0, 2.0]]] * 2)
HOM = np.array([[[1.0, 0.1, -1], [0.05, 1.0, -2], [0.001, 0.002, 1]]])
CUBE = np.array(
    [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]], float
)
BOX3 = np.stack([CUBE * [3, 2, 2] + [1, 1, 1], CUBE * [4, 3, 2] + [0.5, 0, 1]])
DST3 = np.stack([CUBE * [2, 3, 1]] * 2)

ORACLE = [
    ("crop_and_resize", X, (BOX, (4, 6)), {}),
    # nearest: corners off the half-pixel ties, where float32 and float64 may round apart
    ("crop_and_resize", X, (BOX + 0.13, (3, 5)), dict(mode="nearest", padding_mode="border")),
    ("crop_and_resize", X, (FLAT, (1, 6)), {}),
    ("center_crop", X, ((4, 5),), {}),
    ("center_crop", X, ((5, 6),), dict(mode="nearest")),
    ("center_crop", X, ((12, 4),), dict(padding_mode="reflection")),
    ("crop_by_boxes", X, (BOX, DST), {}),
    ("crop_by_transform_mat", X, (HOM, (4, 5)), {}),
    ("crop_by_transform_mat", X, (HOM[:, :2], (4, 5)), dict(align_corners=False)),
    ("crop_and_resize3d", V, (BOX3, (3, 4, 5)), {}),
    ("crop_by_boxes3d", V, (BOX3, DST3), {}),
    ("center_crop3d", V, ((3, 4, 5),), {}),
    ("center_crop3d", V, ((2, 3, 4),), dict(align_corners=False)),
]


def _conv(torch, a):
    return torch.from_numpy(a) if isinstance(a, np.ndarray) else a


@pytest.mark.parametrize("name, x, args, kw", ORACLE, ids=[o[0] for o in ORACLE])
def test_matches_kornia(name, x, args, kw, engine, kornia, torch):
    want = getattr(kornia.geometry.transform, name)(
        torch.from_numpy(x), *(_conv(torch, a) for a in args), **kw
    ).numpy()
    dtype = "float32" if engine.no_float64 else "float64"
    cast = lambda a: engine.asarray(a.astype(dtype)) if isinstance(a, np.ndarray) else a  # noqa: E731
    got = engine.to_numpy(getattr(T, name)(cast(x), *map(cast, args), **kw))
    assert got.shape == want.shape and str(got.dtype) == dtype
    tol = dict(rtol=1e-9, atol=1e-9) if dtype == "float64" else dict(rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(got, want, **tol)


def test_kornia_documented_examples():
    img = np.arange(1, 17, dtype=np.float32).reshape(1, 1, 4, 4)
    box = np.array([[[1.0, 1.0], [2.0, 1.0], [2.0, 2.0], [1.0, 2.0]]], np.float32)
    np.testing.assert_array_equal(
        T.crop_and_resize(img, box, (2, 2), mode="nearest")[0, 0], [[6, 7], [10, 11]]
    )
    np.testing.assert_array_equal(
        T.center_crop(img, (2, 4), mode="nearest")[0, 0], [[5, 6, 7, 8], [9, 10, 11, 12]]
    )
    dst = np.array([[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]], np.float32)
    np.testing.assert_allclose(T.crop_by_boxes(img - 1, box, dst)[0, 0], [[5, 6], [9, 10]])


def test_integer_boxes_are_slices(engine):
    host = RNG.uniform(size=(2, 3, 8, 9)).astype("float32")
    x = engine.asarray(host)
    box = np.array([[[2.0, 1.0], [6.0, 1.0], [6.0, 4.0], [2.0, 4.0]]] * 2, "float32")
    got = engine.to_numpy(T.crop_and_resize(x, engine.asarray(box), (4, 5)))
    np.testing.assert_allclose(got, host[:, :, 1:5, 2:7], atol=1e-5)
    got = engine.to_numpy(T.center_crop(x, (4, 5)))
    np.testing.assert_allclose(got, host[:, :, 2:6, 2:7], atol=1e-5)
    vol = RNG.uniform(size=(1, 1, 6, 6, 6)).astype("float32")
    got = engine.to_numpy(T.center_crop3d(engine.asarray(vol), (2, 4, 2)))
    np.testing.assert_allclose(got, vol[:, :, 2:4, 1:5, 2:4], atol=1e-5)


def test_crop_and_resize_gradients(torch):
    x = torch.from_numpy(RNG.uniform(size=(1, 2, 6, 7))).requires_grad_(True)
    b = torch.from_numpy(BOX[:1] * 0.7).requires_grad_(True)
    assert torch.autograd.gradcheck(lambda x, b: T.crop_and_resize(x, b, (3, 4)), (x, b))


ERRORS = [
    (T.crop_and_resize, (X, BOX[:, :3], (2, 2)), ValueError, r"boxes: expected shape \(B, 4, 2\)"),
    (T.crop_and_resize, (X, BOX, (0, 2)), ValueError, "size: expected a sequence of 2 positive"),
    (T.crop_and_resize, (X, BOX, (1, 4)), ValueError, "boxes: expected boxes with a non-zero"),
    (T.crop_and_resize, (X, np.concatenate([BOX] * 2), (2, 2)), ValueError, "boxes: expected a"),
    (T.center_crop, (X[0, 0], (2, 2)), ValueError, r"input_tensor: expected shape"),
    (T.center_crop, (X, (2,)), ValueError, "size: expected a sequence of 2"),
    (
        T.crop_by_boxes,
        (X, BOX, np.concatenate([DST[:1], 2 * DST[:1]])),
        ValueError,
        "dst_box: expected boxes of one positive size",
    ),
    (T.crop_by_transform_mat, (X, HOM[:, :, :2], (2, 2)), ValueError, r"transform: expected"),
    (T.crop_by_transform_mat, (X, HOM, (2, 0)), ValueError, "out_size: expected"),
    (T.crop_and_resize3d, (V, BOX3[:, :4], (2, 2, 2)), ValueError, r"boxes: expected shape"),
    (T.center_crop3d, (V, (2, 2)), ValueError, "size: expected a sequence of 3"),
    (T.crop_by_boxes3d, (V, BOX3, np.zeros((2, 8, 3))), ValueError, "src_box: expected points"),
]


@pytest.mark.parametrize("fn, args, exc, msg", ERRORS)
def test_error_contract(fn, args, exc, msg, engine):
    cast = lambda a: engine.asarray(a.astype("float32")) if isinstance(a, np.ndarray) else a  # noqa: E731
    with pytest.raises(exc, match=msg):
        fn(*map(cast, args))
