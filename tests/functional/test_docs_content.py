"""The generated Markdown reference (docs plugin): content, links, determinism, and that hostile
schema prose renders inertly. The mkdocs build itself is in test_docs_site.py."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from cvat_gen.ir import TypeRef
from cvat_gen.render import markdown_cell, markdown_text
from cvat_gen.plugins.docs import Links, code_span
from tests.conftest import build, schema_path

HOSTILE = "<script>alert(1)</script> a | b\n# Heading\n```\nfence\n```\n[x](javascript:alert(1)) {: onclick=\"x\" }"


def hostile_schema() -> dict[str, Any]:
    """A small valid schema whose every description, summary and enum value is hostile."""
    evil_model = {
        "type": "object",
        "description": HOSTILE,
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "description": HOSTILE},
            "kind": {"type": "string", "enum": ["a|b", "`tick`", "<b>x</b>"], "description": "| pipe"},
            "child": {"allOf": [{"$ref": "#/components/schemas/Child"}], "nullable": True},
        },
    }
    responses = {"200": {"description": HOSTILE, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Evil"}}}},
        "404": {"description": "# not found | <img src=x onerror=alert(1)>"}}
    operation = {
        "tags": ["things"], "summary": "Summary | <script>alert(2)</script>", "description": HOSTILE,
        "parameters": [{"in": "path", "name": "id", "required": True, "schema": {"type": "integer"},
                        "description": HOSTILE}],
        "responses": responses,
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Evil --> <script>alert(3)</script> API", "version": "9.9.9",
                 "description": HOSTILE},
        "paths": {
            "/api/things/{id}/content": {"get": {**operation, "operationId": "things_retrieve_content"}},
            "/api/things/{id}/content/v2": {"get": {**operation, "operationId": "things_retrieve_content_v2"}},
            "/api/things": {"post": {
                "tags": ["things"], "operationId": "things_create", "summary": "Create",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/EvilRequest"}}}},
                "responses": {"201": {"description": "", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Evil"}}}}},
            }},
        },
        "components": {"schemas": {
            "Evil": evil_model,
            "EvilRequest": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string", "description": "```"},
                "shape": {"$ref": "#/components/schemas/ShapeType"}}},
            "Child": {"type": "object", "description": "#", "properties": {"n": {"type": "integer"}}},
            "ShapeType": {"type": "string", "enum": ["rect|angle", "poly"], "description": "* `rect|angle` - R"},
        }},
    }


def build_hostile(tmp_path: Path) -> Path:
    schema = tmp_path / "evil.json"
    schema.write_text(json.dumps(hostile_schema()), encoding="utf-8")
    output = tmp_path / "out"
    build(schema, output, package="evil_sdk.api_client", disable=("schema_patches",))
    return output


@pytest.fixture(scope="module")
def out270(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("docs270")
    build(schema_path("2.70.0"), output)
    return output


@pytest.fixture(scope="module")
def evil(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_hostile(tmp_path_factory.mktemp("evil"))


def _links(text: str) -> list[str]:
    return re.findall(r"(?<!\\)\]\(([^)\s]+)\)", text)


def github_anchor(heading: str) -> str:
    """GitHub's heading slug: lower case, punctuation other than - and _ dropped, spaces -> -."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_page_and_link_exists(out270: Path) -> None:
    """Links and anchors resolve as GitHub renders the pages (mkdocs --strict checks the site)."""
    docs = out270 / "docs"
    pages = sorted(docs.rglob("*.md"))
    assert len(pages) > 250
    anchors: dict[Path, set[str]] = {}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "{#" not in text  # explicit ids render literally on GitHub
        anchors[page] = {github_anchor(h) for h in re.findall(r"^#{1,6} (.+)$", text, flags=re.M)}
    checked = 0
    for page in pages:
        for link in _links(page.read_text(encoding="utf-8")):
            assert "://" not in link, (page, link)
            target, _, anchor = link.partition("#")
            path = (page.parent / target).resolve() if target else page
            assert path.is_file(), (page, link)
            if anchor:
                assert anchor in anchors[path], (page, link)
            checked += 1
    assert checked > 1000


def test_api_summary_lists_every_operation(out270: Path) -> None:
    from cvat_gen.config import BuildConfig
    from cvat_gen.pipeline import run_ir

    ir = run_ir(BuildConfig(schema=str(schema_path("2.70.0"))))
    summary = (out270 / "docs" / "api_summary.md").read_text(encoding="utf-8")
    for api in ir.apis:
        page = (out270 / "docs" / "apis" / f"{api.class_name}.md").read_text(encoding="utf-8")
        for op in api.operations:
            assert f"[`{api.attr_name}.{op.method_name}`](apis/{api.class_name}.md#{op.method_name})" in summary
            assert f"**{op.http_method}** `{op.path}`" in summary
            assert f"\n## {op.method_name}\n" in page
    for model in ir.models:
        assert (out270 / "docs" / "models" / f"{model.name}.md").is_file()
    for enum in ir.enums:
        assert (out270 / "docs" / "models" / f"{enum.name}.md").is_file()


def test_operation_section(out270: Path) -> None:
    page = (out270 / "docs" / "apis" / "TasksApi.md").read_text(encoding="utf-8")
    section = page.split("## create_data\n", 1)[1].split("\n## ", 1)[0]
    assert "api_client.tasks_api.create_data(\n    id,\n    data_request=...," in section
    assert "| `id` | `int` | path | yes | A unique integer value identifying this task. |" in section
    assert "| `upload_finish` | `bool` | header | no |" in section
    assert "sent as `Upload-Finish`" in section
    assert "**Request body**: [`DataRequest`](../models/DataRequest.md), sent as `application/json`, " \
           "`multipart/form-data`." in section
    assert "**Returns** `(`[`DataResponse`](../models/DataResponse.md)` | None, HTTPResponse)`." in section
    # files need multipart: the example says so, as a caller must
    assert ("data, response = api_client.tasks_api.create_data(\n"
            "            1, data_request=models.DataRequest(), _content_type=\"multipart/form-data\"\n"
            "        )") in section
    # the example compiles
    example = section.split("**Example**\n\n```python\n", 1)[1].split("```", 1)[0]
    compile(example, "example", "exec")
    errors = page.split("## retrieve_preview\n", 1)[1].split("\n## ", 1)[0]
    assert "| 404 | `exceptions.NotFoundException` |" in errors
    assert "_parse_response=False" in errors


def test_model_page(out270: Path) -> None:
    page = (out270 / "docs" / "models" / "LabeledShape.md").read_text(encoding="utf-8")
    assert "| `type` | [`ShapeType`](../models/ShapeType.md) | yes | no |" in page
    assert "class ILabeledShape(IModelData):" in page
    assert "## Uses" in page and "- [`ShapeType`](ShapeType.md)" in page
    assert "- [`LabeledData`](LabeledData.md)" in page  # used by
    enum = (out270 / "docs" / "models" / "ShapeType.md").read_text(encoding="utf-8")
    assert "| `RECTANGLE` | `rectangle` |" in enum
    assert "- [`LabeledShape`](LabeledShape.md)" in enum
    used = (out270 / "docs" / "models" / "TaskRead.md").read_text(encoding="utf-8")
    assert "[`tasks_api.retrieve`](../apis/TasksApi.md#retrieve) (response 200)" in used


def test_mkdocs_config(out270: Path) -> None:
    import yaml

    config = yaml.safe_load((out270 / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["docs_dir"] == "docs"
    assert config["theme"]["name"] == "material"
    flat: list[str] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            value = item if isinstance(item, str) else next(iter(item.values()))
            if isinstance(value, list):
                walk(value)
            else:
                flat.append(value)

    walk(config["nav"])
    pages = sorted(p.relative_to(out270 / "docs").as_posix() for p in (out270 / "docs").rglob("*.md"))
    assert sorted(flat) == pages


def test_docs_are_deterministic(out270: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build(schema_path("2.70.0"), again)
    for page in sorted((out270 / "docs").rglob("*.md")) + [out270 / "mkdocs.yml"]:
        assert page.read_bytes() == (again / page.relative_to(out270)).read_bytes(), page


def test_deprecated_version_links_to_replacement(evil: Path) -> None:
    page = (evil / "docs" / "apis" / "ThingsApi.md").read_text(encoding="utf-8")
    old = page.split("## retrieve_content\n", 1)[1].split("\n## ", 1)[0]
    assert '!!! warning "Deprecated"' in old
    assert "[`things_api.retrieve_content_v2()`](#retrieve_content_v2)" in old
    assert "## retrieve_content_v2\n" in page
    summary = (evil / "docs" / "api_summary.md").read_text(encoding="utf-8")
    assert "#retrieve_content) (deprecated)" in summary


def test_hostile_descriptions_render_inertly(evil: Path) -> None:
    pages = sorted((evil / "docs").rglob("*.md"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        # code spans are inert (Markdown escapes their content); nothing else may hold a tag
        prose = re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", text)
        assert "<script" not in prose and "<img" not in prose and "<b>" not in prose, page
        assert "javascript:" not in "".join(_links(text)), page
        assert not re.search(r"(?<!\\)\{:", text), page
        # the page's only headings are the ones the templates write
        headings = [line for line in text.splitlines() if line.startswith("#")]
        assert all(re.match(r"^#{1,2} [`\[\w&]", h) for h in headings), (page, headings)
        assert not any(h.startswith("# &#35;") or h.startswith("## &#35;") for h in headings)
        # no fence is opened by a description: fences come in pairs, each opening a python block
        fences = [line for line in text.splitlines() if line.lstrip().startswith(("```", "~~~"))]
        assert len(fences) % 2 == 0 and all(f in ("```python", "```") for f in fences), (page, fences)
        # the HTML comment header can't be closed early
        first = text.splitlines()[0]
        assert first.startswith("<!-- ") and first.endswith(" -->") and first.count("-->") == 1
        # every table row has as many cells as its header
        columns = None
        for line in text.splitlines():
            if line.startswith("|"):
                cells = len(re.findall(r"(?<!\\)\|", re.sub(r"`[^`]*`", "", line))) - 1
                if columns is None:
                    columns = cells
                assert cells == columns, (page, line)
            else:
                columns = None
    model = (evil / "docs" / "models" / "Evil.md").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; a \\| b" in model
    assert "`a|b`" in model  # an enum value, as a code span


@pytest.mark.parametrize("text", [
    HOSTILE, "# h", "## h", "  ### h", "```", "~~~", "---", "===", "Title\n---", "!!! note", "> quote",
    "| a | b |\n|---|---|", "<!-- x", "&lt;", "![img](x.png)", "[ref]: http://x", "<http://x>",
    "``a`", "\\`x`", "`a` {: .x}", "\t# tab",
])
def test_markdown_filters_escape(text: str) -> None:
    for value in (markdown_text(text), markdown_cell(text)):
        for line in value.splitlines():
            stripped = line.lstrip()
            assert not stripped.startswith(("#", "```", "~~~", "---", "===", "!!!", ">", "|")), value
        outside_code = re.sub(r"(?<!\\)`[^`\n]+(?<!\\)`", "", value)
        assert "<" not in outside_code and not re.search(r"(?<!\\)[\[\]{}|]", outside_code), value
    assert "\n" not in markdown_cell(text)


def test_markdown_keeps_code_spans_and_lists() -> None:
    text = "* `tag` - TAG\n* `shape` - SHAPE\nsee `GET /api/requests/<rq_id>` and **rq_id**"
    assert markdown_text(text) == text


def test_code_span_and_type_links() -> None:
    assert code_span("a`b") == "``a`b``"
    assert code_span("`x") == "`` `x ``"
    assert code_span("") == '`""`'
    links = Links({"Shape": "models/Shape.md"}, {})
    ref = TypeRef("list", item=TypeRef("model", "Shape"), nullable=True)
    assert links.type(ref, "../") == "`list[`[`Shape`](../models/Shape.md)`] | None`"
    assert links.type(TypeRef("model", "Missing"), "../") == "`Missing`"
