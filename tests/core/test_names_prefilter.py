"""Looking for a name's pieces before building its regex changes nothing found.

``find_units``, ``find_police``, ``find_regions`` and ``carried_over_names``
skip the regex of a PDU, region or police force whose words are not all in the
text. These tests run them with the check and with it switched off (every
regex built) on texts that name places in every way the regexes allow, and on
the starter library's actions, and want the same names back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drafter.core import names
from drafter.core.regions import pdu_names, region_names
from drafter.library.transfer import read_starter_records


def _every_regex(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(names, "_may_name", lambda name, text: True)


def _found(text: str) -> tuple:
    return (
        names.find_units(text),
        names.find_police(text),
        names.find_regions(text),
        names.carried_over_names(
            text,
            source_unit="Stockton and Hartlepool PDU",
            source_region="North East",
            new_unit="Newport-on-Tay & the Vale PDU",
            new_region="Wales",
        ),
        names.carried_over_names(
            text, source_unit="Gwent PDU", new_unit="Stockton and Hartlepool PDU"
        ),
    )


def _variants(name: str) -> list[str]:
    """``name`` as people write it: '&' for 'and', hyphens for spaces and the
    reverse, small words in capitals, upper case throughout."""
    return [
        name,
        name.replace(" and ", " & "),
        name.replace(" ", "-"),
        name.replace("-", " "),
        name.replace(" of ", " Of ").replace(" upon ", " Upon "),
        name.upper(),
        name.lower(),
    ]


def _texts() -> list[str]:
    places = [*pdu_names(), *region_names()]
    places += [s for force in names.police_forces() for s in force.spellings]
    texts = []
    for place in places:
        for variant in _variants(place):
            texts.append(f"The {variant} PDU will work with {variant} region and partners.")
    texts += [r.action for r in read_starter_records()]
    return texts


def test_the_same_names_are_found_with_and_without_the_check(monkeypatch) -> None:
    texts = _texts()
    quick = [_found(t) for t in texts]
    _every_regex(monkeypatch)
    assert [_found(t) for t in texts] == quick


@given(
    st.lists(
        st.sampled_from(
            [*pdu_names()[:40], *region_names(), "and", "&", "-", "of", "Police", "PDU", "the"]
        ),
        max_size=8,
    )
)
def test_any_mix_of_place_words_finds_the_same(words: list[str]) -> None:
    text = " ".join(words)
    quick = _found(text)
    original = names._may_name
    names._may_name = lambda name, text: True
    try:
        assert _found(text) == quick
    finally:
        names._may_name = original
