"""The report model: one plain, JSON-able description of a checked directory.

Built from a `CheckResult` (the project index, the findings, the analysis context). What a
namespace holds, which bundle a file belongs to and which definition of an object wins are
asked of each file's dialect through `project/objects.py` and `project/effective.py`, so
this module names no dialect. See docs/report.md for the words (namespace, object, bundle).
"""

from __future__ import annotations

import math
import os
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from bundle_ls import __version__
from bundle_ls.batch.report.baseline import BaselineFinding, compare
from bundle_ls.documents.facts import FileFacts, content_of
from bundle_ls.project.effective import EffectiveValue, effective_values
from bundle_ls.project.objects import (
    FILE,
    TOP_LEVEL,
    ProjectObjects,
    Sources,
    bundle_label,
)

if TYPE_CHECKING:
    from bundle_ls.batch.runner import CheckResult
    from bundle_ls.documents.model import Diagnostic

MODEL_VERSION = 2

# Limits that keep a report of a large directory small and quick to open.
MAX_CONTEXTS = 5000  # findings beyond this many show no source lines
CONTEXT_LINES = 2  # source lines shown before and after a finding's line
LINE_WINDOW = 240  # characters of a long source line shown around the finding
MAX_TEXT = 300  # characters of one string value shown in the effective configuration
MAX_ITEMS = 40  # items of one list or mapping shown
MAX_DEPTH = 6
SEVERITIES = ("error", "warning", "information", "hint")


@dataclass(slots=True)
class ReportScope:
    """What a report covers: every namespace (the command), or one (the editor's view of
    one namespace's effective configuration, which opens on it)."""

    namespace: str | None = None
    title: str | None = None  # the page's title instead of the folder's name

    def keeps(self, namespace: str) -> bool:
        return self.namespace is None or namespace == self.namespace


@dataclass(slots=True)
class _Counts:
    """Objects per namespace and bundle, while the model is built."""

    ns_objects: Counter[str] = field(default_factory=Counter)
    ns_files: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    ns_bundles: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    listing: dict[str, list[list]] = field(default_factory=lambda: defaultdict(list))
    bundles: dict[str, dict[str, Any]] = field(default_factory=dict)


# ---- source lines around a finding -----------------------------------------------------------


def source_context(sources: Sources, path: str, line: int, character: int) -> dict | None:
    """A few source lines around `line` (0-based), long lines cut to a window around the
    finding's column."""
    lines = sources.lines(path)
    if lines is None or not (0 <= line < len(lines)):
        return None
    start = max(0, line - CONTEXT_LINES)
    end = min(len(lines), line + CONTEXT_LINES + 1)
    widest = max(len(lines[i]) for i in range(start, end))
    offset = 0
    if widest > LINE_WINDOW:
        offset = max(0, min(character - LINE_WINDOW // 3, len(lines[line]) - LINE_WINDOW))
    shown = []
    for i in range(start, end):
        text = lines[i]
        cut = text[offset : offset + LINE_WINDOW]
        if offset > 0 and text:
            cut = "…" + cut
        if len(text) > offset + LINE_WINDOW:
            cut += "…"
        shown.append(cut)
    return {"start": start, "lines": shown, "offset": offset}


# ---- values shown in the page ---------------------------------------------------------------


def clip(value: object, depth: int = 0) -> object:
    """A value cut to what a page shows: long strings, long lists and deep nesting shortened."""
    if isinstance(value, str):
        return value if len(value) <= MAX_TEXT else value[:MAX_TEXT] + "…"
    if depth >= MAX_DEPTH and isinstance(value, dict | list):
        return "…"
    if isinstance(value, dict):
        items = list(value.items())
        out = {str(k): clip(v, depth + 1) for k, v in items[:MAX_ITEMS]}
        if len(items) > MAX_ITEMS:
            out["…"] = f"{len(items) - MAX_ITEMS} more"
        return out
    if isinstance(value, list | tuple):
        out_list = [clip(v, depth + 1) for v in value[:MAX_ITEMS]]
        if len(value) > MAX_ITEMS:
            out_list.append(f"… {len(value) - MAX_ITEMS} more")
        return out_list
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # YAML's .nan and .inf: JSON has no such numbers
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


# ---- the reference graph ---------------------------------------------------------------------


def _ref_sources(objects: ProjectObjects, facts: FileFacts) -> list[str]:
    """The namespace each reference of a file is written in: the dialect's answer, else
    the namespace section holding it, else the file."""
    dialect = objects.dialect_of_file(facts.path)
    own = dialect.referring_namespaces(facts) if dialect is not None else None
    if own is not None:
        return own
    if facts.namespaces:
        starts = sorted((rng[0], ns) for ns, rng in facts.namespaces.items())
        lines = [s for s, _ in starts]
        return [starts[max(bisect_right(lines, r.range[0]) - 1, 0)][1] for r in facts.refs]
    return [FILE + facts.path] * len(facts.refs)


class _Defined:
    """Whether a key is defined, its name compared as the namespace's dialect compares it."""

    def __init__(self, objects: ProjectObjects) -> None:
        self.objects = objects
        self._folded: dict[str, set[str]] = {}

    def has(self, ns: str, key: str) -> bool:
        keys = self.objects.index.keys_of(ns)
        if key in keys:
            return True
        dialect = self.objects.ctx.dialect_of_namespace(ns)
        if dialect is None:
            return False
        got = self._folded.get(ns)
        if got is None:
            got = self._folded[ns] = {dialect.fold_key(k) for k in keys}
        return dialect.fold_key(key) in got


def _edges(objects: ProjectObjects, reported: set[tuple[str, tuple]]) -> list[dict[str, Any]]:
    """References between namespaces: resolved here, defined elsewhere (nothing reported),
    or unresolved (a finding at the reference)."""
    defined = _Defined(objects)
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for path, facts in objects.index.files.items():
        if not facts.refs:
            continue
        for src, ref in zip(_ref_sources(objects, facts), facts.refs, strict=True):
            target = next((ns for ns in ref.namespaces if defined.has(ns, ref.key)), None)
            if target is not None:
                state = "local"
            else:
                target = ref.namespaces[0]
                state = "unresolved" if (path, ref.range) in reported else "outside"
            c = counts[(src, target)]
            c["references"] += 1
            c[state] += 1
    return [
        {
            "source": s,
            "target": t,
            **{k: c[k] for k in ("references", "local", "outside", "unresolved")},
        }
        for (s, t), c in sorted(counts.items())
    ]


# ---- the whole model --------------------------------------------------------------------------


def _distribution(result: CheckResult, objects: ProjectObjects) -> dict[str, Any]:
    ctx = result.context
    used = {f.dialect for f in result.index.files.values()}
    titles = [d.title for d in ctx.dialects if d.name in used and d.title]
    return {
        "name": result.root.resolve().name,
        "layout": " and ".join(titles) if titles else "no configuration found",
        "settingsFile": (result.root / "bundle-ls.yaml").is_file(),
        # bundle-ls.yaml `modules:`; None: every module bundle-ls knows is taken as installed
        "modules": sorted(ctx.installed) if ctx.installed is not None else None,
        "facts": [
            {"what": what, "value": value, "source": source}
            for d in ctx.dialects
            for what, value, source in d.describe(result.index)
        ],
        # every dialect (a namespace's colour is its dialect's place), and which ones read
        # files here (the legend)
        "dialects": [
            {"id": d.name, "title": d.title, "used": d.name in used}
            for d in ctx.dialects
            if d.title
        ],
    }


def _count_objects(
    objects: ProjectObjects, paths: list[str], file_ix: dict[str, int], bundles_of: dict[str, str]
) -> _Counts:
    c = _Counts()
    for path in paths:
        b = c.bundles.setdefault(bundles_of[path], _bundle_row(bundles_of[path]))
        b["files"] += 1
        for o in objects.of_file(path):
            c.ns_objects[o.namespace] += 1
            c.ns_files[o.namespace].add(path)
            c.ns_bundles[o.namespace].add(bundles_of[path])
            b["objects"] += 1
            b["namespaces"][o.namespace] += 1
            item: list = [o.label, file_ix[path], o.range[0]]
            if o.identity != o.label:  # "name (uuid)": the effective configuration's key
                item.append(o.identity)
            c.listing[o.namespace].append(item)
    return c


def _bundle_row(bundle: str) -> dict[str, Any]:
    return {
        "id": bundle,
        "label": bundle_label(bundle),
        "files": 0,
        "objects": 0,
        "namespaces": Counter(),
        "findings": 0,
        "shared": 0,
        "conflicts": 0,
    }


def _effective_rows(
    effective: list[EffectiveValue],
    file_ix: dict[str, int],
    bundles_of: dict[str, str],
    bundle_rows: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    rows = []
    for ev in effective:
        rows.append(_effective_json(ev, file_ix))
        if ev.others:
            for b in {bundles_of.get(d.path, TOP_LEVEL) for d in ev.places()}:
                if b in bundle_rows:
                    bundle_rows[b]["shared"] += 1
                    if ev.conflicting:
                        bundle_rows[b]["conflicts"] += 1
    return rows


def _findings(
    result: CheckResult,
    file_ix: dict[str, int],
    bundles_of: dict[str, str],
    sources: Sources,
    baseline: list[BaselineFinding] | None,
    bundle_rows: dict[str, dict[str, Any]],
) -> tuple[list[dict[str, Any]], set[int], list[BaselineFinding]]:
    diags = sorted(result.diagnostics, key=lambda d: (d.code, d.path, d.range, d.message))
    new_ix: set[int] = set()
    fixed: list[BaselineFinding] = []
    if baseline is not None:
        new_ix, fixed = compare(diags, baseline)
    findings = []
    for i, d in enumerate(diags):
        bundle_rows[bundles_of[d.path]]["findings"] += 1
        new = (i in new_ix) if baseline is not None else None
        near = sources if i < MAX_CONTEXTS else None
        findings.append(_finding_json(d, file_ix, bundles_of, near, new))
    return findings, new_ix, fixed


def _namespaces(
    objects: ProjectObjects, counts: _Counts, edges: list[dict[str, Any]], rules: dict[str, str]
) -> list[dict[str, Any]]:
    refs_out: Counter[str] = Counter()
    refs_in: Counter[str] = Counter()
    for e in edges:
        refs_out[e["source"]] += e["references"]
        refs_in[e["target"]] += e["references"]
    ids = set(counts.ns_objects) | set(refs_out) | set(refs_in)
    ctx = objects.ctx
    out = []
    for ns in ids:
        dialect = ctx.dialect_of_namespace(ns)
        rule = objects.rule(ns)
        rules[rule.id] = rule.explanation
        out.append(
            {
                "id": ns,
                "label": objects.namespace_label(ns),
                "short": objects.namespace_label(ns, short=True),
                "dialect": dialect.name if dialect is not None else None,
                "rule": rule.id,
                "objects": counts.ns_objects.get(ns, 0),
                "files": len(counts.ns_files.get(ns, ())),
                "bundles": len(counts.ns_bundles.get(ns, ())),
                "referencesOut": refs_out.get(ns, 0),
                "referencesIn": refs_in.get(ns, 0),
            }
        )
    out.sort(key=lambda n: (n["label"].lower(), n["id"]))
    return out


def build_report(
    result: CheckResult,
    *,
    baseline: list[BaselineFinding] | None = None,
    baseline_name: str | None = None,
    sources: Sources | None = None,
    scope: ReportScope | None = None,
) -> dict[str, Any]:
    """The report model of one checked directory (plain data; see docs/report.md)."""
    scope = scope or ReportScope()
    objects = ProjectObjects(result.index, result.context)
    sources = sources or Sources(result.root)
    paths = sorted(set(result.index.files) | {d.path for d in result.diagnostics})
    file_ix = {p: i for i, p in enumerate(paths)}
    bundles_of = {p: objects.bundle_of(p) for p in paths}
    counts = _count_objects(objects, paths, file_ix, bundles_of)
    effective = effective_values(objects, sources, scope.keeps)
    eff_rows = _effective_rows(effective, file_ix, bundles_of, counts.bundles)
    findings, new_ix, fixed = _findings(
        result, file_ix, bundles_of, sources, baseline, counts.bundles
    )
    reported = {(d.path, d.range) for d in result.diagnostics}
    edges = _edges(objects, reported)
    rules: dict[str, str] = {}
    namespaces = _namespaces(objects, counts, edges, rules)
    bundles = [
        {**b, "namespaces": dict(sorted(b["namespaces"].items()))}
        for b in sorted(counts.bundles.values(), key=lambda r: r["id"])
    ]
    distribution = _distribution(result, objects)
    if scope.title:
        distribution["name"] = scope.title
    return {
        "model": MODEL_VERSION,
        "tool": {"name": "bundle-ls", "version": __version__},
        "distribution": distribution,
        "summary": _summary(result, counts, findings, effective, len(bundles)),
        "files": paths,
        "namespaces": namespaces,
        "rules": dict(sorted(rules.items())),
        "bundles": bundles,
        "objects": {ns: rows for ns, rows in sorted(counts.listing.items())},
        "edges": edges,
        "effective": eff_rows,
        "findings": findings,
        "baseline": _baseline_summary(
            objects, baseline, baseline_name, new_ix, fixed, bundles_of, findings
        ),
        "start": f"effective?ns={quote(scope.namespace)}" if scope.namespace is not None else None,
    }


def _summary(
    result: CheckResult,
    counts: _Counts,
    findings: list[dict[str, Any]],
    effective: list[EffectiveValue],
    bundles: int,
) -> dict[str, Any]:
    severity: Counter[str] = Counter()
    codes: dict[str, Counter[str]] = defaultdict(Counter)
    for f in findings:
        severity[f["severity"]] += 1
        codes[f["code"]][f["severity"]] += 1
    return {
        "files": result.files,
        "objects": sum(counts.ns_objects.values()),
        "namespaces": len(counts.ns_objects),
        "bundles": bundles,
        "findings": len(findings),
        "severity": {s: severity.get(s, 0) for s in SEVERITIES},
        "codes": {c: dict(v) for c, v in sorted(codes.items())},
        "keysDefinedMoreThanOnce": sum(1 for ev in effective if ev.others),
        "conflictingKeys": sum(1 for ev in effective if ev.conflicting),
    }


def _baseline_summary(
    objects: ProjectObjects,
    baseline: list[BaselineFinding] | None,
    name: str | None,
    new_ix: set[int],
    fixed: list[BaselineFinding],
    bundles_of: dict[str, str],
    findings: list[dict[str, Any]],
) -> dict[str, Any] | None:
    if baseline is None:
        return None
    return {
        "name": name,
        "new": len(new_ix),
        "fixed": [_baseline_json(b, bundles_of, objects) for b in fixed],
        "unchanged": len(findings) - len(new_ix),
    }


def _effective_json(ev: EffectiveValue, file_ix: dict[str, int]) -> dict[str, Any]:
    w = ev.winner
    out: dict[str, Any] = {
        "ns": ev.namespace,
        "key": ev.key,
        "status": ev.status,
        "rule": ev.rule.id,
        "winner": {"f": file_ix[w.path], "l": w.range[0], "v": clip(content_of(w.value))},
    }
    if w.label:
        out["label"] = w.label  # "name (uuid)" for a record named by its uuid
    if w.order is not None:
        out["winner"]["order"] = w.order
    if ev.others:
        out["others"] = [
            {
                "f": file_ix[o.definition.path],
                "l": o.definition.range[0],
                "same": o.identical,
                "differs": list(o.differs),
                **({"order": o.definition.order} if o.definition.order is not None else {}),
                **({"v": clip(content_of(o.definition.value))} if o.identical is False else {}),
            }
            for o in ev.others
        ]
    return out


def _finding_json(
    d: Diagnostic,
    file_ix: dict[str, int],
    bundles_of: dict[str, str],
    sources: Sources | None,
    new: bool | None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "f": file_ix[d.path],
        "l": d.range[0],
        "c": d.range[1],
        "severity": d.severity,
        "code": d.code,
        "message": d.message,
        "bundle": bundles_of[d.path],
    }
    if sources is not None:
        ctx = source_context(sources, d.path, d.range[0], d.range[1])
        if ctx is not None:
            out["context"] = ctx
    if d.related:
        out["related"] = [
            {"path": r.path, "l": r.range[0], "c": r.range[1], "message": r.message}
            for r in d.related
        ]
    if new is not None:
        out["new"] = new
    return out


def _baseline_json(
    b: BaselineFinding, bundles_of: dict[str, str], objects: ProjectObjects
) -> dict[str, Any]:
    return {
        "path": b.path,
        "l": b.line,
        "c": b.character,
        "severity": b.severity,
        "code": b.code,
        "message": b.message,
        "bundle": bundles_of.get(b.path) or objects.bundle_of(b.path),
    }


def display_root(root: Path) -> str:
    rel = os.path.relpath(root)
    return root.resolve().name if rel.startswith("..") else rel
