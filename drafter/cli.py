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


class ArchiveGroup(DrafterGroup):
    """``drafter archive SENT`` is short for ``drafter archive add SENT``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["add", *args]
        return super().parse_args(ctx, args)


@cli.group("archive", cls=ArchiveGroup)
def archive_group() -> None:
    """Archive sent letters: their actions join the library and become commitments.

    \b
    Example:
        drafter archive sent-letter.docx --report report.html
        drafter archive list
        drafter archive show 3
        drafter archive export archive-copy/
    """


@archive_group.command("add")
@click.argument("sent", metavar="SENT", type=click.Path(dir_okay=False))
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False),
    help="The inspection report, to link each action to its recommendation.",
)
@click.option(
    "--review",
    "review_path",
    type=click.Path(dir_okay=False),
    help="The draft's review file, to link actions to recommendations.",
)
@click.option("--sent-date", metavar="DATE", help="When the letter was sent (default: its date).")
@click.option(
    "--supersedes/--no-supersedes",
    "supersede",
    default=None,
    help="Whether this letter replaces the unit's earlier archived letter (asked if not given).",
)
@click.option("--yes", "-y", "assume_yes", is_flag=True, help="Answer yes to the question.")
@click.option("--json", "as_json", is_flag=True, help="Print the archived letter as JSON.")
@db_option
def archive_add_command(
    sent: str,
    report_path: str | None,
    review_path: str | None,
    sent_date: str | None,
    supersede: bool | None,
    assume_yes: bool,
    as_json: bool,
    db_url: str | None,
) -> None:
    """Archive the letter as sent (.docx, .pdf or .txt, after people's edits).

    Its actions are added to the library (source: this letter) and followed up
    as commitments. Archiving the same file twice changes nothing.

    \b
    Example:
        drafter archive sent-letter.docx --report report.html --sent-date 2025-07-28
    """
    from .archive import SupersedeDecisionNeeded, archive_letter
    from .commitments import parse_user_date
    from .library import Library

    when = parse_user_date(sent_date, option="--sent-date") if sent_date else None
    library = Library(db_url)
    if supersede is None and assume_yes:
        supersede = True
    options = dict(report=report_path, review=review_path, sent_date=when)
    try:
        result = archive_letter(sent, library, supersede=supersede, **options)
    except SupersedeDecisionNeeded as question:
        if not sys.stdin.isatty() and not _has_piped_input():
            raise
        try:
            answer = click.confirm(question.question, default=False, err=True)
        except click.Abort:
            raise question from None
        result = archive_letter(sent, library, supersede=answer, **options)
    if as_json:
        print_json({"created": result.created, **result.letter.to_dict()})
        return
    click.echo(result.message)
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)


def _has_piped_input() -> bool:
    """True when an answer may be waiting on stdin (a pipe, or a test runner)."""
    try:
        return not sys.stdin.closed and sys.stdin.readable()
    except (AttributeError, ValueError):
        return False


@archive_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the letters as JSON.")
@db_option
def archive_list_command(as_json: bool, db_url: str | None) -> None:
    """List the archived letters.

    \b
    Example:
        drafter archive list
    """
    from .archive import list_letters
    from .library import Library

    letters = list_letters(Library(db_url))
    if as_json:
        print_json([letter.to_dict() for letter in letters])
        return
    if not letters:
        click.echo("No letters are archived yet. Archive one with 'drafter archive SENT'.")
        return
    click.echo(f"{'ID':>4}  {'Date':<10}  {'Status':<10}  {'Actions':>7}  Unit")
    for letter in letters:
        click.echo(
            f"{letter.id:>4}  {letter.letter_date or '':<10}  {letter.status:<10}  "
            f"{len(letter.actions):>7}  {letter.unit or '(unknown unit)'}"
        )


@archive_group.command("show")
@click.argument("letter_id", metavar="ID", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the letter as JSON.")
@db_option
def archive_show_command(letter_id: int, as_json: bool, db_url: str | None) -> None:
    """Show one archived letter with its actions and their due dates.

    \b
    Example:
        drafter archive show 3 --json
    """
    from .archive import get_letter
    from .library import Library

    letter = get_letter(Library(db_url), letter_id)
    if as_json:
        print_json(letter.to_dict())
        return
    click.echo(f"Letter {letter.id}: {letter.unit or '(unknown unit)'} ({letter.status})")
    for label, value in (
        ("Date", letter.letter_date),
        ("Sent", letter.sent_date),
        ("To", letter.recipient),
        ("From", letter.signatory),
        ("Subject", letter.subject),
        ("Recommendations", letter.recommendation_count),
        ("File", f"{letter.file_name} (SHA-256 {letter.sha256[:12]}…)"),
        ("Replaces letter", letter.supersedes_id),
    ):
        if value:
            click.echo(f"  {label}: {value}")
    click.echo("Actions:")
    for action in letter.actions:
        due = f" [due {action.due_date}]" if action.due_date else ""
        numbers = ", ".join(map(str, action.recommendation_numbers))
        rec = f" (recommendation {numbers})" if numbers else ""
        click.echo(f"  - {action.text}{due}{rec}")
    if letter.positive_findings:
        click.echo("Positive findings:")
        for finding in letter.positive_findings:
            click.echo(f"  - {finding}")


@archive_group.command("export")
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Write into a folder that is not empty.")
@db_option
def archive_export_command(folder: str, force: bool, db_url: str | None) -> None:
    """Copy every archived letter into DIR, with index.csv and index.json.

    \b
    Example:
        drafter archive export archive-copy/
    """
    from .archive import export_archive
    from .library import Library

    result = export_archive(Library(db_url), folder, force=force)
    click.echo(
        f"Exported {len(result.files)} letters to {result.folder} with index.csv and index.json."
    )


@cli.group("commitments", cls=DrafterGroup, invoke_without_command=True)
@click.option("--due-before", metavar="DATE", help="Only those due before this date.")
@click.option("--unit", help="Only this unit (part of its name is enough).")
@click.option("--overdue", is_flag=True, help="Only open commitments past their due date.")
@click.option("--all", "include_closed", is_flag=True, help="Include done and replaced ones.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print as CSV.")
@db_option
@click.pass_context
def commitments_group(
    ctx: click.Context,
    due_before: str | None,
    unit: str | None,
    overdue: bool,
    include_closed: bool,
    as_json: bool,
    as_csv: bool,
    db_url: str | None,
) -> None:
    """List commitments from archived letters, soonest due first.

    \b
    Example:
        drafter commitments --overdue
        drafter commitments --unit Stockton --due-before 2026-01-01 --csv
        drafter commitments done 4 --note "Policy launched at all-staff event"
    """
    if ctx.invoked_subcommand is not None:
        ctx.obj = {"db_url": db_url}
        return
    from .commitments import commitments_csv, list_commitments, parse_user_date
    from .library import Library

    if as_json and as_csv:
        raise DrafterError("Choose either --json or --csv, not both.")
    before = parse_user_date(due_before, option="--due-before") if due_before else None
    found = list_commitments(
        Library(db_url),
        due_before=before,
        unit=unit,
        overdue=overdue,
        include_closed=include_closed,
    )
    if as_json:
        print_json([c.to_dict() for c in found])
        return
    if as_csv:
        click.echo(commitments_csv(found), nl=False)
        return
    if not found:
        click.echo("No commitments match.")
        return
    click.echo(f"{'ID':>4}  {'Due':<10}  {'Status':<8}  {'Unit':<28}  Action")
    for item in found:
        status = "OVERDUE" if item.is_overdue() else item.status
        text = item.text if len(item.text) <= 70 else item.text[:69] + "…"
        click.echo(
            f"{item.id:>4}  {item.due_date or '-':<10}  {status:<8}  "
            f"{(item.unit or '')[:28]:<28}  {text}"
        )


def _commitment_db(ctx: click.Context, db_url: str | None) -> str | None:
    return db_url or (ctx.obj or {}).get("db_url")


@commitments_group.command("done")
@click.argument("commitment_id", metavar="ID", type=int)
@click.option("--note", required=True, help="What was done.")
@db_option
@click.pass_context
def commitments_done_command(
    ctx: click.Context, commitment_id: int, note: str, db_url: str | None
) -> None:
    """Mark a commitment as done, saying what was done.

    \b
    Example:
        drafter commitments done 4 --note "Policy launched at all-staff event"
    """
    from .commitments import mark_done
    from .library import Library

    item = mark_done(Library(_commitment_db(ctx, db_url)), commitment_id, note)
    click.echo(f"Commitment {item.id} for {item.unit or 'its unit'} is marked done.")


@commitments_group.command("note")
@click.argument("commitment_id", metavar="ID", type=int)
@click.option("--note", required=True, help="The progress to record.")
@db_option
@click.pass_context
def commitments_note_command(
    ctx: click.Context, commitment_id: int, note: str, db_url: str | None
) -> None:
    """Record progress on a commitment without closing it.

    \b
    Example:
        drafter commitments note 4 --note "Training booked for October"
    """
    from .commitments import add_note
    from .library import Library

    item = add_note(Library(_commitment_db(ctx, db_url)), commitment_id, note)
    click.echo(f"Noted on commitment {item.id} ({len(item.notes)} notes so far).")


def main() -> None:
    cli(prog_name="drafter")


if __name__ == "__main__":
    main()
