"""Connected-component labelling by iterated 3 x 3 max pooling (Kornia's
``kornia.contrib.connected_components``)."""

from __future__ import annotations

from typing import Any

from portvision._checks import shape_of
from portvision._dispatch import dispatch1
from portvision._registry import register_op

Array = Any

_SQUARE3 = ((True,) * 3,) * 3


@register_op(differentiable=False, tolerance="exact")
def connected_components(image: Array, num_iterations: int = 100) -> Array:
    """Label the 8-connected components of the pixels equal to 1 (Kornia's pooling scheme).

    Every foreground pixel starts with its 1-based raster index in its plane; each of the
    ``num_iterations`` steps replaces a foreground label by the maximum over its 3 x 3
    neighbourhood (background stays 0). A label travels one pixel per step, so a component
    wider than ``num_iterations`` pixels may keep several labels: this is a fixed amount of
    work, not a convergence test (as Kornia). The label of a converged component is 1 plus the
    largest raster index of its pixels in the batch flattened to ``(N, H, W)``: labels are not
    contiguous (``scipy.ndimage.label`` gives the same partition with labels 1, 2, ...).

    Args:
        image: ``(*, 1, H, W)``; foreground is a value exactly equal to 1 (any dtype).
        num_iterations: the number of pooling steps, a positive integer.

    Returns:
        int64 labels with ``image``'s shape; 0 is background. Not differentiable.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.array([[[[1, 1, 0, 0], [0, 0, 0, 1], [1, 0, 0, 1]]]], dtype=np.float32)
        >>> pv.contrib.connected_components(img)[0, 0]
        array([[ 2,  2,  0,  0],
               [ 0,  0,  0, 12],
               [ 9,  0,  0, 12]])
    """
    eng, x = dispatch1("image", image)
    if x.ndim < 3 or x.shape[-3] != 1:
        raise ValueError(f"image: expected shape (*, 1, H, W), got {shape_of(x)}")
    if not isinstance(num_iterations, int) or isinstance(num_iterations, bool):
        raise TypeError(f"num_iterations: expected a positive integer, got {num_iterations!r}")
    if num_iterations < 1:
        raise ValueError(f"num_iterations: expected a positive integer, got {num_iterations!r}")
    xp = eng.xp
    h, w = int(x.shape[-2]), int(x.shape[-1])
    dev = x.device
    if 0 in shape_of(x):
        return xp.zeros(x.shape, dtype=xp.int64, device=dev)
    planes = xp.reshape(x, (-1, 1, h, w))
    n = int(planes.shape[0])
    # ids pooled as floats (exact up to 2**24 in float32; larger planes need float64)
    id_dtype = xp.float32 if h * w <= 2**24 else xp.float64
    mask = planes == 1
    ids = xp.reshape(xp.arange(1, h * w + 1, dtype=id_dtype, device=dev), (1, 1, h, w))
    zero = xp.zeros((), dtype=id_dtype, device=dev)
    out = xp.where(mask, ids, zero)
    for _ in range(num_iterations):
        # 3 x 3 max with the outside left out (max_pool2d's -inf padding)
        out = xp.where(mask, eng.grey_dilation(out, _SQUARE3, None, (1, 1), "geodesic"), zero)
    labels = xp.astype(out, xp.int64)
    offset = xp.reshape(xp.arange(n, dtype=xp.int64, device=dev) * (h * w), (n, 1, 1, 1))
    labels = xp.where(mask, labels + offset, xp.zeros_like(labels))
    return xp.reshape(labels, x.shape)


__all__ = ["connected_components"]
