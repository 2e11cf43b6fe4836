"""The grey-morphology primitives (``eng.grey_dilation`` / ``eng.grey_erosion``).

Every engine's override against (1) a per-pixel Python loop written from the contract in
``backends/_reference_morphology.py`` (an independent oracle) and (2) the pure array-API
reference run on the same engine. Footprints cover full rectangles (the separable fast
paths), even sizes with a corner origin, crosses, an asymmetric mask whose origin is not a
tap, and the empty footprint; every border; flat and non-flat elements; both dtypes.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest
from conftest import float_dtypes
from portvision.backends import _reference_morphology as refm

BORDERS = ("geodesic", "constant", "reflect", "replicate", "circular")

FOOTPRINTS = {
    "rect3x3": (np.ones((3, 3), bool), None),
    "rect2x4-corner": (np.ones((2, 4), bool), (0, 3)),
    "cross3x3": (np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], bool), None),
    "asym-offorigin": (np.array([[1, 0, 0], [0, 0, 1]], bool), (1, 1)),
    "rect5x1": (np.ones((5, 1), bool), (4, 0)),
    "empty": (np.zeros((2, 2), bool), None),
}


def _source(n, i, border):
    """Index of the pixel that padded position ``i`` reads along an axis of ``n``, or None."""
    if 0 <= i < n:
        return i
    if border == "replicate":
        return min(max(i, 0), n - 1)
    if border == "circular":
        return i % n
    if border == "reflect":
        if n == 1:
            return 0
        period = list(range(n)) + list(range(n - 2, 0, -1))
        return period[i % len(period)]
    return None  # geodesic / constant


def naive(a, fp, s, origin, border, value, dilate):
    """Per-pixel loop of the contract: correlation-style max-plus / min-plus."""
    kh, kw = fp.shape
    oy, ox = origin if origin is not None else (kh // 2, kw // 2)
    h, w = a.shape[-2:]
    ident = -math.inf if dilate else math.inf
    out = np.full(a.shape, ident, dtype=np.float64)
    for y in range(h):
        for x in range(w):
            for i in range(kh):
                for j in range(kw):
                    if not fp[i, j]:
                        continue
                    sy, sx = _source(h, y + i - oy, border), _source(w, x + j - ox, border)
                    if sy is None or sx is None:
                        if border == "geodesic":
                            continue
                        v = np.full(a.shape[:-2], float(value))
                    else:
                        v = a[..., sy, sx].astype(np.float64)
                    off = 0.0 if s is None else float(s[i, j])
                    v = v + off if dilate else v - off
                    cur = out[..., y, x]
                    out[..., y, x] = np.maximum(cur, v) if dilate else np.minimum(cur, v)
    return out


@functools.cache
def _naive_case(name, nonflat, border, dilate):
    """The loop oracle on the float64 host inputs of a case (computed once for all engines)."""
    fp, origin = FOOTPRINTS[name]
    host, s_host = _case_inputs(name, nonflat)
    return naive(host, fp, s_host, origin, border, 0.25, dilate)


def _case_inputs(name, nonflat):
    rng = np.random.default_rng(1)
    host = rng.uniform(-1, 1, size=(2, 2, 6, 7))
    shape = FOOTPRINTS[name][0].shape
    return host, (rng.uniform(-0.5, 0.5, size=shape) if nonflat else None)


def _tuple(fp):
    return tuple(tuple(bool(v) for v in row) for row in fp)


@pytest.mark.parametrize("nonflat", [False, True], ids=["flat", "nonflat"])
@pytest.mark.parametrize("name", list(FOOTPRINTS))
def test_grey_morphology_matches_loop_and_reference(engine, name, nonflat):
    fp, origin = FOOTPRINTS[name]
    host, s_host = _case_inputs(name, nonflat)
    eng, xp = engine.eng, engine.xp
    for dtype in float_dtypes(engine):
        x = engine.asarray(host.astype(dtype))
        s = None if s_host is None else engine.asarray(s_host.astype(dtype))
        for border in BORDERS:
            for dilate in (True, False):
                fn = eng.grey_dilation if dilate else eng.grey_erosion
                rfn = refm.grey_dilation if dilate else refm.grey_erosion
                args = (_tuple(fp), s, origin, border, 0.25)
                got = fn(x, *args)
                want = _naive_case(name, nonflat, border, dilate)
                ref = rfn(xp, x, *args)
                what = f"{name} {border} {'dilation' if dilate else 'erosion'} {dtype}"
                assert engine.is_own(got), what
                g = engine.to_numpy(got)
                assert g.dtype == np.dtype(dtype) and g.shape == host.shape, what
                tol = dict(rtol=1e-6, atol=2e-6) if dtype == "float32" else dict(rtol=0, atol=1e-12)
                np.testing.assert_allclose(g, want, err_msg=what, **tol)
                np.testing.assert_allclose(g, engine.to_numpy(ref), err_msg=what, **tol)
        np.testing.assert_array_equal(engine.to_numpy(x), host.astype(dtype))  # not mutated


def test_grey_morphology_image_smaller_than_element(engine):
    """Pads wider than the image (reflect repeats its period; scipy/OpenCV paths must agree)."""
    host = np.random.default_rng(2).uniform(size=(1, 1, 2, 3)).astype("float32")
    fp = np.ones((5, 5), bool)
    x = engine.asarray(host)
    for border in BORDERS:
        for dilate in (True, False):
            fn = engine.eng.grey_dilation if dilate else engine.eng.grey_erosion
            got = engine.to_numpy(fn(x, _tuple(fp), None, None, border, -2.0))
            want = naive(host, fp, None, None, border, -2.0, dilate)
            np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6, err_msg=border)


def test_grey_dilation_output_is_not_a_view_of_the_input(engine):
    host = np.random.default_rng(3).uniform(size=(1, 2, 4, 4)).astype("float32")
    x = engine.asarray(host)
    out = engine.eng.grey_dilation(x, ((True,),), None, None, "geodesic", 0.0)
    np.testing.assert_array_equal(engine.to_numpy(out), host)
    if engine.name == "numpy":
        assert not np.shares_memory(out, x)
    if engine.name == "torch":
        assert out.data_ptr() != x.data_ptr()


def test_torch_grey_morphology_gradients(torch):
    """Autograd through the torch overrides: image and non-flat element, float64."""
    from portvision.backends import get_engine

    eng = get_engine("torch")
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(1, 1, 4, 5, dtype=torch.float64, generator=gen, requires_grad=True)
    s = torch.rand(3, 3, dtype=torch.float64, generator=gen, requires_grad=True)
    fp = _tuple(np.array([[1, 1, 0], [1, 1, 1], [0, 1, 1]], bool))
    full = _tuple(np.ones((3, 2), bool))
    for fn in (eng.grey_dilation, eng.grey_erosion):
        for border in ("geodesic", "replicate"):
            assert torch.autograd.gradcheck(
                lambda a, b, fn=fn, border=border: fn(a, fp, b, (1, 1), border, 0.0),
                (x, s),
                fast_mode=True,
            )
            assert torch.autograd.gradcheck(
                lambda a, fn=fn, border=border: fn(a, full, None, (2, 0), border, 0.0),
                (x,),
                fast_mode=True,
            )


def test_torch_grey_dilation_batch_matches_single_images(torch):
    """The in-place fast path on a large batch equals image-by-image runs, bit for bit."""
    from portvision.backends import get_engine

    eng = get_engine("torch")
    x = torch.rand(5, 3, 130, 140, generator=torch.Generator().manual_seed(1))
    fp = _tuple(np.ones((3, 5), bool))
    whole = eng.grey_dilation(x, fp, None, None, "geodesic", 0.0)
    for b in range(x.shape[0]):
        part = eng.grey_dilation(x[b : b + 1], fp, None, None, "geodesic", 0.0)
        assert torch.equal(whole[b : b + 1], part)
