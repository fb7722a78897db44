"""Removing a letter that replaced an earlier one gives the earlier letter back
exactly as it was: an action retired before the replacement stays retired."""

from __future__ import annotations

import json

from click.testing import CliRunner

from drafter.cli.commands import cli

UNIT = "Thornbeck PDU"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def _letter(tmp_path, name: str, when: str, actions: list[str]):
    bullets = "\n".join(f"- {a}" for a in actions)
    path = tmp_path / name
    path.write_text(
        f"Rosa Whitlow\nHM Chief Inspector of Probation\n\n{when}\n\nDear Rosa,\n\n"
        f"Thank you for your inspection report for {UNIT}. The steps we will take "
        f"include the following.\n\n{bullets}\n\n"
        "Yours sincerely\n\nGareth Innes\nRegional Probation Director\n",
        encoding="utf-8",
    )
    return path


def _statuses(db: str) -> dict[str, str]:
    listed = run("library", "list", "--all", "--json", "--db", db)
    assert listed.exit_code == 0, listed.output
    return {a["action"]: a["status"] for a in json.loads(listed.stdout)}


def test_removing_the_replacement_keeps_a_retired_action_retired(db_url, tmp_path):
    earlier = _letter(
        tmp_path,
        "earlier.txt",
        "4 February 2025",
        [
            "Reception staff will log every missed appointment the same day.",
            "A monthly clinic on safeguarding referrals will start in March 2025.",
            "The PDU will publish a quarterly summary of breach decisions.",
        ],
    )
    added = run("archive", "add", str(earlier), "--json", "--db", db_url)
    assert added.exit_code == 0, added.output
    by_text = {a["text"]: a["action_id"] for a in json.loads(added.stdout)["actions"]}
    retired_text = "A monthly clinic on safeguarding referrals will start in March 2025."
    retired = run("library", "retire", str(by_text[retired_text]), "--db", db_url)
    assert retired.exit_code == 0, retired.output
    before = _statuses(db_url)
    assert before[retired_text] == "retired"

    later = _letter(
        tmp_path,
        "later.txt",
        "9 October 2025",
        ["Every case transferred in will be reallocated within five working days."],
    )
    replaced = run("archive", "add", str(later), "--supersedes", "--json", "--db", db_url)
    assert replaced.exit_code == 0, replaced.output
    later_id = json.loads(replaced.stdout)["id"]
    while_replaced = _statuses(db_url)
    assert while_replaced[retired_text] == "retired"
    assert [t for t, s in while_replaced.items() if s == "superseded"] == [
        t for t, s in before.items() if s == "active"
    ]

    removed = run("archive", "remove", str(later_id), "--yes", "--db", db_url)
    assert removed.exit_code == 0, removed.output
    assert _statuses(db_url) == before
    shown = run("library", "show", str(by_text[retired_text]), "--json", "--db", db_url)
    assert "before_replaced" not in shown.stdout
