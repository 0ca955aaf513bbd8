"""The command line: output formats, exit codes, positions in UTF-16, CRLF, invalid schemas."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ConfigDir, start

BAD_WARD = "wards:\n  - key: A\n    label: A\n    kind: inpatiant\n"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bundle_ls", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


# ---- exit codes -------------------------------------------------------------------------------


def test_exit_0_when_clean(config_dir: ConfigDir) -> None:
    config_dir.write("wards.yaml", "wards:\n  - key: A\n    label: A\n")
    p = run("--check", str(config_dir.root))
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "0 errors, 0 warnings in 1 file"


def test_exit_1_on_an_error(config_dir: ConfigDir) -> None:
    config_dir.write("wards.yaml", BAD_WARD)
    assert run("--check", str(config_dir.root)).returncode == 1


def test_exit_2_on_a_missing_path(tmp_path: Path) -> None:
    p = run("--check", str(tmp_path / "nope"))
    assert p.returncode == 2
    assert p.stderr.count("\n") == 1 and "no such file or directory" in p.stderr


def test_exit_2_on_bad_flags(tmp_path: Path) -> None:
    p = run("--check", str(tmp_path), "--format", "xml")
    assert p.returncode == 2
    assert "invalid choice" in p.stderr


@pytest.mark.parametrize(
    ("schema", "reason"),
    [
        ("type: object\nproperties:\n  x: {type: strin}\n", "not a valid JSON Schema"),
        ("properties:\n  x: {$ref: 'https://example.org/s.json'}\n", "never fetched"),
        (
            "properties:\n  x: {type: string, x-ref: nowhere}\n",
            "names 'nowhere', which no module declares",
        ),
        ("properties: [\n", "not readable"),
    ],
)
def test_exit_2_on_an_invalid_schema(tmp_path: Path, schema: str, reason: str) -> None:
    (tmp_path / "schemas").mkdir()
    bad = tmp_path / "schemas" / "broken.schema.yaml"
    bad.write_text(schema)
    (tmp_path / "config").mkdir()
    p = run("--check", str(tmp_path / "config"), "--schemas", str(tmp_path / "schemas"))
    assert p.returncode == 2
    assert p.stderr.count("\n") == 1
    assert str(bad) in p.stderr and reason in p.stderr


def test_exit_2_when_two_modules_declare_one_namespace(
    config_dir: ConfigDir, tmp_path: Path
) -> None:
    (tmp_path / "schemas" / "again.schema.yaml").write_text("properties:\n  wards: {type: array}\n")
    p = run("--check", str(config_dir.root))
    assert p.returncode == 2
    assert "namespace 'wards' is already declared by module" in p.stderr
    assert "clinic" in p.stderr and "again.schema.yaml" in p.stderr


# ---- formats -----------------------------------------------------------------------------------


def test_text_format_is_compiler_style_and_1_based(config_dir: ConfigDir) -> None:
    config_dir.write("wards.yaml", BAD_WARD)
    p = run("--check", ".", cwd=config_dir.root)
    assert p.stdout.splitlines() == [
        "wards.yaml:4:11: error: 'inpatiant' is not one of inpatient, outpatient, emergency [schema]",
        "1 error, 0 warnings in 1 file",
    ]


def test_json_format(config_dir: ConfigDir) -> None:
    config_dir.write("wards.yaml", BAD_WARD)
    config_dir.write("other.yaml", "ward: []\n")
    p = run("--check", str(config_dir.root), "--format", "json")
    doc = json.loads(p.stdout)
    assert doc["summary"] == {"files": 2, "errors": 1, "warnings": 1, "information": 0, "hints": 0}
    schema = next(d for d in doc["diagnostics"] if d["code"] == "schema")
    assert schema == {
        "path": "wards.yaml",
        "range": {"start": {"line": 3, "character": 10}, "end": {"line": 3, "character": 19}},
        "severity": "error",
        "code": "schema",
        "message": "'inpatiant' is not one of inpatient, outpatient, emergency",
        "root": str(config_dir.root),  # the folder `path` is relative to, as it was given
    }


def test_sarif_format(config_dir: ConfigDir) -> None:
    config_dir.write("wards.yaml", BAD_WARD)
    config_dir.write("b.yaml", "wards:\n  - key: A\n    label: B\n")
    doc = json.loads(run("--check", str(config_dir.root), "--format", "sarif").stdout)
    assert doc["version"] == "2.1.0"
    run_ = doc["runs"][0]
    assert run_["tool"]["driver"]["name"] == "bundle-ls"
    rules = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    results = {r["ruleId"]: r for r in run_["results"]}
    assert set(results) == {"schema", "conflict"}
    schema = results["schema"]
    assert rules[schema["ruleIndex"]] == "schema"
    assert schema["level"] == "error"
    loc = schema["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "wards.yaml"
    assert loc["region"] == {"startLine": 4, "startColumn": 11, "endLine": 4, "endColumn": 20}
    related = results["conflict"]["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"] == "b.yaml"


def test_github_format(config_dir: ConfigDir) -> None:
    config_dir.write("wards.yaml", BAD_WARD)
    p = run("--check", ".", "--format", "github", cwd=config_dir.root)
    assert p.stdout == (
        "::error file=wards.yaml,line=4,col=11,endLine=4,endColumn=20,title=bundle-ls schema"
        "::'inpatiant' is not one of inpatient, outpatient, emergency\n"
        "bundle-ls: 1 error, 0 warnings in 1 file\n"
    )


def test_text_paths_are_usable_from_the_current_folder(config_dir: ConfigDir) -> None:
    config_dir.write("wards.yaml", BAD_WARD)
    p = run("--check", "config", cwd=config_dir.root.parent)
    assert p.stdout.startswith("config/wards.yaml:4:11: error:")


def test_a_file_argument_checks_its_directory_and_reports_on_the_file(
    config_dir: ConfigDir,
) -> None:
    config_dir.write("tags.yaml", "wardTags:\n  - key: Surgical\n")
    config_dir.write("wards.yaml", "wards:\n  - key: A\n    label: A\n    tags: [Surgical]\n")
    config_dir.write("other.yaml", BAD_WARD.replace("key: A", "key: B"))
    p = run("--check", str(config_dir.root / "wards.yaml"), "--format", "json")
    doc = json.loads(p.stdout)
    assert p.returncode == 0, p.stdout
    assert doc["diagnostics"] == []


# ---- positions ----------------------------------------------------------------------------------


def test_columns_count_utf16_after_non_ascii_and_emoji(config_dir: ConfigDir) -> None:
    config_dir.write("wardTags.csv", "key\nSurgical\n")
    config_dir.write(
        "wards.yaml",
        'wards:\n  - key: Ümlaut\n    label: "Café 😀", kind: x\n'
        '  - {key: "😀😀", label: ok, tags: [Surgicl]}\n',
    )
    diags = config_dir.diagnostics()
    (syntax,) = [d for d in diags if d["code"] == "yaml-syntax"]
    assert syntax["range"]["start"]["line"] == 2
    config_dir.write(
        "wards.yaml",
        'wards:\n  - {key: "😀😀", label: é, tags: [Surgicl]}\n',
    )
    (ref,) = config_dir.find("unresolved-reference")
    # 😀 is two UTF-16 code units: `  - {key: "😀😀", label: é, tags: [` is 35 units long
    # (33 code points)
    assert ref["range"]["start"] == {"line": 1, "character": 35}
    assert ref["range"]["end"] == {"line": 1, "character": 42}


def test_csv_columns_count_utf16(config_dir: ConfigDir) -> None:
    config_dir.write("wardTags.csv", "key\nSurgical\n")
    config_dir.write("wards.csv", "key,label,tags\n😀,Ünit 😀,Surgicl\n")
    (ref,) = config_dir.find("unresolved-reference")
    # `😀,Ünit 😀,` is 11 UTF-16 code units (9 code points)
    assert ref["range"]["start"] == {"line": 1, "character": 11}


def test_crlf_files(config_dir: ConfigDir) -> None:
    config_dir.write("tags.yaml", "wardTags:\n  - key: Surgical\n", newline="\r\n")
    config_dir.write(
        "wards.yaml", "wards:\n  - key: A\n    label: A\n    tags: [Surgicl]\n", newline="\r\n"
    )
    config_dir.write("wards.csv", "key,label,tags\nB,B,Surgicl\n", newline="\r\n")
    found = sorted(start(d) for d in config_dir.find("unresolved-reference"))
    assert found == [("wards.csv", 1, 4), ("wards.yaml", 3, 11)]
    assert {d["code"] for d in config_dir.diagnostics()} == {"unresolved-reference"}


def test_a_bom_is_not_counted(config_dir: ConfigDir) -> None:
    config_dir.write_bytes("wards.yaml", "\ufeffwards:\n  - key: A\n    kind: x\n".encode())
    config_dir.write_bytes("wards.csv", "\ufeffkey,label\nB,B\n".encode())
    diags = config_dir.diagnostics()
    assert {start(d) for d in diags} == {("wards.yaml", 1, 4), ("wards.yaml", 2, 10)}


# ---- progress -------------------------------------------------------------------------------------


def _many_files(root: Path, n: int) -> None:
    for i in range(n):
        (root / f"w{i:03}.yaml").write_text(f"wards:\n  - key: W{i}\n    label: Ward {i}\n")


def test_progress_bar_on_a_terminal_for_a_large_directory(config_dir: ConfigDir) -> None:
    import fcntl
    import os
    import pty
    import struct
    import termios

    _many_files(config_dir.root, 150)
    primary, secondary = pty.openpty()
    # a terminal of 24 rows and 100 columns, like a person's
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    p = subprocess.Popen(
        [sys.executable, "-m", "bundle_ls", "--check", str(config_dir.root), "--jobs", "1"],
        stdout=subprocess.PIPE,
        stderr=secondary,
    )
    os.close(secondary)
    shown = b""
    while True:  # drain the terminal while the check runs, as a terminal would
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # EIO: the check has exited and closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(primary)
    out = p.stdout.read().decode()
    p.wait(timeout=60)
    assert p.returncode == 0
    assert b"150/150" in shown and b"file" in shown
    assert out.strip() == "0 errors, 0 warnings in 150 files"  # stdout stays clean


def test_no_progress_bar_when_stderr_is_not_a_terminal(config_dir: ConfigDir) -> None:
    _many_files(config_dir.root, 150)
    p = run("--check", str(config_dir.root))
    assert p.returncode == 0
    assert p.stderr == ""


# ---- the command line's shape -------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("--check", "--format", "json", "{root}"),
        ("--check", "{root}", "--format", "json"),
        ("--format", "json", "--check", "{root}"),
        ("{root}", "--no-cache", "--check", "--format", "json"),
    ],
)
def test_options_in_any_order_give_the_same_output(config_dir: ConfigDir, args) -> None:
    config_dir.write("wards.yaml", BAD_WARD)
    p = run(*(a.format(root=config_dir.root) for a in args))
    assert p.returncode == 1, p.stderr
    reference = run("--check", str(config_dir.root), "--format", "json")
    assert p.stdout == reference.stdout
    assert json.loads(p.stdout)["summary"]["errors"] == 1


def test_a_path_without_check_suggests_it(config_dir: ConfigDir) -> None:
    p = run(str(config_dir.root))
    assert p.returncode == 2
    assert f"run `bundle-ls --check {config_dir.root}`" in p.stderr
