"""Kernel builders of ``portvision.filters.kernels``.

Oracles: Kornia 0.9 (float64, on torch), ``scipy.special.ive`` for the discrete Gaussian
(Kornia approximates the Bessel functions to ~1e-7; we use exact ratios), ``scipy.special.erf``
for the erf kernel (Kornia rounds 1/sqrt(2) to 0.70710678, a 2e-9 relative sigma shift),
``numpy.hanning``, Kornia's documented values, and the error contract on every engine.
"""

from __future__ import annotations

import numpy as np
import pytest

import portvision as pv
from portvision.filters import kernels as K

F = pv.filters
SIGMAS = (0.0, 1e-3, 0.3, 1.0, 1.5, 4.0, 20.0)
SIZES = (1, 3, 5, 11, 31)


def _kt(torch, s):
    return torch.tensor(np.asarray(s, dtype=np.float64))


# -- oracle agreement --------------------------------------------------------------------
@pytest.mark.parametrize("k", SIZES)
def test_gaussian1d_matches_kornia(kornia, torch, k):
    s = np.array([[v] for v in SIGMAS])
    got = F.get_gaussian_kernel1d(k, s)
    want = kornia.filters.get_gaussian_kernel1d(k, _kt(torch, s)).numpy()
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


@pytest.mark.parametrize("k", (2, 4, 6))
def test_even_kernels_match_kornia(kornia, torch, k):
    KF = kornia.filters
    np.testing.assert_allclose(
        F.get_gaussian_kernel1d(k, 1.3, True, dtype="float64"),
        KF.get_gaussian_kernel1d(k, 1.3, True, dtype=torch.float64).numpy(),
        atol=1e-12,
    )
    np.testing.assert_allclose(
        F.get_gaussian_erf_kernel1d(k, 1.3, True, dtype="float64"),
        KF.get_gaussian_erf_kernel1d(k, 1.3, True, dtype=torch.float64).numpy(),
        atol=1e-8,
    )


@pytest.mark.parametrize("k", SIZES)
def test_erf_kernel_matches_scipy_and_kornia(kornia, torch, k):
    special = pytest.importorskip("scipy.special")
    for s in SIGMAS[1:]:
        x = np.arange(k) - (k - 1) / 2
        ref = special.erf((x + 0.5) / (np.sqrt(2) * s)) - special.erf((x - 0.5) / (np.sqrt(2) * s))
        got = F.get_gaussian_erf_kernel1d(k, s, dtype="float64")[0]
        np.testing.assert_allclose(got, ref / ref.sum(), atol=1e-14)
    s = np.array([[v] for v in SIGMAS])
    want = kornia.filters.get_gaussian_erf_kernel1d(k, _kt(torch, s)).numpy()
    np.testing.assert_allclose(F.get_gaussian_erf_kernel1d(k, s), want, atol=1e-8)


@pytest.mark.parametrize("k", SIZES)
def test_discrete_kernel_matches_bessel_and_kornia(kornia, torch, k):
    special = pytest.importorskip("scipy.special")
    s = np.array([[v] for v in SIGMAS])
    n = np.abs(np.arange(k) - k // 2)
    ref = np.stack([special.ive(n, v * v) if v > 0 else (n == 0) * 1.0 for v in SIGMAS])
    got = F.get_gaussian_discrete_kernel1d(k, s)
    np.testing.assert_allclose(got, ref / ref.sum(-1, keepdims=True), atol=1e-14)
    want = kornia.filters.get_gaussian_discrete_kernel1d(k, _kt(torch, s)).numpy()
    np.testing.assert_allclose(got, want, atol=1e-7)


def test_nd_kernels_match_kornia(kornia, torch):
    KF = kornia.filters
    s3 = np.array([[1.0, 2.0, 0.5], [0.7, 1.1, 3.0]])
    np.testing.assert_allclose(
        F.get_gaussian_kernel3d((3, 5, 7), s3),
        KF.get_gaussian_kernel3d((3, 5, 7), _kt(torch, s3)).numpy(),
        atol=1e-12,
    )
    np.testing.assert_allclose(
        F.get_gaussian_kernel2d((3, 5), s3[:, :2]),
        KF.get_gaussian_kernel2d((3, 5), _kt(torch, s3[:, :2])).numpy(),
        atol=1e-12,
    )
    np.testing.assert_allclose(
        F.get_gaussian_kernel2d((5, 3), (0.8, 2.0), dtype="float64"),
        KF.get_gaussian_kernel2d((5, 3), (0.8, 2.0), dtype=torch.float64).numpy(),
        atol=1e-12,
    )
    np.testing.assert_allclose(
        F.get_hanning_kernel2d((3, 6), dtype="float64"),
        KF.get_hanning_kernel2d((3, 6), dtype=torch.float64).numpy(),
        atol=1e-12,
    )
    np.testing.assert_array_equal(
        F.get_binary_kernel2d((2, 3)), KF.get_binary_kernel2d((2, 3)).numpy()
    )
    np.testing.assert_array_equal(F.get_box_kernel2d((2, 3)), KF.get_box_kernel2d((2, 3)).numpy())
    np.testing.assert_array_equal(F.get_box_kernel1d(7), KF.get_box_kernel1d(7).numpy())


def test_gaussian_mean_matches_kornia(kornia, torch):
    from kornia.filters.kernels import gaussian as kgaussian

    s, m = np.array([[1.3], [0.5]]), np.array([[2.0], [3.5]])
    np.testing.assert_allclose(
        K.gaussian(6, s, mean=m),
        kgaussian(6, _kt(torch, s), mean=_kt(torch, m)).numpy(),
        atol=1e-12,
    )
    np.testing.assert_allclose(
        K.gaussian(5, 1.1, mean=1.0, dtype="float64"),
        kgaussian(5, 1.1, mean=1.0, dtype=torch.float64).numpy(),
        atol=1e-12,
    )


def test_hanning_is_numpy_hanning():
    for k in (3, 4, 7):
        np.testing.assert_allclose(
            F.get_hanning_kernel1d(k, dtype="float64"), np.hanning(k), atol=1e-15
        )


# -- documented values (Kornia's docstrings) -------------------------------------------
def test_kornia_documented_values():
    r = lambda a: np.round(np.asarray(a, dtype=np.float64), 4).tolist()  # noqa: E731
    assert r(F.get_gaussian_kernel1d(3, 2.5)) == [[0.3243, 0.3513, 0.3243]]
    assert r(F.get_gaussian_kernel1d(5, 1.5)) == [[0.1201, 0.2339, 0.2921, 0.2339, 0.1201]]
    assert r(F.get_gaussian_kernel1d(5, np.array([[1.5], [0.7]]))) == [
        [0.1201, 0.2339, 0.2921, 0.2339, 0.1201],
        [0.0096, 0.2054, 0.5699, 0.2054, 0.0096],
    ]
    assert r(F.get_gaussian_kernel1d(5, 0.0)) == [[0.0, 0.0, 1.0, 0.0, 0.0]]
    assert r(F.get_gaussian_kernel1d(4, 0.0, force_even=True)) == [[0.0, 0.5, 0.5, 0.0]]
    assert r(F.get_gaussian_discrete_kernel1d(3, 2.5)) == [[0.3235, 0.3531, 0.3235]]
    assert r(F.get_gaussian_discrete_kernel1d(5, np.array([[1.5], [2.4]]))) == [
        [0.1096, 0.2323, 0.3161, 0.2323, 0.1096],
        [0.1635, 0.2170, 0.2389, 0.2170, 0.1635],
    ]
    assert r(F.get_gaussian_erf_kernel1d(3, 2.0)) == [[0.3195, 0.3611, 0.3195]]
    assert r(F.get_gaussian_erf_kernel1d(5, np.array([[1.5], [2.1]]))) == [
        [0.1226, 0.2331, 0.2887, 0.2331, 0.1226],
        [0.1574, 0.2198, 0.2456, 0.2198, 0.1574],
    ]
    k2 = r(F.get_gaussian_kernel2d((5, 5), (1.5, 1.5)))
    assert k2[0][2] == [0.0351, 0.0683, 0.0853, 0.0683, 0.0351]
    assert r(F.get_gaussian_kernel2d((3, 5), (1.5, 1.5)))[0][1] == [
        0.0462,
        0.0899,
        0.1123,
        0.0899,
        0.0462,
    ]
    assert r(F.get_gaussian_kernel3d((3, 3, 3), (1.5, 1.5, 1.5)))[0][0][0] == [
        0.0292,
        0.0364,
        0.0292,
    ]
    assert r(F.get_hanning_kernel1d(4)) == [0.0, 0.75, 0.75, 0.0]


# -- identities and conventions -------------------------------------------------------
def test_shapes_and_sums(engine):
    xp = engine.xp
    with pv.use_backend(engine.name, device=engine.device):
        cases = [
            (F.get_gaussian_kernel1d(7, 1.2), (1, 7)),
            (F.get_gaussian_erf_kernel1d(5, 0.9), (1, 5)),
            (F.get_gaussian_discrete_kernel1d(9, 2.0), (1, 9)),
            (F.get_gaussian_kernel2d((3, 5), (1.0, 2.0)), (1, 3, 5)),
            (F.get_gaussian_kernel3d(3, (1.0, 2.0, 0.5)), (1, 3, 3, 3)),
            (F.get_box_kernel1d(4), (1, 4)),
            (F.get_box_kernel2d((2, 5)), (1, 2, 5)),
            (K.gaussian(4, 1.0), (1, 4)),
        ]
        for k, shape in cases:
            assert engine.is_own(k) and tuple(k.shape) == shape and k.dtype == xp.float32
            total = engine.to_numpy(xp.sum(k, axis=tuple(range(1, k.ndim))))
            np.testing.assert_allclose(total, 1.0, atol=1e-6)
        assert tuple(F.get_hanning_kernel2d((3, 4)).shape) == (3, 4)
        assert tuple(F.get_binary_kernel2d(3).shape) == (9, 1, 3, 3)


def test_per_sample_sigma_keeps_engine_and_dtype(engine):
    from conftest import float_dtypes

    for dt in float_dtypes(engine):
        s = engine.asarray(np.array([[1.0, 2.0], [0.5, 0.7], [3.0, 1.0]], dtype=dt))
        k = F.get_gaussian_kernel2d((5, 3), s)
        assert engine.is_own(k) and tuple(k.shape) == (3, 5, 3) and str(k.dtype).endswith(dt)
        assert engine.eng.device(k) == engine.eng.device(s)


def test_integer_sigma_array_gives_float32():
    assert F.get_gaussian_kernel1d(3, np.array([[1], [2]])).dtype == np.float32


def test_gaussian2d_is_outer_product_y_first():
    k = F.get_gaussian_kernel2d((3, 5), (0.7, 2.0), dtype="float64")[0]
    ky = F.get_gaussian_kernel1d(3, 0.7, dtype="float64")[0]
    kx = F.get_gaussian_kernel1d(5, 2.0, dtype="float64")[0]
    np.testing.assert_allclose(k, np.outer(ky, kx), atol=1e-15)


def test_tiny_sigma_is_finite_impulse():
    k = F.get_gaussian_kernel1d(5, 1e-30, dtype="float32")
    np.testing.assert_array_equal(k, [[0, 0, 1, 0, 0]])


def test_sigma_gradient_is_finite(torch):
    s = torch.tensor([[0.0], [1e-20], [1.5]], dtype=torch.float64, requires_grad=True)
    for fn in (
        F.get_gaussian_kernel1d,
        F.get_gaussian_erf_kernel1d,
        F.get_gaussian_discrete_kernel1d,
    ):
        (g,) = torch.autograd.grad(fn(5, s).pow(2).sum(), s)
        assert torch.isfinite(g).all(), fn.__name__


def test_dtype_and_device_arguments(torch):
    with pv.use_backend("torch"):
        k = F.get_gaussian_kernel1d(5, 1.0, dtype=torch.float64, device="cpu")
    assert isinstance(k, torch.Tensor) and k.dtype == torch.float64
    assert F.get_box_kernel1d(3, dtype="float64").dtype == np.float64


# -- error contract: same type and message on every engine ------------------------------
ERRORS = [
    (
        lambda: F.get_gaussian_kernel1d(4, 1.0),
        ValueError,
        "kernel_size: expected odd positive integers, got 4",
    ),
    (
        lambda: F.get_gaussian_kernel1d(0, 1.0, True),
        ValueError,
        "kernel_size: expected positive integers, got 0",
    ),
    (
        lambda: F.get_gaussian_kernel1d((3,), 1.0),
        ValueError,
        "kernel_size: expected an integer, got (3,)",
    ),
    (
        lambda: F.get_gaussian_kernel1d(3, -1.0),
        ValueError,
        "sigma: expected non-negative finite values, got -1.0",
    ),
    (
        lambda: F.get_gaussian_kernel1d(3, float("nan")),
        ValueError,
        "sigma: expected non-negative finite values",
    ),
    (
        lambda: F.get_gaussian_discrete_kernel1d(4, 1.0, True),
        ValueError,
        "kernel_size: expected odd positive integers, got 4",
    ),
    (
        lambda: F.get_gaussian_kernel2d((3, 4), (1.0, 1.0)),
        ValueError,
        "kernel_size: expected odd positive integers, got (3, 4)",
    ),
    (
        lambda: F.get_gaussian_kernel2d(3, (1.0, 1.0, 1.0)),
        ValueError,
        "sigma: expected a number or a sequence of 2 numbers, got (1.0, 1.0, 1.0)",
    ),
    (
        lambda: F.get_gaussian_kernel3d(3, (1.0, 0.0, -2.0)),
        ValueError,
        "sigma: expected non-negative finite values, got (1.0, 0.0, -2.0)",
    ),
    (
        lambda: F.get_box_kernel2d((0, 3)),
        ValueError,
        "kernel_size: expected positive integers, got (0, 3)",
    ),
    (lambda: F.get_hanning_kernel1d(2), ValueError, "kernel_size: expected >= 3 integers, got 2"),
    (
        lambda: F.get_binary_kernel2d(2.5),
        ValueError,
        "window_size: expected an integer or a sequence of 2",
    ),
    (
        lambda: F.get_gaussian_kernel1d(3, 1.0, dtype="int32"),
        TypeError,
        "dtype: expected a real floating dtype",
    ),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors_on_every_engine(engine, i):
    fn, exc, msg = ERRORS[i]
    with pv.use_backend(engine.name, device=engine.device), pytest.raises(exc) as err:
        fn()
    assert msg in str(err.value)


def test_sigma_array_errors(engine):
    bad_shape = engine.asarray(np.ones((3,), dtype=np.float32))
    with pytest.raises(
        ValueError,
        match=r"sigma: expected a number or an array of shape \(B, 1\), got shape \(3,\)",
    ):
        F.get_gaussian_kernel1d(3, bad_shape)
    neg = engine.asarray(np.array([[1.0, -1.0]], dtype=np.float32))
    with pytest.raises(
        ValueError, match=r"sigma: expected non-negative finite values, got \[\[1.0, -1.0\]\]"
    ):
        F.get_gaussian_kernel2d(3, neg)
