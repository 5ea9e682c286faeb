"""Writing a file so that the destination is either the old file or the complete new one.

:func:`atomic_output` checks the destination first (a folder, a special file, a read-only
workbook or one open in Excel/LibreOffice is refused with a message saying so), then yields a
temporary file in the destination's folder and moves it into place with one ``os.replace``
when the caller's block completes. The new file gets the original file's permission bits (a
new file: ``0666`` less the umask, as any program's new file).

The temporary file is named ``.~kpi_xl-<host>-<pid>-<random><suffix>`` (``<host>`` a short
hash of this computer's name). It is removed when the block
fails, when the process gets SIGTERM or SIGHUP (the handlers raise :class:`SystemExit` so that
every ``finally`` runs, then the process exits with ``128 + signal``), and — after a SIGKILL,
which nothing can catch — by the next run writing into the same folder, which removes the
temporary files whose process is gone (those of another computer sharing the folder only
when an hour old) and names them in its notices.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import socket
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError
from ..i18n import text

__all__ = ["HOST_TAG", "TEMP_PREFIX", "OutputError", "atomic_output", "check_input_file",
           "check_output_path", "file_mode_for", "lock_files", "remove_stale_temp_files"]

TEMP_PREFIX = ".~kpi_xl-"
#: temporary files of another computer, or without a process id (older versions), are stale
#: after this many seconds
_OLD_TEMP_AGE = 3600.0
#: this computer, in temporary file names (a folder may be shared by several computers)
HOST_TAG = hashlib.sha1(socket.gethostname().encode()).hexdigest()[:8]


class OutputError(InputError):
    """The destination cannot or must not be written."""


def lock_files(path: Path) -> list[Path]:
    """Lock files beside ``path`` saying it is open: Excel's ``~$NAME``, LibreOffice's
    ``.~lock.NAME#``."""
    return [p for p in (path.with_name("~$" + path.name),
                        path.with_name(f".~lock.{path.name}#")) if p.exists()]


def check_input_file(path: Path, locale: str = "en") -> None:
    """Refuse to read anything but an existing regular file (a named pipe would block)."""
    try:
        st = os.stat(path)
    except FileNotFoundError as exc:
        raise InputError(text("package.not_found", locale, path=path)) from exc
    except OSError as exc:
        raise InputError(text("package.cannot_read", locale, path=path, detail=exc.strerror)) \
            from exc
    if stat.S_ISDIR(st.st_mode):
        raise InputError(text("package.input_is_folder", locale, path=path))
    if not stat.S_ISREG(st.st_mode):
        raise InputError(text("package.not_regular", locale, path=path))


def check_output_path(dest: Path, locale: str = "en") -> None:
    """Refuse a destination that is a folder, a special file, read-only or open elsewhere."""
    folder = dest.parent if str(dest.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(text("package.no_folder", locale, folder=folder))
    try:
        st = os.stat(dest)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputError(text("package.cannot_write", locale, path=dest,
                               detail=exc.strerror)) from exc
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise OutputError(text("package.output_is_folder", locale, path=dest))
        if not stat.S_ISREG(st.st_mode):
            raise OutputError(text("package.not_regular", locale, path=dest))
        if not st.st_mode & 0o222 or not os.access(dest, os.W_OK):
            raise OutputError(text("package.read_only", locale, path=dest))
    locks = lock_files(dest)
    if locks:
        raise OutputError(text("package.open_elsewhere", locale, path=dest,
                               lock=locks[0].name))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(text("package.folder_not_writable", locale, folder=folder))


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def remove_stale_temp_files(folder: Path) -> list[Path]:
    """Remove temporary files of this program left in ``folder`` by a killed run."""
    removed = []
    try:
        candidates = [p for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX)]
    except OSError:
        return []
    for p in candidates:
        host, _, rest = p.name[len(TEMP_PREFIX):].partition("-")
        pid_text = rest.split("-", 1)[0]
        try:
            if not p.is_file() or p.is_symlink():
                continue
            if host == HOST_TAG and pid_text.isdigit():
                stale = not _pid_alive(int(pid_text))
            else:  # another computer's (a shared folder), or an older version's: by age
                stale = time.time() - p.stat().st_mtime > _OLD_TEMP_AGE
            if stale:
                p.unlink()
                removed.append(p)
        except OSError:
            continue
    return removed


# ---------------------------------------------------------------------------- signals

_live: set[Path] = set()
_lock = threading.Lock()


def _on_signal(signum: int, _frame: object) -> None:
    for p in list(_live):
        with contextlib.suppress(OSError):
            p.unlink()
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def _signals_cleanup() -> Iterator[None]:
    """While the block runs, SIGTERM/SIGHUP remove the temporary files and exit."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    sigs = [s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None))
            if s is not None]
    old = {}
    for s in sigs:
        try:
            old[s] = signal.signal(s, _on_signal)
        except (ValueError, OSError):
            continue
    try:
        yield
    finally:
        for s, h in old.items():
            with contextlib.suppress(ValueError, OSError):
                signal.signal(s, h)


def _new_file_mode() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def file_mode_for(dest: Path) -> int:
    """The permission bits a file written at ``dest`` gets: those of the file it replaces,
    else ``0666`` less the umask (a temporary file's own ``0600`` is never kept)."""
    try:
        return stat.S_IMODE(os.stat(dest).st_mode)
    except FileNotFoundError:
        return _new_file_mode()


@contextlib.contextmanager
def atomic_output(dest: Path, *, locale: str = "en",
                  notices: list[str] | None = None) -> Iterator[BinaryIO]:
    """Yield a temporary file that replaces ``dest`` when the block completes."""
    dest = Path(dest)
    check_output_path(dest, locale)
    folder = dest.parent if str(dest.parent) else Path(".")
    for p in remove_stale_temp_files(folder):
        if notices is not None:
            notices.append(text("package.stale_temp_removed", locale, path=p))
    mode = file_mode_for(dest)
    with _signals_cleanup():
        try:
            fd, name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{HOST_TAG}-{os.getpid()}-",
                                        suffix=dest.suffix, dir=folder)
        except PermissionError as exc:
            raise OutputError(text("package.folder_not_writable", locale, folder=folder)) \
                from exc
        except OSError as exc:
            raise OutputError(text("package.cannot_write", locale, path=dest,
                                   detail=exc.strerror)) from exc
        tmp = Path(name)
        with _lock:
            _live.add(tmp)
        try:
            with os.fdopen(fd, "wb") as fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, mode)
            _replace(tmp, dest, locale)
        except OSError as exc:
            raise OutputError(text("package.cannot_write", locale, path=dest,
                                   detail=exc.strerror or str(exc))) from exc
        finally:
            with _lock:
                _live.discard(tmp)
            with contextlib.suppress(OSError):
                tmp.unlink()


def _replace(tmp: Path, dest: Path, locale: str) -> None:
    try:
        os.replace(tmp, dest)
    except PermissionError as exc:
        key = "package.replace_denied_windows" if sys.platform == "win32" else \
            "package.replace_denied"
        raise OutputError(text(key, locale, path=dest)) from exc
