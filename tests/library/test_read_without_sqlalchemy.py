"""An SQLite library already at the current schema is read with the standard
library's sqlite3 (drafting after the library changed needs no SQLAlchemy);
the actions and decisions read are exactly those SQLAlchemy reads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from drafter.library.store import Library

ROWS = [
    {
        "id": "W1",
        "action": "Caseloads will be reviewed monthly by the head of service.",
        "recommendation": "reduce caseloads so practitioners can manage risk",
        "unit": "Westmere PDU",
        "region": "Wales",
        "date": "2024-03-05",
        "owner": "Head of PDU",
        "due": "March 2025",
        "tags": ["workload", "management oversight"],
        "team": "North",  # kept as extra
        "budget": 1200,
    },
    {"id": "W2", "action": "A duty rota will cover every office day.", "unit": "Westmere PDU"},
    {
        "id": "W3",
        "action": "Home visits will be recorded within five working days.",
        "recommendation": "make sure home visits happen",
        "date": "2023-11-30",
        "tags": [],
    },
]


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'lib.db'}"
    library = Library(url, auto_starter=False)
    source = tmp_path / "rows.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in ROWS), encoding="utf-8")
    library.import_file(source)
    library.add_action(
        "Managers will sample countersigned assessments every quarter.",
        recommendation="improve management oversight",
        committed_on=date(2025, 1, 31),
    )
    actions = library.actions()
    library.retire(actions[1].id)
    library.record_decision("reduce caseloads", actions[0].id, "accepted")
    library.record_decision("reduce caseloads", actions[0].id, "rejected")  # the latest counts
    library.record_decision("make sure home visits happen", actions[2].id, "accepted")
    return url


def _both(url: str) -> tuple[Library, Library]:
    plain = Library(url, auto_starter=False)
    assert plain._db is None  # at the current schema: not opened through SQLAlchemy
    orm = Library(url, auto_starter=False)
    orm.db  # noqa: B018 - opened, so it reads through SQLAlchemy
    assert orm._db is not None
    return plain, orm


@pytest.mark.parametrize(
    "kwargs", [{}, {"status": None}, {"status": "retired"}, {"status": "active", "limit": 2}]
)
def test_actions_read_with_sqlite3_are_those_sqlalchemy_reads(url, kwargs) -> None:
    plain, orm = _both(url)
    read = plain.actions(**kwargs)
    assert read == orm.actions(**kwargs)
    assert read  # every case reads something
    assert plain._db is None  # and SQLAlchemy was not needed


def test_every_field_comes_back_with_its_type(url) -> None:
    plain, _ = _both(url)
    (first,) = [a for a in plain.actions(status=None) if a.external_id == "W1"]
    assert first.committed_on == date(2024, 3, 5)
    assert first.tags == ["workload", "management oversight"]
    assert first.extra == {"team": "North", "budget": 1200}
    assert (first.owner, first.due, first.region) == ("Head of PDU", "March 2025", "Wales")
    (second,) = [a for a in plain.actions(status=None) if a.external_id == "W2"]
    assert second.committed_on is None and second.recommendation is None
    assert second.status == "retired" and second.tags == [] and second.extra == {}


def test_decisions_read_with_sqlite3_are_those_sqlalchemy_reads(url) -> None:
    plain, orm = _both(url)
    decisions = plain.feedback()
    assert decisions == orm.feedback()
    assert sorted((d.recommendation_text, d.verdict) for d in decisions) == [
        ("make sure home visits happen", "accepted"),
        ("reduce caseloads", "rejected"),
    ]


def test_a_draft_after_the_library_changed_loads_no_sqlalchemy(url, tmp_path) -> None:
    """Rebuilding the matching index reads the actions and decisions: with
    sqlite3, not SQLAlchemy (checked in sys.modules, not timed)."""
    report = Path(__file__).resolve().parents[2] / "samples" / "ashvale_pdu_2025.html"
    probe = (
        "import sys, json\n"
        "from drafter.cli import cli\n"
        f"args = ['draft', {str(report)!r}, '-o', {str(tmp_path / 'a.docx')!r}, '--force']\n"
        "try:\n    cli(args)\n"
        "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    env = dict(os.environ, DRAFTER_DB=url, DRAFTER_CACHE_DIR=str(tmp_path / "cache"))
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=300
    )
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert "sqlalchemy" not in loaded and "alembic" not in loaded
    assert (tmp_path / "a.docx").exists()
