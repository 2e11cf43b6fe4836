"""The pinhole camera: ``PinholeCamera`` and the pixel <-> camera-frame maps ``pixel2cam`` /
``cam2pixel``.

Conventions (Kornia's): ``intrinsics`` is ``(B, 4, 4)`` with ``K = [[fx, 0, cx], [0, fy, cy],
[0, 0, 1]]`` in its top-left block; ``extrinsics`` is the ``(B, 4, 4)`` *world-to-camera*
transform ``[R | t]``; pixels ``(u, v)`` have integer centres; ``depth`` is the camera-frame
``z``.  Only the top-left 3x3 block of ``intrinsics`` is ever read.
"""

from __future__ import annotations

from typing import Any

from portvision._array import to_float
from portvision._checks import shape_of
from portvision._dispatch import dispatch, factory, require_array
from portvision._registry import register_op
from portvision.geometry.conversions.points import from_homogeneous, to_homogeneous
from portvision.geometry.linalg import transform_points

Array = Any

_NUMBER = (int, float)


def _last_row(xp, top):
    """The homogeneous row ``(0, 0, 0, 1)`` for a ``(*, 3, 4)`` stack."""
    row = xp.asarray([0.0, 0.0, 0.0, 1.0], dtype=top.dtype, device=top.device)
    return xp.broadcast_to(row, tuple(top.shape[:-2]) + (1, 4))


def _embed(xp, k3):
    """A ``(*, 3, 3)`` matrix in the top-left block of a homogeneous ``(*, 4, 4)``."""
    zcol = xp.zeros(tuple(k3.shape[:-2]) + (3, 1), dtype=k3.dtype, device=k3.device)
    top = xp.concat([k3, zcol], axis=-1)
    return xp.concat([top, _last_row(xp, top)], axis=-2)


def _entry_mask(xp, entries, like):
    """``(4, 4)`` float mask with ones at ``entries`` (for functional updates)."""
    rows = xp.arange(4, device=like.device)[:, None]
    cols = xp.arange(4, device=like.device)[None, :]
    m = xp.zeros((4, 4), dtype=xp.bool, device=like.device)
    for i, j in entries:
        m = m | ((rows == i) & (cols == j))
    return m


def _per_camera(xp, value, like, name: str):
    """A number or a ``(B,)`` / ``(1,)`` / ``()`` array as ``(B | 1, 1, 1)`` on ``like``'s dtype."""
    if isinstance(value, _NUMBER) and not isinstance(value, bool):
        return value
    require_array(name, value)
    if value.ndim > 1 or (value.ndim == 1 and value.shape[0] not in (1, like.shape[0])):
        raise ValueError(
            f"{name}: expected a number or shape ({int(like.shape[0])},), (1,) or (), "
            f"got {shape_of(value)}"
        )
    return xp.reshape(xp.astype(value, like.dtype), (-1, 1, 1))


class PinholeCamera:
    """A batch of pinhole cameras over engine arrays (Kornia's ``PinholeCamera``).

    Args:
        intrinsics: ``(B, 4, 4)`` calibration matrices (``K`` in the top-left 3x3 block).
        extrinsics: ``(B, 4, 4)`` world-to-camera transforms.
        height: ``(B,)`` image heights.
        width: ``(B,)`` image widths.

    The object never writes into the arrays it holds: :meth:`scale_` and the ``tx`` / ``ty``
    / ``tz`` setters replace them with new arrays.

    Example:
        >>> import numpy as np, portvision as pv
        >>> K = np.array([[[100.0, 0, 32, 0], [0, 100.0, 24, 0], [0, 0, 1, 0], [0, 0, 0, 1]]])
        >>> cam = pv.geometry.PinholeCamera(K, np.eye(4)[None], np.array([48.0]), np.array([64.0]))
        >>> cam.project(np.array([[[0.1, -0.2, 2.0]]]))
        array([[[37., 14.]]])
        >>> np.round(cam.unproject(np.array([[[37.0, 14.0]]]), np.array([[[2.0]]])), 6)
        array([[[ 0.1, -0.2,  2. ]]])
    """

    def __init__(self, intrinsics: Array, extrinsics: Array, height: Array, width: Array) -> None:
        names = ("intrinsics", "extrinsics", "height", "width")
        eng, arrays = dispatch(names, intrinsics, extrinsics, height, width)
        for name, a in zip(names, arrays, strict=True):
            require_array(name, a)
        intrinsics, extrinsics, height, width = arrays
        for name, m in (("intrinsics", intrinsics), ("extrinsics", extrinsics)):
            if m.ndim != 3 or tuple(m.shape[-2:]) != (4, 4):
                raise ValueError(f"{name}: expected shape (B, 4, 4), got {shape_of(m)}")
        for name, v in (("height", height), ("width", width)):
            if v.ndim != 1:
                raise ValueError(f"{name}: expected shape (B,), got {shape_of(v)}")
        sizes = [int(a.shape[0]) for a in arrays]
        if len(set(sizes)) != 1:
            raise ValueError(
                f"extrinsics: expected the batch size of intrinsics for every argument, got "
                f"shapes {[shape_of(a) for a in arrays]}"
            )
        self._eng = eng
        self._intrinsics = intrinsics
        self._extrinsics = extrinsics
        self.height = height
        self.width = width

    # -- stored matrices and their parts --------------------------------------------------
    def device(self):
        """The device of the camera's arrays."""
        return self._eng.device(self._intrinsics)

    @property
    def intrinsics(self) -> Array:
        """``(B, 4, 4)`` intrinsics."""
        return self._intrinsics

    @property
    def extrinsics(self) -> Array:
        """``(B, 4, 4)`` world-to-camera extrinsics."""
        return self._extrinsics

    @property
    def batch_size(self) -> int:
        return int(self._intrinsics.shape[0])

    @property
    def fx(self) -> Array:
        return self._intrinsics[..., 0, 0]

    @property
    def fy(self) -> Array:
        return self._intrinsics[..., 1, 1]

    @property
    def cx(self) -> Array:
        return self._intrinsics[..., 0, 2]

    @property
    def cy(self) -> Array:
        return self._intrinsics[..., 1, 2]

    def _set_translation(self, row: int, value, name: str) -> None:
        xp = self._eng.xp
        e = self._extrinsics
        v = _per_camera(xp, value, e, name)
        mask = _entry_mask(xp, [(row, 3)], e)
        self._extrinsics = xp.where(mask, v if not isinstance(v, _NUMBER) else float(v), e)

    @property
    def tx(self) -> Array:
        return self._extrinsics[..., 0, 3]

    @tx.setter
    def tx(self, value) -> None:
        self._set_translation(0, value, "tx")

    @property
    def ty(self) -> Array:
        return self._extrinsics[..., 1, 3]

    @ty.setter
    def ty(self, value) -> None:
        self._set_translation(1, value, "ty")

    @property
    def tz(self) -> Array:
        return self._extrinsics[..., 2, 3]

    @tz.setter
    def tz(self, value) -> None:
        self._set_translation(2, value, "tz")

    @property
    def rt_matrix(self) -> Array:
        """``(B, 3, 4)`` rotation-translation matrix."""
        return self._extrinsics[..., :3, :4]

    @property
    def camera_matrix(self) -> Array:
        """``(B, 3, 3)`` intrinsics ``K``."""
        return self._intrinsics[..., :3, :3]

    @property
    def rotation_matrix(self) -> Array:
        return self._extrinsics[..., :3, :3]

    @property
    def translation_vector(self) -> Array:
        """``(B, 3, 1)`` translation."""
        return self._extrinsics[..., :3, 3:]

    # -- derived cameras and matrices ------------------------------------------------------
    def clone(self) -> PinholeCamera:
        """An independent camera with the same parameters."""
        # the arrays are never written in place, so sharing them keeps the cameras independent
        return PinholeCamera(self._intrinsics, self._extrinsics, self.height, self.width)

    def intrinsics_inverse(self) -> Array:
        """``(B, 4, 4)``: the inverse of ``K`` embedded in a homogeneous matrix."""
        xp = self._eng.xp
        k = to_float(xp, self.camera_matrix)
        return _embed(xp, xp.linalg.inv(k))

    def _scaled(self, scale_factor):
        xp = self._eng.xp
        k = self._intrinsics
        s = _per_camera(xp, scale_factor, k, "scale_factor")
        mask = _entry_mask(xp, [(0, 0), (1, 1), (0, 2), (1, 2)], k)
        intrinsics = xp.where(mask, k * s, k)
        if isinstance(s, _NUMBER):
            return intrinsics, self.height * s, self.width * s
        return intrinsics, s[:, 0, 0] * self.height, s[:, 0, 0] * self.width

    def scale(self, scale_factor) -> PinholeCamera:
        """A new camera with ``fx, fy, cx, cy``, height and width multiplied by ``scale_factor``
        (a number or a ``(B,)`` / ``(1,)`` array); as Kornia, ``cx' = s cx``."""
        intrinsics, height, width = self._scaled(scale_factor)
        return PinholeCamera(intrinsics, self._extrinsics, height, width)

    def scale_(self, scale_factor) -> PinholeCamera:
        """:meth:`scale` applied to this camera (arrays replaced, not written); returns it."""
        self._intrinsics, self.height, self.width = self._scaled(scale_factor)
        return self

    def _projection_matrix(self):
        """``(B, 4, 4)``: ``K [R | t]`` with a last row ``(0, 0, 0, 1)``, from the 3x3 block."""
        xp = self._eng.xp
        k, e = self.camera_matrix, self._extrinsics
        top = xp.concat([k @ e[..., :3, :3], k @ e[..., :3, 3:]], axis=-1)
        return xp.concat([top, _last_row(xp, top)], axis=-2)

    def project(self, point_3d: Array) -> Array:
        """World points ``(B, *, N, 3)`` to pixels ``(B, *, N, 2)``: ``K (R X + t)`` then the
        perspective division (skipped where ``|z| <= 1e-8``)."""
        eng, point_3d = self._own("point_3d", point_3d)
        if point_3d.ndim < 2 or point_3d.shape[-1] != 3:
            raise ValueError(f"point_3d: expected shape (B, *, N, 3), got {shape_of(point_3d)}")
        cam = transform_points(self._projection_matrix(), point_3d)
        return from_homogeneous(eng.xp, cam)

    def unproject(self, point_2d: Array, depth: Array) -> Array:
        """Pixels ``(B, *, N, 2)`` at camera-frame depths ``(B, *, N, 1)`` to world points
        ``(B, *, N, 3)``."""
        eng, point_2d = self._own("point_2d", point_2d)
        _, depth = self._own("depth", depth)
        if point_2d.ndim < 2 or point_2d.shape[-1] != 2:
            raise ValueError(f"point_2d: expected shape (B, *, N, 2), got {shape_of(point_2d)}")
        if depth.ndim < 1 or depth.shape[-1] != 1:
            raise ValueError(f"depth: expected shape (*, 1), got {shape_of(depth)}")
        xp = eng.xp
        p_inv = xp.linalg.inv(to_float(xp, self._projection_matrix()))
        pts = to_homogeneous(xp, to_float(xp, point_2d)) * xp.astype(depth, p_inv.dtype)
        return transform_points(p_inv, pts)

    def _own(self, name, x):
        eng, (x,) = dispatch((name,), x)
        if eng is not self._eng:
            raise TypeError(
                f"{name}: expected an array of the camera's engine {self._eng.name!r}, "
                f"got {type(x).__module__}.{type(x).__qualname__}"
            )
        return eng, x

    @classmethod
    def from_parameters(
        cls,
        fx,
        fy,
        cx,
        cy,
        height: int,
        width: int,
        tx,
        ty,
        tz,
        batch_size: int,
        device=None,
        dtype=None,
    ) -> PinholeCamera:
        """Build ``batch_size`` cameras from focal lengths, principal point, image size and
        translation (numbers or ``(B,)`` arrays; identity rotation).

        The engine is the one of the array arguments (else the current backend); ``dtype``
        defaults to float32.
        """
        values = (fx, fy, cx, cy, tx, ty, tz)
        arrays = [v for v in values if not isinstance(v, _NUMBER)]
        if arrays:
            eng, _ = dispatch(tuple(f"arg{i}" for i in range(len(arrays))), *arrays)
            dev = device if device is not None else eng.device(arrays[0])
        else:
            eng, dev = factory()
            dev = device if device is not None else dev
        xp = eng.xp
        dt = xp.float32 if dtype is None else eng.dtype(dtype)

        def col(v):
            if isinstance(v, _NUMBER):
                return xp.full((batch_size,), float(v), dtype=dt, device=dev)
            return xp.broadcast_to(xp.reshape(xp.astype(v, dt), (-1,)), (batch_size,))

        fx, fy, cx, cy, tx, ty, tz = (col(v) for v in values)
        zero, one = xp.zeros_like(fx), xp.ones_like(fx)

        def mat(rows):
            return xp.stack([xp.stack(r, axis=-1) for r in rows], axis=-2)

        intrinsics = mat(
            [
                [fx, zero, cx, zero],
                [zero, fy, cy, zero],
                [zero, zero, one, zero],
                [zero] * 3 + [one],
            ]
        )
        extrinsics = mat(
            [
                [one, zero, zero, tx],
                [zero, one, zero, ty],
                [zero, zero, one, tz],
                [zero] * 3 + [one],
            ]
        )
        h = xp.full((batch_size,), float(height), dtype=dt, device=dev)
        w = xp.full((batch_size,), float(width), dtype=dt, device=dev)
        return cls(intrinsics, extrinsics, h, w)


@register_op()
def pixel2cam(depth: Array, intrinsics_inv: Array, pixel_coords: Array) -> Array:
    """Lift homogeneous pixels to camera-frame points: ``depth * K^-1 (u, v, 1)``.

    Args:
        depth: ``(B, 1, H, W)`` camera-frame depths.
        intrinsics_inv: ``(B, 4, 4)`` inverse intrinsics
            (``PinholeCamera.intrinsics_inverse()``).
        pixel_coords: ``(B, H, W, 3)`` homogeneous pixels ``(u, v, 1)``.

    Returns:
        ``(B, H, W, 3)`` camera-frame points.

    Example:
        >>> import numpy as np, portvision as pv
        >>> k_inv = np.linalg.inv(np.diag([2.0, 2.0, 1.0, 1.0]))[None]
        >>> pix = np.array([[[[4.0, 2.0, 1.0]]]])
        >>> pv.geometry.pixel2cam(np.full((1, 1, 1, 1), 3.0), k_inv, pix)
        array([[[[6., 3., 3.]]]])
    """
    names = ("depth", "intrinsics_inv", "pixel_coords")
    eng, (depth, intrinsics_inv, pixel_coords) = dispatch(
        names, depth, intrinsics_inv, pixel_coords
    )
    require_array("intrinsics_inv", intrinsics_inv)
    require_array("pixel_coords", pixel_coords)
    if depth.ndim != 4 or depth.shape[1] != 1:
        raise ValueError(f"depth: expected shape (B, 1, H, W), got {shape_of(depth)}")
    if intrinsics_inv.ndim != 3 or tuple(intrinsics_inv.shape[-2:]) != (4, 4):
        raise ValueError(
            f"intrinsics_inv: expected shape (B, 4, 4), got {shape_of(intrinsics_inv)}"
        )
    if pixel_coords.ndim != 4 or pixel_coords.shape[-1] != 3:
        raise ValueError(f"pixel_coords: expected shape (B, H, W, 3), got {shape_of(pixel_coords)}")
    xp = eng.xp
    cam = transform_points(intrinsics_inv, pixel_coords)
    return cam * xp.astype(xp.permute_dims(depth, (0, 2, 3, 1)), cam.dtype)


@register_op()
def cam2pixel(cam_coords_src: Array, dst_proj_src: Array, eps: float = 1e-12) -> Array:
    """Project camera-frame points with a ``(B, 4, 4)`` matrix: ``(x, y) / (z + eps)``.

    Args:
        cam_coords_src: ``(B, H, W, 3)`` points in the source camera frame.
        dst_proj_src: ``(B, 4, 4)`` projection from the source frame to destination pixels.
        eps: added to ``z`` before the division (Kornia's rule, a bias for small depths).

    Returns:
        ``(B, H, W, 2)`` pixels ``(u, v)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> P = np.diag([2.0, 2.0, 1.0, 1.0])[None]
        >>> pv.geometry.cam2pixel(np.array([[[[6.0, 3.0, 3.0]]]]), P, eps=0.0)
        array([[[[4., 2.]]]])
    """
    names = ("cam_coords_src", "dst_proj_src")
    eng, (cam_coords_src, dst_proj_src) = dispatch(names, cam_coords_src, dst_proj_src)
    require_array("dst_proj_src", dst_proj_src)
    if cam_coords_src.ndim != 4 or cam_coords_src.shape[-1] != 3:
        raise ValueError(
            f"cam_coords_src: expected shape (B, H, W, 3), got {shape_of(cam_coords_src)}"
        )
    if dst_proj_src.ndim != 3 or tuple(dst_proj_src.shape[-2:]) != (4, 4):
        raise ValueError(f"dst_proj_src: expected shape (B, 4, 4), got {shape_of(dst_proj_src)}")
    if not isinstance(eps, _NUMBER) or isinstance(eps, bool):
        raise TypeError(f"eps: expected a number, got {type(eps).__name__}")
    xp = eng.xp
    p = transform_points(dst_proj_src, cam_coords_src)
    z = p[..., 2] + eps
    return xp.stack([p[..., 0] / z, p[..., 1] / z], axis=-1)


__all__ = ["PinholeCamera", "cam2pixel", "pixel2cam"]
