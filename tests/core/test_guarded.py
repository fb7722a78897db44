"""The guarded way in: whatever text a YAML, JSON or TOML file holds, the
loaders return data or raise one plain error, never RecursionError,
ValueError or a runaway expansion."""

from __future__ import annotations

import contextlib
import json
import tomllib

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from drafter.core.errors import DrafterError, InputFileError, ReviewFileError
from drafter.core.guarded import MAX_DEPTH, load_json, load_toml, load_yaml

NAME = "'test.yaml'"
PIECES = st.sampled_from(
    ["[", "]", "{", "}", "&a ", "*a", "- ", "a: ", "\n", " ", "9" * 40, "2024-02-30", '"', ",", "1"]
)


@given(st.lists(PIECES, max_size=60).map("".join))
def test_yaml_gives_data_or_a_plain_error(text):
    with contextlib.suppress(ReviewFileError, yaml.YAMLError):
        load_yaml(text, name=NAME, error=ReviewFileError)


@given(st.lists(PIECES, max_size=60).map("".join))
def test_json_gives_data_or_a_plain_error(text):
    with contextlib.suppress(InputFileError, json.JSONDecodeError):
        load_json(text, name=NAME)


@given(st.lists(PIECES, max_size=60).map("".join))
def test_toml_gives_data_or_a_plain_error(text):
    with contextlib.suppress(InputFileError, tomllib.TOMLDecodeError):
        load_toml("x = " + text, name=NAME, error=InputFileError)


def test_yaml_refuses_aliases_and_anchors_with_the_line():
    with pytest.raises(ReviewFileError, match="line 2: '\\*a' repeats"):
        load_yaml("- x\n- *a\n", name=NAME, error=ReviewFileError)
    with pytest.raises(ReviewFileError, match="line 1: '&a' marks"):
        load_yaml("a: &a [1, 2]\n", name=NAME, error=ReviewFileError)


def test_nesting_just_inside_the_limit_is_read():
    depth = MAX_DEPTH - 2
    assert load_json("[" * depth + "]" * depth, name=NAME) == _nested(depth)
    assert load_yaml("[" * depth + "]" * depth, name=NAME, error=DrafterError) == _nested(depth)


def test_nesting_past_the_limit_is_refused():
    depth = MAX_DEPTH + 5
    with pytest.raises(InputFileError, match="nested more than"):
        load_json("[" * depth + "]" * depth, name=NAME)
    with pytest.raises(DrafterError, match="nested more than"):
        load_yaml("[" * depth + "]" * depth, name=NAME, error=DrafterError)
    with pytest.raises(DrafterError, match="nested more than"):
        load_toml("x = " + "[" * depth + "]" * depth, name=NAME, error=DrafterError)


def test_ordinary_values_are_untouched():
    assert load_yaml("a: 12\nb: 2024-02-28\n", name=NAME, error=DrafterError) == {
        "a": 12,
        "b": __import__("datetime").date(2024, 2, 28),
    }
    assert load_json('{"n": 123456789012345}', name=NAME) == {"n": 123456789012345}
    assert load_toml('[letter]\nsign_off = "Yours"\n', name=NAME, error=DrafterError) == {
        "letter": {"sign_off": "Yours"}
    }


def _nested(depth: int):
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


# --- OpenDocument XML and web archives --------------------------------------------------


def _xml(levels: int) -> bytes:
    return b"<?xml version='1.0'?>" + b"<a>" * levels + b"x" + b"</a>" * levels


def test_xml_nested_to_the_limit_is_read_and_one_deeper_refused():
    import io

    from drafter.core.guarded import check_xml_depth

    check_xml_depth(io.BytesIO(_xml(MAX_DEPTH)), name="'ok.odt'")
    with pytest.raises(InputFileError, match=r"'deep.odt' is nested more than 100 levels"):
        check_xml_depth(io.BytesIO(_xml(MAX_DEPTH + 1)), name="'deep.odt'")


def test_broken_xml_and_broken_zips_are_left_to_the_document_reader():
    import io

    from drafter.core.guarded import check_xml_depth, check_zip_xml_depth

    check_xml_depth(io.BytesIO(b"<a><b></a>" + b"<c>" * 500), name="'x.odt'")
    check_zip_xml_depth(b"PK\x03\x04 not really a zip", name="'x.odt'")


def test_every_xml_part_of_a_zip_is_checked():
    import io
    import zipfile

    from drafter.core.guarded import check_zip_xml_depth

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", _xml(3))
        archive.writestr("Pictures/deep.png", _xml(500))  # not XML by name: not parsed
        archive.writestr("styles.xml", _xml(MAX_DEPTH + 1))
    with pytest.raises(ReviewFileError, match="nested more than"):
        check_zip_xml_depth(buffer.getvalue(), name="'x.odt'", error=ReviewFileError)


def test_web_archive_groups_of_parts_are_counted_with_folded_headers():
    from drafter.core.guarded import MAX_MIME_GROUPS, check_mime_groups

    def archive(groups: int) -> bytes:
        header = b"Content-Type:\r\n multipart/related; boundary=b\r\n"
        return b"MIME-Version: 1.0\r\n" + header * groups + b"\r\n--b--\r\n"

    check_mime_groups(archive(MAX_MIME_GROUPS), name="'ok.mhtml'")
    with pytest.raises(InputFileError, match=r"'x.mhtml' holds more than 20 groups of parts"):
        check_mime_groups(archive(MAX_MIME_GROUPS + 1), name="'x.mhtml'")
