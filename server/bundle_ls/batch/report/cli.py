"""`bundle-ls report DIR --out report.html [--baseline check.json] [--schemas DIR]`.

Exit status: 0 when the report was written, whatever it finds; 2 when it cannot run (a
missing folder, an invalid module schema, an unreadable baseline, an unwritable output),
with a one-line reason on stderr, as `--check` does.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from bundle_ls.batch.report.baseline import BaselineError, load_baseline
from bundle_ls.batch.report.data import build_report
from bundle_ls.batch.report.render import render_html
from bundle_ls.batch.runner import check_directory
from bundle_ls.dialects.base import CannotCheck, CheckFn


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        sys.stderr.write(f"bundle-ls report: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="bundle-ls report",
        description="Write one self-contained HTML page about a folder of OpenMRS "
        "configuration: objects per domain and bundle, the reference graph, the effective "
        "configuration and the findings.",
    )
    p.add_argument("path", metavar="DIR", help="the folder to report on (as for --check)")
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="the HTML file to write")
    p.add_argument(
        "--baseline",
        type=Path,
        metavar="JSON",
        help="an earlier `bundle-ls --check DIR --format json`: show new and fixed findings",
    )
    p.add_argument(
        "--schemas",
        action="append",
        default=[],
        type=Path,
        metavar="DIR",
        help="extra module-schema folder (repeatable)",
    )
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="neither use nor update the on-disk cache of check results (as for --check)",
    )
    return p


def main(argv: list[str], check: CheckFn | None = None) -> int:
    """`bundle-ls report …` (`check`, the command line's plain check, is not used: the report
    checks with its own --schemas, --jobs and --no-cache)."""
    args = build_parser().parse_args(argv)
    root = Path(args.path)
    if not root.is_dir():
        return _fail(f"{args.path}: not a folder")
    for folder in args.schemas:
        if not folder.is_dir():
            return _fail(f"--schemas {folder}: not a folder")
    baseline = None
    if args.baseline is not None:
        try:
            baseline = load_baseline(args.baseline)
        except BaselineError as exc:
            return _fail(f"--baseline {exc}")
    try:
        result = check_directory(root, args.schemas, args.jobs, cache=not args.no_cache)
    except CannotCheck as exc:  # settings, module schemas
        return _fail(str(exc))
    model = build_report(
        result,
        baseline=baseline,
        baseline_name=args.baseline.name if args.baseline is not None else None,
    )
    html = render_html(model)
    try:
        _write(args.out, html)
    except OSError as exc:
        return _fail(f"--out {args.out}: {exc.strerror or exc}")
    s = model["summary"]
    sys.stderr.write(
        f"bundle-ls report: wrote {args.out} ({s['files']} files, {s['objects']} objects, "
        f"{s['findings']} findings)\n"
    )
    return 0


def _write(out: Path, html: str) -> None:
    """Write through a temporary file in the same folder, so a reader never sees half a page."""
    folder = out.parent if str(out.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=".html", dir=folder)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)  # as a plain open() would have made it, not mkstemp's 0600
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(html)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _fail(reason: str) -> int:
    sys.stderr.write(f"bundle-ls report: {reason}\n")
    return 2
