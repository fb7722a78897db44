"""The library pieces behind the thin CLI: what a draft command means
(resolve_draft_request), a review's status, dates typed and written, the
paragraphs of a sent letter, and the screen text in drafter.cli.presenters."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drafter.archive import sent_letter
from drafter.archive import store as archive
from drafter.archive.commitments import Commitment
from drafter.archive.paragraphs import BULLET_RE, text_paragraphs
from drafter.cli.presenters import (
    batch_failures_line,
    batch_table,
    commitments_table,
    counted,
    draft_lines,
    draft_summary_line,
    letters_table,
    review_status_lines,
    shorten,
    table,
)
from drafter.core.dates import long_date
from drafter.core.errors import DrafterError, InputFileError
from drafter.core.model import Report
from drafter.letter.document import AttentionItem
from drafter.letter.drafting import DraftResult, resolve_draft_request
from drafter.review.file import ChosenAction, ReviewDecision, ReviewFile, save_review
from drafter.review.session import review_status

# --- what "drafter draft" is asked to do ---------------------------------------


def test_one_report_is_drafted_beside_here_under_its_own_name(tmp_path: Path) -> None:
    report = tmp_path / "millbrook_pdu.html"
    report.write_text("<p>report</p>")
    request = resolve_draft_request([str(report)])
    assert not request.batch
    assert request.output == Path("millbrook_pdu_response.docx")
    assert request.review is None and not request.review_found


def test_an_output_folder_gets_the_default_name_inside_it(tmp_path: Path) -> None:
    report = tmp_path / "millbrook_pdu.html"
    report.write_text("<p>report</p>")
    request = resolve_draft_request([str(report)], tmp_path, output_format="action-plan")
    assert request.output == tmp_path / "millbrook_pdu_action_plan.docx"


def test_the_review_file_beside_the_report_is_found_and_a_named_one_wins(tmp_path: Path) -> None:
    report = tmp_path / "millbrook_pdu.html"
    report.write_text("<p>report</p>")
    beside = tmp_path / "millbrook_pdu.review.yaml"
    beside.write_text("decisions: []\n")
    found = resolve_draft_request([str(report)], "out.docx")
    assert found.review == str(beside) and found.review_found
    named = resolve_draft_request([str(report)], "out.docx", review="mine.yaml")
    assert named.review == "mine.yaml" and not named.review_found


def test_a_folder_is_a_batch_of_the_reports_inside_it(tmp_path: Path) -> None:
    for name in ("b.html", "a.pdf", "notes.xlsx"):
        (tmp_path / name).write_text("x")
    request = resolve_draft_request([str(tmp_path)], tmp_path / "letters")
    assert request.batch
    assert [p.name for p in request.reports] == ["a.pdf", "b.html"]
    assert request.output == tmp_path / "letters"


@pytest.mark.parametrize(
    ("output", "review", "message"),
    [
        (None, None, "Say which folder to write the letters into."),
        ("letters", "r.yaml", "--review works with one report at a time."),
    ],
)
def test_a_batch_needs_a_folder_and_no_single_review(
    tmp_path: Path, output: str | None, review: str | None, message: str
) -> None:
    for name in ("a.html", "b.html"):
        (tmp_path / name).write_text("x")
    reports = [str(tmp_path / "a.html"), str(tmp_path / "b.html")]
    with pytest.raises(DrafterError) as caught:
        resolve_draft_request(reports, output, review=review)
    assert message in str(caught.value)


def test_a_missing_report_in_a_batch_is_named(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("x")
    with pytest.raises(InputFileError, match="Cannot find"):
        resolve_draft_request([str(tmp_path / "a.html"), str(tmp_path / "gone.html")], tmp_path)


# --- dates --------------------------------------------------------------------------


def test_letter_dates_are_written_out_in_full() -> None:
    assert long_date(date(2025, 7, 4)) == "4 July 2025"
    assert long_date(None) is None


# --- review status ------------------------------------------------------------------


def _report(sha: str) -> Report:
    return Report.from_dict(
        {
            "kind": "pdu",
            "unit": "Millbrook PDU",
            "sha256": sha,
            "recommendations": [
                {"number": 1, "addressee": "Millbrook PDU", "text": "tighten the risk checks"},
                {"number": 2, "addressee": "Millbrook PDU", "text": "train staff on records"},
            ],
        }
    )


def _review(sha: str) -> ReviewFile:
    return ReviewFile(
        report_sha256=sha,
        unit="Millbrook PDU",
        decisions=[
            ReviewDecision(
                1,
                "Millbrook PDU",
                "tighten the risk checks",
                status="decided",
                agreement="Agreed",
                actions=[ChosenAction("Managers will check every risk plan.")],
            ),
            ReviewDecision(2, "Millbrook PDU", "train staff on records"),
        ],
    )


def test_review_status_says_how_far_it_got_and_whether_the_report_changed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "millbrook.review.yaml"
    save_review(_review("a" * 64), path)
    status = review_status(_report("b" * 64), path)
    assert status.report_changed
    assert status.to_json()["report_changed"] is True
    assert status.to_json()["summary"]["decided"] == 1
    lines = review_status_lines(status)
    assert lines[0] == f"{path}: 2 recommendations, 1 decided, 0 with no action yet, 1 pending."
    assert lines[1] == "  1. decided, Agreed, 1 action: tighten the risk checks"
    assert lines[2] == "  2. pending: train staff on records"
    assert lines[-1].startswith("The report has changed since")
    assert not review_status(_report("a" * 64), path).report_changed


def test_review_status_without_a_review_file_says_how_to_start(tmp_path: Path) -> None:
    with pytest.raises(DrafterError) as caught:
        review_status(_report("a" * 64), tmp_path / "none.review.yaml")
    assert "There is no review file for this report yet" in str(caught.value)
    assert "drafter review REPORT" in str(caught.value)


# --- screen text --------------------------------------------------------------------


def test_shorten_keeps_short_text_and_cuts_long_text_with_an_ellipsis() -> None:
    assert shorten("  two\n words ") == "two words"
    cut = shorten("word " * 40, 20)
    assert len(cut) <= 20 and cut.endswith("…")
    assert counted(1, "action") == "1 action" and counted(0, "action") == "0 actions"


def test_table_aligns_columns_and_trims_the_last() -> None:
    assert table([("Unit", "Recs"), ("Millbrook PDU", "3")]) == [
        "Unit           Recs",
        "Millbrook PDU  3",
    ]


def _draft(tmp_path: Path, name: str, **values: object) -> DraftResult:
    return DraftResult(
        report_path=tmp_path / f"{name}.html", output=tmp_path / f"{name}.docx", **values
    )  # type: ignore[arg-type]


def test_a_draft_is_summarised_with_what_to_fill_in(tmp_path: Path) -> None:
    result = _draft(
        tmp_path,
        "millbrook",
        unit="Millbrook PDU",
        recommendations=3,
        from_library=1,
        attention=[
            AttentionItem("placeholder", "Signatory", "add your name"),
            AttentionItem("placeholder", "Signatory", "add your name"),
            AttentionItem("placeholder", "Owner", "who does it"),
            AttentionItem("placeholder", "Owner", "who does it"),
            AttentionItem("placeholder", "Owner", "who does it"),
            AttentionItem("date", "March 2024", "from an earlier letter"),
            AttentionItem("style", "List Bullet", "a bullet style was added"),
        ],
    )
    assert draft_summary_line(result) == (
        "3 recommendations, 1 action from the library, 2 to fill in, 1 date to check, "
        "1 other thing to check"
    )
    lines = draft_lines([result], batch=False, has_settings=False)
    assert lines[0].startswith(f"Wrote {tmp_path / 'millbrook.docx'} (Millbrook PDU): ")
    listed = lines[lines.index(next(x for x in lines if x.startswith("Before sending"))) + 1 :]
    assert listed[:4] == [
        "  - Signatory (2 places): add your name",  # the same thing once, however labelled
        "  - Owner (3 places): who does it",
        '  - the date "March 2024" came from an earlier letter: check it holds',
        "  - a bullet style was added",
    ]
    assert len([x for x in listed if x.startswith("  - ")]) == 2 + 1 + 1
    assert "(s)" not in "\n".join(lines)
    assert lines[-1].startswith("No settings file yet")
    assert not draft_lines([result], batch=False, has_settings=True)[-1].startswith("No settings")


def test_one_of_everything_is_singular(tmp_path: Path) -> None:
    result = _draft(
        tmp_path,
        "millbrook",
        unit="Millbrook PDU",
        recommendations=1,
        from_library=1,
        attention=[
            AttentionItem("placeholder", "Owner", "who does it"),
            AttentionItem("date", "March 2024", "from an earlier letter"),
            AttentionItem("check", "Check the report", "a warning"),
        ],
    )
    assert draft_summary_line(result) == (
        "1 recommendation, 1 action from the library, 1 to fill in, 1 date to check, "
        "1 other thing to check"
    )
    failed = DraftResult(report_path=tmp_path / "broken.pdf", output=None, error="unreadable")
    assert batch_failures_line([result, failed]) == (
        "1 of 2 reports could not be drafted (see 'Not drafted' above); the others were written."
    )
    assert batch_failures_line([result]) is None


def test_a_batch_ends_with_a_table_that_shows_reports_not_drafted(tmp_path: Path) -> None:
    done = _draft(tmp_path, "millbrook", unit="Millbrook PDU", recommendations=2)
    failed = DraftResult(report_path=tmp_path / "broken.pdf", output=None, error="unreadable")
    lines = batch_table([done, failed])
    assert lines[0] == ""
    assert lines[1].split() == [
        "Unit",
        "Recs",
        "From",
        "library",
        "To",
        "fill",
        "in",
        "Dates",
        "to",
        "check",
        "File",
    ]
    assert lines[2].split() == ["Millbrook", "PDU", "2", "0", "0", "0", "millbrook.docx"]
    assert lines[3].split() == ["broken.pdf", "-", "-", "-", "-", "not", "drafted"]
    said = draft_lines([done, failed], batch=True, has_settings=True)
    assert f"Not drafted: {tmp_path / 'broken.pdf'}: unreadable" in said


def test_commitments_table_marks_overdue_and_says_when_nothing_matches() -> None:
    assert commitments_table([]) == ["No commitments match."]
    late = Commitment(
        id=7,
        letter_id=1,
        unit="Millbrook PDU",
        text="Managers will check every risk plan. " * 3,
        recommendation=None,
        due_date=date.today() - timedelta(days=1),
        due_text="by last week",
        status="open",
    )
    header, row = commitments_table([late])
    assert header.split() == ["ID", "Due", "Status", "Unit", "Action"]
    assert row.split()[:3] == ["7", str(late.due_date), "OVERDUE"]
    assert row.endswith("…") and len(row.split("Millbrook PDU", 1)[1].strip()) == 70


def test_letters_table_says_how_to_archive_the_first() -> None:
    assert letters_table([]) == [
        "No letters are archived yet. Archive one with 'drafter archive SENT'."
    ]
    letter = archive.ArchivedLetter(
        id=3,
        sha256="c" * 64,
        file_name="sent.docx",
        media_type="",
        size=1,
        unit=None,
        region=None,
        letter_date=date(2025, 7, 24),
        sent_date=None,
        recipient=None,
        signatory=None,
        subject=None,
        recommendation_count=None,
        positive_findings=[],
        status="current",
        supersedes_id=None,
        archived_at=datetime(2025, 7, 30, 9, 0, 0),
    )
    assert letters_table([letter])[1].split() == [
        "3",
        "2025-07-24",
        "current",
        "0",
        "(unknown",
        "unit)",
    ]
    record = letter.to_dict()
    assert record["letter_date"] == "2025-07-24" and record["sent_date"] is None
    assert record["archived_at"] == "2025-07-30T09:00:00"
    assert list(record)[:3] == ["id", "sha256", "file_name"] and record["actions"] == []


# --- reading a sent letter: names kept importable, paragraphs ----------------------


def test_reading_names_stay_importable_from_archive() -> None:
    assert archive.read_sent_letter is sent_letter.read_sent_letter
    assert archive.SentLetter is sent_letter.SentLetter
    assert archive.MAX_LETTER_BYTES == sent_letter.MAX_LETTER_BYTES


def test_text_paragraphs_split_on_blank_lines_and_bullets() -> None:
    paragraphs = text_paragraphs(
        "Dear Sir,\n\nWe will:\n• train staff\n  this year\n- audit files\n\nYours"
    )
    assert [(p.text, p.bullet) for p in paragraphs] == [
        ("Dear Sir,", False),
        ("We will:", False),
        ("train staff this year", True),
        ("audit files", True),
        ("Yours", False),
    ]


_LINE = st.text(
    st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029",
    ),
    max_size=30,
)


@given(st.lists(st.one_of(_LINE, st.just(""), _LINE.map(lambda s: "• " + s)), max_size=20))
def test_text_paragraphs_keep_every_word_and_never_return_empty_ones(lines: list[str]) -> None:
    paragraphs = text_paragraphs("\n".join(lines))
    assert all(p.text.strip() for p in paragraphs if not p.bullet)
    assert all("\n" not in p.text for p in paragraphs if p.bullet)
    words_in = []
    for line in lines:
        marker = BULLET_RE.match(line)
        words_in += (line[marker.end() :] if marker else line).split()
    assert [w for p in paragraphs for w in p.text.split()] == words_in


# --- archive and commitments: wording -------------------------------------------


def _archived_letter(actions: list[archive.ArchivedAction]) -> archive.ArchivedLetter:
    return archive.ArchivedLetter(
        id=1,
        sha256="d" * 64,
        file_name="sent.docx",
        media_type="",
        size=1,
        unit="Fellgate PDU",
        region=None,
        letter_date=date(2025, 7, 24),
        sent_date=None,
        recipient=None,
        signatory=None,
        subject=None,
        recommendation_count=3,
        positive_findings=[],
        status="current",
        supersedes_id=None,
        archived_at=datetime(2025, 7, 30, 9, 0, 0),
        actions=actions,
    )


def test_one_archived_action_is_spoken_of_in_the_singular() -> None:
    from drafter.cli.presenters import archived_lines

    action = archive.ArchivedAction(
        action_id=1,
        commitment_id=1,
        text="Audit supervision.",
        recommendation=None,
        recommendation_numbers=[],
        link="unknown",
        due_date=None,
        due_text=None,
    )
    result = archive.ArchiveResult(letter=_archived_letter([action]), created=True)
    first, second = archived_lines(result)
    assert "1 action added to the library" in first
    assert second.startswith("0 of 1 action states a due date")


def test_letter_lines_name_recommendations_as_printed() -> None:
    from drafter.cli.presenters import letter_lines

    ref = archive.RecommendationRef(
        position=8,
        number=2,
        addressee="South West region",
        label="South West region, recommendation 2",
    )
    action = archive.ArchivedAction(
        action_id=1,
        commitment_id=4,
        text="Fill the vacant posts.",
        recommendation="ensure the PDU has enough administrative staff",
        recommendation_numbers=[8],
        link="letter",
        due_date=date(2026, 3, 31),
        due_text="by March 2026",
        recommendation_refs=[ref],
    )
    lines = letter_lines(_archived_letter([action]))
    assert (
        "     4. Fill the vacant posts. [due 2026-03-31] (South West region, recommendation 2)"
        in lines
    )


def test_commitment_progress_lines() -> None:
    from drafter.archive.commitments import CommitmentNote
    from drafter.cli.presenters import done_line, noted_line

    item = Commitment(
        id=5,
        letter_id=1,
        unit="Fellgate PDU",
        text="Audit supervision.",
        recommendation=None,
        due_date=None,
        due_text=None,
        status="open",
        notes=[CommitmentNote(datetime(2026, 5, 3, 10, 0), "Booked", False)],
    )
    assert noted_line(item) == "Noted on commitment 5 (1 note so far)."
    assert done_line(item) == "Commitment 5 for Fellgate PDU is marked done."
    item.status = "done"
    item.notes.append(CommitmentNote(datetime(2026, 5, 4, 10, 0), "Done", True))
    assert done_line(item, already_done=True) == (
        "Commitment 5 was already marked done on 4 May 2026; nothing was changed."
    )
    assert noted_line(item).endswith("(2 notes so far). It is already marked done (on 4 May 2026).")


# --- names carried over, unreviewed choices, and drafter check --------------------------


def test_the_draft_summary_counts_names_to_check_and_unreviewed_choices() -> None:
    from drafter.cli.presenters import fill_in_lines

    note = "a police force from Stockton and Hartlepool PDU, 24 July 2025"
    result = DraftResult(
        report_path=Path("r.html"),
        output=Path("l.docx"),
        unit="Gwent PDU",
        recommendations=2,
        from_library=2,
        attention=[
            AttentionItem("name", "Cleveland Police", note),
            AttentionItem("name", "Cleveland Police", note),
        ],
        unreviewed=2,
    )
    line = draft_summary_line(result)
    assert "1 name from other letters to check" in line
    assert "2 chosen automatically, not reviewed" in line
    lines = fill_in_lines(result)
    assert f'  - "Cleveland Police" (2 places), {note}: ' in "\n".join(lines)
    assert any("2 actions chosen automatically, not reviewed" in x for x in lines)
    assert result.to_check == []  # names are listed once, as names
    assert result.to_dict()["names_to_check"] == [
        {"name": "Cleveland Police", "note": note, "places": 2}
    ]


def test_check_lines_put_problems_first_and_say_where() -> None:
    from drafter.check.checker import CheckIssue, CheckResult
    from drafter.cli.presenters import check_issue_line, check_lines

    result = CheckResult(
        "letters/gwent.docx",
        "Gwent PDU",
        date(2026, 5, 1),
        3,
        issues=[
            CheckIssue("person", "warning", "A person is named.", 8, "Sarah Whitfield"),
            CheckIssue("count", "problem", "The letter says 4.", 6, "a total of 4 recommendations"),
            CheckIssue("no_findings", "problem", "No positive findings."),
        ],
    )
    assert check_issue_line(result.issues[1]) == (
        'Problem, paragraph 6 "a total of 4 recommendations": The letter says 4.'
    )
    assert check_issue_line(result.issues[2]) == "Problem: No positive findings."
    lines = check_lines(result)
    assert lines[0].startswith("Problem, paragraph 6") and lines[2].startswith("Warning")
    assert lines[-1] == "gwent.docx: 2 problems to fix before sending, 1 warning worth a look."
    clean = CheckResult("l.docx", "Gwent PDU", None, 1)
    assert check_lines(clean) == ["l.docx: no problems found."]
