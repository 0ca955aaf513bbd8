"""Command line: `bundle-ls [--stdio]` serves LSP; `bundle-ls --check [PATH ...]` checks.

`--check` is a mode and paths are positional, so options may come in any order
(`bundle-ls --check --format json DIR`, `bundle-ls DIR --check`). A dialect may add a
command of its own (`bundle-ls migrate …`), which parses its own arguments.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bundle_ls import __version__
from bundle_ls.batch.baseline import BaselineError, relative_to
from bundle_ls.batch.baseline import compare as compare_baseline
from bundle_ls.batch.baseline import keys_of as baseline_keys
from bundle_ls.batch.baseline import read as read_baseline
from bundle_ls.batch.baseline import write as write_baseline
from bundle_ls.batch.explain import explain
from bundle_ls.batch.reporters import REPORTERS, Report
from bundle_ls.batch.runner import check_directory
from bundle_ls.dialects import code_registry, dialect_commands
from bundle_ls.documents.ignores import lines_on_disk
from bundle_ls.documents.suggest import did_you_mean
from bundle_ls.project.config import ProjectError
from bundle_ls.project.discovery import project_of


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
    _baseline_options(p)
    p.add_argument("--version", action="version", version=f"bundle-ls {__version__}")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = dialect_commands().get(argv[0]) if argv else None
    if command is not None:  # a dialect's command, with its own arguments
        return command.main(argv[1:], lambda root: check_directory(root, jobs=1))
    parser = build_parser()
    args = parser.parse_intermixed_args(argv)
    if args.explain is not None:
        return run_explain(args.explain)
    if not args.check:
        if args.paths:
            commands = ", ".join(sorted(dialect_commands()))
            parser.error(
                f"'{args.paths[0]}': to check it, run `bundle-ls --check {args.paths[0]}` "
                f"(commands: {commands}; without arguments bundle-ls is a language server)"
            )
        from bundle_ls.lsp.server import serve

        serve(extra_schemas=args.schemas)
        return 0
    return run_check(
        args.paths or ["."],
        args.schemas,
        args.format,
        args.jobs,
        cache=not args.no_cache,
        baseline=(args.baseline, args.write_baseline),
    )


def run_explain(code_id: str) -> int:
    registry = code_registry()
    if code_id not in registry:
        hint = did_you_mean(code_id, registry.ids())
        more = f"; did you mean '{hint[0]}'?" if hint else f" (known: {', '.join(registry.ids())})"
        sys.stderr.write(f"bundle-ls: --explain: no diagnostic code '{code_id}'{more}\n")
        return 2
    sys.stdout.write(explain(registry[code_id]))
    return 0


def run_check(
    paths: list[str],
    extra_schemas: list[Path],
    fmt: str,
    jobs: int | None,
    cache: bool = True,
    baseline: tuple[Path | None, Path | None] = (None, None),
) -> int:
    all_diags = []
    files = 0
    prefix = ""
    keyed: list = []  # the findings' baseline keys, when a baseline is read or written
    notes: list[str] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            sys.stderr.write(f"bundle-ls: {raw}: no such file or directory\n")
            return 2
        for folder in extra_schemas:
            if not folder.is_dir():
                sys.stderr.write(f"bundle-ls: --schemas {folder}: not a folder\n")
                return 2
        root, only = project_of(path)
        try:
            result = check_directory(root, extra_schemas, jobs, _progress_bar(), cache=cache)
        except ProjectError as exc:
            sys.stderr.write(f"bundle-ls: {exc}\n")
            return 2
        diags = result.diagnostics
        if only is not None:
            diags = [d for d in diags if d.path == only]
        all_diags.extend(diags)
        notes.extend(_dialect_notes(result))
        if baseline[0] or baseline[1]:
            keyed.extend(_baseline_keys(baseline[1] or baseline[0], root, diags))
        files += result.files if only is None else 1
        if len(paths) == 1:
            rel = os.path.relpath(root)
            prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
    if baseline[1] is not None:
        return _write_baseline(baseline[1], keyed)
    if baseline[0] is not None:
        try:
            all_diags = _apply_baseline(baseline[0], keyed)
        except BaselineError as exc:
            sys.stderr.write(f"bundle-ls: --baseline {exc}\n")
            return 2
    report = Report(all_diags, files, prefix, notes)
    out = sys.stdout
    try:
        REPORTERS[fmt](report, out)
        out.flush()
    except BrokenPipeError:  # the reader (`| head`) has gone: not an error of the check
        sys.stdout = None

    return 1 if any(d.severity == "error" for d in all_diags) else 0


# A progress bar is worth showing only for a directory this large.
PROGRESS_MIN_FILES = 100


def _progress_bar():
    """A progress bar on stderr when it is a terminal and there are many files to check."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar: list = []

    def update(done: int, total: int) -> None:
        if total < PROGRESS_MIN_FILES:
            return
        if not bar:
            bar.append(tqdm(total=total, unit="file", file=sys.stderr, leave=False))
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


def _baseline_keys(file: Path, root: Path, diags: list) -> list:
    return baseline_keys(diags, relative_to(file, root), lines_on_disk(root))


def _write_baseline(file: Path, keyed: list) -> int:
    try:
        n = write_baseline(file, keyed)
    except OSError as exc:
        sys.stderr.write(f"bundle-ls: --write-baseline {file}: {exc.strerror or exc}\n")
        return 2
    sys.stderr.write(f"bundle-ls: wrote {n} finding{'s' * (n != 1)} to the baseline {file}\n")
    return 0


def _apply_baseline(file: Path, keyed: list) -> list:
    outcome = compare_baseline(read_baseline(file), keyed)
    if outcome.known or outcome.fixed:
        sys.stderr.write(
            f"bundle-ls: {outcome.known} finding{'s' * (outcome.known != 1)} of the baseline "
            f"{file} not shown; {outcome.fixed} of its findings no longer found\n"
        )
    return outcome.new


def _dialect_notes(result) -> list[str]:
    """What the dialects that checked files say they assumed (one line each)."""
    used = {f.dialect for f in result.index.files.values()}
    return [n for d in result.context.dialects if d.name in used for n in d.check_notes()]
