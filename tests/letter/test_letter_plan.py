"""The response plan: review decisions over best matches, reused actions adapted
to the new unit with their dates flagged, and the choice of positive findings."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from drafter.core.model import (
    Candidate,
    Finding,
    LibraryAction,
    Recommendation,
    RecommendationMatch,
    Report,
    Standard,
)
from drafter.letter.plan import (
    adapt_action_text,
    build_plan,
    flagged_dates,
    praise_from_foreword,
    select_positive_findings,
    sentences,
    shorten_finding,
    unit_name_variants,
)
from drafter.review.file import ChosenAction, ReviewDecision, ReviewFile


def _report(n: int = 3) -> Report:
    return Report(
        kind="pdu",
        unit="Stockton and Hartlepool PDU",
        region="North East",
        recommendations=[
            Recommendation(i, "The PDU", f"recommendation {i} text") for i in range(1, n + 1)
        ],
    )


def _candidate(action_id: int, text: str, score: float = 60.0, unit="Calderholme PDU"):
    return Candidate(
        LibraryAction(id=action_id, text=text, unit=unit, committed_on=date(2023, 4, 18)),
        score,
        "shared words",
    )


def _matches(report: Report) -> list[RecommendationMatch]:
    return [
        RecommendationMatch(
            rec,
            [
                _candidate(
                    10 * rec.number, f"Calderholme PDU will act on {rec.number} by June 2023."
                ),
                _candidate(10 * rec.number + 1, f"Second choice {rec.number}.", 45.0),
                _candidate(10 * rec.number + 2, f"Third choice {rec.number}.", 30.0),
            ],
        )
        for rec in report.recommendations
    ]


# --- adapting reused actions -------------------------------------------------------


def test_old_unit_becomes_new_unit_in_full_and_short_forms():
    adapted = adapt_action_text(
        "Calderholme PDU will brief the Calderholme team and Calderholme & Ryton partners.",
        "Calderholme PDU",
        "Stockton and Hartlepool PDU",
    )
    assert adapted.text == (
        "Stockton and Hartlepool PDU will brief the Stockton and Hartlepool team and "
        "Stockton and Hartlepool & Ryton partners."
    )
    assert adapted.replaced_unit


def test_unit_written_with_ampersand_is_recognised():
    adapted = adapt_action_text(
        "The Stockton & Hartlepool PDU leadership team will lead.",
        "Stockton and Hartlepool PDU",
        "Ashvale PDU",
    )
    assert adapted.text == "The Ashvale PDU leadership team will lead."


def test_new_name_containing_the_old_is_not_replaced_twice():
    adapted = adapt_action_text(
        "Hartlepool PDU will act.", "Hartlepool PDU", "Stockton and Hartlepool PDU"
    )
    assert adapted.text == "Stockton and Hartlepool PDU will act."


def test_same_unit_is_left_alone():
    adapted = adapt_action_text("Ashvale PDU will act.", "Ashvale PDU", "Ashvale PDU")
    assert adapted.text == "Ashvale PDU will act." and not adapted.replaced_unit


def test_dates_are_found_as_written():
    adapted = adapt_action_text(
        "In August 2025 the PDU will start; review on 12 March 2026, by 2026-03-31, "
        "in Q3 2024, for 2024/25 and again by 2027. Caseloads of 45 and 2000 hours stay.",
        None,
        "X PDU",
    )
    assert adapted.dates == (
        "August 2025",
        "12 March 2026",
        "2026-03-31",
        "Q3 2024",
        "2024/25",
        "by 2027",
    )


@given(
    st.text(alphabet="abcdefghij ", min_size=0, max_size=60),
    st.sampled_from(["Calderholme PDU", "Ryton and Vale PDU", "Mere YJS"]),
    st.sampled_from(["Stockton and Hartlepool PDU", "Ashvale PDU", "Wales region"]),
)
def test_adapting_never_leaves_the_old_full_name(filler, old, new):
    text = f"{filler} {old} will {filler}"
    adapted = adapt_action_text(text, old, new)
    assert old.lower() not in adapted.text.lower() or old.lower() in new.lower()
    assert new in adapted.text


@given(st.text(max_size=200))
def test_adapting_arbitrary_text_never_fails_and_dates_are_in_the_text(text):
    adapted = adapt_action_text(text, "Calderholme PDU", "Ashvale PDU")
    for found in adapted.dates:
        assert found in adapted.text


def test_unit_name_variants():
    assert unit_name_variants("Stockton and Hartlepool PDU") == [
        "Stockton and Hartlepool PDU",
        "Stockton & Hartlepool PDU",
        "Stockton and Hartlepool",
        "Stockton & Hartlepool",
    ]


# --- building the plan ------------------------------------------------------------


def test_best_match_is_used_and_adapted_when_there_is_no_review():
    report = _report()
    plan = build_plan(report, _matches(report))
    first = plan.responses[0].actions[0]
    assert first.text == "Stockton and Hartlepool PDU will act on 1 by June 2023."
    assert flagged_dates(first) == ["June 2023"]
    assert first.source_action_id == 10
    assert first.source_label == "Calderholme PDU, 18 April 2023"
    assert [a.action.id for a in first.alternatives] == [11, 12]
    assert not plan.responses[0].decided


def test_no_match_gives_a_placeholder_with_the_weak_candidates_for_the_comment():
    report = _report(1)
    weak = RecommendationMatch(
        report.recommendations[0], [_candidate(5, "weak", 8.0)], no_match=True
    )
    plan = build_plan(report, [weak])
    action = plan.responses[0].actions[0]
    assert action.placeholder and action.text == ""
    assert [a.action.id for a in action.alternatives] == [5]


def test_review_decisions_override_matches():
    report = _report(4)
    review = ReviewFile(
        report_sha256="abc",
        unit=report.unit,
        decisions=[
            ReviewDecision(
                1,
                "The PDU",
                "recommendation 1 text",
                status="decided",
                agreement="Partly agreed",
                owner="Head of PDU",
                target_date="March 2026",
                actions=[
                    ChosenAction(
                        "Calderholme PDU will do it by May 2024.", library_id=10, score=60
                    ),
                    ChosenAction("A new action written by the reviewer.", edited=True),
                ],
            ),
            ReviewDecision(2, "The PDU", "recommendation 2 text", status="no_action"),
            ReviewDecision(3, "The PDU", "recommendation 3 text", status="pending", rejected=[30]),
        ],
    )
    plan = build_plan(report, _matches(report), review)
    first, second, third, fourth = plan.responses
    assert first.decided and first.agreement == "Partly agreed"
    assert (first.owner, first.target_date) == ("Head of PDU", "March 2026")
    assert [a.text for a in first.actions] == [
        "Stockton and Hartlepool PDU will do it by May 2024.",
        "A new action written by the reviewer.",
    ]
    assert flagged_dates(first.actions[0]) == ["May 2024"]
    assert flagged_dates(first.actions[1]) == []  # the reviewer's own words
    assert first.actions[1].edited
    assert second.decided and second.actions[0].placeholder
    # Pending: best match, minus the one the reviewer rejected.
    assert not third.decided and third.actions[0].source_action_id == 31
    assert fourth.actions[0].source_action_id == 40


def test_decisions_are_found_by_wording_when_numbers_differ():
    report = _report(2)
    review = ReviewFile(
        report_sha256="",
        unit=report.unit,
        decisions=[
            ReviewDecision(
                7,
                "",
                "Recommendation 2  TEXT",
                status="decided",
                actions=[ChosenAction("Mine.", edited=True)],
            )
        ],
    )
    plan = build_plan(report, _matches(report), review)
    assert plan.responses[1].actions[0].text == "Mine."
    assert plan.responses[0].actions[0].source_action_id == 10


# --- positive findings ------------------------------------------------------------


def _findings_report(strengths, standards, foreword=""):
    return Report(
        kind="pdu",
        unit="X PDU",
        standards=[Standard(code, name, rating) for code, name, rating in standards],
        strengths=[Finding(code, text) for code, text in strengths],
        foreword=foreword,
    )


def test_findings_prefer_good_standards_and_spread_across_them():
    report = _findings_report(
        [
            ("2.1", "Assessment strength one."),
            ("1.1", "Leadership strength one."),
            ("1.1", "Leadership strength two."),
            ("1.3", "Services strength one."),
            ("2.1", "Assessment strength two."),
        ],
        [
            ("1.1", "Leadership", "Good"),
            ("1.3", "Services", "Outstanding"),
            ("2.1", "Assessment", "Inadequate"),
        ],
    )
    assert select_positive_findings(report) == [
        "Leadership strength one.",
        "Services strength one.",
        "Assessment strength one.",
        "Leadership strength two.",
        "Assessment strength two.",
    ]


def test_at_most_five_findings():
    report = _findings_report([("1.1", f"Strength {i}.") for i in range(9)], [])
    assert len(select_positive_findings(report)) == 5


def test_foreword_praise_fills_in_when_strengths_are_few():
    foreword = (
        "We have rated the PDU as Inadequate. There were some positives. "
        "Staff were committed to helping people and engaged them well in every team we visited. "
        "However, the work was not good enough in most cases we inspected."
    )
    report = _findings_report([("1.1", "One strength.")], [], foreword)
    assert select_positive_findings(report) == [
        "One strength.",
        "Staff were committed to helping people and engaged them well in every team we visited.",
    ]
    assert praise_from_foreword("") == []


def test_findings_are_shortened_to_whole_sentences():
    long = "First sentence is here. " + "Second " * 70 + "ends. Third one."
    assert shorten_finding(long) == "First sentence is here."
    assert shorten_finding("One. Two (PSOs). Three.") == "One. Two (PSOs)."
    assert shorten_finding("No full stop") == "No full stop."


@given(st.text(max_size=300))
def test_sentences_keep_every_word(text):
    assert " ".join(sentences(text)).split() == text.split()


def test_closing_quotes_stay_with_their_sentence():
    assert sentences("Staff said 'it works.' Then we left.") == [
        "Staff said 'it works.'",
        "Then we left.",
    ]


def test_region_named_with_the_word_region_is_adapted():
    adapted = adapt_action_text(
        "The North West region will lead; North West partners stay.",
        "Calderholme PDU",
        "Ashvale PDU",
        old_region="North West",
        new_region="Wales",
    )
    assert adapted.text == "The Wales region will lead; North West partners stay."


def test_reviewer_choice_outside_the_matches_is_adapted_with_its_library_record():
    report = _report(1)
    old = LibraryAction(id=77, text="Ryton PDU will act.", unit="Ryton PDU")
    review = ReviewFile(
        report_sha256="",
        unit=report.unit,
        decisions=[
            ReviewDecision(
                1,
                "The PDU",
                "recommendation 1 text",
                status="decided",
                actions=[ChosenAction("Ryton PDU will act.", library_id=77)],
            )
        ],
    )
    plain = build_plan(report, _matches(report), review)
    assert plain.responses[0].actions[0].text == "Ryton PDU will act."
    adapted = build_plan(report, _matches(report), review, library_actions={77: old})
    assert adapted.responses[0].actions[0].text == "Stockton and Hartlepool PDU will act."


def test_an_archived_copy_of_the_chosen_action_is_not_offered_as_next_best():
    # Archiving a letter puts its actions back in the library (already adapted
    # to that unit), so a redraft finds the same words again at score 100.
    report = _report(1)
    rec = report.recommendations[0]
    original = _candidate(10, "Calderholme PDU will review every case by June 2023.", 70.0)
    copy = _candidate(
        99, "Stockton and Hartlepool PDU will review every case by June 2023.", 100.0,
        unit="Stockton and Hartlepool PDU",
    )  # fmt: skip
    other = _candidate(11, "Another action entirely.", 40.0)
    matches = [RecommendationMatch(rec, [copy, original, other])]
    best = build_plan(report, matches).responses[0].actions[0]
    assert best.source_action_id == 99
    assert [c.action.id for c in best.alternatives] == [11]

    review = ReviewFile(
        report_sha256="",
        unit=report.unit,
        decisions=[
            ReviewDecision(
                1, "The PDU", rec.text, status="decided",
                actions=[ChosenAction(original.action.text, library_id=10, score=70)],
            )
        ],
    )  # fmt: skip
    chosen = build_plan(report, matches, review).responses[0].actions[0]
    assert chosen.text == copy.action.text
    assert [c.action.id for c in chosen.alternatives] == [11]


def test_the_reviewers_note_travels_with_the_response():
    report = _report(1)
    review = ReviewFile(
        report_sha256="",
        unit=report.unit,
        decisions=[
            ReviewDecision(
                1, "The PDU", "recommendation 1 text", status="no_action",
                agreement="Not agreed", note="covered nationally",
            )
        ],
    )  # fmt: skip
    response = build_plan(report, _matches(report), review).responses[0]
    assert (response.agreement, response.note) == ("Not agreed", "covered nationally")
