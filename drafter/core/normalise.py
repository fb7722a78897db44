"""Text clean-up shared by every reader format.

Reports arrive with non-breaking spaces, soft hyphens, zero-width characters
and line breaks in the middle of sentences, depending on how they were saved.
These helpers make text from HTML, PDF, DOCX and pasted text compare equal,
while keeping what matters exactly as printed (quotes and apostrophes, curly or
straight, are never changed).
"""

from __future__ import annotations

import unicodedata

from drafter.core.lazy import lazy_compile

# Characters that carry no visible content but break string comparison.
_INVISIBLE: dict[int, str | None] = dict.fromkeys(
    map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None
)
# Typographic ligatures that PDF text extraction returns as single characters.
_INVISIBLE.update({0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl"})

#: A list marker at the start of a line: "1.", "1)", "(1)", "•", "-", "–", "*", "▪".
#: PDF text extraction can lose the gap after a two-digit number ("10.make
#: sure…"), so a letter straight after the marker also counts.
_NUMBER_MARKER = lazy_compile(r"^\(?(\d{1,2})[.)](?:\s+(?=\S)|(?=[^\W\d_]))")
#: Bullets include the Symbol-font private-use characters Word puts in PDFs.
_BULLET_MARKER = lazy_compile(r"^(?:[•●▪◦‣∙·\uf0b7\uf0a7\uf076\uf0d8]\s*|[-–—*]\s+)(?=\S)")

_TRAILING_JUNK = lazy_compile(r"(?:\s*[;.]|\s+and)+\s*$")
_HONOURS = lazy_compile(
    r"(?:[,\s]+(?:CBE|OBE|MBE|KBE|DBE|CB|KC|QC|QPM|DL|JP|FRSA|Kt|Dame|Sir))+\s*$"
)

#: Counts reports and letters write in words ("we have made six
#: recommendations"): "zero" -> 0 ... "twenty" -> 20.
COUNT_WORDS = {
    word: number
    for number, word in enumerate(
        (  # noqa: SIM905 - one line of words reads better than twenty of quotes
            "zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen twenty"
        ).split()
    )
}


def normalise_text(text: str) -> str:
    """Collapse every run of whitespace (line breaks, tabs, non-breaking spaces)
    to one space, drop invisible characters and trim the ends."""
    if not text.isascii():  # (ASCII is already NFC and has nothing to drop)
        text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    # str.split() splits on exactly the characters a regex of \s and the
    # typographic spaces matches (every Unicode space: tested), several times
    # faster than substituting with that regex.
    return " ".join(text.split())


def split_list_marker(text: str) -> tuple[int | None, bool, str]:
    """Split a leading list marker off ``text``.

    Returns ``(number, is_bullet, rest)``: ``(3, False, "ensure…")`` for
    "3. ensure…", ``(None, True, "ensure…")`` for "• ensure…", and
    ``(None, False, text)`` when there is no marker.
    """
    stripped = text.lstrip()
    match = _NUMBER_MARKER.match(stripped)
    if match:
        return int(match.group(1)), False, stripped[match.end() :]
    match = _BULLET_MARKER.match(stripped)
    if match:
        return None, True, stripped[match.end() :]
    return None, False, text


def clean_recommendation_text(text: str) -> str:
    """A recommendation's text as the record keeps it: whitespace collapsed and
    the list's trailing punctuation (";", ".", " and", "; and") removed."""
    text = normalise_text(text)
    previous = None
    while previous != text:
        previous = text
        text = _TRAILING_JUNK.sub("", text).rstrip()
    return text


def strip_honours(name: str) -> str:
    """ "Martin Jones CBE" -> "Martin Jones"."""
    return _HONOURS.sub("", normalise_text(name)).strip(" ,")


def join_wrapped(text: str, continuation: str) -> str:
    """Join a line to the text it continues; a word broken after a hyphen
    ("decision-" / "making") is put back together without a space."""
    head = text.rstrip()
    tail = continuation.lstrip()
    if head.endswith("-") and not head.endswith(" -") and tail[:1].islower():
        return head + tail
    return f"{head} {tail}"
