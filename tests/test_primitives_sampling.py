"""The ``grid_sample`` primitive: the pure array-API reference against torch's
``F.grid_sample`` (the contract's definition) on many random grids, and every engine's
override against the reference on the same engine; plus SciPy pins of the conventions
(zeros padding is ``map_coordinates(mode="grid-constant")``; bicubic is Keys' kernel, not
``map_coordinates(order=3)``'s B-spline).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.ndimage as ndi
from conftest import float_dtypes
from portvision.backends import _reference_sampling as ref

MODES2 = ("bilinear", "nearest", "bicubic")
MODES3 = ("bilinear", "nearest")
PADS = ("zeros", "border", "reflection")
TOL = {"float64": dict(rtol=1e-10, atol=1e-12), "float32": dict(rtol=1e-5, atol=2e-6)}


def _inputs(rng, d, dtype, ties=False, size_max=7, out_max=6, spread=3.0):
    """Random image and grid; coordinates run well outside [-1, 1]; ``ties`` puts samples
    on exact half-pixel positions (nearest's rounding, reflection's folds)."""
    sp = tuple(int(v) for v in rng.integers(1, size_max, size=d))
    osp = tuple(int(v) for v in rng.integers(1, out_max, size=d))
    x = rng.normal(size=(2, 3) + sp).astype(dtype)
    g = rng.uniform(-spread, spread, size=(2,) + osp + (d,))
    if ties:
        g = np.round(g * 4.0) / 4.0
    return x, g.astype(dtype)


def _torch_gs(torch, x, g, mode, pad, ac):
    import torch.nn.functional as F

    t = F.grid_sample(
        torch.from_numpy(x), torch.from_numpy(g), mode=mode, padding_mode=pad, align_corners=ac
    )
    return t.numpy()


# -- the reference against torch (the contract) ------------------------------------------
@pytest.mark.parametrize("ac", [True, False])
@pytest.mark.parametrize("pad", PADS)
@pytest.mark.parametrize("mode", MODES2)
def test_reference_matches_torch_2d(torch, mode, pad, ac):
    import array_api_compat.numpy as xnp

    rng = np.random.default_rng(hash((mode, pad, ac)) % 2**32)
    for trial in range(8):
        x, g = _inputs(rng, 2, "float64", ties=trial < 3)
        got = ref.grid_sample(xnp, x, g, mode, pad, ac)
        np.testing.assert_allclose(got, _torch_gs(torch, x, g, mode, pad, ac), **TOL["float64"])


@pytest.mark.parametrize("ac", [True, False])
@pytest.mark.parametrize("pad", PADS)
@pytest.mark.parametrize("mode", MODES3)
def test_reference_matches_torch_3d(torch, mode, pad, ac):
    import array_api_compat.numpy as xnp

    rng = np.random.default_rng(hash((mode, pad, ac, 3)) % 2**32)
    for trial in range(5):
        x, g = _inputs(rng, 3, "float64", ties=trial < 2, size_max=5, out_max=4)
        got = ref.grid_sample(xnp, x, g, mode, pad, ac)
        np.testing.assert_allclose(got, _torch_gs(torch, x, g, mode, pad, ac), **TOL["float64"])


@pytest.mark.parametrize("mode", MODES2)
def test_reference_nan_and_huge_coordinates_as_torch(torch, mode):
    """NaN coordinates give what torch gives (NaN, 0, or the pixel at 0 for border modes);
    huge coordinates do not overflow the index arithmetic."""
    import array_api_compat.numpy as xnp

    rng = np.random.default_rng(5)
    x = rng.normal(size=(1, 2, 4, 5))
    g = rng.uniform(-1, 1, size=(1, 3, 3, 2))
    g[0, 0, 0] = np.nan
    g[0, 1, 1, 0] = np.nan
    g[0, 2, 2] = (1e12, -1e12)
    for pad, ac in itertools.product(PADS, (True, False)):
        want = _torch_gs(torch, x, g, mode, pad, ac)
        got = ref.grid_sample(xnp, x, g, mode, pad, ac)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12, equal_nan=True)


@pytest.mark.parametrize("mode", MODES2)
def test_reference_gradients_match_torch(torch, mode):
    """The reference on torch tensors is differentiable in x and grid, with torch's gradients."""
    import array_api_compat.torch as xt
    import torch.nn.functional as F

    rng = np.random.default_rng(1)
    for pad, ac in itertools.product(PADS, (True, False)):
        x = torch.tensor(rng.normal(size=(2, 2, 4, 5)), requires_grad=True)
        g = torch.tensor(rng.uniform(-1.3, 1.3, size=(2, 3, 2, 2)), requires_grad=True)
        w = torch.tensor(rng.normal(size=(2, 2, 3, 2)))
        out = ref.grid_sample(xt, x, g, mode, pad, ac)
        ours = torch.autograd.grad((out * w).sum(), (x, g), allow_unused=True)
        out = F.grid_sample(x, g, mode=mode, padding_mode=pad, align_corners=ac)
        theirs = torch.autograd.grad((out * w).sum(), (x, g))
        for a, b in zip(ours, theirs, strict=True):
            a = torch.zeros_like(b) if a is None else a  # nearest: no path to the grid
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-9, atol=1e-11)


def test_reference_gradcheck(torch):
    import array_api_compat.torch as xt

    rng = np.random.default_rng(2)
    for mode, d in (("bilinear", 2), ("bicubic", 2), ("bilinear", 3)):
        sp = (3, 4) if d == 2 else (2, 3, 4)
        x = torch.tensor(rng.normal(size=(1, 2) + sp), requires_grad=True)
        g = torch.tensor(rng.uniform(-1.2, 1.2, size=(1, 2, 3) + (2,) * (d - 2) + (d,)))
        g.requires_grad_(True)
        fn = lambda a, b, m=mode: ref.grid_sample(xt, a, b, m, "reflection", False)  # noqa: E731
        assert torch.autograd.gradcheck(fn, (x, g), fast_mode=True)


# -- every engine's override against the reference on the same engine -------------------
@pytest.mark.parametrize("d", [2, 3])
def test_engine_matches_reference(engine, d):
    eng, xp = engine.eng, engine.xp
    rng = np.random.default_rng(10 + d)
    for dtype in float_dtypes(engine):
        for mode, pad, ac in itertools.product(MODES2 if d == 2 else MODES3, PADS, (True, False)):
            x, g = _inputs(rng, d, dtype, ties=mode == "nearest", size_max=6, out_max=5)
            xe, ge = engine.asarray(x), engine.asarray(g)
            got = eng.grid_sample(xe, ge, mode, pad, ac)
            want = ref.grid_sample(xp, xe, ge, mode, pad, ac)
            assert engine.is_own(got) and str(engine.to_numpy(got).dtype) == dtype
            np.testing.assert_allclose(
                engine.to_numpy(got),
                engine.to_numpy(want),
                **TOL[dtype],
                err_msg=f"{engine.id} {dtype} {mode} {pad} align_corners={ac}",
            )


def test_engine_large_batch_matches_reference(engine):
    """Sizes that take the threaded CPU path of the NumPy engine (and wide images)."""
    if engine.name != "numpy":
        pytest.skip("the threaded path is the NumPy engine's; other engines: sizes above")
    eng, xp = engine.eng, engine.xp
    rng = np.random.default_rng(3)
    x = rng.random((3, 2, 40, 190)).astype("float32")
    g = rng.uniform(-1.1, 1.1, size=(3, 90, 190, 2)).astype("float32")
    xe, ge = engine.asarray(x), engine.asarray(g)
    for pad in PADS:
        got = eng.grid_sample(xe, ge, "bilinear", pad, True)
        want = ref.grid_sample(xp, xe, ge, "bilinear", pad, True)
        # float32 pixel coordinates near 190 carry ~1e-5 of rounding (ulp), whatever the
        # order of the operations: the tolerance of the sampled values follows
        np.testing.assert_allclose(engine.to_numpy(got), engine.to_numpy(want), atol=3e-5)


def test_broadcast_grid_view(engine):
    """A batch-1 grid broadcast to the image batch (what the warps pass) is read correctly."""
    xp = engine.xp
    rng = np.random.default_rng(4)
    dt = float_dtypes(engine)[-1]
    x = engine.asarray(rng.random((3, 2, 5, 6)).astype(dt))
    g1 = engine.asarray(rng.uniform(-1, 1, size=(1, 4, 3, 2)).astype(dt))
    gb = xp.broadcast_to(g1, (3, 4, 3, 2))
    got = engine.eng.grid_sample(x, gb, "bilinear", "zeros", False)
    want = ref.grid_sample(xp, x, xp.concat([g1, g1, g1], axis=0), "bilinear", "zeros", False)
    np.testing.assert_allclose(engine.to_numpy(got), engine.to_numpy(want), **TOL[dt])


# -- convention pins against SciPy ----------------------------------------------------------
def _pixel_coords(g, shape, ac):
    """(row, col) pixel coordinates of a (H, W, 2) normalised grid."""
    h, w = shape
    if ac:
        return (g[..., 1] + 1) * (h - 1) / 2, (g[..., 0] + 1) * (w - 1) / 2
    return ((g[..., 1] + 1) * h - 1) / 2, ((g[..., 0] + 1) * w - 1) / 2


@pytest.mark.parametrize("ac", [True, False])
def test_zeros_bilinear_is_map_coordinates_grid_constant(ac):
    import array_api_compat.numpy as xnp

    rng = np.random.default_rng(6)
    x = rng.normal(size=(1, 1, 6, 7))
    g = rng.uniform(-1.6, 1.6, size=(1, 5, 4, 2))
    rows, cols = _pixel_coords(g[0], (6, 7), ac)
    want = ndi.map_coordinates(x[0, 0], [rows, cols], order=1, mode="grid-constant", cval=0.0)
    got = ref.grid_sample(xnp, x, g, "bilinear", "zeros", ac)[0, 0]
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    # mode="constant" (SciPy's default constant) differs just outside the image
    other = ndi.map_coordinates(x[0, 0], [rows, cols], order=1, mode="constant", cval=0.0)
    assert not np.allclose(got, other)


def test_bicubic_is_keys_not_bspline():
    """Keys' cubic (a = -0.75) interpolates: it reproduces the samples at pixel centres and
    differs from SciPy's cubic B-spline between them."""
    import array_api_compat.numpy as xnp

    rng = np.random.default_rng(7)
    x = rng.normal(size=(1, 1, 8, 8))
    centres = np.stack(np.meshgrid(np.linspace(-1, 1, 8), np.linspace(-1, 1, 8)), -1)[None]
    at = ref.grid_sample(xnp, x, centres, "bicubic", "border", True)
    np.testing.assert_allclose(at, x, rtol=1e-12, atol=1e-12)
    g = rng.uniform(-0.7, 0.7, size=(1, 5, 5, 2))
    rows, cols = _pixel_coords(g[0], (8, 8), True)
    spline = ndi.map_coordinates(x[0, 0], [rows, cols], order=3, mode="nearest")
    got = ref.grid_sample(xnp, x, g, "bicubic", "border", True)[0, 0]
    assert np.abs(got - spline).max() > 1e-3
    # the Keys kernel: weights of the 4 taps at fraction t sum to 1, match the closed form
    t = np.linspace(0, 1, 11)
    w = ref.cubic_weights(xnp, t)
    np.testing.assert_allclose(sum(w), 1.0, atol=1e-14)
    a = -0.75
    np.testing.assert_allclose(w[1], (a + 2) * t**3 - (a + 3) * t**2 + 1, atol=1e-14)


def test_whole_batch_form_matches_reference():
    """The CuPy (whole-batch gather) form of the NumPy/CuPy sampler, run on NumPy arrays."""
    import array_api_compat.numpy as xnp
    from portvision.backends import _ndimage_sampling as nds

    class FakeGpu:  # what the sampler reads from an engine
        name, lib, xp = "cupy", np, xnp

    rng = np.random.default_rng(8)
    for d in (2, 3):
        for mode, pad, ac in itertools.product(MODES2 if d == 2 else MODES3, PADS, (True, False)):
            x, g = _inputs(rng, d, "float64", ties=mode == "nearest", size_max=6, out_max=5)
            got = nds.grid_sample(FakeGpu(), x, g, mode, pad, ac)
            want = ref.grid_sample(xnp, x, g, mode, pad, ac)
            np.testing.assert_allclose(got, want, **TOL["float64"], err_msg=f"{mode} {pad} {ac}")


# -- sample_homography: the warps' primitive ------------------------------------------------
def _norm_homographies(rng, b, affine, dtype):
    m = np.tile(np.eye(3), (b, 1, 1)) + rng.normal(0.0, 0.15, (b, 3, 3))
    m[:, 2] = (0.0, 0.0, 1.0) if affine else m[:, 2] * (0.3, 0.3, 1.0)
    return m.astype(dtype)


@pytest.mark.parametrize("affine", [True, False])
def test_sample_homography_matches_reference(engine, affine):
    """Each engine's override against the reference (grid_sample on the warped grid)."""
    eng = engine.eng
    rng = np.random.default_rng(20 + affine)
    for dtype in float_dtypes(engine):
        for mode, pad, ac in itertools.product(MODES2, PADS, (True, False)):
            x = engine.asarray(rng.random((2, 3, 7, 9)).astype(dtype))
            mb = 1 if ac else 2  # a shared matrix and per-image ones
            m = engine.asarray(_norm_homographies(rng, mb, affine, dtype))
            dsize = (6, 10) if ac else (1, 4)
            got = eng.sample_homography(x, m, dsize, mode, pad, ac, affine)
            want = ref.sample_homography(eng, x, m, dsize, mode, pad, ac, affine)
            np.testing.assert_allclose(
                engine.to_numpy(got),
                engine.to_numpy(want),
                **(TOL[dtype] if mode != "nearest" else dict(atol=0)),
                err_msg=f"{engine.id} {dtype} {mode} {pad} align_corners={ac}",
            )


def test_sample_homography_points_at_infinity(engine):
    """Output pixels whose homogeneous w is ~0 are left undivided, as the reference."""
    eng = engine.eng
    dt = float_dtypes(engine)[-1]
    x = engine.asarray(np.random.default_rng(9).random((1, 2, 6, 6)).astype(dt))
    # w = x_n: zero on the destination's centre column (align_corners=True, odd width)
    m = engine.asarray(np.array([[[1.0, 0.0, 0.2], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]], dt))
    got = eng.sample_homography(x, m, (5, 5), "bilinear", "border", True, False)
    want = ref.sample_homography(eng, x, m, (5, 5), "bilinear", "border", True, False)
    np.testing.assert_allclose(engine.to_numpy(got), engine.to_numpy(want), **TOL[dt])
