"""The terminal review dialogue of ``drafter review``: recommendation by
recommendation, the reviewer accepts, swaps, finds, edits or writes the
actions the letter will commit to.

:class:`ReviewSession` talks to the person through a small :class:`Terminal`
(show a line, ask for a line, edit some text), so tests drive it with a
scripted terminal and the command with :class:`ClickTerminal`. Every change is
saved to the review file at once (atomically) and accepted/rejected library
actions are recorded in the database (:mod:`drafter.review.session` keeps
them), so stopping at any point -- ``q``, Ctrl-C, a closed terminal -- loses
nothing and the next run resumes at the first recommendation still pending.
"""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from drafter.core.errors import DrafterError
from drafter.core.model import AGREEMENTS, Candidate, RecommendationMatch
from drafter.review.file import (
    ChosenAction,
    ReviewDecision,
    ReviewFile,
    ReviewSummary,
    recommendation_key,
    summarise_review,
)
from drafter.review.session import (
    PAGE_SIZE,
    DecisionRecorder,
    check_target_date,
    decide,
    record_verdicts,
    save_reviewed,
)

STOPPED_MESSAGE = "Saved. Run the same command to carry on."


def _width() -> int:
    """The terminal's width (at most 100, so long wording stays readable)."""
    return max(30, min(100, shutil.get_terminal_size((90, 24)).columns - 1))


#: The "?" help: each command and what it does, one a line.
COMMANDS = (
    ("a [N M ...]", "accept candidate N (1 if none; several: a 1 3)"),
    ("s N", "swap to candidate N"),
    ("s", "see more candidates"),
    ("f WORDS", "find in the library"),
    ("e [N]", "edit the wording (of candidate N)"),
    ("n", "write a new action"),
    ("x", "no action yet"),
    ("l", "leave it for later"),
    ("b", "back to the previous one"),
    ("g / o / t", "agreement / owner / target date"),
    ("q", "quit (all is saved)"),
    ("?", "show this help"),
)


def menu() -> str:
    """The help, wrapped to the terminal: a long description continues under
    itself, never split inside a word."""
    keys = max(len(k) for k, _ in COMMANDS) + 2
    return "\n".join(
        textwrap.fill(
            what,
            width=_width(),
            initial_indent=f"  {key:<{keys}}",
            subsequent_indent=" " * (keys + 2),
            break_long_words=False,
            break_on_hyphens=False,
        )
        for key, what in COMMANDS
    )


def fit_to_width(text: str, width: int | None = None) -> str:
    """Every line of ``text`` wrapped to the terminal, keeping its indent and
    breaking only between words (a long word or address is left whole)."""
    width = width or _width()
    lines = []
    for line in text.split("\n"):
        if len(line) <= width:
            lines.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        lines.append(
            textwrap.fill(
                line.strip(),
                width=width,
                initial_indent=indent,
                subsequent_indent=indent,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n".join(lines)


class ReviewInterrupted(Exception):
    """The reviewer pressed Ctrl-C or input ended; everything so far is saved."""


class Terminal(Protocol):
    def show(self, text: str = "") -> None: ...

    def ask(self, prompt: str) -> str:
        """One line from the reviewer; raises ReviewInterrupted on Ctrl-C / end of input."""
        ...

    def edit(self, text: str) -> str | None:
        """The reviewer's new version of ``text``, or None if they changed nothing."""
        ...


EDIT_INSTRUCTIONS = (
    "\n# Change the wording above, then save and close the editor.\n"
    "# Lines starting with # are ignored. Leave it empty to keep the old wording.\n"
)


class ClickTerminal:
    """The real terminal. ``use_editor`` opens ``$VISUAL``/``$EDITOR`` for
    editing; without one (or with ``--no-editor``) wording is edited inline."""

    def __init__(self, use_editor: bool = True) -> None:
        self.use_editor = use_editor and bool(os.environ.get("VISUAL") or os.environ.get("EDITOR"))

    def show(self, text: str = "") -> None:
        import click

        click.echo(fit_to_width(text))

    def ask(self, prompt: str) -> str:
        import click

        try:
            return click.prompt(prompt, default="", show_default=False, prompt_suffix=" ")
        except (click.Abort, EOFError, KeyboardInterrupt):
            raise ReviewInterrupted() from None

    def edit(self, text: str) -> str | None:
        import click

        if self.use_editor:
            try:
                edited = click.edit(text + EDIT_INSTRUCTIONS, extension=".txt", require_save=True)
            except click.ClickException as exc:
                self.show(f"Could not open the editor ({exc.format_message()}); edit it here.")
            else:
                if edited is None:
                    return None
                lines = [line for line in edited.splitlines() if not line.lstrip().startswith("#")]
                new = " ".join(" ".join(lines).split())
                return new or None
        self.show("Current wording:")
        self.show(_wrap(text, "  "))
        new = " ".join(self.ask("New wording (Enter keeps it):").split())
        return new or None


@dataclass
class Option:
    """A numbered line the reviewer can pick: a ranked candidate or a search hit."""

    library_id: int
    text: str
    source: str | None
    score: float | None = None
    reason: str | None = None
    rank: int | None = None  # position in the ranking; None for a search hit
    #: Below the no-match line: the closest the library has, shown as weak.
    weak: bool = False


@dataclass
class SessionResult:
    review: ReviewFile
    summary: ReviewSummary
    interrupted: bool = False  # Ctrl-C or end of input
    quit: bool = False  # the reviewer typed q
    warnings: list[str] = field(default_factory=list)


class ReviewSession:
    """One reviewer working through one review file.

    ``matches`` are the ranked candidates for the report's recommendations
    (from :func:`drafter.matching.matcher.match_report`, ideally with more than
    ``page_size`` each so "see more" has something to show). ``library`` is
    anything with ``search`` and ``record_decision``. ``library_empty`` says
    the library holds no active actions, so the reviewer writes every action.
    """

    def __init__(
        self,
        review: ReviewFile,
        path: str | os.PathLike[str],
        matches: Sequence[RecommendationMatch],
        library: DecisionRecorder,
        terminal: Terminal,
        *,
        page_size: int = PAGE_SIZE,
        restart: bool = False,
        library_empty: bool = False,
    ) -> None:
        self.review = review
        self.library_empty = library_empty
        self.path = Path(path)
        self.library = library
        self.term = terminal
        self.page_size = page_size
        self.restart = restart
        self.warnings: list[str] = []
        self._candidates: dict[str, list[Candidate]] = {}
        self._weak: dict[str, list[Candidate]] = {}
        for match in matches:
            key = recommendation_key(match.recommendation.text)
            self._candidates.setdefault(key, list(match.candidates))
            self._weak.setdefault(key, list(match.weak_candidates))
        self._options: dict[int, list[Option]] = {}
        self._shown: dict[int, int] = {}  # how many ranked candidates are on screen
        self._left_for_later: set[int] = set()

    # --- the loop ---------------------------------------------------------------

    def run(self) -> SessionResult:
        decisions = self.review.decisions
        self.save()  # the file exists from the start: a later --sheet will not replace it
        if not decisions:
            self.term.show("This report has no recommendations to review.")
            return self._result()
        index = 0 if self.restart else self._next_pending(-1)
        if index is None:
            self.term.show(
                f"All {len(decisions)} recommendations already have a decision. "
                "Add --restart to go through them again."
            )
            return self._result()
        try:
            while index is not None:
                step = self._review_one(index)
                if step == "quit":
                    return self._result(quit=True)
                if step == "back":
                    index = max(index - 1, 0)
                elif self.restart:
                    index = index + 1 if index + 1 < len(decisions) else None
                else:
                    index = self._next_pending(index)
        except (ReviewInterrupted, KeyboardInterrupt):
            self.term.show("")
            return self._result(interrupted=True)
        summary = summarise_review(self.review)
        if summary.pending:
            self.term.show(f"{summary.pending} recommendation(s) were left for later.")
        else:
            self.term.show(f"All {summary.total} recommendations have a decision.")
        return self._result()

    def _result(self, *, quit: bool = False, interrupted: bool = False) -> SessionResult:
        return SessionResult(
            self.review, summarise_review(self.review), interrupted, quit, self.warnings
        )

    def _next_pending(self, after: int) -> int | None:
        """The next pending recommendation after ``after``, wrapping round once;
        recommendations left for later in this run are not offered again."""
        decisions = self.review.decisions
        order = list(range(after + 1, len(decisions))) + list(range(0, after + 1))
        for i in order:
            if decisions[i].status == "pending" and i not in self._left_for_later:
                return i
        return None

    def _review_one(self, index: int) -> str:
        """Show one recommendation and handle commands until the reviewer moves on.
        Returns "next", "back" or "quit"."""
        decision = self.review.decisions[index]
        self._show_recommendation(index)
        while True:
            line = self.term.ask("Choose (a/s/f/e/n/x/l/g/o/t/b/q, ? for help):").strip()
            if not line or line in ("?", "h", "help"):
                self.term.show(menu())
                continue
            command, _, rest = line.partition(" ")
            command = command.lower()
            if len(command) > 1 and command[0] in "asefgot" and command[1:].isdecimal():
                command, rest = command[0], command[1:] + " " + rest  # "a1" means "a 1"
            rest = rest.strip()
            handler = self._commands().get(command)
            if handler is None:
                self.term.show(f"'{command}' is not a choice here.")
                self.term.show(menu())
                continue
            try:
                outcome = handler(index, decision, rest)
            except DrafterError as exc:
                self.term.show(str(exc))
                continue
            if outcome:
                return outcome

    def _commands(self) -> dict[str, Callable[[int, ReviewDecision, str], str | None]]:
        return {
            "a": self._accept,
            "s": self._swap,
            "f": self._find,
            "e": self._edit,
            "n": self._new_action,
            "x": self._no_action,
            "l": self._later,
            "g": self._agreement,
            "o": self._owner,
            "t": self._target_date,
            "b": lambda index, decision, rest: "back",
            "q": lambda index, decision, rest: "quit",
        }

    # --- showing ----------------------------------------------------------------

    def _show_recommendation(self, index: int) -> None:
        decision = self.review.decisions[index]
        total = len(self.review.decisions)
        self.term.show("")
        addressee = f" ({decision.addressee} should)" if decision.addressee else ""
        self.term.show(f"Recommendation {index + 1} of {total}{addressee}")
        self.term.show(_wrap(decision.recommendation, "  "))
        self._show_decision(decision)
        options = self._options_for(index)
        if not options and self.library_empty:
            self.term.show(
                "No suggestions in the library (it holds no actions yet). "
                "Write a new action (n), mark it no action yet (x) or leave it for later (l)."
            )
        elif not options:
            self.term.show(
                "Nothing in the library fits this recommendation well. "
                "Find an action (f WORDS) or write a new one (n)."
            )
        elif options[0].weak:
            self.term.show(
                "Nothing in the library clears the match line for this recommendation. "
                "The closest, marked weak, may still do: accept one (a N) if it fits, "
                "else find an action (f WORDS) or write a new one (n)."
            )
            for number, option in enumerate(options, start=1):
                self._show_option(number, option)
        else:
            self.term.show("Candidates:")
            for number, option in enumerate(options, start=1):
                self._show_option(number, option)

    def _show_decision(self, decision: ReviewDecision) -> None:
        if decision.status == "pending" and not (
            decision.agreement or decision.owner or decision.target_date
        ):
            return
        status = {"pending": "not decided yet", "decided": "decided", "no_action": "no action yet"}
        details = [status[decision.status]]
        for label, value in (
            ("agreement", decision.agreement),
            ("owner", decision.owner),
            ("target", decision.target_date),
        ):
            if value:
                details.append(f"{label}: {value}")
        self.term.show("So far: " + "; ".join(details))
        for action in decision.actions:
            # Not "#2": beside candidates [1] [2] a library id reads as a candidate.
            if action.library_id is None:
                origin = "new"
            else:
                origin = action.source or f"library action {action.library_id}"
            edited = ", edited" if action.edited and action.library_id is not None else ""
            self.term.show(_wrap(f"- ({origin}{edited}) {action.text}", "  ", "    "))

    def _show_option(self, number: int, option: Option) -> None:
        score = f"{option.score:.0f}" if option.score is not None else "-"
        if option.weak:
            score += " weak"
        source = option.source or "library"
        why = f"  (why: {option.reason})" if option.reason else ""
        line = f"[{number}] {score}  {source} — {' '.join(option.text.split())}{why}"
        self.term.show(
            textwrap.fill(
                line,
                _width(),
                initial_indent="  ",
                subsequent_indent=" " * 7,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )

    def _options_for(self, index: int) -> list[Option]:
        if index not in self._options:
            decision = self.review.decisions[index]
            ranked = self._ranked(decision)
            self._shown[index] = min(self.page_size, len(ranked))
            self._options[index] = ranked[: self._shown[index]]
        return self._options[index]

    def _ranked(self, decision: ReviewDecision) -> list[Option]:
        """Live candidates for the recommendation; failing that, those in the file."""
        key = recommendation_key(decision.recommendation)
        candidates = self._candidates.get(key)
        weak = False
        if not candidates:
            # Nothing above the line: the closest ones, marked weak.
            candidates, weak = self._weak.get(key), True
        if candidates:
            return [
                Option(
                    int(c.action.id),
                    c.action.text,
                    c.action.source_label,
                    c.score,
                    c.reason or None,
                    rank,
                    weak,
                )
                for rank, c in enumerate(candidates, start=1)
            ]
        return [
            Option(s.library_id, s.text, s.source, s.score, s.reason, rank, s.weak)
            for rank, s in enumerate(decision.suggestions, start=1)
        ]

    # --- choosing ---------------------------------------------------------------

    def _pick(self, index: int, rest: str, *, allow_many: bool) -> list[tuple[int, Option]]:
        options = self._options_for(index)
        if not options:
            raise DrafterError("There are no candidates to choose from; try f WORDS or n.")
        words = rest.replace(",", " ").split() or ["1"]
        if not allow_many and len(words) > 1:
            raise DrafterError("Give one candidate number, e.g. s 2.")
        picked = []
        for word in words:
            if not word.isdecimal() or not 1 <= int(word) <= len(options):
                raise DrafterError(
                    f"'{word}' is not a candidate number; choose from 1 to {len(options)}."
                )
            number = int(word)
            if all(n != number for n, _ in picked):
                picked.append((number, options[number - 1]))
        return picked

    def _accept(self, index: int, decision: ReviewDecision, rest: str) -> str | None:
        picked = self._pick(index, rest, allow_many=True)
        decision.actions = [_chosen(option) for _, option in picked]
        self._decided(decision, accepted=[o.library_id for _, o in picked], rejected=[])
        numbers = [f"{n} (weak)" if o.weak else str(n) for n, o in picked]
        if len(numbers) == 1:
            self.term.show(f"Accepted candidate {numbers[0]}. Saved.")
        else:
            listed = ", ".join(numbers[:-1]) + " and " + numbers[-1]
            self.term.show(f"Accepted candidates {listed}. Saved.")
        return "next"

    def _swap(self, index: int, decision: ReviewDecision, rest: str) -> str | None:
        if not rest:
            return self._more(index)
        ((number, chosen),) = self._pick(index, rest, allow_many=False)
        # Candidates ranked above the one chosen were only passed over: often
        # they fit too, just less well, so they are noted in the review file
        # but not recorded as rejections, which would sink them for every
        # similar recommendation. An action accepted earlier and now swapped
        # away is a change of mind, so that acceptance is withdrawn (rejected).
        passed_over = [
            o.library_id
            for o in self._options_for(index)
            if o.rank is not None and chosen.rank is not None and o.rank < chosen.rank
        ]
        withdrawn = [
            a.library_id
            for a in decision.actions
            if a.library_id is not None and a.library_id != chosen.library_id
        ]
        decision.passed_over += [
            i
            for i in dict.fromkeys(passed_over)
            if i != chosen.library_id and i not in decision.passed_over and i not in withdrawn
        ]
        decision.actions = [_chosen(chosen)]
        self._decided(decision, accepted=[chosen.library_id], rejected=withdrawn)
        self.term.show(f"Swapped to candidate {number}. Saved.")
        return "next"

    def _more(self, index: int) -> str | None:
        decision = self.review.decisions[index]
        ranked = self._ranked(decision)
        options = self._options_for(index)
        shown = self._shown.get(index, 0)
        more = [o for o in ranked[shown : shown + self.page_size]]
        known = {o.library_id for o in options}
        new = [o for o in more if o.library_id not in known]
        self._shown[index] = shown + len(more)
        if not new:
            self.term.show("No more candidates. Find others with f WORDS.")
            return None
        options.extend(new)
        for option in new:
            self._show_option(options.index(option) + 1, option)
        return None

    def _find(self, index: int, decision: ReviewDecision, rest: str) -> str | None:
        query = rest or self.term.ask("Find actions containing these words:").strip()
        if not query:
            return None
        found = self.library.search(query, limit=10)
        options = self._options_for(index)
        known = {o.library_id for o in options}
        new = [
            Option(int(a.id), a.text, getattr(a, "source_label", None), None, f'found "{query}"')
            for a in found
            if int(a.id) not in known
        ]
        if not found:
            self.term.show(f"No action in the library contains all of: {query}")
            return None
        if not new:
            self.term.show("Those actions are already in the list above.")
            return None
        options.extend(new)
        self.term.show(f"Found {len(new)}:")
        for option in new:
            self._show_option(options.index(option) + 1, option)
        self.term.show("Accept one with a N, or edit it first with e N.")
        return None

    def _edit(self, index: int, decision: ReviewDecision, rest: str) -> str | None:
        if rest:
            ((_, option),) = self._pick(index, rest, allow_many=False)
            target = _chosen(option)
            position = None
        elif decision.actions:
            position = 0
            if len(decision.actions) > 1:
                for i, action in enumerate(decision.actions, start=1):
                    self.term.show(_wrap(f"({i}) {action.text}", "  ", "      "))
                answer = self.term.ask(f"Which action to edit (1-{len(decision.actions)})?")
                if not answer.strip().isdecimal() or not (
                    1 <= int(answer) <= len(decision.actions)
                ):
                    self.term.show("Nothing changed.")
                    return None
                position = int(answer) - 1
            target = decision.actions[position]
        elif self._options_for(index):
            target = _chosen(self._options_for(index)[0])
            position = None
        else:
            return self._new_action(index, decision, "")
        new_text = self.term.edit(target.text)
        if new_text is not None and not new_text.strip():
            # Emptying the editor reads as "never mind", not as an action with no words.
            self.term.show("The action was left empty, so nothing changed.")
            return None
        if new_text is None or new_text == target.text:
            if position is not None:
                self.term.show("Wording unchanged.")
                return None
            new_text = target.text
        target.text = new_text
        target.edited = target.edited or new_text != self._library_wording(index, target)
        if position is None:
            decision.actions = [target]
        accepted = [target.library_id] if target.library_id is not None else []
        self._decided(decision, accepted=accepted, rejected=[])
        self.term.show("Wording saved.")
        return "next"

    def _new_action(self, index: int, decision: ReviewDecision, rest: str) -> str | None:
        text = rest or self.term.ask("Write the new action (Enter on its own to cancel):")
        text = " ".join(text.split())
        if not text:
            self.term.show("No action added.")
            return None
        new = ChosenAction(text=text, library_id=None, edited=True)
        if decision.status == "decided":
            decision.actions.append(new)
        else:
            decision.actions = [new]
        self._decided(decision, accepted=[], rejected=[])
        self.term.show("New action saved.")
        return "next"

    def _no_action(self, index: int, decision: ReviewDecision, rest: str) -> str | None:
        decision.status = "no_action"
        decision.actions = []
        self.save()
        self.term.show("Marked 'no action yet'. Saved.")
        return "next"

    def _later(self, index: int, decision: ReviewDecision, rest: str) -> str | None:
        self._left_for_later.add(index)
        return "next"

    def _agreement(self, index: int, decision: ReviewDecision, rest: str) -> str | None:
        choices = "  ".join(f"{i}={name}" for i, name in enumerate(AGREEMENTS, start=1))
        answer = rest or self.term.ask(f"Agreement ({choices}):")
        agreement = _agreement_from(answer)
        if agreement is None:
            self.term.show(f"Choose {choices}.")
            return None
        decision.agreement = agreement
        self.save()
        self.term.show(f"Agreement: {agreement}. Saved.")
        return None

    def _owner(self, index: int, decision: ReviewDecision, rest: str) -> str | None:
        decision.owner = self._free_text(rest, "Owner", decision.owner)
        self.save()
        self.term.show(f"Owner: {decision.owner or '(none)'}. Saved.")
        return None

    def _target_date(self, index: int, decision: ReviewDecision, rest: str) -> str | None:
        answer = self._free_text(rest, "Target date (e.g. March 2026)", decision.target_date)
        if answer is not None and answer != decision.target_date:
            check_target_date(answer)
        decision.target_date = answer
        self.save()
        self.term.show(f"Target date: {decision.target_date or '(none)'}. Saved.")
        return None

    def _free_text(self, given: str, label: str, current: str | None) -> str | None:
        keep = f" [{current}]" if current else ""
        answer = given or self.term.ask(f"{label}{keep} (Enter keeps it, - clears it):")
        answer = " ".join(answer.split())
        if answer == "-":
            return None
        return answer or current

    def _library_wording(self, index: int, action: ChosenAction) -> str | None:
        """The library's wording of ``action``, to tell whether it was reworded."""
        if action.library_id is None:
            return None
        decision = self.review.decisions[index]
        for option in self._options_for(index) + self._ranked(decision):
            if option.library_id == action.library_id:
                return option.text
        return None

    # --- keeping ----------------------------------------------------------------

    def _decided(
        self, decision: ReviewDecision, *, accepted: list[int], rejected: list[int]
    ) -> None:
        decide(decision, accepted=accepted, rejected=rejected)
        self.save()  # the file first: it is the reviewer's record
        for message in record_verdicts(
            self.review, decision, self.library, accepted=accepted, rejected=rejected
        ):
            self.warnings.append(message)
            self.term.show(f"Note: {message}")

    def save(self) -> None:
        """Write the review file as it stands. If someone else saved it since
        it was read (another terminal, the web page), their decisions are
        merged in first and the reviewer is told."""
        for note in save_reviewed(self.review, self.path):
            self.term.show(f"Note: {note}")


def _chosen(option: Option) -> ChosenAction:
    return ChosenAction(
        text=option.text,
        library_id=option.library_id,
        score=round(option.score, 1) if option.score is not None else None,
        source=option.source,
        edited=False,
    )


def _agreement_from(answer: str) -> str | None:
    answer = " ".join(answer.split()).casefold()
    if answer.isdecimal() and 1 <= int(answer) <= len(AGREEMENTS):
        return AGREEMENTS[int(answer) - 1]
    for name in AGREEMENTS:
        if answer and (answer == name.casefold() or name.casefold().startswith(answer)):
            return name
    return None


def _wrap(text: str, indent: str, subsequent: str | None = None) -> str:
    return textwrap.fill(
        " ".join(text.split()),
        width=_width(),
        initial_indent=indent,
        subsequent_indent=subsequent if subsequent is not None else indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
