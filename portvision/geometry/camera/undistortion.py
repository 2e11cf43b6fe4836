"""OpenCV's lens model (Kornia's ``kornia.geometry.calibration``): ``distort_points``,
``undistort_points``, ``undistort_image`` and the sensor ``tilt_projection``.

``dist`` is OpenCV's coefficient vector ``(k1, k2, p1, p2[, k3[, k4, k5, k6[, s1, s2, s3,
s4[, tau_x, tau_y]]]])`` of length 4, 5, 8, 12 or 14: radial (rational) terms ``k``,
tangential ``p``, thin prism ``s`` and the sensor tilt angles ``tau`` (radians).  Pixels are
``(u, v)`` with integer pixel centres, as everywhere in portvision.
"""

from __future__ import annotations

from typing import Any

from portvision._array import to_float
from portvision._checks import check_floating, shape_of
from portvision._dispatch import dispatch, require_array
from portvision._registry import register_op
from portvision.geometry.camera._common import float_pair
from portvision.geometry.conversions.coordinates import axis_scale
from portvision.geometry.conversions.points import from_homogeneous
from portvision.utils.grid import grid2d

Array = Any

_NCOEFFS = (4, 5, 8, 12, 14)


def _broadcastable(shapes) -> bool:
    for dims in zip(*(s[::-1] for s in shapes), strict=False):
        if len({d for d in dims if d != 1}) > 1:
            return False
    return True


def _check_model(points, K, dist, new_K=None, pname: str = "points") -> None:
    if points.ndim < 2 or points.shape[-1] != 2:
        raise ValueError(f"{pname}: expected shape (*, N, 2), got {shape_of(points)}")
    for name, m in (("K", K), ("new_K", new_K)):
        if m is not None and (m.ndim < 2 or tuple(m.shape[-2:]) != (3, 3)):
            raise ValueError(f"{name}: expected shape (*, 3, 3), got {shape_of(m)}")
    if dist.ndim < 1 or dist.shape[-1] not in _NCOEFFS:
        raise ValueError(
            f"dist: expected shape (*, n) with n in {list(_NCOEFFS)}, got {shape_of(dist)}"
        )
    lead = [shape_of(points)[:-1], shape_of(K)[:-2] + (1,), shape_of(dist)[:-1] + (1,)]
    if new_K is not None:
        lead.append(shape_of(new_K)[:-2] + (1,))
    if not _broadcastable(lead):
        raise ValueError(
            f"{pname}: expected leading axes broadcastable with those of K and dist, got shapes "
            f"{shape_of(points)}, {shape_of(K)}, {shape_of(dist)}"
        )


def _as_float(xp, *arrays):
    """The arrays (None kept) in their common float dtype (integers count as float32)."""
    present = [to_float(xp, a) for a in arrays if a is not None]
    dt = xp.result_type(*present)
    return [
        None if a is None else (a if a.dtype == dt else xp.astype(to_float(xp, a), dt))
        for a in arrays
    ]


def _to_normalized(points, K):
    """Pixels to the ``z = 1`` plane with ``K``'s focal lengths and principal point."""
    x = (points[..., 0] - K[..., 0:1, 2]) / K[..., 0:1, 0]
    y = (points[..., 1] - K[..., 1:2, 2]) / K[..., 1:2, 1]
    return x, y


def _to_pixels(xp, x, y, K):
    u = K[..., 0:1, 0] * x + K[..., 0:1, 2]
    return xp.stack([u, K[..., 1:2, 1] * y + K[..., 1:2, 2]], axis=-1)


def _tilt(xp, taux, tauy, inverse: bool):
    """OpenCV's ``Pz R`` (or its inverse ``R^T Pz^-1``) with ``R = Ry(tauy) Rx(taux)``."""
    if taux.ndim > 0 and taux.shape[-1] == 1:
        taux, tauy = taux[..., 0], tauy[..., 0]
    cx, sx, cy, sy = xp.cos(taux), xp.sin(taux), xp.cos(tauy), xp.sin(tauy)
    zero, one = xp.zeros_like(cx), xp.ones_like(cx)

    def mat(rows):
        return xp.stack([xp.stack(r, axis=-1) for r in rows], axis=-2)

    rx = mat([[one, zero, zero], [zero, cx, sx], [zero, -sx, cx]])
    ry = mat([[cy, zero, -sy], [zero, one, zero], [sy, zero, cy]])
    r = ry @ rx
    r02, r12, r22 = r[..., 0, 2], r[..., 1, 2], r[..., 2, 2]
    if inverse:
        inv22 = 1.0 / r22
        pz_inv = mat([[inv22, zero, r02 * inv22], [zero, inv22, r12 * inv22], [zero, zero, one]])
        return xp.matrix_transpose(r) @ pz_inv
    pz = mat([[r22, zero, -r02], [zero, r22, -r12], [zero, zero, one]])
    return pz @ r


@register_op()
def tilt_projection(taux: Array, tauy: Array, return_inverse: bool = False) -> Array:
    """OpenCV's projection matrix of a tilted sensor, or its inverse.

    Args:
        taux: tilt angle about the x axis (radians), any shape.
        tauy: tilt angle about the y axis (radians), the shape of ``taux``.
        return_inverse: return the inverse matrix (what :func:`undistort_points` applies).

    Returns:
        ``(*, 3, 3)``, ``*`` the angles' shape without a trailing axis of size 1; zero angles
        give the identity.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.tilt_projection(np.array([0.0]), np.array([0.0]))
        array([[1., 0., 0.],
               [0., 1., 0.],
               [0., 0., 1.]])
    """
    eng, (taux, tauy) = dispatch(("taux", "tauy"), taux, tauy)
    require_array("tauy", tauy)
    if shape_of(taux) != shape_of(tauy):
        raise ValueError(f"tauy: expected the shape of taux {shape_of(taux)}, got {shape_of(tauy)}")
    if not isinstance(return_inverse, bool):
        raise TypeError(f"return_inverse: expected a bool, got {type(return_inverse).__name__}")
    xp = eng.xp
    taux, tauy = float_pair(xp, taux, tauy)
    return _tilt(xp, taux, tauy, return_inverse)


def _coefficients(dist):
    """``(n, [k_0 .. k_{n-1}])`` as ``(*, 1)`` columns; absent terms are skipped, not zeroed."""
    n = int(dist.shape[-1])
    return n, [dist[..., i : i + 1] for i in range(n)]


def _radial(n, k, r2):
    """OpenCV's rational radial factor as ``(numerator, denominator or None)``, in Horner form."""
    inner = k[1] if n < 5 else k[1] + r2 * k[4]
    num = 1.0 + r2 * (k[0] + r2 * inner)
    den = None if n < 8 else 1.0 + r2 * (k[5] + r2 * (k[6] + r2 * k[7]))
    return num, den


def _tangential(n, k, x, y, r2):
    """Tangential (``p1, p2``) plus thin-prism (``s1 .. s4``) offsets of a normalised point."""
    xy2 = 2.0 * x * y
    dx = k[2] * xy2 + k[3] * (r2 + 2.0 * x * x)
    dy = k[2] * (r2 + 2.0 * y * y) + k[3] * xy2
    if n >= 12:
        dx = dx + r2 * (k[8] + r2 * k[9])
        dy = dy + r2 * (k[10] + r2 * k[11])
    return dx, dy


def _distort(xp, points, K, dist, new_K):
    n, k = _coefficients(dist)
    x, y = _to_normalized(points, new_K)
    r2 = x * x + y * y
    num, den = _radial(n, k, r2)
    radial = num if den is None else num / den
    dx, dy = _tangential(n, k, x, y, r2)
    xd, yd = x * radial + dx, y * radial + dy
    if n == 14:
        tilt = _tilt(xp, k[12], k[13], inverse=False)
        ph = xp.stack([xd, yd, xp.ones_like(xd)], axis=-1) @ xp.matrix_transpose(tilt)
        xd, yd = ph[..., 0] / ph[..., 2], ph[..., 1] / ph[..., 2]
    return _to_pixels(xp, xd, yd, K)


@register_op()
def distort_points(points: Array, K: Array, dist: Array, new_K: Array | None = None) -> Array:
    """Apply OpenCV's lens distortion to pixels.

    ``new_K`` (default ``K``) maps the input pixels to the normalised plane, the distortion is
    applied there, and ``K`` maps the result back to pixels.

    Args:
        points: ``(*, N, 2)`` pixels ``(u, v)``.
        K: ``(*, 3, 3)`` intrinsics.
        dist: ``(*, n)`` coefficients, ``n`` in 4, 5, 8, 12, 14.
        new_K: ``(*, 3, 3)`` intrinsics of the input pixels, or None.

    Returns:
        ``(*, N, 2)`` distorted pixels.

    Example:
        >>> import numpy as np, portvision as pv
        >>> K = np.array([[100.0, 0.0, 50.0], [0.0, 100.0, 40.0], [0.0, 0.0, 1.0]])
        >>> pv.geometry.distort_points(np.array([[150.0, 40.0]]), K, np.array([0.1, 0.0, 0.0, 0.0]))
        array([[160.,  40.]])
    """
    names = ("points", "K", "dist", "new_K")
    eng, (points, K, dist, new_K) = dispatch(names, points, K, dist, new_K)
    require_array("K", K)
    require_array("dist", dist)
    _check_model(points, K, dist, new_K)
    xp = eng.xp
    points, K, dist, new_K = _as_float(xp, points, K, dist, new_K)
    return _distort(xp, points, K, dist, K if new_K is None else new_K)


@register_op()
def undistort_points(
    points: Array, K: Array, dist: Array, new_K: Array | None = None, num_iters: int = 5
) -> Array:
    """Remove OpenCV's lens distortion from pixels (``cv2.undistortPoints`` with ``P = new_K``).

    The inverse is OpenCV's fixed-point iteration ``x <- (x0 - delta(x)) / radial(x)``
    run ``num_iters`` times (no convergence test, as Kornia and OpenCV's default).

    Args:
        points: ``(*, N, 2)`` distorted pixels ``(u, v)``.
        K: ``(*, 3, 3)`` intrinsics of the distorted pixels.
        dist: ``(*, n)`` coefficients, ``n`` in 4, 5, 8, 12, 14.
        new_K: ``(*, 3, 3)`` intrinsics of the result (default ``K``).
        num_iters: number of iterations (>= 0).

    Returns:
        ``(*, N, 2)`` undistorted pixels.

    Example:
        >>> import numpy as np, portvision as pv
        >>> K = np.array([[100.0, 0.0, 50.0], [0.0, 100.0, 40.0], [0.0, 0.0, 1.0]])
        >>> dist = np.array([0.1, 0.0, 0.0, 0.0])
        >>> out = pv.geometry.undistort_points(np.array([[160.0, 40.0]]), K, dist, num_iters=30)
        >>> np.round(out, 4)
        array([[150.,  40.]])
    """
    names = ("points", "K", "dist", "new_K")
    eng, (points, K, dist, new_K) = dispatch(names, points, K, dist, new_K)
    require_array("K", K)
    require_array("dist", dist)
    _check_model(points, K, dist, new_K)
    if not isinstance(num_iters, int) or isinstance(num_iters, bool) or num_iters < 0:
        raise ValueError(f"num_iters: expected a non-negative integer, got {num_iters!r}")
    xp = eng.xp
    points, K, dist, new_K = _as_float(xp, points, K, dist, new_K)
    n, k = _coefficients(dist)
    x, y = _to_normalized(points, K)
    if n == 14:
        inv_tilt = _tilt(xp, k[12], k[13], inverse=True)
        if inv_tilt.ndim == 2:
            inv_tilt = inv_tilt[None, ...]
        ph = xp.stack([x, y, xp.ones_like(x)], axis=-1) @ xp.matrix_transpose(inv_tilt)
        xy = from_homogeneous(xp, ph)
        x, y = xy[..., 0], xy[..., 1]
    x0, y0 = x, y
    for _ in range(num_iters):  # OpenCV's fixed point: x = (x0 - delta(x)) / radial(x)
        r2 = x * x + y * y
        num, den = _radial(n, k, r2)
        dx, dy = _tangential(n, k, x, y, r2)
        if den is None:
            x, y = (x0 - dx) / num, (y0 - dy) / num
        else:
            inv = den / num
            x, y = (x0 - dx) * inv, (y0 - dy) * inv
    return _to_pixels(xp, x, y, K if new_K is None else new_K)


@register_op()
def undistort_image(image: Array, K: Array, dist: Array) -> Array:
    """Remove OpenCV's lens distortion from images.

    Every output pixel centre is distorted with :func:`distort_points` and the input is sampled
    there bilinearly (``align_corners=True``, zeros outside), so zero coefficients return the
    image (to rounding).

    Args:
        image: ``(*, C, H, W)`` float image.
        K: ``(*, 3, 3)`` intrinsics, the same leading axes as ``image``; a ``(1, C, H, W)``
            image may also take an unbatched ``(3, 3)`` ``K`` with an ``(n,)`` ``dist``.
        dist: ``(*, n)`` coefficients, ``n`` in 4, 5, 8, 12, 14.

    Returns:
        ``(*, C, H, W)`` undistorted image.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.random.default_rng(0).random((1, 3, 5, 6))
        >>> K = np.array([[[4.0, 0.0, 2.5], [0.0, 4.0, 2.0], [0.0, 0.0, 1.0]]])
        >>> out = pv.geometry.undistort_image(img, K, np.zeros((1, 4)))
        >>> out.shape, bool(np.allclose(out, img))
        ((1, 3, 5, 6), True)
    """
    eng, (image, K, dist) = dispatch(("image", "K", "dist"), image, K, dist)
    require_array("K", K)
    require_array("dist", dist)
    if image.ndim < 3:
        raise ValueError(f"image: expected shape (*, C, H, W), got {shape_of(image)}")
    if K.ndim < 2 or tuple(K.shape[-2:]) != (3, 3):
        raise ValueError(f"K: expected shape (*, 3, 3), got {shape_of(K)}")
    if dist.ndim < 1 or dist.shape[-1] not in _NCOEFFS:
        raise ValueError(
            f"dist: expected shape (*, n) with n in {list(_NCOEFFS)}, got {shape_of(dist)}"
        )
    xp = eng.xp
    check_floating(xp, image, "image")
    lead = shape_of(image)[:-3]
    legacy = lead == (1,) and K.ndim == 2 and dist.ndim == 1
    if not legacy and not (shape_of(K)[:-2] == lead == shape_of(dist)[:-1]):
        raise ValueError(
            f"K: expected the leading axes {lead} of image for K and dist, got shapes "
            f"{shape_of(K)} and {shape_of(dist)}"
        )
    c, h, w = (int(s) for s in image.shape[-3:])
    b = 1
    for s in lead:
        b *= int(s)
    x = xp.reshape(image, (b, c, h, w))
    K = xp.reshape(xp.astype(K, x.dtype), (b, 3, 3))
    dist = xp.reshape(xp.astype(dist, x.dtype), (b, int(dist.shape[-1])))
    pix = xp.reshape(grid2d(xp, h, w, False, True, x.dtype, x.device), (h * w, 2))
    # grid_sample's corner-aligned coordinates, folded into the output intrinsics
    (sx, tx), (sy, ty) = axis_scale(w), axis_scale(h)
    scale = xp.asarray([[sx], [sy], [1.0]], dtype=x.dtype, device=x.device)
    shift = xp.asarray([[0.0, 0.0, tx], [0.0, 0.0, ty], [0.0] * 3], dtype=x.dtype, device=x.device)
    grid = _distort(xp, pix, K * scale + shift, dist, K)  # (B, H * W, 2)
    grid = xp.reshape(grid, (b, h, w, 2))
    out = eng.grid_sample(x, grid, "bilinear", "zeros", True)
    return xp.reshape(out, tuple(image.shape))


__all__ = ["distort_points", "tilt_projection", "undistort_image", "undistort_points"]
