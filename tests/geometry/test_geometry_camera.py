"""Camera models: projections, affine / Kannala-Brandt / OpenCV lens models, ``PinholeCamera``.

Oracles:
* Kornia 0.9 in float64 on torch for every function and the ``PinholeCamera`` methods.
* OpenCV where conventions match: ``cv2.projectPoints`` (pinhole, no distortion; OpenCV's
  ``rvec``/``tvec`` are the world-to-camera extrinsics, as ours); ``cv2.undistortPoints``
  with ``P = K`` (OpenCV runs the same 5-step fixed-point iteration by default) for 4 to 14
  coefficients; ``cv2.initUndistortRectifyMap`` (its float maps are our distorted pixel grid)
  and ``cv2.remap`` for ``undistort_image`` (OpenCV's bilinear remap uses 1/32-pixel
  fixed-point weights, hence a loose image tolerance); ``cv2.fisheye.distortPoints`` /
  ``undistortPoints`` for Kannala-Brandt (OpenCV's fisheye model is the same polynomial in
  ``theta``, with zero skew).
* Analytic identities: project then unproject returns the point; distort then undistort
  returns it; the ``dx_*`` Jacobians equal torch autograd's Jacobians of the forward maps.
"""

from __future__ import annotations

import numpy as np
import pytest

import portvision as pv

G = pv.geometry


def _rng(seed=0):
    return np.random.default_rng(seed)


def _K(b=2, seed=0):
    rng = _rng(seed)
    k = np.zeros((b, 3, 3))
    k[:, 0, 0], k[:, 1, 1] = rng.uniform(250, 350, b), rng.uniform(250, 350, b)
    k[:, 0, 2], k[:, 1, 2] = rng.uniform(300, 340, b), rng.uniform(220, 260, b)
    k[:, 2, 2] = 1.0
    return k


def _cam_points(shape=(2, 6), seed=1):
    rng = _rng(seed)
    return np.concatenate([rng.uniform(-1, 1, shape + (2,)), rng.uniform(2, 4, shape + (1,))], -1)


def _rodrigues(w):
    t = np.linalg.norm(w)
    k = np.array([[0, -w[2], w[1]], [w[2], 0, -w[0]], [-w[1], w[0], 0]]) / t
    return np.eye(3) + np.sin(t) * k + (1 - np.cos(t)) * k @ k


def _kb_params(b=2, seed=2):
    base = np.array([300.0, 280.0, 320.0, 240.0, 0.05, 0.01, 0.002, 0.0005])
    return base * (1 + _rng(seed).uniform(-0.1, 0.1, (b, 1, 8)))


# -- Kornia oracle ---------------------------------------------------------------------------
def test_projections_match_kornia(kornia, torch):
    KC = kornia.geometry.camera
    T = torch.tensor
    pts, k = _cam_points(), _K()
    uv = _rng(3).uniform(0, 600, (2, 6, 2))
    depth = _rng(4).uniform(1, 3, (2, 6, 1))
    np.testing.assert_allclose(G.project_points(pts, k), KC.project_points(T(pts), T(k)), 1e-12)
    for norm in (False, True):
        np.testing.assert_allclose(
            G.unproject_points(uv, depth, k, norm),
            KC.unproject_points(T(uv), T(depth), T(k), norm),
            1e-12,
        )
    for name in (
        "project_points_z1",
        "dx_project_points_z1",
        "project_points_orthographic",
        "dx_project_points_orthographic",
    ):
        np.testing.assert_allclose(getattr(G, name)(pts), getattr(KC, name)(T(pts)), 1e-12)
    z1 = pts[..., :2]
    for ext in (depth, depth[..., 0]):
        np.testing.assert_allclose(
            G.unproject_points_z1(z1, ext), KC.unproject_points_z1(T(z1), T(ext)), 1e-12
        )
        np.testing.assert_allclose(
            G.unproject_points_orthographic(z1, ext),
            KC.unproject_points_orthographic(T(z1), T(ext)),
            1e-12,
        )
    np.testing.assert_allclose(G.unproject_points_z1(z1), KC.unproject_points_z1(T(z1)), 1e-12)


def test_distortion_models_match_kornia(kornia, torch):
    KC = kornia.geometry.camera
    T = torch.tensor
    params = _kb_params()
    z1 = _rng(5).uniform(-0.8, 0.8, (2, 6, 2))
    z1[0, 0] = 0.0  # the affine branch at the optical axis
    pix = KC.distort_points_kannala_brandt(T(z1), T(params)).numpy()
    pairs = [
        ("distort_points_kannala_brandt", z1, params),
        ("dx_distort_points_kannala_brandt", z1, params),
        ("undistort_points_kannala_brandt", pix, params),
        ("distort_points_affine", z1, params[..., :4]),
        ("dx_distort_points_affine", z1, params[..., :4]),
        ("undistort_points_affine", pix, params[..., :4]),
    ]
    for name, p, q in pairs:
        got, want = getattr(G, name)(p, q), getattr(KC, name)(T(p), T(q)).numpy()
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-9, err_msg=name)


@pytest.mark.parametrize("n", (4, 5, 8, 12, 14))
def test_lens_model_matches_kornia(kornia, torch, n):
    KC = kornia.geometry.calibration
    T = torch.tensor
    k, k2 = _K(), _K(seed=9)
    dist = _rng(n).uniform(-0.05, 0.05, (2, n))
    pts = _rng(6).uniform(150, 490, (2, 7, 2))
    np.testing.assert_allclose(
        G.distort_points(pts, k, dist), KC.distort_points(T(pts), T(k), T(dist)), atol=1e-10
    )
    np.testing.assert_allclose(
        G.distort_points(pts, k, dist, k2),
        KC.distort_points(T(pts), T(k), T(dist), T(k2)),
        atol=1e-10,
    )
    np.testing.assert_allclose(
        G.undistort_points(pts, k, dist, k2, 7),
        KC.undistort_points(T(pts), T(k), T(dist), T(k2), 7),
        atol=1e-10,
    )
    img = _rng(7).random((2, 3, 9, 11))
    ks = _K() / 40.0
    ks[:, 2, 2] = 1.0
    np.testing.assert_allclose(
        G.undistort_image(img, ks, dist * 4),
        KC.undistort_image(T(img), T(ks), T(dist * 4)),
        atol=1e-12,
    )
    np.testing.assert_allclose(
        G.tilt_projection(dist[:, :1], dist[:, 1:2], True),
        KC.tilt_projection(T(dist[:, :1]), T(dist[:, 1:2]), True),
        atol=1e-15,
    )


def test_unbatched_forms_match_kornia(kornia, torch):
    KC, KL = kornia.geometry.camera, kornia.geometry.calibration
    T = torch.tensor
    p, q = np.array([0.3, -0.2]), _kb_params()[0, 0]
    np.testing.assert_allclose(
        G.distort_points_kannala_brandt(p, q), KC.distort_points_kannala_brandt(T(p), T(q)), 1e-12
    )
    img, k, d = (
        _rng(8).random((1, 2, 5, 6)),
        np.array([[5.0, 0, 2.5], [0, 5.0, 2], [0, 0, 1]]),
        np.array([0.1, -0.05, 0.01, 0.0]),
    )
    np.testing.assert_allclose(
        G.undistort_image(img, k, d), KL.undistort_image(T(img), T(k), T(d)), atol=1e-12
    )


# -- OpenCV oracle ---------------------------------------------------------------------------
def test_project_matches_opencv(cv2):
    k = _K(1)[0]
    rvec, tvec = np.array([0.1, -0.2, 0.05]), np.array([0.2, -0.1, 0.5])
    world = _cam_points((1, 8), 10)[0]
    want, _ = cv2.projectPoints(world, rvec, tvec, k, None)
    ext = np.eye(4)
    ext[:3, :3], ext[:3, 3] = cv2.Rodrigues(rvec)[0], tvec
    intr = np.eye(4)
    intr[:3, :3] = k
    cam = G.PinholeCamera(intr[None], ext[None], np.array([480.0]), np.array([640.0]))
    np.testing.assert_allclose(cam.project(world[None]), want[:, 0][None], atol=1e-9)
    in_cam = world @ ext[:3, :3].T + tvec
    np.testing.assert_allclose(G.project_points(in_cam[None], k[None]), want[:, 0][None], atol=1e-9)


@pytest.mark.parametrize("n", (4, 5, 8, 12, 14))
def test_undistort_points_matches_opencv(cv2, n):
    k = _K(1)[0]
    dist = _rng(n + 1).uniform(-0.05, 0.05, n)
    pts = _rng(11).uniform(100, 540, (9, 2))
    want = cv2.undistortPoints(pts[:, None], k, dist, P=k)[:, 0]
    np.testing.assert_allclose(
        G.undistort_points(pts[None], k[None], dist[None])[0], want, atol=1e-8
    )


@pytest.mark.parametrize("n", (5, 8, 14))
def test_distorted_grid_matches_opencv_maps(cv2, n):
    h, w = 12, 16
    k = np.array([[14.0, 0.0, 7.5], [0.0, 13.0, 5.5], [0.0, 0.0, 1.0]])
    dist = _rng(n).uniform(-0.05, 0.05, n) * 2
    mx, my = cv2.initUndistortRectifyMap(k, dist, None, k, (w, h), cv2.CV_32FC1)
    yy, xx = np.mgrid[0:h, 0:w].astype(float)
    grid = np.stack([xx, yy], -1).reshape(1, -1, 2)
    got = G.distort_points(grid, k[None], dist[None]).reshape(h, w, 2)
    np.testing.assert_allclose(got[..., 0], mx, atol=1e-3)  # OpenCV's maps are float32
    np.testing.assert_allclose(got[..., 1], my, atol=1e-3)
    img = _rng(12).random((h, w)).astype(np.float32)
    want = cv2.remap(img, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    out = G.undistort_image(img[None, None].astype(np.float64), k[None], dist[None])[0, 0]
    inside = (mx >= 0) & (mx <= w - 1) & (my >= 0) & (my <= h - 1)
    np.testing.assert_allclose(out[inside], want[inside], atol=0.04)  # 1/32-pixel weights


def test_kannala_brandt_matches_opencv_fisheye(cv2):
    params = _kb_params(1)[0, 0]
    kmat = np.array([[params[0], 0, params[2]], [0, params[1], params[3]], [0, 0, 1.0]])
    z1 = _rng(13).uniform(-0.9, 0.9, (1, 10, 2))
    want = cv2.fisheye.distortPoints(z1, kmat, params[4:])
    np.testing.assert_allclose(G.distort_points_kannala_brandt(z1, params), want, atol=1e-8)
    back = cv2.fisheye.undistortPoints(want, kmat, params[4:])
    np.testing.assert_allclose(G.undistort_points_kannala_brandt(want, params), back, atol=1e-7)


# -- identities ------------------------------------------------------------------------------
def test_round_trips(engine):
    f = lambda a: engine.asarray(a.astype("float32"))  # noqa: E731
    pts, k = _cam_points(), _K()
    uv = G.project_points(f(pts), f(k))
    back = G.unproject_points(uv, f(pts[..., 2:]), f(k))
    np.testing.assert_allclose(engine.to_numpy(back), pts, rtol=1e-5, atol=1e-5)
    z1 = G.project_points_z1(f(pts))
    np.testing.assert_allclose(
        engine.to_numpy(G.unproject_points_z1(z1, f(pts[..., 2]))), pts, rtol=1e-5
    )
    params = f(_kb_params())
    z1n = f(_rng(14).uniform(-0.7, 0.7, (2, 6, 2)))
    for dist_fn, undist_fn, q in (
        (G.distort_points_kannala_brandt, G.undistort_points_kannala_brandt, params),
        (G.distort_points_affine, G.undistort_points_affine, params[..., :4]),
    ):
        again = undist_fn(dist_fn(z1n, q), q)
        np.testing.assert_allclose(engine.to_numpy(again), engine.to_numpy(z1n), atol=1e-4)
    dist = f(_rng(15).uniform(-0.02, 0.02, (2, 8)))
    pix = f(_rng(16).uniform(200, 400, (2, 6, 2)))
    again = G.undistort_points(G.distort_points(pix, f(k), dist), f(k), dist, num_iters=20)
    np.testing.assert_allclose(engine.to_numpy(again), engine.to_numpy(pix), atol=1e-3)


def test_jacobians_match_autograd(torch):
    pts = torch.tensor(_cam_points(), dtype=torch.float64)
    for b in range(2):
        for i in range(6):
            p = pts[b, i]
            j = torch.autograd.functional.jacobian(G.project_points_z1, p)
            np.testing.assert_allclose(G.dx_project_points_z1(p), j, atol=1e-12)
            q = torch.tensor(_kb_params()[b, 0])
            xy = p[:2] / p[2]
            j = torch.autograd.functional.jacobian(
                lambda v, q=q: G.distort_points_kannala_brandt(v, q), xy
            )
            np.testing.assert_allclose(G.dx_distort_points_kannala_brandt(xy, q), j, rtol=1e-9)
            j = torch.autograd.functional.jacobian(
                lambda v, q=q: G.distort_points_affine(v, q[:4]), xy
            )
            np.testing.assert_allclose(G.dx_distort_points_affine(xy, q[:4]), j, rtol=1e-12)


# -- PinholeCamera ---------------------------------------------------------------------------
def _pinhole_arrays(b=2, seed=20):
    intr = np.tile(np.eye(4), (b, 1, 1))
    intr[:, :3, :3] = _K(b, seed)
    ext = np.tile(np.eye(4), (b, 1, 1))
    rng = _rng(seed)
    for i in range(b):
        ext[i, :3, :3] = _rodrigues(rng.uniform(-0.3, 0.3, 3))
        ext[i, :3, 3] = rng.uniform(-0.5, 0.5, 3)
    return intr, ext, np.full(b, 480.0), np.full(b, 640.0)


def test_pinhole_matches_kornia(kornia, torch):
    arrays = _pinhole_arrays()
    ours = G.PinholeCamera(*arrays)
    theirs = kornia.geometry.camera.PinholeCamera(*(torch.tensor(a) for a in arrays))
    X = _cam_points((2, 5), 21)
    uv, d = _rng(22).uniform(0, 600, (2, 5, 2)), _rng(23).uniform(1, 3, (2, 5, 1))
    T = torch.tensor
    np.testing.assert_allclose(ours.project(X), theirs.project(T(X)), atol=1e-10)
    np.testing.assert_allclose(ours.unproject(uv, d), theirs.unproject(T(uv), T(d)), atol=1e-10)
    np.testing.assert_allclose(ours.intrinsics_inverse(), theirs.intrinsics_inverse(), atol=1e-14)
    for name in (
        "fx",
        "fy",
        "cx",
        "cy",
        "tx",
        "ty",
        "tz",
        "rt_matrix",
        "camera_matrix",
        "rotation_matrix",
        "translation_vector",
    ):
        np.testing.assert_allclose(getattr(ours, name), getattr(theirs, name), err_msg=name)
    s = np.array([0.5, 2.0])
    a, b = ours.scale(s), theirs.scale(T(s))
    np.testing.assert_allclose(a.intrinsics, b.intrinsics)
    np.testing.assert_allclose(a.width, b.width)
    ours.scale_(1.5)
    theirs.scale_(1.5)
    ours.ty, theirs.ty = 0.25, 0.25
    ours.tz = np.array([1.0, 2.0])
    theirs.tz = T([1.0, 2.0])
    np.testing.assert_allclose(ours.intrinsics, theirs.intrinsics)
    np.testing.assert_allclose(ours.extrinsics, theirs.extrinsics)
    np.testing.assert_allclose(ours.height, theirs.height)
    assert ours.batch_size == 2


def test_pinhole_never_writes_its_inputs(engine):
    arrays = [engine.asarray(a.astype("float32")) for a in _pinhole_arrays()]
    before = [engine.to_numpy(a).copy() for a in arrays]
    cam = G.PinholeCamera(*arrays)
    copy = cam.clone()
    cam.scale_(2.0)
    cam.tx = 3.0
    for a, b in zip(arrays, before, strict=True):
        np.testing.assert_array_equal(engine.to_numpy(a), b)
    np.testing.assert_allclose(engine.to_numpy(copy.intrinsics), before[0])
    np.testing.assert_allclose(engine.to_numpy(cam.tx), 3.0)
    np.testing.assert_allclose(engine.to_numpy(cam.fx), 2 * before[0][:, 0, 0], rtol=1e-6)
    X = engine.asarray(_cam_points((2, 4)).astype("float32"))
    uv = cam.project(X)
    assert engine.is_own(uv) and "float32" in str(uv.dtype) and tuple(uv.shape) == (2, 4, 2)
    depth = engine.asarray(np.ones((2, 4, 1), dtype="float32"))
    assert engine.is_own(cam.unproject(uv, depth))


def test_pinhole_from_parameters(kornia, torch):
    ours = G.PinholeCamera.from_parameters(
        np.array([100.0, 110.0]), 120.0, 30.0, 20.0, 48, 64, 0.1, 0.2, 0.3, 2, dtype="float64"
    )
    T = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731
    theirs = kornia.geometry.camera.PinholeCamera.from_parameters(
        T([100.0, 110.0]),
        T(120.0),
        T(30.0),
        T(20.0),
        48,
        64,
        T(0.1),
        T(0.2),
        T(0.3),
        2,
        None,
        torch.float64,
    )
    np.testing.assert_allclose(ours.intrinsics, theirs.intrinsics)
    np.testing.assert_allclose(ours.extrinsics, theirs.extrinsics)
    np.testing.assert_allclose(ours.height, theirs.height)
    assert isinstance(ours.intrinsics, np.ndarray)


def test_pinhole_gradients(torch):
    intr, ext, h, w = (torch.tensor(a) for a in _pinhole_arrays(1))
    X = torch.tensor(_cam_points((1, 3)), requires_grad=True)
    intr.requires_grad_(True)
    ext.requires_grad_(True)

    def f(i, e, x):
        cam = G.PinholeCamera(i, e, h, w)
        return cam.project(x), cam.unproject(cam.project(x), x[..., 2:])

    assert torch.autograd.gradcheck(f, (intr, ext, X), fast_mode=True)


# -- error contract --------------------------------------------------------------------------
def _bad_cases():
    P = lambda e, s: e.asarray(np.ones(s, dtype="float32"))  # noqa: E731
    return [
        (
            lambda e: G.project_points(P(e, (3,)), P(e, (3, 3))),
            ValueError,
            "point_3d: expected shape (*, N, 3), got (3,)",
        ),
        (lambda e: G.project_points(P(e, (2, 4, 2)), P(e, (2, 3, 3))), ValueError, "point_3d:"),
        (
            lambda e: G.project_points(P(e, (2, 4, 3)), P(e, (2, 2, 3))),
            ValueError,
            "camera_matrix: expected shape",
        ),
        (
            lambda e: G.unproject_points(P(e, (2, 4, 2)), P(e, (2, 4, 2)), P(e, (2, 3, 3))),
            ValueError,
            "depth: expected shape (*, 1)",
        ),
        (
            lambda e: G.unproject_points(P(e, (2, 4, 2)), 1.0, P(e, (2, 3, 3))),
            TypeError,
            "depth: expected an array",
        ),
        (lambda e: G.project_points_z1(P(e, (4, 2))), ValueError, "points_in_camera: expected"),
        (lambda e: G.unproject_points_z1(P(e, (4, 2)), P(e, (4, 2))), ValueError, "extension:"),
        (
            lambda e: G.unproject_points_orthographic(P(e, (4, 2)), P(e, (3, 1))),
            ValueError,
            "extension: expected shape",
        ),
        (
            lambda e: G.distort_points_affine(P(e, (4, 2)), P(e, (4, 3))),
            ValueError,
            "params: expected shape (*, 4)",
        ),
        (
            lambda e: G.distort_points_kannala_brandt(P(e, (4, 2)), P(e, (3, 8))),
            ValueError,
            "params: expected leading axes broadcastable",
        ),
        (
            lambda e: G.undistort_points_kannala_brandt(P(e, (4, 3)), P(e, (8,))),
            ValueError,
            "distorted_points_in_camera: expected shape",
        ),
        (
            lambda e: G.distort_points(P(e, (1, 4, 2)), P(e, (1, 3, 3)), P(e, (1, 6))),
            ValueError,
            "dist: expected shape (*, n) with n in [4, 5, 8, 12, 14]",
        ),
        (
            lambda e: G.undistort_points(P(e, (1, 4, 2)), P(e, (1, 3, 3)), P(e, (1, 4)), None, -1),
            ValueError,
            "num_iters: expected a non-negative integer",
        ),
        (
            lambda e: G.undistort_points(P(e, (3, 4, 2)), P(e, (2, 3, 3)), P(e, (2, 4))),
            ValueError,
            "points: expected leading axes broadcastable",
        ),
        (
            lambda e: G.undistort_image(P(e, (2, 1, 4, 4)), P(e, (1, 3, 3)), P(e, (2, 4))),
            ValueError,
            "K: expected the leading axes (2,) of image",
        ),
        (
            lambda e: G.undistort_image(
                e.asarray(np.ones((1, 1, 4, 4), np.uint8)), P(e, (1, 3, 3)), P(e, (1, 4))
            ),
            TypeError,
            "image: expected a real floating",
        ),
        (lambda e: G.tilt_projection(P(e, (2, 1)), P(e, (2,))), ValueError, "tauy: expected"),
        (
            lambda e: G.cam2pixel(P(e, (1, 2, 2, 3)), P(e, (1, 3, 3))),
            ValueError,
            "dst_proj_src: expected shape (B, 4, 4)",
        ),
        (
            lambda e: G.pixel2cam(P(e, (1, 2, 2, 2)), P(e, (1, 4, 4)), P(e, (1, 2, 2, 3))),
            ValueError,
            "depth: expected shape (B, 1, H, W)",
        ),
        (
            lambda e: G.PinholeCamera(P(e, (2, 4, 4)), P(e, (1, 4, 4)), P(e, (2,)), P(e, (2,))),
            ValueError,
            "extrinsics: expected the batch size of intrinsics",
        ),
        (
            lambda e: G.PinholeCamera(P(e, (2, 3, 3)), P(e, (2, 4, 4)), P(e, (2,)), P(e, (2,))),
            ValueError,
            "intrinsics: expected shape (B, 4, 4)",
        ),
    ]


BAD_COUNT = 21


def test_bad_case_count():
    assert len(_bad_cases()) == BAD_COUNT


@pytest.mark.parametrize("k", range(BAD_COUNT))
def test_errors(engine, k):
    fn, exc, msg = _bad_cases()[k]
    with pytest.raises(exc) as info:
        fn(engine)
    assert msg in str(info.value)


# -- StereoCamera ----------------------------------------------------------------------------
def _rig(b=2):
    left = np.zeros((b, 3, 4))
    left[:, 0, 0], left[:, 1, 1] = [100.0, 80.0][:b], [90.0, 85.0][:b]
    left[:, 0, 2], left[:, 1, 2], left[:, 2, 2] = [2.0, 3.0][:b], [1.5, 2.0][:b], 1.0
    right = left.copy()
    right[:, 0, 3] = -left[:, 0, 0] * np.array([0.5, 0.3][:b])
    return left, right


def test_stereo_matches_kornia_and_opencv(kornia, torch, cv2):
    left, right = _rig()
    ours = G.StereoCamera(left, right)
    theirs = kornia.geometry.camera.StereoCamera(torch.tensor(left), torch.tensor(right))
    for name in ("Q", "tx", "fx", "fy", "cx_left", "cx_right", "cy"):
        np.testing.assert_allclose(getattr(ours, name), getattr(theirs, name), err_msg=name)
    disp = _rng(30).uniform(0.5, 10.0, (2, 4, 5, 1))
    disp[0, 0, 0, 0] = 0.0  # w = 0: the undivided placeholder (Kornia), inf in OpenCV
    pts, mask = ours.reproject_disparity_to_3D(disp, True)
    kp, km = theirs.reproject_disparity_to_3D(torch.tensor(disp), True)
    np.testing.assert_allclose(pts, kp, atol=1e-12)
    np.testing.assert_array_equal(mask, km)
    assert not mask[0, 0, 0, 0] and mask.sum() == mask.size - 1
    want = cv2.reprojectImageTo3D(disp[1, ..., 0].astype(np.float32), ours.Q[1])
    np.testing.assert_allclose(pts[1], want, rtol=1e-5)
    # the depth of a rectified rig: fx * baseline / disparity
    np.testing.assert_allclose(pts[1, ..., 2], 80.0 * 0.3 / disp[1, ..., 0], rtol=1e-12)


def test_stereo_engines_and_gradients(engine):
    left, right = (engine.asarray(a.astype("float32")) for a in _rig())
    rig = G.StereoCamera(left, right)
    disp = engine.asarray(_rng(31).uniform(1.0, 5.0, (2, 3, 4, 1)).astype("float32"))
    pts = rig.reproject_disparity_to_3D(disp)
    assert engine.is_own(pts) and tuple(pts.shape) == (2, 3, 4, 3) and "float32" in str(pts.dtype)
    if engine.differentiable:
        import torch

        d = torch.tensor(_rng(32).uniform(1.0, 5.0, (1, 3, 4, 1)), requires_grad=True)
        lt, rt = (torch.tensor(a) for a in _rig(1))
        f = lambda d: G.StereoCamera(lt, rt).reproject_disparity_to_3D(d)  # noqa: E731
        assert torch.autograd.gradcheck(f, (d,))


def _stereo_bad():
    P = lambda e, a: e.asarray(np.asarray(a, dtype="float32"))  # noqa: E731
    left, right = _rig()
    swapped = right.copy()
    swapped[:, 0, 3] *= -1
    other = right.copy()
    other[0, 1, 1] += 1
    return [
        (
            lambda e: G.StereoCamera(P(e, left[:, :, :3]), P(e, right)),
            ValueError,
            "rectified_left_camera: expected shape (B, 3, 4)",
        ),
        (
            lambda e: G.StereoCamera(P(e, left), P(e, swapped)),
            ValueError,
            "expected a negative entry [0, 3]",
        ),
        (
            lambda e: G.StereoCamera(P(e, left), P(e, other)),
            ValueError,
            "expected the left camera's first three columns",
        ),
        (
            lambda e: G.StereoCamera(P(e, left), P(e, right)).reproject_disparity_to_3D(
                P(e, np.ones((2, 1, 4, 5)))
            ),
            ValueError,
            "disparity_tensor: expected shape (B, H, W, 1)",
        ),
        (
            lambda e: G.StereoCamera(P(e, left), P(e, right)).reproject_disparity_to_3D(
                P(e, np.ones((3, 4, 5, 1)))
            ),
            ValueError,
            "disparity_tensor: expected a batch of 2",
        ),
    ]


@pytest.mark.parametrize("k", range(5))
def test_stereo_errors(engine, k):
    fn, exc, msg = _stereo_bad()[k]
    with pytest.raises(exc) as info:
        fn(engine)
    assert msg in str(info.value)
