"""The whole job in a real browser: Debian's Chromium driven by Playwright
(nothing is downloaded at test time), with axe-core checking every page for
serious or critical accessibility problems and a screenshot of each page
saved in docs/screenshots/.

The journey: upload the seed report, review its three recommendations
(accept one, accept one with changes, write one), set the signatory,
download the letter and read it with python-docx, archive it, see its
commitments. Skipped with the reason when Chromium or Playwright is missing;
under CI it fails instead.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import docx
import pytest
from conftest import REPO, SEED_REPORT, need

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = REPO / "docs" / "screenshots"
TOKEN = "browser-test-token"
NEXT_YEAR = date.today().year + 1

CHANGED = "Hold a quarterly review of the quality of home visits, led by senior probation officers."
NEW_ACTION = "Set up a monthly case-file audit of risk assessments, reported to the head of PDU."


@pytest.fixture
def live_server(tmp_path, monkeypatch):
    """The app served over HTTP on 127.0.0.1 on a free port, in a thread."""
    from werkzeug.serving import make_server

    from drafter.web.app import create_app

    monkeypatch.setenv("DRAFTER_CONFIG", str(tmp_path / "settings.toml"))
    app = create_app(tmp_path / "data", token=TOKEN)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "Playwright for Python is not installed (pip install -e '.[test]')")
    need(CHROMIUM.exists(), f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


def check_accessibility(page, name: str) -> None:
    """axe-core on the page: no serious or critical violation. Then a screenshot."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"axe found on the {name} page:\n" + "\n".join(bad)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_the_whole_job_in_chromium(live_server, browser, tmp_path, shared_dir):
    need(SEED_REPORT.is_file(), f"the seed report is not at {SEED_REPORT}")
    context = browser.new_context(bypass_csp=True, accept_downloads=True)  # axe is injected
    page = context.new_page()

    # Start: sign in with the link's token, then upload the seed report.
    page.goto(f"{live_server}/?token={TOKEN}")
    assert page.url == f"{live_server}/"
    page.click("text=Upload and read the report")  # nothing chosen: the GOV.UK error
    assert page.locator(".govuk-error-summary").is_visible()
    check_accessibility(page, "start-error")
    page.set_input_files("#report", str(SEED_REPORT))
    check_accessibility(page, "start")
    page.click("text=Upload and read the report")

    # What drafter read.
    page.wait_for_selector("h1:has-text('What drafter read')")
    assert page.locator("text=Redcar, Cleveland and Middlesbrough PDU").first.is_visible()
    assert page.locator("text=Recommendations (3)").is_visible()
    check_accessibility(page, "what-drafter-read")
    page.click("text=Review the suggested actions")

    # Review 1: accept a (weaker) suggestion with changes.
    page.wait_for_selector("h1:has-text('Recommendation 1 of 3')")
    check_accessibility(page, "review-no-match")
    shown = page.locator("input[name=choice][value^=use-]").count()
    page.click("a:has-text('weaker suggestion')")
    page.wait_for_url("**weaker=1")
    assert page.locator("input[name=choice][value^=use-]").count() > shown
    check_accessibility(page, "review-weaker")
    page.locator("a:has-text('suggestion 1')").first.click()
    page.wait_for_selector("#changed_text")
    assert page.locator("input[name=choice][value=change]").is_checked()
    assert page.locator("#changed_text").input_value().strip()  # filled with the suggestion
    page.fill("#changed_text", CHANGED)
    page.click("text=Save and continue")

    # Review 2: use the best suggestion as it is.
    page.wait_for_selector("h1:has-text('Recommendation 2 of 3')")
    assert page.locator("text=1 of 3 decided").first.is_visible()
    check_accessibility(page, "review")
    page.locator("input[name=choice][value^=use-]").first.check()
    accepted_text = page.locator(
        "input[name=choice][value^=use-] + label span.govuk-\\!-display-block"
    ).first.inner_text()
    page.fill("#owner", "Head of PDU")
    page.fill("#target_date-month", "3")
    page.fill("#target_date-year", str(NEXT_YEAR))
    page.click("text=Save and continue")

    # Review 3: write a new action.
    page.wait_for_selector("h1:has-text('Recommendation 3 of 3')")
    page.check("input[name=choice][value=new]")
    page.fill("#new_text", NEW_ACTION)
    page.click("text=Save and continue")

    # Letter: the region has no signatory yet, so it is asked for first.
    page.wait_for_selector("h1:has-text('Who signs letters for North East?')")
    page.click("text=Save and see the letter")  # empty: errors by the fields
    assert page.locator(".govuk-error-summary").is_visible()
    check_accessibility(page, "signatory")
    page.fill("#name", "Robin Example")
    page.fill("#title", "Area Executive Director")
    page.fill("#area", "North East")
    page.click("text=Save and see the letter")
    page.wait_for_selector("h1:has-text('The letter')")
    assert page.locator("text=All 3 recommendations have a decision").is_visible()
    preview = page.locator("#letter-preview").inner_text()
    assert "Robin Example" in preview and NEW_ACTION in preview and CHANGED in preview
    assert page.locator("#letter-preview .drafter-evidence").count() >= 3
    check_accessibility(page, "letter")
    with page.expect_download() as download:
        page.click("text=Download the letter (.docx)")
    letter_path = tmp_path / "letter.docx"
    download.value.save_as(letter_path)
    text = "\n".join(p.text for p in docx.Document(str(letter_path)).paragraphs)
    assert "Redcar, Cleveland and Middlesbrough PDU" in text
    assert "Robin Example" in text
    assert CHANGED in text and NEW_ACTION in text
    assert " ".join(accepted_text.split())[:40] in " ".join(text.split())

    # Archive that letter: see what was read, then confirm.
    page.goto(f"{live_server}/archive")
    check_accessibility(page, "archive")
    page.set_input_files("#letter", str(letter_path))
    page.click("text=Upload and check")
    page.wait_for_selector("h1:has-text('Check what drafter read from the letter')")
    checked = page.locator("main").inner_text()
    assert NEW_ACTION in checked
    # Recommendation 2's due date: from its wording, else the review's target date.
    assert "(from '" in checked
    check_accessibility(page, "archive-check")
    page.click("text=Archive this letter")
    if page.locator("input[name=force]").count():  # a highlighted date is still in it
        assert page.locator(".govuk-error-summary").is_visible()
        page.check("input[name=force]")
        page.click("text=Archive this letter")
    page.wait_for_selector("text=Archived letter")
    check_accessibility(page, "archived-letter")

    # Its commitments.
    page.click("text=See this unit's commitments")
    page.wait_for_selector("h1:has-text('Commitments')")
    body = page.locator("main").inner_text()
    assert NEW_ACTION in body and "Redcar, Cleveland and Middlesbrough PDU" in body
    check_accessibility(page, "commitments")
    page.locator("a:has-text('Mark done')").first.click()
    page.wait_for_selector("text=What was done?")
    check_accessibility(page, "commitment")

    # The other pages.
    page.goto(f"{live_server}/library?q=countersign")
    check_accessibility(page, "library")
    page.locator("table a.govuk-link").first.click()
    page.wait_for_selector("text=Came from")
    check_accessibility(page, "library-action")
    page.goto(f"{live_server}/settings")
    check_accessibility(page, "settings")
    page.goto(f"{live_server}/no-such-page")
    check_accessibility(page, "not-found")
    context.close()


def test_forms_work_without_javascript(live_server, browser, shared_dir):
    need(SEED_REPORT.is_file(), f"the seed report is not at {SEED_REPORT}")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/?token={TOKEN}")
    page.set_input_files("#report", str(SEED_REPORT))
    page.click("text=Upload and read the report")
    page.click("text=Review the suggested actions")
    page.wait_for_selector("h1:has-text('Recommendation 1 of 3')")
    page.check("input[name=choice][value=new]")
    page.fill("#new_text", NEW_ACTION)
    page.click("text=Save and continue")
    page.wait_for_selector("h1:has-text('Recommendation 2 of 3')")
    assert page.locator("text=1 of 3 decided").first.is_visible()
    context.close()
