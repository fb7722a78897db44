"""What ``drafter check`` finds in every corpus letter drafter drafts.

For each corpus report (and the real seed report) a letter is drafted with
two libraries, drafter's starter library and the corpus's ``actions.jsonl``
(25 fictional units across all 12 regions, so most actions come from another
unit). Each letter is checked twice:

* as drafted: every placeholder and highlight is still there, so check must
  find them (and the summary counts what drafting flagged);
* "finished blind": every placeholder filled with neutral words and every
  highlight removed *without* reading it, as a careless editor would. What
  check still finds then comes from the words alone (names of other units,
  regions and police forces; past dates; counts), which is what matters when
  drafter's marks are gone.

Prints each letter's findings, one line each, and totals per kind. Figures
only, no asserts.

Usage: python benchmarks/check_corpus.py [--library starter|corpus|both] [--quiet]
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from drafter.check.checker import check_letter  # noqa: E402
from drafter.cli.presenters import check_issue_line  # noqa: E402
from drafter.letter.drafting import draft_letter  # noqa: E402
from drafter.library.store import Library  # noqa: E402
from drafter.library.transfer import import_actions  # noqa: E402
from drafter.reading.reader import read_report  # noqa: E402

SHARED = (REPO / ".." / "shared").resolve()
REPORTS = sorted((SHARED / "corpus" / "reports").glob("*.html"))
SEED = SHARED / "seeds" / "inspection_report_redcar_cleveland_middlesbrough_2025.txt"
ACTIONS = SHARED / "corpus" / "actions.jsonl"
LETTER_DATE = date(2025, 10, 1)


def finish_blind(draft: Path, out: Path) -> None:
    """Fill every placeholder and drop every highlight without reading them."""
    import docx

    document = docx.Document(str(draft))
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if run.font.highlight_color is None:
                continue
            text = run.text
            if text.startswith("[") and text.endswith("]"):
                label = text[1:-1]
                if label.startswith("Action for"):
                    run.text = "The PDU will write a plan for this with its partners."
                elif label == "Signatory's name":
                    run.text = "Jane Roberts"
                elif label == "Title":
                    run.text = "Area Executive Director"
                elif label == "Positive finding":
                    run.text = "Staff valued the support of their managers."
                else:
                    run.text = "the details"
            run.font.highlight_color = None
    document.save(str(out))


def library_for(kind: str, folder: Path) -> Library:
    library = Library(f"sqlite:///{folder / f'{kind}.db'}", auto_starter=(kind == "starter"))
    if kind == "corpus":
        import_actions(library, ACTIONS)
    return library


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", choices=["starter", "corpus", "both"], default="both")
    parser.add_argument("--quiet", action="store_true", help="Totals only.")
    args = parser.parse_args()
    kinds = ["starter", "corpus"] if args.library == "both" else [args.library]
    if not REPORTS:
        sys.exit(f"No corpus reports at {SHARED / 'corpus' / 'reports'}")
    reports = [*REPORTS, SEED]
    totals: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    started = time.perf_counter()
    checks = 0
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        for kind in kinds:
            library = library_for(kind, folder)
            print(f"=== library: {kind}")
            for report_path in reports:
                report = read_report(report_path)
                draft = folder / f"{kind}_{report_path.stem}.docx"
                drafted = draft_letter(
                    report_path, draft, library=library, letter_date=LETTER_DATE, force=True
                )
                finished = folder / f"{kind}_{report_path.stem}_finished.docx"
                finish_blind(draft, finished)
                print(
                    f"\n{report.unit} ({report_path.name}): {drafted.recommendations} "
                    f"recommendations, {drafted.from_library} actions from the library, "
                    f"{len(drafted.names_to_check)} names flagged when drafting, "
                    f"{drafted.unreviewed} chosen automatically"
                )
                for stage, letter in (("as drafted", draft), ("finished blind", finished)):
                    result = check_letter(letter, report)
                    checks += 1
                    codes = collections.Counter(i.code for i in result.problems)
                    warnings = collections.Counter(i.code for i in result.warnings)
                    totals[f"{kind}, {stage}: problems"].update(codes)
                    totals[f"{kind}, {stage}: warnings"].update(warnings)
                    summary = ", ".join(f"{c} {n}" for c, n in sorted(codes.items())) or "none"
                    print(
                        f"  {stage}: {len(result.problems)} problems ({summary}), "
                        f"{len(result.warnings)} warnings"
                    )
                    if not args.quiet and stage == "finished blind":
                        for issue in result.issues:
                            print(f"    {check_issue_line(issue)}")
    elapsed = time.perf_counter() - started
    print("\n=== totals by kind")
    for label, counter in totals.items():
        listed = ", ".join(f"{c} {n}" for c, n in sorted(counter.items())) or "none"
        print(f"  {label}: {listed}")
    print(f"\n{checks} checks of {len(reports)} reports' letters: {elapsed:.1f} s")


if __name__ == "__main__":
    main()
