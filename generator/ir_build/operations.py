"""Paths -> operations: method names, parameters, request bodies, responses, Accept.

Why apart: an operation's Python surface (which parameters are positional, what the body
parameter is called, which response is decoded and how) is what users call; its rules are
tested on their own (tests/unit/test_ir_operations.py). The media-type and call-option
rules come from call_rules.py, the module the generated SDK runs with.
"""

from __future__ import annotations

import keyword
import re
from typing import Any

from ..ir import Operation, Parameter, RequestBody, Response, TypeRef
from ..naming import RESERVED_PARAMETER_NAMES, clean_text, identifier, snake_case, unique
from .base import HTTP_METHODS, BuilderBase, pointer_token
from .rules import ALL_CONTROL_KWARGS, BODY_METHODS, admits_json, is_form_media, is_json_media
from .surface import exception_for
from .type_refs import schema_constraints


# Names a generated parameter or method can't take, made once: identifier() is memoized on its
# arguments, and a set built per call would be hashed anew each time.
_NOT_PARAMETERS = RESERVED_PARAMETER_NAMES | ALL_CONTROL_KWARGS
_NOT_METHODS = RESERVED_PARAMETER_NAMES  # self, kwargs, api_client: taken on an Api class
_PATH_VARIABLE = re.compile(r"\{([^{}]*)\}")


def parameter_name(wire_name: str) -> str:
    """cvat-sdk's parameter names: snake case, and a keyword gets a leading underscore
    (`from` -> `_from`), which can't clash with the call options (they are all known)."""
    base = snake_case(wire_name)
    if base and (keyword.iskeyword(base) or keyword.issoftkeyword(base)) and f"_{base}" not in ALL_CONTROL_KWARGS:
        return f"_{base}"
    return identifier(wire_name, "param", _NOT_PARAMETERS)



class OperationsMixin(BuilderBase):
    # ------------------------------------------------------------------ operations
    def operations(self) -> list[tuple[str, Operation, str]]:
        paths = self.doc.get("paths") or {}
        seen_ids: dict[str, str] = {}
        result: list[tuple[str, Operation, str]] = []
        for path, item in paths.items():
            item_pointer = "/paths/" + pointer_token(path)
            if not isinstance(item, dict):
                self.sink.error(item_pointer, "a path item must be an object")
                continue
            shared = item.get("parameters") or []
            for method in HTTP_METHODS:
                op = item.get(method)
                if op is None:
                    continue
                pointer = f"{item_pointer}/{method}"
                if not isinstance(op, dict):
                    self.sink.error(pointer, "an operation must be an object")
                    continue
                op_id = op.get("operationId")
                if not isinstance(op_id, str) or not op_id.strip():
                    op_id = identifier(f"{method}_{path}", "operation")
                if op_id in seen_ids:
                    self.sink.error(f"{pointer}/operationId",
                                    f"duplicate operationId {op_id!r} (also at {seen_ids[op_id]})")
                    continue
                seen_ids[op_id] = pointer
                tags = op.get("tags") or ["default"]
                tag = str(tags[0]) if isinstance(tags, list) and tags else "default"
                result.append((tag, self._operation(op_id, tag, method, str(path), op, shared, pointer), pointer))
        return result


    def _operation(self, op_id: str, tag: str, method: str, path: str, op: dict[str, Any],
                   shared: list[Any], pointer: str) -> Operation:
        tag_prefix = (snake_case(tag) or "default") + "_"
        snake_id = identifier(op_id, "operation")
        base = snake_id[len(tag_prefix):] if snake_id.startswith(tag_prefix) and len(snake_id) > len(tag_prefix) else snake_id
        method_name = identifier(base, "operation", _NOT_METHODS)
        params = self._parameters(op, shared, pointer)
        declared = {p.wire_name for p in params if p.location == "path"}
        for variable in _PATH_VARIABLE.findall(path):
            if variable not in declared:
                self.sink.error(pointer, f"the path variable {{{variable}}} has no 'in: path' parameter")
        taken = {p.py_name for p in params}
        raw_body = op.get("requestBody")
        if raw_body is not None and method.upper() not in BODY_METHODS:
            # the request would drop it (call_rules.BODY_METHODS): no parameter that does nothing
            self.sink.warning(f"{pointer}/requestBody", f"a {method.upper()} request carries no body; "
                                                        "the requestBody is ignored")
            raw_body = None
        form = self._form_parameters(raw_body, f"{pointer}/requestBody", taken)
        body = None
        if form is None:
            body = self._body(raw_body, f"{pointer}/requestBody", taken)
        else:
            params.extend(form[0])
        responses, response_type, kind, content_type = self._responses(op.get("responses") or {}, f"{pointer}/responses")
        accept = self._accept(responses)
        security = op.get("security", self.doc.get("security") or [])
        auth: list[str] = []
        for requirement in security if isinstance(security, list) else []:
            if isinstance(requirement, dict):
                for scheme in requirement:
                    if str(scheme) not in auth:
                        auth.append(str(scheme))
        return Operation(
            operation_id=op_id, method_name=method_name, http_method=method.upper(), path=path, pointer=pointer,
            summary=clean_text(op.get("summary"), 500), description=clean_text(op.get("description")),
            params=tuple(params), body=body, response_type=response_type, response_kind=kind,  # type: ignore[arg-type]
            response_content_type=content_type, accept=accept, responses=tuple(responses),
            auth=tuple(sorted(auth)), deprecated=bool(op.get("deprecated")),
            form_content_types=form[1] if form else (),
        )


    def _parameters(self, op: dict[str, Any], shared: list[Any], pointer: str) -> list[Parameter]:
        merged: dict[tuple[str, str], tuple[Any, str]] = {}
        for source, items in (("shared", shared), ("own", op.get("parameters") or [])):
            for index, raw in enumerate(items if isinstance(items, list) else []):
                param = self._deref(raw)
                where = f"{pointer}/parameters/{index}"
                if not isinstance(param, dict) or "name" not in param or "in" not in param:
                    self.sink.error(where, "a parameter needs 'name' and 'in'")
                    continue
                merged[(str(param["name"]), str(param["in"]))] = (param, where)
        result: list[Parameter] = []
        taken: set[str] = set()
        for (name, location), (param, where) in merged.items():
            if location not in ("path", "query", "header", "cookie"):
                self.sink.error(f"{where}/in", f"unsupported parameter location {location!r}")
                continue
            schema = param.get("schema") or {}
            type_ref = self.type_of(schema, f"{where}/schema")
            style = param.get("style")
            explode = param.get("explode", style in (None, "form"))
            result.append(Parameter(
                py_name=unique(parameter_name(name), taken),
                wire_name=name, location=location, type=type_ref,  # type: ignore[arg-type]
                required=bool(param.get("required")) or location == "path",
                description=clean_text(param.get("description")), deprecated=bool(param.get("deprecated")),
                explode=bool(explode), enum_values=self._inline_enum(schema) if isinstance(schema, dict) else (),
                default=schema.get("default") if isinstance(schema, dict) else None,
                has_default=isinstance(schema, dict) and "default" in schema,
                constraints=schema_constraints(schema),
            ))
        return result


    def _form_parameters(self, raw: Any, pointer: str,
                         taken: set[str]) -> tuple[list[Parameter], tuple[str, ...]] | None:
        """A body whose only media types are form types (multipart/form-data,
        x-www-form-urlencoded) and whose schema is an object becomes one "form" parameter per
        writable property, as openapi-generator makes them: cvat-sdk has
        `assets_api.create(guide_id, file)`, not `create(asset_write_request)`. Required
        properties are positional, in the schema's order, after the other parameters.
        Returns None for every other body (it stays one `body` parameter)."""
        body = self._deref(raw)
        content = body.get("content") if isinstance(body, dict) else None
        if not isinstance(content, dict) or not content:
            return None
        types = tuple(str(ct) for ct in content)
        if not all(is_form_media(ct) for ct in types):
            return None
        media = content[types[0]]
        schema = self._deref(media.get("schema")) if isinstance(media, dict) else None
        if not isinstance(schema, dict) or schema.get("type", "object") != "object" or \
                any(k in schema for k in ("oneOf", "anyOf", "additionalProperties")):
            return None
        ref_name = self._ref_name((media.get("schema") or {}).get("$ref"))
        owner = self.class_names.get(ref_name, "Body") if ref_name else "Body"
        where = f"{pointer}/content/{pointer_token(types[0])}/schema"
        props, required, _ = self._collect_properties(schema, where)
        params: list[Parameter] = []
        for name, prop, prop_pointer in props:
            prop = self._deref(prop)
            if not isinstance(prop, dict) or prop.get("readOnly"):
                continue
            params.append(Parameter(
                py_name=unique(parameter_name(str(name)), taken), wire_name=str(name), location="form",
                type=self.type_of(prop, prop_pointer, owner, str(name)), required=name in required,
                description=clean_text(prop.get("description")), deprecated=bool(prop.get("deprecated")),
                enum_values=self._inline_enum(prop),
            ))
        return params, types


    def _body(self, raw: Any, pointer: str, taken: set[str]) -> RequestBody | None:
        body = self._deref(raw)
        if body is None:
            return None
        if not isinstance(body, dict):
            self.sink.error(pointer, "requestBody must be an object")
            return None
        content = body.get("content") or {}
        if not isinstance(content, dict) or not content:
            return None
        content_types = tuple(str(ct) for ct in content)
        preferred = next((ct for ct in content_types if admits_json(ct)), content_types[0])
        media = content.get(preferred) or {}
        schema = media.get("schema") if isinstance(media, dict) else None
        schema = schema if isinstance(schema, dict) else {}
        ref_name = self._ref_name(schema.get("$ref"))
        if ref_name and ref_name in self.class_names:
            py_name = identifier(self.class_names[ref_name], "body", _NOT_PARAMETERS)
        elif schema.get("type") == "array" and isinstance(schema.get("items"), dict) and \
                self._ref_name(schema["items"].get("$ref")) in self.class_names:
            py_name = identifier(self.class_names[self._ref_name(schema["items"]["$ref"]) or ""], "body",
                                 _NOT_PARAMETERS)
        else:
            py_name = "body"
        type_ref = self.type_of(schema, f"{pointer}/content/{pointer_token(preferred)}/schema", "Body", "request")
        return RequestBody(py_name=unique(py_name, taken), type=type_ref, content_types=content_types,
                           required=bool(body.get("required")), description=clean_text(body.get("description")))


    @staticmethod
    def _accept(responses: list[Response]) -> tuple[str, ...]:
        """The Accept header. JSON only, when every successful body is JSON (the schema
        endpoint also offers YAML, which we would not decode). When a body is a file, every
        declared type and `*/*`: content negotiation must not answer 406 because a file's
        real type (a guessed image type, say) was not listed."""
        success = [r for r in responses if r.status.startswith("2") and r.kind != "none"]
        if success and all(r.kind == "json" for r in success):
            return tuple(sorted({r.content_type for r in success}))
        types = {ct for r in success for ct in r.content_types}
        return tuple(sorted(types | {"*/*"})) if types else ()


    def _responses(self, responses: Any, pointer: str) -> tuple[list[Response], TypeRef | None, str, str]:
        result: list[Response] = []
        chosen: tuple[TypeRef | None, str, str] | None = None
        if not isinstance(responses, dict):
            self.sink.error(pointer, "responses must be an object")
            return result, None, "none", ""
        for status in sorted(responses, key=str):
            response = self._deref(responses[status])
            if not isinstance(response, dict):
                continue
            content = response.get("content") or {}
            # several media types (the schema endpoint: YAML and JSON): JSON is what we decode
            media_types = [str(ct) for ct in content] if isinstance(content, dict) else []
            content_type = next((ct for ct in media_types if is_json_media(ct)),
                                media_types[0] if media_types else "")
            type_ref: TypeRef | None = None
            kind = "none"
            if content_type:
                media = content.get(content_type) or {}
                schema = media.get("schema") if isinstance(media, dict) else None
                is_binary = isinstance(schema, dict) and schema.get("format") == "binary"
                if admits_json(content_type) and not is_binary:
                    kind = "json"
                    type_ref = self.type_of(schema or {}, f"{pointer}/{status}/content", "Response", str(status))
                elif content_type.startswith("text/") and not is_binary:
                    kind, type_ref = "text", TypeRef("str")
                else:
                    kind, type_ref = "binary", TypeRef("binary")
            result.append(Response(str(status), clean_text(response.get("description"), 500), content_type, type_ref,
                                   kind, tuple(media_types), exception_for(str(status))))  # type: ignore[arg-type]
            if str(status).startswith("2") and (chosen is None or (chosen[1] == "none" and kind != "none")):
                chosen = (type_ref, kind, content_type)
        if chosen is None:
            return result, None, "none", ""
        return result, chosen[0], chosen[1], chosen[2]

