"""Reviewers' decisions on suggested matches, kept in a review file.

A review file is YAML beside the report (``<report>.review.yaml``), readable and
editable by hand, with a schema version. ``drafter draft --review FILE`` drafts
from it; ``drafter review`` writes it one decision at a time.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from drafter.core.errors import ReviewFileError
from drafter.core.model import AGREEMENTS

if TYPE_CHECKING:
    from drafter.core.model import RecommendationMatch, Report

SCHEMA_VERSION = 1
DecisionStatus = Literal["pending", "decided", "no_action"]
STATUSES: tuple[str, ...] = ("pending", "decided", "no_action")
#: A review file is a few hundred lines; anything far bigger is the wrong file.
MAX_REVIEW_BYTES = 5 * 1024 * 1024


@dataclass
class ChosenAction:
    """An action the reviewer committed to for one recommendation."""

    text: str
    library_id: int | None = None  # None for a new action written by the reviewer
    score: float | None = None
    source: str | None = None  # "Calderholme PDU, 18 April 2023"
    edited: bool = False  # reworded from the library action, or new


@dataclass
class SuggestedAction:
    """A candidate shown to the reviewer (kept in the file for editing by hand)."""

    library_id: int
    text: str
    score: float
    source: str | None = None
    reason: str | None = None
    #: Below the no-match line: the closest the library has, not a good match.
    weak: bool = False


@dataclass
class ReviewDecision:
    number: int
    addressee: str
    recommendation: str
    status: DecisionStatus = "pending"
    agreement: str | None = None  # "Agreed", "Partly agreed", "Not agreed"
    actions: list[ChosenAction] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)  # library ids turned down
    # Library ids ranked above the one swapped to: seen and passed over, which
    # says less than a rejection, so they are kept here and not taught to the
    # matcher (only ``rejected`` lowers an action's later scores).
    passed_over: list[int] = field(default_factory=list)
    owner: str | None = None
    target_date: str | None = None
    note: str | None = None
    suggestions: list[SuggestedAction] = field(default_factory=list)
    # Who decided and when (ISO timestamp): the letter's comments name them, and
    # an undecided or machine-filled decision leaves both empty.
    decided_by: str | None = None
    decided_at: str | None = None


@dataclass
class ReviewFile:
    report_sha256: str
    unit: str
    report_path: str | None = None
    decisions: list[ReviewDecision] = field(default_factory=list)
    schema_version: int = SCHEMA_VERSION
    # --- bookkeeping for saving safely; never written to the file ---
    #: SHA-256 of the file as last read or written (None: there was no file).
    #: Pass it to :func:`save_review` as ``expected_version``.
    version: str | None = field(default=None, compare=False, repr=False)
    #: The decisions as they were in that version, to merge against.
    base: list[ReviewDecision] | None = field(default=None, compare=False, repr=False)
    #: What the last save merged from someone else's saves, for the reviewer.
    merge_notes: list[str] = field(default_factory=list, compare=False, repr=False)
    #: (decision index, action index) -> line of that action's library_id.
    id_lines: dict[tuple[int, int], int] = field(default_factory=dict, compare=False, repr=False)
    source_name: str | None = field(default=None, compare=False, repr=False)

    def pending(self) -> list[ReviewDecision]:
        return [d for d in self.decisions if d.status == "pending"]


# --- where the file lives ----------------------------------------------------------


def current_user() -> str:
    """The operating-system user, recorded as the maker of each decision until
    drafter has sign-in of its own."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers) and no $USER
        return "unknown"


def mark_decided(decision: ReviewDecision, by: str | None = None) -> None:
    """Stamp ``decision`` with who decided it and when (UTC, to the second)."""
    from datetime import UTC, datetime

    decision.decided_by = by or current_user()
    decision.decided_at = datetime.now(UTC).replace(microsecond=0).isoformat()


def default_review_path(report_path: str | os.PathLike[str]) -> Path:
    """The review file beside the report: ``report.html`` → ``report.review.yaml``."""
    report = Path(report_path)
    return report.with_name(f"{report.stem}.review.yaml")


# --- building a review from matches --------------------------------------------------


def suggestion_from_candidate(candidate: Any, *, weak: bool = False) -> SuggestedAction:
    """A :class:`drafter.core.model.Candidate` as kept in the review file
    (``weak`` for one below the no-match line)."""
    action = candidate.action
    return SuggestedAction(
        library_id=int(action.id),
        text=action.text,
        score=round(float(candidate.score), 1),
        source=action.source_label,
        reason=candidate.reason or None,
        weak=weak,
    )


def chosen_from_suggestion(suggestion: SuggestedAction, *, edited: bool = False) -> ChosenAction:
    return ChosenAction(
        text=suggestion.text,
        library_id=suggestion.library_id,
        score=suggestion.score,
        source=suggestion.source,
        edited=edited,
    )


def build_review(
    report: Report,
    matches: Sequence[RecommendationMatch],
    *,
    report_path: str | os.PathLike[str] | None = None,
    top: int = 3,
    accept_best: bool = False,
) -> ReviewFile:
    """A fresh review: every recommendation pending, with its ``top`` candidates
    as suggestions. ``accept_best`` pre-fills the best match as the decision
    (agreement "Agreed") where the library has a good enough one."""
    by_recommendation = {id(m.recommendation): m for m in matches}
    decisions = []
    for index, recommendation in enumerate(report.recommendations):
        match = by_recommendation.get(id(recommendation))
        if match is None and index < len(matches):
            match = matches[index]
        candidates = list(match.candidates[:top]) if match is not None else []
        weak = list(match.weak_candidates[:top]) if match is not None and not candidates else []
        decision = ReviewDecision(
            number=recommendation.number,
            addressee=recommendation.addressee,
            recommendation=recommendation.text,
            suggestions=[suggestion_from_candidate(c) for c in candidates]
            + [suggestion_from_candidate(c, weak=True) for c in weak],
        )
        if (
            accept_best
            and decision.suggestions
            and not decision.suggestions[0].weak
            and not (match is not None and match.no_match)
        ):
            decision.status = "decided"
            decision.agreement = "Agreed"
            decision.actions = [chosen_from_suggestion(decision.suggestions[0])]
        decisions.append(decision)
    return ReviewFile(
        report_sha256=report.sha256,
        unit=report.unit,
        report_path=str(report_path) if report_path is not None else report.source_path,
        decisions=decisions,
    )


def recommendation_key(text: str) -> str:
    """Two recommendations are the same when their words are, ignoring case,
    spacing and curly quotes."""
    cleaned = text.replace("\u2019", "'").replace("\u2018", "'").casefold()
    return " ".join(cleaned.split()).rstrip(" .;")


@dataclass
class Reconciliation:
    """An existing review fitted to the report as it is now."""

    review: ReviewFile
    report_changed: bool
    kept: int  # decisions carried over
    matched: int  # recommendations found in both, decided or not
    dropped: list[ReviewDecision]  # decisions whose recommendation is gone or reworded


def reconcile_review(existing: ReviewFile, fresh: ReviewFile) -> Reconciliation:
    """Carry the decisions in ``existing`` over to ``fresh`` (built from the report
    as it is now), matching recommendations by their wording. Pending
    recommendations take the fresh suggestions, so the latest ranking shows."""
    report_changed = existing.report_sha256 != fresh.report_sha256
    waiting: dict[str, list[ReviewDecision]] = {}
    for old in existing.decisions:
        waiting.setdefault(recommendation_key(old.recommendation), []).append(old)
    merged: list[ReviewDecision] = []
    kept = matched = 0
    for new in fresh.decisions:
        same = waiting.get(recommendation_key(new.recommendation))
        if not same:
            merged.append(new)
            continue
        old = same.pop(0)
        matched += 1
        carried = dataclasses.replace(old, number=new.number, addressee=new.addressee)
        if old.status == "pending" and new.suggestions:
            carried.suggestions = new.suggestions
        if old.status != "pending":
            kept += 1
        merged.append(carried)
    dropped = [d for group in waiting.values() for d in group if d.status != "pending"]
    review = ReviewFile(
        report_sha256=fresh.report_sha256,
        unit=fresh.unit or existing.unit,
        report_path=fresh.report_path or existing.report_path,
        decisions=merged,
        version=existing.version,
        base=existing.base,
    )
    return Reconciliation(review, report_changed, kept, matched, dropped)


# --- summary ---------------------------------------------------------------------------


@dataclass
class ReviewSummary:
    total: int
    decided: int
    pending: int
    no_action: int
    next_pending: int | None  # position (1-based) of the first pending recommendation

    @property
    def complete(self) -> bool:
        return self.pending == 0


def summarise_review(review: ReviewFile) -> ReviewSummary:
    counts = {status: 0 for status in STATUSES}
    for decision in review.decisions:
        counts[decision.status] += 1
    next_pending = next(
        (i for i, d in enumerate(review.decisions, start=1) if d.status == "pending"), None
    )
    return ReviewSummary(
        total=len(review.decisions),
        decided=counts["decided"],
        pending=counts["pending"],
        no_action=counts["no_action"],
        next_pending=next_pending,
    )


_BOOKKEEPING = ("version", "base", "merge_notes", "id_lines", "source_name")


def review_to_json(review: ReviewFile) -> dict[str, Any]:
    """The ``--json`` shape: the whole review plus its summary."""
    data = dataclasses.asdict(review)
    for private in _BOOKKEEPING:
        data.pop(private, None)
    data["summary"] = dataclasses.asdict(summarise_review(review))
    return data


# --- writing -------------------------------------------------------------------------

HEADER = """\
# drafter review file: the decisions on the actions suggested for each
# recommendation of one inspection report. 'drafter draft REPORT --review FILE'
# drafts the letter from it; 'drafter review REPORT' carries on reviewing.
#
# You can edit it in any text editor. For each recommendation:
#   status       pending (not decided yet), decided, or no_action (no action yet)
#   agreement    Agreed, Partly agreed or Not agreed
#   actions      what the letter will commit to. Copy a suggestion (keep its
#                library_id), reword one (set edited: true) or write your own
#                (library_id: null, edited: true).
#   rejected     library ids of suggestions you turned down (later suggestions
#                for similar recommendations rank them lower)
#   suggestions  what the library offered; 'weak: true' marks the closest ones
#                when nothing cleared the no-match line (check before using)
#   passed_over  library ids ranked above the one you swapped to (kept for the
#                record; they do not count against those actions)
#   owner, target_date, note   free text, e.g. target_date: March 2026
# Keep the indentation as it is. Text after '>-' may run over several lines.
# Leave schema_version and report_sha256 alone: they tie the file to its report.
"""

_FIELD_ORDER = {
    "decision": (
        "number",
        "addressee",
        "recommendation",
        "status",
        "agreement",
        "owner",
        "target_date",
        "note",
        "decided_by",
        "decided_at",
        "actions",
        "rejected",
        "passed_over",
        "suggestions",
    ),
    "action": ("text", "library_id", "score", "source", "edited"),
    "suggestion": ("library_id", "score", "source", "text", "reason", "weak"),
}


def _yaml_dumper() -> type:
    import yaml

    class ReviewDumper(yaml.SafeDumper):
        pass

    def represent_str(dumper: yaml.SafeDumper, value: str) -> Any:
        # Long wording reads best folded over several lines; '>-' keeps it one
        # paragraph when loaded. Text that folding could alter stays quoted.
        if any(not c.isprintable() and c != "\n" for c in value):
            # Control characters and Unicode line breaks survive only escaped.
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
        if "\n" in value and value.strip() == value:
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
        foldable = len(value) > 72 and " " in value and value.strip() == value and "  " not in value
        if foldable and value.isprintable():
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=">")
        return dumper.represent_str(value)

    ReviewDumper.add_representer(str, represent_str)
    return ReviewDumper


def _ordered(obj: Any, kind: str) -> dict[str, Any]:
    data = dataclasses.asdict(obj)
    return {key: data[key] for key in _FIELD_ORDER[kind]}


def _decision_data(decision: ReviewDecision) -> dict[str, Any]:
    data = _ordered(decision, "decision")
    data["actions"] = [_ordered(a, "action") for a in decision.actions]
    data["suggestions"] = [_ordered(s, "suggestion") for s in decision.suggestions]
    for suggestion in data["suggestions"]:
        if not suggestion["weak"]:
            del suggestion["weak"]  # only suggestions below the line say so
    if not decision.passed_over:
        del data["passed_over"]  # only swaps fill it; most files never need it
    for key in ("decided_by", "decided_at"):
        if data[key] is None:
            del data[key]  # files written before anyone decided stay as they were
    return data


def dump_review(review: ReviewFile) -> str:
    """The review as YAML text, laid out for people: a header explaining how to
    edit it, a comment above each recommendation, long text folded."""
    import yaml

    dumper = _yaml_dumper()

    def dump(data: Any) -> str:
        return yaml.dump(
            data,
            Dumper=dumper,
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=False,
            width=88,
        )

    head = {
        "schema_version": review.schema_version,
        "report_sha256": review.report_sha256,
        "unit": review.unit,
        "report_path": review.report_path,
    }
    parts = [HEADER, dump(head)]
    if not review.decisions:
        parts.append("decisions: []\n")
        return "".join(parts)
    parts.append("decisions:\n")
    total = len(review.decisions)
    for position, decision in enumerate(review.decisions, start=1):
        addressee = "".join(c for c in " ".join(decision.addressee.split()) if c.isprintable())
        label = f" ({addressee})" if addressee else ""
        parts.append(f"\n# --- Recommendation {position} of {total}{label} ---\n")
        parts.append(dump([_decision_data(decision)]))
    return "".join(parts)


_UNCHECKED: Any = object()


def save_review(
    review: ReviewFile,
    path: str | os.PathLike[str],
    *,
    overwrite: bool = True,
    expected_version: str | None = _UNCHECKED,
) -> Path:
    """Write the review file atomically (a crash or Ctrl-C never leaves half a
    file). ``overwrite=False`` refuses to replace an existing file.

    Two people may review the same report at once (two terminals, or the
    command line and the web page). Pass ``expected_version`` (the
    ``review.version`` of the file as read: None if there was none) and the
    file is written only if it is still that version; if someone else saved
    in between, their decisions are merged into ``review`` decision by
    decision first (see :func:`merge_reviews`), so nobody's decision is lost,
    and ``review.merge_notes`` says what happened. The check and the write
    hold a lock on the folder, so two savers never interleave."""
    from drafter.core.fileio import atomic_write_text, sha256_bytes

    target = Path(path)
    review.merge_notes = []
    with _folder_lock(target.parent):
        if expected_version is not _UNCHECKED:
            on_disk = _read_current(target)
            current = sha256_bytes(on_disk) if on_disk is not None else None
            if current != expected_version and on_disk is not None:
                try:
                    theirs = parse_review(on_disk.decode("utf-8-sig"), name=f"'{target.name}'")
                except (UnicodeDecodeError, ReviewFileError):
                    raise ReviewFileError(
                        f"Someone changed '{target}' while you were reviewing, and it can no "
                        "longer be read, so your decision was not saved over it.",
                        hint="Fix or move that file, then run the review again.",
                    ) from None
                review.merge_notes = merge_reviews(review, theirs)
        text = dump_review(review)
        written = atomic_write_text(target, text, force=overwrite)
    review.version = sha256_bytes(text.encode("utf-8"))
    review.base = [copy_decision(d) for d in review.decisions]
    return written


def copy_decision(decision: ReviewDecision) -> ReviewDecision:
    import copy

    return copy.deepcopy(decision)


def _read_current(target: Path) -> bytes | None:
    try:
        return target.read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        return None  # unreadable: the write below says what is wrong


class _folder_lock:  # noqa: N801 - a context manager
    """An exclusive lock on ``folder`` (flock on the directory itself, so no
    lock file is left behind) while a review file is checked and written.
    Where locking is not available it does nothing."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.fd: int | None = None

    def __enter__(self) -> None:
        try:
            import fcntl

            self.fd = os.open(self.folder, os.O_RDONLY)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except (ImportError, OSError):
            if self.fd is not None:
                os.close(self.fd)
            self.fd = None

    def __exit__(self, *_exc: Any) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing releases the lock
            self.fd = None


def _state(decision: ReviewDecision | None) -> tuple:
    """What a reviewer decided, for telling whether a decision changed."""
    if decision is None:
        return ("pending", None, (), (), (), None, None, None)
    return (
        decision.status,
        decision.agreement,
        tuple((a.text, a.library_id, a.edited) for a in decision.actions),
        tuple(decision.rejected),
        tuple(decision.passed_over),
        decision.owner,
        decision.target_date,
        decision.note,
    )


def merge_reviews(ours: ReviewFile, theirs: ReviewFile) -> list[str]:
    """Bring into ``ours`` what someone else saved in ``theirs`` since ``ours``
    was read (``ours.base``), decision by decision, and return notes for the
    reviewer. A decision only they changed is taken from them; one only we
    changed is kept. When both changed the same recommendation, a decision is
    never replaced by a pending one, and between two decisions ours (the
    latest) is kept, with a note naming whose was replaced."""
    base = {recommendation_key(d.recommendation): d for d in ours.base or []}
    others = {recommendation_key(d.recommendation): d for d in theirs.decisions}
    notes: list[str] = []
    for index, mine in enumerate(ours.decisions):
        key = recommendation_key(mine.recommendation)
        other = others.get(key)
        if other is None:
            continue
        before, now, then = _state(base.get(key)), _state(mine), _state(other)
        if then in (before, now):
            continue  # they did not change it, or made the same decision
        label = f"Recommendation {mine.number}"
        who = other.decided_by or "someone else"
        taken = dataclasses.replace(
            copy_decision(other), number=mine.number, addressee=mine.addressee
        )
        if not taken.suggestions:
            taken.suggestions = mine.suggestions
        if now == before:
            ours.decisions[index] = taken
            if other.status != "pending":
                notes.append(f"{label}: kept the decision {who} saved meanwhile.")
        elif mine.status == "pending" and other.status != "pending":
            ours.decisions[index] = taken
            notes.append(f"{label}: kept the decision {who} saved meanwhile.")
        elif other.status != "pending":
            notes.append(
                f"{label}: {who} also decided it meanwhile; your decision replaced theirs."
            )
    return notes


def check_library_ids(review: ReviewFile, exists: Any) -> None:
    """Refuse a review file whose chosen actions name library ids the library
    does not have (a typo, or a file from another database), naming the line.
    ``exists(id)`` says whether the library has that id."""
    for d_index, decision in enumerate(review.decisions):
        for a_index, action in enumerate(decision.actions):
            if action.library_id is None or exists(action.library_id):
                continue
            line = review.id_lines.get((d_index, a_index))
            where = f", line {line}" if line else ""
            raise ReviewFileError(
                f"{review.source_name or 'The review file'}{where}: library action "
                f"{action.library_id} (recommendation {decision.number}) is not in this library.",
                hint="Check the number with 'drafter library show ID', or delete the "
                "library_id line to keep the wording as a new action.",
            )


# --- reading and checking ------------------------------------------------------------

_REQUIRED_TOP = ("schema_version", "report_sha256", "decisions")
_OPTIONAL_TOP = ("unit", "report_path")
_REQUIRED_DECISION = ("number", "recommendation", "status")
_REQUIRED_ACTION = ("text",)
_REQUIRED_SUGGESTION = ("library_id", "text")


class _Checker:
    """Checks loaded YAML against the schema, naming the line of each problem.

    The data comes from ``yaml.safe_load``; the node tree from ``yaml.compose``
    of the same text gives the line of any value by its path."""

    def __init__(self, root: Any, name: str) -> None:
        self.root = root
        self.name = name

    def line_of(self, path: Sequence[str | int]) -> int:
        import yaml

        node = self.root
        for step in path:
            if isinstance(node, yaml.MappingNode):
                # The last of repeated keys, as yaml.safe_load keeps it.
                found = next(
                    (v for k, v in reversed(node.value) if getattr(k, "value", None) == step),
                    None,
                )
                if found is None:
                    break
                node = found
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                if step >= len(node.value):
                    break
                node = node.value[step]
            else:
                break
        return (node.start_mark.line + 1) if node is not None else 1

    def fail(self, path: Sequence[str | int], problem: str) -> ReviewFileError:
        return ReviewFileError(
            f"{self.name}, line {self.line_of(path)}: {problem}",
            hint="Fix that line in a text editor and run the command again.",
        )

    def mapping(
        self,
        value: Any,
        path: Sequence[str | int],
        what: str,
        required: Iterable[str],
        allowed: Iterable[str],
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"{what} should be a set of 'key: value' lines.")
        allowed_keys = set(allowed)
        for key in value:
            if key not in allowed_keys:
                known = ", ".join(sorted(allowed_keys))
                raise self.fail([*path, key], f"unknown key '{key}' in {what} (known: {known}).")
        for key in required:
            if key not in value:
                raise self.fail(path, f"{what} is missing '{key}'.")
        return value

    def text(
        self, data: dict, key: str, path: Sequence[str | int], *, optional: bool, what: str
    ) -> str | None:
        value = data.get(key)
        if value is None:
            if optional:
                return None
            raise self.fail([*path, key], f"{what} needs some text.")
        if isinstance(value, (date, datetime)) and key == "target_date":
            return value.isoformat()
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.fail([*path, key], f"'{key}' should be text, not {_describe(value)}.")
        if not isinstance(value, str):
            if key in ("owner", "target_date", "note", "source", "reason", "addressee", "unit"):
                return str(value)
            raise self.fail([*path, key], f"'{key}' should be text, not {_describe(value)}.")
        if not optional and not value.strip():
            raise self.fail([*path, key], f"{what} needs some text.")
        return value

    def integer(self, data: dict, key: str, path: Sequence[str | int], *, optional: bool) -> Any:
        value = data.get(key)
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(
                [*path, key], f"'{key}' should be a whole number, not {_describe(value)}."
            )
        from drafter.core.guarded import MAX_DB_INT

        if abs(value) > MAX_DB_INT:
            raise self.fail([*path, key], f"'{key}' is far too large a number to be meant.")
        return value

    def number(self, data: dict, key: str, path: Sequence[str | int]) -> float | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail([*path, key], f"'{key}' should be a number, not {_describe(value)}.")
        return float(value)

    def flag(self, data: dict, key: str, path: Sequence[str | int]) -> bool:
        value = data.get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self.fail(
                [*path, key], f"'{key}' should be true or false, not {_describe(value)}."
            )
        return value

    def sequence(self, data: dict, key: str, path: Sequence[str | int]) -> list:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(
                [*path, key], f"'{key}' should be a list ('- ' lines), not {_describe(value)}."
            )
        return value


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"'{'true' if value else 'false'}'"
    if isinstance(value, dict):
        return "a set of keys"
    if isinstance(value, list):
        return "a list"
    return f"'{value}'"


def parse_review(text: str, *, name: str = "The review file") -> ReviewFile:
    """Read review-file YAML, checking it against the schema. Any problem raises
    :class:`ReviewFileError` naming the line and what is wrong."""
    import yaml

    from drafter.core.guarded import compose_yaml, construct_yaml

    try:
        # Aliases, anchors, deep nesting, absurd numbers and impossible dates
        # are refused plainly: a review file is never written with them.
        root = compose_yaml(text, name=name, error=ReviewFileError)
        data = construct_yaml(root, name=name, error=ReviewFileError) if root else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "it is not valid YAML"
        raise ReviewFileError(
            f"{name}{line}: {problem} (the YAML layout is broken there).",
            hint="Check the indentation and any ':' or quotes on that line.",
        ) from None
    if root is None:
        raise ReviewFileError(
            f"{name} is empty.", hint="Write it again with 'drafter review REPORT --sheet'."
        )
    _refuse_duplicate_keys(root, name)
    check = _Checker(root, name)
    top = check.mapping(data, [], "the file", _REQUIRED_TOP, _REQUIRED_TOP + _OPTIONAL_TOP)
    version = check.integer(top, "schema_version", [], optional=False)
    if version > SCHEMA_VERSION:
        raise check.fail(
            ["schema_version"],
            f"this file was written by a newer drafter (schema version {version}; "
            f"this drafter reads version {SCHEMA_VERSION}). Update drafter to read it.",
        )
    if version < 1:
        raise check.fail(["schema_version"], f"schema version {version} does not exist.")
    # Empty when the review was built from a report held only in memory.
    sha = check.text(top, "report_sha256", [], optional=True, what="report_sha256") or ""
    decisions = []
    for index, item in enumerate(check.sequence(top, "decisions", [])):
        decisions.append(_parse_decision(check, item, ["decisions", index], index + 1))
    id_lines = {}
    for d_index, decision in enumerate(decisions):
        for a_index, action in enumerate(decision.actions):
            if action.library_id is not None:
                id_lines[(d_index, a_index)] = check.line_of(
                    ["decisions", d_index, "actions", a_index, "library_id"]
                )
    return ReviewFile(
        report_sha256=str(sha).strip(),
        unit=check.text(top, "unit", [], optional=True, what="unit") or "",
        report_path=check.text(top, "report_path", [], optional=True, what="report_path"),
        decisions=decisions,
        schema_version=version,
        id_lines=id_lines,
        source_name=name,
    )


def _refuse_duplicate_keys(root: Any, name: str) -> None:
    """A key given twice in one entry (two 'status:' lines) is refused at the
    second one: YAML would silently keep the last, and the reviewer would not
    know which of the two the letter used."""
    import yaml

    pending = [root]
    while pending:
        node = pending.pop()
        if isinstance(node, yaml.MappingNode):
            first_line: dict[Any, int] = {}
            for key, value in node.value:
                label = getattr(key, "value", None)
                if isinstance(key, yaml.ScalarNode) and label in first_line:
                    raise ReviewFileError(
                        f"{name}, line {key.start_mark.line + 1}: '{label}' is given twice "
                        f"in one entry (first on line {first_line[label]}).",
                        hint="Delete the one that is wrong and run the command again.",
                    )
                if isinstance(key, yaml.ScalarNode):
                    first_line[label] = key.start_mark.line + 1
                pending.append(value)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)


def _parse_decision(
    check: _Checker, item: Any, path: list[str | int], position: int
) -> ReviewDecision:
    from drafter.core.guarded import MAX_DB_INT

    what = f"recommendation {position}"
    data = check.mapping(item, path, what, _REQUIRED_DECISION, _FIELD_ORDER["decision"])
    status = data.get("status")
    if status not in STATUSES:
        raise check.fail(
            [*path, "status"],
            f"status {_describe(status)} is not one of {', '.join(STATUSES)}.",
        )
    agreement = data.get("agreement")
    if agreement is not None and agreement not in AGREEMENTS:
        raise check.fail(
            [*path, "agreement"],
            f"agreement {_describe(agreement)} is not one of {', '.join(AGREEMENTS)} "
            "(or leave it empty).",
        )
    actions = []
    for i, raw in enumerate(check.sequence(data, "actions", path)):
        where = [*path, "actions", i]
        action = check.mapping(
            raw, where, f"action {i + 1} of {what}", _REQUIRED_ACTION, _FIELD_ORDER["action"]
        )
        actions.append(
            ChosenAction(
                text=check.text(action, "text", where, optional=False, what="the action") or "",
                library_id=check.integer(action, "library_id", where, optional=True),
                score=check.number(action, "score", where),
                source=check.text(action, "source", where, optional=True, what="source"),
                edited=check.flag(action, "edited", where),
            )
        )
    rejected = []
    for i, raw in enumerate(check.sequence(data, "rejected", path)):
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise check.fail(
                [*path, "rejected", i],
                f"'rejected' should list library ids (whole numbers), not {_describe(raw)}.",
            )
        if abs(raw) > MAX_DB_INT:
            raise check.fail([*path, "rejected", i], "that library id is far too large.")
        rejected.append(raw)
    passed_over = []
    for i, raw in enumerate(check.sequence(data, "passed_over", path)):
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise check.fail(
                [*path, "passed_over", i],
                f"'passed_over' should list library ids (whole numbers), not {_describe(raw)}.",
            )
        if abs(raw) > MAX_DB_INT:
            raise check.fail([*path, "passed_over", i], "that library id is far too large.")
        passed_over.append(raw)
    suggestions = []
    for i, raw in enumerate(check.sequence(data, "suggestions", path)):
        where = [*path, "suggestions", i]
        suggestion = check.mapping(
            raw,
            where,
            f"suggestion {i + 1} of {what}",
            _REQUIRED_SUGGESTION,
            _FIELD_ORDER["suggestion"],
        )
        suggestions.append(
            SuggestedAction(
                library_id=check.integer(suggestion, "library_id", where, optional=False),
                text=check.text(suggestion, "text", where, optional=False, what="the suggestion")
                or "",
                score=check.number(suggestion, "score", where) or 0.0,
                source=check.text(suggestion, "source", where, optional=True, what="source"),
                reason=check.text(suggestion, "reason", where, optional=True, what="reason"),
                weak=check.flag(suggestion, "weak", where),
            )
        )
    return ReviewDecision(
        number=check.integer(data, "number", path, optional=False),
        addressee=check.text(data, "addressee", path, optional=True, what="addressee") or "",
        recommendation=check.text(
            data, "recommendation", path, optional=False, what="the recommendation"
        )
        or "",
        status=status,
        agreement=agreement,
        actions=actions,
        rejected=rejected,
        passed_over=passed_over,
        owner=check.text(data, "owner", path, optional=True, what="owner"),
        target_date=check.text(data, "target_date", path, optional=True, what="target_date"),
        note=check.text(data, "note", path, optional=True, what="note"),
        suggestions=suggestions,
        decided_by=check.text(data, "decided_by", path, optional=True, what="decided_by"),
        decided_at=check.text(data, "decided_at", path, optional=True, what="decided_at"),
    )


def load_review(path: str | os.PathLike[str]) -> ReviewFile:
    """Read and check a review file. A missing file raises
    :class:`drafter.core.errors.InputFileError`; a malformed one
    :class:`ReviewFileError` naming the line and what is wrong."""
    from drafter.core.fileio import read_input_bytes

    data = read_input_bytes(path, max_bytes=MAX_REVIEW_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReviewFileError(
            f"'{path}' is not a text file in UTF-8.",
            hint="Save it as plain text (UTF-8) in your editor.",
        ) from None
    from drafter.core.fileio import sha256_bytes

    review = parse_review(text, name=f"'{Path(path).name}'")
    review.version = sha256_bytes(data)
    review.base = [copy_decision(d) for d in review.decisions]
    return review
