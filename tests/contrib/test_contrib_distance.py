"""``distance_transform``: Kornia 0.9 oracle (2-D and 3-D, several kernel sizes and h),
the documented relation to ``scipy.ndimage.distance_transform_edt`` with a measured bound,
exact values near a source, gradients, and the error contract."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.ndimage as ndi

import portvision as pv

C = pv.contrib


def _sources(shape, p=0.05, seed=0):
    x = (np.random.default_rng(seed).uniform(size=shape) < p).astype("float64")
    x[(0,) * (len(shape) - 2) + (1, 1)] = 1.0  # at least one source
    return x


@pytest.mark.parametrize("ks,h", [(3, 0.35), (5, 0.3), (7, 0.25), (3, 0.55)])
def test_matches_kornia_2d(engine, kornia, torch, ks, h):
    x = _sources((2, 2, 14, 17))
    x[1, 1] = np.random.default_rng(1).uniform(size=(14, 17))  # weak sources too
    want = kornia.contrib.distance_transform(torch.from_numpy(x), ks, h).numpy()
    dt = "float32" if engine.no_float64 else "float64"
    got = engine.to_numpy(C.distance_transform(engine.asarray(x.astype(dt)), ks, h))
    tol = 1e-4 if dt == "float32" else 1e-10
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def test_matches_kornia_3d(kornia, torch):
    x = _sources((1, 2, 6, 7, 8), p=0.04)
    want = kornia.contrib.distance_transform(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(C.distance_transform(x), want, rtol=1e-10, atol=1e-10)


def test_approximates_scipy_edt():
    """Kornia's cascade vs the exact EDT of ``x == 0`` (documented, with a bound measured here).

    Exact next to a source (within kernel_size // 2 px), then diagonals come out short (up to
    29 % in 2-D) and the soft minimum pulls values down where sources share a window: on
    these sparse masks |approx - edt| <= 0.3 * edt + 0.6 everywhere.
    """
    for seed in range(3):
        x = _sources((1, 1, 40, 37), p=0.01, seed=seed)
        approx = C.distance_transform(x)[0, 0]
        edt = ndi.distance_transform_edt(x[0, 0] == 0)
        assert (np.abs(approx - edt) <= 0.3 * edt + 0.6).all()
        assert (approx[x[0, 0] == 1] == 0).all()


def test_exact_next_to_an_isolated_source():
    x = np.zeros((1, 1, 9, 9))
    x[0, 0, 4, 4] = 1.0
    out = C.distance_transform(x, kernel_size=3)
    np.testing.assert_allclose(
        out[0, 0, 3:6, 3:6], [[2**0.5, 1, 2**0.5], [1, 0, 1], [2**0.5, 1, 2**0.5]]
    )


def test_no_source_gives_zero():
    assert (C.distance_transform(np.zeros((1, 1, 5, 6))) == 0).all()


def test_gradient_flows_to_weak_sources(torch):
    x = torch.full((1, 1, 5, 5), 0.02, dtype=torch.float64)
    x[0, 0, 2, 2] = 0.7
    x.requires_grad_(True)
    C.distance_transform(x).sum().backward()
    assert torch.isfinite(x.grad).all() and x.grad.abs().sum() > 0


def test_error_contract(engine):
    x = engine.asarray(np.zeros((1, 1, 5, 5), "float32"))
    cases = [
        (
            lambda: C.distance_transform(engine.asarray(np.zeros((5, 5), "float32"))),
            ValueError,
            "image: expected shape (B, C, H, W) or (B, C, D, H, W), got (5, 5)",
        ),
        (
            lambda: C.distance_transform(engine.asarray(np.zeros((1, 1, 5, 5), "int32"))),
            TypeError,
            "image: expected a real floating dtype",
        ),
        (
            lambda: C.distance_transform(x, 4),
            ValueError,
            "kernel_size: expected an odd integer >= 3, got 4",
        ),
        (
            lambda: C.distance_transform(x, 3, 0.0),
            ValueError,
            "h: expected a positive finite number, got 0.0",
        ),
        (lambda: C.distance_transform(x, 3, 0.6), ValueError, "h: expected a value small enough"),
        (lambda: C.distance_transform(x, 21, 0.05), ValueError, "h: expected a value large enough"),
    ]
    for fn, exc, msg in cases:
        with pytest.raises(exc) as info:
            fn()
        assert str(info.value).startswith(msg), (str(info.value), msg)


def test_h_range_matches_kornia(kornia, torch):
    """Kornia's working range of h (the facts our check reproduces)."""
    for ks, h in ((3, 0.56), (3, 0.5625), (5, 0.51), (21, 0.01)):
        theirs = True
        try:
            kornia.contrib.distance_transform(torch.zeros(1, 1, 5, 5), ks, h)
        except Exception:
            theirs = False
        ours = True
        try:
            C.distance_transform(np.zeros((1, 1, 5, 5), "float32"), ks, h)
        except ValueError:
            ours = False
        assert ours == theirs, (ks, h)
