"""`unresolved-reference`: an `x-ref` value that no file defines, with close keys suggested.
(Names inside an embedded language's values are resolved by that language's check.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bundle_ls.documents.codes import UNRESOLVED_REFERENCE
from bundle_ls.documents.model import Diagnostic

if TYPE_CHECKING:
    from bundle_ls.documents.facts import FileFacts
    from bundle_ls.index.project_index import ProjectIndex


def check(index: ProjectIndex, facts: FileFacts) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    defs = index.defs
    for ref in facts.refs:
        if ref.language:  # a name inside an embedded language's value: its check resolves it
            continue
        nss = ref.namespaces
        if len(nss) == 1:  # the usual case, without a generator per reference
            keys = defs.get(nss[0])
            if keys is not None and ref.key in keys:
                continue
        elif any(ref.key in defs.get(ns, ()) for ns in nss):
            continue
        hint = index.hints.did_you_mean(nss, ref.key, _keys_of(defs, nss))
        where = " or ".join(ref.namespaces)
        msg = f"no {where} key '{ref.key}'"
        if hint:
            msg += f"; did you mean '{hint[0]}'?"
        out.append(
            UNRESOLVED_REFERENCE(
                facts.path, ref.range, msg, data={"replace": hint} if hint else None
            )
        )
    return out


def _keys_of(defs, namespaces):
    def keys() -> list[str]:
        out: list[str] = []
        for ns in namespaces:
            out.extend(defs.get(ns, {}).keys())
        return out

    return keys
