"""The text normaliser: property-based (hypothesis) and a few worked examples."""

from __future__ import annotations

import re
import string
import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from drafter.core.normalise import (
    clean_recommendation_text,
    normalise_text,
    split_list_marker,
    strip_honours,
)

WHITESPACE = st.sampled_from([" ", "  ", "\n", "\t", "\u00a0", "\r\n", "\u2009"])
WORD = st.text(alphabet=string.ascii_lowercase + "’'\"(),-", min_size=1, max_size=10)
SENTENCE = st.lists(WORD, min_size=1, max_size=15).map(" ".join)


@given(st.text())
def test_normalise_is_idempotent_and_tidy(text):
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert once == once.strip()
    assert "  " not in once and "\n" not in once and "\u00a0" not in once


@given(st.lists(st.tuples(WORD, WHITESPACE), min_size=1, max_size=20))
def test_any_whitespace_between_words_becomes_one_space(pairs):
    text = "".join(word + gap for word, gap in pairs)
    assert normalise_text(text) == " ".join(word for word, _gap in pairs).strip()


@given(st.text())
def test_clean_recommendation_is_idempotent(text):
    once = clean_recommendation_text(text)
    assert clean_recommendation_text(once) == once


@given(SENTENCE, st.sampled_from([";", ".", " and", "; and", ";  and", ".\n", ""]))
def test_trailing_list_punctuation_is_removed_and_nothing_else(sentence, suffix):
    core = normalise_text(sentence)
    if core.endswith((";", ".", " and")) or core == "and":
        return
    assert clean_recommendation_text(sentence + suffix) == core


@given(SENTENCE)
def test_quotes_are_kept_exactly(sentence):
    cleaned = clean_recommendation_text(sentence)
    for quote in "’'\"":
        assert cleaned.count(quote) == normalise_text(sentence).count(quote)


@given(st.integers(min_value=1, max_value=99), st.sampled_from([".", ")"]), SENTENCE)
def test_numbered_marker_is_split_off(number, punctuation, sentence):
    text = "x" + sentence  # starts with a letter, like every list item's text
    assert split_list_marker(f"  {number}{punctuation} {text}") == (number, False, text)


@given(st.sampled_from(["•", "- ", "– ", "* ", "▪ "]), SENTENCE)
def test_bullet_marker_is_split_off(marker, sentence):
    text = "x" + sentence
    assert split_list_marker(marker + text) == (None, True, text)


def test_text_without_a_marker_is_left_alone():
    for text in ("1.1 Leadership", "2025 was a year", "-5% change", "Strengths:"):
        assert split_list_marker(text) == (None, False, text)


def test_examples():
    assert clean_recommendation_text("review the plan; and") == "review the plan"
    assert clean_recommendation_text("improve\n oversight.") == "improve oversight"
    assert clean_recommendation_text("work with Scotland") == "work with Scotland"
    assert strip_honours("Martin Jones CBE") == "Martin Jones"
    assert strip_honours("Dame Jane Smith DBE") == "Dame Jane Smith"
    assert normalise_text("soft\u00adhyphen\u200b") == "softhyphen"


@given(st.integers(min_value=1, max_value=99), SENTENCE)
def test_number_marker_that_lost_its_gap_is_split_off(number, sentence):
    # PDF extraction can drop the space after "10." in a Word list.
    text = "x" + sentence
    assert split_list_marker(f"{number}.{text}") == (number, False, text)
    assert split_list_marker(f"{number}.{number} {text}") == (
        None,
        False,
        f"{number}.{number} {text}",
    )


#: What normalise_text collapsed with before it used str.split(): every run of
#: these becomes one space.
_SPACES_BEFORE = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE_BEFORE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"


def _normalised_before(text: str) -> str:
    """normalise_text as it was written before (NFC, invisible characters and
    ligatures, then a regex for the spaces), to compare with the faster one."""
    table = dict.fromkeys(map(ord, _INVISIBLE_BEFORE), None)
    table.update({0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl"})
    text = unicodedata.normalize("NFC", text).translate(table)
    return _SPACES_BEFORE.sub(" ", text).strip()


def test_str_split_splits_on_exactly_the_spaces_the_regex_matched() -> None:
    for code in range(sys.maxunicode + 1):
        character = chr(code)
        assert bool(_SPACES_BEFORE.fullmatch(character)) == character.isspace(), hex(code)
        assert ("a" + character + "b").split() == (
            ["a", "b"] if character.isspace() else ["a" + character + "b"]
        )


@given(
    st.text(
        alphabet=st.one_of(
            st.characters(),
            st.sampled_from([" ", "\n", "\t", "\u00a0", "\u2009", "\x1c", "\u3000", "\ufb01"]),
            st.sampled_from(list(_INVISIBLE_BEFORE) + ["\u0301", "\u00e9", "\ufb00"]),
        )
    )
)
def test_normalise_text_is_unchanged_by_the_faster_way(text: str) -> None:
    assert normalise_text(text) == _normalised_before(text)
