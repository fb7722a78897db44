"""The matching index is kept between processes until the library changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafter.library.store import Library
from drafter.matching import index as index_module
from drafter.matching.matcher import Matcher, library_matcher

TEXT = "The PDU will complete domestic abuse enquiries with the police before sentence."
REC = "ensure domestic abuse enquiries are made at the start of every case"


@pytest.fixture
def library(tmp_path: Path) -> Library:
    library = Library(f"sqlite:///{tmp_path / 'lib.db'}", auto_starter=False)
    library.add_action(TEXT, recommendation=REC, unit="Testshire PDU")
    return library


def index_files(tmp_path_cache: Path) -> list[Path]:
    return sorted(tmp_path_cache.glob("index/*.index"))


def fresh_process_matcher(library: Library) -> Matcher:
    """What a new process gets: nothing in memory, only the cache folder."""
    index_module._in_memory.clear()
    return library_matcher(Library(library.url, auto_starter=False))


def test_a_new_process_loads_the_index_instead_of_rebuilding(library, monkeypatch, tmp_path):
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / "cache"))
    first = fresh_process_matcher(library)
    assert len(index_files(tmp_path / "cache")) == 1
    built = []
    monkeypatch.setattr(Matcher, "__init__", lambda *a, **k: built.append(a))
    second = fresh_process_matcher(library)
    assert built == []  # loaded, not built
    assert [a.text for a in second.actions] == [a.text for a in first.actions]
    assert second.match([REC])[0].candidates[0].action.text == TEXT


@pytest.mark.parametrize("change", ["add", "retire", "decide"])
def test_any_change_to_the_library_builds_a_fresh_index(library, monkeypatch, tmp_path, change):
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / "cache"))
    before = fresh_process_matcher(library)
    action_id = before.actions[0].id
    other = Library(library.url, auto_starter=False)
    if change == "add":
        other.add_action("All staff will attend safeguarding training by June.", unit="X PDU")
    elif change == "retire":
        other.add_action("All staff will attend safeguarding training by June.", unit="X PDU")
        fresh_process_matcher(library)
        other.retire(action_id)
    else:
        other.record_decision(REC, action_id, "rejected")
    after = fresh_process_matcher(library)
    assert after is not before
    if change == "add":
        assert len(after.actions) == 2
    elif change == "retire":
        assert [a.id for a in after.actions] != [a.id for a in before.actions]
        assert action_id not in {a.id for a in after.actions}
    else:
        # The rejection, for this very recommendation, sinks the action.
        assert after.scores(REC)[0] < before.scores(REC)[0]


def test_a_damaged_cache_file_is_only_a_miss(library, monkeypatch, tmp_path):
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / "cache"))
    fresh_process_matcher(library)
    (cached,) = index_files(tmp_path / "cache")
    cached.write_bytes(b"not a pickle at all")
    matcher = fresh_process_matcher(library)
    assert matcher.match([REC])[0].candidates[0].action.text == TEXT


def test_an_unwritable_cache_folder_still_matches(library, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(blocker / "under-a-file"))
    matcher = fresh_process_matcher(library)
    assert matcher.match([REC])[0].candidates[0].action.text == TEXT


def test_the_version_changes_with_the_contents(library):
    first = library.content_version()
    library.add_action("The region will audit case allocation every quarter.", unit="Y PDU")
    second = library.content_version()
    assert first != second
    assert second.active_actions == first.active_actions + 1


def _matches(matcher: Matcher, texts: list[str]) -> list:
    return [
        [(c.action.id, c.score, c.reason) for c in m.candidates + m.weak_candidates]
        for m in matcher.match(texts, top=5)
    ]


def test_the_loaded_index_matches_exactly_as_the_one_built(tmp_path, monkeypatch):
    """The starter library's index read back from the cache folder (its
    arrays mapped from the file) gives the same candidates, scores and
    reasons as the index built in this process."""
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / "cache"))
    library = Library(f"sqlite:///{tmp_path / 'starter.db'}", auto_starter=False)
    library.load_starter()
    texts = [a.recommendation or a.text for a in library.actions()[::7]] + [REC, TEXT]
    built = fresh_process_matcher(library)
    loaded = fresh_process_matcher(library)
    assert loaded is not built
    assert _matches(loaded, texts) == _matches(built, texts)


def test_arrays_read_from_the_cache_can_change_without_changing_the_file(
    library, monkeypatch, tmp_path
):
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / "cache"))
    fresh_process_matcher(library)
    (cached,) = index_files(tmp_path / "cache")
    before = cached.read_bytes()
    loaded = fresh_process_matcher(library)
    loaded._idf[:] = 0.0  # copy on write: this process's copy only
    assert cached.read_bytes() == before
    assert fresh_process_matcher(library) is not loaded


@pytest.mark.parametrize("keep", [0, 20, 100, -1])
def test_a_cut_short_or_old_format_cache_file_is_only_a_miss(library, monkeypatch, tmp_path, keep):
    import pickle

    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / "cache"))
    built = fresh_process_matcher(library)
    (cached,) = index_files(tmp_path / "cache")
    if keep == -1:  # an index written before the arrays were kept apart
        cached.write_bytes(pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL))
    else:
        cached.write_bytes(cached.read_bytes()[:keep])
    assert index_module._load(cached, Matcher) is None
    matcher = fresh_process_matcher(library)
    assert matcher.match([REC])[0].candidates[0].action.text == TEXT
