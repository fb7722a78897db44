"""Importing and exporting library actions: CSV, JSON, JSONL and YAML.

Every row is checked before anything is written. Problems are reported with
their row numbers (for CSV the spreadsheet row, counting the header as row 1;
for JSONL the line; for JSON and YAML the item's position) and, unless the
caller asks to skip invalid rows, nothing is imported. The import is one
transaction, and rows already in the library (same fingerprint) are skipped,
so importing the same file twice adds nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from sqlalchemy import select

from .db import ActionRow
from .errors import InputFileError, LibraryError
from .fileio import atomic_write_text, read_input_bytes
from .model import LibraryAction

if TYPE_CHECKING:
    from .library import Library

FORMATS = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}
FORMATS.update({".yaml": "yaml", ".yml": "yaml"})
KNOWN_KEYS = ("id", "action", "recommendation", "unit", "region", "date", "owner", "due", "tags")
#: Also understood, so that an export can be imported again unchanged.
STATUS_KEY = "status"
#: Import files may be large exports of a team's library; refuse absurd sizes.
MAX_IMPORT_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class ImportRecord:
    """One valid row, ready to store."""

    row: int
    external_id: str | None
    action: str
    recommendation: str | None
    unit: str | None
    region: str | None
    committed_on: date | None
    owner: str | None
    due: str | None
    tags: tuple[str, ...]
    extra: dict[str, Any]
    status: str = "active"


@dataclass(frozen=True)
class RowProblem:
    row: int
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


@dataclass
class ImportResult:
    added: int = 0
    already_present: int = 0
    invalid: list[RowProblem] = field(default_factory=list)

    @property
    def skipped_invalid(self) -> int:
        return len(self.invalid)


def file_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputFileError(
            f"drafter cannot tell the format of '{Path(path).name}'.",
            hint="Use a file ending in .csv, .json, .jsonl or .yaml.",
        )
    return FORMATS[suffix]


def read_rows(path: str | Path) -> list[tuple[int, Any]]:
    """The raw rows of an import file with their row numbers."""
    fmt = file_format(path)
    data = read_input_bytes(path, MAX_IMPORT_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"'{Path(path).name}' is not UTF-8 text.", hint="Save it as UTF-8 and try again."
        ) from exc
    name = Path(path).name
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text, newline=""))
        if not reader.fieldnames or "action" not in [h.strip() for h in reader.fieldnames]:
            raise InputFileError(
                f"'{name}' has no 'action' column.",
                hint="The first row must name the columns, e.g. id,action,recommendation,unit.",
            )
        # Row 1 is the header, as a spreadsheet shows it.
        return [(reader.line_num, row) for row in _csv_rows(reader)]
    if fmt == "jsonl":
        rows = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rows.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                rows.append((number, _Unreadable(f"not valid JSON ({exc.msg})")))
        return rows
    try:
        loaded = json.loads(text) if fmt == "json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InputFileError(
            f"'{name}' is not valid {fmt.upper()}: {str(exc).splitlines()[0]}",
            hint="Check the file in a text editor.",
        ) from exc
    if isinstance(loaded, dict) and isinstance(loaded.get("actions"), list):
        loaded = loaded["actions"]
    if not isinstance(loaded, list):
        raise InputFileError(
            f"'{name}' does not hold a list of actions.",
            hint="Use a list of objects, or an object with an 'actions' list.",
        )
    return list(enumerate(loaded, start=1))


def _csv_rows(reader: csv.DictReader) -> Iterable[dict[str, Any]]:
    for row in reader:
        if row is None or not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        yield {(k or "").strip(): v for k, v in row.items() if k is not None}


@dataclass(frozen=True)
class _Unreadable:
    reason: str


def validate_row(number: int, raw: Any) -> ImportRecord | RowProblem:
    """Check one raw row; return the record, or the first problem found."""
    if isinstance(raw, _Unreadable):
        return RowProblem(number, raw.reason)
    if not isinstance(raw, dict):
        return RowProblem(number, "is not a set of named fields (an object)")
    values = {str(k).strip().lower(): v for k, v in raw.items()}
    action = _text(values.get("action"))
    if not action:
        return RowProblem(number, "'action' is empty")
    committed_on: date | None = None
    raw_date = values.get("date")
    if isinstance(raw_date, datetime):
        committed_on = raw_date.date()
    elif isinstance(raw_date, date):
        committed_on = raw_date
    elif _text(raw_date):
        # Spreadsheets save dates the UK way ("31/12/2024"), not only as ISO.
        from .dates import read_date

        committed_on = read_date(_text(raw_date) or "")
        if committed_on is None:
            return RowProblem(number, f"date '{_text(raw_date)}' is not a date (use YYYY-MM-DD)")
    tags_value = values.get("tags")
    if tags_value is None or tags_value == "":
        tags: tuple[str, ...] = ()
    elif isinstance(tags_value, str):
        tags = tuple(t.strip() for t in tags_value.split(";") if t.strip())
    elif isinstance(tags_value, list) and all(isinstance(t, str | int) for t in tags_value):
        tags = tuple(str(t).strip() for t in tags_value if str(t).strip())
    else:
        return RowProblem(number, "'tags' must be a list or ';'-separated text")
    for key in ("recommendation", "unit", "region", "owner", "due", "id"):
        value = values.get(key)
        if value is not None and not isinstance(value, str | int | float | date):
            return RowProblem(number, f"'{key}' must be text")
    status = (_text(values.get(STATUS_KEY)) or "active").lower()
    if status not in ("active", "superseded", "retired"):
        return RowProblem(number, f"status '{status}' must be active, superseded or retired")
    extra = {k: v for k, v in values.items() if k not in KNOWN_KEYS and k != STATUS_KEY}
    return ImportRecord(
        row=number,
        external_id=_text(values.get("id")),
        action=action,
        recommendation=_text(values.get("recommendation")),
        unit=_text(values.get("unit")),
        region=_text(values.get("region")),
        committed_on=committed_on,
        owner=_text(values.get("owner")),
        due=_text(values.get("due")),
        tags=tags,
        extra=json.loads(json.dumps(extra, default=str)),
        status=status,
    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = " ".join(str(value).split())
    return text or None


def import_actions(
    library: Library,
    path: str | Path,
    *,
    skip_invalid: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Validate every row of ``path`` and import the valid ones in one transaction.

    Raises :class:`LibraryError` listing the invalid rows (and imports nothing)
    unless ``skip_invalid``. ``progress(done, total)`` is called as rows are stored.
    """
    rows = read_rows(path)
    if not rows:
        raise InputFileError(f"'{Path(path).name}' holds no actions.")
    records: list[ImportRecord] = []
    problems: list[RowProblem] = []
    for number, raw in rows:
        checked = validate_row(number, raw)
        (problems if isinstance(checked, RowProblem) else records).append(checked)  # type: ignore[arg-type]
    if problems and not skip_invalid:
        shown = "; ".join(str(p) for p in problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise LibraryError(
            f"Nothing was imported: {len(problems)} invalid row(s) in "
            f"'{Path(path).name}': {shown}{more}.",
            hint="Correct them, or use --skip-invalid to import the valid rows only.",
        )
    result = import_records(
        library, records, source_kind="import", source_ref=Path(path).name, progress=progress
    )
    result.invalid = problems
    return result


def import_records(
    library: Library,
    records: Iterable[ImportRecord],
    *,
    source_kind: str,
    source_ref: str | None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Store already-validated records in one transaction, skipping duplicates."""
    from .library import action_fingerprint

    records = list(records)
    result = ImportResult()
    with library.db.session() as session:
        known = set(session.scalars(select(ActionRow.fingerprint)))
        for record in records:
            fingerprint = action_fingerprint(
                record.action, record.recommendation, record.unit, record.committed_on
            )
            if fingerprint in known:
                result.already_present += 1
            else:
                known.add(fingerprint)
                session.add(
                    ActionRow(
                        external_id=record.external_id,
                        text=record.action,
                        recommendation=record.recommendation,
                        unit=record.unit,
                        region=record.region,
                        committed_on=record.committed_on,
                        owner=record.owner,
                        due=record.due,
                        tags=list(record.tags),
                        source_kind=source_kind,
                        source_ref=source_ref,
                        extra=record.extra,
                        status=record.status,
                        fingerprint=fingerprint,
                    )
                )
                result.added += 1
            done = result.added + result.already_present
            if done % 500 == 0:
                session.flush()
                if progress:
                    progress(done, len(records))
        session.flush()
        if progress:
            progress(len(records), len(records))
    return result


def read_starter_records() -> list[ImportRecord]:
    """The starter library shipped inside the package."""
    text = (
        resources.files("drafter").joinpath("data/starter_library.yaml").read_text(encoding="utf-8")
    )
    loaded = yaml.safe_load(text)
    records = []
    for number, raw in enumerate(loaded["actions"], start=1):
        checked = validate_row(number, raw)
        if isinstance(checked, RowProblem):  # a packaging bug, not the user's
            raise AssertionError(f"starter library {checked}")
        records.append(checked)
    return records


def action_to_record(action: LibraryAction) -> dict[str, Any]:
    """An action in the import file shape, so an export can be imported again."""
    record: dict[str, Any] = {
        "id": action.external_id or str(action.id),
        "action": action.text,
        "recommendation": action.recommendation,
        "unit": action.unit,
        "region": action.region,
        "date": action.committed_on.isoformat() if action.committed_on else None,
        "owner": action.owner,
        "due": action.due,
        "tags": list(action.tags),
    }
    for key, value in action.extra.items():
        record.setdefault(key, value)
    record["status"] = action.status
    return record


def export_actions(actions: list[LibraryAction], path: str | Path, *, force: bool = False) -> Path:
    """Write ``actions`` to ``path`` (format from its extension), atomically."""
    fmt = file_format(path)
    records = [action_to_record(a) for a in actions]
    if fmt == "csv":
        columns = list(KNOWN_KEYS) + ["status"]
        for record in records:
            columns += [k for k in record if k not in columns]
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for record in records:
            flat = dict(record)
            flat["tags"] = ";".join(record["tags"])
            for key, value in flat.items():
                if isinstance(value, list | dict):
                    flat[key] = json.dumps(value, ensure_ascii=False)
            writer.writerow({k: ("" if v is None else v) for k, v in flat.items()})
        content = buffer.getvalue()
    elif fmt == "jsonl":
        content = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    elif fmt == "json":
        content = json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    else:
        content = yaml.safe_dump({"actions": records}, allow_unicode=True, sort_keys=False)
    atomic_write_text(path, content, force=force)
    return Path(path)
