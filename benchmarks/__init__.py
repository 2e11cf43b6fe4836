"""portvision benchmarks: engine-vs-engine and portvision-vs-peers timings.

Run ``python -m benchmarks [--quick] [--out DIR] [--ops ...]``.  Modules:

* :mod:`benchmarks.timing`  -- interleaved, time-budgeted median timing;
* :mod:`benchmarks.cases`   -- the implementations timed (portvision engines and peers);
* :mod:`benchmarks.overhead` -- per-call dispatch overhead in microseconds;
* :mod:`benchmarks.report`  -- Markdown table, JSON and the log-log plot.
"""
