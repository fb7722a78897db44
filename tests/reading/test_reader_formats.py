"""Every corpus report, the real seed report and the bundled sample must read to
the same expected record from every format: the original web page, DOCX and
PDF made by LibreOffice, LibreOffice's plain-text export, a seed-style
flattened text (table cells run together, as when a web page is copied), and
Markdown.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, NavigableString, Tag
from conftest import (
    REPO,
    REPORTS_DIR,
    SEED_REPORT,
    corpus_report_names,
    expected_record,
    need,
    soffice_convert,
)
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from drafter.core.model import Report
from drafter.reading.reader import read_report

NAMES = corpus_report_names()
SAMPLE = REPO / "samples" / "ashvale_pdu_2025.html"
FORMATS = ["html", "docx", "pdf", "pdf_via_word", "lo_text", "flat_text", "markdown"]


# --- converters used only by the tests -------------------------------------------


def flatten_like_seed(html: str) -> str:
    """Flatten a web page the way copying it from a browser does (like the seed):
    table cells run together on one line, list items indented with a marker."""
    soup = BeautifulSoup(html, "lxml")
    lines: list[str] = []

    def text(node: Tag) -> str:
        for br in node.find_all("br"):
            br.replace_with("\n")
        return node.get_text().strip()

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString) or not isinstance(child, Tag):
                continue
            if child.name in ("style", "script", "head", "title"):
                continue
            if child.name in ("h1", "h2", "h3", "p"):
                lines.extend(["", text(child)])
            elif child.name in ("ol", "ul"):
                number = int(child.get("start", 1))
                lines.append("")
                for item in child.find_all("li", recursive=False):
                    marker = f"{number}." if child.name == "ol" else "•"
                    lines.append(f"  {marker} {' '.join(text(item).split())}")
                    number += 1
            elif child.name == "table":
                lines.append("")
                for row in child.find_all("tr"):
                    lines.append("".join(text(cell) for cell in row.find_all(["td", "th"])))
            else:
                walk(child)

    walk(soup.body)
    return "\n".join(lines) + "\n"


def to_markdown(html: str) -> str:
    """A Markdown rendering: # headings, numbered and dashed lists, pipe tables."""
    soup = BeautifulSoup(html, "lxml")
    out: list[str] = []

    def text(node: Tag) -> str:
        return " ".join(node.get_text(" ").split())

    def walk(node: Tag) -> None:
        for child in node.children:
            if not isinstance(child, Tag) or child.name in ("style", "script", "head"):
                continue
            if child.name in ("h1", "h2", "h3"):
                out.extend(["#" * int(child.name[1]) + " " + text(child), ""])
            elif child.name == "p":
                for br in child.find_all("br"):
                    br.replace_with("\n")
                out.extend([*child.get_text().strip().split("\n"), ""])
            elif child.name in ("ol", "ul"):
                number = int(child.get("start", 1))
                for item in child.find_all("li", recursive=False):
                    marker = f"{number}." if child.name == "ol" else "-"
                    out.append(f"{marker} {text(item)}")
                    number += 1
                out.append("")
            elif child.name == "table":
                for index, row in enumerate(child.find_all("tr")):
                    cells = [text(c) for c in row.find_all(["td", "th"])]
                    out.append("| " + " | ".join(cells) + " |")
                    if index == 0:
                        out.append("|---|---|")
                out.append("")
            else:
                walk(child)

    walk(soup.body)
    return "\n".join(out)


@pytest.fixture(scope="session")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Every corpus report and the sample in every format: {(name, format): path}."""
    need(REPORTS_DIR.is_dir(), f"the shared corpus is not at {REPORTS_DIR}")
    sources = [REPORTS_DIR / f"{name}.html" for name in NAMES] + [SAMPLE]
    root = tmp_path_factory.mktemp("converted")
    docx = soffice_convert(sources, "docx:MS Word 2007 XML", root / "docx")
    pdf = soffice_convert(sources, "pdf:writer_web_pdf_Export", root / "pdf")
    text = soffice_convert(sources, "txt:Text (encoded):UTF8", root / "txt")
    # Printed from Word instead: paged, with narrow borderless tables whose
    # cells wrap ("Requires" / "improvement") and rows torn by page breaks.
    paged = soffice_convert(docx, "pdf:writer_pdf_Export", root / "pdf_word")
    paths: dict[tuple[str, str], Path] = {}
    for index, source in enumerate(sources):
        name = source.stem
        html = source.read_text(encoding="utf-8")
        flat = root / "flat" / f"{name}.txt"
        flat.parent.mkdir(exist_ok=True)
        flat.write_text(flatten_like_seed(html), encoding="utf-8")
        markdown = root / "md" / f"{name}.md"
        markdown.parent.mkdir(exist_ok=True)
        markdown.write_text(to_markdown(html), encoding="utf-8")
        paths.update(
            {
                (name, "html"): source,
                (name, "docx"): docx[index],
                (name, "pdf"): pdf[index],
                (name, "pdf_via_word"): paged[index],
                (name, "lo_text"): text[index],
                (name, "flat_text"): flat,
                (name, "markdown"): markdown,
            }
        )
    return paths


def record_view(report: Report) -> dict:
    """The report in the shape of the corpus's expected.json files."""
    return {
        "kind": report.kind,
        "unit": report.unit,
        "region": report.region,
        "overall_rating": report.overall_rating,
        "fieldwork": report.fieldwork,
        "score": report.score,
        "ratings": [{"code": s.code, "name": s.name, "rating": s.rating} for s in report.standards],
        "chief_inspector": report.chief_inspector,
        "recommendations": [
            {"number": r.number, "addressee": r.addressee, "text": r.text}
            for r in report.recommendations
        ],
        "n_recommendations": len(report.recommendations),
        "strengths": len(report.strengths),
        "areas_for_improvement": len(report.areas_for_improvement),
    }


def expected_view(name: str) -> dict:
    expected = expected_record(name)
    return {key: expected[key] for key in record_view_keys()}


def record_view_keys() -> list[str]:
    return [
        "kind",
        "unit",
        "region",
        "overall_rating",
        "fieldwork",
        "score",
        "ratings",
        "chief_inspector",
        "recommendations",
        "n_recommendations",
        "strengths",
        "areas_for_improvement",
    ]


# --- the corpus -------------------------------------------------------------------


@pytest.mark.libreoffice
@pytest.mark.parametrize("source_format", FORMATS)
@pytest.mark.parametrize("name", NAMES)
def test_corpus_report_reads_the_same_from_every_format(converted, name, source_format):
    report = read_report(converted[(name, source_format)])
    assert record_view(report) == expected_view(name)
    assert len(report.sha256) == 64


@pytest.mark.libreoffice
@pytest.mark.parametrize("source_format", ["docx", "pdf", "lo_text"])
def test_format_is_detected_from_content_not_extension(converted, tmp_path, source_format):
    """A report saved with the wrong extension still reads."""
    name = NAMES[0]
    misnamed = tmp_path / f"{name}.dat"
    misnamed.write_bytes(converted[(name, source_format)].read_bytes())
    assert record_view(read_report(misnamed)) == expected_view(name)


def test_html_record_has_the_details_later_steps_use():
    report = read_report(REPORTS_DIR / "brackenmoor_aldcaster_2024.html")
    assert report.publication_date == "2025-01-16"
    assert report.source_format == "html"
    assert report.lead_inspector and " " in report.lead_inspector
    assert report.foreword.startswith("This inspection of Brackenmoor and Aldcaster")
    assert "HM Chief Inspector" not in report.foreword
    assert {f.standard for f in report.strengths} >= {"1.1", "1.2"}
    questions = {(q.standard, q.percentage) for q in report.key_questions}
    assert len(report.key_questions) >= 6
    assert all(0 <= pct <= 100 for _standard, pct in questions)


# --- the real seed report -------------------------------------------------------------


@pytest.fixture(scope="session")
def seed_expected() -> dict:
    need(SEED_REPORT.is_file(), f"the seed report is not at {SEED_REPORT}")
    return expected_view("seed_redcar")


def test_seed_text_reads_exactly(seed_expected):
    report = read_report(SEED_REPORT)
    assert record_view(report) == seed_expected
    assert report.lead_inspector == "Donna Waters"
    assert report.source_format == "text"
    assert report.foreword.startswith("The Redcar, Cleveland and Middlesbrough Probation")
    kq = {(q.standard, q.percentage) for q in report.key_questions}
    assert ("2.1", 30) in kq and ("2.4", 42) in kq


def test_seed_as_markdown_reads_exactly(seed_expected, tmp_path):
    markdown = tmp_path / "seed.md"
    markdown.write_text(SEED_REPORT.read_text(encoding="utf-8"), encoding="utf-8")
    assert record_view(read_report(markdown)) == seed_expected


def seed_word_document(path: Path, *, running_header: bool = False) -> Path:
    """The seed typed into Word: list lines become real Word numbered and
    bulleted paragraphs, everything else plain paragraphs. With
    ``running_header`` every page also gets a header line and a page number,
    as the published PDFs have."""
    document = Document()
    if running_header:
        section = document.sections[0]
        section.header.paragraphs[
            0
        ].text = "Inspection of probation services: Redcar, Cleveland and Middlesbrough PDU"
        section.footer.paragraphs[0]._p.append(
            parse_xml(
                f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'
            )
        )
    for line in SEED_REPORT.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped[:2] in {f"{n}." for n in range(1, 10)} and line.startswith("  "):
            document.add_paragraph(stripped[2:].strip(), style="List Number")
        elif stripped.startswith("•"):
            document.add_paragraph(stripped[1:].strip(), style="List Bullet")
        else:
            document.add_paragraph(stripped)
    document.save(path)
    return path


def test_seed_as_word_document_reads_exactly(seed_expected, tmp_path):
    path = seed_word_document(tmp_path / "seed.docx", running_header=True)
    assert record_view(read_report(path)) == seed_expected


@pytest.mark.libreoffice
def test_seed_as_pdf_with_page_headers_and_numbers_reads_exactly(seed_expected, tmp_path):
    """Running headers and page numbers on every page never leak into the record."""
    source = seed_word_document(tmp_path / "seed_paged.docx", running_header=True)
    (pdf,) = soffice_convert([source], "pdf:writer_pdf_Export", tmp_path / "pdf")
    report = read_report(pdf)
    assert record_view(report) == seed_expected
    everything = " ".join(r.text for r in report.recommendations)
    everything += " ".join(f.text for f in report.strengths + report.areas_for_improvement)
    assert "Inspection of probation services" not in everything


@pytest.mark.libreoffice
def test_seed_as_pdf_reads_exactly(seed_expected, tmp_path):
    (pdf,) = soffice_convert([SEED_REPORT], "pdf:writer_pdf_Export", tmp_path)
    assert record_view(read_report(pdf)) == seed_expected


# --- the bundled sample -------------------------------------------------------------

SAMPLE_EXPECTED = {
    "kind": "pdu",
    "unit": "Ashbourne Vale PDU",
    "region": "East Midlands",
    "overall_rating": "Requires improvement",
    "fieldwork": "May 2025",
    "score": "8/21",
    "chief_inspector": "Martin Jones",
    "n_recommendations": 6,
    "strengths": 8,
    "areas_for_improvement": 6,
}


@pytest.mark.libreoffice
@pytest.mark.parametrize("source_format", FORMATS)
def test_sample_reads_fully_from_every_format(converted, source_format):
    report = read_report(converted[(SAMPLE.stem, source_format)])
    view = record_view(report)
    assert {key: view[key] for key in SAMPLE_EXPECTED} == SAMPLE_EXPECTED
    assert [s.rating for s in report.standards] == [
        "Good",
        "Requires improvement",
        "Good",
        "Requires improvement",
        "Requires improvement",
        "Inadequate",
        "Requires improvement",
    ]
    addressees = [(r.number, r.addressee) for r in report.recommendations]
    assert addressees[4] == (5, "Ashbourne Vale PDU")
    assert addressees[5] == (6, "The East Midlands region")  # numbering continues
    assert report.recommendations[5].text.endswith("all PDUs in the county")
    assert not report.warnings


def test_sample_json_keys_are_stable():
    data = read_report(SAMPLE).to_dict()
    for key in (
        "kind",
        "unit",
        "region",
        "fieldwork",
        "score",
        "overall_rating",
        "standards",
        "recommendations",
        "strengths",
        "areas_for_improvement",
        "chief_inspector",
        "sha256",
    ):
        assert key in data
    assert set(data["standards"][0]) == {"code", "name", "rating"}
    assert set(data["recommendations"][0]) == {"number", "addressee", "text", "verb"}
    assert set(data["strengths"][0]) == {"standard", "text"}
    json.dumps(data)  # everything is JSON-serialisable


@pytest.mark.libreoffice
@pytest.mark.parametrize("source_format", ["docx", "pdf", "pdf_via_word", "lo_text", "flat_text"])
def test_key_questions_and_findings_match_the_web_page(converted, source_format):
    """Beyond the expected records: key-question percentages (whose table cells
    wrap in PDFs) and the standard each finding belongs to survive every format."""
    for name in NAMES:
        html = read_report(converted[(name, "html")])
        other = read_report(converted[(name, source_format)])
        assert other.key_questions == html.key_questions, name
        assert [f.standard for f in other.strengths] == [f.standard for f in html.strengths]
        assert other.foreword == html.foreword, name
        assert other.lead_inspector == html.lead_inspector
        assert other.publication_date == html.publication_date


def test_unit_short_drops_the_kind_of_unit():
    from drafter.core.model import Report

    assert Report(kind="pdu", unit="Stockton and Hartlepool PDU").unit_short == (
        "Stockton and Hartlepool"
    )
    assert Report(kind="region", unit="Kent, Surrey and Sussex region").unit_short == (
        "Kent, Surrey and Sussex"
    )
