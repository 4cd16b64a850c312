"""jinja2 rendering with StrictUndefined and only the escaping filters.

Templates receive IR objects and lay out text. Every value that came from the schema goes
through a filter here: `doc` (docstring body), `lit` (Python literal), `comment`, `md`
(Markdown-safe text). Identifiers in the IR are already sanitized by generator.naming.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from collections.abc import Callable
from typing import Any


from .cache_files import write_atomic
from .format import LINE_LENGTH
from .naming import clean_text, comment_text, docstring_body, py_literal

BUILTIN_TEMPLATES = Path(__file__).parent / "templates"
# A template whose source starts with this Jinja comment declares that what it renders is
# already laid out exactly as black would lay it out, so the build skips black for it (black
# is most of a cold build otherwise). `--format` runs black on everything regardless, and a
# test checks the declaration on every shared schema. A user's override template without the
# marker is formatted, so a declaration never outlives the template that made it.
FORMATTED_MARKER = "{#- cvat-gen: black-formatted -#}"


class RenderedText(str):
    """Text rendered by a template that declares itself black-formatted.

    A str subclass, so plugins use it as any string; any edit a plugin makes (concatenation,
    replace) gives a plain str again, which drops the declaration: the safe direction."""

    black_formatted = True


_CODE_SPAN = re.compile(r"`([^`\n]+)`")
# Markdown punctuation that could make a link, image, attribute list, code span or table cell
_MD_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`[]{}|"})
# a line made only of these is a horizontal rule or a setext heading underline
_RULE_LINE = re.compile(r"^[-=*_+ \t]+$")
# first characters of a line that would start a block: heading, admonition, fence, quote
_BLOCK_STARTS = {"#": "&#35;", "!": "&#33;", "~": "&#126;", "=": "&#61;", "-": "&#45;", "*": "&#42;",
                 "_": "&#95;", "+": "&#43;", ":": "&#58;", "?": "&#63;"}


def _escape_prose(text: str) -> str:
    """Text outside code spans: no HTML (`<`, `>`, `&` become entities; quotes are harmless
    outside a tag), no link/image/attribute/table syntax."""
    # html.escape(text, quote=False), without importing `html` (its entity table costs 2 ms)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").translate(_MD_ESCAPES)


def _escape_segmented(line: str) -> str:
    """Keep `code spans` (Markdown renders their content literally, HTML-escaped), escape the rest."""
    parts = []
    position = 0
    for match in _CODE_SPAN.finditer(line):
        parts.append(_escape_prose(line[position:match.start()]))
        code = match.group(1)
        parts.append(f"`{code}`" if code.strip() else _escape_prose(match.group(0)))
        position = match.end()
    parts.append(_escape_prose(line[position:]))
    return "".join(parts)


def _remembered_per_str(function: Callable[..., str]) -> Callable[..., str]:
    """The schema's descriptions fill many tables and pages again and again: a filter's
    answer for a str is remembered (`__wrapped__` is the plain function)."""
    cached = functools.lru_cache(maxsize=8192)(function)

    @functools.wraps(function)
    def call(text: object, *args: Any) -> str:
        return cached(text, *args) if isinstance(text, str) else function(text, *args)

    return call


@_remembered_per_str
def markdown_text(text: object, limit: int = 4000) -> str:
    """Schema prose inside Markdown, rendered inertly.

    HTML is escaped, so no tag or script survives; links, images, attribute lists (`{: }`),
    table pipes and stray backticks are backslash-escaped; a line can't start a heading,
    admonition, fence, rule or setext underline. `Code spans` and simple emphasis and lists
    (`*`, `-`, `1.`) keep working, because CVAT's descriptions use them."""
    lines = []
    for line in clean_text(text, limit).split("\n"):
        indent = line[: len(line) - len(line.lstrip())]
        body = line[len(indent):]
        if not body:
            lines.append("")
            continue
        first = body[0]
        is_list_item = first in "-*+" and body[1:2] == " " and not _RULE_LINE.match(body)
        escaped = _escape_segmented(body)
        if first in _BLOCK_STARTS and not is_list_item and escaped.startswith(first):
            escaped = _BLOCK_STARTS[first] + escaped[1:]
        lines.append(indent.replace("\t", "    ") + escaped)
    return "\n".join(lines)


@_remembered_per_str
def markdown_cell(text: object, limit: int = 500) -> str:
    """One table cell (or heading, or list item): a single line, pipes escaped, inert."""
    value = " ".join(clean_text(text, limit).split())
    escaped = _escape_segmented(value)
    if value[:1] in _BLOCK_STARTS and escaped.startswith(value[0]):
        escaped = _BLOCK_STARTS[value[0]] + escaped[1:]
    return escaped


def _collection(values: list[str], open_: str, close: str, prefix: int, indent: int, single: str = "") -> str:
    """Lay out a literal the way black would, so that black has nothing to re-split
    (re-splitting is what makes black slow): one line when it fits in LINE_LENGTH,
    otherwise one item per line with a trailing comma."""
    one_line = open_ + (single or ", ".join(values)) + close
    if prefix + len(one_line) <= LINE_LENGTH or not values:
        return one_line
    pad = " " * (indent + 4)
    return open_ + "\n" + "".join(f"{pad}{v},\n" for v in values) + " " * indent + close


def layout_brackets(
    opening: str, items: list[str], closing: str, indent: int, trailer: str = "", is_tuple: bool = False
) -> str:
    """`opening item, item closing` laid out the way black leaves it, so that formatting the
    generated code needs no re-splitting (which is what makes black slow): on one line when
    it fits, else one item per line with a trailing comma (black keeps that layout), an item
    that is itself too long wrapped as black wraps it. `opening` holds the indentation of
    its line; `trailer` follows `closing` (`,` or `:`)."""
    one_line = opening + ", ".join(items) + ("," if is_tuple and len(items) == 1 else "") + closing + trailer
    if len(one_line) <= LINE_LENGTH or not items:
        return one_line
    lines = [wrap_item(item, indent + 4) for item in items]
    return opening + "\n" + "".join(f"{line},\n" for line in lines) + " " * indent + closing + trailer


def wrap_item(item: str, indent: int) -> str:
    """One item of an exploded list, at `indent`, wrapped when it is too long."""
    pad = " " * indent
    if len(pad) + len(item) + 1 <= LINE_LENGTH:
        return pad + item
    call = _split_call(item)
    if call is not None:
        name, args = call
        return layout_brackets(f"{pad}{name}(", args, ")", indent)
    name, colon, rest = item.partition(": ")
    if colon and name.isidentifier():
        annotation, eq, default = rest.partition(" = ")
        tail = f" = {default}" if eq else ""
        return f"{pad}{name}: (\n{pad}    {annotation}\n{pad}){tail}"
    return pad + item


def _split_call(item: str) -> tuple[str, list[str]] | None:
    """`Name(a, b="x, y")` -> ("Name", ["a", 'b="x, y"']) for the simple calls we generate."""
    import ast

    if not item.endswith(")") or "(" not in item:
        return None
    name = item[: item.index("(")]
    if not name.isidentifier():
        return None
    try:
        node = ast.parse(item, mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(node, ast.Call):
        return None
    if "\n" in item:
        def segment(part: ast.expr) -> str:
            return ast.get_source_segment(item, part) or ""
    else:  # one line: ast's offsets count UTF-8 bytes; get_source_segment re-splits every call
        encoded = item.encode("utf-8")

        def segment(part: ast.expr) -> str:
            return encoded[part.col_offset:part.end_col_offset].decode("utf-8")
    args = [segment(a) for a in node.args]
    args += [f"{k.arg}={segment(k.value)}" for k in node.keywords]
    return name, args


def set_literal(items: object, prefix: int = 0, indent: int = 0) -> str:
    return _collection([py_literal(v) for v in items], "{", "}", prefix, indent)  # type: ignore[attr-defined]


def tuple_literal(items: object, prefix: int = 0, indent: int = 0) -> str:
    values = [py_literal(v) for v in items]  # type: ignore[attr-defined]
    return _collection(values, "(", ")", prefix, indent, f"{values[0]}," if len(values) == 1 else "")


def dict_literal(pairs: object, prefix: int = 0, indent: int = 0) -> str:
    values = [f"{py_literal(k)}: {py_literal(v)}" for k, v in pairs]  # type: ignore[attr-defined]
    return _collection(values, "{", "}", prefix, indent)


def docstring_end(text: str, indent: int = 0, multiline: bool = False) -> str:
    """`text` (the end of a docstring) and the closing quotes, where black puts them: on a
    line of their own when the docstring has more than one line and its last line, indented,
    would pass the line length with the quotes. `indent` is the docstring's indentation;
    `multiline` says the docstring has lines before `text` even if `text` has none."""
    last = text.rsplit("\n", 1)[-1].rstrip()
    length = len(last) if "\n" in text else indent + len(last)
    if (multiline or "\n" in text) and length + 3 > LINE_LENGTH:
        return f'{text}\n{" " * indent}"""'
    return f'{text}"""'


def _bytecode_cache(user_folder: Path | None) -> Any:
    """Where compiled templates live. The built-in templates are part of cvat-gen, so their
    bytecode is kept beside cvat-gen's own (`templates/__pycache__`, like Python's .pyc files)
    and a build with a fresh --cache-dir does not compile them again; other templates (a
    user's --template-dir) go to the cache dir. An unwritable place only costs a compile.
    (A function, so that jinja2 is imported only when a build renders.)"""
    import jinja2

    class Cache(jinja2.BytecodeCache):
        def __init__(self) -> None:
            self.builtin = BUILTIN_TEMPLATES / "__pycache__"
            self.user = user_folder
            self.builtin_keys: set[str] = set()

        def get_bucket(self, environment: Any, name: str, filename: str | None, source: str) -> Any:
            if filename and Path(filename).is_relative_to(BUILTIN_TEMPLATES):
                self.builtin_keys.add(self.get_cache_key(name, filename))  # before it loads
            return super().get_bucket(environment, name, filename, source)

        def _paths(self, bucket: Any) -> list[Path]:
            """Where to look, in order: a built-in template's bytecode beside the package
            first, else (a read-only install) in the cache dir like any other."""
            name = f"cvat-gen-{bucket.key}.jinja2"
            folders = [self.builtin] if bucket.key in self.builtin_keys else []
            folders += [self.user] if self.user is not None else []
            return [folder / name for folder in folders]

        def load_bytecode(self, bucket: Any) -> None:
            for path in self._paths(bucket):
                try:
                    with open(path, "rb") as stream:
                        bucket.load_bytecode(stream)
                except OSError:
                    continue
                if bucket.code is not None:
                    return

        def dump_bytecode(self, bucket: Any) -> None:
            import sys

            paths = self._paths(bucket)
            if sys.dont_write_bytecode:  # PYTHONDONTWRITEBYTECODE: nothing beside the package
                paths = [p for p in paths if not p.is_relative_to(self.builtin)]
            import io

            stream = io.BytesIO()
            bucket.write_bytecode(stream)
            for path in paths:
                if write_atomic(path, stream.getvalue()):
                    return

    return Cache()


class Renderer:
    def __init__(self, template_dirs: list[Path], cache_dir: Path | None = None) -> None:
        import jinja2  # here, not at import: an up-to-date rebuild never renders

        # Compiling the templates costs more than rendering them; jinja2 keys its bytecode
        # cache by template name and source checksum, so an edited template recompiles.
        folder = None
        if cache_dir is not None:
            folder = cache_dir / "jinja2"
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError:
                folder = None  # a cache we can't write is only slower
        bytecode_cache = _bytecode_cache(folder)
        loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(d)) for d in template_dirs]
        loaders.append(jinja2.FileSystemLoader(str(BUILTIN_TEMPLATES)))
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            bytecode_cache=bytecode_cache,
        )
        self._formatted: dict[str, bool] = {}
        self.env.filters.update(line=lambda text, limit=300: docstring_body(comment_text(text, limit)), doc=docstring_body, lit=py_literal, comment=comment_text, md=markdown_text,
                                mdcell=markdown_cell, docend=docstring_end, tup=tuple_literal, dct=dict_literal, setlit=set_literal)

    def declares_formatted(self, template: str) -> bool:
        if template not in self._formatted:
            source, _, _ = self.env.loader.get_source(self.env, template)  # type: ignore[union-attr]
            self._formatted[template] = source.startswith(FORMATTED_MARKER)
        return self._formatted[template]

    def render(self, template: str, **values: Any) -> str:
        import jinja2

        try:
            text = self.env.get_template(template).render(**values)
            return RenderedText(text) if self.declares_formatted(template) else text
        except jinja2.TemplateError as exc:
            from .errors import EXIT_PLUGIN, BuildError, Diagnostic

            raise BuildError(Diagnostic("", f"template {template}: {type(exc).__name__}: {exc}",
                                        source="templates"), exit_code=EXIT_PLUGIN) from None
