"""Conformance cases for ``portvision.color``.

Inputs of the differentiable conversions keep away from their documented kinks so that
gradcheck's finite differences are meaningful: RGB colours have three distinct channels
(gaps >= 0.1, so hue sectors and the max / min selections do not switch) and saturation
well above 0; HSV / HLS hues avoid sector boundaries (multiples of pi / 3).
"""

from __future__ import annotations

import numpy as np
from op_case import Case, image

IMG = (2, 3, 5, 7)


def distinct_rgb(rng, shape, dtype="float64"):
    """RGB ``(*, 3, H, W)`` in [0.05, 0.95] with channel gaps >= 0.1 in a random order."""
    lead = shape[:-3] + shape[-2:]
    base = rng.uniform(0.05, 0.25, size=lead)
    gaps = rng.uniform(0.1, 0.3, size=(2,) + lead)
    vals = np.stack([base, base + gaps[0], base + gaps[0] + gaps[1]], axis=-3)
    perm = np.argsort(rng.uniform(size=vals.shape), axis=-3)
    return np.take_along_axis(vals, perm, axis=-3).astype(dtype)


def rgb(shape=IMG, *args, **kw):
    return lambda rng, dt: ((distinct_rgb(rng, shape, dt), *args), dict(kw))


def hsv(shape=IMG, *args, **kw):
    """Hue in radians away from sector edges; S, V in [0.2, 0.9]."""

    def make(rng, dt):
        lead = shape[:-3] + shape[-2:]
        sector = rng.integers(0, 6, size=lead) + rng.uniform(0.15, 0.85, size=lead)
        h = sector * np.pi / 3
        s, v = rng.uniform(0.2, 0.9, size=(2,) + lead)
        return (np.stack([h, s, v], axis=-3).astype(dt), *args), dict(kw)

    return make


def plain(shape=IMG, *args, low=0.0, high=1.0, **kw):
    return lambda rng, dt: ((image(rng, shape, dt, low, high), *args), dict(kw))


def rgba(shape=(2, 4, 5, 7), *args, **kw):
    """RGBA with alpha in [0.1, 0.9]."""
    return lambda rng, dt: ((image(rng, shape, dt, 0.1, 0.9), *args), dict(kw))


def uint8(shape=IMG, *args, **kw):
    return lambda rng, dt: ((rng.integers(0, 256, size=shape).astype("uint8"), *args), dict(kw))


def with_array(shape, extra_shape, name=None, low=0.1, high=0.9, **kw):
    """Image plus a second array argument (positional, or keyword ``name``)."""

    def make(rng, dt):
        x = distinct_rgb(rng, shape, dt)
        a = image(rng, extra_shape, dt, low, high)
        return ((x,), dict(kw, **{name: a})) if name else ((x, a), dict(kw))

    return make


def lab(shape=IMG, **kw):
    """Lab of in-gamut colours (from distinct RGB, away from the f(t) and sRGB knees)."""

    def make(rng, dt):
        import portvision as pv

        return (pv.color.rgb_to_lab(distinct_rgb(rng, shape, "float64")).astype(dt),), dict(kw)

    return make


def luv(shape=IMG, **kw):
    def make(rng, dt):
        import portvision as pv

        return (pv.color.rgb_to_luv(distinct_rgb(rng, shape, "float64")).astype(dt),), dict(kw)

    return make


def ycbcr(shape=IMG):
    """YCbCr of distinct RGB (its inverse's clip to [0, 1] stays inactive)."""

    def make(rng, dt):
        import portvision as pv

        return (pv.color.rgb_to_ycbcr(distinct_rgb(rng, shape, "float64")).astype(dt),), {}

    return make


def hls(shape=IMG):
    """Hue away from sector edges; L, S in [0.2, 0.8]."""

    def make(rng, dt):
        lead = shape[:-3] + shape[-2:]
        h = (rng.integers(0, 6, size=lead) + rng.uniform(0.15, 0.85, size=lead)) * np.pi / 3
        l, s = rng.uniform(0.2, 0.8, size=(2,) + lead)
        return (np.stack([h, l, s], axis=-3).astype(dt),), {}

    return make


def yuv_planes(shape, sub_h):
    def make(rng, dt):
        h, w = shape[-2:]
        y = image(rng, shape[:-3] + (1, h, w), dt, 0.2, 0.8)
        uv = image(rng, shape[:-3] + (2, h // sub_h, w // 2), dt, -0.3, 0.3)
        return (y, uv), {}

    return make


def raw(shape=(2, 1, 6, 8), *args):
    return lambda rng, dt: ((image(rng, shape, dt), *args), {})


def gray_levels(shape=(2, 2, 5, 7), scale=1.0, *args):
    """Values strictly inside buckets (no value on an edge: bucket choice is exact)."""

    def make(rng, dt):
        v = (rng.integers(0, 40, size=shape) + 0.5) / 40.0 * scale
        return (v.astype(dt), *args), {}

    return make


def _colormap(name, n=64):
    import portvision as pv

    return pv.color.ColorMap(name, num_colors=n)


EVEN = (2, 3, 4, 6)
LOOSE32 = {"float32": (1e-4, 2e-4)}  # Lab / Luv values up to ~100-175

CASES = [
    Case("rgb_to_hsv", rgb()),
    Case("rgb_to_hsv", rgb((3, 4, 6)), id="chw", batched=()),
    Case("rgb_to_hsv", rgb((2, 2, 3, 3, 4)), id="5d"),
    Case("rgb_to_hsv", rgb(IMG, 1e-2), id="eps"),
    Case("hsv_to_rgb", hsv()),
    Case("hsv_to_rgb", hsv((3, 4, 6)), id="chw", batched=()),
    Case("rgb_to_hls", rgb()),
    Case("rgb_to_hls", rgb((3, 4, 6), 1e-3), id="chw-eps", batched=()),
    Case("hls_to_rgb", hls()),
    Case("rgb_to_bgr", rgb()),
    Case("rgb_to_bgr", uint8(), id="uint8", exact=True, out_dtype="uint8"),
    Case("bgr_to_rgb", rgb((3, 4, 6)), id="chw", batched=()),
    Case("bgr_to_rgb", uint8(), id="uint8", exact=True, out_dtype="uint8"),
    Case("rgb_to_rgba", rgb(IMG, 0.75)),
    Case(
        "rgb_to_rgba", with_array(IMG, (2, 1, 5, 7)), id="alpha-array", grad=(0, 1), batched=(0, 1)
    ),
    Case("rgb_to_rgba", uint8(IMG, 1.0), id="uint8"),
    Case("bgr_to_rgba", rgb(IMG, 0.25)),
    Case("rgba_to_rgb", rgba()),
    Case("rgba_to_rgb", rgba((2, 4, 5, 7), (0.2, 0.4, 0.6)), id="bg-tuple"),
    Case(
        "rgba_to_rgb",
        lambda rng, dt: ((image(rng, (2, 4, 5, 7), dt), image(rng, (2, 3, 5, 7), dt)), {}),
        id="bg-array",
        grad=(0, 1),
        batched=(0, 1),
    ),
    Case("rgba_to_bgr", rgba((4, 5, 7)), batched=()),
    Case("rgb_to_rgb255", rgb()),
    Case("rgb255_to_rgb", plain(IMG, low=0.0, high=255.0)),
    Case("rgb255_to_rgb", uint8(), id="uint8"),
    Case("normals_to_rgb255", plain(IMG, low=-0.9, high=0.9)),
    Case("rgb255_to_normals", plain(IMG, low=10.0, high=245.0)),
    Case("rgb255_to_normals", uint8(), id="uint8", tol={"float32": (1e-4, 1e-4)}),
    Case("rgb_to_linear_rgb", rgb()),
    Case("linear_rgb_to_rgb", rgb()),
    Case("rgb_to_ycbcr", rgb()),
    Case("rgb_to_ycbcr", uint8(), id="uint8", tol={"float32": (1e-5, 1e-3)}),
    Case("ycbcr_to_rgb", ycbcr()),
    Case("rgb_to_y", rgb()),
    Case("rgb_to_y", rgb((2, 2, 3, 3, 4)), id="5d"),
    Case("rgb_to_yuv", rgb()),
    Case("rgb_to_yuv", rgb((3, 4, 6)), id="chw", batched=()),
    Case("yuv_to_rgb", plain(IMG, low=-0.4, high=0.9)),
    Case("rgb_to_yuv420", rgb(EVEN)),
    Case("rgb_to_yuv422", rgb((2, 3, 5, 6))),
    Case("yuv420_to_rgb", yuv_planes(EVEN, 2), grad=(0, 1), batched=(0, 1)),
    Case("yuv422_to_rgb", yuv_planes((2, 3, 5, 6), 1), grad=(0, 1), batched=(0, 1)),
    Case("rgb_to_xyz", rgb()),
    Case("rgb_to_xyz", uint8(), id="uint8", tol={"float32": (1e-5, 1e-3)}),
    Case("xyz_to_rgb", plain(IMG, low=0.05, high=0.9)),
    Case("rgb_to_lab", rgb(), tol=LOOSE32),
    Case("rgb_to_lab", rgb((3, 4, 6)), id="chw", batched=(), tol=LOOSE32),
    Case("lab_to_rgb", lab()),
    Case("lab_to_rgb", lab(clip=False), id="noclip"),
    Case("rgb_to_luv", rgb(), tol=LOOSE32),
    Case("luv_to_rgb", luv()),
    Case("sepia_from_rgb", rgb()),
    Case("sepia_from_rgb", rgb(IMG, False), id="norescale"),
    Case("sepia", rgb((3, 4, 6)), batched=()),
    Case("rgb_to_raw", rgb(EVEN, "BG")),
    Case("rgb_to_raw", rgb((2, 3, 5, 7), "GR"), id="odd-GR"),
    Case("raw_to_rgb", raw((2, 1, 6, 8), "BG")),
    Case("raw_to_rgb", raw((2, 1, 4, 6), "GB"), id="GB"),
    Case("raw_to_rgb", raw((1, 6, 4), "RG"), id="RG-chw", batched=()),
    Case("raw_to_rgb", raw((2, 1, 4, 4), "GR"), id="GR"),
    Case("raw_to_rgb_2x2_downscaled", raw((2, 1, 6, 8), "RG")),
    Case(
        "apply_colormap",
        lambda rng, dt: ((gray_levels()(rng, dt)[0][0], _colormap("jet")), {}),
        grad=(),
        out_dtype="float32",
    ),
    Case(
        "apply_colormap",
        lambda rng, dt: (
            (gray_levels((2, 1, 4, 5), 255.0)(rng, dt)[0][0], _colormap("hsv", 16)),
            {},
        ),
        id="scale255",
        grad=(),
        out_dtype="float32",
    ),
    Case(
        "apply_colormap",
        lambda rng, dt: (
            (rng.integers(0, 256, size=(2, 1, 4, 5)).astype("uint8"), _colormap("hot", 32)),
            {},
        ),
        id="uint8",
        grad=(),
        out_dtype="float32",
    ),
]
