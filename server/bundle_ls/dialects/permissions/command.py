"""`bundle-ls permissions DIR --role R … [--location L] [--matrix] [--format …]`.

The directory is checked as `--check` checks it; the world is built from what it defines
(and what the installed modules create), and every rule of it is read. Rules with an error
are skipped and listed. An unknown role or location, or a directory that cannot be
checked, exits 2 with the reason.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

from bundle_ls.dialects.base import CannotCheck, CheckFn
from bundle_ls.dialects.permissions.expr import Func, atoms
from bundle_ls.dialects.permissions.project import rules_of, world_of
from bundle_ls.dialects.permissions.report import (
    Explanation,
    RoleReason,
    UnknownName,
    explain,
    explanation_json,
    explanation_text,
    matrix,
    matrix_csv,
    matrix_json,
    matrix_text,
)
from bundle_ls.dialects.permissions.terms import LANGUAGE
from bundle_ls.dialects.permissions.world import WorldIndex

PROG = "bundle-ls permissions"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 with a one-line reason, like --check
        sys.stderr.write(f"{PROG}: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=PROG,
        description=(
            "What a user with these roles holds at a session location, and why (the role, "
            "or the rules and the conditions that held); or, with --matrix, the privileges "
            "rules grant per role and location tag."
        ),
    )
    p.add_argument("directory", metavar="DIR", type=Path, help="the Config Directory")
    p.add_argument(
        "--role", action="append", default=[], metavar="ROLE", help="a role the user has"
    )
    p.add_argument("--location", metavar="LOCATION", help="the session location (default: none)")
    p.add_argument("--matrix", action="store_true", help="roles × location tags instead")
    p.add_argument("--format", choices=("text", "json", "csv"), default="text")
    return p


def main(argv: list[str], check: CheckFn) -> int:
    args = build_parser().parse_args(argv)
    if not args.matrix and not args.role:
        sys.stderr.write(f"{PROG}: give at least one --role (or --matrix)\n")
        return 2
    if args.matrix and (args.role or args.location):
        sys.stderr.write(f"{PROG}: --matrix takes no --role or --location\n")
        return 2
    if not args.directory.is_dir():
        sys.stderr.write(f"{PROG}: {args.directory}: not a folder\n")
        return 2
    try:
        result = check(args.directory)
    except CannotCheck as exc:
        sys.stderr.write(f"{PROG}: {exc}\n")
        return 2
    language = result.context.language(LANGUAGE)
    rules = [rule for _path, _fact, rule in rules_of(result.index)]
    index = WorldIndex(world_of(result.index, language.pack, rules))
    if args.matrix:
        m = matrix(index, _shown(index, "role"), _shown(index, "tag"))
        render = {"text": matrix_text, "csv": matrix_csv, "json": _json(matrix_json)}
        sys.stdout.write(render[args.format](m))
        return 0
    try:
        x = explain(index, args.role, args.location)
    except UnknownName as exc:
        sys.stderr.write(f"{PROG}: {exc}\n")
        return 2
    render = {"text": explanation_text, "csv": explanation_csv, "json": _json(explanation_json)}
    sys.stdout.write(render[args.format](x))
    return 0


def _shown(index: WorldIndex, func: Func) -> list[int]:
    """The entities a matrix shows: those a file of the configuration defines, and those a
    rule names (not every role and tag the installed modules create)."""
    named = {
        index.resolve(func, a.name)
        for rule in index.world.rules
        if rule.when.expr is not None
        for a in atoms(rule.when.expr)
        if a.func == func
    }
    out = []
    for ident in range(len(index.tables[func].entities)):
        defs = index.definitions(func, ident)
        if ident in named or any(o.path for d in defs for o in d.origins):
            out.append(ident)
    return out


def _json(fn):
    return lambda value: json.dumps(fn(value), indent=2, ensure_ascii=False) + "\n"


def explanation_csv(x: Explanation) -> str:
    """One row per reason a privilege is held: `role` (with the role that lists it) or
    `rule` (with the conditions that held)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["privilege", "source", "name", "because"])
    for p in x.privileges:
        for r in p.reasons:
            if isinstance(r, RoleReason):
                w.writerow([p.name, "role", r.role, "" if r.via == r.role else f"through {r.via}"])
            else:
                w.writerow([p.name, "rule", r.key, " and ".join(r.atoms)])
    return buf.getvalue()
