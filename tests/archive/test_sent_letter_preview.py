"""What archiving would store, shown before anything is stored."""

from __future__ import annotations

from datetime import date

import pytest

from drafter.archive.preview import preview_sent_letter
from drafter.core.errors import InputFileError

LETTER = """\
Ann Example
HM Chief Inspector of Probation

12 March 2025

Dear Ann,

HMIP reports on the inspection of Testford PDU, Wales region

Thank you for your inspection report for Testford PDU, where you made a total of 2 recommendations.

In respect of the recommendations, I can confirm the following.

- By June 2025 every new officer will complete a risk assessment induction.
- A partnership meeting on information sharing will be held every month.

I am encouraged that positive outcomes were reported and note the following.

- Staff felt well supported by their managers.

Kind Regards

Sam Person
"""


def test_actions_come_with_their_due_dates(tmp_path):
    path = tmp_path / "sent.txt"
    path.write_text(LETTER, encoding="utf-8")
    preview = preview_sent_letter(path)
    assert preview.letter.unit and "Testford" in preview.letter.unit
    first, second = preview.commitments
    assert first.due_date == date(2025, 6, 30) and "June 2025" in first.due_text
    assert second.due_date is None
    assert preview.letter.positive_findings == ["Staff felt well supported by their managers."]


def test_a_file_that_is_not_a_letter_is_refused(tmp_path):
    path = tmp_path / "list.txt"
    path.write_text("eggs\nmilk\n", encoding="utf-8")
    with pytest.raises(InputFileError):
        preview_sent_letter(path)
