"""Close-match suggestions ("did you mean") over names and keys, with rapidfuzz."""

from __future__ import annotations

from collections.abc import Collection

from rapidfuzz import fuzz, process, utils


def did_you_mean(word: str, choices: Collection[str], limit: int = 3) -> list[str]:
    """The closest choices to `word`, best first; empty when nothing is close."""
    if not word or not choices:
        return []
    found = process.extract(
        word,
        choices,
        scorer=fuzz.ratio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=75,
    )
    return [c for c, _score, _i in found if c != word]


def _batch_scorer():
    """rapidfuzz's batch scorer (`process.cdist` without its numpy wrapper, which only turns
    the result into an array): several questions scored against every choice in one pass,
    vectorised across the questions. None where this rapidfuzz has no such function; the
    questions are then asked one by one, with the same answers."""
    try:
        from rapidfuzz.process_cpp_impl import UINT8, cdist
    except ImportError:
        return None
    return lambda queries, choices: cdist(
        queries,
        choices,
        scorer=fuzz.ratio,
        processor=None,
        score_cutoff=_CUTOFF - 0.5,  # a superset; the exact scores are taken again below
        score_hint=None,
        score_multiplier=1,
        dtype=UINT8,  # a byte per score: the near ones are found by scanning for non-zero
        workers=-1,
    )


_CUTOFF = 75
# Below this many questions, scoring them one by one costs less than a batch.
BATCH_MIN = 4


class KeyPool:
    """Many choices (a namespace's 100,000 keys) asked many times: each choice is
    normalised once, not once per question. Answers exactly as `did_you_mean` does."""

    __slots__ = ("choices", "processed")

    def __init__(self, choices: Collection[str]) -> None:
        self.choices = list(choices)
        self.processed = [utils.default_process(c) for c in self.choices]

    def did_you_mean(self, word: str, limit: int = 3) -> list[str]:
        if not word or not self.choices:
            return []
        found = process.extract(
            utils.default_process(word),
            self.processed,
            scorer=fuzz.ratio,
            processor=None,
            limit=limit,
            score_cutoff=75,
        )
        return [c for c in (self.choices[i] for _p, _score, i in found) if c != word]

    def did_you_mean_many(self, words: list[str], limit: int = 3) -> list[list[str]]:
        """`did_you_mean` of each word, the words scored in one batch where it pays."""
        batch = _BATCH if len(words) >= BATCH_MIN and self.choices else None
        if batch is None:
            return [self.did_you_mean(w, limit) for w in words]
        queries = [utils.default_process(w) for w in words]
        raw = memoryview(batch(queries, self.processed)).cast("B")
        width = len(self.processed)  # one row of scores per question
        out = []
        for n, (word, query) in enumerate(zip(words, queries, strict=True)):
            row = raw[n * width : (n + 1) * width].tobytes()
            scores = row.translate(None, b"\x00")  # the near ones' byte scores
            if not word or not scores:
                out.append([])
                continue
            # The byte scores round the exact ones, keeping their order: the best `limit`
            # are among those whose byte is at least the limit-th highest byte.
            least = sorted(scores, reverse=True)[min(limit, len(scores)) - 1]
            marks = row.translate(_AT_LEAST[least])
            near = []
            at = marks.find(1)
            while at >= 0 and len(near) <= MAX_RESCORED:
                near.append(at)
                at = marks.find(1, at + 1)
            if len(near) > MAX_RESCORED:  # a crowd of equal scores: let rapidfuzz rank it
                out.append(self.did_you_mean(word, limit))
                continue
            # the exact scores of those, ranked as `process.extract` ranks them
            scored = [(fuzz.ratio(query, self.processed[i]), i) for i in near]
            best = sorted((s for s in scored if s[0] >= _CUTOFF), key=lambda s: -s[0])[:limit]
            out.append([c for c in (self.choices[i] for _s, i in best) if c != word])
        return out


# Per least byte score: a table that marks (1) a score at least that, the others 0.
_AT_LEAST = [bytes(int(v >= least) for v in range(256)) for least in range(256)]
# Past this many near keys, rapidfuzz ranks the crowd faster than rescoring each.
MAX_RESCORED = 200


_BATCH = _batch_scorer()
