"""Warps (``portvision.geometry.transform.warping``), ``HomographyWarper`` and the meshgrids.

Oracles: Kornia 0.9 in float64 (every mode, padding and ``align_corners``), OpenCV's
``warpAffine`` / ``warpPerspective`` where the conventions match, analytic identities.

OpenCV conventions (documented differences):
* OpenCV takes the src -> dst matrix and inverts it (or the dst -> src matrix with
  ``WARP_INVERSE_MAP``); both equal our ``align_corners=True`` warps (pixel centres at
  integer coordinates, the matrix applied to pixel indices).
* ``INTER_LINEAR`` / ``INTER_CUBIC`` quantise the sampling position to 1/32 pixel
  (``INTER_BITS = 5``) and use fixed-point weights: on [0, 1] images the results agree
  within about 1e-2, not 1e-5.
* ``BORDER_CONSTANT`` (0) = ``zeros``, ``BORDER_REPLICATE`` = ``border``,
  ``BORDER_REFLECT_101`` = ``reflection`` with ``align_corners=True``.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from conftest import float_dtypes

import portvision as pv

T = pv.geometry.transform
MODES = ("bilinear", "nearest", "bicubic")
PADS = ("zeros", "border", "reflection", "fill")


def _homographies(rng, b, persp=True, scale=0.1):
    m = np.tile(np.eye(3), (b, 1, 1)) + rng.normal(0.0, scale, (b, 3, 3)) * np.array(
        [[1.0, 1.0, 10.0], [1.0, 1.0, 10.0], [0.02 * persp, 0.02 * persp, 0.0]]
    )
    return m


def _rotation(h, w, degrees, scale=1.0):
    """src -> dst pixel matrix of a rotation about the image centre (counter-clockwise as
    displayed, OpenCV's getRotationMatrix2D convention)."""
    cx, cy = (w - 1) / 2.0, (h - 1) / 2.0
    a = math.radians(degrees)
    al, be = scale * math.cos(a), scale * math.sin(a)
    return np.array(
        [[al, be, (1 - al) * cx - be * cy], [-be, al, be * cx + (1 - al) * cy], [0.0, 0.0, 1.0]]
    )


# -- Kornia 0.9 in float64 -----------------------------------------------------------------
@pytest.mark.parametrize("ac", [True, False])
@pytest.mark.parametrize("pad", PADS)
@pytest.mark.parametrize("mode", MODES)
def test_warp_perspective_and_affine_match_kornia(kornia, torch, mode, pad, ac):
    rng = np.random.default_rng(0)
    x = rng.random((2, 3, 7, 9))
    fill = np.array([0.3, 0.5, 0.7])
    kw = dict(mode=mode, padding_mode=pad, align_corners=ac)
    kt = kornia.geometry.transform
    for dsize in ((6, 8), (9, 5)):
        H = _homographies(rng, 2)
        got = T.warp_perspective(x, H, dsize, fill_value=fill if pad == "fill" else None, **kw)
        want = kt.warp_perspective(
            torch.from_numpy(x),
            torch.from_numpy(H),
            dsize,
            fill_value=torch.from_numpy(fill) if pad == "fill" else None,
            **kw,
        )
        np.testing.assert_allclose(got, want.numpy(), rtol=1e-9, atol=1e-11)
        A = np.ascontiguousarray(_homographies(rng, 2, persp=False)[:, :2])
        got = T.warp_affine(x, A, dsize, fill_value=fill if pad == "fill" else None, **kw)
        want = kt.warp_affine(
            torch.from_numpy(x),
            torch.from_numpy(A),
            dsize,
            fill_value=torch.from_numpy(fill) if pad == "fill" else None,
            **kw,
        )
        np.testing.assert_allclose(got, want.numpy(), rtol=1e-9, atol=1e-11)


def test_warp_on_torch_matches_kornia_float32(kornia, torch):
    """The torch engine returns tensors equal to Kornia's (float32, shared matrix)."""
    rng = np.random.default_rng(1)
    x = torch.from_numpy(rng.random((3, 2, 16, 20)).astype(np.float32))
    H = torch.from_numpy(_homographies(rng, 1).astype(np.float32))
    got = T.warp_perspective(x, H, (12, 14))
    assert isinstance(got, torch.Tensor) and got.dtype == torch.float32
    want = kornia.geometry.transform.warp_perspective(x, H.expand(3, 3, 3), (12, 14))
    np.testing.assert_allclose(got.numpy(), want.numpy(), atol=2e-6)


@pytest.mark.parametrize("nc", [True, False])
@pytest.mark.parametrize("ac", [True, False])
def test_homography_warp_and_warper_match_kornia(kornia, torch, ac, nc):
    rng = np.random.default_rng(2)
    x = rng.random((2, 3, 7, 9))
    kt = kornia.geometry.transform
    for mode, pad in itertools.product(("bilinear", "nearest"), ("zeros", "border", "reflection")):
        H = _homographies(rng, 2, scale=0.05)
        if nc:
            H[:, :2, 2] /= 10.0
        for norm_h in (True, False):
            got = T.homography_warp(x, H, (6, 8), mode, pad, ac, nc, norm_h)
            want = kt.homography_warp(
                torch.from_numpy(x), torch.from_numpy(H), (6, 8), mode, pad, ac, nc, norm_h
            )
            np.testing.assert_allclose(got, want.numpy(), rtol=1e-9, atol=1e-11)
        ours = T.HomographyWarper(6, 8, mode, pad, nc, ac)
        theirs = kt.HomographyWarper(6, 8, mode, pad, nc, ac)
        np.testing.assert_allclose(
            ours(x, H),
            theirs(torch.from_numpy(x), torch.from_numpy(H)).numpy(),
            rtol=1e-9,
            atol=1e-11,
        )
        ours.precompute_warp_grid(H)
        theirs.precompute_warp_grid(torch.from_numpy(H))
        # Kornia's precomputed normalised grid starts from a float32 meshgrid
        np.testing.assert_allclose(
            ours(x), theirs(torch.from_numpy(x)).numpy(), atol=1e-6 if nc else 1e-11
        )


@pytest.mark.parametrize("nc", [True, False])
@pytest.mark.parametrize("ac", [True, False, None])
def test_remap_matches_kornia(kornia, torch, ac, nc):
    rng = np.random.default_rng(3)
    x = rng.random((2, 3, 7, 9))
    for mode, pad in itertools.product(MODES, ("zeros", "border", "reflection")):
        mx, my = rng.uniform(-2, 10, (2, 5, 4)), rng.uniform(-2, 8, (2, 5, 4))
        if nc:
            mx, my = mx / 5 - 0.5, my / 4 - 0.5
        got = T.remap(x, mx, my, mode, pad, ac, nc)
        t = torch.from_numpy
        want = kornia.geometry.transform.remap(t(x), t(mx), t(my), mode, pad, ac, nc)
        np.testing.assert_allclose(got, want.numpy(), rtol=1e-9, atol=1e-11)


def test_3d_warps_and_grids_match_kornia(kornia, torch):
    rng = np.random.default_rng(4)
    v = rng.random((2, 2, 4, 5, 6))
    kt = kornia.geometry.transform
    t = torch.from_numpy
    for mode, pad, ac in itertools.product(
        ("bilinear", "nearest"), ("zeros", "border", "reflection"), (True, False)
    ):
        M = np.tile(np.eye(4), (2, 1, 1)) + rng.normal(0, 0.1, (2, 4, 4)) * np.array(
            [[1, 1, 1, 2]] * 3 + [[0.05, 0.05, 0.05, 0]]
        )
        got = T.warp_perspective3d(v, M, (3, 4, 5), mode, pad, ac)
        want = kt.warp_perspective3d(t(v), t(M), (3, 4, 5), mode, pad, ac)
        np.testing.assert_allclose(got, want.numpy(), rtol=1e-9, atol=1e-11)
        A = np.ascontiguousarray(M[:, :3])
        got = T.warp_affine3d(v, A, (3, 4, 5), mode, pad, ac)
        want = kt.warp_affine3d(t(v), t(A), (3, 4, 5), mode, pad, ac)
        np.testing.assert_allclose(got, want.numpy(), rtol=1e-9, atol=1e-11)
    for mode, pad, ac, nc in itertools.product(
        ("bilinear", "nearest"), ("zeros", "reflection"), (True, False), (True, False)
    ):
        H = np.tile(np.eye(4), (2, 1, 1)) + rng.normal(0, 0.08, (2, 4, 4))
        H[:, 3, :3] *= 0.1
        if not nc:
            H[:, :3, 3] *= 5.0
        got = T.homography_warp3d(v, H, (3, 4, 5), mode, pad, ac, nc)
        want = kt.homography_warp3d(t(v), t(H), (3, 4, 5), mode, pad, ac, nc)
        np.testing.assert_allclose(got, want.numpy(), rtol=1e-9, atol=1e-11)
    g, H = rng.normal(size=(1, 4, 5, 2)), rng.normal(size=(3, 3, 3))
    np.testing.assert_allclose(T.warp_grid(g, H), kt.warp_grid(t(g), t(H)).numpy(), rtol=1e-9)
    g, H = rng.normal(size=(1, 3, 4, 5, 3)), rng.normal(size=(2, 4, 4))
    np.testing.assert_allclose(
        T.warp_grid3d(g, H), kt.warp_grid3d(t(g), t(H)).numpy(), rtol=1e-9, atol=1e-12
    )


def test_projective_scale_does_not_change_the_warp():
    """``s * M`` is the same warp (Kornia's projective gauge), tiny or huge ``s``."""
    rng = np.random.default_rng(5)
    x = rng.random((1, 2, 8, 9))
    H = _homographies(rng, 1)
    base = T.warp_perspective(x, H, (8, 9))
    for s in (1e-9, 1e-3, 7.0, 1e8):
        np.testing.assert_allclose(T.warp_perspective(x, H * s, (8, 9)), base, atol=1e-10)


@pytest.mark.parametrize("ac", [True, False])
def test_create_meshgrid_matches_kornia(kornia, torch, ac):
    for h, w, nc in itertools.product((1, 2, 5), (1, 3, 4), (True, False)):
        got = pv.utils.create_meshgrid(h, w, nc, dtype="float64", align_corners=ac)
        want = kornia.geometry.create_meshgrid(h, w, nc, dtype=torch.float64, align_corners=ac)
        np.testing.assert_array_equal(got, want.numpy())
    for d, nc in itertools.product((1, 3), (True, False)):
        got = pv.utils.create_meshgrid3d(d, 2, 4, nc, dtype="float64")
        want = kornia.geometry.create_meshgrid3d(d, 2, 4, nc, dtype=torch.float64)
        np.testing.assert_array_equal(got, want.numpy())


def test_create_meshgrid_dtypes_and_backend():
    assert pv.utils.create_meshgrid(2, 3).dtype == np.float32
    pix = pv.utils.create_meshgrid(2, 3, normalized_coordinates=False, dtype="int64")
    assert pix.dtype == np.int64 and pix[0, 1, 2].tolist() == [2, 1]
    assert pv.utils.create_meshgrid(2, 3, dtype="int64").dtype == np.float32  # normalised
    assert pv.utils.create_meshgrid(0, 3).shape == (1, 0, 3, 2)
    with pv.use_backend("strict"):
        g = pv.utils.create_meshgrid3d(2, 2, 2)
    assert type(g).__module__.startswith("array_api_strict")


# -- OpenCV ---------------------------------------------------------------------------------
CV_BORDERS = {"zeros": 0, "border": 1, "reflection": 4}  # CONSTANT, REPLICATE, REFLECT_101


@pytest.mark.parametrize("pad", list(CV_BORDERS))
def test_warps_match_opencv(cv2, pad):
    rng = np.random.default_rng(6)
    img = rng.random((20, 24)).astype(np.float32)
    x = img[None, None]
    M = _rotation(20, 24, 25.0, 0.9)
    M[:2, 2] += (1.3, -0.6)
    P = M.copy()
    P[2, :2] = (4e-3, -2e-3)
    for mat, ours, cvfn in (
        (M[:2], T.warp_affine, cv2.warpAffine),
        (P, T.warp_perspective, cv2.warpPerspective),
    ):
        for mode, flag in (("bilinear", cv2.INTER_LINEAR), ("bicubic", cv2.INTER_CUBIC)):
            got = ours(x, mat[None].astype(np.float32), (18, 26), mode, pad)[0, 0]
            want = cvfn(img, mat, (26, 18), flags=flag, borderMode=CV_BORDERS[pad])
            np.testing.assert_allclose(got, want, atol=1e-2)
            # WARP_INVERSE_MAP takes the dst -> src matrix: the same image
            inv = np.linalg.inv(np.vstack([mat, [0, 0, 1]]) if mat.shape[0] == 2 else mat)
            inv = inv[:2] if mat.shape[0] == 2 else inv
            again = cvfn(
                img, inv, (26, 18), flags=flag | cv2.WARP_INVERSE_MAP, borderMode=CV_BORDERS[pad]
            )
            np.testing.assert_allclose(got, again, atol=1e-2)


# -- analytic identities ----------------------------------------------------------------------
@pytest.mark.parametrize("ac", [True, False])
@pytest.mark.parametrize("mode", MODES)
def test_identity_warp_is_identity(engine, mode, ac):
    rng = np.random.default_rng(7)
    for dt in float_dtypes(engine):
        x = engine.asarray(rng.random((2, 3, 6, 7)).astype(dt))
        eye = engine.asarray(np.eye(3, dtype=dt)[None])
        for pad in ("zeros", "border", "reflection"):
            out = T.warp_perspective(x, eye, (6, 7), mode, pad, ac)
            tol = 1e-5 if dt == "float32" else 1e-12
            np.testing.assert_allclose(engine.to_numpy(out), engine.to_numpy(x), atol=tol)
            out = T.warp_affine(x, eye[:, :2, :], (6, 7), mode, pad, ac)
            np.testing.assert_allclose(engine.to_numpy(out), engine.to_numpy(x), atol=tol)


@pytest.mark.parametrize("mode", MODES)
def test_integer_translation_is_a_shift(mode):
    rng = np.random.default_rng(8)
    x = rng.random((1, 2, 7, 9))
    M = np.array([[[1.0, 0.0, 2.0], [0.0, 1.0, -1.0]]])
    out = T.warp_affine(x, M, (7, 9), mode)
    want = np.zeros_like(x)
    want[:, :, :6, 2:] = x[:, :, 1:, :7]
    np.testing.assert_allclose(out, want, atol=1e-12)


def test_rotation_by_90_degrees_is_rot90():
    rng = np.random.default_rng(9)
    x = rng.random((2, 3, 8, 8))
    M = _rotation(8, 8, 90.0)[None]
    for mode in MODES:
        out = T.warp_perspective(x, M, (8, 8), mode)
        # counter-clockwise as displayed == np.rot90 on the (H, W) axes
        np.testing.assert_allclose(out, np.rot90(x, 1, axes=(2, 3)), atol=1e-10)


def test_warp_then_inverse_warp_on_a_linear_image():
    """Bilinear sampling reproduces linear images exactly, so warping by M then by M^-1
    returns the image wherever both samples stayed inside."""
    ys, xs = np.mgrid[0:20, 0:22].astype(np.float64)
    x = (0.3 * xs - 0.2 * ys + 1.0)[None, None]
    M = _rotation(20, 22, 17.0, 1.1)
    M[:2, 2] += (0.7, -0.4)
    fwd = T.warp_perspective(x, M[None], (20, 22), padding_mode="zeros")
    back = T.warp_perspective(fwd, np.linalg.inv(M)[None], (20, 22))
    # valid: both warps sampled inside (a mask warped the same way stays 1)
    ones = np.ones_like(x)
    mask = T.warp_perspective(
        T.warp_perspective(ones, M[None], (20, 22)), np.linalg.inv(M)[None], (20, 22)
    )
    inside = mask > 1 - 1e-9
    assert inside.sum() > 150
    np.testing.assert_allclose(back[inside], x[inside], atol=1e-9)


def test_fill_padding_fills_outside():
    x = np.ones((1, 3, 5, 5))
    M = np.array([[[1.0, 0.0, 10.0], [0.0, 1.0, 0.0]]])  # everything moves out of view
    out = T.warp_affine(x, M, (5, 5), padding_mode="fill", fill_value=np.array([0.1, 0.2, 0.3]))
    np.testing.assert_allclose(out[0, :, 2, 2], [0.1, 0.2, 0.3])


# -- gradients ----------------------------------------------------------------------------------
def test_gradcheck_image_matrix_grid(torch):
    rng = np.random.default_rng(10)
    x = torch.tensor(rng.random((1, 2, 5, 6)), requires_grad=True)
    H = torch.tensor(_homographies(rng, 1), requires_grad=True)
    A = torch.tensor(_homographies(rng, 1, persp=False)[:, :2], requires_grad=True)
    for mode in ("bilinear", "bicubic"):
        assert torch.autograd.gradcheck(
            lambda a, m, md=mode: T.warp_perspective(a, m, (4, 5), md), (x, H)
        )
        assert torch.autograd.gradcheck(
            lambda a, m, md=mode: T.warp_affine(a, m, (4, 5), md), (x, A)
        )
    g = torch.tensor(rng.uniform(-1, 1, (1, 3, 4, 2)), requires_grad=True)
    assert torch.autograd.gradcheck(lambda a, m: T.warp_grid(a, m), (g, H))
    mx = torch.tensor(rng.uniform(-1, 6, (1, 3, 4)), requires_grad=True)
    my = torch.tensor(rng.uniform(-1, 5, (1, 3, 4)), requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda a, u, v: T.remap(a, u, v, align_corners=True), (x, mx, my)
    )


# -- error contract (same type and message on every engine) ---------------------------------------
def _err(engine, fn, *args, **kw):
    args = [engine.asarray(a) if isinstance(a, np.ndarray) else a for a in args]
    kw = {k: engine.asarray(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    with pytest.raises((ValueError, TypeError)) as info:
        fn(*args, **kw)
    return info.type, str(info.value)


ERROR_CASES = [
    (
        "singular-zeros",
        T.warp_perspective,
        (np.zeros((1, 1, 4, 4)), np.zeros((1, 3, 3)), (4, 4)),
        {},
        ValueError,
        "M: expected invertible matrices, got singular ones at batch [0]",
    ),
    (
        "singular-rank2",
        T.warp_affine,
        (
            np.zeros((2, 1, 4, 4)),
            np.array([[[1.0, 0, 0], [0, 1, 0]], [[1.0, 2.0, 0], [2.0, 4.0, 1]]]),
            (4, 4),
        ),
        {},
        ValueError,
        "M: expected invertible matrices, got singular ones at batch [1]",
    ),
    (
        "unbatched-matrix",
        T.warp_perspective,
        (np.zeros((1, 1, 4, 4)), np.eye(3), (4, 4)),
        {},
        ValueError,
        "M: expected shape (B, 3, 3) with B = 1 or 1 (the image batch), got (3, 3)",
    ),
    (
        "affine-shape",
        T.warp_affine,
        (np.zeros((2, 1, 4, 4)), np.zeros((2, 3, 3)), (4, 4)),
        {},
        ValueError,
        "M: expected shape (B, 2, 3) with B = 1 or 2 (the image batch), got (2, 3, 3)",
    ),
    (
        "batch-mismatch",
        T.warp_perspective,
        (np.zeros((2, 1, 4, 4)), np.zeros((3, 3, 3)), (4, 4)),
        {},
        ValueError,
        "M: expected shape (B, 3, 3) with B = 1 or 2 (the image batch), got (3, 3, 3)",
    ),
    (
        "dsize-zero",
        T.warp_perspective,
        (np.zeros((1, 1, 4, 4)), np.eye(3)[None], (0, 4)),
        {},
        ValueError,
        "dsize: expected (height, width) of positive integers, got (0, 4)",
    ),
    (
        "dsize-length",
        T.warp_affine,
        (np.zeros((1, 1, 4, 4)), np.eye(3)[None, :2], (4,)),
        {},
        ValueError,
        "dsize: expected (height, width) of positive integers, got (4,)",
    ),
    (
        "mode",
        T.warp_affine,
        (np.zeros((1, 1, 4, 4)), np.eye(3)[None, :2], (4, 4)),
        {"mode": "area"},
        ValueError,
        "mode: expected one of ['bilinear', 'nearest', 'bicubic'], got 'area'",
    ),
    (
        "padding",
        T.warp_perspective,
        (np.zeros((1, 1, 4, 4)), np.eye(3)[None], (4, 4)),
        {"padding_mode": "wrap"},
        ValueError,
        "padding_mode: expected one of ['zeros', 'border', 'reflection', 'fill'], got 'wrap'",
    ),
    (
        "src-rank",
        T.warp_perspective,
        (np.zeros((4, 4)), np.eye(3)[None], (4, 4)),
        {},
        ValueError,
        "src: expected shape (B, C, H, W) or (C, H, W), got (4, 4)",
    ),
    (
        "int-matrix",
        T.warp_perspective,
        (np.zeros((1, 1, 4, 4)), np.eye(3, dtype=np.int64)[None], (4, 4)),
        {},
        TypeError,
        "M: expected a real floating dtype, got int64",
    ),
    (
        "fill-shape",
        T.warp_affine,
        (np.zeros((1, 3, 4, 4)), np.eye(3)[None, :2], (4, 4)),
        {"padding_mode": "fill", "fill_value": np.zeros(2)},
        ValueError,
        "fill_value: expected a number, (3,), (1,) or (B, 3, 1, 1) values, got shape (2,)",
    ),
    (
        "remap-shapes",
        T.remap,
        (np.zeros((1, 1, 4, 4)), np.zeros((1, 3, 3)), np.zeros((1, 3, 2))),
        {},
        ValueError,
        "map_y: expected the shape of map_x (1, 3, 3), got (1, 3, 2)",
    ),
    (
        "volume-rank",
        T.warp_affine3d,
        (np.zeros((1, 4, 4, 4)), np.eye(4)[None, :3], (2, 2, 2)),
        {},
        ValueError,
        "src: expected shape (B, C, D, H, W), got (1, 4, 4, 4)",
    ),
    (
        "singular-3d",
        T.warp_perspective3d,
        (np.zeros((1, 1, 3, 3, 3)), np.zeros((1, 4, 4)), (2, 2, 2)),
        {},
        ValueError,
        "M: expected invertible matrices, got singular ones at batch [0]",
    ),
    (
        "grid-homography",
        T.warp_grid,
        (np.zeros((1, 3, 3, 2)), np.zeros((2, 2, 3))),
        {},
        ValueError,
        "src_homo_dst: expected shape (N, 3, 3) or (N, 1, 3, 3), got (2, 2, 3)",
    ),
]


@pytest.mark.parametrize(
    "fn, args, kw, etype, msg", [pytest.param(*c[1:], id=c[0]) for c in ERROR_CASES]
)
def test_error_contract(engine, fn, args, kw, etype, msg):
    if engine.no_float64:
        args = tuple(
            a.astype(np.float32) if isinstance(a, np.ndarray) and a.dtype == np.float64 else a
            for a in args
        )
        kw = {k: v.astype(np.float32) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    got_type, got_msg = _err(engine, fn, *args, **kw)
    assert got_type is etype
    assert got_msg == msg


def test_homography_warper_errors():
    with pytest.raises(ValueError, match=r"padding_mode: expected one of"):
        T.HomographyWarper(4, 4, padding_mode="fill")
    with pytest.raises(ValueError, match=r"src_homo_dst: expected a homography"):
        T.HomographyWarper(4, 4)(np.zeros((1, 1, 4, 4)))
    with pytest.raises(ValueError, match=r"\(height, width\): expected"):
        T.HomographyWarper(0, 4)


def test_per_sample_fill_matches_kornia(kornia, torch):
    rng = np.random.default_rng(11)
    x = rng.random((2, 3, 6, 7))
    A = np.ascontiguousarray(_homographies(rng, 2, persp=False)[:, :2])
    fill = rng.random((2, 3, 1, 1))
    got = T.warp_affine(x, A, (5, 8), padding_mode="fill", fill_value=fill)
    want = kornia.geometry.transform.warp_affine(
        torch.from_numpy(x),
        torch.from_numpy(A),
        (5, 8),
        padding_mode="fill",
        fill_value=torch.from_numpy(fill),
    )
    np.testing.assert_allclose(got, want.numpy(), rtol=1e-9, atol=1e-11)
