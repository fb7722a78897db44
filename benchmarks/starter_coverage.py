"""How well drafter's starter library alone answers recommendations it never saw.

Loads only the starter library (drafter/data/starter_library.yaml) into a
temporary database and matches the independent recommendation sets in
tests/fixtures/ (written in drafter's own words, not taken from the corpus,
each labelled with theme ids, primary first). The first four sets were used
while the library was written; the fifth was written after its last change
and is the clean held-out figure. For each set, and all together, it prints:

* answered - share of recommendations with a suggestion above the no-match line;
* right theme first - share whose first suggestion above the line carries the
  recommendation's primary theme among its tags (no suggestion counts as wrong);
* right theme first, any score - the same for the best-scored action whatever
  its score (how good the ranking is, apart from the line);
* the seed report's recommendations (../shared/seeds), with the top suggestion.

With --misses it lists each recommendation that was not answered or whose
first suggestion has another theme.

Usage: python benchmarks/starter_coverage.py [--misses] [FILE.yaml ...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from drafter.library.store import Library  # noqa: E402
from drafter.matching.matcher import library_matcher  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures"
DEFAULT_SETS = (
    FIXTURES / "independent_recommendations.yaml",
    FIXTURES / "independent_recommendations_second.yaml",
    FIXTURES / "independent_recommendations_third.yaml",
    FIXTURES / "independent_recommendations_fourth.yaml",
    FIXTURES / "independent_recommendations_fifth.yaml",
)
SEED_REPORT = (
    REPO.parent / "shared" / "seeds" / "inspection_report_redcar_cleveland_middlesbrough_2025.txt"
)


def load_set(path: Path) -> list[tuple[str, list[str]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(item["text"], list(item["themes"])) for item in data["recommendations"]]


def measure(matcher, items: list[tuple[str, list[str]]]) -> dict:  # noqa: ANN001
    results = matcher.match([text for text, _ in items], top=3)
    answered = right = right_any = 0
    misses = []
    for (text, themes), result in zip(items, results, strict=True):
        primary = themes[0]
        top = result.candidates[0] if result.candidates else None
        if top is not None:
            answered += 1
            if primary in top.action.tags:
                right += 1
        best = int(np.argmax(matcher.scores(text)))
        if primary in matcher.actions[best].tags:
            right_any += 1
        if top is None or primary not in top.action.tags:
            shown = (
                f"{top.action.external_id} {top.score:.0f} {list(top.action.tags)}"
                if top
                else f"no match (best {matcher.actions[best].external_id})"
            )
            misses.append(f"  [{primary}] {text[:90]}\n      -> {shown}")
    n = len(items)
    return {
        "n": n,
        "answered": answered / n,
        "right_first": right / n,
        "right_any": right_any / n,
        "misses": misses,
    }


def report_line(name: str, figures: dict, misses: bool) -> None:
    print(
        f"{name:42} {figures['n']:>4} {figures['answered']:>9.3f} "
        f"{figures['right_first']:>12.3f} {figures['right_any']:>10.3f}"
    )
    if misses and figures["misses"]:
        print("\n".join(figures["misses"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--misses", action="store_true", help="list what was missed")
    args = parser.parse_args()
    files = args.files or [p for p in DEFAULT_SETS if p.exists()]
    with tempfile.TemporaryDirectory() as folder:
        library = Library(f"sqlite:///{folder}/starter.db", auto_starter=False)
        size = library.load_starter()
        matcher = library_matcher(library)
        themes = {t for a in matcher.actions for t in a.tags}
        print(f"starter library: {size} actions, {len(themes)} themes")
        print(f"{'set':42} {'n':>4} {'answered':>9} {'right first':>12} {'any score':>10}")
        pooled = []
        for path in files:
            items = load_set(path)
            pooled += items
            report_line(path.name, measure(matcher, items), args.misses)
        if len(files) > 1:
            report_line("all sets together", measure(matcher, pooled), misses=False)
        if SEED_REPORT.exists():
            from drafter.reading.reader import read_report

            report = read_report(SEED_REPORT)
            print("seed report:")
            for result in matcher.match(report.recommendations, top=1):
                top = result.candidates[0] if result.candidates else None
                shown = (
                    f"{top.action.external_id} score {top.score:.0f} {list(top.action.tags)}"
                    if top
                    else "no good match"
                )
                rec = result.recommendation
                print(f"  {rec.number}. {rec.text[:70]}… -> {shown}")
                if top:
                    print(f"      {top.action.text}")


if __name__ == "__main__":
    main()
