"""Old Word (.doc) and Rich Text (.rtf) files converted to .docx by
LibreOffice, when it is installed, so they read like any Word document.

LibreOffice runs headless with a private profile in a temporary folder (so
it never clashes with a LibreOffice the user has open), with a time limit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from drafter.core.errors import InputFileError
from drafter.core.fileio import DEFAULT_MAX_INPUT_BYTES

#: Converting a report takes a few seconds; a file that takes longer is not one.
CONVERT_TIMEOUT_SECONDS = 120

_KINDS = {
    "doc": "in the old Word 97-2003 (.doc) format",
    "rtf": "a Rich Text (.rtf) file",
}
SAVE_AS_DOCX = (
    "Open it in Word and save it as a Word Document (.docx) with File > Save As, "
    "or install LibreOffice so drafter can convert it."
)


def soffice_binary() -> str | None:
    """LibreOffice's command, from ``DRAFTER_SOFFICE`` or the PATH."""
    configured = os.environ.get("DRAFTER_SOFFICE")
    if configured is not None:
        return shutil.which(configured) if configured else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, kind: str, name: str = "") -> bytes:
    """The .docx LibreOffice makes of a .doc or .rtf file. Raises
    :class:`InputFileError` with how to save it as .docx when LibreOffice is
    not installed or cannot convert it."""
    described = _KINDS[kind]
    binary = soffice_binary()
    if binary is None:
        raise InputFileError(
            f"'{name}' is {described}, which drafter cannot read.", hint=SAVE_AS_DOCX
        )
    with tempfile.TemporaryDirectory(prefix="drafter-convert-") as folder:
        source = Path(folder) / f"report.{kind}"
        source.write_bytes(data)
        out = Path(folder) / "out"
        command = [
            binary,
            f"-env:UserInstallation={(Path(folder) / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            str(source),
        ]
        try:
            subprocess.run(
                command,
                check=True,
                capture_output=True,
                timeout=CONVERT_TIMEOUT_SECONDS,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as exc:
            raise InputFileError(
                f"LibreOffice took more than {CONVERT_TIMEOUT_SECONDS} seconds "
                f"to convert '{name}'.",
                hint="Open it in Word and save it as .docx.",
            ) from exc
        except (subprocess.CalledProcessError, OSError) as exc:
            raise InputFileError(
                f"LibreOffice could not convert '{name}' ({described}).", hint=SAVE_AS_DOCX
            ) from exc
        converted = out / "report.docx"
        if not converted.is_file() or converted.stat().st_size == 0:
            raise InputFileError(
                f"LibreOffice could not convert '{name}' ({described}).", hint=SAVE_AS_DOCX
            )
        if converted.stat().st_size > DEFAULT_MAX_INPUT_BYTES:
            raise InputFileError(
                f"'{name}' converts to a Word document of more than "
                f"{DEFAULT_MAX_INPUT_BYTES / 1_048_576:.0f} MB, far more than any report.",
                hint="Check it is the right document.",
            )
        return converted.read_bytes()
