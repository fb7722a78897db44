"""The reader on the variety real HMI Probation publications show: other
headings, addressees, list markers, rating layouts, signatures, page furniture
and scanned PDFs. Every report here is written inside the test, in our own
words; none is copied from a real or corpus report."""

from __future__ import annotations

import io
import string
from collections import Counter

import pytest
from click.testing import CliRunner
from conftest import soffice_convert
from docx import Document
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from drafter.cli.commands import cli
from drafter.core.errors import InputFileError, NotAReportError
from drafter.core.model import RATINGS, Recommendation
from drafter.reading.parser import Block, addressee_of, parse_blocks, split_alpha_marker
from drafter.reading.reader import read_report, read_report_bytes

UNIT = "Testvale PDU"
FOOTER = "Inspection of probation services: Testvale PDU"

# A short report with everything but the recommendations; {recs} is replaced.
REPORT = f"""An inspection of probation services in {UNIT}

Contents
Foreword 3
Ratings 4
Recommendations 6
Background 7

Foreword
Testvale is one of five PDUs in the Wales region.
Jane Doe CBE
HM Chief Inspector of Probation

Ratings
Fieldwork started: 3 June 2025
Score 7/21
Overall rating: Requires improvement
1.1 Leadership
Good

{{recs}}

Background
Testvale has two offices and a busy court.
"""


def read_text(text: str):
    return read_report_bytes(text.encode("utf-8"), name="test.txt")


def recs_of(section: str) -> list[Recommendation]:
    return read_text(REPORT.replace("{recs}", section)).recommendations


def texts_of(section: str) -> list[str]:
    return [r.text for r in recs_of(section)]


LIST = (
    "Testvale PDU should:\n"
    "1. review how cases are allocated to staff;\n"
    "2. make sure every practitioner receives supervision.\n"
)
LIST_TEXTS = [
    "review how cases are allocated to staff",
    "make sure every practitioner receives supervision",
]


# --- the Recommendations section and its heading ---------------------------------


@pytest.mark.parametrize(
    "heading",
    [
        "Recommendations",
        "Recommendation",
        "Our recommendations",
        "RECOMMENDATIONS",
        "Recommendations:",
        "4. Recommendations",
        "Section 4: Recommendations",
        "Summary of recommendations",
        "Recommendations for improvement",
        "Recommendations (Back to top)",
        "## Recommendations",
    ],
)
def test_recommendations_heading_variants(heading):
    assert texts_of(f"{heading}\nWe make these recommendations.\n{LIST}") == LIST_TEXTS


def test_contents_list_naming_the_section_is_never_taken():
    # The contents list names the section, followed here by a numbered list of
    # chapters; only the real section below is read.
    contents = (
        "Contents\n1. Foreword\n2. Recommendations\n3. Context\n4. Findings\n\n"
        "Recommendations\n" + LIST
    )
    report = read_text(REPORT.replace("Contents\n", "Old contents\n").replace("{recs}", contents))
    assert [r.text for r in report.recommendations] == LIST_TEXTS


def test_contents_entry_without_the_section_gives_a_warning_not_chapters():
    report = read_text(
        REPORT.replace("{recs}", "Contents\n1. Foreword\n2. Recommendations\n3. Context\n")
    )
    assert report.recommendations == []
    assert "No recommendations section" in report.warnings[0]


def test_html_contents_list_with_links_is_not_the_section():
    page = f"""<html><body><h1>An inspection of probation services in {UNIT}</h1>
    <h2>Contents</h2><ol><li><a href="#f">Foreword</a></li>
    <li><a href="#r">Recommendations</a></li><li><a href="#c">Context and caseload</a></li>
    <li><a href="#b">Background</a></li></ol>
    <table><tr><td>Overall rating</td><td>Good</td></tr></table>
    <h2 id="r">Recommendations</h2><p>Testvale PDU should:</p>
    <ol><li>review how cases are allocated to staff;</li>
    <li>make sure every practitioner receives supervision.</li></ol>
    <h2 id="b">Background</h2><p>Two offices.</p></body></html>"""
    report = read_report_bytes(page.encode("utf-8"), name="page.html")
    assert [r.text for r in report.recommendations] == LIST_TEXTS


# --- addressees -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "addressee"),
    [
        ("Testvale PDU should:", "Testvale PDU"),
        ("The Testvale PDU should:", "The Testvale PDU"),
        (
            "HM Prison and Probation Service (HMPPS) should:",
            "HM Prison and Probation Service (HMPPS)",
        ),
        ("The Probation Service should:", "The Probation Service"),
        (
            "The Regional Probation Director for the North West should:",
            "The Regional Probation Director for the North West",
        ),
        ("The chair of the YJS management board should:", "The chair of the YJS management board"),
        ("The Director of Children's Services should:", "The Director of Children's Services"),
        ("The Director of Children’s Services should:", "The Director of Children’s Services"),
        ("Ministry of Justice should:", "Ministry of Justice"),
        ("We recommend that the PDU should:", "The PDU"),
        ("We recommend that Testvale PDU should:", "Testvale PDU"),
        (
            "The Testvale YJS management board should, as a priority:",
            "The Testvale YJS management board",
        ),
    ],
)
def test_addressee_lines(line, addressee):
    section = f"Recommendations\n{line}\n1. review how cases are allocated to staff.\n"
    assert recs_of(section) == [
        Recommendation(1, addressee, "review how cases are allocated to staff")
    ]


def test_addressee_of_rejects_sentences_that_are_not_addressees():
    assert addressee_of("We recommend that:") is None
    assert addressee_of("The PDU should review its plans.") is None
    assert addressee_of("2025 should:") is None


def test_lower_case_item_ending_in_should_is_not_an_addressee():
    section = (
        "Recommendations\nTestvale PDU should:\n"
        "1. agree with partners what each of them should:\n"
        "a) share\nb) record\n2. make sure every practitioner receives supervision.\n"
    )
    assert [(r.addressee, r.text) for r in recs_of(section)] == [
        (UNIT, "agree with partners what each of them should: share record"),
        (UNIT, LIST_TEXTS[1]),
    ]


def test_bulleted_addressees_of_a_youth_justice_report():
    section = (
        "Recommendations\n"
        "• The Lowfield YJS manager should:\n"
        "• make sure plans say how risks to other people will be managed\n"
        "• involve parents and carers in every review.\n"
        "• The Lowfield YJS management board should:\n"
        "• check that partners attend its meetings.\n"
    )
    assert recs_of(section) == [
        Recommendation(
            1,
            "The Lowfield YJS manager",
            "make sure plans say how risks to other people will be managed",
        ),
        Recommendation(2, "The Lowfield YJS manager", "involve parents and carers in every review"),
        Recommendation(
            3, "The Lowfield YJS management board", "check that partners attend its meetings"
        ),
    ]


def test_several_addressees_with_numbering_restarting():
    section = (
        "Recommendations\nThe Probation Service should:\n1. agree a plan for staffing.\n"
        "The Regional Probation Director for the North West should:\n"
        "1. review the approved premises referral process;\n"
        "2. publish the regional training offer.\n"
    )
    assert [(r.number, r.addressee) for r in recs_of(section)] == [
        (1, "The Probation Service"),
        (1, "The Regional Probation Director for the North West"),
        (2, "The Regional Probation Director for the North West"),
    ]


# --- list markers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "markers",
    [("1.", "2."), ("1)", "2)"), ("(1)", "(2)"), ("a)", "b)"), ("(a)", "(b)")],
)
def test_marker_styles(markers):
    first, second = markers
    section = (
        f"Recommendations\nTestvale PDU should:\n{first} review how cases are allocated to staff;\n"
        f"{second} make sure every practitioner receives supervision.\n"
    )
    assert recs_of(section) == [
        Recommendation(n, UNIT, t) for n, t in zip((1, 2), LIST_TEXTS, strict=True)
    ]


@pytest.mark.parametrize("marker", ["•", "1.", "(1)", "a)", "-", "\uf0b7"])
@pytest.mark.parametrize("capital", [False, True])
def test_marker_alone_on_its_line_with_the_text_below(marker, capital):
    # Copying from a PDF often leaves the marker on a line of its own.
    second = (
        "2." if marker[0].isdigit() or marker[0] == "(" else ("b)" if marker == "a)" else marker)
    )
    first_text = "Review how cases are allocated" if capital else "review how cases are allocated"
    section = (
        f"Recommendations\nTestvale PDU should:\n{marker}\n{first_text}\n"
        f"{second}\nMake sure every practitioner is supervised\n"
    )
    assert texts_of(section) == [first_text, "Make sure every practitioner is supervised"]


def test_numbers_alone_on_their_lines():
    section = (
        "Recommendations\nTestvale PDU should:\n1\nreview how cases are allocated to staff\n"
        "2\nMake sure every practitioner receives supervision\n"
        f"{FOOTER}\n6\n3\nagree a plan with the police\n{FOOTER}\n7\n"
    )
    report = read_text(REPORT.replace("{recs}", section) + f"{FOOTER}\n8\n")
    assert [(r.number, r.text) for r in report.recommendations] == [
        (1, "review how cases are allocated to staff"),
        (2, "Make sure every practitioner receives supervision"),
        (3, "agree a plan with the police"),
    ]


def test_page_number_alone_is_not_taken_for_a_marker():
    section = (
        "Recommendations\nTestvale PDU should:\n1. review how cases are allocated to\n"
        f"{FOOTER}\n6\nstaff in the court team;\n2. make sure every practitioner is supervised\n"
        f"{FOOTER}\n7\n"
    )
    report = read_text(REPORT.replace("{recs}", section) + f"{FOOTER}\n8\n")
    assert [r.text for r in report.recommendations] == [
        "review how cases are allocated to staff in the court team",
        "make sure every practitioner is supervised",
    ]


def test_item_split_by_a_page_break_continuing_with_a_capital():
    section = (
        "Recommendations\nTestvale PDU should:\n1. strengthen how it works with\n"
        f"{FOOTER}\n6\nMulti-Agency Public Protection Arrangements (MAPPA);\n"
        "2. make sure every practitioner is supervised.\n"
    )
    report = read_text(REPORT.replace("{recs}", section) + f"{FOOTER}\n8\n{FOOTER}\n9\n")
    assert [r.text for r in report.recommendations] == [
        "strengthen how it works with Multi-Agency Public Protection Arrangements (MAPPA)",
        "make sure every practitioner is supervised",
    ]


def test_a_paragraph_after_an_unpunctuated_list_is_not_joined():
    section = (
        "Recommendations\nTestvale PDU should:\n1. review how cases are allocated to staff\n"
        "2. make sure every practitioner receives supervision\n"
        "Progress on these will be checked at our next visit.\n"
    )
    assert texts_of(section) == LIST_TEXTS


# --- colons and sub-points ------------------------------------------------------------


def test_item_with_a_colon_is_one_recommendation():
    section = (
        "Recommendations\nTestvale PDU should:\n"
        "1. improve one thing above all: the quality of risk assessments;\n"
        "2. make sure every practitioner receives supervision.\n"
    )
    assert texts_of(section) == [
        "improve one thing above all: the quality of risk assessments",
        LIST_TEXTS[1],
    ]


@pytest.mark.parametrize(
    ("first", "second"), [("a)", "b)"), ("(i)", "(ii)"), ("•", "•"), ("-", "-")]
)
def test_sub_points_stay_in_their_recommendation(first, second):
    section = (
        "Recommendations\nTestvale PDU should:\n"
        "1. make sure that case records show:\n"
        f"   {first} what the risks are\n"
        f"   {second} who will act on them;\n"
        "2. make sure every practitioner receives supervision.\n"
    )
    assert texts_of(section) == [
        "make sure that case records show: what the risks are who will act on them",
        LIST_TEXTS[1],
    ]


def test_lettered_sub_points_under_a_numbered_item_without_a_colon():
    section = (
        "Recommendations\nTestvale PDU should:\n1. agree with the police how it will\n"
        "a) share information quickly\nb) check it is complete\n"
        "2. make sure every practitioner receives supervision.\n"
    )
    assert texts_of(section) == [
        "agree with the police how it will share information quickly check it is complete",
        LIST_TEXTS[1],
    ]


def test_word_sub_bullets_stay_in_their_recommendation(tmp_path):
    document = Document()
    document.add_paragraph(f"An inspection of probation services in {UNIT}", style="Title")
    document.add_paragraph("Overall rating: Good")
    document.add_heading("Recommendations", level=2)
    document.add_paragraph("Testvale PDU should:")
    document.add_paragraph("make sure that case records show:", style="List Number")
    document.add_paragraph("what the risks are", style="List Bullet 2")
    document.add_paragraph("who will act on them", style="List Bullet 2")
    document.add_paragraph("make sure every practitioner receives supervision", style="List Number")
    document.add_heading("Background", level=2)
    path = tmp_path / "report.docx"
    document.save(path)
    report = read_report(path)
    assert [(r.number, r.text) for r in report.recommendations] == [
        (1, "make sure that case records show: what the risks are who will act on them"),
        (2, "make sure every practitioner receives supervision"),
    ]


def test_lettered_list_as_the_main_list_is_numbered_by_position():
    section = (
        "Recommendations\nTestvale PDU should:\na) review how cases are allocated to staff;\n"
        "b) make sure every practitioner receives supervision;\nc) agree a plan with the police.\n"
    )
    assert [(r.number, r.text) for r in recs_of(section)] == [
        (1, LIST_TEXTS[0]),
        (2, LIST_TEXTS[1]),
        (3, "agree a plan with the police"),
    ]


def test_split_alpha_marker():
    assert split_alpha_marker("b) act now") == (2, "act now")
    assert split_alpha_marker("(iv) act now") == (4, "act now")
    assert split_alpha_marker("i) act now") == (1, "act now")
    assert split_alpha_marker("ab) act") is None
    assert split_alpha_marker("a)") is None
    assert split_alpha_marker("and so on") is None


# --- ratings, fieldwork, score ----------------------------------------------------------


@pytest.mark.parametrize(
    ("ratings", "overall", "standard"),
    [
        (
            "Overall rating: Requires improvement\n1.1 Leadership\nGood",
            "Requires improvement",
            "Good",
        ),
        ("Overall rating\n‘Inadequate’\n1.1 Leadership ‘Good’", "Inadequate", "Good"),
        ("Overall rating is Good\n1.1 Leadership\nRating: Good", "Good", "Good"),
        ("Overall rating – Good\n1.1 Leadership Rating: Inadequate", "Good", "Inadequate"),
        (
            "Overall rating:\nGood\n1.1 Leadership – Requires Improvement",
            "Good",
            "Requires improvement",
        ),
        (
            "Overall rating Outstanding\nP 1.1. Leadership | Outstanding",
            "Outstanding",
            "Outstanding",
        ),
    ],
)
def test_rating_layouts(ratings, overall, standard):
    report = read_text(f"An inspection of probation services in {UNIT}\n\n{ratings}\n")
    assert report.overall_rating == overall
    assert [(s.code, s.name, s.rating) for s in report.standards] == [
        ("1.1", "Leadership", standard)
    ]


@pytest.mark.parametrize(
    ("line", "score"),
    [("Score 5/21", "5/21"), ("Score: 5 / 21", "5/21"), ("Score: 14 out of 36", "14/36")],
)
def test_score_layouts(line, score):
    report = read_text(
        f"An inspection of probation services in {UNIT}\nOverall rating: Good\n{line}\n"
    )
    assert report.score == score


@pytest.mark.parametrize(
    "line",
    [
        "Fieldwork started: 3 June 2025",
        "Fieldwork started June 2025",
        "Fieldwork began on 3 June 2025",
        "We carried out our fieldwork over two weeks, beginning 3 June 2025.",
        "Fieldwork took place in June 2025.",
        "The fieldwork was carried out between 3 and 12 June 2025.",
        "Fieldwork dates: 3–12 June 2025",
        "Our fieldwork took place during the week of 3 June 2025.",
    ],
)
def test_fieldwork_wordings(line):
    report = read_text(
        f"An inspection of probation services in {UNIT}\nOverall rating: Good\n{line}\n"
    )
    assert report.fieldwork == "June 2025"


def test_fieldwork_ignores_other_dates_in_the_background():
    report = read_text(
        f"An inspection of probation services in {UNIT}\nOverall rating: Good\n"
        "We looked at orders that started in March 2025. Fieldwork took place in June 2025.\n"
    )
    assert report.fieldwork == "June 2025"


# --- the Chief Inspector's signature ------------------------------------------------------


@pytest.mark.parametrize(
    "signature",
    [
        "Kim Jones CBE\nHM Chief Inspector of Probation",
        "Kim Jones OBE\nHis Majesty’s Chief Inspector of Probation",
        "Kim Jones KC\nChief Inspector of Probation",
        "Kim Jones CBE, HM Chief Inspector of Probation",
        "Kim Jones, Chief Inspector of Probation",
        "HM Chief Inspector of Probation, Kim Jones",
    ],
)
def test_chief_inspector_signatures(signature):
    report = read_text(
        f"An inspection of probation services in {UNIT}\nOverall rating: Good\n"
        f"Foreword from the HM Chief Inspector of Probation\nWe found good work.\n{signature}\n"
    )
    assert report.chief_inspector == "Kim Jones"


# --- region from a running header ----------------------------------------------------------


def test_region_only_in_a_running_header():
    pages = []
    for page in range(3):
        pages += [
            Block("paragraph", "HMI Probation report – Wales region"),
            Block("paragraph", "Some text about the unit on this page."),
            Block("paragraph", str(page + 1)),
        ]
    blocks = [
        Block("heading", "An inspection of probation services in Northvale Town PDU", level=1),
        Block("row", "Overall rating Good", cells=("Overall rating", "Good")),
        *pages,
    ]
    report = parse_blocks(blocks)
    assert report.region == "Wales"


def test_pdf_whose_region_is_only_in_its_running_header(tmp_path):
    document = Document()
    header = document.sections[0].header.paragraphs[0]
    header.text = "Northvale Town PDU – Wales region"
    document.add_paragraph(
        "An inspection of probation services in Northvale Town PDU", style="Title"
    )
    document.add_paragraph("Overall rating: Requires improvement")
    document.add_heading("Recommendations", level=2)
    document.add_paragraph("Northvale Town PDU should:")
    for text in ("review how cases are allocated to staff", "agree a plan with the police"):
        document.add_paragraph(text, style="List Number")
    for page in range(3):
        document.add_heading("Background" if page == 0 else f"Context {page}", level=2)
        document.add_paragraph("The unit covers a town and its villages.")
        document.add_page_break()
    source = tmp_path / "northvale.docx"
    document.save(source)
    (pdf,) = soffice_convert([source], "pdf", tmp_path / "out")
    report = read_report(pdf)
    assert report.unit == "Northvale Town PDU"
    assert report.region == "Wales"
    assert [r.text for r in report.recommendations] == [
        "review how cases are allocated to staff",
        "agree a plan with the police",
    ]


def _page_number_footer(section) -> None:
    """A footer holding Word's PAGE field, as real reports have."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = section.footer.paragraphs[0].add_run()
    for kind, code in (("begin", None), (None, "PAGE"), ("end", None)):
        element = OxmlElement("w:fldChar" if kind else "w:instrText")
        if kind:
            element.set(qn("w:fldCharType"), kind)
        else:
            element.text = code
        run._r.append(element)


def test_pdf_list_across_page_breaks_with_sub_points_and_two_digit_numbers(tmp_path):
    """A Word report exported to PDF: twelve long recommendations run over page
    breaks (running header, page-number footer), one has sub-bullets, and
    "10." loses its gap in the extracted text."""
    words = [
        "staff",
        "cases",
        "risk",
        "police",
        "records",
        "quality",
        "oversight",
        "training",
        "housing",
        "courts",
    ]

    def words_from(seed: int, count: int) -> str:
        return " ".join(words[(seed * 7 + i * 3) % len(words)] for i in range(count))

    document = Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Inspection of probation services: Northvale Town PDU"
    _page_number_footer(section)
    document.add_paragraph(
        "An inspection of probation services in Northvale Town PDU", style="Title"
    )
    document.add_paragraph("Overall rating: Requires improvement")
    for seed in range(5):
        document.add_paragraph(f"Context {words_from(seed, 70)}.")
    document.add_heading("Recommendations", level=2)
    document.add_paragraph("Northvale Town PDU should:")
    expected = []
    for seed in range(12):
        text = f"make sure {words_from(seed, 45)}"
        if seed == 4:
            subs = [words_from(seed + 20, 20), words_from(seed + 30, 20)]
            document.add_paragraph(f"{text} including:", style="List Number")
            for sub in subs:
                document.add_paragraph(sub, style="List Bullet 2")
            expected.append(f"{text} including: {' '.join(subs)}")
        else:
            document.add_paragraph(f"{text};", style="List Number")
            expected.append(text)
    document.add_heading("Background", level=2)
    document.add_paragraph("The unit covers a town and its villages.")
    source = tmp_path / "long_list.docx"
    document.save(source)
    assert [r.text for r in read_report(source).recommendations] == expected
    (pdf,) = soffice_convert([source], "pdf", tmp_path / "out")
    report = read_report(pdf)
    assert [(r.number, r.text) for r in report.recommendations] == list(
        enumerate(expected, start=1)
    )


# --- scanned PDFs -------------------------------------------------------------------------


def _image_only_pdf() -> bytes:
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (595, 842), "white")
    ImageDraw.Draw(page).text((60, 60), "An inspection of probation services", fill="black")
    buffer = io.BytesIO()
    page.save(buffer, format="PDF")
    return buffer.getvalue()


SCAN_MESSAGE = (
    "This PDF has no text that can be read — it may be a scan. "
    "Ask for the accessible version or the web page."
)


def test_scanned_pdf_gets_its_own_message(tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(_image_only_pdf())
    with pytest.raises(InputFileError) as caught:
        read_report(scan)
    assert str(caught.value) == SCAN_MESSAGE
    result = CliRunner().invoke(cli, ["inspect", str(scan)])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [f"Error: {SCAN_MESSAGE}"]


def test_pdf_with_no_text_at_all_gets_the_scan_message(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    blank = tmp_path / "blank.pdf"
    with blank.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(InputFileError, match="no text that can be read"):
        read_report(blank)


def _hand_written_pdf(content: bytes, font: bytes, descendant: bytes) -> bytes:
    """A one-page PDF whose only font is ``font`` (with one descendant font)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        font,
        descendant,
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def test_pdf_whose_fonts_have_no_character_map(tmp_path):
    # A font with Identity encoding and no ToUnicode map: the text extracts
    # as "(cid:321)(cid:366)…", which no one can read.
    glyphs = "".join(f"{0x100 + ord(c):04x}" for c in "An inspection of probation services")
    pdf = tmp_path / "nomap.pdf"
    pdf.write_bytes(
        _hand_written_pdf(
            f"BT /F1 12 Tf 72 760 Td <{glyphs}> Tj ET".encode(),
            b"<< /Type /Font /Subtype /Type0 /BaseFont /Anon /Encoding /Identity-H "
            b"/DescendantFonts [6 0 R] >>",
            b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Anon /CIDSystemInfo "
            b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 500 >>",
        )
    )
    result = CliRunner().invoke(cli, ["inspect", str(pdf)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "fonts do not say which letters" in lines[0]
    assert "accessible version" in lines[0]


# --- properties -----------------------------------------------------------------------------

WORD = st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=9).filter(
    lambda w: w not in ("and", "a", "i", "v", "x")
)
ITEM = st.lists(WORD, min_size=3, max_size=15).map(" ".join)
ADDRESSEES = st.sampled_from(
    [
        ("Testvale PDU should:", "Testvale PDU"),
        ("We recommend that the PDU should:", "The PDU"),
        (
            "HM Prison and Probation Service (HMPPS) should:",
            "HM Prison and Probation Service (HMPPS)",
        ),
        (
            "The Regional Probation Director for Wales should:",
            "The Regional Probation Director for Wales",
        ),
        ("The chair of the YJS management board should:", "The chair of the YJS management board"),
    ]
)


@settings(max_examples=120, deadline=None)
@given(
    groups=st.lists(
        st.tuples(ADDRESSEES, st.lists(ITEM, min_size=1, max_size=5)), min_size=1, max_size=3
    ),
    style=st.sampled_from(["1.", "1)", "(1)", "a)", "lone 1.", "lone •", "bare"]),
    data=st.data(),
)
def test_marker_layouts_recover_every_recommendation(groups, style, data):
    """Whatever marker layout, with sub-points under some items and page
    furniture between items, the same recommendations come back."""
    lines = ["Recommendations"]
    expected = []
    for (line, addressee), items in groups:
        lines.append(line)
        for index, text in enumerate(items, start=1):
            letter = "abcdefghijklmnopqrstuvwxyz"[index - 1]
            marker = {
                "1.": f"{index}.",
                "1)": f"{index})",
                "(1)": f"({index})",
                "a)": f"{letter})",
                "lone 1.": f"{index}.\n",
                "lone •": "•\n",
                "bare": f"{index}\n",
            }[style]
            separator = "" if marker.endswith("\n") else " "
            subs = data.draw(st.lists(ITEM, max_size=2)) if style not in ("a)", "lone •") else []
            if subs:
                lines.append(f"{marker}{separator}{text} including:")
                lines += [f"  {'abc'[n]}) {sub}" for n, sub in enumerate(subs)]
                full = f"{text} including: " + " ".join(subs)
            else:
                lines.append(f"{marker}{separator}{text};")
                full = text
            expected.append(Recommendation(index, addressee, full))
            if data.draw(st.booleans()):
                lines += [FOOTER, str(20 + len(expected))]
    report = read_text(REPORT.replace("{recs}", "\n".join(lines)) + f"{FOOTER}\n40\n{FOOTER}\n41\n")
    if style == "lone •":  # bullets are numbered by position in the whole list
        expected = [Recommendation(n, r.addressee, r.text) for n, r in enumerate(expected, 1)]
    assert report.recommendations == expected


@given(st.sampled_from(["", "We recommend that ", "In addition, "]), ADDRESSEES)
def test_addressee_preamble_is_dropped(preamble, addressee):
    line, who = addressee
    found = addressee_of(preamble + line)
    assert found == who


# --- titles and credits -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "kind", "unit"),
    [
        ("An inspection of probation services in: Northvale Town PDU", "pdu", "Northvale Town PDU"),
        ("An inspection of Probation Services – Wales region", "region", "Wales region"),
        ("Joint inspection of youth offending services in Lowfield", "yjs", "Lowfield"),
        ("An inspection of youth justice services in Lowfield YJS", "yjs", "Lowfield"),
        ("A core inspection of youth justice services in Lowfield", "yjs", "Lowfield"),
    ],
)
def test_title_wordings(title, kind, unit):
    report = read_text(f"{title}\nOverall rating: Good\n")
    assert (report.kind, report.unit) == (kind, unit)


def test_publication_date_and_lead_inspector_as_credits():
    report = read_text(
        f"An inspection of probation services in {UNIT}\nOverall rating: Good\n"
        "Date of publication: 4 March 2025\nLead inspector: Sam Smith\n"
    )
    assert report.publication_date == "2025-03-04"
    assert report.lead_inspector == "Sam Smith"


# --- text pasted from a PDF, hard-wrapped at the page margin ---------------------------------

PROSE_WORDS = st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=9)
ITEM_WORDS = st.one_of(
    PROSE_WORDS.filter(lambda w: w != "and"),
    st.sampled_from(("Police", "Probation", "Service", "MAPPA", "Approved", "Premises")),
)


@settings(max_examples=60, deadline=None)
@given(
    items=st.lists(
        st.lists(ITEM_WORDS, min_size=12, max_size=45).filter(lambda w: w[-1] != "and"),
        min_size=1,
        max_size=6,
    ),
    prose=st.lists(st.lists(PROSE_WORDS, min_size=120, max_size=200), min_size=3, max_size=3),
)
def test_hard_wrapped_items_continue_on_capitalised_lines(items, prose):
    """Pasted from a PDF, each line stops at the margin and wrapped lines are
    not indented; a line may start with "Police" or "MAPPA" mid-sentence."""
    import textwrap

    def wrapped(text: str) -> str:
        return textwrap.fill(text, width=78, break_long_words=False)

    first, second, third = (wrapped(f"Then {' '.join(words)}.") for words in prose)
    texts = [" ".join(words) for words in items]
    listing = "\n".join(
        wrapped(f"{n}. {text}{'.' if n == len(texts) else ';'}") for n, text in enumerate(texts, 1)
    )
    document = (
        f"An inspection of probation services in {UNIT}\n\nOverall rating: Good\n\n"
        f"{first}\n\nRecommendations\n\n{second}\n\nTestvale PDU should:\n{listing}\n\n"
        f"Background\n\n{third}\n"
    )
    # Three identical lines would be taken for a running header, as they should.
    lines = [line for line in document.splitlines() if line.strip()]
    assume(max(Counter(lines).values()) < 3)
    assert [r.text for r in read_text(document).recommendations] == texts


def test_hard_wrapped_item_ending_the_list_does_not_swallow_the_next_heading():
    prose = "\n".join(["The unit had staff who worked with people on probation every day"] * 25)
    document = (
        f"An inspection of probation services in {UNIT}\nOverall rating: Good\n{prose}\n"
        "Recommendations\nTestvale PDU should:\n"
        "1. review how staff share risk information with the police and the Probation\n"
        "Service when a case is transferred between offices in the county or the city\n"
        "Background\nThe unit covers a town.\n"
    )
    assert [r.text for r in read_text(document).recommendations] == [
        "review how staff share risk information with the police and the Probation "
        "Service when a case is transferred between offices in the county or the city"
    ]


def test_cover_title_with_the_unit_on_its_own_line():
    report = read_text(
        "An inspection of probation services in\n\nNorthvale Town PDU\n\nOverall rating: Good\n"
    )
    assert (report.kind, report.unit) == ("pdu", "Northvale Town PDU")


def test_key_strengths_and_key_areas_for_improvement_labels():
    report = read_text(
        f"An inspection of probation services in {UNIT}\nOverall rating: Good\n"
        "Organisational delivery\n1.1 Leadership\nKey strengths\n• leaders are visible\n"
        "Key areas for improvement:\n• plans are not reviewed\n"
    )
    assert [(f.standard, f.text) for f in report.strengths] == [("1.1", "leaders are visible")]
    assert [f.text for f in report.areas_for_improvement] == ["plans are not reviewed"]


def test_footnote_numbers_do_not_stick_to_recommendations():
    page = f"""<html><body><h1>An inspection of probation services in {UNIT}</h1>
    <p>Overall rating: Good</p><h2>Recommendations</h2><p>Testvale PDU should<sup>2</sup>:</p>
    <ol><li>review how cases are allocated to staff<sup>3</sup>;</li>
    <li>make sure every practitioner receives supervision.<sup>[4]</sup></li></ol>
    <h2>Background</h2><p>It is the 1<sup>st</sup> unit.</p></body></html>"""
    report = read_report_bytes(page.encode("utf-8"), name="page.html")
    assert report.recommendations == [
        Recommendation(n, UNIT, t) for n, t in enumerate(LIST_TEXTS, start=1)
    ]


def test_page_number_before_the_next_section_is_not_a_recommendation():
    section = (
        "Recommendations\nTestvale PDU should:\n1. review how cases are allocated to staff;\n"
        "2. make sure every practitioner receives supervision\n3\n"
    )
    assert texts_of(section) == LIST_TEXTS


def test_recommendations_labelled_with_their_number():
    section = (
        "Recommendations\nRecommendation 1: Testvale PDU should review how cases are allocated.\n"
        "Recommendation 2 – HMPPS should fund more staff.\n"
    )
    assert [(r.number, r.text) for r in recs_of(section)] == [
        (1, "Testvale PDU should review how cases are allocated"),
        (2, "HMPPS should fund more staff"),
    ]


def test_long_standard_names_of_older_reports():
    report = read_text(
        f"An inspection of probation services in {UNIT}\nOverall rating: Good\n"
        "2.1 Assessment is well-informed, analytical and personalised, actively involving "
        "the service user Requires improvement\n"
    )
    assert report.standards[0].rating == "Requires improvement"
    assert report.standards[0].name.endswith("actively involving the service user")


def test_report_whose_ratings_are_a_picture_still_gives_its_recommendations():
    report = read_text(
        f"An inspection of probation services in {UNIT}\n\nRecommendations\n{LIST}\nBackground\n"
    )
    assert [r.text for r in report.recommendations] == LIST_TEXTS
    assert report.overall_rating is None
    assert any("No ratings were found" in warning for warning in report.warnings)


def test_title_and_an_empty_recommendations_heading_are_not_a_report():
    with pytest.raises(NotAReportError):
        read_text(f"An inspection of probation services in {UNIT}\nRecommendations\nNone.\n")


NAME_WORD = st.text(alphabet=string.ascii_lowercase, min_size=3, max_size=10)


@settings(max_examples=100, deadline=None)
@given(
    # A standard's name never ends in the word "rating" ("Aaa rating" reads as
    # the name "Aaa" followed by its rating label), so it is left out.
    words=st.lists(NAME_WORD.filter(lambda w: w != "rating"), min_size=1, max_size=6),
    rating=st.sampled_from(RATINGS),
    layout=st.sampled_from(
        [
            "{code} {name} {rating}",
            "{code} {name} – {rating}",
            "{code} {name}\nRating: {rating}",
            "P {code}. {name} | ‘{rating}’",
            "{code} {name}\n{rating}",
        ]
    ),
    code=st.sampled_from(["1.1", "2.3", "3.4"]),
)
def test_standard_rating_layouts(words, rating, layout, code):
    name = " ".join(words).capitalize()
    line = layout.format(code=code, name=name, rating=rating)
    report = read_text(f"An inspection of probation services in {UNIT}\n{line}\n")
    assert [(s.code, s.name, s.rating) for s in report.standards] == [(code, name, rating)]


@given(st.integers(min_value=1, max_value=26), st.booleans(), NAME_WORD)
def test_alpha_markers_give_their_position(position, parenthesised, word):
    letter = string.ascii_lowercase[position - 1]
    marker = f"({letter})" if parenthesised else f"{letter})"
    assert split_alpha_marker(f"{marker} {word} more") == (
        1 if letter == "i" else position,
        f"{word} more",
    )


def test_browser_printed_headers_and_footers_never_leak_into_recommendations():
    """A web page printed to PDF carries the date, title, address and "3/12"
    on every page; they differ only in the page number."""
    header = "24/11/2026, 09:36 Testvale PDU inspection - HM Inspectorate of Probation"

    def page_break(page: int) -> list[Block]:
        return [
            Block("paragraph", f"https://hmiprobation.example/report/testvale {page}/12"),
            Block("paragraph", header),
        ]

    blocks = [
        Block("heading", f"An inspection of probation services in {UNIT}", level=1),
        Block("paragraph", "Overall rating: Good"),
        *page_break(1),
        Block("heading", "Recommendations", level=2),
        Block("paragraph", "Testvale PDU should:"),
        Block("item", "review how cases are allocated to", number=1),
        *page_break(2),
        Block("paragraph", "staff;"),
        Block("item", "make sure every practitioner receives supervision.", number=2),
        *page_break(3),
        Block("heading", "Background", level=2),
        Block("paragraph", "Two offices."),
    ]
    report = parse_blocks(blocks)
    assert [r.text for r in report.recommendations] == LIST_TEXTS


# --- region: only from a sentence that presents it as the unit's region ------------------


def _seed_text() -> str:
    from conftest import SEED_REPORT, need

    need(SEED_REPORT.exists(), f"the seed report is not at {SEED_REPORT}")
    return SEED_REPORT.read_text("utf-8")


def test_unlisted_unit_that_never_names_its_region_gets_no_region():
    """The licence notice ("Kew, London TW9 4DU") on every web page is an
    address, not the unit's region: guessing London would be wrong silently."""
    text = _seed_text()
    assert "Kew" in text  # the address the old fallback picked up
    lines = [line for line in text.splitlines() if "PDUs in the North East region" not in line]
    altered = "\n".join(lines).replace("Redcar, Cleveland and Middlesbrough", "Fenmoor Vale")
    assert "North East" not in altered
    report = read_report_bytes(altered.encode("utf-8"), name="fenmoor.txt")
    assert report.unit and "Fenmoor Vale" in report.unit
    assert report.region is None
    assert "The report does not say which probation region it covers." in report.warnings


def test_seed_report_states_its_region():
    report = read_report_bytes(_seed_text().encode("utf-8"), name="seed.txt")
    assert report.region == "North East"
    assert not any("probation region" in w for w in report.warnings)


@pytest.mark.parametrize(
    "sentence, region",
    [
        ("Fenmoor Vale is one of six PDUs in the London region.", "London"),
        ("Fenmoor Vale PDU is part of the North West probation region.", "North West"),
        ("Our offices are at 1 High Street, London SW1A 1AA.", None),
        ("Staff had visited a project in Wales last year.", None),
    ],
)
def test_region_only_from_a_sentence_about_the_units_region(sentence, region):
    text = (
        "An inspection of probation services in Fenmoor Vale PDU\n\n"
        "Overall rating\nGood\n\n"
        f"Background\n\n{sentence}\n"
    )
    assert read_report_bytes(text.encode("utf-8"), name="r.txt").region == region


def test_region_from_a_sentence_placing_the_unit_but_not_from_an_address():
    from drafter.core.model import Report
    from drafter.core.regions import infer_region

    report = Report(kind="yjs", unit="Wyvern Cross")
    placed = "Wyvern Cross is a coastal borough in the South West, with two towns."
    assert infer_region(report, placed) == "South West"
    address = "The National Archives,\nKew,\nLondon TW9 4DU"
    assert infer_region(report, address) is None
