"""Hypothesis strategies for YAML texts: well-formed documents of every shape, and broken ones.

Documents are drawn as a tree of values and written out with a random choice, at every
node, of block or flow layout, scalar style (plain, single, double, literal, folded), tags,
anchors and aliases, comments, blank lines, CRLF, non-ASCII and astral characters. Broken
documents are such texts truncated, spliced with YAML punctuation, NUL or tab characters.
"""

from __future__ import annotations

import json

from hypothesis import strategies as st

# Plain scalars a config file holds, and the ones YAML's core schema reads as non-strings.
PLAIN_WORDS = [
    "Ward",
    "Login Location",
    "c.030833",
    "N/A",
    "true",
    "False",
    "TRUE",
    "null",
    "Null",
    "~",
    "0",
    "-12",
    "+7",
    "0o17",
    "0x1F",
    "0x1g",
    "1.5",
    "-.5e3",
    "1e",
    ".inf",
    "-.INF",
    ".NaN",
    "2024-01-31",
    "12:30",
    "yes",
    "Tb Weight 1",
    "é ü ß",
    "日本語",
    "😀 smile",
    "a😀b",
    "x#y",
    "f",
    "n",
    ".",
    "+",
    "-",
]
TAGS = ["!!str", "!!int", "!!float", "!!bool", "!!null", "!", "!custom", "!!python/object", "!!map"]

_text_chars = st.characters(
    codec="utf-8",
    exclude_categories=("Cs", "Cc"),  # surrogates and control characters are not YAML
    exclude_characters="\ufffe\uffff",
    # keep the alphabet small enough to hit YAML's punctuation often
    max_codepoint=0x1F64F,
)
_free_text = st.text(_text_chars, max_size=12)


def rare(one_in: int) -> st.SearchStrategy[bool]:
    """True about once in `one_in` draws (hypothesis favours the ends of integer ranges)."""
    return st.sampled_from([False] * (one_in - 1) + [True])


@st.composite
def scalar_texts(draw) -> str:
    """One scalar as written in YAML: plain, quoted or a block scalar (for block context)."""
    style = draw(st.sampled_from(["plain", "plain", "single", "double", "literal", "folded"]))
    word = draw(st.one_of(st.sampled_from(PLAIN_WORDS), _free_text))
    if style == "plain":
        word = draw(st.sampled_from(PLAIN_WORDS)) if not _plain_safe(word) else word
        return word
    if style == "single":
        return "'" + word.replace("'", "''").replace("\n", " ") + "'"
    if style == "double":
        return json.dumps(word, ensure_ascii=draw(rare(8)))
    marker = "|" if style == "literal" else ">"
    chomp = draw(st.sampled_from(["", "-", "+"]))
    body = [w.replace("\n", " ") or "x" for w in draw(st.lists(_free_text, min_size=1, max_size=3))]
    return marker + chomp + "\n" + "\n".join("\t" + line for line in body)  # \t: re-indented


def _plain_safe(word: str) -> bool:
    if not word or word != word.strip() or word[0] in "-?:,[]{}#&*!|>'\"%@`":
        return False
    return not any(c in word for c in ":#\n\r\t,[]{}") and word.isprintable()


@st.composite
def values(draw, depth: int = 0):
    """A tree of values: ("map", [(key, value)]), ("seq", [value]) or ("scalar", text)."""
    if depth == 0:  # a config file is a mapping, mostly
        kinds = ["map"] * 6 + ["seq", "scalar"]
    else:
        kinds = ["scalar", "scalar", "map", "seq"] if depth < 4 else ["scalar"]
    kind = draw(st.sampled_from(kinds))
    if kind == "scalar":
        return ("scalar", draw(scalar_texts()))
    n = draw(st.integers(0, 4))
    if kind == "seq":
        return ("seq", [draw(values(depth + 1)) for _ in range(n)])
    keys = [draw(st.sampled_from(["key", "name", "tags", "1", "true", "a b", "é", "key"]))]
    keys += [draw(st.sampled_from(PLAIN_WORDS[:14])) for _ in range(n)]
    return ("map", [(k, draw(values(depth + 1))) for k in keys])


@st.composite
def documents(draw) -> str:
    """A well-formed YAML document (as far as the writer goes; odd corners may still fail)."""
    tree = draw(values())
    out: list[str] = []
    state = {"anchor": 0}

    def decorate(text: str) -> str:
        extra = []
        if draw(rare(10)):
            extra.append(draw(st.sampled_from(TAGS)))
        if draw(rare(8)):
            state["anchor"] += 1
            extra.append(f"&a{state['anchor']}")
        return " ".join([*extra, text]) if extra else text

    def flow(v) -> str:
        kind, body = v
        if kind == "scalar":
            if body.startswith(("|", ">")):
                return json.dumps(body[3:], ensure_ascii=False)
            if state["anchor"] and draw(rare(4)):
                return f"*a{draw(st.integers(1, state['anchor']))}"
            return decorate(body)
        if kind == "seq":
            return decorate("[" + ", ".join(flow(c) for c in body) + "]")
        return decorate("{" + ", ".join(f"{k}: {flow(c)}" for k, c in body) + "}")

    def block(v, indent: int, first_prefix: str) -> None:
        kind, body = v
        pad = " " * indent
        if kind == "scalar" or not body or draw(rare(5)):
            text = flow(v) if kind != "scalar" or not body.startswith(("|", ">")) else body
            text = text.replace("\t", pad + "  ")
            out.append(first_prefix + text)
            return
        if first_prefix.strip():
            out.append(first_prefix.rstrip() + _comment(draw))
        for item in body:
            if kind == "seq":
                block(item, indent + 2, pad + "- ")
            else:
                k, child = item
                if child[0] == "scalar":
                    block(child, indent + 2, f"{pad}{k}: ")
                else:
                    out.append(f"{pad}{k}:" + _comment(draw))
                    block(child, indent + 2, " " * (indent + 2))
            if draw(rare(6)):
                out.append(draw(st.sampled_from(["", pad + "# a comment é", "   "])))

    block(tree, 0, "")
    text = "\n".join(line for line in out) + "\n"
    if draw(rare(6)):
        text = text.replace("\n", "\r\n")
    if draw(rare(12)):
        text = "%YAML 1.2\n---\n" + text
    if draw(rare(12)):
        text += "---\nsecond: document\n"
    return text


def _comment(draw) -> str:
    return draw(st.sampled_from(["", "", "", "  # note", " #😀"]))


BREAKERS = list(":[]{}\"'&*!|#%@`\t\x00\ufeff\x85\u2028") + [
    ": ",
    "- ",
    "\n  x",
    "\n- ",
    "---\n",
    "...\n",
    "? ",
]


@st.composite
def broken_documents(draw) -> str:
    """A document cut short, or with YAML punctuation spliced in somewhere."""
    text = draw(documents())
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        how = draw(st.sampled_from(["cut", "insert", "insert", "delete"]))
        if how == "cut":
            text = text[:at]
        elif how == "insert":
            text = text[:at] + draw(st.sampled_from(BREAKERS)) + text[at:]
        else:
            text = text[:at] + text[at + draw(st.integers(1, 5)) :]
    return text


# Arbitrary short texts over YAML's significant characters: the parser's odd corners.
yaml_noise = st.lists(
    st.sampled_from(list("ab1 \n-:#[]{},&*!|>'\"?%~.\t") + ["é", "😀", "\r\n", "\r", "\x00"]),
    max_size=40,
).map("".join)
