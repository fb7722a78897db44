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


def test_the_ideas_named_in_reasons_are_the_ideas_matching_uses():
    from drafter.core.textmatch import concept_mentions

    text = "Reduce sickness absence among staff"
    assert {f"@{c}" for c in concept_mentions(text)} == set(terms(text).concepts)


_LEXICON_WORDS = [
    "sickness",
    "absence",
    "staff",
    "office",
    "outside",
    "hours",
    "training",
    "education",
    "employment",
    "and",
    "risk",
    "of",
    "harm",
    "home",
    "visits",
    "domestic",
    "abuse",
    "case",
    "manager",
    "prison",
    "leavers",
    "HMPPS",
    "placements",
    "accommodation",
    "practice",
    "care",
    "mental",
    "illness",
]


@given(st.lists(st.sampled_from(_LEXICON_WORDS), max_size=30))
def test_concept_mentions_agree_with_terms(words):
    from drafter.core.textmatch import concept_mentions

    text = " ".join(words)
    assert {f"@{c}" for c in concept_mentions(text)} == set(terms(text).concepts)


def test_even_is_not_an_evening():
    from drafter.core.textmatch import stem

    assert "@out_of_hours" not in terms("be fair and even-handed about breach").concepts
    assert "@out_of_hours" in terms("offer evening appointments").concepts
    assert stem("evenings") == stem("evening") != stem("even")
