"""The compiled item walks (bundle_ls._walkfast) give exactly what the Python path gives.

For every drawn YAML document, the plain value of its root as an item (the value and the
type of every scalar, the validator pre-check's flag, the keys repeated in a mapping), and
the key definitions, references, file paths and embedded values the module-schema walk
collects from it, must be the same whichever path ran; so must the node of every row of a
drawn CSV text. Where the compiled path steps aside (`Fallback`), the Python path's answer
is what the user gets.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bundle_ls.dialects.module_schemas import analysis
from bundle_ls.dialects.module_schemas.schemas import SchemaSet
from bundle_ls.dialects.module_schemas.walk_native import Fallback
from bundle_ls.documents.csv_doc import parse_csv, row_to_node
from bundle_ls.documents.facts import Compact, FileFacts
from bundle_ls.documents.model import MAPPING, SCALAR, SEQUENCE, Node
from bundle_ls.documents.positions import LineIndex
from bundle_ls.documents.yaml_doc import parse_yaml

from .yaml_strategies import documents

NATIVE = analysis._native

# Every kind of step of a walk plan, over the key names the drawn documents use: a key, a
# reference to one or two namespaces, a file path, an embedded value, a list of references,
# a property of any name (additionalProperties), and a schema that holds itself.
SCHEMA = """\
$schema: https://json-schema.org/draft/2020-12/schema
x-module: drawn
type: object
properties:
  things:
    type: array
    items: {$ref: "#/$defs/thing"}
  others:
    type: array
    items: {type: object}
$defs:
  thing:
    type: object
    properties:
      key: {type: string, x-key: true}
      name: {x-ref: things}
      tags: {type: array, items: {type: string, x-ref: [things, others]}}
      a b: {type: string, x-file: true}
      "1": {type: string, x-expression: drawn-language}
      é: {$ref: "#/$defs/thing"}
      "true": {x-ref: others, x-file: true}
    additionalProperties:
      type: object
      properties:
        key: {type: string, x-key: others}
        Null: {x-ref: others}
      items: {x-ref: things}
"""


@pytest.fixture(scope="module")
def schemas(tmp_path_factory: pytest.TempPathFactory) -> SchemaSet:
    folder = tmp_path_factory.mktemp("schemas")
    (folder / "drawn.schema.yaml").write_text(SCHEMA, encoding="utf-8")
    return SchemaSet.load([folder], frozenset(["drawn-language"]))


needs_native = pytest.mark.skipif(
    NATIVE is None, reason="bundle_ls._walkfast is not built (test_native_is_built says why)"
)


def test_native_is_built_where_the_yaml_one_is() -> None:
    """A build that compiled the parser but not the walk leaves users on the slow path."""
    from bundle_ls.documents import yaml_native

    if yaml_native._yamlfast is not None and os.environ.get("BUNDLE_LS_NATIVE_WALK") != "0":
        assert NATIVE is not None, "bundle_ls._walkfast is missing: reinstall (pip install -e .)"


def typed(value: Any) -> Any:
    """A plain value with the type of every scalar spelled out (1 == 1.0 == True in Python)."""
    if isinstance(value, dict):
        return ("dict", [(k, typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(v) for v in value])
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def python_value(node: Node, budget: int) -> tuple[Any, bool, list]:
    diags: list = []
    value = analysis._ItemValue("f.yaml", diags)
    value.budget = budget
    try:
        out = value.of(node, 2)
    except analysis.ExpansionLimit:
        return "limit", False, []
    return out, value.plain, diags


def native_value(node: Node, budget: int) -> tuple[Any, bool, list]:
    try:
        out, plain, repeated = NATIVE.item_value(node, 2, budget, True)
    except Fallback:
        return "fallback", False, []
    return out, plain, [analysis.repeated_key("f.yaml", m, k, n) for m, k, n in repeated]


def walk_facts(schemas: SchemaSet, node: Node, plain: Any, native: bool) -> tuple[FileFacts, list]:
    ns = schemas.namespaces["things"]
    facts = FileFacts("f.yaml", "yaml")
    embedded: list = []
    saved = analysis._native
    analysis._native = NATIVE if native else None
    try:
        analysis.walk(
            ns,
            node,
            ns.item_schema,
            schemas,
            facts,
            ns.module.uri,
            embed=lambda n, schema, prop: embedded.append(
                (n.range, prop, schema.get("x-expression"))
            ),
            plain=plain,
        )
    finally:
        analysis._native = saved
    return facts, embedded


def check_same(schemas: SchemaSet, text: str, budget: int = analysis.MAX_ITEM_NODES) -> None:
    root = parse_yaml(text, LineIndex(text)).root
    if root is None:
        return
    want = python_value(root, budget)
    got = native_value(root, budget)
    if got[0] == "fallback":  # only past the budget, which the Python path then reports
        assert want[0] == "limit"
    else:
        assert (typed(got[0]), got[1], got[2]) == (typed(want[0]), want[1], want[2])
    plain = want[0] if want[0] != "limit" else None
    py, py_embedded = walk_facts(schemas, root, plain, native=False)
    c, c_embedded = walk_facts(schemas, root, plain, native=True)
    assert (c.keys, c.refs, c.file_refs, c_embedded) == (
        py.keys,
        py.refs,
        py.file_refs,
        py_embedded,
    )
    for a, b in zip(c.keys, py.keys, strict=True):  # the same JSON, byte for byte
        assert (type(a.value), a.value) == (type(b.value), b.value)


@needs_native
@settings(max_examples=300, deadline=None)
@given(text=documents())
@example(text="key: k1\nname: n\ntags: [a, 2, null, true]\na b: f.txt\n'1': expr\n")
@example(text="key: 1\nkey: 2\nx: {key: 3, Null: 4, y: {key: [1]}}\nz: [[1, 2]]\n")
@example(text='key: "q\\"\\\\\\n\\t\\b\\f\\u0001\\u001b\\u007f é 😀"\nn: .nan\ni: .inf\nj: -.inf\n')
@example(
    text="key: k\nbig: 9223372036854775808\nlow: -9223372036854775808\nok: 9223372036854775807\n"
)
@example(text="key: k\nf: 1e300\ng: -0.0\nh: 0.1\n'true': 12\n")
@example(text="é: {é: {é: {key: deep, name: n}}}\n")
@example(text="? [a]\n: 1\nkey: k\n")
def test_drawn_items_walk_the_same_in_c_and_python(schemas: SchemaSet, text: str) -> None:
    check_same(schemas, text)


@needs_native
@given(text=documents(), budget=st.integers(0, 12))
def test_a_small_budget_falls_back_where_python_stops(
    schemas: SchemaSet, text: str, budget: int
) -> None:
    check_same(schemas, text, budget)


@needs_native
@pytest.mark.parametrize("levels", [63, 64, 65, 66])
def test_nesting_past_the_pre_check_depth_is_not_plain(levels: int) -> None:
    text = "key: k\nv: " + "[" * levels + "1" + "]" * levels + "\n"
    root = parse_yaml(text, LineIndex(text)).root
    value, plain, _repeated = NATIVE.item_value(root, 2, analysis.MAX_ITEM_NODES, True)
    assert plain is python_value(root, analysis.MAX_ITEM_NODES)[1] is (levels < 65)
    assert value["key"] == "k"


@needs_native
@pytest.mark.parametrize(
    "value",
    [
        {"a": "x\ud800y"},  # a lone surrogate: Compact.of writes it with surrogatepass
        {"a": (1, 2)},  # a tuple is not a plain value: json's own rules decide
        {1: "x"},  # neither is a key that is not text
    ],
)
def test_values_the_encoder_does_not_know_go_to_python(schemas: SchemaSet, value: Any) -> None:
    node = Node(
        MAPPING,
        (0, 0, 0, 9),
        None,
        [(Node(SCALAR, (0, 0, 0, 3), "key"), Node(SCALAR, (0, 5, 0, 6), "k"))],
    )
    c, _ = walk_facts(schemas, node, value, native=True)
    assert c.keys[0].value == Compact.of(value)
    assert json.loads(c.keys[0].value.decode("utf-8", "surrogatepass")) == json.loads(
        json.dumps(value, ensure_ascii=False)
    )


@needs_native
def test_a_node_of_another_class_falls_back(schemas: SchemaSet) -> None:
    class Other(Node):
        __slots__ = ()

    node = Other(
        MAPPING,
        (0, 0, 0, 9),
        None,
        [(Node(SCALAR, (0, 0, 0, 3), "key"), Node(SCALAR, (0, 5, 0, 6), "k"))],
    )
    with pytest.raises(Fallback):
        NATIVE.item_value(node, 2, 100, True)
    c, _ = walk_facts(schemas, node, None, native=True)
    py, _ = walk_facts(schemas, node, None, native=False)
    assert c.keys == py.keys and [k.key for k in c.keys] == ["k"]
    seq = Node(SEQUENCE, (0, 0, 0, 1), None, [])
    assert NATIVE.item_value(seq, 2, 100, True) == ([], True, [])


def test_examples_check_the_same_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundled example through the whole check: the same findings on either path."""
    from bundle_ls.batch.runner import check_directory

    root = Path(__file__).resolve().parents[2] / "examples" / "config"
    first = check_directory(root, jobs=1).diagnostics
    monkeypatch.setattr(analysis, "_native", None)
    assert check_directory(root, jobs=1).diagnostics == first


# ---- CSV rows ------------------------------------------------------------------------------

# cell texts from pieces: numbers, words YAML and Python read as booleans or floats,
# separators, Unicode spaces and digits, astral characters, quotes
_cell_text = st.lists(
    st.sampled_from(
        ["a", "b", "1", " ", ".", ";", ",", "|", "-", "+", "e", "E", "_", "true", "FALSE", "inf"]
        + ["nan", "é", "😀", "\u00a0", "\u2003", '"', '""', "K", "İ", "٣"]
    ),
    max_size=8,
).map("".join)
COLUMN_KINDS = [
    "string",
    "number",
    "integer",
    "boolean",
    ("array", "string"),
    ("array", "number"),
    ("array", "integer"),
    ("array", "boolean"),
]


def node_tree(node: Node) -> Any:
    """Every slot of a node tree, with the type of each value."""
    items = None
    if node.items is not None:
        items = [
            (node_tree(i[0]), node_tree(i[1])) if isinstance(i, tuple) else node_tree(i)
            for i in node.items
        ]
    return (node.kind, node.range, typed(node.value), items, node.tag, node.quoted)


@needs_native
@settings(max_examples=300, deadline=None)
@given(
    header=st.lists(
        st.sampled_from(["key", "name", "tags", "", "beds", "open", "é😀"]), min_size=1, max_size=5
    ),
    rows=st.lists(st.lists(_cell_text, max_size=6), max_size=4),
    kinds=st.lists(st.sampled_from(COLUMN_KINDS), min_size=7, max_size=7),
    sep=st.sampled_from([";", "|", " "]),
    quote=st.booleans(),
)
@example(
    header=["key", "tags"],
    rows=[["a", " x ; 😀y ;; 3 "]],
    kinds=[("array", "integer")] * 7,
    sep=";",
    quote=False,
)
@example(
    header=["beds", "open"],
    rows=[["1_000", " True "], [" 1e3 ", "false"]],
    kinds=["integer", "number", "string", "integer", "boolean", "string", "string"],
    sep=";",
    quote=False,
)
def test_drawn_csv_rows_make_the_same_nodes(header, rows, kinds, sep, quote) -> None:
    names = ["key", "name", "tags", "", "beds", "open", "é😀"]
    columns = {n: k for n, k in zip(names, kinds, strict=True) if n}
    lines = [",".join(header)]
    for row in rows:
        cells = [f'"{c}"' if quote and c and '"' not in c else c for c in row]
        lines.append(",".join(cells))
    text = "\n".join(lines) + "\n"
    index = LineIndex(text)
    table = parse_csv(text, index, ",")
    if not table.header:
        return
    names_of = [c.text for c in table.header]
    conv = None if index.ascii else index.to_utf16
    for line, cells in table.rows:
        want = row_to_node(table.header, names_of, columns, sep, index, line, cells)
        try:
            got = NATIVE.row_node(table.header, names_of, columns, sep, conv, line, cells)
        except Fallback:
            continue
        assert node_tree(got) == node_tree(want)


# ---- unresolved references ----------------------------------------------------------------


@needs_native
@given(
    refs=st.lists(
        st.tuples(
            st.lists(st.sampled_from(["a", "b", "c"]), max_size=2).map(tuple),
            st.sampled_from(["k1", "k2", "K1", ""]),
            st.sampled_from(["", "permission-rule"]),
        ),
        max_size=12,
    ),
    defs=st.dictionaries(
        st.sampled_from(["a", "b"]), st.sets(st.sampled_from(["k1", "k2"])).map(dict.fromkeys)
    ),
)
def test_unresolved_references_are_the_same_in_c_and_python(refs, defs) -> None:
    from bundle_ls.dialects.module_schemas import references, walk_native
    from bundle_ls.documents.facts import Reference

    made = [Reference(nss, key, (0, 0, 0, 1), False, None, lang) for nss, key, lang in refs]
    got = references.unresolved(made, defs)  # in C
    walk_native._bound = None
    try:
        want = references.unresolved(made, defs)
    finally:
        walk_native._bound = NATIVE
    assert [id(r) for r in got] == [id(r) for r in want]
    assert all(not r.language for r in want)
