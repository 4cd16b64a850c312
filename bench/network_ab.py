#!/usr/bin/env python3
"""A/B of the single small call (sdk_speed.py's ``get`` child) between two built SDKs and
raw urllib3, side by side in one run (alternating order), to isolate the cost of a runtime
change from the machine's load.

Usage: .venv/bin/python bench/network_ab.py OTHER_SDK_DIR [--repeats 6]
  OTHER_SDK_DIR: a folder holding another build's ``cvat_sdk/api_client`` (e.g. main's:
  ``cvat-gen build -o DIR -p cvat_sdk.api_client --schema .../cvat-2.70.0.json``).
Compares it with bench/.data/sdk (built by sdk_speed.py / network_speed.py).
Writes bench/results/network_ab.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import sdk_speed  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("other")
    parser.add_argument("--repeats", type=int, default=6)
    args = parser.parse_args()
    dirs = {"this": str(sdk_speed.SDK_DIR), "other": str(Path(args.other).resolve())}
    server = subprocess.Popen([str(sdk_speed.OURS_PY), str(BENCH / "sdk_speed.py"), "--serve",
                               "--serve-seconds", "600"], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = f"http://127.0.0.1:{server.stdout.readline().strip()}"
        res: dict[str, list[float]] = {"this": [], "other": [], "raw": []}
        for r in range(args.repeats):
            order = ["this", "other", "raw"]
            if r % 2:
                order.reverse()
            for name in order:
                env = dict(os.environ)
                env["PYTHONPATH"] = dirs.get(name, "")
                contender = "raw-urllib3" if name == "raw" else "ours"
                out = subprocess.run(
                    [str(sdk_speed.OURS_PY), str(BENCH / "sdk_speed.py"), "--child", "get",
                     "--contender", contender, "--iterations", "3", "--url", url],
                    env=env, capture_output=True, text=True, timeout=600, check=True)
                res[name] += json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        server.terminate()
        server.wait(timeout=10)
    med = {k: statistics.median(v) for k, v in res.items()}
    result = {"ms_per_300_calls": {k: round(v * 1000, 1) for k, v in med.items()},
              "this_over_other": round(med["this"] / med["other"], 3),
              "this_over_raw": round(med["this"] / med["raw"], 3),
              "other_over_raw": round(med["other"] / med["raw"], 3), "other": args.other}
    (BENCH / "results" / "network_ab.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
