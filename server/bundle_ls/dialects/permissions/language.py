"""The embedded language `permission-rule`: one condition, as a host dialect found it, into
facts; and the editor's questions about a condition, answered in document positions
through the value's source map."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from bundle_ls.dialects.base import EditorView, EmbeddedLanguage, EmbeddingHost
from bundle_ls.dialects.moduledata import entries_of, load_module_domains
from bundle_ls.dialects.permissions.codes import RULE_SYNTAX
from bundle_ls.dialects.permissions.names import fold
from bundle_ls.dialects.permissions.terms import (
    LANGUAGE,
    NAMESPACES,
    PACK_DOMAINS,
    PRIVILEGE_NAME,
    READS,
    RULES_NAMESPACE,
    PackEntity,
    RuleValue,
)
from bundle_ls.documents.codes import LIMIT
from bundle_ls.documents.facts import Embedded, FileFacts, Reference
from bundle_ls.documents.model import Range
from bundle_ls.documents.results import (
    KEY,
    TOKEN_FUNCTION,
    TOKEN_KEYWORD,
    TOKEN_OPERATOR,
    TOKEN_VARIABLE,
    VALUE,
    Completion,
    FeatureError,
    HoverResult,
    SemanticToken,
    TextEdit,
)
from bundle_ls.documents.source_map import SourceMap, map_value, preferred_quote, value_edits
from bundle_ls.index.checks import EMBEDDED, KEYS, CrossCheck

if TYPE_CHECKING:
    from bundle_ls.dialects.permissions.expr import Func
    from bundle_ls.dialects.permissions.world import WorldIndex

# An expression's token kinds as LSP's standard semantic token types.
_TOKEN_TYPES = {
    "function": TOKEN_FUNCTION,
    "name": TOKEN_VARIABLE,
    "operator": TOKEN_KEYWORD,
    "literal": TOKEN_KEYWORD,
    "paren": TOKEN_OPERATOR,
}


def _editor():
    """The editor's features (a check never needs them)."""
    from bundle_ls.dialects.permissions import editor

    return editor


def _expr():
    """The expression parser, imported when a condition is first read: declaring the
    language (every run does) needs none of its parser, logic or checks."""
    from bundle_ls.dialects.permissions import expr

    return expr


class PermissionRuleLanguage(EmbeddedLanguage):
    name = LANGUAGE
    reads = READS

    def __init__(self, installed: frozenset[str] | None) -> None:
        self.installed = installed
        self._pack: list[PackEntity] = []
        self._pack_loaded = False
        self.cross_checks = (
            CrossCheck(LANGUAGE, partial(_check, self), frozenset((KEYS, EMBEDDED))),
        )

    def fold(self, name: str) -> str:
        return fold(name)

    def fingerprint(self) -> str:
        return f"{self.name} 1"

    @property
    def pack(self) -> list[PackEntity]:
        """What the installed modules create (read once, when a world is first needed)."""
        if not self._pack_loaded:
            data = load_module_domains(PACK_DOMAINS.values())
            modules = sorted(data) if self.installed is None else sorted(self.installed)
            self._pack = [
                PackEntity(func, e.name, e.uuid, m)
                for func, domain in PACK_DOMAINS.items()
                for m in modules
                for e in entries_of(data, [m], domain)
                if not e.retired
            ]
            self._pack_loaded = True
        return self._pack

    # ---- one value ------------------------------------------------------------------------

    def analyze(self, text: str, source: SourceMap, host: EmbeddingHost) -> FileFacts:
        part = FileFacts(host.path, host.kind)
        parsed = _expr().parse(text)
        error = parsed.error
        if error is not None:
            rng = source.range(*error.span)
            if error.code == "limit":  # nested too deep: not read, not an error of the rule
                part.diagnostics.append(
                    LIMIT(host.path, rng, error.message, severity="information")
                )
            else:
                part.diagnostics.append(RULE_SYNTAX(host.path, rng, error.message))
        expr = parsed.expr
        if expr is not None:
            for a in _expr().atoms(expr):
                rng = source.range(*a.name_span)
                part.refs.append(
                    Reference(NAMESPACES[a.func], a.name, rng, bool(a.quote), language=LANGUAGE)
                )
        whole = source.whole
        cond = source.range(*expr.span) if expr is not None else whole
        relative = (cond[0] - whole[0], cond[1], cond[2] - whole[0], cond[3])
        key, grant = _rule_of(host)
        part.embedded.append(Embedded(LANGUAGE, whole, text, RuleValue(key, grant, relative)))
        return part

    # ---- the editor -----------------------------------------------------------------------

    def _world(self, view: EditorView) -> WorldIndex:
        from bundle_ls.dialects.permissions.project import project_world

        return project_world(view.index, self.pack).world

    def complete(
        self, view: EditorView, rel: str, fact: Embedded, line: int, ch: int
    ) -> list[Completion] | None:
        at = _at(view, rel, fact, line, ch)
        if at is None:
            return self._complete_after(view, rel, fact, line, ch)
        smap, offset = at
        out = []
        quote = preferred_quote(smap.style)
        world = self._world(view)
        for item in _editor().completion(world, fact.text, offset, quote):
            edits = value_edits(smap, [(item.span, item.insert)])
            if len(edits) != 1:
                continue
            rng, text = edits[0]
            kind = KEY if item.kind in NAMESPACES else VALUE
            sort = _sort_text(world, item.kind, item.label)
            out.append(
                Completion(item.label, kind, rng, text, item.detail or None, None, sort, text)
            )
        return out

    def _complete_after(
        self, view: EditorView, rel: str, fact: Embedded, line: int, ch: int
    ) -> list[Completion] | None:
        """Spaces typed after a plain or block scalar, which does not hold them: what may
        follow the condition there, written at the cursor."""
        lines = view.lines(rel)
        if lines is None:
            return None
        smap = map_value(_kind(rel), lines, fact.range, fact.text)
        if smap.style not in ("plain", "literal", "folded") or fact.range[2] != line:
            return None
        text = fact.text + " " * max(1, ch - fact.range[3])
        out = []
        for item in _editor().completion(self._world(view), text, len(text), '"'):
            if item.span[0] < len(fact.text):
                continue
            kind = KEY if item.kind in NAMESPACES else VALUE
            rng = (line, ch, line, ch)
            out.append(
                Completion(item.label, kind, rng, item.insert, item.detail or None, None, None)
            )
        return out

    def hover(
        self, view: EditorView, rel: str, fact: Embedded, line: int, ch: int
    ) -> HoverResult | None:
        at = _at(view, rel, fact, line, ch)
        if at is None:
            return None
        smap, offset = at
        found = _editor().hover(self._world(view), _expr().parse(fact.text), offset)
        if found is None:
            return None
        return HoverResult(found.markdown, smap.range(*found.span))

    def symbol(
        self, view: EditorView, rel: str, fact: Embedded, line: int, ch: int
    ) -> tuple[tuple[str, ...], str, Range] | None:
        at = _at(view, rel, fact, line, ch)
        if at is None:
            return None
        smap, offset = at
        world = self._world(view)
        ref = _editor().name_at(world, _expr().parse(fact.text), offset)
        if ref is None or ref.entity is None:
            return None
        return _defined(view, world, ref.func, ref.entity, smap.range(*ref.span))

    def rename_edits(
        self, view: EditorView, rel: str, fact: Embedded, ranges: list[Range], new_name: str
    ) -> list[TextEdit]:
        return self._rewrite(view, rel, fact, {r: new_name for r in ranges})

    def replace_edits(
        self, view: EditorView, rel: str, fact: Embedded, rng: Range, text: str
    ) -> list[TextEdit]:
        return self._rewrite(view, rel, fact, {rng: text})

    def _rewrite(
        self, view: EditorView, rel: str, fact: Embedded, names: dict[Range, str]
    ) -> list[TextEdit]:
        """Edits that write each name at a range (the name without its quotes) anew, in
        the quotes it had when the new name fits in them, quoted when it now needs it,
        and escaped for the scalar's style."""
        lines = view.lines(rel)
        parsed = _expr().parse(fact.text)
        if lines is None or parsed.expr is None:
            return []
        smap = map_value(_kind(rel), lines, fact.range, fact.text)
        quote = preferred_quote(smap.style)
        value: list[tuple[tuple[int, int], str]] = []
        for a in _expr().atoms(parsed.expr):
            new = names.get(smap.range(*a.name_span))
            if new is None:
                continue
            try:
                written = _written(new, a.quote, quote)
            except ValueError as exc:
                raise FeatureError(str(exc)) from None
            value.append((a.name_token_span, written))
        if not value:
            return []
        return [TextEdit(rel, rng, text) for rng, text in value_edits(smap, value)]

    def values(self, view: EditorView, word: str) -> list[tuple[str, str | None]]:
        """Where a condition is still to be written: what it may start with."""
        return [
            (i.insert, i.detail or None) for i in _editor().completion(self._world(view), "", 0)
        ]

    def semantic_tokens(self, view: EditorView, rel: str, fact: Embedded) -> list[SemanticToken]:
        lines = view.lines(rel)
        if lines is None:
            return []
        smap = map_value(_kind(rel), lines, fact.range, fact.text)
        if not smap.exact:
            return []
        out = []
        for t in _editor().semantic_tokens(_expr().parse(fact.text)):
            for rng in smap.line_ranges(*t.span):
                out.append(SemanticToken(rng, _TOKEN_TYPES[t.kind]))
        return out


def _defined(
    view: EditorView, world: WorldIndex, func: Func, ident: int, rng: Range
) -> tuple[tuple[str, ...], str, Range]:
    """(namespaces, key) of the files' definitions of an entity, for navigation: the key
    it is defined by (a name, or a uuid when it is only known by one)."""
    ids = [i for d in world.definitions(func, ident) for i in (d.name, *d.aliases)]
    for ns in NAMESPACES[func]:
        bucket = view.index.keys_of(ns)
        key = next((i for i in ids if i in bucket), None)
        if key is None:
            wanted = {fold(i) for i in ids}
            key = next((k for k in bucket if fold(k) in wanted), None)
        if key is not None:
            defined = tuple(n for n in NAMESPACES[func] if key in view.index.keys_of(n))
            return defined, key, rng
    # Only an installed module creates it: no file to go to, but its references.
    return NAMESPACES[func], world.name(func, ident), rng


def _check(language: PermissionRuleLanguage, index, facts: FileFacts):
    from bundle_ls.dialects.permissions.check import check

    return check(language.pack, index, facts)


def _rule_of(host: EmbeddingHost) -> tuple[str | None, tuple[str, ...] | None]:
    """The key and grants of the rule whose `when` this is (None, None: a condition that
    is not a rule's, such as another module's `x-expression` property)."""
    owner = host.owner
    if host.namespace != RULES_NAMESPACE or host.property != "when" or owner is None:
        return None, None
    key = owner.get("key")
    grant = owner.get("grant")
    grants = [grant] if isinstance(grant, str) else grant if isinstance(grant, list) else []
    return (str(key) if key is not None else None), tuple(str(g) for g in grants if g is not None)


def _sort_text(world: WorldIndex, kind: str, label: str) -> str | None:
    """Names a file of the configuration defines first, then those only an installed
    module creates (OpenMRS core's dozens of roles)."""
    if kind not in NAMESPACES:
        return None
    ident = world.resolve(kind, label)  # type: ignore[arg-type]
    defs = world.definitions(kind, ident) if ident is not None else []  # type: ignore[arg-type]
    local = any(o.path for d in defs for o in d.origins)
    return ("0" if local else "1") + label.lower()


def _kind(rel: str) -> str:
    return "csv" if rel.lower().endswith(".csv") else "yaml"


def _at(view: EditorView, rel: str, fact: Embedded, line: int, ch: int):
    """The value's source map over the current text, and the value offset at a position."""
    lines = view.lines(rel)
    if lines is None:
        return None
    smap = map_value(_kind(rel), lines, fact.range, fact.text)
    offset = smap.offset_at(line, ch)
    return None if offset is None else (smap, offset)


def _written(name: str, had: str, prefer: str) -> str:
    """A name as it is written inside `role(…)`: in the quotes it had when it fits in
    them, else bare when it can be, else quoted."""
    if had and had not in name:
        return f"{had}{name}{had}"
    return _expr().write_name(name, had or prefer)


class PrivilegeNameLanguage(EmbeddedLanguage):
    """`x-expression: privilege-name`: a value that is one privilege's name (a rule's
    grant), resolved, completed and renamed as the names inside conditions are."""

    name = PRIVILEGE_NAME
    reads = READS

    def __init__(self, rules: PermissionRuleLanguage) -> None:
        self.rules = rules
        # The conditions' check resolves these names too: the same check, run once.
        self.cross_checks = rules.cross_checks

    def fold(self, name: str) -> str:
        return fold(name)

    def fingerprint(self) -> str:
        return f"{self.name} 1"

    def analyze(self, text: str, source: SourceMap, host: EmbeddingHost) -> FileFacts:
        part = FileFacts(host.path, host.kind)
        if text.strip():
            rng = source.range(0, len(text))
            privileges = NAMESPACES["privilege"]
            part.refs.append(Reference(privileges, text, rng, False, language=LANGUAGE))
            part.embedded.append(Embedded(self.name, source.whole, text))
        return part

    def complete(
        self, view: EditorView, rel: str, fact: Embedded, line: int, ch: int
    ) -> list[Completion] | None:
        at = _at(view, rel, fact, line, ch)
        if at is None:
            return None
        smap, _offset = at
        out = []
        for name, detail in self.values(view, fact.text):
            edits = value_edits(smap, [((0, len(fact.text)), name)])
            if len(edits) == 1:
                rng, text = edits[0]
                sort = _sort_text(self.rules._world(view), "privilege", name)
                out.append(Completion(name, KEY, rng, text, detail, None, sort, text))
        return out

    def values(self, view: EditorView, word: str) -> list[tuple[str, str | None]]:
        world = self.rules._world(view)
        return [(n, d) for n, d in _editor().names_of(world, "privilege")]

    def hover(
        self, view: EditorView, rel: str, fact: Embedded, line: int, ch: int
    ) -> HoverResult | None:
        at = _at(view, rel, fact, line, ch)
        if at is None:
            return None
        markdown = _editor().describe(self.rules._world(view), "privilege", fact.text)
        return HoverResult(markdown, at[0].range(0, len(fact.text)))

    def symbol(
        self, view: EditorView, rel: str, fact: Embedded, line: int, ch: int
    ) -> tuple[tuple[str, ...], str, Range] | None:
        at = _at(view, rel, fact, line, ch)
        if at is None:
            return None
        world = self.rules._world(view)
        ident = world.resolve("privilege", fact.text)
        if ident is None:
            return None
        return _defined(view, world, "privilege", ident, at[0].range(0, len(fact.text)))

    def rename_edits(
        self, view: EditorView, rel: str, fact: Embedded, ranges: list[Range], new_name: str
    ) -> list[TextEdit]:
        return self.replace_edits(view, rel, fact, ranges[0], new_name) if ranges else []

    def replace_edits(
        self, view: EditorView, rel: str, fact: Embedded, rng: Range, text: str
    ) -> list[TextEdit]:
        lines = view.lines(rel)
        if lines is None:
            return []
        smap = map_value(_kind(rel), lines, fact.range, fact.text)
        return [TextEdit(rel, r, t) for r, t in value_edits(smap, [((0, len(fact.text)), text)])]
