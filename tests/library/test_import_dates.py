"""Library import reads dates as spreadsheets write them (day first, UK)."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from drafter.cli.commands import cli
from drafter.core.errors import LibraryError
from drafter.library.store import Library
from drafter.library.transfer import RowProblem, import_actions, validate_row


@pytest.mark.parametrize(
    "written, expected",
    [
        ("31/12/2024", date(2024, 12, 31)),
        ("31/12/2024 00:00", date(2024, 12, 31)),
        ("1/4/25", date(2025, 4, 1)),
        ("31.12.2024", date(2024, 12, 31)),
        ("2024-12-31", date(2024, 12, 31)),
        ("31 December 2024", date(2024, 12, 31)),
    ],
)
def test_a_row_date_may_be_written_the_uk_way(written, expected):
    record = validate_row(2, {"action": "Audit supervision every month.", "date": written})
    assert not isinstance(record, RowProblem), record
    assert record.committed_on == expected


def test_a_csv_saved_by_excel_imports_with_its_dates(sqlite_url, tmp_path):
    path = tmp_path / "actions.csv"
    path.write_text(
        "action,unit,date\n"
        "Audit supervision every month.,Fellgate PDU,31/12/2024\n"
        "Run risk clinics each week.,Fellgate PDU,01/04/2025\n",
        encoding="utf-8",
    )
    library = Library(sqlite_url)
    import_actions(library, path)
    dates = {a.text: a.committed_on for a in library.actions()}
    assert dates == {
        "Audit supervision every month.": date(2024, 12, 31),
        "Run risk clinics each week.": date(2025, 4, 1),
    }


def test_a_date_that_is_no_day_is_still_refused(sqlite_url, tmp_path):
    path = tmp_path / "actions.csv"
    path.write_text("action,date\nAudit supervision.,31/02/2024\n", encoding="utf-8")
    with pytest.raises(LibraryError, match="date '31/02/2024' is not a date"):
        import_actions(Library(sqlite_url), path)
    result = CliRunner().invoke(cli, ["library", "import", str(path), "--db", sqlite_url])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "31/02/2024" in result.output
