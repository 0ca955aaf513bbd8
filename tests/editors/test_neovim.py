"""Neovim 0.11, headless, with the shipped config clients/neovim/lsp/bundle_ls.lua.

The driver (nvim/driver.lua) does what a user does: puts clients/neovim on the runtimepath,
calls vim.lsp.enable('bundle_ls'), opens a file of the fixture Config Directory, and records
the diagnostics, the insert-mode completion menu and where go to definition jumps. The server
is found as a user would have it: `bundle-ls` on PATH.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
ARTIFACTS = REPO / "test-artifacts"
FIXTURE = HERE / "fixture"
DRIVER = HERE / "nvim" / "driver.lua"
RTP = REPO / "clients" / "neovim"
TAG_KEYS = {"Login Location", "Admission Location"}
ERROR = 1  # vim.diagnostic.severity.ERROR


def run_nvim(e2e_env, server_bin: Path, workspace: Path, file: str, plan: dict, tmp: Path):
    out = tmp / "nvim-result.json"
    xdg = tmp / "xdg"
    env = dict(os.environ)
    env.update(
        PATH=f"{server_bin.parent}{os.pathsep}{env.get('PATH', '')}",
        XDG_CONFIG_HOME=str(xdg / "config"),
        XDG_DATA_HOME=str(xdg / "data"),
        XDG_STATE_HOME=str(xdg / "state"),
        XDG_CACHE_HOME=str(xdg / "cache"),
        BUNDLE_LS_NVIM_RTP=str(RTP),
        BUNDLE_LS_NVIM_OUT=str(out),
        BUNDLE_LS_NVIM_PLAN=json.dumps(plan),
    )
    proc = subprocess.run(
        [e2e_env["BUNDLE_LS_E2E_NVIM"], "--headless", "--clean", "-u", str(DRIVER), file],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lsp_log = xdg / "state" / "nvim" / "lsp.log"
    log_text = lsp_log.read_text(errors="replace")[-4000:] if lsp_log.exists() else "(no lsp.log)"
    assert out.exists(), (
        f"nvim wrote no result (exit {proc.returncode})\nstderr: {proc.stderr[-2000:]}\n"
        f"lsp.log tail:\n{log_text}"
    )
    result = json.loads(out.read_text())
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"nvim-{tmp.name}.json").write_text(json.dumps(result, indent=2))
    assert proc.returncode == 0 and "error" not in result, (
        f"nvim driver failed (exit {proc.returncode}): {result.get('error')}\n"
        f"result: {json.dumps(result)[:3000]}\nlsp.log tail:\n{log_text}"
    )
    return result


def test_yaml_diagnostic_completion_and_definition(
    e2e_env, server_bin, workspace, position_of, tmp_path
):
    text = (workspace / "wards.yaml").read_text()
    typo = position_of(text, "Admision Location")
    login = position_of(text, "Login Location", 3)  # inside the reference
    result = run_nvim(
        e2e_env,
        server_bin,
        workspace,
        "wards.yaml",
        {
            "wait_code": "unresolved-reference",
            # A new ward being typed, in a flow list that is not closed yet.
            "type": {"lines": ["  - key: Ward C", "    tags: ["], "select": "Admission Location"},
            "definition": login,
        },
        tmp_path,
    )

    assert result["nvim"].startswith("0.11"), result["nvim"]
    assert result["filetype"] == "yaml"
    assert result["client"]["name"] == "bundle_ls"
    assert result["client"]["cmd"][:2] == ["bundle-ls", "--stdio"]
    assert Path(result["client"]["root_dir"]).resolve() == workspace.resolve()

    unresolved = [d for d in result["diagnostics"] if d["code"] == "unresolved-reference"]
    assert unresolved, f"no unresolved-reference diagnostic; got {result['diagnostics']}"
    d = unresolved[0]
    assert (d["lnum"], d["col"]) == typo, d
    assert d["end_col"] - d["col"] == len("Admision Location"), d
    assert d["severity"] == ERROR
    assert d["source"] == "bundle-ls"
    assert "Admision Location" in d["message"] and "Admission Location" in d["message"], d

    # The completion menu lists the keys defined in tags.yaml, and choosing one inserts the
    # whole key (keys have spaces).
    assert set(result["completion"]) >= TAG_KEYS, result["completion"]
    assert result["accepted_line"] == "    tags: [Admission Location", result

    # Go to definition on `Login Location` jumps into tags.yaml, on the line that defines it.
    assert result.get("definition"), "go to definition did not jump"
    assert Path(result["definition"]["file"]).resolve() == (workspace / "tags.yaml").resolve()
    assert result["definition"]["line"] == 1


def test_csv_diagnostic_and_completion(e2e_env, server_bin, workspace, position_of, tmp_path):
    text = (workspace / "locations.csv").read_text()
    typo = position_of(text, "Login Locaton")
    result = run_nvim(
        e2e_env,
        server_bin,
        workspace,
        "locations.csv",
        {
            "wait_code": "unresolved-reference",
            "type": {"lines": ["Ward C,Ward C,"], "select": "Admission Location"},
        },
        tmp_path,
    )

    assert result["filetype"] == "csv"
    assert Path(result["client"]["root_dir"]).resolve() == workspace.resolve()
    unresolved = [d for d in result["diagnostics"] if d["code"] == "unresolved-reference"]
    assert unresolved, f"no unresolved-reference diagnostic; got {result['diagnostics']}"
    d = unresolved[0]
    assert (d["lnum"], d["col"]) == typo, d
    assert d["end_col"] - d["col"] == len("Login Locaton"), d
    assert d["severity"] == ERROR and d["source"] == "bundle-ls"
    assert "Login Locaton" in d["message"], d

    # Completion in the `tags` cell of a new row lists the tag keys from tags.yaml, and
    # choosing one inserts the whole key.
    assert set(result["completion"]) >= TAG_KEYS, result["completion"]
    assert result["accepted_line"] == "Ward C,Ward C,Admission Location", result


def test_extra_schema_folder_setting(
    e2e_env, server_bin, workspace_with_extra_schema, position_of, tmp_path
):
    """settings.bundleLs.schemas (relative to the root) reaches the server: the namespace of
    the extra module schema is known, and its reference is checked."""
    ws = workspace_with_extra_schema
    text = (ws / "rounds.yaml").read_text()
    bad = position_of(text, "Ward Z")
    result = run_nvim(
        e2e_env,
        server_bin,
        ws,
        "rounds.yaml",
        {
            "config": {"settings": {"bundleLs": {"schemas": ["../module-schemas"]}}},
            "wait_code": "unresolved-reference",
        },
        tmp_path,
    )
    assert result["client"]["settings"]["bundleLs"]["schemas"] == [
        str(ws.parent / "module-schemas")
    ], result["client"]
    codes = {d["code"] for d in result["diagnostics"]}
    assert "unknown-namespace" not in codes, result["diagnostics"]
    unresolved = [d for d in result["diagnostics"] if d["code"] == "unresolved-reference"]
    assert unresolved, f"no unresolved-reference diagnostic; got {result['diagnostics']}"
    assert (unresolved[0]["lnum"], unresolved[0]["col"]) == bad, unresolved
    assert "no locations key 'Ward Z'" in unresolved[0]["message"], unresolved


def test_initializer_configuration_folder_is_the_root(e2e_env, server_bin, tmp_path):
    """Without a bundle-ls.yaml, the folder holding an Initializer `configuration/` folder is
    the root, and files inside it are checked against each other."""
    ws = tmp_path / "distro"
    conf = ws / "configuration"
    conf.mkdir(parents=True)
    for name in ("tags.yaml", "wards.yaml", "locations.csv"):
        shutil.copy(FIXTURE / name, conf / name)
    result = run_nvim(
        e2e_env,
        server_bin,
        ws,
        "configuration/wards.yaml",
        {"wait_code": "unresolved-reference"},
        tmp_path,
    )
    assert Path(result["client"]["root_dir"]).resolve() == ws.resolve(), result["client"]
    unresolved = [d for d in result["diagnostics"] if d["code"] == "unresolved-reference"]
    assert unresolved and "Admision Location" in unresolved[0]["message"], result["diagnostics"]
