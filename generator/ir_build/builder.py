"""The IR builder: the parts by concern, put together, and the assembly of the IR.

Why here: `build` runs the parts in order (components, then operations, then the Api classes
that group them) and decides what only the whole can decide: method names unique per Api
class, pagination, and each operation's signature, which depends on its class's other
method names (a method named `list` shadows the builtin in annotations).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from ..errors import json_pointer
from ..ir import IR, Api, Operation, SecurityScheme, paginated_item
from ..naming import class_name, clean_text, identifier, pascal_case, snake_case, unique
from .components import ComponentsMixin
from .operations import OperationsMixin
from .surface import api_surface
from .type_refs import TypesMixin

_SURROGATE = re.compile("[\ud800-\udfff]")
# A surrogate code point in UTF-8 with "surrogatepass" (ED A0..BF xx); valid UTF-8 never has it.
_ENCODED_SURROGATE = re.compile(rb"\xed[\xa0-\xbf]")


def _surely_encodable(document: Any) -> bool:
    """True when no string in `document` (keys included) holds a lone surrogate; False when
    one may (check_encodable then walks the document to say where).

    Why marshal: it serializes a JSON-like tree in C several times faster than json.dumps,
    and writes every non-ASCII str as UTF-8 with "surrogatepass", so a lone surrogate shows up
    as bytes that valid UTF-8 never contains. Such bytes in a number's encoding are a false
    alarm that only costs the walk. What marshal does not take (a YAML date, a str subclass,
    very deep nesting) goes the json way: encoding the dumped text fails on a surrogate."""
    import json
    import marshal

    try:
        return _ENCODED_SURROGATE.search(marshal.dumps(document)) is None
    except (ValueError, TypeError, RecursionError):
        pass
    try:
        json.dumps(document, ensure_ascii=False).encode("utf-8")
        return True
    except (UnicodeEncodeError, TypeError, ValueError, RecursionError):
        return False  # a surrogate, or not plain JSON data: the walk decides


class IRBuilder(ComponentsMixin, TypesMixin, OperationsMixin):
    """Turns a validated, patched schema into the IR (see cvat_gen.build_ir)."""

    # ------------------------------------------------------------------ assembly
    def security(self) -> tuple[SecurityScheme, ...]:
        schemes = ((self.doc.get("components") or {}).get("securitySchemes") or {})
        result: list[SecurityScheme] = []
        for name, scheme in schemes.items() if isinstance(schemes, dict) else []:
            if not isinstance(scheme, dict):
                continue
            if scheme.get("type") == "http":
                result.append(SecurityScheme(str(name), str(scheme.get("scheme", "basic")).lower()))
            elif scheme.get("type") == "apiKey":
                result.append(SecurityScheme(str(name), "api_key", str(scheme.get("in", "header")),
                                             str(scheme.get("name", "")), str(scheme.get("x-token-prefix", ""))))
        return tuple(result)


    def check_encodable(self) -> None:
        """JSON can carry lone surrogates (\\udcff) that no UTF-8 file can hold; without this
        check the build would end in a UnicodeEncodeError while writing. Encoding the whole
        document at once answers the common case fast; only a failure walks it to say where."""
        if _surely_encodable(self.doc):
            return
        stack: list[tuple[tuple[str, ...], Any]] = [((), self.doc)]
        while stack:
            where, node = stack.pop()
            if isinstance(node, dict):
                items = [(str(k), v) for k, v in node.items()]
            elif isinstance(node, list):
                items = [(str(i), v) for i, v in enumerate(node)]
            else:
                items = [("", node)] if isinstance(node, str) else []
            for key, value in items:
                texts = (key, value) if isinstance(value, str) else (key,)
                if any(_SURROGATE.search(t) for t in texts):
                    pointer = json_pointer(*where, key) if key else json_pointer(*where)
                    self.sink.error(pointer.encode("utf-8", "backslashreplace").decode("utf-8"),
                                    "text contains a lone surrogate (an invalid \\uXXXX escape); it can't be written as UTF-8")
                elif isinstance(value, (dict, list)) and len(where) < 256:
                    stack.append(((*where, key), value))


    def build(self) -> IR:
        self.check_encodable()
        self.sink.raise_if_errors()
        self.classify()
        self.build_components()
        ops = self.operations()
        self.sink.raise_if_errors()
        by_tag: dict[str, list[Operation]] = {}
        for tag, op, _ in ops:
            by_tag.setdefault(tag, []).append(op)
        apis: list[Api] = []
        taken_classes: set[str] = set()
        taken_attrs: set[str] = set()
        tag_descriptions = {str(t.get("name")): clean_text(t.get("description"))
                            for t in self.doc.get("tags") or [] if isinstance(t, dict)}
        for tag in sorted(by_tag):
            cls = unique(class_name(pascal_case(tag) or "Default", "Tag") + "Api", taken_classes)
            attr = unique(identifier((snake_case(tag) or "default") + "_api", "default"), taken_attrs)
            methods: set[str] = set()
            operations = []
            for op in sorted(by_tag[tag], key=lambda o: o.method_name):
                name = op.method_name
                if name in methods:
                    self.sink.warning(op.pointer, f"method name {name!r} is taken in {cls}; renamed")
                    name = unique(name, methods)
                    op = dataclasses.replace(op, method_name=name)
                methods.add(name)
                item = paginated_item(op, self.models)
                if item is not None:
                    op = dataclasses.replace(op, page_item=item)
                operations.append(op)
            apis.append(api_surface(Api(tag=tag, class_name=cls, attr_name=attr, module_name=attr,
                                        description=tag_descriptions.get(tag, ""), operations=tuple(operations))))
        info = self.doc.get("info") or {}
        servers = tuple(str(s.get("url")) for s in self.doc.get("servers") or [] if isinstance(s, dict) and s.get("url"))
        models = sorted(self.models.values(), key=lambda m: m.name)
        enums = sorted(self.enums.values(), key=lambda e: e.name)
        return IR(title=clean_text(info.get("title"), 200), version=clean_text(info.get("version"), 100),
                  description=clean_text(info.get("description")), schema_hash=self.schema_hash,
                  package=self.package, apis=tuple(apis), models=tuple(models), enums=tuple(enums),
                  security=self.security(), servers=servers)


