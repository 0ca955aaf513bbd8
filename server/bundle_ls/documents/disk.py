"""Reading a file of a Config Directory: only a regular file, never more than a limit.

A pull request can add anything a file system holds under a config file's name: a FIFO
(reading it blocks forever), a link to `/dev/zero` (it never ends), a sparse file larger
than memory. So a file is read only when it is a regular file, a link is followed only to
a regular file inside the folder being checked, the open does not block, the size limit is
judged from `stat` before reading, and reading stops one byte past the limit whatever
`stat` said (a file may grow between the two). Each refusal is an `OSError` whose
`strerror` says why, so every caller that already treats an unreadable file as a finding
(or as absent) handles these too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from bundle_ls.documents.reading import MAX_FILE_BYTES

# Not on Windows, where a FIFO cannot sit in a folder anyway.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)


class NotRegularFile(OSError):
    """A FIFO, socket, device or folder where a file was expected, or a link that leaves
    the folder being checked."""


class FileTooLarge(OSError):
    """Over the limit: `size` is what `stat` said, or what was read when that was more."""

    def __init__(self, size: int, limit: int) -> None:
        mb = size // (1024 * 1024)
        super().__init__(f"file is {mb} MB; files over {limit // (1024 * 1024)} MB are not checked")
        self.strerror = self.args[0]
        self.size = size


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "not a regular file"


def _refuse(reason: str) -> NotRegularFile:
    exc = NotRegularFile(reason)
    exc.strerror = reason
    return exc


def _inside(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:  # another drive
        return False


def regular_target(path: Path | str, inside: Path | None = None) -> str:
    """The real path of `path` when it is a regular file (through links, which must stay
    inside `inside` when given); else `NotRegularFile`, or the `OSError` of a dangling link,
    a link loop or a missing file."""
    path = os.fspath(path)
    real = path
    if os.path.islink(path):
        real = os.path.realpath(path, strict=True)  # a loop or a dangling link raises
        if inside is not None and not _inside(real, os.path.realpath(inside)):
            raise _refuse(f"it links to '{real}', outside the folder being checked")
    mode = os.stat(real).st_mode
    if not stat.S_ISREG(mode):
        raise _refuse(f"it is {_kind(mode)}, not a regular file")
    return real


def read_file(
    path: Path | str,
    *,
    limit: int = MAX_FILE_BYTES,
    inside: Path | None = None,
    truncate: bool = False,
) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (`FileTooLarge` past it, or its
    first `limit` bytes with `truncate`)."""
    real = regular_target(path, inside)
    fd = os.open(real, _OPEN_FLAGS | _BINARY)
    with open(fd, "rb", closefd=True) as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped for something else since the stat
            raise _refuse(f"it is {_kind(st.st_mode)}, not a regular file")
        if st.st_size > limit and not truncate:
            raise FileTooLarge(st.st_size, limit)
        # read(n) allocates n bytes first: ask for the size stat gave (+1 to see growth),
        # and read on to the limit only if the file grew since
        want = min(st.st_size, limit) + 1
        data = f.read(want)
        if len(data) == want <= limit:
            data += f.read(limit + 1 - want)
    if len(data) > limit:
        if truncate:
            return data[:limit]
        raise FileTooLarge(max(st.st_size, len(data)), limit)
    return data


def walked_path(dirpath: str, top: str | os.PathLike[str], name: str = "") -> str:
    """A folder (or its file `name`) that `os.walk(top)` gave, relative to `top` with `/`
    separators; "" for `top` itself. The same as `os.path.relpath` there, without its
    normalising of both paths for each of the thousands of files of a walk."""
    top = os.fspath(top)
    if dirpath == top:
        rel = ""
    elif dirpath.startswith(top) and dirpath[len(top)] == os.sep and not top.endswith(os.sep):
        rel = dirpath[len(top) + 1 :]
    else:
        rel = os.path.relpath(dirpath, top)
        rel = "" if rel == "." else rel
    if name:
        rel = os.path.join(rel, name) if rel else name
    return rel.replace(os.sep, "/")
