"""One reporter per output format of `--check`."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import TextIO

from bundle_ls.batch.reporters.base import Report

Writer = Callable[[Report, TextIO], None]


class _Reporters(Mapping[str, Writer]):
    """Format name → its module's `write`, imported only when that format is used (SARIF's
    object model alone takes longer to import than checking a small directory)."""

    _modules = {"text": "text", "json": "json_report", "sarif": "sarif", "github": "github"}

    def __getitem__(self, name: str) -> Writer:
        module = importlib.import_module(f"{__name__}.{self._modules[name]}")
        return module.write

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


REPORTERS: Mapping[str, Writer] = _Reporters()

__all__ = ["REPORTERS", "Report"]
