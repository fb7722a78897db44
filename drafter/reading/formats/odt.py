"""Blocks from an OpenDocument text file (.odt, as LibreOffice saves), read
with odfpy.

Headings are ``text:h`` (their outline level) or paragraphs in a "Heading N"
or "Title" style; lists are ``text:list``, numbered or bulleted as their list
style says, with the printed number worked out from the style's start value,
an item's own start value and lists that continue an earlier one; tables
become rows. Footnotes and notes are left out, as a web page's footnote
marks are.
"""

from __future__ import annotations

import io
import re
from typing import Any

from drafter.core.errors import InputFileError
from drafter.core.fileio import check_zip_limits
from drafter.core.guarded import check_zip_xml_depth
from drafter.reading.parser import Block

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"

_HEADING_STYLE = re.compile(r"^heading(?:_20_|\s)?(\d)$", re.I)
#: Parts of a paragraph that are not its text.
_SKIPPED = {"note", "bookmark-start", "bookmark-end", "bookmark", "soft-page-break"}
_SKIPPED |= {"sequence-decls", "tracked-changes", "annotation", "annotation-end"}


def odt_blocks(data: bytes, name: str = "") -> list[Block]:
    check_zip_limits(data, name=f"'{name}'")
    check_zip_xml_depth(data, name=f"'{name}'")
    from odf.opendocument import load

    try:
        document = load(io.BytesIO(data))
    except Exception as exc:  # odfpy raises many types for damaged files
        raise InputFileError(
            f"'{name}' could not be opened as an OpenDocument text file ({type(exc).__name__}).",
            hint="Open it in LibreOffice or Word and save it again.",
        ) from exc
    reader = _Reader(document)
    reader.walk(document.text)
    return reader.blocks


class _Reader:
    def __init__(self, document: Any) -> None:
        self.blocks: list[Block] = []
        self.parents: dict[str, str] = {}
        self.list_levels: dict[str, dict[int, tuple[bool, int]]] = {}
        for root in (document.styles, document.automaticstyles):
            for style in root.childNodes:
                self._learn_style(style)
        self.counters: dict[str, list[int]] = {}  # list id -> number per level
        self.last_list: list[int] | None = None

    def _learn_style(self, style: Any) -> None:
        kind = _local(style)
        name = _attr(style, STYLE, "name")
        if not name:
            return
        if kind == "style":
            parent = _attr(style, STYLE, "parent-style-name")
            if parent:
                self.parents[name] = parent
        elif kind == "list-style":
            levels: dict[int, tuple[bool, int]] = {}
            for level in style.childNodes:
                if _local(level) not in ("list-level-style-number", "list-level-style-bullet"):
                    continue
                depth = int(_attr(level, TEXT, "level") or 1) - 1
                numbered = _local(level) == "list-level-style-number"
                if numbered and not _attr(level, STYLE, "num-format"):
                    numbered = False  # a number style that prints no number
                start = _attr(level, TEXT, "start-value")
                levels[depth] = (numbered, int(start) if start and start.isdigit() else 1)
            self.list_levels[name] = levels

    def heading_level(self, style_name: str) -> int | None:
        seen = 0
        while style_name and seen < 10:
            match = _HEADING_STYLE.match(style_name)
            if match:
                return int(match.group(1))
            if style_name.lower() == "title":
                return 1
            style_name, seen = self.parents.get(style_name, ""), seen + 1
        return None

    def walk(self, node: Any) -> None:
        for child in node.childNodes:
            if child.nodeType != child.ELEMENT_NODE:
                continue
            kind = _local(child)
            if kind == "h" and _namespace(child) == TEXT:
                text = _text(child)
                if text:
                    level = _attr(child, TEXT, "outline-level")
                    self.blocks.append(
                        Block("heading", text, level=int(level) if level.isdigit() else 1)
                    )
            elif kind == "p" and _namespace(child) == TEXT:
                text = _text(child)
                if text:
                    level = self.heading_level(_attr(child, TEXT, "style-name"))
                    if level is not None:
                        self.blocks.append(Block("heading", text, level=level))
                    else:
                        self.blocks.append(Block("paragraph", text))
            elif kind == "list" and _namespace(child) == TEXT:
                self._list(child, _attr(child, TEXT, "style-name"), 0)
            elif kind == "table" and _namespace(child) == TABLE:
                self._table(child)
            elif kind in _SKIPPED:
                continue
            else:  # sections, frames, text boxes, index bodies
                self.walk(child)

    def _list(self, node: Any, style_name: str, depth: int) -> None:
        style_name = _attr(node, TEXT, "style-name") or style_name
        levels = self.list_levels.get(style_name, {})
        numbered, start = levels.get(depth, (False, 1))
        if depth == 0:
            continues = _attr(node, TEXT, "continue-numbering") == "true" or bool(
                _attr(node, TEXT, "continue-list")
            )
            if not (continues and self.last_list is not None):
                self.last_list = [start - 1]
            counters = self.last_list
        else:
            counters = [start - 1]
        for item in node.childNodes:
            if _local(item) not in ("list-item", "list-header"):
                continue
            own_start = _attr(item, TEXT, "start-value")
            if own_start.isdigit():
                counters[0] = int(own_start) - 1
            counters[0] += 1
            texts: list[str] = []
            for part in item.childNodes:
                if part.nodeType != part.ELEMENT_NODE:
                    continue
                if _local(part) == "list":
                    # A nested list stays with its item: a recommendation with
                    # sub-bullets is one recommendation.
                    texts.append(" ".join(_text(p) for p in _paragraphs_in(part)))
                else:
                    texts.append(_text(part).replace("\n", " ") if texts else _text(part))
            text = " ".join(t for t in texts if t).strip()
            if not text:
                continue
            if numbered and _local(item) == "list-item":
                self.blocks.append(Block("item", text, number=counters[0], depth=depth))
            else:
                self.blocks.append(Block("item", text, bullet=True, depth=depth))

    def _table(self, node: Any) -> None:
        for row in _descendants(node, TABLE, "table-row"):
            cells = []
            for cell in row.childNodes:
                if _local(cell) != "table-cell":
                    continue
                text = " ".join(
                    _text(p).replace("\n", " ") for p in _paragraphs_in(cell) if _text(p)
                )
                if text:
                    cells.append(text)
            if cells:
                self.blocks.append(Block("row", " ".join(cells), cells=tuple(cells)))


def _paragraphs_in(node: Any) -> list[Any]:
    found = []
    for child in node.childNodes:
        if child.nodeType != child.ELEMENT_NODE:
            continue
        if _local(child) in ("p", "h") and _namespace(child) == TEXT:
            found.append(child)
        elif _local(child) not in _SKIPPED:
            found.extend(_paragraphs_in(child))
    return found


def _descendants(node: Any, namespace: str, local: str) -> list[Any]:
    """Rows of this table, not of tables nested inside its cells."""
    found = []
    for child in node.childNodes:
        if child.nodeType != child.ELEMENT_NODE:
            continue
        if _namespace(child) == namespace and _local(child) == local:
            found.append(child)
        elif _local(child) in ("table-rows", "table-header-rows", "table-row-group"):
            found.extend(_descendants(child, namespace, local))
    return found


def _text(node: Any) -> str:
    """A paragraph's text: spaces (``text:s``) and tabs as spaces, line breaks
    as "\\n", notes and bookmarks left out."""
    parts: list[str] = []

    def visit(element: Any) -> None:
        for child in element.childNodes:
            if child.nodeType == child.TEXT_NODE:
                parts.append(child.data)
                continue
            if child.nodeType != child.ELEMENT_NODE:
                continue
            kind = _local(child)
            if kind in _SKIPPED:
                continue
            if kind == "s":
                count = _attr(child, TEXT, "c")
                parts.append(" " * (int(count) if count.isdigit() else 1))
            elif kind == "tab":
                parts.append(" ")
            elif kind == "line-break":
                parts.append("\n")
            elif kind in ("list", "p", "h"):
                parts.append(" ")
                visit(child)
            else:
                visit(child)

    visit(node)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _local(node: Any) -> str:
    qname = getattr(node, "qname", None)
    return qname[1] if qname else ""


def _namespace(node: Any) -> str:
    qname = getattr(node, "qname", None)
    return qname[0] if qname else ""


def _attr(node: Any, namespace: str, name: str) -> str:
    attributes = getattr(node, "attributes", None) or {}
    return str(attributes.get((namespace, name), "") or "")
