"""O3 / AMPATH form definitions (`ampathforms/*.json`) and their translations.

Initializer's AmpathFormsLoader reads a form's `name`, `version`, `uuid` and `encounter`
(an encounter type **name**) and the form's `encounterType` uuid; the translations loader
reads `form` (a form name) and `uuid`. The form's name and uuid are its identifiers; its
`encounter` / `encounterType` and a translation's `form` are references.
"""

from __future__ import annotations

import json
import re

from bundle_ls.dialects.initializer.placeholders import offset_position
from bundle_ls.documents.codes import JSON_SYNTAX
from bundle_ls.documents.facts import Document, FileFacts, KeyDef, Reference
from bundle_ls.documents.model import Range
from bundle_ls.documents.positions import LineIndex

_KEYS = ("name", "uuid", "encounter", "encounterType", "form")


def _locate_values(text: str, lines: LineIndex) -> dict[str, tuple[str, Range]]:
    """The first occurrence of `"key": "value"` for the keys above, with the value's range
    (inside the quotes). Only plain strings without escapes are located."""
    out: dict[str, tuple[str, Range]] = {}
    for key in _KEYS:
        m = re.search(r'"' + key + r'"\s*:\s*"([^"\\\n]*)"', text)
        if m is None:
            continue
        line, c16 = offset_position(text, m.start(1), lines)
        _el, e16 = offset_position(text, m.end(1), lines)
        rng = (line, c16, line, e16)
        out[key] = (m.group(1), rng)
    return out


def analyze_ampath_json(path: str, text: str, lines: LineIndex, domain: str):
    facts = FileFacts(path, "other")
    doc = Document(path, "other", text, lines, None)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        line, c16 = offset_position(text, exc.pos, lines)
        end = min(c16 + 1, lines.to_utf16(line, len(lines.line(line))))
        facts.diagnostics.append(
            JSON_SYNTAX(
                path,
                (line, c16, line, max(end, c16)),
                f"not valid JSON: {exc.msg}; Initializer cannot load this {domain} file",
            )
        )
        return doc, facts
    if not isinstance(data, dict):
        return doc, facts
    found = _locate_values(text, lines)

    def top(key: str) -> tuple[str, Range] | None:
        v = data.get(key)
        hit = found.get(key)
        if isinstance(v, str) and v and hit is not None and hit[0] == v:
            return hit
        return None

    ns = "iniz:" + domain
    if domain == "ampathforms":
        for key in ("name", "uuid"):
            hit = top(key)
            if hit is not None:
                facts.keys.append(KeyDef(ns, hit[0], hit[1], {"id": key, "line": hit[1][0]}))
        enc = top("encounter")
        if enc is not None:
            facts.refs.append(Reference(("iniz:encountertypes",), enc[0], enc[1]))
        et = top("encounterType")
        if et is not None:
            facts.refs.append(Reference(("iniz:encountertypes",), et[0], et[1]))
    else:
        hit = top("uuid")
        if hit is not None:
            facts.keys.append(KeyDef(ns, hit[0], hit[1], {"id": "uuid", "line": hit[1][0]}))
        form = top("form")
        if form is not None:
            facts.refs.append(Reference(("iniz:ampathforms",), form[0], form[1]))
    return doc, facts
