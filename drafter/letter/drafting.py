"""Drafting end to end: read a report, match its recommendations against the
library, plan the response, render the Word document, write it atomically.

:func:`draft_letter` drafts one report; :func:`draft_batch` drafts several
(a region's inspections arrive together) into one folder and says, for each,
what needs attention before it is sent.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from drafter.core.errors import (
    DrafterError,
    InputFileError,
    LibraryError,
    OutputExistsError,
    ReviewFileError,
)
from drafter.core.fileio import atomic_write_bytes, ensure_writable
from drafter.core.lazy import lazy_compile
from drafter.core.model import LibraryAction, Report, ResponsePlan
from drafter.letter.document import (
    AttentionItem,
    compose_action_plan,
    compose_letter,
    is_not_agreed,
)
from drafter.letter.plan import build_plan
from drafter.letter.settings import Config, load_config
from drafter.review.file import ReviewFile

if TYPE_CHECKING:
    from drafter.library.store import Library

OutputFormat = Literal["letter", "action-plan"]
FORMATS: tuple[str, ...] = ("letter", "action-plan")
#: Files a batch picks up from a folder.
REPORT_SUFFIXES = (".html", ".htm", ".pdf", ".docx", ".txt", ".md")


@dataclass(frozen=True)
class ToDo:
    """One thing to fill in or check, listed once however often it appears
    (an owner missing from every row of the action plan is one thing)."""

    kind: str  # "placeholder", "date", or another AttentionItem kind
    label: str
    note: str
    places: int = 1


def _grouped(items: Sequence[AttentionItem]) -> list[ToDo]:
    """Items that ask for the same thing (the same label and note) become one."""
    order: list[tuple[str, str, str]] = []
    first: dict[tuple[str, str, str], AttentionItem] = {}
    places: dict[tuple[str, str, str], int] = {}
    for item in items:
        key = (item.kind, item.label, item.note if item.kind != "date" else "")
        if key not in first:
            order.append(key)
            first[key] = item
        places[key] = places.get(key, 0) + 1
    return [ToDo(first[k].kind, first[k].label, first[k].note, places[k]) for k in order]


@dataclass
class DraftResult:
    """One drafted document and what in it needs a person."""

    report_path: Path
    output: Path | None
    unit: str = ""
    recommendations: int = 0
    from_library: int = 0  # action bullets taken from the library
    attention: list[AttentionItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None  # set when this report could not be drafted (batches only)
    #: A batch with ``skip_existing``: ``output`` was already there and was left alone.
    kept: bool = False
    #: Actions chosen automatically that no person reviewed (the best match, or
    #: a decision pre-filled by ``review --sheet --accept-best``).
    unreviewed: int = 0

    @property
    def placeholders(self) -> list[AttentionItem]:
        return [a for a in self.attention if a.kind == "placeholder"]

    @property
    def dates_to_check(self) -> list[AttentionItem]:
        return [a for a in self.attention if a.kind == "date"]

    @property
    def to_fill_in(self) -> list[ToDo]:
        """The placeholders, each different thing once."""
        return _grouped(self.placeholders)

    @property
    def dates_to_confirm(self) -> list[ToDo]:
        """The dates from earlier letters, each different date once."""
        return _grouped(self.dates_to_check)

    @property
    def names_to_check(self) -> list[ToDo]:
        """Names carried over from other units' letters (people, police forces,
        councils, other units and regions, places), each different name once;
        the note says what it is and which letter it came from."""
        return _grouped([a for a in self.attention if a.kind == "name"])

    @property
    def to_check(self) -> list[ToDo]:
        """Everything else the editor must look at (the report's reading
        warnings, a bullet style added to the letterhead)."""
        return _grouped(
            [a for a in self.attention if a.kind not in ("placeholder", "date", "name")]
        )

    @property
    def no_recommendations(self) -> bool:
        return self.error is None and not self.kept and self.recommendations == 0

    def to_dict(self) -> dict:
        return {
            "report": str(self.report_path),
            "output": str(self.output) if self.output else None,
            "unit": self.unit,
            "recommendations": self.recommendations,
            "actions_from_library": self.from_library,
            "placeholders": [{"label": a.label, "note": a.note} for a in self.placeholders],
            "to_fill_in": [
                {"label": t.label, "note": t.note, "places": t.places} for t in self.to_fill_in
            ],
            "dates_to_check": [a.label for a in self.dates_to_check],
            "names_to_check": [
                {"name": t.label, "note": t.note, "places": t.places} for t in self.names_to_check
            ],
            "unreviewed": self.unreviewed,
            "other": [
                a.note for a in self.attention if a.kind not in ("placeholder", "date", "name")
            ],
            "warnings": self.warnings,
            "error": self.error,
            "kept": self.kept,
        }


def load_review_file(path: str | os.PathLike[str]) -> ReviewFile:
    """Read a review file with the review module's reader."""
    try:
        from drafter.review.file import load_review
    except ImportError as exc:  # the reader arrives with the review feature
        raise ReviewFileError(
            "This version of drafter cannot read review files yet.",
            hint="Draft without --review.",
        ) from exc
    return load_review(path)


def plan_for_report(
    report: Report, library: Library, review: ReviewFile | None = None
) -> ResponsePlan:
    """Match the report's recommendations and build the plan."""
    from drafter.matching.matcher import match_report

    matches = match_report(report, library) if report.recommendations else []
    chosen = _chosen_actions(library, review)
    actions = [*chosen.values(), *(c.action for m in matches for c in m.candidates[:1])]
    return build_plan(
        report,
        matches,
        review,
        library_actions=chosen,
        source_people=source_letter_people(library, actions),
    )


#: An action's source reference when it came from an archived letter.
_LETTER_REF = lazy_compile(r"letter (\d+)")


def source_letter_people(
    library: Library, actions: Iterable[LibraryAction]
) -> dict[int, list[str]]:
    """For actions that came from an archived letter: the people that letter
    names (its signatory and recipient), by action id."""
    wanted: dict[int, list[int]] = {}
    for action in actions:
        found = _LETTER_REF.fullmatch(action.source_ref or "")
        if action.source_kind == "letter" and found:
            wanted.setdefault(int(found.group(1)), []).append(action.id)
    if not wanted:
        return {}  # and SQLAlchemy stays unloaded (a letter from the starter library)
    from sqlalchemy import select

    from drafter.library.database import LetterRow

    people: dict[int, list[str]] = {}
    with library.db.session() as session:
        rows = session.scalars(select(LetterRow).where(LetterRow.id.in_(list(wanted))))
        for row in rows:
            names = [n for n in (row.signatory, row.recipient) if n]
            for action_id in wanted[row.id]:
                people[action_id] = names
    return people


def _chosen_actions(library: Library, review: ReviewFile | None) -> dict[int, LibraryAction]:
    """The library actions a reviewer chose, so their text can be adapted."""
    found: dict[int, LibraryAction] = {}
    if review is None:
        return found
    for decision in review.decisions:
        for chosen in decision.actions:
            if chosen.library_id is None or chosen.library_id in found:
                continue
            try:
                found[chosen.library_id] = library.get(chosen.library_id)
            except LibraryError:
                continue  # checked below
    from drafter.review.file import check_library_ids

    # Retired actions are still found; an id the library never had is a typo
    # or a review file from another database, and is refused with its line.
    check_library_ids(review, lambda action_id: action_id in found)
    return found


def _review_warnings(report: Report, review: ReviewFile | None) -> list[str]:
    if review is None or not review.report_sha256 or not report.sha256:
        return []
    if review.report_sha256 != report.sha256:
        return [
            "The review file was made for a different version of this report; "
            "decisions were matched to recommendations by their wording."
        ]
    return []


def check_review_fits(
    report: Report, review: ReviewFile, name: str = "The review file"
) -> list[str]:
    """Refuse a review file written for another report; otherwise say which
    of its decisions match none of this report's recommendations (they are
    not used: those recommendations take the library's best match).

    A review belongs to another report when it has decisions and none is for
    a recommendation of this one, or when it has none and names another unit
    and another report's fingerprint."""
    from drafter.core.regions import unit_key
    from drafter.review.file import recommendation_key

    wanted = {recommendation_key(r.text) for r in report.recommendations}
    unmatched = [d for d in review.decisions if recommendation_key(d.recommendation) not in wanted]
    other_unit = bool(review.unit) and unit_key(review.unit) != unit_key(report.unit)
    other_report = bool(review.report_sha256) and review.report_sha256 != report.sha256
    if (review.decisions and len(unmatched) == len(review.decisions)) or (
        not review.decisions and other_unit and other_report
    ):
        raise ReviewFileError(
            f"{name} was written for a different report "
            f"({review.unit or 'unknown unit'}): none of its recommendations are in this one.",
            hint="Give the review file made for this report, or draft without --review.",
        )
    if not unmatched:
        return []
    numbers = ", ".join(str(d.number) for d in unmatched)
    which = "recommendation" if len(unmatched) == 1 else "recommendations"
    return [
        f"{name} has decisions for {which} {numbers} that are not in this report; "
        "they were not used. The report's other recommendations took their decisions."
    ]


def no_recommendations_warning(report_path: str | os.PathLike[str]) -> str:
    return (
        f"No recommendations were found in {report_path}. The letter has a highlighted "
        "placeholder for their number and their actions: check the report and fill them in."
    )


def check_docx_name(output: str | os.PathLike[str]) -> None:
    """drafter writes Word documents, and PDF copies of them made by
    LibreOffice; a letter named anything else would not open."""
    if Path(output).suffix.lower() not in (".docx", ".pdf"):
        raise DrafterError(
            f"'{output}' does not end in .docx or .pdf: drafter writes Word documents "
            "(and PDFs made from them by LibreOffice), so give a name ending in .docx.",
            hint="Or give an existing folder to write REPORT_response.docx into.",
        )


def draft_letter(
    report_path: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    library: Library,
    review: ReviewFile | str | os.PathLike[str] | None = None,
    config: Config | None = None,
    letter_date: date | None = None,
    letterhead: str | os.PathLike[str] | None = None,
    template_dir: str | os.PathLike[str] | None = None,
    output_format: OutputFormat = "letter",
    force: bool = False,
    max_bytes: int | None = None,
) -> DraftResult:
    """Draft the response to one report and write it to ``output`` (.docx).

    Refuses to replace ``output`` unless ``force``; the file appears whole or
    not at all."""
    from drafter.reading.reader import read_report

    if output_format not in FORMATS:
        raise DrafterError(f"'{output_format}' is not a format.", hint="Use letter or action-plan.")
    check_docx_name(output)
    target = ensure_writable(output, force)
    config = config if config is not None else load_config()
    report = read_report(report_path, max_bytes=max_bytes)
    review_name = "The review file"
    if isinstance(review, str | os.PathLike):
        review_name = f"The review file '{review}'"
        review = load_review_file(review)
    fit_warnings = check_review_fits(report, review, review_name) if review is not None else []
    plan = plan_for_report(report, library, review)
    if output_format == "action-plan":
        composed = compose_action_plan(
            plan, config, letterhead=letterhead, template_dir=template_dir
        )
    else:
        composed = compose_letter(
            plan,
            config,
            letter_date=letter_date,
            letterhead=letterhead,
            template_dir=template_dir,
        )
    data = composed.to_bytes()
    if target.suffix.lower() == ".pdf":
        from drafter.letter.pdf import docx_to_pdf

        data = docx_to_pdf(data, name=target.stem)
    atomic_write_bytes(target, data, force=force)
    return DraftResult(
        report_path=Path(report_path),
        output=target,
        unit=report.unit,
        recommendations=len(report.recommendations),
        from_library=sum(
            1
            for response in plan.responses
            # The letter commits to no action for a recommendation not agreed.
            if output_format == "action-plan" or not is_not_agreed(response)
            for action in response.actions
            if action.source_action_id is not None and not action.placeholder
        ),
        attention=composed.attention,
        unreviewed=sum(
            1
            for response in plan.responses
            if not response.reviewed
            and (output_format == "action-plan" or not is_not_agreed(response))
            for action in response.actions
            if not action.placeholder
        ),
        warnings=[
            *([] if report.recommendations else [no_recommendations_warning(report_path)]),
            *report.warnings,
            *_review_warnings(report, review),
            *fit_warnings,
        ],
    )


def collect_reports(inputs: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The report files named, with folders expanded to the reports inside
    them (by extension, sorted by name)."""
    found: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found += sorted(
                p
                for p in path.iterdir()
                if p.is_file()
                and p.suffix.lower() in REPORT_SUFFIXES
                and not p.name.startswith(".")
            )
        elif path.exists():
            found.append(path)
        else:
            raise InputFileError(f"Cannot find '{path}'.", hint="Check the name and folder.")
    unique = list(dict.fromkeys(found))
    if not unique:
        raise InputFileError(
            "No reports found in the folders given.",
            hint=f"drafter looks for files ending {', '.join(REPORT_SUFFIXES)}.",
        )
    return unique


def batch_output_name(report_path: Path, output_format: OutputFormat = "letter") -> str:
    suffix = "action_plan" if output_format == "action-plan" else "response"
    return f"{report_path.stem}_{suffix}.docx"


def draft_batch(
    inputs: Sequence[str | os.PathLike[str]],
    outdir: str | os.PathLike[str],
    *,
    library: Library,
    config: Config | None = None,
    letter_date: date | None = None,
    letterhead: str | os.PathLike[str] | None = None,
    template_dir: str | os.PathLike[str] | None = None,
    output_format: OutputFormat = "letter",
    force: bool = False,
    skip_existing: bool = False,
    use_review_files: bool = True,
    max_bytes: int | None = None,
    progress: Callable[[Path], None] | None = None,
) -> list[DraftResult]:
    """Draft every report in ``inputs`` into ``outdir``.

    Nothing is written if any output already exists (without ``force``), so
    a batch never stops half-way over someone's files. ``skip_existing``
    carries on a stopped batch instead: letters already in ``outdir`` are
    kept (their results say ``kept``) and the rest are drafted. A report that
    cannot be read is reported in its result and the others are still
    drafted. A review file beside a report (``<report>.review.yaml``) is used
    when ``use_review_files``. Stopped with Ctrl-C, it raises
    :class:`BatchInterrupted` with the results so far."""
    if force and skip_existing:
        raise DrafterError(
            "--force replaces the letters already there and --skip-existing keeps them.",
            hint="Choose one of them.",
        )
    reports = collect_reports(inputs)
    folder = Path(outdir)
    check_batch_folder(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputExistsError(
            f"'{folder}' is a file, but several reports need a folder.",
            hint="Give a folder name with -o.",
        )
    targets = [folder / batch_output_name(p, output_format) for p in reports]
    kept = {t for t in targets if skip_existing and t.exists() and not t.is_dir()}
    if not force:
        for target in targets:
            if target not in kept:
                _ensure_batch_writable(target)
    config = config if config is not None else load_config()
    results: list[DraftResult] = []
    try:
        _draft_each(
            zip(reports, targets, strict=True),
            results,
            kept=kept,
            library=library,
            config=config,
            letter_date=letter_date,
            letterhead=letterhead,
            template_dir=template_dir,
            output_format=output_format,
            force=force,
            use_review_files=use_review_files,
            max_bytes=max_bytes,
            progress=progress,
        )
    except KeyboardInterrupt as stop:
        raise BatchInterrupted(results) from stop
    return results


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C during a batch: ``results`` are the reports finished before it
    (each letter written whole), so the user can be told how to carry on."""

    def __init__(self, results: list[DraftResult]) -> None:
        super().__init__()
        self.results = results

    @property
    def written(self) -> int:
        return sum(1 for r in self.results if r.output is not None and not r.kept)


def _ensure_batch_writable(target: Path) -> None:
    try:
        ensure_writable(target)
    except OutputExistsError as exc:
        raise OutputExistsError(
            exc.message,
            hint="Add --skip-existing to keep the letters already there and draft the rest, "
            "or --force to replace them all.",
        ) from exc


def _draft_each(
    pairs: Iterable[tuple[Path, Path]],
    results: list[DraftResult],
    *,
    kept: set[Path],
    use_review_files: bool,
    progress: Callable[[Path], None] | None,
    **options: Any,
) -> None:
    """Draft each report to its target, appending to ``results`` as it goes
    (so a Ctrl-C leaves the finished ones there to report)."""
    for report_path, target in pairs:
        if target in kept:
            results.append(DraftResult(report_path=report_path, output=target, kept=True))
            if progress is not None:
                progress(report_path)
            continue
        review: str | None = None
        try:
            if use_review_files:
                review = default_review_for(report_path)
            results.append(draft_letter(report_path, target, review=review, **options))
        except (InputFileError, ReviewFileError) as exc:  # skip this one, keep going
            results.append(DraftResult(report_path=report_path, output=None, error=str(exc)))
        if progress is not None:
            progress(report_path)


def check_batch_folder(folder: Path) -> None:
    """A batch writes several letters, so -o names a folder: refuse a new
    name that looks like one Word file rather than make a folder called it."""
    if folder.suffix.lower() == ".docx" and not folder.is_dir():
        raise DrafterError(
            f"With several reports, -o must be a folder, not '{folder}'.",
            hint="Give a folder name, e.g. -o letters",
        )


def default_review_for(report_path: str | os.PathLike[str]) -> str | None:
    """The review file ``drafter review`` keeps beside the report, if there is one."""
    from drafter.review.file import default_review_path

    candidate = default_review_path(report_path)
    return str(candidate) if candidate.is_file() else None


@dataclass
class DraftRequest:
    """What ``drafter draft REPORT... -o OUTPUT`` asks for: one report drafted
    to one file, or a batch (several reports, or a folder) into a folder."""

    reports: list[Path]
    output: Path
    batch: bool
    #: The review file to draft one report from (named, or found beside it).
    review: str | None = None
    #: True when ``review`` was found beside the report rather than named.
    review_found: bool = False


def resolve_draft_request(
    reports: Sequence[str | os.PathLike[str]],
    output: str | os.PathLike[str] | None = None,
    *,
    review: str | os.PathLike[str] | None = None,
    output_format: OutputFormat = "letter",
) -> DraftRequest:
    """Decide what to draft where. One report goes to ``output`` (a file, or a
    folder to put ``REPORT_response.docx`` in; default: that name here) with
    the review file named or kept beside it; a batch needs a folder and uses
    each report's own review file."""
    if not reports:
        raise InputFileError("Name the report to draft.", hint="e.g. drafter draft report.pdf")
    batch = len(reports) > 1 or Path(reports[0]).is_dir()
    if batch and review:
        raise DrafterError(
            "--review works with one report at a time.",
            hint="In a batch, drafter uses each report's own review file when it exists.",
        )
    if batch and not output:
        raise DrafterError("Say which folder to write the letters into.", hint="Add -o FOLDER.")
    if batch:
        check_batch_folder(Path(output))  # type: ignore[arg-type]
        return DraftRequest(collect_reports(reports), Path(output), batch=True)  # type: ignore[arg-type]
    report = Path(reports[0])
    name = batch_output_name(report, output_format)
    target = Path(output) if output else Path(name)
    if output and target.is_dir():
        target = target / name
    check_docx_name(target)
    found = None if review else default_review_for(report)
    return DraftRequest(
        [report],
        target,
        batch=False,
        review=str(review) if review else found,
        review_found=found is not None,
    )
