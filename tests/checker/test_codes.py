"""Each diagnostic code of the contract, in YAML and in CSV, at its exact position."""

from __future__ import annotations

from .conftest import ConfigDir, start

TAGS = """\
wardTags:
  - key: Surgical
  - key: Medical
"""


def only(diags: list[dict], code: str) -> list[dict]:
    return [d for d in diags if d["code"] == code]


# ---- syntax and encoding -------------------------------------------------------------------


def test_yaml_syntax_error_at_the_parser_mark(config_dir: ConfigDir) -> None:
    config_dir.write("wards.yaml", "wards:\n  - key: A\n    label: [unclosed\n  - key: B\n")
    (d,) = only(config_dir.diagnostics(), "yaml-syntax")
    assert d["severity"] == "error"
    assert d["path"] == "wards.yaml"
    assert d["range"]["start"]["line"] == 3
    assert "flow sequence" in d["message"]


def test_yaml_syntax_error_keeps_keys_defined_before_it(config_dir: ConfigDir) -> None:
    config_dir.write(
        "wards.yaml", "wards:\n  - key: A\n    label: Ward A\n  - key: B\n    label: [\n"
    )
    config_dir.write("settings.yaml", "clinicSettings:\n  defaultWard: A\n")
    diags = config_dir.diagnostics()
    assert only(diags, "yaml-syntax")
    assert not only(diags, "unresolved-reference")


def test_csv_unclosed_quote(config_dir: ConfigDir) -> None:
    config_dir.write("wards.csv", 'key,label\nA,"Ward A\nB,Ward B\n')
    (d,) = only(config_dir.diagnostics(), "csv-syntax")
    assert start(d) == ("wards.csv", 1, 2)
    assert "unclosed quote" in d["message"]


def test_csv_row_longer_than_header(config_dir: ConfigDir) -> None:
    config_dir.write("wards.csv", "key,label\nA,Ward A,surplus\n")
    (d,) = only(config_dir.diagnostics(), "csv-syntax")
    assert start(d) == ("wards.csv", 1, 9)
    assert "3 cells" in d["message"] and "2 columns" in d["message"]


def test_encoding_in_yaml_and_csv(config_dir: ConfigDir) -> None:
    config_dir.write_bytes("wards.yaml", b"wards:\n  - key: A\n    label: caf\xe9\n")
    config_dir.write_bytes("wards.csv", b"key,label\nB,\xff\xfe\n")
    found = {start(d) for d in only(config_dir.diagnostics(), "encoding")}
    assert found == {("wards.yaml", 2, 14), ("wards.csv", 1, 2)}


# ---- schema ---------------------------------------------------------------------------------


def test_schema_errors_in_yaml(config_dir: ConfigDir) -> None:
    config_dir.write(
        "wards.yaml",
        """\
        wards:
          - key: A
            label: Ward A
            kind: inpatiant
            beds: many
            colour: blue
          - key: B
        """,
    )
    by_pos = {start(d): d["message"] for d in only(config_dir.diagnostics(), "schema")}
    assert by_pos == {
        ("wards.yaml", 3, 10): "'inpatiant' is not one of inpatient, outpatient, emergency",
        ("wards.yaml", 4, 10): "expected a whole number, got 'many'",
        (
            "wards.yaml",
            5,
            4,
        ): "unknown property 'colour' (known: key, label, kind, beds, open, tags, parent, map)",
        ("wards.yaml", 6, 4): "missing required property 'label'",
    }


def test_schema_errors_in_csv_typed_by_the_schema(config_dir: ConfigDir) -> None:
    config_dir.write(
        "wards.csv",
        """\
        key, label, kind, beds, open, colour
        A, Ward A, outpatient, 12, TRUE,
        B, Ward B, inpatiant, twelve, maybe, blue
        C, , emergency, 3, false,
        """,
    )
    by_pos = {start(d): d["message"] for d in only(config_dir.diagnostics(), "schema")}
    assert by_pos == {
        ("wards.csv", 2, 11): "'inpatiant' is not one of inpatient, outpatient, emergency",
        ("wards.csv", 2, 22): "expected a whole number, got 'twelve'",
        ("wards.csv", 2, 30): "expected true or false, got 'maybe'",
        # an unknown column is reported once, on the header
        (
            "wards.csv",
            0,
            30,
        ): "unknown property 'colour' (known: key, label, kind, beds, open, tags, parent, map)",
        # an empty cell is an absent property
        ("wards.csv", 3, 0): "missing required property 'label'",
    }


def test_schema_error_suggests_a_close_property(config_dir: ConfigDir) -> None:
    config_dir.write("wards.yaml", "wards:\n  - key: A\n    lable: Ward A\n")
    messages = [d["message"] for d in only(config_dir.diagnostics(), "schema")]
    assert "unknown property 'lable'; did you mean 'label'?" in messages


# ---- namespaces and modules -----------------------------------------------------------------


def test_unknown_namespace_is_a_warning_with_a_suggestion(config_dir: ConfigDir) -> None:
    config_dir.write("wards.yaml", "ward:\n  - key: A\n")
    (d,) = only(config_dir.diagnostics(), "unknown-namespace")
    assert d["severity"] == "warning"
    assert start(d) == ("wards.yaml", 0, 0)
    assert "did you mean 'wards'?" in d["message"]
    code, _ = config_dir.check()
    assert code == 0  # warnings alone never fail the run


def test_module_not_installed_in_yaml_and_csv(config_dir: ConfigDir) -> None:
    config_dir.write("bundle-ls.yaml", "schemas: [../schemas]\nmodules: [billing]\n")
    config_dir.write("wards.yaml", "wards:\n  - key: A\n    colour: ignored\n")
    config_dir.write("wards.csv", "key,label\nB,Ward B\n")
    diags = config_dir.diagnostics()
    found = {start(d): d["severity"] for d in only(diags, "module-not-installed")}
    assert found == {("wards.yaml", 0, 0): "information", ("wards.csv", 0, 0): "information"}
    # config for a module that is not installed is ignored: not validated
    assert not only(diags, "schema")


# ---- keys: duplicates and conflicts ---------------------------------------------------------


def test_duplicate_key_across_yaml_and_csv(config_dir: ConfigDir) -> None:
    config_dir.write("a.yaml", "wards:\n  - key: A\n    label: Ward A\n")
    config_dir.write("b/wards.csv", "key,label\nA,Ward A\n")
    (d,) = only(config_dir.diagnostics(), "duplicate-key")
    assert d["severity"] == "warning"
    assert start(d) == ("b/wards.csv", 1, 0)
    assert d["related"][0]["path"] == "a.yaml"
    assert d["related"][0]["range"]["start"] == {"line": 1, "character": 9}


def test_the_same_object_with_its_fields_in_another_order_is_a_duplicate(
    config_dir: ConfigDir,
) -> None:
    config_dir.write("a.yaml", "wards:\n  - key: A\n    label: Ward A\n    beds: 4\n")
    config_dir.write("b.yaml", "wards:\n  - beds: 4\n    label: Ward A\n    key: A\n")
    diags = config_dir.diagnostics()
    assert not only(diags, "conflict")
    (d,) = only(diags, "duplicate-key")
    assert start(d) == ("b.yaml", 3, 9)


def test_conflict_names_the_differing_fields(config_dir: ConfigDir) -> None:
    config_dir.write("a.yaml", "wards:\n  - key: A\n    label: Ward A\n    beds: 4\n")
    config_dir.write("b/wards.csv", "key,label,beds\nA,Ward A,6\n")
    (d,) = only(config_dir.diagnostics(), "conflict")
    assert start(d) == ("b/wards.csv", 1, 0)
    assert "different beds" in d["message"]
    config_dir.write("b/wards.csv", "key,beds,label\nA,6,Ward B\n")  # in the order written
    (d,) = only(config_dir.diagnostics(), "conflict")
    assert "with a different label, beds (first in a.yaml:2)" in d["message"]
    assert d["related"][0]["path"] == "a.yaml"


def test_conflict_of_a_merged_mapping_entry(config_dir: ConfigDir) -> None:
    config_dir.write("a.yaml", "clinicSettings:\n  maxBeds: 30\n")
    config_dir.write("b.yaml", "clinicSettings:\n  maxBeds: 20\n")
    (d,) = only(config_dir.diagnostics(), "conflict")
    assert start(d) == ("b.yaml", 1, 2)
    assert (
        "clinicSettings.maxBeds" in d["message"] and "30" in d["message"] and "20" in d["message"]
    )


def test_conflict_of_a_key_repeated_inside_one_mapping(config_dir: ConfigDir) -> None:
    config_dir.write("a.yaml", "clinicSettings:\n  maxBeds: 30\n  maxBeds: 20\n")
    (d,) = only(config_dir.diagnostics(), "conflict")
    assert start(d) == ("a.yaml", 2, 2)


def test_conflict_inside_one_csv(config_dir: ConfigDir) -> None:
    config_dir.write("wards.csv", "key,label\nA,Ward A\nA,Ward Z\n")
    (d,) = only(config_dir.diagnostics(), "conflict")
    assert start(d) == ("wards.csv", 2, 0)
    assert "different label" in d["message"]


# ---- references and files ---------------------------------------------------------------------


def test_unresolved_reference_in_yaml_suggests_close_keys(config_dir: ConfigDir) -> None:
    config_dir.write("tags.yaml", TAGS)
    config_dir.write(
        "wards.yaml", "wards:\n  - key: A\n    label: A\n    tags: [Surgical, Medicl]\n"
    )
    (d,) = only(config_dir.diagnostics(), "unresolved-reference")
    assert start(d) == ("wards.yaml", 3, 21)
    assert d["message"] == "no wardTags key 'Medicl'; did you mean 'Medical'?"


def test_unresolved_reference_in_csv_list_cell(config_dir: ConfigDir) -> None:
    config_dir.write("tags.yaml", TAGS)
    config_dir.write("wards.csv", 'key,label,tags\nA,Ward A,"Surgical; Medicl"\n')
    (d,) = only(config_dir.diagnostics(), "unresolved-reference")
    assert start(d) == ("wards.csv", 1, 20)


def test_reference_resolves_to_a_key_defined_in_csv(config_dir: ConfigDir) -> None:
    config_dir.write("wardTags.csv", "key\nSurgical\n")
    config_dir.write("wards.yaml", "wards:\n  - key: A\n    label: A\n    tags: [Surgical]\n")
    assert config_dir.diagnostics() == []


def test_unresolved_reference_with_nothing_close(config_dir: ConfigDir) -> None:
    config_dir.write("tags.yaml", TAGS)
    config_dir.write("settings.yaml", "clinicSettings:\n  defaultWard: Nowhere\n")
    (d,) = only(config_dir.diagnostics(), "unresolved-reference")
    assert d["message"] == "no wards key 'Nowhere'"


def test_missing_file_in_yaml_and_csv(config_dir: ConfigDir) -> None:
    config_dir.write("maps/a.svg", "<svg/>")
    config_dir.write(
        "wards.yaml",
        "wards:\n  - key: A\n    label: A\n    map: maps/a.svg\n  - key: B\n    label: B\n    map: maps/b.svg\n",
    )
    config_dir.write("wards.csv", "key,label,map\nC,C,../outside.svg\n")
    (config_dir.root.parent / "outside.svg").write_text("<svg/>")
    found = {start(d): d["message"] for d in only(config_dir.diagnostics(), "missing-file")}
    assert found == {
        ("wards.yaml", 6, 9): "file 'maps/b.svg' does not exist in the Config Directory",
        ("wards.csv", 1, 4): "'../outside.svg' leaves the Config Directory",
    }


def test_missing_file_through_a_symlink_out_of_the_directory(config_dir: ConfigDir) -> None:
    outside = config_dir.root.parent / "elsewhere"
    outside.mkdir()
    (outside / "a.svg").write_text("<svg/>")
    (config_dir.root / "maps").symlink_to(outside)
    config_dir.write("wards.yaml", "wards:\n  - key: A\n    label: A\n    map: maps/a.svg\n")
    (d,) = only(config_dir.diagnostics(), "missing-file")
    assert "leaves the Config Directory" in d["message"]
