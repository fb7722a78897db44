"""Safe file handling: no silent overwrite, atomic writes, size limits."""

from __future__ import annotations

import errno
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drafter.core.errors import InputFileError, OutputExistsError, OutputWriteError
from drafter.core.fileio import (
    atomic_write_bytes,
    atomic_write_text,
    check_input_file,
    read_input_bytes,
    sha256_bytes,
)


def test_missing_file_says_so(tmp_path):
    with pytest.raises(InputFileError, match="Cannot find the file"):
        check_input_file(tmp_path / "nope.pdf")


def test_empty_file_is_refused(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(InputFileError, match="is empty"):
        read_input_bytes(empty)


def test_folder_is_refused(tmp_path):
    with pytest.raises(InputFileError, match="is a folder"):
        check_input_file(tmp_path)


def test_oversized_file_is_refused_before_reading(tmp_path, monkeypatch):
    big = tmp_path / "big.pdf"
    big.write_bytes(b"x" * 2048)
    opened = []
    real_open = type(big).open
    monkeypatch.setattr(
        type(big), "open", lambda self, *a, **k: opened.append(self) or real_open(self, *a, **k)
    )
    with pytest.raises(InputFileError, match="over the"):
        read_input_bytes(big, max_bytes=1024)
    assert opened == [], "the file must not be opened when it is over the limit"


def test_atomic_write_refuses_to_overwrite_without_force(tmp_path):
    target = tmp_path / "letter.docx"
    target.write_bytes(b"the user's edits")
    with pytest.raises(OutputExistsError, match="--force"):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"the user's edits"
    atomic_write_bytes(target, b"new", force=True)
    assert target.read_bytes() == b"new"


def test_atomic_write_leaves_no_temp_files(tmp_path):
    atomic_write_text(tmp_path / "out" / "a.txt", "hello & goodbye")
    assert (tmp_path / "out" / "a.txt").read_text() == "hello & goodbye"
    assert os.listdir(tmp_path / "out") == ["a.txt"]


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "a.txt"
    target.write_text("old")

    def broken_replace(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputWriteError, match="disk is full"):
        atomic_write_text(target, "new", force=True)
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["a.txt"]


@given(st.binary(max_size=256))
def test_sha256_is_stable_hex(data):
    digest = sha256_bytes(data)
    assert len(digest) == 64 and digest == sha256_bytes(bytes(data))


def test_new_files_follow_the_umask_not_private(tmp_path):
    old = os.umask(0o022)
    try:
        written = atomic_write_bytes(tmp_path / "letter.docx", b"x")
    finally:
        os.umask(old)
    assert written.stat().st_mode & 0o777 == 0o644


def test_replacing_a_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "shared.docx"
    target.write_bytes(b"old")
    target.chmod(0o664)
    atomic_write_bytes(target, b"new", force=True)
    assert target.stat().st_mode & 0o777 == 0o664


# --- zip limits (zip bombs) -----------------------------------------------------------


def _zip_declaring(size: int, real: bytes = b"x") -> bytes:
    """A small stored zip whose directory claims one member unzips to ``size``."""
    import io
    import struct
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("word/document.xml", real)
    data = bytearray(buffer.getvalue())
    # Rewrite the uncompressed size in the central directory entry.
    entry = data.rindex(b"PK\x01\x02")
    struct.pack_into("<I", data, entry + 24, size)
    return bytes(data)


def test_a_zip_declaring_a_huge_size_is_refused():
    from drafter.core.fileio import check_zip_limits

    data = _zip_declaring(3 * 1024 * 1024)
    assert len(data) < 500
    with pytest.raises(InputFileError, match="expands to more than 1 MB when opened"):
        check_zip_limits(data, max_unzipped=1024 * 1024, name="'bomb.docx'")


def test_a_zip_that_understates_its_size_is_caught_while_unzipping():
    import io
    import zipfile

    from drafter.core.fileio import check_zip_limits

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (3 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 20_000
    with pytest.raises(InputFileError, match="expands to more than"):
        check_zip_limits(data, max_unzipped=1024 * 1024)
    check_zip_limits(data, max_unzipped=4 * 1024 * 1024)  # within the limit: fine


@given(st.binary(max_size=300))
def test_zip_limits_let_anything_that_is_not_a_zip_through(data):
    from drafter.core.fileio import check_zip_limits

    check_zip_limits(data, max_unzipped=10)
