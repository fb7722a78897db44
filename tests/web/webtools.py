"""Fixtures for the web pages: an app over a temporary data folder, database
and settings file, and a test client signed in with the app's token."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
from conftest import SEED_REPORT, need

TOKEN = "test-token-for-drafter"


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from drafter.web.app import create_app

    monkeypatch.setenv("DRAFTER_CONFIG", str(tmp_path / "settings.toml"))
    monkeypatch.setenv("USER", "reviewer-one")
    application = create_app(tmp_path / "data", token=TOKEN, max_upload_mb=2)
    application.config["TESTING"] = False  # errors go through the error pages
    return application


@pytest.fixture
def anonymous(app):
    return app.test_client()


@pytest.fixture
def client(app):
    client = app.test_client()
    response = client.get(f"/?token={TOKEN}")
    assert response.status_code == 302
    return client


def csrf(client) -> str:
    page = client.get("/library")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def post(client, path: str, data: dict | None = None, **kwargs):
    return client.post(path, data={"csrf_token": csrf(client), **(data or {})}, **kwargs)


def upload(client, path: str, field: str, content: bytes, name: str, data: dict | None = None):
    return client.post(
        path,
        data={"csrf_token": csrf(client), field: (io.BytesIO(content), name), **(data or {})},
        content_type="multipart/form-data",
    )


@pytest.fixture
def seed_bytes(shared_dir) -> bytes:
    need(SEED_REPORT.is_file(), f"the seed report is not at {SEED_REPORT}")
    return SEED_REPORT.read_bytes()


@pytest.fixture
def report_id(client, seed_bytes) -> str:
    response = upload(client, "/reports", "report", seed_bytes, "redcar-report.txt")
    assert response.status_code == 302, response.text
    return response.location.rsplit("/", 1)[-1]


def errors_of(page: str) -> list[str]:
    """The messages in a page's GOV.UK error summary."""
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', page, re.S)
    if not summary:
        return []
    return [
        " ".join(html.unescape(re.sub(r"<[^>]+>", "", m)).split())
        for m in re.findall(r"<li>(.*?)</li>", summary.group(1), re.S)
    ]
