"""Start: upload a report, or carry on with one already uploaded."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect

from drafter.core.errors import DrafterError
from drafter.web.pages.common import page, state, uploaded_file

blueprint = Blueprint("start", __name__)


def progress_line(upload: Any) -> str:
    """How far the review of an uploaded report has got: "2 of 3 decided"."""
    from drafter.review.file import summarise_review

    try:
        review = state().existing_review(upload)
    except DrafterError:
        return "review file cannot be read"
    if review is None:
        return "not started"
    summary = summarise_review(review)
    if summary.total == 0:
        return "no recommendations"
    return f"{summary.total - summary.pending} of {summary.total} decided"


def start_page(errors: dict[str, str] | None = None, status: int = 200) -> Any:
    uploads = state().reports.all()
    rows = [(u, progress_line(u)) for u in uploads]
    return (
        page(
            "start.html",
            "Draft a response to an inspection report",
            reports=rows,
            errors=errors or {},
            max_mb=state().max_upload_bytes // (1024 * 1024),
        ),
        status,
    )


@blueprint.get("/")
def index() -> Any:
    return start_page()


@blueprint.post("/reports")
def upload() -> Any:
    sent = uploaded_file("report")
    if sent is None:
        return start_page({"report": "Select the inspection report to upload."}, 400)
    data, name = sent
    try:
        stored = state().add_report(data, name)
    except DrafterError as exc:
        return start_page({"report": " ".join(str(exc).split())}, 400)
    return redirect(f"/reports/{stored.id}")
