"""Per-call overhead of portvision's layers on a tiny (1, 3, 32, 32) float32 input.

* ``dispatch1`` / ``dispatch``: engine resolution alone, minus a no-op call
  (target < 5 us).
* ``filter2d`` end to end (3x3 kernel, reflect) minus the engine primitive
  ``eng.correlate`` called directly: the cost of validation, dtype handling
  and dispatch that a public function adds.
"""

from __future__ import annotations

import sys

import numpy as np

from .timing import per_call_us


def measure(pv, engines: list[str], number: int) -> list[dict]:
    torch = sys.modules.get("torch")
    threads = torch.get_num_threads() if torch is not None else None
    if torch is not None:
        torch.set_num_threads(1)
    try:
        return _measure(pv, engines, number)
    finally:
        if torch is not None:
            torch.set_num_threads(threads)


def _measure(pv, engines: list[str], number: int) -> list[dict]:
    from portvision._dispatch import dispatch, dispatch1

    rows = []
    x0 = np.random.default_rng(0).random((1, 3, 32, 32), dtype=np.float32)
    k0 = np.full((1, 3, 3), 1 / 9, dtype=np.float32)
    for name in engines:
        eng = pv.backends.get_engine(name)
        x, k = eng.from_numpy(x0), eng.from_numpy(k0)
        fast = per_call_us(
            {
                "noop": lambda a: a,
                "d1": lambda a: dispatch1("input", a),
                "d2": lambda a, k=k: dispatch(("input", "kernel"), a, k),
            },
            x,
            number,
        )
        noop, d1, d2 = fast["noop"], fast["d1"], fast["d2"]
        n_slow = max(number // 20, 20)  # the filter itself is much slower than dispatch
        slow = per_call_us(
            {
                "prim": lambda a, k=k, eng=eng: eng.correlate(a, k, "reflect"),
                "full": lambda a, k=k: pv.filters.filter2d(a, k),
            },
            x,
            n_slow,
            repeat=9,
        )
        prim, full = slow["prim"], slow["full"]
        rows.append(
            {
                "engine": name,
                "noop_us": noop,
                "dispatch1_us": d1 - noop,
                "dispatch_us": d2 - noop,
                "correlate_us": prim,
                "filter2d_us": full,
                "filter2d_overhead_us": full - prim,
            }
        )
    return rows
