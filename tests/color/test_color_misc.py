"""Alpha / range / normals conversions, Bayer raw (Kornia, all CFAs), sepia, colormaps
(Kornia's palettes and buckets), and the error contract of every colour function."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import float_dtypes

import portvision as pv

C = pv.color
CFAS = ["BG", "GB", "RG", "GR"]


def test_rgba_alpha_array_and_background(engine, kornia, torch):
    rng = np.random.default_rng(0)
    rgb, alpha = rng.uniform(size=(2, 3, 4, 5)), rng.uniform(size=(2, 1, 4, 5))
    dtype = float_dtypes(engine)[-1]
    got = engine.to_numpy(C.rgb_to_rgba(engine.asarray(rgb, dtype), engine.asarray(alpha, dtype)))
    want = kornia.color.rgb_to_rgba(torch.from_numpy(rgb), torch.from_numpy(alpha)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-6)
    rgba = np.concatenate([rgb, alpha], axis=1)
    for bg in [(0.1, 0.2, 0.3), rng.uniform(size=(2, 3, 4, 5))]:
        kbg = list(bg) if isinstance(bg, tuple) else torch.from_numpy(bg)
        want = kornia.color.rgba_to_rgb(torch.from_numpy(rgba), kbg).numpy()
        ebg = bg if isinstance(bg, tuple) else engine.asarray(bg, dtype)
        got = engine.to_numpy(C.rgba_to_rgb(engine.asarray(rgba, dtype), ebg))
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


def test_rgba_to_rgb_over_white_by_default_opencv_drops_alpha(cv2):
    rgba = np.random.default_rng(1).uniform(size=(4, 3, 5)).astype(np.float32)
    got = C.rgba_to_rgb(rgba)
    want = rgba[:3] * rgba[3:] + (1 - rgba[3:])
    np.testing.assert_allclose(got, want, rtol=1e-6)
    dropped = cv2.cvtColor(np.ascontiguousarray(rgba.transpose(1, 2, 0)), cv2.COLOR_RGBA2RGB)
    np.testing.assert_array_equal(dropped.transpose(2, 0, 1), rgba[:3])  # not composited


def test_channel_reversal_keeps_integer_dtype(engine):
    x = np.arange(3 * 2 * 2, dtype=np.uint8).reshape(3, 2, 2)
    for fn in (C.rgb_to_bgr, C.bgr_to_rgb):
        got = engine.to_numpy(fn(engine.asarray(x)))
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, x[::-1])


def test_rgb255_and_normals(engine, kornia, torch):
    x = np.random.default_rng(2).integers(0, 256, size=(2, 3, 4, 5)).astype(np.uint8)
    got = engine.to_numpy(C.rgb255_to_rgb(engine.asarray(x)))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, x / 255.0, rtol=1e-6)
    n = engine.to_numpy(C.rgb255_to_normals(engine.asarray(x)))
    want = kornia.color.rgb255_to_normals(torch.from_numpy(x.astype(np.float32))).numpy()
    np.testing.assert_allclose(n, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(n, axis=1)[np.abs(want).sum(1) > 0], 1.0, rtol=1e-5)


@pytest.mark.parametrize("cfa", CFAS)
def test_raw_matches_kornia_for_every_cfa(engine, kornia, torch, cfa):
    rng = np.random.default_rng(3)
    rgb, raw = rng.uniform(size=(2, 3, 6, 8)), rng.uniform(size=(2, 1, 6, 8))
    kc, pc = getattr(kornia.color.CFA, cfa), getattr(C.CFA, cfa)
    dtype = float_dtypes(engine)[-1]
    tol = dict(rtol=1e-6, atol=1e-7) if dtype == "float32" else dict(rtol=1e-12, atol=1e-14)
    for ours, theirs, x, arg in [
        (C.rgb_to_raw, kornia.color.rgb_to_raw, rgb, pc),
        (C.raw_to_rgb, kornia.color.raw_to_rgb, raw, pc),
        (C.raw_to_rgb, kornia.color.raw_to_rgb, raw, kc),  # Kornia's enum is accepted
        (C.raw_to_rgb_2x2_downscaled, kornia.color.raw_to_rgb_2x2_downscaled, raw, cfa),
    ]:
        want = theirs(torch.from_numpy(x), kc).numpy()
        np.testing.assert_allclose(
            engine.to_numpy(ours(engine.asarray(x, dtype), arg)), want, **tol
        )
    # the recorded samples survive demosaicing
    back = C.rgb_to_raw(C.raw_to_rgb(engine.asarray(raw, dtype), pc), pc)
    np.testing.assert_allclose(engine.to_numpy(back), raw, **tol)


def test_cfa_enum_mirrors_kornia(kornia):
    assert [(m.name, m.value) for m in C.CFA] == [(m.name, m.value) for m in kornia.color.CFA]


def test_sepia_matches_kornia_per_image_rescale(engine, kornia, torch):
    x = np.random.default_rng(4).uniform(size=(3, 3, 4, 5))
    x[1] *= 0.3  # a darker image: rescaled by its own maximum
    dtype = float_dtypes(engine)[-1]
    for rescale in (True, False):
        want = kornia.color.sepia_from_rgb(torch.from_numpy(x), rescale=rescale).numpy()
        for fn in (C.sepia_from_rgb, C.sepia):
            got = engine.to_numpy(fn(engine.asarray(x, dtype), rescale=rescale))
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_colormap_bases_match_kornias_tables(kornia):
    from kornia.color import _colormap_data as data

    for name in C.ColorMapType.list():
        table = np.array(getattr(data, f"get_{'bgr' if name == 'brg' else name}_base")())
        np.testing.assert_allclose(np.array(C.ColorMapType[name].base()), table, atol=1e-12)
        assert C.ColorMapType[name].value == kornia.color.ColorMapType[name].value


@pytest.mark.parametrize("num_colors", [64, 16, 7, 255])
def test_apply_colormap_matches_kornia(engine, kornia, torch, num_colors):
    rng = np.random.default_rng(5)
    x = rng.uniform(size=(2, 2, 5, 6))
    x[1, 1] *= 255  # a channel read on [0, 255]
    x[0, 0, 0, :6] = [0, 1, 0.5, 0.25, 0.75, 1 / 3]  # values on bucket edges
    xi = rng.integers(0, 256, size=(2, 1, 5, 6)).astype(np.uint8)
    for name in ("jet", "hsv", "bone"):
        kcm = kornia.color.ColorMap(name, num_colors=num_colors)
        for host in (x, x.astype(np.float32), xi, x[0]):
            if engine.no_float64 and host.dtype == np.float64:
                continue
            want = kornia.color.apply_colormap(torch.from_numpy(host), kcm).numpy()
            with pv.use_backend(engine.name, engine.device):
                cm = C.ColorMap(name, num_colors=num_colors)
            got = C.apply_colormap(engine.asarray(host), cm)
            assert engine.is_own(got)
            np.testing.assert_allclose(engine.to_numpy(got), want, atol=1e-6)


def test_colormap_custom_base_and_kornia_colormap_object(kornia, torch):
    cm = C.ColorMap([[0.0, 0.5, 1.0], [1.0, 0.5, 0.0]], num_colors=8)
    want = kornia.color.ColorMap(base=[[0.0, 0.5, 1.0], [1.0, 0.5, 0.0]], num_colors=8).colors
    np.testing.assert_allclose(cm.colors, want.numpy(), atol=1e-6)
    assert len(cm) == 8 and cm.name == "CustomColorMapType"
    x = np.random.default_rng(6).uniform(size=(1, 1, 3, 4))
    kcm = kornia.color.ColorMap("autumn")
    got = C.apply_colormap(torch.from_numpy(x), kcm)  # Kornia's object on the torch engine
    want = kornia.color.apply_colormap(torch.from_numpy(x), kcm)
    np.testing.assert_allclose(got.numpy(), want.numpy(), atol=1e-6)


SHAPE3 = "image: expected shape (*, 3, H, W), got "
ERRORS = [
    (C.rgb_to_bgr, (2, 4, 4), ValueError, SHAPE3 + "(2, 4, 4)"),
    (lambda x: C.rgb_to_rgba(x, 1.0), (4, 4), ValueError, SHAPE3 + "(4, 4)"),
    (lambda x: C.rgb_to_rgba(x, "a"), (3, 4, 4), TypeError, "alpha_val: expected a float"),
    (lambda x: C.rgb_to_rgba(x, x), (3, 4, 4), ValueError, "alpha_val: expected shape (1, 4, 4)"),
    (C.rgba_to_rgb, (3, 4, 4), ValueError, "image: expected shape (*, 4, H, W), got (3, 4, 4)"),
    (lambda x: C.rgba_to_rgb(x, (1.0, 0.0)), (4, 2, 2), ValueError, "background_color: expected 3"),
    (lambda x: C.rgba_to_rgb(x, "white"), (4, 2, 2), TypeError, "background_color: expected None"),
    (C.rgb_to_linear_rgb, (3, 2, 2), TypeError, "image: expected a real floating dtype, got"),
    (C.rgb_to_ycbcr, (1, 2, 2), ValueError, SHAPE3 + "(1, 2, 2)"),
    (C.rgb_to_lab, (3, 2, 2, 2), ValueError, SHAPE3 + "(3, 2, 2, 2)"),
    (lambda x: C.lab_to_rgb(x, clip=1), (3, 2, 2), TypeError, "clip: expected a bool, got 1"),
    (lambda x: C.rgb_to_luv(x, eps=None), (3, 2, 2), TypeError, "eps: expected a real number"),
    (lambda x: C.rgb_to_hls(x, eps="1"), (3, 2, 2), TypeError, "eps: expected a real number"),
    (C.rgb_to_yuv420, (3, 3, 4), ValueError, "image: expected an even H and W, got shape"),
    (C.rgb_to_yuv422, (3, 4, 3), ValueError, "image: expected an even W, got shape (3, 4, 3)"),
    (lambda x: C.yuv420_to_rgb(x[:1, ...], x[:2, ...]), (3, 4, 4), ValueError, "imageuv: expected"),
    (lambda x: C.yuv422_to_rgb(x, x), (3, 4, 4), ValueError, "imagey: expected shape (*, 1, H, W)"),
    (lambda x: C.raw_to_rgb(x, "XY"), (1, 4, 4), ValueError, "cfa: expected one of ['BG', 'GB'"),
    (lambda x: C.raw_to_rgb(x, "BG"), (1, 3, 4), ValueError, "image: expected an even H and W"),
    (lambda x: C.rgb_to_raw(x, C.CFA.BG), (1, 4, 4), ValueError, SHAPE3 + "(1, 4, 4)"),
    (lambda x: C.sepia_from_rgb(x), (4, 4), ValueError, "input: expected shape (*, 3, H, W)"),
    (lambda x: C.sepia(x, rescale=None), (3, 4, 4), TypeError, "rescale: expected a bool"),
    (lambda x: C.apply_colormap(x, C.ColorMap("jet")), (4, 4), ValueError, "input_tensor: exp"),
    (lambda x: C.apply_colormap(x, "jet"), (1, 4, 4), TypeError, "colormap: expected a ColorMap"),
]  # fmt: skip


@pytest.mark.parametrize("call, shape, exc, msg", ERRORS)
def test_error_contract(engine, call, shape, exc, msg):
    dtype = "int32" if "floating" in msg else "float32"
    x = engine.asarray(np.zeros(shape, dtype=dtype))
    with pytest.raises(exc) as info:
        call(x)
    assert msg in str(info.value)


def test_colormap_constructor_errors():
    with pytest.raises(ValueError, match="base: expected one of"):
        C.ColorMap("nope")
    with pytest.raises(ValueError, match="base: expected a ColorMapType"):
        C.ColorMap(42)
    with pytest.raises(ValueError, match="num_colors: expected an integer >= 2, got 1"):
        C.ColorMap("jet", num_colors=1)
