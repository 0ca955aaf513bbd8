"""Command line: `bundle-ls [--stdio]` serves LSP; `bundle-ls --check [PATH ...]` checks."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .initializer import layout as initializer_layout
from .project import SETTINGS_FILE, ProjectError
from .reporters import REPORTERS, Report
from .runner import check_directory
from .schemas import InvalidSchema


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
        "--check", nargs="*", metavar="PATH", help="check Config Directories (default: .)"
    )
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
    p.add_argument("--version", action="version", version=f"bundle-ls {__version__}")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["report"]:  # `bundle-ls report DIR --out FILE`: its own parser
        from .report.cli import main as report_main

        return report_main(argv[1:])
    args = build_parser().parse_args(argv)
    if args.check is None:
        from .lsp.server import serve

        serve(extra_schemas=args.schemas)
        return 0
    return run_check(
        args.check or ["."], args.schemas, args.format, args.jobs, cache=not args.no_cache
    )


def _config_root(path: Path) -> tuple[Path, str | None]:
    """A directory checks itself; a file checks its Config Directory and reports on itself."""
    if path.is_dir():
        return path, None
    start = path.resolve().parent
    for folder in (start, *start.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder, path.resolve().relative_to(folder).as_posix()
    # a file of an Initializer folder: check its whole repository, so references resolve
    repo = initializer_layout.repository_of(path.resolve())
    if repo is not None:
        return repo, path.resolve().relative_to(repo).as_posix()
    return start, path.name


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
        root, only = _config_root(path)
        try:
            result = check_directory(root, extra_schemas, jobs, _progress_bar(), cache=cache)
        except (InvalidSchema, ProjectError) as exc:
            sys.stderr.write(f"bundle-ls: {exc}\n")
            return 2
        diags = result.diagnostics
        if only is not None:
            diags = [d for d in diags if d.path == only]
        all_diags.extend(diags)
        files += result.files if only is None else 1
        if objects is not None:
            _add_objects(objects, result, only)
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


def _add_objects(total: dict, result, only: str | None) -> None:
    """Add one checked directory's objects per namespace and bundle to `total`."""
    from .report.data import object_counts

    counts = object_counts(result.index, None if only is None else [only])
    for ns, n in counts["namespaces"].items():
        total["namespaces"][ns] = total["namespaces"].get(ns, 0) + n
    for bundle, c in counts["bundles"].items():
        b = total["bundles"].setdefault(bundle, {"files": 0, "objects": 0, "namespaces": {}})
        b["files"] += c["files"]
        b["objects"] += c["objects"]
        for ns, n in c["namespaces"].items():
            b["namespaces"][ns] = b["namespaces"].get(ns, 0) + n


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
