"""Bilinear sampling of float32 planes by OpenCV (NumPy engine, when enabled): ``remap``
for sampling grids, ``warpAffine`` / ``warpPerspective`` for warps by matrices.

OpenCV 4.11 and later interpolate float32 images with float weights and coordinates.
Against the float64 reference, ``remap`` at our float32 pixel maps errs by at most 2e-5
on a 256-pixel image (as our own gather); the warps, which compute the coordinates
themselves in float32, by at most 3e-5 (affine) and 5e-5 (projective) at 224 x 300 —
the torch engine's ``grid_sample`` errs by 7e-5 and 4e-5 there.  OpenCV's float64 paths,
and older versions, quantise to 1/32 pixel: :func:`exact_opencv` probes for that once,
and float64 never comes here.

OpenCV's borders act on the taps, and equal ``grid_sample``'s paddings, which act on
coordinates: ``zeros`` is ``BORDER_CONSTANT`` 0, ``border`` is ``BORDER_REPLICATE``, and
``reflection`` is ``BORDER_REFLECT`` (mirror about -0.5, ``align_corners=False``) or
``BORDER_REFLECT_101`` (about 0, ``align_corners=True``).  These equalities were checked
on bounded coordinates only, so OpenCV only sees those: finite (else the caller's gather,
which has the contract's NaN rules); ``zeros`` / ``border`` within ``_FAR`` pixels (grids
are clamped to the range where they are constant); ``reflection`` within a few image
sizes (OpenCV mirrors one period per step).  A projective warp also needs ``|w| > 1e-8``
on every output pixel (OpenCV maps ``w = 0`` to 0, the contract leaves ``|w| <= 1e-8``
undivided).
"""

from __future__ import annotations

import math

#: OpenCV keeps image and map sides below this
_MAX_SIDE = 32767
#: ``zeros`` / ``border``: warp coordinates within this many pixels of the origin
_FAR = float(1 << 20)
#: ``reflection``: coordinates within this many image sizes
_REFLECT_SPAN = 8


def exact_opencv(cv2, np) -> bool:
    """Whether this OpenCV interpolates float32 remaps and warps with float (not 1/32 px)
    weights: each samples ``[0, 1]`` at 0.3."""
    src = np.array([[0.0, 1.0]], dtype=np.float32)
    mx = np.full((1, 1), 0.3, dtype=np.float32)
    my = np.zeros((1, 1), dtype=np.float32)
    m = np.array([[1.0, 0.0, 0.3], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    flags, border = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, cv2.BORDER_REPLICATE
    got = (
        cv2.remap(src, mx, my, cv2.INTER_LINEAR, borderMode=border),
        cv2.warpAffine(src, m[:2], (1, 1), flags=flags, borderMode=border),
        cv2.warpPerspective(src, m, (1, 1), flags=flags, borderMode=border),
    )
    return all(abs(float(v[0, 0]) - 0.3) < 1e-6 for v in got)


def usable(eng, x, dsize) -> bool:
    """Whether OpenCV may sample ``x (..., H, W)`` onto a ``dsize`` grid on this engine."""
    return (
        getattr(eng, "opencv_sampling", False)
        and eng.use_opencv
        and x.dtype == eng.lib.float32
        and max(x.shape[-2:]) < _MAX_SIDE
        and max(dsize) < _MAX_SIDE
    )


def _border(cv2, padding_mode, align_corners):
    if padding_mode == "zeros":
        return cv2.BORDER_CONSTANT
    if padding_mode == "border":
        return cv2.BORDER_REPLICATE
    return cv2.BORDER_REFLECT_101 if align_corners else cv2.BORDER_REFLECT


def _in_range(lo, hi, size, padding_mode):
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return False
    if padding_mode == "reflection":
        return lo >= -_REFLECT_SPAN * size and hi <= _REFLECT_SPAN * size
    return lo >= -_FAR and hi <= _FAR


def remap_planes(cv2, lib, x, cx, cy, padding_mode, align_corners, out, xy) -> bool:
    """Sample ``x (C, H, W)`` at pixel maps ``cx, cy (ho, wo)`` (float32, clamped in
    place) into ``out (C, ho, wo)``, through the scratch ``xy (ho, wo, 2)`` float32; False,
    with nothing written, where a map leaves the range checked above."""
    h, w = x.shape[1:]
    clamps = []
    for c, size in ((cx, w), (cy, h)):
        lo, hi = float(c.min()), float(c.max())  # NaN propagates into both
        if padding_mode == "reflection":
            if not _in_range(lo, hi, size, padding_mode):
                return False
            continue
        if not (math.isfinite(lo) and math.isfinite(hi)):
            return False
        # beyond these the samples are constant (0, or the edge pixel)
        low, high = (-2.0, size + 1.0) if padding_mode == "zeros" else (0.0, size - 1.0)
        if lo < low or hi > high:
            clamps.append((c, low, high))
    for c, low, high in clamps:
        lib.clip(c, low, high, out=c)
    border = _border(cv2, padding_mode, align_corners)
    # one interleaved map (the values unchanged): fewer streams for remap to read
    xy = cv2.merge((cx, cy), dst=xy)
    planes = lib.ascontiguousarray(x)
    for i in range(planes.shape[0]):
        o = out[i]
        dst = cv2.remap(planes[i], xy, None, cv2.INTER_LINEAR, dst=o, borderMode=border)
        if dst is not o:  # OpenCV made a new array (it writes into ``dst`` when it fits)
            o[...] = dst
    return True


def warp_planes(cv2, lib, x, pix, dsize, padding_mode, align_corners, affine, out) -> bool:
    """Warp ``x (B, C, H, W)`` by pixel homographies ``pix (B or 1, 3, 3)`` (float64,
    destination pixel ``(j, i, 1)`` -> source pixel) into ``out (B, C, ho, wo)``; False,
    with nothing written, unless every matrix keeps the checks above on the output grid.

    The source coordinates of an affine map are extreme at the output's corners, and so
    are those of a projective map whose ``w`` keeps one sign on the output (a
    linear-fractional map is monotone along every line there; ``w`` is linear, so its
    sign and ``|w| > 1e-8`` hold on the whole grid when they hold on the corners).
    """
    ho, wo = dsize
    h, w = x.shape[-2:]
    corners = lib.asarray([[0.0, wo - 1.0, 0.0, wo - 1.0], [0.0, 0.0, ho - 1.0, ho - 1.0]])
    p = pix[:, :, :2] @ corners + pix[:, :, 2:]  # (B, 3, 4) homogeneous source corners
    if not affine:
        wc = p[:, 2]
        if not bool(lib.all((wc > 1e-8).all(axis=1) | (wc < -1e-8).all(axis=1))):
            return False
        p = p[:, :2] / wc[:, None]
    for k, size in ((0, w), (1, h)):
        if not _in_range(float(p[:, k].min()), float(p[:, k].max()), size, padding_mode):
            return False
    kw = dict(flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP)
    kw["borderMode"] = _border(cv2, padding_mode, align_corners)
    warp = cv2.warpAffine if affine else cv2.warpPerspective
    planes = lib.ascontiguousarray(x)
    for s in range(planes.shape[0]):
        m = pix[s if pix.shape[0] > 1 else 0]
        m = m[:2] if affine else m
        for c in range(planes.shape[1]):
            o = out[s, c]
            dst = warp(planes[s, c], m, (wo, ho), dst=o, **kw)
            if dst is not o:
                o[...] = dst
    return True
