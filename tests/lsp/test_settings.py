"""Settings: extra schema folders from initializationOptions and from the `bundleLs`
configuration section; wrong values are reported and replaced by their defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from .conftest import BUNDLE_LS, messages, progress_ended, start, uri, wait_for

WARDS = """\
$schema: https://json-schema.org/draft/2020-12/schema
x-module: {module}
type: object
properties:
  {namespace}:
    type: array
    items:
      type: object
      required: [key]
      additionalProperties: false
      properties:
        key: {{type: string, x-key: true}}
        room: {{type: string, x-ref: stockRooms}}
"""


@pytest.fixture
def extra_schemas(clinic: Path) -> Path:
    """Two more schema folders beside the config, and files using their namespaces."""
    for folder, module, ns in (("from-options", "wards", "wards"), ("from-config", "beds", "beds")):
        d = clinic.parent / folder
        d.mkdir()
        (d / f"{module}.schema.yaml").write_text(WARDS.format(module=module, namespace=ns))
    (clinic / "wards.yaml").write_text("wards:\n  - key: W1\n    room: COLD_RM\n")
    (clinic / "beds.yaml").write_text("beds:\n  - key: B1\n    room: MAIN_STORE\n")
    return clinic


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BUNDLE_LS]))
async def configured(lsp_client: LanguageClient, extra_schemas: Path):
    lsp_client.set_configuration({"schemas": ["../from-config"]}, section="bundleLs")
    await start(
        lsp_client, extra_schemas, options={"schemas": ["../from-options"], "diagnosticsDelay": 0}
    )
    await wait_for(lambda: progress_ended(lsp_client), what="indexing")
    yield
    await lsp_client.shutdown_session()


async def test_schema_folders_from_options_and_configuration(
    configured: LanguageClient, extra_schemas: Path
):
    wards = extra_schemas / "wards.yaml"
    beds = extra_schemas / "beds.yaml"
    # both namespaces are known: a reference is checked in one, the other is clean
    await wait_for(lambda: messages(configured, wards), what="wards.yaml diagnostics")
    assert messages(configured, wards) == ["no stockRooms key 'COLD_RM'; did you mean 'COLD_ROOM'?"]
    assert messages(configured, beds) == []
    # the configuration changes: the beds schema folder is gone, so is its namespace
    configured.set_configuration({"schemas": []}, section="bundleLs")
    configured.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    await wait_for(
        lambda: any("namespace 'beds'" in m for m in messages(configured, beds)),
        what="beds to become unknown",
    )
    assert configured.messages == []


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BUNDLE_LS]))
async def misconfigured(lsp_client: LanguageClient, clinic: Path):
    lsp_client.set_configuration(
        {"schemas": "../nowhere", "diagnosticsDelay": "soon"}, section="bundleLs"
    )
    await start(lsp_client, clinic, options={"schemas": [3]})
    await wait_for(lambda: progress_ended(lsp_client), what="indexing")
    yield
    await lsp_client.shutdown_session()


async def test_wrong_settings_are_reported_and_defaults_used(
    misconfigured: LanguageClient, clinic: Path
):
    await wait_for(lambda: len(misconfigured.messages) >= 3, what="three messages")
    texts = [m.message for m in misconfigured.messages]
    assert (
        "bundle-ls: initializationOptions: 'schemas' must be a list of folder paths; using no extra schema folders"
        in texts
    )
    assert any("'diagnosticsDelay' must be a number of milliseconds" in t for t in texts)
    assert any("schema folder does not exist" in t and "nowhere" in t for t in texts)
    # the server still checks the directory with the folders that exist
    await wait_for(lambda: messages(misconfigured, clinic / "rooms.yaml"), what="diagnostics")
    assert messages(misconfigured, clinic / "rooms.yaml") == [
        "no stockRooms key 'MAIN_STOR'; did you mean 'MAIN_STORE'?"
    ]
    assert uri(clinic / "rooms.yaml") in misconfigured.diagnostics
