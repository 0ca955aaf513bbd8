"""Neovim 0.11 inside a permission rule's condition: the diagnostic of a misspelt role at
its exact place, and completion of a role after `role(` — a name with a space inserted
with its quotes (see test_neovim.py for how Neovim is driven)."""

from __future__ import annotations

from test_neovim import ERROR, run_nvim

USERS = """\
roles:
  - key: Nurse
  - key: Senior Nurse
    inheritedRoles: [Nurse]
privileges:
  - key: Edit Patients
"""
RULES = """\
permissionRules:
  - key: ward
    grant: [Edit Patients]
    when: role(Nures) and not role(Student)
"""


def test_completion_of_a_role_inside_a_condition(
    e2e_env, server_bin, workspace, position_of, tmp_path
):
    (workspace / "users.yaml").write_text(USERS)
    (workspace / "rules.yaml").write_text(RULES)
    typo = position_of(RULES, "Nures")
    result = run_nvim(
        e2e_env,
        server_bin,
        workspace,
        "rules.yaml",
        {
            "wait_code": "unresolved-reference",
            # A new rule being typed: the condition is open after `role(`.
            "type": {
                "lines": ["  - key: senior", "    grant: [Edit Patients]", "    when: role("],
                "select": "Senior Nurse",
            },
        },
        tmp_path,
    )
    assert result["client"]["name"] == "bundle_ls"
    found = [d for d in result["diagnostics"] if d["code"] == "unresolved-reference"]
    assert [(d["lnum"], d["col"], d["end_col"], d["severity"]) for d in found] == [
        (*typo, typo[1] + len("Nures"), ERROR),
        (
            typo[0],
            RULES.splitlines()[3].index("Student"),
            RULES.splitlines()[3].index("Student") + 7,
            ERROR,
        ),
    ], result["diagnostics"]
    assert "did you mean 'Nurse'?" in found[0]["message"]
    # The menu lists the roles; choosing the one with a space inserts it quoted.
    assert {"Nurse", "Senior Nurse"} <= set(result["completion"]), result["completion"]
    assert result["accepted_line"] == '    when: role("Senior Nurse"', result
