"""People named bare in an action ("Ioan Griffiths will lead …") are found, so
a reused action never brings another unit's people into a new letter
unmarked, while job titles and named things in capitals are not taken for
people."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drafter.core.names import carried_over_names, find_people


def people(text: str) -> list[str]:
    return [
        n.text
        for n in carried_over_names(
            text, source_unit="Wrexham PDU", new_unit="Cardiff PDU", new_region="Wales"
        )
        if n.kind == "person"
    ]


@pytest.mark.parametrize(
    "text, names",
    [
        ("Ioan Griffiths will lead the weekly allocation meeting.", ["Ioan Griffiths"]),
        ("Missed appointments will be followed up by Fatima Rahman.", ["Fatima Rahman"]),
        ("The panel, chaired by Ann Lee, meets every fortnight.", ["Ann Lee"]),
        (
            "Early help referrals go to Declan Byrne and Joanne McGrath.",
            ["Declan Byrne", "Joanne McGrath"],
        ),
        ("Cases are sampled by Helen Price-Davies's team.", ["Helen Price-Davies"]),
        ("Olive Agyeman will chase outstanding police checks.", ["Olive Agyeman"]),
        ("Zoë Pryce has agreed to mentor two new officers.", ["Zoë Pryce"]),
        (
            "Ask for Ann Lee. Thomas Okoro will cover her leave.",
            ["Ann Lee", "Thomas Okoro"],
        ),
        ("Paul J. Haddon will audit the files.", ["Paul J. Haddon"]),
    ],
)
def test_bare_names_are_found(text, names):
    assert people(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "A Senior Probation Officer will countersign each plan.",
        "Head of Service approval is needed for every transfer.",
        "Approved Premises staff will attend the weekly meeting.",
        "Referrals to Rose Court will be screened within two days.",
        "Sessions move to the Hope Street centre in May.",
        "The Lewis Review will be discussed at the next board.",
        "Monday Morning Briefings will cover every new high risk case.",
        "Mark Every Visit on the case record the same day.",
        "Will Probation Practitioners have time to attend the training?",
        "Thinking Skills and Building Better Relationships places will double.",
    ],
)
def test_titles_and_named_things_are_not_people(text):
    assert people(text) == []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_finding_people_never_fails_on_any_text(text):
    for name in find_people(text, known=["Ann Lee"]):
        assert text[name.start : name.end] == name.text
        assert name.kind == "person"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["Grace", "Ann", "Lee", "Court", "Head", "of", "Service", "will", "by", "O'Neil", "'s"]
            + [",", ".", "Mc", "J.", "Siân", "-", "PDU", "Hope", "Street", "\n", "  "]
        ),
        max_size=30,
    )
)
def test_finding_people_never_fails_on_name_like_words(words):
    text = " ".join(words)
    for name in find_people(text):
        assert text[name.start : name.end] == name.text
