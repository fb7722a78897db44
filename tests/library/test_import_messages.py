"""`drafter library import` of a malformed file: where it is wrong and what is
wrong, in plain words, on one line ending in a full stop."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafter.cli.commands import cli
from drafter.core.errors import InputFileError
from drafter.library.transfer import read_rows


def import_file(path, sqlite_url):
    return CliRunner().invoke(cli, ["library", "import", str(path), "--db", sqlite_url])


def one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].endswith("."), lines[0]
    return lines[0]


@pytest.mark.parametrize(
    "name, content, expected",
    [
        (
            "a.yaml",
            "actions:\n  - action: one\n  - action: [two\n  - action: three\n",
            ["line ", "column ", "bracket"],
        ),
        (
            "b.yaml",
            "actions:\n  - action: Review cases: all of them\n",
            ["line 2, column", "put the value in quotes"],
        ),
        (
            "c.yaml",
            'actions:\n  - action: "never closed\n',
            ["line ", "quotation mark"],
        ),
        (
            "d.yaml",
            "actions:\n  - action: one\n\towner: me\n",
            ["line 3", "tab"],
        ),
        (
            "e.json",
            '[\n  {"action": "one"}\n  {"action": "two"}\n]\n',
            ["line 3, column 3", "a comma is missing between two items"],
        ),
        (
            "f.json",
            '[\n  {"action": "one",}\n]\n',
            ["line 2, column", "comma after the last item"],
        ),
        (
            "g.json",
            "[{'action': 'one'}]",
            ["line 1, column 3", "double quotes"],
        ),
    ],
)
def test_malformed_yaml_and_json_name_the_line_and_the_problem(
    tmp_path, sqlite_url, name, content, expected
):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    line = one_line_error(import_file(path, sqlite_url))
    for fragment in expected:
        assert fragment in line, line
    for jargon in ("while parsing", "flow node", "Expecting", "delimiter", "scanner"):
        assert jargon not in line, line


def test_a_malformed_jsonl_line_is_named_by_number(tmp_path, sqlite_url):
    path = tmp_path / "actions.jsonl"
    path.write_text('{"action": "one"}\n{"action": "two"\n{"action": "three"}\n', encoding="utf-8")
    line = one_line_error(import_file(path, sqlite_url))
    assert "row 2: not valid JSON at column 17" in line
    assert "comma is missing" in line and "1 invalid row in" in line


def test_a_csv_the_reader_cannot_parse_names_the_row(tmp_path, sqlite_url):
    path = tmp_path / "actions.csv"
    # An opening quote never closed swallows the rest of the file into one cell.
    path.write_text('id,action\nA1,first\nA2,"never closed\n' + "words " * 40_000 + "\n")
    line = one_line_error(import_file(path, sqlite_url))
    assert "at row 3" in line and "quotation mark that is never closed" in line


def test_plural_and_singular_in_invalid_row_messages(tmp_path, sqlite_url):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"action": ""}\n{"action": ""}\n', encoding="utf-8")
    assert "2 invalid rows in" in one_line_error(import_file(path, sqlite_url))


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet="[]{}:,-\"' \n\tab#&*!|>", max_size=40))
def test_any_malformed_yaml_or_json_is_a_plain_error_or_rows(tmp_path, text):
    for suffix in (".yaml", ".json"):
        path = tmp_path / f"actions{suffix}"
        path.write_text(text + "\n", encoding="utf-8")
        try:
            read_rows(path)
        except InputFileError as error:
            message = str(error)
            assert "\n" not in message.strip() and message.endswith(".")
            assert "while parsing" not in message and "Expecting" not in message


def test_valid_json_still_reads(tmp_path):
    path = tmp_path / "ok.json"
    path.write_text(json.dumps([{"action": "one"}]), encoding="utf-8")
    assert read_rows(path) == [(1, {"action": "one"})]
