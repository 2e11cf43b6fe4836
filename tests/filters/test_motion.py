"""Motion-blur kernels and filters against Kornia 0.9, documented values and the error contract."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import float_dtypes

import portvision as pv

F = pv.filters
# angles where nearest sampling hits exact ties (30, 120, 150...) and generic ones
ANGLES = [0.0, 30.0, 45.0, 90.0, 120.0, 150.0, 215.0, -30.0, 390.0, 17.3, -101.7, 263.9]


def _np(engine, x):
    return engine.to_numpy(x)


def test_documented_kernels():
    # Kornia's docstring examples
    k = F.get_motion_kernel2d(5, 0.0, 0.0)
    want = np.zeros((1, 5, 5), np.float32)
    want[0, 2] = 0.2
    np.testing.assert_allclose(k, want, atol=1e-7)
    np.testing.assert_allclose(
        F.get_motion_kernel2d(3, 215.0, -0.5)[0],
        [[0, 0, 1 / 6], [0, 1 / 3, 0], [0.5, 0, 0]],
        atol=1e-6,
    )
    k3 = F.get_motion_kernel3d(3, (90.0, 90.0, 0.0), -0.5)[0]
    want3 = np.zeros((3, 3, 3))
    want3[0, 2, 1], want3[1, 1, 1], want3[2, 0, 1] = 0.5, 1 / 3, 1 / 6
    np.testing.assert_allclose(k3, want3, atol=1e-6)


def test_direction_weights_before_rotation():
    # direction 1: [0.4, 0.3, 0.2, 0.1, 0] along the middle row, heavy at the left end
    np.testing.assert_allclose(
        F.get_motion_kernel2d(5, 0.0, 1.0)[0, 2], [0.4, 0.3, 0.2, 0.1, 0.0], atol=1e-7
    )
    np.testing.assert_allclose(
        F.get_motion_kernel2d(5, 0.0, -3.0)[0, 2], [0.0, 0.1, 0.2, 0.3, 0.4], atol=1e-7
    )


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
@pytest.mark.parametrize("ksize", [3, 5, 7])
def test_kernel2d_matches_kornia_scalars(kornia, mode, ksize):
    for angle in ANGLES:
        for direction in (0.0, 1.0, -0.5, 0.3):
            want = kornia.filters.get_motion_kernel2d(ksize, angle, direction, mode).numpy()
            got = F.get_motion_kernel2d(ksize, angle, direction, mode)
            assert got.dtype == np.float32
            np.testing.assert_allclose(got, want, atol=1e-6, err_msg=f"{angle} {direction}")


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_kernel2d_per_sample_arrays(engine, kornia, torch, mode):
    angle = np.array(ANGLES)
    direction = np.linspace(-1.0, 1.0, len(ANGLES))
    for dtype in float_dtypes(engine):
        ta, td = (
            torch.tensor(angle, dtype=getattr(torch, dtype)),
            torch.tensor(direction, dtype=getattr(torch, dtype)),
        )
        want = kornia.filters.get_motion_kernel2d(5, ta, td, mode).numpy()
        with pv.use_backend(engine.name, device=engine.device):
            got = F.get_motion_kernel2d(
                5, engine.asarray(angle, dtype), engine.asarray(direction, dtype), mode
            )
        assert got.shape == (len(ANGLES), 5, 5)
        np.testing.assert_allclose(
            _np(engine, got), want, atol=1e-6 if dtype == "float32" else 1e-7
        )


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_kernel3d_matches_kornia(kornia, torch, mode):
    rng = np.random.default_rng(0)
    angles = [(0.0, 0.0, 0.0), (90.0, 90.0, 0.0), (0.0, 30.0, 0.0), (0.0, 0.0, 120.0)]
    angles += [tuple(v) for v in rng.uniform(-180, 180, size=(6, 3))]
    for angle in angles:
        for direction in (0.0, 1.0, -0.5):
            want = kornia.filters.get_motion_kernel3d(3, angle, direction, mode).numpy()
            np.testing.assert_allclose(
                F.get_motion_kernel3d(3, angle, direction, mode), want, atol=1e-6
            )
    arr = rng.uniform(-180, 180, size=(4, 3))
    d = rng.uniform(-1, 1, size=4)
    want = kornia.filters.get_motion_kernel3d(
        5, torch.from_numpy(arr), torch.from_numpy(d), mode
    ).numpy()
    np.testing.assert_allclose(F.get_motion_kernel3d(5, arr, d, mode), want, atol=1e-7)


def test_kernels_sum_to_one(engine):
    for dtype in float_dtypes(engine):
        angle = engine.asarray(np.array([10.0, 77.0, -150.0]), dtype)
        for mode in ("nearest", "bilinear"):
            k = _np(engine, F.get_motion_kernel2d(7, angle, 0.4, mode))
            np.testing.assert_allclose(k.sum(axis=(1, 2)), 1.0, rtol=1e-5)


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
@pytest.mark.parametrize("border", ["reflect", "replicate", "constant", "circular"])
def test_motion_blur_matches_kornia(engine, kornia, torch, mode, border):
    host = np.random.default_rng(1).uniform(size=(2, 3, 9, 11))
    want = kornia.filters.motion_blur(torch.from_numpy(host), 5, 35.0, 0.5, border, mode).numpy()
    for dtype in float_dtypes(engine):
        got = F.motion_blur(engine.asarray(host, dtype), 5, 35.0, 0.5, border, mode)
        np.testing.assert_allclose(
            _np(engine, got), want, atol=1e-5 if dtype == "float32" else 1e-10
        )


def test_motion_blur_per_sample_matches_kornia(engine, kornia, torch):
    host = np.random.default_rng(2).uniform(size=(2, 2, 8, 9))
    angle, direction = np.array([90.0, 180.0]), np.array([1.0, -1.0])
    want = kornia.filters.motion_blur(
        torch.from_numpy(host), 5, torch.from_numpy(angle), torch.from_numpy(direction)
    ).numpy()
    dtype = float_dtypes(engine)[-1]
    x, a, d = (engine.asarray(v, dtype) for v in (host, angle, direction))
    got = _np(engine, F.motion_blur(x, 5, a, d))
    np.testing.assert_allclose(got, want, atol=1e-5 if dtype == "float32" else 1e-10)
    assert not np.allclose(got[0], got[1])


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_motion_blur3d_matches_kornia(engine, kornia, torch, mode):
    host = np.random.default_rng(3).uniform(size=(2, 2, 5, 6, 7))
    want = kornia.filters.motion_blur3d(
        torch.from_numpy(host), 3, (10.0, 40.0, 70.0), 0.5, "replicate", mode
    ).numpy()
    dtype = float_dtypes(engine)[-1]
    got = F.motion_blur3d(
        engine.asarray(host, dtype), 3, (10.0, 40.0, 70.0), 0.5, "replicate", mode
    )
    np.testing.assert_allclose(_np(engine, got), want, atol=1e-5 if dtype == "float32" else 1e-10)


def test_motion_blur_keeps_constants_and_rank(engine):
    dtype = float_dtypes(engine)[-1]
    img = engine.asarray(np.full((3, 6, 7), 0.25), dtype)
    out = _np(engine, F.motion_blur(img, 5, 63.0, -0.2, mode="bilinear"))
    assert out.shape == (3, 6, 7)
    np.testing.assert_allclose(out, 0.25, rtol=1e-5)


def test_gradients_reach_angle_and_direction(torch):
    x = torch.rand(2, 1, 6, 7, dtype=torch.float64, requires_grad=True)
    a = torch.tensor([20.0, 130.0], dtype=torch.float64, requires_grad=True)
    d = torch.tensor([0.5, -0.3], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda x, a, d: F.motion_blur(x, 3, a, d, mode="bilinear"), (x, a, d), fast_mode=True
    )
    a3 = torch.tensor(
        [[10.0, 40.0, 70.0], [5.0, -20.0, 3.0]], dtype=torch.float64, requires_grad=True
    )
    assert torch.autograd.gradcheck(
        lambda a, d: F.get_motion_kernel3d(3, a, d, "bilinear"), (a3, d)
    )


@pytest.mark.parametrize(
    "call, exc, msg",
    [
        (
            lambda x: F.motion_blur(x, 4, 30.0, 0.0),
            ValueError,
            "kernel_size: expected an odd integer of at least 3, got 4",
        ),
        (
            lambda x: F.motion_blur(x, 1, 30.0, 0.0),
            ValueError,
            "kernel_size: expected an odd integer",
        ),
        (
            lambda x: F.motion_blur(x, 3, 30.0, 0.0, "mirror"),
            ValueError,
            "border_type: expected one of",
        ),
        (
            lambda x: F.motion_blur(x, 3, 30.0, 0.0, mode="cubic"),
            ValueError,
            "mode: expected one of ['nearest', 'bilinear']",
        ),
        (
            lambda x: F.motion_blur(x, 3, (1.0, 2.0), 0.0),
            ValueError,
            "angle: expected a number or shape (B,)",
        ),
        (
            lambda x: F.motion_blur(x[0, 0, ...], 3, 30.0, 0.0),
            ValueError,
            "input: expected shape (B, C, H, W) or (C, H, W)",
        ),
        (
            lambda x: F.motion_blur3d(x[0, ...], 3, (1.0, 2.0, 3.0), 0.0),
            ValueError,
            "input: expected shape (B, C, D, H, W)",
        ),
        (
            lambda x: F.motion_blur3d(x[None, ...], 3, 30.0, 0.0),
            ValueError,
            "angle: expected (rx, ry, rz) or shape (B, 3)",
        ),
        (
            lambda x: F.motion_blur3d(x[None, ...], 3, (1.0, 2.0), 0.0),
            ValueError,
            "angle: expected (rx, ry, rz)",
        ),
    ],
)
def test_error_contract(engine, call, exc, msg):
    x = engine.asarray(np.zeros((2, 1, 5, 5), dtype="float32"))
    with pytest.raises(exc) as info:
        call(x)
    assert msg in str(info.value)


def test_array_shape_errors(engine):
    dtype = float_dtypes(engine)[0]
    x = engine.asarray(np.zeros((2, 1, 5, 5)), dtype)
    with pytest.raises(
        ValueError, match=r"angle: expected 1 or 2 \(the input's batch\) values, got 3"
    ):
        F.motion_blur(x, 3, engine.asarray(np.zeros(3), dtype), 0.0)
    with pytest.raises(ValueError, match=r"direction: expected 3 values \(one per angle\)"):
        F.motion_blur(x, 3, engine.asarray(np.zeros(3), dtype), engine.asarray(np.zeros(2), dtype))
    with pytest.raises(
        ValueError, match=r"angle: expected \(rx, ry, rz\) or shape \(B, 3\), got \(2, 2\)"
    ):
        with pv.use_backend(engine.name, device=engine.device):
            F.get_motion_kernel3d(3, engine.asarray(np.zeros((2, 2)), dtype))
