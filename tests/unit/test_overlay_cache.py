"""The cache of parsed overlay files (generator/overlay_read.py): a hit gives what parsing
gives, without importing yaml; anything that changes the file or its parsing misses; a
broken or unwritable cache only costs time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import cvat_gen.overlay_read as overlay_read
from cvat_gen.config import BuildConfig
from cvat_gen.context import BuildContext
from cvat_gen.errors import BuildError
from cvat_gen.overlay import load_overlay
from cvat_gen.overlay_read import CACHE_SUBDIR, cache_key, read_document
from cvat_gen.plugins.schema_patches import cvatgen_patch_schema, shipped_overlay_paths

SHIPPED = shipped_overlay_paths()
SMALL = """\
overlay: 1.0.0
info: {title: Small, version: 1.0.0}
actions:
  - target: $.paths['/a'].get
    description: first
    update: {summary: one, tags: [a, b], n: 1, f: 1.5, none: null, flag: true, date: 2024-01-02}
"""


def entries(cache: Path) -> list[Path]:
    folder = cache / CACHE_SUBDIR
    return sorted(folder.iterdir()) if folder.is_dir() else []


def errors_of(fn: Any) -> list[tuple[str, str, str]]:
    with pytest.raises(BuildError) as exc:
        fn()
    return [(d.pointer, d.message, d.source) for d in exc.value.diagnostics]


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_overlays_are_the_same_cached(path: Path, tmp_path: Path) -> None:
    plain = read_document(path, str(path))
    miss = read_document(path, str(path), tmp_path)
    assert len(entries(tmp_path)) == 1
    hit = read_document(path, str(path), tmp_path)
    # == alone would take 1 for True: compare the JSON texts (types and key order) too
    assert plain == miss == hit
    assert json.dumps(plain) == json.dumps(miss) == json.dumps(hit)
    assert load_overlay(path) == load_overlay(path, tmp_path) == load_overlay(path, cache_dir=tmp_path)
    assert [a.target for a in load_overlay(path, tmp_path).actions] == [a.target for a in load_overlay(path).actions]


def test_a_hit_does_not_import_yaml(tmp_path: Path) -> None:
    """In a fresh process: a miss parses with yaml, a hit does not import it (nor the JSONPath
    library: every shipped query is in the evaluator's subset)."""
    cache = tmp_path / "cache"
    script = (
        "import json, sys\n"
        "from cvat_gen.overlay import load_overlay\n"
        "assert 'yaml' not in sys.modules, 'importing the engine imports yaml'\n"
        "titles = [load_overlay(p, cache_dir=sys.argv[1]).title for p in sys.argv[2:]]\n"
        "print(json.dumps({'yaml': 'yaml' in sys.modules, 'jsonpath': 'jsonpath_rfc9535' in sys.modules,"
        " 'titles': titles}))\n"
    )

    def run() -> dict[str, Any]:
        done = subprocess.run([sys.executable, "-c", script, str(cache), *map(str, SHIPPED)],
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    cold = run()
    assert cold["yaml"] is True  # the test can tell
    assert len(entries(cache)) == len(SHIPPED)
    warm = run()
    assert warm == {"yaml": False, "jsonpath": False, "titles": cold["titles"]}
    assert cold["titles"] == [load_overlay(p).title for p in SHIPPED]


def test_a_changed_file_misses(tmp_path: Path) -> None:
    path, cache = tmp_path / "o.yaml", tmp_path / "cache"
    path.write_text(SMALL, encoding="utf-8")
    first = load_overlay(path, cache).actions[0]
    assert first.description == "first"
    assert first.update["date"] == "2024-01-02" and first.update["flag"] is True  # dates stay strings
    path.write_text(SMALL.replace("description: first", "description: second"), encoding="utf-8")
    assert load_overlay(path, cache).actions[0].description == "second"
    assert len(entries(cache)) == 2
    path.write_text(SMALL, encoding="utf-8")  # back to the first bytes: a hit on the first entry
    assert load_overlay(path, cache).actions[0].description == "first"
    assert len(entries(cache)) == 2


@pytest.mark.parametrize("garbage", [b"", b"{", b"\xff\xfe", b"[1, 2]", b'{"key": "other", "document": {}}',
                                     b'{"document": {"overlay": "1.0.0"}}', b"null"])
def test_a_corrupt_entry_is_ignored_and_replaced(tmp_path: Path, garbage: bytes) -> None:
    path, cache = tmp_path / "o.yaml", tmp_path / "cache"
    path.write_text(SMALL, encoding="utf-8")
    expected = load_overlay(path)
    load_overlay(path, cache)
    [entry] = entries(cache)
    entry.write_bytes(garbage)
    assert load_overlay(path, cache) == expected
    assert json.loads(entry.read_bytes())["key"] == entry.stem  # written again, whole


def test_an_entry_is_used_when_it_matches(tmp_path: Path) -> None:
    """The cache really is read on a hit (the tests above would pass with a cache that never
    hits): an entry edited by hand, with its key intact, is what a hit returns."""
    path, cache = tmp_path / "o.yaml", tmp_path / "cache"
    path.write_text(SMALL, encoding="utf-8")
    load_overlay(path, cache)
    [entry] = entries(cache)
    data = json.loads(entry.read_bytes())
    data["document"]["info"]["title"] = "From the cache"
    entry.write_text(json.dumps(data), encoding="utf-8")
    assert load_overlay(path, cache).title == "From the cache"
    assert load_overlay(path).title == "Small"


def test_an_unwritable_cache_only_costs_time(tmp_path: Path) -> None:
    path, blocker = tmp_path / "o.yaml", tmp_path / "not-a-folder"
    path.write_text(SMALL, encoding="utf-8")
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    assert load_overlay(path, blocker) == load_overlay(path)
    assert load_overlay(path, blocker / "deeper") == load_overlay(path)


def test_what_json_cannot_hold_is_not_cached(tmp_path: Path) -> None:
    """YAML can say things JSON cannot (an integer key): such a file is parsed every time,
    and gives what it always gave."""
    path, cache = tmp_path / "o.yaml", tmp_path / "cache"
    path.write_text(SMALL.replace("update: {summary: one", "update: {200: {description: OK}, summary: one"),
                    encoding="utf-8")
    first = load_overlay(path, cache)
    assert entries(cache) == []
    assert first == load_overlay(path, cache) == load_overlay(path)
    assert 200 in first.actions[0].update


def test_json_overlays_and_newlines(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    as_json = tmp_path / "o.json"
    as_json.write_text(json.dumps({"overlay": "1.0.0", "info": {"title": "J", "version": "1"},
                                   "actions": [{"target": "$.a", "remove": True}]}), encoding="utf-8")
    assert load_overlay(as_json, cache) == load_overlay(as_json, cache) == load_overlay(as_json)
    crlf = tmp_path / "crlf.yaml"
    crlf.write_bytes(SMALL.replace("\n", "\r\n").replace("description: first", 'description: "a\r\n  b"').encode())
    assert load_overlay(crlf, cache) == load_overlay(crlf, cache) == load_overlay(crlf)
    assert len(entries(cache)) == 2


@pytest.mark.parametrize(("name", "content"), [
    ("bad.yaml", b"overlay: [1.0.0\n"),
    ("dup.yaml", b"overlay: 1.0.0\noverlay: 1.0.1\n"),
    ("bad.json", b'{"overlay": "1.0.0",}'),
    ("bom.json", b'\xef\xbb\xbf{"overlay": "1.0.0"}'),
    ("latin1.yaml", b"overlay: caf\xe9\n"),
    ("bad-crlf.json", b'{\r\n"a": 1,\r\n}\r\n'),
    ("old-mac.json", b'{\r"a": 1,\r}\r'),
])
def test_errors_are_the_same_cached_and_not_cached(tmp_path: Path, name: str, content: bytes) -> None:
    path, cache = tmp_path / name, tmp_path / "cache"
    path.write_bytes(content)
    plain = errors_of(lambda: load_overlay(path))
    assert errors_of(lambda: load_overlay(path, cache)) == plain
    assert errors_of(lambda: load_overlay(path, cache)) == plain
    assert entries(cache) == []
    missing = tmp_path / "missing.yaml"
    assert errors_of(lambda: load_overlay(missing, cache)) == errors_of(lambda: load_overlay(missing))


def test_the_key_covers_what_changes_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    data = SMALL.encode()
    base = cache_key(data, is_json=False)
    assert base == cache_key(data, is_json=False)
    assert cache_key(data, is_json=True) != base
    assert cache_key(data + b"\n", is_json=False) != base
    monkeypatch.setattr(overlay_read, "__version__", "999.0")
    assert cache_key(data, is_json=False) != base
    monkeypatch.undo()
    monkeypatch.setattr(overlay_read, "_parser_id", "yaml:6.0:pure")
    assert cache_key(data, is_json=False) != base


def test_the_parser_id_names_the_installed_yaml() -> None:
    import yaml

    overlay_read._parser_id = None
    assert overlay_read._yaml_parser_id() == (
        f"yaml:{yaml.__version__}:{'libyaml' if hasattr(yaml, 'CSafeLoader') else 'pure'}"
    )


def test_the_plugin_caches_in_the_build_cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    schema = {"openapi": "3.0.3", "info": {"title": "CVAT REST API", "version": "2.70.0"}, "paths": {}}
    context = BuildContext(BuildConfig(cache_dir=tmp_path / "build-cache"))
    cvatgen_patch_schema(schema=json.loads(json.dumps(schema)), context=context)
    assert len(entries(tmp_path / "build-cache")) == len(SHIPPED)
    monkeypatch.setenv("CVAT_GEN_CACHE_DIR", str(tmp_path / "default"))
    cvatgen_patch_schema(schema=json.loads(json.dumps(schema)), context=BuildContext(BuildConfig()))
    assert len(entries(tmp_path / "default")) == len(SHIPPED)


def test_a_recursive_yaml_alias_ends_as_without_a_cache(tmp_path: Path) -> None:
    """A list that holds itself (`- &x [1, *x]`) is no overlay; with a cache as without one,
    the build says so (it once walked such a list forever, checking it for the cache)."""
    overlay = tmp_path / "recursive.yaml"
    overlay.write_text("- &x [1, *x]\n", encoding="utf-8")
    script = ("import sys\nfrom cvat_gen.errors import BuildError\nfrom cvat_gen.overlay import load_overlay\n"
              "try:\n    load_overlay(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)\n"
              "except BuildError as exc:\n    print(exc)\n")
    answers = [subprocess.run([sys.executable, "-c", script, str(overlay), *cache], capture_output=True,
                              text=True, timeout=60).stdout for cache in ([], [str(tmp_path / "cache")])]
    assert answers[0] == answers[1] and "must be a mapping" in answers[0]
