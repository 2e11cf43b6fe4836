"""posterize, sharpness, equalize, equalize3d: Kornia 0.9 (float), PIL ``ImageOps`` (uint8,
bit-exact), OpenCV / scikit-image where their conventions allow, the error contract.

Convention differences (pinned below):

* ``cv2.equalizeHist`` maps level ``i`` to ``round(255 * (cdf(i) - cdf_min) / (N - cdf_min))``
  with the cdf *including* level ``i``; PIL / Kornia use ``(cdf_before(i) + step // 2) //
  step`` with ``step = (N - count(last level)) // 255``. Both are monotone and agree within
  a few levels, not exactly.
* ``skimage.exposure.equalize_hist`` returns the normalised cdf itself (floats in [0, 1],
  256 bins over the image's own value range), not 8-bit levels.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import float_dtypes

import portvision as pv

E = pv.enhance


def _levels(shape, seed=0, low=0, high=256):
    lv = np.random.default_rng(seed).integers(low, high, size=shape)
    return lv, (lv + 0.5) / 255.0


def test_posterize_matches_kornia_and_pil(engine, kornia, torch):
    from PIL import Image, ImageOps

    lv, host = _levels((2, 3, 5, 6))
    bits = np.array([3, 6])
    for b in (0, 1, 4, 8, bits):
        kb = torch.from_numpy(b) if isinstance(b, np.ndarray) else b
        want = kornia.enhance.posterize(torch.from_numpy(host), kb).numpy()
        eb = engine.asarray(b) if isinstance(b, np.ndarray) else b
        for dtype in float_dtypes(engine):
            got = E.posterize(engine.asarray(host, dtype), eb)
            np.testing.assert_allclose(engine.to_numpy(got), want, rtol=1e-6, atol=1e-7)
    u8 = lv.astype(np.uint8)
    for b in range(1, 9):
        pil = np.stack(
            [np.asarray(ImageOps.posterize(Image.fromarray(p), b)) for p in u8.reshape(-1, 5, 6)]
        )
        got = engine.to_numpy(E.posterize(engine.asarray(u8), b))
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, pil.reshape(u8.shape))


def test_sharpness_matches_kornia(engine, kornia, torch):
    host = np.random.default_rng(1).uniform(size=(2, 3, 6, 7))
    for f in (0.0, 0.5, 2.0, np.array([0.3, 1.7])):
        kf = torch.from_numpy(f) if isinstance(f, np.ndarray) else f
        want = kornia.enhance.sharpness(torch.from_numpy(host), kf).numpy()
        for dtype in float_dtypes(engine):
            ef = engine.asarray(f, dtype) if isinstance(f, np.ndarray) else f
            got = E.sharpness(engine.asarray(host, dtype), ef)
            tol = dict(rtol=1e-5, atol=1e-6) if dtype == "float32" else dict(rtol=1e-10, atol=1e-12)
            np.testing.assert_allclose(engine.to_numpy(got), want, **tol)


def test_sharpness_matches_pil(engine):
    from PIL import Image, ImageEnhance

    u8 = (np.random.default_rng(2).uniform(size=(8, 9, 3)) * 255).astype(np.uint8)
    want = np.asarray(ImageEnhance.Sharpness(Image.fromarray(u8)).enhance(0.4)).astype(float)
    x = engine.asarray(u8.transpose(2, 0, 1)[None] / 255.0, float_dtypes(engine)[-1])
    got = engine.to_numpy(E.sharpness(x, 0.4))[0].transpose(1, 2, 0) * 255
    # PIL rounds the smoothed image and the blend to 8 bits: within 1.5 levels
    assert np.abs(got - want).max() <= 1.5


@pytest.mark.parametrize("shape", [(2, 3, 9, 11), (3, 9, 11), (9, 11)])
def test_equalize_matches_kornia(engine, kornia, torch, shape):
    _, host = _levels(shape, 3, 40, 120)
    host[..., 0, 0] = 0.5 / 255  # spread the range
    want = kornia.enhance.equalize(torch.from_numpy(host)).numpy()
    for dtype in float_dtypes(engine):
        got = E.equalize(engine.asarray(host, dtype))
        np.testing.assert_allclose(engine.to_numpy(got), want, rtol=1e-6, atol=1e-6)


def test_equalize3d_matches_kornia(engine, kornia, torch):
    _, host = _levels((2, 2, 3, 5, 6), 4, 30, 90)
    want = kornia.enhance.equalize3d(torch.from_numpy(host)).numpy()
    for dtype in float_dtypes(engine):
        got = E.equalize3d(engine.asarray(host, dtype))
        np.testing.assert_allclose(engine.to_numpy(got), want, rtol=1e-6, atol=1e-6)


def test_equalize_uint8_is_pil(engine):
    from PIL import Image, ImageOps

    u8 = np.random.default_rng(5).integers(20, 140, size=(2, 3, 16, 17)).astype(np.uint8)
    u8[0, 1] = 77  # a constant plane stays unchanged
    got = engine.to_numpy(E.equalize(engine.asarray(u8)))
    assert got.dtype == np.uint8
    want = np.stack(
        [np.asarray(ImageOps.equalize(Image.fromarray(p))) for p in u8.reshape(-1, 16, 17)]
    )
    np.testing.assert_array_equal(got, want.reshape(u8.shape))


def test_equalize_vs_opencv_and_skimage_conventions(engine, cv2):
    exposure = pytest.importorskip("skimage.exposure")
    # big enough that PIL's integer step ((N - last) // 255) truncates little: on small images
    # it can saturate the lookup table, a documented PIL / Kornia behaviour
    u8 = np.random.default_rng(6).integers(30, 160, size=(128, 128)).astype(np.uint8)
    got = engine.to_numpy(E.equalize(engine.asarray(u8)))
    cv = cv2.equalizeHist(u8)
    # same ordering of levels, values within a few levels (different rounding of the cdf)
    order = np.argsort(u8, axis=None, kind="stable")
    assert (np.diff(got.ravel()[order].astype(int)) >= 0).all()
    assert np.abs(got.astype(int) - cv.astype(int)).max() <= 3
    sk = exposure.equalize_hist(u8, nbins=256)  # the normalised cdf in [0, 1]
    assert np.abs(got / 255.0 - sk).max() < 0.05


def test_errors(engine):
    x = engine.asarray(np.full((2, 3, 4, 5), 0.5, np.float32))
    with pytest.raises(
        ValueError, match=r"^input: expected values in \[0, 1\], got values in \[0.5, 2.0\]$"
    ):
        E.equalize(engine.asarray(np.array([[0.5, 2.0]], np.float32)))
    with pytest.raises(
        TypeError,
        match=r"^input: expected a real floating dtype \(images in \[0, 1\]\), got int32$",
    ):
        E.equalize(engine.asarray(np.zeros((3, 4, 5), np.int32)))
    with pytest.raises(ValueError, match=r"^bits: expected an integer in \[0, 8\], got 9$"):
        E.posterize(x, 9)
    with pytest.raises(TypeError, match="^bits: expected an integer array, got float32$"):
        E.posterize(x, engine.asarray(np.array([1.0, 2.0], np.float32)))
    with pytest.raises(ValueError, match=r"^bits: expected integers in \[0, 8\], got \[1, 9\]$"):
        E.posterize(x, engine.asarray(np.array([1, 9])))
    with pytest.raises(
        ValueError,
        match=r"^bits: expected a number, shape \(1,\) or \(2,\) \(one per image\), got \(3,\)$",
    ):
        E.posterize(x, engine.asarray(np.array([1, 2, 3])))
    with pytest.raises(
        ValueError, match=r"^input: expected H and W of at least 3, got shape \(2, 3, 2, 5\)$"
    ):
        E.sharpness(x[:, :, :2, :], 0.5)
    with pytest.raises(
        ValueError, match=r"^input: expected shape \(\*, C, D, H, W\), got \(4, 5\)$"
    ):
        E.equalize3d(x[0, 0, ...])


# -- CLAHE -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("shape", "grid", "clip"),
    [((2, 3, 20, 24), (4, 4), 40.0), ((2, 1, 21, 19), (3, 4), 2.0), ((3, 17, 23), (8, 8), 0.0)],
)
def test_clahe_matches_kornia(engine, kornia, torch, shape, grid, clip):
    _, host = _levels(shape, 7)
    want = kornia.enhance.equalize_clahe(torch.from_numpy(host), clip, grid).numpy()
    for dtype in float_dtypes(engine):
        got = E.equalize_clahe(engine.asarray(host, dtype), clip, grid)
        np.testing.assert_allclose(engine.to_numpy(got), want, rtol=1e-5, atol=1e-6)


def test_clahe_differentiable_matches_kornia_without_clipping(engine, kornia, torch):
    # with clipping, the residual spreading is discontinuous in the soft counts: Kornia's
    # float32 bin centres then move single counts; without clipping both agree closely
    _, host = _levels((1, 2, 16, 16), 8)
    want = kornia.enhance.equalize_clahe(torch.from_numpy(host), 0.0, (2, 2), True).numpy()
    got = E.equalize_clahe(engine.asarray(host, float_dtypes(engine)[-1]), 0.0, (2, 2), True)
    np.testing.assert_allclose(engine.to_numpy(got), want, atol=2e-5)


def test_clahe_vs_opencv_and_skimage(engine, cv2):
    exposure = pytest.importorskip("skimage.exposure")
    rng = np.random.default_rng(9)
    yy, xx = np.mgrid[0:64, 0:64]
    u8 = np.clip(60 + 0.8 * xx + 0.5 * yy + rng.normal(0, 8, (64, 64)), 0, 255).astype(np.uint8)
    x = engine.asarray(u8[None] / 255.0, float_dtypes(engine)[-1])
    ours = engine.to_numpy(E.equalize_clahe(x, 2.0, (4, 4)))[0] * 255
    # same tiles and lookup tables as OpenCV; interpolation phase half a pixel earlier and no
    # 8-bit rounding of the result: within 2.5 levels
    cv = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(4, 4)).apply(u8)
    assert np.abs(ours - cv).max() <= 2.5 and np.abs(ours - cv).mean() < 1.2
    # scikit-image normalises the clip limit differently and pads symmetrically: similar only
    sk = exposure.equalize_adapthist(u8, kernel_size=16, clip_limit=2.0 / 256, nbins=256) * 255
    assert np.corrcoef(ours.ravel(), sk.ravel())[0, 1] > 0.9


def test_clahe_errors(engine):
    x = engine.asarray(np.full((1, 1, 8, 8), 0.5, np.float32))
    with pytest.raises(TypeError, match="^clip_limit: expected a float, got int$"):
        E.equalize_clahe(x, 40)
    with pytest.raises(
        ValueError, match=r"^grid_size: expected a tuple of two positive ints, got \(0, 2\)$"
    ):
        E.equalize_clahe(x, 40.0, (0, 2))
    with pytest.raises(
        ValueError,
        match=r"^input: expected an image larger than grid_size \(8, 8\) \(at least \(9, 9\)\), "
        r"got \(H, W\) = \(8, 8\)$",
    ):
        E.equalize_clahe(x)
    with pytest.raises(
        ValueError, match=r"^input: expected values in \[0, 1\], got values in \[0.5, 3.0\]$"
    ):
        E.equalize_clahe(
            engine.asarray(np.array([[[0.5] * 4] * 3 + [[3.0] * 4]], np.float32)), 2.0, (2, 2)
        )


def test_lookup_primitive(engine):
    """``eng.lookup`` (added for equalize / CLAHE): per-row table lookup on every engine."""
    rng = np.random.default_rng(10)
    table = rng.uniform(size=(3, 256)).astype(np.float32)
    idx = rng.integers(0, 256, size=(3, 50))
    got = engine.eng.lookup(engine.asarray(table), engine.asarray(idx))
    np.testing.assert_array_equal(engine.to_numpy(got), np.take_along_axis(table, idx, axis=1))
