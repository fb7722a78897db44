"""Blocks from a Word document (python-docx).

Paragraph styles give headings ("Heading 2", "Title"); Word's own numbering
(``w:numPr``) gives list items, and the printed number is recomputed from the
numbering definitions (start values, overrides and per-list counters) because
Word does not store it in the text. Tables become rows.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from drafter.core.errors import InputFileError
from drafter.core.fileio import check_zip_limits
from drafter.reading.parser import Block

_HEADING_STYLE = re.compile(r"^(?:heading|überschrift|titre)\s*(\d)", re.I)


def docx_blocks(data: bytes, name: str = "") -> list[Block]:
    check_zip_limits(data, name=f"'{name}'")
    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for damaged files
        raise InputFileError(
            f"'{name}' could not be opened as a Word document ({type(exc).__name__}).",
            hint="Open it in Word and save it again as .docx.",
        ) from exc
    numbering = _Numbering(document)
    blocks: list[Block] = []
    for part in document.iter_inner_content():
        if isinstance(part, Paragraph):
            block = _paragraph_block(part, numbering)
            if block is not None:
                blocks.append(block)
        elif isinstance(part, Table):
            blocks.extend(_table_rows(part, numbering))
    return blocks


def _paragraph_text(paragraph: Paragraph) -> str:
    """Paragraph text with soft line breaks kept as "\\n"."""
    pieces: list[str] = []
    for element in paragraph._p.iter():
        if element.tag == qn("w:t"):
            pieces.append(element.text or "")
        elif element.tag in (qn("w:br"), qn("w:cr")):
            pieces.append("\n")
        elif element.tag == qn("w:tab"):
            pieces.append(" ")
    lines = (" ".join(line.split()) for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line)


def _paragraph_block(paragraph: Paragraph, numbering: _Numbering) -> Block | None:
    text = _paragraph_text(paragraph)
    if not text:
        return None
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    heading = _HEADING_STYLE.match(style)
    if heading:
        return Block("heading", text, level=int(heading.group(1)))
    if style.lower() == "title":
        return Block("heading", text, level=1)
    marker = numbering.next_marker(paragraph)
    if marker is not None:
        number, bullet, depth = marker
        return Block("item", text, number=number, bullet=bullet, depth=depth)
    list_style = re.match(r"list bullet\s*(\d?)$", style.strip(), re.I)
    if list_style:
        # "List Bullet 2" is a sub-point of the bullet above it.
        depth = int(list_style.group(1)) - 1 if list_style.group(1) else 0
        return Block("item", text, bullet=True, depth=max(depth, 0))
    return Block("paragraph", text)


def _table_rows(table: Table, numbering: _Numbering) -> list[Block]:
    rows: list[Block] = []
    for row in table.rows:
        seen: set[int] = set()
        cells: list[str] = []
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is returned once per grid column
                continue
            seen.add(id(cell._tc))
            texts = []
            for index, paragraph in enumerate(cell.paragraphs):
                text = _paragraph_text(paragraph).replace("\n", " ")
                marker = numbering.next_marker(paragraph)
                if index == 0 and marker is not None and not marker[1]:
                    # Word numbers the cell itself ("1." in a number column, or
                    # before the recommendation): the number is not in the text.
                    text = f"{marker[0]}. {text}".strip()
                if text:
                    texts.append(text)
            text = " ".join(texts)
            if text:
                cells.append(text)
        if cells:
            rows.append(Block("row", " ".join(cells), cells=tuple(cells)))
    return rows


class _Numbering:
    """Recomputes the numbers Word would print for numbered paragraphs."""

    def __init__(self, document) -> None:
        self._formats: dict[tuple[str, int], str] = {}
        self._starts: dict[tuple[str, int], int] = {}
        self._counters: dict[str, dict[int, int]] = defaultdict(dict)
        self._style_numbering: dict[str, tuple[str, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, int]]] = {}
        for node in root.findall(qn("w:abstractNum")):
            levels = {}
            for level in node.findall(qn("w:lvl")):
                ilvl = int(level.get(qn("w:ilvl"), "0"))
                fmt = level.find(qn("w:numFmt"))
                start = level.find(qn("w:start"))
                levels[ilvl] = (
                    fmt.get(qn("w:val")) if fmt is not None else "decimal",
                    int(start.get(qn("w:val"))) if start is not None else 1,
                )
            abstract[node.get(qn("w:abstractNumId"))] = levels
        for num in root.findall(qn("w:num")):
            num_id = num.get(qn("w:numId"))
            ref = num.find(qn("w:abstractNumId"))
            levels = dict(abstract.get(ref.get(qn("w:val")) if ref is not None else "", {}))
            for override in num.findall(qn("w:lvlOverride")):
                ilvl = int(override.get(qn("w:ilvl"), "0"))
                start = override.find(qn("w:startOverride"))
                if start is not None:
                    fmt = levels.get(ilvl, ("decimal", 1))[0]
                    levels[ilvl] = (fmt, int(start.get(qn("w:val"))))
            for ilvl, (fmt, start) in levels.items():
                self._formats[(num_id, ilvl)] = fmt
                self._starts[(num_id, ilvl)] = start

    def next_marker(self, paragraph: Paragraph) -> tuple[int | None, bool, int] | None:
        """``(number, is_bullet, level)`` for a numbered paragraph, else None;
        level 0 is the top level of the list."""
        num_id, ilvl = _numbering_of(paragraph)
        if num_id is None:
            return None
        if num_id == "0":  # numbering explicitly switched off
            return None
        fmt = self._formats.get((num_id, ilvl), "decimal")
        if fmt in ("bullet", "none"):
            return None, True, ilvl
        counters = self._counters[num_id]
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]  # a higher level restarts the levels below it
        counters[ilvl] = counters.get(ilvl, self._starts.get((num_id, ilvl), 1) - 1) + 1
        return counters[ilvl], False, ilvl


def _numbering_of(paragraph: Paragraph) -> tuple[str | None, int]:
    """The paragraph's list (numId, level): set on the paragraph itself, or
    inherited from its style ("List Number") or that style's base styles."""
    props = paragraph._p.pPr
    num_pr = props.numPr if props is not None else None
    if num_pr is not None and num_pr.numId is not None:
        ilvl = int(num_pr.ilvl.val) if num_pr.ilvl is not None else 0
        return str(num_pr.numId.val), ilvl
    style = paragraph.style
    seen = 0
    while style is not None and seen < 10:
        style_props = style.element.pPr
        style_num = style_props.numPr if style_props is not None else None
        if style_num is not None and style_num.numId is not None:
            ilvl = int(style_num.ilvl.val) if style_num.ilvl is not None else 0
            return str(style_num.numId.val), ilvl
        style, seen = style.base_style, seen + 1
    return None, 0
