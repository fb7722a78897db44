"""The terminal review dialogue (``drafter review``) driven through a scripted
terminal and a fake library: every command, saving after each decision, what
is recorded for learning, quitting, Ctrl-C and resuming."""

from __future__ import annotations

from collections import deque
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from review_fixtures import ACTIONS, TEXTS, FakeLibrary, make_matches, make_report

from drafter.cli.review_dialogue import ReviewInterrupted, ReviewSession
from drafter.core.errors import LibraryError
from drafter.core.model import Candidate, RecommendationMatch, Report
from drafter.review.file import build_review, load_review, save_review
from drafter.review.session import open_review


class ScriptedTerminal:
    """Answers prompts from a script; an exhausted script is Ctrl-C."""

    def __init__(self, answers: list[str], edits: list[str | None] | None = None) -> None:
        self.answers = deque(answers)
        self.edits = deque(edits or [])
        self.output: list[str] = []
        self.edited: list[str] = []

    def show(self, text: str = "") -> None:
        self.output.append(text)

    def ask(self, prompt: str) -> str:
        self.output.append(prompt)
        if not self.answers:
            raise ReviewInterrupted()
        return self.answers.popleft()

    def edit(self, text: str) -> str | None:
        self.edited.append(text)
        return self.edits.popleft()

    @property
    def text(self) -> str:
        return "\n".join(self.output)


def start(
    tmp_path: Path,
    answers: list[str],
    *,
    edits: list[str | None] | None = None,
    library: FakeLibrary | None = None,
    restart: bool = False,
    page_size: int = 3,
):
    report = make_report()
    matches = make_matches(report)
    path = tmp_path / "brookmere.review.yaml"
    review, _ = open_review(report, matches, path, confirm=lambda q: True)
    library = library or FakeLibrary()
    terminal = ScriptedTerminal(answers, edits)
    session = ReviewSession(
        review, path, matches, library, terminal, restart=restart, page_size=page_size
    )
    result = session.run()
    return result, terminal, library, path


def test_shows_recommendation_and_ranked_candidates(tmp_path: Path) -> None:
    _, term, _, _ = start(tmp_path, ["q"])
    assert "Recommendation 1 of 3 (Brookmere PDU should)" in term.text
    assert "make sure home visits happen" in term.text
    assert "[1] 90  Unit 11 PDU — Home visits will be completed" in term.text
    assert "(why: shares reason 11)" in term.text
    assert "[3]" in term.text and "[4]" not in term.text  # one page at first


def test_accept_saves_at_once_and_records_accepted(tmp_path: Path) -> None:
    result, term, library, path = start(tmp_path, ["a 1 3"])
    assert result.interrupted
    saved = load_review(path).decisions[0]
    assert saved.status == "decided" and saved.agreement == "Agreed"
    assert [a.library_id for a in saved.actions] == [11, 13]
    assert saved.actions[0].source == "Unit 11 PDU" and saved.actions[0].score == 90.0
    assert library.verdicts() == [(11, "accepted"), (13, "accepted")]
    assert library.decisions[0][0] == TEXTS[0] and library.decisions[0][3] == "1" * 64
    assert "Recommendation 2 of 3" in term.text  # moved on


def test_swap_notes_the_candidates_passed_over_without_rejecting_them(tmp_path: Path) -> None:
    # Passing over a candidate is weaker than turning it down: recording it as
    # a rejection sank it for every later recommendation worded alike.
    _, _, library, path = start(tmp_path, ["s 3"])
    saved = load_review(path).decisions[0]
    assert [a.library_id for a in saved.actions] == [13]
    assert saved.rejected == []
    assert saved.passed_over == [11, 12]
    assert "passed_over:" in path.read_text(encoding="utf-8")
    assert library.verdicts() == [(13, "accepted")]


def test_swapping_away_from_an_accepted_action_withdraws_that_acceptance(
    tmp_path: Path,
) -> None:
    _, _, library, path = start(tmp_path, ["a 1", "b", "s 2"])
    saved = load_review(path).decisions[0]
    assert [a.library_id for a in saved.actions] == [12]
    assert saved.rejected == [11] and saved.passed_over == []
    assert library.verdicts()[-2:] == [(12, "accepted"), (11, "rejected")]


def test_see_more_candidates_then_swap_to_one(tmp_path: Path) -> None:
    _, term, library, path = start(tmp_path, ["s", "s", "s 4"])
    assert "[4]" in term.text and "A domestic abuse practice lead" in term.text
    assert "No more candidates" in term.text
    assert [a.library_id for a in load_review(path).decisions[0].actions] == [14]
    assert (14, "accepted") in library.verdicts()


def test_find_in_library_then_accept_a_hit(tmp_path: Path) -> None:
    _, term, library, path = start(tmp_path, ["f countersigning", "a 4"])
    assert "Found 1:" in term.text and "[4]" in term.text
    saved = load_review(path).decisions[0]
    assert saved.actions[0].library_id == 22 and saved.actions[0].score is None
    assert library.verdicts() == [(22, "accepted")]


def test_find_with_nothing_found_or_no_words(tmp_path: Path) -> None:
    _, term, _, path = start(tmp_path, ["f zebra crossings", "f", "", "q"])
    assert "No action in the library contains all of: zebra crossings" in term.text
    assert load_review(path).decisions[0].status == "pending"


def test_edit_candidate_wording_in_editor(tmp_path: Path) -> None:
    new = "Home visits will be completed within five days for cases with children."
    _, term, library, path = start(tmp_path, ["e 1"], edits=[new])
    assert term.edited == [ACTIONS[11].text]
    action = load_review(path).decisions[0].actions[0]
    assert action.text == new and action.edited and action.library_id == 11
    assert library.verdicts() == [(11, "accepted")]


def test_edit_after_accepting_changes_the_chosen_action(tmp_path: Path) -> None:
    answers = ["a 2", "b", "e"]
    _, _, _, path = start(tmp_path, answers, edits=["A checklist for every allocation."])
    action = load_review(path).decisions[0].actions[0]
    assert action.text == "A checklist for every allocation." and action.edited
    assert action.library_id == 12


def test_edit_left_unchanged_is_not_marked_edited(tmp_path: Path) -> None:
    _, _, _, path = start(tmp_path, ["e 1"], edits=[None])
    action = load_review(path).decisions[0].actions[0]
    assert action.text == ACTIONS[11].text and not action.edited


def test_new_action_and_no_action(tmp_path: Path) -> None:
    answers = ["n", "We will pilot evening home visits in two teams.", "x", "q"]
    result, _, library, path = start(tmp_path, answers)
    first, second, third = load_review(path).decisions
    assert first.status == "decided"
    assert first.actions[0].text == "We will pilot evening home visits in two teams."
    assert first.actions[0].library_id is None and first.actions[0].edited
    assert second.status == "no_action" and second.actions == []
    assert third.status == "pending"
    assert library.decisions == []  # nothing from the library was judged
    assert result.quit and not result.interrupted


def test_agreement_owner_and_target_date(tmp_path: Path) -> None:
    answers = ["g", "2", "o", "Head of Brookmere PDU", "t March 2026", "a 1", "q"]
    _, term, _, path = start(tmp_path, answers)
    first = load_review(path).decisions[0]
    assert first.agreement == "Partly agreed"  # kept when accepting
    assert first.owner == "Head of Brookmere PDU" and first.target_date == "March 2026"
    assert "Agreement: Partly agreed. Saved." in term.text


def test_owner_cleared_with_dash_and_bad_agreement_rejected(tmp_path: Path) -> None:
    answers = ["o Someone", "o -", "g maybe", "g not", "q"]
    _, term, _, path = start(tmp_path, answers)
    first = load_review(path).decisions[0]
    assert first.owner is None and first.agreement == "Not agreed"
    assert "Choose 1=Agreed" in term.text


def test_bad_commands_and_numbers_explain_and_keep_going(tmp_path: Path) -> None:
    answers = ["z", "a 9", "a one", "s 1 2", "?", "a 1", "q"]
    _, term, _, path = start(tmp_path, answers)
    assert "'z' is not a choice here." in term.text
    assert "'9' is not a candidate number; choose from 1 to 3." in term.text
    assert "Give one candidate number" in term.text
    assert "find in the library" in term.text  # the help menu
    assert load_review(path).decisions[0].actions[0].library_id == 11


def test_back_goes_to_previous_and_shows_decision(tmp_path: Path) -> None:
    _, term, _, _ = start(tmp_path, ["a 1", "b", "q"])
    assert term.text.count("Recommendation 1 of 3") == 2
    assert "So far: decided; agreement: Agreed" in term.text
    # The source, not "#11", which beside candidates [1] [2] reads as a candidate.
    assert "- (Unit 11 PDU) Home visits will be completed" in term.text
    assert "#11" not in term.text


def test_later_skips_and_resume_comes_back(tmp_path: Path) -> None:
    result, term, _, path = start(tmp_path, ["l", "a 1", "x"])
    assert result.summary.pending == 1
    assert "1 recommendation(s) were left for later." in term.text
    result, term, _, _ = start(tmp_path, ["a 2"])
    assert "Recommendation 1 of 3" in term.text.splitlines()[1]
    assert result.summary.pending == 0 and not result.interrupted
    assert "All 3 recommendations have a decision." in term.text


def test_interrupt_loses_nothing_and_resume_starts_at_first_pending(tmp_path: Path) -> None:
    result, _, _, path = start(tmp_path, ["a 1"])  # then Ctrl-C at the next prompt
    assert result.interrupted
    before = path.read_text()
    result, term, _, _ = start(tmp_path, ["s 2"])
    assert "Recommendation 2 of 3" in term.text and "Recommendation 1 of 3" not in term.text
    review = load_review(path)
    assert [d.status for d in review.decisions] == ["decided", "decided", "pending"]
    assert review.decisions[0] == load_review_text(before).decisions[0]


def load_review_text(text: str):
    from drafter.review.file import parse_review

    return parse_review(text)


def test_finished_review_says_so_and_restart_goes_again(tmp_path: Path) -> None:
    start(tmp_path, ["a 1", "a 1", "x"])
    result, term, _, _ = start(tmp_path, [])
    assert "already have a decision. Add --restart" in term.text
    assert not result.interrupted
    result, term, _, path = start(tmp_path, ["a 2", "", "q"], restart=True)
    assert "Recommendation 1 of 3" in term.text
    assert load_review(path).decisions[0].actions[0].library_id == 12


def test_library_refusing_a_decision_is_a_note_not_a_crash(tmp_path: Path) -> None:
    class Refusing(FakeLibrary):
        def record_decision(self, *args, **kwargs) -> None:
            raise LibraryError("The database is locked.")

    result, term, _, path = start(tmp_path, ["a 1", "q"], library=Refusing())
    assert "Note: Could not record the decision on action #11" in term.text
    assert result.warnings and load_review(path).decisions[0].status == "decided"


def test_recommendation_without_candidates_invites_a_new_action(tmp_path: Path) -> None:
    report = make_report(["something the library has never seen"])
    matches = [RecommendationMatch(report.recommendations[0], [], no_match=True)]
    path = tmp_path / "r.review.yaml"
    review, _ = open_review(report, matches, path, confirm=lambda q: True)
    term = ScriptedTerminal(["a 1", "e", "Our own new action."])
    ReviewSession(review, path, matches, FakeLibrary(), term).run()
    assert "Nothing in the library fits this recommendation well" in term.text
    assert "There are no candidates to choose from" in term.text
    assert load_review(path).decisions[0].actions[0].text == "Our own new action."


def test_suggestions_in_a_hand_written_file_are_used_without_live_matches(
    tmp_path: Path,
) -> None:
    report = make_report()
    path = tmp_path / "r.review.yaml"
    save_review(build_review(report, make_matches(report)), path)
    term = ScriptedTerminal(["a 2", "q"])
    ReviewSession(load_review(path), path, [], FakeLibrary(), term).run()
    assert load_review(path).decisions[0].actions[0].library_id == 12


# --- opening a review ---------------------------------------------------------------


# --- property: whatever is typed, the session never crashes and the file stays valid --

typed = st.one_of(
    st.sampled_from(
        ["a", "a 1", "a 2 3", "s", "s 2", "s 4", "e", "e 1", "n", "x", "l", "g", "o", "t"]
        + ["b", "?", "", "f home", "f", "a 0", "s x", "g 3", "o -", "t 2026-03-31", "a ²", "e ²"]
    ),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(answers=st.lists(typed, max_size=25), edits=st.lists(st.none() | typed, max_size=25))
def test_any_typing_keeps_a_valid_file(tmp_path: Path, answers: list[str], edits) -> None:
    path = tmp_path / "brookmere.review.yaml"
    path.unlink(missing_ok=True)
    report = make_report()
    matches = make_matches(report)
    review, _ = open_review(report, matches, path, confirm=lambda q: True)
    terminal = ScriptedTerminal(answers, edits + [None] * 30)
    result = ReviewSession(review, path, matches, FakeLibrary(), terminal).run()
    saved = load_review(path)
    assert saved == result.review
    for decision in saved.decisions:
        if decision.status == "decided":
            assert decision.actions and all(a.text.strip() for a in decision.actions)
        if decision.status == "no_action":
            assert decision.actions == []


# --- target dates are checked (second audit) ----------------------------------------


def test_a_target_date_that_does_not_exist_is_refused_and_the_old_one_kept(
    tmp_path: Path,
) -> None:
    _, term, _, path = start(tmp_path, ["t March 2026", "t 31/13/2026", "t soon", "q"])
    assert "'31/13/2026' is not a real date, so the target date was not changed." in term.text
    assert "'soon' is not a date drafter understands" in term.text
    assert "Write it as 31/03/2026" in term.text
    assert load_review(path).decisions[0].target_date == "March 2026"


@pytest.mark.parametrize(
    "typed", ["March 2026", "31/03/2026", "2026-03-31", "31 March 2026", "end of Q3 2026"]
)
def test_target_dates_in_any_form_drafter_reads_are_kept_as_written(
    tmp_path: Path, typed: str
) -> None:
    _, term, _, path = start(tmp_path, [f"t {typed}", "q"])
    assert f"Target date: {typed}. Saved." in term.text
    assert load_review(path).decisions[0].target_date == typed


# --- screen readability (second audit) ----------------------------------------------


def test_accepting_several_says_candidates_in_the_plural(tmp_path: Path) -> None:
    _, term, _, _ = start(tmp_path, ["a 1 3", "a 1 2 1", "a 1"])
    assert "Accepted candidates 1 and 3. Saved." in term.text
    assert "Accepted candidates 1 and 2. Saved." in term.text
    assert "Accepted candidate 1. Saved." in term.text
    assert "Accepted candidate 1 and" not in term.text


def test_so_far_names_an_action_without_a_source_as_a_library_action(tmp_path: Path) -> None:
    from drafter.review.file import ChosenAction

    report = make_report()
    path = tmp_path / "r.review.yaml"
    review, _ = open_review(report, make_matches(report), path, confirm=lambda q: True)
    review.decisions[0].status = "decided"
    review.decisions[0].actions = [ChosenAction("Typed into the sheet.", library_id=12)]
    save_review(review, path)
    review, _ = open_review(report, make_matches(report), path, confirm=lambda q: True)
    term = ScriptedTerminal(["b", "q"])
    ReviewSession(review, path, make_matches(report), FakeLibrary(), term, restart=True).run()
    assert "- (library action 12) Typed into the sheet." in term.text


def test_help_lists_every_command_including_help_itself(tmp_path: Path) -> None:
    _, term, _, _ = start(tmp_path, ["?", "q"])
    for key in ("a [N M ...]", "s N", "f WORDS", "e [N]", "g / o / t", "q", "?"):
        assert any(line.lstrip().startswith(key) for line in term.text.splitlines()), key
    assert "show this help" in term.text


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=25), min_size=1, max_size=30),
    st.integers(min_value=20, max_value=80),
    st.sampled_from(["", "  ", "       "]),
)
def test_fitting_to_the_width_never_splits_a_word(
    words: list[str], width: int, indent: str
) -> None:
    from drafter.cli.review_dialogue import fit_to_width

    fitted = fit_to_width(indent + " ".join(words), width)
    assert fitted.split() == words  # every word whole, in order
    for line in fitted.split("\n"):
        assert len(line) <= width or " " not in line.strip()
        assert line.startswith(indent)


def _weak_matches(report: Report) -> list[RecommendationMatch]:
    """Nothing above the line for the first recommendation, two weak ones."""
    return [
        RecommendationMatch(
            report.recommendations[0],
            [],
            no_match=True,
            weak_candidates=[
                Candidate(ACTIONS[12], 41.0, "shares home visit"),
                Candidate(ACTIONS[13], 30.0, "shares home visit"),
            ],
        )
    ]


def test_weak_candidates_are_shown_marked_weak_and_one_keystroke_takes_one(
    tmp_path: Path,
) -> None:
    report = make_report(TEXTS[:1])
    matches = _weak_matches(report)
    path = tmp_path / "r.review.yaml"
    review, _ = open_review(report, matches, path, confirm=lambda q: True)
    term = ScriptedTerminal(["a 2"])
    library = FakeLibrary()
    ReviewSession(review, path, matches, library, term).run()
    assert "Nothing in the library clears the match line" in term.text
    assert "[1] 41 weak  Unit 12 PDU — A home visit checklist" in term.text
    assert "[2] 30 weak  Unit 13 PDU" in term.text
    assert "Accepted candidate 2 (weak). Saved." in term.text
    saved = load_review(path).decisions[0]
    assert saved.status == "decided" and [a.library_id for a in saved.actions] == [13]
    assert library.verdicts() == [(13, "accepted")]


def test_weak_suggestions_are_kept_in_the_review_file_marked_weak(tmp_path: Path) -> None:
    report = make_report(TEXTS[:1])
    review = build_review(report, _weak_matches(report), accept_best=True)
    # --accept-best never takes a weak suggestion.
    assert review.decisions[0].status == "pending"
    path = tmp_path / "r.review.yaml"
    save_review(review, path)
    text = path.read_text(encoding="utf-8")
    assert text.count("  weak: true") == 2
    loaded = load_review(path).decisions[0]
    assert [(s.library_id, s.weak) for s in loaded.suggestions] == [(12, True), (13, True)]
    # Without live matches the file's weak suggestions are offered, still marked.
    term = ScriptedTerminal(["a 1", "q"])
    ReviewSession(load_review(path), path, [], FakeLibrary(), term).run()
    assert load_review(path).decisions[0].actions[0].library_id == 12
    assert "[1] 41 weak" in term.text
