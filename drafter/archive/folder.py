"""Archiving a whole folder of past letters in one step.

A region's past correspondence sits on a shared drive: letters as .docx, .pdf
and .txt, action plans as Word tables, and beside them the inspection reports
and meeting minutes they answered. :func:`archive_folder` goes through the
folder and its subfolders, archives every response letter and action plan,
and says what happened to each file: archived, already archived, not a
response letter (and why), refused (and why) or failed (and why).

One bad file never stops the rest. Every letter is archived in its own
transaction, so a run that is stopped keeps what it finished, and running it
again skips what is already archived (the same file, or the same letter in
another file) and carries on with the rest. Letters are archived oldest first,
so that a unit's later letter replaces its earlier one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from drafter.archive.commitments import database_of, unit_key
from drafter.archive.sent_letter import MAX_LETTER_BYTES, SentLetter, read_sent_letter_bytes
from drafter.archive.store import (
    SupersedeDecisionNeeded,
    _archive_read_letter,
    _json_ready,
    refusals,
)
from drafter.core.errors import DatabaseError, DrafterError, NotALetterError
from drafter.core.fileio import read_input_bytes, sha256_bytes
from drafter.core.textmatch import normalise

#: The files a folder run reads; anything else in the folder is left alone.
LETTER_SUFFIXES = (".docx", ".pdf", ".txt")
#: What happened to each file, in the order the summary lists them.
OUTCOMES = ("archived", "already archived", "not a letter", "refused", "failed")


@dataclass
class FolderEntry:
    """One file of the folder and what happened to it."""

    path: Path
    outcome: str  # one of OUTCOMES
    reason: str | None = None
    letter_id: int | None = None
    unit: str | None = None
    letter_date: date | None = None
    actions: int = 0
    superseded_id: int | None = None
    #: With ``force``: the refusals it was archived despite.
    forced: list[str] = field(default_factory=list)

    def to_dict(self, folder: Path) -> dict[str, Any]:
        return _json_ready(
            {
                "file": _relative(self.path, folder),
                "outcome": self.outcome,
                "reason": self.reason,
                "letter_id": self.letter_id,
                "unit": self.unit,
                "letter_date": self.letter_date,
                "actions": self.actions,
                "superseded_id": self.superseded_id,
                "forced": self.forced,
            }
        )


@dataclass
class FolderResult:
    """What :func:`archive_folder` did (or, with ``dry_run``, would do)."""

    folder: Path
    dry_run: bool
    entries: list[FolderEntry]
    #: Files in the folder that are not .docx, .pdf or .txt, left alone.
    ignored: int = 0

    def counts(self) -> dict[str, int]:
        return {
            outcome: sum(1 for e in self.entries if e.outcome == outcome) for outcome in OUTCOMES
        }

    @property
    def failed(self) -> bool:
        return any(e.outcome == "failed" for e in self.entries)

    def to_dict(self) -> dict[str, Any]:
        return {
            "folder": str(self.folder),
            "dry_run": self.dry_run,
            "counts": self.counts(),
            "ignored": self.ignored,
            "files": [e.to_dict(self.folder) for e in self.entries],
        }


def _relative(path: Path, folder: Path) -> str:
    try:
        return str(path.relative_to(folder))
    except ValueError:
        return str(path)


def letter_files(folder: str | Path) -> tuple[list[Path], int]:
    """The .docx, .pdf and .txt files under ``folder`` (not following links to
    other folders, skipping hidden files and Word's "~$" lock files), sorted;
    and how many other files were left alone."""
    root = Path(folder)
    if not root.exists():
        raise DrafterError(f"Cannot find the folder '{root}'.", hint="Check the path.")
    if not root.is_dir():
        raise DrafterError(f"'{root}' is not a folder.")
    found: list[Path] = []
    ignored = 0
    for current, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if name.startswith((".", "~$")):
                continue
            path = Path(current) / name
            if path.suffix.lower() in LETTER_SUFFIXES and not path.is_symlink():
                found.append(path)
            else:
                ignored += 1
    return sorted(found, key=lambda p: _relative(p, root).lower()), ignored


@dataclass
class _Read:
    path: Path
    letter: SentLetter
    forced: list[str]


def archive_folder(
    folder: str | Path,
    library: Any,
    *,
    dry_run: bool = False,
    force: bool = False,
    supersede: bool | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> FolderResult:
    """Archive every response letter under ``folder`` (see the module's docstring).

    ``supersede`` None (the default) lets a unit's later letter replace its
    earlier one and keeps an earlier one beside a later; True or False decide
    for every letter. ``force`` archives letters that would be refused
    (placeholders left, not a response letter). ``dry_run`` reads everything
    and stores nothing. ``progress(done, total)`` is called as files are read
    and stored (total is twice the number of files).
    """
    root = Path(folder)
    if root.is_file():  # one letter (a dry run of it)
        paths, ignored, root = [root], 0, root.parent
    else:
        paths, ignored = letter_files(root)
    total = 2 * len(paths)
    done = 0

    def step(count: int = 1) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done, total)

    entries: dict[Path, FolderEntry] = {}
    readable: list[_Read] = []
    for path in paths:
        try:
            data = read_input_bytes(path, MAX_LETTER_BYTES)
            letter = read_sent_letter_bytes(data, name=path.name)
        except NotALetterError as exc:
            entries[path] = FolderEntry(path, "not a letter", _reason(exc))
        except DrafterError as exc:
            entries[path] = FolderEntry(path, "failed", _reason(exc))
        except Exception as exc:  # a bug reading one odd file must not stop the run
            entries[path] = FolderEntry(
                path, "failed", f"drafter could not read it ({type(exc).__name__}: {exc})"
            )
        else:
            found = refusals(letter)
            kinds = {kind for kind, _ in found}
            if found and not force and not _already_stored(library, letter.sha256):
                outcome = "not a letter" if "not a letter" in kinds else "refused"
                reasons = [
                    letter.document.reason if kind == "not a letter" else text
                    for kind, text in found
                ]
                entries[path] = FolderEntry(
                    path,
                    outcome,
                    "; ".join(reasons),
                    unit=letter.unit,
                    letter_date=letter.letter_date,
                )
            else:
                readable.append(_Read(path, letter, [text for _, text in found]))
        step()
    step(len(paths) - len(readable))

    # Oldest first, so that a unit's later letter replaces its earlier one.
    readable.sort(key=lambda r: (r.letter.letter_date or date.min, _relative(r.path, root)))
    if dry_run:
        for item in readable:
            entries[item.path] = _would(item, library)
            step()
        _dry_run_duplicates(readable, entries)
    else:
        for item in readable:
            entries[item.path] = _archive_one(item, library, supersede, force)
            step()
    return FolderResult(root, dry_run, [entries[p] for p in paths], ignored)


def _reason(exc: DrafterError) -> str:
    """The error's sentence without the file's name, which the summary shows."""
    message = exc.message
    if message.startswith("'"):
        end = message.find("' ", 1)
        if end > 0:
            message = "it" + message[end + 1 :]
    return message.rstrip(".")


def _archive_one(item: _Read, library: Any, supersede: bool | None, force: bool) -> FolderEntry:
    path, letter = item.path, item.letter
    try:
        data = read_input_bytes(path, MAX_LETTER_BYTES)
        if sha256_bytes(data) != letter.sha256:
            return FolderEntry(path, "failed", "it changed while the folder was being archived")
        options = dict(report=None, review=None, sent_date=None, again=False, force=force)
        try:
            result = _archive_read_letter(data, letter, library, supersede=supersede, **options)
        except SupersedeDecisionNeeded as question:
            newer = (
                letter.letter_date is not None
                and question.existing_date is not None
                and letter.letter_date > question.existing_date
            )
            result = _archive_read_letter(data, letter, library, supersede=newer, **options)
    except DatabaseError:
        raise  # the database, not this file: every other file would fail the same way
    except DrafterError as exc:
        return FolderEntry(path, "failed", _reason(exc), unit=letter.unit)
    except Exception as exc:  # one odd file must not stop the run
        return FolderEntry(
            path, "failed", f"drafter could not archive it ({type(exc).__name__}: {exc})"
        )
    archived = result.letter
    if not result.created:
        where = f"as letter {archived.id}"
        if result.same_letter:
            where = f"the same letter as letter {archived.id} ({archived.file_name})"
        return FolderEntry(
            path,
            "already archived",
            where,
            letter_id=archived.id,
            unit=archived.unit,
            letter_date=archived.letter_date,
            actions=len(archived.actions),
        )
    return FolderEntry(
        path,
        "archived",
        None,
        letter_id=archived.id,
        unit=archived.unit,
        letter_date=archived.letter_date,
        actions=len(archived.actions),
        superseded_id=result.superseded_id,
        forced=result.forced,
    )


def _already_stored(library: Any, sha256: str) -> bool:
    from sqlalchemy import select

    from drafter.library.database import LetterRow

    with database_of(library).session() as session:
        return session.scalar(select(LetterRow.id).where(LetterRow.sha256 == sha256)) is not None


def _would(item: _Read, library: Any) -> FolderEntry:
    """What archiving would do, without writing anything."""
    from sqlalchemy import select

    from drafter.archive.store import _same_letter_archived
    from drafter.library.database import LetterRow

    letter = item.letter
    with database_of(library).session() as session:
        row = session.scalar(select(LetterRow).where(LetterRow.sha256 == letter.sha256))
        if row is None:
            row = _same_letter_archived(session, letter)
            where = f"the same letter as letter {row.id}" if row is not None else None
        else:
            where = f"as letter {row.id}"
        if row is not None:
            return FolderEntry(
                item.path,
                "already archived",
                where,
                letter_id=row.id,
                unit=row.unit,
                letter_date=row.letter_date,
                actions=len(letter.actions),
            )
    return FolderEntry(
        item.path,
        "archived",
        None,
        unit=letter.unit,
        letter_date=letter.letter_date,
        actions=len(letter.actions),
        forced=item.forced,
    )


def _dry_run_duplicates(readable: list[_Read], entries: dict[Path, FolderEntry]) -> None:
    """Within the folder itself, a second copy of a file or of a letter would
    be found already archived by the time its turn came."""
    seen: dict[object, Path] = {}
    for item in readable:
        entry = entries[item.path]
        if entry.outcome != "archived":
            continue
        letter = item.letter
        keys: list[object] = [letter.sha256]
        if letter.unit and letter.actions:
            keys.append(
                (
                    unit_key(letter.unit),
                    letter.letter_date,
                    tuple(sorted(normalise(a.text) for a in letter.actions)),
                )
            )
        first = next((seen[k] for k in keys if k in seen), None)
        if first is not None:
            entry.outcome = "already archived"
            entry.reason = f"the same letter as {first.name}"
            continue
        for key in keys:
            seen[key] = item.path
