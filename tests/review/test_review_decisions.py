"""Review decisions made one form at a time (what the web pages call): the
view of one recommendation, the checks on the answers, and what is saved in
the review file and recorded for learning, as in the terminal session."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drafter.core.dates import read_date
from drafter.core.errors import AnswerError, LibraryError
from drafter.core.model import Candidate, LibraryAction, RecommendationMatch, Report
from drafter.review.decisions import (
    Choice,
    apply_choice,
    band_for,
    open_review_file,
    recommendation_view,
    target_date_from_parts,
    target_date_parts,
)
from drafter.review.file import load_review

TEXTS = [
    "review the arrangements for sharing risk information with partner agencies",
    "give new officers a structured induction in assessing risk",
]
ACTIONS = {
    1: LibraryAction(1, "A monthly partnership meeting will review information sharing."),
    2: LibraryAction(2, "Risk information requests will be logged and checked weekly."),
    3: LibraryAction(3, "An induction workbook on risk assessment will be issued."),
    4: LibraryAction(4, "Team away days will be held each spring."),
}
SCORES = {0: [(1, 88.0), (2, 61.0), (4, 31.0)], 1: [(3, 72.0), (4, 24.0)]}


class Recorder:
    def __init__(self, known=(1, 2, 3, 4)) -> None:
        self.known = set(known)
        self.calls: list[tuple[int, str]] = []

    def record_decision(self, text, action_id, verdict, report_sha256=None) -> None:
        if action_id not in self.known:
            raise LibraryError(f"There is no action {action_id}.")
        self.calls.append((action_id, verdict))


def setup(tmp_path):
    report = Report.from_dict(
        {
            "kind": "pdu",
            "unit": "Testford PDU",
            "sha256": "a" * 64,
            "recommendations": [
                {"number": i + 1, "addressee": "Testford PDU", "text": t}
                for i, t in enumerate(TEXTS)
            ],
        }
    )
    matches = [
        RecommendationMatch(rec, [Candidate(ACTIONS[i], s, f"reason {i}") for i, s in SCORES[n]])
        for n, rec in enumerate(report.recommendations)
    ]
    path = tmp_path / "report.review.yaml"
    review = open_review_file(report, matches, path)
    return review, matches, path


@pytest.mark.parametrize(
    ("score", "band"), [(100, "close"), (85, "close"), (84.9, "good"), (50, "good"),
                        (49.9, "weak"), (0, "weak"), (None, "weak")]
)  # fmt: skip
def test_bands_in_words(score, band):
    assert band_for(score) == band


def test_the_view_splits_suggestions_at_the_no_match_line(tmp_path):
    review, matches, path = setup(tmp_path)
    assert path.exists()  # started and saved at once
    view = recommendation_view(review, 1, matches)
    assert [s.library_id for s in view.suggestions] == [1, 2]
    assert [s.band for s in view.suggestions] == ["close", "good"]
    assert [s.library_id for s in view.weaker] == [4]
    assert view.previous is None and view.next == 2
    with pytest.raises(Exception, match="There is no recommendation 3"):
        recommendation_view(review, 3, matches)


def test_using_a_lower_suggestion_passes_over_the_ones_above(tmp_path):
    review, matches, path = setup(tmp_path)
    library = Recorder()
    outcome = apply_choice(review, path, 1, Choice("use", library_id=2), library, matches,
                           by="someone")  # fmt: skip
    saved = load_review(path).decisions[0]
    assert saved.status == "decided" and saved.agreement == "Agreed"
    assert saved.actions[0].library_id == 2 and not saved.actions[0].edited
    assert saved.passed_over == [1] and saved.rejected == []
    assert saved.decided_by == "someone" and saved.decided_at
    assert library.calls == [(2, "accepted")]
    assert outcome.summary.decided == 1 and outcome.summary.pending == 1


def test_changing_the_mind_withdraws_the_earlier_acceptance(tmp_path):
    review, matches, path = setup(tmp_path)
    library = Recorder()
    apply_choice(review, path, 1, Choice("use", library_id=1), library, matches)
    apply_choice(review, path, 1, Choice("new", text="Write   our own."), library, matches)
    saved = load_review(path).decisions[0]
    assert saved.actions[0].text == "Write our own." and saved.actions[0].library_id is None
    assert saved.rejected == [1]
    assert library.calls == [(1, "accepted"), (1, "rejected")]


def test_use_with_changes_marks_the_action_edited(tmp_path):
    review, matches, path = setup(tmp_path)
    choice = Choice("change", library_id=3, text="An induction workbook, reworded.",
                    owner="Head of PDU", target_date="March 2026")  # fmt: skip
    apply_choice(review, path, 2, choice, Recorder(), matches)
    saved = load_review(path).decisions[1]
    assert saved.actions[0].edited and saved.actions[0].library_id == 3
    assert saved.owner == "Head of PDU" and saved.target_date == "March 2026"


def test_a_weaker_suggestion_can_be_chosen(tmp_path):
    review, matches, path = setup(tmp_path)
    apply_choice(review, path, 2, Choice("use", library_id=4), Recorder(), matches)
    assert load_review(path).decisions[1].actions[0].library_id == 4


def test_no_action_yet_and_not_agreed(tmp_path):
    review, matches, path = setup(tmp_path)
    choice = Choice("none", agreement="Not agreed", note="Covered nationally")
    apply_choice(review, path, 1, choice, Recorder(), matches)
    saved = load_review(path).decisions[0]
    assert saved.status == "no_action" and saved.actions == []
    assert saved.agreement == "Not agreed" and saved.note == "Covered nationally"


def test_every_problem_is_named_by_its_field(tmp_path):
    review, matches, path = setup(tmp_path)
    before = path.read_text(encoding="utf-8")
    with pytest.raises(AnswerError) as error:
        apply_choice(review, path, 1, Choice("new", text=" ", agreement="Not agreed",
                                             owner="x" * 300), Recorder(), matches)  # fmt: skip
    assert set(error.value.problems) == {"new_text", "note", "owner"}
    with pytest.raises(AnswerError) as error:
        apply_choice(review, path, 1, Choice("use", library_id=99), Recorder(), matches)
    assert error.value.problems == {"choice": "Choose one of the suggestions listed."}
    with pytest.raises(AnswerError, match="Choose what to do"):
        apply_choice(review, path, 1, Choice(""), Recorder(), matches)
    with pytest.raises(AnswerError, match="Choose Agreed, Partly agreed or Not agreed"):
        apply_choice(review, path, 1, Choice("none", agreement="Maybe"), Recorder(), matches)
    assert path.read_text(encoding="utf-8") == before  # nothing saved


def test_a_library_that_cannot_record_gives_a_warning_not_a_failure(tmp_path):
    review, matches, path = setup(tmp_path)
    outcome = apply_choice(review, path, 1, Choice("use", library_id=1), Recorder(known=()),
                           matches)  # fmt: skip
    assert outcome.warnings and "action #1" in outcome.warnings[0]
    assert load_review(path).decisions[0].status == "decided"


def test_target_date_from_a_date_input():
    assert target_date_from_parts("", "", "") == ""
    assert target_date_from_parts("31", "3", "2026") == "31 March 2026"
    assert target_date_from_parts("", "3", "2026") == "March 2026"
    for parts, message in [
        (("1", "", "2026"), "must include a month"),
        (("", "3", ""), "must include a year"),
        (("x", "3", "2026"), "day must be a number"),
        (("1", "3", "26"), "year must have 4 numbers"),
        (("31", "13", "2026"), "'31/13/2026' is not a real date"),
        (("", "13", "2026"), "is not a real date"),
        (("30", "2", "2026"), "'30/2/2026' is not a real date"),
    ]:
        with pytest.raises(AnswerError, match=message):
            target_date_from_parts(*parts)


def test_target_date_back_into_a_date_input():
    assert target_date_parts("31 March 2026") == ("31", "3", "2026")
    assert target_date_parts("March 2026") == ("", "3", "2026")
    assert target_date_parts(None) == ("", "", "")
    assert target_date_parts("end of Q3 2026") is None


@given(st.text(max_size=4), st.text(max_size=4), st.text(max_size=6))
def test_any_date_input_is_a_date_drafter_reads_or_a_plain_error(day, month, year):
    try:
        typed = target_date_from_parts(day, month, year)
    except AnswerError as error:
        assert list(error.problems) == ["target_date"]
        return
    assert typed == "" or read_date(typed) is not None
    if typed:
        assert target_date_parts(typed)[1:] == (str(int(month)), year.strip())


def test_the_file_keeps_only_suggestions_above_the_line(tmp_path):
    _review, _matches, path = setup(tmp_path)
    saved = load_review(path)
    assert [s.library_id for s in saved.decisions[0].suggestions] == [1, 2]
    assert [s.library_id for s in saved.decisions[1].suggestions] == [3]
