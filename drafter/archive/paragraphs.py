"""A sent letter's file (.docx, .pdf or .txt) as a list of paragraphs.

Each format keeps what the letter's structure needs: whether a paragraph is a
bullet (Word numbering or list styles, a typed bullet sign, a PDF line's
indent), soft line breaks, Word highlighting and the Word comments anchored
in it. Tracked deletions are left out. :mod:`drafter.archive.sent_letter` reads the
letter's parts from these paragraphs.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drafter.core.errors import InputFileError, NotALetterError
from drafter.core.fileio import check_zip_limits

# Characters people and word processors put in front of a bullet.
BULLET_RE = re.compile(r"^\s*(?:[•◦▪▫●○■□‣⁃∙·\uf0b7\uf0a7\uf076\uf0d8*–—-]|\(?\d{1,2}[.)])\s+")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a letter, with soft line breaks kept as newlines."""

    text: str
    bullet: bool = False
    #: Word highlighting, which drafter uses to mark placeholders to fill in.
    highlighted: bool = False
    #: Text of the Word comments anchored in this paragraph.
    comments: tuple[str, ...] = ()


def detect_format(data: bytes, name: str) -> str:
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


def decode_text(data: bytes, name: str) -> str:
    """A text letter's characters: UTF-16 (with a byte-order mark, as Windows
    Notepad saves "Unicode" text, or without one), UTF-8, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        sample = data[:4096]
        odd_zeros = sample[1::2].count(0)
        even_zeros = sample[0::2].count(0)
        half = len(sample) // 2
        # Text in UTF-16 without a mark: every other byte of plain letters is 0.
        if half and (odd_zeros > 0.6 * half or even_zeros > 0.6 * half):
            try:
                return data.decode("utf-16-le" if odd_zeros > even_zeros else "utf-16-be")
            except UnicodeDecodeError:
                pass
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


def text_paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs of a plain-text letter.

    Typed letters separate paragraphs with blank lines: a line starting with a
    bullet starts a bullet item, and the lines after it (until a blank line)
    continue it. Letters saved as text from Word or LibreOffice have no blank
    lines at all, one paragraph to a line: then each line is a paragraph, and
    a line after a bullet continues it only if it is indented under the
    bullet's text or starts in lower case (a wrapped line)."""
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    filled = [line for line in raw_lines if line.strip()]
    inner = "\n".join(raw_lines).strip("\n").split("\n")
    blank_lines = sum(1 for line in inner if not line.strip())
    if len(filled) >= 8 and blank_lines <= len(filled) // 20:
        return _line_paragraphs(filled)
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

    for raw in raw_lines:
        if not raw.strip():
            close()
            continue
        marker = BULLET_RE.match(raw)
        if marker:
            close()
            lines, bullet = [raw[marker.end() :]], True
        elif bullet and _SIGN_OFF_RE.match(raw):
            # "Yours sincerely" straight under the last bullet ends the list.
            close()
            lines = [raw]
        else:
            lines.append(raw)
    close()
    return paragraphs


_SIGN_OFF_RE = re.compile(
    r"^\s*(?:yours\s+(?:sincerely|faithfully|truly)|(?:kind|best|warm)(?:est)?\s+regards|"
    r"regards|best\s+wishes)\b",
    re.I,
)


def _line_paragraphs(lines: list[str]) -> list[Paragraph]:
    """One paragraph to a line (text saved from a word processor)."""
    paragraphs: list[Paragraph] = []
    text_indent: int | None = None  # where the current bullet's text starts
    for raw in lines:
        marker = BULLET_RE.match(raw)
        if marker:
            paragraphs.append(Paragraph(" ".join(raw[marker.end() :].split()), True))
            text_indent = marker.end()
            continue
        indent = len(raw) - len(raw.lstrip())
        stripped = " ".join(raw.split())
        if text_indent is not None and (indent >= text_indent or stripped[:1].islower()):
            last = paragraphs.pop()
            paragraphs.append(Paragraph(f"{last.text} {stripped}", True))
            continue
        text_indent = None
        paragraphs.append(Paragraph(stripped))
    return paragraphs


def open_docx(data: bytes, name: str) -> Any:
    """The python-docx Document, or an InputFileError saying what to do (also
    for a zip bomb: a file that would unzip to far more than any letter)."""
    import docx

    check_zip_limits(data, name=f"'{name}'")
    try:
        return docx.Document(io.BytesIO(data))
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


def docx_paragraphs(document: Any) -> list[Paragraph]:
    from docx.oxml.ns import qn

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
        num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
        style = ppr.find(qn("w:pStyle")) if ppr is not None else None
        style_id = style.get(qn("w:val")) if style is not None else None
        num_id = num_pr.find(qn("w:numId")) if num_pr is not None else None
        # numId 0 is how Word records numbering removed from a list paragraph.
        has_numbering = num_pr is not None and (num_id is None or num_id.get(qn("w:val")) != "0")
        bullet = has_numbering or style_id in numbered_styles
        if _inside(p, qn("w:tbl"), body):
            # Table cells (an address block, an action plan) are read as plain
            # text; an action-plan table is read by _docx_action_table.
            bullet = False
        elif not bullet:
            marker = BULLET_RE.match(text)
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


#: A response letter is a few pages (an action plan a few more); a much longer
#: PDF is not a letter, and reading it whole would take minutes and gigabytes.
MAX_LETTER_PAGES = 100


def pdf_paragraphs(data: bytes, name: str) -> list[Paragraph]:
    try:
        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > MAX_LETTER_PAGES:
                raise NotALetterError(
                    f"'{name}' has {len(pdf.pages):,} pages, more than any response letter "
                    f"(at most {MAX_LETTER_PAGES}).",
                    hint="Check it is the letter as sent.",
                )
            pages = [page.extract_text_lines() for page in pdf.pages]
    except NotALetterError:
        raise
    except Exception as exc:  # pdfminer raises many kinds of error on a damaged file
        raise InputFileError(
            f"'{name}' is not a readable PDF.",
            hint="Archive the .docx the letter was sent from, or save the PDF again.",
        ) from exc
    return group_pdf_lines(pages)


def group_pdf_lines(pages: list[list[dict[str, Any]]]) -> list[Paragraph]:
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
            marker = BULLET_RE.match(text)
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
