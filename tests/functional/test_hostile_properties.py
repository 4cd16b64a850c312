"""Randomized hostile schemas: names, descriptions, enum values and defaults drawn from
nasty alphabets. Every example ends in outcome (a) (the SDK builds, compiles, imports,
works, and ran no injected code) or (b) (a located schema error), as in test_hostile.py.

Builds cost ~0.2 s of CPU each, so the example count is small and the run is derandomized:
CI repeats the same examples.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.functional import hostile_corpus as hc
from tests.functional.test_hostile import build_a_or_b, sandbox  # noqa: F401 - a fixture

_runs = itertools.count()

NASTY_ALPHABET = st.sampled_from(list("\"'\\\n\r\t `#{}%<>/|&;:.-_$@!?*~=()[]\x00\x0b\x0c\x1b\x7f\x85\u2028\u2029\ufeff"
                                      "é名☃😀İßǅ0123456789aZ") + ["{{", "}}", "{%", "%}", "{#", "#}", '"""', "'''"])
FRAGMENTS = st.sampled_from(list(hc.PAYLOADS) + list(hc.NASTY_NAMES))
nasty_text = st.one_of(
    FRAGMENTS,
    st.lists(st.one_of(NASTY_ALPHABET, FRAGMENTS), min_size=0, max_size=6).map("".join),
)
nasty_name = st.one_of(st.sampled_from(hc.NASTY_NAMES), nasty_text.filter(bool)).map(lambda s: s[:60])
json_default = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), nasty_text,
                         st.lists(nasty_text, max_size=3), st.dictionaries(nasty_text, nasty_text, max_size=2))


@st.composite
def hostile_schemas(draw: st.DrawFn) -> dict[str, Any]:
    doc = hc.base_schema()
    schemas = doc["components"]["schemas"]
    # a random model: nasty property names, descriptions and defaults
    props: dict[str, Any] = {}
    for name in draw(st.lists(nasty_name, max_size=4, unique=True)):
        prop: dict[str, Any] = {"type": "string", "description": draw(nasty_text)}
        if draw(st.booleans()):
            prop["enum"] = draw(st.lists(nasty_text, min_size=1, max_size=4, unique=True))
        if draw(st.booleans()):
            prop = {"description": draw(nasty_text), "default": draw(json_default)}
        props[name] = prop
    model_name = draw(nasty_name)
    enum_name = draw(nasty_name)
    schemas.setdefault(model_name, {"type": "object", "properties": props, "description": draw(nasty_text)})
    schemas.setdefault(enum_name, {"type": "string", "enum": draw(st.lists(nasty_text, min_size=1, max_size=5,
                                                                           unique=True))})
    # nasty text everywhere else
    for site in draw(st.lists(st.sampled_from(sorted(set(hc.SITES) - {"schema name", "enum schema name", "path"})),
                              max_size=6, unique=True)):
        hc.SITES[site](doc, draw(nasty_text))
    return doc


@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(doc=hostile_schemas())
def test_random_hostile_schema_works_or_is_a_located_error(doc: dict[str, Any], tmp_path: Path,
                                                           sandbox: Path) -> None:
    folder = tmp_path / f"run{next(_runs)}"
    folder.mkdir()
    build_a_or_b(doc, folder, sandbox)
    assert not hc.sentinel_fired(sandbox)
