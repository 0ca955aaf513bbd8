"""A baseline: the findings a repository already has, so that CI fails only on new ones.

`bundle-ls --check --write-baseline FILE` records every finding; `--check --baseline FILE`
reports only those the baseline does not account for (and exits 1 only for a new error).

A finding is matched by its file, its code, its message with numbers blanked out, and the
text of the line it starts on (trimmed; stored as a short digest) — not by its line number, so that lines added or
removed above it do not make it new. Each such key is counted: a baseline that holds a
finding twice accounts for two of them, and a third one is new. A finding whose line or
message changed is new (its old record is reported as fixed). Paths are stored relative
to the baseline file's folder, so the file can be committed and used from anywhere.

The file is JSON, sorted, one record per key:

    {"bundle-ls-baseline": 1, "findings": [{"path": "…", "code": "…", "message": "…",
     "line": "<digest>", "count": 1}, …]}
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bundle_ls.documents.model import Diagnostic

VERSION = 1
_NUMBER = re.compile(r"\d+")

Key = tuple[str, str, str, str]  # path, code, message without numbers, digest of the line


class BaselineError(Exception):
    """The baseline file cannot be read; the message names it."""


@dataclass(slots=True)
class Outcome:
    new: list[Diagnostic]  # what the baseline does not account for
    known: int  # findings the baseline accounts for
    fixed: int  # baseline records no finding matched any more


def _key(d: Diagnostic, path: str, line_text: str) -> Key:
    digest = hashlib.blake2b(line_text.strip().encode("utf-8"), digest_size=8).hexdigest()
    return (path, d.code, _NUMBER.sub("#", d.message), digest)


def keys_of(
    diags: Iterable[Diagnostic],
    path_of: Callable[[str], str],
    lines_of: Callable[[str], list[str] | None],
) -> list[tuple[Key, Diagnostic]]:
    """Each finding's key: `path_of` turns its path into the baseline's, `lines_of` gives
    its file's lines."""
    cache: dict[str, list[str] | None] = {}
    out = []
    for d in diags:
        if d.path not in cache:
            cache[d.path] = lines_of(d.path)
        lines = cache[d.path] or []
        text = lines[d.range[0]] if 0 <= d.range[0] < len(lines) else ""
        out.append((_key(d, path_of(d.path), text), d))
    return out


def relative_to(baseline: Path, root: Path) -> Callable[[str], str]:
    """A finding's path (relative to the checked `root`) as the baseline stores it."""
    base = baseline.resolve().parent

    def path_of(rel: str) -> str:
        return os.path.relpath((root / rel).resolve(), base).replace(os.sep, "/")

    return path_of


def write(baseline: Path, keyed: Iterable[tuple[Key, Diagnostic]]) -> int:
    counts = Counter(k for k, _d in keyed)
    records = [
        {"path": p, "code": c, "message": m, "line": t, "count": n}
        for (p, c, m, t), n in sorted(counts.items())
    ]
    text = json.dumps({"bundle-ls-baseline": VERSION, "findings": records}, indent=1)
    baseline.write_text(text + "\n", encoding="utf-8")
    return sum(counts.values())


def read(baseline: Path) -> Counter[Key]:
    try:
        data = json.loads(baseline.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{baseline}: cannot be read as a baseline ({exc})") from None
    if not isinstance(data, dict) or data.get("bundle-ls-baseline") != VERSION:
        raise BaselineError(f"{baseline}: not a bundle-ls baseline (version {VERSION})")
    out: Counter[Key] = Counter()
    for rec in data.get("findings") or ():
        try:
            key = (str(rec["path"]), str(rec["code"]), str(rec["message"]), str(rec["line"]))
            out[key] += int(rec.get("count", 1))
        except (KeyError, TypeError, ValueError):
            raise BaselineError(f"{baseline}: a record is not path/code/message/line") from None
    return out


def compare(known: Counter[Key], keyed: Iterable[tuple[Key, Diagnostic]]) -> Outcome:
    left = Counter(known)
    new = []
    matched = 0
    for key, d in keyed:
        if left[key] > 0:
            left[key] -= 1
            matched += 1
        else:
            new.append(d)
    return Outcome(new, matched, sum(left.values()))
