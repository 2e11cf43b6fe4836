"""Input validation shared by the public functions.

Every message names the parameter, what was expected and what was received,
and is identical on every engine (shapes are printed as plain int tuples).
"""

from __future__ import annotations

import math

from portvision._array import to_float
from portvision.backends import BORDERS
from portvision.backends._base import _dtype_name


def shape_of(x) -> tuple[int, ...]:
    return tuple(int(s) for s in x.shape)


def check_rank(x, name: str, ranks: tuple[int, ...], layout: str) -> None:
    """``x.ndim`` must be one of ``ranks``; ``layout`` describes it, e.g. "(B, C, H, W)"."""
    if x.ndim not in ranks:
        raise ValueError(f"{name}: expected shape {layout}, got {shape_of(x)}")


def check_channels(x, name: str, channels: tuple[int, ...], axis: int = -3) -> None:
    if x.ndim < -axis or x.shape[axis] not in channels:
        want = " or ".join(str(c) for c in channels)
        raise ValueError(
            f"{name}: expected {want} channels at axis {axis}, got shape {shape_of(x)}"
        )


def check_floating(xp, x, name: str) -> None:
    if not xp.isdtype(x.dtype, "real floating"):
        raise TypeError(f"{name}: expected a real floating dtype, got {x.dtype}")


def check_border(border, name: str = "border_type", allowed: tuple[str, ...] = BORDERS) -> str:
    """The border name in lower case (Kornia's names are case-insensitive)."""
    low = border.lower() if isinstance(border, str) else border
    if low not in allowed:
        raise ValueError(f"{name}: expected one of {list(allowed)}, got {border!r}")
    return low


def image_batch(eng, input):
    """Validated ``(B, C, H, W)`` float view of a ``(B, C, H, W)`` or ``(C, H, W)`` image,
    and whether a batch axis was added (integer images compute in float32)."""
    check_rank(input, "input", (3, 4), "(B, C, H, W) or (C, H, W)")
    x = to_float(eng.xp, input)
    return (x[None, ...], True) if x.ndim == 3 else (x, False)


def check_bool(value, name: str) -> None:
    """TypeError naming ``name`` unless ``value`` is a Python bool."""
    if not isinstance(value, bool):
        raise TypeError(f"{name}: expected a bool, got {value!r}")


def check_sizes(value, n: int, name: str, what: str | None = None) -> tuple[int, ...]:
    """A sequence of ``n`` positive Python integers (a ``dsize``, a crop size) -> tuple.

    ``what`` replaces "a sequence of n positive integers" in the message.
    """
    ok = isinstance(value, (tuple, list)) and len(value) == n
    ok = ok and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)
    if not ok:
        what = what or f"a sequence of {n} positive integers"
        raise ValueError(f"{name}: expected {what}, got {value!r}")
    return tuple(value)


def dtype_name(dt) -> str:
    """Engine-independent dtype name for messages (``float32``, never ``torch.float32``)."""
    return _dtype_name(dt)


def check_choice(value, name: str, allowed) -> None:
    if value not in allowed:
        raise ValueError(f"{name}: expected one of {list(allowed)}, got {value!r}")


def as_tuple(value, n: int, name: str) -> tuple:
    """An int/float or a length-``n`` sequence -> tuple of ``n`` values."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (value,) * n
    if isinstance(value, (tuple, list)) and len(value) == n:
        return tuple(value)
    raise ValueError(f"{name}: expected a number or a sequence of {n} numbers, got {value!r}")


def check_kernel_size(
    value, n: int, name: str = "kernel_size", odd: bool = True
) -> tuple[int, ...]:
    """Positive (odd, by default) integer window sizes -> tuple of ``n`` ints."""
    size = as_tuple(value, n, name)
    bad = [
        k
        for k in size
        if not isinstance(k, int) or isinstance(k, bool) or k <= 0 or (odd and k % 2 == 0)
    ]
    if bad:
        kind = "odd positive" if odd else "positive"
        raise ValueError(f"{name}: expected {kind} integers, got {value!r}")
    return size


def check_positive(value, name: str) -> None:
    """A Python number (or sequence of them) must be > 0 and finite."""
    vals = value if isinstance(value, (tuple, list)) else (value,)
    for v in vals:
        if isinstance(v, (int, float)) and not (v > 0 and math.isfinite(v)):
            raise ValueError(f"{name}: expected positive finite values, got {value!r}")


def check_array_values(eng, x, name: str, allow_zero: bool = False) -> None:
    """All entries of array ``x`` finite and > 0 (>= 0 with ``allow_zero``).

    A host check, so it is skipped while a compiler traces ``x``.
    """
    if eng.is_tracing(x):
        return
    xp = eng.xp
    ok = xp.isfinite(x) & ((x >= 0) if allow_zero else (x > 0))
    if not bool(xp.all(ok)):
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{name}: expected {kind} finite values, got {eng.to_numpy(x).tolist()!r}")
