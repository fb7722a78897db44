"""Uploads are stored under generated names whatever they were called, and
the pages work over PostgreSQL as over SQLite."""

from __future__ import annotations

import io
import re

from conftest import SEED_REPORT, need
from hypothesis import given
from hypothesis import strategies as st
from webtools import TOKEN, csrf

from drafter.web.state import UploadFolder


@given(st.text(min_size=1, max_size=300))
def test_any_uploaded_name_is_only_a_label(name):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        uploads = UploadFolder(Path(folder) / "reports", (".txt", ".pdf"))
        stored = uploads.save(b"some text", name)
        assert stored.path.parent == Path(folder) / "reports"
        assert re.fullmatch(r"[0-9a-f]{16}(\.txt|\.pdf)?", stored.path.name)
        assert stored.original_name and "/" not in stored.original_name
        assert uploads.get(stored.id).path == stored.path
        assert uploads.get("../" + stored.id) is None


def test_decisions_reach_the_database_given_with_db(tmp_path, monkeypatch, db_url, shared_dir):
    from drafter.library.store import Library
    from drafter.web.app import create_app

    need(SEED_REPORT.is_file(), f"the seed report is not at {SEED_REPORT}")
    monkeypatch.setenv("DRAFTER_CONFIG", str(tmp_path / "settings.toml"))
    Library(db_url, auto_starter=False).init()
    app = create_app(tmp_path / "data", db_url=db_url, token=TOKEN)
    client = app.test_client()
    client.get(f"/?token={TOKEN}")
    token = csrf(client)
    upload = client.post(
        "/reports",
        data={"csrf_token": token, "report": (io.BytesIO(SEED_REPORT.read_bytes()), "r.txt")},
        content_type="multipart/form-data",
    )
    report = upload.location
    page = client.get(f"{report}/review/2").text
    choice = re.search(r'name="choice" type="radio" value="(use-\d+)"', page).group(1)
    saved = client.post(f"{report}/review/2", data={"csrf_token": token, "choice": choice})
    assert saved.status_code == 302
    verdicts = {(d.action_id, d.verdict) for d in Library(db_url).feedback()}
    assert (int(choice[4:]), "accepted") in verdicts
