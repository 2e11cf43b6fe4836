"""Angle units and polar coordinates: ``rad2deg``, ``deg2rad``, ``pol2cart``, ``cart2pol``."""

from __future__ import annotations

import math

from portvision._checks import shape_of
from portvision._dispatch import dispatch, dispatch1
from portvision._registry import register_op
from portvision.geometry.conversions._common import Array, as_float

__all__ = ["cart2pol", "deg2rad", "pol2cart", "rad2deg"]


@register_op()
def rad2deg(tensor: Array) -> Array:
    """Convert angles from radians to degrees, element-wise.

    Args:
        tensor: angles in radians, any shape; integers compute in float32.

    Returns:
        The angles in degrees, same shape (and float dtype) as ``tensor``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> pv.geometry.rad2deg(np.array([np.pi, np.pi / 2]))
        array([180.,  90.])
    """
    eng, tensor = dispatch1("tensor", tensor)
    return as_float(eng.xp, tensor) * (180.0 / math.pi)


@register_op()
def deg2rad(tensor: Array) -> Array:
    """Convert angles from degrees to radians, element-wise (the inverse of :func:`rad2deg`).

    Args:
        tensor: angles in degrees, any shape; integers compute in float32.

    Returns:
        The angles in radians, same shape (and float dtype) as ``tensor``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> np.round(pv.geometry.deg2rad(np.array([180.0, 90.0])), 4)
        array([3.1416, 1.5708])
    """
    eng, tensor = dispatch1("tensor", tensor)
    return as_float(eng.xp, tensor) * (math.pi / 180.0)


def _same_shape(a, b, name_a: str, name_b: str) -> None:
    if tuple(a.shape) != tuple(b.shape):
        raise ValueError(
            f"{name_b}: expected the shape of {name_a} {shape_of(a)}, got {shape_of(b)}"
        )


@register_op()
def pol2cart(rho: Array, phi: Array) -> tuple[Array, Array]:
    """Convert polar coordinates to cartesian ones: ``x = rho cos(phi)``, ``y = rho sin(phi)``.

    Args:
        rho: radii, any shape.
        phi: angles in radians, the shape of ``rho``.

    Returns:
        ``(x, y)``, each of ``rho``'s shape.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x, y = pv.geometry.pol2cart(np.array([2.0]), np.array([np.pi / 6]))
        >>> np.round(x, 4), np.round(y, 4)
        (array([1.7321]), array([1.]))
    """
    eng, (rho, phi) = dispatch(("rho", "phi"), rho, phi)
    dispatch1("phi", phi)
    _same_shape(rho, phi, "rho", "phi")
    xp = eng.xp
    rho, phi = as_float(xp, rho), as_float(xp, phi)
    return rho * xp.cos(phi), rho * xp.sin(phi)


@register_op()
def cart2pol(x: Array, y: Array, eps: float = 1.0e-8) -> tuple[Array, Array]:
    """Convert cartesian coordinates to polar ones: ``rho = |(x, y)|``, ``phi = atan2(y, x)``.

    ``phi`` is in radians in ``[-pi, pi]``.  ``eps`` is a squared-radius threshold: below
    it the radius keeps its exact value but its gradient is zero (the square root's is
    infinite at the origin); it never changes the returned radius.

    Args:
        x: abscissae, any shape.
        y: ordinates, the shape of ``x``.
        eps: squared-radius threshold of the gradient guard.

    Returns:
        ``(rho, phi)``, each of ``x``'s shape.

    Example:
        >>> import numpy as np, portvision as pv
        >>> rho, phi = pv.geometry.cart2pol(np.array([3.0]), np.array([4.0]))
        >>> np.round(rho, 4), np.round(phi, 4)
        (array([5.]), array([0.9273]))
    """
    eng, (x, y) = dispatch(("x", "y"), x, y)
    dispatch1("y", y)
    _same_shape(x, y, "x", "y")
    if not isinstance(eps, (int, float)) or isinstance(eps, bool) or not eps >= 0:
        raise ValueError(f"eps: expected a non-negative number, got {eps!r}")
    xp = eng.xp
    x, y = as_float(xp, x), as_float(xp, y)
    sq = x * x + y * y
    big = sq > eps
    # the guarded root carries the gradient; near the origin only the value is kept
    safe = xp.sqrt(xp.where(big, sq, xp.ones_like(sq)))
    rho = xp.where(big, safe, eng.stop_gradient(xp.sqrt(xp.where(big, xp.zeros_like(sq), sq))))
    return rho, xp.atan2(y, x)
