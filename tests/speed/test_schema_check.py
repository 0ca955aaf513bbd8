"""A module schema is checked against the 2020-12 metaschema with jsonschema-rs in front
of jsonschema: the same verdicts, valid or not."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from bundle_ls.dialects.module_schemas.schemas import check_schema

VALID = [
    {"type": "object", "properties": {"pattern": {"type": "string", "pattern": "^[a-z]+$"}}},
    {"patternProperties": {"^x-": {}}, "default": {"pattern": "("}},
    {"$schema": "https://json-schema.org/draft/2020-12/schema", "enum": []},
]
INVALID = [
    {"type": "strin"},
    {"pattern": "("},
    {"patternProperties": {"[": {}}},
    {"properties": {"a": {"minimum": "x"}}},
    {"required": "a"},
]


@pytest.mark.parametrize("schema", VALID)
def test_valid_schemas_pass(schema):
    Draft202012Validator.check_schema(schema)
    check_schema(schema)


@pytest.mark.parametrize("schema", INVALID)
def test_invalid_schemas_fail_with_jsonschemas_message(schema):
    with pytest.raises(SchemaError) as ours:
        check_schema(schema)
    with pytest.raises(SchemaError) as theirs:
        Draft202012Validator.check_schema(schema)
    assert ours.value.message == theirs.value.message


def test_uri_formats_are_known_checked_without_asking_jsonschema():
    # `check_schema` trusts jsonschema-rs's metaschema check only when jsonschema would not
    # check URI formats; that is decided from the installed libraries, so it must agree
    # with jsonschema's own format checker.
    from bundle_ls.dialects.module_schemas.schemas import _URI_FORMATS, uri_formats_checked

    checked = Draft202012Validator.FORMAT_CHECKER.checkers.keys()
    assert uri_formats_checked() == bool(_URI_FORMATS & checked)


def test_a_valid_directory_is_checked_without_importing_jsonschema(tmp_path):
    # Every object passes jsonschema-rs's pre-check, so the Python validator (and its
    # import, a tenth of a small check's time) is never needed; one invalid object needs it.
    import subprocess
    import sys

    (tmp_path / "locations.yaml").write_text("locationTags:\n  - key: Ward\n")
    probe = (
        "import sys; from pathlib import Path; from bundle_ls.batch.runner import check_directory;"
        "r = check_directory(Path(sys.argv[1]), jobs=1);"
        "print(len(r.diagnostics), 'jsonschema' in sys.modules)"
    )
    clean = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert clean.stdout.split() == ["0", "False"]
    (tmp_path / "locations.yaml").write_text("locationTags:\n  - key: Ward\n    bogus: 1\n")
    dirty = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, check=True
    )
    count, imported = dirty.stdout.split()
    assert int(count) >= 1 and imported == "True"


def test_the_shipped_schemas_read_by_the_document_parser_are_ruamels_values():
    # The package's own schemas are read by the document parser, not ruamel's safe loader:
    # the two must give the very same documents.
    import json

    from ruamel.yaml import YAML

    from bundle_ls.dialects.base import builtin_schema_dir
    from bundle_ls.dialects.module_schemas.schemas import SCHEMA_SUFFIXES, _load_document

    paths = [p for p in builtin_schema_dir().iterdir() if p.name.endswith(SCHEMA_SUFFIXES)]
    assert len(paths) >= 8
    for path in paths:
        ruamel = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        ours = _load_document(path, shipped=True)
        # as JSON: `true`, 1 and 1.0 are equal in Python but not the same schema value
        assert json.dumps(ours, sort_keys=True) == json.dumps(ruamel, sort_keys=True), path.name


def test_start_up_leaves_out_what_a_directory_does_not_use(tmp_path):
    # A directory of module-schema YAML needs neither ruamel.yaml (the compiled parser binds
    # libyaml itself) nor the permission-rule parser and checks; a permission rule needs those.
    import subprocess
    import sys

    (tmp_path / "locations.yaml").write_text("locationTags:\n  - key: Ward\n")
    probe = (
        "import sys; from pathlib import Path; from bundle_ls.batch.runner import check_directory;"
        "from bundle_ls.documents import yaml_native;"
        "r = check_directory(Path(sys.argv[1]), jobs=1);"
        "print(len(r.diagnostics), yaml_native.LIBYAML is not None, 'ruamel.yaml' in sys.modules,"
        " 'bundle_ls.dialects.permissions.expr' in sys.modules)"
    )

    def run() -> list[str]:
        return subprocess.run(
            [sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, check=True
        ).stdout.split()

    count, native, ruamel, rules = run()
    assert count == "0"
    assert ruamel == ("False" if native == "True" else "True")
    assert rules == "False"
    (tmp_path / "rules.yaml").write_text(
        "permissionRules:\n  - key: r\n    grant: [Edit Patients]\n    when: role(Nurse)\n"
    )
    assert run()[3] == "True"
