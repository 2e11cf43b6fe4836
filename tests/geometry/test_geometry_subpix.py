"""Tests of ``portvision.geometry.subpix``: Kornia 0.9 (float64) as the oracle on every engine,
the documented examples of Kornia's module, scipy.ndimage for NMS, analytic peaks for the
quadratic refinement, the object forms, gradients and the error contract."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import float_dtypes

import portvision as pv

G = pv.geometry


def _smooth(shape, seed):
    from scipy.ndimage import gaussian_filter

    v = np.random.default_rng(seed).normal(size=shape)
    return gaussian_filter(v, sigma=(0, 0) + (1.0,) * (len(shape) - 2))


RNG = np.random.default_rng(3)
IMG = RNG.normal(size=(2, 3, 7, 9))
VOL = RNG.normal(size=(2, 2, 5, 7, 6))
TIES = np.round(RNG.normal(size=(2, 3, 9, 11)), 1)  # plateaus and ties for NMS
VQ = _smooth((2, 2, 5, 16, 17), 3)
ORACLE = [
    ("spatial_softmax2d", (IMG,), {}),
    ("spatial_softmax2d", (IMG, 0.5), {}),
    ("spatial_expectation2d", (np.abs(IMG),), {}),
    ("spatial_expectation2d", (np.abs(IMG[..., :1, :]), False), {}),
    ("spatial_soft_argmax2d", (IMG,), {}),
    ("spatial_soft_argmax2d", (IMG, 0.3, False), {}),
    ("render_gaussian2d", (RNG.normal(size=(4, 2)), RNG.uniform(0.2, 1, size=(4, 2)), (5, 7)), {}),
    ("render_gaussian2d", (RNG.normal(size=(4, 2)) * 3 + 3, np.ones((1, 2)), (1, 7), False), {}),
    ("conv_soft_argmax2d", (IMG * 3,), {}),
    ("conv_soft_argmax2d", (IMG * 3, (3, 3), (2, 2), (1, 1)), {"output_value": True}),
    ("conv_soft_argmax2d", (IMG * 3, (4, 5), (1, 2), (2, 1), 0.7, False), {"output_value": True}),
    ("conv_soft_argmax3d", (VOL * 3,), {}),
    ("conv_soft_argmax3d", (VOL * 3, (3, 3, 3), (1, 2, 2), (0, 1, 1)), {}),
    ("conv_soft_argmax3d", (VOL * 3, (2, 4, 3), (1, 2, 1), (1, 2, 1), 0.5, True), {}),
    ("nms2d", (TIES, (3, 3)), {}),
    ("nms2d", (TIES, (5, 5), True), {}),
    ("nms2d", (TIES, (2, 4), True), {}),
    ("nms2d", (TIES, (1, 1)), {}),
    ("nms2d", (TIES[..., :2, :], (3, 3), True), {}),
    ("nms3d", (np.round(VOL, 1), (3, 3, 3)), {}),
    ("nms3d", (np.round(VOL, 1), (2, 3, 4), True), {}),
    ("nms3d_minmax", (np.round(VOL, 1),), {}),
    ("conv_quad_interp3d", (VQ,), {}),
    ("conv_quad_interp3d", (VQ,), {"max_subpixel_shift": 0.3, "allow_scale_steps": False}),
    ("conv_quad_interp3d", (VQ,), {"dilation_radius": 2, "max_subpixel_shift": 0.2}),
    ("conv_quad_interp3d", (VQ * 1e-30,), {}),
    ("iterative_quad_interp3d", (VQ,), {"n_iters": 2, "max_subpixel_shift": 0.2}),
    ("iterative_quad_interp3d", (VQ,), {"max_candidates": 3}),
    ("iterative_quad_interp3d", (VQ[:, :, :2],), {}),
]


def _kornia(kornia, torch, name, args, kwargs):
    conv = lambda a: torch.from_numpy(a) if isinstance(a, np.ndarray) else a  # noqa: E731
    out = getattr(kornia.geometry.subpix, name)(
        *[conv(a) for a in args], **{k: conv(v) for k, v in kwargs.items()}
    )
    return [o.numpy() for o in (out if isinstance(out, tuple) else (out,))]


@pytest.mark.parametrize("spec", ORACLE, ids=[f"{i}-{s[0]}" for i, s in enumerate(ORACLE)])
def test_agrees_with_kornia(spec, engine, kornia, torch):
    name, args, kwargs = spec
    # float32 decisions (NMS ties, quad-interp moves) can differ from float64 ones: each dtype
    # is compared with Kornia on the same input in that dtype
    for dtype in float_dtypes(engine):
        host = [a.astype(dtype) if isinstance(a, np.ndarray) else a for a in args]
        want = _kornia(kornia, torch, name, host, kwargs)
        tol = 1e-9 if dtype == "float64" else 1e-4
        ins = [engine.asarray(a) if isinstance(a, np.ndarray) else a for a in host]
        out = getattr(G, name)(*ins, **kwargs)
        got = [engine.to_numpy(o) for o in (out if isinstance(out, tuple) else (out,))]
        for g, w in zip(got, want, strict=True):
            assert g.dtype == w.dtype, (name, g.dtype, w.dtype)
            np.testing.assert_allclose(g, w, rtol=tol, atol=tol, err_msg=f"{name} {dtype}")


def test_precomputed_mask_matches_kornia(engine, kornia, torch):
    mask = kornia.geometry.subpix.nms3d(torch.from_numpy(VQ), (3, 3, 3), True).numpy()
    mask[0, 0, 2, 5:8] = True  # extra (non-maximum) candidates are refined too
    want = kornia.geometry.subpix.conv_quad_interp3d(
        torch.from_numpy(VQ), precomputed_nms_mask=torch.from_numpy(mask)
    )
    dt = float_dtypes(engine)[-1]
    if dt == "float32":
        pytest.skip("float64 comparison")
    out = G.ConvQuadInterp3d()(engine.asarray(VQ), engine.asarray(mask))
    for g, w in zip(out, want, strict=True):
        np.testing.assert_allclose(engine.to_numpy(g), w.numpy(), atol=1e-9)


# -- Kornia's documented examples ------------------------------------------------------------
def test_documented_values(engine):
    a = lambda x: engine.asarray(np.asarray(x, dtype="float32"))  # noqa: E731
    n = engine.to_numpy
    peak = a([[[[0.0, 0.0, 0.0], [0.0, 10.0, 0.0], [0.0, 0.0, 0.0]]]])
    np.testing.assert_allclose(n(G.spatial_soft_argmax2d(peak, normalized_coordinates=False)),
                               [[[1.0, 1.0]]], atol=1e-3)  # fmt: skip
    np.testing.assert_allclose(n(G.SpatialSoftArgmax2d(normalized_coordinates=False)(peak)),
                               [[[1.0, 1.0]]], atol=1e-3)  # fmt: skip
    np.testing.assert_allclose(n(G.spatial_soft_argmax2d(peak)), [[[0.0, 0.0]]], atol=1e-6)
    h = a([[[[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 1.0, 2.0]]]])
    want = [[0.0585, 0.0585, 0.0585], [0.0585, 0.0585, 0.0585], [0.0585, 0.1589, 0.4319]]
    np.testing.assert_allclose(n(G.spatial_softmax2d(h))[0, 0], want, atol=1e-4)
    e = a([[[[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 1.0, 0.0]]]])
    np.testing.assert_allclose(n(G.spatial_expectation2d(e, False)), [[[1.0, 2.0]]])
    x = a(np.zeros((4, 5, 10, 8)))
    coords, vals = G.conv_soft_argmax2d(x, (3, 3), (2, 2), (1, 1), output_value=True)
    assert tuple(coords.shape) == (4, 5, 2, 5, 4) and tuple(vals.shape) == (4, 5, 5, 4)
    coords, vals = G.conv_soft_argmax3d(
        a(np.zeros((2, 3, 3, 10, 8))), (3, 3, 3), (1, 2, 2), (0, 1, 1)
    )
    assert tuple(coords.shape) == (2, 3, 3, 1, 5, 4) and tuple(vals.shape) == (2, 3, 1, 5, 4)
    coords, vals = G.conv_quad_interp3d(a(np.zeros((2, 3, 5, 12, 12))), n_iters=5)
    assert tuple(coords.shape) == (2, 3, 3, 5, 12, 12) and tuple(vals.shape) == (2, 3, 5, 12, 12)


# -- analytic checks and independent oracles ---------------------------------------------------
def test_quad_interp_recovers_a_quadratic_peak(engine):
    z, y, x = np.meshgrid(np.arange(5.0), np.arange(7.0), np.arange(8.0), indexing="ij")
    # peak at (s, y, x) = (2.3, 3.8, 3.35): the NMS maximum is (2, 4, 3), shifts below 0.6
    v = -((z - 2.3) ** 2 + 2 * (y - 3.8) ** 2 + 0.5 * (x - 3.35) ** 2) + 5.0
    dt = float_dtypes(engine)[-1]
    tol = 1e-9 if dt == "float64" else 1e-4
    for fn in (G.conv_quad_interp3d, G.iterative_quad_interp3d):
        coords, vals = fn(engine.asarray(v[None, None].astype(dt)))
        c, vv = engine.to_numpy(coords)[0, 0], engine.to_numpy(vals)[0, 0]
        np.testing.assert_allclose(c[:, 2, 4, 3], [2.3, 3.35, 3.8], atol=tol)
        np.testing.assert_allclose(vv[2, 4, 3], 5.0, atol=tol)
        np.testing.assert_array_equal(c[1, 0], np.tile(np.arange(8.0), (7, 1)))  # grid elsewhere
        np.testing.assert_allclose(vv[0], v[0].astype(dt))


def test_quad_interp_moves_the_centre(kornia, torch):
    z, y, x = np.meshgrid(np.arange(5.0), np.arange(7.0), np.arange(9.0), indexing="ij")
    v = (-((z - 2.0) ** 2 + (y - 3.0) ** 2 + (x - 4.3) ** 2))[None, None]
    mask = np.zeros(v.shape, bool)
    mask[0, 0, 2, 3, 2] = True  # start two voxels left of the peak: shifts 2.3, 1.3, 0.3
    cases = [
        (G.iterative_quad_interp3d, {"n_iters": 5}, 4.3),
        (G.iterative_quad_interp3d, {"n_iters": 2}, 2.0),  # still moving: rejected
        (G.conv_quad_interp3d, {"dilation_radius": 2}, 4.3),
        (G.conv_quad_interp3d, {"dilation_radius": 1}, 2.0),  # leaves the precomputed ball
    ]
    for fn, kw, want in cases:
        coords, vals = fn(v, precomputed_nms_mask=mask, **kw)
        assert coords[0, 0, 1, 2, 3, 2] == pytest.approx(want, abs=1e-9), (fn.__name__, kw)
        ref = getattr(kornia.geometry.subpix, fn.__name__)(
            torch.from_numpy(v), precomputed_nms_mask=torch.from_numpy(mask), **kw
        )
        np.testing.assert_allclose(coords, ref[0].numpy(), atol=1e-9)
        np.testing.assert_allclose(vals, ref[1].numpy(), atol=1e-9)


@pytest.mark.parametrize("k", [(3, 3), (5, 5), (3, 7), (1, 3)])
def test_nms2d_matches_scipy(k):
    from scipy import ndimage

    x = TIES[0]
    foot = np.ones(k, bool)
    foot[k[0] // 2, k[1] // 2] = False
    others = ndimage.maximum_filter(x, footprint=foot[None], mode="constant", cval=np.inf)
    np.testing.assert_array_equal(G.nms2d(TIES[:1], k, mask_only=True)[0], x > others)
    np.testing.assert_array_equal(G.nms2d(TIES[:1], k)[0], np.where(x > others, x, 0.0))


def test_nms3d_matches_scipy():
    from scipy import ndimage

    v = np.round(VOL, 1)
    foot = np.ones((3, 3, 3), bool)
    foot[1, 1, 1] = False
    others = ndimage.maximum_filter(v, footprint=foot[None, None], mode="constant", cval=np.inf)
    np.testing.assert_array_equal(G.nms3d(v, (3, 3, 3), mask_only=True), v > others)


def test_render_gaussian_is_the_normalised_pdf():
    mean, std = np.array([[2.0, 1.5]]), np.array([[1.2, 0.7]])
    g = G.render_gaussian2d(mean, std, (4, 6), normalized_coordinates=False)[0]
    xs, ys = np.arange(6.0), np.arange(4.0)
    px = np.exp(-((xs - 2.0) ** 2) / (2 * 1.2**2))
    py = np.exp(-((ys - 1.5) ** 2) / (2 * 0.7**2))
    np.testing.assert_allclose(g, np.outer(py / py.sum(), px / px.sum()), atol=1e-12)
    assert g.sum() == pytest.approx(1.0)


def test_object_forms_match_functions():
    x = IMG * 3
    np.testing.assert_array_equal(G.ConvSoftArgmax2d()(x), G.conv_soft_argmax2d(x))
    c1, v1 = G.ConvSoftArgmax3d((3, 3, 3), (1, 1, 1), (1, 1, 1))(VOL)
    c2, v2 = G.conv_soft_argmax3d(VOL)
    np.testing.assert_array_equal(c1, c2)
    np.testing.assert_array_equal(v1, v2)
    a1 = G.ConvQuadInterp3d(3, max_subpixel_shift=0.4)(VQ)
    a2 = G.conv_quad_interp3d(VQ, 3, max_subpixel_shift=0.4)
    np.testing.assert_array_equal(a1[0], a2[0])
    b1 = G.IterativeQuadInterp3d(2, max_candidates=4)(VQ)
    b2 = G.iterative_quad_interp3d(VQ, 2, max_candidates=4)
    np.testing.assert_array_equal(b1[0], b2[0])
    np.testing.assert_array_equal(G.NonMaximaSuppression2d((3, 5))(IMG), G.nms2d(IMG, (3, 5)))
    np.testing.assert_array_equal(G.NonMaximaSuppression3d((3, 3, 3))(VOL, True),
                                  G.nms3d(VOL, (3, 3, 3), True))  # fmt: skip
    mx, mn = G.nms3d_minmax(VOL)
    np.testing.assert_array_equal(mx, G.nms3d(VOL, (3, 3, 3), True))
    np.testing.assert_array_equal(mn, G.nms3d(-VOL, (3, 3, 3), True))
    assert "kernel_size=(3, 3)" in repr(G.ConvSoftArgmax2d())
    assert "normalized_coordinates=True" in repr(G.SpatialSoftArgmax2d())
    with pytest.warns(DeprecationWarning, match="strict_maxima_bonus"):
        G.ConvQuadInterp3d(strict_maxima_bonus=1.0)


def test_gradients(torch):
    d = torch.float64
    x = torch.from_numpy(IMG[:1, :2, :5, :6] * 3).requires_grad_(True)
    for fn in (
        lambda t: G.conv_soft_argmax2d(t, (3, 3), (1, 1), (1, 1), output_value=True),
        lambda t: G.spatial_soft_argmax2d(t, 0.5),
        lambda t: G.nms2d(t, (3, 3)),
    ):
        assert torch.autograd.gradcheck(fn, (x,), fast_mode=True)
    v = torch.from_numpy(VOL[:1, :1, :3, :4, :4] * 3).requires_grad_(True)
    assert torch.autograd.gradcheck(
        lambda t: G.conv_soft_argmax3d(t, padding=(1, 1, 1)), (v,), fast_mode=True
    )
    q = torch.from_numpy(VQ[:1, :1, :, :8, :8]).requires_grad_(True)
    assert G.nms3d(q.detach(), (3, 3, 3), True).any()
    assert torch.autograd.gradcheck(G.conv_quad_interp3d, (q,), fast_mode=True)
    small = q.detach()[:, :, :2].clone().requires_grad_(True)  # unrefined: values are the input
    G.iterative_quad_interp3d(small)[1].sum().backward()
    assert torch.equal(small.grad, torch.ones_like(small))
    temp = torch.tensor(0.7, dtype=d, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: G.spatial_soft_argmax2d(x.detach(), t), (temp,))


def _z(engine, shape, dtype="float32"):
    return engine.asarray(np.zeros(shape, dtype=dtype))


ERRORS = [
    (lambda e: G.spatial_softmax2d(_z(e, (3, 4, 5))), ValueError,
     "input: expected shape (B, N, H, W), got (3, 4, 5)"),
    (lambda e: G.spatial_softmax2d(_z(e, (1, 1, 4, 5)), 0.0), ValueError,
     "temperature: expected a positive finite number, got 0.0"),
    (lambda e: G.spatial_soft_argmax2d(_z(e, (1, 1, 4, 5)), e.asarray(np.array([-1.0], "float32"))),
     ValueError, "temperature: expected positive finite values"),
    (lambda e: G.spatial_expectation2d(_z(e, (1, 1, 4, 5)), 1), TypeError,
     "normalized_coordinates: expected a bool, got 1"),
    (lambda e: G.render_gaussian2d(_z(e, (2, 3)), _z(e, (2, 2)), (4, 4)), ValueError,
     "mean: expected shape (*, 2), got (2, 3)"),
    (lambda e: G.render_gaussian2d(_z(e, (2, 2)), _z(e, (2, 2)), (4, 0)), ValueError,
     "size: expected 2 positive integers, got (4, 0)"),
    (lambda e: G.conv_soft_argmax2d(_z(e, (1, 1, 5, 5)), (3, 3), (1, 1), (2, 1)), ValueError,
     "padding: expected at most half of kernel_size (3, 3) on every axis, got (2, 1)"),
    (lambda e: G.conv_soft_argmax2d(_z(e, (1, 1, 5, 5)), (0, 3)), ValueError,
     "kernel_size: expected 2 positive integers, got (0, 3)"),
    (lambda e: G.conv_soft_argmax2d(_z(e, (1, 1, 5, 5)), (3, 3), (0, 1)), ValueError,
     "stride: expected 2 positive integers, got (0, 1)"),
    (lambda e: G.conv_soft_argmax3d(_z(e, (1, 1, 5, 5))), ValueError,
     "input: expected shape (B, C, D, H, W), got (1, 1, 5, 5)"),
    (lambda e: G.nms2d(_z(e, (1, 1, 5, 5)), (3,)), ValueError,
     "kernel_size: expected 2 positive integers, got (3,)"),
    (lambda e: G.nms3d(_z(e, (1, 5, 5, 5)), (3, 3, 3)), ValueError,
     "input: expected shape (B, C, D, H, W), got (1, 5, 5, 5)"),
    (lambda e: G.nms2d(_z(e, (1, 1, 5, 5)), (3, 3), mask_only="yes"), TypeError,
     "mask_only: expected a bool, got 'yes'"),
    (lambda e: G.conv_quad_interp3d(_z(e, (1, 1, 3, 5, 5)), n_iters=-1), ValueError,
     "n_iters: expected a non-negative integer, got -1"),
    (lambda e: G.conv_quad_interp3d(_z(e, (1, 1, 3, 5, 5)), dilation_radius=-1), ValueError,
     "dilation_radius: expected a non-negative integer, got -1"),
    (lambda e: G.conv_quad_interp3d(_z(e, (1, 1, 3, 5, 5)),
                                    precomputed_nms_mask=_z(e, (1, 1, 3, 5, 5))),
     ValueError, "precomputed_nms_mask: expected a bool array of shape (1, 1, 3, 5, 5), got "
     "float32"),
    (lambda e: G.iterative_quad_interp3d(_z(e, (1, 1, 3, 5, 5)), max_candidates=-2), ValueError,
     "max_candidates: expected None or a non-negative integer, got -2"),
    (lambda e: G.iterative_quad_interp3d(_z(e, (1, 1, 3, 5, 5)), max_subpixel_shift=-0.1),
     ValueError, "max_subpixel_shift: expected a non-negative number, got -0.1"),
]  # fmt: skip


@pytest.mark.parametrize("call,exc,msg", ERRORS, ids=[f"err{i}" for i in range(len(ERRORS))])
def test_error_contract(call, exc, msg, engine):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(exc) as info:
            call(engine)
    assert str(info.value).startswith(msg), str(info.value)
