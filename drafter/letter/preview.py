"""A letter as plain records, for showing it in a page before downloading it.

The preview is read back from the very Word document :func:`compose_letter`
builds from the plan, so what is shown is what will be downloaded: each
paragraph, whether it is a bullet, its bold and highlighted (placeholder or
date to check) pieces, and the comments drafter put on it (the evidence for
each action, what to fill in).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date

from drafter.core.model import ResponsePlan
from drafter.letter.settings import Config


@dataclass(frozen=True)
class PreviewRun:
    text: str
    bold: bool = False
    highlighted: bool = False  # a placeholder or a date to check: yellow in Word
    line_break: bool = False  # starts on a new line within the paragraph


@dataclass
class PreviewParagraph:
    runs: list[PreviewRun]
    bullet: bool = False
    comments: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(("\n" if r.line_break else "") + r.text for r in self.runs)


@dataclass
class LetterPreview:
    paragraphs: list[PreviewParagraph]
    #: Things to fill in or check (the same list the command line prints).
    attention: list = field(default_factory=list)

    @property
    def placeholder_count(self) -> int:
        return sum(1 for p in self.paragraphs for r in p.runs if r.highlighted)


def preview_document(document: object) -> list[PreviewParagraph]:
    """The paragraphs of a python-docx ``document`` with their comments."""
    from docx.enum.text import WD_COLOR_INDEX
    from docx.oxml.ns import qn

    comments = getattr(document, "comments", None)
    result = []
    for paragraph in document.paragraphs:  # type: ignore[attr-defined]
        element = paragraph._p
        bullet = element.pPr is not None and element.pPr.numPr is not None
        runs: list[PreviewRun] = []
        pending_break = False
        for child in element.iter(qn("w:r")):
            texts = [t.text or "" for t in child.iter(qn("w:t"))]
            if child.find(qn("w:br")) is not None and not texts:
                pending_break = True
                continue
            if not texts:
                continue
            props = child.rPr
            bold = bool(props is not None and props.b is not None and props.b.val is not False)
            highlight = props is not None and props.highlight_val == WD_COLOR_INDEX.YELLOW
            runs.append(PreviewRun("".join(texts), bold, bool(highlight), pending_break))
            pending_break = False
        notes = []
        if comments is not None:
            for start in element.iter(qn("w:commentRangeStart")):
                comment = comments.get(int(start.get(qn("w:id"))))
                if comment is not None:
                    notes.append("\n".join(p.text for p in comment.paragraphs))
        if runs or bullet:
            result.append(PreviewParagraph(runs, bullet, notes))
    return result


def preview_letter(
    plan: ResponsePlan,
    config: Config | None = None,
    *,
    letter_date: date | None = None,
    letterhead: str | os.PathLike[str] | None = None,
    template_dir: str | os.PathLike[str] | None = None,
) -> LetterPreview:
    """The letter :func:`drafter.letter.document.compose_letter` drafts from
    ``plan``, as records to show."""
    from drafter.letter.document import compose_letter

    composed = compose_letter(
        plan, config, letter_date=letter_date, letterhead=letterhead, template_dir=template_dir
    )
    return LetterPreview(preview_document(composed.document), list(composed.attention))
