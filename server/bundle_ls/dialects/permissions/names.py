"""How permission rules compare names: as Initializer compares them, because that is how
the names reach the database (a MySQL `*_general_ci` collation: no case, no accents,
surrounding spaces aside). The same function as the Initializer dialect's `fold`, which
this dialect may not import (dialects are independent); a test pins that they agree."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    text = text.strip().lower()
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
