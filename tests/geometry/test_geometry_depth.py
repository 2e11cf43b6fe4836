"""Depth: ``depth_to_3d(_v2)``, ``unproject_meshgrid``, ``depth_to_normals``,
``depth_from_disparity``, ``depth_from_plane_equation``, ``warp_frame_depth``, ``DepthWarper``.

Oracles: Kornia 0.9 in float64 on torch (every function and the ``DepthWarper`` methods);
analytic identities: a constant depth lifts onto the plane ``z = d``; a plane's depth map
(built with ``depth_from_plane_equation``) has the plane's normal at every pixel (Sobel
differences of coplanar points stay in the plane, so this holds at the borders too); a
depth map lifted and re-projected with the identity pose returns the image; a pure
translation of the camera by one pixel at unit depth and ``fx = 1`` shifts the image by one
pixel; ``DepthWarper`` and ``warp_frame_depth`` agree under their opposite naming.
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
    k[:, 0, 0], k[:, 1, 1] = rng.uniform(6, 9, b), rng.uniform(6, 9, b)
    k[:, :2, 2] = rng.uniform(2, 4, (b, 2))
    k[:, 2, 2] = 1.0
    return k


def _depth(shape=(2, 1, 7, 9), seed=1):
    return _rng(seed).uniform(1.0, 2.0, shape)


def _pose(b=2, seed=2, angle=0.05, shift=0.1):
    rng = _rng(seed)
    out = np.tile(np.eye(4), (b, 1, 1))
    for i in range(b):
        w = rng.uniform(-angle, angle, 3)
        t = np.linalg.norm(w)
        k = np.array([[0, -w[2], w[1]], [w[2], 0, -w[0]], [-w[1], w[0], 0]]) / t
        out[i, :3, :3] = np.eye(3) + np.sin(t) * k + (1 - np.cos(t)) * k @ k
        out[i, :3, 3] = rng.uniform(-shift, shift, 3)
    return out


# -- Kornia oracle ---------------------------------------------------------------------------
@pytest.mark.parametrize("normalize", (False, True))
def test_lifting_matches_kornia(kornia, torch, normalize):
    KD, T = kornia.geometry.depth, torch.tensor
    d, k = _depth(), _K()
    np.testing.assert_allclose(
        G.depth_to_3d(d, k, normalize), KD.depth_to_3d(T(d), T(k), normalize), atol=1e-13
    )
    np.testing.assert_allclose(
        G.depth_to_3d_v2(d[:, 0], k, normalize),
        KD.depth_to_3d_v2(T(d[:, 0]), T(k), normalize),
        atol=1e-13,
    )
    np.testing.assert_allclose(
        G.unproject_meshgrid(7, 9, k, normalize),
        KD.unproject_meshgrid(7, 9, T(k), normalize, dtype=torch.float64),
        atol=1e-13,
    )
    grid = G.unproject_meshgrid(7, 9, k, normalize)
    np.testing.assert_allclose(
        G.depth_to_3d_v2(d[:, 0], k, normalize, grid),
        G.depth_to_3d_v2(d[:, 0], k, normalize),
        atol=1e-14,
    )
    np.testing.assert_allclose(
        G.depth_to_normals(d, k, normalize), KD.depth_to_normals(T(d), T(k), normalize), atol=1e-12
    )


def test_disparity_and_plane_match_kornia(kornia, torch):
    KD, T = kornia.geometry.depth, torch.tensor
    disp = _rng(3).uniform(0, 3, (2, 1, 4, 5))
    disp[0, 0, 0, 0] = 0.0
    for baseline, focal in (
        (0.5, 100.0),
        (np.array([0.5, 0.7]), np.array([90.0])),
        (np.array(0.3), 80),
    ):
        kb = T(baseline) if isinstance(baseline, np.ndarray) else baseline
        kf = T(focal) if isinstance(focal, np.ndarray) else focal
        np.testing.assert_allclose(
            G.depth_from_disparity(disp, baseline, focal),
            KD.depth_from_disparity(T(disp), kb, kf),
            rtol=1e-14,
        )
    normals = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])  # the second grazes some rays
    offsets, uv, k = np.array([[2.0], [0.5]]), _rng(4).uniform(0, 8, (2, 6, 2)), _K()
    uv[1, 0] = k[1, :2, 2]  # a ray parallel to the plane x = 0.5: the eps guard
    np.testing.assert_allclose(
        G.depth_from_plane_equation(normals, offsets, uv, k),
        KD.depth_from_plane_equation(T(normals), T(offsets), T(uv), T(k)),
    )


@pytest.mark.parametrize("normalize", (False, True))
def test_warps_match_kornia(kornia, torch, normalize):
    KD, KC, T = kornia.geometry.depth, kornia.geometry.camera, torch.tensor
    img, d, pose, k = _rng(5).random((2, 3, 7, 9)), _depth(), _pose(), _K()
    np.testing.assert_allclose(
        G.warp_frame_depth(img, d, pose, k, normalize),
        KD.warp_frame_depth(T(img), T(d), T(pose), T(k), normalize),
        atol=1e-12,
    )
    intr = np.tile(np.eye(4), (2, 1, 1))
    intr[:, :3, :3] = k
    hw = (np.full(2, 7.0), np.full(2, 9.0))
    ext_dst, ext_src = _pose(seed=6), _pose(seed=7)
    for mode, padding, align in (("bilinear", "zeros", True), ("nearest", "border", False)):
        ours = G.DepthWarper(G.PinholeCamera(intr, ext_dst, *hw), 7, 9, mode, padding, align)
        ours.compute_projection_matrix(G.PinholeCamera(intr, ext_src, *hw))
        theirs = KD.DepthWarper(
            KC.PinholeCamera(T(intr), T(ext_dst), *map(T, hw)), 7, 9, mode, padding, align
        )
        theirs.compute_projection_matrix(KC.PinholeCamera(T(intr), T(ext_src), *map(T, hw)))
        np.testing.assert_allclose(ours.warp_grid(d), theirs.warp_grid(T(d)), atol=1e-12)
        np.testing.assert_allclose(ours(d, img), theirs(T(d), T(img)), atol=1e-12)
        np.testing.assert_allclose(
            ours.compute_subpixel_step(), theirs.compute_subpixel_step(), rtol=1e-12
        )
        np.testing.assert_allclose(ours.grid, theirs.grid)


# -- identities ------------------------------------------------------------------------------
def test_constant_depth_lies_on_its_plane(engine):
    k = engine.asarray(_K().astype("float32"))
    d = engine.asarray(np.full((2, 1, 5, 6), 3.0, dtype="float32"))
    pts = engine.to_numpy(G.depth_to_3d(d, k))
    np.testing.assert_allclose(pts[:, 2], 3.0)
    # back to pixels: the grid
    uv = G.project_points(engine.asarray(np.moveaxis(pts, 1, -1).reshape(2, -1, 3)), k)
    yy, xx = np.mgrid[0:5, 0:6]
    want = np.stack([xx, yy], -1).reshape(1, -1, 2)
    np.testing.assert_allclose(engine.to_numpy(uv), np.broadcast_to(want, (2, 30, 2)), atol=1e-4)


def test_plane_normals_are_constant(engine):
    k = _K()
    n = np.array([[0.2, -0.1, 1.0], [-0.3, 0.25, 1.0]])
    n /= np.linalg.norm(n, axis=-1, keepdims=True)
    yy, xx = np.mgrid[0:6, 0:8]
    uv = np.stack([xx, yy], -1).reshape(1, -1, 2).repeat(2, 0).astype(float)
    depth = G.depth_from_plane_equation(n, np.array([[2.0], [3.0]]), uv, k).reshape(2, 1, 6, 8)
    f = lambda a: engine.asarray(a.astype("float32"))  # noqa: E731
    normals = engine.to_numpy(G.depth_to_normals(f(depth), f(k)))
    want = np.broadcast_to(n[:, :, None, None], normals.shape)
    np.testing.assert_allclose(normals, want, atol=2e-4)


def test_identity_pose_returns_the_image_and_translation_shifts_it():
    img, d, k = _rng(8).random((2, 3, 6, 7)), _depth((2, 1, 6, 7)), _K()
    eye = np.tile(np.eye(4), (2, 1, 1))
    np.testing.assert_allclose(G.warp_frame_depth(img, d, eye, k), img, atol=1e-12)
    k1, shift = np.eye(3)[None].repeat(2, 0), eye.copy()
    shift[:, 0, 3] = 1.0
    out = G.warp_frame_depth(img, np.ones((2, 1, 6, 7)), shift, k1)
    np.testing.assert_allclose(out[..., :-1], img[..., 1:], atol=1e-12)
    np.testing.assert_allclose(out[..., -1], 0.0, atol=1e-12)


def test_depth_warper_is_warp_frame_depth_renamed():
    img, d, k = _rng(9).random((1, 2, 6, 7)), _depth((1, 1, 6, 7)), _K(1)
    ext_src, ext_dst = _pose(1, 10), _pose(1, 11)
    intr = np.eye(4)[None]
    intr[:, :3, :3] = k
    hw = (np.array([6.0]), np.array([7.0]))
    warper = G.DepthWarper(G.PinholeCamera(intr, ext_dst, *hw), 6, 7)
    warper.compute_projection_matrix(G.PinholeCamera(intr, ext_src, *hw))
    dst_trans_src = ext_dst @ np.linalg.inv(ext_src)
    np.testing.assert_allclose(
        warper(d, img), G.warp_frame_depth(img, d, dst_trans_src, k), atol=1e-10
    )


def test_engines_and_dtypes(engine):
    f = lambda a: engine.asarray(a.astype("float32"))  # noqa: E731
    k, d = f(_K()), f(_depth())
    for out in (
        G.depth_to_3d(d, k),
        G.depth_to_normals(d, k),
        G.unproject_meshgrid(7, 9, k),
        G.depth_from_disparity(d, 0.5, 10.0),
        G.warp_frame_depth(f(_rng(1).random((2, 3, 7, 9))), d, f(_pose()), k),
    ):
        assert engine.is_own(out) and "float32" in str(out.dtype)
    intr = np.tile(np.eye(4), (2, 1, 1))
    intr[:, :3, :3] = _K()
    cam = G.PinholeCamera(f(intr), f(_pose()), f(np.full(2, 7.0)), f(np.full(2, 9.0)))
    warper = G.DepthWarper(cam, 7, 9).compute_projection_matrix(cam)
    out = warper(d, f(_rng(2).random((2, 3, 7, 9))))
    assert engine.is_own(out) and tuple(out.shape) == (2, 3, 7, 9)


def test_gradients_through_depth_and_intrinsics(torch):
    d = torch.tensor(_depth((1, 1, 4, 5)), requires_grad=True)
    k = torch.tensor(_K(1), requires_grad=True)
    img = torch.rand(1, 2, 4, 5, dtype=torch.float64, requires_grad=True)
    pose = torch.tensor(_pose(1), requires_grad=True)
    f = lambda d, k, i, p: (G.depth_to_normals(d, k), G.warp_frame_depth(i, d, p, k))  # noqa: E731
    assert torch.autograd.gradcheck(f, (d, k, img, pose), fast_mode=True)


# -- error contract --------------------------------------------------------------------------
def _bad_cases():
    P = lambda e, s: e.asarray(np.ones(s, dtype="float32"))  # noqa: E731
    return [
        (
            lambda e: G.depth_to_3d(P(e, (2, 4, 5)), P(e, (2, 3, 3))),
            ValueError,
            "depth: expected shape (B, 1, H, W), got (2, 4, 5)",
        ),
        (
            lambda e: G.depth_to_3d(P(e, (2, 1, 4, 5)), P(e, (3, 3))),
            ValueError,
            "camera_matrix: expected shape (B, 3, 3), got (3, 3)",
        ),
        (
            lambda e: G.depth_to_3d(P(e, (2, 1, 4, 5)), P(e, (2, 3, 3)), 1),
            TypeError,
            "normalize_points: expected a bool",
        ),
        (
            lambda e: G.depth_to_3d_v2(P(e, (4,)), P(e, (2, 3, 3))),
            ValueError,
            "depth: expected shape (*, H, W)",
        ),
        (
            lambda e: G.depth_to_3d_v2(P(e, (2, 4, 5)), P(e, (2, 3, 3)), False, P(e, (2, 4, 4, 3))),
            ValueError,
            "xyz_grid: expected shape (*, 4, 5, 3)",
        ),
        (
            lambda e: G.unproject_meshgrid(0, 5, P(e, (2, 3, 3))),
            ValueError,
            "height: expected a positive integer",
        ),
        (
            lambda e: G.depth_to_normals(P(e, (2, 1, 1, 5)), P(e, (2, 3, 3))),
            ValueError,
            "depth: expected H >= 2 and W >= 2",
        ),
        (
            lambda e: G.depth_from_disparity(P(e, (5,)), 1.0, 1.0),
            ValueError,
            "disparity: expected shape (*, H, W)",
        ),
        (
            lambda e: G.depth_from_disparity(P(e, (2, 4, 5)), P(e, (3,)), 1.0),
            ValueError,
            "baseline: expected a number or shape",
        ),
        (
            lambda e: G.depth_from_disparity(P(e, (2, 4, 5)), 1.0, "f"),
            TypeError,
            "focal: expected a number or an array",
        ),
        (
            lambda e: G.depth_from_plane_equation(
                P(e, (2, 3)), P(e, (2, 2)), P(e, (2, 4, 2)), P(e, (2, 3, 3))
            ),
            ValueError,
            "plane_offsets: expected shape (B, 1) with B = 2",
        ),
        (
            lambda e: G.warp_frame_depth(
                P(e, (2, 3, 4, 5)), P(e, (2, 1, 4, 4)), P(e, (2, 4, 4)), P(e, (2, 3, 3))
            ),
            ValueError,
            "depth_dst: expected shape (2, 1, 4, 5)",
        ),
        (
            lambda e: G.warp_frame_depth(
                P(e, (2, 3, 4, 5)), P(e, (2, 1, 4, 5)), P(e, (2, 3, 4)), P(e, (2, 3, 3))
            ),
            ValueError,
            "src_trans_dst: expected shape (2, 4, 4)",
        ),
        (
            lambda e: G.DepthWarper("camera", 4, 5),
            TypeError,
            "pinhole_dst: expected a PinholeCamera",
        ),
        (
            lambda e: _warper(e).warp_grid(P(e, (1, 1, 4, 5))),
            ValueError,
            "call compute_projection_matrix",
        ),
        (
            lambda e: _warper(e).compute_subpixel_step(),
            RuntimeError,
            "call compute_projection_matrix",
        ),
        (
            lambda e: G.DepthWarper(_warper(e)._pinhole_dst, 4, 5, mode="bicubic"),
            ValueError,
            "mode: expected one of",
        ),
    ]


def _warper(e):
    cam = G.PinholeCamera(
        *(e.asarray(np.ones(s, dtype="float32")) for s in ((1, 4, 4), (1, 4, 4), (1,), (1,)))
    )
    return G.DepthWarper(cam, 4, 5)


BAD_COUNT = 17


def test_bad_case_count():
    assert len(_bad_cases()) == BAD_COUNT


@pytest.mark.parametrize("k", range(BAD_COUNT))
def test_errors(engine, k):
    fn, exc, msg = _bad_cases()[k]
    with pytest.raises(exc) as info:
        fn(engine)
    assert msg in str(info.value)
