"""Migration 0002: a letter is replaced by at most one letter. A database
that the old supersede race left with two "current" letters replacing the
same one is repaired on upgrade, and afterwards the database itself refuses
a second replacement."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from drafter.library.database import Database, _alembic_config


def _at_revision_0001(url: str) -> Database:
    from alembic import command

    database = Database(url, migrate=False)
    config = _alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    return database


def _add_letter(connection, letter_id: int, supersedes: int | None, status: str) -> None:
    sha = f"{letter_id:064d}"
    connection.execute(
        text(
            "INSERT INTO letter_files (sha256, content, file_name, media_type, size, created_at) "
            "VALUES (:sha, :content, 'x.docx', 'application/x', 1, CURRENT_TIMESTAMP)"
        ),
        {"sha": sha, "content": b"x"},
    )
    connection.execute(
        text(
            "INSERT INTO letters (id, sha256, unit, positive_findings, supersedes_id, status, "
            "created_at) VALUES (:id, :sha, 'Ashvale PDU', '[]', :sup, :status, CURRENT_TIMESTAMP)"
        ),
        {"id": letter_id, "sha": sha, "sup": supersedes, "status": status},
    )


def test_doubled_replacements_are_chained_and_one_letter_stays_current(db_url):
    old = _at_revision_0001(db_url)
    with old.engine.begin() as connection:
        _add_letter(connection, 1, None, "superseded")
        _add_letter(connection, 2, 1, "current")  # the race: both replaced letter 1
        _add_letter(connection, 3, 1, "current")
        connection.execute(
            text(
                "INSERT INTO commitments (letter_id, unit, text, status, created_at, updated_at) "
                "VALUES (2, 'Ashvale PDU', 'Train staff', 'open', CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP)"
            )
        )
    old.dispose()

    upgraded = Database(db_url)
    with upgraded.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, supersedes_id, status FROM letters ORDER BY id")
        ).all()
        commitment = connection.execute(text("SELECT status FROM commitments")).scalar()
    assert [tuple(r) for r in rows] == [
        (1, None, "superseded"),
        (2, 1, "superseded"),
        (3, 2, "current"),
    ]
    assert commitment == "superseded"

    with pytest.raises(IntegrityError), upgraded.engine.begin() as connection:
        _add_letter(connection, 4, 3, "current")
        _add_letter(connection, 5, 3, "current")
    upgraded.dispose()
