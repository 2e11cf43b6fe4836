"""Benchmarks of ``portvision.geometry`` (group "geometry").

Every op gets the float32 batch ``x (B, 3, H, W)`` in [0, 1].  Warps use one fixed
src -> dst pixel matrix per image (a 20 degree rotation about the centre with a small
perspective term for ``warp_perspective``), built once outside the timed region, the same
for portvision and the peers:

* Kornia: ``kornia.geometry.transform.<op>`` on a torch CPU tensor with the same matrices
  and arguments (``align_corners=True``, bilinear, zeros).
* OpenCV: ``cv2.warpPerspective`` / ``cv2.warpAffine`` looped over the ``B * 3`` planes with
  ``INTER_LINEAR``, ``BORDER_CONSTANT`` and ``dst=`` (OpenCV's bilinear uses 1/32-pixel
  fixed-point weights: close to, not equal to, exact bilinear sampling; same work).
* scikit-image: ``skimage.transform.warp(plane, ProjectiveTransform(inv(M)), order=1,
  mode="constant", preserve_range=True)`` looped over the planes as a user would
  (``warp`` takes the dst -> src map; ``AffineTransform`` for ``warp_affine``).
"""

from __future__ import annotations

import math

import numpy as np

from benchmarks.cases import Missing, Op, kornia_fn


def _rotation(h, w, degrees, perspective=0.0):
    """src -> dst pixel homography: rotation about the image centre (+ a perspective term)."""
    cx, cy = (w - 1) / 2.0, (h - 1) / 2.0
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    t = np.array([[1.0, 0.0, -cx], [0.0, 1.0, -cy], [0.0, 0.0, 1.0]])
    r = np.array([[c, s, 0.0], [-s, c, 0.0], [perspective / w, 0.0, 1.0]])
    back = np.array([[1.0, 0.0, cx], [0.0, 1.0, cy], [0.0, 0.0, 1.0]])
    m = back @ r @ t
    return m / m[2, 2]


def _matrices(x, affine):
    b, _, h, w = x.shape
    m = _rotation(h, w, 20.0, 0.0 if affine else 0.15)
    m = np.broadcast_to(m, (b, 3, 3)).astype(np.float32)
    return np.ascontiguousarray(m[:, :2] if affine else m)


def _pv_warp(fn_name, affine):
    def build(pv, eng, x, device):
        fn = getattr(pv.geometry.transform, fn_name, None)
        if fn is None:
            raise Missing(f"geometry.transform.{fn_name}")
        m = eng.from_numpy(_matrices(eng.to_numpy(x), affine), device)
        dsize = tuple(int(s) for s in x.shape[-2:])
        return lambda: fn(x, m, dsize)

    return build


def _kornia_warp(fn_name, affine):
    def build(x):
        import torch

        m = torch.from_numpy(_matrices(x, affine))
        return kornia_fn(f"geometry.transform.{fn_name}", m, tuple(x.shape[-2:]))(x)

    return build


def _cv_warp(affine):
    def build(x):
        import cv2

        m = _matrices(x, affine)
        flat = np.ascontiguousarray(x).reshape((-1,) + x.shape[-2:])
        out = np.empty_like(flat)
        size = (x.shape[-1], x.shape[-2])  # OpenCV wants (width, height)
        per = x.shape[1]
        fn = cv2.warpAffine if affine else cv2.warpPerspective

        def run():
            for i in range(flat.shape[0]):
                fn(
                    flat[i],
                    m[i // per],
                    size,
                    dst=out[i],
                    flags=cv2.INTER_LINEAR,
                    borderMode=cv2.BORDER_CONSTANT,
                    borderValue=0.0,
                )
            return out

        return run

    return build


def _sk_warp(affine):
    def build(x):
        from skimage.transform import AffineTransform, ProjectiveTransform, warp

        m = _matrices(x, affine).astype(np.float64)
        flat = np.ascontiguousarray(x).reshape((-1,) + x.shape[-2:])
        per = x.shape[1]
        full = [np.vstack([mi, [0.0, 0.0, 1.0]]) if affine else mi for mi in m]
        kind = AffineTransform if affine else ProjectiveTransform
        inverse = [kind(matrix=np.linalg.inv(mi)) for mi in full]  # warp maps dst -> src

        def run():
            return np.stack(
                [
                    warp(
                        flat[i],
                        inverse[i // per],
                        order=1,
                        mode="constant",
                        cval=0.0,
                        preserve_range=True,
                    )
                    for i in range(flat.shape[0])
                ]
            )

        return run

    return build


# -- resize / rotate / crop_and_resize (resize work) -----------------------------------------
def _cv_resize(size):
    def build(x):
        import cv2

        flat = np.ascontiguousarray(x).reshape((-1,) + x.shape[-2:])
        out = np.empty((flat.shape[0],) + size, dtype=x.dtype)

        def run():
            for i in range(flat.shape[0]):
                cv2.resize(flat[i], size[::-1], dst=out[i], interpolation=cv2.INTER_LINEAR)
            return out

        return run

    return build


def _sk_resize(size):
    def build(x):
        from skimage.transform import resize

        flat = np.ascontiguousarray(x).reshape((-1,) + x.shape[-2:])
        return lambda: np.stack([resize(p, size, order=1, anti_aliasing=False) for p in flat])

    return build


def _nd_zoom(size):
    def build(x):
        from scipy import ndimage

        f = (1.0, 1.0, size[0] / x.shape[-2], size[1] / x.shape[-1])
        return lambda: ndimage.zoom(x, f, order=1)

    return build


_ANGLE = 30.0
_BOX = (32.0, 24.0, 223.0, 215.0)  # x0, y0, x1, y1 (inclusive) of the crop_and_resize box


def _pv_rotate(pv, eng, x, device):
    angle = eng.from_numpy(np.full((x.shape[0],), _ANGLE, dtype=np.float32), device)
    return lambda: pv.geometry.transform.rotate(x, angle)


def _kornia_rotate(x):
    import torch

    angle = torch.full((x.shape[0],), _ANGLE)
    return kornia_fn("geometry.transform.rotate", angle)(x)


def _cv_rotate(x):
    import cv2

    h, w = x.shape[-2:]
    m = cv2.getRotationMatrix2D(((w - 1) / 2.0, (h - 1) / 2.0), _ANGLE, 1.0)
    flat = np.ascontiguousarray(x).reshape((-1, h, w))
    out = np.empty_like(flat)

    def run():
        for i in range(flat.shape[0]):
            cv2.warpAffine(flat[i], m, (w, h), dst=out[i], flags=cv2.INTER_LINEAR)
        return out

    return run


def _sk_rotate(x):
    from skimage.transform import rotate

    flat = np.ascontiguousarray(x).reshape((-1,) + x.shape[-2:])
    return lambda: np.stack([rotate(p, _ANGLE, order=1, preserve_range=True) for p in flat])


def _nd_rotate(x):
    from scipy import ndimage

    return lambda: ndimage.rotate(x, _ANGLE, axes=(3, 2), reshape=False, order=1)


def _boxes(b):
    x0, y0, x1, y1 = _BOX
    box = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
    return np.broadcast_to(np.asarray(box, np.float32), (b, 4, 2)).copy()


def _pv_crop(pv, eng, x, device):
    boxes = eng.from_numpy(_boxes(x.shape[0]), device)
    return lambda: pv.geometry.transform.crop_and_resize(x, boxes, (128, 128))


def _kornia_crop(x):
    import torch

    boxes = torch.from_numpy(_boxes(x.shape[0]))
    return kornia_fn("geometry.transform.crop_and_resize", boxes, (128, 128))(x)


def _cv_crop(x):
    """The same box -> (128, 128) corner-aligned affine map through cv2.warpAffine."""
    import cv2

    x0, y0, x1, y1 = _BOX
    sx, sy = 127.0 / (x1 - x0), 127.0 / (y1 - y0)
    m = np.array([[sx, 0.0, -sx * x0], [0.0, sy, -sy * y0]])
    flat = np.ascontiguousarray(x).reshape((-1,) + x.shape[-2:])
    out = np.empty((flat.shape[0], 128, 128), dtype=x.dtype)

    def run():
        for i in range(flat.shape[0]):
            cv2.warpAffine(flat[i], m, (128, 128), dst=out[i], flags=cv2.INTER_LINEAR)
        return out

    return run


# -- pyramids and lens undistortion (helper H6) ----------------------------------------------
# ``pyrdown``: Kornia blurs with the 5x5 binomial kernel (reflect) and resizes bilinearly to
# floor(side / 2); ``cv2.pyrDown`` uses the same blur but decimates (keeps every other pixel):
# the same work, a documented difference in the result.  ``undistort_image``: one 5-term
# OpenCV lens model per image; OpenCV builds the float maps once per image
# (``initUndistortRectifyMap``) and ``remap``s its planes (1/32-pixel fixed-point weights).
_LENS = np.array([-0.2, 0.05, 0.001, -0.001, 0.01], dtype=np.float32)


def _lens_K(x):
    h, w = x.shape[-2:]
    k = np.array([[0.8 * w, 0.0, (w - 1) / 2], [0.0, 0.8 * w, (h - 1) / 2], [0.0, 0.0, 1.0]])
    return np.broadcast_to(k.astype(np.float32), (x.shape[0], 3, 3)).copy()


def _lens_dist(x):
    return np.broadcast_to(_LENS, (x.shape[0], _LENS.size)).copy()


def _pv_undistort(pv, eng, x, device):
    xh = eng.to_numpy(x)
    k, d = eng.from_numpy(_lens_K(xh), device), eng.from_numpy(_lens_dist(xh), device)
    return lambda: pv.geometry.undistort_image(x, k, d)


def _kornia_undistort(x):
    import torch

    k, d = torch.from_numpy(_lens_K(x)), torch.from_numpy(_lens_dist(x))
    return kornia_fn("geometry.calibration.undistort_image", k, d)(x)


def _cv_undistort(x):
    import cv2

    ks, ds = _lens_K(x), _lens_dist(x)
    h, w = x.shape[-2:]
    out = np.empty_like(x)

    def run():
        for i in range(x.shape[0]):
            mx, my = cv2.initUndistortRectifyMap(ks[i], ds[i], None, ks[i], (w, h), cv2.CV_32FC1)
            for c in range(x.shape[1]):
                cv2.remap(x[i, c], mx, my, cv2.INTER_LINEAR, dst=out[i, c])
        return out

    return run


def _cv_pyrdown(x):
    import cv2

    flat = np.ascontiguousarray(x).reshape((-1,) + x.shape[-2:])
    h, w = x.shape[-2:]
    out = np.empty((flat.shape[0], (h + 1) // 2, (w + 1) // 2), dtype=x.dtype)

    def run():
        for i in range(flat.shape[0]):
            cv2.pyrDown(flat[i], dst=out[i])
        return out

    return run


def ops() -> dict[str, Op]:
    g = "geometry"
    return {
        "warp_perspective": Op(
            "warp_perspective bilinear 224",
            "geometry.transform.warp_perspective",
            pv_build=_pv_warp("warp_perspective", affine=False),
            peers={
                "kornia": _kornia_warp("warp_perspective", affine=False),
                "opencv": _cv_warp(affine=False),
                "skimage": _sk_warp(affine=False),
            },
            hw=(224, 224),
            group=g,
        ),
        "warp_affine": Op(
            "warp_affine bilinear 256",
            "geometry.transform.warp_affine",
            pv_build=_pv_warp("warp_affine", affine=True),
            peers={
                "kornia": _kornia_warp("warp_affine", affine=True),
                "opencv": _cv_warp(affine=True),
                "skimage": _sk_warp(affine=True),
            },
            group=g,
        ),
        "resize": Op(
            "resize bilinear 256->128",
            "geometry.transform.resize",
            args=((128, 128),),
            peers={
                "kornia": kornia_fn("geometry.transform.resize", (128, 128)),
                "opencv": _cv_resize((128, 128)),
                "skimage": _sk_resize((128, 128)),
                "scipy": _nd_zoom((128, 128)),
            },
            group=g,
        ),
        "rotate": Op(
            "rotate 30 deg bilinear 256",
            "geometry.transform.rotate",
            pv_build=_pv_rotate,
            peers={
                "kornia": _kornia_rotate,
                "opencv": _cv_rotate,
                "skimage": _sk_rotate,
                "scipy": _nd_rotate,
            },
            group=g,
        ),
        "crop_and_resize": Op(
            "crop_and_resize 192x192 box -> 128",
            "geometry.transform.crop_and_resize",
            pv_build=_pv_crop,
            peers={"kornia": _kornia_crop, "opencv": _cv_crop},
            group=g,
        ),
        "pyrdown": Op(
            "pyrdown 256->128",
            "geometry.transform.pyrdown",
            peers={"kornia": kornia_fn("geometry.transform.pyrdown"), "opencv": _cv_pyrdown},
            group=g,
        ),
        "undistort_image": Op(
            "undistort_image 5 coeffs 256",
            "geometry.undistort_image",
            pv_build=_pv_undistort,
            peers={"kornia": _kornia_undistort, "opencv": _cv_undistort},
            group=g,
        ),
        "nms2d": Op(
            "nms2d 3x3 256",
            "geometry.subpix.nms2d",
            args=((3, 3),),
            peers={"kornia": kornia_fn("geometry.subpix.nms2d", (3, 3))},
            group=g,
        ),
        "conv_soft_argmax2d": Op(
            "conv_soft_argmax2d 3x3 values 256",
            "geometry.subpix.conv_soft_argmax2d",
            kwargs={"output_value": True},
            peers={
                "kornia": kornia_fn("geometry.subpix.conv_soft_argmax2d", output_value=True)
            },
            group=g,
        ),
        "spatial_soft_argmax2d": Op(
            "spatial_soft_argmax2d 256",
            "geometry.subpix.spatial_soft_argmax2d",
            peers={"kornia": kornia_fn("geometry.subpix.spatial_soft_argmax2d")},
            group=g,
        ),
    }
