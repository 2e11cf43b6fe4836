"""Training losses (Kornia's ``kornia.losses``)."""

from portvision._package import export_submodules

__all__ = export_submodules(__name__, __path__, globals())
