"""`--list-files`: the files a check reads and those it skips, with why."""

from __future__ import annotations

import json
from typing import TextIO

from bundle_ls.batch.reporters.base import Report


def write_listing(report: Report, fmt: str, out: TextIO) -> None:
    if fmt == "json":
        files = [
            {"path": f.path, "root": part.root, "checked": f.checked, "why": f.why}
            for part in report.parts
            for f in part.listing or ()
        ]
        json.dump({"files": files}, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    rows = [
        (part.shown_path(f.path), f.checked, f.why)
        for part in report.parts
        for f in part.listing or ()
    ]
    width = max((len(path) for path, _c, _w in rows), default=0)
    for path, checked, why in rows:
        out.write(f"{'checked' if checked else 'skipped'}  {path:<{width}}  {why}\n")
    read = sum(1 for _p, checked, _w in rows if checked)
    out.write(f"{read} file{'s' * (read != 1)} checked, {len(rows) - read} skipped\n")
