"""How fast sent letters are read and archived, and how often actions carry a date.

Run: python benchmarks/archive_speed.py

Prints figures only (no pass/fail):
* reading the seed letter as .txt, .docx and .pdf (the PDF made by LibreOffice),
* archiving N distinct letters into a fresh SQLite database, one transaction each,
* listing the commitments afterwards,
* ``archive FOLDER`` on a folder of N letters: a dry run, the run, and a second run,
* due-date extraction over the shared corpus actions: how many actions name a
  date or timescale, and how often it agrees with the labelled target month.
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from drafter.archive.commitments import extract_due_date, list_commitments  # noqa: E402
from drafter.archive.store import archive_letter, read_sent_letter  # noqa: E402
from drafter.library.store import Library  # noqa: E402

SHARED = REPO.parent / "shared"
SEED_LETTER = SHARED / "seeds" / "response_letter_stockton_hartlepool_2025.txt"
ACTIONS = SHARED / "corpus" / "actions.jsonl"


def timed(func, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def build_docx(text: str, path: Path) -> Path:
    import docx

    document = docx.Document()
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line for line in chunk.splitlines() if line.strip()]
        if all(line.startswith("- ") for line in lines):
            for line in lines:
                document.add_paragraph(line[2:], style="List Bullet")
        else:
            document.add_paragraph("\n".join(lines).replace("**", ""))
    document.save(path)
    return path


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="drafter-bench-"))
    text = SEED_LETTER.read_text(encoding="utf-8")
    docx_path = build_docx(text, folder / "letter.docx")
    files = {"txt": SEED_LETTER, "docx": docx_path}
    soffice = shutil.which("soffice")
    if soffice:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{folder}/lo",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder),
                str(docx_path),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        files["pdf"] = folder / "letter.pdf"
    print("Reading the seed letter (median of 5):")
    for kind, path in files.items():
        print(f"  {kind:<5} {timed(lambda p=path: read_sent_letter(p)) * 1000:7.1f} ms")

    count = 50
    letters = []
    for i in range(count):
        path = folder / f"letter-{i}.txt"
        path.write_text(text.replace("Stockton and Hartlepool", f"Benchmark Unit {i}"), "utf-8")
        letters.append(path)
    library = Library(f"sqlite:///{folder / 'bench.db'}")
    start = time.perf_counter()
    for path in letters:
        archive_letter(path, library)
    elapsed = time.perf_counter() - start
    print(
        f"Archiving {count} letters (5 actions each) into SQLite: {elapsed:.2f} s "
        f"({elapsed / count * 1000:.0f} ms per letter)"
    )
    start = time.perf_counter()
    found = list_commitments(library)
    print(f"Listing {len(found)} commitments: {(time.perf_counter() - start) * 1000:.0f} ms")

    from drafter.archive.folder import archive_folder

    shared_drive = folder / "shared-drive"
    shared_drive.mkdir()
    for i in range(count):
        (shared_drive / f"letter-{i}.txt").write_text(
            text.replace("Stockton and Hartlepool", f"Folder Unit {i}"), "utf-8"
        )
    folder_library = Library(f"sqlite:///{folder / 'folder.db'}")
    for label in ("Dry run of", "Archiving", "Running again on"):
        start = time.perf_counter()
        result = archive_folder(shared_drive, folder_library, dry_run=label == "Dry run of")
        elapsed = time.perf_counter() - start
        counts = ", ".join(f"{k} {v}" for k, v in result.counts().items() if v)
        print(f"{label} a folder of {count} letters: {elapsed:.2f} s ({counts})")

    if ACTIONS.exists():
        rows = [json.loads(line) for line in ACTIONS.read_text(encoding="utf-8").splitlines()]
        dated = agree = comparable = 0
        start = time.perf_counter()
        for row in rows:
            committed = date.fromisoformat(row["date"])
            due, _ = extract_due_date(row["action"], committed)
            if due is None:
                continue
            dated += 1
            if row.get("due"):
                target, _ = extract_due_date(f"by {row['due']}", committed)
                if target is not None:
                    comparable += 1
                    agree += due == target
        elapsed = time.perf_counter() - start
        print(
            f"Corpus actions naming a date or timescale: {dated}/{len(rows)}; "
            f"same month as the labelled target: {agree}/{comparable} "
            f"(the target is often a later milestone than the date in the text); "
            f"{elapsed / len(rows) * 1e6:.0f} µs per action"
        )
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
