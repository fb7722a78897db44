"""Matching: normalisation, scoring, no-match, feedback, and `drafter match`."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import REPORTS_DIR, corpus_report_names, expected_record, need
from hypothesis import given
from hypothesis import strategies as st

from drafter.cli.commands import cli
from drafter.core.model import LibraryAction, Recommendation
from drafter.core.textmatch import normalise, stem, surface_words, term_table, terms
from drafter.library.store import Decision, Library
from drafter.matching.matcher import (
    NO_MATCH_THRESHOLD,
    SETTING_MISMATCH_FACTOR,
    Matcher,
    match_texts,
)

# A small library written for these tests: one action per idea, each with the
# recommendation it answered.
LIBRARY = [
    (
        "Workloads will be checked monthly against the workload tool and cases "
        "reallocated where a practitioner is over capacity.",
        "reduce caseloads so that probation officers have manageable workloads",
    ),
    (
        "Managers will only countersign assessments once risk to every potential "
        "victim has been analysed.",
        "strengthen management oversight of risk assessments before countersigning",
    ),
    (
        "A protocol with the police will return domestic abuse call-out history "
        "within ten days of a request.",
        "make sure domestic abuse information from the police is received at the start",
    ),
    (
        "Every probation services officer will complete structured training in "
        "risk assessment before holding complex cases.",
        "provide targeted training for probation services officers",
    ),
    (
        "A lived experience panel will review services each quarter.",
        "involve people on probation in designing services",
    ),
]


def make_actions() -> list[LibraryAction]:
    return [
        LibraryAction(
            id=i,
            text=text,
            recommendation=rec,
            unit=f"Unit {i} PDU",
            committed_on=date(2024, 1, i),
            external_id=f"T{i}",
        )
        for i, (text, rec) in enumerate(LIBRARY, start=1)
    ]


@pytest.fixture
def matcher() -> Matcher:
    return Matcher(make_actions())


# --- normalisation ------------------------------------------------------------------


def test_abbreviations_and_long_forms_meet():
    assert (
        terms("PSOs need RoSH training").words
        == terms("probation services officers need risk of serious harm training").words
    )
    assert normalise("SPO’s countersign DA cases") == (
        "senior probation officer countersign domestic abuse cases"
    )


def test_british_and_american_spellings_meet():
    assert (
        terms("organization behavior program focussed").words
        == terms("organisation behaviour programme focused").words
    )


def test_concepts_join_synonyms():
    assert "@workload" in terms("caseloads are too high").concepts
    assert "@workload" in terms("use the workload measurement tool").concepts
    assert "@oversight" in terms("SPOs should countersign assessments").concepts


def test_everyday_words_reach_the_same_idea():
    # How people write recommendations, not how the library was worded.
    assert "@accommodation" in terms("Nobody should leave prison with nowhere to sleep").concepts
    assert "@enforcement" in terms("decisions to send people back to prison").concepts
    assert "@continuity" in terms("Stop cases changing hands between officers").concepts
    assert "@recruitment" in terms("reduce the days lost to illness").concepts


def test_a_phrase_inside_a_longer_one_is_not_an_idea_of_its_own():
    found = terms("Offer appointments outside office hours").concepts
    assert "@out_of_hours" in found and "@estates" not in found
    found = terms("help into education, training and employment").concepts
    assert "@employment" in found and "@training" not in found
    # The same word on its own still counts.
    assert "@estates" in terms("repair the office heating").concepts
    assert "@training" in terms("training on education, training and employment").concepts


def test_low_information_words_are_dropped():
    assert terms("The PDU should ensure that people on probation are supported").words == ()


@given(st.text(max_size=200))
def test_normalise_is_idempotent_and_plain(text):
    once = normalise(text)
    assert normalise(once) == once
    assert once == once.strip() and "  " not in once
    assert all(ch.isalnum() or ch == " " for ch in once)


@given(st.from_regex(r"[a-z]{1,15}", fullmatch=True))
def test_stem_never_grows_a_word_and_is_stable_on_plurals(word):
    assert len(stem(word)) <= len(word)
    assert stem(word) == stem(word)
    plain = not word.endswith(("s", "e", "y", "i", "u", "ed", "ing", "ation", "ization"))
    if len(word) > 5 and plain:
        assert stem(word + "s") == stem(word)


# Words that trigger every path of the tokeniser: abbreviations that expand,
# spellings, concept phrases, stop words, possessives, digits and odd characters.
_TRICKY = [
    "PSO",
    "PSOs",
    "SPO's",
    "DA",
    "organization",
    "behaviour",
    "risk",
    "of",
    "serious",
    "harm",
    "domestic",
    "abuse",
    "caseload",
    "workload",
    "oversight",
    "the",
    "ensure",
    "2024",
    "a",
    "O'Neill’s",
    "café",
    "ﬁle",
    "—",
    "MAPPA",
    "countersigning",
    "countersign",
    "training",
    "trained",
    "education",
    "employment",
    "outside",
    "office",
    "hours",
    "referrals",
    "to",
    "CRS",
    "ETE",
]
_TEXTS = st.lists(st.sampled_from(_TRICKY) | st.text(max_size=12), max_size=25).map(" ".join)


@given(st.lists(_TEXTS, max_size=12), st.integers(1, 5))
def test_batch_tokeniser_agrees_with_terms_of_each_text(texts, chunk_size):
    table = term_table(texts, chunk_size=chunk_size)
    for i, text in enumerate(texts):
        rows = range(table.ptr[i], table.ptr[i + 1])
        found = {table.vocabulary[table.term_ids[k]]: float(table.counts[k]) for k in rows}
        assert found == dict(Counter(terms(text).all()))
        written = table.surface_ids[table.surface_ptr[i] : table.surface_ptr[i + 1]]
        assert tuple(table.words[w] for w in written) == surface_words(text)
        for j, other in enumerate(texts):
            same = normalise(text) == normalise(other)
            assert (table.wording[i] == table.wording[j]) == same


@given(st.text(max_size=300))
def test_matcher_never_fails_and_scores_stay_in_range(text):
    result = Matcher(make_actions()).match([text], top=3)[0]
    assert result.no_match == (not result.candidates)
    assert all(0 <= c.score <= 100 for c in result.candidates)


# --- scoring --------------------------------------------------------------------------


def test_the_right_action_comes_first_in_other_words(matcher):
    cases = {
        "Bring PO caseloads down to a level the WMT says is manageable": "T1",
        "SPOs must check that all victims are identified before signing off OASys": "T2",
        "Get DA call-out information from the police before the first assessment": "T3",
        "Give PSOs risk training before they hold domestic abuse cases": "T4",
    }
    for text, expected in cases.items():
        result = matcher.match([text])[0]
        assert not result.no_match, text
        assert result.candidates[0].action.external_id == expected, text


def test_idea_cover_lifts_all_actions_alike_and_keeps_their_order(matcher, monkeypatch):
    from drafter.matching import matcher as matching

    text = "Bring PO caseloads down to a level the WMT says is manageable"
    with_cover = matcher.scores(text)
    monkeypatch.setattr(matching, "CONCEPT_COVER_SHARE", 0.0)
    without = matcher.scores(text)
    order = np.argsort(-with_cover, kind="stable").tolist()
    assert order == np.argsort(-without, kind="stable").tolist()
    assert (with_cover >= without).all() and (with_cover > without).any()
    # A recommendation on no idea the library knows gets no lift at all.
    monkeypatch.setattr(matching, "CONCEPT_COVER_SHARE", 0.12)
    plain = "Paint the fence green"
    lifted = matcher.scores(plain)
    monkeypatch.setattr(matching, "CONCEPT_COVER_SHARE", 0.0)
    assert (matcher.scores(plain) == lifted).all()


def test_candidates_are_sorted_capped_and_explained(matcher):
    result = matcher.match(["reduce caseloads and workloads of probation officers"], top=2)[0]
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True) and len(scores) <= 2
    best = result.candidates[0]
    assert best.action.external_id == "T1"
    assert "workload" in best.reason and best.reason.startswith("shares ")
    assert "answered a similar recommendation (Unit 1 PDU, 1 January 2024)" in best.reason


def test_a_recommendation_the_library_does_not_cover_gets_no_candidates(matcher):
    result = matcher.match(["Reduce the backlog of unpaid work hours at weekend placements"])[0]
    assert result.no_match and result.candidates == []
    assert max(Matcher(make_actions()).scores(result.recommendation.text)) < NO_MATCH_THRESHOLD


def test_report_recommendations_keep_their_number_and_addressee(matcher):
    rec = Recommendation(4, "The Region", "reduce caseloads for probation officers")
    result = matcher.match([rec])[0]
    assert result.recommendation is rec


def test_empty_library_matches_nothing():
    assert Matcher([]).match(["reduce caseloads"])[0].no_match


# --- learning from decisions ------------------------------------------------------------


def test_accepted_action_ranks_higher_for_a_similar_recommendation():
    actions = make_actions()
    query = "improve the quality of risk assessment by probation services officers"
    before = Matcher(actions).scores(query)
    learned = Matcher(
        actions,
        feedback=[Decision("improve risk assessments by PSOs", 2, "accepted")],
    ).scores(query)
    assert learned[1] > before[1]  # action id 2 sits at index 1
    unrelated = Matcher(
        actions, feedback=[Decision("improve risk assessments by PSOs", 2, "accepted")]
    ).scores("set up a lived experience panel")
    assert unrelated[1] == pytest.approx(
        Matcher(actions).scores("set up a lived experience panel")[1]
    )


def test_rejected_pair_ranks_lower_for_a_similar_recommendation():
    actions = make_actions()
    query = "training in risk assessment for PSOs"
    before = Matcher(actions).match([query])[0].candidates[0].action.id
    after = Matcher(
        actions, feedback=[Decision("risk assessment training for PSOs", before, "rejected")]
    ).match([query])[0]
    assert all(c.action.id != before for c in after.candidates[:1])


def test_decisions_recorded_in_the_library_change_its_matching(sqlite_url):
    library = Library(sqlite_url, auto_starter=False)
    for text, rec in LIBRARY:
        library.add_action(text, recommendation=rec)
    query = "make oversight of risk work by managers stronger"
    first = match_texts([query], library)[0]
    top = first.candidates[0].action.id
    library.record_decision("strengthen managers' oversight of risk work", top, "rejected")
    second = match_texts([query], library)[0]
    assert not second.candidates or second.candidates[0].action.id != top


# --- CLI -----------------------------------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def small_library(sqlite_url) -> str:
    library = Library(sqlite_url, auto_starter=False)
    for text, rec in LIBRARY:
        library.add_action(
            text, recommendation=rec, unit="Testshire PDU", committed_on=date(2024, 2, 1)
        )
    library.db.dispose()
    return sqlite_url


def test_match_text_json_shape(small_library):
    result = run(
        "match",
        "--db",
        small_library,
        "--json",
        "--top",
        "2",
        "--text",
        "reduce caseloads for probation officers",
        "--text",
        "improve unpaid work placements",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [d["number"] for d in data] == [1, 2]
    assert set(data[0]) == {
        "number",
        "addressee",
        "text",
        "no_match",
        "candidates",
        "weak_candidates",
    }
    first = data[0]["candidates"][0]
    assert set(first) == {"id", "external_id", "action", "score", "unit", "date", "reason"}
    assert first["unit"] == "Testshire PDU" and first["date"] == "2024-02-01"
    assert 0 <= first["score"] <= 100 and len(data[0]["candidates"]) <= 2
    assert data[1]["no_match"] is True and data[1]["candidates"] == []


def test_match_text_output_says_plainly_when_nothing_fits(small_library):
    result = run("match", "--db", small_library, "--text", "improve unpaid work placements")
    assert result.exit_code == 0
    assert "No good match in the library — a new action is needed." in result.output


def test_match_from_file(tmp_path, small_library):
    path = tmp_path / "recs.txt"
    path.write_text("reduce caseloads\n\nimprove risk training for PSOs\n", encoding="utf-8")
    result = run("match", "--db", small_library, "--from-file", str(path), "--json")
    assert result.exit_code == 0, result.output
    assert [d["text"] for d in json.loads(result.output)] == [
        "reduce caseloads",
        "improve risk training for PSOs",
    ]


def test_match_a_report(small_library):
    names = corpus_report_names()
    need(bool(names), "the shared corpus reports are missing")
    name = names[0]
    result = run("match", str(REPORTS_DIR / f"{name}.html"), "--db", small_library, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    expected = expected_record(name)["recommendations"]
    assert [d["text"] for d in data] == [r["text"] for r in expected]


def test_match_on_an_explicit_empty_database_names_library_init(sqlite_url):
    result = run("match", "--db", sqlite_url, "--text", "reduce caseloads")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "empty" in result.output and "drafter library init" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_match_on_a_fresh_default_database_uses_the_starter_library():
    result = CliRunner().invoke(
        cli, ["match", "--json", "--text", "reduce caseloads for probation officers"]
    )
    assert result.exit_code == 0, result.output
    assert "starter library" in result.stderr
    data = json.loads(result.stdout)
    assert data[0]["candidates"] and not data[0]["no_match"]


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "exactly one"),
        (["--text", "a", "--from-file", "x.txt"], "exactly one"),
        (["--from-file", "missing.txt"], "Cannot find"),
    ],
)
def test_match_input_errors_are_one_line(small_library, args, message):
    result = run("match", "--db", small_library, *args)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert message in result.output and len(result.output.strip().splitlines()) == 1


def test_match_help_has_an_example():
    result = run("match", "--help")
    assert result.exit_code == 0 and "Example:" in result.output


def test_match_a_file_that_is_not_a_report_is_a_one_line_error(tmp_path, small_library):
    path = tmp_path / "shopping.txt"
    path.write_text("Milk\nEggs\nBread\n", encoding="utf-8")
    result = run("match", str(path), "--db", small_library)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_match_from_an_empty_file_is_a_one_line_error(tmp_path, small_library):
    path = tmp_path / "blank.txt"
    path.write_text("\n   \n", encoding="utf-8")
    result = run("match", "--db", small_library, "--from-file", str(path))
    assert result.exit_code == 1 and "holds no recommendations" in result.output
    assert len(result.output.strip().splitlines()) == 1


# --- duplicates -----------------------------------------------------------------------


def test_the_same_action_committed_by_several_units_is_suggested_once():
    actions = make_actions()
    twin_text = actions[0].text.upper().replace(".", "")  # same words, other case
    actions += [
        LibraryAction(
            id=10 + i,
            text=twin_text if i % 2 else actions[0].text,
            recommendation=actions[0].recommendation,
            unit=f"Other {i} PDU",
            committed_on=date(2025, 1, 1 + i),
            external_id=f"D{i}",
        )
        for i in range(3)
    ]
    result = Matcher(actions).match(["reduce caseloads and workloads of probation officers"])[0]
    texts = [normalise(c.action.text) for c in result.candidates]
    assert len(texts) == len(set(texts))
    best = result.candidates[0]
    # The most recent of the equally good copies is the one shown.
    assert best.action.external_id == "D2"
    assert best.reason.endswith("also committed by 3 other units")
    assert all("also committed" not in c.reason for c in result.candidates[1:])


def test_top_k_shows_k_different_actions_when_copies_crowd_the_top():
    actions = make_actions()
    copies = [
        LibraryAction(id=100 + i, text=actions[1].text, recommendation=actions[1].recommendation)
        for i in range(5)
    ]
    matcher = Matcher([*copies, *actions], threshold=0.0)
    result = matcher.match(["management oversight of risk assessments and countersigning"], 3)[0]
    assert len(result.candidates) == 3
    assert len({normalise(c.action.text) for c in result.candidates}) == 3
    assert "the same action is in the library 5 more times" in result.candidates[0].reason


def test_indexing_a_large_library_shows_progress_on_stderr(small_library, monkeypatch):
    import drafter.cli.commands

    monkeypatch.setattr(drafter.cli.commands, "LARGE_LIBRARY", 1)
    args = ["match", "--db", small_library, "--json", "--text", "reduce caseloads"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Indexing the library" in result.stderr
    assert json.loads(result.stdout)[0]["candidates"]  # stdout stays clean JSON


def test_matcher_reports_build_progress_to_the_end():
    seen: list[tuple[int, int]] = []
    Matcher(make_actions(), progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1] == 10  # 5 texts + 5 recommendations


# --- the shown score scale ----------------------------------------------------------------


def test_shown_scores_put_the_threshold_at_50_and_keep_the_order():
    from drafter.matching.matcher import RAW_THRESHOLD, shown_score

    assert NO_MATCH_THRESHOLD == 50.0
    assert float(shown_score(RAW_THRESHOLD)) == 50.0
    assert float(shown_score(0.0)) == 0.0 and float(shown_score(100.0)) == 100.0
    raw = np.linspace(0, 100, 401)
    assert np.all(np.diff(shown_score(raw)) > 0)


def test_a_good_match_reads_as_good_and_every_candidate_clears_50(matcher):
    result = matcher.match(["Bring PO caseloads down to a level the WMT says is manageable"])[0]
    assert result.candidates[0].score >= 60  # a clear match reads as one, not as "poor"
    assert all(c.score >= NO_MATCH_THRESHOLD for c in result.candidates)
    weak = matcher.match(["Reduce the backlog of unpaid work hours at weekend placements"])[0]
    assert weak.no_match and max(matcher.scores(weak.recommendation.text)) < 50


def test_match_help_explains_the_scores():
    result = CliRunner().invoke(cli, ["match", "--help"])
    assert "50   just good enough" in result.output and "Example:" in result.output


# --- input checks (audit) -----------------------------------------------------------------


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "Word document"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "old-style Word"),
    ],
)
def test_match_from_file_refuses_a_document_and_points_to_match_report(
    tmp_path, small_library, content, expected
):
    path = tmp_path / "letter.docx"
    path.write_bytes(content + bytes(range(256)))
    result = run("match", "--db", small_library, "--from-file", str(path))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert expected in result.output and f"drafter match {path}" in result.output
    assert "\x00" not in result.output


@pytest.mark.parametrize(
    "content",
    [b"reduce caseloads\x00\x01\x02\n", b"reduce \xff\xfe\xfd caseloads\n\x81\x82"],
)
def test_match_from_file_refuses_binary_or_undecodable_text(tmp_path, small_library, content):
    path = tmp_path / "recs.txt"
    path.write_bytes(content)
    result = run("match", "--db", small_library, "--from-file", str(path))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "not a plain text file" in result.output and "drafter match REPORT" in result.output


def test_match_from_file_reads_utf16_text_saved_by_windows(tmp_path, small_library):
    path = tmp_path / "recs.txt"
    path.write_bytes("reduce caseloads\r\nimprove risk training\r\n".encode("utf-16"))
    result = run("match", "--db", small_library, "--from-file", str(path), "--json")
    assert result.exit_code == 0, result.output
    assert [d["text"] for d in json.loads(result.output)] == [
        "reduce caseloads",
        "improve risk training",
    ]


def test_match_from_file_is_size_limited(tmp_path, small_library):
    from drafter.matching.matcher import MAX_RECOMMENDATIONS_FILE_BYTES

    path = tmp_path / "huge.txt"
    path.write_bytes(b"reduce caseloads\n" * (MAX_RECOMMENDATIONS_FILE_BYTES // 17 + 10))
    result = run("match", "--db", small_library, "--from-file", str(path))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "limit" in result.output.lower() or "too big" in result.output.lower()


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_match_an_empty_text_is_a_one_line_error(small_library, blank):
    result = run("match", "--db", small_library, "--text", "reduce caseloads", "--text", blank)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "--text is empty" in result.output


def test_a_library_of_ten_thousand_actions_gets_an_indexing_bar():
    import drafter.cli.commands

    # Indexing 20,000 actions took ~1.6 s, so the bar must start well before that.
    assert drafter.cli.commands.LARGE_LIBRARY <= 10_000


# --- reasons quote what both texts say -------------------------------------------------

from drafter.core.textmatch import shared_phrases  # noqa: E402

AUDIT_REC = (
    "make sure that police domestic abuse call-out information and children’s social care "
    "checks are requested for every new case"
)
AUDIT_ACTION = (
    "The police will return domestic abuse call-out history within a week, and "
    "children's social care will answer checks within five days."
)


def test_shared_phrases_are_whole_words_and_phrases_found_in_both_texts():
    quoted = shared_phrases(AUDIT_REC, AUDIT_ACTION)
    assert "domestic abuse call-out" in quoted
    assert "children's social care" in quoted
    for fragment in ("children social", "abuse call", "police domestic"):
        assert fragment not in quoted
    rec, action = AUDIT_REC.casefold().replace("’", "'"), AUDIT_ACTION.casefold()
    for phrase in quoted:
        assert phrase.casefold() in rec and phrase.casefold() in action


def test_a_describing_word_is_never_quoted_alone_or_at_the_end():
    assert shared_phrases("tackle domestic violence", "work on domestic abuse") == []
    assert shared_phrases("serious harm", "serious incidents") == []
    assert shared_phrases("the risk of serious harm", "their risk of serious harm") == [
        "risk of serious harm"
    ]


def test_phrases_do_not_straddle_function_words():
    quoted = shared_phrases("police and children's services", "police and children's services")
    assert "police and children's services" not in quoted
    assert set(quoted) == {"police", "children's services"}


QUOTE_VOCABULARY = [
    "risk",
    "of",
    "serious",
    "harm",
    "police",
    "domestic",
    "abuse",
    "call-out",
    "and",
    "the",
    "children's",
    "social",
    "care",
    "checks",
    "managers",
    "countersigning",
    "training",
    "for",
    "PSOs",
    "workload",
]
words_for_texts = st.lists(st.sampled_from(QUOTE_VOCABULARY), min_size=1, max_size=14)


@given(words_for_texts, words_for_texts)
def test_every_quoted_phrase_is_in_both_texts_as_whole_words(left, right):
    text, other = " ".join(left), " ".join(right)
    quoted = shared_phrases(text, other)
    assert len(quoted) <= 3
    for phrase in quoted:
        for source in (text, other):
            assert f" {phrase.casefold()} " in f" {source.casefold()} "
        last = phrase.split()[-1]
        assert last not in ("of", "and", "the", "for", "domestic", "social")


def test_reasons_show_shared_words_and_concept_links_separately():
    actions = [
        LibraryAction(
            id=1,
            text="Team leaders will check a sample of assessments for domestic abuse "
            "cases handled with the police every month.",
        ),
        LibraryAction(id=2, text="Unpaid work placements will open at weekends."),
    ]
    rec = "improve countersigning of assessments in domestic abuse cases involving the police"
    best = Matcher(actions, threshold=0.0).match([rec])[0].candidates[0]
    assert best.action.id == 1
    shares, _, about = best.reason.partition("; both about ")
    assert shares.startswith("shares ")
    assert '"domestic abuse cases"' in shares and '"police"' in shares
    assert "oversight" not in shares  # not written in the recommendation
    assert "management oversight (countersigning ~ team leaders)" in about


def test_concept_links_quote_the_words_as_written():
    from drafter.core.textmatch import concept_mentions

    mentions = concept_mentions("Children’s social care checks and PSOs")
    assert mentions["safeguarding"] == "children's social care"  # no sentence capital
    assert "children social" not in " ".join(mentions.values()).casefold()


def test_match_from_file_reads_text_saved_as_windows_1252(tmp_path, small_library):
    path = tmp_path / "recs.txt"
    path.write_bytes("reduce caseloads costing £5\r\n".encode("cp1252"))
    result = run("match", "--db", small_library, "--from-file", str(path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["text"] == "reduce caseloads costing £5"


# --- proportionate feedback (second audit) ------------------------------------------


def test_an_acceptance_lifts_a_score_by_at_most_ten_and_never_to_a_close_match():
    actions = make_actions()
    query = "improve the quality of risk assessment by probation services officers"
    before = Matcher(actions).scores(query)
    # The same wording accepted many times over: the strongest feedback there is.
    feedback = [Decision(query, 2, "accepted")] * 5
    after = Matcher(actions, feedback=feedback).scores(query)
    assert before[1] < 85
    assert before[1] < after[1] <= before[1] + 10.0001
    assert after[1] < 85  # 85+ means "says much the same thing": wording, not feedback
    others = [i for i in range(len(actions)) if i != 1]
    assert np.allclose(after[others], before[others])


def test_reasons_say_when_past_decisions_moved_a_score():
    actions = make_actions()
    query = "improve the quality of risk assessment by probation services officers"
    plain = {c.action.id: c.reason for c in Matcher(actions).match([query])[0].candidates}
    learned = Matcher(
        actions,
        feedback=[Decision(query, 2, "accepted"), Decision(query, 4, "rejected")],
    ).match([query])[0]
    reasons = {c.action.id: c.reason for c in learned.candidates}
    assert reasons[2].endswith("; accepted before for a similar recommendation")
    assert reasons[2].startswith(plain[2])
    if 4 in reasons:
        assert reasons[4].endswith("; turned down before for a similar recommendation")
    assert all("before for a similar" not in r for i, r in reasons.items() if i not in (2, 4))
    unrelated = Matcher(actions, feedback=[Decision(query, 2, "accepted")]).match(
        ["set up a lived experience panel"]
    )[0]
    assert all("before for a similar" not in c.reason for c in unrelated.candidates)


# --- actions tied to a setting ------------------------------------------------------

SETTING_LIBRARY = [
    (
        "Report writers at court will have quick access to police domestic abuse "
        "records and social care checks before preparing each pre-sentence report.",
        "pre-sentence reports are written without police and social care information",
    ),
    (
        "Practitioners will request domestic abuse call-out history when a case is "
        "allocated and use the reply in the sentence plan.",
        "case managers lack domestic abuse information when planning",
    ),
    (
        "Unpaid work placements will run at weekends to clear the backlog of hours.",
        "reduce the backlog of unpaid work hours",
    ),
    (
        "Workloads will be checked monthly and cases reallocated where a practitioner "
        "is over capacity.",
        "reduce caseloads to manageable levels",
    ),
]


SETTING_FACTOR = SETTING_MISMATCH_FACTOR


def _setting_matcher() -> Matcher:
    return Matcher(
        [
            LibraryAction(id=i, text=text, recommendation=rec, external_id=f"U{i}")
            for i, (text, rec) in enumerate(SETTING_LIBRARY, start=1)
        ]
    )


CASE_MANAGEMENT = (
    "make arrangements with police and social care so that practitioners have quick "
    "access to domestic abuse records when planning for the cases they manage"
)
COURT = "make sure pre-sentence reports draw on police domestic abuse and social care records"


def test_an_action_tied_to_a_setting_the_recommendation_lacks_loses_ground(monkeypatch):
    court_action, case_action = 0, 1
    # The surface-word raise follows the best score, which the factor moves,
    # and close wording can outweigh the factor (measured: keeping the factor
    # on the raise too lost ranking on every blind set): without it the
    # factor alone is measured.
    # The raises added after the factor (surface points, answered ideas, the
    # latent space) are switched off with it for the same reason, and so is
    # the scale that makes room for them.
    monkeypatch.setattr("drafter.matching.matcher.EVIDENCE_SCALE", 1.0)
    monkeypatch.setattr("drafter.matching.matcher.SURFACE_SHARE", 0.0)
    monkeypatch.setattr("drafter.matching.matcher.SURFACE_POINTS", 0.0)
    monkeypatch.setattr("drafter.matching.matcher.ANSWERED_IDEAS_WEIGHT", 0.0)
    monkeypatch.setattr("drafter.matching.matcher.LATENT_WEIGHT", 0.0)
    monkeypatch.setattr("drafter.matching.matcher.SETTING_MISMATCH_FACTOR", 1.0)
    unpenalised = _setting_matcher().scores(CASE_MANAGEMENT)
    monkeypatch.setattr("drafter.matching.matcher.SETTING_MISMATCH_FACTOR", SETTING_FACTOR)
    scores = _setting_matcher().scores(CASE_MANAGEMENT)
    assert unpenalised[court_action] > unpenalised[case_action]  # the wording favours it
    assert scores[court_action] < unpenalised[court_action]
    assert scores[case_action] == pytest.approx(unpenalised[case_action])
    assert scores[case_action] > scores[court_action]
    result = _setting_matcher().match([CASE_MANAGEMENT])[0]
    best = (result.candidates or result.weak_candidates)[0]
    assert best.action.external_id == "U2"


def test_an_action_tied_to_a_setting_still_comes_first_when_the_recommendation_names_it():
    best = _setting_matcher().match([COURT])[0].candidates[0]
    assert best.action.external_id == "U1"


# --- weak suggestions below the line -----------------------------------------------

#: Shares words with the training action, but is about unpaid work, which the
#: small library never mentions: below the line, yet something is closest.
BELOW_THE_LINE = "Unpaid work supervisors should have refresher training on site safety"


def test_below_the_line_the_closest_actions_are_still_given_marked_weak(matcher):
    result = matcher.match([BELOW_THE_LINE], top=2)[0]
    assert result.no_match and result.candidates == []
    weak = result.weak_candidates
    assert 1 <= len(weak) <= 2
    assert weak[0].action.external_id == "T4"
    assert "both about training (refresher ~ training)" in weak[0].reason
    scores = [c.score for c in weak]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s < NO_MATCH_THRESHOLD for s in scores)


def test_a_good_match_has_no_weak_candidates_and_nothing_in_common_gives_none(matcher):
    good = matcher.match(["reduce caseloads for probation officers"])[0]
    assert good.candidates and good.weak_candidates == []
    nothing = matcher.match(["improve unpaid work placements"])[0]
    assert nothing.no_match and nothing.weak_candidates == []


def test_match_json_lists_weak_candidates_and_plain_output_marks_them(small_library):
    args = ["match", "--db", small_library, "--top", "2", "--text", BELOW_THE_LINE]
    data = json.loads(run(*args, "--json").output)
    assert data[0]["no_match"] is True and data[0]["candidates"] == []
    weak = data[0]["weak_candidates"]
    assert weak
    assert {"id", "external_id", "action", "score", "unit", "date", "reason"} == set(weak[0])
    assert weak[0]["action"].startswith("Every probation services officer will complete")
    assert weak[0]["score"] < NO_MATCH_THRESHOLD
    plain = run(*args)
    assert plain.exit_code == 0
    assert "No good match in the library — a new action is needed." in plain.output
    assert f"closest, weak: [{weak[0]['score']:.0f}] Every probation services officer" in (
        plain.output
    )


def test_match_help_says_weak_suggestions_are_shown():
    result = run("match", "--help")
    assert result.exit_code == 0
    assert "closest suggestions marked weak" in result.output
    assert "weak_candidates" in result.output


def test_words_too_common_to_be_terms_still_tell_close_actions_apart(monkeypatch):
    """ "quality" and "number" are both dropped from terms, so only the words as
    written (the surface-word BM25) can prefer the action about quality."""
    monkeypatch.setattr("drafter.matching.matcher.FUZZY_SHARE", 0.0)
    library = [
        LibraryAction(
            id=1, text="Managers will audit the number of supervision records", external_id="N"
        ),
        LibraryAction(
            id=2, text="Managers will audit the quality of supervision records", external_id="Q"
        ),
    ]
    recommendation = "improve the quality of supervision records"
    monkeypatch.setattr("drafter.matching.matcher.SURFACE_SHARE", 0.0)
    monkeypatch.setattr("drafter.matching.matcher.SURFACE_POINTS", 0.0)
    number, quality = Matcher(library).scores(recommendation)
    assert number == quality
    # Either surface channel alone tells them apart: the share of the best
    # surface score, and the points for the surface score itself.
    for share, points in ((0.2, 0.0), (0.0, 0.9)):
        monkeypatch.setattr("drafter.matching.matcher.SURFACE_SHARE", share)
        monkeypatch.setattr("drafter.matching.matcher.SURFACE_POINTS", points)
        number, quality = Matcher(library).scores(recommendation)
        assert quality > number
        assert Matcher(library).match([recommendation])[0].candidates[0].action.external_id == "Q"


def test_surface_points_are_capped_so_a_long_recommendation_cannot_run_away(monkeypatch):
    monkeypatch.setattr("drafter.matching.matcher.SURFACE_SHARE", 0.0)
    monkeypatch.setattr("drafter.matching.matcher.ANSWERED_IDEAS_WEIGHT", 0.0)
    library = [
        LibraryAction(id=1, text="Managers will audit supervision records", external_id="A"),
        LibraryAction(id=2, text="Staff will attend the county show", external_id="B"),
    ]
    text = " ".join(["audit the supervision records kept by managers"] * 40)
    monkeypatch.setattr("drafter.matching.matcher.SURFACE_POINTS", 0.0)
    without = Matcher(library).scores(text)
    monkeypatch.setattr("drafter.matching.matcher.SURFACE_POINTS", 0.9)
    raised = Matcher(library).scores(text)
    monkeypatch.setattr("drafter.matching.matcher.SURFACE_POINTS_CAP", 1e9)
    uncapped = Matcher(library).scores(text)
    assert raised[0] > without[0]
    assert raised[0] < uncapped[0]
    assert raised[1] == without[1]  # nothing in common, nothing added


def test_an_action_answering_a_recommendation_on_the_same_ideas_gains(monkeypatch):
    """Two actions worded alike; only the recommendations they answered differ.
    Agreement on domain ideas with the answered recommendation counts twice."""
    text = "The PDU will review its practice and report progress to the senior team."
    library = [
        LibraryAction(
            id=1,
            text=text,
            recommendation="improve the delivery of unpaid work placements",
            external_id="UPW",
        ),
        LibraryAction(
            id=2,
            text=text,
            recommendation="improve the quality of pre-sentence reports for the court",
            external_id="PSR",
        ),
    ]
    recommendation = "make sure unpaid work starts promptly"
    monkeypatch.setattr("drafter.matching.matcher.ANSWERED_IDEAS_WEIGHT", 0.0)
    plain = Matcher(library).scores(recommendation)
    monkeypatch.setattr("drafter.matching.matcher.ANSWERED_IDEAS_WEIGHT", 0.45)
    agreed = Matcher(library).scores(recommendation)
    assert agreed[0] - agreed[1] > plain[0] - plain[1]
    assert agreed[1] == pytest.approx(plain[1])  # no shared idea, no points


def test_actions_with_no_surface_words_score_without_error():
    library = [
        LibraryAction(id=1, text="The PDU will do it.", external_id="A"),
        LibraryAction(id=2, text="Practitioners will complete risk assessments", external_id="B"),
    ]
    scores = Matcher(library).scores("the and of")
    assert np.all(np.isfinite(scores))
    assert Matcher(library).scores("complete risk assessments on time").argmax() == 1
