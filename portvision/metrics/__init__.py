"""Image-quality, segmentation, detection and pose metrics (Kornia's ``kornia.metrics``)."""

from portvision._package import export_submodules

__all__ = export_submodules(__name__, __path__, globals())
