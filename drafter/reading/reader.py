"""Read an inspection report file (HTML, MHTML, PDF, DOCX, ODT, text or
Markdown; .doc and .rtf through LibreOffice) into a
:class:`~drafter.core.model.Report`.

The format is worked out from the file's content (a PDF starts with "%PDF", a
DOCX is a zip holding ``word/document.xml``, an ODT a zip whose ``mimetype``
says so, a web page has ``<html``, a browser's single-file page is a MIME
message), with the extension only as a tie-breaker, because reports are often
saved or renamed carelessly. Each format is reduced to the same list of
:class:`~drafter.reading.parser.Block` objects and handed to one parser.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections import Counter
from pathlib import Path
from typing import Literal

from drafter.core.errors import InputFileError
from drafter.core.fileio import DEFAULT_MAX_INPUT_BYTES, read_input_bytes, sha256_bytes
from drafter.core.lazy import lazy_compile
from drafter.core.model import Report
from drafter.core.normalise import normalise_text, split_list_marker
from drafter.reading.parser import Block, addressee_of, parse_blocks, section_of, split_alpha_marker

SourceFormat = Literal["html", "mhtml", "pdf", "docx", "odt", "doc", "rtf", "text"]

_HTML_SNIFF = lazy_compile(rb"<\s*(?:!doctype\s+html|html|head|body|h1|p|div|table)\b", re.I)
#: A browser's single-file page starts with mail-style headers.
_MIME_HEADER = lazy_compile(
    rb"^(?:[A-Za-z-]+:[^\n]*\r?\n(?:[ \t][^\n]*\r?\n)*)*MIME-Version:", re.I
)
_ODF_MIMETYPE = b"application/vnd.oasis.opendocument."
_ODF_KINDS = {
    "spreadsheet": "a spreadsheet",
    "presentation": "a presentation",
    "graphics": "a drawing",
}


def detect_format(data: bytes, name: str = "") -> SourceFormat:
    """Work out a document's format from its first bytes, then its extension.

    Raises :class:`InputFileError` for a ``.docx``/``.pdf`` whose content is
    not what its name promises, and for binary files drafter cannot read.
    """
    suffix = Path(name).suffix.lower()
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
                if "word/document.xml" in names:
                    return "docx"
                odf = _odf_kind(archive, names)
        except zipfile.BadZipFile as exc:
            raise InputFileError(
                f"'{name}' looks like a damaged Word or zip file.",
                hint="Open it in Word and save it again.",
            ) from exc
        if odf in ("text", "text-template", "text-master"):
            return "odt"
        if odf is not None:
            described = _ODF_KINDS.get(odf.split("-")[0], "an OpenDocument file")
            raise InputFileError(
                f"'{name}' is {described}, not a report document.",
                hint="Use the report as a web page (.html), PDF, Word (.docx, .odt) or text.",
            )
        raise InputFileError(
            f"'{name}' is a zip archive, not a Word document or report.",
            hint="Unzip it and choose the report inside.",
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if _MIME_HEADER.match(head) and b"multipart/related" in head.lower():
        return "mhtml"
    if suffix in (".mhtml", ".mht") and _MIME_HEADER.match(head):
        return "mhtml"
    # A web page saved under the wrong name is still a web page: the content
    # decides. Anything else misnamed .docx/.pdf is refused below.
    if _HTML_SNIFF.match(head.lstrip(b"\xef\xbb\xbf")):
        return "html"
    if suffix == ".docx":
        raise InputFileError(
            f"'{name}' is named .docx but is not a Word document (it is not a zip file).",
            hint="Open it in Word and save it again as .docx.",
        )
    if suffix == ".pdf":
        raise InputFileError(
            f"'{name}' is named .pdf but is not a PDF.",
            hint="Download or export the report again.",
        )
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputFileError(
            f"'{name}' is not a document drafter can read.",
            hint="Use the report as a web page (.html), PDF, Word (.docx) or text file.",
        )
    text_head = head.lstrip(b"\xef\xbb\xbf")
    if _HTML_SNIFF.match(text_head) or (suffix in (".html", ".htm") and b"<" in text_head):
        return "html"
    return "text"


def _odf_kind(archive: zipfile.ZipFile, names: list[str]) -> str | None:
    """ "text", "spreadsheet", … for an OpenDocument file (its ``mimetype``
    entry says which), else None."""
    if "mimetype" not in names:
        return None
    info = archive.getinfo("mimetype")
    if info.file_size > 200:
        return None
    mimetype = archive.read("mimetype").strip()
    if not mimetype.startswith(_ODF_MIMETYPE):
        return None
    return mimetype[len(_ODF_MIMETYPE) :].decode("ascii", errors="replace")


#: A report's web page or pasted text is well under 1 MB; a 45 MB page took
#: minutes and gigabytes to read, so pages and text over this are refused
#: unless a limit is given (``--max-mb``). PDFs and Word files, whose size is
#: mostly pictures, keep the general limit.
MAX_MARKUP_BYTES = 10 * 1024 * 1024


def read_report(path: str | os.PathLike[str], *, max_bytes: int | None = None) -> Report:
    """Read the inspection report at ``path``.

    Raises :class:`InputFileError` (missing, empty, too large, damaged,
    encrypted) or :class:`~drafter.core.errors.NotAReportError` (readable, but not
    an HMI Probation inspection report). A report with no Recommendations
    section is returned with a warning in ``report.warnings``.
    """
    try:
        data = read_input_bytes(path, max_bytes or DEFAULT_MAX_INPUT_BYTES)
    except InputFileError as exc:
        if "limit" in exc.message:
            raise InputFileError(
                exc.message, hint="Check it is the right document; --max-mb raises the limit."
            ) from None
        raise
    if max_bytes is None and len(data) > MAX_MARKUP_BYTES:
        kind = detect_format(data, str(path))
        if kind in ("html", "text"):
            what = "web page" if kind == "html" else "text file"
            raise _over_markup_limit(f"'{path}' is a {len(data) / 1_048_576:.1f} MB {what}")
    # A saved web archive (.mhtml) may be large for its pictures; the limit
    # applies to the page inside it.
    max_markup = MAX_MARKUP_BYTES if max_bytes is None else None
    report = read_report_bytes(data, name=str(path), max_markup_bytes=max_markup)
    report.source_path = str(path)
    return report


def _over_markup_limit(what: str) -> InputFileError:
    return InputFileError(
        f"{what}, over the {MAX_MARKUP_BYTES // 1_048_576} MB drafter reads by default (a "
        "report's page is well under 1 MB; this one would take minutes and gigabytes to read).",
        hint="Check it is the right file; if it is, add --max-mb 50 to read it anyway.",
    )


def read_report_bytes(
    data: bytes, *, name: str = "report", max_markup_bytes: int | None = None
) -> Report:
    """Like :func:`read_report` for a document already in memory. A web page
    saved in a web archive (.mhtml) over ``max_markup_bytes`` is refused."""
    source_format = detect_format(data, name)
    blocks = extract_blocks(data, source_format, name=name, max_markup_bytes=max_markup_bytes)
    report = parse_blocks(blocks)
    report.sha256 = sha256_bytes(data)
    report.source_format = source_format
    return report


def extract_blocks(
    data: bytes,
    source_format: SourceFormat,
    *,
    name: str = "",
    max_markup_bytes: int | None = None,
) -> list[Block]:
    """The document's headings, paragraphs, list items and table rows in order
    (a web archive's page over ``max_markup_bytes`` is refused)."""
    if source_format == "pdf":
        from drafter.reading.formats.pdf import pdf_blocks

        return pdf_blocks(data, name)
    if source_format == "docx":
        from drafter.reading.formats.docx import docx_blocks

        return docx_blocks(data, name)
    if source_format in ("doc", "rtf"):
        from drafter.reading.formats.convert import convert_to_docx
        from drafter.reading.formats.docx import docx_blocks

        return docx_blocks(convert_to_docx(data, source_format, name), name)
    if source_format == "odt":
        from drafter.reading.formats.odt import odt_blocks

        return odt_blocks(data, name)
    if source_format == "mhtml":
        from drafter.reading.formats.html import html_blocks
        from drafter.reading.formats.mhtml import mhtml_page

        page = mhtml_page(data, name)
        if max_markup_bytes is not None and len(page) > max_markup_bytes:
            size = len(page.encode("utf-8", "replace"))
            if size > max_markup_bytes:
                raise _over_markup_limit(f"'{name}' holds a {size / 1_048_576:.1f} MB web page")
        return html_blocks(page)
    text = decode_text(data, name)
    if source_format == "html":
        from drafter.reading.formats.html import html_blocks

        return html_blocks(text)
    return text_blocks(text)


def decode_text(data: bytes, name: str = "") -> str:
    """Decode a text or HTML file: UTF-8 (with or without BOM), UTF-16 with a
    BOM, else Windows-1252, which is what older Office exports use."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise InputFileError(
                f"'{name}' is not readable text.", hint="Save it as UTF-8 text and retry."
            ) from exc


# --- plain text and Markdown ---------------------------------------------------

_MD_HEADING = lazy_compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_TABLE_RULE = lazy_compile(r"^\|?\s*:?-{3,}")
_MD_EMPHASIS = lazy_compile(r"(\*\*|__)(.+?)\1")


def text_blocks(text: str) -> list[Block]:
    """Blocks from pasted or flattened text, or Markdown.

    Each non-blank line is a block, as in a flattened web page where table
    cells and paragraphs each sit on their own line. A line straight after a
    list item, without a marker, that starts in lower case or is indented
    further than the item's marker, is that item's wrapped tail.
    """
    blocks: list[Block] = []
    previous_blank = True
    item_indent = 0
    lines = text.splitlines()
    wrap_width = _wrap_width(lines)
    repeated = {line for line, n in Counter(x.strip() for x in lines).items() if n >= 3}
    previous_line = ""
    for raw in lines:
        if not raw.strip():
            previous_blank = True
            continue
        line = raw.rstrip()
        last_line, previous_line = previous_line, line
        heading = _MD_HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            blocks.append(Block("heading", _plain(heading.group(2)), level=level))
        elif line.lstrip().startswith("|") and line.rstrip().endswith("|"):
            if not _MD_TABLE_RULE.match(line.strip()):
                cells = tuple(_plain(c) for c in line.strip().strip("|").split("|"))
                blocks.append(Block("row", " ".join(cells), cells=cells))
        else:
            number, bullet, rest = split_list_marker(line)
            indent = len(line) - len(line.lstrip())
            if number is not None or bullet:
                blocks.append(Block("item", _plain(rest), number=number, bullet=bullet))
                item_indent = indent
            elif (
                blocks
                and blocks[-1].kind == "item"
                and not previous_blank
                and split_alpha_marker(line) is None
                and (
                    line.lstrip()[:1].islower()
                    or indent > item_indent
                    or _wrapped_at_margin(last_line, line, wrap_width, repeated)
                )
            ):
                last = blocks.pop()
                joined = f"{last.text} {_plain(line)}"
                blocks.append(Block("item", joined, number=last.number, bullet=last.bullet))
            else:
                blocks.append(Block("paragraph", _plain(line)))
        previous_blank = False
    return blocks


def _wrap_width(lines: list[str]) -> int | None:
    """The width text was hard-wrapped at (pasted from a PDF, or an email),
    or None for text whose paragraphs are each one long line."""
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if len(lengths) < 20:
        return None
    width = lengths[int(len(lengths) * 0.9)]
    return width if 60 <= width <= 130 else None


def _wrapped_at_margin(last_line: str, line: str, width: int | None, repeated: set[str]) -> bool:
    """Does ``line`` continue an item whose previous line ran to the wrap
    margin without finishing ("… with the" / "Probation Service")? Repeated
    lines (running footers), page numbers, section titles and addressee
    lines never do."""
    stripped = line.strip()
    return bool(
        width
        and len(last_line.strip()) >= 0.8 * width
        and not re.search(r"[.;:!?]$", last_line.strip())
        and stripped[:1].isalpha()
        and stripped not in repeated
        and section_of(Block("paragraph", stripped)) is None
        and addressee_of(stripped) is None
    )


def _plain(text: str) -> str:
    """Markdown emphasis removed; everything else kept as written."""
    return normalise_text(_MD_EMPHASIS.sub(r"\2", text))
