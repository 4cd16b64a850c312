#!/usr/bin/env python3
"""Speed of the generated SDK vs cvat-sdk 2.70.0 (PyPI), orjson and raw urllib3.

Every workload runs in a fresh child process per contender; contenders alternate
within each repeat, so they share the machine's load, and the table reports
ratios of medians (the only figures meant to be compared across machines).

  parse    decode a 20,000-shape LabeledData response (bytes -> typed objects)
             ours:     the endpoint's own response decoder, i.e. exactly what
                       JobsApi.retrieve_annotations() runs on response.data
                       (``jobs_api.retrieve_annotations_endpoint._c.decoder.decode``,
                       a ``msgspec.json.Decoder(type=models.LabeledData)``)
             cvat-sdk: ``ApiClient.deserialize(response, (LabeledData,), _check_type=True)``,
                       what its Endpoint runs (json.loads + validate_and_convert_types)
             baseline: ``orjson.loads`` of the same bytes
  build    ``LabeledDataRequest(shapes=[20,000 plain dicts])`` + JSON body encoding
             ours:     the model constructor + ``_encode_json`` of the runtime's endpoint module
                       (what the endpoint sends for a JSON body)
             cvat-sdk: the same constructor + ``json.dumps(ApiClient.sanitize_for_serialization(x))``
                       (what its ApiClient + rest client do)
             baseline: ``orjson.dumps`` of the same dicts
  import   ``from cvat_sdk.api_client import ApiClient, Configuration, models, apis``
             in a fresh interpreter: wall-clock of ``python -c IMPORT`` minus
             ``python -c pass`` of the same interpreter, median of --import-repeats.
             A second row also touches the API and a model (first use).
  get      300 x ``tasks_api.retrieve(id)`` (about 1 KB TaskRead JSON) against a
             keep-alive HTTP/1.1 server on 127.0.0.1 (a separate process answering
             fixed bytes), vs 300 x ``urllib3.PoolManager().request("GET") + orjson.loads``.
             Unlike the other workloads, each contender's child stays up for a repeat and
             the parent alternates single batches of 300 calls between them (see run_get).

Targets (DESIGN.md): parse <= 1.0x orjson, build <= 8x orjson.dumps,
import <= 1/5 of cvat-sdk, get <= 1.10x raw urllib3.

Usage: .venv/bin/python bench/sdk_speed.py [--repeats 5] [--workloads parse,build,import,get]
Needs bench/setup_envs.sh. Writes bench/results/sdk_speed.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SCHEMA = (ROOT.parent / "shared" / "schemas" / "cvat-2.70.0.json").resolve()
DATA = BENCH / ".data"
SDK_DIR = DATA / "sdk"
PAYLOADS = DATA / "payloads"
RESULTS = BENCH / "results" / "sdk_speed.json"
OURS_PY = ROOT / ".venv" / "bin" / "python"
OURS_CLI = ROOT / ".venv" / "bin" / "cvat-gen"
CVAT_SDK_PY = BENCH / ".venvs" / "cvat-sdk" / "bin" / "python"

N_SHAPES = 20_000
N_CALLS = 300
GET_BATCH = 100  # calls per alternated batch of the get workload (reported per N_CALLS)
TASK_ID = 42

IMPORT_STMT = "from cvat_sdk.api_client import ApiClient, Configuration, models, apis"
IMPORT_USE_STMT = (
    IMPORT_STMT + "\n"
    "c = ApiClient(Configuration(host='http://127.0.0.1:1'))\n"
    "c.tasks_api; c.jobs_api; models.TaskRead; models.LabeledData"
)

TARGETS = {"parse": ("ours/orjson", 1.0), "build": ("ours/orjson", 8.0),
           "import": ("ours/cvat-sdk", 0.2), "get": ("ours/raw-urllib3", 1.10)}

# --------------------------------------------------------------------------------------
# payloads (deterministic)
# --------------------------------------------------------------------------------------


def make_shapes(n: int = N_SHAPES, seed: int = 2024, *, request: bool = False) -> list[dict]:
    """Shapes shaped like the 2.70 schema's LabeledShape (LabeledShapeRequest if request)."""
    rnd = random.Random(seed)
    shapes = []
    for i in range(n):
        kind = "rectangle" if rnd.random() < 0.6 else "polygon"
        if kind == "rectangle":
            x, y = rnd.uniform(0, 1800), rnd.uniform(0, 1000)
            points = [round(x, 2), round(y, 2), round(x + rnd.uniform(5, 200), 2),
                      round(y + rnd.uniform(5, 200), 2)]
        else:
            points = [round(rnd.uniform(0, 1920), 2) for _ in range(2 * rnd.randint(3, 12))]
        n_attr = rnd.randint(0, 3)
        shape = {
            "type": kind,
            "occluded": rnd.random() < 0.1,
            "outside": False,
            "z_order": rnd.randint(0, 3),
            "rotation": 0.0 if kind == "polygon" else round(rnd.choice([0.0, 0.0, 15.5, 90.0]), 1),
            "points": points,
            "id": None if request else 100_000 + i,
            "label_id": rnd.randint(1, 12),
            "group": rnd.choice([0, 0, 0, rnd.randint(1, 50)]),
            "source": "manual",
            "frame": i // 20,
            "attributes": [{"spec_id": 10 + a, "value": rnd.choice(["true", "false", "car", "3"])}
                           for a in range(n_attr)],
            "score": 1.0,
            "elements": [],
        }
        if request:
            del shape["id"]
        shapes.append(shape)
    return shapes


def make_labeled_data(n: int = N_SHAPES) -> dict:
    return {"version": 0, "tags": [], "shapes": make_shapes(n), "tracks": [], "intervals": []}


def make_task() -> dict:
    """A TaskRead as the 2.70 server returns it (about 1 KB)."""
    user = {"url": "http://localhost:8080/api/users/1", "id": 1, "username": "admin",
            "first_name": "Ada", "last_name": "Admin"}
    base = f"http://localhost:8080/api/tasks/{TASK_ID}"
    return {
        "url": base, "id": TASK_ID, "name": "street scenes, batch 7", "project_id": 3,
        "project_name": "driving", "owner": user, "assignee": None, "bug_tracker": "",
        "created_date": "2025-11-03T09:12:44.123456Z", "updated_date": "2025-11-04T17:01:02.654321Z",
        "overlap": 0, "segment_size": 300, "status": "annotation", "data_chunk_size": 36,
        "data_original_chunk_type": "imageset", "data_compressed_chunk_type": "imageset",
        "data_cloud_storage_id": None, "guide_id": None, "size": 1200, "image_quality": 70,
        "data": 17, "dimension": "2d", "mode": "annotation", "media_type": "image",
        "subset": "train", "organization_id": None, "organization": None,
        "target_storage": {"id": 81, "location": "local", "cloud_storage_id": None},
        "source_storage": {"id": 80, "location": "local", "cloud_storage_id": None},
        "jobs": {"count": 4, "completed": 1, "validation": 0,
                 "url": f"http://localhost:8080/api/jobs?task_id={TASK_ID}"},
        "labels": {"url": f"http://localhost:8080/api/labels?task_id={TASK_ID}"},
        "assignee_updated_date": None, "validation_mode": None, "consensus_enabled": False,
    }


def write_payloads() -> dict[str, int]:
    PAYLOADS.mkdir(parents=True, exist_ok=True)
    files = {
        "labeled_data.json": make_labeled_data(),
        "shape_requests.json": make_shapes(request=True),
        "task.json": make_task(),
    }
    sizes = {}
    for name, obj in files.items():
        data = json.dumps(obj, separators=(",", ":")).encode()
        (PAYLOADS / name).write_bytes(data)
        sizes[name] = len(data)
    return sizes


# --------------------------------------------------------------------------------------
# children: one workload, one contender, prints a JSON list of seconds
# --------------------------------------------------------------------------------------


class _FakeResponse:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.status = 200
        self.headers = {"content-type": "application/json"}


def _timeit(fn, prepare, iterations: int, warmup: int = 1) -> list[float]:
    times = []
    for i in range(warmup + iterations):
        arg = prepare()
        gc.collect()
        t0 = time.perf_counter()
        out = fn(arg)
        t = time.perf_counter() - t0
        del out, arg
        if i >= warmup:
            times.append(t)
    return times


def child_parse(contender: str, iterations: int) -> list[float]:
    data = (PAYLOADS / "labeled_data.json").read_bytes()
    if contender == "orjson":
        import orjson
        fn = orjson.loads
    elif contender == "ours":
        from cvat_sdk.api_client import ApiClient, Configuration, models

        api = ApiClient(Configuration(host="http://127.0.0.1:1")).jobs_api
        decoder = api.retrieve_annotations_endpoint._c.decoder  # what Endpoint._call runs
        fn = decoder.decode
        check = fn(data)
        assert isinstance(check, models.LabeledData) and len(check.shapes) == N_SHAPES
        assert type(check.shapes[0]).__name__ == "LabeledShape"
    elif contender == "cvat-sdk":
        from cvat_sdk.api_client import ApiClient, Configuration, models

        client = ApiClient(Configuration(host="http://127.0.0.1:1"))
        schema = client.jobs_api.retrieve_annotations_endpoint.settings["response_schema"]

        def fn(b: bytes):
            return client.deserialize(_FakeResponse(b), schema, _check_type=True)

        check = fn(data)
        assert isinstance(check, models.LabeledData) and len(check.shapes) == N_SHAPES
    else:
        raise SystemExit(f"unknown contender {contender}")
    return _timeit(fn, lambda: data, iterations)


def child_build(contender: str, iterations: int) -> list[float]:
    raw = (PAYLOADS / "shape_requests.json").read_bytes()

    def prepare():  # fresh dicts each time, built outside the timed part
        return json.loads(raw)

    if contender == "orjson":
        import orjson

        def fn(shapes):
            return orjson.dumps({"shapes": shapes})
    elif contender == "ours":
        import importlib

        from cvat_sdk.api_client import models

        # the endpoint's JSON body encoder (runtime module layout changes: look in both)
        encode = None
        for mod in ("endpoint", "api_client"):
            try:
                encode = getattr(importlib.import_module(f"cvat_sdk.api_client.{mod}"),
                                 "_encode_json", None)
            except ImportError:
                continue
            if encode is not None:
                break
        if encode is None:
            raise SystemExit("no _encode_json in cvat_sdk.api_client.endpoint or .api_client")

        def fn(shapes):
            return encode(models.LabeledDataRequest(shapes=shapes))

        out = json.loads(fn(prepare()))
        assert len(out["shapes"]) == N_SHAPES and out["shapes"][0]["type"] in ("rectangle", "polygon")
        assert type(models.LabeledDataRequest(shapes=prepare()[:1]).shapes[0]).__name__ \
            == "LabeledShapeRequest"
    elif contender == "cvat-sdk":
        from cvat_sdk.api_client import ApiClient, models

        def fn(shapes):
            body = models.LabeledDataRequest(shapes=shapes)
            return json.dumps(ApiClient.sanitize_for_serialization(body))

        out = json.loads(fn(prepare()))
        assert len(out["shapes"]) == N_SHAPES and out["shapes"][0]["type"] in ("rectangle", "polygon")
    else:
        raise SystemExit(f"unknown contender {contender}")
    return _timeit(fn, prepare, iterations)


def _pin() -> None:
    """Pin this process to the CPU named by SDK_SPEED_PIN_CPU (get workload: the server and
    every client child share one CPU). Unpinned, where the scheduler put the client relative
    to the server changed a child's time per call by up to 30 % on this 2-core machine (the
    same contender, run twice in a row), far more than the difference being measured."""
    cpu = os.environ.get("SDK_SPEED_PIN_CPU", "")
    if cpu and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {int(cpu)})


def _get_contender(contender: str, url: str):
    """(one call, its check) of the ``get`` workload for ``contender``: the same request bytes
    on the wire (ours adds only the operation's ``Accept`` header), the same response, one
    keep-alive connection, and a decoded result either way (orjson dicts for raw urllib3)."""
    if contender in ("raw-urllib3", "raw-urllib3+timeout"):
        import orjson
        import urllib3

        # "+timeout": with the SDK's default timeouts, to show what they cost urllib3 itself
        # (a reference row only: the baseline stays urllib3's default, no timeout)
        http = (urllib3.PoolManager(timeout=urllib3.Timeout(connect=60.0, read=120.0))
                if contender.endswith("+timeout") else urllib3.PoolManager())
        full = f"{url}/api/tasks/{TASK_ID}"

        def one():
            return orjson.loads(http.request("GET", full).data)

        def check(x):
            return x["name"]
    elif contender in ("ours", "cvat-sdk", "other-sdk"):
        from cvat_sdk.api_client import ApiClient, Configuration

        client = ApiClient(Configuration(host=url))
        api = client.tasks_api

        def one():
            return api.retrieve(TASK_ID)[0]

        def check(x):
            return x.name
    else:
        raise SystemExit(f"unknown contender {contender}")
    return one, check


def _get_batch(one) -> float:
    """Seconds for N_CALLS calls (after a full collection, so that garbage left by whatever
    ran before is not charged to this batch)."""
    gc.collect()
    t0 = time.perf_counter()
    for _ in range(N_CALLS):
        one()
    return time.perf_counter() - t0


def child_get(contender: str, iterations: int, url: str) -> list[float]:
    """``iterations`` batches back to back (used by network_speed.py and network_ab.py)."""
    expected = json.loads((PAYLOADS / "task.json").read_bytes())["name"]
    one, check = _get_contender(contender, url)
    for _ in range(30):  # warm-up: connection, lazy imports, decoders
        assert check(one()) == expected
    return [_get_batch(one) for _ in range(iterations)]


def child_get_interactive(contender: str, url: str) -> None:
    """Stay up and time one batch of GET_BATCH calls per line read from stdin ("batch"),
    printing ``[wall seconds, CPU seconds of this process]`` scaled to N_CALLS calls.

    The parent alternates single batches between the contenders' processes, so each pair of
    batches ran within a few milliseconds of each other and load changes on the shared
    machine hit both sides alike (alternating whole processes of ~1 s each did not: per-round
    figures of the same contender moved by 2x). The CPU time leaves out the time spent
    waiting for the server and for a core, so it shows the client's own work."""
    _pin()
    expected = json.loads((PAYLOADS / "task.json").read_bytes())["name"]
    one, check = _get_contender(contender, url)
    for _ in range(30):  # warm-up: connection, lazy imports, decoders
        assert check(one()) == expected
    print("ready", flush=True)
    scale = N_CALLS / GET_BATCH
    for line in sys.stdin:
        if line.strip() != "batch":
            break
        for _ in range(5):  # re-warm caches after waiting for the other contenders (untimed)
            one()
        gc.collect()
        c0 = time.process_time()
        t0 = time.perf_counter()
        for _ in range(GET_BATCH):
            one()
        wall = time.perf_counter() - t0
        cpu = time.process_time() - c0
        print(json.dumps([wall * scale, cpu * scale]), flush=True)


# --------------------------------------------------------------------------------------
# the keep-alive server (separate process)
# --------------------------------------------------------------------------------------


def serve(port_file: Path | None, seconds: float) -> None:
    _pin()
    body = (PAYLOADS / "task.json").read_bytes()
    response = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: " + str(len(body)).encode() + b"\r\n"
                b"Connection: keep-alive\r\n\r\n" + body)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]

    def handle(conn: socket.socket) -> None:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        buf = b""
        try:
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                buf += chunk
                while True:  # requests are GETs without a body
                    end = buf.find(b"\r\n\r\n")
                    if end < 0:
                        break
                    buf = buf[end + 4:]
                    conn.sendall(response)
        except OSError:
            return
        finally:
            conn.close()

    sock.settimeout(1.0)
    deadline = time.monotonic() + seconds  # stops by itself
    print(port, flush=True)
    if port_file:
        port_file.write_text(str(port))
    while time.monotonic() < deadline:
        try:
            conn, _ = sock.accept()
        except socket.timeout:
            continue
        threading.Thread(target=handle, args=(conn,), daemon=True).start()
    sock.close()


# --------------------------------------------------------------------------------------
# parent
# --------------------------------------------------------------------------------------


def contender_cmd(contender: str) -> tuple[list[str], dict[str, str]]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if contender == "cvat-sdk":
        return [str(CVAT_SDK_PY)], env
    if contender == "ours":
        env["PYTHONPATH"] = str(SDK_DIR)  # first on sys.path
    if contender == "other-sdk":  # --other-sdk: another build of ours, e.g. before a change
        env["PYTHONPATH"] = os.environ["SDK_SPEED_OTHER_SDK"]
    return [str(OURS_PY)], env


def run_child(workload: str, contender: str, iterations: int, url: str = "") -> list[float]:
    py, env = contender_cmd(contender)
    cmd = py + [str(Path(__file__).resolve()), "--child", workload, "--contender", contender,
                "--iterations", str(iterations)]
    if url:
        cmd += ["--url", url]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1200)
    if proc.returncode != 0:
        raise RuntimeError(f"{workload}/{contender} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_get(names: list[str], repeats: int, batches: int, url: str,
            errors: dict[str, str]
            ) -> tuple[dict[str, list[float]], list[dict[str, float]], dict[str, list[float]]]:
    """The ``get`` workload: per repeat, one fresh child process per contender (same venv
    kind as the other workloads), all warmed up, then ``batches`` rounds in which each child
    times one batch of GET_BATCH calls in turn, the order reversed every round. Returns every
    batch time per contender, the rounds (one batch of each contender, back to back) and
    every batch's client CPU time per contender (all scaled to N_CALLS calls)."""
    per: dict[str, list[float]] = {c: [] for c in names}
    cpu: dict[str, list[float]] = {c: [] for c in names}
    rounds: list[dict[str, float]] = []
    for r in range(repeats):
        procs: dict[str, subprocess.Popen] = {}
        try:
            for c in names:
                if f"get/{c}" in errors:
                    continue
                py, env = contender_cmd(c)
                procs[c] = subprocess.Popen(
                    py + [str(Path(__file__).resolve()), "--child", "get-interactive",
                          "--contender", c, "--url", url],
                    env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE, text=True)
            for c, proc in list(procs.items()):
                line = proc.stdout.readline().strip()
                if line != "ready":
                    proc.kill()
                    errors[f"get/{c}"] = f"child did not start: {line!r} {proc.stderr.read()[-3000:]}"
                    print(f"[sdk_speed] get {c}: FAILED\n{errors[f'get/{c}']}", file=sys.stderr)
                    del procs[c]
            for i in range(batches):
                order = [c for c in (names if (r * batches + i) % 2 == 0 else names[::-1])
                         if c in procs]
                this: dict[str, float] = {}
                for c in order:
                    procs[c].stdin.write("batch\n")
                    procs[c].stdin.flush()
                    wall, cpu_s = json.loads(procs[c].stdout.readline())
                    this[c] = wall
                    per[c].append(wall)
                    cpu[c].append(cpu_s)
                rounds.append(this)
            print(f"[sdk_speed] repeat {r + 1}/{repeats} get " + "  ".join(
                f"{c} {med([x[c] for x in rounds[-batches:] if c in x]) * 1000:.1f} ms"
                for c in procs), file=sys.stderr)
        finally:
            for proc in procs.values():
                try:
                    proc.stdin.close()
                except OSError:
                    pass
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
    return per, rounds, cpu


def time_python(contender: str, code: str) -> float:
    py, env = contender_cmd(contender)
    t0 = time.perf_counter()
    proc = subprocess.run(py + ["-c", code], env=env, capture_output=True, text=True)
    t = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"import/{contender} failed:\n{proc.stderr[-3000:]}")
    return t


def build_sdk(notes: list[str]) -> None:
    import shutil

    shutil.rmtree(SDK_DIR, ignore_errors=True)
    base = [str(OURS_CLI), "build", "-q", "-o", str(SDK_DIR), "-p", "cvat_sdk.api_client",
            "--schema", str(SCHEMA), "--cache-dir", str(DATA / "cache")]
    proc = subprocess.run(base, capture_output=True, text=True, cwd=DATA)
    if proc.returncode != 0:
        # the docs plugin does not touch the runtime: retry without it rather than give up
        proc2 = subprocess.run(base + ["--disable-plugin", "docs"], capture_output=True, text=True,
                               cwd=DATA)
        if proc2.returncode != 0:
            raise SystemExit(f"cvat-gen build failed:\n{proc.stderr}\n{proc2.stderr}")
        notes.append("cvat-gen build failed with all plugins (" + proc.stderr.strip()[-300:]
                     + "); built with --disable-plugin docs")


def med(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=5, help="child processes per contender")
    ap.add_argument("--iterations", type=int, default=3, help="timed iterations per child")
    ap.add_argument("--import-repeats", type=int, default=10)
    ap.add_argument("--get-iterations", type=int, default=30,
                    help="rounds per repeat in the get workload (one batch of GET_BATCH calls "
                         "per contender per round)")
    ap.add_argument("--workloads", default="parse,build,import,get")
    ap.add_argument("--no-build", action="store_true", help="reuse bench/.data/sdk")
    ap.add_argument("--output", type=Path, default=RESULTS)
    ap.add_argument("--pin-cpu", type=int, default=None,
                    help="get workload: the CPU that the server and every client share "
                         "(default: the first CPU this process may use; -1: no pinning)")
    ap.add_argument("--other-sdk", type=Path, default=None,
                    help="get workload only: also time this other build of ours (a folder "
                         "holding cvat_sdk/api_client), as contender other-sdk, in the same "
                         "rounds: a before/after comparison measured the same way")
    # child mode
    ap.add_argument("--child")
    ap.add_argument("--contender")
    ap.add_argument("--url", default="")
    ap.add_argument("--serve", action="store_true")
    ap.add_argument("--serve-seconds", type=float, default=1800)
    args = ap.parse_args(argv)

    if args.serve:
        serve(None, args.serve_seconds)
        return 0
    if args.child:
        if args.child == "parse":
            times = child_parse(args.contender, args.iterations)
        elif args.child == "build":
            times = child_build(args.contender, args.iterations)
        elif args.child == "get":
            times = child_get(args.contender, args.iterations, args.url)
        elif args.child == "get-interactive":
            child_get_interactive(args.contender, args.url)
            return 0
        else:
            raise SystemExit(f"unknown workload {args.child}")
        print(json.dumps(times))
        return 0

    for exe in (OURS_PY, OURS_CLI, CVAT_SDK_PY):
        if not exe.exists():
            sys.exit(f"missing {exe}: run bench/setup_envs.sh")
    notes: list[str] = []
    DATA.mkdir(parents=True, exist_ok=True)
    if not args.no_build or not SDK_DIR.exists():
        build_sdk(notes)
    sizes = write_payloads()
    workloads = [w for w in args.workloads.split(",") if w]
    contenders = {"parse": ["ours", "orjson", "cvat-sdk"], "build": ["ours", "orjson", "cvat-sdk"],
                  "get": ["ours", "raw-urllib3", "raw-urllib3+timeout", "cvat-sdk"],
                  "import": ["ours", "cvat-sdk"]}
    if args.other_sdk is not None:
        if not (args.other_sdk / "cvat_sdk" / "api_client").is_dir():
            sys.exit(f"--other-sdk {args.other_sdk}: no cvat_sdk/api_client in it")
        os.environ["SDK_SPEED_OTHER_SDK"] = str(args.other_sdk.resolve())
        contenders["get"].insert(2, "other-sdk")
    results: dict[str, dict] = {}
    errors: dict[str, str] = {}

    server = None
    url = ""
    pin = args.pin_cpu
    if pin is None and hasattr(os, "sched_getaffinity"):
        pin = min(os.sched_getaffinity(0))
    if pin is not None and pin >= 0 and "get" in workloads:
        os.environ["SDK_SPEED_PIN_CPU"] = str(pin)  # read by the server and the get children
    if "get" in workloads:
        server = subprocess.Popen([str(OURS_PY), str(Path(__file__).resolve()), "--serve",
                                   "--serve-seconds", "1800"], stdout=subprocess.PIPE, text=True)
        url = f"http://127.0.0.1:{int(server.stdout.readline())}"
    try:
        for w in workloads:
            names = contenders[w]
            per: dict[str, list[float]] = {c: [] for c in names}
            rounds: list[dict[str, float]] = []
            if w == "import":
                base = {c: [] for c in names}
                use = {c: [] for c in names}
                for r in range(args.import_repeats):
                    order = names if r % 2 == 0 else names[::-1]
                    for c in order:
                        try:
                            base[c].append(time_python(c, "pass"))
                            per[c].append(time_python(c, IMPORT_STMT))
                            use[c].append(time_python(c, IMPORT_USE_STMT))
                        except RuntimeError as exc:
                            errors[f"import/{c}"] = str(exc)
                results[w] = {
                    "unit": "s (import minus bare interpreter start)",
                    "medians": {c: med(per[c]) - med(base[c]) for c in names if per[c]},
                    "medians_with_first_use": {c: med(use[c]) - med(base[c]) for c in names if use[c]},
                    "interpreter_start": {c: med(base[c]) for c in names if base[c]},
                    "raw": {"pass": base, "import": per, "import_and_use": use},
                }
                continue
            if w == "get":  # short and load-sensitive: batches alternate between live children
                per, rounds, cpu = run_get(names, args.repeats, args.get_iterations, url, errors)
                cpu_med = {c: med(cpu[c]) for c in names if cpu[c]}
                results[w] = {"unit": f"s per {N_CALLS} calls (batches of {GET_BATCH})",
                              "medians": {c: med(per[c]) for c in names if per[c]},
                              "per_round_medians": rounds, "raw": per,
                              "cpu_medians": cpu_med, "cpu_raw": cpu,
                              "cpu_ratios_vs_baseline": {
                                  c: v / cpu_med["raw-urllib3"] for c, v in cpu_med.items()
                                  if c != "raw-urllib3" and cpu_med.get("raw-urllib3")}}
                continue
            for r in range(args.repeats):
                order = names if r % 2 == 0 else names[::-1]
                this: dict[str, float] = {}
                for c in order:
                    if f"{w}/{c}" in errors:
                        continue
                    if c == "cvat-sdk":  # seconds per iteration: 2 are plenty
                        its = max(1, min(args.iterations, 2))
                    else:
                        its = args.iterations
                    try:
                        ts = run_child(w, c, its, url)
                    except (RuntimeError, subprocess.TimeoutExpired) as exc:
                        errors[f"{w}/{c}"] = str(exc)
                        print(f"[sdk_speed] {w} {c}: FAILED\n{exc}", file=sys.stderr)
                        continue
                    per[c].extend(ts)
                    this[c] = med(ts)
                    print(f"[sdk_speed] repeat {r + 1}/{args.repeats} {w:6s} {c:12s} "
                          f"{med(ts) * 1000:9.1f} ms", file=sys.stderr)
                rounds.append(this)
            results[w] = {"unit": "s per iteration" if w != "get" else f"s per {N_CALLS} calls",
                          "medians": {c: med(per[c]) for c in names if per[c]},
                          "per_round_medians": rounds, "raw": per}
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)

    # ratios
    base_of = {"parse": "orjson", "build": "orjson", "get": "raw-urllib3", "import": "cvat-sdk"}
    table = []
    for w in workloads:
        m = results.get(w, {}).get("medians", {})
        b = m.get(base_of[w])
        ratios = {c: (v / b if b else None) for c, v in m.items() if c != base_of[w]}
        results[w]["baseline"] = base_of[w]
        results[w]["ratios_vs_baseline"] = ratios
        label, target = TARGETS[w]
        ours_ratio = ratios.get("ours")
        results[w]["target"] = f"{label} <= {target}"
        results[w]["meets_target"] = ours_ratio is not None and ours_ratio <= target
        # per-round ratio: each round's contenders ran back to back
        rr = [r["ours"] / r[base_of[w]] for r in results[w].get("per_round_medians", [])
              if "ours" in r and r.get(base_of[w])]
        if rr:
            results[w]["ours_ratio_median_of_rounds"] = statistics.median(rr)
        if "other-sdk" in m and "ours" in m:  # --other-sdk: this build vs the other one
            ro = [r["ours"] / r["other-sdk"] for r in results[w].get("per_round_medians", [])
                  if "ours" in r and r.get("other-sdk")]
            results[w]["ours_over_other_sdk"] = {
                "other_sdk": os.environ.get("SDK_SPEED_OTHER_SDK"),
                "ratio_of_medians": m["ours"] / m["other-sdk"],
                "median_of_rounds": statistics.median(ro) if ro else None,
                "cpu_ratio": (results[w]["cpu_medians"]["ours"]
                              / results[w]["cpu_medians"]["other-sdk"])}
        if w == "import":
            mu = results[w]["medians_with_first_use"]
            if mu.get("cvat-sdk"):
                results[w]["ratios_with_first_use"] = {"ours": mu["ours"] / mu["cvat-sdk"]} \
                    if "ours" in mu else {}
        table.append((w, m, b, ratios, label, target))

    print()
    print(f"{'workload':8s} {'contender':19s} {'median':>12s} {'ratio':>9s}")
    for w, m, b, ratios, label, target in table:
        unit_ms = 1000.0
        for c, v in m.items():
            ratio = "(base)" if c == base_of[w] else (f"{ratios[c]:.2f}x" if ratios.get(c) else "-")
            print(f"{w:8s} {c:19s} {v * unit_ms:10.1f}ms {ratio:>9s}")
        ours_ratio = ratios.get("ours")
        verdict = "-" if ours_ratio is None else ("OK" if ours_ratio <= target else "MISSED")
        print(f"{'':8s} target {label} <= {target}: {verdict}")
        rounds_ratio = results[w].get("ours_ratio_median_of_rounds")
        if rounds_ratio is not None:
            print(f"{'':8s} ours/{base_of[w]}, median of per-round ratios: {rounds_ratio:.3f}")
        vs_other = results[w].get("ours_over_other_sdk")
        if vs_other:
            print(f"{'':8s} ours/other-sdk: {vs_other['ratio_of_medians']:.3f} (median of rounds "
                  f"{vs_other['median_of_rounds']:.3f}, CPU {vs_other['cpu_ratio']:.3f})")
        cpu_ratio = results[w].get("cpu_ratios_vs_baseline", {}).get("ours")
        if cpu_ratio is not None:
            cm = results[w]["cpu_medians"]
            print(f"{'':8s} client CPU time: ours {cm['ours'] * 1000:.1f}ms, {base_of[w]} "
                  f"{cm[base_of[w]] * 1000:.1f}ms, ratio {cpu_ratio:.3f}")
        if w == "import" and results[w].get("ratios_with_first_use"):
            mu = results[w]["medians_with_first_use"]
            print(f"{'':8s} import + first use: ours {mu.get('ours', 0) * 1000:.1f}ms, cvat-sdk "
                  f"{mu.get('cvat-sdk', 0) * 1000:.1f}ms, ratio "
                  f"{results[w]['ratios_with_first_use'].get('ours', float('nan')):.3f}")
    for n in notes:
        print("note:", n)
    for k in errors:
        print("FAILED:", k)

    def version(py: Path, env: dict[str, str] | None = None, code: str = "") -> str:
        p = subprocess.run([str(py), "-c", code], capture_output=True, text=True, env=env)
        return p.stdout.strip()

    versions = {
        "cvat-sdk": version(CVAT_SDK_PY, code="import cvat_sdk; print(cvat_sdk.__version__)"),
        "orjson": version(OURS_PY, code="import orjson; print(orjson.__version__)"),
        "msgspec": version(OURS_PY, code="import msgspec; print(msgspec.__version__)"),
        "urllib3 (ours/raw)": version(OURS_PY, code="import urllib3; print(urllib3.__version__)"),
        "urllib3 (cvat-sdk)": version(CVAT_SDK_PY, code="import urllib3; print(urllib3.__version__)"),
    }
    out = {
        "benchmark": "sdk_speed",
        "repeats": args.repeats, "iterations": args.iterations,
        "import_repeats": args.import_repeats,
        "n_shapes": N_SHAPES, "n_calls": N_CALLS, "payload_bytes": sizes,
        "get_batch": GET_BATCH, "get_rounds_per_repeat": args.get_iterations,
        "get_pinned_cpu": os.environ.get("SDK_SPEED_PIN_CPU"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform(),
                    "loadavg_at_end": os.getloadavg() if hasattr(os, "getloadavg") else None},
        "versions": versions,
        "workloads": results, "notes": notes, "errors": errors,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
