"""A rectified horizontal stereo rig: ``StereoCamera`` (Kornia's
``kornia.geometry.camera.StereoCamera``) and its disparity-to-points reprojection.

The rig is given by the rectified ``(B, 3, 4)`` projection matrices of the left camera
``[[fx, 0, cx, 0], [0, fy, cy, 0], [0, 0, 1, 0]]`` and of the right camera (the same with
``-tx fx`` in the last column, ``tx > 0`` the baseline).  A disparity map is channels-last
``(B, H, W, 1)``; points come back ``(B, H, W, 3)`` in the left camera frame, as
``cv2.reprojectImageTo3D`` with the rig's ``Q`` matrix.
"""

from __future__ import annotations

from typing import Any

from portvision._checks import shape_of
from portvision._dispatch import dispatch, require_array
from portvision.geometry.conversions.points import from_homogeneous
from portvision.utils.grid import grid2d

Array = Any

_EPS_W = 1e-8  # homogeneous w below which a point is not divided (OpenCV's rule)


class StereoCamera:
    """A batch of rectified horizontal stereo rigs.

    Args:
        rectified_left_camera: ``(B, 3, 4)`` rectified projection of the left camera.
        rectified_right_camera: ``(B, 3, 4)`` of the right camera: equal to the left one except
            its last column, whose first entry ``-tx fx`` must be negative (``tx > 0``).

    Example:
        >>> import numpy as np, portvision as pv
        >>> left = np.array([[[100.0, 0, 2, 0], [0, 100.0, 1.5, 0], [0, 0, 1, 0]]])
        >>> right = left.copy(); right[0, 0, 3] = -100.0 * 0.5  # baseline 0.5
        >>> rig = pv.geometry.StereoCamera(left, right)
        >>> pts = rig.reproject_disparity_to_3D(np.full((1, 4, 5, 1), 10.0))
        >>> pts.shape, float(pts[0, 0, 0, 2])  # depth = fx * baseline / disparity
        ((1, 4, 5, 3), 5.0)
    """

    def __init__(self, rectified_left_camera: Array, rectified_right_camera: Array) -> None:
        names = ("rectified_left_camera", "rectified_right_camera")
        eng, (left, right) = dispatch(names, rectified_left_camera, rectified_right_camera)
        require_array(names[1], right)
        for name, m in zip(names, (left, right), strict=True):
            if m.ndim != 3 or tuple(m.shape[-2:]) != (3, 4):
                raise ValueError(f"{name}: expected shape (B, 3, 4), got {shape_of(m)}")
        if shape_of(left) != shape_of(right) or left.dtype != right.dtype:
            raise ValueError(
                f"rectified_right_camera: expected the shape and dtype of the left camera "
                f"{shape_of(left)} {left.dtype}, got {shape_of(right)} {right.dtype}"
            )
        xp = eng.xp
        if not eng.is_tracing(left):  # host checks of values, skipped under compilation
            if not bool(xp.all(left[..., :3] == right[..., :3])):
                raise ValueError(
                    "rectified_right_camera: expected the left camera's first three columns "
                    "(rectified cameras share their intrinsics)"
                )
            if not bool(xp.all(right[..., 0, 3] < 0)):
                raise ValueError(
                    "rectified_right_camera: expected a negative entry [0, 3] (-tx * fx with a "
                    f"positive baseline tx), got {eng.to_numpy(right[..., 0, 3]).tolist()}"
                )
        self._eng = eng
        self.rectified_left_camera = left
        self.rectified_right_camera = right
        self._Q_matrix = self._init_Q_matrix()

    @property
    def batch_size(self) -> int:
        return int(self.rectified_left_camera.shape[0])

    @property
    def fx(self) -> Array:
        return self.rectified_left_camera[..., 0, 0]

    @property
    def fy(self) -> Array:
        return self.rectified_left_camera[..., 1, 1]

    @property
    def cx_left(self) -> Array:
        return self.rectified_left_camera[..., 0, 2]

    @property
    def cx_right(self) -> Array:
        return self.rectified_right_camera[..., 0, 2]

    @property
    def cy(self) -> Array:
        return self.rectified_left_camera[..., 1, 2]

    @property
    def tx(self) -> Array:
        """``(B,)`` horizontal baseline ``-P_right[0, 3] / fx``."""
        return -self.rectified_right_camera[..., 0, 3] / self.fx

    @property
    def Q(self) -> Array:  # noqa: N802 - Kornia's name
        """``(B, 4, 4)`` disparity-to-depth matrix (OpenCV's ``Q`` with ``fx != fy`` allowed)."""
        return self._Q_matrix

    def _init_Q_matrix(self):  # noqa: N802
        xp = self._eng.xp
        fx, fy, cx, cy, b = self.fx, self.fy, self.cx_left, self.cy, -self.tx
        zero = xp.zeros_like(fx)
        rows = [
            [fy * b, zero, zero, -fy * cx * b],
            [zero, fx * b, zero, -fx * cy * b],
            [zero, zero, zero, fx * fy * b],
            [zero, zero, -fy, fy * (cx - self.cx_right)],
        ]
        return xp.stack([xp.stack(r, axis=-1) for r in rows], axis=-2)

    def reproject_disparity_to_3D(  # noqa: N802 - Kornia's name
        self, disparity_tensor: Array, return_mask: bool = False
    ) -> Array | tuple[Array, Array]:
        """Points ``Q (u, v, d, 1)`` (divided by their ``w`` where ``|w| > 1e-8``) of every pixel.

        Args:
            disparity_tensor: ``(B, H, W, 1)`` float disparities.
            return_mask: also return ``(B, H, W, 1)`` booleans: finite homogeneous
                components, ``|w| > 1e-8`` and finite points (a numerical diagnostic only).

        Returns:
            ``(B, H, W, 3)`` points in the left camera frame (and the mask).
        """
        return _reproject(self._eng, disparity_tensor, self._Q_matrix, return_mask)


def _reproject(eng, disparity, q, return_mask):
    eng_d, (disparity,) = dispatch(("disparity_tensor",), disparity)
    if eng_d is not eng:
        raise TypeError(
            f"disparity_tensor: expected an array of the rig's engine {eng.name!r}, "
            f"got {type(disparity).__module__}.{type(disparity).__qualname__}"
        )
    if disparity.ndim != 4 or disparity.shape[-1] != 1:
        raise ValueError(
            f"disparity_tensor: expected shape (B, H, W, 1), got {shape_of(disparity)}"
        )
    xp = eng.xp
    if not xp.isdtype(disparity.dtype, "real floating"):
        raise TypeError(f"disparity_tensor: expected a real floating dtype, got {disparity.dtype}")
    if not isinstance(return_mask, bool):
        raise TypeError(f"return_mask: expected a bool, got {type(return_mask).__name__}")
    b, h, w = (int(s) for s in disparity.shape[:3])
    if q.shape[0] not in (1, b):
        raise ValueError(
            f"disparity_tensor: expected a batch of {int(q.shape[0])} (the rig's), got {b}"
        )
    q = xp.astype(q, disparity.dtype) if q.dtype != disparity.dtype else q
    uv = xp.broadcast_to(
        grid2d(xp, h, w, False, True, disparity.dtype, disparity.device), (b, h, w, 2)
    )
    # Q (u, v, d, 1)^T as a sum of Q's columns (each (B, 1, 1, 4)) weighted per pixel
    col = [q[:, None, None, :, j] for j in range(4)]
    homogeneous = uv[..., 0:1] * col[0] + uv[..., 1:2] * col[1] + disparity * col[2] + col[3]
    points = from_homogeneous(xp, homogeneous, _EPS_W)
    if not return_mask:
        return points
    finite = xp.all(xp.isfinite(homogeneous), axis=-1, keepdims=True)
    valid = finite & (xp.abs(homogeneous[..., 3:]) > _EPS_W)
    return points, valid & xp.all(xp.isfinite(points), axis=-1, keepdims=True)


__all__ = ["StereoCamera"]
