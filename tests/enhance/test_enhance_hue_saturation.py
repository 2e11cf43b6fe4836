"""Hue and saturation: Kornia 0.9 (float64) as the oracle, identities (2π hue turn, inverse
shifts, factor 1), PIL's luma blend for the gray-subtraction form, NaN-free values and
gradients on black / white / grey pixels, the error contract."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import float_dtypes

import portvision as pv

E = pv.enhance


def _rgb(shape=(2, 3, 6, 7), seed=0):
    x = np.random.default_rng(seed).uniform(size=shape)
    x[0, :, 0, 0] = 0.0  # black
    x[0, :, 0, 1] = 1.0  # white
    x[0, :, 0, 2] = 0.5  # grey
    x[0, :, 1, 0] = (1.0, 0.0, 0.0)  # pure red
    return x


def _tol(dtype):
    return dict(rtol=1e-5, atol=2e-6) if dtype == "float32" else dict(rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    "name", ["adjust_hue", "adjust_saturation", "adjust_saturation_with_gray_subtraction"]
)
@pytest.mark.parametrize("factor", [0.0, 0.4, 2.5, "vec"])
def test_matches_kornia(engine, kornia, torch, name, factor):
    host = _rgb()
    vec = np.array([-2.0, 3.0]) if name == "adjust_hue" else np.array([0.3, 1.8])
    kf = torch.from_numpy(vec) if factor == "vec" else factor
    want = getattr(kornia.enhance, name)(torch.from_numpy(host), kf).numpy()
    for dtype in float_dtypes(engine):
        f = engine.asarray(vec, dtype) if factor == "vec" else factor
        got = engine.to_numpy(getattr(E, name)(engine.asarray(host, dtype), f))
        assert got.dtype == np.dtype(dtype) and np.isfinite(got).all()
        np.testing.assert_allclose(got, want, **_tol(dtype))


@pytest.mark.parametrize("name", ["adjust_hue_raw", "adjust_saturation_raw"])
def test_raw_matches_kornia(engine, kornia, torch, name):
    host = _rgb()
    hsv = kornia.color.rgb_to_hsv(torch.from_numpy(host))
    for f in (1.3, -4.0, np.array([0.5, 2.0])):
        kf = torch.from_numpy(f) if isinstance(f, np.ndarray) else f
        want = getattr(kornia.enhance, name)(hsv, kf).numpy()
        for dtype in float_dtypes(engine):
            ef = engine.asarray(f, dtype) if isinstance(f, np.ndarray) else f
            got = getattr(E, name)(engine.asarray(hsv.numpy(), dtype), ef)
            np.testing.assert_allclose(engine.to_numpy(got), want, **_tol(dtype))


def test_identities(engine):
    host = _rgb()
    for dtype in float_dtypes(engine):
        x = engine.asarray(host, dtype)
        # the saturation's eps (s = delta / (max + 1e-8), Kornia's) perturbs round trips by ~1e-8
        tol = dict(rtol=1e-7, atol=5e-8) if dtype == "float64" else dict(rtol=1e-5, atol=1e-5)
        for out in (E.adjust_hue(x, 2 * math.pi), E.adjust_hue(E.adjust_hue(x, 1.1), -1.1)):
            np.testing.assert_allclose(engine.to_numpy(out), host, **tol)
        np.testing.assert_allclose(engine.to_numpy(E.adjust_saturation(x, 1.0)), host, **tol)
        # factor 0: every pixel grey at its max channel (HSV saturation, not luma)
        grey = engine.to_numpy(E.adjust_saturation(x, 0.0))
        np.testing.assert_allclose(
            grey, np.broadcast_to(host.max(1, keepdims=True), host.shape), **tol
        )
        # ±π: complementary colours; red -> cyan
        comp = engine.to_numpy(E.adjust_hue(x, math.pi))[0, :, 1, 0]
        np.testing.assert_allclose(comp, [0.0, 1.0, 1.0], atol=1e-6)


def test_gray_subtraction_is_pils_blend(engine):
    pil = pytest.importorskip("PIL.ImageEnhance")
    from PIL import Image

    u8 = (np.random.default_rng(5).uniform(size=(9, 11, 3)) * 255).astype(np.uint8)
    want = np.asarray(pil.Color(Image.fromarray(u8)).enhance(0.5)).astype(np.float64)
    x = engine.asarray(u8.transpose(2, 0, 1)[None] / 255.0, float_dtypes(engine)[-1])
    got = engine.to_numpy(E.adjust_saturation_with_gray_subtraction(x, 0.5))[0].transpose(1, 2, 0)
    # PIL rounds its grey to 8 bits and its result to 8 bits: within 1.5 levels
    assert np.abs(got * 255 - want).max() <= 1.5


def test_gradients_finite_on_black_white_grey(engine, torch):
    if not engine.differentiable:
        pytest.skip("no autograd")
    x = torch.tensor(_rgb((1, 3, 2, 3)), requires_grad=True)
    for fn in (E.adjust_hue, E.adjust_saturation, E.adjust_saturation_with_gray_subtraction):
        out = fn(x, 0.7)
        (g,) = torch.autograd.grad(out.sum(), x)
        assert torch.isfinite(out).all() and torch.isfinite(g).all(), fn.__name__


def test_errors(engine):
    x = engine.asarray(_rgb(), "float32")
    with pytest.raises(
        ValueError, match=r"^image: expected 3 channels at axis -3, got shape \(2, 2, 6, 7\)$"
    ):
        E.adjust_hue(x[:, :2, ...], 0.1)
    with pytest.raises(ValueError, match=r"^image: expected shape \(\*, 3, H, W\), got \(6, 7\)$"):
        E.adjust_saturation(x[0, 0, ...], 0.1)
    with pytest.raises(
        TypeError,
        match=r"^image: expected a real floating dtype \(images in \[0, 1\]\), got uint8$",
    ):
        E.adjust_hue(engine.asarray(np.zeros((3, 2, 2), np.uint8)), 0.1)
    with pytest.raises(
        ValueError,
        match=r"^factor: expected one value per image \(shape \(B,\)\), not per channel, "
        r"got shape \(2, 3\)$",
    ):
        E.adjust_saturation(x, engine.asarray(np.ones((2, 3), np.float32)))
    with pytest.raises(TypeError, match="^factor: expected a number or an array, got NoneType$"):
        E.adjust_hue(x, None)


def test_saturation_identity_equals_hsv_round_trip(engine):
    """The float path (no HSV image) equals hsv -> scale S -> rgb through portvision.color."""
    host = _rgb()
    for dtype in float_dtypes(engine):
        x = engine.asarray(host, dtype)
        for f in (0.0, 0.5, 1.7, 6.0):
            via_hsv = pv.color.hsv_to_rgb(E.adjust_saturation_raw(pv.color.rgb_to_hsv(x), f))
            tol = dict(rtol=1e-5, atol=2e-6) if dtype == "float32" else dict(rtol=1e-9, atol=1e-9)
            np.testing.assert_allclose(
                engine.to_numpy(E.adjust_saturation(x, f)), engine.to_numpy(via_hsv), **tol
            )
