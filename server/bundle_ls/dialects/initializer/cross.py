"""Cross-file findings for Initializer configuration, from the project index.

- references between domains, resolved as Initializer resolves them (uuid or name, case
  aside; concepts also by mapping and from OCL zips). Most references in real
  repositories point outside the folder (core metadata, CIEL, a parent config), so an
  unresolved reference is an error only when it is a near miss of a local name or of a
  core value (a typo); otherwise nothing is said.
- `${…}` placeholders without a constant (`unresolved-placeholder`)
- the same uuid defined twice in one domain (`duplicate-uuid`, warning, both places)
- a domain whose module content.properties / distro.properties does not list
- a folder Initializer does not know (`unknown-domain`)
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bundle_ls.dialects.initializer.codes import (
    DUPLICATE_UUID,
    UNKNOWN_DOMAIN,
    UNRESOLVED_PLACEHOLDER,
)
from bundle_ls.dialects.initializer.layout import OTHER_CONSUMERS, Layout
from bundle_ls.dialects.initializer.names import id_kind, names_of
from bundle_ls.dialects.initializer.ocl import OclConcepts
from bundle_ls.dialects.initializer.spec import (
    CONSTANT_NS,
    MODULE_NS,
    PREFIX,
    domains,
    known_values,
)
from bundle_ls.documents.codes import (
    DUPLICATE_KEY,
    MISSING_FILE,
    MODULE_NOT_INSTALLED,
    UNRESOLVED_REFERENCE,
)
from bundle_ls.documents.model import Diagnostic, Related
from bundle_ls.documents.paths import resolve_in_root
from bundle_ls.documents.suggest import did_you_mean

if TYPE_CHECKING:
    from bundle_ls.documents.facts import FileFacts, KeyDef
    from bundle_ls.index.project_index import ProjectIndex

_UUIDISH = re.compile(r"^[0-9a-fA-F-]{32,36}$|^\d+A+$")
_DIGITS = re.compile(r"\d")


class _State:
    """Per-index caches of what the file-level checks read, rebuilt when the index changes
    (its generation moves); what the checks of references read is kept current instead
    (names.py)."""

    def __init__(self, generation: int) -> None:
        self.generation = generation
        self.unknown_first: dict[str, str] | None = None


def _state(index: ProjectIndex) -> _State:
    st = index.derived.get("initializer")
    if st is None or st.generation != index.generation:
        st = index.derived["initializer"] = _State(index.generation)
    return st


def fold(text: str) -> str:
    """Text as a MySQL `*_general_ci` collation compares it: no case, no accents, trimmed."""
    text = text.strip().lower()
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _id_kind(kd) -> str | None:
    return kd.value.get("id") if isinstance(kd.value, dict) else None


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


def resolves(index, ns: str, value: str, iniz_root: str, ocl: bool = True) -> bool:
    """Whether `value` names an entity of `ns` defined here, in core or (with `ocl`) in the
    OCL zips of the Initializer folder `iniz_root`."""
    v = value.strip()
    if names_of(index, fold).is_defined(ns, fold(v)):
        return True
    domain = ns[len(PREFIX) :]
    if v.lower() in known_values(domain):
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
    return kd.namespace == "iniz:globalproperties" or id_kind(kd) == "uuid"


def check_references(layout: Layout, index: ProjectIndex, facts: FileFacts) -> list[Diagnostic]:
    """References and definitions repeated, judged from what names.py keeps current (the
    usual cases inline). Kept by the index until key definitions change, and re-checked
    row by row after an edit."""
    loc = layout.locate(facts.path)
    if loc is None and not any(
        r.namespaces and r.namespaces[0].startswith(PREFIX) for r in facts.refs
    ):
        return []
    out: list[Diagnostic] = []
    iniz_root = loc.root if loc is not None else ""
    names = names_of(index, fold)
    defined, created = names.defined, names.created
    path = facts.path
    for ref in facts.refs:
        nss = ref.namespaces
        ns = nss[0]
        if not ns.startswith(PREFIX) or ns == CONSTANT_NS:
            continue
        if len(nss) == 1:
            # The usual cases first, inline (a 10,000-row file has 35,000 references):
            # a name a row defines, a tag a cell elsewhere creates. `_reference` says the same.
            key = ref.key
            folded = key.strip().lower() if key.isascii() else fold(key)
            rows = defined.get(ns)
            if rows and folded in rows:
                continue
            places = created.get(ns)
            places = places.get(folded) if places else None
            if places and (len(places) > 1 or (path, ref.range) not in places):
                continue
        finding = _reference(index, path, ref, iniz_root)
        if finding is not None:
            out.append(finding)
    out.extend(_duplicate_uuids(index, facts))
    out.extend(_repeated_global_properties(index, facts))
    return out


def check_files(layout: Layout, index: ProjectIndex, facts: FileFacts) -> list[Diagnostic]:
    """What reads more than key definitions (which files exist, the module list, the
    constants and parents), checked again whenever the file is: placeholders, files named,
    domains and their modules."""
    loc = layout.locate(facts.path)
    out: list[Diagnostic] = []
    parents = list(index.defs.get("iniz:dependency", {}).keys())
    constants = index.defs.get(CONSTANT_NS)
    for ref in facts.refs:
        if ref.namespaces[0] != CONSTANT_NS or (constants and ref.key in constants):
            continue
        if constants or parents:
            # without constants.* nor dependencies.yml the project does not use the
            # packager, and `${…}` means something else (Bahmni's SQL parameters)
            out.append(_placeholder(facts.path, ref, index, parents))
    if loc is not None:
        out.extend(_files(index, facts, parents))
        out.extend(_module_and_domain(layout, index, _state(index), facts, loc))
    return out


def _reference(index, path: str, ref, iniz_root: str) -> Diagnostic | None:
    """A reference to another domain that resolves nowhere and is a near miss of a known
    name (a typo); None for anything else (most names are defined outside the folder)."""
    if "${" in ref.key:
        return None
    if any(resolves(index, n, ref.key, iniz_root, ocl=False) for n in ref.namespaces):
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
        ref.namespaces, ref.key, near_miss, lambda n: _pretty_known(n[len(PREFIX) :])
    )
    if hit is None:
        return None
    # only now read the OCL zips (slow): a name they define is not a typo
    if any(resolves(index, n, ref.key, iniz_root) for n in ref.namespaces):
        return None
    where = " or ".join(n[len(PREFIX) :] for n in ref.namespaces)
    related = None
    for n in ref.namespaces:
        defs = index.defs.get(n, {}).get(hit)
        if defs:
            p, kd = defs[0]
            related = [Related(p, kd.range, f"'{hit}' is defined here")]
            break
    return UNRESOLVED_REFERENCE(
        path,
        ref.range,
        f"no {where} '{ref.key}' here or in OpenMRS core; did you mean '{hit}'?",
        related=related,
        data={"replace": [hit]},
    )


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


def _pretty_known(domain: str) -> list[str]:
    from bundle_ls.dialects.initializer.spec import known_display

    return known_display(domain)


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


def _duplicate_uuids(index, facts) -> list[Diagnostic]:
    out = []
    all_defs = index.defs
    for kd in facts.keys:
        bucket = all_defs.get(kd.namespace)
        defs = bucket.get(kd.key, ()) if bucket is not None else ()
        if len(defs) < 2:
            continue  # the usual case, said first as it is the cheapest question
        if not kd.namespace.startswith(PREFIX) or id_kind(kd) != "uuid":
            continue
        defs = [d for d in defs if isinstance(d[1].value, dict) and d[1].value.get("id") == "uuid"]
        if len(defs) < 2:
            continue
        others = [(p, d) for p, d in defs if not (p == facts.path and d.range == kd.range)]
        domain = kd.namespace[len(PREFIX) :]
        where = ", ".join(f"{p}:{d.range[0] + 1}" for p, d in others[:3])
        renamed = _renamed(domain, kd, others)
        if renamed is not None:
            p, d = renamed
            out.append(
                DUPLICATE_UUID(
                    facts.path,
                    kd.range,
                    f"{domain} uuid '{kd.key}' is also defined at {p}:{d.range[0] + 1} as "
                    f"'{d.value.get('name')}', not '{kd.value.get('name')}'; Initializer cannot "
                    f"rename a {domain[:-1]}, so the row loaded second fails",
                    severity="error",
                    related=[Related(p, d.range, "also defined here")],
                )
            )
            continue
        out.append(
            DUPLICATE_UUID(
                facts.path,
                kd.range,
                f"{domain} uuid '{kd.key}' is also defined at {where}; Initializer loads both and "
                "the last one loaded wins",
                related=[Related(p, d.range, "also defined here") for p, d in others[:10]],
            )
        )
    return out


def _renamed(domain: str, kd, others):
    """For privileges and roles, another definition of the uuid under another name: the
    parser throws when a uuid it finds carries a different name (names are immutable)."""
    if domain not in ("privileges", "roles"):
        return None
    name = kd.value.get("name")
    for p, d in others:
        other = d.value.get("name")
        if name and other and other != name:
            return p, d
    return None


def _module_and_domain(layout: Layout, index, st: _State, facts, loc) -> list[Diagnostic]:
    out = []
    if loc.known:
        domain = domains()[loc.domain]
        modules = index.defs.get(MODULE_NS)
        if domain.module and modules and domain.module not in modules and facts.kind == "csv":
            rng = facts.namespaces.get(domain.namespace, (0, 0, 0, 0))
            src = sorted({p for defs in modules.values() for p, _ in defs})
            out.append(
                MODULE_NOT_INSTALLED(
                    facts.path,
                    rng,
                    f"Initializer reads '{loc.domain}' only when the '{domain.module}' module is "
                    f"installed, and {', '.join(src)} does not list omod.{domain.module}; this "
                    "folder will be skipped",
                )
            )
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


def _repeated_global_properties(index, facts) -> list[Diagnostic]:
    """A global property set in two places: the file Initializer loads last wins."""
    out = []
    if not index.defs.get("iniz:globalproperties"):
        return out  # the rows of a domain CSV do not set any
    for kd in facts.keys:
        if kd.namespace != "iniz:globalproperties":
            continue
        defs = index.defs.get(kd.namespace, {}).get(kd.key, ())
        others = [(p, d) for p, d in defs if not (p == facts.path and d.range == kd.range)]
        if not others:
            continue
        mine = kd.value.get("value") if isinstance(kd.value, dict) else None
        differ = [
            (p, d)
            for p, d in others
            if (d.value.get("value") if isinstance(d.value, dict) else None) != mine
        ]
        where = ", ".join(f"{p}:{d.range[0] + 1}" for p, d in others[:3])
        what = "to another value" if differ else "to the same value"
        out.append(
            DUPLICATE_KEY(
                facts.path,
                kd.range,
                f"global property '{kd.key}' is also set {what} at {where}; the file Initializer "
                "loads last wins",
                related=[Related(p, d.range, "also set here") for p, d in others[:10]],
            )
        )
    return out
