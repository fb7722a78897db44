"""The package layout holds: layers, no cycles, a light start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
STAGES = ("core", "reading", "library", "matching", "review", "letter", "archive", "cli")


def test_import_linter_contracts_hold() -> None:
    """Layers from the front ends down, and no cycle anywhere (pyproject.toml)."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_each_stage_package_says_its_job_and_its_public_api() -> None:
    import importlib

    for name in STAGES:
        package = importlib.import_module(f"drafter.{name}")
        assert package.__doc__ and package.__doc__.strip(), name
        assert package.__all__, name
        for exported in package.__all__:
            assert hasattr(package, exported), f"drafter.{name} lists {exported} but lacks it"


def test_few_modules_sit_loose_at_the_top() -> None:
    loose = sorted(p.name for p in (REPO / "drafter").glob("*.py"))
    packages = [p for p in (REPO / "drafter").iterdir() if (p / "__init__.py").exists()]
    assert len(loose) <= 6, loose
    assert len(packages) >= 5


def test_the_public_api_imports_from_the_top() -> None:
    from drafter import Library, build_plan, match_report, read_report, render_letter

    assert all(callable(x) for x in (Library, build_plan, match_report, read_report, render_letter))


def _modules_loaded_by(code: str, env: dict[str, str]) -> set[str]:
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_help_imports_no_heavy_library() -> None:
    loaded = _modules_loaded_by(
        "from drafter.cli import cli\ntry:\n    cli(['--help'])\nexcept SystemExit:\n    pass",
        dict(os.environ),
    )
    for heavy in (
        *("sqlalchemy", "alembic", "numpy", "docx", "bs4", "pdfplumber", "jinja2", "yaml"),
        *("rapidfuzz", "lxml", "sqlite3", "platformdirs", "flask", "waitress"),
        # drafter's own: --help needs the commands, not the stages or records.
        *("drafter.core.model", "drafter.reading", "drafter.library", "drafter.letter"),
    ):
        assert heavy not in loaded, heavy


@pytest.mark.parametrize("report_name", ["ashvale_pdu_2025.html"])
def test_a_second_draft_opens_neither_sqlalchemy_nor_alembic(tmp_path: Path, report_name) -> None:
    """Once the library is set up and its index cached, drafting reads the
    schema and content version with one sqlite3 query and loads the index."""
    env = dict(
        os.environ,
        DRAFTER_DB=f"sqlite:///{tmp_path / 'lib.db'}",
        DRAFTER_CACHE_DIR=str(tmp_path / "cache"),
    )
    report = REPO / "samples" / report_name
    draft = (
        "from drafter.cli import cli\n"
        f"args = ['draft', {str(report)!r}, '-o', {str(tmp_path / 'a.docx')!r}, '--force']\n"
        "try:\n    cli(args)\n"
        "except SystemExit as exc:\n    assert not exc.code, exc.code"
    )
    first = _modules_loaded_by(draft, env)
    assert "sqlalchemy" in first  # the first run creates and fills the library
    second = _modules_loaded_by(draft, env)
    assert "sqlalchemy" not in second
    assert "alembic" not in second
    assert (tmp_path / "a.docx").exists()


def test_a_second_draft_of_a_text_report_reads_no_yaml_and_no_other_format(
    tmp_path: Path, shared_dir: Path
) -> None:
    """A text report needs neither the HTML, PDF and Word readers nor YAML (the
    concept lexicon is kept parsed in the cache folder) nor the database
    layer; which modules a process loaded is checked, not how long it took."""
    env = dict(
        os.environ,
        DRAFTER_DB=f"sqlite:///{tmp_path / 'lib.db'}",
        DRAFTER_CACHE_DIR=str(tmp_path / "cache"),
    )
    report = shared_dir / "seeds" / "inspection_report_redcar_cleveland_middlesbrough_2025.txt"
    draft = (
        "from drafter.cli import cli\n"
        f"args = ['draft', {str(report)!r}, '-o', {str(tmp_path / 'a.docx')!r}, '--force']\n"
        "try:\n    cli(args)\n"
        "except SystemExit as exc:\n    assert not exc.code, exc.code"
    )
    _modules_loaded_by(draft, env)  # sets up the library and the caches
    second = _modules_loaded_by(draft, env)
    for unneeded in (
        *("yaml", "sqlalchemy", "alembic", "bs4", "html5lib", "pdfplumber", "pypdf"),
        *("pypdfium2", "odf", "flask", "waitress", "drafter.reading.formats"),
        *("drafter.archive", "drafter.check", "drafter.web", "drafter.cli.review_dialogue"),
    ):
        assert unneeded not in second, unneeded
    assert "drafter.letter.document" in second and (tmp_path / "a.docx").exists()
