"""``drafter check``: a finished letter for the real seed report passes; each
planted mistake is caught, named and placed; usage errors exit 2.

The letters are drafted by drafter itself and then finished or spoiled with
python-docx, as a person would in Word; the words added are our own."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from conftest import SEED_REPORT, soffice_convert
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from drafter.check.checker import check_letter, check_letter_bytes
from drafter.cli.commands import cli
from drafter.letter.drafting import draft_letter
from drafter.library.store import Library
from drafter.reading.reader import read_report

LETTER_DATE = date(2025, 8, 1)
FILL = {
    "[Signatory's name]": "Jane Roberts",
    "[Title]": "Area Executive Director",
    "[Area]": "North East",
}
NEW_ACTIONS = [
    "Managers will agree an information-sharing routine with police and children's services "
    "by December 2025.",
    "A needs analysis of the caseload will be completed, and a plan written from it, by "
    "March 2026.",
]


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path, monkeypatch):
    monkeypatch.delenv("DRAFTER_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def seed_report(shared_dir):
    return read_report(SEED_REPORT)


@pytest.fixture(scope="module")
def finished(tmp_path_factory, shared_dir) -> Path:
    """The seed report's letter, drafted and then finished as an editor would:
    every placeholder filled, every highlight checked and removed."""
    folder = tmp_path_factory.mktemp("seed-letter")
    library = Library(f"sqlite:///{folder / 'library.db'}", auto_starter=True)
    draft = folder / "draft.docx"
    draft_letter(SEED_REPORT, draft, library=library, letter_date=LETTER_DATE)
    document = docx.Document(str(draft))
    written = iter(NEW_ACTIONS)
    for paragraph in document.paragraphs:
        for run_ in paragraph.runs:
            if run_.font.highlight_color is None:
                continue
            if run_.text.startswith("[Action for"):
                run_.text = next(written)
            elif run_.text in FILL:
                run_.text = FILL[run_.text]
            run_.font.highlight_color = None
    out = folder / "finished.docx"
    document.save(str(out))
    return out


def spoil(finished: Path, tmp_path: Path, change) -> Path:
    document = docx.Document(str(finished))
    change(document)
    out = tmp_path / "spoiled.docx"
    document.save(str(out))
    return out


def bullets(document) -> list:
    return [p for p in document.paragraphs if p.style.name == "List Bullet"]


def test_a_finished_seed_letter_passes_through_the_cli(finished):
    result = run("check", str(finished), "--report", str(SEED_REPORT))
    assert result.exit_code == 0, result.output
    assert "no problems found" in result.output


def test_a_finished_seed_letter_passes_through_the_api(finished, seed_report):
    result = check_letter(finished, seed_report)
    assert result.clean, result.problems
    assert result.letter_date == LETTER_DATE
    assert result.recommendations == 3


def test_the_drafted_letter_before_finishing_fails_with_its_placeholders(
    tmp_path, shared_dir, seed_report
):
    draft = tmp_path / "draft.docx"
    draft_letter(SEED_REPORT, draft, library=Library(), letter_date=LETTER_DATE)
    result = check_letter(draft, seed_report)
    assert "placeholder" in result.codes()
    assert "signatory" in result.codes()


def _change_count(document):
    for paragraph in document.paragraphs:
        for run_ in paragraph.runs:
            run_.text = run_.text.replace(
                "a total of 3 recommendations", "a total of 4 recommendations"
            )


def _remove_second_bullet(document):
    second = bullets(document)[1]
    second._p.getparent().remove(second._p)


def _insert_other_pdu(document):
    first = bullets(document)[0]
    first.add_run(" This copies the approach taken by Stockton and Hartlepool PDU.")


def _past_commitment(document):
    last_action = bullets(document)[2]
    last_action.runs[0].text = "A needs analysis of the caseload will be completed by March 2025."
    for run_ in last_action.runs[1:]:
        run_.text = ""


def _leave_placeholder(document):
    signature = next(p for p in document.paragraphs if p.text.startswith("Jane Roberts "))
    signature.runs[0].text = "[Signatory's name]"


@pytest.mark.parametrize(
    ("change", "code", "quote", "words"),
    [
        (_change_count, "count", "a total of 4 recommendations", "says 4 recommendations"),
        (_remove_second_bullet, "unanswered", None, "Recommendation 2 is answered by no bullet"),
        (_insert_other_pdu, "other_unit", "Stockton and Hartlepool PDU", "Another probation unit"),
        (_past_commitment, "past_date", "by March 2025", "before the letter's date"),
        (_leave_placeholder, "placeholder", "[Signatory's name]", "placeholder"),
    ],
    ids=["count", "bullet-removed", "other-pdu", "past-date", "placeholder"],
)
def test_each_planted_mistake_is_caught_named_and_placed(
    finished, tmp_path, seed_report, change, code, quote, words
):
    spoiled = spoil(finished, tmp_path, change)
    result = check_letter(spoiled, seed_report)
    found = [i for i in result.problems if i.code == code]
    assert found, result.problems
    assert words in found[0].message
    assert found[0].paragraph is not None
    if quote:
        assert found[0].quote == quote
    cli_result = run("check", str(spoiled), "--report", str(SEED_REPORT))
    assert cli_result.exit_code == 1, cli_result.output
    line = next(line for line in cli_result.output.splitlines() if words in line)
    assert line.startswith(f"Problem, paragraph {found[0].paragraph}")
    if quote:
        assert f'"{quote}"' in line


def test_json_lists_problems_with_where_they_are(finished, tmp_path):
    spoiled = spoil(finished, tmp_path, _change_count)
    result = run("check", str(spoiled), "--report", str(SEED_REPORT), "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["clean"] is False
    assert data["problems"][0]["code"] == "count"
    assert data["problems"][0]["paragraph"] == 6
    assert data["letter_date"] == "2025-08-01"


def _letter_text(finished: Path) -> str:
    lines = []
    for paragraph in docx.Document(str(finished)).paragraphs:
        if paragraph.text.strip():
            bullet = paragraph.style.name == "List Bullet"
            lines.append(("- " if bullet else "") + paragraph.text)
    return "\n\n".join(lines)


def test_a_finished_letter_as_plain_text_passes_and_a_spoiled_one_fails(
    finished, tmp_path, seed_report
):
    text = _letter_text(finished)
    letter = tmp_path / "letter.txt"
    letter.write_text(text, encoding="utf-8")
    assert check_letter(letter, seed_report).clean
    spoiled = text.replace("a total of 3", "a total of 2")
    result = check_letter_bytes(spoiled.encode(), seed_report, name="letter.txt")
    assert result.codes() == ["count"]


def test_a_finished_letter_as_pdf_passes(finished, tmp_path, seed_report):
    [pdf] = soffice_convert([finished], "pdf", tmp_path)
    result = check_letter(pdf, seed_report)
    assert result.clean, result.problems


# --- the other checks, on letters written here ---------------------------------------


def _text_letter(seed_report, **parts) -> str:
    defaults = {
        "subject": "HMIP reports on the inspections of Redcar, Cleveland and Middlesbrough PDU, "
        "North East Region - June 2025",
        "thanks": "Thank you for your inspection report for Redcar, Cleveland and "
        "Middlesbrough PDU, where you made a total of 3 recommendations.",
        "actions": "\n".join(
            f"- {text}"
            for text in [
                "Police and children's services will share domestic abuse call-out "
                "information with practitioners before sentence, agreed by December 2025.",
                "Every new PSO will complete a training pathway on risk before holding "
                "complex cases.",
                "An analysis of the caseload's needs will shape a strategy by March 2026.",
            ]
        ),
        "findings": "- Staff felt supported by their managers.\n- Leaders knew the community well.",
        "signature": "Jane Roberts Area Executive Director - North East",
    }
    defaults.update(parts)
    return (
        "Martin Jones\nHM Chief Inspector of Probation\n\n1 August 2025\n\nDear Martin,\n\n"
        f"{defaults['subject']}\n\n{defaults['thanks']}\n\n"
        "In respect of the recommendations, steps will be taken. This will include the "
        f"following.\n\n{defaults['actions']}\n\n"
        "I am encouraged that positive outcomes were reported and note the following.\n\n"
        f"{defaults['findings']}\n\nI remain committed to progress.\n\nKind regards\n\n"
        f"{defaults['signature']}\n"
    )


def _check_text(text: str, report, review=None):
    return check_letter_bytes(text.encode(), report, name="letter.txt", review=review)


def test_a_letter_written_here_passes(seed_report):
    assert _check_text(_text_letter(seed_report), seed_report).clean


def test_a_subject_naming_another_unit_and_region_is_a_problem(seed_report):
    text = _text_letter(
        seed_report,
        subject="HMIP reports on the inspections of Gwent PDU, Wales Region - June 2025",
    )
    result = _check_text(text, seed_report)
    subject = [i for i in result.problems if i.code == "subject"]
    assert subject and "Gwent PDU" in subject[0].message and "Wales" in subject[0].message


def test_thanks_for_another_unit_is_a_problem(seed_report):
    text = _text_letter(
        seed_report,
        thanks="Thank you for your inspection report for Sunderland PDU, where you made a "
        "total of 3 recommendations.",
    )
    assert "thanks" in _check_text(text, seed_report).codes()


def test_no_positive_findings_is_a_problem(seed_report):
    text = _text_letter(seed_report, findings="")
    text = text.replace(
        "I am encouraged that positive outcomes were reported and note the following.\n\n", ""
    )
    assert "no_findings" in _check_text(text, seed_report).codes()


def test_no_signatory_is_a_problem(seed_report):
    text = _text_letter(seed_report, signature="")
    assert "signatory" in _check_text(text, seed_report).codes()


def test_a_police_force_of_another_region_is_a_problem(seed_report):
    actions = "- Gwent Police will share call-out data with practitioners weekly.\n" + (
        "\n".join(_text_letter(seed_report).split("following.\n\n")[1].split("\n")[1:3])
    )
    result = _check_text(_text_letter(seed_report, actions=actions), seed_report)
    police = [i for i in result.problems if i.code == "police"]
    assert police and police[0].quote == "Gwent Police"
    assert "Wales" in police[0].message


def test_a_recommendation_said_to_be_not_agreed_needs_no_bullet(seed_report):
    base = _text_letter(seed_report)
    first, second, third = base.split("following.\n\n")[1].split("\n\n")[0].split("\n")
    text = base.replace(second + "\n", "").replace(
        "steps will be taken.",
        "steps will be taken. Recommendation 2 is not agreed because "
        "the work is already planned nationally.",
    )
    assert "unanswered" not in _check_text(text, seed_report).codes()
    assert "unanswered" in _check_text(base.replace(second + "\n", ""), seed_report).codes()


def test_a_review_file_marking_a_recommendation_not_agreed_excuses_it(seed_report):
    from drafter.review.file import ReviewDecision, ReviewFile

    base = _text_letter(seed_report)
    second = base.split("following.\n\n")[1].split("\n")[1]
    rec = seed_report.recommendations[1]
    review = ReviewFile(
        "",
        seed_report.unit,
        decisions=[
            ReviewDecision(
                rec.number, rec.addressee, rec.text, status="decided", agreement="Not agreed"
            )
        ],
    )
    text = base.replace(second + "\n", "")
    assert "unanswered" not in _check_text(text, seed_report, review).codes()


def test_a_start_date_in_the_past_is_not_a_commitment(seed_report):
    actions = (
        "- Since April 2024 the PDU has run a weekly call-out meeting with police.\n"
        "- Every new PSO will complete a training pathway on risk.\n"
        "- An analysis of the caseload's needs will shape a strategy by March 2026."
    )
    result = _check_text(_text_letter(seed_report, actions=actions), seed_report)
    assert "past_date" not in result.codes()


# --- usage errors ---------------------------------------------------------------------


def test_a_missing_letter_is_a_usage_error_exit_2(tmp_path):
    result = run("check", str(tmp_path / "nope.docx"), "--report", str(SEED_REPORT))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert [line for line in result.output.splitlines() if line.startswith("Error:")]


def test_the_report_is_required_exit_2(tmp_path):
    letter = tmp_path / "l.txt"
    letter.write_text("Dear Martin,\n", encoding="utf-8")
    result = run("check", str(letter))
    assert result.exit_code == 2
    assert "--report" in result.output


def test_a_letter_given_as_the_report_is_a_usage_error_exit_2(finished, tmp_path):
    text = tmp_path / "letter.txt"
    text.write_text(_letter_text(finished), encoding="utf-8")
    result = run("check", str(finished), "--report", str(text))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_help_has_an_example():
    result = run("check", "--help")
    assert result.exit_code == 0
    assert "drafter check letter.docx --report report.pdf" in result.output


# --- letters drafted through the library API ------------------------------------------


def _welsh_plan(action_texts: list[str]):
    from drafter.core.model import (
        Candidate,
        Finding,
        LibraryAction,
        Recommendation,
        RecommendationMatch,
        Report,
    )
    from drafter.letter.plan import build_plan

    report = Report(
        kind="pdu",
        unit="Gwent PDU",
        region="Wales",
        fieldwork="March 2026",
        overall_rating="Good",
        recommendations=[
            Recommendation(i, "Gwent PDU", f"improve practice in area {i}")
            for i in range(1, len(action_texts) + 1)
        ],
        strengths=[Finding("1.1", f"Staff valued strength number {i}.") for i in range(1, 4)],
        chief_inspector="Rhian Pryce",
    )
    matches = [
        RecommendationMatch(
            rec,
            [
                Candidate(
                    LibraryAction(
                        id=10 + n,
                        text=text,
                        unit="Stockton and Hartlepool PDU",
                        region="North East",
                        committed_on=date(2025, 7, 24),
                    ),
                    80,
                    "",
                )
            ],
        )
        for n, (rec, text) in enumerate(zip(report.recommendations, action_texts, strict=True))
    ]
    return report, build_plan(report, matches)


def _signed(document) -> bytes:
    import io

    for paragraph in document.paragraphs:
        for run_ in paragraph.runs:
            if run_.text in FILL:
                run_.text = FILL[run_.text]
                run_.font.highlight_color = None
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_one_bullet_answering_two_recommendations_answers_both():
    from drafter.letter.document import compose_letter
    from drafter.letter.settings import Config

    shared = "Managers will audit twenty cases a month and report the findings to staff."
    report, plan = _welsh_plan([shared, shared, "Staff will attend training on risk."])
    composed = compose_letter(plan, Config(), letter_date=date(2026, 5, 1))
    result = check_letter_bytes(_signed(composed.document), report, name="l.docx")
    assert "unanswered" not in result.codes(), result.problems


def test_a_carried_over_name_left_highlighted_and_then_unhighlighted_is_caught():
    from drafter.letter.document import compose_letter
    from drafter.letter.settings import Config

    report, plan = _welsh_plan(
        ["Cleveland Police will share call-out data with practitioners every week."]
    )
    composed = compose_letter(plan, Config(), letter_date=date(2026, 5, 1))
    data = _signed(composed.document)
    result = check_letter_bytes(data, report, name="l.docx")
    carried = [i for i in result.problems if i.code == "carried_over"]
    assert [i.quote for i in carried] == ["Cleveland Police"]
    assert "Stockton and Hartlepool PDU, 24 July 2025" in carried[0].message
    # The editor removes the highlight but not the name: the reference list still knows.
    import io

    document = docx.Document(io.BytesIO(data))
    for paragraph in document.paragraphs:
        for run_ in paragraph.runs:
            run_.font.highlight_color = None
    result = check_letter_bytes(_signed(document), report, name="l.docx")
    police = [i for i in result.problems if i.code == "police"]
    assert [i.quote for i in police] == ["Cleveland Police"]
    assert "North East" in police[0].message


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "Dear Martin,",
                    "Kind regards",
                    "- [Action]",
                    "- Work will finish by March 2020.",
                    "Thank you for your report for Gwent PDU, where you made 2 recommendations.",
                    "Recommendation 1 is not agreed.",
                    "- Cleveland Police and Hartlepool Borough Council will meet Dr Ann Lee.",
                    "1 August 2025",
                ]
            ),
            st.text(max_size=60),
        ),
        max_size=15,
    )
)
@example(["RATINGS"])  # reads as a report's heading: "not a response letter"
def test_any_text_letter_gives_a_result_never_an_exception(seed_report, lines):
    """Whatever a person typed, check answers with issues, or a one-line
    error for a file that is not text at all; never a crash."""
    from drafter.core.errors import InputFileError, NotALetterError

    try:
        result = check_letter_bytes("\n\n".join(lines).encode(), seed_report, name="l.txt")
    except NotALetterError as exc:
        assert "not a response letter" in str(exc) or "action plan" in str(exc)
        return
    except InputFileError as exc:
        assert "\x00" in "".join(lines) and "Check the letter" in str(exc)
        return
    for issue in result.issues:
        assert issue.severity in ("problem", "warning")
        assert issue.paragraph is None or issue.paragraph >= 1


def test_a_regional_letter_may_name_its_own_regions_pdus_but_not_others():
    from drafter.core.model import Recommendation, Report

    report = Report(
        kind="region",
        unit="Wales region",
        region="Wales",
        recommendations=[Recommendation(1, "The Regional Probation Director", "improve training")],
        chief_inspector="Rhian Pryce",
    )
    text = (
        "Rhian Pryce\n\n1 August 2025\n\nDear Rhian,\n\nHMIP report on the inspection of "
        "probation services in Wales Region - June 2025\n\nThank you for your inspection report "
        "for the Wales region, where you made a single recommendation.\n\nSteps will be taken. "
        "This will include the following.\n\n- Gwent PDU and Cardiff and the Vale PDU will "
        "share their training plan with Leeds PDU by March 2026.\n\nI note the following.\n\n"
        "- Staff were proud of their work.\n\nKind regards\n\nJane Roberts Regional Probation "
        "Director\n"
    )
    result = check_letter_bytes(text.encode(), report, name="l.txt")
    assert [i.quote for i in result.problems if i.code == "other_unit"] == ["Leeds PDU"]


def test_a_unit_missing_from_the_reference_list_is_still_another_unit(seed_report):
    actions = (
        "- Police and children's services will share call-out information, agreed by "
        "December 2025, as Calderholme PDU does.\n"
        "- Every new PSO will complete a training pathway on risk.\n"
        "- An analysis of the caseload's needs will shape a strategy by March 2026."
    )
    result = _check_text(_text_letter(seed_report, actions=actions), seed_report)
    assert [i.quote for i in result.problems if i.code == "other_unit"] == ["Calderholme PDU"]


def test_an_inspection_report_given_as_the_letter_is_a_usage_error_exit_2(shared_dir):
    result = run("check", str(SEED_REPORT), "--report", str(SEED_REPORT))
    assert result.exit_code == 2
    assert "is not a response letter: it looks like an inspection report" in result.output
    assert "Traceback" not in result.output


def test_an_action_plan_given_as_the_letter_is_a_usage_error_exit_2(tmp_path, shared_dir):
    plan = tmp_path / "plan.docx"
    draft_letter(SEED_REPORT, plan, library=Library(), output_format="action-plan")
    result = run("check", str(plan), "--report", str(SEED_REPORT))
    assert result.exit_code == 2
    assert "is an action plan, not a letter" in result.output
