"""Recall@k vs QPS curves of `./bench.sh hnsw-vs-lucene` result files, ours beside Lucene, as a PNG.

usage: ./bench.sh plot-curves --out PNG [--machine TEXT] [--target 0.95] RESULTS.jsonl...

One subplot per input file (one data set and quantization; `--out` of `hnsw-vs-lucene`), both
engines in it: every pass as a faint point and, per beam width, the median QPS over the passes as a
line, QPS on a log scale, a vertical line at the target recall. The date comes from the file name
(`...-20261206T0026Z.jsonl`); the machine is not in the results, so `--machine` names it.
"""
import argparse
import json
import math
import re
import statistics
import sys
import textwrap
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")  # no display on the benchmark machines
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
from matplotlib.ticker import FuncFormatter, LogLocator  # noqa: E402
from PIL import Image  # noqa: E402  (Pillow: matplotlib's own dependency)

REQUIRED = ("engine", "pass", "ef", "recall_at_k", "qps", "quantization", "data")
# Ours solid with circles, Lucene dashed with squares: apart in grey print too.
STYLE = {
    "vectaraft": dict(color="tab:blue", linestyle="-", marker="o"),
    "lucene": dict(color="tab:orange", linestyle="--", marker="s"),
}
QUANTIZATION_NAME = {"none": "float32", "int8": "int8", "int7": "int7", "binary": "1-bit"}


def fail(message):
    print(f"bench plot-curves: {message}", file=sys.stderr)
    sys.exit(2)


def parse_args():
    p = argparse.ArgumentParser(prog="bench.sh plot-curves", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("results", nargs="+", help="JSONL files of ./bench.sh hnsw-vs-lucene --out")
    p.add_argument("--out", required=True, help="PNG to write")
    p.add_argument("--machine", default="", help="where the results were taken, for the title")
    p.add_argument("--target", type=float, default=0.95, help="recall marked by a vertical line")
    return p.parse_args()


def read_results(path):
    """The result lines of one file; exits with the file and line on anything else."""
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError as e:
        fail(f"cannot read {path}: {e.strerror}")
    except UnicodeDecodeError:
        fail(f"cannot read {path}: not text; expected the --out file of hnsw-vs-lucene")
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            fail(f"{path}:{number}: not a JSON line ({e.msg}); "
                 "expected the --out file of hnsw-vs-lucene")
        missing = [k for k in REQUIRED if not isinstance(row, dict) or k not in row]
        if missing:
            fail(f"{path}:{number}: missing {', '.join(missing)}")
        if row["engine"] not in STYLE:
            fail(f"{path}:{number}: engine {row['engine']!r}, expected one of {', '.join(STYLE)}")
        rows.append(row)
    if not rows:
        fail(f"{path}: no result lines")
    return rows


def run_date(path):
    """'2026-12-06 00:26 UTC' from a name ending in -20261206T0026Z.jsonl, else None."""
    m = re.search(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z", path)
    return m and f"{m[1]}-{m[2]}-{m[3]} {m[4]}:{m[5]} UTC"


def median_curve(rows):
    """(ef, recall, QPS) per beam width, medians over the passes, in beam order.

    Recall is the same in every pass (one index, searched again), QPS is not: the median keeps one
    pass disturbed by the shared machine from bending the line.
    """
    by_ef = defaultdict(list)
    for r in rows:
        by_ef[r["ef"]].append(r)
    return [(ef, statistics.median(r["recall_at_k"] for r in group),
             statistics.median(r["qps"] for r in group))
            for ef, group in sorted(by_ef.items())]


def ef_labels(curve, x_span, decades):
    """Beam-width labels, one per group of points that would print on top of each other (within 3%
    of the panel's width and height): "16, 32" when a beam narrower than oversample x k is widened
    to it and both search alike, as with 1-bit."""
    labels = []
    for ef, recall, qps in curve:
        if labels:
            efs, last_recall, last_qps = labels[-1]
            if (abs(recall - last_recall) / x_span < 0.03
                    and abs(math.log10(qps / last_qps)) / decades < 0.03):
                efs.append(ef)
                continue
        labels.append(([ef], recall, qps))
    return [(", ".join(map(str, efs)), recall, qps) for efs, recall, qps in labels]


def engine_label(rows):
    """'Lucene 10.6 (int7, 3 passes)': Lucene's version from its impl, 'lucene-10.6/...'."""
    first = rows[0]
    name = first["engine"]
    if name == "lucene":
        name = first.get("impl", "lucene").split("/")[0].replace("lucene-", "Lucene ")
    detail = QUANTIZATION_NAME.get(first["quantization"], first["quantization"])
    if first.get("on_disk"):
        detail += ", on_disk"
    return f"{name} ({detail}, {len({r['pass'] for r in rows})} passes)"


def panel_title(rows, path):
    """Data set and quantization on the first line, date and shared settings on the second."""
    first = rows[0]
    quants = []
    for engine in STYLE:
        q = next((r["quantization"] for r in rows if r["engine"] == engine), None)
        if q and QUANTIZATION_NAME.get(q, q) not in quants:
            quants.append(QUANTIZATION_NAME.get(q, q))
    what = f"{first['data']}, {' vs '.join(quants)}"
    if any(r.get("on_disk") for r in rows if r["engine"] == "vectaraft"):
        what += ", ours on_disk"
    if first.get("oversample", 1) > 1:
        what += f", oversample {first['oversample']:g}"
    shown = (("k", "k"), ("m", "M"), ("ef_construction", "efC"), ("threads", "threads"))
    settings = ", ".join(f"{label} {first[key]}" for key, label in shown if key in first)
    when = run_date(path) or "undated"
    return f"{what}\n{when}; {settings}"


def draw_engine(ax, rows, style, x_span, decades):
    """One engine's passes as faint points, its median curve as a line, ef beside the points."""
    ax.scatter([r["recall_at_k"] for r in rows], [r["qps"] for r in rows],
               color=style["color"], marker=style["marker"], s=14, alpha=0.25, linewidths=0)
    curve = median_curve(rows)
    ax.plot([c[1] for c in curve], [c[2] for c in curve], label=engine_label(rows),
            markersize=5, linewidth=1.6, **style)
    # Ours above right, Lucene below left: off the falling lines and off each other's labels.
    dx, dy, align = (3, 6, "left") if rows[0]["engine"] == "vectaraft" else (-4, -11, "right")
    for text, recall, qps in ef_labels(curve, x_span, decades):
        ax.annotate(text, (recall, qps), fontsize=7, color=style["color"], ha=align,
                    textcoords="offset points", xytext=(dx, dy))


def log_qps_axis(ax):
    ax.set_yscale("log")
    # Plain numbers, on minor ticks too, and more of them than 2..9 x 10^n: most panels span less
    # than a decade of QPS, and 10,000-20,000 would otherwise have no tick in between.
    subs = (1, 1.2, 1.4, 1.6, 1.8, 2, 2.5, 3, 4, 5, 6, 7, 8, 9)
    ax.yaxis.set_minor_locator(LogLocator(subs=subs))
    plain = FuncFormatter(lambda v, _: f"{v:,.0f}")
    ax.yaxis.set_major_formatter(plain)
    ax.yaxis.set_minor_formatter(plain)
    ax.tick_params(axis="y", which="minor", labelsize=8)
    ax.set_ylabel("queries per second (log)")


def draw_panel(ax, rows, path, target):
    # The target stays in view even when no curve reaches it (1-bit): the gap is the finding.
    lo = min(r["recall_at_k"] for r in rows)
    hi = max(target, max(r["recall_at_k"] for r in rows))
    pad = max(0.01, (hi - lo) * 0.06)
    decades = max(0.1, math.log10(max(r["qps"] for r in rows) / min(r["qps"] for r in rows)))
    for engine, style in STYLE.items():
        mine = [r for r in rows if r["engine"] == engine]
        if mine:
            draw_engine(ax, mine, style, hi - lo + 2 * pad, decades)
    ax.axvline(target, color="grey", linestyle=":", linewidth=1.2, label=f"recall {target:g}")
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_xlabel(f"recall@{rows[0].get('k', 10)}")
    log_qps_axis(ax)
    ax.set_title(panel_title(rows, path), fontsize=9)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="best")


def write_png(fig, path):
    """The figure as a 256-colour PNG: about a third of the bytes of matplotlib's RGBA for a chart
    of lines and text, small enough to keep in git."""
    fig.set_dpi(100)
    fig.canvas.draw()
    image = Image.frombuffer("RGBA", fig.canvas.get_width_height(), fig.canvas.buffer_rgba())
    try:
        image.convert("RGB").quantize(colors=256).save(path, format="PNG", optimize=True)
    except OSError as e:
        fail(f"cannot write {path}: {e.strerror or e}")


def main():
    a = parse_args()
    panels = [(path, read_results(path)) for path in a.results]
    cols = min(3, len(panels))
    grid_rows = -(-len(panels) // cols)
    fig, axes = plt.subplots(grid_rows, cols, figsize=(5.3 * cols, 4.9 * grid_rows), squeeze=False,
                             layout="constrained")
    for ax, (path, rows) in zip(axes.flat, panels):
        draw_panel(ax, rows, path, a.target)
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    lines = ["HNSW recall vs QPS, ours beside Lucene: one search thread, one query per call",
             a.machine,
             "faint points: each pass; lines: median QPS per beam width (ef, labelled)"]
    # About 11 characters of 11-point text per inch: one panel is narrower than a line.
    width = int(11 * fig.get_figwidth())
    fig.suptitle("\n".join(textwrap.fill(line, width) for line in lines if line), fontsize=11)
    write_png(fig, a.out)
    print(f"bench plot-curves: wrote {a.out}, panels: {len(panels)}", file=sys.stderr)


if __name__ == "__main__":
    main()
