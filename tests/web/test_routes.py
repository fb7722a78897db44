"""Every page and every error path of the web application, through Flask's
test client: the same records as the command line, the GOV.UK error pattern,
and the safety rules (token, CSRF, cookies, uploads, no stack traces)."""

from __future__ import annotations

import html
import io
import re

import docx
import pytest
from webtools import (  # noqa: F401  (fixtures)
    TOKEN,
    anonymous,
    app,
    client,
    csrf,
    errors_of,
    post,
    report_id,
    seed_bytes,
    upload,
)

from drafter.library.store import Library
from drafter.review.file import load_review

# --- signing in and safety ---------------------------------------------------------


def test_a_page_without_the_token_is_refused(anonymous):
    response = anonymous.get("/")
    assert response.status_code == 403
    assert "Open drafter with the link it printed" in response.text


def test_the_token_signs_in_once_and_sets_a_private_cookie(app, anonymous):
    response = anonymous.get(f"/?token={TOKEN}")
    assert response.status_code == 302 and response.location == "/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert anonymous.get("/").status_code == 200
    other = app.test_client()
    assert other.get(f"/?token={TOKEN}").status_code == 403  # the link is spent


def test_a_wrong_token_is_refused(anonymous):
    assert anonymous.get("/?token=guess").status_code == 403


def test_a_post_without_the_csrf_token_is_refused(client):
    response = client.post("/settings", data={"cc": "Someone"})
    assert response.status_code == 400
    assert "did not come from this drafter page" in response.text
    wrong = client.post("/settings", data={"cc": "Someone", "csrf_token": "forged"})
    assert wrong.status_code == 400


def test_pages_carry_security_headers(client):
    response = client.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_static_files_come_from_a_fixed_list(client):
    assert client.get("/static/govuk-frontend/govuk-frontend.min.css").status_code == 200
    assert client.get("/assets/images/favicon.ico").status_code == 200
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/static/%2e%2e/app.py").status_code == 404
    assert client.get("/static/govuk-frontend/VERSION").status_code == 404


def test_an_unknown_page_is_a_plain_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "Page not found" in response.text


def test_an_unexpected_error_shows_a_plain_page_and_logs_it(client, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr("drafter.web.pages.start.progress_line", broken)
    monkeypatch.setattr("drafter.web.state.UploadFolder.all", lambda self: [object()])
    response = client.get("/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with drafter" in response.text
    assert "secret internal detail" not in response.text and "Traceback" not in response.text
    assert "secret internal detail" in caplog.text


# --- start and uploads -------------------------------------------------------------------


def test_start_page_has_the_upload_form_and_a_skip_link(client):
    page = client.get("/").text
    assert 'href="#main-content"' in page and 'id="main-content"' in page
    assert '<label class="govuk-label govuk-label--m" for="report">' in page
    assert "font-family: Arial" in client.get("/static/drafter.css").text
    css = client.get("/static/govuk-frontend/govuk-frontend.min.css").text
    assert "@font-face" not in css  # the GDS Transport font is not shipped


def test_upload_without_a_file_shows_the_error_by_the_field(client):
    response = post(client, "/reports", content_type="multipart/form-data")
    assert response.status_code == 400
    assert errors_of(response.text) == ["Select the inspection report to upload."]
    assert 'id="report-error"' in response.text


def test_a_file_that_is_not_a_report_gets_the_readers_reason(client, app):
    response = upload(client, "/reports", "report", b"\x00\x01\x02binary", "notes.txt")
    assert response.status_code == 400
    [message] = errors_of(response.text)
    assert "'notes.txt' is not a document drafter can read" in message
    assert app.extensions["drafter"].reports.all() == []  # not kept


def test_a_damaged_word_file_gets_the_same_message_as_the_cli(client, tmp_path):
    from drafter.core.errors import DrafterError
    from drafter.reading.reader import read_report

    data = b"\xd0\xcf\x11\xe0" + b"x" * 100
    (tmp_path / "r.doc").write_bytes(data)
    with pytest.raises(DrafterError) as cli:
        read_report(tmp_path / "r.doc")
    response = upload(client, "/reports", "report", data, "r.doc")
    assert response.status_code == 400
    expected = " ".join(str(cli.value).replace(str(tmp_path / "r.doc"), "r.doc").split())
    assert errors_of(response.text) == [expected]


def test_an_upload_over_the_size_limit_is_refused(client):
    response = upload(client, "/reports", "report", b"x" * (3 * 1024 * 1024), "big.txt")
    assert response.status_code == 413
    assert "smaller than 2 MB" in response.text


def test_an_upload_is_stored_under_a_generated_name(client, app, report_id):
    [stored] = app.extensions["drafter"].reports.all()
    assert stored.original_name == "redcar-report.txt"
    assert re.fullmatch(r"[0-9a-f]{16}\.txt", stored.path.name)
    assert stored.path.parent == app.extensions["drafter"].data_dir / "reports"


def test_an_uploaded_name_with_a_path_is_only_a_label(client, app, seed_bytes):
    upload(client, "/reports", "report", seed_bytes, "../../etc/passwd.txt")
    [stored] = app.extensions["drafter"].reports.all()
    assert stored.original_name == "passwd.txt"
    assert stored.path.parent == app.extensions["drafter"].data_dir / "reports"


def test_what_drafter_read(client, report_id):
    page = client.get(f"/reports/{report_id}").text
    assert "Redcar, Cleveland and Middlesbrough PDU" in page
    assert "North East" in page
    assert "Recommendations (3)" in page
    assert "should:" in page
    assert "Remove this report" in page
    assert "not started" in page


def test_an_unknown_report_id_is_404(client):
    assert client.get("/reports/0123456789abcdef").status_code == 404
    assert client.get("/reports/..%2F..%2Fsettings").status_code == 404


def test_removing_the_wrong_file(client, app, report_id):
    response = post(client, f"/reports/{report_id}/remove")
    assert response.status_code == 302
    assert app.extensions["drafter"].reports.all() == []
    assert "Removed redcar-report.txt" in client.get("/").text


def test_start_shows_how_far_each_review_has_got(client, report_id):
    client.get(f"/reports/{report_id}/review/1")
    assert "0 of 3 decided" in client.get("/").text


# --- review ---------------------------------------------------------------------------


def review_form(page: str) -> dict:
    """The review form's current values, as a browser would send them."""
    values = {}
    for name in ("change_from",):
        values[name] = re.search(rf'name="{name}" value="([^"]*)"', page).group(1)
    return values


def first_suggestion(page: str) -> str:
    return re.search(r'name="choice" type="radio" value="(use-\d+)"', page).group(1)


def test_review_redirects_to_the_first_pending(client, report_id):
    response = client.get(f"/reports/{report_id}/review")
    assert response.status_code == 302 and response.location.endswith("/review/1")


def test_review_page_shows_ranked_suggestions_with_bands(client, report_id):
    page = client.get(f"/reports/{report_id}/review/2").text
    assert "Recommendation 2 of 3" in page
    assert re.search(r"(close|good) match", page)
    assert "Why:" in page
    assert "What should the letter commit to?" in page
    assert 'name="target_date-day"' in page
    assert "Use a suggestion with changes" in page


def test_an_unknown_recommendation_number_is_404(client, report_id):
    assert client.get(f"/reports/{report_id}/review/9").status_code == 404
    assert client.get(f"/reports/{report_id}/review/0").status_code == 404


def test_weaker_suggestions_appear_on_request(client, report_id):
    for position in (1, 2, 3):
        page = client.get(f"/reports/{report_id}/review/{position}").text
        if "weaker suggestion" in page:
            more = client.get(f"/reports/{report_id}/review/{position}?weaker=1").text
            assert "Weaker suggestions are shown too: those marked weak match are below" in more
            assert "weak match" in more
            return
    pytest.fail("no recommendation of the seed report had weaker suggestions")


def test_accepting_a_suggestion_saves_the_review_file_and_the_database(client, app, report_id):
    page = client.get(f"/reports/{report_id}/review/2").text
    choice = first_suggestion(page)
    response = post(
        client, f"/reports/{report_id}/review/2", {"choice": choice, **review_form(page)}
    )
    assert response.status_code == 302 and response.location.endswith("/review/3")
    state = app.extensions["drafter"]
    [stored] = state.reports.all()
    review = load_review(state.review_path(stored))
    decision = review.decisions[1]
    assert decision.status == "decided" and decision.agreement == "Agreed"
    assert decision.actions[0].library_id == int(choice[4:])
    assert decision.decided_by == "reviewer-one" and decision.decided_at
    verdicts = {(d.action_id, d.verdict) for d in Library().feedback()}
    assert (int(choice[4:]), "accepted") in verdicts
    assert "1 of 3 decided" in client.get("/").text


def test_use_with_changes_and_new_action_and_no_action(client, app, report_id):
    page = client.get(f"/reports/{report_id}/review/1").text
    form = review_form(page)
    post(
        client,
        f"/reports/{report_id}/review/1",
        {**form, "choice": "new", "new_text": "Hold monthly   case audits with each team."},
    )
    page = client.get(f"/reports/{report_id}/review/2").text
    base = client.get(f"/reports/{report_id}/review/2?base={first_suggestion(page)[4:]}").text
    assert "New wording, if you use a suggestion with changes" in base
    assert 'value="change" checked' in base
    post(
        client,
        f"/reports/{report_id}/review/2",
        {**review_form(base), "choice": "change", "changed_text": "A reworded action.",
         "owner": "Head of PDU", "target_date-month": "3", "target_date-year": "2026"},
    )  # fmt: skip
    response = post(
        client,
        f"/reports/{report_id}/review/3",
        {**review_form(page), "choice": "none", "agreement": "Not agreed", "note": "Out of scope"},
    )
    assert response.location.endswith("/letter")
    state = app.extensions["drafter"]
    review = load_review(state.review_path(state.reports.all()[0]))
    first, second, third = review.decisions
    assert first.actions[0].text == "Hold monthly case audits with each team."
    assert first.actions[0].library_id is None
    assert second.actions[0].edited and second.actions[0].text == "A reworded action."
    assert second.owner == "Head of PDU" and second.target_date == "March 2026"
    assert third.status == "no_action" and third.agreement == "Not agreed"
    assert third.note == "Out of scope"


def test_the_cli_sees_the_web_decisions(client, app, report_id):
    from click.testing import CliRunner

    from drafter.cli.commands import cli

    page = client.get(f"/reports/{report_id}/review/1").text
    post(client, f"/reports/{report_id}/review/1", {**review_form(page), "choice": "new",
                                                    "new_text": "Write a plan."})  # fmt: skip
    stored = app.extensions["drafter"].reports.all()[0]
    result = CliRunner().invoke(cli, ["review", str(stored.path), "--status", "--json"])
    assert result.exit_code == 0, result.output
    assert '"decided": 1' in result.output


def test_review_errors_are_shown_by_their_fields(client, report_id):
    page = client.get(f"/reports/{report_id}/review/1").text
    response = post(
        client,
        f"/reports/{report_id}/review/1",
        {**review_form(page), "choice": "new", "new_text": "  ", "agreement": "Not agreed",
         "target_date-day": "31", "target_date-month": "13", "target_date-year": "2026"},
    )  # fmt: skip
    assert response.status_code == 400
    messages = errors_of(response.text)
    assert "Write the new action (or choose another answer)." in messages
    assert "Say why the recommendation is not agreed." in messages
    assert any("'31/13/2026' is not a real date" in m for m in messages)
    assert 'href="#target_date-day"' in response.text
    assert 'id="new_text-error"' in response.text and 'id="note-error"' in response.text
    assert response.text.startswith("<!DOCTYPE html>") and "<title>Error:" in response.text


def test_review_without_a_choice(client, report_id):
    page = client.get(f"/reports/{report_id}/review/1").text
    response = post(client, f"/reports/{report_id}/review/1", review_form(page))
    assert errors_of(response.text) == ["Choose what to do about this recommendation."]


def test_review_with_a_suggestion_not_offered(client, report_id):
    page = client.get(f"/reports/{report_id}/review/1").text
    response = post(client, f"/reports/{report_id}/review/1",
                    {**review_form(page), "choice": "use-999999"})  # fmt: skip
    assert errors_of(response.text) == ["Choose one of the suggestions listed."]


def test_a_date_missing_its_year(client, report_id):
    page = client.get(f"/reports/{report_id}/review/1").text
    response = post(client, f"/reports/{report_id}/review/1",
                    {**review_form(page), "choice": "none", "target_date-month": "3"})  # fmt: skip
    assert errors_of(response.text) == ["The target date must include a year."]


def test_a_broken_review_file_is_a_plain_error(client, app, report_id):
    state = app.extensions["drafter"]
    state.review_path(state.reports.all()[0]).write_text("decisions: [", encoding="utf-8")
    response = client.get(f"/reports/{report_id}/review/1")
    assert response.status_code == 400
    assert "the YAML layout is broken" in response.text
    assert "review file cannot be read" in client.get("/").text


# --- letter ------------------------------------------------------------------------------


def test_letter_asks_for_the_signatory_first(client, report_id):
    page = client.get(f"/reports/{report_id}/letter").text
    assert "Who signs letters for North East?" in page


def test_signatory_errors(client, report_id):
    response = post(client, f"/reports/{report_id}/signatory", {"name": "", "title": ""})
    assert response.status_code == 400
    assert errors_of(response.text) == [
        "Enter the name of the person who signs the letters.",
        "Enter their job title, for example Area Executive Director.",
    ]


def test_signatory_is_saved_in_the_settings_file(client, report_id, tmp_path):
    from drafter.letter.settings import load_config

    response = post(client, f"/reports/{report_id}/signatory",
                    {"name": "Alex Example", "title": "Area Executive Director",
                     "area": "North East"})  # fmt: skip
    assert response.status_code == 302
    config = load_config(tmp_path / "settings.toml")
    assert config.signatory_for("North East").name == "Alex Example"
    page = client.get(f"/reports/{report_id}/letter").text
    assert "Preview" in page and "Alex Example" in page
    assert "Who signs letters" not in page


def test_letter_preview_highlights_placeholders_and_shows_evidence(client, report_id):
    page = client.get(f"/reports/{report_id}/letter?skip=1").text
    assert 'class="drafter-placeholder"' in page
    assert "Answers recommendation" in page  # the evidence comment
    assert "Download the letter (.docx)" in page


def test_downloads(client, report_id):
    response = client.get(f"/reports/{report_id}/letter.docx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.data)).paragraphs)
    assert "Redcar, Cleveland and Middlesbrough PDU" in text
    plan = client.get(f"/reports/{report_id}/action-plan.docx")
    document = docx.Document(io.BytesIO(plan.data))
    assert len(document.tables[0].rows) == 4


def test_pdf_without_libreoffice_is_a_plain_note(client, report_id, monkeypatch):
    monkeypatch.setattr("drafter.letter.pdf.libreoffice_binary", lambda: None)
    page = client.get(f"/reports/{report_id}/letter?skip=1").text
    assert "LibreOffice is not installed on this computer" in page
    response = client.get(f"/reports/{report_id}/letter.pdf")
    assert response.status_code == 503
    assert "LibreOffice is not installed" in response.text


@pytest.mark.libreoffice
def test_pdf_with_libreoffice(client, report_id):
    from conftest import need

    from drafter.letter.pdf import pdf_available

    need(pdf_available(), "LibreOffice (soffice) is not installed")
    response = client.get(f"/reports/{report_id}/letter.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


# --- archive and commitments ------------------------------------------------------------


def drafted_letter(client, report_id) -> bytes:
    post(client, f"/reports/{report_id}/signatory",
         {"name": "Alex Example", "title": "Area Executive Director"})  # fmt: skip
    return client.get(f"/reports/{report_id}/letter.docx").data


def test_archive_shows_what_was_read_then_archives(client, report_id):
    letter = drafted_letter(client, report_id)
    response = upload(client, "/archive", "letter", letter, "sent.docx")
    assert response.status_code == 302
    check = client.get(response.location).text
    assert "Check what drafter read from the letter" in check
    assert "Actions and when they are due" in check
    assert "Positive findings" in check
    assert "selected" in check  # the report for the letter's unit is chosen
    report_value = re.search(r'<option value="([0-9a-f]{16})" selected', check).group(1)
    refused = post(client, response.location, {"report": report_value})
    assert refused.status_code == 400  # the drafted letter still has placeholders
    [message] = errors_of(refused.text)
    assert message.startswith("'sent.docx' was not archived: it still has")
    assert "tick the box to archive it as it is" in message
    done = post(client, response.location, {"report": report_value, "force": "yes"})
    assert done.status_code == 302
    page = client.get(done.location).text
    assert "Archived letter" in page
    assert "Redcar" in client.get("/archive").text
    commitments = client.get("/commitments?unit=Redcar").text
    assert "Redcar, Cleveland and Middlesbrough PDU" in commitments


def test_archive_without_a_file(client):
    response = post(client, "/archive", content_type="multipart/form-data")
    assert errors_of(response.text) == ["Select the letter as it was sent."]


def test_archive_of_something_that_is_not_a_letter(client, app):
    response = upload(client, "/archive", "letter", b"just a shopping list", "list.txt")
    assert response.status_code == 400
    assert errors_of(response.text)
    assert app.extensions["drafter"].letters.all() == []


def test_archive_sent_date_errors(client, report_id):
    letter = drafted_letter(client, report_id)
    location = upload(client, "/archive", "letter", letter, "sent.docx").location
    response = post(client, location, {"sent_date-day": "40", "sent_date-month": "1",
                                       "sent_date-year": "2025"})  # fmt: skip
    assert response.status_code == 400
    assert any("sent date" in m for m in errors_of(response.text))
    future = post(client, location, {"sent_date-day": "1", "sent_date-month": "1",
                                     "sent_date-year": "2099"})  # fmt: skip
    assert any("The sent date is in the future" in m for m in errors_of(future.text)), future.text[
        -6000:
    ]


def test_archive_asks_whether_a_second_letter_replaces_the_first(client, report_id):
    letter = drafted_letter(client, report_id)
    first = upload(client, "/archive", "letter", letter, "sent.docx").location
    post(client, first, {"force": "yes"})
    changed = docx.Document(io.BytesIO(letter))
    changed.add_paragraph("A later addition to the letter.")
    buffer = io.BytesIO()
    changed.save(buffer)
    second = upload(client, "/archive", "letter", buffer.getvalue(), "sent2.docx").location
    asked = post(client, second, {"force": "yes"})
    if "Does this one replace it?" in asked.text:
        answered = post(client, second, {"supersede": "no", "force": "yes"})
        assert answered.status_code == 302
    else:  # read as the same letter: nothing archived twice
        assert asked.status_code == 302


def test_unknown_archive_pages_are_404(client):
    assert client.get("/archive/check/0123456789abcdef").status_code == 404
    assert client.get("/archive/999").status_code == 404
    assert client.get("/commitments/999").status_code == 404


def test_mark_a_commitment_done(client, report_id):
    letter = drafted_letter(client, report_id)
    location = upload(client, "/archive", "letter", letter, "sent.docx").location
    post(client, location, {"force": "yes"})
    page = client.get("/commitments").text
    ids = re.findall(r'href="/commitments/(\d+)"', page)
    assert ids, "the archived letter's actions are commitments"
    empty = post(client, f"/commitments/{ids[0]}/done", {"note": " "})
    assert errors_of(empty.text) == ["Enter a note saying what was done."]
    done = post(client, f"/commitments/{ids[0]}/done", {"note": "Audit finished"})
    assert done.status_code == 302
    assert "Marked done" in client.get("/commitments").text
    assert "Audit finished" in client.get(f"/commitments/{ids[0]}").text
    again = post(client, f"/commitments/{ids[0]}/done", {"note": "again"})
    assert again.status_code == 302
    assert "already marked done" in client.get("/commitments").text


# --- library and settings ------------------------------------------------------------------


def test_library_search_show_and_retire(client):
    page = client.get("/library?q=countersign").text
    assert "Actions containing" in page
    action_id = re.search(r'href="/library/(\d+)"', page).group(1)
    detail = client.get(f"/library/{action_id}").text
    assert "Came from" in detail and "Retire this action" in detail
    assert post(client, f"/library/{action_id}/retire").status_code == 302
    assert Library().get(int(action_id)).status == "retired"
    post(client, f"/library/{action_id}/retire")
    assert "already retired" in client.get(f"/library/{action_id}").text
    assert "No active action contains" in client.get("/library?q=zzqqxx").text
    assert client.get("/library/999999").status_code == 404


def test_library_import(client):
    csv = b"id,action,unit,date\nW1,Run a weekly clinic for new staff.,Testshire PDU,2024-05-01\n"
    response = upload(client, "/library/import", "actions", csv, "mine.csv")
    assert response.status_code == 302
    assert "Imported 1 new action" in client.get("/library").text
    assert Library().search("weekly clinic")


def test_library_offers_to_bring_old_starter_actions_up_to_date(client):
    assert "Bring the starter actions up to date" not in client.get("/library").text
    # One starter action from an earlier version of drafter.
    library = Library()
    old = library.add_action("Staff will attend a retired starter workshop.", unit=None)
    from drafter.library.database import ActionRow

    with library.db.session() as session:
        session.get(ActionRow, old.id).source_kind = "starter"
    page = client.get("/library").text
    assert "Bring the starter actions up to date" in page
    assert "1 of the starter actions in your library come from an earlier version" in page
    assert post(client, "/library/starter").status_code == 302
    after = client.get("/library").text
    assert "retired 1 of an earlier version" in after
    assert "Bring the starter actions up to date" not in after
    assert Library().get(old.id).status == "retired"


def test_library_import_errors(client):
    empty = post(client, "/library/import", content_type="multipart/form-data")
    assert errors_of(empty.text) == ["Select a file of actions to import."]
    bad = upload(client, "/library/import", "actions", b"id,action\nX1,\n", "bad.csv")
    assert bad.status_code == 400
    [message] = errors_of(bad.text)
    assert "bad.csv" in message or "row" in message
    odd = upload(client, "/library/import", "actions", b"hello", "notes.docx")
    assert "drafter cannot tell the format" in errors_of(odd.text)[0]


def test_settings_save_cc_and_owner(client, tmp_path):
    from drafter.letter.settings import load_config

    page = client.get("/settings").text
    assert "North East" in page and "Not set" in page
    response = post(client, "/settings", {"cc": "Private Office\nHead of Region",
                                          "default_owner": "Head of PDU"})  # fmt: skip
    assert response.status_code == 302
    config = load_config(tmp_path / "settings.toml")
    assert config.cc == ["Private Office", "Head of Region"]
    assert config.default_action_owner == "Head of PDU"


def test_settings_signatory_per_region(client, tmp_path):
    from drafter.letter.settings import load_config

    page = client.get("/settings").text
    number = re.search(r'href="/settings/signatories/(\d+)"', page).group(1)
    form = client.get(f"/settings/signatories/{number}").text
    region = re.search(r"Who signs letters for (.+?)\?", form).group(1)
    bad = post(client, f"/settings/signatories/{number}", {"name": "", "title": "AED"})
    assert errors_of(bad.text) == ["Enter the name of the person who signs the letters."]
    post(client, f"/settings/signatories/{number}", {"name": "Sam Person", "title": "AED"})
    assert load_config(tmp_path / "settings.toml").signatory_for(region).name == "Sam Person"
    assert client.get("/settings/signatories/99").status_code == 404


def test_a_broken_settings_file_is_reported_not_overwritten(client, tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text("[letter\n", encoding="utf-8")
    response = post(client, "/settings", {"cc": "X", "default_owner": ""})
    assert response.status_code == 400
    assert "has a mistake" in response.text
    assert path.read_text(encoding="utf-8") == "[letter\n"


def test_letterhead_upload(client, app):
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Our letterhead"
    buffer = io.BytesIO()
    document.save(buffer)
    assert errors_of(post(client, "/settings/letterhead",
                          content_type="multipart/form-data").text)  # fmt: skip
    bad = upload(client, "/settings/letterhead", "letterhead", b"not a docx", "head.docx")
    assert "is not a Word document" in errors_of(bad.text)[0]
    assert "head.docx" in errors_of(bad.text)[0]
    good = upload(client, "/settings/letterhead", "letterhead", buffer.getvalue(), "head.docx")
    assert good.status_code == 302
    assert app.extensions["drafter"].letterhead is not None
    assert "drafted on your letterhead" in client.get("/settings").text
    post(client, "/settings/letterhead/remove")
    assert app.extensions["drafter"].letterhead is None


def test_report_page_introduces_recommendations_with_the_reports_own_verb(client):
    report = "\n".join(
        [
            "An inspection of probation services in Wrenford PDU",
            "",
            "Ratings",
            "Overall rating",
            "Requires improvement",
            "",
            "Recommendations",
            "The Wrenford PDU must:",
            "1. record why each home visit is late or missed",
            "The Wales region should, as a priority:",
            "2. agree a shared plan for people leaving custody",
            "HMPPS should:",
            "3. publish guidance on caseload weighting",
        ]
    )
    response = upload(client, "/reports", "report", report.encode(), "wrenford.txt")
    assert response.status_code == 302, response.text
    page = html.unescape(client.get(response.location).text)
    assert "The Wrenford PDU must:" in page
    assert "The Wales region should, as a priority:" in page
    assert "HMPPS should:" in page
