"""Module schemas: loading, the x- vocabulary, and "what is allowed at this path".

A module schema is a JSON Schema (2020-12) whose top-level `properties` are the namespaces
the module owns. Schemas are read from the built-in folder and any extra folders; nothing
is ever fetched: a `$ref` must point inside the loaded schema set.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from bundle_ls.dialects.base import DialectError, builtin_schema_dir
from bundle_ls.dialects.module_schemas.bounded import PatternError, check_pattern, linear_validator
from bundle_ls.dialects.module_schemas.fastvalid import PrefilteredValidator, build_fast
from bundle_ls.documents.disk import read_file
from bundle_ls.documents.paths import glob_match
from bundle_ls.documents.yaml_doc import load_plain

if TYPE_CHECKING:
    from jsonschema.exceptions import SchemaError
    from referencing import Registry

SCHEMA_SUFFIXES = (".schema.yaml", ".schema.yml", ".schema.json")
_URN = "urn:bundle-ls:module:"


# One tuple per x-ref, shared by its hundreds of thousands of references.
_TARGETS: dict[tuple[str, ...], tuple[str, ...]] = {}


class WalkPlan:
    """A resolved schema as the walk uses it: what a scalar of it is (references, a file
    path, an embedded language) and, for a mapping or list, the plans of its children."""

    __slots__ = ("schema", "targets", "file", "expression", "props", "extra", "items", "_embeds")

    def __init__(self, schema: dict) -> None:
        self.schema = schema
        xref = schema.get("x-ref")
        targets = ((xref,) if isinstance(xref, str) else tuple(xref)) if xref else ()
        self.targets = _TARGETS.setdefault(targets, targets)
        self.file = schema.get("x-file") is True
        self.expression = "x-expression" in schema
        # property → (its x-key or None, its plan or None)
        self.props: dict[str, tuple[Any, WalkPlan | None]] = {}
        self.extra: tuple[Any, WalkPlan | None] | None = None
        self.items: WalkPlan | None = None
        self._embeds: bool | None = None

    def reaches_expression(self) -> bool:
        """Whether a value of an embedded language (`x-expression`) is anywhere below this
        plan (worked out once: every item of a namespace asks)."""
        if self._embeds is None:
            seen: set[int] = set()
            todo: list[WalkPlan] = [self]
            found = False
            while todo and not found:
                p = todo.pop()
                if id(p) in seen:
                    continue
                seen.add(id(p))
                found = p.expression
                for step in (*p.props.values(), p.extra):
                    if step is not None and step[1] is not None:
                        todo.append(step[1])
                if p.items is not None:
                    todo.append(p.items)
            self._embeds = found
        return self._embeds

    def property(self, name: str) -> tuple[Any, WalkPlan | None] | None:
        step = self.props.get(name)
        return step if step is not None else self.extra

    def prepare(self, schemas: SchemaSet, base: str, depth: int) -> bool:
        """Plan the children; whether anything of this schema is collected at all."""
        schema = self.schema
        for name, sub in (schema.get("properties") or {}).items():
            step = self._step(schemas, sub, base, depth)
            if step is not None:
                self.props[name] = step
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            self.extra = self._step(schemas, extra, base, depth)
        items = schema.get("items")
        if not isinstance(items, dict) and self.targets:
            items = {"type": "string", "x-ref": schema["x-ref"]}  # a list of references
        if isinstance(items, dict):
            self.items = schemas.walk_plan(items, base, depth + 1)
        return bool(
            self.targets or self.file or self.expression or self.props or self.extra or self.items
        )

    @staticmethod
    def _step(schemas: SchemaSet, sub: Any, base: str, depth: int):
        if not isinstance(sub, dict):
            return None
        resolved = schemas.resolve(sub, base)
        xkey = resolved.get("x-key") or None  # the mapping holding it collects the key
        plan = schemas.walk_plan(resolved, base, depth + 1)
        return None if xkey is None and plan is None else (xkey, plan)


class InvalidSchema(DialectError):
    """A module schema or the schema set cannot be used; the message names the file."""


@dataclass(slots=True)
class Module:
    id: str
    path: Path
    document: dict
    uri: str


@dataclass(slots=True)
class Namespace:
    name: str
    module: Module
    schema: dict  # the namespace's schema, `$ref`s resolved at the top
    item_schema: dict | None  # for an array namespace: its items, resolved
    files: list[str]
    separator: str
    uri: str  # where the namespace's schema lives, for validation
    columns: dict[str, object] = field(default_factory=dict)  # CSV property kinds
    item_uri: str | None = None  # where an item's schema lives (None: items may be anything)

    @property
    def is_array(self) -> bool:
        return self.item_schema is not None


# Formats of the 2020-12 metaschema jsonschema checks only when a library for them is
# installed; with one of them checked, jsonschema-rs's answer is not the same question.
_URI_FORMATS = frozenset(("uri", "uri-reference", "iri", "iri-reference", "uri-template"))
# The libraries jsonschema checks those formats with (jsonschema/_format.py).
_URI_FORMAT_LIBRARIES = ("rfc3987", "rfc3986_validator", "rfc3987_syntax", "uri_template")


@lru_cache(maxsize=1)
def uri_formats_checked() -> bool:
    """Whether jsonschema checks a format of `_URI_FORMATS` here, asked of the installed
    libraries rather than of jsonschema, which a valid schema then never imports."""
    return any(find_spec(name) is not None for name in _URI_FORMAT_LIBRARIES)


def check_schema(doc: dict) -> None:
    """`Draft202012Validator.check_schema` (raises SchemaError), with jsonschema-rs's
    metaschema check in front: ten times faster on a valid schema, which is every run's
    case; any doubt goes to jsonschema. Then every pattern must compile in the linear-time
    engine that matches it (`bad_pattern`)."""
    if uri_formats_checked() or not jsonschema_rs.meta.is_valid(doc):
        from jsonschema import Draft202012Validator

        Draft202012Validator.check_schema(doc)
    bad = bad_pattern(doc)
    if bad is not None:
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import SchemaError

        Draft202012Validator.check_schema(doc)  # not a regular expression at all: its message
        raise SchemaError(bad[0], path=bad[1])


def schema_error(doc: dict) -> SchemaError | None:
    """What `check_schema` raises, or None for a valid schema."""
    try:
        check_schema(doc)
    except Exception as exc:
        from jsonschema.exceptions import SchemaError

        if isinstance(exc, SchemaError):
            return exc
        raise
    return None


# Keywords whose values are data, not schemas: a `pattern` key in them is not a pattern.
_DATA_KEYWORDS = frozenset(("default", "enum", "const", "examples"))


def bad_pattern(node: Any, where: tuple = ()) -> tuple[str, list] | None:
    """The first `pattern` or `patternProperties` that does not compile in the linear-time
    engine (bounded.py: never handed to Python's backtracking `re`): why, and where."""
    if isinstance(node, dict):
        for k, v in node.items():
            found = [v] if k == "pattern" and isinstance(v, str) else []
            found += list(v) if k == "patternProperties" and isinstance(v, dict) else []
            for pattern in found:
                try:
                    check_pattern(pattern)
                except PatternError as exc:
                    return str(exc), [*where, k]
            if k not in _DATA_KEYWORDS and (bad := bad_pattern(v, (*where, k))) is not None:
                return bad
    elif isinstance(node, list):
        for i, x in enumerate(node):
            if (bad := bad_pattern(x, (*where, i))) is not None:
                return bad
    return None


def _load_document(path: Path, shipped: bool = False) -> Any:
    """A schema document's plain value. The package's own schemas are read by the document
    parser (several times faster; tests/speed/test_schema_check.py holds it to the same
    values); a repository's, by ruamel's safe loader."""
    text = read_file(path).decode("utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    if shipped:
        return load_plain(text)
    from ruamel.yaml import YAML  # only for a repository's own YAML schemas

    yaml = YAML(typ="safe")  # C loader, plain data only: no tags are constructed
    return yaml.load(text)


def _refuse_fetch(uri: str):
    from referencing.exceptions import NoSuchResource

    raise NoSuchResource(ref=uri)


class SchemaSet:
    """`languages`: the embedded languages `x-expression` may name (None: any name)."""

    def __init__(self, modules: list[Module], languages: frozenset[str] | None = None) -> None:
        self.modules = {m.id: m for m in modules}
        self.languages = languages
        self.namespaces: dict[str, Namespace] = {}
        self._resolved: dict[tuple[int, str], tuple[dict, dict]] = {}
        self._plans: dict[tuple[int, str], tuple[dict, WalkPlan | None]] = {}
        self._by_uri: dict[str, dict] = {}
        for m in modules:
            self._by_uri[m.uri] = m.document
            if isinstance(m.document.get("$id"), str):
                self._by_uri[m.document["$id"].rstrip("#")] = m.document
        owners: dict[str, Module] = {}
        for m in modules:
            for ns, sub in (m.document.get("properties") or {}).items():
                if ns in owners:
                    raise InvalidSchema(
                        f"{m.path}: namespace '{ns}' is already declared by module "
                        f"'{owners[ns].id}' ({owners[ns].path})"
                    )
                owners[ns] = m
                self.namespaces[ns] = self._namespace(m, ns, sub)
        self._validators: dict[str, PrefilteredValidator] = {}
        for m in modules:
            self._check_vocabulary(m)

    @cached_property
    def registry(self) -> Registry:
        """The schemas for jsonschema's `$ref`s (made with the first Python validator)."""
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        resources = [
            (m.uri, Resource.from_contents(m.document, DRAFT202012)) for m in self.modules.values()
        ]
        return Registry(retrieve=_refuse_fetch).with_resources(resources)

    # ---- loading -------------------------------------------------------------------------

    @classmethod
    def load(cls, folders: list[Path], languages: frozenset[str] | None = None) -> SchemaSet:
        modules: list[Module] = []
        seen: set[Path] = set()
        builtin = builtin_schema_dir().resolve()
        for folder in folders:
            if not folder.is_dir():
                raise InvalidSchema(f"{folder}: schema folder does not exist")
            shipped = folder.resolve() == builtin
            for path in sorted(folder.iterdir()):
                if not path.name.endswith(SCHEMA_SUFFIXES) or path.resolve() in seen:
                    continue
                seen.add(path.resolve())
                modules.append(cls._load_module(path, shipped))
        ids: dict[str, Path] = {}
        for m in modules:
            if m.id in ids:
                raise InvalidSchema(f"{m.path}: module '{m.id}' is already defined in {ids[m.id]}")
            ids[m.id] = m.path
        return cls(modules, languages)

    @staticmethod
    def _load_module(path: Path, shipped: bool = False) -> Module:
        try:
            doc = _load_document(path, shipped)
        except Exception as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InvalidSchema(f"{path}: not readable as YAML/JSON: {reason}") from None
        if not isinstance(doc, dict):
            raise InvalidSchema(f"{path}: a module schema must be a mapping")
        exc = schema_error(doc)
        if exc is not None:
            where = "/".join(str(p) for p in exc.path)
            raise InvalidSchema(
                f"{path}: not a valid JSON Schema: {exc.message}"
                + (f" (at {where})" if where else "")
            ) from None
        name = path.name
        for suffix in SCHEMA_SUFFIXES:
            if name.endswith(suffix):
                name = name[: -len(suffix)]
        mid = doc.get("x-module", name)
        if not isinstance(mid, str) or not mid:
            raise InvalidSchema(f"{path}: x-module must be a non-empty string")
        uri = _URN + mid
        return Module(mid, path, doc, uri)

    def _namespace(self, m: Module, ns: str, sub: Any) -> Namespace:
        if not isinstance(sub, dict):
            sub = {}
        resolved = self.resolve(sub, m.uri)
        item = None
        items = resolved.get("items")
        if resolved.get("type") == "array" or isinstance(items, dict):
            item = self.resolve(items, m.uri) if isinstance(items, dict) else {}
        files = sub.get("x-files", [f"**/{ns}.csv"])
        if isinstance(files, str):
            files = [files]
        sep = sub.get("x-csv-separator", ";")
        namespace = Namespace(
            ns, m, resolved, item, list(files), sep, f"{m.uri}#/properties/{_escape(ns)}"
        )
        if item is not None:
            namespace.item_uri = self._items_uri(sub, namespace.uri, m.uri)
            namespace.columns = {
                name: self.column_kind(p, m.uri)
                for name, p in (item.get("properties") or {}).items()
                if isinstance(p, dict)
            }
        return namespace

    def _items_uri(self, schema: dict, uri: str, doc_uri: str) -> str | None:
        """The URI of `items` of the array schema at `uri`, through its `$ref`s."""
        for _ in range(64):  # a `$ref` loop ends here
            if "items" in schema:
                return uri + "/items"
            ref = schema.get("$ref")
            found = self.lookup(ref, doc_uri) if isinstance(ref, str) else None
            if found is None or not isinstance(found[0], dict):
                return None
            schema, doc_uri = found
            uri = doc_uri + "#" + ref.partition("#")[2]
        return None

    # ---- $ref resolution inside the set -------------------------------------------------

    def lookup(self, ref: str, base: str) -> tuple[dict, str] | None:
        """The schema a `$ref` names, and the URI of the document it lives in."""
        if ref.startswith("#"):
            doc_uri, pointer = base, ref[1:]
        else:
            doc_uri, _, pointer = ref.partition("#")
        doc = self._by_uri.get(doc_uri)
        if doc is None:
            return None
        node: Any = doc
        for part in [p for p in pointer.split("/") if p]:
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        if not isinstance(node, dict):
            return None
        return node, (self._module_uri(doc) or doc_uri)

    def _module_uri(self, doc: dict) -> str | None:
        for m in self.modules.values():
            if m.document is doc:
                return m.uri
        return None

    def resolve(self, schema: Any, base: str) -> dict:
        """`schema` with `$ref`s followed and `allOf` parts merged, for walking (not validation).

        Merged results are kept per schema object: the walk asks for the same ones once per
        value of every config object. The entry holds the schema itself, so its id cannot
        be reused by another object while the entry lives."""
        if not isinstance(schema, dict):
            return {}
        if "$ref" not in schema and "allOf" not in schema:
            return schema
        key = (id(schema), base)
        hit = self._resolved.get(key)
        if hit is not None and hit[0] is schema:
            return hit[1]
        merged = self._resolve(schema, base)
        self._resolved[key] = (schema, merged)
        return merged

    def _resolve(self, schema: dict, base: str) -> dict:
        seen = 0
        while "$ref" in schema and seen < 32:
            seen += 1
            found = self.lookup(schema["$ref"], base)
            if found is None:
                break
            target, base = found
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            merged = {**target, **rest}
            # Keywords beside a `$ref` add to the target (2020-12); properties combine.
            if isinstance(target.get("properties"), dict) and isinstance(
                rest.get("properties"), dict
            ):
                merged["properties"] = {**target["properties"], **rest["properties"]}
            schema = merged
        if "allOf" in schema and isinstance(schema["allOf"], list):
            merged = {k: v for k, v in schema.items() if k != "allOf"}
            props = dict(merged.get("properties") or {})
            for part in schema["allOf"]:
                part = self.resolve(part, base)
                props.update(part.get("properties") or {})
                for k, v in part.items():
                    merged.setdefault(k, v)
            if props:
                merged["properties"] = props
            schema = merged
        return schema

    def walk_plan(self, schema: dict, base: str, depth: int = 0) -> WalkPlan | None:
        """How `analysis.walk` follows a value of this schema (kept per schema object), or
        None when nothing below it is collected: no key, reference, file path or embedded
        language (most of a config object), so the walk skips it."""
        key = (id(schema), base)
        hit = self._plans.get(key)
        if hit is not None and hit[0] is schema:
            return hit[1]
        plan = WalkPlan(self.resolve(schema, base))
        self._plans[key] = (schema, plan)  # a recursive schema finds itself while planned
        if depth > 50 or not plan.prepare(self, base, depth):
            self._plans[key] = (schema, None)
            return None
        return plan

    def column_kind(self, prop: dict, base: str) -> object:
        prop = self.resolve(prop, base)
        t = prop.get("type")
        if isinstance(t, list):
            t = next((x for x in t if x != "null"), "string")
        if t == "array":
            items = self.resolve(prop.get("items") or {}, base)
            it = items.get("type")
            if isinstance(it, list):
                it = next((x for x in it if x != "null"), "string")
            return ("array", it if it in ("number", "integer", "boolean") else "string")
        if t in ("number", "integer", "boolean"):
            return t
        return "string"

    # ---- vocabulary ----------------------------------------------------------------------

    def _check_vocabulary(self, m: Module) -> None:
        def visit(node: Any, where: str) -> None:
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and self.lookup(ref, m.uri) is None:
                    if re.match(r"^[a-z][a-z0-9+.-]*:", ref):
                        raise InvalidSchema(
                            f"{m.path}: $ref '{ref}' at {where or '/'} points outside the schema "
                            "set; schemas are never fetched from the network"
                        )
                    raise InvalidSchema(
                        f"{m.path}: $ref '{ref}' at {where or '/'} resolves to nothing"
                    )
                xref = node.get("x-ref")
                if xref is not None:
                    targets = [xref] if isinstance(xref, str) else xref
                    if not isinstance(targets, list) or not all(
                        isinstance(t, str) for t in targets
                    ):
                        raise InvalidSchema(
                            f"{m.path}: x-ref at {where} must be a namespace or a list"
                        )
                    for t in targets:
                        if t not in self.namespaces:
                            raise InvalidSchema(
                                f"{m.path}: x-ref at {where} names '{t}', which no module declares"
                            )
                xkey = node.get("x-key")
                if xkey is not None and not isinstance(xkey, (bool, str)):
                    raise InvalidSchema(
                        f"{m.path}: x-key at {where} must be true or a namespace name"
                    )
                if isinstance(xkey, str) and xkey not in self.namespaces:
                    raise InvalidSchema(
                        f"{m.path}: x-key at {where} names '{xkey}', which no module declares"
                    )
                if node.get("x-expression") is not None:
                    self._check_expression(m, node, where)
                for k, v in node.items():
                    if k not in ("enum", "const", "default", "examples"):
                        visit(v, f"{where}/{k}")
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    visit(v, f"{where}/{i}")

        visit(m.document, "")
        for ns, sub in (m.document.get("properties") or {}).items():
            if not isinstance(sub, dict):
                continue
            files = sub.get("x-files")
            if files is not None and not (
                isinstance(files, str)
                or (isinstance(files, list) and all(isinstance(f, str) for f in files))
            ):
                raise InvalidSchema(f"{m.path}: x-files of '{ns}' must be a list of globs")
            sep = sub.get("x-csv-separator")
            if sep is not None and (not isinstance(sep, str) or len(sep) != 1):
                raise InvalidSchema(f"{m.path}: x-csv-separator of '{ns}' must be one character")

    def _check_expression(self, m: Module, node: dict, where: str) -> None:
        """`x-expression: <language>`: an embedded language some dialect provides, on a
        property whose type admits a string."""
        name = node.get("x-expression")
        t = node.get("type")
        known = self.languages
        if (
            not isinstance(name, str)
            or (known is not None and name not in known)
            or "string" not in (t if isinstance(t, list) else [t])
        ):
            names = ", ".join(f"'{n}'" for n in sorted(known)) if known else "a language's name"
            raise InvalidSchema(
                f"{m.path}: x-expression at {where} must be {names}, on a property of type string"
            )

    # ---- validation ----------------------------------------------------------------------

    def validator(self, ns: str, item: bool) -> PrefilteredValidator:
        """Validator for a whole namespace value, or for one item of an array namespace."""
        key = f"{ns}#item" if item else ns
        v = self._validators.get(key)
        if v is None:
            namespace = self.namespaces[ns]
            uri = namespace.item_uri if item else namespace.uri
            if uri is None:  # an array namespace that says nothing of its items
                v = PrefilteredValidator(lambda: linear_validator()(True), None)
                self._validators[key] = v
                return v
            # A fast validity pre-check in front; the diagnostics still come from jsonschema.
            docs = [(m.uri, m.document) for m in self.modules.values()]
            v = PrefilteredValidator(
                lambda: linear_validator()({"$ref": uri}, registry=self.registry),
                build_fast(docs, uri),
            )
            self._validators[key] = v
        return v

    def namespace_for_csv(self, rel_path: str) -> Namespace | None:
        for ns in self.namespaces.values():
            for pattern in ns.files:
                if glob_match(pattern, rel_path):
                    return ns
        return None


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")
