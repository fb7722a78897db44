"""Reading a response letter as sent.

After a drafted letter has been edited by people and sent, its file (.docx,
.pdf or .txt) is read into a :class:`SentLetter`: the unit, date, recipient,
signatory, positive findings and each action bullet, with the recommendation
the letter itself ties it to. :mod:`drafter.archive.store` stores what is read here.

Sections are found from the letter's structure, not its exact wording: the
letter is split into paragraphs and bullet blocks, and a bullet block is the
positive findings when the paragraph before it is about noting or
acknowledging what went well; every other bullet block is actions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from drafter.archive.paragraphs import (
    BULLET_RE,
    Paragraph,
    decode_text,
    detect_format,
    docx_paragraphs,
    open_docx,
    pdf_paragraphs,
    text_paragraphs,
)
from drafter.archive.recognise import DocumentKind, recognise
from drafter.core.dates import MONTHS
from drafter.core.errors import NotALetterError
from drafter.core.fileio import read_input_bytes, sha256_bytes
from drafter.core.normalise import COUNT_WORDS

#: A sent letter is a few pages; anything much larger is the wrong file.
MAX_LETTER_BYTES = 20 * 1024 * 1024

_DATE_PATTERNS = (
    re.compile(
        r"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?P<month>[A-Za-z]{3,9})\.?,?\s+(?P<year>(?:19|20)\d\d)\b"
    ),
    re.compile(
        r"\b(?P<month>[A-Za-z]{3,9})\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,\s+(?P<year>(?:19|20)\d\d)\b"
    ),
    re.compile(r"\b(?P<day>[0-3]?\d)/(?P<nmonth>[01]?\d)/(?P<year>(?:19|20)\d\d)\b"),
)
_SALUTATION_RE = re.compile(r"^\s*dear\s+(?P<name>[^,\n]+?)\s*,?\s*$", re.I)
_CLOSING_RE = re.compile(
    r"^\s*(?:yours\s+(?:sincerely|faithfully|truly)|(?:kind|best|warm)(?:est)?\s+regards|"
    r"regards|best\s+wishes|with\s+(?:best|kind)\s+(?:wishes|regards))\s*,?\s*$",
    re.I,
)
_UNIT_KINDS = (
    r"(?:PDU|YJS|YOT|Probation\s+Delivery\s+Unit|Youth\s+Justice\s+Service|"
    r"Youth\s+Offending\s+(?:Team|Service)|[Rr]egion)"
)
_UNIT_RE = re.compile(
    r"\b(?i:reports?|inspections?)\s+(?:\w+\s+){0,3}?(?i:for|of|on|into)\s+(?i:the\s+)?\**"
    rf"(?P<unit>[A-Z][^*.:;\n]{{1,120}}?\b(?i:{_UNIT_KINDS}))\b"
)
#: Fallback: any run of capitalised words ending in a unit kind ("… Newcastle
#: upon Tyne PDU …"), for letters that name the unit without "inspection of".
_NAMED_UNIT_RE = re.compile(
    r"(?P<unit>(?:[A-Z][\w'’&-]*,?\s+(?:(?:and|&|upon|on|of|the|in)\s+)?){1,7}?"
    rf"(?i:{_UNIT_KINDS}))\b"
)
_COUNT_RE = re.compile(
    r"\b(?P<count>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)\s+"
    r"(?:\w+\s+)?recommendations?\b",
    re.I,
)
_POSITIVE_LEAD_RE = re.compile(
    r"\b(?:note|noting|noted|positive|encourag\w*|acknowledg\w*|strengths?|pleased|"
    r"welcome|good\s+practice|highlight\w*|commend\w*)\b",
    re.I,
)
_ACTION_LEAD_RE = re.compile(
    r"\b(?:recommendations?|actions?|steps|commit\w*|will\s+include|include\s+the\s+following|"
    r"address\w*|measures|will\s+be\s+taken|will\s+take|respon\w*|improvement\s+plans?)\b",
    re.I,
)
_RECOMMENDATION_REF_RE = re.compile(
    r"\brecommendations?\s+(?P<nums>\d{1,2}(?:\s*(?:,|and|&)\s*\d{1,2})*)", re.I
)
#: Words that start a job title, so a signature line stops there.
_TITLE_TEXT = (
    "area executive director regional probation chief head deputy interim acting "
    "officer manager hm his her inspector senior lead"
)
_TITLE_WORDS = frozenset(_TITLE_TEXT.split())
_POSTNOMINALS = {"cbe", "obe", "mbe", "kc", "qc", "qpm", "cb", "dbe", "kbe", "frsa", "phd"}


@dataclass
class SentAction:
    """One action bullet of a sent letter, with the recommendation the letter
    itself ties it to: under a "Recommendation 2" heading, or in the Word
    comment drafter puts on each action ("Answers recommendation 2 (…): …")."""

    text: str
    recommendation_numbers: tuple[int, ...] = ()
    recommendation_text: str | None = None
    #: From an action-plan table: who owns it and its target date, as written.
    owner: str | None = None
    target_date: str | None = None
    #: From an action plan's agreement column: "Agreed", "Partly agreed" or "Not agreed".
    agreement: str | None = None


@dataclass
class SentLetter:
    """What a sent response letter says, read from the file as sent."""

    unit: str | None
    letter_date: date | None
    recipient: str | None
    signatory: str | None
    subject: str | None
    recommendation_count: int | None
    actions: list[SentAction]
    positive_findings: list[str]
    region: str | None = None
    #: The report's recommendations, where the letter repeats them as a list.
    quoted_recommendations: list[str] = field(default_factory=list)
    source_format: str = "text"
    file_name: str = ""
    sha256: str = ""
    warnings: list[str] = field(default_factory=list)
    #: Text still in [brackets] as drafter writes what someone must fill in
    #: ("[Signatory's name]", "[Target date]"), anywhere in the document.
    placeholders: list[str] = field(default_factory=list)
    #: What kind of document this is, recognised from its structure.
    document: DocumentKind = field(default_factory=lambda: DocumentKind("letter"))

    @property
    def is_response_letter(self) -> bool:
        return self.document.is_response_letter

    @property
    def action_texts(self) -> list[str]:
        return [a.text for a in self.actions]


def read_sent_letter(path: str | Path, *, max_bytes: int = MAX_LETTER_BYTES) -> SentLetter:
    """Read a sent letter (.docx, .pdf or .txt) into a :class:`SentLetter`.

    Raises :class:`InputFileError` if the file cannot be read or holds no
    action bullets (then it is not a response letter drafter can archive).
    """
    data = read_input_bytes(path, max_bytes)
    return read_sent_letter_bytes(data, name=Path(path).name)


def read_sent_letter_bytes(data: bytes, *, name: str = "letter") -> SentLetter:
    source_format = detect_format(data, name)
    table_actions: list[SentAction] = []
    table_placeholders = 0
    plan_table = False
    if source_format == "docx":
        document = open_docx(data, name)
        paragraphs = docx_paragraphs(document)
        table_actions, table_placeholders, plan_table = _docx_action_table(document)
    elif source_format == "pdf":
        paragraphs = pdf_paragraphs(data, name)
    else:
        paragraphs = text_paragraphs(decode_text(data, name))
    letter = parse_letter(paragraphs)
    letter.source_format = source_format
    letter.file_name = name
    letter.sha256 = sha256_bytes(data)
    letter.placeholders = find_placeholders(paragraphs)
    letter.document = recognise(paragraphs, action_plan_table=plan_table)
    if not letter.actions and table_actions:
        # An action plan sent as a table (Recommendation | Action | Owner | Target date).
        letter.actions = table_actions
        if table_placeholders:
            letter.warnings.append(
                f"{_still_placeholders(table_placeholders, 'action')} in the table, "
                "not archived; check the plan was finished before it was sent."
            )
    if not letter.actions:
        if letter.document.kind in {"inspection report", "minutes"}:
            raise NotALetterError(
                f"'{name}' is not a response letter: {letter.document.reason}.",
                hint="Archive the letter (or action plan) sent in reply to the report.",
            )
        raise NotALetterError(
            f"'{name}' has no action bullets, so it does not look like a response letter.",
            hint="Archive the letter as sent, with its actions as a bulleted list "
            "(or an action plan with an 'Action' column).",
        )
    return letter


_PLACEHOLDER_RE = re.compile(r"\[([^\[\]\n]{1,200})\]")
#: Brackets that are part of a finished letter: "[sic]", a note number, an ellipsis.
_NOT_PLACEHOLDERS = re.compile(r"^(?:sic|\d{1,3}|\.{2,}|…|\s*)$", re.I)


def find_placeholders(paragraphs: list[Paragraph]) -> list[str]:
    """Every "[…]" drafter left for someone to fill in, in document order
    (each distinct text once)."""
    found: list[str] = []
    for paragraph in paragraphs:
        for match in _PLACEHOLDER_RE.finditer(paragraph.text):
            inside = match.group(1).strip()
            if _NOT_PLACEHOLDERS.match(inside) or not re.search(r"[A-Za-z]", inside):
                continue
            text = f"[{' '.join(inside.split())}]"
            if text not in found:
                found.append(text)
    return found


_PLAN_COLUMNS = {
    "action": re.compile(r"^\s*(?:agreed\s+)?actions?\b", re.I),
    "recommendation": re.compile(r"^\s*recommendations?\b", re.I),
    "agreement": re.compile(
        r"^\s*(?:agreed|agreement|accepted|partly|response\s*$|(?:hmpps\s+)?response\s+to)", re.I
    ),
    "owner": re.compile(r"^\s*(?:owner|lead|responsible|who)\b", re.I),
    "target": re.compile(r"^\s*(?:target|due|deadline|by\s+when|completion|date|timescale)", re.I),
}
_NO_ACTION_RE = re.compile(r"^\s*(?:not\s+agreed|n/?a\b|none\b|no\s+action)", re.I)


def agreement_of(text: str | None) -> str | None:
    """An agreement cell as one of drafter's three answers, or None."""
    if not text:
        return None
    lowered = text.lower()
    if re.search(r"\b(?:not\s+agreed|disagreed?|rejected|not\s+accepted)\b", lowered):
        return "Not agreed"
    if re.search(r"\b(?:partly|partially|in\s+part)\b", lowered):
        return "Partly agreed"
    if re.search(r"\b(?:agreed|accepted|agree)\b", lowered):
        return "Agreed"
    return None


def _docx_action_table(document: Any) -> tuple[list[SentAction], int, bool]:
    """Actions from the action-plan tables: every table whose header row has
    an "Action" column (a plan that runs over several pages is often several
    tables). Each paragraph of an action cell is one action; the row's
    recommendation ("1. The PDU should improve …"), agreement, owner and target
    date go with it. A "Not agreed" row whose action cell says no action
    follows commits to nothing.

    Returns the actions, how many placeholders were skipped, and whether a
    table ties actions to recommendations (or says whether each is agreed),
    which is what makes a document an action plan."""
    actions: list[SentAction] = []
    placeholders = 0
    plan = False
    for table in document.tables:
        rows = table.rows
        if len(rows) < 2:
            continue
        try:
            header = [cell.text for cell in rows[0].cells]
        except (IndexError, ValueError):  # a malformed table
            continue
        columns: dict[str, int] = {}
        for kind, pattern in _PLAN_COLUMNS.items():
            for index, text in enumerate(header):
                if pattern.match(text) and index not in columns.values():
                    columns.setdefault(kind, index)
                    break
        if "action" not in columns:
            continue
        plan = plan or "recommendation" in columns or "agreement" in columns
        for row in rows[1:]:
            cells = row.cells
            if columns["action"] >= len(cells):
                continue
            if [cell.text for cell in cells] == header:  # the heading repeated
                continue
            numbers, recommendation = _plan_recommendation(
                _plan_cell(cells, columns, "recommendation")
            )
            agreement = agreement_of(_plan_cell(cells, columns, "agreement"))
            for paragraph in cells[columns["action"]].paragraphs:
                text = " ".join(paragraph.text.split())
                text = BULLET_RE.sub("", text, count=1)
                if not text:
                    continue
                if _is_placeholder(text):
                    placeholders += 1
                    continue
                if agreement == "Not agreed" and _NO_ACTION_RE.match(text):
                    continue
                actions.append(
                    SentAction(
                        text,
                        numbers,
                        recommendation,
                        owner=_plan_cell(cells, columns, "owner"),
                        target_date=_plan_cell(cells, columns, "target"),
                        agreement=agreement,
                    )
                )
    return actions, placeholders, plan


def _plan_cell(cells: Any, columns: dict[str, int], kind: str) -> str | None:
    """The text of one column of an action-plan row; None if empty or "[…]"."""
    index = columns.get(kind)
    if index is None or index >= len(cells):
        return None
    text = " ".join(cells[index].text.split())
    return None if not text or _is_placeholder(text) else text


def _plan_recommendation(text: str | None) -> tuple[tuple[int, ...], str | None]:
    """ "2. Ashvale PDU should improve X" -> ((2,), "improve X")."""
    if not text:
        return (), None
    number = re.match(r"^\s*(\d{1,2})[.)]?\s+", text)
    numbers = (int(number.group(1)),) if number else ()
    body = text[number.end() :] if number else text
    should = re.search(r"\bshould\s*:?\s+", body)
    if should:
        body = body[should.end() :]
    return numbers, body.strip().rstrip(";.") or None


def parse_letter(paragraphs: list[Paragraph]) -> SentLetter:
    """Read the parts of a response letter from its paragraphs."""
    warnings: list[str] = []
    salutation_at = next(
        (i for i, p in enumerate(paragraphs) if not p.bullet and _SALUTATION_RE.match(p.text)),
        None,
    )
    header = paragraphs[:salutation_at] if salutation_at is not None else []
    body_start = salutation_at + 1 if salutation_at is not None else 0
    closing_at = next(
        (
            i
            for i, p in enumerate(paragraphs)
            if i >= body_start and not p.bullet and _CLOSING_RE.match(p.text.split("\n")[0])
        ),
        len(paragraphs),
    )
    body = paragraphs[body_start:closing_at]
    closing = paragraphs[closing_at:]

    header_lines = [line for p in header for line in p.text.split("\n") if line.strip()]
    letter_date = _first_date(header_lines) or _first_date(
        [line for p in paragraphs[:10] for line in p.text.split("\n")]
    )
    salutation = (
        _SALUTATION_RE.match(paragraphs[salutation_at].text).group("name")  # type: ignore[union-attr]
        if salutation_at is not None
        else None
    )
    recipient = _recipient(header_lines, salutation)
    signatory = _signatory(closing, header_lines, recipient)

    subject = None
    if body and not body[0].bullet:
        first = body[0].text.replace("\n", " ").strip()
        if len(first) <= 250 and not re.match(r"thank", first, re.I) and not first.endswith("."):
            subject = re.sub(r"^(?:re|subject)\s*:\s*", "", first, flags=re.I).strip("* ")
    prose = " ".join(p.text.replace("\n", " ") for p in body if not p.bullet)
    unit = _unit(([subject] if subject else []) + [p.text for p in body if not p.bullet])
    if unit is None:
        warnings.append("The letter does not say which unit it is about.")
    count_match = _COUNT_RE.search(prose)
    recommendation_count = None
    if count_match:
        raw = count_match.group("count").lower()
        recommendation_count = int(raw) if raw.isdigit() else COUNT_WORDS[raw]

    actions: list[SentAction] = []
    positive: list[str] = []
    blocks = _bullet_blocks(body)
    positive_blocks = [_is_positive_lead(lead or "") for lead, _ in blocks]
    if blocks and all(positive_blocks):
        # Every letter commits to something: with no clear action block, the
        # first bullet list is the actions.
        positive_blocks[0] = False
    quoted: list[str] = []
    placeholders: list[str] = []
    for (lead, items), is_positive in zip(blocks, positive_blocks, strict=True):
        texts = [text for text, _ in items]
        if is_positive:
            positive.extend(texts)
            continue
        if _quotes_recommendations(lead or "", texts):
            quoted.extend(texts)
            continue
        numbers, agreement = _lead_recommendations(lead or "")
        for text, comments in items:
            marker = _bullet_marker(text)
            if marker is not None:
                # "Recommendation 3 is agreed." as a bullet of its own, or
                # "Recommendation 3: …" starting one: the bullets from here on
                # answer recommendation 3, not what the lead-in named.
                numbers, agreement, text = marker
                if not text:
                    continue
            if _is_placeholder(text):
                placeholders.append(text)
                continue
            answered = _answered_in_comment(comments)
            if answered is not None:
                actions.append(SentAction(text, answered[0], answered[1]))
            else:
                actions.append(SentAction(text, numbers, agreement=agreement))

    if placeholders:
        warnings.append(
            f"{_still_placeholders(len(placeholders), 'bullet')}, not archived as "
            f"{'an action' if len(placeholders) == 1 else 'actions'}; check the letter was "
            "finished before it was sent."
        )
    flagged = [p for p in body if p.bullet and p.highlighted and not _is_placeholder(p.text)]
    if flagged:
        warnings.append(
            f"{_are(len(flagged), 'bullet')} still highlighted, as drafter marks text to "
            "fill in; check the letter was finished before it was sent."
        )
    region = _region(unit, [subject or ""] + header_lines)
    return SentLetter(
        unit=unit,
        letter_date=letter_date,
        recipient=recipient,
        signatory=signatory,
        subject=subject,
        recommendation_count=recommendation_count,
        actions=actions,
        positive_findings=positive,
        region=region,
        quoted_recommendations=quoted,
        warnings=warnings,
    )


def _is_placeholder(text: str) -> bool:
    """A bullet that is only a "[…]" note to the editor, as drafter writes where
    it has no action, is not a commitment."""
    text = text.strip()
    return text.startswith("[") and text.endswith("]")


def _quotes_recommendations(lead: str, items: list[str]) -> bool:
    """A list that repeats the report's recommendations rather than answering
    them: its lead-in is about the recommendations made ("you recommended
    that the PDU should:") and its items are written as the Inspectorate writes
    them, starting in lower case ("improve the quality of …")."""
    about_recommendations = re.search(
        r"\b(?:recommend(?:ed|s)?|recommendations?\s+(?:were|are|made|was)|should)\b[^.]*[:;]?\s*$",
        lead,
        re.I,
    )
    return bool(about_recommendations) and all(item[:1].islower() for item in items)


def _is_positive_lead(lead: str) -> bool:
    """Whether the paragraph before a bullet list introduces what went well
    ("I am encouraged … and note the following") rather than commitments
    ("steps will be taken to address the recommendations … the following").
    Cues are counted, so a lead-in that mentions both is judged by the stronger."""
    positive = len(_POSITIVE_LEAD_RE.findall(lead))
    return positive > len(_ACTION_LEAD_RE.findall(lead))


_BulletItem = tuple[str, tuple[str, ...]]  # (text, comments)


def _bullet_blocks(body: list[Paragraph]) -> list[tuple[str | None, list[_BulletItem]]]:
    """Runs of bullet paragraphs, each with the prose paragraph just before it."""
    blocks: list[tuple[str | None, list[_BulletItem]]] = []
    lead: str | None = None
    items: list[_BulletItem] = []
    for paragraph in body:
        if paragraph.bullet:
            items.append((paragraph.text, paragraph.comments))
            continue
        if items:
            blocks.append((lead, items))
            items = []
        lead = paragraph.text.replace("\n", " ")
    if items:
        blocks.append((lead, items))
    return blocks


_ANSWERS_RE = re.compile(
    r"^\s*answers\s+recommendations?\s+(?P<nums>\d{1,2}(?:\s*(?:,|and|&)\s*\d{1,2})*)"
    r"(?:\s*\([^)]*\))?\s*(?::\s*(?P<text>[^\n]+))?",
    re.I,
)


def _answered_in_comment(comments: tuple[str, ...]) -> tuple[tuple[int, ...], str | None] | None:
    """The recommendation named in drafter's comment on an action bullet
    ("Answers recommendation 2 (Unit PDU): improve …"), if it is still there."""
    for comment in comments:
        match = _ANSWERS_RE.match(comment)
        if match:
            numbers = tuple(int(n) for n in re.findall(r"\d{1,2}", match.group("nums")))
            text = (match.group("text") or "").strip() or None
            return numbers, text
    return None


def _recommendation_numbers(lead: str) -> tuple[int, ...]:
    match = _RECOMMENDATION_REF_RE.search(lead)
    if not match:
        return ()
    return tuple(int(n) for n in re.findall(r"\d{1,2}", match.group("nums")))


#: "Recommendation 2 is not agreed", "Recommendations 1 and 3 are agreed",
#: "Recommendation 4 to the Ashvale PDU has been partly accepted".
_AGREEMENT_STATEMENT_RE = re.compile(
    r"\brecommendations?\s+(?P<nums>\d{1,2}(?:\s*(?:,|and|&)\s*\d{1,2})*)"
    r"(?:\s+(?!(?:is|are|has|have|was|were)\b)[\w'’&()-]+){0,8}?,?\s+"
    r"(?:is|are|has\s+been|have\s+been|was|were)\s+"
    r"(?P<how>(?:(?:not|only|partly|partially|fully)\s+)*(?:agreed|accepted|disagreed|rejected)"
    r"(?:\s+in\s+(?:part|full))?)\b",
    re.I,
)
#: "… will address the other two recommendations": the bullets after a lead-in
#: saying so answer the recommendations it has not just named.
_OTHER_RECOMMENDATIONS_RE = re.compile(
    r"\b(?:other|remaining|rest\s+of\s+the)\s+(?:\w+\s+)?recommendations?\b", re.I
)


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d{1,2}", text))


def _lead_recommendations(lead: str) -> tuple[tuple[int, ...], str | None]:
    """The recommendation(s) a lead-in paragraph says the bullets after it
    answer, and whether they are agreed.

    A sentence saying whether a recommendation is agreed ("Recommendation 2 is
    not agreed.") names that recommendation only: when the lead-in goes on to
    commit to "the other recommendations", the bullets answer those (which
    ones is left to the wording), not the one it named. When it is the last
    thing before the bullets, the bullets (up to the next recommendation
    marker) answer it, with its agreement."""
    statements = list(_AGREEMENT_STATEMENT_RE.finditer(lead))
    if not statements:
        return _recommendation_numbers(lead), None
    named = {n for statement in statements for n in _numbers(statement.group("nums"))}
    last = statements[-1]
    if _OTHER_RECOMMENDATIONS_RE.search(lead, last.end()):
        for match in _RECOMMENDATION_REF_RE.finditer(lead, last.end()):
            rest = tuple(n for n in _numbers(match.group("nums")) if n not in named)
            if rest:
                return rest, None
        return (), None
    after = _RECOMMENDATION_REF_RE.search(lead, last.end())
    if after:  # "Recommendation 2 is not agreed. For recommendation 3 we will:"
        return _numbers(after.group("nums")), None
    return _numbers(last.group("nums")), agreement_of(last.group("how"))


_BULLET_MARKER_RE = re.compile(
    r"^\s*recommendations?\s+(?P<nums>\d{1,2}(?:\s*(?:,|and|&)\s*\d{1,2})*)\b\s*"
    r"(?P<rest>.*)$",
    re.I | re.S,
)


def _bullet_marker(text: str) -> tuple[tuple[int, ...], str | None, str] | None:
    """A bullet that starts with a recommendation marker: the numbers, its
    agreement if it says, and the action text after the marker ("" when the
    bullet is only a heading such as "Recommendation 3 is partly agreed.")."""
    match = _BULLET_MARKER_RE.match(text)
    if not match:
        return None
    numbers = _numbers(match.group("nums"))
    rest = match.group("rest")
    statement = _AGREEMENT_STATEMENT_RE.match(text)
    agreement = None
    if statement:
        agreement = agreement_of(statement.group("how"))
        rest = text[statement.end() :]
        if not rest.strip(" .:;-–—\t\n"):
            return numbers, agreement, ""
        return numbers, agreement, text
    heading = re.match(r"^(?:\([^)]{0,60}\))?\s*[:.–—-]\s*", rest)
    if not rest.strip() or (heading and not rest[heading.end() :].strip()):
        return numbers, None, ""
    if heading:  # "Recommendation 3: run risk clinics …"
        return numbers, agreement_of(heading.group(0)), rest[heading.end() :].strip()
    return numbers, None, text  # "Recommendation 3 will be met by …"


def _first_date(lines: Iterable[str]) -> date | None:
    for line in lines:
        for pattern in _DATE_PATTERNS:
            for match in pattern.finditer(line):
                groups = match.groupdict()
                try:
                    if groups.get("nmonth"):
                        month = int(groups["nmonth"])
                    else:
                        month = MONTHS[groups["month"].lower()]
                    return date(int(groups["year"]), month, int(groups["day"]))
                except (KeyError, ValueError):
                    continue
    return None


def _clean_name(text: str) -> str:
    words = [w for w in text.replace(",", " ").split() if w.strip(".").lower() not in _POSTNOMINALS]
    return " ".join(words)


def _looks_like_name(line: str) -> bool:
    words = line.split()
    return (
        1 < len(words) <= 5
        and all(w[0].isupper() for w in words if w[0].isalpha())
        and not any(ch.isdigit() for ch in line)
        and not any(w.lower() in _TITLE_WORDS for w in words)
    )


_HONORIFICS = {"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "professor", "prof"}


def _leading_name(line: str) -> str | None:
    """The person's name at the start of a line, if it starts with one: up to
    four capitalised words, stopping at a job title, a number or punctuation
    ("Martin Jones CBE  24 July 2025" -> "Martin Jones")."""
    words: list[str] = []
    for word in _clean_name(line).split():
        bare = word.strip(".")
        if (
            not bare
            or not bare[0].isupper()
            or any(ch.isdigit() for ch in bare)
            or bare.lower() in _TITLE_WORDS
            or not re.fullmatch(r"[\w'’-]+", bare)
        ):
            break
        words.append(word)
        if len(words) == 4:
            break
    return " ".join(words) if len(words) >= 2 else None


def _recipient(header_lines: list[str], salutation: str | None) -> str | None:
    """The addressee: the header line that starts with the name in "Dear …",
    else the first line that starts with a person's name."""
    if salutation:
        parts = salutation.split()
        first = parts[-1] if parts[0].lower().strip(".") in _HONORIFICS else parts[0]
        for line in header_lines:
            name = _leading_name(line)
            if name and first.lower() in {name.split()[0].lower(), name.split()[-1].lower()}:
                return name
    for line in header_lines:
        name = _leading_name(line)
        if name and _looks_like_name(name):
            return name
    return salutation.strip() if salutation else None


def _signatory(
    closing: list[Paragraph], header_lines: list[str], recipient: str | None
) -> str | None:
    """The person who signed: the first name-like words after the closing
    ("Kind regards"), stopping at their job title; else the sender's block in
    the header (a name followed by a "Director" line)."""
    lines = [line for p in closing for line in p.text.split("\n") if line.strip()]
    for line in lines:
        if _CLOSING_RE.match(line) or line.strip().lower().startswith(("cc", "enc")):
            continue
        words: list[str] = []
        for word in re.split(r"\s+|\s-\s|,", line.strip()):
            if not word or word.lower().strip(".") in _TITLE_WORDS or word in {"-", "–"}:
                break
            if word.strip(".").lower() in _POSTNOMINALS:
                continue
            if not word[0].isupper():
                break
            words.append(word)
        if 1 < len(words) <= 4:
            return " ".join(words)
    for i, line in enumerate(header_lines[:-1]):
        name = _clean_name(line)
        nxt = header_lines[i + 1].lower()
        if _looks_like_name(name) and name != recipient and "director" in nxt:
            return name
    return None


def _unit(texts: list[str]) -> str | None:
    """The unit the letter is about: named after "report/inspection of/for"
    in the subject or body, else any capitalised name ending in PDU/YJS."""
    for pattern in (_UNIT_RE, _NAMED_UNIT_RE):
        for text in texts:
            match = pattern.search(text.replace("\n", " ").replace("*", ""))
            if match:
                return _tidy_unit(match.group("unit"))
    return None


_SMALL_WORDS = {"and", "of", "upon", "on", "the", "in"}


def _tidy_unit(name: str) -> str:
    """Spacing collapsed, a leading "The" dropped, "Probation Delivery Unit"
    written "PDU" as reports write it, and a name in capitals put in title case."""
    name = " ".join(name.split()).strip(" ,")
    name = re.sub(r"^the\s+", "", name, flags=re.I)
    name = re.sub(r"\bprobation\s+delivery\s+unit\b", "PDU", name, flags=re.I)
    if name.isupper():
        words = []
        for word in name.split():
            lower = word.lower()
            if lower in {"pdu", "yjs", "yot"}:
                words.append(word)
            elif lower in _SMALL_WORDS and words:
                words.append(lower)
            else:
                words.append(word.capitalize())
        name = " ".join(words)
    return name


def _region(unit: str | None, texts: list[str]) -> str | None:
    try:
        from drafter.core.regions import canonical_region, region_for_unit, region_names
    except ImportError:  # pragma: no cover - reading module not installed
        return None
    if unit:
        if unit.lower().endswith("region"):
            found = canonical_region(unit)
            if found:
                return found
        found = region_for_unit(unit)
        if found:
            return found
    joined = " ".join(texts).lower()
    for name in region_names():
        if name.lower() in joined:
            return name
    return None


def _still_placeholders(count: int, noun: str) -> str:
    """ "1 bullet is still a placeholder in [brackets]", "2 bullets are still ..."."""
    if count == 1:
        return f"1 {noun} is still a placeholder in [brackets]"
    return f"{count} {noun}s are still placeholders in [brackets]"


def _are(count: int, noun: str) -> str:
    """ "1 bullet is", "3 bullets are"."""
    return f"{count} {noun} is" if count == 1 else f"{count} {noun}s are"
