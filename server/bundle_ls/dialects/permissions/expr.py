"""Permission-rule expressions: the grammar (lark, LALR), the syntax tree with spans, and
readable syntax errors.

Every span is a (start, end) pair of offsets into the expression's *value* (the string a
YAML scalar or CSV cell holds); `source_map` turns them into document positions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # lark loads when a text does not parse, or for the editor: not at start
    from lark import Lark, Token, Tree
    from lark.exceptions import UnexpectedInput

Span = tuple[int, int]
Func = Literal["role", "privilege", "tag", "location"]
FUNCS: tuple[Func, ...] = ("role", "privilege", "tag", "location")
KEYWORDS = ("and", "or", "not", "true", "false")

# A word boundary for keywords: a keyword is not followed by a character a bare name may
# hold, so `roles(...)` is an unknown function, not `role` + `s`, and `android` is no `and`.
_B = r"(?![\w.:\/-])"
GRAMMAR = rf"""
start: disj
?disj: conj (OR conj)*
?conj: unary (AND unary)*
?unary: NOT unary -> negation
      | primary
?primary: LPAR disj RPAR -> group
        | TRUE -> const
        | FALSE -> const
        | atom
atom: FUNC LPAR name RPAR
name: BARE | DQ | SQ
FUNC: /(role|privilege|tag|location){_B}/i
AND: /and{_B}/i
OR: /or{_B}/i
NOT: /not{_B}/i
TRUE: /true{_B}/i
FALSE: /false{_B}/i
LPAR: "("
RPAR: ")"
BARE: /[\w.:\/-]+/
DQ: /"[^"\n]*"/
SQ: /'[^'\n]*'/
WS: /\s+/
%ignore WS
"""
# The lexer alone, for colouring what follows a syntax error: keywords win over names there.
_LEX_GRAMMAR = GRAMMAR.replace("FUNC:", "FUNC.2:").replace("AND:", "AND.2:")
_LEX_GRAMMAR = (
    _LEX_GRAMMAR.replace("OR:", "OR.2:").replace("NOT:", "NOT.2:").replace("TRUE:", "TRUE.2:")
)
_LEX_GRAMMAR = _LEX_GRAMMAR.replace("FALSE:", "FALSE.2:")


@lru_cache(maxsize=1)
def lark_parser() -> Lark:
    # The contextual lexer only tries the terminals the parser can accept next, so a name
    # such as `and` or `true` inside `role(...)` is a name, and the grammar stays LALR(1).
    from lark import Lark

    return Lark(GRAMMAR, parser="lalr", lexer="contextual", keep_all_tokens=True)


@lru_cache(maxsize=1)
def _lexer() -> Lark:
    from lark import Lark

    return Lark(_LEX_GRAMMAR, parser="lalr", lexer="basic")


# ---- syntax tree ------------------------------------------------------------------------
# Nodes compare and hash by identity (eq=False): they key the solver's memos, and parses are
# shared by text, so identity is both right and far cheaper than hashing a tree.


@dataclass(frozen=True, slots=True, eq=False)
class Atom:
    func: Func
    name: str  # as written, without quotes
    span: Span  # `role(Nurse)` whole
    func_span: Span
    name_span: Span  # the name without its quotes
    quote: str  # '"', "'" or "" (bare)

    @property
    def name_token_span(self) -> Span:
        """The name with its quotes: what a rename replaces."""
        q = 1 if self.quote else 0
        return (self.name_span[0] - q, self.name_span[1] + q)


@dataclass(frozen=True, slots=True, eq=False)
class Const:
    value: bool
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Not:
    operand: Expr
    span: Span
    keyword_span: Span


@dataclass(frozen=True, slots=True, eq=False)
class And:
    operands: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Or:
    operands: tuple[Expr, ...]
    span: Span


Expr = Atom | Const | Not | And | Or

TokenKind = Literal["function", "name", "operator", "literal", "paren"]


@dataclass(frozen=True, slots=True)
class ExprToken:
    kind: TokenKind
    span: Span
    text: str


@dataclass(frozen=True, slots=True)
class ExprSyntaxError:
    span: Span
    message: str
    code: str = "rule-syntax"  # or "limit": nested deeper than MAX_DEPTH


@dataclass(frozen=True, slots=True)
class ParsedExpr:
    text: str
    expr: Expr | None  # None when the text does not parse
    error: ExprSyntaxError | None
    tokens: tuple[ExprToken, ...]  # every token read, in order (up to the error, if any)

    @property
    def ok(self) -> bool:
        return self.expr is not None


_KIND: dict[str, TokenKind] = {
    "FUNC": "function",
    "AND": "operator",
    "OR": "operator",
    "NOT": "operator",
    "TRUE": "literal",
    "FALSE": "literal",
    "LPAR": "paren",
    "RPAR": "paren",
    "BARE": "name",
    "DQ": "name",
    "SQ": "name",
}


def _tok(t: Token) -> ExprToken:
    return ExprToken(_KIND[t.type], (t.start_pos, t.end_pos), str(t))


# ---- parsing ----------------------------------------------------------------------------


@lru_cache(maxsize=16384)
def parse(text: str) -> ParsedExpr:
    """The syntax tree of a `when` expression, or the first syntax error with its span.
    (Results are immutable, so they are shared by text.)"""
    depth = _nesting(text)
    read = _read_fast(text) if depth <= MAX_DEPTH else None
    if read is None:  # a syntax error or deep nesting: lark says which, and where
        from lark.exceptions import UnexpectedInput

        try:
            tree = lark_parser().parse(text)
        except UnexpectedInput:
            return _diagnose(text)
        if depth > MAX_DEPTH:
            return ParsedExpr(
                text,
                None,
                ExprSyntaxError(
                    (0, len(text)),
                    f"nesting deeper than {MAX_DEPTH} levels of parentheses or 'not' is not "
                    "checked",
                    "limit",
                ),
                (),
            )
        tokens: list[ExprToken] = []
        expr = _build(tree.children[0], tokens)
        tokens.sort(key=lambda t: t.span)
        read = expr, tokens
    expr, tokens = read
    empty = next((a for a in atoms(expr) if not a.name.strip()), None)
    if empty is not None:
        q = empty.name_token_span
        return ParsedExpr(
            text,
            None,
            ExprSyntaxError(q, f"expected a name inside the quotes of '{empty.func}(…)'"),
            tuple(tokens),
        )
    return ParsedExpr(text, expr, None, tuple(tokens))


MAX_DEPTH = 100  # the tree and the checks recurse: deeper nesting is refused, not crashed on


def _nesting(text: str) -> int:
    """How deep parentheses and `not`s nest (an upper bound: quoted names aside)."""
    deepest = depth = 0
    nots = 0
    for word in re.finditer(r"\(|\)|(?i:not)(?![\w.:/-])|[\"'][^\"']*[\"']", text):
        w = word.group()
        if w == "(":
            depth += 1
        elif w == ")":
            depth -= 1
        elif w[0] not in "\"'":
            nots += 1
            continue
        deepest = max(deepest, depth)
    return max(deepest, depth) + nots


def _build(node: Tree | Token, tokens: list[ExprToken]) -> Expr:
    if isinstance(node, str):  # pragma: no cover - a Token (a str): the grammar wraps each
        raise TypeError(node)
    data = node.data
    kids = node.children
    if data == "atom":
        func, lpar, name, rpar = kids
        tok = name.children[0]
        for t in (func, lpar, tok, rpar):
            tokens.append(_tok(t))
        raw = str(tok)
        quote = raw[0] if tok.type in ("DQ", "SQ") else ""
        inner = raw[1:-1] if quote else raw
        start = tok.start_pos + (1 if quote else 0)
        return Atom(
            str(func).lower(),  # type: ignore[arg-type]
            inner,
            (func.start_pos, rpar.end_pos),
            (func.start_pos, func.end_pos),
            (start, start + len(inner)),
            quote,
        )
    if data == "const":
        t = kids[0]
        tokens.append(_tok(t))
        return Const(t.type == "TRUE", (t.start_pos, t.end_pos))
    if data == "negation":
        kw, operand = kids
        tokens.append(_tok(kw))
        inner = _build(operand, tokens)
        return Not(inner, (kw.start_pos, inner.span[1]), (kw.start_pos, kw.end_pos))
    if data == "group":
        lpar, inner_node, rpar = kids
        tokens.append(_tok(lpar))
        tokens.append(_tok(rpar))
        inner = _build(inner_node, tokens)
        # The parentheses belong to the span of what they group, so a finding on a group
        # underlines the group as written.
        return _respan(inner, (lpar.start_pos, rpar.end_pos))
    if data in ("conj", "disj"):
        operands = []
        for k in kids:
            if isinstance(k, str):  # a Token
                tokens.append(_tok(k))
            else:
                operands.append(_build(k, tokens))
        span = (operands[0].span[0], operands[-1].span[1])
        # `a and (b and c)` is one conjunction of three: flatten, for simpler findings.
        cls = And if data == "conj" else Or
        flat: list[Expr] = []
        for o in operands:
            flat.extend(o.operands if isinstance(o, cls) else (o,))
        return cls(tuple(flat), span)
    raise ValueError(f"unexpected node {data}")  # pragma: no cover


def _respan(e: Expr, span: Span) -> Expr:
    if isinstance(e, Atom):
        return e  # an atom keeps its own span: names and functions are found by it
    if isinstance(e, Const):
        return Const(e.value, span)
    if isinstance(e, Not):
        return Not(e.operand, span, e.keyword_span)
    if isinstance(e, And):
        return And(e.operands, span)
    return Or(e.operands, span)


# ---- the fast reader ----------------------------------------------------------------------
# The grammar above read by hand, for texts that parse: in a fifth of the time lark's
# contextual lexer and LALR loop take, which a file of thousands of rules feels. Anything it
# does not accept goes to lark, which gives the tree or the error; a property test holds
# the two to the same trees and tokens.

_LEXEME = re.compile(r"""\s+|(\()|(\))|("[^"\n]*"|'[^'\n]*')|([\w.:/-]+)""")
# Keywords matched as lark matches them (its `/…/i`: Unicode case folding, so `falſe` too)
_KEYWORD = re.compile("(" + "|".join(FUNCS) + ")|" + "|".join(f"({k})" for k in KEYWORDS), re.I)
_KEYWORD_KIND = (None, "FUNC", *(k.upper() for k in KEYWORDS))
_LEXEME_KIND = (None, "LPAR", "RPAR", "QUOTED", "WORD")

# (kind, start, end, text); kind is LPAR, RPAR, QUOTED, BARE or a keyword's (FUNC, AND …)
_Lexeme = tuple[str, int, int, str]


class _Refused(Exception):
    """The fast reader does not accept the text (lark will say why)."""


def _read_fast(text: str) -> tuple[Expr, list[ExprToken]] | None:
    lexemes: list[_Lexeme] = []
    pos, end = 0, len(text)
    while pos < end:
        m = _LEXEME.match(text, pos)
        if m is None:
            return None
        group = m.lastindex
        if group is not None:
            word = m.group(group)
            kind = _LEXEME_KIND[group]
            if kind == "WORD":
                keyword = _KEYWORD.fullmatch(word)
                kind = _KEYWORD_KIND[keyword.lastindex] if keyword else "BARE"  # type: ignore[index]
            lexemes.append((kind, pos, m.end(), word))
        pos = m.end()
    reader = _FastReader(lexemes)
    try:
        expr = reader.disjunction()
    except (_Refused, RecursionError):  # deep nesting from a deep stack: lark's tree is flatter
        return None
    if reader.at != len(lexemes):
        return None
    return expr, reader.tokens


class _FastReader:
    __slots__ = ("lexemes", "at", "tokens")

    def __init__(self, lexemes: list[_Lexeme]) -> None:
        self.lexemes = lexemes
        self.at = 0
        self.tokens: list[ExprToken] = []

    def _peek(self) -> str:
        return self.lexemes[self.at][0] if self.at < len(self.lexemes) else ""

    def _take(self, token_kind: TokenKind) -> _Lexeme:
        lexeme = self.lexemes[self.at]
        self.at += 1
        self.tokens.append(ExprToken(token_kind, (lexeme[1], lexeme[2]), lexeme[3]))
        return lexeme

    def disjunction(self) -> Expr:
        return self._joined("OR", Or, self._conjunction)

    def _conjunction(self) -> Expr:
        return self._joined("AND", And, self._unary)

    def _joined(self, op: str, cls: type[And] | type[Or], operand: Callable[[], Expr]) -> Expr:
        first = operand()
        if self._peek() != op:
            return first
        operands = [first]
        while self._peek() == op:
            self._take("operator")
            operands.append(operand())
        flat: list[Expr] = []  # flattened as _build does
        for o in operands:
            flat.extend(o.operands if isinstance(o, cls) else (o,))
        return cls(tuple(flat), (first.span[0], operands[-1].span[1]))

    def _unary(self) -> Expr:
        if self._peek() != "NOT":
            return self._primary()
        kw = self._take("operator")
        inner = self._unary()
        return Not(inner, (kw[1], inner.span[1]), (kw[1], kw[2]))

    def _primary(self) -> Expr:
        kind = self._peek()
        if kind == "LPAR":
            lpar = self._take("paren")
            inner = self.disjunction()
            if self._peek() != "RPAR":
                raise _Refused
            rpar = self._take("paren")
            return _respan(inner, (lpar[1], rpar[2]))
        if kind in ("TRUE", "FALSE"):
            t = self._take("literal")
            return Const(kind == "TRUE", (t[1], t[2]))
        if kind != "FUNC":
            raise _Refused
        func = self._take("function")
        if self._peek() != "LPAR":
            raise _Refused
        self._take("paren")
        if self._peek() in ("", "LPAR", "RPAR"):  # any word or quoted text is a name here
            raise _Refused
        name = self._take("name")
        if self._peek() != "RPAR":
            raise _Refused
        rpar = self._take("paren")
        raw = name[3]
        quote = raw[0] if name[0] == "QUOTED" else ""
        inner = raw[1:-1] if quote else raw
        start = name[1] + (1 if quote else 0)
        return Atom(
            func[3].lower(),  # type: ignore[arg-type]
            inner,
            (func[1], rpar[2]),
            (func[1], func[2]),
            (start, start + len(inner)),
            quote,
        )


def atoms(e: Expr) -> list[Atom]:
    """The atoms of an expression, in text order."""
    out: list[Atom] = []
    stack = [e]
    while stack:
        n = stack.pop()
        if isinstance(n, Atom):
            out.append(n)
        elif isinstance(n, Not):
            stack.append(n.operand)
        elif isinstance(n, (And, Or)):
            stack.extend(reversed(n.operands))
    out.sort(key=lambda a: a.span)
    return out


# ---- readable syntax errors -------------------------------------------------------------

_CONDITION = "a condition: role(…), privilege(…), tag(…), location(…), true, false, not or '('"
_BARE_CHARS = frozenset("_.:/-")
_WRITE_INSTEAD = {"&&": "and", "&": "and", "||": "or", "|": "or", "!": "not"}


def is_bare_char(ch: str) -> bool:
    return ch.isalnum() or ch in _BARE_CHARS


def _word_at(text: str, pos: int) -> Span:
    end = pos
    while end < len(text) and is_bare_char(text[end]):
        end += 1
    return (pos, max(end, pos + 1) if pos < len(text) else pos)


def _diagnose(text: str) -> ParsedExpr:
    """Re-read the text token by token to say what was expected after what."""
    from lark.exceptions import UnexpectedInput, UnexpectedToken

    ip = lark_parser().parse_interactive(text)
    seen: list[Token] = []
    error: UnexpectedInput | None = None
    try:
        for tok in ip.iter_parse():
            seen.append(tok)
        ip.feed_eof()
    except UnexpectedInput as exc:
        error = exc
    if error is None:  # pragma: no cover - parse() failed, so this does too
        raise AssertionError("the expression parsed on the second reading")
    bad: Token | None = None
    if isinstance(error, UnexpectedToken):
        if seen and error.token is seen[-1]:
            bad = seen.pop()
        elif error.token.type != "$END":
            bad = error.token
    tokens = tuple(_tok(t) for t in seen)
    opens: list[Token] = []
    for t in seen:
        if t.type == "LPAR":
            opens.append(t)
        elif t.type == "RPAR" and opens:
            opens.pop()
    last = seen[-1] if seen else None
    span, message = _message(text, error, bad, last, opens, seen)
    resume = seen[-1].end_pos if seen else 0
    return ParsedExpr(text, None, ExprSyntaxError(span, message), tokens + _lex_rest(text, resume))


def _message(
    text: str,
    error: UnexpectedInput,
    bad: Token | None,
    last: Token | None,
    opens: list[Token],
    seen: list[Token],
) -> tuple[Span, str]:
    from lark.exceptions import UnexpectedCharacters

    func = _enclosing_func(seen)
    after_func_paren = last is not None and last.type == "LPAR" and _func_before(seen)
    if isinstance(error, UnexpectedCharacters):
        pos = error.pos_in_stream
        ch = text[pos]
        if ch in "\"'":
            return (pos, len(text)), f"unclosed quote {ch}: the name has no closing {ch}"
        op = text[pos : pos + 2] if text[pos : pos + 2] in _WRITE_INSTEAD else ch
        if op in _WRITE_INSTEAD:
            return (pos, pos + len(op)), f"unexpected '{op}': write '{_WRITE_INSTEAD[op]}'"
        span = _word_at(text, pos) if is_bare_char(ch) else (pos, pos + 1)
        got = text[span[0] : span[1]]
    elif bad is None:  # the end of the text
        if last is None:
            return (0, len(text)), f"expected {_CONDITION}"
        if after_func_paren:
            return (last.start_pos, last.end_pos), f"expected a name after '{func}('"
        if last.type in ("AND", "OR", "NOT"):
            return (last.start_pos, last.end_pos), f"expected a condition after '{last.lower()}'"
        if last.type == "FUNC":
            return (last.start_pos, last.end_pos), f"expected '(' after '{func}'"
        o = opens[-1] if opens else last
        return (o.start_pos, o.end_pos), "unclosed '('"
    else:
        span = (bad.start_pos, bad.end_pos)
        got = str(bad)
    if last is None:
        if got.lower() in ("and", "or"):
            return span, f"'{got}' needs a condition before it"
        return span, _unknown_word(text, span, got)
    if after_func_paren:
        return span, f"expected a name after '{func}(', found '{got}'"
    if last.type == "FUNC":
        return span, f"expected '(' after '{func}', found '{got}'"
    if last.type in ("BARE", "DQ", "SQ"):
        return _needs_quotes(text, last, span, func, got)
    if got == ")" and not opens:
        return span, "unmatched ')'"
    if last.type in ("AND", "OR", "NOT", "LPAR"):
        if got == ")" and last.type == "LPAR":
            return span, "empty parentheses: expected a condition inside '()'"
        if last.type == "LPAR":
            return span, _unknown_word(text, span, got)
        return span, f"expected a condition after '{last.lower()}', found '{got}'"
    # after a complete condition: `)`, `true` or `false`
    more = "'and', 'or' or ')'" if opens else "'and' or 'or'"
    return span, f"expected {more} before '{got}'"


def _unknown_word(text: str, span: Span, got: str) -> str:
    if text[span[1] :].lstrip().startswith("(") and is_bare_char(got[0]):
        return f"unknown function '{got}': use role, privilege, tag or location"
    return f"unexpected '{got}'; expected {_CONDITION}"


def _func_before(seen: list[Token]) -> bool:
    return len(seen) >= 2 and seen[-2].type == "FUNC"


def _needs_quotes(text: str, name: Token, span: Span, func: str, got: str) -> tuple[Span, str]:
    close = text.find(")", name.start_pos)
    words = text[name.start_pos : close].strip() if close > 0 else ""
    if words and "(" not in words and str(name)[0] not in "\"'":
        return (name.start_pos, name.start_pos + len(words)), (
            f'a name with spaces needs quotes: {func}("{words}")'
        )
    return span, f"expected ')' to close '{func}(' before '{got}'"


def _enclosing_func(seen: list[Token]) -> str:
    """The function whose parenthesis is open at the end of `seen`, if any."""
    for i in range(len(seen) - 1, -1, -1):
        t = seen[i]
        if t.type == "RPAR":
            return ""
        if t.type == "FUNC" and i + 1 < len(seen) and seen[i + 1].type == "LPAR":
            return t.lower()
        if t.type == "FUNC":
            return t.lower()
        if t.type not in ("LPAR", "BARE", "DQ", "SQ"):
            return ""
    return ""


def _lex_rest(text: str, pos: int) -> tuple[ExprToken, ...]:
    """Tokens from `pos` on, after a syntax error, for colouring: the lexer alone, skipping
    what it cannot read."""
    from lark.exceptions import UnexpectedCharacters

    out: list[ExprToken] = []
    lexer = _lexer()
    while pos < len(text):
        try:
            for t in lexer.lex(text[pos:]):
                out.append(ExprToken(_KIND[t.type], (pos + t.start_pos, pos + t.end_pos), str(t)))
            break
        except UnexpectedCharacters as exc:
            pos += exc.pos_in_stream + 1
    return tuple(out)


# ---- names in expressions ---------------------------------------------------------------


def needs_quotes(name: str) -> bool:
    """Whether a name must be quoted inside `role(…)` and friends."""
    return not name or not all(is_bare_char(c) for c in name)


def write_name(name: str, prefer: str = '"') -> str:
    """A name as it is written inside `role(…)`: bare when it can be, else quoted with
    `prefer`, or with the other quote when the name holds `prefer` (there are no escapes)."""
    if not needs_quotes(name):
        return name
    other = "'" if prefer == '"' else '"'
    if prefer not in name:
        return f"{prefer}{name}{prefer}"
    if other not in name:
        return f"{other}{name}{other}"
    raise ValueError(f"the name {name!r} holds both quotes and cannot be written in a rule")
