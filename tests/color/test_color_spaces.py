"""YCbCr / YUV / XYZ / Lab / Luv / HLS against OpenCV ``cvtColor`` and scikit-image ``color``
where their conventions match (each difference pinned: channel order, white point, studio
range, hue units, linearisation), and the documented values."""

from __future__ import annotations

import numpy as np
import pytest

import portvision as pv

C = pv.color


def _img(seed=0, shape=(3, 8, 9), dtype=np.float32):
    return np.random.default_rng(seed).uniform(size=shape).astype(dtype)


def _cv(cv2, img, code):
    """OpenCV on one CHW image: HWC in, CHW out."""
    out = cv2.cvtColor(np.ascontiguousarray(img.transpose(1, 2, 0)), code)
    return out.transpose(2, 0, 1) if out.ndim == 3 else out[None]


def _sk(fn, img):
    return fn(img.transpose(1, 2, 0)).transpose(2, 0, 1)


def test_ycbcr_opencv_orders_y_cr_cb(cv2):
    x = _img()
    ycrcb = _cv(cv2, x, cv2.COLOR_RGB2YCrCb)
    np.testing.assert_allclose(C.rgb_to_ycbcr(x), ycrcb[[0, 2, 1]], atol=2e-6)
    back = _cv(cv2, np.ascontiguousarray(ycrcb), cv2.COLOR_YCrCb2RGB)
    # OpenCV inverts with its own rounded coefficients (1.403, 0.714, 0.344, 1.773)
    np.testing.assert_allclose(C.ycbcr_to_rgb(C.rgb_to_ycbcr(x)), np.clip(back, 0, 1), atol=1e-3)


def test_ycbcr_uint8_is_opencvs_offset_128_before_rounding(cv2):
    x = (np.random.default_rng(1).uniform(size=(3, 6, 7)) * 255).astype(np.uint8)
    want = _cv(cv2, x, cv2.COLOR_RGB2YCrCb)[[0, 2, 1]].astype(np.float64)
    got = C.rgb_to_ycbcr(x)  # float32 on the 0..255 scale with offsets 0.5 (not 128)
    assert got.dtype == np.float32
    got = got + np.array([0.0, 127.5, 127.5], dtype=np.float32)[:, None, None]
    np.testing.assert_allclose(got, want, atol=1.0)  # OpenCV's fixed point rounds to 1 LSB


def test_ycbcr_skimage_is_studio_range():
    color = pytest.importorskip("skimage.color")
    x = _img(2, dtype=np.float64)
    y = C.rgb_to_ycbcr(x)
    sk = _sk(color.rgb2ycbcr, x)  # Y in [16, 235], Cb / Cr in [16, 240]
    np.testing.assert_allclose(sk[0], 16 + 219 * y[0], atol=0.2)
    np.testing.assert_allclose(sk[1:], 16 + 224 * y[1:], atol=0.2)


def test_yuv_opencv_and_skimage(cv2):
    x = _img(3)
    cv = _cv(cv2, x, cv2.COLOR_RGB2YUV)  # U, V offset by 0.5 (128 on uint8)
    np.testing.assert_allclose(
        C.rgb_to_yuv(x), cv - np.array([0, 0.5, 0.5])[:, None, None], atol=2e-3
    )
    color = pytest.importorskip("skimage.color")
    x64 = x.astype(np.float64)
    np.testing.assert_allclose(C.rgb_to_yuv(x64), _sk(color.rgb2yuv, x64), atol=1e-3)


def test_xyz_opencv_is_the_same_matrix_skimage_linearises(cv2):
    x = _img(4)
    np.testing.assert_allclose(C.rgb_to_xyz(x), _cv(cv2, x, cv2.COLOR_RGB2XYZ), atol=1e-5)
    color = pytest.importorskip("skimage.color")
    x64 = x.astype(np.float64)
    want = _sk(color.rgb2xyz, x64)
    np.testing.assert_allclose(C.rgb_to_xyz(C.rgb_to_linear_rgb(x64)), want, atol=2e-4)
    back = C.linear_rgb_to_rgb(C.xyz_to_rgb(want))
    np.testing.assert_allclose(back, x64, atol=2e-4)


def test_lab_skimage_and_opencv(cv2):
    x = _img(5)
    x64 = x.astype(np.float64)
    color = pytest.importorskip("skimage.color")
    np.testing.assert_allclose(C.rgb_to_lab(x64), _sk(color.rgb2lab, x64), atol=2e-2)
    lab = C.rgb_to_lab(x64)
    np.testing.assert_allclose(C.lab_to_rgb(lab), _sk(color.lab2rgb, lab), atol=1e-3)
    # OpenCV: white (0.950456, 1, 1.088754) and tabulated curves
    np.testing.assert_allclose(C.rgb_to_lab(x), _cv(cv2, x, cv2.COLOR_RGB2Lab), atol=0.5)


def test_luv_skimage_and_opencv(cv2):
    x = _img(6)
    x64 = x.astype(np.float64)
    color = pytest.importorskip("skimage.color")
    np.testing.assert_allclose(C.rgb_to_luv(x64), _sk(color.rgb2luv, x64), atol=5e-2)
    np.testing.assert_allclose(C.rgb_to_luv(x), _cv(cv2, x, cv2.COLOR_RGB2Luv), atol=0.2)


def test_hls_opencv_float_hue_in_degrees(cv2):
    x = _img(7)
    cv = _cv(cv2, x, cv2.COLOR_RGB2HLS)
    got = C.rgb_to_hls(x)
    np.testing.assert_allclose(got[0], np.deg2rad(cv[0]), atol=1e-4)
    np.testing.assert_allclose(got[1:], cv[1:], atol=1e-5)
    back = _cv(cv2, np.ascontiguousarray(cv), cv2.COLOR_HLS2RGB)
    np.testing.assert_allclose(C.hls_to_rgb(got), back, atol=1e-5)


def test_documented_values():
    red = np.array([1.0, 0.0, 0.0]).reshape(3, 1, 1)
    np.testing.assert_allclose(C.rgb_to_lab(red).ravel(), [53.2408, 80.0925, 67.2032], atol=1e-3)
    white = np.ones((3, 1, 1))
    np.testing.assert_allclose(C.rgb_to_xyz(white).ravel(), [0.950456, 1.0, 1.088754], atol=1e-6)
    np.testing.assert_allclose(C.rgb_to_lab(white)[0], [[100.0]], atol=1e-3)
    np.testing.assert_allclose(C.rgb_to_luv(white)[0], [[100.0]], atol=1e-3)
    hls = C.rgb_to_hls(np.array([0.0, 0.0, 1.0]).reshape(3, 1, 1)).ravel()
    np.testing.assert_allclose(hls, [4 * np.pi / 3, 0.5, 1.0], atol=1e-7)
    np.testing.assert_allclose(C.rgb_to_linear_rgb(np.full((3, 1, 1), 0.04045)), 0.04045 / 12.92)
    # sRGB decoding is continuous at its knee
    lo = C.rgb_to_linear_rgb(np.full((3, 1, 1), 0.04045 - 1e-9))
    hi = C.rgb_to_linear_rgb(np.full((3, 1, 1), 0.04045 + 1e-9))
    np.testing.assert_allclose(lo, hi, atol=1e-8)
