"""The permission-rule language's fixed terms: its names, the namespaces each kind of name
is defined in, and the small values its facts carry. Kept apart from the checks so that
declaring the language imports none of them (a project without rules never needs them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bundle_ls.documents.model import Range

if TYPE_CHECKING:
    from bundle_ls.dialects.permissions.expr import Func

LANGUAGE = "permission-rule"
PRIVILEGE_NAME = "privilege-name"  # a value that is one privilege's name (a rule's grant)
RULES_NAMESPACE = "permissionRules"  # its items are rules: `key`, `grant`, `when`
INIZ = "iniz:"
# Where each kind of name is defined: the module schemas' namespace, then Initializer's.
NAMESPACES: dict[Func, tuple[str, ...]] = {
    "role": ("roles", "iniz:roles"),
    "privilege": ("privileges", "iniz:privileges"),
    "tag": ("locationTags", "iniz:locationtags"),
    "location": ("locations", "iniz:locations"),
}
FUNC_OF: dict[str, Func] = {ns: f for f, nss in NAMESPACES.items() for ns in nss}
READS = frozenset(FUNC_OF)
# The module data pack's domains, per kind of name.
PACK_DOMAINS: dict[Func, str] = {
    "role": "roles",
    "privilege": "privileges",
    "tag": "locationtags",
    "location": "locations",
}


@dataclass(frozen=True, slots=True)
class RuleValue:
    """What the check needs of one condition (`Embedded.data`): the rule's key and grants
    when it is a `permissionRules` rule's `when` (None otherwise), and the condition's
    range relative to the value's first line."""

    key: str | None
    grant: tuple[str, ...] | None
    condition: Range


@dataclass(frozen=True, slots=True)
class PackEntity:
    """An entity an installed module creates (module data pack)."""

    func: Func
    name: str
    uuid: str | None
    module: str
