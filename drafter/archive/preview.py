"""What archiving a sent letter would store, read before anything is stored.

:func:`preview_sent_letter` reads the letter as :func:`archive_letter` will
(the same reader) and works out each action's due date the same way, so a
person can check what was read (actions, positive findings, commitments and
their due dates) before confirming.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from drafter.archive.sent_letter import SentLetter, read_sent_letter

if TYPE_CHECKING:
    from drafter.core.model import Report
    from drafter.review.file import ReviewFile


@dataclass
class PreviewCommitment:
    text: str
    recommendation_numbers: tuple[int, ...]
    due_date: date | None
    due_text: str | None  # the words the due date was read from
    answers: list[str] = field(default_factory=list)  # "recommendation 2", as linked


@dataclass
class SentLetterPreview:
    letter: SentLetter
    commitments: list[PreviewCommitment] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return list(self.letter.warnings)


def preview_sent_letter(
    path: str | Path, *, report: Report | None = None, review: ReviewFile | None = None
) -> SentLetterPreview:
    """The sent letter at ``path`` as archiving would read it, with the due
    date of each action worked out as archiving does: an action plan's target
    date, else the action's wording, else the review's target date for the
    recommendation it answers (``report`` and ``review`` link them)."""
    from drafter.archive.store import _target_due_date, link_actions
    from drafter.core.dates import extract_due_date

    letter = read_sent_letter(path)
    links = link_actions(letter, report=report, review=review)
    commitments = []
    for action, link in zip(letter.actions, links, strict=True):
        due, phrase = None, None
        if action.target_date:
            due, phrase = _target_due_date(action.target_date, letter.letter_date)
        if due is None:
            due, phrase = extract_due_date(action.text, letter.letter_date)
        if due is None and link.target_date:
            due, phrase = _target_due_date(link.target_date, letter.letter_date)
        commitments.append(
            PreviewCommitment(
                action.text,
                tuple(action.recommendation_numbers),
                due,
                phrase,
                [ref.label for ref in link.refs],
            )
        )
    return SentLetterPreview(letter, commitments)
