"""Blocks from a saved web page (BeautifulSoup with the lxml parser).

Headings, paragraphs, list items (``<ol start>`` and ``<li value>`` give the
printed numbers) and table rows are emitted in document order. ``<br>`` is
kept as a line break inside the block so a signature such as
"Martin Jones CBE<br>HM Chief Inspector of Probation" stays recognisable.
"""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, NavigableString, Tag, XMLParsedAsHTMLWarning
from bs4.element import Comment

from drafter.reading.parser import Block

_SKIP = {"script", "style", "noscript", "template", "head", "svg", "nav", "button", "form"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCK_TEXT = {"p", "dt", "dd", "blockquote", "figcaption", "caption", "pre", "address"}
_LISTS = {"ol", "ul"}
_SPACED = {"li", "p", "div", "ul", "ol", "td", "th", "tr", "dd", "dt", "section"}


#: A report's page holds a few thousand elements. A page with tens of
#: thousands more is something else (an export, a generated listing), and
#: parsing and walking it would take minutes: 300,000 sibling elements in
#: 3.6 MB took over 30 seconds. Counted as "<" characters before parsing.
MAX_HTML_TAGS = 100_000


def html_blocks(text: str) -> list[Block]:
    tags = text.count("<")
    if tags > MAX_HTML_TAGS:
        from drafter.core.errors import InputFileError

        raise InputFileError(
            f"The web page holds about {tags:,} tags, far more than any report page "
            "(a few thousand); reading it would take minutes.",
            hint="Check it is the right file, or save only the report's page from the browser.",
        )
    with warnings.catch_warnings():
        # A page saved as XHTML is still a web page; lxml's HTML parser reads it.
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(text, "lxml")
    root = soup.body or soup
    blocks: list[Block] = []
    _walk(root, blocks)
    if not any(b.kind == "heading" and b.level == 1 for b in blocks) and soup.title:
        title = soup.title.get_text(" ", strip=True)
        if title:
            blocks.insert(0, Block("heading", title, level=1))
    return blocks


#: Elements nested deeper than this are not a web page anyone wrote: real
#: report pages nest a few dozen deep. Refused rather than walked (the walk
#: recurses, and Python's recursion would overflow a few hundred levels on).
MAX_HTML_DEPTH = 250


def _walk(node: Tag, blocks: list[Block], depth: int = 0) -> None:
    if depth > MAX_HTML_DEPTH:
        from drafter.core.errors import InputFileError

        raise InputFileError(
            f"The web page nests its elements more than {MAX_HTML_DEPTH} deep, far deeper "
            "than any report page.",
            hint="Check it is the right file, or save the report's page again from the browser.",
        )
    loose: list[str] = []  # text sitting directly inside a container

    def flush() -> None:
        text = "".join(loose).strip()
        loose.clear()
        if text:
            blocks.append(Block("paragraph", text))

    for child in node.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            loose.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name.lower()
        if name in _SKIP:
            continue
        if name == "br":
            loose.append("\n")
            continue
        if name in _HEADINGS:
            flush()
            blocks.append(Block("heading", _text(child), level=_HEADINGS[name]))
        elif name in _BLOCK_TEXT:
            flush()
            blocks.append(Block("paragraph", _text(child)))
        elif name in _LISTS:
            flush()
            _list(child, blocks)
        elif name == "table":
            flush()
            _table(child, blocks)
        elif _is_footnote_mark(child):
            continue
        elif name in ("a", "span", "strong", "b", "em", "i", "sup", "sub", "abbr", "small", "u"):
            loose.append(_text(child))
        else:
            flush()
            _walk(child, blocks, depth + 1)
    flush()


def _list(node: Tag, blocks: list[Block]) -> None:
    ordered = node.name.lower() == "ol"
    try:
        number = int(node.get("start", 1))
    except (TypeError, ValueError):
        number = 1
    for item in node.find_all("li", recursive=False):
        if item.get("value", "").strip().isdigit():
            number = int(item["value"])
        # Sub-points belong to their item: a recommendation with sub-bullets
        # is still one recommendation.
        text = " ".join(_text(item).split("\n")) if item.find(list(_LISTS)) else _text(item)
        if text:
            if ordered:
                blocks.append(Block("item", text, number=number))
            else:
                blocks.append(Block("item", text, bullet=True))
        number += 1


def _table(node: Tag, blocks: list[Block]) -> None:
    for row in node.find_all("tr"):
        if row.find_parent("table") is not node:
            continue
        cells = tuple(_text(cell) for cell in row.find_all(["td", "th"], recursive=False))
        cells = tuple(c for c in cells if c)
        if cells:
            blocks.append(Block("row", " ".join(cells), cells=cells))


def _is_footnote_mark(node: Tag) -> bool:
    """A superscript footnote number ("supervision<sup>3</sup>"), which must
    not end up glued to the sentence it marks."""
    return node.name == "sup" and bool(re.fullmatch(r"\s*\[?[\d,\s]{1,8}\]?\s*", node.get_text()))


def _text(node: Tag) -> str:
    """The node's text with ``<br>`` as a line break and other markup dropped."""
    parts: list[str] = []
    for piece in node.descendants:
        if isinstance(piece, Comment):
            continue
        if isinstance(piece, NavigableString):
            if any(
                p.name in _SKIP or _is_footnote_mark(p) for p in piece.parents if isinstance(p, Tag)
            ):
                continue
            parts.append(str(piece).replace("\n", " "))
        elif isinstance(piece, Tag) and piece.name == "br":
            parts.append("\n")
        elif isinstance(piece, Tag) and piece.name in _SPACED:
            parts.append(" ")  # block-level children are separate words
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)
