"""The page: self-contained, with the data embedded safely."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from bundle_ls.batch.report import render
from bundle_ls.batch.report.data import build_report
from bundle_ls.batch.report.render import json_for_script, render_html, script_text
from bundle_ls.batch.runner import check_directory

VENDOR = Path(render.__file__).parent / "vendor"
CYTOSCAPE_SHA256 = "081591ab735b2b6a3b31a3c60f8f3a3e2fee8c92939e0c7820ad1208571b6cd8"
DATA = re.compile(r'<script type="application/json" id="report-data">(.*?)</script>', re.S)


def test_the_vendored_graph_library_is_the_pinned_release():
    blob = (VENDOR / render.CYTOSCAPE).read_bytes()
    assert hashlib.sha256(blob).hexdigest() == CYTOSCAPE_SHA256
    assert render.CYTOSCAPE_VERSION in render.CYTOSCAPE
    assert (
        "MIT" in (VENDOR / "LICENSE-cytoscape.txt").read_text()
        or "Permission is hereby granted" in (VENDOR / "LICENSE-cytoscape.txt").read_text()
    )


def test_json_for_script_cannot_end_the_element():
    data = {"key": "</script><script>alert(1)</script>", "amp": "a & b <!-- c", "ls": "x\u2028y"}
    text = json_for_script(data)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == data


def test_script_text_escapes_a_closing_tag():
    assert script_text('var s = "</SCRIPT>";') == 'var s = "<\\/SCRIPT>";'


def test_page_is_self_contained_and_carries_a_hostile_key(write_tree):
    root = write_tree(
        {
            "roles.yaml": """
                roles:
                  - key: "</script><script>alert(1)</script>"
                    description: "<b>bold</b> & more"
                """
        }
    )
    model = build_report(check_directory(root))
    html = render_html(model)
    # nothing is fetched: no element loads anything by address
    assert not re.search(
        r"<(script|link|img|iframe|object|embed)\b[^>]*\b(src|href)\s*=", html, re.I
    )
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    # three script elements (data, library, page), each closed once: the key closes none
    assert html.count("<script") == 3 and html.lower().count("</script") == 3
    embedded = json.loads(DATA.search(html).group(1))
    assert embedded == json.loads(json.dumps(model))
    assert any(r["key"] == "</script><script>alert(1)</script>" for r in embedded["effective"])
