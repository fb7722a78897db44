"""Letter: the signatory asked for once per region, a preview built from the
same plan as the Word document, and the downloads (.docx, action plan, PDF)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Blueprint, Response, redirect, request

from drafter.core.errors import AnswerError, DrafterError
from drafter.web.pages.common import flash, form_text, page, report_upload, state

blueprint = Blueprint("letter", __name__)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _plan(upload: Any) -> tuple[Any, list[str]]:
    """The response plan from the review's decisions (or the best matches)."""
    from drafter.letter.drafting import check_review_fits, plan_for_report

    report = state().report(upload)
    review = state().existing_review(upload)
    warnings = check_review_fits(report, review) if review is not None else []
    return plan_for_report(report, state().library, review), warnings


def _fingerprint(upload: Any) -> tuple:
    """What the letter depends on, so a preview is remade when any changes."""
    paths = [state().review_path(upload), state().config_file(), state().letterhead]
    stamps = tuple(p.stat().st_mtime_ns if p is not None and p.exists() else 0 for p in paths)
    return (upload.id, *stamps)


def _file_stem(report: Any) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "_", report.unit_short).strip("_")
    return stem or "report"


def needs_signatory(report: Any, config: Any) -> bool:
    return config.signatory_for(report.region) is None


@blueprint.get("/reports/<report_id>/letter")
def show(report_id: str) -> Any:
    from drafter.letter.pdf import pdf_available
    from drafter.review.file import summarise_review

    upload = report_upload(report_id)
    report = state().report(upload)
    config = state().config()
    if needs_signatory(report, config) and request.args.get("skip") != "1":
        return signatory_page(upload, report, {}, {})

    draft = _draft(upload, "letter")
    preview, warnings = draft["preview"], draft["warnings"]
    review = state().existing_review(upload)
    summary = summarise_review(review) if review is not None else None
    return page(
        "letter.html",
        "The letter",
        upload=upload,
        report=report,
        preview=preview,
        warnings=warnings,
        summary=summary,
        pdf=pdf_available(),
        signatory_missing=needs_signatory(report, config),
    )


def signatory_page(upload: Any, report: Any, values: dict, errors: dict, status: int = 200) -> Any:
    entry = state().config().signatory_entry_for(report.region)
    values = {
        "name": values.get("name", entry.name if entry else ""),
        "title": values.get("title", entry.title if entry else "Area Executive Director"),
        "area": values.get("area", entry.area if entry else ""),
    }
    return (
        page(
            "signatory.html",
            "Who signs letters for " + (report.region or "this region") + "?",
            upload=upload,
            report=report,
            values=values,
            errors=errors,
            settings_file=str(state().config_file()),
        ),
        status,
    )


@blueprint.post("/reports/<report_id>/signatory")
def save_signatory(report_id: str) -> Any:
    upload = report_upload(report_id)
    report = state().report(upload)
    values = {name: " ".join(form_text(name, 200).split()) for name in ("name", "title", "area")}
    try:
        save_signatory_for(report.region or "default", values)
    except AnswerError as exc:
        return signatory_page(upload, report, values, exc.problems, 400)
    except DrafterError as exc:
        return signatory_page(upload, report, values, {"name": " ".join(str(exc).split())}, 400)
    flash(f"Saved {values['name']} as the signatory for {report.region or 'every region'}.")
    return redirect(f"/reports/{upload.id}/letter")


def save_signatory_for(region: str, values: dict[str, str]) -> None:
    from drafter.letter.settings import Signatory, save_settings

    problems = {}
    if not values.get("name"):
        problems["name"] = "Enter the name of the person who signs the letters."
    if not values.get("title"):
        problems["title"] = "Enter their job title, for example Area Executive Director."
    if problems:
        raise AnswerError(problems)
    with state().lock:
        save_settings(
            state().config_path,
            signatories={
                region: Signatory(values["name"], values["title"], values.get("area", ""))
            },
        )


def _draft(upload: Any, output_format: str) -> dict[str, Any]:
    """The letter (or action plan) for the report as it stands, composed once
    and kept until the review, settings, letterhead or library change: the
    preview and the download are the same document."""
    from drafter.letter.document import compose_action_plan, compose_letter
    from drafter.letter.preview import LetterPreview, preview_document

    def make() -> dict[str, Any]:
        plan, warnings = _plan(upload)
        config = state().config()
        if output_format == "action-plan":
            composed = compose_action_plan(plan, config, letterhead=state().letterhead)
        else:
            composed = compose_letter(plan, config, letterhead=state().letterhead)
        return {
            "warnings": warnings,
            "preview": LetterPreview(preview_document(composed.document), composed.attention),
            "bytes": composed.to_bytes(),
        }

    return state().cached((output_format, date.today(), *_fingerprint(upload)), make)


def _document(upload: Any, output_format: str) -> bytes:
    return _draft(upload, output_format)["bytes"]


def _download(data: bytes, name: str, mimetype: str) -> Response:
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@blueprint.get("/reports/<report_id>/letter.docx")
def letter_docx(report_id: str) -> Any:
    upload = report_upload(report_id)
    stem = _file_stem(state().report(upload))
    return _download(_document(upload, "letter"), f"{stem}_response.docx", DOCX_TYPE)


@blueprint.get("/reports/<report_id>/action-plan.docx")
def action_plan_docx(report_id: str) -> Any:
    upload = report_upload(report_id)
    stem = _file_stem(state().report(upload))
    return _download(_document(upload, "action-plan"), f"{stem}_action_plan.docx", DOCX_TYPE)


@blueprint.get("/reports/<report_id>/letter.pdf")
def letter_pdf(report_id: str) -> Any:
    from drafter.letter.pdf import docx_to_pdf

    upload = report_upload(report_id)
    stem = _file_stem(state().report(upload))
    try:
        data = docx_to_pdf(_document(upload, "letter"), name=f"{stem}_response")
    except DrafterError as exc:
        return page("error.html", "No PDF this time", text=" ".join(str(exc).split())), 503
    return _download(data, f"{stem}_response.pdf", "application/pdf")
