"""How drafter's results read on screen: the plain-text summaries and tables
the command line prints for settings, drafts, reviews, the archive and
commitments.

Each function takes library objects and returns the lines to print, so the
command line only echoes them and another front end can reuse the wording.
Imports stay light (no document or database libraries) to keep ``drafter
--help`` fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from drafter.core.dates import long_date
from drafter.core.wording import counted

if TYPE_CHECKING:
    from drafter.archive.commitments import Commitment
    from drafter.archive.folder import FolderEntry, FolderResult
    from drafter.archive.store import ArchivedLetter, ArchiveResult, RemovedLetter
    from drafter.check.checker import CheckIssue, CheckResult
    from drafter.core.model import LibraryAction, RecommendationMatch
    from drafter.letter.drafting import DraftResult
    from drafter.letter.settings import Config
    from drafter.review.file import ReviewFile, ReviewSummary
    from drafter.review.session import ReviewStatus


def shorten(text: str, width: int = 110) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows as left-aligned columns two spaces apart (the first row is the heading)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


# --- library and match -----------------------------------------------------------


def action_label(action: LibraryAction) -> str:
    """ "#12", or "#12 (ACT-7)" when the action was imported with its own id."""
    return f"#{action.id}" + (f" ({action.external_id})" if action.external_id else "")


def action_lines(action: LibraryAction) -> list[str]:
    """An action as 'library list' and 'library search' show it: label, status
    (unless active) and source, then its text shortened on the next line."""
    status = "" if action.status == "active" else f" [{action.status}]"
    return [f"{action_label(action)}{status}  {action.source_label}", f"    {shorten(action.text)}"]


def action_detail_lines(action: LibraryAction) -> list[str]:
    """One action in full ('library show'), leaving out the fields it lacks."""
    rows = [
        ("Action", action.text),
        ("Answered", action.recommendation),
        ("Unit", action.unit),
        ("Region", action.region),
        ("Committed", action.committed_on.isoformat() if action.committed_on else None),
        ("Owner", action.owner),
        ("Due", action.due),
        ("Tags", ", ".join(action.tags) or None),
        ("Source", f"{action.source_kind}: {action.source_ref or '-'}"),
        ("Import id", action.external_id),
        ("Status", action.status),
    ]
    details = [f"  {name + ':':<11} {value}" for name, value in rows if value]
    return [f"Action #{action.id}", *details]


def match_lines(results: Sequence[RecommendationMatch]) -> list[str]:
    """Each recommendation with its ranked suggestions, score and reason, and a
    blank line after each."""
    lines: list[str] = []
    for result in results:
        rec = result.recommendation
        who = f" ({rec.addressee})" if rec.addressee else ""
        lines.append(f"Recommendation {rec.number}{who}: {shorten(rec.text, 400)}")
        if result.no_match:
            lines.append("  No good match in the library — a new action is needed.")
            for candidate in result.weak_candidates:
                action = candidate.action
                lines.append(
                    f"  closest, weak: [{candidate.score:.0f}] {shorten(action.text, 300)}"
                )
                lines.append(
                    f"     {action_label(action)}, {action.source_label}. Why: {candidate.reason}"
                )
        for rank, candidate in enumerate(result.candidates, start=1):
            action = candidate.action
            lines.append(f"  {rank}. [{candidate.score:.0f}] {shorten(action.text, 300)}")
            lines.append(
                f"     {action_label(action)}, {action.source_label}. Why: {candidate.reason}"
            )
        lines.append("")
    return lines


# --- settings --------------------------------------------------------------------


def config_lines(config: Config, config_path: str | Path | None = None) -> list[str]:
    """Where the settings come from and what a letter will use."""
    from drafter.letter.settings import resolve_config_path

    if config.source is None:
        lines = [f"No settings file ({resolve_config_path(config_path)}): using defaults."]
    else:
        lines = [f"Settings from {config.source}"]
    address = " ".join(config.inspectorate_address)
    lines += [
        f"Letters go to: {config.chief_inspector_title}, {address}",
        f"CC: {', '.join(config.cc) or '(nobody)'}",
        f"Default action owner: {config.default_action_owner or '(not set)'}",
    ]
    named = {r: s for r, s in config.signatories.items() if s.name.strip()}
    if not named:
        lines.append("Signatories: none set yet.")
    for region, signatory in sorted(named.items()):
        lines.append(f"Signatory for {region}: {signatory.name}, {signatory.title}")
    return lines


# --- drafting --------------------------------------------------------------------


def draft_summary_line(result: DraftResult) -> str:
    """ "4 recommendations, 3 actions from the library, 2 to fill in, 1 date
    to check": each count is the number of lines :func:`fill_in_lines` lists."""
    parts = [
        counted(result.recommendations, "recommendation"),
        counted(result.from_library, "action") + " from the library",
    ]
    if result.to_fill_in:
        parts.append(f"{len(result.to_fill_in)} to fill in")
    if result.dates_to_confirm:
        parts.append(counted(len(result.dates_to_confirm), "date") + " to check")
    if result.names_to_check:
        parts.append(counted(len(result.names_to_check), "name") + " from other letters to check")
    if result.unreviewed:
        parts.append(f"{result.unreviewed} chosen automatically, not reviewed")
    if result.to_check:
        parts.append(counted(len(result.to_check), "other thing") + " to check")
    return ", ".join(parts)


def _places(count: int) -> str:
    return f" ({count} places)" if count > 1 else ""


def fill_in_lines(result: DraftResult) -> list[str]:
    """What the editor must fill in or check before the letter is sent: each
    thing once, in the order the summary line counts them."""
    lines: list[str] = []
    if not (
        result.to_fill_in
        or result.dates_to_confirm
        or result.names_to_check
        or result.to_check
        or result.unreviewed
    ):
        return lines
    lines.append("Before sending, fill in or check (highlighted in yellow, with comments):")
    for item in result.to_fill_in:
        lines.append(f"  - {shorten(item.label, 70)}{_places(item.places)}: {item.note}")
    for item in result.dates_to_confirm:
        lines.append(
            f'  - the date "{item.label}"{_places(item.places)} came from an earlier letter: '
            "check it holds"
        )
    for item in result.names_to_check:
        lines.append(
            f'  - "{item.label}"{_places(item.places)}, {item.note}: '
            "replace it with this unit's own, or remove it"
        )
    for item in result.to_check:
        lines.append(f"  - {item.note}")
    if result.unreviewed:
        lines.append(
            f"  - {counted(result.unreviewed, 'action')} chosen automatically, not reviewed: "
            "review them with 'drafter review', or check each one"
        )
    return lines


def batch_table(results: Sequence[DraftResult]) -> list[str]:
    """One row per report of a batch, after a blank line."""
    rows = [("Unit", "Recs", "From library", "To fill in", "Dates to check", "File")]
    for r in results:
        if r.error or r.output is None:
            rows.append((r.report_path.name, "-", "-", "-", "-", "not drafted"))
        elif r.kept:
            rows.append((r.report_path.name, "-", "-", "-", "-", "kept (already there)"))
        else:
            rows.append(
                (
                    r.unit,
                    "none found" if r.no_recommendations else str(r.recommendations),
                    str(r.from_library),
                    # Names carried over from other letters are things to check too.
                    str(len(r.to_fill_in) + len(r.to_check) + len(r.names_to_check)),
                    str(len(r.dates_to_confirm)),
                    r.output.name,
                )
            )
    lines = ["", *table(rows)]
    if any(r.no_recommendations for r in results):
        lines.append(
            "none found: drafter could not read that report's recommendations; "
            "its letter has placeholders for them."
        )
    return lines


def batch_failures_line(results: Sequence[DraftResult]) -> str | None:
    """ "2 of 5 reports could not be drafted", or None when all were."""
    failed = sum(1 for r in results if r.error or r.output is None)
    if not failed:
        return None
    return (
        f"{failed} of {counted(len(results), 'report')} could not be drafted "
        "(see 'Not drafted' above); the others were written."
    )


def batch_stopped_lines(results: Sequence[DraftResult], folder: str | Path) -> list[str]:
    """What to say when a batch is stopped with Ctrl-C: what is there, and
    how to carry on without redrafting it."""
    written = sum(1 for r in results if r.output is not None and not r.kept)
    kept = sum(1 for r in results if r.kept)
    done = f"{counted(written, 'letter')} {'was' if written == 1 else 'were'} written"
    if kept:
        done += f" and {counted(kept, 'letter')} kept"
    return [
        f"Stopped. {done} in {folder} before you stopped; nothing half-written was kept.",
        "To carry on, run the same command again with --skip-existing: the letters "
        "already there are kept and the rest are drafted.",
    ]


def draft_lines(results: Sequence[DraftResult], *, batch: bool, has_settings: bool) -> list[str]:
    """Everything ``drafter draft`` says after drafting."""
    lines: list[str] = []
    for result in results:
        if result.error:
            lines.append(f"Not drafted: {result.report_path}: {result.error}")
            continue
        if result.kept:
            lines.append(f"Kept {result.output} (already there)")
            continue
        lines.append(f"Wrote {result.output} ({result.unit}): {draft_summary_line(result)}")
        # Reading warnings already in the fill-in list are not said twice.
        listed = set() if batch else {item.note for item in result.to_check}
        lines += [f"  Warning: {w}" for w in result.warnings if w not in listed]
        if not batch:
            lines += fill_in_lines(result)
    if batch:
        lines += batch_table(results)
    if not has_settings and any(r.placeholders for r in results):
        lines.append(
            "No settings file yet: run 'drafter config init' and fill in your region's "
            "signatory so future letters have it."
        )
    return lines


# --- check -----------------------------------------------------------------------


def check_issue_line(issue: CheckIssue) -> str:
    """'Problem, paragraph 5 ("a total of 4 recommendations"): The letter says …'"""
    where = []
    if issue.paragraph is not None:
        where.append(f"paragraph {issue.paragraph}")
    if issue.quote:
        where.append(f'"{shorten(issue.quote, 80)}"')
    label = "Problem" if issue.severity == "problem" else "Warning"
    place = f", {' '.join(where)}" if where else ""
    return f"{label}{place}: {issue.message}"


def check_lines(result: CheckResult) -> list[str]:
    """What ``drafter check`` prints: one line per problem, then each warning,
    then a summary."""
    lines = [check_issue_line(i) for i in result.problems]
    lines += [check_issue_line(i) for i in result.warnings]
    problems, warnings = len(result.problems), len(result.warnings)
    name = Path(result.letter_path).name
    if problems:
        summary = f"{name}: {counted(problems, 'problem')} to fix before sending"
    else:
        summary = f"{name}: no problems found"
    if warnings:
        summary += f", {counted(warnings, 'warning')} worth a look"
    lines.append(summary + ".")
    return lines


# --- review ----------------------------------------------------------------------


def review_status_lines(status: ReviewStatus) -> list[str]:
    """How far a review has got, recommendation by recommendation."""
    from drafter.review.file import summarise_review

    review = status.review
    summary = summarise_review(review)
    lines = [
        f"{status.path}: {summary.total} recommendations, {summary.decided} decided, "
        f"{summary.no_action} with no action yet, {summary.pending} pending."
    ]
    labels = {"pending": "pending", "decided": "decided", "no_action": "no action yet"}
    for position, decision in enumerate(review.decisions, start=1):
        agreement = f", {decision.agreement}" if decision.agreement else ""
        count = len(decision.actions)
        actions = f", {count} action{'s' * (count != 1)}" if count else ""
        lines.append(
            f"  {position}. {labels[decision.status]}{agreement}{actions}: "
            f"{shorten(decision.recommendation, 70)}"
        )
    if status.report_changed:
        lines.append("The report has changed since; run 'drafter review REPORT' to update.")
    return lines


def sheet_written_line(
    review: ReviewFile, path: str | Path, report_path: str | Path, *, accept_best: bool
) -> str:
    """What ``drafter review --sheet`` wrote and what to do next."""
    from drafter.review.file import summarise_review

    summary = summarise_review(review)
    filled = f" ({summary.decided} filled in with the best match)" if accept_best else ""
    return (
        f"Wrote {path} with {summary.total} recommendations{filled}. "
        f"Edit it in any text editor, then: drafter draft {report_path} --review {path}"
    )


def review_saved_line(summary: ReviewSummary, path: str | Path, report_path: str | Path) -> str:
    """Where an interactive review was saved, how far it got, and what to do next."""
    return (
        f"Saved in {path}: {summary.decided} decided, {summary.no_action} with no action yet, "
        f"{summary.pending} pending. Draft the letter with: "
        f"drafter draft {report_path} --review {path}"
    )


# --- archive ---------------------------------------------------------------------


def archived_lines(result: ArchiveResult) -> list[str]:
    """What ``drafter archive`` did, and how to follow the commitments up."""
    lines = [result.message]
    if not result.created:
        return lines
    actions = result.letter.actions
    dated = sum(1 for a in actions if a.due_date)
    states = "states" if len(actions) == 1 else "state"
    lines.append(
        f"{dated} of {counted(len(actions), 'action')} {states} a due date; follow them up with "
        f"'drafter commitments --unit \"{result.letter.unit or ''}\"'."
    )
    return lines


def forced_lines(result: ArchiveResult) -> list[str]:
    """What --force overrode, one warning each."""
    return [f"Warning: archived with --force although {reason}." for reason in result.forced]


#: How the folder summary names each outcome (and, in a dry run, what would happen).
_OUTCOME_WORDS = {
    "archived": ("archived", "would archive"),
    "already archived": ("already archived", "already archived"),
    "not a letter": ("not a letter", "not a letter"),
    "refused": ("refused", "would refuse"),
    "failed": ("failed", "would fail"),
}


def _folder_detail(entry: FolderEntry) -> str:
    if entry.outcome == "archived":
        parts = [f"letter {entry.letter_id}"] if entry.letter_id else []
        parts.append(entry.unit or "unknown unit")
        if entry.letter_date:
            parts.append(long_date(entry.letter_date) or "")
        parts.append(counted(entry.actions, "action"))
        detail = ", ".join(parts)
        if entry.superseded_id:
            detail += f"; replaces letter {entry.superseded_id}"
        if entry.forced:
            detail += "; with --force although " + "; and ".join(entry.forced)
        return detail
    return entry.reason or ""


def folder_lines(result: FolderResult) -> list[str]:
    """The table ``drafter archive FOLDER`` ends with: each file, what
    happened to it and why, then the totals."""
    if not result.entries:
        return [
            f"No .docx, .pdf or .txt files in {result.folder}"
            + (f" ({counted(result.ignored, 'other file')} left alone)." if result.ignored else ".")
        ]
    which = 1 if result.dry_run else 0
    rows = [("File", "Result", "Details")]
    for entry in result.entries:
        try:
            name = str(entry.path.relative_to(result.folder))
        except ValueError:
            name = str(entry.path)
        rows.append((name, _OUTCOME_WORDS[entry.outcome][which], _folder_detail(entry)))
    lines = table(rows)
    counts = result.counts()
    totals = ", ".join(f"{_OUTCOME_WORDS[outcome][which]} {counts[outcome]}" for outcome in counts)
    lines.append("")
    lines.append(f"Dry run: {totals}." if result.dry_run else f"{totals.capitalize()}.")
    if result.ignored:
        lines.append(
            f"{counted(result.ignored, 'other file')} (not .docx, .pdf or .txt) left alone."
        )
    if result.dry_run:
        lines.append("Nothing was stored. Run again without --dry-run to archive.")
    elif counts["failed"] or counts["refused"]:
        lines.append(
            "Fix or remove the files refused or failed and run the same command again: "
            "what is archived already is skipped."
        )
    return lines


def removal_lines(plan: RemovedLetter, *, done: bool) -> list[str]:
    """What ``drafter archive remove`` takes away (``done``: took away)."""
    letter = plan.letter
    when = long_date(letter.letter_date) or "undated"
    head = (
        f"Removed letter {letter.id} ({letter.unit or 'unknown unit'}, {when}, {letter.file_name})"
        if done
        else f"Letter {letter.id} ({letter.unit or 'unknown unit'}, {when}, {letter.file_name})"
    )
    goes = "went" if done else "will go"
    lines = [head + ":"]
    lines.append(
        f"  {counted(len(plan.actions_removed), 'action')} {goes} from the library and "
        f"{counted(plan.commitments_removed, 'commitment')} from the follow-up list"
        + (f", with {counted(plan.notes_removed, 'progress note')}" if plan.notes_removed else "")
        + "."
    )
    if plan.decisions_removed:
        lines.append(
            f"  {counted(plan.decisions_removed, 'review decision')} about those actions "
            f"{goes} too."
        )
    if plan.actions_kept:
        back = "went back" if done else "will go back"
        lines.append(
            f"  {counted(len(plan.actions_kept), 'action')} that it shared with an earlier "
            f"letter or import {'stays' if len(plan.actions_kept) == 1 else 'stay'} and {back} "
            "to where it came from."
        )
    if plan.restored_letter_id:
        lines.append(
            f"  Letter {plan.restored_letter_id}, which it replaced, "
            f"{'is' if done else 'will be'} current again."
        )
    if plan.file_removed:
        lines.append(f"  The stored copy of {letter.file_name} {goes}.")
    return lines


def link_tip(result: ArchiveResult) -> str | None:
    """A hint when no action could be tied to its recommendation."""
    actions = result.letter.actions
    if result.created and actions and all(a.link == "unknown" for a in actions):
        return (
            "Tip: add --report REPORT (or --review FILE) to link each action to the "
            "recommendation it answers."
        )
    return None


def letters_table(letters: Sequence[ArchivedLetter]) -> list[str]:
    if not letters:
        return ["No letters are archived yet. Archive one with 'drafter archive SENT'."]
    lines = [f"{'ID':>4}  {'Date':<10}  {'Status':<10}  {'Actions':>7}  Unit"]
    for letter in letters:
        lines.append(
            f"{letter.id:>4}  {str(letter.letter_date or ''):<10}  {letter.status:<10}  "
            f"{len(letter.actions):>7}  {letter.unit or '(unknown unit)'}"
        )
    return lines


def letter_lines(letter: ArchivedLetter) -> list[str]:
    """One archived letter: its details, actions (by commitment number) and findings."""
    lines = [f"Letter {letter.id}: {letter.unit or '(unknown unit)'} ({letter.status})"]
    for label, value in (
        ("Date", long_date(letter.letter_date)),
        ("Sent", long_date(letter.sent_date)),
        ("To", letter.recipient),
        ("From", letter.signatory),
        ("Subject", letter.subject),
        ("Recommendations", letter.recommendation_count),
        ("File", f"{letter.file_name} (SHA-256 {letter.sha256[:12]}…)"),
        ("Replaces letter", letter.supersedes_id),
    ):
        if value:
            lines.append(f"  {label}: {value}")
    lines.append("Actions (numbered as commitments, for 'drafter commitments done'):")
    for action in letter.actions:
        due = f" [due {action.due_date}]" if action.due_date else ""
        labels = "; ".join(ref.label for ref in action.recommendation_refs)
        rec = f" ({labels})" if labels else ""
        lines.append(f"  {action.commitment_id:>4}. {action.text}{due}{rec}")
        plan = "; ".join(
            part
            for part in (
                action.agreement,
                f"owner: {action.owner}" if action.owner else None,
            )
            if part
        )
        if plan:  # from an action plan's columns
            lines.append(f"        {plan}")
    if letter.positive_findings:
        lines.append("Positive findings:")
        lines += [f"  - {finding}" for finding in letter.positive_findings]
    return lines


# --- commitments -----------------------------------------------------------------


def commitments_table(commitments: Sequence[Commitment]) -> list[str]:
    if not commitments:
        return ["No commitments match."]
    lines = [f"{'ID':>4}  {'Due':<10}  {'Status':<8}  {'Unit':<28}  Action"]
    for item in commitments:
        status = "OVERDUE" if item.is_overdue() else item.status
        text = item.text if len(item.text) <= 70 else item.text[:69] + "…"
        lines.append(
            f"{item.id:>4}  {str(item.due_date or '-'):<10}  {status:<8}  "
            f"{(item.unit or '')[:28]:<28}  {text}"
        )
    return lines


def done_line(item: Commitment, *, already_done: bool = False) -> str:
    """What ``drafter commitments done`` did (``already_done``: nothing, as it
    was done before)."""
    if already_done:
        when = f" on {long_date(item.done_on)}" if item.done_on else ""
        return f"Commitment {item.id} was already marked done{when}; nothing was changed."
    return f"Commitment {item.id} for {item.unit or 'its unit'} is marked done."


def reopened_line(item: Commitment, *, changed: bool) -> str:
    """What ``drafter commitments reopen`` did."""
    if not changed:
        return f"Commitment {item.id} is already open; nothing was changed."
    return f"Commitment {item.id} for {item.unit or 'its unit'} is open again."


def noted_line(item: Commitment) -> str:
    """What ``drafter commitments note`` did."""
    line = f"Noted on commitment {item.id} ({counted(len(item.notes), 'note')} so far)."
    if item.status == "done":
        when = long_date(item.done_on)
        line += f" It is already marked done{f' (on {when})' if when else ''}."
    return line
