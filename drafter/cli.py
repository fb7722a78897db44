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

# --- library and match -------------------------------------------------------

# --- config and draft --------------------------------------------------------

# --- review ------------------------------------------------------------------

# --- archive and commitments -------------------------------------------------


def main() -> None:
    cli(prog_name="drafter")


if __name__ == "__main__":
    main()
