#!/usr/bin/env python3
"""The benchmark harness: bundle-ls against its peers, on the same data, in one run.

    make bench                      # the full run (about 30-40 minutes on 2 cores)
    .venv/bin/python bench/run.py --quick    # small sizes, a few minutes: checks the harness

It installs what it compares against if missing (outside the repository, in
$BUNDLE_LS_BENCH_HOME or ~/.cache/bundle-ls-bench): yaml-language-server 2.x from npm,
check-jsonschema in a virtualenv of its own, and psutil for this interpreter. Then:

1. makes the corpora in $BUNDLE_LS_BENCH_DATA or /tmp/bundle-ls-bench (bench/corpora.py: gen.py's peer corpus wrapped as Config
   Directories, and the 1,000-file, 100,000-key workspace);
2. batch: `bundle-ls --check` (cold: an empty cache folder each run; warm: the cache of
   the previous run) against `check-jsonschema` on the same YAML files, runs interleaved;
3. servers on one file: bundle-ls and yaml-language-server on gen.py's 10,000-item file;
4. the workspace: bundle-ls alone on the 100,000-key directory (start to all diagnostics,
   cross-file key completion, keystroke in the 10,000-row CSV, memory), and both servers
   on its largest YAML file;
5. the real corpus (issue #5): `bundle-ls --check` on every repository of
   ../shared/corpus (or $BUNDLE_LS_CORPUS), cold and warm, with what it finds;
6. prints a table of medians and ratios and writes BENCHMARKS.md (--out).

Timings are wall-clock medians of --runs runs. The machine is shared: its load average
is recorded with the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

YLS_SPEC = "yaml-language-server@^2"
# check-jsonschema with ruamel.yaml's C parser: without ruamel.yaml.clib it parses in pure
# Python, about 4x slower, which would overstate every ratio against it.
CJS_SPECS = ["check-jsonschema", "ruamel.yaml.clib"]
# Run in the peer's own interpreter: the YAML loader check-jsonschema builds must use the C
# parser of ruamel.yaml.clib.
CJS_C_PARSER_CHECK = """
import ruamel.yaml, _ruamel_yaml
from check_jsonschema.parsers.yaml import construct_yaml_implementation
impl = construct_yaml_implementation()
assert ruamel.yaml.__with_libyaml__, "ruamel.yaml has no libyaml"
assert impl.Parser is _ruamel_yaml.CParser, impl.Parser
assert impl.load("a: [1]") == {"a": [1]}
print(ruamel.yaml.__version__, _ruamel_yaml.__file__)
"""


# ---- peers --------------------------------------------------------------------------------


def peer_home() -> Path:
    return Path(
        os.environ.get("BUNDLE_LS_BENCH_HOME") or Path.home() / ".cache" / "bundle-ls-bench"
    )


def ensure_peers(home: Path) -> dict:
    home.mkdir(parents=True, exist_ok=True)
    try:
        import psutil  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "psutil"], check=True)
    yls = home / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
    if not yls.is_file():
        if not (home / "package.json").is_file():
            subprocess.run(["npm", "init", "-y"], cwd=home, check=True, capture_output=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", YLS_SPEC], cwd=home, check=True
        )
    cjs = home / "venv" / "bin" / "check-jsonschema"
    if not cjs.is_file():
        subprocess.run([sys.executable, "-m", "venv", str(home / "venv")], check=True)
    # again on an existing venv: one made before the C parser was asked for lacks it
    subprocess.run([str(home / "venv" / "bin" / "pip"), "install", "-q", *CJS_SPECS], check=True)
    c_parser = subprocess.run(
        [str(home / "venv" / "bin" / "python"), "-c", CJS_C_PARSER_CHECK],
        capture_output=True,
        text=True,
    )
    if c_parser.returncode != 0:
        raise SystemExit(
            f"bench: check-jsonschema's ruamel.yaml has no C parser:\n{c_parser.stderr}"
        )
    pkg = json.loads((yls.parent.parent / "package.json").read_text())
    cjs_v = subprocess.run([str(cjs), "--version"], capture_output=True, text=True).stdout.strip()
    node_v = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "yls": str(yls),
        "yls_version": pkg["version"],
        "cjs": str(cjs),
        "cjs_version": cjs_v.split()[-1] if cjs_v else "?",
        "cjs_ruamel": c_parser.stdout.split()[0],
        "node": node_v,
    }


def bundle_ls_cmd() -> list[str]:
    return [sys.executable, "-m", "bundle_ls"]


def snapshot(work: Path) -> str:
    """A copy of the package as it is now, which every bundle-ls process of the run imports
    (through PYTHONPATH): edits made to the checkout while the run goes on change neither the
    code measured nor the cache's fingerprint of it. Returns the commit it was taken at."""
    snap = work / "snapshot"
    shutil.rmtree(snap, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "server" / "bundle_ls", snap / "bundle_ls", ignore=ignore)
    if (REPO / "schemas").is_dir():
        shutil.copytree(REPO / "schemas", snap / "bundle_ls" / "_schemas", ignore=ignore)
    # compiled once here, as an installed package is: with PYTHONDONTWRITEBYTECODE set (as
    # on some machines) every bundle-ls process would otherwise compile it again
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(snap)], check=True)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(snap), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    sys.path.insert(0, str(snap))
    head = subprocess.run(
        ["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True, text=True
    )
    return head.stdout.strip() or "?"


# ---- batch ---------------------------------------------------------------------------------


def measure(cmd: list[str], env: dict | None = None, cwd: str | None = None) -> dict:
    """Wall time, peak RSS of the whole process tree (sampled every 10 ms), exit status."""
    import psutil

    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        try:
            root = psutil.Process(p.pid)
        except psutil.Error:
            return
        while not done.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                total = 0
                for q in procs:
                    with contextlib.suppress(psutil.Error):
                        total += q.memory_info().rss
                peak[0] = max(peak[0], total)
            except psutil.Error:
                pass
            done.wait(0.01)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    _, err = p.communicate()
    wall = time.perf_counter() - t0
    done.set()
    th.join()
    if p.returncode not in (0, 1):
        raise RuntimeError(f"{cmd[0]} exited {p.returncode}: {err.decode()[-2000:]}")
    return {"s": wall, "rss_mb": peak[0] / 2**20, "rc": p.returncode}


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def batch(
    name: str,
    root: Path,
    yaml_files: list[str],
    schema: Path,
    peers: dict,
    runs: int,
) -> dict:
    """Interleaved runs: ours cold, ours warm, check-jsonschema; medians of each."""
    ours = bundle_ls_cmd()
    res: dict = {"name": name, "files": len(yaml_files), "runs": runs}
    samples: dict[str, list[dict]] = {"cold": [], "warm": [], "cjs": [], "cold1": []}
    base_env = dict(os.environ)
    base_env.pop("BUNDLE_LS_NO_CACHE", None)
    with tempfile.TemporaryDirectory(prefix="bundle-ls-bench-cache-") as tmp:
        warm_env = {**base_env, "BUNDLE_LS_CACHE_DIR": os.path.join(tmp, "warm")}
        out = measure([*ours, "--check", ".", "--format", "json"], warm_env, str(root))
        res["check_rc"] = out["rc"]
        for i in range(runs):
            cold_env = {**base_env, "BUNDLE_LS_CACHE_DIR": os.path.join(tmp, f"cold{i}")}
            samples["cold"].append(measure([*ours, "--check", "."], cold_env, str(root)))
            samples["warm"].append(measure([*ours, "--check", "."], warm_env, str(root)))
            samples["cjs"].append(
                measure(
                    [peers["cjs"], "--schemafile", str(schema), *yaml_files],
                    base_env,
                    str(root),
                )
            )
            print(
                f"  {name} run {i + 1}/{runs}: cold {samples['cold'][-1]['s']:.2f} s, "
                f"warm {samples['warm'][-1]['s']:.2f} s, "
                f"check-jsonschema {samples['cjs'][-1]['s']:.2f} s",
                flush=True,
            )
        one = {**base_env, "BUNDLE_LS_CACHE_DIR": os.path.join(tmp, "one")}
        samples["cold1"].append(measure([*ours, "--check", ".", "--jobs", "1"], one, str(root)))
    for k, v in samples.items():
        res[k] = {
            "median_s": median([x["s"] for x in v]),
            "min_s": min(x["s"] for x in v),
            "max_s": max(x["s"] for x in v),
            "median_rss_mb": median([x["rss_mb"] for x in v]),
            "samples_s": [round(x["s"], 3) for x in v],
        }
    return res


def workspace_batch(ws: dict, peers: dict, runs: int, need: float) -> dict:
    """`--check` of a bench/corpora.py workspace against check-jsonschema on its YAML files."""
    root = Path(ws["dir"])
    n_files = sum(ws["files"].values())
    print(f"batch: the {ws['total_objects']:,}-key workspace ...", flush=True)
    yfiles = sorted(
        str(p.relative_to(root)) for p in root.rglob("*.yaml") if p.name != "bundle-ls.yaml"
    )
    schema = root / "schemas" / "benchws.schema.json"
    b = batch(f"workspace {ws['total_objects']}", root, yfiles, schema, peers, runs)
    codes: dict[str, int] = {}
    for d in check_json(root)["diagnostics"]:
        codes[d["code"]] = codes.get(d["code"], 0) + 1
    b.update(
        title=f"the workspace: {n_files:,} files, {ws['total_objects']:,} keyed objects",
        issue="#15",
        short=f"{ws['total_objects']:,} keys / {n_files:,} files",
        need=need,
        under_s=20 if ws["total_objects"] >= 100_000 else None,
        what=(
            f"`bench/corpora.py` workspace: {ws['files']['yaml']} YAML files "
            f"({ws['objects']['yaml']:,} objects) and {ws['files']['csv']} CSV files "
            f"({ws['objects']['csv']:,} rows), references across files, 1 % mistakes. "
            "check-jsonschema validates **only the YAML files** against the module schema (it "
            "cannot read the CSV files nor check keys and references); `--check` checks the "
            "whole directory, CSV and cross-file checks included."
        ),
        found=f"bundle-ls found {codes}; the generator planted {ws['expected']}.",
    )
    return b


def initializer_part(work: Path, quick: bool, runs: int, reps: int) -> dict:
    """The Initializer workload (bench/iniz_corpus.py): cold `--check` at two sizes, runs
    interleaved, and the server on the 10,000-row locations.csv of the smaller one."""
    import iniz_corpus
    import lsp_bench

    sizes = (2_000, 10_000) if quick else (20_000, 100_000)
    big = 1_000 if quick else 10_000
    made = []
    for n in sizes:
        d = work / f"iniz_{n}"
        manifest = d / "manifest.json"
        if not manifest.is_file():
            shutil.rmtree(d, ignore_errors=True)
            m = iniz_corpus.make(d, n, big_locations=big)
            keep = ("dir", "files", "planted")
            manifest.write_text(json.dumps({k: m[k] for k in keep}))
        made.append(json.loads(manifest.read_text()))
    ours = bundle_ls_cmd()
    base_env = {k: v for k, v in os.environ.items() if k != "BUNDLE_LS_NO_CACHE"}
    cold: dict[int, list[dict]] = {n: [] for n in sizes}
    with tempfile.TemporaryDirectory(prefix="bundle-ls-bench-iniz-") as tmp:
        for i in range(runs):
            for n, m in zip(sizes, made, strict=True):
                env = {**base_env, "BUNDLE_LS_CACHE_DIR": os.path.join(tmp, f"{n}-{i}")}
                cold[n].append(measure([*ours, "--check", "."], env, m["dir"]))
            print(
                "  run {}/{}: {}".format(
                    i + 1, runs, ", ".join(f"{n:,} rows {cold[n][-1]['s']:.2f} s" for n in sizes)
                ),
                flush=True,
            )
    found = []
    for m in made:
        codes: dict[str, int] = {}
        for d in check_json(Path(m["dir"]))["diagnostics"]:
            codes[d["code"]] = codes.get(d["code"], 0) + 1
        n_files = sum(1 for _ in Path(m["dir"]).rglob("*.csv"))
        found.append(
            {"rows": m["files"]["rows"], "files": n_files, "found": codes, "planted": m["planted"]}
        )
    out: dict = {
        "sizes": list(sizes),
        "cold": {
            n: {
                "median_s": median([x["s"] for x in cold[n]]),
                "min_s": min(x["s"] for x in cold[n]),
                "max_s": max(x["s"] for x in cold[n]),
                "rss_mb": median([x["rss_mb"] for x in cold[n]]),
                "samples_s": [round(x["s"], 3) for x in cold[n]],
            }
            for n in sizes
        },
        "found": found,
        "big_csv": made[0]["files"]["big_locations"],
        "big_rows": big,
    }
    print("  the server on the locations.csv ...", flush=True)
    server = {"name": "bundle-ls", "cmd": [*ours, "--stdio"], "settings": {"bundleLs": {}}}
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    out["server"] = lsp_bench.initializer(
        server, Path(made[0]["dir"]), out["big_csv"], max(reps, 20), logs
    )
    return out


def corpus_runs(corpus: Path, runs: int) -> list[dict]:
    """`--check` on each real repository: cold (empty cache) and warm, medians of `runs`."""
    ours = bundle_ls_cmd()
    base_env = {k: v for k, v in os.environ.items() if k != "BUNDLE_LS_NO_CACHE"}
    out = []
    for repo in sorted(p for p in corpus.iterdir() if p.is_dir()):
        with tempfile.TemporaryDirectory(prefix="bundle-ls-bench-corpus-") as tmp:
            warm_env = {**base_env, "BUNDLE_LS_CACHE_DIR": os.path.join(tmp, "warm")}
            measure([*ours, "--check", str(repo)], warm_env)  # fills the warm cache
            cold, warm = [], []
            for i in range(runs):
                cold_env = {**base_env, "BUNDLE_LS_CACHE_DIR": os.path.join(tmp, f"cold{i}")}
                cold.append(measure([*ours, "--check", str(repo)], cold_env))
                warm.append(measure([*ours, "--check", str(repo)], warm_env))
        out.append(
            {
                "repo": repo.name,
                "summary": check_json(repo)["summary"],
                "cold_s": median([x["s"] for x in cold]),
                "cold_max_s": max(x["s"] for x in cold),
                "warm_s": median([x["s"] for x in warm]),
                "rss_mb": median([x["rss_mb"] for x in cold]),
            }
        )
        print(
            f"  {repo.name}: cold {out[-1]['cold_s']:.2f} s, warm {out[-1]['warm_s']:.2f} s",
            flush=True,
        )
    return out


def check_json(root: Path) -> dict:
    out = subprocess.run(
        [*bundle_ls_cmd(), "--check", ".", "--format", "json", "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


# ---- servers -------------------------------------------------------------------------------


def servers(peers: dict, schema: Path) -> tuple[dict, dict]:
    yls = {
        "name": "yaml-language-server",
        "cmd": ["node", peers["yls"], "--stdio"],
        "settings": {
            "yaml": {
                "schemas": {schema.as_uri(): "*.yaml"},
                "validate": True,
                "completion": True,
                "hover": True,
                "format": {"enable": False},
                "schemaStore": {"enable": False},
                "keyOrdering": False,
            },
            "http": {"proxy": "", "proxyStrictSSL": False},
            "[yaml]": {},
            "editor": {"tabSize": 2},
        },
    }
    ours = {"name": "bundle-ls", "cmd": [*bundle_ls_cmd(), "--stdio"], "settings": {"bundleLs": {}}}
    return yls, ours


# ---- report --------------------------------------------------------------------------------


def ms(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x * 1000:,.0f} ms" if x < 10 else f"{x:,.1f} s"


def sec(x: float | None) -> str:
    return "–" if x is None else f"{x:,.2f} s"


def ratio(peer: float | None, ours: float | None) -> str:
    if not peer or not ours:
        return "–"
    r = peer / ours
    return f"**{r:,.0f}×**" if r >= 10 else f"**{r:,.1f}×**"


def render(r: dict) -> str:
    L: list[str] = []
    env = r["env"]
    L.append("# Benchmarks")
    L.append("")
    L.append(
        "Written by `bench/run.py` (`make bench`); every figure below comes from one run of it, "
        "in which bundle-ls and its peers ran on the same data, interleaved."
    )
    L.append("")
    L.append(f"Reproduce: `{r['command']}`")
    L.append("")
    L.append(
        f"Machine: {env['cpus']} cores, {env['python']}, node {env['node']}; "
        f"yaml-language-server {env['yls_version']}, check-jsonschema {env['cjs_version']} "
        f"(ruamel.yaml {env['cjs_ruamel']} with its C parser, ruamel.yaml.clib: asserted by the "
        "harness in the peer's own interpreter); "
        f"bundle-ls {env['bundle_ls']}. Run of {env['date']} UTC, "
        f"{'quick mode, small sizes' if r['quick'] else 'full sizes'}, {r['runs']} runs per batch figure, "
        f"{r['reps']} edits/opens and {r['completions']} completions per server figure."
    )
    L.append(
        f"Load average (1 min) when the run started: {env['load_start']:.2f}, when it ended: "
        f"{env['load_end']:.2f}. The machine is shared with other work, so single runs vary by "
        "10-35 %: compare the ratios, which come from runs taken side by side. Whole runs "
        "differ too (one server figure, open → diagnostics, has measured 486-785 ms in "
        "full runs at the same code): a figure within that spread of its target can land on "
        "either side of it from one run to the next."
    )
    L.append("")
    L.append("## What changed since the previous figures, and why")
    L.append("")
    L.extend(CHANGES)
    L.append("")
    for b in r["batch"]:
        L.append(f"## Batch: {b['title']}")
        L.append("")
        L.append(b["what"])
        L.append("")
        L.append("| | median | min – max | peak memory (all processes) | ratio |")
        L.append("|---|---|---|---|---|")
        cj = b["cjs"]["median_s"]
        rows = [
            ("check-jsonschema (YAML files only, schema only)", b["cjs"], None),
            ("`bundle-ls --check`, cold (empty cache)", b["cold"], cj),
            ("`bundle-ls --check`, warm (unchanged re-run)", b["warm"], cj),
            ("`bundle-ls --check --jobs 1`, cold (one run)", b["cold1"], cj),
        ]
        for label, s, peer in rows:
            L.append(
                f"| {label} | {sec(s['median_s'])} | {sec(s['min_s'])} – {sec(s['max_s'])} | "
                f"{s['median_rss_mb']:,.0f} MB | {ratio(peer, s['median_s']) if peer else '1×'} |"
            )
        L.append("")
        L.append(f"`--check` exit status {b['check_rc']}; {b['found']}")
        L.append("")
    for s in r["single"]:
        L.append(f"## Servers on one file: {s['title']}")
        L.append("")
        L.append(s["what"])
        L.append("")
        y, o = s["yls"], s["ours"]
        L.append("| measure | yaml-language-server | bundle-ls | ratio |")
        L.append("|---|---|---|---|")
        for label, key in (
            ("open → diagnostics (median)", "open_to_diag_s"),
            ("completion, property name: p50", ("completion_property_s", "p50")),
            ("completion, property name: p95", ("completion_property_s", "p95")),
            ("completion, enum value: p50", ("completion_enum_s", "p50")),
            ("completion, enum value: p95", ("completion_enum_s", "p95")),
            ("keystroke → diagnostics: median", ("change_to_diag_s", "median")),
            ("keystroke → diagnostics: p95 (max of the edits)", ("change_to_diag_s", "max")),
        ):
            yv, ov = _get(y, key), _get(o, key)
            L.append(f"| {label} | {ms(yv)} | {ms(ov)} | {ratio(yv, ov)} |")
        L.append(
            f"| peak memory (VmHWM) | {y['vm_hwm_mb']:,.0f} MB | {o['vm_hwm_mb']:,.0f} MB | "
            f"{ratio(y['vm_hwm_mb'], o['vm_hwm_mb'])} |"
        )
        L.append(
            f"| spawn → `initialize` answered | {sec(y['initialize_s'])} | {sec(o['initialize_s'])} | |"
        )
        L.append("")
        L.append(
            f"Schema diagnostics per open: yaml-language-server {y['schema_diag_counts']}, "
            f"bundle-ls {o['schema_diag_counts']} (expected {o['schema_diag_expected']}). "
            f"Completion labels: property {y['completion_property_labels']} | "
            f"{o['completion_property_labels']}; enum: {len(y['completion_enum_labels'])} | "
            f"{len(o['completion_enum_labels'])} values."
        )
        L.append("")
    w = r.get("workspace")
    if w:
        o, y = w["ours"], w.get("yls")
        L.append(f"## The workspace: {w['title']}")
        L.append("")
        L.append(w["what"])
        L.append("")
        L.append("| measure | bundle-ls | yaml-language-server | ratio | target |")
        L.append("|---|---|---|---|---|")

        def row(label, key, target="", peer=True):
            ov = _get(o, key)
            yv = _get(y, key) if (y and peer) else None
            L.append(f"| {label} | {ms(ov)} | {ms(yv)} | {ratio(yv, ov)} | {target} |")

        nk = f"{w['keys']:,} keys"
        row("server start → all diagnostics published", "start_to_all_diagnostics_s", "", False)
        row("open the largest YAML file → diagnostics", "open_big_yaml_to_diag_s")
        row(
            f"completion of a cross-file key ({nk}): p50",
            ("completion_crossfile_key_s", "p50"),
        )
        row(
            f"completion of a cross-file key ({nk}): p95",
            ("completion_crossfile_key_s", "p95"),
            "< 50 ms",
        )
        row("completion, property name: p95", ("completion_property_s", "p95"))
        row("completion, enum value: p95", ("completion_enum_s", "p95"))
        row("keystroke → diagnostics, largest YAML: median", ("change_yaml_to_diag_s", "median"))
        row("keystroke → diagnostics, largest YAML: p95", ("change_yaml_to_diag_s", "max"))
        row(
            "keystroke → diagnostics, 10,000-row CSV: median",
            ("change_csv_to_diag_s", "median"),
            "",
            False,
        )
        row(
            "keystroke → diagnostics, 10,000-row CSV: p95",
            ("change_csv_to_diag_s", "max"),
            "< 200 ms",
            False,
        )
        L.append(
            f"| peak memory (VmHWM) | {o['vm_hwm_mb']:,.0f} MB | "
            f"{(str(round(y['vm_hwm_mb'])) + ' MB') if y else '–'} | "
            f"{ratio(y['vm_hwm_mb'], o['vm_hwm_mb']) if y else '–'} | < 1 GB |"
        )
        L.append("")
        L.append(
            f"bundle-ls published the diagnostics of every file `--check` reports on, with the same "
            f"counts: {o.get('all_diagnostics_ok')}. Cross-file key completion returned "
            f"{o.get('completion_crossfile_key_count')} items (first: "
            f"{', '.join(o.get('completion_crossfile_key_labels', [])[:3])}); yaml-language-server "
            f"{y.get('completion_crossfile_key_count') if y else '–'}."
        )
        L.append("")
    if r.get("initializer"):
        render_initializer(r["initializer"], L)
    if r.get("corpus"):
        L.append("## The real corpus: `--check` on today's OpenMRS configuration (issue #5)")
        L.append("")
        empty = [c["cold_s"] for c in r["corpus"] if c["summary"]["files"] == 0]
        startup = (
            f" (the time of a repository with no file to check: {sec(min(empty))})" if empty else ""
        )
        L.append(
            "Every repository of `../shared/corpus` (real distributions' Initializer folders and "
            "the YAML beside them), checked in place as `bundle-ls --check <repository>` with the "
            "default `--jobs`. Cold: an empty cache folder; warm: an unchanged re-run. Python "
            f"start-up and imports{startup} are included. Every error is justified in "
            "`tests/corpus/expected_errors.txt`."
        )
        L.append("")
        L.append(
            "| repository | files | errors | warnings | information | hints | cold (median) | cold (max) | warm | peak memory |"
        )
        L.append("|---|---|---|---|---|---|---|---|---|---|")
        for c in r["corpus"]:
            sm = c["summary"]
            L.append(
                f"| {c['repo']} | {sm['files']} | {sm['errors']} | {sm['warnings']} | "
                f"{sm['information']} | {sm['hints']} | {sec(c['cold_s'])} | {sec(c['cold_max_s'])} | "
                f"{sec(c['warm_s'])} | {c['rss_mb']:.0f} MB |"
            )
        L.append("")
    L.append("## Targets")
    L.append("")
    L.append("| issue | target | measured | met |")
    L.append("|---|---|---|---|")
    for t in r["targets"]:
        L.append(f"| {t[0]} | {t[1]} | {t[2]} | {'yes' if t[3] else '**no**'} |")
    L.append("")
    L.append("## Notes")
    L.append("")
    L.extend(r["notes"])
    L.append("")
    return "\n".join(L)


def render_initializer(z: dict, L: list[str]) -> None:
    a, b = z["sizes"]
    ca, cb = z["cold"][a]["median_s"], z["cold"][b]["median_s"]
    L.append("## The Initializer workload (issue #15)")
    L.append("")
    L.append(
        "`bench/iniz_corpus.py`: an Initializer `configuration/` folder of locations with "
        "`Parent` and `Tags` (tags created by the locations that name them), concepts with "
        "`Answers` and `Members`, privileges and roles; one row in 200 has a typo'd reference or "
        "a repeated uuid. No peer reads these folders: the figures are bundle-ls's own, cold "
        "`--check` (empty cache) at two sizes, runs interleaved."
    )
    L.append("")
    L.append(
        "| rows | files | cold `--check` median | min – max | peak memory | findings (planted) |"
    )
    L.append("|---|---|---|---|---|---|")
    for n, f in zip(z["sizes"], z["found"], strict=True):
        c = z["cold"][n]
        L.append(
            f"| {f['rows']:,} | {f['files']:,} | {sec(c['median_s'])} | {sec(c['min_s'])} – {sec(c['max_s'])} | "
            f"{c['rss_mb']:,.0f} MB | {f['found']} ({f['planted']}) |"
        )
    L.append("")
    L.append(
        f"Data grows {b / a:.0f}×, time {cb / ca:.1f}× (python start-up included): "
        f"{cb / ca / (b / a):.2f}× the data growth."
    )
    L.append("")
    s = z.get("server")
    if s:
        L.append(
            f"The server rooted at the {a:,}-row repository (indexed in {sec(s.get('index_s'))}), "
            f"the {z['big_rows']:,}-row `{z['big_csv']}` opened and edited one character at a time "
            f"({s['hover_after_edit_s']['n']} edits of each kind):"
        )
        L.append("")
        L.append("| measure | median | p95 | max |")
        L.append("|---|---|---|---|")
        L.append(f"| open → diagnostics | {ms(s['open_to_diag_s'])} | | |")
        for label, key in (
            ("keystroke in a location's Name (a key) → diagnostics", "edit_name_to_diag_s"),
            ("keystroke in a Description → diagnostics", "edit_description_to_diag_s"),
            ("hover on `Parent` sent right after a keystroke", "hover_after_edit_s"),
        ):
            st = s[key]
            L.append(f"| {label} | {ms(st['median'])} | {ms(st['p95'])} | {ms(st['max'])} |")
        L.append(
            f"| server memory after indexing (RSS) / peak (VmHWM) | "
            f"{s['rss_after_index_mb']:,.0f} MB | | {s['vm_hwm_mb']:,.0f} MB |"
        )
        L.append("")
        L.append(f"Hover answer (start): {s.get('hover_sample', '')!r}")
        L.append("")


def _get(d: dict | None, key):
    if d is None:
        return None
    if isinstance(key, tuple):
        v = d.get(key[0])
        return v.get(key[1]) if isinstance(v, dict) else None
    v = d.get(key)
    if isinstance(v, dict):
        return v.get("median")
    return v


def targets(r: dict) -> list[tuple]:
    out = []
    for b in r["batch"]:
        cj, cold = b["cjs"]["median_s"], b["cold"]["median_s"]
        need = b["need"]
        out.append(
            (
                b["issue"],
                f"`--check` cold at least {need}× faster than check-jsonschema with its C parser "
                f"({b['short']})",
                f"{cj / cold:.1f}× ({sec(cold)} vs {sec(cj)})",
                cj / cold >= need,
            )
        )
        if b.get("under_s"):
            out.append(
                ("#8", f"cold `--check` under {b['under_s']} s", sec(cold), cold < b["under_s"])
            )
    for s in r["single"]:
        y, o = s["yls"], s["ours"]
        k = y["change_to_diag_s"]["median"] / o["change_to_diag_s"]["median"]
        out.append(("#15", "keystroke → diagnostics at least 50× faster", f"{k:,.0f}×", k >= 50))
        op = y["open_to_diag_s"]["median"] / o["open_to_diag_s"]["median"]
        out.append(("#15", "open → diagnostics at least 3× faster", f"{op:,.1f}×", op >= 3))
        cp = max(o["completion_property_s"]["p95"], o["completion_enum_s"]["p95"])
        yp = min(y["completion_property_s"]["p95"], y["completion_enum_s"]["p95"])
        out.append(
            ("#15", "completion p95 at least 200× faster", f"{yp / cp:,.0f}×", yp / cp >= 200)
        )
        m = y["vm_hwm_mb"] / o["vm_hwm_mb"]
        out.append(("#15", "peak memory at least 15× smaller", f"{m:,.1f}×", m >= 15))
    w = r.get("workspace")
    if w:
        o = w["ours"]
        c95 = o["completion_crossfile_key_s"]["p95"]
        out.append(("#8", "cross-file key completion p95 under 50 ms", ms(c95), c95 < 0.05))
        if o.get("change_csv_to_diag_s"):
            k95 = o["change_csv_to_diag_s"]["max"]
            out.append(
                (
                    "#8",
                    "keystroke → diagnostics p95 under 200 ms in the 10,000-row CSV",
                    ms(k95),
                    k95 < 0.2,
                )
            )
        rss = o.get("rss_after_index_mb") or 0
        out.append(
            (
                "#15",
                "server RSS after indexing the 100,000-key workspace under 200 MB",
                f"{rss:,.0f} MB",
                0 < rss < 200,
            )
        )
        out.append(
            (
                "#8",
                "server publishes every file's diagnostics",
                str(o.get("all_diagnostics_ok")),
                bool(o.get("all_diagnostics_ok")),
            )
        )
    z = r.get("initializer")
    if z:
        a, b = z["sizes"]
        g = z["cold"][b]["median_s"] / z["cold"][a]["median_s"] / (b / a)
        out.append(
            (
                "#15",
                "Initializer workload: cold `--check` growth at most 1.6× the data growth",
                f"{g:.2f}×",
                g <= 1.6,
            )
        )
        s = z.get("server") or {}
        for label, key in (
            ("keystroke → diagnostics p95 (Name)", "edit_name_to_diag_s"),
            ("keystroke → diagnostics p95 (Description)", "edit_description_to_diag_s"),
            ("hover-after-edit p95", "hover_after_edit_s"),
        ):
            if s.get(key):
                v = s[key]["p95"]
                out.append(
                    (
                        "#15",
                        f"Initializer {label} under 100 ms in the 10,000-row locations.csv",
                        ms(v),
                        v < 0.1,
                    )
                )
    return out


# ---- main ----------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description="bundle-ls benchmarks against its peers")
    ap.add_argument(
        "--quick", action="store_true", help="small sizes: checks the harness in minutes"
    )
    ap.add_argument("--work", type=Path, default=None, help="where the corpora go")
    ap.add_argument(
        "--runs", type=int, default=None, help="runs per batch figure (default 5, quick 3)"
    )
    ap.add_argument("--reps", type=int, default=None, help="opens/edits per server figure")
    ap.add_argument("--completions", type=int, default=None, help="completion requests per kind")
    ap.add_argument(
        "--only", default="batch,single,workspace,initializer,corpus", help="parts to run"
    )
    ap.add_argument(
        "--out",
        type=Path,
        default=None,
        help="the Markdown report (default BENCHMARKS.md; quick: none)",
    )
    ap.add_argument("--json", type=Path, default=None, help="raw results as JSON")
    args = ap.parse_args()
    quick = args.quick
    runs = args.runs or (3 if quick else 5)
    reps = args.reps or (3 if quick else 5)
    completions = args.completions or (10 if quick else 50)
    parts = set(args.only.split(","))
    home = peer_home()
    # Not under a hidden folder (~/.cache): yaml-language-server's `*.yaml` schema glob
    # does not match paths with a dot-folder in them.
    data = Path(os.environ.get("BUNDLE_LS_BENCH_DATA") or "/tmp/bundle-ls-bench")
    work = args.work or (data / ("quick" if quick else "full"))
    work.mkdir(parents=True, exist_ok=True)
    out_md = args.out if args.out is not None else (None if quick else REPO / "BENCHMARKS.md")

    import corpora

    print(f"peers in {home}", flush=True)
    peers = ensure_peers(home)
    commit = snapshot(work)
    import lsp_bench  # needs psutil, which ensure_peers installs

    load_start = os.getloadavg()[0]
    print("corpora ...", flush=True)
    peer = corpora.make_peer(work)
    if quick:
        ws = corpora.make_workspace(work, total=10_000, files=100, big=1_000)
        ws_mid = corpora.make_workspace(work, total=4_000, files=40, big=400)
        single_n = 1000
    else:
        ws = corpora.make_workspace(work)
        ws_mid = corpora.make_workspace(work, total=40_000, files=400)
        single_n = 10_000
    ws_root = Path(ws["dir"])
    from bundle_ls import __version__

    r: dict = {
        "quick": quick,
        "runs": runs,
        "reps": reps,
        "completions": completions,
        "command": "make bench" if not quick else ".venv/bin/python bench/run.py --quick",
        "batch": [],
        "single": [],
        "env": {
            "cpus": os.cpu_count(),
            "python": f"Python {platform.python_version()}",
            "date": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
            "load_start": load_start,
            "bundle_ls": f"{__version__} (commit {commit})",
            **{k: peers[k] for k in ("yls_version", "cjs_version", "cjs_ruamel", "node")},
        },
        "notes": [],
    }
    manifest = peer["manifest"]
    if "batch" in parts:
        print("batch: gen.py 1,000 files x 20 items ...", flush=True)
        pb = Path(peer["peer_batch"])
        files = sorted(p.name for p in pb.glob("*.yaml") if p.name != "bundle-ls.yaml")
        b = batch("peer", pb, files, pb / "schemas" / "peerbench.schema.json", peers, runs)
        rep = check_json(pb)
        codes: dict[str, int] = {}
        for d in rep["diagnostics"]:
            codes[d["code"]] = codes.get(d["code"], 0) + 1
        b.update(
            title="gen.py's 1,000 files × 20 items (issue #3)",
            issue="#15",
            short="1,000 × 20",
            need=5,
            what=(
                "`../shared/peer-bench/gen.py`'s batch directory (20,000 items, 200 schema violations), "
                "wrapped as described in `bench/corpora.py`; check-jsonschema gets the same files and "
                "the same schema file. check-jsonschema only validates each file; `--check` also "
                "checks keys and references across files (`x-key`, `x-ref`)."
            ),
            found=f"bundle-ls found {codes} (gen.py made {manifest['batch']['violations']} schema violations; "
            "its `pattern` mistakes break keys that other items reference, hence the unresolved references).",
        )
        r["batch"].append(b)
        for wsb, need in ((ws_mid, 5), (ws, 3)):
            r["batch"].append(workspace_batch(wsb, peers, runs, need))
    if "initializer" in parts:
        print("the Initializer workload ...", flush=True)
        r["initializer"] = initializer_part(work, quick, runs, reps)
    if "single" in parts:
        print(f"servers on one file of {single_n:,} items ...", flush=True)
        root = Path(peer["peer_single"])
        schema = root / "schemas" / "peerbench.schema.json"
        yls, ours = servers(peers, schema)
        wrapped = Path(peer["peer_wrapped"])
        warm = (wrapped / "items_100.yaml").read_text()
        text = (wrapped / f"items_{single_n}.yaml").read_text()
        expect = manifest[f"items_{single_n}.yaml"]["violations"]
        outdir = work / "logs"
        outdir.mkdir(exist_ok=True)
        s = {
            "title": f"gen.py's {single_n:,}-item file (issue #4)",
            "what": (
                f"`items_{single_n}.yaml` of gen.py wrapped as `benchConcepts:` (bench/corpora.py); "
                "both servers get the same text and the same schema file. Each server runs in a fresh "
                "process: a 100-item warm-up document, then the opens, completions and one-character "
                "edits described in `bench/lsp_bench.py`. Both servers run with their default "
                "settings: yaml-language-server waits 200 ms before validating (its "
                "`validationDelayMs`, inside its keystroke figures); bundle-ls re-checks the "
                "edited item at once (no debounce: `lsp/rechecks.py`)."
            ),
        }
        for srv in (yls, ours):
            print(f"  {srv['name']} ...", flush=True)
            s["yls" if srv is yls else "ours"] = lsp_bench.single_file(
                srv, root, warm, text, expect, reps, completions, outdir
            )
        r["single"].append(s)
    if "workspace" in parts:
        print("the workspace, servers ...", flush=True)
        rep = check_json(ws_root)
        expected: dict[str, int] = {}
        for d in rep["diagnostics"]:
            expected[d["path"]] = expected.get(d["path"], 0) + 1
        schema = ws_root / "schemas" / "benchws.schema.json"
        yls, ours = servers(peers, schema)
        outdir = work / "logs"
        outdir.mkdir(exist_ok=True)
        w = {
            "keys": ws["total_objects"],
            "title": f"{ws['total_objects']:,} keyed objects in {sum(ws['files'].values()):,} files (issue #8)",
            "what": (
                "bundle-ls is rooted at the whole workspace: it indexes every file and publishes the "
                f"diagnostics of the {len(expected)} files `--check` reports on. Then the largest YAML file "
                f"(`{ws['big_yaml']}`) is opened with the completion edits, and the 10,000-row CSV "
                f"(`{ws['big_csv']}`) is opened and a cell edited. yaml-language-server, rooted at the same "
                "folder with the module schema mapped to `*.yaml`, gets the same largest file and "
                "edits (it has no workspace index and no CSV support)."
            ),
        }
        print("  bundle-ls ...", flush=True)
        w["ours"] = lsp_bench.workspace(
            ours, ws_root, expected, ws["big_yaml"], ws["big_csv"], reps, completions, outdir
        )
        print("  yaml-language-server ...", flush=True)
        w["yls"] = lsp_bench.workspace(
            yls, ws_root, {}, ws["big_yaml"], "", reps, completions, outdir
        )
        r["workspace"] = w
    corpus = Path(os.environ.get("BUNDLE_LS_CORPUS") or REPO.parent / "shared" / "corpus")
    if "corpus" in parts and corpus.is_dir():
        print(f"the real corpus in {corpus} ...", flush=True)
        r["corpus"] = corpus_runs(corpus, runs)
    r["env"]["load_end"] = os.getloadavg()[0]
    r["notes"] = NOTES
    r["targets"] = targets(r)
    md = render(r)
    print(md)
    if out_md:
        out_md.write_text(md + kept_sections(out_md))
        print(f"written {out_md}")
    if args.json:
        args.json.write_text(json.dumps(r, indent=1, default=str))
    return 0


CHANGES = [
    "- **Cold `--check`: the per-item work in C.** A config object's plain value, the walk "
    "that collects its key definitions, references and file paths (with the facts and the "
    "compact JSON they hold), a CSV row's node, the search for unresolved references and "
    "the reduction of facts for pickling are done by a C extension (`bundle_ls._walkfast`) "
    "without Python code per node or per fact; the Python paths stay as the fallback and "
    "property tests hold the two equal. The analysis of the 40,000-key workspace takes about "
    "a third less CPU.",
    '- **Cold `--check`: "did you mean" in one batch.** The suggestions for every unresolved '
    "reference are scored in one pass of rapidfuzz's batch scorer (vectorised across the "
    "words) instead of one scan of the namespace's keys per word: the same answers, in about "
    "a quarter of the time at 40,000 keys.",
    "- **Cold `--check`: less waiting.** The facts cache is written on a thread while the "
    "cross-file checks run; work is cut into tasks that shrink with the work left, so no "
    "worker idles while the other finishes a large task; ruamel.yaml and the permission-rule "
    "parser and checks are imported only when a directory needs them; an item's validator "
    "and walk plan are looked up once per file.",
    "- **The machine.** The same kind of machine as the previous figures (check-jsonschema "
    "takes about as long on the same files), but still a shared one: compare the ratios.",
    "- The peers, corpora, sizes and targets are unchanged (issue #15's, with the older "
    "issues' targets that still apply).",
]


def kept_sections(path: Path) -> str:
    """Sections other scripts write into BENCHMARKS.md between their own markers
    (`<!-- bench/NAME.py: begin -->` … `end -->`): kept, after this run's text."""
    try:
        old = path.read_text()
    except OSError:
        return ""
    out = []
    start = 0
    while (i := old.find("<!-- bench/", start)) >= 0 and ": begin -->" in old[i : i + 80]:
        head = old[i : old.index("-->", i) + 3]
        end_mark = head.replace(": begin -->", ": end -->")
        j = old.find(end_mark, i)
        if j < 0:
            break
        out.append(old[i : j + len(end_mark)])
        start = j + len(end_mark)
    return "".join("\n" + s + "\n" for s in out)


NOTES = [
    "- The corpora and the exact transformation of gen.py's schema and files into a Config "
    "Directory (both servers and check-jsonschema get the same bytes) are described in "
    "`bench/README.md`.",
    "- **Cold** `--check` runs with an empty cache folder (`BUNDLE_LS_CACHE_DIR` pointing at a "
    "fresh folder); the operating system's file cache is warm for every tool alike. **Warm** re-runs "
    "the same unchanged directory with the cache the previous run left: per-file results are reused "
    "by content hash; when nothing the result depends on has changed (every file's content, "
    "the size and time of every other file), the last result is replayed (`batch/replay.py`).",
    "- `--check` parses and validates in one worker process per core, largest files first; "
    "`--jobs 1` shows the same work on one core.",
    "- Memory of a batch run is the peak of the sum of the resident sets of the process and its "
    "workers, sampled every 10 ms. Server memory is the server process's VmHWM.",
    "- Keystroke → diagnostics is the time from sending a one-character `didChange` to receiving "
    "`publishDiagnostics` for that document version; it includes yaml-language-server's "
    "200 ms debounce (bundle-ls has none).",
    "- Hover after an edit: a one-character `didChange`, then at once a `textDocument/hover`; "
    "the hover's round trip as the client sees it.",
    "- Completion is the round trip of `textDocument/completion` as the client sees it.",
]


if __name__ == "__main__":
    if shutil.which("node") is None:
        sys.exit("bench: node (and npm) are needed for yaml-language-server")
    sys.exit(main())
