#!/usr/bin/env python3
"""Draw docs/img/benchmarks.png from bench/results/{sdk_speed,gen_speed}.json.

One panel per benchmark. Each panel shows the ratio to that benchmark's baseline
(log scale, lower is better) for cvat-gen and the contenders measured in the same
run, plus the ratios published in shared/DESIGN.md for openapi-generator 7.26
and openapi-python-client 0.29 (hatched, labelled "published, not measured
here"), and the target as a dashed line.

Needs matplotlib: run it with bench/.venvs/chart/bin/python (made by
bench/setup_envs.sh):  bench/.venvs/chart/bin/python bench/chart.py
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
OUT = ROOT / "docs" / "img" / "benchmarks.png"

# From /work/shared/DESIGN.md, "Performance targets": published, not measured here.
# import: published as absolute times, turned into a ratio to cvat-sdk's 285 ms;
# openapi-python-client's range 118-341 ms is drawn at its middle (229.5 ms).
PUBLISHED = {
    "parse": {"openapi-generator 7.26": 4.7, "openapi-python-client 0.29": 4.9},
    "build": {"openapi-generator 7.26": 98, "openapi-python-client 0.29": 38},
    "import": {"openapi-generator 7.26": 1622 / 285, "openapi-python-client 0.29": 229.5 / 285},
    "get": {"openapi-generator 7.26": 1.45, "openapi-python-client 0.29": 1.17},
    "cold": {"openapi-generator 7.26": 6.7 / 3.1},
}

COLORS = {"cvat-gen": "#2a9d8f", "cvat-sdk 2.70.0": "#e76f51", "openapi-python-client": "#8d99ae",
          "published": "#cccccc"}


def load(name: str) -> dict | None:
    p = RESULTS / f"{name}.json"
    return json.loads(p.read_text()) if p.exists() else None


def panels(sdk: dict | None, gen: dict | None) -> list[dict]:
    out = []
    if sdk:
        w = sdk["workloads"]
        titles = {
            "parse": f"parse {sdk['n_shapes']:,}-shape LabeledData\n/ orjson.loads",
            "build": "LabeledDataRequest from dicts + serialize\n/ orjson.dumps",
            "import": "import ApiClient, Configuration, models, apis\n/ cvat-sdk",
            "get": "small call tasks_api.retrieve (batches alternated)\n/ raw urllib3 + orjson",
        }
        for key in ("parse", "build", "import", "get"):
            if key not in w:
                continue
            r = w[key]["ratios_vs_baseline"]
            bars = [("cvat-gen", r.get("ours"), "measured")]
            if key == "import":
                bars.append(("cvat-sdk 2.70.0", 1.0, "measured"))
            else:
                bars.append(("cvat-sdk 2.70.0", r.get("cvat-sdk"), "measured"))
            for name, v in PUBLISHED.get(key, {}).items():
                bars.append((name, v, "published"))
            target = float(w[key]["target"].rsplit("<=", 1)[1])
            out.append({"title": titles[key], "bars": bars, "target": target})
    if gen:
        rows = {row["scenario"]: row for row in gen["rows"]}
        for key, title, target in (("cold", "cold full generation\n/ openapi-python-client", 0.4),
                                   ("release", "regenerate after release 2.69 -> 2.70\n"
                                               "/ openapi-python-client", 0.15)):
            if key not in rows:
                continue
            bars = [("cvat-gen", rows[key]["ratio_ours_over_opc"], "measured"),
                    ("openapi-python-client", 1.0, "measured")]
            for name, v in PUBLISHED.get(key, {}).items():
                bars.append((name, v, "published"))
            out.append({"title": title, "bars": bars, "target": target})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--output", type=Path, default=OUT)
    args = ap.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, NullFormatter

    sdk, gen = load("sdk_speed"), load("gen_speed")
    ps = panels(sdk, gen)
    if not ps:
        sys.exit("no results: run bench/sdk_speed.py and/or bench/gen_speed.py first")
    ncols = 3
    nrows = (len(ps) + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.4 * ncols, 4.6 * nrows), squeeze=False)
    for ax in axes.flat[len(ps):]:
        ax.axis("off")
    for ax, p in zip(axes.flat, ps):
        bars = [b for b in p["bars"] if b[1] is not None]
        labels = [b[0].replace(" ", "\n").replace("-client", "-\nclient")
                  + ("\n(published)" if b[2] == "published" else "") for b in bars]
        values = [b[1] for b in bars]
        colors = [COLORS["published"] if b[2] == "published" else COLORS.get(b[0], "#457b9d")
                  for b in bars]
        hatches = ["//" if b[2] == "published" else "" for b in bars]
        xs = range(len(bars))
        rects = ax.bar(xs, values, color=colors, edgecolor="#333333", linewidth=0.6)
        for rect, h in zip(rects, hatches):
            rect.set_hatch(h)
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}x"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.axhline(p["target"], color="#264653", linestyle="--", linewidth=1)
        ax.text(len(bars) - 0.55, p["target"] * 1.04, f"target {p['target']:g}x", va="bottom",
                ha="right", fontsize=8, color="#264653", fontweight="bold",
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1})
        ax.axhline(1.0, color="#999999", linewidth=0.6)
        for x, v in zip(xs, values):
            ax.text(x, v, f"{v:.2f}x" if v < 10 else f"{v:.0f}x", ha="center", va="bottom",
                    fontsize=8)
        ax.set_xticks(list(xs))
        ax.set_xticklabels(labels, fontsize=7)
        ax.set_title(p["title"], fontsize=9.5)
        ax.set_ylabel("ratio to baseline (lower is better)", fontsize=8)
        lo = min(values + [p["target"]]) / 2.5
        hi = max(values + [p["target"]]) * 3
        ax.set_ylim(lo, hi)
    legend = [Patch(facecolor=COLORS["cvat-gen"], edgecolor="#333", label="cvat-gen (measured)"),
              Patch(facecolor=COLORS["cvat-sdk 2.70.0"], edgecolor="#333",
                    label="cvat-sdk 2.70.0 (measured)"),
              Patch(facecolor=COLORS["openapi-python-client"], edgecolor="#333",
                    label="openapi-python-client (measured)"),
              Patch(facecolor=COLORS["published"], edgecolor="#333", hatch="//",
                    label="published in DESIGN.md, not measured here")]
    fig.legend(handles=legend, loc="lower center", ncol=4, fontsize=8.5, frameon=False)
    sub = []
    if sdk:
        sub.append(f"sdk_speed: medians over {sdk['repeats']} repeats")
    if gen:
        sub.append(f"gen_speed: medians of {gen['repeats']} runs")
    fig.suptitle("cvat-gen benchmarks: ratios measured side by side in one run\n" + "; ".join(sub),
                 fontsize=11)
    fig.tight_layout(rect=(0, 0.05, 1, 0.94))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.output, dpi=110)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
