"""Pages about the diagnostic codes: `bundle-ls --explain CODE`, and the README's table.

`python -m bundle_ls.batch.explain README.md` rewrites the table between its markers from
the code registry (`make readme`); a test keeps the two equal.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bundle_ls.dialects import code_registry
from bundle_ls.documents.codes import Code, CodeRegistry

TABLE_START = "<!-- codes: generated from the code registry by `make readme` -->"
TABLE_END = "<!-- codes: end -->"


def explain(code: Code) -> str:
    """One code's page, as `--explain` prints it."""
    dialect = "all dialects" if code.dialect == "core" else f"the {code.dialect} dialect"
    parts = [
        f"{code.id}  ({dialect}; default severity: {code.severity})",
        "",
        code.summary,
    ]
    if code.explanation:
        parts += ["", code.explanation]
    parts += [
        "",
        "Example:",
        f"  {code.example}",
        "",
        f"Change its severity, or turn it off, in bundle-ls.yaml:\n  severity:\n    {code.id}: off",
    ]
    return "\n".join(parts) + "\n"


def markdown_table(registry: CodeRegistry) -> str:
    rows = ["| code | severity | dialect | when |", "|---|---|---|---|"]
    for code in registry:
        summary = code.summary.replace("|", "\\|")
        rows.append(f"| `{code.id}` | {code.severity} | {code.dialect} | {summary} |")
    return "\n".join(rows)


def with_table(readme: str, registry: CodeRegistry) -> str:
    """The README text with its codes table replaced by the registry's."""
    start = readme.index(TABLE_START) + len(TABLE_START)
    end = readme.index(TABLE_END)
    return readme[:start] + "\n" + markdown_table(registry) + "\n" + readme[end:]


def main(argv: list[str]) -> int:
    path = Path(argv[0] if argv else "README.md")
    text = path.read_text(encoding="utf-8")
    new = with_table(text, code_registry())
    if new != text:
        path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
