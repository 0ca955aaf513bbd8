"""Codes only the Initializer dialect reports (it shares the core's others)."""

from __future__ import annotations

from bundle_ls.documents.codes import Code

DIALECT = "initializer"

DUPLICATE_HEADER = Code(
    "duplicate-header",
    "error",
    DIALECT,
    "A header that repeats another after Initializer's normalisation (trimmed, lower case).",
    "locations/locations.csv:1:40: error: column 'Tag' repeats 'Tag'; Initializer compares "
    "headers trimmed and in lower case and its header index rejects a repeated name, so every "
    "column look-up fails and the rows of this file do not load [duplicate-header]",
    "Initializer's header index (`BaseLineProcessor.createIndexMap`) cannot hold a name twice: "
    "the whole file stops loading.",
)
DUPLICATE_UUID = Code(
    "duplicate-uuid",
    "warning",
    DIALECT,
    "One entity defined again with other values in one configuration; the row loaded last wins.",
    "encountertypes/b.csv:2:1: warning: encountertypes uuid '0ee1…' is also defined at "
    "encountertypes/a.csv:2 with Name ('Visit note' here, 'Visit' there); Initializer loads "
    "both and the row loaded last (this row) wins [duplicate-uuid]",
    "Said only when two active rows set different values (identical rows, retired rows, "
    "display names and `_` columns are harmless); an error when the loader cannot apply the "
    "second row (privileges and roles cannot be renamed). AMPATH forms are one per name and "
    "version, their translations one per form and language.",
)
EXTRA_CELLS = Code(
    "extra-cells",
    "warning",
    DIALECT,
    "A row with more cells than the header; Initializer ignores the cells beyond it.",
    "locations/wards.csv:9:48: warning: this cell is beyond the header's 6 columns; "
    "Initializer ignores it [extra-cells]",
)
SHORT_ROW = Code(
    "short-row",
    "error",
    DIALECT,
    "A row with fewer cells than a column Initializer reads: the row fails.",
    "locations/wards.csv:7:1: error: this row has 3 cells but the header has 6; Initializer "
    "reads 'Parent' past its end and the row fails (add the missing commas) [short-row]",
    "`CsvLine.get` reads `line[column]` without a length check; the "
    "ArrayIndexOutOfBoundsException is not one the loader catches, so the row is not loaded.",
)
UNKNOWN_DOMAIN = Code(
    "unknown-domain",
    "information",
    DIALECT,
    "A folder Initializer does not read (a warning with 'did you mean' for a near miss).",
    "configuration/locationtag/tags.csv:1:1: warning: Initializer has no domain "
    "'locationtag', so it never reads configuration/locationtag/; did you mean "
    "'locationtags'? [unknown-domain]",
)
UNKNOWN_HEADER = Code(
    "unknown-header",
    "information",
    DIALECT,
    "A header the domain's loader does not read (a near miss of a real column: an error when "
    "a row has a value under it, a warning while the column is empty).",
    "personattributetypes/pat.csv:1:30: error: Initializer's personattributetypes loader has no "
    "column 'Foreign' and silently ignores it (the values under it are never read); did you "
    "mean 'Foreign uuid'? [unknown-header]",
)
UNRESOLVED_PLACEHOLDER = Code(
    "unresolved-placeholder",
    "warning",
    DIALECT,
    "A `${…}` placeholder no constants file defines (a hint when a parent config may).",
    "locations/locations.csv:4:22: warning: no constant 'site.nmae' in constants.yml / "
    "constants.properties; the packager leaves '${site.nmae}' as it is [unresolved-placeholder]",
)

CODES = (
    DUPLICATE_HEADER,
    DUPLICATE_UUID,
    EXTRA_CELLS,
    SHORT_ROW,
    UNKNOWN_DOMAIN,
    UNKNOWN_HEADER,
    UNRESOLVED_PLACEHOLDER,
)
