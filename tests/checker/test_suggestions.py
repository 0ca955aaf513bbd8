"""'Did you mean' asked many at a time answers exactly as asked one by one.

A batch check scores every unresolved reference's word against a namespace's keys in one
pass of rapidfuzz's batch scorer; the editor asks one word at a time. Both must suggest the
same keys in the same order, ties and all."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bundle_ls.documents import suggest
from bundle_ls.documents.suggest import KeyPool
from bundle_ls.index.hints import KeyHints

_pieces = st.sampled_from(
    ["c.", "0", "1", "12", "ward", "Ward", " ", "-", "é", "日本", "x", "_", "."]
)
_words = st.lists(_pieces, max_size=6).map("".join)


def test_the_batch_scorer_is_there() -> None:
    """With the rapidfuzz this project installs, questions are scored in a batch (a silent
    fall back to one by one would leave batch checks slower)."""
    assert suggest._BATCH is not None


@settings(max_examples=200, deadline=None)
@given(
    keys=st.lists(_words, max_size=60),
    words=st.lists(_words, min_size=suggest.BATCH_MIN, max_size=12),
)
@example(
    keys=["c.000001", "c.000010", "c.000100", "c.001000", "c.010000"],
    words=["c.00000", "c.0001", "c.1", "c.000001"],
)
@example(
    keys=["Ward 1", "ward 1", "WARD 1", "Ward-1", "ward_1", "wärd 1"],
    words=["ward1", "Ward 1", "", "ward"],
)
def test_many_at_once_answer_as_one_by_one(keys: list[str], words: list[str]) -> None:
    pool = KeyPool(keys)
    assert pool.did_you_mean_many(words) == [pool.did_you_mean(w) for w in words]


class _Log:
    generation = 3

    def key_changes_since(self, namespace, generation):
        return []


def test_prefetched_answers_are_what_did_you_mean_gives_later() -> None:
    keys = [f"c.{i:06d}" for i in range(2000)]
    words = ["c.0000001", "c.00012", "c.9", "zzz", "c.001999"]
    asked = KeyHints(_Log())
    one_by_one = [asked.did_you_mean(("concepts",), w, lambda: keys) for w in words]
    hints = KeyHints(_Log())
    hints.prefetch([(("concepts",), w) for w in words], lambda _nss: lambda: keys)
    later = [hints.did_you_mean(("concepts",), w, lambda: []) for w in words]  # no keys: memo
    assert later == one_by_one
    assert any(one_by_one) and not all(one_by_one)
