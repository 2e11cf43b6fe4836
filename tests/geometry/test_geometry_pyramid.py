"""``pyrdown``, ``pyrup``, ``build_pyramid``, ``build_laplacian_pyramid``.

Oracles: Kornia 0.9 in float64 on torch (every border, ``align_corners``, ``factor``);
OpenCV for the blur. Convention difference with OpenCV (documented, pinned below):
``cv2.pyrDown`` blurs with the same 5x5 binomial kernel and ``BORDER_REFLECT_101`` (our
default ``reflect``) but then *decimates* (keeps rows/columns 0, 2, 4, ...; output side
``ceil(side / 2)``), while Kornia resizes the blurred image bilinearly to ``floor(side /
factor)``, which at ``factor=2`` and ``align_corners=False`` is the mean of 2x2 blocks.
``cv2.pyrUp`` injects zeros and blurs with 4x the kernel, Kornia upsamples bilinearly first:
not comparable.
"""

from __future__ import annotations

import numpy as np
import pytest

import portvision as pv

G = pv.geometry
BORDERS = ("reflect", "constant", "replicate", "circular")
BINOMIAL = np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1]) / 256.0


def _host(shape=(2, 3, 9, 11), seed=0, dtype="float64"):
    return np.random.default_rng(seed).uniform(0.0, 1.0, size=shape).astype(dtype)


# -- Kornia oracle ---------------------------------------------------------------------------
@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("align", (False, True))
def test_pyrdown_pyrup_match_kornia(kornia, torch, border, align):
    x = _host()
    t = torch.tensor(x)
    KT = kornia.geometry.transform
    for factor in (2.0, 1.5, 3.0):
        got = G.pyrdown(x, border, align, factor)
        np.testing.assert_allclose(got, KT.pyrdown(t, border, align, factor).numpy(), atol=1e-13)
    np.testing.assert_allclose(G.pyrup(x, border, align), KT.pyrup(t, border, align), atol=1e-13)


@pytest.mark.parametrize("shape", [(2, 3, 16, 12), (1, 2, 9, 11), (1, 1, 12, 20), (2, 1, 7, 7)])
@pytest.mark.parametrize("levels", (1, 2, 3))
def test_pyramids_match_kornia(kornia, torch, shape, levels):
    x = _host(shape)
    t = torch.tensor(x)
    KT = kornia.geometry.transform
    for fn, kfn in (
        (G.build_pyramid, KT.build_pyramid),
        (G.build_laplacian_pyramid, KT.build_laplacian_pyramid),
    ):
        got, want = fn(x, levels, "reflect", True), kfn(t, levels, "reflect", True)
        assert len(got) == len(want) == levels
        for g, w in zip(got, want, strict=True):
            np.testing.assert_allclose(g, w.numpy(), atol=1e-13)


def test_documented_values():
    x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
    np.testing.assert_allclose(
        G.pyrdown(x, align_corners=True)[0, 0], [[3.75, 5.25], [9.75, 11.25]]
    )
    y = np.arange(4, dtype=np.float32).reshape(1, 1, 2, 2)
    want = [
        [0.75, 0.875, 1.125, 1.25],
        [1.0, 1.125, 1.375, 1.5],
        [1.5, 1.625, 1.875, 2.0],
        [1.75, 1.875, 2.125, 2.25],
    ]
    np.testing.assert_allclose(G.pyrup(y, align_corners=True)[0, 0], want, atol=1e-6)


# -- OpenCV: the blur and the decimation convention -------------------------------------------
def test_blur_is_opencv_binomial_and_pyrdown_is_block_mean(cv2):
    x = _host((1, 1, 12, 10))
    blurred = G.pyrdown(x, factor=1.0)[0, 0]  # factor 1: the bilinear resize is the identity
    ref = cv2.filter2D(x[0, 0], -1, BINOMIAL, borderType=cv2.BORDER_REFLECT_101)
    np.testing.assert_allclose(blurred, ref, atol=1e-12)
    # OpenCV decimates the same blurred image ...
    np.testing.assert_allclose(cv2.pyrDown(x[0, 0]), ref[::2, ::2], atol=1e-12)
    # ... Kornia (and we) average its 2x2 blocks instead
    block = ref.reshape(6, 2, 5, 2).mean(axis=(1, 3))
    np.testing.assert_allclose(G.pyrdown(x)[0, 0], block, atol=1e-12)


def test_output_sizes_floor_vs_opencv_ceil(cv2):
    x = _host((1, 1, 9, 11))
    assert G.pyrdown(x).shape[-2:] == (4, 5)
    assert cv2.pyrDown(x[0, 0]).shape == (5, 6)
    assert G.pyrup(x).shape[-2:] == (18, 22)


# -- identities -------------------------------------------------------------------------------
def test_constant_image_is_kept():
    x = np.full((1, 2, 8, 6), 0.7)
    for out in (G.pyrdown(x), G.pyrup(x), *G.build_pyramid(x, 3)):
        np.testing.assert_allclose(out, 0.7, atol=1e-14)


@pytest.mark.parametrize("shape", [(1, 2, 16, 8), (2, 1, 9, 11)])
def test_laplacian_pyramid_reconstructs_the_padded_input(shape):
    x = _host(shape)
    lap = G.build_laplacian_pyramid(x, 3)
    rec = lap[-1]
    for level in reversed(lap[:-1]):
        rec = level + G.pyrup(rec)
    h, w = rec.shape[-2:]
    np.testing.assert_allclose(rec[..., : shape[2], : shape[3]], x, atol=1e-12)
    assert (h & (h - 1)) == 0 or shape[2] % 4 == 0


def test_chw_and_dtypes(engine):
    x = engine.asarray(_host((3, 8, 6), dtype="float32"))
    out = G.pyrdown(x)
    assert engine.is_own(out) and out.shape == (3, 4, 3) and "float32" in str(out.dtype)
    up = G.pyrup(engine.asarray(np.zeros((3, 4, 3), dtype=np.uint8)))
    assert up.shape == (3, 8, 6) and "float32" in str(up.dtype)
    pyr = G.build_pyramid(x, 2)
    assert pyr[0] is x and pyr[1].shape == (3, 4, 3)


def test_gradients_flow(torch):
    x = torch.rand(1, 2, 8, 6, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: G.build_laplacian_pyramid(t, 2)[0], (x,))


# -- error contract ---------------------------------------------------------------------------
BAD = [
    (
        lambda x: G.pyrdown(x[0, 0, ...]),
        ValueError,
        "input: expected shape (B, C, H, W) or (C, H, W)",
    ),
    (lambda x: G.pyrdown(x, "foo"), ValueError, "border_type: expected one of"),
    (lambda x: G.pyrdown(x, factor=0.0), ValueError, "factor: expected a positive finite number"),
    (lambda x: G.pyrdown(x, factor=20.0), ValueError, "input: expected height and width"),
    (lambda x: G.pyrdown(x, align_corners=1), TypeError, "align_corners: expected a bool"),
    (lambda x: G.pyrup(x, "mirror"), ValueError, "border_type: expected one of"),
    (lambda x: G.build_pyramid(x, 0), ValueError, "max_level: expected a positive integer"),
    (lambda x: G.build_laplacian_pyramid(x, 2.0), ValueError, "max_level: expected a positive"),
    (lambda x: G.pyrdown([1.0]), TypeError, "input: expected an array"),
]


@pytest.mark.parametrize("k", range(len(BAD)))
def test_errors(engine, k):
    fn, exc, msg = BAD[k]
    x = engine.asarray(_host((1, 1, 6, 6), dtype="float32"))
    with pytest.raises(exc) as info:
        fn(x)
    assert msg in str(info.value)
