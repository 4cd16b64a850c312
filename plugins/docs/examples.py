"""Example values of the API pages that a server following the schema accepts.

Why a module of its own: each API page shows a runnable example per operation
(tests/functional/test_api_page_examples.py runs every one against the contract server), so
a value must satisfy what the schema asks of it (enum, bounds, lengths, pattern, format),
and it must stay short, readable and the same on every build.

Rules, in order, for a string:

1. an enum value (the first) when the schema lists some;
2. a value chosen by the name, because the IR keeps no ``format`` of strings: ``email`` ->
   ``"user@example.com"``, ``uuid`` -> a fixed UUID, ``url``/``uri`` -> ``"https://example.com"``,
   ``password`` -> ``"s3cret-passw0rd"``; else ``"string"``;
3. stretched (repeated) to ``minLength`` or cut to ``maxLength``;
4. when the result does not match ``pattern``, a value built from the pattern (literal
   characters, the first fitting character of a class, a repeat as few times as it allows,
   the first alternative). Fallback, when that is impossible (look-arounds, back-references,
   more than three repeats or one inside another, results over 100 characters): the value of
   rule 2 or 3, which the server may then refuse.

Numbers start at 1 and move into ``[minimum, maximum]`` (exclusive bounds step inside by one,
or to the middle when the range is narrower). Schema strings reach the code only through
``py_literal``; lengths, repeats and item counts are capped, so a hostile schema can't make
a huge example.
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any

try:  # Python >= 3.11
    import re._parser as _sre  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse as _sre  # type: ignore[no-redef]

from cvat_gen.plugin_api import py_literal

MAX_EXAMPLE_LENGTH = 100  # longer strings are not worth showing: fall back
MAX_EXAMPLE_ITEMS = 8
_NAMED_STRINGS = (
    ("email", "user@example.com"),
    ("uuid", "123e4567-e89b-12d3-a456-426614174000"),
    ("url", "https://example.com"),
    ("uri", "https://example.com"),
    ("password", "s3cret-passw0rd"),
)
# candidate characters for a character class, most readable first
_CLASS_CANDIDATES = "abcdefghijklmnopqrstuvwxyz1234567890ABCDEFGHIJKLMNOPQRSTUVWXYZ-_.:@+/ "


def named_string(name: str) -> str:
    """The readable string of a field or parameter, chosen by the words of its name."""
    words = set(re.split(r"[^a-z]+", name.lower()))
    for word, value in _NAMED_STRINGS:
        if word in words:
            return value
    return "string"


def _fits(value: str, constraints: dict[str, Any]) -> bool:
    if len(value) < constraints.get("minLength", 0) or len(value) > constraints.get("maxLength", len(value)):
        return False
    pattern = constraints.get("pattern")
    return pattern is None or _matches(pattern, value)


def _matches(pattern: str, value: str) -> bool:
    """``re.search``, only for simple patterns (see `simple_pattern`), so that a hostile
    pattern can't make the build backtrack for hours."""
    try:
        return simple_pattern(pattern) and re.search(pattern, value) is not None
    except (re.error, RecursionError):
        return False


@functools.lru_cache(maxsize=256)
def simple_pattern(pattern: str) -> bool:
    """At most three repeats and none inside another: matching a short text can't take long
    (CVAT's patterns, like ``^function:\\d+$``, have one). Other patterns get the fallback."""
    try:
        parsed = _sre.parse(pattern)
    except (re.error, RecursionError, OverflowError, ValueError):
        return False
    repeats = 0

    def walk(items: Any, inside: bool) -> bool:
        nonlocal repeats
        for op, av in items:
            name = str(op)
            if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                repeats += 1
                if inside or repeats > 3 or not walk(av[2], True):
                    return False
            elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
                if not walk(av[-1], inside):
                    return False
            elif name == "BRANCH":
                if not all(walk(branch, inside) for branch in av[1]):
                    return False
            elif name in ("ASSERT", "ASSERT_NOT", "GROUPREF", "GROUPREF_EXISTS"):
                return False
        return True

    try:
        return walk(parsed, False)
    except RecursionError:
        return False


def _stretch(value: str, constraints: dict[str, Any]) -> str:
    """``value`` repeated up to ``minLength``, cut to ``maxLength``."""
    low = constraints.get("minLength", 0)
    if low > len(value) and low <= MAX_EXAMPLE_LENGTH:
        value = (value * (low // max(len(value), 1) + 1))[:low] if value else "x" * low
    high = constraints.get("maxLength")
    if isinstance(high, int) and len(value) > high:
        value = value[:high]
    return value


def _in_class(char: str, items: list[tuple[Any, Any]]) -> bool:
    code = ord(char)
    negate = False
    found = False
    for op, av in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            found = found or code == av
        elif name == "RANGE":
            found = found or av[0] <= code <= av[1]
        elif name == "CATEGORY":
            found = found or _in_category(char, str(av))
        else:
            raise ValueError(f"unsupported class item {name}")
    return found != negate


def _in_category(char: str, category: str) -> bool:
    tests = {"DIGIT": str.isdigit, "SPACE": str.isspace, "WORD": lambda c: c.isalnum() or c == "_"}
    negated = "_NOT_" in category
    kind = category.rsplit("_", 1)[-1]
    if kind not in tests:
        raise ValueError(f"unsupported category {category}")
    return tests[kind](char) != negated


def _first_char(test: Any) -> str:
    for char in _CLASS_CANDIDATES:
        if test(char):
            return char
    raise ValueError("no readable character fits")


def _from_parsed(items: Any, grow: int = 0) -> str:
    """The shortest readable text the parsed pattern ``items`` matches (see the rules), or
    with `grow`, one where each repeat runs `grow` times when it may (to reach a length)."""
    out: list[str] = []
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(av))
        elif name == "NOT_LITERAL":
            out.append(_first_char(lambda c, av=av: ord(c) != av))
        elif name == "ANY":
            out.append("a")
        elif name == "IN":
            out.append(_first_char(lambda c, av=av: _in_class(c, av)))
        elif name == "CATEGORY":
            out.append(_first_char(lambda c, av=av: _in_category(c, str(av))))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = av
            count = max(low, min(high, grow))
            if count > MAX_EXAMPLE_LENGTH:
                raise ValueError("repeat too long")
            out.append(_from_parsed(sub, grow) * count)
        elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
            out.append(_from_parsed(av[-1], grow))
        elif name == "BRANCH":
            out.append(_from_parsed(av[1][0], grow))
        elif name == "AT":
            continue
        else:  # look-arounds, back-references, conditionals
            raise ValueError(f"unsupported pattern element {name}")
        if sum(map(len, out)) > MAX_EXAMPLE_LENGTH:
            raise ValueError("example too long")
    return "".join(out)


def pattern_example(pattern: str, min_length: int = 0) -> str | None:
    """A short text that ``pattern`` matches, at least `min_length` long when its repeats
    allow, or None when the simple rules can't make one. Repeats run as few times as they
    may, but once at least when the text would be empty (``^[a-z]*$`` -> ``"a"``)."""
    if not simple_pattern(pattern):
        return None
    try:
        parsed = _sre.parse(pattern)
        text = _from_parsed(parsed)
        grow = 1
        while (not text or len(text) < min_length) and grow <= MAX_EXAMPLE_LENGTH:
            longer = _from_parsed(parsed, grow)
            if len(longer) == len(text) and grow > 1:  # nothing left to repeat
                break
            text, grow = longer, grow + 1
        return text if re.search(pattern, text) else None
    except (ValueError, TypeError, IndexError, OverflowError, re.error, RecursionError):
        return None


def string_example(name: str, constraints: dict[str, Any]) -> str:
    """A Python literal of a string that fits ``constraints`` (see the module rules)."""
    value = _stretch(named_string(name), constraints)
    if not _fits(value, constraints) and constraints.get("pattern") is not None:
        candidate = pattern_example(constraints["pattern"], constraints.get("minLength", 0))
        if candidate is not None:
            for option in (_stretch(candidate, constraints), candidate):
                if _fits(option, constraints):
                    value = option
                    break
    return py_literal(value)


def number_example(kind: str, constraints: dict[str, Any]) -> str:
    """A Python literal of an int or float inside the bounds of ``constraints``."""
    def bound(key: str) -> float | None:
        value = constraints.get(key)
        return value if isinstance(value, (int, float)) and math.isfinite(value) else None

    low, low_open = bound("minimum"), False
    if bound("exclusiveMinimum") is not None:
        low, low_open = bound("exclusiveMinimum"), True
    high, high_open = bound("maximum"), False
    if bound("exclusiveMaximum") is not None:
        high, high_open = bound("exclusiveMaximum"), True
    if kind == "int":
        lo = None if low is None else (math.floor(low) + 1 if low_open else math.ceil(low))
        hi = None if high is None else (math.ceil(high) - 1 if high_open else math.floor(high))
        whole = 1
        if lo is not None and whole < lo:
            whole = lo
        if hi is not None and whole > hi:
            whole = hi
        return py_literal(whole)
    value = 1.0
    if low is not None and (value < low or (low_open and value <= low)):
        value = low + 1 if low_open else low
    if high is not None and (value > high or (high_open and value >= high)):
        value = high - 1 if high_open else high
        if low is not None and (value < low or (low_open and value <= low)):
            value = (low + high) / 2  # a narrow range: its middle
    return py_literal(float(value))


def items_count(constraints: dict[str, Any]) -> int:
    """How many items a list example shows: none unless ``minItems`` asks for some."""
    low = constraints.get("minItems", 0)
    return low if isinstance(low, int) and 0 < low <= MAX_EXAMPLE_ITEMS else 0
