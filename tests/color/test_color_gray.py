"""Grayscale conversions: OpenCV ``cvtColor`` (uint8, bit-exact), Kornia 0.9 (float), errors."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import float_dtypes

import portvision as pv

C = pv.color


def _u8(shape, seed=0):
    img = np.random.default_rng(seed).integers(0, 256, size=shape).astype(np.uint8)
    img[..., 0, 0, 0], img[..., 1, 0, 0], img[..., 2, 0, 0] = 255, 255, 255  # white stays 255
    img[..., 0, 0, 1], img[..., 1, 0, 1], img[..., 2, 0, 1] = 255, 0, 0  # pure red
    return img


def _cv_gray(cv2, img, code):
    planes = img.reshape(-1, 3, *img.shape[-2:])
    out = [cv2.cvtColor(np.ascontiguousarray(p.transpose(1, 2, 0)), code) for p in planes]
    return np.stack(out).reshape(img.shape[:-3] + (1,) + img.shape[-2:])


def test_uint8_equals_opencv(engine):
    cv2 = pytest.importorskip("cv2")
    img = _u8((2, 3, 7, 9))
    for fn, code in (
        (C.rgb_to_grayscale, cv2.COLOR_RGB2GRAY),
        (C.bgr_to_grayscale, cv2.COLOR_BGR2GRAY),
    ):
        got = engine.to_numpy(fn(engine.asarray(img)))
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, _cv_gray(cv2, img, code))


def test_uint8_every_grey_maps_to_itself(engine):
    grey = np.broadcast_to(np.arange(256, dtype=np.uint8)[None, :, None], (3, 256, 1)).copy()
    got = engine.to_numpy(C.rgb_to_grayscale(engine.asarray(grey)))
    np.testing.assert_array_equal(got[0, :, 0], np.arange(256))


def test_float_matches_kornia(engine, kornia, torch):
    host = np.random.default_rng(1).uniform(size=(2, 2, 3, 4, 5))
    want = kornia.color.rgb_to_grayscale(torch.from_numpy(host)).numpy()
    want_bgr = kornia.color.bgr_to_grayscale(torch.from_numpy(host)).numpy()
    w = np.array([0.2, 0.5, 0.3])
    want_w = kornia.color.rgb_to_grayscale(torch.from_numpy(host), torch.from_numpy(w)).numpy()
    for dtype in float_dtypes(engine):
        tol = dict(rtol=1e-6, atol=1e-7) if dtype == "float32" else dict(rtol=1e-12, atol=1e-14)
        x = engine.asarray(host, dtype)
        got = C.rgb_to_grayscale(x)
        assert got.shape == (2, 2, 1, 4, 5) and str(engine.to_numpy(got).dtype) == dtype
        np.testing.assert_allclose(engine.to_numpy(got), want, **tol)
        np.testing.assert_allclose(engine.to_numpy(C.bgr_to_grayscale(x)), want_bgr, **tol)
        got_w = C.rgb_to_grayscale(x, engine.asarray(w, dtype))
        np.testing.assert_allclose(engine.to_numpy(got_w), want_w, **tol)
        np.testing.assert_allclose(
            engine.to_numpy(C.rgb_to_grayscale(x, (0.2, 0.5, 0.3))), want_w, **tol
        )


def test_bt601_weights_pinned(engine):
    dtype = float_dtypes(engine)[-1]
    for c, w in enumerate((0.299, 0.587, 0.114)):
        img = np.zeros((3, 1, 1))
        img[c] = 1.0
        got = engine.to_numpy(C.rgb_to_grayscale(engine.asarray(img, dtype)))
        np.testing.assert_allclose(got, [[[w]]], rtol=1e-6)


def test_grayscale_to_rgb(engine, kornia, torch):
    host = np.random.default_rng(2).uniform(size=(2, 1, 4, 5))
    want = kornia.color.grayscale_to_rgb(torch.from_numpy(host)).numpy()
    for dtype in float_dtypes(engine) + ("uint8",):
        h = (host * 255).astype(dtype) if dtype == "uint8" else host.astype(dtype)
        got = engine.to_numpy(C.grayscale_to_rgb(engine.asarray(h)))
        assert got.dtype == np.dtype(dtype)
        ref = (want * 255).astype("uint8") if dtype == "uint8" else want
        np.testing.assert_allclose(got, ref, rtol=1e-6)


def test_gradient_reaches_image_and_weights(torch):
    x = torch.rand(1, 3, 3, 4, dtype=torch.float64, requires_grad=True)
    w = torch.tensor([0.2, 0.5, 0.3], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(C.rgb_to_grayscale, (x, w))


@pytest.mark.parametrize(
    "call, shape, dtype, exc, msg",
    [
        (
            C.rgb_to_grayscale,
            (2, 4, 4),
            "float32",
            ValueError,
            "image: expected shape (*, 3, H, W), got (2, 4, 4)",
        ),
        (
            C.rgb_to_grayscale,
            (4, 4),
            "float32",
            ValueError,
            "image: expected shape (*, 3, H, W), got (4, 4)",
        ),
        (
            C.bgr_to_grayscale,
            (1, 4, 4, 4),
            "float32",
            ValueError,
            "image: expected shape (*, 3, H, W)",
        ),
        (
            C.grayscale_to_rgb,
            (3, 4, 4),
            "float32",
            ValueError,
            "image: expected shape (*, 1, H, W), got (3, 4, 4)",
        ),
        (
            C.rgb_to_grayscale,
            (3, 4, 4),
            "int16",
            TypeError,
            "image: expected a floating dtype or uint8, got",
        ),
        (
            lambda x: C.rgb_to_grayscale(x, (0.3, 0.3, 0.4)),
            (3, 4, 4),
            "uint8",
            TypeError,
            "image: explicit rgb_weights expect a floating image",
        ),
        (
            lambda x: C.rgb_to_grayscale(x, (0.5, 0.5)),
            (3, 4, 4),
            "float32",
            ValueError,
            "rgb_weights: expected 3 weights (R, G, B), got (0.5, 0.5)",
        ),
    ],
)
def test_error_contract(engine, call, shape, dtype, exc, msg):
    x = engine.asarray(np.zeros(shape, dtype=dtype))
    with pytest.raises(exc) as info:
        call(x)
    assert msg in str(info.value)


def test_weight_array_shape_error(engine):
    x = engine.asarray(np.zeros((3, 2, 2), dtype="float32"))
    with pytest.raises(ValueError, match=r"rgb_weights: expected shape \(3,\), got \(4,\)"):
        C.rgb_to_grayscale(x, engine.asarray(np.ones(4, dtype="float32")))
