"""Conformance cases for ``portvision.utils.image`` (layout conversion and image files).

``tensor_to_image`` returns host NumPy by contract, so it runs on the NumPy engine only
(its per-engine behaviour is tested in tests/utils/test_utils_image.py). The file cases
write their PNG into a fresh temporary folder (no downloads).
"""

from __future__ import annotations

import os
import tempfile

from op_case import Case, image

from portvision.utils import ImageLoadType

HOST_ONLY = {
    e: "returns host NumPy by contract"
    for e in ("strict", "strict-no_float64", "strict-device1", "torch-cpu", "torch-cuda", "cupy")
}


def arr(shape, dtype=None):
    def make(rng, dt):
        d = dtype or dt
        if d == "uint8":
            return rng.integers(0, 256, size=shape).astype(d)
        return image(rng, shape, d)

    return make


def call(*parts, **kw):
    def make(rng, dt):
        return tuple(p(rng, dt) if callable(p) else p for p in parts), dict(kw)

    return make


def png(shape, mode):
    """Write a random ``uint8`` image of ``shape`` (H, W[, C]) to a temporary PNG."""
    from PIL import Image

    def make(rng, dt):
        pixels = rng.integers(0, 256, size=shape).astype("uint8")
        path = os.path.join(tempfile.mkdtemp(prefix="pv_case_"), "img.png")
        Image.fromarray(pixels, mode=mode).save(path)
        return path

    return make


def save_target(rng, dt):
    return os.path.join(tempfile.mkdtemp(prefix="pv_case_"), "out.png")


CASES = [
    Case("image_to_tensor", call(arr((4, 5, 3))), grad=(), batched=()),
    Case("image_to_tensor", call(arr((4, 5))), id="hw", grad=(), batched=()),
    Case("image_to_tensor", call(arr((4, 5, 2)), keepdim=False), id="nokeep", grad=(), batched=()),
    Case("image_to_tensor", call(arr((2, 4, 5, 3), "uint8")), id="bhwc-uint8", grad=(), exact=True),
    Case("tensor_to_image", call(arr((3, 4, 5))), grad=(), batched=(), skip=HOST_ONLY),
    Case(
        "tensor_to_image", call(arr((2, 1, 4, 5))), id="b1hw", grad=(), batched=(), skip=HOST_ONLY
    ),
    Case(
        "tensor_to_image",
        call(arr((1, 3, 4, 5)), keepdim=True),
        id="keepdim",
        grad=(),
        batched=(),
        skip=HOST_ONLY,
    ),
    Case("load_image", call(png((4, 5, 3), "RGB")), grad=(), batched=(), out_dtype="float32"),
    Case(
        "load_image",
        call(png((4, 5, 3), "RGB"), ImageLoadType.GRAY8),
        id="gray8",
        grad=(),
        batched=(),
        exact=True,
    ),
    Case(
        "load_image",
        call(png((4, 5, 4), "RGBA"), ImageLoadType.RGBA8),
        id="rgba8",
        grad=(),
        batched=(),
        exact=True,
    ),
    Case(
        "load_image",
        call(png((4, 5), "L"), ImageLoadType.RGB32),
        id="gray-file-rgb32",
        grad=(),
        batched=(),
        out_dtype="float32",
    ),
    Case("save_image", call(save_target, arr((3, 4, 5), "uint8")), grad=(), batched=()),
    Case("write_image", call(save_target, arr((4, 5), "uint8")), grad=(), batched=()),
]
