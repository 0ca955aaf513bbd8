"""Editor features inside a permission-rule expression, as pure functions over the value
text (or its parse) and a `WorldIndex`. Offsets and spans are in the value; a `SourceMap`
turns them into document positions, and `source_map.value_edits` turns value edits into
document edits written for the scalar's style.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bundle_ls.dialects.permissions.expr import (
    FUNCS,
    Func,
    ParsedExpr,
    Span,
    TokenKind,
    atoms,
    is_bare_char,
    lark_parser,
    write_name,
)
from bundle_ls.dialects.permissions.names import fold
from bundle_ls.dialects.permissions.world import KIND_WORDS, LocationTag, Role, WorldIndex

ItemKind = Literal["keyword", "function", "role", "privilege", "tag", "location"]


@dataclass(frozen=True, slots=True)
class CompletionItem:
    label: str
    insert: str  # value text that replaces `span`
    span: Span
    kind: ItemKind
    detail: str = ""

    @property
    def filter_text(self) -> str:
        """What an editor should match the typed text in `span` against (`"Inpa` must
        match `"Inpatient Ward"`, not the label)."""
        return self.insert


_FUNC_DOC: dict[Func, str] = {
    "role": "holds when the user has the role, directly or through roles it includes",
    "privilege": "holds when one of the user's roles holds the privilege (rules do not count)",
    "tag": "holds when the session location carries the location tag",
    "location": "holds when the session location is this location or lies under it",
}
_KEYWORD_DOC = {
    "and": "both conditions hold",
    "or": "at least one of the conditions holds",
    "not": "the condition does not hold",
    "true": "always holds",
    "false": "never holds",
}
_NAME_TERMINALS = {"BARE", "DQ", "SQ"}
_OPEN_NAME = re.compile(r"(role|privilege|tag|location)\s*\(\s*$", re.IGNORECASE)


# ---- completion -----------------------------------------------------------------------------


def completion(index: WorldIndex, text: str, offset: int, quote: str = '"') -> list[CompletionItem]:
    """What may be written at `offset`: names after `role(` and friends, functions and
    `not`/`true`/`false` where a condition starts, `and`/`or` after one. `quote` is the
    quote to put around a name that needs one (see `source_map.preferred_quote`)."""
    offset = max(0, min(offset, len(text)))
    start, open_quote = _partial(text, offset)
    end = _token_end(text, offset, open_quote)
    span = (start, end)
    accepts, func = _accepts(text, start)
    items: list[CompletionItem] = []
    if accepts & _NAME_TERMINALS and func:
        for name, detail in _names(index, func):
            if open_quote:
                if open_quote in name:
                    continue
                insert = f"{open_quote}{name}{open_quote}"
            else:
                try:
                    insert = write_name(name, quote)
                except ValueError:
                    continue
            items.append(CompletionItem(name, insert, span, func, detail))
        return items
    if open_quote:
        return items
    if "FUNC" in accepts:
        for f in FUNCS:
            items.append(CompletionItem(f, f"{f}(", span, "function", _FUNC_DOC[f]))
        for k in ("not", "true", "false"):
            items.append(CompletionItem(k, k, span, "keyword", _KEYWORD_DOC[k]))
    if "AND" in accepts:
        for k in ("and", "or"):
            items.append(CompletionItem(k, k, span, "keyword", _KEYWORD_DOC[k]))
    return items


def _partial(text: str, offset: int) -> tuple[int, str]:
    """Where the word being typed at `offset` starts, and its opening quote if it is a
    quoted name not yet closed."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedInput

    ip = lark_parser().parse_interactive(text[:offset])
    try:
        for _tok in ip.iter_parse():
            pass
    except UnexpectedCharacters as exc:
        q = exc.pos_in_stream
        if text[q] in "\"'" and text.find(text[q], q + 1, offset) < 0:
            return q, text[q]
    except UnexpectedInput:
        pass
    start = offset
    while start > 0 and is_bare_char(text[start - 1]):
        start -= 1
    return start, ""


def _token_end(text: str, offset: int, quote: str) -> int:
    """The end of the word under the cursor (a completion replaces all of it)."""
    end = offset
    if quote:
        close = text.find(quote, offset)
        nl = text.find("\n", offset)
        if close >= 0 and (nl < 0 or close < nl):
            return close + 1
        return offset
    while end < len(text) and is_bare_char(text[end]):
        end += 1
    return end


def _accepts(text: str, start: int) -> tuple[set[str], Func | None]:
    """The terminals the grammar accepts at `start`, and the function whose name is open
    there; from the text before `start` (or by its last characters when that does not
    parse)."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedToken

    ip = lark_parser().parse_interactive(text[:start])
    seen = []
    try:
        for tok in ip.iter_parse():
            seen.append(tok)
    except (UnexpectedCharacters, UnexpectedToken):
        head = text[:start]
        m = _OPEN_NAME.search(head)
        if m:
            return set(_NAME_TERMINALS), m.group(1).lower()  # type: ignore[return-value]
        stripped = head.rstrip()
        if stripped.endswith(")") or re.search(r"(?i)\b(true|false)$", stripped):
            return {"AND", "OR"}, None
        return {"FUNC"}, None
    func = None
    if len(seen) >= 2 and seen[-1].type == "LPAR" and seen[-2].type == "FUNC":
        func = seen[-2].lower()
    return set(ip.accepts()), func


def names_of(index: WorldIndex, func: Func) -> list[tuple[str, str]]:
    """Every name of a kind, with a short description."""
    return _names(index, func)


def _names(index: WorldIndex, func: Func) -> list[tuple[str, str]]:
    out = []
    for defs in index.tables[func].entities:
        e = defs[0]
        out.append((e.name, _short(index, func, defs)))
    return out


def _short(index: WorldIndex, func: Func, defs: list) -> str:
    desc = next((d.description for d in defs if d.description), None)
    if func == "location":
        parent = next((d.parent for d in defs if d.parent), None)
        where = f"in {parent}" if parent else "location"
        return f"{where}: {desc}" if desc else where
    return desc or KIND_WORDS[func]


# ---- names in an expression -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NameRef:
    func: Func
    name: str
    entity: int | None  # None: resolves to nothing
    span: Span  # the name, without quotes
    token_span: Span  # with its quotes: what a rename replaces


def names(index: WorldIndex, parsed: ParsedExpr) -> list[NameRef]:
    """Every name in an expression, resolved; for definition, references and rename."""
    if parsed.expr is None:
        return []
    return [
        NameRef(a.func, a.name, index.resolve(a.func, a.name), a.name_span, a.name_token_span)
        for a in atoms(parsed.expr)
    ]


def name_at(index: WorldIndex, parsed: ParsedExpr, offset: int) -> NameRef | None:
    """The name under the cursor (a cursor just after the name counts)."""
    for ref in names(index, parsed):
        if ref.token_span[0] <= offset <= ref.token_span[1]:
            return ref
    return None


def references(index: WorldIndex, parsed: ParsedExpr, func: Func, entity: int) -> list[Span]:
    """The spans of every name in the expression that refers to `entity`."""
    return [r.span for r in names(index, parsed) if r.func == func and r.entity == entity]


def rename_edits(
    parsed: ParsedExpr, func: Func, old_name: str, new_name: str, quote: str = '"'
) -> list[tuple[Span, str]]:
    """Value edits renaming every `func(old_name)` (as Initializer compares names) to
    `new_name`, keeping each name's quotes where they still fit and quoting a name that
    now needs it. A name written by another identifier (a uuid) is left alone."""
    if parsed.expr is None:
        return []
    target = fold(old_name)
    out = []
    for a in atoms(parsed.expr):
        if a.func != func or fold(a.name) != target:
            continue
        prefer = a.quote or quote
        written = (
            f"{a.quote}{new_name}{a.quote}"
            if a.quote and a.quote not in new_name
            else write_name(new_name, prefer)
        )
        out.append((a.name_token_span, written))
    return out


# ---- hover ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HoverText:
    span: Span
    markdown: str


def hover(index: WorldIndex, parsed: ParsedExpr, offset: int) -> HoverText | None:
    """On a name: its definition; on a function or keyword: what it means."""
    ref = name_at(index, parsed, offset)
    if ref is not None:
        return HoverText(ref.token_span, describe(index, ref.func, ref.name))
    for tok in parsed.tokens:
        s, e = tok.span
        if s <= offset < e or offset == e and tok.kind != "paren":
            word = tok.text.lower()
            if tok.kind == "function":
                return HoverText(tok.span, f"**{word}(…)** {_FUNC_DOC[word]}")  # type: ignore[index]
            if word in _KEYWORD_DOC:
                return HoverText(tok.span, f"**{word}** {_KEYWORD_DOC[word]}")
    return None


def describe(index: WorldIndex, func: Func, name: str) -> str:
    """Markdown for a name: what it is, where it is defined, and what follows from it."""
    kind = KIND_WORDS[func]
    ident = index.resolve(func, name)
    if ident is None:
        hints = index.did_you_mean(func, name)
        tail = f"; did you mean {' or '.join(repr(h) for h in hints)}?" if hints else ""
        return f"no {kind} '{name}'{tail}"
    defs = index.definitions(func, ident)
    first = defs[0]
    lines = [f"**{kind}** {first.name}"]
    desc = next((d.description for d in defs if d.description), None)
    if desc:
        lines.append(desc)
    if func == "role":
        lines.extend(_role_lines(index, ident, defs))  # type: ignore[arg-type]
    elif func == "privilege":
        holders = [
            index.name("role", r)
            for r in range(len(index.tables["role"].entities))
            if index.privilege_id(first.name) in index._direct_privileges[r]
        ]
        lines.append("Held by roles: " + (", ".join(holders) if holders else "none described"))
    elif func == "tag":
        carriers = index.locations_with_tag.get(index.tag_id(first.name), [])
        shown = [index.name("location", c) for c in carriers]
        lines.append("Carried by: " + (", ".join(shown) if shown else "no described location"))
    elif func == "location":
        chain = sorted(
            index.location_ancestors[ident] - {ident},
            key=lambda a: len(index.location_ancestors[a]),
        )
        if chain:
            lines.append("Inside: " + " › ".join(index.name("location", a) for a in chain))
        tags = [
            next((t.name for t in _tags_named(index, tid)), tid)
            for tid in sorted(index.location_tags[ident])
        ]
        if tags:
            lines.append("Tags: " + ", ".join(tags))
    origins = [o for d in defs for o in d.origins]
    if origins:
        lines.append("Defined by: " + "; ".join(o.what for o in origins))
    return "\n\n".join(lines)


def _tags_named(index: WorldIndex, tag_id: str) -> list[LocationTag]:
    if tag_id.startswith("#"):
        return index.definitions("tag", int(tag_id[1:]))  # type: ignore[return-value]
    return []


def _role_lines(index: WorldIndex, ident: int, defs: list[Role]) -> list[str]:
    out = []
    direct = [p for d in defs for p in d.inherits]
    if direct:
        out.append("Includes roles: " + ", ".join(dict.fromkeys(direct)))
    closure = index.role_closure(ident) - {ident}
    through = sorted(
        {index.name("role", r) for r in closure} - {d for d in direct},
        key=str.lower,
    )
    if through:
        out.append("Through them also: " + ", ".join(through))
    own = list(dict.fromkeys(p for d in defs for p in d.privileges))
    out.append("Privileges: " + (", ".join(own) if own else "none of its own"))
    inherited = index.role_privileges(ident) - {index.privilege_id(p) for p in own}
    if inherited:
        shown = sorted((index.privilege_name(p) for p in inherited), key=str.lower)
        more = f" and {len(shown) - 10} more" if len(shown) > 10 else ""
        out.append("Through included roles: " + ", ".join(shown[:10]) + more)
    return out


# ---- semantic tokens ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SemanticToken:
    span: Span
    kind: TokenKind  # function, name, operator (and/or/not), literal (true/false), paren
    func: Func | None = None  # for a name: the function it is the argument of


def semantic_tokens(parsed: ParsedExpr) -> list[SemanticToken]:
    """Every token of the expression in order, a name marked with its function; after a
    syntax error, what the lexer alone can read."""
    out = []
    func: Func | None = None
    for t in parsed.tokens:
        if t.kind == "function":
            func = t.text.lower()  # type: ignore[assignment]
        out.append(SemanticToken(t.span, t.kind, func if t.kind == "name" else None))
        if t.kind not in ("function", "paren"):
            func = None if t.kind != "name" else func
    return out
