"""Losses: the error contract on every engine, hand-computed values, identities, gradients."""

from __future__ import annotations

import math

import numpy as np
import pytest

import portvision as pv

L = pv.losses


def _img(shape, seed=0):
    return np.random.default_rng(seed).uniform(0, 1, size=shape)


# -- error contract: same type and message on every engine -------------------------------
def _cases():
    img, img2 = _img((2, 3, 8, 9)), _img((2, 3, 8, 8), 1)
    logits, lab = _img((2, 3, 4, 5)), np.zeros((2, 4, 5), dtype=np.int64)
    bad_lab = lab + 3
    sig = _img((2, 12))
    return [
        (
            "mi-shape",
            L.mutual_information_loss,
            (sig, sig[:1]),
            {},
            ValueError,
            "target: expected the shape of input (2, 12), got (1, 12)",
        ),
        (
            "mi-bins",
            L.mutual_information_loss,
            (sig, sig),
            {"num_bins": 1},
            ValueError,
            "num_bins: expected an integer >= 2, got 1",
        ),
        (
            "mi-radius",
            L.normalized_mutual_information_loss,
            (sig, sig),
            {"window_radius": 0},
            ValueError,
            "window_radius: expected a positive finite number, got 0",
        ),
        (
            "mi-kernel",
            L.mutual_information_loss,
            (sig, sig),
            {"kernel_function": "box"},
            ValueError,
            "kernel_function: expected one of ['xu', 'rectangular', 'truncated_gaussian'], "
            "got 'box'",
        ),
        (
            "mi-mask",
            L.mutual_information_loss_2d,
            (sig[None], sig[None]),
            {"input_mask": np.ones((2, 11), dtype=bool)},
            ValueError,
            "input_mask: expected a bool or uint8 mask of shape (2, 12), got bool (2, 11)",
        ),
        (
            "mi-disjoint",
            L.mutual_information_loss,
            (sig, sig),
            {"input_mask": np.arange(12) < 6, "target_mask": np.arange(12) >= 6},
            ValueError,
            "input_mask: expected a position in common with target_mask, got none",
        ),
        (
            "mi-rank",
            L.mutual_information_loss_3d,
            (sig, sig),
            {},
            ValueError,
            "input: expected shape (*, D, H, W), got (2, 12)",
        ),
        (
            "ssim-shape",
            L.ssim_loss,
            (img, img2, 5),
            {},
            ValueError,
            "img2: expected the shape of img1 (2, 3, 8, 9), got (2, 3, 8, 8)",
        ),
        (
            "ssim-rank",
            L.ssim_loss,
            (img[0], img[0], 5),
            {},
            ValueError,
            "img1: expected shape (B, C, H, W), got (3, 8, 9)",
        ),
        (
            "ssim-window",
            L.ssim_loss,
            (img, img, 4),
            {},
            ValueError,
            "window_size: expected odd positive integers, got 4",
        ),
        (
            "ssim-reduction",
            L.ssim_loss,
            (img, img, 3),
            {"reduction": "avg"},
            ValueError,
            "reduction: expected one of ['none', 'mean', 'sum'], got 'avg'",
        ),
        (
            "ssim-padding",
            L.ssim_loss,
            (img, img, 3),
            {"padding": "full"},
            ValueError,
            "padding: expected one of ['same', 'valid'], got 'full'",
        ),
        (
            "ssim-maxval",
            L.ssim_loss,
            (img, img, 3),
            {"max_val": 0.0},
            ValueError,
            "max_val: expected a positive finite number, got 0.0",
        ),
        (
            "ssim3d-rank",
            L.ssim3d_loss,
            (img, img, 3),
            {},
            ValueError,
            "img1: expected shape (B, C, D, H, W), got (2, 3, 8, 9)",
        ),
        (
            "psnr-shape",
            L.psnr_loss,
            (img, img2, 1.0),
            {},
            ValueError,
            "target: expected the shape of image (2, 3, 8, 9), got (2, 3, 8, 8)",
        ),
        (
            "charbonnier-shape",
            L.charbonnier_loss,
            (img, img2),
            {},
            ValueError,
            "img2: expected the shape of img1 (2, 3, 8, 9), got (2, 3, 8, 8)",
        ),
        (
            "welsch-reduction",
            L.welsch_loss,
            (img, img),
            {"reduction": None},
            ValueError,
            "reduction: expected one of ['none', 'mean', 'sum'], got None",
        ),
        (
            "cauchy-reduction",
            L.cauchy_loss,
            (img, img),
            {"reduction": "batchmean"},
            ValueError,
            "reduction: expected one of ['none', 'mean', 'sum', None], got 'batchmean'",
        ),
        (
            "tv-reduction",
            L.total_variation,
            (img,),
            {"reduction": "none"},
            ValueError,
            "reduction: expected one of ['mean', 'sum'], got 'none'",
        ),
        (
            "tv-rank",
            L.total_variation,
            (img[0, 0, 0],),
            {},
            ValueError,
            "img: expected shape (*, H, W), got (9,)",
        ),
        (
            "smooth-hw",
            L.inverse_depth_smoothness_loss,
            (img[:, :1], img2),
            {},
            ValueError,
            "image: expected the (H, W) of idepth (8, 9), got shape (2, 3, 8, 8)",
        ),
        (
            "kl-shape",
            L.kl_div_loss_2d,
            (img, img2),
            {},
            ValueError,
            "target: expected the shape of pred (2, 3, 8, 9), got (2, 3, 8, 8)",
        ),
        (
            "js-reduction",
            L.js_div_loss_2d,
            (img, img),
            {"reduction": "batchmean"},
            ValueError,
            "reduction: expected one of ['none', 'mean', 'sum'], got 'batchmean'",
        ),
        (
            "focal-range",
            L.focal_loss,
            (logits, bad_lab, 0.5),
            {},
            ValueError,
            "target: expected labels in [0, 3) or -100 (ignore_index), got values such as 3",
        ),
        (
            "focal-shape",
            L.focal_loss,
            (logits, lab[:, :3], 0.5),
            {},
            ValueError,
            "target: expected shape (2, 4, 5) (B, *), got (2, 3, 5)",
        ),
        (
            "focal-dtype",
            L.focal_loss,
            (logits, lab * 1.0, 0.5),
            {},
            TypeError,
            "target: expected an integer dtype, got float64",
        ),
        (
            "focal-weight",
            L.focal_loss,
            (logits, lab, 0.5),
            {"weight": np.ones(4)},
            ValueError,
            "weight: expected shape (3,) (one value per class of pred), got (4,)",
        ),
        (
            "focal-reduction",
            L.focal_loss,
            (logits, lab, 0.5),
            {"reduction": "x"},
            ValueError,
            "reduction: expected one of ['none', 'mean', 'sum'], got 'x'",
        ),
        (
            "bfocal-shape",
            L.binary_focal_loss_with_logits,
            (logits, logits[:1]),
            {},
            ValueError,
            "target: expected the shape of pred (2, 3, 4, 5), got (1, 3, 4, 5)",
        ),
        (
            "dice-average",
            L.dice_loss,
            (logits, lab),
            {"average": "none"},
            ValueError,
            "average: expected one of ['micro', 'macro'], got 'none'",
        ),
        (
            "dice-range",
            L.dice_loss,
            (logits, lab - 1),
            {"ignore_index": None},
            ValueError,
            "target: expected labels in [0, 3), got values such as -1",
        ),
        (
            "tversky-rank",
            L.tversky_loss,
            (logits[0], lab, 0.5, 0.5),
            {},
            ValueError,
            "pred: expected shape (B, C, H, W), got (3, 4, 5)",
        ),
        (
            "hinge-channels",
            L.lovasz_hinge_loss,
            (logits, lab),
            {},
            ValueError,
            "pred: expected shape (B, 1, H, W), got (2, 3, 4, 5)",
        ),
        (
            "hinge-range",
            L.lovasz_hinge_loss,
            (logits[:, :1], lab + 2),
            {},
            ValueError,
            "target: expected labels in [0, 2), got values such as 2",
        ),
        (
            "softmax-range",
            L.lovasz_softmax_loss,
            (logits, bad_lab),
            {},
            ValueError,
            "target: expected labels in [0, 3), got values such as 3",
        ),
        (
            "softmax-classes",
            L.lovasz_softmax_loss,
            (logits[:, :1], lab),
            {},
            ValueError,
            "pred: expected shape (B, C, H, W) with C >= 2, got (2, 1, 4, 5)",
        ),
        (
            "one_hot-range",
            L.one_hot,
            (bad_lab, 3),
            {},
            ValueError,
            "labels: expected labels in [0, 3), got values such as 3",
        ),
        (
            "one_hot-classes",
            L.one_hot,
            (lab, 0),
            {},
            ValueError,
            "num_classes: expected an integer >= 1, got 0",
        ),
        (
            "one_hot-dtype",
            L.one_hot,
            (lab * 1.0, 3),
            {},
            TypeError,
            "labels: expected an integer dtype, got float64",
        ),
    ]


CASES = _cases()


@pytest.mark.parametrize(
    ("func", "args", "kwargs", "exc", "msg"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_error_contract(engine, func, args, kwargs, exc, msg):
    conv = lambda a: engine.asarray(a) if isinstance(a, np.ndarray) else a  # noqa: E731
    if engine.no_float64:
        conv = lambda a: (  # noqa: E731
            engine.asarray(a.astype(np.float32) if a.dtype == np.float64 else a)
            if isinstance(a, np.ndarray)
            else a
        )
        msg = msg.replace("float64", "float32")
    with pytest.raises(exc) as info:
        func(*map(conv, args), **{k: conv(v) for k, v in kwargs.items()})
    assert str(info.value) == msg


# -- hand-computed values and identities ------------------------------------------------
def test_robust_losses_closed_forms():
    r = np.array([0.0, 0.5, 1.0, 2.0, 10.0])
    z = np.zeros_like(r)
    np.testing.assert_allclose(L.charbonnier_loss(r, z), np.sqrt(r**2 + 1) - 1, rtol=1e-12)
    np.testing.assert_allclose(L.cauchy_loss(r, z), np.log(1 + r**2 / 2), rtol=1e-12)
    np.testing.assert_allclose(L.geman_mcclure_loss(r, z), 2 * r**2 / (r**2 + 4), rtol=1e-12)
    np.testing.assert_allclose(L.welsch_loss(r, z), 1 - np.exp(-(r**2) / 2), rtol=1e-12)
    # symmetric in the two arguments; tiny residuals keep full relative precision
    tiny = np.array([1e-9])
    assert float(L.charbonnier_loss(tiny, np.zeros(1))[0]) == pytest.approx(5e-19, rel=1e-9)
    assert float(L.welsch_loss(tiny, np.zeros(1))[0]) == pytest.approx(5e-19, rel=1e-9)
    np.testing.assert_array_equal(L.cauchy_loss(r, z), L.cauchy_loss(z, r))


def test_ssim_loss_identities():
    x = _img((1, 2, 9, 10))
    assert float(L.ssim_loss(x, x, 5)) == pytest.approx(0.0, abs=1e-10)
    # the map of "none" is the per-pixel loss; "mean" and "sum" reduce it
    m = L.ssim_loss(x, x[..., ::-1], 5, reduction="none")
    assert float(L.ssim_loss(x, x[..., ::-1], 5)) == pytest.approx(m.mean())
    assert float(L.ssim_loss(x, x[..., ::-1], 5, reduction="sum")) == pytest.approx(m.sum())
    assert m.min() >= 0 and m.max() <= 1


def test_psnr_loss_documented_value():
    # Kornia's docstring: 10 log10(4 / 0.2^2) = 20
    assert float(L.psnr_loss(np.ones(1), 1.2 * np.ones(1), 2.0)) == pytest.approx(-20.0)
    assert float(L.psnr_loss(np.ones(3), np.ones(3), 1.0)) == -math.inf


def test_total_variation_hand_computed():
    img = np.array([[[0.0, 1.0, 3.0], [2.0, 2.0, 2.0]]])
    # vertical |2-0| + |2-1| + |2-3| = 4; horizontal 1 + 2 + 0 + 0 = 3
    assert L.total_variation(img).tolist() == [7.0]
    assert L.total_variation(img, reduction="mean").tolist() == [4 / 3 + 3 / 4]
    assert L.total_variation(np.ones((2, 3, 4, 5), dtype=np.uint8)).dtype == np.float32


def test_divergences_hand_computed():
    p = np.array([[[[0.5, 0.5, 0.0, 0.0]]]])
    q = np.full((1, 1, 1, 4), 0.25)
    # KL(target || pred): target p has empty cells (0 log 0 = 0) -> log 2
    assert float(L.kl_div_loss_2d(q, p)) == pytest.approx(math.log(2))
    assert float(L.kl_div_loss_2d(p, q)) == math.inf  # pred 0 where target > 0
    assert float(L.js_div_loss_2d(p, p)) == pytest.approx(0.0, abs=1e-15)
    disjoint = np.array([[[[1.0, 0.0]]]]), np.array([[[[0.0, 1.0]]]])
    assert float(L.js_div_loss_2d(*disjoint)) == pytest.approx(math.log(2))


def test_focal_loss_hand_computed():
    logits = np.log(np.array([[0.2, 0.3, 0.5]]))
    out = L.focal_loss(logits, np.array([2]), alpha=0.25, gamma=2.0)
    want = 0.25 * 0.5**2 * -math.log(0.5)
    np.testing.assert_allclose(out, [[0.0, 0.0, want]], atol=1e-15)
    # class 0 is weighted by 1 - alpha
    out0 = L.focal_loss(logits, np.array([0]), alpha=0.25, gamma=0.0, reduction="sum")
    assert float(out0) == pytest.approx(0.75 * -math.log(0.2))
    # ignored pixels are 0 in every slice but still counted by "mean"
    two = np.concatenate([logits, logits])
    m = L.focal_loss(two, np.array([2, -100]), alpha=0.25, reduction="mean")
    assert float(m) == pytest.approx(want / 6)


def test_binary_focal_hand_computed():
    x = np.array([[1.0, -2.0]])
    t = np.array([[1.0, 0.0]])
    p = 1 / (1 + np.exp(-x))
    want = [
        0.25 * (1 - p[0, 0]) ** 2 * -np.log(p[0, 0]),
        0.75 * p[0, 1] ** 2 * -np.log(1 - p[0, 1]),
    ]
    np.testing.assert_allclose(L.binary_focal_loss_with_logits(x, t), [want], rtol=1e-12)
    # extreme logits stay finite (log-sigmoid without overflow)
    big = L.binary_focal_loss_with_logits(np.array([[800.0, -800.0]]), np.array([[0.0, 1.0]]))
    assert np.isfinite(big).all()


def test_dice_and_tversky_perfect_and_uniform():
    target = np.array([[[0, 1], [2, 1]]])
    perfect = 60.0 * (np.arange(3)[None, :, None, None] == target[:, None]) - 30.0
    assert float(L.dice_loss(perfect, target)) == pytest.approx(0.0, abs=1e-8)
    assert float(L.tversky_loss(perfect, target, 0.5, 0.5)) == pytest.approx(0.0, abs=1e-8)
    uniform = np.zeros((1, 3, 2, 2))
    # softmax 1/3 everywhere: micro Dice = 2 * (4/3) / (4 + 4) = 1/3
    assert float(L.dice_loss(uniform, target)) == pytest.approx(2 / 3)
    # a sample whose pixels are all ignored scores a macro loss of 1
    assert float(L.dice_loss(uniform, np.full((1, 2, 2), -100), average="macro")) == 1.0


def test_lovasz_hinge_hand_computed():
    # one image, two pixels: the Lovász extension of the Jaccard loss at the hinge errors
    pred = np.array([[[[0.5, 0.25]]]])
    target = np.array([[[1, 0]]])
    # errors: 1 - 0.5 = 0.5 (fg), 1 + 0.25 = 1.25 (bg); sorted: bg first -> J = 1 - 1/2,
    # then fg -> J = 1: loss = 1.25 * 0.5 + 0.5 * 0.5
    assert float(L.lovasz_hinge_loss(pred, target)) == pytest.approx(0.875)


def test_one_hot_device_and_dtype(torch):
    lab = torch.tensor([[0, 2]])
    out = L.one_hot(lab, 3, torch.device("cpu"), torch.float64)
    assert out.dtype == torch.float64 and out.shape == (1, 3, 2)
    assert out[0, :, 1].tolist() == [0.0, 0.0, 1.0]


def test_focal_loss_gradient_at_saturation(torch):
    """p_t == 1 (huge margin): the loss is 0 and its gradient finite (Kornia's guard)."""
    x = torch.tensor([[60.0, -60.0]], dtype=torch.float64, requires_grad=True)
    loss = L.focal_loss(x, torch.tensor([0]), alpha=None, gamma=0.5, reduction="sum")
    loss.backward()
    assert torch.isfinite(x.grad).all()


def test_gradcheck_with_ignore_index(torch):
    rng = np.random.default_rng(3)
    x = torch.tensor(rng.normal(size=(2, 3, 3, 4)), requires_grad=True)
    t = torch.tensor(np.where(rng.random((2, 3, 4)) < 0.3, -100, rng.integers(0, 3, (2, 3, 4))))
    for fn in (
        lambda p: L.focal_loss(p, t, 0.25, reduction="mean"),
        lambda p: L.dice_loss(p, t, average="macro"),
        lambda p: L.tversky_loss(p, t, 0.3, 0.7),
    ):
        assert torch.autograd.gradcheck(fn, (x,), eps=1e-6, atol=1e-6)
