"""The seam every configuration language plugs into: a `Dialect`.

A dialect is one way OpenMRS reads configuration files — the contract's module schemas,
Initializer's domain folders, and the next ones. It says which files it claims, analyses
one of them (and one part of one, for the editor), adds cross-file checks that read the
project index, and answers the editor's questions about its files. The generic code
(discovery, the batch check, the index, the editor, the server) only talks to this
interface and never names a dialect.

A dialect is configured once per project from `DialectSettings` (passed explicitly: no
module state), so the same settings give the same dialect in a worker process, whether
it was forked or spawned.

A dialect may also provide an *embedded language*: a small language written inside
values of other dialects' files (a permission rule's condition in a YAML scalar or a CSV
cell). Dialects do not import each other, so a host dialect reaches it through
`DialectSettings.languages`, by the name a value's schema gives, and the generic code
runs its cross-file checks and asks it first when the cursor is inside one of its values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from bundle_ls.dialects.objects import (
    FIRST_IN_PATH_ORDER,
    ConfigObject,
    EffectiveRule,
    key_object,
    plain_object_at,
    plain_objects,
)
from bundle_ls.documents.codes import Code
from bundle_ls.documents.facts import Document, Embedded, FileFacts, ItemAnalyzer, KeyDef
from bundle_ls.documents.model import Diagnostic, Node, Range
from bundle_ls.documents.positions import LineIndex
from bundle_ls.documents.results import (
    Completion,
    HoverResult,
    Location,
    SemanticToken,
    TextEdit,
)
from bundle_ls.documents.source_map import SourceMap
from bundle_ls.index.checks import CrossCheck

if TYPE_CHECKING:
    from bundle_ls.index.project_index import ProjectIndex


class CannotCheck(Exception):
    """A check cannot run at all (unusable settings, an invalid module schema); the message
    names the file and says why."""


class DialectError(CannotCheck):
    """A dialect cannot be configured for a project (an invalid module schema); the message
    names the file."""


def builtin_schema_dir() -> Path:
    """The built-in schema pack: module schemas, Initializer's domains, module data."""
    package = Path(__file__).resolve().parents[1]  # bundle_ls/
    packaged = package / "_schemas"
    if packaged.is_dir():
        return packaged
    return package.parents[1] / "schemas"  # source checkout: <repo>/server/bundle_ls


# The batch check of a directory, as commands get it from the command line: it returns the
# result (`.diagnostics`, `.files`) or raises when the check cannot run.
CheckFn = Callable[[Path], Any]


@dataclass(frozen=True, slots=True)
class Command:
    """A `bundle-ls <name> …` command a dialect adds (`main(argv, check) -> exit status`)."""

    name: str
    summary: str
    main: Callable[[list[str], CheckFn], int]


@dataclass(frozen=True, slots=True)
class DialectSettings:
    """What a project configures its dialects with (from `bundle-ls.yaml` and the flags)."""

    root: Path
    schema_folders: tuple[Path, ...] = ()  # extra module-schema folders, after the built-in one
    installed: frozenset[str] | None = None  # `modules:`; None: every known module
    sections: Mapping[str, Any] = field(default_factory=dict)  # bundle-ls.yaml, by top-level key
    # The embedded languages every dialect provides, by name (set by `configure_dialects`).
    languages: Mapping[str, EmbeddedLanguage] = field(default_factory=dict)
    # What every dialect together reports and reads, for the settings file's own dialect:
    # diagnostic code → summary, and the keys that hold severity overrides.
    codes: Mapping[str, str] = field(default_factory=dict)
    severity_sections: tuple[str, ...] = ()


class EditorView(Protocol):
    """What a dialect's editor hooks may read of the editor's state (a read-only façade)."""

    root: Path
    index: ProjectIndex

    def lines(self, rel: str) -> list[str] | None: ...
    def document(self, rel: str) -> Document | None: ...
    def facts(self, rel: str) -> FileFacts | None: ...
    def tree_at(self, rel: str, line: int) -> tuple[Node | None, list]: ...
    def context_hints(self, rel: str) -> tuple[Any, Any]: ...
    def reference_count(self, namespace: str, key: str) -> int: ...
    def definitions(
        self, namespaces: tuple[str, ...], key: str
    ) -> list[tuple[str, str, Range]]: ...
    def embedded_at(self, rel: str, line: int, ch: int) -> Embedded | None: ...


@dataclass(frozen=True, slots=True)
class EmbeddingHost:
    """Where a host dialect found a value of an embedded language."""

    path: str
    kind: str  # "yaml" or "csv"
    namespace: str
    property: str  # the property holding the value
    # The plain value of the object holding it (a namespace item, a CSV row), when known.
    owner: Mapping[str, Any] | None = None


class EmbeddedLanguage:
    """A language written inside values of another dialect's files. A module schema names
    it on a string property (`x-expression: <name>`); the host dialect calls `analyze`
    with each such value and its source map, and the facts go into the file's."""

    name: ClassVar[str]
    # The namespaces whose definitions its checks read: the index re-runs them for every
    # file holding its values when one of those definitions changes.
    reads: frozenset[str] = frozenset()
    cross_checks: tuple[CrossCheck, ...] = ()

    def analyze(self, text: str, source: SourceMap, host: EmbeddingHost) -> FileFacts:
        """One value → its facts: an `Embedded`, a `Reference` (with `language` set) for
        each name in it, and the findings of the value alone (syntax)."""
        raise NotImplementedError

    def fold(self, name: str) -> str:
        """How the language compares the names it refers to."""
        return name

    def fingerprint(self) -> str:
        """What its facts depend on besides the value (the facts cache)."""
        return self.name

    # ---- editor hooks: `fact` is the value at the position; None: nothing to say --------

    def complete(
        self, view: EditorView, rel: str, fact: Embedded, line: int, ch: int
    ) -> list[Completion] | None:
        return None

    def hover(
        self, view: EditorView, rel: str, fact: Embedded, line: int, ch: int
    ) -> HoverResult | None:
        return None

    def symbol(
        self, view: EditorView, rel: str, fact: Embedded, line: int, ch: int
    ) -> tuple[tuple[str, ...], str, Range] | None:
        """The name at the position for definition, references and rename: (namespaces,
        the key as it is defined, the name's range)."""
        return None

    def rename_edits(
        self, view: EditorView, rel: str, fact: Embedded, ranges: list[Range], new_name: str
    ) -> list[TextEdit]:
        """Edits that rename the names at `ranges` in this value to `new_name`, written as
        the language and the host's scalar style need."""
        return []

    def replace_edits(
        self, view: EditorView, rel: str, fact: Embedded, rng: Range, text: str
    ) -> list[TextEdit]:
        """Edits that put value text `text` in place of `rng` (a quick fix's suggestion)."""
        return []

    def semantic_tokens(self, view: EditorView, rel: str, fact: Embedded) -> list[SemanticToken]:
        return []

    def values(self, view: EditorView, word: str) -> list[tuple[str, str | None]]:
        """What a value not written yet may start with, as (text, detail): the host offers
        them where such a value belongs and quotes them for its format."""
        return []


class Dialect:
    """Base class: a dialect overrides what it has; the defaults say nothing."""

    name: ClassVar[str]  # an id: "module-schemas", "initializer"
    title: ClassVar[str] = ""  # what people call a folder of its configuration
    codes: ClassVar[tuple[Code, ...]] = ()
    commands: ClassVar[tuple[Command, ...]] = ()
    # A key of bundle-ls.yaml that holds severity overrides too (as `severity:` does).
    severity_section: ClassVar[str | None] = None
    # Keys of bundle-ls.yaml the dialect reads from `DialectSettings.sections`.
    settings_keys: ClassVar[tuple[str, ...]] = ()
    cross_checks: tuple[CrossCheck, ...] = ()

    # ---- the project ---------------------------------------------------------------------

    @classmethod
    def configure(cls, settings: DialectSettings) -> Dialect:
        """The dialect configured for one project."""
        raise NotImplementedError

    @classmethod
    def embedded_languages(cls, settings: DialectSettings) -> tuple[EmbeddedLanguage, ...]:
        """The embedded languages it provides, configured for one project (before any
        dialect is configured: they reach the others in `settings.languages`)."""
        return ()

    @classmethod
    def check_setting(cls, rel: str, key: str, node: Node) -> list[Diagnostic]:
        """`settings` findings about one of its `settings_keys` in bundle-ls.yaml."""
        return []

    def check_notes(self) -> list[str]:
        """Lines `--check`'s text summary prints when this dialect checked files: what it
        assumed about the project (one line each)."""
        return []

    def prepare_checks(self, index: ProjectIndex, paths: Sequence[str]) -> None:
        """Before the cross-file checks of many files in a row (a batch): work out in one go
        what its checks would otherwise ask file by file. Nothing by default."""

    def fingerprint(self) -> str:
        """Everything besides a file's path and bytes that its facts depend on (caches)."""
        return self.name

    def skips(self, rel: str) -> bool:
        """Discovery: a file that is no one's configuration (a module schema kept in the
        directory), whatever another dialect would claim."""
        return False

    def claims(self, rel: str) -> bool | None:
        """Discovery: True to check the file, False to skip it, None when it is not this
        dialect's (the next dialect is asked)."""
        return None

    def skip_reason(self, rel: str) -> str | None:
        """Why this dialect skips a file it `skips` or claims with False, for people
        (`--list-files`); None: a generic reason is given."""
        return None

    def extra_files(self, root: Path, found: list[str]) -> list[str]:
        """Files to check besides those discovery found by walking (paths may leave the
        root with `../`): project files around the checked folder, stand-ins for folders."""
        return []

    @classmethod
    def project_root(cls, path: Path) -> Path | None:
        """For a file or folder inside a project of this dialect: the folder a check must
        cover for references to resolve (`--check FILE`), else None."""
        return None

    def reindex_on(self, rel: str) -> bool:
        """Whether a change of this file changes the dialect itself (a schema)."""
        return False

    # ---- one file ------------------------------------------------------------------------

    def analyze(self, path: str, text: str, lines: LineIndex) -> tuple[Document, FileFacts]:
        raise NotImplementedError

    def yaml_items(self, path: str, root: Node) -> ItemAnalyzer | None:
        """How the items of a parsed YAML document are re-checked one by one (None: only
        as a whole file)."""
        return None

    # ---- names ---------------------------------------------------------------------------

    def owns_namespace(self, namespace: str) -> bool:
        return False

    def fold_key(self, key: str) -> str:
        """How the dialect's names compare (Initializer: no case, no accents)."""
        return key

    def namespace_label(self, namespace: str) -> str:
        """A namespace as people call it."""
        return namespace

    def short_namespace_label(self, namespace: str) -> str:
        """A namespace's label where the dialect is said already (a graph coloured by it)."""
        return self.namespace_label(namespace)

    # ---- the configuration as a whole: objects, bundles, effective values ------------------

    def is_listing(self, namespace: str) -> bool:
        """A namespace that lists what a distribution has (its modules), not configuration:
        not counted as objects nor compared."""
        return False

    def objects(self, facts: FileFacts) -> list[ConfigObject]:
        """The configuration objects a file of this dialect defines, in file order."""
        return plain_objects(facts, self.is_listing)

    def object_of(self, facts: FileFacts, kd: KeyDef) -> ConfigObject | None:
        """The object that key definition `kd` (one of `facts.keys`) belongs to."""
        return None if self.is_listing(kd.namespace) else key_object(facts.path, kd)

    def object_at(self, facts: FileFacts, line: int, ch: int) -> ConfigObject | None:
        """The object whose key (or row) holds a position of the file (the editor's hover)."""
        return plain_object_at(facts, line, ch, self.is_listing)

    def object_values(self, rel: str, text: str, objects: list[ConfigObject]) -> list[ConfigObject]:
        """`objects` of file `rel` (not `compared`) with what they hold read from the file's
        text, when the facts do not keep it (a CSV row's cells); the same list otherwise."""
        return objects

    def effective_rule(self, namespace: str) -> EffectiveRule:
        """How the consumer of `namespace` picks one of several definitions of an object."""
        return FIRST_IN_PATH_ORDER

    def bundle_of(self, rel: str) -> str | None:
        """The bundle (folder) a file of this dialect belongs to as a distribution is put
        together, when the dialect knows better than the generic rule; else None."""
        return None

    def referring_namespaces(self, facts: FileFacts) -> list[str] | None:
        """For each of `facts.refs`, the namespace it is written in (the reference graph's
        source); None: the generic reading (the namespace section holding it)."""
        return None

    def describe(self, index: ProjectIndex) -> list[tuple[str, str, str]]:
        """What the dialect can say about the distribution as a whole: (what, value, where
        it comes from), for the report's summary."""
        return []

    # ---- editor hooks: None means "nothing to say here" -----------------------------------

    def complete(self, view: EditorView, rel: str, line: int, ch: int) -> list[Completion] | None:
        return None

    def hover(self, view: EditorView, rel: str, line: int, ch: int) -> HoverResult | None:
        return None

    def definition(self, view: EditorView, rel: str, line: int, ch: int) -> list[Location] | None:
        return None

    def forbidden_in_cell(self, rel: str) -> tuple[str, ...]:
        """Characters a renamed key may not hold in this CSV file (the list separator)."""
        return ()
