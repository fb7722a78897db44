"""What the web pages share: the library, the settings, and the files uploaded
into the data folder.

Uploads are kept under generated names (``<16 hex digits><suffix>``) with a
small JSON record beside each naming the original file. A page names an
upload by its generated id only; the id is looked up among the files actually
there, so nothing a request says is ever joined to a path. Reports are read
with :func:`drafter.reading.reader.read_report` (the same safe reader as the
command line) and kept in memory once read.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from drafter.core.errors import DrafterError, InputFileError
from drafter.core.model import RecommendationMatch, Report

REPORT_SUFFIXES = (".html", ".htm", ".pdf", ".docx", ".txt", ".md")
LETTER_SUFFIXES = (".docx", ".pdf", ".txt")
IMPORT_SUFFIXES = (".csv", ".json", ".jsonl", ".yaml", ".yml")
_ID = re.compile(r"[0-9a-f]{16}")
#: Candidates fetched per recommendation, so "weaker suggestions" has some.
CANDIDATES_FETCHED = 12


def default_data_dir() -> Path:
    """drafter's user data folder (beside its default database)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("drafter", appauthor=False)) / "web"


@dataclass
class Upload:
    """A file uploaded through a page, stored under a generated name."""

    id: str
    path: Path
    original_name: str
    uploaded_at: str
    extra: dict[str, Any]


class UploadFolder:
    """One kind of upload (reports, sent letters, import files) in one folder."""

    def __init__(self, folder: Path, suffixes: tuple[str, ...]) -> None:
        self.folder = folder
        self.suffixes = suffixes

    def save(self, data: bytes, original_name: str, **extra: Any) -> Upload:
        from drafter.core.fileio import atomic_write_bytes, atomic_write_text

        if not data:
            raise InputFileError(f"The file '{original_name}' is empty.")
        self.folder.mkdir(parents=True, exist_ok=True)
        suffix = Path(original_name).suffix.lower()
        suffix = suffix if suffix in self.suffixes else ""
        upload_id = secrets.token_hex(8)
        path = self.folder / f"{upload_id}{suffix}"
        atomic_write_bytes(path, data)
        record = {
            "original_name": _printable(Path(original_name).name) or "upload",
            "uploaded_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "file": path.name,
            **extra,
        }
        atomic_write_text(self.folder / f"{upload_id}.json", json.dumps(record, indent=1))
        return self._upload(upload_id, record)

    def update(self, upload: Upload, **extra: Any) -> None:
        from drafter.core.fileio import atomic_write_text

        record = {
            "original_name": upload.original_name,
            "uploaded_at": upload.uploaded_at,
            "file": upload.path.name,
            **upload.extra,
            **extra,
        }
        upload.extra.update(extra)
        atomic_write_text(
            self.folder / f"{upload.id}.json", json.dumps(record, indent=1), force=True
        )

    def _upload(self, upload_id: str, record: dict[str, Any]) -> Upload:
        extra = {
            k: v for k, v in record.items() if k not in ("original_name", "uploaded_at", "file")
        }
        return Upload(
            upload_id,
            self.folder / record["file"],
            record["original_name"],
            record["uploaded_at"],
            extra,
        )

    def all(self) -> list[Upload]:
        """Every upload, newest first."""
        found = []
        if not self.folder.is_dir():
            return found
        for meta in self.folder.glob("*.json"):
            if not _ID.fullmatch(meta.stem):
                continue
            try:
                record = json.loads(meta.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            name = record.get("file")
            if not isinstance(name, str) or Path(name).name != name:
                continue
            upload = self._upload(meta.stem, record)
            if upload.path.is_file():
                found.append(upload)
        found.sort(key=lambda u: u.uploaded_at, reverse=True)
        return found

    def get(self, upload_id: str) -> Upload | None:
        """The upload with this id, or None (the id is compared, never used as a path)."""
        return next((u for u in self.all() if u.id == upload_id), None)

    def remove(self, upload: Upload) -> None:
        for path in (upload.path, self.folder / f"{upload.id}.json"):
            path.unlink(missing_ok=True)


def _printable(text: str) -> str:
    return "".join(c for c in " ".join(text.split()) if c.isprintable())[:200]


def friendly(error: DrafterError, upload: Upload) -> str:
    """A reader's message with the generated file name replaced by the user's."""
    text = str(error).replace(str(upload.path), upload.original_name)
    return " ".join(text.replace(upload.path.name, upload.original_name).split())


class WebState:
    """The library, settings and uploads behind every page of one server."""

    def __init__(
        self,
        data_dir: Path,
        *,
        db_url: str | None = None,
        config_path: str | os.PathLike[str] | None = None,
        max_upload_bytes: int = 50 * 1024 * 1024,
    ) -> None:
        self.data_dir = data_dir
        self.db_url = db_url
        self.config_path = config_path
        self.max_upload_bytes = max_upload_bytes
        self.reports = UploadFolder(data_dir / "reports", REPORT_SUFFIXES)
        self.letters = UploadFolder(data_dir / "letters", LETTER_SUFFIXES)
        self.imports = UploadFolder(data_dir / "imports", IMPORT_SUFFIXES)
        self.lock = threading.RLock()
        self._library: Any = None
        self._reports: dict[str, Report] = {}
        self._matches: dict[str, list[RecommendationMatch]] = {}
        self._previews: dict[tuple, Any] = {}
        self._reviews: dict[str, tuple[tuple[int, int], Any]] = {}

    # --- the library --------------------------------------------------------

    @property
    def library(self) -> Any:
        from drafter.library.store import Library

        with self.lock:
            if self._library is None:
                library = Library(self.db_url)
                # A fresh default database gets the starter library, as on the command line.
                library.ensure_usable(allow_empty=True)
                self._library = library
            return self._library

    def library_changed(self) -> None:
        """Suggestions may differ now: forget the matches and previews kept."""
        with self.lock:
            self._matches.clear()
            self._previews.clear()

    # --- settings -----------------------------------------------------------

    def config(self) -> Any:
        """The settings; none yet (the pages will write the file) means defaults."""
        from drafter.letter.settings import Config, load_config

        path = self.config_file()
        return load_config(path) if path.exists() else Config()

    def config_file(self) -> Path:
        from drafter.letter.settings import resolve_config_path

        return resolve_config_path(self.config_path)

    @property
    def letterhead(self) -> Path | None:
        path = self.data_dir / "letterhead.docx"
        return path if path.is_file() else None

    # --- reports ------------------------------------------------------------

    def add_report(self, data: bytes, original_name: str) -> Upload:
        """Store an uploaded report and read it; a file that cannot be read is
        not kept and its reader's message is raised (naming the user's file)."""
        from drafter.reading.reader import read_report

        with self.lock:
            upload = self.reports.save(data, original_name)
            try:
                report = read_report(upload.path, max_bytes=self.max_upload_bytes)
            except DrafterError as exc:
                self.reports.remove(upload)
                raise InputFileError(friendly(exc, upload)) from None
            self.reports.update(upload, unit=report.unit)
            self._reports[upload.id] = report
            return upload

    def report(self, upload: Upload) -> Report:
        from drafter.reading.reader import read_report

        with self.lock:
            if upload.id not in self._reports:
                try:
                    self._reports[upload.id] = read_report(
                        upload.path, max_bytes=self.max_upload_bytes
                    )
                except DrafterError as exc:
                    raise InputFileError(friendly(exc, upload)) from None
            return self._reports[upload.id]

    def remove_report(self, upload: Upload) -> None:
        with self.lock:
            self.reports.remove(upload)
            self.review_path(upload).unlink(missing_ok=True)
            self._reports.pop(upload.id, None)
            self._matches.pop(upload.id, None)
            self._reviews.pop(upload.id, None)

    def review_path(self, upload: Upload) -> Path:
        """The review file beside the report, where ``drafter review`` keeps it."""
        from drafter.review.file import default_review_path

        return default_review_path(upload.path)

    def matches(self, upload: Upload) -> list[RecommendationMatch]:
        from drafter.matching.matcher import match_report_with_weaker

        with self.lock:
            if upload.id not in self._matches:
                self._matches[upload.id] = match_report_with_weaker(
                    self.report(upload), self.library, top=CANDIDATES_FETCHED
                )
            return self._matches[upload.id]

    def review(self, upload: Upload) -> Any:
        """The report's review file, started (and saved) if there is none yet."""
        from drafter.review.decisions import open_review_file

        with self.lock:
            existing = self.existing_review(upload)
            report = self.report(upload)
            if existing is not None and existing.report_sha256 == report.sha256:
                return existing
            review = open_review_file(
                report, self.matches(upload), self.review_path(upload), report_path=upload.path
            )
            self.forget_review(upload)
            return review

    def existing_review(self, upload: Upload) -> Any:
        """The review file as saved, or None when the review has not started.
        Kept in memory until the file changes."""
        from drafter.review.file import load_review

        path = self.review_path(upload)
        with self.lock:
            if not path.is_file():
                self._reviews.pop(upload.id, None)
                return None
            stat = path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
            kept = self._reviews.get(upload.id)
            if kept is None or kept[0] != stamp:
                kept = (stamp, load_review(path))
                self._reviews[upload.id] = kept
            return kept[1]

    def forget_review(self, upload: Upload) -> None:
        """Read the review file afresh next time (after a failed change)."""
        with self.lock:
            self._reviews.pop(upload.id, None)

    def cached(self, key: tuple, make: Callable[[], Any]) -> Any:
        with self.lock:
            if key not in self._previews:
                self._previews[key] = make()
            return self._previews[key]
