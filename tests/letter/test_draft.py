"""``drafter draft`` end to end with the real reader and matcher: one letter, the
action plan, review files, batches, every user error, and every corpus letter
converting to PDF in LibreOffice."""

from __future__ import annotations

import json
import re
import shlex
from datetime import date
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from conftest import REPO, REPORTS_DIR, corpus_report_names, need, soffice_convert

from drafter.cli.commands import cli
from drafter.letter.drafting import draft_batch, draft_letter
from drafter.library.store import Library

SAMPLE = REPO / "samples" / "ashvale_pdu_2025.html"


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path, monkeypatch):
    monkeypatch.delenv("DRAFTER_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.output
    return lines[0]


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def test_draft_the_sample_and_say_what_to_fill_in(tmp_path):
    out = tmp_path / "letter.docx"
    result = run("draft", str(SAMPLE), "-o", str(out), "--date", "2025-07-24")
    assert result.exit_code == 0, result.output
    assert f"Wrote {out} (Ashbourne Vale PDU)" in result.output
    assert "Before sending, fill in or check" in result.output
    assert "Signatory's name" in result.output
    assert "drafter config init" in result.output
    texts = paragraphs(out)
    assert texts[2] == "24 July 2025"
    assert texts[3] == "Dear Martin,"
    assert texts[4].startswith("HMIP reports on the inspections of Ashbourne Vale PDU")
    document = docx.Document(str(out))
    assert len(list(document.comments)) >= 6
    assert [p.name for p in tmp_path.iterdir()] == ["letter.docx"]  # no temp files left


def test_settings_fill_the_signatory(tmp_path):
    settings = tmp_path / "s.toml"
    settings.write_text(
        '[signatories."East Midlands"]\nname = "Jo Bloggs"\ntitle = "Area Executive Director"\n'
        'area = "Midlands"\norganisation = "HM Prison & Probation Service"\n',
        encoding="utf-8",
    )
    out = tmp_path / "letter.docx"
    result = run("draft", str(SAMPLE), "-o", str(out), "--config", str(settings))
    assert result.exit_code == 0, result.output
    assert "Signatory" not in result.output
    assert "drafter config init" not in result.output
    texts = paragraphs(out)
    assert texts[1].split("\n")[0] == "Jo Bloggs"
    assert "Jo Bloggs Area Executive Director - Midlands" in texts


def test_never_overwrites_without_force(tmp_path):
    out = tmp_path / "letter.docx"
    out.write_bytes(b"my edited letter")
    error = one_line_error(run("draft", str(SAMPLE), "-o", str(out)))
    assert "already exists" in error and "--force" in error
    assert out.read_bytes() == b"my edited letter"
    assert run("draft", str(SAMPLE), "-o", str(out), "--force").exit_code == 0
    assert paragraphs(out)[3] == "Dear Martin,"


def test_output_folder_for_one_report(tmp_path):
    result = run("draft", str(SAMPLE), "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ashvale_pdu_2025_response.docx").exists()


def test_action_plan_format(tmp_path):
    out = tmp_path / "plan.docx"
    result = run("draft", str(SAMPLE), "-o", str(out), "--format", "action-plan")
    assert result.exit_code == 0, result.output
    table = docx.Document(str(out)).tables[0]
    assert table.rows[0].cells[1].text == "Agreed / Partly agreed / Not agreed"
    assert len(table.rows) == 1 + 6  # the sample's six recommendations


def test_json_output(tmp_path):
    out = tmp_path / "letter.docx"
    result = CliRunner().invoke(cli, ["draft", str(SAMPLE), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data[0]["unit"] == "Ashbourne Vale PDU"
    assert data[0]["recommendations"] == 6
    assert data[0]["output"] == str(out)
    assert any(p["label"] == "Signatory's name" for p in data[0]["placeholders"])


def test_review_decisions_are_drafted(tmp_path):
    from drafter.matching.matcher import match_report
    from drafter.reading.reader import read_report
    from drafter.review.file import ChosenAction, build_review, save_review

    report = read_report(SAMPLE)
    review = build_review(report, match_report(report, Library()), accept_best=True)
    review.decisions[0].status = "decided"
    review.decisions[0].agreement = "Partly agreed"
    review.decisions[0].actions = [
        ChosenAction("The Ashbourne Vale team will write a new plan & share it.", edited=True)
    ]
    review.decisions[0].owner = "Head of PDU"
    review.decisions[0].target_date = "March 2026"
    review.decisions[1].status = "no_action"
    review_path = save_review(review, tmp_path / "r.review.yaml")

    out = tmp_path / "letter.docx"
    result = run("draft", str(SAMPLE), "-o", str(out), "--review", str(review_path))
    assert result.exit_code == 0, result.output
    texts = paragraphs(out)
    start = next(i for i, t in enumerate(texts) if t.endswith("This will include the following."))
    assert texts[start + 1] == "The Ashbourne Vale team will write a new plan & share it."
    assert texts[start + 2].startswith("[Action for recommendation 2:")

    plan_out = tmp_path / "plan.docx"
    result = run(
        "draft", str(SAMPLE), "-o", str(plan_out), "--review", str(review_path),
        "--format", "action-plan",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    row = [c.text for c in docx.Document(str(plan_out)).tables[0].rows[1].cells]
    assert row[1:] == [
        "Partly agreed",
        "The Ashbourne Vale team will write a new plan & share it.",
        "Head of PDU",
        "March 2026",
    ]


def test_batch_with_summary_table(tmp_path):
    need(REPORTS_DIR.is_dir(), "the shared corpus is missing")
    outdir = tmp_path / "letters"
    result = run("draft", str(REPORTS_DIR), str(SAMPLE), "-o", str(outdir))
    assert result.exit_code == 0, result.output
    names = corpus_report_names()
    for name in names:
        assert (outdir / f"{name}_response.docx").exists()
    assert re.search(
        r"Unit\s+Recs\s+From library\s+To fill in\s+Dates to check\s+File", result.output
    )
    assert re.search(r"Ashbourne Vale PDU\s+6\s+\d+\s+\d+\s+\d+\s+ashvale_pdu_2025", result.output)
    # A second run must not touch any of them without --force.
    error = one_line_error(run("draft", str(REPORTS_DIR), "-o", str(outdir)))
    assert "already exists" in error


def test_batch_skips_what_is_not_a_report_and_drafts_the_rest(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.html").write_bytes(SAMPLE.read_bytes())
    (folder / "notes.txt").write_text("Shopping list: milk, bread, eggs.\n", encoding="utf-8")
    (folder / "ignored.json").write_text("{}", encoding="utf-8")
    result = run("draft", str(folder), "-o", str(tmp_path / "out"))
    # The letter that could be drafted is written, the table printed, and the
    # exit code says not everything worked.
    error = one_line_error(result)
    assert "1 of 2 reports could not be drafted" in error
    assert "Not drafted:" in result.output and "notes.txt" in result.output
    assert re.search(r"notes\.txt\s+-\s+-\s+-\s+-\s+not drafted", result.output)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a_response.docx"]


def test_batch_where_nothing_is_a_report_fails(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "notes.txt").write_text("Shopping list: milk, bread, eggs.\n", encoding="utf-8")
    one_line_error(run("draft", str(folder), "-o", str(tmp_path / "out")))


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--date", "31/13/2025"], "is not a date drafter understands for --date"),
        (["--config", "missing.toml"], "Cannot find the settings file"),
        (["--template-dir", "no-such-folder"], "template folder"),
        (["--letterhead", "no-such.docx"], "Cannot find the file"),
    ],
)
def test_bad_options_get_one_line(tmp_path, extra, expected):
    out = tmp_path / "letter.docx"
    error = one_line_error(run("draft", str(SAMPLE), "-o", str(out), *extra))
    assert expected in error
    assert not out.exists()


def test_bad_letterhead_gets_one_line(tmp_path):
    fake = tmp_path / "head.docx"
    fake.write_text("plain text", encoding="utf-8")
    error = one_line_error(
        run("draft", str(SAMPLE), "-o", str(tmp_path / "l.docx"), "--letterhead", str(fake))
    )
    assert "is not a Word document" in error


def test_missing_and_non_report_inputs_get_one_line(tmp_path):
    assert "Cannot find" in one_line_error(
        run("draft", str(tmp_path / "nope.html"), "-o", str(tmp_path / "l.docx"))
    )
    notes = tmp_path / "notes.txt"
    notes.write_text("Shopping list: milk, bread, eggs.\n", encoding="utf-8")
    one_line_error(run("draft", str(notes), "-o", str(tmp_path / "l.docx")))
    assert not (tmp_path / "l.docx").exists()


def test_review_with_a_batch_is_refused(tmp_path):
    error = one_line_error(
        run("draft", str(SAMPLE), str(SAMPLE), "-o", str(tmp_path), "--review", "x.yaml")
    )
    assert "--review works with one report" in error


def test_malformed_review_file_gets_one_line(tmp_path):
    bad = tmp_path / "bad.review.yaml"
    bad.write_text("decisions: [unclosed\n", encoding="utf-8")
    one_line_error(run("draft", str(SAMPLE), "-o", str(tmp_path / "l.docx"), "--review", str(bad)))


def test_help_has_an_example():
    result = run("draft", "--help")
    assert result.exit_code == 0 and "Example:" in result.output


def test_readme_first_command_drafts_a_letter_from_the_sample(tmp_path, monkeypatch):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    # The quick start is "pip install … && drafter draft …": take the drafter part.
    commands = re.findall(r"(?:^|&&)\s*(drafter\s[^\n]+)$", readme, flags=re.MULTILINE)
    assert commands, "the README shows no drafter command"
    first = shlex.split(commands[0])
    assert first[1] == "draft"
    monkeypatch.chdir(REPO)
    out = tmp_path / "letter.docx"
    args = [a for a in first[1:]]
    args[args.index("-o") + 1] = str(out)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert paragraphs(out)[3].startswith("Dear ")


# --- every corpus report, through LibreOffice ----------------------------------------


@pytest.mark.libreoffice
def test_every_corpus_letter_converts_to_pdf(tmp_path):
    need(REPORTS_DIR.is_dir(), "the shared corpus is missing")
    library = Library()
    results = draft_batch([REPORTS_DIR], tmp_path / "letters", library=library)
    assert [r.error for r in results] == [None] * len(corpus_report_names())
    letters = [r.output for r in results]
    plan = draft_letter(
        REPORTS_DIR / "kenwith_hallowmoor_2022.html",
        tmp_path / "letters" / "kenwith_action_plan.docx",
        library=library,
        output_format="action-plan",
        letter_date=date(2025, 1, 1),
    )
    pdfs = soffice_convert([*letters, plan.output], "pdf", tmp_path / "pdf")
    from pypdf import PdfReader

    for pdf, result in zip(pdfs, [*results, plan], strict=True):
        text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
        assert result.unit.split()[0] in text
    letter_text = " ".join(page.extract_text() for page in PdfReader(pdfs[0]).pages)
    assert "Dear Martin" in letter_text


def test_corpus_report_with_one_recommendation_reads_naturally(tmp_path):
    report = REPORTS_DIR / "glanmorfa_bryn_derw_2025.html"
    need(report.exists(), "the shared corpus is missing")
    out = tmp_path / "letter.docx"
    result = draft_letter(report, out, library=Library(), letter_date=date(2025, 7, 24))
    assert result.recommendations == 1
    text = "\n".join(paragraphs(out))
    assert "where you made a single recommendation." in text
    assert "In respect of the recommendation, I can confirm that it has been" in text
    assert "recommendations" not in text.replace("HMIP recommendations", "")


def test_default_output_name_and_review_file_beside_the_report(tmp_path, monkeypatch):
    from drafter.matching.matcher import match_report
    from drafter.reading.reader import read_report
    from drafter.review.file import ChosenAction, build_review, default_review_path, save_review

    report_path = tmp_path / "ashvale.html"
    report_path.write_bytes(SAMPLE.read_bytes())
    report = read_report(report_path)
    review = build_review(report, match_report(report, Library()))
    review.decisions[0].status = "decided"
    review.decisions[0].actions = [ChosenAction("Our own first action.", edited=True)]
    save_review(review, default_review_path(report_path))
    monkeypatch.chdir(tmp_path)
    result = run("draft", str(report_path))
    assert result.exit_code == 0, result.output
    assert "Using the review file" in result.output
    assert "Our own first action." in paragraphs(tmp_path / "ashvale_response.docx")
    result = run("draft", str(report_path), "--format", "action-plan")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ashvale_action_plan.docx").exists()


def test_review_for_another_version_of_the_report_warns(tmp_path):
    from drafter.review.file import ReviewFile, save_review

    review_path = save_review(
        ReviewFile(report_sha256="0" * 64, unit="Ashbourne Vale PDU"), tmp_path / "r.yaml"
    )
    out = tmp_path / "letter.docx"
    result = run("draft", str(SAMPLE), "-o", str(out), "--review", str(review_path))
    assert result.exit_code == 0, result.output
    assert "made for a different version of this report" in result.output


def test_batch_needs_an_output_folder(tmp_path):
    error = one_line_error(run("draft", str(SAMPLE), str(SAMPLE)))
    assert "-o FOLDER" in error


def test_an_empty_library_named_with_db_is_explained(tmp_path):
    out = tmp_path / "letter.docx"
    error = one_line_error(
        run("draft", str(SAMPLE), "-o", str(out), "--db", f"sqlite:///{tmp_path / 'e.db'}")
    )
    assert "library is empty" in error
    assert not out.exists()


def test_batch_into_a_file_is_refused(tmp_path):
    target = tmp_path / "letters.docx"
    target.write_bytes(b"x")
    error = one_line_error(run("draft", str(SAMPLE), str(SAMPLE), "-o", str(target)))
    assert "With several reports, -o must be a folder" in error
    assert target.read_bytes() == b"x"


def test_batch_into_a_new_docx_name_is_refused_not_made_a_folder(tmp_path):
    target = tmp_path / "single.docx"
    error = one_line_error(run("draft", str(SAMPLE), str(SAMPLE), "-o", str(target)))
    assert "With several reports, -o must be a folder" in error
    assert not target.exists()


@pytest.mark.parametrize("name", ["out.odt", "letter.DOC", "letter"])
def test_a_letter_not_named_docx_is_refused(tmp_path, name):
    target = tmp_path / name
    error = one_line_error(run("draft", str(SAMPLE), "-o", str(target)))
    assert "drafter writes Word documents" in error and "ending in .docx" in error
    assert not target.exists()
    with pytest.raises(Exception, match="ending in .docx"):
        draft_letter(SAMPLE, target, library=Library())


def test_a_letter_named_pdf_is_made_by_libreoffice(tmp_path):
    from conftest import need

    from drafter.letter.pdf import pdf_available

    need(pdf_available(), "LibreOffice (soffice) is not installed")
    target = tmp_path / "letter.pdf"
    result = run("draft", str(SAMPLE), "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF")
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(target).pages)
    assert "HM Chief Inspector of Probation" in text and "Kind Regards" in text
    again = run("draft", str(SAMPLE), "-o", str(target))
    assert again.exit_code != 0 and "already exists" in one_line_error(again)


def test_a_pdf_without_libreoffice_says_so_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr("drafter.letter.pdf.libreoffice_binary", lambda: None)
    target = tmp_path / "letter.pdf"
    error = one_line_error(run("draft", str(SAMPLE), "-o", str(target)))
    assert "LibreOffice is not installed" in error
    assert not target.exists()


def test_a_review_file_for_another_report_is_refused(tmp_path):
    from drafter.review.file import ReviewDecision, ReviewFile, save_review

    other = ReviewFile(
        report_sha256="1" * 64,
        unit="Somewhere Else PDU",
        decisions=[ReviewDecision(1, "", "Recruit more staff for the other place.")],
    )
    review_path = save_review(other, tmp_path / "other.review.yaml")
    out = tmp_path / "letter.docx"
    error = one_line_error(run("draft", str(SAMPLE), "-o", str(out), "--review", str(review_path)))
    assert "written for a different report (Somewhere Else PDU)" in error
    assert not out.exists()
    empty = save_review(
        ReviewFile(report_sha256="1" * 64, unit="Somewhere Else PDU"), tmp_path / "e.yaml"
    )
    error = one_line_error(run("draft", str(SAMPLE), "-o", str(out), "--review", str(empty)))
    assert "different report" in error


def test_a_review_sharing_some_recommendations_keeps_those_and_names_the_rest(tmp_path):
    from drafter.reading.reader import read_report
    from drafter.review.file import ChosenAction, ReviewDecision, ReviewFile, save_review

    report = read_report(SAMPLE)
    first = report.recommendations[0]
    review = ReviewFile(
        report_sha256=report.sha256,
        unit=report.unit,
        decisions=[
            ReviewDecision(
                1, first.addressee, first.text, status="decided", agreement="Agreed",
                actions=[ChosenAction("Our own first action.", edited=True)],
            ),
            ReviewDecision(9, "", "A recommendation from some other report entirely."),
        ],
    )  # fmt: skip
    review_path = save_review(review, tmp_path / "r.review.yaml")
    out = tmp_path / "letter.docx"
    result = run("draft", str(SAMPLE), "-o", str(out), "--review", str(review_path))
    assert result.exit_code == 0, result.output
    assert "Our own first action." in paragraphs(out)
    assert "decisions for recommendation 9 that are not in this report" in result.output


def test_a_folder_without_reports_is_explained(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    error = one_line_error(run("draft", str(empty), "-o", str(tmp_path / "out")))
    assert "No reports found" in error


def test_unknown_format_through_the_api(tmp_path):
    from drafter.core.errors import DrafterError

    with pytest.raises(DrafterError, match="is not a format"):
        draft_letter(SAMPLE, tmp_path / "x.docx", library=Library(), output_format="pdf")


def _report_read_as(monkeypatch, **changes):
    """The sample as the reader would give it with ``changes`` (recommendations
    it could not find, warnings it raised)."""
    import dataclasses

    import drafter.reading.reader
    from drafter.reading.reader import read_report

    real = read_report(SAMPLE)
    monkeypatch.setattr(
        drafter.reading.reader,
        "read_report",
        lambda *_a, **_k: dataclasses.replace(real, **changes),
    )


def test_no_recommendations_found_is_a_warning_and_a_placeholder(tmp_path, monkeypatch):
    _report_read_as(monkeypatch, recommendations=[])
    out = tmp_path / "letter.docx"
    result = run("draft", str(SAMPLE), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert f"Warning: No recommendations were found in {SAMPLE}" in result.output
    assert "  - number: drafter found no recommendations" in result.output
    assert "no recommendations" not in "\n".join(paragraphs(out))

    batch = run("draft", str(SAMPLE), str(REPO / "README.md"), "-o", str(tmp_path / "b"))
    assert re.search(r"Ashbourne Vale PDU\s+none found\s", batch.output)
    assert "none found: drafter could not read that report's recommendations" in batch.output


def test_reading_warnings_are_listed_once_to_check(tmp_path, monkeypatch):
    warning = "The report says it makes seven recommendations, but drafter found 6."
    _report_read_as(monkeypatch, warnings=[warning])
    out = tmp_path / "letter.docx"
    result = run("draft", str(SAMPLE), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "1 other thing to check" in result.output
    assert result.output.count(warning) == 1
    assert f"  - {warning}" in result.output
    data = json.loads(run("draft", str(SAMPLE), "-o", str(out), "--force", "--json").stdout)
    assert data[0]["warnings"] == [warning]


def test_a_recommendation_not_agreed_is_not_counted_as_an_action_from_the_library(tmp_path):
    from drafter.matching.matcher import match_report
    from drafter.reading.reader import read_report
    from drafter.review.file import build_review, save_review

    report = read_report(SAMPLE)
    review = build_review(report, match_report(report, Library()), accept_best=True)
    agreed_path = save_review(review, tmp_path / "agreed.review.yaml")
    review.decisions[0].agreement = "Not agreed"
    review.decisions[0].note = "it is covered by a national agreement"
    not_agreed_path = save_review(review, tmp_path / "not.review.yaml")

    def drafted(review_path, name):
        out = tmp_path / name
        result = run("draft", str(SAMPLE), "-o", str(out), "--review", str(review_path), "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)[0], paragraphs(out)

    agreed, _ = drafted(agreed_path, "a.docx")
    not_agreed, texts = drafted(not_agreed_path, "n.docx")
    assert not_agreed["actions_from_library"] == agreed["actions_from_library"] - 1
    assert any(
        "Recommendation 1 is not agreed because [it is covered by a national agreement]." in t
        for t in texts
    )


# --- carrying on a stopped batch ---------------------------------------------


def three_reports(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.html").write_bytes(SAMPLE.read_bytes())
    return folder


def stop_on_third_report(monkeypatch):
    """Ctrl-C while the third report is being drafted; returns the real
    draft_letter."""
    import drafter.letter.drafting as drafting

    real = drafting.draft_letter
    calls = []

    def draft_then_stop(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(drafting, "draft_letter", draft_then_stop)
    return real


def test_a_stopped_batch_says_what_was_written_and_how_to_carry_on(tmp_path, monkeypatch):
    folder, out = three_reports(tmp_path), tmp_path / "out"
    real = stop_on_third_report(monkeypatch)
    stopped = run("draft", str(folder), "-o", str(out))
    assert stopped.exit_code == 130
    assert f"Stopped. 2 letters were written in {out} before you stopped" in stopped.stderr
    assert "run the same command again with --skip-existing" in stopped.stderr
    assert "Traceback" not in stopped.output
    assert sorted(p.name for p in out.iterdir()) == ["a_response.docx", "b_response.docx"]
    # Only the interruption is undone: monkeypatch.undo() would also undo the
    # isolated default database and reach the user's real one.
    import drafter.letter.drafting as drafting

    monkeypatch.setattr(drafting, "draft_letter", real)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    carried_on = run("draft", str(folder), "-o", str(out), "--skip-existing")
    assert carried_on.exit_code == 0, carried_on.output
    assert f"Kept {out / 'a_response.docx'} (already there)" in carried_on.output
    assert re.search(r"b\.html\s+-\s+-\s+-\s+-\s+kept \(already there\)", carried_on.output)
    assert f"Wrote {out / 'c_response.docx'}" in carried_on.output
    assert {name: (out / name).read_bytes() for name in before} == before  # never overwritten
    assert (out / "c_response.docx").exists()


def test_a_batch_refusing_to_overwrite_mentions_skip_existing(tmp_path):
    folder, out = three_reports(tmp_path), tmp_path / "out"
    out.mkdir()
    (out / "b_response.docx").write_bytes(b"someone's edited letter")
    error = one_line_error(run("draft", str(folder), "-o", str(out)))
    assert "already exists" in error and "--skip-existing" in error and "--force" in error
    assert sorted(p.name for p in out.iterdir()) == ["b_response.docx"]


def test_skip_existing_keeps_the_file_and_json_says_kept(tmp_path):
    folder, out = three_reports(tmp_path), tmp_path / "out"
    out.mkdir()
    (out / "b_response.docx").write_bytes(b"someone's edited letter")
    result = run("draft", str(folder), "-o", str(out), "--skip-existing", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(Path(d["output"]).name, d["kept"]) for d in data] == [
        ("a_response.docx", False),
        ("b_response.docx", True),
        ("c_response.docx", False),
    ]
    assert (out / "b_response.docx").read_bytes() == b"someone's edited letter"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--skip-existing", "--force"], "--skip-existing keeps them"),
        (["--skip-existing", "--single"], "--skip-existing is for a batch"),
    ],
)
def test_skip_existing_misuse_gets_one_line(tmp_path, args, expected):
    folder, out = three_reports(tmp_path), tmp_path / "out"
    if "--single" in args:
        reports, out = [str(folder / "a.html")], tmp_path / "out" / "letter.docx"
        args = [a for a in args if a != "--single"]
    else:
        reports = [str(folder)]
    error = one_line_error(run("draft", *reports, "-o", str(out), *args))
    assert expected in error
    assert not (tmp_path / "out").exists()


def test_draft_batch_stopped_raises_with_the_results_so_far(tmp_path, monkeypatch):
    from drafter.letter.drafting import BatchInterrupted

    folder = three_reports(tmp_path)
    stop_on_third_report(monkeypatch)
    with pytest.raises(BatchInterrupted) as stopped:
        draft_batch([folder], tmp_path / "out", library=Library())
    assert isinstance(stopped.value, KeyboardInterrupt)
    assert stopped.value.written == 2
    assert [r.report_path.name for r in stopped.value.results] == ["a.html", "b.html"]


@pytest.mark.parametrize("given", ["24/07/2025", "24 July 2025", "2025-07-24", "24.07.2025"])
def test_the_letter_date_is_read_like_other_dates(tmp_path, given):
    # UK dates were refused here while 'commitments --due-before' took them.
    out = tmp_path / "letter.docx"
    result = run("draft", str(SAMPLE), "-o", str(out), "--date", given)
    assert result.exit_code == 0, result.output
    assert paragraphs(out)[2] == "24 July 2025"


def test_draft_help_shows_the_date_forms():
    result = run("draft", "--help")
    assert "24/07/2025" in result.output and "YYYY-MM-DD" not in result.output


def test_after_config_init_the_title_is_used_and_the_file_named_for_the_name(tmp_path):
    settings = tmp_path / "settings.toml"
    assert run("config", "init", str(settings)).exit_code == 0
    out = tmp_path / "letter.docx"
    result = run("draft", str(SAMPLE), "-o", str(out), "--config", str(settings))
    assert result.exit_code == 0, result.output
    assert "Title" not in result.output
    assert "config init" not in result.output
    name_line = next(line for line in result.output.splitlines() if "Signatory's name" in line)
    assert "(2 places)" in name_line and str(settings) in name_line
    texts = paragraphs(out)
    assert texts[1].split("\n")[:2] == ["[Signatory's name]", "Area Executive Director"]
    assert "[Signatory's name] Area Executive Director - [Area]" in texts
    assert any(line.startswith("  - Area (2 places)") for line in result.output.splitlines())


def test_a_weak_suggestion_becomes_a_placeholder_whose_comment_names_it(tmp_path, sqlite_url):
    library = Library(sqlite_url, auto_starter=False)
    library.add_action(
        "Unpaid work supervisors will attend structured training in risk assessment and "
        "domestic abuse awareness.",
        recommendation="provide training for unpaid work supervisors",
        unit="Testshire PDU",
    )
    library.db.dispose()
    matched = json.loads(run("match", str(SAMPLE), "--db", sqlite_url, "--json").output)
    weak = matched[3]  # structured training for PSOs: only the unpaid work action is near
    assert weak["no_match"] and weak["weak_candidates"]
    out = tmp_path / "letter.docx"
    result = run("draft", str(SAMPLE), "-o", str(out), "--db", sqlite_url)
    assert result.exit_code == 0, result.output
    assert not any("Unpaid work supervisors" in t for t in paragraphs(out))
    comments = [c.text for c in docx.Document(str(out)).comments]
    closest = weak["weak_candidates"][0]
    named = [c for c in comments if weak["text"] in c]
    assert len(named) == 1
    closest_note = "Closest in the library, weak (below the match line, so not used)"
    assert f"{closest_note}: #{closest['id']}" in named[0]
    assert "Unpaid work supervisors will attend structured training" in named[0]
