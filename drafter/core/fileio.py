"""Safe file handling shared by every command.

Users' files are never overwritten without ``force`` and are written
atomically (temp file in the same folder, then ``os.replace``) so a crash
never leaves half a letter. Untrusted input is size-checked before it is read.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from drafter.core.errors import InputFileError, OutputExistsError

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
    if not p.exists() and _WEB_ADDRESS.match(str(path)):
        raise InputFileError(
            f"'{path}' is a web address; drafter reads files, not pages online.",
            hint="Open it in your browser, save the page (Ctrl+S) and give drafter the file.",
        )
    if not p.exists():
        raise InputFileError(f"Cannot find the file '{p}'.", hint="Check the name and folder.")
    if p.is_dir():
        raise InputFileError(f"'{p}' is a folder, not a file.", hint="Give the path of a file.")
    size = p.stat().st_size
    if size == 0:
        raise InputFileError(f"The file '{p}' is empty.", hint="Save the document again and retry.")
    if size > max_bytes:
        raise InputFileError(
            f"The file '{p}' is {size / 1_048_576:.1f} MB, "
            f"over the {max_bytes / 1_048_576:.0f} MB limit.",
            hint="Check it is the right document.",
        )
    return p


def read_input_bytes(
    path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_INPUT_BYTES
) -> bytes:
    """Read a user-supplied file with the size checks of :func:`check_input_file`."""
    p = check_input_file(path, max_bytes)
    with p.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # the file grew while we looked at it
        raise InputFileError(f"The file '{p}' is over the size limit.")
    return data


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ensure_writable(path: str | os.PathLike[str], force: bool = False) -> Path:
    """Refuse to replace an existing file unless ``force``."""
    p = Path(path)
    if p.exists() and not force:
        raise OutputExistsError(
            f"'{p}' already exists.", hint="Choose another name, or add --force to replace it."
        )
    if p.exists() and p.is_dir():
        raise OutputExistsError(f"'{p}' is a folder.", hint="Give a file name.")
    return p


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, force: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically; refuse to overwrite unless ``force``."""
    p = ensure_writable(path, force)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        # mkstemp makes the file private (0600); a letter on a shared drive must
        # be readable by colleagues, as any file the user saved would be.
        os.chmod(tmp, p.stat().st_mode & 0o7777 if p.exists() else _default_mode())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if p.exists() and not force:  # appeared while we were writing
            raise OutputExistsError(f"'{p}' already exists.", hint="Add --force to replace it.")
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return p


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
    bytes, before anything parses it. Both the sizes the zip declares and the
    bytes it really yields are counted, so a zip that understates its sizes is
    caught too. Data that is not a zip passes: the parser says what is wrong.
    Raises :class:`InputFileError`."""
    import io
    import zipfile
    import zlib

    def too_big() -> InputFileError:
        return InputFileError(
            f"{name} expands to more than {max_unzipped / 1_048_576:.0f} MB when opened, "
            "far more than any letter or report.",
            hint="Check it is the right document, or save it again from Word.",
        )

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if sum(info.file_size for info in members) > max_unzipped:
                raise too_big()
            budget = max_unzipped
            for info in members:
                with archive.open(info) as member:
                    while chunk := member.read(1 << 20):
                        budget -= len(chunk)
                        if budget < 0:
                            raise too_big()
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
        return  # not a readable zip: the document parser reports it plainly
