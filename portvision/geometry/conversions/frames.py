"""Poses and camera-frame conventions: ``[R | t]`` <-> 4x4, camera-to-world <-> world-to-camera,
graphics (OpenGL: +y up, +z backwards) <-> vision (OpenCV: +y down, +z forwards), ARKit <->
Colmap quaternion poses, and the skew-symmetric (cross-product) matrix."""

from __future__ import annotations

from portvision._checks import check_bool, dtype_name, shape_of
from portvision._dispatch import dispatch, dispatch1
from portvision._registry import register_op
from portvision.geometry.conversions._common import Array, check_matrix, common_float
from portvision.geometry.conversions.rotations import (
    check_is_rotation,
    matrix_to_quaternion,
    quaternion_to_matrix,
)

__all__ = [
    "ARKitQTVecs_to_ColmapQTVecs",
    "ColmapQTVecs_to_ARKitQTVecs",
    "Rt_to_matrix4x4",
    "camtoworld_graphics_to_vision_4x4",
    "camtoworld_graphics_to_vision_Rt",
    "camtoworld_to_worldtocam_Rt",
    "camtoworld_vision_to_graphics_4x4",
    "camtoworld_vision_to_graphics_Rt",
    "matrix4x4_to_Rt",
    "vector_to_skew_symmetric_matrix",
    "worldtocam_to_camtoworld_Rt",
]


def _Rt_inputs(R, t):
    eng, (R, t) = dispatch(("R", "t"), R, t)
    dispatch1("t", t)
    check_matrix(R, "R", 3, 3, (3,), "(B, 3, 3)")
    check_matrix(t, "t", 3, 1, (3,), "(B, 3, 1)")
    if R.shape[0] != t.shape[0]:
        raise ValueError(
            f"t: expected the batch size of R ({int(R.shape[0])}), got shape {shape_of(t)}"
        )
    return eng, R, t


def _float_pair(eng, R, t, what: str = "R and t"):
    xp = eng.xp
    if not (xp.isdtype(R.dtype, "real floating") or xp.isdtype(t.dtype, "real floating")):
        got = f"{dtype_name(R.dtype)} and {dtype_name(t.dtype)}"
        raise TypeError(f"{what}: expected a real floating dtype, got {got}")
    return common_float(xp, R, t)


def _pack(xp, R, t):
    top = xp.concat([R, t], axis=-1)
    bottom = xp.concat([xp.zeros_like(top[..., :1, :3]), xp.ones_like(top[..., :1, 3:])], axis=-1)
    return xp.concat([top, bottom], axis=-2)


@register_op()
def Rt_to_matrix4x4(R: Array, t: Array) -> Array:
    """Pack a rotation ``R`` and translation ``t`` into ``[[R, t], [0, 0, 0, 1]]``.

    Args:
        R: ``(B, 3, 3)`` rotations (not checked).
        t: ``(B, 3, 1)`` translations.

    Returns:
        ``(B, 4, 4)`` matrices acting as ``x -> R x + t``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.Rt_to_matrix4x4(np.eye(3)[None], np.ones((1, 3, 1)))[0]
        array([[1., 0., 0., 1.],
               [0., 1., 0., 1.],
               [0., 0., 1., 1.],
               [0., 0., 0., 1.]])
    """
    eng, R, t = _Rt_inputs(R, t)
    R, t = _float_pair(eng, R, t)
    return _pack(eng.xp, R, t)


@register_op()
def matrix4x4_to_Rt(extrinsics: Array) -> tuple[Array, Array]:
    """Split 4x4 poses into ``R`` (top-left block) and ``t`` (last column); the bottom row
    is ignored.

    Args:
        extrinsics: ``(B, 4, 4)`` matrices.

    Returns:
        ``(R, t)`` of shapes ``(B, 3, 3)`` and ``(B, 3, 1)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> R, t = pv.geometry.matrix4x4_to_Rt(np.eye(4)[None])
        >>> R.shape, t.shape
        ((1, 3, 3), (1, 3, 1))
    """
    eng, extrinsics = dispatch1("extrinsics", extrinsics)
    check_matrix(extrinsics, "extrinsics", 4, 4, (3,), "(B, 4, 4)")
    return extrinsics[:, :3, :3], extrinsics[:, :3, 3:]


def _flip_yz(eng, name: str, E):
    """``E @ diag(1, -1, -1, 1)``: negate the camera y and z columns (exact)."""
    check_matrix(E, name, 4, 4, (3,), "(B, 4, 4)")
    xp = eng.xp
    return xp.concat([E[..., :1], -E[..., 1:3], E[..., 3:]], axis=-1)


@register_op()
def camtoworld_graphics_to_vision_4x4(extrinsics_graphics: Array) -> Array:
    """Change a camera-to-world pose from the graphics camera frame (OpenGL: x right, y up,
    z backwards) to the vision one (OpenCV: x right, y down, z forwards).

    Right-multiplies by ``diag(1, -1, -1, 1)`` (negates the y and z columns of the rotation;
    the translation is untouched).  The map is its own inverse.

    Args:
        extrinsics_graphics: ``(B, 4, 4)`` camera-to-world poses.

    Returns:
        ``(B, 4, 4)`` poses in the vision frame.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.camtoworld_graphics_to_vision_4x4(np.eye(4)[None])[0]
        array([[ 1., -0., -0.,  0.],
               [ 0., -1., -0.,  0.],
               [ 0., -0., -1.,  0.],
               [ 0., -0., -0.,  1.]])
    """
    eng, E = dispatch1("extrinsics_graphics", extrinsics_graphics)
    return _flip_yz(eng, "extrinsics_graphics", E)


@register_op()
def camtoworld_vision_to_graphics_4x4(extrinsics_vision: Array) -> Array:
    """Change a camera-to-world pose from the vision frame to the graphics one (the same
    map as :func:`camtoworld_graphics_to_vision_4x4`, which is its own inverse).

    Args:
        extrinsics_vision: ``(B, 4, 4)`` camera-to-world poses.

    Returns:
        ``(B, 4, 4)`` poses in the graphics frame.

    Example:
        >>> import numpy as np, portvision as pv
        >>> E = pv.geometry.camtoworld_vision_to_graphics_4x4(np.eye(4)[None])
        >>> np.diag(E[0])
        array([ 1., -1., -1.,  1.])
    """
    eng, E = dispatch1("extrinsics_vision", extrinsics_vision)
    return _flip_yz(eng, "extrinsics_vision", E)


def _flip_Rt(R, t):
    eng, R, t = _Rt_inputs(R, t)
    xp = eng.xp
    R = xp.concat([R[..., :1], -R[..., 1:]], axis=-1)
    return R, t


@register_op()
def camtoworld_graphics_to_vision_Rt(R: Array, t: Array) -> tuple[Array, Array]:
    """``(R, t)`` form of :func:`camtoworld_graphics_to_vision_4x4`.

    Args:
        R: ``(B, 3, 3)`` camera-to-world rotations (graphics frame).
        t: ``(B, 3, 1)`` camera centres (returned unchanged).

    Returns:
        ``(R, t)`` in the vision frame: ``R`` with its y and z columns negated.

    Example:
        >>> import numpy as np, portvision as pv
        >>> R, t = pv.geometry.camtoworld_graphics_to_vision_Rt(np.eye(3)[None], np.ones((1, 3, 1)))
        >>> np.diag(R[0]), t[0, :, 0]
        (array([ 1., -1., -1.]), array([1., 1., 1.]))
    """
    return _flip_Rt(R, t)


@register_op()
def camtoworld_vision_to_graphics_Rt(R: Array, t: Array) -> tuple[Array, Array]:
    """``(R, t)`` form of :func:`camtoworld_vision_to_graphics_4x4`.

    Args:
        R: ``(B, 3, 3)`` camera-to-world rotations (vision frame).
        t: ``(B, 3, 1)`` camera centres (returned unchanged).

    Returns:
        ``(R, t)`` in the graphics frame.

    Example:
        >>> import numpy as np, portvision as pv
        >>> R, t = pv.geometry.camtoworld_vision_to_graphics_Rt(np.eye(3)[None], np.ones((1, 3, 1)))
        >>> np.diag(R[0])
        array([ 1., -1., -1.])
    """
    return _flip_Rt(R, t)


def _invert_Rt(R, t, check_rotation):
    eng, R, t = _Rt_inputs(R, t)
    check_bool(check_rotation, "check_rotation")
    xp = eng.xp
    if check_rotation:
        check_is_rotation(eng, R if xp.isdtype(R.dtype, "real floating") else
                          xp.astype(R, xp.float32), "R")  # fmt: skip
    rt = xp.matrix_transpose(R)
    return rt, -(rt @ t)


@register_op()
def camtoworld_to_worldtocam_Rt(
    R: Array, t: Array, check_rotation: bool = False
) -> tuple[Array, Array]:
    """Invert a camera-to-world pose into Colmap's world-to-camera one: ``(R^T, -R^T t)``.

    ``t`` is the camera centre in world coordinates; the result's ``t`` is the translation
    of Colmap's ``images.txt``.  Its own inverse (for rotations).

    Args:
        R: ``(B, 3, 3)`` rotations.
        t: ``(B, 3, 1)`` translations.
        check_rotation: raise ``ValueError`` unless every ``R`` is a rotation.

    Returns:
        ``(R, t)`` of the inverse pose.

    Example:
        >>> import numpy as np, portvision as pv
        >>> R, t = pv.geometry.camtoworld_to_worldtocam_Rt(np.eye(3)[None], np.ones((1, 3, 1)))
        >>> t[0, :, 0]
        array([-1., -1., -1.])
    """
    return _invert_Rt(R, t, check_rotation)


@register_op()
def worldtocam_to_camtoworld_Rt(
    R: Array, t: Array, check_rotation: bool = False
) -> tuple[Array, Array]:
    """Invert a world-to-camera pose (Colmap) into a camera-to-world one: ``(R^T, -R^T t)``.

    Args:
        R: ``(B, 3, 3)`` rotations.
        t: ``(B, 3, 1)`` translations.
        check_rotation: raise ``ValueError`` unless every ``R`` is a rotation.

    Returns:
        ``(R, t)`` of the inverse pose (``t`` is the camera centre).

    Example:
        >>> import numpy as np, portvision as pv
        >>> R, t = pv.geometry.worldtocam_to_camtoworld_Rt(np.eye(3)[None], np.ones((1, 3, 1)))
        >>> t[0, :, 0]
        array([-1., -1., -1.])
    """
    return _invert_Rt(R, t, check_rotation)


def _qt_inputs(qvec, tvec):
    eng, (qvec, tvec) = dispatch(("qvec", "tvec"), qvec, tvec)
    dispatch1("tvec", tvec)
    if qvec.ndim != 2 or qvec.shape[-1] != 4:
        raise ValueError(f"qvec: expected shape (B, 4), got {shape_of(qvec)}")
    check_matrix(tvec, "tvec", 3, 1, (3,), "(B, 3, 1)")
    if qvec.shape[0] != tvec.shape[0]:
        raise ValueError(
            f"tvec: expected the batch size of qvec ({int(qvec.shape[0])}), got {shape_of(tvec)}"
        )
    qvec, tvec = _float_pair(eng, qvec, tvec, "qvec and tvec")
    return eng, qvec, tvec


@register_op()
def ARKitQTVecs_to_ColmapQTVecs(qvec: Array, tvec: Array) -> tuple[Array, Array]:
    """Convert an ARKit camera-to-world pose (graphics frame) to Colmap's world-to-camera
    pose (vision frame), both as a quaternion ``(w, x, y, z)`` and a translation.

    Pipeline: quaternion -> matrix, graphics -> vision, invert, matrix -> quaternion (the
    sign is not canonicalised; compare rotations, not raw components).

    Args:
        qvec: ``(B, 4)`` quaternions.
        tvec: ``(B, 3, 1)`` camera centres.

    Returns:
        ``(qvec, tvec)`` of shapes ``(B, 4)`` and ``(B, 3, 1)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> q, t = pv.geometry.ARKitQTVecs_to_ColmapQTVecs(
        ...     np.array([[0.0, 1.0, 0.0, 1.0]]), np.ones((1, 3, 1)))
        >>> np.round(q, 4) + 0.0, np.round(t[0, :, 0], 4)
        (array([[0.7071, 0.    , 0.7071, 0.    ]]), array([-1., -1.,  1.]))
    """
    eng, q, t = _qt_inputs(qvec, tvec)
    xp = eng.xp
    R = quaternion_to_matrix(xp, q)
    R = xp.concat([R[..., :1], -R[..., 1:]], axis=-1)  # graphics -> vision
    rt = xp.matrix_transpose(R)
    return matrix_to_quaternion(xp, rt), -(rt @ t)


@register_op()
def ColmapQTVecs_to_ARKitQTVecs(qvec: Array, tvec: Array) -> tuple[Array, Array]:
    """Convert a Colmap world-to-camera pose (vision frame) to an ARKit camera-to-world pose
    (graphics frame); the inverse of :func:`ARKitQTVecs_to_ColmapQTVecs` up to the
    quaternion's sign.

    Args:
        qvec: ``(B, 4)`` quaternions ``(w, x, y, z)``.
        tvec: ``(B, 3, 1)`` translations.

    Returns:
        ``(qvec, tvec)`` of shapes ``(B, 4)`` and ``(B, 3, 1)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> q, t = pv.geometry.ColmapQTVecs_to_ARKitQTVecs(
        ...     np.array([[0.7071, 0.0, 0.7071, 0.0]]), -np.ones((1, 3, 1)) * [[[1], [1], [-1]]])
        >>> np.round(q, 4) + 0.0, np.round(t[0, :, 0], 4)
        (array([[0.    , 0.7071, 0.    , 0.7071]]), array([1., 1., 1.]))
    """
    eng, q, t = _qt_inputs(qvec, tvec)
    xp = eng.xp
    R = quaternion_to_matrix(xp, q)
    rt = xp.matrix_transpose(R)
    t = -(rt @ t)
    R = xp.concat([rt[..., :1], -rt[..., 1:]], axis=-1)  # vision -> graphics
    return matrix_to_quaternion(xp, R), t


@register_op()
def vector_to_skew_symmetric_matrix(vec: Array) -> Array:
    """The matrix ``[v]_x`` with ``[v]_x @ u == cross(v, u)``.

    Args:
        vec: ``(B, 3)`` or ``(3,)`` vectors.

    Returns:
        ``(B, 3, 3)`` or ``(3, 3)`` skew-symmetric matrices.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.vector_to_skew_symmetric_matrix(np.array([1.0, 2.0, 3.0]))
        array([[ 0., -3.,  2.],
               [ 3.,  0., -1.],
               [-2.,  1.,  0.]])
    """
    eng, vec = dispatch1("vec", vec)
    if vec.ndim not in (1, 2) or vec.shape[-1] != 3:
        raise ValueError(f"vec: expected shape (B, 3) or (3,), got {shape_of(vec)}")
    xp = eng.xp
    v1, v2, v3 = vec[..., 0], vec[..., 1], vec[..., 2]
    z = xp.zeros_like(v1)
    rows = [xp.stack(r, axis=-1) for r in ((z, -v3, v2), (v3, z, -v1), (-v2, v1, z))]
    return xp.stack(rows, axis=-2)
