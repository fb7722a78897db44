"""The review file: written for people to edit by hand, read back exactly, and
refused with the line number and the problem when it is malformed."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from review_fixtures import make_report as shared_report

from drafter.core.errors import InputFileError, OutputExistsError, ReviewFileError
from drafter.core.model import AGREEMENTS, Candidate, LibraryAction, RecommendationMatch, Report
from drafter.review.file import (
    SCHEMA_VERSION,
    ChosenAction,
    ReviewDecision,
    ReviewFile,
    SuggestedAction,
    build_review,
    default_review_path,
    dump_review,
    load_review,
    parse_review,
    reconcile_review,
    review_to_json,
    save_review,
    summarise_review,
)

# A small fictional report and library, in our own words.
RECOMMENDATIONS = [
    "make sure every new case has police and children's services checks before sentence",
    "improve how managers check risk assessments before they are signed off",
    "agree a protocol with the council for sharing safeguarding information quickly",
]


def make_report(texts: list[str] = RECOMMENDATIONS, sha: str = "a" * 64) -> Report:
    return shared_report(texts, sha, unit="Fernhollow PDU")


ACTIONS = [
    LibraryAction(
        1, "Checks with the police will be requested on the day a case arrives.", unit="Marsh PDU"
    ),
    LibraryAction(2, "Managers will audit five countersigned assessments every month."),
    LibraryAction(3, "A safeguarding tracker will be reviewed weekly by senior managers."),
]


def make_matches(report: Report, *, no_match_last: bool = False) -> list[RecommendationMatch]:
    matches = []
    for i, rec in enumerate(report.recommendations):
        ranked = [ACTIONS[(i + k) % 3] for k in range(3)]
        candidates = [Candidate(a, 80.0 - 15 * k, f"shares word {k}") for k, a in enumerate(ranked)]
        if no_match_last and i == len(report.recommendations) - 1:
            matches.append(RecommendationMatch(rec, [], no_match=True))
        else:
            matches.append(RecommendationMatch(rec, candidates))
    return matches


def sample_review() -> ReviewFile:
    report = make_report()
    review = build_review(report, make_matches(report), report_path="fernhollow.html")
    first = review.decisions[0]
    first.status = "decided"
    first.agreement = "Partly agreed"
    first.owner = "Head of PDU"
    first.target_date = "March 2026"
    first.note = "Checked with the police lead: they can meet a ten-day turnaround."
    first.actions = [
        ChosenAction(
            "Checks with the police will be requested on the day a case arrives.",
            1,
            80.0,
            "Marsh PDU",
        ),
        ChosenAction("A new weekly huddle will go through every missing check.", None, edited=True),
    ]
    first.rejected = [2]
    review.decisions[2].status = "no_action"
    return review


def line_of(text: str, fragment: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not in the text")


# --- writing and reading back -------------------------------------------------------


def test_round_trip_through_a_file_keeps_every_field(tmp_path: Path) -> None:
    review = sample_review()
    path = save_review(review, tmp_path / "r.review.yaml")
    assert load_review(path) == review


def test_file_is_laid_out_for_people() -> None:
    text = dump_review(sample_review())
    assert text.startswith("# drafter review file")
    assert "You can edit it in any text editor" in text
    assert "# --- Recommendation 2 of 3 (Fernhollow PDU) ---" in text
    # stable key order within a recommendation, in the order a person fills it in
    keys = ["number:", "addressee:", "recommendation:", "status:", "agreement:", "owner:"]
    first = text.index("- number: 1")
    positions = [text.index(k, first) for k in keys]
    assert positions == sorted(positions)
    # long wording folds into a block instead of one enormous quoted line
    assert "recommendation: >-" in text
    assert all(len(line) <= 100 for line in text.splitlines())


def test_saving_refuses_to_replace_when_asked_not_to(tmp_path: Path) -> None:
    path = tmp_path / "r.review.yaml"
    path.write_text("decisions made by hand\n")
    with pytest.raises(OutputExistsError):
        save_review(sample_review(), path, overwrite=False)
    assert path.read_text() == "decisions made by hand\n"


def test_saving_is_atomic_no_temp_files_left(tmp_path: Path) -> None:
    path = tmp_path / "r.review.yaml"
    save_review(sample_review(), path)
    save_review(sample_review(), path)
    assert [p.name for p in tmp_path.iterdir()] == ["r.review.yaml"]


def test_default_path_is_beside_the_report(tmp_path: Path) -> None:
    assert default_review_path(tmp_path / "stockton.html") == tmp_path / "stockton.review.yaml"
    assert default_review_path("reports/a.report.pdf") == Path("reports/a.report.review.yaml")


def test_hand_edits_are_read_dates_and_numbers_as_text() -> None:
    text = dump_review(sample_review())
    text = text.replace("  target_date: March 2026", "  target_date: 2026-03-31", 1)
    text = text.replace("  owner: Head of PDU", "  owner: 42", 1)
    review = parse_review(text)
    assert review.decisions[0].target_date == "2026-03-31"
    assert review.decisions[0].owner == "42"


# --- building from matches ------------------------------------------------------------


def test_build_review_keeps_top_candidates_as_suggestions_all_pending() -> None:
    report = make_report()
    review = build_review(report, make_matches(report), top=2)
    assert [d.status for d in review.decisions] == ["pending"] * 3
    first = review.decisions[0]
    assert first.recommendation == RECOMMENDATIONS[0]
    assert [s.library_id for s in first.suggestions] == [1, 2]
    assert first.suggestions[0].source == "Marsh PDU"
    assert first.suggestions[0].reason == "shares word 0"
    assert review.report_sha256 == "a" * 64 and review.unit == "Fernhollow PDU"


def test_accept_best_prefills_only_where_there_is_a_match() -> None:
    report = make_report()
    review = build_review(report, make_matches(report, no_match_last=True), accept_best=True)
    first, _, last = review.decisions
    assert first.status == "decided" and first.agreement == "Agreed"
    assert first.actions[0].library_id == 1 and not first.actions[0].edited
    assert last.status == "pending" and last.actions == []


def test_summary_and_json() -> None:
    review = sample_review()
    summary = summarise_review(review)
    assert (summary.total, summary.decided, summary.pending, summary.no_action) == (3, 1, 1, 1)
    assert summary.next_pending == 2 and not summary.complete
    data = review_to_json(review)
    assert data["summary"]["pending"] == 1
    assert data["decisions"][0]["actions"][1]["library_id"] is None


# --- a changed report -----------------------------------------------------------------


def test_reconcile_keeps_decisions_whose_recommendation_is_unchanged() -> None:
    old = sample_review()
    reworded = [RECOMMENDATIONS[0].upper() + ".", "a brand new recommendation", RECOMMENDATIONS[2]]
    report = make_report(reworded, sha="b" * 64)
    fresh = build_review(report, make_matches(report))
    result = reconcile_review(old, fresh)
    assert result.report_changed
    assert result.kept == 2 and result.matched == 2
    assert result.dropped == []  # the dropped recommendation was still pending
    decisions = result.review.decisions
    assert decisions[0].owner == "Head of PDU" and decisions[0].status == "decided"
    assert decisions[1].status == "pending" and decisions[1].recommendation == reworded[1]
    assert decisions[2].status == "no_action"
    assert result.review.report_sha256 == "b" * 64


def test_reconcile_reports_decisions_that_would_be_lost() -> None:
    old = sample_review()
    report = make_report(["something else entirely", *RECOMMENDATIONS[1:]], sha="c" * 64)
    result = reconcile_review(old, build_review(report, make_matches(report)))
    assert [d.owner for d in result.dropped] == ["Head of PDU"]
    assert result.kept == 1


# --- malformed files: the line and what is wrong --------------------------------------


def mutate(old: str, new: str) -> tuple[str, int]:
    """The sample file with the first ``old`` after the header comment changed
    to ``new``, and the line where it was."""
    text = dump_review(sample_review())
    at = text.index(old, text.index("schema_version:"))
    line = text.count("\n", 0, at) + 1
    return text[:at] + new + text[at + len(old) :], line


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("status: pending", "status: done", "status 'done' is not one of pending, decided"),
        ("agreement: Partly agreed", "agreement: Agree", "agreement 'Agree' is not one of"),
        ("number: 2", "number: two", "'number' should be a whole number, not 'two'"),
        ("library_id: 1\n", "library_id: first\n", "'library_id' should be a whole number"),
        ("edited: true", "edited: maybe", "'edited' should be true or false"),
        ("- 2\n  suggestions:", "- two\n  suggestions:", "'rejected' should list library ids"),
        ("owner: Head of PDU", "ownr: Head of PDU", "unknown key 'ownr'"),
        ("schema_version: 1", "schema_version: 2", "written by a newer drafter"),
        ("actions: []", "actions: yes please", "'actions' should be a list"),
    ],
)
def test_schema_violations_name_the_line(old: str, new: str, problem: str) -> None:
    text, line = mutate(old, new)
    with pytest.raises(ReviewFileError) as caught:
        parse_review(text, name="'r.review.yaml'")
    message = str(caught.value)
    assert f"'r.review.yaml', line {line}:" in message
    assert problem in message
    assert "\n" not in message


def test_missing_key_names_the_recommendation_and_its_line() -> None:
    text = dump_review(sample_review())
    start = line_of(text, "- number: 2")
    lines = [ln for ln in text.splitlines() if not ln.startswith("  status: pending")]
    with pytest.raises(
        ReviewFileError, match=rf"line {start}: recommendation 2 is missing 'status'"
    ):
        parse_review("\n".join(lines))


def test_broken_yaml_layout_names_the_line() -> None:
    text = dump_review(sample_review())
    broken = text.replace("  owner: Head of PDU", "  owner: [Head of PDU", 1)
    line = line_of(text, "owner: Head of PDU")
    with pytest.raises(ReviewFileError, match=r"line \d+: .*YAML layout is broken") as caught:
        parse_review(broken)
    reported = int(str(caught.value).split("line ")[1].split(":")[0])
    assert line <= reported <= line + 2


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "is empty"),
        ("# only a comment\n", "is empty"),
        ("- just\n- a list\n", "line 1: the file should be a set of 'key: value' lines"),
        ("schema_version: 1\ndecisions: []\n", "line 1: the file is missing 'report_sha256'"),
        (
            "schema_version: 1\nreport_sha256: x\ndecisions: 3\n",
            "line 3: 'decisions' should be a list",
        ),
        ("schema_version: 0\nreport_sha256: x\ndecisions: []\n", "schema version 0 does not exist"),
    ],
)
def test_malformed_whole_files(text: str, problem: str) -> None:
    with pytest.raises(ReviewFileError, match=problem):
        parse_review(text)


def test_load_review_missing_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="Cannot find"):
        load_review(tmp_path / "nowhere.review.yaml")
    binary = tmp_path / "b.review.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage\x81")
    with pytest.raises(ReviewFileError, match="not a text file in UTF-8"):
        load_review(binary)


def test_load_review_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.review.yaml"
    path.write_text(dump_review(sample_review()).replace("status: pending", "status: later"))
    with pytest.raises(ReviewFileError, match=r"'mine.review.yaml', line \d+: status 'later'"):
        load_review(path)


# --- property: whatever people write, it comes back exactly ---------------------------

text_values = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=200,
)
required_text = text_values.filter(lambda s: s.strip() != "")
optional_text = st.none() | text_values


@st.composite
def decisions(draw: st.DrawFn) -> ReviewDecision:
    return ReviewDecision(
        number=draw(st.integers(0, 99)),
        addressee=draw(text_values),
        recommendation=draw(required_text),
        status=draw(st.sampled_from(["pending", "decided", "no_action"])),
        agreement=draw(st.none() | st.sampled_from(AGREEMENTS)),
        actions=draw(
            st.lists(
                st.builds(
                    ChosenAction,
                    text=required_text,
                    library_id=st.none() | st.integers(1, 10**6),
                    score=st.none() | st.floats(0, 100, allow_nan=False),
                    source=optional_text,
                    edited=st.booleans(),
                ),
                max_size=3,
            )
        ),
        rejected=draw(st.lists(st.integers(1, 10**6), max_size=3)),
        owner=draw(optional_text),
        target_date=draw(optional_text),
        note=draw(optional_text),
        suggestions=draw(
            st.lists(
                st.builds(
                    SuggestedAction,
                    library_id=st.integers(1, 10**6),
                    text=required_text,
                    score=st.floats(0, 100, allow_nan=False),
                    source=optional_text,
                    reason=optional_text,
                ),
                max_size=3,
            )
        ),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(decisions(), max_size=4), text_values, st.none() | text_values)
def test_any_review_round_trips_exactly(
    items: list[ReviewDecision], unit: str, report_path: str | None
) -> None:
    review = ReviewFile(report_sha256="f" * 64, unit=unit, report_path=report_path, decisions=items)
    assert parse_review(dump_review(review)) == review
    assert review.schema_version == SCHEMA_VERSION


# --- duplicate keys (second audit) ----------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("status: pending", "status: pending\n  status: decided"),
        ("owner: Head of PDU", "owner: Head of PDU\n  owner: Deputy Head"),
        ("library_id: 1\n", "library_id: 1\n    library_id: 2\n"),
        ("schema_version: 1", "schema_version: 1\nschema_version: 1"),
    ],
)
def test_a_key_given_twice_is_refused_at_the_second_one(old: str, new: str) -> None:
    text, line = mutate(old, new)
    key = old.split(":")[0]
    with pytest.raises(ReviewFileError) as caught:
        parse_review(text, name="'r.review.yaml'")
    message = str(caught.value)
    assert message.startswith(f"'r.review.yaml', line {line + 1}: '{key}' is given twice")
    assert f"(first on line {line})" in message
    assert "Delete the one that is wrong" in message and "\n" not in message


def test_a_bad_value_in_a_later_entry_names_its_own_line() -> None:
    text = dump_review(sample_review())
    first = text.index("status:", text.index("schema_version:"))
    second = text.index("status:", first + 1)
    line = text.count("\n", 0, second) + 1
    end = text.index("\n", second)
    text = text[:second] + "status: done" + text[end:]
    with pytest.raises(ReviewFileError, match=rf"line {line}: status 'done' is not one of"):
        parse_review(text, name="'r.review.yaml'")
