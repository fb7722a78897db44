"""The library side of a review (drafter.review.session): opening a review file
for a report as it is now, writing a sheet, keeping one decision in the file
and the library, and checking target dates. No terminal here: the dialogue
that asks the reviewer is tested in tests/cli/test_review_dialogue.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from review_fixtures import ACTIONS, TEXTS, FakeLibrary, make_matches, make_report

from drafter.core.errors import DrafterError, ReviewFileError
from drafter.review.file import ChosenAction, build_review, dump_review, load_review, save_review
from drafter.review.session import (
    check_target_date,
    decide,
    open_review,
    record_verdicts,
    save_reviewed,
    write_sheet,
)


def reviewed(tmp_path: Path, choices: list[int | None]) -> Path:
    """A review file for the usual report with each recommendation given the
    library action chosen (None: no action yet), kept as the dialogue keeps it."""
    report = make_report()
    path = tmp_path / "brookmere.review.yaml"
    review, note = open_review(report, make_matches(report), path, confirm=lambda q: True)
    assert note is None
    for decision, choice in zip(review.decisions, choices, strict=False):
        if choice is None:
            decision.status, decision.actions = "no_action", []
            continue
        decision.actions = [ChosenAction(ACTIONS[choice].text, library_id=choice)]
        decide(decision, accepted=[choice], rejected=[])
    assert save_reviewed(review, path) == []
    return path


def test_open_review_for_a_changed_report_asks_and_keeps_matching_decisions(
    tmp_path: Path,
) -> None:
    path = reviewed(tmp_path, [11, 21, None])
    changed = make_report([TEXTS[0], "a reworded second recommendation", TEXTS[2]], sha="2" * 64)
    questions: list[str] = []
    review, note = open_review(
        changed, make_matches(changed), path, confirm=lambda q: questions.append(q) or True
    )
    assert "The report has changed" in questions[0] and "1 would be dropped" in questions[0]
    assert [d.status for d in review.decisions] == ["decided", "pending", "no_action"]
    assert note == "Kept 2 decisions; the rest are pending."


def test_open_review_of_the_same_report_carries_on(tmp_path: Path) -> None:
    path = reviewed(tmp_path, [11])
    report = make_report()
    review, note = open_review(report, make_matches(report), path, confirm=lambda q: False)
    assert [d.status for d in review.decisions] == ["decided", "pending", "pending"]
    assert (
        note
        == "Carrying on from brookmere.review.yaml: 1 of 3 recommendations already have a decision."
    )


def test_open_review_declined_leaves_the_file_alone(tmp_path: Path) -> None:
    path = reviewed(tmp_path, [11])
    before = path.read_text()
    changed = make_report([TEXTS[0], "new"], sha="3" * 64)
    with pytest.raises(DrafterError, match="Nothing changed"):
        open_review(changed, make_matches(changed), path, confirm=lambda q: False)
    assert path.read_text() == before


def test_open_review_for_a_different_report_is_refused(tmp_path: Path) -> None:
    path = reviewed(tmp_path, [11])
    other = make_report(["entirely different", "words here"], sha="4" * 64)
    with pytest.raises(ReviewFileError, match="written for a different report"):
        open_review(other, make_matches(other), path, confirm=lambda q: True)


def test_write_sheet_never_overwrites_without_force(tmp_path: Path) -> None:
    report = make_report()
    path = tmp_path / "sheet.review.yaml"
    review = write_sheet(report, make_matches(report), path, accept_best=True)
    assert [d.status for d in review.decisions] == ["decided", "decided", "decided"]
    path.write_text(dump_review(review).replace("owner: null", "owner: Kim", 1))
    with pytest.raises(DrafterError, match="already exists and may hold decisions"):
        write_sheet(report, make_matches(report), path)
    assert "owner: Kim" in path.read_text()
    write_sheet(report, make_matches(report), path, force=True)
    assert load_review(path).decisions[0].status == "pending"


def test_deciding_moves_actions_between_the_rejected_and_passed_over_lists() -> None:
    decision = build_review(make_report(), make_matches(make_report())).decisions[0]
    decision.rejected, decision.passed_over = [11, 12], [13, 14]
    decide(decision, accepted=[11, 13], rejected=[14])
    assert decision.status == "decided" and decision.agreement == "Agreed"
    assert decision.decided_by and decision.decided_at
    assert decision.rejected == [12, 14]
    assert decision.passed_over == []
    decision.agreement = "Partly agreed"
    decide(decision, accepted=[], rejected=[12])
    assert decision.agreement == "Partly agreed" and decision.rejected == [12, 14]


def test_verdicts_are_recorded_and_a_refused_one_is_a_warning() -> None:
    review = build_review(make_report(), make_matches(make_report()))
    library = FakeLibrary()
    warnings = record_verdicts(
        review, review.decisions[0], library, accepted=[11, 99], rejected=[12]
    )
    assert library.verdicts() == [(11, "accepted"), (12, "rejected")]
    assert warnings == [
        "Could not record the decision on action #99: There is no action 99 in the library."
    ]
    assert all(r == TEXTS[0] and sha == "1" * 64 for r, _, _, sha in library.decisions)


def test_saving_after_someone_else_saved_merges_and_says_so(tmp_path: Path) -> None:
    path = reviewed(tmp_path, [])
    mine = load_review(path)
    theirs = load_review(path)
    theirs.decisions[1].actions = [ChosenAction(ACTIONS[21].text, library_id=21)]
    decide(theirs.decisions[1], accepted=[21], rejected=[])
    assert save_reviewed(theirs, path) == []
    mine.decisions[0].actions = [ChosenAction(ACTIONS[11].text, library_id=11)]
    decide(mine.decisions[0], accepted=[11], rejected=[])
    notes = save_reviewed(mine, path)
    assert notes  # the reviewer is told their file was merged with the other save
    assert [d.status for d in load_review(path).decisions] == ["decided", "decided", "pending"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_checking_a_target_date_either_keeps_it_or_explains(text: str) -> None:
    try:
        kept = check_target_date(text)
    except DrafterError as exc:
        assert "Write it as 31/03/2026" in str(exc) and "\n" not in str(exc).strip()
    else:
        assert kept == " ".join(text.split()) and kept


def test_an_ordinary_suggestion_is_written_without_a_weak_key(tmp_path: Path) -> None:
    report = make_report()
    path = tmp_path / "r.review.yaml"
    save_review(build_review(report, make_matches(report)), path)
    assert "  weak:" not in path.read_text(encoding="utf-8")
