"""Reference of the ``grid_sample`` primitive (owner: geometry/warp work).

Contract (the meaning of ``torch.nn.functional.grid_sample``):

``grid_sample(xp, x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)``

* ``x``: ``(B, C, H, W)`` with ``grid`` ``(B, Ho, Wo, 2)``, or ``(B, C, D, H, W)`` with
  ``grid`` ``(B, Do, Ho, Wo, 3)``; the last grid axis is ``(x, y[, z])`` in normalised
  coordinates: ``-1`` / ``1`` are the centres of the corner pixels when ``align_corners``
  is True, their outer edges when False.
* ``mode``: ``bilinear`` (trilinear in 3-D), ``nearest`` (round half to even, as torch),
  ``bicubic`` (2-D only; Keys kernel a = -0.75, taps clamped by ``padding_mode``).
* ``padding_mode``: ``zeros`` (outside samples contribute 0: ndimage ``grid-constant``),
  ``border`` (clamp the coordinate), ``reflection`` (reflect the coordinate about the
  borders given by ``align_corners``, then clamp).
* Output ``(B, C, Ho, Wo)`` / ``(B, C, Do, Ho, Wo)`` of ``x``'s dtype; differentiable in
  ``x`` and ``grid`` on autograd engines.
"""

from __future__ import annotations


def grid_sample(xp, x, grid, mode="bilinear", padding_mode="zeros", align_corners=False):
    raise NotImplementedError("grid_sample reference: not written yet")
