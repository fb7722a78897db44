"""The action library: storage, import/export, decisions, and its CLI."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import CORPUS, need
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from drafter.cli.commands import cli
from drafter.core.errors import DatabaseError, InputFileError, LibraryError
from drafter.library import database as db_module
from drafter.library.store import Library, recommendation_key
from drafter.library.transfer import RowProblem, read_starter_records, validate_row

ACTIONS_JSONL = CORPUS / "actions.jsonl"
#: Words that make an owner a role ("Head of PDU", "Senior Probation Officers").
OWNER_ROLE_WORDS = {"Head", "Director", "Lead", "Manager", "Officers", "Chair", "Programme"}


def write(path: Path, content: str) -> Path:
    path.write_text(content, encoding="utf-8")
    return path


def run(*args: str, input: str | None = None):
    result = CliRunner().invoke(cli, list(args), input=input)
    return result


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


# --- storage ---------------------------------------------------------------------


def test_add_get_search_and_retire(db_url):
    library = Library(db_url, auto_starter=False)
    first = library.add_action(
        "Run monthly risk clinics chaired by a manager.",
        recommendation="improve risk of harm work",
        unit="Testshire PDU",
        committed_on=date(2024, 3, 1),
        tags=["risk_of_harm"],
        external_id="X1",
    )
    library.add_action("Recruit two case administrators.", unit="Testshire PDU")
    assert library.count() == 2
    assert library.get(first.id).text == "Run monthly risk clinics chaired by a manager."
    assert library.get("X1").id == first.id
    assert first.source_label == "Testshire PDU, 1 March 2024"
    # Adding the same action again returns it instead of duplicating it.
    again = library.add_action(
        "Run  monthly risk clinics chaired by a manager.",
        recommendation="improve risk of harm work",
        unit="Testshire PDU",
        committed_on=date(2024, 3, 1),
    )
    assert again.id == first.id and library.count() == 2
    assert [a.id for a in library.search("RISK clinics")] == [first.id]
    assert library.search("administrators 100%") == []
    library.retire(first.id)
    assert library.count() == 1
    assert [a.status for a in library.actions(status=None)] == ["retired", "active"]
    assert library.search("risk clinics") == []


def test_add_action_joins_a_callers_transaction(sqlite_url):
    library = Library(sqlite_url, auto_starter=False)
    with pytest.raises(RuntimeError), library.db.session() as session:
        library.add_action("Kept only if the whole transaction succeeds.", session=session)
        raise RuntimeError("the archive step failed")
    assert library.count(status=None) == 0


def test_unknown_action_is_a_plain_error(sqlite_url):
    library = Library(sqlite_url, auto_starter=False)
    with pytest.raises(LibraryError, match="no action '99'"):
        library.get(99)


# --- import --------------------------------------------------------------------------


def test_importing_the_corpus_twice_adds_nothing_the_second_time(db_url):
    need(ACTIONS_JSONL.exists(), "the shared corpus is missing")
    library = Library(db_url, auto_starter=False)
    first = library.import_file(str(ACTIONS_JSONL))
    assert (first.added, first.already_present) == (70, 0)
    second = library.import_file(str(ACTIONS_JSONL))
    assert (second.added, second.already_present) == (0, 70)
    assert library.count() == 70
    action = library.get("A001")
    assert action.extra["primary_theme"] == "risk_of_harm"  # unknown keys are kept
    assert action.unit == "Calderholme PDU"
    assert action.committed_on == date(2023, 4, 18)
    assert action.source_kind == "import" and action.source_ref == "actions.jsonl"


def test_csv_yaml_and_json_imports_read_tags_both_ways(tmp_path, sqlite_url):
    library = Library(sqlite_url, auto_starter=False)
    csv_file = write(
        tmp_path / "a.csv",
        "id,action,unit,date,tags,board\n"
        "C1,Agree a home visit standard,North PDU,2024-05-02,risk_of_harm; home visits,yes\n",
    )
    yaml_file = write(
        tmp_path / "a.yaml",
        yaml.safe_dump([{"id": "Y1", "action": "Train every PSO in risk", "tags": ["training"]}]),
    )
    json_file = write(
        tmp_path / "a.json", json.dumps({"actions": [{"id": "J1", "action": "Fill vacancies"}]})
    )
    for path in (csv_file, yaml_file, json_file):
        assert library.import_file(str(path)).added == 1
    assert library.get("C1").tags == ["risk_of_harm", "home visits"]
    assert library.get("C1").extra == {"board": "yes"}
    assert library.get("Y1").tags == ["training"]
    assert library.get("J1").text == "Fill vacancies"


def test_invalid_rows_are_reported_by_number_and_nothing_is_imported(tmp_path, sqlite_url):
    library = Library(sqlite_url, auto_starter=False)
    path = write(
        tmp_path / "bad.csv",
        "id,action,date\nA,Good action,2024-01-02\nB,,2024-01-02\nC,Another,2023-13-01\n",
    )
    with pytest.raises(LibraryError) as caught:
        library.import_file(str(path))
    message = str(caught.value)
    assert "row 3: 'action' is empty" in message
    assert "row 4: date '2023-13-01' is not a date (use YYYY-MM-DD)" in message
    assert library.count(status=None) == 0
    result = library.import_file(str(path), skip_invalid=True)
    assert result.added == 1 and [p.row for p in result.invalid] == [3, 4]


def test_unreadable_jsonl_line_and_unknown_format(tmp_path, sqlite_url):
    library = Library(sqlite_url, auto_starter=False)
    path = write(tmp_path / "x.jsonl", '{"action": "fine"}\n{not json\n')
    with pytest.raises(LibraryError, match="row 2: not valid JSON"):
        library.import_file(str(path))
    with pytest.raises(InputFileError, match="cannot tell the format"):
        library.import_file(str(write(tmp_path / "x.txt", "action\n")))


def test_export_round_trips_through_import(tmp_path, sqlite_url):
    library = Library(sqlite_url, auto_starter=False)
    library.init()
    for name in ("out.csv", "out.jsonl", "out.yaml", "out.json"):
        result = run("library", "export", str(tmp_path / name), "--db", sqlite_url)
        assert result.exit_code == 0, result.output
        other = Library(f"sqlite:///{tmp_path / (name + '.db')}", auto_starter=False)
        assert other.import_file(str(tmp_path / name)).added == library.count()
        assert other.get("S001").tags == library.get("S001").tags
        assert other.get("S001").extra == {} and other.get("S001").status == "active"
    refused = run("library", "export", str(tmp_path / "out.csv"), "--db", sqlite_url)
    assert_one_line_error(refused, "already exists", "--force")


# --- starter library ---------------------------------------------------------------------


def test_starter_library_covers_every_theme():
    records = read_starter_records()
    assert len(records) >= 150
    themes = {
        "risk_of_harm",
        "safeguarding_da_info",
        "management_oversight",
        "staffing_workload",
        "training_development",
        "diversity_inclusion",
        "interventions_services",
        "partnership_working",
        "engagement_involvement",
        "resettlement",
        "victims",
        "court_work",
        "unpaid_work",
        "women",
        "estates_it_data",
        "enforcement_compliance",
    }
    per_theme = Counter(tag for record in records for tag in record.tags)
    assert set(per_theme) == themes  # every tag is a theme id, and every theme is there
    assert min(per_theme.values()) >= 6, per_theme
    assert len({r.external_id for r in records}) == len(records)
    # The ids of the first starter library still name the same kind of action.
    assert {f"S{n:03d}" for n in range(1, 64)} <= {r.external_id for r in records}


def test_every_starter_action_is_owned_timed_and_says_what_it_answers():
    for record in read_starter_records():
        assert record.owner and record.due and record.recommendation, record.external_id
        # A timescale a letter can be held to, stated in the action itself.
        month_year = re.search(r"[A-Z][a-z]+ 20\d\d", record.due)
        assert month_year and month_year.group() in record.action, record.external_id
        # Inspectors word recommendations as instructions, not as findings.
        assert record.recommendation[0].islower(), record.external_id
        # Owners are roles, never a person's name.
        assert set(record.owner.split()) & OWNER_ROLE_WORDS, record.owner


def test_init_loads_the_starter_once(sqlite_url):
    library = Library(sqlite_url, auto_starter=False)
    added = library.init()
    assert added == library.count() >= 60
    with pytest.raises(LibraryError, match="already holds"):
        library.init()


def test_default_database_gets_the_starter_library_on_first_use(capsys):
    notes: list[str] = []
    library = Library(notify=notes.append)  # $DRAFTER_DB: a fresh temp file (conftest)
    library.ensure_usable()
    assert library.count() >= 60
    assert len(notes) == 1 and "loaded its starter library" in notes[0]
    assert library.starter_notice == notes[0]
    library.ensure_usable()  # the notice is given once
    assert len(notes) == 1
    assert capsys.readouterr().err == ""  # library code never prints


def test_a_starter_library_another_drafter_loaded_meanwhile_is_not_announced(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    notes: list[str] = []
    library = Library(url, auto_starter=True, notify=notes.append)
    other = Library(url, auto_starter=False)
    load = library.load_starter

    def racing() -> int:
        other.load_starter()  # the other process gets there first
        return load()

    library.load_starter = racing
    library.ensure_usable()
    assert notes == [] and library.starter_notice is None
    assert library.count() == len(read_starter_records())


def test_library_used_from_python_prints_nothing(capsys):
    library = Library()  # no notify: silent by default
    library.ensure_usable()
    assert library.count() >= 60
    assert "loaded its starter library" in (library.starter_notice or "")
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_explicit_empty_database_is_not_filled_behind_the_users_back(sqlite_url):
    library = Library(sqlite_url)
    with pytest.raises(LibraryError, match="drafter library init"):
        library.ensure_usable()
    assert library.count(status=None) == 0


def test_library_with_everything_retired_is_empty_for_matching(sqlite_url):
    library = Library(sqlite_url, auto_starter=True)
    only = library.add_action("The only action.")
    library.retire(only.id)
    with pytest.raises(LibraryError, match="empty"):
        library.ensure_usable()


# --- decisions ------------------------------------------------------------------------


def test_decisions_are_recorded_and_updated(db_url):
    library = Library(db_url, auto_starter=False)
    action = library.add_action("Cap caseloads at the workload tool's capacity.")
    library.record_decision("Reduce caseloads.", action.id, "accepted")
    library.record_decision("Reduce  CASELOADS", action.id, "rejected")  # same wording
    feedback = library.feedback()
    assert len(feedback) == 1 and feedback[0].verdict == "rejected"
    assert recommendation_key("Reduce caseloads.") == recommendation_key("reduce caseloads")
    with pytest.raises(LibraryError, match="not a decision"):
        library.record_decision("Reduce caseloads.", action.id, "maybe")
    with pytest.raises(LibraryError, match="no action"):
        library.record_decision("Reduce caseloads.", 12345, "accepted")


# --- bad databases ------------------------------------------------------------------------


def test_database_from_a_newer_drafter_is_refused_untouched(tmp_path):
    url = f"sqlite:///{tmp_path / 'newer.db'}"
    library = Library(url, auto_starter=False)
    library.add_action("An action that must survive.")
    with library.db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    library.db.dispose()
    result = run("library", "list", "--db", url)
    assert_one_line_error(result, "newer version of drafter")
    with sqlite3.connect(tmp_path / "newer.db") as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("ffff",)
        assert conn.execute("SELECT count(*) FROM actions").fetchone() == (1,)


def test_unknown_database_url_is_a_one_line_error():
    result = run("library", "list", "--db", "nosuchdb://server/library")
    assert_one_line_error(result, "no driver")


def test_locked_sqlite_database_waits_then_says_so(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'locked.db'}"
    setup = Library(url, auto_starter=False)
    setup.add_action("Already in the library before the lock.")
    setup.db.dispose()
    monkeypatch.setattr(db_module, "SQLITE_BUSY_TIMEOUT", 0.3)
    holder = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        library = Library(url, auto_starter=False)
        with pytest.raises(DatabaseError, match="busy"):
            library.add_action("Cannot be written while another drafter holds the lock.")
        result = run("library", "retire", "1", "--db", url)
        assert_one_line_error(result, "busy", "try again")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


# --- CLI ---------------------------------------------------------------------------------


def test_cli_import_list_show_search_retire(tmp_path, sqlite_url):
    need(ACTIONS_JSONL.exists(), "the shared corpus is missing")
    imported = run("library", "import", str(ACTIONS_JSONL), "--db", sqlite_url)
    assert imported.exit_code == 0, imported.output
    assert "Imported 70 new actions; 0 were already in the library." in imported.output
    again = run("library", "import", str(ACTIONS_JSONL), "--db", sqlite_url, "--json")
    assert json.loads(again.output) == {"added": 0, "already_present": 70, "invalid": []}
    listed = run("library", "list", "--db", sqlite_url)
    assert "#1 (A001)" in listed.output and "#50 (A050)" in listed.output
    assert "#51 " not in listed.output
    assert listed.output.splitlines()[-1] == "Showing 50 of 70 actions; use --limit 0 for all."
    everything = run("library", "list", "--limit", "0", "--db", sqlite_url)
    assert "#70 (A070)" in everything.output and everything.output.endswith("70 actions.\n")
    few = run("library", "list", "--limit", "2", "--db", sqlite_url)
    assert few.output.splitlines()[-1] == "Showing 2 of 70 actions; use --limit 0 for all."
    as_json = run("library", "list", "--json", "--db", sqlite_url)
    assert len(json.loads(as_json.output)) == 70  # a program gets everything by default
    limited_json = run("library", "list", "--json", "--limit", "5", "--db", sqlite_url)
    assert [a["external_id"] for a in json.loads(limited_json.output)] == [
        "A001",
        "A002",
        "A003",
        "A004",
        "A005",
    ]
    shown = json.loads(run("library", "show", "A001", "--json", "--db", sqlite_url).output)
    assert shown["unit"] == "Calderholme PDU" and shown["primary_theme"] == "risk_of_harm"
    found = run("library", "search", "home visit", "--json", "--db", sqlite_url)
    assert found.exit_code == 0 and json.loads(found.output)
    assert all(
        "home visit" in (a["action"] + (a["recommendation"] or "")).lower()
        for a in json.loads(found.output)
    )
    retired = run("library", "retire", "A001", "--db", sqlite_url)
    assert retired.exit_code == 0 and "Retired action #1" in retired.output
    listed_after = run("library", "list", "--db", sqlite_url).output
    assert listed_after.splitlines()[-1] == "Showing 50 of 69 actions; use --limit 0 for all."
    before = Library(sqlite_url, auto_starter=False).get("A001")
    again = run("library", "retire", "A001", "--db", sqlite_url)
    assert again.exit_code == 0
    assert again.output == "Action #1 was already retired; nothing changed.\n"
    assert Library(sqlite_url, auto_starter=False).get("A001") == before


def test_cli_import_reports_invalid_rows(tmp_path, sqlite_url):
    path = write(tmp_path / "bad.jsonl", '{"id": "1", "action": ""}\n{"id": "2", "action": "ok"}\n')
    refused = run("library", "import", str(path), "--db", sqlite_url)
    assert_one_line_error(refused, "Nothing was imported", "row 1: 'action' is empty")
    kept = run("library", "import", str(path), "--skip-invalid", "--db", sqlite_url)
    assert kept.exit_code == 0
    assert "Imported 1 new action; 0 were already" in kept.output
    assert "row 1: 'action' is empty" in kept.output


def test_cli_missing_file_and_unknown_id_are_one_line_errors(tmp_path, sqlite_url):
    assert_one_line_error(
        run("library", "import", str(tmp_path / "none.csv"), "--db", sqlite_url), "Cannot find"
    )
    assert_one_line_error(run("library", "show", "77", "--db", sqlite_url), "no action '77'")
    assert_one_line_error(run("library", "search", "  ", "--db", sqlite_url), "words to search")


def test_cli_init_then_init_again(sqlite_url):
    first = run("library", "init", "--db", sqlite_url)
    assert first.exit_code == 0 and "Loaded the starter library" in first.output
    assert_one_line_error(run("library", "init", "--db", sqlite_url), "already holds")


@pytest.mark.parametrize(
    "command", ["init", "import", "list", "search", "show", "export", "retire"]
)
def test_every_library_command_has_an_example(command):
    result = run("library", command, "--help")
    assert result.exit_code == 0 and "Example:" in result.output


def test_large_import_shows_a_progress_bar_on_stderr(tmp_path, sqlite_url):
    rows = "".join(f"R{i},Action number {i} for the test,2024-01-01\n" for i in range(2500))
    path = write(tmp_path / "big.csv", "id,action,date\n" + rows)
    result = CliRunner().invoke(cli, ["library", "import", str(path), "--db", sqlite_url])
    assert result.exit_code == 0, result.output
    assert "Importing" in result.stderr and "Importing" not in result.stdout
    assert "Imported 2,500 new actions" in result.stdout


@given(
    st.dictionaries(
        st.sampled_from(["id", "action", "date", "tags", "unit", "owner", "other"]),
        st.one_of(
            st.none(),
            st.text(max_size=30),
            st.integers(),
            st.lists(st.text(max_size=5), max_size=3),
            st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
        ),
    )
)
def test_row_validation_accepts_or_explains_any_row(raw):
    checked = validate_row(7, raw)
    if isinstance(checked, RowProblem):
        assert str(checked).startswith("row 7: ")
    else:
        assert checked.action and checked.action == " ".join(checked.action.split())
        assert all(isinstance(tag, str) and tag for tag in checked.tags)


def test_export_all_keeps_retired_actions_retired(tmp_path, sqlite_url):
    library = Library(sqlite_url, auto_starter=False)
    kept = library.add_action("Still in use.", external_id="K")
    gone = library.add_action("No longer suggested.", external_id="G")
    library.retire(gone.id)
    out = tmp_path / "all.jsonl"
    result = run("library", "export", str(out), "--all", "--db", sqlite_url)
    assert result.exit_code == 0 and "Wrote 2 actions" in result.output
    other = Library(f"sqlite:///{tmp_path / 'other.db'}", auto_starter=False)
    other.import_file(str(out))
    assert other.get("G").status == "retired" and other.get("K").status == "active"
    assert other.get("K").text == kept.text
    bad = write(tmp_path / "bad.jsonl", '{"action": "x", "status": "paused"}\n')
    with pytest.raises(LibraryError, match="row 1: status 'paused'"):
        other.import_file(str(bad))


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("latin1.csv", "action\ncaf\xe9 action\n".encode("latin-1"), "is not UTF-8"),
        ("nocolumn.csv", b"id,text\n1,something\n", "has no 'action' column"),
        ("broken.json", b'[{"action": "x",}]', "is not valid JSON"),
        ("broken.yaml", b"actions: [unclosed\n", "is not valid YAML"),
        ("scalar.json", b'"just text"', "does not hold a list of actions"),
        ("empty.json", b"[]", "holds no actions"),
        ("tags.json", b'[{"action": "x", "tags": {"a": 1}}]', "'tags' must be a list"),
    ],
)
def test_bad_import_files_are_one_line_errors(tmp_path, sqlite_url, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = run("library", "import", str(path), "--db", sqlite_url)
    assert_one_line_error(result, message)
    assert Library(sqlite_url, auto_starter=False).count(status=None) == 0


def test_library_api_refuses_empty_text_and_unknown_status(sqlite_url):
    library = Library(sqlite_url, auto_starter=False)
    with pytest.raises(LibraryError, match="needs some text"):
        library.add_action("   ")
    action = library.add_action("Something real.")
    with pytest.raises(LibraryError, match="not an action status"):
        library.set_status(action.id, "paused")


def test_counts_in_messages_are_singular_or_plural(sqlite_url):
    library = Library(sqlite_url, auto_starter=False)
    library.add_action("Hold a weekly allocation meeting.")
    refused = run("library", "init", "--db", sqlite_url)
    assert_one_line_error(refused, "already holds 1 action;")
    listed = run("library", "list", "--db", sqlite_url)
    assert listed.output.splitlines()[-1] == "1 action."


# --- search: what it looks in ------------------------------------------------------------


def test_search_looks_in_the_action_and_its_tags_not_the_recommendation(sqlite_url):
    library = Library(sqlite_url, auto_starter=False)
    hidden = library.add_action(
        "Recruit two case administrators.", recommendation="increase home visits"
    )
    by_text = library.add_action("Make home visits within ten working days of release.")
    by_tag = library.add_action("Check every address before release.", tags=["home_visits"])
    library.add_action("Hold monthly risk clinics.", external_id="Q7")
    found = [a.id for a in library.search("home visits")]
    assert sorted(found) == sorted([by_text.id, by_tag.id])
    assert hidden.id not in found
    assert [a.id for a in library.search("home_visits")] == [by_tag.id]
    assert [a.text for a in library.search("q7")] == ["Hold monthly risk clinics."]
    assert library.search("administrators visits") == []


def test_cli_search_results_contain_the_words_and_say_when_more_matched(sqlite_url):
    library = Library(sqlite_url, auto_starter=False)
    library.add_action("Appoint a lead.", recommendation="improve home visits")
    for n in range(25):
        library.add_action(f"Carry out home visits in area {n}.")
    result = run("library", "search", "home visits", "--db", sqlite_url)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-1] == "Showing 20 of 25 actions; use --limit 0 for all."
    texts = [line.strip() for line in lines[:-1] if line.startswith("    ")]
    assert len(texts) == 20 and all("home visits" in t for t in texts)
    everything = run("library", "search", "home visits", "--limit", "0", "--db", sqlite_url)
    assert "Showing" not in everything.output
    assert everything.output.count("Carry out home visits") == 25
    assert "Appoint a lead." not in everything.output


def test_library_show_help_example_works_after_init(sqlite_url):
    help_text = run("library", "show", "--help").output
    assert "A001" not in help_text and "drafter library show S001" in help_text
    assert run("library", "init", "--db", sqlite_url).exit_code == 0
    shown = run("library", "show", "S001", "--json", "--db", sqlite_url)
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["external_id"] == "S001"


@pytest.mark.parametrize(
    "bad_rows, fragment, hint",
    [
        (1, "1 invalid row in", "Correct it, or use --skip-invalid"),
        (2, "2 invalid rows in", "Correct them, or use --skip-invalid"),
    ],
)
def test_import_refusal_counts_invalid_rows_in_good_english(
    tmp_path, sqlite_url, bad_rows, fragment, hint
):
    rows = ["id,action,date", "K1,Hold a weekly huddle.,2024-01-05"]
    rows += [f"K{n + 2},Do something.,not a date" for n in range(bad_rows)]
    path = write(tmp_path / "actions.csv", "\n".join(rows) + "\n")
    result = run("library", "import", str(path), "--db", sqlite_url)
    assert_one_line_error(result, fragment, hint)
    skipped = run("library", "import", str(path), "--skip-invalid", "--db", sqlite_url)
    assert skipped.exit_code == 0
    assert f"Skipped {bad_rows} invalid row{'s' if bad_rows > 1 else ''}:" in skipped.stderr


# --- bringing the starter library up to date ---------------------------------------


def _library_from_an_earlier_drafter(url: str) -> tuple[Library, int, int, int]:
    """A library as an older drafter left it: most of today's starter actions,
    two starter actions this version no longer ships, one of today's retired by
    someone, and an action of the region's own. Returns the library and the ids
    of the old starter action, the retired one and the region's own."""
    from drafter.library.transfer import ImportRecord, import_records

    library = Library(url, auto_starter=False)
    shipped = read_starter_records()
    import_records(
        library, shipped[5:], source_kind="starter", source_ref="drafter starter library"
    )
    old = [
        ImportRecord(
            row=i,
            external_id=f"S90{i}",
            action=f"Practitioners will attend a workshop on topic number {i}.",
            recommendation="improve practice",
            unit=None,
            region=None,
            committed_on=None,
            owner=None,
            due=None,
            tags=("training_development",),
            extra={},
        )
        for i in (1, 2)
    ]
    import_records(library, old, source_kind="starter", source_ref="drafter starter library")
    own = library.add_action("The PDU will run evening reporting on Thursdays.", unit="Ashvale PDU")
    by_external = {a.external_id: a for a in library.actions(status=None)}
    retired = by_external[shipped[6].external_id]
    library.retire(retired.id)
    return library, by_external["S901"].id, retired.id, own.id


def test_update_starter_adds_the_new_retires_the_old_and_leaves_the_rest(sqlite_url):
    library, old_id, retired_id, own_id = _library_from_an_earlier_drafter(sqlite_url)
    shipped = len(read_starter_records())
    before = library.count(status=None)

    planned = library.update_starter(dry_run=True)
    assert (planned.added, planned.already_there, planned.retired) == (5, shipped - 5, 2)
    assert library.count(status=None) == before  # a dry run changes nothing

    done = library.update_starter()
    assert done == planned
    assert library.count(status=None) == before + 5  # nothing deleted
    assert library.get(old_id).status == "retired"
    assert library.get(retired_id).status == "retired"  # someone's decision stands
    assert library.get(own_id).status == "active"
    assert library.count("active") == shipped - 1 + 1  # today's starter, less one retired, + own

    again = library.update_starter()
    assert (again.added, again.retired) == (0, 0)


def test_cli_update_starter_dry_run_then_update(sqlite_url):
    _library_from_an_earlier_drafter(sqlite_url)
    dry = run("library", "init", "--update", "--dry-run", "--db", sqlite_url)
    assert dry.exit_code == 0, dry.output
    assert "would be brought up to date: 5 actions would be added" in dry.output
    assert "2 actions of an earlier version would be retired" in dry.output
    assert "Nothing was changed" in dry.output
    done = run("library", "init", "--update", "--json", "--db", sqlite_url)
    assert done.exit_code == 0, done.output
    assert json.loads(done.output) == {
        "dry_run": False,
        "added": 5,
        "already_there": len(read_starter_records()) - 5,
        "retired": 2,
    }
    again = run("library", "init", "--update", "--db", sqlite_url)
    assert again.exit_code == 0 and "The starter actions are up to date" in again.output


def test_init_on_a_full_library_points_to_update(sqlite_url):
    assert run("library", "init", "--db", sqlite_url).exit_code == 0
    assert_one_line_error(run("library", "init", "--db", sqlite_url), "already holds", "--update")


def test_dry_run_without_update_is_a_usage_error(sqlite_url):
    result = run("library", "init", "--dry-run", "--db", sqlite_url)
    assert result.exit_code == 2
    assert "--dry-run and --json go with --update" in result.output
    assert "Traceback" not in result.output
