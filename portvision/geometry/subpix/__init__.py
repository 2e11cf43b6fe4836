"""Sub-pixel soft argmax, quadratic interpolation and non-maximum suppression
(Kornia's ``kornia.geometry.subpix``).
"""

from portvision._package import export_submodules

__all__ = export_submodules(__name__, __path__, globals())
