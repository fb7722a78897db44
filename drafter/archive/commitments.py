"""Commitments made in sent letters, and following them up.

Every action in an archived letter becomes a commitment. Its due date is read
from the wording of the action (:func:`drafter.core.dates.extract_due_date`, whose
docstring lists the rules); staff list what is due or overdue and record
progress until the next inspection checks it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

# Due dates are read in drafter.core.dates; these names stay importable from here.
from drafter.core.dates import (
    MONTHS,
    add_months,
    extract_due_date,
    last_day_of_month,
    parse_user_date,
)
from drafter.core.errors import DrafterError
from drafter.core.regions import unit_key

__all__ = [
    "COMMITMENT_CSV_FIELDS",
    "MONTHS",
    "Commitment",
    "CommitmentNote",
    "add_months",
    "add_note",
    "commitments_csv",
    "extract_due_date",
    "get_commitment",
    "last_day_of_month",
    "list_commitments",
    "mark_done",
    "parse_user_date",
    "reopen",
    "unit_key",
]


@dataclass
class CommitmentNote:
    created_at: datetime
    note: str
    marks_done: bool


@dataclass
class Commitment:
    """An action promised in a sent letter, with its due date and progress."""

    id: int
    letter_id: int
    unit: str | None
    text: str
    recommendation: str | None
    due_date: date | None
    due_text: str | None
    status: str  # "open", "done" or "superseded"
    action_id: int | None = None
    notes: list[CommitmentNote] = field(default_factory=list)

    @property
    def done_on(self) -> date | None:
        """When it was marked done (the day of its closing note), if it is done."""
        if self.status != "done":
            return None
        closing = [n for n in self.notes if n.marks_done]
        return closing[-1].created_at.date() if closing else None

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or date.today()
        return self.status == "open" and self.due_date is not None and self.due_date < today

    def to_dict(self, today: date | None = None) -> dict:
        return {
            "id": self.id,
            "letter_id": self.letter_id,
            "unit": self.unit,
            "text": self.text,
            "recommendation": self.recommendation,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "due_text": self.due_text,
            "status": self.status,
            "overdue": self.is_overdue(today),
            "action_id": self.action_id,
            "notes": [
                {
                    "created_at": n.created_at.isoformat(timespec="seconds"),
                    "note": n.note,
                    "marks_done": n.marks_done,
                }
                for n in self.notes
            ],
        }


def database_of(store):  # type: ignore[no-untyped-def]
    """The Database of a Library (which has ``.db``), or the Database itself."""
    return getattr(store, "db", store)


def list_commitments(
    store,  # type: ignore[no-untyped-def]
    *,
    due_before: date | None = None,
    unit: str | None = None,
    overdue: bool = False,
    include_closed: bool = False,
    today: date | None = None,
) -> list[Commitment]:
    """Commitments, soonest due first (those with no due date last).

    Open ones only unless ``include_closed``. ``unit`` matches part of the unit
    name, ignoring case and "&"/"and". ``overdue`` keeps open commitments whose
    due date has passed (``today`` defaults to the real date).
    """
    from sqlalchemy import select

    from drafter.library.database import CommitmentRow

    today = today or date.today()
    with database_of(store).session() as session:
        rows = session.scalars(select(CommitmentRow).order_by(CommitmentRow.id)).all()
        notes = _notes_by_commitment(session, [r.id for r in rows])
        found = [_to_commitment(row, notes.get(row.id, [])) for row in rows]
    wanted = unit_key(unit) if unit else None
    result = []
    for item in found:
        if not include_closed and item.status != "open":
            continue
        if wanted and wanted not in unit_key(item.unit or ""):
            continue
        if due_before and (item.due_date is None or item.due_date >= due_before):
            continue
        if overdue and not item.is_overdue(today):
            continue
        result.append(item)
    result.sort(key=lambda c: (c.due_date is None, c.due_date or date.max, c.id))
    return result


def get_commitment(store, commitment_id: int) -> Commitment:  # type: ignore[no-untyped-def]
    from drafter.library.database import CommitmentRow

    with database_of(store).session() as session:
        row = session.get(CommitmentRow, commitment_id)
        if row is None:
            raise _not_found(commitment_id)
        return _to_commitment(row, _notes_by_commitment(session, [row.id]).get(row.id, []))


def add_note(store, commitment_id: int, note: str, *, done: bool = False) -> Commitment:  # type: ignore[no-untyped-def]
    """Record progress on a commitment; ``done`` also closes it.

    Closing a commitment that is already done changes nothing (the first
    closing note stands); a plain note on a done commitment is kept.
    """
    from drafter.library.database import CommitmentNoteRow, CommitmentRow

    note = (note or "").strip()
    if not note:
        raise DrafterError(
            "The note is empty.", hint="Say what was done, e.g. --note 'Training delivered'."
        )
    with database_of(store).session() as session:
        row = session.get(CommitmentRow, commitment_id)
        if row is None:
            raise _not_found(commitment_id)
        if row.status == "superseded":
            raise DrafterError(
                f"Commitment {commitment_id} belongs to a letter that was replaced.",
                hint="Record progress on the commitment from the newer letter.",
            )
        if done and row.status == "done":
            return _to_commitment(row, _notes_by_commitment(session, [row.id]).get(row.id, []))
        session.add(CommitmentNoteRow(commitment_id=row.id, note=note, marks_done=done))
        if done:
            row.status = "done"
        session.flush()
        return _to_commitment(row, _notes_by_commitment(session, [row.id]).get(row.id, []))


def mark_done(store, commitment_id: int, note: str) -> Commitment:  # type: ignore[no-untyped-def]
    """Close a commitment, recording what was done (nothing changes if it is
    already done: check :attr:`Commitment.done_on` beforehand to tell)."""
    return add_note(store, commitment_id, note, done=True)


def reopen(store, commitment_id: int, note: str | None = None) -> tuple[Commitment, bool]:  # type: ignore[no-untyped-def]
    """Open a commitment marked done again (it was not done after all, or was
    closed by mistake), recording a note saying so. Its earlier notes stay.

    Returns the commitment and whether it changed: one already open is left
    as it is. A commitment of a letter that was replaced cannot be reopened.
    """
    from drafter.library.database import CommitmentNoteRow, CommitmentRow

    note = " ".join((note or "").split())
    with database_of(store).session() as session:
        row = session.get(CommitmentRow, commitment_id)
        if row is None:
            raise _not_found(commitment_id)
        if row.status == "superseded":
            raise DrafterError(
                f"Commitment {commitment_id} belongs to a letter that was replaced.",
                hint="Follow up the commitment from the newer letter instead.",
            )
        if row.status == "open":
            return _to_commitment(
                row, _notes_by_commitment(session, [row.id]).get(row.id, [])
            ), False
        session.add(
            CommitmentNoteRow(
                commitment_id=row.id,
                note=f"Reopened: {note}" if note else "Reopened.",
                marks_done=False,
            )
        )
        row.status = "open"
        session.flush()
        return _to_commitment(row, _notes_by_commitment(session, [row.id]).get(row.id, [])), True


def _not_found(commitment_id: int) -> DrafterError:
    return DrafterError(
        f"There is no commitment {commitment_id}.",
        hint="Run 'drafter commitments' to see their numbers.",
    )


def _notes_by_commitment(session, ids: Iterable[int]) -> dict[int, list[CommitmentNote]]:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from drafter.library.database import CommitmentNoteRow

    ids = list(ids)
    notes: dict[int, list[CommitmentNote]] = {}
    if not ids:
        return notes
    rows = session.scalars(
        select(CommitmentNoteRow)
        .where(CommitmentNoteRow.commitment_id.in_(ids))
        .order_by(CommitmentNoteRow.id)
    )
    for row in rows:
        notes.setdefault(row.commitment_id, []).append(
            CommitmentNote(created_at=row.created_at, note=row.note, marks_done=row.marks_done)
        )
    return notes


def _to_commitment(row, notes: list[CommitmentNote]) -> Commitment:  # type: ignore[no-untyped-def]
    return Commitment(
        id=row.id,
        letter_id=row.letter_id,
        unit=row.unit,
        text=row.text,
        recommendation=row.recommendation,
        due_date=row.due_date,
        due_text=row.due_text,
        status=row.status,
        action_id=row.action_id,
        notes=notes,
    )


COMMITMENT_CSV_FIELDS = (
    "id",
    "letter_id",
    "unit",
    "due_date",
    "due_text",
    "status",
    "overdue",
    "text",
    "recommendation",
    "latest_note",
)


def commitments_csv(commitments: list[Commitment], today: date | None = None) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COMMITMENT_CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for item in commitments:
        data = item.to_dict(today)
        data["latest_note"] = item.notes[-1].note if item.notes else ""
        writer.writerow({k: data.get(k) for k in COMMITMENT_CSV_FIELDS})
    return out.getvalue()
