"""Thin-plate splines: ``get_tps_transform``, ``warp_points_tps``, ``warp_image_tps``.

Oracles: Kornia 0.9 in float64 on torch; an independent NumPy solve of the TPS system
written here from the textbook definition (radial basis ``r^2 log r``); analytic identities
(identical control points give the identity; the spline interpolates its control points; an
affine map is reproduced exactly with zero kernel weights). No OpenCV oracle: ``cv2``'s
``ThinPlateSplineShapeTransformer`` (shape module) uses its own regularised formulation.
"""

from __future__ import annotations

import numpy as np
import pytest

import portvision as pv

G = pv.geometry


def _points(seed=0, b=2, n=6):
    rng = np.random.default_rng(seed)
    src = rng.uniform(-1, 1, size=(b, n, 2))
    return src, src + rng.uniform(-0.2, 0.2, size=(b, n, 2))


def _numpy_tps(src, dst):
    """Textbook TPS solve (kernel between src rows and dst columns, as Kornia)."""
    out_k, out_a = [], []
    for s, d in zip(src, dst, strict=True):
        r2 = ((s[:, None, :] - d[None, :, :]) ** 2).sum(-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            k = np.where(r2 > 0, 0.5 * r2 * np.log(r2), 0.0)
        p = np.concatenate([np.ones((len(s), 1)), s], axis=1)
        lmat = np.block([[k, p], [p.T, np.zeros((3, 3))]])
        w = np.linalg.solve(lmat, np.concatenate([d, np.zeros((3, 2))]))
        out_k.append(w[:-3])
        out_a.append(w[-3:])
    return np.stack(out_k), np.stack(out_a)


def test_solve_matches_numpy_and_kornia(kornia, torch):
    src, dst = _points()
    kw, aw = G.get_tps_transform(src, dst)
    nk, na = _numpy_tps(src, dst)
    np.testing.assert_allclose(kw, nk, atol=1e-10)
    np.testing.assert_allclose(aw, na, atol=1e-10)
    tk, ta = kornia.geometry.transform.get_tps_transform(torch.tensor(src), torch.tensor(dst))
    np.testing.assert_allclose(kw, tk.numpy(), atol=1e-10)
    np.testing.assert_allclose(aw, ta.numpy(), atol=1e-10)


def test_warp_points_matches_kornia(kornia, torch):
    src, dst = _points(1)
    kw, aw = G.get_tps_transform(src, dst)
    pts = np.random.default_rng(2).uniform(-1, 1, size=(2, 9, 2))
    got = G.warp_points_tps(pts, dst, kw, aw)
    T = [torch.tensor(a) for a in (pts, dst, kw, aw)]
    np.testing.assert_allclose(got, kornia.geometry.transform.warp_points_tps(*T), atol=1e-12)


@pytest.mark.parametrize("align", (False, True))
@pytest.mark.parametrize("padding", ("zeros", "border", "reflection"))
def test_warp_image_matches_kornia(kornia, torch, align, padding):
    src, dst = _points(3)
    img = np.random.default_rng(4).random((2, 3, 9, 11))
    kw, aw = G.get_tps_transform(dst, src)
    got = G.warp_image_tps(img, src, kw, aw, align, padding)
    T = [torch.tensor(a) for a in (img, src, kw, aw)]
    want = kornia.geometry.transform.warp_image_tps(*T, align_corners=align, padding_mode=padding)
    np.testing.assert_allclose(got, want.numpy(), atol=1e-12)


def test_identity_and_interpolation(engine):
    src, dst = (engine.asarray(a.astype("float32")) for a in _points(5))
    kw, aw = G.get_tps_transform(src, src)
    np.testing.assert_allclose(engine.to_numpy(kw), 0.0, atol=1e-4)
    np.testing.assert_allclose(engine.to_numpy(aw)[:, 1:], np.eye(2)[None].repeat(2, 0), atol=1e-4)
    kw, aw = G.get_tps_transform(src, dst)
    mapped = G.warp_points_tps(src, dst, kw, aw)
    np.testing.assert_allclose(engine.to_numpy(mapped), engine.to_numpy(dst), atol=1e-4)
    img = engine.asarray(np.random.default_rng(6).random((2, 2, 5, 7)).astype("float32"))
    kw, aw = G.get_tps_transform(src, src)
    out = G.warp_image_tps(img, src, kw, aw)
    assert engine.is_own(out) and "float32" in str(out.dtype)
    np.testing.assert_allclose(engine.to_numpy(out), engine.to_numpy(img), atol=1e-4)


def test_affine_map_is_reproduced():
    src, _ = _points(7)
    a = np.array([[0.9, 0.2], [-0.1, 1.1]])
    dst = src @ a.T + np.array([0.3, -0.2])
    kw, aw = G.get_tps_transform(src, dst)
    np.testing.assert_allclose(kw, 0.0, atol=1e-10)
    np.testing.assert_allclose(aw[:, 0], [[0.3, -0.2]] * 2, atol=1e-10)
    np.testing.assert_allclose(aw[:, 1:], np.transpose(a)[None].repeat(2, 0), atol=1e-10)


def test_warp_image_chw_shifts_content():
    img = np.zeros((1, 5, 5))
    img[0, 2, 3] = 1.0
    pts = np.array([[[-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0], [1.0, 1.0], [0.0, 0.3]]])
    step = 2.0 / 4  # one pixel in corner-aligned normalised units
    kw, aw = G.get_tps_transform(pts, pts + np.array([step, 0.0]))
    out = G.warp_image_tps(img, pts + np.array([step, 0.0]), kw, aw, align_corners=True)
    assert out.shape == (1, 5, 5)
    np.testing.assert_allclose(out[0, 2, 2], 1.0, atol=1e-9)  # output x samples input x + 1


def test_gradients(torch):
    src, dst = (torch.tensor(a, requires_grad=True) for a in _points(8, b=1, n=5))
    img = torch.rand(1, 1, 4, 5, dtype=torch.float64, requires_grad=True)

    def f(s, d, im):
        kw, aw = G.get_tps_transform(d, s)
        return G.warp_image_tps(im, s, kw, aw), G.warp_points_tps(s, d, kw, aw)

    assert torch.autograd.gradcheck(f, (src, dst, img), fast_mode=True)


P3 = np.zeros((1, 4, 3))
BAD = [
    (lambda p, i: G.get_tps_transform(p[0, ...], p), ValueError, "points_src: expected shape"),
    (lambda p, i: G.get_tps_transform(p, p[:, :3, :]), ValueError, "points_dst: expected the"),
    (lambda p, i: G.warp_points_tps(p, p, p[:, :2, :], p[:, :3, :]), ValueError, "kernel_weights"),
    (lambda p, i: G.warp_points_tps(p, p, p, p), ValueError, "affine_weights: expected shape"),
    (lambda p, i: G.warp_image_tps(i[0, 0, ...], p, p, p[:, :3, :]), ValueError, "image:"),
    (
        lambda p, i: G.warp_image_tps(i, p, p, p[:, :3, :], padding_mode="fill"),
        ValueError,
        "padding_mode: expected one of",
    ),
    (
        lambda p, i: G.warp_image_tps(i, p, p, p[:, :3, :], align_corners=None),
        TypeError,
        "align_corners: expected a bool",
    ),
    (lambda p, i: G.warp_points_tps(p, 1.0, p, p[:, :3, :]), TypeError, "kernel_centers"),
]


@pytest.mark.parametrize("k", range(len(BAD)))
def test_errors(engine, k):
    fn, exc, msg = BAD[k]
    p = engine.asarray(np.random.default_rng(0).random((1, 5, 2)).astype("float32"))
    i = engine.asarray(np.zeros((1, 1, 4, 4), dtype="float32"))
    with pytest.raises(exc) as info:
        fn(p, i)
    assert msg in str(info.value)
