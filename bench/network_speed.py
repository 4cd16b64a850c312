#!/usr/bin/env python3
"""8-thread throughput of one shared ApiClient vs raw urllib3 (goal: at least 0.9x).

  threads  8 threads share one client and make N_CALLS x ``tasks_api.retrieve(id)`` in all
           (about 1 KB TaskRead JSON, decoded into a model) against the keep-alive server of
           sdk_speed.py (a separate process answering fixed bytes), vs 8 threads sharing one
           ``urllib3.PoolManager(maxsize=8)`` doing ``request("GET") + orjson.loads``.

Each repeat runs both contenders in fresh child processes, alternating, so they share the
machine's load; the figure is the ratio of median throughputs (calls/s, ours / raw).
Also reports the single-threaded small call (the ``get`` workload of sdk_speed.py), because
the retry and timeout machinery must not cost on the happy path.

Usage: .venv/bin/python bench/network_speed.py [--repeats 5]
Needs bench/setup_envs.sh (orjson in the project venv). Writes bench/results/network_speed.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import sdk_speed  # noqa: E402

RESULTS = BENCH / "results" / "network_speed.json"
N_CALLS = 1600
THREADS = 8


def child_threads(contender: str, iterations: int, url: str) -> list[float]:
    """Seconds per N_CALLS calls made by THREADS threads sharing one client."""
    full = f"{url}/api/tasks/{sdk_speed.TASK_ID}"
    if contender == "raw-urllib3":
        import orjson
        import urllib3

        http = urllib3.PoolManager(maxsize=THREADS)

        def one(_: int) -> str:
            return str(orjson.loads(http.request("GET", full).data)["name"])
    else:
        from cvat_sdk.api_client import ApiClient, Configuration

        client = ApiClient(Configuration(host=url))
        api = client.tasks_api

        def one(_: int) -> str:
            return str(api.retrieve(sdk_speed.TASK_ID)[0].name)

    times = []
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(one, range(200)))  # warm-up: connections, lazy imports
        for _ in range(iterations):
            t0 = time.perf_counter()
            names = list(pool.map(one, range(N_CALLS)))
            times.append(time.perf_counter() - t0)
            assert len(set(names)) == 1
    return times


def run_child(contender: str, iterations: int, url: str) -> list[float]:
    py, env = sdk_speed.contender_cmd(contender)
    cmd = py + [str(Path(__file__).resolve()), "--child", "--contender", contender,
                "--iterations", str(iterations), "--url", url]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"threads/{contender} failed:\n{proc.stderr[-3000:]}")
    return list(json.loads(proc.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=3)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--contender", default="")
    parser.add_argument("--url", default="")
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child_threads(args.contender, args.iterations, args.url)))
        return 0

    notes: list[str] = []
    sdk_speed.DATA.mkdir(parents=True, exist_ok=True)
    sdk_speed.write_payloads()
    sdk_speed.build_sdk(notes)
    server = subprocess.Popen([str(sdk_speed.OURS_PY), str(BENCH / "sdk_speed.py"), "--serve",
                               "--serve-seconds", "900"], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = f"http://127.0.0.1:{server.stdout.readline().strip()}"
        per: dict[str, list[float]] = {"ours": [], "raw-urllib3": [], "ours-1t": [], "raw-1t": []}
        for repeat in range(args.repeats):
            order = ("ours", "raw-urllib3") if repeat % 2 == 0 else ("raw-urllib3", "ours")
            for contender in order:  # alternating: both see the same machine load
                per[contender] += [N_CALLS / t for t in run_child(contender, args.iterations, url)]
            # single thread, the sdk_speed "get" workload, side by side in the same repeat
            for contender in order:
                key = "ours-1t" if contender == "ours" else "raw-1t"
                per[key] += [sdk_speed.N_CALLS / t for t in
                             sdk_speed.run_child("get", contender, args.iterations, url)]
    finally:
        server.terminate()
        server.wait(timeout=10)
    med = {k: statistics.median(v) for k, v in per.items()}
    result = {
        "threads": THREADS,
        "calls_per_run": N_CALLS,
        "calls_per_second_median": {k: round(v, 1) for k, v in med.items()},
        "ratio_8_threads_ours_over_raw": round(med["ours"] / med["raw-urllib3"], 3),
        "small_call_time_ratio_ours_over_raw": round(med["raw-1t"] / med["ours-1t"], 3),
        "goals": {"ratio_8_threads_ours_over_raw": ">= 0.9",
                  "small_call_time_ratio_ours_over_raw": "<= 1.10"},
        "notes": notes,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
