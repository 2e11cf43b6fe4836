"""Geometry (Kornia's ``kornia.geometry``): transforms, conversions, linear algebra, cameras,
depth and sub-pixel ops.  Every public name of the subpackages is also re-exported here, as
``kornia.geometry`` does.
"""

from portvision._package import export_submodules

__all__ = export_submodules(
    __name__,
    __path__,
    globals(),
    only=("transform", "conversions", "linalg", "camera", "depth", "subpix"),
)
