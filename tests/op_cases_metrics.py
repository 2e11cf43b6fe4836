"""Conformance cases of ``portvision.metrics``: SSIM / PSNR, label metrics, box IoU and mAP,
flow and disparity errors, pose errors."""

from __future__ import annotations

import numpy as np
from op_case import Case, image

IMG = (2, 3, 9, 11)
VOL = (2, 2, 5, 6, 7)
F32_SSIM = {"float32": (1e-4, 5e-5)}


def pair(shape=IMG, *args, noise=0.2, **kw):
    def build(rng, dt):
        a = image(rng, shape, dt)
        b = np.clip(a + rng.normal(0.0, noise, size=shape), 0.0, 1.0).astype(dt)
        return (a, b, *args), dict(kw)

    return build


def int_pair(shape, *args, **kw):
    def build(rng, dt):
        a = rng.integers(0, 256, size=shape).astype("uint8")
        b = rng.integers(0, 256, size=shape).astype("uint8")
        return (a, b, *args), dict(kw)

    return build


def label_maps(shape=(2, 4, 5), k=4, dtype="int64", **kw):
    def build(rng, dt):
        pred = rng.integers(0, k, size=shape).astype(dtype)
        target = np.where(rng.random(shape) < 0.5, pred, rng.integers(0, k, size=shape))
        return (pred, target.astype(dtype), k), dict(kw)

    return build


def scores(b=6, c=5, ties=False, **kw):
    def build(rng, dt):
        pred = rng.normal(size=(b, c))
        if ties:
            pred = np.round(pred)  # many equal scores: the stable order decides
        return (pred.astype(dt), rng.integers(0, c, size=b)), dict(kw)

    return build


def boxes(n1=3, n2=4, **kw):
    def build(rng, dt):
        def make(n):
            xy = rng.uniform(0, 10, size=(n, 2))
            wh = rng.uniform(1, 6, size=(n, 2))
            return np.concatenate([xy, xy + wh], axis=1).astype(dt)

        b1, b2 = make(n1), make(n2)
        fmt = kw.get("box_format", "xyxy")
        if fmt != "xyxy":  # keep positive sizes in the other formats
            b1[:, 2:] -= b1[:, :2]
            b2[:, 2:] -= b2[:, :2]
        return (b1, b2), dict(kw)

    return build


def detections(n_images=3, n_classes=4):
    def build(rng, dt):
        pb, pl, ps, gb, gl = [], [], [], [], []
        for _ in range(n_images):
            m = int(rng.integers(1, 4))
            xy = rng.uniform(0, 20, size=(m, 2))
            gt = np.concatenate([xy, xy + rng.uniform(3, 8, size=(m, 2))], axis=1)
            lab = rng.integers(1, n_classes - 1, size=m)  # the last class has no ground truth
            # detections: jittered copies of the objects plus clutter
            jit = gt + rng.normal(0, 1.0, size=gt.shape)
            jit[:, 2:] = np.maximum(jit[:, 2:], jit[:, :2] + 0.5)
            xy2 = rng.uniform(0, 20, size=(2, 2))
            clutter = np.concatenate([xy2, xy2 + 3.0], axis=1)
            pb.append(np.concatenate([jit, clutter]).astype(dt))
            pl.append(np.concatenate([lab, rng.integers(1, n_classes, size=2)]).astype("int64"))
            ps.append(rng.uniform(0, 1, size=m + 2).astype(dt))
            gb.append(gt.astype(dt))
            gl.append(lab.astype("int64"))
        return (pb, pl, ps, gb, gl, n_classes), {}

    return build


def flows(shape=(2, 4, 5, 2), **kw):
    return lambda rng, dt: (
        (rng.normal(size=shape).astype(dt), rng.normal(size=shape).astype(dt)),
        dict(kw),
    )


def disparities(shape=(2, 5, 6), mask=None, **kw):
    def build(rng, dt):
        gt = rng.uniform(1.0, 60.0, size=shape)
        pred = gt + rng.normal(0.0, 4.0, size=shape)
        kwargs = dict(kw)
        if mask is not None:
            kwargs["valid_mask"] = rng.random(mask) < 0.7
        return (pred.astype(dt), gt.astype(dt)), kwargs

    return build


def rotations(b=3):
    def rot(rng):
        q, r = np.linalg.qr(rng.normal(size=(3, 3)))
        q = q * np.sign(np.diag(r))
        return q * np.linalg.det(q)

    def build(rng, dt):
        r1 = np.stack([rot(rng) for _ in range(b)])
        r2 = np.stack([rot(rng) for _ in range(b)])
        return (r1.astype(dt), r2.astype(dt)), {}

    return build


def vectors(shape=(4, 3)):
    return lambda rng, dt: (
        (rng.normal(size=shape).astype(dt), rng.normal(size=shape).astype(dt)),
        {},
    )


def poses(b=3, rows=3, **kw):
    def build(rng, dt):
        (r1, r2), _ = rotations(b)(rng, dt)
        out = []
        for r in (r1, r2):
            p = np.concatenate([r, rng.normal(size=(b, 3, 1))], axis=2)
            if rows == 4:
                p = np.concatenate([p, np.tile([[[0, 0, 0, 1.0]]], (b, 1, 1))], axis=1)
            out.append(p.astype(dt))
        return tuple(out), dict(kw)

    return build


def errors(n=20, **kw):
    return lambda rng, dt: ((rng.uniform(0, 12, size=n).astype(dt),), dict(kw))


CASES = [
    # quality
    Case("ssim", pair(IMG, 5), grad=(0, 1), batched=(0, 1), tol=F32_SSIM),
    Case(
        "ssim",
        pair((2, 1, 12, 13), 11, padding="valid", eps=0.0),
        id="valid-11",
        grad=(0, 1),
        batched=(0, 1),
        tol=F32_SSIM,
    ),
    Case(
        "ssim",
        pair((1, 2, 8, 9), 3, max_val=2.0, padding="VALID"),
        id="maxval",
        grad=(0, 1),
        tol=F32_SSIM,
    ),
    Case("ssim", int_pair((2, 1, 7, 8), 5, 255.0), id="uint8", grad=(), batched=(0, 1)),
    Case("ssim3d", pair(VOL, 3), grad=(0, 1), batched=(0, 1), tol=F32_SSIM),
    Case(
        "ssim3d",
        pair(VOL, 3, padding="valid"),
        id="valid",
        grad=(0, 1),
        batched=(0, 1),
        tol=F32_SSIM,
    ),
    Case("psnr", pair(IMG, 1.0), grad=(0, 1), batched=()),
    Case("psnr", int_pair((3, 4), 255.0), id="uint8", grad=(), batched=()),
    # labels
    Case("accuracy", scores(topk=(1, 2, 7)), grad=(), batched=(), out_dtype="float32"),
    Case(
        "accuracy",
        scores(ties=True, topk=(1, 3)),
        id="ties",
        grad=(),
        batched=(),
        out_dtype="float32",
    ),
    Case("confusion_matrix", label_maps(), exact=True, batched=(0, 1)),
    Case(
        "confusion_matrix",
        label_maps((3, 7), 3, "uint8", normalized=True),
        id="normalized-uint8",
        batched=(0, 1),
    ),
    Case("mean_iou", label_maps((2, 3, 4, 5), 5), batched=(0, 1)),
    # boxes
    Case("mean_iou_bbox", boxes(), batched=(0,)),
    Case("mean_iou_bbox", boxes(box_format="xywh"), id="xywh", batched=(0,)),
    Case("mean_iou_bbox", boxes(box_format="cxcywh"), id="cxcywh", batched=(0,)),
    Case("mean_average_precision", detections(), grad=(), batched=()),
    Case("mean_average_precision", detections(2, 3), id="small", grad=(), batched=(), seed=3),
    # flow and disparity
    Case("aepe", flows(), batched=(), grad=(0, 1)),
    Case("aepe", flows(reduction="none"), id="none", batched=(0, 1), grad=(0, 1)),
    Case("aepe", flows((5, 2), reduction="sum"), id="sum", batched=(), grad=(0, 1)),
    Case("average_endpoint_error", flows(reduction="none"), batched=(0, 1), grad=(0, 1)),
    Case("mean_absolute_disparity_error", disparities(), grad=(0, 1), batched=()),
    Case(
        "mean_absolute_disparity_error",
        disparities(mask=(5, 6), reduction="none"),
        id="mask-none",
        grad=(0, 1),
        batched=(0, 1),
    ),
    Case(
        "root_mean_squared_disparity_error",
        disparities(mask=(2, 5, 6)),
        id="mask",
        grad=(0, 1),
        batched=(),
    ),
    Case(
        "root_mean_squared_disparity_error",
        disparities(reduction="sum"),
        id="sum",
        grad=(0, 1),
        batched=(),
    ),
    Case("mean_bad_pixel_error", disparities(), grad=(), batched=()),
    Case(
        "mean_bad_pixel_error",
        disparities(mask=(6,), reduction="none", threshold=1.0),
        id="mask-none",
        grad=(),
        batched=(0, 1),
    ),
    Case("kitti_d1_error", disparities(), grad=(), batched=()),
    Case(
        "kitti_d1_error",
        disparities(mask=(1, 5, 6), reduction="sum", abs_threshold=2.0),
        id="mask-sum",
        grad=(),
        batched=(),
    ),
    # pose
    Case("angle_error_mat", rotations(), grad=(0, 1), batched=(0, 1)),
    Case("angle_error_vec", vectors(), grad=(0, 1), batched=(0, 1)),
    Case("translation_ate", vectors(), grad=(0, 1), batched=(0, 1)),
    Case("translation_ate", vectors((3,)), id="single", grad=(0, 1), batched=()),
    Case("pose_errors", poses(), grad=(0, 1), batched=(0, 1)),
    Case(
        "pose_errors",
        poses(2, 4, fold_translation=False),
        id="4x4-unfolded",
        grad=(0, 1),
        batched=(0, 1),
    ),
    Case("auc_from_errors", errors(), grad=(), batched=()),
    Case("auc_from_errors", errors(7, thresholds=4.0), id="one-threshold", grad=(), batched=()),
]
