"""Thousands of recommendations at once (``match --from-file``): the same
results as one at a time, whether or not a second process shares the work."""

from __future__ import annotations

import random

import pytest

from drafter.library.store import Library
from drafter.matching import matcher as matching
from drafter.matching.matcher import match_texts

WORDS = ["Improve", "Review", "Reduce", "Strengthen", "Audit"]
SUBJECTS = [
    "risk assessments",
    "caseloads",
    "home visits",
    "domestic abuse checks",
    "unpaid work",
    "court reports",
    "sentence plans",
    "staff training",
]
PLACES = ["in every team", "for women", "after release", "at court", ""]


@pytest.fixture
def library(tmp_path) -> Library:
    library = Library(f"sqlite:///{tmp_path / 'lib.db'}", auto_starter=False)
    library.init()
    return library


def _texts(count: int) -> list[str]:
    rng = random.Random(5)
    return [
        " ".join(w for w in (rng.choice(WORDS), rng.choice(SUBJECTS), rng.choice(PLACES)) if w)
        + f" ({rng.randint(1, 60)})"
        for _ in range(count)
    ]


def _plain(results) -> list:
    return [
        (
            r.recommendation.number,
            r.recommendation.text,
            r.no_match,
            [(c.action.id, c.score, c.reason) for c in r.candidates],
            [(c.action.id, c.score, c.reason) for c in r.weak_candidates],
        )
        for r in results
    ]


def test_split_work_gives_the_same_results_as_one_process(library, monkeypatch):
    texts = _texts(300) + _texts(50)  # repeats too
    monkeypatch.setattr(matching, "PARALLEL_MIN_TEXTS", 10**9)
    alone = _plain(match_texts(texts, library))
    monkeypatch.setattr(matching, "PARALLEL_MIN_TEXTS", 10)
    monkeypatch.setattr(matching, "_spare_cores", lambda: 1.0)  # even on a busy machine
    split = _plain(match_texts(texts, library))
    assert split == alone
    assert [n for n, *_ in split] == list(range(1, len(texts) + 1))


def test_one_usable_core_means_one_process(library, monkeypatch):
    import os

    monkeypatch.setattr(matching, "PARALLEL_MIN_TEXTS", 10)
    monkeypatch.setattr(matching, "_usable_cores", lambda: 1)
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked with one core"))
    texts = _texts(60)
    assert len(match_texts(texts, library)) == 60


def test_no_second_process_when_other_programs_keep_the_cores_busy(library, monkeypatch):
    import os

    monkeypatch.setattr(matching, "PARALLEL_MIN_TEXTS", 10)
    monkeypatch.setattr(matching, "_usable_cores", lambda: 2)
    monkeypatch.setattr(os, "getloadavg", lambda: (2.6, 2.0, 1.5))
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked on a busy machine"))
    assert len(match_texts(_texts(60), library)) == 60


def test_a_failed_second_process_falls_back_to_one(library, monkeypatch):
    texts = _texts(120)
    expected = _plain(match_texts(texts, library))
    monkeypatch.setattr(matching, "PARALLEL_MIN_TEXTS", 10)
    monkeypatch.setattr(matching, "_in_two_processes", lambda work, items: None)
    assert _plain(match_texts(texts, library)) == expected


def test_repeated_wording_gets_separate_candidate_objects(library):
    first, second = match_texts(["Reduce caseloads", "Reduce caseloads"], library)
    assert [c.action.id for c in first.candidates] == [c.action.id for c in second.candidates]
    assert all(a is not b for a, b in zip(first.candidates, second.candidates, strict=True))


def test_the_second_process_really_shares_the_work(library, monkeypatch):
    import os

    forks = []
    real_fork = os.fork

    def counting_fork():
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counting_fork)
    monkeypatch.setattr(matching, "PARALLEL_MIN_TEXTS", 10)
    monkeypatch.setattr(matching, "_usable_cores", lambda: 2)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.3, 0.3, 0.3))
    match_texts(_texts(60), library)
    assert len(forks) == 1
