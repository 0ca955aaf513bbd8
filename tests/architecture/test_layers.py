"""The layers hold: generic code names no dialect, the core never imports the LSP
libraries (import-linter checks the import graph in `make test`), and functions stay
short enough to read."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "server" / "bundle_ls"
DIALECTS = PACKAGE / "dialects"
# What only a dialect may name: Initializer and the contract's module-schema vocabulary.
DIALECT_WORDS = re.compile(
    r"(?i)\binitializer\b(?!=)|\biniz\b|iniz:|\bx-(ref|key|file|files|module|csv-separator|"
    r"runtime-mutable|expression)\b|SchemaSet|namespace_for_csv"
)
MAX_FUNCTION_LINES = 80


def _sources(outside_dialects: bool):
    for path in sorted(PACKAGE.rglob("*.py")):
        if outside_dialects and DIALECTS in path.parents:
            continue
        yield path


def test_generic_code_names_no_dialect() -> None:
    found = []
    for path in _sources(outside_dialects=True):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if DIALECT_WORDS.search(line):
                found.append(f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}")
    assert found == []


def test_no_function_is_longer_than_80_lines() -> None:
    long = []
    for path in _sources(outside_dialects=False):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}: {length}")
    assert long == []
