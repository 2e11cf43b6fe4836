"""Camera models (Kornia's ``kornia.geometry.camera`` and the lens functions of
``kornia.geometry.calibration``): ``PinholeCamera`` and ``StereoCamera``, perspective /
orthographic / ``z = 1`` projections, the affine and Kannala-Brandt models, and OpenCV's lens
model (``distort_points``, ``undistort_points``, ``undistort_image``, ``tilt_projection``).

Pixels are ``(u, v)`` = (column, row) with integer pixel centres; camera-frame points are
``(x, y, z)`` with ``z`` the depth; extrinsics map world to camera.
"""

from portvision._package import export_submodules

__all__ = export_submodules(__name__, __path__, globals())
