"""The colour primitives ``map_pixels`` and ``channel_matrix``: every engine's override
against the pure array-API reference (``backends/_reference_color.py``) on the same
engine, including the blocked CPU path, tuple outputs, autograd and OpenCV on / off."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import float_dtypes
from portvision.backends import _pixel_blocks
from portvision.backends import _reference_color as ref


def _fn(xp):
    """A pixel-wise function mixing channels, with a select (3 -> 2 channels)."""

    def fn(x):
        r, g, b = x[..., 0, :, :], x[..., 1, :, :], x[..., 2, :, :]
        return xp.stack([xp.where(r > g, r * b, g - b), xp.exp(-b) + r], axis=-3)

    return fn


def _planes(xp):
    def fn(x):
        r, g, b = x[..., 0, :, :], x[..., 1, :, :], x[..., 2, :, :]
        return (r + g, g * b, b - r)

    return fn


@pytest.mark.parametrize("shape", [(3, 4, 5), (2, 3, 7, 9), (2, 3, 160, 300), (2, 2, 3, 90, 400)])
def test_map_pixels_equals_reference(engine, shape):
    xp = engine.xp
    host = np.random.default_rng(0).uniform(size=shape)
    for dtype in float_dtypes(engine):
        x = engine.asarray(host, dtype)
        for make in (_fn, _planes):
            got = engine.eng.map_pixels(make(xp), x)
            want = ref.map_pixels(xp, make(xp), x)
            assert engine.is_own(got) and got.dtype == want.dtype and got.shape == want.shape
            np.testing.assert_array_equal(engine.to_numpy(got), engine.to_numpy(want))


def test_map_pixels_small_blocks_cover_every_pixel():
    host = np.random.default_rng(1).uniform(size=(3, 3, 5, 7))
    got = _pixel_blocks.map_pixels_blocked(np, lambda x: x[..., ::-1, :, :] * 2.0, host, block=4)
    np.testing.assert_array_equal(got, host[:, ::-1] * 2.0)


def test_map_pixels_keeps_torch_gradients(torch):
    from portvision.backends import get_engine

    eng = get_engine("torch")
    x = torch.rand(2, 3, 300, 300, dtype=torch.float64, requires_grad=True)
    y = eng.map_pixels(_planes(eng.xp), x)
    y.sum().backward()
    assert x.grad is not None and torch.isfinite(x.grad).all()
    w = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)  # grad through a closure
    z = eng.map_pixels(lambda t: t * w, x.detach())
    z.sum().backward()
    assert w.grad is not None


@pytest.mark.parametrize("cin, cout", [(3, 3), (3, 1), (1, 3), (4, 2)])
@pytest.mark.parametrize("with_bias", [False, True])
def test_channel_matrix_equals_reference(engine, cin, cout, with_bias):
    xp = engine.xp
    rng = np.random.default_rng(2)
    host = rng.uniform(size=(2, cin, 6, 7))
    m, b = rng.uniform(-1, 1, size=(cout, cin)), rng.uniform(size=(cout,))
    for dtype in float_dtypes(engine):
        x = engine.asarray(host, dtype)
        mat = engine.asarray(m, dtype)
        bias = engine.asarray(b, dtype) if with_bias else None
        got = engine.eng.channel_matrix(x, mat, bias)
        want = np.einsum("oi,bihw->bohw", m, host) + (b[:, None, None] if with_bias else 0)
        tol = dict(rtol=1e-5, atol=1e-6) if dtype == "float32" else dict(rtol=1e-12, atol=1e-13)
        assert engine.is_own(got) and str(engine.to_numpy(got).dtype) == dtype
        np.testing.assert_allclose(engine.to_numpy(got), want, **tol)
        same = ref.channel_matrix(xp, x, mat, bias)
        np.testing.assert_allclose(engine.to_numpy(got), engine.to_numpy(same), **tol)


def test_channel_matrix_unbatched_and_gradients(torch):
    from portvision.backends import get_engine

    eng = get_engine("torch")
    x = torch.rand(3, 4, 5, dtype=torch.float64, requires_grad=True)
    m = torch.rand(2, 3, dtype=torch.float64, requires_grad=True)
    b = torch.rand(2, dtype=torch.float64, requires_grad=True)
    assert eng.channel_matrix(x, m, b).shape == (2, 4, 5)
    assert torch.autograd.gradcheck(lambda *a: eng.channel_matrix(*a), (x, m, b))
