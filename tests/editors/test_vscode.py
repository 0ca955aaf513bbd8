"""VS Code (code-server, the real workbench) with the packaged .vsix, driven in Chromium.

One code-server runs for the module, with the extension installed from the .vsix that
`make vsix` builds. vscode/e2e.js (playwright-core) drives the browser and records what a
user sees; screenshots go to test-artifacts/.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FIXTURE = HERE / "fixture"
DRIVER_DIR = HERE / "vscode"
TAG_KEYS = ("Login Location", "Admission Location")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def vsix() -> Path:
    path = Path(os.environ.get("BUNDLE_LS_VSIX", REPO / "vscode-extension" / "bundle-ls.vsix"))
    if not path.exists():
        pytest.fail(f"{path} does not exist: run make vsix")
    return path


@pytest.fixture(scope="module")
def code_server(e2e_env, server_bin, vsix, tmp_path_factory):
    base = tmp_path_factory.mktemp("code-server")
    user_data, extensions = base / "user-data", base / "extensions"
    (user_data / "User").mkdir(parents=True)
    settings = {
        "security.workspace.trust.enabled": False,
        "workbench.startupEditor": "none",
        "telemetry.telemetryLevel": "off",
        "update.mode": "none",
        "extensions.autoUpdate": False,
        "extensions.autoCheckUpdates": False,
        "workbench.tips.enabled": False,
        "chat.disableAIFeatures": True,
        "editor.quickSuggestions": {"other": False, "comments": False, "strings": False},
        "bundleLs.trace.server": "verbose",
    }
    (user_data / "User" / "settings.json").write_text(json.dumps(settings, indent=2))
    # The server command is a machine-overridable setting: code-server (like any remote) reads
    # it from the machine's settings, not the browser user's.
    (user_data / "Machine").mkdir()
    (user_data / "Machine" / "settings.json").write_text(
        json.dumps({"bundleLs.server.command": [str(server_bin)]}, indent=2)
    )

    env = dict(os.environ)
    node_bin = str(Path(e2e_env["BUNDLE_LS_E2E_NODE"]).parent)
    env.update(
        PATH=f"{node_bin}{os.pathsep}{env.get('PATH', '')}",
        XDG_CONFIG_HOME=str(base / "xdg" / "config"),
        XDG_DATA_HOME=str(base / "xdg" / "data"),
        XDG_CACHE_HOME=str(base / "xdg" / "cache"),
    )
    cs = e2e_env["BUNDLE_LS_E2E_CODE_SERVER"]
    common = ["--user-data-dir", str(user_data), "--extensions-dir", str(extensions)]
    install = subprocess.run(
        [cs, *common, "--install-extension", str(vsix)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "successfully installed" in install.stdout, install.stdout + install.stderr

    port = _free_port()
    log = open(base / "code-server.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
            cs,
            *common,
            "--auth",
            "none",
            "--bind-addr",
            f"127.0.0.1:{port}",
            "--disable-telemetry",
            "--disable-update-check",
            "--disable-workspace-trust",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so that every child is stopped too
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(
                        "code-server did not start:\n" + (base / "code-server.log").read_text()
                    )
                time.sleep(0.3)
        yield {"url": f"http://127.0.0.1:{port}/", "base": base, "user_data": user_data}
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def run_browser(
    e2e_env, code_server, scenario: str, workspace: Path, artifacts: Path, expect_toast: str = ""
) -> dict:
    for stale in artifacts.glob(f"vscode-{scenario}*"):
        stale.unlink()
    env = dict(os.environ)
    env.update(
        CS_URL=f"{code_server['url']}?folder={workspace}",
        OUT_DIR=str(artifacts),
        WORKSPACE=str(workspace),
        EXPECT_TOAST=expect_toast,
        CHROMIUM=e2e_env.get("BUNDLE_LS_E2E_CHROMIUM", "/usr/bin/chromium"),
        XDG_CONFIG_HOME=str(code_server["base"] / "xdg" / "chromium"),
    )
    proc = subprocess.run(
        [e2e_env["BUNDLE_LS_E2E_NODE"], "e2e.js", scenario],
        cwd=DRIVER_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = artifacts / f"vscode-{scenario}.json"
    assert out.exists(), f"e2e.js wrote nothing (exit {proc.returncode}): {proc.stderr[-3000:]}"
    result = json.loads(out.read_text())
    if proc.returncode != 0 or "error" in result:
        logs = "\n".join(
            f"--- {p.relative_to(code_server['user_data'])}\n{p.read_text(errors='replace')[-3000:]}"
            for p in sorted(code_server["user_data"].glob("logs/**/*bundle-ls*/*.log"))
        )
        pytest.fail(
            f"VS Code scenario {scenario} failed: {result.get('error')}\n"
            f"seen so far: {json.dumps(result)[:3000]}\n"
            f"screenshot: {artifacts}/vscode-{scenario}-FAILED.png\n{logs}"
        )
    return result


def extension_log(code_server) -> str:
    logs = sorted(code_server["user_data"].glob("logs/**/*bundle-ls*/*.log"))
    return "\n".join(p.read_text(errors="replace") for p in logs)


def test_problems_completion_definition(
    e2e_env, code_server, artifacts, workspace_with_extra_schema
):
    ws = workspace_with_extra_schema
    # The extra module-schema folder, relative to the workspace folder as users write it.
    (ws / ".vscode").mkdir()
    (ws / ".vscode" / "settings.json").write_text(
        json.dumps({"bundleLs.schemas": ["../module-schemas"]})
    )

    r = run_browser(e2e_env, code_server, "features", ws, artifacts)

    # Problems panel: the server's diagnostics for the YAML and the CSV file.
    problems = r["problems"]
    yaml_row = [p for p in problems if "Admision Location" in p]
    assert yaml_row, problems
    assert "did you mean 'Admission Location'" in yaml_row[0], yaml_row
    assert "bundle-ls" in yaml_row[0] and "unresolved-reference" in yaml_row[0], yaml_row
    assert "[Ln 4, Col 28]" in yaml_row[0], yaml_row
    csv_row = [p for p in problems if "Login Locaton" in p]
    assert csv_row, problems
    assert "unresolved-reference" in csv_row[0] and "[Ln 2, Col 15]" in csv_row[0], csv_row
    assert any(p.startswith("wards.yaml") for p in problems), problems
    assert any(p.startswith("locations.csv") for p in problems), problems
    # ... and for rounds.yaml, not opened, whose namespace comes from the extra schema folder.
    rounds_row = [p for p in problems if "Ward Z" in p]
    assert rounds_row and "no locations key 'Ward Z'" in rounds_row[0], problems
    assert not [p for p in problems if "unknown-namespace" in p], problems

    # Completion lists the keys defined in tags.yaml, in the YAML list and in the CSV column.
    for where in ("completionYaml", "completionCsv"):
        for key in TAG_KEYS:
            assert any(label.startswith(key) for label in r[where]), (where, r[where])

    # Choosing "Admission Location" in a new row's tags cell inserts the whole key.
    assert "Ward C,Ward C,Admission Location" in r["csvLinesAfterAccept"], r["csvLinesAfterAccept"]

    # Go to definition (F12) opened tags.yaml on line 2 (1-based), where the key is defined.
    assert r["definition"]["activeTab"] == "tags.yaml"
    assert re.match(r"Ln 2, Col \d+", r["definition"]["cursor"]), r["definition"]

    # The status bar item went from starting (and indexing, when the server reported
    # progress) to ready, and never showed an error.
    history = r["statusBarHistory"]
    assert history[0] == "bundle-ls: starting" and history[-1] == "bundle-ls", history
    assert all(re.fullmatch(r"bundle-ls(: starting|: indexing( \d+%)?)?", h) for h in history), (
        history
    )
    assert any("codicon-check" in c for c in r["statusBar"]["icons"]), r["statusBar"]

    # Restart Server ran (a second "starting"), and the output channel names the command.
    assert history.count("bundle-ls: starting") >= 2, history
    assert "--stdio" in r["outputChannel"] and "bundleLs.server.command" in r["outputChannel"], r[
        "outputChannel"
    ]

    assert "bundle-ls" in r["outputChannelSelected"], r["outputChannelSelected"]

    # No error notification (such as "Error in server: ...") during the whole session.
    errors = [n for n in r["notifications"] if "error" in n.lower()]
    assert not errors, errors

    # The extra schema folder reached the server as an absolute path in initializationOptions.
    log = extension_log(code_server)
    assert '"initializationOptions"' in log, log[-3000:]
    assert json.dumps(str(ws.parent / "module-schemas")) in log, log[-3000:]


def test_missing_python_is_explained(e2e_env, code_server, artifacts, tmp_path):
    ws = tmp_path / "broken"
    shutil.copytree(FIXTURE, ws)
    (ws / ".vscode").mkdir()
    (ws / ".vscode" / "settings.json").write_text(
        json.dumps(
            {"bundleLs.server.command": [], "bundleLs.server.pythonPath": "/nonexistent/python3"}
        )
    )

    r = run_browser(e2e_env, code_server, "missing-python", ws, artifacts, "was not found")

    note = r["notification"]
    assert "/nonexistent/python3" in note and "was not found" in note, note
    assert "bundleLs.server.pythonPath" in note, note
    assert {"Open Settings", "Show Output"} <= set(r["notificationButtons"]), r
    assert "bundle-ls: error" in r["statusBar"]["text"], r["statusBar"]


def test_server_that_fails_to_start_is_reported(e2e_env, code_server, artifacts, tmp_path):
    """A server that exits at once (here: a broken installation) turns the status bar red and
    says so, and its own error message is in the bundle-ls output channel."""
    ws = tmp_path / "crashing"
    shutil.copytree(FIXTURE, ws)
    (ws / ".vscode").mkdir()
    script = "echo 'bundle-ls: broken installation' >&2; exit 3"
    (ws / ".vscode" / "settings.json").write_text(
        json.dumps({"bundleLs.server.command": ["/bin/sh", "-c", script, "sh"]})
    )

    r = run_browser(e2e_env, code_server, "server-fails", ws, artifacts, "failed to start")

    # The extension quotes what the server said on stderr.
    assert (
        "bundle-ls: the server '/bin/sh' failed to start; it said: bundle-ls: broken installation"
        in r["notification"]
    ), r
    assert "Restart Server" in r["notification"], r["notification"]
    # That one message only: no generic ones from the client library, no restart loop.
    assert len(r["notifications"]) == 1, r["notifications"]
    assert "bundle-ls: error" in r["statusBar"]["text"], r["statusBar"]
    assert "bundle-ls: broken installation" in extension_log(code_server)


MORE_TAGS = """locationTags:
  - key: Login Location
    description: Where staff log in
"""


def test_effective_configuration(e2e_env, code_server, artifacts, workspace):
    """A key defined in two files: the code lens says so and opens the other place, the
    hover names the definition that wins, and "Show Effective Configuration" opens the
    report's view of the namespace in a webview."""
    (workspace / "more-tags.yaml").write_text(MORE_TAGS)

    r = run_browser(e2e_env, code_server, "effective", workspace, artifacts)

    assert "also in 1 file" in r["codeLenses"], r["codeLenses"]
    hover = r["hover"]
    assert "Effective value of locationTags Login Location" in hover, hover
    # more-tags.yaml comes first in path order: the merged configuration keeps its definition
    assert "set by more-tags.yaml:2" in hover and "first definition in path order" in hover, hover
    assert "description: Where staff log in" in hover, hover
    assert "tags.yaml:2 (here) — differs in description" in hover, hover
    assert {"more-tags.yaml:2", "tags.yaml:2"} <= set(r["hoverLinks"]), r["hoverLinks"]
    # the lens lists the other file's definition in the references view
    assert "more-tags.yaml" in r["lensPeekTitle"] and "(1)" in r["lensPeekTitle"], r
    assert r["lensPlaces"] == ["- key: Login Location"], r["lensPlaces"]
    assert "Effective configuration: locationTags" in r["webviewTab"], r["webviewTab"]
    assert r["webviewFilter"] == "locationTags"
    rows = r["webviewRows"]
    assert len(rows) == 2 and all(row.startswith("locationTags") for row in rows), rows
    login = next(row for row in rows if "Login Location" in row)
    assert "more-tags.yaml:2" in login and "1 other, 1 conflicting" in login, login
    errors = [n for n in r["notifications"] if "error" in n.lower()]
    assert not errors, errors


def test_an_initializer_folder_shows_its_problems_with_no_file_open(
    e2e_env, code_server, artifacts, tmp_path
):
    """The KenyaEMR experience: open the repository's folder (no bundle-ls.yaml, only an
    Initializer layout), open no file, and the Problems count says what is wrong."""
    ws = tmp_path / "kenya-like"
    files = {
        "configuration/privileges/privileges.csv": "Uuid,Privilege name\n"
        "4f4d5c1a-62d3-4c57-8a5e-6f0f4a8f2b11,Task: Register patients\n",
        "configuration/roles/roles.csv": "Uuid,Role name,Privileges\n"
        "8c0d0e67-0d2b-4f4a-9a43-2b7d2f1c6e22,Clerk,Task: Register patient\n",
        "configuration/locations/locations.csv": "Uuid,Name,Tags,Tag\n"
        "0a4e2a57-1f5c-4c4b-9e8d-5c2b7a9d3f33,Ward,,\n",
    }
    for rel, text in files.items():
        (ws / rel).parent.mkdir(parents=True, exist_ok=True)
        (ws / rel).write_text(text)

    r = run_browser(e2e_env, code_server, "workspace-problems", ws, artifacts)

    assert r["openEditors"] == 0, r
    # the roles row fails (an error); the unknown column holds no value yet (a warning)
    assert r["problemsStatus"]["text"].split()[:2] == ["1", "1"], r["problemsStatus"]
    rows = r["problems"]
    assert any(row.startswith("roles.csv") for row in rows), rows
    assert any("did you mean 'Task: Register patients'?" in row for row in rows), rows
    assert any("no column 'Tag'" in row for row in rows), rows
