"""YAML files that belong to other tools, which the contract's "every `*.yaml` file is a
config file" does not mean.

Configuration repositories carry the files of their deployment next to the
configuration: Helm charts (`package/helm/Chart.yaml`, `values.yaml`, Go templates in
`templates/` that are not YAML until Helm renders them), Docker Compose files, Kubernetes
manifests. No OpenMRS component reads them, and checking them as config files reports
every top-level key as an unknown namespace. So:

- files of a Helm chart (a folder holding `Chart.yaml`, and every folder under it),
  Compose files (`docker-compose*.yml`, `compose*.yaml`) and Kustomize files are never
  checked;
- a Kubernetes manifest (top-level `apiVersion` and `kind`, neither a namespace) says
  nothing;
- in a directory without `bundle-ls.yaml` (which opts into the contract), a YAML file
  none of whose top-level keys is a namespace of a module schema or a near miss of one
  is someone else's file and says nothing. With `bundle-ls.yaml` every other YAML file is
  a config file, as the contract says (`exclude:` leaves a file out).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache
from pathlib import Path

from bundle_ls.documents.model import MAPPING, SCALAR, Node, key_text
from bundle_ls.documents.suggest import did_you_mean

HELM_CHART = "Chart.yaml"
_OTHER_TOOLS = re.compile(
    r"^((docker-)?compose([.-][^/]*)?|kustomization|Chart)\.ya?ml$", re.IGNORECASE
)


@lru_cache(maxsize=4096)
def _holds_chart(folder: Path) -> bool:
    return (folder / HELM_CHART).is_file()


def other_tools_file(root: Path, rel: str) -> bool:
    """A Helm chart's, Compose or Kustomize file (by its name and folders alone)."""
    parts = rel.split("/")
    if _OTHER_TOOLS.match(parts[-1]):
        return True
    folder = root
    for part in parts[:-1]:
        folder = folder / part
        if _holds_chart(folder):
            return True
    return False


def is_kubernetes_manifest(root: Node | None, namespaces: Collection[str]) -> bool:
    keys = _top_keys(root)
    return {"apiVersion", "kind"} <= set(keys) and not ({"apiVersion", "kind"} & set(namespaces))


def names_openmrs_config(root: Node | None, namespaces: Collection[str]) -> bool:
    """Whether a YAML document is meant as OpenMRS config: one of its top-level keys is a
    namespace or a near miss of one. A document without top-level keys (empty, or broken
    before its first key) is given the benefit of the doubt."""
    keys = _top_keys(root)
    if (
        root is not None
        and root.kind != MAPPING
        and not (root.kind == SCALAR and root.value is None)
    ):
        return False  # a list or a scalar at the top: not the contract's shape at all
    if not keys:
        return True
    names = list(namespaces)
    return any(k in namespaces or did_you_mean(k, names) for k in keys)


def _top_keys(root: Node | None) -> list[str]:
    if root is None or root.kind != MAPPING:
        return []
    return [key_text(k) for k, _v in root.items]
