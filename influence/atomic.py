"""Atomic file writes: a file is either its good earlier version or the complete new one.

Every file influence writes for the user (CSV, JSON, GraphML, GEXF, HTML reports, manifests,
sentiment models, saved configs) goes through :func:`atomic_write`: the data goes into a
temporary file in the same folder, is flushed and ``fsync``-ed, and only then renamed over the
target with :func:`os.replace` (atomic on POSIX and Windows within one file system). If anything
fails on the way (a full disk, an exception in the writer, Ctrl-C) the temporary file is
removed and the target is left as it was: a failed export never leaves a 0-byte or half-written
file in place of a good one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from typing import IO, Any

__all__ = ["atomic_write"]


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", *, encoding: str | None = "utf-8",
                 newline: str | None = None) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path`` for writing; on success rename it over ``path``.

    Parameters
    ----------
    path : path-like
        The file to (re)place. A symbolic link is followed: its target is replaced and the link
        kept. An existing file keeps its permission bits; a new one gets the umask's usual mode.
    mode : {"w", "wb"}
        Text or binary.
    encoding, newline
        As for :func:`open`, text mode only.

    Raises
    ------
    IsADirectoryError
        If ``path`` is a folder.
    OSError
        If the folder does not exist or is not writable (nothing is created then).

    Examples
    --------
    >>> import os, tempfile
    >>> from pathlib import Path
    >>> p = os.path.join(tempfile.mkdtemp(), "out.csv")
    >>> with atomic_write(p) as fh:
    ...     _ = fh.write("a,b\\n")
    >>> Path(p).read_text()
    'a,b\\n'
    >>> try:
    ...     with atomic_write(p) as fh:
    ...         _ = fh.write("half a fi")
    ...         raise RuntimeError("the writer failed")
    ... except RuntimeError:
    ...     pass
    >>> Path(p).read_text(), sorted(os.listdir(os.path.dirname(p)))
    ('a,b\\n', ['out.csv'])
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_write mode must be 'w' or 'wb', got {mode!r}")
    target = os.path.realpath(os.fspath(path))
    if os.path.isdir(target):
        raise IsADirectoryError(21, "is a folder", os.fspath(path))
    folder = os.path.dirname(target)
    try:
        st_mode: int | None = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        st_mode = None
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=folder)
    try:
        if mode == "wb":
            fh: IO[Any] = os.fdopen(fd, "wb")
        else:
            fh = os.fdopen(fd, "w", encoding=encoding, newline=newline)
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if st_mode is None:
            # mkstemp creates 0600; an output is a document to share: the umask's usual mode
            umask = os.umask(0)
            os.umask(umask)
            st_mode = 0o666 & ~umask
        os.chmod(tmp, st_mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: str) -> None:
    """Make the rename durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
