"""Warps, resizing, crops, flips, pyramids and their matrices
(Kornia's ``kornia.geometry.transform``).
"""

from portvision._package import export_submodules

__all__ = export_submodules(__name__, __path__, globals())
