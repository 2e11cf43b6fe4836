"""Metrics against scikit-image and hand-computed cases; the error contract on every engine."""

from __future__ import annotations

import math

import numpy as np
import pytest

import portvision as pv

M = pv.metrics


# -- scikit-image --------------------------------------------------------------------------
@pytest.fixture
def skm():
    return pytest.importorskip("skimage.metrics")


@pytest.mark.parametrize("data_range", [1.0, 255.0])
def test_ssim_matches_skimage_on_the_interior(skm, engine, data_range):
    """skimage (gaussian_weights, sigma 1.5, population covariance) filters with scipy's
    ``reflect`` (edge repeated) where Kornia/portvision mirror without repeating it, and
    averages the map cropped by its window radius 5: on that interior the maps are equal
    (``window_size=11``, ``eps=0``). The ``valid`` map is exactly that interior."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0, data_range, size=(2, 3, 20, 23))
    y = np.clip(x + rng.normal(0, 0.2 * data_range, size=x.shape), 0, data_range)
    dt = "float32" if engine.no_float64 else "float64"
    tol = 2e-5 if dt == "float32" else 1e-10
    ours = M.ssim(engine.asarray(x, dt), engine.asarray(y, dt), 11, data_range, eps=0.0)
    valid = M.ssim(
        engine.asarray(x, dt), engine.asarray(y, dt), 11, data_range, 0.0, padding="valid"
    )
    ours, valid = engine.to_numpy(ours), engine.to_numpy(valid)
    np.testing.assert_array_equal(valid, ours[..., 5:-5, 5:-5])
    for b in range(2):
        mean, full = skm.structural_similarity(
            x[b],
            y[b],
            gaussian_weights=True,
            sigma=1.5,
            use_sample_covariance=False,
            data_range=data_range,
            channel_axis=0,
            full=True,
        )
        np.testing.assert_allclose(valid[b], full[:, 5:-5, 5:-5], rtol=tol, atol=tol)
        assert float(valid[b].mean()) == pytest.approx(mean, rel=tol, abs=tol)


def test_ssim_border_convention_differs_from_skimage(skm):
    """Pin the documented difference: the border rows use a mirrored window."""
    rng = np.random.default_rng(1)
    x, y = rng.uniform(size=(1, 1, 16, 16)), rng.uniform(size=(1, 1, 16, 16))
    ours = M.ssim(x, y, 11, eps=0.0)[0, 0]
    _, full = skm.structural_similarity(
        x[0, 0],
        y[0, 0],
        gaussian_weights=True,
        sigma=1.5,
        use_sample_covariance=False,
        data_range=1.0,
        full=True,
    )
    assert not np.allclose(ours[0], full[0])
    np.testing.assert_allclose(ours[5:-5, 5:-5], full[5:-5, 5:-5], rtol=1e-10)


def test_psnr_matches_skimage(skm, engine):
    rng = np.random.default_rng(2)
    x = rng.integers(0, 256, size=(3, 17, 19)).astype(np.uint8)
    y = np.clip(x + rng.normal(0, 9, size=x.shape), 0, 255).astype(np.uint8)
    want = skm.peak_signal_noise_ratio(x, y, data_range=255)
    got = M.psnr(engine.asarray(x), engine.asarray(y), 255.0)
    assert str(got.dtype).endswith("float32")
    assert float(got) == pytest.approx(want, rel=1e-6)


def test_psnr_pools_the_batch():
    a = np.zeros((2, 4))
    b = np.concatenate([np.zeros((1, 4)), np.full((1, 4), 0.1)])
    # one MSE over both images: 0.005, not the mean of per-image PSNRs (inf)
    assert float(M.psnr(a, b, 1.0)) == pytest.approx(10 * math.log10(1 / 0.005))
    assert float(M.psnr(a, a, 1.0)) == math.inf


def test_ssim_identities():
    rng = np.random.default_rng(3)
    x, y = rng.uniform(size=(2, 2, 9, 10)), rng.uniform(size=(2, 2, 9, 10))
    np.testing.assert_allclose(M.ssim(x, x, 5), 1.0, atol=1e-9)
    np.testing.assert_array_equal(M.ssim(x, y, 5), M.ssim(y, x, 5))
    # flat identical images: 1 - eps / ((2 mu^2 + c1) c2 + eps) (Kornia's documented bias)
    flat = np.zeros((1, 1, 6, 6))
    assert float(M.ssim(flat, flat, 3)[0, 0, 0, 0]) == pytest.approx(
        1 - 1e-12 / (1e-4 * 9e-4 + 1e-12)
    )
    vol = rng.uniform(size=(1, 1, 6, 7, 8))
    np.testing.assert_allclose(M.ssim3d(vol, vol, 3), 1.0, atol=1e-9)


def test_ssim_computed_plane_by_plane_equals_whole(engine, monkeypatch):
    """NumPy engines filter large batches a few planes at a time (cache): the same map and
    losses as one pass (other engines always make one pass)."""
    import portvision.metrics.quality as quality

    rng = np.random.default_rng(4)
    dt = "float32" if engine.no_float64 else "float64"
    x, y = rng.uniform(size=(2, 3, 9, 10)), rng.uniform(size=(2, 3, 9, 10))
    v, w = rng.uniform(size=(1, 2, 5, 6, 7)), rng.uniform(size=(1, 2, 5, 6, 7))
    args = [engine.asarray(a, dt) for a in (x, y, v, w)]

    def run():
        return [
            M.ssim(args[0], args[1], 5, padding="valid"),
            M.ssim3d(args[2], args[3], 3),
            pv.losses.ssim_loss(args[0], args[1], 5, padding="valid"),
            pv.losses.ssim_loss(args[0], args[1], 3, reduction="sum"),
            pv.losses.ssim3d_loss(args[2], args[3], 3, padding="valid"),
        ]

    whole = run()
    monkeypatch.setattr(quality, "_CHUNK_ELEMS", 1)  # one plane per step (NumPy engines)
    parts = run()
    for a, b in zip(whole, parts, strict=True):
        assert tuple(b.shape) == tuple(a.shape)
        np.testing.assert_allclose(engine.to_numpy(b), engine.to_numpy(a), rtol=1e-6, atol=1e-7)


def test_ssim_loss_gradcheck_plane_by_plane(torch, monkeypatch):
    import portvision.metrics.quality as quality

    monkeypatch.setattr(quality, "_CHUNK_ELEMS", 1)
    rng = np.random.default_rng(5)
    x = torch.tensor(rng.uniform(size=(2, 2, 7, 8)), requires_grad=True)
    y = torch.tensor(rng.uniform(size=(2, 2, 7, 8)), requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda a, b: pv.losses.ssim_loss(a, b, 5), (x, y), fast_mode=True
    )


# -- hand-computed label metrics ---------------------------------------------------------
def test_confusion_matrix_hand_computed(engine):
    pred = np.array([[0, 1, 1, 2, 2, 2], [2, 2, 2, 2, 0, 1]])
    target = np.array([[0, 1, 2, 2, 2, 0], [2, 2, 2, 2, 1, 0]])
    want = np.array(
        [
            [[1, 0, 1], [0, 1, 0], [0, 1, 2]],  # cm[target, pred]
            [[0, 1, 0], [1, 0, 0], [0, 0, 4]],
        ],
        dtype=np.float32,
    )
    got = M.confusion_matrix(engine.asarray(pred), engine.asarray(target), 3)
    assert str(got.dtype).endswith("float32")
    np.testing.assert_array_equal(engine.to_numpy(got), want)
    norm = engine.to_numpy(
        M.confusion_matrix(engine.asarray(pred), engine.asarray(target), 3, normalized=True)
    )
    np.testing.assert_allclose(norm, want / (want.sum(2, keepdims=True) + 1e-6), rtol=1e-6)


def test_mean_iou_hand_computed(engine):
    pred = np.array([[0, 1, 1, 2, 2, 2]])
    target = np.array([[0, 1, 2, 2, 2, 0]])
    # class 0: TP 1, FP 0, FN 1 -> 1/2; class 1: TP 1, FP 1 -> 1/2; class 2: TP 2, FP 1, FN 1
    # -> 2/4; class 3 absent from both -> (0 + eps) / (0 + eps) = 1
    got = engine.to_numpy(M.mean_iou(engine.asarray(pred), engine.asarray(target), 4))
    np.testing.assert_allclose(got, [[0.5, 0.5, 0.5, 1.0]], rtol=1e-5)


def test_accuracy_hand_computed(engine):
    pred = np.array([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3], [0.3, 0.3, 0.4], [0.2, 0.2, 0.6]])
    target = np.array([1, 2, 1, 1])
    # ranks of the target: 0, 1 (0.3 < 0.5), 2 (below 0.4 and tied with class 0 of lower
    # index), 2 (below 0.6, tied with class 0)
    got = M.accuracy(engine.asarray(pred.astype(np.float32)), engine.asarray(target), (1, 2, 3, 5))
    assert [float(g) for g in got] == [25.0, 50.0, 100.0, 100.0]


def test_box_iou_hand_computed():
    a = np.array([[0.0, 0.0, 2.0, 2.0]])
    b = np.array([[1.0, 1.0, 3.0, 3.0], [2.0, 2.0, 3.0, 3.0], [0.0, 0.0, 2.0, 2.0]])
    np.testing.assert_allclose(M.mean_iou_bbox(a, b), [[1 / 7, 0.0, 1.0]])
    # the same boxes as (x, y, w, h) and (cx, cy, w, h)
    np.testing.assert_allclose(
        M.mean_iou_bbox(np.array([[0, 0, 2, 2]]), np.array([[1, 1, 2, 2]]), "xywh"), [[1 / 7]]
    )
    np.testing.assert_allclose(
        M.mean_iou_bbox(np.array([[1, 1, 2, 2]]), np.array([[2, 2, 2, 2]]), "cxcywh"), [[1 / 7]]
    )


def test_mean_average_precision_hand_computed():
    box = np.array([[0.0, 0.0, 10.0, 10.0]])
    far = np.array([[50.0, 50.0, 60.0, 60.0]])
    # class 1: the best-scored detection is a false positive, the second hits the only object:
    # precision at recall 1 is 1/2 -> every 11-point level is 0.5
    m, ap = M.mean_average_precision(
        [np.concatenate([far, box])],
        [np.array([1, 1])],
        [np.array([0.9, 0.8])],
        [box],
        [np.array([1])],
        3,
    )
    assert ap[1] == pytest.approx(0.5) and ap[2] == -1.0
    assert float(m) == pytest.approx(0.5)
    # a duplicate detection of a matched object is a false positive
    m, ap = M.mean_average_precision(
        [np.concatenate([box, box])],
        [np.array([1, 1])],
        [np.array([0.9, 0.8])],
        [box],
        [np.array([1])],
        2,
    )
    assert ap[1] == pytest.approx(1.0)


def test_disparity_hand_computed():
    d = np.array([[1.0, 2.0], [10.0, 40.0]])
    gt = np.array([[1.5, 6.0], [10.0, 45.0]])
    mask = np.array([True, False])
    assert float(M.mean_absolute_disparity_error(d, gt)) == pytest.approx((0.5 + 4 + 0 + 5) / 4)
    assert float(M.mean_absolute_disparity_error(d, gt, mask)) == pytest.approx(0.25)
    assert float(M.root_mean_squared_disparity_error(d, gt)) == pytest.approx(
        math.sqrt((0.25 + 16 + 25) / 4)
    )
    assert float(M.mean_bad_pixel_error(d, gt)) == 0.5
    # D1: 4 > 3 and 4 > 0.3 (bad); 5 > 3 but 5 < 0.05 * 45 = 2.25? no: 5 > 2.25 (bad)
    assert float(M.kitti_d1_error(d, gt)) == 0.5
    assert float(M.kitti_d1_error(d, gt, rel_threshold=0.2)) == 0.25
    np.testing.assert_array_equal(
        M.mean_bad_pixel_error(d, gt, valid_mask=mask, reduction="none"), [[0, 0], [0, 0]]
    )


def test_pose_hand_computed():
    c, s = math.cos(math.radians(30)), math.sin(math.radians(30))
    rz = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    assert float(M.angle_error_mat(np.eye(3), rz)) == pytest.approx(30.0)
    assert float(M.angle_error_mat(np.eye(3), np.diag([1.0, -1.0, -1.0]))) == pytest.approx(180)
    assert float(M.angle_error_vec(np.array([1.0, 0, 0]), np.array([-2.0, 0, 0]))) == 180.0
    p = np.concatenate([np.eye(3), [[1.0], [0.0], [0.0]]], axis=1)
    q = np.concatenate([rz, [[-1.0], [0.0], [0.0]]], axis=1)
    errs = M.pose_errors(p, q)
    assert float(errs["t_err"][0]) == pytest.approx(0.0)  # folded: 180 -> 0
    assert float(M.pose_errors(p, q, fold_translation=False)["t_err"][0]) == 180.0
    assert float(errs["max_err"][0]) == pytest.approx(30.0)
    auc = M.auc_from_errors(np.array([1.0, 3.0]), (2, 4))
    # recall steps to 1/2 at 1 and to 1 at 3: area to 2 = 0.25 + 0.5; to 4 = 0.25 + 1.5 + 1
    assert auc[2.0] == pytest.approx(37.5) and auc[4.0] == pytest.approx(68.75)


def test_differentiable_metrics_have_finite_gradients_at_zero(torch):
    """Identical inputs: the guarded square roots give 0 gradients (Kornia's give NaN)."""
    x = torch.zeros((3, 2), dtype=torch.float64, requires_grad=True)
    M.aepe(x, torch.zeros((3, 2), dtype=torch.float64)).backward()
    assert torch.isfinite(x.grad).all()
    r = torch.eye(3, dtype=torch.float64, requires_grad=True)
    M.angle_error_mat(r, torch.eye(3, dtype=torch.float64)).backward()
    assert torch.isfinite(r.grad).all()


# -- error contract: same type and message on every engine -------------------------------
def _cases():
    img = np.zeros((2, 3, 8, 9))
    lab = np.zeros((2, 5), dtype=np.int64)
    box = np.array([[0.0, 0.0, 1.0, 1.0]])
    return [
        (
            "ssim-shape",
            M.ssim,
            (img, img[:1], 5),
            {},
            ValueError,
            "img2: expected the shape of img1 (2, 3, 8, 9), got (1, 3, 8, 9)",
        ),
        (
            "ssim-maxval",
            M.ssim,
            (img, img, 5),
            {"max_val": "1"},
            TypeError,
            "max_val: expected a real number, got str",
        ),
        (
            "ssim-window",
            M.ssim,
            (img, img, 0),
            {},
            ValueError,
            "window_size: expected odd positive integers, got 0",
        ),
        (
            "ssim3d-shape",
            M.ssim3d,
            (img[None], img[None, :1], 3),
            {},
            ValueError,
            "img2: expected the shape of img1 (1, 2, 3, 8, 9), got (1, 1, 3, 8, 9)",
        ),
        (
            "psnr-maxval",
            M.psnr,
            (img, img, -1.0),
            {},
            ValueError,
            "max_val: expected a positive finite number, got -1.0",
        ),
        (
            "confusion-range",
            M.confusion_matrix,
            (lab + 3, lab, 3),
            {},
            ValueError,
            "pred: expected labels in [0, 3), got values such as 3",
        ),
        (
            "confusion-negative",
            M.confusion_matrix,
            (lab, lab - 1, 3),
            {},
            ValueError,
            "target: expected labels in [0, 3), got values such as -1",
        ),
        (
            "confusion-classes",
            M.confusion_matrix,
            (lab, lab, 1),
            {},
            ValueError,
            "num_classes: expected an integer >= 2, got 1",
        ),
        (
            "confusion-shape",
            M.confusion_matrix,
            (lab, lab[:1], 3),
            {},
            ValueError,
            "target: expected the shape of pred (2, 5), got (1, 5)",
        ),
        (
            "confusion-float",
            M.confusion_matrix,
            (lab * 1.0, lab, 3),
            {},
            TypeError,
            "pred: expected an integer dtype, got float64",
        ),
        (
            "iou-range",
            M.mean_iou,
            (lab, lab + 7, 3),
            {},
            ValueError,
            "target: expected labels in [0, 3), got values such as 7",
        ),
        (
            "accuracy-range",
            M.accuracy,
            (img[0, 0, :3], lab[0, :3] + 9),
            {},
            ValueError,
            "target: expected labels in [0, 9), got values such as 9",
        ),
        (
            "accuracy-topk",
            M.accuracy,
            (img[0, 0, :3], lab[0, :3]),
            {"topk": (0,)},
            ValueError,
            "topk: expected positive integers, got (0,)",
        ),
        (
            "bbox-shape",
            M.mean_iou_bbox,
            (box[:, :3], box),
            {},
            ValueError,
            "boxes_1: expected shape (N, 4), got (1, 3)",
        ),
        (
            "bbox-empty",
            M.mean_iou_bbox,
            (box, box * 0),
            {},
            ValueError,
            "boxes_2: expected boxes of positive width and height, got an empty box",
        ),
        (
            "bbox-format",
            M.mean_iou_bbox,
            (box, box),
            {"box_format": "yxyx"},
            ValueError,
            "box_format: expected one of ['xyxy', 'xywh', 'cxcywh'], got 'yxyx'",
        ),
        (
            "aepe-shape",
            M.aepe,
            (img, img),
            {},
            ValueError,
            "input: expected shape (*, 2), got (2, 3, 8, 9)",
        ),
        (
            "aepe-reduction",
            M.aepe,
            (img[..., :2], img[..., :2]),
            {"reduction": "max"},
            ValueError,
            "reduction: expected one of ['none', 'mean', 'sum'], got 'max'",
        ),
        (
            "disp-mask",
            M.mean_absolute_disparity_error,
            (img, img),
            {"valid_mask": lab},
            ValueError,
            "valid_mask: expected a shape broadcastable to (2, 3, 8, 9), got (2, 5)",
        ),
        (
            "disp-int",
            M.kitti_d1_error,
            (lab, lab),
            {},
            TypeError,
            "input: expected a real floating dtype, got int64",
        ),
        (
            "disp-shape",
            M.mean_bad_pixel_error,
            (img, img[:1]),
            {},
            ValueError,
            "target: expected the shape of input (2, 3, 8, 9), got (1, 3, 8, 9)",
        ),
        (
            "pose-shape",
            M.pose_errors,
            (img[0, 0, :3, :3], img[0, 0, :3, :3]),
            {},
            ValueError,
            "P: expected shape (3, 4), (4, 4) or (B, 3|4, 4), got (3, 3)",
        ),
        (
            "angle-shape",
            M.angle_error_mat,
            (img[0, 0, :3, :4], img[0, 0, :3, :4]),
            {},
            ValueError,
            "R1: expected shape (*, 3, 3), got (3, 4)",
        ),
        (
            "ate-shape",
            M.translation_ate,
            (img[0, 0, 0, :3], img[0, 0, 0, :2]),
            {},
            ValueError,
            "t_gt: expected the shape of t (3,), got (2,)",
        ),
        (
            "auc-thresholds",
            M.auc_from_errors,
            (img[0, 0, 0],),
            {"thresholds": (0,)},
            ValueError,
            "thresholds: expected positive numbers, got (0,)",
        ),
        (
            "auc-negative",
            M.auc_from_errors,
            (img[0, 0, 0] - 1,),
            {},
            ValueError,
            "errors: expected non-negative values, got a negative error",
        ),
    ]


CASES = _cases()


@pytest.mark.parametrize(
    ("func", "args", "kwargs", "exc", "msg"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_error_contract(engine, func, args, kwargs, exc, msg):
    def conv(a):
        if not isinstance(a, np.ndarray):
            return a
        if engine.no_float64 and a.dtype == np.float64:
            a = a.astype(np.float32)
        return engine.asarray(a)

    if engine.no_float64:
        msg = msg.replace("float64", "float32")
    with pytest.raises(exc) as info:
        func(*map(conv, args), **{k: conv(v) for k, v in kwargs.items()})
    assert str(info.value) == msg


def test_mean_average_precision_errors():
    box = np.array([[0.0, 0.0, 1.0, 1.0]])
    lab = np.array([1])
    with pytest.raises(ValueError, match=r"pred_boxes: expected five per-image lists"):
        M.mean_average_precision([box], [lab], [np.ones(1)], [box, box], [lab], 2)
    with pytest.raises(ValueError, match=r"gt_labels\[0\]: expected integer labels in \[0, 2\)"):
        M.mean_average_precision([box], [lab], [np.ones(1)], [box], [lab + 5], 2)
    with pytest.raises(ValueError, match=r"pred_scores\[0\]: expected shape \(1,\), got \(2,\)"):
        M.mean_average_precision([box], [lab], [np.ones(2)], [box], [lab], 2)
