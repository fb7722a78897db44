"""``drafter archive FOLDER``: a region's past letters loaded in one step.

The folder mixes letters drafted by drafter itself (as .docx, converted to PDF
and to text by LibreOffice), an action plan laid out as a Word table, an
inspection report, a draft still holding placeholders, a corrupt file and a
duplicate."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from conftest import REPORTS_DIR, SEED_REPORT, need, soffice_convert

from drafter.archive import folder as folder_module
from drafter.archive.folder import archive_folder
from drafter.cli.commands import cli
from drafter.library.store import Library
from drafter.review.file import ChosenAction, ReviewDecision, ReviewFile

OWNERS = ("Head of PDU", "Senior Probation Officer, Court Team", "Regional Quality Lead")
TARGETS = ("March 2026", "30/06/2026", "September 2026")


def finished_review(report, *, agreements: dict[int, str] | None = None) -> ReviewFile:
    """A review answering every recommendation with an action of our own
    words, with an owner and a target date, so the letter has no placeholder."""
    from drafter.reading.reader import read_report

    parsed = read_report(report)
    agreements = agreements or {}
    decisions = []
    for position, recommendation in enumerate(parsed.recommendations, start=1):
        agreement = agreements.get(position, "Agreed")
        decisions.append(
            ReviewDecision(
                number=recommendation.number,
                addressee=recommendation.addressee,
                recommendation=recommendation.text,
                status="decided",
                agreement=agreement,
                actions=[]
                if agreement == "Not agreed"
                else [
                    ChosenAction(
                        text=f"Practice leads in {parsed.unit_short or parsed.unit} will "
                        f"audit step {position} of the plan with every team each quarter."
                    )
                ],
                owner=OWNERS[position % 3],
                target_date=TARGETS[position % 3],
                note="The region has no budget for this." if agreement == "Not agreed" else None,
            )
        )
    return ReviewFile(report_sha256=parsed.sha256, unit=parsed.unit, decisions=decisions)


def draft(report: Path, out: Path, library: Library, when: date, **options) -> Path:
    from drafter.letter.drafting import draft_letter
    from drafter.letter.settings import Config, Signatory

    config = Config(
        signatories={
            "default": Signatory(name="Robin Castell", title="Regional Director", area="Region")
        },
        default_action_owner=None,
    )
    review = options.pop("review", None) or finished_review(report)
    draft_letter(
        report, out, library=library, review=review, config=config, letter_date=when, **options
    )
    return out


def minutes_docx(path: Path) -> Path:
    """Minutes of a meeting in our own words, with an action log table."""
    document = docx.Document()
    document.add_heading("Quarterly performance board", level=1)
    document.add_paragraph("Present: R Castell (chair), J Okafor, M Lind")
    document.add_paragraph("Apologies: T Reyes")
    document.add_paragraph("Agenda item 1: Welcome and introductions")
    document.add_paragraph("Matters arising: none")
    document.add_paragraph("The board reviewed caseload figures.", style="List Bullet")
    document.add_paragraph("Staffing in the courts team was discussed.", style="List Bullet")
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Action", "Owner", "Due"), strict=True):
        cell.text = text
    for cell, text in zip(
        table.rows[1].cells, ("Circulate the figures.", "JO", "May 2026"), strict=True
    ):
        cell.text = text
    document.add_paragraph("Date of next meeting: 4 June 2026")
    document.save(path)
    return path


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory) -> Path:
    """letters in three formats, an action plan, a report, a draft with
    placeholders, a corrupt file, a duplicate and a spreadsheet."""
    need(SEED_REPORT.exists(), f"the seed report is not at {SEED_REPORT}")
    need(REPORTS_DIR.is_dir(), f"the corpus is not at {REPORTS_DIR}")
    work = tmp_path_factory.mktemp("drafting")
    library = Library(f"sqlite:///{work / 'drafting.db'}")
    library.load_starter()
    root = tmp_path_factory.mktemp("shared-drive")
    letters = root / "letters"
    (letters / "2024").mkdir(parents=True)
    draft(SEED_REPORT, letters / "redcar.docx", library, date(2025, 9, 1))
    brackenmoor = draft(
        REPORTS_DIR / "brackenmoor_aldcaster_2024.html",
        work / "brackenmoor.docx",
        library,
        date(2025, 2, 3),
    )
    fenmarsh = draft(
        REPORTS_DIR / "fenmarsh_wickham_lode_2024.html",
        work / "fenmarsh.docx",
        library,
        date(2025, 3, 10),
    )
    (pdf,) = soffice_convert([brackenmoor], "pdf", work / "pdf")
    shutil.copy(pdf, letters / "2024" / "brackenmoor.pdf")
    (text,) = soffice_convert([fenmarsh], "txt:Text (encoded):UTF8", work / "txt")
    shutil.copy(text, letters / "fenmarsh.txt")
    plans = root / "plans"
    plans.mkdir()
    region = REPORTS_DIR / "kent_surrey_sussex_region_2025.html"
    draft(
        region,
        plans / "kss action plan.docx",
        library,
        date(2025, 11, 5),
        output_format="action-plan",
        review=finished_review(region, agreements={2: "Partly agreed", 3: "Not agreed"}),
    )
    (root / "reports").mkdir()
    (report,) = soffice_convert(
        [REPORTS_DIR / "kenwith_hallowmoor_2022.html"], "docx:MS Word 2007 XML", work / "docx"
    )
    shutil.copy(report, root / "reports" / "kenwith report.docx")
    minutes_docx(root / "reports" / "board minutes.docx")
    (root / "drafts").mkdir()
    unfinished_config = library  # drafted without a review: placeholders stay
    from drafter.letter.drafting import draft_letter
    from drafter.letter.settings import Config

    draft_letter(
        REPORTS_DIR / "glanmorfa_bryn_derw_2025.html",
        root / "drafts" / "glanmorfa draft.docx",
        library=unfinished_config,
        config=Config(),
        letter_date=date(2025, 12, 1),
    )
    (root / "broken.docx").write_bytes(b"PK\x03\x04 this zip was cut short")
    (root / "shared-drive-copy").mkdir()
    shutil.copy(letters / "redcar.docx", root / "shared-drive-copy" / "redcar.docx")
    (root / "budget.xlsx").write_bytes(b"PK\x03\x04 a spreadsheet")
    (root / "~$redcar.docx").write_bytes(b"Word's lock file")
    return root


EXPECTED_OUTCOMES = {
    "broken.docx": "failed",
    "drafts/glanmorfa draft.docx": "refused",
    "letters/2024/brackenmoor.pdf": "archived",
    "letters/fenmarsh.txt": "archived",
    "letters/redcar.docx": "archived",
    "plans/kss action plan.docx": "archived",
    "reports/board minutes.docx": "not a letter",
    "reports/kenwith report.docx": "not a letter",
    "shared-drive-copy/redcar.docx": "already archived",
}


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def database_contents(url: str) -> dict[str, list]:
    """Every row of every table (timestamps of change left out)."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    contents = {}
    with engine.connect() as connection:
        for table in inspect(engine).get_table_names():
            if table == "alembic_version":
                continue
            rows = connection.execute(text(f'SELECT * FROM "{table}"')).mappings().all()
            contents[table] = sorted(
                (json.dumps({k: v for k, v in r.items() if k != "updated_at"}, default=str))
                for r in rows
            )
    engine.dispose()
    return contents


@pytest.mark.libreoffice
def test_a_mixed_folder_is_archived_with_an_exact_summary(mixed_folder, sqlite_url):
    from drafter.reading.reader import read_report

    dry = run("archive", str(mixed_folder), "--dry-run", "--json", "--db", sqlite_url)
    assert dry.exit_code == 1, dry.output  # the corrupt file would fail
    dry_files = {f["file"]: f["outcome"] for f in json.loads(dry.stdout)["files"]}
    assert dry_files == EXPECTED_OUTCOMES
    assert json.loads(run("archive", "list", "--json", "--db", sqlite_url).stdout) == []

    result = run("archive", str(mixed_folder), "--json", "--db", sqlite_url)
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert {f["file"]: f["outcome"] for f in data["files"]} == EXPECTED_OUTCOMES
    assert data["counts"] == {
        "archived": 4,
        "already archived": 1,
        "not a letter": 2,
        "refused": 1,
        "failed": 1,
    }
    assert data["ignored"] == 1  # the spreadsheet; Word's lock file is not counted
    by_file = {f["file"]: f for f in data["files"]}
    # Oldest first: the undated action plan, then by letter date.
    assert [
        (name, by_file[name]["letter_id"])
        for name in (
            "plans/kss action plan.docx",
            "letters/2024/brackenmoor.pdf",
            "letters/fenmarsh.txt",
            "letters/redcar.docx",
        )
    ] == [
        ("plans/kss action plan.docx", 1),
        ("letters/2024/brackenmoor.pdf", 2),
        ("letters/fenmarsh.txt", 3),
        ("letters/redcar.docx", 4),
    ]
    expected_units = {
        "letters/2024/brackenmoor.pdf": "brackenmoor_aldcaster_2024",
        "letters/fenmarsh.txt": "fenmarsh_wickham_lode_2024",
        "plans/kss action plan.docx": "kent_surrey_sussex_region_2025",
    }
    for name, stem in expected_units.items():
        report = read_report(REPORTS_DIR / f"{stem}.html")
        assert by_file[name]["unit"] == report.unit
        not_agreed = 1 if "plans" in name else 0
        assert by_file[name]["actions"] == len(report.recommendations) - not_agreed, name
    assert by_file["letters/redcar.docx"]["actions"] == 3
    assert by_file["shared-drive-copy/redcar.docx"]["reason"] == "as letter 4"
    assert by_file["broken.docx"]["reason"] == "it is not a readable Word document"
    assert by_file["drafts/glanmorfa draft.docx"]["reason"] == (
        "it still has 3 placeholders to fill in ([Signatory's name], [Title], [Area])"
    )
    report_reason = by_file["reports/kenwith report.docx"]["reason"]
    assert report_reason.startswith(
        'it looks like an inspection report (no "Dear …", no sign-off such as "Yours sincerely", '
    )
    assert by_file["reports/board minutes.docx"]["reason"].startswith(
        "it looks like the minutes of a meeting"
    )

    # The table people read says the same.
    table = run("archive", str(mixed_folder), "--db", sqlite_url)
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["File", "Result", "Details"]
    assert lines[-3:] == [
        "Archived 0, already archived 5, not a letter 2, refused 1, failed 1.",
        "1 other file (not .docx, .pdf or .txt) left alone.",
        "Fix or remove the files refused or failed and run the same command again: "
        "what is archived already is skipped.",
    ]
    row = next(line for line in lines if line.startswith("broken.docx"))
    assert row.split("  ")[0] == "broken.docx" and "it is not a readable Word document" in row


@pytest.mark.libreoffice
def test_a_second_run_archives_nothing(mixed_folder, sqlite_url):
    first = run("archive", str(mixed_folder), "--db", sqlite_url)
    assert first.exit_code == 1
    before = database_contents(sqlite_url)
    second = run("archive", str(mixed_folder), "--json", "--db", sqlite_url)
    counts = json.loads(second.stdout)["counts"]
    assert counts == {
        "archived": 0,
        "already archived": 5,
        "not a letter": 2,
        "refused": 1,
        "failed": 1,
    }
    assert database_contents(sqlite_url) == before


@pytest.mark.libreoffice
def test_the_action_plan_table_becomes_actions_with_agreement_owner_and_due_date(
    mixed_folder, sqlite_url
):
    plan = mixed_folder / "plans" / "kss action plan.docx"
    result = run("archive", str(plan), "--json", "--db", sqlite_url)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    actions = data["actions"]
    assert [a["agreement"] for a in actions] == ["Agreed", "Partly agreed"] + ["Agreed"] * (
        len(actions) - 2
    )
    # Recommendation 3 is not agreed: no action, so no commitment.
    positions = [n for a in actions for n in a["recommendation_numbers"]]
    assert positions == [1, 2, 4, 5, 6, 7]
    dues = {"March 2026": "2026-03-31", "30/06/2026": "2026-06-30", "September 2026": "2026-09-30"}
    for action, position in zip(actions, positions, strict=True):
        assert action["owner"] == OWNERS[position % 3]
        assert action["due_date"] == dues[TARGETS[position % 3]]
        assert action["recommendation"], action
    shown = run("archive", "show", str(data["id"]), "--db", sqlite_url).stdout
    assert f"        Partly agreed; owner: {OWNERS[2]}" in shown.splitlines()
    library = Library(sqlite_url)
    stored = [a for a in library.actions() if a.source_kind == "letter"]
    assert {a.owner for a in stored} <= set(OWNERS)
    commitments = json.loads(run("commitments", "--json", "--db", sqlite_url).stdout)
    assert len(commitments) == len(actions)
    assert all(c["due_date"] for c in commitments)


@pytest.mark.libreoffice
def test_the_run_survives_a_file_that_fails_and_carries_on_where_it_stopped(
    mixed_folder, sqlite_url, monkeypatch
):
    real = folder_module._archive_read_letter

    def fail_on_fenmarsh(data, letter, library, **options):
        if letter.file_name == "fenmarsh.txt":
            raise RuntimeError("disk hiccup")
        return real(data, letter, library, **options)

    monkeypatch.setattr(folder_module, "_archive_read_letter", fail_on_fenmarsh)
    first = archive_folder(mixed_folder, Library(sqlite_url))
    outcomes = {e.path.name: (e.outcome, e.reason) for e in first.entries}
    assert outcomes["fenmarsh.txt"] == (
        "failed",
        "drafter could not archive it (RuntimeError: disk hiccup)",
    )
    assert first.counts()["archived"] == 3  # the others still went in

    # Stopped part-way (Ctrl-C) on the next run: what finished stays.
    calls = []

    def stop_after_one(data, letter, library, **options):
        calls.append(letter.file_name)
        if len(calls) > 1:
            raise KeyboardInterrupt
        return real(data, letter, library, **options)

    monkeypatch.setattr(folder_module, "_archive_read_letter", stop_after_one)
    with pytest.raises(KeyboardInterrupt):
        archive_folder(mixed_folder, Library(sqlite_url))
    monkeypatch.setattr(folder_module, "_archive_read_letter", real)
    last = archive_folder(mixed_folder, Library(sqlite_url))
    outcomes = {e.path.name: e.outcome for e in last.entries}
    assert outcomes["fenmarsh.txt"] == "archived"
    assert last.counts()["archived"] == 1
    assert last.counts()["already archived"] == 4
    letters = json.loads(run("archive", "list", "--json", "--db", sqlite_url).stdout)
    assert len(letters) == 4
    assert len({letter["sha256"] for letter in letters}) == 4


@pytest.mark.libreoffice
def test_progress_goes_to_stderr_and_force_archives_the_refused(mixed_folder, sqlite_url):
    steps: list[tuple[int, int]] = []
    archive_folder(
        mixed_folder, Library(sqlite_url), dry_run=True, progress=lambda d, t: steps.append((d, t))
    )
    assert steps[-1] == (18, 18) and steps == sorted(steps)
    forced = run("archive", str(mixed_folder / "drafts"), "--force", "--json", "--db", sqlite_url)
    assert forced.exit_code == 0, forced.output
    (entry,) = json.loads(forced.stdout)["files"]
    assert entry["outcome"] == "archived"
    assert entry["forced"][0].startswith("it still has 3 placeholders")
    assert "Archiving letters" in forced.stderr


def test_options_for_one_letter_are_refused_with_a_folder(tmp_path, sqlite_url):
    result = run("archive", str(tmp_path), "--report", "r.html", "--db", sqlite_url)
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: --report works with one letter, not with a folder. "
        "Archive that letter on its own with the option."
    )
    missing = run("archive", str(tmp_path / "nowhere"), "--dry-run", "--db", sqlite_url)
    assert missing.exit_code == 1
    assert missing.output.strip().endswith(
        f"Cannot find the file or folder '{tmp_path / 'nowhere'}'. Check the path."
    )
