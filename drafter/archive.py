"""Archiving sent response letters.

After a drafted letter has been edited by people and sent, ``drafter archive``
reads the letter *as sent* (.docx, .pdf or .txt) into a :class:`SentLetter`
and stores it in the database in one transaction:

* a content-addressed copy of the file (keyed by its SHA-256),
* the letter's metadata (unit, date, recipient, signatory, positive findings),
* each action bullet as a library action whose source is this letter, so the
  next draft can reuse it, and
* each action as a commitment with the due date read from its wording.

Sections are found from the letter's structure, not its exact wording: the
letter is split into paragraphs and bullet blocks, and a bullet block is the
positive findings when the paragraph before it is about noting or
acknowledging what went well; every other bullet block is actions.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .commitments import (
    MONTHS,
    commitments_csv,
    extract_due_date,
    list_commitments,
    unit_key,
)
from .db import ActionRow, CommitmentRow, LetterFileRow, LetterRow
from .errors import DrafterError, InputFileError
from .fileio import atomic_write_bytes, atomic_write_text, read_input_bytes, sha256_bytes
from .library import action_fingerprint

if TYPE_CHECKING:
    from .model import Report
    from .review import ReviewFile

#: A sent letter is a few pages; anything much larger is the wrong file.
MAX_LETTER_BYTES = 20 * 1024 * 1024
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "text": "text/plain",
}
#: How an action was tied to its recommendation: the reviewer chose it ("review"),
#: the letter says so ("letter"), by wording ("matched"), or not at all ("unknown").
LINK_KINDS = ("review", "letter", "matched", "unknown")
#: rapidfuzz token-set ratio an action needs with a recommendation's text to be
#: linked to it when the matcher finds nothing in common.
FUZZY_LINK_MIN = 60

# Characters people and word processors put in front of a bullet.
_BULLET_RE = re.compile(r"^\s*(?:[•◦▪▫●○■□‣⁃∙·\uf0b7\uf0a7\uf076\uf0d8*–—-]|\(?\d{1,2}[.)])\s+")
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
_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen twenty"
)
_COUNT_WORDS = {word: number for number, word in enumerate(_NUMBER_WORDS.split())}
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


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a letter, with soft line breaks kept as newlines."""

    text: str
    bullet: bool = False
    #: Word highlighting, which drafter uses to mark placeholders to fill in.
    highlighted: bool = False
    #: Text of the Word comments anchored in this paragraph.
    comments: tuple[str, ...] = ()


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

    @property
    def action_texts(self) -> list[str]:
        return [a.text for a in self.actions]


@dataclass
class ArchivedAction:
    """An action stored from a letter: its library entry and its commitment."""

    action_id: int
    commitment_id: int
    text: str
    recommendation: str | None
    #: Positions (1-based) in the report's list of recommendations, as printed
    #: numbering can restart per addressee.
    recommendation_numbers: list[int]
    link: str  # how the recommendation was found: one of LINK_KINDS
    due_date: date | None
    due_text: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "action_id": self.action_id,
            "commitment_id": self.commitment_id,
            "text": self.text,
            "recommendation": self.recommendation,
            "recommendation_numbers": self.recommendation_numbers,
            "link": self.link,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "due_text": self.due_text,
        }


@dataclass
class ArchivedLetter:
    """A letter in the archive, as listed and shown."""

    id: int
    sha256: str
    file_name: str
    media_type: str
    size: int
    unit: str | None
    region: str | None
    letter_date: date | None
    sent_date: date | None
    recipient: str | None
    signatory: str | None
    subject: str | None
    recommendation_count: int | None
    positive_findings: list[str]
    status: str
    supersedes_id: int | None
    archived_at: datetime
    actions: list[ArchivedAction] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "sha256": self.sha256,
            "file_name": self.file_name,
            "media_type": self.media_type,
            "size": self.size,
            "unit": self.unit,
            "region": self.region,
            "letter_date": _iso(self.letter_date),
            "sent_date": _iso(self.sent_date),
            "recipient": self.recipient,
            "signatory": self.signatory,
            "subject": self.subject,
            "recommendation_count": self.recommendation_count,
            "positive_findings": list(self.positive_findings),
            "status": self.status,
            "supersedes_id": self.supersedes_id,
            "archived_at": self.archived_at.isoformat(timespec="seconds"),
            "actions": [a.to_dict() for a in self.actions],
        }


@dataclass
class ArchiveResult:
    """What ``archive_letter`` did. ``created`` is False when the very same file
    was already archived (nothing was changed)."""

    letter: ArchivedLetter
    created: bool
    superseded_id: int | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        letter = self.letter
        when = _long_date(letter.archived_at.date())
        if not self.created:
            return (
                f"This file is already archived as letter {letter.id} on {when}; "
                "nothing was changed."
            )
        text = (
            f"Archived letter {letter.id} for {letter.unit or 'an unknown unit'}"
            f" ({_long_date(letter.letter_date) or 'undated'}): "
            f"{len(letter.actions)} actions added to the library and to the commitments"
        )
        if self.superseded_id:
            text += f"; it replaces letter {self.superseded_id}"
        return text + "."


class SupersedeDecisionNeeded(DrafterError):
    """The unit already has a current archived letter; the caller must say
    whether the new letter replaces it."""

    def __init__(self, existing_id: int, unit: str, existing_date: date | None) -> None:
        self.existing_id = existing_id
        self.unit = unit
        self.existing_date = existing_date
        when = _long_date(existing_date) or "undated"
        self.question = (
            f"Letter {existing_id} for {unit} is already archived ({when}). "
            "Does this one replace it?"
        )
        super().__init__(
            f"Letter {existing_id} for {unit} is already archived ({when}).",
            hint="Add --supersedes if this letter replaces it, or --no-supersedes to keep both.",
        )


# --- reading a sent letter -------------------------------------------------------


def read_sent_letter(path: str | Path, *, max_bytes: int = MAX_LETTER_BYTES) -> SentLetter:
    """Read a sent letter (.docx, .pdf or .txt) into a :class:`SentLetter`.

    Raises :class:`InputFileError` if the file cannot be read or holds no
    action bullets (then it is not a response letter drafter can archive).
    """
    data = read_input_bytes(path, max_bytes)
    return read_sent_letter_bytes(data, name=Path(path).name)


def read_sent_letter_bytes(data: bytes, *, name: str = "letter") -> SentLetter:
    source_format = _detect_format(data, name)
    table_actions: list[SentAction] = []
    table_placeholders = 0
    if source_format == "docx":
        paragraphs = _docx_paragraphs(data, name)
        table_actions, table_placeholders = _docx_action_table(data)
    elif source_format == "pdf":
        paragraphs = _pdf_paragraphs(data, name)
    else:
        paragraphs = _text_paragraphs(_decode(data, name))
    letter = parse_letter(paragraphs)
    letter.source_format = source_format
    letter.file_name = name
    letter.sha256 = sha256_bytes(data)
    if not letter.actions and table_actions:
        # An action plan sent as a table (Recommendation | Action | Owner | Target date).
        letter.actions = table_actions
        if table_placeholders:
            letter.warnings.append(
                f"{table_placeholders} action(s) in the table are still placeholders in "
                "[brackets] and were not archived; check the plan was finished before it was sent."
            )
    if not letter.actions:
        raise InputFileError(
            f"'{name}' has no action bullets, so it does not look like a response letter.",
            hint="Archive the letter as sent, with its actions as a bulleted list "
            "(or an action plan with an 'Action' column).",
        )
    return letter


_PLAN_COLUMNS = {
    "action": re.compile(r"^\s*actions?\b", re.I),
    "recommendation": re.compile(r"^\s*recommendations?\b", re.I),
    "owner": re.compile(r"^\s*(?:owner|lead|responsible|who)\b", re.I),
    "target": re.compile(r"^\s*(?:target|due|deadline|by\s+when|completion|date|timescale)", re.I),
}


def _docx_action_table(data: bytes) -> tuple[list[SentAction], int]:
    """Actions from an action-plan table: the first table whose header row has
    an "Action" column. Each paragraph of an action cell is one action; the
    row's recommendation ("1. The PDU should improve …"), owner and target date
    go with it. Returns the actions and how many placeholders were skipped."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # already reported by the paragraph reader
        return [], 0
    for table in document.tables:
        rows = table.rows
        if len(rows) < 2:
            continue
        header = [cell.text for cell in rows[0].cells]
        columns: dict[str, int] = {}
        for kind, pattern in _PLAN_COLUMNS.items():
            for index, text in enumerate(header):
                if pattern.match(text) and index not in columns.values():
                    columns.setdefault(kind, index)
        if "action" not in columns:
            continue
        actions: list[SentAction] = []
        placeholders = 0
        for row in rows[1:]:
            cells = row.cells

            numbers, recommendation = _plan_recommendation(
                _plan_cell(cells, columns, "recommendation")
            )
            for paragraph in cells[columns["action"]].paragraphs:
                text = " ".join(paragraph.text.split())
                text = _BULLET_RE.sub("", text, count=1)
                if not text:
                    continue
                if _is_placeholder(text):
                    placeholders += 1
                    continue
                actions.append(
                    SentAction(
                        text,
                        numbers,
                        recommendation,
                        owner=_plan_cell(cells, columns, "owner"),
                        target_date=_plan_cell(cells, columns, "target"),
                    )
                )
        if actions or placeholders:
            return actions, placeholders
    return [], 0


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


def _detect_format(data: bytes, name: str) -> str:
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    suffix = Path(name).suffix.lower()
    if suffix in {".docx", ".pdf", ".doc"}:
        raise InputFileError(
            f"'{name}' is not a readable {suffix[1:].upper()} file.",
            hint="Save the letter again as .docx or .pdf (or .txt) and retry.",
        )
    return "text"


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:4096]:
        raise InputFileError(
            f"'{name}' is not a text, Word or PDF document.",
            hint="Archive the letter as .docx, .pdf or .txt.",
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _text_paragraphs(text: str) -> list[Paragraph]:
    """Blank lines separate paragraphs; a line starting with a bullet starts a
    bullet item, and the lines after it (until a blank line) continue it."""
    paragraphs: list[Paragraph] = []
    lines: list[str] = []
    bullet = False

    def close() -> None:
        nonlocal lines, bullet
        if lines:
            if bullet:
                paragraphs.append(Paragraph(" ".join(s.strip() for s in lines), True))
            else:
                paragraphs.append(Paragraph("\n".join(s.strip() for s in lines)))
        lines, bullet = [], False

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not raw.strip():
            close()
            continue
        marker = _BULLET_RE.match(raw)
        if marker:
            close()
            lines, bullet = [raw[marker.end() :]], True
        else:
            lines.append(raw)
    close()
    return paragraphs


def _docx_paragraphs(data: bytes, name: str) -> list[Paragraph]:
    try:
        import docx
        from docx.oxml.ns import qn

        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputFileError(
            f"'{name}' is not a readable Word document.",
            hint="Open it in Word, save it again as .docx, and retry.",
        ) from exc
    except Exception as exc:  # python-docx raises assorted errors on corrupt parts
        raise InputFileError(
            f"'{name}' is not a readable Word document ({type(exc).__name__}).",
            hint="Open it in Word, save it again as .docx, and retry.",
        ) from exc

    numbered_styles = _styles_with_numbering(document)
    comment_texts = _comment_texts(document)
    body = document.element.body
    paragraphs: list[Paragraph] = []
    # Paragraphs in document order, including those inside tables (letterheads
    # often put addresses in a table); w:del text is left out so tracked
    # deletions do not come back, w:ins text is kept.
    for p in body.iter(qn("w:p")):
        parts: list[str] = []
        for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
            if node.tag == qn("w:t"):
                if _inside(node, qn("w:del"), p):
                    continue
                parts.append(node.text or "")
            elif node.tag == qn("w:tab"):
                parts.append(" ")
            else:
                parts.append("\n")
        text = "".join(parts)
        if not text.strip():
            continue
        ppr = p.find(qn("w:pPr"))
        has_numbering = ppr is not None and ppr.find(qn("w:numPr")) is not None
        style_id = None
        if ppr is not None and ppr.find(qn("w:pStyle")) is not None:
            style_id = ppr.find(qn("w:pStyle")).get(qn("w:val"))
        if ppr is not None and ppr.find(qn("w:numPr")) is not None:
            num_id = ppr.find(qn("w:numPr")).find(qn("w:numId"))
            if num_id is not None and num_id.get(qn("w:val")) == "0":  # numbering removed
                has_numbering = False
        bullet = has_numbering or style_id in numbered_styles
        if _inside(p, qn("w:tbl"), body):
            # Table cells (an address block, an action plan) are read as plain
            # text; an action-plan table is read by _docx_action_table.
            bullet = False
        elif not bullet:
            marker = _BULLET_RE.match(text)
            if marker:
                bullet = True
                text = text[marker.end() :]
        if bullet:
            text = " ".join(text.split())
        else:
            text = "\n".join(" ".join(line.split()) for line in text.split("\n") if line.strip())
        highlighted = any(_inside(mark, qn("w:r"), p) for mark in p.iter(qn("w:highlight")))
        comments = tuple(
            comment_texts[ref.get(qn("w:id"))]
            for ref in p.iter(qn("w:commentReference"))
            if ref.get(qn("w:id")) in comment_texts
        )
        paragraphs.append(Paragraph(text, bullet, highlighted, comments))
    return paragraphs


def _comment_texts(document: Any) -> dict[str, str]:
    """Comment id -> comment text (empty when the document has no comments)."""
    try:
        return {str(c.comment_id): c.text for c in document.comments}
    except (AttributeError, KeyError, ValueError):  # no comments part, or a damaged one
        return {}


def _inside(node: Any, tag: str, stop: Any) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _styles_with_numbering(document: Any) -> set[str]:
    """Style ids whose paragraphs are list items (directly or through the style
    they are based on), e.g. Word's "List Bullet"."""
    from docx.oxml.ns import qn

    styles = document.styles.element
    numbered: dict[str, bool] = {}
    based_on: dict[str, str] = {}
    for style in styles.iter(qn("w:style")):
        style_id = style.get(qn("w:styleId"))
        if not style_id:
            continue
        ppr = style.find(qn("w:pPr"))
        numbered[style_id] = ppr is not None and ppr.find(qn("w:numPr")) is not None
        base = style.find(qn("w:basedOn"))
        if base is not None:
            based_on[style_id] = base.get(qn("w:val"))
    result = set()
    for style_id in numbered:
        seen, current = set(), style_id
        while current and current not in seen:
            seen.add(current)
            if numbered.get(current):
                result.add(style_id)
                break
            current = based_on.get(current)
    return result


def _pdf_paragraphs(data: bytes, name: str) -> list[Paragraph]:
    try:
        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [page.extract_text_lines() for page in pdf.pages]
    except Exception as exc:  # pdfminer raises many kinds of error on a damaged file
        raise InputFileError(
            f"'{name}' is not a readable PDF.",
            hint="Archive the .docx the letter was sent from, or save the PDF again.",
        ) from exc
    return _group_pdf_lines(pages)


def _group_pdf_lines(pages: list[list[dict[str, Any]]]) -> list[Paragraph]:
    """Rebuild paragraphs from the pages' text lines: a bullet glyph starts an
    item, a wider vertical gap starts a paragraph, a line back at the left
    margin after an indented bullet ends the bullet, and a paragraph that
    fills its last line on one page carries on at the top of the next."""
    running = _running_lines(pages)
    pages = [
        [
            ln
            for ln in lines
            if ln["text"].strip()
            and not _is_page_furniture(ln["text"])
            and _furniture_key(ln["text"]) not in running
        ]
        for lines in pages
    ]
    every_line = [ln for lines in pages for ln in lines]
    if not every_line:
        return []
    heights = sorted(ln["bottom"] - ln["top"] for ln in every_line)
    line_height = heights[len(heights) // 2] or 10.0
    gaps = sorted(
        max(0.0, b["top"] - a["bottom"])
        for lines in pages
        for a, b in zip(lines, lines[1:], strict=False)
    )
    normal_gap = gaps[len(gaps) // 5] if gaps else 0.0
    paragraph_gap = normal_gap + 0.4 * line_height
    right_margin = max(ln["x1"] for ln in every_line)

    paragraphs: list[Paragraph] = []
    current: list[str] = []
    bullet = False
    text_left = 0.0

    def close() -> None:
        nonlocal current, bullet
        if current:
            joiner = " " if bullet else "\n"
            paragraphs.append(Paragraph(joiner.join(current), bullet))
        current, bullet = [], False

    previous: dict[str, Any] | None = None
    bullet_lines = 0
    for lines in pages:
        for index, line in enumerate(lines):
            text = " ".join(line["text"].split())
            marker = _BULLET_RE.match(text)
            if bullet and bullet_lines == 1 and line["x0"] < text_left - 3.0:
                # A typed bullet has no hanging indent: its second line starts
                # under the bullet sign, so that is where its text lines start.
                text_left = line["x0"]
            outdented = bullet and line["x0"] < text_left - 3.0
            if marker:
                close()
                bullet, bullet_lines = True, 1
                current = [text[marker.end() :]]
                text_left = _text_start_after_marker(line)
                previous = line
                continue
            if previous is None:
                current = [text]
            elif index == 0:
                # Top of a new page: carry on only a paragraph that was still running.
                if previous["x1"] <= right_margin - 60 or outdented:
                    close()
                current.append(text)
            elif line["top"] - previous["bottom"] > paragraph_gap or outdented:
                close()
                current = [text]
            else:
                current.append(text)
            bullet_lines += 1
            previous = line
    close()
    return paragraphs


def _text_start_after_marker(line: dict[str, Any]) -> float:
    chars = [c for c in line.get("chars", []) if c.get("text", "").strip()]
    if len(chars) > 1:
        return float(chars[1]["x0"])
    return float(line["x0"]) + 10.0


def _is_page_furniture(text: str) -> bool:
    """Page numbers and government security markings ("OFFICIAL - SENSITIVE")."""
    text = text.strip()
    return bool(
        re.fullmatch(r"(?:page\s+)?\d{1,3}(?:\s+of\s+\d{1,3})?", text, re.I)
        or re.fullmatch(r"official(?:\s*[-–:]?\s*sensitive)?", text, re.I)
    )


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split()).lower())


def _running_lines(pages: list[list[dict[str, Any]]]) -> set[str]:
    """Running headers and footers: a line at the top or bottom of most pages
    (page numbers counted as the same), so it does not interrupt a paragraph
    that carries on over a page break."""
    if len(pages) < 2:
        return set()
    seen: dict[str, int] = {}
    for lines in pages:
        edge = {_furniture_key(ln["text"]) for ln in lines[:2] + lines[-2:]}
        for key in edge:
            seen[key] = seen.get(key, 0) + 1
    return {key for key, count in seen.items() if count >= max(2, (len(pages) + 1) // 2)}


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
        recommendation_count = int(raw) if raw.isdigit() else _COUNT_WORDS[raw]

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
        numbers = _recommendation_numbers(lead or "")
        for text, comments in items:
            if _is_placeholder(text):
                placeholders.append(text)
                continue
            answered = _answered_in_comment(comments)
            if answered is not None:
                actions.append(SentAction(text, answered[0], answered[1]))
            else:
                actions.append(SentAction(text, numbers))

    if placeholders:
        warnings.append(
            f"{len(placeholders)} bullet(s) are still placeholders in [brackets] and were not "
            "archived as actions; check the letter was finished before it was sent."
        )
    flagged = [p for p in body if p.bullet and p.highlighted and not _is_placeholder(p.text)]
    if flagged:
        warnings.append(
            f"{len(flagged)} bullet(s) are still highlighted, as drafter marks text to fill "
            "in; check the letter was finished before it was sent."
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
        from .regions import canonical_region, region_for_unit, region_names
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


# --- archiving -------------------------------------------------------------------


def _crash_hook() -> None:
    """Called inside the archive transaction after the file row is written.
    Tests replace it to kill the process mid-archive; it does nothing here."""


@dataclass
class ActionLink:
    """The recommendation an action answers: its text, its position(s) in the
    report's list, and how the link was found (one of LINK_KINDS)."""

    recommendation: str | None
    numbers: list[int]
    kind: str


def archive_letter(
    path: str | Path,
    library: Any,
    *,
    report: Report | str | Path | None = None,
    review: ReviewFile | str | Path | None = None,
    sent_date: date | None = None,
    supersede: bool | None = None,
) -> ArchiveResult:
    """Archive the sent letter at ``path`` into ``library``'s database.

    ``report`` (a :class:`Report` or a path) or ``review`` (a ReviewFile or a
    path) tie each action to the recommendation(s) it answers; without them the
    letter's own "Recommendation N" headings are used, else the link is stored
    as unknown. ``sent_date`` defaults to the letter's date.

    Archiving the same file again changes nothing (``created`` is False). If the
    unit already has a current letter, ``supersede`` must say whether this one
    replaces it (``True``: the old letter and its actions are marked
    superseded; ``False``: both are kept); ``None`` raises
    :class:`SupersedeDecisionNeeded`. Everything is written in one transaction.
    """
    data = read_input_bytes(path, MAX_LETTER_BYTES)
    name = Path(path).name
    letter = read_sent_letter_bytes(data, name=name)
    report_obj = _load_report(report)
    review_obj = _load_review(review)
    if report_obj is not None and report_obj.recommendations:
        in_report = len(report_obj.recommendations)
        if letter.recommendation_count is None:
            letter.recommendation_count = in_report
        elif letter.recommendation_count != in_report:
            letter.warnings.append(
                f"The letter speaks of {letter.recommendation_count} recommendations but the "
                f"report makes {in_report}."
            )
    if letter.unit is None and report_obj is not None:
        letter.unit = report_obj.unit
        letter.warnings = [w for w in letter.warnings if "which unit" not in w]
    if letter.unit is None and review_obj is not None:
        letter.unit = review_obj.unit
    for source, unit in (
        ("report", report_obj.unit if report_obj else None),
        ("review file", review_obj.unit if review_obj else None),
    ):
        if unit and letter.unit and unit_key(unit) != unit_key(letter.unit):
            letter.warnings.append(
                f"The letter is about {letter.unit} but the {source} is about {unit}; "
                "check you gave the right one."
            )
    links = link_actions(letter, report=report_obj, review=review_obj)
    report_sha256 = (report_obj.sha256 if report_obj else None) or (
        review_obj.report_sha256 if review_obj else None
    )
    try:
        return _store(
            library,
            data,
            letter,
            links,
            report_sha256=report_sha256,
            sent_date=sent_date,
            supersede=supersede,
        )
    except IntegrityError:
        # Another drafter archived the same file at the same moment (PostgreSQL
        # lets both check before either commits). Looking again finds it.
        return _store(
            library,
            data,
            letter,
            links,
            report_sha256=report_sha256,
            sent_date=sent_date,
            supersede=supersede,
        )


def _load_report(report: Any) -> Report | None:
    if report is None or not isinstance(report, (str, Path)):
        return report
    from .reader import read_report

    return read_report(report)


def _load_review(review: Any) -> ReviewFile | None:
    if review is None or not isinstance(review, (str, Path)):
        return review
    from .review import load_review

    return load_review(review)


def link_actions(
    letter: SentLetter, *, report: Report | None = None, review: ReviewFile | None = None
) -> list[ActionLink]:
    """For each action, the recommendation it answers and how that was found."""

    recommendations: dict[int, str] = {}
    if report is not None:
        recommendations = {i + 1: r.text for i, r in enumerate(report.recommendations)}
    elif review is not None:
        recommendations = {i + 1: d.recommendation for i, d in enumerate(review.decisions)}
    elif letter.quoted_recommendations:
        recommendations = dict(enumerate(letter.quoted_recommendations, start=1))

    links: list[ActionLink] = []
    matched = _match_by_matcher(letter, list(recommendations.values()))
    for index, action in enumerate(letter.actions):
        if review is not None:
            best: tuple[float, int] | None = None
            for position, decision in enumerate(review.decisions, start=1):
                for chosen in decision.actions:
                    score = fuzz.token_set_ratio(action.text, chosen.text)
                    if best is None or score > best[0]:
                        best = (score, position)
            if best is not None and best[0] >= 80:
                links.append(ActionLink(recommendations[best[1]], [best[1]], "review"))
                continue
        if action.recommendation_text and recommendations:
            wanted = _same_words(action.recommendation_text)
            position = next(
                (n for n, text in recommendations.items() if _same_words(text) == wanted), None
            )
            if position is not None:
                links.append(ActionLink(recommendations[position], [position], "letter"))
                continue
        if action.recommendation_numbers and recommendations:
            numbers = [n for n in action.recommendation_numbers if n in recommendations]
            if numbers:
                links.append(ActionLink(recommendations[numbers[0]], numbers, "letter"))
                continue
        if index in matched:
            numbers = matched[index]
            links.append(ActionLink(recommendations[numbers[0]], numbers, "matched"))
            continue
        if recommendations:
            scored = sorted(
                (
                    (fuzz.token_set_ratio(action.text, text), n)
                    for n, text in recommendations.items()
                ),
                reverse=True,
            )
            # Plain similarity is a weak signal: only trust a clear resemblance,
            # or a report with a single recommendation.
            if scored[0][0] >= FUZZY_LINK_MIN or len(recommendations) == 1:
                links.append(ActionLink(recommendations[scored[0][1]], [scored[0][1]], "matched"))
                continue
            links.append(ActionLink(None, [], "unknown"))
            continue
        if action.recommendation_numbers:
            links.append(
                ActionLink(
                    action.recommendation_text, list(action.recommendation_numbers), "letter"
                )
            )
            continue
        links.append(ActionLink(None, [], "unknown"))
    return links


def _same_words(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def _match_by_matcher(letter: SentLetter, recommendations: list[str]) -> dict[int, list[int]]:
    """Use the library matcher in reverse: treat the letter's actions as the
    library and score them against each recommendation. Returns action index ->
    recommendation positions (1-based), best first: the best one, plus any other
    that also clears the matcher's no-match threshold (an action can answer
    several recommendations)."""
    try:
        from .matching import NO_MATCH_THRESHOLD, Matcher
        from .model import LibraryAction
    except ImportError:  # pragma: no cover - matching is part of drafter
        return {}
    if not recommendations or not letter.actions:
        return {}
    actions = [LibraryAction(id=i, text=a.text) for i, a in enumerate(letter.actions)]
    matcher = Matcher(actions)
    # rows: recommendations, columns: actions
    table = [list(matcher.scores(text)) for text in recommendations]
    linked: dict[int, list[int]] = {}
    for index in range(len(actions)):
        ranked = sorted(
            ((float(row[index]), position) for position, row in enumerate(table, start=1)),
            reverse=True,
        )
        if ranked[0][0] <= 0:
            continue  # nothing in common: leave it to plain text similarity
        linked[index] = [ranked[0][1]] + [p for s, p in ranked[1:] if s >= NO_MATCH_THRESHOLD]
    return linked


def _store(
    library: Any,
    data: bytes,
    letter: SentLetter,
    links: list[ActionLink],
    *,
    report_sha256: str | None,
    sent_date: date | None,
    supersede: bool | None,
) -> ArchiveResult:

    db = getattr(library, "db", library)
    with db.session() as session:
        _begin_write(session)
        existing = session.scalar(select(LetterRow).where(LetterRow.sha256 == letter.sha256))
        if existing is not None:
            return ArchiveResult(letter=_to_archived(session, existing), created=False)
        previous = _current_letter_for_unit(session, letter.unit)
        if previous is not None and supersede is None:
            raise SupersedeDecisionNeeded(previous.id, letter.unit or "", previous.letter_date)

        if session.get(LetterFileRow, letter.sha256) is None:
            session.add(
                LetterFileRow(
                    sha256=letter.sha256,
                    content=data,
                    file_name=letter.file_name,
                    media_type=MEDIA_TYPES[letter.source_format],
                    size=len(data),
                )
            )
            session.flush()
        _crash_hook()
        row = LetterRow(
            sha256=letter.sha256,
            unit=letter.unit,
            region=letter.region,
            letter_date=letter.letter_date,
            sent_date=sent_date or letter.letter_date,
            recipient=letter.recipient,
            signatory=letter.signatory,
            subject=letter.subject,
            report_sha256=report_sha256,
            recommendation_count=letter.recommendation_count,
            positive_findings=list(letter.positive_findings),
            supersedes_id=previous.id if previous is not None and supersede else None,
            status="current",
        )
        session.add(row)
        session.flush()
        if previous is not None and supersede:
            previous.status = "superseded"
            for old in session.scalars(select(ActionRow).where(ActionRow.letter_id == previous.id)):
                old.status = "superseded"
            for old in session.scalars(
                select(CommitmentRow).where(
                    CommitmentRow.letter_id == previous.id, CommitmentRow.status == "open"
                )
            ):
                old.status = "superseded"

        committed_on = sent_date or letter.letter_date
        for action, link in zip(letter.actions, links, strict=True):
            due, phrase = None, None
            if action.target_date:  # an action plan's "Target date" column
                due, phrase = extract_due_date(
                    f"by {action.target_date}", letter.letter_date or committed_on
                )
                if due is None:
                    due, phrase = extract_due_date(
                        action.target_date, letter.letter_date or committed_on
                    )
            if due is None:
                due, phrase = extract_due_date(action.text, letter.letter_date or committed_on)
            extra = {"recommendation_numbers": link.numbers, "recommendation_link": link.kind}
            library_action = _add_library_action(
                library,
                session,
                text=action.text,
                recommendation=link.recommendation,
                unit=letter.unit,
                region=letter.region,
                committed_on=letter.letter_date or committed_on,
                owner=action.owner,
                due=phrase or action.target_date,
                letter_id=row.id,
                extra=extra,
            )
            session.add(
                CommitmentRow(
                    letter_id=row.id,
                    action_id=library_action,
                    unit=letter.unit,
                    text=action.text,
                    recommendation=link.recommendation,
                    due_date=due,
                    due_text=phrase,
                    status="open",
                )
            )
        session.flush()
        archived = _to_archived(session, row)
    return ArchiveResult(
        letter=archived,
        created=True,
        superseded_id=previous.id if previous is not None and supersede else None,
        warnings=list(letter.warnings),
    )


def _begin_write(session: Any) -> None:
    """On SQLite, take the write lock at the start so that two archives at once
    queue up (busy timeout) instead of one failing when it upgrades a read lock."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _add_library_action(library: Any, session: Any, **values: Any) -> int:
    """Add one action to the library inside the archive transaction."""
    source_ref = f"letter {values['letter_id']}"
    add = getattr(library, "add_action", None)
    if add is not None:
        action = add(source_kind="letter", source_ref=source_ref, session=session, **values)
        row_id = int(action.id)
    else:  # archiving straight into a Database (no Library object)
        fingerprint = action_fingerprint(
            values["text"], values["recommendation"], values["unit"], values["committed_on"]
        )

        row = session.scalar(select(ActionRow).where(ActionRow.fingerprint == fingerprint))
        if row is None:
            row = ActionRow(
                source_kind="letter",
                source_ref=source_ref,
                status="active",
                fingerprint=fingerprint,
                tags=[],
                **values,
            )
            session.add(row)
            session.flush()
        row_id = row.id

    # An identical action already in the library (same words, unit and date) is
    # reused. If it came from the letter being replaced, it carries over to the
    # new letter and stays active; an action from a letter still current keeps
    # its original letter.
    stored = session.get(ActionRow, row_id)
    if stored is not None and (stored.letter_id is None or stored.status == "superseded"):
        stored.letter_id = values["letter_id"]
        stored.source_ref = f"letter {values['letter_id']}"
        stored.status = "active"
    return row_id


def _current_letter_for_unit(session: Any, unit: str | None) -> Any:

    if not unit:
        return None
    key = unit_key(unit)
    rows = session.scalars(
        select(LetterRow).where(LetterRow.status == "current").order_by(LetterRow.id.desc())
    )
    for row in rows:
        if row.unit and unit_key(row.unit) == key:
            return row
    return None


def _to_archived(session: Any, row: Any, *, with_actions: bool = True) -> ArchivedLetter:

    file_row = session.get(LetterFileRow, row.sha256)
    actions: list[ArchivedAction] = []
    if with_actions:
        commitments = session.scalars(
            select(CommitmentRow)
            .where(CommitmentRow.letter_id == row.id)
            .order_by(CommitmentRow.id)
        ).all()
        for commitment in commitments:
            action = session.get(ActionRow, commitment.action_id) if commitment.action_id else None
            extra = dict(action.extra or {}) if action is not None else {}
            actions.append(
                ArchivedAction(
                    action_id=commitment.action_id or 0,
                    commitment_id=commitment.id,
                    text=commitment.text,
                    recommendation=commitment.recommendation,
                    recommendation_numbers=list(extra.get("recommendation_numbers", [])),
                    link=extra.get("recommendation_link", "unknown"),
                    due_date=commitment.due_date,
                    due_text=commitment.due_text,
                )
            )
    return ArchivedLetter(
        id=row.id,
        sha256=row.sha256,
        file_name=file_row.file_name if file_row else "",
        media_type=file_row.media_type if file_row else "",
        size=file_row.size if file_row else 0,
        unit=row.unit,
        region=row.region,
        letter_date=row.letter_date,
        sent_date=row.sent_date,
        recipient=row.recipient,
        signatory=row.signatory,
        subject=row.subject,
        recommendation_count=row.recommendation_count,
        positive_findings=list(row.positive_findings or []),
        status=row.status,
        supersedes_id=row.supersedes_id,
        archived_at=row.created_at,
        actions=actions,
    )


# --- listing, showing, exporting -------------------------------------------------


def list_letters(store: Any) -> list[ArchivedLetter]:
    """Every archived letter, oldest first, with its actions."""

    with getattr(store, "db", store).session() as session:
        rows = session.scalars(select(LetterRow).order_by(LetterRow.id)).all()
        return [_to_archived(session, row) for row in rows]


def get_letter(store: Any, letter_id: int) -> ArchivedLetter:

    with getattr(store, "db", store).session() as session:
        row = session.get(LetterRow, letter_id)
        if row is None:
            raise DrafterError(
                f"There is no archived letter {letter_id}.",
                hint="Run 'drafter archive list' to see their numbers.",
            )
        return _to_archived(session, row)


def letter_file(store: Any, letter_id: int) -> tuple[str, bytes]:
    """The archived file of a letter: (original name, content)."""

    with getattr(store, "db", store).session() as session:
        row = session.get(LetterRow, letter_id)
        if row is None:
            raise DrafterError(
                f"There is no archived letter {letter_id}.",
                hint="Run 'drafter archive list' to see their numbers.",
            )
        file_row = session.get(LetterFileRow, row.sha256)
        return file_row.file_name, bytes(file_row.content)


INDEX_FIELDS = (
    "id",
    "exported_file",
    "original_file_name",
    "sha256",
    "unit",
    "region",
    "letter_date",
    "sent_date",
    "recipient",
    "signatory",
    "subject",
    "recommendation_count",
    "status",
    "supersedes_id",
    "archived_at",
    "actions",
    "positive_findings",
)


@dataclass
class ExportResult:
    folder: Path
    files: list[Path]
    index_csv: Path
    index_json: Path
    commitments_csv: Path


def export_archive(store: Any, folder: str | Path, *, force: bool = False) -> ExportResult:
    """Write every archived file (by its original name, made unique) plus
    ``index.csv``, ``index.json`` (letters and commitments with their notes) and
    ``commitments.csv`` into ``folder``. A non-empty folder is
    refused unless ``force``; each file is written atomically."""
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise DrafterError(
            f"'{target}' is a file, not a folder.", hint="Give a folder to export to."
        )
    if target.is_dir() and any(target.iterdir()) and not force:
        raise DrafterError(
            f"The folder '{target}' is not empty.",
            hint="Choose an empty or new folder, or add --force to write into it.",
        )
    target.mkdir(parents=True, exist_ok=True)
    letters = list_letters(store)
    used: set[str] = set()
    written: list[Path] = []
    index: list[dict[str, Any]] = []
    for letter in letters:
        name, content = letter_file(store, letter.id)
        export_name = _unique_name(_safe_file_name(name) or f"letter-{letter.id}", used)
        written.append(atomic_write_bytes(target / export_name, content, force=force))
        record = letter.to_dict()
        record["exported_file"] = export_name
        record["original_file_name"] = name
        index.append(record)
    # Follow-up progress travels with the archive: every commitment, with its notes.
    commitments = list_commitments(store, include_closed=True)
    commitments.sort(key=lambda c: c.id)
    json_path = atomic_write_text(
        target / "index.json",
        json.dumps(
            {"letters": index, "commitments": [c.to_dict() for c in commitments]},
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        force=force,
    )
    commitments_path = atomic_write_text(
        target / "commitments.csv", commitments_csv(commitments), force=force
    )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=INDEX_FIELDS, lineterminator="\n")
    writer.writeheader()
    for record in index:
        row = {k: record.get(k) for k in INDEX_FIELDS}
        row["actions"] = "\n".join(a["text"] for a in record["actions"])
        row["positive_findings"] = "\n".join(record["positive_findings"])
        writer.writerow(row)
    csv_path = atomic_write_text(target / "index.csv", out.getvalue(), force=force)
    return ExportResult(
        folder=target,
        files=written,
        index_csv=csv_path,
        index_json=json_path,
        commitments_csv=commitments_path,
    )


_EXPORT_INDEX_NAMES = {"index.csv", "index.json", "commitments.csv"}


def _safe_file_name(name: str) -> str:
    name = Path(name.replace("\\", "/")).name
    return re.sub(r"[\x00-\x1f<>:\"/\\|?*]", "_", name).strip(". ")


def _unique_name(name: str, used: set[str]) -> str:
    stem, suffix = Path(name).stem, Path(name).suffix
    candidate, n = name, 2
    while candidate.lower() in used or candidate.lower() in _EXPORT_INDEX_NAMES:
        candidate = f"{stem} ({n}){suffix}"
        n += 1
    used.add(candidate.lower())
    return candidate


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _long_date(value: date | None) -> str | None:
    if value is None:
        return None
    return f"{value.day} {value:%B %Y}"
