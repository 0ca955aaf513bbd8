"""Command line: `bundle-ls [--stdio]` serves LSP; `bundle-ls --check [PATH ...]` checks.

`--check` is a mode and paths are positional, so options may come in any order
(`bundle-ls --check --format json DIR`, `bundle-ls DIR --check`). A dialect may add a
command of its own (`bundle-ls migrate …`), which parses its own arguments.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from bundle_ls import __version__
from bundle_ls.batch.baseline import BaselineError, relative_to
from bundle_ls.batch.baseline import compare as compare_baseline
from bundle_ls.batch.baseline import keys_of as baseline_keys
from bundle_ls.batch.baseline import read as read_baseline
from bundle_ls.batch.baseline import write as write_baseline
from bundle_ls.batch.checked import CheckedProject, projects_of, report_part
from bundle_ls.batch.explain import explain
from bundle_ls.batch.report import REPORT_COMMAND
from bundle_ls.batch.reporters import REPORTERS, Report
from bundle_ls.batch.reporters.base import ReportPart
from bundle_ls.batch.reporters.listing import write_listing
from bundle_ls.batch.runner import check_directory
from bundle_ls.dialects import code_registry, dialect_commands
from bundle_ls.dialects.base import Command
from bundle_ls.documents.codes import INTERNAL
from bundle_ls.documents.ignores import lines_on_disk
from bundle_ls.documents.model import SEVERITIES, Diagnostic
from bundle_ls.documents.suggest import did_you_mean
from bundle_ls.project.config import ProjectError
from bundle_ls.project.context import load_context
from bundle_ls.project.listing import list_files
from bundle_ls.project.objects import counts_of_check


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 with a one-line reason, as the contract says
        sys.stderr.write(f"bundle-ls: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="bundle-ls",
        description="Language server (default) and batch checker for OpenMRS configuration bundles.",
    )
    p.add_argument(
        "--stdio", action="store_true", help="serve the language server over stdio (default)"
    )
    p.add_argument(
        "--check", action="store_true", help="check the Config Directories at PATH (default: .)"
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="what --check checks")
    p.add_argument(
        "--schemas",
        action="append",
        default=[],
        metavar="DIR",
        type=Path,
        help="extra module-schema folder",
    )
    p.add_argument(
        "--format", choices=sorted(REPORTERS), default="text", help="output format of --check"
    )
    p.add_argument(
        "--jobs", type=int, default=None, help="worker processes for --check (default: all cores)"
    )
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="neither use nor update the on-disk cache of --check results (also BUNDLE_LS_NO_CACHE=1)",
    )
    p.add_argument(
        "--explain", metavar="CODE", help="print what a diagnostic code means (e.g. schema)"
    )
    add_output_options(p)
    _baseline_options(p)
    p.add_argument("--version", action="version", version=f"bundle-ls {__version__}")
    return p


def main(argv: list[str] | None = None) -> int:
    """The command line; a bug anywhere is exit 2 with a one-line reason, never a bare
    traceback, and never exit 1 (which means "errors found")."""
    try:
        return _main(sys.argv[1:] if argv is None else argv)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if os.environ.get("BUNDLE_LS_DEBUG"):
            traceback.print_exc()
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        sys.stderr.write(
            f"bundle-ls: internal error ({reason}); this is a bug, please report it with "
            "the command you ran (BUNDLE_LS_DEBUG=1 prints the traceback)\n"
        )
        return 2


def _main(argv: list[str]) -> int:
    command = commands().get(argv[0]) if argv else None
    if command is not None:  # a dialect's command, or the report, with its own arguments
        return command.main(argv[1:], lambda root: check_directory(root, jobs=1))
    parser = build_parser()
    args = parser.parse_intermixed_args(argv)
    if args.explain is not None:
        return run_explain(args.explain)
    if not args.check:
        if args.paths:
            names = ", ".join(sorted(commands()))
            parser.error(
                f"'{args.paths[0]}': to check it, run `bundle-ls --check {args.paths[0]}` "
                f"(commands: {names}; without arguments bundle-ls is a language server)"
            )
        from bundle_ls.lsp.server import serve

        serve(extra_schemas=args.schemas)
        return 0
    output = output_options(args)
    if isinstance(output, str):
        parser.error(output)
    return run_check(
        args.paths or ["."],
        args.schemas,
        args.format,
        args.jobs,
        not args.no_cache,
        output,
        (args.baseline, args.write_baseline),
    )


def commands() -> dict[str, Command]:
    """`bundle-ls <name> …` commands: the dialects' and the report."""
    return {**dialect_commands(), REPORT_COMMAND.name: REPORT_COMMAND}


def run_explain(code_id: str) -> int:
    registry = code_registry()
    if code_id not in registry:
        hint = did_you_mean(code_id, registry.ids())
        more = f"; did you mean '{hint[0]}'?" if hint else f" (known: {', '.join(registry.ids())})"
        sys.stderr.write(f"bundle-ls: --explain: no diagnostic code '{code_id}'{more}\n")
        return 2
    sys.stdout.write(explain(registry[code_id]))
    return 0


def add_output_options(p: argparse.ArgumentParser) -> None:
    """What `--check` reports and when it fails."""
    p.add_argument(
        "--min-severity",
        choices=SEVERITIES,
        help="report findings of this severity or more (default: information for text and "
        "github, every finding for json and sarif)",
    )
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too, not only errors")
    p.add_argument(
        "--statistics", action="store_true", help="count the findings per code (text, json)"
    )
    p.add_argument(
        "--list-files",
        action="store_true",
        help="list the files the check reads and those it skips, with why, and check nothing",
    )


@dataclass(frozen=True, slots=True)
class OutputOptions:
    min_severity: str | None = None  # None: the format's default
    strict: bool = False
    statistics: bool = False
    list_files: bool = False

    def floor(self, fmt: str) -> str:
        """The least severity reported: people's formats leave hints out by default."""
        if self.min_severity is not None:
            return self.min_severity
        return "information" if fmt in ("text", "github") else "hint"


def output_options(args: argparse.Namespace) -> OutputOptions | str:
    """The output options, or why they do not go together."""
    if args.statistics and args.format not in ("text", "json"):
        return f"--statistics: only with --format text or json, not {args.format}"
    if args.list_files and args.format not in ("text", "json"):
        return f"--list-files: only with --format text or json, not {args.format}"
    return OutputOptions(args.min_severity, args.strict, args.statistics, args.list_files)


def run_check(
    paths: list[str],
    extra_schemas: list[Path],
    fmt: str,
    jobs: int | None,
    cache: bool = True,
    output: OutputOptions | None = None,
    baseline: tuple[Path | None, Path | None] = (None, None),
) -> int:
    output = output or OutputOptions()
    for raw in paths:
        if not Path(raw).exists():
            sys.stderr.write(f"bundle-ls: {raw}: no such file or directory\n")
            return 2
    for folder in extra_schemas:
        if not folder.is_dir():
            sys.stderr.write(f"bundle-ls: --schemas {folder}: not a folder\n")
            return 2
    checked: list[_Checked] = []
    for project in projects_of(paths):
        try:
            checked.append(_check_project(project, extra_schemas, jobs, cache, output))
        except ProjectError as exc:
            sys.stderr.write(f"bundle-ls: {exc}\n")
            return 2
    if baseline[1] is not None:
        return _write_baseline(baseline[1], _keyed(baseline[1], checked))
    if baseline[0] is not None:
        try:
            _apply_baseline(baseline[0], checked)
        except BaselineError as exc:
            sys.stderr.write(f"bundle-ls: --baseline {exc}\n")
            return 2
    report = Report([c.part(output.floor(fmt)) for c in checked], output.statistics)
    if fmt == "json":  # objects per namespace and bundle, for the report's readers
        for c, part in zip(checked, report.parts, strict=True):
            part.objects = c.count_objects() if c.count_objects is not None else None
    try:
        if output.list_files:
            write_listing(report, fmt, sys.stdout)
        else:
            REPORTERS[fmt](report, sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader (`| head`) has gone: not an error of the check
        sys.stdout = None
    return 0 if output.list_files else exit_status(report, output.strict)


@dataclass(slots=True)
class _Checked:
    """One project's check: its findings (those of the paths it covers) before they are
    filtered for the report."""

    project: CheckedProject
    diagnostics: list[Diagnostic]
    files: list[str]
    notes: list[str]
    listing: list | None = None
    count_objects: Callable[[], dict[str, Any]] | None = None  # those of the covered files

    def part(self, min_severity: str) -> ReportPart:
        if self.listing is not None:
            part = report_part(self.project, [], self.files, "hint")
            part.listing = self.listing
            return part
        part = report_part(self.project, self.diagnostics, self.files, min_severity)
        part.notes = self.notes
        return part


def _check_project(
    project: CheckedProject,
    extra_schemas: list[Path],
    jobs: int | None,
    cache: bool,
    output: OutputOptions,
) -> _Checked:
    if output.list_files:
        every = list_files(load_context(project.root, extra_schemas))
        listing = [f for f in every if project.covers(f.path)]
        return _Checked(project, [], [f.path for f in listing if f.checked], [], listing)
    result = check_directory(project.root, extra_schemas, jobs, _progress_bar(), cache=cache)
    diags = [d for d in result.diagnostics if project.covers(d.path)]
    covered = [f for f in result.index.files if project.covers(f)]
    count = partial(counts_of_check, result.index, result.context, covered)
    return _Checked(project, diags, list(result.index.files), _dialect_notes(result), None, count)


def exit_status(report: Report, strict: bool) -> int:
    """2 when bundle-ls failed on a file, 1 when an error is reported (or, with --strict,
    a warning), else 0."""
    if any(d.code == INTERNAL.id for d in report.diagnostics):
        return 2
    failing = ("error", "warning") if strict else ("error",)
    return 1 if any(d.severity in failing for d in report.diagnostics) else 0


# A progress bar is worth showing only for a directory this large.
PROGRESS_MIN_FILES = 100


def _progress_bar():
    """A progress bar on stderr when it is a terminal and there are many files to check."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar: list = []

    def update(done: int, total: int, phase: str = "") -> None:
        if total < PROGRESS_MIN_FILES:
            return
        if bar and bar[0].desc != phase:  # the next phase (analysing, cross-file checks)
            bar.pop().close()
        if not bar:
            bar.append(tqdm(total=total, unit="file", file=sys.stderr, leave=False, desc=phase))
        bar[0].n = done
        bar[0].refresh()
        if done >= total:
            bar[0].close()

    return update


# ---- baselines (batch/baseline.py) and the dialects' notes ------------------------------------


def _baseline_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--baseline",
        metavar="FILE",
        type=Path,
        help="report only the findings this baseline does not hold (CI fails on new ones)",
    )
    p.add_argument(
        "--write-baseline",
        metavar="FILE",
        type=Path,
        help="record every finding of --check in FILE, a baseline for --baseline, and exit 0",
    )


def _keyed(file: Path, checked: list[_Checked]) -> list:
    """Every finding with its baseline key (paths relative to the baseline's folder)."""
    out: list = []
    for c in checked:
        root = c.project.root
        out.extend(baseline_keys(c.diagnostics, relative_to(file, root), lines_on_disk(root)))
    return out


def _write_baseline(file: Path, keyed: list) -> int:
    try:
        n = write_baseline(file, keyed)
    except OSError as exc:
        sys.stderr.write(f"bundle-ls: --write-baseline {file}: {exc.strerror or exc}\n")
        return 2
    sys.stderr.write(f"bundle-ls: wrote {n} finding{'s' * (n != 1)} to the baseline {file}\n")
    return 0


def _apply_baseline(file: Path, checked: list[_Checked]) -> None:
    """Keep only the findings the baseline does not hold."""
    outcome = compare_baseline(read_baseline(file), _keyed(file, checked))
    if outcome.known or outcome.fixed:
        sys.stderr.write(
            f"bundle-ls: {outcome.known} finding{'s' * (outcome.known != 1)} of the baseline "
            f"{file} not shown; {outcome.fixed} of its findings no longer found\n"
        )
    new = {id(d) for d in outcome.new}
    for c in checked:
        c.diagnostics = [d for d in c.diagnostics if id(d) in new]


def _dialect_notes(result) -> list[str]:
    """What the dialects that checked files say they assumed (one line each)."""
    used = {f.dialect for f in result.index.files.values()}
    return [n for d in result.context.dialects if d.name in used for n in d.check_notes()]
