"""Conformance cases for ``portvision.geometry.conversions`` and ``portvision.geometry.linalg``."""

from __future__ import annotations

import numpy as np
from op_case import Case


def _n(rng, shape, dt, scale=1.0):
    return (rng.normal(size=shape) * scale).astype(dt)


def _rotations(rng, n, dt, max_angle=3.0):
    """``n`` rotation matrices (Rodrigues in NumPy, angles below ``max_angle``)."""
    axis = rng.normal(size=(n, 3))
    axis /= np.linalg.norm(axis, axis=-1, keepdims=True)
    ang = rng.uniform(0.1, max_angle, size=(n, 1, 1))
    K = np.zeros((n, 3, 3))
    K[:, 0, 1], K[:, 0, 2], K[:, 1, 2] = -axis[:, 2], axis[:, 1], -axis[:, 0]
    K = K - K.transpose(0, 2, 1)
    return (np.eye(3) + np.sin(ang) * K + (1 - np.cos(ang)) * K @ K).astype(dt)


def _poses(rng, n, dt):
    T = np.tile(np.eye(4), (n, 1, 1))
    T[:, :3, :3] = _rotations(rng, n, "float64")
    T[:, :3, 3] = rng.normal(size=(n, 3))
    return T.astype(dt)


def _quats(rng, shape, dt):
    q = rng.normal(size=tuple(shape) + (4,))
    return (q / np.linalg.norm(q, axis=-1, keepdims=True)).astype(dt)


def _homog(rng, shape, dt):
    """Homogeneous points whose last coordinate stays away from 0 (and from eps)."""
    p = rng.normal(size=shape)
    w = rng.uniform(0.5, 2.0, size=shape[:-1] + (1,)) * rng.choice([-1, 1], size=shape[:-1] + (1,))
    return np.concatenate([p[..., :-1], w], axis=-1).astype(dt)


def _H(rng, n, dt, d=3):
    return (np.eye(d) + 0.1 * rng.normal(size=(n, d, d))).astype(dt)


def one(fn, **kw):
    return lambda rng, dt: ((fn(rng, dt),), dict(kw))


CASES = [
    # angles
    Case("rad2deg", one(lambda r, dt: _n(r, (2, 5), dt))),
    Case("deg2rad", one(lambda r, dt: _n(r, (2, 5), dt, 90.0))),
    Case(
        "pol2cart",
        lambda r, dt: ((_n(r, (2, 5), dt), _n(r, (2, 5), dt)), {}),
        grad=(0, 1),
        batched=(0, 1),
    ),  # fmt: skip
    Case(
        "cart2pol",
        lambda r, dt: ((_n(r, (2, 5), dt), _n(r, (2, 5), dt)), {}),
        grad=(0, 1),
        batched=(0, 1),
    ),  # fmt: skip
    # homogeneous points
    Case("convert_points_from_homogeneous", one(lambda r, dt: _homog(r, (2, 6, 3), dt))),
    Case(
        "convert_points_from_homogeneous",
        one(lambda r, dt: _homog(r, (2, 3, 6, 4), dt)),
        id="3d-extra-batch",
    ),  # fmt: skip
    Case("convert_points_to_homogeneous", one(lambda r, dt: _n(r, (2, 6, 2), dt))),
    Case("convert_affinematrix_to_homography", one(lambda r, dt: _n(r, (2, 2, 3), dt))),
    Case("convert_affinematrix_to_homography3d", one(lambda r, dt: _n(r, (2, 3, 4), dt))),
    # pixel coordinates
    Case("normalize_pixel_coordinates", lambda r, dt: ((_n(r, (2, 6, 2), dt, 5.0), 7, 9), {})),
    Case(
        "normalize_pixel_coordinates",
        lambda r, dt: ((_n(r, (2, 6, 2), dt), 1, 9), {}),
        id="singleton",
    ),  # fmt: skip
    Case("denormalize_pixel_coordinates", lambda r, dt: ((_n(r, (2, 6, 2), dt), 7, 9), {})),
    Case("normalize_pixel_coordinates3d", lambda r, dt: ((_n(r, (2, 6, 3), dt, 5.0), 4, 7, 9), {})),
    Case("denormalize_pixel_coordinates3d", lambda r, dt: ((_n(r, (2, 6, 3), dt), 4, 7, 9), {})),
    # homographies
    Case("normalize_homography", lambda r, dt: ((_H(r, 2, dt), (5, 7), (9, 11)), {})),
    Case(
        "normalize_homography",
        lambda r, dt: ((_H(r, 2, dt), (5, 7), (9, 11)), {"align_corners": False}),
        id="half-pixel",
    ),  # fmt: skip
    Case("denormalize_homography", lambda r, dt: ((_H(r, 2, dt), (5, 7), (9, 11)), {})),
    Case(
        "denormalize_homography",
        lambda r, dt: ((_H(r, 2, dt), (1, 7), (9, 1)), {"align_corners": False}),
        id="half-pixel-singleton",
    ),  # fmt: skip
    Case("normalize_homography3d", lambda r, dt: ((_H(r, 2, dt, 4), (3, 5, 7), (4, 9, 11)), {})),
    Case("denormalize_homography3d", lambda r, dt: ((_H(r, 2, dt, 4), (3, 5, 7), (4, 9, 11)), {})),
    Case("normal_transform_pixel", lambda r, dt: ((4, 5), {"dtype": dt}), grad=(), batched=()),
    Case(
        "normal_transform_pixel",
        lambda r, dt: ((4, 5), {"dtype": dt, "align_corners": False}),
        id="half-pixel",
        grad=(),
        batched=(),
    ),  # fmt: skip
    Case("normal_transform_pixel3d", lambda r, dt: ((2, 4, 5), {"dtype": dt}), grad=(), batched=()),
    # intrinsics
    Case(
        "normalize_points_with_intrinsics",
        lambda r, dt: ((_n(r, (2, 6, 2), dt, 50.0), _K(r, dt)), {}),
        grad=(0, 1),
        batched=(0, 1),
    ),  # fmt: skip
    Case(
        "denormalize_points_with_intrinsics",
        lambda r, dt: ((_n(r, (2, 6, 2), dt), _K(r, dt)), {}),
        grad=(0, 1),
        batched=(0, 1),
    ),
    # rotations
    Case("axis_angle_to_rotation_matrix", one(lambda r, dt: _n(r, (2, 5, 3), dt))),
    Case(
        "axis_angle_to_rotation_matrix", one(lambda r, dt: _n(r, (4, 3), dt, 1e-4)), id="near-zero"
    ),  # fmt: skip
    Case("angle_axis_to_rotation_matrix", one(lambda r, dt: _n(r, (4, 3), dt))),
    Case("rotation_matrix_to_axis_angle", one(lambda r, dt: _rotations(r, 6, dt))),
    Case("rotation_matrix_to_angle_axis", one(lambda r, dt: _rotations(r, 6, dt))),
    Case("rotation_matrix_to_quaternion", one(lambda r, dt: _rotations(r, 8, dt))),
    Case("quaternion_to_rotation_matrix", one(lambda r, dt: _n(r, (2, 5, 4), dt))),
    Case("normalize_quaternion", one(lambda r, dt: _n(r, (6, 4), dt))),
    Case("quaternion_to_axis_angle", one(lambda r, dt: _quats(r, (6,), dt))),
    Case("quaternion_to_angle_axis", one(lambda r, dt: _quats(r, (6,), dt))),
    Case("axis_angle_to_quaternion", one(lambda r, dt: _n(r, (6, 3), dt))),
    Case("angle_axis_to_quaternion", one(lambda r, dt: _n(r, (6, 3), dt))),
    Case("quaternion_log_to_exp", one(lambda r, dt: _n(r, (6, 3), dt))),
    Case("quaternion_exp_to_log", one(lambda r, dt: _quats(r, (6,), dt))),
    Case(
        "euler_from_quaternion",
        lambda r, dt: (tuple(np.moveaxis(_quats(r, (6,), dt), -1, 0)), {}),
        grad=(0, 1, 2, 3),
        batched=(0, 1, 2, 3),
    ),  # fmt: skip
    Case(
        "quaternion_from_euler",
        lambda r, dt: (tuple(_n(r, (3, 6), dt)), {}),
        grad=(0, 1, 2),
        batched=(0, 1, 2),
    ),  # fmt: skip
    Case("angle_to_rotation_matrix", one(lambda r, dt: _n(r, (2, 5), dt, 90.0))),
    # poses and frames
    Case(
        "Rt_to_matrix4x4",
        lambda r, dt: ((_rotations(r, 3, dt), _n(r, (3, 3, 1), dt)), {}),
        grad=(0, 1),
        batched=(0, 1),
    ),  # fmt: skip
    Case("matrix4x4_to_Rt", one(lambda r, dt: _poses(r, 3, dt))),
    Case("camtoworld_graphics_to_vision_4x4", one(lambda r, dt: _poses(r, 3, dt))),
    Case("camtoworld_vision_to_graphics_4x4", one(lambda r, dt: _poses(r, 3, dt))),
    Case(
        "camtoworld_graphics_to_vision_Rt",
        lambda r, dt: ((_rotations(r, 3, dt), _n(r, (3, 3, 1), dt)), {}),
        grad=(0, 1),
        batched=(0, 1),
    ),  # fmt: skip
    Case(
        "camtoworld_vision_to_graphics_Rt",
        lambda r, dt: ((_rotations(r, 3, dt), _n(r, (3, 3, 1), dt)), {}),
        grad=(0, 1),
        batched=(0, 1),
    ),  # fmt: skip
    Case(
        "camtoworld_to_worldtocam_Rt",
        lambda r, dt: ((_rotations(r, 3, dt), _n(r, (3, 3, 1), dt)), {}),
        grad=(0, 1),
        batched=(0, 1),
    ),  # fmt: skip
    Case(
        "worldtocam_to_camtoworld_Rt",
        lambda r, dt: ((_rotations(r, 3, dt), _n(r, (3, 3, 1), dt)), {}),
        grad=(0, 1),
        batched=(0, 1),
    ),  # fmt: skip
    Case(
        "ARKitQTVecs_to_ColmapQTVecs",
        lambda r, dt: ((_quats(r, (3,), dt), _n(r, (3, 3, 1), dt)), {}),
        grad=(0, 1),
        batched=(0, 1),
    ),  # fmt: skip
    Case(
        "ColmapQTVecs_to_ARKitQTVecs",
        lambda r, dt: ((_quats(r, (3,), dt), _n(r, (3, 3, 1), dt)), {}),
        grad=(0, 1),
        batched=(0, 1),
    ),  # fmt: skip
    Case("vector_to_skew_symmetric_matrix", one(lambda r, dt: _n(r, (4, 3), dt))),
    Case(
        "vector_to_skew_symmetric_matrix",
        one(lambda r, dt: _n(r, (3,), dt)),
        id="unbatched",
        batched=(),
    ),  # fmt: skip
    # linalg
    Case(
        "transform_points",
        lambda r, dt: ((_H(r, 2, dt), _n(r, (2, 6, 2), dt)), {}),
        grad=(0, 1),
        batched=(0, 1),
    ),  # fmt: skip
    Case(
        "transform_points",
        lambda r, dt: ((_poses(r, 1, dt), _n(r, (3, 6, 3), dt)), {}),
        id="shared-3d",
        grad=(0, 1),
        batched=(1,),
    ),  # fmt: skip
    Case(
        "transform_points",
        lambda r, dt: ((_H(r, 2, dt), _n(r, (2, 3, 6, 2), dt)), {}),
        id="extra-axis",
        grad=(0, 1),
        batched=(0, 1),
    ),  # fmt: skip
    Case(
        "compose_transformations",
        lambda r, dt: ((_poses(r, 3, dt), _poses(r, 3, dt)), {}),
        grad=(0, 1),
        batched=(0, 1),
    ),  # fmt: skip
    Case(
        "compose_transformations",
        lambda r, dt: ((_poses(r, 1, dt)[0], _poses(r, 1, dt)[0]), {}),
        id="unbatched",
        grad=(0, 1),
        batched=(),
    ),  # fmt: skip
    Case("inverse_transformation", one(lambda r, dt: _poses(r, 3, dt))),
    Case(
        "relative_transformation",
        lambda r, dt: ((_poses(r, 3, dt), _poses(r, 3, dt)), {}),
        grad=(0, 1),
        batched=(0, 1),
    ),  # fmt: skip
    Case(
        "point_line_distance",
        lambda r, dt: ((_n(r, (2, 6, 2), dt), _n(r, (2, 6, 3), dt)), {}),
        grad=(0, 1),
        batched=(0, 1),
    ),  # fmt: skip
    Case(
        "point_line_distance",
        lambda r, dt: ((_homog(r, (2, 6, 3), dt), _n(r, (2, 6, 3), dt)), {}),
        id="homogeneous",
        grad=(0, 1),
        batched=(0, 1),
    ),  # fmt: skip
    Case(
        "batched_dot_product",
        lambda r, dt: ((_n(r, (2, 6, 3), dt), _n(r, (2, 6, 3), dt)), {}),
        grad=(0, 1),
        batched=(0, 1),
    ),  # fmt: skip
    Case("batched_squared_norm", one(lambda r, dt: _n(r, (2, 6, 3), dt))),
    Case("squared_norm", one(lambda r, dt: _n(r, (2, 6, 3), dt), keepdim=True)),
    Case(
        "euclidean_distance",
        lambda r, dt: ((_n(r, (2, 6, 3), dt), _n(r, (2, 6, 3), dt)), {}),
        grad=(0, 1),
        batched=(0, 1),
    ),  # fmt: skip
]


def _K(rng, dt):
    K = np.tile(np.eye(3), (2, 1, 1))
    K[:, 0, 0], K[:, 1, 1] = rng.uniform(50, 100, 2), rng.uniform(50, 100, 2)
    K[:, :2, 2] = rng.uniform(10, 30, (2, 2))
    return K.astype(dt)
