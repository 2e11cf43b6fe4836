"""The declaration of a conformance case: how to build inputs for one public op.

Each ``tests/op_cases_<topic>.py`` defines ``CASES = [Case(...), ...]``; the
conformance suite (``test_conformance.py``) runs every case on every engine and
checks it against the strict engine in float64.  Every op in
``portvision._registry.OPS`` must have at least one case.

Ops with no array input (kernel builders, ``OpInfo.factory``) run inside
``pv.use_backend(engine)``; their ``make`` should pass ``dtype=dtype`` through
so that the float32 / float64 runs ask for that dtype.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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
    #: positions in ``args`` (ints) or names in ``kwargs`` (strs) whose leading axis is the
    #: batch (for batch-independence); empty for unbatched inputs such as (C, H, W)
    batched: tuple = (0,)
    #: (rtol, atol) overrides against the float64 reference, per dtype name:
    #: ``{"float32": (1e-3, 1e-4)}``; defaults float64 (1e-7, 1e-9), float32 (1e-4, 1e-5)
    tol: dict = field(default_factory=dict)
    #: engine ids (``"torch-cpu"``, ``"strict-device1"``...) on which this case is skipped,
    #: with the reason
    skip: dict = field(default_factory=dict)
    #: compare outputs exactly (integer/bool results: masks, indices)
    exact: bool = False
    #: expected output dtype name(s) when it is not the input's float dtype (e.g. "uint8" for
    #: an op documented to keep uint8); a tuple gives one per output (None: the default rule).
    #: Default rule: a float output has the input's float dtype, or float32 for integer input.
    out_dtype: str | tuple | None = None
    #: seed of the ``np.random.default_rng`` passed to ``make``
    seed: int = 0


def image(rng: np.random.Generator, shape, dtype: str = "float32", low=0.0, high=1.0) -> np.ndarray:
    return rng.uniform(low, high, size=shape).astype(dtype)
