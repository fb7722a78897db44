"""Commitments: what archived letters promised, overdue and due soon first,
filtered by unit; mark one done with a note."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, abort, redirect, request

from drafter.core.errors import DrafterError
from drafter.web.pages.common import flash, form_text, page, state

blueprint = Blueprint("commitments", __name__)
#: "Due soon" means within this many days.
SOON_DAYS = 90


@blueprint.get("/commitments")
def index() -> Any:
    from drafter.archive.commitments import list_commitments

    unit = " ".join(request.args.get("unit", "")[:200].split())
    show_done = request.args.get("done") == "1"
    found = list_commitments(state().library, unit=unit or None, include_closed=show_done)
    today = date.today()
    soon = today + timedelta(days=SOON_DAYS)
    groups = [
        ("Overdue", [c for c in found if c.is_overdue(today)]),
        (
            f"Due in the next {SOON_DAYS} days",
            [c for c in found if c.status == "open" and c.due_date and today <= c.due_date <= soon],
        ),
        (
            "Due later or with no date",
            [c for c in found if c.status == "open" and (c.due_date is None or c.due_date > soon)],
        ),
    ]
    if show_done:
        groups.append(("Done or replaced", [c for c in found if c.status != "open"]))
    return page(
        "commitments.html",
        "Commitments",
        groups=groups,
        unit=unit,
        show_done=show_done,
        total=len(found),
    )


def _commitment(commitment_id: int) -> Any:
    from drafter.archive.commitments import get_commitment

    try:
        return get_commitment(state().library, commitment_id)
    except DrafterError:
        abort(404)


@blueprint.get("/commitments/<int:commitment_id>")
def show(commitment_id: int) -> Any:
    item = _commitment(commitment_id)
    return page("commitment.html", "Commitment", item=item, errors={}, note="")


@blueprint.post("/commitments/<int:commitment_id>/done")
def done(commitment_id: int) -> Any:
    from drafter.archive.commitments import mark_done

    item = _commitment(commitment_id)
    note = " ".join(form_text("note", 2000).split())
    if item.status == "done":
        flash("That commitment was already marked done; nothing changed.")
        return redirect("/commitments")
    if not note:
        return (
            page(
                "commitment.html",
                "Commitment",
                item=item,
                note=note,
                errors={"note": "Enter a note saying what was done."},
            ),
            400,
        )
    with state().lock:
        mark_done(state().library, commitment_id, note)
    flash("Marked done: " + item.text[:120] + ("…" if len(item.text) > 120 else ""))
    return redirect("/commitments")
