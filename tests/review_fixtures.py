"""Reports, matches and a fake library shared by the review tests (the
library side in tests/review, the terminal dialogue in tests/cli). Written
for these tests; nothing is copied from the corpus."""

from __future__ import annotations

from drafter.core.errors import LibraryError
from drafter.core.model import Candidate, LibraryAction, RecommendationMatch, Report

TEXTS = [
    "make sure home visits happen for every case with children in the household",
    "improve the quality of management oversight of risk assessments",
    "agree a shared protocol with the council for safeguarding information",
]
ACTIONS = {
    i: LibraryAction(i, text, unit=f"Unit {i} PDU")
    for i, text in {
        11: "Home visits will be completed within ten days for cases with children.",
        12: "A home visit checklist will be added to the case allocation form.",
        13: "Senior managers will sample home visit records every quarter.",
        14: "A domestic abuse practice lead will be appointed.",
        21: "Managers will audit three countersigned assessments a month.",
        22: "Countersigning guidance will be reissued to all managers.",
        31: "A safeguarding information protocol will be agreed with the council.",
    }.items()
}
RANKING = {0: [11, 12, 13, 14], 1: [21, 22], 2: [31]}


def make_report(
    texts: list[str] = TEXTS, sha: str = "1" * 64, unit: str = "Brookmere PDU"
) -> Report:
    return Report.from_dict(
        {
            "kind": "pdu",
            "unit": unit,
            "sha256": sha,
            "recommendations": [
                {"number": i, "addressee": unit, "text": t} for i, t in enumerate(texts, start=1)
            ],
        }
    )


def make_matches(report: Report) -> list[RecommendationMatch]:
    return [
        RecommendationMatch(
            rec,
            [
                Candidate(ACTIONS[a], 90.0 - 10 * k, f"shares reason {a}")
                for k, a in enumerate(RANKING.get(i, []))
            ],
        )
        for i, rec in enumerate(report.recommendations)
    ]


class FakeLibrary:
    def __init__(self) -> None:
        self.decisions: list[tuple[str, int, str, str | None]] = []

    def search(self, query: str, limit: int = 20) -> list[LibraryAction]:
        if not query.split():
            raise LibraryError("Give some words to search for.")
        words = query.casefold().split()
        return [a for a in ACTIONS.values() if all(w in a.text.casefold() for w in words)]

    def record_decision(
        self, recommendation_text: str, action_id: int, verdict: str, report_sha256=None
    ) -> None:
        if action_id not in ACTIONS:
            raise LibraryError(f"There is no action {action_id} in the library.")
        self.decisions.append((recommendation_text, action_id, verdict, report_sha256))

    def verdicts(self) -> list[tuple[int, str]]:
        return [(a, v) for _, a, v, _ in self.decisions]
