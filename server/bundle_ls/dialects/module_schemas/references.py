"""`unresolved-reference`: an `x-ref` value that no file defines, with close keys suggested.
(Names inside an embedded language's values are resolved by that language's check.)"""

from __future__ import annotations

from collections.abc import Container, Mapping
from contextlib import suppress
from typing import TYPE_CHECKING

from bundle_ls.dialects.module_schemas.walk_native import Fallback, bound
from bundle_ls.documents.codes import UNRESOLVED_REFERENCE
from bundle_ls.documents.model import Diagnostic

if TYPE_CHECKING:
    from bundle_ls.documents.facts import FileFacts, Reference
    from bundle_ls.index.project_index import ProjectIndex


def unresolved(refs: list[Reference], defs: Mapping[str, Container[str]]) -> list[Reference]:
    """The references whose key none of their namespaces defines (in C when built)."""
    native = bound()
    if native is not None:
        with suppress(Fallback):
            return native.unresolved(refs, defs)
    out = []
    for ref in refs:
        if ref.language:  # a name inside an embedded language's value: its check resolves it
            continue
        if not any(ref.key in defs.get(ns, ()) for ns in ref.namespaces):
            out.append(ref)
    return out


def check(index: ProjectIndex, facts: FileFacts) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    defs = index.defs
    for ref in unresolved(facts.refs, defs):
        nss = ref.namespaces
        hint = index.hints.did_you_mean(nss, ref.key, keys_of(defs, nss))
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


def keys_of(defs, namespaces):
    """The keys of these namespaces, when asked (what `KeyHints` suggests from)."""

    def keys() -> list[str]:
        out: list[str] = []
        for ns in namespaces:
            out.extend(defs.get(ns, {}).keys())
        return out

    return keys
