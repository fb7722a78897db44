"""The README's quick start and CI must agree."""

from __future__ import annotations

import re

from conftest import REPO


def quick_start_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```\n(.+?)\n```", quick_start)


def test_quick_start_has_exactly_two_commands():
    commands = quick_start_commands()
    assert len(commands) == 2
    assert "drafter draft samples/" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_exactly():
    ci_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert quick_start_commands()[1] in [line.strip() for line in ci_lines]


def test_every_command_is_documented_in_the_readme():
    from drafter.cli.commands import cli

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"drafter {name}" in readme, name
