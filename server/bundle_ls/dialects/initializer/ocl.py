"""Concepts listed in OCL export zips (`ocl/*.zip` holding `export.json`), read offline.

Initializer's ocl domain imports these zips before concepts are loaded, so their concepts
resolve references by uuid (`external_id`), by name and by mapping (`SOURCE:CODE`). Reads
are bounded (zip members over MAX_EXPORT_BYTES are skipped) and cached by file size and
modification time.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from bundle_ls.documents.disk import regular_target

MAX_EXPORT_BYTES = 200 * 1024 * 1024
MAX_ZIP_BYTES = 100 * 1024 * 1024


@dataclass(slots=True)
class OclConcepts:
    uuids: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)  # lower case
    mappings: set[str] = field(default_factory=set)  # lower case SOURCE:CODE
    classes: set[str] = field(default_factory=set)  # lower case concept classes
    files: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (zip path, reason)

    def has(self, value: str) -> bool:
        low = value.strip().lower()
        return value in self.uuids or low in self.names or low in self.mappings

    def merge(self, other: OclConcepts) -> None:
        self.uuids |= other.uuids
        self.names |= other.names
        self.mappings |= other.mappings
        self.classes |= other.classes
        self.files += other.files
        self.problems += other.problems


_cache: dict[str, tuple[tuple[int, float], OclConcepts]] = {}


def read_zip(path: str) -> OclConcepts:
    try:
        st = os.stat(regular_target(path))  # a FIFO named .zip would block the zip reader
    except OSError:
        return OclConcepts()
    stamp = (st.st_size, st.st_mtime)
    hit = _cache.get(path)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    import zipfile  # loaded when a repository has OCL zips

    out = OclConcepts(files=[path])
    try:
        if st.st_size > MAX_ZIP_BYTES:
            raise ValueError(f"the zip is over {MAX_ZIP_BYTES // (1024 * 1024)} MB")
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if not info.filename.endswith("export.json"):
                    continue
                if info.file_size > MAX_EXPORT_BYTES:
                    raise ValueError("export.json is too large to index")
                with zf.open(info) as fh:
                    data = json.loads(fh.read(MAX_EXPORT_BYTES + 1))
                _index_export(data, out)
    except (OSError, ValueError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
        out.problems.append((path, str(exc)))
    _cache[path] = (stamp, out)
    return out


def _index_export(data: object, out: OclConcepts) -> None:
    if not isinstance(data, dict):
        return
    for c in data.get("concepts") or ():
        if not isinstance(c, dict):
            continue
        ext = c.get("external_id")
        if isinstance(ext, str) and ext:
            out.uuids.add(ext)
        source = c.get("source")
        cid = c.get("id")
        if isinstance(source, str) and isinstance(cid, str):
            out.mappings.add(f"{source}:{cid}".lower())
        cls = c.get("concept_class")
        if isinstance(cls, str):
            out.classes.add(cls.lower())
        for n in c.get("names") or ():
            if isinstance(n, dict) and isinstance(n.get("name"), str):
                out.names.add(n["name"].strip().lower())
    for m in data.get("mappings") or ():
        if not isinstance(m, dict):
            continue
        src, code = m.get("to_source_name"), m.get("to_concept_code")
        if isinstance(src, str) and isinstance(code, str):
            out.mappings.add(f"{src}:{code}".lower())


def concepts_under(folder: str) -> OclConcepts:
    """Every OCL zip in `<folder>/ocl/` (recursively), merged."""
    out = OclConcepts()
    base = os.path.join(folder, "ocl")
    if not os.path.isdir(base):
        return out
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames.sort()
        for name in sorted(filenames):
            if name.lower().endswith(".zip"):
                out.merge(read_zip(os.path.join(dirpath, name)))
    return out
