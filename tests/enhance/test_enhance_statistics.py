"""Histograms, integral images and ZCA whitening: Kornia 0.9 (float64), ``np.histogram``
(uniform kernel), ``cv2.integral``, analytic identities (box sums from four corners,
identity covariance after whitening), the error contract."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import float_dtypes

import portvision as pv

E = pv.enhance


def _tol(dtype):
    return dict(rtol=1e-5, atol=1e-6) if dtype == "float32" else dict(rtol=1e-10, atol=1e-12)


# -- histograms -------------------------------------------------------------------------
def test_histograms_match_kornia(engine, kornia, torch):
    rng = np.random.default_rng(0)
    x1, x2 = rng.uniform(size=(2, 30)), rng.uniform(size=(2, 30))
    bins = np.linspace(0, 1, 7)
    t = torch.from_numpy
    bw = torch.tensor(0.125, dtype=torch.float64)
    want1 = kornia.enhance.histogram(t(x1), t(bins), bw).numpy()
    want2 = kornia.enhance.histogram2d(t(x1), t(x2), t(bins), bw).numpy()
    for dtype in float_dtypes(engine):
        a = lambda v, d=dtype: engine.asarray(v, d)  # noqa: E731
        np.testing.assert_allclose(
            engine.to_numpy(E.histogram(a(x1), a(bins), 0.125)), want1, **_tol(dtype)
        )
        got2 = E.histogram2d(a(x1), a(x2), a(bins), a(np.array(0.125)))
        np.testing.assert_allclose(engine.to_numpy(got2), want2, **_tol(dtype))


@pytest.mark.parametrize("kernel", ["triangular", "gaussian", "uniform", "epanechnikov"])
def test_image_histogram2d_matches_kornia(engine, kornia, torch, kernel):
    host = np.random.default_rng(1).uniform(-0.1, 1.1, size=(2, 3, 6, 7))
    want = kornia.enhance.image_histogram2d(
        torch.from_numpy(host), 0.0, 1.0, 12, kernel=kernel, return_pdf=True
    )
    for dtype in float_dtypes(engine):
        hist, pdf = E.image_histogram2d(
            engine.asarray(host, dtype), 0.0, 1.0, 12, kernel=kernel, return_pdf=True
        )
        assert engine.to_numpy(hist).dtype == np.dtype(dtype)
        np.testing.assert_allclose(engine.to_numpy(hist), want[0].numpy(), **_tol(dtype))
        np.testing.assert_allclose(engine.to_numpy(pdf), want[1].numpy(), **_tol(dtype))


def test_uniform_kernel_counts_like_np_histogram(engine):
    # a uniform kernel of half a bin width counts every value in its bin (bins are closed
    # intervals here, so keep values off the bin edges)
    rng = np.random.default_rng(2)
    lv = rng.integers(0, 10, size=(40, 50))
    img = (lv + rng.uniform(0.1, 0.9, size=lv.shape)) / 10.0
    centres = engine.asarray(
        (np.arange(10) + 0.5) / 10, "float32"
    )  # auto centres step by bandwidth
    x = engine.asarray(img, "float32")
    hist, zeros = E.image_histogram2d(
        x, 0.0, 1.0, centers=centres, bandwidth=0.05, kernel="uniform"
    )
    want, _ = np.histogram(img, bins=10, range=(0.0, 1.0))
    np.testing.assert_array_equal(engine.to_numpy(hist), want)
    np.testing.assert_array_equal(engine.to_numpy(zeros), 0.0)
    # triangular kernels of one bin width form a partition of unity between the first and
    # the last centre: a pixel there adds exactly 1, one outside 1 - distance / bandwidth
    tri, _ = E.image_histogram2d(x, 0.0, 1.0, 10)
    dist = np.maximum(0.05 - img, 0) + np.maximum(img - 0.95, 0)
    want_mass = np.clip(1 - dist / 0.1, 0, None).sum()
    np.testing.assert_allclose(float(engine.to_numpy(tri).sum()), want_mass, rtol=1e-5)


# -- integral images ----------------------------------------------------------------------
def test_integral_image_matches_opencv_and_box_sums(engine, cv2):
    u8 = np.random.default_rng(3).integers(0, 256, size=(2, 3, 7, 9)).astype(np.uint8)
    got = engine.to_numpy(E.integral_image(engine.asarray(u8)))
    assert got.dtype == np.int64
    for b in range(2):
        for c in range(3):
            np.testing.assert_array_equal(got[b, c], cv2.integral(u8[b, c])[1:, 1:])
    # a box sum from four corners of the padded table
    s = np.pad(got, ((0, 0), (0, 0), (1, 0), (1, 0)))
    y0, y1, x0, x1 = 2, 6, 1, 8
    box = s[..., y1, x1] - s[..., y0, x1] - s[..., y1, x0] + s[..., y0, x0]
    np.testing.assert_array_equal(box, u8[..., y0:y1, x0:x1].astype(np.int64).sum((-2, -1)))
    for dtype in float_dtypes(engine):
        f = engine.to_numpy(E.integral_image(engine.asarray(u8 / 255.0, dtype)))
        np.testing.assert_allclose(f, got / 255.0, rtol=1e-5 if dtype == "float32" else 1e-12)


def test_integral_tensor_matches_kornia(engine, kornia, torch):
    host = np.random.default_rng(4).uniform(size=(2, 3, 4, 5))
    for dim in (None, (-2, -1), (0, 3, 1)):
        want = kornia.enhance.integral_tensor(torch.from_numpy(host), dim).numpy()
        for dtype in float_dtypes(engine):
            got = E.integral_tensor(engine.asarray(host, dtype), dim)
            np.testing.assert_allclose(engine.to_numpy(got), want, **_tol(dtype))


# -- ZCA -----------------------------------------------------------------------------------
def test_zca_matches_kornia(engine, kornia, torch):
    host = np.random.default_rng(5).uniform(size=(3, 20, 2))
    for dim, unbiased in ((1, True), (0, False), (-1, True)):
        t, m, ti = kornia.enhance.zca_mean(
            torch.from_numpy(host), dim, unbiased, return_inverse=True
        )
        w = kornia.enhance.zca_whiten(torch.from_numpy(host), dim, unbiased).numpy()
        # rank-deficient fits (fewer samples than features) amplify rounding by 1/sqrt(eps)
        deficient = host.shape[dim] < 6
        for dtype in float_dtypes(engine):
            if deficient and dtype == "float32":
                continue
            x = engine.asarray(host, dtype)
            got = E.zca_mean(x, dim, unbiased, return_inverse=True)
            tol = dict(rtol=1e-5, atol=1e-5) if deficient else _tol(dtype)
            if dtype == "float32":
                tol = dict(rtol=1e-3, atol=1e-3)
            for g, want in zip(got, (t, m, ti), strict=True):
                np.testing.assert_allclose(engine.to_numpy(g), want.numpy(), **tol)
            np.testing.assert_allclose(engine.to_numpy(E.zca_whiten(x, dim, unbiased)), w, **tol)


def test_zca_whitening_gives_identity_covariance(engine):
    rng = np.random.default_rng(6)
    mix = rng.normal(size=(4, 4))
    data = rng.normal(size=(200, 4)) @ mix + 3.0  # correlated, off-centre
    for dtype in float_dtypes(engine):
        w = engine.to_numpy(E.zca_whiten(engine.asarray(data, dtype), eps=0.0 + 1e-12))
        cov = np.cov(w.astype(np.float64), rowvar=False)
        atol = 1e-3 if dtype == "float32" else 1e-8
        np.testing.assert_allclose(cov, np.eye(4), atol=atol)
        np.testing.assert_allclose(w.mean(0), 0.0, atol=atol)
    dt = float_dtypes(engine)[-1]
    data = data.astype(dt)
    t, m, ti = E.zca_mean(engine.asarray(data), return_inverse=True)
    tn, tin = engine.to_numpy(t), engine.to_numpy(ti)
    atol = 1e-6 if dt == "float64" else 1e-3
    np.testing.assert_allclose(tn @ tin, np.eye(4), atol=atol)  # the inverse inverts
    np.testing.assert_allclose(tn, tn.T, atol=atol)  # ZCA: symmetric (zero-phase)
    zero = engine.asarray(np.zeros((1, 4), dt))
    back = E.linear_transform(E.zca_whiten(engine.asarray(data)), ti, zero)  # colour again
    np.testing.assert_allclose(engine.to_numpy(back) + engine.to_numpy(m), data, atol=atol * 10)


def test_errors(engine):
    x = engine.asarray(np.ones((2, 5), np.float32))
    bins = engine.asarray(np.linspace(0, 1, 4).astype(np.float32))
    with pytest.raises(ValueError, match=r"^bandwidth: expected a positive finite value, got 0.0$"):
        E.histogram(x, bins, 0.0)
    with pytest.raises(ValueError, match=r"^x: expected shape \(B, D\), got \(2, 5, 1\)$"):
        E.histogram(x[:, :, None], bins, 0.1)
    with pytest.raises(ValueError, match=r"^x2: expected the shape of x1 \(2, 5\), got \(1, 5\)$"):
        E.histogram2d(x, x[:1, :], bins, 0.1)
    with pytest.raises(
        ValueError,
        match=r"^kernel: expected one of \['triangular', 'gaussian', 'uniform', 'epanechnikov'\], "
        r"got 'box'$",
    ):
        E.image_histogram2d(x, kernel="box")
    with pytest.raises(TypeError, match="^min: expected a float, got int$"):
        E.image_histogram2d(x, 0)
    with pytest.raises(
        ValueError, match=r"^max: expected a finite range with max > min, got \[1.0, 0.0\]$"
    ):
        E.image_histogram2d(x, 1.0, 0.0)
    with pytest.raises(ValueError, match=r"^dim: expected distinct axes, got \(1, -1\)$"):
        E.integral_tensor(x, (1, -1))
    with pytest.raises(
        ValueError, match=r"^dim: expected axes in \[-2, 1\] \(input shape \(2, 5\)\), got \(2,\)$"
    ):
        E.integral_tensor(x, (2,))
    with pytest.raises(
        ValueError,
        match=r"^inp: expected at least two samples \(unbiased\) along dim 0, got shape \(1, 5\)$",
    ):
        E.zca_whiten(x[:1, :])
    with pytest.raises(TypeError, match="^eps: expected a float, got int$"):
        E.zca_mean(x, eps=1)
    with pytest.raises(
        ValueError, match=r"^transform_matrix: expected shape \(5, 5\), got \(4, 4\)$"
    ):
        E.linear_transform(
            x,
            engine.asarray(np.eye(4, dtype=np.float32)),
            engine.asarray(np.zeros((1, 5), np.float32)),
        )
