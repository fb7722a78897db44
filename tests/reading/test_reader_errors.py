"""Bad input: one plain-English line, a non-zero exit, never a traceback."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, SEED_LETTER, SEED_REPORT, need
from pypdf import PdfWriter

from drafter.cli.commands import cli
from drafter.core.errors import InputFileError, NotAReportError
from drafter.reading.reader import detect_format, read_report

SAMPLE = REPO / "samples" / "ashvale_pdu_2025.html"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def assert_one_line_error(result, *phrases: str) -> None:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    for phrase in phrases:
        assert phrase in lines[0]


def test_missing_file(tmp_path):
    assert_one_line_error(run("inspect", str(tmp_path / "nowhere.html")), "Cannot find")


def test_empty_file(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert_one_line_error(run("inspect", str(empty)), "is empty")


def test_folder_instead_of_file(tmp_path):
    assert_one_line_error(run("inspect", str(tmp_path)))


def test_a_letter_is_not_a_report():
    need(SEED_LETTER.is_file(), "the seed letter is missing")
    result = run("inspect", str(SEED_LETTER))
    assert_one_line_error(result, "does not look like an HMI Probation inspection report")
    with pytest.raises(NotAReportError):
        read_report(SEED_LETTER)


def test_random_text_is_not_a_report(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("Shopping list\n\n1. milk\n2. bread\n\nRecommendations\nbuy more tea\n")
    assert_one_line_error(run("inspect", str(notes)), "does not look like")


def test_corrupt_pdf(tmp_path):
    broken = tmp_path / "report.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nthis is not a real pdf\n")
    assert_one_line_error(run("inspect", str(broken)), "could not be read as a PDF")


def test_truncated_pdf(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    truncated = tmp_path / "cut.pdf"
    truncated.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    result = run("inspect", str(truncated))
    assert result.exit_code != 0 and "Traceback" not in result.output


def test_encrypted_pdf(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("secret")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    assert_one_line_error(run("inspect", str(locked)), "password-protected")


def test_docx_that_is_not_a_zip(tmp_path):
    fake = tmp_path / "report.docx"
    fake.write_text("I am plain text pretending to be Word")
    assert_one_line_error(run("inspect", str(fake)), "not a Word document")


def test_zip_that_is_not_a_word_document(tmp_path):
    archive = tmp_path / "report.docx"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("hello.txt", "hi")
    assert_one_line_error(run("inspect", str(archive)), "zip archive")


def test_damaged_docx(tmp_path):
    archive = tmp_path / "report.docx"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("word/document.xml", "<not-xml")
    assert_one_line_error(run("inspect", str(archive)), "could not be opened as a Word document")


def test_binary_junk(tmp_path):
    junk = tmp_path / "image.bin"
    junk.write_bytes(bytes(range(256)) * 4)
    assert_one_line_error(run("inspect", str(junk)), "not a document drafter can read")


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(2 * 1024 * 1024)  # sparse: 2 MB without writing it

    def no_reading(*_args, **_kwargs):
        raise AssertionError("the file was opened although it is too big")

    monkeypatch.setattr(Path, "open", no_reading)
    assert_one_line_error(run("inspect", "--max-mb", "1", str(big)), "over the 1 MB limit")
    with pytest.raises(InputFileError):
        read_report(big, max_bytes=1024 * 1024)


def test_report_without_recommendations_is_printed_with_a_warning(tmp_path):
    need(SEED_REPORT.is_file(), "the seed report is missing")
    lines = SEED_REPORT.read_text(encoding="utf-8").splitlines()
    start = lines.index("Recommendations (Back to top)")
    end = lines.index("Background (Back to top)")
    cut = tmp_path / "no_recs.txt"
    cut.write_text("\n".join(lines[:start] + lines[end:]), encoding="utf-8")

    report = read_report(cut)
    assert report.recommendations == []
    assert any("No recommendations section" in w for w in report.warnings)
    assert report.unit == "Redcar, Cleveland and Middlesbrough PDU"

    result = run("inspect", str(cut))
    assert result.exit_code == 0
    assert "Redcar, Cleveland and Middlesbrough PDU" in result.output
    assert "Warning: No recommendations section was found" in result.output


def test_inspect_json_has_the_documented_keys():
    result = run("inspect", "--json", str(SAMPLE))
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.output)
    assert data["unit"] == "Ashbourne Vale PDU"
    assert data["recommendations"][5] == {
        "number": 6,
        "addressee": "The East Midlands region",
        "text": data["recommendations"][5]["text"],
        "verb": "should",
    }
    assert data["standards"][0] == {"code": "1.1", "name": "Leadership", "rating": "Good"}
    assert len(data["sha256"]) == 64


def test_inspect_summary_groups_recommendations_by_addressee():
    result = run("inspect", str(SAMPLE))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Ashbourne Vale PDU should:" in out
    assert out.index("Ashbourne Vale PDU should:") < out.index("The East Midlands region should:")
    assert "    6. agree with the county council" in out
    assert "Overall rating:  Requires improvement" in out
    assert "Strengths: 8" in out and "Areas for improvement: 6" in out


@pytest.mark.parametrize("args", [["--help"], ["inspect", "--help"]])
def test_help_shows_an_example(args):
    result = run(*args)
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert "drafter inspect" in result.output


def test_detect_format_from_content():
    assert detect_format(b"%PDF-1.4 ...", "report.txt") == "pdf"
    assert detect_format(b"<!DOCTYPE html><html>", "report.txt") == "html"
    assert detect_format(b"An inspection of probation services", "report.html") == "text"
    assert detect_format(b"\xef\xbb\xbf<html><body>", "x") == "html"


@pytest.mark.parametrize(
    ("content", "phrase"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "Word 97-2003"),
        (b"{\\rtf1 hi}", "Rich Text"),
    ],
)
def test_old_word_and_rtf_files_without_libreoffice_say_how_to_save_as_docx(
    tmp_path, monkeypatch, content, phrase
):
    monkeypatch.setenv("DRAFTER_SOFFICE", "")  # as on a machine without LibreOffice
    path = tmp_path / "report.doc"
    path.write_bytes(content)
    assert_one_line_error(
        run("inspect", str(path)), phrase, "save it as a Word Document (.docx) with File > Save As"
    )


def test_a_saved_web_page_named_pdf_or_docx_is_read_by_its_content(tmp_path):
    from conftest import REPO

    from drafter.reading.reader import read_report

    page = (REPO / "samples" / "ashvale_pdu_2025.html").read_bytes()
    for name in ("report.pdf", "report.docx", "report"):
        misnamed = tmp_path / name
        misnamed.write_bytes(page)
        report = read_report(misnamed)
        assert report.source_format == "html"
        assert report.unit == "Ashbourne Vale PDU"
