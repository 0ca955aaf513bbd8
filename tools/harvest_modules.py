"""Harvest what OpenMRS core and its modules create, per Initializer domain.

Reads the real sources of each module from a local git mirror (a git directory, read with
`git --git-dir=… show HEAD:path`) and writes `schemas/modules/<module-id>.yaml`: the names
and uuids of the concept classes, privileges, roles, encounter types … that the module puts
in the database, each with its provenance (repository, path, commit). The format is
described in docs/module-data.md.

Sources read, in this order for each module:

1. its Liquibase changelogs (`liquibase.xml` and what it includes): `<insert>`, `<update>`,
   `<delete>`, `<loadData>` and the SQL of `<sql>` / `<sqlFile>` (`INSERT … VALUES`,
   `INSERT … SELECT <literals>`, `UPDATE … SET … WHERE col = '…'`, `DELETE … WHERE
   col = '…'`, `SET @v = '…'`, `SELECT '…' INTO @v`, and Bahmni's `call add_concept(…)`);
   `<rollback>` and `<preConditions>` are never read, and a changeset whose only effect
   depends on a precondition is taken as run (the entity exists either way);
2. its `config.xml` `<privilege>` entries;
3. Java sources where metadata is written as constants: metadatadeploy `CoreConstructors`
   calls (`privilege("…", …)`, `encounterType("…", "…", "uuid")` …), `new Role()` /
   `new ConceptSource()` … followed by `setName("…")` / `setUuid("…")` calls, and core's
   `@AddOnStartup` privilege constants. Arguments are read when they are string literals,
   `static final String` constants of the repository or concatenations of those; anything
   else (a value computed at run time) is skipped and counted;
4. DBUnit datasets and Metadata Sharing packages that a module's activator loads, when the
   module spec names them (only a module's own code says which files it loads).

Later changesets are honoured where visible: an `UPDATE` or `<update>` that sets the name
column of a row found by `name`/`uuid`/`privilege`/`role` renames the entry, a `DELETE` or
`<delete>` removes it, `retired = 1` marks it retired. A statement whose `WHERE` is anything
but `col = 'literal'` (possibly joined by AND) is skipped and counted. Only the module's own
entries are renamed or removed (a module that renames core metadata is not followed into
core's file).

Usage:
    python tools/harvest_modules.py --mirrors /work/.mirror --out schemas/modules [MODULE …]

Nothing is executed: SQL and Java are read as text.
"""

from __future__ import annotations

import argparse
import csv
import io
import posixpath
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET

# --------------------------------------------------------------------------------------------
# What a table is, for Initializer: its domain and the column that names a row.

TABLES: dict[str, tuple[str, str]] = {
    "concept_class": ("conceptclasses", "name"),
    "concept_reference_source": ("conceptsources", "name"),
    "concept_source": ("conceptsources", "name"),  # its name before OpenMRS 1.9
    "concept_map_type": ("conceptmaptypes", "name"),
    "privilege": ("privileges", "privilege"),
    "role": ("roles", "role"),
    "encounter_role": ("encounterroles", "name"),
    "encounter_type": ("encountertypes", "name"),
    "order_type": ("ordertypes", "name"),
    "visit_type": ("visittypes", "name"),
    "care_setting": ("caresettings", "name"),
    "patient_identifier_type": ("patientidentifiertypes", "name"),
    "person_attribute_type": ("personattributetypes", "name"),
    "location_tag": ("locationtags", "name"),
    "location": ("locations", "name"),
    "relationship_type": ("relationshiptypes", "a_is_to_b"),
    "program": ("programs", "name"),
    "drug": ("drugs", "name"),
    "location_attribute_type": ("attributetypes", "name"),
    "visit_attribute_type": ("attributetypes", "name"),
    "provider_attribute_type": ("attributetypes", "name"),
    "concept_attribute_type": ("attributetypes", "name"),
    "program_attribute_type": ("attributetypes", "name"),
    "providermanagement_provider_role": ("providerroles", "name"),
    "idgen_identifier_source": ("idgen", "name"),
    "appointment_speciality": ("appointmentspecialities", "name"),
    "appointment_service": ("appointmentservicedefinitions", "name"),
    "appointment_service_type": ("appointmentservicetypes", "name"),
    "queue": ("queues", "name"),
    "cashier_payment_mode": ("paymentmodes", "name"),
    "cashier_cash_point": ("cashpoints", "name"),
    "cashier_billable_service": ("billableservices", "name"),
    "patientflags_priority": ("flagpriorities", "name"),
    "patientflags_tag": ("flagtags", "name"),
    "patientflags_flag": ("flags", "name"),
    "cohort_type": ("cohorttypes", "name"),
    "cohort_attribute_type": ("cohortattributetypes", "name"),
    "metadatamapping_metadata_set": ("metadatasets", "name"),
    "metadatamapping_metadata_source": ("metadatasources", "name"),
    "fhir_concept_source": ("fhirconceptsources", "name"),
    "fhir_patient_identifier_system": ("fhirpatientidentifiersystems", "name"),
    "emrapi_procedure_type": ("proceduretypes", "name"),
}

# The entity an attribute type table describes (Initializer's `Entity name` column).
ATTRIBUTE_ENTITY: dict[str, str] = {
    "location_attribute_type": "Location",
    "visit_attribute_type": "Visit",
    "provider_attribute_type": "Provider",
    "concept_attribute_type": "Concept",
    "program_attribute_type": "Program",
}

# Column order of tables that SQL fills without a column list (openmrs-core's schema).
POSITIONAL_COLUMNS: dict[str, list[str]] = {
    "privilege": ["privilege", "description", "uuid"],
    "role": ["role", "description", "uuid"],
}

UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
)


# --------------------------------------------------------------------------------------------
# Where the files come from.


class SourceTree(Protocol):
    """One repository at one commit: its file paths and their bytes."""

    repo: str
    commit: str

    def paths(self) -> list[str]: ...

    def read(self, path: str) -> bytes | None: ...


class GitMirror:
    """A repository in a local git directory, read at HEAD without a work tree."""

    def __init__(self, git_dir: Path, repo: str) -> None:
        self.git_dir = git_dir
        self.repo = repo
        self.commit = self._git("rev-parse", "HEAD").decode().strip()
        self._paths: list[str] | None = None

    def _git(self, *args: str) -> bytes:
        return subprocess.run(
            ["git", f"--git-dir={self.git_dir}", *args], check=True, capture_output=True
        ).stdout

    def paths(self) -> list[str]:
        if self._paths is None:
            out = self._git("ls-tree", "-r", "--name-only", "-z", self.commit)
            self._paths = [p for p in out.decode("utf-8", "replace").split("\0") if p]
        return self._paths

    def read(self, path: str) -> bytes | None:
        try:
            return self._git("show", f"{self.commit}:{path}")
        except subprocess.CalledProcessError:
            return None  # listed but absent (large files are left out of snapshots)


class DirectoryTree:
    """Files kept in a folder (the recorded sample the tests harvest offline)."""

    def __init__(self, root: Path, repo: str, commit: str) -> None:
        self.root = root
        self.repo = repo
        self.commit = commit

    def paths(self) -> list[str]:
        return sorted(
            p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file()
        )

    def read(self, path: str) -> bytes | None:
        p = self.root / path
        return p.read_bytes() if p.is_file() else None


# --------------------------------------------------------------------------------------------
# What a module is made of.


@dataclass(frozen=True)
class ModuleSpec:
    """Where one module's sources are in its repository."""

    module_id: str
    repo: str
    config: str | None = None  # config.xml path; None: the only one in the repository
    changelogs: tuple[str, ...] | None = None  # None: every main liquibase.xml of the repo
    java_roots: tuple[str, ...] = ("",)  # folders whose main Java sources are read
    datasets: tuple[str, ...] = ()  # DBUnit datasets the activator loads
    mds_packages: tuple[str, ...] = ()  # Metadata Sharing zips the activator installs
    note: str = ""


@dataclass
class Entry:
    name: str
    uuid: str | None
    path: str
    changeset: str | None = None
    entity: str | None = None  # attribute types: the entity they describe
    retired: bool = False


@dataclass
class Skipped:
    """What could not be read reliably, counted per reason (reported, never guessed)."""

    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)

    def add(self, reason: str, where: str) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + 1
        self.examples.setdefault(reason, where)


@dataclass
class Harvest:
    module_id: str
    repo: str
    commit: str
    domains: dict[str, dict[str, Entry]] = field(default_factory=dict)
    skipped: Skipped = field(default_factory=Skipped)
    concept_uuids: dict[str, str] = field(default_factory=dict)  # concept_id -> uuid

    def add(self, domain: str, entry: Entry) -> None:
        # MySQL compares names without trailing spaces (PAD SPACE collations); so do we.
        entry.name = entry.name.strip()
        if not entry.name:
            return
        entries = self.domains.setdefault(domain, {})
        key = entry.name.casefold()
        old = entries.get(key)
        if old is None:
            entries[key] = entry
        elif old.uuid is None and entry.uuid:
            old.uuid = entry.uuid  # the same entity defined again (another dbms) with its uuid

    def find(self, domain: str, column: str, value: str) -> list[str]:
        """Keys of this module's entries of a domain that a `column = value` test selects."""
        entries = self.domains.get(domain, {})
        if column == "uuid":
            return [k for k, e in entries.items() if e.uuid and e.uuid.lower() == value.lower()]
        return [k for k in entries if k == value.casefold()]

    def rename(self, domain: str, key: str, new_name: str) -> None:
        entries = self.domains[domain]
        entry = entries.pop(key)
        entry.name = new_name
        entries[new_name.casefold()] = entry


# --------------------------------------------------------------------------------------------
# SQL, as far as it can be read without a database.


class Unknown:
    """A value only the database knows (uuid(), now(), a sub-select, an unset variable)."""

    def __repr__(self) -> str:
        return "Unknown"


UNKNOWN = Unknown()
SqlValue = str | None | Unknown

_SQL_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<str>'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*")
  | (?P<ident>`[^`]*`|[A-Za-z_][A-Za-z0-9_$.]*)
  | (?P<var>@@?[A-Za-z0-9_.]+)
  | (?P<num>-?\d+(?:\.\d+)?)
  | (?P<op><>|!=|<=|>=|:=|[(),;=*+<>.-])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Tok:
    kind: str
    text: str

    @property
    def word(self) -> str:
        return self.text.strip("`").lower() if self.kind == "ident" else ""


def _unquote(text: str) -> str:
    quote = text[0]
    body = text[1:-1].replace(quote * 2, quote)
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "0": "\0"}.get(m[1], m[1]), body)


def sql_tokens(sql: str) -> list[Tok]:
    return [
        Tok(m.lastgroup or "other", m.group())
        for m in _SQL_TOKEN.finditer(sql)
        if m.lastgroup != "ws"
    ]


def strip_sql_comments(sql: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(sql):
        c = sql[i]
        if c in "'\"`":
            j = i + 1
            while j < len(sql) and sql[j] != c:
                j += 2 if sql[j] == "\\" else 1
            out.append(sql[i : j + 1])
            i = j + 1
        elif sql.startswith("--", i) or c == "#":
            j = sql.find("\n", i)
            i = len(sql) if j < 0 else j
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            i = len(sql) if j < 0 else j + 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def split_statements(tokens: list[Tok]) -> list[list[Tok]]:
    statements: list[list[Tok]] = [[]]
    for t in tokens:
        if t.text == ";":
            statements.append([])
        else:
            statements[-1].append(t)
    return [s for s in statements if s]


def split_top(tokens: list[Tok], sep: str = ",") -> list[list[Tok]]:
    """Split on a separator outside parentheses."""
    parts: list[list[Tok]] = [[]]
    depth = 0
    for t in tokens:
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth -= 1
        if t.text == sep and depth == 0:
            parts.append([])
        else:
            parts[-1].append(t)
    return parts


def group_end(tokens: list[Tok], start: int) -> int:
    """Index of the parenthesis closing the one at `start`."""
    depth = 0
    for i in range(start, len(tokens)):
        if tokens[i].text == "(":
            depth += 1
        elif tokens[i].text == ")":
            depth -= 1
            if depth == 0:
                return i
    return len(tokens) - 1


class SqlReader:
    """Reads the statements of one changelog's SQL into a module's harvest."""

    def __init__(self, harvest: Harvest) -> None:
        self.harvest = harvest
        self.variables: dict[str, SqlValue] = {}

    def value(self, toks: list[Tok]) -> SqlValue:
        if len(toks) == 1:
            t = toks[0]
            if t.kind == "str":
                return _unquote(t.text)
            if t.kind == "num":
                return t.text
            if t.kind == "var":
                return self.variables.get(t.text.lower(), UNKNOWN)
            if t.word == "null":
                return None
            if t.word in ("true", "false"):
                return "1" if t.word == "true" else "0"
            return UNKNOWN
        if len(toks) >= 3 and toks[0].word == "concat" and toks[1].text == "(":
            parts = [self.value(p) for p in split_top(toks[2 : group_end(toks, 1)])]
            if all(isinstance(p, str) for p in parts):
                return "".join(p for p in parts if isinstance(p, str))
        if toks and toks[0].text == "(" and group_end(toks, 0) == len(toks) - 1:
            return self.value(toks[1:-1])
        return UNKNOWN

    def read(self, sql: str, path: str, changeset: str | None) -> None:
        if re.search(
            r"\bcreate\s+(definer\s*=\s*\S+\s+)?(procedure|function|trigger)\b", sql, re.I
        ):
            # Stored routine definitions create nothing until called.
            sql = re.sub(r"(?is)\bdelimiter\s+(\S+)\s.*?\bdelimiter\s*;", " ", sql)
            if re.search(
                r"\bcreate\s+(definer\s*=\s*\S+\s+)?(procedure|function|trigger)\b", sql, re.I
            ):
                return
        for statement in split_statements(sql_tokens(strip_sql_comments(sql))):
            self.statement(statement, path, changeset)

    def statement(self, s: list[Tok], path: str, changeset: str | None) -> None:
        head = s[0].word
        where = f"{path} {changeset or ''}".strip()
        if head == "set" and len(s) >= 4 and s[1].kind == "var" and s[2].text in ("=", ":="):
            self.variables[s[1].text.lower()] = self.value(s[3:])
        elif head == "select":
            into = next((i for i, t in enumerate(s) if t.word == "into"), None)
            if into is not None and into + 1 < len(s) and s[into + 1].kind == "var":
                end = next((i for i, t in enumerate(s[1:into], 1) if t.word == "from"), into)
                self.variables[s[into + 1].text.lower()] = self.value(s[1:end])
        elif head == "insert":
            self.insert(s, path, changeset, where)
        elif head == "update":
            self.update(s, where)
        elif head == "delete":
            self.delete(s, where)
        elif head == "call" and len(s) > 2 and s[1].word == "add_concept":
            args = [self.value(a) for a in split_top(s[3 : group_end(s, 2)])]
            # add_concept(concept_id, short_id, full_id, name, short name, datatype, class, is_set)
            if len(args) >= 4 and isinstance(args[3], str):
                self.harvest.add("concepts", Entry(args[3], None, path, changeset))
            else:
                self.harvest.skipped.add("add_concept call with a computed name", where)

    def insert(self, s: list[Tok], path: str, changeset: str | None, where: str) -> None:
        i = 1
        while i < len(s) and s[i].word in ("ignore", "into", "low_priority", "delayed"):
            i += 1
        if i >= len(s):
            return
        table = s[i].word.split(".")[-1]
        if table not in TABLES and table not in ("concept", "concept_name"):
            return
        i += 1
        if i < len(s) and s[i].text == "(":
            end = group_end(s, i)
            columns = [c[0].word if c else "" for c in split_top(s[i + 1 : end])]
            rest = s[end + 1 :]
        elif table in POSITIONAL_COLUMNS:
            columns, rest = POSITIONAL_COLUMNS[table], s[i:]
        else:
            self.harvest.skipped.add(f"INSERT INTO {table} without a column list", where)
            return
        rows: list[list[SqlValue]] = []
        if rest and rest[0].word in ("values", "value"):
            j = 1
            while j < len(rest) and rest[j].text == "(":
                k = group_end(rest, j)
                rows.append([self.value(v) for v in split_top(rest[j + 1 : k])])
                j = k + 1
                if j < len(rest) and rest[j].text == ",":
                    j += 1
        elif rest and rest[0].word == "select":
            stop = next(
                (n for n, t in enumerate(rest) if t.word in ("from", "where", "union")), len(rest)
            )
            # `SELECT name … FROM t WHERE name = 'LOINC'`: a selected column that the WHERE
            # fixes to a literal has that value.
            where_at = next((n for n, t in enumerate(rest) if t.word == "where"), None)
            fixed = self._conditions(rest[where_at + 1 :], partial=True) if where_at else {}
            values = []
            for v in split_top(rest[1:stop]):
                known = (
                    (fixed or {}).get(v[0].word) if len(v) == 1 and v[0].kind == "ident" else None
                )
                if known and len(known) == 1:
                    values.append(known[0])
                else:
                    values.append(self.value(v))
            rows.append(values)
        else:
            self.harvest.skipped.add(f"INSERT INTO {table} of another form", where)
            return
        for values in rows:
            if len(values) != len(columns):
                self.harvest.skipped.add(f"INSERT INTO {table} with unmatched values", where)
                continue
            add_row(
                self.harvest, table, dict(zip(columns, values, strict=True)), path, changeset, where
            )

    def _assignments(self, toks: list[Tok]) -> dict[str, SqlValue] | None:
        out: dict[str, SqlValue] = {}
        for part in split_top(toks):
            if len(part) < 3 or part[1].text != "=" or part[0].kind != "ident":
                return None
            out[part[0].word.split(".")[-1]] = self.value(part[2:])
        return out

    def _conditions(self, toks: list[Tok], partial: bool = False) -> dict[str, list[str]] | None:
        """`col = 'a' AND col2 IN ('b', 'c')` as {col: [a], col2: [b, c]}; None for any other
        form (or, with `partial`, the parts of that form only)."""
        out: dict[str, list[str]] = {}
        parts: list[list[Tok]] = [[]]
        for t in toks:
            if t.word == "and":
                parts.append([])
            else:
                parts[-1].append(t)
        for part in parts:
            values: list[SqlValue] | None = None
            if len(part) >= 3 and part[0].kind == "ident" and part[1].text == "=":
                values = [self.value(part[2:])]
            elif (
                len(part) >= 4
                and part[0].kind == "ident"
                and part[1].word == "in"
                and part[2].text == "("
            ):
                values = [self.value(v) for v in split_top(part[3 : group_end(part, 2)])]
            if values is None or not all(isinstance(v, str) for v in values):
                if partial:
                    continue
                return None
            out[part[0].word.split(".")[-1]] = [v for v in values if isinstance(v, str)]
        return out

    def update(self, s: list[Tok], where: str) -> None:
        table = s[1].word.split(".")[-1] if len(s) > 1 else ""
        if table not in TABLES:
            return
        set_at = next((i for i, t in enumerate(s) if t.word == "set"), None)
        where_at = next((i for i, t in enumerate(s) if t.word == "where"), len(s))
        if set_at is None:
            return
        assignments = self._assignments(s[set_at + 1 : where_at])
        conditions = self._conditions(s[where_at + 1 :]) if where_at < len(s) else None
        apply_update(self.harvest, table, assignments, conditions, where)

    def delete(self, s: list[Tok], where: str) -> None:
        i = 1
        if i < len(s) and s[i].word == "from":
            i += 1
        table = s[i].word.split(".")[-1] if i < len(s) else ""
        if table not in TABLES:
            return
        where_at = next((n for n, t in enumerate(s) if t.word == "where"), len(s))
        conditions = self._conditions(s[where_at + 1 :]) if where_at < len(s) else None
        apply_delete(self.harvest, table, conditions, where)


def add_row(
    harvest: Harvest,
    table: str,
    row: dict[str, SqlValue],
    path: str,
    changeset: str | None,
    where: str,
) -> None:
    if table == "concept":
        # Names come in concept_name rows; they find the concept's uuid by a literal id.
        concept_id, uuid = row.get("concept_id"), row.get("uuid")
        if isinstance(concept_id, str) and isinstance(uuid, str) and UUID_RE.match(uuid):
            harvest.concept_uuids[concept_id] = uuid
        return
    if table == "concept_name":
        # Without a literal concept_id (SQL that looks the id up), the uuid stays unknown.
        name = row.get("name")
        kind = row.get("concept_name_type")
        concept_id = row.get("concept_id")
        uuid = harvest.concept_uuids.get(concept_id) if isinstance(concept_id, str) else None
        if isinstance(name, str) and (
            kind in (None, "FULLY_SPECIFIED") or isinstance(kind, Unknown)
        ):
            harvest.add("concepts", Entry(name, uuid, path, changeset))
        return
    domain, name_column = TABLES[table]
    name = row.get(name_column)
    if table == "relationship_type":
        b = row.get("b_is_to_a")
        name = f"{name}/{b}" if isinstance(name, str) and isinstance(b, str) else UNKNOWN
    if not isinstance(name, str) or not name.strip():
        harvest.skipped.add(f"{table} row whose name is computed", where)
        return
    uuid = row.get("uuid")
    retired = row.get("retired") in ("1", "true")
    harvest.add(
        domain,
        Entry(
            name.strip(),
            uuid if isinstance(uuid, str) and UUID_RE.match(uuid) else None,
            path,
            changeset,
            ATTRIBUTE_ENTITY.get(table),
            retired,
        ),
    )


def _select(harvest: Harvest, table: str, conditions: dict[str, list[str]]) -> list[str] | None:
    domain, name_column = TABLES[table]
    keys: list[str] | None = None
    for column, values in conditions.items():
        if column not in ("uuid", name_column):
            return None
        found = [
            k
            for v in values
            for k in harvest.find(domain, "uuid" if column == "uuid" else "name", v)
        ]
        keys = found if keys is None else [k for k in keys if k in found]
    return keys


def apply_update(
    harvest: Harvest,
    table: str,
    assignments: dict[str, SqlValue] | None,
    conditions: dict[str, list[str]] | None,
    where: str,
) -> None:
    domain, name_column = TABLES[table]
    if assignments is None:
        harvest.skipped.add(f"UPDATE {table} of another form", where)
        return
    touches = {name_column, "uuid", "retired"} & set(assignments)
    if not touches:
        return  # descriptions, ids, dates: nothing Initializer identifies by
    if not conditions:
        harvest.skipped.add(f"UPDATE {table} with a WHERE that is not col = literal", where)
        return
    keys = _select(harvest, table, conditions)
    if keys is None:
        harvest.skipped.add(f"UPDATE {table} selecting rows by another column", where)
        return
    for key in keys:
        entry = harvest.domains[domain][key]
        if "retired" in assignments:
            entry.retired = assignments["retired"] in ("1", "true")
        new_uuid = assignments.get("uuid")
        if isinstance(new_uuid, str) and UUID_RE.match(new_uuid):
            entry.uuid = new_uuid
        new_name = assignments.get(name_column)
        if isinstance(new_name, str) and new_name.strip():
            harvest.rename(domain, key, new_name.strip())


def apply_delete(
    harvest: Harvest, table: str, conditions: dict[str, list[str]] | None, where: str
) -> None:
    domain, _ = TABLES[table]
    if not conditions:
        harvest.skipped.add(f"DELETE FROM {table} with a WHERE that is not col = literal", where)
        return
    keys = _select(harvest, table, conditions)
    if keys is None:
        harvest.skipped.add(f"DELETE FROM {table} selecting rows by another column", where)
        return
    for key in keys:
        del harvest.domains[domain][key]


# --------------------------------------------------------------------------------------------
# Liquibase changelogs.


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_xml(data: bytes) -> Element:
    return SafeET.fromstring(data)


class ChangelogReader:
    def __init__(self, tree: SourceTree, harvest: Harvest) -> None:
        self.tree = tree
        self.harvest = harvest
        self.seen: set[str] = set()
        self.all_paths = tree.paths()

    def resolve(self, name: str, relative_to: str | None) -> str | None:
        """A changelog reference: relative to the including file, or a classpath resource."""
        name = name.lstrip("/")
        if name.startswith("classpath:"):
            name = name[len("classpath:") :].lstrip("/")
        candidates = []
        if relative_to is not None:
            candidates.append(
                posixpath.normpath(posixpath.join(posixpath.dirname(relative_to), name))
            )
        candidates += [p for p in self.all_paths if p.endswith("/src/main/resources/" + name)]
        for c in candidates:
            if c in self.all_paths:
                return c
        return None

    def read_changelog(self, path: str) -> None:
        if path in self.seen:
            return
        self.seen.add(path)
        data = self.tree.read(path)
        if data is None:
            self.harvest.skipped.add("changelog file missing from the snapshot", path)
            return
        try:
            root = parse_xml(data)
        except Exception:  # noqa: BLE001 - any unreadable XML is counted, not fatal
            self.harvest.skipped.add("changelog that is not well-formed XML", path)
            return
        sql = SqlReader(self.harvest)
        for child in root:
            tag = local(child.tag)
            if tag == "changeSet":
                self.changeset(child, path, sql)
            elif tag == "include":
                target = self.resolve(
                    child.get("file", ""),
                    path if child.get("relativeToChangelogFile") == "true" else None,
                )
                if target is None:
                    self.harvest.skipped.add(
                        "included changelog not found", f"{path} {child.get('file')}"
                    )
                else:
                    self.read_changelog(target)
            elif tag == "includeAll":
                folder = child.get("path", "").strip("/")
                base = (
                    posixpath.normpath(posixpath.join(posixpath.dirname(path), folder))
                    if child.get("relativeToChangelogFile") == "true"
                    else folder
                )
                for p in sorted(self.all_paths):
                    if (
                        p.startswith(base + "/") or f"/src/main/resources/{base}/" in p
                    ) and p.endswith(".xml"):
                        self.read_changelog(p)

    def changeset(self, cs: Element, path: str, sql: SqlReader) -> None:
        cs_id = cs.get("id")
        where = f"{path} {cs_id}"
        for change in cs:
            tag = local(change.tag)
            if tag in ("rollback", "preConditions", "comment", "validCheckSum"):
                continue
            table = (change.get("tableName") or "").lower()
            if tag == "insert" and (table in TABLES or table in ("concept", "concept_name")):
                row = {
                    c.get("name", "").lower(): column_value(c)
                    for c in change
                    if local(c.tag) == "column"
                }
                add_row(self.harvest, table, row, path, cs_id, where)
            elif tag == "update" and table in TABLES:
                assignments = {
                    c.get("name", "").lower(): column_value(c)
                    for c in change
                    if local(c.tag) == "column"
                }
                where_el = next((c for c in change if local(c.tag) == "where"), None)
                conditions = (
                    sql._conditions(sql_tokens(where_el.text or ""))
                    if where_el is not None
                    else None
                )
                apply_update(self.harvest, table, assignments, conditions, where)
            elif tag == "delete" and table in TABLES:
                where_el = next((c for c in change if local(c.tag) == "where"), None)
                conditions = (
                    sql._conditions(sql_tokens(where_el.text or ""))
                    if where_el is not None
                    else None
                )
                apply_delete(self.harvest, table, conditions, where)
            elif tag == "sql":
                sql.read("".join(change.itertext()), path, cs_id)
            elif tag == "sqlFile":
                target = self.resolve(
                    change.get("path", ""),
                    path if change.get("relativeToChangelogFile") == "true" else None,
                ) or self.resolve(change.get("path", ""), path)
                data = self.tree.read(target) if target else None
                if data is None:
                    self.harvest.skipped.add("sqlFile not found", f"{where} {change.get('path')}")
                else:
                    sql.read(data.decode("utf-8", "replace"), target or path, cs_id)
            elif tag in ("loadData", "loadUpdateData") and table in TABLES:
                self.load_data(change, table, path, cs_id, where)

    def load_data(
        self, change: Element, table: str, path: str, cs_id: str | None, where: str
    ) -> None:
        target = self.resolve(
            change.get("file", ""),
            path if change.get("relativeToChangelogFile") == "true" else None,
        )
        data = self.tree.read(target) if target else None
        if data is None or target is None:
            self.harvest.skipped.add("loadData file not found", where)
            return
        separator = change.get("separator", ",")
        for row in csv.DictReader(
            io.StringIO(data.decode("utf-8", "replace")), delimiter=separator
        ):
            add_row(
                self.harvest,
                table,
                {k.lower(): v for k, v in row.items() if k},
                target,
                cs_id,
                where,
            )


def column_value(column: Element) -> SqlValue:
    for attr in ("value", "valueNumeric", "valueBoolean", "valueDate"):
        v = column.get(attr)
        if v is not None:
            return {"true": "1", "false": "0"}.get(v, v) if attr == "valueBoolean" else v
    if column.get("valueComputed") is not None:
        return UNKNOWN
    if column.text and column.text.strip():
        return column.text.strip()
    return None


# --------------------------------------------------------------------------------------------
# config.xml


def read_config_privileges(tree: SourceTree, path: str, harvest: Harvest) -> None:
    """`<privilege><name>` entries; the module's id stands for the build-time placeholders
    that name it (`${project.parent.artifactId}`, `@MODULE_ID@`), as the module's build does."""
    data = tree.read(path)
    if data is None:
        harvest.skipped.add("config.xml missing from the snapshot", path)
        return
    try:
        root = parse_xml(data)
    except Exception:  # noqa: BLE001
        harvest.skipped.add("config.xml that is not well-formed XML", path)
        return
    for privilege in root.iter("privilege"):
        name_el = privilege.find("name")
        name = (name_el.text or "").strip() if name_el is not None else ""
        for placeholder in ("${project.parent.artifactId}", "@MODULE_ID@", "${moduleId}"):
            name = name.replace(placeholder, harvest.module_id)
        if not name or "${" in name or re.search(r"@\w+@", name):
            harvest.skipped.add("config.xml privilege with a build-time placeholder", path)
            continue
        harvest.add("privileges", Entry(name, None, path))


# --------------------------------------------------------------------------------------------
# Java: constants and metadata written as code.

_JAVA_STRING = r'"(?:[^"\\]|\\.)*"'
_CONST_DECL = re.compile(
    r"\bstatic\s+final\s+String\s+([A-Za-z_]\w*)\s*=\s*((?:[^;\"]|" + _JAVA_STRING + r")+);"
)
_CLASS_DECL = re.compile(r"\b(?:class|interface|enum)\s+([A-Za-z_]\w*)")


def java_files(tree: SourceTree, roots: Iterable[str]) -> list[str]:
    roots = tuple(roots)
    return [
        p
        for p in tree.paths()
        if p.endswith(".java")
        and "/src/main/java/" in f"/{p}"
        and any(p.startswith(r) for r in roots)
    ]


class JavaConstants:
    """`static final String` constants of a repository, by `Name` and `Class.Name`."""

    def __init__(self) -> None:
        self.raw: dict[str, list[tuple[str, str]]] = {}  # key -> [(expression, class)]
        self.cache: dict[str, str | None] = {}

    def add_file(self, text: str) -> None:
        classes = [(m.start(), m[1]) for m in _CLASS_DECL.finditer(text)]
        for m in _CONST_DECL.finditer(text):
            owner = next((c for pos, c in reversed(classes) if pos < m.start()), "")
            for key in (m[1], f"{owner}.{m[1]}"):
                self.raw.setdefault(key, []).append((m[2].strip(), owner))

    def resolve(self, expr: str, depth: int = 0) -> str | None:
        if depth > 10:
            return None
        parts = [p.strip() for p in split_java_plus(expr)]
        out: list[str] = []
        for part in parts:
            if re.fullmatch(_JAVA_STRING, part):
                out.append(java_unescape(part))
                continue
            name = part.split(".")[-2:] if "." in part else [part]
            key = ".".join(name)
            value = self.lookup(key, depth)
            if value is None and len(name) == 2:
                value = self.lookup(name[1], depth)
            if value is None:
                return None
            out.append(value)
        return "".join(out)

    def lookup(self, key: str, depth: int) -> str | None:
        if key in self.cache:
            return self.cache[key]
        candidates = self.raw.get(key, [])
        values = {self.resolve(expr, depth + 1) for expr, _ in candidates}
        value = values.pop() if len(values) == 1 else None  # unknown or ambiguous
        self.cache[key] = value
        return value


def split_java_plus(expr: str) -> list[str]:
    parts, depth, current, i = [], 0, [], 0
    while i < len(expr):
        c = expr[i]
        if c == '"':
            m = re.compile(_JAVA_STRING).match(expr, i)
            if not m:
                return [expr]
            current.append(m.group())
            i = m.end()
            continue
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        if c == "+" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(c)
        i += 1
    parts.append("".join(current))
    return parts


def java_unescape(literal: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), literal[1:-1])


def java_call_args(text: str, open_paren: int) -> tuple[list[str], int] | None:
    """The top-level arguments of a call whose '(' is at `open_paren`."""
    depth, i, args, current = 0, open_paren, [], []
    while i < len(text):
        c = text[i]
        if c == '"':
            m = re.compile(_JAVA_STRING).match(text, i)
            if not m:
                return None
            current.append(m.group())
            i = m.end()
            continue
        if c == "(":
            depth += 1
            if depth == 1:
                i += 1
                continue
        elif c == ")":
            depth -= 1
            if depth == 0:
                args.append("".join(current).strip())
                return [a for a in args if a], i
        if c == "," and depth == 1:
            args.append("".join(current).strip())
            current = []
        else:
            current.append(c)
        i += 1
    return None


# metadatadeploy CoreConstructors: (domain, index of the name argument, index of the uuid
# argument counted from the end, or None). From metadatadeploy's CoreConstructors.java.
CORE_CONSTRUCTORS: dict[str, tuple[str, int, int | None]] = {
    "privilege": ("privileges", 0, None),
    "role": ("roles", 0, None),
    "encounterType": ("encountertypes", 0, -1),
    "encounterRole": ("encounterroles", 0, -1),
    "visitType": ("visittypes", 0, -1),
    "locationTag": ("locationtags", 0, -1),
    "location": ("locations", 0, -1),
    "conceptClass": ("conceptclasses", 0, -1),
    "conceptSource": ("conceptsources", 0, -1),
    "patientIdentifierType": ("patientidentifiertypes", 0, -1),
    "personAttributeType": ("personattributetypes", 0, -1),
    "program": ("programs", 0, -1),
    "orderType": ("ordertypes", 0, -1),
    "locationAttributeType": ("attributetypes", 0, -1),
    "visitAttributeType": ("attributetypes", 0, -1),
    "providerAttributeType": ("attributetypes", 0, -1),
}
CONSTRUCTOR_ENTITY = {
    "locationAttributeType": "Location",
    "visitAttributeType": "Visit",
    "providerAttributeType": "Provider",
}

# `new X()` followed by setters: (domain, name setter).
SETTER_TYPES: dict[str, tuple[str, str]] = {
    "ConceptClass": ("conceptclasses", "setName"),
    "ConceptSource": ("conceptsources", "setName"),
    "Privilege": ("privileges", "setPrivilege"),
    "Role": ("roles", "setRole"),
    "EncounterRole": ("encounterroles", "setName"),
    "EncounterType": ("encountertypes", "setName"),
    "OrderType": ("ordertypes", "setName"),
    "VisitType": ("visittypes", "setName"),
    "CareSetting": ("caresettings", "setName"),
    "PatientIdentifierType": ("patientidentifiertypes", "setName"),
    "PersonAttributeType": ("personattributetypes", "setName"),
    "LocationTag": ("locationtags", "setName"),
}


def read_java(tree: SourceTree, spec: ModuleSpec, harvest: Harvest) -> None:
    files = java_files(tree, spec.java_roots)
    texts: dict[str, str] = {}
    constants = JavaConstants()
    for p in files:
        data = tree.read(p)
        if data is None:
            continue
        texts[p] = data.decode("utf-8", "replace")
        constants.add_file(texts[p])
    for p, text in texts.items():
        if "metadatadeploy.bundle.CoreConstructors" in text:
            read_core_constructors(text, p, constants, harvest)
        read_setters(text, p, constants, harvest)
    for p, text in texts.items():
        if "@HasAddOnStartupPrivileges" in text:
            read_add_on_startup(text, p, constants, harvest)


def read_core_constructors(
    text: str, path: str, constants: JavaConstants, harvest: Harvest
) -> None:
    for m in re.finditer(r"\binstall\(\s*(" + "|".join(CORE_CONSTRUCTORS) + r")\s*\(", text):
        domain, name_at, uuid_at = CORE_CONSTRUCTORS[m[1]]
        parsed = java_call_args(text, m.end() - 1)
        if parsed is None:
            continue
        args = parsed[0]
        name = constants.resolve(args[name_at]) if len(args) > name_at else None
        if not name:
            harvest.skipped.add(f"{m[1]}(…) whose name is computed", path)
            continue
        uuid = constants.resolve(args[uuid_at]) if uuid_at is not None and args else None
        harvest.add(
            domain,
            Entry(
                name,
                uuid if uuid and UUID_RE.match(uuid) else None,
                path,
                None,
                CONSTRUCTOR_ENTITY.get(m[1]),
            ),
        )


def read_setters(text: str, path: str, constants: JavaConstants, harvest: Harvest) -> None:
    pattern = re.compile(
        r"\b([A-Za-z_]\w*)\s*=\s*new\s+(" + "|".join(SETTER_TYPES) + r")\s*\(\s*\)\s*;"
    )
    matches = list(pattern.finditer(text))
    for n, m in enumerate(matches):
        var, jtype = m[1], m[2]
        domain, name_setter = SETTER_TYPES[jtype]
        end = matches[n + 1].start() if n + 1 < len(matches) else len(text)
        body = text[m.end() : min(end, m.end() + 3000)]
        values: dict[str, str | None] = {}
        for s in re.finditer(rf"\b{re.escape(var)}\.(set\w+)\s*\(", body):
            parsed = java_call_args(body, s.end() - 1)
            if parsed and len(parsed[0]) == 1:
                values.setdefault(s[1], constants.resolve(parsed[0][0]))
        if name_setter not in values:
            continue  # built to compare or copy, not to create
        name = values[name_setter]
        if not name:
            harvest.skipped.add(f"new {jtype}() whose name is computed", path)
            continue
        uuid = values.get("setUuid")
        harvest.add(domain, Entry(name, uuid if uuid and UUID_RE.match(uuid) else None, path))


def read_add_on_startup(text: str, path: str, constants: JavaConstants, harvest: Harvest) -> None:
    """Core creates, at start-up, every `@AddOnStartup` constant of the classes annotated
    `@HasAddOnStartupPrivileges` (OpenmrsUtil.getCorePrivileges), in core and in modules."""
    for m in re.finditer(
        r"@AddOnStartup\s*\([^)]*\)\s*(?:@\w+(?:\([^)]*\))?\s*)*public\s+static\s+final\s+String\s+\w+\s*=\s*([^;]+);",
        text,
    ):
        name = constants.resolve(m[1])
        if name:
            harvest.add("privileges", Entry(name, None, path))
        else:
            harvest.skipped.add("@AddOnStartup privilege whose name is computed", path)


# --------------------------------------------------------------------------------------------
# DBUnit datasets and Metadata Sharing packages.


def read_dataset(tree: SourceTree, path: str, harvest: Harvest) -> None:
    data = tree.read(path)
    if data is None:
        harvest.skipped.add("dataset missing from the snapshot", path)
        return
    root = parse_xml(data)
    concept_uuids: dict[str, str] = {}
    names: list[tuple[str, str]] = []
    for row in root:
        table = local(row.tag).lower()
        attrs = {k.lower(): v for k, v in row.attrib.items()}
        if table == "concept" and "concept_id" in attrs and "uuid" in attrs:
            concept_uuids[attrs["concept_id"]] = attrs["uuid"]
        elif table == "concept_name" and attrs.get("concept_name_type") == "FULLY_SPECIFIED":
            names.append((attrs.get("concept_id", ""), attrs.get("name", "")))
        elif table in TABLES:
            add_row(harvest, table, dict(attrs), path, None, path)
    for concept_id, name in names:
        if name:
            harvest.add("concepts", Entry(name, concept_uuids.get(concept_id), path))


MDS_CLASSES: dict[str, str] = {
    "org.openmrs.EncounterRole": "encounterroles",
    "org.openmrs.EncounterType": "encountertypes",
    "org.openmrs.LocationTag": "locationtags",
    "org.openmrs.VisitType": "visittypes",
    "org.openmrs.PersonAttributeType": "personattributetypes",
    "org.openmrs.PatientIdentifierType": "patientidentifiertypes",
    "org.openmrs.ConceptClass": "conceptclasses",
    "org.openmrs.ConceptSource": "conceptsources",
    "org.openmrs.Privilege": "privileges",
    "org.openmrs.Role": "roles",
    "org.openmrs.module.providermanagement.ProviderRole": "providerroles",
}


def read_mds_package(tree: SourceTree, path: str, harvest: Harvest) -> None:
    """The top-level items of a Metadata Sharing zip (`metadata.xml`, XStream XML)."""
    data = tree.read(path)
    if data is None:
        harvest.skipped.add("metadata sharing package missing from the snapshot", path)
        return
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = parse_xml(z.read("metadata.xml"))
    items = root.find("items") if root.tag != "list" else root
    for item in items if items is not None else root:
        domain = MDS_CLASSES.get(item.tag)
        if domain is None:
            continue
        name_el = item.find(
            "privilege" if domain == "privileges" else "role" if domain == "roles" else "name"
        )
        # XStream writes the uuid as an attribute of the item (or, in older packages, a child).
        uuid_el = item.find("uuid")
        uuid = item.get("uuid") or (
            uuid_el.text.strip() if uuid_el is not None and uuid_el.text else None
        )
        if name_el is not None and name_el.text:
            harvest.add(domain, Entry(name_el.text.strip(), uuid, path))


# --------------------------------------------------------------------------------------------
# One module.


def default_changelogs(tree: SourceTree) -> list[str]:
    return [
        p
        for p in tree.paths()
        if p.endswith("src/main/resources/liquibase.xml") and "/test/" not in p
    ]


def default_config(tree: SourceTree) -> str | None:
    found = [p for p in tree.paths() if p.endswith("src/main/resources/config.xml")]
    return found[0] if len(found) == 1 else None


def harvest_module(tree: SourceTree, spec: ModuleSpec) -> Harvest:
    harvest = Harvest(spec.module_id, tree.repo, tree.commit)
    reader = ChangelogReader(tree, harvest)
    changelogs = spec.changelogs if spec.changelogs is not None else tuple(default_changelogs(tree))
    for changelog in changelogs:
        reader.read_changelog(changelog)
    config = spec.config if spec.config is not None else default_config(tree)
    if config:
        read_config_privileges(tree, config, harvest)
    read_java(tree, spec, harvest)
    for dataset in spec.datasets:
        read_dataset(tree, dataset, harvest)
    for package in spec.mds_packages:
        read_mds_package(tree, package, harvest)
    return harvest


# --------------------------------------------------------------------------------------------
# Output (YAML written by hand: a fixed, diff-friendly layout; see docs/module-data.md).


def yaml_str(value: str) -> str:
    if (
        re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ._/()&-]*", value)
        and value.strip() == value
        and value.lower() not in ("yes", "no", "true", "false", "on", "off", "null", "y", "n", "~")
        and not re.fullmatch(r"[0-9.eE+-]+", value)
    ):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def render(harvest: Harvest, spec: ModuleSpec) -> str:
    lines = [
        f"# What the OpenMRS module `{harvest.module_id}` creates in the database, per Initializer",
        "# domain (format: docs/module-data.md). Generated by tools/harvest_modules.py from",
        f"# {harvest.repo} at {harvest.commit}; do not edit by hand, run the harvest again.",
        "# Each entry: name, uuid (when its source fixes one), retired (when a later change",
        "# retired it), entity (attribute types), source: {repo, path, commit, changeset}.",
    ]
    if spec.note:
        lines += [f"# {line}" for line in spec.note.splitlines()]
    if harvest.skipped.counts:
        lines.append("# Not harvested (counted, never guessed):")
        for reason, count in sorted(harvest.skipped.counts.items()):
            lines.append(f"#   {count} x {reason}")
    lines += [
        f"module: {yaml_str(harvest.module_id)}",
        "source:",
        f"  repo: {harvest.repo}",
        f"  commit: {harvest.commit}",
        "domains:",
    ]
    if not any(harvest.domains.values()):
        lines[-1] = "domains: {}"
    for domain in sorted(harvest.domains):
        entries = sorted(harvest.domains[domain].values(), key=lambda e: e.name.casefold())
        if not entries:
            continue
        lines.append(f"  {domain}:")
        for e in entries:
            lines.append(f"    - name: {yaml_str(e.name)}")
            if e.uuid:
                lines.append(f"      uuid: {e.uuid}")
            if e.retired:
                lines.append("      retired: true")
            if e.entity:
                lines.append(f"      entity: {e.entity}")
            source = f"{{repo: {harvest.repo}, path: {yaml_str(e.path)}, commit: {harvest.commit}"
            if e.changeset:
                source += f", changeset: {yaml_str(e.changeset)}"
            lines.append(f"      source: {source}}}")
    return "\n".join(lines) + "\n"


def counts(harvest: Harvest) -> dict[str, int]:
    return {d: len(es) for d, es in sorted(harvest.domains.items()) if es}


# --------------------------------------------------------------------------------------------
# The modules harvested: openmrs-core, and every module the corpus distributions install
# (O3 reference application distro.properties, Bahmni distro pom, PIH openmrs-distro.properties,
# eSaude, Ozone, MSF LIME), where a snapshot of its repository could be had.

CORE = "openmrs/openmrs-core"
CORE_DATA = (
    "api/src/main/resources/org/openmrs/liquibase/snapshots/core-data/liquibase-core-data-2.9.x.xml"
)
CORE_UPDATES = (
    "api/src/main/resources/org/openmrs/liquibase/updates/liquibase-update-to-latest-3.0.x.xml"
)

MODULES: list[ModuleSpec] = [
    ModuleSpec(
        "openmrs-core",
        CORE,
        config="",
        changelogs=(CORE_DATA, CORE_UPDATES),
        java_roots=("api/",),
        note=(
            "A new database gets the newest core-data snapshot (2.9.x) and the updates after it;\n"
            "earlier snapshots hold a subset of these (privileges were only added since 2.1.x)."
        ),
    ),
    ModuleSpec(
        "bahmnicore",
        "Bahmni/bahmni-core",
        config="bahmnicore-omod/src/main/resources/config.xml",
        changelogs=("bahmnicore-omod/src/main/resources/liquibase.xml",),
        java_roots=("bahmnicore-api/", "bahmnicore-omod/", "bahmni-emr-api/"),
    ),
    ModuleSpec(
        "openelis-atomfeed-client",
        "Bahmni/bahmni-core",
        config="openmrs-elis-atomfeed-client-omod/src/main/resources/config.xml",
        changelogs=("openmrs-elis-atomfeed-client-omod/src/main/resources/liquibase.xml",),
        java_roots=("openmrs-elis-atomfeed-client-omod/",),
    ),
    ModuleSpec(
        "referencedata",
        "Bahmni/bahmni-core",
        config="reference-data/omod/src/main/resources/config.xml",
        changelogs=("reference-data/omod/src/main/resources/liquibase.xml",),
        java_roots=("reference-data/",),
    ),
    ModuleSpec("appointments", "Bahmni/openmrs-module-appointments"),
    ModuleSpec("bedmanagement", "Bahmni/openmrs-module-bedmanagement"),
    ModuleSpec("episodes", "Bahmni/openmrs-module-episodes"),
    ModuleSpec("ipd", "Bahmni/openmrs-module-ipd"),
    ModuleSpec("teleconsultation", "Bahmni/openmrs-module-teleconsultation"),
    ModuleSpec("rulesengine", "Bahmni/openmrs-module-rulesengine"),
    ModuleSpec("bahmni.ie.apps", "Bahmni/openmrs-module-bahmniapps"),
    ModuleSpec("openmrs-atomfeed", "ICT4H/openmrs-atomfeed"),
    ModuleSpec("bacteriology", "openmrs/bacteriology"),
    ModuleSpec("idgen", "openmrs/openmrs-module-idgen"),
    ModuleSpec("emrapi", "openmrs/openmrs-module-emrapi"),
    ModuleSpec("coreapps", "openmrs/openmrs-module-coreapps"),
    ModuleSpec("queue", "openmrs/openmrs-module-queue"),
    ModuleSpec("billing", "openmrs/openmrs-module-billing"),
    ModuleSpec("stockmanagement", "openmrs/openmrs-module-stockmanagement"),
    ModuleSpec(
        "referencemetadata",
        "openmrs/openmrs-module-referencemetadata",
        datasets=(
            "api/src/main/resources/Reference_Application_Concepts-27.xml",
            "api/src/main/resources/Reference_Application_Diagnoses-14.xml",
            "api/src/main/resources/Reference_Application_Order_Entry_and_Allergies_Concepts-21.xml",
        ),
        mds_packages=(
            "api/src/main/resources/Reference_Application_Encounter_Roles-1.zip",
            "api/src/main/resources/Reference_Application_Encounter_Types-2.zip",
            "api/src/main/resources/Reference_Application_Location_Tags-1.zip",
            "api/src/main/resources/Reference_Application_Person_Attribute_Types-1.zip",
            "api/src/main/resources/Reference_Application_Provider_Roles-2.zip",
            "api/src/main/resources/Reference_Application_Visit_Types-1.zip",
        ),
        note="Datasets and packages: those ReferenceMetadataActivator loads (installConcepts,\nMetadataUtil.setupStandardMetadata).",
    ),
    ModuleSpec("metadatamapping", "openmrs/openmrs-module-metadatamapping"),
    ModuleSpec("fhir2", "openmrs/openmrs-module-fhir2"),
    ModuleSpec("attachments", "openmrs/openmrs-module-attachments"),
    ModuleSpec("cohort", "openmrs/openmrs-module-cohort"),
    ModuleSpec("webservices.rest", "openmrs/openmrs-module-webservices.rest"),
    ModuleSpec("legacyui", "openmrs/openmrs-module-legacyui"),
    ModuleSpec("addresshierarchy", "openmrs/openmrs-module-addresshierarchy"),
    ModuleSpec("patientdocuments", "openmrs/openmrs-module-patientdocuments"),
    ModuleSpec("openconceptlab", "openmrs/openmrs-module-openconceptlab"),
    ModuleSpec("referencedemodata", "openmrs/openmrs-module-referencedemodata"),
    ModuleSpec("reporting", "openmrs/openmrs-module-reporting"),
    ModuleSpec("reportingrest", "openmrs/openmrs-module-reportingrest"),
    ModuleSpec("reportingcompatibility", "openmrs/openmrs-module-reportingcompatibility"),
    ModuleSpec("calculation", "openmrs/openmrs-module-calculation"),
    ModuleSpec("htmlwidgets", "openmrs/openmrs-module-htmlwidgets"),
    ModuleSpec("serialization.xstream", "openmrs/openmrs-module-serialization.xstream"),
    ModuleSpec("ordertemplates", "openmrs/openmrs-module-ordertemplates"),
    ModuleSpec("patientflags", "openmrs/openmrs-module-patientflags"),
    ModuleSpec("o3forms", "openmrs/openmrs-module-o3forms"),
    ModuleSpec("authentication", "openmrs/openmrs-module-authentication"),
    ModuleSpec("event", "openmrs/openmrs-module-event"),
    ModuleSpec("initializer", "mekomsolutions/openmrs-module-initializer"),
    ModuleSpec("appframework", "openmrs/openmrs-module-appframework"),
    ModuleSpec("appui", "openmrs/openmrs-module-appui"),
    ModuleSpec("uicommons", "openmrs/openmrs-module-uicommons"),
    ModuleSpec("uiframework", "openmrs/openmrs-module-uiframework"),
    ModuleSpec("providermanagement", "openmrs/openmrs-module-providermanagement"),
    ModuleSpec("metadatasharing", "openmrs/openmrs-module-metadatasharing"),
    ModuleSpec("registrationcore", "openmrs/openmrs-module-registrationcore"),
    ModuleSpec("registrationapp", "openmrs/openmrs-module-registrationapp"),
    ModuleSpec("htmlformentry", "openmrs/openmrs-module-htmlformentry"),
    ModuleSpec("appointmentscheduling", "openmrs/openmrs-module-appointmentscheduling"),
    ModuleSpec("allergyui", "openmrs/openmrs-module-allergyui"),
    ModuleSpec("pihcore", "PIH/openmrs-module-pihcore"),
]


def mirror_dir(mirrors: Path, repo: str) -> Path:
    return mirrors / repo.replace("/", "+") / "repo"


def iter_modules(names: list[str]) -> Iterator[ModuleSpec]:
    for spec in MODULES:
        if not names or spec.module_id in names:
            yield spec


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--mirrors", type=Path, required=True, help="folder of <owner>+<repo>/repo git dirs"
    )
    parser.add_argument("--out", type=Path, required=True, help="folder for <module-id>.yaml")
    parser.add_argument(
        "--module",
        action="append",
        default=[],
        metavar="ID=OWNER/NAME",
        help="harvest a module that is not in the built-in list, with the default layout",
    )
    parser.add_argument("modules", nargs="*", help="module ids (default: all)")
    args = parser.parse_args(argv)
    extra = [ModuleSpec(*item.split("=", 1)) for item in args.module]
    args.out.mkdir(parents=True, exist_ok=True)
    trees: dict[str, GitMirror] = {}
    status = 0
    for spec in extra or iter_modules(args.modules):
        git_dir = mirror_dir(args.mirrors, spec.repo)
        if not git_dir.is_dir():
            print(f"{spec.module_id}: no mirror of {spec.repo} at {git_dir}", file=sys.stderr)
            status = 1
            continue
        tree = trees.setdefault(spec.repo, GitMirror(git_dir, spec.repo))
        harvest = harvest_module(tree, spec)
        (args.out / f"{spec.module_id}.yaml").write_text(render(harvest, spec), encoding="utf-8")
        summary = ", ".join(f"{d} {n}" for d, n in counts(harvest).items()) or "nothing"
        skipped = sum(harvest.skipped.counts.values())
        print(f"{spec.module_id}: {summary}" + (f"; skipped {skipped}" if skipped else ""))
    return status


if __name__ == "__main__":
    sys.exit(main())
