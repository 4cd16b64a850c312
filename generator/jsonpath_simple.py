"""A strict, tiny JSONPath evaluator for the queries overlays actually use, and the fallback.

Every shipped overlay target, and most conditions, are a chain of child segments with name
selectors only: `$.paths['/api/jobs/{id}/data'].get.responses['200','206']`; the other
conditions add one filter of string comparisons or existence tests: `@.schema[?@ == 'binary']`,
`@[?!$.type]`. Importing
and compiling with `jsonpath-rfc9535` (which pulls in the `regex` package) costs tens of
milliseconds per build, most of a rebuild's patch stage, so `compile_query` evaluates that
subset itself and hands anything else to the library, exactly as before.

The subset, with RFC 9535 semantics:

* the root identifier `$`, then any number of child segments, with no blank space anywhere
  outside quoted names, except in a filter around `==` and `&&` and before its `]` (spaces
  only, and only there: any other blank space, legal in JSONPath, goes to the library);
* `.name`, the member-name shorthand: name-first = ALPHA / "_" / %x80-D7FF / %xE000-10FFFF,
  name-char = name-first / DIGIT. The library (1.0.1) rejects a *non-first* character in
  U+1100-U+D7FF, which RFC 9535 allows; such a name goes to the library, so that behaviour
  (its error) does not change;
* `['a', "b", ...]`, bracketed name selectors in single or double quotes, without any
  backslash escape, control character or surrogate (those go to the library);
* `[?@.a['b'] == 'x' && @ == 'y' && !$.c]`, one filter selector alone in its brackets:
  comparisons of a singular relative query (`@` then `.name` or `['name']` segments) with a
  string literal (quoted as above), or existence tests of a singular query from `@` or `$`
  (`@.a`, `!$.a`), joined by `&&`.

Each selector of a segment is applied in order to each input node in order; a name selects
the member of an object (a `dict`) that has it and nothing else; a filter selects, in order,
the member values of an object or the items of an array for which every comparison holds;
duplicates stay in the nodelist, as the RFC says. Anything outside the subset, including
every invalid query, is compiled by `jsonpath_rfc9535`, so errors are worded by the library
as they always were.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from jsonpath_rfc9535 import JSONPathQuery

__all__ = ["Query", "QueryError", "SimpleNode", "SimpleQuery", "compile_query", "parse_simple"]

Location = tuple[str | int, ...]


class QueryError(ValueError):
    """An invalid query; the message is the library's (`str()` of its `JSONPathError`)."""


class Query(Protocol):
    """What the overlay engine needs of a compiled query (the library's query has it too)."""

    def find(self, value: Any) -> Any: ...

    def finditer(self, value: Any) -> Any: ...


class SimpleNode:
    """One selected value and its location: the names leading to it from the root."""

    __slots__ = ("location", "value")

    def __init__(self, value: Any, location: Location) -> None:
        self.value = value
        self.location = location

    def __repr__(self) -> str:
        return f"SimpleNode(location={self.location!r})"


_MISSING: Any = object()


def _walk(value: Any, path: tuple[str, ...]) -> Any:
    """The value at a singular path of names, through objects only; _MISSING when absent."""
    for name in path:
        if not isinstance(value, dict):
            return _MISSING
        try:
            value = value[name]
        except KeyError:
            return _MISSING
    return value


class Filter:
    """A filter selector of the subset, its terms joined by `&&`: `@.a['b'] == 'x'` (a
    singular relative path equal to a string literal), `@.a` or `$.a` (a singular path that
    exists, from `@` or from the query's root) and `!@.a` or `!$.a` (one that does not)."""

    __slots__ = ("terms",)

    def __init__(self, terms: tuple[tuple[str, bool, tuple[str, ...], str], ...]) -> None:
        self.terms = terms  # (op: "==" | "exists" | "absent", relative, path, literal)

    def test(self, value: Any, root: Any) -> bool:
        """Whether every term holds with `@` = `value` and `$` = `root`. A path that leaves
        the objects selects nothing, and nothing equals no literal; a value equals a string
        literal only when it is that string (a boolean never is, as the library checks)."""
        for op, relative, path, literal in self.terms:
            found = _walk(value if relative else root, path)
            if op == "==":
                if found is _MISSING or isinstance(found, bool) or not found == literal:
                    return False
            elif (found is _MISSING) is (op == "exists"):
                return False
        return True

    def __repr__(self) -> str:
        return f"Filter({self.terms!r})"


Segment = tuple[str, ...] | Filter


class SimpleQuery:
    """A query of the subset: per child segment, a tuple of names or one filter."""

    __slots__ = ("segments", "text")

    def __init__(self, text: str, segments: tuple[Segment, ...]) -> None:
        self.text = text
        self.segments = segments

    def finditer(self, value: Any) -> Iterator[SimpleNode]:
        """The nodes this query selects in `value`, in nodelist order."""
        return iter(self.find(value))

    def find(self, value: Any) -> list[SimpleNode]:
        """The nodelist this query selects in `value`: `(value, location)` pairs in order."""
        nodes: list[tuple[Any, Location]] = [(value, ())]
        for segment in self.segments:
            selected: list[tuple[Any, Location]] = []
            if isinstance(segment, Filter):
                for node, location in nodes:  # object members in order, array items in order
                    if isinstance(node, dict):
                        selected.extend((child, (*location, name)) for name, child in node.items()
                                        if segment.test(child, value))
                    elif isinstance(node, list):
                        selected.extend((child, (*location, i)) for i, child in enumerate(node)
                                        if segment.test(child, value))
            else:
                for node, location in nodes:
                    if not isinstance(node, dict):  # only objects have members (as the library checks)
                        continue
                    for name in segment:
                        try:
                            child = node[name]
                        except KeyError:
                            continue
                        selected.append((child, (*location, name)))
            nodes = selected
            if not nodes:
                break
        return [SimpleNode(node, location) for node, location in nodes]

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"SimpleQuery({self.text!r})"


def _name_first(ch: str) -> bool:
    code = ord(ch)
    if code < 0x80:
        return ch == "_" or ("a" <= ch <= "z") or ("A" <= ch <= "Z")
    return code <= 0xD7FF or code >= 0xE000


def _name_char(ch: str) -> bool:
    """RFC 9535 name-char, less U+1100-U+D7FF, which the library rejects (see the module doc)."""
    code = ord(ch)
    if code < 0x80:
        return ch == "_" or ("a" <= ch <= "z") or ("A" <= ch <= "Z") or ("0" <= ch <= "9")
    return code <= 0x10FF or code >= 0xE000


class _Unsupported(Exception):
    """Outside the subset (or invalid): the library compiles it, or words the error."""


class _Parser:
    """A cursor over the query text; every method raises `_Unsupported` on anything else."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0

    def peek(self, literal: str) -> bool:
        return self.text.startswith(literal, self.i)

    def expect(self, literal: str) -> None:
        if not self.peek(literal):
            raise _Unsupported
        self.i += len(literal)

    def spaces(self) -> None:
        while self.peek(" "):
            self.i += 1

    def shorthand(self) -> str:
        """After a `.`: a member-name shorthand."""
        text, start = self.text, self.i
        if start >= len(text) or not _name_first(text[start]):
            raise _Unsupported  # `..`, `.*`, `.1`, a trailing dot, blank space
        end = start + 1
        while end < len(text) and _name_char(text[end]):
            end += 1
        self.i = end
        return text[start:end]

    def quoted(self) -> str:
        """A string literal in single or double quotes, without escapes, control characters
        or surrogates (RFC 9535 `unescaped`, plus the other quote)."""
        text = self.text
        if self.i >= len(text) or text[self.i] not in "'\"":
            raise _Unsupported  # an index, slice, wildcard, blank space or an error
        quote = text[self.i]
        end = self.i + 1
        while end < len(text) and text[end] != quote:
            code = ord(text[end])
            if code < 0x20 or 0xD800 <= code <= 0xDFFF or text[end] == "\\":
                raise _Unsupported
            end += 1
        if end >= len(text):
            raise _Unsupported  # unterminated
        name = text[self.i + 1 : end]
        self.i = end + 1
        return name

    def names(self) -> tuple[str, ...]:
        """After a `[`: name selectors, then `]`."""
        names = [self.quoted()]
        while self.peek(","):
            self.i += 1
            names.append(self.quoted())
        self.expect("]")
        return tuple(names)

    def path(self) -> tuple[str, ...]:
        """After `@` or `$` in a filter: `.name` or `['name']` segments (singular)."""
        path: list[str] = []
        while True:
            if self.peek("."):
                self.i += 1
                path.append(self.shorthand())
            elif self.peek("["):
                self.i += 1
                names = self.names()
                if len(names) != 1:
                    raise _Unsupported  # not singular: the library decides
                path.append(names[0])
            else:
                return tuple(path)

    def filter(self) -> Filter:
        """After `[?`: terms joined by `&&`, then `]` (see `Filter`)."""
        terms = []
        while True:
            negated = self.peek("!")
            if negated:
                self.i += 1
            if self.peek("@"):
                relative = True
            elif self.peek("$"):
                relative = False
            else:
                raise _Unsupported  # a literal, a function, parentheses, `||`...
            self.i += 1
            path = self.path()
            self.spaces()
            if self.peek("=="):
                if negated or not relative:
                    raise _Unsupported  # `!@.a == 'x'`, `$.a == 'x'`: the library decides
                self.i += 2
                self.spaces()
                terms.append(("==", True, path, self.quoted()))
                self.spaces()
            elif not path:
                raise _Unsupported  # `@` or `$` alone: the library tests its truthiness
            else:
                terms.append(("absent" if negated else "exists", relative, path, ""))
            if self.peek("&&"):
                self.i += 2
                self.spaces()
                continue
            self.expect("]")
            return Filter(tuple(terms))

    def query(self) -> tuple[Segment, ...]:
        self.expect("$")
        segments: list[Segment] = []
        while self.i < len(self.text):
            if self.peek("."):
                self.i += 1
                segments.append((self.shorthand(),))
            elif self.peek("[?"):
                self.i += 2
                segments.append(self.filter())
            elif self.peek("["):
                self.i += 1
                segments.append(self.names())
            else:
                raise _Unsupported
        return tuple(segments)


def parse_simple(text: str) -> tuple[Segment, ...] | None:
    """The segments of `text` when it is in the subset, else None (use the library)."""
    try:
        return _Parser(text).query()
    except _Unsupported:
        return None


def compile_query(text: str) -> SimpleQuery | JSONPathQuery:
    """Compile `text`: the name-only evaluator when it can, else `jsonpath_rfc9535.compile`.
    Raises `QueryError` with the library's message when the query is invalid."""
    segments = parse_simple(text)
    if segments is not None:
        return SimpleQuery(text, segments)
    from jsonpath_rfc9535 import JSONPathError
    from jsonpath_rfc9535 import compile as compile_jsonpath

    try:
        return compile_jsonpath(text)
    except JSONPathError as exc:
        raise QueryError(str(exc)) from exc
