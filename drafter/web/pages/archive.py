"""Archive: upload the letter as sent, check what was read, then archive it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect

from drafter.core.errors import ArchiveRefusedError, DrafterError, LibraryError
from drafter.web.pages.common import flash, form_text, page, state, uploaded_file
from drafter.web.state import friendly

blueprint = Blueprint("archive", __name__)


def archive_page(errors: dict[str, str] | None = None, status: int = 200) -> Any:
    from drafter.archive.store import list_letters

    letters = list_letters(state().library)
    return (
        page(
            "archive.html",
            "Archive a sent letter",
            letters=letters,
            errors=errors or {},
            max_mb=state().max_upload_bytes // (1024 * 1024),
        ),
        status,
    )


@blueprint.get("/archive")
def index() -> Any:
    return archive_page()


@blueprint.post("/archive")
def upload() -> Any:
    from drafter.archive.preview import preview_sent_letter

    sent = uploaded_file("letter")
    if sent is None:
        return archive_page({"letter": "Select the letter as it was sent."}, 400)
    data, name = sent
    try:
        stored = state().letters.save(data, name)
    except DrafterError as exc:
        return archive_page({"letter": " ".join(str(exc).split())}, 400)
    try:
        preview_sent_letter(stored.path)
    except DrafterError as exc:
        state().letters.remove(stored)
        return archive_page({"letter": friendly(exc, stored)}, 400)
    return redirect(f"/archive/check/{stored.id}")


def _sent_upload(upload_id: str) -> Any:
    stored = state().letters.get(upload_id)
    if stored is None:
        abort(404)
    return stored


def _report_choices(unit: str | None) -> tuple[list[Any], str]:
    """The uploaded reports to link the letter to, and the one for its unit."""
    from drafter.core.regions import unit_key

    reports = state().reports.all()
    chosen = ""
    if unit:
        for upload in reports:
            if upload.extra.get("unit") and unit_key(upload.extra["unit"]) == unit_key(unit):
                chosen = upload.id
                break
    return reports, chosen


def check_page(
    stored: Any,
    values: dict,
    errors: dict,
    ask_supersede: str | None = None,
    ask_force: bool = False,
) -> Any:
    from drafter.archive.preview import preview_sent_letter

    try:
        preview = preview_sent_letter(stored.path)
        reports, chosen = _report_choices(preview.letter.unit)
        values.setdefault("report", chosen)
        linked = state().reports.get(values["report"]) if values["report"] else None
        if linked is not None:  # due dates as archiving with that report will set them
            preview = preview_sent_letter(
                stored.path, report=state().report(linked), review=state().existing_review(linked)
            )
    except DrafterError as exc:
        title = "drafter cannot read this letter"
        return page("error.html", title, text=friendly(exc, stored)), 400
    return (
        page(
            "archive_check.html",
            "Check what drafter read from the letter",
            stored=stored,
            preview=preview,
            reports=reports,
            values=values,
            errors=errors,
            ask_supersede=ask_supersede,
            ask_force=ask_force,
        ),
        400 if errors else 200,
    )


@blueprint.get("/archive/check/<upload_id>")
def check(upload_id: str) -> Any:
    return check_page(_sent_upload(upload_id), {}, {})


@blueprint.post("/archive/check/<upload_id>")
def confirm(upload_id: str) -> Any:
    from drafter.archive.store import SupersedeDecisionNeeded, archive_letter

    stored = _sent_upload(upload_id)
    values = {
        name: form_text(name, 200)
        for name in (
            "report",
            "supersede",
            "force",
            "sent_date-day",
            "sent_date-month",
            "sent_date-year",
        )
    }
    errors: dict[str, str] = {}
    sent_date = None
    parts = [" ".join(values[f"sent_date-{p}"].split()) for p in ("day", "month", "year")]
    if any(parts):
        from drafter.core.dates import parse_user_date

        missing = [n for n, v in zip(("day", "month", "year"), parts, strict=True) if not v]
        if missing:
            errors["sent_date"] = f"The sent date must include a {missing[0]}."
        else:
            try:
                sent_date = parse_user_date("/".join(parts), option="the sent date")
            except DrafterError as exc:
                errors["sent_date"] = " ".join(str(exc).split())
    report_upload = state().reports.get(values["report"]) if values["report"] else None
    if values["report"] and report_upload is None:
        errors["report"] = "Choose one of the reports listed."
    supersede = {"yes": True, "no": False}.get(values["supersede"])
    if errors:
        return check_page(stored, values, errors)
    report = state().report(report_upload) if report_upload else None
    review = None
    if report_upload is not None and state().review_path(report_upload).is_file():
        review = state().review_path(report_upload)
    with state().lock:
        try:
            result = archive_letter(
                stored.path,
                state().library,
                report=report,
                review=review,
                sent_date=sent_date,
                supersede=supersede,
                force=values["force"] == "yes",
            )
        except ArchiveRefusedError as refused:
            reasons = "; and ".join(text for _, text in refused.reasons)
            message = (
                f"'{stored.original_name}' was not archived: {reasons}. Upload the letter as "
                "it was sent, or tick the box to archive it as it is."
            )
            return check_page(stored, values, {"force": message}, ask_force=True)
        except SupersedeDecisionNeeded as question:
            return check_page(
                stored,
                values,
                {"supersede": "Say whether this letter replaces the one already archived."}
                if values["supersede"]
                else {},
                ask_supersede=question.question,
                ask_force=values["force"] == "yes",
            )
        except DrafterError as exc:
            return check_page(stored, values, {"letter": friendly(exc, stored)})
        state().library_changed()
        state().letters.remove(stored)
    message = result.message.replace(" Add --again only if it is really another letter.", "")
    flash(message + ("" if not result.warnings else " " + " ".join(result.warnings)))
    return redirect(f"/archive/{result.letter.id}")


@blueprint.get("/archive/<int:letter_id>")
def show(letter_id: str) -> Any:
    from drafter.archive.store import get_letter

    try:
        letter = get_letter(state().library, int(letter_id))
    except (LibraryError, DrafterError):
        abort(404)
    return page("archive_letter.html", f"Letter {letter.id}", letter=letter)
