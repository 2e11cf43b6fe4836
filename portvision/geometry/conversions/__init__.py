"""Angle, point, coordinate and rotation-representation conversions
(Kornia's ``kornia.geometry.conversions``).
"""

from portvision._package import export_submodules

__all__ = export_submodules(__name__, __path__, globals())
