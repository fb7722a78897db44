"""The database: migrations, URLs, and refusing what it cannot safely use."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import inspect, text

from drafter.core.errors import DatabaseError
from drafter.library.database import Database, resolve_url


def test_new_database_is_migrated_to_the_current_schema(db_url):
    database = Database(db_url)
    tables = set(inspect(database.engine).get_table_names())
    assert {"actions", "decisions", "letters", "letter_files", "commitments"} <= tables
    # Opening again is a no-op, not a second migration.
    Database(db_url).dispose()
    database.dispose()


def test_sqlite_runs_in_wal_mode(sqlite_url):
    database = Database(sqlite_url)
    with database.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_database_from_a_newer_drafter_is_refused_untouched(db_url):
    database = Database(db_url)
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    database.dispose()
    with pytest.raises(DatabaseError, match="newer version of drafter"):
        Database(db_url)
    check = Database(db_url, migrate=False)
    with check.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"


def test_unknown_database_url_gets_a_plain_message():
    with pytest.raises(DatabaseError, match="no driver"):
        Database("nosuchdb://somewhere/library")


def test_malformed_url_gets_a_plain_message():
    with pytest.raises(DatabaseError):
        Database("postgresql://user@:notaport/x")


def test_plain_path_means_sqlite(tmp_path):
    assert resolve_url(str(tmp_path / "lib.db")).startswith("sqlite:///")


def test_environment_variable_is_used(monkeypatch, tmp_path):
    monkeypatch.setenv("DRAFTER_DB", f"sqlite:///{tmp_path / 'env.db'}")
    assert resolve_url(None).endswith("env.db")


def test_locked_sqlite_database_waits_then_says_so(tmp_path, monkeypatch):
    import drafter.library.database as db_module

    monkeypatch.setattr(db_module, "SQLITE_BUSY_TIMEOUT", 0.2)
    path = tmp_path / "locked.db"
    Database(f"sqlite:///{path}").dispose()
    blocker = sqlite3.connect(path)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        database = Database(f"sqlite:///{path}")
        with pytest.raises(DatabaseError, match="busy"), database.session() as session:
            session.execute(
                text("INSERT INTO letter_files VALUES ('x', x'00', 'a', 'b', 1, '2025-01-01')")
            )
    finally:
        blocker.rollback()
        blocker.close()


def test_a_database_in_a_folder_that_does_not_exist_is_refused(tmp_path):
    with pytest.raises(DatabaseError, match="does not exist"):
        Database(f"sqlite:///{tmp_path / 'typo' / 'dir' / 'x.db'}")
    assert not (tmp_path / "typo").exists()


def test_the_default_location_is_created(tmp_path, monkeypatch):
    import drafter.library.version as db_module

    monkeypatch.delenv("DRAFTER_DB")
    monkeypatch.setattr(db_module, "default_url", lambda: f"sqlite:///{tmp_path / 'a' / 'b.db'}")
    Database().dispose()
    assert (tmp_path / "a" / "b.db").exists()


def test_database_errors_are_one_line_through_the_cli():
    from click.testing import CliRunner

    from drafter.cli.commands import cli

    result = CliRunner().invoke(
        cli, ["library", "list", "--db", "postgresql+psycopg://nobody:x@127.0.0.1:1/none"]
    )
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: Cannot use the database")
    assert "Traceback" not in result.output
