"""Sepia toning: ``sepia_from_rgb`` (Kornia's name) and ``sepia`` (the same operation).

The classic sepia matrix (rows R' = 0.393 R + 0.769 G + 0.189 B, G' = 0.349 R + 0.686 G +
0.168 B, B' = 0.272 R + 0.534 G + 0.131 B); with ``rescale=True`` each image is divided by
its own maximum (+ ``eps``), as Kornia, so values stay in [0, 1].
"""

from __future__ import annotations

from portvision._dispatch import dispatch1
from portvision._registry import register_op
from portvision.color._common import Array, check_number, float_image, linear3

__all__ = ["sepia", "sepia_from_rgb"]

_SEPIA = (
    (0.393, 0.769, 0.189),
    (0.349, 0.686, 0.168),
    (0.272, 0.534, 0.131),
)


def _sepia(eng, input, rescale, eps):
    x = float_image(eng, input, 3, "input")
    if not isinstance(rescale, bool):
        raise TypeError(f"rescale: expected a bool, got {rescale!r}")
    check_number(eps, "eps")
    out = linear3(eng, x, _SEPIA)
    if not rescale:
        return out
    peak = eng.xp.max(out, axis=(-3, -2, -1), keepdims=True)  # per image
    return out / (peak + eps)


@register_op(integer_input=True)
def sepia_from_rgb(input: Array, rescale: bool = True, eps: float = 1e-6) -> Array:
    """Apply a sepia tone to an RGB image.

    Args:
        input: RGB ``(*, 3, H, W)``; integer images compute in float32.
        rescale: divide each image by its maximum (+ ``eps``) so the result is in [0, 1].
        eps: added to the maximum.

    Returns:
        Sepia-toned RGB ``(*, 3, H, W)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.full((3, 1, 2), 0.5, dtype=np.float32)
        >>> np.round(pv.color.sepia_from_rgb(x, rescale=False)[:, 0, 0], 4)
        array([0.6755, 0.6015, 0.4685], dtype=float32)
    """
    eng, input = dispatch1("input", input)
    return _sepia(eng, input, rescale, eps)


@register_op(integer_input=True)
def sepia(input: Array, rescale: bool = True, eps: float = 1e-6) -> Array:
    """Apply a sepia tone to an RGB image (the same operation as :func:`sepia_from_rgb`).

    Args:
        input: RGB ``(*, 3, H, W)``; integer images compute in float32.
        rescale: divide each image by its maximum (+ ``eps``).
        eps: added to the maximum.

    Returns:
        Sepia-toned RGB ``(*, 3, H, W)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> out = pv.color.sepia(np.random.default_rng(0).uniform(size=(2, 3, 4, 4)))
        >>> out.shape, bool(out.max() <= 1.0)
        ((2, 3, 4, 4), True)
    """
    eng, input = dispatch1("input", input)
    return _sepia(eng, input, rescale, eps)
