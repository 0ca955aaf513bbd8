"""Code actions: the quick fixes that diagnostics suggest.

`data.replace` (a close match: "did you mean") → replace the text with each suggestion;
`data.add` (a missing required property) → add it to the object (YAML) or add the column
to the header (CSV). The edits are returned; the server never writes files itself.
"""

from __future__ import annotations

from bundle_ls.documents.model import MAPPING, SCALAR, SEQUENCE, Diagnostic, Node
from bundle_ls.documents.positions import utf16_len
from bundle_ls.documents.quoting import csv_cell, inside_quotes, yaml_text
from bundle_ls.documents.results import CodeAction, TextEdit
from bundle_ls.editor.view import ProjectView


def code_actions(view: ProjectView, rel: str, rng) -> list[CodeAction]:
    out: list[CodeAction] = []
    for d in view.diagnostics(rel):
        if d.path != rel or not d.data or not _overlaps(d.range, rng):
            continue
        for suggestion in d.data.get("replace") or ():
            out.append(_replace(view, rel, d, suggestion, first=not out))
        missing = d.data.get("add") or ()
        if missing:
            action = _add(view, rel, d, list(missing))
            if action is not None:
                out.append(action)
    return out


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
