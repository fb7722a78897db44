"""Is a document a response letter? Recognised by its structure.

A folder of a region's past correspondence holds letters, action plans,
inspection reports and meeting minutes side by side. Only letters and action
plans are archived. The decision weighs what each kind of document is built
from, not any particular wording:

* a letter has a salutation ("Dear …") near its start, a sign-off ("Yours
  sincerely", "Kind regards") after it, and is a few pages long;
* an action plan is a table with a column of actions beside the
  recommendations they answer (or whether each is agreed);
* an inspection report has a contents list or foreword, ratings beside
  numbered standards, "… should:" lists of recommendations, many short
  section headings, and runs to thousands of words;
* minutes have "Present", "Apologies", "Agenda" or "Matters arising" labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from drafter.archive.paragraphs import Paragraph

#: Longer than any response letter (a few pages, 500-2,500 words).
LONG_DOCUMENT_WORDS = 6000

_SALUTATION_RE = re.compile(r"^\s*dear\s+\S", re.I)
_CLOSING_RE = re.compile(
    r"^\s*(?:yours\s+(?:sincerely|faithfully|truly)|(?:kind|best|warm)(?:est)?\s+regards|"
    r"regards|best\s+wishes|with\s+(?:best|kind)\s+(?:wishes|regards))\b",
    re.I,
)
_RATING = r"(?:outstanding|good|requires\s+improvement|inadequate)"
#: A rating standing alone (a table cell), or closing a numbered standard's line.
_RATING_LINE_RE = re.compile(
    rf"^\s*(?:(?:[PR]\s*)?\d\.\d{{1,2}}\b[^.]{{0,80}}?\s)?{_RATING}\s*$|"
    rf"^\s*(?:overall\s+)?rating\s*:?\s*{_RATING}?\s*$",
    re.I,
)
#: A numbered standard as reports print them: "P 1.1 Leadership", "2.3 Implementation".
_STANDARD_RE = re.compile(r"^\s*(?:[PR]\s+)?\d\.\d{1,2}\s+[A-Z][a-z]")
#: A recommendations list's lead-in: "The North West region should:".
_SHOULD_RE = re.compile(r"\bshould\s*:\s*$", re.I)
#: Headings that structure a report rather than a letter (after numbering and
#: any trailing "(…)" link are removed).
_REPORT_SECTIONS = {
    "contents",
    "table of contents",
    "foreword",
    "executive summary",
    "summary",
    "introduction",
    "background",
    "ratings",
    "methodology",
    "further information",
    "glossary",
    "annexe",
    "annex",
    "appendix",
    "overall findings",
    "key findings",
}
_CONTENTS_LINE_RE = re.compile(r"\S.*?(?:\.{4,}|…{2,}|\t)\s*\d{1,3}\s*$")
_MINUTES_RE = re.compile(
    r"^\s*(?:present|attendees|in\s+attendance|apologies(?:\s+for\s+absence)?|agenda(?:\s+item)?|"
    r"minutes(?:\s+of)?|matters\s+arising|any\s+other\s+business|aob|date\s+of\s+(?:the\s+)?next"
    r"\s+meeting|chair(?:ed\s+by)?|action\s+log)\b\s*[:.\-–]?",
    re.I,
)


@dataclass
class DocumentKind:
    """What a document is, and the structure that says so.

    ``kind`` is "letter", "action plan", "inspection report", "minutes" or
    "unknown"; only the first two are response letters."""

    kind: str
    evidence: list[str] = field(default_factory=list)

    @property
    def is_response_letter(self) -> bool:
        return self.kind in {"letter", "action plan"}

    @property
    def reason(self) -> str:
        """Why it is not a response letter, in a sentence's second half:
        "it looks like an inspection report (a foreword, 8 ratings, …)"."""
        described = {
            "inspection report": "it looks like an inspection report",
            "minutes": "it looks like the minutes of a meeting",
            "unknown": "it has neither a letter's shape nor an action plan's table",
        }.get(self.kind, f"it is a {self.kind}")
        shown = ", ".join(self.evidence[:4])
        return f"{described} ({shown})" if self.evidence else described


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _heading_name(text: str) -> str:
    text = re.sub(r"\([^)]*\)\s*$", "", text.strip())
    text = re.sub(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[A-Z]\.)\s+", "", text)
    return " ".join(text.lower().strip(" :.").split())


def recognise(paragraphs: list[Paragraph], *, action_plan_table: bool = False) -> DocumentKind:
    """Decide from its paragraphs (and whether it holds an action-plan table)
    what kind of document this is."""
    lines = [line for p in paragraphs for line in p.text.split("\n") if line.strip()]
    words = sum(len(p.text.split()) for p in paragraphs)
    # The salutation comes before the letter's first list, however long the
    # address block above it (a letterhead may give every line a paragraph).
    first_bullet = next((i for i, p in enumerate(paragraphs) if p.bullet), len(paragraphs))
    opening = paragraphs[: max(first_bullet, 12, len(paragraphs) // 3)]
    salutation = any(_SALUTATION_RE.match(p.text) for p in opening if not p.bullet)
    closing = any(_CLOSING_RE.match(line) for line in lines)

    sections = {_heading_name(line) for line in lines if len(line.split()) <= 8}
    report_sections = sorted(sections & _REPORT_SECTIONS)
    ratings = sum(1 for line in lines if _RATING_LINE_RE.match(line))
    standards = sum(1 for line in lines if _STANDARD_RE.match(line))
    should_lists = sum(1 for line in lines if _SHOULD_RE.search(line))
    contents_lines = sum(1 for line in lines if _CONTENTS_LINE_RE.fullmatch(line.strip()))
    report: list[str] = []
    if report_sections:
        names = ", ".join(f'"{name.capitalize()}"' for name in report_sections[:4])
        report.append(f"section headings {names}")
    if contents_lines >= 3:
        report.append("a contents list")
    if ratings >= 2:
        report.append(_plural(ratings, "rating"))
    if standards >= 3:
        report.append(_plural(standards, "numbered standard"))
    if should_lists:
        report.append(_plural(should_lists, '"… should:" list') + " of recommendations")
    if words >= LONG_DOCUMENT_WORDS:
        report.append(f"{words:,} words, more than any letter")
    minutes_labels = sorted(
        {_heading_name(m.group(0)) for line in lines if (m := _MINUTES_RE.match(line))}
    )
    minutes: list[str] = []
    if len(minutes_labels) >= 2:
        names = ", ".join(f'"{name.capitalize()}"' for name in minutes_labels[:4])
        minutes.append(f"meeting labels {names}")

    letter_signs = int(salutation) + int(closing)
    missing = []
    if not salutation:
        missing.append('no "Dear …"')
    if not closing:
        missing.append('no sign-off such as "Yours sincerely"')

    if letter_signs == 2 and len(report) < 3 and not minutes:
        return DocumentKind("letter", ["a salutation", "a sign-off"])
    if action_plan_table and len(report) < 3 and not minutes:
        return DocumentKind("action plan", ["a table of actions against recommendations"])
    if letter_signs == 1 and len(report) < 2 and not minutes:
        return DocumentKind("letter", ["a salutation" if salutation else "a sign-off"])
    if len(minutes_labels) >= 2 and len(minutes_labels) >= len(report):
        return DocumentKind("minutes", missing + minutes)
    if report:
        return DocumentKind("inspection report", missing + report)
    return DocumentKind("unknown", missing)
