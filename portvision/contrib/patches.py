"""Sliding-window patches: ``extract_tensor_patches``, ``combine_tensor_patches``,
``compute_padding`` (Kornia's ``kornia.contrib.extract_patches``).

Conventions (Kornia 0.9):

* ``window_size`` / ``stride`` are an int or ``(h, w)``; ``padding`` an int, ``(ph, pw)``
  (``ph`` rows above and below, ``pw`` columns left and right) or ``(top, bottom, left,
  right)``. Positive padding adds zeros, negative padding crops.
* Patches are ordered row-major over the grid of window positions: ``(B, N, C, kh, kw)``.
* Without padding, a window that does not fit warns (``UserWarning``) and the last rows /
  columns are dropped; ``allow_auto_padding=True`` pads as :func:`compute_padding` instead.
  A non-zero ``padding`` switches both off.
* ``combine_tensor_patches`` averages overlapping patches (sum / number of covering
  patches); a pixel no patch covers is 0.
"""

from __future__ import annotations

import warnings
from typing import Any

from portvision._array import to_float
from portvision._checks import check_rank, shape_of
from portvision._dispatch import dispatch1
from portvision._registry import register_op

Array = Any


def _pair(value, name):
    """An int or a pair of ints, each positive -> ``(h, w)``."""
    pair = (value, value) if isinstance(value, int) else value
    if (
        not isinstance(pair, (tuple, list))
        or len(pair) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in pair)
    ):
        raise ValueError(f"{name}: expected a positive integer or a pair of them, got {value!r}")
    return int(pair[0]), int(pair[1])


def _size(value, name):
    """A non-negative int or pair (image sizes)."""
    pair = (value, value) if isinstance(value, int) else value
    if (
        not isinstance(pair, (tuple, list))
        or len(pair) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in pair)
    ):
        raise ValueError(
            f"{name}: expected a non-negative integer or a pair of them, got {value!r}"
        )
    return int(pair[0]), int(pair[1])


def _padding4(value, name):
    """int | (ph, pw) | (top, bottom, left, right) -> (top, bottom, left, right)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,) * 4
    ok = isinstance(value, (tuple, list)) and len(value) in (2, 4)
    if ok and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        if len(value) == 2:
            return (value[0], value[0], value[1], value[1])
        return tuple(int(v) for v in value)
    raise ValueError(
        f"{name}: expected an int, (ph, pw) or (top, bottom, left, right) ints, got {value!r}"
    )


def _fits(size, window, stride):
    return all(n >= k and (n - k) % s == 0 for n, k, s in zip(size, window, stride, strict=True))


@register_op(differentiable=False, tolerance="exact", factory=True)
def compute_padding(
    original_size: int | tuple[int, int],
    window_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
) -> tuple[int, int, int, int]:
    """The padding that makes windows of ``window_size`` at ``stride`` tile an image exactly.

    Args:
        original_size: the image size ``(H, W)`` (or one int for both).
        window_size: the window size ``(kh, kw)``.
        stride: the window stride; default ``window_size``.

    Returns:
        ``(top, bottom, left, right)``: the missing rows / columns split evenly, the odd one at
        the bottom / right; an image smaller than a window is padded to one window.

    Example:
        >>> import portvision as pv
        >>> pv.contrib.compute_padding((4, 3), (3, 3))
        (1, 1, 0, 0)
    """
    size = _size(original_size, "original_size")
    window = _pair(window_size, "window_size")
    step = window if stride is None else _pair(stride, "stride")
    out = []
    for n, k, s in zip(size, window, step, strict=True):
        rem = (n - k) % s
        total = max(s - rem if rem else 0, k - n)
        out += [total // 2, total - total // 2]
    return tuple(int(v) for v in out)


def _pad_or_crop(eng, x, pads):
    """Crop the negative entries of ``(top, bottom, left, right)``, zero-pad the positive."""
    t, b, l, r = pads
    h, w = x.shape[-2], x.shape[-1]
    x = x[..., max(-t, 0) : h - max(-b, 0), max(-l, 0) : w - max(-r, 0)]
    grow = ((max(t, 0), max(b, 0)), (max(l, 0), max(r, 0)))
    return eng.pad(x, grow, "constant", 0.0) if any(any(p) for p in grow) else x


@register_op(differentiable=True, tolerance="exact")
def extract_tensor_patches(
    input: Array,
    window_size: int | tuple[int, int],
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, ...] = 0,
    allow_auto_padding: bool = False,
) -> Array:
    """Extract sliding-window patches from every image, stacked row-major over positions.

    Args:
        input: images ``(B, C, H, W)`` (any dtype).
        window_size: patch size ``(kh, kw)`` or one int.
        stride: window stride ``(sh, sw)`` or one int.
        padding: zeros added (or, negative, rows/columns cropped): an int, ``(ph, pw)`` or
            ``(top, bottom, left, right)``.
        allow_auto_padding: pad as :func:`compute_padding` when the windows do not tile the
            image (instead of warning and dropping the last rows / columns).

    Returns:
        ``(B, N, C, kh, kw)`` patches, ``input``'s dtype; ``N = nh * nw`` window positions.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.arange(9.0).reshape(1, 1, 3, 3)
        >>> pv.contrib.extract_tensor_patches(img, (2, 3))[:, -1]
        array([[[[3., 4., 5.],
                 [6., 7., 8.]]]])
    """
    eng, x = dispatch1("input", input)
    check_rank(x, "input", (4,), "(B, C, H, W)")
    window = _pair(window_size, "window_size")
    step = _pair(stride, "stride")
    pads = _padding4(padding, "padding")
    if x.shape[1] == 0:
        raise ValueError(f"input: expected a non-empty channel axis, got {shape_of(x)}")
    size = shape_of(x)[-2:]
    if not any(pads) and not _fits(size, window, step):
        if allow_auto_padding:
            pads = compute_padding(size, window, step)
        else:
            warnings.warn(
                f"extract_tensor_patches: windows of {window} at stride {step} do not tile the "
                f"image {size}: the last rows / columns are dropped (allow_auto_padding=True pads)",
                UserWarning,
                stacklevel=2,
            )
    if any(pads):
        x = _pad_or_crop(eng, x, pads)
    padded = shape_of(x)[-2:]
    if any(n < k for n, k in zip(padded, window, strict=True)):
        raise ValueError(
            f"window_size: expected at most the (padded) image size {padded}, got {window}"
        )
    xp = eng.xp
    win = eng.strided_windows(x, window, step)  # (B, C, nh, nw, kh, kw)
    b, c, nh, nw = (int(s) for s in win.shape[:4])
    win = xp.permute_dims(win, (0, 2, 3, 1, 4, 5))
    out = xp.reshape(win, (b, nh * nw, c) + window)
    if nh == 1 or nw == 1 or step[0] * padded[1] == nw * step[1]:
        # the reshape merged (nh, nw) without copying: a view of the input (read-only on
        # NumPy), where Kornia returns a fresh array
        out = xp.asarray(out, copy=True)
    return out


def _scatter_axis(xp, v, axis, offset, step, total):
    """``v`` (n entries on ``axis``) placed at ``offset + step * i`` of a zero axis of ``total``."""
    n = v.shape[axis]
    if step > 1:  # interleave step - 1 zero slabs after every entry, then trim the tail
        zeros = xp.zeros_like(v)
        v = xp.stack([v] + [zeros] * (step - 1), axis=axis + 1)
        shape = list(v.shape)
        shape[axis : axis + 2] = [n * step]
        keep = (slice(None),) * axis + (slice(0, (n - 1) * step + 1), Ellipsis)
        v = xp.reshape(v, tuple(shape))[keep]
    parts = []
    for width in (offset, total - offset - int(v.shape[axis])):
        shape = list(v.shape)
        shape[axis] = width
        parts.append(xp.zeros(tuple(shape), dtype=v.dtype, device=v.device) if width else None)
    kept = [a for a in (parts[0], v, parts[1]) if a is not None]
    return xp.concat(kept, axis=axis) if len(kept) > 1 else v


def _fold(xp, p, size, window, step):
    """Sum of patches ``(B, C, nh, nw, kh, kw)`` at their positions of a ``size`` image."""
    (kh, kw), (sh, sw), (hr, wr) = window, step, size
    if (kh, kw) == (sh, sw):  # non-overlapping: a reshape, then zeros for uncovered rows/cols
        b, c, nh, nw = p.shape[:4]
        img = xp.reshape(xp.permute_dims(p, (0, 1, 2, 4, 3, 5)), (b, c, nh * kh, nw * kw))
        img = _scatter_axis(xp, img, 2, 0, 1, hr)
        return _scatter_axis(xp, img, 3, 0, 1, wr)
    # columns: (B, C, nh, kh, Wr) = sum over dx of patch columns scattered at dx + sw * j
    cols = xp.permute_dims(p, (0, 1, 2, 4, 3, 5))  # (B, C, nh, kh, nw, kw)
    rows = None
    for dx in range(kw):
        term = _scatter_axis(xp, cols[..., dx], 4, dx, sw, wr)
        rows = term if rows is None else rows + term
    out = None
    for dy in range(kh):
        term = _scatter_axis(xp, rows[:, :, :, dy, :], 2, dy, sh, hr)
        out = term if out is None else out + term
    return out


@register_op(differentiable=True)
def combine_tensor_patches(
    patches: Array,
    original_size: int | tuple[int, int],
    window_size: int | tuple[int, int],
    stride: int | tuple[int, int],
    allow_auto_unpadding: bool = False,
    unpadding: int | tuple[int, ...] = 0,
    eps: float | None = None,
) -> Array:
    """Rebuild images from patches of :func:`extract_tensor_patches`, averaging overlaps.

    Args:
        patches: ``(B, N, C, kh, kw)``.
        original_size: the output size ``(H, W)`` (before ``unpadding`` was added).
        window_size: the patch size used to extract.
        stride: the stride used to extract (at most ``window_size``).
        allow_auto_unpadding: remove the padding :func:`compute_padding` gives when the windows
            do not tile ``original_size`` (use it after ``allow_auto_padding=True``).
        unpadding: the ``padding`` used to extract, removed from the result.
        eps: deprecated in Kornia 0.9 and ignored (each pixel is divided by its exact count).

    Returns:
        ``(B, C, H, W)``; float patches keep their dtype, integer ones give float32
        (Kornia keeps integer dtypes with a truncated mean).

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.arange(16.0).reshape(1, 1, 4, 4)
        >>> p = pv.contrib.extract_tensor_patches(img, (2, 2), stride=(2, 2))
        >>> bool((pv.contrib.combine_tensor_patches(p, (4, 4), (2, 2), (2, 2)) == img).all())
        True
    """
    eng, p = dispatch1("patches", patches)
    check_rank(p, "patches", (5,), "(B, N, C, kh, kw)")
    size = _size(original_size, "original_size")
    window = _pair(window_size, "window_size")
    step = _pair(stride, "stride")
    if step[0] > window[0] or step[1] > window[1]:
        raise ValueError(f"stride: expected at most window_size {window}, got {step}")
    pads = _padding4(unpadding, "unpadding")
    if not any(pads) and not _fits(size, window, step):
        if allow_auto_unpadding:
            pads = compute_padding(size, window, step)
        else:
            warnings.warn(
                f"combine_tensor_patches: windows of {window} at stride {step} do not tile the "
                f"image {size}: patches may not recombine (allow_auto_unpadding=True unpads)",
                UserWarning,
                stacklevel=2,
            )
    t, b_, l, r = pads
    hr, wr = size[0] + t + b_, size[1] + l + r
    nh, nw = (hr - window[0]) // step[0] + 1, (wr - window[1]) // step[1] + 1
    want = (nh * nw, window[0], window[1])
    got = (int(p.shape[1]), int(p.shape[3]), int(p.shape[4]))
    if hr < window[0] or wr < window[1] or got != want:
        raise ValueError(
            f"patches: expected {want[0]} patches of size {window} for the padded size "
            f"{(hr, wr)} and stride {step}, got shape {shape_of(p)}"
        )
    xp = eng.xp
    p = to_float(xp, p)
    bsz, c = int(p.shape[0]), int(p.shape[2])
    grid = xp.reshape(p, (bsz, nh, nw, c) + window)
    grid = xp.permute_dims(grid, (0, 3, 1, 2, 4, 5))  # (B, C, nh, nw, kh, kw)
    total = _fold(xp, grid, (hr, wr), window, step)
    ones = xp.ones((1, 1, nh, nw) + window, dtype=p.dtype, device=p.device)
    count = _fold(xp, ones, (hr, wr), window, step)
    safe = xp.where(count == 0, xp.ones_like(count), count)
    out = xp.where(count == 0, xp.zeros_like(total), total / safe)
    # unpadding: the inverse of the extraction's padding (negative entries pad zeros back)
    return _pad_or_crop(eng, out, tuple(-v for v in pads))


__all__ = ["combine_tensor_patches", "compute_padding", "extract_tensor_patches"]
