"""HSV: Kornia 0.9 (float64 oracle), OpenCV ``cvtColor`` (hue in degrees), scikit-image
``rgb2hsv`` (hue in turns, channels last), round trips, hue range, NaN-free gradients on
black / white / grey, and the error contract."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import float_dtypes

import portvision as pv

C = pv.color


def _colours(seed=0, shape=(2, 3, 6, 7)):
    """Random colours plus the special ones: black, white, grey, primaries, ties."""
    x = np.random.default_rng(seed).uniform(size=shape)
    special = [
        (0, 0, 0), (1, 1, 1), (0.5, 0.5, 0.5), (1, 0, 0), (0, 1, 0), (0, 0, 1),
        (1, 1, 0), (0, 1, 1), (1, 0, 1), (0.7, 0.7, 0.2), (0.2, 0.7, 0.7), (0.7, 0.2, 0.7),
        (0.3, 0.3, 0.9), (0.9, 0.3, 0.3), (0.3, 0.9, 0.3),
    ]  # fmt: skip
    for k, c in enumerate(special):
        x[0, :, k // 7, k % 7] = c
    return x


def test_rgb_to_hsv_matches_kornia(engine, kornia, torch):
    host = _colours()
    want = kornia.color.rgb_to_hsv(torch.from_numpy(host)).numpy()
    want_eps = kornia.color.rgb_to_hsv(torch.from_numpy(host), eps=0.1).numpy()
    for dtype in float_dtypes(engine):
        tol = dict(rtol=1e-5, atol=2e-6) if dtype == "float32" else dict(rtol=1e-12, atol=1e-12)
        x = engine.asarray(host, dtype)
        np.testing.assert_allclose(engine.to_numpy(C.rgb_to_hsv(x)), want, **tol)
        np.testing.assert_allclose(engine.to_numpy(C.rgb_to_hsv(x, eps=0.1)), want_eps, **tol)


def test_hsv_to_rgb_matches_kornia_and_wraps_hue(engine, kornia, torch):
    rng = np.random.default_rng(1)
    host = rng.uniform(size=(2, 3, 5, 6))
    host[:, 0] = rng.uniform(-10.0, 10.0, size=(2, 5, 6))  # hue outside [0, 2 pi) wraps
    want = kornia.color.hsv_to_rgb(torch.from_numpy(host)).numpy()
    for dtype in float_dtypes(engine):
        tol = dict(rtol=1e-5, atol=2e-6) if dtype == "float32" else dict(rtol=1e-12, atol=1e-12)
        got = engine.to_numpy(C.hsv_to_rgb(engine.asarray(host, dtype)))
        np.testing.assert_allclose(got, want, **tol)


def test_round_trip_float64(engine):
    if engine.no_float64:
        pytest.skip("float64 round trip")
    host = _colours(2)
    back = C.hsv_to_rgb(C.rgb_to_hsv(engine.asarray(host)))
    np.testing.assert_allclose(engine.to_numpy(back), host, atol=1e-5)
    back0 = C.hsv_to_rgb(C.rgb_to_hsv(engine.asarray(host), eps=0.0))
    np.testing.assert_allclose(engine.to_numpy(back0), host, atol=1e-12)


def test_opencv_float32_hue_in_degrees(cv2):
    """OpenCV: H in degrees [0, 360), S = diff / (V + FLT_EPSILON): same after deg -> rad."""
    host = np.random.default_rng(3).uniform(size=(3, 16, 16)).astype(np.float32)
    hwc = np.ascontiguousarray(host.transpose(1, 2, 0))
    cv = cv2.cvtColor(hwc, cv2.COLOR_RGB2HSV).transpose(2, 0, 1)
    got = C.rgb_to_hsv(host)
    np.testing.assert_allclose(got[0], np.deg2rad(cv[0]), atol=2e-5)
    np.testing.assert_allclose(got[1:], cv[1:], rtol=1e-5, atol=1e-6)
    back = cv2.cvtColor(np.ascontiguousarray(cv.transpose(1, 2, 0)), cv2.COLOR_HSV2RGB)
    np.testing.assert_allclose(C.hsv_to_rgb(got), back.transpose(2, 0, 1), atol=1e-5)


def test_skimage_hue_in_turns():
    """scikit-image: channels last, hue as a fraction of a turn in [0, 1)."""
    color = pytest.importorskip("skimage.color")
    host = _colours(4)[0]
    sk = color.rgb2hsv(host.transpose(1, 2, 0)).transpose(2, 0, 1)
    got = C.rgb_to_hsv(host)
    np.testing.assert_allclose(got[0], sk[0] * 2 * np.pi, atol=1e-12)
    np.testing.assert_allclose(got[1:], sk[1:], rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(
        C.hsv_to_rgb(got), color.hsv2rgb(sk.transpose(1, 2, 0)).transpose(2, 0, 1), atol=1e-7
    )


def test_hue_range_and_documented_values(engine):
    # G just below B in float32: the hue is a hair below a full turn and must become 0
    b = np.float32(0.5)
    g = np.nextafter(b, np.float32(0))
    host = np.array([1.0, g, b], dtype=np.float32).reshape(3, 1, 1)
    vals = np.array(
        [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1], [0, 0, 0], [1, 0.5, 0]], dtype=np.float32
    ).T.reshape(3, 1, 6)
    h = engine.to_numpy(C.rgb_to_hsv(engine.asarray(np.concatenate([host, vals], axis=-1))))
    assert (h[0] >= 0).all() and (h[0] < 2 * math.pi).all()
    # the first hue rounds to a full turn: it stays below 2 pi (Kornia: 0, the same angle)
    assert abs(math.remainder(float(h[0, 0, 0]), 2 * math.pi)) < 1e-6
    want = [0.0, 2 * math.pi / 3, 4 * math.pi / 3, 0.0, 0.0, math.pi / 6]
    np.testing.assert_allclose(h[0, 0, 1:], want, atol=1e-6)
    np.testing.assert_allclose(h[1, 0, 1:], [1, 1, 1, 0, 0, 1], atol=1e-6)
    np.testing.assert_allclose(h[2, 0, 1:], [1, 1, 1, 1, 0, 1], atol=1e-6)


@pytest.mark.parametrize("value", [0.0, 1.0, 0.5])
def test_nan_free_outputs_and_gradients_on_flat_images(torch, value):
    for dtype in (torch.float32, torch.float64):
        x = torch.full((2, 3, 3, 4), value, dtype=dtype, requires_grad=True)
        y = C.rgb_to_hsv(x)
        y.backward(torch.randn_like(y))
        assert torch.isfinite(y).all() and torch.isfinite(x.grad).all()
        assert x.grad.abs().max() < 1e3
        h = torch.stack([torch.zeros_like(x[:, 0]), x[:, 1] * 0, x[:, 2]], 1).detach()
        h.requires_grad_(True)
        z = C.hsv_to_rgb(h)
        z.backward(torch.randn_like(z))
        assert torch.isfinite(z).all() and torch.isfinite(h.grad).all()


def test_blocked_cpu_path_equals_one_call(engine):
    """Large inputs run in pixel blocks (``map_pixels``): same values as small calls."""
    host = np.random.default_rng(5).uniform(size=(2, 3, 160, 300)).astype(np.float32)
    x = engine.asarray(host)
    whole = engine.to_numpy(C.rgb_to_hsv(x))
    part = engine.to_numpy(C.rgb_to_hsv(engine.asarray(host[1:, :, 100:, :7])))
    np.testing.assert_array_equal(whole[1:, :, 100:, :7], part)
    back = engine.to_numpy(C.hsv_to_rgb(engine.asarray(whole)))
    np.testing.assert_allclose(back, host, atol=2e-6)


SHAPE3 = "image: expected shape (*, 3, H, W), got "
FLOAT = "image: expected a real floating dtype, got"


@pytest.mark.parametrize(
    "call, shape, dtype, exc, msg",
    [
        (C.rgb_to_hsv, (4, 4), "float32", ValueError, SHAPE3 + "(4, 4)"),
        (C.rgb_to_hsv, (1, 4, 4, 4), "float32", ValueError, SHAPE3 + "(1, 4, 4, 4)"),
        (C.hsv_to_rgb, (2, 4, 4), "float32", ValueError, SHAPE3 + "(2, 4, 4)"),
        (C.rgb_to_hsv, (3, 4, 4), "uint8", TypeError, FLOAT),
        (C.hsv_to_rgb, (3, 4, 4), "int32", TypeError, FLOAT),
        (lambda x: C.rgb_to_hsv(x, eps="a"), (3, 4, 4), "float32", TypeError, "eps: expected"),
    ],
)
def test_error_contract(engine, call, shape, dtype, exc, msg):
    x = engine.asarray(np.zeros(shape, dtype=dtype))
    with pytest.raises(exc) as info:
        call(x)
    assert msg in str(info.value)


def test_non_array_input_is_a_type_error():
    with pytest.raises(TypeError, match="image: expected an array, got list"):
        C.rgb_to_hsv([[[0.0]]])
