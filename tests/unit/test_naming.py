from __future__ import annotations

import keyword

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cvat_gen.naming import (
    class_name, docstring_body, enum_member_name, identifier, py_literal, snake_case, unique,
)


@pytest.mark.parametrize(("raw", "expected"), [
    ("LabeledDataRequest", "labeled_data_request"),
    ("X-Organization", "x_organization"),
    ("Upload-Finish", "upload_finish"),
    ("convMaskToPoly", "conv_mask_to_poly"),
    ("HTTPResponse", "http_response"),
])
def test_snake_case(raw: str, expected: str) -> None:
    assert snake_case(raw) == expected


@pytest.mark.parametrize("raw", ["class", "def", "import", "None", "match", "123abc", "-", "", "été", "a.b c"])
def test_identifier_is_always_valid(raw: str) -> None:
    name = identifier(raw)
    assert name.isidentifier() and name.isascii() and not keyword.iskeyword(name)


def test_class_name_keeps_schema_names() -> None:
    assert class_name("Type4c0Enum") == "Type4c0Enum"
    assert class_name("cloud-storage") == "CloudStorage"
    assert class_name("1Model").isidentifier()
    assert class_name("Any") != "Any"  # would shadow typing.Any in the generated module


def test_enum_member_names() -> None:
    assert enum_member_name("image/jpeg") == "IMAGE_JPEG"
    assert enum_member_name("3d").isidentifier()
    assert enum_member_name("") == "EMPTY"
    assert not enum_member_name("_sunder_").startswith("_")


def test_unique() -> None:
    taken: set[str] = set()
    assert [unique("a", taken) for _ in range(3)] == ["a", "a_2", "a_3"]


@given(st.text())
def test_identifier_property(text: str) -> None:
    name = identifier(text)
    assert name.isidentifier() and name.isascii() and not keyword.iskeyword(name)


@given(st.text())
def test_docstring_body_cannot_escape(text: str) -> None:
    body = docstring_body(text)
    source = f'"""{body}"""'
    compiled = compile(source, "<doc>", "eval")
    value = eval(compiled)  # noqa: S307 - the point of the test
    assert isinstance(value, str)


@settings(deadline=None)  # a loaded 2-core CI machine can pause any example past 200 ms
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=20))
def test_py_literal_round_trips(value: object) -> None:
    text = py_literal(value)
    result = eval(compile(text, "<lit>", "eval"), {"__builtins__": {"float": float}})  # noqa: S307
    if isinstance(value, float) and value != value:
        assert result != result
    else:
        assert result == value or repr(result) == repr(value)


def test_comment_text_is_never_a_source_encoding_declaration() -> None:
    """PEP 263: `# ... coding: <codec>` in a file's first two lines sets the codec Python
    decodes the file with (unicode_escape would turn an escaped newline into code)."""
    import re

    from cvat_gen.naming import comment_text

    cookie = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
    for title in ("x coding: unicode_escape", "-*- coding: utf-16 -*-", "vim: set fileencoding=latin-1 :",
                  "CODING=utf-16", "x coding:\tutf-8"):
        assert not cookie.match("# " + comment_text(title)), title
    assert comment_text("plain title") == "plain title"
