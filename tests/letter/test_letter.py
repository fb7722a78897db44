"""The response letter as a Word document: every element in the real letter's
order, comments, real bullets, placeholders, tone, plurals, letterheads and
user templates in the sandbox."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from conftest import SEED_REPORT, need
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Pt
from hypothesis import given, settings
from hypothesis import strategies as st

from drafter.core.errors import TemplateError
from drafter.core.model import (
    Candidate,
    Finding,
    LibraryAction,
    Recommendation,
    RecommendationMatch,
    Report,
    Standard,
)
from drafter.letter.document import (
    compose_action_plan,
    compose_letter,
    render_action_plan,
    render_letter,
    tone_for,
)
from drafter.letter.plan import build_plan
from drafter.letter.settings import Config, Signatory

LETTER_DATE = date(2025, 7, 24)
ORGANISATION = "HM Prison & Probation Service"


def make_config(region: str = "North East") -> Config:
    return Config(
        signatories={
            region: Signatory(
                name="Alex Morgan",
                title="Area Executive Director",
                area="North East and Cumbria",
                organisation=ORGANISATION,
            )
        },
        cc=["Private Office", "Regional Probation Director"],
        default_action_owner="Head of PDU",
    )


def action(action_id: int, text: str, unit: str = "Calderholme PDU") -> LibraryAction:
    return LibraryAction(
        id=action_id,
        text=text,
        recommendation="improve something",
        unit=unit,
        committed_on=date(2023, 4, 18),
    )


def matches_for(report: Report, texts: list[str | None]) -> list[RecommendationMatch]:
    """One match per recommendation: a text gives a good candidate (plus a
    weaker alternative); None gives no good match."""
    result = []
    for index, (rec, text) in enumerate(zip(report.recommendations, texts, strict=True)):
        if text is None:
            weak = Candidate(action(900 + index, "Something loosely related."), 9.0, "few words")
            result.append(RecommendationMatch(rec, [weak], no_match=True))
            continue
        best = Candidate(action(100 + index, text), 71.0, "shares: risk")
        second = Candidate(action(200 + index, f"An alternative for {index + 1}."), 40.0, "x")
        result.append(RecommendationMatch(rec, [best, second]))
    return result


def make_report(
    recommendations: int = 3, rating: str = "Requires improvement", strengths: int = 4
) -> Report:
    return Report(
        kind="pdu",
        unit="Wyvern Cross PDU",
        region="North East",
        fieldwork="June 2025",
        overall_rating=rating,
        standards=[
            Standard("1.1", "Leadership", "Good"),
            Standard("1.2", "Staffing", "Requires improvement"),
            Standard("2.1", "Assessment", "Inadequate"),
        ],
        recommendations=[
            Recommendation(i, "Wyvern Cross PDU", f"improve area number {i} of practice")
            for i in range(1, recommendations + 1)
        ],
        strengths=[
            Finding(
                "1.2" if i % 2 else "1.1",
                f"Strength number {i} was clear. It had a second sentence. And a third one.",
            )
            for i in range(1, strengths + 1)
        ],
        chief_inspector="Martin Jones",
        foreword="Staff were committed and the partnership work was impressive and effective.",
    )


def read_back(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def is_bullet(paragraph) -> bool:
    p_pr = paragraph._p.pPr
    return p_pr is not None and p_pr.numPr is not None and p_pr.numPr.numId is not None


def bullet_format(document, paragraph) -> str:
    """The numFmt of the list level a paragraph uses, looked up in numbering.xml."""
    num_id = paragraph._p.pPr.numPr.numId.val
    numbering = document.part.numbering_part.element
    for num in numbering.findall(qn("w:num")):
        if int(num.get(qn("w:numId"))) == num_id:
            abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
            break
    else:
        raise AssertionError(f"numId {num_id} has no definition")
    for abstract in numbering.findall(qn("w:abstractNum")):
        if abstract.get(qn("w:abstractNumId")) == abstract_id:
            level = abstract.find(qn("w:lvl"))
            return level.find(qn("w:numFmt")).get(qn("w:val"))
    raise AssertionError("abstractNum missing")


def highlighted(paragraph) -> list[str]:
    return [r.text for r in paragraph.runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]


# --- the seed report, element by element -------------------------------------------


@pytest.fixture(scope="module")
def seed_letter():
    need(SEED_REPORT.exists(), f"the seed report is not at {SEED_REPORT}")
    from drafter.reading.reader import read_report

    report = read_report(SEED_REPORT)
    texts = [
        "Calderholme PDU will agree a domestic abuse information protocol with police "
        "by August 2023.",
        "Probation services officers will complete a development programme.",
        None,
    ][: len(report.recommendations)]
    plan = build_plan(report, matches_for(report, texts))
    composed = compose_letter(plan, make_config(), letter_date=LETTER_DATE)
    data = composed.to_bytes()
    return report, plan, composed, data, read_back(data)


def test_seed_letter_has_every_element_in_the_real_letters_order(seed_letter):
    report, plan, _composed, _data, document = seed_letter
    assert len(report.recommendations) == 3  # what the seed report prints
    paragraphs = list(document.paragraphs)
    texts = [p.text for p in paragraphs]

    recipient = texts[0].split("\n")
    assert recipient == [
        "Martin Jones",
        "HM Chief Inspector of Probation",
        "1st Floor, Manchester Civil Justice Centre,",
        "1 Bridge Street West,",
        "Manchester",
        "M3 3FX",
    ]
    assert texts[1].split("\n") == [
        "Alex Morgan",
        "Area Executive Director",
        "North East and Cumbria",
        ORGANISATION,
    ]
    assert texts[2] == "24 July 2025"
    assert texts[3] == "Dear Martin,"
    subject = paragraphs[4]
    assert subject.text == (
        "HMIP reports on the inspections of Redcar, Cleveland and Middlesbrough PDU, "
        "North East Region - June 2025"
    )
    assert all(run.bold for run in subject.runs if run.text.strip())

    thanks = paragraphs[5]
    assert thanks.text.startswith("Thank you for your inspection report for ")
    assert "a total of 3 recommendations" in thanks.text
    bold_runs = [r.text for r in thanks.runs if r.bold]
    assert bold_runs == ["Redcar, Cleveland and Middlesbrough PDU"]

    assert texts[6].startswith("In respect of the recommendations")
    assert texts[6].endswith("This will include the following.")

    actions = paragraphs[7:10]
    assert all(is_bullet(p) for p in actions)
    assert all(p.style.name == "List Bullet" for p in actions)
    # The reused action now names the new unit, not the one it was written for.
    assert actions[0].text.startswith("Redcar, Cleveland and Middlesbrough PDU will agree")
    assert "Calderholme" not in actions[0].text
    assert highlighted(actions[0]) == ["August 2023"]
    assert actions[1].text == "Probation services officers will complete a development programme."
    assert highlighted(actions[1]) == []
    assert actions[2].text.startswith("[Action for recommendation 3:")
    assert highlighted(actions[2]) == [actions[2].text]

    acknowledgement = paragraphs[10]
    assert acknowledgement.text.startswith("Whilst I acknowledge")
    assert acknowledgement.text.endswith("note the following.")
    assert not is_bullet(acknowledgement)
    findings = []
    for paragraph in paragraphs[11:]:
        if not is_bullet(paragraph):
            break
        findings.append(paragraph)
    assert 3 <= len(findings) <= 5
    strengths = " ".join(f.text for f in report.strengths)
    for finding in findings:
        first_sentence = finding.text.split(". ")[0]
        assert first_sentence in strengths  # drawn from the report, not invented

    rest = texts[11 + len(findings) :]
    assert rest[0].startswith("I remain committed to ensuring progress")
    assert rest[1] == "Kind Regards"
    assert rest[2] == "Alex Morgan Area Executive Director - North East and Cumbria"
    assert rest[3] == "CC: Private Office, Regional Probation Director"
    assert len(rest) == 4


def test_seed_letter_bullets_are_real_word_bullets(seed_letter):
    *_, document = seed_letter
    bullets = [p for p in document.paragraphs if is_bullet(p)]
    assert len(bullets) >= 6
    assert {bullet_format(document, p) for p in bullets} == {"bullet"}
    assert not any(p.text.lstrip().startswith(("•", "-", "*")) for p in bullets)


def test_seed_letter_comments_name_recommendation_score_source_and_alternatives(seed_letter):
    report, plan, composed, _data, document = seed_letter
    comments = list(document.comments)
    # One per action bullet, plus one for the date inside the reused action.
    assert len(comments) == 3 + 1 == composed.comment_count
    first = comments[0].text
    assert "recommendation 1" in first
    assert report.recommendations[0].text in first
    assert "71/100" in first
    assert "Calderholme PDU, 18 April 2023" in first
    assert "#200 (40)" in first  # the next-best alternative
    date_comment = comments[1].text
    assert "August 2023" in date_comment
    placeholder_comment = comments[-1].text
    assert "recommendation 3" in placeholder_comment
    assert "No good match" in placeholder_comment
    assert all(c.author == "drafter" for c in comments)


def test_ampersand_survives_into_word(seed_letter):
    *_, data, document = seed_letter
    assert any(ORGANISATION in p.text for p in document.paragraphs)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert "HM Prison &amp; Probation Service" in xml  # escaped once, by python-docx
    assert "&amp;amp;" not in xml


def test_page_is_a4_with_sensible_margins_and_arial(seed_letter):
    *_, document = seed_letter
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0
    assert round(section.page_height.cm, 1) == 29.7
    assert round(section.left_margin.cm, 2) == 2.54
    assert document.styles["Normal"].font.name == "Arial"


# --- wording that depends on the report ----------------------------------------------


def letter_text(report: Report, config: Config | None = None, texts=None) -> list[str]:
    texts = texts if texts is not None else [f"Action {i}." for i in range(1, 20)]
    plan = build_plan(report, matches_for(report, texts[: len(report.recommendations)]))
    data = render_letter(plan, config or make_config(), letter_date=LETTER_DATE)
    return [p.text for p in read_back(data).paragraphs]


def test_nine_recommendations_read_naturally():
    texts = letter_text(make_report(recommendations=9))
    joined = "\n".join(texts)
    assert "where you made a total of 9 recommendations." in joined
    assert "In respect of the recommendations, I can confirm that all have been" in joined
    assert "address them" in joined
    assert sum(t.startswith("Action ") for t in texts) == 9


def test_a_single_recommendation_reads_naturally():
    texts = letter_text(make_report(recommendations=1))
    joined = "\n".join(texts)
    assert "where you made a single recommendation." in joined
    assert "1 recommendations" not in joined
    assert "In respect of the recommendation, I can confirm that it has been" in joined
    assert "address it" in joined and "address them" not in joined


def test_tone_follows_the_overall_rating():
    inadequate = "\n".join(letter_text(make_report(rating="Inadequate")))
    good = "\n".join(letter_text(make_report(rating="Good")))
    assert "seriousness of the findings" in inadequate
    assert "seriousness" not in good
    assert "still much work to be carried out" in inadequate
    assert "I am pleased that your report recognises the strong work" in good
    assert "Whilst I acknowledge" not in good
    assert tone_for("Requires improvement") == "mixed"
    assert tone_for(None) == "mixed"


def test_regional_report_subject_reads_naturally():
    report = make_report()
    report.kind = "region"
    report.unit = "North East region"
    texts = letter_text(report)
    assert texts[4] == (
        "HMIP report on the inspection of probation services in North East Region - June 2025"
    )
    assert "the Regional Probation Director will ensure" in texts[6]
    assert texts[5].startswith("Thank you for your inspection report for the North East region,")
    assert any("to be carried out across the North East region" in t for t in texts)


def test_identical_actions_for_two_recommendations_are_one_bullet():
    report = make_report(recommendations=2)
    same = "The PDU will run monthly risk surgeries."
    plan = build_plan(report, matches_for(report, [same, same]))
    document = read_back(render_letter(plan, make_config(), letter_date=LETTER_DATE))
    assert [p.text for p in document.paragraphs].count(same) == 1
    comment = next(iter(document.comments)).text
    assert "recommendation 1" in comment and "recommendation 2" in comment


# --- placeholders ----------------------------------------------------------------------


def test_without_settings_the_signatory_is_a_highlighted_commented_placeholder():
    report = make_report()
    plan = build_plan(report, matches_for(report, ["A.", "B.", "C."]))
    composed = compose_letter(plan, Config(), letter_date=LETTER_DATE)
    document = read_back(composed.to_bytes())
    sender = document.paragraphs[1]
    assert highlighted(sender) == ["[Signatory's name]", "[Title]", "[Area]"]
    assert sender.text.endswith(ORGANISATION)
    signature = [p for p in document.paragraphs if p.text.startswith("[Signatory")][-1]
    assert highlighted(signature) == ["[Signatory's name]", "[Title]", "[Area]"]
    assert signature.text == "[Signatory's name] [Title] - [Area]"
    notes = [c.text for c in document.comments]
    assert any("No signatory is set for the North East region" in n for n in notes)
    labels = [a.label for a in composed.placeholders]
    assert labels.count("Signatory's name") == 2  # sender and signature: listed once
    # 3 action comments + 6 placeholder comments (name, title, area, twice)
    assert len(notes) == 9


def test_missing_chief_inspector_and_month_are_placeholders():
    report = make_report()
    report.chief_inspector = None
    report.fieldwork = None
    texts = letter_text(report)
    assert texts[0].startswith("[Chief Inspector's name]")
    assert texts[3] == "Dear [Chief Inspector's first name],"
    assert texts[4].endswith("- [Month Year]")


def test_a_report_without_strengths_uses_the_foreword_then_placeholders():
    report = make_report(strengths=0)
    texts = letter_text(report)
    start = next(i for i, t in enumerate(texts) if t.startswith("Whilst I acknowledge")) + 1
    findings = texts[start : start + 3]
    assert findings[0] == (
        "Staff were committed and the partnership work was impressive and effective."
    )
    assert findings[1:] == ["[Positive finding]", "[Positive finding]"]


# --- action plan -----------------------------------------------------------------------


def test_action_plan_is_a_table_with_one_row_per_recommendation():
    report = make_report(recommendations=2)
    plan = build_plan(report, matches_for(report, ["Do the first thing.", None]))
    composed = compose_action_plan(plan, make_config())
    document = read_back(composed.to_bytes())
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "Recommendation",
        "Agreed / Partly agreed / Not agreed",
        "Action",
        "Owner",
        "Target date",
    ]
    assert len(table.rows) == 3
    first = [c.text for c in table.rows[1].cells]
    assert first[0].startswith("1. Wyvern Cross PDU should improve area number 1")
    assert first[1:4] == ["Agreed", "Do the first thing.", "Head of PDU"]
    assert first[4] == "[Target date]"
    assert table.rows[2].cells[2].text == "[Action]"
    assert {a.label for a in composed.placeholders} == {"Target date", "Action"}


# --- letterheads and user templates -----------------------------------------------------


def _letterhead(tmp_path: Path, *, drop_bullet_style: bool = False) -> Path:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Wyvern Probation Service letterhead"
    document.add_paragraph("Placeholder body text that must disappear.")
    if drop_bullet_style:
        style = document.styles["List Bullet"].element
        style.getparent().remove(style)
    path = tmp_path / "letterhead.docx"
    document.save(path)
    return path


def test_letterhead_keeps_its_header_and_loses_its_body(tmp_path):
    report = make_report()
    plan = build_plan(report, matches_for(report, ["A.", "B.", "C."]))
    data = render_letter(
        plan, make_config(), letter_date=LETTER_DATE, letterhead=_letterhead(tmp_path)
    )
    document = read_back(data)
    assert document.sections[0].header.paragraphs[0].text == "Wyvern Probation Service letterhead"
    texts = [p.text for p in document.paragraphs]
    assert "Placeholder body text that must disappear." not in texts
    assert texts[3] == "Dear Martin,"


def test_letterhead_paragraphs_get_the_letters_font_and_spacing_not_the_letterheads(tmp_path):
    # As LibreOffice makes them: a Normal style in another font, no space after.
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "Liberation Serif"
    normal.paragraph_format.space_after = Pt(0)
    document.sections[0].header.paragraphs[0].text = "Wyvern letterhead"
    path = tmp_path / "lo.docx"
    document.save(path)
    report = make_report()
    plan = build_plan(report, matches_for(report, ["A.", "B.", "C."]))
    result = read_back(render_letter(plan, make_config(), letterhead=path))
    assert result.sections[0].header.paragraphs[0].text == "Wyvern letterhead"
    assert result.styles["Normal"].font.name == "Liberation Serif"  # header unchanged
    for paragraph in result.paragraphs:
        style = paragraph.style
        assert style.font.name == "Arial", paragraph.text
        assert style.paragraph_format.space_after.pt > 0, paragraph.text
    salutation = next(p for p in result.paragraphs if p.text.startswith("Dear "))
    assert salutation.style.name == "Letter Text"


def test_letterhead_without_a_bullet_style_gets_one_and_a_message(tmp_path):
    report = make_report()
    plan = build_plan(report, matches_for(report, ["A.", "B.", "C."]))
    composed = compose_letter(
        plan,
        make_config(),
        letter_date=LETTER_DATE,
        letterhead=_letterhead(tmp_path, drop_bullet_style=True),
    )
    notes = [a.note for a in composed.attention if a.kind == "style"]
    assert notes and "no 'List Bullet' style" in notes[0]
    document = read_back(composed.to_bytes())
    bullets = [p for p in document.paragraphs if is_bullet(p)]
    assert bullets and all(p.style.name == "List Bullet" for p in bullets)


def test_letterhead_without_numbering_part_still_gets_real_bullets(tmp_path):
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    document = docx.Document()
    part = document.part
    for rel_id, rel in list(part.rels.items()):
        if rel.reltype == RT.NUMBERING:
            part.drop_rel(rel_id)
    path = tmp_path / "bare.docx"
    document.save(path)
    assert "word/numbering.xml" not in zipfile.ZipFile(path).namelist()
    report = make_report()
    plan = build_plan(report, matches_for(report, ["A.", "B.", "C."]))
    result = read_back(render_letter(plan, make_config(), letterhead=path))
    bullets = [p for p in result.paragraphs if is_bullet(p)]
    assert bullets and {bullet_format(result, p) for p in bullets} == {"bullet"}


def test_a_letterhead_that_is_not_a_word_document_is_refused(tmp_path):
    fake = tmp_path / "letterhead.docx"
    fake.write_text("not a zip", encoding="utf-8")
    report = make_report()
    plan = build_plan(report, matches_for(report, ["A.", "B.", "C."]))
    with pytest.raises(TemplateError, match="is not a Word document"):
        render_letter(plan, make_config(), letterhead=fake)


def test_user_template_rewords_one_block_and_keeps_the_others(tmp_path):
    (tmp_path / "letter.j2").write_text(
        "{% block sign_off %}Yours sincerely{% endblock %}", encoding="utf-8"
    )
    texts = letter_text_with_templates(tmp_path)
    assert "Yours sincerely" in texts
    assert "Kind Regards" not in texts
    assert texts[3] == "Dear Martin,"


def letter_text_with_templates(folder: Path) -> list[str]:
    report = make_report()
    plan = build_plan(report, matches_for(report, ["A.", "B.", "C."]))
    data = render_letter(plan, make_config(), letter_date=LETTER_DATE, template_dir=folder)
    return [p.text for p in read_back(data).paragraphs]


def test_user_templates_cannot_run_code(tmp_path):
    (tmp_path / "letter.j2").write_text(
        "{% block sign_off %}{{ ''.__class__.__mro__[1].__subclasses__() }}{% endblock %}",
        encoding="utf-8",
    )
    with pytest.raises(TemplateError, match="sign_off"):
        letter_text_with_templates(tmp_path)


def test_a_broken_user_template_gets_a_plain_message(tmp_path):
    (tmp_path / "letter.j2").write_text("{% block sign_off %}{{ oops", encoding="utf-8")
    with pytest.raises(TemplateError, match="cannot be used"):
        letter_text_with_templates(tmp_path)


def test_control_characters_in_report_text_never_break_the_document():
    report = make_report(recommendations=1)
    report.unit = "Wyvern\x01 Cross\x03 PDU"
    report.recommendations = [Recommendation(1, "", "improve\x04 things\x05 now")]
    texts = letter_text(report, texts=["Act\x02 now."])
    assert "Thank you for your inspection report for Wyvern Cross PDU, " in "\n".join(texts)
    assert "Act now." in texts


def test_a_report_without_recommendations_found_does_not_say_none_were_made():
    report = make_report(recommendations=0)
    composed = compose_letter(build_plan(report, []), make_config(), letter_date=LETTER_DATE)
    document = read_back(composed.to_bytes())
    texts = [p.text for p in document.paragraphs]
    joined = "\n".join(texts)
    assert "no recommendations" not in joined
    thanks = next(p for p in document.paragraphs if p.text.startswith("Thank you"))
    assert "where you made a total of [number] recommendations." in thanks.text
    assert highlighted(thanks) == ["[number]"]
    assert "could not be read" in next(iter(document.comments)).text
    start = texts.index(next(t for t in texts if t.endswith("This will include the following.")))
    assert texts[start + 1] == "[Actions for each recommendation]"
    assert {a.label for a in composed.placeholders} >= {
        "number",
        "Actions for each recommendation",
    }
    assert not any(t.startswith("Action ") for t in texts)


def _commented_runs(document) -> list[tuple[str, bool, str]]:
    """(text, highlighted, comment) for each run inside a comment's range."""
    comments = {str(c.comment_id): c.text for c in document.comments}
    found = []
    for paragraph in document.paragraphs:
        open_ids: list[str] = []
        for node in paragraph._p.iter():
            if node.tag == qn("w:commentRangeStart"):
                open_ids.append(node.get(qn("w:id")))
            elif node.tag == qn("w:commentRangeEnd"):
                open_ids.remove(node.get(qn("w:id")))
            elif node.tag == qn("w:r") and open_ids:
                text = "".join(t.text or "" for t in node.iter(qn("w:t")))
                lit = node.find(f"{qn('w:rPr')}/{qn('w:highlight')}") is not None
                for comment_id in open_ids:
                    found.append((text, lit, comments[comment_id]))
    return found


def test_a_doubted_count_is_highlighted_where_the_letter_states_it_with_the_doubt_as_comment():
    report = make_report(recommendations=2)
    warning = "The report says it makes six recommendations, but drafter found 2."
    report.warnings = [warning]
    plan = build_plan(report, matches_for(report, ["A.", "B."]))
    composed = compose_letter(plan, make_config(), letter_date=LETTER_DATE)
    assert [a.note for a in composed.attention if a.kind == "check"] == [warning]
    document = read_back(composed.to_bytes())
    on_count = [(t, lit, c) for t, lit, c in _commented_runs(document) if warning in c]
    assert on_count == [("a total of 2 recommendations", True, on_count[0][2])], (
        "the comment sits on the count, highlighted, and nowhere else"
    )
    assert "Check this number against the report" in on_count[0][2]


def test_other_reading_warnings_are_a_comment_on_the_thanks_paragraph():
    report = make_report(recommendations=2)
    warning = "No ratings were found in this report; check them in the original."
    report.warnings = [warning]
    plan = build_plan(report, matches_for(report, ["A.", "B."]))
    composed = compose_letter(plan, make_config(), letter_date=LETTER_DATE)
    document = read_back(composed.to_bytes())
    runs = [(t, lit) for t, lit, c in _commented_runs(document) if warning in c]
    assert "".join(t for t, _ in runs).startswith("Thank you for your inspection report")
    assert not any(lit for _, lit in runs)
    assert "Check against the report" in next(iter(document.comments)).text


@pytest.mark.parametrize(
    ("chief", "greeting"),
    [
        ("Dr Jane Smith-Jones", "Dear Jane,"),
        ("Professor Sir Martin Hale", "Dear Martin,"),
        ("Mrs. Ann Lee", "Dear Ann,"),
        ("Justin Russell", "Dear Justin,"),
        ("Dame Sir", "Dear [Chief Inspector's first name],"),
    ],
)
def test_salutation_greets_by_first_name_not_title(chief, greeting):
    report = make_report(recommendations=1)
    report.chief_inspector = chief
    assert greeting in letter_text(report)


def _review_for(report: Report, decisions: dict[int, dict]):
    from drafter.review.file import ReviewDecision, ReviewFile

    return ReviewFile(
        report_sha256="",
        unit=report.unit,
        decisions=[
            ReviewDecision(rec.number, rec.addressee, rec.text, **decisions[rec.number])
            for rec in report.recommendations
            if rec.number in decisions
        ],
    )


def test_a_recommendation_not_agreed_is_not_committed_to():
    from drafter.review.file import ChosenAction

    report = make_report(recommendations=3)
    review = _review_for(
        report,
        {
            2: dict(
                status="decided",
                agreement="Not agreed",
                note="the work is already covered by a national programme",
                actions=[ChosenAction("Action 2.", library_id=101, score=71)],
            )
        },
    )
    plan = build_plan(report, matches_for(report, ["Action 1.", "Action 2.", "Action 3."]), review)
    document = read_back(render_letter(plan, make_config(), letter_date=LETTER_DATE))
    texts = [p.text for p in document.paragraphs]
    assert "Action 2." not in texts
    assert "Action 1." in texts and "Action 3." in texts
    commitment = next(p for p in document.paragraphs if p.text.startswith("In respect of"))
    assert "all have been carefully considered. Recommendation 2 is not agreed because " in (
        commitment.text
    )
    assert highlighted(commitment) == ["[the work is already covered by a national programme]"]
    assert "address the other 2 recommendations as appropriate." in commitment.text
    assert "Chosen by the reviewer" not in "\n".join(c.text for c in document.comments)
    # The action plan keeps every recommendation, with its agreement.
    table = read_back(render_action_plan(plan, make_config())).tables[0]
    assert [row.cells[1].text for row in table.rows[1:]] == ["Agreed", "Not agreed", "Agreed"]


def test_a_single_recommendation_not_agreed_leaves_nothing_to_list():
    report = make_report(recommendations=1)
    review = _review_for(report, {1: dict(status="no_action", agreement="Not agreed")})
    plan = build_plan(report, matches_for(report, ["Action 1."]), review)
    composed = compose_letter(plan, make_config(), letter_date=LETTER_DATE)
    texts = [p.text for p in read_back(composed.to_bytes()).paragraphs]
    joined = "\n".join(texts)
    assert "I can confirm that it has been carefully considered. Recommendation 1 is not " in joined
    assert "because [give the reason]." in joined
    assert "This will include the following." not in joined
    assert not any(t.startswith("[Action for recommendation") for t in texts)
    assert "give the reason" in {a.label for a in composed.placeholders}


def test_all_but_one_agreed_reads_naturally():
    report = make_report(recommendations=2)
    review = _review_for(report, {1: dict(status="decided", agreement="Not agreed")})
    joined = "\n".join(
        p.text
        for p in read_back(
            render_letter(
                build_plan(report, matches_for(report, ["Action 1.", "Action 2."]), review),
                make_config(),
            )
        ).paragraphs
    )
    assert "address the other recommendation as appropriate. This will include" in joined


def test_a_partly_agreed_recommendation_keeps_its_action_and_the_comment_says_so():
    from drafter.review.file import ChosenAction

    report = make_report(recommendations=1)
    review = _review_for(
        report,
        {
            1: dict(
                status="decided",
                agreement="Partly agreed",
                actions=[ChosenAction("Action 1.", library_id=100, score=71)],
            )
        },
    )
    plan = build_plan(report, matches_for(report, ["Action 1."]), review)
    document = read_back(render_letter(plan, make_config(), letter_date=LETTER_DATE))
    assert "Action 1." in [p.text for p in document.paragraphs]
    assert "partly agreed" in next(iter(document.comments)).text


def test_comment_on_a_reviewer_choice_says_so():
    from drafter.review.file import ChosenAction, ReviewDecision, ReviewFile

    report = make_report(recommendations=1)
    review = ReviewFile(
        report_sha256="",
        unit=report.unit,
        decisions=[
            ReviewDecision(
                1,
                "Wyvern Cross PDU",
                report.recommendations[0].text,
                status="decided",
                actions=[ChosenAction("Reworded action.", library_id=100, score=71, edited=True)],
            )
        ],
    )
    plan = build_plan(report, matches_for(report, ["Action 1."]), review)
    document = read_back(render_letter(plan, make_config(), letter_date=LETTER_DATE))
    comment = next(iter(document.comments)).text
    assert "Chosen by the reviewer and reworded (library #100), match score 71/100." in comment


def _comment_lines(review_action) -> list[str]:
    from drafter.review.file import ReviewDecision, ReviewFile

    report = make_report(recommendations=1)
    review = ReviewFile(
        report_sha256="",
        unit=report.unit,
        decisions=[
            ReviewDecision(
                1, "", report.recommendations[0].text, status="decided", actions=[review_action]
            )
        ],
    )
    plan = build_plan(report, matches_for(report, ["Action 1."]), review)
    document = read_back(render_letter(plan, make_config(), letter_date=LETTER_DATE))
    return [p.text for p in next(iter(document.comments)).paragraphs]


def test_comment_on_a_chosen_action_lists_the_alternatives_on_their_own_lines():
    from drafter.review.file import ChosenAction

    lines = _comment_lines(
        ChosenAction("Action 1.", library_id=100, score=71, source="Breckmere PDU, 4 June 2024")
    )
    assert lines[1] == (
        "Chosen by the reviewer (library #100), match score 71/100. "
        "Source: Breckmere PDU, 4 June 2024."
    )
    assert lines[2] == "Next best:"
    assert lines[3] == "#200 (40): An alternative for 1."


def test_comment_on_an_action_the_reviewer_wrote_says_they_wrote_it():
    from drafter.review.file import ChosenAction

    lines = _comment_lines(ChosenAction("Our own new action.", edited=True))
    assert lines[1] == "Written by the reviewer."
    assert "Chosen" not in "\n".join(lines)


def test_letterhead_whose_bullet_style_is_not_a_paragraph_style_is_refused(tmp_path):
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    style = document.styles["List Bullet"].element
    style.getparent().remove(style)
    document.styles.add_style("List Bullet", WD_STYLE_TYPE.CHARACTER)
    path = tmp_path / "odd.docx"
    document.save(path)
    report = make_report()
    plan = build_plan(report, matches_for(report, ["A.", "B.", "C."]))
    with pytest.raises(TemplateError, match="not a paragraph style"):
        render_letter(plan, make_config(), letterhead=path)


@settings(max_examples=25, deadline=None)
@given(
    unit=st.text(min_size=1, max_size=40),
    recommendation=st.text(max_size=80),
    action_text=st.text(max_size=80),
)
def test_any_text_from_a_report_or_library_renders(unit, recommendation, action_text):
    report = make_report(recommendations=1)
    report.unit = unit
    report.recommendations = [Recommendation(1, "", recommendation)]
    plan = build_plan(report, matches_for(report, [action_text]))
    document = read_back(render_letter(plan, make_config(), letter_date=LETTER_DATE))
    thanks = document.paragraphs[5]
    # Only characters XML cannot hold are dropped (line breaks may move spaces).
    clean = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", unit)
    bold = "".join(r.text for r in thanks.runs if r.bold)
    assert "".join(bold.split()) == "".join(clean.split())


@pytest.mark.parametrize("body", ["{{ 1 / 0 }}", "{{ no_such_name }}", "{{ report.unit.nope() }}"])
def test_a_failing_user_template_block_is_named(tmp_path, body):
    (tmp_path / "letter.j2").write_text(
        f"{{% block assurance %}}{body}{{% endblock %}}", encoding="utf-8"
    )
    with pytest.raises(TemplateError, match="'assurance'"):
        letter_text_with_templates(tmp_path)


def test_numbering_keeps_schema_order_in_a_word_made_letterhead(tmp_path):
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.append(parse_xml(f'<w:numIdMacAtCleanup {nsdecls("w")} w:val="3"/>'))
    path = tmp_path / "word.docx"
    document.save(path)
    report = make_report()
    plan = build_plan(report, matches_for(report, ["A.", "B.", "C."]))
    result = read_back(render_letter(plan, make_config(), letterhead=path))
    tags = [child.tag.split("}")[1] for child in result.part.numbering_part.element]
    assert tags[-1] == "numIdMacAtCleanup"
    last_abstract = max(i for i, t in enumerate(tags) if t == "abstractNum")
    assert last_abstract < tags.index("num")


def test_youth_justice_letter_names_the_service_not_just_the_area():
    report = make_report(recommendations=2)
    report.kind = "yjs"
    report.unit = "Wyvern Cross"
    plan = build_plan(report, matches_for(report, ["First action.", "Second action."]))
    document = read_back(render_letter(plan, make_config(), letter_date=LETTER_DATE))
    thanks = next(p.text for p in document.paragraphs if p.text.startswith("Thank you"))
    assert "Wyvern Cross Youth Justice Service" in thanks


def test_an_adult_probation_action_in_a_youth_justice_letter_is_flagged_for_checking():
    report = make_report(recommendations=1)
    report.kind = "yjs"
    report.unit = "Wyvern Cross"
    plan = build_plan(report, matches_for(report, ["Managers will audit ten cases a month."]))
    assert plan.responses[0].actions[0].review_flags == ["service:adult"]
    data = render_letter(plan, make_config(), letter_date=LETTER_DATE)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        comments = archive.read("word/comments.xml").decode("utf-8")
    assert "adult probation unit" in comments and "youth justice service" in comments


def test_an_adult_probation_action_in_a_pdu_letter_is_not_flagged():
    report = make_report(recommendations=1)
    plan = build_plan(report, matches_for(report, ["Managers will audit ten cases a month."]))
    assert plan.responses[0].actions[0].review_flags == []


@pytest.mark.parametrize(
    "template",
    [
        "{% block sign_off %}{{ ''.__class__.__mro__[1].__subclasses__() }}{% endblock %}",
        "{% block sign_off %}{{ oops",
    ],
)
def test_template_errors_end_with_one_full_stop(tmp_path, template):
    (tmp_path / "letter.j2").write_text(template, encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        letter_text_with_templates(tmp_path)
    assert ".." not in str(caught.value)
    assert str(caught.value).endswith("use drafter's own.")


def test_action_plan_row_for_a_recommendation_not_agreed_says_no_action_follows():
    # Second audit: such a row showed highlighted [Action] and [Target date].
    report = make_report(recommendations=3)
    review = _review_for(
        report,
        {
            1: dict(status="no_action", agreement="Not agreed"),
            2: dict(
                status="no_action",
                agreement="Not agreed",
                note="The work is covered by a national programme.",
            ),
        },
    )
    plan = build_plan(report, matches_for(report, ["Action 1.", "Action 2.", "Action 3."]), review)
    composed = compose_action_plan(plan, make_config())
    table = read_back(composed.to_bytes()).tables[0]
    first, second, third = ([c.text for c in row.cells] for row in table.rows[1:])
    assert first[1:] == [
        "Not agreed",
        "Not agreed: no action will follow.",
        "Not applicable",
        "Not applicable",
    ]
    assert second[2] == (
        "Not agreed: no action will follow. The work is covered by a national programme."
    )
    assert third[1:3] == ["Agreed", "Action 3."] and third[4] == "[Target date]"
    assert not any("[" in cell for cell in first + second)
    assert {a.label for a in composed.placeholders} == {"Target date"}  # row 3 only


# --- recommendation numbers restarting per addressee -----------------------------------


def _report_numbered_per_addressee() -> Report:
    report = make_report(recommendations=0)
    report.recommendations = [
        Recommendation(1, "The Wyvern Cross PDU", "improve risk assessment"),
        Recommendation(2, "The Wyvern Cross PDU", "improve home visits"),
        Recommendation(1, "The North East region", "develop a recruitment strategy"),
        Recommendation(1, "HM Prison and Probation Service", "review the workload tool"),
    ]
    return report


def test_numbers_restarting_per_addressee_name_the_addressee_in_placeholders():
    report = _report_numbered_per_addressee()
    plan = build_plan(report, matches_for(report, [None, "Action 2.", None, None]))
    composed = compose_letter(plan, make_config(), letter_date=LETTER_DATE)
    labels = [a.label for a in composed.placeholders]
    assert labels == [
        "Action for recommendation 1 to the Wyvern Cross PDU: improve risk assessment",
        "Action for recommendation 1 to the North East region: develop a recruitment strategy",
        "Action for recommendation 1 to HM Prison and Probation Service: review the workload tool",
    ]
    texts = [p.text for p in read_back(composed.to_bytes()).paragraphs]
    assert "[Action for recommendation 1 to the North East region: develop a recruitment " \
        "strategy]" in texts  # fmt: skip


def test_unique_numbers_keep_the_plain_placeholder_wording():
    report = make_report(recommendations=2)
    plan = build_plan(report, matches_for(report, [None, "Action 2."]))
    composed = compose_letter(plan, make_config(), letter_date=LETTER_DATE)
    assert [a.label for a in composed.placeholders] == [
        "Action for recommendation 1: improve area number 1 of practice"
    ]


def test_a_repeated_number_not_agreed_names_its_addressee():
    from drafter.review.file import ReviewDecision, ReviewFile

    report = _report_numbered_per_addressee()
    review = ReviewFile(
        report_sha256="",
        unit=report.unit,
        decisions=[
            ReviewDecision(
                rec.number,
                rec.addressee,
                rec.text,
                **(
                    dict(status="no_action", agreement="Not agreed", note="it is national")
                    if rec.addressee.startswith("HM")
                    else {}
                ),
            )
            for rec in report.recommendations
        ],
    )
    plan = build_plan(report, matches_for(report, ["A.", "B.", "C.", "D."]), review)
    document = read_back(render_letter(plan, make_config(), letter_date=LETTER_DATE))
    commitment = next(p for p in document.paragraphs if p.text.startswith("In respect of"))
    assert (
        "Recommendation 1 to HM Prison and Probation Service is not agreed because"
        in commitment.text
    )


# --- a signatory partly set ------------------------------------------------------------


def _partial_config(tmp_path: Path, **fields: str) -> Config:
    from drafter.letter.settings import config_from_dict

    entry = {"name": "", "title": "", "area": "", "organisation": ORGANISATION, **fields}
    return config_from_dict({"signatories": {"North East": entry}}, source=tmp_path / "config.toml")


def _signature_and_notes(composed):
    document = read_back(composed.to_bytes())
    sender = document.paragraphs[1]
    signature = [p for p in document.paragraphs if p.text.strip()][-2]
    return sender, signature, {a.label: a.note for a in composed.placeholders}


def test_a_set_title_is_used_and_only_the_name_and_area_are_placeholders(tmp_path):
    config = _partial_config(tmp_path, title="Area Executive Director")
    report = make_report()
    plan = build_plan(report, matches_for(report, ["A.", "B.", "C."]))
    composed = compose_letter(plan, config, letter_date=LETTER_DATE)
    sender, signature, notes = _signature_and_notes(composed)
    assert sender.text.split("\n") == [
        "[Signatory's name]",
        "Area Executive Director",
        "[Area]",
        ORGANISATION,
    ]
    assert highlighted(sender) == ["[Signatory's name]", "[Area]"]
    assert signature.text == "[Signatory's name] Area Executive Director - [Area]"
    assert "Title" not in notes
    settings = str(tmp_path / "config.toml")
    assert settings in notes["Signatory's name"]
    assert "fill in their name" in notes["Signatory's name"]
    assert "config init" not in notes["Signatory's name"]
    assert settings in notes["Area"]


def test_a_named_signatory_without_an_area_gets_an_area_placeholder(tmp_path):
    config = _partial_config(tmp_path, name="Ivor Jones", title="Area Executive Director")
    report = make_report()
    plan = build_plan(report, matches_for(report, ["A.", "B.", "C."]))
    composed = compose_letter(plan, config, letter_date=LETTER_DATE)
    sender, signature, notes = _signature_and_notes(composed)
    assert sender.text.split("\n") == [
        "Ivor Jones",
        "Area Executive Director",
        "[Area]",
        ORGANISATION,
    ]
    assert highlighted(sender) == ["[Area]"]
    assert signature.text == "Ivor Jones Area Executive Director - [Area]"
    assert highlighted(signature) == ["[Area]"]
    assert [a.label for a in composed.placeholders] == ["Area", "Area"]
    comments = [c.text for c in read_back(composed.to_bytes()).comments]
    assert sum("The area the signatory covers" in c for c in comments) == 2


def test_a_named_signatory_without_a_title_gets_a_title_placeholder(tmp_path):
    config = _partial_config(tmp_path, name="Ivor Jones", area="Wales")
    report = make_report()
    plan = build_plan(report, matches_for(report, ["A.", "B.", "C."]))
    composed = compose_letter(plan, config, letter_date=LETTER_DATE)
    _sender, signature, _notes = _signature_and_notes(composed)
    assert signature.text == "Ivor Jones [Title] - Wales"
    assert [a.label for a in composed.placeholders] == ["Title", "Title"]


def test_a_weak_suggestion_is_never_used_and_the_comment_names_the_closest():
    report = make_report(2)
    weak = [
        Candidate(action(910, "Monthly audits of area two will be reported."), 38.0, "few"),
        Candidate(action(911, "A second loosely related idea."), 21.0, "fewer"),
    ]
    matches = [
        matches_for(report, ["An action for one.", None])[0],
        RecommendationMatch(report.recommendations[1], [], no_match=True, weak_candidates=weak),
    ]
    plan = build_plan(report, matches)
    planned = plan.responses[1].actions[0]
    assert planned.placeholder and planned.text == "" and planned.weak_alternatives
    document = read_back(render_letter(plan, make_config()))
    texts = [p.text for p in document.paragraphs]
    assert not any("Monthly audits of area two" in t for t in texts)  # never in the letter
    comment = list(document.comments)[-1].text
    assert "No good match" in comment
    assert "Closest in the library, weak (below the match line, so not used): #910" in comment
    assert "Calderholme PDU, 18 April 2023" in comment
    assert "#910 (38): Monthly audits of area two will be reported." in comment
    assert "#911 (21)" in comment
