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

from drafter.archive.sent_letter import SentLetter, read_sent_letter


@dataclass
class PreviewCommitment:
    text: str
    recommendation_numbers: tuple[int, ...]
    due_date: date | None
    due_text: str | None  # the words the due date was read from


@dataclass
class SentLetterPreview:
    letter: SentLetter
    commitments: list[PreviewCommitment] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return list(self.letter.warnings)


def preview_sent_letter(path: str | Path) -> SentLetterPreview:
    """The sent letter at ``path`` as archiving would read it, with the due
    date of each action (from its wording, else its action-plan target date)."""
    from drafter.archive.store import _target_due_date
    from drafter.core.dates import extract_due_date

    letter = read_sent_letter(path)
    commitments = []
    for action in letter.actions:
        due, phrase = extract_due_date(action.text, letter.letter_date)
        if due is None and action.target_date:
            due, phrase = _target_due_date(action.target_date, letter.letter_date)
        commitments.append(
            PreviewCommitment(action.text, tuple(action.recommendation_numbers), due, phrase)
        )
    return SentLetterPreview(letter, commitments)
