"""Archiving sent response letters.

``drafter archive`` reads the letter *as sent* with :mod:`drafter.archive.sent_letter`
and stores it in the database in one transaction:

* a content-addressed copy of the file (keyed by its SHA-256),
* the letter's metadata (unit, date, recipient, signatory, positive findings),
* each action bullet as a library action whose source is this letter, so the
  next draft can reuse it, and
* each action as a commitment with the due date read from its wording.

It also lists, shows and exports the archive.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from drafter.archive.commitments import commitments_csv, database_of, list_commitments

# Reading the letter lives in drafter.archive.sent_letter; these names stay importable
# from here because callers archive and read letters together.
from drafter.archive.sent_letter import (
    MAX_LETTER_BYTES,
    Paragraph,
    SentAction,
    SentLetter,
    parse_letter,
    read_sent_letter,
    read_sent_letter_bytes,
)
from drafter.core.dates import extract_due_date, long_date, read_date
from drafter.core.errors import ArchiveRefusedError, DrafterError
from drafter.core.fileio import (
    atomic_write_bytes,
    atomic_write_text,
    read_input_bytes,
    write_problem,
)
from drafter.core.regions import unit_key
from drafter.core.textmatch import normalise
from drafter.core.wording import counted
from drafter.library.database import ActionRow, CommitmentRow, LetterFileRow, LetterRow
from drafter.library.store import action_fingerprint

if TYPE_CHECKING:
    from drafter.core.model import Report
    from drafter.review.file import ReviewFile

__all__ = [
    "FUZZY_LINK_MIN",
    "INDEX_FIELDS",
    "LINK_KINDS",
    "MAX_LETTER_BYTES",
    "MEDIA_TYPES",
    "ActionLink",
    "ArchiveResult",
    "ArchivedAction",
    "ArchivedLetter",
    "RecommendationRef",
    "ExportResult",
    "Paragraph",
    "SentAction",
    "SentLetter",
    "SupersedeDecisionNeeded",
    "archive_letter",
    "export_archive",
    "get_letter",
    "letter_file",
    "link_actions",
    "list_letters",
    "parse_letter",
    "read_sent_letter",
    "read_sent_letter_bytes",
]


MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "text": "text/plain",
}
#: How an action was tied to its recommendation: the reviewer chose it ("review"),
#: the letter says so ("letter"), by wording ("matched"), or not at all ("unknown").
LINK_KINDS = ("review", "letter", "matched", "unknown")
#: rapidfuzz token-set ratio an action needs with a recommendation's text to be
#: linked to it when the matcher finds nothing in common.
FUZZY_LINK_MIN = 60


@dataclass
class RecommendationRef:
    """One recommendation an action answers, as the report prints it: its
    number (numbering can restart per addressee), the body it is addressed to,
    and its place in the report's whole list (1-based)."""

    position: int
    number: int
    addressee: str | None
    #: How people refer to it: "South West region, recommendation 2", or just
    #: "recommendation 2" when the report addresses a single body.
    label: str


@dataclass
class ArchivedAction:
    """An action stored from a letter: its library entry and its commitment."""

    action_id: int
    commitment_id: int
    text: str
    recommendation: str | None
    #: Positions (1-based) in the report's whole list of recommendations, as
    #: printed numbering can restart per addressee; ``recommendation_refs``
    #: has the printed numbers and addressees.
    recommendation_numbers: list[int]
    link: str  # how the recommendation was found: one of LINK_KINDS
    due_date: date | None
    due_text: str | None
    recommendation_refs: list[RecommendationRef] = field(default_factory=list)
    #: From an action plan: its owner, and whether the recommendation is agreed.
    owner: str | None = None
    agreement: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return _json_record(self)


@dataclass
class ArchivedLetter:
    """A letter in the archive, as listed and shown."""

    id: int
    sha256: str
    file_name: str
    media_type: str
    size: int
    unit: str | None
    region: str | None
    letter_date: date | None
    sent_date: date | None
    recipient: str | None
    signatory: str | None
    subject: str | None
    recommendation_count: int | None
    positive_findings: list[str]
    status: str
    supersedes_id: int | None
    archived_at: datetime
    actions: list[ArchivedAction] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return _json_record(self)


@dataclass
class ArchiveResult:
    """What ``archive_letter`` did. ``created`` is False when the very same file
    was already archived (nothing was changed)."""

    letter: ArchivedLetter
    created: bool
    superseded_id: int | None = None
    warnings: list[str] = field(default_factory=list)
    #: True when nothing was archived because ``letter`` (another file) holds
    #: the same letter: same unit, date and actions (see ``again``).
    same_letter: bool = False
    #: Why archiving would have been refused, when ``force`` archived it anyway.
    forced: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` record: the archived letter, whether it was new, and warnings."""
        return {
            "created": self.created,
            "same_letter": self.same_letter,
            "warnings": self.warnings,
            "forced": self.forced,
            **self.letter.to_dict(),
        }

    @property
    def message(self) -> str:
        letter = self.letter
        when = long_date(letter.archived_at.date())
        if self.same_letter:
            return (
                f"This is the same letter as letter {letter.id} (archived from "
                f"{letter.file_name}); nothing was changed. Add --again only if it is "
                "really another letter."
            )
        if not self.created:
            return (
                f"This file is already archived as letter {letter.id} on {when}; "
                "nothing was changed."
            )
        text = (
            f"Archived letter {letter.id} for {letter.unit or 'an unknown unit'}"
            f" ({long_date(letter.letter_date) or 'undated'}): "
            f"{counted(len(letter.actions), 'action')} "
            "added to the library and to the commitments"
        )
        if self.superseded_id:
            text += f"; it replaces letter {self.superseded_id}"
        return text + "."


class SupersedeDecisionNeeded(DrafterError):
    """The unit already has a current archived letter; the caller must say
    whether the new letter replaces it."""

    def __init__(self, existing_id: int, unit: str, existing_date: date | None) -> None:
        self.existing_id = existing_id
        self.unit = unit
        self.existing_date = existing_date
        when = long_date(existing_date) or "undated"
        self.question = (
            f"Letter {existing_id} for {unit} is already archived ({when}). "
            "Does this one replace it?"
        )
        super().__init__(
            f"Letter {existing_id} for {unit} is already archived ({when}).",
            hint="Add --supersedes if this letter replaces it, or --no-supersedes to keep both.",
        )


# --- archiving -------------------------------------------------------------------


def _crash_hook() -> None:
    """Called inside the archive transaction after the file row is written.
    Tests replace it to kill the process mid-archive; it does nothing here."""


@dataclass
class ActionLink:
    """The recommendation an action answers: its text, its position(s) in the
    report's list, how the link was found (one of LINK_KINDS), and the
    recommendation(s) as the report numbers them."""

    recommendation: str | None
    numbers: list[int]
    kind: str
    refs: list[RecommendationRef] = field(default_factory=list)
    #: The review file's target date for that recommendation ("March 2026"),
    #: used when the action itself states no date.
    target_date: str | None = None


def archive_letter(
    path: str | Path,
    library: Any,
    *,
    report: Report | str | Path | None = None,
    review: ReviewFile | str | Path | None = None,
    sent_date: date | None = None,
    supersede: bool | None = None,
    again: bool = False,
    force: bool = False,
) -> ArchiveResult:
    """Archive the sent letter at ``path`` into ``library``'s database.

    ``report`` (a :class:`Report` or a path) or ``review`` (a ReviewFile or a
    path) tie each action to the recommendation(s) it answers; without them the
    letter's own "Recommendation N" headings are used, else the link is stored
    as unknown. ``sent_date`` defaults to the letter's date.

    Refused with :class:`ArchiveRefusedError` (nothing stored): a letter that
    still has drafter's "[…]" placeholders, a letter about another unit than
    ``report`` or ``review``, and a document that is not a response letter (an
    inspection report, minutes). ``force`` archives it anyway; the result's
    ``forced`` then lists what was overridden.

    Archiving the same file again changes nothing (``created`` is False). If the
    unit already has a current letter, ``supersede`` must say whether this one
    replaces it (``True``: the old letter and its actions are marked
    superseded; ``False``: both are kept); ``None`` raises
    :class:`SupersedeDecisionNeeded`. Everything is written in one transaction.

    Another file holding the same letter (the sent .docx and its PDF copy:
    same unit, letter date and action texts, ignoring case, spacing and
    punctuation) changes nothing either (``same_letter`` is True), since it
    would count every action twice; ``again`` archives it all the same.
    """
    if sent_date is not None and sent_date > date.today():
        raise DrafterError(
            f"The sent date is in the future: check it ({long_date(sent_date)}).",
            hint="Give the date the letter was actually sent, e.g. --sent-date 31/03/2026.",
        )
    data = read_input_bytes(path, MAX_LETTER_BYTES)
    name = Path(path).name
    letter = read_sent_letter_bytes(data, name=name)
    return _archive_read_letter(
        data,
        letter,
        library,
        report=_load_report(report),
        review=_load_review(review),
        sent_date=sent_date,
        supersede=supersede,
        again=again,
        force=force,
    )


def refusals(
    letter: SentLetter, *, report: Report | None = None, review: ReviewFile | None = None
) -> list[tuple[str, str]]:
    """Why ``letter`` should not be archived as it is: (kind, reason) pairs,
    kind one of "not a letter", "placeholders", "other unit"; [] if none."""
    found: list[tuple[str, str]] = []
    if not letter.is_response_letter:
        found.append(("not a letter", f"it is not a response letter: {letter.document.reason}"))
    if letter.placeholders:
        shown = ", ".join(
            text if len(text) <= 40 else text[:38].rstrip() + "…]"
            for text in letter.placeholders[:3]
        )
        more = len(letter.placeholders) - 3
        if more > 0:
            shown += f" and {more} more"
        count = len(letter.placeholders)
        found.append(
            (
                "placeholders",
                f"it still has {count} placeholder{'' if count == 1 else 's'} to fill in ({shown})",
            )
        )
    for source, unit in (
        ("report", report.unit if report else None),
        ("review file", review.unit if review else None),
    ):
        if unit and letter.unit and unit_key(unit) != unit_key(letter.unit):
            found.append(
                ("other unit", f"it is about {letter.unit} but the {source} is about {unit}")
            )
    return found


_REFUSAL_HINTS = {
    "not a letter": "Archive the letter (or action plan) sent in reply to the report",
    "placeholders": "Fill them in (or delete them) as in the letter that was sent",
    "other unit": "Check you gave the right files",
}


def refusal_error(name: str, found: list[tuple[str, str]]) -> ArchiveRefusedError:
    hints = "; ".join(_REFUSAL_HINTS[kind] for kind in dict.fromkeys(k for k, _ in found))
    return ArchiveRefusedError(name, found, hint=f"{hints}, or add --force to archive it as it is.")


def _archive_read_letter(
    data: bytes,
    letter: SentLetter,
    library: Any,
    *,
    report: Report | None,
    review: ReviewFile | None,
    sent_date: date | None,
    supersede: bool | None,
    again: bool,
    force: bool,
) -> ArchiveResult:
    """Archive a letter already read from ``data``."""
    report_obj, review_obj = report, review
    found = refusals(letter, report=report_obj, review=review_obj)
    if found and not force:
        existing = _archived_file(library, letter.sha256)
        if existing is not None:  # archived before (with --force): nothing to refuse
            return ArchiveResult(letter=existing, created=False)
        raise refusal_error(letter.file_name, found)
    if sent_date is not None and letter.letter_date and sent_date < letter.letter_date:
        letter.warnings.append(
            f"The sent date ({long_date(sent_date)}) is before the letter's own date "
            f"({long_date(letter.letter_date)}); check it."
        )
    if report_obj is not None and report_obj.recommendations:
        in_report = len(report_obj.recommendations)
        if letter.recommendation_count is None:
            letter.recommendation_count = in_report
        elif letter.recommendation_count != in_report:
            letter.warnings.append(
                f"The letter speaks of {letter.recommendation_count} "
                f"recommendation{'' if letter.recommendation_count == 1 else 's'} but the "
                f"report makes {in_report}."
            )
    if letter.unit is None and report_obj is not None:
        letter.unit = report_obj.unit
        letter.warnings = [w for w in letter.warnings if "which unit" not in w]
    if letter.unit is None and review_obj is not None:
        letter.unit = review_obj.unit
    links = link_actions(letter, report=report_obj, review=review_obj)
    report_sha256 = (report_obj.sha256 if report_obj else None) or (
        review_obj.report_sha256 if review_obj else None
    )

    def store() -> ArchiveResult:
        return _store(
            library,
            data,
            letter,
            links,
            report_sha256=report_sha256,
            sent_date=sent_date,
            supersede=supersede,
            again=again,
        )

    result = None
    for attempt in range(ARCHIVE_ATTEMPTS):
        try:
            result = store()
            break
        except IntegrityError:
            # Another drafter archived the same file, or replaced the same
            # letter, at the same moment: the database refused the second
            # (PostgreSQL lets both check before either commits). Looking again
            # finds the file, or the letter that is now current.
            if attempt == ARCHIVE_ATTEMPTS - 1:
                raise DrafterError(
                    "Another drafter kept archiving letters for this unit at the same "
                    "moment, so this letter was not archived.",
                    hint="Run the same command again.",
                ) from None
    assert result is not None
    if result.created:
        result.forced = [reason for _, reason in found]
    return result


def _archived_file(library: Any, sha256: str) -> ArchivedLetter | None:
    """The archived letter stored from the file with this SHA-256, if any."""
    with database_of(library).session() as session:
        row = session.scalar(select(LetterRow).where(LetterRow.sha256 == sha256))
        return _to_archived(session, row) if row is not None else None


def _load_report(report: Any) -> Report | None:
    if report is None or not isinstance(report, (str, Path)):
        return report
    from drafter.reading.reader import read_report

    return read_report(report)


def _load_review(review: Any) -> ReviewFile | None:
    if review is None or not isinstance(review, (str, Path)):
        return review
    from drafter.review.file import load_review

    return load_review(review)


@dataclass
class _Listed:
    """A recommendation the actions can be tied to."""

    text: str
    number: int
    addressee: str | None


def link_actions(
    letter: SentLetter, *, report: Report | None = None, review: ReviewFile | None = None
) -> list[ActionLink]:
    """For each action, the recommendation it answers and how that was found.

    In order of trust: the reviewer's chosen wording (``review``), the
    recommendation the letter quotes or numbers above the action, and last the
    wording of the action itself compared with each recommendation.
    """
    listed: dict[int, _Listed] = {}
    if report is not None:
        listed = {
            i: _Listed(r.text, r.number, r.addressee)
            for i, r in enumerate(report.recommendations, start=1)
        }
    elif review is not None:
        listed = {
            i: _Listed(d.recommendation, d.number, d.addressee)
            for i, d in enumerate(review.decisions, start=1)
        }
    elif letter.quoted_recommendations:
        listed = {
            i: _Listed(text, i, None)
            for i, text in enumerate(letter.quoted_recommendations, start=1)
        }
    recommendations = {n: item.text for n, item in listed.items()}

    links: list[ActionLink | None] = []
    for action in letter.actions:
        links.append(_stated_link(action, listed, recommendations, review))
    unlinked = [i for i, link in enumerate(links) if link is None]
    if unlinked and recommendations:
        taken = {n for link in links if link is not None for n in link.numbers}
        guessed = _link_by_wording(
            [letter.actions[i].text for i in unlinked], recommendations, taken
        )
        for index, numbers in zip(unlinked, guessed, strict=True):
            if numbers:
                links[index] = ActionLink(recommendations[numbers[0]], numbers, "matched")
    result = [link or ActionLink(None, [], "unknown") for link in links]
    several_bodies = len({_addressee_name(i.addressee) for i in listed.values()}) > 1
    for link in result:
        if not link.refs:
            link.refs = [_ref(n, listed.get(n), several_bodies) for n in link.numbers]
        if review is not None:
            decision = _decision_for(link, review)
            if decision is not None and decision.status == "decided":
                link.target_date = (decision.target_date or "").strip() or None
    return result


def _decision_for(link: ActionLink, review: ReviewFile) -> Any:
    """The review decision about the recommendation ``link`` points to: the one
    with the same wording, else the same printed number and addressee."""
    if link.recommendation:
        wanted = _same_words(link.recommendation)
        for decision in review.decisions:
            if _same_words(decision.recommendation) == wanted:
                return decision
    if link.refs:
        first = link.refs[0]
        for decision in review.decisions:
            if (
                decision.number == first.number
                and _addressee_name(decision.addressee).casefold()
                == (first.addressee or "").casefold()
            ):
                return decision
    return None


def _stated_link(
    action: SentAction,
    listed: dict[int, _Listed],
    recommendations: dict[int, str],
    review: ReviewFile | None,
) -> ActionLink | None:
    """The link the review file or the letter itself states, if any."""
    if review is not None:
        best: tuple[float, int] | None = None
        for position, decision in enumerate(review.decisions, start=1):
            for chosen in decision.actions:
                score = fuzz.token_set_ratio(action.text, chosen.text)
                if best is None or score > best[0]:
                    best = (score, position)
        if best is not None and best[0] >= 80 and best[1] in recommendations:
            return ActionLink(recommendations[best[1]], [best[1]], "review")
    if action.recommendation_text and recommendations:
        wanted = _same_words(action.recommendation_text)
        position = next(
            (n for n, text in recommendations.items() if _same_words(text) == wanted), None
        )
        if position is not None:
            return ActionLink(recommendations[position], [position], "letter")
    if action.recommendation_numbers and recommendations:
        # The letter's "Recommendation 2" is the printed number; where numbering
        # restarts per addressee the first body's is meant (the letter answers
        # them in the report's order).
        positions: list[int] = []
        for printed in action.recommendation_numbers:
            same = [n for n, item in listed.items() if item.number == printed]
            if same and same[0] not in positions:
                positions.append(same[0])
        if positions:
            return ActionLink(recommendations[positions[0]], positions, "letter")
    if action.recommendation_numbers and not recommendations:
        numbers = list(action.recommendation_numbers)
        return ActionLink(action.recommendation_text, numbers, "letter")
    return None


def _addressee_name(addressee: str | None) -> str:
    name = " ".join((addressee or "").split())
    return name[4:] if name.lower().startswith("the ") else name


def _ref(position: int, item: _Listed | None, several_bodies: bool) -> RecommendationRef:
    number = item.number if item is not None else position
    addressee = _addressee_name(item.addressee if item is not None else None) or None
    label = f"recommendation {number}"
    if several_bodies and addressee:
        label = f"{addressee}, {label}"
    return RecommendationRef(position=position, number=number, addressee=addressee, label=label)


def _same_words(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def _link_by_wording(
    actions: list[str], recommendations: dict[int, str], taken: set[int]
) -> list[list[int]]:
    """For actions the letter does not tie to a recommendation: the
    recommendation positions each one answers, best first ([] if none).

    Each action is scored against each recommendation's text with the
    matcher's scoring, both ways round (the action as the query and the
    recommendation as the query), so a distinctive shared idea ("outlying
    villages") counts for more than common words. Pairs are then assigned best
    first. When there are as many such actions as recommendations still
    unanswered, each of those recommendations gets one action (letters
    usually answer each recommendation once); otherwise each action takes its
    best recommendation. An action also answers any other recommendation that
    clears the matcher's no-match threshold. With nothing in common, plain
    text similarity decides, and only a clear resemblance counts.
    """
    table = _wording_scores(actions, list(recommendations.values()))
    positions = list(recommendations)
    threshold = _no_match_threshold()
    chosen: dict[int, int] = {}
    open_positions = [p for p in positions if p not in taken]
    one_each = len(actions) > 1 and len(actions) == len(open_positions)
    allowed = open_positions if one_each else positions
    pairs = sorted(
        (
            (table[a][positions.index(p)], -a, -p)
            for a in range(len(actions))
            for p in allowed
            if table[a][positions.index(p)] > 0
        ),
        reverse=True,
    )
    used: set[int] = set()
    for _score, minus_a, minus_p in pairs:
        index, position = -minus_a, -minus_p
        if index in chosen or (one_each and position in used):
            continue
        chosen[index] = position
        used.add(position)
    result: list[list[int]] = []
    for index, text in enumerate(actions):
        if index in chosen:
            first = chosen[index]
            others = sorted(
                (
                    (table[index][positions.index(p)], p)
                    for p in positions
                    if p != first and table[index][positions.index(p)] >= threshold
                ),
                reverse=True,
            )
            result.append([first] + [p for _, p in others])
            continue
        scored = sorted(
            ((fuzz.token_set_ratio(text, rec), p) for p, rec in recommendations.items()),
            reverse=True,
        )
        # Plain similarity is a weak signal: only trust a clear resemblance,
        # or a report with a single recommendation.
        if scored[0][0] >= FUZZY_LINK_MIN or len(recommendations) == 1:
            result.append([scored[0][1]])
        else:
            result.append([])
    return result


def _no_match_threshold() -> float:
    from drafter.matching.matcher import NO_MATCH_THRESHOLD

    return float(NO_MATCH_THRESHOLD)


def _wording_scores(actions: list[str], recommendations: list[str]) -> list[list[float]]:
    """table[action][recommendation]: the mean of the matcher's shown score
    with the recommendations as the library and with the actions as it."""
    from drafter.core.model import LibraryAction
    from drafter.matching.matcher import Matcher

    by_recommendation = Matcher(
        [LibraryAction(id=i, text=t) for i, t in enumerate(recommendations)]
    )
    by_action = Matcher([LibraryAction(id=i, text=t) for i, t in enumerate(actions)])
    forward = [list(map(float, by_recommendation.scores(text))) for text in actions]
    backward = [list(map(float, by_action.scores(text))) for text in recommendations]
    return [
        [(forward[a][r] + backward[r][a]) / 2 for r in range(len(recommendations))]
        for a in range(len(actions))
    ]


def _store(
    library: Any,
    data: bytes,
    letter: SentLetter,
    links: list[ActionLink],
    *,
    report_sha256: str | None,
    sent_date: date | None,
    supersede: bool | None,
    again: bool = False,
) -> ArchiveResult:
    db = database_of(library)
    with db.session() as session:
        _begin_write(session)
        _lock_unit(session, letter.unit)
        existing = session.scalar(select(LetterRow).where(LetterRow.sha256 == letter.sha256))
        if existing is not None:
            return ArchiveResult(letter=_to_archived(session, existing), created=False)
        twin = None if again else _same_letter_archived(session, letter)
        if twin is not None:
            return ArchiveResult(
                letter=_to_archived(session, twin), created=False, same_letter=True
            )
        previous = _current_letter_for_unit(session, letter.unit)
        if previous is not None and supersede is None:
            raise SupersedeDecisionNeeded(previous.id, letter.unit or "", previous.letter_date)

        if session.get(LetterFileRow, letter.sha256) is None:
            session.add(
                LetterFileRow(
                    sha256=letter.sha256,
                    content=data,
                    file_name=letter.file_name,
                    media_type=MEDIA_TYPES[letter.source_format],
                    size=len(data),
                )
            )
            session.flush()
        _crash_hook()
        row = LetterRow(
            sha256=letter.sha256,
            unit=letter.unit,
            region=letter.region,
            letter_date=letter.letter_date,
            sent_date=sent_date or letter.letter_date,
            recipient=letter.recipient,
            signatory=letter.signatory,
            subject=letter.subject,
            report_sha256=report_sha256,
            recommendation_count=letter.recommendation_count,
            positive_findings=list(letter.positive_findings),
            supersedes_id=previous.id if previous is not None and supersede else None,
            status="current",
        )
        session.add(row)
        session.flush()
        if previous is not None and supersede:
            previous.status = "superseded"
            for old in session.scalars(select(ActionRow).where(ActionRow.letter_id == previous.id)):
                if old.status != "active":
                    continue  # a retired action stays retired
                # Marked, so that removing this letter makes active again only
                # the actions it made superseded.
                replaced = {**(old.extra or {}).get(REPLACED_KEY, {}), str(previous.id): old.status}
                old.extra = {**(old.extra or {}), REPLACED_KEY: replaced}
                old.status = "superseded"
            for old in session.scalars(
                select(CommitmentRow).where(
                    CommitmentRow.letter_id == previous.id, CommitmentRow.status == "open"
                )
            ):
                old.status = "superseded"

        committed_on = sent_date or letter.letter_date
        for action, link in zip(letter.actions, links, strict=True):
            due, phrase = None, None
            if action.target_date:  # an action plan's "Target date" column
                due, phrase = extract_due_date(
                    f"by {action.target_date}", letter.letter_date or committed_on
                )
                if due is None:
                    due, phrase = extract_due_date(
                        action.target_date, letter.letter_date or committed_on
                    )
            if due is None:
                due, phrase = extract_due_date(action.text, letter.letter_date or committed_on)
            if due is None and link.target_date:  # the reviewer's target date
                due, phrase = _target_due_date(link.target_date, letter.letter_date or committed_on)
            extra = {
                "recommendation_numbers": link.numbers,
                "recommendation_link": link.kind,
                "recommendation_refs": [dataclasses.asdict(ref) for ref in link.refs],
            }
            if action.agreement:  # an action plan's Agreed / Partly agreed column
                extra["agreement"] = action.agreement
            library_action = _add_library_action(
                library,
                session,
                text=action.text,
                recommendation=link.recommendation,
                unit=letter.unit,
                region=letter.region,
                committed_on=letter.letter_date or committed_on,
                owner=action.owner,
                due=phrase or action.target_date,
                letter_id=row.id,
                extra=extra,
            )
            session.add(
                CommitmentRow(
                    letter_id=row.id,
                    action_id=library_action,
                    unit=letter.unit,
                    text=action.text,
                    recommendation=link.recommendation,
                    due_date=due,
                    due_text=phrase,
                    status="open",
                )
            )
        session.flush()
        archived = _to_archived(session, row)
    return ArchiveResult(
        letter=archived,
        created=True,
        superseded_id=previous.id if previous is not None and supersede else None,
        warnings=list(letter.warnings),
    )


def _target_due_date(target: str, letter_date: date | None) -> tuple[date | None, str | None]:
    """A target date as a reviewer writes it ("March 2026", "31/03/2026",
    "within six months") as a due date, and the phrase it came from."""
    due, phrase = extract_due_date(f"by {target}", letter_date)
    if due is None:
        due, phrase = extract_due_date(target, letter_date)
    if due is None:
        due = read_date(target)
        phrase = target if due is not None else None
    return due, phrase


def _begin_write(session: Any) -> None:
    """On SQLite, take the write lock at the start so that two archives at once
    queue up (busy timeout) instead of one failing when it upgrades a read lock."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


#: How often an archive is tried when a simultaneous archive got in first.
ARCHIVE_ATTEMPTS = 5


def _lock_unit(session: Any, unit: str | None) -> None:
    """On PostgreSQL, hold a lock on the unit for the rest of the transaction,
    so two archives for one unit take turns: the second sees the first's
    letter as current and replaces it (or asks). SQLite's BEGIN IMMEDIATE
    already lets one writer in at a time. The unique index on
    ``letters.supersedes_id`` enforces the outcome whatever the locking."""
    connection = session.connection()
    if connection.dialect.name != "postgresql" or not unit:
        return
    import hashlib

    digest = hashlib.sha256(("drafter-unit:" + unit_key(unit)).encode("utf-8")).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({key})")


def _add_library_action(library: Any, session: Any, **values: Any) -> int:
    """Add one action to the library inside the archive transaction."""
    source_ref = f"letter {values['letter_id']}"
    add = getattr(library, "add_action", None)
    if add is not None:
        action = add(source_kind="letter", source_ref=source_ref, session=session, **values)
        row_id = int(action.id)
    else:  # archiving straight into a Database (no Library object)
        fingerprint = action_fingerprint(
            values["text"], values["recommendation"], values["unit"], values["committed_on"]
        )

        row = session.scalar(select(ActionRow).where(ActionRow.fingerprint == fingerprint))
        if row is None:
            row = ActionRow(
                source_kind="letter",
                source_ref=source_ref,
                status="active",
                fingerprint=fingerprint,
                tags=[],
                **values,
            )
            session.add(row)
            session.flush()
        row_id = row.id

    # An identical action already in the library (same words, unit and date) is
    # reused. If it came from the letter being replaced, it carries over to the
    # new letter and stays active; an action from a letter still current keeps
    # its original letter.
    stored = session.get(ActionRow, row_id)
    if stored is not None and stored.letter_id is None:
        # In the library before this letter (an import): remember how it was,
        # so that removing the letter gives it back unchanged.
        stored.extra = {
            **(stored.extra or {}),
            BEFORE_ARCHIVE_KEY: {
                "letter_id": None,
                "source_ref": stored.source_ref,
                "status": stored.status,
            },
        }
    if stored is not None and (stored.letter_id is None or stored.status == "superseded"):
        stored.letter_id = values["letter_id"]
        stored.source_ref = f"letter {values['letter_id']}"
        stored.status = "active"
    return row_id


def _stored_refs(extra: dict[str, Any]) -> list[RecommendationRef]:
    """The recommendations an action answers as stored; letters archived before
    printed numbers were kept fall back to their positions."""
    stored = extra.get("recommendation_refs")
    if stored is None:
        return [
            RecommendationRef(position=n, number=n, addressee=None, label=f"recommendation {n}")
            for n in extra.get("recommendation_numbers", [])
        ]
    return [RecommendationRef(**ref) for ref in stored]


def _current_letter_for_unit(session: Any, unit: str | None) -> Any:
    if not unit:
        return None
    key = unit_key(unit)
    rows = session.scalars(
        select(LetterRow).where(LetterRow.status == "current").order_by(LetterRow.id.desc())
    )
    for row in rows:
        if row.unit and unit_key(row.unit) == key:
            return row
    return None


def _same_letter_archived(session: Any, letter: SentLetter) -> Any:
    """The archived letter with the same content as ``letter`` (same unit,
    letter date and actions), or None. A PDF copy reads slightly differently
    from its .docx, so action texts are compared as normalised words."""
    if not letter.unit or not letter.actions:
        return None
    key = unit_key(letter.unit)
    wanted = sorted(normalise(action.text) for action in letter.actions)
    rows = session.scalars(
        select(LetterRow).where(LetterRow.letter_date == letter.letter_date).order_by(LetterRow.id)
    )
    for row in rows:
        if not row.unit or unit_key(row.unit) != key:
            continue
        texts = session.scalars(
            select(CommitmentRow.text).where(CommitmentRow.letter_id == row.id)
        ).all()
        if sorted(normalise(text) for text in texts) == wanted:
            return row
    return None


def _to_archived(session: Any, row: Any, *, with_actions: bool = True) -> ArchivedLetter:
    file_row = session.get(LetterFileRow, row.sha256)
    actions: list[ArchivedAction] = []
    if with_actions:
        commitments = session.scalars(
            select(CommitmentRow)
            .where(CommitmentRow.letter_id == row.id)
            .order_by(CommitmentRow.id)
        ).all()
        for commitment in commitments:
            action = session.get(ActionRow, commitment.action_id) if commitment.action_id else None
            extra = dict(action.extra or {}) if action is not None else {}
            actions.append(
                ArchivedAction(
                    action_id=commitment.action_id or 0,
                    commitment_id=commitment.id,
                    text=commitment.text,
                    recommendation=commitment.recommendation,
                    recommendation_numbers=list(extra.get("recommendation_numbers", [])),
                    link=extra.get("recommendation_link", "unknown"),
                    due_date=commitment.due_date,
                    due_text=commitment.due_text,
                    recommendation_refs=_stored_refs(extra),
                    owner=action.owner if action is not None else None,
                    agreement=extra.get("agreement"),
                )
            )
    return ArchivedLetter(
        id=row.id,
        sha256=row.sha256,
        file_name=file_row.file_name if file_row else "",
        media_type=file_row.media_type if file_row else "",
        size=file_row.size if file_row else 0,
        unit=row.unit,
        region=row.region,
        letter_date=row.letter_date,
        sent_date=row.sent_date,
        recipient=row.recipient,
        signatory=row.signatory,
        subject=row.subject,
        recommendation_count=row.recommendation_count,
        positive_findings=list(row.positive_findings or []),
        status=row.status,
        supersedes_id=row.supersedes_id,
        archived_at=row.created_at,
        actions=actions,
    )


# --- listing, showing, exporting -------------------------------------------------


def list_letters(store: Any) -> list[ArchivedLetter]:
    """Every archived letter, oldest first, with its actions."""
    with database_of(store).session() as session:
        rows = session.scalars(select(LetterRow).order_by(LetterRow.id)).all()
        return [_to_archived(session, row) for row in rows]


def get_letter(store: Any, letter_id: int) -> ArchivedLetter:
    """One archived letter with its actions; a plain error if there is none."""
    with database_of(store).session() as session:
        return _to_archived(session, _letter_row(session, letter_id))


def letter_file(store: Any, letter_id: int) -> tuple[str, bytes]:
    """The archived file of a letter: (original name, content)."""
    with database_of(store).session() as session:
        file_row = session.get(LetterFileRow, _letter_row(session, letter_id).sha256)
        return file_row.file_name, bytes(file_row.content)


def _letter_row(session: Any, letter_id: int) -> LetterRow:
    row = session.get(LetterRow, letter_id)
    if row is None:
        raise DrafterError(
            f"There is no archived letter {letter_id}.",
            hint="Run 'drafter archive list' to see their numbers.",
        )
    return row


INDEX_FIELDS = (
    "id",
    "exported_file",
    "original_file_name",
    "sha256",
    "unit",
    "region",
    "letter_date",
    "sent_date",
    "recipient",
    "signatory",
    "subject",
    "recommendation_count",
    "status",
    "supersedes_id",
    "archived_at",
    "actions",
    "positive_findings",
)


@dataclass
class ExportResult:
    folder: Path
    files: list[Path]
    index_csv: Path
    index_json: Path
    commitments_csv: Path


def export_archive(store: Any, folder: str | Path, *, force: bool = False) -> ExportResult:
    """Write every archived file (by its original name, made unique) plus
    ``index.csv``, ``index.json`` (letters and commitments with their notes) and
    ``commitments.csv`` into ``folder``. A non-empty folder is
    refused unless ``force``; each file is written atomically."""
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise DrafterError(
            f"'{target}' is a file, not a folder.", hint="Give a folder to export to."
        )
    if target.is_dir() and any(target.iterdir()) and not force:
        raise DrafterError(
            f"The folder '{target}' is not empty.",
            hint="Choose an empty or new folder, or add --force to write into it.",
        )
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_problem(target / "index.csv", exc) from None
    letters = list_letters(store)
    used: set[str] = set()
    written: list[Path] = []
    index: list[dict[str, Any]] = []
    for letter in letters:
        name, content = letter_file(store, letter.id)
        export_name = _unique_name(_safe_file_name(name) or f"letter-{letter.id}", used)
        written.append(atomic_write_bytes(target / export_name, content, force=force))
        record = letter.to_dict()
        record["exported_file"] = export_name
        record["original_file_name"] = name
        index.append(record)
    # Follow-up progress travels with the archive: every commitment, with its notes.
    commitments = list_commitments(store, include_closed=True)
    commitments.sort(key=lambda c: c.id)
    json_path = atomic_write_text(
        target / "index.json",
        json.dumps(
            {"letters": index, "commitments": [c.to_dict() for c in commitments]},
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        force=force,
    )
    commitments_path = atomic_write_text(
        target / "commitments.csv", commitments_csv(commitments), force=force
    )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=INDEX_FIELDS, lineterminator="\n")
    writer.writeheader()
    for record in index:
        row = {k: record.get(k) for k in INDEX_FIELDS}
        row["actions"] = "\n".join(a["text"] for a in record["actions"])
        row["positive_findings"] = "\n".join(record["positive_findings"])
        writer.writerow(row)
    csv_path = atomic_write_text(target / "index.csv", out.getvalue(), force=force)
    return ExportResult(
        folder=target,
        files=written,
        index_csv=csv_path,
        index_json=json_path,
        commitments_csv=commitments_path,
    )


_EXPORT_INDEX_NAMES = {"index.csv", "index.json", "commitments.csv"}


def _safe_file_name(name: str) -> str:
    name = Path(name.replace("\\", "/")).name
    return re.sub(r"[\x00-\x1f<>:\"/\\|?*]", "_", name).strip(". ")


def _unique_name(name: str, used: set[str]) -> str:
    stem, suffix = Path(name).stem, Path(name).suffix
    candidate, n = name, 2
    while candidate.lower() in used or candidate.lower() in _EXPORT_INDEX_NAMES:
        candidate = f"{stem} ({n}){suffix}"
        n += 1
    used.add(candidate.lower())
    return candidate


def _json_record(record: Any) -> dict[str, Any]:
    """A dataclass as a JSON-ready dict, fields in order, dates as ISO text."""
    return _json_ready(dataclasses.asdict(record))


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


# --- undoing an archive -------------------------------------------------------------


@dataclass
class RemovedLetter:
    """What removing an archived letter takes away (or, before it is done,
    would): the letter, its actions and commitments, and what is given back."""

    letter: ArchivedLetter
    #: Library actions that go (ids).
    actions_removed: list[int]
    #: Actions the letter took over from an earlier letter or an import, which
    #: stay in the library and go back to where they came from (ids).
    actions_kept: list[int]
    commitments_removed: int
    #: Progress notes recorded on those commitments, which go with them.
    notes_removed: int
    #: Reviewers' decisions about the removed actions, which go with them.
    decisions_removed: int
    #: The stored copy of the file goes when no other letter refers to it.
    file_removed: bool
    #: The letter this one had replaced, which is current again.
    restored_letter_id: int | None

    def to_dict(self) -> dict[str, Any]:
        record = _json_record(self)
        record["letter"] = {k: v for k, v in record["letter"].items() if k != "actions"}
        return record


#: Kept in an action's ``extra`` when an archive takes over an action that was
#: in the library before (an import), so that removing the letter gives it back.
BEFORE_ARCHIVE_KEY = "before_archive"
#: Kept in an action's ``extra`` when a later letter replaced its letter: the
#: replaced letter's id -> the action's status before, so that removing the
#: later letter restores it exactly.
REPLACED_KEY = "before_replaced"


def removal_plan(store: Any, letter_id: int) -> RemovedLetter:
    """What :func:`remove_letter` would take away, without changing anything."""
    with database_of(store).session() as session:
        plan = _removal(session, letter_id, apply=False)
        session.rollback()
        return plan


def remove_letter(store: Any, letter_id: int) -> RemovedLetter:
    """Undo the archiving of letter ``letter_id`` in one transaction.

    The letter goes, with its commitments (and their notes) and the library
    actions it added (and reviewers' decisions about them). An action it took
    over from an earlier letter or an import stays and goes back to where it
    came from. A letter it replaced becomes current again, with its actions and
    commitments. The stored copy of the file goes once no letter refers to it.

    A letter that a later letter replaced is refused: remove the later one
    first, so the unit is never left without its current letter by mistake.
    """
    with database_of(store).session() as session:
        _begin_write(session)
        result = _removal(session, letter_id, apply=True)
    changed = getattr(store, "_changed", None)
    if changed is not None:  # the Library's suggestions forget the actions
        changed()
    return result


def _removal(session: Any, letter_id: int, *, apply: bool) -> RemovedLetter:
    from drafter.library.database import CommitmentNoteRow, DecisionRow

    row = _letter_row(session, letter_id)
    later = session.scalar(select(LetterRow).where(LetterRow.supersedes_id == row.id))
    if later is not None:
        raise DrafterError(
            f"Letter {row.id} was replaced by letter {later.id}, which is archived after it.",
            hint=f"Remove letter {later.id} first ('drafter archive remove {later.id}').",
        )
    archived = _to_archived(session, row)
    commitments = session.scalars(
        select(CommitmentRow).where(CommitmentRow.letter_id == row.id)
    ).all()
    commitment_ids = [c.id for c in commitments]
    notes = (
        session.scalars(
            select(CommitmentNoteRow).where(CommitmentNoteRow.commitment_id.in_(commitment_ids))
        ).all()
        if commitment_ids
        else []
    )
    owned = session.scalars(select(ActionRow).where(ActionRow.letter_id == row.id)).all()
    removed: list[Any] = []
    kept: list[tuple[Any, Any]] = []  # (action, the letter it goes back to or None)
    for action in owned:
        elsewhere = session.scalars(
            select(CommitmentRow.letter_id)
            .where(CommitmentRow.action_id == action.id, CommitmentRow.letter_id != row.id)
            .order_by(CommitmentRow.letter_id)
        ).first()
        if elsewhere is not None:
            kept.append((action, session.get(LetterRow, elsewhere)))
        elif BEFORE_ARCHIVE_KEY in (action.extra or {}):
            kept.append((action, None))
        else:
            removed.append(action)
    removed_ids = [a.id for a in removed]
    decisions = (
        session.scalars(select(DecisionRow).where(DecisionRow.action_id.in_(removed_ids))).all()
        if removed_ids
        else []
    )
    previous = session.get(LetterRow, row.supersedes_id) if row.supersedes_id else None
    if previous is not None and previous.status != "superseded":
        previous = None
    file_shared = (
        session.scalar(
            select(LetterRow.id).where(LetterRow.sha256 == row.sha256, LetterRow.id != row.id)
        )
        is not None
    )
    plan = RemovedLetter(
        letter=archived,
        actions_removed=sorted(removed_ids),
        actions_kept=sorted(a.id for a, _ in kept),
        commitments_removed=len(commitments),
        notes_removed=len(notes),
        decisions_removed=len(decisions),
        file_removed=not file_shared,
        restored_letter_id=previous.id if previous is not None else None,
    )
    if not apply:
        return plan
    for note in notes:
        session.delete(note)
    for decision in decisions:
        session.delete(decision)
    for commitment in commitments:
        session.delete(commitment)
    session.flush()
    for action, owner in kept:
        if owner is not None:  # carried over from the letter it replaced
            action.letter_id = owner.id
            action.source_ref = f"letter {owner.id}"
            action.status = "active" if owner.status == "current" else "superseded"
        else:  # in the library before this letter (an import): as it was
            extra = dict(action.extra or {})
            before = extra.pop(BEFORE_ARCHIVE_KEY)
            action.letter_id = before.get("letter_id")
            action.source_ref = before.get("source_ref")
            action.status = before.get("status", "active")
            action.extra = extra
    for action in removed:
        session.delete(action)
    session.flush()
    # The letter goes before the one it replaced is current again, so that
    # the unit never has two current letters, even for a moment.
    session.delete(row)
    session.flush()
    if previous is not None:
        previous.status = "current"
        restored = session.scalars(
            select(ActionRow).where(ActionRow.letter_id == previous.id)
        ).all()
        # Letters replaced before drafter marked the actions it superseded
        # had all their actions superseded: all come back.
        key = str(previous.id)
        unmarked = not any(key in (a.extra or {}).get(REPLACED_KEY, {}) for a in restored)
        for action in restored:
            extra = dict(action.extra or {})
            replaced = dict(extra.get(REPLACED_KEY, {}))
            before = replaced.pop(key, None)
            if before is not None:
                if replaced:
                    extra[REPLACED_KEY] = replaced
                else:
                    del extra[REPLACED_KEY]
                action.extra = extra
                if action.status == "superseded":
                    action.status = before
            elif unmarked and action.status == "superseded":
                action.status = "active"
        for commitment in session.scalars(
            select(CommitmentRow).where(
                CommitmentRow.letter_id == previous.id, CommitmentRow.status == "superseded"
            )
        ):
            commitment.status = "open"
    session.flush()
    if not file_shared:
        file_row = session.get(LetterFileRow, row.sha256)
        if file_row is not None:
            session.delete(file_row)
    session.flush()
    return plan
