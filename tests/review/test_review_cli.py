"""``drafter review`` as a user runs it: typed answers through CliRunner, a real
terminal through pexpect (with $EDITOR and Ctrl-C), the hand-editing sheet,
the status summary, and every error a user can cause."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafter.cli.commands import cli
from drafter.library.store import Library
from drafter.review.file import load_review

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "samples" / "ashvale_pdu_2025.html"


@pytest.fixture
def report(tmp_path: Path) -> Path:
    target = tmp_path / "ashvale.html"
    shutil.copy(SAMPLE, target)
    return target


def run(*args: str, input: str | None = None, env: dict | None = None):
    return CliRunner().invoke(cli, ["review", *map(str, args)], input=input, env=env)


def one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(cli, ["review", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "--sheet" in result.output


def test_typed_session_accept_swap_edit_new_no_action_then_resume(
    report: Path, tmp_path: Path
) -> None:
    answers = [
        "a 1",  # recommendation 1: accept the best candidate
        "s 2",  # 2: swap to the second
        "g 2",  # 3: partly agreed, with an owner and date, then edit candidate 1 inline
        "o Head of PDU",
        "t March 2026",
        "e 1",
        "Senior managers will run a monthly contingency planning clinic.",
    ]
    first = run(report, "--no-editor", input="\n".join(answers) + "\n")
    assert first.exit_code == 130, first.output  # input ran out: as if Ctrl-C
    assert "Saved. Run the same command to carry on." in first.output
    review_path = tmp_path / "ashvale.review.yaml"
    review = load_review(review_path)
    one, two, three = review.decisions[:3]
    assert one.status == two.status == three.status == "decided"
    # A swap notes the candidate passed over; it is not taught as a rejection.
    assert two.rejected == [] and len(two.passed_over) == 1
    assert two.passed_over[0] != two.actions[0].library_id
    assert three.agreement == "Partly agreed" and three.owner == "Head of PDU"
    assert three.target_date == "March 2026" and three.actions[0].edited
    assert three.actions[0].text.startswith("Senior managers will run a monthly")

    verdicts = {(d.action_id, d.verdict) for d in Library().feedback()}
    assert (one.actions[0].library_id, "accepted") in verdicts
    assert (two.actions[0].library_id, "accepted") in verdicts
    assert not any(verdict == "rejected" for _, verdict in verdicts)

    second = run(report, input="n\nWe will run evening appointments in two villages.\nx\n")
    assert second.exit_code == 130, second.output  # stopped at recommendation 6
    assert "Carrying on from ashvale.review.yaml: 3 of 6" in second.output
    assert "Recommendation 4 of 6" in second.output
    assert "Recommendation 1 of 6" not in second.output
    review = load_review(review_path)
    assert [d.status for d in review.decisions] == ["decided"] * 4 + ["no_action", "pending"]
    assert review.decisions[3].actions[-1].library_id is None
    assert review.decisions[3].actions[-1].text.startswith("We will run evening")


def test_quit_exits_zero_and_rerun_resumes(report: Path, tmp_path: Path) -> None:
    result = run(report, input="a 1\nq\n")
    assert result.exit_code == 0
    assert "Saved. Run the same command to carry on." in result.output
    again = run(report, input="q\n")
    assert "Recommendation 2 of 6" in again.output
    assert "Recommendation 1 of 6" not in again.output
    restarted = run(report, "--restart", input="q\n")
    assert "Recommendation 1 of 6" in restarted.output


def test_edit_in_editor(report: Path, tmp_path: Path) -> None:
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys\n"
        "path = sys.argv[1]\n"
        "text = open(path, encoding='utf-8').read()\n"
        "open(path, 'w', encoding='utf-8').write('Reworded by the editor. ' + text)\n"
    )
    env = {"EDITOR": f"{sys.executable} {script}", "VISUAL": ""}
    result = run(report, input="e 1\nq\n", env=env)
    assert result.exit_code == 0, result.output
    action = load_review(tmp_path / "ashvale.review.yaml").decisions[0].actions[0]
    assert action.text.startswith("Reworded by the editor. ") and action.edited
    assert "#" not in action.text  # the instructions were stripped


def test_sheet_writes_without_prompting_and_never_overwrites(report: Path, tmp_path: Path) -> None:
    result = run(report, "--sheet")
    assert result.exit_code == 0, result.output
    path = tmp_path / "ashvale.review.yaml"
    assert f"Wrote {path}" in result.output
    text = path.read_text()
    assert text.startswith("# drafter review file") and "suggestions:" in text
    review = load_review(path)
    assert len(review.decisions) == 6 and review.pending()
    assert review.decisions[0].suggestions

    again = run(report, "--sheet")
    one_line_error(again, "already exists and may hold decisions", "--force")
    forced = run(report, "--sheet", "--accept-best", "--force", "--json")
    assert forced.exit_code == 0
    data = json.loads(forced.output)
    assert data["summary"]["decided"] >= 1 and data["path"] == str(path)


def test_sheet_edited_by_hand_is_then_reviewed(report: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine.yaml"
    assert run(report, "--sheet", "-o", out).exit_code == 0
    text = out.read_text().replace("status: pending", "status: no_action", 1)
    out.write_text(text)
    result = run(report, "-o", out, input="q\n")
    assert "Recommendation 2 of 6" in result.output


def test_status_text_and_json(report: Path, tmp_path: Path) -> None:
    run(report, input="a 1\nx\nq\n")
    result = run(report, "--status")
    assert result.exit_code == 0
    assert "6 recommendations, 1 decided, 1 with no action yet, 4 pending." in result.output
    assert "  1. decided, Agreed, 1 action: make sure that police" in result.output
    assert "  2. no action yet: improve the quality of countersigning" in result.output
    assert "  3. pending: " in result.output
    data = json.loads(run(report, "--status", "--json").output)
    assert data["summary"]["pending"] == 4 and data["report_changed"] is False


def test_changed_report_asks_before_carrying_decisions_over(report: Path, tmp_path: Path) -> None:
    run(report, input="a 1\na 1\nq\n")
    html = report.read_text(encoding="utf-8")
    marker = "give probation services officers"
    assert marker in html
    report.write_text(html.replace(marker, "give every probation services officer"))
    declined = run(report, input="n\n")
    one_line_error(declined, "Nothing changed")
    kept = run(report, input="y\nq\n")
    assert "The report has changed" in kept.output
    assert "Kept 2 decisions" in kept.output
    status = json.loads(run(report, "--status", "--json").output)
    assert status["summary"]["decided"] == 2


# --- errors: one plain line, exit 1 ----------------------------------------------------


def test_missing_report(tmp_path: Path) -> None:
    one_line_error(run(tmp_path / "nowhere.html"), "Cannot find the file")


def test_malformed_review_file_names_the_line(report: Path, tmp_path: Path) -> None:
    run(report, "--sheet")
    path = tmp_path / "ashvale.review.yaml"
    lines = path.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip() == "status: pending")
    lines[index] = "  status: finished"
    path.write_text("\n".join(lines) + "\n")
    result = run(report, input="q\n")
    one_line_error(result, f"line {index + 1}", "status 'finished' is not one of")
    one_line_error(run(report, "--status"), f"line {index + 1}")


def test_review_file_for_a_different_report(report: Path, tmp_path: Path) -> None:
    from drafter.core.model import Report
    from drafter.review.file import build_review, save_review

    other = Report.from_dict(
        {
            "kind": "pdu",
            "unit": "Kelderby PDU",
            "sha256": "9" * 64,
            "recommendations": [
                {"number": 1, "addressee": "Kelderby PDU", "text": "publish a timetable"},
                {"number": 2, "addressee": "Kelderby PDU", "text": "record every hearing"},
            ],
        }
    )
    save_review(build_review(other, []), tmp_path / "k.yaml")
    result = run(report, "-o", tmp_path / "k.yaml", input="q\n")
    one_line_error(result, "was written for a different report (Kelderby PDU)")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--json"], "--json goes with --status or --sheet"),
        (["--status", "--sheet"], "Choose either --status or --sheet"),
        (["--accept-best"], "--accept-best and --force go with --sheet"),
        (["--status"], "There is no review file for this report yet"),
    ],
)
def test_option_mistakes(report: Path, args: list[str], message: str) -> None:
    one_line_error(run(report, *args), message)


# --- a real terminal --------------------------------------------------------------------


def spawn(report: Path, tmp_path: Path, *extra: str):
    pexpect = pytest.importorskip("pexpect")
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys\n"
        "open(sys.argv[1], 'w').write('Practitioners will agree a plan at a three-way meeting.')\n"
    )
    env = {
        **os.environ,
        "EDITOR": f"{sys.executable} {script}",
        "VISUAL": "",
        "PYTHONPATH": str(REPO),
        "COLUMNS": "100",
    }
    return pexpect.spawn(
        sys.executable,
        ["-m", "drafter", "review", str(report), *extra],
        env=env,
        cwd=str(tmp_path),
        encoding="utf-8",
        timeout=60,
    )


def test_terminal_session_with_editor_and_ctrl_c(report: Path, tmp_path: Path) -> None:
    child = spawn(report, tmp_path)
    prompt = r"Choose \(a/s"
    child.expect("Recommendation 1 of 6")
    child.expect(prompt)
    child.sendline("a 1")
    child.expect("Recommendation 2 of 6")
    child.expect(prompt)
    child.sendline("s 2")
    child.expect("Recommendation 3 of 6")
    child.expect(prompt)
    child.sendline("e 1")  # the editor script rewrites the wording
    child.expect("Recommendation 4 of 6")
    child.expect(prompt)
    child.sendline("n")
    child.expect("Write the new action")
    child.sendline("Case discussions on domestic abuse will be held monthly.")
    child.expect("Recommendation 5 of 6")
    child.expect(prompt)
    child.sendline("x")
    child.expect("Recommendation 6 of 6")
    child.expect(prompt)
    child.sendintr()
    child.expect("Saved. Run the same command to carry on.")
    child.expect(pytest.importorskip("pexpect").EOF)
    child.close()
    assert child.exitstatus == 130

    review = load_review(tmp_path / "ashvale.review.yaml")
    assert [d.status for d in review.decisions] == ["decided"] * 4 + ["no_action", "pending"]
    assert review.decisions[2].actions[0].text == (
        "Practitioners will agree a plan at a three-way meeting."
    )
    assert review.decisions[3].actions[0].library_id is None

    child = spawn(report, tmp_path)
    child.expect("Recommendation 6 of 6")
    child.expect(prompt)
    child.sendline("q")
    child.expect(pytest.importorskip("pexpect").EOF)
    child.close()
    assert child.exitstatus == 0


def test_decisions_typed_into_the_sheet_reach_the_library(report: Path, tmp_path: Path) -> None:
    from drafter.review.file import ChosenAction, save_review

    assert run(report, "--sheet").exit_code == 0
    path = tmp_path / "ashvale.review.yaml"
    review = load_review(path)
    # The first recommendation with two suggestions to choose between.
    first = next(d for d in review.decisions if len(d.suggestions) >= 2)
    chosen, turned_down = first.suggestions[1], first.suggestions[0]
    first.status = "decided"
    first.actions = [ChosenAction(chosen.text, chosen.library_id)]
    first.rejected = [turned_down.library_id, 99999]
    save_review(review, path)
    result = run(report, input="q\n")
    assert result.exit_code == 0
    assert "action #99999 was not recorded" in result.output
    verdicts = {(d.action_id, d.verdict) for d in Library().feedback()}
    assert (chosen.library_id, "accepted") in verdicts
    assert (turned_down.library_id, "rejected") in verdicts


def test_empty_library_named_explicitly_still_allows_a_review(report: Path, tmp_path: Path) -> None:
    # A reviewer with no library yet writes every action (see
    # tests/test_review_empty_library.py); matching alone still refuses.
    result = run(report, "--db", f"sqlite:///{tmp_path / 'empty.db'}", input="q\n")
    assert result.exit_code == 0, result.output
    assert "No suggestions in the library" in result.output
    assert (tmp_path / "ashvale.review.yaml").exists()


def test_decisions_recorded_on_sqlite_and_postgresql(report: Path, db_url: str) -> None:
    init = CliRunner().invoke(cli, ["library", "init", "--db", db_url])
    assert init.exit_code == 0, init.output
    # Recommendation 1 has one good suggestion: leave it, swap on recommendation 2.
    result = run(report, "--db", db_url, input="l\ns 2\nq\n")
    assert result.exit_code == 0, result.output
    decision = load_review(report.with_name("ashvale.review.yaml")).decisions[1]
    library = Library(db_url)
    verdicts = {(d.action_id, d.verdict) for d in library.feedback()}
    library.db.dispose()
    assert verdicts == {(decision.actions[0].library_id, "accepted")}
    assert decision.passed_over and not decision.rejected


def test_a_swap_leaves_later_suggestions_for_the_same_wording_in_proportion(
    report: Path, tmp_path: Path
) -> None:
    # The second audit: after "s 2" the next report worded alike lost candidate 1
    # entirely and showed the chosen one at 85 ("says much the same thing").
    def first_candidates() -> list[dict]:
        result = CliRunner().invoke(cli, ["match", str(report), "--json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        matches = data["matches"] if isinstance(data, dict) else data
        return matches[1]["candidates"]

    before = first_candidates()
    assert len(before) >= 2
    # Recommendation 1 has one good suggestion: leave it, swap on recommendation 2.
    result = run(report, input="l\ns 2\nq\n")
    assert result.exit_code == 0, result.output
    after = {c["id"]: c for c in first_candidates()}
    assert before[0]["id"] in after  # passed over, not struck off
    chosen = after[before[1]["id"]]
    assert chosen["score"] <= before[1]["score"] + 10.0001
    assert chosen["score"] < 85 or before[1]["score"] >= 85
    assert "accepted before for a similar recommendation" in chosen["reason"]


def test_a_key_twice_in_the_review_file_is_a_one_line_error_at_the_second(
    report: Path, tmp_path: Path
) -> None:
    assert run(report, "--sheet").exit_code == 0
    sheet = tmp_path / "ashvale.review.yaml"
    lines = sheet.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == "status: pending")
    lines.insert(at + 1, lines[at].replace("pending", "decided"))
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(report, "--status")
    one_line_error(result, f"line {at + 2}: 'status' is given twice", f"first on line {at + 1}")


def test_the_screen_fits_a_narrow_terminal_without_splitting_words(report: Path) -> None:
    result = run(report, input="?\nzz\nq\n", env={"COLUMNS": "50"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()  # the review screen, not stderr notices
    too_wide = [ln for ln in lines if len(ln) > 50 and " " in ln.strip() and "Choose (" not in ln]
    assert too_wide == []
    text = result.output
    assert "show this help" in text and "find in the library" in text
    # Words the help uses stay whole however the lines break.
    for word in ("candidate", "agreement", "previous", "library"):
        assert word in text
    assert "candi-" not in text and "candi\n" not in text


def _two_action_library(url: str) -> None:
    """A library that answers the sample's first recommendation well and the
    rest only weakly (training for unpaid work supervisors)."""
    library = Library(url, auto_starter=False)
    library.add_action(
        "Police call-out information will be requested for every new case and children's "
        "social care checks made at allocation.",
        recommendation="make sure domestic abuse and safeguarding checks are requested "
        "for every new case",
        unit="Testshire PDU",
    )
    library.add_action(
        "Unpaid work supervisors will attend structured training in risk assessment and "
        "domestic abuse awareness.",
        recommendation="provide training for unpaid work supervisors",
        unit="Testshire PDU",
    )
    library.db.dispose()


def test_a_weak_suggestion_is_shown_marked_and_taken_with_one_keystroke(
    report: Path, sqlite_url: str
) -> None:
    _two_action_library(sqlite_url)
    # Recommendation 1 has a good match; 2 only weak ones: take the first anyway.
    result = run(report, "--db", sqlite_url, input="a 1\na 1\nq\n")
    assert result.exit_code == 0, result.output
    assert "Nothing in the library clears the match line" in result.output
    assert re.search(r"\[1\] \d+ weak  Testshire PDU", result.output)
    assert "Accepted candidate 1 (weak). Saved." in result.output
    saved = load_review(report.with_name("ashvale.review.yaml")).decisions
    assert saved[1].status == "decided"
    assert saved[1].actions[0].text.startswith("Unpaid work supervisors will attend")
    assert any(s.weak for s in saved[2].suggestions)  # later ones keep their weak marks


def test_the_sheet_marks_weak_suggestions_and_accept_best_leaves_them_pending(
    report: Path, sqlite_url: str
) -> None:
    _two_action_library(sqlite_url)
    result = run(report, "--db", sqlite_url, "--sheet", "--accept-best")
    assert result.exit_code == 0, result.output
    path = report.with_name("ashvale.review.yaml")
    decisions = load_review(path).decisions
    assert decisions[0].status == "decided"  # a good match: taken
    weak = [d for d in decisions if d.suggestions and all(s.weak for s in d.suggestions)]
    assert weak and all(d.status == "pending" for d in weak)
    assert "weak: true" in path.read_text(encoding="utf-8")
