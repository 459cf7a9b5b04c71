"""The report's pictures: one function per figure, drawing rows a query already computed.

WHY no computing here: every number a picture shows comes from a SQL query (sql/report/), so the
markdown tables and the pictures cannot disagree and the tests can check the figures without reading
pixels. Pictures are made on matplotlib `Figure` objects with the Agg canvas (no pyplot state, no
display), with a title, labelled axes and units, so a PNG is readable on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import PercentFormatter

DPI = 110
BLUE, ORANGE, GREEN, RED, GREY, PURPLE = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#7f7f7f", "#9467bd"
SERIES = (BLUE, ORANGE, GREEN, PURPLE, RED, GREY)


def _save(fig: Figure, path: Path) -> Path:
    FigureCanvasAgg(fig)
    fig.savefig(path, dpi=DPI, metadata={"Software": None})
    return path


def _percent_axis(ax: Axes) -> None:
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))  # decimals follow the axis range (0.2 %, 40 %)


def rating_by_source(hist: pl.DataFrame, summary: pl.DataFrame, path: Path, bin_width: float) -> Path:
    """Small multiples: one histogram of rating means per source, with its median marked."""
    sources = summary["source"].to_list()
    cols = 3 if len(sources) > 4 else max(1, len(sources))
    rows = -(-len(sources) // cols)
    fig = Figure(figsize=(4.2 * cols, 2.9 * rows + 0.9), layout="constrained")
    axes = fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False).ravel()
    stats = {r["source"]: r for r in summary.iter_rows(named=True)}
    for ax, source in zip(axes, sources, strict=False):
        part = hist.filter(pl.col("source") == source)
        ax.bar(part["bin"], part["share"], width=bin_width * 0.9, color=BLUE)
        s = stats[source]
        if s["median"] is not None:
            ax.axvline(s["median"], color=RED, linestyle="--", linewidth=1.2, label=f"median {s['median']:.2f}")
            ax.legend(loc="upper left", fontsize=8, frameon=False)
        ax.set_title(f"{source}  (n = {s['rated']:,} rated)", fontsize=10)
        ax.grid(axis="y", alpha=0.3)
        _percent_axis(ax)
    for ax in axes[len(sources):]:
        ax.set_visible(False)
    for ax in axes[(rows - 1) * cols:]:
        ax.set_xlabel("rating mean (1–5)")
    for ax in axes[::cols]:
        ax.set_ylabel("share of completions")
    axes[0].set_xlim(1 - bin_width, 5 + bin_width)
    fig.suptitle("Rating mean of every completion, per UltraFeedback source", fontsize=13)
    return _save(fig, path)


def score_vs_rating(cells: pl.DataFrame, path: Path, bin_width: float, score_min: float, mean_max: float) -> Path:
    """Heat map of critique score against rating mean; the defect signature region is outlined."""
    fig = Figure(figsize=(8.5, 5.2), layout="constrained")
    ax = fig.subplots()
    bins = [round(1 + i * bin_width, 6) for i in range(round(4 / bin_width) + 1)]
    index = {b: i for i, b in enumerate(bins)}
    grid = [[0.0] * len(bins) for _ in range(10)]
    for r in cells.iter_rows(named=True):
        score, b = int(r["score"]), round(float(r["rating_bin"]), 6)
        if 1 <= score <= 10 and b in index:
            grid[score - 1][index[b]] += r["completions"]
    masked = [[v if v > 0 else float("nan") for v in row] for row in grid]
    top = max((v for row in grid for v in row), default=1) or 1
    image = ax.imshow(masked, origin="lower", aspect="auto", cmap="viridis", norm=LogNorm(vmin=1, vmax=max(top, 2)),
                      extent=(1 - bin_width / 2, 5 + bin_width / 2, 0.5, 10.5))
    fig.colorbar(image, ax=ax, label="completions (log scale)")
    ax.add_patch(Rectangle((1 - bin_width / 2, score_min - 0.5), mean_max - 1 + bin_width, 10.5 - score_min + 0.5,
                           fill=False, edgecolor=RED, linewidth=2))
    ax.text(1 - bin_width / 2 + 0.05, score_min - 0.75, f"defect signature: score ≥ {score_min:g}, mean ≤ {mean_max:g}",
            color=RED, fontsize=9, va="top")
    ax.set_xticks(range(1, 6))
    ax.set_yticks(range(1, 11))
    ax.set_xlabel(f"rating mean (1–5, bins of {bin_width:g})")
    ax.set_ylabel("critique overall_score (1–10, rounded)")
    ax.set_title("Critique score against rating mean, every completion")
    return _save(fig, path)


def margins(hist: pl.DataFrame, path: Path, rating_bin: float, score_bin: float) -> Path:
    """Two histograms of chosen-minus-rejected margins; zero and negative bins in other colours."""
    fig = Figure(figsize=(11, 4.2), layout="constrained")
    axes = fig.subplots(1, 2)
    specs = (("rating", rating_bin, "chosen − rejected rating mean (points on the 1–5 scale)"),
             ("score", score_bin, "chosen − rejected overall_score (points on the 1–10 scale)"))
    for ax, (measure, width, label) in zip(axes, specs, strict=True):
        part = hist.filter(pl.col("measure") == measure)
        if part.is_empty():
            ax.text(0.5, 0.5, "no pairs with this measure", ha="center", va="center", transform=ax.transAxes)
        colours = [RED if b < 0 else GREY if b == 0 else BLUE for b in part["bin"]]
        ax.bar(part["bin"], part["pairs"], width=width * 0.9, color=colours)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel(label)
        ax.set_ylabel("preference pairs")
        ax.set_title(f"{'Rating-mean' if measure == 'rating' else 'Critique-score'} margin")
        ax.grid(axis="y", alpha=0.3)
    handles = [Rectangle((0, 0), 1, 1, color=c) for c in (BLUE, GREY, RED)]
    fig.legend(handles, ["chosen ahead", "tie (margin exactly 0)", "rejected ahead"], loc="outside lower center",
               ncols=3, frameon=False)
    fig.suptitle("Chosen-minus-rejected margin of every preference pair", fontsize=13)
    return _save(fig, path)


def drop_reasons(reasons: pl.DataFrame, path: Path) -> Path:
    """Horizontal bars, largest reason on top, each labelled with its count and input share."""
    data = reasons.sort("records")
    fig = Figure(figsize=(9, 1.2 + 0.5 * max(1, data.height)), layout="constrained")
    ax = fig.subplots()
    bars = ax.barh(data["reason"], data["records"], color=ORANGE)
    labels = [f"{n:,} ({s:.1%})" for n, s in zip(data["records"], data["input_share"], strict=True)]
    ax.bar_label(bars, labels, padding=3, fontsize=9)
    ax.set_xlim(0, max(data["records"].max() or 1, 1) * 1.25)
    ax.set_xlabel("input records dropped")
    ax.set_ylabel("reason")
    ax.set_title("Why records did not become preference pairs")
    ax.grid(axis="x", alpha=0.3)
    return _save(fig, path)


def ties(shares: pl.DataFrame, path: Path) -> Path:
    """Grouped bars per source: ties at the top and full ties, by rating mean and by critique score."""
    series = (("top_tie_rating_share", "tie at the top, rating mean", BLUE, None),
              ("full_tie_rating_share", "all equal, rating mean", BLUE, "//"),
              ("top_tie_score_share", "tie at the top, overall_score", ORANGE, None),
              ("full_tie_score_share", "all equal, overall_score", ORANGE, "//"))
    sources = shares["source"].to_list()
    fig = Figure(figsize=(max(8, 1.5 * len(sources) + 3), 4.8), layout="constrained")
    ax = fig.subplots()
    width = 0.8 / len(series)
    for k, (col, label, colour, hatch) in enumerate(series):
        xs = [i + (k - 1.5) * width for i in range(len(sources))]
        values = shares[col].fill_null(0)
        bars = ax.bar(xs, values, width=width, label=label, color=colour if hatch is None else "white",
                      edgecolor=colour, hatch=hatch)
        ax.bar_label(bars, [f"{v:.1%}" for v in values], padding=1, fontsize=7)
    ax.set_xticks(range(len(sources)), sources)
    ax.set_xlabel("source")
    ax.set_ylabel("records with ≥ 2 completions")
    _percent_axis(ax)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=9, ncols=2, frameon=False, loc="upper left")
    top = max((shares[c].max() or 0) for c, *_ in series)
    ax.set_ylim(0, max(float(top), 0.01) * 1.3)
    ax.set_title("Ties between a record's completions")
    return _save(fig, path)


def mismatches(counts: pl.DataFrame, path: Path) -> Path:
    """Grouped bars: flagged share of each source's completions, one bar per reason, labelled with counts."""
    sources = sorted(set(counts["source"].to_list()))
    reasons = sorted(set(counts["reason"].to_list()))
    fig = Figure(figsize=(max(8, 1.4 * len(sources) + 3), 4.8), layout="constrained")
    ax = fig.subplots()
    width = 0.8 / max(1, len(reasons))
    for k, reason in enumerate(reasons):
        part = {r["source"]: r for r in counts.filter(pl.col("reason") == reason).iter_rows(named=True)}
        xs = [i + (k - (len(reasons) - 1) / 2) * width for i in range(len(sources))]
        shares = [part[s]["completion_share"] if s in part else 0 for s in sources]
        bars = ax.bar(xs, shares, width=width, label=reason, color=SERIES[k % len(SERIES)])
        ax.bar_label(bars, [f"{part[s]['flagged']:,}" if s in part else "0" for s in sources], padding=2,
                     fontsize=8)
    ax.set_xticks(range(len(sources)), sources)
    ax.set_xlabel("source")
    ax.set_ylabel("flagged completions (share of the source's)")
    _percent_axis(ax)
    top = float(counts["completion_share"].max() or 0.01)
    ax.set_ylim(0, top * 1.25)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(title="reason (bar label = count)", frameon=False, fontsize=9)
    ax.set_title("Score/rationale mismatches per source and reason")
    return _save(fig, path)


def contamination(counts: pl.DataFrame, path: Path) -> Path:
    """Grouped bars per benchmark: records caught by each method, and by any method (hollow bar)."""
    benchmarks = sorted(set(counts["benchmark"].to_list()))
    methods = [*sorted(set(counts["method"].to_list()) - {"any method"}), "any method"]
    fig = Figure(figsize=(max(7.5, 1.0 * len(benchmarks) * len(methods) / 2 + 3), 4.6), layout="constrained")
    ax = fig.subplots()
    width = 0.8 / len(methods)
    for k, method in enumerate(methods):
        part = {r["benchmark"]: r["records"] for r in counts.filter(pl.col("method") == method).iter_rows(named=True)}
        xs = [i + (k - (len(methods) - 1) / 2) * width for i in range(len(benchmarks))]
        values = [part.get(b, 0) for b in benchmarks]
        hollow = method == "any method"
        bars = ax.bar(xs, values, width=width, label=method, color="white" if hollow else SERIES[k % len(SERIES)],
                      edgecolor="black" if hollow else SERIES[k % len(SERIES)], hatch="//" if hollow else None)
        ax.bar_label(bars, [f"{v:,}" for v in values], padding=1, fontsize=8)
    ax.set_xticks(range(len(benchmarks)), benchmarks)
    ax.set_xlabel("benchmark")
    ax.set_ylabel("contaminated input records")
    ax.set_ylim(0, max(float(counts["records"].max() or 1), 1) * 1.2)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(title="caught by", frameon=False, fontsize=9)
    ax.set_title("Benchmark contamination: records flagged per benchmark and method")
    return _save(fig, path)


def chosen_differs(overlap: pl.DataFrame, path: Path, labels: Sequence[str], reference: float | None = 0.5) -> Path:
    """Bars per source: share of prompts both keep whose chosen completion differs; overall as a line."""
    per_source = overlap.filter((pl.col("source") != "all") & (pl.col("both_kept") > 0))
    overall = overlap.filter(pl.col("source") == "all")
    fig = Figure(figsize=(max(7.5, 1.3 * per_source.height + 3), 4.6), layout="constrained")
    ax = fig.subplots()
    rows = list(per_source.select("source", "differs_share", "chosen_differs", "both_kept").iter_rows())
    bars = ax.bar(range(len(rows)), [r[1] for r in rows], color=PURPLE)
    ax.set_xticks(range(len(rows)), [f"{src}\n{d:,} of {n:,}" for src, _, d, n in rows])
    # Inside the bar (clear of the reference lines) when there is room, on top of it otherwise.
    ax.bar_label(bars, [f"{x:.0%}" if x >= 0.1 else "" for _, x, _, _ in rows], label_type="center",
                 color="white", fontweight="bold", fontsize=10)
    ax.bar_label(bars, [f"{x:.0%}" if x < 0.1 else "" for _, x, _, _ in rows], padding=2, fontsize=9)
    if overall.height and overall["differs_share"][0] is not None:
        value = float(overall["differs_share"][0])
        ax.axhline(value, color=BLUE, linewidth=1.5, label=f"all sources: {value:.1%}")
    if reference is not None:
        ax.axhline(reference, color=GREY, linestyle=":", linewidth=1.5, label="Notus card, real data: ~50%")
    ax.set_ylim(0, 1.12)
    _percent_axis(ax)
    ax.set_xlabel("source (prompts whose chosen differs, of those both keep)")
    ax.set_ylabel("prompts both keep whose chosen differs")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(frameon=False, loc="upper right", fontsize=9)
    ax.set_title(f"Chosen completion: {labels[0]} vs {labels[1]}")
    return _save(fig, path)


def confusion(cells: pl.DataFrame, path: Path, labels: Sequence[str]) -> Path:
    """Heat map of chosen index under one rule against the other, counts and row shares written in."""
    size = int(max(cells["this_index"].max() or 0, cells["other_index"].max() or 0)) + 1
    grid = [[0] * size for _ in range(size)]
    for r in cells.iter_rows(named=True):
        grid[r["this_index"]][r["other_index"]] = r["records"]
    fig = Figure(figsize=(2.0 + 1.3 * size, 1.6 + 1.1 * size), layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(grid, cmap="Blues")
    fig.colorbar(image, ax=ax, label="prompts")
    top = max(max(row) for row in grid) or 1
    for i, row in enumerate(grid):
        total = sum(row) or 1
        for j, n in enumerate(row):
            ax.text(j, i, f"{n:,}\n{n / total:.0%}", ha="center", va="center", fontsize=9,
                    color="white" if n > top * 0.55 else "black")
    ax.set_xticks(range(size))
    ax.set_yticks(range(size))
    ax.set_xlabel(f"{labels[1]}: chosen completion index")
    ax.set_ylabel(f"{labels[0]}: chosen completion index")
    ax.set_title("Chosen index, prompts both keep\n(cell: prompts, share of the row)")
    return _save(fig, path)


def chosen_ratings(hist: pl.DataFrame, path: Path, labels: Sequence[str], rating_bin: float) -> Path:
    """Each rule's chosen completions measured by both yardsticks, side by side."""
    fig = Figure(figsize=(11, 4.3), layout="constrained")
    axes = fig.subplots(1, 2)
    specs = (("rating", rating_bin, "rating mean of the chosen completion (1–5)"),
             ("score", 1.0, "critique overall_score of the chosen completion (1–10)"))
    for ax, (measure, width, xlabel) in zip(axes, specs, strict=True):
        for k, (rule, label) in enumerate(zip(("this", "other"), labels, strict=True)):
            part = hist.filter((pl.col("measure") == measure) & (pl.col("rule") == rule))
            offset = (k - 0.5) * width * 0.42
            ax.bar(part["bin"] + offset, part["records"], width=width * 0.42, label=label, color=SERIES[k])
        ax.set_xlabel(xlabel)
        ax.set_ylabel("prompts both keep")
        ax.grid(axis="y", alpha=0.3)
        ax.legend(title="chosen by", frameon=False, fontsize=9, loc="upper left")
    axes[0].set_title("Judged by the rating mean")
    axes[1].set_title("Judged by the critique score")
    axes[1].set_xticks(range(1, 11))
    fig.suptitle("How each rule's chosen completions rate on both measures", fontsize=13)
    return _save(fig, path)


def judge_ratings(cells: pl.DataFrame, hist: pl.DataFrame, path: Path) -> Path:
    """Left: the judges' ratings against the rating mean (bubble area = completions, count written in).
    Right: the same completions' scores, by the judges and by the original critique, side by side."""
    fig = Figure(figsize=(11.5, 4.6), layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=(1.1, 1))
    top = max(int(cells["completions"].max() or 1), 1) if cells.height else 1
    for r in cells.iter_rows(named=True):
        left.scatter(r["rating_bin"], r["rating"], s=40 + 400 * r["completions"] / top, color=BLUE, alpha=0.6,
                     edgecolor="white")
        left.annotate(f"{r['completions']:,}", (r["rating_bin"], r["rating"]), ha="center", va="center", fontsize=7)
    if cells.is_empty():
        left.text(0.5, 0.5, "no rated completion has a rating mean", ha="center", va="center",
                  transform=left.transAxes)
    left.set_xlim(0.75, 5.25)
    left.set_ylim(0.5, 10.5)
    left.set_yticks(range(1, 11))
    left.set_xlabel("rating mean of the completion (1–5; none: not shown)")
    left.set_ylabel("judge rating (1–10)")
    left.set_title("Judge rating against rating mean")
    left.grid(alpha=0.3)
    for k, (column, label) in enumerate((("judge", "LLM judge"), ("critique", "original critique score"))):
        bars = right.bar(hist["score"] + (k - 0.5) * 0.4, hist[column], width=0.4, label=label, color=SERIES[k])
        right.bar_label(bars, [f"{n:,}" if n else "" for n in hist[column]], padding=1, fontsize=7)
    right.set_xticks(range(1, 11))
    right.set_xlabel("score (1–10)")
    right.set_ylabel("completions")
    right.set_title("Judge and original critique, same completions")
    right.legend(frameon=False, fontsize=9, loc="upper center")
    right.grid(axis="y", alpha=0.3)
    fig.suptitle("LLM judge ratings of the completions it was asked about", fontsize=13)
    return _save(fig, path)
