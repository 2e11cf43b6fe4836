"""Bayer raw images: ``rgb_to_raw``, ``raw_to_rgb``, ``raw_to_rgb_2x2_downscaled`` and ``CFA``.

``CFA`` names the colour-filter pattern with OpenCV's Bayer names, which read the pattern
from pixel (1, 1): ``CFA.BG``, ``GB``, ``RG`` and ``GR`` are sensors whose top-left 2x2
cell is RGGB, GRBG, BGGR and GBRG (Kornia's ``kornia.color.CFA``; its members, or their
names as strings, are accepted too).

``raw_to_rgb`` demosaics bilinearly, as Kornia: R and B are upsampled from their quarter
grids (corner-aligned bilinear, the missing last row / column replicated) and G at red and
blue sites is the mean of its 4 neighbours (mirror border); recorded samples are kept, so
``rgb_to_raw(raw_to_rgb(raw)) == raw``.  Height and width must be even.  OpenCV's
``cvtColor(COLOR_Bayer*2RGB)`` works on integer images with a different border treatment.
"""

from __future__ import annotations

from enum import Enum

from portvision._checks import shape_of
from portvision._dispatch import dispatch1
from portvision._registry import register_op
from portvision.color._common import Array, float_image

__all__ = ["CFA", "raw_to_rgb", "raw_to_rgb_2x2_downscaled", "rgb_to_raw"]


class CFA(Enum):
    """Bayer pattern by OpenCV's name (see the module docstring); values as Kornia's."""

    BG = 0
    GB = 1
    RG = 2
    GR = 3


# (row, col) offset of the red and the blue sample inside each 2x2 cell
_SITES = {
    "BG": ((0, 0), (1, 1)),
    "GB": ((0, 1), (1, 0)),
    "RG": ((1, 1), (0, 0)),
    "GR": ((1, 0), (0, 1)),
}


def _sites(cfa):
    """(red, blue) offsets of ``cfa``: a CFA member (ours or Kornia's) or its name."""
    name = cfa if isinstance(cfa, str) else getattr(cfa, "name", None)
    if name not in _SITES:
        raise ValueError(f"cfa: expected one of {list(_SITES)} (a CFA member or name), got {cfa!r}")
    return _SITES[name]


def _check_even(x, name):
    if x.shape[-2] % 2 or x.shape[-1] % 2:
        raise ValueError(f"{name}: expected an even H and W, got shape {shape_of(x)}")


def _cell_masks(xp, x, offsets):
    """0/1 planes ``(H, W)`` marking the sites at each (row, col) offset of the 2x2 cells."""
    h, w = int(x.shape[-2]), int(x.shape[-1])
    rows = xp.arange(h, device=x.device) % 2
    cols = xp.arange(w, device=x.device) % 2
    masks = []
    for dy, dx in offsets:
        m = (rows[:, None] == dy) & (cols[None, :] == dx)
        masks.append(xp.astype(m, x.dtype))
    return masks


@register_op(integer_input=True)
def rgb_to_raw(image: Array, cfa) -> Array:
    """Sample an RGB image through a Bayer colour-filter array.

    Args:
        image: RGB ``(*, 3, H, W)``; integer images compute in float32.
        cfa: a :class:`CFA` member (or Kornia's, or the name ``"BG"``...).

    Returns:
        raw mosaic ``(*, 1, H, W)``: R at red sites, B at blue sites, G elsewhere.

    Example:
        >>> import numpy as np, portvision as pv
        >>> rgb = np.stack([np.full((2, 2), v, dtype=np.float32) for v in (1.0, 2.0, 3.0)])
        >>> pv.color.rgb_to_raw(rgb, pv.color.CFA.BG)[0].tolist()
        [[1.0, 2.0], [2.0, 3.0]]
    """
    eng, image = dispatch1("image", image)
    x = float_image(eng, image, 3)
    red, blue = _sites(cfa)
    mr, mb = _cell_masks(eng.xp, x, (red, blue))
    r, g, b = x[..., 0:1, :, :], x[..., 1:2, :, :], x[..., 2:3, :, :]
    return g + mr * (r - g) + mb * (b - g)


def _interleave(xp, a, b, axis):
    """``a[0], b[0], a[1], b[1], ...`` along ``axis`` (negative)."""
    s = tuple(a.shape)
    n = a.ndim + axis
    both = xp.stack([a, b], axis=n + 1)
    return xp.reshape(both, s[:n] + (2 * s[n],) + s[n + 1 :])


def _take(xp, x, axis, start, stop):
    idx = [slice(None)] * x.ndim
    idx[axis] = slice(start, stop)
    return x[tuple(idx)]


def _upsample2(xp, v, axis, pad_before):
    """Double ``v`` along ``axis`` by corner-aligned linear interpolation of its samples,
    Kornia's replicate-padded quarter grid: samples land at even (``pad_before=0``) or odd
    (``pad_before=1``) positions, the other ones are midpoints."""
    n = int(v.shape[axis])
    if pad_before:
        padded = xp.concat([_take(xp, v, axis, 0, 1), v], axis=axis)
        mids = 0.5 * (_take(xp, padded, axis, 0, n) + _take(xp, padded, axis, 1, n + 1))
        return _interleave(xp, mids, v, axis)
    padded = xp.concat([v, _take(xp, v, axis, n - 1, n)], axis=axis)
    mids = 0.5 * (_take(xp, padded, axis, 0, n) + _take(xp, padded, axis, 1, n + 1))
    return _interleave(xp, v, mids, axis)


def _quarter_up(xp, x, site):
    dy, dx = site
    sub = x[..., dy::2, dx::2]
    return _upsample2(xp, _upsample2(xp, sub, -1, dx), -2, dy)


@register_op(integer_input=True)
def raw_to_rgb(image: Array, cfa) -> Array:
    """Demosaic a Bayer raw image to RGB (bilinear, as Kornia).

    Args:
        image: raw ``(*, 1, H, W)`` with even H and W; integer images compute in float32.
        cfa: a :class:`CFA` member (or Kornia's, or its name).

    Returns:
        RGB ``(*, 3, H, W)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> raw = np.array([[[1.0, 2.0], [2.0, 3.0]]], dtype=np.float32)  # RGGB
        >>> pv.color.raw_to_rgb(raw, pv.color.CFA.BG)[:, 0, 0].tolist()
        [1.0, 2.0, 3.0]
    """
    eng, image = dispatch1("image", image)
    xp = eng.xp
    x = float_image(eng, image, 1)
    _check_even(x, "image")
    red, blue = _sites(cfa)
    r = _quarter_up(xp, x, red)
    b = _quarter_up(xp, x, blue)
    p = eng.pad(x, ((1, 1), (1, 1)), "reflect")
    h, w = int(x.shape[-2]), int(x.shape[-1])
    cross = 0.25 * (
        p[..., 0:h, 1 : w + 1] + p[..., 2 : h + 2, 1 : w + 1]
        + p[..., 1 : h + 1, 0:w] + p[..., 1 : h + 1, 2 : w + 2]
    )  # fmt: skip
    mr, mb = _cell_masks(xp, x, (red, blue))
    colour_site = mr + mb
    g = x + colour_site * (cross - x)  # recorded greens kept, the others interpolated
    return xp.concat([r, g, b], axis=-3)


@register_op(integer_input=True)
def raw_to_rgb_2x2_downscaled(image: Array, cfa) -> Array:
    """Turn each 2x2 Bayer cell into one RGB pixel (G the mean of the two greens).

    Args:
        image: raw ``(*, 1, H, W)`` with even H and W; integer images compute in float32.
        cfa: a :class:`CFA` member (or Kornia's, or its name).

    Returns:
        RGB ``(*, 3, H/2, W/2)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> raw = np.array([[[1.0, 2.0], [4.0, 3.0]]], dtype=np.float32)  # RGGB
        >>> pv.color.raw_to_rgb_2x2_downscaled(raw, "BG").ravel().tolist()
        [1.0, 3.0, 3.0]
    """
    eng, image = dispatch1("image", image)
    x = float_image(eng, image, 1)
    _check_even(x, "image")
    (ry, rx), (by, bx) = _sites(cfa)
    r, b = x[..., ry::2, rx::2], x[..., by::2, bx::2]
    g = 0.5 * (x[..., ry::2, 1 - rx :: 2] + x[..., 1 - ry :: 2, rx::2])
    return eng.xp.concat([r, g, b], axis=-3)
