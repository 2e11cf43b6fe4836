"""OpenCV's float32 ``remap`` and warps behind the NumPy engine's bilinear sampling: used
where they meet the ``grid_sample`` contract (the float64 reference is the oracle), with
the gather taking over where they would not (far or non-finite coordinates, a horizon in
the output, float64, old OpenCVs with 1/32-pixel weights)."""

from __future__ import annotations

import numpy as np
import pytest
from portvision.backends import _cv_sampling
from portvision.backends import _reference_sampling as ref

PADS = ("zeros", "border", "reflection")


@pytest.fixture
def numpy_cv(monkeypatch):
    """The NumPy engine with OpenCV on, and a log of its ``remap`` calls."""
    from portvision import backends

    eng = backends.get_engine("numpy")
    if not getattr(eng, "opencv_sampling", False):
        pytest.skip("needs an OpenCV whose float32 remap has float weights (4.11 or later)")
    monkeypatch.setattr(eng, "use_opencv", True)
    calls = []
    real = eng.cv2

    class Spy:
        def __getattr__(self, name):
            attr = getattr(real, name)
            if name not in ("remap", "warpAffine", "warpPerspective"):
                return attr

            def spy(*a, **kw):
                calls.append(name if name != "remap" else a[0].dtype)
                return attr(*a, **kw)

            return spy

    monkeypatch.setattr(eng, "cv2", Spy())
    return eng, calls


def _want(x, g, pad, ac):
    import array_api_compat.numpy as xnp

    return ref.grid_sample(xnp, x.astype(np.float64), g.astype(np.float64), "bilinear", pad, ac)


@pytest.mark.parametrize("ac", [True, False])
@pytest.mark.parametrize("pad", PADS)
def test_remap_backs_float32_bilinear(numpy_cv, pad, ac):
    eng, calls = numpy_cv
    rng = np.random.default_rng(31)
    x = rng.random((2, 3, 23, 31)).astype(np.float32)
    g = rng.uniform(-2.5, 2.5, size=(2, 17, 19, 2)).astype(np.float32)
    got = eng.grid_sample(x, g, "bilinear", pad, ac)
    assert calls == [np.float32] * 6 and got.dtype == np.float32
    np.testing.assert_allclose(got, _want(x, g, pad, ac), atol=1e-5)
    # float64 keeps the gather: OpenCV's float64 remap quantises to 1/32 pixel
    got64 = eng.grid_sample(x.astype(np.float64), g.astype(np.float64), "bilinear", pad, ac)
    assert len(calls) == 6
    np.testing.assert_allclose(got64, _want(x, g, pad, ac), rtol=1e-10, atol=1e-12)


def _homographies(rng, affine, b=2):
    m = np.tile(np.eye(3), (b, 1, 1)) + rng.normal(0.0, 0.2, (b, 3, 3))
    m[:, 2] = (0.0, 0.0, 1.0) if affine else m[:, 2] * (0.3, 0.3, 1.0)
    return m


@pytest.mark.parametrize("ac", [True, False])
@pytest.mark.parametrize("affine", [True, False])
def test_opencv_warps_back_float32_homographies(numpy_cv, affine, ac):
    eng, calls = numpy_cv
    rng = np.random.default_rng(32)
    x = rng.random((2, 3, 40, 50)).astype(np.float32)
    m = _homographies(rng, affine)
    warp = "warpAffine" if affine else "warpPerspective"
    for pad in PADS:
        calls.clear()
        args = (x, m.astype(np.float32), (30, 45), "bilinear", pad, ac, affine)
        got = eng.sample_homography(*args)
        want = ref.sample_homography(eng, x.astype(np.float64), m, *args[2:])
        assert calls == [warp] * 6, pad
        np.testing.assert_allclose(got, want, atol=2e-5, err_msg=pad)


def test_horizon_in_the_output_takes_the_maps(numpy_cv):
    """Where ``w`` crosses 0 inside the output, OpenCV's warp would divide where the
    contract does not: the pixel maps (remap) take over, with the contract's division."""
    eng, calls = numpy_cv
    x = np.random.default_rng(9).random((1, 2, 6, 6)).astype(np.float32)
    m = np.array([[[1.0, 0.0, 0.2], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]], np.float32)
    got = eng.sample_homography(x, m, (5, 5), "bilinear", "border", True, False)
    want = ref.sample_homography(
        eng, x.astype(np.float64), m, (5, 5), "bilinear", "border", True, False
    )
    assert calls == [np.float32] * 2
    np.testing.assert_allclose(got, want, atol=1e-5)


@pytest.mark.parametrize("pad", PADS)
def test_far_coordinates(numpy_cv, pad):
    """``zeros`` / ``border`` clamp far coordinates for OpenCV (same result); reflection
    far beyond the image goes to the gather (OpenCV mirrors one period per step)."""
    eng, calls = numpy_cv
    rng = np.random.default_rng(33)
    x = rng.random((1, 2, 6, 7)).astype(np.float32)
    g = rng.uniform(-1.2, 1.2, size=(1, 5, 8, 2)).astype(np.float32)
    g[0, 0, :, 0] = [1e30, -1e30, 3e9, -3e9, 1e6, -1e6, 40.0, -40.0]
    got = eng.grid_sample(x, g, "bilinear", pad, False)
    assert len(calls) == (0 if pad == "reflection" else 2)
    want = _want(x, g, pad, False)
    if pad == "reflection":  # float32 coordinates near 1e30 fold anywhere: compare the rest
        got, want = got[..., 1:, :], want[..., 1:, :]
    np.testing.assert_allclose(got, want, atol=1e-5)


def test_non_finite_coordinates_take_the_gather(numpy_cv):
    eng, calls = numpy_cv
    rng = np.random.default_rng(34)
    x = rng.random((1, 2, 6, 7)).astype(np.float32)
    g = rng.uniform(-1, 1, size=(1, 4, 4, 2)).astype(np.float32)
    g[0, 1, 2, 1] = np.nan
    got = eng.grid_sample(x, g, "bilinear", "zeros", False)
    assert calls == []
    assert np.isnan(got[0, :, 1, 2]).all()
    np.testing.assert_allclose(got[0, :, 0], _want(x, g, "zeros", False)[0, :, 0], atol=1e-6)


@pytest.mark.parametrize("quantised", ["remap", "warpAffine", "warpPerspective"])
def test_probe_rejects_quantised_weights(quantised):
    """An OpenCV that rounds coordinates to 1/32 pixel in any of the three (before 4.11,
    as its float64 paths still do) is not used."""
    cv2 = pytest.importorskip("cv2")

    class Probe:
        def __getattr__(self, name):
            attr = getattr(cv2, name)
            if name != quantised:
                return attr

            def rounded(src, *a, **kw):  # the float64 path: 1/32-pixel weights
                return attr(src.astype(np.float64), *a, **kw)

            return rounded

    if not _cv_sampling.exact_opencv(cv2, np):
        pytest.skip("this OpenCV is not exact anyway")
    assert not _cv_sampling.exact_opencv(Probe(), np)
