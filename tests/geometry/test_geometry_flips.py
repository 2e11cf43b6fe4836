"""hflip / vflip / rot180: NumPy's flips and Kornia 0.9 as oracles, involutions, dtypes."""

from __future__ import annotations

import numpy as np
import pytest

import portvision as pv

T = pv.geometry.transform
FLIPS = [
    (T.hflip, lambda a: a[..., ::-1]),
    (T.vflip, lambda a: a[..., ::-1, :]),
    (T.rot180, lambda a: a[..., ::-1, ::-1]),
]


@pytest.mark.parametrize("fn, oracle", FLIPS, ids=["hflip", "vflip", "rot180"])
@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (3, 4, 5), (4, 5), (2, 2, 3, 4, 5)])
def test_flip_matches_slicing_and_is_an_involution(fn, oracle, shape, engine):
    host = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    out = fn(engine.asarray(host))
    np.testing.assert_array_equal(engine.to_numpy(out), oracle(host))
    np.testing.assert_array_equal(engine.to_numpy(fn(out)), host)


@pytest.mark.parametrize("fn", [T.hflip, T.vflip, T.rot180], ids=["hflip", "vflip", "rot180"])
def test_flip_matches_kornia(fn, kornia, torch):
    x = torch.rand(2, 3, 4, 5, dtype=torch.float64)
    want = getattr(kornia.geometry.transform, fn.__name__)(x)
    assert torch.equal(fn(x), want)


def test_rot180_is_hflip_then_vflip_and_keeps_integers(engine):
    host = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    x = engine.asarray(host)
    got = engine.to_numpy(T.rot180(x))
    assert got.dtype == np.uint8
    np.testing.assert_array_equal(got, engine.to_numpy(T.vflip(T.hflip(x))))


def test_flip_convention_maps_x_to_w_minus_1_minus_x():
    img = np.zeros((1, 1, 3, 5))
    img[0, 0, 1, 1] = 1.0
    assert np.argwhere(T.hflip(img)[0, 0]).tolist() == [[1, 3]]


def test_flip_gradient(torch):
    x = torch.rand(1, 2, 3, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(T.rot180, (x,))


def test_flip_error_contract(engine):
    with pytest.raises(ValueError, match=r"input: expected shape \(\*, H, W\), got \(4,\)"):
        T.vflip(engine.asarray(np.zeros(4, dtype="float32")))
    with pytest.raises(ValueError, match=r"input: expected shape \(\*, H, W\), got \(4,\)"):
        T.rot180(engine.asarray(np.zeros(4, dtype="float32")))
    with pytest.raises(TypeError, match="input: expected an array"):
        T.hflip(3.0)
