"""Safe file handling shared by every command.

Users' files are never overwritten without ``force`` and are written
atomically (temp file in the same folder, then ``os.replace``) so a crash
never leaves half a letter. Untrusted input is size-checked before it is read.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path

from drafter.core.errors import DrafterError, InputFileError, OutputExistsError, OutputWriteError

#: Inspection reports are a few MB at most; anything far larger is refused
#: before it is read so a wrong file cannot exhaust memory.
DEFAULT_MAX_INPUT_BYTES = 50 * 1024 * 1024

#: "https://…", "http://…", "www.…": a page online rather than a file.
_WEB_ADDRESS = re.compile(r"^\s*(?:https?:/|www\.)", re.I)  # Path() keeps one "/"


def check_input_file(
    path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_INPUT_BYTES
) -> Path:
    """Return ``path`` as a Path after checking it exists, is a file, is not empty
    and is not larger than ``max_bytes``. Raises :class:`InputFileError`."""
    p = Path(path)
    try:
        if not p.exists() and _WEB_ADDRESS.match(str(path)):
            raise InputFileError(
                f"'{path}' is a web address; drafter reads files, not pages online.",
                hint="Open it in your browser, save the page (Ctrl+S) and give drafter the file.",
            )
        if not p.exists():
            raise InputFileError(f"Cannot find the file '{p}'.", hint="Check the name and folder.")
        if p.is_dir():
            raise InputFileError(f"'{p}' is a folder, not a file.", hint="Give the path of a file.")
        if not p.is_file():
            raise InputFileError(
                f"'{p}' is not an ordinary file (a device or a pipe).",
                hint="Give the path of a saved document.",
            )
        size = p.stat().st_size
    except OSError as exc:
        raise read_problem(p, exc) from None
    if size == 0:
        raise InputFileError(f"The file '{p}' is empty.", hint="Save the document again and retry.")
    if size > max_bytes:
        raise InputFileError(
            f"The file '{p}' is {size / 1_048_576:.1f} MB, "
            f"over the {max_bytes / 1_048_576:.0f} MB limit.",
            hint="Check it is the right document.",
        )
    return p


def read_problem(p: Path, exc: OSError) -> InputFileError:
    """One plain sentence for an operating-system error while reading ``p``."""
    import errno

    if exc.errno in (errno.EACCES, errno.EPERM):
        return InputFileError(
            f"Cannot read '{p}': you do not have permission to open it.",
            hint="Ask its owner for access, or copy it somewhere you can read it.",
        )
    if exc.errno == errno.ENAMETOOLONG:
        return InputFileError(f"Cannot read '{str(p)[:80]}…': the name is too long.")
    reason = (exc.strerror or type(exc).__name__).rstrip(".")
    return InputFileError(f"Cannot read '{p}' ({reason}).", hint="Check the name and folder.")


def read_input_bytes(
    path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_INPUT_BYTES
) -> bytes:
    """Read a user-supplied file with the size checks of :func:`check_input_file`."""
    p = check_input_file(path, max_bytes)
    try:
        with p.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise read_problem(p, exc) from None
    if len(data) > max_bytes:  # the file grew while we looked at it
        raise InputFileError(f"The file '{p}' is over the size limit.")
    return data


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ensure_writable(path: str | os.PathLike[str], force: bool = False) -> Path:
    """Refuse to replace an existing file, or a symbolic link (even one
    pointing nowhere), unless ``force``; refuse a folder always."""
    p = Path(path)
    if p.is_dir():
        raise OutputExistsError(f"'{p}' is a folder.", hint="Give a file name.")
    if os.path.lexists(p) and not force:
        what = "is a link to another file" if p.is_symlink() else "already exists"
        raise OutputExistsError(
            f"'{p}' {what}.", hint="Choose another name, or add --force to replace it."
        )
    return p


#: Temporary files are ``.NAME.drafter-HOST-PID-RANDOM.tmp`` beside the
#: destination: hidden, and naming the process that wrote them, so a later
#: drafter can tell one left by a killed process from one still being written.
_TMP_MARK = ".drafter-"


def _temp_prefix(p: Path) -> str:
    return f".{p.name}{_TMP_MARK}{_host()}-{os.getpid()}-"


def _host() -> str:
    """This machine's name as temporary files carry it (letters and digits)."""
    try:
        name = os.uname().nodename  # what socket.gethostname() returns, without socket
    except AttributeError:  # Windows
        import socket

        name = socket.gethostname()
    return "".join(c for c in name if c.isalnum())[:30] or "host"


def clean_stale_temp_files(folder: str | os.PathLike[str]) -> list[Path]:
    """Delete the hidden temporary files a killed drafter left in ``folder``
    (those of this machine whose process has gone; another machine's are
    left unless a day old). Returns what was deleted; never raises."""
    import time

    removed: list[Path] = []
    host = _host()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(".") and name.endswith(".tmp") and _TMP_MARK in name):
            continue
        owner = name.rsplit(_TMP_MARK, 1)[1][: -len(".tmp")].split("-")
        try:
            stale = False
            if len(owner) >= 3 and owner[0] == host and owner[1].isdigit():
                stale = not _process_alive(int(owner[1]))
            if not stale:
                stale = time.time() - entry.stat(follow_symlinks=False).st_mtime > 86400
            if stale and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process: assume it is writing
    return True


def write_problem(path: str | os.PathLike[str], exc: OSError) -> OutputWriteError:
    """One plain sentence for an operating-system error while writing
    ``path``: what went wrong and what to do."""
    import errno

    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    code = exc.errno
    if code == errno.ENOSPC or code == errno.EDQUOT:
        return OutputWriteError(
            f"Could not write '{p}': the disk is full.",
            hint="Free some space, or write it somewhere else; nothing was changed.",
        )
    if code in (errno.EACCES, errno.EPERM):
        return OutputWriteError(
            f"Could not write '{p}': you do not have permission to write in '{folder}'.",
            hint="Choose a folder you can write to.",
        )
    if code == errno.EROFS:
        return OutputWriteError(
            f"Could not write '{p}': '{folder}' is on a read-only drive.",
            hint="Choose a folder on a drive you can write to.",
        )
    if code == errno.ENOTDIR or code == errno.EEXIST:
        blocker = next((q for q in [*reversed(p.parents)] if q.is_file()), folder)
        return OutputWriteError(
            f"Could not write '{p}': '{blocker}' is a file, not a folder.",
            hint="Choose a path inside a folder.",
        )
    if code == errno.ENOENT:
        return OutputWriteError(
            f"Could not write '{p}': the folder '{folder}' does not exist.",
            hint="Create the folder first, or choose another place.",
        )
    if code == errno.EISDIR:
        return OutputWriteError(f"Could not write '{p}': it is a folder.", hint="Give a file name.")
    if code == errno.ENAMETOOLONG:
        return OutputWriteError(
            f"Could not write '{str(p)[:80]}…': the name is too long.",
            hint="Choose a shorter name.",
        )
    reason = (exc.strerror or str(exc) or type(exc).__name__).rstrip(".")
    return OutputWriteError(
        f"Could not write '{p}' ({reason}).",
        hint="Check the folder exists and you can write to it, or choose another place.",
    )


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, force: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically; refuse to overwrite unless ``force``.

    The one way out for every file drafter writes: a temporary file beside
    the destination, flushed to disk, then renamed over it, so a crash or a
    kill never leaves half a file. Any operating-system error (no such
    folder, a path under a file, no permission, a full disk) becomes one
    :class:`OutputWriteError` naming the destination and what to do; the
    temporary file is removed, and ones left by a killed drafter are cleaned
    up the next time drafter writes to that folder."""
    p = ensure_writable(path, force)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_problem(p, exc) from None
    clean_stale_temp_files(p.parent)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(p), suffix=".tmp", dir=p.parent)
        with os.fdopen(fd, "wb") as handle:
            # mkstemp makes the file private (0600); a letter on a shared drive
            # must be readable by colleagues, as any file the user saved would be.
            os.fchmod(handle.fileno(), _existing_mode(p) or _default_mode())
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if os.path.lexists(p) and not force:  # appeared while we were writing
            raise OutputExistsError(f"'{p}' already exists.", hint="Add --force to replace it.")
        os.replace(tmp, p)
        tmp = None
    except OSError as exc:
        raise write_problem(p, exc) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return p


def _existing_mode(p: Path) -> int | None:
    try:
        if p.is_symlink():
            return None
        return p.stat().st_mode & 0o7777
    except OSError:
        return None


def _default_mode() -> int:
    """The mode a newly created file gets under the user's umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write_text(
    path: str | os.PathLike[str], text: str, force: bool = False, encoding: str = "utf-8"
) -> Path:
    return atomic_write_bytes(path, text.encode(encoding), force=force)


#: Word documents expand a lot when unzipped (text compresses ~10x), but a
#: letter or report never needs more than this; beyond it is a zip bomb.
DEFAULT_MAX_UNZIPPED_BYTES = 200 * 1024 * 1024


def check_zip_limits(
    data: bytes, max_unzipped: int = DEFAULT_MAX_UNZIPPED_BYTES, *, name: str = "The file"
) -> None:
    """Refuse a zip (.docx) that would unzip to more than ``max_unzipped``
    bytes, before anything parses it
    (see :func:`drafter.core.guarded.check_zip_parts`). Raises
    :class:`InputFileError`."""
    check_zip_parts(data, name=name.strip("'"), max_total=max_unzipped, max_part=max_unzipped)


def check_zip_parts(
    data: bytes,
    *,
    name: str,
    max_total: int,
    max_part: int,
    error: type[DrafterError] = InputFileError,
) -> None:
    """Refuse a zip whose parts would unzip to more than ``max_part`` bytes
    each or ``max_total`` together, before anything parses it. The sizes the
    zip declares and the bytes it really yields are both counted, so a zip
    that understates its sizes is caught too. Data that is not a zip passes:
    the document parser says what is wrong."""
    import io
    import zipfile
    import zlib

    def refuse(part: str | None) -> DrafterError:
        if part is not None:
            return error(
                f"'{name}' holds a part ({part}) that expands to more than "
                f"{max_part / 1_048_576:.0f} MB, far more than a document needs.",
                hint="Check it is the right document, or save it again from Word or LibreOffice.",
            )
        return error(
            f"'{name}' expands to more than {max_total / 1_048_576:.0f} MB when opened, "
            "far more than a document needs.",
            hint="Check it is the right document, or save it again from Word or LibreOffice.",
        )

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if sum(info.file_size for info in members) > max_total:
                raise refuse(None)
            for info in members:
                if info.file_size > max_part:
                    raise refuse(info.filename)
            budget = max_total
            for info in members:
                taken = 0
                with archive.open(info) as member:
                    while chunk := member.read(1 << 20):
                        taken += len(chunk)
                        budget -= len(chunk)
                        if taken > max_part:
                            raise refuse(info.filename)
                        if budget < 0:
                            raise refuse(None)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
        return  # not a readable zip: the document parser reports it plainly
