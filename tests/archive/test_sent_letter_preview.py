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


def test_the_reviews_target_date_is_used_when_the_wording_has_none(tmp_path):
    from drafter.core.model import Report
    from drafter.review.file import ChosenAction, ReviewDecision, ReviewFile

    path = tmp_path / "sent.txt"
    path.write_text(LETTER, encoding="utf-8")
    text = "review how risk information is shared with partners"
    report = Report.from_dict({"kind": "pdu", "unit": "Testford PDU", "recommendations": [
        {"number": 1, "addressee": "Testford PDU", "text": "give new officers a risk induction"},
        {"number": 2, "addressee": "Testford PDU", "text": text},
    ]})  # fmt: skip
    action = "A partnership meeting on information sharing will be held every month."
    review = ReviewFile("", "Testford PDU", decisions=[
        ReviewDecision(1, "Testford PDU", "give new officers a risk induction"),
        ReviewDecision(2, "Testford PDU", text, status="decided", target_date="September 2025",
                       actions=[ChosenAction(action)]),
    ])  # fmt: skip
    preview = preview_sent_letter(path, report=report, review=review)
    second = preview.commitments[1]
    assert second.due_date == date(2025, 9, 30)
    assert second.answers == ["recommendation 2"]
