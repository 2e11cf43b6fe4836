"""Image filtering: blurs, derivatives, edges, edge-preserving smoothing, pooling, thresholds.

Names, signatures and defaults follow ``kornia.filters``.
"""

from portvision.filters.filter import filter2d, filter2d_separable, filter3d

__all__ = ["filter2d", "filter2d_separable", "filter3d"]
