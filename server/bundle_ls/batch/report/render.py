"""The report model → one self-contained HTML page (Jinja2 template, everything inlined).

The page fetches nothing: its style, its script, the vendored graph library (Cytoscape.js,
see vendor/README.md) and the data are all in the file, so it can be attached to a CI run or
an e-mail and opened offline. The data is embedded as JSON in a `<script
type="application/json">` element with `<`, `>` and `&` escaped, so no value from a
configuration file can close the element or be read as markup.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from bundle_ls.project.objects import bundle_label

HERE = Path(__file__).resolve().parent
CYTOSCAPE = "cytoscape-3.34.4.min.js"
CYTOSCAPE_VERSION = "3.34.4"

_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_UNSAFE = re.compile("[<>&\u2028\u2029]")
_SCRIPT_END = re.compile(r"</(script)", re.IGNORECASE)


def json_for_script(data: Any) -> str:
    """JSON that is safe inside a `<script>` element (and still parses to the same data)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _JSON_UNSAFE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


def script_text(js: str) -> str:
    """A script's source made safe to inline: no `</script` or `<!--` inside it."""
    return _SCRIPT_END.sub(r"<\\/\1", js).replace("<!--", "<\\!--")


@cache
def _asset(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8")


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["bundle_label"] = bundle_label
    return env


def render_html(model: dict[str, Any]) -> str:
    """The report page of one model (from `data.build_report`)."""
    template = _environment().get_template("report.html.j2")
    return template.render(
        m=model,
        css=Markup(_asset("assets/report.css")),
        app_js=Markup(script_text(_asset("assets/report.js"))),
        cytoscape_js=Markup(script_text(_asset("vendor/" + CYTOSCAPE))),
        cytoscape_version=CYTOSCAPE_VERSION,
        data_json=Markup(json_for_script(model)),
        labels={n["id"]: n["label"] for n in model["namespaces"]},
    )
