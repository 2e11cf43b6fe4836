"""Markdown table, JSON file and log-log plot of a benchmark run."""

from __future__ import annotations

import json
from pathlib import Path


def _fmt(v, digits=3):
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    return f"{v:.{digits}g}" if v < 100 else f"{v:.0f}"


def results_table(results: list[dict], peers: list[str]) -> str:
    """One row per (op, B, implementation); ``x peer`` = our time / the peer's (< 1: faster)."""
    head = ["op", "B", "impl", "ms/batch", "ms/image", "runs"] + [f"x {p}" for p in peers]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    by_cell: dict = {}
    for r in results:
        by_cell.setdefault((r["op"], r["B"]), {})[r["impl"]] = r
    for (op, b), cell in by_cell.items():
        for impl, r in cell.items():
            ms = r.get("ms")
            status = r.get("status")
            ratios = []
            for p in peers:
                pr = cell.get(p, {}).get("ms")
                ok = impl.startswith("pv-") and ms is not None and pr
                ratios.append(f"{ms / pr:.3g}" if ok else "")
            row = [
                op,
                str(b),
                impl,
                _fmt(ms) if ms is not None else status,
                _fmt(ms / b) if ms is not None else "",
                str(r.get("runs", "")),
            ] + ratios
            lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def overhead_table(rows: list[dict]) -> str:
    head = [
        "engine",
        "no-op us",
        "dispatch1 us",
        "dispatch us",
        "eng.correlate us",
        "filter2d us",
        "filter2d overhead us",
    ]
    keys = [
        "noop_us",
        "dispatch1_us",
        "dispatch_us",
        "correlate_us",
        "filter2d_us",
        "filter2d_overhead_us",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        lines.append("| " + " | ".join([r["engine"]] + [f"{r[k]:.2f}" for k in keys]) + " |")
    return "\n".join(lines)


def write_json(path: Path, payload: dict) -> None:
    path.write_text(json.dumps(payload, indent=2, default=str))


def plot(path: Path, results: list[dict], op: str, hw: tuple[int, int]) -> str | None:
    """Time per image vs batch size (log-log) for ``op``; returns a note when skipped."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed: plot skipped"
    series: dict = {}
    for r in results:
        if r["op"] == op and r.get("ms") is not None:
            series.setdefault(r["impl"], []).append((r["B"], r["ms"] / r["B"]))
    if not series:
        return f"no timings for {op}: plot skipped"
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for impl, pts in series.items():
        pts.sort()
        style = "-o" if impl.startswith("pv-") else "--s"
        ax.plot([p[0] for p in pts], [p[1] for p in pts], style, label=impl)
    ax.set_xscale("log", base=2)
    bs = sorted({b for pts in series.values() for b, _ in pts})
    ax.set_xticks(bs, [str(b) for b in bs])
    ax.minorticks_off()
    ax.set_yscale("log")
    ax.set_xlabel("batch size B")
    ax.set_ylabel(f"ms per image (3 x {hw[0]} x {hw[1]} float32)")
    ax.set_title(f"{op}: time per image (median)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return None
