"""Interleaved timings of the blurs: portvision (torch, numpy engines) vs Kornia, SciPy, OpenCV.

(8, 3, 256, 256) float32, 2 torch / OpenCV threads, median of N rounds in which every
implementation runs once (so load from other processes hits all of them alike).

    python benchmarks/blur_interleaved.py [N] [g5,g11,box5,med5,scipy]
"""

from __future__ import annotations

import sys
import time

import cv2
import kornia.filters as KF
import numpy as np
import scipy.ndimage as ndi
import torch

import portvision as pv

REFLECT_101 = cv2.BORDER_REFLECT_101


def planes(x, fn):
    """OpenCV on every (H, W) plane, into a preallocated output."""
    out = np.empty_like(x)
    src, dst = x.reshape((-1,) + x.shape[-2:]), out.reshape((-1,) + x.shape[-2:])
    for i in range(src.shape[0]):
        fn(src[i], dst[i])
    return out


def bench(fns, rounds):
    times = {name: [] for name in fns}
    for fn in fns.values():
        fn()
    for _ in range(rounds):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {name: 1e3 * float(np.median(v)) for name, v in times.items()}


def report(title, r, pairs):
    print(title, " ".join(f"{k}={v:.2f}ms" for k, v in r.items()))
    for a, b in pairs:
        if a in r and b in r:
            print(f"   {a}/{b} = {r[a] / r[b]:.2f}")


def gaussian_fns(xn, xt, k, s):
    def cv(a, o):
        cv2.GaussianBlur(a, (k, k), s, dst=o, sigmaY=s, borderType=REFLECT_101)

    return {
        "pv_torch": lambda: pv.filters.gaussian_blur2d(xt, (k, k), (s, s)),
        "kornia": lambda: KF.gaussian_blur2d(xt, (k, k), (s, s)),
        "pv_numpy": lambda: pv.filters.gaussian_blur2d(xn, (k, k), (s, s)),
        "scipy": lambda: ndi.gaussian_filter(
            xn, (0, 0, s, s), mode="mirror", truncate=(k // 2) / s
        ),
        "cv2": lambda: planes(xn, cv),
    }


def box_fns(xn, xt, k):
    def cv(a, o):
        cv2.blur(a, (k, k), dst=o, borderType=REFLECT_101)

    return {
        "pv_torch": lambda: pv.filters.box_blur(xt, k),
        "kornia": lambda: KF.box_blur(xt, k),
        "pv_numpy": lambda: pv.filters.box_blur(xn, k),
        "scipy": lambda: ndi.uniform_filter(xn, (1, 1, k, k), mode="mirror"),
        "cv2": lambda: planes(xn, cv),
    }


def median_fns(xn, xt, k, with_scipy):
    def cv(a, o):
        cv2.medianBlur(a, k, dst=o)  # its border is always replicate: same work

    fns = {
        "pv_torch": lambda: pv.filters.median_blur(xt, k),
        "kornia": lambda: KF.median_blur(xt, k),
        "pv_numpy": lambda: pv.filters.median_blur(xn, k),
        "cv2": lambda: planes(xn, cv),
    }
    if with_scipy:  # ~0.5 s a call
        fns["scipy"] = lambda: ndi.median_filter(xn, (1, 1, k, k), mode="mirror")
    return fns


def main():
    torch.set_num_threads(2)
    cv2.setNumThreads(2)
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    which = sys.argv[2].split(",") if len(sys.argv) > 2 else ["g5", "g11", "box5", "med5"]
    xn = np.random.default_rng(0).random((8, 3, 256, 256), dtype=np.float32)
    xt = torch.from_numpy(xn.copy())
    pairs = [("pv_torch", "kornia"), ("pv_numpy", "scipy"), ("pv_numpy", "cv2")]
    with torch.inference_mode():
        for k, s in ((5, 1.5), (11, 3.0)):
            if f"g{k}" in which:
                report(f"gaussian {k}x{k}", bench(gaussian_fns(xn, xt, k, s), rounds), pairs)
        if "box5" in which:
            report("box 5x5", bench(box_fns(xn, xt, 5), rounds), pairs)
        if "med5" in which:
            report("median 5x5", bench(median_fns(xn, xt, 5, "scipy" in which), rounds), pairs)


if __name__ == "__main__":
    main()
