"""Benchmarks of ``portvision.enhance`` (group "enhance").

Every implementation gets the float32 batch ``x (B, 3, H, W)`` in [0, 1] and returns the
whole adjusted batch; factors are scalars (the same for every image).

* Kornia: ``kornia.enhance.<op>`` on a torch CPU tensor, one call on the batch.
* OpenCV (``adjust_hue``, ``adjust_saturation``): per image, ``cvtColor(RGB2HSV)`` on the
  float32 HWC image (hue in degrees), shift the hue modulo 360 / scale and clip the
  saturation, ``cvtColor(HSV2RGB)``; NCHW <-> HWC transposes included.
* OpenCV (``equalize``): per plane, ``x * 255`` to ``uint8``, ``equalizeHist`` (its cdf
  rounding differs from PIL's, same work), back to float; scikit-image: per plane
  ``exposure.equalize_hist(nbins=256)`` (returns the normalised cdf: a different convention,
  same work).
* ``normalize``: ImageNet mean / std as ``(3,)`` arrays on the engine (Kornia: tensors).
"""

from __future__ import annotations

import math

import numpy as np

from benchmarks.cases import Op, cv_nchw, kornia_fn

HUE = 0.5  # radians
SAT = 1.6
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


def _cv_hue(x):
    import cv2

    deg = math.degrees(HUE)

    def fn(img):
        hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
        hsv[..., 0] = np.mod(hsv[..., 0] + deg, 360.0)
        return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)

    return cv_nchw(x, fn)


def _cv_saturation(x):
    import cv2

    def fn(img):
        hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
        hsv[..., 1] = np.clip(hsv[..., 1] * SAT, 0.0, 1.0)
        return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)

    return cv_nchw(x, fn)


def _cv_equalize(x):
    import cv2

    planes = np.ascontiguousarray(x).reshape((-1,) + x.shape[-2:])

    def run():
        out = np.empty_like(planes)
        for i, p in enumerate(planes):
            out[i] = cv2.equalizeHist((p * 255.0).astype(np.uint8)) / np.float32(255.0)
        return out

    return run


def _sk_equalize(x):
    from skimage import exposure

    planes = np.ascontiguousarray(x).reshape((-1,) + x.shape[-2:])
    return lambda: [exposure.equalize_hist(p, nbins=256) for p in planes]


def _pv_normalize(pv, eng, x, device):
    mean = eng.from_numpy(np.asarray(MEAN, np.float32), device)
    std = eng.from_numpy(np.asarray(STD, np.float32), device)
    return lambda: pv.enhance.normalize(x, mean, std)


def _kornia_normalize(x):
    import kornia
    import torch

    t = torch.from_numpy(x)
    mean, std = torch.tensor(MEAN), torch.tensor(STD)

    def run():
        with torch.no_grad():
            return kornia.enhance.normalize(t, mean, std)

    return run


def ops() -> dict[str, Op]:
    g = "enhance"
    return {
        "adjust_hue": Op(
            "adjust_hue 0.5 rad",
            "enhance.adjust_hue",
            (HUE,),
            {"kornia": kornia_fn("enhance.adjust_hue", HUE), "opencv": _cv_hue},
            group=g,
        ),
        "adjust_saturation": Op(
            "adjust_saturation 1.6",
            "enhance.adjust_saturation",
            (SAT,),
            {"kornia": kornia_fn("enhance.adjust_saturation", SAT), "opencv": _cv_saturation},
            group=g,
        ),
        "adjust_brightness": Op(
            "adjust_brightness 0.2",
            "enhance.adjust_brightness",
            (0.2,),
            {"kornia": kornia_fn("enhance.adjust_brightness", 0.2)},
            group=g,
        ),
        "equalize": Op(
            "equalize",
            "enhance.equalize",
            (),
            {
                "kornia": kornia_fn("enhance.equalize"),
                "opencv": _cv_equalize,
                "skimage": _sk_equalize,
            },
            group=g,
        ),
        "normalize": Op(
            "normalize (ImageNet)",
            "enhance.normalize",
            pv_build=_pv_normalize,
            peers={"kornia": _kornia_normalize},
            group=g,
        ),
    }


def interleaved(threads: int = 1, reps: int = 40, cpu_clock: bool = True) -> None:
    """Interleaved portvision-torch vs Kornia timing of the enhance ops (min and median).

    ``python -m benchmarks.cases_enhance [threads] [reps] [cpu|wall]``: each repetition
    calls Kornia then portvision on the same ``(8, 3, 256, 256)`` batch, so load bursts on a
    shared machine hit both; ``cpu`` (process CPU time, the default) is steadier there.
    """
    import time

    import kornia
    import torch

    import portvision as pv

    torch.set_num_threads(threads)
    clock = time.process_time if cpu_clock else time.perf_counter
    x = torch.from_numpy(np.random.default_rng(0).uniform(size=(8, 3, 256, 256)).astype("f4"))
    mean, std = torch.tensor(MEAN), torch.tensor(STD)
    k, p = kornia.enhance, pv.enhance
    pairs = {
        "adjust_hue 0.5": (lambda: k.adjust_hue(x, HUE), lambda: p.adjust_hue(x, HUE)),
        "adjust_saturation 1.6": (
            lambda: k.adjust_saturation(x, SAT),
            lambda: p.adjust_saturation(x, SAT),
        ),
        "adjust_saturation 0.6": (
            lambda: k.adjust_saturation(x, 0.6),
            lambda: p.adjust_saturation(x, 0.6),
        ),
        "equalize": (lambda: k.equalize(x), lambda: p.equalize(x)),
        "adjust_brightness 0.2": (
            lambda: k.adjust_brightness(x, 0.2),
            lambda: p.adjust_brightness(x, 0.2),
        ),
        "normalize": (lambda: k.normalize(x, mean, std), lambda: p.normalize(x, mean, std)),
    }
    times = {name: ([], []) for name in pairs}
    with torch.no_grad():
        for a, b in pairs.values():
            a(), b()  # warm-up
        for _ in range(reps):
            for name, fns in pairs.items():
                for fn, acc in zip(fns, times[name], strict=True):
                    t0 = clock()
                    fn()
                    acc.append(clock() - t0)
    print(f"torch threads={threads} clock={clock.__name__} reps={reps}")
    for name, (tk, tp) in times.items():
        km, pm, kd, pd = (1e3 * v for v in (min(tk), min(tp), np.median(tk), np.median(tp)))
        print(
            f"{name:22s} kornia min {km:7.2f} med {kd:7.2f} ms | pv min {pm:7.2f} med {pd:7.2f} ms"
            f" | ratio min {pm / km:.2f} med {pd / kd:.2f}"
        )


if __name__ == "__main__":
    import sys

    args = sys.argv[1:]
    interleaved(
        int(args[0]) if args else 1,
        int(args[1]) if len(args) > 1 else 40,
        (args[2] if len(args) > 2 else "cpu") == "cpu",
    )
