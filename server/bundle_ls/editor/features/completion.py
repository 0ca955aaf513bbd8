"""Completion in YAML and CSV config files, from the text around the cursor.

Namespaces at the top level; property names not yet present (required first, the
schema's description as documentation); enum and boolean values; the keys of the
referenced namespace for an `x-ref` value (from every file); file paths for `x-file`;
CSV header names and cell values by column. Every item replaces the word at the cursor.
"""

from __future__ import annotations

import json
import os
import re
from bisect import bisect_left, bisect_right
from itertools import accumulate

from bundle_ls.dialects.module_schemas import schema_nav as nav
from bundle_ls.dialects.module_schemas.schemas import SchemaSet
from bundle_ls.documents.model import plain
from bundle_ls.documents.positions import LineIndex
from bundle_ls.documents.results import COLUMN, ENUM, FILE, NAMESPACE, PROPERTY, VALUE, Completion
from bundle_ls.documents.results import KEY as KEY_KIND
from bundle_ls.documents.text_context import KEY, csv_context, yaml_context
from bundle_ls.editor.features import placeholders

MAX_FILES = 2000
# A namespace with more keys than this gets the keys that match the word typed so far,
# this many at most (clangd's default limit too), and the list is marked incomplete: the
# editor asks again as the word grows. Sending 100,000 keys per keystroke takes too long.
MAX_KEYS = 100

_PLAIN_OK = re.compile(r"^[A-Za-z0-9_./()][^:#]*$")
_RESERVED = frozenset(
    ("true", "false", "null", "~", "yes", "no", "on", "off", "True", "False", "Null", "NULL")
)


class Completions(list):
    """Completion items; `incomplete` when more would match than were sent."""

    incomplete = False


def complete(ws, rel: str, line: int, character: int) -> Completions:
    lines = ws.lines(rel)
    if lines is None:
        return Completions()
    if line >= len(lines):
        lines = [*lines, *([""] * (line - len(lines) + 1))]
    constants = placeholders.complete(ws, rel, line, character)
    if constants is not None:
        return Completions(constants)
    li = _LineConv(lines)
    col = li.from_utf16(line, character)
    if rel.lower().endswith(".csv"):
        items = _complete_csv(ws, rel, lines, line, col, li)
    else:
        items = _complete_yaml(ws, rel, lines, line, col, li)
    return items if isinstance(items, Completions) else Completions(items)


class _LineConv:
    def __init__(self, lines: list[str]) -> None:
        self._li = LineIndex.__new__(LineIndex)
        self._li.lines = lines
        self._li._ascii = None

    def from_utf16(self, line: int, c: int) -> int:
        return self._li.from_utf16(line, c)

    def rng(self, line: int, c0: int, c1: int):
        return (line, self._li.to_utf16(line, c0), line, self._li.to_utf16(line, c1))


# ---- YAML --------------------------------------------------------------------------------


def _complete_yaml(ws, rel, lines, line, col, li) -> list[Completion]:
    top, item = ws.context_hints(rel)
    ctx = yaml_context(lines, line, col, top, item)
    if ctx is None:
        return []
    schemas: SchemaSet = ws.schemas
    rng = li.rng(line, ctx.start, ctx.end)
    if ctx.mode == KEY and not ctx.path:
        if ctx.dash_item:
            return []
        return _namespaces(ws, rel, rng, ctx.has_colon)
    if ctx.mode == KEY:
        schema, ns = nav.schema_at(schemas, ctx.path)
        if schema is None:
            return []
        if nav.is_object(schema) or (
            not ctx.dash_item and nav.properties(schemas, schema, ns.module.uri)
        ):
            return _properties(schemas, schema, ns.module.uri, ctx, rng)
        if not ctx.dash_item and nav.is_array(schema):
            # a new line in a list of objects: start an item with its key property
            item = nav.scalar_schema(schemas, schema, ns.module.uri)
            if item is not None and nav.is_object(item):
                return _new_item(schemas, item, ns.module.uri, rng)
        # a bare scalar where a value belongs (an item of a list of scalars, or text under
        # a key whose value is on the next line)
        return _values(ws, schema, ns.module.uri, ctx.word, rng, ctx.quote, set(), False)
    schema, ns = nav.schema_at(schemas, ctx.path)
    if schema is None:
        return []
    base = ns.module.uri
    exclude: set[str] = set()
    # a list written after `key: ` with no `[` yet: offer each item as a one-item list
    bracket = not ctx.in_flow and not ctx.quote and nav.is_array(schema)
    if ctx.in_flow or (nav.is_array(schema) and not schema.get("x-ref")):
        exclude = set(ctx.flow_items)
        schema = nav.scalar_schema(schemas, schema, base)
        if schema is None:
            return []
    items = _values(ws, schema, base, ctx.word, rng, ctx.quote, exclude, ctx.in_flow)
    if bracket:
        for it in items:
            it.new_text = f"[{it.new_text}]"
    if ctx.after_colon:
        for it in items:
            it.new_text = " " + it.new_text
    return items


def _namespaces(ws, rel, rng, has_colon) -> list[Completion]:
    out = []
    for name, ns in sorted(ws.schemas.namespaces.items()):
        doc = nav.describe(ns.schema, ns.schema.get("title"))
        suffix = "" if has_colon else ":"
        out.append(
            Completion(
                name,
                NAMESPACE,
                rng,
                name + suffix,
                detail=f"module {ns.module.id}" + (" (list)" if ns.is_array else ""),
                documentation=doc or None,
            )
        )
    return out


def _properties(schemas, schema, base, ctx, rng) -> list[Completion]:
    props = nav.properties(schemas, schema, base)
    req = nav.required(schemas, schema, base)
    out = []
    for name, sub in props.items():
        if name in ctx.siblings:
            continue
        is_req = name in req
        if ctx.has_colon or ctx.quote:
            text = name
        else:
            text = f"{name}:" if (nav.is_object(sub) or nav.is_array(sub)) else f"{name}: "
        t = nav.type_names(sub)
        detail = " ".join(x for x in ((t or ""), "(required)" if is_req else "") if x)
        out.append(
            Completion(
                name,
                PROPERTY,
                rng,
                text,
                detail=detail or None,
                documentation=nav.describe(sub) or None,
                sort_text=("0" if is_req else "1") + name,
            )
        )
    return out


def _new_item(schemas, item: dict, base: str, rng) -> list[Completion]:
    """`- <first required property>: ` to start an item of a list of objects."""
    props = nav.properties(schemas, item, base)
    req = [r for r in nav.required(schemas, item, base) if r in props]
    key = next((n for n, sub in props.items() if sub.get("x-key")), None)
    first = key or (req[0] if req else next(iter(props), None))
    if first is None:
        return []
    return [
        Completion(
            f"- {first}",
            PROPERTY,
            rng,
            f"- {first}: ",
            detail="new item",
            documentation=nav.describe(props[first]) or None,
        )
    ]


def yaml_scalar(text: str) -> str:
    """`text` as a YAML plain scalar when that reads back as the same string, else quoted."""
    if (
        text
        and _PLAIN_OK.match(text)
        and text == text.strip()
        and text not in _RESERVED
        and not re.match(r"^[-+]?(\d|\.\d)", text)
        and ": " not in text
        and " #" not in text
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def _values(ws, schema, base, word, rng, quote, exclude, in_flow, csv=False) -> list[Completion]:
    schemas: SchemaSet = ws.schemas
    schema = schemas.resolve(schema, base)
    out = Completions()

    def add(label, kind, detail=None, doc=None, sort=None):
        if label in exclude:
            return
        text = label if quote or csv else yaml_scalar(label)
        out.append(Completion(label, kind, rng, text, detail, doc, sort))

    alts = [schema]
    for kw in ("oneOf", "anyOf"):
        if isinstance(schema.get(kw), list):
            alts += [schemas.resolve(a, base) for a in schema[kw] if isinstance(a, dict)]
    seen: set[str] = set()
    for alt in alts:
        for v in alt.get("enum") or ():
            label = plain(v)
            if label not in seen:
                seen.add(label)
                add(label, ENUM, "enum value", None, "0" + label)
        if "const" in alt:
            label = plain(alt["const"])
            if label not in seen:
                seen.add(label)
                add(label, ENUM)
        t = alt.get("type")
        types = t if isinstance(t, list) else [t]
        if "boolean" in types:
            for label in ("true", "false"):
                if label not in seen:
                    seen.add(label)
                    out.append(Completion(label, VALUE, rng, label, "boolean", None, "0" + label))
        if "default" in alt and plain(alt["default"]) not in seen and not alt.get("x-ref"):
            label = plain(alt["default"])
            seen.add(label)
            add(label, VALUE, "default", None, "1" + label)
    targets = nav.xref_targets(schema)
    if targets:
        for ns_name in targets:
            keys, more = matching_keys(ws.index, ns_name, word)
            out.incomplete = out.incomplete or more
            for key in keys:
                if key in seen:
                    continue
                seen.add(key)
                path, kd = ws.index.keys_of(ns_name)[key][0]
                add(key, KEY_KIND, f"{ns_name} · {path}:{kd.range[0] + 1}", None, "0" + key)
    if schema.get("x-file") is True:
        for path in _files(ws.root, word):
            if path not in seen:
                seen.add(path)
                add(path, FILE, "file", None, "0" + path)
    return out


def matching_keys(index, namespace: str, word: str) -> tuple[list[str], bool]:
    """The keys of `namespace` to offer for `word`, and whether more would match. A small
    namespace gives every key (the editor filters); a large one the keys that start with
    the word, then those that contain it, ignoring case, in order, MAX_KEYS at most."""
    keys = index.keys_of(namespace)
    if len(keys) <= MAX_KEYS:
        return list(keys), False
    low = word.strip().strip("'\"").lower()
    found = _KeySearch.of(index, namespace).find(low, MAX_KEYS + 1)
    return found[:MAX_KEYS], len(found) > MAX_KEYS


class _KeySearch:
    """A namespace's keys sorted without case, for prefix (bisect) and substring (one
    search through all keys joined) look-ups; kept on the index and brought up to date
    from its key log when keys come and go."""

    def __init__(self, keys) -> None:
        pairs = sorted((k.lower(), k) for k in keys)
        self.lowered = [p[0] for p in pairs]
        self.keys = [p[1] for p in pairs]
        self._blob: tuple[str, list[int]] | None = None

    @classmethod
    def of(cls, index, namespace: str) -> _KeySearch:
        cache = index.derived.setdefault("key-search", {})
        got = cache.get(namespace)
        changes = None if got is None else index.key_changes_since(namespace, got[0])
        if changes is None or sum(len(a) + len(r) for a, r in changes) > 1000:
            search = cls(index.keys_of(namespace))
        else:
            search = got[1]
            defined = index.keys_of(namespace)
            for added, removed in reversed(changes):  # oldest first
                for key in removed:
                    if key not in defined:
                        search._remove(key)
                for key in added:
                    if key in defined:
                        search._add(key)
        cache[namespace] = (index.generation, search)
        return search

    def _find_exact(self, key: str) -> int:
        i = bisect_left(self.lowered, key.lower())
        while i < len(self.keys) and self.lowered[i] == key.lower():
            if self.keys[i] == key:
                return i
            i += 1
        return -1

    def _add(self, key: str) -> None:
        if self._find_exact(key) < 0:
            low = key.lower()
            pos = bisect_left(self.lowered, low)
            while pos < len(self.keys) and self.lowered[pos] == low and self.keys[pos] < key:
                pos += 1  # the order of sorted((lower, key)) pairs
            self.lowered.insert(pos, low)
            self.keys.insert(pos, key)
            self._blob = None

    def _remove(self, key: str) -> None:
        i = self._find_exact(key)
        if i >= 0:
            del self.lowered[i], self.keys[i]
            self._blob = None

    def _joined(self) -> tuple[str, list[int]]:
        """All keys joined by newlines, and where each starts (built when first needed)."""
        if self._blob is None:
            starts = [0, *accumulate(len(lk) + 1 for lk in self.lowered)]
            self._blob = ("\n".join(self.lowered), starts[:-1])
        return self._blob

    def find(self, low: str, limit: int) -> list[str]:
        lowered, keys = self.lowered, self.keys
        out: list[str] = []
        i = bisect_left(lowered, low)
        while i < len(lowered) and lowered[i].startswith(low) and len(out) < limit:
            out.append(keys[i])
            i += 1
        if len(out) >= limit or not low:
            return out
        blob, starts = self._joined()
        pos = blob.find(low)
        while pos >= 0 and len(out) < limit:
            j = bisect_right(starts, pos) - 1
            if not lowered[j].startswith(low):  # those came first
                out.append(keys[j])
            nxt = starts[j + 1] if j + 1 < len(starts) else len(blob)
            pos = blob.find(low, nxt)
        return out


def _files(root, word: str) -> list[str]:
    """Files under the Config Directory (hidden folders skipped), for `x-file` values."""
    out: list[str] = []
    root = os.fspath(root)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "node_modules")
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        prefix = "" if rel_dir == "." else rel_dir + "/"
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            out.append(prefix + name)
            if len(out) >= MAX_FILES:
                return out
    return out


# ---- CSV ---------------------------------------------------------------------------------


def _initializer():
    """Initializer's editor functions (its domain folders have their own columns)."""
    try:
        from bundle_ls.dialects.initializer import features
    except ImportError:  # pragma: no cover - the package ships with it
        return None
    return features


def _complete_initializer_csv(ws, rel, lines, line, col, li, iniz) -> list[Completion]:
    ctx = csv_context(lines, line, col, ",", ";")
    if ctx is None:
        return []
    rng = li.rng(line, ctx.start, ctx.end)
    if ctx.header:
        present = [n for i, n in enumerate(ctx.header_names) if i != ctx.column]
        found = iniz.header_candidates(rel, present, ws.index)
        kind = COLUMN
    else:
        if ctx.column_name is None:
            return []
        found = iniz.value_candidates(ws.index, rel, ctx.column_name)
        kind = VALUE
    out = Completions()
    if len(found) > MAX_KEYS:  # a large domain (concepts): what matches the word typed
        low = ctx.word.strip().lower()
        starts = [c for c in found if c.label.lower().startswith(low)]
        found = starts + [
            c for c in found if low in c.label.lower() and not c.label.lower().startswith(low)
        ]
        out.incomplete = len(found) > MAX_KEYS
        found = found[:MAX_KEYS]
    for i, c in enumerate(found):
        if c.label in ctx.cell_parts and c.label != ctx.word:
            continue
        text = c.label
        if not ctx.quote and any(ch in text for ch in (",", '"')):
            text = '"' + text.replace('"', '""') + '"'
        out.append(
            Completion(
                c.label,
                kind,
                rng,
                text,
                detail=("required · " if c.required else "") + c.detail
                if c.detail or c.required
                else None,
                documentation=c.documentation or None,
                sort_text=f"{i:05d}",
            )
        )
    return out


def _complete_csv(ws, rel, lines, line, col, li) -> list[Completion]:
    iniz = _initializer()
    if iniz is not None and iniz.domain_of(rel) is not None:
        return _complete_initializer_csv(ws, rel, lines, line, col, li, iniz)
    ns = ws.schemas.namespace_for_csv(rel)
    if ns is None or ns.item_schema is None:
        return []
    ctx = csv_context(lines, line, col, ",", ns.separator)
    if ctx is None:
        return []
    schemas = ws.schemas
    base = ns.module.uri
    rng = li.rng(line, ctx.start, ctx.end)
    props = nav.properties(schemas, ns.item_schema, base)
    if ctx.header:
        req = nav.required(schemas, ns.item_schema, base)
        present = {n for i, n in enumerate(ctx.header_names) if i != ctx.column}
        out = []
        for name, sub in props.items():
            if name in present:
                continue
            is_req = name in req
            out.append(
                Completion(
                    name,
                    COLUMN,
                    rng,
                    name,
                    detail=" ".join(
                        x for x in (nav.type_names(sub) or "", "(required)" if is_req else "") if x
                    )
                    or None,
                    documentation=nav.describe(sub) or None,
                    sort_text=("0" if is_req else "1") + name,
                )
            )
        return out
    if ctx.column_name is None:
        return []
    sub = props.get(ctx.column_name)
    if sub is None:
        return []
    exclude: set[str] = set()
    if nav.is_array(sub) and not sub.get("x-ref"):
        exclude = {p for p in ctx.cell_parts if p and p != ctx.word}
        sub = nav.scalar_schema(schemas, sub, base)
        if sub is None:
            return []
    items = _values(ws, sub, base, ctx.word, rng, ctx.quote, exclude, False, csv=True)
    if not ctx.quote:
        for it in items:
            if any(ch in it.new_text for ch in (",", '"', "\n")):
                it.new_text = '"' + it.new_text.replace('"', '""') + '"'
    return items
