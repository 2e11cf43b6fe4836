"""resize / rescale / resize_to_be_divisible: Kornia 0.9 (float64) as the oracle, OpenCV's
``cv2.resize`` where its convention matches, identities and the error contract."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import float_dtypes

import portvision as pv

T = pv.geometry.transform


def _img(shape, seed=0, dtype="float64"):
    return np.random.default_rng(seed).uniform(size=shape).astype(dtype)


def _run(engine, fn, host, *args, **kwargs):
    return engine.to_numpy(fn(engine.asarray(host), *args, **kwargs))


def _tol(dtype):
    return dict(rtol=1e-9, atol=1e-10) if dtype == "float64" else dict(rtol=1e-4, atol=2e-5)


KORNIA_RESIZE = [
    ((2, 3, 9, 11), dict(size=(5, 7))),
    ((2, 3, 9, 11), dict(size=(13, 17), align_corners=True)),
    ((2, 3, 9, 11), dict(size=(6, 20), interpolation="bicubic")),
    ((2, 3, 9, 11), dict(size=(6, 20), interpolation="bicubic", align_corners=True)),
    ((2, 3, 9, 11), dict(size=(4, 15), interpolation="nearest")),
    ((2, 3, 9, 11), dict(size=(4, 15), interpolation="nearest-exact")),
    ((2, 3, 9, 11), dict(size=(4, 5), interpolation="area")),
    ((2, 3, 9, 11), dict(size=5, side="long")),
    ((2, 3, 11, 9), dict(size=5, side="short")),
    ((2, 3, 9, 11), dict(size=4, side="vert")),
    ((2, 3, 9, 11), dict(size=4, side="horz")),
    ((2, 3, 20, 17), dict(size=(6, 5), antialias=True)),
    ((2, 3, 20, 17), dict(size=(6, 30), antialias=True)),
    ((3, 9, 11), dict(size=(5, 7))),
    ((9, 11), dict(size=(5, 7), interpolation="bicubic")),
    ((2, 2, 3, 9, 11), dict(size=(5, 7))),
]


@pytest.mark.parametrize("shape, kw", KORNIA_RESIZE)
def test_resize_matches_kornia(shape, kw, engine, kornia, torch):
    for dtype in float_dtypes(engine):
        host = _img(shape, dtype=dtype)
        want = kornia.geometry.transform.resize(torch.from_numpy(host), **kw).numpy()
        got = _run(engine, T.resize, host, **kw)
        assert got.shape == want.shape and str(got.dtype) == dtype
        np.testing.assert_allclose(got, want, **_tol(dtype))


@pytest.mark.parametrize(
    "factor, kw",
    [(0.5, {}), ((1.5, 0.7), dict(interpolation="bicubic")), (0.3, dict(antialias=True))],
)
def test_rescale_matches_kornia(factor, kw, kornia, torch):
    host = _img((2, 3, 16, 13))
    want = kornia.geometry.transform.rescale(torch.from_numpy(host), factor, **kw).numpy()
    np.testing.assert_allclose(T.rescale(host, factor, **kw), want, rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("shape, factor", [((2, 3, 30, 45), 8), ((1, 1, 13, 10), 3)])
def test_resize_to_be_divisible_matches_kornia(shape, factor, kornia, torch):
    host = _img(shape)
    want = kornia.geometry.transform.resize_to_be_divisible(torch.from_numpy(host), factor)
    got = T.resize_to_be_divisible(host, factor)
    assert got.shape[-2] % factor == 0 and got.shape[-1] % factor == 0
    np.testing.assert_allclose(got, want.numpy(), rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize(
    "interp, flag, shape, size",
    [
        ("bilinear", "INTER_LINEAR", (17, 23), (8, 40)),
        ("bilinear", "INTER_LINEAR", (32, 32), (16, 16)),
        ("bicubic", "INTER_CUBIC", (17, 23), (30, 11)),
        ("area", "INTER_AREA", (18, 24), (6, 8)),
    ],
)
def test_resize_matches_opencv(interp, flag, shape, size, engine, cv2):
    """OpenCV: INTER_LINEAR = bilinear with align_corners=False (half-pixel centres),
    INTER_CUBIC = bicubic (Keys a = -0.75), INTER_AREA = area for integer shrink factors.
    INTER_NEAREST differs (it is not bit-compatible with torch's ``nearest``), as does
    INTER_AREA for non-integer factors (it weighs by overlap, not adaptive pooling)."""
    host = _img(shape, dtype="float32")
    want = cv2.resize(host, size[::-1], interpolation=getattr(cv2, flag))
    got = _run(engine, T.resize, host[None, None], size, interpolation=interp)[0, 0]
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(
    "interp, ac",
    [
        ("bilinear", None),
        ("bilinear", True),
        ("bicubic", False),
        ("bicubic", True),
        ("nearest", None),
        ("nearest-exact", None),
        ("area", None),
    ],
)
def test_resize_to_same_size_is_identity(interp, ac, engine):
    host = _img((2, 3, 7, 9), dtype="float32")
    got = _run(engine, T.resize, host, (7, 9), interpolation=interp, align_corners=ac)
    np.testing.assert_allclose(got, host, rtol=1e-6, atol=1e-6)


def test_resize_constant_image_stays_constant(engine):
    host = np.full((1, 2, 6, 7), 0.25, dtype="float32")
    for interp in ("bilinear", "bicubic", "area", "nearest"):
        got = _run(engine, T.resize, host, (11, 4), interpolation=interp)
        np.testing.assert_allclose(got, 0.25, rtol=1e-6)


def test_resize_documented_values():
    img = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
    np.testing.assert_array_equal(T.resize(img, (2, 2))[0, 0], [[2.5, 4.5], [10.5, 12.5]])
    np.testing.assert_array_equal(T.resize(img, (2, 2), "nearest")[0, 0], [[0, 2], [8, 10]])


def test_resize_zero_size_gives_empty_image(engine):
    out = T.resize(engine.asarray(_img((2, 3, 5, 5), dtype="float32")), (0, 4))
    assert tuple(out.shape) == (2, 3, 0, 4)


def test_resize_integer_input_is_float32(engine):
    host = np.arange(30, dtype=np.uint8).reshape(1, 1, 5, 6)
    out = T.resize(engine.asarray(host), (3, 3))
    assert str(engine.to_numpy(out).dtype) == "float32"


def test_resize_gradcheck(torch):
    x = torch.from_numpy(_img((1, 2, 5, 6))).requires_grad_(True)
    for kw in (
        dict(size=(3, 8)),
        dict(size=(2, 3), antialias=True),
        dict(size=(7, 4), interpolation="bicubic", align_corners=True),
    ):
        assert torch.autograd.gradcheck(lambda t, kw=kw: T.resize(t, **kw), (x,))


ERRORS = [
    (T.resize, ((2, 2),), dict(interpolation="linear"), ValueError, "interpolation: expected"),
    (
        T.resize,
        ((2, 2),),
        dict(interpolation="nearest", align_corners=True),
        ValueError,
        "align_corners: expected None",
    ),
    (T.resize, ((-1, 2),), {}, ValueError, "size: expected a non-negative"),
    (T.resize, ((2, 2, 2),), {}, ValueError, "size: expected a non-negative"),
    (T.resize, (2,), dict(side="diag"), ValueError, "side: expected one of"),
    (T.rescale, (0.0,), {}, ValueError, "factor: expected a positive"),
    (T.rescale, ((1.0, -2.0),), {}, ValueError, "factor: expected a positive"),
    (T.resize_to_be_divisible, (0,), {}, ValueError, "divisible_factor: expected a positive"),
]


@pytest.mark.parametrize("fn, args, kw, exc, msg", ERRORS)
def test_error_contract(fn, args, kw, exc, msg, engine):
    x = engine.asarray(_img((1, 1, 4, 4), dtype="float32"))
    with pytest.raises(exc, match=msg):
        fn(x, *args, **kw)


def test_error_contract_shapes(engine):
    with pytest.raises(ValueError, match=r"input: expected shape \(\*, H, W\), got \(4,\)"):
        T.resize(engine.asarray(np.zeros(4, dtype="float32")), (2, 2))
    with pytest.raises(ValueError, match="input: expected a positive height and width"):
        T.resize(engine.asarray(np.zeros((1, 0, 4), dtype="float32")), 3)
    with pytest.raises(TypeError, match="input: expected an array"):
        T.resize([[1.0]], (2, 2))
