"""The report model: one plain, JSON-able description of a checked directory.

Built from a `bundle_ls.runner.CheckResult`. This module is the only one of the report
that reads the project index's internals (`index.files`, `index.defs`, `index.entries`,
the facts' keys, entries and references), so a change of the index touches this file only.

Words used here and in docs/report.md:

- **namespace**: a namespace of the contract (`locations`, `encounterTypes`) or an
  Initializer domain, kept in the index as `iniz:<domain>` and shown as "Initializer
  <domain>" (`iniz:locations` → "Initializer locations").
- **object**: what a namespace holds. A key definition of the contract (one item of an array
  namespace, or one entry of a mapping namespace such as `settings`); one row of an
  Initializer CSV (a row names an entity by uuid and name, and is counted once); one
  global property, one AMPATH form; one constant of `constants.yml`.
- **bundle**: the folder a file belongs to, as a distribution is assembled from them (see
  `bundle_of`): `bundles/<name>` or the top-level folder in a Config Directory; the domain
  folder (`configuration/locations`) in an Initializer configuration.
"""

from __future__ import annotations

import math
import os
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..analysis import decode
from ..csv_doc import parse_csv
from ..initializer.cross import fold
from ..initializer.layout import locate, special_file
from ..initializer.spec import CONSTANT_NS, MODULE_NS, PREFIX, pretty
from ..positions import LineIndex
from .baseline import BaselineFinding, compare
from .effective import Definition, EffectiveValue, Rule, resolve

if TYPE_CHECKING:
    from ..analysis import FileFacts
    from ..index import ProjectIndex
    from ..model import Diagnostic
    from ..runner import CheckResult

MODEL_VERSION = 1
DEPENDENCY_NS = "iniz:dependency"  # dependencies.yml's parent configurations
# Listings, not configuration: shown with the distribution, not counted as objects.
LISTING_NAMESPACES = frozenset((MODULE_NS, DEPENDENCY_NS))
TOP_LEVEL = "."  # the bundle of files directly in the checked directory
OUTSIDE = ".."  # the bundle of project files above it (constants.yml beside configuration/)

# Limits that keep a report of a large directory small and quick to open.
MAX_SOURCE_BYTES = 8 * 1024 * 1024  # files larger than this show no source lines
MAX_CONTEXTS = 5000  # findings beyond this many show no source lines
CONTEXT_LINES = 2  # source lines shown before and after a finding's line
LINE_WINDOW = 240  # characters of a long source line shown around the finding
MAX_TEXT = 300  # characters of one string value shown in the effective configuration
MAX_ITEMS = 40  # items of one list or mapping shown
MAX_DEPTH = 6

UNRESOLVED_CODES = frozenset(("unresolved-reference", "unresolved-placeholder"))
# Initializer identifier kinds that name an entity, most telling first (a uuid is the entity).
_NAME_KINDS = ("name", "privilege name", "role name", "fsn")


# ---- words for people ---------------------------------------------------------------------


def namespace_label(namespace: str) -> str:
    """`iniz:locations` → "Initializer locations"; a contract namespace is its own name."""
    if namespace == CONSTANT_NS:
        return "Initializer constants"
    if namespace == MODULE_NS:
        return "Installed modules"
    if namespace == DEPENDENCY_NS:
        return "Parent configurations"
    if namespace.startswith(PREFIX):
        return "Initializer " + namespace[len(PREFIX) :]
    if namespace.startswith("folder:"):
        return "folder " + namespace[len("folder:") :]
    return namespace


def bundle_of(path: str) -> str:
    """The bundle (a folder, relative to the checked directory) that a file belongs to.

    - a file of an Initializer domain: the domain folder (`configuration/locations`);
    - `bundles/<name>/…`: `bundles/<name>` (the Config Directory's bundle folders);
    - any other file in a folder: the top-level folder (`country/…` → `country`);
    - a file directly in the checked directory: "."; a project file read from above it
      (`../constants.yml` when the checked directory is `configuration/`): "..".
    """
    if path.startswith("../"):
        return OUTSIDE
    loc = locate(path)
    if loc is not None:
        return loc.domain_path
    parts = path.split("/")
    if len(parts) >= 3 and parts[0] == "bundles":
        return "/".join(parts[:2])
    if len(parts) >= 2:
        return parts[0]
    return TOP_LEVEL


def bundle_label(bundle: str) -> str:
    if bundle == TOP_LEVEL:
        return "(top level)"
    if bundle == OUTSIDE:
        return "(beside the checked folder)"
    return bundle


# ---- reading sources at render time ---------------------------------------------------------


class Sources:
    """Text of the checked files, read when the report is made (size-limited, cached).

    `text_of(path)` may be given instead of the disk (the editor passes its open documents).
    """

    def __init__(self, root: Path, text_of: Callable[[str], str | None] | None = None) -> None:
        self.root = root
        self._text_of = text_of
        self._text: dict[str, str | None] = {}
        self._lines: dict[str, list[str] | None] = {}
        self._csv: dict[str, tuple[dict[int, dict[str, str]], int | None] | None] = {}

    def text(self, path: str) -> str | None:
        if path in self._text:
            return self._text[path]
        text: str | None = None
        if self._text_of is not None:
            text = self._text_of(path)
        else:
            full = self.root / path
            try:
                if full.stat().st_size <= MAX_SOURCE_BYTES:
                    text, _problem = decode(path, full.read_bytes())
            except OSError:
                text = None
        if text is not None and len(text) > MAX_SOURCE_BYTES:
            text = None
        self._text[path] = text
        return text

    def lines(self, path: str) -> list[str] | None:
        if path not in self._lines:
            text = self.text(path)
            self._lines[path] = LineIndex(text).lines if text is not None else None
        return self._lines[path]

    def csv_rows(self, path: str) -> tuple[dict[int, dict[str, str]], int | None] | None:
        """A CSV file's rows by their first line: {header: cell} (Initializer's headers,
        spelt alike across files; metadata headers `_…` and empty cells left out), and the
        file's `_order:N`."""
        if path in self._csv:
            return self._csv[path]
        text = self.text(path)
        got = None
        if text is not None:
            table = parse_csv(text, LineIndex(text))
            names = [pretty(c.text.strip().lower()) for c in table.header]
            order = None
            for h in table.header:
                low = h.text.strip().lower()
                if low.startswith("_order:"):
                    try:
                        order = int(low[len("_order:") :].strip())
                    except ValueError:
                        order = None
            rows: dict[int, dict[str, str]] = {}
            for line, cells in table.rows:
                row = {}
                for name, cell in zip(names, cells, strict=False):
                    if cell.text and name and not name.startswith("_") and name not in row:
                        row[name] = cell.text
                rows[line] = row
            got = (rows, order)
        self._csv[path] = got
        return got

    def context(self, path: str, line: int, character: int) -> dict[str, Any] | None:
        """A few source lines around `line` (0-based), long lines cut to a window around
        the finding's column."""
        lines = self.lines(path)
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


# ---- objects ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConfigObject:
    """One object of a namespace, as counted and listed by the report."""

    namespace: str
    label: str  # what a person recognises it by: the key, or "name (uuid)"
    identity: str  # the key that names it for the effective configuration
    path: str
    range: tuple[int, int, int, int]
    kind: str  # "key", "entry", "row" (Initializer row, form or property), "constant"
    value: object = None
    compared: bool = True  # False when the report does not read what it holds (JSON forms)
    entry_path: tuple[str, ...] = ()  # a mapping entry's path ("a.b" may be one key)


def _row_key(path: str, kd) -> tuple[str, int] | None:
    """(identifier kind, row) of an Initializer identifier; None for other keys. A JSON file
    (an AMPATH form or its translation) is one object, whatever line each identifier is on."""
    v = kd.value
    if isinstance(v, dict) and "line" in v and "id" in v:
        return (str(v["id"]), 0 if path.lower().endswith(".json") else int(v["line"]))
    return None


def file_objects(facts: FileFacts) -> list[ConfigObject]:
    """The objects one file defines, in file order."""
    out: list[ConfigObject] = []
    rows: dict[tuple[str, int], list] = {}
    for kd in facts.keys:
        ns = kd.namespace
        if ns in LISTING_NAMESPACES:
            continue
        if not ns.startswith(PREFIX):
            out.append(ConfigObject(ns, kd.key, kd.key, facts.path, kd.range, "key", kd.value))
            continue
        rk = _row_key(facts.path, kd)
        if rk is None:
            kind = "constant" if ns == CONSTANT_NS else "key"
            out.append(ConfigObject(ns, kd.key, kd.key, facts.path, kd.range, kind, kd.value))
            continue
        if rk[0] == "created":
            continue  # a location tag a Tags cell creates: a reference, not a row
        rows.setdefault((ns, rk[1]), []).append(kd)
    for (ns, _line), kds in rows.items():
        out.append(_row_object(facts.path, ns, kds))
    for e in facts.entries:
        dotted = ".".join(e.path)
        out.append(
            ConfigObject(
                e.namespace, dotted, dotted, facts.path, e.range, "entry", e.value, True, e.path
            )
        )
    out.sort(key=lambda o: o.range)
    return out


def _row_object(path: str, ns: str, kds: list) -> ConfigObject:
    """An Initializer row (or form, or global property) from its identifier keys."""
    by_kind: dict[str, Any] = {}
    for kd in kds:
        by_kind.setdefault(kd.value["id"], kd)
    ident = by_kind.get("uuid")
    if ident is None:
        for kind in _NAME_KINDS:
            if kind in by_kind:
                ident = by_kind[kind]
                break
    if ident is None:
        ident = min(kds, key=lambda k: k.range)
    name = kds[0].value.get("name")
    if name is None:
        for kind in _NAME_KINDS:
            if kind in by_kind:
                name = by_kind[kind].key
                break
    label = ident.key if name is None or name == ident.key else f"{name} ({ident.key})"
    value = None
    compared = False
    if "value" in ident.value:  # a global property: its value is in the facts
        value, compared = ident.value["value"], True
    return ConfigObject(ns, label, ident.key, path, ident.range, "row", value, compared)


def _objects_by_file(index: ProjectIndex) -> dict[str, list[ConfigObject]]:
    return {path: file_objects(facts) for path, facts in index.files.items()}


def object_counts(index: ProjectIndex, only: Iterable[str] | None = None) -> dict[str, Any]:
    """Objects per namespace and per bundle, for `--check --format json` (key "objects").

    `only`: count the objects of these files alone (`--check FILE`)."""
    objs = _objects_by_file(index)
    keep = set(only) if only is not None else None
    namespaces: Counter[str] = Counter()
    bundles: dict[str, dict[str, Any]] = {}
    for path in sorted(objs):
        if keep is not None and path not in keep:
            continue
        b = bundles.setdefault(bundle_of(path), {"files": 0, "objects": 0, "namespaces": {}})
        b["files"] += 1
        for o in objs[path]:
            namespaces[o.namespace] += 1
            b["objects"] += 1
            b["namespaces"][o.namespace] = b["namespaces"].get(o.namespace, 0) + 1
    for b in bundles.values():
        b["namespaces"] = dict(sorted(b["namespaces"].items()))
    return {
        "namespaces": dict(sorted(namespaces.items())),
        "bundles": dict(sorted(bundles.items())),
    }


# ---- the effective configuration ------------------------------------------------------------


def _rule(namespace: str) -> Rule:
    # Constants: the first definition, as the editor's placeholder hover shows it.
    if namespace.startswith(PREFIX) and namespace != CONSTANT_NS:
        return "last"
    return "first"


def _definition(o: ConfigObject, sources: Sources | None) -> Definition:
    if o.kind != "row" or o.compared:
        return Definition(o.path, o.range, o.value)
    if sources is not None and o.path.lower().endswith(".csv"):
        got = sources.csv_rows(o.path)
        if got is not None:
            rows, order = got
            row = rows.get(o.range[0])
            if row is not None:
                return Definition(o.path, o.range, row, order)
            return Definition(o.path, o.range, None, order, compared=False)
    return Definition(o.path, o.range, None, compared=False)


def effective_values(index: ProjectIndex, sources: Sources | None = None) -> list[EffectiveValue]:
    """Every key's effective value, by namespace and key. `sources` reads Initializer rows
    (to compare them and to show the winning row); without it rows are not compared."""
    groups: dict[tuple[str, str], list[ConfigObject]] = defaultdict(list)
    for objs in _objects_by_file(index).values():
        for o in objs:
            groups[(o.namespace, o.identity)].append(o)
    out = []
    for (ns, key), objs in sorted(groups.items()):
        defs = [_definition(o, sources) for o in objs]
        out.append(resolve(ns, key, defs, _rule(ns)))
    return out


def effective_at(
    index: ProjectIndex,
    namespace: str,
    key: str,
    text_of: Callable[[str], str | None] | None = None,
) -> list[EffectiveValue]:
    """The effective value of the object(s) a key names, for the editor's hover.

    `key` is a key of `namespace` as the index holds it (for an Initializer domain, any of
    a row's identifiers: its uuid or name). One answer per object it names (usually one).
    `text_of(path)` gives a file's current text (the editor's open documents, else disk);
    without it Initializer rows are found but not compared.
    """
    keys = index.defs.get(namespace, {})
    defs = keys.get(key)
    if not defs:
        return []
    sources = Sources(index.root, text_of) if text_of is not None else None
    identities = sorted({o.identity for p, kd in defs for o in _objects_holding(index, p, kd)})
    out = []
    for ident in identities:
        # every object named by this identity (rows without a uuid are named by their name)
        found: dict[tuple, ConfigObject] = {}
        for p, kd in keys.get(ident, ()):
            for o in _objects_holding(index, p, kd):
                if o.identity == ident:
                    found[(o.path, o.range)] = o
        if found:
            defs_ = [_definition(o, sources) for o in found.values()]
            out.append(resolve(namespace, ident, defs_, _rule(namespace)))
    return out


def effective_entry(
    index: ProjectIndex, namespace: str, path: tuple[str, ...]
) -> EffectiveValue | None:
    """The effective value of one entry of a mapping namespace (`settings.defaultLocale`:
    namespace "settings", path ("defaultLocale",)), for the editor's hover."""
    entries = index.entries.get((namespace, path))
    if not entries:
        return None
    dotted = ".".join(path)
    defs = [Definition(p, e.range, e.value) for p, e in entries]
    return resolve(namespace, dotted, defs, _rule(namespace))


def also_defined_in(index: ProjectIndex, path: str) -> list[tuple[ConfigObject, list[str]]]:
    """For the editor's code lens ("also in N files"): each object of `path` that other files
    define too, with those files (sorted)."""
    facts = index.files.get(path)
    if facts is None:
        return []
    out = []
    for o in file_objects(facts):
        if o.kind == "entry":
            places = {p for p, _e in index.entries.get((o.namespace, o.entry_path), ())}
        else:
            places = {
                p
                for p, kd in index.defs.get(o.namespace, {}).get(o.identity, ())
                if p != path
                and any(x.identity == o.identity for x in _objects_holding(index, p, kd))
            }
        places.discard(path)
        if places:
            out.append((o, sorted(places)))
    return out


def _objects_holding(index: ProjectIndex, path: str, kd) -> list[ConfigObject]:
    """The object of `path` that key definition `kd` belongs to."""
    facts = index.files.get(path)
    if facts is None:
        return []
    row = _row_key(path, kd) if kd.namespace.startswith(PREFIX) else None
    if row is None:
        return [ConfigObject(kd.namespace, kd.key, kd.key, path, kd.range, "key", kd.value)]
    kds = [
        k
        for k in facts.keys
        if k.namespace == kd.namespace
        and (rk := _row_key(path, k)) is not None
        and rk[1] == row[1]
        and rk[0] != "created"
    ]
    return [_row_object(path, kd.namespace, kds)] if kds else []


# ---- the reference graph ---------------------------------------------------------------------


def _ref_sources(facts: FileFacts) -> list[str]:
    """The namespace each reference of a file is written in."""
    loc = locate(facts.path)
    if loc is not None:
        src = PREFIX + loc.domain if loc.known else "folder:" + loc.domain_path
        return [src] * len(facts.refs)
    if facts.namespaces:
        starts = sorted((rng[0], ns) for ns, rng in facts.namespaces.items())
        lines = [s for s, _ in starts]
        out = []
        for ref in facts.refs:
            i = bisect_right(lines, ref.range[0]) - 1
            out.append(starts[max(i, 0)][1])
        return out
    name = special_file(facts.path)
    return [("file:" + (name or facts.path))] * len(facts.refs)


class _Folded:
    """Initializer identifiers as Initializer compares them (case and accents aside)."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self._sets: dict[str, set[str]] = {}

    def has(self, ns: str, key: str) -> bool:
        keys = self.index.defs.get(ns, {})
        if key in keys:
            return True
        if not ns.startswith(PREFIX):
            return False
        got = self._sets.get(ns)
        if got is None:
            got = self._sets[ns] = {fold(k) for k in keys}
        return fold(key) in got


def _edges(index: ProjectIndex, unresolved: set[tuple[str, tuple]]) -> list[dict[str, Any]]:
    folded = _Folded(index)
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for path, facts in index.files.items():
        if not facts.refs:
            continue
        for src, ref in zip(_ref_sources(facts), facts.refs, strict=True):
            target = next((ns for ns in ref.namespaces if folded.has(ns, ref.key)), None)
            if target is not None:
                state = "local"
            else:
                target = ref.namespaces[0]
                state = "unresolved" if (path, ref.range) in unresolved else "outside"
            c = counts[(src, target)]
            c["references"] += 1
            c[state] += 1
    return [
        {
            "source": s,
            "target": t,
            "references": c["references"],
            "local": c["local"],
            "outside": c["outside"],
            "unresolved": c["unresolved"],
        }
        for (s, t), c in sorted(counts.items())
    ]


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


# ---- the whole model --------------------------------------------------------------------------


def _distribution(
    result: CheckResult, installed: frozenset[str] | None, objs: dict[str, list[ConfigObject]]
) -> dict[str, Any]:
    index = result.index
    roots = sorted(
        {loc.root or "." for p in index.files if (loc := locate(p)) is not None and loc.known}
    )
    contract = any(not o.namespace.startswith(PREFIX) for lst in objs.values() for o in lst)
    if roots and contract:
        layout = "Config Directory and Initializer configuration"
    elif roots:
        layout = "Initializer configuration"
    else:
        layout = "Config Directory"
    listed = index.defs.get(MODULE_NS, {})
    parents = sorted(index.defs.get(DEPENDENCY_NS, {}))
    return {
        "name": result.root.resolve().name,
        "layout": layout,
        "initializerFolders": roots,
        "settingsFile": (result.root / "bundle-ls.yaml").is_file(),
        # bundle-ls.yaml `modules:`; None: every module bundle-ls knows is taken as installed
        "modules": sorted(installed) if installed is not None else None,
        # content.properties / distro.properties `omod.<id>`: the modules Initializer's
        # domains may need; empty when no such file lists any
        "initializerModules": sorted(listed),
        "initializerModuleFiles": sorted({p for defs in listed.values() for p, _ in defs}),
        "parentConfigurations": parents,
    }


def build_report(
    result: CheckResult,
    *,
    installed: frozenset[str] | None = None,
    baseline: list[BaselineFinding] | None = None,
    baseline_name: str | None = None,
    sources: Sources | None = None,
) -> dict[str, Any]:
    """The report model of one checked directory (plain data; see docs/report.md)."""
    index = result.index
    sources = sources or Sources(result.root)
    objs = _objects_by_file(index)
    paths = sorted(set(index.files) | {d.path for d in result.diagnostics})
    file_ix = {p: i for i, p in enumerate(paths)}
    bundles_of = {p: bundle_of(p) for p in paths}

    # objects per namespace and bundle
    ns_objects: Counter[str] = Counter()
    ns_files: dict[str, set[str]] = defaultdict(set)
    ns_bundles: dict[str, set[str]] = defaultdict(set)
    listing: dict[str, list[list]] = defaultdict(list)
    bundle_rows: dict[str, dict[str, Any]] = {}
    for path in paths:
        b = bundle_rows.setdefault(
            bundles_of[path],
            {
                "id": bundles_of[path],
                "label": bundle_label(bundles_of[path]),
                "files": 0,
                "objects": 0,
                "namespaces": Counter(),
                "findings": 0,
                "shared": 0,
                "conflicts": 0,
            },
        )
        b["files"] += 1
        for o in objs.get(path, ()):
            ns_objects[o.namespace] += 1
            ns_files[o.namespace].add(path)
            ns_bundles[o.namespace].add(bundles_of[path])
            b["objects"] += 1
            b["namespaces"][o.namespace] += 1
            item: list = [o.label, file_ix[path], o.range[0]]
            if o.identity != o.label:  # "name (uuid)": the effective configuration's key
                item.append(o.identity)
            listing[o.namespace].append(item)

    # the effective configuration
    effective = effective_values(index, sources)
    labels = {(o.path, o.range, o.namespace): o.label for lst in objs.values() for o in lst}
    eff_rows = []
    for ev in effective:
        row = _effective_json(ev, file_ix)
        shown = labels.get((ev.winner.path, ev.winner.range, ev.namespace))
        if shown is not None and shown != ev.key:
            row["label"] = shown  # "name (uuid)" for an Initializer row
        eff_rows.append(row)
        if ev.others:
            places = [ev.winner, *(o.definition for o in ev.others)]
            for b in {bundles_of.get(d.path, TOP_LEVEL) for d in places}:
                if b in bundle_rows:
                    bundle_rows[b]["shared"] += 1
                    if ev.conflicting:
                        bundle_rows[b]["conflicts"] += 1

    # findings
    diags = sorted(result.diagnostics, key=lambda d: (d.code, d.path, d.range, d.message))
    new_ix: set[int] = set()
    fixed: list[BaselineFinding] = []
    if baseline is not None:
        new_ix, fixed = compare(diags, baseline)
    findings = []
    severity: Counter[str] = Counter()
    codes: dict[str, Counter[str]] = defaultdict(Counter)
    for i, d in enumerate(diags):
        severity[d.severity] += 1
        codes[d.code][d.severity] += 1
        bundle_rows[bundles_of[d.path]]["findings"] += 1
        findings.append(
            _finding_json(
                d,
                file_ix,
                bundles_of,
                sources if i < MAX_CONTEXTS else None,
                (i in new_ix) if baseline is not None else None,
            )
        )

    unresolved = {(d.path, d.range) for d in result.diagnostics if d.code in UNRESOLVED_CODES}
    edges = _edges(index, unresolved)
    refs_out: Counter[str] = Counter()
    refs_in: Counter[str] = Counter()
    for e in edges:
        refs_out[e["source"]] += e["references"]
        refs_in[e["target"]] += e["references"]
    node_ids = set(ns_objects) | {e["source"] for e in edges} | {e["target"] for e in edges}
    namespaces = [
        {
            "id": ns,
            "label": namespace_label(ns),
            "initializer": ns.startswith(PREFIX),
            "objects": ns_objects.get(ns, 0),
            "files": len(ns_files.get(ns, ())),
            "bundles": len(ns_bundles.get(ns, ())),
            "referencesOut": refs_out.get(ns, 0),
            "referencesIn": refs_in.get(ns, 0),
        }
        for ns in sorted(node_ids, key=lambda n: (namespace_label(n).lower(), n))
    ]
    bundles = [
        {**b, "namespaces": dict(sorted(b["namespaces"].items()))}
        for b in sorted(bundle_rows.values(), key=lambda r: r["id"])
    ]

    return {
        "model": MODEL_VERSION,
        "tool": {"name": "bundle-ls", "version": __version__},
        "distribution": _distribution(result, installed, objs),
        "summary": {
            "files": result.files,
            "objects": sum(ns_objects.values()),
            "namespaces": len(ns_objects),
            "bundles": len(bundles),
            "findings": len(diags),
            "severity": {
                s: severity.get(s, 0) for s in ("error", "warning", "information", "hint")
            },
            "codes": {c: dict(v) for c, v in sorted(codes.items())},
            "keysDefinedMoreThanOnce": sum(1 for ev in effective if ev.others),
            "conflictingKeys": sum(1 for ev in effective if ev.conflicting),
        },
        "files": paths,
        "namespaces": namespaces,
        "bundles": bundles,
        "objects": {ns: rows for ns, rows in sorted(listing.items())},
        "edges": edges,
        "effective": eff_rows,
        "findings": findings,
        "baseline": None
        if baseline is None
        else {
            "name": baseline_name,
            "new": len(new_ix),
            "fixed": [_baseline_json(b, bundles_of) for b in fixed],
            "unchanged": len(diags) - len(new_ix),
        },
    }


def _effective_json(ev: EffectiveValue, file_ix: dict[str, int]) -> dict[str, Any]:
    w = ev.winner
    out: dict[str, Any] = {
        "ns": ev.namespace,
        "key": ev.key,
        "status": ev.status,
        "rule": ev.rule,
        "winner": {"f": file_ix[w.path], "l": w.range[0], "v": clip(w.value)},
    }
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
                **({"v": clip(o.definition.value)} if o.identical is False else {}),
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
        ctx = sources.context(d.path, d.range[0], d.range[1])
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


def _baseline_json(b: BaselineFinding, bundles_of: dict[str, str]) -> dict[str, Any]:
    return {
        "path": b.path,
        "l": b.line,
        "c": b.character,
        "severity": b.severity,
        "code": b.code,
        "message": b.message,
        "bundle": bundles_of.get(b.path) or bundle_of(b.path),
    }


def display_root(root: Path) -> str:
    rel = os.path.relpath(root)
    return root.resolve().name if rel.startswith("..") else rel
