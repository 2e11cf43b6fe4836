"""The declaration of a conformance case: how to build inputs for one public op.

Each ``tests/op_cases_<topic>.py`` defines ``CASES = [Case(...), ...]``; the
conformance suite (``test_conformance.py``) runs every case on every engine and
checks it against the strict engine in float64.  Every op in
``portvision._registry.OPS`` must have at least one case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np


@dataclass
class Case:
    #: registry name of the op (``portvision.filters.gaussian_blur2d`` -> "gaussian_blur2d")
    op: str
    #: ``make(rng, dtype) -> (args, kwargs)``: host NumPy arrays (of ``dtype``) and Python
    #: parameters; arrays anywhere in ``args`` / ``kwargs`` values are converted per engine.
    make: Callable[[np.random.Generator, str], tuple[tuple, dict]]
    #: variant label for the test id
    id: str = "default"
    #: positions in ``args`` that gradcheck differentiates (empty: op not differentiable)
    grad: tuple[int, ...] = (0,)
    #: positions in ``args`` whose leading axis is the batch (for batch-independence)
    batched: tuple[int, ...] = (0,)
    #: (rtol, atol) overrides against the float64 reference, per dtype
    tol: dict = field(default_factory=dict)
    #: engine ids on which this case is skipped, with the reason
    skip: dict = field(default_factory=dict)
    #: compare outputs exactly (integer/bool results: masks, indices)
    exact: bool = False


def image(rng: np.random.Generator, shape, dtype: str = "float32", low=0.0, high=1.0) -> np.ndarray:
    return rng.uniform(low, high, size=shape).astype(dtype)
