"""The Initializer side of per-file analysis: which files are Initializer's and their facts.

`analyze_file` is the dialect's `analyze`; it
returns None for a file that is not Initializer configuration (the generic contract rules
then apply), so a domain folder such as `configuration/locations/*.csv` never becomes the
contract's `**/locations.csv` namespace file.
"""

from __future__ import annotations

import posixpath

from bundle_ls.dialects.initializer.csvcheck import analyze_domain_csv
from bundle_ls.dialects.initializer.globalproperties import analyze_global_properties
from bundle_ls.dialects.initializer.jsonforms import analyze_ampath_json
from bundle_ls.dialects.initializer.layout import JSON_CHECKED, Layout, special_file
from bundle_ls.dialects.initializer.placeholders import (
    PLACEHOLDER,
    constants_from_properties,
    constants_from_yaml,
    find_placeholders,
)
from bundle_ls.dialects.initializer.spec import CONSTANT_NS, MODULE_NS, domains
from bundle_ls.documents.codes import MODULE_NOT_INSTALLED
from bundle_ls.documents.facts import (
    Document,
    FileFacts,
    FileRef,
    KeyDef,
    Reference,
)
from bundle_ls.documents.model import MAPPING, SCALAR, SEQUENCE, Diagnostic, Node
from bundle_ls.documents.positions import LineIndex
from bundle_ls.documents.yaml_doc import parse_yaml


def analyze_file(
    layout: Layout,
    path: str,
    text: str,
    lines: LineIndex,
    installed: frozenset[str] | None,
    where: str = "bundle-ls.yaml",
) -> tuple[Document, FileFacts]:
    """One file's facts. `installed`: the modules of an explicit list (None: unknown), which
    `where` names."""
    special = special_file(path)
    if special is not None:
        return _special(path, text, lines, special)
    loc = layout.locate(path)
    if loc is None:  # not claimed by this dialect: discovery never sends such a file
        return Document(path, "other", text, lines, None), FileFacts(path, _kind(path))
    low = path.lower()
    if loc.known:
        domain = domains()[loc.domain]
        if domain.format == "csv" and low.endswith(".csv"):
            doc, facts = analyze_domain_csv(path, text, lines, domain, loc)
            if installed is not None and domain.module and domain.module not in installed:
                rng = facts.namespaces.get(domain.namespace, (0, 0, 0, 0))
                facts.diagnostics.append(
                    _not_installed(path, rng, loc.domain, domain.module, where)
                )
            return doc, facts
        if loc.domain in JSON_CHECKED and low.endswith(".json"):
            return analyze_ampath_json(path, text, lines, loc.domain)
        if loc.domain == "globalproperties" and low.endswith(".xml"):
            return analyze_global_properties(path, text, lines)
        return Document(path, "other", text, lines, None), FileFacts(path, _kind(path))
    # a folder Initializer does not read
    if low.endswith((".yml", ".yaml")):
        return _other_yaml(path, text, lines, loc)
    return Document(path, "other", text, lines, None), FileFacts(path, _kind(path))


def _kind(path: str) -> str:
    low = path.lower()
    if low.endswith(".csv"):
        return "csv"
    if low.endswith((".yml", ".yaml")):
        return "yaml"
    return "other"


def _not_installed(path, rng, domain: str, module: str, where: str) -> Diagnostic:
    return MODULE_NOT_INSTALLED(
        path,
        rng,
        f"Initializer reads '{domain}' only when the '{module}' module is installed, and {where} "
        "does not list it; this folder will be skipped (if the module is installed, list it in "
        "`modules:` of bundle-ls.yaml)",
    )


# ---- constants, modules, dependencies ----------------------------------------------------


def _special(path, text, lines, special):
    kind = "yaml" if path.lower().endswith((".yml", ".yaml")) else "other"
    facts = FileFacts(path, kind)
    root = None
    if kind == "yaml":
        parsed = parse_yaml(text, lines)
        root = parsed.root
        facts.diagnostics.extend(parsed.diagnostics(path, lines))
    doc = Document(path, kind, text, lines, root)
    if special == "constants":
        consts = (
            constants_from_yaml(root) if kind == "yaml" else constants_from_properties(text, lines)
        )
        for c in consts:
            facts.keys.append(KeyDef(CONSTANT_NS, c.key, c.range, c.value))
    elif special == "modules":
        for n, line in enumerate(lines.lines):
            s = line.strip()
            if not s.startswith("omod."):
                continue
            key = s.split("=", 1)[0].strip()
            mid = key[len("omod.") :]
            if not mid or mid.endswith((".groupId", ".type", ".version", ".artifactId")):
                continue
            start = line.index("omod.") + len("omod.")
            rng = (n, lines.to_utf16(n, start), n, lines.to_utf16(n, start + len(mid)))
            facts.keys.append(KeyDef(MODULE_NS, mid, rng, None))
    elif special == "dependencies" and root is not None and root.kind == SEQUENCE:
        for item in root.items:
            if item.kind == MAPPING:
                art = item.get("artifactId")
                if art is not None and art.kind == SCALAR:
                    facts.keys.append(KeyDef("iniz:dependency", str(art.value), art.range, None))
    return doc, facts


# ---- YAML beside Initializer's folders (report descriptors) ------------------------------


def _other_yaml(path, text, lines, loc):
    facts = FileFacts(path, "yaml")
    parsed = parse_yaml(text, lines)
    facts.diagnostics.extend(parsed.diagnostics(path, lines))
    root = parsed.root
    doc = Document(path, "yaml", text, lines, root)
    if root is None:
        return doc, facts
    _placeholders_in(root, facts, lines, 0)
    if loc.domain == "reports" and root.kind == MAPPING:
        datasets = root.get("datasets")
        if datasets is not None and datasets.kind == SEQUENCE:
            folder = posixpath.dirname(path)
            for ds in datasets.items:
                if ds.kind != MAPPING:
                    continue
                cfg = ds.get("config")
                if cfg is not None and cfg.kind == SCALAR and isinstance(cfg.value, str):
                    if "${" in cfg.value:
                        continue
                    target = posixpath.normpath(posixpath.join(folder, cfg.value))
                    facts.file_refs.append(FileRef(target, cfg.range))
    return doc, facts


def _placeholders_in(node: Node, facts: FileFacts, lines: LineIndex, depth: int) -> None:
    if depth > 100:
        return
    if node.kind == SCALAR:
        v = node.value
        if isinstance(v, str) and "${" in v:
            line = node.range[0]
            # a plain one-line scalar maps onto the source; otherwise point at the value
            src = lines.line(line)
            start = lines.from_utf16(line, node.range[1])
            if node.quoted:
                start += 1
            if node.range[0] == node.range[2] and src[start : start + len(v)] == v:
                for ph in find_placeholders(v, line, start, lines):
                    facts.refs.append(Reference((CONSTANT_NS,), ph.key, ph.key_range))
            else:
                for m in PLACEHOLDER.finditer(v):
                    facts.refs.append(Reference((CONSTANT_NS,), m.group(1), node.range))
        return
    for item in node.items or ():
        if isinstance(item, tuple):
            _placeholders_in(item[1], facts, lines, depth + 1)
        else:
            _placeholders_in(item, facts, lines, depth + 1)
