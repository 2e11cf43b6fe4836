"""Every metric against Kornia 0.9 in float64 (the oracle), on every engine."""

from __future__ import annotations

import numpy as np
import pytest

import portvision as pv

RNG = np.random.default_rng(11)


def _pair(shape, noise=0.2):
    a = RNG.uniform(0, 1, size=shape)
    return a, np.clip(a + RNG.normal(0, noise, size=shape), 0, 1)


def _rot(n):
    out = []
    for _ in range(n):
        q, r = np.linalg.qr(RNG.normal(size=(3, 3)))
        q = q * np.sign(np.diag(r))
        out.append(q * np.linalg.det(q))
    return np.stack(out)


def _boxes(n):
    xy = RNG.uniform(0, 10, size=(n, 2))
    return np.concatenate([xy, xy + RNG.uniform(1, 6, size=(n, 2))], axis=1)


A, B = _pair((2, 3, 12, 13))
V1, V2 = _pair((1, 2, 7, 8, 9))
LP = RNG.integers(0, 4, size=(3, 5, 6))
LT = np.where(RNG.random(LP.shape) < 0.5, LP, RNG.integers(0, 4, size=LP.shape))
S, ST = RNG.normal(size=(7, 5)), RNG.integers(0, 5, size=7)
B1, B2 = _boxes(3), _boxes(4)
F1, F2 = RNG.normal(size=(2, 4, 5, 2)), RNG.normal(size=(2, 4, 5, 2))
DG = RNG.uniform(1, 60, size=(2, 5, 6))
DP = DG + RNG.normal(0, 4, size=DG.shape)
DM = RNG.random((5, 6)) < 0.7
R1, R2 = _rot(4), _rot(4)
T1, T2 = RNG.normal(size=(4, 3)), RNG.normal(size=(4, 3))
P1 = np.concatenate([R1, T1[..., None]], axis=2)
P2 = np.concatenate([R2, T2[..., None]], axis=2)
E = RNG.uniform(0, 12, size=30)

ROWS = [
    ("ssim", "ssim", (A, B, 11), {}),
    ("ssim-valid", "ssim", (A, B, 5), {"padding": "valid", "eps": 0.0}),
    ("ssim-maxval", "ssim", (2 * A, 2 * B, 3), {"max_val": 2.0}),
    ("ssim3d", "ssim3d", (V1, V2, 5), {}),
    ("ssim3d-valid", "ssim3d", (V1, V2, 3), {"padding": "valid"}),
    ("psnr", "psnr", (A, B, 1.0), {}),
    ("confusion", "confusion_matrix", (LP, LT, 4), {}),
    ("confusion-norm", "confusion_matrix", (LP, LT, 4), {"normalized": True}),
    ("mean_iou", "mean_iou", (LP, LT, 5), {}),
    ("iou-bbox", "mean_iou_bbox", (B1, B2), {}),
    ("iou-bbox-xywh", "mean_iou_bbox", (B1, B2), {"box_format": "xywh"}),
    ("iou-bbox-cxcywh", "mean_iou_bbox", (B1, B2), {"box_format": "cxcywh"}),
    ("aepe", "aepe", (F1, F2), {}),
    ("aepe-none", "average_endpoint_error", (F1, F2), {"reduction": "none"}),
    ("aepe-sum", "aepe", (F1, F2), {"reduction": "sum"}),
    ("mad", "mean_absolute_disparity_error", (DP, DG), {}),
    ("mad-mask", "mean_absolute_disparity_error", (DP, DG), {"valid_mask": DM}),
    (
        "mad-none",
        "mean_absolute_disparity_error",
        (DP, DG),
        {"valid_mask": DM, "reduction": "none"},
    ),
    ("rmse", "root_mean_squared_disparity_error", (DP, DG), {"valid_mask": DM}),
    ("rmse-sum", "root_mean_squared_disparity_error", (DP, DG), {"reduction": "sum"}),
    ("rmse-none", "root_mean_squared_disparity_error", (DP, DG), {"reduction": "none"}),
    ("bad", "mean_bad_pixel_error", (DP, DG), {}),
    ("bad-1-mask", "mean_bad_pixel_error", (DP, DG, 1.0), {"valid_mask": DM}),
    ("d1", "kitti_d1_error", (DP, DG), {}),
    ("d1-mask-sum", "kitti_d1_error", (DP, DG, 2.0, 0.1), {"valid_mask": DM, "reduction": "sum"}),
    ("angle-mat", "angle_error_mat", (R1, R2), {}),
    ("angle-mat-same", "angle_error_mat", (R1, R1), {}),
    ("angle-vec", "angle_error_vec", (T1, T2), {}),
    ("ate", "translation_ate", (T1, T2), {}),
    ("ate-single", "translation_ate", (T1[0], T2[0]), {}),
]


def _convert(to, a):
    if isinstance(a, np.ndarray):
        return to(a)
    return a


def _host(x, to_numpy):
    if isinstance(x, (list, tuple)):
        return [_host(v, to_numpy) for v in x]
    if isinstance(x, dict):
        return {k: _host(v, to_numpy) for k, v in x.items()}
    return to_numpy(x) if not isinstance(x, (float, int)) else x


def _check(got, want):
    if isinstance(want, dict):
        assert sorted(got) == sorted(want)
        for k in want:
            _check(got[k], want[k])
    elif isinstance(want, list):
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            _check(g, w)
    else:
        got, want = np.asarray(got), np.asarray(want)
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    ("name", "args", "kwargs"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS]
)
def test_matches_kornia_float64(kornia, torch, engine, name, args, kwargs):
    if engine.no_float64:
        pytest.skip("a float64 oracle comparison (float32 runs: conformance suite)")
    tt = lambda a: _convert(torch.from_numpy, a)  # noqa: E731
    want = getattr(kornia.metrics, name)(*map(tt, args), **{k: tt(v) for k, v in kwargs.items()})
    ee = lambda a: _convert(engine.asarray, a)  # noqa: E731
    got = getattr(pv.metrics, name)(*map(ee, args), **{k: ee(v) for k, v in kwargs.items()})
    _check(_host(got, engine.to_numpy), _host(want, lambda t: t.numpy()))


def test_accuracy_matches_kornia(kornia, torch, engine):
    want = kornia.metrics.accuracy(torch.from_numpy(S), torch.from_numpy(ST), topk=(1, 2, 9))
    got = pv.metrics.accuracy(engine.asarray(S.astype(np.float32)), engine.asarray(ST), (1, 2, 9))
    assert [float(g) for g in got] == [float(w) for w in want]
    assert all(str(g.dtype).endswith("float32") for g in got)


@pytest.mark.parametrize("fold", [True, False])
def test_pose_errors_matches_kornia(kornia, torch, engine, fold):
    if engine.no_float64:
        pytest.skip("float64 oracle")
    want = kornia.metrics.pose_errors(torch.from_numpy(P1), torch.from_numpy(P2), fold)
    got = pv.metrics.pose_errors(engine.asarray(P1), engine.asarray(P2), fold)
    _check(_host(got, engine.to_numpy), _host(want, lambda t: t.numpy()))


def test_auc_from_errors_matches_kornia(kornia, torch, engine):
    if engine.no_float64:
        pytest.skip("float64 oracle")
    for thr in ((1, 3, 5, 10), 4.0, (0.5, 20)):
        want = kornia.metrics.auc_from_errors(torch.from_numpy(E), thr)
        got = pv.metrics.auc_from_errors(engine.asarray(E), thr)
        assert sorted(got) == sorted(want)
        for k in want:
            assert got[k] == pytest.approx(want[k], rel=1e-12, abs=1e-12)


def test_mean_average_precision_matches_kornia(kornia, torch, engine):
    if engine.no_float64:
        pytest.skip("float64 oracle")
    rng = np.random.default_rng(5)
    pb, pl, ps, gb, gl = [], [], [], [], []
    for _ in range(4):
        m = int(rng.integers(1, 5))
        xy = rng.uniform(0, 30, size=(m, 2))
        gt = np.concatenate([xy, xy + rng.uniform(3, 9, size=(m, 2))], axis=1)
        lab = rng.integers(1, 4, size=m)
        det = gt + rng.normal(0, 1.5, size=gt.shape)
        det[:, 2:] = np.maximum(det[:, 2:], det[:, :2] + 0.5)
        xy2 = rng.uniform(0, 30, size=(3, 2))
        det = np.concatenate([det, np.concatenate([xy2, xy2 + 4.0], axis=1)])
        pb.append(det)
        pl.append(np.concatenate([lab, rng.integers(1, 5, size=3)]))
        ps.append(rng.uniform(0, 1, size=m + 3))
        gb.append(gt)
        gl.append(lab)
    lists = (pb, pl, ps, gb, gl)
    want = kornia.metrics.mean_average_precision(
        *([torch.from_numpy(a) for a in v] for v in lists), 5
    )
    got = pv.metrics.mean_average_precision(*([engine.asarray(a) for a in v] for v in lists), 5)
    assert float(got[0]) == pytest.approx(float(want[0]), rel=1e-12)
    assert got[1] == pytest.approx(want[1], rel=1e-12)
    assert -1.0 in got[1].values()  # class 4 has no ground truth
