"""``python -m benchmarks [--quick] [--out DIR] [--ops ...]``.

Reproduces the Kornia paper's Sobel experiment (RGB ``(B, 3, 256, 256)``
float32, ``B`` in 1, 8, 32, 128) for every portvision engine and every
installed peer, plus blurs at ``B = 8``, a copy baseline and the per-call
dispatch overhead.  Prints Markdown tables; writes ``results.json`` and
``sobel.png`` to ``--out``.  Implementations are timed interleaved, median of
>= 7 runs and >= 0.2 s each (``--quick``: 64 x 64, B in 1, 2, 3 runs).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

from . import cases, overhead, report
from .timing import Budget, time_cell

SWEEP_OPS = ("sobel", "copy")  # timed at every batch size; the others at one


def _parse(argv):
    names = list(cases.ops()) + ["overhead"]
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--quick", action="store_true", help="tiny sizes and 3 runs (smoke test, < 60 s)"
    )
    p.add_argument("--out", default=str(Path(__file__).parent / "results"), help="output folder")
    groups = sorted({o.group for o in cases.ops().values()})
    p.add_argument(
        "--ops", nargs="+", choices=names, default=None, metavar="OP", help=f"subset of {names}"
    )
    p.add_argument(
        "--group",
        nargs="+",
        choices=groups,
        default=None,
        help=f"only the ops of these groups ({groups}; default: all)",
    )
    p.add_argument(
        "--engines",
        nargs="+",
        default=None,
        metavar="ENGINE",
        help="only these portvision targets (numpy, torch (its devices), torch-cpu, torch-cuda, "
        "cupy, strict)",
    )
    p.add_argument(
        "--peers",
        nargs="+",
        default=None,
        metavar="PEER",
        help="only these peers (kornia, opencv, scipy, skimage); e.g. --engines numpy --peers "
        "skimage times NumPy code alone, without torch's threads spinning between calls",
    )
    p.add_argument(
        "--strict-max-batch",
        type=int,
        default=None,
        help="largest batch timed on the (slow) strict engine (default: 1; all with --quick)",
    )
    p.add_argument(
        "--threads",
        type=int,
        default=None,
        help="set torch's and OpenCV's thread counts (default: the libraries' own defaults)",
    )
    p.add_argument(
        "--min-time",
        type=float,
        default=0.2,
        help="seconds each implementation runs per cell, interleaved (default 0.2; more "
        "rounds make the medians steadier on a shared machine)",
    )
    args = p.parse_args(argv)
    if args.ops is None:
        every = cases.ops()
        picked = [k for k, o in every.items() if args.group is None or o.group in args.group]
        with_overhead = args.group is None or "filters" in args.group
        args.ops = picked + (["overhead"] if with_overhead else [])
    return args


def _set_threads(n):
    """Thread counts of torch and OpenCV, where the run imported them."""
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(n)
    if "cv2" in sys.modules:
        sys.modules["cv2"].setNumThreads(n)


def _settle_allocator():
    """Put glibc's allocator in the state a long-running program is in.

    glibc serves blocks above its mmap threshold (128 KiB at start) with fresh mappings,
    which page-fault on every call, until a large mapped block is freed: the threshold then
    rises to that block's size (at most 32 MiB).  Without this, whether each timed batch
    page-faults depends on what happened to be freed earlier in the run (measured: NumPy
    and OpenCV colour conversions both 2x slower), so free one 31 MiB block first.
    """
    block = np.empty(31 << 20, dtype=np.uint8)
    del block


def _meta(pv, quick):
    meta = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "numpy": np.__version__,
        "portvision": pv.__version__,
        "quick": quick,
        "engines": pv.available_backends(),
    }
    # versions from the installed metadata: importing a library only to report it would
    # change the process every timing runs in
    for mod, dist in (
        ("torch", "torch"),
        ("kornia", "kornia"),
        ("cv2", "opencv-python-headless"),
        ("scipy", "scipy"),
        ("skimage", "scikit-image"),
    ):
        try:
            meta[mod] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            meta[mod] = None
    torch = sys.modules.get("torch")
    if torch is not None:
        meta["torch_threads"] = torch.get_num_threads()
        meta["cuda"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    if "cv2" in sys.modules:
        meta["opencv_threads"] = sys.modules["cv2"].getNumThreads()
    meta["imported"] = sorted(m for m in ("torch", "kornia", "cv2", "skimage") if m in sys.modules)
    return meta


def run(argv=None) -> int:
    args = _parse(argv)
    import portvision as pv

    _settle_allocator()
    # select first, so that only the chosen engines' and peers' libraries get imported
    peers = cases.installed_peers(args.peers)
    targets = cases.engine_targets(pv, args.engines)
    if args.threads is not None:
        _set_threads(args.threads)

    t_start = time.perf_counter()
    quick = args.quick
    hw = (64, 64) if quick else (256, 256)
    sweep = (1, 2) if quick else (1, 8, 32, 128)
    single = (2,) if quick else (8,)
    strict_max = (
        args.strict_max_batch if args.strict_max_batch is not None else (max(sweep) if quick else 1)
    )
    budget = Budget(3, 0.0, 1.0) if quick else Budget(7, args.min_time, 4.0)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)

    meta = _meta(pv, quick)
    print("# portvision benchmarks" + (" (quick)" if quick else ""))
    print(", ".join(f"{k}={v}" for k, v in meta.items()))
    print()

    all_ops = cases.ops()
    rng = np.random.default_rng(0)
    results, notes = [], []
    for key in [o for o in args.ops if o != "overhead"]:
        op = all_ops[key]
        op_hw = op.hw if op.hw is not None and not quick else hw
        for b in sweep if key in SWEEP_OPS else single:
            x = rng.random((b, 3) + op_hw, dtype=np.float32)
            impls, status = {}, {}
            for t in targets:
                if t.engine == "strict" and b > strict_max:
                    continue
                try:
                    impls[t.label] = cases.build_pv(pv, op, t, x)
                except cases.Missing:
                    status[t.label] = "n/a"
            for peer, build in op.peers.items():
                if peer in peers:
                    impls[peer] = build(x)
            timed = time_cell(impls, budget)
            for impl in list(status) + list(timed):
                r = {"op": op.name, "B": b, "H": op_hw[0], "W": op_hw[1], "impl": impl}
                if impl in status:
                    r["status"] = status[impl]
                elif "error" in timed[impl]:
                    r["status"] = "error"
                    notes.append(f"{op.name} B={b} {impl}: {timed[impl]['error']}")
                else:
                    r.update(timed[impl])
                results.append(r)
            print(
                f"  timed {op.name} B={b} ({time.perf_counter() - t_start:.0f} s)", file=sys.stderr
            )

    if results:
        print(
            f"## Time per batch, (B, 3, {hw[0]}, {hw[1]}) float32 "
            "(`x peer` = portvision time / peer time; < 1 is faster)\n"
        )
        print(report.results_table(results, peers))
        print()
    ov = []
    if "overhead" in args.ops:
        engines = [e for e in pv.available_backends() if e in ("numpy", "torch", "cupy")]
        ov = overhead.measure(pv, engines, 1000 if quick else 20000)
        print(
            "## Per-call overhead, (1, 3, 32, 32) float32, microseconds "
            "(target: dispatch < 5 us; torch with 1 thread)\n"
        )
        print(report.overhead_table(ov))
        print()
    for n in notes:
        print(f"note: {n}")
    if "sobel" in args.ops:
        skipped = report.plot(out_dir / "sobel.png", results, "sobel", hw)
        if skipped:
            print(f"note: {skipped}")
        else:
            print(f"wrote {out_dir / 'sobel.png'}")
    elapsed = time.perf_counter() - t_start
    meta["elapsed_s"] = round(elapsed, 1)
    report.write_json(
        out_dir / "results.json", {"meta": meta, "results": results, "overhead": ov, "notes": notes}
    )
    print(f"wrote {out_dir / 'results.json'}; total {elapsed:.1f} s")
    return 0


def main() -> None:
    sys.exit(run())


if __name__ == "__main__":
    main()
