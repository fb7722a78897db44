"""PDF copies of drafted documents, made by LibreOffice when it is installed.

drafter writes Word documents itself; a PDF is the same document converted by
LibreOffice (``soffice --headless --convert-to pdf``) in a private temporary
folder, so a conversion never touches the user's files or LibreOffice profile.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from drafter.core.errors import DrafterError

#: A letter converts in a few seconds; a stuck LibreOffice is stopped.
TIMEOUT_SECONDS = 180
NOT_INSTALLED = (
    "LibreOffice is not installed, so drafter cannot make a PDF. Download the Word "
    "document and save it as PDF in Word, or install LibreOffice."
)


def libreoffice_binary() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    return libreoffice_binary() is not None


def docx_to_pdf(docx: bytes, *, name: str = "letter") -> bytes:
    """The Word document ``docx`` converted to PDF by LibreOffice. Raises
    :class:`DrafterError` when LibreOffice is missing or the conversion fails."""
    binary = libreoffice_binary()
    if binary is None:
        raise DrafterError(NOT_INSTALLED)
    with tempfile.TemporaryDirectory(prefix="drafter-pdf-") as folder:
        work = Path(folder)
        source = work / f"{name}.docx"
        source.write_bytes(docx)
        try:
            subprocess.run(
                [
                    binary,
                    f"-env:UserInstallation={(work / 'profile').as_uri()}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(work),
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
            )
        except (subprocess.SubprocessError, OSError):
            raise DrafterError(
                "LibreOffice could not turn the letter into a PDF.",
                hint="Download the Word document and save it as PDF in Word.",
            ) from None
        result = work / f"{name}.pdf"
        if not result.exists() or result.stat().st_size == 0:
            raise DrafterError(
                "LibreOffice did not write a PDF of the letter.",
                hint="Download the Word document and save it as PDF in Word.",
            )
        return result.read_bytes()
