"""Transform-matrix builders: Kornia 0.9 (float64) as the oracle for all, OpenCV's
``getRotationMatrix2D`` / ``getPerspectiveTransform`` / ``invertAffineTransform``,
analytic identities and the error contract (shapes, non-invertible matrices)."""

from __future__ import annotations

import numpy as np
import pytest

import portvision as pv

T = pv.geometry.transform
RNG = np.random.default_rng(0)
B = 3


def _n(*shape, s=1.0):
    return RNG.normal(size=shape) * s


def _u(*shape):
    return RNG.uniform(0.5, 2.0, size=shape)


C2, A2, S2, T2, SX, SY = _n(B, 2, s=5), _n(B, s=60), _u(B, 2), _n(B, 2), _n(B, s=0.3), _n(B, s=0.3)
C3, A3, S3, T3 = _n(B, 3, s=5), _n(B, 3, s=40), _u(B, 3), _n(B, 3)
SH3 = [_n(B, s=0.3) for _ in range(6)]
SQ = np.array([[0.0, 0.0], [10.0, 0.0], [10.0, 8.0], [0.0, 8.0]])
QS, QD = SQ + _n(B, 4, 2), 1.5 * SQ + 2 + _n(B, 4, 2)
CUBE = np.array(
    [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]],
    dtype=float,
)
P3S, P3D = 6 * CUBE + _n(B, 8, 3, s=0.3), 9 * CUBE + 1 + _n(B, 8, 3, s=0.3)

ORACLE = [
    ("get_rotation_matrix2d", (C2, A2, S2), {}),
    ("get_translation_matrix2d", (T2,), {}),
    ("get_shear_matrix2d", (C2, SX, SY), {}),
    ("get_shear_matrix2d", (C2,), dict(sy=SY)),
    ("get_affine_matrix2d", (T2, C2, S2, A2), {}),
    ("get_affine_matrix2d", (T2, C2, S2, A2, SX, SY), {}),
    ("invert_affine_transform", (np.eye(2, 3) + _n(B, 2, 3, s=0.3),), {}),
    ("get_perspective_transform", (QS, QD), {}),
    ("projection_from_Rt", (_n(B, 3, 3), _n(B, 3, 1)), {}),
    ("get_projective_transform", (C3, A3, S3), {}),
    ("get_projective_transform", (C3, A3 * 1e-5, S3), {}),
    ("get_shear_matrix3d", (C3, *SH3), {}),
    ("get_shear_matrix3d", (C3,), dict(syx=SH3[0])),
    ("get_affine_matrix3d", (T3, C3, S3, A3), {}),
    ("get_affine_matrix3d", (T3, C3, S3, A3, *SH3), {}),
    ("get_perspective_transform3d", (P3S, P3D), {}),
]


@pytest.mark.parametrize("name, args, kw", ORACLE, ids=[o[0] for o in ORACLE])
def test_matches_kornia(name, args, kw, engine, kornia, torch):
    conv = lambda a: torch.from_numpy(a) if isinstance(a, np.ndarray) else a  # noqa: E731
    want = getattr(kornia.geometry.transform, name)(
        *map(conv, args), **{k: conv(v) for k, v in kw.items()}
    ).numpy()
    dtype = "float32" if engine.no_float64 else "float64"
    cast = lambda a: engine.asarray(a.astype(dtype))  # noqa: E731
    got = getattr(T, name)(*map(cast, args), **{k: cast(v) for k, v in kw.items()})
    got = engine.to_numpy(got)
    assert got.shape == want.shape and str(got.dtype) == dtype
    tol = dict(rtol=1e-9, atol=1e-9) if dtype == "float64" else dict(rtol=1e-3, atol=1e-3)
    np.testing.assert_allclose(got, want, **tol)


def test_rotation_matches_opencv(cv2):
    for (cx, cy), ang, s in [((3.0, 4.0), 30.0, 1.0), ((10.5, -2.0), -75.0, 1.7)]:
        want = cv2.getRotationMatrix2D((cx, cy), ang, s)
        got = T.get_rotation_matrix2d(np.array([[cx, cy]]), np.array([ang]), np.full((1, 2), s))
        np.testing.assert_allclose(got[0], want, rtol=1e-12, atol=1e-12)


def test_perspective_matches_opencv_and_maps_the_points(engine, cv2):
    want = np.stack(
        [
            cv2.getPerspectiveTransform(s.astype("float32"), d.astype("float32"))
            for s, d in zip(QS, QD, strict=True)
        ]
    )
    dtype = "float32" if engine.no_float64 else "float64"
    h = engine.to_numpy(
        T.get_perspective_transform(
            engine.asarray(QS.astype(dtype)), engine.asarray(QD.astype(dtype))
        )
    )
    np.testing.assert_allclose(h, want, rtol=2e-3, atol=2e-4)
    ph = np.concatenate([QS, np.ones((B, 4, 1))], -1) @ h.astype(float).transpose(0, 2, 1)
    np.testing.assert_allclose(
        ph[..., :2] / ph[..., 2:], QD, atol=1e-3 if dtype == "float32" else 1e-9
    )


def test_invert_affine_matches_opencv_and_composes_to_identity(cv2):
    m = np.eye(2, 3) + _n(B, 2, 3, s=0.3)
    inv = T.invert_affine_transform(m)
    for k in range(B):
        np.testing.assert_allclose(inv[k], cv2.invertAffineTransform(m[k]), rtol=1e-6, atol=1e-9)
    full = lambda a: np.concatenate([a, np.tile([[[0.0, 0, 1]]], (B, 1, 1))], 1)  # noqa: E731
    np.testing.assert_allclose(full(inv) @ full(m), np.tile(np.eye(3), (B, 1, 1)), atol=1e-12)


def test_rotation_by_90_maps_corners_ccw():
    m = T.get_rotation_matrix2d(np.array([[2.0, 2.0]]), np.array([90.0]), np.ones((1, 2)))[0]
    # positive = counter-clockwise as displayed (y down): the right neighbour goes up
    np.testing.assert_allclose(m @ [3.0, 2.0, 1.0], [2.0, 1.0], atol=1e-12)


def test_perspective3d_maps_all_corners_of_an_affine_box():
    a = np.array([[1.2, 0.1, 0.0], [0.0, 0.9, 0.2], [0.1, 0.0, 1.1]])
    src = CUBE[None] * 4.0
    dst = src @ a.T + np.array([1.0, 2.0, 3.0])
    m = T.get_perspective_transform3d(src, dst)[0]
    ph = np.concatenate([src[0], np.ones((8, 1))], -1) @ m.T
    np.testing.assert_allclose(ph[:, :3] / ph[:, 3:], dst[0], atol=1e-9)


def test_gradients_reach_every_input(torch):
    args = [torch.from_numpy(a).requires_grad_(True) for a in (T2, C2, S2, A2, SX, SY)]
    assert torch.autograd.gradcheck(T.get_affine_matrix2d, tuple(args))
    pts = [torch.from_numpy(a).requires_grad_(True) for a in (QS, QD)]
    assert torch.autograd.gradcheck(T.get_perspective_transform, tuple(pts))


ERRORS = [
    (
        T.get_rotation_matrix2d,
        (np.zeros((2, 3)), np.zeros(2), np.ones((2, 2))),
        r"center: expected shape \(B, 2\), got \(2, 3\)",
    ),
    (
        T.get_rotation_matrix2d,
        (np.zeros((2, 2)), np.zeros(3), np.ones((2, 2))),
        r"angle: expected a batch of 2",
    ),
    (T.invert_affine_transform, (np.zeros((2, 3)),), r"matrix: expected shape \(B, 2, 3\)"),
    (
        T.invert_affine_transform,
        (np.array([[[1.0, 2, 0], [2, 4, 1]]]),),
        "matrix: expected invertible affine transforms",
    ),
    (T.get_perspective_transform, (QS[:, :3], QD), r"points_src: expected shape \(B, 4, 2\)"),
    (T.get_perspective_transform, (QS, QD[:2]), "points_dst: expected a batch of 3"),
    (
        T.get_perspective_transform,
        (np.array([[[0.0, 0], [1, 1], [2, 2], [0, 5]]]), QD[:1]),
        "points_src: expected 4 points",
    ),
    (T.get_perspective_transform, (QS[:1], np.zeros((1, 4, 2))), "points_dst: expected 4 points"),
    (T.projection_from_Rt, (np.zeros((2, 3, 3)), np.zeros((2, 3))), r"tvec: expected shape"),
    (T.get_perspective_transform3d, (np.zeros((1, 8, 3)), P3D[:1]), "src: expected points"),
    (T.get_perspective_transform3d, (P3S[:, :4], P3D), r"src: expected shape \(B, 8, 3\)"),
    (T.get_shear_matrix3d, (C3, np.zeros(2)), "sxy: expected a batch of 3"),
]


@pytest.mark.parametrize("fn, args, msg", ERRORS)
def test_error_contract(fn, args, msg, engine):
    dtype = "float32" if engine.no_float64 else "float64"
    with pytest.raises(ValueError, match=msg):
        fn(*(engine.asarray(a.astype(dtype)) for a in args))
