"""A corpus of hostile and broken inputs, each with the outcome a user should see.

The inputs are made at test time (a 20 MB file, symlink loops and dangling links do not
belong in the repository). Each case writes files into a Config Directory and names the
diagnostics expected for its file: (code, severity, line or None, text in the message).
The same cases are checked through `--check` and through the language server.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MARKER = "bundle-ls-side-effect"


@dataclass(frozen=True)
class Case:
    name: str
    path: str  # the file the expectations are about
    make: Callable[[Path], None]
    expect: tuple[tuple[str, str, int | None, str], ...]  # (code, severity, line, says)


def _write(rel: str, data: bytes | str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data.encode() if isinstance(data, str) else data)

    return make


def _bomb(root: Path) -> None:
    lines = ['x0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 9):
        lines.append(f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    body = "locationTags:\n  - key: bomb\n    " + "\n    ".join(lines) + "\n"
    (root / "bomb.yaml").write_text(body)


def _python_tags(root: Path) -> None:
    target = root.parent / MARKER
    (root / "tags.yaml").write_text(
        "locationTags:\n"
        f'  - key: !!python/object/apply:os.system ["touch {target}"]\n'
        f"    description: !!python/object/new:subprocess.Popen [[touch, {target}]]\n"
    )


def _deep_block(root: Path) -> None:
    # `- - - … x` nests 10,000 block sequences on one line
    (root / "deep.yaml").write_text("locations:\n  " + "- " * 10_000 + "x\n")


def _deep_flow(root: Path) -> None:
    (root / "deep.yaml").write_text("locations: " + "[" * 10_000 + "]" * 10_000 + "\n")


def _big(root: Path) -> None:
    row = "  - key: k{0}\n    description: " + "x" * 200 + "\n"
    with open(root / "big.yaml", "w") as f:
        f.write("locationTags:\n")
        size = 0
        i = 0
        while size < 20 * 1024 * 1024:
            chunk = row.format(i)
            f.write(chunk)
            size += len(chunk)
            i += 1


def _symlink_loop(root: Path) -> None:
    os.symlink("loop.yaml", root / "loop.yaml")


def _dangling(root: Path) -> None:
    os.symlink("nowhere/missing.yaml", root / "gone.yaml")


def _folder_named_yaml(root: Path) -> None:
    (root / "x.yaml").mkdir()
    (root / "x.yaml" / "inner.yaml").write_text("locationTags:\n  - key: inner\n")


def _folder_loop(root: Path) -> None:
    (root / "sub").mkdir()
    os.symlink("..", root / "sub" / "up")
    (root / "sub" / "tags.yaml").write_text("locationTags:\n  - key: once\n")


def _escape(root: Path) -> None:
    outside = root.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "form.xml").write_text("<htmlform/>")
    os.symlink(outside, root / "linked")
    (root / "forms.yaml").write_text(
        "htmlForms:\n"
        "  - key: F1\n    name: One\n    formFile: ../outside/form.xml\n    encounterType: E\n"
        "  - key: F2\n    name: Two\n    formFile: linked/form.xml\n    encounterType: E\n"
        "encounterTypes:\n  - key: E\n    name: E\n"
    )


# ---- special files, files larger than memory, schemas that take forever ---------------------


def _fifo(root: Path) -> None:
    os.mkfifo(root / "locationTags.csv")  # reading it would wait for a writer forever


def _link_to(device: str, name: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        os.symlink(device, root / name)

    return make


def _link_to_fifo(root: Path) -> None:
    (root / "pipes").mkdir()
    os.mkfifo(root / "pipes" / "p")
    os.symlink("pipes/p", root / "piped.yaml")


def _sparse(root: Path) -> None:
    with open(root / "huge.yaml", "wb") as f:  # 3 GB on paper, no disk blocks
        f.truncate(3 * 1024**3)


def _module(root: Path, schema: str, config: str) -> None:
    """A repository's own module schema `codes` (untrusted, like its config) and a file."""
    (root / "schemas").mkdir()
    (root / "schemas" / "codes.schema.yaml").write_text(schema)
    (root / "bundle-ls.yaml").write_text("schemas: [schemas]\nmodules: [codes, locations]\n")
    (root / "codes.yaml").write_text(config)


def _catastrophic_pattern(root: Path) -> None:
    # Python's `re` backtracks for minutes on 41 a's and a b against `^(a+)+$`
    schema = "x-module: codes\nproperties:\n  codes:\n    type: array\n    items:\n"
    schema += (
        "      type: object\n      properties:\n        code: {type: string, pattern: '^(a+)+$'}\n"
    )
    _module(root, schema, f"codes:\n  - code: {'a' * 41}b\n  - code: aaaa\n")


def _unique_mappings(root: Path) -> None:
    # jsonschema compares mappings pairwise: 40,000 of them are 8e8 deep comparisons
    schema = "x-module: codes\nproperties:\n  codes:\n    type: array\n    items:\n"
    schema += "      properties:\n        list: {type: array, uniqueItems: true}\n"
    rows = "".join(f"      - {{n: {i}}}\n" for i in range(40_000))
    _module(root, schema, "codes:\n  - list:\n" + rows + "      - {n: 7}\n")


def _exponential_schema(root: Path) -> None:
    # `anyOf` through a recursive `$ref`: both branches walk the whole item, at each level
    schema = (
        "x-module: codes\n$defs:\n  n:\n    anyOf:\n"
        "      - {type: object, additionalProperties: {$ref: '#/$defs/n'}, required: [zz]}\n"
        "      - {type: object, additionalProperties: {$ref: '#/$defs/n'}}\n"
        "properties:\n  codes: {type: array, items: {$ref: '#/$defs/n'}}\n"
    )
    _module(root, schema, "codes:\n  - " + "{a: " * 18 + "x" + "}" * 18 + "\n  - {}\n")


CASES: list[Case] = [
    Case(
        "invalid UTF-8",
        "latin1.yaml",
        _write("latin1.yaml", b"locationTags:\n  - key: caf\xe9\n"),
        (("encoding", "error", 1, "not valid UTF-8"),),
    ),
    Case(
        "a BOM",
        "bom.yaml",
        _write("bom.yaml", "\ufefflocationTags:\n  - key: A\n    colour: x\n"),
        (("schema", "error", 2, "unknown property 'colour'"),),
    ),
    Case(
        "NUL bytes in YAML",
        "nul.yaml",
        _write("nul.yaml", "locationTags:\n  - key: a\x00b\n"),
        (("yaml-syntax", "error", 1, "U+0000"),),
    ),
    Case(
        "NUL bytes in CSV",
        "locationTags.csv",
        _write("locationTags.csv", "key,description\nA\x00,x\nB,y\n"),
        (),
    ),
    Case(
        "a 20 MB file",
        "big.yaml",
        _big,
        (("limit", "error", 0, "over 16 MB are not checked"),),
    ),
    Case(
        "10,000 levels of block nesting",
        "deep.yaml",
        _deep_block,
        (("limit", "error", None, "nesting deeper than 200 levels"),),
    ),
    Case(
        "10,000 levels of flow nesting",
        "deep.yaml",
        _deep_flow,
        (("limit", "error", 0, "nesting deeper than 200 levels"),),
    ),
    Case(
        "billion laughs",
        "bomb.yaml",
        _bomb,
        (("limit", "error", None, "aliases expand"),),
    ),
    Case(
        "python tags",
        "tags.yaml",
        _python_tags,
        (
            ("yaml-tag", "warning", 1, "!!python/object/apply:os.system"),
            ("yaml-tag", "warning", 2, "!!python/object/new:subprocess.Popen"),
            # the tagged list is read as a plain list, which a description cannot be
            ("schema", "error", 2, "expected a string, got a list"),
        ),
    ),
    Case(
        "duplicate anchors",
        "anchors.yaml",
        _write(
            "anchors.yaml",
            "locationTags:\n  - key: &t A\n  - key: &t B\n"
            "locations:\n  - key: L\n    name: L\n    tags: [*t, *t, Missing]\n",
        ),
        # an alias takes the latest anchor of its name; only the real mistake is reported
        (("unresolved-reference", "error", 6, "no locationTags key 'Missing'"),),
    ),
    Case(
        "an unclosed quote in CSV",
        "locationTags.csv",
        _write("locationTags.csv", 'key,description\nA,"never closed\nB,y\n'),
        (("csv-syntax", "error", 1, "unclosed quote"),),
    ),
    Case(
        "a CSV row longer than the header",
        "locationTags.csv",
        _write("locationTags.csv", "key,description\nA,x,surplus,more\n"),
        (("csv-syntax", "error", 1, "4 cells but the header names 2 columns"),),
    ),
    Case("an empty file", "empty.yaml", _write("empty.yaml", b""), ()),
    Case("an empty CSV file", "locationTags.csv", _write("locationTags.csv", b""), ()),
    Case("a folder named x.yaml", "x.yaml/inner.yaml", _folder_named_yaml, ()),
    Case(
        "a symlink loop",
        "loop.yaml",
        _symlink_loop,
        (("unreadable", "error", 0, "cannot read this file"),),
    ),
    Case(
        "a dangling symlink (an unreadable file)",
        "gone.yaml",
        _dangling,
        (("unreadable", "error", 0, "cannot read this file"),),
    ),
    Case("a folder symlink loop", "sub/tags.yaml", _folder_loop, ()),
    Case(
        "x-file paths that climb out, directly or through a symlink",
        "forms.yaml",
        _escape,
        (
            ("missing-file", "error", 3, "leaves the Config Directory"),
            ("missing-file", "error", 7, "leaves the Config Directory"),
        ),
    ),
    Case(
        "a FIFO named locationTags.csv",
        "locationTags.csv",
        _fifo,
        (("unreadable", "error", 0, "it is a FIFO (named pipe), not a regular file"),),
    ),
    Case(
        "a symlink to /dev/zero",
        "zero.yaml",
        _link_to("/dev/zero", "zero.yaml"),
        (("unreadable", "error", 0, "it links to '/dev/zero', outside the folder"),),
    ),
    Case(
        "a symlink to /dev/urandom",
        "locations.csv",
        _link_to("/dev/urandom", "locations.csv"),
        (("unreadable", "error", 0, "outside the folder being checked"),),
    ),
    Case(
        "a symlink to a FIFO inside the folder",
        "piped.yaml",
        _link_to_fifo,
        (("unreadable", "error", 0, "it is a FIFO (named pipe)"),),
    ),
    Case(
        "a 3 GB (sparse) file",
        "huge.yaml",
        _sparse,
        (("limit", "error", 0, "file is 3072 MB; files over 16 MB are not checked"),),
    ),
    Case(
        "a catastrophic pattern in the repository's module schema",
        "codes.yaml",
        _catastrophic_pattern,
        (("schema", "error", 1, "does not match the pattern ^(a+)+$"),),
    ),
    Case(
        "uniqueItems over 40,000 mappings",
        "codes.yaml",
        _unique_mappings,
        (("schema", "error", 2, "items 8 and 40001 are equal; the items must be unique"),),
    ),
    Case(
        "a schema whose validation takes exponential time",
        "codes.yaml",
        _exponential_schema,
        (("limit", "error", 1, "schema validation of this file took over 5 s"),),
    ),
]
