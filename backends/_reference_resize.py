"""Reference of the ``interpolate`` primitive (owner: resize work).

Contract (the meaning of ``torch.nn.functional.interpolate`` without antialiasing):

``interpolate(xp, x, size, mode="bilinear", align_corners=None)``

* ``x``: ``(B, C, *S)`` with 1, 2 or 3 spatial axes; ``size``: the output spatial shape.
* ``mode``: ``nearest`` (source index ``floor(dst * in / out)``), ``bilinear`` /
  ``linear`` / ``trilinear``, ``bicubic`` (Keys a = -0.75, taps clamped to the edge),
  ``area`` (adaptive average pooling).
* ``align_corners`` (linear and cubic modes only; None means False): True maps corner
  pixel centres onto each other, False maps the outer edges (half-pixel offsets,
  source coordinates below 0 clamped to 0 for the linear modes).
* Output of ``x``'s dtype; differentiable in ``x`` on autograd engines.
"""

from __future__ import annotations


def interpolate(xp, x, size, mode="bilinear", align_corners=None):
    raise NotImplementedError("interpolate reference: not written yet")
