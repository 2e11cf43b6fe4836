"""What is timed: portvision on every engine, and the peers, on the same input.

Every implementation receives the same float32 batch ``(B, 3, H, W)`` with
values in [0, 1] (converted to its library outside the timed region) and must
return the whole filtered batch.  The peers are called the way a user of that
library would batch them:

* Kornia: ``kornia.filters.<op>`` on a torch CPU tensor (one call on the batch).
* OpenCV: a Python loop over the ``B * 3`` planes, writing into a preallocated
  output (``dst=``).  ``sobel``: ``cv2.Sobel`` dx and dy (``ksize=3``, ``CV_32F``,
  ``BORDER_REPLICATE``) then ``cv2.magnitude``.  ``gaussian``: ``cv2.GaussianBlur``
  with ``BORDER_REFLECT_101``.  ``box``: ``cv2.blur`` with ``BORDER_REFLECT_101``.
  ``median``: ``cv2.medianBlur(ksize=5)`` (its border is always replicate, not
  reflect: a documented difference on the outer 2 pixels, same work).
* SciPy: ``scipy.ndimage`` on the 4-D batch in one call, filtering only the
  two spatial axes.  ``sobel``: ``ndimage.sobel`` smooths along *every* other
  axis (it would mix batch and channels on a 4-D array), so the same
  separable kernels are applied with ``ndimage.correlate1d`` (``[1, 2, 1]``
  across, ``[-1, 0, 1]`` along, ``mode="nearest"``) then ``np.hypot``.
  ``gaussian``: ``gaussian_filter(sigma=(0, 0, s, s), mode="mirror",
  truncate=r / s)`` (radius ``r = k // 2``, as the k x k kernel).  ``box``:
  ``uniform_filter(size=(1, 1, k, k), mode="mirror")``.  ``median``:
  ``median_filter(size=(1, 1, k, k), mode="mirror")``.
* scikit-image: ``sobel``: a loop over planes of
  ``skimage.filters.sobel(plane, mode="nearest")`` (its magnitude is scaled
  differently: ``sqrt((gx^2 + gy^2) / 2)`` with normalised kernels; same work).
  ``gaussian``: ``skimage.filters.gaussian(x, sigma=(0, 0, s, s),
  mode="mirror", truncate=r / s, preserve_range=True)`` on the batch (a thin
  layer over SciPy).  No skimage row for box/median (``skimage.filters.median``
  calls ``scipy.ndimage.median_filter``).
* portvision: ``pv.filters.<op>`` with Kornia's arguments, on an array of the
  engine (numpy, torch CPU, torch CUDA and CuPy with a device synchronize
  after each call, strict).  ``copy`` is ``xp.asarray(x, copy=True)`` on the
  engine: the memory-bandwidth floor.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Op:
    """One benchmark row: portvision and its peers on the same float32 batch.

    ``pv_name`` is a path under ``portvision`` (``"color.rgb_to_hsv"``; a bare name is in
    ``filters``; None is the copy baseline), called as ``f(x, *args, **kwargs)``.  Ops whose
    call needs more than that (matrices, a second image) give ``pv_build(pv, eng, x, device)
    -> callable()`` instead, creating extra arrays with ``eng.from_numpy(a, device)``.
    ``hw`` overrides the image size of a full run; ``group`` is what ``--group`` selects.
    """

    name: str  # row label
    pv_name: str | None  # path under portvision (None: engine-level copy)
    args: tuple = ()
    peers: dict = field(default_factory=dict)  # peer -> builder(np_x) -> callable()
    kwargs: dict = field(default_factory=dict)
    pv_build: object = None
    hw: tuple | None = None
    group: str = "filters"


def kornia_fn(path, *args, **kwargs):
    """Peer builder calling ``kornia.<path>(t, *args, **kwargs)`` on a torch CPU tensor."""

    def build(x):
        import kornia
        import torch

        t = torch.from_numpy(x)
        fn = kornia
        for part in path.split("."):
            fn = getattr(fn, part)

        def run():
            with torch.no_grad():
                return fn(t, *args, **kwargs)

        return run

    return build


def cv_nchw(x, fn, out_channels=3):
    """Peer builder body for OpenCV colour ops, NCHW in and NCHW out with every layout
    change timed: per image ``cv2.merge`` (planes -> HWC), ``fn`` (HWC -> HWC or one
    plane), ``cv2.split`` into the NCHW output.  merge / split are OpenCV's fastest way
    between the layouts (measured, HSV of (8, 3, 256, 256): 0.95 ms, against 3.3-5.3 ms
    with NumPy transposes both ways)."""
    import cv2

    x = np.ascontiguousarray(x)

    def run():
        out = np.empty((x.shape[0], out_channels) + x.shape[2:], dtype=x.dtype)
        for img, dst in zip(x, out, strict=True):
            res = fn(cv2.merge(list(img)))
            if out_channels == 1:
                dst[0] = res
            else:
                cv2.split(res, list(dst))
        return out

    return run


def _try_import(name):
    try:
        return importlib.import_module(name)
    except Exception:  # missing or broken optional peer
        return None


# -- peers ---------------------------------------------------------------------------
def _kornia(fn_name, *args):
    return kornia_fn(f"filters.{fn_name}", *args)


def _cv_planes(x, fn):
    """Callable running ``fn(src_plane, dst_plane)`` over all planes of ``x``."""
    flat = np.ascontiguousarray(x).reshape((-1,) + x.shape[-2:])
    out = np.empty_like(flat)

    def run():
        for i in range(flat.shape[0]):
            fn(flat[i], out[i])
        return out

    return run


def _cv_sobel(x):
    import cv2

    def fn(s, d):
        gx = cv2.Sobel(s, cv2.CV_32F, 1, 0, ksize=3, borderType=cv2.BORDER_REPLICATE)
        gy = cv2.Sobel(s, cv2.CV_32F, 0, 1, ksize=3, borderType=cv2.BORDER_REPLICATE)
        cv2.magnitude(gx, gy, d)

    return _cv_planes(x, fn)


def _cv_gauss(k, s):
    def build(x):
        import cv2

        return _cv_planes(
            x,
            lambda a, d: cv2.GaussianBlur(
                a, (k, k), s, dst=d, sigmaY=s, borderType=cv2.BORDER_REFLECT_101
            ),
        )

    return build


def _cv_box(k):
    def build(x):
        import cv2

        return _cv_planes(
            x, lambda a, d: cv2.blur(a, (k, k), dst=d, borderType=cv2.BORDER_REFLECT_101)
        )

    return build


def _cv_median(k):
    def build(x):
        import cv2

        return _cv_planes(x, lambda a, d: cv2.medianBlur(a, k, dst=d))

    return build


def _scipy_sobel(x):
    from scipy import ndimage

    def run():
        gx = ndimage.correlate1d(
            ndimage.correlate1d(x, [1, 2, 1], axis=-2, mode="nearest"),
            [-1, 0, 1],
            axis=-1,
            mode="nearest",
        )
        gy = ndimage.correlate1d(
            ndimage.correlate1d(x, [1, 2, 1], axis=-1, mode="nearest"),
            [-1, 0, 1],
            axis=-2,
            mode="nearest",
        )
        return np.hypot(gx, gy)

    return run


def _scipy_gauss(k, s):
    def build(x):
        from scipy import ndimage

        return lambda: ndimage.gaussian_filter(
            x, (0, 0, s, s), mode="mirror", truncate=(k // 2) / s
        )

    return build


def _scipy_box(k):
    def build(x):
        from scipy import ndimage

        return lambda: ndimage.uniform_filter(x, (1, 1, k, k), mode="mirror")

    return build


def _scipy_median(k):
    def build(x):
        from scipy import ndimage

        return lambda: ndimage.median_filter(x, (1, 1, k, k), mode="mirror")

    return build


def _sk_sobel(x):
    from skimage.filters import sobel

    flat = np.ascontiguousarray(x).reshape((-1,) + x.shape[-2:])
    out = np.empty_like(flat)

    def run():
        for i in range(flat.shape[0]):
            out[i] = sobel(flat[i], mode="nearest")
        return out

    return run


def _sk_gauss(k, s):
    def build(x):
        from skimage.filters import gaussian

        return lambda: gaussian(
            x, sigma=(0, 0, s, s), mode="mirror", truncate=(k // 2) / s, preserve_range=True
        )

    return build


#: modules with more ops, one per topic: each defines ``ops() -> dict[str, Op]``
TOPIC_MODULES = ("cases_color", "cases_enhance", "cases_geometry", "cases_training")


def ops() -> dict[str, Op]:
    """Every benchmark op: the filters here, then each topic module's."""
    out = _filter_ops()
    for name in TOPIC_MODULES:
        try:
            mod = importlib.import_module(f"benchmarks.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"benchmarks.{name}":
                raise
            continue
        out.update(mod.ops())
    return out


def _filter_ops() -> dict[str, Op]:
    g5, g11 = (5, 1.5), (11, 3.0)
    return {
        "sobel": Op(
            "sobel",
            "sobel",
            (),
            {
                "kornia": _kornia("sobel"),
                "opencv": _cv_sobel,
                "scipy": _scipy_sobel,
                "skimage": _sk_sobel,
            },
        ),
        "gaussian_blur2d_5x5": Op(
            "gaussian_blur2d 5x5 s1.5",
            "gaussian_blur2d",
            ((5, 5), (1.5, 1.5)),
            {
                "kornia": _kornia("gaussian_blur2d", (5, 5), (1.5, 1.5)),
                "opencv": _cv_gauss(*g5),
                "scipy": _scipy_gauss(*g5),
                "skimage": _sk_gauss(*g5),
            },
        ),
        "gaussian_blur2d_11x11": Op(
            "gaussian_blur2d 11x11 s3",
            "gaussian_blur2d",
            ((11, 11), (3.0, 3.0)),
            {
                "kornia": _kornia("gaussian_blur2d", (11, 11), (3.0, 3.0)),
                "opencv": _cv_gauss(*g11),
                "scipy": _scipy_gauss(*g11),
                "skimage": _sk_gauss(*g11),
            },
        ),
        "box_blur_5x5": Op(
            "box_blur 5x5",
            "box_blur",
            ((5, 5),),
            {"kornia": _kornia("box_blur", (5, 5)), "opencv": _cv_box(5), "scipy": _scipy_box(5)},
        ),
        "median_blur_5x5": Op(
            "median_blur 5x5",
            "median_blur",
            ((5, 5),),
            {
                "kornia": _kornia("median_blur", (5, 5)),
                "opencv": _cv_median(5),
                "scipy": _scipy_median(5),
            },
        ),
        "copy": Op("copy", None, (), {}),
    }


PEER_MODULES = {
    "kornia": "kornia",
    "opencv": "cv2",
    "scipy": "scipy.ndimage",
    "skimage": "skimage.filters",
}


def _resolve(pv, path):
    obj = pv if "." in path else pv.filters
    for part in path.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            raise Missing(path)
    return obj


def installed_peers(wanted=None) -> list[str]:
    """Peers (of ``wanted``, default all) whose module imports.  Peers left out are never
    imported: importing kornia (torch) changes the process -- its threads, and the heap
    state that decides whether a fresh output page-faults -- and so every timing."""
    return [
        p
        for p, m in PEER_MODULES.items()
        if (wanted is None or p in wanted) and _try_import(m) is not None
    ]


# -- portvision engines --------------------------------------------------------------
@dataclass
class EngineTarget:
    label: str  # e.g. "pv-torch-cuda"
    engine: str
    device: object = None
    sync: object = None  # callable or None


def engine_targets(pv, wanted=None) -> list[EngineTarget]:
    """Every usable (engine, device) pair, CPU first; with ``wanted`` (engine names or labels
    without ``pv-``), only those, and only their libraries are imported."""
    out = []
    for name in pv.available_backends():
        if wanted is not None and not any(w.split("-")[0] == name for w in wanted):
            continue
        if name == "torch":
            out.append(EngineTarget("pv-torch-cpu", "torch", "cpu"))
            torch = _try_import("torch")
            if torch is not None and torch.cuda.is_available():
                out.append(EngineTarget("pv-torch-cuda", "torch", "cuda", torch.cuda.synchronize))
        elif name == "cupy":
            import cupy

            out.append(
                EngineTarget("pv-cupy", "cupy", None, lambda: cupy.cuda.Device().synchronize())
            )
        else:
            out.append(EngineTarget(f"pv-{name}", name))
    if wanted is not None:
        out = [t for t in out if {t.engine, t.label.removeprefix("pv-")} & set(wanted)]
    return out


class Missing(Exception):
    """The op is not (yet) in portvision: reported as n/a."""


def build_pv(pv, op: Op, target: EngineTarget, x_np):
    """Callable running ``op`` on ``target`` on a converted copy of ``x_np``."""
    eng = pv.backends.get_engine(target.engine)
    x = eng.from_numpy(x_np, target.device)
    if op.pv_name is None:  # the copy baseline
        xp = eng.xp

        def fn():
            return xp.asarray(x, copy=True)
    elif op.pv_build is not None:
        fn = op.pv_build(pv, eng, x, target.device)
    else:
        f = _resolve(pv, op.pv_name)
        args, kwargs = op.args, op.kwargs

        def fn():
            return f(x, *args, **kwargs)

    if target.sync is None:
        return fn
    sync = target.sync

    def synced():
        out = fn()
        sync()
        return out

    return synced
