"""File helpers every stage uses: atomic writes and the output-folder check (below the CLI and the exporters)."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from .errors import OutputError

__all__ = ["atomic_write", "ensure_writable_dir", "os_error_text"]


def os_error_text(exc: OSError) -> str:
    """A short human text for an OS error, with a hint where the fix is known (a full disk, a read-only mount)."""
    text = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        text += " (free some space, then run the same command again: finished pages are kept)"
    elif exc.errno == errno.EROFS:
        text += " (choose an output folder on a writable disk)"
    elif exc.errno == errno.EFBIG:
        text += " (a file-size limit was reached)"
    return text


def _umask() -> int:
    mask = os.umask(0o22)
    os.umask(mask)
    return mask


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: a reader never sees half a file.

    Raises:
        OutputError: the folder or the file cannot be written (read-only, full, not a folder).
    """
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get the usual permissions
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {os_error_text(exc)}") from exc
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise


def ensure_writable_dir(path: Path) -> None:
    """Create ``path`` if needed and check that a file can be created in it, before any page is read.

    Raises:
        OutputError: it cannot be created, is not a folder, or is not writable.
    """
    try:
        path.mkdir(parents=True, exist_ok=True)
        if not path.is_dir():
            raise OutputError(f"{path}: not a folder")
        fd, probe = tempfile.mkstemp(prefix=".digitizer-write-check.", suffix=".tmp", dir=path)
        os.close(fd)
        os.unlink(probe)
    except FileExistsError as exc:
        raise OutputError(f"cannot use {path} as the output folder: a file of that name exists") from exc
    except OSError as exc:
        raise OutputError(f"cannot write into {path}: {os_error_text(exc)}") from exc
