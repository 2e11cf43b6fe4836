"""Differentiable spatial soft-argmax (DSNT): ``spatial_softmax2d``, ``spatial_expectation2d``,
``spatial_soft_argmax2d``, ``render_gaussian2d`` and the object form ``SpatialSoftArgmax2d``."""

from __future__ import annotations

from portvision._checks import check_bool, dtype_name, shape_of
from portvision._dispatch import dispatch, dispatch1
from portvision._registry import register_op
from portvision.geometry.subpix._common import Array, float_input, ints, ramp, temperature_of

__all__ = [
    "SpatialSoftArgmax2d",
    "render_gaussian2d",
    "spatial_expectation2d",
    "spatial_soft_argmax2d",
    "spatial_softmax2d",
]


def softmax_last(eng, x):
    """Softmax along the last axis, shifted by its (gradient-free) maximum."""
    xp = eng.xp
    m = eng.stop_gradient(xp.max(x, axis=-1, keepdims=True))
    e = xp.exp(x - m)
    return e / xp.sum(e, axis=-1, keepdims=True)


@register_op()
def spatial_softmax2d(input: Array, temperature: Array | float | None = None) -> Array:
    """Softmax over the ``H x W`` positions of every channel map (not over channels, unlike
    ``torch.nn.Softmax2d``).

    Args:
        input: ``(B, N, H, W)`` heatmaps.
        temperature: positive divisor of the input (smaller is sharper); ``None`` means 1.

    Returns:
        ``(B, N, H, W)`` maps that each sum to 1.

    Example:
        >>> import numpy as np, portvision as pv
        >>> h = np.array([[[[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 1.0, 2.0]]]], dtype=np.float32)
        >>> np.round(pv.geometry.spatial_softmax2d(h), 4)[0, 0]
        array([[0.0585, 0.0585, 0.0585],
               [0.0585, 0.0585, 0.0585],
               [0.0585, 0.1589, 0.4319]], dtype=float32)
    """
    eng, x, t = float_input("input", input, 4, "(B, N, H, W)", temperature)
    t = temperature_of(eng, t, x)
    b, n, h, w = (int(s) for s in x.shape)
    xp = eng.xp
    flat = xp.reshape(x / t, (b, n, h * w))
    return xp.reshape(softmax_last(eng, flat), (b, n, h, w))


def expectation(xp, p, normalized: bool):
    """``(B, N, 2)`` expected ``(x, y)`` of ``(B, N, H, W)`` weights."""
    h, w = int(p.shape[-2]), int(p.shape[-1])
    xs, ys = ramp(xp, w, normalized, p), ramp(xp, h, normalized, p)
    ex = xp.sum(xp.sum(p, axis=-2) * xs, axis=-1)
    ey = xp.sum(xp.sum(p, axis=-1) * ys, axis=-1)
    return xp.stack([ex, ey], axis=-1)


@register_op()
def spatial_expectation2d(input: Array, normalized_coordinates: bool = True) -> Array:
    """Expected ``(x, y)`` coordinate of every channel map, used as given (not renormalised:
    a map summing to ``s`` scales the result by ``s``).

    Args:
        input: ``(B, N, H, W)`` spatial probabilities.
        normalized_coordinates: corner-aligned ``[-1, 1]`` coordinates, else pixels.

    Returns:
        ``(B, N, 2)`` coordinates in ``(x, y)`` order.

    Example:
        >>> import numpy as np, portvision as pv
        >>> h = np.array([[[[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 1.0, 0.0]]]])
        >>> pv.geometry.spatial_expectation2d(h, False)
        array([[[1., 2.]]])
    """
    eng, x, _ = float_input("input", input, 4, "(B, N, H, W)")
    check_bool(normalized_coordinates, "normalized_coordinates")
    return expectation(eng.xp, x, normalized_coordinates)


@register_op()
def spatial_soft_argmax2d(
    input: Array,
    temperature: Array | float | None = None,
    normalized_coordinates: bool = True,
) -> Array:
    """Soft-argmax of every channel map: ``spatial_expectation2d(spatial_softmax2d(input))``.

    Two equal dominant peaks give their midpoint.

    Args:
        input: ``(B, N, H, W)`` heatmaps.
        temperature: positive divisor of the input; ``None`` means 1.
        normalized_coordinates: corner-aligned ``[-1, 1]`` coordinates, else pixels.

    Returns:
        ``(B, N, 2)`` coordinates in ``(x, y)`` order.

    Example:
        >>> import numpy as np, portvision as pv
        >>> h = np.array([[[[0.0, 0.0, 0.0], [0.0, 10.0, 0.0], [0.0, 0.0, 0.0]]]])
        >>> np.round(pv.geometry.spatial_soft_argmax2d(h, normalized_coordinates=False), 4)
        array([[[1., 1.]]])
    """
    eng, x, t = float_input("input", input, 4, "(B, N, H, W)", temperature)
    t = temperature_of(eng, t, x)
    check_bool(normalized_coordinates, "normalized_coordinates")
    b, n, h, w = (int(s) for s in x.shape)
    xp = eng.xp
    p = xp.reshape(softmax_last(eng, xp.reshape(x / t, (b, n, h * w))), (b, n, h, w))
    return expectation(xp, p, normalized_coordinates)


@register_op()
def render_gaussian2d(
    mean: Array, std: Array, size: tuple[int, int], normalized_coordinates: bool = True
) -> Array:
    """Render separable 2D Gaussian heatmaps, each axis normalised over the grid (the map
    sums to 1; a mean off the grid keeps the part on it, rescaled).

    Args:
        mean: ``(*, 2)`` means ``(mu_x, mu_y)``.
        std: ``(*, 2)`` standard deviations ``(sigma_x, sigma_y)``, broadcastable with ``mean``
            and of its dtype.
        size: output ``(height, width)``.
        normalized_coordinates: ``mean`` and ``std`` in corner-aligned ``[-1, 1]`` units
            (``linspace(-1, 1, n)``), else pixels.

    Returns:
        ``(*, H, W)`` heatmaps.

    Example:
        >>> import numpy as np, portvision as pv
        >>> g = pv.geometry.render_gaussian2d(np.array([[1.0, 1.0]]), np.array([[0.5, 0.5]]),
        ...                                   (3, 3), normalized_coordinates=False)
        >>> np.round(g, 4)[0]
        array([[0.0113, 0.0838, 0.0113],
               [0.0838, 0.6193, 0.0838],
               [0.0113, 0.0838, 0.0113]])
    """
    eng, (mean, std) = dispatch(("mean", "std"), mean, std)
    dispatch1("std", std)
    for name, a in (("mean", mean), ("std", std)):
        if a.ndim < 1 or a.shape[-1] != 2:
            raise ValueError(f"{name}: expected shape (*, 2), got {shape_of(a)}")
    if mean.dtype != std.dtype:
        want, got = dtype_name(mean.dtype), dtype_name(std.dtype)
        raise TypeError(f"std: expected the dtype of mean ({want}), got {got}")
    h, w = ints(size, 2, "size", 1)
    check_bool(normalized_coordinates, "normalized_coordinates")
    xp = eng.xp
    if not xp.isdtype(mean.dtype, "real floating"):
        mean, std = xp.astype(mean, xp.float32), xp.astype(std, xp.float32)
    if normalized_coordinates:  # linspace(-1, 1, n): a length-1 axis sits at -1 (it sums to 1)
        xs = xp.linspace(-1.0, 1.0, w, dtype=mean.dtype, device=mean.device)
        ys = xp.linspace(-1.0, 1.0, h, dtype=mean.dtype, device=mean.device)
    else:
        xs, ys = ramp(xp, w, False, mean), ramp(xp, h, False, mean)
    gx = _axis_gaussian(eng, xs, mean[..., 0:1], std[..., 0:1])
    gy = _axis_gaussian(eng, ys, mean[..., 1:2], std[..., 1:2])
    return gy[..., :, None] * gx[..., None, :]


def _axis_gaussian(eng, grid, mu, sigma):
    """``softmax(-(grid - mu)^2 / (2 sigma^2))``: normalised, and finite far off the grid."""
    d = grid - mu
    return softmax_last(eng, d * d * (-0.5 / (sigma * sigma)))


class SpatialSoftArgmax2d:
    """Object form of :func:`spatial_soft_argmax2d` (a plain callable, not a torch module).

    Args:
        temperature: positive divisor of the input; ``None`` means 1.
        normalized_coordinates: corner-aligned ``[-1, 1]`` coordinates, else pixels.

    Example:
        >>> import numpy as np, portvision as pv
        >>> op = pv.geometry.SpatialSoftArgmax2d(normalized_coordinates=False)
        >>> h = np.zeros((1, 1, 3, 3)); h[0, 0, 1, 1] = 10.0
        >>> np.round(op(h), 4)
        array([[[1., 1.]]])
    """

    def __init__(
        self, temperature: Array | float | None = None, normalized_coordinates: bool = True
    ) -> None:
        check_bool(normalized_coordinates, "normalized_coordinates")
        self.temperature = 1.0 if temperature is None else temperature
        self.normalized_coordinates = normalized_coordinates

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(temperature={self.temperature}, "
            f"normalized_coordinates={self.normalized_coordinates})"
        )

    def __call__(self, input: Array) -> Array:
        return spatial_soft_argmax2d(input, self.temperature, self.normalized_coordinates)
