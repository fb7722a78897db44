"""Review: one recommendation a page, with the ranked suggestions and the
reviewer's choice, agreement, owner and target date. Every answer is saved at
once in the same review file and database ``drafter review`` uses."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, request

from drafter.core.errors import AnswerError
from drafter.core.model import AGREEMENTS
from drafter.web.pages.common import band_tag, flash, form_text, page, report_upload, state

blueprint = Blueprint("review", __name__)


@blueprint.get("/reports/<report_id>/review")
def first(report_id: str) -> Any:
    upload = report_upload(report_id)
    review = state().review(upload)
    from drafter.review.file import summarise_review

    summary = summarise_review(review)
    if summary.total == 0:
        flash("This report has no recommendations to review.")
        return redirect(f"/reports/{upload.id}")
    return redirect(f"/reports/{upload.id}/review/{summary.next_pending or 1}")


def _form_defaults(view: Any, base_id: int | None) -> dict[str, Any]:
    """What the form shows before the reviewer changes anything."""
    from drafter.review.decisions import target_date_parts

    decision = view.decision
    chosen = decision.actions[0] if decision.actions else None
    all_suggestions = view.suggestions + view.weaker
    base = next((s for s in all_suggestions if s.library_id == base_id), None)
    if base is None and chosen is not None and chosen.library_id is not None:
        base = next((s for s in all_suggestions if s.library_id == chosen.library_id), None)
    if base is None and all_suggestions:
        base = all_suggestions[0]
    choice = ""
    if base_id is not None:
        choice = "change"
    elif decision.status == "no_action":
        choice = "none"
    elif chosen is not None and chosen.library_id is None:
        choice = "new"
    elif chosen is not None and chosen.edited:
        choice = "change"
    elif chosen is not None:
        choice = f"use-{chosen.library_id}"
    changed_text = base.text if base is not None else ""
    if chosen is not None and chosen.library_id is not None and chosen.edited and base_id is None:
        changed_text = chosen.text
    parts = target_date_parts(decision.target_date) or ("", "", "")
    return {
        "choice": choice,
        "change_from": str(base.library_id) if base is not None else "",
        "changed_text": changed_text,
        "new_text": chosen.text if chosen is not None and chosen.library_id is None else "",
        "agreement": decision.agreement or "",
        "note": decision.note or "",
        "owner": decision.owner or "",
        "target_date-day": parts[0],
        "target_date-month": parts[1],
        "target_date-year": parts[2],
    }


def _render(upload: Any, view: Any, values: dict[str, Any], errors: dict[str, str]) -> Any:
    from drafter.review.decisions import target_date_parts

    show_weaker = request.args.get("weaker") == "1" or bool(
        set(view.chosen_ids) & {s.library_id for s in view.weaker}
    )
    base = next(
        (s for s in view.suggestions + view.weaker if str(s.library_id) == values["change_from"]),
        None,
    )
    config = state().config()
    return (
        page(
            "review.html",
            f"Recommendation {view.position} of {view.total}",
            upload=upload,
            report=state().report(upload),
            view=view,
            values=values,
            errors=errors,
            show_weaker=show_weaker,
            base=base,
            agreements=AGREEMENTS,
            band_tag=band_tag,
            phrase_date=target_date_parts(view.decision.target_date) is None,
            default_owner=config.default_action_owner,
        ),
        400 if errors else 200,
    )


def _view(upload: Any, position: int) -> Any:
    from drafter.core.errors import DrafterError
    from drafter.review.decisions import recommendation_view

    review = state().review(upload)
    try:
        return review, recommendation_view(review, position, state().matches(upload))
    except DrafterError:
        from flask import abort

        abort(404)


@blueprint.get("/reports/<report_id>/review/<int:position>")
def show(report_id: str, position: int) -> Any:
    upload = report_upload(report_id)
    _review, view = _view(upload, position)
    base = request.args.get("base", "")
    base_id = int(base) if base.isdecimal() else None
    return _render(upload, view, _form_defaults(view, base_id), {})


@blueprint.post("/reports/<report_id>/review/<int:position>")
def save(report_id: str, position: int) -> Any:
    from drafter.review.decisions import Choice, apply_choice, target_date_from_parts

    upload = report_upload(report_id)
    values = {
        name: form_text(name)
        for name in (
            "choice",
            "change_from",
            "changed_text",
            "new_text",
            "agreement",
            "note",
            "owner",
            "target_date-day",
            "target_date-month",
            "target_date-year",
        )
    }
    with state().lock:
        review, view = _view(upload, position)
        raw = values["choice"]
        kind, library_id = raw, None
        if raw.startswith("use-") and raw[4:].isdecimal():
            kind, library_id = "use", int(raw[4:])
        elif raw == "change" and values["change_from"].isdecimal():
            library_id = int(values["change_from"])
        text = {"change": values["changed_text"], "new": values["new_text"]}.get(kind, "")
        errors: dict[str, str] = {}
        target = ""
        try:
            target = target_date_from_parts(
                values["target_date-day"], values["target_date-month"], values["target_date-year"]
            )
        except AnswerError as exc:
            errors.update(exc.problems)
        choice = Choice(
            kind=kind,
            library_id=library_id,
            text=text,
            agreement=values["agreement"] or None,
            note=values["note"],
            owner=values["owner"],
            target_date=target,
        )
        try:
            if errors:
                from drafter.review.decisions import check_choice

                check_choice(view, choice)
                raise AnswerError(errors)
            try:
                outcome = apply_choice(
                    review, state().review_path(upload), position, choice, state().library,
                    state().matches(upload),
                )  # fmt: skip
            except Exception:
                state().forget_review(upload)  # the file is the record, not memory
                raise
        except AnswerError as exc:
            state().forget_review(upload)
            problems = {**exc.problems, **errors}
            order = ["choice", "changed_text", "new_text", "agreement", "note", "owner"]
            order.append("target_date")
            ordered = {k: problems[k] for k in order if k in problems}
            return _render(upload, view, values, ordered)
        state().library_changed()
    summary = outcome.summary
    done = summary.total - summary.pending
    flash(
        f"Saved recommendation {position}. {done} of {summary.total} decided."
        + (" " + " ".join(outcome.warnings) if outcome.warnings else "")
    )
    if position < summary.total:
        return redirect(f"/reports/{upload.id}/review/{position + 1}")
    if summary.next_pending:
        return redirect(f"/reports/{upload.id}/review/{summary.next_pending}")
    return redirect(f"/reports/{upload.id}/letter")
