"""Writing files so that a failure never leaves a partial file behind, and saying why a write failed."""
from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
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


def describe_os_error(error: OSError) -> str:
    """A short reason a user can act on: "permission denied", "the disk is full" …"""
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
