"""The effective configuration in the editor: which definition of the object under the
cursor wins and who else defines it (a part of the hover), and a code lens on each object
that other files define too ("also in N files").

Answered by `project/effective.py` with the editor's current text, so the hover says what
`bundle-ls report` would say of the files as they are in the editor.
"""

from __future__ import annotations

from dataclasses import dataclass

from bundle_ls.dialects.objects import ConfigObject
from bundle_ls.documents.facts import content_of
from bundle_ls.documents.gcpause import no_cyclic_gc
from bundle_ls.documents.model import Range
from bundle_ls.documents.results import Location
from bundle_ls.editor.view import ProjectView
from bundle_ls.project.effective import (
    Definition,
    EffectiveValue,
    also_defined_in,
    effective_of,
)
from bundle_ls.project.objects import ProjectObjects, Sources

MAX_FIELDS = 8  # fields of a winning value shown in a hover
MAX_VALUE = 80  # characters of one value shown
MAX_PLACES = 10  # other definitions listed in a hover


@dataclass(slots=True)
class AlsoDefined:
    """A code lens: the object at `range` is also defined in `places` (other files)."""

    range: Range
    title: str
    places: list[Location]


def project_objects(view: ProjectView) -> ProjectObjects:
    return ProjectObjects(view.index, view.ws.ctx)


def editor_sources(view: ProjectView) -> Sources:
    """Files as the editor has them: an open document's buffer, else the disk."""

    def text_of(rel: str) -> str | None:
        lines = view.lines(rel)
        return "\n".join(lines) if lines is not None else None

    return Sources(view.root, text_of)


def effective_at_cursor(
    view: ProjectView, rel: str, line: int, ch: int
) -> tuple[ConfigObject, EffectiveValue] | None:
    """The object whose key (or row) is at the position, and its effective value."""
    if view.facts(rel) is None:
        return None
    objects = project_objects(view)
    found = objects.object_at(rel, line, ch)
    if found is None:
        return None
    return found, effective_of(objects, found, editor_sources(view))


def effective_hover(view: ProjectView, rel: str, line: int, ch: int) -> str | None:
    """Markdown: the effective value of the object at the position, who set it, and every
    other place that defines it (linked). None when there is nothing to say: a position on
    no object, or on a row (not its key) of an object defined once."""
    got = effective_at_cursor(view, rel, line, ch)
    if got is None:
        return None
    here, ev = got
    on_key = here.range[0] == line and here.range[1] <= ch <= here.range[3]
    if not ev.others and not on_key:
        return None
    objects = project_objects(view)
    name = here.label if here.label != here.identity else here.identity
    head = f"**Effective value** of {objects.namespace_label(ev.namespace)} {_code(name)}"
    if not ev.others:
        return f"{head}: defined only here."
    w = ev.winner
    is_here = w.path == rel and w.range == here.range
    setter = "this definition" if is_here else _link(view, w)
    out = [
        f"{head}: set by {setter}{_order(w)} — {ev.rule.explanation}.",
        _value(content_of(w.value)),
        "",
        f"Also defined in {len(ev.others)} other place{'' if len(ev.others) == 1 else 's'}:",
    ]
    for other in ev.others[:MAX_PLACES]:
        d = other.definition
        mark = " (here)" if d.path == rel and d.range == here.range else ""
        out.append(f"- {_link(view, d)}{_order(d)}{mark} — {_comparison(other)}")
    if len(ev.others) > MAX_PLACES:
        out.append(f"- … {len(ev.others) - MAX_PLACES} more")
    return "\n".join(part for part in out if part is not None)


def also_defined_lenses(view: ProjectView, rel: str) -> list[AlsoDefined]:
    """One lens per object of the file that other files define too."""
    if view.facts(rel) is None:
        return []
    out = []
    # Many short-lived objects (one per row of a large file), no reference cycles.
    with no_cyclic_gc():
        found = also_defined_in(project_objects(view), rel)
    for o, others in found:
        n = len({d.path for d in others})
        title = f"also in {n} file{'' if n == 1 else 's'}"
        out.append(AlsoDefined(o.range, title, [Location(d.path, d.range) for d in others]))
    return out


# ---- words -------------------------------------------------------------------------------------


def _code(text: str) -> str:
    """Inline code that holds any text (backticks in it included)."""
    text = text.replace("\n", " ")
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _link(view: ProjectView, d: Definition) -> str:
    uri = (view.root / d.path).as_uri()
    line = d.range[0] + 1
    return f"[{d.path}:{line}]({uri}#L{line},{d.range[1] + 1})"


def _order(d: Definition) -> str:
    return f" (order {d.order})" if d.order is not None else ""


def _comparison(other) -> str:
    if other.identical is None:
        return "not compared"
    if other.identical:
        return "identical"
    if other.differs:
        return "differs in " + ", ".join(other.differs)
    return f"different: {_short(content_of(other.definition.value))}"


def _value(value: object) -> str | None:
    """The winning value, a few fields at most."""
    if value is None:
        return None
    if isinstance(value, dict):
        items = list(value.items())
        shown = [f"{k}: {_short(v)}" for k, v in items[:MAX_FIELDS]]
        if len(items) > MAX_FIELDS:
            shown.append(f"… {len(items) - MAX_FIELDS} more")
        return "\n".join(["", *(f"- {_code(s)}" for s in shown)])
    return "\n" + _code(_short(value))


def _short(value: object) -> str:
    if isinstance(value, dict):
        text = ", ".join(f"{k}: {_short(v)}" for k, v in value.items())
    elif isinstance(value, list | tuple):
        text = "[" + ", ".join(_short(v) for v in value) + "]"
    else:
        text = "null" if value is None else str(value)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


# ---- "Show effective configuration": one namespace's view -------------------------------------


@dataclass(slots=True)
class NamespaceChoice:
    namespace: str
    label: str
    objects: int
    files: list[str]  # the files that define its objects


def namespaces_with_objects(view: ProjectView) -> list[NamespaceChoice]:
    """Every namespace that holds objects, with how many and where (by label)."""
    objects = project_objects(view)
    found: dict[str, NamespaceChoice] = {}
    for path, objs in objects.by_file().items():
        for o in objs:
            c = found.get(o.namespace)
            if c is None:
                c = found[o.namespace] = NamespaceChoice(
                    o.namespace, objects.namespace_label(o.namespace), 0, []
                )
            c.objects += 1
            if not c.files or c.files[-1] != path:
                c.files.append(path)
    return sorted(found.values(), key=lambda c: (c.label.lower(), c.namespace))


def namespace_at(view: ProjectView, rel: str, line: int, ch: int) -> str | None:
    """The namespace of the object under the cursor, else of the file's first object."""
    if view.facts(rel) is None:
        return None
    objects = project_objects(view)
    here = objects.object_at(rel, line, ch)
    if here is not None:
        return here.namespace
    first = objects.of_file(rel)
    return first[0].namespace if first else None
