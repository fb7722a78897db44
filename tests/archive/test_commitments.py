"""Due dates read from action wording, and following commitments up."""

from __future__ import annotations

import calendar
import csv
import io
import json
from datetime import date

import pytest
from click.testing import CliRunner
from conftest import SEED_LETTER, need
from hypothesis import given, settings
from hypothesis import strategies as st

from drafter.archive.commitments import (
    add_months,
    extract_due_date,
    get_commitment,
    list_commitments,
    mark_done,
    parse_user_date,
)
from drafter.archive.store import archive_letter
from drafter.cli.commands import cli
from drafter.core.errors import DrafterError
from drafter.library.store import Library

LETTER_DATE = date(2025, 7, 24)


@pytest.mark.parametrize(
    "text, due, phrase",
    [
        ("In August 2025 the PDU will implement the policy.", date(2025, 8, 31), "In August 2025"),
        ("Training will be complete by the end of March 2026.", date(2026, 3, 31), None),
        ("All staff will attend by December 2023.", date(2023, 12, 31), "by December 2023"),
        ("Within six months every case will be audited.", date(2026, 1, 24), "Within six months"),
        ("The audit will report by 31 March 2026.", date(2026, 3, 31), "by 31 March 2026"),
        ("From May 2023 the PDU will run risk clinics.", date(2023, 5, 31), "From May 2023"),
        ("Over the next 12 months caseloads will fall.", date(2026, 7, 24), None),
        ("The review will finish in Q3 2025.", date(2025, 9, 30), "Q3 2025"),
        ("Delivery is planned for Q4 2025/26.", date(2026, 3, 31), "Q4 2025/26"),
        ("The board will sign off in the third quarter of 2026.", date(2026, 9, 30), None),
        ("Guidance will be issued within 8 weeks.", date(2025, 9, 18), None),
        ("Managers will be trained by March.", date(2026, 3, 31), "by March"),
        ("Done by the end of the financial year.", date(2026, 3, 31), None),
        ("Completed by 24th October 2025.", date(2025, 10, 24), None),
        (
            "From May 2023 clinics will run, all reviewed by December 2023.",
            date(2023, 12, 31),
            None,
        ),
        (
            "In June 2025 we start; by September 2025 and by November 2025 we finish.",
            date(2025, 11, 30),
            "by November 2025",
        ),
        ("The PDU will review partnership work to keep people safe.", None, None),
        ("Leaders will be trained by spring 2026.", date(2026, 5, 31), "by spring 2026"),
        ("A pilot runs in the winter of 2025.", date(2026, 2, 28), None),
        ("Caseloads will be rebalanced during 2025/26.", date(2026, 3, 31), "during 2025/26"),
        ("All done by the end of 2025-26.", date(2026, 3, 31), "by the end of 2025-26"),
        ("Report to the board by 2026-03-31.", date(2026, 3, 31), "by 2026-03-31"),
        ("Audits will be repeated over the next year.", date(2026, 7, 24), None),
        ("Report by 31 February 2026.", None, None),
        ("The work will be led by April Jones, Head of PDU.", None, None),
        ("Plans will be checked by may of the managers.", None, None),
        ("Managers will be briefed by March, then audited.", date(2026, 3, 31), "by March"),
        ("The audit will report by 31/03/2026.", date(2026, 3, 31), "by 31/03/2026"),
        ("The audit will report by 31.03.2026.", date(2026, 3, 31), "by 31.03.2026"),
        ("Guidance reissued by 1/4/26, then checked.", date(2026, 4, 1), "by 1/4/26"),
        ("Target date: 30/09/2025", date(2025, 9, 30), "30/09/2025"),
        ("Report by 31/02/2026.", None, None),
    ],
)
def test_due_dates_from_action_wording(text, due, phrase):
    found, found_phrase = extract_due_date(text, LETTER_DATE)
    assert found == due
    if phrase is not None:
        assert found_phrase == phrase
    if due is not None:
        assert found_phrase and found_phrase.lower() in text.lower()


def test_relative_timescales_need_the_letter_date():
    assert extract_due_date("within six months", None) == (None, None)
    assert extract_due_date("by March", None) == (None, None)
    assert extract_due_date("by March 2026", None)[0] == date(2026, 3, 31)


def test_add_months_clamps_to_month_end():
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


@settings(max_examples=300, deadline=None)
@given(st.text(), st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1))))
def test_extractor_never_crashes(text, letter_date):
    due, phrase = extract_due_date(text, letter_date)
    assert (due is None) == (phrase is None)
    if phrase is not None:
        assert isinstance(due, date)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 12),
    st.integers(1990, 2099),
    st.sampled_from(["by", "By", "BY", "by the end of"]),
    st.text(alphabet="abcdefghij .,", max_size=40),
    st.text(alphabet="abcdefghij .,", max_size=40),
)
def test_by_month_year_is_always_that_months_last_day(month, year, lead, before, after):
    name = calendar.month_name[month]
    text = f"{before} {lead} {name} {year} {after}"
    due, phrase = extract_due_date(text, LETTER_DATE)
    assert due == date(year, month, calendar.monthrange(year, month)[1])
    assert phrase == f"{lead} {name} {year}"


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 1, 1)), st.integers(1, 36))
def test_within_n_months_counts_from_the_letter(letter_date, months):
    due, _ = extract_due_date(f"within {months} months", letter_date)
    assert due == add_months(letter_date, months)
    assert due > letter_date


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2025-07-24", date(2025, 7, 24)),
        ("24/07/2025", date(2025, 7, 24)),
        ("24 July 2025", date(2025, 7, 24)),
        ("1st Sept 2026", date(2026, 9, 1)),
        ("31/03/2026", date(2026, 3, 31)),
        ("31.03.2026", date(2026, 3, 31)),
        ("1/4/26", date(2026, 4, 1)),
        ("31 March 2026", date(2026, 3, 31)),
        ("March 2026", date(2026, 3, 31)),
        ("February 2028", date(2028, 2, 29)),
        ("31/12/2024 00:00", date(2024, 12, 31)),
    ],
)
def test_user_dates(text, expected):
    assert parse_user_date(text) == expected


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)), st.sampled_from("/.-"))
def test_numeric_uk_dates_read_day_first(day, separator):
    written = f"{day.day:02d}{separator}{day.month:02d}{separator}{day.year}"
    assert parse_user_date(written) == day
    short = f"{day.day}{separator}{day.month}{separator}{day.year % 100:02d}"
    assert parse_user_date(short) == day
    assert extract_due_date(f"Done by {written}.", None) == (day, f"by {written}")


@pytest.mark.parametrize("text", ["tomorrow", "31/02/2025", "2025-13-01", "", "13/13/2025"])
def test_user_dates_refused_plainly(text):
    with pytest.raises(DrafterError, match="not a date drafter understands"):
        parse_user_date(text, option="--due-before")


# --- following up ----------------------------------------------------------------------


@pytest.fixture
def archived(db_url, tmp_path) -> str:
    need(SEED_LETTER.exists(), "the seed letter is missing")
    library = Library(db_url)
    archive_letter(SEED_LETTER, library)
    other = tmp_path / "tarnbridge.txt"
    text = SEED_LETTER.read_text(encoding="utf-8")
    text = text.replace("Stockton and Hartlepool", "Tarnbridge").replace(
        "In August 2025", "By May 2026"
    )
    other.write_text(text, encoding="utf-8")
    archive_letter(other, library)
    return db_url


def test_listing_and_filters(archived):
    library = Library(archived)
    everything = list_commitments(library)
    assert len(everything) == 10
    assert [c.due_date for c in everything[:2]] == [date(2025, 8, 31), date(2026, 5, 31)]
    assert all(c.due_date is None for c in everything[2:])  # undated last
    assert {c.unit for c in list_commitments(library, unit="stockton & hartlepool")} == {
        "Stockton and Hartlepool PDU"
    }
    before = list_commitments(library, due_before=date(2026, 1, 1))
    assert [c.due_text for c in before] == ["In August 2025"]
    overdue = list_commitments(library, overdue=True, today=date(2026, 1, 1))
    assert [c.due_date for c in overdue] == [date(2025, 8, 31)]
    assert list_commitments(library, overdue=True, today=date(2025, 8, 31)) == []


def test_done_and_notes(archived):
    library = Library(archived)
    first = list_commitments(library)[0]
    from drafter.archive.commitments import add_note

    noted = add_note(library, first.id, "Policy briefing booked")
    assert noted.status == "open" and [n.note for n in noted.notes] == ["Policy briefing booked"]
    done = mark_done(library, first.id, "Policy launched on 28 August")
    assert done.status == "done"
    assert [n.marks_done for n in get_commitment(library, first.id).notes] == [False, True]
    assert first.id not in {c.id for c in list_commitments(library)}
    assert first.id in {c.id for c in list_commitments(library, include_closed=True)}
    assert list_commitments(library, overdue=True, today=date(2026, 1, 1)) == []
    with pytest.raises(DrafterError, match="no commitment 999"):
        mark_done(library, 999, "x")
    with pytest.raises(DrafterError, match="note is empty"):
        mark_done(library, first.id, "   ")


# --- CLI ---------------------------------------------------------------------------------


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_cli_table_json_and_csv(archived):
    table = run("commitments", "--db", archived)
    assert table.exit_code == 0
    lines = table.output.splitlines()
    assert lines[0].split() == ["ID", "Due", "Status", "Unit", "Action"]
    assert "2025-08-31" in lines[1] and "Stockton and Hartlepool PDU" in lines[1]
    assert len(lines) == 11

    data = json.loads(run("commitments", "--db", archived, "--json", "--unit", "Tarnbridge").output)
    assert [c["due_date"] for c in data] == ["2026-05-31"] + [None] * 4
    assert data[0]["due_text"] == "By May 2026"

    rows = list(csv.DictReader(io.StringIO(run("commitments", "--db", archived, "--csv").output)))
    assert len(rows) == 10 and rows[0]["due_date"] == "2025-08-31"

    overdue = run("commitments", "--db", archived, "--overdue", "--due-before", "2026-01-01")
    assert overdue.exit_code == 0
    assert len(overdue.output.splitlines()) == 2  # header + the August 2025 commitment


def test_cli_done_and_note(archived):
    first = json.loads(run("commitments", "--db", archived, "--json").output)[0]["id"]
    note = run("commitments", "note", str(first), "--note", "Briefings booked", "--db", archived)
    assert note.exit_code == 0 and "(1 note so far)." in note.output
    done = run("commitments", "--db", archived, "done", str(first), "--note", "Launched")
    assert done.exit_code == 0 and f"Commitment {first}" in done.output
    listed = json.loads(run("commitments", "--db", archived, "--json", "--all").output)
    entry = next(c for c in listed if c["id"] == first)
    assert entry["status"] == "done"
    assert [n["note"] for n in entry["notes"]] == ["Briefings booked", "Launched"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["commitments", "--due-before", "soon"], "'soon' is not a date drafter understands"),
        (["commitments", "--json", "--csv"], "Choose either --json or --csv"),
        (["commitments", "done", "999", "--note", "x"], "There is no commitment 999"),
        (["commitments", "note", "1", "--note", " "], "The note is empty"),
    ],
)
def test_cli_errors_are_one_plain_line(archived, args, message):
    result = CliRunner().invoke(cli, [*args, "--db", archived])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_cli_empty_list_and_help():
    result = run("commitments")
    assert result.exit_code == 0 and "No commitments match." in result.output
    for command in (["commitments"], ["commitments", "done"], ["commitments", "note"]):
        assert "Example:" in run(*command, "--help").output


def test_progress_cannot_be_recorded_on_a_replaced_letters_commitment(archived, tmp_path):
    library = Library(archived)
    old = list_commitments(library, unit="Stockton")[0]
    corrected = tmp_path / "corrected.txt"
    # A corrected letter changes an action: an identical copy is not a new letter.
    corrected.write_text(
        SEED_LETTER.read_text(encoding="utf-8").replace("In August 2025", "In September 2025"),
        encoding="utf-8",
    )
    archive_letter(corrected, library, supersede=True)
    assert get_commitment(library, old.id).status == "superseded"
    with pytest.raises(DrafterError, match="belongs to a letter that was replaced"):
        mark_done(library, old.id, "Done anyway")
    result = CliRunner().invoke(
        cli, ["commitments", "note", str(old.id), "--note", "x", "--db", archived]
    )
    assert result.exit_code == 1 and "Record progress on the commitment from the newer letter" in (
        result.output
    )


def test_done_twice_says_when_and_changes_nothing(archived):
    from drafter.core.dates import long_date

    first = json.loads(run("commitments", "--db", archived, "--json").output)[0]["id"]
    done = run("commitments", "done", str(first), "--note", "Launched", "--db", archived)
    assert done.output.strip().endswith("is marked done.")
    again = run("commitments", "done", str(first), "--note", "Launched again", "--db", archived)
    assert again.exit_code == 0
    today = long_date(date.today())
    assert again.output.strip() == (
        f"Commitment {first} was already marked done on {today}; nothing was changed."
    )
    item = get_commitment(Library(archived), first)
    assert [n.note for n in item.notes] == ["Launched"]
    assert item.done_on == date.today()
    # The library call is as safe: closing it again adds no note.
    assert [n.note for n in mark_done(Library(archived), first, "Third time").notes] == ["Launched"]

    noted = run("commitments", "note", str(first), "--note", "Evaluated", "--db", archived)
    assert noted.exit_code == 0
    assert noted.output.strip() == (
        f"Noted on commitment {first} (2 notes so far). It is already marked done (on {today})."
    )
    assert get_commitment(Library(archived), first).status == "done"


def test_cli_due_before_takes_dates_as_people_write_them(archived):
    # "September 2025" is its last day, so the August 2025 commitment is before it.
    for written in ("September 2025", "30/09/2025", "30.09.2025", "30 September 2025"):
        result = run("commitments", "--due-before", written, "--json", "--db", archived)
        assert result.exit_code == 0, result.output
        assert [c["due_date"] for c in json.loads(result.output)] == ["2025-08-31"]
