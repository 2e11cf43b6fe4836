"""Grey dilation / erosion on ``scipy.ndimage`` / ``cupyx.scipy.ndimage`` (and OpenCV).

Contract in ``_reference_morphology`` (a max-plus / min-plus *correlation*). Mapping:

* ndimage centres a window of size ``k`` at ``k // 2 + origin``: our anchor ``o`` is
  ``origin = o - k // 2``;
* ``geodesic`` is ``mode="constant"`` with ``cval = -inf`` (dilation) / ``+inf`` (erosion);
  ``reflect`` is ndimage ``mirror``, ``replicate`` ``nearest``, ``circular`` ``wrap``;
* flat elements run ``maximum_filter`` / ``minimum_filter`` (separable for a full
  rectangle); non-flat ones ``grey_erosion(structure=...)``, which subtracts the element
  without reflecting it (the dilation is ``-grey_erosion(-x, structure)``);
* OpenCV's ``dilate`` / ``erode`` (per plane, flat elements, ``anchor=(ox, oy)``) have the
  same correlation convention; ``geodesic`` is ``BORDER_CONSTANT`` with a -inf / +inf value.
"""

from __future__ import annotations

import math

from . import _reference_morphology as ref_morphology

NDIMAGE_MODE = {"reflect": "mirror", "replicate": "nearest", "circular": "wrap"}


def _fallback(eng, x, footprint, structure, origin, border, border_value, dilate):
    fn = ref_morphology.grey_dilation if dilate else ref_morphology.grey_erosion
    return fn(eng.xp, x, footprint, structure, origin, border, border_value)


def grey_reduce(eng, x, footprint, structure, origin, border, border_value, dilate):
    kh, kw = len(footprint), len(footprint[0])
    origin = origin or (kh // 2, kw // 2)
    if x.dtype.kind != "f" or x.ndim < 2 or not any(any(r) for r in footprint):
        return _fallback(eng, x, footprint, structure, origin, border, border_value, dilate)
    lib, nd, lead = eng.lib, eng.ndimage, x.ndim - 2
    identity = -math.inf if dilate else math.inf
    mode = NDIMAGE_MODE.get(border, "constant")
    cval = identity if border == "geodesic" else float(border_value)
    org = [0] * lead + [origin[0] - kh // 2, origin[1] - kw // 2]
    fp = lib.asarray(footprint, dtype=bool).reshape((1,) * lead + (kh, kw))
    if structure is None:
        filt = nd.maximum_filter if dilate else nd.minimum_filter
        if all(all(r) for r in footprint):
            return filt(x, size=(1,) * lead + (kh, kw), mode=mode, cval=cval, origin=org)
        return filt(x, footprint=fp, mode=mode, cval=cval, origin=org)
    s = lib.asarray(structure, dtype=x.dtype).reshape(fp.shape)
    if dilate:
        return -nd.grey_erosion(-x, footprint=fp, structure=s, mode=mode, cval=-cval, origin=org)
    return nd.grey_erosion(x, footprint=fp, structure=s, mode=mode, cval=cval, origin=org)


CV_MORPH_BORDER = {"geodesic": 0, "constant": 0, "reflect": 4, "replicate": 1}


def cv_grey_reduce(eng, x, footprint, origin, border, border_value, dilate):
    """OpenCV ``dilate`` / ``erode`` per plane (flat element; caller checked the support)."""
    import numpy as np

    cv2 = eng.cv2
    kh, kw = len(footprint), len(footprint[0])
    oy, ox = origin or (kh // 2, kw // 2)
    kernel = np.asarray(footprint, dtype=np.uint8)
    value = (-math.inf if dilate else math.inf) if border == "geodesic" else float(border_value)
    fn = cv2.dilate if dilate else cv2.erode
    kw_args = dict(anchor=(ox, oy), borderType=CV_MORPH_BORDER[border], borderValue=value)
    return eng._planes(x, lambda s, d: fn(s, kernel, dst=d, **kw_args))
