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
