"""Turn a report's logical blocks into a :class:`~drafter.core.model.Report`.

Every format (HTML, PDF, DOCX, text) is first reduced by :mod:`drafter.reading.reader`
to one flat list of :class:`Block` objects: headings, paragraphs, list items
and table rows, in reading order. This module is the single parser behind all
of them, so a report reads the same whatever format it was saved in.

The parser leans on the fixed vocabulary of HMI Probation reports (section
titles, "Overall rating", "<addressee> should:", "Strengths:") rather than on
layout, because layout is exactly what differs between a web page, a PDF and
text pasted from either.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Literal

from drafter.core.dates import read_date
from drafter.core.errors import NotAReportError
from drafter.core.lazy import lazy_compile
from drafter.core.model import RATINGS, Finding, KeyQuestion, Recommendation, Report, Standard
from drafter.core.normalise import (
    COUNT_WORDS,
    clean_recommendation_text,
    join_wrapped,
    normalise_text,
    split_list_marker,
    strip_honours,
)

BlockKind = Literal["heading", "paragraph", "item", "row"]


@dataclass(frozen=True)
class Block:
    """One logical unit of a document, in reading order.

    ``text`` may contain "\\n" where the source had a hard line break inside
    the block (``<br>``, a signature); parsers normalise it as they need.
    ``number`` is a list item's number as printed; ``bullet`` marks bulleted
    items; ``cells`` holds a table row's cell texts; ``level`` is a heading's
    level (1 = title) where the format says; ``depth`` is a list item's
    nesting (0 = top level) where the format says (Word does, text does not).
    """

    kind: BlockKind
    text: str
    number: int | None = None
    bullet: bool = False
    cells: tuple[str, ...] = ()
    level: int = 0
    depth: int = 0

    @cached_property
    def flat(self) -> str:
        """The text normalised (asked for many times per block while parsing)."""
        return normalise_text(self.text)


# --- vocabulary ---------------------------------------------------------------

_RATING = "|".join(map(re.escape, RATINGS))
#: Ratings are sometimes printed in quotes: "‘Inadequate’".
_QUOTE = "[‘’'\"“”]?"
#: The 2024 youth justice framework may leave a domain unrated.
_RATING_OR_NONE = f"{_RATING}|Not rated"
_RATING_ONLY = lazy_compile(rf"^(?:rating\s*:?\s*)?{_QUOTE}(?:{_RATING_OR_NONE}){_QUOTE}$", re.I)
_PERCENT_ONLY = lazy_compile(r"^\d{1,3}\s?%$")
_ENDS_WITH_RATING_OR_PERCENT = lazy_compile(
    rf"(?:(?:{_RATING_OR_NONE}){_QUOTE}|\d{{1,3}}\s?%)$", re.I
)
_BACK_TO_TOP = lazy_compile(r"\s*\(?back to top\)?\s*$", re.I)
_TOC_LINE = lazy_compile(r"(?:\.\s*){4,}\s*\d*\s*$|\s\d{1,3}$")
_PAGE_NUMBER = lazy_compile(r"^(?:page\s+)?\d{1,3}(?:\s+of\s+\d{1,3})?$", re.I)

_TITLE = lazy_compile(
    r"^(?:an?\s+|the\s+|joint\s+|full\s+|core\s+)*inspection\s+of\s+"
    r"(probation|youth\s+justice|youth\s+offending)\s+(?:services?|work)"
    # The 2024 youth framework: "… youth justice work with children and victims in …"
    r"(?:\s+with\s+children(?:\s+and\s+victims)?)?"
    r"\s*(?:in\s*:?\s+|[:–—-]\s*(?:in\s+)?)(?P<unit>.+)$",
    re.I,
)
#: The regional public-protection inspections published from January 2026:
#: "Dynamic Inspection of Public Protection in North East region".
_DIPP_TITLE = lazy_compile(
    r"^(?:an?\s+|the\s+)?(dynamic)\s+inspections?\s+of\s+public\s+protection"
    r"\s*(?:in\s*:?\s+|[:–—-]\s*(?:in\s+)?)(?:the\s+)?(?P<unit>.+)$",
    re.I,
)
#: The four domains the 2024 youth justice framework rates, in its order.
_YOUTH_DOMAINS = {
    "governance and leadership": "1",
    "post-court work": "2",
    "pre-court work": "3",
    "resettlement": "4",
}
_YOUTH_DOMAIN = (
    r"(?:(?:domain\s*)?(?P<code>\d)\s*[.:–—-]?\s*)?"
    r"(?P<name>governance\s+and\s+leadership|post[- ]?court\s+work|pre[- ]?court\s+work"
    r"|resettlement)"
)
_YOUTH_DOMAIN_RATED = lazy_compile(
    rf"^{_YOUTH_DOMAIN}(?:\s*[-–—:|]|\s+[Rr]ating\s*:?)*\s*{_QUOTE}"
    rf"(?P<rating>{_RATING_OR_NONE}){_QUOTE}$",
    re.I,
)
_YOUTH_DOMAIN_ONLY = lazy_compile(rf"^{_YOUTH_DOMAIN}(?:\s+(?:domain|findings))?$", re.I)
_UNIT_PLACEHOLDER = "\x00unit"
_RUNNING_TITLE = lazy_compile(
    r"^(?:an\s+)?inspection of (probation|youth justice|youth offending) services\s*:\s*(.+)$",
    re.I,
)
_STANDARD_RATED = lazy_compile(
    rf"^(?:[PR]\s?)?(\d\.\d)\.?\s*(?P<name>[A-Z][^\n]{{1,160}}?)"
    rf"(?:\s*[-–—:|]|\s+[Rr]ating\s*:?)*\s*{_QUOTE}(?P<rating>(?i:{_RATING})){_QUOTE}$"
)
_STANDARD_HEADING = lazy_compile(
    r"^(?:[PR]\s?)?(\d\.\d)\.?\s+(?P<name>[A-Z][^?]{1,80}?)(?:Rating)?$"
)
_OVERALL = lazy_compile(
    rf"overall rating\s*(?:(?:is|was|of)\s+)?[:–—-]?\s*{_QUOTE}({_RATING})(?!\w)", re.I
)
#: Where no table gives it, the foreword's sentence: "Overall, Harbridge YJS
#: was rated as ‘Good’", "We have rated the PDU as ‘Inadequate’ overall".
_OVERALL_PROSE = (
    lazy_compile(rf"\boverall,?\s[^.]{{0,100}}?\bwas rated (?:as )?{_QUOTE}({_RATING})", re.I),
    lazy_compile(rf"\brated (?:the \w+ |it )?(?:as )?{_QUOTE}({_RATING}){_QUOTE} overall\b", re.I),
)
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_FIELDWORK = lazy_compile(
    rf"fieldwork (?:started|began|commenced)\s*:?\s*(?:on\s+)?"
    rf"(?:\d{{1,2}}\s+)?({_MONTH}\s+\d{{4}})",
    re.I,
)
#: Where the ratings table gives no date: "We conducted fieldwork … beginning 23 June 2025".
_FIELDWORK_PROSE = lazy_compile(
    rf"fieldwork\b[^.]{{0,120}}?\b(?:beginning|starting|commencing)(?: on)?\s+"
    rf"(?:\d{{1,2}}\s+)?({_MONTH}\s+\d{{4}})",
    re.I,
)
#: Other ways a report dates its fieldwork: "Fieldwork took place in June 2025",
#: "fieldwork was carried out between 3 and 14 June 2025", "Fieldwork dates:
#: 3–7 March 2025". The date must follow "fieldwork" in the same sentence.
_FIELDWORK_LOOSE = lazy_compile(
    rf"fieldwork\b(?:\s+(?:dates?|period|week))?[^.]{{0,80}}?"
    rf"\b(?:in|during|between|from|on|of|dates?\s*:?|period\s*:?|week\s*:?)\s+"
    rf"(?:(?:the\s+)?(?:week|weeks|fortnight)\s+(?:of|commencing|beginning)\s+)?"
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s*(?:{_MONTH}\s*)?(?:(?:and|to|-|–)\s*\d{{1,2}}(?:st|nd|rd|th)?\s+)?)?"
    rf"({_MONTH}\s+\d{{4}})",
    re.I,
)
_SCORE = lazy_compile(
    r"(?<![A-Za-z])score\s*(?:of\s+)?:?\s*(\d{1,2}\s*(?:/|out of)\s*\d{1,2})\b", re.I
)
_PUBLISHED = lazy_compile(
    r"^(?:published|date of publication|publication date)\s*:?\s*(?:on\s+)?"
    r"(\d{1,2}\s+[A-Z][a-z]+\s+\d{4})",
    re.I,
)
_LEAD = lazy_compile(
    r"led by (?:HM |His Majesty['’]s |Her Majesty['’]s )?(?:Inspector|inspector)s?\s+"
    r"((?:[A-Z][\w'’-]+\s+){0,3}[A-Z][\w'’-]+)"
)
#: A credits line: "Lead inspector: Sam Smith".
_LEAD_LABEL = lazy_compile(
    r"^(?i:lead inspector)\s*[:–—-]?\s*((?:[A-Z][\w'’-]+\s+){1,3}[A-Z][\w'’-]+)$"
)
_LEAD_AFTER = lazy_compile(
    r"led by ((?:[A-Z][\w'’-]+\s+){1,3}[A-Z][\w'’-]+),? (?:an? )?HM Inspector"
)
_CHIEF_TITLE = r"(?:HM|His Majesty['’]s|Her Majesty['’]s)?\s*Chief Inspector of Probation"
_CHIEF_LINE = lazy_compile(rf"^{_CHIEF_TITLE}$", re.I)
#: Name and title on one line, either way round: "Martin Jones CBE, HM Chief
#: Inspector of Probation" or "HM Chief Inspector of Probation, Martin Jones".
_CHIEF_NAME_FIRST = lazy_compile(
    rf"^(?!(?:HM|His|Her|The)\b)(?P<name>[A-Z][^,\n]{{2,60}}?)\s*[,–—-]?\s+{_CHIEF_TITLE}$"
)
_CHIEF_TITLE_FIRST = lazy_compile(rf"^{_CHIEF_TITLE}\s*[,:–—-]\s*(?P<name>[A-Z][^,\n]{{2,60}})$")
_KEY_QUESTION = lazy_compile(r"^(?P<q>.+\?)\s*(?P<pct>\d{1,3})\s?%$")
#: "The PDU should:", also "… should, as a priority:" and "… should" without the colon.
_ADDRESSEE = lazy_compile(
    r"^(?P<who>\S.{0,150}?)\s+(?P<verb>(?:should|must)(?:,[^.;:]{1,40}(?=:))?)(?:\s*:)?$", re.I
)
_LABEL = lazy_compile(
    r"^(?:(?:the\s+)?(?:key|main|principal)\s+)?(strengths|areas for improvement)\s*:?$", re.I
)

_SECTION_TITLES = {
    "foreword": "foreword",
    "ratings": "ratings",
    "recommendations": "recommendations",
    "recommendation": "recommendations",
    "our recommendations": "recommendations",
    "the recommendations": "recommendations",
    "summary of recommendations": "recommendations",
    "recommendations for improvement": "recommendations",
    "key recommendations": "recommendations",
    "recommendations to improve": "recommendations",
    "background": "background",
    "contents": "contents",
    "acknowledgements": "acknowledgements",
    "introduction": "introduction",
    "executive summary": "summary",
    "summary": "summary",
    "key findings": "summary",
    "further information": "further",
    "diversity and inclusion": "diversity",
    "glossary": "annexe",
    "references": "annexe",
    "inspection methodology": "annexe",
    "progress against previous recommendations": "annexe",
    "progress since the last inspection": "annexe",
    # Dynamic inspections open with the Chief Inspector's judgement, not a foreword.
    "chief inspector's judgement": "foreword",
    "chief inspector's judgment": "foreword",
    "the chief inspector's judgement": "foreword",
    "the chief inspector's judgment": "foreword",
}
_DOMAIN = lazy_compile(
    r"^(?:(?:\d\.?|domain\s+\w+)\s*[:.–—-]?\s*)?"
    r"(organisational delivery|organisational arrangements(?: and activity)?|service delivery"
    r"|court disposals|out[- ]of[- ]court disposals|resettlement)(?:\s+findings)?$",
    re.I,
)
#: A heading's own numbering: "4. Recommendations", "Section 4: Recommendations".
_SECTION_NUMBER = lazy_compile(
    r"^(?:(?:section|chapter|part)\s+)?\d{1,2}(?:\.\d)?\.?\s*[:.–—-]?\s+", re.I
)
_ANNEXE = lazy_compile(r"^(?:annexe|annex|appendix)\b", re.I)


def section_of(block: Block) -> str | None:
    """The canonical section a heading block opens, or None if it is not one."""
    text = _BACK_TO_TOP.sub("", block.flat).rstrip(":").strip()
    first_letter = re.search(r"[^\W\d_]", text)
    if not first_letter or not first_letter.group().isupper():  # titles are capitalised
        return None
    if block.kind == "item":
        if block.number is None:
            return None
        text = f"{block.number}. {text}"  # "1. Service delivery" read as a list item
    if len(text) > 90 or _TOC_LINE.search(text) and not _DOMAIN.match(text):
        return None
    lowered = _SECTION_NUMBER.sub("", text).lower().replace("’", "'")
    if lowered in _SECTION_TITLES:
        return _SECTION_TITLES[lowered]
    if _DOMAIN.match(text):
        return "domain"
    if _ANNEXE.match(text) and len(text) < 60:
        return "annexe"
    return None


def is_boundary(block: Block) -> bool:
    """Does this block end the current section?"""
    if section_of(block) is not None:
        return True
    return (
        block.kind == "heading"
        and 0 < block.level <= 2
        and not _ADDRESSEE.match(block.flat)
        and not _STANDARD_HEADING.match(block.flat)
    )


#: A lettered or roman sub-point marker: "a)", "(b)", "iv)", "(ii)".
_ALPHA_MARKER = lazy_compile(r"^\(?([a-z]|[ivx]{2,4})\)\s+(?=\S)")
_ROMAN = {
    numeral: value
    for value, numeral in enumerate(
        ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"), start=1
    )
}

#: "Recommendation 3: The PDU should…", as some reports number them.
_LABELLED_NUMBER = lazy_compile(r"^Recommendation\s+(\d{1,2})\s*[:.–—-]\s*(?=\S)")

MarkerStyle = Literal["number", "bullet", "alpha"]


@dataclass(frozen=True)
class ItemMarker:
    """A list item's marker as printed: its number (None for a bullet), its
    style, and how deeply it is nested where the format says."""

    number: int | None
    style: MarkerStyle
    text: str
    depth: int = 0


def split_alpha_marker(text: str) -> tuple[int, str] | None:
    """``(position, rest)`` for a lettered or roman marker: "b) act" -> (2, "act"),
    "(iii) act" -> (3, "act"); None when the text has no such marker."""
    stripped = text.lstrip()
    match = _ALPHA_MARKER.match(stripped)
    if not match:
        return None
    label = match.group(1)
    if label == "i" or len(label) > 1:
        position = _ROMAN.get(label)
        if position is None:
            return None
    else:
        position = ord(label) - ord("a") + 1
    return position, stripped[match.end() :]


def item_marker(block: Block) -> ItemMarker | None:
    """The block's list marker if it is a list item: a real list item, or a
    paragraph that starts with a typed marker ("1.", "(2)", "b)", "•")."""
    if block.kind == "item":
        # A marker typed into a list item as well ("<li>1. ensure…</li>") is
        # the number as printed.
        typed_number, typed_bullet, rest = split_list_marker(block.text)
        if block.number is None and typed_number is not None:
            return ItemMarker(typed_number, "number", rest, block.depth)
        alpha = split_alpha_marker(block.text)
        if alpha is not None and (block.number is None or block.number == alpha[0]):
            return ItemMarker(alpha[0], "alpha", alpha[1], block.depth)
        if typed_bullet or (typed_number is not None and typed_number == block.number):
            style: MarkerStyle = "bullet" if block.number is None else "number"
            return ItemMarker(block.number, style, rest, block.depth)
        style = "number" if block.number is not None else "bullet"
        return ItemMarker(block.number, style, block.text, block.depth)
    if block.kind != "paragraph":
        return None
    labelled = _LABELLED_NUMBER.match(block.flat)
    if labelled:
        return ItemMarker(int(labelled.group(1)), "number", block.flat[labelled.end() :])
    number, bullet, rest = split_list_marker(block.text)
    if number is not None:
        return ItemMarker(number, "number", rest)
    if bullet:
        return ItemMarker(None, "bullet", rest)
    alpha = split_alpha_marker(block.text)
    if alpha is not None:
        return ItemMarker(alpha[0], "alpha", alpha[1])
    return None


def item_parts(block: Block) -> tuple[int | None, bool, str] | None:
    """``(number, bullet, text)`` if the block is a list item (a real list item,
    or a paragraph that starts with a typed marker such as "1." or "•")."""
    marker = item_marker(block)
    if marker is None:
        return None
    return marker.number, marker.style == "bullet", marker.text


# --- clean-up -----------------------------------------------------------------


def _is_structural(flat: str) -> bool:
    """Lines that legitimately repeat on many pages and must never be dropped."""
    return bool(
        flat.endswith(":")
        or _RATING_ONLY.match(flat)
        or _PERCENT_ONLY.match(flat)
        or _LABEL.match(flat)
        or _STANDARD_HEADING.match(flat)
        or _ENDS_WITH_RATING_OR_PERCENT.search(flat)
        or flat.lower() in {"rating", "key question", "percentage ‘yes’", "percentage 'yes'"}
    )


_FUNCTION_WORD_END = lazy_compile(
    r"\b(?:the|a|an|and|or|of|to|in|on|for|with|by|from|that|their|its)$", re.I
)


def _may_be_running(text: str) -> bool:
    """Could this repeated line be a running header or footer? Headers are
    short, start with a capital and end with a complete phrase; pieces of
    wrapped table cells ("desistance?", "… support the") do not."""
    return (
        len(text) <= 120
        and text[:1].isupper()
        and not text.endswith("?")
        and not _QUESTION_START.match(text)
        and not _FUNCTION_WORD_END.search(text)
        and not _is_structural(text)
    )


#: A list marker printed on a line of its own, its text on the next line (how
#: copying from a PDF often leaves a list): "1.", "(2)", "b)", "•".
_MARKER_ONLY = lazy_compile(
    r"^(?:\(?\d{1,2}[.)]|\(?(?:[a-z]|[ivx]{2,4})\)|[•●▪◦‣∙·\uf0b7\uf0a7\uf076\uf0d8\-–—*])$"
)
_BARE_NUMBER = lazy_compile(r"^\d{1,2}$")


def clean_blocks(blocks: Sequence[Block]) -> list[Block]:
    """Drop page furniture and re-join table cells that a format split apart.

    Page numbers, table-of-contents lines and running headers/footers (short
    lines repeated on three or more pages) are removed wherever they fall, so
    they can never end up inside a recommendation or a finding. A cell holding
    only a rating or a percentage is joined back onto the cell before it
    ("Overall rating" + "Inadequate"), as plain-text exports put each cell on
    its own line. A list marker left alone on its line is put back in front
    of the text that follows it.
    """
    blocks = [b for b in blocks if b.flat]
    running = running_lines(blocks)
    kept: list[Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        index += 1
        flat = block.flat
        following = blocks[index] if index < len(blocks) else None
        if (
            block.kind == "paragraph"
            and following is not None
            and following.kind == "paragraph"
            and following.flat not in running
            and item_marker(following) is None
            and section_of(following) is None
            and (
                _MARKER_ONLY.match(flat)
                or (
                    _BARE_NUMBER.match(flat)
                    and _bare_number_is_marker(int(flat), blocks, index - 1, kept, running)
                )
            )
        ):
            marker = f"{flat}." if _BARE_NUMBER.match(flat) else flat
            kept.append(Block("paragraph", f"{marker} {following.text}"))
            index += 1
            continue
        if block.kind in ("paragraph", "heading"):
            if _PAGE_NUMBER.match(flat) or flat in running:
                continue
            if _TOC_LINE.search(flat) and re.search(r"(?:\.\s*){4,}", flat):
                continue
        if (
            kept
            and (_RATING_ONLY.match(flat) or _PERCENT_ONLY.match(flat))
            and kept[-1].kind in ("paragraph", "row", "heading")
            and not _ENDS_WITH_RATING_OR_PERCENT.search(kept[-1].flat)
        ):
            previous = kept.pop()
            kept.append(Block("row", f"{previous.text} {flat}", cells=(previous.flat, flat)))
            continue
        if (
            kept
            and block.kind == "paragraph"
            and flat[:1].islower()
            and split_alpha_marker(flat) is None
            and kept[-1].kind in ("paragraph", "item")
            and not re.search(r"[.!?:;]$", kept[-1].flat)
            and not _ENDS_WITH_RATING_OR_PERCENT.search(kept[-1].flat)
            and section_of(kept[-1]) is None
        ):
            # The rest of a sentence cut by a page break (the page's footer and
            # the next page's header have just been dropped) or a hard line break.
            previous = kept.pop()
            kept.append(replace(previous, text=join_wrapped(previous.text, block.text)))
            continue
        kept.append(block)
    return _rejoin_key_questions(kept)


#: What a browser prints on every page of a saved web page: the date and time,
#: the address, "3/12" or "Page 3 of 12".
_PRINTED_FURNITURE = lazy_compile(
    r"https?://|www\.|\b\d{1,2}/\d{1,2}/\d{2,4},?\s+\d{1,2}:\d{2}\b"
    r"|(?:^|\s)\d{1,3}\s*/\s*\d{1,3}$|\bpage\s+\d{1,3}(?:\s+of\s+\d{1,3})?$",
    re.I,
)


def running_lines(blocks: Sequence[Block]) -> set[str]:
    """Running headers and footers: short lines repeated on three or more pages,
    and lines a browser prints on every page, which differ only in their
    page number ("https://… 3/12")."""
    texts = [b.flat for b in blocks if b.kind in ("paragraph", "heading")]
    counts = Counter(texts)
    running = {text for text, n in counts.items() if n >= 3 and _may_be_running(text)}
    shapes = Counter(re.sub(r"\d+", "#", text) for text in texts if _PRINTED_FURNITURE.search(text))
    running.update(
        text
        for text in texts
        if len(text) <= 250
        and _PRINTED_FURNITURE.search(text)
        and shapes[re.sub(r"\d+", "#", text)] >= 3
    )
    return running


def _bare_number_is_marker(
    number: int, blocks: Sequence[Block], index: int, kept: Sequence[Block], running: set[str]
) -> bool:
    """Is the number alone on its line at ``blocks[index]`` a list marker whose
    text is on the next line, rather than a page number?

    A page number sits next to the running header or footer; a marker
    continues the list: it is 1 after an introduction ending in ":", or one
    more than the last number in the list.
    """
    before = blocks[index - 1].flat if index > 0 else ""
    after = blocks[index + 1].flat if index + 1 < len(blocks) else ""
    if not kept or before in running or after in running or not after[:1].isalpha():
        return False
    # "…footer / 7 / 3 / text": 7 is the page number, 3 may be the marker.
    if _PAGE_NUMBER.match(before) and (index < 2 or blocks[index - 2].flat not in running):
        return False
    last_number = None
    for earlier in reversed(kept[-40:]):
        if section_of(earlier) is not None:
            break
        marker = item_marker(earlier)
        if marker is not None and marker.style == "number":
            last_number = marker.number
            break
    if kept[-1].flat.endswith(":") and number == 1:
        return True
    return last_number is not None and number == last_number + 1


_QUESTION_START = lazy_compile(r"^(?:Does|Do|Is|Are|Has|Have|Was|Were)\b")
_TRAILING_PERCENT = lazy_compile(r"^(?P<text>.*?)\s*(?P<pct>\d{1,3}\s?%)$")
_LEADING_PERCENT = lazy_compile(r"^(?P<pct>\d{1,3}\s?%)\s+(?P<text>.*\?)$")


def _rejoin_key_questions(blocks: list[Block]) -> list[Block]:
    """Put back together a key question whose table cell wrapped in a PDF: the
    percentage, centred in its cell, lands in the middle of the question
    ("Does assessment … and 58%" + "desistance?", or "Does reviewing … and" +
    "62% engagement of the person on probation?")."""
    joined: list[Block] = []
    for block in blocks:
        flat = block.flat
        previous = joined[-1].flat if joined else ""
        if previous and _QUESTION_START.match(previous) and "?" not in previous:
            tail = _LEADING_PERCENT.match(flat)
            head = _TRAILING_PERCENT.match(previous)
            if tail:
                joined[-1] = Block("row", f"{previous} {tail['text']} {tail['pct']}")
                continue
            if head and flat.endswith("?") and not _QUESTION_START.match(flat) and len(flat) < 120:
                joined[-1] = Block("row", f"{head['text']} {flat} {head['pct']}")
                continue
        joined.append(block)
    return joined


# --- recommendations ----------------------------------------------------------


def _recommendations_start(blocks: Sequence[Block]) -> int | None:
    """Index of the block after the Recommendations heading that actually opens
    a list of recommendations (a contents entry or a passing mention does not)."""
    for index, block in enumerate(blocks):
        if section_of(block) != "recommendations" or _is_contents_entry(blocks, index):
            continue
        for later in blocks[index + 1 :]:
            if is_boundary(later):
                break
            if addressee_of(later.flat) or _reads_as_recommendation(later):
                return index + 1
            if later.kind == "row" and _row_recommendation(later.cells) is not None:
                return index + 1
    return None


def _is_contents_entry(blocks: Sequence[Block], index: int) -> bool:
    """Is ``blocks[index]`` one entry of a contents list: a list item followed
    by the next entry of the same list ("2. Recommendations", "3. Context")?"""
    block = blocks[index]
    if block.kind != "item" or index + 1 >= len(blocks):
        return False
    this, following = item_marker(block), item_marker(blocks[index + 1])
    if this is None or following is None or this.style != following.style:
        return False
    return this.number is None or following.number == this.number + 1


def _reads_as_recommendation(block: Block) -> bool:
    """A list item long enough to be a recommendation: entries of a contents
    list ("3. Context") are a word or two and end with a page number."""
    marker = item_marker(block)
    if marker is None:
        return False
    text = normalise_text(marker.text)
    return addressee_of(text) is not None or (len(text.split()) >= 3 and not _TOC_LINE.search(text))


#: Words that introduce the addressee rather than name it:
#: "We recommend that the PDU should:" is addressed to "The PDU".
_ADDRESSEE_PREAMBLE = lazy_compile(
    r"^(?:(?:we|hmi probation|the inspectorate)\s+(?:therefore\s+)?recommends?\s+(?:that\s+)?"
    r"|it is recommended that\s+|(?:in addition|also|therefore|finally),?\s+"
    # "To strengthen public protection, the region should:"
    r"|(?:to|in order to)\s+[^,]{3,80},\s+)+",
    re.I,
)


def lead_in_verb(text: str) -> str | None:
    """How an addressee line puts it after the addressee ("must" in "The PDU
    must:", "should, as a priority"), or None for a line that is not one."""
    match = _ADDRESSEE.match(normalise_text(text))
    if match is None or addressee_of(text) is None:
        return None
    return " ".join(match.group("verb").split())


def addressee_of(text: str) -> str | None:
    """The body a line such as "The Probation Service should:" addresses, as
    printed (with a leading "We recommend that" dropped), or None."""
    match = _ADDRESSEE.match(normalise_text(text))
    if not match:
        return None
    who = _ADDRESSEE_PREAMBLE.sub("", match.group("who")).strip(" ,")
    if not who or not re.match(r"[^\W\d_]", who):
        return None
    return who[0].upper() + who[1:]


#: A table's number cell: "1", "2.", "(3)", "Recommendation 4".
_NUMBER_CELL = lazy_compile(r"^(?:recommendation\s+)?\(?(\d{1,2})[.):]?$", re.I)
#: Column titles: "No.", "Recommendation", "Addressee", "Who" …
_HEADER_WORDS = {"no", "no.", "number", "#", "ref", "ref.", "recommendation", "recommendations"}
_HEADER_WORDS |= {"addressee", "who", "to", "for", "owner", "text", "details", "by", "whom"}


#: "HMPPS should review …", "The region must ensure …": an item that names
#: whom it addresses before what they should do.
_INLINE_ADDRESSEE = lazy_compile(
    r"^(?P<who>(?:[Tt]he\s+)?[A-Z][\w&'’,-]*(?:\s+[\w&'’,()-]+){0,10}?)\s+"
    r"(?P<verb>should|must)\s+(?P<rest>[a-z].+)$"
)


@dataclass(frozen=True)
class RowRecommendation:
    """A recommendation laid out as a table row: its number as printed (None
    when the table has no number column), the addressee the row names (None
    when it names none) and the text."""

    number: int | None
    addressee: str | None
    text: str
    #: "should", "must" … when the addressee cell is a lead-in ("The PDU must:").
    verb: str | None = None


def _row_recommendation(cells: Sequence[str]) -> RowRecommendation | None:
    """Read a table row of the Recommendations section: a number column and a
    text column, optionally an addressee column ("The PDU", or "The PDU
    should:"). None for a row of column titles, or a row that is not a
    recommendation (a single cell, nothing long enough to be one)."""
    cells = [normalise_text(cell) for cell in cells if normalise_text(cell)]
    if len(cells) < 2:
        return None
    number: int | None = None
    number_at: int | None = None
    for index, cell in enumerate(cells[:2]):
        match = _NUMBER_CELL.match(cell)
        if match:
            number, number_at = int(match.group(1)), index
            break
    rest = [(i, cell) for i, cell in enumerate(cells) if i != number_at]
    if not rest:
        return None
    # The text is the last column, unless an earlier one is far longer (a
    # table that names the addressee after the recommendation).
    text_at, text = rest[-1]
    longest_at, longest = max(rest, key=lambda pair: len(pair[1].split()))
    if len(longest.split()) > 2 * len(text.split()):
        text_at, text = longest_at, longest
    if number is None:
        words = {word.lower().strip(":") for cell in cells for word in cell.split()}
        if len(text.split()) <= 4 and words & _HEADER_WORDS:
            return None  # the column titles
    if len(text.split()) < 2:
        return None
    addressee = verb = None
    for index, cell in rest:
        if index == text_at or len(cell.split()) > 15:
            continue
        addressee = addressee_of(cell) or cell.rstrip(":").strip()
        verb = lead_in_verb(cell)
        break
    marker = item_marker(Block("paragraph", text))
    if number is None and marker is not None and marker.style != "bullet":
        number, text = marker.number, marker.text
    elif marker is not None and marker.style == "bullet":
        text = marker.text
    return RowRecommendation(number, addressee, text, verb)


@dataclass
class _Item:
    number: int | None
    addressee: str
    text: str
    style: MarkerStyle
    depth: int
    has_sub_points: bool = False
    numbered_row: bool = False  # a row of a table with a number column
    verb: str = "should"  # as the addressee's lead-in puts it: "must", …


def split_recommendations(
    blocks: Sequence[Block], default_addressee: str = "", *, inline_addressees: bool = False
) -> list[Recommendation] | None:
    """The recommendations in ``blocks`` (cleaned with :func:`clean_blocks`), or
    None when the report has no Recommendations section.

    Items are taken only between the Recommendations heading and the next
    section, so numbered lists elsewhere are never mistaken for them. Numbers
    are kept as printed (they may restart for each addressee or continue);
    bulleted items are numbered by their position in the whole list. A line
    that continues the previous item (it starts in lower case, as a wrapped
    line does) is joined to it. Sub-points ("including:" followed by "a)",
    "i)" or bullets under a numbered list) stay part of their recommendation.
    With ``inline_addressees``, an item that names its own addressee ("HMPPS
    should review …") is addressed to it, whoever it is.
    """
    start = _recommendations_start(blocks)
    if start is None:
        return None
    addressee = default_addressee
    verb = "should"
    items: list[_Item] = []
    group: list[_Item] = []  # the items under the current addressee
    in_table = False  # the last block was a row of a recommendations table
    for block in blocks[start:]:
        if is_boundary(block):
            break
        if block.kind == "row" and len([c for c in block.cells if c.strip()]) == 1:
            cell = normalise_text(next(c for c in block.cells if c.strip()))
            if in_table and not addressee_of(cell) and item_marker(block) is None:
                if items and items[-1].numbered_row:
                    # The rest of a numbered row that a page break split.
                    items[-1].text = join_wrapped(items[-1].text, cell)
                    continue
                # The next row of a table whose addressee cell spans several rows.
                item = _Item(None, addressee, cell, "bullet", 0, verb=verb)
                items.append(item)
                group.append(item)
                continue
            block = Block("paragraph", cell)  # "The PDU should:", "1. ensure …" read as lines
        was_in_table, in_table = in_table, block.kind == "row"
        if block.kind == "row":
            row = _row_recommendation(block.cells)
            if row is None:
                continue
            if row.number is None and was_in_table and items and items[-1].numbered_row:
                # A numbered row that a page break split: its cells continue
                # the row above (the addressee's name too).
                last = items[-1]
                last.text = join_wrapped(last.text, row.text)
                if row.addressee:
                    last.addressee = addressee = f"{last.addressee} {row.addressee}".strip()
                continue
            if row.addressee is not None and row.addressee != addressee:
                addressee, group = row.addressee, []
                verb = row.verb or "should"
            style: MarkerStyle = "number" if row.number else "bullet"
            item = _Item(
                row.number, addressee, row.text, style, 0, numbered_row=bool(row.number), verb=verb
            )
            items.append(item)
            group.append(item)
            continue
        flat = block.flat
        marker = item_marker(block)
        who = addressee_of(marker.text if marker else flat) if block.kind != "row" else None
        if who is not None and (marker is None or marker.text[:1].isupper()):
            # An addressee line, sometimes itself bulleted: "• The YJS manager should:"
            addressee, group = who, []
            verb = lead_in_verb(marker.text if marker else flat) or "should"
            continue
        if marker is None:
            if items and _continues(items[-1].text, flat):
                items[-1].text = join_wrapped(items[-1].text, flat)
            continue
        text = normalise_text(marker.text)
        own = _INLINE_ADDRESSEE.match(text) if inline_addressees else None
        if own and not (group and _is_sub_point(group, marker)):
            addressee, text = _ADDRESSEE_PREAMBLE.sub("", own.group("who")), own.group("rest")
            addressee = addressee[0].upper() + addressee[1:]
            verb = own.group("verb")
            group = []
        if group and _is_sub_point(group, marker):
            parent = group[-1]
            parent.text = f"{parent.text} {text}"
            parent.has_sub_points = True
            continue
        item = _Item(marker.number, addressee, text, marker.style, marker.depth, verb=verb)
        items.append(item)
        group.append(item)
    recommendations = []
    for position, item in enumerate(items, start=1):
        text = clean_recommendation_text(item.text)
        if text:
            number = item.number if item.style != "bullet" and item.number else position
            recommendations.append(Recommendation(number, item.addressee, text, item.verb))
    return recommendations


def _is_sub_point(group: Sequence[_Item], marker: ItemMarker) -> bool:
    """Is this list item a sub-point of the group's last recommendation rather
    than a recommendation of its own? It is nested deeper, or marked in
    another style than the group's first item after an introduction ("…,
    including:") or under a numbered list ("1." then "a)")."""
    first, parent = group[0], group[-1]
    if marker.depth > first.depth:
        return True
    if marker.depth < first.depth or marker.style == first.style:
        return False
    return (
        parent.text.endswith(":")
        or parent.has_sub_points
        or (marker.style == "alpha" and first.style in ("number", "bullet"))
    )


def _continues(previous: str, line: str) -> bool:
    """Is ``line`` the wrapped remainder of the item ``previous``? It starts in
    lower case, or the item broke off mid-phrase ("… work with" / "Multi-Agency
    Public Protection Arrangements") or before a number."""
    if not line or addressee_of(line):
        return False
    if line[0].islower():
        return True
    if re.search(r"[.;:!?]$", previous):
        return False
    return line[0].isdigit() or bool(
        _FUNCTION_WORD_END.search(previous) or re.search(r"[,–-]$", previous)
    )


# --- the rest of the record ---------------------------------------------------


def _find_title(blocks: Sequence[Block]) -> tuple[str, str] | None:
    for index, block in enumerate(blocks[:80]):
        flat = _BACK_TO_TOP.sub("", block.flat)
        if len(flat) > 200:
            continue
        for pattern in (_TITLE, _DIPP_TITLE):
            match = pattern.match(flat)
            if match:
                return match.group(1).lower(), match.group("unit").strip().rstrip(".")
            # A cover page sets the unit apart, in larger type, under the words
            # "An inspection of probation services in".
            head = pattern.match(f"{flat} {_UNIT_PLACEHOLDER}")
            if head and head.group("unit") == _UNIT_PLACEHOLDER and index + 1 < len(blocks):
                unit = _BACK_TO_TOP.sub("", blocks[index + 1].flat).rstrip(".")
                following = blocks[index + 1]
                if 0 < len(unit) <= 80 and unit[:1].isupper() and section_of(following) is None:
                    return head.group(1).lower(), unit
    for block in blocks:  # a running header is the next best thing
        match = _RUNNING_TITLE.match(block.flat)
        if match:
            return match.group(1).lower(), match.group(2).strip()
    return None


def _kind_and_unit(service: str, unit: str) -> tuple[str, str]:
    if service == "dynamic":
        # A dynamic inspection covers a region: "North East region".
        unit = re.sub(r"\s+(?:probation\s+)?region$", "", unit, flags=re.I).strip()
        return "dipp", f"{unit} region"
    if "youth" in service:
        for suffix in (" Youth Justice Service", " Youth Offending Service", " YJS", " YOS"):
            if unit.endswith(suffix):
                unit = unit[: -len(suffix)]
        return "yjs", unit.strip()
    if unit.lower().endswith(" region"):
        return "region", unit
    return "pdu", unit


def _first(pattern: re.Pattern[str], texts: Sequence[str]) -> str | None:
    for text in texts:
        match = pattern.search(text)
        if match:
            return match.group(1)
    return None


def _standards(blocks: Sequence[Block]) -> list[Standard]:
    found: dict[str, Standard] = {}
    for block in blocks:
        match = _STANDARD_RATED.match(block.flat)
        if match and match.group(1) not in found:
            rating = _canonical_rating(match.group("rating"))
            found[match.group(1)] = Standard(match.group(1), match.group("name").strip(), rating)
    # A standard missing from the ratings table (no table, or a row that a PDF
    # page break tore apart): take its section heading and the rating after it.
    for index, block in enumerate(blocks):
        heading = _STANDARD_HEADING.match(_BACK_TO_TOP.sub("", block.flat))
        if not heading or heading.group(1) in found or block.kind == "item":
            continue
        if re.search(rf"(?:{_RATING}|Requires)$", heading.group("name"), re.I):
            continue  # a torn table row ("2.3 Requires"), not the section heading
        for later in blocks[index + 1 : index + 4]:
            rating = re.search(rf"({_RATING}){_QUOTE}$", later.flat) or (
                _RATING_ONLY.match(later.flat) and re.search(rf"({_RATING})", later.flat, re.I)
            )
            if rating:
                code, name = heading.group(1), heading.group("name").strip()
                found[code] = Standard(code, name, _canonical_rating(rating.group(1)))
                break
    return sorted(found.values(), key=lambda s: tuple(int(part) for part in s.code.split(".")))


def youth_domain_ratings(blocks: Sequence[Block]) -> list[Standard]:
    """The 2024 youth justice framework's domain ratings: Governance and
    leadership, Post-court work, Pre-court work and Resettlement, each rated or
    "Not rated". The code is the domain's number as printed, else its place in
    the framework. A domain named on one line with its rating on a line just
    after ("Post-court work" / "Rating: Good") is read too."""
    found: dict[str, Standard] = {}

    def add(match: re.Match[str], rating: str) -> None:
        key = re.sub(r"\s+", " ", match.group("name").lower()).replace("postcourt", "post-court")
        key = key.replace("precourt", "pre-court").replace("post court", "post-court")
        key = key.replace("pre court", "pre-court")
        code = match.group("code") or _YOUTH_DOMAINS[key]
        if code not in found:
            name = normalise_text(match.group("name"))
            found[code] = Standard(code, name[0].upper() + name[1:], _canonical_rating(rating))

    for index, block in enumerate(blocks):
        flat = _BACK_TO_TOP.sub("", block.flat)
        rated = _YOUTH_DOMAIN_RATED.match(flat)
        if rated:
            add(rated, rated.group("rating"))
            continue
        alone = _YOUTH_DOMAIN_ONLY.match(flat)
        if not alone:
            continue
        for later in blocks[index + 1 : index + 3]:
            if _RATING_ONLY.match(later.flat):
                rating = re.search(rf"({_RATING_OR_NONE})", later.flat, re.I)
                if rating:
                    add(alone, rating.group(1))
                break
    return sorted(found.values(), key=lambda s: s.code)


def _canonical_rating(text: str) -> str:
    text = text.strip("‘’'\"“” ")
    for rating in (*RATINGS, "Not rated"):
        if rating.lower() == text.lower():
            return rating
    return text


def _chief_inspector(blocks: Sequence[Block]) -> tuple[str | None, int | None]:
    """The Chief Inspector's name (without honours) and the index of the block
    that holds the signature."""
    for index, block in enumerate(blocks):
        lines = [normalise_text(line) for line in block.text.split("\n")]
        lines = [line for line in lines if line]
        for position, line in enumerate(lines):
            one_line = _CHIEF_NAME_FIRST.match(line) or _CHIEF_TITLE_FIRST.match(line)
            if one_line and len(line) < 120:
                name = strip_honours(one_line.group("name"))
                if _looks_like_name(name):
                    return name, index
                continue
            if not _CHIEF_LINE.match(line):
                continue
            if position > 0:
                candidate, where = lines[position - 1], index
            elif index > 0:
                candidate, where = blocks[index - 1].text.split("\n")[-1], index - 1
            else:
                continue
            name = strip_honours(candidate)
            if _looks_like_name(name):
                return name, where
    return None, None


_NAME_PARTICLES = {"de", "van", "von", "da", "der", "le", "la", "du", "di", "bin", "al"}


def _looks_like_name(text: str) -> bool:
    """ "Martin Jones", "Dame Jane Smith": two to five capitalised words."""
    words = text.split()
    return (
        1 < len(words) <= 5
        and not re.search(r"\d", text)
        and all(w[:1].isupper() or w.lower() in _NAME_PARTICLES for w in words)
        and words[0][:1].isupper()
    )


def _foreword(blocks: Sequence[Block], signature_index: int | None) -> str:
    paragraphs: list[str] = []
    inside = False
    for index, block in enumerate(blocks):
        if section_of(block) == "foreword":
            inside = True
            continue
        if not inside:
            continue
        if is_boundary(block) or (signature_index is not None and index >= signature_index):
            break
        paragraphs.append(block.flat)
    return "\n\n".join(paragraphs)


def _findings(blocks: Sequence[Block]) -> tuple[list[Finding], list[Finding], list[KeyQuestion]]:
    strengths: list[Finding] = []
    areas: list[Finding] = []
    questions: list[KeyQuestion] = []
    standard: str | None = None
    target: list[Finding] | None = None
    in_body = False
    for block in blocks:
        flat = block.flat
        section = section_of(block)
        if section is not None:
            target = None
            in_body = section in ("domain", "diversity")
            standard = "Diversity and inclusion" if section == "diversity" else None
            continue
        if not in_body:
            continue
        heading = _STANDARD_HEADING.match(_BACK_TO_TOP.sub("", flat))
        if heading and block.kind != "item" and len(flat) < 90:
            standard, target = heading.group(1), None
            continue
        label = _LABEL.match(flat)
        if label:
            target = strengths if label.group(1).lower() == "strengths" else areas
            continue
        question = _KEY_QUESTION.match(flat)
        if question and standard:
            pct = int(question.group("pct"))
            questions.append(KeyQuestion(standard, question.group("q").strip(), pct))
            continue
        if target is None:
            continue
        parts = item_parts(block)
        if parts is not None:
            target.append(Finding(standard, normalise_text(parts[2])))
        elif target and (flat[:1].islower() or not re.search(r"[.!?;:]$", target[-1].text)):
            # the wrapped tail of the last bullet, e.g. after a page break
            last = target[-1]
            target[-1] = Finding(last.standard, f"{last.text} {flat}")
        else:
            target = None
    return strengths, areas, questions


def _month_year(text: str | None) -> str | None:
    """ "june  2025" -> "June 2025"."""
    if not text:
        return None
    month, year = text.split()
    return f"{month.capitalize()} {year}"


def _iso_date(text: str | None) -> str | None:
    """ "24 July 2025" as "2025-07-24"; None when it names no real day."""
    found = read_date(text) if text else None
    return found.isoformat() if found else None


_STATED_COUNT = lazy_compile(
    r"\bmade (?:a total of )?(\d{1,2}|[a-z]+) (?:new |further )?recommendations?\b",
    re.IGNORECASE,
)
#: Sentences about an earlier inspection's recommendations are not this report's count.
_EARLIER = lazy_compile(r"\b(?:last|previous|earlier|prior|\d{4})\b.*\binspection", re.IGNORECASE)


def _stated_recommendation_count(flats: Sequence[str]) -> int | None:
    """How many recommendations the report says it makes ("we have made six
    recommendations"), so a list that lost an item can be noticed."""
    for text in flats:
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            match = _STATED_COUNT.search(sentence)
            if not match or _EARLIER.search(sentence):
                continue
            word = match.group(1).lower()
            value = int(word) if word.isdigit() else COUNT_WORDS.get(word)
            if value:
                return value
    return None


def parse_blocks(blocks: Sequence[Block]) -> Report:
    """Build a :class:`Report` from a document's blocks.

    Raises :class:`NotAReportError` when the document has no inspection
    report title, or neither ratings nor recommendations. A report without a
    Recommendations section is still returned, with a warning in
    ``report.warnings``.
    """
    from drafter.core.regions import infer_region

    # Running headers are dropped from the text, but they may be the only
    # place a PDF names the report or its region.
    running = sorted(running_lines([b for b in blocks if b.flat]))
    blocks = clean_blocks(blocks)
    flats = [b.flat for b in blocks]
    title = _find_title([*blocks, *(Block("paragraph", text) for text in running)])
    standards = _standards(blocks)
    overall = _first(_OVERALL, flats)
    for pattern in _OVERALL_PROSE:
        overall = overall or _first(pattern, flats)
    kind, unit = _kind_and_unit(*title) if title else ("", "")
    if not standards and title and title[0].startswith("youth"):
        standards = youth_domain_ratings(blocks)
    recommendations = split_recommendations(
        blocks, default_addressee=unit, inline_addressees=kind == "dipp"
    )
    # Ratings drawn as a picture leave a real report with a title and
    # recommendations but no ratings text. A dynamic inspection is not rated:
    # its title is enough.
    if title is None or not (standards or overall or recommendations or kind == "dipp"):
        raise NotAReportError(
            "This does not look like an HMI Probation inspection report "
            "(no report title or ratings were found).",
            hint="Check you chose the inspection report, not a letter or another document.",
        )
    warnings: list[str] = []
    if not (standards or overall) and kind != "dipp":
        warnings.append("No ratings were found in this report; check them in the original.")
    if kind == "dipp" and not recommendations:
        recommendations = []
        warnings.append(
            "No list of recommendations was found under a Recommendations heading in this "
            "inspection; the letter has placeholders for them: copy them in from the report."
        )
    elif recommendations is None:
        recommendations = []
        warnings.append(
            "No recommendations section was found in this report, "
            "so there is nothing to respond to."
        )
    elif not recommendations:
        warnings.append("The Recommendations section contains no recommendations drafter can read.")
    stated = _stated_recommendation_count(flats)
    if stated is not None and recommendations and stated != len(recommendations):
        warnings.append(
            f"The report says it makes {stated} recommendation{'s' if stated != 1 else ''} "
            f"but drafter read {len(recommendations)}; check the list against the original."
        )
    chief, signature = _chief_inspector(blocks)
    strengths, areas, questions = _findings(blocks)
    full_text = "\n".join([*flats, *running])
    report = Report(
        kind=kind,  # type: ignore[arg-type]
        unit=unit,
        publication_date=_iso_date(_first(_PUBLISHED, flats)),
        fieldwork=_month_year(
            _first(_FIELDWORK, flats)
            or _first(_FIELDWORK_PROSE, flats)
            or _first(_FIELDWORK_LOOSE, flats)
        ),
        overall_rating=_canonical_rating(overall) if overall else None,
        score=re.sub(r"\s*(?:/|out of)\s*", "/", _first(_SCORE, flats) or "") or None,
        standards=standards,
        recommendations=recommendations,
        strengths=strengths,
        areas_for_improvement=areas,
        key_questions=questions,
        chief_inspector=chief,
        lead_inspector=(
            _first(_LEAD, flats) or _first(_LEAD_AFTER, flats) or _first(_LEAD_LABEL, flats)
        ),
        foreword=_foreword(blocks, signature),
        warnings=warnings,
    )
    report.region = infer_region(report, full_text)
    if report.region is None:
        report.warnings.append("The report does not say which probation region it covers.")
    return report


__all__ = [
    "Block",
    "ItemMarker",
    "addressee_of",
    "clean_blocks",
    "item_marker",
    "item_parts",
    "parse_blocks",
    "running_lines",
    "section_of",
    "split_alpha_marker",
    "split_recommendations",
]
