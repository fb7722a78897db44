"""Library: search the actions, see one and where it came from, retire it,
import a file of actions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, request

from drafter.core.errors import DrafterError, LibraryError
from drafter.web.pages.common import flash, page, state, uploaded_file
from drafter.web.state import friendly

blueprint = Blueprint("library", __name__)
SHOWN = 50


def library_page(errors: dict[str, str] | None = None, status: int = 200) -> Any:
    query = " ".join(request.args.get("q", "")[:200].split())
    library = state().library
    found = library.search(query, limit=None) if query else library.actions(limit=SHOWN)
    return (
        page(
            "library.html",
            "Action library",
            query=query,
            actions=found[:SHOWN],
            more=max(0, len(found) - SHOWN) if query else max(0, library.count() - SHOWN),
            count=library.count(),
            starter=library.update_starter(dry_run=True),
            errors=errors or {},
        ),
        status,
    )


@blueprint.get("/library")
def index() -> Any:
    return library_page()


@blueprint.get("/library/<int:action_id>")
def show(action_id: int) -> Any:
    try:
        action = state().library.get(action_id)
    except LibraryError:
        abort(404)
    return page("library_action.html", f"Action {action.id}", action=action)


@blueprint.post("/library/<int:action_id>/retire")
def retire(action_id: int) -> Any:
    library = state().library
    try:
        current = library.get(action_id)
    except LibraryError:
        abort(404)
    if current.status == "retired":
        flash(f"Action {current.id} was already retired; nothing changed.")
    else:
        with state().lock:
            library.retire(action_id)
            state().library_changed()
        flash(f"Retired action {current.id}; it will no longer be suggested.")
    return redirect(f"/library/{action_id}")


@blueprint.post("/library/starter")
def update_starter() -> Any:
    """Bring drafter's starter actions up to date (see Library.update_starter)."""
    with state().lock:
        outcome = state().library.update_starter()
        state().library_changed()
    if not outcome.added and not outcome.retired:
        flash("The starter actions were already up to date; nothing changed.")
    else:
        flash(
            f"Brought the starter actions up to date: added {outcome.added:,}, retired "
            f"{outcome.retired:,} of an earlier version (kept for the record, no longer "
            "suggested). Your own actions were not touched."
        )
    return redirect("/library")


@blueprint.post("/library/import")
def import_file() -> Any:
    sent = uploaded_file("actions")
    if sent is None:
        return library_page({"actions": "Select a file of actions to import."}, 400)
    data, name = sent
    try:
        stored = state().imports.save(data, name)
    except DrafterError as exc:
        return library_page({"actions": " ".join(str(exc).split())}, 400)
    skip = request.form.get("skip_invalid") == "1"
    try:
        with state().lock:
            result = state().library.import_file(str(stored.path), skip_invalid=skip)
            state().library_changed()
    except DrafterError as exc:
        return library_page({"actions": friendly(exc, stored)}, 400)
    finally:
        state().imports.remove(stored)
    message = f"Imported {result.added:,} new action{'s' if result.added != 1 else ''}; "
    message += f"{result.already_present:,} were already in the library."
    if result.invalid:
        message += f" Skipped {len(result.invalid)} invalid row(s): " + "; ".join(
            f"row {p.row}: {p.message}" for p in result.invalid[:5]
        )
    flash(message)
    return redirect("/library")
