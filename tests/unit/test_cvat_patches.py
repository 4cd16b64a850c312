"""The shipped CVAT overlays (plugins/schema_patches/overlays) against the real schemas.

Every shipped action must apply to every shared schema (both editions: the hosted JSON copies
in ../shared/schemas and the open-source YAML ones in ../shared/schemas/oss, found by listing
the folders, so a schema dropped there is tested with no code change), or be skipped with one
of the declared reasons, without a single diagnostic; the patched schema must then say what
the server really does.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from cvat_gen.config import BuildConfig
from cvat_gen.context import BuildContext
from cvat_gen.errors import DiagnosticSink
from cvat_gen.load import load_schema
from cvat_gen.overlay import apply_overlay, describe
from cvat_gen.overlay_conditions import ALREADY_DECLARED, EDITION_ONLY, NOT_IN_RELEASE, schema_edition
from cvat_gen.plugins.schema_patches import (
    cvatgen_describe_patches,
    cvatgen_patch_schema,
    load_shipped_overlays,
)

SCHEMAS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "schemas"
HOSTED_FILES = sorted(SCHEMAS_DIR.glob("cvat-*.json"))
OSS_FILES = sorted(p for p in (SCHEMAS_DIR / "oss").glob("cvat-*") if p.suffix in (".yml", ".yaml", ".json"))


def version_of(path: Path) -> tuple[int, ...]:
    return tuple(int(p) for p in path.stem.removeprefix("cvat-").split("."))


SCHEMA_FILES = sorted(HOSTED_FILES + OSS_FILES, key=lambda p: (version_of(p), p.suffix))
SKIP_REASONS = (NOT_IN_RELEASE, ALREADY_DECLARED, *EDITION_ONLY.values())
BINARY = {"type": "string", "format": "binary"}
JSON = "application/vnd.cvat+json"

pytestmark = pytest.mark.skipif(not SCHEMA_FILES, reason=f"no shared schemas in {SCHEMAS_DIR}")


@cache
def _raw(path: Path) -> str:
    return json.dumps(load_schema(str(path)).document)


def load(path: Path) -> dict[str, Any]:
    return json.loads(_raw(path))


@cache
def _patched_text(path: Path) -> str:
    schema = load(path)
    sink = DiagnosticSink()
    for overlay in load_shipped_overlays():
        apply_overlay(schema, overlay, sink, stale="error")
    assert not sink.items, [d.format() for d in sink.items]
    return json.dumps(schema)


def patched(path: Path) -> dict[str, Any]:
    return json.loads(_patched_text(path))


def op(schema: dict[str, Any], path: str, method: str = "get") -> dict[str, Any]:
    return schema["paths"][path][method]


ids = [f"{'oss-' if p.parent.name == 'oss' else ''}{p.stem}" for p in SCHEMA_FILES]


def test_both_editions_are_here() -> None:
    assert HOSTED_FILES and OSS_FILES


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=ids)
def test_edition_is_read_from_the_schema(path: Path) -> None:
    assert schema_edition(load(path)) == ("open-source" if path.parent.name == "oss" else "hosted")


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=ids)
def test_every_shipped_action_applies_or_is_skipped_with_a_reason(path: Path) -> None:
    schema = load(path)
    sink = DiagnosticSink()
    for overlay in load_shipped_overlays():
        results = apply_overlay(schema, overlay, sink, stale="error")
        for action, result in zip(overlay.actions, results, strict=True):
            assert action.description, f"{overlay.source} action {action.index} has no description"
            # each names the releases it was checked against
            assert re.search(r"\b2\.\d+", action.description), (overlay.source, action.index)
            if result.applied:
                continue
            assert result.note.startswith("skipped: "), (overlay.source, action.index, result)
            reason = result.note.removeprefix("skipped: ")
            assert reason.startswith(SKIP_REASONS), (overlay.source, action.index, result)
    assert not sink.items, [d.format() for d in sink.items]


def test_overlays_are_ordered_and_well_formed() -> None:
    overlays = load_shipped_overlays()
    assert overlays, "no shipped overlays"
    orders = [o.order for o in overlays]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)
    for overlay in overlays:
        assert overlay.title and overlay.overlay.startswith("1.0.")
        for action in overlay.actions:
            # every shipped action states when it applies (so that it is skipped, not stale)
            assert action.when.exists or action.when.absent or action.editions, (overlay.source, action.index)


def test_shipped_patches_never_stop_a_build_on_an_unreadable_version() -> None:
    schema = load(SCHEMA_FILES[-1])
    schema["info"]["version"] = "unreleased"
    context = BuildContext(config=BuildConfig())
    cvatgen_patch_schema(schema, context)
    assert not context.diagnostics.errors
    assert all("server-versions" in d.message for d in context.diagnostics.warnings)


@pytest.mark.parametrize("path", [SCHEMA_FILES[0], SCHEMA_FILES[-1]], ids=[ids[0], ids[-1]])
def test_patched_schema_still_validates(path: Path) -> None:
    from cvat_gen.validate import validate_document

    before = validate_document(load(path))
    after = validate_document(patched(path))
    assert not after.errors
    assert len(after.warnings) <= len(before.warnings)


# --- per patch: the patched schema says what the server does ----------------------------------


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=ids)
def test_cloudstorage_status_restored(path: Path) -> None:
    schema = patched(path)
    status = op(schema, "/api/cloudstorages/{id}/status")
    sibling = op(schema, "/api/cloudstorages/{id}/actions")
    assert status["operationId"] == "cloudstorages_retrieve_status"
    assert status["tags"] == ["cloudstorages"]
    assert status["parameters"] == sibling["parameters"]
    assert status["security"] == sibling["security"]
    assert status["responses"]["200"]["content"][JSON]["schema"] == {"$ref": "#/components/schemas/CloudStorageStatus"}
    enum = schema["components"]["schemas"]["CloudStorageStatus"]
    assert enum["type"] == "string" and enum["enum"] == ["AVAILABLE", "NOT_FOUND", "FORBIDDEN"]


def test_cloudstorage_status_when_the_schema_already_has_it() -> None:
    """A schema straight from the server has the operation with a plain string response."""
    schema = load(SCHEMA_FILES[-1])
    server_op = copy.deepcopy(op(schema, "/api/cloudstorages/{id}/actions"))
    server_op["operationId"] = "cloudstorages_retrieve_status"
    server_op["responses"]["200"]["description"] = "Cloud Storage status (AVAILABLE | NOT_FOUND | FORBIDDEN)"
    schema["paths"]["/api/cloudstorages/{id}/status"] = {"get": server_op}
    sink = DiagnosticSink()
    for overlay in load_shipped_overlays():
        apply_overlay(schema, overlay, sink)
    assert not sink.items, [d.format() for d in sink.items]
    status = op(schema, "/api/cloudstorages/{id}/status")
    assert len(status["parameters"]) == 1  # nothing duplicated
    assert status["security"] == server_op["security"]
    assert status["responses"]["200"]["content"][JSON]["schema"] == {"$ref": "#/components/schemas/CloudStorageStatus"}


FILE_RESPONSES = [
    ("/api/assets/{uuid}", "get", "200", ["*/*"]),
    ("/api/cloudstorages/{id}/preview", "get", "200", ["image/jpeg"]),
    ("/api/tasks/{id}/preview", "get", "200", ["image/jpeg"]),
    ("/api/jobs/{id}/preview", "get", "200", ["image/jpeg"]),
    ("/api/projects/{id}/preview", "get", "200", ["image/jpeg"]),
    ("/api/functions/{id}/preview", "get", "200", ["image/jpeg"]),
    ("/api/tasks/{id}/data/", "get", "200", ["application/zip", "video/mp4", "image/jpeg", "image/png"]),
    ("/api/jobs/{id}/data", "get", "200", ["application/zip", "video/mp4", "image/jpeg", "image/png"]),
    ("/api/auth/rules", "get", "200", ["application/x-tar"]),
    ("/api/events", "get", "200", ["text/csv"]),
    ("/api/quality/reports/{id}/data", "get", "200", ["application/json", "text/csv"]),
    ("/api/tasks/{id}/backup", "get", "200", ["*/*"]),
    ("/api/projects/{id}/backup", "get", "200", ["*/*"]),
]


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=ids)
@pytest.mark.parametrize(("url", "method", "code", "media_types"), FILE_RESPONSES,
                         ids=[f"{m} {u}" for u, m, _, _ in FILE_RESPONSES])
def test_file_responses_are_binary(path: Path, url: str, method: str, code: str, media_types: list[str]) -> None:
    original = load(path)["paths"].get(url, {}).get(method)
    if original is None:  # hosted-only, or gone in this release
        assert url.startswith("/api/functions") and schema_edition(load(path)) == "open-source" or \
            url.endswith("/backup") and version_of(path) >= (2, 36)
        assert url not in patched(path)["paths"]
        return
    declared = (original["responses"][code].get("content") or {}).get(JSON, {}).get("schema")
    if url == "/api/quality/reports/{id}/data" and declared != BINARY:
        # releases that send the report as a JSON object (labelled text/html) keep it
        assert op(patched(path), url, method)["responses"][code] == original["responses"][code]
        assert declared is not None and declared.get("type") == "object"
        return
    content = op(patched(path), url, method)["responses"][code]["content"]
    assert list(content) == media_types  # and no JSON media type for the client to decode
    for media in content.values():
        assert media["schema"] == BINARY


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=ids)
@pytest.mark.parametrize("url", ["/api/tasks/{id}/data/", "/api/jobs/{id}/data"])
def test_partial_data_responses(path: Path, url: str) -> None:
    responses = op(patched(path), url)["responses"]
    if "206" not in op(load(path), url)["responses"]:
        assert "206" not in responses
    else:
        assert list(responses["206"]["content"]) == ["application/zip", "video/mp4", "image/jpeg", "image/png"]


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=ids)
def test_lambda_functions_declare_json(path: Path) -> None:
    schema = patched(path)
    listing = op(schema, "/api/lambda/functions")["responses"]["200"]["content"][JSON]["schema"]
    assert listing == {"type": "array", "items": {"$ref": "#/components/schemas/LambdaFunction"}}
    function = schema["components"]["schemas"]["LambdaFunction"]
    assert function["required"] == ["id", "kind", "name"] and function["additionalProperties"] is True
    call = op(schema, "/api/lambda/functions/{func_id}", "post")["responses"]["200"]["content"][JSON]
    assert call["schema"] == {}


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=ids)
@pytest.mark.parametrize(("url", "method"), [
    ("/api/tasks/{id}/annotations/", "put"),
    ("/api/jobs/{id}/annotations/", "put"),
    ("/api/jobs/{id}/annotations/", "patch"),
    ("/api/tasks/{id}/annotations/", "patch"),  # already right upstream: the model to match
])
def test_annotation_writes_return_labeled_data(path: Path, url: str, method: str) -> None:
    content = op(patched(path), url, method)["responses"]["200"]["content"]
    assert content == {JSON: {"schema": {"$ref": "#/components/schemas/LabeledData"}}}


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=ids)
def test_events_export_poll_returns_query_id(path: Path) -> None:
    schema = patched(path)
    content = op(schema, "/api/events")["responses"]["202"]["content"][JSON]
    assert content["schema"] == {"$ref": "#/components/schemas/EventsExportStatus"}
    assert schema["components"]["schemas"]["EventsExportStatus"]["required"] == ["query_id"]


# Operations that still answer 200 without a declared body, on purpose (see the report):
# OAuth/SSO redirect endpoints, a cancel with an empty body, and a redelivery answering {}.
KNOWN_WITHOUT_BODY = {
    "auth_retrieve_oidc_login",
    "auth_retrieve_oidc_login_callback",
    "auth_retrieve_social_login",
    "auth_retrieve_social_login_callback",
    "requests_create_cancel",
    "webhooks_create_deliveries_redelivery",
}


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=ids)
def test_no_other_200_without_a_body(path: Path) -> None:
    schema = patched(path)
    missing = set()
    for item in schema["paths"].values():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                response = operation.get("responses", {}).get("200")
                if response is not None and not response.get("content"):
                    missing.add(operation["operationId"])
    assert missing <= KNOWN_WITHOUT_BODY


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=ids)
def test_no_binary_body_under_a_json_media_type(path: Path) -> None:
    """Where the shipped patches fix it (old releases also declare exports so; the IR reads
    any binary string as a file whatever the media type)."""
    schema = patched(path)
    for url in ("/api/jobs/{id}/data", "/api/quality/reports/{id}/data"):
        for method, operation in schema["paths"][url].items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            for code, response in operation.get("responses", {}).items():
                for media_type, media in (response.get("content") or {}).items():
                    if "json" in media_type and media_type != "application/json":
                        assert media.get("schema", {}).get("format") != "binary", (url, method, code)


# --- the plugin hooks ---------------------------------------------------------------------------


def test_plugin_hook_applies_shipped_then_user_overlays(tmp_path: Path) -> None:
    user = tmp_path / "mine.yaml"
    user.write_text(
        "overlay: 1.0.0\ninfo: {title: mine, version: '1'}\nactions:\n"
        "  - target: $.components.schemas.CloudStorageStatus\n"
        "    description: user overlays see the shipped patches\n"
        "    update: {x-mine: true}\n"
    )
    context = BuildContext(config=BuildConfig(overlays=(str(user),)))
    schema = load(SCHEMA_FILES[-1])
    cvatgen_patch_schema(schema, context)
    assert not context.diagnostics.items
    assert schema["components"]["schemas"]["CloudStorageStatus"]["x-mine"] is True


def test_plugin_hook_stale_user_overlay(tmp_path: Path) -> None:
    user = tmp_path / "stale.yaml"
    user.write_text(
        "overlay: 1.0.0\ninfo: {title: stale, version: '1'}\nactions:\n"
        "  - {target: \"$.paths['/api/gone']\", description: gone, remove: true}\n"
    )
    for mode, severity in (("error", "error"), ("warning", "warning")):
        context = BuildContext(config=BuildConfig(overlays=(str(user),), stale_patches=mode))  # type: ignore[arg-type]
        cvatgen_patch_schema(load(SCHEMA_FILES[0]), context)
        [diagnostic] = context.diagnostics.items
        assert diagnostic.severity == severity and diagnostic.source == str(user)


def test_plugin_hook_reports_a_malformed_user_overlay(tmp_path: Path) -> None:
    user = tmp_path / "broken.yaml"
    user.write_text("overlay: 1.0.0\ninfo: {title: b, version: '1'}\nactions: [{target: '$['}]\n")
    context = BuildContext(config=BuildConfig(overlays=(str(user),)))
    cvatgen_patch_schema(load(SCHEMA_FILES[0]), context)
    assert context.diagnostics.errors
    assert all(d.source == str(user) for d in context.diagnostics.errors)


def test_describe_hook() -> None:
    schema = load(SCHEMA_FILES[0])
    before = copy.deepcopy(schema)
    reports = cvatgen_describe_patches(schema, BuildContext(config=BuildConfig()))
    assert schema == before
    assert [r.title for r in reports] == [o.title for o in load_shipped_overlays()]
    for report in reports:
        for action in report.actions:
            assert action.applies or "skipped" in action.note or "optional" in action.note, (report.title, action)
    # describing one overlay alone matches the hook's view of the first one
    first = load_shipped_overlays()[0]
    assert describe(schema, first) == reports[0]


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=ids)
def test_webhook_delivery_response_takes_any_value(path: Path) -> None:
    """A real server sends the target's reply text (a string) where old schemas say object."""
    response = patched(path)["components"]["schemas"]["WebhookDeliveryRead"]["properties"]["response"]
    assert "type" not in response and response.get("readOnly") is True
    original = load(path)["components"]["schemas"]["WebhookDeliveryRead"]["properties"]["response"]
    if "type" not in original:
        assert response == original  # already declared by the server: left alone
