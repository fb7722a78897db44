"""Time how long drafter takes to read each corpus report in each format.

Converts every report in ../shared/corpus/reports (and the seed report) to
DOCX, PDF, ODT and plain text with LibreOffice into a temporary folder (and
to MHTML with the email library), reads each file several times and prints
the median time per report and per format. For PDFs it also prints the
median with the reader drafter used before PDFium (pdfplumber), taken from
the git history, so the two can be compared on the same machine and files.
Figures only: nothing is asserted.

    python benchmarks/bench_reading.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import contextlib
import email.policy
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

from drafter.reading.reader import read_report

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from libreoffice import convert as lo_convert  # noqa: E402 - the tests' converter
from libreoffice import soffice_binary  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
REPORTS = (REPO / ".." / "shared" / "corpus" / "reports").resolve()
SEED = (REPO / ".." / "shared" / "seeds").resolve()
TARGETS = {
    "docx": "docx:MS Word 2007 XML",
    "pdf": "pdf:writer_web_pdf_Export",
    "odt": "odt:writerweb8_writer",
    "txt": "txt:Text (encoded):UTF8",
}
#: The last commit whose PDF reader used pdfplumber throughout.
PDFPLUMBER_COMMIT = "84eff88"


def convert(sources: list[Path], target: str, outdir: Path) -> list[Path]:
    binary = soffice_binary()
    return lo_convert(sources, target, outdir, binary) if binary else []


def as_mhtml(page: Path, folder: Path) -> Path:
    """The page as a browser's single-file save would hold it."""
    message = EmailMessage(policy=email.policy.SMTP)
    message["MIME-Version"] = "1.0"
    message.set_content(page.read_text(encoding="utf-8"), subtype="html", cte="quoted-printable")
    message.make_related()
    target = folder / f"{page.stem}.mhtml"
    target.write_bytes(message.as_bytes())
    return target


def pdfplumber_reader(folder: Path):
    """The pdfplumber-based ``pdf_blocks`` from the git history, or None
    outside a git checkout."""
    try:
        source = subprocess.run(
            ["git", "show", f"{PDFPLUMBER_COMMIT}:drafter/reading/formats/pdf.py"],
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module_path = folder / "pdf_pdfplumber.py"
    module_path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("pdf_pdfplumber", module_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.pdf_blocks


@contextlib.contextmanager
def pdf_reader(pdf_blocks):
    """Read PDFs with ``pdf_blocks`` for the duration."""
    from drafter.reading.formats import pdf

    current = pdf.pdf_blocks
    pdf.pdf_blocks = pdf_blocks
    try:
        yield
    finally:
        pdf.pdf_blocks = current


def time_reading(path: Path, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        read_report(path)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="reads per file (default 5)")
    args = parser.parse_args()
    sources = sorted(REPORTS.glob("*.html"))
    if not sources:
        print(f"No corpus reports found in {REPORTS}", file=sys.stderr)
        return 1
    files: dict[str, list[Path]] = {"html": sources}
    with tempfile.TemporaryDirectory() as folder:
        for fmt, target in TARGETS.items():
            converted = convert(sources, target, Path(folder) / fmt)
            if converted:
                files[fmt] = converted
        mhtml_folder = Path(folder) / "mhtml"
        mhtml_folder.mkdir()
        files["mhtml"] = [as_mhtml(page, mhtml_folder) for page in sources]
        files["text"] = sorted(SEED.glob("inspection_report_*.txt"))
        print(f"{'format':<26} {'files':>5} {'median ms':>10} {'max ms':>8}")

        def report(label: str, paths: list[Path]) -> None:
            per_file = [time_reading(p, args.repeat) * 1000 for p in paths]
            if per_file:
                print(
                    f"{label:<26} {len(per_file):>5} {statistics.median(per_file):>10.1f} "
                    f"{max(per_file):>8.1f}"
                )

        for fmt, paths in files.items():
            report(fmt + (" (PDFium, now)" if fmt == "pdf" else ""), paths)
        before = pdfplumber_reader(Path(folder))
        if "pdf" in files and before is not None:
            with pdf_reader(before):
                report("pdf (pdfplumber, before)", files["pdf"])
        elif "pdf" in files:
            print("pdf (pdfplumber, before): needs a git checkout of drafter", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
