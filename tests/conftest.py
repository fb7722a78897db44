"""Shared fixtures: the shared corpus, databases (SQLite and PostgreSQL), and
documents converted by LibreOffice.

On a developer's machine without PostgreSQL or LibreOffice the tests that need
them are skipped with the reason; under CI (``CI=true``) they fail instead, so
a missing install step can never turn CI green.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from libreoffice import convert, soffice_binary

# Timings are never asserted: a busy CI machine must not fail a property test
# because one generated example ran slowly.
settings.register_profile("drafter", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("drafter")

REPO = Path(__file__).resolve().parent.parent
SHARED = (REPO / ".." / "shared").resolve()
CORPUS = SHARED / "corpus"
REPORTS_DIR = CORPUS / "reports"
SEED_REPORT = SHARED / "seeds" / "inspection_report_redcar_cleveland_middlesbrough_2025.txt"
SEED_LETTER = SHARED / "seeds" / "response_letter_stockton_hartlepool_2025.txt"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
POSTGRES_ENV = "DRAFTER_TEST_POSTGRES_URL"


def need(condition: bool, reason: str) -> None:
    """Skip when ``condition`` is false on a developer's machine; fail under CI."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must provide this: {reason}")
    pytest.skip(reason)


def corpus_report_names() -> list[str]:
    return sorted(p.stem for p in REPORTS_DIR.glob("*.html"))


def expected_record(name: str) -> dict:
    return json.loads((REPORTS_DIR / f"{name}.expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    need(SHARED.is_dir(), f"the shared corpus is not at {SHARED}")
    return SHARED


@pytest.fixture(autouse=True)
def _isolated_default_db(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    """No test may touch the user's real database or cache: point both at temp folders."""
    folder = tmp_path_factory.mktemp("default-db")
    monkeypatch.setenv("DRAFTER_DB", f"sqlite:///{folder / 'drafter.db'}")
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(folder / "cache"))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def postgres_url() -> str:
    """A fresh, empty PostgreSQL schema-less database for one test."""
    base = os.environ.get(POSTGRES_ENV)
    need(bool(base), f"PostgreSQL tests need {POSTGRES_ENV} (set by .ci/run)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(base).set(drivername="postgresql+psycopg")
    name = f"drafter_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Run a test once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


def soffice_convert(sources: list[Path], target: str, outdir: Path) -> list[Path]:
    """Convert documents with LibreOffice headless in one run.

    ``target`` is a LibreOffice filter spec such as ``pdf:writer_web_pdf_Export``
    or ``docx:MS Word 2007 XML``. Returns the converted paths in source order.
    """
    binary = soffice_binary()
    need(binary is not None, "LibreOffice (soffice) is not installed")
    results = convert(sources, target, outdir, binary)
    missing = [p for p in results if not p.exists()]
    assert not missing, f"LibreOffice did not write {missing}"
    return results
