"""When two definitions of one entity are a problem, and which one wins.

Initializer loads the files of a domain in order (`OrderedFile.compareTo`: the header's
`_order:N`, then the absolute path) and their rows top to bottom; a row of an entity that
exists already updates it, so the row loaded last wins. Two rows of one uuid are harmless
when (docs/initializer-loaders.md §1):

- they set the same values (compared after Initializer's header normalisation, empty
  cells as absent, `_…` metadata and `Display:<locale>` columns aside);
- every row but one is retired: `CsvParser.shouldFill` only retires an entity that
  exists, reading none of the retired row's other cells (define then retire; a row that
  retires before another restores it);
- they come from content packages that never load together, or from files of the same
  path in two packages loaded together (the later package's file replaces the other's).

Privileges and roles are different: their name cannot change (`PrivilegesCsvParser`,
`RolesCsvParser` throw "A privilege name cannot be edited"), so a second row of the uuid
under another name fails, retired or not.

Each rule is a small function over plain records, so the cross-file check that calls them
can index the records however it likes.
"""

from __future__ import annotations

from dataclasses import dataclass

from bundle_ls.dialects.initializer.distribution import Survey
from bundle_ls.dialects.initializer.layout import Layout
from bundle_ls.dialects.initializer.spec import pretty
from bundle_ls.documents.model import Range

MAX_ORDER = 2**31 - 1


@dataclass(frozen=True, slots=True)
class RowDef:
    """One definition of an entity: where it is and what it sets."""

    path: str
    range: Range
    load: tuple[int, str, int]  # (file _order, path inside the Initializer folder, line)
    retired: bool = False
    name: str | None = None
    content: tuple[tuple[str, str], ...] = ()

    @property
    def line(self) -> int:
        return self.range[0]

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line + 1}"


def row_def(layout: Layout, path: str, rng: Range, value: object) -> RowDef:
    """A RowDef from a key definition's value (csvcheck's row record)."""
    v = value if isinstance(value, dict) else {}
    loc = layout.locate(path)
    inner = f"{loc.domain}/{loc.inner}" if loc is not None else path
    order = v.get("order", MAX_ORDER)
    return RowDef(
        path,
        rng,
        (order if isinstance(order, int) else MAX_ORDER, inner, rng[0]),
        bool(v.get("retired")),
        v.get("name"),
        tuple(v.get("content") or ()),
    )


def loaded_together(survey: Survey, layout: Layout, a: str, b: str) -> bool:
    """Whether the files `a` and `b` are loaded into one configuration: the same content
    package (or none), or packages a distribution (or a dependency) combines — unless they
    have the same path inside their Initializer folders, when one replaces the other."""
    pa, pb = survey.package_of(a), survey.package_of(b)
    if pa == pb:
        return True
    if pa is None or pb is None or not survey.loaded_together(pa.artifact, pb.artifact):
        return False
    la, lb = layout.locate(a), layout.locate(b)
    if la is None or lb is None:
        return True
    return (la.domain, la.inner) != (lb.domain, lb.inner)


def renamed(domain: str, mine: RowDef, others: list[RowDef]) -> RowDef | None:
    """For privileges and roles: another definition of the uuid under another name (the
    parser compares names with `equals`, so case counts)."""
    if domain not in ("privileges", "roles") or not mine.name:
        return None
    for o in others:
        if o.name and o.name != mine.name:
            return o
    return None


def conflicting(mine: RowDef, others: list[RowDef]) -> list[RowDef]:
    """The other active rows that set other values than this active row (none when this
    row is retired: it only retires, or is overridden)."""
    if mine.retired:
        return []
    return [o for o in others if not o.retired and o.content != mine.content]


def differing_fields(a: RowDef, b: RowDef) -> list[tuple[str, str, str]]:
    """(column, value in a, value in b) for every column the two rows set differently."""
    da, db = dict(a.content), dict(b.content)
    out = []
    for name in sorted(set(da) | set(db), key=lambda n: (n not in da, n)):
        if da.get(name, "") != db.get(name, ""):
            out.append((pretty(name), da.get(name, ""), db.get(name, "")))
    return out


def describe_difference(mine: RowDef, other: RowDef) -> str:
    fields = differing_fields(mine, other)
    if not fields:
        return "other values"
    name, here, there = fields[0]
    first = f"{name} ({_shown(here)} here, {_shown(there)} there)"
    rest = [f[0] for f in fields[1:4]]
    more = " …" if len(fields) > 4 else ""
    return ", ".join([first, *rest]) + more


def _shown(value: str) -> str:
    return f"'{value}'" if value else "not set"


def winner(rows: list[RowDef]) -> RowDef:
    """The row Initializer loads last: by `_order`, then path, then line."""
    return max(rows, key=lambda r: r.load)
