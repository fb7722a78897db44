"""The 2024 youth justice framework (domain ratings, "Not rated" included)
and the Dynamic Inspections of Public Protection published from January 2026
(kind "dipp"), read from fictional reports written for these tests, and the
new parser pieces checked as properties."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import need, soffice_convert
from hypothesis import given
from hypothesis import strategies as st

from drafter.cli.commands import cli
from drafter.core.model import Standard
from drafter.reading.parser import Block, parse_blocks, youth_domain_ratings
from drafter.reading.reader import read_report, read_report_bytes

MATERIAL = Path(__file__).parent / "material"
YOUTH = MATERIAL / "youth_2024_harbridge.html"
DIPP = MATERIAL / "dipp_north_east_2026.html"

HARBRIDGE_DOMAINS = [
    Standard("1", "Governance and leadership", "Good"),
    Standard("2", "Post-court work", "Requires improvement"),
    Standard("3", "Pre-court work", "Good"),
    Standard("4", "Resettlement", "Not rated"),
]


# --- youth justice, 2024 framework ----------------------------------------------------------


def test_youth_2024_report_reads_its_four_domain_ratings():
    report = read_report(YOUTH)
    assert report.kind == "yjs"
    assert report.unit == "Harbridge"
    assert report.standards == HARBRIDGE_DOMAINS
    assert report.overall_rating == "Requires improvement"
    assert report.fieldwork == "January 2025"
    assert [(r.number, r.addressee) for r in report.recommendations] == [
        (1, "Harbridge YJS"),
        (2, "Harbridge YJS"),
        (3, "The Harbridge YJS partnership board"),
    ]
    assert not any("ratings" in w for w in report.warnings)


@pytest.mark.libreoffice
@pytest.mark.parametrize(
    ("target", "suffix"),
    [
        ("docx:MS Word 2007 XML", "docx"),
        ("pdf:writer_web_pdf_Export", "pdf"),
        ("odt:writerweb8_writer", "odt"),
        ("txt:Text (encoded):UTF8", "txt"),
    ],
)
def test_youth_2024_domain_ratings_survive_every_format(tmp_path, target, suffix):
    (converted,) = soffice_convert([YOUTH], target, tmp_path)
    assert read_report(converted).standards == HARBRIDGE_DOMAINS


def test_youth_2024_domains_as_headings_with_the_rating_below():
    """No numbers printed: the code is the domain's place in the framework."""
    page = YOUTH.read_text(encoding="utf-8")
    table = re.search(r"<h2>Ratings</h2>.*?</table>", page, re.S).group(0)
    sections = (
        "<h2>Ratings</h2><p>Overall rating: Good</p>"
        "<h3>Pre-court work</h3><p>Rating: ‘Outstanding’</p>"
        "<h3>Resettlement</h3><p>Not rated</p>"
        "<h3>Governance and leadership</h3><p>Rating: Good</p>"
        "<h3>Post-court work</h3><p>Rating: Inadequate</p>"
    )
    report = read_report_bytes(page.replace(table, sections).encode(), name="headings.html")
    assert report.standards == [
        Standard("1", "Governance and leadership", "Good"),
        Standard("2", "Post-court work", "Inadequate"),
        Standard("3", "Pre-court work", "Outstanding"),
        Standard("4", "Resettlement", "Not rated"),
    ]


def test_older_youth_reports_keep_their_numbered_standards():
    """The domain reader is for the 2024 framework only: a 2023 report's
    "Resettlement" heading does not add a domain beside its standards."""
    from conftest import REPORTS_DIR, expected_record

    need(REPORTS_DIR.is_dir(), "the shared corpus is missing")
    report = read_report(REPORTS_DIR / "stourmere_yjs_2023.html")
    codes = [s.code for s in report.standards]
    assert codes == [r["code"] for r in expected_record("stourmere_yjs_2023")["ratings"]]


DOMAIN_NAMES = ["Governance and leadership", "Post-court work", "Pre-court work", "Resettlement"]
RATING_CHOICES = ["Outstanding", "Good", "Requires improvement", "Inadequate", "Not rated"]


@given(
    st.permutations(range(4)),
    st.lists(st.sampled_from(RATING_CHOICES), min_size=4, max_size=4),
    st.booleans(),
    st.sampled_from(["{name} {rating}", "{name}: ‘{rating}’", "{name} – rating: {rating}"]),
)
def test_domain_ratings_are_read_in_any_order_and_layout(order, ratings, numbered, layout):
    blocks = [Block("heading", "Ratings", level=2)]
    for index in order:
        name = DOMAIN_NAMES[index]
        label = f"{index + 1}. {name}" if numbered else name
        blocks.append(Block("paragraph", layout.format(name=label, rating=ratings[index])))
    found = youth_domain_ratings(blocks)
    assert found == [
        Standard(str(index + 1), DOMAIN_NAMES[index], ratings[index]) for index in range(4)
    ]


# --- dynamic inspections of public protection ---------------------------------------------------


def test_dipp_reads_as_its_own_kind():
    report = read_report(DIPP)
    assert report.kind == "dipp"
    assert report.unit == "North East region"
    assert report.unit_short == "North East"
    assert report.region == "North East"
    assert report.publication_date == "2026-02-12"
    assert report.chief_inspector == "Martin Jones"
    assert report.foreword.startswith("This dynamic inspection looked at")
    assert "HM Chief Inspector" not in report.foreword
    assert [(r.number, r.addressee) for r in report.recommendations] == [
        (1, "The North East region"),
        (2, "The North East region"),
        (3, "The North East region"),
        (4, "HM Prison and Probation Service"),
    ]
    assert report.recommendations[2].text.endswith("within three months")
    assert report.warnings == []


def _dipp_variant(old: str, new: str) -> bytes:
    page = DIPP.read_text(encoding="utf-8")
    assert old in page
    return page.replace(old, new).encode()


def test_dipp_judgment_spelling_and_a_cover_page_title():
    data = _dipp_variant("Chief Inspector’s judgement", "Chief Inspector's judgment")
    data = data.replace(
        b"<h1>Dynamic Inspection of Public Protection in North East region</h1>",
        b"<p>Dynamic Inspection of Public Protection in</p><h1>North East</h1>",
    )
    report = read_report_bytes(data, name="dipp.html")
    assert (report.kind, report.unit, report.region) == ("dipp", "North East region", "North East")
    assert report.foreword.startswith("This dynamic inspection looked at")


def test_dipp_items_that_name_their_own_addressee():
    section = re.search(
        r"<h2>Recommendations</h2>.*?(?=<h2>)", DIPP.read_text(encoding="utf-8"), re.S
    ).group(0)
    data = _dipp_variant(
        section,
        "<h2>Recommendations</h2><p>We recommend that:</p><ul>"
        "<li>the North East region should agree a timescale for police checks with each force</li>"
        "<li>HMPPS should fund a second public protection lead for the region</li>"
        "<li>The Regional Probation Director must report progress to the regional board</li></ul>",
    )
    report = read_report_bytes(data, name="dipp.html")
    assert [(r.addressee, r.text) for r in report.recommendations] == [
        ("The North East region", "agree a timescale for police checks with each force"),
        ("HMPPS", "fund a second public protection lead for the region"),
        ("The Regional Probation Director", "report progress to the regional board"),
    ]


NO_LIST = "No list of recommendations was found under a Recommendations heading"


@pytest.mark.parametrize(
    "replacement",
    [
        "<h2>Recommendations</h2><p>Our recommendations are set out in a separate letter.</p>",
        "",
    ],
    ids=["heading-without-list", "no-heading"],
)
def test_dipp_without_a_list_warns_and_still_drafts(tmp_path, replacement, monkeypatch):
    section = re.search(
        r"<h2>Recommendations</h2>.*?(?=<h2>)", DIPP.read_text(encoding="utf-8"), re.S
    ).group(0)
    path = tmp_path / "dipp_no_list.html"
    path.write_bytes(_dipp_variant(section, replacement))
    report = read_report(path)
    assert report.kind == "dipp" and report.recommendations == []
    assert len(report.warnings) == 1 and report.warnings[0].startswith(NO_LIST)
    inspected = CliRunner().invoke(cli, ["inspect", str(path)])
    assert inspected.exit_code == 0
    letter = tmp_path / "letter.docx"
    result = CliRunner().invoke(cli, ["draft", str(path), "-o", str(letter)])
    assert result.exit_code == 0, result.output
    text = _letter_text(letter)
    assert "[Actions for each recommendation]" in text
    assert "for the North East region" in text


def _letter_text(path: Path) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def test_dipp_letter_is_from_the_region_about_the_region(tmp_path):
    letter = tmp_path / "letter.docx"
    result = CliRunner().invoke(
        cli, ["draft", str(DIPP), "-o", str(letter), "--date", "2026-03-02"]
    )
    assert result.exit_code == 0, result.output
    text = _letter_text(letter)
    assert "HMIP report on the Dynamic Inspection of Public Protection in North East Region" in text
    assert "Thank you for your inspection report for the North East region" in text
    assert "a total of 4 recommendations" in text
    assert "the Regional Probation Director will ensure" in text
    assert "across the North East region" in text
    # The letter's own commitment names no PDU head (an action taken from the
    # library may still name one as its owner: the reviewer adapts it).
    assert "Head of PDU with the support" not in text


# --- properties of the table-row reader -----------------------------------------------------------

WORD = st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=9)
SENTENCE = st.lists(WORD, min_size=5, max_size=25).map(" ".join)
ADDRESSEE = st.sampled_from(
    ["The PDU", "HM Prison and Probation Service", "The Wales region", "Tarnby PDU"]
)


@given(
    st.integers(1, 40),
    SENTENCE,
    st.one_of(st.none(), ADDRESSEE),
    st.sampled_from(["{n}", "{n}.", "({n})", "Recommendation {n}"]),
    st.booleans(),
)
def test_a_recommendation_row_is_read_whatever_its_columns(number, text, who, label, should):
    from drafter.reading.parser import _row_recommendation

    number_cell = label.format(n=number)
    cells = (
        [number_cell, text]
        if who is None
        else [who + (" should:" if should else ""), number_cell, text]
    )
    row = _row_recommendation(cells)
    assert row is not None
    assert (row.number, row.text) == (number, text)
    assert row.addressee == who


@given(st.permutations(["No.", "Recommendation", "Addressee"]))
def test_column_titles_are_not_a_recommendation(titles):
    from drafter.reading.parser import _row_recommendation

    assert _row_recommendation(list(titles)) is None


@given(st.lists(SENTENCE, min_size=1, max_size=8), st.booleans())
def test_numbered_table_rows_become_the_recommendations(texts, with_titles):
    rows = (
        [Block("row", "No. Recommendation", cells=("No.", "Recommendation"))] if with_titles else []
    )
    rows += [Block("row", f"{i} {t}", cells=(str(i), t)) for i, t in enumerate(texts, start=1)]
    blocks = [
        Block("heading", "An inspection of probation services in Tarnby PDU", level=1),
        Block("paragraph", "Overall rating: Good"),
        Block("heading", "Recommendations", level=2),
        Block("paragraph", "Tarnby PDU should:"),
        *rows,
        Block("heading", "Background", level=2),
    ]
    report = parse_blocks(blocks)
    assert [(r.number, r.addressee, r.text) for r in report.recommendations] == [
        (i, "Tarnby PDU", t) for i, t in enumerate(texts, start=1)
    ]


@given(
    st.lists(st.tuples(ADDRESSEE, st.sampled_from(["should", "must"]), SENTENCE), min_size=1),
    st.sampled_from(["number", "bullet"]),
)
def test_dipp_items_name_their_own_addressee_whoever_it_is(items, style):
    from drafter.reading.parser import split_recommendations

    blocks = [Block("heading", "Recommendations", level=2)]
    for position, (who, verb, text) in enumerate(items, start=1):
        marker = f"{position}." if style == "number" else "•"
        blocks.append(Block("paragraph", f"{marker} {who} {verb} {text}"))
    found = split_recommendations(blocks, "North East region", inline_addressees=True)
    assert [(r.number, r.addressee, r.text) for r in found] == [
        (position, who, text) for position, (who, _verb, text) in enumerate(items, start=1)
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Overall, Harbridge YJS was rated as ‘Good’.",
        "We have rated the service as 'Good' overall.",
    ],
)
def test_overall_rating_from_the_foreword_when_no_table_gives_it(sentence):
    page = YOUTH.read_text(encoding="utf-8")
    page = page.replace("<tr><th>Overall rating</th><th>Requires improvement</th></tr>", "")
    page = page.replace("Overall, Harbridge YJS was rated as ‘Requires improvement’.", sentence)
    report = read_report_bytes(page.encode(), name="harbridge.html")
    assert report.overall_rating == "Good"
    assert report.standards == HARBRIDGE_DOMAINS
