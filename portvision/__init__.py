"""portvision: differentiable computer vision on every array library.

Algorithms are written once against the Python array API standard and run on
pluggable engines (NumPy + SciPy, PyTorch, CuPy, and the strict reference).
Pass the arrays you have; get the same kind back.
"""

from portvision import backends, color, filters  # noqa: E402  (after the dispatch layer they use)
from portvision._dispatch import available_backends, get_backend, use_backend

__version__ = "0.1.0"

__all__ = [
    "available_backends",
    "backends",
    "color",
    "filters",
    "get_backend",
    "use_backend",
    "__version__",
]
