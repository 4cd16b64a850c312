#!/usr/bin/env python3
"""Diff speed: `cvat-gen diff` of two full releases, cold and with both sides cached.

Scenarios, for each pair (hosted 2.61.0 -> 2.70.0, open-source 2.5.2 -> 2.70.1; the first
and last release of each folder, found by listing):

  cold     the first diff: load, validate, patch and build the IR of both schemas, compare
           (fresh, empty cache dir)
  warm     the same diff again: both sides come from the IR cache (what "once both are
           built" means); this is the figure with a target, < 1 s
  compare  only the comparison of the two prepared sides (API and SDK levels)
  cli      warm, as a user runs it: one `cvat-gen diff` subprocess, interpreter start included

Medians over the repeats; the table also gives warm / cold. The machine is small and
shared, so read the ratio together with the absolute figures.

Usage: .venv/bin/python bench/diff_speed.py [--repeats N] [--schemas DIR]
Writes bench/results/diff_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def first_and_last(folder: Path) -> tuple[Path, Path]:
    from cvat_gen.diff.history import releases

    found = releases(folder)
    return found[0], found[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--schemas", default=str(ROOT.parent / "shared" / "schemas"))
    args = parser.parse_args()

    from cvat_gen.config import BuildConfig
    from cvat_gen.diff import compare, load_side

    schemas = Path(args.schemas)
    rows = []
    for label, folder in (("hosted", schemas), ("open-source", schemas / "oss")):
        old, new = first_and_last(folder)
        with tempfile.TemporaryDirectory() as cache:
            base = BuildConfig(cache_dir=Path(cache))
            a, b = base.with_overrides(schema=str(old)), base.with_overrides(schema=str(new))
            start = time.perf_counter()
            report = compare(load_side(a), load_side(b))
            cold = time.perf_counter() - start
            warm, only_compare, cli = [], [], []
            for _ in range(args.repeats):
                start = time.perf_counter()
                sa, sb = load_side(a), load_side(b)
                middle = time.perf_counter()
                compare(sa, sb)
                end = time.perf_counter()
                warm.append(end - start)
                only_compare.append(end - middle)
                start = time.perf_counter()
                subprocess.run([sys.executable, "-m", "cvat_gen", "diff", str(old), str(new), "-f", "json"], cwd=ROOT, capture_output=True, check=False,
                               env={**os.environ, "CVAT_GEN_CACHE_DIR": cache})
                cli.append(time.perf_counter() - start)
        row = {"pair": f"{label} {old.stem.removeprefix('cvat-')} -> {new.stem.removeprefix('cvat-')}",
               "findings": report.counts(), "cold_s": round(cold, 3), "warm_s": round(statistics.median(warm), 3),
               "compare_s": round(statistics.median(only_compare), 3), "cli_warm_s": round(statistics.median(cli), 3)}
        row["warm_over_cold"] = round(row["warm_s"] / row["cold_s"], 3)
        rows.append(row)

    print(f"{'pair':34} {'findings (ERR/WARN/INFO)':>25} {'cold s':>8} {'warm s':>8} {'compare s':>10} {'cli s':>7} {'warm/cold':>10}")
    for r in rows:
        f = r["findings"]
        counts = f"{f['ERR']}/{f['WARN']}/{f['INFO']}"
        print(f"{r['pair']:34} {counts:>25} {r['cold_s']:>8} {r['warm_s']:>8} {r['compare_s']:>10} "
              f"{r['cli_warm_s']:>7} {r['warm_over_cold']:>10}")
    verdict = all(r["warm_s"] < 1.0 for r in rows)
    print(f"target: warm diff < 1 s: {'met' if verdict else 'NOT met'}")
    out = ROOT / "bench" / "results" / "diff_speed.json"
    out.write_text(json.dumps({"machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
                               "repeats": args.repeats, "rows": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
