"""The files staff actually save: OpenDocument (.odt), a browser's
single-file page (.mhtml), old Word (.doc) and Rich Text (.rtf) converted
through LibreOffice, and a web address given instead of a file. Every corpus
report and the seed must read exactly from each."""

from __future__ import annotations

import email.policy
import io
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPORTS_DIR, SEED_REPORT, corpus_report_names, need, soffice_convert
from hypothesis import given
from hypothesis import strategies as st
from test_reader_errors import assert_one_line_error
from test_reader_formats import expected_view, record_view, seed_word_document

from drafter.cli.commands import cli
from drafter.core.errors import InputFileError
from drafter.reading.formats.mhtml import mhtml_page
from drafter.reading.reader import detect_format, read_report

NAMES = corpus_report_names()


def save_as_mhtml(html: str, path: Path, *, address: str = "https://example.org/report") -> Path:
    """What Chrome's "Save as… Webpage, single file" writes: a multipart/related
    MIME message, the page quoted-printable, a picture and a style sheet beside it."""
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = "<Saved by Blink>"
    message["Snapshot-Content-Location"] = address
    message["Subject"] = "An inspection of probation services"
    message["MIME-Version"] = "1.0"
    message.set_content(html, subtype="html", cte="quoted-printable")
    message.make_related()
    message.add_related(b"\x89PNG\r\n\x1a\n" + bytes(64), maintype="image", subtype="png")
    message.add_related("body { font-family: sans-serif }", subtype="css")
    for part in message.iter_parts():
        part["Content-Location"] = address
    path.write_bytes(message.as_bytes())
    return path


@pytest.fixture(scope="session")
def kinds(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Every corpus report and the seed as .odt, .mhtml, .doc and .rtf."""
    need(REPORTS_DIR.is_dir(), f"the shared corpus is not at {REPORTS_DIR}")
    need(SEED_REPORT.is_file(), f"the seed report is not at {SEED_REPORT}")
    root = tmp_path_factory.mktemp("kinds")
    pages = [REPORTS_DIR / f"{name}.html" for name in NAMES]
    seed_docx = seed_word_document(root / "seed_redcar.docx")
    # The seed is pasted text: its web page is the Word copy saved as a web page.
    (seed_html,) = soffice_convert([seed_docx], "html:XHTML Writer File:UTF8", root / "seed")
    odt = soffice_convert(pages, "odt:writerweb8_writer", root / "odt")
    odt += soffice_convert([seed_docx], "odt:writer8", root / "odt")
    docx = soffice_convert(pages, "docx:MS Word 2007 XML", root / "docx") + [seed_docx]
    doc = soffice_convert(docx, "doc:MS Word 97", root / "doc")
    rtf = soffice_convert(docx, "rtf:Rich Text Format", root / "rtf")
    paths: dict[tuple[str, str], Path] = {}
    for index, page in enumerate([*pages, seed_html]):
        name = NAMES[index] if index < len(NAMES) else "seed_redcar"
        mhtml = save_as_mhtml(page.read_text(encoding="utf-8"), root / f"{name}.mhtml")
        paths.update(
            {
                (name, "odt"): odt[index],
                (name, "mhtml"): mhtml,
                (name, "doc"): doc[index],
                (name, "rtf"): rtf[index],
            }
        )
    return paths


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", ["odt", "mhtml", "doc", "rtf"])
@pytest.mark.parametrize("name", [*NAMES, "seed_redcar"])
def test_every_report_reads_exactly_from_each_file_kind(kinds, name, kind):
    report = read_report(kinds[(name, kind)])
    assert record_view(report) == expected_view(name)
    assert report.source_format == kind


@pytest.mark.libreoffice
def test_odt_and_mhtml_are_recognised_by_content_under_any_name(kinds, tmp_path):
    name = NAMES[0]
    for kind in ("odt", "mhtml"):
        misnamed = tmp_path / f"{name}-{kind}.dat"
        misnamed.write_bytes(kinds[(name, kind)].read_bytes())
        assert read_report(misnamed).source_format == kind


def test_odt_written_by_hand_reads_lists_numbers_and_nested_points(tmp_path):
    """An .odt made with odfpy, not LibreOffice: a continued numbered list,
    a sub-list that stays with its item, and a heading by style."""
    from odf.opendocument import OpenDocumentText
    from odf.style import ListLevelProperties, Style
    from odf.text import H, List, ListItem, ListLevelStyleBullet, ListLevelStyleNumber, ListStyle, P

    document = OpenDocumentText()
    numbers = ListStyle(name="Numbers")
    numbers.addElement(ListLevelStyleNumber(level=1, numformat="1", numsuffix="."))
    bullets = ListStyle(name="Bullets")
    bullets.addElement(ListLevelStyleBullet(level=1, bulletchar="•"))
    for style in (numbers, bullets):
        style.firstChild.addElement(ListLevelProperties())
        document.automaticstyles.addElement(style)
    heading_style = Style(name="Heading_20_1", family="paragraph", displayname="Heading 1")
    document.styles.addElement(heading_style)
    document.text.addElement(
        P(stylename=heading_style, text="An inspection of probation services in Tarnby PDU")
    )
    document.text.addElement(H(outlinelevel=2, text="Ratings"))
    document.text.addElement(P(text="Overall rating Good"))
    document.text.addElement(H(outlinelevel=2, text="Recommendations"))
    document.text.addElement(P(text="Tarnby PDU should:"))

    def numbered(texts, *, continued=False, sub=None):
        lst = List(stylename=numbers)
        if continued:
            lst.setAttribute("continuenumbering", "true")
        for index, text in enumerate(texts):
            item = ListItem()
            item.addElement(P(text=text))
            if sub and index == 0:
                inner = List(stylename=bullets)
                for point in sub:
                    point_item = ListItem()
                    point_item.addElement(P(text=point))
                    inner.addElement(point_item)
                item.addElement(inner)
            lst.addElement(item)
        return lst

    document.text.addElement(
        numbered(
            ["tighten the checks made before a case is closed, including:", "hold monthly reviews"],
            sub=["whether every contact was recorded", "whether the plan was met"],
        )
    )
    document.text.addElement(P(text="The North West region should:"))
    document.text.addElement(numbered(["fund two more posts"], continued=True))
    document.text.addElement(H(outlinelevel=2, text="Background"))
    path = tmp_path / "tarnby.odt"
    document.save(str(path))
    report = read_report(path)
    assert report.unit == "Tarnby PDU"
    assert [(r.number, r.addressee, r.text) for r in report.recommendations] == [
        (
            1,
            "Tarnby PDU",
            "tighten the checks made before a case is closed, including: whether every "
            "contact was recorded whether the plan was met",
        ),
        (2, "Tarnby PDU", "hold monthly reviews"),
        (3, "The North West region", "fund two more posts"),
    ]


# --- .doc and .rtf without LibreOffice, and conversion failures -------------------------


def test_doc_without_libreoffice_says_how_to_save_as_docx(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTER_SOFFICE", "")
    path = tmp_path / "report.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert detect_format(path.read_bytes(), path.name) == "doc"
    assert_one_line_error(
        CliRunner().invoke(cli, ["inspect", str(path)]),
        "Word 97-2003",
        "save it as a Word Document (.docx)",
        "install LibreOffice",
    )


def test_a_converter_that_fails_gives_one_plain_line(tmp_path, monkeypatch):
    failing = tmp_path / "soffice"
    failing.write_text("#!/bin/sh\nexit 3\n")
    failing.chmod(0o755)
    monkeypatch.setenv("DRAFTER_SOFFICE", str(failing))
    path = tmp_path / "report.rtf"
    path.write_bytes(b"{\\rtf1\\ansi An inspection of probation services}")
    assert_one_line_error(
        CliRunner().invoke(cli, ["inspect", str(path)]),
        "LibreOffice could not convert",
        "(.docx)",
    )


def test_a_converter_that_hangs_is_stopped(tmp_path, monkeypatch):
    from drafter.reading.formats import convert

    hanging = tmp_path / "soffice"
    hanging.write_text("#!/bin/sh\nsleep 30\n")
    hanging.chmod(0o755)
    monkeypatch.setenv("DRAFTER_SOFFICE", str(hanging))
    monkeypatch.setattr(convert, "CONVERT_TIMEOUT_SECONDS", 1)
    path = tmp_path / "report.rtf"
    path.write_bytes(b"{\\rtf1\\ansi hello}")
    with pytest.raises(InputFileError, match="took more than 1 seconds"):
        read_report(path)


# --- OpenDocument files that are not text, and damaged ones ------------------------------


def _odf_zip(path: Path, mimetype: str, content: bytes = b"<not-xml") -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
    return path


def test_an_odt_is_not_told_to_unzip(tmp_path):
    path = _odf_zip(tmp_path / "report.odt", "application/vnd.oasis.opendocument.text")
    result = CliRunner().invoke(cli, ["inspect", str(path)])
    assert_one_line_error(result, "could not be opened as an OpenDocument text file")
    assert "Unzip" not in result.output


def test_a_spreadsheet_is_named_as_one(tmp_path):
    path = _odf_zip(tmp_path / "figures.ods", "application/vnd.oasis.opendocument.spreadsheet")
    assert_one_line_error(CliRunner().invoke(cli, ["inspect", str(path)]), "is a spreadsheet")


def test_an_odt_that_unzips_to_too_much_is_refused(tmp_path):
    path = tmp_path / "bomb.odt"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", b" " * (3 * 1024 * 1024))
    from drafter.core import fileio

    with pytest.raises(InputFileError, match="expands to more than"):
        fileio.check_zip_limits(path.read_bytes(), 1024 * 1024)
    import drafter.reading.formats.odt as odt

    original = odt.check_zip_limits

    def small_limit(data, max_unzipped=0, *, name="The file"):
        return original(data, 1024 * 1024, name=name)

    odt.check_zip_limits = small_limit
    try:
        assert_one_line_error(CliRunner().invoke(cli, ["inspect", str(path)]), "expands to")
    finally:
        odt.check_zip_limits = original


# --- MHTML ---------------------------------------------------------------------------------


def test_mhtml_without_a_web_page_inside(tmp_path):
    message = EmailMessage()
    message["MIME-Version"] = "1.0"
    message.set_content("just some words")
    message.make_related()
    path = tmp_path / "saved.mhtml"
    path.write_bytes(message.as_bytes())
    assert_one_line_error(CliRunner().invoke(cli, ["inspect", str(path)]), "no web page inside")


@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"),
        max_size=300,
    ),
    st.sampled_from(["quoted-printable", "base64", "8bit"]),
)
def test_mhtml_gives_back_the_page_as_saved(body, encoding):
    """Whatever the page holds and however it was encoded, the page comes back."""
    html = f"<html><body><p>{body}</p></body></html>"
    message = EmailMessage(policy=email.policy.SMTP)
    message["MIME-Version"] = "1.0"
    message.set_content(html, subtype="html", cte=encoding, charset="utf-8")
    message.make_related()
    data = message.as_bytes()
    assert detect_format(data, "page.mhtml") == "mhtml"
    assert mhtml_page(data).replace("\r\n", "\n").rstrip("\n") == html.replace("\r\n", "\n").rstrip(
        "\n"
    )


# --- a web address instead of a file ---------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "https://www.justiceinspectorates.gov.uk/hmiprobation/inspections/some-report/",
        "http://example.org/report",
        "www.example.org/report.pdf",
    ],
)
@pytest.mark.parametrize("command", [["inspect"], ["match"], ["draft", "-o", "letter.docx"]])
def test_a_web_address_gets_told_to_save_the_page_first(address, command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = [command[0], address, *command[1:]]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code != 0 and "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1
    assert "is a web address" in errors[0] and "save the page" in errors[0]
    assert not (tmp_path / "letter.docx").exists()


def test_a_zip_with_a_docx_inside_is_still_told_to_unzip(tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("report.docx", b"PK")
    path = tmp_path / "download.zip"
    path.write_bytes(inner.getvalue())
    assert_one_line_error(CliRunner().invoke(cli, ["inspect", str(path)]), "Unzip it")


# --- properties of the OpenDocument list reader ---------------------------------------------

ODT_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
ODT_TEXT = st.lists(ODT_WORD, min_size=1, max_size=8).map(" ".join)


@given(
    st.lists(st.tuples(ODT_TEXT, st.lists(ODT_TEXT, max_size=3)), min_size=1, max_size=6),
    st.integers(1, 20),
    st.booleans(),
)
def test_odt_lists_keep_their_printed_numbers_and_sub_points(items, start, numbered):
    from odf.opendocument import OpenDocumentText
    from odf.style import ListLevelProperties
    from odf.text import List, ListItem, ListLevelStyleBullet, ListLevelStyleNumber, ListStyle, P

    from drafter.reading.formats.odt import odt_blocks

    document = OpenDocumentText()
    style = ListStyle(name="L")
    if numbered:
        level = ListLevelStyleNumber(level=1, numformat="1", numsuffix=".", startvalue=start)
    else:
        level = ListLevelStyleBullet(level=1, bulletchar="•")
    level.addElement(ListLevelProperties())
    style.addElement(level)
    document.automaticstyles.addElement(style)
    outer = List(stylename=style)
    for text, points in items:
        item = ListItem()
        item.addElement(P(text=text))
        if points:
            inner = List()
            for point in points:
                point_item = ListItem()
                point_item.addElement(P(text=point))
                inner.addElement(point_item)
            item.addElement(inner)
        outer.addElement(item)
    document.text.addElement(outer)
    buffer = io.BytesIO()
    document.save(buffer)
    blocks = odt_blocks(buffer.getvalue(), "property.odt")
    assert [b.text for b in blocks] == [" ".join([text, *points]) for text, points in items]
    if numbered:
        assert [b.number for b in blocks] == list(range(start, start + len(items)))
    else:
        assert all(b.bullet and b.number is None for b in blocks)
