"""Document conversion with LibreOffice headless, shared by the tests and the
reading benchmark (which makes the same DOCX/PDF/text copies of the corpus)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(sources: list[Path], target: str, outdir: Path, binary: str) -> list[Path]:
    """Convert ``sources`` in one LibreOffice run; ``target`` is a filter spec
    such as ``pdf:writer_web_pdf_Export``. Returns the outputs in source order."""
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            binary,
            # A private profile: parallel runs must not share LibreOffice's lock.
            f"-env:UserInstallation=file://{outdir / '.lo-profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            *map(str, sources),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    extension = target.split(":", 1)[0]
    return [outdir / f"{source.stem}.{extension}" for source in sources]
