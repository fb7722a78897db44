"""`drafter archive` on the command line: archiving, list, show, export, and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SEED_LETTER, need

from drafter.cli.commands import cli


@pytest.fixture(autouse=True)
def _seed_present():
    need(SEED_LETTER.exists(), f"the seed letter is not at {SEED_LETTER}")


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input)


def corrected_letter(tmp_path: Path) -> Path:
    """A corrected version of the seed letter for the same unit."""
    path = tmp_path / "corrected.txt"
    text = SEED_LETTER.read_text(encoding="utf-8")
    path.write_text(text.replace("In August 2025", "In September 2025"), encoding="utf-8")
    return path


def test_archive_then_again_says_already_archived(sqlite_url):
    first = run("archive", str(SEED_LETTER), "--db", sqlite_url, "--sent-date", "28/07/2025")
    assert first.exit_code == 0, first.output
    assert first.output.startswith(
        "Archived letter 1 for Stockton and Hartlepool PDU (24 July 2025)"
    )
    assert "5 actions" in first.output
    assert "1 of 5 actions state a due date" in first.stdout
    assert "Tip: add --report REPORT" in first.stderr
    again = run("archive", str(SEED_LETTER), "--db", sqlite_url)
    assert again.exit_code == 0
    assert "already archived as letter 1 on" in again.output
    assert "nothing was changed" in again.output
    shown = json.loads(run("archive", "show", "1", "--json", "--db", sqlite_url).output)
    assert shown["sent_date"] == "2025-07-28"
    assert shown["recipient"] == "Martin Jones" and shown["signatory"] == "Helen Judge"
    assert len(shown["actions"]) == 5 and len(shown["positive_findings"]) == 4
    assert shown["actions"][0]["due_date"] == "2025-08-31"


def test_explicit_add_subcommand_and_json(sqlite_url):
    result = run("archive", "add", str(SEED_LETTER), "--json", "--db", sqlite_url)
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["created"] is True and data["unit"] == "Stockton and Hartlepool PDU"


def test_second_letter_asks_whether_it_replaces_the_first(sqlite_url, tmp_path):
    run("archive", str(SEED_LETTER), "--db", sqlite_url)
    corrected = corrected_letter(tmp_path)
    declined = run("archive", str(corrected), "--db", sqlite_url, input="n\n")
    assert (
        "Letter 1 for Stockton and Hartlepool PDU is already archived (24 July 2025). "
        "Does this one replace it? [y/N]" in declined.output
    )
    assert declined.exit_code == 0 and "Archived letter 2" in declined.output
    listed = json.loads(run("archive", "list", "--json", "--db", sqlite_url).output)
    assert [letter["status"] for letter in listed] == ["current", "current"]

    third = tmp_path / "third.txt"
    # Each later letter changes an action: a copy of the same letter is not a new one.
    third.write_text(
        corrected.read_text(encoding="utf-8").replace("In September 2025", "In October 2025"),
        encoding="utf-8",
    )
    accepted = run("archive", str(third), "--db", sqlite_url, input="y\n")
    assert accepted.exit_code == 0 and "it replaces letter 2" in accepted.output
    fourth = tmp_path / "fourth.txt"
    fourth.write_text(
        third.read_text(encoding="utf-8").replace("In October 2025", "In November 2025"),
        encoding="utf-8",
    )
    assert "replaces letter 3" in run("archive", str(fourth), "--yes", "--db", sqlite_url).output
    fifth = tmp_path / "fifth.txt"
    fifth.write_text(
        fourth.read_text(encoding="utf-8").replace("In November 2025", "In December 2025"),
        encoding="utf-8",
    )
    kept = run("archive", str(fifth), "--no-supersedes", "--db", sqlite_url)
    assert kept.exit_code == 0 and "replaces" not in kept.output
    listed = json.loads(run("archive", "list", "--json", "--db", sqlite_url).output)
    assert [letter["status"] for letter in listed] == [
        "current",
        "superseded",
        "superseded",
        "current",
        "current",
    ]


def test_unanswered_question_is_a_plain_error(sqlite_url, tmp_path):
    run("archive", str(SEED_LETTER), "--db", sqlite_url)
    result = run("archive", str(corrected_letter(tmp_path)), "--db", sqlite_url, input="")
    assert result.exit_code == 1
    assert "Add --supersedes if this letter replaces it" in result.output
    assert "Traceback" not in result.output


def test_list_show_and_export(sqlite_url, tmp_path):
    empty = run("archive", "list", "--db", sqlite_url)
    assert empty.exit_code == 0 and "No letters are archived yet" in empty.output
    run("archive", str(SEED_LETTER), "--db", sqlite_url)
    listed = run("archive", "list", "--db", sqlite_url)
    assert listed.output.splitlines()[1].split() == [
        "1",
        "2025-07-24",
        "current",
        "5",
        "Stockton",
        "and",
        "Hartlepool",
        "PDU",
    ]
    shown = run("archive", "show", "1", "--db", sqlite_url)
    assert "To: Martin Jones" in shown.output and "[due 2025-08-31]" in shown.output
    assert "Positive findings:" in shown.output
    run("commitments", "done", "1", "--note", "Policy launched", "--db", sqlite_url)
    out = tmp_path / "out"
    exported = run("archive", "export", str(out), "--db", sqlite_url)
    assert exported.exit_code == 0 and "Exported 1 letter to" in exported.output
    assert (out / SEED_LETTER.name).read_bytes() == SEED_LETTER.read_bytes()
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert index["letters"][0]["sha256"] and (out / "index.csv").exists()
    assert [c["text"] for c in index["commitments"]] == [
        a["text"] for a in index["letters"][0]["actions"]
    ]
    assert index["commitments"][0]["notes"][0]["note"] == "Policy launched"
    assert "Policy launched" in (out / "commitments.csv").read_text(encoding="utf-8")
    again = run("archive", "export", str(out), "--db", sqlite_url)
    assert again.exit_code == 1 and "--force" in again.output
    assert run("archive", "export", str(out), "--force", "--db", sqlite_url).exit_code == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["archive", "missing.docx"], "Cannot find the file"),
        (["archive", "show", "42"], "There is no archived letter 42"),
        (["archive", "SEED", "--sent-date", "last week"], "is not a date drafter understands"),
        (["archive", "NOTLETTER"], "does not look like a response letter"),
        (["archive", "SEED", "--report", "nope.html"], "Cannot find the file"),
        (["archive", "SEED", "--db", "nosuchdriver://x/y"], "no driver"),
    ],
)
def test_errors_are_one_plain_line(sqlite_url, tmp_path, args, message):
    not_letter = tmp_path / "notes.txt"
    not_letter.write_text("Meeting notes\n\nNothing to see here.\n", encoding="utf-8")
    args = [
        str(SEED_LETTER) if a == "SEED" else str(not_letter) if a == "NOTLETTER" else a
        for a in args
    ]
    if "--db" not in args:
        args += ["--db", sqlite_url]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_help_has_examples():
    for command in (
        ["archive"],
        ["archive", "add"],
        ["archive", "list"],
        ["archive", "show"],
        ["archive", "export"],
    ):
        result = run(*command, "--help")
        assert result.exit_code == 0 and "Example:" in result.output


def test_report_links_each_action_to_its_recommendation(sqlite_url, tmp_path):
    from conftest import SEED_REPORT

    need(SEED_REPORT.exists(), f"the seed report is not at {SEED_REPORT}")
    letter = tmp_path / "redcar.txt"
    letter.write_text(
        "Martin Jones\nHM Chief Inspector of Probation\n\n2 October 2025\n\nDear Martin,\n\n"
        "Thank you for your report on Redcar, Cleveland and Middlesbrough PDU, which made "
        "3 recommendations. The actions we will take include the following.\n\n"
        "- By December 2025 the PDU will agree an information sharing protocol with the police "
        "and children's social care so practitioners get domestic abuse intelligence quickly.\n"
        "- Every probation services officer will complete targeted case management training "
        "by March 2026.\n"
        "- Within six months the PDU will analyse the needs of the people it supervises and "
        "publish a strategy for their complex and diverse needs.\n\n"
        "I was pleased to note the following.\n\n- Staff were positive about their managers.\n\n"
        "Yours sincerely\n\nJo Bloggs\nRegional Probation Director\n",
        encoding="utf-8",
    )
    result = run("archive", str(letter), "--report", str(SEED_REPORT), "--json", "--db", sqlite_url)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [a["recommendation_numbers"] for a in data["actions"]] == [[1], [2], [3]]
    assert {a["link"] for a in data["actions"]} == {"matched"}
    assert data["actions"][0]["recommendation"].startswith("make arrangements with police")
    assert [a["due_date"] for a in data["actions"]] == ["2025-12-31", "2026-03-31", "2026-04-02"]
    assert data["signatory"] == "Jo Bloggs" and data["positive_findings"] == [
        "Staff were positive about their managers."
    ]


def test_a_letter_for_another_unit_than_the_report_is_refused(sqlite_url):
    from conftest import SEED_REPORT

    need(SEED_REPORT.exists(), f"the seed report is not at {SEED_REPORT}")
    args = ["archive", str(SEED_LETTER), "--report", str(SEED_REPORT), "--db", sqlite_url]
    refused = CliRunner().invoke(cli, args)
    assert refused.exit_code == 1
    assert refused.output.strip() == (
        f"Error: '{SEED_LETTER.name}' was not archived: it is about Stockton and Hartlepool PDU "
        "but the report is about Redcar, Cleveland and Middlesbrough PDU. Check you gave the "
        "right files, or add --force to archive it as it is."
    )
    assert "No letters are archived yet" in run("archive", "list", "--db", sqlite_url).output
    forced = CliRunner().invoke(cli, [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    assert (
        "Warning: archived with --force although it is about Stockton and Hartlepool PDU but "
        "the report is about Redcar, Cleveland and Middlesbrough PDU." in forced.stderr
    )
    assert "The letter speaks of 5 recommendations but the report makes 3." in forced.stderr
    assert forced.stdout.startswith("Archived letter 1 for Stockton and Hartlepool PDU")


def test_review_file_links_actions(sqlite_url, tmp_path):
    from drafter.archive.store import read_sent_letter
    from drafter.review.file import ChosenAction, ReviewDecision, ReviewFile, save_review

    actions = read_sent_letter(SEED_LETTER).action_texts
    review = ReviewFile(
        report_sha256="ef" * 32,
        unit="Stockton and Hartlepool PDU",
        decisions=[
            ReviewDecision(
                number=n,
                addressee="Stockton and Hartlepool PDU",
                recommendation=f"my recommendation wording {n}",
                status="decided",
                agreement="Agreed",
                actions=[ChosenAction(text=actions[n - 1])],
            )
            for n in range(1, 6)
        ],
    )
    path = save_review(review, tmp_path / "report.review.yaml")
    result = run("archive", str(SEED_LETTER), "--review", str(path), "--json", "--db", sqlite_url)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [a["recommendation_numbers"] for a in data["actions"]] == [[1], [2], [3], [4], [5]]
    assert {a["link"] for a in data["actions"]} == {"review"}

    broken = tmp_path / "broken.review.yaml"
    broken.write_text("decisions: [unclosed\n", encoding="utf-8")
    failed = CliRunner().invoke(
        cli, ["archive", str(SEED_LETTER), "--review", str(broken), "--db", sqlite_url]
    )
    assert failed.exit_code == 1 and "Traceback" not in failed.output
    assert len(failed.output.strip().splitlines()) == 1


def test_draft_then_archive_on_the_command_line(sqlite_url, tmp_path, monkeypatch):
    """The whole journey: drafter drafts, the letter is sent unedited, drafter
    archives it; the actions drafter could not choose stay out of the archive."""
    from conftest import REPO

    sample = REPO / "samples" / "ashvale_pdu_2025.html"
    need(sample.exists(), "the sample report is missing")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # no settings file
    monkeypatch.delenv("DRAFTER_CONFIG", raising=False)
    assert run("library", "init", "--db", sqlite_url).exit_code == 0
    letter = tmp_path / "letter.docx"
    drafted = run(
        "draft", str(sample), "-o", str(letter), "--date", "2025-10-01", "--db", sqlite_url
    )
    assert drafted.exit_code == 0, drafted.output
    # Unedited, it still has the placeholders for what drafter could not know.
    refused = run("archive", str(letter), "--json", "--db", sqlite_url)
    assert refused.exit_code == 1
    assert "'letter.docx' was not archived: it still has" in refused.output
    assert "[Signatory's name]" in refused.output and "--force" in refused.output
    assert run("archive", "list", "--json", "--db", sqlite_url).stdout.strip() == "[]"
    result = run("archive", str(letter), "--json", "--force", "--db", sqlite_url)
    assert result.exit_code == 0, result.output
    assert "Warning: archived with --force although it still has" in result.stderr
    data = json.loads(result.stdout)
    assert data["unit"] == "Ashbourne Vale PDU" and data["letter_date"] == "2025-10-01"
    # Each action is tied, through drafter's comment, to the recommendation it
    # was drafted for (which ones have an action depends on the library).
    from drafter.reading.reader import read_report

    recommendations = [r.text for r in read_report(sample).recommendations]
    assert data["actions"]
    for action in data["actions"]:
        assert action["link"] == "letter"
        (position,) = action["recommendation_numbers"]
        assert action["recommendation"] == recommendations[position - 1]
    assert not any(a["text"].startswith("[") for a in data["actions"])
    # A recommendation the library has nothing for is drafted as a bracketed
    # placeholder, and that bullet is kept out of the archive with a warning.
    # (The starter library answers all six of the sample's recommendations.)
    matched = json.loads(run("match", str(sample), "--json", "--db", sqlite_url).stdout)
    unanswered = [m["number"] for m in matched if m["no_match"]]
    assert sorted(n for a in data["actions"] for n in a["recommendation_numbers"]) == [
        m["number"] for m in matched if not m["no_match"]
    ]
    if unanswered:
        assert "in [brackets], not archived as" in result.stderr
    else:
        assert "not archived as" not in result.stderr


def _review_with_written_actions(report_path: Path, folder: Path) -> Path:
    """A review file deciding every recommendation with an action of our own,
    so the drafted letter answers each one whatever the library holds."""
    from drafter.reading.reader import read_report
    from drafter.review.file import ChosenAction, ReviewDecision, ReviewFile, save_review

    report = read_report(report_path)
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
                actions=[ChosenAction(text=f"Action {i} agreed with the team leads.")],
            )
            for i, r in enumerate(report.recommendations, start=1)
        ],
    )
    return save_review(review, folder / "report.review.yaml")


def test_archive_show_names_recommendations_as_the_report_numbers_them(
    sqlite_url, tmp_path, monkeypatch
):
    """Kenwith's numbering restarts per addressee (PDU 1-6, region 1-2, HMPPS
    1-2): the archive says "South West region, recommendation 2", not 8."""
    from conftest import REPORTS_DIR

    report = REPORTS_DIR / "kenwith_hallowmoor_2022.html"
    need(report.exists(), f"the corpus report is not at {report}")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("DRAFTER_CONFIG", raising=False)
    assert run("library", "init", "--db", sqlite_url).exit_code == 0
    review = _review_with_written_actions(report, tmp_path)
    letter = tmp_path / "kenwith.docx"
    drafted = run(
        "draft",
        str(report),
        "-o",
        str(letter),
        "--date",
        "2025-10-01",
        "--review",
        str(review),
        "--db",
        sqlite_url,
    )
    assert drafted.exit_code == 0, drafted.output
    # No settings file: the signatory is still a placeholder, hence --force.
    archived = run("archive", str(letter), "--report", str(report), "--force", "--db", sqlite_url)
    assert archived.exit_code == 0, archived.output

    shown = run("archive", "show", "1", "--db", sqlite_url)
    assert shown.exit_code == 0, shown.output
    assert (
        "Action 1 agreed with the team leads. (Kenwith and Hallowmoor PDU, recommendation 1)"
        in (shown.output)
    )
    assert "Action 8 agreed with the team leads. (South West region, recommendation 2)" in (
        shown.output
    )
    assert "(HM Prison and Probation Service, recommendation 2)" in shown.output
    assert "recommendation 8)" not in shown.output and "recommendation 10)" not in shown.output

    data = json.loads(run("archive", "show", "1", "--json", "--db", sqlite_url).stdout)
    refs = [ref for action in data["actions"] for ref in action["recommendation_refs"]]
    assert refs[7] == {
        "position": 8,
        "number": 2,
        "addressee": "South West region",
        "label": "South West region, recommendation 2",
    }


def test_a_sent_date_in_the_future_is_refused(sqlite_url):
    from datetime import date, timedelta

    tomorrow = (date.today() + timedelta(days=1)).strftime("%d/%m/%Y")
    for when in ("2031-01-01", tomorrow):
        result = run("archive", str(SEED_LETTER), "--sent-date", when, "--db", sqlite_url)
        assert result.exit_code == 1
        assert "The sent date is in the future: check it" in result.output
        assert "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1
    assert "No letters are archived yet" in run("archive", "list", "--db", sqlite_url).output


def test_a_sent_date_before_the_letters_own_date_is_a_warning(sqlite_url):
    # The seed letter is dated 24 July 2025.
    result = run("archive", str(SEED_LETTER), "--sent-date", "1 July 2025", "--db", sqlite_url)
    assert result.exit_code == 0, result.output
    assert (
        "Warning: The sent date (1 July 2025) is before the letter's own date (24 July 2025)"
        in result.stderr
    )
    shown = run("archive", "show", "1", "--db", sqlite_url).output
    assert "Sent: 1 July 2025" in shown


def test_archiving_an_empty_folder_says_there_is_nothing_to_archive(tmp_path, sqlite_url):
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "notes.xlsx").write_bytes(b"not a letter")
    result = run("archive", str(folder), "--db", sqlite_url)
    assert result.exit_code == 0
    assert result.stdout.strip() == (
        f"No .docx, .pdf or .txt files in {folder} (1 other file left alone)."
    )
    assert "add" not in result.output and "Usage" not in result.output


def seed_letter_as_docx(tmp_path: Path) -> Path:
    """The seed letter saved as Word: another file holding the same letter."""
    import docx

    document = docx.Document()
    for line in SEED_LETTER.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    path = tmp_path / "sent-copy.docx"
    document.save(str(path))
    return path


def test_the_same_letter_in_another_file_is_not_archived_twice(sqlite_url, tmp_path):
    assert run("archive", str(SEED_LETTER), "--db", sqlite_url).exit_code == 0
    copy = seed_letter_as_docx(tmp_path)
    result = run("archive", str(copy), "--no-supersedes", "--db", sqlite_url)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"This is the same letter as letter 1 (archived from {SEED_LETTER.name}); "
        "nothing was changed."
    )
    letters = json.loads(run("archive", "list", "--json", "--db", sqlite_url).output)
    assert len(letters) == 1
    commitments = json.loads(run("commitments", "--json", "--db", sqlite_url).output)
    assert len(commitments) == 5
    # Without --no-supersedes the answer is the same: no question is asked.
    asked = run("archive", str(copy), "--db", sqlite_url)
    assert asked.exit_code == 0 and "same letter as letter 1" in asked.output


def test_again_archives_the_same_letter_as_a_second_one(sqlite_url, tmp_path):
    run("archive", str(SEED_LETTER), "--db", sqlite_url)
    copy = seed_letter_as_docx(tmp_path)
    result = run("archive", str(copy), "--no-supersedes", "--again", "--json", "--db", sqlite_url)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["created"] is True and data["same_letter"] is False and data["id"] == 2
    assert len(json.loads(run("commitments", "--json", "--db", sqlite_url).output)) == 10


def test_a_letter_with_other_actions_is_not_taken_for_the_same(sqlite_url, tmp_path):
    run("archive", str(SEED_LETTER), "--db", sqlite_url)
    result = run("archive", str(corrected_letter(tmp_path)), "--no-supersedes", "--db", sqlite_url)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Archived letter 2")
