"""The expression grammar: precedence, case, names, spans and readable syntax errors."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark.exceptions import UnexpectedInput

from bundle_ls.dialects.permissions.expr import (
    And,
    Atom,
    Const,
    Not,
    _build,
    _read_fast,
    lark_parser,
    needs_quotes,
    parse,
    write_name,
)


def shape(e) -> object:
    """The tree as nested tuples, for comparing structure."""
    if isinstance(e, Atom):
        return (e.func, e.name)
    if isinstance(e, Const):
        return e.value
    if isinstance(e, Not):
        return ("not", shape(e.operand))
    return ("and" if isinstance(e, And) else "or", *(shape(o) for o in e.operands))


def test_not_binds_tighter_than_and_which_binds_tighter_than_or() -> None:
    e = parse("role(A) or not role(B) and tag(C)").expr
    assert shape(e) == ("or", ("role", "A"), ("and", ("not", ("role", "B")), ("tag", "C")))


def test_parentheses_group_and_nested_conjunctions_flatten() -> None:
    e = parse("(role(A) or role(B)) and (tag(C) and location(D))").expr
    assert shape(e) == (
        "and",
        ("or", ("role", "A"), ("role", "B")),
        ("tag", "C"),
        ("location", "D"),
    )


def test_keywords_and_functions_are_case_insensitive() -> None:
    e = parse("ROLE(Nurse) AND Not TAG(x) Or TRUE or False").expr
    assert shape(e) == ("or", ("and", ("role", "Nurse"), ("not", ("tag", "x"))), True, False)


def test_names_are_kept_as_written_and_may_look_like_keywords() -> None:
    e = parse("role(and) or privilege(Task:Admit/Patient_2.0-x) or location(true)").expr
    assert shape(e) == (
        "or",
        ("role", "and"),
        ("privilege", "Task:Admit/Patient_2.0-x"),
        ("location", "true"),
    )


def test_words_that_begin_with_a_keyword_are_not_keywords() -> None:
    assert parse("role(A) android").error.message == "expected 'and' or 'or' before 'android'"
    assert parse("roles(A)").error.message == (
        "unknown function 'roles': use role, privilege, tag or location"
    )


def test_quoted_names_hold_spaces_and_the_other_quote() -> None:
    e = parse("""tag("Inpatient Ward") and role('Dr "House"') and location("O'Brien Wing")""").expr
    assert shape(e) == (
        "and",
        ("tag", "Inpatient Ward"),
        ("role", 'Dr "House"'),
        ("location", "O'Brien Wing"),
    )


def test_unicode_letters_are_bare_name_characters() -> None:
    e = parse("role(Infirmière) and tag(病棟)").expr
    assert shape(e) == ("and", ("role", "Infirmière"), ("tag", "病棟"))


def test_spans_point_at_functions_names_and_whole_atoms() -> None:
    text = '  role(Nurse) and not tag( "Inpatient Ward" )'
    e = parse(text).expr
    role, neg = e.operands
    assert text[slice(*role.span)] == "role(Nurse)"
    assert text[slice(*role.func_span)] == "role"
    assert text[slice(*role.name_span)] == "Nurse"
    tag = neg.operand
    assert text[slice(*neg.span)] == 'not tag( "Inpatient Ward" )'
    assert text[slice(*neg.keyword_span)] == "not"
    assert text[slice(*tag.name_span)] == "Inpatient Ward"
    assert text[slice(*tag.name_token_span)] == '"Inpatient Ward"'
    assert text[slice(*e.span)] == text.strip()


def test_a_parenthesised_group_spans_its_parentheses() -> None:
    text = "role(A) and (role(B) or role(C))"
    e = parse(text).expr
    assert text[slice(*e.operands[1].span)] == "(role(B) or role(C))"


def test_whitespace_and_line_breaks_are_free() -> None:
    e = parse("role(A)\n  and\n\ttag(B)").expr
    assert shape(e) == ("and", ("role", "A"), ("tag", "B"))


@pytest.mark.parametrize(
    ("text", "span_text", "message"),
    [
        ("role(", "(", "expected a name after 'role('"),
        ("role() and tag(A)", ")", "expected a name after 'role(', found ')'"),
        ("role(@)", "@", "expected a name after 'role(', found '@'"),
        ("(role(A) and tag(B)", "(", "unclosed '('"),
        ("role(A", "(", "unclosed '('"),
        ("role(A))", ")", "unmatched ')'"),
        (
            "role(Nurse Aide) or tag(B)",
            "Nurse Aide",
            'a name with spaces needs quotes: role("Nurse Aide")',
        ),
        ("role(A and role(B)", "and", "expected ')' to close 'role(' before 'and'"),
        ('role("A" B)', "B", "expected ')' to close 'role(' before 'B'"),
        ("rol(A)", "rol", "unknown function 'rol': use role, privilege, tag or location"),
        ("role(A) role(B)", "role", "expected 'and' or 'or' before 'role'"),
        ("(role(A) tag(B))", "tag", "expected 'and', 'or' or ')' before 'tag'"),
        ("role(A) and", "and", "expected a condition after 'and'"),
        ("role(A) or or role(B)", "or", "expected a condition after 'or', found 'or'"),
        ("not", "not", "expected a condition after 'not'"),
        ("and role(A)", "and", "'and' needs a condition before it"),
        ("role", "role", "expected '(' after 'role'"),
        ("role Nurse", "Nurse", "expected '(' after 'role', found 'Nurse'"),
        ("role(A) && tag(B)", "&&", "unexpected '&&': write 'and'"),
        ("role(A) || tag(B)", "||", "unexpected '||': write 'or'"),
        ("!role(A)", "!", "unexpected '!': write 'not'"),
        ('tag("Inpatient', '"Inpatient', 'unclosed quote ": the name has no closing "'),
        ('role("")', '""', "expected a name inside the quotes of 'role(…)'"),
        ("role(A) and ()", ")", "empty parentheses: expected a condition inside '()'"),
        (
            "nurse",
            "nurse",
            "unexpected 'nurse'; expected a condition: role(…), privilege(…), tag(…), "
            "location(…), true, false, not or '('",
        ),
    ],
)
def test_syntax_errors_say_what_was_expected_at_the_offending_token(
    text: str, span_text: str, message: str
) -> None:
    got = parse(text)
    assert got.expr is None
    assert got.error.message == message
    assert text[slice(*got.error.span)] == span_text


def test_an_empty_condition_is_a_syntax_error() -> None:
    got = parse("")
    assert got.error.span == (0, 0)
    assert got.error.message.startswith("expected a condition")


def test_tokens_are_kept_even_after_a_syntax_error() -> None:
    got = parse("role(A) && tag(B)")
    assert [(t.kind, t.text) for t in got.tokens] == [
        ("function", "role"),
        ("paren", "("),
        ("name", "A"),
        ("paren", ")"),
        ("function", "tag"),
        ("paren", "("),
        ("name", "B"),
        ("paren", ")"),
    ]


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("Nurse", "Nurse"),
        ("Task:Admit", "Task:Admit"),
        ("Inpatient Ward", '"Inpatient Ward"'),
        ('Dr "House"', "'Dr \"House\"'"),
        ("a(b)", '"a(b)"'),
    ],
)
def test_names_are_written_bare_when_they_can_be_and_quoted_otherwise(
    name: str, written: str
) -> None:
    assert write_name(name) == written
    assert needs_quotes(name) == (written != name)
    assert parse(f"role({written})").expr.name == name


def test_a_name_with_both_quotes_cannot_be_written() -> None:
    with pytest.raises(ValueError, match="both quotes"):
        write_name("""it's "x" """)


def test_nesting_deeper_than_the_limit_is_refused_not_crashed_on() -> None:
    from bundle_ls.dialects.permissions.expr import MAX_DEPTH

    for text in ("(" * 3000 + "role(A)" + ")" * 3000, "not " * 3000 + "role(A)"):
        got = parse(text)
        assert got.expr is None and got.error.code == "limit"
        assert got.error.message == (
            f"nesting deeper than {MAX_DEPTH} levels of parentheses or 'not' is not checked"
        )
    assert parse("(" * 50 + "not role(A)" + ")" * 50).ok


# ---- the fast reader against lark -------------------------------------------------------

_PIECES = (
    *("role", "ROLE", "Privilege", "tag", "location", "roles", "and", "AND", "or", "not"),
    *("true", "False", "falſe", "android", "order", "note", "(", ")", "((", "))"),
    *("Nurse", "x.y:z/w-1", "Médecin", "'Task: X'", '"it\'s"', "''", '""', "'", '"'),
    *(" ", "  ", "\n", "\t", ",", "&&", "!", "'a\nb'", "_", "-"),
)


def _full(e) -> object:
    """The tree with every span and quote, for comparing the two readers exactly."""
    if isinstance(e, Atom):
        return ("atom", e.func, e.name, e.span, e.func_span, e.name_span, e.quote)
    if isinstance(e, Const):
        return ("const", e.value, e.span)
    if isinstance(e, Not):
        return ("not", e.span, e.keyword_span, _full(e.operand))
    return (type(e).__name__, e.span, *(_full(o) for o in e.operands))


def _by_lark(text: str):
    try:
        tree = lark_parser().parse(text)
    except UnexpectedInput:
        return None
    tokens: list = []
    expr = _build(tree.children[0], tokens)
    return expr, sorted(tokens, key=lambda t: t.span)


_TEXTS = st.one_of(
    st.builds(
        str.join, st.sampled_from(["", " "]), st.lists(st.sampled_from(_PIECES), max_size=14)
    ),
    st.builds("".join, st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=3)))),
)


@settings(max_examples=max(600, settings().max_examples))
@given(_TEXTS)
def test_the_fast_reader_reads_exactly_what_lark_reads(text: str) -> None:
    fast, slow = _read_fast(text), _by_lark(text)
    assert (fast is None) == (slow is None), text
    if fast is not None and slow is not None:
        assert _full(fast[0]) == _full(slow[0]), text
        assert fast[1] == slow[1], text


def test_the_fast_reader_reads_every_shape_of_the_grammar() -> None:
    # each shape, so that the property above cannot pass by refusing what lark reads
    for text in (
        "role(Nurse)",
        "not ROLE('a b') and (tag(x) or true) or location(\"L 1\") and false",
        "((role(and)))",
        "role ( or ) and not not tag(role)",
    ):
        fast = _read_fast(text)
        assert fast is not None, text
        assert _full(fast[0]) == _full(_by_lark(text)[0])


def test_deep_nesting_from_a_deep_stack_still_parses() -> None:
    # the fast reader needs several frames a level; when the stack has no room left, lark
    # (one frame a level) reads the text instead of the check failing on it
    text = "(" * 90 + "role(a) and not tag(b)" + ")" * 90
    expected = _full(_read_fast(text)[0])

    def at_depth(n: int):
        return parse(text) if n == 0 else at_depth(n - 1)

    got = at_depth(sys.getrecursionlimit() - 450)
    assert got.expr is not None and _full(got.expr) == expected
