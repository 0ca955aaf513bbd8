"""Any text in an Initializer file is analysed without an exception, and every finding's
range lies inside the document."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bundle_ls.dialects.initializer.spec import domains
from bundle_ls.documents.positions import LineIndex, utf16_len
from bundle_ls.project.analysis import analyze
from bundle_ls.project.context import load_context

CTX = load_context(Path(__file__).parent)
PATHS = [f"configuration/{d}/x.csv" for d in domains()] + [
    "configuration/ampathforms/f.json",
    "configuration/ampathformstranslations/t.json",
    "configuration/globalproperties/g.xml",
    "configuration/reports/r.yml",
    "constants.yml",
    "constants.properties",
    "content.properties",
    "dependencies.yml",
]
CELLS = st.sampled_from(
    [
        "Uuid",
        "Name",
        "Tag|A",
        "Attribute|x",
        "_order:1",
        "_order:x",
        "Display:fr",
        "Data type",
        "Fully specified name:en",
        "${a.b}",
        "${",
        '"',
        '""',
        ";",
        "a;b",
        "é",
        "😀",
        "",
        " ",
        "TRUE",
        "1.5",
        "x" * 40,
        "1114AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "{",
        "}",
        ":",
        "- a",
        "omod.x=1",
        "\r",
        "<config>",
        "<globalProperty><property>a</property><value>${b}</value>",
        "</globalProperty>",
        '"name": "x"',
        '"encounter": "é"',
    ]
)
LINES = st.lists(CELLS, max_size=8).map(",".join)
TEXTS = st.lists(LINES, max_size=8).map(lambda ls: "\n".join(ls)) | st.text(max_size=200)


def _inside(rng, lines: LineIndex) -> bool:
    sl, sc, el, ec = rng
    n = len(lines.lines)
    if not (0 <= sl <= el < n or (sl == el == 0 and n == 0)):
        return False
    return sc <= utf16_len(lines.line(sl)) and ec <= utf16_len(lines.line(el))


@given(st.sampled_from(PATHS), TEXTS, st.sampled_from(["\n", "\r\n"]))
def test_any_text_is_analysed(path: str, text: str, newline: str) -> None:
    text = text.replace("\n", newline)
    doc, facts = analyze(CTX, path, text)
    lines = LineIndex(text)
    for d in facts.diagnostics:
        if d.code == "yaml-syntax" and d.range == (len(lines.lines), 0, len(lines.lines), 0):
            continue  # the YAML parser's end-of-stream mark, one line past a text without "\n"
        assert _inside(d.range, lines), (d, text)
    for ref in facts.refs:
        assert _inside(ref.range, lines), (ref, text)
    for kd in facts.keys:
        assert _inside(kd.range, lines), (kd, text)


def test_forbidden_character_after_non_ascii_text_is_placed_by_character() -> None:
    """The YAML C reader reports such a position in UTF-8 bytes; it is shown in characters."""
    text = 'name: "Belladère"\nkey: a😀\x1f\n'
    _doc, facts = analyze(CTX, "configuration/reports/r.yml", text)
    (d,) = [d for d in facts.diagnostics if d.code == "yaml-syntax"]
    assert d.range[:2] == (1, 8)  # "key: a" is 6 code units, the emoji 2
