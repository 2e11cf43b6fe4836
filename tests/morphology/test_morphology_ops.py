"""``portvision.morphology``: Kornia 0.9 (float64 oracle), SciPy, scikit-image, documented
values, identities, the error contract.

Conventions pinned here (and how the oracles map onto Kornia's):

* Kornia's ``dilation`` reflects the element (Minkowski), as ``scipy.ndimage.grey_dilation``;
  its ``erosion`` does not, as ``scipy.ndimage.grey_erosion``. Both centre the origin at
  ``k // 2``; with odd kernels the results agree exactly.
* ``border_type="geodesic"`` ignores outside pixels: SciPy ``mode="constant"`` with
  ``cval=-inf`` (dilation) / ``+inf`` (erosion); scikit-image ``mode="ignore"``.
* scikit-image's ``dilation`` does not reflect the footprint (it mirrors it before calling
  SciPy), so an asymmetric footprint is compared with its mirror image.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.ndimage as ndi

import portvision as pv

M = pv.morphology
OPS = ("dilation", "erosion", "opening", "closing", "gradient", "top_hat", "bottom_hat")
SQUARE = np.ones((3, 3))
CROSS = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=float)
ASYM = np.array([[1, 1, 0], [0, 1, 1]], dtype=float)


def _img(shape=(2, 3, 10, 12), seed=0, dtype="float64"):
    return np.random.default_rng(seed).uniform(size=shape).astype(dtype)


# -- Kornia 0.9 float64 oracle, on every engine -------------------------------------------
KORNIA_VARIANTS = [
    dict(kernel=SQUARE),
    dict(kernel=CROSS, border_type="constant", border_value=0.4),
    dict(kernel=ASYM, origin=[0, 2], border_type="reflect"),
    dict(kernel=np.ones((2, 4)), border_type="replicate"),
    dict(kernel=np.ones((4, 3)), origin=[3, 0], border_type="circular"),
    dict(kernel=CROSS, se=True),
    dict(kernel=ASYM, se=True, border_type="replicate", origin=[1, 0]),
]


@pytest.mark.parametrize("variant", range(len(KORNIA_VARIANTS)))
def test_matches_kornia(engine, kornia, torch, variant):
    kw = dict(KORNIA_VARIANTS[variant])
    kernel = kw.pop("kernel")
    se = np.random.default_rng(5).uniform(-0.3, 0.3, kernel.shape) if kw.pop("se", False) else None
    x = _img()
    for op in OPS:
        want = getattr(kornia.morphology, op)(
            torch.from_numpy(x),
            torch.from_numpy(kernel),
            None if se is None else torch.from_numpy(se),
            **kw,
        ).numpy()
        for dtype in ("float32",) if engine.no_float64 else ("float32", "float64"):
            got = getattr(M, op)(
                engine.asarray(x.astype(dtype)),
                engine.asarray(kernel.astype(dtype)),
                None if se is None else engine.asarray(se.astype(dtype)),
                **kw,
            )
            assert engine.is_own(got)
            got = engine.to_numpy(got)
            assert got.dtype == np.dtype(dtype)
            tol = 1e-6 if dtype == "float32" else 1e-12
            np.testing.assert_allclose(got, want, rtol=tol, atol=tol, err_msg=f"{op} {kw}")


def test_reconstruction_matches_kornia(engine, kornia, torch):
    rng = np.random.default_rng(1)
    mask = rng.uniform(size=(2, 2, 9, 10))
    seed = mask * rng.uniform(size=mask.shape) * 0.5
    for kernel, method, iters in (
        (None, "dilation", None),
        (CROSS, "erosion", None),
        (SQUARE, "dilation", 2),
    ):
        s = seed if method == "dilation" else mask + 0.3 * rng.uniform(size=mask.shape)
        kt = None if kernel is None else torch.from_numpy(kernel)
        want = kornia.morphology.reconstruction(
            torch.from_numpy(s), torch.from_numpy(mask), kt, method, iters
        ).numpy()
        dt = "float32" if engine.no_float64 else "float64"
        k = None if kernel is None else engine.asarray(kernel.astype(dt))
        got = M.reconstruction(
            engine.asarray(s.astype(dt)), engine.asarray(mask.astype(dt)), k, method, iters
        )
        np.testing.assert_allclose(engine.to_numpy(got), want, rtol=1e-6, atol=1e-6)


# -- SciPy ------------------------------------------------------------------------------------
@pytest.mark.parametrize("kernel", [SQUARE, CROSS, np.ones((5, 3))], ids=["sq", "cross", "5x3"])
def test_matches_scipy_grey_morphology(kernel):
    x = _img((1, 2, 11, 9))
    fp = kernel.astype(bool)
    for se in (None, np.random.default_rng(2).uniform(-0.2, 0.2, kernel.shape)):
        extra = {} if se is None else dict(structure=se[None, None])
        dil = ndi.grey_dilation(x, footprint=fp[None, None], mode="constant", cval=-np.inf, **extra)
        ero = ndi.grey_erosion(x, footprint=fp[None, None], mode="constant", cval=np.inf, **extra)
        np.testing.assert_allclose(M.dilation(x, kernel, se), dil, atol=1e-12)
        np.testing.assert_allclose(M.erosion(x, kernel, se), ero, atol=1e-12)
    # replicate border: SciPy "nearest"
    dil = ndi.grey_dilation(x, footprint=fp[None, None], mode="nearest")
    np.testing.assert_allclose(M.dilation(x, kernel, border_type="replicate"), dil)


# -- scikit-image -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "footprint", [SQUARE, CROSS, ASYM[:, :3]], ids=["square", "cross", "asymmetric"]
)
def test_matches_skimage(footprint):
    sk = pytest.importorskip("skimage.morphology")
    x = _img((2, 1, 12, 11))[:, 0]
    fp = footprint.astype(bool)
    if fp.shape[0] % 2 == 0:  # skimage centres even footprints differently: pad to odd
        fp = np.concatenate([fp, np.zeros((1, fp.shape[1]), bool)])
    mirrored = fp[::-1, ::-1]  # skimage's dilation does not reflect; Kornia's does
    pairs = {
        "dilation": lambda p: sk.dilation(p, mirrored, mode="ignore"),
        "erosion": lambda p: sk.erosion(p, fp, mode="ignore"),
    }
    if (fp == mirrored).all():  # composites: symmetric footprints only
        pairs.update(
            opening=lambda p: sk.opening(p, fp, mode="ignore"),
            closing=lambda p: sk.closing(p, fp, mode="ignore"),
            top_hat=lambda p: sk.white_tophat(p, fp, mode="ignore"),
            bottom_hat=lambda p: sk.black_tophat(p, fp, mode="ignore"),
        )
    for op, fn in pairs.items():
        want = np.stack([fn(p) for p in x])[:, None]
        got = getattr(M, op)(x[:, None], fp.astype(np.float64))
        np.testing.assert_allclose(got, want, atol=1e-12, err_msg=op)


def test_reconstruction_matches_skimage():
    sk = pytest.importorskip("skimage.morphology")
    rng = np.random.default_rng(4)
    mask = rng.uniform(size=(1, 2, 16, 15))
    seed = mask * 0.3
    seed[0, :, 5, 5] = mask[0, :, 5, 5]
    for fp in (SQUARE, CROSS):
        got = M.reconstruction(seed, mask, fp)
        want = np.stack([sk.reconstruction(seed[0, c], mask[0, c], footprint=fp) for c in range(2)])
        np.testing.assert_allclose(got[0], want, atol=1e-12)
        high = mask + 0.4
        got = M.reconstruction(high, mask, fp, method="erosion")
        want = np.stack(
            [sk.reconstruction(high[0, c], mask[0, c], "erosion", footprint=fp) for c in range(2)]
        )
        np.testing.assert_allclose(got[0], want, atol=1e-12)


# -- documented values and identities ----------------------------------------------------------
def test_geodesic_empty_window_is_the_reduction_identity():
    x = np.zeros((1, 1, 3, 3), dtype=np.float32)
    k = np.array([[1.0, 0.0, 0.0]])  # the only tap is one column left of the origin... reflected
    out = M.dilation(x, k)  # Minkowski: reads the pixel one column to the right
    assert np.isneginf(out[0, 0, :, 2]).all() and (out[0, 0, :, :2] == 0).all()
    out = M.erosion(x, k)  # reads the pixel one column to the left
    assert np.isposinf(out[0, 0, :, 0]).all() and (out[0, 0, :, 1:] == 0).all()


def test_identities():
    x = _img((1, 2, 9, 9))
    for k in (SQUARE, CROSS):
        op = M.opening(x, k)
        cl = M.closing(x, k)
        assert (op <= x + 1e-15).all() and (cl >= x - 1e-15).all()  # (anti-)extensive
        np.testing.assert_allclose(M.opening(op, k), op)  # idempotent
        np.testing.assert_allclose(M.top_hat(x, k), x - op)
        np.testing.assert_allclose(M.bottom_hat(x, k), cl - x)
        np.testing.assert_allclose(M.gradient(x, k), M.dilation(x, k) - M.erosion(x, k))
        # duality: erosion(x) = -dilation(-x) for a symmetric flat element
        np.testing.assert_allclose(M.erosion(x, k), -M.dilation(-x, k))


def test_chw_input_keeps_rank(engine):
    x = engine.asarray(_img((3, 6, 7), dtype="float32"))
    out = M.closing(x, engine.asarray(SQUARE.astype("float32")))
    assert tuple(out.shape) == (3, 6, 7)


def test_max_val_and_engine_do_not_change_the_result():
    x = _img((1, 1, 6, 6))
    ref = M.dilation(x, SQUARE)
    for eng in ("unfold", "convolution", "shift"):
        np.testing.assert_array_equal(M.dilation(x, SQUARE, max_val=1.0, engine=eng), ref)


def test_torch_gradient_reaches_image_and_element(torch):
    x = torch.rand(1, 1, 5, 5, dtype=torch.float64, requires_grad=True)
    se = torch.rand(3, 3, dtype=torch.float64, requires_grad=True)
    M.gradient(x, torch.ones(3, 3, dtype=torch.float64), se).sum().backward()
    assert x.grad is not None and se.grad is not None
    assert torch.isfinite(x.grad).all() and torch.isfinite(se.grad).all()


# -- error contract (same type and message on every engine) ----------------------------------
def _errors(engine):
    x = engine.asarray(_img((1, 1, 4, 4), dtype="float32"))
    k = engine.asarray(SQUARE.astype("float32"))
    cases = [
        (
            lambda: M.dilation(engine.asarray(np.zeros((4, 4), "float32")), k),
            ValueError,
            "tensor: expected shape (B, C, H, W) or (C, H, W), got (4, 4)",
        ),
        (
            lambda: M.erosion(engine.asarray(np.zeros((1, 1, 4, 4), "int32")), k),
            TypeError,
            "tensor: expected a real floating dtype",
        ),
        (
            lambda: M.opening(x, engine.asarray(np.ones((3,), "float32"))),
            ValueError,
            "kernel: expected a non-empty shape (kH, kW), got (3,)",
        ),
        (
            lambda: M.closing(x, k, engine.asarray(np.ones((2, 2), "float32"))),
            ValueError,
            "structuring_element: expected shape (3, 3) (the kernel's), got (2, 2)",
        ),
        (
            lambda: M.dilation(x, k, origin=[3, 0]),
            ValueError,
            "origin: expected [row, col] with 0 <= row < 3 and 0 <= col < 3, got [3, 0]",
        ),
        (
            lambda: M.dilation(x, k, border_type="foo"),
            ValueError,
            "border_type: expected one of ['geodesic', 'constant', 'reflect', 'replicate', "
            "'circular'], got 'foo'",
        ),
        (
            lambda: M.top_hat(x, k, engine="fast"),
            ValueError,
            "engine: expected one of ['auto', 'unfold', 'convolution', 'shift'], got 'fast'",
        ),
        (
            lambda: M.dilation(
                x, engine.asarray(np.ones((9, 9), "float32")), border_type="reflect"
            ),
            ValueError,
            "border_type: 'reflect' needs the padding (4, 4) to be smaller than",
        ),
        (
            lambda: M.dilation(x, k, border_value="a"),
            TypeError,
            "border_value: expected a number, got 'a'",
        ),
        (lambda: M.dilation(x, [[1, 1]]), TypeError, "kernel: expected an array, got list"),
        (
            lambda: M.reconstruction(x, x, engine="convolution"),
            ValueError,
            "engine: expected one of ['auto', 'unfold', 'shift'], got 'convolution'",
        ),
        (
            lambda: M.reconstruction(x, x, method="open"),
            ValueError,
            "method: expected one of ['dilation', 'erosion'], got 'open'",
        ),
        (
            lambda: M.reconstruction(x, x[..., :3]),
            ValueError,
            "mask: expected the shape of seed (1, 1, 4, 4), got (1, 1, 4, 3)",
        ),
        (
            lambda: M.reconstruction(x, x, engine.asarray(np.ones((2, 2), "float32"))),
            ValueError,
            "kernel: expected a 2-D shape (kH, kW) of odd sizes, got (2, 2)",
        ),
        (
            lambda: M.reconstruction(x, x, num_iters=-1),
            ValueError,
            "num_iters: expected a non-negative integer, got -1",
        ),
        (
            lambda: M.reconstruction(x, x, check_every=0),
            ValueError,
            "check_every: expected a positive integer, got 0",
        ),
    ]
    return cases


def test_error_contract(engine):
    for fn, exc, msg in _errors(engine):
        with pytest.raises(exc) as info:
            fn()
        assert str(info.value).startswith(msg), (str(info.value), msg)
