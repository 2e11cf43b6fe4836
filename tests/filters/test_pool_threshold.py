"""Blur pools (plain, max, edge-aware), ``in_range`` and ``otsu_threshold``.

Oracles: Kornia 0.9 in float64 on torch; Kornia's documented docstring values; OpenCV's
``cv2.inRange`` (inclusive bounds, same rule); ``skimage.filters.threshold_otsu`` for float
planes. skimage bins a float plane like Kornia (``nbins`` equal bins over ``[min, max]``, the
last one closed) and picks the same split, but returns the *centre* of the last background
bin where Kornia returns its *upper edge*: the two thresholds differ by exactly half a bin,
which the test pins. For integer images skimage counts every integer value (``bincount``), not
``nbins`` bins over the range, so it is not compared there.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import portvision as pv

F = pv.filters


def _host(shape=(2, 3, 9, 11), seed=0, dtype="float64", low=0.0, high=1.0):
    return np.random.default_rng(seed).uniform(low, high, size=shape).astype(dtype)


# -- blur pools: Kornia -----------------------------------------------------------------------
@pytest.mark.parametrize("k", (1, 2, 3, 4, 5))
@pytest.mark.parametrize("stride", (1, 2, 3))
def test_blur_pools_match_kornia(kornia, torch, k, stride):
    KF, x = kornia.filters, _host()
    t = torch.tensor(x)
    pairs = [
        (F.blur_pool2d(x, k, stride), KF.blur_pool2d(t, k, stride)),
        (F.blur_pool2d(x, (k, k), stride), KF.blur_pool2d(t, (k, k), stride)),
        (F.max_blur_pool2d(x, k, stride), KF.max_blur_pool2d(t, k, stride)),
        (F.max_blur_pool2d(x, k, stride, 3), KF.max_blur_pool2d(t, k, stride, 3)),
    ]
    for got, want in pairs:
        assert got.shape == tuple(want.shape)
        np.testing.assert_allclose(got, want.numpy(), rtol=0, atol=1e-14)


@pytest.mark.parametrize("k", (2, 3, 5, 6))
@pytest.mark.parametrize("threshold", (1.25, 2.0, 4.0))
def test_edge_aware_matches_kornia(kornia, torch, k, threshold):
    x = _host(low=0.05)
    got = F.edge_aware_blur_pool2d(x, k, threshold, 3)
    want = kornia.filters.edge_aware_blur_pool2d(torch.tensor(x), k, threshold, 3).numpy()
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-14)
    got = F.edge_aware_blur_pool2d(x, k, threshold, 5, 1e-3)
    want = kornia.filters.edge_aware_blur_pool2d(torch.tensor(x), k, threshold, 5, 1e-3).numpy()
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-14)


def test_blur_pool_documented_values():
    eye = np.eye(5, dtype=np.float32)[None, None]
    np.testing.assert_allclose(
        F.blur_pool2d(eye, 3)[0, 0],
        [[0.3125, 0.0625, 0.0], [0.0625, 0.375, 0.0625], [0.0, 0.0625, 0.3125]],
        atol=1e-7,
    )
    np.testing.assert_allclose(
        F.max_blur_pool2d(eye, 3)[0, 0], [[0.5625, 0.3125], [0.3125, 0.875]], atol=1e-7
    )


def test_blur_pool_output_sizes():
    x = _host((1, 2, 9, 11))
    for k in (2, 3, 4):
        for s in (1, 2, 3, 4):
            assert F.blur_pool2d(x, k, s).shape == (1, 2, -(-9 // s), -(-11 // s))
            assert F.max_blur_pool2d(x, k, s, 3).shape == (1, 2, -(-7 // s), -(-9 // s))
    assert F.blur_pool2d(x[0], 3).shape == (2, 5, 6)


# -- blur pools: identities -----------------------------------------------------------------------
def test_blur_pool_of_constant_is_constant_inside():
    c = np.full((1, 2, 12, 12), 0.6)
    for k in (2, 3, 4, 5):
        out = F.blur_pool2d(c, k, 1)
        r = k // 2
        # zero padding darkens the border only; the interior keeps the constant
        np.testing.assert_allclose(out[..., r : 12 - r, r : 12 - r], 0.6, atol=1e-15)
        np.testing.assert_allclose(F.edge_aware_blur_pool2d(c, k), c, atol=1e-15)
        np.testing.assert_allclose(F.max_blur_pool2d(c, k, 2)[..., 1:-1, 1:-1], 0.6, atol=1e-15)


def test_binomial_kernel_is_pascal_row():
    impulse = np.zeros((1, 1, 9, 9))
    impulse[0, 0, 4, 4] = 1.0
    out = F.blur_pool2d(impulse, 5, 1)[0, 0]
    row = np.array([1, 4, 6, 4, 1]) / 16.0
    np.testing.assert_allclose(out[2:7, 2:7], np.outer(row, row)[::-1, ::-1], atol=1e-16)


def test_max_blur_pool_is_max_then_blur():
    x = _host()
    win = np.lib.stride_tricks.sliding_window_view(x, (2, 2), axis=(-2, -1)).max(axis=(-2, -1))
    np.testing.assert_allclose(F.max_blur_pool2d(x, 3, 2, 2), F.blur_pool2d(win, 3, 2), atol=0)


def test_max_blur_pool_ceil_mode_is_deprecated_and_ignored():
    x = _host()
    with pytest.warns(DeprecationWarning, match="ceil_mode"):
        out = F.max_blur_pool2d(x, 3, ceil_mode=True)
    np.testing.assert_array_equal(out, F.max_blur_pool2d(x, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.max_blur_pool2d(x, 3)


def test_edge_aware_keeps_steps_and_blurs_flat_noise():
    x = np.full((1, 1, 10, 10), 0.2)
    x[..., 5:] = 0.9
    np.testing.assert_allclose(F.edge_aware_blur_pool2d(x, 3), x, atol=1e-15)
    y = 0.5 + 0.01 * _host((1, 1, 10, 10))
    assert np.abs(F.edge_aware_blur_pool2d(y, 3) - y).max() > 0


# -- in_range --------------------------------------------------------------------------------------
def test_in_range_matches_kornia(kornia, torch):
    KF, x = kornia.filters, _host()
    t = torch.tensor(x)
    lo, hi = (0.2, 0.1, 0.3), (0.9, 0.8, 0.95)
    for rm in (True, False):
        np.testing.assert_array_equal(F.in_range(x, lo, hi, rm), KF.in_range(t, lo, hi, rm).numpy())
        np.testing.assert_array_equal(
            F.in_range(x[0], lo, hi, rm), KF.in_range(t[0], lo, hi, rm).numpy()
        )
    bl, bu = _host((2, 3, 1, 1), 1, high=0.4), _host((2, 3, 1, 1), 2, low=0.6)
    for lower, upper in (
        (bl, bu),
        (bl[0, :, 0, 0], bu[0, :, 0, 0]),
        (bl[:1, :1], bu[0]),
        (_host((9, 11), 3, high=0.3), _host((9, 11), 4, low=0.7)),
    ):
        np.testing.assert_array_equal(
            F.in_range(x, lower, upper, True),
            KF.in_range(t, torch.tensor(lower), torch.tensor(upper), True).numpy(),
        )
    y = _host((2, 2, 3, 5, 6), 5)
    np.testing.assert_array_equal(
        F.in_range(y, (0.2, 0.3, 0.1), (0.9, 0.7, 0.8), True),
        KF.in_range(torch.tensor(y), (0.2, 0.3, 0.1), (0.9, 0.7, 0.8), True).numpy(),
    )
    np.testing.assert_array_equal(
        F.in_range(x[0, 0], (0.3,), (0.6,), True),
        KF.in_range(t[0, 0], (0.3,), (0.6,), True).numpy(),
    )


def test_in_range_integer_bounds_match_kornia(kornia, torch):
    x = np.random.default_rng(6).integers(0, 256, (2, 3, 9, 11)).astype(np.uint8)
    t = torch.tensor(x)
    for lo, hi in (
        ((20.5, -3, 30), (200.2, 300, 250)),
        ((0, 0, 0), (255, 255, 255)),
        ((100.0, 256, 5), (100.0, 400, 4)),
        ((float("nan"), 0, 0), (255, 255, 255)),
    ):
        got = F.in_range(x, lo, hi, True)
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, F.in_range(x, lo, hi, True))
        np.testing.assert_array_equal(got, kornia.filters.in_range(t, lo, hi, True).numpy())
    lo, hi = np.array([10.5, 0.0, -4.0]), np.array([240.5, 1e9, 128.0])
    np.testing.assert_array_equal(
        F.in_range(x, lo, hi, True),
        kornia.filters.in_range(t, torch.tensor(lo), torch.tensor(hi), True).numpy(),
    )


def test_in_range_matches_opencv():
    cv2 = pytest.importorskip("cv2")
    x = _host((1, 3, 9, 11), dtype="float32")
    lo, hi = (0.2, 0.1, 0.3), (0.9, 0.8, 0.95)
    hwc = np.ascontiguousarray(np.moveaxis(x[0], 0, -1))
    want = cv2.inRange(hwc, np.array(lo, np.float32), np.array(hi, np.float32)) // 255
    np.testing.assert_array_equal(F.in_range(x, lo, hi, True)[0, 0], want)


def test_in_range_nan_fails_and_masked_values():
    x = _host((1, 2, 4, 4))
    x[0, 0, 1, 1] = np.nan
    m = F.in_range(x, (0.0, 0.0), (1.0, 1.0), True)
    assert m[0, 0, 1, 1] == 0 and m.sum() == 15
    out = F.in_range(x, (0.0, 0.0), (1.0, 1.0))
    assert np.isnan(out[0, 0, 1, 1]) and out[0, 1, 1, 1] == 0


# -- otsu ------------------------------------------------------------------------------------------
def test_otsu_documented_example():
    x = np.array([[10, 20, 30], [40, 50, 60], [70, 80, 90]])
    out, thr = F.otsu_threshold(x)
    np.testing.assert_array_equal(out, [[0, 0, 0], [0, 50, 60], [70, 80, 90]])
    np.testing.assert_array_equal(thr, [40])
    assert out.dtype == x.dtype and thr.dtype == x.dtype


@pytest.mark.parametrize("dtype", ("float64", "float32"))
@pytest.mark.parametrize("shape", ((2, 3, 9, 11), (3, 9, 11), (9, 11), (99,), (2, 2, 3, 5, 6)))
def test_otsu_matches_kornia(kornia, torch, dtype, shape):
    from kornia.filters.otsu_thresholding import otsu_threshold

    x = _host(shape, 7, dtype)
    t = torch.tensor(x)
    for nbins in (256, 16):
        for slow in (False, True):
            got, thr = F.otsu_threshold(x, nbins, slow)
            want, kthr = otsu_threshold(t, nbins, slow)
            np.testing.assert_array_equal(got, want.numpy())
            np.testing.assert_allclose(
                thr, kthr.numpy(), rtol=0, atol=1e-7 if dtype == "float32" else 1e-15
            )
            mask, _ = F.otsu_threshold(x, nbins, slow, True)
            assert mask.dtype == np.bool_
            np.testing.assert_array_equal(mask, otsu_threshold(t, nbins, slow, True)[0].numpy())


def test_otsu_integers_match_kornia(kornia, torch):
    from kornia.filters.otsu_thresholding import otsu_threshold

    for dt in ("uint8", "int16", "int64"):
        x = (
            np.random.default_rng(8).integers(0, 200, (2, 3, 9, 11)).astype(dt)
            - (dt != "uint8") * 50
        )
        for slow in (False, True):
            got, thr = F.otsu_threshold(x, slow_and_differentiable=slow)
            want, kthr = otsu_threshold(torch.tensor(x), slow_and_differentiable=slow)
            assert got.dtype == x.dtype and thr.dtype == x.dtype
            np.testing.assert_array_equal(got, want.numpy())
            np.testing.assert_array_equal(thr, kthr.numpy())


def test_otsu_matches_skimage_up_to_half_a_bin():
    sk = pytest.importorskip("skimage.filters")
    rng = np.random.default_rng(9)
    for _ in range(5):
        x = np.concatenate([rng.normal(0.3, 0.05, 120), rng.normal(0.7, 0.1, 100)]).reshape(11, 20)
        _, thr = F.otsu_threshold(x)
        half_bin = (x.max() - x.min()) / 512
        np.testing.assert_allclose(thr[0], sk.threshold_otsu(x) + half_bin, atol=1e-12)


def test_otsu_constant_plane_and_split_guard():
    c = np.full((1, 2, 4, 4), 0.25)
    out, thr = F.otsu_threshold(c)
    np.testing.assert_array_equal(thr, [0.25, 0.25])
    assert not out.any()
    x = np.array([0.0, 0.0, 1.0, 1.0, 1.0])  # two values: the threshold separates them strictly
    mask, thr = F.otsu_threshold(x, return_mask=True)
    np.testing.assert_array_equal(mask, [False, False, True, True, True])
    assert 0.0 <= thr[0] < 1.0


def test_otsu_gradients_on_torch(torch):
    x = torch.tensor(_host((2, 1, 6, 7)), requires_grad=True)
    out, thr = F.otsu_threshold(x)
    assert not thr.requires_grad  # the default path's threshold has no gradient
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), (out != 0).numpy().astype(float))
    y = torch.tensor(_host((2, 1, 6, 7)), requires_grad=True)
    _, thr = F.otsu_threshold(y, 32, slow_and_differentiable=True)
    thr.sum().backward()
    assert y.grad.abs().sum() > 0


# -- errors on every engine ------------------------------------------------------------------------
def _errors(engine):
    x = engine.asarray(_host((2, 3, 6, 6), dtype="float32"))
    xi = engine.asarray(np.ones((1, 1, 6, 6), dtype=np.int32))
    b2 = engine.asarray(np.ones(2, dtype=np.float32))
    six = engine.asarray(np.ones((1, 1, 1, 1, 1, 1), dtype=np.float32))
    return [
        (lambda: F.blur_pool2d(xi, 3), TypeError, "input: expected a real floating dtype, got"),
        (
            lambda: F.blur_pool2d(x, (3, 5)),
            ValueError,
            "kernel_size: expected a positive integer or a square (k, k), got (3, 5)",
        ),
        (
            lambda: F.blur_pool2d(x, 0),
            ValueError,
            "kernel_size: expected a positive integer or a square (k, k), got 0",
        ),
        (lambda: F.blur_pool2d(x, 3, 0), ValueError, "stride: expected a positive integer, got 0"),
        (
            lambda: F.max_blur_pool2d(x, 3, 2, 7),
            ValueError,
            "max_pool_size: expected at most the input's (H, W) (6, 6), got 7",
        ),
        (
            lambda: F.edge_aware_blur_pool2d(x, 3, 1.0),
            ValueError,
            "edge_threshold: expected a number greater than 1, got 1.0",
        ),
        (
            lambda: F.edge_aware_blur_pool2d(x, 3, 1.25, 2),
            ValueError,
            "edge_dilation_kernel_size: expected an odd positive integer, got 2",
        ),
        (
            lambda: F.blur_pool2d(six, 3),
            ValueError,
            "input: expected shape (B, C, H, W) or (C, H, W), got (1, 1, 1, 1, 1, 1)",
        ),
        (
            lambda: F.in_range(x, (0.1, 0.2), (0.5, 0.5, 0.5)),
            ValueError,
            "lower: expected 3 values (one per channel), got (0.1, 0.2)",
        ),
        (
            lambda: F.in_range(x, (0.1, 0.2, 0.3), b2),
            TypeError,
            "lower, upper: expected both tuples or both arrays",
        ),
        (
            lambda: F.in_range(x, 0.1, 0.5),
            TypeError,
            "lower, upper: expected two tuples or two arrays",
        ),
        (
            lambda: F.in_range(x, b2, b2),
            ValueError,
            "lower: expected shape (C,), (1,), or up to 4 axes",
        ),
        (
            lambda: F.in_range(x, (0,) * 3, (1,) * 3, return_mask=1),
            TypeError,
            "return_mask: expected a bool, got 1",
        ),
        (
            lambda: F.otsu_threshold(x, nbins=1),
            ValueError,
            "nbins: expected an integer >= 2, got 1",
        ),
        (
            lambda: F.otsu_threshold(six),
            ValueError,
            "x: expected at most 5 axes, got shape (1, 1, 1, 1, 1, 1)",
        ),
        (
            lambda: F.otsu_threshold(x, return_mask="yes"),
            TypeError,
            "return_mask: expected a bool, got 'yes'",
        ),
        (lambda: F.otsu_threshold([1, 2]), TypeError, "x: expected an array, got list"),
    ]


N_ERRORS = 17


@pytest.mark.parametrize("i", range(N_ERRORS))
def test_errors_on_every_engine(engine, i):
    fn, exc, msg = _errors(engine)[i]
    with pytest.raises(exc) as err:
        fn()
    assert msg in str(err.value)


def test_error_list_length(engine):
    assert len(_errors(engine)) == N_ERRORS


# -- the primitives added for these ops ---------------------------------------------------------
def test_bincount_primitive_matches_numpy_and_reference(engine):
    from portvision.backends import _reference as ref

    idx = np.random.default_rng(10).integers(0, 7, (3, 50))
    want = np.stack([np.bincount(r, minlength=7) for r in idx])
    a = engine.asarray(idx)
    for got in (engine.eng.bincount(a, 7), ref.bincount(engine.xp, a, 7)):
        np.testing.assert_array_equal(engine.to_numpy(got), want)


def test_stop_gradient_keeps_values(engine):
    a = engine.asarray(_host((2, 3), dtype="float32"))
    np.testing.assert_array_equal(engine.to_numpy(engine.eng.stop_gradient(a)), engine.to_numpy(a))
