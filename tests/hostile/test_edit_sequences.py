"""Long random edit sequences never make the editor's view drift from `--check`.

After every replayed sequence, the diagnostics the workspace holds for every file must equal
what a from-scratch `--check` reports for the same contents. This exercises the incremental
paths (re-parsing one item, splicing it in, shifting the rest) against the full analysis.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bundle_ls.batch.reporters.json_report import diagnostic_json
from bundle_ls.batch.runner import check_directory
from bundle_ls.editor.workspace import Workspace

from .edits import edit_sequences

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "config"
EXAMPLE_FILES = sorted(
    p.relative_to(EXAMPLE).as_posix() for p in EXAMPLE.rglob("*") if p.suffix in (".yaml", ".csv")
)
EXAMPLE_FILES.remove("bundle-ls.yaml")


def fresh_copy(tmp: Path) -> Path:
    root = tmp / "config"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(EXAMPLE, root)
    return root


def from_scratch(root: Path) -> dict[str, list[dict]]:
    result = check_directory(root, jobs=1)
    out: dict[str, list[dict]] = {rel: [] for rel in result.index.files}
    for d in result.diagnostics:
        out.setdefault(d.path, []).append(diagnostic_json(d))
    return out


@given(data=st.data())
def test_edits_keep_every_file_equal_to_check(tmp_path_factory, data) -> None:
    root = fresh_copy(tmp_path_factory.mktemp("seq"))
    ws = Workspace.load(root)
    ws.index_files(ws.discover())
    rel = data.draw(st.sampled_from(EXAMPLE_FILES), label="file")
    text = (root / rel).read_text(encoding="utf-8")
    ws.open(rel, text, 1)
    changes, final = data.draw(edit_sequences(text), label="edits")
    for version, ch in enumerate(changes, start=2):
        ws.change(rel, [(ch.range, ch.text)], version)
        if data.draw(st.booleans(), label="flush now"):  # as a debounce would, sometimes
            ws.flush(rel)
    ws.flush(rel)
    (root / rel).write_bytes(final.encode("utf-8"))
    expected = from_scratch(root)
    for path, diags in sorted(expected.items()):
        got = [diagnostic_json(d) for d in ws.diagnostics(path)]
        assert got == diags, f"{path} after editing {rel}"


@given(data=st.data())
def test_edits_then_close_restore_the_disk_view(tmp_path_factory, data) -> None:
    root = fresh_copy(tmp_path_factory.mktemp("close"))
    before = from_scratch(root)
    ws = Workspace.load(root)
    ws.index_files(ws.discover())
    rel = data.draw(st.sampled_from(EXAMPLE_FILES), label="file")
    text = (root / rel).read_text(encoding="utf-8")
    ws.open(rel, text, 1)
    changes, _final = data.draw(edit_sequences(text, max_edits=10), label="edits")
    for version, ch in enumerate(changes, start=2):
        ws.change(rel, [(ch.range, ch.text)], version)
    ws.flush(rel)
    ws.close(rel)  # the edits were never saved: the disk content takes over again
    for path, diags in sorted(before.items()):
        assert [diagnostic_json(d) for d in ws.diagnostics(path)] == diags, path


def test_the_budget_is_fixed_in_ci() -> None:
    from hypothesis import settings

    profile = os.environ.get("BUNDLE_LS_HYPOTHESIS", "ci")
    assert settings().max_examples == (30 if profile == "ci" else 1500)
