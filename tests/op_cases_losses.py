"""Conformance cases of ``portvision.losses``: SSIM/PSNR losses, robust losses, smoothness,
divergences, focal / Dice / Tversky / Lovász losses and ``one_hot``."""

from __future__ import annotations

import numpy as np
from op_case import Case, image

IMG = (2, 3, 9, 11)
VOL = (2, 2, 5, 6, 7)


def pair(shape=IMG, *args, noise=0.2, **kw):
    """Two correlated images (the second a noisy copy of the first) and extra args."""

    def build(rng, dt):
        a = image(rng, shape, dt)
        b = np.clip(a + rng.normal(0.0, noise, size=shape), 0.0, 1.0).astype(dt)
        return (a, b, *args), dict(kw)

    return build


def logits_labels(shape=(2, 4, 5, 6), ignore=False, extra=(), **kw):
    """Logits ``(B, C, *)`` and integer labels ``(B, *)`` (some ``-100`` with ``ignore``)."""

    def build(rng, dt):
        b, c = shape[:2]
        pred = rng.normal(0.0, 2.0, size=shape).astype(dt)
        target = rng.integers(0, c, size=(b,) + tuple(shape[2:])).astype("int64")
        if ignore:
            target = np.where(rng.random(target.shape) < 0.25, -100, target)
        return (pred, target, *extra), dict(kw)

    return build


def with_weight(shape=(2, 4, 5, 6), name="weight", **kw):
    def build(rng, dt):
        args, kwargs = logits_labels(shape, **kw)(rng, dt)
        kwargs[name] = rng.uniform(0.5, 2.0, size=shape[1]).astype(dt)
        return args, kwargs

    return build


def binary(shape=(2, 3, 4, 5), ignore=False, **kw):
    def build(rng, dt):
        pred = rng.normal(0.0, 2.0, size=shape).astype(dt)
        target = rng.uniform(0.0, 1.0, size=shape).astype(dt)
        if ignore:
            target = np.where(rng.random(shape) < 0.25, -100.0, target).astype(dt)
        kwargs = dict(kw)
        for k in ("pos_weight", "weight"):
            if kwargs.get(k) == "random":
                kwargs[k] = rng.uniform(0.5, 2.0, size=shape[1]).astype(dt)
        return (pred, target), kwargs

    return build


def hinge(shape=(3, 1, 5, 6)):
    def build(rng, dt):
        pred = rng.normal(0.0, 2.0, size=shape).astype(dt)
        target = rng.integers(0, 2, size=(shape[0],) + shape[2:]).astype("int64")
        return (pred, target), {}

    return build


def heatmaps(shape=(2, 3, 4, 5), zeros=False, **kw):
    def build(rng, dt):
        out = []
        for k in range(2):
            h = rng.uniform(0.1, 1.0, size=shape)
            if zeros and k == 1:  # zero cells in the target: finite KL, exactly 0 terms
                h = np.where(rng.random(shape) < 0.3, 0.0, h)
            out.append((h / h.sum(axis=(-2, -1), keepdims=True)).astype(dt))
        return tuple(out), dict(kw)

    return build


def depth(shape=(2, 1, 6, 7), guide=(2, 3, 6, 7)):
    def build(rng, dt):
        return (image(rng, shape, dt, 0.1, 1.0), image(rng, guide, dt)), {}

    return build


def labels(shape=(2, 3, 4), c=5, **kw):
    def build(rng, dt):
        return (rng.integers(0, c, size=shape).astype("int64"), c), dict(kw)

    return build


def single(shape=IMG, **kw):
    return lambda rng, dt: ((image(rng, shape, dt, -1.0, 2.0),), dict(kw))


def mi(shape=(2, 5, 6), masks=0, **kw):
    """A signal and a non-linear function of it (+ noise); ``masks``: 1 input, 2 both."""

    def build(rng, dt):
        x = rng.uniform(0, 1, size=shape)
        y = np.sin(3 * x) + 0.1 * rng.uniform(size=shape)
        kwargs = dict(kw)
        tail = shape[1:]
        if masks >= 1:
            kwargs["input_mask"] = rng.random(tail) < 0.7
        if masks >= 2:
            kwargs["target_mask"] = rng.random(tail) < 0.8
        return (x.astype(dt), y.astype(dt)), kwargs

    return build


F32_MI = {"float32": (2e-4, 2e-5)}
F32_SSIM = {"float32": (1e-4, 5e-5)}
NONE = ("none",)

CASES = [
    # SSIM losses and PSNR
    Case("ssim_loss", pair(IMG, 5), grad=(0, 1), batched=(), tol=F32_SSIM),
    Case(
        "ssim_loss",
        pair(IMG, 3, reduction="none"),
        id="none",
        grad=(0, 1),
        batched=(0, 1),
        tol=F32_SSIM,
    ),
    Case(
        "ssim_loss",
        pair((1, 2, 12, 13), 11, reduction="sum", padding="valid", max_val=2.0),
        id="valid-sum-11",
        grad=(0, 1),
        batched=(),
        tol=F32_SSIM,
    ),
    Case("ssim3d_loss", pair(VOL, 3), grad=(0, 1), batched=(), tol=F32_SSIM),
    Case(
        "ssim3d_loss",
        pair(VOL, 3, reduction="none", padding="valid"),
        id="none-valid",
        grad=(0, 1),
        batched=(0, 1),
        tol=F32_SSIM,
    ),
    Case("psnr_loss", pair(IMG, 1.0), grad=(0, 1), batched=()),
    # robust losses
    *[
        Case(op, pair(IMG, noise=1.5), grad=(0, 1), batched=(0, 1))
        for op in ("charbonnier_loss", "cauchy_loss", "geman_mcclure_loss", "welsch_loss")
    ],
    *[
        Case(op, pair((4, 5), noise=1.5, reduction=r), id=r, grad=(0, 1), batched=())
        for op in ("charbonnier_loss", "cauchy_loss", "geman_mcclure_loss", "welsch_loss")
        for r in ("mean", "sum")
    ],
    # smoothness
    Case("total_variation", single(), batched=(0,)),
    Case("total_variation", single((3, 9, 11), reduction="mean"), id="mean-chw"),
    Case("total_variation", single((9, 1)), id="one-column", batched=()),
    Case("inverse_depth_smoothness_loss", depth(), grad=(0, 1), batched=()),
    # divergences
    Case("kl_div_loss_2d", heatmaps(), grad=(0, 1), batched=()),
    Case("kl_div_loss_2d", heatmaps(reduction="none"), id="none", grad=(0, 1), batched=(0, 1)),
    Case(
        "kl_div_loss_2d",
        heatmaps(zeros=True, reduction="sum"),
        id="zeros-sum",
        grad=(0,),
        batched=(),
    ),
    Case("js_div_loss_2d", heatmaps(), grad=(0, 1), batched=()),
    Case(
        "js_div_loss_2d",
        heatmaps(zeros=True, reduction="none"),
        id="zeros-none",
        grad=(0,),
        batched=(0, 1),
    ),
    # focal losses
    Case("focal_loss", logits_labels(extra=(0.25,)), batched=(0, 1)),
    Case(
        "focal_loss",
        logits_labels(extra=(None,), ignore=True, reduction="mean", gamma=1.5),
        id="ignore-mean",
        batched=(),
    ),
    Case(
        "focal_loss",
        with_weight(extra=(0.5,), reduction="sum", gamma=0.0),
        id="weight-sum",
        batched=(),
    ),
    Case("focal_loss", logits_labels((3, 5), extra=(0.25,)), id="2d", batched=(0, 1)),
    Case("binary_focal_loss_with_logits", binary(), batched=(0, 1)),
    Case(
        "binary_focal_loss_with_logits",
        binary(ignore=True, reduction="mean", alpha=None),
        id="ignore-mean",
        batched=(),
    ),
    Case(
        "binary_focal_loss_with_logits",
        binary(reduction="sum", pos_weight="random", weight="random", gamma=1.0),
        id="weights-sum",
        batched=(),
    ),
    # overlap losses
    Case("dice_loss", logits_labels(), batched=()),
    Case("dice_loss", logits_labels(ignore=True, average="macro"), id="macro-ignore", batched=()),
    Case("dice_loss", with_weight(average="micro", ignore=True), id="micro-weight", batched=()),
    Case("dice_loss", with_weight(average="macro"), id="macro-weight", batched=()),
    Case("tversky_loss", logits_labels(extra=(0.3, 0.7)), batched=()),
    Case(
        "tversky_loss",
        logits_labels(ignore=True, extra=(0.5, 0.5), eps=1e-6),
        id="ignore",
        batched=(),
    ),
    # Lovász
    Case("lovasz_hinge_loss", hinge(), batched=()),
    Case("lovasz_softmax_loss", logits_labels((2, 3, 4, 5)), batched=()),
    Case("lovasz_softmax_loss", with_weight((2, 3, 4, 5)), id="weight", batched=()),
    Case(
        "lovasz_softmax_loss",
        lambda rng, dt: (
            (rng.normal(size=(1, 3, 4, 5)).astype(dt), rng.integers(0, 3, size=(2, 4, 5))),
            {},
        ),
        id="shared-pred",
        batched=(),
    ),
    # mutual information
    Case(
        "mutual_information_loss", mi((3, 40), num_bins=8), batched=(0, 1), grad=(0, 1), tol=F32_MI
    ),
    Case(
        "mutual_information_loss_2d",
        mi(masks=2, num_bins=12),
        id="masks",
        batched=(0, 1),
        grad=(0, 1),
        tol=F32_MI,
    ),
    Case(
        "mutual_information_loss_2d",
        mi(kernel_function="rectangular", num_bins=6),
        id="rectangular",
        batched=(0, 1),
        grad=(),
        tol=F32_MI,
    ),
    Case(
        "mutual_information_loss_3d",
        mi(
            (2, 3, 4, 5),
            masks=1,
            num_bins=10,
            kernel_function="truncated_gaussian",
            window_radius=1.5,
        ),
        id="masked-gaussian",
        batched=(0, 1),
        grad=(0, 1),
        tol=F32_MI,
    ),
    Case(
        "normalized_mutual_information_loss",
        mi((3, 40), num_bins=8),
        batched=(0, 1),
        grad=(0, 1),
        tol=F32_MI,
    ),
    Case(
        "normalized_mutual_information_loss_2d",
        mi(masks=2, num_bins=12),
        id="masks",
        batched=(0, 1),
        grad=(0, 1),
        tol=F32_MI,
    ),
    Case(
        "normalized_mutual_information_loss_3d",
        mi((1, 3, 4, 5), num_bins=16),
        grad=(0, 1),
        tol=F32_MI,
    ),
    # one_hot
    Case("one_hot", labels(), grad=(), exact=True, batched=(0,)),
    Case("one_hot", labels((6,), 3, eps=0.1), id="eps", grad=(), batched=(0,)),
]
