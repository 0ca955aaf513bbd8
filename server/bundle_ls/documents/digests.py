"""What a keyed object holds, kept small: a checksum per field instead of a copy.

The project index compares the definitions of one key (the same content is a
`duplicate-key`, other content a `conflict` that names the fields that differ), and
nothing else reads a keyed object's content. A `ContentDigest` answers both questions for
about a tenth of the memory of the object itself: the field names, one tuple shared by
every object with the same fields, and a CRC-32 of each field's value. CRC-32 is stable
across processes and runs (facts cross process boundaries and live in the on-disk cache).
"""

from __future__ import annotations

from struct import pack
from typing import Any
from zlib import crc32

_FIELDS: dict[tuple[str, ...], tuple[str, ...]] = {}  # one shared tuple per field set


def _shared(fields: tuple[str, ...]) -> tuple[str, ...]:
    got = _FIELDS.get(fields)
    if got is None:
        if len(_FIELDS) > 10_000:  # many shapes: sharing no longer pays
            return fields
        got = _FIELDS[fields] = fields
    return got


class ContentDigest:
    """The field names and a checksum of each field's value, of a mapping; of anything
    else (a scalar, a list), one checksum under the empty field name."""

    __slots__ = ("fields", "sums")

    def __init__(self, fields: tuple[str, ...], sums: bytes) -> None:
        self.fields = _shared(fields)
        self.sums = sums

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ContentDigest):
            return NotImplemented
        return self.fields == other.fields and self.sums == other.sums

    def __hash__(self) -> int:
        return hash((self.fields, self.sums))

    def __reduce__(self):
        # the constructor again on loading, so loaded digests share their field tuples too
        return (ContentDigest, (self.fields, self.sums))

    def __repr__(self) -> str:
        return f"ContentDigest({self.fields!r}, {self.sums.hex()})"

    def by_field(self) -> dict[str, bytes]:
        s = self.sums
        return {f: s[4 * i : 4 * i + 4] for i, f in enumerate(self.fields)}


def _canonical(v: Any) -> str:
    """A text that is the same for equal values: mappings with their keys sorted."""
    if isinstance(v, dict):
        return "{" + ",".join(f"{k!r}:{_canonical(x)}" for k, x in sorted(v.items())) + "}"
    if isinstance(v, list):
        return "[" + ",".join(_canonical(x) for x in v) + "]"
    return repr(v)


def _text(v: Any) -> str:
    text = repr(v)
    # a mapping inside: its keys sorted (repr follows insertion order)
    if "{" in text and isinstance(v, (dict, list)):
        return _canonical(v)
    return text


def digest(value: Any) -> ContentDigest:
    """The digest of a keyed object's content (a mapping, as from `to_python`)."""
    if isinstance(value, dict):
        fields = tuple(sorted(value))
        sums = [crc32(_text(value[f]).encode("utf-8", "surrogatepass")) for f in fields]
    else:
        fields = ("",)
        sums = [crc32(_text(value).encode("utf-8", "surrogatepass"))]
    return ContentDigest(fields, pack(f"<{len(sums)}I", *sums))


def differing_fields(a: object, b: object) -> list[str]:
    """The fields whose values differ between two mappings' contents (digests: in
    alphabetical order; plain mappings: in order of appearance); empty when either is
    something else."""
    if isinstance(a, ContentDigest) and isinstance(b, ContentDigest):
        if a.fields == ("",) or b.fields == ("",):
            return []
        da, db = a.by_field(), b.by_field()
        return [k for k in sorted({*a.fields, *b.fields}) if da.get(k) != db.get(k)]
    if isinstance(a, dict) and isinstance(b, dict):
        return [k for k in dict.fromkeys([*a, *b]) if a.get(k) != b.get(k)]
    return []
