"""Settings: who signs for each region, who is copied in, the default owner
of actions, and the letterhead. Saved in the same settings file the command
line reads."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect

from drafter.core.errors import AnswerError, DrafterError
from drafter.web.pages.common import flash, form_text, page, state, uploaded_file

blueprint = Blueprint("settings", __name__)


def regions() -> list[str]:
    from drafter.core.regions import region_names

    return sorted(region_names())


def settings_page(errors: dict[str, str] | None = None, values: dict | None = None) -> Any:
    config = state().config()
    rows = [(n, region, config.signatory_entry_for(region)) for n, region in enumerate(regions())]
    values = values or {
        "cc": "\n".join(config.cc),
        "default_owner": config.default_action_owner,
    }
    return (
        page(
            "settings.html",
            "Settings",
            rows=rows,
            config=config,
            values=values,
            errors=errors or {},
            settings_file=str(state().config_file()),
            letterhead=state().letterhead,
        ),
        400 if errors else 200,
    )


@blueprint.get("/settings")
def index() -> Any:
    return settings_page()


@blueprint.post("/settings")
def save() -> Any:
    from drafter.letter.settings import save_settings

    values = {"cc": form_text("cc", 5000), "default_owner": form_text("default_owner", 200)}
    cc = [" ".join(line.split()) for line in values["cc"].splitlines() if line.strip()]
    try:
        with state().lock:
            save_settings(
                state().config_path,
                cc=cc,
                default_action_owner=" ".join(values["default_owner"].split()),
            )
    except DrafterError as exc:
        return settings_page({"cc": " ".join(str(exc).split())}, values)
    flash("Saved the settings.")
    return redirect("/settings")


def _region(number: int) -> str:
    names = regions()
    if not 0 <= number < len(names):
        abort(404)
    return names[number]


def signatory_page(number: int, values: dict, errors: dict) -> Any:
    region = _region(number)
    return (
        page(
            "settings_signatory.html",
            f"Who signs letters for {region}?",
            number=number,
            region=region,
            values=values,
            errors=errors,
        ),
        400 if errors else 200,
    )


@blueprint.get("/settings/signatories/<int:number>")
def signatory(number: int) -> Any:
    entry = state().config().signatory_entry_for(_region(number))
    values = {
        "name": entry.name if entry else "",
        "title": entry.title if entry else "Area Executive Director",
        "area": entry.area if entry else "",
    }
    return signatory_page(number, values, {})


@blueprint.post("/settings/signatories/<int:number>")
def save_signatory(number: int) -> Any:
    from drafter.web.pages.letter import save_signatory_for

    region = _region(number)
    values = {name: " ".join(form_text(name, 200).split()) for name in ("name", "title", "area")}
    try:
        save_signatory_for(region, values)
    except AnswerError as exc:
        return signatory_page(number, values, exc.problems)
    except DrafterError as exc:
        return signatory_page(number, values, {"name": " ".join(str(exc).split())})
    flash(f"Saved {values['name']} as the signatory for {region}.")
    return redirect("/settings")


@blueprint.post("/settings/letterhead")
def letterhead() -> Any:
    import os
    import tempfile

    from drafter.core.fileio import atomic_write_bytes
    from drafter.letter.document import check_letterhead

    sent = uploaded_file("letterhead")
    if sent is None:
        return settings_page({"letterhead": "Select your letterhead (a Word .docx file)."})
    data, name = sent
    state().data_dir.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(suffix=".docx", dir=state().data_dir)
    os.close(handle)
    try:
        with open(temp, "wb") as out:
            out.write(data)
        check_letterhead(temp)
    except DrafterError as exc:
        message = " ".join(str(exc).replace(temp, name).split())
        return settings_page({"letterhead": message})
    finally:
        os.unlink(temp)
    atomic_write_bytes(state().data_dir / "letterhead.docx", data, force=True)
    state().library_changed()
    flash(f"Letters will now be drafted on {name}.")
    return redirect("/settings")


@blueprint.post("/settings/letterhead/remove")
def remove_letterhead() -> Any:
    current = state().letterhead
    if current is not None:
        current.unlink()
        state().library_changed()
    flash("Letters will be drafted on a plain page.")
    return redirect("/settings")
