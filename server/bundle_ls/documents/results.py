"""Results of the editor features, in the core's terms (paths relative to the root,
0-based UTF-16 ranges). The language server turns them into LSP types."""

from __future__ import annotations

from dataclasses import dataclass, field

from bundle_ls.documents.model import Diagnostic, Range

# Completion item kinds (a subset; the server maps them onto LSP's).
PROPERTY = "property"
NAMESPACE = "module"
VALUE = "value"
ENUM = "enum"
KEY = "reference"
FILE = "file"
COLUMN = "field"

# Symbol kinds.
SYM_NAMESPACE = "namespace"
SYM_KEY = "key"
SYM_OBJECT = "object"
SYM_PROPERTY = "property"


@dataclass(slots=True)
class TextEdit:
    path: str
    range: Range
    new_text: str


@dataclass(slots=True)
class Completion:
    label: str
    kind: str
    range: Range  # what the item replaces (the word at the cursor)
    new_text: str
    detail: str | None = None
    documentation: str | None = None  # markdown
    sort_text: str | None = None
    # What the editor matches the typed text against, when not the label (a quoted name:
    # `"Inpa` must match `"Inpatient Ward"`).
    filter_text: str | None = None


class Completions(list):
    """Completion items; `incomplete` when more would match than were sent."""

    incomplete = False


# Semantic token types (one legend for the server; see lsp/semantic_tokens.py).
TOKEN_FUNCTION = "function"
TOKEN_VARIABLE = "variable"  # a name an expression refers to
TOKEN_KEYWORD = "keyword"  # and, or, not, true, false
TOKEN_OPERATOR = "operator"  # punctuation: parentheses
TOKEN_TYPES = (TOKEN_FUNCTION, TOKEN_VARIABLE, TOKEN_KEYWORD, TOKEN_OPERATOR)


@dataclass(slots=True)
class SemanticToken:
    """One coloured span, on one line."""

    range: Range
    type: str  # one of TOKEN_TYPES


@dataclass(slots=True)
class Location:
    path: str
    range: Range


@dataclass(slots=True)
class HoverResult:
    markdown: str
    range: Range | None = None


@dataclass(slots=True)
class Symbol:
    name: str
    kind: str
    range: Range
    selection_range: Range
    detail: str | None = None
    children: list[Symbol] = field(default_factory=list)


@dataclass(slots=True)
class WorkspaceSymbol:
    name: str
    kind: str
    location: Location
    container: str | None = None


@dataclass(slots=True)
class CodeAction:
    title: str
    edits: list[TextEdit]
    diagnostic: Diagnostic | None = None
    preferred: bool = False


class FeatureError(Exception):
    """A request that cannot be carried out as asked (e.g. a rename to an unusable name);
    the message is for the user."""
