"""The ``drafter`` command line: a thin layer over the library API.

Each command parses options, calls one library function and prints the result.
Errors the user can fix arrive as :class:`drafter.core.errors.DrafterError` and are
printed as one plain-English line with a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any

import click

from drafter.core.errors import DrafterError


class DrafterGroup(click.Group):
    """A click group that turns DrafterError into a one-line message."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DrafterError as exc:
            # One line, whatever a driver or parser put inside the message.
            raise click.ClickException(" ".join(str(exc).split())) from exc
        except RecursionError as exc:  # a guard missed a deeply nested file: still one line
            raise click.ClickException(
                "The file is nested far too deeply for drafter to read. Check it is the right file."
            ) from exc
        except OSError as exc:  # a guard missed an operating-system error: still one line
            where = f" '{exc.filename}'" if exc.filename else ""
            reason = (exc.strerror or str(exc) or type(exc).__name__).rstrip(".")
            raise click.ClickException(
                f"Could not use{where} ({reason}). Check the file or folder and try again."
            ) from exc
        except MemoryError as exc:
            raise click.ClickException(
                "drafter ran out of memory reading the file; it is far larger inside than "
                "any report, letter or settings file. Check it is the right file."
            ) from exc
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


def max_mb_option(func: Any) -> Any:
    """``--max-mb N`` on every command that reads a report."""
    return click.option(
        "--max-mb",
        type=click.IntRange(1, 1024),
        default=None,
        help="Read reports up to this many megabytes (default: 50 for PDF and Word, "
        "10 for web pages and text).",
    )(func)


def _max_bytes(max_mb: int | None) -> int | None:
    return max_mb * 1024 * 1024 if max_mb else None


#: Longer lists are printed one item a line: still one JSON array, but
#: written by json's fast encoder (indenting 40,000 matches took seconds).
LONG_JSON_LIST = 1000


def print_json(data: Any) -> None:
    import json

    if isinstance(data, list) and len(data) > LONG_JSON_LIST:
        print_json_lines([json.dumps(item, ensure_ascii=False, default=str) for item in data])
        return
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def print_json_lines(items: Iterable[str]) -> None:
    """A JSON array of items already encoded, one a line (see
    :data:`LONG_JSON_LIST`), written a thousand lines at a time rather than
    joined whole (40,000 matches are some 60 MB of text)."""
    click.echo("[")
    batch: list[str] = []
    for item in items:
        if len(batch) == 1000:
            click.echo(",\n".join(batch) + ",")
            batch = []
        batch.append(item)
    click.echo(",\n".join(batch))
    click.echo("]")


@click.group(cls=DrafterGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="drafter")
def cli() -> None:
    """Draft HMPPS responses to HM Inspectorate of Probation reports.

    \b
    Example:
        drafter inspect samples/ashvale_pdu_2025.html
        drafter draft samples/ashvale_pdu_2025.html -o draft.docx
    """


# --- inspect (reading) -------------------------------------------------------


@cli.command("inspect")
@click.argument("report_path", metavar="REPORT")
@click.option("--json", "as_json", is_flag=True, help="Print the full record as JSON.")
@max_mb_option
def inspect_command(report_path: str, as_json: bool, max_mb: int | None) -> None:
    """Read an inspection report and show what drafter found in it.

    REPORT may be the saved web page (.html, or .mhtml saved as a single
    file), a PDF, a Word document (.docx; .doc and .rtf through LibreOffice),
    an OpenDocument text (.odt) or text pasted into a .txt or .md file. A web
    address will not do: save the page first. Shows the unit, region,
    fieldwork month, ratings, the recommendations by addressee, and the
    number of strengths and areas for improvement.

    \b
    Example:
        drafter inspect samples/ashvale_pdu_2025.html
        drafter inspect report.pdf --json > report.json
    """
    from drafter.cli.summary import summarise
    from drafter.reading.reader import read_report

    report = read_report(report_path, max_bytes=_max_bytes(max_mb))
    if as_json:
        print_json(report.to_dict())
        for warning in report.warnings:  # stdout stays valid JSON
            click.echo(f"Warning: {warning}", err=True)
    else:
        click.echo(summarise(report))


# --- library and match -------------------------------------------------------


def _print_action_line(action: Any) -> None:
    from drafter.cli.presenters import action_lines

    _echo_lines(action_lines(action))


def library_notice(message: str) -> None:
    """``Library(notify=library_notice)``: the library never prints, so the
    command line tells the user what it did on its own (loading the starter
    library into a fresh default database)."""
    click.echo(message, err=True)


@cli.group("library", cls=DrafterGroup)
def library_group() -> None:
    """The library of actions committed in past responses.

    \b
    Example:
        drafter library init
        drafter library import past_actions.csv
        drafter library search countersign
    """


@library_group.command("init")
@click.option(
    "--update",
    is_flag=True,
    help="After upgrading drafter: add the starter actions this version ships that the "
    "library lacks, and retire starter actions it no longer ships (kept for the record). "
    "Your own actions are never touched.",
)
@click.option(
    "--dry-run", is_flag=True, help="With --update: say what would change, change nothing."
)
@click.option("--json", "as_json", is_flag=True, help="With --update: print the outcome as JSON.")
@db_option
def library_init_command(update: bool, dry_run: bool, as_json: bool, db_url: str | None) -> None:
    """Load the starter library shipped with drafter into an empty library.

    \b
    Example:
        drafter library init
        drafter library init --db sqlite:///team.db
        drafter library init --update --dry-run
        drafter library init --update
    """
    from drafter.cli.presenters import counted
    from drafter.library.store import Library

    if (dry_run or as_json) and not update:
        raise click.UsageError("--dry-run and --json go with --update.")
    library = Library(db_url, auto_starter=False)
    if not update:
        added = library.init()
        click.echo(f"Loaded the starter library: {counted(added, 'action')}.")
        return
    outcome = library.update_starter(dry_run=dry_run)
    if as_json:
        import json

        click.echo(
            json.dumps(
                {
                    "dry_run": dry_run,
                    "added": outcome.added,
                    "already_there": outcome.already_there,
                    "retired": outcome.retired,
                }
            )
        )
        return
    if not outcome.added and not outcome.retired:
        click.echo(
            f"The starter actions are up to date ({counted(outcome.already_there, 'action')})."
        )
        return
    would = "would be " if dry_run else ""
    click.echo(
        f"Starter library {'would be ' if dry_run else ''}brought up to date: "
        f"{counted(outcome.added, 'action')} {would}added, "
        f"{outcome.already_there} already there, "
        f"{counted(outcome.retired, 'action')} of an earlier version {would}retired "
        "(kept for the record, no longer suggested)."
    )
    if dry_run:
        click.echo("Nothing was changed: run it again without --dry-run to do it.")


@library_group.command("import")
@click.argument("file", metavar="FILE", type=click.Path(dir_okay=False))
@click.option(
    "--skip-invalid", is_flag=True, help="Import the valid rows even if some rows are invalid."
)
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
@db_option
def library_import_command(
    file: str, skip_invalid: bool, as_json: bool, db_url: str | None
) -> None:
    """Add actions from a CSV, JSON, JSONL or YAML file.

    Columns (or keys): id, action, recommendation, unit, region, date
    (YYYY-MM-DD), owner, due, tags (a list, or separated by ';'). Other
    columns are kept with the action. Rows already in the library are
    skipped, so importing the same file twice adds nothing. If any row is
    invalid, nothing is imported unless --skip-invalid is given.

    \b
    Example:
        drafter library import past_actions.csv
        drafter library import actions.jsonl --skip-invalid
    """
    from drafter.cli.presenters import counted
    from drafter.library.store import Library

    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if total < 2000:  # small files finish before a bar would help
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Importing", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    library = Library(db_url, auto_starter=False)
    try:
        result = library.import_file(file, skip_invalid=skip_invalid, progress=progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if as_json:
        print_json(result.to_dict())
        return
    already = result.already_present
    click.echo(
        f"Imported {counted(result.added, 'new action')}; "
        f"{already:,} {'was' if already == 1 else 'were'} already in the library."
    )
    if result.invalid:
        click.echo(f"Skipped {counted(len(result.invalid), 'invalid row')}:", err=True)
        for problem in result.invalid:
            click.echo(f"  {problem}", err=True)


@library_group.command("list")
@click.option("--all", "include_all", is_flag=True, help="Include retired and superseded actions.")
@click.option(
    "--limit",
    type=click.IntRange(0),
    default=None,
    help="Show at most N actions (0 for all). Default: 50, or all with --json.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the actions as JSON.")
@db_option
def library_list_command(
    include_all: bool, limit: int | None, as_json: bool, db_url: str | None
) -> None:
    """List the actions in the library, oldest first (the first 50 unless --limit).

    \b
    Example:
        drafter library list
        drafter library list --limit 0
        drafter library list --all --json
    """
    from drafter.cli.presenters import counted
    from drafter.library.store import Library

    if limit is None:
        limit = 0 if as_json else 50
    status = None if include_all else "active"
    library = Library(db_url, notify=library_notice)
    actions = library.actions(status=status, limit=limit or None)
    if as_json:
        from drafter.library.transfer import action_to_json

        print_json([action_to_json(a) for a in actions])
        return
    if not actions:
        click.echo("The action library is empty. Run 'drafter library init' to load the starter.")
        return
    for action in actions:
        _print_action_line(action)
    total = library.count(status=status) if limit and len(actions) == limit else len(actions)
    if total > len(actions):
        click.echo(f"Showing {len(actions):,} of {total:,} actions; use --limit 0 for all.")
    else:
        click.echo(counted(total, "action") + ".")


@library_group.command("search")
@click.argument("query", metavar="QUERY")
@click.option(
    "--limit",
    type=click.IntRange(0),
    default=20,
    show_default=True,
    help="Show at most N actions (0 for all).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the actions as JSON.")
@db_option
def library_search_command(query: str, limit: int, as_json: bool, db_url: str | None) -> None:
    """Find active actions containing every word of QUERY, newest first.

    The action's wording and its tags are searched (case does not matter);
    the recommendation it answered is not. A QUERY that is an action's id
    from an import file (S001 for the starter library) finds that action.

    \b
    Example:
        drafter library search countersign
        drafter library search countersign --json
        drafter library search S001
    """
    from drafter.library.store import Library

    found = Library(db_url, notify=library_notice).search(query, limit=None)
    actions = found[:limit] if limit else found
    if as_json:
        from drafter.library.transfer import action_to_json

        print_json([action_to_json(a) for a in actions])
        return
    if not actions:
        click.echo(f'No active action contains "{query}".')
        return
    for action in actions:
        _print_action_line(action)
    if len(found) > len(actions):
        click.echo(f"Showing {len(actions):,} of {len(found):,} actions; use --limit 0 for all.")


@library_group.command("show")
@click.argument("action_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the action as JSON.")
@db_option
def library_show_command(action_id: str, as_json: bool, db_url: str | None) -> None:
    """Show one action in full (ID is its number, or its id from the import file).

    The starter library's ids are S001, S002 and so on; actions you imported
    keep the ids in your file's id column.

    \b
    Example:
        drafter library show 12
        drafter library show S001 --json
    """
    from drafter.cli.presenters import action_detail_lines
    from drafter.library.store import Library

    action = Library(db_url, notify=library_notice).get(action_id)
    if as_json:
        from drafter.library.transfer import action_to_json

        print_json(action_to_json(action))
        return
    _echo_lines(action_detail_lines(action))


@library_group.command("export")
@click.argument("file", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--all", "include_all", is_flag=True, help="Include retired and superseded actions.")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@db_option
def library_export_command(file: str, include_all: bool, force: bool, db_url: str | None) -> None:
    """Write the library to a CSV, JSON, JSONL or YAML file that can be imported again.

    \b
    Example:
        drafter library export backup.csv
        drafter library export everything.jsonl --all --force
    """
    from drafter.cli.presenters import counted
    from drafter.library.store import Library
    from drafter.library.transfer import export_actions

    actions = Library(db_url, notify=library_notice).actions(
        status=None if include_all else "active"
    )
    path = export_actions(actions, file, force=force)
    click.echo(f"Wrote {counted(len(actions), 'action')} to {path}.")


@library_group.command("retire")
@click.argument("action_id", metavar="ID")
@db_option
def library_retire_command(action_id: str, db_url: str | None) -> None:
    """Stop suggesting an action; it stays in the library for the record.

    \b
    Example:
        drafter library retire 12
    """
    from drafter.library.store import Library

    library = Library(db_url, notify=library_notice)
    current = library.get(action_id)
    if current.status == "retired":
        click.echo(f"Action #{current.id} was already retired; nothing changed.")
        return
    action = library.retire(action_id)
    click.echo(f"Retired action #{action.id}; it will no longer be suggested.")


@cli.command("match")
@click.argument("report_path", metavar="[REPORT]", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--text", "texts", multiple=True, metavar="TEXT", help="A recommendation (repeatable)."
)
@click.option(
    "--from-file",
    "from_file",
    type=click.Path(dir_okay=False),
    help="A text file with one recommendation a line.",
)
@click.option("--top", type=click.IntRange(1, 50), default=3, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the matches as JSON.")
@max_mb_option
@db_option
def match_command(
    report_path: str | None,
    texts: tuple[str, ...],
    from_file: str | None,
    top: int,
    as_json: bool,
    max_mb: int | None,
    db_url: str | None,
) -> None:
    """Suggest past actions for each recommendation of a report.

    Each suggestion has a score from 0 to 100, where it came from and why it
    was chosen. A recommendation with nothing good in the library is reported
    as needing a new action, with its closest suggestions marked weak (JSON:
    weak_candidates). Recommendations without a report can be given with
    --text or --from-file.

    \b
    What the scores mean:
      50   just good enough: below this a new action is needed (weak)
      70   a typical good match
      85+  says much the same thing; 100 is the same wording
    The same action committed by several units is shown once.

    The first time drafter is used with its default database (no --db, or
    the same database as $DRAFTER_DB) and that database has never held an
    action, the starter library is loaded, with a note. A database named
    with --db is never filled for you: run 'drafter library init' first.

    \b
    Example:
        drafter match report.html
        drafter match report.pdf --top 5 --json
        drafter match --text "Reduce caseloads for probation officers"
        drafter match --from-file recommendations.txt
    """
    from drafter.cli.presenters import match_lines
    from drafter.core.errors import InputFileError
    from drafter.library.store import Library
    from drafter.matching.matcher import (
        check_recommendation_texts,
        match_report,
        match_texts,
        match_to_dict,
        matches_json,
        read_recommendations_file,
    )

    sources = sum(bool(x) for x in (report_path, texts, from_file))
    if sources != 1:
        raise InputFileError(
            "Give a report, or --text, or --from-file (exactly one of them).",
            hint="Example: drafter match report.html",
        )
    if from_file:
        texts = tuple(read_recommendations_file(from_file))
    elif texts:
        texts = tuple(check_recommendation_texts(texts))
    library = Library(db_url, notify=library_notice)
    _index_library(library)
    if report_path:
        from drafter.reading.reader import read_report

        report = read_report(report_path, max_bytes=_max_bytes(max_mb))
        results = match_report(report, library, top=top)
    else:
        results = match_texts(list(texts), library, top=top)
    if as_json:
        if len(results) > LONG_JSON_LIST:
            print_json_lines(matches_json(results))
        else:
            print_json([match_to_dict(r) for r in results])
        return
    _echo_lines(match_lines(results))


#: Libraries this large may take a second or more to index (20,000 actions
#: took ~1.6 s on a 2-core machine), so a bar is shown on stderr.
LARGE_LIBRARY = 10_000


def _index_library(library: Any) -> None:
    """Build (or load from the cache) the library's matcher, with a progress
    bar on stderr when a large library has to be indexed afresh."""
    from drafter.matching.matcher import library_matcher

    version = library.content_version()
    if version.active_actions == 0:
        library.ensure_usable()
    if version.active_actions < LARGE_LIBRARY:
        library_matcher(library)
        return
    bar: Any = None
    shown = 0

    def progress(done: int, total: int) -> None:
        nonlocal bar, shown
        if bar is None:  # only a real build reports progress; a cached index does not
            bar = click.progressbar(length=1000, label="Indexing the library", file=sys.stderr)
            bar.__enter__()
        target = done * 1000 // max(total, 1)
        bar.update(target - shown)
        shown = target

    try:
        library_matcher(library, progress=progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


# --- config and draft --------------------------------------------------------


@cli.group("config", cls=DrafterGroup)
def config_group() -> None:
    """Settings for letters: who signs for each region, the Inspectorate's
    address, who is copied in, and the default owner of actions.

    \b
    Example:
        drafter config init
        drafter config show
    """


@config_group.command("init")
@click.argument("path", metavar="[PATH]", required=False, type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace the settings file if it exists.")
def config_init_command(path: str | None, force: bool) -> None:
    """Write a settings file with comments explaining each setting.

    PATH defaults to $DRAFTER_CONFIG, else your user settings folder. Open the
    file afterwards and fill in the signatory for your region.

    \b
    Example:
        drafter config init
        drafter config init team-settings.toml
    """
    from drafter.letter.settings import write_config_template

    written = write_config_template(path, force=force)
    click.echo(f"Wrote {written}")
    click.echo("Open it and fill in the signatory for your region (name, title, area).")


@config_group.command("show")
@click.option("--config", "config_path", metavar="FILE", help="Settings file to read.")
@click.option("--json", "as_json", is_flag=True, help="Print the settings as JSON.")
def config_show_command(config_path: str | None, as_json: bool) -> None:
    """Show the settings drafter will use, and where they come from.

    \b
    Example:
        drafter config show
        drafter config show --config team-settings.toml --json
    """
    import dataclasses

    from drafter.cli.presenters import config_lines
    from drafter.letter.settings import load_config

    config = load_config(config_path)
    if as_json:
        print_json(dataclasses.asdict(config))
        return
    _echo_lines(config_lines(config, config_path))


@config_group.command("templates")
@click.argument("folder", metavar="DIR")
@click.option("--force", is_flag=True, help="Replace template files already in DIR.")
def config_templates_command(folder: str, force: bool) -> None:
    """Copy drafter's letter templates into DIR so you can reword them.

    Edit the copies, then draft with --template-dir DIR. Blocks you delete
    from a copy fall back to drafter's own wording.

    \b
    Example:
        drafter config templates my-templates
        drafter draft report.pdf -o letter.docx --template-dir my-templates
    """
    from drafter.letter.templates import copy_builtin_templates

    for path in copy_builtin_templates(folder, force=force):
        click.echo(f"Wrote {path}")


def _echo_lines(lines: list[str], *, err: bool = False) -> None:
    for line in lines:
        click.echo(line, err=err)


@cli.command("draft")
@click.argument("reports", metavar="REPORT...", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    metavar="PATH",
    help="The .docx to write (default: REPORT_response.docx here), or a .pdf made "
    "by LibreOffice; with several reports or a folder, the folder to write into.",
)
@click.option(
    "--review",
    "review_path",
    metavar="FILE",
    help="Draft from this review file's decisions "
    "(default: REPORT.review.yaml beside the report, when there is one).",
)
@click.option(
    "--config",
    "config_path",
    metavar="FILE",
    help="Settings file (default: $DRAFTER_CONFIG, else your settings folder).",
)
@click.option(
    "--letterhead", metavar="FILE.docx", help="Your organisation's Word letterhead as the base."
)
@click.option("--template-dir", metavar="DIR", help="A folder of your own letter templates.")
@click.option(
    "--date",
    "letter_date",
    metavar="DATE",
    help="The letter's date, e.g. 24/07/2025, 24 July 2025 or 2025-07-24 (default: today).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["letter", "action-plan"]),
    default="letter",
    show_default=True,
    help="The response letter, or the action-plan table.",
)
@click.option("--force", is_flag=True, help="Replace output files that exist.")
@click.option(
    "--skip-existing",
    is_flag=True,
    help="In a batch, keep the letters already in the folder and draft the rest.",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was drafted as JSON.")
@max_mb_option
@db_option
def draft_command(
    reports: tuple[str, ...],
    output: str | None,
    review_path: str | None,
    config_path: str | None,
    letterhead: str | None,
    template_dir: str | None,
    letter_date: str | None,
    output_format: str,
    force: bool,
    skip_existing: bool,
    as_json: bool,
    max_mb: int | None,
    db_url: str | None,
) -> None:
    """Draft the response letter to an inspection report as a Word document.

    Each recommendation gets the best action from the library (or the one
    chosen in --review); anything drafter cannot know is highlighted in
    yellow with a comment. Give several reports or a folder to draft a batch
    into the folder given with -o; if a batch was stopped, --skip-existing
    carries on from where it stopped.

    \b
    Example:
        drafter draft samples/ashvale_pdu_2025.html -o letter.docx
        drafter draft report.pdf -o letter.docx --review report.review.yaml
        drafter draft report.pdf -o plan.docx --format action-plan
        drafter draft report.pdf -o letter.pdf       (needs LibreOffice)
        drafter draft inspections/ -o letters/
        drafter draft inspections/ -o letters/ --skip-existing
    """
    from drafter.cli.presenters import batch_failures_line, batch_stopped_lines, draft_lines
    from drafter.core.dates import parse_user_date
    from drafter.letter.drafting import (
        BatchInterrupted,
        draft_batch,
        draft_letter,
        resolve_draft_request,
    )
    from drafter.letter.settings import load_config
    from drafter.library.store import Library

    when = parse_user_date(letter_date, option="--date") if letter_date else None
    config = load_config(config_path)
    library = Library(db_url, notify=library_notice)
    request = resolve_draft_request(
        reports,
        output,
        review=review_path,
        output_format=output_format,  # type: ignore[arg-type]
    )
    if request.review_found and not as_json:
        click.echo(f"Using the review file {request.review}")
    common = dict(
        library=library,
        config=config,
        letter_date=when,
        letterhead=letterhead,
        template_dir=template_dir,
        output_format=output_format,
        force=force,
        max_bytes=_max_bytes(max_mb),
    )
    if skip_existing and not request.batch:
        raise DrafterError(
            "--skip-existing is for a batch (several reports or a folder).",
            hint="For one report, leave it out: drafter never replaces a file without --force.",
        )
    if request.batch:
        try:
            with click.progressbar(
                length=len(request.reports), label="Drafting", file=sys.stderr
            ) as bar:
                results = draft_batch(
                    request.reports,
                    request.output,
                    progress=lambda _p: bar.update(1),
                    skip_existing=skip_existing,
                    **common,
                )
        except BatchInterrupted as stopped:
            click.echo(err=True)
            _echo_lines(batch_stopped_lines(stopped.results, request.output), err=True)
            sys.exit(130)
    else:
        results = [
            draft_letter(request.reports[0], request.output, review=request.review, **common)
        ]
    if as_json:
        print_json([r.to_dict() for r in results])
    else:
        _echo_lines(
            draft_lines(results, batch=request.batch, has_settings=config.source is not None)
        )
    if not any(r.output for r in results):
        raise DrafterError("None of the reports could be drafted.")
    failures = batch_failures_line(results)
    if failures:  # the letters that worked are written; the exit code says not all were
        raise DrafterError(failures)


# --- check -------------------------------------------------------------------


class CheckUsageError(click.ClickException):
    """``drafter check`` keeps exit code 1 for "problems found": anything that
    stops the check itself (a missing file, an unreadable report) exits 2."""

    exit_code = 2


@cli.command("check")
@click.argument("letter_path", metavar="LETTER")
@click.option(
    "--report",
    "report_path",
    metavar="REPORT",
    required=True,
    help="The inspection report the letter answers.",
)
@click.option(
    "--review",
    "review_path",
    metavar="FILE",
    help="The review file: recommendations it marks Not agreed need no bullet "
    "(default: REPORT.review.yaml beside the report, when there is one).",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was found as JSON.")
def check_command(
    letter_path: str, report_path: str, review_path: str | None, as_json: bool
) -> None:
    """Check an edited letter (.docx, .pdf or .txt) before it is sent.

    Each problem is one line saying where it is (the paragraph's number and
    the words in question): a wrong count of recommendations, a recommendation
    no bullet answers, a placeholder or highlighted text left, another unit's,
    region's or police force's name, a name carried over from the letter an
    action came from, a commitment dated before the letter, no signatory, a
    subject or thanks naming the wrong unit, no positive findings.

    Exit code: 0 when there are no problems (warnings may be printed), 1 when
    there are, 2 when the check could not be made.

    \b
    Example:
        drafter check letter.docx --report report.pdf
        drafter check letter.pdf --report report.html --review report.review.yaml --json
    """
    from drafter.check.checker import check_letter
    from drafter.cli.presenters import check_lines
    from drafter.letter.drafting import default_review_for

    try:
        review = review_path or default_review_for(report_path)
        result = check_letter(letter_path, report_path, review=review)
    except DrafterError as exc:
        raise CheckUsageError(" ".join(str(exc).split())) from exc
    if as_json:
        print_json(result.to_dict())
    else:
        _echo_lines(check_lines(result))
    if not result.clean:
        sys.exit(1)


# --- review ------------------------------------------------------------------


@cli.command("review")
@click.argument("report_path", metavar="REPORT", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--file",
    "review_file",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="The review file (default: beside the report, REPORT-NAME.review.yaml).",
)
@click.option(
    "--sheet", is_flag=True, help="Write the review file to fill in by hand, without questions."
)
@click.option(
    "--accept-best",
    is_flag=True,
    help="With --sheet: fill in the best match as the decision wherever one fits.",
)
@click.option("--force", is_flag=True, help="With --sheet: replace an existing review file.")
@click.option("--restart", is_flag=True, help="Go through every recommendation from the first.")
@click.option("--no-editor", is_flag=True, help="Edit wording here rather than in $EDITOR.")
@click.option("--status", is_flag=True, help="Show how far the review has got, and stop.")
@click.option("--json", "as_json", is_flag=True, help="With --status or --sheet: print JSON.")
@click.option(
    "--top",
    type=click.IntRange(1, 10),
    default=3,
    show_default=True,
    help="Candidates shown (and kept in the file) for each recommendation.",
)
@max_mb_option
@db_option
def review_command(
    report_path: str,
    review_file: str | None,
    sheet: bool,
    accept_best: bool,
    force: bool,
    restart: bool,
    no_editor: bool,
    status: bool,
    as_json: bool,
    top: int,
    max_mb: int | None,
    db_url: str | None,
) -> None:
    """Review the actions suggested for each recommendation of REPORT.

    Recommendation by recommendation, shows the ranked candidates from the
    library; type a letter (and Enter) to accept, swap, find, edit or write
    an action, or to set agreement, owner and target date. Every decision is
    saved at once in the review file beside the report: stop at any time
    (q, or Ctrl-C, which exits with code 130) and run the same command to
    carry on where you stopped. Accepted and turned-down actions are also
    remembered in the library, which improves later suggestions.

    \b
    Example:
        drafter review report.html
        drafter review report.html --sheet        (fill it in in a text editor)
        drafter review report.html --status
        drafter draft report.html --review report.review.yaml -o letter.docx
    """
    from pathlib import Path

    from drafter.cli.presenters import review_saved_line, review_status_lines, sheet_written_line
    from drafter.cli.review_dialogue import STOPPED_MESSAGE, ClickTerminal, ReviewSession
    from drafter.reading.reader import read_report
    from drafter.review.file import default_review_path, review_to_json
    from drafter.review.session import (
        CANDIDATES_FETCHED,
        open_review,
        record_decisions,
        review_status,
        write_sheet,
    )

    if as_json and not (status or sheet):
        raise DrafterError("--json goes with --status or --sheet.")
    if status and sheet:
        raise DrafterError("Choose either --status or --sheet, not both.")
    if (accept_best or force) and not sheet:
        raise DrafterError("--accept-best and --force go with --sheet.")
    report = read_report(report_path, max_bytes=_max_bytes(max_mb))
    path = Path(review_file) if review_file else default_review_path(report_path)
    if status:
        progress = review_status(report, path)
        if as_json:
            print_json(progress.to_json())
            return
        _echo_lines(review_status_lines(progress))
        return

    from drafter.library.store import Library
    from drafter.matching.matcher import match_report

    library = Library(db_url, notify=library_notice)
    # An empty library still allows a review: the reviewer writes every action.
    matches = match_report(report, library, top=max(CANDIDATES_FETCHED, top), allow_empty=True)
    if sheet:
        review = write_sheet(
            report,
            matches,
            path,
            report_path=report_path,
            top=top,
            accept_best=accept_best,
            force=force,
        )
        if as_json:
            print_json({**review_to_json(review), "path": str(path)})
            return
        click.echo(sheet_written_line(review, path, report_path, accept_best=accept_best))
        return

    review, note = open_review(
        report,
        matches,
        path,
        confirm=lambda question: click.confirm(question, default=True),
        report_path=report_path,
        top=top,
    )
    if note:
        click.echo(note)
    for warning in record_decisions(review, library):  # decisions typed in by hand
        click.echo(f"Warning: {warning}", err=True)
    session = ReviewSession(
        review,
        path,
        matches,
        library,
        ClickTerminal(not no_editor),
        page_size=top,
        restart=restart,
        library_empty=library.count() == 0,
    )
    result = session.run()
    if result.interrupted or result.quit:
        click.echo(STOPPED_MESSAGE, err=result.interrupted)
        if result.interrupted:
            sys.exit(130)
        return
    click.echo(review_saved_line(result.summary, path, report_path))


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

    'drafter archive SENT' is short for 'drafter archive add SENT'.

    \b
    Example:
        drafter archive sent-letter.docx --report report.html
        drafter archive list
        drafter archive show 3
        drafter archive export archive-copy/
        drafter archive "S:/Past letters" --dry-run
        drafter archive remove 3
    """


@archive_group.command("add")
# No dir_okay=False: click's refusal would print a usage line naming the hidden 'add'.
@click.argument("sent", metavar="SENT")
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
    help="Whether this letter replaces the unit's earlier archived letter (asked if not given; "
    "for a folder, a later letter replaces an earlier one).",
)
@click.option(
    "--again",
    is_flag=True,
    help="Archive it even though a letter with the same unit, date and actions is archived.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Archive it even with placeholders left, for another unit than --report, "
    "or when it does not look like a response letter.",
)
@click.option("--dry-run", is_flag=True, help="Show what would be archived, and store nothing.")
@click.option("--yes", "-y", "assume_yes", is_flag=True, help="Answer yes to the question.")
@click.option("--json", "as_json", is_flag=True, help="Print the archived letter as JSON.")
@db_option
def archive_add_command(
    sent: str,
    report_path: str | None,
    review_path: str | None,
    sent_date: str | None,
    supersede: bool | None,
    again: bool,
    force: bool,
    dry_run: bool,
    assume_yes: bool,
    as_json: bool,
    db_url: str | None,
) -> None:
    """Archive the letter as sent (.docx, .pdf or .txt, after people's edits),
    or every response letter in a folder and its subfolders.

    Its actions are added to the library (source: this letter) and followed up
    as commitments. Archiving the same file twice changes nothing, nor does
    archiving another copy of the same letter (its PDF, say: same unit, date
    and actions) unless you add --again.

    A letter that still has placeholders ("[Target date]"), a letter about
    another unit than --report, and a document that is not a response letter
    (an inspection report, minutes) are refused with the reason; --force
    archives them anyway.

    A folder: every .docx, .pdf and .txt in it (action plans laid out as a
    Word table too) is archived, oldest first, each in its own transaction;
    the table at the end says what happened to each file. Running it again
    skips what is archived already. --dry-run shows what would happen.

    \b
    Example:
        drafter archive sent-letter.docx --report report.html --sent-date 2025-07-28
        drafter archive "S:/Past letters" --dry-run
        drafter archive "S:/Past letters"
    """
    from pathlib import Path

    from drafter.archive.store import SupersedeDecisionNeeded, archive_letter
    from drafter.cli.presenters import archived_lines, forced_lines, link_tip
    from drafter.core.dates import parse_user_date
    from drafter.library.store import Library

    if Path(sent).is_dir() or dry_run:
        single = [
            name
            for name, given in (
                ("--report", report_path),
                ("--review", review_path),
                ("--sent-date", sent_date),
                ("--again", again),
            )
            if given
        ]
        if single:
            what = "a folder" if Path(sent).is_dir() else "--dry-run"
            raise DrafterError(
                f"{', '.join(single)} {'works' if len(single) == 1 else 'work'} with one "
                f"letter, not with {what}.",
                hint="Archive that letter on its own with the option.",
            )
        _archive_folder(sent, Library(db_url), force, dry_run, supersede, as_json)
        return
    when = parse_user_date(sent_date, option="--sent-date") if sent_date else None
    library = Library(db_url)
    if supersede is None and assume_yes:
        supersede = True
    options = dict(report=report_path, review=review_path, sent_date=when, again=again, force=force)
    try:
        result = archive_letter(sent, library, supersede=supersede, **options)
    except SupersedeDecisionNeeded as question:
        try:
            answer = click.confirm(question.question, default=False, err=True)
        except click.Abort:  # no answer (no terminal, or Ctrl-C): explain the options
            click.echo(err=True)
            raise question from None
        result = archive_letter(sent, library, supersede=answer, **options)
    _echo_lines(forced_lines(result), err=True)
    _echo_lines([f"Warning: {warning}" for warning in result.warnings], err=True)
    if as_json:
        print_json(result.to_dict())
        return
    _echo_lines(archived_lines(result))
    tip = link_tip(result)
    if tip:
        click.echo(tip, err=True)


def _archive_folder(
    folder: str, library: Any, force: bool, dry_run: bool, supersede: bool | None, as_json: bool
) -> None:
    """``drafter archive FOLDER`` (or one file with --dry-run): a progress bar,
    then what happened to each file. Exit 1 if any file failed."""
    from pathlib import Path

    from drafter.archive.folder import archive_folder, letter_files
    from drafter.cli.presenters import folder_lines

    path = Path(folder)
    if path.is_dir():
        count = len(letter_files(path)[0])
    elif path.is_file():
        count = 1
    else:
        raise DrafterError(f"Cannot find the file or folder '{folder}'.", hint="Check the path.")
    with click.progressbar(
        length=2 * count,
        label="Dry run: reading letters" if dry_run else "Archiving letters",
        file=sys.stderr,
    ) as bar:
        shown = 0

        def progress(done: int, total: int) -> None:
            nonlocal shown
            bar.update(done - shown)
            shown = done

        result = archive_folder(
            path, library, dry_run=dry_run, force=force, supersede=supersede, progress=progress
        )
    if as_json:
        print_json(result.to_dict())
    else:
        _echo_lines(folder_lines(result))
    if result.failed:
        sys.exit(1)


@archive_group.command("remove")
@click.argument("letter_id", metavar="ID", type=int)
@click.option("--yes", "-y", "assume_yes", is_flag=True, help="Remove it without asking.")
@click.option("--json", "as_json", is_flag=True, help="Print what was removed as JSON.")
@db_option
def archive_remove_command(
    letter_id: int, assume_yes: bool, as_json: bool, db_url: str | None
) -> None:
    """Undo an archive: the letter, its actions in the library and its
    commitments all go, in one transaction.

    An action the letter shared with an earlier letter or an import goes back
    to where it came from, and a letter it replaced is current again. The
    stored copy of the file goes once nothing refers to it. Asks first; --yes
    skips the question.

    \b
    Example:
        drafter archive remove 3
        drafter archive remove 3 --yes
    """
    from drafter.archive.store import removal_plan, remove_letter
    from drafter.cli.presenters import removal_lines
    from drafter.library.store import Library

    library = Library(db_url)
    if not assume_yes:
        plan = removal_plan(library, letter_id)
        _echo_lines(removal_lines(plan, done=False), err=True)
        try:
            answer = click.confirm("Remove it?", default=False, err=True)
        except click.Abort:  # no answer (no terminal, or Ctrl-C)
            click.echo(err=True)
            raise DrafterError(
                "Nothing was removed.", hint="Add --yes to remove it without being asked."
            ) from None
        if not answer:
            click.echo("Nothing was removed.")
            return
    result = remove_letter(library, letter_id)
    if as_json:
        print_json(result.to_dict())
        return
    _echo_lines(removal_lines(result, done=True))


@archive_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the letters as JSON.")
@db_option
def archive_list_command(as_json: bool, db_url: str | None) -> None:
    """List the archived letters.

    \b
    Example:
        drafter archive list
    """
    from drafter.archive.store import list_letters
    from drafter.cli.presenters import letters_table
    from drafter.library.store import Library

    letters = list_letters(Library(db_url))
    if as_json:
        print_json([letter.to_dict() for letter in letters])
        return
    _echo_lines(letters_table(letters))


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
    from drafter.archive.store import get_letter
    from drafter.cli.presenters import letter_lines
    from drafter.library.store import Library

    letter = get_letter(Library(db_url), letter_id)
    if as_json:
        print_json(letter.to_dict())
        return
    _echo_lines(letter_lines(letter))


@archive_group.command("export")
@click.argument("folder", metavar="DIR")
@click.option("--force", is_flag=True, help="Write into a folder that is not empty.")
@db_option
def archive_export_command(folder: str, force: bool, db_url: str | None) -> None:
    """Copy every archived letter into DIR, with index.csv, index.json and commitments.csv.

    \b
    Example:
        drafter archive export archive-copy/
    """
    from drafter.archive.store import export_archive
    from drafter.cli.presenters import counted
    from drafter.library.store import Library

    result = export_archive(Library(db_url), folder, force=force)
    click.echo(
        f"Exported {counted(len(result.files), 'letter')} to {result.folder} "
        "with index.csv, index.json and commitments.csv."
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
        drafter commitments reopen 4
    """
    if ctx.invoked_subcommand is not None:
        ctx.obj = {"db_url": db_url}
        return
    from drafter.archive.commitments import commitments_csv, list_commitments
    from drafter.cli.presenters import commitments_table
    from drafter.core.dates import parse_user_date
    from drafter.library.store import Library

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
    _echo_lines(commitments_table(found))


def _commitment_library(ctx: click.Context, db_url: str | None) -> Any:
    """The library to update. --db may be given before the subcommand or after
    it; an explicit one after it wins."""
    from click.core import ParameterSource

    from drafter.library.store import Library

    if ctx.get_parameter_source("db_url") != ParameterSource.COMMANDLINE:
        db_url = (ctx.obj or {}).get("db_url") or db_url
    return Library(db_url)


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
    from drafter.archive.commitments import get_commitment, mark_done
    from drafter.cli.presenters import done_line

    library = _commitment_library(ctx, db_url)
    # Marking it done twice changes nothing; say when it was done instead.
    before = get_commitment(library, commitment_id)
    if before.status == "done":
        click.echo(done_line(before, already_done=True))
        return
    click.echo(done_line(mark_done(library, commitment_id, note)))


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
    from drafter.archive.commitments import add_note
    from drafter.cli.presenters import noted_line

    item = add_note(_commitment_library(ctx, db_url), commitment_id, note)
    click.echo(noted_line(item))


@commitments_group.command("reopen")
@click.argument("commitment_id", metavar="ID", type=int)
@click.option("--note", help="Why it is open again.")
@db_option
@click.pass_context
def commitments_reopen_command(
    ctx: click.Context, commitment_id: int, note: str | None, db_url: str | None
) -> None:
    """Open again a commitment marked done (it was closed by mistake, or the
    work slipped back). Its notes are kept, with one saying it was reopened.

    \b
    Example:
        drafter commitments reopen 4 --note "Audit found the policy not yet in use"
    """
    from drafter.archive.commitments import reopen
    from drafter.cli.presenters import reopened_line

    item, changed = reopen(_commitment_library(ctx, db_url), commitment_id, note)
    click.echo(reopened_line(item, changed=changed))


# --- serve (the web pages) ---------------------------------------------------


@cli.command("serve")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    help="The port to listen on (default: a free one).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Only this computer's own address is allowed: drafter has no sign-in yet.",
)
@click.option("--no-browser", is_flag=True, help="Do not open the browser; just print the link.")
@click.option(
    "--data-dir",
    metavar="DIR",
    type=click.Path(file_okay=False),
    help="Where uploaded reports and letters are kept (default: your data folder).",
)
@click.option(
    "--config",
    "config_path",
    metavar="FILE",
    help="Settings file (default: $DRAFTER_CONFIG, else your settings folder).",
)
@db_option
def serve_command(
    port: int,
    host: str,
    no_browser: bool,
    data_dir: str | None,
    config_path: str | None,
    db_url: str | None,
) -> None:
    """Open drafter's pages in your browser: the whole job, GOV.UK style.

    Upload a report, review the suggestions, see and download the letter,
    archive the letter as sent and follow its commitments up. Decisions go
    into the same review file and database as 'drafter review'. It runs on
    this computer only; the link printed carries a one-time token. Stop it
    with Ctrl-C.

    \b
    Example:
        drafter serve
        drafter serve --port 8123 --no-browser
    """
    from drafter.web.server import check_host, serve  # here: keeps 'drafter --help' fast

    check_host(host)
    serve(
        host=host,
        port=port,
        open_browser=not no_browser,
        data_dir=data_dir,
        db_url=db_url,
        config_path=config_path,
        say=click.echo,
    )


def main() -> None:
    # Matching uses numpy only for element-wise sums and sorts, never linear
    # algebra: one BLAS thread makes importing numpy markedly faster (no thread
    # pool to start) and costs nothing. A user's own setting wins.
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    cli(prog_name="drafter")


if __name__ == "__main__":
    main()
