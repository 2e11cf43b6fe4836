"""Canny edge detection with Kornia's conventions.

Pipeline: grayscale (3-channel input), Gaussian blur, unnormalised Sobel gradient,
non-maximum suppression along the gradient direction rounded to 45 degrees, double
threshold and (optionally) hysteresis.

Hysteresis grows the strong edges into 8-connected weak pixels until nothing changes.  The
number of rounds depends on the data (the longest weak chain), so the loop runs on the host:
it checks for convergence (one device-to-host read) every few rounds.  The edge map is not
differentiable anyway; the returned magnitude is, and it is computed before the loop.
"""

from __future__ import annotations

from portvision._array import to_float
from portvision._checks import check_channels, check_rank
from portvision._dispatch import dispatch
from portvision._registry import register_op

__all__ = ["canny"]

# (dy, dx) of the neighbour in direction k = 0..7, from +x (right) towards +y (down) in
# 45-degree steps, then the pixel itself (index 8)
_OFFSETS = ((0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1), (-1, 0), (-1, 1), (0, 0))
#: hysteresis rounds between two convergence checks (extra rounds after convergence are no-ops)
_ROUNDS_PER_CHECK = 4


def _check_thresholds(low, high):
    for name, v in (("low_threshold", low), ("high_threshold", high)):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise TypeError(f"{name}: expected a number, got {type(v).__name__}")
    if not low > 0:
        raise ValueError(f"low_threshold: expected a positive number, got {low!r}")
    if not low <= high:
        raise ValueError(
            f"low_threshold: expected a value <= high_threshold ({high!r}), got {low!r}"
        )


def _select(xp, window, idx):
    """``window[:, :, idx]`` per pixel (``idx`` in 0..7, float), by exact copies."""
    out = window[:, :, 0, ...]
    for k in range(1, 8):
        out = xp.where(idx == k, window[:, :, k, ...], out)
    return out


def _beats(xp, m, nb, direction):
    """Directions 0 (right) and 2 (down) accept a tie; the other six need ``m > nb``."""
    tie_ok = (direction == 0) | (direction == 2)
    return (m > nb) | (tie_ok & (m == nb))


def _non_max_suppression(eng, gx, gy, eps):
    """Magnitude ``(B, 1, H, W)`` after NMS, kept only on the ridges (differentiable)."""
    xp = eng.xp
    h, w = gx.shape[-2], gx.shape[-1]
    # the magnitude one pixel beyond the image, where the gradient is 0: sqrt(eps), the value a
    # flat pixel has, so a flat pixel never beats the border
    gxp = eng.pad(gx, ((1, 1), (1, 1)), "constant")
    gyp = eng.pad(gy, ((1, 1), (1, 1)), "constant")
    padded = xp.sqrt(gxp * gxp + gyp * gyp + eps)
    window = xp.stack(
        [padded[..., 1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w] for dy, dx in _OFFSETS], axis=2
    )
    magnitude = window[:, :, 8, ...]
    sector = xp.round(xp.atan2(gy, gx) * (4.0 / 3.141592653589793))  # -4..4
    pos = sector % 8
    neg = (sector + 4) % 8
    is_max = _beats(xp, magnitude, _select(xp, window, pos), pos)
    is_max = is_max & _beats(xp, magnitude, _select(xp, window, neg), neg)
    is_max = is_max & (magnitude > padded[..., 0:1, 0:1])
    return magnitude * xp.astype(is_max, magnitude.dtype)


def _hysteresis(eng, weak, strong):
    """Grow ``strong`` into 8-connected ``weak`` pixels until it stops changing (host loop)."""
    xp = eng.xp
    grow = weak & ~strong
    while True:
        before = strong
        for _ in range(_ROUNDS_PER_CHECK):
            s = xp.astype(strong, xp.float32)
            near = eng.max_pool(s, (3, 3), (1, 1), (1, 1)) > 0
            strong = strong | (grow & near)
        if not bool(xp.any(strong != before)):
            return strong


@register_op(differentiable=True, tolerance="loose")
def canny(
    input,
    low_threshold: float = 0.1,
    high_threshold: float = 0.2,
    kernel_size=(5, 5),
    sigma=(1, 1),
    hysteresis: bool = True,
    eps: float = 1e-6,
):
    """Canny edges: blur, Sobel, non-maximum suppression, double threshold, hysteresis.

    Args:
        input: image ``(B, C, H, W)`` (or ``(C, H, W)``) with 1 or 3 (RGB, converted with the
            BT.601 weights) channels; integer images compute in float32.
        low_threshold: weak-edge threshold, positive and <= ``high_threshold``, in units of the
            **unnormalised** Sobel magnitude (8x :func:`sobel`'s).
        high_threshold: strong-edge threshold (strict ``>``, like ``low_threshold``).
        kernel_size: Gaussian blur size ``k`` or ``(kH, kW)``.
        sigma: Gaussian ``(sigma_y, sigma_x)``, or per sample ``(B, 2)``.
        hysteresis: keep weak pixels 8-connected to strong ones (edges 0/1); ``False`` returns
            0 / 0.5 (weak) / 1 (strong).
        eps: added inside the magnitude's square root.

    Returns:
        ``(magnitude, edges)``, both ``(B, 1, H, W)`` in the input's float dtype: the gradient
        magnitude after non-maximum suppression (zero off the ridges; differentiable) and the
        edge map (not differentiable; hysteresis runs a host loop to convergence).

    Example:
        >>> import numpy as np
        >>> from portvision.filters.edges import canny
        >>> img = np.zeros((1, 1, 8, 8)); img[..., 4:] = 1.0  # a step: equal magnitudes at 3, 4
        >>> magnitude, edges = canny(img)  # of a tie across the step the left pixel is kept
        >>> magnitude.shape, edges[0, 0, 0].tolist()
        ((1, 1, 8, 8), [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0])
    """
    eng, (input, sigma) = dispatch(("input", "sigma"), input, sigma)
    check_rank(input, "input", (3, 4), "(B, C, H, W) or (C, H, W)")
    check_channels(input, "input", (1, 3))
    _check_thresholds(low_threshold, high_threshold)
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not eps >= 0:
        raise ValueError(f"eps: expected a non-negative number, got {eps!r}")
    from portvision.color.gray import BT601, gray_float
    from portvision.filters.derivatives import _gradient2d
    from portvision.filters.gaussian_blur import gaussian_blur2d  # lazy: a sibling module

    xp = eng.xp
    unbatched = input.ndim == 3
    x = to_float(xp, input[None, ...] if unbatched else input)
    if x.shape[1] == 3:
        x = gray_float(eng, x, BT601)
    g = _gradient2d(eng, gaussian_blur2d(x, kernel_size, sigma), "sobel", 1, normalized=False)
    magnitude = _non_max_suppression(eng, g[:, :, 0, ...], g[:, :, 1, ...], float(eps))
    weak = magnitude > low_threshold
    strong = magnitude > high_threshold
    if hysteresis:
        edges = xp.astype(_hysteresis(eng, weak, strong), x.dtype)
    else:
        edges = (xp.astype(weak, x.dtype) + xp.astype(strong, x.dtype)) * 0.5
    if unbatched:
        return magnitude[0, ...], edges[0, ...]
    return magnitude, edges
