"""The response letter (and the action-plan table) as a Word document.

The words come from the Jinja2 templates in ``letter_templates/`` (rendered in
a sandbox, see :mod:`drafter.letter.templates`); this module only lays them out with
python-docx: A4, Arial, real Word bullets (a numbering definition, not a typed
"•"), the styles Word users know ("Normal", "List Bullet"), and Word comments
telling the editor where each action came from and what still needs them.

Templates mark bold text and placeholders with ``bold()`` and
``placeholder()``; those return text wrapped in control characters that can
never reach a Word document (they are invalid in XML), so the marking can
never be confused with the report's own text. Every other value a template
prints has control characters removed.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_COLOR_INDEX
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.parts.numbering import NumberingPart
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from jinja2 import Template
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.sandbox import SandboxedEnvironment

from drafter.core.dates import long_date
from drafter.core.errors import TemplateError
from drafter.core.lazy import lazy_compile
from drafter.core.model import PlannedAction, PlannedResponse, Recommendation, ResponsePlan
from drafter.core.names import KIND_LABELS
from drafter.letter.plan import (
    MIN_FINDINGS,
    flagged_dates,
    flagged_names,
    own_target_date,
    select_positive_findings,
)
from drafter.letter.settings import Config, Signatory
from drafter.letter.templates import GuardedSandbox, problem_sentence, template_environment

COMMENT_AUTHOR = "drafter"
COMMENT_INITIALS = "D"
BODY_FONT = "Arial"
BODY_SIZE = Pt(11)
PAGE_WIDTH, PAGE_HEIGHT = Cm(21.0), Cm(29.7)
MARGIN = Cm(2.54)
BULLET_STYLE = "List Bullet"
#: On a letterhead, the letter's paragraphs take a style of drafter's own, so
#: the letter gets its font and spacing without restyling the letterhead's
#: header and footer (which use its "Normal").
LETTERHEAD_BODY_STYLE = "Letter Text"
BODY_SPACE_AFTER = Pt(8)
BULLET_SPACE_AFTER = Pt(4)
NOT_AGREED = "Not agreed"
#: Words before a name that are not the first name ("Dr Jane Smith" is "Jane").
HONORIFICS = frozenset(
    {
        *("dr", "doctor", "sir", "dame", "professor", "prof", "lord", "lady", "hon"),
        *("mr", "mrs", "ms", "miss", "mx", "rev", "revd", "reverend"),
    }
)
LETTER_TEMPLATE = "letter.j2"
ACTION_PLAN_CELLS = ("recommendation", "agreement", "action", "owner", "target_date")
ACTION_PLAN_TEMPLATE = "action_plan.j2"

_BOLD_START, _BOLD_END = "\x01", "\x02"
_PLACEHOLDER_START, _PLACEHOLDER_NOTE, _PLACEHOLDER_END = "\x03", "\x04", "\x05"
_HIGHLIGHT_START, _HIGHLIGHT_NOTE, _HIGHLIGHT_END = "\x06", "\x07", "\x08"
#: Characters XML 1.0 forbids; python-docx would refuse them.
_CONTROL = lazy_compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MARKUP = lazy_compile(
    rf"{_BOLD_START}(?P<bold>.*?){_BOLD_END}"
    rf"|{_PLACEHOLDER_START}(?P<label>.*?){_PLACEHOLDER_NOTE}(?P<note>.*?){_PLACEHOLDER_END}"
    rf"|{_HIGHLIGHT_START}(?P<marked>.*?){_HIGHLIGHT_NOTE}(?P<why>.*?){_HIGHLIGHT_END}",
    re.DOTALL,
)


#: A reading warning about how many recommendations the report makes.
_COUNT_DOUBT = lazy_compile(r"\brecommendations?\b", re.IGNORECASE)


class _Marked(str):
    """Template output that carries bold/placeholder marks and must keep them."""


def _strip_controls(text: str) -> str:
    return _CONTROL.sub("", text)


def _bold(text: Any) -> _Marked:
    return _Marked(f"{_BOLD_START}{_strip_controls(str(text))}{_BOLD_END}")


def _placeholder(label: Any, note: Any = "") -> _Marked:
    return _Marked(
        f"{_PLACEHOLDER_START}{_strip_controls(str(label))}"
        f"{_PLACEHOLDER_NOTE}{_strip_controls(str(note))}{_PLACEHOLDER_END}"
    )


def _highlight(text: Any, note: Any = "") -> _Marked:
    """Text the editor must check: printed as it is, highlighted in yellow,
    with ``note`` as a Word comment on it (unlike a placeholder, no brackets:
    the words are right unless the editor finds otherwise)."""
    return _Marked(
        f"{_HIGHLIGHT_START}{_strip_controls(str(text))}"
        f"{_HIGHLIGHT_NOTE}{_strip_controls(str(note))}{_HIGHLIGHT_END}"
    )


def _finalize(value: Any) -> Any:
    if isinstance(value, _Marked):
        return value
    return _strip_controls(str(value)) if value is not None else ""


@dataclass(frozen=True)
class AttentionItem:
    """Something in the drafted letter the editor must deal with."""

    kind: str  # "placeholder", "date", "style", "check" (a reading warning)
    label: str
    note: str


@dataclass
class LetterDocument:
    """A drafted document and what in it needs attention."""

    document: DocxDocument
    attention: list[AttentionItem] = field(default_factory=list)
    comment_count: int = 0

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()

    @property
    def placeholders(self) -> list[AttentionItem]:
        return [a for a in self.attention if a.kind == "placeholder"]


def tone_for(rating: str | None) -> str:
    """Which register the letter takes: "positive" for Good or Outstanding,
    "concern" for Inadequate, "mixed" otherwise (including unknown)."""
    if rating in ("Outstanding", "Good"):
        return "positive"
    if rating == "Inadequate":
        return "concern"
    return "mixed"


# --- templates -----------------------------------------------------------------


class _Blocks:
    """Renders named blocks, from the user's template if it has them, else
    from drafter's own."""

    def __init__(self, name: str, template_dir: str | os.PathLike[str] | None) -> None:
        self.environment = template_environment(template_dir)
        self.environment.finalize = _finalize
        self.environment.globals.update(bold=_bold, placeholder=_placeholder, highlight=_highlight)
        self.templates = [self._load(self.environment, name)]
        if template_dir is not None:
            builtin = template_environment(None)
            builtin.finalize = _finalize
            builtin.globals.update(bold=_bold, placeholder=_placeholder, highlight=_highlight)
            self.templates.append(self._load(builtin, name))

    @staticmethod
    def _load(environment: SandboxedEnvironment, name: str) -> Template:
        try:
            return environment.get_template(name)
        except RecursionError:
            raise TemplateError(
                f"The letter template '{name}' nests its expressions or blocks far too deeply.",
                hint="Fix the template, or leave out --template-dir to use drafter's own.",
            ) from None
        except JinjaTemplateError as exc:
            raise TemplateError(
                f"The letter template '{name}' cannot be used: {problem_sentence(exc)}.",
                hint="Fix the template, or leave out --template-dir to use drafter's own.",
            ) from exc

    def render(self, block: str, context: dict[str, Any]) -> str:
        for template in self.templates:
            if block in template.blocks:
                try:
                    pieces = template.blocks[block](template.new_context(dict(context)))
                    environment = template.environment
                    if isinstance(environment, GuardedSandbox):
                        out = environment.render_pieces(pieces)
                    else:
                        out = "".join(pieces)
                # Any failure inside a template (the sandbox's SecurityError, an
                # undefined name, a division by zero in a user's template) is
                # the template's problem, reported as such.
                except Exception as exc:
                    raise TemplateError(
                        f"The template block '{block}' in '{template.name}' failed: "
                        f"{problem_sentence(exc)}.",
                        hint="Fix the template, or leave out --template-dir to use drafter's own.",
                    ) from exc
                return out.strip("\n")
        raise TemplateError(f"No letter template defines the block '{block}'.")


# --- Word document building ------------------------------------------------------


#: A letterhead is a page with a logo: a few hundred KB. Generous limits on
#: the file, on everything in it unzipped, and on any one part.
MAX_LETTERHEAD_BYTES = 20 * 1024 * 1024
MAX_LETTERHEAD_UNZIPPED = 100 * 1024 * 1024
MAX_LETTERHEAD_PART = 25 * 1024 * 1024


def _new_document(letterhead: str | os.PathLike[str] | None) -> tuple[DocxDocument, bool]:
    """A blank A4 document, or the letterhead with its body emptied (its
    header, footer, logo, styles and page set-up are kept)."""
    if letterhead is None:
        document = Document()
        for section in document.sections:
            section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
            for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
                setattr(section, side, MARGIN)
        normal = document.styles["Normal"]
        normal.font.name = BODY_FONT
        normal.font.size = BODY_SIZE
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
        normal.paragraph_format.space_after = BODY_SPACE_AFTER
        return document, False
    from drafter.core.guarded import check_zip_parts, read_guarded

    data = read_guarded(letterhead, MAX_LETTERHEAD_BYTES, error=TemplateError)
    # A letterhead's parts are copied into every letter: one huge part (a
    # 1 GB "picture") must be refused before python-docx reads it whole.
    check_zip_parts(
        data,
        name=f"The letterhead {os.path.basename(letterhead)}",
        max_total=MAX_LETTERHEAD_UNZIPPED,
        max_part=MAX_LETTERHEAD_PART,
        error=TemplateError,
    )
    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for a non-docx
        raise TemplateError(
            f"The letterhead '{letterhead}' is not a Word document (.docx).",
            hint="Open it in Word and save it as a .docx, then try again.",
        ) from exc
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return document, True


def _set_letter_font(style: Any, space_after: Any) -> None:
    style.font.name = BODY_FONT
    style.font.size = BODY_SIZE
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    style.paragraph_format.space_after = space_after


def _letterhead_body_style(document: DocxDocument) -> str:
    """The letter's own paragraph style on a letterhead: Arial 11 with space
    after each paragraph, whatever the letterhead's "Normal" says (a
    LibreOffice letterhead has no space after, so the address lines, date and
    salutation would run together)."""
    styles = document.styles
    try:
        style = styles[LETTERHEAD_BODY_STYLE]
    except KeyError:
        style = styles.add_style(LETTERHEAD_BODY_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles.default(WD_STYLE_TYPE.PARAGRAPH)
    if style.type != WD_STYLE_TYPE.PARAGRAPH:
        raise TemplateError(
            f"The letterhead's '{LETTERHEAD_BODY_STYLE}' style is not a paragraph style.",
            hint="In Word, delete or rename that style in the letterhead, then try again.",
        )
    _set_letter_font(style, BODY_SPACE_AFTER)
    return LETTERHEAD_BODY_STYLE


def _ensure_bullet_style(document: DocxDocument, attention: list[AttentionItem]) -> str:
    """The "List Bullet" paragraph style, added when a letterhead lacks it."""
    styles = document.styles
    try:
        style = styles[BULLET_STYLE]
    except KeyError:
        style = styles.add_style(BULLET_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles.default(WD_STYLE_TYPE.PARAGRAPH)
        style.paragraph_format.space_after = BULLET_SPACE_AFTER
        attention.append(
            AttentionItem(
                "style",
                BULLET_STYLE,
                f"The letterhead has no '{BULLET_STYLE}' style, so drafter added a plain "
                "one; restyle the bullets in Word if they should look different.",
            )
        )
        return BULLET_STYLE
    if style.type != WD_STYLE_TYPE.PARAGRAPH:
        raise TemplateError(
            f"The letterhead's '{BULLET_STYLE}' style is not a paragraph style, so the "
            "letter's bullets cannot use it.",
            hint="In Word, delete or rename that style in the letterhead, then try again.",
        )
    return BULLET_STYLE


def _numbering_element(document: DocxDocument) -> Any:
    part = document.part
    try:
        numbering_part = part.part_related_by(RT.NUMBERING)
    except KeyError:
        # python-docx cannot create a numbering part itself (NumberingPart.new
        # is not implemented), and a letterhead made elsewhere may lack one.
        numbering_part = NumberingPart(
            PackURI("/word/numbering.xml"),
            CT.WML_NUMBERING,
            parse_xml(f"<w:numbering {nsdecls('w')}/>"),
            part.package,
        )
        part.relate_to(numbering_part, RT.NUMBERING)
    return numbering_part.element


def _add_bullet_numbering(document: DocxDocument) -> int:
    """Add a one-level bullet list definition and return its numId."""
    numbering = _numbering_element(document)
    abstracts = numbering.findall(qn("w:abstractNum"))
    abstract_ids = [int(a.get(qn("w:abstractNumId"))) for a in abstracts]
    num_ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    abstract_id = max(abstract_ids, default=-1) + 1
    num_id = max(num_ids, default=0) + 1
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        '<w:multiLevelType w:val="hybridMultilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
        '<w:lvlText w:val="\u2022"/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr>'
        f'<w:rPr><w:rFonts w:ascii="{BODY_FONT}" w:hAnsi="{BODY_FONT}" w:hint="default"/></w:rPr>'
        "</w:lvl></w:abstractNum>"
    )
    num = parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>'
    )
    # Schema order: every abstractNum, then every num, then Word's optional
    # numIdMacAtCleanup. Word asks to "repair" a file that breaks it.
    first_num = numbering.find(qn("w:num"))
    cleanup = numbering.find(qn("w:numIdMacAtCleanup"))
    if first_num is not None:
        first_num.addprevious(abstract)
    elif cleanup is not None:
        cleanup.addprevious(abstract)
    else:
        numbering.append(abstract)
    if cleanup is not None:
        cleanup.addprevious(num)
    else:
        numbering.append(num)
    return num_id


def _make_bullet(paragraph: Paragraph, num_id: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id


@dataclass
class _Placed:
    """A placeholder run written into the document, awaiting its comment."""

    run: Run
    label: str
    note: str
    #: Highlighted words to check (``highlight()``), not a "[…]" to fill in.
    check: bool = False


class _Writer:
    """Writes marked-up template output into paragraphs."""

    def __init__(
        self,
        document: DocxDocument,
        attention: list[AttentionItem],
        body_style: str | None = None,
    ) -> None:
        self.document = document
        self.attention = attention
        self.comment_count = 0
        self.body_style = body_style

    def comment(self, runs: Sequence[Run], text: str) -> None:
        lines = [line for line in text.strip().splitlines() if line.strip()] or [""]
        comment = self.document.add_comment(
            list(runs), text=_strip_controls(lines[0]), author=COMMENT_AUTHOR,
            initials=COMMENT_INITIALS,
        )  # fmt: skip
        for line in lines[1:]:
            comment.add_paragraph(_strip_controls(line))
        self.comment_count += 1

    def paragraphs(
        self, text: str, style: str | None = None, *, comment_placeholders: bool = True
    ) -> list[tuple[Paragraph, list[Run], list[_Placed]]]:
        """Blank lines separate paragraphs; single line breaks stay inside one."""
        written = []
        for chunk in re.split(r"\n\s*\n", text.strip("\n")):
            if not chunk.strip():
                continue
            paragraph = self.document.add_paragraph(style=style or self.body_style)
            runs, placed = self.fill(paragraph, chunk.strip("\n"))
            if comment_placeholders:
                self.comment_placed(placed)
            written.append((paragraph, runs, placed))
        return written

    def comment_placed(self, placed: Sequence[_Placed]) -> None:
        for item in placed:
            self.comment([item.run], item.note or "Fill this in.")

    def fill(self, paragraph: Paragraph, text: str) -> tuple[list[Run], list[_Placed]]:
        runs: list[Run] = []
        placed: list[_Placed] = []
        position = 0
        for found in _MARKUP.finditer(text):
            runs += self._plain(paragraph, text[position : found.start()])
            if found.group("bold") is not None:
                runs += self._plain(paragraph, found.group("bold"), bold=True)
            elif found.group("marked") is not None:
                marked = _strip_controls(found.group("marked"))
                run = paragraph.add_run(marked)
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
                runs.append(run)
                placed.append(_Placed(run, marked, found.group("why"), check=True))
            else:
                label, note = found.group("label"), found.group("note")
                run = paragraph.add_run(f"[{_strip_controls(label)}]")
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
                runs.append(run)
                placed.append(_Placed(run, label, note))
                self.attention.append(AttentionItem("placeholder", label, note))
            position = found.end()
        runs += self._plain(paragraph, text[position:])
        return runs, placed

    @staticmethod
    def _plain(paragraph: Paragraph, text: str, bold: bool = False) -> list[Run]:
        text = _strip_controls(text)
        if not text:
            return []
        runs = []
        for index, line in enumerate(text.split("\n")):
            run = paragraph.add_run(line.strip() if "\n" in text else line)
            if bold:
                run.bold = True
            if index:
                run._r.addprevious(parse_xml(f"<w:r {nsdecls('w')}><w:br/></w:r>"))
            runs.append(run)
        return runs


# --- the letter ------------------------------------------------------------------


@dataclass
class _Bullet:
    """One action bullet and every recommendation it answers."""

    action: PlannedAction
    answers: list[Recommendation]
    decided: bool
    #: The agreement recorded for each recommendation in ``answers`` (or None).
    agreements: list[str | None] = field(default_factory=list)
    #: A person chose it (see PlannedResponse.reviewed), and who and when.
    reviewed: bool = False
    reviewed_by: str | None = None
    reviewed_on: str | None = None


def is_not_agreed(response: PlannedResponse) -> bool:
    return (response.agreement or "").strip().casefold() == NOT_AGREED.casefold()


def _action_bullets(responses: Sequence[PlannedResponse]) -> list[_Bullet]:
    """The bullets in recommendation order; an action chosen for several
    recommendations is committed to once, its comment naming them all. A
    recommendation that is not agreed gets no bullet: the letter must not
    commit to acting on it (the action plan still lists it)."""
    bullets: list[_Bullet] = []
    by_text: dict[str, _Bullet] = {}
    for response in responses:
        if is_not_agreed(response):
            continue
        for action in response.actions:
            key = " ".join(action.text.lower().split())
            if not action.placeholder and key in by_text:
                by_text[key].answers.append(response.recommendation)
                by_text[key].agreements.append(response.agreement)
                continue
            bullet = _Bullet(
                action,
                [response.recommendation],
                response.decided,
                [response.agreement],
                reviewed=response.reviewed,
                reviewed_by=response.reviewed_by,
                reviewed_on=_review_day(response.reviewed_at),
            )
            bullets.append(bullet)
            if not action.placeholder:
                by_text[key] = bullet
    return bullets


def _review_day(stamp: str | None) -> str | None:
    """ "2026-12-03T09:14:00+00:00" -> "3 December 2026" (None if unreadable)."""
    if not stamp:
        return None
    try:
        return long_date(date.fromisoformat(stamp[:10]))
    except ValueError:
        return None


def first_name(full_name: str | None) -> str | None:
    """The first name to greet someone by: "Dr Jane Smith-Jones" is "Jane".
    None when the name is only titles (or empty)."""
    for word in (full_name or "").split():
        if word.strip(".,").casefold() not in HONORIFICS:
            return word.strip(",")
    return None


def _month_year(plan: ResponsePlan) -> str | None:
    report = plan.report
    if report.fieldwork:
        return report.fieldwork
    if report.publication_date:
        try:
            return f"{date.fromisoformat(report.publication_date):%B %Y}"
        except ValueError:
            return None
    return None


def _letter_context(plan: ResponsePlan, config: Config, letter_date: date) -> dict[str, Any]:
    report = plan.report
    region = report.region
    chief = (report.chief_inspector or "").strip() or None
    return {
        "report": report,
        "unit": report.display_name,
        "region": region,
        "month_year": _month_year(plan),
        "chief_inspector": chief,
        "first_name": first_name(chief),
        "config": config,
        "signatory": config.signatory_for(region),
        # What the settings give, even when only part of it is filled in.
        "signer": config.signatory_entry_for(region) or Signatory(),
        "settings_file": str(config.source) if config.source is not None else None,
        # Numbering can restart per addressee: then "recommendation 1" alone is
        # ambiguous and the letter names the addressee too.
        "numbers_unique": len({r.number for r in report.recommendations})
        == len(report.recommendations),
        "letter_date": long_date(letter_date),
        "recommendation_count": len(report.recommendations),
        "action_count": sum(len(r.actions) for r in plan.responses),
        "tone": tone_for(report.overall_rating),
        "not_agreed": [
            {
                "number": r.recommendation.number,
                "addressee": r.recommendation.addressee,
                "text": r.recommendation.text,
                "note": r.note,
            }
            for r in plan.responses
            if is_not_agreed(r)
        ],
        "agreed_count": sum(1 for r in plan.responses if not is_not_agreed(r)),
        "warnings": list(report.warnings),
        # What the reader doubted about the number of recommendations.
        "count_warnings": [w for w in report.warnings if _COUNT_DOUBT.search(w)],
    }


def compose_letter(
    plan: ResponsePlan,
    config: Config | None = None,
    *,
    letter_date: date | None = None,
    letterhead: str | os.PathLike[str] | None = None,
    template_dir: str | os.PathLike[str] | None = None,
) -> LetterDocument:
    """Build the letter as a python-docx Document, with what needs attention."""
    config = config or Config()
    blocks = _Blocks(LETTER_TEMPLATE, template_dir)
    document, from_letterhead = _new_document(letterhead)
    attention: list[AttentionItem] = []
    bullet_style = _ensure_bullet_style(document, attention)
    body_style = None
    if from_letterhead:
        body_style = _letterhead_body_style(document)
        _set_letter_font(document.styles[bullet_style], BULLET_SPACE_AFTER)
    num_id = _add_bullet_numbering(document)
    writer = _Writer(document, attention, body_style)
    context = _letter_context(plan, config, letter_date or date.today())
    for note in ("missing_signatory_note", "missing_title_note", "missing_area_note"):
        context[note] = blocks.render(note, context)
    context["count_warnings_comment"] = (
        blocks.render("count_warnings_comment", context) if context["count_warnings"] else ""
    )

    def block(name: str, **extra: Any) -> str:
        return blocks.render(name, {**context, **extra})

    for name in ("recipient", "sender", "date", "salutation"):
        writer.paragraphs(block(name))
    for _paragraph, runs, _ in writer.paragraphs(block("subject")):
        for run in runs:
            run.bold = True
    thanks = writer.paragraphs(block("thanks"))
    if plan.report.warnings and thanks:
        # What the reader doubted about the report is checked where the
        # letter relies on it: a doubted count is highlighted where the letter
        # states it (the template's highlight()), anything else is a comment on
        # the thanks paragraph.
        shown = any(p.check for _p, _runs, placed in thanks for p in placed)
        rest = [w for w in plan.report.warnings if not (shown and w in context["count_warnings"])]
        if rest:
            runs = [run for _p, paragraph_runs, _ in thanks for run in paragraph_runs]
            writer.comment(runs, block("warnings_comment", warnings=rest))
        for warning in plan.report.warnings:
            attention.append(AttentionItem("check", "Check the report", warning))
    writer.paragraphs(block("commitment"))
    for bullet in _action_bullets(plan.responses):
        _write_action_bullet(writer, blocks, context, bullet, bullet_style, num_id)
    if not plan.report.recommendations:
        for paragraph, _runs, _placed in writer.paragraphs(
            block("unread_recommendations_placeholder"), bullet_style
        ):
            _make_bullet(paragraph, num_id)
    writer.paragraphs(block("acknowledgement"))
    findings = select_positive_findings(plan.report)
    for finding in findings:
        paragraph = document.add_paragraph(style=bullet_style)
        writer.fill(paragraph, _strip_controls(finding))
        _make_bullet(paragraph, num_id)
    # Too few findings to choose from: placeholders up to the usual three, or
    # a single one when the report gave nothing at all to draw on.
    wanted = MIN_FINDINGS if plan.report.strengths or plan.report.foreword else 1
    for _ in range(len(findings), wanted):
        for paragraph, _runs, _placed in writer.paragraphs(
            block("finding_placeholder"), bullet_style
        ):
            _make_bullet(paragraph, num_id)
    for name in ("assurance", "sign_off", "signature", "cc"):
        writer.paragraphs(block(name))
    return LetterDocument(document, attention, writer.comment_count)


def _write_action_bullet(
    writer: _Writer,
    blocks: _Blocks,
    context: dict[str, Any],
    bullet: _Bullet,
    style: str,
    num_id: int,
) -> None:
    action = bullet.action
    extra = {
        "action": action,
        "answers": bullet.answers,
        "decided": bullet.decided,
        "agreements": bullet.agreements,
        "reviewed": bullet.reviewed,
        "reviewed_by": bullet.reviewed_by,
        "reviewed_on": bullet.reviewed_on,
    }
    comment_text = blocks.render("action_comment", {**context, **extra})
    if action.placeholder:
        text = blocks.render(
            "action_placeholder",
            {**context, **extra, "recommendation": bullet.answers[0]},
        )
        for paragraph, runs, placed in writer.paragraphs(text, style, comment_placeholders=False):
            _make_bullet(paragraph, num_id)
            notes = "\n".join(p.note for p in placed if p.note)
            writer.comment(runs, f"{comment_text}\n{notes}")
        return
    paragraph = writer.document.add_paragraph(style=style)
    _make_bullet(paragraph, num_id)
    text = _strip_controls(action.text)
    # Every flagged stretch (a date, a name carried over) is its own highlighted
    # run; the runs are all built before any comment is anchored on them.
    flagged: dict[str, tuple[str, str]] = {d: ("date", "") for d in flagged_dates(action)}
    for kind, name in flagged_names(action):
        flagged.setdefault(name, ("name", kind))
    runs: list[Run] = []
    marked: list[tuple[Run, str, str, str]] = []
    if flagged:
        pattern = re.compile(
            "|".join(
                rf"(?<![\w-]){re.escape(f)}(?![\w-])" if flagged[f][0] == "name" else re.escape(f)
                for f in sorted(flagged, key=len, reverse=True)
            )
        )
        position = 0
        for found in pattern.finditer(text):
            if found.start() > position:
                runs.append(paragraph.add_run(text[position : found.start()]))
            run = paragraph.add_run(found.group(0))
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
            runs.append(run)
            what, kind = flagged[found.group(0)]
            marked.append((run, found.group(0), what, kind))
            position = found.end()
        if position < len(text):
            runs.append(paragraph.add_run(text[position:]))
    else:
        runs.append(paragraph.add_run(text))
    writer.comment(runs, comment_text)
    source = action.source_label or "another unit's letter"
    for run, found_text, what, kind in marked:
        if what == "date":
            writer.attention.append(
                AttentionItem("date", found_text, "a date from the original letter")
            )
            writer.comment([run], blocks.render("date_comment", {**context, "date": found_text}))
            continue
        writer.attention.append(
            AttentionItem("name", found_text, f"{KIND_LABELS.get(kind, 'a name')} from {source}")
        )
        writer.comment(
            [run],
            blocks.render(
                "name_comment",
                {
                    **context,
                    "name": found_text,
                    "kind": kind,
                    "kind_label": KIND_LABELS.get(kind, "a name"),
                    "source": source,
                },
            ),
        )


def render_letter(
    plan: ResponsePlan,
    config: Config | None = None,
    *,
    letter_date: date | None = None,
    letterhead: str | os.PathLike[str] | None = None,
    template_dir: str | os.PathLike[str] | None = None,
) -> bytes:
    """The letter as .docx bytes. See :func:`compose_letter`."""
    return compose_letter(
        plan, config, letter_date=letter_date, letterhead=letterhead, template_dir=template_dir
    ).to_bytes()


# --- the action plan -------------------------------------------------------------


def compose_action_plan(
    plan: ResponsePlan,
    config: Config | None = None,
    *,
    letterhead: str | os.PathLike[str] | None = None,
    template_dir: str | os.PathLike[str] | None = None,
) -> LetterDocument:
    """The HMPPS action plan: one table row per recommendation with whether it
    is agreed, the actions, the owner and the target date."""
    config = config or Config()
    blocks = _Blocks(ACTION_PLAN_TEMPLATE, template_dir)
    # The comments on flagged dates and names are worded as in the letter.
    comment_blocks = _Blocks(LETTER_TEMPLATE, template_dir)
    flag_notes: dict[str, tuple[str, str]] = {}
    document, from_letterhead = _new_document(letterhead)
    if not from_letterhead:
        for section in document.sections:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = PAGE_HEIGHT, PAGE_WIDTH
    attention: list[AttentionItem] = []
    attention += [AttentionItem("check", "Check the report", w) for w in plan.report.warnings]
    body_style = _letterhead_body_style(document) if from_letterhead else None
    writer = _Writer(document, attention, body_style)
    context = _letter_context(plan, config, date.today())
    for _paragraph, runs, _ in writer.paragraphs(blocks.render("title", context)):
        for run in runs:
            run.bold = True
    writer.paragraphs(blocks.render("intro", context))
    headings = [h.strip() for h in blocks.render("columns", context).splitlines() if h.strip()]
    table = document.add_table(rows=1, cols=len(headings))
    with contextlib.suppress(KeyError):  # a letterhead without it keeps a plain table
        table.style = document.styles["Table Grid"]
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(heading).bold = True
    for response in plan.responses:
        row_context = {
            **context,
            "response": response,
            "recommendation": response.recommendation,
            "actions": response.actions,
            "default_owner": config.default_action_owner,
            # Not agreed and nothing chosen: the row says so rather than
            # asking for an action and a date that will never exist.
            "no_action_follows": is_not_agreed(response)
            and all(a.placeholder for a in response.actions),
        }
        own = own_target_date(response, date.today())
        row_context["flagged"] = lambda action: _flagged_text(
            action, comment_blocks, context, flag_notes
        )
        row_context["action_target"] = long_date(own.due) if own else None
        row_context["action_target_phrase"] = own.phrase if own else None
        row_context["action_target_carried_over"] = bool(own and own.carried_over)
        cells = table.add_row().cells
        for cell, column in zip(cells, ACTION_PLAN_CELLS, strict=False):
            text = blocks.render(f"cell_{column}", row_context)
            first = True
            for chunk in re.split(r"\n\s*\n", text.strip("\n")) or [""]:
                paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
                first = False
                _runs, placed = writer.fill(paragraph, chunk.strip("\n"))
                writer.comment_placed(placed)
                for item in placed:
                    if item.check and item.note in flag_notes:
                        kind, note = flag_notes[item.note]
                        attention.append(AttentionItem(kind, item.label, note))
    return LetterDocument(document, attention, writer.comment_count)


def _flagged_text(
    action: PlannedAction,
    blocks: _Blocks,
    context: dict[str, Any],
    notes: dict[str, tuple[str, str]],
) -> _Marked:
    """An action's text with its flagged dates and carried-over names
    highlighted and commented, as in the letter (for the action plan's cells).
    ``blocks`` word the comments (the letter's templates); ``notes`` collects,
    by comment text, the attention kind and summary note of each flag."""
    text = _strip_controls(action.text)
    flagged: dict[str, tuple[str, str]] = {d: ("date", "") for d in flagged_dates(action)}
    for kind, name in flagged_names(action):
        flagged.setdefault(name, ("name", kind))
    if action.placeholder or not flagged:
        return _Marked(text)
    source = action.source_label or "another unit's letter"
    pattern = re.compile(
        "|".join(
            rf"(?<![\w-]){re.escape(f)}(?![\w-])" if flagged[f][0] == "name" else re.escape(f)
            for f in sorted(flagged, key=len, reverse=True)
        )
    )
    parts: list[str] = []
    position = 0
    for found in pattern.finditer(text):
        parts.append(text[position : found.start()])
        what, kind = flagged[found.group(0)]
        if what == "date":
            note = blocks.render("date_comment", {**context, "date": found.group(0)})
            notes[note] = ("date", "a date from the original letter")
        else:
            label = KIND_LABELS.get(kind, "a name")
            note = blocks.render(
                "name_comment",
                {**context, "name": found.group(0), "kind": kind, "kind_label": label,
                 "source": source},
            )  # fmt: skip
            notes[note] = ("name", f"{label} from {source}")
        parts.append(_highlight(found.group(0), note))
        position = found.end()
    parts.append(text[position:])
    return _Marked("".join(parts))


def render_action_plan(
    plan: ResponsePlan,
    config: Config | None = None,
    *,
    letterhead: str | os.PathLike[str] | None = None,
    template_dir: str | os.PathLike[str] | None = None,
) -> bytes:
    """The action-plan table as .docx bytes. See :func:`compose_action_plan`."""
    return compose_action_plan(
        plan, config, letterhead=letterhead, template_dir=template_dir
    ).to_bytes()


__all__ = [
    "AttentionItem",
    "LetterDocument",
    "compose_action_plan",
    "compose_letter",
    "first_name",
    "is_not_agreed",
    "long_date",
    "render_action_plan",
    "render_letter",
    "tone_for",
]


def check_letterhead(path: str | os.PathLike[str]) -> None:
    """Refuse a letterhead drafter cannot draft on, with the message a draft
    with ``--letterhead`` would give (:class:`TemplateError`)."""
    _new_document(path)
