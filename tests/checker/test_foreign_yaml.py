"""YAML files of other tools are not config files (dialects/module_schemas/foreign.py):
the trial's Bahmni repositories carry a Helm chart (`package/helm/`), ICRC's a Compose
file; checked as the contract's config, every top-level key was an unknown namespace and
every Go template a YAML syntax error."""

from __future__ import annotations

from pathlib import Path

from bundle_ls.batch.runner import check_directory

HELM_TEMPLATE = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Chart.Name }}-web\n"
    "spec:\n  template:\n    spec:\n{{- if .Values.nodeSelector }}\n"
    "      nodeSelector: {{ toYaml . }}\n{{- end }}\n"
)


def _codes(root: Path) -> list[tuple[str, str]]:
    return [(d.path, d.code) for d in check_directory(root, jobs=1).diagnostics]


def test_helm_charts_and_compose_files_are_never_config(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "package/helm/templates").mkdir(parents=True)
    (root / "package/helm/Chart.yaml").write_text("apiVersion: v2\nname: web\nversion: 1\n")
    (root / "package/helm/values.yaml").write_text("replicaCount: 1\nimage: {tag: x}\n")
    (root / "package/helm/templates/deployment.yaml").write_text(HELM_TEMPLATE)
    (root / "docker-compose.yml").write_text("services:\n  web: {image: x}\n")
    assert _codes(root) == []
    (root / "bundle-ls.yaml").write_text("exclude: []\n")  # even in a declared directory
    assert _codes(root) == []


def test_kubernetes_manifests_say_nothing(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "k8s").mkdir(parents=True)
    (root / "bundle-ls.yaml").write_text("exclude: []\n")
    (root / "k8s/svc.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: web}\n")
    assert _codes(root) == []


def test_without_bundle_ls_yaml_yaml_naming_no_namespace_is_not_config(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "mkdocs.yml").write_text("site_name: Docs\nnav: []\n")
    assert _codes(root) == []
    # a near miss of a namespace is meant as config: the contract's finding stays
    (root / "places.yaml").write_text("location:\n  - key: A\n")
    assert _codes(root) == [("places.yaml", "unknown-namespace")]


def test_with_bundle_ls_yaml_every_other_yaml_file_is_config(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "bundle-ls.yaml").write_text("exclude: []\n")
    (root / "notes.yaml").write_text("site_name: Docs\n")
    assert _codes(root) == [("notes.yaml", "unknown-namespace")]
