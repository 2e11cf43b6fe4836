"""Image filtering: blurs, derivatives, edges, edge-preserving smoothing, pooling, thresholds.

Names, signatures and defaults follow ``kornia.filters``.
"""

from importlib import import_module

__all__: list[str] = []
_MODULES = (
    "filter",
    "kernels",
    "kernels_gradient",
    "kernels_geometry",
    "gaussian_blur",
    "blur",
    "median",
    "unsharp",
    "derivatives",
    "laplace",
    "motion",
    "edges",
    "bilateral",
    "guided",
    "blur_pool",
    "ranges",
    "otsu",
)
# import every module first, then re-export: a function named like a module
# (``gaussian`` in ``kernels``) must win over the submodule attribute the import sets
_mods = [import_module(f"portvision.filters.{_m}") for _m in _MODULES]
for _mod in _mods:
    for _name in _mod.__all__:
        globals()[_name] = getattr(_mod, _name)
    __all__ += list(_mod.__all__)
del _mod, _mods, _name
