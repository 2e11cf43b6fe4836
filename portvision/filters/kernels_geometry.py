"""Motion-blur kernels: a weighted line through the kernel centre, rotated (Kornia's builders).

Kornia draws the line along the middle row (2D) or the middle x-line (3D) and rotates the
small kernel with its image warp (``rotate`` / ``rotate3d``, ``align_corners=True``, zero
padding).  Here the rotation is written directly: every kernel pixel ``p`` reads the line at
its source ``R^T (p - c) + c`` with nearest or (tri)linear weights, so the kernel is a
weight matrix times the line: differentiable in ``direction`` and, with ``"bilinear"``, in
``angle``.

Nearest sampling picks taps with exact arithmetic as Kornia does: the source offsets are
snapped to a ``2^-20`` grid before rounding half to even, so a source halfway between two
taps (at 30 or 120 degrees) is an exact tie.  Python-number angles are rotated on the host
in double precision (identical to Kornia); array angles on their engine in their own dtype,
where float32 snaps to a ``2^-16`` grid (its rounding error, about ``1e-6`` for kernels up to
~31 taps, is far larger than ``2^-20`` but well inside ``2^-17``): it agrees with Kornia except
for angles within about ``1e-3`` degree of such a tie.
"""

from __future__ import annotations

import itertools
import math

from portvision._array import to_float
from portvision._checks import check_choice, shape_of
from portvision._dispatch import dispatch, factory
from portvision._registry import register_op

__all__ = ["get_motion_kernel2d", "get_motion_kernel3d"]

_NUMBER = (int, float)


def _is_number(v) -> bool:
    return isinstance(v, _NUMBER) and not isinstance(v, bool)


def _check_size(kernel_size):
    if (
        not isinstance(kernel_size, int)
        or isinstance(kernel_size, bool)
        or kernel_size < 3
        or kernel_size % 2 == 0
    ):
        raise ValueError(f"kernel_size: expected an odd integer of at least 3, got {kernel_size!r}")


def _resolve(angle, direction):
    """Engine, dtype, device and the batch size from the array parameters (or the factory)."""
    arrays = [(n, v) for n, v in (("angle", angle), ("direction", direction)) if not _is_host(v)]
    if not arrays:
        eng, dev = factory()
        return eng, eng.xp.float32, dev
    names, values = zip(*arrays, strict=True)
    eng, _ = dispatch(names, *values)
    xp = eng.xp
    v = values[0]
    dtype = v.dtype if xp.isdtype(v.dtype, "real floating") else xp.float32
    return eng, dtype, v.device


def _is_host(v) -> bool:
    return _is_number(v) or isinstance(v, (tuple, list))


def _angle_array(eng, angle, dim, dtype, device):
    """Array angle -> ``(B,)`` (2D) or ``(B, 3)`` (3D) of ``dtype``; validates the shape."""
    xp = eng.xp
    a = to_float(xp, angle)
    a = xp.astype(a, dtype) if a.dtype != dtype else a
    if dim == 2:
        if a.ndim == 0:
            a = xp.reshape(a, (1,))
        if a.ndim != 1:
            raise ValueError(f"angle: expected a number or shape (B,), got {shape_of(angle)}")
    else:
        if a.ndim == 1:
            a = a[None, ...]
        if a.ndim != 2 or a.shape[1] != 3:
            raise ValueError(f"angle: expected (rx, ry, rz) or shape (B, 3), got {shape_of(angle)}")
    return a


def _host_angle3(angle):
    if isinstance(angle, (tuple, list)):
        if len(angle) != 3 or not all(_is_number(v) for v in angle):
            raise ValueError(f"angle: expected (rx, ry, rz) or shape (B, 3), got {angle!r}")
        return tuple(float(v) for v in angle)
    raise ValueError(f"angle: expected (rx, ry, rz) or shape (B, 3), got {angle!r}")


def _line(eng, direction, k, dtype, device):
    """Line weights ``(B|1, k)``: ``d + j (1 - 2 d) / (k - 1)``, ``d = (clip(dir) + 1) / 2``."""
    xp = eng.xp
    if _is_number(direction):
        d = (min(max(float(direction), -1.0), 1.0) + 1.0) / 2.0
        step = (1.0 - 2.0 * d) / (k - 1)
        return xp.asarray([[d + step * j for j in range(k)]], dtype=dtype, device=device)
    if isinstance(direction, (tuple, list)):
        raise ValueError(f"direction: expected a number or shape (B,), got {direction!r}")
    d = to_float(xp, direction)
    d = xp.astype(d, dtype) if d.dtype != dtype else d
    if d.ndim == 0:
        d = xp.reshape(d, (1,))
    if d.ndim != 1:
        raise ValueError(f"direction: expected a number or shape (B,), got {shape_of(direction)}")
    d = (xp.clip(d, -1.0, 1.0) + 1.0) / 2.0
    j = xp.arange(k, dtype=dtype, device=device)
    return d[:, None] + ((1.0 - 2.0 * d) / (k - 1))[:, None] * j[None, :]


def _rotation3(xp, r):
    """Rodrigues: ``(B, 3)`` axis-angle (radians) -> ``(B, 3, 3)`` (first order near zero)."""
    theta2 = xp.sum(r * r, axis=-1)
    small = theta2 <= 1e-12
    theta = xp.sqrt(xp.where(small, xp.ones_like(theta2), theta2))  # guarded sqrt
    w = r / theta[:, None]
    wx, wy, wz = w[:, 0], w[:, 1], w[:, 2]
    c, s = xp.cos(theta), xp.sin(theta)
    oc = 1.0 - c
    rows = [
        [c + wx * wx * oc, wx * wy * oc - wz * s, wy * s + wx * wz * oc],
        [wz * s + wx * wy * oc, c + wy * wy * oc, -wx * s + wy * wz * oc],
        [-wy * s + wx * wz * oc, wx * s + wy * wz * oc, c + wz * wz * oc],
    ]
    rx, ry, rz = r[:, 0], r[:, 1], r[:, 2]
    one = xp.ones_like(rx)
    taylor = [[one, -rz, ry], [rz, one, -rx], [-ry, rx, one]]
    return xp.stack(
        [
            xp.stack([xp.where(small, taylor[i][j], rows[i][j]) for j in range(3)], axis=-1)
            for i in range(3)
        ],
        axis=-2,
    )


def _host_rotation3(r):
    """Rodrigues on the host in double precision (Python floats), as Kornia computes it."""
    theta2 = sum(v * v for v in r)
    if theta2 <= 1e-12:
        rx, ry, rz = r
        return [[1.0, -rz, ry], [rz, 1.0, -rx], [-ry, rx, 1.0]]
    theta = math.sqrt(theta2)
    wx, wy, wz = (v / theta for v in r)
    c, s = math.cos(theta), math.sin(theta)
    oc = 1.0 - c
    return [
        [c + wx * wx * oc, wx * wy * oc - wz * s, wy * s + wx * wz * oc],
        [wz * s + wx * wy * oc, c + wy * wy * oc, -wx * s + wy * wz * oc],
        [-wy * s + wx * wz * oc, wx * s + wy * wz * oc, c + wz * wz * oc],
    ]


def _host_sources(matrix, k, dim, nearest):
    """Source coordinates ``(1, k^dim, dim)`` (x first) of every kernel pixel, in Python floats.

    ``matrix[i][j]``: source axis ``i`` = sum_j matrix[i][j] * offset_j (offsets x, y[, z]).
    """
    c = (k - 1) / 2
    snap = 2.0**20
    pts = []
    for idx in itertools.product(range(k), repeat=dim):  # (z,) y, x order, x fastest
        off = [float(v) - c for v in reversed(idx)]  # x, y[, z]
        src = []
        for row in matrix:
            v = sum(m * o for m, o in zip(row, off, strict=True))
            src.append(float(round(round(v * snap) / snap + c)) if nearest else v + c)
        pts.append(src)
    return [pts]


def _engine_sources(xp, matrix, k, dim, nearest, dtype, device):
    """Source coordinates ``(B, k^dim, dim)`` from a ``(B, dim, dim)`` matrix on the engine."""
    c = (k - 1) / 2
    ax = xp.arange(k, dtype=dtype, device=device) - c
    grids = xp.meshgrid(*([ax] * dim), indexing="ij")  # (z,) y, x
    off = xp.stack([xp.reshape(g, (-1,)) for g in reversed(grids)], axis=-1)  # (P, dim) x first
    src = xp.sum(matrix[:, None, :, :] * off[None, :, None, :], axis=-1)  # (B, P, dim)
    if nearest:
        snap = 2.0**20 if dtype == xp.float64 else 2.0**16
        src = xp.round(xp.round(src * snap) / snap + c)
    else:
        src = src + c
    return src


def _sample_line(xp, src, line, k, nearest):
    """Kernel ``(B, P)``: the line (along x at the centre of the other axes) read at ``src``."""
    c = (k - 1) / 2
    j = xp.arange(k, dtype=line.dtype, device=line.device)
    sx = src[..., 0:1]  # (B, P, 1)
    if nearest:
        wx = xp.astype(sx == j, line.dtype)
        wo = xp.astype(xp.all(src[..., 1:] == c, axis=-1), line.dtype)
    else:  # (tri)linear hat weights with zero padding = grid_sample's bilinear, zeros
        wx = xp.clip(1.0 - xp.abs(sx - j), 0.0, None)
        wo = xp.prod(xp.clip(1.0 - xp.abs(src[..., 1:] - c), 0.0, None), axis=-1)
    return wo * xp.sum(wx * line[:, None, :], axis=-1)


def _motion_kernel(eng, k, angle, direction, mode, dim, dtype, device):
    """Shared body of the 2D and 3D builders (parameters already validated)."""
    xp = eng.xp
    nearest = mode == "nearest"
    line = _line(eng, direction, k, dtype, device)
    if (dim == 2 and _is_number(angle)) or (dim == 3 and isinstance(angle, (tuple, list))):
        if dim == 2:
            rad = math.radians(float(angle) % 360.0)
            cs, sn = math.cos(rad), math.sin(rad)
            matrix = [[cs, -sn], [sn, cs]]
        else:
            rot = _host_rotation3([math.radians(v) for v in _host_angle3(angle)])
            matrix = [list(col) for col in zip(*rot, strict=True)]  # the source is R^T p
        src = xp.asarray(_host_sources(matrix, k, dim, nearest), dtype=dtype, device=device)
        keep = None
    else:
        a = _angle_array(eng, angle, dim, dtype, device)
        rad = (a % 360.0) * (math.pi / 180.0) if dim == 2 else a * (math.pi / 180.0)
        if dim == 2:
            cs, sn = xp.cos(rad), xp.sin(rad)
            matrix = xp.stack([xp.stack([cs, -sn], axis=-1), xp.stack([sn, cs], axis=-1)], axis=-2)
        else:
            matrix = xp.permute_dims(_rotation3(xp, rad), (0, 2, 1))
        src = _engine_sources(xp, matrix, k, dim, nearest, dtype, device)
        # nearest sampling has a zero gradient in the angle; keep the angle in the graph with it
        keep = 1.0 + 0.0 * (a if dim == 2 else xp.sum(a, axis=-1))
    if line.shape[0] != 1 and src.shape[0] != 1 and line.shape[0] != src.shape[0]:
        raise ValueError(
            f"direction: expected {int(src.shape[0])} values (one per angle), "
            f"got shape {shape_of(line)[:1]}"
        )
    kern = _sample_line(xp, src, line, k, nearest)
    kern = kern / xp.sum(kern, axis=-1, keepdims=True)
    if keep is not None and nearest:
        kern = kern * keep[:, None]
    return xp.reshape(kern, (kern.shape[0],) + (k,) * dim)


@register_op(factory=True, tolerance="loose")
def get_motion_kernel2d(kernel_size: int, angle, direction=0.0, mode: str = "nearest"):
    """A normalised line kernel of length ``kernel_size`` through the centre, rotated by ``angle``.

    Args:
        kernel_size: odd integer of at least 3.
        angle: degrees, counter-clockwise as displayed; a number or a float array ``(B,)``.
        direction: in [-1, 1] (clipped): ``1`` puts the weight ``[0.4, 0.3, 0.2, 0.1, 0]`` (size 5)
            heavy at the left end before rotation, ``-1`` mirrors it, ``0`` is uniform; a number
            or ``(B,)``. A number is broadcast against an array angle (Kornia raises there).
        mode: ``"nearest"`` (taps copied from the nearest line pixel, exact ties to even) or
            ``"bilinear"`` (weights spread off the line).

    Returns:
        ``(B, k, k)`` summing to 1 per sample (``B = 1`` for number parameters), float32 for
        number parameters, else the array's float dtype and engine.

    Example:
        >>> import numpy as np, portvision as pv
        >>> np.round(pv.filters.get_motion_kernel2d(3, 215.0, -0.5), 4)
        array([[[0.    , 0.    , 0.1667],
                [0.    , 0.3333, 0.    ],
                [0.5   , 0.    , 0.    ]]], dtype=float32)
    """
    _check_size(kernel_size)
    check_choice(mode, "mode", ("nearest", "bilinear"))
    if isinstance(angle, (tuple, list, bool)):
        raise ValueError(f"angle: expected a number or shape (B,), got {angle!r}")
    eng, dtype, device = _resolve(angle, direction)
    return _motion_kernel(eng, kernel_size, angle, direction, mode, 2, dtype, device)


@register_op(factory=True, tolerance="loose")
def get_motion_kernel3d(kernel_size: int, angle, direction=0.0, mode: str = "nearest"):
    """A normalised line kernel along x through a cube's centre, rotated by an axis-angle vector.

    Args:
        kernel_size: odd integer of at least 3.
        angle: Rodrigues axis-angle vector ``(rx, ry, rz)`` in degrees (not Euler angles):
            a 3-sequence or a float array ``(B, 3)``.
        direction: in [-1, 1], as in :func:`get_motion_kernel2d`; a number or ``(B,)``.
        mode: ``"nearest"`` or ``"bilinear"`` (trilinear weights).

    Returns:
        ``(B, k, k, k)`` summing to 1 per sample.

    Example:
        >>> import numpy as np, portvision as pv
        >>> k = pv.filters.get_motion_kernel3d(3, (0.0, 0.0, 0.0), 0.0)
        >>> k.shape, np.round(k[0, 1, 1], 4).tolist()
        ((1, 3, 3, 3), [0.3333, 0.3333, 0.3333])
    """
    _check_size(kernel_size)
    check_choice(mode, "mode", ("nearest", "bilinear"))
    if _is_number(angle) or isinstance(angle, bool):
        raise ValueError(f"angle: expected (rx, ry, rz) or shape (B, 3), got {angle!r}")
    if isinstance(angle, (tuple, list)):
        _host_angle3(angle)
    eng, dtype, device = _resolve(angle, direction)
    return _motion_kernel(eng, kernel_size, angle, direction, mode, 3, dtype, device)
