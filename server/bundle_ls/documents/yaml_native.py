"""YAML text → located tree in C (bundle_ls._yamlfast), when that extension was built.

The compiled builder runs the same event loop as `yaml_doc.parse_yaml_python` over the same
libyaml (the copy inside ruamel.yaml.clib), so a user sees the same tree and problems
whichever ran (tests/parser checks it on every input it draws); it only skips the Python
objects for each parser event, which made parsing cost ~5× what libyaml itself takes, and
leaves the (acyclic) tree out of the cyclic garbage collector's lists, which walking it
again and again cost as much again (see _native/yamlfast.c).

It is used when the extension imports and binds to libyaml; anything it does not handle
identically (text that is not valid Unicode, an exception in a callback, a memory error)
returns None and the Python path runs instead. BUNDLE_LS_NATIVE_YAML=0 turns it off.
"""

from __future__ import annotations

import importlib.util
import os

from bundle_ls.documents.model import MAPPING, SCALAR, SEQUENCE, Node
from bundle_ls.documents.positions import LineIndex
from bundle_ls.documents.yaml_doc import (
    MAX_DEPTH,
    MAX_EXPANDED,
    SyntaxProblem,
    YamlParse,
    alias_problem,
    close_open,
    depth_problem,
    document_problem,
    expansion_problem,
    reader_problem,
    resolve_plain,
    syntax_problem,
    tag_problem,
    tagged_value,
)

# The problems the compiled builder reports, by kind, worded as the Python path words them.
_PROBLEMS = {
    "tag": tag_problem,
    "alias": alias_problem,
    "expansion": expansion_problem,
    "document": document_problem,
    "depth": depth_problem,
    "syntax": syntax_problem,
}
_BREAKING = frozenset(("depth", "syntax", "reader"))  # what may follow is incomplete

LIBYAML: str | None = None  # the version of libyaml bound to, None when not available
_yamlfast = None
if os.environ.get("BUNDLE_LS_NATIVE_YAML", "1") != "0":
    try:
        from bundle_ls import _yamlfast

        # the shared object that holds libyaml, found without importing ruamel.yaml
        _spec = importlib.util.find_spec("_ruamel_yaml")
        if _spec is None or not _spec.origin:
            raise ImportError("ruamel.yaml.clib is not installed")
        LIBYAML = _yamlfast.bind(_spec.origin)
    except (ImportError, OSError, AttributeError):  # not built here, or no libyaml to bind
        _yamlfast = None


def parse_native(text: str, lines: LineIndex, astral: frozenset[int] | None) -> YamlParse | None:
    """The located tree of `text`, or None when the Python path must build it. `astral`:
    the lines whose UTF-16 columns differ from code-point columns (yaml_doc._astral_lines)."""
    if _yamlfast is None:
        return None
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: the Python path reports them its own way
        return None
    out = _yamlfast.parse(
        data,
        Node,
        SCALAR,
        MAPPING,
        SEQUENCE,
        resolve_plain,
        tagged_value,
        astral,
        lines.to_utf16,
        MAX_DEPTH,
        MAX_EXPANDED,
    )
    if out is None:
        return None
    root, raw, still_open = out
    problems: list[SyntaxProblem] = []
    broken_from = None
    for kind, *where in raw:
        if kind == "reader":
            problems.append(reader_problem(text, *where))
        else:
            problems.append(_PROBLEMS[kind](*where))
        if kind in _BREAKING:
            broken_from = problems[-1].line
    if still_open:
        root = close_open(still_open, lines)
    return YamlParse(root, problems, broken_from)
