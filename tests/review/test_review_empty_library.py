"""`drafter review` on an empty library: no suggestions, but every other choice
works, so a reviewer can write all-new actions."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from drafter.cli.commands import cli
from drafter.library.store import Library
from drafter.review.file import load_review

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "ashvale_pdu_2025.html"


def test_review_on_an_empty_library_lets_the_reviewer_write_new_actions(tmp_path: Path):
    report = tmp_path / "ashvale.html"
    shutil.copy(SAMPLE, report)
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    answers = [
        "n Probation staff will hold a weekly call with the police domestic abuse unit.",
        "x",
        "l",
        "q",
    ]
    result = CliRunner().invoke(
        cli, ["review", str(report), "--db", url, "--no-editor"], input="\n".join(answers) + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert result.output.count("No suggestions in the library") >= 3  # each one shown
    assert "Candidates:" not in result.output
    review = load_review(tmp_path / "ashvale.review.yaml")
    first, second = review.decisions[:2]
    assert first.status == "decided" and first.actions[0].library_id is None
    assert first.actions[0].text.startswith("Probation staff will hold a weekly call")
    assert second.status == "no_action"
    assert Library(url, auto_starter=False).count(status=None) == 0  # nothing invented


def test_review_sheet_on_an_empty_library_is_written(tmp_path: Path):
    report = tmp_path / "ashvale.html"
    shutil.copy(SAMPLE, report)
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    result = CliRunner().invoke(cli, ["review", str(report), "--db", url, "--sheet"])
    assert result.exit_code == 0, result.output
    review = load_review(tmp_path / "ashvale.review.yaml")
    assert review.decisions and all(not d.suggestions for d in review.decisions)


def test_match_on_an_empty_library_is_still_refused(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    result = CliRunner().invoke(cli, ["match", "--db", url, "--text", "reduce caseloads"])
    assert result.exit_code == 1 and "drafter library init" in result.output
