"""Conformance cases for the camera models (projections, distortions, OpenCV lens model,
pinhole maps) and the depth operations."""

from __future__ import annotations

import numpy as np
from op_case import Case, image

B = 2


def intrinsics(rng, dt, b=B):
    """``(b, 3, 3)`` pinhole matrices with distinct focal lengths and principal points."""
    f = rng.uniform(6.0, 9.0, size=(b, 2))
    c = rng.uniform(2.0, 4.0, size=(b, 2))
    k = np.zeros((b, 3, 3))
    k[:, 0, 0], k[:, 1, 1] = f[:, 0], f[:, 1]
    k[:, :2, 2] = c
    k[:, 2, 2] = 1.0
    return k.astype(dt)


def rigid(rng, dt, b=B, angle=0.1, shift=0.2):
    """``(b, 4, 4)`` rigid transforms near the identity (Rodrigues of a small axis-angle)."""
    out = np.tile(np.eye(4), (b, 1, 1))
    for i in range(b):
        w = rng.uniform(-angle, angle, size=3)
        t = np.linalg.norm(w)
        kx = np.array([[0, -w[2], w[1]], [w[2], 0, -w[0]], [-w[1], w[0], 0]]) / t
        out[i, :3, :3] = np.eye(3) + np.sin(t) * kx + (1 - np.cos(t)) * kx @ kx
        out[i, :3, 3] = rng.uniform(-shift, shift, size=3)
    return out.astype(dt)


def cam_points(rng, dt, shape=(B, 5)):
    """Camera-frame points in front of the camera, ``z`` in [1, 2]."""
    xy = rng.uniform(-0.5, 0.5, size=shape + (2,))
    z = rng.uniform(1.0, 2.0, size=shape + (1,))
    return np.concatenate([xy, z], axis=-1).astype(dt)


def pixels(rng, dt, shape=(B, 5), high=8.0):
    return rng.uniform(0.0, high, size=shape + (2,)).astype(dt)


def z1_points(rng, dt, shape=(B, 5)):
    return rng.uniform(-0.6, 0.6, size=shape + (2,)).astype(dt)


def kb_params(rng, dt, b=B):
    base = np.array([300.0, 280.0, 320.0, 240.0, 0.05, 0.01, 0.002, 0.0005])
    p = base * (1.0 + rng.uniform(-0.1, 0.1, size=(b, 1, 8)))
    return p.astype(dt)


def dist_coeffs(rng, dt, n, b=B):
    d = rng.uniform(-0.05, 0.05, size=(b, n))
    return d.astype(dt)


# -- makers ---------------------------------------------------------------------------------
def m_project(rng, dt):
    return (cam_points(rng, dt), intrinsics(rng, dt)), {}


def m_unproject(normalize):
    def make(rng, dt):
        d = rng.uniform(1.0, 2.0, size=(B, 5, 1)).astype(dt)
        return (pixels(rng, dt), d, intrinsics(rng, dt), normalize), {}

    return make


def m_points3(rng, dt):
    return (cam_points(rng, dt),), {}


def m_ortho_unproject(ext_rank):
    def make(rng, dt):
        ext = rng.uniform(1.0, 2.0, size=(B, 5, 1)[: 2 + ext_rank]).astype(dt)
        return (z1_points(rng, dt), ext), {}

    return make


def m_z1_unproject(kind):
    def make(rng, dt):
        pts = z1_points(rng, dt)
        if kind == "none":
            return (pts,), {}
        shape = (B, 5, 1) if kind == "col" else (B, 5)
        return (pts, rng.uniform(1.0, 2.0, size=shape).astype(dt)), {}

    return make


def m_affine(points):
    def make(rng, dt):
        pts = z1_points(rng, dt) if points == "z1" else pixels(rng, dt, high=600.0)
        return (pts, kb_params(rng, dt)[..., :4]), {}

    return make


def m_kb(points):
    def make(rng, dt):
        params = kb_params(rng, dt)
        if points == "z1":
            pts = z1_points(rng, dt)
            pts[0, 0] = 0.0  # the affine branch at the optical axis
        else:
            pts = (params[..., 2:4] + rng.uniform(-150, 150, size=(B, 5, 2))).astype(dt)
        return (pts, params), {}

    return make


def m_lens(n, new_k=False, **kw):
    def make(rng, dt):
        args = [pixels(rng, dt, (B, 6)), intrinsics(rng, dt), dist_coeffs(rng, dt, n)]
        if new_k:
            args.append(intrinsics(rng, dt))
        return tuple(args), dict(kw)

    return make


def m_tilt(inverse):
    def make(rng, dt):
        t = rng.uniform(-0.1, 0.1, size=(2, B, 1)).astype(dt)
        return (t[0], t[1], inverse), {}

    return make


def m_undistort_image(n, shape=(B, 3, 9, 11)):
    def make(rng, dt):
        return (image(rng, shape, dt), intrinsics(rng, dt), dist_coeffs(rng, dt, n) * 4), {}

    return make


def m_cam2pixel(rng, dt):
    p = np.tile(np.eye(4), (B, 1, 1))
    p[:, :3, :3] = intrinsics(rng, dt)
    p = p @ rigid(rng, "float64")
    return (cam_points(rng, dt, (B, 4, 5)), p.astype(dt)), {}


def m_pixel2cam(rng, dt):
    k_inv = np.tile(np.eye(4), (B, 1, 1))
    k_inv[:, :3, :3] = np.linalg.inv(intrinsics(rng, "float64"))
    pix = np.concatenate([pixels(rng, "float64", (B, 4, 5)), np.ones((B, 4, 5, 1))], axis=-1)
    depth = rng.uniform(1.0, 2.0, size=(B, 1, 4, 5))
    return (depth.astype(dt), k_inv.astype(dt), pix.astype(dt)), {}


def m_meshgrid(normalize):
    return lambda rng, dt: ((4, 5, intrinsics(rng, dt), normalize), {})


def m_depth(shape=(B, 1, 5, 6), *args, **kw):
    def make(rng, dt):
        d = rng.uniform(1.0, 2.0, size=shape).astype(dt)
        return (d, intrinsics(rng, dt), *args), dict(kw)

    return make


def m_depth_v2_grid(rng, dt):
    d = rng.uniform(1.0, 2.0, size=(B, 4, 5)).astype(dt)
    grid = np.concatenate([rng.uniform(-1, 1, (B, 4, 5, 2)), np.ones((B, 4, 5, 1))], -1)
    return (d, intrinsics(rng, dt), False, grid.astype(dt)), {}


def m_disparity(arrays):
    def make(rng, dt):
        disp = rng.uniform(0.5, 3.0, size=(B, 1, 4, 5)).astype(dt)
        if arrays:
            return (disp, np.asarray([0.5, 0.7], dtype=dt), np.asarray([100.0, 90.0], dtype=dt)), {}
        return (disp, 0.5, 100.0), {}

    return make


def m_plane(rng, dt):
    normals = np.array([0.0, 0.0, 1.0]) + rng.uniform(-0.2, 0.2, size=(B, 3))
    offsets = rng.uniform(1.0, 2.0, size=(B, 1))
    return (normals.astype(dt), offsets.astype(dt), pixels(rng, dt), intrinsics(rng, dt)), {}


def m_warp_frame(normalize):
    def make(rng, dt):
        img = image(rng, (B, 3, 6, 7), dt)
        depth = rng.uniform(1.0, 2.0, size=(B, 1, 6, 7)).astype(dt)
        return (img, depth, rigid(rng, dt, angle=0.05), intrinsics(rng, dt), normalize), {}

    return make


LENS_TOL = {"float32": (1e-4, 1e-3)}  # pixels in the hundreds
KB_TOL = {"float32": (2e-4, 1e-3)}

CASES = [
    # -- projections ------------------------------------------------------------------------
    Case("project_points", m_project, grad=(0, 1), batched=(0, 1)),
    Case("unproject_points", m_unproject(False), grad=(0, 1, 2), batched=(0, 1, 2)),
    Case("unproject_points", m_unproject(True), id="normalize", grad=(0, 1, 2), batched=(0, 1, 2)),
    Case("project_points_orthographic", m_points3),
    Case("unproject_points_orthographic", m_ortho_unproject(1), grad=(0, 1), batched=(0, 1)),
    Case(
        "unproject_points_orthographic",
        m_ortho_unproject(0),
        id="flat-extension",
        grad=(0, 1),
        batched=(0, 1),
    ),
    Case("dx_project_points_orthographic", m_points3, grad=()),
    Case("project_points_z1", m_points3),
    Case("unproject_points_z1", m_z1_unproject("col"), grad=(0, 1), batched=(0, 1)),
    Case("unproject_points_z1", m_z1_unproject("flat"), id="flat", grad=(0, 1), batched=(0, 1)),
    Case("unproject_points_z1", m_z1_unproject("none"), id="unit-depth"),
    Case("dx_project_points_z1", m_points3),
    # -- affine and Kannala-Brandt models ----------------------------------------------------
    Case("distort_points_affine", m_affine("z1"), grad=(0, 1), batched=(0, 1), tol=LENS_TOL),
    Case("undistort_points_affine", m_affine("pix"), grad=(0, 1), batched=(0, 1)),
    Case("dx_distort_points_affine", m_affine("z1"), grad=(0, 1), batched=(0, 1)),
    Case("distort_points_kannala_brandt", m_kb("z1"), grad=(0, 1), batched=(0, 1), tol=KB_TOL),
    Case("undistort_points_kannala_brandt", m_kb("pix"), grad=(0, 1), batched=(0, 1), tol=KB_TOL),
    Case("dx_distort_points_kannala_brandt", m_kb("z1"), grad=(0, 1), batched=(0, 1), tol=KB_TOL),
    # -- OpenCV lens model -------------------------------------------------------------------
    Case("distort_points", m_lens(5), grad=(0, 1, 2), batched=(0, 1, 2), tol=LENS_TOL),
    Case(
        "distort_points",
        m_lens(14, True),
        id="tilt-newK",
        grad=(0, 1, 2, 3),
        batched=(0, 1, 2, 3),
        tol=LENS_TOL,
    ),
    Case("undistort_points", m_lens(8), grad=(0, 1, 2), batched=(0, 1, 2), tol=LENS_TOL),
    Case(
        "undistort_points",
        m_lens(14, True, num_iters=3),
        id="tilt-newK-3iters",
        grad=(0, 1, 2, 3),
        batched=(0, 1, 2, 3),
        tol=LENS_TOL,
    ),
    Case("undistort_points", m_lens(4), id="k4", grad=(0, 1, 2), batched=(0, 1, 2), tol=LENS_TOL),
    Case("tilt_projection", m_tilt(False), grad=(0, 1), batched=(0, 1)),
    Case("tilt_projection", m_tilt(True), id="inverse", grad=(0, 1), batched=(0, 1)),
    Case("undistort_image", m_undistort_image(8), grad=(0, 1, 2), batched=(0, 1, 2)),
    Case("undistort_image", m_undistort_image(12), id="prism", grad=(0,), batched=(0, 1, 2)),
    # -- pinhole maps ------------------------------------------------------------------------
    Case("cam2pixel", m_cam2pixel, grad=(0, 1), batched=(0, 1)),
    Case("pixel2cam", m_pixel2cam, grad=(0, 1, 2), batched=(0, 1, 2)),
    # -- depth -------------------------------------------------------------------------------
    Case("unproject_meshgrid", m_meshgrid(False), grad=(2,), batched=(2,)),
    Case("unproject_meshgrid", m_meshgrid(True), id="normalize", grad=(2,), batched=(2,)),
    Case("depth_to_3d_v2", m_depth((B, 4, 5)), grad=(0, 1), batched=(0, 1)),
    Case("depth_to_3d_v2", m_depth_v2_grid, id="xyz-grid", grad=(0, 3), batched=(0, 3)),
    Case("depth_to_3d", m_depth(), grad=(0, 1), batched=(0, 1)),
    Case("depth_to_3d", m_depth((B, 1, 4, 5), True), id="normalize", grad=(0, 1), batched=(0, 1)),
    Case("depth_to_normals", m_depth(), grad=(0, 1), batched=(0, 1)),
    Case(
        "depth_to_normals", m_depth((B, 1, 4, 5), True), id="normalize", grad=(0, 1), batched=(0, 1)
    ),
    Case("depth_from_disparity", m_disparity(False)),
    Case(
        "depth_from_disparity",
        m_disparity(True),
        id="per-sample",
        grad=(0, 1, 2),
        batched=(0, 1, 2),
    ),
    Case("depth_from_plane_equation", m_plane, grad=(0, 1, 2, 3), batched=(0, 1, 2, 3)),
    Case("warp_frame_depth", m_warp_frame(False), grad=(0, 1, 2, 3), batched=(0, 1, 2, 3)),
    Case("warp_frame_depth", m_warp_frame(True), id="normalize", grad=(0, 1), batched=(0, 1, 2, 3)),
]
