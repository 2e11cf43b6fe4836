"""Every loss against Kornia 0.9 in float64 (the oracle), on every engine.

Each row builds host NumPy inputs; Kornia runs on torch CPU tensors of them, portvision on
the engine's arrays. Rows cover the variants: reductions, ``weight``, ``ignore_index``,
``padding``, ``alpha``/``gamma``.
"""

from __future__ import annotations

import numpy as np
import pytest

import portvision as pv

RNG = np.random.default_rng(7)


def _img(shape, lo=0.0, hi=1.0):
    return RNG.uniform(lo, hi, size=shape)


def _pair(shape, noise=0.2):
    a = _img(shape)
    return a, np.clip(a + RNG.normal(0, noise, size=shape), 0, 1)


def _logits(shape):
    return RNG.normal(0, 2, size=shape)


def _labels(shape, c, ignore=False):
    t = RNG.integers(0, c, size=shape)
    return np.where(RNG.random(shape) < 0.2, -100, t) if ignore else t


def _heat(shape, zeros=False):
    h = _img(shape, 0.1, 1.0)
    if zeros:
        h = np.where(RNG.random(shape) < 0.3, 0.0, h)
    return h / h.sum(axis=(-2, -1), keepdims=True)


A, B = _pair((2, 3, 12, 13))
V1, V2 = _pair((1, 2, 7, 8, 9))
R1, R2 = _img((2, 3, 5, 6), -3, 3), _img((2, 3, 5, 6), -3, 3)
P4, T4 = _logits((2, 4, 6, 7)), _labels((2, 6, 7), 4)
TI = _labels((2, 6, 7), 4, ignore=True)
W4 = RNG.uniform(0.5, 2.0, size=4)
BP, BT = _logits((2, 3, 4, 5)), _img((2, 3, 4, 5))
BTI = np.where(RNG.random(BT.shape) < 0.2, -100.0, BT)
H1, H2, H0 = _heat((2, 3, 4, 5)), _heat((2, 3, 4, 5)), _heat((2, 3, 4, 5), zeros=True)
HP, HT = _logits((3, 1, 5, 6)), _labels((3, 5, 6), 2)
D, G = _img((2, 1, 6, 7), 0.1, 1.0), _img((2, 3, 6, 7))

# (id, name, args, kwargs): the same call on both libraries
ROWS = [
    ("ssim", "ssim_loss", (A, B, 11), {}),
    ("ssim-5-none", "ssim_loss", (A, B, 5), {"reduction": "none"}),
    ("ssim-valid-sum", "ssim_loss", (A, B, 7), {"reduction": "sum", "padding": "valid"}),
    ("ssim-maxval-eps0", "ssim_loss", (A * 2, B * 2, 3), {"max_val": 2.0, "eps": 0.0}),
    ("ssim3d", "ssim3d_loss", (V1, V2, 5), {}),
    ("ssim3d-valid-none", "ssim3d_loss", (V1, V2, 3), {"padding": "valid", "reduction": "none"}),
    ("psnr", "psnr_loss", (A, B, 1.0), {}),
    *[
        (f"{n}-{r}", f"{n}_loss", (R1, R2), {"reduction": r})
        for n in ("charbonnier", "cauchy", "geman_mcclure", "welsch")
        for r in ("none", "mean", "sum")
    ],
    ("tv", "total_variation", (R1,), {}),
    ("tv-mean", "total_variation", (R1,), {"reduction": "mean"}),
    ("tv-chw", "total_variation", (R1[0],), {}),
    ("depth-smooth", "inverse_depth_smoothness_loss", (D, G), {}),
    ("kl", "kl_div_loss_2d", (H1, H2), {}),
    ("kl-none-zeros", "kl_div_loss_2d", (H1, H0), {"reduction": "none"}),
    ("js", "js_div_loss_2d", (H1, H2), {"reduction": "sum"}),
    ("js-zeros", "js_div_loss_2d", (H0, H1), {"reduction": "none"}),
    ("focal", "focal_loss", (P4, T4, 0.25), {}),
    ("focal-mean-ignore", "focal_loss", (P4, TI, None), {"reduction": "mean", "gamma": 1.5}),
    ("focal-sum-weight", "focal_loss", (P4, TI, 0.5), {"reduction": "sum", "weight": W4}),
    ("focal-noignore", "focal_loss", (P4, T4, 0.5), {"ignore_index": None, "gamma": 0.0}),
    ("bfocal", "binary_focal_loss_with_logits", (BP, BT), {}),
    ("bfocal-ignore", "binary_focal_loss_with_logits", (BP, BTI), {"reduction": "mean"}),
    (
        "bfocal-weights",
        "binary_focal_loss_with_logits",
        (BP, BT),
        {"reduction": "sum", "alpha": None, "gamma": 1.0, "pos_weight": W4[:3], "weight": W4[1:]},
    ),
    ("dice", "dice_loss", (P4, T4), {}),
    ("dice-macro-ignore", "dice_loss", (P4, TI), {"average": "macro"}),
    ("dice-micro-weight", "dice_loss", (P4, TI), {"weight": W4}),
    ("dice-macro-weight", "dice_loss", (P4, T4), {"average": "macro", "weight": W4}),
    ("tversky", "tversky_loss", (P4, T4, 0.3, 0.7), {}),
    ("tversky-ignore", "tversky_loss", (P4, TI, 0.5, 0.5), {"eps": 1e-6}),
    ("lovasz-hinge", "lovasz_hinge_loss", (HP, HT), {}),
    ("lovasz-softmax", "lovasz_softmax_loss", (P4, T4), {}),
    ("lovasz-softmax-weight", "lovasz_softmax_loss", (P4, T4), {"weight": W4}),
    ("lovasz-softmax-shared", "lovasz_softmax_loss", (P4[:1], T4), {}),
]


MX = _img((2, 5, 6))
MY = np.sin(3 * MX) + 0.1 * _img((2, 5, 6))
MM1, MM2 = RNG.random((5, 6)) < 0.7, RNG.random((5, 6)) < 0.8
MI_ROWS = [
    ("mi", "mutual_information_loss", (MX.reshape(2, -1), MY.reshape(2, -1)), {}),
    ("mi-2d-masks", "mutual_information_loss_2d", (MX, MY, MM1, MM2), {"num_bins": 16}),
    ("mi-2d-target-mask", "mutual_information_loss_2d", (MX, MY, None, MM2), {}),
    ("mi-3d", "mutual_information_loss_3d", (MX[None], MY[None]), {"window_radius": 2.0}),
    ("nmi", "normalized_mutual_information_loss", (MX[0, 0], MY[0, 0]), {"num_bins": 4}),
    ("nmi-2d-mask", "normalized_mutual_information_loss_2d", (MX, MY, MM1), {}),
    ("nmi-3d", "normalized_mutual_information_loss_3d", (MX[None], MY[None]), {}),
]


MI_CASES = [
    pytest.param(*r[1:], k, id=f"{r[0]}-{k}")
    for r in MI_ROWS
    for k in (["xu", "rectangular", "truncated_gaussian"] if r[0] == "mi-2d-masks" else ["xu"])
]


@pytest.mark.parametrize(("name", "args", "kwargs", "kernel"), MI_CASES)
def test_mutual_information_matches_kornia(kornia, torch, engine, name, args, kwargs, kernel):
    """Kornia's ``MIKernel`` members are accepted as they are; our names give the same."""
    if engine.no_float64:
        pytest.skip("a float64 oracle comparison")
    kw = dict(kwargs, kernel_function=getattr(kornia.losses.MIKernel, kernel))
    want = _kornia_value(kornia, torch, name, args, kw)
    conv = lambda a: engine.asarray(a) if isinstance(a, np.ndarray) else a  # noqa: E731
    for k in (kw["kernel_function"], kernel, getattr(pv.losses.MIKernel, kernel)):
        got = getattr(pv.losses, name)(*map(conv, args), **dict(kwargs, kernel_function=k))
        np.testing.assert_allclose(engine.to_numpy(got), want, rtol=1e-10, atol=1e-12)


def _kornia_value(kornia, torch, name, args, kwargs):
    conv = lambda a: torch.from_numpy(np.asarray(a)) if isinstance(a, np.ndarray) else a  # noqa: E731
    out = getattr(kornia.losses, name)(*map(conv, args), **{k: conv(v) for k, v in kwargs.items()})
    return out.numpy()


@pytest.mark.parametrize(
    ("name", "args", "kwargs"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS]
)
def test_matches_kornia_float64(kornia, torch, engine, name, args, kwargs):
    if engine.no_float64:
        pytest.skip("a float64 oracle comparison (float32 runs: conformance suite)")
    want = _kornia_value(kornia, torch, name, args, kwargs)
    conv = lambda a: engine.asarray(a) if isinstance(a, np.ndarray) else a  # noqa: E731
    got = getattr(pv.losses, name)(*map(conv, args), **{k: conv(v) for k, v in kwargs.items()})
    got = engine.to_numpy(got)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_one_hot_matches_kornia(kornia, torch, engine):
    lab = RNG.integers(0, 5, size=(2, 3, 4))
    want = kornia.losses.one_hot(torch.from_numpy(lab), 5, torch.device("cpu"), torch.float64)
    got = pv.losses.one_hot(engine.asarray(lab), 5, dtype="float32")
    np.testing.assert_array_equal(engine.to_numpy(got), want.numpy())
    want = kornia.losses.one_hot(torch.from_numpy(lab), 5, torch.device("cpu"), torch.float64, 0.1)
    got = pv.losses.one_hot(engine.asarray(lab), 5, None, "float32", eps=0.1)
    assert str(got.dtype).endswith("float32")
    np.testing.assert_allclose(engine.to_numpy(got), want.numpy(), rtol=1e-6)


def test_float32_close_to_kornia_float64(kornia, torch):
    """The float32 SSIM loss on torch stays within float32 rounding of the float64 oracle."""
    a, b = A.astype(np.float32), B.astype(np.float32)
    want = kornia.losses.ssim_loss(torch.from_numpy(A), torch.from_numpy(B), 11).item()
    for x, y in ((a, b), (torch.from_numpy(a), torch.from_numpy(b))):
        got = pv.losses.ssim_loss(x, y, 11)
        assert str(got.dtype).endswith("float32")
        assert abs(float(got) - want) < 1e-6
