"""The recommendation splitter and the parser's handling of page furniture,
tested on reports built in the test (property-based and worked examples)."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drafter.core.errors import NotAReportError
from drafter.core.model import Recommendation
from drafter.reading.parser import Block, clean_blocks, split_recommendations
from drafter.reading.reader import read_report_bytes, text_blocks

FOOTER = "Inspection of probation services: Testvale PDU"

PREAMBLE = f"""An inspection of probation services in Testvale PDU

Contents
Foreword ........................................ 3
Recommendations ................................. 5

1. read the report
2. write the letter

{FOOTER}
2

Foreword
Testvale is one of five PDUs in the Wales region.
Jane Doe CBE
HM Chief Inspector of Probation
{FOOTER}
3

Ratings
Fieldwork started: March 2024
Score 9/24
Overall rating
Requires improvement
1.1 Leadership
Good
{FOOTER}
4

Recommendations
As a result of our inspection findings, we have made some recommendations.
"""

POSTSCRIPT = f"""
Background
We also found that the PDU should:
1. not be read as a recommendation
2. nor this
{FOOTER}
9

1. Organisational delivery
1.1. Leadership
Strengths:
• a strength
Areas for improvement:
• an area
"""


def read_text(text: str):
    return read_report_bytes(text.encode("utf-8"), name="test.txt")


# --- property-based: whatever the layout, the same recommendations come back ----------

LOWER_WORD = st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=9).filter(
    lambda w: w != "and"
)
ITEM_TEXT = st.lists(LOWER_WORD, min_size=3, max_size=25).map(" ".join)
ADDRESSEE = st.sampled_from(
    [
        "Testvale PDU",
        "The Testvale PDU",
        "The Wales region",
        "HM Prison and Probation Service",
        "The Regional Probation Director",
        "The Testvale YJS management board",
    ]
)
GROUPS = st.lists(
    st.tuples(ADDRESSEE, st.lists(ITEM_TEXT, min_size=1, max_size=6)), min_size=1, max_size=4
)


@settings(max_examples=150, deadline=None)
@given(
    groups=GROUPS,
    style=st.sampled_from(["continue", "restart", "bullet", "dash"]),
    ending=st.sampled_from(["none", "semicolons", "full stops"]),
    data=st.data(),
)
def test_splitter_recovers_every_recommendation(groups, style, ending, data):
    lines: list[str] = []
    expected: list[Recommendation] = []
    position = 0
    for addressee, items in groups:
        lines.append(f"{addressee} should:")
        for index, text in enumerate(items, start=1):
            position += 1
            number = {"continue": position, "restart": index}.get(style, position)
            marker = {"bullet": "•", "dash": "-"}.get(style, f"{number}.")
            last = index == len(items)
            tail = {"none": "", "semicolons": "." if last else ";", "full stops": "."}[ending]
            words = text.split()
            # Wrap some items over two lines, and let a page break fall inside some.
            cut = data.draw(st.integers(min_value=0, max_value=len(words) - 1))
            if cut:
                lines.append(f"  {marker} {' '.join(words[:cut])}")
                if data.draw(st.booleans()):
                    lines.extend([FOOTER, str(10 + position)])
                lines.append(f"{' '.join(words[cut:])}{tail}")
            else:
                lines.append(f"  {marker} {text}{tail}")
            expected.append(Recommendation(number, addressee, text))
        if data.draw(st.booleans()):
            lines.extend([FOOTER, "7"])
    report = read_text(PREAMBLE + "\n".join(lines) + "\n" + POSTSCRIPT)
    assert report.recommendations == expected


@given(st.lists(ITEM_TEXT, min_size=1, max_size=8))
def test_splitter_on_blocks_uses_list_numbers_as_printed(texts):
    blocks = [Block("heading", "Recommendations", level=2), Block("paragraph", "The PDU should:")]
    blocks += [Block("item", t, number=n) for n, t in enumerate(texts, start=3)]
    blocks.append(Block("heading", "Background", level=2))
    found = split_recommendations(clean_blocks(blocks))
    assert found == [Recommendation(n, "The PDU", t) for n, t in enumerate(texts, start=3)]


# --- worked examples ------------------------------------------------------------------


def test_numbered_lists_elsewhere_are_never_recommendations():
    report = read_text(PREAMBLE + "Testvale PDU should:\n  1. do the first thing\n" + POSTSCRIPT)
    assert [r.text for r in report.recommendations] == ["do the first thing"]


def test_wrapped_recommendation_is_one_recommendation():
    text = (
        "Testvale PDU should:\n"
        "  1. make sure that every case has a plan that is\n"
        "reviewed when circumstances change; and\n"
        "  2. train staff.\n"
    )
    report = read_text(PREAMBLE + text + POSTSCRIPT)
    assert [r.text for r in report.recommendations] == [
        "make sure that every case has a plan that is reviewed when circumstances change",
        "train staff",
    ]


def test_footer_and_page_number_never_leak_into_a_recommendation():
    text = f"Testvale PDU should:\n  1. improve the quality of\n{FOOTER}\n6\noversight\n"
    report = read_text(PREAMBLE + text + POSTSCRIPT)
    assert [r.text for r in report.recommendations] == ["improve the quality of oversight"]


def test_contents_page_entry_is_not_the_recommendations_section():
    report = read_text(PREAMBLE.replace("\nRecommendations\nAs a result", "\nAs a result"))
    assert report.recommendations == []
    assert report.warnings and "No recommendations section" in report.warnings[0]


def test_the_rest_of_the_record():
    report = read_text(PREAMBLE + "Testvale PDU should:\n  1. act\n" + POSTSCRIPT)
    assert report.kind == "pdu"
    assert report.unit == "Testvale PDU"
    assert report.region == "Wales"
    assert report.fieldwork == "March 2024"
    assert report.score == "9/24"
    assert report.overall_rating == "Requires improvement"
    assert [(s.code, s.name, s.rating) for s in report.standards] == [("1.1", "Leadership", "Good")]
    assert report.chief_inspector == "Jane Doe"
    assert [(f.standard, f.text) for f in report.strengths] == [("1.1", "a strength")]
    assert [(f.standard, f.text) for f in report.areas_for_improvement] == [("1.1", "an area")]


def test_youth_justice_and_regional_titles():
    yjs = read_text(
        "An inspection of youth justice services in Lowfield\n\nOverall rating: Good\n"
        "1.1 Governance and leadership Good\n"
    )
    assert (yjs.kind, yjs.unit) == ("yjs", "Lowfield")
    region = read_text(
        "An inspection of probation services: North West region\n\nOverall ratingGood\n"
    )
    assert region.kind == "region"
    assert (region.unit, region.region) == ("North West region", "North West")


def test_region_falls_back_to_the_pdu_table():
    report = read_text("An inspection of probation services in Derby City PDU\nOverall ratingGood")
    assert report.region == "East Midlands"


def test_title_alone_is_not_enough():
    with pytest.raises(NotAReportError):
        read_text("An inspection of probation services in Testvale PDU\nNothing else here.\n")


def test_repeated_labels_are_not_taken_for_running_headers():
    blocks = [Block("paragraph", "Strengths:")] * 5 + [Block("paragraph", "Good")] * 4
    assert len(clean_blocks(blocks)) >= 5


def test_text_blocks_reads_markdown_tables_and_headings():
    blocks = text_blocks("# Title\n\n| Overall rating | Good |\n|---|---|\n- item one\n  wrapped\n")
    assert blocks[0] == Block("heading", "Title", level=1)
    assert blocks[1].kind == "row" and blocks[1].cells == ("Overall rating", "Good")
    assert blocks[2] == Block("item", "item one wrapped", bullet=True)


def test_seed_style_flattened_cells():
    report = read_text(
        "An inspection of probation services in Testvale PDU\n"
        "Fieldwork started June 2025Score 5/21\nOverall ratingRequires improvement\n"
        "P 1.1 LeadershipGood\nP 2.3 Implementation and deliveryInadequate\n"
    )
    assert report.fieldwork == "June 2025" and report.score == "5/21"
    assert [(s.code, s.name, s.rating) for s in report.standards] == [
        ("1.1", "Leadership", "Good"),
        ("2.3", "Implementation and delivery", "Inadequate"),
    ]
    assert report.warnings  # no recommendations section, no region stated


def test_repeated_fragments_of_wrapped_cells_are_not_running_headers():
    fragment = [
        Block("paragraph", "Does planning focus on the factors linked to offending and"),
        Block("paragraph", "desistance?"),
    ]
    footer = [Block("paragraph", FOOTER), Block("paragraph", "12")]
    cleaned = clean_blocks((fragment + footer) * 3)
    texts = [b.flat for b in cleaned]
    assert FOOTER not in texts and "12" not in texts
    question = "Does planning focus on the factors linked to offending and desistance?"
    assert texts == [question] * 3  # kept, and the wrapped cell put back together


def test_fieldwork_lead_and_chief_inspector_in_other_wordings():
    report = read_text(
        "An inspection of probation services in Testvale PDU\nOverall rating: Good\n"
        "We conducted fieldwork in Testvale over two weeks, beginning 3 March 2024.\n"
        "This inspection was led by Sam Smith, HM Inspector, with a team.\n"
        "Kim Jones OBE\nHis Majesty’s Chief Inspector of Probation\n"
    )
    assert report.fieldwork == "March 2024"
    assert report.lead_inspector == "Sam Smith"
    assert report.chief_inspector == "Kim Jones"


def test_html_typed_markers_and_sub_points():
    page = """<html><body><h1>An inspection of probation services in Testvale PDU</h1>
    <table><tr><td>Overall rating</td><td>Good</td></tr></table>
    <h2>Recommendations</h2><p>Testvale PDU should:</p>
    <ul><li>1. do one;</li><li>2. do two, including:<ul><li>a sub point</li>
    <li>another</li></ul></li></ul>
    <p>The region should:</p><ol start="3"><li>3. do three.</li></ol>
    <h2>Background</h2><ol><li>not a recommendation</li></ol></body></html>"""
    report = read_report_bytes(page.encode("utf-8"), name="page.html")
    assert report.recommendations == [
        Recommendation(1, "Testvale PDU", "do one"),
        Recommendation(2, "Testvale PDU", "do two, including: a sub point another"),
        Recommendation(3, "The region", "do three"),
    ]


@pytest.mark.parametrize(
    "domain_heading",
    ["1. Organisational delivery", "Domain 1 – Organisational delivery", "Organisational delivery"],
)
def test_findings_under_differently_written_domain_headings(domain_heading):
    report = read_text(
        "An inspection of probation services in Testvale PDU\nOverall ratingGood\n"
        f"{domain_heading}\n1.1 Leadership\nStrengths:\n• one\n• two\n"
        "Areas for improvement:\n• three\n"
    )
    assert [f.text for f in report.strengths] == ["one", "two"]
    assert [(f.standard, f.text) for f in report.areas_for_improvement] == [("1.1", "three")]


def test_a_list_shorter_than_the_report_says_is_warned_about():
    from conftest import REPO

    from drafter.reading.reader import read_report_bytes

    html = (REPO / "samples" / "ashvale_pdu_2025.html").read_text(encoding="utf-8")
    full = read_report_bytes(html.encode(), name="sample.html")
    assert not any("says it makes" in w for w in full.warnings)
    first_item = html.index("<li>")
    shorter = html[:first_item] + html[html.index("</li>", first_item) + 5 :]
    report = read_report_bytes(shorter.encode(), name="sample.html")
    assert len(report.recommendations) == len(full.recommendations) - 1
    assert any(
        f"says it makes {len(full.recommendations)} recommendations but drafter read "
        f"{len(full.recommendations) - 1}" in w
        for w in report.warnings
    )


def test_an_earlier_inspections_count_is_not_this_reports():
    from drafter.reading.parser import _stated_recommendation_count

    assert (
        _stated_recommendation_count(
            ["At our last inspection in 2022 we made eight recommendations."]
        )
        is None
    )
    assert _stated_recommendation_count(["We have made seven recommendations."]) == 7
    assert _stated_recommendation_count(["we made 12 recommendations to the region"]) == 12
