"""The ``interpolate`` primitive: the pure array-API reference against torch's
``F.interpolate`` (the contract), every engine's override against the reference on the
same engine, and the OpenCV correspondences the NumPy engine relies on."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import float_dtypes
from portvision.backends import _reference_resize as ref

TOL = {"float64": dict(rtol=1e-9, atol=1e-11), "float32": dict(rtol=2e-5, atol=2e-6)}

# (spatial input shape, output size, mode, align_corners)
CASES = [
    ((7,), (12,), "linear", None),
    ((9,), (4,), "linear", True),
    ((9,), (4,), "nearest", None),
    ((9,), (3,), "area", None),
    ((6, 7), (11, 5), "bilinear", None),
    ((6, 7), (11, 5), "bilinear", True),
    ((9, 8), (3, 4), "bilinear", False),
    ((6, 7), (11, 5), "bicubic", None),
    ((6, 7), (13, 3), "bicubic", True),
    ((8, 12), (4, 4), "bicubic", None),
    ((6, 7), (11, 5), "nearest", None),
    ((6, 7), (12, 14), "nearest", None),
    ((6, 7), (4, 10), "nearest-exact", None),
    ((9, 8), (3, 4), "area", None),
    ((7, 9), (3, 5), "area", None),
    ((5, 4), (8, 9), "area", None),
    ((1, 5), (3, 1), "bilinear", None),
    ((8, 8), (8, 8), "bilinear", None),
    # whole shrinking factors (the torch engine's strided pair means): even, odd, mixed, 1
    ((12, 18), (6, 9), "bilinear", None),
    ((12, 18), (3, 6), "bilinear", False),
    ((9, 15), (3, 5), "bilinear", None),
    ((8, 8), (8, 4), "bilinear", None),
    ((12, 18), (4, 9), "bilinear", True),
    ((3, 4, 5), (5, 3, 7), "trilinear", None),
    ((3, 4, 5), (5, 3, 7), "trilinear", True),
    ((3, 4, 5), (5, 3, 7), "nearest", None),
    ((6, 4, 6), (3, 2, 2), "area", None),
]


def _ids(c):
    return f"{c[2]}-{'x'.join(map(str, c[0]))}-{'x'.join(map(str, c[1]))}-ac{c[3]}"


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_reference_matches_torch_interpolate(case, torch):
    shape, size, mode, ac = case
    x = np.random.default_rng(0).uniform(size=(2, 3) + shape)
    import array_api_compat.numpy as xp

    got = ref.interpolate(xp, x, size, mode, ac)
    want = torch.nn.functional.interpolate(
        torch.from_numpy(x), size=size, mode=mode, align_corners=ac
    ).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_engine_matches_reference(case, engine):
    shape, size, mode, ac = case
    for dtype in float_dtypes(engine):
        host = np.random.default_rng(1).uniform(size=(2, 3) + shape).astype(dtype)
        x = engine.asarray(host)
        got = engine.eng.interpolate(x, size, mode, ac)
        want = ref.interpolate(engine.xp, x, size, mode, ac)
        got, want = engine.to_numpy(got), engine.to_numpy(want)
        assert got.shape == want.shape and str(got.dtype) == dtype
        np.testing.assert_allclose(got, want, **TOL[dtype])


def test_reference_keeps_input_unchanged_and_copies(engine):
    host = np.arange(12.0, dtype="float32").reshape(1, 1, 3, 4)
    x = engine.asarray(host)
    out = engine.eng.interpolate(x, (3, 4), "nearest", None)
    np.testing.assert_array_equal(engine.to_numpy(out), host)
    assert out is not x
    np.testing.assert_array_equal(engine.to_numpy(x), host)


@pytest.mark.parametrize(
    "mode, flag, shape, size",
    [
        ("bilinear", "INTER_LINEAR", (13, 17), (29, 8)),
        ("bilinear", "INTER_LINEAR", (16, 16), (8, 8)),
        ("bicubic", "INTER_CUBIC", (13, 17), (29, 8)),
        ("area", "INTER_AREA", (12, 18), (4, 6)),
    ],
)
def test_reference_matches_opencv_resize(mode, flag, shape, size, cv2):
    """cv2.resize agrees with the contract for these float32 cases (the NumPy engine uses
    it for them).  Not for INTER_NEAREST: OpenCV rounds the source index of a float32
    image differently (``floor(dst * in / out)`` differs at exact multiples) and
    INTER_AREA upscaling / non-integer factors weigh by overlap, not adaptive pooling."""
    import array_api_compat.numpy as xp

    x = np.random.default_rng(2).uniform(size=shape).astype("float32")
    got = cv2.resize(x, size[::-1], interpolation=getattr(cv2, flag))
    want = ref.interpolate(xp, x[None, None], size, mode, None)[0, 0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=2e-6)


def test_reference_matches_torch_on_random_sizes(torch):
    """Property: any sizes and modes (nearest indices included: torch rounds its scale to
    float32, which the reference reproduces), on a ramp that makes every index visible."""
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies
    import array_api_compat.numpy as xp

    modes = st.sampled_from(["nearest", "nearest-exact", "linear", "area", "cubic"])

    @hypothesis.settings(max_examples=40, deadline=None)
    @hypothesis.given(st.integers(1, 300), st.integers(1, 300), modes, st.booleans())
    def check(n_in, n_out, mode, ac):
        x = np.arange(float(n_in))[None, None, :]
        if mode == "cubic":  # torch has no 1-D cubic: run it on (1, n) images
            x, size, m = x[..., None, :], (1, n_out), "bicubic"
        else:
            size, m = (n_out,), mode
        ac = ac if m in ("linear", "bicubic") else None
        got = ref.interpolate(xp, x, size, m, ac)
        want = torch.nn.functional.interpolate(
            torch.from_numpy(x), size=size, mode=m, align_corners=ac
        ).numpy()
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-9)

    check()


def test_torch_whole_shrink_is_taken_and_differentiable(torch):
    """The torch engine's strided pair means for whole bilinear factors: taken where they
    apply (and only there), equal to ``F.interpolate``, with its gradients."""
    from portvision import backends

    eng = backends.get_engine("torch")
    x = torch.rand(2, 3, 12, 20, dtype=torch.float64, requires_grad=True)
    for size in ((6, 10), (4, 5), (3, 20), (12, 4)):
        got = eng._bilinear_whole_shrink(x, size)
        want = torch.nn.functional.interpolate(x, size=size, mode="bilinear")
        assert got is not None and got.is_contiguous(), size
        torch.testing.assert_close(got, want, rtol=1e-12, atol=1e-14)
    for size in ((12, 20), (5, 10), (24, 40), (0, 5)):
        assert eng._bilinear_whole_shrink(x, size) is None, size
    fn = lambda t: eng.interpolate(t, (4, 10), "bilinear", None)  # noqa: E731
    assert torch.autograd.gradcheck(fn, (x,), fast_mode=True)
