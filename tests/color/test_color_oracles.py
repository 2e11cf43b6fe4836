"""Every colour conversion against Kornia 0.9 (float64 oracle, and float32), on every engine,
plus the float64 round trips rgb -> space -> rgb within 1e-5 and the NaN-free outputs and
gradients on pure black, white and grey images (torch)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import float_dtypes

import portvision as pv

C = pv.color


def _rgb(seed=0, shape=(2, 3, 4, 6)):
    x = np.random.default_rng(seed).uniform(size=shape)
    x[0, :, 0, 0], x[0, :, 0, 1], x[0, :, 0, 2] = 0.0, 1.0, 0.5  # black, white, grey
    x[0, :3, 1, 0] = (1.0, 0.0, 0.0)
    x[0, :3, 1, 1] = (0.7, 0.7, 0.1)  # tie
    x[0, :3, 1, 2] = (0.01, 0.02, 0.03)  # dark: below the sRGB / Lab knees
    return x


def _hsv_like(seed=1):
    x = np.random.default_rng(seed).uniform(size=(2, 3, 4, 6))
    x[:, 0] *= 2 * np.pi
    return x


def _lab(seed=2):
    return C.rgb_to_lab(_rgb(seed))


def _luv(seed=3):
    return C.rgb_to_luv(_rgb(seed))


# name, host input maker, extra args, float32 (rtol, atol)
CASES = [
    ("rgb_to_hsv", _rgb, (), (1e-5, 2e-6)),
    ("hsv_to_rgb", _hsv_like, (), (1e-5, 2e-6)),
    ("rgb_to_hls", _rgb, (), (1e-5, 2e-6)),
    ("hls_to_rgb", _hsv_like, (), (1e-5, 2e-6)),
    ("rgb_to_bgr", _rgb, (), (0, 0)),
    ("bgr_to_rgb", _rgb, (), (0, 0)),
    ("rgb_to_rgba", _rgb, (0.5,), (0, 0)),
    ("bgr_to_rgba", _rgb, (0.25,), (0, 0)),
    ("rgba_to_rgb", lambda: _rgb(4, (2, 4, 3, 5)), (), (1e-6, 1e-7)),
    ("rgba_to_bgr", lambda: _rgb(5, (2, 4, 3, 5)), (), (1e-6, 1e-7)),
    ("rgb_to_rgb255", lambda: _rgb() * 1.2 - 0.1, (), (1e-6, 1e-5)),
    ("rgb255_to_rgb", lambda: _rgb() * 255, (), (1e-6, 1e-7)),
    ("normals_to_rgb255", lambda: _rgb() * 2.4 - 1.2, (), (1e-6, 1e-5)),
    ("rgb255_to_normals", lambda: _rgb() * 255, (), (1e-5, 1e-6)),
    ("rgb_to_linear_rgb", _rgb, (), (1e-5, 1e-6)),
    ("linear_rgb_to_rgb", _rgb, (), (1e-5, 1e-6)),
    ("rgb_to_ycbcr", _rgb, (), (1e-6, 1e-6)),
    ("ycbcr_to_rgb", _rgb, (), (1e-6, 1e-6)),
    ("rgb_to_y", _rgb, (), (1e-6, 1e-6)),
    ("rgb_to_yuv", _rgb, (), (1e-6, 1e-6)),
    ("yuv_to_rgb", _rgb, (), (1e-6, 1e-6)),
    ("rgb_to_xyz", _rgb, (), (1e-6, 1e-6)),
    ("xyz_to_rgb", _rgb, (), (1e-6, 1e-6)),
    ("rgb_to_lab", _rgb, (), (1e-5, 1e-4)),
    ("lab_to_rgb", _lab, (), (1e-5, 1e-5)),
    ("rgb_to_luv", _rgb, (), (1e-5, 1e-4)),
    ("luv_to_rgb", _luv, (), (1e-4, 1e-5)),
    ("sepia_from_rgb", _rgb, (), (1e-6, 1e-6)),
]


@pytest.mark.parametrize("name, make, args, tol32", CASES, ids=[c[0] for c in CASES])
def test_matches_kornia(engine, kornia, torch, name, make, args, tol32):
    host = make()
    fn = getattr(C, name)
    for dtype in float_dtypes(engine):
        # Kornia on the same dtype: float64 is the oracle, float32 pins the rounding
        want = getattr(kornia.color, name)(torch.from_numpy(host.astype(dtype)), *args).numpy()
        rtol, atol = tol32 if dtype == "float32" else (1e-11, 1e-11)
        got = fn(engine.asarray(host, dtype), *args)
        assert engine.is_own(got) and str(engine.to_numpy(got).dtype) == dtype
        np.testing.assert_allclose(engine.to_numpy(got), want, rtol=rtol, atol=atol)


@pytest.mark.parametrize(
    "name, args", [("yuv420", (2, 4, 6)), ("yuv422", (2, 3, 6))], ids=["420", "422"]
)
def test_subsampled_yuv_matches_kornia(engine, kornia, torch, name, args):
    host = np.random.default_rng(6).uniform(size=(args[0], 3) + args[1:])
    ky, kuv = getattr(kornia.color, f"rgb_to_{name}")(torch.from_numpy(host))
    back = getattr(kornia.color, f"{name}_to_rgb")(ky, kuv).numpy()
    dtype = float_dtypes(engine)[-1]
    tol = dict(rtol=1e-6, atol=1e-6) if dtype == "float32" else dict(rtol=1e-12, atol=1e-12)
    y, uv = getattr(C, f"rgb_to_{name}")(engine.asarray(host, dtype))
    np.testing.assert_allclose(engine.to_numpy(y), ky.numpy(), **tol)
    np.testing.assert_allclose(engine.to_numpy(uv), kuv.numpy(), **tol)
    got = getattr(C, f"{name}_to_rgb")(y, uv)
    np.testing.assert_allclose(engine.to_numpy(got), back, **tol)


ROUND_TRIPS = [
    ("rgb_to_hsv", "hsv_to_rgb", {}),
    ("rgb_to_hls", "hls_to_rgb", {}),
    ("rgb_to_ycbcr", "ycbcr_to_rgb", {}),
    ("rgb_to_yuv", "yuv_to_rgb", {}),
    ("rgb_to_xyz", "xyz_to_rgb", {}),
    ("rgb_to_lab", "lab_to_rgb", {}),
    ("rgb_to_luv", "luv_to_rgb", {}),
    ("rgb_to_linear_rgb", "linear_rgb_to_rgb", {}),
    ("rgb_to_bgr", "bgr_to_rgb", {}),
    ("rgb_to_rgb255", "rgb255_to_rgb", {}),
    ("rgb_to_rgba", "rgba_to_rgb", {"alpha": 1.0}),
]


@pytest.mark.parametrize("fwd, inv, kw", ROUND_TRIPS, ids=[r[0] for r in ROUND_TRIPS])
def test_round_trip_float64(engine, fwd, inv, kw):
    if engine.no_float64:
        pytest.skip("float64 round trips")
    host = _rgb(7)
    x = engine.asarray(host)
    mid = getattr(C, fwd)(x, kw["alpha"]) if "alpha" in kw else getattr(C, fwd)(x)
    np.testing.assert_allclose(engine.to_numpy(getattr(C, inv)(mid)), host, atol=1e-5)


def test_round_trip_yuv420_on_flat_chroma(engine):
    """4:2:0 loses chroma detail; on images whose chroma is constant per 2x2 block it is exact."""
    dtype = float_dtypes(engine)[-1]
    rgb = np.random.default_rng(8).uniform(0.2, 0.8, size=(1, 3, 2, 3))
    host = np.repeat(np.repeat(rgb, 2, axis=-1), 2, axis=-2)
    y, uv = C.rgb_to_yuv420(engine.asarray(host, dtype))
    np.testing.assert_allclose(engine.to_numpy(C.yuv420_to_rgb(y, uv)), host, atol=1e-5)


DIFFERENTIABLE = [
    "rgb_to_hsv", "rgb_to_hls", "rgb_to_lab", "rgb_to_luv", "rgb_to_linear_rgb",
    "linear_rgb_to_rgb", "rgb_to_ycbcr", "rgb_to_yuv", "rgb_to_xyz", "sepia_from_rgb",
    "rgb255_to_normals", "rgb_to_y",
]  # fmt: skip


@pytest.mark.parametrize("value", [0.0, 1.0, 0.5], ids=["black", "white", "grey"])
@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_flat_images_nan_free(torch, name, value):
    for dtype in (torch.float32, torch.float64):
        x = torch.full((2, 3, 3, 4), value * (255.0 if "255" in name else 1.0), dtype=dtype)
        x.requires_grad_(True)
        y = getattr(C, name)(x)
        y.backward(torch.randn_like(y))
        assert torch.isfinite(y).all() and torch.isfinite(x.grad).all()


@pytest.mark.parametrize("value", [0.0, 1.0, 0.5], ids=["black", "white", "grey"])
def test_inverse_conversions_of_flat_images_nan_free(torch, value):
    rgb = torch.full((1, 3, 2, 2), value, dtype=torch.float64)
    for fwd, inv in [(C.rgb_to_lab, C.lab_to_rgb), (C.rgb_to_luv, C.luv_to_rgb),
                     (C.rgb_to_hls, C.hls_to_rgb), (C.rgb_to_hsv, C.hsv_to_rgb)]:  # fmt: skip
        z = fwd(rgb).detach().requires_grad_(True)
        out = inv(z)
        out.backward(torch.ones_like(out))
        assert torch.isfinite(out).all() and torch.isfinite(z.grad).all()
        np.testing.assert_allclose(out.detach().numpy(), rgb.numpy(), atol=1e-6)
