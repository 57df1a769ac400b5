"""Write a file completely or not at all: a temporary file beside the target, then rename.

Every output of the package (models, converted files, validation reports) goes through here, so that:
the file gets the mode a plain ``open()`` would give it (``0o666`` minus the umask) or keeps the mode of the
file it replaces; a target that is not a regular file (directory, character device, FIFO, socket) is refused
rather than replaced; a missing folder is an error unless the caller asks for it to be created; and every
failure (read-only folder, disk full) is a ``WriteError`` that names the user's path, never the temporary file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from ..errors import WriteError

_UMASK_LOCK = threading.Lock()


def current_umask() -> int:
    """The process umask (read by setting and restoring it, under a lock)."""
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def check_target(target: Path, *, create_parents: bool = False) -> tuple[Path, int | None]:
    """The real path to replace (symlinks followed) and the mode of the existing file (None when new).

    Raises ``WriteError`` for a non-regular target or a missing folder (unless ``create_parents``).
    """
    target = Path(target)
    real = Path(os.path.realpath(target)) if target.is_symlink() else target
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise WriteError(f"cannot write {target}: {_reason(exc)}") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise WriteError(f"cannot write {target}: it is {_kind(st.st_mode)}, not a regular file (refused)")
    parent = real.parent
    if not parent.is_dir():
        if parent.exists():
            raise WriteError(f"cannot write {target}: {parent} is not a directory")
        if not create_parents:
            raise WriteError(f"cannot write {target}: the folder {parent} does not exist")
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriteError(f"cannot create the folder {parent} for {target}: {_reason(exc)}") from None
    return real, None if st is None else stat.S_IMODE(st.st_mode)


@contextlib.contextmanager
def atomic_path(target: Path, *, create_parents: bool = False) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; it replaces ``target`` only if the block succeeds.

    An ``OSError`` inside the block (e.g. disk full) becomes a ``WriteError`` naming ``target``.
    """
    target = Path(target)
    real, mode = check_target(target, create_parents=create_parents)
    try:
        fd, tmp = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".tmp")
    except OSError as exc:
        raise WriteError(f"cannot write {target}: {_reason(exc)}") from None
    os.close(fd)
    try:
        try:
            yield Path(tmp)
            os.chmod(tmp, mode if mode is not None else 0o666 & ~current_umask())
            os.replace(tmp, real)
        except OSError as exc:
            raise WriteError(f"cannot write {target}: {_reason(exc)}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_bytes(target: Path | str, data: bytes, *, create_parents: bool = False) -> Path:
    """Write ``data`` to ``target`` atomically (flushed to disk before the rename); returns ``target``."""
    target = Path(target)
    with atomic_path(target, create_parents=create_parents) as tmp, open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    return target


def atomic_write_text(target: Path | str, text: str, *, encoding: str = "utf-8", errors: str = "strict",
                      create_parents: bool = False) -> Path:
    return atomic_write_bytes(target, text.encode(encoding, errors), create_parents=create_parents)
