"""image_to_tensor / tensor_to_image (Kornia 0.9 as the oracle of shapes and values),
load_image / save_image through Pillow on files written into ``tmp_path``, the current
engine's arrays inside ``use_backend``, the error contract."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import float_dtypes

import portvision as pv

U = pv.utils
LT = pv.utils.ImageLoadType


@pytest.mark.parametrize("shape", [(4, 5), (4, 5, 1), (4, 5, 3), (2, 4, 5, 3)])
@pytest.mark.parametrize("keepdim", [True, False])
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_image_to_tensor_matches_kornia(kornia, shape, keepdim, dtype):
    img = (np.random.default_rng(0).uniform(size=shape) * 255).astype(dtype)
    want = kornia.image.image_to_tensor(img, keepdim).numpy()
    got = U.image_to_tensor(img, keepdim)
    assert isinstance(got, np.ndarray) and got.dtype == img.dtype
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize(
    "shape", [(4, 5), (1, 4, 5), (3, 4, 5), (1, 3, 4, 5), (2, 1, 4, 5), (2, 3, 4, 5)]
)
@pytest.mark.parametrize("keepdim", [True, False])
def test_tensor_to_image_matches_kornia(engine, kornia, torch, shape, keepdim):
    host = np.random.default_rng(1).uniform(size=shape)
    want = kornia.image.tensor_to_image(torch.from_numpy(host), keepdim)
    for dtype in float_dtypes(engine):
        got = U.tensor_to_image(engine.asarray(host, dtype), keepdim, force_contiguous=True)
        assert isinstance(got, np.ndarray) and got.dtype == np.dtype(dtype)
        assert got.flags.c_contiguous
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_tensor_to_image_detaches_torch(torch):
    t = torch.rand(3, 4, 5, requires_grad=True)
    got = U.tensor_to_image(t * 2)
    assert isinstance(got, np.ndarray) and got.shape == (4, 5, 3)


def test_round_trip_and_current_engine(engine):
    img = np.random.default_rng(2).integers(0, 256, size=(4, 5, 3)).astype(np.uint8)
    with pv.use_backend(engine.name, device=engine.device):
        t = U.image_to_tensor(img, keepdim=False)
        assert engine.is_own(t) and tuple(t.shape) == (1, 3, 4, 5)
    np.testing.assert_array_equal(U.tensor_to_image(t), img)


@pytest.mark.parametrize("ext", [".png", ".PNG"])
def test_png_round_trip_every_type(engine, tmp_path, ext):
    from PIL import Image

    rgb = np.random.default_rng(3).integers(0, 256, size=(6, 7, 3)).astype(np.uint8)
    path = tmp_path / f"img{ext}"
    Image.fromarray(rgb).save(path, format="PNG")
    with pv.use_backend(engine.name, device=engine.device):
        out = {t: U.load_image(path, t) for t in LT}
    assert all(engine.is_own(v) for v in out.values())
    host = {t: engine.to_numpy(v) for t, v in out.items()}
    np.testing.assert_array_equal(host[LT.RGB8], rgb.transpose(2, 0, 1))
    np.testing.assert_array_equal(host[LT.UNCHANGED], rgb.transpose(2, 0, 1))
    assert host[LT.RGB32].dtype == np.float32
    np.testing.assert_allclose(host[LT.RGB32], rgb.transpose(2, 0, 1) / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(host[LT.RGBA8][3], 255)
    np.testing.assert_allclose(host[LT.RGBA32][:3], host[LT.RGB32])
    # GRAY8: portvision.color.rgb_to_grayscale's uint8 path (equal to OpenCV's cvtColor)
    cv2 = pytest.importorskip("cv2")
    np.testing.assert_array_equal(host[LT.GRAY8][0], cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
    want32 = (rgb / 255.0) @ np.array([0.299, 0.587, 0.114])
    np.testing.assert_allclose(host[LT.GRAY32][0], want32, rtol=1e-5, atol=1e-6)


def test_save_then_load(engine, tmp_path):
    u8 = np.random.default_rng(4).integers(0, 256, size=(3, 6, 7)).astype(np.uint8)
    gray16 = np.random.default_rng(5).integers(0, 65536, size=(6, 7)).astype(np.uint16)
    U.write_image(tmp_path / "a.png", engine.asarray(u8))  # Kornia's name
    U.save_image(str(tmp_path / "g.png"), engine.asarray(gray16))
    yy, xx = np.mgrid[0:16, 0:16]
    smooth = np.stack([yy * 8, xx * 8, (yy + xx) * 4]).astype(np.uint8)  # JPEG-friendly
    U.save_image(tmp_path / "a.jpg", engine.asarray(smooth), quality=95)
    np.testing.assert_array_equal(U.load_image(tmp_path / "a.png", LT.UNCHANGED), u8)
    np.testing.assert_array_equal(U.load_image(tmp_path / "g.png", LT.UNCHANGED)[0], gray16)
    jpg = U.load_image(tmp_path / "a.jpg", LT.RGB8).astype(int)
    assert jpg.shape == (3, 16, 16) and np.abs(jpg - smooth).mean() < 3  # lossy


def test_transparent_png_composites_over_white(tmp_path):
    from PIL import Image

    rgba = np.zeros((2, 2, 4), np.uint8)
    rgba[..., 0] = 200
    rgba[0, 0, 3], rgba[0, 1, 3], rgba[1, :, 3] = 0, 255, 128
    Image.fromarray(rgba, mode="RGBA").save(tmp_path / "t.png")
    rgb = U.load_image(tmp_path / "t.png", LT.RGB8)
    np.testing.assert_array_equal(rgb[:, 0, 0], [255, 255, 255])  # transparent: white
    np.testing.assert_array_equal(rgb[:, 0, 1], [200, 0, 0])  # opaque: the colour
    np.testing.assert_allclose(rgb[:, 1, 0], [228, 127, 127], atol=1)  # half: the blend
    np.testing.assert_array_equal(U.load_image(tmp_path / "t.png", LT.RGBA8)[3], rgba[..., 3])


def test_errors(engine, tmp_path):
    x = engine.asarray(np.zeros((3, 4, 5), np.float32))
    with pytest.raises(
        ValueError,
        match=r"^image: expected shape \(H, W\), \(H, W, C\) or \(B, H, W, C\), got \(5,\)$",
    ):
        U.image_to_tensor(engine.asarray(np.zeros(5, np.float32)))
    with pytest.raises(TypeError, match="^image: expected an array, got list$"):
        U.image_to_tensor([[1, 2]])
    with pytest.raises(
        ValueError,
        match=r"^tensor: expected shape \(H, W\), \(C, H, W\) or \(B, C, H, W\), "
        r"got \(1, 1, 3, 4, 5\)$",
    ):
        U.tensor_to_image(engine.asarray(np.zeros((1, 1, 3, 4, 5), np.float32)))
    with pytest.raises(
        TypeError,
        match=r"^image: expected uint8 \(or uint16 for 1-channel PNG\) for PNG, got float32",
    ):
        U.save_image(tmp_path / "f.png", x)
    with pytest.raises(
        ValueError, match=r"^path_file: expected a .png, .jpg or .jpeg extension, got '.*x.bmp'$"
    ):
        U.save_image(tmp_path / "x.bmp", x)
    with pytest.raises(
        ValueError, match=r"^image: expected 1 or 3 channels for JPEG, got shape \(2, 4, 5\)$"
    ):
        U.save_image(tmp_path / "x.jpg", engine.asarray(np.zeros((2, 4, 5), np.uint8)))
    with pytest.raises(ValueError, match=r"^quality: expected an integer in \[0, 100\], got 101$"):
        U.save_image(tmp_path / "x.jpg", x, quality=101)
    with pytest.raises(TypeError, match="^desired_type: expected an ImageLoadType, got 'RGB8'$"):
        U.load_image(tmp_path / "x.png", "RGB8")
    with pytest.raises(FileNotFoundError, match="^path_file: no such file"):
        U.load_image(tmp_path / "missing.png")
