"""Recommendations laid out as a table rather than a list: a number column
and a text column (one table per addressee), or one table whose first column
names the addressee. Every corpus report and the seed must read exactly in
that layout as a web page, a Word document and a PDF (made by LibreOffice,
with and without ruled borders)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import REPORTS_DIR, SEED_REPORT, corpus_report_names, need, soffice_convert
from docx import Document
from test_reader_formats import expected_view, record_view

from drafter.reading.reader import read_report, read_report_bytes

NAMES = corpus_report_names()
LAYOUTS = ["numbered", "addressee"]
_ADDRESSEE_LINE = re.compile(r"^(?P<who>.+?)\s+should:$")
_TYPED_MARKER = re.compile(r"^\s*(?:\d{1,2}\.|[-•])\s+")


# --- the converters ------------------------------------------------------------------------


def _section_children(soup: BeautifulSoup) -> tuple[Tag, list[Tag]]:
    heading = next(
        h for h in soup.find_all("h2") if h.get_text(" ", strip=True).startswith("Recommendations")
    )
    children = []
    for sibling in heading.find_next_siblings():
        if sibling.name == "h2":
            break
        children.append(sibling)
    return heading, children


def _inner_html(node: Tag, strip_marker: bool = False) -> str:
    html = node.decode_contents()
    return _TYPED_MARKER.sub("", html, count=1) if strip_marker else html


def recommendations_as_table(html: str, layout: str, *, ruled: bool = False) -> str:
    """The report with its recommendation lists turned into tables.

    ``numbered``: each addressee's list becomes a table of "No." and
    "Recommendation"; ``addressee``: one table for the section whose first
    column names the addressee. Numbers are as printed (a bulleted list is
    numbered by position). Everything else stays where it was."""
    soup = BeautifulSoup(html, "lxml")
    _heading, children = _section_children(soup)
    border = ' border="1"' if ruled else ""
    addressee, position = "", 0
    rows: list[tuple[str, int, str]] = []  # (addressee, number, inner html)
    pending: list[Tag] = []  # the list elements that make the current run
    table_for_section: Tag | None = None

    def header(*names: str) -> str:
        return "<tr>" + "".join(f"<th>{n}</th>" for n in names) + "</tr>"

    def flush_numbered() -> None:
        if not pending:
            return
        body = "".join(f"<tr><td>{n}</td><td>{text}</td></tr>" for _who, n, text in rows)
        table = BeautifulSoup(
            f"<table{border}>{header('No.', 'Recommendation')}{body}</table>", "lxml"
        ).table
        pending[0].replace_with(table)
        for element in pending[1:]:
            element.decompose()
        pending.clear()
        rows.clear()

    for element in children:
        text = element.get_text(" ", strip=True)
        who = _ADDRESSEE_LINE.match(text) if element.name == "p" else None
        items: list[tuple[int, str]] = []
        if element.name in ("ol", "ul"):
            number = int(element.get("start", 1))
            for item in element.find_all("li", recursive=False):
                position += 1
                items.append((number if element.name == "ol" else position, _inner_html(item)))
                number += 1
        elif element.name == "p" and _TYPED_MARKER.match(text) and addressee:
            position += 1
            typed = re.match(r"\s*(\d{1,2})\.", text)
            items.append((int(typed.group(1)) if typed else position, _inner_html(element, True)))
        if items:
            rows.extend((addressee, n, t) for n, t in items)
            pending.append(element)
            if layout == "addressee":
                body = "".join(
                    f"<tr><td>{addressee}</td><td>{n}</td><td>{t}</td></tr>" for n, t in items
                )
                if table_for_section is None:
                    table_for_section = BeautifulSoup(
                        f"<table{border}>{header('Addressee', 'No.', 'Recommendation')}</table>",
                        "lxml",
                    ).table
                    element.insert_before(table_for_section)
                for row in BeautifulSoup(f"<table>{body}</table>", "lxml").find_all("tr"):
                    table_for_section.append(row)
                element.decompose()
                pending.clear()
                rows.clear()
            continue
        if layout == "numbered":
            flush_numbered()
        if who:
            addressee = who.group("who")
            if layout == "addressee":
                element.decompose()
        elif layout == "addressee" and table_for_section is not None:
            table_for_section.insert_after(element.extract())  # footers after the table
    flush_numbered()
    return str(soup)


def seed_lines() -> list[str]:
    return SEED_REPORT.read_text(encoding="utf-8").splitlines()


def seed_table_document(path: Path, layout: str) -> Path:
    """The seed typed into Word with its recommendations in a table."""
    document = Document()
    in_recommendations, addressee, pending = False, "", []

    def flush() -> None:
        if not pending:
            return
        columns = (
            ["Addressee", "No.", "Recommendation"]
            if layout == "addressee"
            else ["No.", "Recommendation"]
        )
        table = document.add_table(rows=1, cols=len(columns))
        for cell, name in zip(table.rows[0].cells, columns, strict=True):
            cell.text = name
        for number, text in pending:
            values = (
                [addressee, str(number), text] if layout == "addressee" else [str(number), text]
            )
            for cell, value in zip(table.add_row().cells, values, strict=True):
                cell.text = value
        pending.clear()

    for line in seed_lines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("Recommendations"):
            in_recommendations = True
        elif in_recommendations and stripped.startswith("Background"):
            in_recommendations = False
        marker = re.match(r"^(\d{1,2})\.\s+(.*)$", stripped)
        if in_recommendations and marker and line.startswith("  "):
            pending.append((int(marker.group(1)), marker.group(2)))
            continue
        flush()
        who = _ADDRESSEE_LINE.match(stripped)
        if in_recommendations and who:
            addressee = who.group("who")
            if layout == "addressee":
                continue
        if stripped.startswith("•"):
            document.add_paragraph(stripped[1:].strip(), style="List Bullet")
        else:
            document.add_paragraph(stripped)
    flush()
    document.save(path)
    return path


@pytest.fixture(scope="session")
def tables(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str, str], Path]:
    """{(name, layout, format): path} for every corpus report and the seed."""
    need(REPORTS_DIR.is_dir(), f"the shared corpus is not at {REPORTS_DIR}")
    need(SEED_REPORT.is_file(), f"the seed report is not at {SEED_REPORT}")
    root = tmp_path_factory.mktemp("tables")
    paths: dict[tuple[str, str, str], Path] = {}
    for layout in LAYOUTS:
        folder = root / layout
        folder.mkdir()
        pages = []
        for name in NAMES:
            page = folder / f"{name}.html"
            html = (REPORTS_DIR / f"{name}.html").read_text(encoding="utf-8")
            page.write_text(recommendations_as_table(html, layout), encoding="utf-8")
            pages.append(page)
        ruled = []
        for name in NAMES:
            page = folder / "ruled" / f"{name}.html"
            page.parent.mkdir(exist_ok=True)
            html = (REPORTS_DIR / f"{name}.html").read_text(encoding="utf-8")
            page.write_text(recommendations_as_table(html, layout, ruled=True), encoding="utf-8")
            ruled.append(page)
        seed_docx = seed_table_document(folder / "seed_redcar.docx", layout)
        (seed_html,) = soffice_convert([seed_docx], "html:XHTML Writer File:UTF8", folder / "seed")
        docx = soffice_convert(pages, "docx:MS Word 2007 XML", folder / "docx")
        pdf = soffice_convert(pages, "pdf:writer_web_pdf_Export", folder / "pdf")
        ruled_pdf = soffice_convert(ruled, "pdf:writer_web_pdf_Export", folder / "ruled_pdf")
        seed_pdf = soffice_convert([seed_docx], "pdf:writer_pdf_Export", folder / "seed_pdf")
        docx_pdf = soffice_convert(docx, "pdf:writer_pdf_Export", folder / "pdf_via_word")
        for index, name in enumerate(NAMES):
            paths[(name, layout, "html")] = pages[index]
            paths[(name, layout, "docx")] = docx[index]
            paths[(name, layout, "pdf")] = pdf[index]
            paths[(name, layout, "ruled_pdf")] = ruled_pdf[index]
            paths[(name, layout, "pdf_via_word")] = docx_pdf[index]
        paths[("seed_redcar", layout, "html")] = seed_html
        paths[("seed_redcar", layout, "docx")] = seed_docx
        paths[("seed_redcar", layout, "pdf")] = seed_pdf[0]
    return paths


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", NAMES)
def test_the_converter_really_makes_a_table(name, layout):
    """The test material is what it claims: no recommendation list is left."""
    need(REPORTS_DIR.is_dir(), f"the shared corpus is not at {REPORTS_DIR}")
    html = (REPORTS_DIR / f"{name}.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(recommendations_as_table(html, layout), "lxml")
    _heading, children = _section_children(soup)
    assert not [c for c in children if c.name in ("ol", "ul")]
    assert not [c for c in children if c.name == "p" and _TYPED_MARKER.match(c.get_text())]
    rows = [row for table in soup.find_all("table") for row in table.find_all("tr")]
    expected = expected_view(name)["recommendations"]
    cells = [[c.get_text(" ", strip=True) for c in row.find_all("td")] for row in rows]
    numbered = [c for c in cells if c and c[-2].isdigit()]
    assert len(numbered) == len(expected)


@pytest.mark.libreoffice
@pytest.mark.parametrize("source_format", ["html", "docx", "pdf", "ruled_pdf", "pdf_via_word"])
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", NAMES)
def test_corpus_recommendations_in_a_table_read_exactly(tables, name, layout, source_format):
    report = read_report(tables[(name, layout, source_format)])
    assert record_view(report) == expected_view(name)
    assert not any("recommendation" in w.lower() for w in report.warnings), report.warnings


@pytest.mark.libreoffice
@pytest.mark.parametrize("source_format", ["html", "docx", "pdf"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_seed_recommendations_in_a_table_read_exactly(tables, layout, source_format):
    report = read_report(tables[("seed_redcar", layout, source_format)])
    assert record_view(report) == expected_view("seed_redcar")


# --- tables written by hand ------------------------------------------------------------------

PAGE = """<html><body>
<h1>An inspection of probation services in Tarnby PDU</h1>
<table><tr><td>Overall rating</td><td>Good</td></tr></table>
<h2>Recommendations</h2>
<p>We have made three recommendations.</p>
{table}
<h2>Background</h2><p>Tarnby PDU is one of the PDUs in the North West region.</p>
</body></html>"""


def _read(table: str):
    return read_report_bytes(PAGE.format(table=table).encode(), name="tarnby.html")


def test_nested_bullets_in_a_cell_stay_with_their_recommendation():
    report = _read(
        "<table><tr><th>Number</th><th>Recommendation</th></tr>"
        "<tr><td>1.</td><td>Tarnby PDU should make the duty rota fair, including:"
        "<ul><li>a named deputy for each team</li><li>cover for leave</li></ul></td></tr>"
        "<tr><td>2.</td><td>review every case held by an agency worker</td></tr>"
        "<tr><td>3.</td><td>share the findings with partners;</td></tr></table>"
    )
    assert [(r.number, r.text) for r in report.recommendations] == [
        (
            1,
            "Tarnby PDU should make the duty rota fair, including: a named deputy for "
            "each team cover for leave",
        ),
        (2, "review every case held by an agency worker"),
        (3, "share the findings with partners"),
    ]
    assert {r.addressee for r in report.recommendations} == {"Tarnby PDU"}


def test_addressee_column_with_should_and_a_merged_cell():
    report = _read(
        "<table><tr><th>Who</th><th>Recommendation</th></tr>"
        "<tr><td rowspan='2'>The PDU should:</td><td>hold weekly case audits</td></tr>"
        "<tr><td>train new staff in risk assessment</td></tr>"
        "<tr><td>HM Prison and Probation Service</td><td>fund the estate repairs</td></tr>"
        "</table>"
    )
    assert [(r.number, r.addressee, r.text) for r in report.recommendations] == [
        (1, "The PDU", "hold weekly case audits"),
        (2, "The PDU", "train new staff in risk assessment"),
        (3, "HM Prison and Probation Service", "fund the estate repairs"),
    ]


def test_numbers_column_may_say_recommendation_n():
    report = _read(
        "<table><tr><td>Recommendation 1</td><td>publish a workload plan</td></tr>"
        "<tr><td>Recommendation 2</td><td>audit home visits every quarter</td></tr></table>"
    )
    assert [(r.number, r.text) for r in report.recommendations] == [
        (1, "publish a workload plan"),
        (2, "audit home visits every quarter"),
    ]


def test_word_table_whose_cells_are_numbered_by_word(tmp_path):
    """Word's own numbering in a table's first column: the numbers are not in
    the text, yet they are the recommendations' numbers."""
    document = Document()
    document.add_heading("An inspection of probation services in Tarnby PDU", level=1)
    document.add_paragraph("Overall rating: Good")
    document.add_heading("Recommendations", level=2)
    document.add_paragraph("Tarnby PDU should:")
    texts = ["publish a workload plan for every team", "audit home visits every quarter"]
    table = document.add_table(rows=0, cols=2)
    for text in texts:
        number_cell, text_cell = table.add_row().cells
        number_cell.paragraphs[0].style = document.styles["List Number"]
        text_cell.text = text
    document.add_heading("Background", level=2)
    path = tmp_path / "numbered_cells.docx"
    document.save(path)
    report = read_report(path)
    assert [(r.number, r.addressee, r.text) for r in report.recommendations] == [
        (1, "Tarnby PDU", texts[0]),
        (2, "Tarnby PDU", texts[1]),
    ]
