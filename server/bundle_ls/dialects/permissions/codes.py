"""Codes only the permission-rules dialect reports. It shares the core's
`unresolved-reference` (a name in a condition that resolves to nothing) and `limit` (a
condition too large to judge, reported as information: the rule is still used)."""

from __future__ import annotations

from bundle_ls.documents.codes import Code

DIALECT = "permissions"

RULE_SYNTAX = Code(
    "rule-syntax",
    "error",
    DIALECT,
    "A permission-rule condition that does not parse; the range is the offending token.",
    'rules.yaml:4:27: error: a name with spaces needs quotes: tag("Inpatient Ward") [rule-syntax]',
    "Conditions are written with role(…), privilege(…), tag(…) and location(…), combined with "
    "and, or, not and parentheses (docs/permission-rules.md). A rule whose condition does not "
    "parse grants nothing, and `bundle-ls permissions` lists it as skipped.",
)
RULE_NEVER = Code(
    "rule-never",
    "warning",
    DIALECT,
    "A condition that can never hold, given role inclusion, role privileges and the location "
    "hierarchy: the rule grants nothing.",
    "rules.yaml:9:11: warning: this condition can never hold (Ward 3 lies under Main "
    "Hospital); the rule never grants 'App: Registration' [rule-never]",
    "The message names the facts of the configuration that make it impossible. A session has "
    "one location, and a location does not inherit the tags of the locations above it.",
)
RULE_ALWAYS = Code(
    "rule-always",
    "warning",
    DIALECT,
    "A condition that holds for every user everywhere: the grant goes to everyone.",
    "rules.yaml:12:11: warning: this condition always holds; the rule grants 'App: Home' to "
    "every user everywhere (write true if that is meant) [rule-always]",
    "Write `true` when a rule is meant for everyone: the literal says what it means and is "
    "never reported.",
)
RULE_REDUNDANT = Code(
    "rule-redundant",
    "information",
    DIALECT,
    "A rule whose every user already gets its privileges from their roles or other rules.",
    "rules.yaml:20:11: information: every user this rule grants to already gets 'App: "
    "Registration' from rule 'registration-desk' [rule-redundant]",
    "Of two rules that say the same, the later one is reported, and removing every reported "
    "rule together takes no privilege from anyone.",
)

CODES = (RULE_SYNTAX, RULE_NEVER, RULE_ALWAYS, RULE_REDUNDANT)
