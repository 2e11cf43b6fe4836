"""Affine convenience warps: ``affine``, ``affine3d``, ``rotate``, ``rotate3d``,
``translate``, ``scale``, ``shear``.

Each builds its src -> dst pixel matrix (Kornia's conventions: degrees, positive
counter-clockwise as displayed for ``rotate``; the centre defaults to the image centre
``((W - 1) / 2, (H - 1) / 2)``) and calls :func:`warp_affine` / :func:`warp_affine3d`
with the input's own size.  ``align_corners`` defaults to True in 2D except ``shear``
(False), and to False in 3D, as in Kornia.
"""

from __future__ import annotations

from typing import Any

from portvision._array import to_float
from portvision._checks import check_choice, check_rank, shape_of
from portvision._dispatch import dispatch, require_array
from portvision._registry import register_op
from portvision.geometry.transform.matrices import _matrix, _projective, _rotation2d
from portvision.geometry.transform.warping import warp_affine, warp_affine3d

Array = Any

__all__ = ["affine", "affine3d", "rotate", "rotate3d", "scale", "shear", "translate"]

MODES = ("bilinear", "nearest")
PADDINGS = ("zeros", "border", "reflection")


def _check_common(mode, padding_mode, align_corners, modes=MODES, mode_name="mode"):
    check_choice(mode, mode_name, modes)
    check_choice(padding_mode, "padding_mode", PADDINGS)
    if not isinstance(align_corners, bool):
        raise TypeError(f"align_corners: expected a bool, got {align_corners!r}")


def _center(xp, x, n):
    """Default centre ``((W - 1) / 2, (H - 1) / 2[, (D - 1) / 2])`` as ``(1, n)``."""
    sizes = [int(s) for s in x.shape[-1 : -n - 1 : -1]]
    return xp.asarray([[(s - 1) / 2.0 for s in sizes]], dtype=x.dtype, device=x.device)


def _params(eng, x, values, specs):
    """Validated per-image parameters on ``x``'s dtype, broadcast to one batch.

    ``values``: arrays; ``specs``: (name, tail shape, layout).  A parameter may have a
    batch of 1 or the image's, or no batch axis; a single image may take a batch of
    parameters (it is then warped by each, as Kornia's ``affine``).
    """
    xp = eng.xp
    out, b = [], int(x.shape[0])
    for v, (name, tail, layout) in zip(values, specs, strict=True):
        require_array(name, v)
        if v.ndim == len(tail):
            v = v[None, ...]
        n = int(v.shape[0]) if v.ndim else 0
        if v.ndim != len(tail) + 1 or tuple(v.shape[1:]) != tail or (n not in (1, b) and b != 1):
            raise ValueError(
                f"{name}: expected shape {layout} with B = 1 or {b} (the image batch), "
                f"got {shape_of(v)}"
            )
        out.append(_as(xp, v, x))
    # parameters shared by the batch stay a batch of 1: the warp then builds one grid
    n = max(int(v.shape[0]) for v in out)
    for v, (name, _, layout) in zip(out, specs, strict=True):
        if v.shape[0] not in (1, n):
            raise ValueError(
                f"{name}: expected shape {layout} with B = 1 or {n} (the other parameters' "
                f"batch), got {shape_of(v)}"
            )
    out = [v if v.shape[0] == n else xp.broadcast_to(v, (n,) + tuple(v.shape[1:])) for v in out]
    return out, n


def _as(xp, v, x):
    v = to_float(xp, v)
    return xp.astype(v, x.dtype) if v.dtype != x.dtype else v


def _warp(eng, x, m, mode, padding_mode, align_corners, unbatched, d=2):
    xp = eng.xp
    if x.shape[0] == 1 and m.shape[0] != 1:  # one image, many transforms (Kornia's affine)
        x = xp.broadcast_to(x, (m.shape[0],) + tuple(x.shape[1:]))
    dsize = tuple(int(s) for s in x.shape[-d:])
    if d == 2:
        out = warp_affine(x, m, dsize, mode, padding_mode, align_corners)
    else:
        out = warp_affine3d(x, m, dsize, mode, padding_mode, align_corners)
    # an unbatched image warped by several transforms keeps their batch (Kornia's squeeze)
    return out[0, ...] if unbatched and out.shape[0] == 1 else out


def _image2d(eng, tensor):
    check_rank(tensor, "tensor", (3, 4), "(B, C, H, W) or (C, H, W)")
    x = to_float(eng.xp, tensor)
    return (x[None, ...], True) if x.ndim == 3 else (x, False)


def _image3d(eng, tensor):
    check_rank(tensor, "tensor", (4, 5), "(B, C, D, H, W) or (C, D, H, W)")
    x = to_float(eng.xp, tensor)
    return (x[None, ...], True) if x.ndim == 4 else (x, False)


@register_op()
def affine(
    tensor: Array,
    matrix: Array,
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool = True,
) -> Array:
    """Warp images by affine matrices, keeping their size.

    Args:
        tensor: image ``(B, C, H, W)`` or ``(C, H, W)``.
        matrix: ``(B, 2, 3)`` src -> dst pixel matrices; a batch of 1 is shared and a
            single image is warped by every matrix.
        mode: ``"bilinear" | "nearest"``.
        padding_mode: ``"zeros" | "border" | "reflection"``.
        align_corners: interpolation flag (default True).

    Returns:
        The warped image, same shape (batch of the matrices for a single image).

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.arange(9, dtype=np.float32).reshape(1, 1, 3, 3)
        >>> right = np.array([[[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]])
        >>> pv.geometry.transform.affine(img, right)[0, 0]
        array([[0., 0., 1.],
               [0., 3., 4.],
               [0., 6., 7.]], dtype=float32)
    """
    eng, (tensor, matrix) = dispatch(("tensor", "matrix"), tensor, matrix)
    x, unbatched = _image2d(eng, tensor)
    _check_common(mode, padding_mode, align_corners)
    (m,), _ = _params(eng, x, (matrix,), (("matrix", (2, 3), "(B, 2, 3)"),))
    return _warp(eng, x, m, mode, padding_mode, align_corners, unbatched)


@register_op()
def rotate(
    tensor: Array,
    angle: Array,
    center: Array | None = None,
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool = True,
) -> Array:
    """Rotate images about a centre (counter-clockwise as displayed for positive angles).

    Args:
        tensor: image ``(B, C, H, W)`` or ``(C, H, W)``.
        angle: ``(B,)`` (or ``(1,)``) angles in degrees.
        center: ``(B, 2)`` centres ``(x, y)`` in pixels; default the image centre
            ``((W - 1) / 2, (H - 1) / 2)``.
        mode, padding_mode, align_corners: as :func:`affine`.

    Returns:
        The rotated image, same shape.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.arange(9, dtype=np.float32).reshape(1, 1, 3, 3)
        >>> out = pv.geometry.transform.rotate(img, np.array([90.0], np.float32))
        >>> np.round(out[0, 0], 4) + 0.0
        array([[2., 5., 8.],
               [1., 4., 7.],
               [0., 3., 6.]], dtype=float32)
    """
    eng, (tensor, angle, center) = dispatch(("tensor", "angle", "center"), tensor, angle, center)
    x, unbatched = _image2d(eng, tensor)
    _check_common(mode, padding_mode, align_corners)
    xp = eng.xp
    if center is None:
        center = _center(xp, x, 2)
    (angle, center), _ = _params(
        eng, x, (angle, center), (("angle", (), "(B,)"), ("center", (2,), "(B, 2)"))
    )
    m = _matrix(xp, _rotation2d(xp, center, angle, xp.ones_like(center)))
    return _warp(eng, x, m, mode, padding_mode, align_corners, unbatched)


@register_op()
def translate(
    tensor: Array,
    translation: Array,
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool = True,
) -> Array:
    """Translate images by ``(dx, dy)`` pixels.

    Args:
        tensor: image ``(B, C, H, W)`` or ``(C, H, W)``.
        translation: ``(B, 2)`` offsets ``(dx, dy)``.
        mode, padding_mode, align_corners: as :func:`affine`.

    Returns:
        The translated image, same shape.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.arange(9, dtype=np.float32).reshape(1, 1, 3, 3)
        >>> pv.geometry.transform.translate(img, np.array([[0.0, 1.0]], np.float32))[0, 0]
        array([[0., 0., 0.],
               [0., 1., 2.],
               [3., 4., 5.]], dtype=float32)
    """
    eng, (tensor, translation) = dispatch(("tensor", "translation"), tensor, translation)
    x, unbatched = _image2d(eng, tensor)
    _check_common(mode, padding_mode, align_corners)
    xp = eng.xp
    (t,), _ = _params(eng, x, (translation,), (("translation", (2,), "(B, 2)"),))
    one, zero = xp.ones_like(t[:, 0]), xp.zeros_like(t[:, 0])
    m = _matrix(xp, [[one, zero, t[:, 0]], [zero, one, t[:, 1]]])
    return _warp(eng, x, m, mode, padding_mode, align_corners, unbatched)


@register_op()
def scale(
    tensor: Array,
    scale_factor: Array,
    center: Array | None = None,
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool = True,
) -> Array:
    """Scale images about a centre, keeping their size.

    Args:
        tensor: image ``(B, C, H, W)`` or ``(C, H, W)``.
        scale_factor: ``(B,)`` isotropic or ``(B, 2)`` ``(sx, sy)`` factors.
        center: ``(B, 2)`` centres ``(x, y)``; default the image centre.
        mode, padding_mode, align_corners: as :func:`affine`.

    Returns:
        The scaled image, same shape.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.zeros((1, 1, 5, 5), np.float32); img[0, 0, 2, 3] = 1.0
        >>> out = pv.geometry.transform.scale(img, np.array([2.0], np.float32))
        >>> [int(v) for v in np.argwhere(out[0, 0] == 1.0)[0]]
        [2, 4]
    """
    names = ("tensor", "scale_factor", "center")
    eng, (tensor, scale_factor, center) = dispatch(names, tensor, scale_factor, center)
    x, unbatched = _image2d(eng, tensor)
    _check_common(mode, padding_mode, align_corners)
    xp = eng.xp
    require_array("scale_factor", scale_factor)
    if scale_factor.ndim <= 1:  # isotropic: (B,) or one number
        scale_factor = xp.reshape(scale_factor, (-1,))
        scale_factor = xp.stack([scale_factor, scale_factor], axis=-1)
    if center is None:
        center = _center(xp, x, 2)
    (s, center), _ = _params(
        eng,
        x,
        (scale_factor, center),
        (("scale_factor", (2,), "(B,) or (B, 2)"), ("center", (2,), "(B, 2)")),
    )
    m = _matrix(xp, _rotation2d(xp, center, xp.zeros_like(s[:, 0]), s))
    return _warp(eng, x, m, mode, padding_mode, align_corners, unbatched)


@register_op()
def shear(
    tensor: Array,
    shear: Array,
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool = False,
) -> Array:
    """Shear images by raw factors about pixel ``(0, 0)``: ``x' = x + shx y``,
    ``y' = y + shy x`` (not angles; ``align_corners`` defaults to False, as Kornia).

    Args:
        tensor: image ``(B, C, H, W)`` or ``(C, H, W)``.
        shear: ``(B, 2)`` factors ``(shx, shy)``.
        mode, padding_mode, align_corners: as :func:`affine`.

    Returns:
        The sheared image, same shape.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.ones((1, 1, 4, 4), np.float32)
        >>> out = pv.geometry.transform.shear(img, np.array([[0.5, 0.0]], np.float32))
        >>> out.shape
        (1, 1, 4, 4)
    """
    eng, (tensor, sh) = dispatch(("tensor", "shear"), tensor, shear)
    x, unbatched = _image2d(eng, tensor)
    _check_common(mode, padding_mode, align_corners)
    xp = eng.xp
    (sh,), _ = _params(eng, x, (sh,), (("shear", (2,), "(B, 2)"),))
    one, zero = xp.ones_like(sh[:, 0]), xp.zeros_like(sh[:, 0])
    m = _matrix(xp, [[one, sh[:, 0], zero], [sh[:, 1], one, zero]])
    return _warp(eng, x, m, mode, padding_mode, align_corners, unbatched)


@register_op()
def affine3d(
    tensor: Array,
    matrix: Array,
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool = False,
) -> Array:
    """Warp volumes by affine matrices, keeping their size.

    Args:
        tensor: volume ``(B, C, D, H, W)`` or ``(C, D, H, W)``.
        matrix: ``(B, 3, 4)`` src -> dst voxel matrices acting on ``(x, y, z, 1)``.
        mode: ``"bilinear" | "nearest"``.
        padding_mode: ``"zeros" | "border" | "reflection"``.
        align_corners: interpolation flag (default False, unlike the 2D :func:`affine`).

    Returns:
        The warped volume, same shape.

    Example:
        >>> import numpy as np, portvision as pv
        >>> vol = np.arange(8, dtype=np.float32).reshape(1, 1, 2, 2, 2)
        >>> out = pv.geometry.transform.affine3d(vol, np.eye(4, dtype=np.float32)[None, :3])
        >>> bool(np.allclose(out, vol))
        True
    """
    eng, (tensor, matrix) = dispatch(("tensor", "matrix"), tensor, matrix)
    x, unbatched = _image3d(eng, tensor)
    _check_common(mode, padding_mode, align_corners)
    (m,), _ = _params(eng, x, (matrix,), (("matrix", (3, 4), "(B, 3, 4)"),))
    return _warp(eng, x, m, mode, padding_mode, align_corners, unbatched, d=3)


@register_op()
def rotate3d(
    tensor: Array,
    yaw: Array,
    pitch: Array,
    roll: Array,
    center: Array | None = None,
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool = False,
) -> Array:
    """Rotate volumes about a centre by the axis-angle vector ``(yaw, pitch, roll)``.

    As Kornia, ``(yaw, pitch, roll)`` is one axis-angle vector ``(rx, ry, rz)`` in degrees
    (:func:`get_projective_transform`), not three composed Euler rotations.

    Args:
        tensor: volume ``(B, C, D, H, W)`` or ``(C, D, H, W)``.
        yaw, pitch, roll: ``(B,)`` components ``rx``, ``ry``, ``rz`` in degrees.
        center: ``(B, 3)`` centres ``(x, y, z)``; default the volume centre.
        mode, padding_mode, align_corners: as :func:`affine3d` (default False).

    Returns:
        The rotated volume, same shape.

    Example:
        >>> import numpy as np, portvision as pv
        >>> vol = np.arange(27, dtype=np.float32).reshape(1, 1, 3, 3, 3)
        >>> z = np.zeros(1, np.float32)
        >>> out = pv.geometry.transform.rotate3d(vol, z, z, z, align_corners=True)
        >>> bool(np.allclose(out, vol))
        True
    """
    names = ("tensor", "yaw", "pitch", "roll", "center")
    eng, (tensor, yaw, pitch, roll, center) = dispatch(names, tensor, yaw, pitch, roll, center)
    x, unbatched = _image3d(eng, tensor)
    _check_common(mode, padding_mode, align_corners)
    xp = eng.xp
    if center is None:
        center = _center(xp, x, 3)
    spec = [(n, (), "(B,)") for n in ("yaw", "pitch", "roll")] + [("center", (3,), "(B, 3)")]
    (yaw, pitch, roll, center), _ = _params(eng, x, (yaw, pitch, roll, center), spec)
    angles = xp.stack([yaw, pitch, roll], axis=-1)
    m = _projective(xp, center, angles, xp.ones_like(angles))
    return _warp(eng, x, m, mode, padding_mode, align_corners, unbatched, d=3)
