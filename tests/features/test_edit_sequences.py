"""Seeded edit sequences through the Workspace, re-analysed after every edit: incremental
or not, the diagnostics always equal a from-scratch analysis of the same texts."""

from __future__ import annotations

import random

import pytest

from bundle_ls.index.project_index import ProjectIndex
from bundle_ls.project.analysis import analyze

from .conftest import open_doc

try:
    from hostile.edits import SeededChoices, make_sequence
except ImportError:  # run from another root
    from tests.hostile.edits import SeededChoices, make_sequence

FILES = ["rooms.yaml", "bundles/malaria/extra.yaml", "bundles/malaria/drugs.csv", "locations.yaml"]


def _sig(diags):
    return [
        (
            d.path,
            d.range,
            d.severity,
            d.code,
            d.message,
            [(r.path, r.range) for r in d.related or ()],
        )
        for d in diags
    ]


def assert_fresh(ws):
    index = ProjectIndex(ws.root, ws.ctx.cross_checks, ws.ctx.reads)
    for path, st in ws.docs.items():
        if st.lines is not None:
            _doc, facts = analyze(ws.ctx, path, st.text)
        else:
            facts = ws.index.files[path]
        index.update(facts)
    for path in ws.docs:
        assert _sig(ws.diagnostics(path)) == _sig(index.diagnostics(path)), path


def item_edits(rng: random.Random, lines: list[str], n: int):
    """Edits as typing inside items makes them: words, a new indented line, a deletion."""
    out = []
    for _ in range(n):
        candidates = [i for i, t in enumerate(lines) if t.startswith(("    ", "  - ")) or "," in t]
        i = rng.choice(candidates or [0])
        text = lines[i]
        col = rng.randint(min(len(text), 4), len(text))
        kind = rng.choice(["word", "word", "line", "delete"])
        if kind == "word":
            new = rng.choice(["x", "MAIN_STORE", "Ward A", "tablet", " ", ";", "é", "COLD"])
            out.append(((i, col, i, col), new))
            lines[i] = text[:col] + new + text[col:]
        elif kind == "line":
            new = rng.choice(
                ["\n    label: x", "\n    kind: ward", "\n    form: syrup", "\nZ,z,tablet,,"]
            )
            out.append(((i, len(text), i, len(text)), new))
            lines[i : i + 1] = (text + new).split("\n")
        else:
            end = min(len(text), col + rng.randint(1, 6))
            out.append(((i, col, i, end), ""))
            lines[i] = text[:col] + text[end:]
    return out


@pytest.mark.parametrize("seed", range(12))
def test_typing_inside_items(ws, seed):
    rng = random.Random(seed)
    for rel in FILES:
        open_doc(ws, rel)
    incremental = 0
    for step in range(30):
        rel = rng.choice(FILES)
        st = ws.docs[rel]
        ((rng_, new),) = item_edits(rng, list(st.lines), 1)
        ws.change(rel, [(rng_, new)], step + 2)
        incremental += ws.flush(rel).incremental
        assert_fresh(ws)
    # a good part of them re-checked one item or row only (an edit that breaks a file
    # sends it through whole-file analyses until it parses again)
    assert incremental >= 5


@pytest.mark.parametrize("seed", range(12))
def test_random_edit_sequences(ws, seed):
    choose = SeededChoices(seed)
    rel = choose.pick(FILES)
    text = open_doc(ws, rel)
    changes, final = make_sequence(choose, text)
    for v, ch in enumerate(changes, start=2):
        ws.change(rel, [(ch.range, ch.text)], v)
        if choose.integer(0, 2):  # sometimes several edits before one re-check
            ws.flush(rel)
            assert_fresh(ws)
    ws.flush(rel)
    assert_fresh(ws)
