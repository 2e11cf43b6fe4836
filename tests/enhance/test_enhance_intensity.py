"""Point-wise adjustments and normalisation: Kornia 0.9 (float64) as the oracle, OpenCV's
``addWeighted``, documented values, analytic identities and the error contract."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import float_dtypes

import portvision as pv

E = pv.enhance


def _x(shape=(2, 3, 5, 6), seed=0, low=0.0, high=1.0):
    return np.random.default_rng(seed).uniform(low, high, size=shape)


def _tol(dtype):
    return dict(rtol=1e-5, atol=1e-6) if dtype == "float32" else dict(rtol=1e-10, atol=1e-12)


# name, positional args (numbers, or "vec" for a (B,) factor array), kwargs
KORNIA_CASES = [
    ("adjust_brightness", (0.3,), {}),
    ("adjust_brightness", ("vec",), {"clip_output": False}),
    ("adjust_brightness_accumulative", ("vec",), {}),
    ("adjust_contrast", (1.7,), {}),
    ("adjust_contrast", ("vec",), {"clip_output": False}),
    ("adjust_contrast_with_mean_subtraction", ("vec",), {}),
    ("adjust_gamma", (2.2, 0.8), {}),
    ("adjust_gamma", ("vec", "vec"), {}),
    ("adjust_log", (), {"gain": 1.3}),
    ("adjust_log", (), {"gain": 0.7, "inv": True, "clip_output": False}),
    ("adjust_sigmoid", (), {"cutoff": 0.4, "gain": 6.0}),
    ("adjust_sigmoid", (), {"inv": True}),
    ("solarize", (0.4, 0.1), {}),
    ("solarize", ("vec", "vec"), {}),
]


@pytest.mark.parametrize(("name", "args", "kwargs"), KORNIA_CASES)
def test_matches_kornia(engine, kornia, torch, name, args, kwargs):
    host = _x()
    vec = np.array([0.25, 0.4])

    def build(to):
        return [to(vec) if a == "vec" else a for a in args]

    want = getattr(kornia.enhance, name)(
        torch.from_numpy(host), *build(torch.from_numpy), **kwargs
    ).numpy()
    for dtype in float_dtypes(engine):
        got = getattr(E, name)(
            engine.asarray(host, dtype),
            *build(lambda v, d=dtype: engine.asarray(v, d)),
            **kwargs,
        )
        assert engine.to_numpy(got).dtype == np.dtype(dtype)
        np.testing.assert_allclose(engine.to_numpy(got), want, **_tol(dtype))


def test_invert_and_shift_rgb_match_kornia(engine, kornia, torch):
    host = _x()
    shifts = [np.array([0.1, -0.2]), np.array([0.0, 0.3]), np.array([-0.5, 0.05])]
    want_shift = kornia.enhance.shift_rgb(
        torch.from_numpy(host), *[torch.from_numpy(s) for s in shifts]
    ).numpy()
    want_inv = kornia.enhance.invert(torch.from_numpy(host)).numpy()
    for dtype in float_dtypes(engine):
        x = engine.asarray(host, dtype)
        got = E.shift_rgb(x, *[engine.asarray(s, dtype) for s in shifts])
        np.testing.assert_allclose(engine.to_numpy(got), want_shift, **_tol(dtype))
        np.testing.assert_allclose(engine.to_numpy(E.invert(x)), want_inv, **_tol(dtype))
    u8 = (host * 255).astype(np.uint8)
    got = engine.to_numpy(E.invert(engine.asarray(u8), engine.asarray(np.array(255, np.uint8))))
    np.testing.assert_array_equal(got, 255 - u8)


def test_add_weighted_matches_opencv(engine, cv2):
    a, b = _x((1, 1, 7, 9), 1), _x((1, 1, 7, 9), 2)
    want = cv2.addWeighted(a[0, 0], 0.3, b[0, 0], 0.6, 0.1)
    for dtype in float_dtypes(engine):
        got = E.add_weighted(engine.asarray(a, dtype), 0.3, engine.asarray(b, dtype), 0.6, 0.1)
        np.testing.assert_allclose(engine.to_numpy(got)[0, 0], want, **_tol(dtype))


def test_documented_values(engine):
    ones = engine.asarray(np.ones((1, 1, 2, 2), np.float32))
    np.testing.assert_array_equal(engine.to_numpy(E.adjust_contrast(ones, 0.5)), 0.5)
    np.testing.assert_array_equal(engine.to_numpy(E.adjust_brightness(ones, 1.0)), 1.0)
    np.testing.assert_array_equal(engine.to_numpy(E.adjust_gamma(ones, 1.0, 2.0)), 1.0)
    np.testing.assert_array_equal(engine.to_numpy(E.adjust_sigmoid(ones, gain=0)), 0.5)
    np.testing.assert_array_equal(
        engine.to_numpy(E.adjust_contrast_with_mean_subtraction(ones, 0.5)), 1.0
    )
    zeros = engine.asarray(np.zeros((1, 1, 2, 2), np.float32))
    np.testing.assert_array_equal(engine.to_numpy(E.adjust_log(zeros, inv=True)), 0.0)
    # Kornia's docstring: thresholds 0.5, additions 0.2 on [0.1, 0.4, 0.6, 0.9]
    x = engine.asarray(np.array([[[[0.1, 0.4, 0.6, 0.9]]]], np.float32))
    np.testing.assert_allclose(
        engine.to_numpy(E.solarize(x, 0.5, 0.2))[0, 0, 0], [0.3, 0.4, 0.2, 0.0], atol=1e-6
    )


def test_normalize_matches_kornia_and_inverts(engine, kornia, torch):
    host = _x((2, 3, 4, 5, 6), 3)
    mean, std = np.array([0.4, 0.5, 0.6]), np.array([0.2, 0.3, 0.25])
    per = np.random.default_rng(4).uniform(0.2, 0.7, (2, 3))
    t = torch.from_numpy
    want = kornia.enhance.normalize(t(host), t(mean), t(std)).numpy()
    want_per = kornia.enhance.denormalize(t(host), t(per), t(std)).numpy()
    want_mm = kornia.enhance.normalize_min_max(t(host[:, 0]), -1.0, 2.0).numpy()
    for dtype in float_dtypes(engine):
        x = engine.asarray(host, dtype)
        m, s = engine.asarray(mean, dtype), engine.asarray(std, dtype)
        got = E.normalize(x, m, s)
        np.testing.assert_allclose(engine.to_numpy(got), want, **_tol(dtype))
        back = E.denormalize(got, m, s)  # identity: denormalize inverts normalize
        np.testing.assert_allclose(engine.to_numpy(back), host, **_tol(dtype))
        got_per = E.denormalize(x, engine.asarray(per, dtype), s)
        np.testing.assert_allclose(engine.to_numpy(got_per), want_per, **_tol(dtype))
        got_mm = E.normalize_min_max(engine.asarray(host[:, 0], dtype), -1.0, 2.0)
        np.testing.assert_allclose(engine.to_numpy(got_mm), want_mm, **_tol(dtype))
        np.testing.assert_allclose(
            engine.to_numpy(E.normalize(x, 0.5, 0.25)), (host - 0.5) / 0.25, **_tol(dtype)
        )
    u8 = (host * 255).astype(np.uint8)
    got = E.normalize(engine.asarray(u8), 127.5, 127.5)
    assert engine.to_numpy(got).dtype == np.float32  # integer data: float32, not rescaled
    np.testing.assert_allclose(engine.to_numpy(got), (u8 - 127.5) / 127.5, rtol=1e-6, atol=1e-6)


def test_gradients_are_finite_at_clamps(engine, torch):
    if not engine.differentiable:
        pytest.skip("no autograd")
    x = torch.tensor([[[[0.0, 1.0, 0.5]]]], dtype=torch.float64, requires_grad=True)
    for fn in (
        lambda v: E.adjust_gamma(v, 0.5),
        lambda v: E.adjust_log(v),
        lambda v: E.adjust_brightness(v, 0.5),
    ):
        (g,) = torch.autograd.grad(fn(x).sum(), x)
        assert torch.isfinite(g[..., 1:]).all()


# -- the error contract: same type and message on every engine -----------------------------
def _raises(exc, match, fn, *args, **kwargs):
    with pytest.raises(exc, match=match):
        fn(*args, **kwargs)


def test_errors(engine):
    x = engine.asarray(_x((2, 3, 4, 4)), "float32")
    u8 = engine.asarray(np.zeros((2, 3, 4, 4), np.uint8))
    _raises(
        TypeError,
        r"^image: expected a real floating dtype \(images in \[0, 1\]\), got uint8$",
        E.adjust_brightness,
        u8,
        0.1,
    )
    _raises(
        TypeError, "^factor: expected a number or an array, got str$", E.adjust_brightness, x, "a"
    )
    _raises(
        ValueError,
        r"^factor: expected a shape that broadcasts to the input's \(2, 3, 4, 4\) "
        r"\(one value per image: shape \(B,\)\), got \(3,\)$",
        E.adjust_contrast,
        x,
        engine.asarray(np.ones(3, np.float32)),
    )
    _raises(
        ValueError,
        r"^factor: expected non-negative finite values, got -1\.0$",
        E.adjust_contrast,
        x,
        -1.0,
    )
    _raises(
        ValueError,
        r"^gamma: expected non-negative finite values, got \[-1\.0, 1\.0\]$",
        E.adjust_gamma,
        x,
        engine.asarray(np.array([-1.0, 1.0], np.float32)),
    )
    _raises(
        ValueError,
        r"^additions: expected values in \[-0.5, 0.5\], got 0.7$",
        E.solarize,
        x,
        0.5,
        0.7,
    )
    _raises(
        ValueError,
        r"^thresholds: expected a number or a 1-D array of shape \(2,\) "
        r"\(one value per image\), got shape \(3,\)$",
        E.solarize,
        x,
        engine.asarray(np.ones(3, np.float32)),
    )
    _raises(
        ValueError,
        r"^src2: expected the shape of src1 \(2, 3, 4, 4\), got \(1, 3, 4, 4\)$",
        E.add_weighted,
        x,
        0.5,
        x[:1, ...],
        0.5,
        0.0,
    )
    _raises(
        ValueError,
        r"^image: expected shape \(B, 3, H, W\), got \(3, 4, 4\)$",
        E.shift_rgb,
        x[0, ...],
        0.1,
        0.1,
        0.1,
    )
    _raises(
        ValueError,
        r"^mean: expected shape \(C,\), \(1, C\) or \(B, C\) with C = 3 and B = 2 "
        r"\(the data's\), got \(4,\)$",
        E.normalize,
        x,
        engine.asarray(np.ones(4, np.float32)),
        1.0,
    )
    _raises(TypeError, "^min_val: expected a float, got int$", E.normalize_min_max, x, 0, 1.0)
    _raises(
        ValueError,
        r"^input: expected shape \(\*, C, H, W\), got \(4,\)$",
        E.normalize_min_max,
        x[0, 0, 0, :],
    )
