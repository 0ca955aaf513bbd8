"""`globalproperties/*.xml`: `<config><globalProperties><globalProperty><property/><value/>`.

Initializer's GlobalPropertiesLoader reads every `<globalProperty>` and saves the property
with its value; a property set again (in the same file or another) silently takes the
value of the file loaded last. Each property is a key of namespace
`iniz:globalproperties`; `${…}` placeholders in values are references to constants.
"""

from __future__ import annotations

import re

from bundle_ls.dialects.initializer.placeholders import (
    PLACEHOLDER,
    find_placeholders,
    offset_position,
)
from bundle_ls.dialects.initializer.spec import CONSTANT_NS
from bundle_ls.documents.codes import XML_SYNTAX
from bundle_ls.documents.facts import Document, FileFacts, KeyDef, Reference
from bundle_ls.documents.positions import LineIndex

NS = "iniz:globalproperties"
_BLOCK = re.compile(r"<globalProperty\b[^>]*>(.*?)</globalProperty\s*>", re.S)
_PROP = re.compile(r"<property\b[^>]*>\s*([^<]*?)\s*</property\s*>", re.S)
_VALUE = re.compile(r"<value\b[^>]*>(.*?)</value\s*>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _pos(text: str, offset: int, lines: LineIndex) -> tuple[int, int]:
    return offset_position(text, offset, lines)


def analyze_global_properties(path: str, text: str, lines: LineIndex):
    import xml.etree.ElementTree as ET  # loaded when an XML file is read

    facts = FileFacts(path, "other")
    doc = Document(path, "other", text, lines, None)
    try:
        ET.fromstring(text)
    except ET.ParseError as exc:
        line, col_bytes = exc.position
        line -= 1
        src = lines.line(line).encode("utf-8")[:col_bytes].decode("utf-8", "ignore")
        c16 = lines.to_utf16(line, len(src))
        facts.diagnostics.append(
            XML_SYNTAX(
                path,
                (line, c16, line, c16),
                f"not well-formed XML ({exc.msg if hasattr(exc, 'msg') else exc}); Initializer "
                "cannot load these global properties",
            )
        )
        return doc, facts
    # comments out, with their length kept so offsets still match the text
    plain = _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    for block in _BLOCK.finditer(plain):
        inner_start = block.start(1)
        prop = _PROP.search(block.group(1))
        if prop is None or not prop.group(1):
            continue
        name = prop.group(1)
        s = inner_start + prop.start(1)
        sl, sc = _pos(text, s, lines)
        el, ec = _pos(text, s + len(name), lines)
        value = _VALUE.search(block.group(1))
        raw = value.group(1).strip() if value else None
        facts.keys.append(
            KeyDef(NS, name, (sl, sc, el, ec), {"id": "name", "line": sl, "value": raw})
        )
        if value is not None and "${" in value.group(1):
            vs = inner_start + value.start(1)
            for m in PLACEHOLDER.finditer(value.group(1)):
                line, col16 = _pos(text, vs + m.start(), lines)
                src_line = lines.line(line)
                col = lines.from_utf16(line, col16)
                hits = find_placeholders(m.group(0), line, col, lines) if src_line else []
                for ph in hits:
                    facts.refs.append(Reference((CONSTANT_NS,), ph.key, ph.key_range))
    return doc, facts
