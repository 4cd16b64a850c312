"""`cvat_sdk.core` from PyPI running on top of the generated client, on old and new releases.

For the oldest, the middle and the newest open-source schema (picked from the listing of
../shared/schemas/oss, not named here) and the newest hosted one, the matching cvat-sdk is
taken from its cached venv (tests/support/sdk_venvs.py, shared with the surface test). Its
`cvat_sdk` package is copied to an overlay folder whose `api_client` is REPLACED by our
build of that schema; a script run with the overlay first on PYTHONPATH drives
`cvat_sdk.core` against FakeCvat following that release's schema (its paths, trailing
slashes included, and only the routes it has), so the test asserts on the server's state.
No PyPI access -> skip.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.conftest import OSS_IDS, RELEASES, built_sdk, load_document, release_of
from tests.support.fake_cvat import FakeCvat
from tests.support.sdk_venvs import VenvUnavailable, requirement, sdk_package_dir, sdk_venv, venv_python

pytestmark = pytest.mark.slow

# oldest, middle and newest open-source release, and the newest hosted one
CORE_IDS = sorted({*(OSS_IDS[:1] + OSS_IDS[len(OSS_IDS) // 2:][:1] + OSS_IDS[-1:]), *RELEASES[-1:]},
                  key=lambda i: (OSS_IDS + RELEASES).index(i))


_ONEOF_BODY = r"expected \w+AnnotationsUpdateRequest or a dict, got LabeledDataRequest"


def _run(cmd: list[str], timeout: float, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False, env=env)


def core_overlay(schema_id: str, root: Path) -> tuple[Path, Path]:
    """(python, overlay): the cached venv's python, and a folder holding its `cvat_sdk` with
    our `api_client` (the cached venv itself is never modified)."""
    release = release_of(schema_id)
    try:
        venv = sdk_venv(release)
    except VenvUnavailable as exc:
        pytest.skip(f"no cvat-sdk for {release} ({requirement(release)}): {exc}")
    overlay = root / "overlay"
    shutil.copytree(sdk_package_dir(venv), overlay / "cvat_sdk", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.rmtree(overlay / "cvat_sdk" / "api_client")
    generated = built_sdk(schema_id) / "cvat_sdk" / "api_client"
    assert (generated / "py.typed").is_file()
    shutil.copytree(generated, overlay / "cvat_sdk" / "api_client", ignore=shutil.ignore_patterns("__pycache__"))
    return venv_python(venv), overlay


SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path

    import cvat_sdk.api_client.api_client as low
    from cvat_sdk import Config, make_client, models
    from cvat_sdk.core.proxies.tasks import ResourceType

    url, work = sys.argv[1], Path(sys.argv[2])
    out = {"generated": "cvat-gen" in Path(low.__file__).read_text(), "sdk_file": low.__file__}

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
    # old releases return None: the file is where it was asked for
    out["export_magic"] = Path(exported or work / "export.zip").read_bytes()[:2].decode()
    out["frame0"] = task.get_frame(0).read()[:2].hex()

    extra[0].remove()
    client.tasks.remove_by_ids([extra[1].id])
    out["remaining"] = sorted(t.id for t in client.tasks.list())
    client.logout()
    print(json.dumps(out))
    """
)


@pytest.mark.parametrize("schema_id", CORE_IDS)
def test_core_runs_on_generated_client(schema_id: str, tmp_path: Path) -> None:
    python, overlay = core_overlay(schema_id, tmp_path)
    script = tmp_path / "drive_core.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "PYTHONPATH": str(overlay)}
    schema = load_document(schema_id)
    with FakeCvat(polls_to_finish=2, page_size=2, schema=schema) as fake:
        result = _run([str(python), str(script), fake.url, str(tmp_path)], 180, env)
        if result.returncode != 0 and re.search(_ONEOF_BODY, result.stderr):
            # releases <= 2.36: core passes a LabeledDataRequest where the schema's body is
            # `oneOf: [LabeledDataRequest, AnnotationFileRequest]`; the union models are the
            # work of another branch (composition). Any other failure fails the test.
            pytest.xfail("oneOf request body: " + re.search(_ONEOF_BODY, result.stderr).group(0))  # type: ignore[union-attr]
        assert result.returncode == 0, result.stderr[-4000:]
        out = json.loads(result.stdout.strip().splitlines()[-1])

        assert out["generated"] is True and out["sdk_file"].startswith(str(overlay))
        assert out["server_version"] == release_of(schema_id) and out["logged_in_user"] == "admin"
        # every request went to a path of this release's schema (404 would have failed core)
        assert not [r for r in fake.requests if r.status == 404], [
            (r.method, r.path) for r in fake.requests if r.status == 404]
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
