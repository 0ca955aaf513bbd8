"""The report page (`bundle-ls report`) opened in real Chromium, headless.

Reports are written by the installed `bundle-ls` for the example, for two repositories of
the corpus and for a generated 20,000-object directory; each is opened from its file (no
server), and what a person sees is read from the rendered page: the counts, the graph's
nodes, the objects of a clicked node, the findings and their filters, the effective
configuration, the changes since a baseline. No page may log a console error or make a
network request. Screenshots go to test-artifacts/report-*.png.

Playwright (PyPI, the `browser` extra) drives Debian's Chromium; `make test-editors`
installs both.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
EXAMPLE = REPO / "examples" / "config"
CORPUS_REPOS = (
    "palladiumkenya__openmrs-config-kenyaemr",
    "openmrs__openmrs-content-referenceapplication-demo",
)
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _chromium() -> str:
    path = os.environ.get("BUNDLE_LS_E2E_CHROMIUM") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail(f"{path} does not exist: run tests/editors/setup.sh or make test-editors")
    return path


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: make test-editors installs it ('.[browser]')")
    with sync_playwright() as p:
        # a fresh temporary profile per launch (Playwright's default)
        b = p.chromium.launch(executable_path=_chromium(), headless=True, args=CHROMIUM_FLAGS)
        yield b
        b.close()


class Opened:
    """A report page in a browser tab, with what it logged and requested."""

    def __init__(self, browser, html: Path) -> None:
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on(
            "request",
            lambda r: (
                None
                if r.url.startswith(("file:", "data:", "about:"))
                else self.requests.append(r.url)
            ),
        )
        self.page.goto(html.as_uri())
        # predicates as functions: the page's Content-Security-Policy forbids evaluating strings
        self.page.wait_for_function("() => window.bundleLsReport && window.bundleLsReport.ready")

    def text(self, selector: str) -> str:
        return self.page.inner_text(selector).strip()

    def number(self, selector: str) -> int:
        return int(self.text(selector))

    def tab(self, name: str) -> None:
        self.page.click(f"#tab-{name}")
        self.page.wait_for_selector(f"#sec-{name}:not([hidden])")

    def graph_nodes(self) -> list[str]:
        return self.page.evaluate("window.bundleLsReport.cy.nodes().map(n => n.id())")

    def click_node(self, namespace: str) -> None:
        """Click the node on the canvas where a person would."""
        x, y = self.page.evaluate(
            """ns => { const cy = window.bundleLsReport.cy; const n = cy.getElementById(ns);
                 cy.center(n); const p = n.renderedPosition();
                 const box = cy.container().getBoundingClientRect();
                 return [box.left + p.x, box.top + p.y]; }""",
            namespace,
        )
        self.page.mouse.click(x, y)
        self.page.wait_for_selector("#node-title")

    def shot(self, artifacts: Path, name: str) -> None:
        self.page.screenshot(path=str(artifacts / f"report-{name}.png"))

    def close(self) -> None:
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.requests == [], f"the page fetched: {self.requests}"
        self.page.close()


def _report(server_bin: Path, folder: Path, out: Path, *extra: str) -> Path:
    proc = subprocess.run(
        [str(server_bin), "report", str(folder), "--out", str(out), "--no-cache", *extra],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return out


def _check_json(server_bin: Path, folder: Path) -> dict:
    proc = subprocess.run(
        [str(server_bin), "--check", str(folder), "--format", "json", "--no-cache"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def _corpus() -> Path:
    value = os.environ.get("BUNDLE_LS_CORPUS")
    root = Path(value) if value else REPO.parent / "shared" / "corpus"
    if not all((root / r).is_dir() for r in CORPUS_REPOS):
        pytest.fail(f"the corpus is not at {root}: set BUNDLE_LS_CORPUS")
    return root


def _assert_counts_match_check(page: Opened, check: dict) -> None:
    """The page's numbers are those of `--check --format json` for the same folder."""
    s = check["summary"]
    assert page.number("#summary-files") == s["files"]
    assert page.number("#summary-errors") == s["errors"]
    assert page.number("#summary-warnings") == s["warnings"]
    assert page.number("#summary-information") == s["information"]
    assert page.number("#summary-hints") == s["hints"]
    assert page.number("#summary-objects") == sum(check["objects"]["namespaces"].values())
    assert page.number("#summary-namespaces") == len(check["objects"]["namespaces"])
    assert set(check["objects"]["namespaces"]) <= set(page.graph_nodes())
    rows = page.page.eval_on_selector_all(
        "#namespace-table tbody tr", "rs => rs.map(r => [r.dataset.ns, +r.cells[1].innerText])"
    )
    shown = {ns: n for ns, n in rows if n}
    assert shown == check["objects"]["namespaces"]


# ---- the example -----------------------------------------------------------------------------


def test_example_report(browser, server_bin, tmp_path, artifacts):
    html = _report(server_bin, EXAMPLE, tmp_path / "example.html")
    check = _check_json(server_bin, EXAMPLE)
    page = Opened(browser, html)
    _assert_counts_match_check(page, check)
    assert page.text("#modules-assumed").startswith("encounters, htmlformentry, locations")
    assert page.number("#summary-conflicts") == 2

    # the graph: one node per namespace, the misspelt references' edges in red
    nodes = page.graph_nodes()
    assert sorted(nodes) == sorted(check["objects"]["namespaces"])
    red = page.page.evaluate(
        "window.bundleLsReport.cy.edges('.bad').map(e => [e.source().id(), e.target().id(), e.data('label')])"
    )
    assert sorted(red) == [
        ["htmlForms", "encounterTypes", "1 unresolved"],
        ["permissionRules", "roles", "1 unresolved"],  # `Clinican` in a rule's condition
    ]
    page.click_node("locations")
    assert page.text("#node-title") == "locations"
    assert page.text("#node-counts").startswith("5 objects in 2 files")
    listed = page.page.eval_on_selector_all("#node-objects li a", "as => as.map(a => a.innerText)")
    assert sorted(listed) == [
        "Diabetes Clinic",
        "Kigali District Hospital",
        "Medical Ward",
        "Outpatient Department",
        "Rwinkwavu Health Centre",
    ]
    # zoom works (buttons; the wheel is Cytoscape's own)
    before = page.page.evaluate("window.bundleLsReport.cy.zoom()")
    page.page.click("#graph-zoom-in")
    assert page.page.evaluate("window.bundleLsReport.cy.zoom()") > before
    page.shot(artifacts, "example-overview")

    # findings: grouped by code, with source lines, filtered by severity, code, folder, search
    page.tab("findings")
    total = len(check["diagnostics"])
    assert page.text("#findings-count") == f"{total} of {total} findings"
    groups = page.page.eval_on_selector_all(
        "#findings-list .group", "gs => gs.map(g => g.dataset.code)"
    )
    assert groups == sorted({d["code"] for d in check["diagnostics"]})
    typo = page.page.locator(
        '.finding[data-code="unresolved-reference"]', has_text="bundles/diabetes/forms.yaml"
    )
    assert "bundles/diabetes/forms.yaml:11:20" in typo.inner_text()
    assert (
        typo.locator("pre.src span.hit")
        .inner_text()
        .strip()
        .endswith("encounterType: Diabetes Folow-up")
    )
    page.page.uncheck('input[name="severity"][value="error"]')
    errors = sum(1 for d in check["diagnostics"] if d["severity"] == "error")
    assert page.text("#findings-count") == f"{total - errors} of {total} findings"
    page.page.check('input[name="severity"][value="error"]')
    page.page.select_option("#findings-code", "conflict")
    assert page.page.locator("#findings-list .finding").count() == 2
    page.page.select_option("#findings-code", "")
    page.page.select_option("#findings-folder", "bundles/country")
    country = sum(1 for d in check["diagnostics"] if d["path"].startswith("bundles/country/"))
    assert page.page.locator("#findings-list .finding").count() == country
    page.page.select_option("#findings-folder", "")
    page.page.fill("#findings-search", "did you mean")  # the two misspelt references
    page.page.wait_for_function(
        "() => document.querySelector('#findings-count').innerText.startsWith('2 of')"
    )
    page.shot(artifacts, "example-findings")

    # the effective configuration: the conflicting tag, and what differs
    page.tab("effective")
    page.page.select_option("#effective-status", "conflict")
    assert page.text("#effective-count") == "2 of 33 keys"  # 3 of them permission rules
    row = page.page.locator("#effective-rows tr.main", has_text="Login Location")
    assert "bundles/country/locations.yaml:3" in row.inner_text()
    row.click()
    detail = page.text("#effective-rows tr.detail")
    assert "bundles/diabetes/forms.yaml:16" in detail and "differs in description" in detail
    page.shot(artifacts, "example-effective")

    # the global search box leads to what matches: the hospital, two wards whose parent it
    # is, and the default location setting
    page.page.select_option("#effective-status", "")
    page.tab("overview")
    page.page.fill("#global-search", "Kigali District")
    page.page.wait_for_selector("#sec-effective:not([hidden])")
    rows = page.page.locator("#effective-rows tr.main")
    assert rows.count() == 4
    assert all("Kigali District" in t for t in rows.all_inner_texts())

    # a summary card leads to the findings it counts
    page.page.fill("#global-search", "")
    page.tab("overview")
    page.page.click(".card.sev-error")
    page.page.wait_for_selector("#sec-findings:not([hidden])")
    assert page.text("#findings-count") == f"{errors} of {total} findings"
    page.close()


def test_example_report_with_a_baseline(browser, server_bin, tmp_path, artifacts):
    config = tmp_path / "config"
    shutil.copytree(EXAMPLE, config)
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps(_check_json(server_bin, config)))
    forms = config / "bundles" / "diabetes" / "forms.yaml"
    forms.write_text(
        "# reviewed\n" + forms.read_text().replace("Diabetes Folow-up", "Diabetes Follow-up")
    )
    roles = config / "bundles" / "country" / "roles.yaml"
    roles.write_text(roles.read_text().replace("[View Encounters]", "[View Encounter]"))
    html = _report(server_bin, config, tmp_path / "review.html", "--baseline", str(baseline))
    page = Opened(browser, html)
    assert page.number("#summary-new") == 1
    assert page.number("#summary-fixed") == 1
    page.tab("changes")
    new = page.page.locator("#changes-new .finding")
    assert new.count() == 1
    assert (
        "View Encounter'" in new.inner_text()
        and "bundles/country/roles.yaml:21:18" in new.inner_text()
    )
    fixed = page.page.locator("#changes-fixed .finding")
    assert fixed.count() == 1 and "Diabetes Folow-up" in fixed.inner_text()
    page.shot(artifacts, "example-changes")
    page.tab("findings")
    page.page.check("#findings-new")
    assert page.page.locator("#findings-list .finding .badge-new").count() == 1
    page.close()


# ---- two corpus repositories ---------------------------------------------------------------------


@pytest.mark.parametrize("repo", CORPUS_REPOS)
def test_corpus_report(browser, server_bin, tmp_path, artifacts, repo):
    folder = _corpus() / repo
    html = _report(server_bin, folder, tmp_path / f"{repo}.html")
    check = _check_json(server_bin, folder)
    page = Opened(browser, html)
    _assert_counts_match_check(page, check)
    # the largest domain's node lists its objects, as many as the check counted
    ns, n = max(check["objects"]["namespaces"].items(), key=lambda kv: kv[1])
    page.click_node(ns)
    assert page.text("#node-title") == "Initializer " + ns.removeprefix("iniz:")
    assert page.text("#node-counts").startswith(f"{n} objects in")
    shown = page.page.locator("#node-objects li").count()
    assert shown == min(n, 50)
    page.shot(artifacts, f"{repo}-overview")
    page.tab("findings")
    total = len(check["diagnostics"])
    assert page.text("#findings-count") == f"{total} of {total} findings"
    for d in check["diagnostics"][:5]:
        start = d["range"]["start"]
        where = f"{d['path']}:{start['line'] + 1}:{start['character'] + 1}"
        card = page.page.locator(".finding", has_text=where).first
        assert d["message"][:60] in card.inner_text()
    page.shot(artifacts, f"{repo}-findings")
    page.close()


# ---- 20,000 objects ---------------------------------------------------------------------------------


def test_twenty_thousand_objects_stay_paged(browser, server_bin, tmp_path, artifacts):
    sys.path.insert(0, str(REPO / "bench"))
    from report_gen import make_config

    folder = tmp_path / "big"
    counts = make_config(folder, 20_000, 20)
    html = _report(server_bin, folder, tmp_path / "big.html")
    page = Opened(browser, html)
    assert page.number("#summary-objects") == sum(counts.values())
    page.tab("effective")
    keys = page.page.evaluate("window.bundleLsReport.data.effective.length")
    assert page.page.locator("#effective-rows tr.main").count() == 100
    assert page.text("#effective-pager .page-info") == f"1–100 of {keys}"
    page.page.click("#effective-pager .next")
    assert page.text("#effective-pager .page-info") == f"101–200 of {keys}"
    assert page.page.evaluate("document.querySelectorAll('*').length") < 5000
    page.page.fill("#effective-search", "Encounter 7-149")
    page.page.wait_for_function(
        "() => document.querySelector('#effective-count').innerText.startsWith('1 of')"
    )
    assert re.fullmatch(r"Encounter 7-149", page.text("#effective-rows tr.main td.key"))
    page.tab("overview")
    page.click_node("locations")
    assert page.text("#node-counts").startswith(f"{counts['locations']} objects in 20 files")
    assert page.page.locator("#node-objects li").count() == 50
    page.shot(artifacts, "20000-objects")
    page.close()
