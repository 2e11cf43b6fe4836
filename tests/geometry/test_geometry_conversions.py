"""Tests of ``portvision.geometry.conversions``: Kornia 0.9 (float64) as the oracle on every
engine, SciPy's ``Rotation`` and OpenCV's ``Rodrigues`` where conventions match, round trips,
documented values, gradients at the identity / zero angle, and the error contract.

Convention differences pinned here:
* quaternions are ``(w, x, y, z)``; SciPy's ``as_quat`` / ``from_quat`` are ``(x, y, z, w)``.
* ``quaternion_from_euler(roll, pitch, yaw)`` is ``R = Rz(yaw) Ry(pitch) Rx(roll)``, SciPy's
  extrinsic ``from_euler("xyz", [roll, pitch, yaw])``.
* axis-angle vectors are SciPy's rotation vectors and OpenCV's Rodrigues vectors.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from conftest import float_dtypes

import portvision as pv

G = pv.geometry
RNG = np.random.default_rng(7)


def _rot(n, seed=0, max_angle=3.0):
    from scipy.spatial.transform import Rotation

    rng = np.random.default_rng(seed)
    axis = rng.normal(size=(n, 3))
    axis /= np.linalg.norm(axis, axis=-1, keepdims=True)
    return Rotation.from_rotvec(axis * rng.uniform(0.05, max_angle, size=(n, 1)))


def _quat(n, seed=0):
    q = np.random.default_rng(seed).normal(size=(n, 4))
    return q / np.linalg.norm(q, axis=-1, keepdims=True)


def _to_engine(engine, obj, dtype):
    if isinstance(obj, np.ndarray) and obj.dtype.kind == "f":
        return engine.asarray(obj.astype(dtype))
    if isinstance(obj, np.ndarray):
        return engine.asarray(obj)
    return obj


def _out(engine, out):
    outs = out if isinstance(out, tuple) else (out,)
    return [engine.to_numpy(o) for o in outs]


def _kornia(kornia, torch, name, args, kwargs):
    conv = lambda a: torch.from_numpy(a) if isinstance(a, np.ndarray) else a  # noqa: E731
    fn = getattr(kornia.geometry.conversions, name, None) or getattr(kornia.geometry, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = fn(*[conv(a) for a in args], **{k: conv(v) for k, v in kwargs.items()})
    return [r.numpy() for r in (ref if isinstance(ref, tuple) else (ref,))]


# (op name, args, kwargs): inputs in float64; every array is converted per engine and dtype
P2, P3 = RNG.normal(size=(2, 5, 2)), RNG.normal(size=(2, 5, 3))
HOM = np.concatenate([P3[..., :2], RNG.uniform(0.5, 2, size=(2, 5, 1))], axis=-1)
HOM[0, 0, 2], HOM[1, 1, 2] = 0.0, -1.5  # w = 0 is returned undivided; negative w keeps its sign
H3 = np.eye(3) + 0.1 * RNG.normal(size=(2, 3, 3))
H4 = np.eye(4) + 0.1 * RNG.normal(size=(2, 4, 4))
KMAT = np.array([[[100.0, 0.5, 320.0], [0.0, 200.0, 240.0], [0.0, 0.0, 1.0]]] * 2)
R = _rot(6).as_matrix()
Q = _quat(6)
T = np.tile(np.eye(4), (3, 1, 1))
T[:, :3, :3], T[:, :3, 3] = R[:3], RNG.normal(size=(3, 3))
TVEC = RNG.normal(size=(3, 3, 1))
ORACLE = [
    ("rad2deg", (P2,), {}),
    ("deg2rad", (P2 * 90,), {}),
    ("pol2cart", (P2[..., 0], P2[..., 1]), {}),
    ("cart2pol", (P2[..., 0], P2[..., 1]), {}),
    ("convert_points_from_homogeneous", (HOM,), {}),
    ("convert_points_to_homogeneous", (P2,), {}),
    ("convert_affinematrix_to_homography", (RNG.normal(size=(2, 2, 3)),), {}),
    ("convert_affinematrix_to_homography3d", (RNG.normal(size=(2, 3, 4)),), {}),
    ("normalize_pixel_coordinates", (P2 * 10, 7, 9), {}),
    ("normalize_pixel_coordinates", (P2 * 10, 1, 9), {}),
    ("denormalize_pixel_coordinates", (P2, 7, 1), {}),
    ("normalize_pixel_coordinates3d", (P3 * 10, 4, 7, 9), {}),
    ("denormalize_pixel_coordinates3d", (P3, 4, 7, 9), {}),
    ("normalize_homography", (H3, (5, 7), (9, 11)), {}),
    ("normalize_homography", (H3[0], (1, 7), (9, 1)), {"align_corners": False}),
    ("denormalize_homography", (H3, (5, 7), (9, 11)), {}),
    ("denormalize_homography", (H3, (5, 7), (9, 11)), {"align_corners": False}),
    ("normalize_homography3d", (H4, (3, 5, 7), (4, 9, 11)), {}),
    ("denormalize_homography3d", (H4[0], (3, 5, 7), (4, 9, 11)), {}),
    ("normalize_points_with_intrinsics", (P2 * 50, KMAT), {}),
    ("normalize_points_with_intrinsics", (P2[:, 0] * 50, KMAT), {}),
    ("denormalize_points_with_intrinsics", (P2, KMAT), {}),
    ("axis_angle_to_rotation_matrix", (np.concatenate([P3, 1e-5 * P3, 0 * P3]),), {}),
    ("angle_axis_to_rotation_matrix", (P3[0],), {}),
    ("rotation_matrix_to_axis_angle", (R,), {}),
    ("rotation_matrix_to_angle_axis", (R,), {}),
    (
        "rotation_matrix_to_quaternion",
        (np.concatenate([R, np.eye(3)[None], np.diag([1.0, -1, -1])[None]]),),
        {},
    ),
    (
        "quaternion_to_rotation_matrix",
        (np.concatenate([RNG.normal(size=(3, 4)), np.zeros((1, 4))]),),
        {},
    ),
    ("normalize_quaternion", (np.concatenate([RNG.normal(size=(3, 4)), np.zeros((1, 4))]),), {}),
    ("quaternion_to_axis_angle", (np.concatenate([Q, -Q, [[1.0, 0, 0, 0], [0.0, 1, 0, 0]]]),), {}),
    ("quaternion_to_angle_axis", (Q,), {}),
    (
        "axis_angle_to_quaternion",
        (np.concatenate([P3[0], np.zeros((1, 3)), [[2 * math.pi, 0, 0]]]),),
        {},
    ),
    ("angle_axis_to_quaternion", (P3[0],), {}),
    ("quaternion_log_to_exp", (np.concatenate([P3[0], np.zeros((1, 3))]),), {}),
    ("quaternion_exp_to_log", (np.concatenate([Q, [[1.0, 0, 0, 0], [-1.0, 0, 0, 0]]]),), {}),
    ("euler_from_quaternion", tuple(Q.T), {}),
    ("quaternion_from_euler", tuple(RNG.normal(size=(3, 5))), {}),
    ("angle_to_rotation_matrix", (P2 * 90,), {}),
    ("Rt_to_matrix4x4", (R[:3], TVEC), {}),
    ("matrix4x4_to_Rt", (T,), {}),
    ("camtoworld_graphics_to_vision_4x4", (T,), {}),
    ("camtoworld_vision_to_graphics_4x4", (T,), {}),
    ("camtoworld_graphics_to_vision_Rt", (R[:3], TVEC), {}),
    ("camtoworld_vision_to_graphics_Rt", (R[:3], TVEC), {}),
    ("camtoworld_to_worldtocam_Rt", (R[:3], TVEC), {}),
    ("worldtocam_to_camtoworld_Rt", (R[:3], TVEC), {"check_rotation": True}),
    ("ARKitQTVecs_to_ColmapQTVecs", (Q[:3], TVEC), {}),
    ("ColmapQTVecs_to_ARKitQTVecs", (Q[:3], TVEC), {}),
    ("vector_to_skew_symmetric_matrix", (P3[0],), {}),
    ("vector_to_skew_symmetric_matrix", (P3[0, 0],), {}),
]
ORACLE_IDS = [f"{i}-{name}" for i, (name, _, _) in enumerate(ORACLE)]


@pytest.mark.parametrize("spec", ORACLE, ids=ORACLE_IDS)
def test_agrees_with_kornia(spec, engine, kornia, torch):
    name, args, kwargs = spec
    want = _kornia(kornia, torch, name, args, kwargs)
    for dtype in float_dtypes(engine):
        tol = 1e-10 if dtype == "float64" else 2e-5
        got = _out(
            engine,
            getattr(G, name)(*[_to_engine(engine, a, dtype) for a in args], **kwargs),
        )
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            assert g.dtype == np.dtype(dtype), (name, g.dtype)
            np.testing.assert_allclose(g, w, rtol=tol, atol=tol, err_msg=f"{name} {dtype}")


# -- SciPy Rotation and OpenCV Rodrigues -------------------------------------------------------
def test_axis_angle_matches_scipy_and_opencv(cv2):
    rot = _rot(8, seed=1)
    rv = rot.as_rotvec()
    np.testing.assert_allclose(G.axis_angle_to_rotation_matrix(rv), rot.as_matrix(), atol=1e-12)
    np.testing.assert_allclose(G.rotation_matrix_to_axis_angle(rot.as_matrix()), rv, atol=1e-10)
    for v in rv:
        m, _ = cv2.Rodrigues(v.reshape(3, 1))
        np.testing.assert_allclose(G.axis_angle_to_rotation_matrix(v), m, atol=1e-12)
        back, _ = cv2.Rodrigues(m)
        np.testing.assert_allclose(G.rotation_matrix_to_axis_angle(m), back[:, 0], atol=1e-9)


def test_quaternions_match_scipy_scalar_last():
    rot = _rot(8, seed=2)
    xyzw = rot.as_quat()
    wxyz = np.concatenate([xyzw[:, 3:], xyzw[:, :3]], axis=1)
    np.testing.assert_allclose(G.quaternion_to_rotation_matrix(wxyz), rot.as_matrix(), atol=1e-12)
    q = G.rotation_matrix_to_quaternion(rot.as_matrix())
    # double cover: equal up to the sign
    assert np.allclose(np.abs(np.sum(q * wxyz, axis=1)), 1.0, atol=1e-12)
    np.testing.assert_allclose(G.axis_angle_to_quaternion(rot.as_rotvec()) * np.sign(wxyz[:, :1]),
                               wxyz * np.sign(wxyz[:, :1]), atol=1e-12)  # fmt: skip
    np.testing.assert_allclose(G.quaternion_to_axis_angle(wxyz), rot.as_rotvec(), atol=1e-10)


def test_euler_matches_scipy_extrinsic_xyz():
    from scipy.spatial.transform import Rotation

    angles = np.random.default_rng(3).uniform(-1.2, 1.2, size=(6, 3))
    w, x, y, z = G.quaternion_from_euler(*angles.T)
    R_pv = G.quaternion_to_rotation_matrix(np.stack([w, x, y, z], axis=-1))
    np.testing.assert_allclose(R_pv, Rotation.from_euler("xyz", angles).as_matrix(), atol=1e-12)
    roll, pitch, yaw = G.euler_from_quaternion(w, x, y, z)
    np.testing.assert_allclose(np.stack([roll, pitch, yaw], 1), angles, atol=1e-12)


# -- analytic identities and round trips ---------------------------------------------------------
def test_round_trips(engine):
    dt = float_dtypes(engine)[-1]
    tol = 1e-9 if dt == "float64" else 2e-4
    a = lambda x: engine.asarray(np.asarray(x, dtype=dt))  # noqa: E731
    n = lambda x: engine.to_numpy(x)  # noqa: E731
    rv = _rot(5, seed=4, max_angle=3.0).as_rotvec()
    rot = n(G.axis_angle_to_rotation_matrix(a(rv)))
    np.testing.assert_allclose(n(G.rotation_matrix_to_axis_angle(a(rot))), rv, atol=tol)
    q = n(G.axis_angle_to_quaternion(a(rv)))
    np.testing.assert_allclose(n(G.quaternion_to_axis_angle(a(q))), rv, atol=tol)
    np.testing.assert_allclose(n(G.quaternion_to_rotation_matrix(a(q))), rot, atol=tol)
    q2 = n(G.rotation_matrix_to_quaternion(a(rot)))
    np.testing.assert_allclose(np.abs(np.sum(q2 * q, axis=-1)), 1.0, atol=tol)
    np.testing.assert_allclose(n(G.quaternion_log_to_exp(G.quaternion_exp_to_log(a(q)))), q,
                               atol=tol)  # fmt: skip
    p = np.random.default_rng(6).normal(size=(2, 4, 2)) * 5
    back = G.denormalize_pixel_coordinates(G.normalize_pixel_coordinates(a(p), 6, 9), 6, 9)
    np.testing.assert_allclose(n(back), p, atol=tol * 10)
    p3 = np.random.default_rng(8).normal(size=(2, 4, 3)) * 5
    back = G.denormalize_pixel_coordinates3d(
        G.normalize_pixel_coordinates3d(a(p3), 3, 6, 9), 3, 6, 9
    )
    np.testing.assert_allclose(n(back), p3, atol=tol * 10)
    back = G.denormalize_homography(G.normalize_homography(a(H3), (5, 7), (9, 11)), (5, 7), (9, 11))
    np.testing.assert_allclose(n(back), H3, atol=tol * 10)
    back = G.convert_points_from_homogeneous(G.convert_points_to_homogeneous(a(p)))
    np.testing.assert_allclose(n(back), p, atol=tol)
    Rm, t = G.matrix4x4_to_Rt(G.Rt_to_matrix4x4(a(R[:3]), a(TVEC)))
    np.testing.assert_allclose(n(Rm), R[:3], atol=tol)
    np.testing.assert_allclose(n(t), TVEC, atol=tol)
    Rw, tw = G.worldtocam_to_camtoworld_Rt(*G.camtoworld_to_worldtocam_Rt(a(R[:3]), a(TVEC)))
    np.testing.assert_allclose(n(Rw), R[:3], atol=tol)
    np.testing.assert_allclose(n(tw), TVEC, atol=tol)
    E = G.camtoworld_vision_to_graphics_4x4(G.camtoworld_graphics_to_vision_4x4(a(T)))
    np.testing.assert_allclose(n(E), T, atol=tol)
    qc, tc = G.ColmapQTVecs_to_ARKitQTVecs(*G.ARKitQTVecs_to_ColmapQTVecs(a(Q[:3]), a(TVEC)))
    np.testing.assert_allclose(np.abs(np.sum(n(qc) * Q[:3], axis=-1)), 1.0, atol=tol)
    np.testing.assert_allclose(n(tc), TVEC, atol=tol * 10)
    r0, phi0 = np.random.default_rng(5).uniform([0.1, -3.0], [2.0, 3.0], size=(6, 2)).T
    rho, phi = G.cart2pol(*G.pol2cart(a(r0), a(phi0)))
    np.testing.assert_allclose(n(rho), r0, atol=tol)
    np.testing.assert_allclose(n(phi), phi0, atol=tol)
    np.testing.assert_allclose(n(G.rad2deg(G.deg2rad(a(p)))), p, atol=tol * 100)


def test_skew_matrix_is_the_cross_product():
    v, u = RNG.normal(size=(4, 3)), RNG.normal(size=(4, 3))
    np.testing.assert_allclose(
        (G.vector_to_skew_symmetric_matrix(v) @ u[..., None])[..., 0], np.cross(v, u), atol=1e-12
    )


def test_affine_homography_and_normalization_pins():
    A = RNG.normal(size=(3, 2, 3))
    H = G.convert_affinematrix_to_homography(A)
    np.testing.assert_array_equal(H[:, :2], A)
    np.testing.assert_array_equal(H[:, 2], np.tile([0.0, 0.0, 1.0], (3, 1)))
    # a +2 pixel shift in x on a 5-wide image is +1 in normalised units (Kornia's documented pin)
    shift = np.eye(3)
    shift[0, 2] = 2.0
    np.testing.assert_allclose(G.normalize_homography(shift, (5, 5), (5, 5))[0, 0, 2], 1.0)
    # the matrix and the coordinate helper are the same map (for sizes >= 2)
    pts = RNG.uniform(0, 8, size=(1, 6, 2))
    N = G.normal_transform_pixel(5, 9, dtype="float64")
    via_matrix = G.transform_points(N, pts)
    np.testing.assert_allclose(via_matrix, G.normalize_pixel_coordinates(pts, 5, 9), atol=1e-12)
    half = G.normal_transform_pixel(4, 5, dtype="float64", align_corners=False)[0]
    np.testing.assert_allclose(half @ [-0.5, -0.5, 1.0], [-1.0, -1.0, 1.0], atol=1e-12)


def test_documented_values():
    np.testing.assert_allclose(G.rad2deg(np.array(3.1415926535)), 180.0, atol=1e-6)
    np.testing.assert_allclose(G.deg2rad(np.array(180.0)), math.pi)
    out = G.normalize_pixel_coordinates(np.array([[50.0, 100.0]]), 100, 50)
    np.testing.assert_allclose(out, [[1.0408, 1.0202]], atol=1e-4)
    np.testing.assert_allclose(G.denormalize_pixel_coordinates3d(np.zeros((1, 3)), 3, 5, 9),
                               [[1.0, 4.0, 2.0]])  # fmt: skip
    m = G.axis_angle_to_rotation_matrix(np.array([[0.0, 0.0, 0.6]]))[0]
    np.testing.assert_allclose(m @ [1.0, 0, 0], [0.8253, 0.5646, 0.0], atol=1e-4)
    q = G.rotation_matrix_to_quaternion(
        G.axis_angle_to_rotation_matrix(
            np.array([1.0, 2.0, -3.0]) / math.sqrt(14) * math.radians(170)
        )
    )
    np.testing.assert_allclose(q, [-0.0872, -0.2662, -0.5325, 0.7987], atol=1e-4)
    np.testing.assert_allclose(G.quaternion_to_axis_angle(np.array([0.0, 1.0, 0.0, 0.0])),
                               [math.pi, 0, 0])  # fmt: skip
    np.testing.assert_allclose(G.axis_angle_to_quaternion(np.array([2 * math.pi, 0.0, 0.0])),
                               [-1.0, 0, 0, 0], atol=1e-12)  # fmt: skip
    np.testing.assert_allclose(
        G.quaternion_log_to_exp(np.array([2.0, 0, 0]))[0], -0.4161468365471424
    )
    np.testing.assert_allclose(G.normalize_quaternion(np.array([1e-13, 0, 0, 0])), [0.1, 0, 0, 0])
    np.testing.assert_allclose(G.quaternion_to_rotation_matrix(np.zeros(4)), np.eye(3))
    qw = G.quaternion_from_euler(np.array(0.3), np.array(0.7), np.array(1.1))
    np.testing.assert_allclose(qw, [0.8186, -0.0575, 0.3624, 0.4418], atol=1e-4)
    # gimbal lock: pitch snapped to pi/2, roll 0, yaw carries the rest
    w, x, y, z = G.quaternion_from_euler(np.array(0.1), np.array(math.pi / 2), np.array(0.2))
    roll, pitch, yaw = G.euler_from_quaternion(w, x, y, z)
    assert float(roll) == 0.0 and float(pitch) == math.pi / 2
    np.testing.assert_allclose(yaw, 0.1, atol=1e-7)
    rho, phi = G.cart2pol(np.array([3.0, 0.0]), np.array([4.0, 1.0]))
    np.testing.assert_allclose(rho, [5.0, 1.0])
    np.testing.assert_allclose(phi, [0.9273, 1.5708], atol=1e-4)
    rot30 = G.angle_to_rotation_matrix(np.array(30.0))
    np.testing.assert_allclose(rot30, [[0.8660, 0.5], [-0.5, 0.8660]], atol=1e-4)


def test_eps_is_deprecated_and_ignored():
    p = np.array([[1.0, 2.0]])
    with pytest.warns(FutureWarning, match="eps"):
        out = G.normalize_pixel_coordinates(p, 4, 5, eps=1e-3)
    np.testing.assert_array_equal(out, G.normalize_pixel_coordinates(p, 4, 5))


# -- gradients: finite at the identity rotation, the zero angle, the origin ------------------
def test_gradients_are_finite_at_singular_points(torch):
    d = torch.float64
    cases = [
        (G.axis_angle_to_rotation_matrix, torch.zeros(2, 3, dtype=d)),
        (G.axis_angle_to_quaternion, torch.zeros(2, 3, dtype=d)),
        (G.quaternion_to_axis_angle, torch.tensor([[1.0, 0, 0, 0], [-1.0, 0, 0, 0]], dtype=d)),
        (G.quaternion_exp_to_log, torch.tensor([[1.0, 0, 0, 0]], dtype=d)),
        (G.quaternion_log_to_exp, torch.zeros(2, 3, dtype=d)),
        (G.normalize_quaternion, torch.zeros(2, 4, dtype=d)),
        (G.quaternion_to_rotation_matrix, torch.tensor([[1.0, 0, 0, 0]], dtype=d)),
        (G.rotation_matrix_to_quaternion, torch.eye(3, dtype=d)[None]),
        (G.rotation_matrix_to_axis_angle, torch.eye(3, dtype=d)[None]),
        (lambda q: G.euler_from_quaternion(*q.unbind(-1)),
         torch.tensor([[1.0, 0, 0, 0], [math.sqrt(0.5), 0, math.sqrt(0.5), 0]], dtype=d)),
        (lambda p: G.cart2pol(p[..., 0], p[..., 1]), torch.zeros(2, 2, dtype=d)),
        (G.convert_points_from_homogeneous, torch.zeros(1, 2, 3, dtype=d)),
    ]  # fmt: skip
    for fn, x in cases:
        x = x.clone().requires_grad_(True)
        out = fn(x)
        outs = out if isinstance(out, tuple) else (out,)
        sum(o.sum() for o in outs).backward()
        assert torch.isfinite(x.grad).all(), fn


def test_gradcheck_near_zero_angle(torch):
    d = torch.float64
    small = (torch.tensor([[1e-4, -2e-4, 3e-4], [0.3, -0.2, 0.1]], dtype=d)).requires_grad_(True)
    for fn in (
        G.axis_angle_to_rotation_matrix,
        G.axis_angle_to_quaternion,
        G.quaternion_log_to_exp,
    ):
        assert torch.autograd.gradcheck(fn, (small,), eps=1e-7, atol=1e-6)
    q = G.axis_angle_to_quaternion(small.detach()).requires_grad_(True)
    for fn in (G.quaternion_to_axis_angle, G.quaternion_to_rotation_matrix):
        assert torch.autograd.gradcheck(fn, (q,), eps=1e-7, atol=1e-6)
    rot = G.axis_angle_to_rotation_matrix(small.detach()).requires_grad_(True)
    assert torch.autograd.gradcheck(G.rotation_matrix_to_quaternion, (rot,), eps=1e-7, atol=1e-6)
    # the gradient at exactly zero angle is the analytic limit (I/2 for the quaternion's vector)
    z = torch.zeros(1, 3, dtype=d, requires_grad=True)
    jac = torch.autograd.functional.jacobian(G.axis_angle_to_quaternion, z)[0, 1:, 0, :]
    torch.testing.assert_close(jac, 0.5 * torch.eye(3, dtype=d))
    jac = torch.autograd.functional.jacobian(G.axis_angle_to_rotation_matrix, z)[0, 1, 0, 0, 2]
    assert float(jac) == 1.0  # R ~ I + [r]_x near zero, and [r]_x[1, 0] = r_z


# -- error contract: same type and message on every engine -------------------------------------
def _arr(engine, shape, dtype="float32"):
    return engine.asarray(np.zeros(shape, dtype=dtype))


ERRORS = [
    (lambda e: G.convert_points_from_homogeneous(_arr(e, (3,))), ValueError,
     "points: expected shape (*, N, D), got (3,)"),
    (lambda e: G.convert_points_to_homogeneous(_arr(e, (3,))), ValueError,
     "points: expected shape (*, N, D), got (3,)"),
    (lambda e: G.convert_points_from_homogeneous(_arr(e, (2, 3)), eps=-1.0), ValueError,
     "eps: expected a non-negative number, got -1.0"),
    (lambda e: G.convert_affinematrix_to_homography(_arr(e, (2, 3))), ValueError,
     "A: expected shape (B, 2, 3), got (2, 3)"),
    (lambda e: G.convert_affinematrix_to_homography3d(_arr(e, (1, 3, 3))), ValueError,
     "A: expected shape (B, 3, 4), got (1, 3, 3)"),
    (lambda e: G.normalize_pixel_coordinates(_arr(e, (4, 3)), 5, 5), ValueError,
     "pixel_coordinates: expected shape (*, 2), got (4, 3)"),
    (lambda e: G.normalize_pixel_coordinates(_arr(e, (4, 2)), 0, 5), ValueError,
     "height: expected a positive integer, got 0"),
    (lambda e: G.denormalize_pixel_coordinates3d(_arr(e, (4, 3)), 3, 5, -1), ValueError,
     "width: expected a positive integer, got -1"),
    (lambda e: G.normalize_homography(_arr(e, (2, 2, 3)), (4, 4), (4, 4)), ValueError,
     "dst_pix_trans_src_pix: expected shape (3, 3) or (B, 3, 3), got (2, 2, 3)"),
    (lambda e: G.normalize_homography(_arr(e, (3, 3), "int32"), (4, 4), (4, 4)), TypeError,
     "dst_pix_trans_src_pix: expected a real floating dtype, got int32"),
    (lambda e: G.normalize_homography(_arr(e, (3, 3)), (4, 0), (4, 4)), ValueError,
     "dsize_src: expected a sequence of 2 positive integers, got (4, 0)"),
    (lambda e: G.denormalize_homography3d(_arr(e, (3, 3)), (2, 4, 4), (2, 4, 4)), ValueError,
     "dst_pix_trans_src_pix: expected shape (4, 4) or (B, 4, 4), got (3, 3)"),
    (lambda e: G.normalize_homography(_arr(e, (3, 3)), (4, 4), (4, 4), align_corners=1),
     TypeError, "align_corners: expected a bool, got 1"),
    (lambda e: G.normalize_points_with_intrinsics(_arr(e, (4, 2)), _arr(e, (3, 4))), ValueError,
     "camera_matrix: expected shape (*, 3, 3), got (3, 4)"),
    (lambda e: G.normalize_points_with_intrinsics(_arr(e, (2, 4, 2)), _arr(e, (3, 3, 3))),
     ValueError, "camera_matrix: expected intrinsics broadcastable with points of shape "
     "(2, 4, 2), got shape (3, 3, 3)"),
    (lambda e: G.axis_angle_to_rotation_matrix(_arr(e, (2, 4))), ValueError,
     "axis_angle: expected shape (*, 3), got (2, 4)"),
    (lambda e: G.quaternion_to_rotation_matrix(_arr(e, (2, 3))), ValueError,
     "quaternion: expected shape (*, 4), got (2, 3)"),
    (lambda e: G.rotation_matrix_to_quaternion(_arr(e, (2, 3, 4))), ValueError,
     "rotation_matrix: expected shape (*, 3, 3), got (2, 3, 4)"),
    (lambda e: G.rotation_matrix_to_axis_angle(_arr(e, (1, 3, 3)), check_rotation=True),
     ValueError, "rotation_matrix: expected rotation matrices"),
    (lambda e: G.camtoworld_to_worldtocam_Rt(e.asarray(np.diag([-1.0, 1, 1])[None], "float32"),
                                             _arr(e, (1, 3, 1)), check_rotation=True),
     ValueError, "R: expected rotation matrices (det > 0), got a reflection"),
    (lambda e: G.quaternion_log_to_exp(_arr(e, (2, 4))), ValueError,
     "quaternion: expected shape (*, 3), got (2, 4)"),
    (lambda e: G.euler_from_quaternion(_arr(e, (2,)), _arr(e, (2,)), _arr(e, (3,)), _arr(e, (2,))),
     ValueError, "y: expected the shape of w (2,), got (3,)"),
    (lambda e: G.quaternion_from_euler(_arr(e, (2,)), _arr(e, (1,)), _arr(e, (2,))), ValueError,
     "pitch: expected the shape of roll (2,), got (1,)"),
    (lambda e: G.Rt_to_matrix4x4(_arr(e, (3, 3)), _arr(e, (3, 1))), ValueError,
     "R: expected shape (B, 3, 3), got (3, 3)"),
    (lambda e: G.Rt_to_matrix4x4(_arr(e, (2, 3, 3)), _arr(e, (1, 3, 1))), ValueError,
     "t: expected the batch size of R (2), got shape (1, 3, 1)"),
    (lambda e: G.Rt_to_matrix4x4(_arr(e, (1, 3, 3), "int32"), _arr(e, (1, 3, 1), "int32")),
     TypeError, "R and t: expected a real floating dtype, got int32 and int32"),
    (lambda e: G.matrix4x4_to_Rt(_arr(e, (4, 4))), ValueError,
     "extrinsics: expected shape (B, 4, 4), got (4, 4)"),
    (lambda e: G.camtoworld_graphics_to_vision_4x4(_arr(e, (1, 3, 4))), ValueError,
     "extrinsics_graphics: expected shape (B, 4, 4), got (1, 3, 4)"),
    (lambda e: G.ARKitQTVecs_to_ColmapQTVecs(_arr(e, (1, 3)), _arr(e, (1, 3, 1))), ValueError,
     "qvec: expected shape (B, 4), got (1, 3)"),
    (lambda e: G.vector_to_skew_symmetric_matrix(_arr(e, (2, 2, 3))), ValueError,
     "vec: expected shape (B, 3) or (3,), got (2, 2, 3)"),
    (lambda e: G.pol2cart(_arr(e, (2,)), _arr(e, (3,))), ValueError,
     "phi: expected the shape of rho (2,), got (3,)"),
    (lambda e: G.cart2pol(_arr(e, (2,)), 1.0), TypeError, "y: expected an array, got float"),
    (lambda e: G.rad2deg([1.0]), TypeError, "tensor: expected an array, got list"),
]  # fmt: skip


@pytest.mark.parametrize("call,exc,msg", ERRORS, ids=[f"err{i}" for i in range(len(ERRORS))])
def test_error_contract(call, exc, msg, engine):
    with pytest.raises(exc) as info:
        call(engine)
    assert str(info.value).startswith(msg), str(info.value)


def test_factories_follow_the_backend(engine):
    with pv.use_backend(engine.name, device=engine.device):
        N = G.normal_transform_pixel(4, 5)
        N3 = G.normal_transform_pixel3d(2, 4, 5, dtype="float32")
    assert engine.is_own(N) and engine.is_own(N3)
    np.testing.assert_allclose(engine.to_numpy(N)[0, 1], [0.0, 2.0 / 3.0, -1.0], rtol=1e-6)
    with pytest.raises(TypeError, match="dtype: expected a real floating dtype"):
        G.normal_transform_pixel(4, 5, dtype="int32")


@pytest.mark.parametrize(
    "old,new,x",
    [
        ("angle_axis_to_rotation_matrix", "axis_angle_to_rotation_matrix", P3[0]),
        ("angle_axis_to_quaternion", "axis_angle_to_quaternion", P3[0]),
        ("quaternion_to_angle_axis", "quaternion_to_axis_angle", Q),
        ("rotation_matrix_to_angle_axis", "rotation_matrix_to_axis_angle", R),
    ],
)
def test_deprecated_aliases_warn_and_agree(old, new, x):
    with pytest.warns(DeprecationWarning, match=new):
        got = getattr(G, old)(x)
    np.testing.assert_array_equal(got, getattr(G, new)(x))
