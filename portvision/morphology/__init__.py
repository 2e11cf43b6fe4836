"""Grey-scale morphology with flat and non-flat structuring elements
(Kornia's ``kornia.morphology``).
"""

from portvision._package import export_submodules

__all__ = export_submodules(__name__, __path__, globals())
