"""The letter preview is read back from the very document drafted: the same
paragraphs, bullets, highlighted placeholders and comments."""

from __future__ import annotations

from pathlib import Path

from drafter.core.model import Candidate, LibraryAction, RecommendationMatch
from drafter.letter.document import compose_letter
from drafter.letter.plan import build_plan
from drafter.letter.preview import preview_letter
from drafter.letter.settings import Config, Signatory
from drafter.reading.reader import read_report

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "ashvale_pdu_2025.html"


def plan():
    report = read_report(SAMPLE)
    action = LibraryAction(5, "A named manager will check every new case within ten days.",
                           unit="Elsewhere PDU")  # fmt: skip
    matches = [
        RecommendationMatch(
            r, [Candidate(action, 77.0, "shares 'case'")] if i == 0 else [], no_match=i != 0
        )  # fmt: skip
        for i, r in enumerate(report.recommendations)
    ]
    return build_plan(report, matches)


def test_preview_matches_the_document():
    the_plan = plan()
    preview = preview_letter(the_plan)
    document = compose_letter(the_plan).document
    drafted = [p.text for p in document.paragraphs if p.text.strip()]
    assert [p.text for p in preview.paragraphs if p.text.strip()] == drafted


def test_placeholders_bullets_and_evidence():
    preview = preview_letter(plan())
    bullets = [p for p in preview.paragraphs if p.bullet]
    assert any("A named manager will check every new case" in p.text for p in bullets)
    action = next(p for p in bullets if "A named manager" in p.text)
    assert any("Answers recommendation 1" in c for c in action.comments)
    assert any("77" in c for c in action.comments)
    highlighted = [r.text for p in preview.paragraphs for r in p.runs if r.highlighted]
    assert "[Signatory's name]" in highlighted
    assert preview.placeholder_count == len(highlighted)
    assert any(a.kind == "placeholder" for a in preview.attention)


def test_a_signatory_fills_the_placeholder():
    config = Config(signatories={"East Midlands": Signatory("Robin Example", "AED", "EM")})
    preview = preview_letter(plan(), config)
    text = "\n".join(p.text for p in preview.paragraphs)
    assert "Robin Example" in text and "[Signatory's name]" not in text
