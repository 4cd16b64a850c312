#!/usr/bin/env python3
"""Generation speed: cvat-gen vs openapi-python-client, side by side in one run.

Scenarios (each timed as the wall-clock of one CLI subprocess, what a user runs):

  cold     a full build of cvat-2.70.0.json into a fresh output dir
           (ours: fresh, empty --cache-dir; both include formatting:
           black for us, ruff for openapi-python-client)
  release  build 2.69 then 2.70 into the same output dir; only the second
           build is timed (ours: black cache warm from the 2.69 build)
  noop     build 2.70 twice into the same output dir; only the second is timed
  first    the cold build right after installing cvat-gen: as cold, and ours also
           without what cvat-gen compiles from its own files on first use and keeps
           beside its code like .pyc files (template bytecode, the compiled
           metaschemas). Reported, no target: a user pays it once per install.

Each repeat runs every scenario for both contenders, alternating which goes
first, and the table reports medians over the repeats and the ratio
ours / openapi-python-client. Targets (issue 11): cold <= 0.4, release <= 0.15,
noop < 0.2 s (absolute, ours only; the one figure here that is not a ratio, so
read it together with the machine load).

Needs bench/setup_envs.sh (bench/.venvs/opc). openapi-python-client formats with
ruff through its post-hooks and finds ruff on PATH only, so its venv's bin/ is
put first on PATH; without that it prints "ruff is not in PATH" and skips
formatting, which would make it look faster than it is.

Usage: .venv/bin/python bench/gen_speed.py [--repeats N] [--schemas DIR]
Writes bench/results/gen_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DEFAULT_SCHEMAS = (ROOT.parent / "shared" / "schemas").resolve()
OURS_BIN = ROOT / ".venv" / "bin" / "cvat-gen"
OPC_VENV = BENCH / ".venvs" / "opc"
OPC_BIN = OPC_VENV / "bin" / "openapi-python-client"
WORK = BENCH / ".data" / "gen_speed"
RESULTS = BENCH / "results" / "gen_speed.json"
PACKAGE = "cvat_sdk.api_client"

TARGETS = {"cold": 0.4, "release": 0.15}
NOOP_TARGET_S = 0.2


class Failed(RuntimeError):
    pass


def _run(cmd: list[str], *, env: dict[str, str] | None = None, cwd: Path) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    out = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise Failed(f"{' '.join(cmd)} exited {proc.returncode}:\n{out[-4000:]}")
    return elapsed, out


class Ours:
    name = "cvat-gen"

    def __init__(self, schemas: Path) -> None:
        self.schemas = schemas
        self.env = dict(os.environ)
        self.env.pop("CVAT_GEN_CACHE_DIR", None)

    def build(self, version: str, out: Path, cache: Path) -> tuple[float, str]:
        cmd = [str(OURS_BIN), "build", "-q", "-o", str(out), "-p", PACKAGE,
               "--schema", str(self.schemas / f"cvat-{version}.json"), "--cache-dir", str(cache)]
        return _run(cmd, env=self.env, cwd=WORK)

    def clear_tool_caches(self) -> None:
        """What cvat-gen compiles from its own files on first use (see `first`)."""
        for path in (ROOT / "generator" / "__pycache__").glob("cvat-gen-*"):
            path.unlink()
        shutil.rmtree(ROOT / "generator" / "templates" / "__pycache__", ignore_errors=True)

    def version(self) -> str:
        out = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c",
                              "import importlib.metadata as m; print(m.version('cvat-gen'))"],
                             capture_output=True, text=True)
        return out.stdout.strip() or "?"


class Opc:
    name = "openapi-python-client"

    def __init__(self, schemas: Path) -> None:
        self.schemas = schemas
        self.env = dict(os.environ)
        self.env["PATH"] = f"{OPC_VENV / 'bin'}{os.pathsep}{self.env.get('PATH', '')}"
        self.warnings: set[str] = set()

    def build(self, version: str, out: Path, cache: Path) -> tuple[float, str]:  # noqa: ARG002
        cmd = [str(OPC_BIN), "generate", "--path", str(self.schemas / f"cvat-{version}.json"),
               "--output-path", str(out), "--overwrite"]
        elapsed, text = _run(cmd, env=self.env, cwd=WORK)
        if "not in PATH" in text:
            raise Failed(f"openapi-python-client skipped formatting:\n{text}")
        if "Warning" in text:
            self.warnings.add(text.strip()[:2000])
        return elapsed, text

    def version(self) -> str:
        out = subprocess.run([str(OPC_BIN), "--version"], capture_output=True, text=True)
        return out.stdout.strip().rsplit(" ", 1)[-1] or "?"


def _fresh(*paths: Path) -> None:
    for p in paths:
        shutil.rmtree(p, ignore_errors=True)


def scenario(tool, kind: str, tag: str) -> float:
    out = WORK / f"{tag}-out"
    cache = WORK / f"{tag}-cache"
    _fresh(out, cache)
    cache.mkdir(parents=True)
    try:
        if kind == "cold":
            return tool.build("2.70.0", out, cache)[0]
        if kind == "first":
            if not hasattr(tool, "clear_tool_caches"):
                return tool.build("2.70.0", out, cache)[0]
            tool.clear_tool_caches()
            try:
                return tool.build("2.70.0", out, cache)[0]
            finally:
                warm_tool_caches()  # the other scenarios run as after a first use
        if kind == "release":
            tool.build("2.69.0", out, cache)
            return tool.build("2.70.0", out, cache)[0]
        if kind == "noop":
            tool.build("2.70.0", out, cache)
            return tool.build("2.70.0", out, cache)[0]
        raise ValueError(kind)
    finally:
        _fresh(out, cache)


def count_py(tool, schemas_version: str = "2.70.0") -> dict[str, int]:
    """Size of each contender's output (files, lines), for context in the report."""
    out = WORK / f"size-{tool.name}"
    cache = WORK / f"size-{tool.name}-cache"
    _fresh(out, cache)
    cache.mkdir(parents=True)
    tool.build(schemas_version, out, cache)
    files = [p for p in out.rglob("*.py")]
    lines = sum(p.read_text(encoding="utf-8").count("\n") for p in files)
    _fresh(out, cache)
    return {"py_files": len(files), "py_lines": lines}


def compile_bytecode() -> None:
    """Both tools as installed for a user: with their .pyc files. (Where PYTHONDONTWRITEBYTECODE
    is set, as on our CI machines, nothing is ever cached and every run would recompile
    every module of both tools, which measures the environment, not the tools.)"""
    ours_python = OURS_BIN.parent / "python"
    opc_python = OPC_VENV / "bin" / "python"
    targets = [(ours_python, [str(ROOT / "generator"), str(ROOT / "plugins")]),
               (ours_python, [p for p in sys.path if p.endswith("site-packages")]),
               (opc_python, [])]
    for python, paths in targets:
        if python == opc_python:
            paths = subprocess.run([str(python), "-c", "import site; print(*site.getsitepackages())"],
                                   capture_output=True, text=True, check=True).stdout.split()
        subprocess.run([str(python), "-m", "compileall", "-q", "-j", "0", *paths], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    warm_tool_caches()


def warm_tool_caches() -> None:
    """What cvat-gen compiles from its own files on first use (template bytecode, the
    metaschemas), which it keeps beside its code like .pyc files: one small build, with
    bytecode writing allowed (the `first` scenario measures a build without them)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    fixture = ROOT / "tests" / "golden" / "fixture.yaml"
    scratch = WORK / "warm-up"
    _fresh(scratch)
    subprocess.run([str(OURS_BIN), "build", "-q", "-o", str(scratch / "out"), "--schema", str(fixture),
                    "--cache-dir", str(scratch / "cache")], env=env, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _fresh(scratch)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--schemas", type=Path, default=DEFAULT_SCHEMAS)
    ap.add_argument("--scenarios", default="cold,release,noop,first")
    ap.add_argument("--output", type=Path, default=RESULTS)
    args = ap.parse_args(argv)

    for exe in (OURS_BIN, OPC_BIN):
        if not exe.exists():
            sys.exit(f"missing {exe}: run bench/setup_envs.sh (and install the project venv)")
    WORK.mkdir(parents=True, exist_ok=True)
    compile_bytecode()
    kinds = [k for k in args.scenarios.split(",") if k]
    ours, opc = Ours(args.schemas), Opc(args.schemas)
    tools = [ours, opc]
    times: dict[str, dict[str, list[float]]] = {k: {t.name: [] for t in tools} for k in kinds}
    errors: dict[str, str] = {}

    for r in range(args.repeats):
        for k in kinds:
            order = tools if (r + kinds.index(k)) % 2 == 0 else tools[::-1]
            for t in order:
                if f"{k}/{t.name}" in errors:
                    continue
                try:
                    s = scenario(t, k, f"{k}-{t.name}")
                except Failed as exc:
                    errors[f"{k}/{t.name}"] = str(exc)
                    print(f"[gen_speed] {k} {t.name}: FAILED\n{exc}", file=sys.stderr)
                    continue
                times[k][t.name].append(s)
                print(f"[gen_speed] repeat {r + 1}/{args.repeats} {k:8s} {t.name:22s} {s:7.3f} s",
                      file=sys.stderr)

    sizes = {}
    for t in tools:
        try:
            sizes[t.name] = count_py(t)
        except Failed as exc:
            sizes[t.name] = {"error": str(exc)[:500]}

    rows = []
    for k in kinds:
        m_ours = statistics.median(times[k][ours.name]) if times[k][ours.name] else None
        m_opc = statistics.median(times[k][opc.name]) if times[k][opc.name] else None
        ratio = (m_ours / m_opc) if (m_ours is not None and m_opc) else None
        if k == "noop":
            target, ok = f"< {NOOP_TARGET_S} s (ours)", (m_ours is not None and m_ours < NOOP_TARGET_S)
        elif k not in TARGETS:
            target, ok = "(no target)", None
        else:
            target, ok = f"<= {TARGETS[k]}x", (ratio is not None and ratio <= TARGETS[k])
        rows.append({"scenario": k, "ours_median_s": m_ours, "opc_median_s": m_opc,
                     "ratio_ours_over_opc": ratio, "target": target, "meets_target": ok,
                     "ours_runs_s": times[k][ours.name], "opc_runs_s": times[k][opc.name]})

    def f(x, fmt):
        return "-" if x is None else format(x, fmt)

    print()
    print(f"{'scenario':10s} {'cvat-gen (s)':>13s} {'opc (s)':>9s} {'ours/opc':>9s}  target")
    for row in rows:
        print(f"{row['scenario']:10s} {f(row['ours_median_s'], '13.3f')} {f(row['opc_median_s'], '9.3f')}"
              f" {f(row['ratio_ours_over_opc'], '9.2f')}  {row['target']}"
              f"{'' if row['meets_target'] is None else ' OK' if row['meets_target'] else ' MISSED'}")
    print(f"(medians of {args.repeats} repeats; opc = openapi-python-client {opc.version()})")
    for name, s in sizes.items():
        print(f"output size {name}: {s}")
    if opc.warnings:
        print("openapi-python-client printed warnings (see JSON).")

    result = {
        "benchmark": "gen_speed",
        "repeats": args.repeats,
        "schema_dir": str(args.schemas),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform(),
                    "loadavg_at_end": os.getloadavg() if hasattr(os, "getloadavg") else None},
        "contenders": {ours.name: {"version": ours.version(), "command": str(OURS_BIN) + " build"},
                       opc.name: {"version": opc.version(),
                                  "command": f"{OPC_BIN} generate --path S --output-path D --overwrite",
                                  "notes": "no config needed; ruff (its formatter) must be on PATH",
                                  "warnings": sorted(opc.warnings)}},
        "output_size": sizes,
        "rows": rows,
        "errors": errors,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
