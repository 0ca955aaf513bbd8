"""O3 / AMPATH form definitions (`ampathforms/*.json`) and their translations.

Initializer's AmpathFormsLoader reads a form's `name`, `version` and `encounter` (an
encounter type **name**); the form's uuid is derived from its name and version
(`Utils.generateUuidFromObjects(AMPATH_FORMS_UUID, name, version)`), a `uuid` key in the
JSON is never read. The translations loader finds the form by `form` (a name) and keeps
one translation resource per form and `language`; its `uuid` is never read either. So a
form is identified by name and version, a translation by form and language.
"""

from __future__ import annotations

import hashlib
import json
import re

from bundle_ls.dialects.initializer.placeholders import offset_position
from bundle_ls.documents.codes import JSON_SYNTAX
from bundle_ls.documents.facts import Document, FileFacts, KeyDef, Reference
from bundle_ls.documents.model import Range
from bundle_ls.documents.positions import LineIndex

_KEYS = ("name", "uuid", "encounter", "encounterType", "form", "language")
# InitializerConstants.AMPATH_FORMS_UUID, the seed of every AMPATH form's uuid
AMPATH_FORMS_UUID = "794c4598-ab82-47ca-8d18-483a8abe6f4f"


def ampath_form_uuid(name: str, version: str) -> str:
    """The uuid Initializer gives a form: Java's UUID.nameUUIDFromBytes (an MD5, version 3
    uuid) of `AMPATH_FORMS_UUID + "_" + name + "_" + version` (`getBytes()`, taken as UTF-8,
    the JVM's default on the servers that run OpenMRS)."""
    seed = f"{AMPATH_FORMS_UUID}_{name}_{version}".encode()
    import uuid as uuidlib  # it imports `platform`: loaded when a form is read

    return str(uuidlib.UUID(bytes=hashlib.md5(seed).digest(), version=3))


def _digest(data: object) -> str:
    """What a file sets, for comparing two definitions of one form or translation."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


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

    if domain == "ampathforms":
        _form(data, top, facts)
    else:
        _translation(data, top, facts)
    return doc, facts


def _form(data: dict, top, facts: FileFacts) -> None:
    ns = "iniz:ampathforms"
    name = top("name")
    if name is not None:
        facts.keys.append(KeyDef(ns, name[0], name[1], {"id": "name", "line": name[1][0]}))
        version = data.get("version")
        if isinstance(version, str):  # Initializer casts it: `(String) json.get("version")`
            row = {"id": "uuid", "line": name[1][0], "name": name[0]}
            row["content"] = (("json", _digest(data)),)
            facts.keys.append(KeyDef(ns, ampath_form_uuid(name[0], version), name[1], row))
    enc = top("encounter")
    if enc is not None:
        facts.refs.append(Reference(("iniz:encountertypes",), enc[0], enc[1]))
    et = top("encounterType")
    if et is not None:
        facts.refs.append(Reference(("iniz:encountertypes",), et[0], et[1]))


def _translation(data: dict, top, facts: FileFacts) -> None:
    form = top("form")
    if form is None:
        return
    facts.refs.append(Reference(("iniz:ampathforms",), form[0], form[1]))
    language = data.get("language")
    if isinstance(language, str) and language:
        row = {"id": "identity", "line": form[1][0], "content": (("json", _digest(data)),)}
        key = f"{form[0]} [{language}]"
        facts.keys.append(KeyDef("iniz:ampathformstranslations", key, form[1], row))
