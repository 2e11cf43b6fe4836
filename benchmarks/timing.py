"""Interleaved timing: every implementation of one cell runs once per round.

Other processes share the CPU, so the implementations compared in a cell are
timed in rounds (A, B, C, A, B, C, ...) and summarised by their median, which
spreads a noisy period over all of them instead of penalising one.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass


@dataclass
class Budget:
    min_runs: int = 7  # per implementation
    min_time: float = 0.2  # seconds per implementation
    max_time: float = 4.0  # an implementation slower than this stops after 3 runs
    warmup: int = 1


def time_cell(impls: dict, budget: Budget) -> dict:
    """Time ``impls`` (name -> zero-argument callable that blocks until done).

    Returns name -> ``{"ms": median ms, "runs": n}`` or ``{"error": text}`` for
    an implementation that raised during warm-up.
    """
    out, live = {}, {}
    for name, fn in impls.items():
        try:
            for _ in range(budget.warmup):
                fn()
        except Exception as exc:  # a peer that cannot run this case is reported, not fatal
            out[name] = {"error": f"{type(exc).__name__}: {exc}"[:200]}
            continue
        live[name] = fn
    samples = {name: [] for name in live}
    spent = dict.fromkeys(live, 0.0)
    while live:
        for name in list(live):
            t0 = time.perf_counter()
            live[name]()
            dt = time.perf_counter() - t0
            samples[name].append(dt)
            spent[name] += dt
            n = len(samples[name])
            enough = n >= budget.min_runs and spent[name] >= budget.min_time
            too_slow = n >= min(3, budget.min_runs) and spent[name] >= budget.max_time
            if enough or too_slow:
                del live[name]
    for name, s in samples.items():
        out[name] = {"ms": statistics.median(s) * 1e3, "runs": len(s)}
    return out


def per_call_us(fns: dict, arg, number: int = 2000, repeat: int = 7) -> dict:
    """Per-call time in us of each ``fn(arg)`` in ``fns``: the median over ``repeat``
    interleaved rounds of the mean over ``number`` back-to-back calls."""
    times = {name: [] for name in fns}
    for fn in fns.values():
        fn(arg)  # warm-up (caches, lazy imports)
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            for _ in range(number):
                fn(arg)
            times[name].append((time.perf_counter() - t0) / number)
    return {name: statistics.median(t) * 1e6 for name, t in times.items()}
