"""Array helpers: image <-> array conversion, image files, meshgrids (Kornia's ``kornia.utils``)."""

from portvision._package import export_submodules

__all__ = export_submodules(__name__, __path__, globals())
