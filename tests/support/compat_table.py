"""Render the measured cvat-sdk compatibility table into docs/compatibility.md.

The surface matrix test (tests/functional/test_surface_matrix.py) writes one JSON result per
open-source release to ``$CVAT_GEN_COMPAT_RESULTS`` (default ``build/compat``). This script
turns them into the table between the ``compat-table`` markers of docs/compatibility.md, so
no number in that table is typed by hand:

    python -m pytest tests/functional/test_surface_matrix.py -n 2
    python -m tests.support.compat_table          # rewrite the table
    python -m tests.support.compat_table --check  # exit 1 if the docs differ from the results
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "compatibility.md"
START, END = "<!-- compat-table:start -->", "<!-- compat-table:end -->"


def _version_key(release: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", release))


def render(results: list[dict[str, Any]]) -> str:
    lines = [
        "| server release (schema) | cvat-sdk from PyPI | compat | compat, schema drift set aside "
        "| positional / location / wire-name / endpoint mismatches | schema drift |",
        "|---|---|---|---|---|---|",
    ]
    for r in sorted(results, key=lambda r: _version_key(r["release"])):
        lists = r.get("mismatch lists") or {}
        counts = " / ".join(str(len(lists.get(k) or [])) for k in
                            ("positional_mismatch", "location_mismatch", "wire_name_mismatch", "endpoint_mismatch"))
        drift = r.get("schema drift") or {}
        notes = ", ".join(f"{len(v)} {k.replace('_', ' ')}" for k, v in sorted(drift.items()) if v) or "-"
        adjusted = r.get("compat without schema drift", r["compat"])
        lines.append(f"| {r['release']} (`{r['schema']}`) | {r['cvat-sdk']} | {r['compat']:.2f}% "
                     f"| {adjusted:.2f}% | {counts} | {notes} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", default=os.environ.get("CVAT_GEN_COMPAT_RESULTS") or str(ROOT / "build" / "compat"))
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when the docs differ")
    args = parser.parse_args(argv)
    files = sorted(Path(args.results).glob("*.json"))
    if not files:
        print(f"no results in {args.results}: run tests/functional/test_surface_matrix.py first", file=sys.stderr)
        return 2
    table = render([json.loads(f.read_text()) for f in files])
    text = DOC.read_text(encoding="utf-8")
    if START not in text or END not in text:
        print(f"{DOC} has no {START} ... {END} markers", file=sys.stderr)
        return 2
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{START}\n{table}\n{END}{tail}"
    if args.check:
        if new != text:
            print(f"{DOC}: the compatibility table differs from the results in {args.results}", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(new, encoding="utf-8")
    print(f"wrote {len(files)} rows to {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
