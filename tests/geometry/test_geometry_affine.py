"""affine / rotate / translate / scale / shear / affine3d / rotate3d: Kornia 0.9 (float64)
as the oracle, analytic identities (rotation by 90 degrees is ``rot90`` on a square image,
a zero transform is the identity, translate by whole pixels shifts) and the error contract."""

from __future__ import annotations

import numpy as np
import pytest

import portvision as pv

T = pv.geometry.transform
RNG = np.random.default_rng(0)
X = RNG.uniform(size=(2, 3, 9, 11))
V = RNG.uniform(size=(2, 2, 5, 6, 7))
ANG = RNG.normal(size=2) * 40
CEN = RNG.normal(size=(2, 2)) + 4
MAT = np.eye(2, 3)[None] + RNG.normal(size=(2, 2, 3)) * 0.2
MAT3 = np.eye(3, 4)[None] + RNG.normal(size=(2, 3, 4)) * 0.1

ORACLE = [
    ("rotate", X, (ANG,), {}),
    ("rotate", X, (ANG, CEN), dict(mode="nearest")),
    ("rotate", X, (ANG[:1],), dict(padding_mode="reflection", align_corners=False)),
    ("rotate", X[0], (ANG[:1],), dict(padding_mode="border")),
    ("affine", X, (MAT,), {}),
    ("affine", X[:1], (MAT,), {}),
    ("affine", X[0], (MAT,), {}),  # one (C, H, W) image, two matrices: a batch of 2
    ("translate", X, (RNG.normal(size=(2, 2)),), {}),
    ("scale", X, (RNG.uniform(0.5, 2, size=2),), {}),
    ("scale", X, (RNG.uniform(0.5, 2, size=(2, 2)), CEN), {}),
    ("shear", X, (RNG.normal(size=(2, 2)) * 0.3,), {}),
    ("affine3d", V, (MAT3,), {}),
    ("rotate3d", V, tuple(RNG.normal(size=2) * 30 for _ in range(3)), {}),
    ("rotate3d", V, tuple(RNG.normal(size=2) * 30 for _ in range(3)), dict(align_corners=True)),
]


@pytest.mark.parametrize("name, x, args, kw", ORACLE, ids=[o[0] for o in ORACLE])
def test_matches_kornia(name, x, args, kw, engine, kornia, torch):
    want = getattr(kornia.geometry.transform, name)(
        torch.from_numpy(x), *map(torch.from_numpy, args), **kw
    ).numpy()
    dtype = "float32" if engine.no_float64 else "float64"
    cast = lambda a: engine.asarray(a.astype(dtype))  # noqa: E731
    got = engine.to_numpy(getattr(T, name)(cast(x), *map(cast, args), **kw))
    assert got.shape == want.shape and str(got.dtype) == dtype
    tol = dict(rtol=1e-9, atol=1e-9) if dtype == "float64" else dict(rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(got, want, **tol)


def test_rotate_90_is_rot90_on_a_square_image(engine):
    host = RNG.uniform(size=(2, 3, 7, 7)).astype("float32")
    x = engine.asarray(host)
    ccw = engine.to_numpy(T.rotate(x, engine.asarray(np.array([90.0], "float32"))))
    np.testing.assert_allclose(ccw, np.rot90(host, 1, axes=(2, 3)), atol=1e-5)
    cw = engine.to_numpy(T.rotate(x, engine.asarray(np.array([-90.0, -90.0], "float32"))))
    np.testing.assert_allclose(cw, np.rot90(host, -1, axes=(2, 3)), atol=1e-5)
    half = engine.to_numpy(T.rotate(x, engine.asarray(np.array([180.0], "float32"))))
    np.testing.assert_allclose(half, engine.to_numpy(T.rot180(x)), atol=1e-5)


def test_zero_transforms_are_the_identity(engine):
    host = RNG.uniform(size=(2, 3, 6, 5)).astype("float32")
    x = engine.asarray(host)
    zeros2 = engine.asarray(np.zeros((2, 2), "float32"))
    for out in (
        T.rotate(x, engine.asarray(np.zeros(2, "float32"))),
        T.translate(x, zeros2),
        T.scale(x, engine.asarray(np.ones(2, "float32"))),
        T.shear(x, zeros2, align_corners=True),
        T.affine(x, engine.asarray(np.eye(2, 3, dtype="float32")[None])),
    ):
        np.testing.assert_allclose(engine.to_numpy(out), host, atol=1e-6)


def test_translate_by_whole_pixels_shifts(engine):
    host = RNG.uniform(size=(1, 1, 5, 6)).astype("float32")
    out = T.translate(engine.asarray(host), engine.asarray(np.array([[2.0, -1.0]], "float32")))
    want = np.zeros_like(host)
    want[0, 0, :4, 2:] = host[0, 0, 1:, :4]
    np.testing.assert_allclose(engine.to_numpy(out), want, atol=1e-6)


def test_rotate_matches_opencv_warp_affine_on_the_interior(cv2):
    """cv2.warpAffine with getRotationMatrix2D: same geometry; OpenCV's bilinear weights are
    1/32-pixel fixed point, so agreement is ~1e-2, and its border differs (not compared)."""
    img = RNG.uniform(size=(21, 21)).astype("float32")
    m = cv2.getRotationMatrix2D((10.0, 10.0), 30.0, 1.0)
    want = cv2.warpAffine(img, m, (21, 21), flags=cv2.INTER_LINEAR)
    got = T.rotate(img[None, None], np.array([30.0], "float32"))[0, 0]
    np.testing.assert_allclose(got[5:-5, 5:-5], want[5:-5, 5:-5], atol=2e-2)


def test_gradients_through_image_and_parameters(torch):
    x = torch.from_numpy(RNG.uniform(size=(1, 2, 5, 6))).requires_grad_(True)
    a = torch.tensor([25.0], dtype=torch.float64, requires_grad=True)
    c = torch.tensor([[2.0, 1.5]], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x, a, c: T.rotate(x, a, c), (x, a, c))
    s = torch.tensor([[1.2, 0.8]], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x, s: T.scale(x, s), (x, s))


ERRORS = [
    (T.rotate, (X, np.zeros(3)), {}, ValueError, r"angle: expected shape \(B,\) with B = 1 or 2"),
    (T.rotate, (X, np.zeros(2), np.zeros((2, 3))), {}, ValueError, r"center: expected shape"),
    (T.rotate, (X[:1], np.zeros(3), np.zeros((2, 2))), {}, ValueError, r"center: expected .* 3"),
    (T.rotate, (X, np.zeros(2)), dict(mode="bicubic"), ValueError, "mode: expected one of"),
    (T.rotate, (X, np.zeros(2)), dict(padding_mode="fill"), ValueError, "padding_mode: expected"),
    (T.rotate, (X[0, 0], np.zeros(1)), {}, ValueError, r"tensor: expected shape \(B, C, H, W\)"),
    (T.affine, (X, np.zeros((2, 3, 3))), {}, ValueError, r"matrix: expected shape \(B, 2, 3\)"),
    (T.affine, (X, np.zeros((2, 2, 3))), {}, ValueError, "M: expected invertible"),
    (T.translate, (X, np.zeros((2, 3))), {}, ValueError, r"translation: expected shape \(B, 2\)"),
    (T.scale, (X, np.zeros((2, 3))), {}, ValueError, r"scale_factor: expected shape"),
    (T.shear, (X, np.zeros((2, 2))), dict(align_corners=1), TypeError, "align_corners: expected"),
    (T.affine3d, (V, np.zeros((2, 3, 3))), {}, ValueError, r"matrix: expected shape \(B, 3, 4\)"),
    (T.rotate3d, (V, np.zeros(2), np.zeros(2), np.zeros(3)), {}, ValueError, "roll: expected"),
]


@pytest.mark.parametrize("fn, args, kw, exc, msg", ERRORS)
def test_error_contract(fn, args, kw, exc, msg, engine):
    with pytest.raises(exc, match=msg):
        fn(*(engine.asarray(a.astype("float32")) for a in args), **kw)
