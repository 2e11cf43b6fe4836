"""Images between host layouts and engine arrays: ``image_to_tensor`` / ``tensor_to_image``
(Kornia's ``kornia.image``), and PNG / JPEG files: ``load_image`` / ``save_image``
(Kornia's ``kornia.io``, decoded with Pillow, the optional extra ``portvision[image]``).

Arrays come back on the current engine: inside ``use_backend(name, device)`` that engine's,
else the engine of the array passed (NumPy for files and NumPy images).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

from portvision._checks import shape_of
from portvision._dispatch import _TYPE_CACHE, _engine_of_type, dispatch1, factory, require_array
from portvision._registry import register_op

Array = Any


class ImageLoadType(Enum):
    """What :func:`load_image` returns: channels, dtype and range.

    ``UNCHANGED`` keeps the file's channels and dtype; ``GRAY8`` / ``RGB8`` / ``RGBA8`` give
    1 / 3 / 4 ``uint8`` channels in [0, 255]; ``GRAY32`` / ``RGB32`` / ``RGBA32`` give
    ``float32`` in [0, 1].
    """

    UNCHANGED = 0
    GRAY8 = 1
    RGB8 = 2
    RGBA8 = 3
    GRAY32 = 4
    RGB32 = 5
    RGBA32 = 6


@register_op(differentiable=False, tolerance="exact", integer_input=True)
def image_to_tensor(image: Array, keepdim: bool = True) -> Array:
    """Channels-last image -> channels-first array of the current engine.

    The last axis of a 3-D or 4-D array is the channels (a ``(C, H, W)`` array is not
    detected: it is read as ``(H, W, C)``). Dtype and values are kept (``uint8`` stays in
    [0, 255]).

    Args:
        image: ``(H, W)``, ``(H, W, C)`` or ``(B, H, W, C)`` (NumPy, or any engine's array).
        keepdim: False adds a batch axis to a 2-D or 3-D input.

    Returns:
        ``(C, H, W)`` (``C = 1`` for 2-D input) or, with ``keepdim=False`` or 4-D input,
        ``(B, C, H, W)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.utils.image_to_tensor(np.zeros((4, 5, 3), np.uint8)).shape
        (3, 4, 5)
        >>> pv.utils.image_to_tensor(np.zeros((4, 5)), keepdim=False).shape
        (1, 1, 4, 5)
    """
    require_array("image", image)
    eng, image = dispatch1("image", image)
    xp = eng.xp
    if image.ndim not in (2, 3, 4):
        raise ValueError(
            f"image: expected shape (H, W), (H, W, C) or (B, H, W, C), got {shape_of(image)}"
        )
    if image.ndim == 2:
        out = image[None, ...]
    elif image.ndim == 3:
        out = xp.permute_dims(image, (2, 0, 1))
    else:
        return xp.permute_dims(image, (0, 3, 1, 2))
    return out if keepdim else out[None, ...]


@register_op(differentiable=False, tolerance="exact", integer_input=True)
def tensor_to_image(tensor: Array, keepdim: bool = False, force_contiguous: bool = False):
    """Channels-first array of any engine -> host NumPy image, channels last.

    A single channel is dropped (``(1, H, W)`` -> ``(H, W)``, ``(B, 1, H, W)`` ->
    ``(B, H, W)``); the batch axis of ``(1, C, H, W)`` is dropped unless ``keepdim``.
    Torch tensors are detached and moved to the host; the dtype is kept.

    Args:
        tensor: ``(H, W)``, ``(C, H, W)`` or ``(B, C, H, W)``.
        keepdim: keep the batch axis of a ``(1, C, H, W)`` input.
        force_contiguous: return a C-contiguous copy.

    Returns:
        A ``numpy.ndarray``: ``(H, W)``, ``(H, W, C)``, ``(B, H, W)`` or ``(B, H, W, C)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.utils.tensor_to_image(np.zeros((3, 4, 5), np.float32)).shape
        (4, 5, 3)
        >>> pv.utils.tensor_to_image(np.zeros((1, 1, 4, 5))).shape
        (4, 5)
    """
    require_array("tensor", tensor)
    eng = _TYPE_CACHE.get(type(tensor)) or _engine_of_type(type(tensor), "tensor")
    shape = shape_of(tensor)
    if len(shape) not in (2, 3, 4):
        raise ValueError(f"tensor: expected shape (H, W), (C, H, W) or (B, C, H, W), got {shape}")
    img = eng.to_numpy(tensor)
    if len(shape) == 3:
        img = img[0] if shape[0] == 1 else img.transpose(1, 2, 0)
    elif len(shape) == 4:
        img = img.transpose(0, 2, 3, 1)
        if shape[0] == 1 and not keepdim:
            img = img[0]
        if shape[1] == 1:
            img = img[..., 0]
    if force_contiguous and not img.flags.c_contiguous:
        img = img.copy()
    return img


def _pillow(what: str):
    try:
        from PIL import Image
    except ImportError as exc:  # pragma: no cover - Pillow is installed for the tests
        raise ImportError(
            f"{what} needs Pillow: pip install 'portvision[image]' (or pip install pillow)"
        ) from exc
    return Image


_MODES_8BIT = {"L": 1, "RGB": 3, "RGBA": 4}


def _decode(path: Path, desired_type: ImageLoadType):
    """Host NumPy ``(H, W, C)`` pixels of the file as ``desired_type`` asks (8-bit levels)."""
    import numpy as np

    Image = _pillow("load_image")
    with Image.open(path) as im:
        im.load()
        if desired_type is ImageLoadType.UNCHANGED:
            a = np.asarray(im)
        else:
            has_alpha = im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info
            if desired_type is ImageLoadType.RGBA8 or desired_type is ImageLoadType.RGBA32:
                a = np.asarray(im.convert("RGBA"))
            elif has_alpha:  # composite over white, as Kornia does for its non-alpha types
                rgba = im.convert("RGBA")
                white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
                a = np.asarray(Image.alpha_composite(white, rgba).convert("RGB"))
            elif im.mode in ("L", "RGB"):
                a = np.asarray(im)
            elif im.mode in ("I;16", "I;16B", "I", "F"):
                raise NotImplementedError(
                    f"desired_type: {desired_type.name} needs an 8-bit file, got mode {im.mode!r} "
                    f"(use ImageLoadType.UNCHANGED)"
                )
            else:
                a = np.asarray(im.convert("RGB"))
    return a if a.ndim == 3 else a[:, :, None]


@register_op(differentiable=False, tolerance="exact", factory=True)
def load_image(
    path_file: str | Path,
    desired_type: ImageLoadType = ImageLoadType.RGB32,
    device: Any = None,
) -> Array:
    """Read a PNG / JPEG (any format Pillow decodes) as a ``(C, H, W)`` array.

    Args:
        path_file: path of the image file.
        desired_type: an :class:`ImageLoadType`: channels, dtype and range of the result
            (default ``RGB32``: float32 RGB in [0, 1]). Transparent files are composited over
            white for the types without alpha; ``GRAY8`` / ``GRAY32`` convert colour with
            :func:`portvision.color.rgb_to_grayscale` (the ``uint8`` path equals OpenCV's).
        device: device of the result (None: the current engine's default, or the device
            of the enclosing ``use_backend``).

    Returns:
        ``(C, H, W)`` array of the current engine (NumPy outside ``use_backend``).

    Example:
        >>> import os, tempfile, numpy as np, portvision as pv
        >>> path = os.path.join(tempfile.mkdtemp(), "img.png")
        >>> pv.utils.save_image(path, np.full((3, 2, 4), 255, np.uint8))
        >>> x = pv.utils.load_image(path)
        >>> x.shape, x.dtype, float(x.max())
        ((3, 2, 4), dtype('float32'), 1.0)
    """
    from portvision.color.gray import rgb_to_grayscale

    if not isinstance(desired_type, ImageLoadType):
        raise TypeError(f"desired_type: expected an ImageLoadType, got {desired_type!r}")
    if not isinstance(path_file, (str, Path)):
        raise TypeError(f"path_file: expected a str or a Path, got {type(path_file).__name__}")
    path = Path(path_file)
    if not path.is_file():
        raise FileNotFoundError(f"path_file: no such file, got {str(path_file)!r}")
    host = _decode(path, desired_type)
    eng, ctx_device = factory()
    xp = eng.xp
    x = xp.permute_dims(eng.from_numpy(host, ctx_device if device is None else device), (2, 0, 1))
    t = desired_type
    if t in (ImageLoadType.GRAY32, ImageLoadType.RGB32, ImageLoadType.RGBA32):
        x = xp.astype(x, xp.float32) / 255.0
    if t in (ImageLoadType.GRAY8, ImageLoadType.GRAY32) and x.shape[0] == 3:
        x = rgb_to_grayscale(x)
    if t in (ImageLoadType.RGB8, ImageLoadType.RGB32) and x.shape[0] == 1:
        x = xp.concat([x, x, x], axis=0)
    return x


_WRITE = {".png": ("PNG", (1, 3, 4)), ".jpg": ("JPEG", (1, 3)), ".jpeg": ("JPEG", (1, 3))}


@register_op(differentiable=False, tolerance="exact")
def save_image(path_file: str | Path, image: Array, quality: int = 80) -> None:
    """Write a ``(C, H, W)`` or ``(H, W)`` ``uint8`` array of any engine to PNG or JPEG.

    Args:
        path_file: ``.png``, ``.jpg`` or ``.jpeg`` path (any letter case); the extension
            picks the format.
        image: ``uint8`` image (``uint16`` for single-channel PNG), RGB(A) order; 1, 3 or 4
            channels for PNG, 1 or 3 for JPEG. Values are written as they are (no scaling).
        quality: JPEG quality in [0, 100] (validated for every format, used by JPEG).

    Returns:
        None.

    Example:
        >>> import os, tempfile, numpy as np, portvision as pv
        >>> path = os.path.join(tempfile.mkdtemp(), "gray.png")
        >>> pv.utils.save_image(path, np.arange(12, dtype=np.uint8).reshape(3, 4))
        >>> pv.utils.load_image(path, pv.utils.ImageLoadType.GRAY8).shape
        (1, 3, 4)
    """
    require_array("image", image)
    if not isinstance(quality, int) or isinstance(quality, bool) or not 0 <= quality <= 100:
        raise ValueError(f"quality: expected an integer in [0, 100], got {quality!r}")
    path = Path(path_file)
    fmt = _WRITE.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(
            f"path_file: expected a .png, .jpg or .jpeg extension, got {str(path_file)!r}"
        )
    img = tensor_to_image(image) if image.ndim in (2, 3) else None
    shape = shape_of(image)
    if img is None or 0 in shape:
        raise ValueError(f"image: expected shape (C, H, W) or (H, W), got {shape}")
    channels = 1 if len(shape) == 2 else shape[0]
    if channels not in fmt[1]:
        want = " or ".join(map(str, fmt[1]))
        raise ValueError(f"image: expected {want} channels for {fmt[0]}, got shape {shape}")
    kind = img.dtype.name
    ok = kind == "uint8" or (kind == "uint16" and fmt[0] == "PNG" and channels == 1)
    if not ok:
        raise TypeError(
            f"image: expected uint8 (or uint16 for 1-channel PNG) for {fmt[0]}, got {kind}; "
            f"convert float images first, e.g. (x * 255).round() as uint8"
        )
    Image = _pillow("save_image")
    pil = Image.fromarray(img.copy() if not img.flags.c_contiguous else img)
    kwargs = {"quality": quality} if fmt[0] == "JPEG" else {}
    pil.save(path, format=fmt[0], **kwargs)


@register_op(differentiable=False, tolerance="exact")
def write_image(path_file: str | Path, image: Array, quality: int = 80) -> None:
    """Kornia's name (``kornia.io.write_image``) for :func:`save_image`.

    Args:
        path_file: ``.png``, ``.jpg`` or ``.jpeg`` path.
        image: ``uint8`` image ``(C, H, W)`` or ``(H, W)`` of any engine.
        quality: JPEG quality in [0, 100].

    Returns:
        None.

    Example:
        >>> import os, tempfile, numpy as np, portvision as pv
        >>> path = os.path.join(tempfile.mkdtemp(), "w.png")
        >>> pv.utils.write_image(path, np.zeros((3, 2, 2), np.uint8))
        >>> os.path.exists(path)
        True
    """
    save_image(path_file, image, quality)


__all__ = [
    "ImageLoadType",
    "image_to_tensor",
    "load_image",
    "save_image",
    "tensor_to_image",
    "write_image",
]
