"""On-disk cache of per-file analysis results, so that re-checking an unchanged directory
is nearly free.

A file's facts (its own diagnostics, key definitions, references, ...) are a pure function
of its bytes, its path, the schema set, the installed modules and the code of bundle-ls
itself (see analysis.py). The cache stores them per Config Directory, keyed by the path
and a hash of the content, under a *context* that fingerprints everything else: the
schema documents, the installed modules and the tool (its version and the size and time
of each of its source files, so an edited checkout never reuses stale results). A
different context throws the old entries away.

Where: `$BUNDLE_LS_CACHE_DIR`, else `$XDG_CACHE_HOME/bundle-ls`, else `~/.cache/bundle-ls`;
one file per Config Directory, at most `MAX_FILES` of them (the least recently used go).
`BUNDLE_LS_NO_CACHE=1` (or `--no-cache`) turns it off.

Safe against corruption: a cache file starts with a magic line, its context and a BLAKE2b
digest of its payload; anything that does not match, does not unpickle, or does not have the
expected shape is ignored (and rewritten), never trusted. Writes go to a temporary file
that replaces the old one atomically. The folder is created private to the user (0700):
it is trusted as the user's own files are, like any cache under ~/.cache.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import hashlib
import operator
import os
import pickle
import tempfile
from pathlib import Path

from bundle_ls import __version__
from bundle_ls.documents.compiled import walkfast
from bundle_ls.documents.facts import Compact, Entry, FileFacts, FileRef, KeyDef, Reference
from bundle_ls.documents.model import Diagnostic, Related
from bundle_ls.project.context import AnalysisContext

MAGIC = b"bundle-ls facts cache v3\n"
DIGEST_SIZE = 32
MAX_FILES = 64


# ---- compact pickling of the facts ---------------------------------------------------------
# Slotted dataclasses pickle through their generic state dicts, which is 5-7x slower than a
# constructor call with the field values. This reduction is also what makes shipping facts
# back from the --check worker processes cheap. Where bundle_ls._walkfast is built, its
# `reduce` makes the (class, field values) pair without a Python call per object; the
# pickle is the same either way.


_native = walkfast()


def _register(cls: type) -> None:
    fields = dataclasses.fields(cls)
    if not all(f.init for f in fields):
        return  # a field the constructor does not take: keep the generic reduction
    names = tuple(f.name for f in fields)
    if _native is not None and _native.register_reduce(cls, names):
        copyreg.pickle(cls, _native.reduce)
    elif len(names) == 1:
        get1 = operator.attrgetter(names[0])
        copyreg.pickle(cls, lambda o: (cls, (get1(o),)))
    else:
        get = operator.attrgetter(*names)
        copyreg.pickle(cls, lambda o: (cls, get(o)))


for _cls in (FileFacts, KeyDef, Reference, FileRef, Entry, Diagnostic, Related):
    if dataclasses.is_dataclass(_cls):
        _register(_cls)
# A keyed object's JSON: its bytes (the generic reduction of a bytes subclass is 5x slower).
copyreg.pickle(Compact, _native.reduce if _native is not None else lambda c: (Compact, (bytes(c),)))


# ---- fingerprints ---------------------------------------------------------------------------


def content_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


_TOOL: str | None = None
# Parts of the package that never run while a file's facts are made (the analysis imports
# none of them): editing them keeps the cache.
NOT_IN_ANALYSIS = frozenset(("lsp", "editor", "reporters", "__pycache__"))
NOT_IN_ANALYSIS_FILES = frozenset(("cli.py", "__main__.py"))


def tool_fingerprint() -> str:
    """The version and the size and modification time of every source file of the package
    that the analysis of a file can run."""
    global _TOOL
    if _TOOL is None:
        h = hashlib.blake2b(__version__.encode(), digest_size=16)
        pkg = Path(__file__).resolve().parents[1]
        for dirpath, dirnames, filenames in os.walk(pkg):
            dirnames[:] = sorted(d for d in dirnames if d not in NOT_IN_ANALYSIS)
            for name in sorted(filenames):
                if dirpath == str(pkg) and name in NOT_IN_ANALYSIS_FILES:
                    continue
                if name.endswith((".py", ".yaml", ".yml", ".json")):
                    st = os.stat(os.path.join(dirpath, name))
                    rel = os.path.relpath(os.path.join(dirpath, name), pkg)
                    h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        _TOOL = h.hexdigest()
    return _TOOL


def context_fingerprint(ctx: AnalysisContext) -> str:
    """Everything besides a file's path and bytes that its facts depend on."""
    h = hashlib.blake2b(digest_size=16)
    h.update(tool_fingerprint().encode())
    h.update(ctx.fingerprint().encode())
    return h.hexdigest()


# ---- the cache ----------------------------------------------------------------------------


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is turned off."""
    if os.environ.get("BUNDLE_LS_NO_CACHE"):
        return None
    explicit = os.environ.get("BUNDLE_LS_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "bundle-ls"


class FactsCache:
    """The cached facts of one Config Directory under one context.

    Entries hold each file's facts as a pickled blob: the --check workers produce that
    blob anyway to send their results back, so storing it costs no second pickling.
    """

    def __init__(self, path: Path | None, context: str) -> None:
        self.path = path
        self.context = context
        self.entries: dict[str, tuple[bytes, bytes]] = {}  # rel → (content digest, blob)
        self.dirty = False
        self.hits = 0
        self.misses = 0

    @classmethod
    def open(cls, root: Path, context: str, folder: Path | None = None) -> FactsCache:
        folder = folder if folder is not None else cache_dir()
        if folder is None:
            return cls(None, context)
        name = hashlib.blake2b(os.path.realpath(root).encode(), digest_size=12).hexdigest()
        cache = cls(folder / f"check-{name}.bin", context)
        cache._load()
        return cache

    def _header(self) -> bytes:
        return MAGIC + self.context.encode("ascii", "replace")[:64].ljust(64) + b"\n"

    def _load(self) -> None:
        try:
            with open(self.path, "rb") as f:
                blob = f.read()
        except OSError:
            return
        try:
            header = self._header()
            if blob[: len(header)] != header:
                self.dirty = True  # another context (or not ours): start afresh, overwrite it
                return
            start = len(header)
            digest = blob[start : start + DIGEST_SIZE]
            payload = memoryview(blob)[start + DIGEST_SIZE :]
            if hashlib.blake2b(payload, digest_size=DIGEST_SIZE).digest() != digest:
                self.dirty = True
                return
            entries = pickle.loads(payload)
            if not isinstance(entries, dict):
                self.dirty = True
                return
            self.entries = {
                rel: value
                for rel, value in entries.items()
                if isinstance(rel, str)
                and isinstance(value, tuple)
                and len(value) == 2
                and isinstance(value[0], bytes)
                and isinstance(value[1], bytes)
            }
        except Exception:  # a damaged or foreign file is ignored, then replaced
            self.entries = {}
            self.dirty = True

    def get(self, rel: str, digest: bytes) -> FileFacts | None:
        hit = self.entries.get(rel)
        if hit is not None and hit[0] == digest:
            try:
                facts = pickle.loads(hit[1])
            except Exception:
                facts = None
            if isinstance(facts, FileFacts) and facts.path == rel:
                self.hits += 1
                return facts
            del self.entries[rel]
            self.dirty = True
        self.misses += 1
        return None

    def put(self, rel: str, digest: bytes, blob: bytes) -> None:
        """Store one file's facts, given as `dumps(facts)`."""
        self.entries[rel] = (digest, blob)
        self.dirty = True

    def save(self, keep: set[str] | None = None) -> None:
        """Write the cache if anything changed; entries not in `keep` are dropped."""
        if self.path is None:
            return
        if keep is not None:
            stale = [rel for rel in self.entries if rel not in keep]
            for rel in stale:
                del self.entries[rel]
            self.dirty = self.dirty or bool(stale)
        if not self.dirty:
            with contextlib.suppress(OSError):
                os.utime(self.path)  # recently used: kept when old ones are pruned
            return
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            payload = pickle.dumps(self.entries, protocol=pickle.HIGHEST_PROTOCOL)
            digest = hashlib.blake2b(payload, digest_size=DIGEST_SIZE).digest()
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.path.parent)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(self._header())
                    f.write(digest)
                    f.write(payload)
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            self.dirty = False
            _prune(self.path.parent)
        except OSError:
            pass  # a cache that cannot be written only costs time


def dumps(facts: FileFacts) -> bytes:
    return pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL)


def loads(blob: bytes) -> FileFacts:
    return pickle.loads(blob)


def _prune(folder: Path, pattern: str = "check-*.bin") -> None:
    try:
        files = [p for p in folder.glob(pattern) if p.is_file()]
        if len(files) <= MAX_FILES:
            return
        files.sort(key=lambda p: p.stat().st_mtime)
        for p in files[: len(files) - MAX_FILES]:
            p.unlink()
    except OSError:
        pass
