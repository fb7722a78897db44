"""The smaller items of the audit: what happens after a kill, symlinks as
destinations, PDFs with only an owner password, review files naming actions
the library lacks, and PostgreSQL's data errors."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafter.cli.commands import cli
from drafter.core.errors import OutputExistsError
from drafter.core.fileio import atomic_write_bytes, clean_stale_temp_files

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "samples" / "ashvale_pdu_2025.html"


def dead_pid() -> int:
    """The id of a process that has finished."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout)


def host() -> str:
    return "".join(c for c in socket.gethostname() if c.isalnum())[:30] or "host"


def test_temp_file_of_a_killed_drafter_is_cleaned_at_the_next_write(tmp_path):
    stale = tmp_path / f".letter.docx.drafter-{host()}-{dead_pid()}-x1y2.tmp"
    stale.write_bytes(b"half a letter")
    atomic_write_bytes(tmp_path / "other.docx", b"whole")
    assert not stale.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.docx"]


def test_temp_file_being_written_by_a_live_drafter_is_left_alone(tmp_path):
    live = tmp_path / f".letter.docx.drafter-{host()}-{os.getppid()}-x1y2.tmp"
    live.write_bytes(b"still being written")
    assert clean_stale_temp_files(tmp_path) == []
    assert live.exists()


def test_other_hidden_files_are_never_touched(tmp_path):
    mine = tmp_path / ".notes.tmp"
    mine.write_text("the user's own")
    assert clean_stale_temp_files(tmp_path) == []
    assert mine.exists()


def test_a_killed_draft_leaves_nothing_that_survives_the_next_draft(tmp_path):
    """kill -9 while a letter is written: the next draft into the folder
    cleans the hidden temporary file, and no half letter is ever there."""
    script = (
        "import os, sys\n"
        "from drafter.core import fileio\n"
        "real = os.fsync\n"
        "def killed(fd):\n"
        "    os.kill(os.getpid(), 9)\n"
        "os.fsync = killed\n"
        "sys.argv = ['drafter', 'draft', sys.argv[1], '-o', sys.argv[2]]\n"
        "from drafter.cli.commands import main\n"
        "main()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "DRAFTER_DB": f"sqlite:///{tmp_path / 'db'}"}
    out = tmp_path / "letters"
    out.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", script, str(SAMPLE), str(out / "letter.docx")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -9
    left = [p.name for p in out.iterdir()]
    assert len(left) == 1 and left[0].startswith(".letter.docx.") and left[0].endswith(".tmp")
    result = CliRunner().invoke(
        cli,
        ["draft", str(SAMPLE), "-o", str(out / "letter.docx")],
        env={"DRAFTER_DB": env["DRAFTER_DB"]},
    )
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["letter.docx"]


def test_dangling_symlink_is_not_replaced_without_force(tmp_path):
    link = tmp_path / "letter.docx"
    link.symlink_to(tmp_path / "nowhere.docx")
    with pytest.raises(OutputExistsError, match="link"):
        atomic_write_bytes(link, b"new")
    assert link.is_symlink()
    atomic_write_bytes(link, b"new", force=True)  # --force replaces the link itself
    assert not link.is_symlink() and link.read_bytes() == b"new"
    assert not (tmp_path / "nowhere.docx").exists()


def test_force_onto_a_symlink_never_writes_through_it(tmp_path):
    precious = tmp_path / "precious.docx"
    precious.write_bytes(b"keep me")
    link = tmp_path / "letter.docx"
    link.symlink_to(precious)
    atomic_write_bytes(link, b"new", force=True)
    assert precious.read_bytes() == b"keep me"
    assert link.read_bytes() == b"new" and not link.is_symlink()


def test_pdf_with_only_an_owner_password_is_read(tmp_path):
    """A PDF that opens without a password (only printing or copying is
    restricted) is read like any other."""
    from conftest import soffice_convert
    from pypdf import PdfReader, PdfWriter

    (pdf,) = soffice_convert([SAMPLE], "pdf:writer_web_pdf_Export", tmp_path / "pdf")
    writer = PdfWriter(clone_from=PdfReader(pdf))
    writer.encrypt(
        user_password="", owner_password="owner-only", algorithm="RC4-128", permissions_flag=0
    )
    restricted = tmp_path / "restricted.pdf"
    with restricted.open("wb") as handle:
        writer.write(handle)
    assert PdfReader(restricted).is_encrypted
    result = CliRunner().invoke(cli, ["inspect", str(restricted), "--json"])
    assert result.exit_code == 0, result.output
    assert "password" not in result.output
    assert '"recommendations"' in result.output


def test_pdf_needing_a_password_is_still_refused(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="user", owner_password="owner", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    result = CliRunner().invoke(cli, ["inspect", str(locked)])
    assert result.exit_code == 1 and "password-protected" in result.output


@pytest.mark.postgres
def test_postgres_data_error_does_not_blame_the_address(tmp_path, postgres_url):
    """A value PostgreSQL refuses (a unit name longer than the column) is the
    file's problem: the hint must not send the user to check --db."""
    rows = tmp_path / "actions.csv"
    rows.write_text("action,unit\nTrain every officer," + "U" * 400 + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["library", "import", str(rows), "--db", postgres_url])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "--db address" not in result.output
    assert "refused a value" in result.output


def test_connection_error_still_points_at_the_address(tmp_path):
    result = CliRunner().invoke(
        cli, ["library", "list", "--db", "postgresql+psycopg://nobody:x@127.0.0.1:1/none"]
    )
    assert result.exit_code == 1
    assert "--db address" in result.output


def test_an_unusable_cache_folder_never_costs_the_letter(tmp_path, monkeypatch):
    """Compiled templates and the matching index are only accelerators."""
    blocker = tmp_path / "blocker.txt"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(blocker / "cache"))
    result = CliRunner().invoke(cli, ["draft", str(SAMPLE), "-o", str(tmp_path / "l.docx")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "l.docx").is_file()


def test_a_full_disk_for_the_template_cache_never_costs_the_letter(tmp_path, monkeypatch):
    import errno

    from jinja2 import FileSystemBytecodeCache

    def full(self, bucket):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemBytecodeCache, "dump_bytecode", full)
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / "cache"))
    result = CliRunner().invoke(cli, ["draft", str(SAMPLE), "-o", str(tmp_path / "l.docx")])
    assert result.exit_code == 0, result.output
