"""A small Config Directory factory with its own module schema, for checker tests."""

from __future__ import annotations

import io
import json
import textwrap
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from bundle_ls.cli import run_check

CLINIC_SCHEMA = """\
$schema: https://json-schema.org/draft/2020-12/schema
x-module: clinic
title: Clinic
type: object
properties:
  wardTags:
    type: array
    description: Tags that group wards.
    items:
      type: object
      required: [key]
      additionalProperties: false
      properties:
        key: {type: string, x-key: true}
        label: {type: string}
  wards:
    type: array
    description: Wards of the clinic.
    items:
      type: object
      required: [key, label]
      additionalProperties: false
      properties:
        key: {type: string, x-key: true, description: The ward's human-readable key.}
        label: {type: string}
        kind: {enum: [inpatient, outpatient, emergency]}
        beds: {type: integer, minimum: 1}
        open: {type: boolean, x-runtime-mutable: true}
        tags: {type: array, items: {type: string, x-ref: wardTags}}
        parent: {type: string, x-ref: wards}
        map: {type: string, x-file: true}
  clinicSettings:
    type: object
    additionalProperties: false
    properties:
      maxBeds: {type: integer, minimum: 1, x-runtime-mutable: true}
      defaultWard: {type: string, x-ref: wards}
"""

OTHER_SCHEMA = """\
x-module: billing
type: object
properties:
  tariffs:
    type: array
    items:
      type: object
      properties:
        key: {type: string, x-key: true}
"""


class ConfigDir:
    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, rel: str, text: str, *, dedent: bool = True, newline: str = "\n") -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        body = textwrap.dedent(text) if dedent else text
        path.write_bytes(body.replace("\n", newline).encode("utf-8"))
        return path

    def write_bytes(self, rel: str, data: bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def check(self, fmt: str = "json") -> tuple[int, str]:
        out = io.StringIO()
        with redirect_stdout(out):
            code = run_check([str(self.root)], [], fmt, 1)
        return code, out.getvalue()

    def diagnostics(self) -> list[dict]:
        _code, out = self.check("json")
        return json.loads(out)["diagnostics"]

    def find(self, code: str) -> list[dict]:
        return [d for d in self.diagnostics() if d["code"] == code]


@pytest.fixture
def config_dir(tmp_path: Path) -> ConfigDir:
    root = tmp_path / "config"
    (root).mkdir()
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "clinic.schema.yaml").write_text(CLINIC_SCHEMA)
    (schemas / "billing.schema.yaml").write_text(OTHER_SCHEMA)
    (root / "bundle-ls.yaml").write_text("schemas: [../schemas]\n")
    return ConfigDir(root)


def start(d: dict) -> tuple[str, int, int]:
    s = d["range"]["start"]
    return d["path"], s["line"], s["character"]


Starter = Callable[[dict], tuple[str, int, int]]
