"""The ``drafter`` command line: a thin layer over the library API.

Each command parses options, calls one library function and prints the result.
Errors the user can fix arrive as :class:`drafter.errors.DrafterError` and are
printed as one plain-English line with a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from .errors import DrafterError


class DrafterGroup(click.Group):
    """A click group that turns DrafterError into a one-line message."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DrafterError as exc:
            raise click.ClickException(str(exc)) from exc
        except KeyboardInterrupt:
            click.echo("\nStopped. Nothing half-written was kept.", err=True)
            sys.exit(130)


def db_option(func: Any) -> Any:
    """``--db URL`` on every command that uses the database (also $DRAFTER_DB)."""
    return click.option(
        "--db",
        "db_url",
        envvar="DRAFTER_DB",
        metavar="URL",
        help="Database to use: a file path or SQLAlchemy URL "
        "(default: drafter.db in your data folder; also $DRAFTER_DB).",
    )(func)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


@click.group(cls=DrafterGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="drafter")
def cli() -> None:
    """Draft HMPPS responses to HM Inspectorate of Probation reports.

    \b
    Example:
        drafter inspect samples/report.html
        drafter draft samples/report.html -o draft.docx
    """


# --- inspect (reading) -------------------------------------------------------


@cli.command("inspect")
@click.argument("report_path", metavar="REPORT", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the full record as JSON.")
@click.option(
    "--max-mb",
    type=click.IntRange(1, 1024),
    default=50,
    show_default=True,
    help="Refuse files larger than this many megabytes.",
)
def inspect_command(report_path: str, as_json: bool, max_mb: int) -> None:
    """Read an inspection report and show what drafter found in it.

    REPORT may be the saved web page (.html), a PDF, a Word document (.docx)
    or text pasted into a .txt or .md file. Shows the unit, region,
    fieldwork month, ratings, the recommendations by addressee, and the
    number of strengths and areas for improvement.

    \b
    Example:
        drafter inspect samples/ashvale_pdu_2025.html
        drafter inspect report.pdf --json > report.json
    """
    from .reader import read_report
    from .summary import summarise

    report = read_report(report_path, max_bytes=max_mb * 1024 * 1024)
    if as_json:
        print_json(report.to_dict())
        for warning in report.warnings:  # stdout stays valid JSON
            click.echo(f"Warning: {warning}", err=True)
    else:
        click.echo(summarise(report))


# --- library and match -------------------------------------------------------

# --- config and draft --------------------------------------------------------

# --- review ------------------------------------------------------------------

# --- archive and commitments -------------------------------------------------


def main() -> None:
    cli(prog_name="drafter")


if __name__ == "__main__":
    main()
