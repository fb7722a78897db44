"""Blocks from a PDF (pypdfium2, the PDFium engine Chrome uses).

A PDF has no paragraphs, only positioned characters, so lines and paragraphs
are rebuilt: characters run together in the order they were drawn make a
line until the next one jumps to another line or far across the page (the
next cell of a table row); lines at the same height are one printed line. A
new block starts after a vertical gap wider than the line spacing, at a
change of font size (headings are set larger than body text), at a list
marker ("1.", "•", "-") and at a new page. Text boxes set side by side are
read as the cells of one table row, so a wrapped cell ("Requires" /
"improvement") stays in its cell; a page with ruled lines is also searched
for ruled tables (pdfplumber, only then, as it is several times slower).
Running headers, footers and page numbers are removed later by the parser,
which can see how often a line repeats.

Coordinates are in points from the top-left corner of the page, as
pdfplumber gives them, so geometry reads the same whichever library found it.
"""

from __future__ import annotations

import ctypes
import io
import logging
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from drafter.core.errors import InputFileError
from drafter.core.normalise import split_list_marker
from drafter.reading.parser import Block, split_alpha_marker

#: pdfminer (used for ruled tables) logs warnings for harmless quirks.
for _noisy in ("pdfminer", "pypdf"):
    logging.getLogger(_noisy).setLevel(logging.CRITICAL)

#: Reports run to about 60 pages; a much longer PDF is not a report and would
#: take minutes to read.
MAX_PAGES = 400

#: How far apart lines of one text box may be, as a share of the line height
#: (pdfminer's ``line_margin``): a wrapped table cell ("Requires" /
#: "improvement") stays together while paragraphs, set further apart, do not.
_LINE_MARGIN = 0.8
#: Characters further apart than this many character widths are not one line.
_CHAR_MARGIN = 2.0
#: A glyph's box reaches this far below the baseline, as a share of its size;
#: only differences between lines matter, so one typical value serves.
_DESCENT = 0.22
_MARKER_ONLY = re.compile(r"^(?:\(?\d{1,2}[.)]?|[•●▪◦‣∙·\uf0b7\uf0a7\-–—*])$")
_BULLET_ONLY = re.compile(r"^[•●▪◦‣∙·\uf0b7\uf0a7\-–—*]$")


@dataclass
class _Line:
    """A run of characters on one baseline, in points from the page's top-left."""

    x0: float
    x1: float
    top: float
    bottom: float
    text: str = ""
    #: How many characters are set in each font size (rounded to 0.1 pt).
    sizes: Counter[float] = field(default_factory=Counter)
    first_word: float = 0.0

    @property
    def height(self) -> float:
        return self.bottom - self.top


def pdf_blocks(data: bytes, name: str = "") -> list[Block]:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise _encrypted(name) from exc  # it needs a password to open
        raise _damaged(name) from exc
    if pdfium.raw.FPDF_GetSecurityHandlerRevision(document) != -1:
        # Encrypted, yet it opened without a password: only an owner password
        # restricts printing or copying. Read a plain copy (pdfplumber, used for
        # ruled tables, cannot always undo the encryption itself).
        document.close()
        data = _plain_copy(data, name)
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise _damaged(name) from exc
    try:
        if len(document) > MAX_PAGES:
            raise InputFileError(
                f"'{name}' has {len(document)} pages, more than any inspection report.",
                hint="Check it is the right document.",
            )
        pages: list[list[dict[str, Any]]] = []
        text_chars = unmapped = 0
        ruled: list[int] = []
        for index in range(len(document)):
            page = document[index]
            try:
                lines, counts = _page_text(page)
                if _rule_count(page) >= 4:
                    ruled.append(index)
            finally:
                page.close()
            text_chars += counts[0]
            unmapped += counts[1]
            pages.append(lines)
        if _is_scan(document, text_chars):
            raise InputFileError(
                "This PDF has no text that can be read — it may be a scan.",
                hint="Ask for the accessible version or the web page.",
            )
        if unmapped > 0.3 * text_chars:
            raise InputFileError(
                "The text in this PDF cannot be read: its fonts do not say which "
                "letters they show.",
                hint="Ask for the accessible version or the web page.",
            )
    except InputFileError:
        raise
    except Exception as exc:  # PDFium raises for damaged files in many places
        raise _damaged(name) from exc
    finally:
        document.close()
    entries = [_page_entries(lines) for lines in pages]
    if ruled:
        _add_ruled_tables(data, ruled, pages, entries)
    return _paragraphs(entries)


def _plain_copy(data: bytes, name: str) -> bytes:
    """An unencrypted copy of a PDF that opens with the empty user password
    (it has only an owner password); a plain error if it needs a password."""
    from pypdf import PdfReader, PdfWriter

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if not reader.decrypt(""):
            raise _encrypted(name)
        if len(reader.pages) > MAX_PAGES:
            raise InputFileError(
                f"'{name}' has {len(reader.pages)} pages, more than any inspection report.",
                hint="Check it is the right document.",
            )
        plain = io.BytesIO()
        PdfWriter(clone_from=reader).write(plain)
    except InputFileError:
        raise
    except Exception as exc:  # pypdf raises many types for damaged files
        raise _encrypted(name) from exc
    return plain.getvalue()


def _encrypted(name: str) -> InputFileError:
    return InputFileError(
        f"'{name}' is a password-protected (encrypted) PDF.",
        hint="Save an unprotected copy, or use the web page version of the report.",
    )


def _damaged(name: str) -> InputFileError:
    return InputFileError(
        f"'{name}' could not be read as a PDF; it may be damaged.",
        hint="Download or export the report again.",
    )


def _is_scan(document: Any, text_chars: int) -> bool:
    """A PDF with no text, or pictures of pages with at most a stray word of
    text on them, was scanned rather than exported: there is nothing to read."""
    if text_chars == 0:
        return True
    if text_chars >= 40 * len(document):
        return False
    import pypdfium2.raw as raw

    pictured = 0
    for index in range(len(document)):
        page = document[index]
        try:
            if any(True for _ in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=1)):
                pictured += 1
        finally:
            page.close()
    return pictured * 2 >= len(document)


def _rule_count(page: Any) -> int:
    """How many drawn paths (rules, boxes) the page has, up to 4."""
    import pypdfium2.raw as raw

    found = 0
    for index in range(raw.FPDFPage_CountObjects(page)):
        if raw.FPDFPageObj_GetType(raw.FPDFPage_GetObject(page, index)) == raw.FPDF_PAGEOBJ_PATH:
            found += 1
            if found >= 4:
                break
    return found


_WORD = re.compile(r"[^\s\ufffe]+\ufffe?|\ufffe")


def _page_text(page: Any) -> tuple[list[_Line], tuple[int, int]]:
    """The page's words grouped into lines (in drawing order), and how many
    characters it has and how many of those have no known letter.

    PDFium breaks its text into lines and puts spaces between words, so only
    each word's first and last characters need measuring: a word that lies
    off the line's baseline, or far to the right of the last word (the next
    cell of a table row), starts a new line.
    """
    import pypdfium2.raw as raw

    height = page.get_height()
    textpage = page.get_textpage()
    handle = textpage.raw  # the bare pointer: ctypes calls on it are much faster
    try:
        count = raw.FPDFText_CountChars(handle)
        text = textpage.get_text_range(0, count) if count else ""
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        ox, oy = ctypes.c_double(), ctypes.c_double()
        get_box, get_origin = raw.FPDFText_GetCharBox, raw.FPDFText_GetCharOrigin
        get_size, unmapped_at = raw.FPDFText_GetFontSize, raw.FPDFText_HasUnicodeMapError
        boxes = (ctypes.byref(left), ctypes.byref(right), ctypes.byref(bottom), ctypes.byref(top))
        origin = (ctypes.byref(ox), ctypes.byref(oy))
        lines: list[_Line] = []
        n_chars = n_unmapped = 0
        position = 0
        for segment in re.split(r"(\r\n|\r|\n)", text[:count]):
            start_of_segment, position = position, position + len(segment)
            if not segment or segment in ("\r\n", "\r", "\n"):
                continue
            line: _Line | None = None
            last_x1 = last_width = 0.0
            for word in _WORD.finditer(segment):
                first = start_of_segment + word.start()
                end = start_of_segment + word.end() - 1
                chars = word.group().replace("\ufffe", "-")  # PDFium's end-of-line hyphen
                n_chars += len(chars)
                if unmapped_at(handle, first) == 1:
                    n_unmapped += len(chars)
                size = get_size(handle, first)
                get_box(handle, first, *boxes)
                x0 = left.value
                middle = height - (bottom.value + top.value) / 2
                first_width = right.value - x0
                if end != first:
                    get_box(handle, end, *boxes)
                x1 = right.value
                if line is not None and (
                    not line.top < middle < line.bottom
                    or x0 - last_x1 > _CHAR_MARGIN * max(last_width, first_width, size * 0.5)
                    or x0 < last_x1 - 2 * size
                ):
                    line = None
                if line is None:
                    # The line's height comes from its first character's baseline and size.
                    get_origin(handle, first, *origin)
                    baseline = height - oy.value
                    line = _Line(
                        x0, x1, baseline - (1 - _DESCENT) * size, baseline + _DESCENT * size
                    )
                    line.first_word = x1 - x0
                    line.text = chars
                    lines.append(line)
                else:
                    line.text += " " + chars
                    line.x1 = max(line.x1, x1)
                line.sizes[round(size, 1)] += len(chars)
                last_x1, last_width = x1, (x1 - x0) / len(chars)
        return lines, (n_chars, n_unmapped)
    finally:
        textpage.close()


def _page_entries(lines: list[_Line]) -> list[dict[str, Any]]:
    """The page's printed lines and table rows, top to bottom.

    Each entry has ``top``, ``bottom``, ``x0``, ``size``, ``text`` and, for a
    table row, ``cells``.
    """
    boxes = _text_boxes(lines)
    entries: list[dict[str, Any]] = []
    in_rows: set[int] = set()
    for row in _side_by_side_cells(boxes):
        for box in row:
            in_rows.update(id(line) for line in box["lines"])
        entry = {
            "top": min(b["bbox"][1] for b in row),
            "bottom": max(b["bbox"][3] for b in row),
            "x0": min(b["bbox"][0] for b in row),
            "size": 0,
        }
        cells = _column_texts(row)
        if len(row) == 2 and _MARKER_ONLY.match(cells[0]):
            # A number cell (or a list marker) beside one block of text: an
            # item, however the number sits in its cell (top or middle).
            entry["item"] = cells
        else:
            entry["cells"] = cells
        entries.append(entry)
    free = [line for line in lines if id(line) not in in_rows]
    entries.extend(_printed_lines(free))
    entries.sort(key=lambda e: (round(e["top"]), e["x0"]))
    return entries


def _printed_lines(lines: list[_Line]) -> list[dict[str, Any]]:
    """Runs at the same height joined left to right into one printed line
    (a list marker set apart from its text, a heading's number)."""
    rows: list[list[_Line]] = []
    for line in sorted(lines, key=lambda item: (item.top, item.x0)):
        if rows and abs(rows[-1][0].top - line.top) <= 3:
            rows[-1].append(line)
        else:
            rows.append([line])
    entries = []
    for row in rows:
        row.sort(key=lambda item: item.x0)
        sizes: Counter[float] = Counter()
        for item in row:
            sizes.update(item.sizes)
        entries.append(
            {
                "top": min(item.top for item in row),
                "bottom": max(item.bottom for item in row),
                "x0": row[0].x0,
                "x1": max(item.x1 for item in row),
                "first_word": row[0].first_word,
                "size": sizes.most_common(1)[0][0],
                "text": " ".join(item.text for item in row),
            }
        )
    return entries


def _text_boxes(lines: list[_Line]) -> list[dict[str, Any]]:
    """Lines grouped into text boxes as pdfminer's layout analysis does: lines
    of the same height, close above or below, and aligned left, right or on
    their centres belong to one box."""
    parent = list(range(len(lines)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(lines):
        d = _LINE_MARGIN * a.height
        for j in range(i + 1, len(lines)):
            b = lines[j]
            if b.top > a.bottom + d or b.bottom < a.top - d:
                continue
            if b.x1 < a.x0 or b.x0 > a.x1:
                continue
            if abs(a.height - b.height) > d:
                continue
            if (
                abs(a.x0 - b.x0) <= d
                or abs(a.x1 - b.x1) <= d
                or abs((a.x0 + a.x1) - (b.x0 + b.x1)) / 2 <= d
            ):
                parent[root(i)] = root(j)
    groups: dict[int, list[_Line]] = {}
    for index, line in enumerate(lines):
        groups.setdefault(root(index), []).append(line)
    boxes = []
    for members in groups.values():
        members.sort(key=lambda item: item.top)
        text = _unwrap("\n".join(line.text for line in members))
        bbox = (
            min(m.x0 for m in members),
            min(m.top for m in members),
            max(m.x1 for m in members),
            max(m.bottom for m in members),
        )
        boxes.append({"bbox": bbox, "text": text, "lines": members})
    return boxes


def _side_by_side_cells(boxes: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Rows of a table drawn without rules: text boxes that sit side by side
    (overlapping vertically, apart horizontally) are the cells of one row, so
    a cell that wraps onto two lines stays with the cell beside it."""
    boxes = [box for box in boxes if box["text"]]
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
        markers = [box for box in group if _MARKER_ONLY.match(box["text"])]
        text = [box for box in group if not _MARKER_ONLY.match(box["text"])]
        if len(text) == 1 and len(markers) == 1:
            # A number or marker beside its text, set apart from it: an item
            # if it stands left of the text (a table's number column, a list).
            if markers[0]["bbox"][2] <= text[0]["bbox"][0] + 1:
                rows.append([markers[0], text[0]])
            continue
        if len(text) < 2:
            # Several markers beside one block of text are a list whose items
            # sit close together: read line by line, as printed.
            continue
        if len(_column_texts(text)) >= 2:
            # A table row; a number cell among its cells is kept (the number
            # column of a table that also names the addressee).
            rows.append(sorted(group, key=lambda box: box["bbox"][0]) if markers else text)
    return rows


def _add_ruled_tables(
    data: bytes,
    page_numbers: list[int],
    pages: list[list[_Line]],
    entries: list[list[dict[str, Any]]],
) -> None:
    """Read ruled tables (with pdfplumber) on the pages that have rules, and
    put their rows in place of the lines and boxes inside them."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number in page_numbers:
            page = pdf.pages[number]
            tables = page.find_tables()
            if not tables:
                continue
            bounds = [table.bbox for table in tables]

            def outside(line: _Line, bounds: list[tuple] = bounds) -> bool:
                cx, cy = (line.x0 + line.x1) / 2, (line.top + line.bottom) / 2
                return not any(x0 <= cx <= x1 and t <= cy <= b for x0, t, x1, b in bounds)

            rows = []
            for table in tables:
                for row in table.rows:
                    cells = []
                    for cell in row.cells:
                        if cell is None:
                            continue
                        text = _unwrap(_cell_text(page, cell))
                        if text:
                            cells.append(text)
                    if cells:
                        x0, top, _x1, bottom = row.bbox
                        rows.append(
                            {
                                "top": top,
                                "bottom": bottom,
                                "x0": x0,
                                "size": 0,
                                "cells": tuple(cells),
                            }
                        )
            entries[number] = sorted(
                [*_page_entries([line for line in pages[number] if outside(line)]), *rows],
                key=lambda e: (round(e["top"]), e["x0"]),
            )


def _cell_text(page: Any, cell: tuple[float, float, float, float]) -> str:
    """The text of a ruled table's cell: the characters whose centres lie in
    it (a line touching the table's bottom rule is not part of it)."""
    x0, top, x1, bottom = cell

    def inside(obj: dict[str, Any]) -> bool:
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return x0 <= cx <= x1 and top <= cy <= bottom

    return page.filter(inside).extract_text() or ""


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
            if "item" in entry:
                finish()
                marker, text = entry["item"]
                number, bullet, _rest = split_list_marker(f"{marker.strip('()')}. x")
                if _BULLET_ONLY.match(marker):
                    blocks.append(Block("item", text, bullet=True))
                else:
                    blocks.append(Block("item", text, number=number))
                previous = None
                continue
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
