"""Derivative kernels, ``spatial_gradient(3d)``, ``sobel``, ``laplacian`` and ``canny``.

Oracles: Kornia 0.9 (float64, on torch), OpenCV (``cv2.Sobel`` / ``cv2.filter2D``, whose
``BORDER_REPLICATE`` / ``BORDER_REFLECT_101`` are our ``replicate`` / ``reflect``), analytic
identities (ramps and quadratics), Kornia's documented values, and the error contract.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import float_dtypes

import portvision as pv

F = pv.filters
TOL = {"float64": dict(rtol=1e-9, atol=1e-10), "float32": dict(rtol=1e-4, atol=1e-5)}


def _host(shape, seed=0, dtype="float64"):
    return np.random.default_rng(seed).uniform(0.0, 1.0, size=shape).astype(dtype)


def _np(engine, x):
    return engine.to_numpy(x)


def _wide(engine, a):
    """``a`` as the engine's widest float (float32 on the no_float64 device) and an atol."""
    dtype = float_dtypes(engine)[-1]
    return engine.asarray(np.asarray(a, dtype=dtype)), (1e-9 if dtype == "float64" else 2e-5)


# -- kernel builders ----------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["sobel", "diff", "SOBEL"])
@pytest.mark.parametrize("order", [1, 2])
def test_gradient_kernel2d_matches_kornia(kornia, mode, order):
    want = kornia.filters.get_spatial_gradient_kernel2d(mode, order).numpy()
    got = F.get_spatial_gradient_kernel2d(mode, order)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("order", [1, 2])
def test_gradient_kernel3d_matches_kornia(kornia, order):
    want = kornia.filters.get_spatial_gradient_kernel3d("diff", order).numpy()
    np.testing.assert_array_equal(F.get_spatial_gradient_kernel3d("diff", order), want)


def test_small_kernel_builders_match_kornia(kornia):
    kf = kornia.filters
    np.testing.assert_array_equal(F.get_sobel_kernel2d(), kf.get_sobel_kernel2d().numpy())
    np.testing.assert_array_equal(F.get_diff_kernel2d(), kf.get_diff_kernel2d().numpy())
    for k in (3, 5, 7):
        np.testing.assert_array_equal(
            F.get_laplacian_kernel1d(k), kf.get_laplacian_kernel1d(k).numpy()
        )
    for k in (3, 5, (3, 5), (1, 3), (5, 1)):
        np.testing.assert_array_equal(
            F.get_laplacian_kernel2d(k), kf.get_laplacian_kernel2d(k).numpy()
        )
    for k in (1, 2, 4, 5):
        np.testing.assert_array_equal(F.laplacian_1d(k), kf.laplacian_1d(k).numpy())


def test_laplacian_kernels_documented_values():
    # Kornia's docstring examples
    np.testing.assert_array_equal(F.get_laplacian_kernel1d(3), [1.0, -2.0, 1.0])
    np.testing.assert_array_equal(F.get_laplacian_kernel1d(5), [1.0, 1.0, -4.0, 1.0, 1.0])
    k5 = F.get_laplacian_kernel2d(5)
    assert k5[2, 2] == -24.0 and k5.sum() == 0.0 and (k5 == 1).sum() == 24


def test_kernel_builders_follow_the_engine_and_dtype(engine):
    with pv.use_backend(engine.name, device=engine.device):
        for dtype in float_dtypes(engine):
            k = F.get_sobel_kernel2d(dtype=dtype)
            assert engine.is_own(k) and str(_np(engine, k).dtype) == dtype
        k = F.get_laplacian_kernel2d(3, dtype="int16")  # integer taps fit a signed dtype
        np.testing.assert_array_equal(_np(engine, k), [[1, 1, 1], [1, -8, 1], [1, 1, 1]])


@pytest.mark.parametrize(
    "call, exc, msg",
    [
        (lambda: F.get_spatial_gradient_kernel2d("canny", 1), ValueError, "mode: expected one of"),
        (
            lambda: F.get_spatial_gradient_kernel2d("sobel", 3),
            ValueError,
            "order: expected 1 or 2, got 3",
        ),
        (
            lambda: F.get_spatial_gradient_kernel3d("sobel", 1),
            ValueError,
            "mode: expected one of ['diff']",
        ),
        (lambda: F.get_laplacian_kernel1d(4), ValueError, "kernel_size: expected"),
        (lambda: F.get_laplacian_kernel1d(1), ValueError, "kernel_size: expected"),
        (lambda: F.get_laplacian_kernel2d((1, 1)), ValueError, "kernel_size: expected"),
        (lambda: F.get_laplacian_kernel2d((3, 4)), ValueError, "got (3, 4)"),
        (
            lambda: F.get_laplacian_kernel2d(3, dtype="uint8"),
            TypeError,
            "dtype: expected a floating",
        ),
        (lambda: F.get_spatial_gradient_kernel3d("diff", 1, dtype="int32"), TypeError, "dtype:"),
        (lambda: F.laplacian_1d(0), ValueError, "window_size: expected a positive integer"),
    ],
)
def test_kernel_builder_errors(engine, call, exc, msg):
    with pv.use_backend(engine.name, device=engine.device), pytest.raises(exc) as info:
        call()
    assert msg in str(info.value)


# -- spatial_gradient -----------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["sobel", "diff"])
@pytest.mark.parametrize("order", [1, 2])
@pytest.mark.parametrize("normalized", [True, False])
def test_spatial_gradient_matches_kornia(engine, kornia, torch, mode, order, normalized):
    host = _host((2, 3, 9, 11))
    want = kornia.filters.spatial_gradient(torch.from_numpy(host), mode, order, normalized).numpy()
    for dtype in float_dtypes(engine):
        got = F.spatial_gradient(engine.asarray(host.astype(dtype)), mode, order, normalized)
        assert got.shape == (2, 3, 2 if order == 1 else 3, 9, 11)
        np.testing.assert_allclose(_np(engine, got), want, **TOL[dtype])


def _cv_planes(cv2, host, fn):
    return np.stack(
        [fn(np.ascontiguousarray(p)) for p in host.reshape(-1, *host.shape[-2:])]
    ).reshape(host.shape)


def test_spatial_gradient_matches_opencv_sobel(engine, cv2):
    host = _host((2, 2, 8, 10), seed=1)
    rep = cv2.BORDER_REPLICATE
    for dtype in float_dtypes(engine):
        h = host.astype(dtype)
        g = _np(engine, F.spatial_gradient(engine.asarray(h)))
        for axis, (dx, dy) in enumerate(((1, 0), (0, 1))):
            want = _cv_planes(
                cv2, h, lambda p, dx=dx, dy=dy: cv2.Sobel(p, -1, dx, dy, ksize=3, borderType=rep)
            )
            np.testing.assert_allclose(g[:, :, axis], want / 8, **TOL[dtype])
        g2 = _np(engine, F.spatial_gradient(engine.asarray(h), "sobel", 2, normalized=False))
        for axis, (dx, dy) in enumerate(((2, 0), (1, 1), (0, 2))):
            want = _cv_planes(
                cv2, h, lambda p, dx=dx, dy=dy: cv2.Sobel(p, -1, dx, dy, ksize=5, borderType=rep)
            )
            np.testing.assert_allclose(g2[:, :, axis], want, rtol=1e-4, atol=1e-4)


def test_gradient_of_a_ramp_is_its_slope(engine):
    # analytic identity: away from the replicated border, d/dx (a x + b y) = (a, b)
    yy, xx = np.mgrid[0:7, 0:9].astype("float64")
    ramp, atol = _wide(engine, (0.5 * xx - 0.25 * yy)[None, None])
    for mode in ("sobel", "diff"):
        g = _np(engine, F.spatial_gradient(ramp, mode))
        np.testing.assert_allclose(g[0, 0, 0, 1:-1, 1:-1], 0.5, atol=atol)
        np.testing.assert_allclose(g[0, 0, 1, 1:-1, 1:-1], -0.25, atol=atol)
        np.testing.assert_allclose(g[0, 0, 0, :, 0], 0.25, atol=atol)  # half the slope at the edge
    quad, atol = _wide(engine, (xx * xx / 2 + 3 * xx * yy + yy * yy)[None, None])
    g2 = _np(engine, F.spatial_gradient(quad, "sobel", 2))
    for axis, value in enumerate((1.0, 3.0, 2.0)):  # dxx, dxy, dyy
        np.testing.assert_allclose(g2[0, 0, axis, 2:-2, 2:-2], value, atol=atol * 10)


def test_spatial_gradient_chw_and_integer_input(engine):
    host = (_host((3, 6, 7)) * 255).astype("uint8")
    got = F.spatial_gradient(engine.asarray(host))
    assert got.shape == (3, 2, 6, 7) and str(_np(engine, got).dtype) == "float32"
    want = _np(engine, F.spatial_gradient(engine.asarray(host.astype("float32")[None])))[0]
    np.testing.assert_allclose(_np(engine, got), want, rtol=1e-6)


@pytest.mark.parametrize("order", [1, 2])
def test_spatial_gradient3d_matches_kornia(engine, kornia, torch, order):
    host = _host((2, 2, 4, 5, 6), seed=2)
    want = kornia.filters.spatial_gradient3d(torch.from_numpy(host), "diff", order).numpy()
    for dtype in float_dtypes(engine):
        got = F.spatial_gradient3d(engine.asarray(host.astype(dtype)), "diff", order)
        np.testing.assert_allclose(_np(engine, got), want, **TOL[dtype])


def test_spatial_gradient3d_ramp(engine):
    zz, yy, xx = np.mgrid[0:5, 0:6, 0:7].astype("float64")
    vol, atol = _wide(engine, (2 * xx + 3 * yy - zz)[None, None])
    g = _np(engine, F.spatial_gradient3d(vol))
    for axis, slope in enumerate((2.0, 3.0, -1.0)):
        np.testing.assert_allclose(g[0, 0, axis, 1:-1, 1:-1, 1:-1], slope, atol=atol)


# -- sobel ------------------------------------------------------------------------------
@pytest.mark.parametrize("normalized", [True, False])
def test_sobel_matches_kornia(engine, kornia, torch, normalized):
    host = _host((2, 3, 9, 11), seed=3)
    want = kornia.filters.sobel(torch.from_numpy(host), normalized, 1e-6).numpy()
    for dtype in float_dtypes(engine):
        got = F.sobel(engine.asarray(host.astype(dtype)), normalized)
        np.testing.assert_allclose(_np(engine, got), want, **TOL[dtype])


def test_sobel_matches_opencv(engine, cv2):
    host = _host((2, 3, 16, 20), seed=4, dtype="float32")
    rep = cv2.BORDER_REPLICATE
    gx = _cv_planes(
        cv2, host, lambda p: cv2.Sobel(p, -1, 1, 0, ksize=3, scale=0.125, borderType=rep)
    )
    gy = _cv_planes(
        cv2, host, lambda p: cv2.Sobel(p, -1, 0, 1, ksize=3, scale=0.125, borderType=rep)
    )
    want = np.sqrt(gx.astype("float64") ** 2 + gy.astype("float64") ** 2 + 1e-6)
    got = _np(engine, F.sobel(engine.asarray(host)))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_sobel_flat_and_step_values(engine):
    # a flat image gives sqrt(eps); a unit step gives 1/2 on both sides of it (normalized)
    img = np.zeros((1, 1, 4, 6))
    img[..., 3:] = 1.0
    x, _ = _wide(engine, img)
    got = _np(engine, F.sobel(x))
    np.testing.assert_allclose(got[0, 0, :, 0], 1e-3, rtol=1e-6)
    np.testing.assert_allclose(got[0, 0, :, 2:4], np.sqrt(0.25 + 1e-6), rtol=1e-6)
    raw = _np(engine, F.sobel(x, normalized=False, eps=0.0))
    np.testing.assert_allclose(raw[0, 0, :, 2:4], 4.0)


def test_sobel_gradient_is_finite_on_flat_regions(torch):
    x = torch.zeros(1, 1, 5, 5, dtype=torch.float64, requires_grad=True)
    F.sobel(x).sum().backward()
    assert torch.isfinite(x.grad).all()


# -- laplacian --------------------------------------------------------------------------
@pytest.mark.parametrize("ksize", [3, 5, (3, 5), (1, 3)])
@pytest.mark.parametrize("border", ["reflect", "replicate", "constant", "circular"])
def test_laplacian_matches_kornia(engine, kornia, torch, ksize, border):
    host = _host((2, 2, 9, 11), seed=5)
    for normalized in (True, False):
        want = kornia.filters.laplacian(torch.from_numpy(host), ksize, border, normalized).numpy()
        for dtype in float_dtypes(engine):
            got = F.laplacian(engine.asarray(host.astype(dtype)), ksize, border, normalized)
            tol = (
                TOL[dtype]
                if normalized
                else dict(rtol=1e-4, atol=1e-4 if dtype == "float32" else 1e-9)
            )
            np.testing.assert_allclose(_np(engine, got), want, **tol)


def test_laplacian_matches_opencv(engine, cv2):
    host = _host((2, 3, 12, 14), seed=6, dtype="float32")
    k = np.ones((3, 3), np.float32)
    k[1, 1] = -8
    want = _cv_planes(
        cv2, host, lambda p: cv2.filter2D(p, -1, k, borderType=cv2.BORDER_REFLECT_101)
    )
    got = _np(engine, F.laplacian(engine.asarray(host), 3))
    np.testing.assert_allclose(got, want / 16, rtol=1e-4, atol=1e-5)


def test_laplacian_identities(engine):
    # zero on constants and linear ramps; 3 * (a + b) on a x^2/2 + b y^2/2 (size 3, raw)
    yy, xx = np.mgrid[0:7, 0:8].astype("float64")
    for img, want in (
        (np.full((7, 8), 2.5), 0.0),
        (3 * xx - yy, 0.0),
        (xx * xx / 2 + yy * yy, 9.0),
    ):
        x, atol = _wide(engine, img[None, None])
        got = _np(engine, F.laplacian(x, 3, "replicate", False))
        np.testing.assert_allclose(got[0, 0, 1:-1, 1:-1], want, atol=atol * 10)


# -- canny --------------------------------------------------------------------------------
def _needs_gaussian():
    if not hasattr(pv.filters, "gaussian_blur2d"):
        pytest.skip("gaussian_blur2d is not written yet")


@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("hysteresis", [True, False])
def test_canny_matches_kornia(engine, kornia, torch, channels, hysteresis):
    _needs_gaussian()
    host = _host((2, channels, 12, 13), seed=7)
    rm, re = kornia.filters.canny(torch.from_numpy(host), 0.1, 0.3, hysteresis=hysteresis)
    for dtype in float_dtypes(engine):
        m, e = F.canny(engine.asarray(host.astype(dtype)), 0.1, 0.3, hysteresis=hysteresis)
        np.testing.assert_allclose(_np(engine, m), rm.numpy(), **TOL[dtype])
        # random image: no magnitude within float32 rounding of a threshold or a tie
        np.testing.assert_array_equal(_np(engine, e), re.numpy())


def test_canny_step_edge_keeps_the_left_pixel(engine):
    # two equal magnitudes across a vertical step: like cv2.Canny, the left one is kept
    _needs_gaussian()
    img = np.zeros((1, 1, 6, 8))
    img[..., 4:] = 1.0
    x, _ = _wide(engine, img)
    m, e = F.canny(x, kernel_size=1, sigma=(1.0, 1.0))
    edges = _np(engine, e)[0, 0]
    np.testing.assert_array_equal(edges, np.tile([0, 0, 0, 1, 0, 0, 0, 0], (6, 1)))
    np.testing.assert_allclose(_np(engine, m)[0, 0, :, 3], np.sqrt(16 + 1e-6), rtol=1e-6)


def test_canny_hysteresis_follows_a_long_weak_chain(engine):
    # a weak ramp line 30 pixels long, strong only at one end: hysteresis needs many rounds
    _needs_gaussian()
    img = np.zeros((1, 1, 7, 34))
    img[0, 0, 3:, 2:32] = np.linspace(0.2, 0.25, 30)
    img[0, 0, 3:, 2] = 1.0
    x, _ = _wide(engine, img)
    m, e = F.canny(x, 0.5, 3.0, kernel_size=1)
    m, e = _np(engine, m)[0, 0], _np(engine, e)[0, 0]
    weak_or_strong = m > 0.5
    np.testing.assert_array_equal(e > 0, weak_or_strong)  # the whole connected chain is kept


def test_canny_magnitude_is_differentiable(torch):
    _needs_gaussian()
    x = torch.from_numpy(_host((1, 1, 7, 8), seed=8)).requires_grad_()
    assert torch.autograd.gradcheck(lambda t: F.canny(t)[0], (x,), fast_mode=True)


# -- error contract -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call, shape, exc, msg",
    [
        (
            lambda x: F.spatial_gradient(x),
            (5, 5),
            ValueError,
            "input: expected shape (B, C, H, W) or (C, H, W), got (5, 5)",
        ),
        (
            lambda x: F.spatial_gradient(x, "scharr"),
            (1, 1, 5, 5),
            ValueError,
            "mode: expected one of ['sobel', 'diff']",
        ),
        (
            lambda x: F.spatial_gradient(x, order=0),
            (1, 1, 5, 5),
            ValueError,
            "order: expected 1 or 2, got 0",
        ),
        (
            lambda x: F.spatial_gradient3d(x),
            (5, 5, 5),
            ValueError,
            "input: expected shape (B, C, D, H, W)",
        ),
        (
            lambda x: F.spatial_gradient3d(x, "sobel"),
            (1, 1, 3, 5, 5),
            ValueError,
            "mode: expected one of ['diff']",
        ),
        (lambda x: F.sobel(x), (1, 1, 1, 5, 5), ValueError, "input: expected shape (B, C, H, W)"),
        (
            lambda x: F.sobel(x, eps=-1.0),
            (1, 1, 5, 5),
            ValueError,
            "eps: expected a non-negative number, got -1.0",
        ),
        (
            lambda x: F.laplacian(x, 4),
            (1, 1, 5, 5),
            ValueError,
            "kernel_size: expected odd positive",
        ),
        (lambda x: F.laplacian(x, 1), (1, 1, 5, 5), ValueError, "at least one > 1, got 1"),
        (
            lambda x: F.laplacian(x, 3, "mirror"),
            (1, 1, 5, 5),
            ValueError,
            "border_type: expected one of",
        ),
        (
            lambda x: F.canny(x),
            (1, 2, 5, 5),
            ValueError,
            "input: expected 1 or 3 channels at axis -3",
        ),
        (
            lambda x: F.canny(x, 0.3, 0.2),
            (1, 1, 5, 5),
            ValueError,
            "low_threshold: expected a value <= high_threshold (0.2), got 0.3",
        ),
        (
            lambda x: F.canny(x, 0.0, 0.2),
            (1, 1, 5, 5),
            ValueError,
            "low_threshold: expected a positive number, got 0.0",
        ),
    ],
)
def test_error_contract(engine, call, shape, exc, msg):
    x = engine.asarray(np.zeros(shape, dtype="float32"))
    with pytest.raises(exc) as info:
        call(x)
    assert msg in str(info.value)
