"""Many recommendations are scored together (``Matcher._score_batch``): the
``--json`` output must be exactly what matching each one alone gives, on
every path the batch takes (feedback, crowded shortlists, large libraries)."""

from __future__ import annotations

import json
import random
from datetime import date

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from drafter.cli.commands import cli
from drafter.core.model import LibraryAction
from drafter.library.store import Library
from drafter.matching import matcher as matching
from drafter.matching.matcher import Matcher, library_matcher, match_to_dict

# Fresh wording, written for this test: verbs, topics (abbreviations, settings,
# spelling variants, words no action uses) and endings, recombined.
OPENINGS = [
    "Make certain that",
    "Leaders should see that",
    "Managers need to check",
    "It is vital that",
    "Look again at how",
    "",
]
TOPICS = [
    "PSOs get supervision from an SPO every month",
    "MAPPA level 2 cases are reviewed with the police",
    "UPW placements start quickly after sentencing",
    "pre-sentence reports at court use domestic abuse enquiries",
    "OASys risk of serious harm analyses are countersigned",
    "people leaving custody have somewhere to live on release day",
    "the approved premises referral is made early",
    "caseloads stay within what the workload tool says",
    "victims hear about licence conditions",
    "the organization prioritizes ETE and CRS referrals",
    "home visits happen for child safeguarding concerns",
    "women’s centres are used for appointments",
    "interpreters are booked for people who need them",
    "the café rota for volunteers is fair",
    "drug testing results reach the case manager",
    "recall decisions are explained to the person",
    "new officers shadow colleagues before holding cases",
    "diversity data is recorded and analysed",
]
ENDINGS = ["", "", "in every office", "by next spring", "with partner agencies", "(see 4.2)"]


def _lines(count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    lines = []
    for _ in range(count):
        words = [rng.choice(OPENINGS), rng.choice(TOPICS), rng.choice(ENDINGS)]
        lines.append(" ".join(w for w in words if w))
    lines += ["Caseloads", "Court", "Xylophones and zebras", "Risk", "2025"]
    return lines


@pytest.fixture
def library(tmp_path) -> Library:
    library = Library(f"sqlite:///{tmp_path / 'lib.db'}", auto_starter=False)
    library.init()
    return library


def _one_by_one(matcher: Matcher, lines: list[str]) -> list[dict]:
    expected = []
    for number, line in enumerate(lines, start=1):
        (result,) = matcher.match([line])  # one text: scored alone (_score_one)
        item = match_to_dict(result)
        item["number"] = number
        expected.append(item)
    return expected


def _together(matcher: Matcher, lines: list[str], monkeypatch) -> list[dict]:
    def alone(*_args, **_kwargs):
        raise AssertionError("a text was scored alone")

    with monkeypatch.context() as patch:
        patch.setattr(Matcher, "_score_one", alone)
        patch.setattr(matching, "PARALLEL_MIN_TEXTS", 10**9)
        return [match_to_dict(r) for r in matcher.match(lines)]


def test_match_from_file_json_is_the_same_as_one_at_a_time(library, tmp_path):
    lines = _lines(300)
    path = tmp_path / "recommendations.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["match", "--db", library.url, "--from-file", str(path), "--json"]
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    expected = _one_by_one(library_matcher(library), lines)
    assert json.dumps(printed, indent=1) == json.dumps(expected, indent=1)
    assert any(item["candidates"] for item in printed)
    assert any(item["no_match"] for item in printed)


def test_feedback_moves_scores_the_same_way_in_a_batch(library, monkeypatch):
    lines = _lines(160, seed=3)
    first = library_matcher(library).match(lines[:12])
    for n, result in enumerate(first):
        chosen = result.candidates or result.weak_candidates
        if chosen:
            verdict = "accepted" if n % 2 else "rejected"
            library.record_decision(result.recommendation.text, chosen[0].action.id, verdict)
    matcher = library_matcher(library)
    assert matcher._feedback
    together = _together(matcher, lines, monkeypatch)
    assert together == _one_by_one(matcher, lines)
    reasons = [c["reason"] for item in together for c in item["candidates"]]
    assert any("before for a similar recommendation" in reason for reason in reasons)


def test_crowded_shortlists_are_cut_the_same_way(library, monkeypatch):
    monkeypatch.setattr(matching, "SHORTLIST", 2)
    matcher = library_matcher(library)
    lines = _lines(120, seed=8)
    assert _together(matcher, lines, monkeypatch) == _one_by_one(matcher, lines)


def test_large_library_paths_give_the_same_results(library, monkeypatch):
    # As for a library too large for dense matrices and for comparing every
    # text with every wording: sparse products and a fuzzy call per text.
    monkeypatch.setattr(matching, "MAX_DENSE_CELLS", 0)
    monkeypatch.setattr(matching, "FULL_FUZZY_CHOICES", 0)
    monkeypatch.setattr(matching, "BATCH_CELLS", 1000)  # many small chunks
    matcher = Matcher(library.actions(), feedback=library.feedback())
    assert matcher._both_dense is None
    lines = _lines(90, seed=21)
    assert _together(matcher, lines, monkeypatch) == _one_by_one(matcher, lines)


def test_a_small_library_missing_most_ideas_gives_the_same_results(monkeypatch):
    # Most domain ideas in the lines are unseen by these few actions, and
    # some actions are tied to a setting (court, custody, unpaid work).
    written = [
        ("Court staff will check police records before every report.", "court reports"),
        ("Unpaid work supervisors will start placements within a week.", ""),
        ("Prison leavers will meet their officer on the day they leave custody.", None),
        ("Team leaders will audit two cases a month for each officer.", "oversight"),
        ("New officers will shadow a colleague for a month.", "induction of staff"),
    ]
    actions = [
        LibraryAction(
            id=i,
            text=text,
            recommendation=rec,
            unit=f"Unit {i % 2}",
            committed_on=date(2024, 3, i),
            external_id=f"S{i}",
        )
        for i, (text, rec) in enumerate(written * 3, start=1)
    ]
    matcher = Matcher(actions)
    lines = _lines(150, seed=5)
    assert _together(matcher, lines, monkeypatch) == _one_by_one(matcher, lines)


def test_an_empty_library_gives_no_candidates_in_a_batch(tmp_path, monkeypatch):
    matcher = Matcher([])
    lines = _lines(40)
    together = _together(matcher, lines, monkeypatch)
    assert together == _one_by_one(matcher, lines)
    assert all(item["no_match"] and not item["weak_candidates"] for item in together)


def test_a_long_json_list_is_what_json_dumps_writes_for_each_match(library, tmp_path):
    # Over LONG_JSON_LIST lines, one item a line; repeated lines are encoded
    # once and only their number changes.
    from drafter.cli.commands import LONG_JSON_LIST

    lines = (_lines(40, seed=2) * 40)[: LONG_JSON_LIST + 30]
    path = tmp_path / "recommendations.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["match", "--db", library.url, "--from-file", str(path), "--json"]
    )
    assert result.exit_code == 0, result.output
    items = [
        json.dumps(item, ensure_ascii=False)
        for item in _one_by_one(library_matcher(library), lines)
    ]
    assert result.output == "[\n" + ",\n".join(items) + "\n]\n"
    assert len({item["text"] for item in json.loads(result.output)}) == len(set(lines))


# The words of the "other" text, and words it never uses (case aside), with
# function words, describing words and capitals among both.
THEIR_WORDS = ["risk", "of", "harm", "Domestic", "abuse", "checks", "MAPPA", "the", "for", "senior"]
OTHER_WORDS = ["victims", "in", "Court", "reports", "PSOs", "and", "local", "quality", "homes"]


@given(
    other=st.lists(st.sampled_from(THEIR_WORDS), min_size=1, max_size=12),
    text=st.lists(st.sampled_from(THEIR_WORDS + OTHER_WORDS), max_size=14),
    swaps=st.lists(st.sampled_from(OTHER_WORDS), min_size=14, max_size=14),
)
def test_phrases_depend_only_on_the_words_both_texts_have(other, text, swaps):
    # The matcher caches shared phrases on shared_words_key: a text whose
    # other words are swapped for different ones must give the same phrases.
    from drafter.core.textmatch import shared_phrases, shared_words_key

    theirs = {w.casefold() for w in other}
    swapped = [w if w.casefold() in theirs else swaps[i] for i, w in enumerate(text)]
    first, second, other_text = " ".join(text), " ".join(swapped), " ".join(other)
    assert shared_words_key(first, other_text) == shared_words_key(second, other_text)

    def weight(word: str) -> float:
        return float(len(word) % 4 + 1)

    assert shared_phrases(first, other_text) == shared_phrases(second, other_text)
    assert shared_phrases(first, other_text, weight) == shared_phrases(second, other_text, weight)
