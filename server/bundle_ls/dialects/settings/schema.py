"""What bundle-ls.yaml may say: its settings, their shapes and meanings, and the check of a
parsed file against them.

The check is the one source of the `settings` findings: the batch check (project/config.py)
stops on an error among them (a wrong shape, with its place) and reports the rest; the
editor shows them all as the file is typed. Unknown settings and codes are warnings with
"did you mean"; the setting is then ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bundle_ls.documents.codes import SETTINGS
from bundle_ls.documents.model import (
    MAPPING,
    SCALAR,
    SEQUENCE,
    SEVERITIES,
    Diagnostic,
    Node,
    key_text,
)
from bundle_ls.documents.suggest import did_you_mean

SETTINGS_FILE = "bundle-ls.yaml"
SEVERITY_CHOICES = (*SEVERITIES, "off")


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    shape: str  # "list": strings (one string allowed when `one` is set); "severities"
    what: str  # what the list holds, for messages: "folders", "module ids", "globs"
    description: str
    one: bool = True


SETTINGS_LIST: tuple[Setting, ...] = (
    Setting(
        "schemas",
        "list",
        "folders",
        "Folders of extra module schemas (`<module>.schema.yaml`), relative to this file; "
        "added to the built-in ones.",
    ),
    Setting(
        "modules",
        "list",
        "module ids",
        "The modules installed on the server (absent: every known module). Configuration "
        "for another module is reported (`module-not-installed`) and ignored.",
        one=False,
    ),
    Setting(
        "exclude",
        "list",
        "globs",
        "Globs of files not to check (`drafts/**`), relative to this file.",
    ),
    Setting(
        "severity",
        "severities",
        "",
        "A diagnostic code's severity in this repository: error, warning, information, hint, "
        "or off to drop its findings (`bundle-ls --explain CODE` says what a code means).",
    ),
)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """What this bundle-ls knows: the diagnostic codes (id → summary) and the dialects' own
    keys that hold severity overrides too (`initializer:`)."""

    codes: dict[str, str]
    sections: tuple[str, ...] = ()
    # A dialect's own keys (`known:`), each with its check: (file, key, value) → findings.
    own: dict[str, Callable[[str, str, Node], list[Diagnostic]]] = field(default_factory=dict)

    def setting(self, name: str) -> Setting | None:
        for s in SETTINGS_LIST:
            if s.name == name:
                return s
        if name in self.sections:
            return Setting(name, "severities", "", "Severity overrides (as `severity:`).")
        return None

    def names(self) -> list[str]:
        return [*(s.name for s in SETTINGS_LIST), *self.sections, *self.own]


def check_settings(root: Node | None, vocab: Vocabulary) -> list[Diagnostic]:
    """The `settings` findings of a parsed bundle-ls.yaml: errors for a wrong shape (which
    stop a check), warnings for an unknown setting, code or severity."""
    if root is None or (root.kind == SCALAR and root.value is None):
        return []
    if root.kind != MAPPING:
        return [_wrong(root, "must be a mapping (schemas:, modules:, exclude:, severity:)")]
    out: list[Diagnostic] = []
    for k, v in root.items:
        name = key_text(k)
        setting = vocab.setting(name)
        if name in vocab.own:
            out.extend(vocab.own[name](SETTINGS_FILE, name, v))
        elif setting is None:
            out.append(_unknown(k, name, vocab.names(), "setting"))
        elif setting.shape == "list":
            out.extend(_check_list(v, setting))
        else:
            out.extend(_check_severities(v, vocab))
    return out


def _check_list(node: Node, setting: Setting) -> list[Diagnostic]:
    if node.kind == SCALAR and (node.value is None or setting.one):
        return []
    if node.kind != SEQUENCE or any(c.kind != SCALAR for c in node.items):
        return [_wrong(node, f"must be a list of {setting.what}")]
    return []


def _check_severities(node: Node, vocab: Vocabulary) -> list[Diagnostic]:
    if node.kind == SCALAR and node.value is None:
        return []
    if node.kind != MAPPING:
        return [_wrong(node, "must map diagnostic codes to a severity or off")]
    out: list[Diagnostic] = []
    for k, v in node.items:
        code = key_text(k)
        value = key_text(v) if v.kind == SCALAR else None
        if code not in vocab.codes:
            out.append(_unknown(k, code, list(vocab.codes), "diagnostic code"))
        elif value not in SEVERITY_CHOICES:
            out.append(
                SETTINGS(
                    SETTINGS_FILE,
                    v.range,
                    f"the severity of '{code}' must be one of {', '.join(SEVERITY_CHOICES)}; "
                    "the setting is ignored",
                    data=_replace(did_you_mean(str(value or ""), list(SEVERITY_CHOICES))),
                )
            )
    return out


def _wrong(node: Node, message: str) -> Diagnostic:
    return SETTINGS(SETTINGS_FILE, node.range, message, severity="error")


def _unknown(key: Node, name: str, choices: list[str], what: str) -> Diagnostic:
    hint = did_you_mean(name, choices)
    msg = f"no {what} '{name}'"
    msg += f"; did you mean '{hint[0]}'?" if hint else f" (known: {', '.join(choices)})"
    return SETTINGS(SETTINGS_FILE, key.range, msg + "; the setting is ignored", data=_replace(hint))


def _replace(hint: list[str]) -> dict | None:
    return {"replace": hint} if hint else None
