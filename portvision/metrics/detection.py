"""Detection metrics: pairwise box IoU (``mean_iou_bbox``) and VOC07 ``mean_average_precision``."""

from __future__ import annotations

from typing import Any

from portvision._array import to_float
from portvision._checks import check_choice, shape_of
from portvision._dispatch import dispatch
from portvision._registry import register_op
from portvision.metrics._common import check_int, check_number

Array = Any

_BOX_FORMATS = ("xyxy", "xywh", "cxcywh")


def _to_xyxy(xp, boxes, box_format: str):
    x0, y0, a, b = (boxes[:, i] for i in range(4))
    if box_format == "xywh":
        return xp.stack([x0, y0, x0 + a, y0 + b], axis=1)
    if box_format == "cxcywh":
        return xp.stack([x0 - a / 2, y0 - b / 2, x0 + a / 2, y0 + b / 2], axis=1)
    return boxes


def _check_boxes(eng, boxes, name: str):
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError(f"{name}: expected shape (N, 4), got {shape_of(boxes)}")


def _check_positive_size(eng, boxes, name: str):
    """Host check (skipped while tracing): every box has a positive width and height."""
    if eng.is_tracing(boxes) or boxes.shape[0] == 0:
        return
    xp = eng.xp
    ok = (boxes[:, 2] > boxes[:, 0]) & (boxes[:, 3] > boxes[:, 1])
    if not bool(xp.all(ok)):
        raise ValueError(f"{name}: expected boxes of positive width and height, got an empty box")


def _pairwise_iou(xp, b1, b2):
    lo = xp.maximum(b1[:, None, :2], b2[None, :, :2])
    hi = xp.minimum(b1[:, None, 2:], b2[None, :, 2:])
    wh = xp.maximum(hi - lo, xp.zeros_like(hi))
    inter = wh[..., 0] * wh[..., 1]
    area1 = (b1[:, 2] - b1[:, 0]) * (b1[:, 3] - b1[:, 1])
    area2 = (b2[:, 2] - b2[:, 0]) * (b2[:, 3] - b2[:, 1])
    return inter / (area1[:, None] + area2[None, :] - inter)


@register_op()
def mean_iou_bbox(boxes_1: Array, boxes_2: Array, box_format: str = "xyxy") -> Array:
    """Intersection over union of every pair of boxes (despite the name, not averaged).

    Args:
        boxes_1: ``(N1, 4)`` boxes; integer boxes compute in float32.
        boxes_2: ``(N2, 4)`` boxes.
        box_format: ``"xyxy"`` (corners), ``"xywh"`` (top-left, size) or ``"cxcywh"``
            (centre, size). Boxes are continuous (exclusive): ``(x1, y1, x2, y2)`` has area
            ``(x2 - x1)(y2 - y1)``.

    Returns:
        ``(N1, N2)`` IoUs in [0, 1]. Boxes of zero or negative size raise ``ValueError``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> a = np.array([[0.0, 0.0, 2.0, 2.0]]); b = np.array([[1.0, 1.0, 3.0, 3.0], [0, 0, 2, 2]])
        >>> np.round(pv.metrics.mean_iou_bbox(a, b), 4)
        array([[0.1429, 1.    ]])
    """
    eng, (boxes_1, boxes_2) = dispatch(("boxes_1", "boxes_2"), boxes_1, boxes_2)
    xp = eng.xp
    _check_boxes(eng, boxes_1, "boxes_1")
    _check_boxes(eng, boxes_2, "boxes_2")
    check_choice(box_format, "box_format", _BOX_FORMATS)
    b1 = _to_xyxy(xp, to_float(xp, boxes_1), box_format)
    b2 = _to_xyxy(xp, to_float(xp, boxes_2), box_format)
    _check_positive_size(eng, b1, "boxes_1")
    _check_positive_size(eng, b2, "boxes_2")
    return _pairwise_iou(xp, b1, b2)


def _host_list(xp, a):
    """Python scalars of a 1-D array (a few per image: labels and scores)."""
    return [a[j] for j in range(int(a.shape[0]))]


def _index(xp, rows, device):
    return xp.asarray(rows, dtype=xp.int64, device=device)


def _voc07_ap(xp, tp, n_gt: int, dtype, device):
    """11-point interpolated AP of detections in decreasing score order (``tp`` 0/1)."""
    fp = 1.0 - tp
    ctp, cfp = xp.cumulative_sum(tp), xp.cumulative_sum(fp)
    precision = ctp / (ctp + cfp + 1e-10)
    recall = ctp / n_gt
    zero = xp.zeros_like(precision)
    levels = [
        xp.max(xp.where(recall >= t / 10, precision, zero)) for t in range(11)
    ]  # a level no detection reaches gets precision 0 (precisions are >= 0)
    return xp.mean(xp.stack(levels))


@register_op(differentiable=False)
def mean_average_precision(
    pred_boxes: list[Array],
    pred_labels: list[Array],
    pred_scores: list[Array],
    gt_boxes: list[Array],
    gt_labels: list[Array],
    n_classes: int,
    threshold: float = 0.5,
) -> tuple[Array, dict[int, float]]:
    """Mean average precision of detections, PASCAL VOC 2007 style (11-point AP).

    Per class (class 0 is the background and is not scored), detections of every image are
    ranked by score; each is a true positive if its best-overlapping ground-truth box of
    that class in the same image has IoU ``> threshold`` and was not matched before.

    Args:
        pred_boxes: per image, ``(N_i, 4)`` boxes ``xyxy``.
        pred_labels: per image, ``(N_i,)`` integer labels in ``[0, n_classes)``.
        pred_scores: per image, ``(N_i,)`` scores.
        gt_boxes: per image, ``(M_i, 4)`` ground-truth boxes.
        gt_labels: per image, ``(M_i,)`` labels.
        n_classes: number of classes, background included.
        threshold: IoU above which a detection matches.

    Returns:
        ``(mAP, {class: AP})``: a 0-d array (the mean over the classes with ground truth, -1
        if none has) and Python floats (-1.0 for a class without ground truth).

    Example:
        >>> import numpy as np, portvision as pv
        >>> box = np.array([[0.0, 0.0, 10.0, 10.0]])
        >>> m, ap = pv.metrics.mean_average_precision(
        ...     [box], [np.array([1])], [np.array([0.9])], [box], [np.array([1])], 2)
        >>> round(float(m), 6), {c: round(v, 6) for c, v in ap.items()}
        (1.0, {1: 1.0})
    """
    lists = (pred_boxes, pred_labels, pred_scores, gt_boxes, gt_labels)
    if len({len(v) for v in lists}) != 1:
        raise ValueError(
            "pred_boxes: expected five per-image lists of one length, got lengths "
            f"{[len(v) for v in lists]}"
        )
    if not pred_boxes:
        raise ValueError("pred_boxes: expected at least one image, got an empty list")
    n_classes = check_int(n_classes, "n_classes", 2)
    threshold = check_number(threshold, "threshold")
    flat = [a for v in lists for a in v]
    names = tuple(
        f"{n}[{i}]"
        for n in ("pred_boxes", "pred_labels", "pred_scores", "gt_boxes", "gt_labels")
        for i in range(len(pred_boxes))
    )
    eng, flat = dispatch(names, *flat)
    xp = eng.xp
    k = len(pred_boxes)
    pb, pl, ps, gb, gl = (list(flat[i * k : (i + 1) * k]) for i in range(5))
    for i in range(k):
        _check_boxes(eng, pb[i], f"pred_boxes[{i}]")
        _check_boxes(eng, gb[i], f"gt_boxes[{i}]")
        for name, v, n in (
            ("pred_labels", pl[i], pb[i].shape[0]),
            ("pred_scores", ps[i], pb[i].shape[0]),
            ("gt_labels", gl[i], gb[i].shape[0]),
        ):
            if v.ndim != 1 or v.shape[0] != n:
                raise ValueError(f"{name}[{i}]: expected shape ({int(n)},), got {shape_of(v)}")
    dt = xp.result_type(*(to_float(xp, b).dtype for b in pb + gb))
    device = pb[0].device
    labels = [xp.astype(v, xp.int64) for v in pl + gl]
    for name, v in zip(
        [f"pred_labels[{i}]" for i in range(k)] + [f"gt_labels[{i}]" for i in range(k)],
        pl + gl,
        strict=True,
    ):
        if v.shape[0] and not bool(xp.all((v >= 0) & (v < n_classes) & (v == xp.round(v)))):
            raise ValueError(f"{name}: expected integer labels in [0, {n_classes}), got {v!r}")
    pl, gl = labels[:k], labels[k:]
    # host copies of the labels and scores: the greedy matching is sequential
    pl_host = [[int(v) for v in _host_list(xp, a)] for a in pl]
    gl_host = [[int(v) for v in _host_list(xp, a)] for a in gl]
    ps_host = [[float(v) for v in _host_list(xp, a)] for a in ps]
    aps = []
    for c in range(1, n_classes):
        gts = []
        for i in range(k):
            rows = [j for j, v in enumerate(gl_host[i]) if v == c]
            gts.append(xp.astype(xp.take(gb[i], _index(xp, rows, device), axis=0), dt))
        n_gt = sum(int(g.shape[0]) for g in gts)
        if n_gt == 0:
            aps.append(-1.0)
            continue
        dets = [  # (score, image, row)
            (ps_host[i][j], i, j) for i in range(k) for j, v in enumerate(pl_host[i]) if v == c
        ]
        if not dets:
            aps.append(0.0)
            continue
        dets.sort(key=lambda d: -d[0])  # stable, as a stable descending sort
        matched = [[False] * int(g.shape[0]) for g in gts]
        tp = []
        for _, i, j in dets:
            if gts[i].shape[0] == 0:
                tp.append(0.0)
                continue
            box = xp.astype(pb[i][j : j + 1, :], dt)
            iou = _pairwise_iou(xp, box, gts[i])[0, :]
            best = int(xp.argmax(iou))
            hit = float(iou[best]) > threshold and not matched[i][best]
            if hit:
                matched[i][best] = True
            tp.append(1.0 if hit else 0.0)
        ap = _voc07_ap(xp, xp.asarray(tp, dtype=dt, device=device), n_gt, dt, device)
        aps.append(float(ap))
    defined = [a for a in aps if a >= 0]
    mean = sum(defined) / len(defined) if defined else -1.0
    return xp.asarray(mean, dtype=dt, device=device), {c + 1: a for c, a in enumerate(aps)}


__all__ = ["mean_average_precision", "mean_iou_bbox"]
