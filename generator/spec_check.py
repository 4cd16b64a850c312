"""The fast verdict on a schema: openapi-spec-validator's checks, in a tenth of its time.

openapi-spec-validator walks the document through `jsonschema` and `jsonschema-path`, which
re-resolve every `$ref` and build a validator object per node: about half a second on a CVAT
schema, more than the rest of the build. Almost every schema a user builds from is valid, so
this module answers the common question, "is there anything to report?", quickly:

- the document against the same OpenAPI 3.0 JSON Schema that openapi-spec-validator ships,
  compiled to Python code by fastjsonschema (the compiled code object is cached);
- the same semantic checks, on plain dicts: unique tag names and operationIds, no duplicate
  parameter, path templates and path parameters that match, `required` names that exist
  when `allOf` is used, and `default` values that satisfy their schema.

Whenever it finds anything it cannot vouch for, it says so (`verdict.valid is False`) and the
caller runs openapi-spec-validator, whose located messages are then what the user reads: the
fast path decides only when there is nothing to say. Bad defaults are the exception: the CVAT
server ships some, so they are reported here as the same warnings, with the same messages
(`jsonschema` checks just those defaults).

`tests/unit/test_spec_check.py` holds both to the same verdict on every shared schema and on
mutated ones.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import marshal
import math
import re
import string
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cache_files import write_atomic
from .errors import Diagnostic, json_pointer

_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_CODE_CACHE = Path(__file__).parent / "__pycache__"


@dataclass
class Verdict:
    """`valid` is True only when the fast checks found nothing that openapi-spec-validator
    would report as an error; `warnings` are the bad defaults, located."""

    valid: bool
    warnings: list[Diagnostic] = field(default_factory=list)
    reason: str = ""


# -- the OpenAPI 3.0 JSON Schema, compiled ------------------------------------------------------


def _package_file(package: str, *parts: str) -> Path | None:
    """A data file of an installed package, found without importing it (openapi-spec-validator's
    import alone costs about 0.3 s)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]).joinpath(*parts)
    return path if path.is_file() else None


# the document schema openapi-spec-validator checks against, and the JSON Schema draft 4
# metaschema its OAS 3.0 schema validator checks each Schema object against
_METASCHEMAS = {
    "document": ("openapi_spec_validator", "resources", "schemas", "v3.0", "schema.json"),
    "schema": ("jsonschema_specifications", "schemas", "draft4", "metaschema.json"),
}


@functools.cache
def compiled_validator(which: str = "document") -> Callable[[Any], Any] | None:
    """A validator compiled from one of the metaschemas; None when it can't be had.

    fastjsonschema turns the metaschema into Python source (about 0.1 s) that takes longer
    still to compile into bytecode; the code object depends only on the metaschema, the
    fastjsonschema release and the interpreter, so it is cached beside cvat-gen's own bytecode
    (like a .pyc), and rebuilt whenever any of the three changes."""
    path = _package_file(*_METASCHEMAS[which])
    if path is None:
        return None
    try:
        import fastjsonschema
    except ImportError:
        return None
    raw = path.read_bytes()
    key = hashlib.sha256(raw + f"\0{fastjsonschema.VERSION}\0{sys.version}\0no-defaults".encode()).hexdigest()[:20]
    cached = _CODE_CACHE / f"cvat-gen-{which}-{key}.marshal"
    code = None
    try:
        code = marshal.loads(cached.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        code = None
    if code is None:
        # use_default=False: the compiled code must not fill the metaschema's defaults into
        # the document
        source = fastjsonschema.compile_to_code(json.loads(raw), use_default=False, detailed_exceptions=False)
        code = compile(source, f"<{which} metaschema {key}>", "exec")
        if not sys.dont_write_bytecode:  # PYTHONDONTWRITEBYTECODE: nothing beside the package
            write_atomic(cached, marshal.dumps(code))  # a read-only install: compile each time, still correct
    from decimal import Decimal

    namespace: dict[str, Any] = {"Decimal": Decimal}
    exec(code, namespace)  # noqa: S102 - fastjsonschema's code for a file we ship with, not the schema
    # the root validator is the first function the compiled code defines
    return next(value for name, value in namespace.items() if name.startswith("validate_") and callable(value))


# -- the semantic checks ------------------------------------------------------------------------


class _Unsure(Exception):
    """A construct the fast path does not judge: leave it to openapi-spec-validator."""


class _Walker:
    def __init__(self, document: dict[str, Any], check_schema: Callable[[Any], Any]) -> None:
        self.document = document
        self.check_schema = check_schema
        self._meta_checked: set[int] = set()
        self.problems: list[str] = []
        self.bad_defaults: list[tuple[tuple[str | int, ...], dict[str, Any], Any]] = []
        self._visited: set[int] = set()

    def resolve(self, node: Any, where: tuple[str | int, ...],
                kind: str = "schemas") -> tuple[Any, tuple[str | int, ...]]:
        """Follow `$ref`s to the node and its place. The document metaschema accepts a
        reference anywhere; a target outside `#/components/<kind>/` (a parameter that points
        at a schema, say) is left to the reference validator."""
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith(f"#/components/{kind}/"):
                raise _Unsure(f"reference {ref!r} where a {kind} entry belongs")
            parts: list[str | int] = [p.replace("~1", "/").replace("~0", "~") for p in ref[2:].split("/")]
            target: Any = self.document
            for part in parts:
                if isinstance(target, dict) and part in target:
                    target = target[part]
                elif isinstance(target, list) and isinstance(part, str) and part.isdigit() and int(part) < len(target):
                    target = target[int(part)]
                else:
                    raise _Unsure(f"unresolvable reference {ref!r}")
            node, where = target, tuple(parts)
            seen += 1
            if seen > 100:
                raise _Unsure("reference chain too long")
        return node, where

    # the traversal mirrors openapi-spec-validator's: tags, paths, components.schemas
    def run(self) -> None:
        tags = self.document.get("tags")
        if isinstance(tags, list):
            names: set[Any] = set()
            for tag in tags:
                name = tag.get("name") if isinstance(tag, dict) else None
                if name in names:
                    self.problems.append(f"duplicate tag name {name!r}")
                names.add(name)
        operation_ids: set[Any] = set()
        paths = self.document.get("paths")
        for url, item in (paths.items() if isinstance(paths, dict) else ()):
            if not isinstance(item, dict) or "$ref" in item:
                raise _Unsure("path item is not an inline object")
            item_where: tuple[str | int, ...] = ("paths", url)
            path_params = self.parameters(item.get("parameters"), (*item_where, "parameters"))
            for method in _HTTP_METHODS:
                if method in item:
                    self.operation(url, method, item[method], (*item_where, method), path_params, operation_ids)
        components = self.document.get("components")
        schemas = components.get("schemas") if isinstance(components, dict) else None
        if isinstance(schemas, dict):
            for name, schema in schemas.items():
                self.schema(schema, ("components", "schemas", name), require_properties=True)

    def operation(self, url: str, method: str, operation: Any, where: tuple[str | int, ...],
                  path_params: set[str] | None, operation_ids: set[Any]) -> None:
        if not isinstance(operation, dict):
            raise _Unsure("operation is not an object")
        if "operationId" in operation:
            value = operation["operationId"]
            if value is not None and value in operation_ids:
                self.problems.append(f"operationId {value!r} is not unique")
            operation_ids.add(value)
        responses = operation.get("responses")
        if isinstance(responses, dict):
            for code, response in responses.items():
                response, response_where = self.resolve(response, (*where, "responses", code), "responses")
                if not isinstance(response, dict):
                    raise _Unsure("response is not an object")
                content = response.get("content")
                for media, media_type in (content.items() if isinstance(content, dict) else ()):
                    if isinstance(media_type, dict) and "schema" in media_type:
                        self.schema(media_type["schema"], (*response_where, "content", media, "schema"),
                                    require_properties=True)
        names: set[str] = set()
        if "parameters" in operation:
            names |= self.parameters(operation["parameters"], (*where, "parameters")) or set()
        names |= path_params or set()
        try:
            url_params = {item[1] for item in string.Formatter().parse(url) if item[1]}
        except ValueError as exc:
            raise _Unsure(f"path template {url!r}: {exc}") from None
        if names != url_params:
            self.problems.append(f"path parameters of {method} {url} do not match its template")

    def parameters(self, parameters: Any, where: tuple[str | int, ...]) -> set[str] | None:
        """Checks a parameter list; returns the names of its path parameters (None: no list)."""
        if parameters is None:
            return None
        if not isinstance(parameters, list):
            raise _Unsure("parameters is not a list")
        seen: set[tuple[Any, Any]] = set()
        path_names: set[str] = set()
        for index, parameter in enumerate(parameters):
            parameter, parameter_where = self.resolve(parameter, (*where, index), "parameters")
            if not isinstance(parameter, dict) or not isinstance(parameter.get("name"), str) \
                    or parameter.get("in") not in ("path", "query", "header", "cookie"):
                raise _Unsure("parameter without a name or a place")
            if "schema" in parameter:
                self.schema(parameter["schema"], (*parameter_where, "schema"), require_properties=True)
            key = (parameter.get("name"), parameter.get("in"))
            if key in seen:
                self.problems.append(f"duplicate parameter {key[0]!r}")
            seen.add(key)
            if parameter.get("in") == "path":
                path_names.add(parameter["name"])  # a str: checked above
        return path_names

    def schema(self, schema: Any, where: tuple[str | int, ...], require_properties: bool,
               meta_checked: bool = False) -> None:
        schema, where = self.resolve(schema, where)
        if not isinstance(schema, (dict, bool)):
            self.problems.append(f"schema at {json_pointer(*where)} is not an object")
            return
        if not meta_checked and id(schema) not in self._meta_checked:
            # as the reference does: each Schema object it reaches first, against draft 4
            self._meta_checked.add(id(schema))
            try:
                self.check_schema(schema)
            except Exception:
                self.problems.append(f"schema at {json_pointer(*where)} breaks the draft 4 metaschema")
                return
        if isinstance(schema, bool) or id(schema) in self._visited:
            return
        self._visited.add(id(schema))
        nested_properties: set[str] = set()
        for keyword in ("allOf", "anyOf", "oneOf"):
            members = schema.get(keyword)
            if isinstance(members, list):
                for index, member in enumerate(members):
                    self.schema(member, (*where, keyword, index), require_properties=False, meta_checked=True)
                    if keyword == "allOf":
                        nested_properties |= self.collect_properties(member, (*where, keyword, index))
        for keyword in ("not", "items"):
            if keyword in schema:
                self.schema(schema[keyword], (*where, keyword), require_properties=False, meta_checked=True)
        properties = schema.get("properties")
        if isinstance(properties, dict):
            for name, member in properties.items():
                self.schema(member, (*where, "properties", name), require_properties=False, meta_checked=True)
        if "allOf" in schema and require_properties:
            required = schema.get("required") or []
            declared = set(properties) if isinstance(properties, dict) else set()
            if isinstance(required, list) and set(required) - declared - nested_properties:
                self.problems.append(f"required names without properties at {json_pointer(*where)}")
        if "default" in schema:
            value = schema["default"]
            if _holds_ref(value):  # the reference resolves it as if it were schema: let it judge
                self.problems.append(f"a default holding $ref at {json_pointer(*where)}")
            elif value is not None or schema.get("nullable") is not True:
                try:
                    fits = _fits(value, schema, self, 0)
                except _Unsure:
                    fits = False
                if not fits:
                    self.bad_defaults.append((where, schema, value))

    def collect_properties(self, schema: Any, where: tuple[str | int, ...], depth: int = 0) -> set[str]:
        schema, where = self.resolve(schema, where)
        if not isinstance(schema, dict) or depth > 50:
            return set()
        names = set(schema["properties"]) if isinstance(schema.get("properties"), dict) else set()
        for keyword in ("allOf", "anyOf", "oneOf"):
            for index, member in enumerate(schema.get(keyword) or [] if isinstance(schema.get(keyword), list) else []):
                names |= self.collect_properties(member, (*where, keyword, index), depth + 1)
        for keyword in ("items", "not"):
            if keyword in schema:
                names |= self.collect_properties(schema[keyword], (*where, keyword), depth + 1)
        return names


_TYPE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}
# keywords a default is judged by; anything else with a meaning for values (format, pattern
# features Python's re reads differently, ...) makes the fast path unsure
_NEUTRAL = {"title", "description", "default", "example", "examples", "readOnly", "writeOnly", "deprecated",
            "nullable", "externalDocs", "xml"}


def _fits(value: Any, schema: Any, walker: _Walker, depth: int) -> bool:  # noqa: C901 - one branch a keyword
    """Whether `value` satisfies an OpenAPI 3.0 schema, for the keywords judged here; raises
    _Unsure on anything else (openapi-spec-validator then decides)."""
    if depth > 30:
        raise _Unsure("default nested too deeply")
    schema, _ = walker.resolve(schema, ())
    if isinstance(schema, bool):
        return schema
    if not isinstance(schema, dict):
        raise _Unsure("schema is not an object")
    if value is None:
        if schema.get("nullable") is True and "enum" not in schema:
            return True
        raise _Unsure("null value")
    for keyword, rule in schema.items():
        if keyword in _NEUTRAL or keyword.startswith("x-"):
            continue
        if keyword == "type":
            check = _TYPE_CHECKS.get(rule) if isinstance(rule, str) else None
            if check is None:
                raise _Unsure(f"type {rule!r}")
            if not check(value):
                if rule == "integer" and isinstance(value, float):
                    raise _Unsure("a float for an integer")  # jsonschema's drafts disagree on 1.0
                return False
        elif keyword == "enum":
            if not isinstance(rule, list) or not any(_same_json(value, option) for option in rule):
                return False
        elif keyword in ("minLength", "maxLength"):
            if isinstance(value, str):
                if not isinstance(rule, int):
                    raise _Unsure(keyword)
                if (len(value) < rule) if keyword == "minLength" else (len(value) > rule):
                    return False
        elif keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                if not _number_fits(value, schema):
                    return False
        elif keyword == "pattern":
            if isinstance(value, str):
                try:  # jsonschema's `pattern` is Python's re.search too
                    if not isinstance(rule, str) or re.search(rule, value) is None:
                        return False
                except re.error:
                    raise _Unsure("pattern") from None
        elif keyword in ("minItems", "maxItems", "uniqueItems", "items"):
            if isinstance(value, list):
                if keyword == "items":
                    if not all(_fits(item, rule, walker, depth + 1) for item in value):
                        return False
                elif keyword == "uniqueItems":
                    if rule is True and len({json.dumps(v, sort_keys=True) for v in value}) != len(value):
                        return False
                elif not isinstance(rule, int) or ((len(value) < rule) if keyword == "minItems" else (len(value) > rule)):
                    return False
        elif keyword in ("properties", "required", "additionalProperties", "minProperties", "maxProperties"):
            if isinstance(value, dict) and not _object_fits(value, schema, keyword, rule, walker, depth):
                return False
        elif keyword == "allOf":
            if not all(_fits(value, member, walker, depth + 1) for member in rule):
                return False
        elif keyword == "anyOf":
            if not any(_fits(value, member, walker, depth + 1) for member in rule):
                return False
        elif keyword == "oneOf":
            if sum(1 for member in rule if _fits(value, member, walker, depth + 1)) != 1:
                return False
        elif keyword == "not":
            if _fits(value, rule, walker, depth + 1):
                return False
        elif keyword == "format":
            if not _format_fits(value, rule):
                return False
        else:
            raise _Unsure(f"keyword {keyword!r}")
    return True


def _holds_ref(value: Any) -> bool:
    if isinstance(value, dict):
        return "$ref" in value or any(_holds_ref(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_ref(v) for v in value)
    return False


def _format_fits(value: Any, rule: Any) -> bool:
    """The formats openapi-schema-validator's OAS 3.0 checker judges the same way everywhere;
    any other (jsonschema adds email, date, ... depending on what is installed) is unsure."""
    if isinstance(value, str):
        if rule in ("password", "binary"):
            return True
    elif isinstance(value, int) and not isinstance(value, bool):
        if rule == "int32":
            return bool(~(1 << 31) < value < 1 << 31)
        if rule == "int64":
            return bool(~(1 << 63) < value < 1 << 63)
        if rule in ("float", "double"):
            return True
    elif isinstance(value, float) and rule in ("float", "double", "int32", "int64"):
        return True
    raise _Unsure(f"format {rule!r}")


def _same_json(left: Any, right: Any) -> bool:
    """JSON equality: 1 == 1.0, but True is not 1."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return left == right
    if type(left) is not type(right):
        return False
    if isinstance(left, list):
        return len(left) == len(right) and all(_same_json(a, b) for a, b in zip(left, right))
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(_same_json(left[k], right[k]) for k in left)
    return bool(left == right)


def _number_fits(value: float, schema: dict[str, Any]) -> bool:
    if not math.isfinite(value):
        raise _Unsure("non-finite number")
    minimum, maximum = schema.get("minimum"), schema.get("maximum")
    for bound in (minimum, maximum, schema.get("multipleOf")):
        if bound is not None and (isinstance(bound, bool) or not isinstance(bound, (int, float))):
            raise _Unsure("bound is not a number")
    if minimum is not None and (value <= minimum if schema.get("exclusiveMinimum") is True else value < minimum):
        return False
    if maximum is not None and (value >= maximum if schema.get("exclusiveMaximum") is True else value > maximum):
        return False
    multiple = schema.get("multipleOf")
    if multiple is not None:
        if isinstance(value, int) and isinstance(multiple, int) and multiple > 0:
            return value % multiple == 0
        raise _Unsure("multipleOf with floats")
    return True


def _object_fits(value: dict[str, Any], schema: dict[str, Any], keyword: str, rule: Any, walker: _Walker,
                 depth: int) -> bool:
    declared = schema.get("properties")
    properties: dict[str, Any] = declared if isinstance(declared, dict) else {}
    if keyword == "properties":
        return all(_fits(value[name], member, walker, depth + 1) for name, member in properties.items() if name in value)
    if keyword == "required":
        return isinstance(rule, list) and all(name in value for name in rule)
    if keyword == "additionalProperties":
        extra = [name for name in value if name not in properties]
        if rule is False:
            return not extra
        if isinstance(rule, dict):
            return all(_fits(value[name], rule, walker, depth + 1) for name in extra)
        return True
    if not isinstance(rule, int):
        raise _Unsure(keyword)
    return len(value) >= rule if keyword == "minProperties" else len(value) <= rule


def _default_messages(schema: dict[str, Any], value: Any, document: dict[str, Any]) -> list[str]:
    """What openapi-spec-validator says of a default that breaks its schema (the same
    validator, class and format checker), so that the warning reads the same either way."""
    from openapi_schema_validator import OAS30Validator, oas30_format_checker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    base = "urn:cvat-gen:schema"  # the document's local `#/...` references resolve against it
    registry: Registry[Any] = Registry().with_resource(base, Resource.from_contents(document, DRAFT4))
    validator = OAS30Validator(schema, _resolver=registry.resolver(base_uri=base), format_checker=oas30_format_checker)
    return [str(error.message) for error in validator.iter_errors(value)]


class DefaultMessages:
    """The reference validator's words for each bad default, remembered in the cache folder.

    Wording them means importing openapi-schema-validator and jsonschema: about 0.2 s, more
    than the whole fast verdict, for the same few defaults that every CVAT release ships. The
    words depend only on the schema object and the value when the schema holds no `$ref`, so
    those are keyed by their JSON (and by the validators' versions, in the file name); a
    schema with a `$ref` is worded afresh each time.
    """

    def __init__(self, cache_dir: Path | None) -> None:
        self.path: Path | None = None
        self.known: dict[str, list[str]] = {}
        self.added = False
        if cache_dir is None:
            return
        from .entry_points import installed_versions

        versions = installed_versions("openapi-schema-validator", "jsonschema")
        if not all(versions):  # not installed as distributions: no memory, still correct
            return
        tools = "-".join(versions)
        self.path = Path(cache_dir) / "spec-check" / f"default-messages-{re.sub(r'[^0-9A-Za-z.]', '_', tools)}.json"
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(loaded, dict):
            self.known = {key: words for key, words in loaded.items()
                          if isinstance(words, list) and all(isinstance(w, str) for w in words)}

    def messages(self, schema: dict[str, Any], value: Any, document: dict[str, Any]) -> list[str]:
        if _holds_ref(schema):
            return _default_messages(schema, value, document)
        key = hashlib.sha256(json.dumps([schema, value], sort_keys=True, default=repr).encode()).hexdigest()
        if key not in self.known:
            self.known[key] = _default_messages(schema, value, document)
            self.added = True
        return self.known[key]

    def save(self) -> None:
        """Best effort: a read-only or missing cache folder only costs the next build time."""
        if self.path is None or not self.added:
            return
        if write_atomic(self.path, json.dumps(self.known, sort_keys=True).encode("utf-8")):
            self.added = False

    @property
    def empty(self) -> bool:
        return not self.known


def fast_verdict(document: dict[str, Any], defaults: DefaultMessages | None = None) -> Verdict:
    """The fast checks; `valid` False means: run openapi-spec-validator for the report.
    `defaults` remembers the words for bad defaults between builds."""
    defaults = defaults or DefaultMessages(None)
    try:
        validate, check_schema = compiled_validator("document"), compiled_validator("schema")
        if validate is None or check_schema is None:
            return Verdict(False, reason="fastjsonschema or a metaschema is not available")
        try:
            validate(document)
        except Exception as exc:  # JsonSchemaValueException, or anything else: not vouched for
            return Verdict(False, reason=f"metaschema: {str(exc)[:200]}")
        walker = _Walker(document, check_schema)
        walker.run()
    except _Unsure as exc:
        return Verdict(False, reason=str(exc))
    except RecursionError:
        return Verdict(False, reason="nested too deeply")
    if walker.problems:
        return Verdict(False, reason="; ".join(walker.problems[:5]))
    warnings: list[Diagnostic] = []
    seen: set[tuple[str, str]] = set()
    for where, schema, value in walker.bad_defaults:
        try:
            messages = defaults.messages(schema, value, document)
        except Exception as exc:  # the reference validator could not judge it either
            return Verdict(False, reason=f"default at {json_pointer(*where)}: {exc}")
        for message in messages:
            if len(message) > 300:
                message = message[:300] + "..."
            pointer = json_pointer(*where)
            if (pointer, message) in seen:
                continue
            seen.add((pointer, message))
            warnings.append(Diagnostic(pointer, f"a default value does not satisfy its schema: {message}",
                                       severity="warning"))
    defaults.save()
    return Verdict(True, warnings)


def prepare(cache_dir: Path | None = None) -> DefaultMessages:
    """Everything `fast_verdict` needs that does not depend on the document, done ahead (in the
    background process, while the parent patches): the compiled metaschema, the remembered
    words for bad defaults, and, when none are remembered yet, the modules that word them."""
    defaults = DefaultMessages(cache_dir)
    try:
        compiled_validator("document")
        compiled_validator("schema")
        if defaults.empty:
            import openapi_schema_validator  # noqa: F401
            import referencing.jsonschema  # noqa: F401
    except Exception:  # noqa: S110 - fast_verdict tries again, and falls back on failure
        pass
    return defaults
