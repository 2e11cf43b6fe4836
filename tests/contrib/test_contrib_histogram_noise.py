"""``histogram_matching`` (Kornia 0.9 and ``skimage.exposure.match_histograms``), ``interp``
(Kornia 0.9, ``np.interp`` inside the knots) and
``diamond_square`` (Kornia 0.9 with the same draws; seeded reproducibility on every engine)."""

from __future__ import annotations

import numpy as np
import pytest

import portvision as pv

C = pv.contrib


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_histogram_matching_matches_kornia_and_skimage(engine, kornia, torch, dtype):
    if engine.no_float64 and dtype == "float64":
        pytest.skip("no float64 on this device")
    rng = np.random.default_rng(0)
    src = rng.uniform(size=(2, 3, 8, 9)).astype(dtype)
    src[0, 0, :3] = 0.5  # repeated values
    tpl = (rng.uniform(size=(3, 5, 7)) ** 2).astype(dtype)
    want = kornia.contrib.histogram_matching(torch.from_numpy(src), torch.from_numpy(tpl)).numpy()
    got = C.histogram_matching(engine.asarray(src), engine.asarray(tpl))
    assert engine.is_own(got)
    got = engine.to_numpy(got)
    assert got.dtype == np.dtype(dtype)
    tol = 1e-6 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
    exposure = pytest.importorskip("skimage.exposure")
    sk = exposure.match_histograms(src, tpl.reshape(1, 3, 5, 7), channel_axis=None)
    np.testing.assert_allclose(got, sk, rtol=10 * tol, atol=10 * tol)


def test_histogram_matching_integer_source_and_errors(engine):
    src = engine.asarray(np.array([[3, 1], [2, 2]], "uint8"))
    out = C.histogram_matching(src, engine.asarray(np.array([0.0, 10.0], "float32")))
    assert engine.to_numpy(out).dtype == np.float32
    np.testing.assert_allclose(engine.to_numpy(out), [[10.0, 0.0], [5.0, 5.0]])
    with pytest.raises(
        ValueError, match=r"^template: expected a non-empty array, got shape \(0,\)"
    ):
        C.histogram_matching(src, engine.asarray(np.zeros((0,), "float32")))


SIZES = [(2, 1, 33, 20), (1, 2, 5, 9), (1, 1, 17, 17), (2, 1, 2, 40), (1, 1, 3, 3), (1, 1, 40, 6)]


@pytest.mark.parametrize("size", SIZES)
def test_diamond_square_matches_kornia_with_the_same_draws(kornia, torch, size):
    """Kornia with a ``random_fn`` drawing from the same NumPy generator, in the same order.
    (Scales exactly representable in float32: Kornia builds them through ``torch.Tensor``.)"""
    rng = np.random.default_rng(7)

    def draw(shape, device=None, dtype=None):
        return torch.from_numpy(rng.random(tuple(shape)))

    want = kornia.contrib.diamond_square(size, 0.5, 0.75, draw, dtype=torch.float64).numpy()
    got = C.diamond_square(size, 0.5, 0.75, dtype="float64", generator=7)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-14)


def test_diamond_square_same_seed_same_map_on_every_engine(engine):
    dt = "float32"
    with pv.use_backend(engine.name, device=engine.device):
        got = C.diamond_square(
            (2, 3, 19, 26),
            roughness=[0.5, 0.3],
            generator=11,
            dtype=dt,
            normalize_range=(-1.0, 1.0),
        )
    assert engine.is_own(got)
    got = engine.to_numpy(got)
    want = C.diamond_square(
        (2, 3, 19, 26), roughness=[0.5, 0.3], generator=11, dtype=dt, normalize_range=(-1.0, 1.0)
    )
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got.min(axis=(-2, -1)), -1.0, atol=1e-5)
    np.testing.assert_allclose(got.max(axis=(-2, -1)), 1.0, atol=1e-5)


def test_diamond_square_random_fn_and_generator():
    a = C.diamond_square((1, 1, 9, 9), random_fn=np.random.default_rng(4).random)
    b = C.diamond_square((1, 1, 9, 9), generator=np.random.default_rng(4))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, C.diamond_square((1, 1, 9, 9), generator=5))
    m = C.diamond_square((4, 1, 33, 33), generator=0)
    assert (m >= 0).all() and (m <= 1).all()


def test_diamond_square_errors():
    with pytest.raises(ValueError, match=r"^output_size: expected 4 positive integers"):
        C.diamond_square((1, 9, 9))
    with pytest.raises(ValueError, match=r"^roughness: expected a float or 2 values"):
        C.diamond_square((2, 1, 9, 9), roughness=[0.5, 0.5, 0.5])
    with pytest.raises(TypeError, match=r"^generator: expected None, an int seed"):
        C.diamond_square((1, 1, 9, 9), generator="x")
    with pytest.raises(ValueError, match=r"^normalize_range: expected \(min, max\)"):
        C.diamond_square((1, 1, 9, 9), normalize_range=(0.0,))


def test_interp_matches_kornia_and_numpy(engine, kornia, torch):
    rng = np.random.default_rng(2)
    knots = np.sort(rng.uniform(0, 1, 8))
    knots[3] = knots[2]  # a repeated inner knot
    knots = np.concatenate([[knots[0]], knots])  # and a repeated first knot
    vals = rng.normal(size=knots.size)
    x = np.concatenate([rng.uniform(-0.5, 1.5, 50), knots, [np.nan]]).reshape(6, 10)
    dt = "float32" if engine.no_float64 else "float64"
    want = kornia.contrib.interp(*(torch.from_numpy(v) for v in (x, knots, vals))).numpy()
    got = C.interp(*(engine.asarray(v.astype(dt)) for v in (x, knots, vals)))
    assert engine.is_own(got)
    got = engine.to_numpy(got)
    tol = 1e-5 if dt == "float32" else 1e-12
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
    inside = (x >= knots[0]) & (x <= knots[-1])
    np.testing.assert_allclose(got[inside], np.interp(x[inside], knots, vals), rtol=tol, atol=tol)


def test_interp_errors(engine):
    k = engine.asarray(np.array([0.0, 1.0], "float32"))
    x = engine.asarray(np.zeros(3, "float32"))
    with pytest.raises(ValueError, match=r"^xp: expected at least 2 knots, got shape \(1,\)"):
        C.interp(x, engine.asarray(np.zeros(1, "float32")), engine.asarray(np.zeros(1, "float32")))
    with pytest.raises(ValueError, match=r"^fp: expected the shape of xp \(2,\), got \(3,\)"):
        C.interp(x, k, x)
    with pytest.raises(ValueError, match=r"^xp: expected shape \(n,\), got \(1, 2\)"):
        C.interp(x, engine.asarray(np.zeros((1, 2), "float32")), k)
