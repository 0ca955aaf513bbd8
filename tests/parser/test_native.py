"""The compiled YAML tree builder is built where it can be, and parse_yaml uses it.

Its results are checked against the reference parser in test_equivalence.py; here, that an
install on a machine with a C compiler and Python's headers has it (a build that silently
failed would leave every user on the slower Python path), that parse_yaml goes through it,
and that what it hands back to the Python path still gives the user the right answer.
"""

from __future__ import annotations

import gc
import os
import shlex
import shutil
import sysconfig
from pathlib import Path

from bundle_ls.documents import yaml_native
from bundle_ls.documents.positions import LineIndex
from bundle_ls.documents.yaml_doc import parse_yaml


def _can_build() -> bool:
    if os.name != "posix" or os.environ.get("BUNDLE_LS_BUILD_NATIVE") == "0":
        return False
    ldshared = sysconfig.get_config_var("LDSHARED") or ""
    include = Path(sysconfig.get_paths()["include"], "Python.h")
    return (
        bool(ldshared) and shutil.which(shlex.split(ldshared)[0]) is not None and include.is_file()
    )


def test_built_where_a_compiler_is() -> None:
    wanted = _can_build() and os.environ.get("BUNDLE_LS_NATIVE_YAML") != "0"
    if wanted:
        assert yaml_native.LIBYAML is not None, (
            "this machine can compile bundle_ls._yamlfast, but it is missing or does not bind "
            "to libyaml: reinstall (pip install -e .) and read the build's warnings"
        )
    else:  # no compiler, or turned off: the Python path parses alone
        text = "a: 1\n"
        assert yaml_native.parse_native(text, LineIndex(text), None) is None


def test_parse_yaml_goes_through_the_compiled_builder_when_built(monkeypatch) -> None:
    calls = []
    if yaml_native._yamlfast is not None:
        real = yaml_native._yamlfast.parse

        def counting(*args):
            calls.append(args[0])
            return real(*args)

        monkeypatch.setattr(yaml_native._yamlfast, "parse", counting)
    text = "locationTags:\n  - key: Ward\n    tags: [a, 'b']\n"
    parsed = parse_yaml(text, LineIndex(text))
    assert calls == ([text.encode()] if yaml_native.LIBYAML is not None else [])
    item = parsed.root.get("locationTags").items[0]
    assert item.get("key").value == "Ward"
    assert item.get("key").range == (1, 9, 1, 13)
    assert [n.quoted for n in item.get("tags").items] == [False, True]


def test_text_left_to_the_python_path_is_still_parsed() -> None:
    # a lone surrogate (an editor can send one) cannot go to libyaml as UTF-8
    text = "a: \ud800\n"
    lines = LineIndex(text)
    assert yaml_native.parse_native(text, lines, None) is None
    parsed = parse_yaml(text, lines)
    assert [p.code.id for p in parsed.problems] == ["yaml-syntax"]
    assert "can't encode character '\\ud800'" in parsed.problems[0].message


def test_a_parsed_file_gives_the_collector_nothing_to_walk() -> None:
    # the cyclic collector walking every node of big trees, again and again, was 45 % of
    # opening a 10,000-item file; trees from the compiled builder are left out of its lists
    text = "locationTags:\n" + "".join(f"  - key: k{i}\n    tags: [a, b]\n" for i in range(1000))
    lines = LineIndex(text)
    before = len(gc.get_objects())
    parsed = parse_yaml(text, lines)
    grew = len(gc.get_objects()) - before
    if yaml_native.LIBYAML is not None:
        assert grew < 50, f"{grew} new objects for the collector to walk"
    else:  # the Python path: about six per item (nodes, items, pairs)
        assert grew > 1000
    assert len(parsed.root.get("locationTags").items) == 1000
