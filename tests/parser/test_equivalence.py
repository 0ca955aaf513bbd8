"""Every YAML parser of bundle-ls builds the very same located tree as the reference parser.

The reference (tests/parser/reference_yaml.py) is the plain event loop the faster parsers
replace. For every input — hypothesis-drawn documents of every shape and style, broken
documents, noise over YAML's punctuation, hostile inputs, and every YAML file of the
examples, of the tests and of the real corpus (BUNDLE_LS_CORPUS) — a user must see the same
thing whichever parser ran: the same nodes (kind, value and its type, range, tag, quoted),
keys, shared alias nodes, problems (position, code, severity, message) and `broken_from`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import example, given

from bundle_ls.documents import yaml_native
from bundle_ls.documents.model import Node
from bundle_ls.documents.positions import LineIndex
from bundle_ls.documents.yaml_doc import parse_yaml, parse_yaml_python

from . import reference_yaml
from .yaml_strategies import broken_documents, documents, yaml_noise

REPO = Path(__file__).resolve().parents[2]


def _native(text: str, lines: LineIndex):
    from bundle_ls.documents.yaml_doc import _astral_lines

    parsed = yaml_native.parse_native(text, lines, _astral_lines(text, lines))
    # None: this text is left to the Python path, which parse_yaml then runs
    return parsed if parsed is not None else parse_yaml_python(text, lines)


# The parsers that must agree with the reference: the Python path, the compiled one when it
# was built, and parse_yaml, which picks between them.
PARSERS: dict[str, Callable] = {"python": parse_yaml_python, "parse_yaml": parse_yaml}
if yaml_native.LIBYAML is not None:
    PARSERS["native"] = _native


_OTHER_SLOTS = tuple(f for f in Node.__slots__ if f not in ("value", "items"))


def located(parsed) -> tuple:
    """What a parse result shows a user, as plain data: kind, range, value and its type,
    items, tag, quoted (every slot of Node) and the problems. A node met again (an alias) is
    written as a back-reference to its first visit, so shared nodes must be shared alike and
    a "billion laughs" document stays small."""
    seen: dict[int, int] = {}

    def node(n: Node | None):
        if n is None:
            return None
        if id(n) in seen:
            return ("alias-of", seen[id(n)])
        seen[id(n)] = len(seen)
        items = None
        if n.items is not None:
            items = [(node(i[0]), node(i[1])) if isinstance(i, tuple) else node(i) for i in n.items]
        # every slot of Node, set or not: a parser filling nodes itself must fill them all alike
        slots = tuple(getattr(n, f, "<unset>") for f in _OTHER_SLOTS)
        return (type(n.value).__name__, repr(n.value), items, *slots)

    problems = [
        (p.line, p.column, getattr(p.code, "id", p.code), p.severity, p.message)
        for p in parsed.problems
    ]
    return node(parsed.root), problems, parsed.broken_from


def assert_same(text: str) -> None:
    lines = LineIndex(text)
    expected = located(reference_yaml.parse_yaml(text, lines))
    for name, parse in PARSERS.items():
        got = located(parse(text, lines))
        assert got == expected, f"{name} differs from the reference on {text!r}"


@given(documents())
@example("locationTags:\n  - key: A\n    tags: [x, y]\n")
@example("a: &x [1, 2]\nb: *x\nc: *missing\n")
@example("k: !!python/object/apply:os.system [ls]\nv: !!int '3'\nw: !!float 1\n")
@example("a: ! '12'\nb: ! 12\nc: !!bool yes\nd: !!null ''\ne: !local {x: 1}\n")
@example("😀: 😀\n  é: x\nkey: 'a😀b'\n")
def test_documents(text: str) -> None:
    assert_same(text)


@given(broken_documents())
@example("locationTags:\n  - key: A\n    name: [unclosed\n")
@example("a: b\n\x00\n")
@example("a: 'é\x00'\n")
@example("a: b\n---\nc: d\n")
def test_broken_documents(text: str) -> None:
    assert_same(text)


@given(yaml_noise)
def test_noise(text: str) -> None:
    assert_same(text)


def _deep(n: int, flow: bool) -> str:
    return "x: " + "[" * n + "]" * n + "\n" if flow else "x:\n  " + "- " * n + "v\n"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(_deep(300, flow=True), id="deep flow nesting"),
        pytest.param(_deep(300, flow=False), id="deep block nesting"),
        pytest.param(_deep(200, flow=True), id="nesting at the limit"),
        pytest.param(
            "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
            + "".join(
                f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 9)
            ),
            id="billion laughs",
        ),
        pytest.param(
            "x0: &a0 [[lol, lol, lol, lol, lol, lol, lol, lol, lol]]\n"
            + "".join(
                f"x{i}: &a{i} [[" + ", ".join([f"*a{i - 1}"] * 9) + "]]\n" for i in range(1, 9)
            ),
            id="billion laughs through nested lists",
        ),
        pytest.param("", id="empty"),
        pytest.param("# only a comment\n", id="only a comment"),
        pytest.param("\ufeffa: 1\r\nb: 2\r\n", id="BOM and CRLF"),
        pytest.param("a: x\x85b: y\u2028c: z\n", id="NEL and line separators"),
        pytest.param("a:\n  b: 1\n   c: 2\n", id="bad indentation"),
        pytest.param("a: 1\na: 2\n<<: {a: 3}\n", id="duplicate and merge keys"),
        pytest.param("? [a, b]\n: complex key\n", id="complex key"),
        # the compiled builder hands these to the Python path: the outcome must not change
        pytest.param("a: \ud800\n", id="a lone surrogate"),
        pytest.param("n: " + "1" * 5000 + "\n", id="an integer too long for Python"),
        pytest.param("n: !!int " + "1" * 5000 + "\n", id="a tagged integer too long"),
    ],
)
def test_hostile_and_odd_inputs(text: str) -> None:
    assert_same(text)


def _yaml_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "replace")


@pytest.mark.parametrize(
    "path",
    [p for root in ("examples", "tests") for p in _yaml_files(REPO / root)],
    ids=lambda p: p.relative_to(REPO).as_posix(),
)
def test_repository_yaml_files(path: Path) -> None:
    assert_same(_read(path))


@pytest.mark.corpus
def test_corpus_yaml_files(corpus: Path) -> None:
    files = _yaml_files(corpus)
    assert files, f"no YAML file under {corpus}"
    for path in files:
        text = _read(path)
        assert_same(text)
        # the same file while someone is typing in it: cut at a few places
        for cut in (len(text) // 3, len(text) // 2, (2 * len(text)) // 3):
            assert_same(text[:cut])


@pytest.fixture(scope="module")
def corpus() -> Path:
    value = os.environ.get("BUNDLE_LS_CORPUS")
    if not value:
        pytest.skip("BUNDLE_LS_CORPUS is not set; the corpus YAML files need it")
    root = Path(value)
    if not root.is_dir():
        pytest.fail(f"BUNDLE_LS_CORPUS={value} is not a folder")
    return root
