"""Bytes of a file → its text, or the finding that says why there is none."""

from __future__ import annotations

from bundle_ls.documents.codes import ENCODING, LIMIT
from bundle_ls.documents.model import Diagnostic

MAX_FILE_BYTES = 16 * 1024 * 1024


def decode(path: str, data: bytes) -> tuple[str | None, Diagnostic | None]:
    """UTF-8 text (a BOM is dropped, as editors do), or an `encoding` / `limit` finding."""
    if len(data) > MAX_FILE_BYTES:
        return None, LIMIT(
            path,
            (0, 0, 0, 0),
            f"file is {len(data) // (1024 * 1024)} MB; files over "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB are not checked",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        good = data[: exc.start].decode("utf-8-sig", errors="replace")
        lines = good.split("\n")
        line = len(lines) - 1
        col = len(lines[-1].encode("utf-16-le")) // 2
        return None, ENCODING(
            path,
            (line, col, line, col + 1),
            f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8",
        )
    return text, None
