"""`duplicate-key` and `conflict`: a key, or a merged mapping entry, defined more than once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bundle_ls.documents.codes import CONFLICT, DUPLICATE_KEY
from bundle_ls.documents.facts import content_of, same_content
from bundle_ls.documents.model import Diagnostic, Related

if TYPE_CHECKING:
    from bundle_ls.documents.facts import FileFacts
    from bundle_ls.index.project_index import ProjectIndex


def _where(path: str, rng) -> str:
    return f"{path}:{rng[0] + 1}"


def differing_fields(a: object, b: object) -> list[str]:
    a, b = content_of(a), content_of(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return [k for k in dict.fromkeys([*a, *b]) if a.get(k) != b.get(k)]
    return []


def check(index: ProjectIndex, facts: FileFacts) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    path = facts.path
    for kd in facts.keys:
        defs = index.defs.get(kd.namespace, {}).get(kd.key)
        if not defs or len(defs) < 2:
            continue
        first_path, first = min(defs, key=lambda d: (d[0], d[1].range))
        if first_path == path and first.range == kd.range:
            continue
        related = [Related(first_path, first.range, f"'{kd.key}' first defined here")]
        if same_content(first.value, kd.value):
            out.append(
                DUPLICATE_KEY(
                    path,
                    kd.range,
                    f"{kd.namespace} key '{kd.key}' is defined again with the same content "
                    f"(first in {_where(first_path, first.range)})",
                    related=related,
                )
            )
        else:
            fields = differing_fields(first.value, kd.value)
            what = f"a different {', '.join(fields)}" if fields else "different content"
            out.append(
                CONFLICT(
                    path,
                    kd.range,
                    f"{kd.namespace} key '{kd.key}' is defined again with {what} "
                    f"(first in {_where(first_path, first.range)})",
                    related=related,
                )
            )
    for e in facts.entries:
        defs = index.entries.get((e.namespace, e.path))
        if not defs or len(defs) < 2:
            continue
        first_path, first = min(defs, key=lambda d: (d[0], d[1].range))
        if first_path == path:
            continue  # a key repeated inside one mapping is reported where the file is parsed
        dotted = ".".join((e.namespace, *e.path))
        related = [Related(first_path, first.range, f"{dotted} first set here")]
        if first.value == e.value:
            out.append(
                DUPLICATE_KEY(
                    path,
                    e.range,
                    f"{dotted} is set again to the same value (first in {_where(first_path, first.range)})",
                    related=related,
                )
            )
        else:
            out.append(
                CONFLICT(
                    path,
                    e.range,
                    f"{dotted} is set to {_show(e.value)} here but to {_show(first.value)} in "
                    f"{_where(first_path, first.range)}; the merged config cannot hold both",
                    related=related,
                )
            )
    return out


def _show(v: object) -> str:
    if isinstance(v, str):
        return repr(v)
    if v is None:
        return "nothing"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)
