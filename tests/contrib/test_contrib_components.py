"""``connected_components``: Kornia 0.9 oracle (exact labels), ``scipy.ndimage.label`` with
8-connectivity (same partition of the pixels; label values differ: scipy numbers components
1, 2, ..., Kornia's scheme labels a component 1 + its largest raster index in the batch), the
fixed-iteration semantics, and the error contract."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.ndimage as ndi

import portvision as pv

C = pv.contrib


def _binary(shape, p=0.45, seed=0):
    return (np.random.default_rng(seed).uniform(size=shape) < p).astype("float32")


def test_matches_kornia(engine, kornia, torch):
    x = _binary((3, 1, 12, 13))
    x[0, 0, 0, 0] = 2.0  # not foreground: only values equal to 1 are
    for iters in (1, 4, 100):
        want = kornia.contrib.connected_components(torch.from_numpy(x), iters).numpy()
        got = C.connected_components(engine.asarray(x), iters)
        assert engine.is_own(got)
        got = engine.to_numpy(got)
        assert got.dtype == np.int64
        np.testing.assert_array_equal(got, want)


def _same_partition(a, b):
    """Same background and a bijection between the labels of ``a`` and ``b``."""
    assert ((a == 0) == (b == 0)).all()
    fg = a != 0
    pairs = set(zip(a[fg].tolist(), b[fg].tolist(), strict=True))
    assert len(pairs) == len({p[0] for p in pairs}) == len({p[1] for p in pairs})


def test_same_partition_as_scipy_label(engine):
    x = _binary((2, 1, 16, 15), p=0.4, seed=3)
    got = engine.to_numpy(C.connected_components(engine.asarray(x), num_iterations=16 * 15))
    for b in range(2):
        want, _ = ndi.label(x[b, 0], structure=np.ones((3, 3)))
        _same_partition(got[b, 0], want)


def test_label_is_one_plus_largest_raster_index():
    x = np.zeros((2, 1, 4, 5), "float32")
    x[1, 0, 1, 1:4] = 1.0  # a bar in the second image: raster indices 6..8 of plane 1
    out = C.connected_components(x)
    assert set(np.unique(out[1])) == {0, 20 + 8 + 1}
    assert (out[0] == 0).all()


def test_few_iterations_split_a_long_component():
    x = np.ones((1, 1, 1, 12), "float32")
    assert len(np.unique(C.connected_components(x, num_iterations=3))) > 1
    assert len(np.unique(C.connected_components(x, num_iterations=11))) == 1


def test_any_leading_shape_and_empty():
    x = _binary((2, 3, 1, 6, 7))
    out = C.connected_components(x)
    assert out.shape == x.shape
    assert C.connected_components(np.zeros((0, 1, 4, 4), "float32")).shape == (0, 1, 4, 4)


def test_error_contract(engine):
    x = engine.asarray(np.zeros((1, 2, 4, 4), "float32"))
    with pytest.raises(
        ValueError, match=r"^image: expected shape \(\*, 1, H, W\), got \(1, 2, 4, 4\)"
    ):
        C.connected_components(x)
    one = engine.asarray(np.zeros((1, 1, 4, 4), "float32"))
    with pytest.raises(ValueError, match="^num_iterations: expected a positive integer, got 0"):
        C.connected_components(one, 0)
    with pytest.raises(TypeError, match="^num_iterations: expected a positive integer, got 2.5"):
        C.connected_components(one, 2.5)
