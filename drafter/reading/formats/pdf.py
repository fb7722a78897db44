"""Blocks from a PDF (pdfplumber, with pypdf to detect encryption).

A PDF has no paragraphs, only positioned lines, so paragraphs are rebuilt:
a new block starts after a vertical gap wider than the line spacing, at a
change of font size (headings are set larger than body text), at a list
marker ("1.", "•", "-") and at a new page. Ruled tables are read as tables so
that a wrapped cell ("Requires / improvement") stays in its cell. Running
headers, footers and page numbers are removed later by the parser, which
can see how often a line repeats.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
from collections import Counter
from typing import Any

from drafter.core.errors import InputFileError
from drafter.core.normalise import split_list_marker
from drafter.reading.parser import Block, split_alpha_marker

#: pdfminer logs warnings for harmless quirks in real-world PDFs.
for _noisy in ("pdfminer", "pypdf"):
    logging.getLogger(_noisy).setLevel(logging.CRITICAL)

#: Reports run to about 60 pages; a much longer PDF is not a report and would
#: take minutes to read.
MAX_PAGES = 400

#: pdfminer layout analysis groups the lines of one table cell into one text
#: box; a slightly wider line margin keeps a wrapped cell ("Requires" /
#: "improvement") together while paragraphs, set further apart, stay separate.
_LAYOUT = {"line_margin": 0.8}
_MARKER_ONLY = re.compile(r"^(?:\(?\d{1,2}[.)]?|[•●▪◦‣∙·\uf0b7\uf0a7\-–—*])$")


def pdf_blocks(data: bytes, name: str = "") -> list[Block]:
    _refuse_encrypted(data, name)
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data), laparams=_LAYOUT) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise InputFileError(
                    f"'{name}' has {len(pdf.pages)} pages, more than any inspection report.",
                    hint="Check it is the right document.",
                )
            pages = [_page_lines(page) for page in pdf.pages]
            if _is_scan(pdf.pages):
                raise InputFileError(
                    "This PDF has no text that can be read — it may be a scan.",
                    hint="Ask for the accessible version or the web page.",
                )
            if _has_undecodable_text(pdf.pages):
                raise InputFileError(
                    "The text in this PDF cannot be read: its fonts do not say which "
                    "letters they show.",
                    hint="Ask for the accessible version or the web page.",
                )
    except InputFileError:
        raise
    except Exception as exc:  # pdfminer raises many types for damaged files
        raise InputFileError(
            f"'{name}' could not be read as a PDF; it may be damaged.",
            hint="Download or export the report again.",
        ) from exc
    return _paragraphs(pages)


def _is_scan(pages: list[Any]) -> bool:
    """A PDF with no text, or pictures of pages with at most a stray word of
    text on them, was scanned rather than exported: there is nothing to read."""
    text_chars = sum(1 for page in pages for char in page.chars if char["text"].strip())
    if text_chars == 0:
        return True
    pictured = sum(1 for page in pages if page.images)
    return text_chars < 40 * len(pages) and pictured * 2 >= len(pages)


def _has_undecodable_text(pages: list[Any]) -> bool:
    """Fonts without a character map come out as "(cid:321)(cid:366)…"; when
    most of the text is like that, nothing in it can be matched."""
    chars = [char["text"] for page in pages for char in page.chars if char["text"].strip()]
    unknown = sum(1 for text in chars if text.startswith("(cid:"))
    return unknown > 0.3 * len(chars)


def _refuse_encrypted(data: bytes, name: str) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise InputFileError(
            f"'{name}' could not be read as a PDF; it may be damaged.",
            hint="Download or export the report again.",
        ) from exc
    if encrypted:
        raise InputFileError(
            f"'{name}' is a password-protected (encrypted) PDF.",
            hint="Save an unprotected copy, or use the web page version of the report.",
        )


def _page_lines(page: Any) -> list[dict[str, Any]]:
    """The page's text lines and table rows, top to bottom.

    Each entry has ``top``, ``bottom``, ``x0``, ``size``, ``text`` and, for a
    table row, ``cells``.
    """
    # A ruled table needs at least four edges; most report pages have none, and
    # looking for tables is the slowest part of reading a PDF.
    tables = page.find_tables() if len(page.rects) + len(page.lines) >= 4 else []
    boxes = [table.bbox for table in tables]

    def outside(obj: dict[str, Any]) -> bool:
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    entries: list[dict[str, Any]] = []
    for row_boxes in _side_by_side_cells(page, boxes):
        boxes.extend(b["bbox"] for b in row_boxes)
        entries.append(
            {
                "top": min(b["bbox"][1] for b in row_boxes),
                "bottom": max(b["bbox"][3] for b in row_boxes),
                "x0": min(b["bbox"][0] for b in row_boxes),
                "size": 0,
                "cells": _column_texts(row_boxes),
            }
        )
    text_page = page.filter(outside) if boxes else page
    for line in text_page.extract_text_lines(return_chars=True, keep_blank_chars=False):
        sizes = [round(c["size"], 1) for c in line["chars"] if c["text"].strip()]
        if not sizes:
            continue
        chars = line["chars"]
        first_space = next((i for i, c in enumerate(chars) if not c["text"].strip()), len(chars))
        first_word = chars[max(first_space - 1, 0)]["x1"] - line["x0"]
        entries.append(
            {
                "top": line["top"],
                "bottom": line["bottom"],
                "x0": line["x0"],
                "x1": line["x1"],
                "first_word": first_word,
                "size": Counter(sizes).most_common(1)[0][0],
                "text": line["text"],
            }
        )
    for table in tables:
        for row in table.rows:
            cells = []
            for cell in row.cells:
                if cell is None:
                    continue
                text = _unwrap(page.crop(cell).extract_text() or "")
                if text:
                    cells.append(text)
            if cells:
                x0, top, _x1, bottom = row.bbox
                entries.append(
                    {"top": top, "bottom": bottom, "x0": x0, "size": 0, "cells": tuple(cells)}
                )
    entries.sort(key=lambda e: (round(e["top"]), e["x0"]))
    return entries


def _side_by_side_cells(page: Any, taken: list[tuple]) -> list[list[dict[str, Any]]]:
    """Rows of a table drawn without rules: text boxes that sit side by side
    (overlapping vertically, apart horizontally) are the cells of one row, so
    a cell that wraps onto two lines stays with the cell beside it."""
    boxes = []
    for obj in page.objects.get("textboxhorizontal", []):
        text = _unwrap(obj["text"])
        bbox = (obj["x0"], obj["top"], obj["x1"], obj["bottom"])
        centre = ((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
        inside_table = any(
            x0 <= centre[0] <= x1 and top <= centre[1] <= bottom for x0, top, x1, bottom in taken
        )
        # List markers set apart from their text are not table cells.
        if text and not inside_table and not _MARKER_ONLY.match(text):
            boxes.append({"bbox": bbox, "text": text})
    parent = list(range(len(boxes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            b = boxes[j]
            (ax0, atop, ax1, abottom), (bx0, btop, bx1, bbottom) = a["bbox"], b["bbox"]
            overlap = min(abottom, bbottom) - max(atop, btop)
            apart = ax1 <= bx0 + 1 or bx1 <= ax0 + 1
            if apart and overlap >= 0.5 * min(abottom - atop, bbottom - btop):
                parent[root(i)] = root(j)
    groups: dict[int, list[dict[str, Any]]] = {}
    for index, box in enumerate(boxes):
        groups.setdefault(root(index), []).append(box)
    rows = []
    for group in groups.values():
        if len(group) < 2:
            continue
        if len(_column_texts(group)) >= 2:
            rows.append(group)
    return rows


def _column_texts(group: list[dict[str, Any]]) -> tuple[str, ...]:
    """The group's boxes as cell texts, left to right; boxes stacked in the
    same column are read top to bottom."""
    columns: list[list[dict[str, Any]]] = []
    for box in sorted(group, key=lambda b: b["bbox"][0]):
        for column in columns:
            if abs(column[0]["bbox"][0] - box["bbox"][0]) < 5:
                column.append(box)
                break
        else:
            columns.append([box])
    return tuple(
        _unwrap("\n".join(b["text"] for b in sorted(column, key=lambda b: b["bbox"][1])))
        for column in columns
    )


def _paragraphs(pages: list[list[dict[str, Any]]]) -> list[Block]:
    sizes = [e["size"] for page in pages for e in page if e["size"]]
    body = statistics.median(sizes) if sizes else 0
    heading_sizes = sorted({s for s in sizes if s > body * 1.1}, reverse=True)
    right_edges = sorted(e["x1"] for page in pages for e in page if e["size"] == body)
    right_edge = right_edges[int(len(right_edges) * 0.98)] if right_edges else 0
    blocks: list[Block] = []
    current: dict[str, Any] | None = None

    def finish() -> None:
        nonlocal current
        if current is None:
            return
        text = current["text"]
        if current["size"] > body * 1.1:
            level = heading_sizes.index(current["size"]) + 1
            blocks.append(Block("heading", text, level=level))
        else:
            number, bullet, rest = split_list_marker(text)
            if number is not None or bullet:
                blocks.append(Block("item", rest, number=number, bullet=bullet))
            else:
                blocks.append(Block("paragraph", text))
        current = None

    for page in pages:
        finish()
        previous: dict[str, Any] | None = None
        for entry in page:
            if "cells" in entry:
                finish()
                cells = entry["cells"]
                blocks.append(Block("row", " ".join(cells), cells=cells))
                previous = None
                continue
            text = entry["text"]
            height = max(entry["bottom"] - entry["top"], 1.0)
            number, bullet, _rest = split_list_marker(text)
            starts_new = (
                current is None
                or previous is None
                or entry["top"] - previous["bottom"] > 0.8 * height
                or entry["size"] != current["size"]
                # the previous line stopped short although this line's first word
                # would have fitted on it: the previous line ended its paragraph
                or (entry["size"] == body and previous["x1"] + entry["first_word"] + 6 < right_edge)
                or number is not None
                or bullet
                or split_alpha_marker(text) is not None
                # a line set further left than the block's wrapped lines starts anew
                or (not current.get("first") and entry["x0"] < current["indent"] - 2)
            )
            if starts_new:
                finish()
                current = {"text": text, "size": entry["size"], "indent": entry["x0"]}
                current["first"] = True
            else:
                current["text"] = _join_lines(current["text"], text)
                if current.pop("first", False):
                    current["indent"] = entry["x0"]
            previous = entry
    finish()
    return blocks


def _unwrap(text: str) -> str:
    """A wrapped table cell's lines as one line of text."""
    joined = ""
    for line in text.split("\n"):
        line = " ".join(line.split())
        if line:
            joined = _join_lines(joined, line) if joined else line
    return " ".join(joined.split())


def _join_lines(text: str, line: str) -> str:
    """Append a wrapped line to a block's text.

    A word broken at a hyphen ("multi-" / "agency") is rejoined without a
    space; short signature-style lines ("Martin Jones CBE" / "HM Chief
    Inspector of Probation") keep their line break.
    """
    last_line = text.rsplit("\n", 1)[-1].rstrip()
    if last_line.endswith("-") and not last_line.endswith(" -") and line[:1].islower():
        return text.rstrip() + line
    if len(last_line) < 40 and not last_line.endswith(","):
        return f"{text}\n{line}"
    return f"{text} {line}"
