"""Cross-file findings for Initializer configuration, from the project index.

- references between domains, resolved as Initializer resolves them (uuid or name, case
  aside; concepts also by mapping and from OCL zips), against the rows of the repository,
  what openmrs-core and the installed modules create and `known:` (known.py). Most
  references in real repositories point outside the folder (core metadata, CIEL, a
  parent config), so an unresolved reference is reported only when it is a near miss of
  a known name (a typo); its severity is its effect: an error when the miss fails the
  row, a warning when Initializer leaves the field empty, nothing when the row retires an
  entity that exists (its cells are never read);
- `${…}` placeholders without a constant (`unresolved-placeholder`)
- one entity defined twice in one configuration with other values (`duplicate-uuid`,
  identity.py says when that is harmless and which row wins)
- a global property set to other values by two files (the file loaded last wins)
- a folder Initializer does not know (`unknown-domain`)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bundle_ls.dialects.initializer import identity
from bundle_ls.dialects.initializer.codes import (
    DUPLICATE_UUID,
    UNKNOWN_DOMAIN,
    UNRESOLVED_PLACEHOLDER,
)
from bundle_ls.dialects.initializer.distribution import Survey
from bundle_ls.dialects.initializer.known import KnownNames
from bundle_ls.dialects.initializer.known import fold as fold
from bundle_ls.dialects.initializer.layout import OTHER_CONSUMERS, Layout
from bundle_ls.dialects.initializer.names import id_kind, names_of
from bundle_ls.dialects.initializer.ocl import OclConcepts
from bundle_ls.dialects.initializer.spec import (
    CONSTANT_NS,
    PREFIX,
    domains,
    known_values,
)
from bundle_ls.documents.codes import (
    DUPLICATE_KEY,
    MISSING_FILE,
    UNRESOLVED_REFERENCE,
)
from bundle_ls.documents.model import Diagnostic, Related
from bundle_ls.documents.paths import resolve_in_root
from bundle_ls.documents.suggest import did_you_mean

if TYPE_CHECKING:
    from bundle_ls.documents.facts import FileFacts, KeyDef
    from bundle_ls.index.project_index import ProjectIndex


@dataclass(frozen=True, slots=True)
class Project:
    """What the cross-file checks of one project are configured with."""

    layout: Layout
    survey: Survey
    known: KnownNames


_UUIDISH = re.compile(r"^[0-9a-fA-F-]{32,36}$|^\d+A+$")
_DIGITS = re.compile(r"\d")


class _State:
    """Per-index caches of what the file-level checks read, rebuilt when the index changes
    (its generation moves); what the checks of references read is kept current instead
    (names.py)."""

    def __init__(self, generation: int) -> None:
        self.generation = generation
        self.unknown_first: dict[str, str] | None = None
        self.constant_heads: set[str] | None = None


def _state(index: ProjectIndex) -> _State:
    st = index.derived.get("initializer")
    if st is None or st.generation != index.generation:
        st = index.derived["initializer"] = _State(index.generation)
    return st


def ocl_for(index, iniz_root: str) -> OclConcepts:
    return names_of(index, fold).ocl_concepts(iniz_root)


def near_miss(value: str, candidates: list[str] | dict[str, str]) -> str | None:
    """A candidate that `value` is a typo of: one or two edits inside one word of four or
    more letters. Names that differ in a number or a short word (`Ward 1`/`Ward 2`,
    `Vitamin A`/`Vitamin C`) are different things, not typos."""
    v = fold(value)
    if len(v) < 4 or not candidates:
        return None
    limit = 1 if len(v) <= 10 else 2
    choices = candidates if isinstance(candidates, dict) else {c: fold(c) for c in candidates}
    found = process.extract(
        v,
        choices,
        scorer=OSA.distance,
        score_cutoff=limit,
        limit=5,
    )
    for low, dist, cand in sorted(found, key=lambda f: f[1]):
        if dist == 0 or not _typo(v, low):
            continue
        return cand
    return None


def _typo(a: str, b: str) -> bool:
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb):
        # a missing or extra space ("LoginLocation"): the letters are the same
        return a.replace(" ", "") == b.replace(" ", "")
    diff = [(x, y) for x, y in zip(wa, wb, strict=False) if x != y]
    if len(diff) != 1:
        return False
    x, y = diff[0]
    short = min(len(x), len(y))
    if short < 3 or (short == 3 and len(x) == len(y)):
        return False  # `A`/`C`, `II`/`III`, `Mr.`/`Dr.`: other words, not slips
    return _DIGITS.sub("", x) != _DIGITS.sub("", y)


def resolves(
    project: Project, index, ns: str, value: str, iniz_root: str, ocl: bool = True
) -> bool:
    """Whether `value` names an entity of `ns` defined here, by core or a module (known.py),
    in `known:` or (with `ocl`) in the OCL zips of the Initializer folder `iniz_root`."""
    v = value.strip()
    if names_of(index, fold).is_defined(ns, fold(v)):
        return True
    domain = ns[len(PREFIX) :]
    if v.lower() in known_values(domain) or project.known.defines(domain, v):
        return True
    if not ocl:
        return False
    if domain == "concepts":
        return ocl_for(index, iniz_root).has(v)
    if domain == "conceptclasses":
        return v.lower() in ocl_for(index, iniz_root).classes
    return False


def compared(kd: KeyDef) -> bool:
    """The definitions `check_references` compares with the key's other definitions."""
    return kd.namespace == "iniz:globalproperties" or id_kind(kd) in ("uuid", "identity")


_UNSEEN = object()


def check_references(project: Project, index: ProjectIndex, facts: FileFacts) -> list[Diagnostic]:
    """References, and definitions repeated, judged from what names.py keeps current (the
    usual cases inline: a 10,000-row file has 35,000 references). Kept by the index until
    key definitions change, and re-checked row by row after an edit."""
    loc = project.layout.locate(facts.path)
    if loc is None and not any(
        r.namespaces and r.namespaces[0].startswith(PREFIX) for r in facts.refs
    ):
        return []
    out: list[Diagnostic] = []
    iniz_root = loc.root if loc is not None else ""
    own = next(iter(facts.namespaces), None)  # the domain of the file's rows
    names = names_of(index, fold)
    defined, created, fold_key, folded_of = (
        names.defined,
        names.created,
        names.fold_key,
        names.folded,
    )
    path = facts.path
    # namespaces → None for none of Initializer's, else (the one namespace a reference into
    # them is looked up in here, "" for several: `_reference` alone; its names defined by
    # rows; its names created by cells)
    lookup: dict[tuple[str, ...], tuple | None] = {}
    for ref in facts.refs:
        nss = ref.namespaces
        how = lookup.get(nss, _UNSEEN)
        if how is _UNSEEN:
            first = nss[0]
            usual = first.startswith(PREFIX) and first != CONSTANT_NS
            ns = (first if len(nss) == 1 else "") if usual else None
            how = lookup[nss] = None if ns is None else (ns, defined.get(ns), created.get(ns))
        if how is None:
            continue
        ns, rows, made = how
        if ns:
            # a name a row defines, a tag a cell elsewhere creates: `_reference` says the same
            key = ref.key
            folded = folded_of.get(key) or fold_key(key)
            if rows and folded in rows:
                continue
            places = made.get(folded) if made else None
            if places and (len(places) > 1 or (path, ref.range) not in places):
                continue
        finding = _reference(project, index, path, ref, iniz_root, own)
        if finding is not None:
            out.append(finding)
    out.extend(_duplicates(project, index, facts))
    out.extend(_repeated_global_properties(project, index, facts))
    return out


def check_files(project: Project, index: ProjectIndex, facts: FileFacts) -> list[Diagnostic]:
    """What reads more than key definitions (which files exist, the constants and the
    parents), checked again whenever the file is: placeholders, files named, domains."""
    layout = project.layout
    loc = layout.locate(facts.path)
    if loc is None and not any(r.namespaces and r.namespaces[0] == CONSTANT_NS for r in facts.refs):
        return []
    out: list[Diagnostic] = []
    parents = list(index.defs.get("iniz:dependency", {}).keys())
    for ref in facts.refs:
        if ref.namespaces[0] == CONSTANT_NS:
            finding = _constant(index, facts.path, ref, loc, parents)
            if finding is not None:
                out.append(finding)
    if loc is not None:
        out.extend(_files(index, facts, parents))
        out.extend(_unknown_domain(layout, index, _state(index), facts, loc))
    return out


def _constant(index, path: str, ref, loc, parents: list[str]) -> Diagnostic | None:
    """A `${…}` placeholder no constants file defines. Without constants.* nor
    dependencies.yml the project does not use the packager, and `${…}` means something
    else (Bahmni's SQL parameters). In a folder Initializer does not read (PIH's
    `pih/petl/` jobs), a placeholder whose first part starts no constant belongs to the
    program that reads the file (PETL fills `${tableName}` itself)."""
    constants = index.defs.get(CONSTANT_NS, {})
    if ref.key in constants or not (constants or parents):
        return None
    if loc is not None and not loc.known and not _starts_a_constant(index, ref.key):
        return None
    return _placeholder(path, ref, index, parents)


def _starts_a_constant(index, key: str) -> bool:
    st = _state(index)
    if st.constant_heads is None:
        st.constant_heads = {k.split(".", 1)[0] for k in index.defs.get(CONSTANT_NS, {})}
    return key.split(".", 1)[0] in st.constant_heads


def _reference(
    project: Project, index, path: str, ref, iniz_root: str, own: str | None
) -> Diagnostic | None:
    """A reference to another domain that resolves nowhere and is a near miss of a known
    name (a typo); None for anything else (most names are defined outside the folder)."""
    if "${" in ref.key:
        return None
    if any(resolves(project, index, n, ref.key, iniz_root, ocl=False) for n in ref.namespaces):
        return None
    names = names_of(index, fold)
    at, folded = (path, ref.range), fold(ref.key)
    if any(names.created_elsewhere(n, folded, at) for n in ref.namespaces):
        return None
    if _UUIDISH.match(ref.key.strip()):
        return None  # a uuid defined elsewhere
    if ":" in ref.key and "iniz:concepts" in ref.namespaces:
        return None  # a concept mapping SOURCE:CODE (privilege names hold colons too)
    hit = names.near_miss(
        ref.namespaces,
        ref.key,
        near_miss,
        lambda n: project.known.candidates(n[len(PREFIX) :]),
    )
    if hit is None:
        return None
    # only now read the OCL zips (slow): a name they define is not a typo
    if any(resolves(project, index, n, ref.key, iniz_root) for n in ref.namespaces):
        return None
    effect = _miss_effect(project, index, ref, own)
    if effect is None:
        return None
    severity, consequence = effect
    where = " or ".join(n[len(PREFIX) :] for n in ref.namespaces)
    return UNRESOLVED_REFERENCE(
        path,
        ref.range,
        f"no {where} '{ref.key}' here, in OpenMRS core or in the installed modules; did you "
        f"mean '{hit}'? {consequence}",
        severity=severity,
        related=_defined_at(index, ref.namespaces, hit),
        data={"replace": [hit]},
    )


def _defined_at(index, namespaces, hit: str) -> list[Related] | None:
    for n in namespaces:
        defs = index.defs.get(n, {}).get(hit)
        if defs:
            p, kd = defs[0]
            return [Related(p, kd.range, f"'{hit}' is defined here")]
    return None


def _miss_effect(project: Project, index, ref, own: str | None):
    """What a value not found does (docs/initializer-loaders.md §3): the row fails (error),
    the field is left empty (warning), or nothing, when the row retires an entity that
    exists (CsvParser.shouldFill: none of its other cells is read)."""
    on_miss, entity = ref.data if isinstance(ref.data, tuple) else ("fail", None)
    if entity is not None:
        if entity and own is not None and _defined_twice(project, index, own, entity):
            return None
        return (
            "warning",
            "This row retires its entity: if it exists already, Initializer never reads this "
            "cell; if not, the row fails.",
        )
    if on_miss == "empty":
        return "warning", "Initializer leaves this field empty and saves the row."
    return "error", "Initializer cannot find it and does not load the row."


def _defined_twice(project: Project, index, ns: str, entity: str) -> bool:
    """Whether an entity is defined by another row besides the retired one, or by core or
    a module: then it exists when the retired row is loaded."""
    defs = index.defs.get(ns, {}).get(entity, ())
    return len(defs) > 1 or project.known.defines(ns[len(PREFIX) :], entity)


def domain_hint(name: str) -> list[str]:
    """Domains a folder name is a typo of: a case or plural slip, or one or two edits."""
    low = name.lower()
    out = []
    for d in domains():
        if (
            low == d
            or low + "s" == d
            or low.replace("_", "").replace("-", "") == d
            or len(low) >= 6
            and OSA.distance(low, d) <= (1 if len(low) <= 8 else 2)
        ):
            out.append(d)
    return out


def _placeholder(path, ref, index, parents) -> Diagnostic:
    hint = did_you_mean(ref.key, list(index.defs.get(CONSTANT_NS, {}).keys()))
    data = {"replace": hint} if hint else None
    if parents:
        return UNRESOLVED_PLACEHOLDER(
            path,
            ref.range,
            f"'${{{ref.key}}}' is not in this repository's constants; it may come from "
            f"{', '.join(parents)} (dependencies.yml)"
            + (f"; did you mean '{hint[0]}'?" if hint else ""),
            severity="hint",
            data=data,
        )
    msg = f"no constant '{ref.key}' in constants.yml / constants.properties; the packager leaves '${{{ref.key}}}' as it is"
    if hint:
        msg += f"; did you mean '{hint[0]}'?"
    return UNRESOLVED_PLACEHOLDER(path, ref.range, msg, data=data)


def _duplicates(project: Project, index, facts) -> list[Diagnostic]:
    """An entity defined again, in this configuration, with other values (identity.py)."""
    out = []
    all_defs = index.defs
    groups: dict[tuple[str, str, str | None], list] = {}  # one pass over a group per file
    for kd in facts.keys:
        bucket = all_defs.get(kd.namespace)
        if bucket is None or len(bucket.get(kd.key, ())) < 2:
            continue  # the usual case, said first as it is the cheapest question
        value = kd.value  # `id_kind`, inline: names created by many cells come here too
        kind = value.get("id") if type(value) is dict else None
        if kind not in ("uuid", "identity") or not kd.namespace.startswith(PREFIX):
            continue
        group = groups.get((kd.namespace, kd.key, kind))
        if group is None:
            group = groups[(kd.namespace, kd.key, kind)] = _group(project, index, facts.path, kd)
        others = [o for p, d, o in group if not (p == facts.path and d.range == kd.range)]
        if not others:
            continue
        mine = identity.row_def(project.layout, facts.path, kd.range, kd.value)
        finding = _judge(kd, mine, others)
        if finding is not None:
            out.append(finding)
    return out


def _group(project: Project, index, path: str, kd) -> list:
    """(path, definition, row) of every definition of the same identity that loads into
    the same configuration as `path` (itself included)."""
    out = []
    loaded: dict[str, bool] = {}
    for p, d in index.defs.get(kd.namespace, {}).get(kd.key, ()):
        if id_kind(d) != id_kind(kd):
            continue
        together = loaded.get(p)
        if together is None:
            together = loaded[p] = p == path or identity.loaded_together(
                project.survey, project.layout, path, p
            )
        if together:
            out.append((p, d, identity.row_def(project.layout, p, d.range, d.value)))
    return out


def _judge(kd, mine: identity.RowDef, others: list[identity.RowDef]) -> Diagnostic | None:
    domain = kd.namespace[len(PREFIX) :]
    what = "uuid" if id_kind(kd) == "uuid" else "form and language"
    other = identity.renamed(domain, mine, others)
    if other is not None:
        return DUPLICATE_UUID(
            mine.path,
            kd.range,
            f"{domain} uuid '{kd.key}' is also defined at {other.where} as '{other.name}', not "
            f"'{mine.name}'; Initializer cannot rename a {domain[:-1]}, so the row loaded "
            "second fails",
            severity="error",
            related=[Related(other.path, other.range, "also defined here")],
        )
    differ = identity.conflicting(mine, others)
    if not differ:
        return None
    last = identity.winner([mine, *differ])
    wins = "this row" if last is mine else last.where
    return DUPLICATE_UUID(
        mine.path,
        kd.range,
        f"{domain} {what} '{kd.key}' is also defined at {differ[0].where} with "
        f"{identity.describe_difference(mine, differ[0])}; Initializer loads both and the "
        f"row loaded last ({wins}) wins",
        related=[Related(o.path, o.range, "also defined here") for o in differ[:10]],
    )


def _unknown_domain(layout: Layout, index, st: _State, facts, loc) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    if loc.known:
        return out
    if loc.domain in OTHER_CONSUMERS:
        return out
    if st.unknown_first is None:
        first: dict[str, str] = {}
        for p in index.files:
            lp = layout.locate(p)
            if lp is not None and not lp.known:
                dp = lp.domain_path
                if dp not in first or p < first[dp]:
                    first[dp] = p
        st.unknown_first = first
    if st.unknown_first.get(loc.domain_path) != facts.path:
        return out
    hint = domain_hint(loc.domain)
    if hint:
        out.append(
            UNKNOWN_DOMAIN(
                facts.path,
                (0, 0, 0, 0),
                f"Initializer has no domain '{loc.domain}', so it never reads {loc.domain_path}/; "
                f"did you mean '{hint[0]}'?",
                severity="warning",
                data={"rename-folder": hint},
            )
        )
    else:
        out.append(
            UNKNOWN_DOMAIN(
                facts.path,
                (0, 0, 0, 0),
                f"Initializer has no domain '{loc.domain}' and does not read {loc.domain_path}/ "
                "(another module may)",
            )
        )
    return out


def _files(index, facts, parents) -> list[Diagnostic]:
    """Paths named by report descriptors (relative to the descriptor's folder). With a parent
    config declared, a missing file may come from it (files are layered by name), so
    that is only a hint."""
    out = []
    for fr in facts.file_refs:
        _real, why = resolve_in_root(index.real_root, fr.target)
        if not why:
            continue
        if parents:
            out.append(
                MISSING_FILE(
                    facts.path,
                    fr.range,
                    f"{why}; it may come from {', '.join(parents)} (dependencies.yml), whose files "
                    "are layered under this one's",
                    severity="hint",
                )
            )
        else:
            out.append(MISSING_FILE(facts.path, fr.range, why))
    return out


def _repeated_global_properties(project: Project, index, facts) -> list[Diagnostic]:
    """A global property another file of the configuration leaves at another value: the
    file Initializer loads last wins (files in path order). Within one file the values are
    saved in order, so a staged sequence is deliberate: only each file's last value counts,
    and the same value twice changes nothing."""
    out = []
    if not index.defs.get("iniz:globalproperties"):
        return out  # the rows of a domain CSV set none
    for kd in _last_per_key(facts.keys, facts.path):
        mine = _gp_value(kd)
        differ = []
        for p, d in _last_definitions(index.defs.get(kd.namespace, {}).get(kd.key, ())):
            if p == facts.path or _gp_value(d) == mine:
                continue
            if identity.loaded_together(project.survey, project.layout, facts.path, p):
                differ.append((p, d))
        if not differ:
            continue
        last = max([facts.path, *(p for p, _d in differ)], key=lambda p: _inner(project, p))
        where = ", ".join(f"{p}:{d.range[0] + 1}" for p, d in differ[:3])
        out.append(
            DUPLICATE_KEY(
                facts.path,
                kd.range,
                f"global property '{kd.key}' is set to another value at {where}; the file "
                f"Initializer loads last ({'this one' if last == facts.path else last}) wins",
                related=[Related(p, d.range, "also set here") for p, d in differ[:10]],
            )
        )
    return out


def _last_per_key(keys, path: str):
    """A file's global properties, each at its last setting (the value it leaves)."""
    last = {}
    for kd in keys:
        if kd.namespace == "iniz:globalproperties":
            last[kd.key] = kd
    return list(last.values())


def _last_definitions(defs):
    """Each file's last setting among a property's definitions."""
    last = {}
    for p, d in defs:
        if p not in last or d.range > last[p].range:
            last[p] = d
    return list(last.items())


def _gp_value(kd) -> object:
    return kd.value.get("value") if isinstance(kd.value, dict) else None


def _inner(project: Project, path: str) -> str:
    loc = project.layout.locate(path)
    return f"{loc.domain}/{loc.inner}" if loc is not None else path
