"""Database: where it lives, its schema, and its migrations.

One database holds the action library, reviewers' decisions and the archive of
sent letters. The default is an embedded SQLite file in the user's data folder
(no server); ``--db URL`` or ``DRAFTER_DB`` selects any SQLAlchemy URL, e.g. a
shared PostgreSQL server. The schema is managed by Alembic migrations shipped
in ``drafter/migrations``; opening a database brings it up to date, and a
database written by a newer drafter is refused untouched.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DataError,
    DBAPIError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from drafter.core.errors import DatabaseError
from drafter.library.version import (  # noqa: F401 - kept importable from here
    ENV_VAR,
    MIGRATIONS_DIR,
    default_url,
    head_revision,
    resolve_url,
    shipped_revisions,
)

#: Seconds a writer waits for a locked SQLite database before giving up.
SQLITE_BUSY_TIMEOUT = 15.0


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


class ActionRow(Base):
    __tablename__ = "actions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    recommendation: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(300))
    region: Mapped[str | None] = mapped_column(String(200))
    committed_on: Mapped[date | None] = mapped_column(Date)
    owner: Mapped[str | None] = mapped_column(String(300))
    due: Mapped[str | None] = mapped_column(String(100))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    source_kind: Mapped[str] = mapped_column(String(20), default="import")
    source_ref: Mapped[str | None] = mapped_column(String(500))
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: SHA-256 of what makes an action the same action (text, recommendation,
    #: unit, date); importing the same rows twice adds nothing.
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class DecisionRow(Base):
    """A reviewer accepted or rejected a library action for a recommendation."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recommendation_text: Mapped[str] = mapped_column(Text)
    recommendation_key: Mapped[str] = mapped_column(String(64), index=True)
    report_sha256: Mapped[str | None] = mapped_column(String(64))
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    verdict: Mapped[str] = mapped_column(String(20))  # "accepted" | "rejected"
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (UniqueConstraint("recommendation_key", "action_id", "report_sha256"),)


class LetterFileRow(Base):
    """A content-addressed copy of a sent letter, kept inside the database so
    that archiving is one transaction."""

    __tablename__ = "letter_files"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    file_name: Mapped[str] = mapped_column(String(500))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class LetterRow(Base):
    __tablename__ = "letters"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("letter_files.sha256"), unique=True)
    unit: Mapped[str | None] = mapped_column(String(300), index=True)
    region: Mapped[str | None] = mapped_column(String(200))
    letter_date: Mapped[date | None] = mapped_column(Date)
    sent_date: Mapped[date | None] = mapped_column(Date)
    recipient: Mapped[str | None] = mapped_column(String(300))
    signatory: Mapped[str | None] = mapped_column(String(300))
    subject: Mapped[str | None] = mapped_column(Text)
    report_sha256: Mapped[str | None] = mapped_column(String(64))
    recommendation_count: Mapped[int | None] = mapped_column(Integer)
    positive_findings: Mapped[list[str]] = mapped_column(JSON, default=list)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))
    status: Mapped[str] = mapped_column(String(20), default="current")  # or "superseded"
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # A letter is replaced by at most one letter (migration 0002): two archives
    # racing to supersede the same letter cannot both succeed.
    __table_args__ = (Index("uq_letters_supersedes_id", "supersedes_id", unique=True),)


class CommitmentRow(Base):
    """An action promised in a sent letter, followed up until it is done."""

    __tablename__ = "commitments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"), index=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id"))
    unit: Mapped[str | None] = mapped_column(String(300), index=True)
    text: Mapped[str] = mapped_column(Text)
    recommendation: Mapped[str | None] = mapped_column(Text)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    due_text: Mapped[str | None] = mapped_column(String(200))  # the phrase it came from
    status: Mapped[str] = mapped_column(String(20), default="open")  # "open" | "done"
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class CommitmentNoteRow(Base):
    __tablename__ = "commitment_notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    note: Mapped[str] = mapped_column(Text)
    marks_done: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Database:
    """An open, migrated database. Use :meth:`session` for a transaction."""

    def __init__(self, url: str | None = None, *, migrate: bool = True) -> None:
        self.url = resolve_url(url)
        # Only drafter's own default location is created; a folder the user
        # named that does not exist is more likely a typo than a wish.
        is_default = not url and not os.environ.get(ENV_VAR)
        self.engine = _create_engine(self.url, create_folder=is_default)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if migrate:
            self.migrate()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed if the block succeeds, rolled back if not."""
        session = self._sessions()
        try:
            with translate_db_errors(self.url):
                yield session
                session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def migrate(self) -> None:
        """Bring the schema up to date, refusing a database from a newer drafter.

        One query reads the schema's revision; Alembic is imported only when a
        migration must actually run (a new or an older database)."""
        head = head_revision()
        current = self.schema_revision()
        if current == head:
            return
        if current is not None and current not in shipped_revisions():
            raise DatabaseError(
                f"The database at {safe_url(self.url)} was written by a newer version of drafter.",
                hint="Upgrade drafter (pip install -U drafter); the database was not changed.",
            )
        from alembic import command

        config = _alembic_config()
        with translate_db_errors(self.url), self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def schema_revision(self) -> str | None:
        """The schema's migration revision, or None for a database drafter has
        not set up yet."""
        from sqlalchemy import inspect, text

        with translate_db_errors(self.url), self.engine.connect() as connection:
            try:
                return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            except (OperationalError, ProgrammingError):
                connection.rollback()
                if inspect(connection).has_table("alembic_version"):
                    raise
                return None

    def dispose(self) -> None:
        self.engine.dispose()


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return url


@contextmanager
def translate_db_errors(url: str) -> Iterator[None]:
    """Turn driver errors the user can act on into plain-English DatabaseErrors."""
    try:
        yield
    except OperationalError as exc:
        text = _driver_message(exc)
        if "locked" in text.lower() or "busy" in text.lower():
            raise DatabaseError(
                f"The database {safe_url(url)} is busy: another drafter is writing to it.",
                hint="Wait a moment and try again.",
            ) from exc
        raise DatabaseError(
            f"Cannot use the database {safe_url(url)} ({text}).",
            hint="Check the --db address, or that the database server is running.",
        ) from exc
    except ProgrammingError as exc:
        if "permission denied" in str(exc).lower():
            raise DatabaseError(
                f"drafter is not allowed to write to the database {safe_url(url)}.",
                hint="Ask the database administrator to grant your account access.",
            ) from exc
        raise DatabaseError(
            f"The database {safe_url(url)} does not look like a drafter database "
            f"({_driver_message(exc)}).",
            hint="Check the --db address points at drafter's database.",
        ) from exc
    except IntegrityError:
        raise  # callers decide: a duplicate is often "already there", not a failure
    except DataError as exc:
        # The server was reached and refused a value (too long, out of range):
        # the data's problem, not the address's.
        raise DatabaseError(
            f"The database {safe_url(url)} refused a value ({_driver_message(exc)}).",
            hint="Check the file's values: a name, number or date may be too long or too large.",
        ) from exc
    except OverflowError as exc:
        raise DatabaseError(
            "A number is too large for the database to store.",
            hint="Check the numbers you gave.",
        ) from exc
    except DBAPIError as exc:
        raise DatabaseError(
            f"The database {safe_url(url)} reported a problem ({_driver_message(exc)}).",
            hint="Check the --db address and try again.",
        ) from exc


def _driver_message(exc: DBAPIError) -> str:
    """The driver's own first line, without SQLAlchemy's SQL and links."""
    text = str(exc.orig if exc.orig is not None else exc).strip()
    return text.splitlines()[0].strip().rstrip(".") if text else type(exc).__name__


def _create_engine(url: str, *, create_folder: bool = False) -> Engine:
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise DatabaseError(
            f"'{url}' is not a database address drafter understands.",
            hint="Use a file path or a URL such as sqlite:///drafter.db or postgresql://…",
        ) from exc
    if parsed.drivername == "postgresql" or parsed.drivername == "postgres":
        parsed = parsed.set(drivername="postgresql+psycopg")
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            folder = Path(database).expanduser().parent
            if create_folder:
                folder.mkdir(parents=True, exist_ok=True)
            elif not folder.is_dir():
                raise DatabaseError(
                    f"The folder '{folder}' for the database {database} does not exist.",
                    hint="Check the --db path, or create the folder first.",
                )
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT}
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ModuleNotFoundError, ImportError) as exc:
        raise DatabaseError(
            f"drafter cannot open '{safe_url(url)}': no driver for '{parsed.drivername}'.",
            hint="Use sqlite:///FILE, or for PostgreSQL install drafter[postgres].",
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers and one writer work at once; foreign keys keep links honest.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT * 1000)}")
    cursor.close()


def _alembic_config():  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config
