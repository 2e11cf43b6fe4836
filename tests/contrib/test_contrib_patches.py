"""``extract_tensor_patches`` / ``combine_tensor_patches`` / ``compute_padding``: Kornia 0.9
oracle, documented values, round trips, warnings, the error contract; and the
``strided_windows`` primitive of every engine against its reference."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from portvision.backends import _reference_patches as refp

import portvision as pv

C = pv.contrib

VARIANTS = [
    dict(window_size=(3, 4), stride=(2, 3)),  # does not tile: warns, drops
    dict(window_size=(3, 4), stride=(2, 3), allow_auto_padding=True),
    dict(window_size=4, stride=4),
    dict(window_size=3, stride=1, padding=(1, 2)),
    dict(window_size=3, stride=2, padding=(1, 0, -1, 2)),
    dict(window_size=5, stride=2, allow_auto_padding=True),
]


@pytest.mark.parametrize("variant", range(len(VARIANTS)))
def test_extract_and_combine_match_kornia(engine, kornia, torch, variant):
    kw = VARIANTS[variant]
    x = np.random.default_rng(variant).uniform(size=(2, 3, 8, 10))
    dt = "float32" if engine.no_float64 else "float64"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = kornia.contrib.extract_tensor_patches(torch.from_numpy(x), **kw).numpy()
        got = C.extract_tensor_patches(engine.asarray(x.astype(dt)), **kw)
        np.testing.assert_array_equal(engine.to_numpy(got), want.astype(dt))
        ws, st = kw["window_size"], kw["stride"]
        if (st if isinstance(st, int) else max(st)) > (ws if isinstance(ws, int) else min(ws)):
            return
        back_kw = dict(
            allow_auto_unpadding=kw.get("allow_auto_padding", False),
            unpadding=kw.get("padding", 0),
        )
        want_img = kornia.contrib.combine_tensor_patches(
            torch.from_numpy(want), (8, 10), ws, st, **back_kw
        ).numpy()
        img = C.combine_tensor_patches(got, (8, 10), ws, st, **back_kw)
    np.testing.assert_allclose(engine.to_numpy(img), want_img, rtol=1e-6, atol=1e-6)


def test_documented_values():
    img = np.arange(9.0).reshape(1, 1, 3, 3)
    p = C.extract_tensor_patches(img, (2, 3))
    np.testing.assert_array_equal(p[:, -1], [[[[3.0, 4.0, 5.0], [6.0, 7.0, 8.0]]]])
    img = np.arange(12.0).reshape(1, 1, 4, 3)
    pad = C.compute_padding((4, 3), (3, 3))
    assert pad == (1, 1, 0, 0)
    out = C.extract_tensor_patches(img, (3, 3), (3, 3), padding=pad)
    np.testing.assert_array_equal(
        C.combine_tensor_patches(out, (4, 3), (3, 3), (3, 3), unpadding=pad), img
    )


def test_compute_padding_matches_kornia(kornia):
    for size, win, st in [
        ((4, 3), (3, 3), None),
        ((9, 11), (3, 4), (2, 3)),
        ((2, 3), 5, 2),
        (7, 2, 3),
        ((16, 16), 4, 4),
    ]:
        if st is not None and (st if isinstance(st, int) else max(st)) > 4:
            continue
        assert C.compute_padding(size, win, st) == kornia.contrib.compute_padding(size, win, st)


def test_round_trip_with_overlap_is_identity(engine):
    """Averaging overlapping patches of an image gives the image back (every pixel covered)."""
    x = np.random.default_rng(1).uniform(size=(1, 2, 9, 9)).astype("float32")
    p = C.extract_tensor_patches(engine.asarray(x), 3, 2)
    back = C.combine_tensor_patches(p, (9, 9), 3, 2)
    np.testing.assert_allclose(engine.to_numpy(back), x, rtol=1e-6)


def test_not_fitting_warns():
    x = np.zeros((1, 1, 5, 5))
    with pytest.warns(UserWarning, match="do not tile"):
        assert C.extract_tensor_patches(x, 2, 2).shape == (1, 4, 1, 2, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # padding given / fits: silent
        C.extract_tensor_patches(x, 5, 1)
        C.extract_tensor_patches(x, 2, 2, padding=(0, 1, 0, 1))


def test_strided_windows_primitive(engine):
    x = np.random.default_rng(2).uniform(size=(2, 3, 7, 9)).astype("float32")
    xe = engine.asarray(x)
    for size, stride in (((3, 4), (2, 3)), ((7, 1), (1, 1)), ((2, 2), (2, 2))):
        got = engine.to_numpy(engine.eng.strided_windows(xe, size, stride))
        ref = engine.to_numpy(refp.strided_windows(engine.xp, xe, size, stride))
        nh, nw = (7 - size[0]) // stride[0] + 1, (9 - size[1]) // stride[1] + 1
        want = np.empty((2, 3, nh, nw) + size, "float32")
        for a in range(nh):
            for b in range(nw):
                r, c = a * stride[0], b * stride[1]
                want[:, :, a, b] = x[:, :, r : r + size[0], c : c + size[1]]
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(ref, want)


def test_gradient_of_extract_is_the_overlap_count(torch):
    x = torch.zeros(1, 1, 5, 5, dtype=torch.float64, requires_grad=True)
    C.extract_tensor_patches(x, 3, 1).sum().backward()
    counts = np.array([1, 2, 3, 2, 1], float)
    np.testing.assert_array_equal(x.grad[0, 0].numpy(), np.outer(counts, counts))


def _errors(engine):
    x = engine.asarray(np.zeros((1, 2, 6, 6), "float32"))
    p = engine.asarray(np.zeros((1, 4, 2, 3, 3), "float32"))
    return [
        (
            lambda: C.extract_tensor_patches(engine.asarray(np.zeros((2, 6, 6), "float32")), 3),
            ValueError,
            "input: expected shape (B, C, H, W), got (2, 6, 6)",
        ),
        (
            lambda: C.extract_tensor_patches(x, 0),
            ValueError,
            "window_size: expected a positive integer or a pair of them, got 0",
        ),
        (
            lambda: C.extract_tensor_patches(x, 3, (1, -1)),
            ValueError,
            "stride: expected a positive integer or a pair of them, got (1, -1)",
        ),
        (
            lambda: C.extract_tensor_patches(x, 3, padding=(1, 2, 3)),
            ValueError,
            "padding: expected an int, (ph, pw) or (top, bottom, left, right) ints, got (1, 2, 3)",
        ),
        (
            lambda: C.extract_tensor_patches(x, 8, padding=(0, 1)),
            ValueError,
            "window_size: expected at most the (padded) image size (6, 8), got (8, 8)",
        ),
        (
            lambda: C.combine_tensor_patches(x, (6, 6), 3, 3),
            ValueError,
            "patches: expected shape (B, N, C, kh, kw), got (1, 2, 6, 6)",
        ),
        (
            lambda: C.combine_tensor_patches(p, (6, 6), 3, 4),
            ValueError,
            "stride: expected at most window_size (3, 3), got (4, 4)",
        ),
        (
            lambda: C.combine_tensor_patches(p, (6, 9), 3, 3),
            ValueError,
            "patches: expected 6 patches of size (3, 3) for the padded size (6, 9)",
        ),
        (
            lambda: C.compute_padding((4, -1), 3),
            ValueError,
            "original_size: expected a non-negative integer or a pair of them, got (4, -1)",
        ),
    ]


def test_error_contract(engine):
    for fn, exc, msg in _errors(engine):
        with pytest.raises(exc) as info:
            fn()
        assert str(info.value).startswith(msg), (str(info.value), msg)


def test_output_never_aliases_the_input(engine):
    """Windows whose reshape needs no copy (full rows, one window, stride-1 row tiles)."""
    x = np.random.default_rng(3).uniform(size=(1, 2, 4, 8)).astype("float32")
    for ws, st in (((2, 8), 1), ((4, 8), 1), ((1, 4), (1, 4))):
        xe = engine.asarray(x)
        out = C.extract_tensor_patches(xe, ws, st)
        host = engine.to_numpy(out).copy()
        if engine.name in ("numpy", "torch"):
            out[...] = 0.0  # writeable, and writing it leaves the input alone
            np.testing.assert_array_equal(engine.to_numpy(xe), x)
        assert host.shape[1] == ((4 - (ws[0])) // (st if isinstance(st, int) else st[0]) + 1) * (
            (8 - ws[1]) // (st if isinstance(st, int) else st[1]) + 1
        )
