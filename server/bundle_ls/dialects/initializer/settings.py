"""The Initializer dialect's own settings in bundle-ls.yaml.

```yaml
known:                      # names that exist only in the database, per Initializer domain
  conceptclasses: [LabTest, Radiology]
  privileges: ["App: registration.registerPatient"]
```

A reference to one of them resolves, and a typo of one is a near miss ("did you mean").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bundle_ls.dialects.initializer.spec import domains
from bundle_ls.documents.codes import SETTINGS
from bundle_ls.documents.model import MAPPING, SCALAR, SEQUENCE, Diagnostic, Node, key_text
from bundle_ls.documents.suggest import did_you_mean

KNOWN = "known"


def known_setting(sections: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """`known:` as domain → names; entries of the wrong shape are left out (check_known
    reports them)."""
    raw = sections.get(KNOWN)
    if not isinstance(raw, dict):
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for domain, names in raw.items():
        if str(domain) not in domains():
            continue
        if isinstance(names, str):
            names = [names]
        if isinstance(names, list):
            out[str(domain)] = tuple(str(n) for n in names if isinstance(n, (str, int, float)))
    return out


def check_known(rel: str, node: Node) -> list[Diagnostic]:
    """Findings about `known:` itself, at their place in bundle-ls.yaml."""
    if node.kind == SCALAR and node.value is None:
        return []
    if node.kind != MAPPING:
        return [
            SETTINGS(rel, node.range, "`known:` must map Initializer domains to lists of names")
        ]
    out = []
    for k, v in node.items:
        name = key_text(k)
        if name not in domains():
            hint = did_you_mean(name, list(domains()))
            more = f"; did you mean '{hint[0]}'?" if hint else ""
            out.append(
                SETTINGS(
                    rel,
                    k.range,
                    f"no Initializer domain '{name}'{more}; these names are ignored",
                    data={"replace": hint} if hint else None,
                )
            )
        elif v.kind != SCALAR and not (
            v.kind == SEQUENCE and all(i.kind == SCALAR for i in v.items)
        ):
            out.append(SETTINGS(rel, v.range, f"`known: {name}:` must be a list of names"))
    return out
