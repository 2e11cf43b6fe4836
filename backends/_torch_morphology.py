"""Torch grey dilation / erosion (contract in ``_reference_morphology``).

* A flat full rectangle is separable: a running max over ``kh`` row-shifted views, then over
  ``kw`` column-shifted views (``kh + kw - 2`` element-wise ops instead of ``kh * kw``).
* Any other element: a running max over the shifted views of its taps, with the element's
  offset added.
* Without a graph to record, the running max accumulates in place into one fresh buffer
  (whole batch per op: splitting it into cache-sized pieces measured slower on a busy
  2-core CPU, where every extra parallel region waits for its threads); under autograd it
  is a chain of out-of-place ``torch.maximum`` (ties split the gradient between operands).
"""

from __future__ import annotations

import math

from . import _reference_morphology as ref_morphology


def grey_reduce(eng, x, footprint, structure, origin, border, border_value, dilate):
    kh, kw = len(footprint), len(footprint[0])
    origin = origin or (kh // 2, kw // 2)
    if x.ndim < 3 or not x.is_floating_point() or not any(any(r) for r in footprint):
        fn = ref_morphology.grey_dilation if dilate else ref_morphology.grey_erosion
        return fn(eng.xp, x, footprint, structure, origin, border, border_value)
    if structure is not None:
        structure = structure.to(dtype=x.dtype)
    graph = eng._needs_graph(x, structure)
    return _reduce(eng, x, footprint, structure, origin, border, border_value, dilate, graph)


def _reduce(eng, x, footprint, structure, origin, border, border_value, dilate, graph):
    torch = eng.torch
    kh, kw = len(footprint), len(footprint[0])
    (oy, ox), (h, w) = origin, x.shape[-2:]
    pads = ((oy, kh - 1 - oy), (ox, kw - 1 - ox))
    if border == "geodesic":
        xpad = eng.pad(x, pads, "constant", -math.inf if dilate else math.inf)
    elif border == "constant":
        xpad = eng.pad(x, pads, "constant", border_value)
    else:
        xpad = eng.pad(x, pads, border)
    op = torch.maximum if dilate else torch.minimum

    def acc(out, term):
        if out is None:
            return term
        if graph:
            return op(out, term)
        if out._base is not None or out.data_ptr() == xpad.data_ptr():
            return op(out, term)  # the first term is a view of the padding: a fresh buffer
        return op(out, term, out=out)

    if structure is None and all(all(r) for r in footprint):
        rows = None
        for i in range(kh):
            rows = acc(rows, xpad[..., i : i + h, :])
        out = None
        for j in range(kw):
            out = acc(out, rows[..., j : j + w])
        return out if out._base is None else out.clone()
    out = None
    for i in range(kh):
        for j in range(kw):
            if not footprint[i][j]:
                continue
            term = xpad[..., i : i + h, j : j + w]
            if structure is not None:
                term = term + structure[i, j] if dilate else term - structure[i, j]
            out = acc(out, term)
    return out if out._base is None else out.clone()
