"""Cross-file checks as the index runs them: a check of one file against the whole index,
declaring what it reads so the index knows when its findings must be made again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bundle_ls.documents.facts import FileFacts, KeyDef
from bundle_ls.documents.model import Diagnostic

if TYPE_CHECKING:
    from bundle_ls.index.project_index import ProjectIndex

# What a cross-file check reads from the index, so the index knows when to re-run it.
KEYS = "keys"  # key definitions (of the file's keys and of the namespaces it references)
ENTRIES = "entries"  # entries of merged mapping namespaces
FILES = "files"  # which files the project has
DISK = "disk"  # files on disk that are not indexed (files a config names, archives)
# The values of an embedded language in every file, and the definitions of the namespaces
# the language reads (`ProjectIndex.reads`): the check runs again whenever one changes.
EMBEDDED = "embedded"


@dataclass(frozen=True, slots=True)
class CrossCheck:
    """A check of one file against the whole project index."""

    name: str
    run: Callable[[ProjectIndex, FileFacts], list[Diagnostic]]
    depends_on: frozenset[str]
    # Which of a file's key definitions its findings compare with the other definitions of
    # the same key (duplicates, conflicts); None: all of them. A definition no check
    # compares (a tag a location creates) does not make the other files that define the
    # key, nor the other parts of its file, re-check when it moves.
    compares: Callable[[KeyDef], bool] | None = None

    @property
    def kept(self) -> bool:
        """Its findings for a file stand until a change of keys or entries affects the
        file, and are re-checked part by part after an edit of one part."""
        return self.depends_on <= {KEYS, ENTRIES}
