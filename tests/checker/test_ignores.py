"""`# bundle-ls: ignore[code]` comments (documents/ignores.py): the same in `--check` and
in the editor, in YAML and XML; CSV has no comments (Initializer reads every line)."""

from __future__ import annotations

from pathlib import Path

from bundle_ls.batch.runner import check_directory
from bundle_ls.documents.ignores import parse_ignores
from bundle_ls.editor.workspace import Workspace

from .conftest import ConfigDir, start

U1 = "0ee1ed8c-1ba9-4c9e-a4c2-0e1e8c4f5f0a"


def test_same_line_next_line_and_whole_file(config_dir: ConfigDir) -> None:
    config_dir.write(
        "a.yaml",
        """\
        ward:   # bundle-ls: ignore[unknown-namespace]
          - key: A
        # bundle-ls: ignore[unknown-namespace]

        bed: []
        beds: []
        """,
    )
    assert config_dir.find("unknown-namespace") and {
        start(d) for d in config_dir.find("unknown-namespace")
    } == {("a.yaml", 5, 0)}
    config_dir.write("b.yaml", "# bundle-ls: ignore-file[unknown-namespace]\nfoo: 1\nbar: 2\n")
    assert {start(d)[0] for d in config_dir.find("unknown-namespace")} == {"a.yaml"}


def test_only_the_named_codes_are_silenced(config_dir: ConfigDir) -> None:
    config_dir.write("a.yaml", "ward: 1  # bundle-ls: ignore[conflict]\n")
    assert [start(d) for d in config_dir.find("unknown-namespace")] == [("a.yaml", 0, 0)]
    config_dir.write("a.yaml", "ward: 1  # bundle-ls: ignore\n")
    assert config_dir.find("unknown-namespace") == []


def test_xml_comments_in_global_properties(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    gp = root / "configuration/globalproperties"
    gp.mkdir(parents=True)
    prop = "<globalProperty><property>x.mode</property><value>{}</value></globalProperty>"
    (gp / "a.xml").write_text(
        f"<config><globalProperties>\n{prop.format('on')}\n</globalProperties></config>"
    )
    (gp / "b.xml").write_text(
        "<config><globalProperties>\n<!-- bundle-ls: ignore[duplicate-key] -->\n"
        f"{prop.format('off')}\n</globalProperties></config>"
    )
    found = [d.path for d in check_directory(root, jobs=1).diagnostics]
    assert found == ["configuration/globalproperties/a.xml"]
    ws = Workspace.load(root)
    ws.index_files(ws.discover())
    assert ws.diagnostics("configuration/globalproperties/b.xml") == []
    assert len(ws.diagnostics("configuration/globalproperties/a.xml")) == 1


def test_csv_has_no_ignore_comments(tmp_path: Path) -> None:
    assert parse_ignores("x.csv", ["a,b # bundle-ls: ignore"]).lines == {}
    assert parse_ignores("x.yaml", ["a: b # bundle-ls: ignore"]).lines == {0: {"*"}}
    root = tmp_path / "repo"
    (root / "configuration/visittypes").mkdir(parents=True)
    (root / "configuration/visittypes/v.csv").write_text(
        f"Uuid,Name\n{U1},OPD,extra # bundle-ls: ignore\n"
    )
    assert [d.code for d in check_directory(root, jobs=1).diagnostics] == ["extra-cells"]
