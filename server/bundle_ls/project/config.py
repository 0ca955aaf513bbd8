"""A Config Directory: its `bundle-ls.yaml` settings and the config files in it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML

from bundle_ls.dialects.initializer import layout as initializer_layout
from bundle_ls.dialects.module_schemas.schemas import (
    SCHEMA_SUFFIXES,
    SchemaSet,
    builtin_schema_dir,
    glob_match,
)

SETTINGS_FILE = "bundle-ls.yaml"
SKIPPED_FOLDERS = frozenset(("node_modules",))


class ProjectError(Exception):
    """The directory's settings cannot be used; the message names the file."""


@dataclass(slots=True)
class ProjectConfig:
    root: Path
    schema_folders: list[Path] = field(default_factory=list)
    modules: frozenset[str] | None = None  # None: every known module is installed
    exclude: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, root: Path, extra_schemas: list[Path] | None = None) -> ProjectConfig:
        cfg = cls(root)
        initializer_layout.configure_root(root)  # is the directory itself configuration/?
        path = root / SETTINGS_FILE
        if path.is_file():
            try:
                data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
            except Exception as exc:
                raise ProjectError(f"{path}: not readable: {str(exc).splitlines()[0]}") from None
            data = data or {}
            if not isinstance(data, dict):
                raise ProjectError(f"{path}: must be a mapping (schemas:, modules:, exclude:)")
            schemas = data.get("schemas") or []
            if isinstance(schemas, str):
                schemas = [schemas]
            if not isinstance(schemas, list):
                raise ProjectError(f"{path}: schemas: must be a list of folders")
            cfg.schema_folders = [(root / str(s)).resolve() for s in schemas]
            why = initializer_layout.configure_settings(data.get("initializer"))
            if why:
                raise ProjectError(f"{path}: initializer: {why}")
            modules = data.get("modules")
            if modules is not None:
                if not isinstance(modules, list):
                    raise ProjectError(f"{path}: modules: must be a list of module ids")
                cfg.modules = frozenset(str(m) for m in modules)
            exclude = data.get("exclude") or []
            if not isinstance(exclude, list):
                raise ProjectError(f"{path}: exclude: must be a list of globs")
            cfg.exclude = [str(e) for e in exclude]
        cfg.schema_folders = [*(p.resolve() for p in extra_schemas or []), *cfg.schema_folders]
        return cfg

    def load_schemas(self) -> SchemaSet:
        return SchemaSet.load([builtin_schema_dir(), *self.schema_folders])


def is_config_candidate(rel: str) -> bool:
    """A file the config rules apply to; a module schema kept in the directory is not one."""
    low = rel.lower()
    return (
        low.endswith((".yaml", ".yml", ".csv"))
        and rel != SETTINGS_FILE
        and not low.endswith(SCHEMA_SUFFIXES)
    )


def schema_folders_inside(cfg: ProjectConfig) -> list[str]:
    """The `schemas:` folders that lie in the Config Directory, as `/`-ended relative paths:
    what they hold is module schemas (and their notes), not configuration."""
    root = cfg.root.resolve()
    inside = []
    for folder in cfg.schema_folders:
        try:
            rel = folder.resolve().relative_to(root).as_posix()
        except ValueError:
            continue
        inside.append("" if rel == "." else rel + "/")
    return [f for f in inside if f]


def discover(cfg: ProjectConfig, schemas: SchemaSet) -> list[str]:
    """Config files under the root, as sorted `/` paths relative to it.

    Hidden folders and node_modules are skipped; so are files matching `exclude:` and CSV
    files that no namespace's `x-files` claims. Symlinked folders are not followed (a loop
    or a link out of the directory cannot be walked into).
    """
    found: list[str] = []
    root = cfg.root
    schema_dirs = tuple(schema_folders_inside(cfg))
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and d not in SKIPPED_FOLDERS
        )
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        prefix = "" if rel_dir == "." else rel_dir + "/"
        for name in filenames:
            if name.startswith("."):
                continue
            rel = prefix + name
            if schema_dirs and rel.startswith(schema_dirs):
                continue
            if any(glob_match(g, rel) for g in cfg.exclude):
                continue
            initializer = initializer_layout.wants(rel)  # None: not an Initializer file
            if initializer is not None:
                if initializer:
                    found.append(rel)
                continue
            if not is_config_candidate(rel):
                continue
            if rel.lower().endswith(".csv") and schemas.namespace_for_csv(rel) is None:
                continue
            found.append(rel)
    # One file stands for each folder Initializer does not know (unknown-domain).
    found.extend(
        r
        for r in initializer_layout.carriers(root, found)
        if not any(glob_match(g, r) for g in cfg.exclude)
    )
    # Checking configuration/ itself: constants.yml & co. beside it still apply.
    found.extend(initializer_layout.context_files(root))
    found = sorted(set(found))
    return found
