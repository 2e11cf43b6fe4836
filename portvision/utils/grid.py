"""Coordinate grids of images and volumes: ``create_meshgrid``, ``create_meshgrid3d``.

The grids are what ``grid_sample`` reads: the last axis holds ``(x, y)`` (x is the
column) for images; Kornia's 3D grid holds ``(z, x, y)`` (its documented order, kept for
compatibility; the warps reorder it to ``(x, y, z)`` before sampling).
"""

from __future__ import annotations

from typing import Any

from portvision._checks import check_choice
from portvision._dispatch import factory
from portvision._registry import register_op

Array = Any

__all__ = ["create_meshgrid", "create_meshgrid3d"]


def _check_size(value, name: str) -> int:
    """A non-negative Python integer (a size-0 axis gives an empty grid, as Kornia)."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name}: expected a non-negative integer, got {value!r}")
    return value


def axis_coordinates(xp, n: int, normalized: bool, align_corners: bool, dtype, device):
    """Coordinates of the ``n`` pixel centres along one axis, ``(n,)``.

    Pixels ``0 .. n - 1``; normalised: corner-aligned ``2 i / (n - 1) - 1`` (a length-1 axis
    is 0), or half-pixel ``(2 i + 1) / n - 1`` with ``align_corners=False``.
    """
    i = xp.arange(n, dtype=dtype, device=device)
    if not normalized:
        return i
    if not align_corners:
        return (2.0 * i + 1.0) / n - 1.0
    if n == 1:
        return i * 0.0
    return i * (2.0 / (n - 1)) - 1.0


def _target(device, dtype, normalized):
    """Engine, device and dtype of a grid made from nothing (the current backend's)."""
    eng, dev = factory()
    if device is not None:
        dev = eng.resolve_device(device)
    dt = eng.dtype(dtype)
    xp = eng.xp
    if not (xp.isdtype(dt, "real floating") or xp.isdtype(dt, "integral")):
        raise TypeError(f"dtype: expected a real dtype, got {dtype!r}")
    if normalized and not xp.isdtype(dt, "real floating"):
        dt = xp.float32  # normalised coordinates are fractions: Kornia's default float
    return eng, dev, dt


@register_op(factory=True, differentiable=False, tolerance="exact")
def create_meshgrid(
    height: int,
    width: int,
    normalized_coordinates: bool = True,
    device: Any = None,
    dtype: Any = None,
    align_corners: bool = True,
) -> Array:
    """The ``(x, y)`` coordinates of every pixel of an ``height x width`` image.

    Args:
        height: number of rows (``y`` runs over them).
        width: number of columns (``x`` runs over them).
        normalized_coordinates: map to ``[-1, 1]`` as ``grid_sample`` reads them, else
            pixel indices.
        device: device of the result (default: the current backend's).
        dtype: dtype (default float32); an integer dtype is kept for a pixel grid, a
            normalised grid is then float32.
        align_corners: the ``grid_sample`` convention of the normalised grid: ``True`` puts
            ``-1`` / ``1`` on the corner pixel centres, ``False`` on their outer edges
            (ignored for pixel grids).

    Returns:
        ``(1, height, width, 2)`` grid on the current backend (NumPy outside
        ``use_backend``); ``grid[0, i, j] == (x_j, y_i)``.

    Example:
        >>> import portvision as pv
        >>> pv.utils.create_meshgrid(2, 3)[0]
        array([[[-1., -1.],
                [ 0., -1.],
                [ 1., -1.]],
        <BLANKLINE>
               [[-1.,  1.],
                [ 0.,  1.],
                [ 1.,  1.]]], dtype=float32)
        >>> pv.utils.create_meshgrid(2, 2, normalized_coordinates=False)[0, 1]
        array([[0., 1.],
               [1., 1.]], dtype=float32)
    """
    h, w = _check_size(height, "height"), _check_size(width, "width")
    check_choice(normalized_coordinates, "normalized_coordinates", (True, False))
    check_choice(align_corners, "align_corners", (True, False))
    eng, dev, dt = _target(device, dtype, normalized_coordinates)
    return grid2d(eng.xp, h, w, normalized_coordinates, align_corners, dt, dev)


def grid2d(xp, h: int, w: int, normalized: bool, align_corners: bool, dtype, device):
    """``(1, h, w, 2)`` grid of ``(x, y)`` (the body of :func:`create_meshgrid`)."""
    xs = axis_coordinates(xp, w, normalized, align_corners, dtype, device)
    ys = axis_coordinates(xp, h, normalized, align_corners, dtype, device)
    gx = xp.broadcast_to(xs[None, :], (h, w))
    gy = xp.broadcast_to(ys[:, None], (h, w))
    return xp.stack([gx, gy], axis=-1)[None, ...]


@register_op(factory=True, differentiable=False, tolerance="exact")
def create_meshgrid3d(
    depth: int,
    height: int,
    width: int,
    normalized_coordinates: bool = True,
    device: Any = None,
    dtype: Any = None,
) -> Array:
    """The coordinates of every voxel of a ``depth x height x width`` volume.

    Normalised coordinates are always corner-aligned (Kornia has no ``align_corners`` here).
    The last axis is ``(z, x, y)``, Kornia's order: reorder it to ``(x, y, z)``
    (``grid[..., [1, 2, 0]]``) before ``grid_sample``.

    Args:
        depth: number of slices (``z``).
        height: number of rows (``y``).
        width: number of columns (``x``).
        normalized_coordinates: map to ``[-1, 1]``, else voxel indices.
        device: device of the result (default: the current backend's).
        dtype: dtype (default float32); integers kept for voxel grids.

    Returns:
        ``(1, depth, height, width, 3)`` grid with ``grid[0, k, i, j] == (z_k, x_j, y_i)``.

    Example:
        >>> import portvision as pv
        >>> g = pv.utils.create_meshgrid3d(2, 3, 4, normalized_coordinates=False)
        >>> g.shape, g[0, 1, 2, 3].tolist()
        ((1, 2, 3, 4, 3), [1.0, 3.0, 2.0])
    """
    d = _check_size(depth, "depth")
    h, w = _check_size(height, "height"), _check_size(width, "width")
    check_choice(normalized_coordinates, "normalized_coordinates", (True, False))
    eng, dev, dt = _target(device, dtype, normalized_coordinates)
    return grid3d(eng.xp, d, h, w, normalized_coordinates, True, dt, dev, order="zxy")


def grid3d(xp, d, h, w, normalized, align_corners, dtype, device, order="xyz"):
    """``(1, d, h, w, 3)`` grid in ``order`` ("xyz" for sampling, "zxy" for Kornia's)."""
    xs = axis_coordinates(xp, w, normalized, align_corners, dtype, device)
    ys = axis_coordinates(xp, h, normalized, align_corners, dtype, device)
    zs = axis_coordinates(xp, d, normalized, align_corners, dtype, device)
    shape = (d, h, w)
    axes = {
        "x": xp.broadcast_to(xs[None, None, :], shape),
        "y": xp.broadcast_to(ys[None, :, None], shape),
        "z": xp.broadcast_to(zs[:, None, None], shape),
    }
    return xp.stack([axes[c] for c in order], axis=-1)[None, ...]
