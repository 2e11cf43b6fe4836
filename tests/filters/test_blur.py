"""``gaussian_blur2d``, ``box_blur``, ``median_blur`` and ``unsharp_mask``.

Oracles: Kornia 0.9 (float64, on torch); OpenCV with ``BORDER_REFLECT_101`` (our ``reflect``):
``cv2.GaussianBlur`` with an explicit odd ``ksize`` and ``sigma > 0`` samples the same
normalised Gaussian at integer offsets (so it agrees to rounding in float64), ``cv2.blur``,
``cv2.sepFilter2D`` with our kernels, ``cv2.medianBlur`` (float32, 3x3 / 5x5; OpenCV always
replicates its border, so only interior pixels are compared); ``scipy.ndimage.median_filter``
with ``mode="mirror"`` on every pixel; Kornia's documented shapes; the error contract.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import float_dtypes

import portvision as pv

F = pv.filters
BORDERS = ("reflect", "constant", "replicate", "circular")
CV_BORDER = {"reflect": 4, "constant": 0, "replicate": 1}


def _host(shape=(2, 3, 9, 11), seed=0, dtype="float64"):
    return np.random.default_rng(seed).uniform(0.0, 1.0, size=shape).astype(dtype)


def _planes(x, fn):
    return np.stack([fn(p) for p in x.reshape((-1,) + x.shape[-2:])]).reshape(x.shape)


# -- Kornia ----------------------------------------------------------------------------
@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("separable", (True, False))
def test_matches_kornia(kornia, torch, border, separable):
    KF, x = kornia.filters, _host()
    t = torch.tensor(x)
    s = np.array([[0.8, 1.7], [1.2, 0.5]])
    pairs = [
        (
            F.gaussian_blur2d(x, (3, 5), (0.8, 1.7), border, separable),
            KF.gaussian_blur2d(t, (3, 5), (0.8, 1.7), border, separable),
        ),
        (
            F.gaussian_blur2d(x, (5, 3), s, border, separable),
            KF.gaussian_blur2d(t, (5, 3), torch.tensor(s), border, separable),
        ),
        (F.box_blur(x, (4, 3), border, separable), KF.box_blur(t, (4, 3), border, separable)),
        (F.box_blur(x, 5, border, separable), KF.box_blur(t, 5, border, separable)),
    ]
    if separable:
        pairs += [
            (F.median_blur(x, (3, 5), border), KF.median_blur(t, (3, 5), border)),
            (F.median_blur(x, 5, border), KF.median_blur(t, 5, border)),
            (
                F.unsharp_mask(x, (3, 5), (0.8, 1.7), border),
                KF.unsharp_mask(t, (3, 5), (0.8, 1.7), border),
            ),
        ]
    for got, want in pairs:
        np.testing.assert_allclose(got, want.numpy(), rtol=0, atol=1e-12)


def test_median_nan_windows_match_kornia(kornia, torch):
    x = _host()
    x[0, 0, 4, 4], x[1, 1, 0, 0], x[1, 2, 5, 7] = np.nan, np.inf, -np.inf
    got, want = F.median_blur(x, 3), kornia.filters.median_blur(torch.tensor(x), 3).numpy()
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(got, want, atol=1e-15)


def test_uint8_matches_kornia(kornia, torch):
    x = np.random.default_rng(1).integers(0, 256, (2, 3, 9, 11)).astype(np.uint8)
    t, KF = torch.tensor(x), kornia.filters
    for got, want in (
        (F.gaussian_blur2d(x, 3, (1.0, 1.0)), KF.gaussian_blur2d(t, 3, (1.0, 1.0))),
        (F.box_blur(x, 3), KF.box_blur(t, 3)),
        (F.median_blur(x, 3), KF.median_blur(t, 3)),
        (F.unsharp_mask(x, 3, (1.0, 1.0)), KF.unsharp_mask(t, 3, (1.0, 1.0))),
    ):
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, want.numpy(), atol=1e-4)


def test_sigma_order_is_y_then_x():
    x = _host((1, 1, 15, 15))
    a = F.gaussian_blur2d(x, (7, 3), (2.0, 0.5))
    b = np.swapaxes(F.gaussian_blur2d(np.swapaxes(x, -1, -2).copy(), (3, 7), (0.5, 2.0)), -1, -2)
    np.testing.assert_allclose(a, b, atol=1e-14)


# -- OpenCV / scipy ----------------------------------------------------------------------
@pytest.mark.parametrize("border", ("reflect", "constant", "replicate"))
def test_gaussian_matches_opencv(cv2, border):
    x = _host((1, 2, 12, 13))
    for ks, (sy, sx) in (((5, 5), (1.5, 1.5)), ((3, 7), (0.8, 2.0))):
        want = _planes(
            x,
            lambda p: cv2.GaussianBlur(
                p, ks[::-1], sigmaX=sx, sigmaY=sy, borderType=CV_BORDER[border]  # noqa: B023
            ),
        )
        np.testing.assert_allclose(F.gaussian_blur2d(x, ks, (sy, sx), border), want, atol=1e-12)
        ky, kx = (
            F.get_gaussian_kernel1d(k, s, dtype="float64")[0]
            for k, s in zip(ks, (sy, sx), strict=True)
        )
        want = _planes(x, lambda p: cv2.sepFilter2D(p, -1, kx, ky, borderType=CV_BORDER[border]))  # noqa: B023
        np.testing.assert_allclose(F.gaussian_blur2d(x, ks, (sy, sx), border), want, atol=1e-12)


@pytest.mark.parametrize("border", ("reflect", "constant", "replicate"))
def test_box_matches_opencv(cv2, border):
    x = _host((1, 2, 12, 13))
    for ks in ((3, 3), (5, 3), (4, 2)):
        # an even window anchors at (k - 1) // 2 (Kornia's); OpenCV takes the anchor explicitly
        anchor = ((ks[1] - 1) // 2, (ks[0] - 1) // 2)
        want = _planes(
            x, lambda p: cv2.blur(p, ks[::-1], anchor=anchor, borderType=CV_BORDER[border])  # noqa: B023
        )
        np.testing.assert_allclose(F.box_blur(x, ks, border), want, atol=1e-12)


def test_median_matches_scipy_and_opencv(cv2):
    ndimage = pytest.importorskip("scipy.ndimage")
    x = _host((2, 2, 12, 13), dtype="float32")
    for ks in ((3, 3), (5, 5), (3, 5), (7, 1)):
        want = ndimage.median_filter(x, size=(1, 1) + ks, mode="mirror")
        np.testing.assert_array_equal(F.median_blur(x, ks), want)
    for k in (3, 5):
        r = k // 2
        want = _planes(x, lambda p: cv2.medianBlur(p, k))  # noqa: B023
        np.testing.assert_array_equal(F.median_blur(x, k)[..., r:-r, r:-r], want[..., r:-r, r:-r])


def test_median_even_count_takes_lower_middle():
    # a 1x1 window has one value; (3, 3) with ties: the lower-middle rule only matters
    # for an even count, which odd kernels never give -- pin the odd-window median itself
    x = np.arange(9, dtype=np.float32).reshape(1, 1, 3, 3)
    assert F.median_blur(x, 3)[0, 0, 1, 1] == 4.0


# -- engines: shapes, ranks, identities ------------------------------------------------------
def test_engines_keep_shape_rank_and_dtype(engine):
    for dt in float_dtypes(engine):
        x4 = engine.asarray(_host((2, 3, 8, 7), dtype=dt))
        x3 = engine.asarray(_host((3, 8, 7), dtype=dt))
        for fn in (
            lambda x: F.gaussian_blur2d(x, 3, (1.0, 2.0)),
            lambda x: F.box_blur(x, (2, 4)),
            lambda x: F.median_blur(x, 3),
            lambda x: F.unsharp_mask(x, 5, (1.0, 1.0)),
        ):
            for x in (x4, x3):
                out = fn(x)
                assert (
                    engine.is_own(out)
                    and tuple(out.shape) == tuple(x.shape)
                    and out.dtype == x.dtype
                )


def test_constant_image_is_fixed_point(engine):
    dt = float_dtypes(engine)[-1]
    x = engine.asarray(np.full((1, 2, 7, 9), 0.25, dtype=dt))
    for border in ("reflect", "replicate", "circular"):
        for out in (
            F.gaussian_blur2d(x, 5, (1.3, 0.7), border),
            F.box_blur(x, 4, border),
            F.median_blur(x, 5, border),
            F.unsharp_mask(x, 3, (1.0, 1.0), border),
        ):
            np.testing.assert_allclose(engine.to_numpy(out), 0.25, atol=1e-6)


def test_per_sample_sigma_equals_per_sample_calls(engine):
    dt = float_dtypes(engine)[-1]
    x = _host((2, 2, 9, 8), dtype=dt)
    s = np.array([[0.7, 1.9], [1.4, 0.6]], dtype=dt)
    out = engine.to_numpy(F.gaussian_blur2d(engine.asarray(x), (5, 3), engine.asarray(s)))
    for b in range(2):
        one = F.gaussian_blur2d(engine.asarray(x[b : b + 1]), (5, 3), tuple(float(v) for v in s[b]))
        np.testing.assert_allclose(
            out[b : b + 1], engine.to_numpy(one), atol=1e-5 if dt == "float32" else 1e-12
        )


# -- error contract: same type and message on every engine ----------------------------
def _errors(engine):
    x = engine.asarray(np.zeros((1, 1, 5, 5), dtype=np.float32))
    bad_rank = engine.asarray(np.zeros((5, 5), dtype=np.float32))
    s3 = engine.asarray(np.ones((3, 2), dtype=np.float32))
    sneg = engine.asarray(np.array([[1.0, -2.0]], dtype=np.float32))
    return [
        (
            lambda: F.gaussian_blur2d(bad_rank, 3, (1.0, 1.0)),
            ValueError,
            "input: expected shape (B, C, H, W) or (C, H, W), got (5, 5)",
        ),
        (
            lambda: F.gaussian_blur2d(x, (4, 4), (1.0, 1.0)),
            ValueError,
            "kernel_size: expected odd positive integers, got (4, 4)",
        ),
        (
            lambda: F.gaussian_blur2d(x, 3, (0.0, 1.0)),
            ValueError,
            "sigma: expected two positive finite values (sigma_y, sigma_x), got (0.0, 1.0)",
        ),
        (
            lambda: F.gaussian_blur2d(x, 3, s3),
            ValueError,
            "sigma: expected shape (1, 2) or (1, 2) (the input's batch), got (3, 2)",
        ),
        (
            lambda: F.gaussian_blur2d(x, 3, sneg),
            ValueError,
            "sigma: expected positive finite values, got [[1.0, -2.0]]",
        ),
        (
            lambda: F.gaussian_blur2d(x, 3, (1.0, 1.0), "foo"),
            ValueError,
            "border_type: expected one of ['constant', 'reflect', 'replicate', 'circular'], "
            "got 'foo'",
        ),
        (
            lambda: F.box_blur(x, (0, 3)),
            ValueError,
            "kernel_size: expected positive integers, got (0, 3)",
        ),
        (lambda: F.box_blur(x, 3, "mirror"), ValueError, "border_type: expected one of"),
        (
            lambda: F.median_blur(x, 4),
            ValueError,
            "kernel_size: expected odd positive integers, got 4",
        ),
        (
            lambda: F.median_blur(bad_rank, 3),
            ValueError,
            "input: expected shape (B, C, H, W) or (C, H, W)",
        ),
        (
            lambda: F.unsharp_mask(x, 3, (1.0, -1.0)),
            ValueError,
            "sigma: expected two positive finite values",
        ),
        (lambda: F.box_blur((1, 2), 3), TypeError, "input: expected an array, got tuple"),
    ]


@pytest.mark.parametrize("i", range(12))
def test_errors_on_every_engine(engine, i):
    fn, exc, msg = _errors(engine)[i]
    with pytest.raises(exc) as err:
        fn()
    assert msg in str(err.value)


def test_border_is_case_insensitive():
    x = _host((1, 1, 6, 6))
    np.testing.assert_array_equal(F.box_blur(x, 3, "Reflect"), F.box_blur(x, 3))


def test_torch_fast_paths_equal_graph_paths(torch):
    """The in-place (no-graph) torch paths give the autograd paths' numbers."""
    x = torch.rand(2, 3, 12, 13, dtype=torch.float64)
    s = torch.tensor([[0.7, 1.9], [1.4, 0.6]], dtype=torch.float64)
    for fn in (
        lambda t: F.gaussian_blur2d(t, (5, 3), s),
        lambda t: F.box_blur(t, (4, 5)),
        lambda t: F.median_blur(t, 5),
        lambda t: F.median_blur(t, (3, 5), "circular"),
    ):
        with torch.no_grad():
            fast = fn(x)
        slow = fn(x.clone().requires_grad_(True))
        assert slow.requires_grad
        torch.testing.assert_close(fast, slow.detach(), rtol=0, atol=1e-14)


def test_selection_networks_zero_one_principle():
    """A comparator network selects correctly iff it does on every 0/1 input."""
    import itertools

    from portvision.backends._selection import presorted_median_network, run_network, sort_network

    mn = lambda a, b, o: np.minimum(a, b, out=o)  # noqa: E731
    mx = lambda a, b, o: np.maximum(a, b, out=o)  # noqa: E731
    for n in range(1, 13):  # plain median networks, every 0/1 input
        bits = np.array(list(itertools.product((0, 1), repeat=n)), dtype=np.int8).T
        med, _ = run_network(list(bits), n, mn, mx, np.empty_like)
        np.testing.assert_array_equal(med, np.sort(bits, axis=0)[(n - 1) // 2])
    rng = np.random.default_rng(0)
    for kh, kw in ((3, 3), (5, 5), (3, 5), (5, 3), (4, 4), (2, 5)):
        n = kh * kw
        v = rng.integers(0, 2, size=(kh, kw, 20000)).astype(np.int8)  # 0/1 and ties
        cols = np.sort(v, axis=0)
        sorted_cols, _ = run_network(
            list(v[:, 0]), kh, mn, mx, np.empty_like, steps=sort_network(kh), out_wires=range(kh)
        )
        np.testing.assert_array_equal(np.stack(sorted_cols), cols[:, 0])
        wires = [cols[r, j] for j in range(kw) for r in range(kh)]
        steps = presorted_median_network(kh, kw)
        med, _ = run_network(wires, n, mn, mx, np.empty_like, steps=steps)
        np.testing.assert_array_equal(med, np.sort(v.reshape(n, -1), axis=0)[(n - 1) // 2])


@pytest.mark.parametrize(
    "op, args",
    [
        ("filter2d", (np.full((1, 3, 3), 1 / 9),)),
        ("box_blur", ((3, 3),)),
        ("gaussian_blur2d", ((3, 3), (1.0, 1.0))),
        ("motion_blur", (3, 30.0, 0.0)),
    ],
)
def test_border_type_is_case_insensitive(engine, op, args):
    # Kornia lower-cases border names; "REFLECT" must mean "reflect" on every op
    fn = getattr(pv.filters, op)
    x = engine.asarray(_host(dtype=float_dtypes(engine)[-1]))
    arrays = tuple(
        engine.asarray(a.astype(float_dtypes(engine)[-1])) if isinstance(a, np.ndarray) else a
        for a in args
    )
    upper = engine.to_numpy(fn(x, *arrays, border_type="REFLECT"))
    lower = engine.to_numpy(fn(x, *arrays, border_type="reflect"))
    np.testing.assert_array_equal(upper, lower)
