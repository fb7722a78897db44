"""Two people at once, with real processes, on SQLite and PostgreSQL.

* Two review sessions on the same report never lose a decision: the second
  to save merges the first's decisions in, decision by decision, or keeps its
  own and says so plainly.
* Letters for the same unit archived at the same moment leave exactly one
  current letter; the database refuses a second replacement of one letter.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from drafter.review.file import load_review, save_review

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "samples" / "ashvale_pdu_2025.html"
PROMPT = r"Choose \(a/s"


def spawn_review(report: Path, db_url: str, folder: Path):
    pexpect = pytest.importorskip("pexpect")
    env = {**os.environ, "EDITOR": "", "VISUAL": "", "PYTHONPATH": str(REPO), "COLUMNS": "100"}
    env["DRAFTER_DB"] = db_url
    return pexpect.spawn(
        sys.executable,
        ["-m", "drafter", "review", str(report), "--no-editor"],
        env=env,
        cwd=str(folder),
        encoding="utf-8",
        timeout=120,
    )


@pytest.fixture
def library_url(db_url: str) -> str:
    from drafter.library.store import Library

    library = Library(db_url, auto_starter=False)
    library.init()
    library.db.dispose()
    return db_url


def test_two_review_sessions_on_one_report_lose_no_decision(tmp_path, library_url):
    pexpect = pytest.importorskip("pexpect")
    report = tmp_path / "ashvale.html"
    shutil.copy(SAMPLE, report)
    first = spawn_review(report, library_url, tmp_path)
    first.expect("Recommendation 1 of 6")
    first.expect(PROMPT)
    second = spawn_review(report, library_url, tmp_path)  # both have read the file now
    second.expect("Recommendation 1 of 6")
    second.expect(PROMPT)

    first.sendline("a 1")  # the first reviewer decides recommendation 1 and leaves
    first.expect("Recommendation 2 of 6")
    first.expect(PROMPT)
    first.sendline("q")
    first.expect(pexpect.EOF)

    second.sendline("l")  # the second, still showing 1 as open, leaves it for later
    second.expect("Recommendation 2 of 6")
    second.expect(PROMPT)
    second.sendline("x")  # and decides recommendation 2: its save must keep 1
    second.expect("Note: Recommendation 1: kept the decision")
    second.expect(PROMPT)
    second.sendline("q")
    second.expect(pexpect.EOF)

    review = load_review(tmp_path / "ashvale.review.yaml")
    assert review.decisions[0].status == "decided"
    assert review.decisions[0].actions
    assert review.decisions[1].status == "no_action"


def test_second_reviewer_deciding_the_same_recommendation_is_told(tmp_path, library_url):
    pexpect = pytest.importorskip("pexpect")
    report = tmp_path / "ashvale.html"
    shutil.copy(SAMPLE, report)
    first = spawn_review(report, library_url, tmp_path)
    first.expect(PROMPT)
    second = spawn_review(report, library_url, tmp_path)
    second.expect(PROMPT)
    first.sendline("a 1")
    first.expect("Recommendation 2 of 6")
    first.sendline("q")
    first.expect(pexpect.EOF)
    second.sendline("x")  # decides recommendation 1 differently, later
    second.expect("also decided it meanwhile; your decision replaced theirs")
    second.sendline("q")
    second.expect(pexpect.EOF)
    review = load_review(tmp_path / "ashvale.review.yaml")
    assert review.decisions[0].status == "no_action"


# --- the same race through the API, many times, in real processes ------------------------


def _decide(path: str, index: int, barrier) -> None:
    from drafter.review.file import load_review, mark_decided, save_review

    review = load_review(path)
    barrier.wait()
    decision = review.decisions[index]
    decision.status = "no_action"
    decision.note = f"decided by worker {index}"
    mark_decided(decision, by=f"worker{index}")
    save_review(review, path, expected_version=review.version)


def test_six_processes_saving_one_review_file_at_once_keep_all_six(tmp_path):
    from drafter.library.store import Library
    from drafter.matching.matcher import match_report
    from drafter.reading.reader import read_report
    from drafter.review.file import build_review

    report = read_report(SAMPLE)
    library = Library(f"sqlite:///{tmp_path / 'lib.db'}", auto_starter=False)
    library.init()
    review = build_review(report, match_report(report, library))
    path = tmp_path / "race.review.yaml"
    save_review(review, path)
    count = len(review.decisions)
    context = multiprocessing.get_context("spawn")
    for _round in range(3):
        save_review(build_review(report, match_report(report, library)), path)
        barrier = context.Barrier(count)
        workers = [
            context.Process(target=_decide, args=(str(path), i, barrier)) for i in range(count)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(120)
            assert worker.exitcode == 0
        saved = load_review(path)
        assert [d.status for d in saved.decisions] == ["no_action"] * count
        assert [d.note for d in saved.decisions] == [f"decided by worker {i}" for i in range(count)]


def test_a_pending_decision_never_overwrites_a_saved_one(tmp_path):
    from drafter.library.store import Library
    from drafter.matching.matcher import match_report
    from drafter.reading.reader import read_report
    from drafter.review.file import build_review, mark_decided

    report = read_report(SAMPLE)
    library = Library(f"sqlite:///{tmp_path / 'lib.db'}", auto_starter=False)
    library.init()
    path = tmp_path / "r.review.yaml"
    save_review(build_review(report, match_report(report, library)), path)
    web = load_review(path)  # the web page reads the file...
    terminal = load_review(path)  # ...and so does a terminal session
    web.decisions[0].status = "no_action"
    mark_decided(web.decisions[0], by="web")
    save_review(web, path, expected_version=web.version)
    terminal.decisions[0].status = "pending"  # a reviewer set it back to open, without deciding
    terminal.decisions[0].note = "look again"
    save_review(terminal, path, expected_version=terminal.version)
    assert load_review(path).decisions[0].status == "no_action"
    assert terminal.merge_notes == ["Recommendation 1: kept the decision web saved meanwhile."]


# --- archiving letters for one unit at the same moment ---------------------------------------


def _archive(db_url: str, letter: str, barrier) -> str:
    from drafter.archive.store import archive_letter
    from drafter.library.store import Library

    library = Library(db_url, auto_starter=False)
    barrier.wait()
    # The drafted letters still hold placeholders (no signatory): archived as they are.
    result = archive_letter(letter, library, supersede=True, force=True)
    return str(result.letter.id)


def _archive_worker(db_url: str, letter: str, barrier, results) -> None:
    try:
        results.put(("ok", _archive(db_url, letter, barrier)))
    except Exception as exc:  # reported to the test
        results.put(("error", f"{type(exc).__name__}: {exc}"))


@pytest.fixture(scope="module")
def unit_letters(tmp_path_factory) -> list[Path]:
    """Five different letters for the same unit (different dates)."""
    from drafter.letter.drafting import draft_letter
    from drafter.library.store import Library

    folder = tmp_path_factory.mktemp("letters")
    library = Library(f"sqlite:///{folder / 'lib.db'}", auto_starter=False)
    library.init()
    letters = []
    for n in range(5):
        target = folder / f"letter{n}.docx"
        draft_letter(
            SAMPLE, target, library=library, letter_date=date(2025, 7, 1) + timedelta(days=n)
        )
        letters.append(target)
    library.db.dispose()
    return letters


def _current_letters(db_url: str) -> tuple[list[int], list[int | None]]:
    from sqlalchemy import select

    from drafter.library.database import LetterRow
    from drafter.library.store import Library

    library = Library(db_url, auto_starter=False)
    with library.db.session() as session:
        rows = session.scalars(select(LetterRow)).all()
        current = [row.id for row in rows if row.status == "current"]
        replaced = [row.supersedes_id for row in rows if row.supersedes_id is not None]
    library.db.dispose()
    return current, replaced


def test_concurrent_archives_for_one_unit_leave_one_current_letter(db_url, unit_letters):
    from drafter.archive.store import archive_letter
    from drafter.library.store import Library

    library = Library(db_url, auto_starter=False)
    library.init()
    archive_letter(unit_letters[0], library, supersede=True, force=True)  # the current letter
    library.db.dispose()
    context = multiprocessing.get_context("spawn")
    rest = unit_letters[1:]
    barrier = context.Barrier(len(rest))
    results = context.Queue()
    workers = [
        context.Process(target=_archive_worker, args=(db_url, str(letter), barrier, results))
        for letter in rest
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=180) for _ in workers]
    for worker in workers:
        worker.join(60)
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    current, replaced = _current_letters(db_url)
    assert len(current) == 1, current
    assert len(replaced) == len(set(replaced)) == len(rest)  # one chain, no letter replaced twice


def test_concurrent_first_archives_for_a_new_unit_leave_one_current_letter(db_url, unit_letters):
    Library = pytest.importorskip("drafter.library.store").Library
    library = Library(db_url, auto_starter=False)
    library.init()
    library.db.dispose()
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(3)
    results = context.Queue()
    workers = [
        context.Process(target=_archive_worker, args=(db_url, str(letter), barrier, results))
        for letter in unit_letters[:3]
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=180) for _ in workers]
    for worker in workers:
        worker.join(60)
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    current, _ = _current_letters(db_url)
    assert len(current) == 1, current


def _record(db_url: str, action_id: int, barrier, results) -> None:
    from drafter.library.store import Library

    library = Library(db_url, auto_starter=False)
    barrier.wait()
    try:
        library.record_decision("Improve the quality of risk assessments", action_id, "accepted")
        results.put("ok")
    except Exception as exc:  # reported to the test
        results.put(f"{type(exc).__name__}: {exc}")


def test_two_reviewers_recording_the_same_decision_at_once(library_url):
    """Both sessions accept the same action for the same recommendation at the
    same moment: neither fails, and the library holds the decision once."""
    from drafter.library.store import Library

    action_id = Library(library_url, auto_starter=False).actions(limit=1)[0].id
    context = multiprocessing.get_context("spawn")
    for _round in range(3):
        barrier = context.Barrier(4)
        results = context.Queue()
        workers = [
            context.Process(target=_record, args=(library_url, action_id, barrier, results))
            for _ in range(4)
        ]
        for worker in workers:
            worker.start()
        outcomes = [results.get(timeout=120) for _ in workers]
        for worker in workers:
            worker.join(60)
        assert outcomes == ["ok"] * 4
    decisions = Library(library_url, auto_starter=False).feedback()
    assert [d.action_id for d in decisions] == [action_id]


def test_a_web_choice_keeps_a_decision_a_terminal_saved_meanwhile(tmp_path):
    """The web page's choice (drafter.review.decisions) saves through the same
    guarded save: a terminal's decision saved after the page read the file
    is merged in, and the page is told."""
    from drafter.library.store import Library
    from drafter.matching.matcher import match_report
    from drafter.reading.reader import read_report
    from drafter.review.decisions import Choice, apply_choice
    from drafter.review.file import build_review, mark_decided

    report = read_report(SAMPLE)
    library = Library(f"sqlite:///{tmp_path / 'lib.db'}", auto_starter=False)
    library.init()
    matches = match_report(report, library)
    path = tmp_path / "r.review.yaml"
    save_review(build_review(report, matches), path)
    page = load_review(path)  # the page has the file in memory
    terminal = load_review(path)
    terminal.decisions[1].status = "no_action"
    mark_decided(terminal.decisions[1], by="terminal")
    save_review(terminal, path, expected_version=terminal.version)
    outcome = apply_choice(page, path, 1, Choice(kind="none"), library, matches, by="page")
    saved = load_review(path)
    assert [d.status for d in saved.decisions[:2]] == ["no_action", "no_action"]
    assert saved.decisions[1].decided_by == "terminal"
    assert any("kept the decision terminal saved" in w for w in outcome.warnings)
