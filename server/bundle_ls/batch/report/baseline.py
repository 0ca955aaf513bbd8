"""New and fixed findings against a baseline: the JSON of an earlier `--check --format json`.

A finding of now and one of the baseline are the same finding when they have the same file,
code and message, and a tolerant position:

1. Messages are compared with the line numbers they quote taken out ("first in
   `a.yaml:12`" → "first in `a.yaml:#`"), since editing one file moves the lines another
   file's message names.
2. Within one (file, code, message), findings on the same line pair first; the rest pair in
   order of position, so lines inserted or removed above a finding do not make it "new".

What is left unpaired now is **new**; what is left unpaired in the baseline is **fixed**.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bundle_ls.documents.model import Diagnostic

# A file path followed by a line number, as messages quote other places.
_QUOTED_LINE = re.compile(r"(\S+\.(?:ya?ml|csv|json|xml|properties)):\d+")


class BaselineError(Exception):
    """The baseline file cannot be read as the JSON output of `--check --format json`."""


@dataclass(frozen=True, slots=True)
class BaselineFinding:
    path: str
    line: int  # 0-based, as in the JSON output
    character: int
    severity: str
    code: str
    message: str


def message_key(message: str) -> str:
    return _QUOTED_LINE.sub(r"\1:#", message)


def parse_baseline(doc: Any) -> list[BaselineFinding]:
    """The findings of a parsed `--check --format json` document."""
    if not isinstance(doc, dict) or not isinstance(doc.get("diagnostics"), list):
        raise BaselineError("not the JSON output of bundle-ls --check --format json")
    out = []
    for i, d in enumerate(doc["diagnostics"]):
        try:
            start = d["range"]["start"]
            out.append(
                BaselineFinding(
                    str(d["path"]),
                    int(start["line"]),
                    int(start["character"]),
                    str(d["severity"]),
                    str(d["code"]),
                    str(d["message"]),
                )
            )
        except (KeyError, TypeError, ValueError):
            raise BaselineError(
                f"diagnostic {i + 1} lacks path, range, severity, code or message"
            ) from None
    return out


def load_baseline(path: Path) -> list[BaselineFinding]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: not JSON ({exc})") from None
    try:
        return parse_baseline(doc)
    except BaselineError as exc:
        raise BaselineError(f"{path}: {exc}") from None


def compare(
    current: list[Diagnostic], baseline: list[BaselineFinding]
) -> tuple[set[int], list[BaselineFinding]]:
    """(indices of `current` that are new, baseline findings that are fixed)."""
    now: dict[tuple, list[tuple[int, int, int]]] = defaultdict(list)
    for i, d in enumerate(current):
        now[(d.path, d.code, message_key(d.message))].append((d.range[0], d.range[1], i))
    before: dict[tuple, list[tuple[int, int, int]]] = defaultdict(list)
    for j, b in enumerate(baseline):
        before[(b.path, b.code, message_key(b.message))].append((b.line, b.character, j))
    new: set[int] = set()
    fixed_ix: list[int] = []
    for key in now.keys() | before.keys():
        a = sorted(now.get(key, []))
        b = sorted(before.get(key, []))
        # same line first
        b_by_line: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        for item in b:
            b_by_line[item[0]].append(item)
        rest_a = []
        for item in a:
            same = b_by_line.get(item[0])
            if same:
                same.pop(0)
            else:
                rest_a.append(item)
        rest_b = [item for items in b_by_line.values() for item in items]
        rest_b.sort()
        # then in order of position
        paired = min(len(rest_a), len(rest_b))
        new.update(i for _l, _c, i in rest_a[paired:])
        fixed_ix.extend(j for _l, _c, j in rest_b[paired:])
    return new, [baseline[j] for j in sorted(fixed_ix)]
