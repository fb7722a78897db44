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
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from sqlalchemy import select

from drafter.core.errors import InputFileError, LibraryError
from drafter.core.fileio import atomic_write_text, read_input_bytes
from drafter.core.guarded import load_json, load_yaml
from drafter.core.model import LibraryAction
from drafter.core.packaged import packaged_yaml
from drafter.core.wording import counted
from drafter.library.database import ActionRow

if TYPE_CHECKING:
    from drafter.library.store import Library

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

    def to_dict(self) -> dict[str, Any]:
        """The ``library import --json`` shape."""
        return {
            "added": self.added,
            "already_present": self.already_present,
            "invalid": [{"row": p.row, "problem": p.message} for p in self.invalid],
        }


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
        try:
            if not reader.fieldnames or "action" not in [h.strip() for h in reader.fieldnames]:
                raise InputFileError(
                    f"'{name}' has no 'action' column.",
                    hint="The first row must name the columns, e.g. id,action,recommendation,unit.",
                )
            # Row 1 is the header, as a spreadsheet shows it.
            return [(reader.line_num, row) for row in _csv_rows(reader)]
        except csv.Error as exc:
            raise InputFileError(
                # line_num counts the lines of rows read whole; the bad one is next.
                f"'{name}' is not a readable CSV file at row {reader.line_num + 1}: "
                f"{csv_problem(exc)}.",
                hint="Save it again from your spreadsheet as CSV (UTF-8) and import again.",
            ) from exc
    if fmt == "jsonl":
        rows = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rows.append((number, load_json(line, name=f"'{name}', line {number},")))
            except json.JSONDecodeError as exc:
                rows.append(
                    (
                        number,
                        _Unreadable(f"not valid JSON at column {exc.colno}: {json_problem(exc)}"),
                    )
                )
        return rows
    try:
        # Aliases, deep nesting, absurd numbers and impossible dates are
        # refused with one sentence before they can use up time or memory.
        loaded = (
            load_json(text, name=f"'{name}'")
            if fmt == "json"
            else load_yaml(text, name=f"'{name}'", error=InputFileError)
        )
    except json.JSONDecodeError as exc:
        raise InputFileError(
            f"'{name}' is not valid JSON at line {exc.lineno}, column {exc.colno}: "
            f"{json_problem(exc)}.",
            hint="Correct it in a text editor and import again.",
        ) from exc
    except yaml.YAMLError as exc:
        raise InputFileError(
            f"'{name}' is not valid YAML{_yaml_where(exc)}: {yaml_problem(exc)}.",
            hint="Correct it in a text editor and import again.",
        ) from exc
    if isinstance(loaded, dict) and isinstance(loaded.get("actions"), list):
        loaded = loaded["actions"]
    if not isinstance(loaded, list):
        raise InputFileError(
            f"'{name}' does not hold a list of actions.",
            hint="Use a list of objects, or an object with an 'actions' list.",
        )
    return list(enumerate(loaded, start=1))


# Parser messages in plain words. The parsers' own wording ("while parsing a
# flow node", "Expecting ',' delimiter") means nothing to most users.
_JSON_PROBLEMS = (
    ("Expecting ',' delimiter", "a comma is missing between two items"),
    (
        "Expecting property name enclosed in double quotes",
        "a field name is not in double quotes, or there is a comma after the last item",
    ),
    ("Expecting ':' delimiter", "a colon is missing after a field name"),
    ("Expecting value", "a value is missing, or text is not in double quotes"),
    ("Unterminated string", "a quotation mark is never closed"),
    ("Invalid control character", "a line break or tab is inside quoted text"),
    ("Invalid \\escape", "a backslash is not followed by a valid escape; write \\\\ for one"),
    ("Extra data", "there is more after the end; put all the actions in one list [ ... ]"),
)

_YAML_PROBLEMS = (
    (
        "mapping values are not allowed",
        "a colon and space inside a value; put the value in quotes",
    ),
    ("cannot start any token", "a character that cannot start a value (a tab?); use spaces"),
    (
        "could not find expected ':'",
        "a line is missing the colon between a field name and its value",
    ),
    ("expected <block end>", "the indentation does not line up with the lines above"),
    ("did not find expected key", "the indentation does not line up with the lines above"),
    ("did not find expected '-' indicator", "a list item does not line up with the ones above"),
    ("found unexpected end of stream", "a quotation mark or bracket is never closed"),
    ("found unexpected ':'", "a colon is out of place; put that value in quotes"),
    ("expected ',' or ']'", "a square bracket list is not closed, or a comma is missing"),
    ("expected ',' or '}'", "a curly bracket is not closed, or a comma is missing"),
    ("expected the node content", "a bracket, comma or quote is out of place"),
    ("found undefined alias", "a '*' starts a value; put that value in quotes"),
    (
        "found character that cannot start",
        "a value starts with a character YAML reserves (@ or `); quote it",
    ),
)


def json_problem(exc: json.JSONDecodeError) -> str:
    """What is wrong, in plain words (no full stop)."""
    for start, plain in _JSON_PROBLEMS:
        if exc.msg.startswith(start):
            return plain
    return exc.msg[:1].lower() + exc.msg[1:]


def yaml_problem(exc: yaml.YAMLError) -> str:
    """What is wrong with a YAML file, in plain words (no full stop)."""
    said = " ".join(
        str(part) for part in (getattr(exc, "context", None), getattr(exc, "problem", None)) if part
    )
    for fragment, plain in _YAML_PROBLEMS:
        if fragment in said:
            return plain
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return " ".join(str(problem).split()).rstrip(".")


def _yaml_where(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is None:
        return ""
    return f" at line {mark.line + 1}, column {mark.column + 1}"


def csv_problem(exc: csv.Error) -> str:
    said = str(exc)
    if "NUL" in said:
        return "it holds NUL characters, so it is probably not a CSV file"
    if "field larger than field limit" in said:
        return "a cell is far too long, usually a quotation mark that is never closed"
    if "new-line character seen in unquoted field" in said:
        return "a line break is inside a cell that is not in quotes"
    return said.rstrip(".")


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
        from drafter.core.dates import read_date

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
            f"Nothing was imported: {counted(len(problems), 'invalid row')} in "
            f"'{Path(path).name}': {shown}{more}.",
            hint=f"Correct {'it' if len(problems) == 1 else 'them'}, "
            "or use --skip-invalid to import the valid rows only.",
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
    from drafter.library.keys import action_fingerprint

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
                session.add(_action_row(record, fingerprint, source_kind, source_ref))
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


@dataclass(frozen=True)
class StarterUpdate:
    """What ``drafter library init --update`` did to drafter's starter actions."""

    added: int  # shipped now and new to the library
    already_there: int  # shipped now and already in the library (any status)
    retired: int  # starter actions of an earlier version, no longer suggested


def update_starter(library: Library, *, source_ref: str, dry_run: bool = False) -> StarterUpdate:
    """Bring the library's starter actions up to date with this version of
    drafter, in one transaction: add the starter actions shipped now that the
    library lacks, and retire (keep for the record, stop suggesting) active
    starter actions this version no longer ships. Actions from anywhere else,
    and starter actions someone retired or reinstated, keep their status.
    With ``dry_run`` nothing is written."""
    from drafter.library.keys import action_fingerprint

    records = read_starter_records()
    shipped = {
        action_fingerprint(r.action, r.recommendation, r.unit, r.committed_on): r for r in records
    }
    with library.db.session() as session:
        known = set(session.scalars(select(ActionRow.fingerprint)))
        new = {f: r for f, r in shipped.items() if f not in known}
        stale = [
            row
            for row in session.scalars(
                select(ActionRow).where(
                    ActionRow.source_kind == "starter", ActionRow.status == "active"
                )
            )
            if row.fingerprint not in shipped
        ]
        if not dry_run:
            for row in stale:
                row.status = "retired"
            for fingerprint, record in new.items():
                session.add(_action_row(record, fingerprint, "starter", source_ref))
            session.flush()
    return StarterUpdate(added=len(new), already_there=len(shipped) - len(new), retired=len(stale))


def _action_row(
    record: ImportRecord, fingerprint: str, source_kind: str, source_ref: str | None
) -> ActionRow:
    return ActionRow(
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


def read_starter_records() -> list[ImportRecord]:
    """The starter library shipped inside the package."""
    loaded = packaged_yaml("data/starter_library.yaml")
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


def action_to_json(action: LibraryAction) -> dict[str, Any]:
    """An action as ``library list/search/show --json`` print it: the import
    shape plus the library's own number, import id and source."""
    record = action_to_record(action)
    record["id"] = action.id
    record["external_id"] = action.external_id
    record["source"] = action.source_label
    record["source_kind"] = action.source_kind
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
