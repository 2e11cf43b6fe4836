"""Grey-scale morphology: ``dilation``, ``erosion``, ``opening``, ``closing``, ``gradient``,
``top_hat``, ``bottom_hat`` (Kornia's ``kornia.morphology``).

Conventions (Kornia 0.9):

* ``kernel`` ``(kH, kW)`` is a membership mask: its non-zero cells are the taps of a flat
  element (their magnitude is ignored). It is read on the host, like a kernel size: one small
  device-to-host copy per call. ``structuring_element`` (same shape) makes the element
  non-flat: it is added before the maximum (dilation) and subtracted before the minimum
  (erosion), and gradients reach it.
* ``origin`` ``[row, col]`` is the element cell placed on the output pixel, default
  ``[kH // 2, kW // 2]`` (also for even sizes).
* ``dilation`` reflects the element (Minkowski dilation, as ``scipy.ndimage.grey_dilation``):
  ``out(p) = max_{b} f(p - b) + s(b)``; ``erosion`` does not: ``out(p) = min_{b} f(p + b) - s(b)``
  (``b`` the tap offsets from ``origin``).
* ``border_type="geodesic"`` (default) leaves the pixels outside the image out of the max /
  min; a window with no tap inside the image gives ``-inf`` (dilation) / ``+inf`` (erosion).
  ``"constant"`` pads with ``border_value``; ``"reflect"`` / ``"replicate"`` / ``"circular"``
  as torch's ``F.pad`` (reflect needs pads below the image size, circular at most equal).
* ``max_val`` has no effect (Kornia 0.9 keeps it for compatibility: the geodesic border and
  excluded taps use the reduction identity ``-/+inf``). ``engine`` (``"auto"``, ``"unfold"``,
  ``"convolution"``, ``"shift"``) is accepted and validated as in Kornia; every engine here
  computes the same exact max-plus result (the array engine decides how).

Deviation: the output keeps ``tensor``'s dtype; Kornia promotes with a wider float
``kernel`` / ``structuring_element`` dtype (e.g. a float64 element on a float32 image).
"""

from __future__ import annotations

from typing import Any

from portvision._checks import check_border, check_choice, check_floating, check_rank, shape_of
from portvision._dispatch import dispatch, require_array
from portvision._registry import register_op

Array = Any

ENGINES = ("auto", "unfold", "convolution", "shift")
MORPH_BORDERS = ("geodesic", "constant", "reflect", "replicate", "circular")


class _Element:
    """A validated structuring element: host footprint, optional structure array, origin."""

    def __init__(self, eng, x, kernel, structuring_element, origin, border_type, border_value):
        xp = eng.xp
        if kernel.ndim != 2 or 0 in kernel.shape:
            raise ValueError(f"kernel: expected a non-empty shape (kH, kW), got {shape_of(kernel)}")
        kh, kw = (int(s) for s in kernel.shape)
        se = structuring_element
        if se is not None:
            require_array("structuring_element", se)
            if shape_of(se) != (kh, kw):
                raise ValueError(
                    f"structuring_element: expected shape {(kh, kw)} (the kernel's), "
                    f"got {shape_of(se)}"
                )
            check_floating(xp, se, "structuring_element")
            se = xp.astype(se, x.dtype) if se.dtype != x.dtype else se
        if origin is None:
            origin = (kh // 2, kw // 2)
        elif not (
            isinstance(origin, (tuple, list))
            and len(origin) == 2
            and all(isinstance(o, int) and not isinstance(o, bool) for o in origin)
            and 0 <= origin[0] < kh
            and 0 <= origin[1] < kw
        ):
            raise ValueError(
                f"origin: expected [row, col] with 0 <= row < {kh} and 0 <= col < {kw}, "
                f"got {origin!r}"
            )
        self.border = check_border(border_type, "border_type", MORPH_BORDERS)
        if not isinstance(border_value, (int, float)) or isinstance(border_value, bool):
            raise TypeError(f"border_value: expected a number, got {border_value!r}")
        _check_border_width(x, (kh, kw), tuple(origin), self.border)
        mask = eng.to_numpy(kernel) != 0  # a shape description: read once on the host
        self.footprint = tuple(tuple(bool(v) for v in row) for row in mask)
        self.flipped = tuple(row[::-1] for row in self.footprint[::-1])
        self.structure = se
        self.flipped_structure = None if se is None else xp.flip(se, axis=(0, 1))
        self.origin = (int(origin[0]), int(origin[1]))
        self.flipped_origin = (kh - 1 - self.origin[0], kw - 1 - self.origin[1])
        self.border_value = float(border_value)

    def dilate(self, eng, x):
        # Minkowski dilation = max-plus correlation with the element reflected about its origin
        return eng.grey_dilation(
            x,
            self.flipped,
            self.flipped_structure,
            self.flipped_origin,
            self.border,
            self.border_value,
        )

    def erode(self, eng, x):
        return eng.grey_erosion(
            x, self.footprint, self.structure, self.origin, self.border, self.border_value
        )


def _check_border_width(x, ksize, origin, border):
    """torch's ``F.pad`` limits, which Kornia inherits: reflect < size, circular <= size."""
    if border not in ("reflect", "circular"):
        return
    need = tuple(max(o, k - 1 - o) for k, o in zip(ksize, origin, strict=True))
    size = shape_of(x)[-2:]
    bad = (
        any(p >= n for p, n in zip(need, size, strict=True))
        if border == "reflect"
        else any(p > n for p, n in zip(need, size, strict=True))
    )
    if bad:
        rule = "smaller than" if border == "reflect" else "at most"
        raise ValueError(
            f"border_type: {border!r} needs the padding {need} to be {rule} the image size "
            f"{size}, got kernel size {ksize} with origin {origin}"
        )


def _setup(tensor, kernel, structuring_element, origin, border_type, border_value, engine):
    names = ("tensor", "kernel", "structuring_element")
    eng, (x, kernel, se) = dispatch(names, tensor, kernel, structuring_element)
    require_array("kernel", kernel)
    check_rank(x, "tensor", (3, 4), "(B, C, H, W) or (C, H, W)")
    check_floating(eng.xp, x, "tensor")
    check_choice(engine, "engine", ENGINES)
    return eng, x, _Element(eng, x, kernel, se, origin, border_type, border_value)


_ARGS_DOC = """
        tensor: image ``(B, C, H, W)`` (or ``(C, H, W)``), real floating dtype.
        kernel: ``(kH, kW)`` membership mask; non-zero cells are the element's taps.
        structuring_element: ``(kH, kW)`` offsets of a non-flat element, or None (flat).
        origin: ``[row, col]`` of the element cell on the output pixel; default the centre
            ``[kH // 2, kW // 2]``.
        border_type: ``"geodesic" | "constant" | "reflect" | "replicate" | "circular"``.
        border_value: the outside value for ``border_type="constant"``.
        max_val: accepted for compatibility; no effect (as Kornia 0.9).
        engine: ``"auto" | "unfold" | "convolution" | "shift"``; accepted for compatibility
            (every value gives the same exact result here)."""


def _doc(fn):
    fn.__doc__ = fn.__doc__.replace("    Args:{ARGS}", "    Args:" + _ARGS_DOC)
    return fn


@register_op()
@_doc
def dilation(
    tensor: Array,
    kernel: Array,
    structuring_element: Array | None = None,
    origin: list[int] | None = None,
    border_type: str = "geodesic",
    border_value: float = 0.0,
    max_val: float = 1e4,
    engine: str = "auto",
) -> Array:
    """Grey dilation of every channel: ``out(p) = max_b tensor(p - b) + s(b)`` (Minkowski).

    Args:{ARGS}

    Returns:
        The dilated image, same shape and dtype as ``tensor``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.zeros((1, 1, 5, 5), dtype=np.float32); img[0, 0, 2, 2] = 1.0
        >>> pv.morphology.dilation(img, np.ones((3, 3)))[0, 0]
        array([[0., 0., 0., 0., 0.],
               [0., 1., 1., 1., 0.],
               [0., 1., 1., 1., 0.],
               [0., 1., 1., 1., 0.],
               [0., 0., 0., 0., 0.]], dtype=float32)
    """
    eng, x, el = _setup(
        tensor, kernel, structuring_element, origin, border_type, border_value, engine
    )
    return el.dilate(eng, x)


@register_op()
@_doc
def erosion(
    tensor: Array,
    kernel: Array,
    structuring_element: Array | None = None,
    origin: list[int] | None = None,
    border_type: str = "geodesic",
    border_value: float = 0.0,
    max_val: float = 1e4,
    engine: str = "auto",
) -> Array:
    """Grey erosion of every channel: ``out(p) = min_b tensor(p + b) - s(b)``.

    Args:{ARGS}

    Returns:
        The eroded image, same shape and dtype as ``tensor``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.ones((1, 1, 4, 5), dtype=np.float32); img[0, 0, 1, 1] = 0.0
        >>> pv.morphology.erosion(img, np.ones((3, 3)))[0, 0]
        array([[0., 0., 0., 1., 1.],
               [0., 0., 0., 1., 1.],
               [0., 0., 0., 1., 1.],
               [1., 1., 1., 1., 1.]], dtype=float32)
    """
    eng, x, el = _setup(
        tensor, kernel, structuring_element, origin, border_type, border_value, engine
    )
    return el.erode(eng, x)


@register_op()
@_doc
def opening(
    tensor: Array,
    kernel: Array,
    structuring_element: Array | None = None,
    origin: list[int] | None = None,
    border_type: str = "geodesic",
    border_value: float = 0.0,
    max_val: float = 1e4,
    engine: str = "auto",
) -> Array:
    """Opening: ``dilation(erosion(tensor))`` with the same element and border.

    Args:{ARGS}

    Returns:
        The opened image, same shape and dtype as ``tensor`` (removes bright details smaller
        than the element).

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.zeros((1, 1, 5, 5), dtype=np.float32); img[0, 0, 2, 2] = 1.0
        >>> float(pv.morphology.opening(img, np.ones((3, 3))).max())
        0.0
    """
    eng, x, el = _setup(
        tensor, kernel, structuring_element, origin, border_type, border_value, engine
    )
    return el.dilate(eng, el.erode(eng, x))


@register_op()
@_doc
def closing(
    tensor: Array,
    kernel: Array,
    structuring_element: Array | None = None,
    origin: list[int] | None = None,
    border_type: str = "geodesic",
    border_value: float = 0.0,
    max_val: float = 1e4,
    engine: str = "auto",
) -> Array:
    """Closing: ``erosion(dilation(tensor))`` with the same element and border.

    Args:{ARGS}

    Returns:
        The closed image, same shape and dtype as ``tensor`` (fills dark details smaller
        than the element).

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.ones((1, 1, 5, 5), dtype=np.float32); img[0, 0, 2, 2] = 0.0
        >>> float(pv.morphology.closing(img, np.ones((3, 3))).min())
        1.0
    """
    eng, x, el = _setup(
        tensor, kernel, structuring_element, origin, border_type, border_value, engine
    )
    return el.erode(eng, el.dilate(eng, x))


@register_op()
@_doc
def gradient(
    tensor: Array,
    kernel: Array,
    structuring_element: Array | None = None,
    origin: list[int] | None = None,
    border_type: str = "geodesic",
    border_value: float = 0.0,
    max_val: float = 1e4,
    engine: str = "auto",
) -> Array:
    """Morphological gradient: ``dilation(tensor) - erosion(tensor)``.

    Args:{ARGS}

    Returns:
        The gradient image, same shape and dtype as ``tensor``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.zeros((1, 1, 3, 4), dtype=np.float32); img[..., 2:] = 1.0
        >>> pv.morphology.gradient(img, np.ones((3, 3)))[0, 0]
        array([[0., 1., 1., 0.],
               [0., 1., 1., 0.],
               [0., 1., 1., 0.]], dtype=float32)
    """
    eng, x, el = _setup(
        tensor, kernel, structuring_element, origin, border_type, border_value, engine
    )
    return el.dilate(eng, x) - el.erode(eng, x)


@register_op()
@_doc
def top_hat(
    tensor: Array,
    kernel: Array,
    structuring_element: Array | None = None,
    origin: list[int] | None = None,
    border_type: str = "geodesic",
    border_value: float = 0.0,
    max_val: float = 1e4,
    engine: str = "auto",
) -> Array:
    """White top hat: ``tensor - opening(tensor)`` (the bright details the element removes).

    Args:{ARGS}

    Returns:
        The top-hat image, same shape and dtype as ``tensor``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.full((1, 1, 5, 5), 0.5, dtype=np.float32); img[0, 0, 2, 2] = 1.0
        >>> float(pv.morphology.top_hat(img, np.ones((3, 3)))[0, 0, 2, 2])
        0.5
    """
    eng, x, el = _setup(
        tensor, kernel, structuring_element, origin, border_type, border_value, engine
    )
    return x - el.dilate(eng, el.erode(eng, x))


@register_op()
@_doc
def bottom_hat(
    tensor: Array,
    kernel: Array,
    structuring_element: Array | None = None,
    origin: list[int] | None = None,
    border_type: str = "geodesic",
    border_value: float = 0.0,
    max_val: float = 1e4,
    engine: str = "auto",
) -> Array:
    """Black top hat: ``closing(tensor) - tensor`` (the dark details the element fills).

    Args:{ARGS}

    Returns:
        The bottom-hat image, same shape and dtype as ``tensor``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.full((1, 1, 5, 5), 0.5, dtype=np.float32); img[0, 0, 2, 2] = 0.0
        >>> float(pv.morphology.bottom_hat(img, np.ones((3, 3)))[0, 0, 2, 2])
        0.5
    """
    eng, x, el = _setup(
        tensor, kernel, structuring_element, origin, border_type, border_value, engine
    )
    return el.erode(eng, el.dilate(eng, x)) - x


__all__ = ["bottom_hat", "closing", "dilation", "erosion", "gradient", "opening", "top_hat"]
