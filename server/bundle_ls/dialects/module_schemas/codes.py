"""Codes only the module-schema dialect reports (it shares the core's others)."""

from __future__ import annotations

from bundle_ls.documents.codes import Code

DIALECT = "module-schemas"

UNKNOWN_NAMESPACE = Code(
    "unknown-namespace",
    "warning",
    DIALECT,
    "A top-level key that no known module declares, with close namespaces suggested.",
    "encounters.yaml:1:1: warning: no installed module declares the namespace "
    "'encounterType'; did you mean 'encounterTypes'? [unknown-namespace]",
    "Every top-level key of a config file must be a namespace a module schema declares. "
    "Add the module's schema (`--schemas DIR`, `schemas:` in bundle-ls.yaml) or fix the name.",
)
