"""`bundle-ls report`: one self-contained HTML page about a checked directory.

- `data.build_report(result, ...)` → the report model (plain data), from the project's
  objects and effective configuration (`project/objects.py`, `project/effective.py`);
- `baseline`: new and fixed findings against an earlier `--check --format json`;
- `render.render_html(model)` → the page; `cli.main(argv)` → the command, which the
  command line finds as `REPORT_COMMAND` (parsed like a dialect's command).
"""

from __future__ import annotations

from bundle_ls.dialects.base import CheckFn, Command


def _main(argv: list[str], check: CheckFn) -> int:
    # Imported when run: the page's template engine is not loaded for every bundle-ls start.
    from bundle_ls.batch.report.cli import main

    return main(argv, check)


REPORT_COMMAND = Command(
    "report",
    "write one self-contained HTML page: objects, reference graph, effective configuration, "
    "findings",
    _main,
)
