"""Turning untrusted schema strings into Python names and literals.

Everything from the schema that ends up in generated source passes through one of these
functions. Names become valid, non-keyword ASCII identifiers; text becomes an escaped
literal or docstring body. Templates never interpolate raw schema text.
"""

from __future__ import annotations

import functools
import keyword
import re
import unicodedata

_CAMEL_BOUNDARY_1 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL_BOUNDARY_2 = re.compile(r"([a-z0-9])([A-Z])")
_NON_WORD = re.compile(r"[^0-9A-Za-z]+")
MAX_IDENTIFIER = 120
# How many distinct inputs each naming cache keeps. A schema has a few thousand distinct names
# (properties, parameters, tags, operationIds) and repeats them many times (`id`, `name`, a
# tag once per operation); the bound keeps a long-lived process from growing without limit.
_CACHE_SIZE = 8192

# Names the generated modules define or import themselves; a model or field can't take them.
RESERVED_CLASS_NAMES = frozenset(
    {
        "Any", "ClassVar", "Model", "ModelComposed", "ModelEnum", "ModelNormal", "ModelSimple",
        "IModelData", "OpenApiModel", "UNSET", "UnsetType", "date", "datetime", "field",
        "annotations", "msgspec", "typing", "enum", "Literal", "TYPE_CHECKING", "IO",
        "ModelUnion", "TypeAlias",
    }
)
RESERVED_ATTRIBUTE_NAMES = frozenset(
    {
        # model methods and class attributes that a field must not shadow
        "to_dict", "to_str", "get", "openapi_types", "attribute_map", "read_only_vars",
        "allowed_values", "validations", "discriminator", "additional_properties_type",
        "set_attribute", "self", "cls", "mro",
        # names the model class body evaluates (`= field(...)`) or that msgspec resolves in
        # the annotations with the class namespace first; a field of that name shadows them.
        # Not "date"/"datetime": msgspec takes field defaults out of the class namespace, so
        # `date: date` resolves to the type, and cvat-sdk's `DataFrame.date` keeps its name.
        "field", "str", "int", "float", "bool", "bytes", "list", "dict",
    }
)
RESERVED_PARAMETER_NAMES = frozenset({"self", "kwargs", "api_client"})


# The naming functions below are pure functions of their (hashable) arguments, and the IR
# builder calls them with the same names again and again; they are memoized (lru_cache), which
# is safe because they keep no state and return immutable str.


def ascii_words(text: str) -> str:
    """Fold accents to ASCII and turn anything else into separators."""
    if text.isascii():  # NFKD leaves ASCII text as it is: skip the round trip
        return text
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return folded


@functools.lru_cache(maxsize=_CACHE_SIZE)
def snake_case(text: str) -> str:
    text = ascii_words(text)
    text = _CAMEL_BOUNDARY_1.sub(r"\1_\2", text)
    text = _CAMEL_BOUNDARY_2.sub(r"\1_\2", text)
    return _NON_WORD.sub("_", text).strip("_").lower()


@functools.lru_cache(maxsize=_CACHE_SIZE)
def pascal_case(text: str) -> str:
    text = ascii_words(text)
    parts = [p for p in _NON_WORD.split(text) if p]
    return "".join(p[:1].upper() + p[1:] for p in parts)


def _finish_identifier(name: str, fallback: str, reserved: frozenset[str] = frozenset()) -> str:
    if not name:
        name = fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}" if fallback else f"n{name}"
    name = name[:MAX_IDENTIFIER]
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in reserved:
        name += "_"
    assert name.isidentifier() and name.isascii(), name
    return name


@functools.lru_cache(maxsize=_CACHE_SIZE)
def identifier(text: str, fallback: str = "value", reserved: frozenset[str] = frozenset()) -> str:
    """A snake_case Python identifier (fields, parameters, methods, modules)."""
    return _finish_identifier(snake_case(text), fallback, reserved)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def class_name(text: str, fallback: str = "Model") -> str:
    """A PascalCase class identifier. Leading digits get the fallback prefix."""
    raw = ascii_words(text)
    # keep schema names that already are identifiers exactly (Type4c0Enum, LabeledDataRequest)
    if raw.isidentifier() and raw.isascii() and not raw.startswith("_"):
        name = raw[:1].upper() + raw[1:]
    else:
        name = pascal_case(raw)
    name = _finish_identifier(name, fallback, RESERVED_CLASS_NAMES)
    return name


def enum_member_name(value: object) -> str:
    """UPPER_CASE member name for an enum value ('image/jpeg' -> 'IMAGE_JPEG')."""
    text = snake_case(str(value)).upper()
    if not text:
        text = "EMPTY" if value == "" else "VALUE"
    if text[0].isdigit():
        text = "_" + text
    text = text[:MAX_IDENTIFIER]
    if keyword.iskeyword(text) or text in {"NAME", "VALUE"} and False:
        text += "_"
    if text.startswith("_") and not text[1:2].isdigit():
        text = "V" + text
    # enum.Enum reserves _sunder_ and __dunder__ names and the mro attribute
    if text.startswith("_"):
        text = "V" + text
    assert text.isidentifier(), text
    return text


def unique(name: str, taken: set[str]) -> str:
    """`name`, or `name_2`, `name_3`... whichever is free; records the choice in `taken`."""
    candidate = name
    counter = 2
    while candidate in taken:
        candidate = f"{name}_{counter}"
        counter += 1
    taken.add(candidate)
    return candidate


# ---------------------------------------------------------------------------------------
# literals

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\ufeff]")


def py_literal(value: object) -> str:
    """A Python literal for a JSON value. repr() of str/int/float/bool/None is always safe."""
    if value is None or isinstance(value, (bool, int)):
        return repr(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return f"float({str(value)!r})"
        return repr(value)
    if isinstance(value, str):
        return string_literal(value)
    if isinstance(value, list):
        return "[" + ", ".join(py_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py_literal(str(k))}: {py_literal(v)}" for k, v in value.items()) + "}"
    return repr(str(value))


def string_literal(value: str) -> str:
    """repr(), in black's preferred double quotes when that needs no extra escaping."""
    text = repr(value)
    if text.startswith("'") and '"' not in text and "\\'" not in text:
        return '"' + text[1:-1] + '"'
    return text


def clean_text(text: object, limit: int = 4000) -> str:
    """Normalize schema prose: str, no control characters, unified newlines, bounded length."""
    if text is None:
        return ""
    value = str(text).replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub(" ", value)
    if len(value) > limit:
        value = value[:limit].rstrip() + " ..."
    return value.strip()


def docstring_body(text: object, limit: int = 4000) -> str:
    """Text that is safe between triple double quotes, with no escape left to interpret."""
    value = clean_text(text, limit)
    value = value.replace("\\", "\\\\")
    # a final quote would merge with the closing quotes; escape it before escaping runs of
    # three, so that the escape can't land after an already escaped quote (`x\"\"\\"`)
    if value.endswith('"'):
        value = value[:-1] + '\\"'
    return value.replace('"""', '\\"\\"\\"')


_CODING_COOKIE = re.compile(r"(coding)(?=[:=])", re.IGNORECASE)


def comment_text(text: object, limit: int = 200) -> str:
    """A single line that can follow '# ' without ending the comment, and without being read
    as a PEP 263 source-encoding declaration (`coding: unicode_escape` in the first two lines
    of a file would make Python decode it that way, turning escaped newlines into code): the
    cookie's `coding:` gets a space, which its pattern does not allow."""
    return _CODING_COOKIE.sub(r"\1 ", " ".join(clean_text(text, limit).split()))
