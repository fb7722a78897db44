"""What is wrong with an edited response letter, and where.

:func:`check_letter` reads the letter (.docx, .pdf or .txt) and the report it
answers and returns a :class:`CheckResult`: one :class:`CheckIssue` per
problem, each saying where it is (the paragraph's number, counting the
letter's non-empty paragraphs from 1, and the words in question). Problems
must be fixed before the letter is sent; warnings are worth a look.

What is checked:

* the number of recommendations the letter states against the report's;
* that every recommendation is answered by a bullet (tied to recommendations
  as ``drafter archive`` ties them) or said to be not agreed;
* placeholders ("[Signatory's name]") and, in Word, text still highlighted as
  drafter marks what to check;
* another unit's or region's name, a police force of another region, and
  names carried over from the letters the actions came from;
* commitment dates before the letter's own date;
* the signatory, the subject and thanks naming this unit and region, and the
  positive findings.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drafter.archive.paragraphs import (
    Paragraph,
    decode_text,
    detect_format,
    docx_paragraphs,
    open_docx,
    pdf_paragraphs,
    text_paragraphs,
)
from drafter.archive.recognise import recognise
from drafter.archive.sent_letter import MAX_LETTER_BYTES, SentLetter, parse_letter
from drafter.core.dates import extract_due_date, long_date
from drafter.core.errors import InputFileError, NotALetterError
from drafter.core.fileio import read_input_bytes
from drafter.core.names import (
    KIND_LABELS,
    find_bodies,
    find_people,
    find_places,
    find_police,
    find_regions,
    find_units,
    place_words,
    resolve_overlaps,
    same_name,
)
from drafter.core.normalise import COUNT_WORDS
from drafter.core.regions import region_for_unit

if TYPE_CHECKING:
    from drafter.core.model import Report
    from drafter.review.file import ReviewFile

#: How sure check is: a problem must be fixed before sending, a warning is
#: worth a look.
PROBLEM, WARNING = "problem", "warning"

_PLACEHOLDER_RE = re.compile(r"\[[^\[\]\n]{1,2000}\]")
_COUNT_RE = re.compile(
    r"\b(?:a\s+total\s+of\s+)?(?P<count>\d{1,3}|"
    + "|".join(sorted(COUNT_WORDS, key=len, reverse=True))
    + r"|a\s+single|one\s+single)\s+(?:\w+\s+)?recommendations?\b",
    re.IGNORECASE,
)
_NOT_AGREED_RE = re.compile(
    r"\brecommendations?\s+(?P<nums>\d{1,2}(?:\s*(?:,|and|&)\s*\d{1,2})*)\b[^.]{0,120}?"
    r"\b(?:is|are|was|were)\s+not\s+(?:being\s+)?(?:agreed|accepted)\b",
    re.IGNORECASE,
)
#: Drafter's comment on a name carried over ("Carried over from the letter
#: this action came from (Stockton and Hartlepool PDU, 24 July 2025): …").
_CARRIED_RE = re.compile(r"^\s*Carried over from [^(]*\((?P<source>[^)]*)\)", re.IGNORECASE)
#: Drafter's comment on an action: "… Source: Stockton and Hartlepool PDU, 24 July 2025."
_SOURCE_RE = re.compile(r"\bSource:\s*(?P<unit>[^,\n]+?)(?:,\s*\d|\.\s|\.?$)", re.MULTILINE)
#: A date phrase that says when something started, not when it will be done.
_PAST_CUE_RE = re.compile(r"\b(?:since|from|began|begun|started|starting|launched)\s*$", re.I)


@dataclass(frozen=True)
class CheckIssue:
    """One thing wrong with the letter.

    ``code`` says what kind of thing (stable, for programs): "count",
    "unanswered", "placeholder", "highlighted", "carried_over", "other_unit",
    "other_region", "police", "local_body", "person", "past_date", "no_date",
    "signatory", "subject", "thanks", "no_findings", "no_actions",
    "unlinked". ``paragraph`` is the paragraph's number (non-empty paragraphs
    counted from 1; None when the issue is about something missing from the
    whole letter) and ``quote`` the words in question."""

    code: str
    severity: str
    message: str
    paragraph: int | None = None
    quote: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CheckResult:
    """What ``drafter check`` found in one letter."""

    letter_path: str
    report_unit: str
    letter_date: date | None
    recommendations: int
    issues: list[CheckIssue] = field(default_factory=list)

    @property
    def problems(self) -> list[CheckIssue]:
        return [i for i in self.issues if i.severity == PROBLEM]

    @property
    def warnings(self) -> list[CheckIssue]:
        return [i for i in self.issues if i.severity == WARNING]

    @property
    def clean(self) -> bool:
        """No problems (warnings may remain)."""
        return not self.problems

    def codes(self) -> list[str]:
        return [i.code for i in self.problems]

    def to_dict(self) -> dict[str, Any]:
        return {
            "letter": self.letter_path,
            "unit": self.report_unit,
            "letter_date": self.letter_date.isoformat() if self.letter_date else None,
            "recommendations": self.recommendations,
            "clean": self.clean,
            "problems": [i.to_dict() for i in self.problems],
            "warnings": [i.to_dict() for i in self.warnings],
        }


@dataclass(frozen=True)
class _Marked:
    """Highlighted words in a Word paragraph, with the comments on them."""

    paragraph: int  # 1-based, as CheckIssue.paragraph
    text: str
    comments: tuple[str, ...]


@dataclass
class _Letter:
    paragraphs: list[Paragraph]
    marks: list[_Marked]
    letter: SentLetter
    #: Indexes (0-based) of the paragraphs between the salutation and the closing.
    body: range


def check_letter(
    letter_path: str | os.PathLike[str],
    report: Report | str | os.PathLike[str],
    *,
    review: ReviewFile | str | os.PathLike[str] | None = None,
) -> CheckResult:
    """Check the edited letter at ``letter_path`` against ``report`` (a
    :class:`Report` or its file), with the review file's decisions when given
    (recommendations it marks "Not agreed" need no bullet)."""
    data = read_input_bytes(letter_path, MAX_LETTER_BYTES)
    if not isinstance(report, str | os.PathLike):
        report_obj = report
    else:
        from drafter.reading.reader import read_report

        report_obj = read_report(report)
    review_obj = review
    if isinstance(review, str | os.PathLike):
        from drafter.review.file import load_review

        review_obj = load_review(review)
    return check_letter_bytes(
        data,
        report_obj,
        name=Path(letter_path).name,
        review=review_obj,  # type: ignore[arg-type]
        path=str(letter_path),
    )


def check_letter_bytes(
    data: bytes,
    report: Report,
    *,
    name: str = "letter",
    review: ReviewFile | None = None,
    path: str | None = None,
) -> CheckResult:
    """:func:`check_letter` for a letter already in memory (the web front end)."""
    try:
        read = _read(data, name)
    except InputFileError as exc:  # the reader's hint speaks of archiving
        hint = (exc.hint or "").replace("Archive the letter", "Check the letter")
        hint = hint.replace("Archive the .docx", "Check the .docx")
        # Same kind of error (a report given as the letter stays NotALetterError).
        raise type(exc)(exc.message, hint=hint or None) from exc
    letter = read.letter
    result = CheckResult(
        letter_path=path or name,
        report_unit=report.unit,
        letter_date=letter.letter_date,
        recommendations=len(report.recommendations),
    )
    issues = result.issues
    context = _report_text(report)
    issues += _count_issues(read, report)
    issues += _answer_issues(read, report, review)
    issues += _placeholder_issues(read)
    issues += _name_issues(read, report, review, context)
    issues += _date_issues(read)
    issues += _signatory_issues(read)
    issues += _heading_issues(read, report)
    if not letter.positive_findings:
        issues.append(
            CheckIssue(
                "no_findings",
                PROBLEM,
                "The letter acknowledges no positive findings: add the report's strengths as "
                "bullets after a paragraph that notes them.",
            )
        )
    # A carried-over name drafter highlighted is one problem, however many
    # rules would name it.
    carried = {(i.paragraph, i.quote) for i in issues if i.code == "carried_over"}
    # The subject or thanks naming another unit says it once for that paragraph.
    headings = {i.paragraph for i in issues if i.code in ("subject", "thanks")}
    issues = [
        i
        for i in issues
        if i.code == "carried_over"
        or i.code not in _NAME_CODES
        or not ((i.paragraph, i.quote) in carried or i.paragraph in headings)
    ]
    result.issues = sorted(_unique(issues), key=lambda i: i.paragraph or 0)
    return result


_NAME_CODES = frozenset({"other_unit", "other_region", "police", "local_body", "person"})


# --- reading -----------------------------------------------------------------------


def _read(data: bytes, name: str) -> _Letter:
    # The archive's reader of action-plan tables, to tell a plan from a letter.
    from drafter.archive.sent_letter import _docx_action_table

    source_format = detect_format(data, name)
    marks: list[_Marked] = []
    plan_table = False
    if source_format == "docx":
        document = open_docx(data, name)
        paragraphs = docx_paragraphs(document)
        marks = _docx_marks(document)
        plan_table = _docx_action_table(document)[2]
    elif source_format == "pdf":
        paragraphs = pdf_paragraphs(data, name)
    else:
        paragraphs = text_paragraphs(decode_text(data, name))
    kind = recognise(paragraphs, action_plan_table=plan_table)
    if kind.kind in ("inspection report", "minutes"):
        raise NotALetterError(
            f"'{name}' is not a response letter: {kind.reason}.",
            hint="Give the letter drafted in reply to the report as LETTER, and the report "
            "with --report.",
        )
    if kind.kind == "action plan":
        raise NotALetterError(
            f"'{name}' is an action plan, not a letter: drafter check checks letters.",
            hint="Give the response letter drafted with 'drafter draft' (without "
            "--format action-plan).",
        )
    letter = parse_letter(paragraphs)
    letter.source_format = source_format
    letter.file_name = name
    return _Letter(paragraphs, marks, letter, _body_range(paragraphs))


def _body_range(paragraphs: Sequence[Paragraph]) -> range:
    """Between "Dear …," and "Yours sincerely" (the whole letter if not found)."""
    salutation = next(
        (
            i
            for i, p in enumerate(paragraphs)
            if not p.bullet and re.match(r"^\s*dear\s+\S", p.text, re.I)
        ),
        -1,
    )
    closing = next(
        (
            i
            for i, p in enumerate(paragraphs)
            if i > salutation
            and not p.bullet
            and re.match(
                r"^\s*(?:yours\s+(?:sincerely|faithfully|truly)|(?:kind|best|warm)(?:est)?\s+"
                r"regards|regards|best\s+wishes|with\s+(?:best|kind)\s+(?:wishes|regards))\b",
                p.text,
                re.I,
            )
        ),
        len(paragraphs),
    )
    return range(salutation + 1, closing)


def _docx_marks(document: Any) -> list[_Marked]:
    """The highlighted stretches of each paragraph, numbered as
    :func:`docx_paragraphs` numbers paragraphs (non-empty ones, in order), with
    the text of the comments anchored over them."""
    from docx.oxml.ns import qn

    try:
        comments = {str(c.comment_id): c.text for c in document.comments}
    except (AttributeError, KeyError, ValueError):
        comments = {}
    marks: list[_Marked] = []
    number = 0
    for p in document.element.body.iter(qn("w:p")):
        text_parts: list[str] = []
        open_ids: list[str] = []
        current: list[str] = []
        current_ids: set[str] = set()
        found: list[tuple[str, set[str]]] = []
        for node in p.iter():
            tag = node.tag
            if tag == qn("w:commentRangeStart"):
                open_ids.append(node.get(qn("w:id")))
            elif tag == qn("w:commentRangeEnd"):
                ident = node.get(qn("w:id"))
                if ident in open_ids:
                    open_ids.remove(ident)
            elif tag == qn("w:r"):
                if _inside(node, qn("w:del"), p):
                    continue
                run_text = "".join(
                    (t.text or "") if t.tag == qn("w:t") else " "
                    for t in node.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"))
                )
                text_parts.append(run_text)
                rpr = node.find(qn("w:rPr"))
                lit = rpr is not None and rpr.find(qn("w:highlight")) is not None
                if lit and (rpr.find(qn("w:highlight")).get(qn("w:val")) or "") != "none":
                    # A comment on a run's paragraph (a reference inside the run) counts too.
                    refs = {r.get(qn("w:id")) for r in node.iter(qn("w:commentReference"))} - {None}
                    current.append(run_text)
                    current_ids |= set(open_ids) | refs  # type: ignore[arg-type]
                    continue
                if current:
                    found.append(("".join(current), current_ids))
                    current, current_ids = [], set()
        if current:
            found.append(("".join(current), current_ids))
        if not "".join(text_parts).strip():
            continue
        number += 1
        for text, ids in found:
            if text.strip():
                marks.append(
                    _Marked(
                        number,
                        " ".join(text.split()),
                        tuple(comments[i] for i in sorted(ids) if i in comments),
                    )
                )
    return marks


def _inside(node: Any, tag: str, stop: Any) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _report_text(report: Report) -> str:
    """What the report itself says: a name it uses is this unit's business."""
    parts = [report.unit, report.region or "", report.foreword]
    parts += [f.text for f in report.strengths]
    parts += [f.text for f in report.areas_for_improvement]
    parts += [r.text for r in report.recommendations]
    parts += [r.addressee for r in report.recommendations]
    return "\n".join(parts)


def _quote(text: str, width: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _unique(issues: Iterable[CheckIssue]) -> list[CheckIssue]:
    seen: set[tuple[str, int | None, str | None, str]] = set()
    result = []
    for issue in issues:
        key = (issue.code, issue.paragraph, issue.quote, issue.message)
        if key not in seen:
            seen.add(key)
            result.append(issue)
    return result


# --- the checks ----------------------------------------------------------------------


def _count_value(raw: str) -> int | None:
    raw = " ".join(raw.lower().split())
    if raw.isdigit():
        return int(raw)
    if raw in ("a single", "one single"):
        return 1
    return COUNT_WORDS.get(raw)


def _count_issues(read: _Letter, report: Report) -> list[CheckIssue]:
    in_report = len(report.recommendations)
    for index in read.body:
        paragraph = read.paragraphs[index]
        if paragraph.bullet:
            continue
        match = _COUNT_RE.search(paragraph.text)
        if not match:
            continue
        stated = _count_value(match.group("count"))
        if stated is None:
            return []
        if in_report and stated != in_report:
            return [
                CheckIssue(
                    "count",
                    PROBLEM,
                    f"The letter says {stated} recommendation{'' if stated == 1 else 's'} but "
                    f"the report makes {in_report}.",
                    index + 1,
                    " ".join(match.group(0).split()),
                )
            ]
        return []
    if not in_report:
        return []
    return [
        CheckIssue(
            "count",
            WARNING,
            f"The letter does not say how many recommendations the report makes ({in_report}).",
        )
    ]


def _not_agreed(read: _Letter, report: Report, review: ReviewFile | None) -> set[int]:
    """Positions (1-based) of the recommendations the letter or the review
    says are not agreed."""
    positions: set[int] = set()
    numbers = {}
    for position, recommendation in enumerate(report.recommendations, start=1):
        numbers.setdefault(recommendation.number, position)
    for index in read.body:
        for match in _NOT_AGREED_RE.finditer(read.paragraphs[index].text):
            for number in re.findall(r"\d{1,2}", match.group("nums")):
                if int(number) in numbers:
                    positions.add(numbers[int(number)])
    if review is not None:
        from drafter.review.file import recommendation_key

        wanted = {
            recommendation_key(d.recommendation)
            for d in review.decisions
            if (d.agreement or "").strip().casefold() == "not agreed"
        }
        for position, recommendation in enumerate(report.recommendations, start=1):
            if recommendation_key(recommendation.text) in wanted:
                positions.add(position)
    return positions


def _answer_issues(read: _Letter, report: Report, review: ReviewFile | None) -> list[CheckIssue]:
    letter = read.letter
    if not letter.actions:
        return [
            CheckIssue(
                "no_actions",
                PROBLEM,
                "The letter has no action bullets: it commits to nothing for the report's "
                "recommendations.",
            )
        ]
    if not report.recommendations:
        return []
    import dataclasses

    from drafter.archive.store import link_actions

    excused = _not_agreed(read, report, review)
    printed = {p: r.number for p, r in enumerate(report.recommendations, start=1)}
    refused = {printed[p] for p in excused}
    # "Recommendation 2 is not agreed" in the paragraph before the bullets is
    # not a heading saying the bullets answer recommendation 2.
    actions = [
        dataclasses.replace(a, recommendation_numbers=())
        if a.recommendation_text is None
        and a.recommendation_numbers
        and set(a.recommendation_numbers) <= refused
        else a
        for a in letter.actions
    ]
    links = link_actions(dataclasses.replace(letter, actions=actions), report=report, review=review)
    answered = {n for link in links for n in link.numbers} | _answered_in_comments(read, report)
    lead = _actions_lead(read)
    issues = []
    several = len({r.addressee for r in report.recommendations}) > 1
    for position, recommendation in enumerate(report.recommendations, start=1):
        if position in answered or position in excused:
            continue
        which = f"Recommendation {recommendation.number}"
        if several and recommendation.addressee:
            which += f" ({recommendation.addressee})"
        issues.append(
            CheckIssue(
                "unanswered",
                PROBLEM,
                f"{which} is answered by no bullet and not said to be not agreed: "
                f'add an action for it ("{_quote(recommendation.text, 90)}").',
                lead,
                None,
            )
        )
    bullet_at = _bullet_positions(read)
    for action, link in zip(letter.actions, links, strict=True):
        if link.kind == "unknown":
            issues.append(
                CheckIssue(
                    "unlinked",
                    WARNING,
                    "This bullet answers none of the report's recommendations that drafter "
                    "can tell: check it belongs in the letter.",
                    bullet_at.get(action.text),
                    _quote(action.text),
                )
            )
    return issues


_ANSWERS_LINE_RE = re.compile(
    r"^\s*Answers\s+recommendation\s+\d{1,2}(?:\s*\([^)]*\))?\s*:\s*(?P<text>.+?)\s*$",
    re.IGNORECASE | re.MULTILINE,
)


def _answered_in_comments(read: _Letter, report: Report) -> set[int]:
    """Positions of the recommendations drafter's comments on the bullets say
    they answer: a bullet chosen for several recommendations names them all,
    one "Answers recommendation …" line each (the archive reader takes the
    first)."""
    wanted = {_words(r.text): p for p, r in enumerate(report.recommendations, start=1)}
    found: set[int] = set()
    for index in read.body:
        paragraph = read.paragraphs[index]
        if not paragraph.bullet or _PLACEHOLDER_RE.fullmatch(paragraph.text.strip()):
            continue
        for comment in paragraph.comments:
            for match in _ANSWERS_LINE_RE.finditer(comment):
                position = wanted.get(_words(match.group("text")))
                if position is not None:
                    found.add(position)
    return found


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def _actions_lead(read: _Letter) -> int | None:
    """The number of the paragraph introducing the action bullets (the one
    before the first bullet), or of the first bullet when nothing comes before."""
    for index in read.body:
        if read.paragraphs[index].bullet:
            # ``index`` is 0-based, so as a number it is the paragraph before.
            return index if index >= 1 else 1
    return None


def _bullet_positions(read: _Letter) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, paragraph in enumerate(read.paragraphs):
        if paragraph.bullet:
            found.setdefault(paragraph.text, index + 1)
    return found


def _placeholder_issues(read: _Letter) -> list[CheckIssue]:
    issues = []
    for index, paragraph in enumerate(read.paragraphs):
        for match in _PLACEHOLDER_RE.finditer(paragraph.text):
            issues.append(
                CheckIssue(
                    "placeholder",
                    PROBLEM,
                    "A placeholder is still in the letter: fill it in or delete it.",
                    index + 1,
                    _quote(match.group(0)),
                )
            )
    for mark in read.marks:
        if _PLACEHOLDER_RE.fullmatch(mark.text.strip()):
            continue  # reported as a placeholder
        carried = next((m for c in mark.comments if (m := _CARRIED_RE.match(c))), None)
        if carried:
            issues.append(
                CheckIssue(
                    "carried_over",
                    PROBLEM,
                    f"A name carried over from the letter the action came from "
                    f"({carried.group('source')}) is still here, highlighted: replace it with "
                    "this unit's own, or remove it (and the highlight).",
                    mark.paragraph,
                    _quote(mark.text),
                )
            )
            continue
        why = mark.comments[0].splitlines()[0] if mark.comments else ""
        issues.append(
            CheckIssue(
                "highlighted",
                PROBLEM,
                "Text is still highlighted, as drafter marks what to check: check it, then "
                "remove the highlight." + (f" The comment says: {_quote(why, 120)}" if why else ""),
                mark.paragraph,
                _quote(mark.text),
            )
        )
    return issues


def _source_units(read: _Letter, review: ReviewFile | None) -> list[str]:
    """The units the letter's actions came from, as drafter's comments and the
    review file record them ("Source: Stockton and Hartlepool PDU, …")."""
    units: list[str] = []
    for paragraph in read.paragraphs:
        for comment in paragraph.comments:
            for match in _SOURCE_RE.finditer(comment):
                units.append(match.group("unit").strip())
            carried = _CARRIED_RE.match(comment)
            if carried:
                units.append(carried.group("source").split(",")[0].strip())
    if review is not None:
        for decision in review.decisions:
            for chosen in decision.actions:
                if chosen.source and not chosen.edited:
                    units.append(chosen.source.split(",")[0].strip())
    return list(dict.fromkeys(u for u in units if u))


def _name_issues(
    read: _Letter, report: Report, review: ReviewFile | None, context: str
) -> list[CheckIssue]:
    """Names that belong elsewhere: other units and regions, police forces of
    other regions, the places of the units the actions came from; and, as
    warnings, councils and people the report does not mention."""
    from drafter.letter.plan import unit_name_variants

    own_unit = [*unit_name_variants(report.unit), report.display_name]
    context_key = " ".join(context.casefold().replace("&", " and ").split())

    def in_report(name: str) -> bool:
        key = " ".join(name.casefold().replace("&", " and ").split())
        return key in context_key

    sources = [u for u in _source_units(read, review) if not same_name(u, report.unit)]
    foreign_places = [
        p for u in sources for p in place_words(u) if p not in place_words(report.unit)
    ]
    letter = read.letter
    known_people = [n for n in (letter.signatory, letter.recipient, report.chief_inspector) if n]
    issues: list[CheckIssue] = []
    for index in read.body:
        text = read.paragraphs[index].text
        found = resolve_overlaps(
            [
                *find_units(text),
                *find_regions(text),
                *(name for name, _force in find_police(text)),
                *find_bodies(text),
                *find_people(text),
                *find_places(text, foreign_places),
            ]
        )
        forces = {(n.start, n.end): force for n, force in find_police(text)}
        for name in found:
            if any(same_name(name.text, u) for u in own_unit) or _within_own(name, text, own_unit):
                continue
            issue = _name_issue(
                name, forces.get((name.start, name.end)), report, in_report, known_people
            )
            if issue is not None:
                code, severity, message = issue
                issues.append(CheckIssue(code, severity, message, index + 1, name.text))
    return issues


def _within_own(name: Any, text: str, own_unit: Sequence[str]) -> bool:
    for unit in own_unit:
        for match in re.finditer(re.escape(unit), text, re.IGNORECASE):
            if match.start() <= name.start and name.end <= match.end():
                return True
    return False


def _name_issue(
    name: Any, force: Any, report: Report, in_report: Any, known_people: Sequence[str]
) -> tuple[str, str, str] | None:
    kind = name.kind
    if kind == "unit":
        if in_report(name.text):
            return None
        if report.kind == "region" and same_name(region_for_unit(name.text) or "", report.region):
            return None  # a regional letter speaks of the region's own PDUs
        return (
            "other_unit",
            PROBLEM,
            f"Another probation unit is named here, not {report.unit}: check it belongs in "
            "this letter.",
        )
    if kind == "region":
        if same_name(name.text, report.region) or in_report(name.text):
            return None
        where = f"the {report.region} region" if report.region else "this unit's region"
        return (
            "other_region",
            PROBLEM,
            f"Another region is named here; {report.unit} is in {where}.",
        )
    if kind == "police":
        if in_report(name.text):
            return None
        if force is not None and force.region and report.region:
            if same_name(force.region, report.region):
                return None
            return (
                "police",
                PROBLEM,
                f"{force.name} polices the {force.region} region, not {report.region}: "
                "name this unit's own force, or remove it.",
            )
        return None
    if kind == "place":
        if in_report(name.text):
            return None
        return (
            "carried_over",
            PROBLEM,
            "A place of the unit an action came from is still named: change it to this "
            "unit's own, or remove it.",
        )
    if kind == "body":
        if in_report(name.text):
            return None
        return (
            "local_body",
            WARNING,
            f"{KIND_LABELS['body'].capitalize()} the report does not mention: check it is "
            f"{report.unit}'s own.",
        )
    if kind == "person":
        bare = re.sub(r"^\S+\.?\s+", "", name.text) if " " in name.text else name.text
        if in_report(name.text) or any(
            bare in person or name.text in person for person in known_people
        ):
            return None
        return (
            "person",
            WARNING,
            "A person the report does not mention is named: check they work with this unit.",
        )
    return None


def _date_issues(read: _Letter) -> list[CheckIssue]:
    letter = read.letter
    if letter.letter_date is None:
        return [
            CheckIssue(
                "no_date",
                WARNING,
                "The letter has no date, so its commitments' dates cannot be checked.",
            )
        ]
    issues = []
    actions = set(letter.action_texts)
    for index, paragraph in enumerate(read.paragraphs):
        if not paragraph.bullet or paragraph.text not in actions:
            continue
        due, phrase = extract_due_date(paragraph.text, letter.letter_date)
        if due is None or phrase is None or due >= letter.letter_date:
            continue
        before = paragraph.text[: paragraph.text.find(phrase.split()[0])]
        if _PAST_CUE_RE.search(before) or re.match(r"(?:from|starting)\b", phrase, re.I):
            continue  # "since April 2024": when it began, not a commitment
        issues.append(
            CheckIssue(
                "past_date",
                PROBLEM,
                f"This commitment's date ({long_date(due)}) is before the letter's date "
                f"({long_date(letter.letter_date)}): give a date still to come.",
                index + 1,
                phrase,
            )
        )
    return issues


def _signatory_issues(read: _Letter) -> list[CheckIssue]:
    if read.letter.signatory:
        return []
    closing = read.body.stop + 1 if read.body.stop < len(read.paragraphs) else None
    return [
        CheckIssue(
            "signatory",
            PROBLEM,
            "The letter is not signed: add the signatory's name and title after the closing.",
            closing,
        )
    ]


def _heading_issues(read: _Letter, report: Report) -> list[CheckIssue]:
    """The subject line and the thanks must name this unit and its region."""
    from drafter.letter.plan import unit_name_variants

    own = [*unit_name_variants(report.unit), report.display_name]
    issues: list[CheckIssue] = []
    body = [i for i in read.body if not read.paragraphs[i].bullet]
    subject = (
        body[0] if body and not re.match(r"\s*thank", read.paragraphs[body[0]].text, re.I) else None
    )
    thanks = next((i for i in body if re.match(r"\s*thank", read.paragraphs[i].text, re.I)), None)
    for index, what in ((subject, "subject"), (thanks, "thanks")):
        if index is None:
            continue
        text = read.paragraphs[index].text.replace("\n", " ").replace("*", "")
        names_own = any(re.search(rf"(?<![\w]){_flex(name)}(?![\w])", text, re.I) for name in own)
        others = [
            n.text
            for n in resolve_overlaps([*find_units(text), *find_regions(text)])
            if not any(same_name(n.text, o) for o in own)
            and not _within_own(n, text, own)
            and not (n.kind == "region" and same_name(n.text, report.region))
        ]
        label = "subject line" if what == "subject" else "thanks"
        if others:
            issues.append(
                CheckIssue(
                    what,
                    PROBLEM,
                    f"The {label} names {', '.join(others)}, but the report is for "
                    f"{report.unit}" + (f" ({report.region})." if report.region else "."),
                    index + 1,
                    _quote(text),
                )
            )
        elif not names_own:
            issues.append(
                CheckIssue(
                    what,
                    PROBLEM if what == "thanks" else WARNING,
                    f"The {label} does not name {report.unit}.",
                    index + 1,
                    _quote(text),
                )
            )
    return issues


def _flex(name: str) -> str:
    return r"\s+".join(
        r"(?:and|&)" if w.lower() in ("and", "&") else re.escape(w) for w in name.split()
    )
