"""Module-schema features beyond the basics: $ref within the set, composition, built-ins."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import ConfigDir, start

COMPOSED = """\
x-module: composed
$defs:
  base:
    type: object
    properties:
      key: {type: string, x-key: true}
      name: {type: string}
properties:
  things:
    type: array
    items:
      $ref: "#/$defs/base"
      properties:
        next: {type: string, x-ref: things}
      unevaluatedProperties: false
"""


def test_ref_beside_properties_keeps_both_for_keys_and_references(
    config_dir: ConfigDir, tmp_path: Path
) -> None:
    (tmp_path / "schemas" / "composed.schema.yaml").write_text(COMPOSED)
    config_dir.write(
        "things.yaml", "things:\n  - key: a\n    next: b\n  - key: b\n    next: c\n    bogus: 1\n"
    )
    diags = config_dir.diagnostics()
    assert sorted((d["code"], start(d)[1:]) for d in diags) == [
        ("schema", (5, 4)),  # the unknown key itself, not the object
        ("unresolved-reference", (4, 10)),  # 'b' resolves, 'c' does not
    ]
    assert next(d for d in diags if d["code"] == "schema")["message"] == "unknown property 'bogus'"


def test_the_contract_examples_are_valid_with_the_built_in_relationships(tmp_path: Path) -> None:
    root = tmp_path / "config"
    root.mkdir()
    (root / "rel.yaml").write_text(
        "relationships:\n  - key: DOC_PT\n    aToB: doctor\n    bToA: patient\n"
        "    allowedPersonATypes: [provider]\n    allowedPersonBTypes: [patient, nonProviderUser]\n"
    )
    (root / "relationships.csv").write_text(
        "key,        aToB,    bToA,      allowedPersonATypes, allowedPersonBTypes\n"
        'DOC_TO_PT,  doctor,  patient,   provider,            "patient; nonProviderUser"\n'
        "SIBLINGS,   sibling, sibling,,\n"
    )
    p = subprocess.run(
        [sys.executable, "-m", "bundle_ls", "--check", str(root)], capture_output=True, text=True
    )
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.strip() == "0 errors, 0 warnings in 2 files"


def test_built_in_relationship_types_are_checked(tmp_path: Path) -> None:
    root = tmp_path / "config"
    root.mkdir()
    (root / "relationships.csv").write_text(
        "key,aToB,bToA,allowedPersonATypes\nDOC,doctor,patient,provder\nNURSE,nurse\n"
    )
    p = subprocess.run(
        [sys.executable, "-m", "bundle_ls", "--check", str(root)], capture_output=True, text=True
    )
    assert p.returncode == 1
    lines = p.stdout.splitlines()
    assert any(
        ":2:20: error: 'provder' is not one of patient, provider, nonProviderUser" in ln
        for ln in lines
    )
    assert any(":3:1: error: missing required property 'bToA'" in ln for ln in lines)


def test_module_schemas_kept_inside_the_config_directory_are_not_checked_as_config(
    tmp_path: Path,
) -> None:
    root = tmp_path / "config"
    (root / "schemas").mkdir(parents=True)
    (root / "schemas" / "clinic.schema.yaml").write_text(
        "x-module: clinic\nproperties:\n  wards: {type: array}\n"
    )
    (root / "schemas" / "notes.yaml").write_text("about: the clinic schema\n")
    (root / "extra.schema.yaml").write_text("x-module: extra\nproperties:\n  beds: {type: array}\n")
    (root / "bundle-ls.yaml").write_text("schemas: [schemas, .]\n")
    (root / "wards.yaml").write_text("wards: []\nbeds: []\nbogus: 1\n")
    proc = subprocess.run(
        [sys.executable, "-m", "bundle_ls", "--check", str(root), "--format", "json"],
        capture_output=True,
        text=True,
    )
    report = json.loads(proc.stdout)
    # Only the config file is checked: its one unknown namespace, nothing from the schemas.
    assert [(d["path"], d["code"]) for d in report["diagnostics"]] == [
        ("wards.yaml", "unknown-namespace")
    ]
