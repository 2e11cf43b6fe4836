"""Patch extraction, connected components, distance transform and other tools
(Kornia's ``kornia.contrib``).
"""

from portvision._package import export_submodules

__all__ = export_submodules(__name__, __path__, globals())
