"""One reporter per output format of `--check`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from bundle_ls.batch.reporters import github, json_report, sarif, text
from bundle_ls.batch.reporters.base import Report

REPORTERS: dict[str, Callable[[Report, TextIO], None]] = {
    "text": text.write,
    "json": json_report.write,
    "sarif": sarif.write,
    "github": github.write,
}

__all__ = ["REPORTERS", "Report"]
