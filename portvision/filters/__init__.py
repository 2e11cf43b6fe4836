"""Image filtering: blurs, derivatives, edges, edge-preserving smoothing, pooling, thresholds.

Names, signatures and defaults follow ``kornia.filters``.
"""

from portvision._package import export_submodules

__all__ = export_submodules(
    __name__,
    __path__,
    globals(),
    only=(
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
    ),
)
