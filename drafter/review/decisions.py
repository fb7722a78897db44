"""Review decisions made one form at a time (the web pages), over the same
review file and database as the terminal session.

:func:`recommendation_view` says what to show for one recommendation: its
ranked suggestions with a band in words, and the weaker ones below the
no-match line. :func:`apply_choice` checks a reviewer's answers and records
them exactly as ``drafter review`` would: the review file is saved first (it
is the reviewer's record, stamped with who decided and when), then accepted
and withdrawn library actions are recorded in the database so later matching
learns from them. Nothing here knows about HTTP or HTML.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from drafter.core.errors import AnswerError, DrafterError
from drafter.core.model import AGREEMENTS, RecommendationMatch, Report
from drafter.review.file import (
    ChosenAction,
    ReviewDecision,
    ReviewFile,
    ReviewSummary,
    mark_decided,
    recommendation_key,
    save_review,
    summarise_review,
)

#: Scores as :mod:`drafter.matching.matcher` shows them: 85 and above says much
#: the same thing; 50 is the no-match line.
CLOSE_SCORE = 85.0
LINE_SCORE = 50.0
#: How many suggestions are shown before "weaker suggestions" is asked for.
SHOWN = 3
#: Words longer than this are refused: an action is a sentence or two.
MAX_ACTION_CHARS = 2000
MAX_FIELD_CHARS = 200

Band = Literal["close", "good", "weak"]
ChoiceKind = Literal["use", "change", "new", "none"]


def band_for(score: float | None) -> Band:
    """A score in words: "close" (85+), "good" (at or above the no-match
    line, 50) or "weak" (below it)."""
    if score is None or score < LINE_SCORE:
        return "weak"
    if score >= CLOSE_SCORE:
        return "close"
    return "good"


@dataclass
class SuggestionView:
    """One suggested library action for a recommendation."""

    rank: int
    library_id: int
    text: str
    score: float | None
    band: Band
    source: str | None  # "Calderholme PDU, 18 April 2023"
    reason: str | None

    @property
    def below_line(self) -> bool:
        return self.score is None or self.score < LINE_SCORE


@dataclass
class RecommendationView:
    """Everything a page needs to review one recommendation."""

    position: int  # 1-based
    total: int
    decision: ReviewDecision
    suggestions: list[SuggestionView]  # at or above the line, best first (at most SHOWN)
    weaker: list[SuggestionView]  # the rest, shown on request
    summary: ReviewSummary

    @property
    def no_match(self) -> bool:
        return not self.suggestions

    @property
    def previous(self) -> int | None:
        return self.position - 1 if self.position > 1 else None

    @property
    def next(self) -> int | None:
        return self.position + 1 if self.position < self.total else None

    @property
    def chosen_ids(self) -> list[int]:
        return [a.library_id for a in self.decision.actions if a.library_id is not None]


def _ranked(decision: ReviewDecision, matches: Sequence[RecommendationMatch]) -> list:
    key = recommendation_key(decision.recommendation)
    for match in matches:
        if recommendation_key(match.recommendation.text) == key and match.candidates:
            return [
                SuggestionView(
                    rank,
                    int(c.action.id),
                    c.action.text,
                    round(float(c.score), 1),
                    band_for(c.score),
                    c.action.source_label,
                    c.reason or None,
                )
                for rank, c in enumerate(match.candidates, start=1)
            ]
    return [
        SuggestionView(rank, s.library_id, s.text, s.score, band_for(s.score), s.source, s.reason)
        for rank, s in enumerate(decision.suggestions, start=1)
    ]


def recommendation_view(
    review: ReviewFile,
    position: int,
    matches: Sequence[RecommendationMatch] = (),
    *,
    shown: int = SHOWN,
) -> RecommendationView:
    """The recommendation at ``position`` (1-based) with its suggestions:
    live ones from ``matches`` when given, else those kept in the review file."""
    total = len(review.decisions)
    if not 1 <= position <= total:
        raise DrafterError(
            f"There is no recommendation {position}: this report has {total}.",
        )
    decision = review.decisions[position - 1]
    ranked = _ranked(decision, matches)
    above = [s for s in ranked if not s.below_line][:shown]
    weaker = [s for s in ranked if s not in above]
    return RecommendationView(position, total, decision, above, weaker, summarise_review(review))


@dataclass
class Choice:
    """A reviewer's answers for one recommendation, as typed.

    ``kind``: "use" a suggestion as it is (``library_id``), "change" one's
    wording (``library_id`` and the new ``text``), write a "new" action
    (``text``), or "none" (no action yet). ``target_date`` is anything
    :func:`drafter.review.session.check_target_date` understands, or empty."""

    kind: str
    library_id: int | None = None
    text: str = ""
    agreement: str | None = None
    note: str = ""  # why it is not (or only partly) agreed
    owner: str = ""
    target_date: str = ""


@dataclass
class ChoiceOutcome:
    decision: ReviewDecision
    summary: ReviewSummary
    warnings: list[str] = field(default_factory=list)


def target_date_from_parts(day: str, month: str, year: str) -> str:
    """A GOV.UK date input's three boxes as one target date: "31 March 2026",
    "March 2026" when the day is left empty, "" when all are empty. Raises
    :class:`AnswerError` (field ``target_date``) for anything else."""
    day, month, year = (" ".join((p or "").split()) for p in (day, month, year))
    if not (day or month or year):
        return ""
    missing = [name for name, value in (("month", month), ("year", year)) if not value]
    if missing:
        raise AnswerError({"target_date": f"The target date must include a {missing[0]}."})
    for name, value in (("day", day), ("month", month), ("year", year)):
        if value and not value.isdecimal():
            raise AnswerError({"target_date": f"The target date's {name} must be a number."})
    if len(year) != 4:
        raise AnswerError({"target_date": "The target date's year must have 4 numbers."})
    from drafter.core.dates import long_date
    from drafter.review.session import check_target_date

    if day:
        typed = f"{int(day)}/{int(month)}/{year}"
    elif 1 <= int(month) <= 12:
        typed = f"{date(2000, int(month), 1):%B} {year}"
    else:
        typed = f"1/{int(month)}/{year}"
    try:
        check_target_date(typed)
    except DrafterError as exc:
        raise AnswerError({"target_date": str(exc)}) from None
    if day:
        return long_date(date(int(year), int(month), int(day))) or typed
    return typed


def target_date_parts(target_date: str | None) -> tuple[str, str, str] | None:
    """A stored target date as (day, month, year) for a date input, or None when
    it is a phrase a date input cannot show ("end of Q3 2026")."""
    from drafter.core.dates import read_date

    if not target_date:
        return ("", "", "")
    found = read_date(target_date)
    if found is None:
        return None
    month_only = re.fullmatch(r"[A-Za-z]+\.?,?\s+\d{4}", target_date.strip())
    return ("" if month_only else str(found.day), str(found.month), str(found.year))


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def check_choice(view: RecommendationView, choice: Choice) -> Choice:
    """The choice with its text tidied, or :class:`AnswerError` naming every
    field that cannot be used (the messages the terminal review gives)."""
    problems: dict[str, str] = {}
    kind = choice.kind
    known = {s.library_id for s in view.suggestions + view.weaker} | set(view.chosen_ids)
    text = _clean(choice.text)
    if kind not in ("use", "change", "new", "none"):
        problems["choice"] = "Choose what to do about this recommendation."
    elif kind in ("use", "change") and choice.library_id not in known:
        problems["choice"] = "Choose one of the suggestions listed."
    if kind == "change" and not text:
        problems["changed_text"] = "The action was left empty: write the action's new wording."
    if kind == "new" and not text:
        problems["new_text"] = "Write the new action (or choose another answer)."
    for name, value in (("changed_text", text), ("new_text", text)):
        if kind == {"changed_text": "change", "new_text": "new"}[name] and (
            len(value) > MAX_ACTION_CHARS
        ):
            problems[name] = f"The action must be {MAX_ACTION_CHARS:,} characters or fewer."
    if choice.agreement is not None and choice.agreement not in AGREEMENTS:
        problems["agreement"] = f"Choose {', '.join(AGREEMENTS[:-1])} or {AGREEMENTS[-1]}."
    note = _clean(choice.note)
    if choice.agreement == "Not agreed" and not note:
        problems["note"] = "Say why the recommendation is not agreed."
    owner = _clean(choice.owner)
    if len(owner) > MAX_FIELD_CHARS:
        problems["owner"] = f"The owner must be {MAX_FIELD_CHARS} characters or fewer."
    if problems:
        raise AnswerError(problems)
    return Choice(
        kind,
        choice.library_id,
        text,
        choice.agreement,
        note,
        owner,
        _clean(choice.target_date),
    )


def apply_choice(
    review: ReviewFile,
    path: str | os.PathLike[str],
    position: int,
    choice: Choice,
    library: object,
    matches: Sequence[RecommendationMatch] = (),
    *,
    by: str | None = None,
) -> ChoiceOutcome:
    """Check ``choice`` and record it for the recommendation at ``position``:
    the review file at ``path`` is saved at once, then the database learns
    which library actions were accepted (and which earlier acceptance was
    withdrawn), as in ``drafter review``. Raises :class:`AnswerError`."""
    view = recommendation_view(review, position, matches, shown=len(review.decisions) + 50)
    choice = check_choice(view, choice)
    decision = view.decision
    by_id = {s.library_id: s for s in view.suggestions + view.weaker}
    for action in decision.actions:  # what was chosen before stays choosable
        if action.library_id is not None and action.library_id not in by_id:
            by_id[action.library_id] = SuggestionView(
                0, action.library_id, action.text, action.score, band_for(action.score),
                action.source, None,
            )  # fmt: skip
    before = [a.library_id for a in decision.actions if a.library_id is not None]
    accepted: list[int] = []
    if choice.kind in ("use", "change"):
        picked = by_id[int(choice.library_id or 0)]
        wording = choice.text if choice.kind == "change" else picked.text
        decision.actions = [
            ChosenAction(
                text=wording,
                library_id=picked.library_id,
                score=picked.score,
                source=picked.source,
                edited=_clean(wording) != _clean(picked.text),
            )
        ]
        accepted = [picked.library_id]
        # Ranked above the one chosen: seen and passed over, not turned down.
        passed = [
            s.library_id
            for s in view.suggestions + view.weaker
            if 0 < s.rank < picked.rank and s.library_id not in decision.passed_over
        ]
        decision.passed_over += [i for i in passed if i != picked.library_id]
        decision.status = "decided"
    elif choice.kind == "new":
        decision.actions = [ChosenAction(text=choice.text, library_id=None, edited=True)]
        decision.status = "decided"
    else:
        decision.actions = []
        decision.status = "no_action"
    withdrawn = [i for i in before if i not in accepted]
    decision.rejected = [i for i in decision.rejected if i not in accepted]
    decision.rejected += [i for i in withdrawn if i not in decision.rejected]
    decision.passed_over = [i for i in decision.passed_over if i not in accepted]
    decision.agreement = choice.agreement or (
        "Agreed" if decision.status == "decided" else decision.agreement
    )
    decision.note = choice.note or None
    decision.owner = choice.owner or None
    if choice.target_date:
        decision.target_date = choice.target_date
    mark_decided(decision, by)
    # The file first: it is the reviewer's record. Written only over the version
    # this review was read from; if someone else (a terminal session, another
    # page) saved since, their decisions are merged in first, and said so.
    save_review(review, path, overwrite=True, expected_version=review.version)
    warnings = list(review.merge_notes)
    for action_id, verdict in [(i, "accepted") for i in accepted] + [
        (i, "rejected") for i in withdrawn
    ]:
        try:
            library.record_decision(  # type: ignore[attr-defined]
                decision.recommendation, action_id, verdict, report_sha256=review.report_sha256
            )
        except DrafterError as exc:
            warnings.append(f"Could not record the decision on action #{action_id}: {exc}")
    return ChoiceOutcome(decision, summarise_review(review), warnings)


def open_review_file(
    report: Report,
    matches: Sequence[RecommendationMatch],
    path: str | os.PathLike[str],
    *,
    report_path: str | os.PathLike[str] | None = None,
    top: int = SHOWN,
) -> ReviewFile:
    """The review of ``report`` kept at ``path``, started (and saved) if there
    is none. A report that changed keeps the decisions for recommendations
    still worded the same, as ``drafter review`` does when told yes."""
    from drafter.review.session import open_review

    # The file keeps the suggestions 'drafter review' would show: none below the line.
    usable = [
        RecommendationMatch(
            m.recommendation, [c for c in m.candidates if c.score >= LINE_SCORE], m.no_match
        )
        for m in matches
    ]
    review, _note = open_review(
        report, usable, path, confirm=lambda _question: True, report_path=report_path, top=top
    )
    if not Path(path).exists():
        save_review(review, path, overwrite=False)
    return review
