"""What OpenMRS core and each module create in the database, per Initializer domain.

The data pack `schemas/modules/<module-id>.yaml` is harvested from the modules' sources by
`tools/harvest_modules.py` (format: docs/module-data.md). The checker uses it to know the
concept classes, privileges, roles … that exist on a server without being defined in the
configuration folder. Nothing here reads the network or executes anything from the files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bundle_ls.dialects.base import builtin_schema_dir
from bundle_ls.documents.yaml_doc import PlainYamlError, load_plain

_COMMIT = re.compile(r"^[0-9a-f]{40}$")


class ModuleDataError(Exception):
    """A data pack file cannot be used; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where an entry was read: the file of the module's repository at one commit."""

    repo: str  # owner/name on GitHub
    path: str  # file inside the repository
    commit: str  # 40 hex digits
    changeset: str | None = None  # the Liquibase changeset id, for changelog entries


@dataclass(frozen=True, slots=True)
class Entry:
    """One entity a module creates: its name and, when its source fixes one, its uuid."""

    name: str
    uuid: str | None
    source: Provenance
    retired: bool = False  # a later change of the module retired it
    entity: str | None = None  # attribute types: the entity they describe (Location, Visit …)


ModuleData = dict[str, dict[str, list[Entry]]]  # module id -> domain -> entries


def module_data_dir() -> Path:
    """The built-in data pack (schemas/modules, packaged as bundle_ls/_schemas/modules)."""
    return builtin_schema_dir() / "modules"


def _text(value: Any, what: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ModuleDataError(f"{where}: {what} must be a non-empty string")
    return value


def _provenance(value: Any, where: str) -> Provenance:
    if not isinstance(value, dict):
        raise ModuleDataError(f"{where}: source must be a mapping {{repo, path, commit}}")
    commit = _text(value.get("commit"), "source.commit", where)
    if not _COMMIT.match(commit):
        raise ModuleDataError(f"{where}: source.commit must be 40 hex digits")
    changeset = value.get("changeset")
    return Provenance(
        _text(value.get("repo"), "source.repo", where),
        _text(value.get("path"), "source.path", where),
        commit,
        str(changeset) if changeset is not None else None,
    )


def _entry(value: Any, where: str) -> Entry:
    if not isinstance(value, dict):
        raise ModuleDataError(f"{where}: an entry must be a mapping")
    uuid = value.get("uuid")
    entity = value.get("entity")
    return Entry(
        name=str(_text(value.get("name"), "name", where)),
        uuid=str(uuid) if uuid is not None else None,
        source=_provenance(value.get("source"), where),
        retired=value.get("retired") is True,
        entity=str(entity) if entity is not None else None,
    )


def load_module_file(path: Path) -> tuple[str, dict[str, list[Entry]]]:
    """One `<module-id>.yaml`: its module id and its entries per domain."""
    try:
        document = load_plain(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, PlainYamlError) as exc:
        raise ModuleDataError(f"{path}: cannot be read ({exc})") from exc
    if not isinstance(document, dict):
        raise ModuleDataError(f"{path}: must be a mapping with module and domains")
    module_id = _text(document.get("module"), "module", str(path))
    if module_id != path.name.removesuffix(".yaml"):
        raise ModuleDataError(f"{path}: module {module_id!r} does not match the file name")
    domains = document.get("domains") or {}
    if not isinstance(domains, dict):
        raise ModuleDataError(f"{path}: domains must be a mapping of domain to entries")
    out: dict[str, list[Entry]] = {}
    for domain, entries in domains.items():
        if not isinstance(entries, list):
            raise ModuleDataError(f"{path}: domains.{domain} must be a list")
        out[str(domain)] = [
            _entry(e, f"{path}: domains.{domain}[{i}]") for i, e in enumerate(entries)
        ]
    return module_id, out


def load_module_data(folder: Path | None = None) -> ModuleData:
    """Every `<module-id>.yaml` of a folder (default: the built-in data pack)."""
    folder = folder if folder is not None else module_data_dir()
    data: ModuleData = {}
    for path in sorted(folder.glob("*.yaml")):
        module_id, domains = load_module_file(path)
        data[module_id] = domains
    return data


# A domain key of a harvested file: two spaces in, under the top-level `domains:`.
_DOMAIN_KEY = re.compile(r"^  ([A-Za-z0-9_.|-]+):[ \t]*$", re.M)


def load_module_domains(domains: Iterable[str], folder: Path | None = None) -> ModuleData:
    """`load_module_data` for some domains only, without parsing the others: the harvest
    writes `domains:` at the top level and one domain key per line two spaces in, so each
    file is cut there and only the wanted parts are read. A file in another layout is
    read whole."""
    wanted = set(domains)
    folder = folder if folder is not None else module_data_dir()
    data: ModuleData = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ModuleDataError(f"{path}: cannot be read ({exc})") from exc
        head, sep, body = text.partition("\ndomains:\n")
        if not sep:
            module_id, all_domains = load_module_file(path)
            data[module_id] = {d: e for d, e in all_domains.items() if d in wanted}
            continue
        module_id, parts = _load_parts(path, head, "\n" + body, wanted)
        data[module_id] = parts
    return data


def _load_parts(
    path: Path, head: str, body: str, wanted: set[str]
) -> tuple[str, dict[str, list[Entry]]]:
    try:
        header = load_plain(head)
    except PlainYamlError as exc:
        raise ModuleDataError(f"{path}: cannot be read ({exc})") from exc
    if not isinstance(header, dict):
        raise ModuleDataError(f"{path}: must be a mapping with module and domains")
    module_id = _text(header.get("module"), "module", str(path))
    if module_id != path.name.removesuffix(".yaml"):
        raise ModuleDataError(f"{path}: module {module_id!r} does not match the file name")
    keys = [(m.start(), m.group(1)) for m in _DOMAIN_KEY.finditer(body)]
    out: dict[str, list[Entry]] = {}
    for i, (start, domain) in enumerate(keys):
        if domain not in wanted:
            continue
        end = keys[i + 1][0] if i + 1 < len(keys) else len(body)
        try:
            part = load_plain(body[start:end]) or {}
        except PlainYamlError as exc:
            raise ModuleDataError(f"{path}: domains.{domain}: cannot be read ({exc})") from exc
        entries = part.get(domain) if isinstance(part, dict) else None
        if not isinstance(entries, list):
            raise ModuleDataError(f"{path}: domains.{domain} must be a list")
        where = f"{path}: domains.{domain}"
        out[domain] = [_entry(e, f"{where}[{j}]") for j, e in enumerate(entries)]
    return module_id, out


def entries_of(data: ModuleData, modules: Iterable[str], domain: str) -> list[Entry]:
    """The entries of one domain that the given modules (ids as in the data) create."""
    return [e for m in modules for e in data.get(m, {}).get(domain, [])]
