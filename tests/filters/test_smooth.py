"""``bilateral_blur``, ``joint_bilateral_blur`` and ``guided_blur``.

Oracles: Kornia 0.9 in float64 on torch (every border, l1 / l2, per-sample sigmas and eps,
grayscale and colour guidance, subsampling, even windows, uint8); analytic identities. Not
oracles, documented instead:

* ``cv2.bilateralFilter`` differs by convention: it keeps only the taps of a *disc* of radius
  ``d // 2`` (a 3x3 window loses its corners), and on float images it reads the colour weight
  from a quantised lookup table; Kornia (and we) use the whole ``kernel_size`` rectangle and the
  exact exponential. So it is not compared.
* OpenCV's guided filter lives in ``cv2.ximgproc`` (opencv-contrib), which is not installed.
"""

from __future__ import annotations

import numpy as np
import pytest

import portvision as pv

F = pv.filters
BORDERS = ("reflect", "constant", "replicate", "circular")


def _host(shape=(2, 3, 9, 11), seed=0, dtype="float64"):
    return np.random.default_rng(seed).uniform(0.0, 1.0, size=shape).astype(dtype)


# -- bilateral: Kornia ---------------------------------------------------------------------
@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("distance", ("l1", "l2"))
def test_bilateral_matches_kornia(kornia, torch, border, distance):
    KF, x, g = kornia.filters, _host(), _host((2, 1, 9, 11), seed=1)
    t, tg = torch.tensor(x), torch.tensor(g)
    sc, ss = np.array([0.2, 0.5]), np.array([[1.0, 2.0], [0.7, 1.1]])
    pairs = [
        (
            F.bilateral_blur(x, (3, 5), 0.3, (1.5, 0.8), border, distance),
            KF.bilateral_blur(t, (3, 5), 0.3, (1.5, 0.8), border, distance),
        ),
        (
            F.bilateral_blur(x, 5, sc, ss, border, distance),
            KF.bilateral_blur(t, 5, torch.tensor(sc), torch.tensor(ss), border, distance),
        ),
        (
            F.joint_bilateral_blur(x, g, 5, sc, ss, border, distance),
            KF.joint_bilateral_blur(t, tg, 5, torch.tensor(sc), torch.tensor(ss), border, distance),
        ),
        (
            F.joint_bilateral_blur(g, x, (5, 3), 0.4, (1.2, 1.2), border, distance),
            KF.joint_bilateral_blur(tg, t, (5, 3), 0.4, (1.2, 1.2), border, distance),
        ),
    ]
    for got, want in pairs:
        np.testing.assert_allclose(got, want.numpy(), rtol=0, atol=1e-13)


def test_bilateral_uint8_and_chw_match_kornia(kornia, torch):
    x = np.random.default_rng(2).integers(0, 256, (2, 3, 9, 11)).astype(np.uint8)
    got = F.bilateral_blur(x, 3, 30.0, (1.5, 1.5))
    assert got.dtype == np.float32
    want = kornia.filters.bilateral_blur(torch.tensor(x), 3, 30.0, (1.5, 1.5)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-3)
    y = _host()
    np.testing.assert_allclose(
        F.bilateral_blur(y[1], 3, 0.3, (1.0, 1.0)),
        F.bilateral_blur(y, 3, 0.3, (1.0, 1.0))[1],
        atol=0,
    )


def test_bilateral_documented_shape():
    out = F.joint_bilateral_blur(
        _host((2, 4, 5, 5)), _host((2, 4, 5, 5), 1), (3, 3), 0.1, (1.5, 1.5)
    )
    assert out.shape == (2, 4, 5, 5)


# -- bilateral: identities -------------------------------------------------------------------
@pytest.mark.parametrize("border", BORDERS)
def test_bilateral_huge_sigma_color_is_gaussian_blur(border):
    x = _host()
    got = F.bilateral_blur(x, (5, 3), 1e8, (1.3, 0.7), border)
    np.testing.assert_allclose(got, F.gaussian_blur2d(x, (5, 3), (1.3, 0.7), border), atol=1e-12)


def test_bilateral_keeps_a_step_edge():
    x = np.zeros((1, 1, 8, 8))
    x[..., 4:] = 1.0
    np.testing.assert_allclose(F.bilateral_blur(x, 5, 0.05, (2.0, 2.0)), x, atol=1e-12)
    # the same step through a guidance that has no edge is blurred
    flat = np.zeros_like(x)
    assert np.abs(F.joint_bilateral_blur(x, flat, 5, 0.05, (2.0, 2.0)) - x).max() > 0.1


def test_bilateral_one_channel_l1_equals_l2():
    x = _host((2, 1, 9, 11))
    np.testing.assert_allclose(
        F.bilateral_blur(x, 3, 0.3, (1.0, 1.0), "reflect", "l1"),
        F.bilateral_blur(x, 3, 0.3, (1.0, 1.0), "reflect", "l2"),
        atol=0,
    )


def test_bilateral_scale_equivariance():
    """``sigma_color`` is in input units: scaling image and sigma by ``s`` scales the output."""
    x = _host()
    np.testing.assert_allclose(
        F.bilateral_blur(7.0 * x, 3, 2.1, (1.0, 1.0)),
        7.0 * F.bilateral_blur(x, 3, 0.3, (1.0, 1.0)),
        rtol=1e-12,
    )


# -- guided: Kornia ---------------------------------------------------------------------------
@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("channels", ((1, 3), (3, 2), (2, 2), (4, 1)))
def test_guided_matches_kornia(kornia, torch, border, channels):
    gc, ic = channels
    g, x = _host((2, gc, 9, 11), 1), _host((2, ic, 9, 11), 2)
    tg, tx, eps = torch.tensor(g), torch.tensor(x), np.array([0.01, 0.2])
    for k, sub, sep in ((3, 1, False), (3, 2, True), ((4, 5), 3, False), ((4, 5), 1, True)):
        got = F.guided_blur(g, x, k, 0.05, border, sub, sep)
        want = kornia.filters.guided_blur(tg, tx, k, 0.05, border, sub, sep)
        np.testing.assert_allclose(got, want.numpy(), rtol=0, atol=1e-12)
        got = F.guided_blur(g, x, k, eps, border, sub, sep)
        want = kornia.filters.guided_blur(tg, tx, k, torch.tensor(eps), border, sub, sep)
        np.testing.assert_allclose(got, want.numpy(), rtol=0, atol=1e-12)


def test_guided_self_guided_and_odd_sizes_match_kornia(kornia, torch):
    for shape in ((2, 3, 13, 7), (1, 1, 10, 10)):
        g = _host(shape, 3)
        t = torch.tensor(g)
        for sub in (1, 2, 3):
            got = F.guided_blur(g, g, 5, 0.1, subsample=sub)
            want = kornia.filters.guided_blur(t, t, 5, 0.1, subsample=sub).numpy()
            np.testing.assert_allclose(got, want, atol=1e-12)


def test_guided_uint8_and_float32(kornia, torch):
    g = np.random.default_rng(4).integers(0, 256, (1, 3, 9, 11)).astype(np.uint8)
    x = _host((1, 2, 9, 11), 5, "float32")
    got = F.guided_blur(g, x, 3, 100.0)
    assert got.dtype == np.float32
    want = kornia.filters.guided_blur(torch.tensor(g), torch.tensor(x), 3, 100.0).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


# -- guided: identities ------------------------------------------------------------------------
@pytest.mark.parametrize("sub", (1, 2))
def test_guided_constant_image_is_constant(sub):
    c = np.full((2, 3, 9, 11), 0.37)
    for g in (c, c[:, :1], _host((2, 1, 9, 11))):
        np.testing.assert_allclose(F.guided_blur(g, c, 3, 0.01, subsample=sub), c, atol=1e-12)


def test_guided_zero_eps_self_guided_is_identity():
    """With ``eps = 0`` a grayscale image is its own best linear model (``a = 1``, ``b = 0``)."""
    g = _host((1, 1, 9, 11))
    np.testing.assert_allclose(F.guided_blur(g, g, 3, 0.0), g, atol=1e-9)


def test_guided_huge_eps_is_box_blur():
    """``eps -> inf`` drives ``a`` to 0, so the output is the box of the box of the input."""
    g, x = _host((1, 3, 9, 11), 1), _host((1, 2, 9, 11), 2)
    want = F.box_blur(F.box_blur(x, 3), 3)
    np.testing.assert_allclose(F.guided_blur(g, x, 3, 1e12), want, atol=1e-9)


# -- errors on every engine --------------------------------------------------------------------
def _errors(engine):
    x = engine.asarray(_host((2, 3, 6, 6), dtype="float32"))
    g3 = engine.asarray(_host((3, 3, 6, 6), dtype="float32"))
    bad = engine.asarray(_host((6, 6), dtype="float32"))
    sc3 = engine.asarray(np.ones(3, dtype=np.float32))
    ss = engine.asarray(np.array([[1.0, -1.0]], dtype=np.float32))
    eps2d = engine.asarray(np.ones((2, 2), dtype=np.float32))
    return [
        (
            lambda: F.bilateral_blur(x, 4, 0.1, (1.0, 1.0)),
            ValueError,
            "kernel_size: expected odd positive integers, got 4",
        ),
        (
            lambda: F.bilateral_blur(x, 3, 0.0, (1.0, 1.0)),
            ValueError,
            "sigma_color: expected a positive finite value, got 0.0",
        ),
        (
            lambda: F.bilateral_blur(x, 3, sc3, (1.0, 1.0)),
            ValueError,
            "sigma_color: expected shape (1,) or (2,) (the input's batch), got (3,)",
        ),
        (
            lambda: F.bilateral_blur(x, 3, 0.1, ss),
            ValueError,
            "sigma_space: expected positive finite values, got [[1.0, -1.0]]",
        ),
        (
            lambda: F.bilateral_blur(x, 3, 0.1, (1.0, 0.0)),
            ValueError,
            "sigma_space: expected two positive finite values (sigma_y, sigma_x), got (1.0, 0.0)",
        ),
        (
            lambda: F.bilateral_blur(x, 3, 0.1, (1.0, 1.0), "foo"),
            ValueError,
            "border_type: expected one of ['constant', 'reflect', 'replicate', 'circular'], "
            "got 'foo'",
        ),
        (
            lambda: F.bilateral_blur(x, 3, 0.1, (1.0, 1.0), "reflect", "l3"),
            ValueError,
            "color_distance_type: expected one of ['l1', 'l2'], got 'l3'",
        ),
        (
            lambda: F.bilateral_blur(bad, 3, 0.1, (1.0, 1.0)),
            ValueError,
            "input: expected shape (B, C, H, W) or (C, H, W), got (6, 6)",
        ),
        (
            lambda: F.joint_bilateral_blur(x, g3, 3, 0.1, (1.0, 1.0)),
            ValueError,
            "guidance: expected the input's batch size and (H, W) (2, 3, 6, 6), got (3, 3, 6, 6)",
        ),
        (
            lambda: F.guided_blur(x, g3, 3, 0.1),
            ValueError,
            "input: expected the guidance's batch size and (H, W) (2, 3, 6, 6), got (3, 3, 6, 6)",
        ),
        (
            lambda: F.guided_blur(x, x, 3, 0.1, subsample=0),
            ValueError,
            "subsample: expected a positive integer, got 0",
        ),
        (
            lambda: F.guided_blur(x, x, 3, 0.1, subsample=True),
            ValueError,
            "subsample: expected a positive integer, got True",
        ),
        (
            lambda: F.guided_blur(x, x, 3, -0.1),
            ValueError,
            "eps: expected a non-negative finite value, got -0.1",
        ),
        (
            lambda: F.guided_blur(x, x, 3, eps2d),
            ValueError,
            "eps: expected shape (), (1,) or (2,) (the batch), got (2, 2)",
        ),
        (
            lambda: F.guided_blur(x, x, 0, 0.1),
            ValueError,
            "kernel_size: expected positive integers, got 0",
        ),
        (
            lambda: F.guided_blur(bad, bad, 3, 0.1),
            ValueError,
            "guidance: expected shape (B, C, H, W) or (C, H, W), got (6, 6)",
        ),
        (
            lambda: F.bilateral_blur((1, 2), 3, 0.1, (1.0, 1.0)),
            TypeError,
            "input: expected an array, got tuple",
        ),
    ]


@pytest.mark.parametrize("i", range(17))
def test_errors_on_every_engine(engine, i):
    fn, exc, msg = _errors(engine)[i]
    with pytest.raises(exc) as err:
        fn()
    assert msg in str(err.value)


def test_error_list_length(engine):
    assert len(_errors(engine)) == 17


# -- torch specifics --------------------------------------------------------------------------
def test_gradients_flow_to_sigmas_and_eps(torch):
    x = torch.rand(2, 3, 7, 8, dtype=torch.float64)
    sc = torch.tensor([0.3, 0.5], dtype=torch.float64, requires_grad=True)
    ss = torch.tensor([[1.0, 1.5], [0.8, 1.2]], dtype=torch.float64, requires_grad=True)
    eps = torch.tensor([0.05, 0.1], dtype=torch.float64, requires_grad=True)
    (F.bilateral_blur(x, 3, sc, ss).sum() + F.guided_blur(x, x, 3, eps).sum()).backward()
    assert sc.grad.abs().sum() > 0 and ss.grad.abs().sum() > 0 and eps.grad.abs().sum() > 0
