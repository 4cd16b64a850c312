"""`cvat_sdk.core` from PyPI (cvat-sdk 2.70.0) running on top of the generated client.

A temporary venv gets `cvat-sdk==2.70.0` from PyPI; its `cvat_sdk/api_client` directory is
then REPLACED by the package generated from the 2.70 schema (default package name
`cvat_sdk.api_client`). A script run in that venv drives `cvat_sdk.core` against FakeCvat,
which runs here, so the test asserts on the server's state. No PyPI access -> skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import build, schema_path
from tests.support.fake_cvat import FakeCvat

pytestmark = pytest.mark.slow

CVAT_SDK = "cvat-sdk==2.70.0"


def _run(cmd: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture(scope="session")
def core_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Python of a venv with cvat-sdk 2.70.0 whose api_client is the generated one."""
    root = tmp_path_factory.mktemp("core-dropin")
    venv = root / "venv"
    created = _run([sys.executable, "-m", "venv", str(venv)], 120)
    if created.returncode != 0:
        pytest.skip(f"can't create a venv: {created.stderr[-500:]}")
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    try:
        installed = _run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
             CVAT_SDK, "msgspec>=0.19"],
            300,
        )
    except subprocess.TimeoutExpired:
        pytest.skip(f"PyPI unreachable: `pip install {CVAT_SDK}` timed out")
    if installed.returncode != 0:
        pytest.skip(f"PyPI unreachable or {CVAT_SDK} unavailable: {installed.stderr.strip()[-800:]}")

    site = _run([str(python), "-c", "import cvat_sdk, os; print(os.path.dirname(cvat_sdk.__file__))"], 60)
    assert site.returncode == 0, site.stderr
    sdk_dir = Path(site.stdout.strip())
    output = root / "generated"
    build(schema_path("2.70.0"), output)  # default package: cvat_sdk.api_client
    generated = output / "cvat_sdk" / "api_client"
    assert (generated / "py.typed").is_file()
    shutil.rmtree(sdk_dir / "api_client")
    shutil.copytree(generated, sdk_dir / "api_client")
    return python


SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path

    import cvat_sdk.api_client.api_client as low
    from cvat_sdk import Config, make_client, models
    from cvat_sdk.core.proxies.tasks import ResourceType

    url, work = sys.argv[1], Path(sys.argv[2])
    out = {"generated": "cvat-gen" in Path(low.__file__).read_text()}

    client = make_client(url, credentials=("admin", "admin"))
    client.config = Config(status_check_period=0.01)
    out["server_version"] = str(client.get_server_version())
    out["logged_in_user"] = client.users.retrieve_current_user().username

    images = []
    for i in range(3):
        path = work / f"frame_{i}.jpg"
        path.write_bytes(b"\\xff\\xd8" + bytes([i]) * 32 + b"\\xff\\xd9")
        images.append(path)
    task = client.tasks.create_from_data(
        {"name": "core task", "labels": [{"name": "car"}, {"name": "person"}]},
        resources=images,
        resource_type=ResourceType.LOCAL,
        data_params={"image_quality": 80},
    )
    out["task_id"], out["task_size"] = task.id, task.size
    out["labels"] = sorted(label.name for label in task.get_labels())
    # core sends each file's path as its multipart filename; compare base names
    out["frames"] = [Path(f.name).name for f in task.get_meta().frames]

    extra = [client.tasks.create({"name": f"extra {i}"}) for i in range(4)]
    out["listed"] = sorted(t.name for t in client.tasks.list())

    label_id = task.get_labels()[0].id
    task.update_annotations(models.PatchedLabeledDataRequest(shapes=[
        models.LabeledShapeRequest(type="rectangle", frame=0, label_id=label_id, points=[1, 2, 3, 4]),
    ]))
    task.update_annotations({"tags": [{"frame": 1, "label_id": label_id}]})
    anns = task.get_annotations()
    out["after_update"] = [len(anns.shapes), len(anns.tags), anns.shapes[0].type.value]
    task.set_annotations(models.LabeledDataRequest(shapes=[
        models.LabeledShapeRequest(type="polygon", frame=i, label_id=label_id, points=[0, 0, 5, 0, 5, 5])
        for i in range(3)
    ]))
    anns = task.get_annotations()
    out["after_set"] = [len(anns.shapes), len(anns.tags)]
    task.remove_annotations(ids=[anns.shapes[0].id])
    out["after_remove"] = len(task.get_annotations().shapes)

    task.update({"name": "renamed", "subset": "train"})
    out["renamed"] = [task.name, task.subset]

    exported = task.export_dataset("COCO 1.0", work / "export.zip", include_images=False)
    out["export_magic"] = Path(exported).read_bytes()[:2].decode()
    out["frame0"] = task.get_frame(0).read()[:2].hex()

    extra[0].remove()
    client.tasks.remove_by_ids([extra[1].id])
    out["remaining"] = sorted(t.id for t in client.tasks.list())
    client.logout()
    print(json.dumps(out))
    """
)


def test_core_runs_on_generated_client(core_python: Path, tmp_path: Path) -> None:
    script = tmp_path / "drive_core.py"
    script.write_text(SCRIPT)
    with FakeCvat(polls_to_finish=2, page_size=2) as fake:
        result = _run([str(core_python), str(script), fake.url, str(tmp_path)], 180)
        assert result.returncode == 0, result.stderr[-4000:]
        out = json.loads(result.stdout.strip().splitlines()[-1])

        assert out["generated"] is True
        assert out["server_version"] == "2.70.0" and out["logged_in_user"] == "admin"
        task_id = out["task_id"]
        assert out["task_size"] == 3 and out["labels"] == ["car", "person"]
        assert out["frames"] == ["frame_0.jpg", "frame_1.jpg", "frame_2.jpg"]
        assert out["listed"] == ["core task"] + [f"extra {i}" for i in range(4)]
        assert out["after_update"] == [1, 1, "rectangle"]
        assert out["after_set"] == [3, 0]
        assert out["after_remove"] == 2
        assert out["renamed"] == ["renamed", "train"]
        assert out["export_magic"] == "PK" and out["frame0"] == "ffd8"

        # the server's side
        stored = fake.tasks[task_id]
        assert (stored["name"], stored["subset"], stored["size"], stored["image_quality"]) == (
            "renamed", "train", 3, 80,
        )
        assert [Path(n).name for n, _ in fake.task_files[task_id]] == ["frame_0.jpg", "frame_1.jpg", "frame_2.jpg"]
        shapes = fake.annotations[task_id]["shapes"]
        assert len(shapes) == 2 and {s["type"] for s in shapes} == {"polygon"}
        assert len(fake.tasks) == 3 and out["remaining"] == sorted(fake.tasks)
        assert fake.sessions == {}  # logged out
        list_pages = [r for r in fake.requests if r.method == "GET" and r.path == "/api/tasks"]
        assert {tuple(r.query.get("page", [])) for r in list_pages} >= {("1",), ("2",), ("3",)}
        assert all(r.user == "admin" for r in fake.requests if r.path not in ("/api/auth/login", "/api/server/about"))
