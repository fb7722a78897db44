"""Which schema and which contents a library holds, read in one query.

Every command opens the library, and most only read it. Importing SQLAlchemy
and Alembic costs more than the rest of a draft, so this module answers the two
questions asked on every open without them: is the schema current (the newest
migration shipped in ``migrations/versions``, found by reading the files' own
``revision``/``down_revision`` lines), and has anything changed since the
matching index was built (:class:`LibraryVersion`). For an SQLite file it uses
the standard library's ``sqlite3``; other databases are asked through SQLAlchemy
by :meth:`drafter.library.store.Library.content_version`.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote

ENV_VAR = "DRAFTER_DB"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def default_url() -> str:
    """The URL used when neither ``--db`` nor ``DRAFTER_DB`` is given."""
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("drafter", appauthor=False))
    return f"sqlite:///{folder / 'drafter.db'}"


def resolve_url(url: str | None = None) -> str:
    """``url`` if given, else ``$DRAFTER_DB``, else the per-user SQLite file.
    A bare file path is accepted and treated as SQLite."""
    chosen = url or os.environ.get(ENV_VAR) or default_url()
    if "://" not in chosen:
        chosen = f"sqlite:///{Path(chosen).expanduser()}"
    return chosen


#: One query: the schema revision and what changes whenever actions or
#: reviewers' decisions are added, changed, retired or removed.
VERSION_QUERY = """
SELECT
  (SELECT version_num FROM alembic_version),
  (SELECT count(*) FROM actions WHERE status = 'active'),
  (SELECT count(*) FROM actions),
  (SELECT max(id) FROM actions),
  (SELECT max(updated_at) FROM actions),
  (SELECT count(*) FROM decisions),
  (SELECT max(id) FROM decisions),
  (SELECT max(created_at) FROM decisions)
"""


@dataclass(frozen=True)
class LibraryVersion:
    """The schema revision and a fingerprint of the library's contents."""

    schema: str | None
    active_actions: int
    contents: str

    @classmethod
    def from_row(cls, row: tuple) -> LibraryVersion:
        schema, active, *rest = row
        return cls(schema, int(active or 0), "|".join(str(v) for v in (active, *rest)))


_REVISION = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN = re.compile(r"^down_revision\s*=\s*(?:['\"]([^'\"]+)['\"]|None)", re.MULTILINE)


@cache
def shipped_revisions() -> dict[str, str | None]:
    """Each migration shipped with this drafter: revision -> the one it follows."""
    found: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(text), _DOWN.search(text)
        if revision and down:
            found[revision.group(1)] = down.group(1)
    return found


def head_revision() -> str:
    """The newest shipped migration: the one no other migration follows."""
    revisions = shipped_revisions()
    followed = {down for down in revisions.values() if down}
    heads = [r for r in revisions if r not in followed]
    if len(heads) != 1:  # a packaging mistake, not the user's
        raise RuntimeError(f"drafter's migrations have {len(heads)} heads: {heads}")
    return heads[0]


def sqlite_path(url: str) -> Path | None:
    """The file of an ``sqlite:///…`` URL, or None for other databases and
    in-memory ones (they have nothing to peek at)."""
    match = re.fullmatch(r"sqlite(?:\+pysqlite)?:///([^?]+)(?:\?.*)?", url)
    if not match or match.group(1) in (":memory:", ""):
        return None
    return Path(unquote(match.group(1)))


def peek_sqlite(url: str) -> LibraryVersion | None:
    """The version of an SQLite library, or None when it cannot be read
    cheaply (no file yet, no tables yet, locked): the caller then opens it
    the full way, which creates, migrates or explains."""
    rows = sqlite_rows(url, VERSION_QUERY)
    return LibraryVersion.from_row(rows[0]) if rows else None


#: The columns of an action, in the order :func:`sqlite_rows` callers read them.
ACTION_COLUMNS = (
    "id, text, recommendation, unit, region, committed_on, owner, due, tags, "
    "external_id, source_kind, source_ref, status, extra"
)


def sqlite_rows(url: str, query: str, parameters: tuple = ()) -> list[tuple] | None:
    """The rows of a read-only ``query`` on an SQLite library with the
    standard library's ``sqlite3``, or None when it cannot be done that way
    (not an SQLite file, locked, any error): the caller then asks through
    SQLAlchemy. Only for a library already found at the current schema."""
    path = sqlite_path(url)
    if path is None or not path.is_file():
        return None
    try:
        connection = sqlite3.connect(path, timeout=5.0)
    except sqlite3.Error:
        return None
    try:
        return connection.execute(query, parameters).fetchall()
    except (sqlite3.Error, OverflowError, ValueError):  # (a number too large for SQLite)
        return None
    finally:
        connection.close()
