"""The registry of diff rules: every finding `cvat-gen diff` can report, declared as data.

Each rule has a stable kebab-case id (the anchor is oasdiff's naming), a level and a one-line
summary. docs/diff-rules.md is generated from this table (`python -m cvat_gen.diff.docs`), and
tests/unit/test_diff_rules.py triggers every id with a small fixture pair.

Levels say what a change does to the people who call the SDK or the HTTP API:
ERR breaks existing callers, WARN may break some of them, INFO breaks nobody.

Schema-level rules come in families: one change (say, a maximum that went down) is a
different matter in what the client sends (ERR: values that were accepted are now refused)
and in what it receives (INFO). The families are a table of suffixes with a level per
direction, crossed with the places a schema appears (parameter, body, property).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["ERR", "WARN", "INFO"]
LEVELS: tuple[Level, ...] = ("ERR", "WARN", "INFO")
LEVEL_RANK: dict[str, int] = {"ERR": 3, "WARN": 2, "INFO": 1}
# changelog groups; "breaking" is decided by level, these by the nature of the change
Category = Literal["removed", "deprecated", "added", "changed"]


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    scope: Literal["api", "sdk"]
    category: Category
    summary: str


ERR: Level = "ERR"
WARN: Level = "WARN"
INFO: Level = "INFO"

# --- HTTP API: operations, security -----------------------------------------------------------
_API: tuple[tuple[str, Level, Category, str], ...] = (
    ("api-added", INFO, "added", "A new operation."),
    ("api-removed-without-deprecation", ERR, "removed", "An operation was removed without being deprecated first."),
    ("api-removed-after-deprecation", WARN, "removed", "An operation that the old schema marked deprecated was removed."),
    ("api-replaced-without-deprecation", ERR, "removed",
     "An operation was removed and a newer version of it (`<op>_v2`) added, without deprecating the old one first."),
    ("api-replaced-after-deprecation", WARN, "removed",
     "A deprecated operation was removed in favour of its newer version (`<op>_v2`)."),
    ("api-deprecated", INFO, "deprecated", "An operation became deprecated (with its replacement, when there is one)."),
    ("api-reactivated", INFO, "changed", "An operation is no longer deprecated."),
    ("api-operation-id-changed", WARN, "changed",
     "The same method and path have a new operationId (the SDK method is renamed)."),
    ("api-path-changed", ERR, "changed", "An operationId moved to another method or path: raw HTTP callers break."),
    ("api-tag-changed", INFO, "changed", "An operation's first tag changed (the SDK moves it to another Api class)."),
    ("api-security-scheme-removed", ERR, "removed", "An operation no longer accepts an authentication scheme."),
    ("api-security-scheme-added", INFO, "added", "An operation accepts another authentication scheme."),
    ("api-authentication-became-required", ERR, "changed", "An operation that allowed anonymous calls now requires authentication."),
    ("api-authentication-became-optional", INFO, "changed", "An operation now also allows anonymous calls."),
    ("security-scheme-removed", ERR, "removed", "A security scheme component was removed."),
    ("security-scheme-added", INFO, "added", "A security scheme component was added."),
    ("security-scheme-changed", ERR, "changed", "A security scheme changed its type, scheme, location or name."),
    # parameters
    ("new-required-request-parameter", ERR, "changed", "An operation has a new required parameter."),
    ("new-optional-request-parameter", INFO, "added", "An operation has a new optional parameter."),
    ("request-parameter-removed", ERR, "removed", "A parameter was removed without being deprecated first."),
    ("request-parameter-removed-after-deprecation", WARN, "removed", "A parameter that the old schema marked deprecated was removed."),
    ("request-parameter-became-required", ERR, "changed", "An optional parameter became required."),
    ("request-parameter-became-optional", INFO, "changed", "A required parameter became optional."),
    ("request-parameter-deprecated", INFO, "deprecated", "A parameter became deprecated."),
    # request bodies
    ("new-required-request-body", ERR, "changed", "An operation has a new required request body."),
    ("new-optional-request-body", INFO, "added", "An operation has a new optional request body."),
    ("request-body-removed", ERR, "removed", "An operation no longer takes a request body."),
    ("request-body-became-required", ERR, "changed", "An optional request body became required."),
    ("request-body-became-optional", INFO, "changed", "A required request body became optional."),
    ("request-body-media-type-removed", ERR, "removed", "A request body no longer accepts a media type."),
    ("request-body-media-type-added", INFO, "added", "A request body accepts another media type."),
    # request properties
    ("request-property-removed", WARN, "removed", "A request body property was removed (the server may ignore or refuse it)."),
    ("new-required-request-property", ERR, "changed", "A request body has a new required property."),
    ("new-optional-request-property", INFO, "added", "A request body has a new optional property."),
    ("request-property-became-required", ERR, "changed", "An optional request property became required."),
    ("request-property-became-optional", INFO, "changed", "A required request property became optional."),
    ("request-property-deprecated", INFO, "deprecated", "A request property became deprecated."),
    # responses
    ("response-success-status-removed", ERR, "removed", "A successful (2xx) response status was removed."),
    ("response-success-status-added", WARN, "added", "A new successful (2xx) response status: callers may not handle it."),
    ("response-non-success-status-removed", INFO, "removed", "An error response status was removed."),
    ("response-non-success-status-added", INFO, "added", "A new error response status."),
    ("response-media-type-removed", ERR, "removed", "A response no longer has a media type."),
    ("response-media-type-added", INFO, "added", "A response has another media type."),
    ("response-body-removed", ERR, "removed", "A response that had a body has none."),
    ("response-body-added", INFO, "added", "A response that had no body has one."),
    # response properties
    ("response-required-property-removed", ERR, "removed", "A property that responses always had was removed."),
    ("response-optional-property-removed", WARN, "removed", "An optional response property was removed."),
    ("response-property-added", INFO, "added", "Responses have a new optional property."),
    ("response-required-property-added", INFO, "added", "Responses have a new property that is always present."),
    ("response-property-became-optional", ERR, "changed", "A property that responses always had may now be absent."),
    ("response-property-became-required", INFO, "changed", "An optional response property is now always present."),
    ("response-property-deprecated", INFO, "deprecated", "A response property became deprecated."),
)

# --- schema families: suffix, level in requests, level in responses, summary ----------------
_FAMILIES: tuple[tuple[str, Level, Level, Category, str], ...] = (
    ("type-changed", ERR, ERR, "changed", "The type changed."),
    ("format-changed", WARN, WARN, "changed", "The format (date-time, uri, int64, ...) changed, appeared or disappeared."),
    ("enum-value-removed", ERR, INFO, "changed", "An enum value was removed."),
    ("enum-value-added", INFO, WARN, "changed", "An enum value was added."),
    ("became-nullable", INFO, ERR, "changed", "null became a valid value."),
    ("became-non-nullable", ERR, INFO, "changed", "null is no longer a valid value."),
    ("default-changed", WARN, INFO, "changed", "The default value changed, appeared or disappeared."),
    ("max-decreased", ERR, INFO, "changed", "A maximum (value, length, items) went down or appeared."),
    ("max-increased", INFO, WARN, "changed", "A maximum (value, length, items) went up or disappeared."),
    ("min-increased", ERR, INFO, "changed", "A minimum (value, length, items) went up or appeared."),
    ("min-decreased", INFO, WARN, "changed", "A minimum (value, length, items) went down or disappeared."),
    ("pattern-changed", WARN, INFO, "changed", "The regular expression changed, appeared or disappeared."),
    ("variant-added", INFO, WARN, "changed", "A oneOf/anyOf alternative was added."),
    ("variant-removed", ERR, INFO, "changed", "A oneOf/anyOf alternative was removed."),
)
# where a schema appears, and which direction it travels
SCHEMA_CONTEXTS: dict[str, Literal["request", "response"]] = {
    "request-parameter": "request",
    "request-body": "request",
    "request-property": "request",
    "response-body": "response",
    "response-property": "response",
}
_CONTEXT_WORDS = {
    "request-parameter": "a parameter", "request-body": "a request body (its top-level schema)",
    "request-property": "a request property", "response-body": "a response body (its top-level schema)",
    "response-property": "a response property",
}

# --- the Python surface of the generated SDK --------------------------------------------------
_SDK: tuple[tuple[str, Level, Category, str], ...] = (
    ("sdk-api-class-added", INFO, "added", "A new Api class (`ApiClient.<name>_api`)."),
    ("sdk-api-class-removed", ERR, "removed", "An Api class was removed."),
    ("sdk-method-added", INFO, "added", "A new Api method."),
    ("sdk-method-removed", ERR, "removed", "An Api method was removed without being deprecated first."),
    ("sdk-method-removed-after-deprecation", WARN, "removed", "A deprecated Api method was removed."),
    ("sdk-method-replaced-without-deprecation", ERR, "removed",
     "An Api method was removed and its newer version (`<method>_v2`) added, without deprecating the old one first."),
    ("sdk-method-replaced-after-deprecation", WARN, "removed", "A deprecated Api method was removed in favour of its newer version."),
    ("sdk-method-deprecated", INFO, "deprecated", "An Api method became deprecated."),
    ("sdk-method-renamed", ERR, "changed", "The same HTTP operation has another method name."),
    ("sdk-method-moved", ERR, "changed", "A method moved to another Api class."),
    ("sdk-positional-parameter-added", ERR, "changed", "A method takes a new required positional argument."),
    ("sdk-keyword-parameter-added", INFO, "added", "A method takes a new optional keyword argument."),
    ("sdk-parameter-removed", ERR, "removed", "A method no longer takes an argument."),
    ("sdk-parameter-removed-after-deprecation", WARN, "removed", "A deprecated argument was removed."),
    ("sdk-parameter-renamed", ERR, "changed", "An argument has a new Python name (same name on the wire)."),
    ("sdk-parameter-became-positional", ERR, "changed", "An optional keyword argument became a required positional one."),
    ("sdk-parameter-became-keyword", ERR, "changed",
     "A required positional argument became an optional keyword one: positional calls break."),
    ("sdk-positional-order-changed", ERR, "changed", "The order of a method's positional arguments changed."),
    ("sdk-parameter-type-changed", ERR, "changed", "An argument's type annotation changed."),
    ("sdk-return-type-changed", ERR, "changed", "What a method returns changed."),
    ("sdk-model-added", INFO, "added", "A new model class."),
    ("sdk-model-removed", ERR, "removed", "A model class was removed."),
    ("sdk-model-renamed", ERR, "changed", "The same schema component has another class name."),
    ("sdk-model-kind-changed", ERR, "changed", "A class changed kind (model, enum, alias)."),
    ("sdk-model-base-changed", WARN, "changed", "The classes a model is composed of changed (isinstance checks may change)."),
    ("sdk-field-added", INFO, "added", "A model has a new optional field."),
    ("sdk-positional-field-added", ERR, "changed", "A model's constructor takes a new required positional argument."),
    ("sdk-field-removed", ERR, "removed", "A model field was removed."),
    ("sdk-field-renamed", ERR, "changed", "A field has a new Python name (same JSON name)."),
    ("sdk-field-became-positional", ERR, "changed", "A model field became a required constructor argument."),
    ("sdk-field-became-keyword", ERR, "changed", "A required constructor argument became optional: positional calls break."),
    ("sdk-field-order-changed", ERR, "changed", "The order of a model's positional constructor arguments changed."),
    ("sdk-field-type-changed", ERR, "changed", "A field's type annotation changed."),
    ("sdk-field-became-nullable", WARN, "changed", "A field may now be None."),
    ("sdk-enum-added", INFO, "added", "A new enum class."),
    ("sdk-enum-removed", ERR, "removed", "An enum class was removed."),
    ("sdk-enum-member-added", INFO, "added", "An enum class has a new member."),
    ("sdk-enum-member-removed", ERR, "removed", "An enum member was removed."),
    ("sdk-enum-member-renamed", ERR, "changed", "An enum value has another member name."),
    ("sdk-alias-added", INFO, "added", "A new alias class name."),
    ("sdk-alias-removed", ERR, "removed", "An alias class name was removed."),
    ("sdk-alias-target-changed", ERR, "changed", "An alias names another class."),
)


def _build() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for rule_id, level, category, summary in _API:
        rules[rule_id] = Rule(rule_id, level, "api", category, summary)
    for context, direction in SCHEMA_CONTEXTS.items():
        for suffix, request_level, response_level, category, summary in _FAMILIES:
            level = request_level if direction == "request" else response_level
            rule_id = f"{context}-{suffix}"
            rules[rule_id] = Rule(rule_id, level, "api", category, f"{summary[:-1]} ({_CONTEXT_WORDS[context]}).")
    for rule_id, level, category, summary in _SDK:
        rules[rule_id] = Rule(rule_id, level, "sdk", category, summary)
    return rules


RULES: dict[str, Rule] = _build()
FAMILY_SUFFIXES: tuple[str, ...] = tuple(f[0] for f in _FAMILIES)


def rule(rule_id: str) -> Rule:
    """The rule of an id; an unknown id is a bug in a comparer (KeyError)."""
    return RULES[rule_id]
