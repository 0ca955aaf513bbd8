"""`bundle-ls migrate SOURCE… --out DIR`: in-code metadata to Initializer CSV, then checked."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from bundle_ls.dialects.base import CannotCheck, CheckFn

from .build import EXTERNAL_CIEL, Options
from .run import REPORT, OutputError, run
from .sources import SourceError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 with a one-line reason, like --check
        sys.stderr.write(f"bundle-ls migrate: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="bundle-ls migrate",
        description=(
            "Turn DBUnit datasets and Metadata Sharing packages into Initializer CSV folders "
            "and a MIGRATION.md report, then check the result."
        ),
    )
    p.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        type=Path,
        help="a .xml dataset, a .zip package or a folder of them, in load order",
    )
    p.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        type=Path,
        help="the folder to write (new, empty, or an earlier migrate output)",
    )
    p.add_argument(
        "--external-concepts",
        choices=[EXTERNAL_CIEL],
        default=None,
        help="refer to concept ids the datasets do not define as CIEL concepts (uuid <id>AAA…)",
    )
    p.add_argument("--no-check", action="store_true", help="do not check the output")
    return p


def main(argv: list[str], check: CheckFn) -> int:
    """`check(out)` checks the written folder (a `ProjectError` when it cannot run)."""
    args = build_parser().parse_args(argv)
    try:
        result = run(
            args.sources,
            args.out,
            Options(args.external_concepts),
            check=None if args.no_check else check,
        )
    except (SourceError, OutputError) as exc:
        sys.stderr.write(f"bundle-ls migrate: {exc}\n")
        return 2
    except CannotCheck as exc:
        sys.stderr.write(f"bundle-ls migrate: the check of the output could not run: {exc}\n")
        return 2
    read = sum(c.read for c in result.counts.values())
    written = sum(c.written for c in result.counts.values())
    rows = sum(result.files.values())
    out = sys.stdout
    out.write(
        f"{args.out}: {len(result.files)} CSV files ({rows} rows) and {REPORT}; "
        f"{read} source rows read, {written} written, {read - written} not migrated (see {REPORT})\n"
    )
    for _source, reason in result.ledger.unreadable:
        out.write(f"warning: not migrated, unreadable: {reason}\n")
    if result.check is None:
        return 0
    diags = result.check.diagnostics
    by_severity = Counter(d.severity for d in diags)
    for d in sorted((d for d in diags if d.severity == "error"), key=lambda d: d.sort_key()):
        line, col = d.range[0] + 1, d.range[1] + 1
        out.write(f"{args.out}/{d.path}:{line}:{col}: error: {d.message} [{d.code}]\n")
    codes = Counter(d.code for d in diags if d.severity != "error")
    detail = "".join(f"; {n} {code}" for code, n in sorted(codes.items()))
    out.write(
        f"check: {result.check.files} files, {by_severity.get('error', 0)} errors, "
        f"{by_severity.get('warning', 0)} warnings{detail}\n"
    )
    return 1 if by_severity.get("error") else 0
