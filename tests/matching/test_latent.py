"""The latent space: words that keep company in HMPPS wording count as evidence."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from drafter.core.model import LibraryAction
from drafter.core.textmatch import term_table, terms
from drafter.matching.latent import LATENT_DIMENSIONS, starter_space, unit_rows
from drafter.matching.matcher import Matcher

LIBRARY = [
    LibraryAction(
        id=1,
        text=(
            "Every resident of approved premises will have a move-on plan agreed with "
            "the local housing team four weeks before they leave."
        ),
        external_id="AP",
    ),
    LibraryAction(
        id=2,
        text="Practitioners will complete a refresher course on writing pre-sentence reports.",
        external_id="PSR",
    ),
    LibraryAction(
        id=3,
        text="Managers will check that home visits are recorded and risks to children followed up.",
        external_id="HV",
    ),
]

# Not one term in common with any action above.
HOSTELS = (
    "make sure people living in probation hostels have somewhere settled to live "
    "when their stay ends"
)


def test_a_recommendation_sharing_no_words_finds_the_action_on_its_subject(monkeypatch):
    monkeypatch.setattr("drafter.matching.matcher.LATENT_WEIGHT", 0.0)
    assert not Matcher(LIBRARY).scores(HOSTELS).any()
    monkeypatch.setattr("drafter.matching.matcher.LATENT_WEIGHT", 0.65)
    scores = Matcher(LIBRARY).scores(HOSTELS)
    assert int(np.argmax(scores)) == 0  # approved premises, learnt from the starter library
    assert scores[0] > 2 * max(scores[1], scores[2])


def test_latent_evidence_alone_stays_below_the_line_and_is_not_a_weak_suggestion_when_faint(
    monkeypatch,
):
    monkeypatch.setattr("drafter.matching.matcher.LATENT_WEIGHT", 0.65)
    result = Matcher(LIBRARY).match([HOSTELS])[0]
    assert result.no_match  # a related subject is not a good match on its own
    assert [c.action.external_id for c in result.weak_candidates][:1] == ["AP"]
    assert result.weak_candidates[0].reason == "a related subject, in other words"
    assert all(c.action.external_id != "PSR" for c in result.weak_candidates)


def test_the_space_is_fitted_once_and_is_the_same_each_time():
    space = starter_space()
    assert space is not None and space is starter_space()
    assert space.loadings.shape == (len(space.columns), LATENT_DIMENSIONS)
    starter_space.cache_clear()
    again = starter_space()
    assert again is not space
    assert np.array_equal(again.loadings, space.loadings)


def test_a_text_with_no_known_term_has_no_direction():
    space = starter_space()
    assert not space.project(Counter()).any()
    assert not space.project(Counter({"zzqx": 2})).any()
    vector = space.project(Counter(terms(HOSTELS).all()))
    assert float(np.linalg.norm(vector)) == pytest.approx(1.0, abs=1e-5)


def test_a_library_text_and_a_recommendation_land_in_the_same_place():
    space = starter_space()
    texts = [LIBRARY[0].text, HOSTELS, "", "zzqx"]
    placed = unit_rows(space.project_table(term_table(texts)))
    for text, vector in zip(texts, placed, strict=True):
        assert vector == pytest.approx(space.project(Counter(terms(text).all())), abs=1e-5)
    assert not placed[2].any() and not placed[3].any()


def test_a_library_without_the_latent_channel_still_matches(monkeypatch):
    monkeypatch.setattr("drafter.matching.matcher.LATENT_WEIGHT", 0.0)
    matcher = Matcher(LIBRARY)
    assert matcher.scores("improve the quality of pre-sentence reports").argmax() == 1
