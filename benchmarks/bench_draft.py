"""How long drafting one letter takes end to end: read the report, match its
recommendations against the library, plan, render the Word document, write it.

Two libraries: drafter's starter library, and a generated 10,000-action one
(phrases of the starter library recombined, as in ``match_speed.py``), both in
SQLite files. For each it prints:

* cold: a fresh ``Library`` object, so the time includes loading the actions
  from the database and building the matcher (what one ``drafter draft``
  command pays);
* warm: the same ``Library`` drafting again (what each further letter of a
  batch pays);
* the split of a warm draft into read / match / plan+render / write.

Target: at most 1 s per letter on a 2-core machine. Figures only, no asserts.

Usage: python benchmarks/bench_draft.py [--size 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from drafter.core.fileio import atomic_write_bytes  # noqa: E402
from drafter.letter.document import render_letter  # noqa: E402
from drafter.letter.drafting import draft_letter  # noqa: E402
from drafter.letter.plan import build_plan  # noqa: E402
from drafter.library.store import Library  # noqa: E402
from drafter.library.transfer import read_starter_records  # noqa: E402
from drafter.matching.matcher import match_report  # noqa: E402
from drafter.reading.reader import read_report  # noqa: E402

SEED_REPORT = (
    REPO.parent / "shared" / "seeds" / "inspection_report_redcar_cleveland_middlesbrough_2025.txt"
)
SAMPLE = REPO / "samples" / "ashvale_pdu_2025.html"
LETTER_DATE = date(2025, 7, 24)


def generated_records(size: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    records = read_starter_records()
    pieces = [p for r in records for p in r.action.rstrip(".").split(", ")]
    recommendations = [r.recommendation or "" for r in records]
    units = [f"Unit {i} PDU" for i in range(120)]
    rows = []
    for i in range(size):
        rows.append(
            {
                "id": f"gen-{i}",
                "action": ", ".join(rng.sample(pieces, 2))
                + f" by {rng.choice(['March', 'June'])} {2023 + i % 3}.",
                "recommendation": " and ".join(rng.sample(recommendations, 1 + i % 2)),
                "unit": rng.choice(units),
                "date": date(2022 + i % 4, 1 + i % 12, 1 + i % 28).isoformat(),
            }
        )
    return rows


def make_library(folder: Path, size: int | None) -> str:
    name = f"library-{size}.db" if size else "library-starter.db"
    url = f"sqlite:///{folder / name}"
    library = Library(url, auto_starter=False)
    if size is None:
        library.load_starter()
    else:
        source = folder / "generated.jsonl"
        source.write_text(
            "\n".join(json.dumps(r) for r in generated_records(size)), encoding="utf-8"
        )
        library.import_file(source)
    return url


def cold_draft(url: str, report: Path, out: Path) -> float:
    started = time.perf_counter()
    draft_letter(report, out, library=Library(url), letter_date=LETTER_DATE, force=True)
    return time.perf_counter() - started


def warm_split(library: Library, report_path: Path, out: Path) -> dict[str, float]:
    times = {}
    started = time.perf_counter()
    report = read_report(report_path)
    times["read"] = time.perf_counter() - started
    started = time.perf_counter()
    matches = match_report(report, library)
    times["match"] = time.perf_counter() - started
    started = time.perf_counter()
    data = render_letter(build_plan(report, matches), letter_date=LETTER_DATE)
    times["plan+render"] = time.perf_counter() - started
    started = time.perf_counter()
    atomic_write_bytes(out, data, force=True)
    times["write"] = time.perf_counter() - started
    times["total"] = sum(times.values())
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    reports = [p for p in (SEED_REPORT, SAMPLE) if p.exists()]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        out = folder / "letter.docx"
        for label, size in (("starter library", None), (f"{args.size:,} actions", args.size)):
            url = make_library(folder, size)
            count = Library(url, auto_starter=False).count()
            print(f"\n== {label} ({count:,} active actions) ==")
            for report in reports:
                cold = [cold_draft(url, report, out) for _ in range(max(1, args.repeat // 2))]
                library = Library(url, auto_starter=False)
                warm_split(library, report, out)  # builds the matcher once
                splits = [warm_split(library, report, out) for _ in range(args.repeat)]
                median = {k: statistics.median(s[k] for s in splits) for k in splits[0]}
                print(
                    f"{report.name}: cold {statistics.median(cold):.3f} s, "
                    f"warm {median['total']:.3f} s "
                    f"(read {median['read']:.3f}, match {median['match']:.3f}, "
                    f"plan+render {median['plan+render']:.3f}, write {median['write']:.3f})"
                )


if __name__ == "__main__":
    main()
