"""YAML text → located tree: the parser before and after it was made faster (issue #15, item 4).

    .venv/bin/python bench/parse_bench.py            # the 10,000-item file of the workspace corpus
    .venv/bin/python bench/parse_bench.py FILE.yaml  # any file

"before" is tests/parser/reference_yaml.py (the frozen old parser, also the oracle of
tests/parser); "python" is bundle_ls.documents.yaml_doc.parse_yaml on its Python path
(BUNDLE_LS_NATIVE_YAML=0), "native" the same call with the compiled builder
(bundle_ls._yamlfast, see yaml_native.py). Each figure is the median of
several runs, each configuration in its own fresh process so that one heap does not slow
the next; the load average is printed beside them. Three ways of timing one parse:

- as called: what a caller waits for, the cyclic collector enabled as it is in the server;
- + its collection: that, plus the young-generation collection of what the parse built
  (the new parser pauses the collector, so this work is deferred, not gone);
- collector off: the work of parsing alone.

The floors beside them: ruamel.yaml's C parser delivering its events to Python, and libyaml
alone (events parsed in C, none delivered).

With --instructions, the same three parsers once more under valgrind's callgrind: the
instructions one parse executes (collector as configured), which other work on the machine
does not change, unlike the times.

Then the whole-file analysis of the same file (Workspace.analyze_text, what the language
server runs when the file is opened or changed), as called: "before" runs the code of the
commit before the faster parser (`--before REV`, taken from git into a temporary folder).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

CHILD = r"""
import gc, io, json, sys, time
sys.path[:0] = [{repo!r}, {server!r}]
from bundle_ls.documents.positions import LineIndex
text = open({path!r}, encoding="utf-8").read()
lines = LineIndex(text)
which, mode, runs = {which!r}, {mode!r}, {runs}
if which == "before":
    from tests.parser.reference_yaml import parse_yaml as parse
elif which in ("python", "native"):
    from bundle_ls.documents.yaml_doc import parse_yaml as parse
    from bundle_ls.documents import yaml_native
    assert (yaml_native.LIBYAML is not None) == (which == "native"), "native parser not built"
elif which == "events":
    from _ruamel_yaml import CParser
    from ruamel.yaml.events import StreamEndEvent
    def parse(text, lines):
        get = CParser(io.StringIO(text)).get_event
        while type(get()) is not StreamEndEvent:
            pass
else:
    from _ruamel_yaml import CParser
    def parse(text, lines):
        CParser(io.StringIO(text)).raw_parse()
if mode == "off":
    gc.disable()
kept = parse(text, lines)  # warm-up; the last tree stays alive, as an open document's does
times = []
for _ in range(runs):
    t0 = time.perf_counter()
    result = parse(text, lines)
    if mode == "collect":
        gc.collect(0)
    times.append(time.perf_counter() - t0)
    kept = result
print(json.dumps(times))
"""


ANALYSIS_CHILD = r"""
import json, sys, time
sys.path.insert(0, {server!r})
from pathlib import Path
from bundle_ls.workspace import Workspace
root, rel, runs = Path({root!r}), {rel!r}, {runs}
ws = Workspace(root)
text = (root / rel).read_text(encoding="utf-8")
kept = ws.analyze_text(rel, text, "yaml")  # warm-up
times = []
for _ in range(runs):
    t0 = time.perf_counter()
    result = ws.analyze_text(rel, text, "yaml")
    times.append(time.perf_counter() - t0)
    kept = result
print(json.dumps(times))
"""


def _run(code: str, native: bool) -> list[float]:
    env = dict(os.environ, BUNDLE_LS_NATIVE_YAML="1" if native else "0")
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    return json.loads(out.stdout)


def before_revision() -> str | None:
    """The commit before the one that brought tests/parser (and the faster parser)."""
    try:
        out = subprocess.run(
            ["git", "log", "--diff-filter=A", "--format=%H", "--", "tests/parser/reference_yaml.py"],
            cwd=REPO, capture_output=True, text=True, check=True,
        )  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    added = out.stdout.split()
    return f"{added[-1]}^" if added else None


def analysis_times(path: Path, rev: str, runs: int) -> dict[str, float]:
    """Whole-file analysis of `path` (in its workspace): before (at `rev`), python, native."""
    import io
    import tarfile
    import tempfile

    root = path.parent.parent  # the workspace: big/concepts.yaml
    rel = path.relative_to(root).as_posix()
    out = {}
    with tempfile.TemporaryDirectory(prefix="bundle-ls-before-") as old:
        archive = subprocess.run(
            ["git", "archive", rev, "server", "schemas"], cwd=REPO, capture_output=True, check=True
        )
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(old, filter="data")
        for which, server, native in (
            ("before", Path(old) / "server", False),
            ("python", REPO / "server", False),
            ("native", REPO / "server", True),
        ):
            code = ANALYSIS_CHILD.format(server=str(server), root=str(root), rel=rel, runs=runs)
            out[which] = statistics.median(_run(code, native)) * 1000
    return out


def instructions(path: Path, which: str) -> int | None:
    """Instructions of one parse: a run with one timed parse less a run with none."""
    if shutil.which("valgrind") is None:
        return None
    counts = []
    for runs in (0, 1):
        code = CHILD.format(
            repo=str(REPO), server=str(REPO / "server"), path=str(path), which=which, mode="on",
            runs=runs,
        )  # fmt: skip
        env = dict(os.environ, BUNDLE_LS_NATIVE_YAML="0" if which == "python" else "1")
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
             sys.executable, "-c", code],
            capture_output=True, text=True, check=True, env=env,
        )  # fmt: skip
        found = re.search(r"Collected\s*:\s*(\d+)", done.stderr)
        if found is None:
            return None
        counts.append(int(found.group(1)))
    return counts[1] - counts[0]


def measure(path: Path, which: str, mode: str, runs: int) -> float:
    code = CHILD.format(
        repo=str(REPO), server=str(REPO / "server"), path=str(path), which=which, mode=mode,
        runs=runs,
    )  # fmt: skip
    return statistics.median(_run(code, native=which != "python")) * 1000


def default_file() -> Path:
    sys.path.insert(0, str(HERE))
    import corpora

    data = Path(os.environ.get("BUNDLE_LS_BENCH_DATA") or "/tmp/bundle-ls-bench") / "full"
    ws = corpora.make_workspace(data)
    return Path(ws["dir"]) / ws["big_yaml"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("file", nargs="?", type=Path, help="a YAML file (default: the 10,000-item one)")
    ap.add_argument("--runs", type=int, default=7, help="timed runs per figure (median reported)")
    ap.add_argument("--before", help="git revision of the old code for the analysis figures")
    ap.add_argument(
        "--instructions", action="store_true", help="also count instructions under valgrind"
    )
    args = ap.parse_args()
    path = args.file or default_file()
    size = path.stat().st_size
    print(f"{path} ({size / 1e6:.1f} MB), {args.runs} runs each, median ms")
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    rows = {}
    for which in ("before", "python", "native"):
        rows[which] = {m: measure(path, which, m, args.runs) for m in ("on", "collect", "off")}
    floors = {w: measure(path, w, "off", args.runs) for w in ("events", "libyaml")}
    print(f"{'':8} {'as called':>10} {'+ its collection':>17} {'collector off':>14}")
    for which, r in rows.items():
        print(f"{which:8} {r['on']:10.0f} {r['collect']:17.0f} {r['off']:14.0f}")
    b = rows["before"]
    for which in ("python", "native"):
        a = rows[which]
        print(
            f"{'÷ ' + which:8} {b['on'] / a['on']:9.2f}× {b['collect'] / a['collect']:16.2f}× "
            f"{b['off'] / a['off']:13.2f}×"
        )
    a, n = rows["python"], rows["native"]
    print(
        f"native over python: {a['on'] / n['on']:.2f}× as called, "
        f"{a['collect'] / n['collect']:.2f}× with its collection, {a['off'] / n['off']:.2f}× "
        "collector off"
    )
    print(f"floor: ruamel.yaml events delivered to Python {floors['events']:.0f} ms, "
          f"libyaml alone {floors['libyaml']:.0f} ms")  # fmt: skip
    if args.instructions:
        counts = {w: instructions(path, w) for w in ("before", "python", "native")}
        if None in counts.values():
            print("instructions: valgrind is not available")
        else:
            b = counts["before"]
            print(
                "instructions per parse (millions): "
                + ", ".join(f"{w} {c / 1e6:,.0f} ({b / c:.2f}×)" for w, c in counts.items())
            )
    rev = args.before or before_revision()
    if args.file is None and rev is not None:
        t = analysis_times(path, rev, args.runs)
        print(
            f"whole-file analysis, as called: before ({rev}) {t['before']:.0f} ms, "
            f"python {t['python']:.0f} ms, native {t['native']:.0f} ms "
            f"({t['before'] / t['python']:.2f}× and {t['before'] / t['native']:.2f}×)"
        )
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"({time.perf_counter() - started:.0f} s)")
