"""A sentence saying whether a recommendation is agreed ("Recommendation 2 is
not agreed.") names that recommendation only: it must not become the heading
of every action bullet after it."""

from __future__ import annotations

import docx

from drafter.archive import read_sent_letter
from drafter.archive.store import archive_letter, get_letter
from drafter.library.store import Library

OPENING = (
    "Dana Whitcombe\nChief Inspector\n\n12 March 2026\n\nDear Dana,\n\n"
    "Thank you for the report on the inspection of Brackenfold PDU, where you made "
    "three recommendations.\n\n"
)
CLOSING = "Kind regards\n\nLewis Ambrose\nArea Executive Director\n"


def _write(tmp_path, body: str):
    path = tmp_path / "letter.txt"
    path.write_text(OPENING + body + CLOSING, encoding="utf-8")
    return path


def test_a_partly_agreed_line_covers_the_bullets_up_to_the_next_marker(tmp_path):
    letter = _write(
        tmp_path,
        "Recommendation 2 is partly agreed.\n\n"
        "- Duty rotas will be checked weekly by the senior officer on shift\n\n"
        "- Weekend cover will be reviewed once the new team is in post\n\n"
        "- Recommendation 1: every new case will have a home visit within ten days\n\n"
        "- Visits will be logged on the case record the same day\n\n"
        "- Recommendation 3 (agreed): a training day on record keeping will run in June\n\n",
    )
    parsed = read_sent_letter(letter)
    assert [(a.recommendation_numbers, a.agreement) for a in parsed.actions] == [
        ((2,), "Partly agreed"),
        ((2,), "Partly agreed"),
        ((1,), None),
        ((1,), None),
        ((3,), "Agreed"),
    ]
    # The marker is the bullet's heading, not part of the action.
    assert parsed.actions[2].text == "every new case will have a home visit within ten days"
    assert parsed.actions[4].text == "a training day on record keeping will run in June"


def test_a_not_agreed_sentence_before_the_other_recommendations_names_none_of_them(tmp_path):
    letter = _write(
        tmp_path,
        "I can confirm that all have been considered. Recommendation 2 is not agreed because "
        "the building is leased by another body. The head of the PDU will make sure the other "
        "two recommendations are acted on. This will include the following.\n\n"
        "- A caseload review panel will meet every month from April 2026\n\n"
        "- Managers will sample five supervision records each quarter\n\n",
    )
    parsed = read_sent_letter(letter)
    assert [(a.recommendation_numbers, a.agreement) for a in parsed.actions] == [
        ((), None),
        ((), None),
    ]


def test_headings_typed_as_list_items_in_word_are_headings_not_actions(tmp_path):
    document = docx.Document()
    for line in OPENING.strip().split("\n\n"):
        document.add_paragraph(line)
    document.add_paragraph("We respond to each recommendation below.")
    for text, style in [
        ("Recommendation 2 is not agreed.", "List Bullet"),
        ("Funding for the new post has been refused by the region", "List Bullet 2"),
        ("Recommendation 1 is agreed.", "List Bullet"),
        ("Each practitioner will have monthly reflective supervision", "List Bullet 2"),
        ("Recommendation 3 is partly agreed.", "List Bullet"),
        ("The referral form will be shortened by September 2026", "List Bullet 2"),
    ]:
        document.add_paragraph(text, style=style)
    for line in CLOSING.strip().split("\n\n"):
        document.add_paragraph(line)
    path = tmp_path / "letter.docx"
    document.save(path)
    parsed = read_sent_letter(path)
    assert [(a.text, a.recommendation_numbers, a.agreement) for a in parsed.actions] == [
        ("Funding for the new post has been refused by the region", (2,), "Not agreed"),
        ("Each practitioner will have monthly reflective supervision", (1,), "Agreed"),
        ("The referral form will be shortened by September 2026", (3,), "Partly agreed"),
    ]


def test_the_archive_keeps_each_actions_own_agreement(tmp_path, sqlite_url):
    letter = _write(
        tmp_path,
        "Recommendation 3 is partly agreed.\n\n"
        "- The out-of-hours rota will be shared with the police each Friday\n\n"
        "- Recommendation 1: new starters will shadow a senior colleague for two weeks\n\n",
    )
    library = Library(sqlite_url)
    result = archive_letter(letter, library)
    stored = get_letter(library, result.letter.id)
    assert [(a.recommendation_numbers, a.agreement) for a in stored.actions] == [
        ([3], "Partly agreed"),
        ([1], None),
    ]
