"""Writing files so that a failure never leaves a partial file behind, reading only regular files of a
bounded size (a FIFO or /dev/zero must neither hang nor fill memory), and saying why either failed."""
from __future__ import annotations

import errno
import fcntl
import io
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from engine.session.i18n import QT_TRANSLATE_NOOP, translate

_REASONS = {
    errno.EACCES: QT_TRANSLATE_NOOP("files", "permission denied"),
    errno.EPERM: QT_TRANSLATE_NOOP("files", "permission denied"),
    errno.EROFS: QT_TRANSLATE_NOOP("files", "the disk is read-only"),
    errno.ENOSPC: QT_TRANSLATE_NOOP("files", "the disk is full"),
    errno.EDQUOT: QT_TRANSLATE_NOOP("files", "the disk quota is used up"),
    errno.ENAMETOOLONG: QT_TRANSLATE_NOOP("files", "the name is too long"),
    errno.EINVAL: QT_TRANSLATE_NOOP("files", "the name is not allowed here"),
    errno.ENOENT: QT_TRANSLATE_NOOP("files", "the folder does not exist"),
    errno.ENOTDIR: QT_TRANSLATE_NOOP("files", "part of the path is a file, not a folder"),
    errno.EISDIR: QT_TRANSLATE_NOOP("files", "it is a folder"),
    errno.EEXIST: QT_TRANSLATE_NOOP("files", "something else already has that name"),
}


class RefusedFile(OSError):
    """A file that is not read: not a regular file, or too large. strerror says which."""


def describe_os_error(error: OSError) -> str:
    """A short reason a user can act on: "permission denied", "the disk is full" …"""
    if isinstance(error, RefusedFile):
        return error.strerror
    reason = _REASONS.get(error.errno)
    return translate("files", reason) if reason is not None else (error.strerror or str(error))


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write(path: str | os.PathLike, content: bytes | Callable[[BinaryIO], None]) -> Path:
    """Write `content` (bytes, or a function that writes to a binary file) to `path` atomically.

    The data goes to a temporary file in the same folder, is flushed to disk and then renamed
    over `path`: readers see the old file or the whole new one, never a part. On any failure the
    temporary file is removed, `path` is as it was, and the OSError propagates.
    """
    path = Path(path)
    if path.name in ("", ".", "..") or "\0" in str(path):
        raise OSError(errno.EINVAL, "not a file name", str(path))
    if path.is_symlink():
        path = Path(os.path.realpath(path))   # save through the link into its target; the link stays
    mode = path.stat().st_mode & 0o777 if path.is_file() else _default_mode()
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            if isinstance(content, (bytes, bytearray, memoryview)):
                file.write(content)
            else:
                content(file)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)  # mkstemp makes it private; the result should look like any saved file
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    return path


MiB = 1 << 20
MAX_SESSION_BYTES = 256 * MiB   # a 6×1024 MLP's session with its weights is ~130 MB of JSON
MAX_CSV_BYTES = 1024 * MiB
MAX_WEIGHTS_BYTES = 1024 * MiB


def open_regular(path: str | os.PathLike, limit: int, text: bool = False, **text_options):
    """Open `path` for reading if it is a regular file of at most `limit` bytes; else OSError with a
    reason (strerror) a user can act on. Opened without blocking first, so a FIFO with no writer
    cannot hang the caller; checked on the open descriptor, so the answer is about this file."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, translate("files", "it is a folder"), str(path))
        if not stat.S_ISREG(info.st_mode):
            raise RefusedFile(errno.EINVAL, translate("files", "it is not a regular file (a pipe, device or socket); "
                                                           "only files can be opened"), str(path))
        if info.st_size > limit:
            raise RefusedFile(errno.EFBIG, translate("files", "it is too large ({0} MB; the limit is {1} MB)")
                          .format(f"{info.st_size / MiB:,.0f}", f"{limit / MiB:,.0f}"), str(path))
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        file = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    return io.TextIOWrapper(file, **text_options) if text else file


def read_regular(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (see `open_regular`); one that grows
    past the limit while it is read is refused too."""
    with open_regular(path, limit) as file:
        data = file.read(limit + 1)
    if len(data) > limit:
        raise RefusedFile(errno.EFBIG, translate("files", "it is too large (more than {0} MB)")
                      .format(f"{limit / MiB:,.0f}"), str(path))
    return data


def remove_stale_parts(folder: str | os.PathLike, older_than_s: float = 3600.0) -> list[Path]:
    """Delete temporary `.NAME.*.part` files (and staging folders) that `atomic_write` and
    `staged_folder` left in `folder` when their process was killed, if untouched for `older_than_s`
    (a younger one may be another app's write in progress). Returns what was removed."""
    removed = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not (entry.name.startswith(".") and entry.name.endswith(".part")):
            continue
        try:
            if now - entry.stat(follow_symlinks=False).st_mtime <= older_than_s:
                continue
            if entry.is_dir(follow_symlinks=False):   # a staged_folder whose process was killed
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            pass
    return removed


@contextmanager
def staged_folder(folder: str | os.PathLike) -> Iterator[Path]:
    """A temporary folder inside `folder` to write a set of files into. When the block ends well each
    file is renamed into `folder` (replacing one of the same name); when it fails nothing is moved:
    `folder` holds what it held, never half old, half new files."""
    folder = Path(folder)
    staging = Path(tempfile.mkdtemp(dir=folder, prefix=".staging.", suffix=".part"))
    try:
        yield staging
        for path in sorted(staging.iterdir()):
            os.replace(path, folder / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
