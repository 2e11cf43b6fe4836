"""``portvision demo``: edges, blur and a perspective warp on every engine, with timings.

Loads the bundled sample photograph (or ``--input``), runs ``sobel``,
``canny``, ``gaussian_blur2d`` and a "warp" on every available engine, checks
that the engines agree with the NumPy engine, times them, runs a small Sobel
benchmark and writes a montage PNG (original | sobel | canny | blur | warp).

The warp is ``geometry.warp_perspective`` (bilinear, zero padding) with the
homography that maps the image's corners onto a tilted trapezoid
(``geometry.get_perspective_transform``).

Host-side NumPy only: no framework is imported here; other engines are
reached through ``portvision.backends``.
"""

from __future__ import annotations

import statistics
import struct
import sys
import time
import zlib
from importlib import resources
from pathlib import Path

import numpy as np

import portvision as pv

BLUR = ((9, 9), (2.0, 2.0))  # gaussian_blur2d kernel_size, sigma
TILT = 0.2  # fraction of the width by which the warp pulls in the top corners


# -- image I/O (Pillow, else imageio, else a small PNG codec) ---------------
def _sample_path() -> Path:
    return Path(str(resources.files("portvision.data").joinpath("sample.png")))


def read_image(path: str | Path | None = None) -> np.ndarray:
    """``(H, W, 3)`` uint8 RGB image from ``path`` (default: the bundled sample).

    Uses Pillow, else imageio, else (for 8-bit PNGs) the small decoder below.
    """
    path = Path(path) if path is not None else _sample_path()
    try:
        from PIL import Image

        with Image.open(path) as im:
            return _to_rgb_uint8(np.asarray(im.convert("RGB")))
    except ImportError:
        pass
    try:
        import imageio.v3 as iio

        return _to_rgb_uint8(np.asarray(iio.imread(path)))
    except Exception:  # imageio missing, or missing its own (Pillow) plugin
        pass
    return _to_rgb_uint8(read_png(path))


def read_png(path) -> np.ndarray:
    """Decode a non-interlaced 8-bit PNG (gray, gray+alpha, RGB, RGBA) without Pillow.

    Returns ``(H, W, channels)`` uint8.

    Example:
        >>> import os, tempfile
        >>> import numpy as np
        >>> img = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3) * 9
        >>> path = os.path.join(tempfile.mkdtemp(), "x.png")
        >>> write_png(path, img)
        >>> back = read_png(path)
        >>> back.shape, bool((back == img).all())
        ((2, 3, 3), True)
    """
    data = Path(path).read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG file (install Pillow or imageio for other formats)")
    pos, idat, header = 8, [], None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos : pos + 4])
        tag, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + n]
        pos += 12 + n
        if tag == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif tag == b"IDAT":
            idat.append(body)
    w, h, depth, ctype, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(ctype)
    if depth != 8 or channels is None or interlace:
        raise ValueError(f"{path}: only 8-bit non-interlaced PNGs decode without Pillow")
    raw = np.frombuffer(zlib.decompress(b"".join(idat)), dtype=np.uint8).reshape(
        h, 1 + w * channels
    )
    rows, prev = [], np.zeros(w * channels, dtype=np.int64)
    for kind, line in zip(raw[:, 0], raw[:, 1:].astype(np.int64), strict=True):
        prev = _unfilter(int(kind), line, prev, channels)
        rows.append(prev)
    return np.stack(rows).astype(np.uint8).reshape(h, w, channels)


def _unfilter(kind: int, line, up, bpp: int):
    """Undo one PNG row filter (0 none, 1 sub, 2 up, 3 average, 4 Paeth)."""
    if kind == 0:
        return line
    if kind == 1:
        return np.cumsum(line.reshape(-1, bpp), axis=0).reshape(-1) % 256
    if kind == 2:
        return (line + up) % 256
    out = [0] * len(line)
    for i, v in enumerate(line.tolist()):
        a = out[i - bpp] if i >= bpp else 0
        b, c = int(up[i]), (int(up[i - bpp]) if i >= bpp else 0)
        if kind == 3:
            pred = (a + b) // 2
        else:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
        out[i] = (v + pred) % 256
    return np.asarray(out, dtype=np.int64)


def _to_rgb_uint8(img: np.ndarray) -> np.ndarray:
    if img.dtype != np.uint8:  # matplotlib reads PNGs as floats in [0, 1]
        img = np.clip(np.round(img.astype(np.float64) * 255), 0, 255).astype(np.uint8)
    if img.ndim == 2:
        img = np.stack([img] * 3, axis=-1)
    return img[..., :3]


def write_png(path: Path, rgb: np.ndarray) -> None:
    """Write an ``(H, W, 3)`` uint8 image (Pillow if present, else a minimal PNG encoder)."""
    try:
        from PIL import Image

        Image.fromarray(rgb).save(path)
        return
    except ImportError:
        pass
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[i].tobytes() for i in range(h))  # filter type 0 per row

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
    Path(path).write_bytes(png)


# -- engines and steps -----------------------------------------------------------------------
def engine_targets(names=None) -> list[tuple[str, str, object]]:
    """``(label, engine, device)`` for every usable engine (torch also on CUDA when present)."""
    probe = np.zeros((1, 1, 2, 2), dtype=np.float32)
    out = []
    for name in pv.available_backends():
        if names and name not in names:
            continue
        eng = pv.backends.get_engine(name)
        out.append(
            (name + ("-cpu" if "cuda" in eng.device_kinds and name != "cupy" else ""), name, None)
        )
        if name == "torch":
            try:  # a CUDA device is usable when an array can be placed on it
                eng.to_numpy(eng.from_numpy(probe, "cuda"))
                out.append(("torch-cuda", name, "cuda"))
            except Exception:
                pass
    return out


def _warp(x):
    """Perspective tilt of the whole image (the top edge pulled in by ``TILT``)."""
    eng = pv.backends.get_engine(_engine_name(x))
    h, w = x.shape[-2:]
    src = np.array([[[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]]], dtype=np.float64)
    dst = src.copy()
    dst[0, :2, 0] += np.array([1, -1]) * TILT * (w - 1)
    m = pv.geometry.get_perspective_transform(src, dst).astype(
        eng.to_numpy(x[:1, :1, :1, :1]).dtype
    )
    return pv.geometry.warp_perspective(x, eng.from_numpy(m, eng.device(x)), (h, w))


def _engine_name(x) -> str:
    from portvision._dispatch import dispatch1

    return dispatch1("input", x)[0].name


STEPS = {
    "sobel": lambda f, x: f.sobel(x),
    "canny": lambda f, x: f.canny(x)[1],
    "blur": lambda f, x: f.gaussian_blur2d(x, *BLUR),
    "warp": lambda f, x: _warp(x),
}
NEEDS = {"sobel": "sobel", "canny": "canny", "blur": "gaussian_blur2d", "warp": None}


def run_steps(eng, x, repeats: int = 3) -> dict:
    """step -> (NumPy result, median ms incl. the copy to host) or (None, 'n/a'/'error')."""
    res = {}
    for step, fn in STEPS.items():
        need = NEEDS[step]
        if need is not None and not hasattr(pv.filters, need):
            res[step] = (None, "n/a")
            continue
        try:
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                out = eng.to_numpy(fn(pv.filters, x))  # to host: also waits for a GPU
                times.append((time.perf_counter() - t0) * 1e3)
            res[step] = (out, statistics.median(times))
        except Exception as exc:  # one broken step must not hide the others
            res[step] = (None, f"error: {type(exc).__name__}: {exc}"[:120])
    return res


FLOAT_TOL = 1e-4  # float32 results in [0, ~1.5]: rounding-level differences only
CANNY_TOL = 1e-3  # fraction of edge pixels allowed to differ (float32 threshold ties)


def _agreement(step, ref, out) -> tuple[str, bool]:
    """Text for the table and whether ``out`` agrees with the reference ``ref``."""
    if ref is None and out is None:
        return "-", True
    if ref is None or out is None:  # an engine failed a step the other ran
        return "failed", False
    if ref.shape != out.shape:
        return f"shape {out.shape} != {ref.shape}", False
    if step == "canny":  # binary maps: count pixels that differ (threshold ties)
        n = int(np.count_nonzero(ref != out))
        return f"{n} px differ", n <= CANNY_TOL * ref.size
    d = float(np.max(np.abs(ref.astype(np.float64) - out)))
    return f"{d:.1e}", d <= FLOAT_TOL


# -- montage ---------------------------------------------------------------------------------
def _panel(a: np.ndarray, size: tuple[int, int], scale: str = "max") -> np.ndarray:
    """(C, h, w) float result -> (H, W, 3) uint8 panel, centred on a black canvas."""
    a = np.asarray(a, dtype=np.float64)
    a = a.max(axis=0, keepdims=True) if scale == "max" and a.shape[0] == 3 else a
    if scale == "max":
        top = np.percentile(a, 99.5)
        a = a / top if top > 0 else a
    rgb = np.repeat(a, 3, axis=0) if a.shape[0] == 1 else a
    img = np.clip(np.round(rgb.transpose(1, 2, 0) * 255), 0, 255).astype(np.uint8)
    dh, dw = size[0] - img.shape[0], size[1] - img.shape[1]
    return np.pad(img, ((dh // 2, dh - dh // 2), (dw // 2, dw - dw // 2), (0, 0)))


def montage(original: np.ndarray, results: dict) -> tuple[np.ndarray, list[str]]:
    size = original.shape[1:]
    panels, labels = [_panel(original, size, "clip")], ["original"]
    for step, scale in (("sobel", "max"), ("canny", "clip"), ("blur", "clip"), ("warp", "clip")):
        out = results.get(step, (None,))[0]
        if out is not None:
            panels.append(_panel(out[0], size, scale))
            labels.append(step)
    gap = np.full((size[0], 4, 3), 255, dtype=np.uint8)
    row = [p for panel in panels for p in (panel, gap)][:-1]
    return np.concatenate(row, axis=1), labels


# -- benchmark -------------------------------------------------------------------------------
def sobel_benchmark(
    targets, image: np.ndarray, batch: int = 8, runs: int = 5
) -> list[tuple[str, str]]:
    """Median ms of ``sobel`` on ``(batch, 3, H, W)`` float32 per engine (strict skipped: slow)."""
    if not hasattr(pv.filters, "sobel"):
        return [("all", "n/a (sobel missing)")]
    xb = np.ascontiguousarray(np.broadcast_to(image, (batch,) + image.shape[1:]))
    rows = []
    for label, name, device in targets:
        if name == "strict":
            rows.append((label, "skipped (reference engine)"))
            continue
        eng = pv.backends.get_engine(name)
        x = eng.from_numpy(xb, device)
        eng.to_numpy(pv.filters.sobel(x))  # warm-up
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            eng.to_numpy(pv.filters.sobel(x))
            times.append((time.perf_counter() - t0) * 1e3)
        rows.append((label, f"{statistics.median(times):.2f}"))
    return rows


def _table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return "\n".join(["\n".join(lines)] + ["| " + " | ".join(r) + " |" for r in rows])


def run(
    input_path=None, out_dir="portvision-demo", engines=None, bench: bool = True
) -> tuple[Path, bool]:
    """Run the demo; returns the montage PNG's path and whether all engines agreed."""
    img = read_image(input_path)
    x_np = img.transpose(2, 0, 1)[None].astype(np.float32) / 255.0
    print(
        f"portvision {pv.__version__}: image {input_path or _sample_path().name} "
        f"{img.shape[1]}x{img.shape[0]}, "
        f"engines {pv.available_backends()}"
    )
    targets = engine_targets(engines)
    results = {}
    for label, name, device in targets:
        eng = pv.backends.get_engine(name)
        results[label] = run_steps(eng, eng.from_numpy(x_np, device))
    ref_label = next((t[0] for t in targets if t[1] == "numpy"), targets[0][0])
    ref = results[ref_label]
    rows, agree, errors = [], True, False
    for label, _, _ in targets:
        r = results[label]
        cells = []
        for step in STEPS:
            out, t = r[step]
            cells.append(t if isinstance(t, str) else f"{t:.1f}")
            errors = errors or (isinstance(t, str) and t.startswith("error"))
        diffs = ["reference"]
        if label != ref_label:
            diffs = []
            for s in STEPS:
                text, ok = _agreement(s, ref[s][0], r[s][0])
                diffs.append(f"{s}: {text}" + ("" if ok else " MISMATCH"))
                agree = agree and ok
        rows.append([label] + cells + ["; ".join(diffs)])
    print(
        "\nPer-engine time (ms, median of 3, incl. copy to host) and max |difference| vs "
        f"{ref_label}:\n"
    )
    print(_table(["engine"] + list(STEPS) + ["agreement"], rows))
    if errors:
        print("ERROR: a step failed (see the table)")
    print(
        "engines agree"
        if agree
        else "MISMATCH: an engine differs from the reference beyond "
        f"{FLOAT_TOL} (floats) / {CANNY_TOL:.1%} of pixels (canny)"
    )
    if bench:
        print("\nSobel, (8, 3, H, W) float32 batch of the image, median of 5 (ms per batch):\n")
        print(_table(["engine", "ms"], [list(r) for r in sobel_benchmark(targets, x_np)]))
        print("(full comparison with Kornia/OpenCV/SciPy/scikit-image: python -m benchmarks)")
    grid, labels = montage(x_np[0], ref)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "montage.png"
    write_png(path, grid)
    print(f"\nwrote {path} ({' | '.join(labels)}; {ref_label} results; warp = perspective tilt)")
    return path, agree and not errors


def main(argv=None) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="portvision demo", description=__doc__.split("\n\n")[0])
    add_arguments(p)
    a = p.parse_args(argv)
    return 0 if run(a.input, a.out, a.engines, not a.no_bench)[1] else 1


def add_arguments(p) -> None:
    p.add_argument("--input", default=None, help="image file (default: the bundled sample)")
    p.add_argument("--out", default="portvision-demo", help="folder for montage.png")
    p.add_argument("--engines", nargs="+", default=None, help="subset of the available engines")
    p.add_argument("--no-bench", action="store_true", help="skip the small Sobel benchmark")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
