"""A safe archive: what it refuses, undoing an archive, reopening a commitment,
and letters in awkward shapes (UTF-16 text, text saved from Word, huge PDFs)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from conftest import SEED_LETTER, SEED_REPORT, need
from hypothesis import given, settings
from hypothesis import strategies as st

from drafter.archive.commitments import get_commitment, list_commitments, mark_done, reopen
from drafter.archive.paragraphs import Paragraph
from drafter.archive.recognise import recognise
from drafter.archive.store import (
    archive_letter,
    list_letters,
    read_sent_letter,
    read_sent_letter_bytes,
    removal_plan,
    remove_letter,
)
from drafter.cli.commands import cli
from drafter.core.errors import ArchiveRefusedError, DrafterError, NotALetterError
from drafter.library.store import Library

SEED_UNIT = "Stockton and Hartlepool PDU"


@pytest.fixture(autouse=True)
def _seed_present():
    need(SEED_LETTER.exists(), f"the seed letter is not at {SEED_LETTER}")


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input)


def letter_text(*, actions: list[str], unit: str = "Fellgate PDU", when: str = "3 March 2026"):
    """A short response letter of our own, blank lines between paragraphs."""
    bullets = "\n".join(f"- {a}" for a in actions)
    return (
        f"Ann Lee\nHM Chief Inspector of Probation\n\n{when}\n\nDear Ann,\n\n"
        f"Thank you for your inspection report for {unit}. The steps we will take "
        f"include the following.\n\n{bullets}\n\n"
        "I was pleased to note the following.\n\n- Staff felt well supported.\n\n"
        "Yours sincerely\n\nSam Okoro\nRegional Probation Director\n"
    )


# --- what archive refuses ------------------------------------------------------------


def unfinished_docx(path: Path) -> Path:
    """A letter as drafter drafts it, with highlighted placeholders left in."""
    from docx.enum.text import WD_COLOR_INDEX

    document = docx.Document()
    document.add_paragraph("Ann Lee")
    document.add_paragraph("1 May 2026")
    document.add_paragraph("Dear Ann,")
    document.add_paragraph("Thank you for the inspection report for Fellgate PDU. We will:")
    document.add_paragraph("Audit supervision by May 2026.", style="List Bullet")
    bullet = document.add_paragraph(style="List Bullet")
    bullet.add_run("Train every officer in risk by ")
    bullet.add_run("[Target date]").font.highlight_color = WD_COLOR_INDEX.YELLOW
    bullet.add_run(".")
    document.add_paragraph("Yours sincerely")
    closing = document.add_paragraph()
    closing.add_run("[Signatory's name]").font.highlight_color = WD_COLOR_INDEX.YELLOW
    document.save(path)
    return path


def test_an_unfinished_letter_is_refused_and_nothing_is_stored(sqlite_url, tmp_path):
    path = unfinished_docx(tmp_path / "unfinished.docx")
    library = Library(sqlite_url)
    with pytest.raises(ArchiveRefusedError) as refused:
        archive_letter(path, library)
    assert refused.value.kinds == ["placeholders"]
    assert str(refused.value) == (
        "'unfinished.docx' was not archived: it still has 2 placeholders to fill in "
        "([Target date], [Signatory's name]). Fill them in (or delete them) as in the letter "
        "that was sent, or add --force to archive it as it is."
    )
    assert list_letters(library) == [] and library.count() == 0

    cli_result = run("archive", str(path), "--db", sqlite_url)
    assert cli_result.exit_code == 1
    assert cli_result.output.strip() == f"Error: {refused.value}"

    forced = run("archive", str(path), "--force", "--db", sqlite_url)
    assert forced.exit_code == 0, forced.output
    assert forced.stderr.startswith(
        "Warning: archived with --force although it still has 2 placeholders to fill in"
    )
    assert "Archived letter 1 for Fellgate PDU" in forced.stdout
    # Once it is archived, asking again is not refused: it is already there.
    again = run("archive", str(path), "--db", sqlite_url)
    assert again.exit_code == 0 and "already archived as letter 1" in again.output


def test_brackets_of_a_finished_letter_are_not_placeholders():
    text = letter_text(actions=["Managers will audit [sic] ten cases a month [1] … by May 2026."])
    letter = read_sent_letter_bytes(text.encode(), name="l.txt")
    assert letter.placeholders == []


def test_an_inspection_report_is_refused_as_not_a_letter(sqlite_url):
    need(SEED_REPORT.exists(), f"the seed report is not at {SEED_REPORT}")
    library = Library(sqlite_url)
    with pytest.raises(ArchiveRefusedError) as refused:
        archive_letter(SEED_REPORT, library)
    assert refused.value.kinds == ["not a letter"]
    message = str(refused.value)
    assert message.startswith(
        f"'{SEED_REPORT.name}' was not archived: it is not a response letter: it looks like an "
        'inspection report (no "Dear …", no sign-off such as "Yours sincerely", section headings'
    )
    assert message.endswith(
        "Archive the letter (or action plan) sent in reply to the report, or add --force to "
        "archive it as it is."
    )
    assert library.count() == 0  # none of its headings became actions
    result = run("archive", str(SEED_REPORT), "--db", sqlite_url)
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert "it looks like an inspection report" in result.output


def test_a_report_with_no_bullets_is_named_as_a_report(tmp_path):
    lines = ["Contents", "Foreword", "Ratings", "P 1.1 Leadership", "Good", "P 1.2 Staffing"]
    lines += ["Inadequate", "P 1.3 Services", "Good", "The region should:", "Background"]
    path = tmp_path / "report.txt"
    path.write_text("\n\n".join(lines), encoding="utf-8")
    with pytest.raises(NotALetterError, match="it looks like an inspection report"):
        read_sent_letter(path)


def test_minutes_are_recognised_by_their_structure():
    minutes = [
        Paragraph("Present: three managers"),
        Paragraph("Apologies: none"),
        Paragraph("Matters arising"),
        Paragraph("Staffing was discussed.", bullet=True),
    ]
    kind = recognise(minutes)
    assert kind.kind == "minutes" and not kind.is_response_letter
    assert kind.reason.startswith("it looks like the minutes of a meeting")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet="abcdefgh ", min_size=5, max_size=60), min_size=1, max_size=30),
    st.booleans(),
)
def test_a_letter_shape_is_a_letter_however_long_its_body(body, plan_table):
    paragraphs = [Paragraph("Ann Lee\n1 May 2026"), Paragraph("Dear Ann,")]
    paragraphs += [Paragraph(text.strip() or "x", bullet=i % 2 == 1) for i, text in enumerate(body)]
    paragraphs += [Paragraph("Kind regards"), Paragraph("Sam Okoro")]
    assert recognise(paragraphs, action_plan_table=plan_table).kind == "letter"


def test_a_letter_for_another_unit_than_the_report_is_refused(sqlite_url):
    need(SEED_REPORT.exists(), f"the seed report is not at {SEED_REPORT}")
    library = Library(sqlite_url)
    with pytest.raises(ArchiveRefusedError) as refused:
        archive_letter(SEED_LETTER, library, report=SEED_REPORT)
    assert refused.value.kinds == ["other unit"]
    assert list_letters(library) == []
    forced = archive_letter(SEED_LETTER, library, report=SEED_REPORT, force=True)
    assert forced.created
    assert forced.forced == [
        "it is about Stockton and Hartlepool PDU but the report is about Redcar, Cleveland "
        "and Middlesbrough PDU"
    ]


# --- letters in awkward shapes -------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_a_utf16_text_letter_is_archived(sqlite_url, tmp_path, encoding):
    text = SEED_LETTER.read_text(encoding="utf-8")
    path = tmp_path / "letter.txt"
    path.write_bytes(text.encode(encoding))
    result = archive_letter(path, Library(sqlite_url))
    expected = read_sent_letter(SEED_LETTER)
    assert [a.text for a in result.letter.actions] == expected.action_texts
    assert result.letter.positive_findings == expected.positive_findings
    assert result.letter.signatory == "Helen Judge"


def test_a_text_letter_saved_from_word_keeps_findings_and_sign_off_out_of_the_actions(
    sqlite_url, tmp_path
):
    """Word and LibreOffice save a letter as text one paragraph to a line, with
    no blank lines and the bullets indented."""
    lines = [
        "Ann Lee",
        "HM Chief Inspector of Probation",
        "2 February 2026",
        "Dear Ann,",
        "Inspection of Fellgate PDU",
        "Thank you for your report, which made 2 recommendations. We will take these steps.",
        "    •\tManagers will audit ten cases a month from April 2026.",
        "    •\tEvery officer will finish risk training by June 2026, including staff",
        "      who join during the year.",
        "I was encouraged by your findings and note the following.",
        "    •\tStaff felt well supported by their managers.",
        "    •\tPartnership work with housing providers was strong.",
        "I remain committed to following progress closely.",
        "Kind Regards",
        "Sam Okoro Regional Probation Director",
        "CC: Private Office",
    ]
    path = tmp_path / "saved-from-word.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = archive_letter(path, Library(sqlite_url))
    assert [a.text for a in result.letter.actions] == [
        "Managers will audit ten cases a month from April 2026.",
        "Every officer will finish risk training by June 2026, including staff who join "
        "during the year.",
    ]
    assert result.letter.positive_findings == [
        "Staff felt well supported by their managers.",
        "Partnership work with housing providers was strong.",
    ]
    assert result.letter.signatory == "Sam Okoro"
    assert result.letter.unit == "Fellgate PDU"


def blank_pdf(pages: int) -> bytes:
    """A valid PDF of ``pages`` empty pages."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{n} 0 R" for n in range(3, 3 + pages))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"] * pages
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_a_2000_page_pdf_is_refused_by_the_page_limit(sqlite_url, tmp_path):
    path = tmp_path / "huge.pdf"
    path.write_bytes(blank_pdf(2000))
    result = run("archive", str(path), "--db", sqlite_url)
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: 'huge.pdf' has 2,000 pages, more than any response letter (at most 100). "
        "Check it is the letter as sent."
    )


# --- archive remove ----------------------------------------------------------------------------


def table_dump(url: str) -> dict[str, list[str]]:
    """Every row of every table, timestamps of change left out."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    dump = {}
    with engine.connect() as connection:
        for table in sorted(inspect(engine).get_table_names()):
            rows = connection.execute(text(f'SELECT * FROM "{table}"')).mappings().all()
            dump[table] = sorted(
                json.dumps(
                    {k: v for k, v in row.items() if k != "updated_at"}, default=str, sort_keys=True
                )
                for row in rows
            )
    engine.dispose()
    return dump


def full_export(url: str, folder: Path) -> dict[str, object]:
    """What drafter exports: the library (all actions), the commitments with
    their notes, the archive's index, and every table."""
    library_file = folder / "library.json"
    assert (
        run("library", "export", str(library_file), "--all", "--force", "--db", url).exit_code == 0
    )
    commitments = run("commitments", "--all", "--json", "--db", url)
    letters = run("archive", "list", "--json", "--db", url)
    return {
        "library": json.loads(library_file.read_text(encoding="utf-8")),
        "commitments": json.loads(commitments.stdout),
        "letters": json.loads(letters.stdout),
        "tables": table_dump(url),
    }


def earlier_stockton_letter(tmp_path: Path) -> Path:
    path = tmp_path / "stockton-2023.txt"
    path.write_text(
        letter_text(
            actions=[
                "Team managers will check every new risk assessment within ten days.",
                "The PDU will run a quarterly audit of home visits from May 2023.",
            ],
            unit=SEED_UNIT,
            when="2 March 2023",
        ),
        encoding="utf-8",
    )
    return path


def test_archive_remove_returns_the_library_to_exactly_its_earlier_contents(db_url, tmp_path):
    assert run("library", "init", "--db", db_url).exit_code == 0
    # An imported action identical to one the letter will commit (same words,
    # unit and date): the archive takes it over, and must give it back.
    seed_actions = read_sent_letter(SEED_LETTER).action_texts
    imported = tmp_path / "import.json"
    imported.write_text(
        json.dumps(
            [{"id": "OLD-1", "action": seed_actions[0], "unit": SEED_UNIT, "date": "2025-07-24"}]
        ),
        encoding="utf-8",
    )
    assert run("library", "import", str(imported), "--db", db_url).exit_code == 0
    library = Library(db_url)
    library.retire("OLD-1")
    # An earlier letter for the unit, one commitment already done.
    earlier = archive_letter(earlier_stockton_letter(tmp_path), library)
    mark_done(library, earlier.letter.actions[0].commitment_id, "Checked in April")
    before = full_export(db_url, tmp_path)

    result = archive_letter(SEED_LETTER, library, supersede=True)
    letter = result.letter
    assert result.superseded_id == earlier.letter.id
    # Life goes on: a reviewer accepts one of its actions, progress is noted.
    library.record_decision("some recommendation", letter.actions[1].action_id, "accepted")
    mark_done(library, letter.actions[2].commitment_id, "Plan reviewed")
    assert full_export(db_url, tmp_path) != before

    plan = removal_plan(library, letter.id)
    assert full_export(db_url, tmp_path)["tables"] != before["tables"]  # a plan changes nothing
    removed = remove_letter(library, letter.id)
    assert removed == plan
    assert removed.commitments_removed == 5 and removed.notes_removed == 1
    assert removed.decisions_removed == 1 and removed.file_removed
    assert removed.restored_letter_id == earlier.letter.id
    assert len(removed.actions_removed) == 4 and len(removed.actions_kept) == 1
    assert full_export(db_url, tmp_path) == before


def test_archive_remove_on_the_command_line(sqlite_url):
    archived = run("archive", str(SEED_LETTER), "--db", sqlite_url)
    assert archived.exit_code == 0, archived.output

    declined = run("archive", "remove", "1", "--db", sqlite_url, input="n\n")
    assert declined.exit_code == 0
    assert "Letter 1 (Stockton and Hartlepool PDU, 24 July 2025" in declined.stderr
    assert "5 actions will go from the library and 5 commitments" in declined.stderr
    assert declined.stdout.strip() == "Nothing was removed."
    assert len(json.loads(run("archive", "list", "--json", "--db", sqlite_url).stdout)) == 1

    unanswered = run("archive", "remove", "1", "--db", sqlite_url)
    assert unanswered.exit_code == 1
    assert unanswered.output.strip().splitlines()[-1] == (
        "Error: Nothing was removed. Add --yes to remove it without being asked."
    )

    removed = run("archive", "remove", "1", "--db", sqlite_url, input="y\n")
    assert removed.exit_code == 0, removed.output
    assert removed.stdout.splitlines()[0].startswith("Removed letter 1 (Stockton and Hartlepool")
    assert "The stored copy of response_letter_stockton_hartlepool_2025.txt went." in removed.stdout
    assert json.loads(run("archive", "list", "--json", "--db", sqlite_url).stdout) == []
    assert json.loads(run("commitments", "--all", "--json", "--db", sqlite_url).stdout) == []

    again = run("archive", str(SEED_LETTER), "--json", "--db", sqlite_url)
    assert again.exit_code == 0 and json.loads(again.stdout)["created"]
    letter_id = json.loads(again.stdout)["id"]
    quiet = run("archive", "remove", str(letter_id), "--yes", "--json", "--db", sqlite_url)
    assert quiet.exit_code == 0
    data = json.loads(quiet.stdout)
    assert data["letter"]["id"] == letter_id and data["commitments_removed"] == 5


@pytest.mark.parametrize(
    "args, message",
    [
        (["archive", "remove", "42", "--yes"], "Error: There is no archived letter 42."),
        (["archive", "remove", "1", "--yes"], "Error: Letter 1 was replaced by letter 2"),
        (["commitments", "reopen", "99"], "Error: There is no commitment 99."),
        (["commitments", "reopen", "1"], "Error: Commitment 1 belongs to a letter that was"),
    ],
)
def test_remove_and_reopen_errors_are_one_plain_line(sqlite_url, tmp_path, args, message):
    library = Library(sqlite_url)
    archive_letter(earlier_stockton_letter(tmp_path), library)
    archive_letter(SEED_LETTER, library, supersede=True)
    result = run(*args, "--db", sqlite_url)
    assert result.exit_code == 1
    assert result.output.strip().startswith(message)
    assert len(result.output.strip().splitlines()) == 1


def test_remove_help_has_an_example():
    for command in (["archive", "remove"], ["commitments", "reopen"]):
        result = run(*command, "--help")
        assert result.exit_code == 0 and "Example:" in result.output


# --- commitments reopen ---------------------------------------------------------------------------


def test_a_commitment_marked_done_can_be_reopened(sqlite_url):
    library = Library(sqlite_url)
    letter = archive_letter(SEED_LETTER, library).letter
    first = letter.actions[0].commitment_id
    mark_done(library, first, "Policy launched")
    assert get_commitment(library, first).done_on == date.today()

    result = run(
        "commitments", "reopen", str(first), "--note", "Not yet in use", "--db", sqlite_url
    )
    assert result.exit_code == 0
    assert result.output.strip() == f"Commitment {first} for {SEED_UNIT} is open again."
    item = get_commitment(library, first)
    assert item.status == "open" and item.done_on is None
    assert [n.note for n in item.notes] == ["Policy launched", "Reopened: Not yet in use"]
    assert first in {c.id for c in list_commitments(library)}

    again = run("commitments", "reopen", str(first), "--db", sqlite_url)
    assert again.exit_code == 0
    assert again.output.strip() == f"Commitment {first} is already open; nothing was changed."
    _, changed = reopen(library, first)
    assert not changed


def test_reopening_a_replaced_letters_commitment_is_refused(sqlite_url, tmp_path):
    library = Library(sqlite_url)
    earlier = archive_letter(earlier_stockton_letter(tmp_path), library)
    archive_letter(SEED_LETTER, library, supersede=True)
    with pytest.raises(DrafterError, match="belongs to a letter that was replaced"):
        reopen(library, earlier.letter.actions[0].commitment_id)


_sentence = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10), min_size=3, max_size=12
).map(lambda words: " ".join(words).capitalize() + ".")


@settings(max_examples=80, deadline=None)
@given(
    st.lists(_sentence, min_size=1, max_size=6),
    st.lists(_sentence, min_size=1, max_size=4),
    st.sampled_from(["    •\t", "• ", "- ", "\uf0b7\t"]),
)
def test_a_letter_saved_as_text_one_paragraph_a_line_is_read_back_exactly(
    actions, positives, marker
):
    lines = ["Ann Example", "3 March 2026", "Dear Ann,"]
    lines += ["We will act on your report on Northfold PDU. This will include the following."]
    lines += [marker + a for a in actions]
    lines += ["I am encouraged by your findings and note the following."]
    lines += [marker + p for p in positives]
    lines += ["I remain committed to this work.", "Yours sincerely", "Sam Writer", "Director"]
    letter = read_sent_letter_bytes("\r\n".join(lines).encode("utf-8"), name="letter.txt")
    assert letter.action_texts == actions
    assert letter.positive_findings == positives
    assert letter.signatory == "Sam Writer"


def test_a_sign_off_right_under_the_last_bullet_is_not_part_of_it():
    text = (
        "Ann Lee\n\n1 May 2026\n\nDear Ann,\n\nAfter the inspection of Fellgate PDU we will "
        "take these steps.\n\n- Audit supervision by May 2026.\nYours sincerely\nSam Okoro\n"
    )
    letter = read_sent_letter_bytes(text.encode(), name="l.txt")
    assert letter.action_texts == ["Audit supervision by May 2026."]
    assert letter.signatory == "Sam Okoro"


def test_a_dry_run_of_one_letter_stores_nothing(sqlite_url):
    result = run("archive", str(SEED_LETTER), "--dry-run", "--db", sqlite_url)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1].split("  ")[0] == SEED_LETTER.name
    assert "would archive" in lines[1] and "Stockton and Hartlepool PDU, 24 July 2025" in lines[1]
    assert lines[-2:] == [
        "Dry run: would archive 1, already archived 0, not a letter 0, would refuse 0, "
        "would fail 0.",
        "Nothing was stored. Run again without --dry-run to archive.",
    ]
    assert json.loads(run("archive", "list", "--json", "--db", sqlite_url).stdout) == []


def test_folder_errors_are_plain(tmp_path, sqlite_url, monkeypatch):
    from drafter.archive import folder as folder_module
    from drafter.archive.folder import archive_folder

    with pytest.raises(DrafterError, match="Cannot find the folder"):
        archive_folder(tmp_path / "nowhere", Library(sqlite_url))
    (tmp_path / "letters").mkdir()
    letter = tmp_path / "letters" / "seed.txt"
    letter.write_bytes(SEED_LETTER.read_bytes())
    # The file is replaced between reading it and storing it.
    monkeypatch.setattr(folder_module, "sha256_bytes", lambda data: "0" * 64)
    result = archive_folder(tmp_path / "letters", Library(sqlite_url))
    (entry,) = result.entries
    assert (entry.outcome, entry.reason) == (
        "failed",
        "it changed while the folder was being archived",
    )
    assert list_letters(Library(sqlite_url)) == []


def test_a_letter_with_a_long_address_block_is_still_a_letter():
    header = [Paragraph(f"Address line {n}") for n in range(1, 21)]
    body = [Paragraph("Dear Ann,"), Paragraph("We will do the following.")]
    body += [Paragraph(f"Action {n}.", bullet=True) for n in range(5)]
    kind = recognise([*header, *body, Paragraph("With best wishes"), Paragraph("Sam Okoro")])
    assert (kind.kind, kind.evidence) == ("letter", ["a salutation", "a sign-off"])


def test_removing_a_letter_gives_back_an_action_it_carried_over(db_url, tmp_path):
    """The replaced letter (same unit and date) committed one of the same
    actions: the new letter took it over; removing the new letter gives it back."""
    seed_actions = read_sent_letter(SEED_LETTER).action_texts
    earlier_path = tmp_path / "first-version.txt"
    earlier_path.write_text(
        letter_text(
            actions=[seed_actions[0], "Managers will audit ten cases a month."],
            unit=SEED_UNIT,
            when="24 July 2025",
        ),
        encoding="utf-8",
    )
    library = Library(db_url)
    earlier = archive_letter(earlier_path, library)
    before = full_export(db_url, tmp_path)
    result = archive_letter(SEED_LETTER, library, supersede=True)
    taken = result.letter.actions[0].action_id
    assert taken == earlier.letter.actions[0].action_id
    removed = remove_letter(library, result.letter.id)
    assert removed.actions_kept == [taken] and len(removed.actions_removed) == 4
    assert removed.restored_letter_id == earlier.letter.id
    assert full_export(db_url, tmp_path) == before
