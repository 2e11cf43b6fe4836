"""Camera models: pinhole, projections and lens distortion (Kornia's ``kornia.geometry.camera``)."""

from portvision._package import export_submodules

__all__ = export_submodules(__name__, __path__, globals())
