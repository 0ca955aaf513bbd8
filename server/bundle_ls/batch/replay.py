"""A warm `--check` of an unchanged directory replays its last result.

The facts cache (cache.py) spares re-analysing unchanged files, but the index and the
cross-file checks would still be rebuilt. When nothing that the result depends on has
changed, the last result is printed again as it was. What it depends on, hashed into one
key: the analysis context (tool, schemas, dialects' settings), the content of every
checked file and of `bundle-ls.yaml`, and the size and modification time of every other
file and folder under the root that discovery walks (files the configuration names, OCL
zips, new files), with the same folders skipped. A file a configuration names inside a
hidden folder is watched by its own size and time too (recorded with the result).

Stored beside the facts cache (`result-<dir>.bin`), with the same safety: a magic line,
the key, a BLAKE2b digest of the payload; anything that does not match is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from bundle_ls.batch.cache import _prune, cache_dir, content_digest
from bundle_ls.documents.disk import read_file, walked_path
from bundle_ls.documents.facts import FileFacts
from bundle_ls.documents.model import Diagnostic
from bundle_ls.project.config import SETTINGS_FILE
from bundle_ls.project.discovery import SKIPPED_FOLDERS

MAGIC = b"bundle-ls check result v2\n"
DIGEST_SIZE = 32


def _stat(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def tree_state(
    root: Path,
    checked: list[str],
    read: dict[str, bytes | OSError] | None = None,
    digests: dict[str, bytes] | None = None,
) -> bytes:
    """The key of everything a check of `root` reads: see the module's docstring. `read`
    and `digests`: files' bytes and content digests (`content_digest`) already at hand."""
    h = hashlib.blake2b(digest_size=DIGEST_SIZE)
    read = read or {}
    digests = digests or {}
    for rel in [*checked, SETTINGS_FILE]:
        data = read.get(rel)
        if data is None:
            try:
                data = read_file(root / rel, inside=root)
            except OSError as exc:
                data = exc
        if isinstance(data, OSError):  # the walk below still sees its size and time
            data = b"\0unreadable"
        digest = digests.get(rel) or content_digest(data)
        h.update(f"{rel}\0{len(data)}\0".encode())
        h.update(digest)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and d not in SKIPPED_FOLDERS
        )
        for name in sorted(filenames):
            rel = walked_path(dirpath, root, name)
            h.update(f"{rel}\0{_stat(os.path.join(dirpath, name))}\n".encode())
        h.update(f"{dirpath}\0{dirnames}\n".encode())
    return h.digest()


def watched_files(root: Path, facts: list[FileFacts]) -> list[tuple[str, tuple | None]]:
    """Files the configuration names in hidden folders (the walk above skips them)."""
    out = []
    for f in facts:
        for fr in f.file_refs:
            target = fr.target.replace("\\", "/")
            if any(p.startswith(".") and p not in (".", "..") for p in target.split("/")):
                full = os.path.join(root, os.path.dirname(f.path), target)
                out.append((full, _stat(full)))
    return out


class ResultStore:
    """The last result of `--check` on one directory under one context."""

    def __init__(self, path: Path | None, context: str) -> None:
        self.path = path
        self.context = context

    @classmethod
    def open(cls, root: Path, context: str) -> ResultStore:
        folder = cache_dir()
        if folder is None:
            return cls(None, context)
        name = hashlib.blake2b(os.path.realpath(root).encode(), digest_size=12).hexdigest()
        return cls(folder / f"result-{name}.bin", context)

    def _header(self, key: bytes) -> bytes:
        return MAGIC + self.context.encode("ascii", "replace")[:64].ljust(64) + key

    def load(self, key: bytes) -> tuple[int, list[Diagnostic], list[tuple]] | None:
        """(files, diagnostics, (path, kind, dialect) of each file checked) of the last run
        when its key was `key` and the files it watched are as they were; else None."""
        if self.path is None:
            return None
        try:
            blob = self.path.read_bytes()
            header = self._header(key)
            if blob[: len(header)] != header:
                return None
            start = len(header)
            digest = blob[start : start + DIGEST_SIZE]
            payload = memoryview(blob)[start + DIGEST_SIZE :]
            if hashlib.blake2b(payload, digest_size=DIGEST_SIZE).digest() != digest:
                return None
            files, diagnostics, watched, checked = pickle.loads(payload)
            if any(_stat(p) != st for p, st in watched):
                return None
            if not isinstance(files, int) or not all(
                isinstance(d, Diagnostic) for d in diagnostics
            ):
                return None
            return files, diagnostics, checked
        except Exception:  # a damaged or foreign file is ignored, then replaced
            return None

    def save(
        self, key: bytes, files: int, diagnostics: list[Diagnostic], watched: list, checked: list
    ) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            record = (files, diagnostics, watched, checked)
            payload = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
            digest = hashlib.blake2b(payload, digest_size=DIGEST_SIZE).digest()
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.path.parent)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(self._header(key))
                    f.write(digest)
                    f.write(payload)
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            _prune(self.path.parent, "result-*.bin")
        except OSError:
            pass  # a result that cannot be stored only costs time next run
