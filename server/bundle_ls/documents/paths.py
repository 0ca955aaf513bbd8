"""Paths inside a Config Directory: `/`-separated, relative to its root."""

from __future__ import annotations

import os
import re

_GLOB_CACHE: dict[str, re.Pattern] = {}


def glob_match(pattern: str, path: str) -> bool:
    """Match a `/`-separated path against a glob where `**/` spans folders and `*` does not."""
    rx = _GLOB_CACHE.get(pattern)
    if rx is None:
        out = []
        i = 0
        while i < len(pattern):
            c = pattern[i]
            if pattern.startswith("**/", i):
                out.append("(?:.*/)?")
                i += 3
                continue
            if pattern.startswith("**", i):
                out.append(".*")
                i += 2
                continue
            if c == "*":
                out.append("[^/]*")
            elif c == "?":
                out.append("[^/]")
            else:
                out.append(re.escape(c))
            i += 1
        rx = re.compile("".join(out) + r"\Z")
        _GLOB_CACHE[pattern] = rx
    return rx.match(path) is not None


def resolve_in_root(real_root: str, target: str) -> tuple[str | None, str | None]:
    """The real path of a file named relative to the Config Directory (whose real path is
    `real_root`), or None and the reason it is not usable: empty, absolute, outside the
    directory (links resolved) or missing."""
    if not target.strip():
        return None, "the path is empty"
    if os.path.isabs(target):
        return None, f"'{target}' is absolute; paths are relative to the Config Directory"
    real = os.path.realpath(os.path.join(real_root, target))
    if real != real_root and not real.startswith(real_root + os.sep):
        return None, f"'{target}' leaves the Config Directory"
    if not os.path.isfile(real):
        return None, f"file '{target}' does not exist in the Config Directory"
    return real, None
