"""Stage 1: read the schema from a file (JSON or YAML) or an http(s) URL into a dict.

The schema is untrusted input. This stage only turns bytes into a dict and says, in one
line, what went wrong when it can't.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import BuildError, Diagnostic

FETCH_TIMEOUT_SECONDS = 30.0
MAX_SCHEMA_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class LoadedSchema:
    source: str
    raw: bytes
    document: dict[str, Any]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()


def _fail(source: str, message: str) -> BuildError:
    return BuildError(Diagnostic("", message, source=source))


def read_source(source: str, timeout: float = FETCH_TIMEOUT_SECONDS) -> bytes:
    if source.startswith(("http://", "https://")):
        import urllib.error  # only for URLs: a no-op rebuild from a file never needs them
        import urllib.request

        request = urllib.request.Request(source, headers={"Accept": "application/json, application/yaml;q=0.9"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - user-given URL
                data = response.read(MAX_SCHEMA_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise _fail(source, f"HTTP {exc.code} {exc.reason} while fetching the schema") from None
        except urllib.error.URLError as exc:
            raise _fail(source, f"cannot fetch the schema: {exc.reason}") from None
        except TimeoutError:
            raise _fail(source, f"timed out after {timeout:g} s while fetching the schema") from None
        except OSError as exc:
            raise _fail(source, f"cannot fetch the schema: {exc}") from None
    elif "://" in source:
        raise _fail(source, "only file paths and http(s) URLs are supported")
    else:
        path = Path(source)
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_SCHEMA_BYTES + 1)
        except FileNotFoundError:
            raise _fail(source, "schema file not found") from None
        except IsADirectoryError:
            raise _fail(source, "schema path is a directory, not a file") from None
        except OSError as exc:
            raise _fail(source, f"cannot read the schema: {exc.strerror or exc}") from None
    if len(data) > MAX_SCHEMA_BYTES:
        raise _fail(source, f"schema is larger than {MAX_SCHEMA_BYTES // (1024 * 1024)} MiB")
    return data


def parse_document(source: str, data: bytes) -> dict[str, Any]:
    """JSON first (what the server serves), YAML otherwise (what the repository keeps)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(source, f"schema is not UTF-8 text (byte {exc.start})") from None
    stripped = text.lstrip()
    if not stripped:
        raise _fail(source, "schema is empty")
    document: Any
    if stripped[0] in "{[":
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _fail(source, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
        except RecursionError:
            raise _fail(source, "schema is nested too deeply") from None
    else:
        import yaml

        try:
            document = yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            raise _fail(source, f"invalid YAML{where}: {exc.problem}") from None
        except yaml.YAMLError as exc:
            raise _fail(source, f"invalid YAML: {exc}") from None
        except RecursionError:
            raise _fail(source, "schema is nested too deeply") from None
    if not isinstance(document, dict):
        raise _fail(source, f"schema must be an object, got {type(document).__name__}")
    return document


def _make_safe_loader() -> type:
    import yaml

    class SafeLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        """YAML timestamps stay strings: OpenAPI examples and defaults are JSON values.
        libyaml's parser when PyYAML has it (an OSS schema loads 10x faster); the constructor
        stays PyYAML's safe one."""

    SafeLoader.yaml_implicit_resolvers = {
        key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return SafeLoader


class _LazySafeLoader:
    _cls: type | None = None

    def __call__(self, stream: Any) -> Any:
        if _LazySafeLoader._cls is None:
            _LazySafeLoader._cls = _make_safe_loader()
        return _LazySafeLoader._cls(stream)


_SafeLoader = _LazySafeLoader()


def load_schema(source: str, data: bytes | None = None) -> LoadedSchema:
    """`data`: the source's bytes when the caller read them already (a URL is fetched once)."""
    if data is None:
        data = read_source(source)
    return LoadedSchema(source=source, raw=data, document=parse_document(source, data))
