"""The words as written that matching weighs beside its terms."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from drafter.core.textmatch import _FUNCTION_WORDS, surface_words, terms


def test_surface_words_keep_the_common_words_terms_drop():
    words = surface_words("Improve the quality of staff supervision, within 10 days")
    assert words == ("improve", "quality", "staff", "supervision", "10", "days")
    assert "staff" not in terms("Improve the quality of staff supervision").words


def test_surface_words_are_normalised_and_unstemmed():
    assert surface_words("PSOs' Organization") == (
        "probation",
        "services",
        "officers",
        "organisation",
    )
    assert surface_words("") == ()


@given(st.text(max_size=200))
def test_surface_words_never_include_grammar_words(text):
    assert not set(surface_words(text)) & _FUNCTION_WORDS
