"""Which distribution and modules a configuration repository is checked against.

Surveyed once per project from the files around the configuration (never executed, never
fetched), in this order:

1. `bundle-ls.yaml` `modules:` — an explicit, complete list;
2. a distribution's `distro.properties` / `openmrs-distro.properties` (`omod.<id>` keys;
   a `parent.artifactId` that is another distribution of the repository, or a known one,
   adds that one's modules) — complete when every parent is followed;
3. a distribution `pom.xml` (`…-omod` dependencies; a known parent distribution);
4. a content package's `content.properties`: its `omod.<id>` keys are modules the package
   needs and its `content.<id>` keys packages it builds on (`content.referenceapplication`
   means the O3 reference application's modules) — never an install list: a module it
   does not name may still be installed;
5. a PIH configuration's `dependencies.yml` naming `openmrs-config-pihemr`;
6. a Bahmni layout: a `bahmniforms/` domain, a `bahmni.*` global property.

Only 1 and 2 say which modules are *not* installed (so that a domain folder is skipped);
the others are a lower bound. The known distributions' module lists are data,
`schemas/initializer/distributions.yaml`, harvested by tools/harvest_distributions.py.

The survey also finds the content packages of the repository (each folder holding a
`content.properties`) and which of them are loaded together (a distribution listing
them, a package depending on another), and Initializer folders that are named
otherwise but hold domain folders (`backend/openmrs_custom_config/locations/…`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bundle_ls.dialects.base import builtin_schema_dir
from bundle_ls.dialects.initializer.layout import CONTENT_PACKAGE_PARTS, ROOT_NAMES
from bundle_ls.dialects.initializer.spec import domains
from bundle_ls.documents.disk import read_file, walked_path
from bundle_ls.documents.yaml_doc import load_plain

DISTRO_FILES = ("distro.properties", "openmrs-distro.properties")
CONTENT_FILE = "content.properties"
DEPENDENCY_FILES = ("dependencies.yml", "dependencies.yaml")
SKIPPED = frozenset(("node_modules", "target"))
MAX_DEPTH = 8  # configuration sits a few folders deep; deeper trees are build output
# A distribution pom lists many omods; a content package's pom names at most a plugin's.
MIN_DISTRO_POM_OMODS = 3

_ARTIFACT = re.compile(r"<artifactId>\s*([^<\s]+)\s*</artifactId>")
_PARENT = re.compile(r"<parent>.*?</parent>", re.S)
_BAHMNI_GP = re.compile(rb"<property>\s*bahmni\.", re.I)
_PROPERTY = re.compile(r"([^=:\s]+)\s*[=:]\s*(.*)$")
_KEY_SUFFIXES = (".groupId", ".type", ".version", ".artifactId", ".namespace", ".includes")


@dataclass(frozen=True, slots=True)
class Distribution:
    """A known distribution: its label, its modules and what names it."""

    key: str
    label: str
    modules: frozenset[str]
    artifacts: frozenset[str]  # a parent.artifactId / distro pom parent naming it
    content: frozenset[str]  # content packages that belong to it
    configs: frozenset[str]  # parent configurations (dependencies.yml) that mean it
    source: str  # repository, path and commit the module list was read from


@dataclass(frozen=True, slots=True)
class DistributionData:
    distributions: tuple[Distribution, ...]
    artifact_modules: dict[str, str]  # omod artifact id → module id, where they differ
    pack_ids: dict[str, str]  # module id → its file name in the data pack, where they differ

    def module_of_artifact(self, artifact: str) -> str:
        return self.artifact_modules.get(artifact, artifact.removesuffix("-omod"))


@lru_cache(maxsize=1)
def distribution_data() -> DistributionData:
    """schemas/initializer/distributions.yaml (built-in data, read once)."""
    path = builtin_schema_dir() / "initializer" / "distributions.yaml"
    raw = load_plain(path.read_text(encoding="utf-8")) or {}
    dists = []
    for key, d in (raw.get("distributions") or {}).items():
        src = d.get("source") or {}
        dists.append(
            Distribution(
                key,
                str(d.get("label", key)),
                frozenset(str(m) for m in d.get("modules") or ()),
                frozenset(str(a) for a in d.get("artifacts") or ()),
                frozenset(str(c) for c in d.get("content") or ()),
                frozenset(str(c) for c in d.get("configs") or ()),
                f"{src.get('repo')} {src.get('path')} @{str(src.get('commit', ''))[:12]}",
            )
        )
    arts = {str(k): str(v["module"]) for k, v in (raw.get("artifact_modules") or {}).items()}
    packs = {str(k): str(v) for k, v in (raw.get("pack_ids") or {}).items()}
    return DistributionData(tuple(dists), arts, packs)


# ---- what was assumed -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Installation:
    """The distribution and modules a check assumes are installed (besides openmrs-core)."""

    distribution: str | None  # a label ("Bahmni"); None when no distribution was recognised
    modules: frozenset[str]  # module ids as in their config.xml
    complete: bool  # an explicit list: a module not in it is not installed
    evidence: tuple[str, ...] = ()  # where each assumption comes from

    def summary(self) -> str:
        """One line for `--check`'s summary."""
        what = self.distribution or ("listed modules" if self.complete else "no distribution")
        n = len(self.modules)
        mods = f"openmrs-core and {n} module{'s' * (n != 1)}" if n else "openmrs-core only"
        where = f" (from {', '.join(self.evidence[:3])}{' …' if len(self.evidence) > 3 else ''})"
        how = "" if self.complete else "; a module not listed may be installed"
        return (
            f"assumed: {what}, {mods}{where if self.evidence else ''}{how}; "
            "change it with `modules:` in bundle-ls.yaml"
        )

    def describe(self) -> str:
        """Markdown for hover: the distribution, where it was read, every module."""
        head = self.distribution or "No distribution recognised"
        lines = [f"**{head}**: openmrs-core and {len(self.modules)} modules"]
        if self.evidence:
            lines.append("from " + ", ".join(f"`{e}`" for e in self.evidence))
        if self.modules:
            lines.append(", ".join(sorted(self.modules)))
        lines.append(
            "The list is complete (a domain of another module is skipped)."
            if self.complete
            else "A lower bound: modules not listed may be installed too."
        )
        lines.append("Change it with `modules:` in bundle-ls.yaml.")
        return "\n\n".join(lines)


@dataclass(frozen=True, slots=True)
class ContentPackage:
    folder: str  # holding content.properties, relative to the checked directory ("" = it)
    artifact: str  # its pom.xml's artifactId, else the folder's name
    depends: tuple[str, ...]  # the content packages it builds on (`content.<id>`)


@dataclass(frozen=True, slots=True)
class Survey:
    installation: Installation
    packages: tuple[ContentPackage, ...] = ()
    # Packages loaded into one configuration, in load order (a distribution's `content.*`
    # list, a package after the packages it depends on).
    together: tuple[tuple[str, ...], ...] = ()
    extra_roots: tuple[str, ...] = ()  # Initializer folders found by their domain folders

    def package_of(self, path: str) -> ContentPackage | None:
        """The content package a file belongs to (the deepest folder holding one)."""
        best = None
        for p in self.packages:
            if (not p.folder or path.startswith(p.folder + "/")) and (
                best is None or len(p.folder) > len(best.folder)
            ):
                best = p
        return best

    def loaded_together(self, a: str, b: str) -> bool:
        """Whether two content packages end up in one configuration folder."""
        return a == b or any(a in t and b in t for t in self.together)


# ---- reading the files -----------------------------------------------------------------------


def read_properties(text: str) -> dict[str, str]:
    """A Java properties file's `key=value` lines (comments and blank lines skipped)."""
    out: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", "!")):
            continue
        m = _PROPERTY.match(line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def keys_under(props: dict[str, str], prefix: str) -> list[str]:
    """`omod.<id>` / `content.<id>` ids, without their `.groupId`, `.type` … settings."""
    out = []
    for key in props:
        if key.startswith(prefix):
            name = key[len(prefix) :]
            if name and not name.endswith(_KEY_SUFFIXES) and "${" not in name:
                out.append(name)
    return out


def own_artifact(pom: str) -> str | None:
    m = _ARTIFACT.search(_PARENT.sub("", pom, count=1))
    return m.group(1) if m else None


def parent_artifact(pom: str) -> str | None:
    block = _PARENT.search(pom)
    m = _ARTIFACT.search(block.group(0)) if block else None
    return m.group(1) if m else None


def maven_filtered(text: str, pom: str) -> str:
    """`${name}` filled from the `<properties>` of the pom beside, as the distribution's
    build filters its `openmrs-distro.properties` (other placeholders stay)."""

    own = _PARENT.sub("", pom, count=1)

    def value(m: re.Match) -> str:
        if m.group(1) in ("project.name", "project.artifactId"):
            tag = "name" if m.group(1) == "project.name" else "artifactId"
            hit = re.search(rf"<{tag}>\s*([^<]*?)\s*</{tag}>", own)
            return hit.group(1) if hit else m.group(0)
        name = re.escape(m.group(1))
        hit = re.search(rf"<{name}>\s*([^<]*?)\s*</{name}>", pom) if pom else None
        return hit.group(1) if hit else m.group(0)

    return re.sub(r"\$\{([A-Za-z0-9_.\-]+)\}", value, text) if "${" in text else text


def _read(path: Path, limit: int = 2_000_000) -> str:
    try:
        return read_file(path, limit=limit, truncate=True).decode("utf-8", "replace")
    except OSError:
        return ""


# ---- the walk --------------------------------------------------------------------------------


@dataclass(slots=True)
class Found:
    """The files of the repository the survey reads, as `/` paths relative to the root."""

    distros: list[str] = field(default_factory=list)
    contents: list[str] = field(default_factory=list)
    poms: list[str] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)
    bahmni: list[str] = field(default_factory=list)  # Bahmni telltales
    extra_roots: list[str] = field(default_factory=list)


def _rel(dirpath: str, root: Path, name: str = "") -> str:
    return walked_path(dirpath, root, name)


def walk(root: Path, look_for_roots: bool) -> Found:
    found = Found()
    names = set(domains())
    for dirpath, dirnames, filenames in os.walk(root):
        depth = _rel(dirpath, root).count("/") + (1 if _rel(dirpath, root) else 0)
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and d not in SKIPPED and depth < MAX_DEPTH
        )
        base = os.path.basename(dirpath)
        _note_files(found, root, dirpath, filenames)
        if base in ROOT_NAMES or (depth == 0 and len(set(dirnames) & names) >= 2):
            _note_initializer_folder(found, root, dirpath, dirnames)
            if not set(dirnames) & CONTENT_PACKAGE_PARTS:
                dirnames[:] = []  # its sub-folders are domains
        elif look_for_roots and _holds_domains(dirpath, dirnames, names):
            found.extra_roots.append(_rel(dirpath, root))
            _note_initializer_folder(found, root, dirpath, dirnames)
            dirnames[:] = []
    return found


def _note_files(found: Found, root: Path, dirpath: str, filenames: list[str]) -> None:
    for name in filenames:
        if name in DISTRO_FILES:
            found.distros.append(_rel(dirpath, root, name))
        elif name == CONTENT_FILE:
            found.contents.append(_rel(dirpath, root, name))
        elif name == "pom.xml":
            found.poms.append(_rel(dirpath, root, name))
        elif name in DEPENDENCY_FILES:
            found.dependencies.append(_rel(dirpath, root, name))


def _holds_domains(dirpath: str, dirnames: list[str], names: set[str]) -> bool:
    """A folder named otherwise whose sub-folders are mostly Initializer domains (at least
    two) with a CSV file in one: Initializer configuration kept under a distribution's own
    folder name (`openmrs_custom_config/`)."""
    hits = [d for d in dirnames if d in names]
    if len(hits) < 2 or 2 * len(hits) < len(dirnames) or os.path.basename(dirpath) in names:
        return False
    for d in hits:
        try:
            if any(e.name.lower().endswith(".csv") for e in os.scandir(os.path.join(dirpath, d))):
                return True
        except OSError:
            continue
    return False


def _note_initializer_folder(found: Found, root: Path, dirpath: str, dirnames: list[str]) -> None:
    """Bahmni telltales: a `bahmniforms` domain, a `bahmni.*` global property."""
    if "bahmniforms" in dirnames:
        found.bahmni.append(_rel(dirpath, root, "bahmniforms") + "/")
        return
    if "globalproperties" not in dirnames:
        return
    folder = os.path.join(dirpath, "globalproperties")
    for gp_dir, _dirs, files in os.walk(folder):
        for name in sorted(files):
            if name.lower().endswith(".xml"):
                path = Path(gp_dir, name)
                if _BAHMNI_GP.search(_read(path).encode("utf-8", "replace")):
                    found.bahmni.append(_rel(gp_dir, root, name))
                    return


def _context_above(root: Path, found: Found) -> None:
    """When the checked folder is an Initializer folder: the project files of up to three
    folders above it (`../content.properties`, `../../distro/…` is not looked for)."""
    folder = root.resolve()
    up = ""
    for _ in range(3):
        parent = folder.parent
        if parent == folder:
            return
        up += "../"
        for name in DISTRO_FILES:
            if (parent / name).is_file():
                found.distros.append(up + name)
        if (parent / CONTENT_FILE).is_file():
            found.contents.append(up + CONTENT_FILE)
        if (parent / "pom.xml").is_file():
            found.poms.append(up + "pom.xml")
        for name in DEPENDENCY_FILES:
            if (parent / name).is_file():
                found.dependencies.append(up + name)
        if parent.name not in ROOT_NAMES and parent.name not in CONTENT_PACKAGE_PARTS:
            return
        folder = parent


# ---- from the files to what is assumed -------------------------------------------------------


@dataclass(slots=True)
class _Assumed:
    modules: set[str] = field(default_factory=set)
    labels: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    explicit: list[bool] = field(default_factory=list)  # per distro file: fully followed

    def distribution(self, dist: Distribution, evidence: str) -> None:
        self.modules |= dist.modules
        if dist.label not in self.labels:
            self.labels.append(dist.label)
        self.note(evidence)

    def note(self, evidence: str) -> None:
        if evidence not in self.evidence:
            self.evidence.append(evidence)

    def result(self) -> Installation:
        complete = bool(self.explicit) and all(self.explicit)
        label = " + ".join(self.labels) if self.labels else None
        return Installation(label, frozenset(self.modules), complete, tuple(self.evidence))


def survey(
    root: Path, settings_modules: frozenset[str] | None, top_level: bool, has_settings: bool
) -> Survey:
    """What the repository at `root` installs, its content packages and extra Initializer
    folders (found only when no bundle-ls.yaml says what the directory is)."""
    found = walk(root, look_for_roots=not has_settings and not top_level)
    if top_level:
        _context_above(root, found)
    poms = {rel: _read(root / rel) for rel in found.poms}
    packages = _packages(root, found, poms)
    together = _together(root, found, packages, poms)
    if settings_modules is not None:
        inst = Installation(None, frozenset(settings_modules), True, ("bundle-ls.yaml modules:",))
    else:
        inst = _installation(root, found, poms, distribution_data())
    return Survey(inst, packages, together, tuple(found.extra_roots))


def _folder(rel: str) -> str:
    return rel.rsplit("/", 1)[0] if "/" in rel else ""


def _pom_beside(rel: str, poms: dict[str, str]) -> str:
    folder = _folder(rel)
    return poms.get(f"{folder}/pom.xml" if folder else "pom.xml", "")


def _packages(root: Path, found: Found, poms: dict[str, str]) -> tuple[ContentPackage, ...]:
    out = []
    for rel in sorted(found.contents):
        props = read_properties(_read(root / rel))
        folder = _folder(rel)
        name = os.path.basename(os.path.normpath(root / folder)) if folder else root.name
        artifact = own_artifact(_pom_beside(rel, poms)) or name
        out.append(ContentPackage(folder, artifact, tuple(keys_under(props, "content."))))
    return tuple(out)


def _together(
    root: Path, found: Found, packages: tuple[ContentPackage, ...], poms: dict[str, str]
) -> tuple[tuple[str, ...], ...]:
    by_artifact = {p.artifact: p for p in packages}
    out: list[tuple[str, ...]] = []
    for p in packages:  # a package is loaded after the packages it builds on
        order: list[str] = []
        _with_dependencies(p.artifact, by_artifact, order, set())
        if len(order) > 1:
            out.append(tuple(order))
    distros = _distros_by_artifact(root, found, poms)
    for rel in found.distros:
        order = []
        for artifact in _distro_content(rel, distros, set()):
            _with_dependencies(artifact, by_artifact, order, set())
        if len(order) > 1:
            out.append(tuple(order))
    return tuple(out)


def _with_dependencies(artifact: str, by_artifact, order: list[str], seen: set[str]) -> None:
    if artifact in seen:
        return
    seen.add(artifact)
    package = by_artifact.get(artifact)
    for dep in package.depends if package is not None else ():
        _with_dependencies(dep, by_artifact, order, seen)
    if artifact not in order:
        order.append(artifact)


def _distros_by_artifact(
    root: Path, found: Found, poms: dict[str, str]
) -> dict[str, tuple[str, dict[str, str]]]:
    """The repository's distributions by their pom's artifactId: (path, properties)."""
    out = {}
    for rel in found.distros:
        pom = _pom_beside(rel, poms)
        props = read_properties(maven_filtered(_read(root / rel), pom))
        artifact = own_artifact(pom) or rel
        out[artifact] = (rel, props)
    out.update({rel: (rel, props) for rel, props in out.values()})
    return out


def _distro_content(rel: str, distros, seen: set[str]) -> list[str]:
    """A distribution's content packages in load order: its parent's first."""
    if rel in seen or rel not in distros:
        return []
    seen.add(rel)
    path, props = distros[rel]
    parent = props.get("parent.artifactId", "")
    inherited = _distro_content(distros[parent][0], distros, seen) if parent in distros else []
    return [*inherited, *keys_under(props, "content.")]


def _installation(
    root: Path, found: Found, poms: dict[str, str], data: DistributionData
) -> Installation:
    acc = _Assumed()
    distros = _distros_by_artifact(root, found, poms)
    for rel in found.distros:
        acc.explicit.append(_from_distro(rel, distros, data, acc, set()))
    for rel, pom in sorted(poms.items()):
        _from_distro_pom(rel, pom, data, acc)
    for rel in found.contents:
        _from_content(rel, read_properties(_read(root / rel)), data, acc)
    for rel in found.dependencies:
        _from_dependencies(rel, _read(root / rel), data, acc)
    bahmni = next((d for d in data.distributions if d.key == "bahmni"), None)
    if found.bahmni and bahmni is not None:
        acc.distribution(bahmni, found.bahmni[0])
    if acc.explicit and not any(acc.explicit):
        acc.explicit = []  # only distributions whose parent is elsewhere: a lower bound
    return acc.result()


def _known(data: DistributionData, attr: str, name: str) -> Distribution | None:
    return next((d for d in data.distributions if name in getattr(d, attr)), None)


def _from_distro(rel: str, distros, data: DistributionData, acc: _Assumed, seen) -> bool:
    """A distribution file's modules; True when its list is complete (it has modules and
    every parent was followed)."""
    if rel in seen or rel not in distros:
        return False
    seen.add(rel)
    path, props = distros[rel]
    mods = keys_under(props, "omod.")
    acc.modules |= set(mods)
    name = props.get("name", "")
    if mods and name and "${" not in name and name not in acc.labels:
        acc.labels.append(name)
    parent = props.get("parent.artifactId")
    complete = bool(mods) or parent in distros
    if mods or parent:
        acc.note(path)
    if parent in distros:
        complete = _from_distro(distros[parent][0], distros, data, acc, seen)
    elif parent:
        dist = _known(data, "artifacts", parent)
        if dist is not None:
            acc.distribution(dist, f"{path} (parent {parent})")
        complete = False
    for content in keys_under(props, "content."):
        dist = _known(data, "content", content)
        if dist is not None:
            acc.distribution(dist, f"{path} (content.{content})")
    return complete


def _from_distro_pom(rel: str, pom: str, data: DistributionData, acc: _Assumed) -> None:
    """A distribution pom (Bahmni's `distro/pom.xml`): its omod dependencies, its parent."""
    omods = [a for a in _ARTIFACT.findall(_PARENT.sub("", pom, count=1)) if a.endswith("-omod")]
    parent = parent_artifact(pom)
    dist = _known(data, "artifacts", parent) if parent else None
    if len(omods) >= MIN_DISTRO_POM_OMODS:
        acc.modules |= {data.module_of_artifact(a) for a in omods}
        acc.note(rel)
    if dist is not None and (omods or dist.key != "bahmni"):
        # `bahmni` / `distro` are too common as parent names to mean Bahmni alone
        acc.distribution(dist, f"{rel} (parent {parent})")


def _from_content(rel: str, props: dict[str, str], data: DistributionData, acc: _Assumed) -> None:
    mods = keys_under(props, "omod.")
    if mods:
        acc.modules |= set(mods)
        acc.note(rel)
    for content in keys_under(props, "content."):
        dist = _known(data, "content", content)
        if dist is not None:
            acc.distribution(dist, f"{rel} (content.{content})")


def _from_dependencies(rel: str, text: str, data: DistributionData, acc: _Assumed) -> None:
    for artifact in re.findall(r"artifactId\s*:\s*[\"']?([A-Za-z0-9_.\-]+)", text):
        dist = _known(data, "configs", artifact)
        if dist is not None:
            acc.distribution(dist, f"{rel} ({artifact})")
