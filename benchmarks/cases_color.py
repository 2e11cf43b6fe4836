"""Benchmarks of ``portvision.color`` (group "color").

Every op gets the float32 batch ``x (B, 3, H, W)`` in [0, 1] and returns the whole
converted batch in NCHW:

* Kornia: ``kornia.color.<op>`` on a torch CPU tensor.
* OpenCV: ``cv2.cvtColor`` per image, NCHW in and NCHW out with both layout changes
  timed (``cases.cv_nchw``: ``cv2.merge`` / ``cv2.split``, OpenCV's fastest way between
  the layouts).  Conventions differ (hue in degrees, Y Cr Cb order, U / V offset by 0.5,
  Lab white point): the same work, not the same numbers.
* scikit-image: ``skimage.color.<fn>`` on the NHWC batch (channel-last), with the
  transposes in and out timed.  ``rgb2ycbcr`` is studio range; ``rgb2xyz`` also
  linearises sRGB (more work than Kornia's ``rgb_to_xyz``).
"""

from __future__ import annotations

import numpy as np

from benchmarks.cases import Op, cv_nchw, kornia_fn


def _cv(code_name):
    def build(x):
        import cv2

        code = getattr(cv2, code_name)
        return cv_nchw(x, lambda img: cv2.cvtColor(img, code))

    return build


def _cv_gray(x):
    import cv2

    return cv_nchw(x, lambda img: cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), out_channels=1)


def _sk(fn_name, gray=False):
    def build(x):
        from skimage import color

        fn = getattr(color, fn_name)

        def run():
            out = fn(x.transpose(0, 2, 3, 1))
            return out[:, None] if gray else np.ascontiguousarray(out.transpose(0, 3, 1, 2))

        return run

    return build


def _hsv_input(pv, eng, x, device):
    """hsv_to_rgb of the HSV version of the batch (converted outside the timed region)."""
    hsv = pv.color.rgb_to_hsv(x)
    return lambda: pv.color.hsv_to_rgb(hsv)


def _kornia_hsv_to_rgb(x):
    import kornia
    import torch

    hsv = kornia.color.rgb_to_hsv(torch.from_numpy(x))

    def run():
        with torch.no_grad():
            return kornia.color.hsv_to_rgb(hsv)

    return run


def _cv_hsv_to_rgb(x):
    """OpenCV's HSV (hue in degrees) of the batch, as NCHW, made outside the timed region."""
    import cv2

    hsv = cv_nchw(x, lambda img: cv2.cvtColor(img, cv2.COLOR_RGB2HSV))()
    return cv_nchw(hsv, lambda img: cv2.cvtColor(img, cv2.COLOR_HSV2RGB))


def _sk_hsv_to_rgb(x):
    from skimage import color

    hsv = color.rgb2hsv(x.transpose(0, 2, 3, 1))

    def run():
        return np.ascontiguousarray(color.hsv2rgb(hsv).transpose(0, 3, 1, 2))

    return run


def _op(name, cv_code, sk_name, **kw):
    peers = {"kornia": kornia_fn(f"color.{name}")}
    if cv_code:
        peers["opencv"] = _cv(cv_code)
    if sk_name:
        peers["skimage"] = _sk(sk_name)
    return Op(name, f"color.{name}", (), peers, group="color", **kw)


def ops() -> dict[str, Op]:
    return {
        "rgb_to_grayscale": Op(
            "rgb_to_grayscale",
            "color.rgb_to_grayscale",
            (),
            {
                "kornia": kornia_fn("color.rgb_to_grayscale"),
                "opencv": _cv_gray,
                "skimage": _sk("rgb2gray", gray=True),
            },
            group="color",
        ),
        "rgb_to_hsv": _op("rgb_to_hsv", "COLOR_RGB2HSV", "rgb2hsv"),
        "hsv_to_rgb": Op(
            "hsv_to_rgb",
            "color.hsv_to_rgb",
            (),
            {"kornia": _kornia_hsv_to_rgb, "opencv": _cv_hsv_to_rgb, "skimage": _sk_hsv_to_rgb},
            pv_build=_hsv_input,
            group="color",
        ),
        "rgb_to_lab": _op("rgb_to_lab", "COLOR_RGB2Lab", "rgb2lab"),
        "rgb_to_ycbcr": _op("rgb_to_ycbcr", "COLOR_RGB2YCrCb", "rgb2ycbcr"),
        "rgb_to_yuv": _op("rgb_to_yuv", "COLOR_RGB2YUV", "rgb2yuv"),
        "rgb_to_xyz": _op("rgb_to_xyz", "COLOR_RGB2XYZ", "rgb2xyz"),
    }
