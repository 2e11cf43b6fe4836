"""``elastic_transform2d``.

Oracles: Kornia 0.9 in float64 on torch (Python and array ``sigma`` / ``alpha``, both
``align_corners``, every padding and mode); an independent NumPy/SciPy construction of the
displacement field (``scipy.ndimage.correlate1d`` with zero padding, then
``map_coordinates(order=1, mode="grid-constant")``, the documented equivalent of
``grid_sample``'s zero padding); identities (zero noise is the identity for both
``align_corners``).
"""

from __future__ import annotations

import numpy as np
import pytest

import portvision as pv

G = pv.geometry


def _host(shape, seed=0, low=0.0, high=1.0):
    return np.random.default_rng(seed).uniform(low, high, size=shape)


@pytest.mark.parametrize("align", (False, True))
@pytest.mark.parametrize(
    ("mode", "padding"), [("bilinear", "zeros"), ("bilinear", "border"), ("nearest", "reflection")]
)
def test_matches_kornia(kornia, torch, align, mode, padding):
    img, noise = _host((2, 3, 9, 11)), _host((2, 2, 9, 11), 1, -1.0, 1.0)
    kt = kornia.geometry.transform.elastic_transform2d
    got = G.elastic_transform2d(img, noise, (5, 3), (2.0, 1.5), (0.5, 0.8), align, mode, padding)
    want = kt(
        torch.tensor(img), torch.tensor(noise), (5, 3), (2.0, 1.5), (0.5, 0.8), align, mode, padding
    )
    np.testing.assert_allclose(got, want.numpy(), atol=1e-12)


def test_array_parameters_match_kornia(kornia, torch):
    img, noise = _host((1, 2, 8, 8)), _host((1, 2, 8, 8), 2, -1.0, 1.0)
    s, a = np.array([3.0, 1.2]), np.array([2.0, 1.0])
    got = G.elastic_transform2d(img, noise, (7, 7), s, a)
    want = kornia.geometry.transform.elastic_transform2d(
        torch.tensor(img), torch.tensor(noise), (7, 7), torch.tensor(s), torch.tensor(a)
    )
    np.testing.assert_allclose(got, want.numpy(), atol=1e-12)


def test_matches_scipy_construction():
    ndimage = pytest.importorskip("scipy.ndimage")
    img, noise = _host((1, 1, 9, 11), 3), _host((1, 2, 9, 11), 4, -1.0, 1.0)
    ky, kx, sy, sx, ax, ay = 5, 3, 1.5, 0.8, 0.4, 0.7

    def gauss(k, s):
        t = np.arange(k) - k // 2
        g = np.exp(-(t**2) / (2 * s * s))
        return g / g.sum()

    def smooth(f):
        f = ndimage.correlate1d(f, gauss(ky, sy), axis=0, mode="constant")
        return ndimage.correlate1d(f, gauss(kx, sx), axis=1, mode="constant")

    h, w = 9, 11
    # align_corners=False: normalised x_n = (2x + 1) / W - 1, so a displacement d_n is d_n W / 2 px
    dx = smooth(noise[0, 0]) * ax * w / 2
    dy = smooth(noise[0, 1]) * ay * h / 2
    yy, xx = np.mgrid[0:h, 0:w].astype(float)
    want = ndimage.map_coordinates(img[0, 0], [yy + dy, xx + dx], order=1, mode="grid-constant")
    got = G.elastic_transform2d(img, noise, (ky, kx), (sy, sx), (ax, ay))
    np.testing.assert_allclose(got[0, 0], want, atol=1e-12)


@pytest.mark.parametrize("align", (False, True))
def test_zero_noise_is_identity(engine, align):
    img = engine.asarray(_host((2, 3, 6, 7)).astype("float32"))
    noise = engine.asarray(np.zeros((2, 2, 6, 7), dtype="float32"))
    out = G.elastic_transform2d(img, noise, (3, 3), align_corners=align)
    assert engine.is_own(out) and "float32" in str(out.dtype)
    np.testing.assert_allclose(engine.to_numpy(out), engine.to_numpy(img), atol=1e-5)


def test_gradients_through_noise_sigma_alpha(torch):
    img = torch.rand(1, 1, 5, 6, dtype=torch.float64, requires_grad=True)
    noise = (torch.rand(1, 2, 5, 6, dtype=torch.float64) - 0.5).requires_grad_(True)
    sigma = torch.tensor([1.5, 2.0], dtype=torch.float64, requires_grad=True)
    alpha = torch.tensor([0.3, 0.4], dtype=torch.float64, requires_grad=True)
    f = lambda i, n, s, a: G.elastic_transform2d(i, n, (3, 5), s, a)  # noqa: E731
    assert torch.autograd.gradcheck(f, (img, noise, sigma, alpha), fast_mode=True)


BAD = [
    (lambda i, n: G.elastic_transform2d(i[0, 0, ...], n), ValueError, "image: expected shape"),
    (lambda i, n: G.elastic_transform2d(i, n[:, :1, ...]), ValueError, "noise: expected shape"),
    (lambda i, n: G.elastic_transform2d(i, n, (4, 3)), ValueError, "kernel_size: expected odd"),
    (lambda i, n: G.elastic_transform2d(i, n, (3, 3), (0.0, 1.0)), ValueError, "sigma: expected"),
    (lambda i, n: G.elastic_transform2d(i, n, (3, 3), alpha=(1.0,)), ValueError, "alpha: expected"),
    (lambda i, n: G.elastic_transform2d(i, n, (3, 3), mode="bicubic"), ValueError, "mode:"),
    (
        lambda i, n: G.elastic_transform2d(i, n, (3, 3), padding_mode="fill"),
        ValueError,
        "padding_mode: expected one of",
    ),
    (
        lambda i, n: G.elastic_transform2d(i, n, (3, 3), align_corners="no"),
        TypeError,
        "align_corners: expected a bool",
    ),
    (lambda i, n: G.elastic_transform2d(i, None), TypeError, "noise: expected an array"),
]


@pytest.mark.parametrize("k", range(len(BAD)))
def test_errors(engine, k):
    fn, exc, msg = BAD[k]
    i = engine.asarray(np.zeros((1, 1, 5, 5), dtype="float32"))
    n = engine.asarray(np.zeros((1, 2, 5, 5), dtype="float32"))
    with pytest.raises(exc) as info:
        fn(i, n)
    assert msg in str(info.value)
