"""Where Initializer configuration sits in a checked directory, decided from paths.

An Initializer configuration folder is a folder named `configuration`,
`backend_configuration`, `initializer_config`, `backend_config` or `openmrs_config` (the
names used by OpenMRS distributions: the appdata folder, O3 content packages, Ozone/MSF
distros, the OpenMRS SDK's content packages, the openmrs-core image's distribution folder),
at any depth, or a folder the project survey found holding domain folders
(`distribution.py`); its sub-folders are domains. `configuration/` that holds `backend_configuration/` or
`frontend_configuration/` is a content package, not an Initializer folder itself. When the
checked directory *is* an Initializer folder (`bundle-ls --check path/to/configuration`),
`Layout(top_level=True)` takes its top-level folders as domains.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bundle_ls.dialects.initializer.spec import domains

# `backend_config`: the OpenMRS SDK's content packages (`configs/backend_config`, its
# ContentHelper.BACKEND_CONFIG_FOLDER); `openmrs_config`: the folder of the openmrs-core
# image's distribution that its start-up copies to the application data's `configuration`.
ROOT_NAMES = frozenset(
    (
        "configuration",
        "backend_configuration",
        "initializer_config",
        "backend_config",
        "openmrs_config",
    )
)
CONTENT_PACKAGE_PARTS = frozenset(("backend_configuration", "frontend_configuration"))

# Folders that sit beside Initializer's domains in real distributions and are read by other
# modules (so Initializer ignoring them is expected): PIH's pihcore, appframework, the
# reporting module's report descriptors, O3 frontend config, MSF's drools rules.
OTHER_CONSUMERS = {
    "pih": "the PIH EMR module (pihcore)",
    "appframework": "the App Framework module",
    "reports": "the Reporting module (report descriptors)",
    "frontend": "the O3 frontend",
    "frontend_configuration": "the O3 frontend",
}

# Files beside Initializer folders that bundle-ls reads for cross-file facts.
CONSTANT_FILES = ("constants.yml", "constants.yaml", "constants.properties")
MODULE_FILES = ("content.properties", "distro.properties")
DEPENDENCY_FILES = ("dependencies.yml", "dependencies.yaml")


def is_initializer_folder(root: Path) -> bool:
    """Whether the checked directory itself is an Initializer folder: its name is one of
    ROOT_NAMES (and it is not a content package holding backend_configuration/), or at
    least two of its sub-folders are domain names."""
    try:
        subs = {p.name for p in root.iterdir() if p.is_dir()}
    except OSError:
        subs = set()
    if subs & CONTENT_PACKAGE_PARTS:
        return False
    if root.name in ROOT_NAMES:
        return True
    return len(subs & set(domains())) >= 2 and not (root / "bundle-ls.yaml").is_file()


def repository_of(file: Path) -> Path | None:
    """For a file inside an Initializer folder: the folder above the outermost folder named
    like one (the repository), which `--check FILE` checks as a whole; else None."""
    outer = None
    for folder in file.parents:
        if folder.name in ROOT_NAMES:
            outer = folder
    return outer.parent if outer is not None else None


@dataclass(slots=True, frozen=True)
class Location:
    root: str  # the Initializer folder, relative to the checked directory ("" = itself)
    domain: str  # the domain folder name as written
    known: bool  # a domain Initializer knows
    inner: str  # the path inside the domain folder

    @property
    def domain_path(self) -> str:
        return f"{self.root}/{self.domain}" if self.root else self.domain


def special_file(path: str) -> str | None:
    """'constants', 'modules' or 'dependencies' for the files bundle-ls reads beside Initializer's."""
    name = path.rsplit("/", 1)[-1]
    if name in CONSTANT_FILES:
        return "constants"
    if name in MODULE_FILES:
        return "modules"
    if name in DEPENDENCY_FILES:
        return "dependencies"
    return None


# JSON domains whose files bundle-ls reads (O3/AMPATH forms and their translations).
JSON_CHECKED = frozenset(("ampathforms", "ampathformstranslations"))

_TEXT_CARRIERS = (".json", ".xml", ".yml", ".yaml", ".csv", ".properties", ".drl", ".sql", ".txt")


def _first_text_file(folder: Path) -> str | None:
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for ext in _TEXT_CARRIERS:
            for name in sorted(filenames):
                if name.lower().endswith(ext) and not name.startswith("."):
                    rel = os.path.relpath(os.path.join(dirpath, name), folder)
                    return rel.replace(os.sep, "/")
    return None


class Layout:
    """Where Initializer folders and domains are, for one checked directory."""

    def __init__(self, top_level: bool = False, extra_roots: tuple[str, ...] = ()) -> None:
        self.top_level = top_level  # the checked directory is itself an Initializer folder
        # Initializer folders named otherwise, found by their domain folders (relative paths)
        self.extra_roots = tuple(sorted(extra_roots, key=len, reverse=True))

    def locate(self, path: str) -> Location | None:
        """The Initializer folder and domain of a `/` path relative to the checked directory."""
        parts = path.split("/")
        if ".." in parts:
            return None  # a project file above the checked Initializer folder (context_files)
        for root in self.extra_roots:
            if path.startswith(root + "/") and path.count("/") > root.count("/") + 1:
                inner = path[len(root) + 1 :].split("/")
                domain = inner[0]
                return Location(root, domain, domain in domains(), "/".join(inner[1:]))
        dirs = parts[:-1]
        best = 0 if self.top_level else -1
        for i, seg in enumerate(dirs):
            if seg in ROOT_NAMES and i + 1 < len(dirs):
                nxt = dirs[i + 1]
                if nxt in ROOT_NAMES or nxt in CONTENT_PACKAGE_PARTS:
                    continue
                best = i + 1
        if best < 0 or best >= len(dirs):
            return None
        domain = dirs[best]
        if self.top_level and best == 0 and domain in CONTENT_PACKAGE_PARTS:
            return None
        root = "/".join(dirs[:best])
        return Location(root, domain, domain in domains(), "/".join(parts[best + 1 :]))

    def wants(self, rel: str) -> bool | None:
        """Discovery: True to check the file as Initializer configuration, False to skip it, None
        when the file is not Initializer's (the generic rules apply)."""
        if special_file(rel):
            return True
        loc = self.locate(rel)
        if loc is None:
            return None
        low = rel.lower()
        if loc.known:
            fmt = domains()[loc.domain].format
            if fmt == "csv":
                return low.endswith(".csv")
            if loc.domain in JSON_CHECKED:
                return low.endswith(".json")
            if loc.domain == "globalproperties":
                return low.endswith(".xml")
            return False
        # An unknown folder: YAML (report descriptors) is checked; one file per folder carries
        # the unknown-domain finding (chosen by discovery, see carrier()).
        return low.endswith((".yml", ".yaml"))

    def skip_reason(self, rel: str) -> str | None:
        """Why `wants` says False, for people."""
        loc = self.locate(rel)
        if loc is None:
            return None
        if not loc.known:
            reader = OTHER_CONSUMERS.get(loc.domain, "another module, or nothing")
            return (
                f"{loc.domain}/ is not an Initializer domain (read by {reader}); bundle-ls "
                "checks its YAML files and one file for the folder's own finding"
            )
        fmt = domains()[loc.domain].format
        if fmt == "csv":
            return f"Initializer reads only the .csv files of {loc.domain}/"
        if loc.domain in JSON_CHECKED:
            return f"bundle-ls reads only the .json files of {loc.domain}/"
        if loc.domain == "globalproperties":
            return "bundle-ls reads only the .xml files of globalproperties/"
        return f"Initializer reads {loc.domain}/; bundle-ls does not check these files yet"

    def carriers(self, root: Path, rels: list[str]) -> list[str]:
        """One text file per unknown domain folder that no other discovered file stands for."""
        have: set[str] = set()
        for rel in rels:
            loc = self.locate(rel)
            if loc is not None and not loc.known:
                have.add(loc.domain_path)
        out: list[str] = []
        seen_folders: set[str] = set()
        for base in self._iniz_roots(root, rels):
            folder = root / base if base else root
            try:
                entries = sorted(folder.iterdir())
            except OSError:
                continue
            for sub in entries:
                if not sub.is_dir() or sub.name.startswith(".") or sub.name in domains():
                    continue
                if sub.name in ROOT_NAMES or sub.name in CONTENT_PACKAGE_PARTS:
                    continue
                dp = f"{base}/{sub.name}" if base else sub.name
                if dp in have or dp in seen_folders:
                    continue
                seen_folders.add(dp)
                pick = _first_text_file(sub)
                if pick is not None:
                    out.append(f"{dp}/{pick}")
        return out

    def context_files(self, root: Path) -> list[str]:
        """When the checked directory is itself an Initializer folder: the constants,
        dependency and module files of the project around it (`../constants.yml` beside
        `configuration/`, `../../content.properties` above `configuration/backend_configuration/`),
        as paths relative to it, so placeholders and modules resolve as in a build."""
        if not self.top_level:
            return []
        out: list[str] = []
        folder = root.resolve()
        up = ""
        for _ in range(3):
            parent = folder.parent
            if parent == folder:
                break
            up += "../"
            for name in (*CONSTANT_FILES, *MODULE_FILES, *DEPENDENCY_FILES):
                if (parent / name).is_file():
                    out.append(up + name)
            if parent.name not in ROOT_NAMES:
                break
            folder = parent
        return out

    def _iniz_roots(self, root: Path, rels: list[str]) -> list[str]:
        """The Initializer folders of the checked directory: those of discovered files, and any
        folder named like one (hidden folders and node_modules aside)."""
        roots: set[str] = set()
        for rel in rels:
            loc = self.locate(rel)
            if loc is not None:
                roots.add(loc.root)
        if self.top_level:
            roots.add("")
        roots.update(self.extra_roots)
        for dirpath, dirnames, _files in os.walk(root):
            dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "node_modules"]
            rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
            if rel_dir == ".":
                continue
            if os.path.basename(dirpath) in ROOT_NAMES and not (
                set(dirnames) & CONTENT_PACKAGE_PARTS
            ):
                roots.add(rel_dir)
                dirnames[:] = []  # its sub-folders are domains
        return sorted(roots)
