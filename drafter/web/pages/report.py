"""What drafter read from a report, with a way back if it is the wrong file."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect

from drafter.web.pages.common import flash, page, report_upload, state
from drafter.web.pages.start import progress_line

blueprint = Blueprint("report", __name__)


def by_addressee(report: Any) -> list[tuple[str, list[Any]]]:
    """The recommendations grouped by who they are addressed to and the verb
    the report introduced them with ("should", "must"), in order."""
    groups: dict[tuple[str, str], list[Any]] = {}
    for recommendation in report.recommendations:
        key = (recommendation.addressee or "Not stated", recommendation.verb or "should")
        groups.setdefault(key, []).append(recommendation)
    return list(groups.items())


@blueprint.get("/reports/<report_id>")
def show(report_id: str) -> Any:
    upload = report_upload(report_id)
    report = state().report(upload)
    return page(
        "report.html",
        "What drafter read",
        upload=upload,
        report=report,
        groups=by_addressee(report),
        progress=progress_line(upload),
    )


@blueprint.post("/reports/<report_id>/remove")
def remove(report_id: str) -> Any:
    upload = report_upload(report_id)
    state().remove_report(upload)
    flash(f"Removed {upload.original_name} and its review.")
    return redirect("/")
