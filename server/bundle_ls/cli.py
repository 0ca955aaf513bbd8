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
from bundle_ls.batch.explain import explain
from bundle_ls.batch.report import REPORT_COMMAND
from bundle_ls.batch.reporters import REPORTERS, Report
from bundle_ls.batch.runner import check_directory
from bundle_ls.dialects import code_registry, dialect_commands
from bundle_ls.dialects.base import Command
from bundle_ls.documents.suggest import did_you_mean
from bundle_ls.project.config import ProjectError
from bundle_ls.project.discovery import project_of
from bundle_ls.project.objects import add_object_counts, counts_of_check


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
    p.add_argument("--version", action="version", version=f"bundle-ls {__version__}")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
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
    return run_check(
        args.paths or ["."], args.schemas, args.format, args.jobs, cache=not args.no_cache
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


def run_check(
    paths: list[str],
    extra_schemas: list[Path],
    fmt: str,
    jobs: int | None,
    cache: bool = True,
) -> int:
    all_diags = []
    files = 0
    prefix = ""
    objects: dict | None = {"namespaces": {}, "bundles": {}} if fmt == "json" else None
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
        files += result.files if only is None else 1
        if objects is not None:  # objects per namespace and bundle, for the report's readers
            add_object_counts(objects, counts_of_check(result.index, result.context, only))
        if len(paths) == 1:
            rel = os.path.relpath(root)
            prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
    report = Report(all_diags, files, prefix, objects)
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
