"""Value offsets ↔ document positions through every YAML scalar style and CSV cells."""

from __future__ import annotations

import io

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from bundle_ls.dialects.permissions.expr import parse
from bundle_ls.documents.csv_doc import parse_csv
from bundle_ls.documents.model import MAPPING, SEQUENCE, Node
from bundle_ls.documents.positions import LineIndex
from bundle_ls.documents.source_map import map_csv_cell, map_yaml_scalar, value_edits
from bundle_ls.documents.yaml_doc import parse_yaml


def find(node: Node | None, key: str) -> Node | None:
    if node is None:
        return None
    if node.kind == MAPPING:
        for k, v in node.items:
            if k.value == key:
                return v
            got = find(v, key)
            if got is not None:
                return got
    if node.kind == SEQUENCE:
        for c in node.items:
            got = find(c, key)
            if got is not None:
                return got
    return None


def yaml_map(doc: str, key: str = "when"):
    lines = LineIndex(doc)
    node = find(parse_yaml(doc, lines).root, key)
    assert node is not None
    value = node.value if isinstance(node.value, str) else str(node.value).lower()
    return map_yaml_scalar(lines.lines, node.range, value), lines


def name_range(doc: str, name: str, key: str = "when"):
    """The document range of the first atom named `name` in the `when` expression."""
    smap, _ = yaml_map(doc, key)
    parsed = parse(smap.value)
    atom = next(a for a in _atoms(parsed) if a.name == name)
    return smap.range(*atom.name_span)


def _atoms(parsed):
    from bundle_ls.dialects.permissions.expr import atoms

    return atoms(parsed.expr)


# ---- exact positions, one test per style ------------------------------------------------------


def test_plain_scalar_maps_one_to_one() -> None:
    doc = 'permissionRules:\n  - key: a\n    when: role(Nurse) and tag("Ward é")\n'
    assert name_range(doc, "Nurse") == (2, 15, 2, 20)
    assert name_range(doc, "Ward é") == (2, 31, 2, 37)


def test_plain_scalar_folded_over_lines() -> None:
    doc = "r:\n  - when: role(Nurse) and\n      tag(Ward)\n\n      or role(Clerk)\n"
    smap, _ = yaml_map(doc)
    assert smap.value == "role(Nurse) and tag(Ward)\nor role(Clerk)"
    assert name_range(doc, "Ward") == (2, 10, 2, 14)
    assert name_range(doc, "Clerk") == (4, 14, 4, 19)
    # the folded space stands for the line break: it runs from the end of one line to the
    # first character of the next
    space = smap.value.index(" tag")
    assert smap.range(space, space + 1) == (1, 25, 2, 6)


def test_single_quoted_scalar_with_doubled_quotes() -> None:
    doc = "r:\n  - when: 'tag(''Inpatient Ward'') or role(Nurse)'\n"
    assert name_range(doc, "Inpatient Ward") == (1, 17, 1, 31)
    assert name_range(doc, "Nurse") == (1, 43, 1, 48)
    smap, _ = yaml_map(doc)
    quote = smap.value.index("'")
    assert smap.range(quote, quote + 1) == (1, 15, 1, 17)  # `''` is one character of value


def test_double_quoted_scalar_with_escapes() -> None:
    doc = 'r:\n  - when: "role(\\"Nur\\u00e9s\\") and tag(W\\x41rd) or role(\\"a\\\\b\\")"\n'
    smap, _ = yaml_map(doc)
    assert smap.value == 'role("Nurés") and tag(WArd) or role("a\\b")'
    assert name_range(doc, "Nurés") == (1, 18, 1, 28)  # `Nur\u00e9s`
    assert name_range(doc, "WArd") == (1, 40, 1, 47)  # `W\x41rd`
    assert name_range(doc, "a\\b") == (1, 59, 1, 63)  # `a\\b`


def test_double_quoted_scalar_with_folding_and_an_escaped_line_break() -> None:
    doc = 'r:\n  - when: "role(A) and\n      tag(Long\\\n      Name) or\n\n      role(B)"\n'
    smap, _ = yaml_map(doc)
    assert smap.value == "role(A) and tag(LongName) or\nrole(B)"
    # the escaped break joins `Long` and `Name`: the name spans two lines
    assert name_range(doc, "LongName") == (2, 10, 3, 10)
    assert name_range(doc, "B") == (5, 11, 5, 12)


def test_literal_block_scalar() -> None:
    doc = "r:\n  - when: |\n      role(Nurse) and\n        tag(Ward)\n    key: x\n"
    smap, _ = yaml_map(doc)
    assert smap.value == "role(Nurse) and\n  tag(Ward)\n"
    assert name_range(doc, "Nurse") == (2, 11, 2, 16)
    assert name_range(doc, "Ward") == (3, 12, 3, 16)


def test_literal_block_scalar_with_indentation_indicator_and_keep_chomping() -> None:
    doc = "r:\n  - when: |2+\n       role(A)\n      or tag(B)\n\n    key: x\n"
    smap, _ = yaml_map(doc)
    assert smap.value == " role(A)\nor tag(B)\n\n"
    assert name_range(doc, "A") == (2, 12, 2, 13)
    assert name_range(doc, "B") == (3, 13, 3, 14)


def test_folded_block_scalar_with_strip_chomping() -> None:
    doc = "r:\n  - when: >-\n      role(Nurse) and\n      tag(Ward)\n\n      or role(Clerk)\n    key: x\n"
    smap, _ = yaml_map(doc)
    assert smap.value == "role(Nurse) and tag(Ward)\nor role(Clerk)"
    assert name_range(doc, "Ward") == (3, 10, 3, 14)
    assert name_range(doc, "Clerk") == (5, 14, 5, 19)


def test_folded_block_scalar_keeps_breaks_around_more_indented_lines() -> None:
    doc = "r:\n  - when: >\n      role(A)\n        or role(B)\n      or role(C)\n"
    smap, _ = yaml_map(doc)
    assert smap.value == "role(A)\n  or role(B)\nor role(C)\n"
    assert name_range(doc, "B") == (3, 16, 3, 17)
    assert name_range(doc, "C") == (4, 14, 4, 15)


def test_anchor_and_tag_before_the_scalar_are_skipped() -> None:
    doc = "r:\n  - when: &cond !!str role(Nurse)\n"
    assert name_range(doc, "Nurse") == (1, 27, 1, 32)


def test_columns_count_utf16_code_units() -> None:
    # 𠀀 (a CJK letter beyond the BMP) is two UTF-16 code units; é is one
    doc = 'r:\n  - when: "tag(\\"𠀀 é\\") and role(𠀀x)"\n'
    assert name_range(doc, "𠀀 é") == (1, 17, 1, 21)
    assert name_range(doc, "𠀀x") == (1, 34, 1, 37)


def test_a_bare_yaml_boolean_maps_as_its_text() -> None:
    smap, _ = yaml_map("r:\n  - when: true\n")
    assert smap.exact and smap.range(0, 4) == (1, 10, 1, 14)


def test_a_value_that_does_not_match_the_source_maps_every_span_to_the_whole_scalar() -> None:
    doc = "r:\n  - when: role(A)\n"
    lines = LineIndex(doc)
    node = find(parse_yaml(doc, lines).root, "when")
    smap = map_yaml_scalar(lines.lines, node.range, "something else")
    assert not smap.exact
    assert smap.range(2, 4) == node.range


# ---- CSV --------------------------------------------------------------------------------------


def csv_map(text: str, row: int = 0, col: int = 2):
    lines = LineIndex(text)
    table = parse_csv(text, lines)
    cell = table.rows[row][1][col]
    return map_csv_cell(lines.lines, cell.range, cell.text), cell


def test_csv_quoted_cell_with_doubled_quotes() -> None:
    text = 'key,grant,when\nnight,Task: Dispense,"role(Pharmacist) and tag(""Night Pharmacy"")"\n'
    smap, cell = csv_map(text)
    assert cell.text == 'role(Pharmacist) and tag("Night Pharmacy")'
    assert smap.style == "csv-quoted"
    atom = _atoms(parse(smap.value))[1]
    assert smap.range(*atom.name_span) == (1, 49, 1, 63)
    assert smap.range(*atom.name_token_span) == (1, 47, 1, 65)  # `""Night Pharmacy""`


def test_csv_quoted_cell_without_doubled_quotes_and_surrounding_spaces() -> None:
    text = "key,grant,when\nk,X,  \"  role('Senior Nurse') \"\n"
    smap, _ = csv_map(text)
    atom = _atoms(parse(smap.value))[0]
    assert smap.style == "csv-quoted"
    assert smap.range(*atom.name_span) == (1, 15, 1, 27)


def test_csv_unquoted_cell() -> None:
    text = "key,grant,when\nk,X, role(Nurse) and tag(Ward)\n"
    smap, _ = csv_map(text)
    assert smap.style == "csv"
    assert smap.range(*_atoms(parse(smap.value))[1].name_span) == (1, 25, 1, 29)


def test_csv_quoted_cell_over_several_lines() -> None:
    text = 'key,grant,when\nk,X,"role(Nurse) and\ntag(""𝄞 Ward"")"\n'
    smap, cell = csv_map(text)
    assert cell.text == 'role(Nurse) and\ntag("𝄞 Ward")'
    atom = _atoms(parse(smap.value))[1]
    assert smap.range(*atom.name_span) == (2, 6, 2, 13)


# ---- back from a cursor -----------------------------------------------------------------------


def test_a_cursor_maps_back_to_a_value_offset() -> None:
    doc = 'r:\n  - when: "role(\\"Nur\\u00e9s\\") or x"\n'
    smap, _ = yaml_map(doc)
    v = smap.value
    assert smap.offset_at(1, 18) == v.index("Nur")
    assert smap.offset_at(1, 21) == v.index("é")  # at the backslash of \u00e9
    assert smap.offset_at(1, 23) == v.index("é")  # inside the escape: before it
    assert smap.offset_at(1, 27) == v.index("s")
    assert smap.offset_at(1, 36) == len(v)  # after the last character, before the quote
    assert smap.offset_at(0, 3) is None  # outside the scalar


# ---- edits written back in the scalar's style -------------------------------------------------


def apply(text: str, edits) -> str:
    lines = LineIndex(text).lines
    for (sl, sc, el, ec), new in sorted(edits, reverse=True):
        li = LineIndex(text)
        a = sum(len(x) + 1 for x in lines[:sl]) + li.from_utf16(sl, sc)
        b = sum(len(x) + 1 for x in lines[:el]) + li.from_utf16(el, ec)
        text = text[:a] + new + text[b:]
        lines = LineIndex(text).lines
    return text


@pytest.mark.parametrize(
    ("doc", "expected_when"),
    [
        ("r:\n  - when: role(Nurse) or role(x)\n", 'role(Ward "Nurse") or role(x)'),
        ("r:\n  - when: 'role(Nurse) or role(x)'\n", 'role(Ward "Nurse") or role(x)'),
        ('r:\n  - when: "role(Nurse) or role(x)"\n', 'role(Ward "Nurse") or role(x)'),
        (
            "r:\n  - when: |\n      role(Nurse) or role(x)\n",
            'role(Ward "Nurse")\nor role(x)\n'[:0] + 'role(Ward "Nurse") or role(x)\n',
        ),
        (
            "r:\n  - when: >-\n      role(Nurse) or\n      role(x)\n",
            'role(Ward "Nurse") or role(x)',
        ),
    ],
)
def test_value_edits_write_quotes_the_way_each_style_needs(doc: str, expected_when: str) -> None:
    smap, _ = yaml_map(doc)
    start = smap.value.index("Nurse")
    edits = value_edits(smap, [((start, start + 5), 'Ward "Nurse"')])
    new_doc = apply(doc, edits)
    smap2, _ = yaml_map(new_doc)
    assert smap2.value == expected_when
    assert len(edits) == 1 and edits[0][0][0] == edits[0][0][2]  # a one-line, in-place edit


def test_a_plain_scalar_that_would_break_is_rewritten_quoted() -> None:
    doc = "r:\n  - when: &c privilege(X) or role(A)\n    key: k\n"
    smap, _ = yaml_map(doc)
    s = smap.value.index("X")
    edits = value_edits(smap, [((s, s + 1), '"Task: Admit Patient"')])
    new_doc = apply(doc, edits)
    assert new_doc == (
        "r:\n  - when: &c 'privilege(\"Task: Admit Patient\") or role(A)'\n    key: k\n"
    )
    assert yaml_map(new_doc)[0].value == 'privilege("Task: Admit Patient") or role(A)'


def test_csv_edits_double_quotes_or_quote_the_cell() -> None:
    quoted = 'key,grant,when\nk,X,"role(""A"") or role(B)"\n'
    smap, _ = csv_map(quoted)
    s = smap.value.index("B")
    new = apply(quoted, value_edits(smap, [((s, s + 1), '"Senior Nurse"')]))
    assert new == 'key,grant,when\nk,X,"role(""A"") or role(""Senior Nurse"")"\n'
    bare = "key,grant,when\nk,X,role(A) or role(B)\n"
    smap, _ = csv_map(bare)
    s = smap.value.index("B")
    new = apply(bare, value_edits(smap, [((s, s + 1), '"Senior, Nurse"')]))
    assert new == 'key,grant,when\nk,X,"role(A) or role(""Senior, Nurse"")"\n'
    assert csv_map(new)[1].text == 'role(A) or role("Senior, Nurse")'


# ---- every style ruamel can write, random values ----------------------------------------------

_STYLES = {
    "plain": str,
    "single": SingleQuotedScalarString,
    "double": DoubleQuotedScalarString,
    "literal": LiteralScalarString,
    "folded": FoldedScalarString,
}
_TEXT = st.text(
    alphabet=st.sampled_from(list("ab (x):'\"\\#-é𝄞\t") + [" ", " ", "\n", "\x01", "\u2028"]),
    max_size=60,
)


@settings(max_examples=max(200, settings().max_examples))
@given(
    value=_TEXT,
    style=st.sampled_from(sorted(_STYLES)),
    width=st.integers(8, 40),
    indent=st.sampled_from([2, 4]),
)
def test_every_value_character_maps_to_the_source_that_wrote_it(
    value: str, style: str, width: int, indent: int
) -> None:
    yaml = YAML()
    yaml.width = width
    yaml.indent(mapping=indent, sequence=indent + 2, offset=indent)
    buf = io.StringIO()
    yaml.dump({"rules": [{"key": "k", "when": _STYLES[style](value)}]}, buf)
    doc = buf.getvalue()
    lines = LineIndex(doc)
    parsed = parse_yaml(doc, lines)
    node = find(parsed.root, "when")
    assume(not parsed.problems and node is not None and node.value == value)
    # YAML also breaks lines at U+2028 where LSP does not: a raw one is mapped coarsely
    assume("\u2028" not in doc)
    smap = map_yaml_scalar(lines.lines, node.range, value)
    assert smap.exact, (doc, smap.style)
    spans = [smap.range(i, i + 1) for i in range(len(value))]
    for i, ch in enumerate(value):
        sl, sc, el, ec = spans[i]
        if sl != el:  # a line break folded into a space, or kept as a line feed
            assert ch in " \n", (doc, i)
            continue
        src = lines.lines[sl][lines.from_utf16(sl, sc) : lines.from_utf16(el, ec)]
        if smap.style == "double" and src.startswith("\\"):
            assert len(src) >= 2, (doc, i)
        elif smap.style == "single" and ch == "'":
            assert src == "''", (doc, i)
        elif src == "" or ch == "\n" and src != "\n":
            assert ch == "\n", (doc, i)
        else:
            assert src == ch, (doc, i, src)
    # and back: each character's start maps to its offset
    for i in range(len(value)):
        if i == 0 or spans[i][:2] != spans[i - 1][:2]:
            assert smap.offset_at(*spans[i][:2]) == i, (doc, i)


@settings(max_examples=max(200, settings().max_examples))
@given(value=st.text(alphabet=st.sampled_from(list('ab ,"é𝄞\n')), min_size=1, max_size=40))
def test_every_csv_cell_character_maps_to_the_source_that_wrote_it(value: str) -> None:
    value = value.strip()
    assume(value)
    import csv

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([["key", "when"], ["k", value]])
    text = buf.getvalue()
    lines = LineIndex(text)
    table = parse_csv(text, lines)
    cell = table.rows[0][1][1]
    assume(cell.text == value)
    smap = map_csv_cell(lines.lines, cell.range, cell.text)
    assert smap.exact
    for i, ch in enumerate(value):
        sl, sc, el, ec = smap.range(i, i + 1)
        if ch == "\n":
            assert el == sl + 1
            continue
        src = lines.lines[sl][lines.from_utf16(sl, sc) : lines.from_utf16(el, ec)]
        assert src == ('""' if ch == '"' else ch)


@settings(max_examples=max(200, settings().max_examples))
@given(
    value=st.text(alphabet=st.sampled_from(list("ab (x):'\"#-é𝄞\t ,")), min_size=1, max_size=40),
    style=st.sampled_from(["plain", "single", "double", "csv"]),
)
def test_a_value_written_as_it_is_maps_as_the_per_character_tables_do(value: str, style: str):
    """The fast path for one-line values without escapes gives the same positions."""
    if style == "csv":
        text = "key,when\nk," + ('"' + value.replace('"', '""') + '"' if '"' in value else value)
        lines = LineIndex(text)
        cell = parse_csv(text, lines).rows[0][1][1]
        assume(cell.text == value.strip() and cell.text)
        fast = map_csv_cell(lines.lines, cell.range, cell.text)
        full = map_csv_cell(lines.lines, cell.range, cell.text, linear=False)
    else:
        yaml = YAML()
        yaml.width = 4096
        buf = io.StringIO()
        wrap = {
            "plain": str,
            "single": SingleQuotedScalarString,
            "double": DoubleQuotedScalarString,
        }
        yaml.dump({"r": [{"when": wrap[style](value)}]}, buf)
        doc = buf.getvalue()
        lines = LineIndex(doc)
        node = find(parse_yaml(doc, lines).root, "when")
        assume(node is not None and node.value == value)
        fast = map_yaml_scalar(lines.lines, node.range, value)
        full = map_yaml_scalar(lines.lines, node.range, value, linear=False)
    assert full.exact and fast.exact
    n = len(fast.value)
    assert [fast.range(i, i + 1) for i in range(n)] == [full.range(i, i + 1) for i in range(n)]
    assert fast.range(0, n) == full.range(0, n)
    assert fast.text_start == full.text_start
    for i in range(n + 1):
        pos = fast.position(i)
        assert full.offset_at(*pos) == fast.offset_at(*pos)


def test_one_line_values_without_escapes_take_the_fast_path() -> None:
    doc = "r:\n  - when: role(Nurse)\n  - when: 'tag(Ward)'\n  - when: 'tag(''W'')'\n"
    lines = LineIndex(doc)
    seq = parse_yaml(doc, lines).root.items[0][1]
    maps = [
        map_yaml_scalar(lines.lines, i.get("when").range, i.get("when").value) for i in seq.items
    ]
    assert [m.linear for m in maps] == [(1, 10), (2, 11), None]
    assert maps[1].text_start == (2, 10)  # a rewrite starts at the quote
    assert maps[0].range(5, 10) == (1, 15, 1, 20)
