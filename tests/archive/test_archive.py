"""Reading sent letters (.txt, .docx, .pdf) and archiving them in one transaction."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import docx
import pytest
from conftest import SEED_LETTER, need, soffice_convert
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from drafter.archive import store as archive_module
from drafter.archive.commitments import list_commitments
from drafter.archive.store import (
    SupersedeDecisionNeeded,
    archive_letter,
    export_archive,
    get_letter,
    list_letters,
    read_sent_letter,
    read_sent_letter_bytes,
)
from drafter.core.errors import ArchiveRefusedError, DrafterError, InputFileError
from drafter.core.model import Recommendation, Report
from drafter.library.database import ActionRow, CommitmentRow, LetterFileRow, LetterRow
from drafter.library.store import Library
from drafter.review.file import ChosenAction, ReviewDecision, ReviewFile

SEED_UNIT = "Stockton and Hartlepool PDU"


# --- building letters as people and drafter produce them -------------------------


def seed_blocks(text: str | None = None) -> list[tuple[str, bool]]:
    """The seed letter as (paragraph, is_bullet) pairs; address lines kept as
    soft line breaks inside one paragraph."""
    text = text if text is not None else SEED_LETTER.read_text(encoding="utf-8")
    blocks: list[tuple[str, bool]] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line for line in chunk.splitlines() if line.strip()]
        if all(line.startswith("- ") for line in lines):
            blocks.extend((line[2:].strip(), True) for line in lines)
        else:
            blocks.append(("\n".join(lines).replace("**", ""), False))
    return blocks


def seed_expected() -> tuple[list[str], list[str]]:
    bullets = [(t, b) for t, b in seed_blocks() if b]
    return [t for t, _ in bullets[:5]], [t for t, _ in bullets[5:]]


def build_docx(path: Path, blocks: list[tuple[str, bool]], bullets: str = "numbering") -> Path:
    """A letter .docx: ``bullets`` is "numbering" (Word's List Bullet style, as
    drafter drafts), or "dot" / "dash" typed by hand at the start of the line."""
    document = docx.Document()
    first_bullet = None
    for text_, is_bullet in blocks:
        if is_bullet and bullets == "numbering":
            paragraph = document.add_paragraph(text_, style="List Bullet")
        elif is_bullet:
            paragraph = document.add_paragraph(("• " if bullets == "dot" else "- ") + text_)
        else:
            paragraph = document.add_paragraph()
            lines = text_.split("\n")
            for i, line in enumerate(lines):
                run = paragraph.add_run(line)
                if i < len(lines) - 1:
                    run.add_break()
        if is_bullet and first_bullet is None:
            first_bullet = paragraph
    # drafter's drafts carry Word comments naming each action's source.
    document.add_comment(first_bullet.runs, text="Source: library action 12", author="drafter")
    document.save(path)
    return path


def bullet_paragraphs(document) -> list:
    return [p for p in document.paragraphs if p.style.name == "List Bullet"]


def set_paragraph_text(paragraph, new_text: str) -> None:
    for run in paragraph.runs[1:]:
        run._r.getparent().remove(run._r)
    paragraph.runs[0].text = new_text


@pytest.fixture(scope="module")
def letter_files(tmp_path_factory) -> dict[str, Path]:
    """The seed letter as .txt, as .docx with real and typed bullets, and as PDF."""
    folder = tmp_path_factory.mktemp("letters")
    need(SEED_LETTER.exists(), f"the seed letter is not at {SEED_LETTER}")
    files = {"txt": SEED_LETTER}
    files["docx"] = build_docx(folder / "numbered.docx", seed_blocks(), "numbering")
    files["docx-dot"] = build_docx(folder / "typed-dot.docx", seed_blocks(), "dot")
    files["docx-dash"] = build_docx(folder / "typed-dash.docx", seed_blocks(), "dash")
    # Government documents carry a security marking and a running footer on every page.
    marked = docx.Document(files["docx"])
    marked.sections[0].header.paragraphs[0].text = "OFFICIAL - SENSITIVE"
    marked.sections[0].footer.paragraphs[0].text = "Response to HM Inspectorate of Probation"
    marked.save(folder / "marked.docx")
    files["docx-marked"] = folder / "marked.docx"
    return files


@pytest.fixture(scope="module")
def pdf_files(letter_files, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pdf")
    sources = [letter_files["docx"], letter_files["docx-dot"], letter_files["docx-marked"]]
    numbered, typed, marked = soffice_convert(sources, "pdf", folder)
    return {"pdf": numbered, "pdf-dot": typed, "pdf-marked": marked}


def assert_is_seed_letter(letter) -> None:
    actions, positives = seed_expected()
    assert letter.unit == SEED_UNIT
    assert letter.letter_date == date(2025, 7, 24)
    assert letter.recipient == "Martin Jones"
    assert letter.signatory == "Helen Judge"
    assert letter.recommendation_count == 5
    assert letter.action_texts == actions
    assert letter.positive_findings == positives
    assert len(letter.actions) == 5 and len(letter.positive_findings) == 4
    assert "inspections of Stockton and Hartlepool PDU" in (letter.subject or "")
    assert letter.region == "North East"


# --- reading -------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["txt", "docx", "docx-dot", "docx-dash", "docx-marked"])
def test_reads_the_seed_letter_in_every_form(letter_files, variant):
    letter = read_sent_letter(letter_files[variant])
    assert_is_seed_letter(letter)
    assert letter.source_format == ("text" if variant == "txt" else "docx")


@pytest.mark.libreoffice
@pytest.mark.parametrize("variant", ["pdf", "pdf-dot", "pdf-marked"])
def test_reads_the_seed_letter_as_pdf(pdf_files, variant):
    letter = read_sent_letter(pdf_files[variant])
    assert_is_seed_letter(letter)
    assert letter.source_format == "pdf"


def test_sections_follow_structure_not_wording(tmp_path):
    """Reworded lead-ins, a different closing, numbered items and no subject line."""
    letter = tmp_path / "letter.txt"
    letter.write_text(
        textwrap.dedent(
            """\
            Priya Natarajan CBE
            HM Chief Inspector of Probation

            3rd March 2026

            Dear Priya,

            We welcome your report on the inspection of Fellgate PDU, which made three
            recommendations.

            Our response commits the unit to these steps:

            1. By the end of June 2026 every case will have a countersigned plan.
            2. Within six months the PDU will audit home visits
               and report the findings to the regional board.

            We were pleased to see your positive comments, namely:

            * staff morale was high

            Yours sincerely,

            Omar Reid
            Regional Probation Director
            """
        ),
        encoding="utf-8",
    )
    parsed = read_sent_letter(letter)
    assert parsed.unit == "Fellgate PDU"
    assert parsed.recipient == "Priya Natarajan"
    assert parsed.signatory == "Omar Reid"
    assert parsed.letter_date == date(2026, 3, 3)
    assert parsed.recommendation_count == 3
    assert parsed.action_texts == [
        "By the end of June 2026 every case will have a countersigned plan.",
        "Within six months the PDU will audit home visits and report the findings to "
        "the regional board.",
    ]
    assert parsed.positive_findings == ["staff morale was high"]


def test_recommendation_headings_in_the_letter_are_kept(tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text(
        "Ann Lee\n\n1 May 2026\n\nDear Ann,\n\nThank you for the report on Marlow Vale PDU.\n\n"
        "Recommendation 2 and 3: we will do the following.\n\n- Run risk clinics from May 2026\n\n"
        "Recommendation 1:\n\n- Audit supervision by July 2026\n\n"
        "Kind regards\n\nSam Okoro\nArea Executive Director\n",
        encoding="utf-8",
    )
    parsed = read_sent_letter(letter)
    assert [a.recommendation_numbers for a in parsed.actions] == [(2, 3), (1,)]
    assert parsed.signatory == "Sam Okoro"


def test_tracked_deletions_are_left_out(tmp_path):
    path = build_docx(tmp_path / "letter.docx", seed_blocks())
    document = docx.Document(path)
    first = bullet_paragraphs(document)[0]
    # A tracked deletion: the run moves inside <w:del> and its text becomes delText.
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    deletion = OxmlElement("w:del")
    deletion.set(qn("w:id"), "90")
    deletion.set(qn("w:author"), "Editor")
    run = first.add_run(" DELETED WORDS")._r
    run.remove(run.find(qn("w:t")))
    deleted_text = OxmlElement("w:delText")
    deleted_text.text = " DELETED WORDS"
    run.append(deleted_text)
    first._p.remove(run)
    deletion.append(run)
    first._p.append(deletion)
    document.save(path)
    parsed = read_sent_letter(path)
    assert "DELETED" not in parsed.actions[0].text
    assert parsed.actions[0].text == seed_expected()[0][0]


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"just some words with no structure at all", "note.txt", "no action bullets"),
        (b"PK\x03\x04 not really a zip", "letter.docx", "not a readable Word document"),
        (b"%PDF-1.4 garbage", "letter.pdf", "not a readable PDF"),
        (b"\x00\x01\x02binary", "letter.bin", "not a text, Word or PDF"),
        (b"plain text pretending", "letter.docx", "not a readable DOCX"),
    ],
)
def test_unreadable_letters_are_refused_plainly(tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=message):
        read_sent_letter(path)


def test_missing_and_empty_files_are_refused(tmp_path):
    with pytest.raises(InputFileError, match="Cannot find"):
        read_sent_letter(tmp_path / "nope.docx")
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(InputFileError, match="empty"):
        read_sent_letter(tmp_path / "empty.txt")


# --- archiving -----------------------------------------------------------------------


def snapshot(url: str) -> dict[str, list]:
    """Everything archiving could touch, to prove nothing changed."""
    library = Library(url)
    with library.db.session() as s:
        result = {
            "files": sorted(s.scalars(select(LetterFileRow.sha256)).all()),
            "letters": sorted((r.id, r.status) for r in s.scalars(select(LetterRow)).all()),
            "actions": sorted((r.id, r.status) for r in s.scalars(select(ActionRow)).all()),
            "commitments": sorted((r.id, r.status) for r in s.scalars(select(CommitmentRow)).all()),
        }
    library.db.dispose()
    return result


def other_unit_letter(tmp_path: Path, unit_words: str, name: str) -> Path:
    text = SEED_LETTER.read_text(encoding="utf-8").replace("Stockton and Hartlepool", unit_words)
    text = text.replace("Stockton & Hartlepool", unit_words)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_archive_stores_file_letter_actions_and_commitments(db_url, letter_files):
    library = Library(db_url)
    result = archive_letter(letter_files["docx"], library, sent_date=date(2025, 7, 28))
    assert result.created
    letter = result.letter
    assert letter.unit == SEED_UNIT and letter.sent_date == date(2025, 7, 28)
    assert letter.letter_date == date(2025, 7, 24)
    assert [a.text for a in letter.actions] == seed_expected()[0]
    assert letter.positive_findings == seed_expected()[1]
    with library.db.session() as s:
        stored = s.get(LetterFileRow, letter.sha256)
        assert bytes(stored.content) == letter_files["docx"].read_bytes()
        assert stored.file_name == "numbered.docx"
        rows = s.scalars(select(ActionRow).where(ActionRow.letter_id == letter.id)).all()
        assert {r.source_kind for r in rows} == {"letter"}
        assert {r.unit for r in rows} == {SEED_UNIT}
        commitments = s.scalars(select(CommitmentRow).order_by(CommitmentRow.id)).all()
    assert len(rows) == 5
    first = commitments[0]
    assert first.due_date == date(2025, 8, 31) and first.due_text == "In August 2025"
    assert [c.due_date for c in commitments[1:]] == [None] * 4
    # The library now offers these actions for the next draft.
    found = library.search("Countersigning Policy Framework")
    assert [a.source_kind for a in found] == ["letter"]
    assert "unknown" in {a.link for a in letter.actions}  # no report given: links unknown


def test_archiving_the_same_file_twice_changes_nothing(db_url, letter_files):
    library = Library(db_url)
    first = archive_letter(letter_files["txt"], library)
    before = snapshot(db_url)
    again = archive_letter(letter_files["txt"], library)
    assert not again.created
    assert again.letter.id == first.letter.id
    assert re.search(r"already archived as letter \d+ on \d+ \w+ \d{4}", again.message)
    assert snapshot(db_url) == before


def test_second_letter_for_a_unit_needs_a_supersede_decision(db_url, letter_files, tmp_path):
    library = Library(db_url)
    first = archive_letter(letter_files["txt"], library)
    before = snapshot(db_url)
    # The corrected letter rewords its first action; the other four are unchanged.
    blocks = seed_blocks()
    first_action = next(i for i, (_, is_bullet) in enumerate(blocks) if is_bullet)
    blocks[first_action] = ("By October 2025 all managers will countersign plans.", True)
    corrected = build_docx(tmp_path / "corrected.docx", blocks)
    with pytest.raises(SupersedeDecisionNeeded) as asked:
        archive_letter(corrected, library)
    assert asked.value.existing_id == first.letter.id
    assert "Does this one replace it?" in asked.value.question
    assert snapshot(db_url) == before  # asking changed nothing

    second = archive_letter(corrected, library, supersede=True)
    assert second.superseded_id == first.letter.id
    old = get_letter(library, first.letter.id)
    assert old.status == "superseded"
    assert second.letter.supersedes_id == first.letter.id
    actions = {a.id: a for a in library.actions(status=None)}
    old_ids = {a.action_id for a in old.actions}
    new_ids = {a.action_id for a in second.letter.actions}
    dropped = old_ids - new_ids
    assert len(dropped) == 1 and len(old_ids & new_ids) == 4
    assert {actions[i].status for i in dropped} == {"superseded"}
    assert {actions[i].status for i in new_ids} == {"active"}
    assert {actions[i].source_ref for i in new_ids} == {f"letter {second.letter.id}"}
    commitments = list_commitments(library, include_closed=True)
    assert sorted(c.status for c in commitments if c.letter_id == old.id) == ["superseded"] * 5
    assert [c.status for c in commitments if c.letter_id == second.letter.id] == ["open"] * 5

    blocks[first_action] = ("By November 2025 all managers will countersign plans.", True)
    another = build_docx(tmp_path / "another.docx", blocks, "dash")
    third = archive_letter(another, library, supersede=False)
    assert third.superseded_id is None
    assert [letter.status for letter in list_letters(library)] == [
        "superseded",
        "current",
        "current",
    ]


def test_actions_link_to_report_recommendations(sqlite_url, letter_files):
    recommendations = [
        "introduce management oversight and countersigning so that practice expectations "
        "are clear and assessments are checked",
        "work with partner agencies and other organisations to manage risk and keep people safe",
        "review the regional quality improvement plan, training and delivery on risk management",
        "improve sentence planning so plans are specific, measurable and evidence based",
        "make sure all practitioners complete core skills training, including motivational "
        "interviewing and engagement skills",
    ]
    report = Report(
        kind="pdu",
        unit=SEED_UNIT,
        recommendations=[
            Recommendation(i, SEED_UNIT, t) for i, t in enumerate(recommendations, start=1)
        ],
        sha256="ab" * 32,
    )
    result = archive_letter(letter_files["txt"], Library(sqlite_url), report=report)
    assert [a.recommendation_numbers[0] for a in result.letter.actions] == [1, 2, 3, 4, 5]
    assert {a.link for a in result.letter.actions} == {"matched"}
    assert result.letter.actions[4].recommendation == recommendations[4]
    with Library(sqlite_url).db.session() as s:
        assert s.scalar(select(LetterRow.report_sha256)) == "ab" * 32


def test_actions_link_through_the_review_file(sqlite_url, letter_files):
    actions, _ = seed_expected()
    review = ReviewFile(
        report_sha256="cd" * 32,
        unit=SEED_UNIT,
        decisions=[
            ReviewDecision(
                number=n,
                addressee=SEED_UNIT,
                recommendation=f"recommendation number {n} in my own words",
                status="decided",
                actions=[ChosenAction(text=actions[5 - n])],
            )
            for n in range(1, 6)
        ],
    )
    result = archive_letter(letter_files["txt"], Library(sqlite_url), review=review)
    assert [a.recommendation_numbers for a in result.letter.actions] == [[5], [4], [3], [2], [1]]
    assert {a.link for a in result.letter.actions} == {"review"}
    assert result.letter.actions[0].recommendation == "recommendation number 5 in my own words"


def test_list_show_and_export(sqlite_url, letter_files, tmp_path):
    library = Library(sqlite_url)
    first = archive_letter(letter_files["txt"], library)
    other = other_unit_letter(tmp_path, "Tarnbridge", SEED_LETTER.name)  # same file name
    second = archive_letter(other, library)
    assert second.letter.unit == "Tarnbridge PDU"
    assert [letter.id for letter in list_letters(library)] == [first.letter.id, second.letter.id]
    assert get_letter(library, second.letter.id).actions[0].due_date == date(2025, 8, 31)
    with pytest.raises(DrafterError, match="no archived letter 99"):
        get_letter(library, 99)

    target = tmp_path / "export"
    result = export_archive(library, target)
    names = sorted(p.name for p in target.iterdir())
    stem = SEED_LETTER.stem
    assert names == sorted(
        ["commitments.csv", "index.csv", "index.json", SEED_LETTER.name, f"{stem} (2).txt"]
    )
    assert (target / f"{stem} (2).txt").read_bytes() == other.read_bytes()
    index = json.loads(result.index_json.read_text(encoding="utf-8"))["letters"]
    assert [e["exported_file"] for e in index] == [SEED_LETTER.name, f"{stem} (2).txt"]
    assert index[0]["unit"] == SEED_UNIT and len(index[0]["actions"]) == 5
    commitments = json.loads(result.index_json.read_text(encoding="utf-8"))["commitments"]
    assert len(commitments) == 10 and commitments[0]["due_date"] == "2025-08-31"
    assert result.commitments_csv.read_text(encoding="utf-8").count("\n") == 11
    csv_text = result.index_csv.read_text(encoding="utf-8")
    assert csv_text.splitlines()[0].startswith("id,exported_file,original_file_name,sha256")
    assert "Tarnbridge PDU" in csv_text

    with pytest.raises(DrafterError, match="is not empty"):
        export_archive(library, target)
    export_archive(library, target, force=True)  # allowed with force
    (tmp_path / "afile").write_text("x")
    with pytest.raises(DrafterError, match="is a file"):
        export_archive(library, tmp_path / "afile")


# --- nothing lost ----------------------------------------------------------------------

ARCHIVE_SCRIPT = """
import os, sys, time
from drafter.archive import store as archive
from drafter.library.store import Library
mode, url, path = sys.argv[1], sys.argv[2], sys.argv[3]
if mode == "crash":
    archive._crash_hook = lambda: os._exit(3)
elif mode.startswith("hang:"):  # say so in a marker file, then wait to be killed
    def hang():
        open(mode[5:], "w").close()
        time.sleep(600)
    archive._crash_hook = hang
else:
    archive._crash_hook = lambda: time.sleep(float(mode))
archive.archive_letter(path, Library(url))
print("done")
"""


def run_archiver(mode: str, url: str, path: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(Path(archive_module.__file__).parents[2]))
    return subprocess.Popen(
        [sys.executable, "-c", ARCHIVE_SCRIPT, mode, url, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_a_process_killed_mid_archive_leaves_the_database_as_it_was(db_url, letter_files, tmp_path):
    library = Library(db_url)
    archive_letter(letter_files["txt"], library)  # something already there
    library.db.dispose()
    before = snapshot(db_url)
    other = other_unit_letter(tmp_path, "Tarnbridge", "tarnbridge.txt")
    process = run_archiver("crash", db_url, other)
    process.wait(timeout=120)
    assert process.returncode == 3, process.stderr.read()
    assert snapshot(db_url) == before
    # And the same letter archives cleanly afterwards.
    result = archive_letter(other, Library(db_url))
    assert result.created and len(result.letter.actions) == 5


def test_a_process_killed_by_a_signal_mid_archive_leaves_the_database_as_it_was(
    db_url, letter_files, tmp_path
):
    import time

    library = Library(db_url)
    archive_letter(letter_files["txt"], library)
    library.db.dispose()
    before = snapshot(db_url)
    marker = tmp_path / "inside-transaction"
    other = other_unit_letter(tmp_path, "Tarnbridge", "tarnbridge.txt")
    process = run_archiver(f"hang:{marker}", db_url, other)
    deadline = time.monotonic() + 120
    while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), process.stderr.read() if process.poll() is not None else "timeout"
    process.kill()  # SIGKILL: no clean-up code runs in the archiver
    process.wait(timeout=60)
    assert snapshot(db_url) == before
    assert archive_letter(other, Library(db_url)).created


def test_two_processes_archiving_at_once_both_land(db_url, tmp_path):
    Library(db_url).db.dispose()  # migrate first, as any earlier use would have
    first = other_unit_letter(tmp_path, "Tarnbridge", "tarnbridge.txt")
    second = other_unit_letter(tmp_path, "Ellerby Moor", "ellerby.txt")
    # Each holds its transaction open for a moment, so the two overlap.
    processes = [run_archiver("0.7", db_url, first), run_archiver("0.7", db_url, second)]
    for process in processes:
        process.wait(timeout=120)
        assert process.returncode == 0, process.stderr.read()
    units = sorted(letter.unit for letter in list_letters(Library(db_url)))
    assert units == ["Ellerby Moor PDU", "Tarnbridge PDU"]
    library = Library(db_url)
    with library.db.session() as s:
        assert s.scalar(select(func.count(CommitmentRow.id))) == 10


def test_two_processes_archiving_the_same_file_store_it_once(db_url, letter_files):
    Library(db_url).db.dispose()
    processes = [run_archiver("0.7", db_url, letter_files["txt"]) for _ in range(2)]
    for process in processes:
        process.wait(timeout=120)
        assert process.returncode == 0, process.stderr.read()
    letters = list_letters(Library(db_url))
    assert len(letters) == 1 and len(letters[0].actions) == 5


def test_sqlite_runs_in_wal_mode(sqlite_url, letter_files):
    library = Library(sqlite_url)
    archive_letter(letter_files["txt"], library)
    with library.db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"


# --- round trip: draft, edit as a person would, archive ---------------------------------


def drafted_letter(tmp_path: Path) -> tuple[Path, list[str]]:
    """A letter drafted by drafter itself (``draft_letter``) for the seed report,
    from a review that answers every recommendation with an action of our own
    (so the letter does not depend on what the library holds); returns the
    .docx and the actions it drafted."""
    from conftest import SEED_REPORT

    from drafter.letter.drafting import draft_letter
    from drafter.letter.settings import Config, Signatory
    from drafter.reading.reader import read_report

    need(SEED_REPORT.exists(), f"the seed report is not at {SEED_REPORT}")
    library = Library(f"sqlite:///{tmp_path / 'drafting.db'}")
    library.load_starter()
    report = read_report(SEED_REPORT)
    actions = [
        f"Team managers will check point {n} of the plan with every practitioner."
        for n in range(1, len(report.recommendations) + 1)
    ]
    review = ReviewFile(
        report_sha256=report.sha256,
        unit=report.unit,
        decisions=[
            ReviewDecision(
                number=r.number,
                addressee=r.addressee,
                recommendation=r.text,
                status="decided",
                agreement="Agreed",
                actions=[ChosenAction(text=text_)],
            )
            for r, text_ in zip(report.recommendations, actions, strict=True)
        ],
    )
    config = Config(
        signatories={"default": Signatory(name="Pat Example", title="Director", area="North East")}
    )
    path = tmp_path / "draft.docx"
    draft_letter(
        SEED_REPORT,
        path,
        library=library,
        review=review,
        config=config,
        letter_date=date(2025, 9, 1),
    )
    return path, actions


def test_round_trip_archived_actions_are_exactly_the_edited_bullets(sqlite_url, tmp_path):
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    path, drafted = drafted_letter(tmp_path)
    assert len(drafted) >= 3
    document = docx.Document(path)
    by_text = {p.text: p for p in document.paragraphs}
    actions = [by_text[text] for text in drafted]
    # Reword one action.
    reworded = "By the end of March 2026 every practitioner will complete a refreshed risk course."
    set_paragraph_text(actions[1], reworded)
    # Delete one.
    actions[2]._p.getparent().remove(actions[2]._p)
    # Add one after the last action, copying a bullet's XML so Word's numbering
    # is kept (without the copy's comment, which belongs to the original).
    added = "Within six months the PDU will audit the quality of home visits."
    new_p = copy.deepcopy(actions[0]._p)
    for tag in ("w:commentRangeStart", "w:commentRangeEnd"):
        for element in new_p.findall(qn(tag)):
            new_p.remove(element)
    last = actions[-1] if len(actions) > 3 else actions[1]
    last._p.addnext(new_p)
    set_paragraph_text(Paragraph(new_p, last._parent), added)
    edited = tmp_path / "sent.docx"
    document.save(edited)

    expected = [drafted[0], reworded, *drafted[3:], added]
    result = archive_letter(edited, Library(sqlite_url))
    assert [a.text for a in result.letter.actions] == expected
    assert result.letter.unit == "Redcar, Cleveland and Middlesbrough PDU"
    assert result.letter.letter_date == date(2025, 9, 1)
    assert result.letter.signatory == "Pat Example"
    assert result.letter.recipient == "Martin Jones"
    # drafter's comment on each untouched action still says what it answers.
    first = result.letter.actions[0]
    assert (first.link, first.recommendation_numbers) == ("letter", [1])
    assert first.recommendation.startswith("make arrangements with police")
    dues = {a.text: a.due_date for a in result.letter.actions}
    assert dues[reworded] == date(2026, 3, 31)
    assert dues[added] == date(2026, 3, 1)  # six months from 1 September 2025
    stored = {a.text for a in Library(sqlite_url).actions() if a.source_kind == "letter"}
    assert stored == set(expected)


# --- properties of the letter reader ------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_reader_never_crashes_on_any_bytes(data):
    try:
        letter = read_sent_letter_bytes(data, name="letter.txt")
    except InputFileError:
        return
    assert letter.actions


_sentence = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10), min_size=3, max_size=12
).map(lambda words: " ".join(words).capitalize() + ".")


@settings(max_examples=100, deadline=None)
@given(
    st.lists(_sentence, min_size=1, max_size=6),
    st.lists(_sentence, min_size=0, max_size=4),
    st.sampled_from(["- ", "• ", "* ", "– "]),
)
def test_bullets_after_the_lead_ins_are_read_back_exactly(actions, positives, marker):
    lines = [
        "Ann Example",
        "",
        "3 March 2026",
        "",
        "Dear Ann,",
        "",
        "We will act on your report on Northfold PDU. This will include the following.",
        "",
    ]
    lines += [marker + a for a in actions]
    if positives:
        lines += ["", "I am encouraged by your findings and note the following.", ""]
        lines += [marker + p for p in positives]
    lines += ["", "Yours sincerely", "", "Sam Writer", "Area Executive Director"]
    letter = read_sent_letter_bytes("\n".join(lines).encode("utf-8"), name="letter.txt")
    assert letter.action_texts == actions
    assert letter.positive_findings == positives
    assert letter.unit == "Northfold PDU" and letter.signatory == "Sam Writer"


def test_placeholders_and_highlights_left_in_the_letter_are_warned_about(tmp_path):
    from docx.enum.text import WD_COLOR_INDEX

    document = docx.Document()
    for line in (
        "Ann Lee",
        "1 May 2026",
        "Dear Ann,",
        "After the inspection of Fellgate PDU we will do the following.",
    ):
        document.add_paragraph(line)
    placeholder = document.add_paragraph(style="List Bullet")
    placeholder.add_run(
        "[Action for recommendation 2: write it]"
    ).font.highlight_color = WD_COLOR_INDEX.YELLOW
    document.add_paragraph("Audit supervision by May 2026.", style="List Bullet")
    flagged = document.add_paragraph(style="List Bullet")
    flagged.add_run("Train all staff by June 2026.").font.highlight_color = WD_COLOR_INDEX.YELLOW
    path = tmp_path / "unfinished.docx"
    document.save(path)
    letter = read_sent_letter(path)
    assert letter.action_texts == [
        "Audit supervision by May 2026.",
        "Train all staff by June 2026.",
    ]
    assert letter.warnings == [
        "1 bullet is still a placeholder in [brackets], not archived as an action; "
        "check the letter was finished before it was sent.",
        "1 bullet is still highlighted, as drafter marks text to fill in; "
        "check the letter was finished before it was sent.",
    ]


def test_archiving_straight_into_a_database_without_a_library(sqlite_url, letter_files):
    from drafter.library.database import Database

    result = archive_letter(letter_files["txt"], Database(sqlite_url))
    assert result.created and len(result.letter.actions) == 5
    stored = Library(sqlite_url).actions()
    assert [a.source_ref for a in stored] == [f"letter {result.letter.id}"] * 5
    assert [a.text for a in stored] == seed_expected()[0]


@pytest.mark.parametrize(
    "first_lead, second_lead, expected_actions",
    [
        (
            "Please note that the following actions will be taken.",
            "I was pleased to note these strengths.",
            ["Act one.", "Act two."],
        ),
        (
            "In response, the PDU will take these steps.",
            "Alongside the recommendations, I note the following strengths and good practice.",
            ["Act one.", "Act two."],
        ),
        ("I note the following.", None, ["Act one.", "Act two."]),
    ],
)
def test_lead_ins_are_weighed_not_matched_exactly(
    tmp_path, first_lead, second_lead, expected_actions
):
    parts = [
        "Ann Lee",
        "1 May 2026",
        "Dear Ann,",
        "Thank you for the inspection report for Fellgate PDU.",
        first_lead,
        "- Act one.\n- Act two.",
    ]
    if second_lead:
        parts += [second_lead, "- Good one."]
    parts += ["Yours sincerely", "Sam Okoro\nArea Executive Director"]
    path = tmp_path / "letter.txt"
    path.write_text("\n\n".join(parts), encoding="utf-8")
    letter = read_sent_letter(path)
    assert letter.action_texts == expected_actions
    assert letter.positive_findings == (["Good one."] if second_lead else [])


@pytest.mark.libreoffice
def test_a_drafted_letter_sent_as_pdf_archives_its_actions(sqlite_url, tmp_path):
    path, drafted = drafted_letter(tmp_path)
    (pdf,) = soffice_convert([path], "pdf", tmp_path / "pdf")
    result = archive_letter(pdf, Library(sqlite_url))
    assert [a.text for a in result.letter.actions] == drafted
    assert result.letter.unit == "Redcar, Cleveland and Middlesbrough PDU"
    assert result.letter.recommendation_count == 3
    with Library(sqlite_url).db.session() as s:
        assert s.scalar(select(LetterFileRow.media_type)) == "application/pdf"


def test_recommendations_repeated_in_the_letter_are_not_actions_but_link_them(sqlite_url, tmp_path):
    path = tmp_path / "letter.txt"
    path.write_text(
        "Ann Lee\n\n1 May 2026\n\nDear Ann,\n\n"
        "Thank you for the inspection report for Fellgate PDU. You recommended that the PDU "
        "should:\n\n"
        "- improve the quality of risk assessment so that all victims are identified\n"
        "- make sure home visits take place where there are safeguarding concerns\n\n"
        "In response we will take the following steps.\n\n"
        "- Home visits will be required in every case with safeguarding concerns from July 2026.\n"
        "- By June 2026 every risk assessment will be countersigned to check victims are "
        "identified.\n\n"
        "Yours sincerely\n\nSam Okoro\nArea Executive Director\n",
        encoding="utf-8",
    )
    letter = read_sent_letter(path)
    assert len(letter.actions) == 2 and letter.actions[0].text.startswith("Home visits")
    assert letter.quoted_recommendations[1].startswith("make sure home visits")
    result = archive_letter(path, Library(sqlite_url))
    assert [a.recommendation_numbers for a in result.letter.actions] == [[2], [1]]
    assert [a.due_date for a in result.letter.actions] == [date(2026, 7, 31), date(2026, 6, 30)]


@pytest.mark.parametrize(
    "subject, unit",
    [
        ("HMI PROBATION INSPECTION OF STOCKTON AND HARTLEPOOL PDU", "Stockton and Hartlepool PDU"),
        ("Inspection of probation services: Newcastle upon Tyne PDU", "Newcastle upon Tyne PDU"),
        ("Re: your report on the Fellgate Probation Delivery Unit", "Fellgate PDU"),
        (
            "An inspection of probation services: Kent, Surrey and Sussex region",
            "Kent, Surrey and Sussex region",
        ),
        ("Inspection of youth justice services in Stourmere YJS", "Stourmere YJS"),
    ],
)
def test_unit_is_found_however_the_subject_names_it(subject, unit):
    text = (
        f"Ann Lee\n\n1 May 2026\n\nDear Ann,\n\n{subject}\n\n"
        "The steps we will take include the following.\n\n- Audit supervision by July 2026\n\n"
        "Yours sincerely\n\nSam Okoro\nArea Executive Director\n"
    )
    assert read_sent_letter_bytes(text.encode("utf-8"), name="l.txt").unit == unit


@pytest.mark.parametrize(
    "header, salutation, recipient",
    [
        (
            "Martin Jones CBE                24 July 2025\nHM Chief Inspector of Probation",
            "Dear Martin,",
            "Martin Jones",
        ),
        (
            "HM Prison & Probation Service\nJustin Russell\nHM Chief Inspector\n\n24 July 2025",
            "Dear Mr Russell",
            "Justin Russell",
        ),
        (
            "HM Chief Inspector of Probation\nMartin Jones\n\n24 July 2025",
            "Dear Chief Inspector,",
            "Martin Jones",
        ),
    ],
)
def test_recipient_from_the_address_block(header, salutation, recipient):
    text = (
        f"{header}\n\n{salutation}\n\nThank you for the inspection report for Fellgate PDU. "
        "The steps we will take include the following.\n\n- Audit supervision by July 2026\n\n"
        "Yours sincerely\n\nSam Okoro\nArea Executive Director\n"
    )
    letter = read_sent_letter_bytes(text.encode("utf-8"), name="l.txt")
    assert letter.recipient == recipient
    assert letter.letter_date == date(2025, 7, 24)


def test_an_action_plan_table_is_archived_with_owners_and_target_dates(sqlite_url, tmp_path):
    document = docx.Document()
    document.add_paragraph("Action plan: HMIP inspection of Fellgate PDU - May 2026")
    table = document.add_table(rows=4, cols=4)
    rows = [
        ("Recommendation", "Action", "Owner", "Target date"),
        (
            "1. Fellgate PDU should improve risk assessment",
            "Run risk clinics every week.",
            "Head of PDU",
            "September 2026",
        ),
        (
            "2. Fellgate PDU should improve home visits",
            "Audit home visits.",
            "[Owner]",
            "[Target date]",
        ),
        ("3. The region should share information", "[Action]", "[Owner]", "[Target date]"),
    ]
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    table.rows[2].cells[1].add_paragraph("Report on visits to the board within six months.")
    path = tmp_path / "plan.docx"
    document.save(path)

    with pytest.raises(ArchiveRefusedError, match=r"3 placeholders to fill in \(\[Owner\]"):
        archive_letter(path, Library(sqlite_url), sent_date=date(2026, 6, 1))
    result = archive_letter(path, Library(sqlite_url), sent_date=date(2026, 6, 1), force=True)
    assert result.forced == [
        "it still has 3 placeholders to fill in ([Owner], [Target date], [Action])"
    ]
    letter = result.letter
    assert letter.unit == "Fellgate PDU" and letter.letter_date is None
    assert [a.text for a in letter.actions] == [
        "Run risk clinics every week.",
        "Audit home visits.",
        "Report on visits to the board within six months.",
    ]
    assert [a.recommendation_numbers for a in letter.actions] == [[1], [2], [2]]
    assert letter.actions[0].recommendation == "improve risk assessment"
    assert [a.due_date for a in letter.actions] == [date(2026, 9, 30), None, date(2026, 12, 1)]
    assert "1 action is still a placeholder in [brackets] in the table" in result.warnings[0]
    owners = {a.text: a.owner for a in Library(sqlite_url).actions()}
    assert owners["Run risk clinics every week."] == "Head of PDU"
    assert owners["Audit home visits."] is None


def test_an_action_that_lost_its_heading_goes_to_the_recommendation_it_answers(
    sqlite_url, tmp_path
):
    """With no heading or comment to go on, the wording decides: the distinctive
    idea shared with one recommendation beats common words shared with another,
    and when the counts agree each recommendation gets one action."""
    recommendations = [
        "make sure that case records show how risk of harm to children is managed",
        "improve the quality of supervision so that managers check the work of new staff",
        "review the use of the reporting centre so that people in rural areas can report "
        "closer to home",
        "provide reporting in outlying villages so that people on probation do not have to "
        "travel long distances to the office",
        "develop work with local employers so that people on probation can find jobs",
    ]
    report = Report(
        kind="pdu",
        unit="Fellgate PDU",
        recommendations=[
            Recommendation(i, "Fellgate PDU", t) for i, t in enumerate(recommendations, start=1)
        ],
    )
    path = tmp_path / "letter.txt"
    path.write_text(
        "Ann Lee\n\n1 May 2026\n\nDear Ann,\n\n"
        "Thank you for the inspection report for Fellgate PDU. "
        "In response we will take the following steps.\n\n"
        "- Job fairs with local businesses will be held each quarter.\n"
        "- Two village reporting points will open in church halls, so that nobody travels "
        "more than ten miles.\n"
        "- Every case record will say how the risk to children is managed.\n"
        "- Managers will countersign the first ten assessments of each new officer.\n"
        "- The reporting centre timetable will be reviewed with staff in the rural teams.\n\n"
        "Yours sincerely\n\nSam Okoro\nArea Executive Director\n",
        encoding="utf-8",
    )
    result = archive_letter(path, Library(sqlite_url), report=report)
    firsts = [a.recommendation_numbers[0] for a in result.letter.actions]
    assert firsts == [5, 4, 1, 2, 3]
    assert {a.link for a in result.letter.actions} == {"matched"}
    assert result.letter.actions[1].recommendation_refs[0].label == "recommendation 4"


def test_the_reviewers_target_date_is_the_due_date_when_the_action_names_none(
    sqlite_url, letter_files
):
    actions, _ = seed_expected()
    targets = ["June 2026", "31/12/2025", "March 2026", "", "March 2026"]
    review = ReviewFile(
        report_sha256="cd" * 32,
        unit=SEED_UNIT,
        decisions=[
            ReviewDecision(
                number=n,
                addressee=SEED_UNIT,
                recommendation=f"recommendation number {n} in my own words",
                status="decided" if n != 5 else "pending",
                target_date=targets[n - 1] or None,
                actions=[ChosenAction(text=actions[n - 1])],
            )
            for n in range(1, 6)
        ],
    )
    result = archive_letter(letter_files["txt"], Library(sqlite_url), review=review)
    letter_date = result.letter.letter_date
    wanted = {
        "March 2026": date(2026, 3, 31),
        "31/12/2025": date(2025, 12, 31),
        "June 2026": date(2026, 6, 30),
        "": None,
    }
    for n, action in enumerate(result.letter.actions, start=1):
        assert action.link == "review"
        own, _ = archive_module.extract_due_date(action.text, letter_date)
        if own is not None:  # a date in the action's own words wins
            assert action.due_date == own
        elif n == 5:  # a decision still pending sets nothing
            assert action.due_date is None
        else:
            assert action.due_date == wanted[targets[n - 1]], action.text
    assert sum(1 for a in result.letter.actions if a.due_date) >= 3
    stored = list_commitments(Library(sqlite_url))
    assert {c.due_date for c in stored} >= {date(2026, 3, 31), date(2025, 12, 31)}


def test_a_sent_letter_that_is_a_zip_bomb_is_refused_before_parsing(sqlite_url, tmp_path):
    """A .docx whose zip declares far more than any letter unzips to."""
    import io
    import struct
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as bundle:
        bundle.writestr("[Content_Types].xml", b"<Types/>")
        bundle.writestr("word/document.xml", b"<w:document/>")
    data = bytearray(buffer.getvalue())
    entry = data.rindex(b"PK\x01\x02")
    struct.pack_into("<I", data, entry + 24, 300 * 1024 * 1024)  # claims 300 MB
    path = tmp_path / "bomb.docx"
    path.write_bytes(bytes(data))
    with pytest.raises(InputFileError, match="'bomb.docx' expands to more than 200 MB"):
        read_sent_letter(path)
    from click.testing import CliRunner

    from drafter.cli.commands import cli

    result = CliRunner().invoke(cli, ["archive", str(path), "--db", sqlite_url])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "expands to more than 200 MB" in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("copy", ["docx", "docx-dot", "docx-marked"])
def test_the_same_letter_from_another_file_is_not_archived_twice(db_url, letter_files, copy):
    library = Library(db_url)
    first = archive_letter(letter_files["txt"], library)
    before = snapshot(db_url)
    again = archive_letter(letter_files[copy], library, supersede=False)
    assert again.same_letter and not again.created
    assert again.letter.id == first.letter.id
    assert again.message.startswith(
        f"This is the same letter as letter {first.letter.id} "
        f"(archived from {SEED_LETTER.name}); nothing was changed."
    )
    assert snapshot(db_url) == before
    forced = archive_letter(letter_files[copy], library, supersede=False, again=True)
    assert forced.created and not forced.same_letter
    assert len(list_commitments(library)) == 10


def test_the_pdf_copy_of_an_archived_letter_is_the_same_letter(sqlite_url, letter_files, pdf_files):
    library = Library(sqlite_url)
    first = archive_letter(letter_files["docx"], library)
    again = archive_letter(pdf_files["pdf"], library, supersede=False)
    assert again.same_letter and again.letter.id == first.letter.id
    assert len(list_commitments(library)) == 5
