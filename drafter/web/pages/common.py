"""Helpers the page modules share: the state, looking uploads up, forms."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, render_template, request, session

from drafter.web.state import Upload, WebState


def state() -> WebState:
    return current_app.extensions["drafter"]


def report_upload(report_id: str) -> Upload:
    """The uploaded report with this id, or 404 (the id is only compared)."""
    upload = state().reports.get(report_id)
    if upload is None:
        abort(404)
    return upload


def page(template: str, title: str, **context: Any) -> str:
    """Render a page; a message left by the last POST is shown once."""
    context.setdefault("errors", {})
    context.setdefault("flash_message", session.pop("flash", None))
    return render_template(template, title=title, **context)


def flash(message: str) -> None:
    session["flash"] = message


def form_text(name: str, limit: int = 5000) -> str:
    return (request.form.get(name) or "")[:limit]


def uploaded_file(field: str) -> tuple[bytes, str] | None:
    """The bytes and name of the file sent in ``field``, or None if none was chosen."""
    sent = request.files.get(field)
    if sent is None or not sent.filename:
        return None
    return sent.read(), sent.filename


def band_tag(band: str) -> dict[str, str]:
    colours = {"close": "govuk-tag--green", "good": "govuk-tag--blue", "weak": "govuk-tag--grey"}
    return {"text": f"{band} match", "classes": colours.get(band, "")}
