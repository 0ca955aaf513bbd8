"""`--check` grows linearly with the configuration: the same Initializer-shaped folder
(bench/iniz_corpus.py: locations with parents and tags, concepts with answers and members,
privileges and roles) at N rows and at 4N rows (doubled twice). A linear check takes about
4x the time, a quadratic one 16x; the bound is a generous 8x, on processor time (not wall
time), the best of three runs, so that other work on the machine does not fail it.

The cross-file phase is measured on its own as well: that is where quadratic paths hid
(a set copied per reference to a created tag, near-miss candidates searched again for
every reference to the same missing name)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from bundle_ls.batch.runner import analyse_files, no_gc
from bundle_ls.index.project_index import ProjectIndex
from bundle_ls.project.context import load_context
from bundle_ls.project.discovery import discover

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import iniz_corpus  # noqa: E402

ROWS = 4_000
BOUND = 8.0
TAGS = 4  # each created by a quarter of the locations: where a quadratic path shows most


def _phases(root: Path) -> tuple[float, float, int]:
    """Processor seconds of (analysis, cross-file checks), and the findings."""
    t0 = time.process_time()
    ctx = load_context(root, [])
    rels = discover(ctx)
    with no_gc():
        facts, _cached = analyse_files(ctx, rels, jobs=1)
        t1 = time.process_time()
        index = ProjectIndex(root, ctx.cross_checks)
        for rel in rels:
            index.add(facts[rel])
        index.generation += 1
        found = sum(len(index.diagnostics(rel)) for rel in rels)
    return t1 - t0, time.process_time() - t1, found


@pytest.fixture(scope="module")
def sizes(tmp_path_factory) -> list[tuple[Path, dict]]:
    out = []
    for n in (ROWS, 4 * ROWS):
        root = tmp_path_factory.mktemp(f"iniz{n}")
        # locations split in files of 30 rows past the first 500: many files and one
        # large one, as a grown distribution has
        out.append((root, iniz_corpus.make(root, n, big_locations=500, tags=TAGS)))
    return out


def test_check_time_grows_linearly_with_the_configuration(sizes):
    (small, made_small), (large, made_large) = sizes
    best = {}
    for root in (small, large):
        runs = [_phases(root) for _ in range(3)]
        best[root] = (min(r[0] for r in runs), min(r[1] for r in runs), runs[0][2])
    a_small, x_small, found_small = best[small]
    a_large, x_large, found_large = best[large]
    # the planted mistakes are found at both sizes (the check does its work)
    assert found_small == sum(made_small["planted"].values())
    assert found_large == sum(made_large["planted"].values())
    total = (a_large + x_large) / (a_small + x_small)
    cross = x_large / x_small
    assert total < BOUND, f"4x the rows took {total:.1f}x the time"
    assert cross < BOUND, f"4x the rows took {cross:.1f}x the time in the cross-file checks"


if __name__ == "__main__":  # the ratios, by hand: python tests/speed/test_growth.py DIR
    base = Path(sys.argv[1])
    for n in (ROWS, 4 * ROWS):
        made = iniz_corpus.make(base / f"g{n}", n, big_locations=500, tags=TAGS)
        print(n, _phases(base / f"g{n}"), sum(made["planted"].values()))
