"""The pygls internals `bundle_ls.lsp.protocol` overrides are still there, with the shape
the overrides rely on, in the pygls version pyproject.toml pins."""

from __future__ import annotations

import inspect
import re
from importlib.metadata import version
from pathlib import Path

from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import JsonRPCProtocol

from bundle_ls.lsp.protocol import BundleProtocol

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_the_installed_pygls_is_the_pinned_minor_version() -> None:
    pin = re.search(r'"pygls>=([\d.]+),<([\d.]+)"', PYPROJECT.read_text()).groups()
    low, high = (tuple(int(x) for x in v.split(".")) for v in pin)
    installed = tuple(int(x) for x in version("pygls").split(".")[:3])
    assert low <= installed < high
    assert high[:2] == (low[0], low[1] + 1), "the pin spans one minor version"


def test_the_overridden_methods_exist_with_the_same_parameters() -> None:
    for name in ("lsp_initialize", "lsp_text_document__did_change"):
        base = getattr(LanguageServerProtocol, name)
        ours = getattr(BundleProtocol, name)
        assert list(inspect.signature(base).parameters) == list(inspect.signature(ours).parameters)
        assert inspect.isgeneratorfunction(base)  # `yield from super()` relies on it
    base = inspect.signature(JsonRPCProtocol.structure_message)
    assert list(base.parameters) == ["self", "data"]
    assert "error" in inspect.signature(JsonRPCProtocol._send_response).parameters


def test_the_did_change_override_reaches_the_registered_handler() -> None:
    """It yields the handler from `fm.features`, as pygls's own does."""
    source = inspect.getsource(LanguageServerProtocol.lsp_text_document__did_change)
    assert "fm.features.get" in source or "self.fm.features" in source
    assert "update_text_document" in source
