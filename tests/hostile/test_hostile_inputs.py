"""Hostile and broken files given to every command that reads or writes one.

Each case builds its files in a temporary folder, runs the real command line
in a subprocess under memory and time limits (see conftest.py) and checks
the answer: a non-zero exit and one plain line on stderr, with no traceback.
"""

from __future__ import annotations

import errno
import io
import os
import struct
import zipfile
from pathlib import Path

import pytest

from .conftest import SAMPLE_REPORT, assert_plain_refusal

# --- builders ------------------------------------------------------------------------


def sparse(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that takes no disk space (all zeros)."""
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def zip_declaring(path: Path, huge_part: str, size: int, parts: dict[str, bytes]) -> Path:
    """A tiny zip whose directory says ``huge_part`` unzips to ``size`` bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        archive.writestr(huge_part, b"x")
    data = bytearray(buffer.getvalue())
    entry = data.rindex(b"PK\x01\x02")  # the last central-directory entry: huge_part
    struct.pack_into("<I", data, entry + 24, size)
    path.write_bytes(bytes(data))
    return path


DOCX_PARTS = {
    "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    "word/document.xml": b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>',
}


def alias_bomb(levels: int = 9) -> str:
    """About 450 bytes of YAML that expands to 10**9 strings if aliases are followed."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghijklmnop"
    for i in range(1, levels):
        prev, this = names[i - 1], names[i]
        lines.append(f"{this}: &{this} [" + ",".join([f"*{prev}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def deep_html(levels: int = 20_000) -> str:
    return (
        "<html><body><h1>Report</h1>"
        + "<div>" * levels
        + "x"
        + "</div>" * levels
        + "</body></html>"
    )


ODT_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
    '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
ODT_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:text><text:h text:outline-level="1">Report</text:h>'
)
ODT_TAIL = "</office:text></office:body></office:document-content>"


def odt_file(path: Path, content: bytes) -> Path:
    """An OpenDocument text file whose content.xml is ``content``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("META-INF/manifest.xml", ODT_MANIFEST)
        archive.writestr("content.xml", content)
    return path


def deep_odt(path: Path, levels: int = 20_000) -> Path:
    """Sections inside sections, a few kilobytes zipped."""
    body = "<text:section>" * levels + "<text:p>x</text:p>" + "</text:section>" * levels
    return odt_file(path, (ODT_HEAD + body + ODT_TAIL).encode())


def mhtml_file(path: Path, page: str, *, groups: int = 1) -> Path:
    """A browser's single-file save of ``page``, its parts nested ``groups`` deep."""
    lines = ["From: <Saved by Blink>", "Subject: Report", "MIME-Version: 1.0"]
    for level in range(groups):
        lines += [f'Content-Type: multipart/related; boundary="part{level}"', "", f"--part{level}"]
    lines += ["Content-Type: text/html", "Content-Location: http://example.invalid/", "", page]
    lines += [f"--part{level}--" for level in reversed(range(groups))]
    path.write_bytes("\r\n".join(lines).encode())
    return path


def review_yaml(decision_extra: str = "", *, library_id: str | None = None) -> str:
    action = ""
    if library_id is not None:
        action = f"  actions:\n  - text: Train every officer\n    library_id: {library_id}\n"
    return (
        "schema_version: 1\n"
        "report_sha256: ''\n"
        "unit: Ashvale PDU\n"
        "decisions:\n"
        "- number: 1\n"
        "  recommendation: make sure that police domestic abuse call-out information and "
        "children’s social care checks are requested for every new case and used to assess "
        "who may be at risk\n"
        "  status: decided\n" + decision_extra + action
    )


def copy_sample(folder: Path) -> Path:
    target = folder / "report.html"
    target.write_bytes(SAMPLE_REPORT.read_bytes())
    return target


def template_dir(folder: Path, body: str) -> Path:
    templates = folder / "templates"
    templates.mkdir()
    (templates / "letter.j2").write_text(
        '{% extends "letter.j2" %}{% block thanks %}' + body + "{% endblock %}\n",
        encoding="utf-8",
    )
    return templates


def pdf_pages(path: Path, pages: int, *, password: str | None = None) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password is not None:
        writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


# --- inspect / match / review / draft: reading reports -----------------------------------


def test_inspect_deeply_nested_html(hostile):
    (hostile.folder / "deep.html").write_text(deep_html())
    assert_plain_refusal(hostile("inspect", "deep.html"), "nests")


def test_draft_deeply_nested_html(hostile):
    (hostile.folder / "deep.html").write_text(deep_html())
    assert_plain_refusal(hostile("draft", "deep.html", "-o", "out.docx"), "nests")
    assert not (hostile.folder / "out.docx").exists()


def test_match_deeply_nested_html(hostile):
    (hostile.folder / "deep.html").write_text(deep_html())
    assert_plain_refusal(hostile("match", "deep.html"), "nests")


def test_review_deeply_nested_html(hostile):
    (hostile.folder / "deep.html").write_text(deep_html())
    assert_plain_refusal(hostile("review", "deep.html", "--sheet"), "nests")


def test_inspect_deeply_nested_odt(hostile):
    deep_odt(hostile.folder / "deep.odt")
    assert_plain_refusal(hostile("inspect", "deep.odt"), "deep.odt", "nested more than 100")


def test_match_deeply_nested_odt(hostile):
    deep_odt(hostile.folder / "deep.odt")
    assert_plain_refusal(hostile("match", "deep.odt"), "deep.odt", "nested more than 100")


def test_draft_deeply_nested_odt_spans(hostile):
    # Deep inside one paragraph, where the text is gathered recursively.
    body = "<text:p>" + "<text:span>" * 20_000 + "x" + "</text:span>" * 20_000 + "</text:p>"
    odt_file(hostile.folder / "deep.odt", (ODT_HEAD + body + ODT_TAIL).encode())
    outcome = hostile("draft", "deep.odt", "-o", "out.docx")
    assert_plain_refusal(outcome, "deep.odt", "nested more than 100")
    assert not (hostile.folder / "out.docx").exists()


@pytest.mark.bulk
def test_report_odt_whose_content_is_a_zip_bomb(hostile):
    # content.xml really unzips to 210 MB (of spaces), over the 200 MB limit.
    content = ODT_HEAD.encode() + b" " * (210 * 1024 * 1024) + ODT_TAIL.encode()
    odt_file(hostile.folder / "bomb.odt", content)
    del content
    assert (hostile.folder / "bomb.odt").stat().st_size < 2 * 1024 * 1024
    assert_plain_refusal(hostile("inspect", "bomb.odt"), "bomb.odt", "expands")


def test_report_odt_declaring_a_huge_content_part(hostile):
    parts = {"mimetype": b"application/vnd.oasis.opendocument.text"}
    parts["META-INF/manifest.xml"] = ODT_MANIFEST.encode()
    zip_declaring(hostile.folder / "bomb.odt", "content.xml", 2**32 - 1, parts)
    assert_plain_refusal(hostile("inspect", "bomb.odt"), "bomb.odt", "expands")


def test_inspect_web_page_with_hundreds_of_thousands_of_elements(hostile):
    # 3.6 MB, under the size limit, but 300,000 sibling elements: unguarded,
    # parsing and walking it took over 30 seconds.
    page = "<html><body><h1>Report</h1>" + "<div>x</div>" * 300_000 + "</body></html>"
    (hostile.folder / "wide.html").write_text(page, encoding="utf-8")
    assert_plain_refusal(hostile("inspect", "wide.html"), "tags", "right file")


def test_match_mhtml_holding_a_page_with_hundreds_of_thousands_of_elements(hostile):
    page = "<html><body><h1>Report</h1>" + "<p>x</p>" * 300_000 + "</body></html>"
    mhtml_file(hostile.folder / "wide.mhtml", page)
    assert_plain_refusal(hostile("match", "wide.mhtml"), "tags")


def test_inspect_deeply_nested_mhtml(hostile):
    mhtml_file(hostile.folder / "deep.mhtml", deep_html())
    assert_plain_refusal(hostile("inspect", "deep.mhtml"), "nests")


def test_match_deeply_nested_mhtml(hostile):
    mhtml_file(hostile.folder / "deep.mhtml", deep_html())
    assert_plain_refusal(hostile("match", "deep.mhtml"), "nests")


def test_inspect_mhtml_with_thousands_of_nested_groups_of_parts(hostile):
    # Unguarded, Python's MIME parser checks every line against every open
    # group (minutes for a large file) and then overflows its recursion.
    page = "<html><body><h1>Report</h1></body></html>"
    mhtml_file(hostile.folder / "nested.mhtml", page, groups=5000)
    assert_plain_refusal(hostile("inspect", "nested.mhtml"), "nested.mhtml", "groups of parts")


@pytest.mark.bulk
def test_big_page_inside_a_web_archive_refused_by_default_with_a_note_on_max_mb(hostile):
    page = "<html><body><h1>Report</h1>" + "<p>Appendix paragraph.</p>\n" * 450_000
    mhtml_file(hostile.folder / "big.mhtml", page + "</body></html>")
    outcome = hostile("inspect", "big.mhtml")
    assert_plain_refusal(outcome, "big.mhtml", "web page", "--max-mb")


@pytest.mark.bulk
def test_big_web_page_refused_by_default_with_a_note_on_max_mb(hostile):
    page = hostile.folder / "big.html"
    with page.open("wb") as handle:
        handle.write(b"<html><body><h1>Report</h1>")
        handle.truncate(11 * 1024 * 1024)
    assert_plain_refusal(hostile("inspect", "big.html"), "--max-mb", "web page")


@pytest.mark.bulk
def test_report_over_the_size_limit(hostile):
    sparse(hostile.folder / "huge.pdf", 51 * 1024 * 1024)
    assert_plain_refusal(hostile("inspect", "huge.pdf"), "limit", "--max-mb")


@pytest.mark.bulk
def test_pdf_with_thousands_of_pages(hostile):
    pdf_pages(hostile.folder / "pages.pdf", 2000)
    assert_plain_refusal(hostile("inspect", "pages.pdf"), "pages")


def test_pdf_needing_a_password(hostile):
    pdf_pages(hostile.folder / "locked.pdf", 1, password="secret")
    assert_plain_refusal(hostile("inspect", "locked.pdf"), "password")


@pytest.mark.bulk
def test_report_docx_zip_bomb(hostile):
    zip_declaring(hostile.folder / "bomb.docx", "word/media/big.bin", 2**32 - 1, DOCX_PARTS)
    assert_plain_refusal(hostile("inspect", "bomb.docx"), "expands")


def test_report_that_is_binary_noise(hostile):
    (hostile.folder / "noise.pdf").write_bytes(os.urandom(4096))
    assert_plain_refusal(hostile("inspect", "noise.pdf"))


def test_report_missing(hostile):
    assert_plain_refusal(hostile("inspect", "nowhere.html"), "cannot find")


def test_report_is_a_folder(hostile):
    (hostile.folder / "folder.html").mkdir()
    assert_plain_refusal(hostile("inspect", "folder.html"), "folder")


def test_report_is_empty(hostile):
    (hostile.folder / "empty.html").write_bytes(b"")
    assert_plain_refusal(hostile("inspect", "empty.html"), "empty")


def test_report_is_a_named_pipe(hostile):
    os.mkfifo(hostile.folder / "pipe.html")
    assert_plain_refusal(hostile("inspect", "pipe.html"), "not an ordinary file")


def test_report_with_an_impossibly_long_name(hostile):
    assert_plain_refusal(hostile("inspect", "r" * 5000 + ".html"))


# --- library import -----------------------------------------------------------------------


@pytest.mark.bulk
def test_import_yaml_alias_bomb(hostile):
    bomb = alias_bomb()
    assert len(bomb.encode()) < 500
    (hostile.folder / "bomb.yaml").write_text(bomb)
    assert_plain_refusal(hostile("library", "import", "bomb.yaml"), "line 1")


def test_import_yaml_with_one_alias(hostile):
    (hostile.folder / "alias.yaml").write_text(
        "- action: Train staff\n  unit: &u Ashvale PDU\n- action: Audit cases\n  unit: *u\n"
    )
    assert_plain_refusal(hostile("library", "import", "alias.yaml"), "line 2")


def test_import_deeply_nested_yaml(hostile):
    (hostile.folder / "deep.yaml").write_text("- " + "[" * 50_000 + "]" * 50_000 + "\n")
    assert_plain_refusal(hostile("library", "import", "deep.yaml"), "nested")


def test_import_deeply_nested_json(hostile):
    (hostile.folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    assert_plain_refusal(hostile("library", "import", "deep.json"), "nested")


def test_import_deeply_nested_jsonl_line(hostile):
    (hostile.folder / "deep.jsonl").write_text(
        '{"action": "Train staff"}\n' + "[" * 100_000 + "]" * 100_000 + "\n"
    )
    assert_plain_refusal(hostile("library", "import", "deep.jsonl"), "nested")


def test_import_json_overlong_integer(hostile):
    (hostile.folder / "long.json").write_text(
        '[{"action": "Train staff", "id": ' + "9" * 6000 + "}]"
    )
    assert_plain_refusal(hostile("library", "import", "long.json"), "digits")


def test_import_yaml_overlong_integer(hostile):
    (hostile.folder / "long.yaml").write_text("- action: Train staff\n  id: " + "9" * 6000 + "\n")
    assert_plain_refusal(hostile("library", "import", "long.yaml"), "line 2", "digits")


def test_import_yaml_impossible_date(hostile):
    (hostile.folder / "date.yaml").write_text("- action: Train staff\n  date: 2024-02-30\n")
    assert_plain_refusal(hostile("library", "import", "date.yaml"), "line 2", "not a real date")


def test_import_json_impossible_date(hostile):
    (hostile.folder / "date.json").write_text('[{"action": "Train staff", "date": "2024-02-30"}]')
    outcome = hostile("library", "import", "date.json")
    assert outcome.returncode > 0 and "Traceback" not in outcome.stderr
    assert "2024-02-30" in outcome.stdout + outcome.stderr


def test_import_csv_with_a_giant_field(hostile):
    (hostile.folder / "giant.csv").write_text("action,unit\n" + "x" * 300_000 + ",Ashvale\n")
    assert_plain_refusal(hostile("library", "import", "giant.csv"), "csv")


def test_import_file_not_utf8(hostile):
    (hostile.folder / "latin.csv").write_bytes(b"action,unit\n\xff\xfe\xfa bad,Ashvale\n")
    assert_plain_refusal(hostile("library", "import", "latin.csv"), "utf-8")


@pytest.mark.bulk
def test_import_file_over_the_limit(hostile):
    sparse(hostile.folder / "huge.csv", 201 * 1024 * 1024)
    assert_plain_refusal(hostile("library", "import", "huge.csv"), "limit")


def test_import_file_of_unknown_kind(hostile):
    (hostile.folder / "actions.exe").write_bytes(b"MZ\x90\x00")
    assert_plain_refusal(hostile("library", "import", "actions.exe"))


def test_library_show_with_an_impossible_number(hostile):
    assert_plain_refusal(hostile("library", "show", "9" * 40), "no action")


# --- review files: review --status, draft --review, archive --review ------------------------


@pytest.fixture
def report(hostile) -> Path:
    return copy_sample(hostile.folder)


def test_review_status_with_alias_bomb(hostile, report):
    (hostile.folder / "report.review.yaml").write_text(alias_bomb())
    assert_plain_refusal(hostile("review", "report.html", "--status"), "anchor", "line 1")


def test_draft_review_with_alias_bomb(hostile, report):
    (hostile.folder / "bomb.review.yaml").write_text(alias_bomb())
    outcome = hostile("draft", "report.html", "--review", "bomb.review.yaml", "-o", "out.docx")
    assert_plain_refusal(outcome, "line 1")


def test_review_session_with_alias_bomb(hostile, report):
    (hostile.folder / "report.review.yaml").write_text(alias_bomb())
    assert_plain_refusal(hostile("review", "report.html", stdin="q\n"), "line 1")


def test_review_file_deeply_nested(hostile, report):
    (hostile.folder / "report.review.yaml").write_text(
        review_yaml("  note: " + "[" * 50_000 + "]" * 50_000 + "\n")
    )
    assert_plain_refusal(hostile("review", "report.html", "--status"), "nested")


def test_review_file_overlong_integer(hostile, report):
    (hostile.folder / "report.review.yaml").write_text(review_yaml(library_id="9" * 5000))
    assert_plain_refusal(hostile("review", "report.html", "--status"), "digits")


def test_review_file_library_id_too_large_for_a_database(hostile, report):
    (hostile.folder / "report.review.yaml").write_text(review_yaml(library_id="9" * 25))
    outcome = hostile("draft", "report.html", "-o", "out.docx")
    assert_plain_refusal(outcome, "line 10", "too large")


def test_review_file_impossible_date(hostile, report):
    (hostile.folder / "report.review.yaml").write_text(
        review_yaml("  decided_at: 2026-02-30T10:00:00\n")
    )
    assert_plain_refusal(hostile("review", "report.html", "--status"), "not a real date")


def test_review_file_impossible_target_date(hostile, report):
    (hostile.folder / "report.review.yaml").write_text(review_yaml("  target_date: 2026-13-45\n"))
    assert_plain_refusal(hostile("draft", "report.html", "-o", "out.docx"))


def test_review_file_not_utf8(hostile, report):
    (hostile.folder / "report.review.yaml").write_bytes(b"schema_version: 1\nunit: \xff\xfe\n")
    assert_plain_refusal(hostile("review", "report.html", "--status"), "utf-8")


def test_review_file_naming_a_library_id_that_does_not_exist(hostile, report):
    (hostile.folder / "report.review.yaml").write_text(review_yaml(library_id="4242"))
    outcome = hostile("draft", "report.html", "-o", "out.docx")
    assert_plain_refusal(outcome, "line 10", "4242", "not in this library")
    assert not (hostile.folder / "out.docx").exists()


@pytest.mark.bulk
def test_review_file_over_the_limit(hostile, report):
    sparse(hostile.folder / "report.review.yaml", 6 * 1024 * 1024)
    assert_plain_refusal(hostile("review", "report.html", "--status"), "limit")


# --- settings: config show / draft --config ------------------------------------------------


def test_settings_deeply_nested(hostile):
    (hostile.folder / "s.toml").write_text("x = " + "[" * 50_000 + "]" * 50_000 + "\n")
    assert_plain_refusal(hostile("config", "show", "--config", "s.toml"), "nested")


def test_settings_overlong_integer(hostile):
    (hostile.folder / "s.toml").write_text("[letter]\nx = " + "9" * 6000 + "\n")
    assert_plain_refusal(hostile("config", "show", "--config", "s.toml"), "line 2", "digits")


def test_settings_impossible_date(hostile):
    (hostile.folder / "s.toml").write_text("[letter]\nwhen = 2024-02-30\n")
    assert_plain_refusal(hostile("config", "show", "--config", "s.toml"))


def test_settings_not_utf8(hostile):
    (hostile.folder / "s.toml").write_bytes(b'[letter]\nsign_off = "\xff\xfe"\n')
    assert_plain_refusal(hostile("config", "show", "--config", "s.toml"))


@pytest.mark.bulk
def test_settings_over_the_limit(hostile):
    sparse(hostile.folder / "s.toml", 2 * 1024 * 1024)
    assert_plain_refusal(hostile("config", "show", "--config", "s.toml"), "limit")


def test_draft_with_deeply_nested_settings(hostile, report):
    (hostile.folder / "s.toml").write_text("x = " + "{a = " * 5_000 + "1" + "}" * 5_000 + "\n")
    outcome = hostile("draft", "report.html", "-o", "out.docx", "--config", "s.toml")
    assert_plain_refusal(outcome, "nested")


# --- letterheads ------------------------------------------------------------------------------


@pytest.mark.bulk
def test_letterhead_with_a_1gb_part(hostile, report):
    zip_declaring(hostile.folder / "head.docx", "word/media/logo.png", 2**30, DOCX_PARTS)
    outcome = hostile("draft", "report.html", "-o", "out.docx", "--letterhead", "head.docx")
    assert_plain_refusal(outcome, "letterhead", "expands")
    assert not (hostile.folder / "out.docx").exists()


def test_letterhead_with_one_part_over_the_part_limit(hostile, report):
    zip_declaring(hostile.folder / "head.docx", "word/media/logo.png", 60 * 2**20, DOCX_PARTS)
    outcome = hostile("draft", "report.html", "-o", "out.docx", "--letterhead", "head.docx")
    assert_plain_refusal(outcome, "logo.png")


def test_letterhead_that_is_not_a_docx(hostile, report):
    (hostile.folder / "head.docx").write_text("not a document")
    outcome = hostile("draft", "report.html", "-o", "out.docx", "--letterhead", "head.docx")
    assert_plain_refusal(outcome, "letterhead")


@pytest.mark.bulk
def test_letterhead_file_over_the_limit(hostile, report):
    sparse(hostile.folder / "head.docx", 30 * 1024 * 1024)
    outcome = hostile("draft", "report.html", "-o", "out.docx", "--letterhead", "head.docx")
    assert_plain_refusal(outcome, "limit")


# --- templates (the sandbox) ------------------------------------------------------------------


def test_template_symlink_outside_the_folder(hostile, report):
    folder = template_dir(hostile.folder, '{% include "secret.j2" %}')
    secret = hostile.folder / "secret.txt"
    secret.write_text("PRIVATE-WORDS")
    (folder / "secret.j2").symlink_to(secret)
    outcome = hostile("draft", "report.html", "-o", "out.docx", "--template-dir", folder)
    assert_plain_refusal(outcome, "outside the template folder")
    assert not (hostile.folder / "out.docx").exists()


def test_template_symlink_to_system_file(hostile, report):
    folder = template_dir(hostile.folder, '{% include "passwd.j2" %}')
    (folder / "passwd.j2").symlink_to("/etc/passwd")
    outcome = hostile("draft", "report.html", "-o", "out.docx", "--template-dir", folder)
    assert_plain_refusal(outcome, "outside the template folder")


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('{{ "x" * 10**9 }}', ["characters"]),
        ("{{ 9 ** 999999 }}", ["power"]),
        ("{{ (10 ** 5000) * (10 ** 5000) * (10 ** 5000) }}", ["digits"]),
        ('{{ "x".center(1000000000) }}', ["characters"]),
        ('{{ "x"|center(1000000000) }}', ["characters"]),
        ('{{ "{:>999999999}".format(1) }}', ["characters"]),
        ('{{ "%0999999999d" % 1 }}', ["characters"]),
        ('{% macro f(s) %}{{ f(s ~ s) }}{% endmacro %}{{ f("ab") }}', ["characters"]),
        ("{% set l = [[0] * 100000] * 100000 %}{{ l|join }}", ["characters"]),
        (
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
            ["seconds"],
        ),
        (
            '{% for a in "x" * 1000000 %}{% for b in "y" * 1000000 %}{% endfor %}{% endfor %}',
            ["seconds"],
        ),
        ('{% for i in range(100000) %}{{ "x" * 100 }}{% endfor %}', ["characters"]),
        ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", ["recursion"]),
    ],
    ids=[
        "string-repetition",
        "huge-power",
        "huge-product",
        "center-method",
        "center-filter",
        "format-width",
        "percent-width",
        "doubling-concat",
        "nested-list-join",
        "nested-loops",
        "nested-string-loops",
        "output-cap",
        "endless-recursion",
    ],
)
def test_hostile_template(hostile, report, body, words):
    folder = template_dir(hostile.folder, body)
    outcome = hostile("draft", "report.html", "-o", "out.docx", "--template-dir", folder)
    assert_plain_refusal(outcome, "template", *words)
    assert not (hostile.folder / "out.docx").exists()


def test_template_not_utf8(hostile, report):
    folder = hostile.folder / "templates"
    folder.mkdir()
    (folder / "letter.j2").write_bytes(b'{% extends "letter.j2" %}\xff\xfe')
    outcome = hostile("draft", "report.html", "-o", "out.docx", "--template-dir", folder)
    assert_plain_refusal(outcome, "utf-8")


def test_template_nested_too_deeply_to_parse(hostile, report):
    folder = template_dir(hostile.folder, "{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}")
    outcome = hostile("draft", "report.html", "-o", "out.docx", "--template-dir", folder)
    assert_plain_refusal(outcome, "template")


def test_template_folder_missing(hostile, report):
    outcome = hostile("draft", "report.html", "-o", "out.docx", "--template-dir", "nowhere")
    assert_plain_refusal(outcome, "does not exist")


# --- destinations that cannot be written ---------------------------------------------------


@pytest.fixture
def a_file(hostile) -> Path:
    blocker = hostile.folder / "blocker.txt"
    blocker.write_text("a file, not a folder")
    return blocker


def test_draft_output_under_a_file(hostile, report, a_file):
    outcome = hostile("draft", "report.html", "-o", "blocker.txt/letter.docx")
    assert_plain_refusal(outcome, "blocker.txt", "not a folder")


def test_draft_output_disk_full(hostile, report):
    outcome = hostile("draft", "report.html", "-o", "letter.docx", failing_errno=errno.ENOSPC)
    assert_plain_refusal(outcome, "letter.docx", "disk is full")
    assert sorted(p.name for p in hostile.folder.iterdir()) == ["report.html"]


def test_draft_output_read_only_drive(hostile, report):
    outcome = hostile("draft", "report.html", "-o", "letter.docx", failing_errno=errno.EROFS)
    assert_plain_refusal(outcome, "letter.docx", "read-only")


def test_draft_output_no_permission(hostile, report):
    outcome = hostile("draft", "report.html", "-o", "letter.docx", failing_errno=errno.EACCES)
    assert_plain_refusal(outcome, "letter.docx", "permission")


def test_draft_output_onto_a_dangling_symlink(hostile, report):
    (hostile.folder / "letter.docx").symlink_to(hostile.folder / "gone.docx")
    outcome = hostile("draft", "report.html", "-o", "letter.docx")
    assert_plain_refusal(outcome, "link", "--force")
    assert (hostile.folder / "letter.docx").is_symlink()


def test_draft_output_onto_a_symlink_to_a_file(hostile, report):
    target = hostile.folder / "precious.docx"
    target.write_bytes(b"keep me")
    (hostile.folder / "letter.docx").symlink_to(target)
    outcome = hostile("draft", "report.html", "-o", "letter.docx")
    assert_plain_refusal(outcome, "--force")
    assert target.read_bytes() == b"keep me"


def test_draft_output_onto_an_existing_file(hostile, report):
    (hostile.folder / "letter.docx").write_bytes(b"edited by hand")
    assert_plain_refusal(hostile("draft", "report.html", "-o", "letter.docx"), "--force")
    assert (hostile.folder / "letter.docx").read_bytes() == b"edited by hand"


def test_library_export_under_a_file(hostile, a_file):
    outcome = hostile("library", "export", "blocker.txt/actions.csv")
    assert_plain_refusal(outcome, "not a folder")


def test_library_export_disk_full(hostile):
    outcome = hostile("library", "export", "actions.csv", failing_errno=errno.ENOSPC)
    assert_plain_refusal(outcome, "actions.csv", "disk is full")
    assert list(hostile.folder.iterdir()) == []


def test_library_export_onto_a_dangling_symlink(hostile):
    (hostile.folder / "actions.csv").symlink_to(hostile.folder / "gone.csv")
    assert_plain_refusal(hostile("library", "export", "actions.csv"), "--force")


def test_review_sheet_under_a_file(hostile, report, a_file):
    outcome = hostile("review", "report.html", "--sheet", "-o", "blocker.txt/r.yaml")
    assert_plain_refusal(outcome, "not a folder")


def test_review_sheet_disk_full(hostile, report):
    outcome = hostile("review", "report.html", "--sheet", failing_errno=errno.ENOSPC)
    assert_plain_refusal(outcome, "disk is full")
    assert sorted(p.name for p in hostile.folder.iterdir()) == ["report.html"]


def test_review_session_disk_full(hostile, report):
    outcome = hostile("review", "report.html", stdin="a\nq\n", failing_errno=errno.ENOSPC)
    assert_plain_refusal(outcome, "disk is full")


def test_config_init_under_a_file(hostile, a_file):
    assert_plain_refusal(hostile("config", "init", "blocker.txt/config.toml"), "not a folder")


def test_config_init_disk_full(hostile):
    outcome = hostile("config", "init", "config.toml", failing_errno=errno.ENOSPC)
    assert_plain_refusal(outcome, "config.toml", "disk is full")


def test_config_init_onto_a_dangling_symlink(hostile):
    (hostile.folder / "config.toml").symlink_to(hostile.folder / "gone.toml")
    assert_plain_refusal(hostile("config", "init", "config.toml"), "--force")


def test_config_templates_into_a_file(hostile, a_file):
    assert_plain_refusal(hostile("config", "templates", "blocker.txt"), "file")


def test_config_templates_read_only(hostile):
    outcome = hostile("config", "templates", "mine", failing_errno=errno.EROFS)
    assert_plain_refusal(outcome, "read-only")


def test_archive_export_under_a_file(hostile, a_file):
    assert_plain_refusal(hostile("archive", "export", "blocker.txt/copy"), "not a folder")


def test_archive_export_disk_full(hostile):
    outcome = hostile("archive", "export", "copy", failing_errno=errno.ENOSPC)
    assert_plain_refusal(outcome, "disk is full")


def test_archive_export_into_a_file(hostile, a_file):
    assert_plain_refusal(hostile("archive", "export", "blocker.txt"), "file")


# --- archive: sent letters ----------------------------------------------------------------


@pytest.mark.bulk
def test_archive_letter_zip_bomb(hostile):
    zip_declaring(hostile.folder / "sent.docx", "word/media/big.bin", 2**32 - 1, DOCX_PARTS)
    assert_plain_refusal(hostile("archive", "sent.docx", "--no-supersedes"), "expands")


def test_archive_letter_missing(hostile):
    assert_plain_refusal(hostile("archive", "nowhere.docx"), "cannot find")


def test_archive_letter_is_binary_noise(hostile):
    (hostile.folder / "sent.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(2048))
    assert_plain_refusal(hostile("archive", "sent.pdf", "--no-supersedes"))


def test_archive_with_deeply_nested_report(hostile, sent_letter):
    (hostile.folder / "deep.html").write_text(deep_html())
    outcome = hostile("archive", sent_letter, "--report", "deep.html", "--no-supersedes")
    assert_plain_refusal(outcome, "nests")


def test_archive_review_alias_bomb(hostile, sent_letter):
    (hostile.folder / "bomb.review.yaml").write_text(alias_bomb())
    outcome = hostile("archive", sent_letter, "--review", "bomb.review.yaml", "--no-supersedes")
    assert_plain_refusal(outcome, "line 1")


@pytest.fixture
def sent_letter(hostile, drafted_letter) -> Path:
    target = hostile.folder / "sent.docx"
    target.write_bytes(drafted_letter.read_bytes())
    return target


@pytest.fixture(scope="session")
def drafted_letter(tmp_path_factory, library_template) -> Path:
    """A letter drafted once from the sample report, to archive."""
    from drafter.letter.drafting import draft_letter
    from drafter.library.store import Library

    folder = tmp_path_factory.mktemp("letter")
    library = Library(f"sqlite:///{library_template}", auto_starter=False)
    target = folder / "sent.docx"
    draft_letter(SAMPLE_REPORT, target, library=library)
    library.db.dispose()
    return target


# --- match --from-file ---------------------------------------------------------------------


def test_match_from_file_binary(hostile):
    (hostile.folder / "recs.txt").write_bytes(os.urandom(2048).replace(b"\n", b"\x00"))
    assert_plain_refusal(hostile("match", "--from-file", "recs.txt"))


@pytest.mark.bulk
def test_match_from_file_over_the_limit(hostile):
    sparse(hostile.folder / "recs.txt", 3 * 1024 * 1024)
    assert_plain_refusal(hostile("match", "--from-file", "recs.txt"), "limit")


def test_match_from_file_is_a_docx_bomb(hostile):
    zip_declaring(hostile.folder / "recs.txt", "word/media/big.bin", 2**32 - 1, DOCX_PARTS)
    assert_plain_refusal(hostile("match", "--from-file", "recs.txt"))


# --- numbers too large for any database, typed on the command line --------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["archive", "show", "9" * 30],
        ["commitments", "done", "9" * 30, "--note", "done"],
        ["commitments", "note", "9" * 30, "--note", "progress"],
        ["library", "list", "--limit", "9" * 30],
        ["library", "retire", "9" * 30],
    ],
    ids=["archive-show", "commitments-done", "commitments-note", "library-list", "library-retire"],
)
def test_number_too_large_for_the_database(hostile, args):
    assert_plain_refusal(hostile(*args))
