"""Starting, keeping and checking a review: the library side of ``drafter review``.

:func:`open_review` fits a review file to the report as it is now (or starts
one), :func:`write_sheet` writes one to fill in by hand, :func:`decide` and
:func:`record_verdicts` keep one decision in the review file and the library,
:func:`record_decisions` records a whole file's decisions, and
:func:`review_status` says how far a review has got. All return records or
plain strings: the terminal dialogue that asks the reviewer recommendation by
recommendation is :mod:`drafter.cli.review_dialogue`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from drafter.core.errors import DrafterError, ReviewFileError
from drafter.core.model import RecommendationMatch, Report
from drafter.review.file import (
    ReviewDecision,
    ReviewFile,
    build_review,
    load_review,
    mark_decided,
    reconcile_review,
    save_review,
    summarise_review,
)

#: How many candidates to show at first; "see more" shows the next ones.
PAGE_SIZE = 3
#: How many candidates to fetch from matching for each recommendation.
CANDIDATES_FETCHED = 12


class DecisionRecorder(Protocol):
    """What the session needs from :class:`drafter.library.store.Library`."""

    def search(self, query: str, limit: int = 20) -> list[Any]: ...

    def record_decision(
        self,
        recommendation_text: str,
        action_id: int,
        verdict: str,
        report_sha256: str | None = None,
    ) -> None: ...


def decide(decision: ReviewDecision, *, accepted: list[int], rejected: list[int]) -> None:
    """Mark ``decision`` decided (stamped, "Agreed" unless an agreement was
    given): ``accepted`` library actions come off its rejected and passed-over
    lists, ``rejected`` ones go on the rejected list."""
    decision.status = "decided"
    mark_decided(decision)
    if decision.agreement is None:
        decision.agreement = "Agreed"
    decision.rejected = [i for i in decision.rejected if i not in accepted]
    decision.passed_over = [
        i for i in decision.passed_over if i not in accepted and i not in rejected
    ]
    decision.rejected += [i for i in rejected if i not in decision.rejected]


def save_reviewed(review: ReviewFile, path: str | os.PathLike[str]) -> list[str]:
    """Write the review file as it stands. If someone else saved it since it
    was read (another terminal, the web page), their decisions are merged in
    first: the notes saying so are returned."""
    save_review(review, path, overwrite=True, expected_version=review.version)
    return list(review.merge_notes)


def record_verdicts(
    review: ReviewFile,
    decision: ReviewDecision,
    library: DecisionRecorder,
    *,
    accepted: list[int],
    rejected: list[int],
) -> list[str]:
    """Record in the library that ``accepted`` actions were accepted and
    ``rejected`` ones turned down for ``decision``'s recommendation, so later
    suggestions learn from them. Returns a warning for each the library
    refused (the review file already holds the decision)."""
    warnings = []
    for action_id, verdict in [(i, "accepted") for i in accepted] + [
        (i, "rejected") for i in rejected
    ]:
        try:
            library.record_decision(
                decision.recommendation,
                action_id,
                verdict,
                report_sha256=review.report_sha256,
            )
        except DrafterError as exc:
            warnings.append(f"Could not record the decision on action #{action_id}: {exc}")
    return warnings


#: Anything written like a numeric date (31/13/2026, 2026-13-01): each must be real.
_NUMERIC_DATE = re.compile(r"(?<![\d/.-])\d{1,4}([/.-])\d{1,2}\1\d{2,4}(?![\d/.-]*\d)")


def check_target_date(text: str) -> str:
    """``text`` if it names a date drafter understands, as the letter will show
    it; otherwise a plain :class:`DrafterError`.

    The reviewer's wording is kept ("end of Q3 2026" reads better in a letter
    than a bare date), so anything :mod:`drafter.core.dates` can read is accepted:
    a date (31/03/2026, 2026-03-31, 31 March 2026), a month ("March 2026") or
    a due-date phrase ("end of Q3 2026", "within six months"). A date written
    in numbers that does not exist (31/13/2026) is refused even inside a phrase.
    """
    from datetime import date

    from drafter.core.dates import extract_due_date, read_date

    words = " ".join(text.split())
    impossible = [
        m.group(0) for m in _NUMERIC_DATE.finditer(words) if read_date(m.group(0)) is None
    ]
    understood = (
        read_date(words) is not None or extract_due_date(words, date.today())[0] is not None
    )
    if impossible or not understood:
        what = (
            f"'{impossible[0]}' is not a real date"
            if impossible
            else (f"'{words}' is not a date drafter understands")
        )
        raise DrafterError(
            f"{what}, so the target date was not changed.",
            hint="Write it as 31/03/2026, 31 March 2026, March 2026, 2026-03-31 "
            "or a phrase such as 'end of Q3 2026'.",
        )
    return words


# --- starting a review --------------------------------------------------------------


def record_decisions(review: ReviewFile, library: DecisionRecorder) -> list[str]:
    """Record in the library every accepted and rejected action in ``review``
    (e.g. decisions typed into a sheet by hand), so they improve later
    suggestions too. Recording again changes nothing. Returns warnings for
    library ids the library does not know."""
    warnings = []
    for decision in review.decisions:
        verdicts: list[tuple[int, str]] = []
        if decision.status == "decided":
            verdicts += [(a.library_id, "accepted") for a in decision.actions if a.library_id]
        verdicts += [(i, "rejected") for i in decision.rejected]
        for action_id, verdict in verdicts:
            try:
                library.record_decision(
                    decision.recommendation, action_id, verdict, report_sha256=review.report_sha256
                )
            except DrafterError as exc:
                where = f"Recommendation {decision.number}: action #{action_id}"
                warnings.append(f"{where} was not recorded ({exc})")
    return warnings


def open_review(
    report: Report,
    matches: Sequence[RecommendationMatch],
    path: str | os.PathLike[str],
    *,
    confirm: Callable[[str], bool],
    report_path: str | os.PathLike[str] | None = None,
    top: int = PAGE_SIZE,
) -> tuple[ReviewFile, str | None]:
    """The review to carry on with: the file at ``path`` fitted to the report as
    it is now, or a fresh one. Returns the review and a note for the reviewer.

    If the report changed since the file was written, ``confirm`` is asked
    whether to keep the decisions whose recommendation is unchanged; a file
    sharing no recommendation with the report is refused as belonging to a
    different report."""
    fresh = build_review(report, matches, report_path=report_path, top=top)
    target = Path(path)
    if not target.exists():
        return fresh, None
    existing = load_review(target)
    merged = reconcile_review(existing, fresh)
    if not merged.report_changed:
        summary = summarise_review(merged.review)
        return merged.review, (
            f"Carrying on from {target.name}: {summary.decided + summary.no_action} of "
            f"{summary.total} recommendations already have a decision."
        )
    decided_before = sum(d.status != "pending" for d in existing.decisions)
    if merged.matched == 0 and existing.decisions:
        raise ReviewFileError(
            f"The review file '{target}' was written for a different report "
            f"({existing.unit or 'unknown unit'}): none of its recommendations are in this one.",
            hint="Give the report it belongs to, or use -o to start a new review file.",
        )
    question = (
        f"The report has changed since '{target.name}' was written. "
        f"{merged.kept} of its {decided_before} decisions are for recommendations still "
        "worded the same"
        + (f"; {len(merged.dropped)} would be dropped" if merged.dropped else "")
        + ". Keep those decisions and carry on?"
    )
    if not confirm(question):
        raise DrafterError(
            f"Nothing changed: '{target}' is as it was.",
            hint="Give the report it was written for, or use -o to start a new review file.",
        )
    return merged.review, f"Kept {merged.kept} decisions; the rest are pending."


def write_sheet(
    report: Report,
    matches: Sequence[RecommendationMatch],
    path: str | os.PathLike[str],
    *,
    report_path: str | os.PathLike[str] | None = None,
    top: int = PAGE_SIZE,
    accept_best: bool = False,
    force: bool = False,
) -> ReviewFile:
    """Write a review file to fill in by hand: every recommendation with its top
    candidates. Refuses to replace an existing file (decisions may be in it)
    unless ``force``."""
    from drafter.core.fileio import ensure_writable

    target = Path(path)
    if target.exists() and not force:
        raise DrafterError(
            f"'{target}' already exists and may hold decisions already made.",
            hint="Carry on with 'drafter review REPORT', or add --force to replace it.",
        )
    ensure_writable(target, force=force)
    review = build_review(
        report, matches, report_path=report_path, top=top, accept_best=accept_best
    )
    save_review(review, target, overwrite=force)
    return review


@dataclass
class ReviewStatus:
    """How far the review of a report has got, and whether the report has
    changed since the review file was written."""

    review: ReviewFile
    path: Path
    report_changed: bool

    def to_json(self) -> dict[str, Any]:
        from drafter.review.file import review_to_json

        return {**review_to_json(self.review), "report_changed": self.report_changed}


def review_status(report: Report, path: str | os.PathLike[str]) -> ReviewStatus:
    """The review file at ``path`` for ``report``; a plain error if there is none yet."""
    path = Path(path)
    if not path.exists():
        raise DrafterError(
            f"There is no review file for this report yet ('{path}').",
            hint="Start one with 'drafter review REPORT'.",
        )
    review = load_review(path)
    return ReviewStatus(review, path, report_changed=review.report_sha256 != report.sha256)
