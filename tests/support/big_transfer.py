"""Move one large body through a generated client and report the peak RSS, as JSON.

Run in a fresh process (``python -m tests.support.big_transfer ...``) so that the peak
resident memory measures this transfer and nothing the test process did before; on Linux
the peak (VmHWM) is reset just before the transfer, and the growth is that peak minus the
resident memory at that moment. The server runs in the same process (a thread), keeps at most 1 MiB of what it
receives, and generates download bodies on the fly, so the figure is an upper bound for the
client alone. The upload source is a sparse file: 1 GiB of zeros that costs no disk.

Modes: ``download`` (a file response written to a path by ``downloads.write_response``),
``multipart`` (``tasks_api.create_data`` with ``client_files=[open file]``), ``tus`` (a raw
``rest_client.PATCH`` with a file body, as cvat_sdk.core's TUS upload sends).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def _status_mib(key: str) -> float | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def _reset_peak() -> float:
    """Start a fresh peak: Linux resets VmHWM when "5" is written to clear_refs. Returns the
    current RSS, the baseline the peak is compared with."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass
    current = _status_mib("VmRSS")
    return current if current is not None else _peak_mib()


def _peak_mib() -> float:
    hwm = _status_mib("VmHWM")
    if hwm is not None:
        return hwm
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True, help="folder that holds the generated package")
    parser.add_argument("--package", required=True)
    parser.add_argument("--mode", choices=("download", "multipart", "tus"), required=True)
    parser.add_argument("--size", type=int, default=1 << 30)
    parser.add_argument("--tmp", required=True)
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, args.root)
    from tests.support.fault_server import FaultServer, Recorded, zeros

    sdk: Any = importlib.import_module(args.package)
    downloads: Any = importlib.import_module(args.package + ".downloads")
    tmp = Path(args.tmp)
    size: int = args.size

    with FaultServer() as server:
        def data(_: Recorded) -> tuple[int, dict[str, str], Any]:
            return 200, {"Content-Type": "application/octet-stream",
                         "Content-Length": str(size)}, zeros(size)

        server.route("GET", "/api/jobs/1/data", data)
        server.route("POST", "/api/tasks/1/data/", json_body={"rq_id": "r"}, status=202)
        server.route("PATCH", "/api/uploads/1", json_body={})
        client = sdk.ApiClient(sdk.Configuration(host=server.url))
        source = tmp / "source.bin"
        if args.mode != "download":
            with open(source, "wb") as f:
                f.truncate(size)  # sparse: no disk blocks
        # warm up imports and the connection with a tiny call of the same kind
        client.server_api  # noqa: B018
        before = _reset_peak()
        start = time.perf_counter()
        if args.mode == "download":
            _, response = client.jobs_api.retrieve_data(
                1, type="chunk", number=0, quality="original", _parse_response=False
            )
            target = tmp / "out.bin"
            moved = downloads.write_response(response, target)
            assert target.stat().st_size == size, target.stat().st_size
            target.unlink()
        elif args.mode == "multipart":
            with open(source, "rb") as f:
                client.tasks_api.create_data(
                    1, data_request={"client_files": [f], "image_quality": 70},
                    _content_type="multipart/form-data",
                )
            moved = server.requests[-1].body_length
            assert moved > size, moved
        else:
            with open(source, "rb") as f:
                client.rest_client.PATCH(
                    server.url + "/api/uploads/1",
                    headers={"Content-Type": "application/offset+octet-stream",
                             "Content-Length": str(size)},
                    body=f,
                )
            moved = server.requests[-1].body_length
            assert moved == size, moved
        seconds = time.perf_counter() - start
        after = _peak_mib()
    if source.exists():
        os.unlink(source)
    print(json.dumps({"mode": args.mode, "bytes": moved, "seconds": round(seconds, 2),
                      "rss_before_mib": round(before, 1), "rss_peak_mib": round(after, 1),
                      "growth_mib": round(after - before, 1)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
