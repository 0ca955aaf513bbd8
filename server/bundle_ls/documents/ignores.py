"""`# bundle-ls: ignore[code]` comments: findings a file's author has looked at and keeps.

In a file with comments (YAML, `.properties`: `#`; XML: `<!-- … -->`):

    wards:                      # bundle-ls: ignore[unknown-namespace]
    # bundle-ls: ignore[duplicate-key, conflict]
    beds: …
    # bundle-ls: ignore-file[unknown-namespace]

- at the end of a line, the comment silences those codes' findings that start on that line;
- on a line of its own, the findings of the next line that is neither blank nor a comment;
- `ignore-file[…]` anywhere silences those codes in the whole file;
- without `[…]`, every code.

CSV and JSON have no comments: every line of a CSV file is a row for the program that reads
it (a `# …` line is a row too), and JSON has no comment syntax. Their findings are kept with
`severity:` or `exclude:` in bundle-ls.yaml, or a baseline (`--baseline`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bundle_ls.documents.disk import read_file
from bundle_ls.documents.model import Diagnostic
from bundle_ls.documents.positions import split_lines
from bundle_ls.documents.reading import decode

_DIRECTIVE = re.compile(r"bundle-ls:\s*ignore(-file)?(?:\[([^\]]*)\])?")
_HASH_COMMENTS = (".yaml", ".yml", ".properties")
_XML_COMMENTS = (".xml",)
ALL = "*"


@dataclass(slots=True)
class Ignores:
    """The ignore comments of one file: codes per line (0-based), and for the whole file."""

    lines: dict[int, set[str]] = field(default_factory=dict)
    file: set[str] = field(default_factory=set)

    def silences(self, d: Diagnostic) -> bool:
        codes = self.lines.get(d.range[0], set()) | self.file
        return ALL in codes or d.code in codes


def supports_comments(path: str) -> bool:
    return path.lower().endswith(_HASH_COMMENTS + _XML_COMMENTS)


def _comment(line: str, xml: bool) -> tuple[str, bool] | None:
    """The comment of a line and whether it is the whole line (None: no comment)."""
    at = line.find("<!--") if xml else line.find("#")
    if at < 0:
        return None
    return line[at:], not line[:at].strip()


def _codes(m: re.Match) -> set[str]:
    if m.group(2) is None:
        return {ALL}
    return {c.strip() for c in m.group(2).split(",") if c.strip()} or {ALL}


def parse_ignores(path: str, lines: list[str]) -> Ignores:
    out = Ignores()
    if not supports_comments(path):
        return out  # CSV, JSON: no comment syntax
    xml = path.lower().endswith(_XML_COMMENTS)
    pending: set[str] = set()  # from comment lines, for the next line of content
    for n, line in enumerate(lines):
        found = _comment(line, xml)
        if found is None or not line.strip():
            if line.strip() and pending:
                out.lines.setdefault(n, set()).update(pending)
                pending = set()
            continue
        comment, whole = found
        for m in _DIRECTIVE.finditer(comment):
            if m.group(1):
                out.file |= _codes(m)
            elif whole:
                pending |= _codes(m)
            else:
                out.lines.setdefault(n, set()).update(_codes(m))
        if not whole and pending:
            out.lines.setdefault(n, set()).update(pending)
            pending = set()
    return out


def lines_on_disk(
    root: Path, read: Mapping[str, bytes | OSError] | None = None, commented: bool = False
) -> Callable[[str], list[str] | None]:
    """`lines_of` for files on disk under `root` (paths relative to it), from the bytes in
    `read` where it has them. `commented`: no lines for a file without a `bundle-ls:`
    comment (all `drop_ignored` needs: its bytes are searched, not decoded; text is UTF-8)."""

    def lines_of(rel: str) -> list[str] | None:
        data = read.get(rel) if read is not None else None
        if data is None:
            try:
                data = read_file(root / rel, inside=root)
            except OSError:
                return None
        if isinstance(data, OSError):
            return None
        if commented and b"bundle-ls:" not in data:
            return []
        text, _problem = decode(rel, data)
        return split_lines(text) if text is not None else None

    return lines_of


def drop_ignored(
    diags: Iterable[Diagnostic], lines_of: Callable[[str], list[str] | None]
) -> list[Diagnostic]:
    """The findings no ignore comment silences. `lines_of(path)` gives a file's current
    lines (read only for files that have findings and may hold comments)."""
    diags = list(diags)
    cache: dict[str, Ignores | None] = {}
    out = []
    for d in diags:
        if supports_comments(d.path):
            if d.path not in cache:
                lines = lines_of(d.path)
                text_has = lines is not None and any("bundle-ls:" in ln for ln in lines)
                cache[d.path] = parse_ignores(d.path, lines) if text_has and lines else None
            ignores = cache[d.path]
            if ignores is not None and ignores.silences(d):
                continue
        out.append(d)
    return out
