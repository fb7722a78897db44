"""The latent space: words that keep company in HMPPS wording count as evidence."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from drafter.core.model import LibraryAction
from drafter.core.textmatch import term_table, terms
from drafter.matching import latent
from drafter.matching.latent import (
    LATENT_DIMENSIONS,
    domain_space,
    fit_space,
    paired_texts,
    training_sets,
    training_texts,
    unit_rows,
)
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
    scores = Matcher(LIBRARY).scores(HOSTELS)
    assert int(np.argmax(scores)) == 0  # approved premises, learnt from drafter's material
    assert scores[0] > 2 * max(scores[1], scores[2])
    monkeypatch.setattr("drafter.matching.matcher.LATENT_WEIGHT", 0.0)
    assert not Matcher(LIBRARY).scores(HOSTELS).any()


def test_latent_evidence_alone_stays_below_the_line_and_is_not_a_weak_suggestion_when_faint():
    result = Matcher(LIBRARY).match([HOSTELS])[0]
    assert result.no_match  # a related subject is not a good match on its own
    assert [c.action.external_id for c in result.weak_candidates][:1] == ["AP"]
    assert result.weak_candidates[0].reason == "a related subject, in other words"
    assert all(c.action.external_id != "PSR" for c in result.weak_candidates)


def test_the_space_is_fitted_once_and_is_the_same_each_time():
    space = domain_space()
    assert space is not None and space is domain_space()
    assert space.loadings.shape == (len(space.columns), LATENT_DIMENSIONS)
    domain_space.cache_clear()
    again = domain_space()
    assert again is not space
    assert np.array_equal(again.loadings, space.loadings)


def test_the_fit_is_an_exact_truncated_svd_of_the_tfidf_matrix(monkeypatch):
    # The fit never makes the document-term matrix; here it is made, and
    # numpy's SVD of it must give the same space (up to each axis's sign).
    monkeypatch.setattr(latent, "_PAIR_CHUNK", 7)  # many chunks of pairs
    monkeypatch.setattr(latent, "_PROJECT_CHUNK", 64)
    texts = [
        "approved premises residents need move-on plans",
        "residents of approved premises and their housing",
        "unpaid work placements for women",
        "women on unpaid work and community payback",
        "pre-sentence reports for the court",
        "court reports written on the day",
        "training for probation services officers",
        "probation services officers need training on risk",
    ]
    space = fit_space(texts)
    assert space is not None
    table = term_table(texts)
    size = len(texts)
    docs = np.repeat(np.arange(size), np.diff(table.ptr))
    column = [space.columns[table.vocabulary[t]] for t in table.term_ids]
    dense = np.zeros((size, len(space.columns)))
    dense[docs, column] = (1 + np.log(table.counts)) * space.idf[column]
    dense /= np.linalg.norm(dense, axis=1, keepdims=True)
    right = np.linalg.svd(dense, full_matrices=False)[2][: space.loadings.shape[1]].T
    assert space.loadings @ space.loadings.T == pytest.approx(right @ right.T, abs=1e-5)


def test_every_wording_of_a_request_is_put_beside_the_action_that_answers_it():
    actions = [
        {"id": "A1", "action": "Hostel residents get move-on plans.", "recommendation": "plan"},
        {"id": "A2", "action": "Court reports on the day.", "recommendation": None},
    ]
    recommendations = [
        {"text": "people leaving approved premises need homes", "fits": ["A1"]},
        {"text": "fewer adjournments for reports", "fits": ["A2", "A1"]},
        {"text": "chaplaincy in prisons", "fits": []},
    ]
    assert paired_texts(actions, recommendations) == [
        "Hostel residents get move-on plans. plan people leaving approved premises need homes "
        "fewer adjournments for reports",
        "Court reports on the day.  fewer adjournments for reports",
    ]


def test_the_benchmark_can_leave_a_training_set_out():
    names = training_sets()
    assert len(names) >= 17 and "set_a" in names
    everything = training_texts()
    assert len(training_texts(leave_out={"set_a"})) == len(everything) - 70


def test_a_text_with_no_known_term_has_no_direction():
    space = domain_space()
    assert not space.project(Counter()).any()
    assert not space.project(Counter({"zzqx": 2})).any()
    vector = space.project(Counter(terms(HOSTELS).all()))
    assert float(np.linalg.norm(vector)) == pytest.approx(1.0, abs=1e-5)


def test_a_library_text_and_a_recommendation_land_in_the_same_place():
    space = domain_space()
    texts = [LIBRARY[0].text, HOSTELS, "", "zzqx"]
    placed = unit_rows(space.project_table(term_table(texts)))
    for text, vector in zip(texts, placed, strict=True):
        assert vector == pytest.approx(space.project(Counter(terms(text).all())), abs=1e-5)
    assert not placed[2].any() and not placed[3].any()


def test_a_library_without_the_latent_channel_still_matches(monkeypatch):
    monkeypatch.setattr("drafter.matching.matcher.LATENT_WEIGHT", 0.0)
    matcher = Matcher(LIBRARY)
    assert matcher.scores("improve the quality of pre-sentence reports").argmax() == 1


def test_the_space_is_kept_in_the_cache_folder_until_what_it_learns_from_changes(
    monkeypatch, tmp_path
):
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path))
    fits = []
    fit = latent.fit_space
    monkeypatch.setattr(latent, "fit_space", lambda texts: fits.append(1) or fit(texts))
    domain_space.cache_clear()
    first = domain_space()
    domain_space.cache_clear()
    again = domain_space()  # as a new process would: read back, not fitted
    assert len(fits) == 1
    assert again.columns == first.columns
    assert np.array_equal(again.loadings, first.loadings)
    assert np.array_equal(again.idf, first.idf)
    extra = tmp_path / "more_material.yaml"
    extra.write_text("actions: []\n", encoding="utf-8")
    sources = latent.space_sources()
    monkeypatch.setattr(latent, "space_sources", lambda: (*sources, extra))
    domain_space.cache_clear()
    domain_space()
    assert len(fits) == 2  # new material, a new fit
    domain_space.cache_clear()
