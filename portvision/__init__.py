"""portvision: differentiable computer vision on every array library.

Algorithms are written once against the Python array API standard and run on
pluggable engines (NumPy + SciPy, PyTorch, CuPy, and the strict reference).
Pass the arrays you have; get the same kind back.
"""

from portvision import (  # noqa: E402  (after the dispatch layer they use)
    backends,
    color,
    contrib,
    enhance,
    filters,
    geometry,
    losses,
    metrics,
    morphology,
    utils,
)
from portvision._dispatch import available_backends, get_backend, use_backend

__version__ = "0.1.0"

__all__ = [
    "available_backends",
    "backends",
    "color",
    "contrib",
    "enhance",
    "filters",
    "geometry",
    "losses",
    "metrics",
    "morphology",
    "utils",
    "get_backend",
    "use_backend",
    "__version__",
]
