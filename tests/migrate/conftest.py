"""Helpers for the migrate tests: hand-made DBUnit datasets and Metadata Sharing packages,
and the UgandaEMR metadata folder of the corpus (read in place, like the other corpus tests).
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

CORPUS_ENV = "BUNDLE_LS_CORPUS"
UGANDAEMR = "ugandaemr-metadata"


def dataset(folder: Path, name: str, body: str) -> Path:
    """A flat XML dataset `name` in `folder` with the given rows."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<dataset>\n{body}\n</dataset>\n', encoding="utf-8"
    )
    return path


def mds_package(folder: Path, name: str, metadata: str) -> Path:
    """A Metadata Sharing package `name` whose metadata.xml lists the given objects."""
    path = folder / name
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "header.xml",
            '<package id="1" uuid="00000000-0000-0000-0000-000000000001"><name>test</name></package>',
        )
        z.writestr(
            "metadata.xml",
            f'<?xml version="1.0" encoding="UTF-8"?>\n<list id="1">\n{metadata}\n</list>\n',
        )
    return path


@pytest.fixture(scope="session")
def ugandaemr_metadata() -> Path:
    value = os.environ.get(CORPUS_ENV)
    if not value:
        pytest.skip(f"{CORPUS_ENV} is not set; the real-configuration corpus tests need it")
    folder = Path(value) / UGANDAEMR
    if not folder.is_dir():
        pytest.fail(f"{CORPUS_ENV}={value} lacks {UGANDAEMR}")
    return folder
