"""Every code the project can emit is defined once, in the registry, and the SARIF rules,
the README's table and `--explain` come from it."""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import bundle_ls
from bundle_ls.batch.explain import with_table
from bundle_ls.batch.runner import check_directory
from bundle_ls.dialects import code_registry
from bundle_ls.documents.codes import Code

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests"
BUNDLE_LS = [sys.executable, "-m", "bundle_ls"]


def _modules():
    for info in pkgutil.walk_packages(bundle_ls.__path__, "bundle_ls."):
        if not info.name.startswith(("bundle_ls.lsp", "bundle_ls.__main__")):
            yield importlib.import_module(info.name)


def test_every_code_defined_in_the_package_is_registered() -> None:
    registry = code_registry()
    defined = {obj.id: obj for m in _modules() for obj in vars(m).values() if isinstance(obj, Code)}
    assert len(defined) >= 20
    for code_id, code in defined.items():
        assert code_id in registry and registry[code_id] is code, code_id


def _config_dirs() -> list[Path]:
    """Every directory of the test suite and the example that holds configuration."""
    roots = {REPO / "examples" / "config"}
    for marker in ("*.csv", "*.yaml", "*.yml"):
        roots.update(p.parent for p in TESTS.rglob(marker))
    return sorted(r for r in roots if ".venv" not in r.parts)


def test_every_code_emitted_on_the_fixtures_is_registered() -> None:
    registry = code_registry()
    seen: set[str] = set()
    for root in _config_dirs():
        for d in check_directory(root, jobs=1).diagnostics:
            seen.add(d.code)
            assert d.code in registry, f"{root}: {d.code}"
            assert d.severity in ("error", "warning", "information", "hint")
    assert len(seen) >= 5


def test_no_finding_is_made_with_a_code_written_as_a_string() -> None:
    """Findings are made by calling a `Code` (so they are registered by construction); a
    `Diagnostic(...)` may only copy the code of another finding."""
    package = Path(bundle_ls.__file__).parent
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Diagnostic":
                code = node.args[3] if len(node.args) > 3 else None
                code = next((k.value for k in node.keywords if k.arg == "code"), code)
                assert not isinstance(code, ast.Constant), f"{path}:{node.lineno}"


def test_the_readme_table_is_the_registry() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert with_table(readme, code_registry()) == readme, "run `make readme`"
    for code_id in code_registry().ids():
        assert f"`{code_id}`" in readme


def test_sarif_rules_are_the_registry(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("nonsense: 1\n")
    out = subprocess.run(
        [*BUNDLE_LS, "--check", str(tmp_path), "--format", "sarif", "--no-cache"],
        capture_output=True,
        text=True,
    )
    rules = json.loads(out.stdout)["runs"][0]["tool"]["driver"]["rules"]
    registry = code_registry()
    assert [r["id"] for r in rules] == registry.ids()
    by_id = {r["id"]: r for r in rules}
    assert (
        by_id["unknown-namespace"]["shortDescription"]["text"]
        == registry["unknown-namespace"].summary
    )


def test_explain_prints_a_codes_page_and_refuses_an_unknown_one() -> None:
    out = subprocess.run(
        [*BUNDLE_LS, "--explain", "unresolved-reference"], capture_output=True, text=True
    )
    assert out.returncode == 0
    assert out.stdout.startswith("unresolved-reference  (all dialects; default severity: error)")
    assert "did you mean 'Diabetes Follow-up'?" in out.stdout  # the example
    assert "unresolved-reference: off" in out.stdout
    bad = subprocess.run(
        [*BUNDLE_LS, "--explain", "unresolved-refrence"], capture_output=True, text=True
    )
    assert bad.returncode == 2
    assert "did you mean 'unresolved-reference'?" in bad.stderr
