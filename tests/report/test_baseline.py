"""New and fixed findings against a baseline `--check --format json`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bundle_ls.batch.report.baseline import (
    BaselineError,
    BaselineFinding,
    compare,
    load_baseline,
    message_key,
)
from bundle_ls.documents.model import Diagnostic


def diag(path: str, line: int, code: str, message: str, char: int = 0) -> Diagnostic:
    return Diagnostic(path, (line, char, line, char + 3), "error", code, message)


def base(path: str, line: int, code: str, message: str, char: int = 0) -> BaselineFinding:
    return BaselineFinding(path, line, char, "error", code, message)


def test_a_finding_that_moved_down_is_not_new():
    now = [diag("a.yaml", 12, "schema", "bad value")]
    before = [base("a.yaml", 9, "schema", "bad value")]
    new, fixed = compare(now, before)
    assert new == set() and fixed == []


def test_new_and_fixed():
    now = [diag("a.yaml", 1, "schema", "kept"), diag("b.yaml", 4, "conflict", "now here")]
    before = [base("a.yaml", 1, "schema", "kept"), base("c.yaml", 2, "schema", "gone")]
    new, fixed = compare(now, before)
    assert new == {1}
    assert [f.path for f in fixed] == ["c.yaml"]


def test_same_line_pairs_first_when_a_copy_is_added_above():
    # the baseline had one finding on line 10; now the same message also appears on line 2
    now = [diag("a.yaml", 2, "schema", "m"), diag("a.yaml", 10, "schema", "m")]
    before = [base("a.yaml", 10, "schema", "m")]
    new, fixed = compare(now, before)
    assert new == {0} and fixed == []


def test_line_numbers_quoted_in_messages_do_not_make_a_finding_new():
    msg = "roles key 'Nurse' is defined again with a different description (first in a.yaml:{})"
    now = [diag("b.yaml", 3, "conflict", msg.format(14))]
    before = [base("b.yaml", 3, "conflict", msg.format(12))]
    assert compare(now, before) == (set(), [])
    assert message_key(msg.format(14)) == message_key(msg.format(99))


def test_another_message_is_another_finding():
    new, fixed = compare([diag("a.yaml", 1, "schema", "x")], [base("a.yaml", 1, "schema", "y")])
    assert new == {0} and len(fixed) == 1


def test_load_baseline_reads_check_json(tmp_path: Path):
    doc = {
        "diagnostics": [
            {
                "path": "a.yaml",
                "range": {"start": {"line": 3, "character": 4}, "end": {"line": 3, "character": 9}},
                "severity": "warning",
                "code": "duplicate-key",
                "message": "again",
            }
        ],
        "summary": {"files": 1, "errors": 0, "warnings": 1, "information": 0, "hints": 0},
    }
    p = tmp_path / "b.json"
    p.write_text(json.dumps(doc))
    assert load_baseline(p) == [
        BaselineFinding("a.yaml", 3, 4, "warning", "duplicate-key", "again")
    ]


@pytest.mark.parametrize(
    "text",
    ["not json", "[]", '{"summary": {}}', '{"diagnostics": [{"path": "a.yaml"}]}'],
)
def test_a_file_that_is_not_check_json_is_refused(tmp_path: Path, text: str):
    p = tmp_path / "b.json"
    p.write_text(text)
    with pytest.raises(BaselineError):
        load_baseline(p)


def test_a_missing_baseline_is_refused(tmp_path: Path):
    with pytest.raises(BaselineError, match="b.json"):
        load_baseline(tmp_path / "b.json")
