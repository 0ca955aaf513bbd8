"""Code actions: the quick fixes that diagnostics suggest.

`data.replace` (a close match: "did you mean") → replace the text with each suggestion;
`data.add` (a missing required property) → add it to the object (YAML) or add the column
to the header (CSV). The edits are returned; the server never writes files itself.

Every fix is tried before it is offered: the file is analysed with the edit applied, and a
fix whose result has an error the file did not have (a header renamed onto one that is
already there, which stops the whole file from loading) is left out. The try is the
file's own analysis, the same as `--check` makes of it; checks across files are not re-run.
"""

from __future__ import annotations

from collections import Counter

from bundle_ls.documents.model import MAPPING, SCALAR, SEQUENCE, Diagnostic, Node
from bundle_ls.documents.positions import LineIndex, utf16_len
from bundle_ls.documents.quoting import csv_cell, inside_quotes, yaml_text
from bundle_ls.documents.results import CodeAction, TextEdit
from bundle_ls.editor.view import ProjectView


def code_actions(view: ProjectView, rel: str, rng) -> list[CodeAction]:
    # Each fix with the codes its result may newly show: a property or column added for the
    # user to fill in has no value yet (`schema`), a replacement is complete.
    found: list[tuple[CodeAction, frozenset[str]]] = []
    for d in view.diagnostics(rel):
        if d.path != rel or not d.data or not _overlaps(d.range, rng):
            continue
        for suggestion in d.data.get("replace") or ():
            found.append((_replace(view, rel, d, suggestion, first=not found), frozenset()))
        missing = d.data.get("add") or ()
        if missing:
            action = _add(view, rel, d, list(missing))
            if action is not None:
                found.append((action, TO_FILL_IN))
    if not found:
        return []
    safe = _SafeFixes(view, rel)
    kept = [a for a, expected in found if safe.keeps(a, expected)]
    if kept and not any(a.preferred for a in kept):
        kept[0].preferred = True
    return kept


# What an added property or column shows until the user fills it in.
TO_FILL_IN = frozenset(("schema",))


def _overlaps(a, b) -> bool:
    return not ((a[2], a[3]) < (b[0], b[1]) or (b[2], b[3]) < (a[0], a[1]))


def _replace(
    view: ProjectView, rel: str, d: Diagnostic, suggestion: str, first: bool
) -> CodeAction:
    embedded = view.language_at(rel, d.range[0], d.range[1])
    if embedded is not None:  # inside a value: written as its language and scalar style need
        language, fact = embedded
        edits = language.replace_edits(view, rel, fact, d.range, suggestion)
        if edits:
            return CodeAction(f"Change to '{suggestion}'", edits, d, preferred=first)
    if rel.lower().endswith(".csv"):
        text, rng = csv_cell(suggestion), d.range
    else:
        rng, quote = inside_quotes(view.lines(rel), d.range)
        text = yaml_text(quote, suggestion)
    return CodeAction(f"Change to '{suggestion}'", [TextEdit(rel, rng, text)], d, preferred=first)


def _add(view: ProjectView, rel: str, d: Diagnostic, names: list[str]) -> CodeAction | None:
    lines = view.lines(rel)
    if lines is None:
        return None
    title = "Add " + ", ".join(f"'{n}'" for n in names)
    if rel.lower().endswith(".csv"):
        header_line = next((i for i, t in enumerate(lines) if t.strip()), None)
        if header_line is None:
            return None
        header = [c.strip() for c in lines[header_line].split(",")]
        new = [n for n in names if n not in header]
        if not new:
            return None
        end = utf16_len(lines[header_line].rstrip())
        edit = TextEdit(rel, (header_line, end, header_line, end), "".join("," + n for n in new))
        return CodeAction(f"Add column {', '.join(repr(n) for n in new)}", [edit], d, True)
    root, _prefix = view.tree_at(rel, d.range[0])
    mapping = _mapping_with_first_key(root, d.range)
    if mapping is None:
        return None
    first_key = mapping.items[0][0]
    indent = first_key.range[1]
    line_text = lines[first_key.range[0]]
    if "{" in line_text[: first_key.range[1]] and "- " not in line_text[: first_key.range[1]]:
        return None  # a flow mapping: leave it to the user
    last = _last_line(mapping, len(lines))
    end = utf16_len(lines[last])
    text = "".join(f"\n{' ' * indent}{n}: " for n in names)
    return CodeAction(title, [TextEdit(rel, (last, end, last, end), text)], d, True)


def _mapping_with_first_key(root: Node | None, rng) -> Node | None:
    """The mapping whose first key sits at `rng` (the range of a missing-property error)."""
    if root is None:
        return None
    stack = [root]
    while stack:
        n = stack.pop()
        if n.kind == MAPPING:
            if n.items and n.items[0][0].range == rng:
                return n
            for _k, v in n.items:
                if v.kind != SCALAR and (v.range[0] <= rng[0] <= v.range[2]):
                    stack.append(v)
        elif n.kind == SEQUENCE:
            for c in n.items:
                if c.kind != SCALAR and (c.range[0] <= rng[0] <= c.range[2]):
                    stack.append(c)
    return None


def _last_line(node: Node, n_lines: int) -> int:
    """The last line holding text of a node (block collections end at the next token)."""
    while node.kind in (MAPPING, SEQUENCE) and node.items:
        last = node.items[-1]
        node = last[1] if node.kind == MAPPING else last
    r = node.range
    line = r[2]
    if r[3] == 0 and line > r[0]:
        line -= 1
    return min(line, n_lines - 1)


class _SafeFixes:
    """Tries fixes on the file's current text: a fix is kept when the errors of the edited
    text are among those of the text as it is (less the one fixed), or expected of it."""

    def __init__(self, view: ProjectView, rel: str) -> None:
        self.view = view
        self.rel = rel
        self.lines = view.lines(rel) or []
        self.before = self._errors("\n".join(self.lines))

    def _errors(self, text: str) -> Counter[tuple[str, str]]:
        _doc, facts = self.view.ws.analyze_text(self.rel, text)
        found = self.view.ws.ctx.policy.apply(facts.diagnostics)
        return Counter((d.code, d.message) for d in found if d.severity == "error")

    def keeps(self, action: CodeAction, expected: frozenset[str]) -> bool:
        edits = [e for e in action.edits if e.path == self.rel]
        if not edits:
            return True
        after = self._errors(apply_edits(self.lines, edits))
        return all(code in expected for code, _message in after - self.before)


def apply_edits(lines: list[str], edits: list[TextEdit]) -> str:
    """The text with the edits applied (ranges in UTF-16 code units; edits do not overlap)."""
    li = LineIndex.over(lines)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    text = "\n".join(lines)

    def at(line: int, ch16: int) -> int:
        if line >= len(lines):
            return len(text)
        return offsets[line] + li.from_utf16(line, ch16)

    for e in sorted(edits, key=lambda e: (e.range[0], e.range[1]), reverse=True):
        start, end = at(e.range[0], e.range[1]), at(e.range[2], e.range[3])
        text = text[:start] + e.new_text + text[end:]
    return text
