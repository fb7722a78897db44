"""Does reviewing with ``drafter review`` improve later suggestions?

End to end through the real review session and database: the labelled
recommendations in ``../shared/corpus/recommendations.jsonl`` are split into
k folds. For each fold, a fresh library (``actions.jsonl``) has the *other*
folds reviewed through :class:`drafter.cli.review_dialogue.ReviewSession` by a scripted
reviewer who knows the right theme -- it accepts the top candidate when it
fits, swaps to a lower one that fits (which rejects those passed over), looks
at more candidates, or marks "no action yet" -- exactly as the keys would be
typed. The held-out fold is then matched with the library's decisions applied
and compared with no decisions at all.

Figures are those of ``benchmarks/match_quality.py`` (P@1, R@3, MRR, and the
strict P@1*/MRR* where the action's primary theme must match).

Usage: python benchmarks/review_learning.py [--corpus DIR] [--folds K]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from match_quality import HEADER, Figures, LabelledRec, evaluate  # noqa: E402

from drafter.cli.review_dialogue import ReviewInterrupted, ReviewSession  # noqa: E402
from drafter.core.model import LibraryAction, Report  # noqa: E402
from drafter.library.store import Library  # noqa: E402
from drafter.matching.matcher import (  # noqa: E402
    NO_MATCH_THRESHOLD,
    Matcher,
    library_matcher,  # noqa: E402
)
from drafter.review.file import build_review  # noqa: E402

PAGE = 3


class OracleTerminal:
    """Types a prepared list of answers; shows nothing."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = deque(answers)

    def show(self, text: str = "") -> None:
        pass

    def ask(self, prompt: str) -> str:
        if not self.answers:
            raise ReviewInterrupted()
        return self.answers.popleft()

    def edit(self, text: str) -> str | None:
        return None


def oracle_answers(ranked: list[LibraryAction], theme: str) -> list[str]:
    """The keys a reviewer who knows the theme would press."""
    for position, action in enumerate(ranked[: 2 * PAGE], start=1):
        if action.extra.get("primary_theme") == theme:
            if position == 1:
                return ["a 1"]
            more = ["s"] if position > PAGE else []
            return [*more, f"s {position}"]
    return ["x"]


def review_fold(library: Library, training: list[LabelledRec], folder: Path) -> dict[str, int]:
    report = Report.from_dict(
        {
            "kind": "pdu",
            "unit": "Benchmark PDU",
            "sha256": "b" * 64,
            "recommendations": [
                {"number": i, "addressee": "Benchmark PDU", "text": rec.text}
                for i, rec in enumerate(training, start=1)
            ],
        }
    )
    matches = library_matcher(library).match(report.recommendations, top=12)
    answers: list[str] = []
    for rec, match in zip(training, matches, strict=True):
        answers += oracle_answers([c.action for c in match.candidates], rec.primary_theme)
    review = build_review(report, matches)
    session = ReviewSession(
        review, folder / "bench.review.yaml", matches, library, OracleTerminal(answers)
    )
    result = session.run()
    counts = {"accepted": 0, "rejected": 0}
    for decision in library.feedback():
        counts[decision.verdict] += 1
    counts["decided"] = result.summary.decided
    counts["no_action"] = result.summary.no_action
    return counts


def weighted(parts: list[Figures]) -> Figures:
    n = max(sum(p.covered for p in parts), 1)

    def mean(name: str) -> float:
        return sum(getattr(p, name) * p.covered for p in parts) / n

    return Figures(
        precision_at_1=mean("precision_at_1"),
        recall_at_3=mean("recall_at_3"),
        mrr=mean("mrr"),
        abstention=sum(p.abstention * p.uncovered for p in parts)
        / max(sum(p.uncovered for p in parts), 1),
        false_abstention=mean("false_abstention"),
        covered=sum(p.covered for p in parts),
        uncovered=sum(p.uncovered for p in parts),
        strict_precision_at_1=mean("strict_precision_at_1"),
        strict_mrr=mean("strict_mrr"),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO / ".." / "shared" / "corpus")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    recs = [
        LabelledRec(d["id"], d["text"], d["primary_theme"])
        for d in map(json.loads, (args.corpus / "recommendations.jsonl").open(encoding="utf-8"))
    ]
    shuffled = list(recs)
    random.Random(7).shuffle(shuffled)
    before: list[Figures] = []
    after: list[Figures] = []
    totals = {"accepted": 0, "rejected": 0, "decided": 0, "no_action": 0}
    reviewed = 0
    session_seconds = 0.0
    for fold in range(args.folds):
        held_out = shuffled[fold :: args.folds]
        training = [r for i, r in enumerate(shuffled) if i % args.folds != fold]
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            library = Library(f"sqlite:///{folder}/bench.db", auto_starter=False)
            library.import_file(str(args.corpus / "actions.jsonl"))
            actions = library.actions()
            before.append(
                evaluate(held_out, actions, Matcher(actions).scores, NO_MATCH_THRESHOLD)[0]
            )
            started = time.perf_counter()
            counts = review_fold(library, training, folder)
            session_seconds += time.perf_counter() - started
            reviewed += len(training)
            for key in totals:
                totals[key] += counts[key]
            learned = library_matcher(library)
            after.append(evaluate(held_out, actions, learned.scores, NO_MATCH_THRESHOLD)[0])
            library.db.dispose()
    print(
        f"{len(recs)} recommendations, {args.folds} folds; per fold the other folds were "
        "reviewed with drafter review's session by a scripted reviewer."
    )
    print(
        f"Reviewed {reviewed} recommendations: {totals['decided']} decided, "
        f"{totals['no_action']} no action yet; recorded {totals['accepted']} accepted and "
        f"{totals['rejected']} rejected; {1000 * session_seconds / max(reviewed, 1):.1f} ms "
        "per recommendation (matching, saving the file, recording)."
    )
    print(HEADER)
    print(weighted(before).row("held-out, no reviews"))
    print(weighted(after).row("held-out, after reviews"))


if __name__ == "__main__":
    main()
