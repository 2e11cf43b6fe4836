"""Engine primitives: every engine's overrides against the pure array-API reference on the
same engine (catches convention drift), plus independent oracles (NumPy, SciPy, OpenCV).

The ``engine`` fixture runs the NumPy engine with OpenCV on and off.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.ndimage as ndi
from conftest import float_dtypes
from portvision.backends import _reference as ref

BORDERS = ("constant", "reflect", "replicate", "circular")
NDI_MODE = {"constant": "constant", "reflect": "mirror", "replicate": "nearest", "circular": "wrap"}
TOL = {"float64": dict(rtol=1e-9, atol=1e-11), "float32": dict(rtol=2e-5, atol=2e-6)}


def _host(shape, seed=0, low=0.0, high=1.0, dtype="float64"):
    return np.random.default_rng(seed).uniform(low, high, size=shape).astype(dtype)


def _close(engine, got, want, dtype, exact=False):
    got = engine.to_numpy(got) if engine.is_own(got) else np.asarray(got)
    want = engine.to_numpy(want) if engine.is_own(want) else np.asarray(want)
    assert got.shape == want.shape, f"shape {got.shape}, expected {want.shape}"
    assert str(got.dtype) == dtype, f"dtype {got.dtype}, expected {dtype}"
    if exact:
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64), **TOL[dtype])


def _same_pads(ksize):
    return tuple(((k - 1) // 2, k // 2) for k in ksize)


# -- independent oracles -----------------------------------------------------------------
def _mirror_index(n, before, after):
    """Source index of each padded position, by tiling the mirror period (no modular formula)."""
    period = list(range(n)) + list(range(n - 2, 0, -1)) if n > 1 else [0]
    reps = (before + after) // len(period) + 3
    tiled = period * reps
    start = (len(tiled) // 2 // len(period)) * len(period)  # a period boundary near the middle
    return np.array(tiled[start - before : start + n + after])


def np_pad(a, pads, mode, value=0.0):
    """Oracle: np.pad, plus a tiled mirror for reflect widths of one period or more."""
    width = [(0, 0)] * (a.ndim - len(pads)) + [tuple(p) for p in pads]
    if mode == "constant":
        return np.pad(a, width, mode="constant", constant_values=value)
    if mode == "reflect":
        out = a
        for axis, (b, e) in enumerate(width):
            if b or e:
                out = np.take(out, _mirror_index(a.shape[axis], b, e), axis=axis)
        return out
    return np.pad(a, width, mode={"replicate": "edge", "circular": "wrap"}[mode])


def ndi_correlate(x, kernel, border, stride=1):
    """Oracle: scipy.ndimage.correlate per sample, anchored at (k - 1) // 2."""
    d = kernel.ndim - 1
    outs = []
    for b in range(x.shape[0]):
        k = kernel[b if kernel.shape[0] > 1 else 0]
        w = k.reshape((1,) * (x.ndim - 1 - d) + k.shape)
        origin = [0] * (x.ndim - 1 - d) + [-1 if n % 2 == 0 else 0 for n in k.shape]
        outs.append(ndi.correlate(x[b], w, mode=NDI_MODE[border], cval=0.0, origin=origin))
    out = np.stack(outs)
    return out[(Ellipsis,) + (slice(None, None, stride),) * d]


def _engine_arrays(engine, dtype, *hosts):
    return [engine.asarray(h.astype(dtype)) for h in hosts]


# -- pad -------------------------------------------------------------------------------------
PAD_CASES = [
    ((2, 3, 5, 6), ((2, 1), (0, 3))),
    ((2, 3, 5, 6), ((4, 4), (5, 5))),  # as wide as the axis - 1 and as the axis
    ((2, 3, 5, 6), ((7, 11), (13, 6))),  # wider than the axis, several periods
    ((2, 3, 7), ((3, 8),)),  # one axis
    ((1, 2, 4, 5, 3), ((1, 5), (2, 2), (0, 4))),  # three axes
    ((2, 1, 1, 4), ((2, 3), (1, 1))),  # a length-1 axis
]


@pytest.mark.parametrize("mode", BORDERS)
@pytest.mark.parametrize("shape,pads", PAD_CASES, ids=[f"{s}-{p}" for s, p in PAD_CASES])
def test_pad(engine, mode, shape, pads):
    host = _host(shape)
    for dtype in float_dtypes(engine):
        (x,) = _engine_arrays(engine, dtype, host)
        got = engine.eng.pad(x, pads, mode)
        _close(engine, got, ref.pad(engine.xp, x, pads, mode), dtype, exact=True)
        _close(engine, got, np_pad(host.astype(dtype), pads, mode), dtype, exact=True)


def test_pad_constant_value(engine):
    host = _host((2, 2, 3, 4))
    dtype = float_dtypes(engine)[0]
    (x,) = _engine_arrays(engine, dtype, host)
    pads = ((1, 2), (3, 0))
    got = engine.eng.pad(x, pads, "constant", -math.inf)
    _close(engine, got, np_pad(host.astype(dtype), pads, "constant", -np.inf), dtype, exact=True)
    _close(engine, got, ref.pad(engine.xp, x, pads, "constant", -math.inf), dtype, exact=True)


def test_pad_oracles_agree_with_numpy_reflect():
    # the tiled-mirror oracle is NumPy's reflect where NumPy's is one period at most
    a = _host((5, 6))
    for pads in (((4, 1), (5, 2)), ((1, 3), (0, 5))):
        np.testing.assert_array_equal(np_pad(a, pads, "reflect"), np.pad(a, pads, mode="reflect"))


# -- correlate -------------------------------------------------------------------------------
CORR_CASES = [
    # (image shape, kernel shape (leading 1 = shared, B = per sample), stride)
    ((2, 3, 13), (1, 3), 1),
    ((2, 3, 13), (2, 4), 1),
    ((2, 3, 13), (1, 5), 2),
    ((2, 3, 9, 11), (1, 3, 3), 1),
    ((2, 3, 9, 11), (1, 4, 4), 1),
    ((2, 3, 9, 11), (1, 2, 5), 1),
    ((2, 3, 9, 11), (1, 1, 3), 1),
    ((2, 3, 9, 11), (2, 3, 5), 1),
    ((2, 3, 9, 11), (2, 4, 2), 1),
    ((2, 3, 9, 11), (1, 3, 3), 2),
    ((2, 3, 9, 11), (2, 5, 4), 3),
    ((2, 2, 3, 4), (1, 5, 5), 1),  # kernel wider than the image
    ((2, 2, 3, 4), (2, 7, 6), 1),
    ((2, 2, 5, 6, 7), (1, 3, 3, 3), 1),
    ((2, 2, 5, 6, 7), (2, 2, 3, 4), 1),
    ((2, 2, 5, 6, 7), (1, 3, 2, 3), 2),
    ((2, 3, 2, 7, 8), (1, 3, 3), 1),  # extra leading axis (B, C, K, H, W) with a 2D kernel
    ((2, 3, 2, 7, 8), (2, 3, 4), 1),
]


@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize(
    "shape,kshape,stride", CORR_CASES, ids=[f"{s}-{k}-s{t}" for s, k, t in CORR_CASES]
)
def test_correlate(engine, border, shape, kshape, stride):
    host, khost = _host(shape), _host(kshape, seed=1, low=-1.0)
    want = ndi_correlate(host, khost, border, stride)
    for dtype in float_dtypes(engine):
        x, k = _engine_arrays(engine, dtype, host, khost)
        got = engine.eng.correlate(x, k, border, stride)
        _close(engine, got, ref.correlate(engine.xp, x, k, border, stride), dtype)
        _close(engine, got, want.astype(dtype), dtype)


SEP_CASES = [
    ((2, 3, 9, 11), ((1, 3), (1, 5))),
    ((2, 3, 9, 11), ((1, 4), (1, 2))),
    ((2, 3, 9, 11), ((2, 3), (2, 6))),
    ((2, 3, 9, 11), (None, (1, 3))),
    ((2, 3, 9, 11), ((1, 5), None)),
    ((2, 2, 3, 4), ((1, 7), (1, 5))),
    ((2, 2, 5, 6, 7), ((1, 3), None, (2, 4))),
    ((2, 2, 5, 6, 7), ((1, 2), (1, 3), (1, 5))),
    ((2, 3, 13), ((2, 5),)),
]


@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("shape,kshapes", SEP_CASES, ids=[f"{s}-{k}" for s, k in SEP_CASES])
def test_correlate_separable(engine, border, shape, kshapes):
    host = _host(shape)
    khosts = [None if s is None else _host(s, seed=2 + i, low=-1.0) for i, s in enumerate(kshapes)]
    want = host
    for i, k in enumerate(khosts):  # oracle: 1D scipy correlations per axis and sample
        if k is not None:
            shape_i = [k.shape[0]] + [1] * len(kshapes)
            shape_i[i + 1] = k.shape[1]
            want = ndi_correlate(want, k.reshape(shape_i), border)
    for dtype in float_dtypes(engine):
        (x,) = _engine_arrays(engine, dtype, host)
        ks = tuple(None if k is None else engine.asarray(k.astype(dtype)) for k in khosts)
        got = engine.eng.correlate_separable(x, ks, border)
        _close(engine, got, ref.correlate_separable(engine.xp, x, ks, border), dtype)
        _close(engine, got, want.astype(dtype), dtype)


BANK_CASES = [
    ((2, 3, 9, 11), (2, 3, 3)),
    ((2, 3, 9, 11), (3, 5, 5)),
    ((2, 2, 4, 5), (2, 2, 4)),
    ((1, 2, 4, 5, 6), (3, 3, 3, 3)),
]


@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("shape,kshape", BANK_CASES, ids=[f"{s}-{k}" for s, k in BANK_CASES])
def test_correlate_bank(engine, border, shape, kshape):
    if not hasattr(ref, "correlate_bank"):
        pytest.skip("no correlate_bank primitive")
    host, khost = _host(shape), _host(kshape, seed=3, low=-1.0)
    want = np.stack(
        [ndi_correlate(host, khost[i : i + 1], border) for i in range(kshape[0])], axis=2
    )
    norm = np.sqrt((want**2).sum(axis=2) + 1e-6)
    for dtype in float_dtypes(engine):
        x, k = _engine_arrays(engine, dtype, host, khost)
        got = engine.eng.correlate_bank(x, k, border)
        _close(engine, got, ref.correlate_bank(engine.xp, x, k, border), dtype)
        _close(engine, got, want.astype(dtype), dtype)
        got = engine.eng.correlate_bank_norm(x, k, border, 1e-6)
        _close(engine, got, ref.correlate_bank_norm(engine.xp, x, k, border, 1e-6), dtype)
        _close(engine, got, norm.astype(dtype), dtype)


# -- median, max pool, windows ---------------------------------------------------------------
MEDIAN_SIZES = [(3, 3), (5, 5), (3, 5), (2, 2), (4, 3), (1, 4), (3,), (4,), (3, 3, 3), (2, 3, 2)]


@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("size", MEDIAN_SIZES, ids=str)
def test_median_filter(engine, border, size):
    shape = (2, 3) + (7, 8, 9)[: len(size)]
    host = _host(shape)
    n = math.prod(size)
    full = (1, 1) + size
    origin = [0, 0] + [-1 if k % 2 == 0 else 0 for k in size]
    # oracle: scipy's rank filter at the lower middle rank, anchored at (k - 1) // 2
    want = ndi.rank_filter(
        host, (n - 1) // 2, size=full, mode=NDI_MODE[border], cval=0.0, origin=origin
    )
    for dtype in float_dtypes(engine):
        (x,) = _engine_arrays(engine, dtype, host)
        got = engine.eng.median_filter(x, size, border)
        _close(engine, got, ref.median_filter(engine.xp, x, size, border), dtype, exact=True)
        _close(engine, got, want.astype(dtype), dtype, exact=True)


def test_median_even_takes_lower_middle(engine):
    # a 2x2 window over {0, 1, 2, 3}: the lower middle is 1 (not 1.5, not 2)
    host = np.array([[[[0.0, 1.0], [2.0, 3.0]]]])
    dtype = float_dtypes(engine)[0]
    (x,) = _engine_arrays(engine, dtype, host)
    got = engine.to_numpy(engine.eng.median_filter(x, (2, 2), "replicate"))
    assert got[0, 0, 0, 0] == 1.0


def np_max_pool(x, size, stride, padding):
    (kh, kw), (sh, sw), (ph, pw) = size, stride, padding
    xp_ = np.pad(x, [(0, 0)] * (x.ndim - 2) + [(ph, ph), (pw, pw)], constant_values=-np.inf)
    win = np.lib.stride_tricks.sliding_window_view(xp_, (kh, kw), axis=(-2, -1))
    return win[..., ::sh, ::sw, :, :].max(axis=(-1, -2))


POOL_CASES = [
    ((2, 2), (2, 2), (0, 0)),
    ((3, 3), (2, 2), (1, 1)),
    ((3, 2), (1, 2), (1, 0)),
    ((2, 3), (1, 1), (0, 1)),
    ((3, 3), (3, 3), (0, 0)),
]


@pytest.mark.parametrize("size,stride,padding", POOL_CASES, ids=str)
@pytest.mark.parametrize("shape", [(2, 3, 7, 9), (3, 6, 7), (2, 2, 2, 5, 6)], ids=str)
def test_max_pool(engine, size, stride, padding, shape):
    host = _host(shape, low=-1.0)
    want = np_max_pool(host, size, stride, padding)
    for dtype in float_dtypes(engine):
        (x,) = _engine_arrays(engine, dtype, host)
        got = engine.eng.max_pool(x, size, stride, padding)
        _close(engine, got, ref.max_pool(engine.xp, x, size, stride, padding), dtype, exact=True)
        _close(engine, got, want.astype(dtype), dtype, exact=True)


@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("size", [(3, 3), (2, 4), (5, 5), (3,), (2, 3, 2)], ids=str)
def test_sliding_windows(engine, border, size):
    shape = (2, 3) + (4, 5, 6)[: len(size)]
    host = _host(shape)
    padded = np_pad(host, _same_pads(size), border)
    axes = tuple(range(2, 2 + len(size)))
    win = np.lib.stride_tricks.sliding_window_view(padded, size, axis=axes)
    want = win.reshape(win.shape[: host.ndim] + (-1,))
    for dtype in float_dtypes(engine):
        (x,) = _engine_arrays(engine, dtype, host)
        got = engine.eng.sliding_windows(x, size, border)
        _close(engine, got, ref.sliding_windows(engine.xp, x, size, border), dtype, exact=True)
        _close(engine, got, want.astype(dtype), dtype, exact=True)


# -- OpenCV: used when on, and an oracle of filter2d --------------------------------------------
@pytest.mark.parametrize("border", ["constant", "reflect", "replicate"])
@pytest.mark.parametrize("ksize", [(3, 3), (5, 3), (1, 7)], ids=str)
def test_filter2d_matches_opencv(engine, border, ksize):
    cv2 = pytest.importorskip("cv2")
    import portvision as pv

    host, khost = _host((2, 3, 9, 11)), _host((1,) + ksize, seed=4, low=-1.0)
    cv_border = {
        "constant": cv2.BORDER_CONSTANT,
        "reflect": cv2.BORDER_REFLECT_101,
        "replicate": cv2.BORDER_REPLICATE,
    }[border]
    want = np.stack(
        [[cv2.filter2D(p, -1, khost[0], borderType=cv_border) for p in img] for img in host]
    )
    for dtype in float_dtypes(engine):
        x, k = _engine_arrays(engine, dtype, host, khost)
        _close(engine, pv.filters.filter2d(x, k, border_type=border), want.astype(dtype), dtype)


def test_numpy_engine_uses_opencv_when_on(engine, monkeypatch):
    if engine.id != "numpy" or engine.eng.cv2 is None:
        pytest.skip("the NumPy engine with OpenCV only")
    calls = []
    real = engine.eng.cv2

    class Spy:
        def __getattr__(self, name):
            attr = getattr(real, name)
            if callable(attr) and name in ("filter2D", "sepFilter2D", "medianBlur"):

                def wrapped(*a, **kw):
                    calls.append(name)
                    return attr(*a, **kw)

                return wrapped
            return attr

    monkeypatch.setattr(engine.eng, "cv2", Spy())
    x, k = _engine_arrays(engine, "float32", _host((1, 2, 9, 11)), _host((1, 3, 3), seed=5))
    engine.eng.correlate(x, k, "reflect")
    engine.eng.correlate_separable(x, (k[:, 0], k[:, 1]), "replicate")
    engine.eng.median_filter(x, (3, 3), "reflect")
    assert (
        calls.count("filter2D") == 2
        and calls.count("sepFilter2D") == 2
        and calls.count("medianBlur") == 2
    )


# -- fma ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "shapes",
    [
        ((2, 3, 4, 5), (2, 1, 4, 5), (2, 1, 4, 5)),  # the saturation blend's broadcasting
        ((2, 3, 4, 5), (2, 3, 4, 5), (2, 3, 4, 5)),
        ((2, 3, 4, 5), None, (2, 1, 4, 5)),  # b a Python number
        ((2, 3, 4, 5), (2, 1, 4, 5), None),  # c a Python number
        ((2, 1, 4, 5), (2, 3, 4, 5), (2, 3, 1, 1)),  # the result larger than a * b's operands
    ],
    ids=str,
)
def test_fma_is_a_times_b_plus_c(engine, shapes):
    """``fma`` against NumPy's float64 ``a * b + c``; inputs unchanged, ``a``'s dtype kept."""
    sa, sb, sc = shapes
    ha, hb, hc = _host(sa, 1, -1.0), _host(sb or (), 2, -1.0), _host(sc or (), 3, -1.0)
    b_num, c_num = (0.75 if sb is None else None), (-0.5 if sc is None else None)
    want = ha * (b_num if sb is None else hb) + (c_num if sc is None else hc)
    for dtype in float_dtypes(engine):
        a, b, c = _engine_arrays(engine, dtype, ha, hb, hc)
        got = engine.eng.fma(a, b_num if sb is None else b, c_num if sc is None else c)
        _close(engine, got, want.astype(dtype), dtype)
        np.testing.assert_array_equal(engine.to_numpy(a), ha.astype(dtype))
        if sc is not None:
            np.testing.assert_array_equal(engine.to_numpy(c), hc.astype(dtype))


def test_fma_gradients(torch):
    from portvision import backends

    eng = backends.get_engine("torch")
    args = [torch.rand(2, 3, 4, dtype=torch.float64, requires_grad=True) for _ in range(3)]
    assert torch.autograd.gradcheck(eng.fma, args, fast_mode=True)
    assert torch.autograd.gradcheck(lambda a, c: eng.fma(a, 0.3, c), (args[0], args[2]))


# -- compare_mask ----------------------------------------------------------------------------
_NP_COMPARISON = {
    "greater": np.greater,
    "greater_equal": np.greater_equal,
    "less": np.less,
    "less_equal": np.less_equal,
    "equal": np.equal,
    "not_equal": np.not_equal,
}


@pytest.mark.parametrize("op", sorted(_NP_COMPARISON))
@pytest.mark.parametrize("b_shape", [(2, 3, 4, 5), (2, 1, 4, 5), (1, 3, 1, 1), None], ids=str)
def test_compare_mask_is_the_comparison_as_floats(engine, op, b_shape):
    """``compare_mask`` against NumPy's comparison cast to float: ties, NaN and broadcasting;
    ``a``'s dtype kept, inputs unchanged."""
    ha = np.round(_host((2, 3, 4, 5), 4) * 4) / 4  # quarters: many ties with b
    ha[0, 0, 0, :2] = np.nan
    hb = None if b_shape is None else np.round(_host(b_shape, 5) * 4) / 4
    b_num = 0.5
    want_bool = _NP_COMPARISON[op](ha, b_num if hb is None else hb)
    assert want_bool.any() and not want_bool.all()
    for dtype in float_dtypes(engine):
        a = engine.asarray(ha.astype(dtype))
        b = b_num if hb is None else engine.asarray(hb.astype(dtype))
        got = engine.eng.compare_mask(a, b, op)
        _close(engine, got, want_bool.astype(dtype), dtype, exact=True)
        np.testing.assert_array_equal(engine.to_numpy(a), ha.astype(dtype))


def test_compare_mask_has_no_gradient_and_traces(torch):
    from portvision import backends

    eng = backends.get_engine("torch")
    a = torch.rand(2, 3, 4, dtype=torch.float64, requires_grad=True)
    m = eng.compare_mask(a, 0.5)
    assert not m.requires_grad and m.dtype == torch.float64
    assert torch.equal(m, (a > 0.5).to(torch.float64))
    torch._dynamo.reset()
    fn = torch.compile(lambda t: eng.compare_mask(t, 0.5, "less_equal"), backend="eager")
    assert torch.equal(fn(a.detach()), (a <= 0.5).to(torch.float64))


# -- clamped_power ---------------------------------------------------------------------------
@pytest.mark.parametrize("p, low", [(2.4, 0.0902), (1.0 / 3.0, 0.008856), (1.0 / 2.4, 0.0031308)])
def test_clamped_power_is_the_clamped_power(engine, p, low):
    """``clamped_power`` against NumPy's float64 ``maximum(x, low) ** p``: values below
    ``low`` (and negative ones) clamp, NaN propagates; dtype kept, input unchanged."""
    hx = _host((2, 3, 4, 5), 6, -0.5, 2.0)
    hx[0, 0, 0, 0] = np.nan
    want = np.maximum(hx, low) ** p
    for dtype in float_dtypes(engine):
        x = engine.asarray(hx.astype(dtype))
        got = engine.eng.clamped_power(x, p, low)
        tol = TOL[dtype] if dtype == "float64" else dict(rtol=1e-6, atol=0.0)
        host = engine.to_numpy(got)
        assert str(host.dtype) == dtype
        np.testing.assert_allclose(host.astype(np.float64), want, **tol)
        np.testing.assert_array_equal(engine.to_numpy(x), hx.astype(dtype))


def test_clamped_power_gradients(torch):
    from portvision import backends

    eng = backends.get_engine("torch")
    x = (torch.rand(2, 3, 4, dtype=torch.float64) + 0.2).requires_grad_(True)
    assert torch.autograd.gradcheck(lambda t: eng.clamped_power(t, 2.4, 0.1), (x,))
    with torch.no_grad():  # the in-place path leaves its input alone
        y = x.detach().clone()
        eng.clamped_power(y, 2.4, 0.1)
        assert torch.equal(y, x.detach())
