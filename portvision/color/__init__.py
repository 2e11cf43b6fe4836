"""Colour-space conversions (Kornia's ``kornia.color``)."""

from portvision._package import export_submodules

__all__ = export_submodules(__name__, __path__, globals())
