"""Benchmarks of the training toolbox: losses, metrics, morphology, contrib (group "training").

Each op gets the float32 batch ``x (B, 3, H, W)`` in [0, 1]; ops of two images compare ``x``
with a fixed perturbation of it, ``y = clip(x + noise, 0, 1)`` (made once, outside the timed
region, identically for portvision and its peers).

* ``ssim_loss_11``: ``pv.losses.ssim_loss(x, y, 11)`` vs ``kornia.losses.ssim_loss(x, y, 11)``.
* ``ssim_11``: ``pv.metrics.ssim(x, y, 11)`` (the full SSIM map) vs Kornia's ``metrics.ssim``
  and scikit-image's ``structural_similarity(gaussian_weights=True, sigma=1.5,
  use_sample_covariance=False, data_range=1.0, channel_axis=0, full=True)`` looped over the
  images as a user would (skimage's window is 11 taps: ``truncate=3.5`` at sigma 1.5).
* ``dilation_3x3`` / ``dilation_7x7``: ``pv.morphology.dilation(x, ones(k, k))`` (Kornia's
  defaults: geodesic border) vs ``kornia.morphology.dilation``; scikit-image's
  ``morphology.dilation(plane, ones((k, k)))`` looped over the planes as a user would (its
  default border mode; same work); ``scipy.ndimage.grey_dilation(size=(1, 1, k, k),
  mode="constant", cval=-inf)`` on the batch; ``cv2.dilate`` looped over the planes.
* ``extract_patches_16`` / ``extract_patches_32s16``: ``extract_tensor_patches(x, 16, 16)``
  (ViT tiles) and ``(x, 32, 16)`` (overlapping) vs Kornia's.
"""

from __future__ import annotations

import numpy as np

from benchmarks.cases import Op


def _second(x):
    """The perturbed partner image of ``x`` (deterministic)."""
    rng = np.random.default_rng(1)
    noise = rng.normal(0.0, 0.1, size=x.shape).astype(np.float32)
    return np.clip(x + noise, 0.0, 1.0).astype(np.float32)


def _pv_pair(path, *args, **kwargs):
    """``pv_build`` calling ``pv.<path>(x, y, *args, **kwargs)`` on the engine."""

    def build(pv, eng, x, device):
        fn = pv
        for part in path.split("."):
            fn = getattr(fn, part)
        y = eng.from_numpy(_second(eng.to_numpy(x)), device)
        return lambda: fn(x, y, *args, **kwargs)

    return build


def _kornia_pair(path, *args, **kwargs):
    def build(x):
        import kornia
        import torch

        fn = kornia
        for part in path.split("."):
            fn = getattr(fn, part)
        t, u = torch.from_numpy(x), torch.from_numpy(_second(x))

        def run():
            with torch.no_grad():
                return fn(t, u, *args, **kwargs)

        return run

    return build


def _sk_ssim(x):
    from skimage.metrics import structural_similarity

    y = _second(x)

    def run():
        return [
            structural_similarity(
                a,
                b,
                gaussian_weights=True,
                sigma=1.5,
                use_sample_covariance=False,
                data_range=1.0,
                channel_axis=0,
                full=True,
            )[1]
            for a, b in zip(x, y, strict=True)
        ]

    return run


def _pv_kernel(path, k, **kwargs):
    """``pv_build`` calling ``pv.<path>(x, ones(k, k), **kwargs)`` with the kernel on the engine."""

    def build(pv, eng, x, device):
        fn = pv
        for part in path.split("."):
            fn = getattr(fn, part)
        kernel = eng.from_numpy(np.ones((k, k), dtype=np.float32), device)
        return lambda: fn(x, kernel, **kwargs)

    return build


def _kornia_dilation(k):
    def build(x):
        import kornia
        import torch

        t, kernel = torch.from_numpy(x), torch.ones(k, k)

        def run():
            with torch.no_grad():
                return kornia.morphology.dilation(t, kernel)

        return run

    return build


def _sk_dilation(k):
    """scikit-image as a user would: ``skimage.morphology.dilation`` looped over the planes."""

    def build(x):
        from skimage.morphology import dilation

        planes = x.reshape((-1,) + x.shape[-2:])
        fp = np.ones((k, k), dtype=bool)
        return lambda: np.stack([dilation(p, fp) for p in planes]).reshape(x.shape)

    return build


def _scipy_dilation(k):
    def build(x):
        from scipy import ndimage

        return lambda: ndimage.grey_dilation(x, size=(1, 1, k, k), mode="constant", cval=-np.inf)

    return build


def _cv_dilation(k):
    def build(x):
        import cv2

        planes = np.ascontiguousarray(x).reshape((-1,) + x.shape[-2:])
        out = np.empty_like(planes)
        kernel = np.ones((k, k), np.uint8)

        def run():
            for i in range(planes.shape[0]):
                cv2.dilate(planes[i], kernel, dst=out[i])
            return out

        return run

    return build


def _morph_ops() -> dict[str, Op]:
    """Grey dilation, flat k x k square (Kornia's defaults: geodesic border)."""
    rows = {}
    for k in (3, 7):
        rows[f"dilation_{k}x{k}"] = Op(
            f"dilation {k}x{k}",
            "morphology.dilation",
            pv_build=_pv_kernel("morphology.dilation", k),
            peers={
                "kornia": _kornia_dilation(k),
                "skimage": _sk_dilation(k),
                "scipy": _scipy_dilation(k),
                "opencv": _cv_dilation(k),
            },
            group="training",
        )
    return rows


def _patch_ops() -> dict[str, Op]:
    """``extract_tensor_patches``: ViT-style 16 x 16 tiles, and overlapping 32 x 32 at stride 16."""
    from benchmarks.cases import kornia_fn

    rows = {}
    for name, ws, st in (("extract_patches_16", 16, 16), ("extract_patches_32s16", 32, 16)):
        rows[name] = Op(
            f"extract_tensor_patches {ws}/{st}",
            "contrib.extract_tensor_patches",
            args=(ws, st),
            peers={"kornia": kornia_fn("contrib.extract_tensor_patches", ws, st)},
            group="training",
        )
    return rows


def ops() -> dict[str, Op]:
    return {
        **_morph_ops(),
        **_patch_ops(),
        "ssim_loss_11": Op(
            "ssim_loss 11",
            "losses.ssim_loss",
            pv_build=_pv_pair("losses.ssim_loss", 11),
            peers={"kornia": _kornia_pair("losses.ssim_loss", 11)},
            group="training",
        ),
        "ssim_11": Op(
            "ssim map 11",
            "metrics.ssim",
            pv_build=_pv_pair("metrics.ssim", 11),
            peers={"kornia": _kornia_pair("metrics.ssim", 11), "skimage": _sk_ssim},
            group="training",
        ),
    }
