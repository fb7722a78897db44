"""Time how long drafter takes to read each corpus report in each format.

Converts every report in ../shared/corpus/reports (and the seed report) to
DOCX, PDF and plain text with LibreOffice into a temporary folder, reads each
file several times and prints the median time per report and per format.
Figures only: nothing is asserted.

    python benchmarks/bench_reading.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
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
    "txt": "txt:Text (encoded):UTF8",
}


def convert(sources: list[Path], target: str, outdir: Path) -> list[Path]:
    binary = soffice_binary()
    return lo_convert(sources, target, outdir, binary) if binary else []


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
        files["text"] = sorted(SEED.glob("inspection_report_*.txt"))
        print(f"{'format':<6} {'files':>5} {'median ms':>10} {'max ms':>8}")
        for fmt, paths in files.items():
            per_file = [time_reading(p, args.repeat) * 1000 for p in paths]
            if not per_file:
                continue
            print(
                f"{fmt:<6} {len(per_file):>5} {statistics.median(per_file):>10.1f} "
                f"{max(per_file):>8.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
