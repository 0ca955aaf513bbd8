"""Drive a language server over stdio and time what a person waits for.

The JSON-RPC client (`Client`) is adapted from ../shared/peer-bench/lsp_driver.py, the
project's shared peer-baseline driver: same framing, same answers to the server's
requests (`workspace/configuration`, progress tokens, registrations), same memory
measures (VmHWM of the server process, and a 20 ms RSS sampler).

Scenarios (each starts a fresh server process):

* `single_file`: the flow of the peer baseline on one file, for both servers alike. The
  workspace folder holds only `bundle-ls.yaml` and the schema; every document is opened
  at a fresh URI that is not on disk (so bundle-ls never sees two copies of one key):
  warm-up open of a 100-item file, then REPS x (open the big file → diagnostics, close),
  then a completion variant of it (one item without `description`/`retired` and with an
  indented blank line: property-name completion; the next item's `datatype: ` emptied:
  enum completion) → COMPLETIONS requests of each kind, then REPS one-character edits
  (`#` appended at the end of the file) → diagnostics.
* `workspace`: a server rooted at a whole Config Directory. Time from spawn until every
  file that `--check` reports on has had its diagnostics published with the same count
  (bundle-ls; yaml-language-server only answers for open files); then the largest YAML
  file is opened and edited as above (property, enum and cross-file key completion), and
  the 10,000-row CSV is opened and one cell edited REPS times → diagnostics.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import subprocess
import threading
import time
from pathlib import Path

import psutil


class Client:
    def __init__(self, cmd: list[str], settings: dict, stderr_path: str, cwd: str | None = None):
        self.settings = settings
        self.t_spawn = time.perf_counter()
        self.p = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=open(stderr_path, "ab"),  # noqa: SIM115 - lives as long as the process
            cwd=cwd,
        )
        self.proc = psutil.Process(self.p.pid)
        self.next_id = 0
        self.lock = threading.Lock()
        self.cond = threading.Condition()
        self.responses: dict = {}
        self.diags: list = []  # (t_recv, uri, version, diagnostics)
        self.progress_end: float | None = None
        self.server_requests: list[str] = []
        self.rss_max = 0
        self._stop = False
        threading.Thread(target=self._reader, daemon=True).start()
        threading.Thread(target=self._rss_sampler, daemon=True).start()

    def _write(self, msg: dict) -> None:
        body = json.dumps(msg).encode()
        with self.lock:
            self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.p.stdin.flush()

    def _reader(self) -> None:
        f = self.p.stdout
        while True:
            length = None
            while True:
                line = f.readline()
                if not line:
                    with self.cond:
                        self.cond.notify_all()
                    return
                line = line.strip()
                if not line:
                    break
                k, _, v = line.partition(b":")
                if k.lower() == b"content-length":
                    length = int(v)
            body = f.read(length)
            t = time.perf_counter()
            msg = json.loads(body)
            if "method" in msg and "id" in msg:
                self._answer_server_request(msg)
            elif "id" in msg:
                with self.cond:
                    self.responses[msg["id"]] = (t, msg)
                    self.cond.notify_all()
            elif msg.get("method") == "textDocument/publishDiagnostics":
                pr = msg["params"]
                with self.cond:
                    self.diags.append((t, pr["uri"], pr.get("version"), pr["diagnostics"]))
                    self.cond.notify_all()
            elif (
                msg.get("method") == "$/progress"
                and (msg["params"].get("value") or {}).get("kind") == "end"
            ):
                with self.cond:
                    self.progress_end = t
                    self.cond.notify_all()

    def _answer_server_request(self, msg: dict) -> None:
        m = msg["method"]
        self.server_requests.append(m)
        result = None
        if m == "workspace/configuration":
            result = [self.settings.get(it.get("section"), {}) for it in msg["params"]["items"]]
        self._write({"jsonrpc": "2.0", "id": msg["id"], "result": result})

    def _rss_sampler(self) -> None:
        while not self._stop:
            try:
                self.rss_max = max(self.rss_max, self.proc.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(0.02)

    def notify(self, method: str, params) -> float:
        t = time.perf_counter()
        self._write({"jsonrpc": "2.0", "method": method, "params": params})
        return t

    def request(self, method: str, params, timeout: float = 600):
        self.next_id += 1
        rid = self.next_id
        t0 = time.perf_counter()
        self._write({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        with self.cond:
            ok = self.cond.wait_for(
                lambda: rid in self.responses or self.p.poll() is not None, timeout
            )
            if not ok or rid not in self.responses:
                raise TimeoutError(f"{method}: no answer")
            t1, msg = self.responses.pop(rid)
        if "error" in msg:
            raise RuntimeError(f"{method}: {msg['error']}")
        return msg.get("result"), t1 - t0

    def wait_diag(self, uri: str, after: float, timeout: float = 600, version=None):
        def find():
            for rec in self.diags:
                if (
                    rec[1] == uri
                    and rec[0] > after
                    and (version is None or rec[2] in (None, version))
                ):
                    return rec
            return None

        with self.cond:
            rec = self.cond.wait_for(find, timeout)
        if rec is None:
            raise TimeoutError(f"diagnostics for {uri}")
        return rec

    def wait(self, predicate, timeout: float):
        with self.cond:
            return self.cond.wait_for(predicate, timeout)

    def vm_hwm_mb(self) -> float:
        with open(f"/proc/{self.p.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def shutdown(self) -> None:
        try:
            self.request("shutdown", None, timeout=30)
            self.notify("exit", None)
            self.p.wait(timeout=10)
        except Exception:
            pass
        finally:
            self._stop = True
            if self.p.poll() is None:
                self.p.kill()  # only our own child, by its handle
                self.p.wait()


def stats(xs: list[float]) -> dict:
    xs = sorted(xs)

    def pct(q: float):
        if not xs:
            return None
        k = max(0, min(len(xs) - 1, int(round(q * (len(xs) - 1)))))
        return xs[k]

    return {
        "n": len(xs),
        "median": statistics.median(xs) if xs else None,
        "min": xs[0] if xs else None,
        "max": xs[-1] if xs else None,
        "p50": pct(0.5),
        "p95": pct(0.95),
    }


CAPS = {
    "workspace": {
        "configuration": True,
        "didChangeConfiguration": {"dynamicRegistration": False},
        "workspaceFolders": True,
    },
    "window": {"workDoneProgress": True},
    "textDocument": {
        "synchronization": {"dynamicRegistration": False, "didSave": True},
        "completion": {
            "completionItem": {
                "snippetSupport": True,
                "documentationFormat": ["markdown", "plaintext"],
            }
        },
        "publishDiagnostics": {"relatedInformation": True, "versionSupport": True},
        "hover": {"contentFormat": ["markdown", "plaintext"]},
    },
}


def start(server: dict, root: Path, outdir: Path) -> tuple[Client, float]:
    """Spawn and initialize; returns the client and seconds to the `initialize` answer."""
    settings = server.get("settings", {})
    c = Client(server["cmd"], settings, str(outdir / f"{server['name']}.stderr"), cwd=str(root))
    uri = root.as_uri()
    _, _dt = c.request(
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": uri,
            "workspaceFolders": [{"uri": uri, "name": root.name}],
            "capabilities": CAPS,
            "initializationOptions": server.get("init_options"),
        },
    )
    t_init = time.perf_counter() - c.t_spawn
    c.notify("initialized", {})
    c.notify("workspace/didChangeConfiguration", {"settings": settings})
    return c, t_init


def _open(c: Client, uri: str, text: str, lang: str = "yaml") -> float:
    return c.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": lang, "version": 1, "text": text}},
    )


def _close(c: Client, uri: str, settle: float = 3.0) -> None:
    t = c.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    with contextlib.suppress(TimeoutError):  # most servers clear a closed file's diagnostics
        c.wait_diag(uri, t, timeout=settle)


def _complete(c: Client, uri: str, pos: tuple[int, int], n: int) -> tuple[dict, list[str], int]:
    lat, labels, count = [], [], 0
    for i in range(n):
        result, dt = c.request(
            "textDocument/completion",
            {
                "textDocument": {"uri": uri},
                "position": {"line": pos[0], "character": pos[1]},
                "context": {"triggerKind": 1},
            },
        )
        lat.append(dt)
        if i == 0:
            items = result["items"] if isinstance(result, dict) else (result or [])
            count = len(items)
            labels = sorted(it["label"] for it in items)[:12]
    return stats(lat), labels, count


def _edits(c: Client, uri: str, pos_of, reps: int, first_version: int) -> tuple[dict, list[int]]:
    """REPS one-character insertions at pos_of(r) → the next diagnostics of that version."""
    times, counts = [], []
    for r in range(reps):
        line, ch = pos_of(r)
        version = first_version + r
        t0 = c.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [
                    {
                        "range": {
                            "start": {"line": line, "character": ch},
                            "end": {"line": line, "character": ch},
                        },
                        "text": "#" if pos_of.__name__ != "csv" else "x",
                    }
                ],
            },
        )
        rec = c.wait_diag(uri, t0, version=version)
        times.append(rec[0] - t0)
        counts.append(len(rec[3]))
        time.sleep(0.3)  # let any late publish of this edit pass before the next
    return stats(times), counts


def completion_doc(text: str, item_prefix: str) -> tuple[str, tuple[int, int], tuple[int, int]]:
    """The completion variant of a file of items starting with `item_prefix` ("- key:" lines
    indented by the prefix's indentation): in the middle item drop description/retired
    and add a blank indented line (property position); in the next item empty the
    datatype value (enum position)."""
    ind = item_prefix[: len(item_prefix) - len(item_prefix.lstrip())]
    body = ind + "  "
    lines = text.split("\n")
    starts = [i for i, ln in enumerate(lines) if ln.startswith(item_prefix)]
    mid = len(starts) // 2
    a, b = starts[mid], starts[mid + 1]
    item = [
        ln for ln in lines[a:b] if not ln.startswith((body + "description:", body + "retired:"))
    ]
    item.insert(2, body)
    prop_pos = (a + 2, len(body))
    lines[a:b] = item
    starts = [i for i, ln in enumerate(lines) if ln.startswith(item_prefix)]
    c, d = starts[mid + 1], starts[mid + 2]
    enum_pos = None
    for i in range(c, d):
        if lines[i].startswith(body + "datatype:"):
            lines[i] = body + "datatype: "
            enum_pos = (i, len(lines[i]))
            break
    return "\n".join(lines), prop_pos, enum_pos


def single_file(
    server: dict,
    root: Path,
    warm_text: str,
    text: str,
    expect_schema: int,
    reps: int,
    completions: int,
    outdir: Path,
) -> dict:
    res: dict = {"server": server["name"]}
    c, res["initialize_s"] = start(server, root, outdir)
    try:
        time.sleep(1.0)  # settings pulled, workspace (schemas only) indexed
        uri = (root / "warmup_x.yaml").as_uri()
        t0 = _open(c, uri, warm_text)
        res["cold_first_diag_s"] = c.wait_diag(uri, t0)[0] - t0
        _close(c, uri)
        open_t, counts = [], []
        for r in range(reps):
            uri = (root / f"big_r{r}_x.yaml").as_uri()
            t0 = _open(c, uri, text)
            rec = c.wait_diag(uri, t0)
            open_t.append(rec[0] - t0)
            counts.append(_schema_count(rec[3]))
            _close(c, uri)
        res["open_to_diag_s"] = stats(open_t)
        res["schema_diag_counts"] = counts
        res["schema_diag_expected"] = expect_schema
        ctext, ppos, epos = completion_doc(text, "  - key:")
        curi = (root / "completion_x.yaml").as_uri()
        t0 = _open(c, curi, ctext)
        c.wait_diag(curi, t0)
        for label, pos in (("property", ppos), ("enum", epos)):
            st, labels, _n = _complete(c, curi, pos, completions)
            res[f"completion_{label}_s"] = st
            res[f"completion_{label}_labels"] = labels
        nlines = ctext.count("\n")

        def eof(r: int) -> tuple[int, int]:
            return nlines, r

        res["change_to_diag_s"], res["change_diag_counts"] = _edits(c, curi, eof, reps, 2)
        res["vm_hwm_mb"] = c.vm_hwm_mb()
        res["rss_sampled_max_mb"] = c.rss_max / 2**20
    finally:
        c.shutdown()
    return res


def _schema_count(diags: list[dict]) -> int:
    """Diagnostics of JSON Schema violations (yaml-language-server's have no code of ours)."""
    return sum(
        1
        for d in diags
        if d.get("code") == "schema" or str(d.get("source", "")).startswith("yaml-schema")
    )


def workspace(
    server: dict,
    root: Path,
    expected: dict[str, int],
    big_yaml: str,
    big_csv: str,
    reps: int,
    completions: int,
    outdir: Path,
    index_timeout: float = 600,
) -> dict:
    """`expected`: path → number of diagnostics `--check` reports (bundle-ls only)."""
    res: dict = {"server": server["name"]}
    c, res["initialize_s"] = start(server, root, outdir)
    try:
        if expected:
            want = {(root / p).as_uri(): n for p, n in expected.items()}

            def all_published() -> bool:
                last: dict[str, int] = {}
                for _t, uri, _v, d in c.diags:
                    last[uri] = len(d)
                return all(last.get(u) == n for u, n in want.items())

            ok = c.wait(all_published, index_timeout)
            res["all_diagnostics_ok"] = bool(ok)
            res["start_to_all_diagnostics_s"] = (
                max(t for t, uri, _v, _d in c.diags if uri in want) - c.t_spawn if ok else None
            )
            res["published_files"] = len({uri for _t, uri, _v, _d in c.diags})
            res["progress_end_s"] = (c.progress_end - c.t_spawn) if c.progress_end else None
            res["rss_after_index_mb"] = c.proc.memory_info().rss / 2**20
        else:
            time.sleep(1.0)
        text = (root / big_yaml).read_text()
        ctext, ppos, epos = completion_doc(text, "  - key:")
        # the cross-file key position: an `answers` entry of the completion item, cut to "c.05"
        lines = ctext.split("\n")
        ref_line = next(i for i in range(ppos[0], len(lines)) if lines[i].startswith("      - c."))
        lines[ref_line] = "      - c.05"
        ctext = "\n".join(lines)
        rpos = (ref_line, len(lines[ref_line]))
        uri = (root / big_yaml).as_uri()
        t0 = _open(c, uri, ctext)
        rec = c.wait_diag(uri, t0)
        res["open_big_yaml_to_diag_s"] = rec[0] - t0
        res["open_big_yaml_diag_count"] = len(rec[3])
        for label, pos in (("property", ppos), ("enum", epos), ("crossfile_key", rpos)):
            st, labels, n = _complete(c, uri, pos, completions)
            res[f"completion_{label}_s"] = st
            res[f"completion_{label}_labels"] = labels
            res[f"completion_{label}_count"] = n
        nlines = ctext.count("\n")

        def eof(r: int) -> tuple[int, int]:
            return nlines, r

        res["change_yaml_to_diag_s"], res["change_yaml_counts"] = _edits(c, uri, eof, reps, 2)
        if big_csv:
            csv_text = (root / big_csv).read_text()
            curi = (root / big_csv).as_uri()
            t0 = _open(c, curi, csv_text, "csv")
            rec = c.wait_diag(curi, t0, timeout=120)
            res["open_big_csv_to_diag_s"] = rec[0] - t0
            rows = csv_text.split("\n")
            row = len(rows) // 2
            name_end = len(rows[row].split(",")[0]) + 1 + len(rows[row].split(",")[1])

            def csv(r: int) -> tuple[int, int]:
                return row, name_end + r

            res["change_csv_to_diag_s"], res["change_csv_counts"] = _edits(c, curi, csv, reps, 2)
        res["vm_hwm_mb"] = c.vm_hwm_mb()
        res["rss_sampled_max_mb"] = c.rss_max / 2**20
    finally:
        c.shutdown()
    return res


def initializer(
    server: dict,
    root: Path,
    big_csv: str,
    reps: int,
    outdir: Path,
    index_timeout: float = 900,
) -> dict:
    """The Initializer workload (bench/iniz_corpus.py): a server rooted at the repository;
    after indexing, the 10,000-row `locations.csv` is opened and edited REPS times in a
    location's Name (a key other rows' `Parent` may name) and REPS times in its
    Description (no key), each edit → its diagnostics; and REPS times an edit followed at
    once by a hover on that row's `Parent` cell, the hover's round trip timed."""
    res: dict = {"server": server["name"]}
    c, res["initialize_s"] = start(server, root, outdir)
    try:
        ok = c.wait(lambda: c.progress_end is not None, index_timeout)
        res["index_s"] = (c.progress_end - c.t_spawn) if ok else None
        res["rss_after_index_mb"] = c.proc.memory_info().rss / 2**20
        text = (root / big_csv).read_text()
        uri = (root / big_csv).as_uri()
        t0 = _open(c, uri, text, "csv")
        rec = c.wait_diag(uri, t0, timeout=300)
        res["open_to_diag_s"] = rec[0] - t0
        res["open_diag_count"] = len(rec[3])
        rows = text.split("\n")
        first = len(rows) // 2

        def cells(line: int) -> list[int]:
            """Column of the end of each cell of a row (uuid, name, description, parent)."""
            ends, at = [], 0
            for cell in rows[line].split(",")[:4]:
                at += len(cell)
                ends.append(at)
                at += 1
            return ends

        version = [1]

        def typed(line: int, col: int, r: int) -> float:
            version[0] += 1
            return c.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": version[0]},
                    "contentChanges": [
                        {
                            "range": {
                                "start": {"line": line, "character": col + r},
                                "end": {"line": line, "character": col + r},
                            },
                            "text": "x",
                        }
                    ],
                },
            )

        for label, cell in (("name", 1), ("description", 2)):
            times = []
            for r in range(reps):
                line = first + 3 * r + (1 if label == "description" else 0)
                t0 = typed(line, cells(line)[cell], 0)
                times.append(c.wait_diag(uri, t0, version=version[0])[0] - t0)
                time.sleep(0.2)
            res[f"edit_{label}_to_diag_s"] = stats(times)
        hovers, hover_text = [], ""
        for r in range(reps):
            line = first + 3 * r + 2
            ends = cells(line)
            t0 = typed(line, ends[1], 0)
            pos = {"line": line, "character": ends[2] + 3}
            result, dt = c.request(
                "textDocument/hover", {"textDocument": {"uri": uri}, "position": pos}
            )
            hovers.append(dt)
            if result and not hover_text:
                contents = result.get("contents")
                hover_text = contents.get("value", "") if isinstance(contents, dict) else ""
            c.wait_diag(uri, t0, version=version[0])
            time.sleep(0.2)
        res["hover_after_edit_s"] = stats(hovers)
        res["hover_sample"] = hover_text[:120]
        res["vm_hwm_mb"] = c.vm_hwm_mb()
    finally:
        c.shutdown()
    return res
