"""Harvest which modules the common OpenMRS distributions install, and how a distribution's
Maven artifact of a module (`bahmni-ipd-omod`) maps to the module's id (`ipd`).

Writes `schemas/initializer/distributions.yaml` (format: docs/initializer.md, "Which
distribution and modules are assumed"). Reads local git mirrors laid out as
`<owner>+<name>/repo` (what the search tool's `fetch` brings) at their HEAD:

- each distribution's module list: `omod.<id>` keys of a `distro.properties` /
  `openmrs-distro.properties`, or the `<artifactId>…-omod</artifactId>` dependencies of a
  distribution `pom.xml` (Bahmni);
- for every module of the data pack (`schemas/modules/*.yaml`, whose `source.repo` names
  its repository): each `config.xml` `<id>` beside the `pom.xml` of its omod, so that an
  artifact id that differs from the module id is known (`reference-data-omod` is
  `referencedata`).

Usage:
    python tools/harvest_distributions.py --mirrors /work/.mirror \
        --pack schemas/modules --out schemas/initializer/distributions.yaml

Nothing is executed: the files are read as text.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

# The distributions read, with what identifies them in a configuration repository: the
# artifact ids a `parent.artifactId` (or a distro pom's parent) names, the content packages
# a `content.<id>` names, the parent configurations a PIH `dependencies.yml` names.
DISTRIBUTIONS = {
    "bahmni": {
        "label": "Bahmni",
        "repo": "Bahmni/openmrs-distro-bahmni",
        "path": "distro/pom.xml",
        "artifacts": [],  # its parent pom, `bahmni`, is too common a name to tell
    },
    "referenceapplication": {
        "label": "OpenMRS 3 reference application",
        "repo": "openmrs/openmrs-distro-referenceapplication",
        "path": "distro/distro.properties",
        "artifacts": ["referenceapplication-distro"],
        "content": ["referenceapplication", "referenceapplication-demo"],
    },
    "pihemr": {
        "label": "PIH EMR",
        "repo": "PIH/openmrs-distro-pihemr",
        "path": "openmrs-distro.properties",
        "artifacts": ["pihemr-distro"],
        "configs": ["openmrs-config-pihemr"],
    },
}

# Modules the data pack (schemas/modules) files under another name than their config.xml id
# (it names them after their repository or folder); a module id of a distribution is looked
# up in the pack under this name. Checked against the modules' config.xml by main().
PACK_IDS = {
    "bahmni-ipd": "ipd",  # Bahmni/openmrs-module-ipd omod/pom.xml MODULE_ID
    "reference-data": "referencedata",  # Bahmni/bahmni-core reference-data/omod config.xml
    "elisatomfeedclient": "openelis-atomfeed-client",  # bahmni-core openmrs-elis-atomfeed-client-omod
}

_OMOD_KEY = re.compile(r"^\s*omod\.([A-Za-z0-9_.\-]+?)\s*=", re.M)
_KEY_SUFFIXES = (".groupId", ".type", ".version", ".artifactId")
_ARTIFACT = re.compile(r"<artifactId>\s*([^<\s]+)\s*</artifactId>")
_PARENT = re.compile(r"<parent>.*?</parent>", re.S)
_CONFIG_ID = re.compile(r"<id>\s*([^<\s]+)\s*</id>")


@dataclass
class Mirror:
    """A repository in a local git directory, read at HEAD."""

    git_dir: Path
    repo: str
    commit: str = ""
    _paths: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.commit = self._git("rev-parse", "HEAD").decode().strip()

    def _git(self, *args: str) -> bytes:
        return subprocess.run(
            ["git", f"--git-dir={self.git_dir}", *args], check=True, capture_output=True
        ).stdout

    def paths(self) -> list[str]:
        if not self._paths:
            out = self._git("ls-tree", "-r", "--name-only", "-z", self.commit)
            self._paths = [p for p in out.decode("utf-8", "replace").split("\0") if p]
        return self._paths

    def read(self, path: str) -> str | None:
        try:
            return self._git("show", f"{self.commit}:{path}").decode("utf-8", "replace")
        except subprocess.CalledProcessError:
            return None


def mirror(mirrors: Path, repo: str) -> Mirror | None:
    git_dir = mirrors / repo.replace("/", "+") / "repo"
    return Mirror(git_dir, repo) if git_dir.is_dir() else None


def properties_modules(text: str) -> list[str]:
    """The module ids of `omod.<id>=…` keys (not their `.groupId`, `.type` … settings)."""
    out = []
    for m in _OMOD_KEY.finditer(text):
        mid = m.group(1)
        if not mid.endswith(_KEY_SUFFIXES) and mid not in out:
            out.append(mid)
    return out


def own_artifact(pom: str) -> str | None:
    """A pom's own artifactId (the first one outside its `<parent>`)."""
    m = _ARTIFACT.search(_PARENT.sub("", pom, count=1))
    return m.group(1) if m else None


def parent_artifact(pom: str) -> str | None:
    block = _PARENT.search(pom)
    m = _ARTIFACT.search(block.group(0)) if block else None
    return m.group(1) if m else None


def omod_artifacts(pom: str) -> list[str]:
    """The `…-omod` dependencies of a distribution pom, in order."""
    out = []
    for m in _ARTIFACT.finditer(pom):
        art = m.group(1)
        if art.endswith("-omod") and art not in out:
            out.append(art)
    return out


def _resolve(text: str, pom: str) -> str:
    """`${project.parent.artifactId}`, `${project.artifactId}`, `${PROP}` and `@PROP@` as the
    module's build fills them from its pom (one level: the values the omod poms use)."""
    values = {
        "project.parent.artifactId": parent_artifact(pom) or "",
        "project.artifactId": _ARTIFACT.search(_PARENT.sub("", pom, count=1)).group(1)
        if _ARTIFACT.search(_PARENT.sub("", pom, count=1))
        else "",
    }

    def prop(name: str) -> str:
        if name in values:
            return values[name]
        m = re.search(r"<" + re.escape(name) + r">\s*([^<\s]+)\s*</" + re.escape(name) + ">", pom)
        return m.group(1) if m else "${" + name + "}"

    text = re.sub(r"\$\{([^}]+)\}", lambda m: prop(m.group(1)), text)
    return re.sub(r"@([A-Za-z_]+)@", lambda m: prop(m.group(1)), text)


def module_aliases(repo: Mirror) -> dict[str, str]:
    """artifact id of each omod of a repository → the module id of its config.xml, where
    the two differ (ids and artifact ids filled in as the module's build does)."""
    out: dict[str, str] = {}
    paths = set(repo.paths())
    for path in sorted(paths):
        if not path.endswith("src/main/resources/config.xml"):
            continue
        folder = path[: -len("src/main/resources/config.xml")]
        pom = repo.read(folder + "pom.xml") if folder + "pom.xml" in paths else None
        config = repo.read(path)
        m = _CONFIG_ID.search(config or "")
        if pom is None or m is None:
            continue
        artifact = _resolve(own_artifact(pom) or "", pom)
        module_id = _resolve(m.group(1), pom)
        if not artifact.endswith("-omod") or "${" in artifact + module_id:
            continue
        if artifact.removesuffix("-omod") != module_id:
            out[artifact] = module_id
    return out


def pack_repos(pack: Path) -> list[str]:
    repos = set()
    for f in sorted(pack.glob("*.yaml")):
        m = re.search(r"^  repo:\s*(\S+)", f.read_text(encoding="utf-8"), re.M)
        if m:
            repos.add(m.group(1))
    return sorted(repos)


def distribution_modules(repo: Mirror, path: str, aliases: dict[str, str]) -> list[str]:
    text = repo.read(path)
    if text is None:
        raise SystemExit(f"{repo.repo}: no {path}")
    if path.endswith(".properties"):
        return properties_modules(text)
    return [aliases.get(a, a.removesuffix("-omod")) for a in omod_artifacts(text)]


def _flow(items: list[str]) -> str:
    return "[" + ", ".join(_scalar(i) for i in items) + "]"


def _scalar(text: str) -> str:
    return text if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]*", text) else f'"{text}"'


def render(dists: dict[str, dict], aliases: dict[str, tuple[str, str, str]]) -> str:
    lines = [
        "# Which modules the common OpenMRS distributions install, and the module id of an omod",
        "# artifact whose id differs (docs/initializer.md). Generated by",
        "# tools/harvest_distributions.py from the repositories named below; do not edit by hand.",
        "distributions:",
    ]
    for key, d in dists.items():
        lines.append(f"  {key}:")
        lines.append(f'    label: "{d["label"]}"')
        src = d["source"]
        lines.append(
            f"    source: {{repo: {src['repo']}, path: {src['path']}, commit: {src['commit']}}}"
        )
        for k in ("artifacts", "content", "configs"):
            if d.get(k):
                lines.append(f"    {k}: {_flow(d[k])}")
        lines.append(f"    modules: {_flow(d['modules'])}")
    lines.append("artifact_modules:")
    for art in sorted(aliases):
        mid, repo, commit = aliases[art]
        lines.append(f"  {art}: {{module: {_scalar(mid)}, repo: {repo}, commit: {commit}}}")
    lines.append("pack_ids:  # module id (config.xml) -> the name of its file in schemas/modules")
    for mid in sorted(PACK_IDS):
        lines.append(f"  {mid}: {_scalar(PACK_IDS[mid])}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mirrors", type=Path, required=True)
    ap.add_argument("--pack", type=Path, default=Path("schemas/modules"))
    ap.add_argument("--out", type=Path, default=Path("schemas/initializer/distributions.yaml"))
    args = ap.parse_args(argv)
    aliases: dict[str, tuple[str, str, str]] = {}
    for name in pack_repos(args.pack):
        repo = mirror(args.mirrors, name)
        if repo is None:
            print(f"no mirror of {name}: its omod artifact ids are not read", file=sys.stderr)
            continue
        for art, mid in module_aliases(repo).items():
            aliases[art] = (mid, repo.repo, repo.commit)
    for pack_id in PACK_IDS.values():
        if not (args.pack / f"{pack_id}.yaml").is_file():
            raise SystemExit(f"PACK_IDS: no {pack_id}.yaml in {args.pack}")
    plain = {a: m for a, (m, _r, _c) in aliases.items()}
    dists: dict[str, dict] = {}
    for key, spec in DISTRIBUTIONS.items():
        repo = mirror(args.mirrors, spec["repo"])
        if repo is None:
            raise SystemExit(f"no mirror of {spec['repo']}")
        dists[key] = {
            **spec,
            "source": {"repo": repo.repo, "path": spec["path"], "commit": repo.commit},
            "modules": distribution_modules(repo, spec["path"], plain),
        }
    args.out.write_text(render(dists, aliases), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
