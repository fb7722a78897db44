"""Names carried over from another unit's letter are highlighted and commented
when drafting; unreviewed choices say so; the action plan takes target dates
from the actions' own timescales.

The reports and actions here are written for these tests (a fictional report
for the real Gwent PDU, a fictional action for the real Stockton and
Hartlepool PDU); none is copied from the corpus or the seeds."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn
from hypothesis import given
from hypothesis import strategies as st

from drafter.cli.commands import cli
from drafter.core.model import (
    Candidate,
    LibraryAction,
    Recommendation,
    RecommendationMatch,
    Report,
)
from drafter.core.names import (
    carried_over_names,
    find_bodies,
    find_people,
    find_police,
    people_in,
    police_forces,
    resolve_overlaps,
)
from drafter.letter.document import compose_action_plan, compose_letter
from drafter.letter.plan import build_plan, flagged_names, own_target_date
from drafter.letter.settings import Config

GWENT_REPORT = """An inspection of probation services in Gwent PDU

Foreword
Gwent is one of five PDUs in the Wales region. Staff told us they felt well supported by \
their managers and were proud of the difference their work made.
Rhian Pryce CBE
HM Chief Inspector of Probation

Ratings
Fieldwork started: 2 March 2026
Score 9/21
Overall rating: Requires improvement
1.1 Leadership
Good
1.2 Staffing
Requires improvement

Recommendations
Gwent PDU should:
1. agree with the police a way to share information about domestic abuse call-outs with \
practitioners before sentence.

Background
The PDU covers valley towns and a coastal city.
"""
SOURCE_ACTION = (
    "Sarah Whitfield, Head of PDU, will agree a data-sharing protocol with Cleveland Police "
    "and Hartlepool Borough Council so that information about domestic abuse call-outs "
    "reaches practitioners before sentence. Stockton and Hartlepool PDU will report on it to "
    "the North East region."
)
SOURCE_LABEL = "Stockton and Hartlepool PDU, 24 July 2025"


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path, monkeypatch):
    monkeypatch.delenv("DRAFTER_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def marked_runs(document) -> list[tuple[str, list[str]]]:
    """Each highlighted run's text with the comments whose range covers it,
    read from the document's XML."""
    comments = {str(c.comment_id): c.text for c in document.comments}
    found = []
    for paragraph in document.paragraphs:
        open_ids: list[str] = []
        for node in paragraph._p.iter():
            if node.tag == qn("w:commentRangeStart"):
                open_ids.append(node.get(qn("w:id")))
            elif node.tag == qn("w:commentRangeEnd"):
                open_ids.remove(node.get(qn("w:id")))
            elif node.tag == qn("w:r"):
                if node.find(f"{qn('w:rPr')}/{qn('w:highlight')}") is None:
                    continue
                text = "".join(t.text or "" for t in node.iter(qn("w:t")))
                found.append((text, [comments[i] for i in open_ids]))
    return found


@pytest.fixture
def welsh_case(tmp_path: Path) -> tuple[Path, str]:
    report = tmp_path / "gwent_2026.txt"
    report.write_text(GWENT_REPORT, encoding="utf-8")
    library = tmp_path / "library.json"
    library.write_text(
        json.dumps(
            [
                {
                    "id": "SH-7",
                    "action": SOURCE_ACTION,
                    "recommendation": "share domestic abuse call-out information with "
                    "practitioners before sentence",
                    "unit": "Stockton and Hartlepool PDU",
                    "region": "North East",
                    "date": "2025-07-24",
                }
            ]
        ),
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp_path / 'names.db'}"
    result = run("library", "import", str(library), "--db", db)
    assert result.exit_code == 0, result.output
    return report, db


def test_a_welsh_letter_highlights_and_comments_every_name_from_the_source_letter(
    welsh_case, tmp_path
):
    report, db = welsh_case
    out = tmp_path / "letter.docx"
    result = run("draft", str(report), "-o", str(out), "--db", db, "--date", "2026-05-01")
    assert result.exit_code == 0, result.output
    document = docx.Document(str(out))
    marks = dict(marked_runs(document))
    for name in ("Cleveland Police", "Hartlepool Borough Council", "Sarah Whitfield"):
        assert name in marks, f"{name} is not highlighted: {list(marks)}"
        comment = " ".join(marks[name])
        assert "Carried over" in comment and SOURCE_LABEL in comment, comment
    # The unit's own name and region were substituted, not flagged.
    bullet = next(p.text for p in document.paragraphs if "data-sharing protocol" in p.text)
    assert "Gwent PDU will report on it to the Wales region" in bullet
    assert "Stockton" not in bullet
    # The closing summary lists each name once, with the letter it came from.
    for name in ("Cleveland Police", "Hartlepool Borough Council", "Sarah Whitfield"):
        assert re.search(rf'"{name}", .*from {SOURCE_LABEL}', result.output), result.output
    assert "3 names from other letters to check" in result.output


def test_the_names_to_check_are_in_the_json_summary(welsh_case, tmp_path):
    report, db = welsh_case
    out = tmp_path / "letter.docx"
    result = run("draft", str(report), "-o", str(out), "--db", db, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)[0]
    names = {n["name"] for n in summary["names_to_check"]}
    assert names == {"Cleveland Police", "Hartlepool Borough Council", "Sarah Whitfield"}
    assert summary["unreviewed"] == 1


# --- the plan, through the library API -------------------------------------------


def _report(unit: str = "Gwent PDU", region: str = "Wales") -> Report:
    return Report(
        kind="pdu",
        unit=unit,
        region=region,
        recommendations=[Recommendation(1, unit, "work with the police on domestic abuse")],
        chief_inspector="Rhian Pryce",
    )


def _match(report: Report, text: str, unit: str | None, **extra) -> list[RecommendationMatch]:
    library_action = LibraryAction(
        id=5,
        text=text,
        unit=unit,
        region=extra.pop("region", "North East"),
        committed_on=date(2025, 7, 24),
        **extra,
    )
    return [RecommendationMatch(report.recommendations[0], [Candidate(library_action, 80, "")])]


def test_an_action_from_the_same_unit_keeps_its_names_unflagged():
    report = _report("Stockton and Hartlepool PDU", "North East")
    plan = build_plan(report, _match(report, SOURCE_ACTION, "Stockton and Hartlepool PDU"))
    assert flagged_names(plan.responses[0].actions[0]) == []


def test_the_owner_field_of_the_source_action_names_people_to_look_for():
    report = _report()
    text = "Priya Nair will chair a monthly panel with partners to review call-outs."
    plan = build_plan(
        report, _match(report, text, "Stockton and Hartlepool PDU", owner="Priya Nair")
    )
    assert ("person", "Priya Nair") in flagged_names(plan.responses[0].actions[0])


def test_the_only_police_force_of_the_new_region_is_not_flagged():
    report = _report("Bolton PDU", "Greater Manchester")
    text = "Greater Manchester Police and the PDU will share call-out data weekly."
    plan = build_plan(report, _match(report, text, "Wigan PDU", region="Greater Manchester"))
    assert flagged_names(plan.responses[0].actions[0]) == []


def test_the_letter_comment_names_the_source_letter_for_each_flagged_name():
    report = _report()
    plan = build_plan(report, _match(report, SOURCE_ACTION, "Stockton and Hartlepool PDU"))
    composed = compose_letter(plan, Config(), letter_date=date(2026, 5, 1))
    names = [a for a in composed.attention if a.kind == "name"]
    assert {a.label for a in names} == {
        "Cleveland Police",
        "Hartlepool Borough Council",
        "Sarah Whitfield",
    }
    assert all("Stockton and Hartlepool PDU, 24 July 2025" in a.note for a in names)


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Sarah Whitfield, Head of PDU, will lead it.", "Sarah Whitfield"),
        ("The Head of PDU, Tomasz Kowalczyk, will lead it.", "Tomasz Kowalczyk"),
        ("Senior Probation Officer Aled Rees will run the clinic.", "Aled Rees"),
        ("The panel will be chaired by Dr Nia Jenkins.", "Dr Nia Jenkins"),
        ("Work led by Grace O'Neill began in May.", "Grace O'Neill"),
        ("Mark McAllister (SPO) will audit cases.", "Mark McAllister"),
    ],
)
def test_people_are_found_by_their_titles_and_roles(text, person):
    assert person in [f.text for f in find_people(text)]


@pytest.mark.parametrize(
    "text",
    [
        "The Regional Probation Director will review Core Skills training.",
        "All Probation Practitioners will complete Motivational Interviewing.",
        "The Management Oversight Policy Framework will be implemented.",
        "Senior leaders will meet the Head of PDU monthly.",
    ],
)
def test_capitalised_service_terms_are_not_people(text):
    assert find_people(text) == []


def test_people_in_reads_names_from_context_fields():
    assert people_in(["Priya Nair", "Sarah Whitfield, Head of PDU", None]) == [
        "Priya Nair",
        "Sarah Whitfield",
    ]


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("with Hartlepool Borough Council and others", "Hartlepool Borough Council"),
        (
            "the Cwm Taf Morgannwg University Health Board",
            "Cwm Taf Morgannwg University Health Board",
        ),
        (
            "Cleveland Police and Redcar and Cleveland Borough Council",
            "Redcar and Cleveland Borough Council",
        ),
        ("through NHS Tees Valley ICB funding", "NHS Tees Valley ICB"),
        ("Durham County Council will host it", "Durham County Council"),
    ],
)
def test_councils_and_health_bodies_are_found_by_pattern(text, body):
    assert body in [f.text for f in find_bodies(text)]


def test_a_generic_council_is_not_a_name():
    assert find_bodies("The local Council and the Council will both attend.") == []


def test_the_police_reference_list_has_the_43_forces_and_transport_police():
    forces = police_forces()
    assert len([f for f in forces if f.region]) == 43
    assert any(f.name == "British Transport Police" and f.region is None for f in forces)
    found = find_police("Work with Avon & Somerset Constabulary and the BTP.")
    assert [force.name for _name, force in found if force] == [
        "Avon and Somerset Police",
        "British Transport Police",
    ]


@given(st.text(alphabet=st.sampled_from(list("AaBbCc PoliceCouncilDr.,&-'")), max_size=120))
def test_names_found_are_inside_the_text_and_never_overlap(text):
    found = resolve_overlaps(
        carried_over_names(
            text,
            source_unit="Stockton and Hartlepool PDU",
            new_unit="Gwent PDU",
            new_region="Wales",
        )
    )
    for item in found:
        assert text[item.start : item.end] == item.text
    spans = sorted((f.start, f.end) for f in found)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))


# --- reviewed or not -----------------------------------------------------------------


def _review(report: Report, **decision):
    from drafter.review.file import ReviewDecision, ReviewFile

    rec = report.recommendations[0]
    return ReviewFile(
        "", report.unit, decisions=[ReviewDecision(rec.number, rec.addressee, rec.text, **decision)]
    )


def _action_comment(plan) -> str:
    document = compose_letter(plan, Config(), letter_date=date(2026, 5, 1)).document
    return next(c.text for c in document.comments if c.text.startswith("Answers"))


def test_a_best_match_says_it_was_chosen_automatically_and_not_reviewed():
    report = _report()
    plan = build_plan(report, _match(report, "Weekly call-out data will be shared.", "Leeds PDU"))
    assert "Chosen automatically, not reviewed" in _action_comment(plan)


def test_a_decision_prefilled_by_accept_best_counts_as_not_reviewed():
    from drafter.review.file import build_review

    report = _report()
    matches = _match(report, "Weekly call-out data will be shared.", "Leeds PDU")
    review = build_review(report, matches, accept_best=True)
    plan = build_plan(report, matches, review)
    assert plan.responses[0].decided and not plan.responses[0].reviewed
    assert "Chosen automatically, not reviewed" in _action_comment(plan)


def test_a_reviewed_choice_names_its_reviewer_and_date():
    from drafter.review.file import ChosenAction, mark_decided

    report = _report()
    matches = _match(report, "Weekly call-out data will be shared.", "Leeds PDU")
    review = _review(
        report,
        status="decided",
        agreement="Agreed",
        actions=[ChosenAction("Weekly call-out data will be shared.", library_id=5, score=80)],
    )
    mark_decided(review.decisions[0], by="jsmith")
    plan = build_plan(report, matches, review)
    comment = _action_comment(plan)
    today = date.today()
    assert f"Chosen by the reviewer (jsmith, {today.day} {today:%B %Y})" in comment
    assert "not reviewed" not in comment


def test_the_draft_summary_counts_unreviewed_choices(tmp_path):
    from conftest import REPO

    out = tmp_path / "letter.docx"
    result = run("draft", str(REPO / "samples" / "ashvale_pdu_2025.html"), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert re.search(r"\d+ chosen automatically, not reviewed", result.output)


# --- action plan target dates -----------------------------------------------------------


def _plan_cells(plan) -> list[str]:
    document = compose_action_plan(plan, Config()).document
    return [cell.text for cell in document.tables[0].rows[1].cells]


def test_the_action_plan_takes_the_target_date_from_the_actions_own_timescale():
    report = _report("Leeds PDU", "Yorkshire and the Humber")
    text = "A call-out sharing agreement will be signed by March 2026."
    plan = build_plan(report, _match(report, text, "Leeds PDU", region="Yorkshire and the Humber"))
    assert own_target_date(plan.responses[0]).due == date(2026, 3, 31)
    assert _plan_cells(plan)[-1] == "31 March 2026"


def test_a_target_date_from_another_units_letter_is_highlighted_to_check():
    report = _report()
    text = "A call-out sharing agreement will be signed by March 2026."
    plan = build_plan(report, _match(report, text, "Leeds PDU"))
    composed = compose_action_plan(plan, Config())
    cell = composed.document.tables[0].rows[1].cells[-1]
    assert cell.text == "31 March 2026"
    assert cell.paragraphs[0].runs[0].font.highlight_color is not None


def test_without_a_timescale_the_target_date_stays_a_placeholder():
    report = _report("Leeds PDU", "Yorkshire and the Humber")
    plan = build_plan(report, _match(report, "Call-out data will be shared.", "Leeds PDU"))
    assert _plan_cells(plan)[-1] == "[Target date]"


SENT_LETTER = """Rhian Pryce
HM Chief Inspector of Probation

Priya Nair
Area Executive Director
HM Prison & Probation Service

24 July 2025

Dear Rhian,

HMIP reports on the inspections of Stockton and Hartlepool PDU, North East Region - June 2025

Thank you for your inspection report for Stockton and Hartlepool PDU, where you made a single \
recommendation.

In respect of the recommendation, I can confirm that it has been carefully considered. This \
will include the following.

- Priya Nair will chair a monthly panel where police and practitioners agree how information \
about domestic abuse call-outs reaches practitioners before sentence.

I am pleased to note the following.

- Staff felt well supported.

Kind regards

Priya Nair Area Executive Director - North East
"""


def test_the_signatory_of_an_archived_source_letter_is_flagged_when_named_in_its_action(
    tmp_path,
):
    """ "Priya Nair will chair…" has no title or job beside the name: the source
    letter's own signatory says it is a person."""
    db = f"sqlite:///{tmp_path / 'archive.db'}"
    sent = tmp_path / "sent.txt"
    sent.write_text(SENT_LETTER, encoding="utf-8")
    report = tmp_path / "gwent.txt"
    report.write_text(GWENT_REPORT, encoding="utf-8")
    assert run("archive", str(sent), "--db", db).exit_code == 0
    out = tmp_path / "letter.docx"
    result = run("draft", str(report), "-o", str(out), "--db", db)
    assert result.exit_code == 0, result.output
    marks = dict(marked_runs(docx.Document(str(out))))
    assert "Priya Nair" in marks
    assert "Stockton and Hartlepool PDU, 24 July 2025" in " ".join(marks["Priya Nair"])


def test_a_name_with_an_ampersand_is_flagged_and_the_document_stays_valid(tmp_path):
    import io

    report = _report()
    text = "Avon & Somerset Constabulary will co-locate an officer with the PDU's DA team."
    plan = build_plan(report, _match(report, text, "Bristol and South Gloucestershire PDU"))
    data = compose_letter(plan, Config(), letter_date=date(2026, 5, 1)).to_bytes()
    document = docx.Document(io.BytesIO(data))
    marks = dict(marked_runs(document))
    assert "Avon & Somerset Constabulary" in marks
    bullet = next(p.text for p in document.paragraphs if "co-locate" in p.text)
    assert bullet == text


def test_a_custom_template_without_the_new_blocks_still_flags_and_comments(tmp_path):
    """A letter template copied before these blocks existed: names still get
    drafter's own comment, and a doubted count falls back to a comment on
    the thanks paragraph."""
    import io

    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "letter.j2").write_text(
        "{% block thanks %}Thank you for your report for {{ unit }}.{% endblock %}\n",
        encoding="utf-8",
    )
    report = _report()
    report.warnings = ["The report says it makes 2 recommendations but drafter read 1."]
    plan = build_plan(report, _match(report, SOURCE_ACTION, "Stockton and Hartlepool PDU"))
    data = compose_letter(
        plan, Config(), letter_date=date(2026, 5, 1), template_dir=folder
    ).to_bytes()
    document = docx.Document(io.BytesIO(data))
    marks = dict(marked_runs(document))
    assert "Carried over" in " ".join(marks["Cleveland Police"])
    thanks = next(p for p in document.paragraphs if p.text.startswith("Thank you"))
    assert thanks._p.find(qn("w:commentRangeStart")) is not None
    assert any("drafter read 1" in c.text for c in document.comments)


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("Practice from Calderholme PDU will be shared.", ["Calderholme PDU"]),
        ("with Newcastle upon Tyne PDU and others", ["Newcastle upon Tyne PDU"]),
        ("The Stourmere Youth Justice Service manager", ["Stourmere Youth Justice Service"]),
        ("Sarah Whitfield, Head of PDU, will chair it.", []),
        ("Each PDU and the Head of PDU will agree it.", []),
        ("Senior leaders in Soarbridge and Wyre PDU agreed.", ["Soarbridge and Wyre PDU"]),
    ],
)
def test_units_are_found_by_name_even_when_not_in_the_reference_list(text, units):
    from drafter.core.names import find_units

    assert [f.text for f in find_units(text)] == units


def test_a_reviewers_no_action_decision_names_them_too():
    from drafter.review.file import mark_decided

    report = _report()
    matches = _match(report, "Weekly call-out data will be shared.", "Leeds PDU")
    review = _review(report, status="no_action", agreement="Agreed")
    mark_decided(review.decisions[0], by="akhan")
    comment = _action_comment(build_plan(report, matches, review))
    assert "The reviewer (akhan, " in comment and "decided on no library action" in comment


def test_the_action_plan_highlights_and_comments_carried_over_names_too():
    import io

    report = _report()
    plan = build_plan(report, _match(report, SOURCE_ACTION, "Stockton and Hartlepool PDU"))
    composed = compose_action_plan(plan, Config())
    assert {a.label for a in composed.attention if a.kind == "name"} == {
        "Cleveland Police",
        "Hartlepool Borough Council",
        "Sarah Whitfield",
    }
    document = docx.Document(io.BytesIO(composed.to_bytes()))
    cell = document.tables[0].rows[1].cells[2]
    lit = [r.text for p in cell.paragraphs for r in p.runs if r.font.highlight_color]
    assert lit == ["Sarah Whitfield", "Cleveland Police", "Hartlepool Borough Council"]
    assert "Gwent PDU will report on it" in cell.text
    comments = [c.text for c in document.comments if c.text.startswith("Carried over")]
    assert len(comments) == 3 and all(SOURCE_LABEL in c for c in comments)
