"""The action library: previously committed actions kept in the database.

:class:`Library` is the one way the rest of drafter reads and writes actions
and reviewers' decisions. It works on any database :class:`drafter.library.database.Database`
can open (SQLite by default, PostgreSQL for shared libraries).

A fresh install works out of the box: when drafter is used with the *default*
database (no ``--db`` naming a different one) and that database has never held
an action, the starter library shipped with drafter is loaded once. Library
code never prints: it says so through :attr:`Library.starter_notice` and the
optional ``notify`` callback (the command line passes one that writes to
stderr). A database named explicitly is never filled behind the user's back;
matching against it while it is empty raises a :class:`LibraryError` telling
the user to run ``drafter library init``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from drafter.core.errors import LibraryError
from drafter.core.model import LibraryAction
from drafter.core.wording import counted
from drafter.library.keys import action_fingerprint, recommendation_key  # noqa: F401
from drafter.library.version import (
    ACTION_COLUMNS,
    ENV_VAR,
    LibraryVersion,
    head_revision,
    peek_sqlite,
    resolve_url,
    sqlite_rows,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from drafter.library.database import ActionRow, Database
    from drafter.library.transfer import ImportResult, StarterUpdate

STATUSES = ("active", "superseded", "retired")
VERDICTS = ("accepted", "rejected")
STARTER_SOURCE_REF = "drafter starter library"


@dataclass(frozen=True)
class Decision:
    """A reviewer's verdict on suggesting ``action_id`` for a recommendation."""

    recommendation_text: str
    action_id: int
    verdict: Literal["accepted", "rejected"]


class Library:
    """The action library in one database.

    ``url`` is a file path or SQLAlchemy URL; ``None`` means ``$DRAFTER_DB`` or
    the per-user default. ``auto_starter`` says whether an empty, never-used
    database may be filled with the starter library on first use; by default
    that is allowed unless ``url`` names a database other than the default one.
    When that happens the note for the user is kept in :attr:`starter_notice`
    and passed to ``notify`` if given; nothing is printed.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        auto_starter: bool | None = None,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.url = resolve_url(url)
        self._given_url = url
        self._db: Database | None = None
        # Most commands only read: when an SQLite library is already at the
        # current schema, SQLAlchemy is not even imported until a query needs it.
        self._version: LibraryVersion | None = peek_sqlite(self.url)
        if self._version is None or self._version.schema != head_revision():
            self._version = None
            self.db  # noqa: B018 - opens now: creates, migrates, or explains what is wrong
        if auto_starter is None:
            auto_starter = url is None or resolve_url(url) == resolve_url(os.environ.get(ENV_VAR))
        self.auto_starter = auto_starter
        self._notify = notify
        #: What to tell the user after the starter library was loaded on first
        #: use (None until then).
        self.starter_notice: str | None = None

    @property
    def db(self) -> Database:
        """The open, migrated database (opened on first use)."""
        if self._db is None:
            from drafter.library.database import Database

            self._db = Database(self._given_url)
        return self._db

    def content_version(self) -> LibraryVersion:
        """The schema revision and a fingerprint of the actions and decisions
        held: it changes whenever anything matching depends on changes, so a
        matching index built for one version can be reused until then."""
        if self._version is None:
            self._version = peek_sqlite(self.url)
        if self._version is None:
            from sqlalchemy import text

            from drafter.library.version import VERSION_QUERY

            with self.db.session() as session:
                row = session.execute(text(VERSION_QUERY)).one()
            self._version = LibraryVersion.from_row(tuple(row))
        return self._version

    def _changed(self) -> None:
        self._version = None

    # --- reading -------------------------------------------------------------

    def count(self, status: str | None = "active") -> int:
        """How many actions have ``status`` (all actions when ``None``)."""
        from sqlalchemy import func, select

        from drafter.library.database import ActionRow

        with self.db.session() as session:
            query = select(func.count(ActionRow.id))
            if status is not None:
                query = query.where(ActionRow.status == status)
            return int(session.scalar(query) or 0)

    def actions(
        self, status: str | None = "active", limit: int | None = None
    ) -> list[LibraryAction]:
        """Actions with ``status`` (all when ``None``), oldest first; at most
        ``limit`` of them when given."""
        if self._db is None:  # an SQLite file at the current schema: no SQLAlchemy
            where = " WHERE status = ?" if status is not None else ""
            query = f"SELECT {ACTION_COLUMNS} FROM actions{where} ORDER BY id"
            parameters: tuple = (status,) if status is not None else ()
            if limit is not None:
                query += " LIMIT ?"
                parameters += (limit,)
            rows = sqlite_rows(self.url, query, parameters)
            if rows is not None:
                return [_action_from_sqlite(row) for row in rows]
        from sqlalchemy import select

        from drafter.library.database import ActionRow

        with self.db.session() as session:
            query = select(ActionRow).order_by(ActionRow.id)
            if status is not None:
                query = query.where(ActionRow.status == status)
            if limit is not None:
                query = query.limit(limit)
            return [to_library_action(row) for row in session.scalars(query)]

    def get(self, action_id: int | str) -> LibraryAction:
        """The action with this number, or with this external id from an import."""
        with self.db.session() as session:
            row = _find_row(session, action_id)
            return to_library_action(row)

    def search(self, query: str, limit: int | None = 20) -> list[LibraryAction]:
        """Active actions whose text or tags contain every word of ``query``
        (case does not matter; a tag such as ``home_visits`` counts as the
        words "home visits"), newest first, at most ``limit`` of them (all when
        ``None``). A query that is exactly an import id ("S001") finds that
        action first. The recommendation an action answered is not searched:
        it is not shown in a listing, so a result would look unrelated."""
        from sqlalchemy import select

        from drafter.library.database import ActionRow

        words = [w.casefold() for w in query.split() if w]
        if not words:
            raise LibraryError("Give some words to search for.", hint='e.g. "home visits"')
        wanted_id = query.strip().casefold()
        with self.db.session() as session:
            statement = (
                select(ActionRow)
                .where(ActionRow.status == "active")
                .order_by(ActionRow.committed_on.desc(), ActionRow.id.desc())
            )
            by_id: list[LibraryAction] = []
            by_words: list[LibraryAction] = []
            for row in session.scalars(statement):
                if (row.external_id or "").casefold() == wanted_id:
                    by_id.append(to_library_action(row))
                elif _contains_every_word(row, words):
                    by_words.append(to_library_action(row))
        found = by_id + by_words
        return found if limit is None else found[: max(1, limit)]

    # --- writing -------------------------------------------------------------

    def add_action(
        self,
        text: str,
        *,
        recommendation: str | None = None,
        unit: str | None = None,
        region: str | None = None,
        committed_on: date | None = None,
        owner: str | None = None,
        due: str | None = None,
        tags: Iterable[str] = (),
        source_kind: str = "manual",
        source_ref: str | None = None,
        letter_id: int | None = None,
        external_id: str | None = None,
        extra: dict[str, Any] | None = None,
        session: Session | None = None,
    ) -> LibraryAction:
        """Add one action; an identical action already in the library is
        returned instead of a duplicate. With ``session`` the action joins that
        transaction (used when archiving a letter)."""
        from sqlalchemy import select

        from drafter.library.database import ActionRow

        text = " ".join((text or "").split())
        if not text:
            raise LibraryError("An action needs some text.")
        fingerprint = action_fingerprint(text, recommendation, unit, committed_on)

        def work(s: Session) -> LibraryAction:
            existing = s.scalar(select(ActionRow).where(ActionRow.fingerprint == fingerprint))
            if existing is not None:
                return to_library_action(existing)
            row = ActionRow(
                text=text,
                recommendation=recommendation,
                unit=unit,
                region=region,
                committed_on=committed_on,
                owner=owner,
                due=due,
                tags=list(tags),
                source_kind=source_kind,
                source_ref=source_ref,
                letter_id=letter_id,
                external_id=external_id,
                extra=dict(extra or {}),
                status="active",
                fingerprint=fingerprint,
            )
            s.add(row)
            s.flush()
            return to_library_action(row)

        self._changed()
        if session is not None:
            return work(session)
        with self.db.session() as own:
            return work(own)

    def set_status(self, action_id: int | str, status: str) -> LibraryAction:
        from drafter.library.database import utcnow

        if status not in STATUSES:
            raise LibraryError(
                f"'{status}' is not an action status.", hint=f"Use one of: {', '.join(STATUSES)}."
            )
        with self.db.session() as session:
            row = _find_row(session, action_id)
            if row.status == status:  # nothing to change; keep updated_at honest
                return to_library_action(row)
            row.status = status
            row.updated_at = utcnow()
            session.flush()
            self._changed()
            return to_library_action(row)

    def retire(self, action_id: int | str) -> LibraryAction:
        """Stop suggesting an action. It stays in the library for the record."""
        return self.set_status(action_id, "retired")

    def import_file(
        self,
        path: str,
        *,
        skip_invalid: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportResult:
        """Import actions from a CSV, JSON, JSONL or YAML file; see
        :func:`drafter.library.transfer.import_actions`."""
        from drafter.library.transfer import import_actions

        self._changed()
        return import_actions(self, path, skip_invalid=skip_invalid, progress=progress)

    def load_starter(self) -> int:
        """Load the starter library shipped with drafter. Returns how many
        actions were added (0 if they are all there already)."""
        from drafter.library.transfer import import_records, read_starter_records

        self._changed()
        result = import_records(
            self, read_starter_records(), source_kind="starter", source_ref=STARTER_SOURCE_REF
        )
        return result.added

    def init(self) -> int:
        """``drafter library init``: load the starter library into an empty library."""
        held = self.count(status=None)
        if held:
            raise LibraryError(
                f"The action library already holds {counted(held, 'action')}; "
                "the starter library is only loaded into an empty one.",
                hint="Use 'drafter library import FILE' to add more actions, or "
                "'drafter library init --update' to bring drafter's starter actions up to "
                "date after upgrading drafter.",
            )
        return self.load_starter()

    def update_starter(self, *, dry_run: bool = False) -> StarterUpdate:
        """Bring drafter's starter actions up to date with this version (see
        :func:`drafter.library.transfer.update_starter`); your own actions are
        never touched, and nothing is deleted."""
        from drafter.library.transfer import update_starter

        if not dry_run:
            self._changed()
        return update_starter(self, source_ref=STARTER_SOURCE_REF, dry_run=dry_run)

    def ensure_usable(self, *, allow_empty: bool = False) -> None:
        """Make sure there is something to match against: load the starter library
        into a never-used default database, or explain how to fill an empty one
        (unless ``allow_empty``: a reviewer can still write every action)."""
        if self.count("active"):
            return
        if self.count(status=None) == 0 and self.auto_starter:
            added = self.load_starter()
            if not added:
                # Another drafter, started at the same moment on the same new
                # database, loaded it first: nothing to tell.
                return
            self.starter_notice = (
                f"The action library was empty, so drafter loaded its starter library "
                f"({counted(added, 'action')}). Add your own with 'drafter library import FILE'."
            )
            if self._notify is not None:
                self._notify(self.starter_notice)
            return
        if allow_empty:
            return
        raise LibraryError(
            "The action library is empty, so there is nothing to match against.",
            hint="Run 'drafter library init' to load the starter library, "
            "or 'drafter library import FILE' to add your own actions.",
        )

    # --- learning from reviewers ---------------------------------------------

    def record_decision(
        self,
        recommendation_text: str,
        action_id: int,
        verdict: str,
        report_sha256: str | None = None,
    ) -> None:
        """Remember that a reviewer accepted or rejected ``action_id`` for this
        recommendation; later matching for similar recommendations uses it.
        Recording the same decision again updates the verdict."""
        if verdict not in VERDICTS:
            raise LibraryError(
                f"'{verdict}' is not a decision.", hint="Use 'accepted' or 'rejected'."
            )
        from sqlalchemy.exc import IntegrityError

        key = recommendation_key(recommendation_text)
        try:
            self._record_decision(key, recommendation_text, action_id, verdict, report_sha256)
        except IntegrityError:
            # Another reviewer recorded the same decision at the same moment:
            # looking again finds theirs, which is then updated.
            self._record_decision(key, recommendation_text, action_id, verdict, report_sha256)
        self._changed()

    def _record_decision(
        self,
        key: str,
        recommendation_text: str,
        action_id: int,
        verdict: str,
        report_sha256: str | None,
    ) -> None:
        from sqlalchemy import select

        from drafter.library.database import DecisionRow, utcnow

        with self.db.session() as session:
            _find_row(session, action_id)
            existing = session.scalar(
                select(DecisionRow).where(
                    DecisionRow.recommendation_key == key,
                    DecisionRow.action_id == int(action_id),
                    DecisionRow.report_sha256.is_(None)
                    if report_sha256 is None
                    else DecisionRow.report_sha256 == report_sha256,
                )
            )
            if existing is not None:
                existing.verdict = verdict
                existing.recommendation_text = recommendation_text
                existing.created_at = utcnow()
            else:
                session.add(
                    DecisionRow(
                        recommendation_text=recommendation_text,
                        recommendation_key=key,
                        report_sha256=report_sha256,
                        action_id=int(action_id),
                        verdict=verdict,
                    )
                )

    def feedback(self) -> list[Decision]:
        """Every recorded decision, the latest per recommendation and action."""
        if self._db is None:  # an SQLite file at the current schema: no SQLAlchemy
            plain = sqlite_rows(
                self.url,
                "SELECT recommendation_text, recommendation_key, action_id, verdict "
                "FROM decisions ORDER BY created_at",
            )
            if plain is not None:
                found: dict[tuple[str, int], Decision] = {}
                for text, key, action_id, verdict in plain:
                    found[(key, action_id)] = Decision(text, action_id, verdict)
                return list(found.values())
        from sqlalchemy import select

        from drafter.library.database import DecisionRow

        with self.db.session() as session:
            rows = session.scalars(select(DecisionRow).order_by(DecisionRow.created_at)).all()
            latest: dict[tuple[str, int], Decision] = {}
            for row in rows:
                latest[(row.recommendation_key, row.action_id)] = Decision(
                    row.recommendation_text,
                    row.action_id,
                    row.verdict,  # type: ignore[arg-type]
                )
            return list(latest.values())


def _action_from_sqlite(row: tuple) -> LibraryAction:
    """An action from a row of :data:`ACTION_COLUMNS` read with ``sqlite3``,
    converted as SQLAlchemy converts it (dates stored as ISO text, tags and
    extra as JSON): the same record :func:`to_library_action` makes."""
    import json

    (action_id, text, recommendation, unit, region, committed_on, owner, due, tags) = row[:9]
    external_id, source_kind, source_ref, status, extra = row[9:]
    return LibraryAction(
        id=action_id,
        text=text,
        recommendation=recommendation,
        unit=unit,
        region=region,
        committed_on=date.fromisoformat(committed_on) if committed_on is not None else None,
        owner=owner,
        due=due,
        tags=list((json.loads(tags) if tags is not None else None) or []),
        external_id=external_id,
        source_kind=source_kind,
        source_ref=source_ref,
        status=status,
        extra=dict((json.loads(extra) if extra is not None else None) or {}),
    )


def to_library_action(row: ActionRow) -> LibraryAction:
    return LibraryAction(
        id=row.id,
        text=row.text,
        recommendation=row.recommendation,
        unit=row.unit,
        region=row.region,
        committed_on=row.committed_on,
        owner=row.owner,
        due=row.due,
        tags=list(row.tags or []),
        external_id=row.external_id,
        source_kind=row.source_kind,
        source_ref=row.source_ref,
        status=row.status,
        extra=dict(row.extra or {}),
    )


def _find_row(session: Session, action_id: int | str) -> ActionRow:
    from sqlalchemy import select

    from drafter.library.database import ActionRow

    row: ActionRow | None = None
    text = str(action_id).strip()
    if text.isdigit() and int(text) <= 2**63 - 1:  # larger never fits a database id
        row = session.get(ActionRow, int(text))
    if row is None and text:
        row = session.scalar(
            select(ActionRow).where(ActionRow.external_id == text).order_by(ActionRow.id)
        )
    if row is None:
        raise LibraryError(
            f"There is no action '{text}' in the library.",
            hint="Use 'drafter library list' or 'drafter library search' to find its number.",
        )
    return row


def _contains_every_word(row: ActionRow, words: list[str]) -> bool:
    """Whether every word occurs in the action's text or its tags."""
    tags = " ".join(f"{tag} {str(tag).replace('_', ' ')}" for tag in row.tags or [])
    haystack = f"{row.text}\n{tags}".casefold()
    return all(word in haystack for word in words)
