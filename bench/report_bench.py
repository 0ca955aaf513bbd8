#!/usr/bin/env python3
"""How long `bundle-ls report` takes to write, and the page to open in Chromium.

    .venv/bin/python bench/report_bench.py [--runs 3] [--corpus DIR] [--objects 20000] [--write]

For every corpus repository ($BUNDLE_LS_CORPUS, else ../shared/corpus) and for a generated
directory of --objects objects (bench/report_gen.py):

- **write**: wall time of `bundle-ls report DIR --out FILE` as a user runs it (a new
  process: Python start-up, the check with no cache, the model, the page), median of --runs;
- **open**: in headless Chromium (Debian's, driven by Playwright), from navigation start to
  the page's `report-ready` mark (data parsed, graph laid out, first tab drawn), read with
  the Performance API; median of --runs fresh tabs; and the longest task the page ran;
- for the generated directory, what a person does next: open the effective configuration
  (100 of 20,000 rows), filter it, page on, and open the findings, each from the action to
  the drawn result;
- the editor's side, in process: the effective-value hover on a row and the code lenses of
  a file of --editor-rows Initializer rows that another file defines again.

Targets (issue 17): the largest corpus repository written in under 5 s, opened in under 3 s.
Needs the `browser` extra (`pip install -e '.[browser]'`, `make test-editors` does it) and
/usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# Records the page's long tasks (over 50 ms) from its first line on.
LONG_TASKS = """
window.__longest = 0;
new PerformanceObserver(list => {
  for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
}).observe({type: "longtask", buffered: true});
"""


def bundle_ls() -> str:
    return str(REPO / ".venv" / "bin" / "bundle-ls")


def write_report(folder: Path, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [bundle_ls(), "report", str(folder), "--out", str(out), "--no-cache"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def open_report(browser, html: Path) -> tuple[float, float, object]:
    """(ms to report-ready, longest task ms, the open page)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.add_init_script(LONG_TASKS)
    page.goto(html.as_uri())
    page.wait_for_function("() => window.bundleLsReport && window.bundleLsReport.ready")
    ready = page.evaluate("performance.getEntriesByName('report-ready')[0].startTime")
    page.wait_for_timeout(200)  # let the observer deliver the load's long tasks
    return ready, page.evaluate("window.__longest"), page


def timed(page, action, done: str) -> float:
    """ms from starting `action` to the page showing `done` (a JS condition)."""
    start = page.evaluate("performance.now()")
    action()
    page.wait_for_function(f"() => {done}")
    return page.evaluate("performance.now()") - start


def interactions(page) -> dict[str, float]:
    out = {}
    out["effective tab"] = timed(
        page,
        lambda: page.click("#tab-effective"),
        "document.querySelectorAll('#effective-rows tr.main').length === 100",
    )
    # the filter waits 150 ms after the last key (debounce), included here
    out["filter (typing included)"] = timed(
        page,
        lambda: page.fill("#effective-search", "Encounter 7-149"),
        "document.querySelector('#effective-count').innerText.startsWith('1 of')",
    )
    page.fill("#effective-search", "")
    page.wait_for_function(
        "() => document.querySelectorAll('#effective-rows tr.main').length === 100"
    )
    out["next page"] = timed(
        page,
        lambda: page.click("#effective-pager .next"),
        "document.querySelector('#effective-pager .page-info').innerText.startsWith('101')",
    )
    out["findings tab"] = timed(
        page,
        lambda: page.click("#tab-findings"),
        "document.querySelectorAll('#findings-list .finding').length > 0",
    )
    return out


def editor_figures(work: Path, rows: int, runs: int) -> dict[str, float]:
    """The editor's side, in process: a hover on a row and the code lenses of a file of
    `rows` Initializer rows, every one of them defined again in a second file (the worst
    case: a lens on every row), median ms of `runs`."""
    from bundle_ls.editor.features.effective import also_defined_lenses, effective_hover
    from bundle_ls.editor.view import ProjectView
    from bundle_ls.editor.workspace import Workspace

    folder = work / "editor" / "configuration" / "locations"
    folder.mkdir(parents=True)
    for name, word in (("a.csv", "first"), ("b.csv", "second")):
        lines = ["Uuid,Name,Description"]
        lines += [f"{i:08d}-0000-4000-8000-000000000000,Ward {i},{word} {i}" for i in range(rows)]
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    ws = Workspace.load(work / "editor")
    ws.index_files(ws.discover())
    view = ProjectView(ws)
    rel = "configuration/locations/a.csv"
    hovers, lenses = [], []
    for i in range(runs):
        start = time.perf_counter()
        effective_hover(view, rel, 1 + (i * 997) % rows, 40)
        hovers.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        also_defined_lenses(view, rel)
        lenses.append((time.perf_counter() - start) * 1000)
    return {
        "first hover": hovers[0],
        "hover, median of the next": statistics.median(hovers[1:]),
        "code lenses (one per row)": statistics.median(lenses),
    }


def corpus_root(arg: str | None) -> Path:
    value = arg or os.environ.get("BUNDLE_LS_CORPUS")
    return Path(value) if value else REPO.parent / "shared" / "corpus"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--corpus", default=None)
    ap.add_argument("--objects", type=int, default=20_000)
    ap.add_argument("--editor-rows", type=int, default=10_000)
    ap.add_argument("--write", action="store_true", help="replace its section of BENCHMARKS.md")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    from report_gen import make_config

    work = Path(tempfile.mkdtemp(prefix="bundle-ls-report-bench-"))
    targets: list[tuple[str, Path]] = []
    corpus = corpus_root(args.corpus)
    if corpus.is_dir():
        for repo in sorted(p for p in corpus.iterdir() if p.is_dir()):
            if repo.name != "ugandaemr-metadata":  # not a configuration folder (corpus README)
                targets.append((repo.name, repo))
    big = work / f"generated-{args.objects}"
    make_config(big, args.objects, 20)
    targets.append((f"generated, {args.objects} objects", big))

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        for name, folder in targets:
            html = work / f"{folder.name}.html"
            writes = [write_report(folder, html) for _ in range(args.runs)]
            opens, longest = [], []
            page = None
            for _ in range(args.runs):
                if page is not None:
                    page.close()
                ready, long_task, page = open_report(browser, html)
                opens.append(ready)
                longest.append(long_task)
            model = page.evaluate("window.bundleLsReport.data.summary")
            extra = interactions(page) if folder == big else {}
            page.close()
            rows.append(
                (
                    name,
                    model["files"],
                    model["objects"],
                    html.stat().st_size / 1e6,
                    statistics.median(writes),
                    statistics.median(opens) / 1000,
                    max(longest),
                    extra,
                )
            )
        browser.close()

    editor = editor_figures(work, args.editor_rows, max(args.runs, 3))
    text = section(rows, editor, args)
    print(text)
    if args.write:
        write_section(REPO / "BENCHMARKS.md", text)


BEGIN = "<!-- bench/report_bench.py: begin -->"
END = "<!-- bench/report_bench.py: end -->"


def section(rows: list, editor: dict[str, float], args: argparse.Namespace) -> str:
    load = os.getloadavg()[0]
    out = [
        "## The report and the effective configuration (issue #17)",
        "",
        f"Written by `bench/report_bench.py --write` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: "
        f"median of {args.runs} runs, load average {load:.1f} on {os.cpu_count()} cores. "
        "**write**: a new `bundle-ls report DIR --out FILE --no-cache` process; **open**: "
        "headless Chromium, navigation start to the page's `report-ready` mark.",
        "",
        "| folder | files | objects | page MB | write s | open s | longest task ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, files, objects, mb, w, o, lt, _extra in rows:
        out.append(f"| {name} | {files} | {objects} | {mb:.1f} | {w:.2f} | {o:.2f} | {lt:.0f} |")
    for name, *_rest, extra in rows:
        if extra:
            out += ["", f"{name}: " + ", ".join(f"{k} {v:.0f} ms" for k, v in extra.items())]
    out += [
        "",
        f"The editor, in process, on {args.editor_rows:,} Initializer rows each defined again "
        "in another file: " + ", ".join(f"{k} {v:.0f} ms" for k, v in editor.items()) + ".",
        "",
        "Targets: the largest corpus repository's report written in under 5 s and opened in "
        "under 3 s.",
    ]
    return "\n".join(out)


def write_section(path: Path, text: str) -> None:
    """Replace this script's section of BENCHMARKS.md (append it the first time)."""
    doc = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = f"{BEGIN}\n{text}\n{END}"
    if BEGIN in doc and END in doc:
        doc = doc[: doc.index(BEGIN)] + block + doc[doc.index(END) + len(END) :]
    else:
        doc = doc.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(doc, encoding="utf-8")


if __name__ == "__main__":
    main()
