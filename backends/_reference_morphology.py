"""Pure array-API reference of the grey-morphology primitives (the contract engines meet).

``grey_dilation`` / ``grey_erosion`` are max-plus / min-plus *correlations* over a
structuring element laid on the image with its ``origin`` cell on the output pixel:

* ``grey_dilation(x)[.., y, x] = max_{(i, j): footprint[i][j]} X[y + i - oy, x + j - ox] + s[i, j]``
* ``grey_erosion(x)[.., y, x]  = min_{(i, j): footprint[i][j]} X[y + i - oy, x + j - ox] - s[i, j]``

where ``X`` is ``x`` extended past its last two axes by ``border``:

* ``"geodesic"``: outside pixels are left out of the max / min (a window with no tap inside
  the image, or an all-False footprint, gives ``-inf`` for the dilation, ``+inf`` for the
  erosion: the reduction identity, as scipy.ndimage and scikit-image do);
* ``"constant"``: outside pixels equal ``border_value``;
* ``"reflect"`` / ``"replicate"`` / ``"circular"``: as :func:`_reference.pad` (mirror without
  the edge, edge, wrap).

Arguments: ``x (..., H, W)`` real floating; ``footprint`` a *host* tuple of ``kh`` tuples of
``kw`` bools (static, like a kernel size: which taps exist); ``structure`` ``None`` (flat: the
offsets are zero and not added) or an array ``(kh, kw)`` of ``x``'s dtype and device (its
values at excluded taps are ignored, and gradients flow to it on differentiable engines);
``origin`` ``(oy, ox)`` with ``0 <= oy < kh``, ``0 <= ox < kw``. The result has ``x``'s shape
and dtype. NaN inputs: unspecified (engines differ in how their max treats NaN).

Neither op reflects the element: Kornia's ``dilation`` (a Minkowski dilation) is
``grey_dilation`` of the flipped element at the flipped origin; Kornia's ``erosion`` is
``grey_erosion`` as is (scipy.ndimage's ``grey_erosion`` convention).
"""

from __future__ import annotations

import math

from . import _reference as ref

MORPH_BORDERS = ("geodesic", "constant", "reflect", "replicate", "circular")


def _padded(xp, x, kh, kw, origin, border, border_value, identity):
    """``x`` padded so that tap ``(i, j)`` of output ``(y, x)`` reads ``xpad[y + i, x + j]``."""
    oy, ox = origin
    pads = ((oy, kh - 1 - oy), (ox, kw - 1 - ox))
    if border == "geodesic":
        return ref.pad(xp, x, pads, "constant", identity)
    if border == "constant":
        return ref.pad(xp, x, pads, "constant", border_value)
    return ref.pad(xp, x, pads, border)


def _reduce(xp, x, footprint, structure, origin, border, border_value, dilate):
    kh, kw = len(footprint), len(footprint[0])
    identity = -math.inf if dilate else math.inf
    xpad = _padded(xp, x, kh, kw, origin, border, border_value, identity)
    h, w = x.shape[-2], x.shape[-1]
    out, taps = None, 0
    for i in range(kh):
        for j in range(kw):
            if not footprint[i][j]:
                continue
            term = xpad[..., i : i + h, j : j + w]
            if structure is not None:
                term = term + structure[i, j] if dilate else term - structure[i, j]
            taps += 1
            if out is None:
                out = term
            else:
                out = xp.maximum(out, term) if dilate else xp.minimum(out, term)
    if out is None:  # an empty footprint: the reduction identity everywhere
        return xp.full(x.shape, identity, dtype=x.dtype, device=x.device)
    # one flat tap is a view of the padded input (of ``x`` itself without padding): copy it
    return xp.asarray(out, copy=True) if taps == 1 and structure is None else out


def grey_dilation(
    xp, x, footprint, structure=None, origin=None, border="geodesic", border_value=0.0
):
    """Max-plus correlation of ``x (..., H, W)`` with a (non-)flat structuring element."""
    origin = origin or (len(footprint) // 2, len(footprint[0]) // 2)
    return _reduce(xp, x, footprint, structure, origin, border, border_value, True)


def grey_erosion(
    xp, x, footprint, structure=None, origin=None, border="geodesic", border_value=0.0
):
    """Min-plus correlation of ``x (..., H, W)`` with a (non-)flat structuring element."""
    origin = origin or (len(footprint) // 2, len(footprint[0]) // 2)
    return _reduce(xp, x, footprint, structure, origin, border, border_value, False)
