"""Match quality on the shared labelled corpus, against two baselines.

Imports ``../shared/corpus/actions.jsonl`` into a temporary database through
the library API, matches every recommendation in ``recommendations.jsonl`` and
prints, for drafter's matcher and for TF-IDF cosine (scikit-learn) and BM25
(rank_bm25) baselines on the same data:

* precision@1 - the top candidate shares the recommendation's primary theme;
* recall@3 - one of the top three does;
* MRR - mean reciprocal rank of the first candidate that does;
* abstention accuracy - for recommendations whose primary theme no library
  action has, no candidate clears the threshold;
* false abstention - covered recommendations wrongly reported as unmatched;
* P@1* and MRR* - stricter: the action's *primary* theme must be the
  recommendation's primary theme (more room to show learning).

Ranking figures are over recommendations whose primary theme the library
covers. Baselines have no calibrated threshold of their own, so theirs is
chosen with hindsight (the best on this data) - a favour to them.

Learning from reviewers is measured honestly with k-fold cross-validation:
decisions are simulated on k-1 folds (accept the best-ranked candidate sharing
the theme, reject higher-ranked ones that do not) and figures are measured on
the held-out fold only.

Usage: python benchmarks/match_quality.py [--corpus DIR] [--folds K]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from drafter.core import textmatch  # noqa: E402
from drafter.core.model import LibraryAction  # noqa: E402
from drafter.library.store import Decision, Library  # noqa: E402
from drafter.matching import matcher as matching  # noqa: E402
from drafter.matching.matcher import NO_MATCH_THRESHOLD, Matcher  # noqa: E402


@dataclass(frozen=True)
class LabelledRec:
    id: str
    text: str
    primary_theme: str


@dataclass
class Figures:
    precision_at_1: float
    recall_at_3: float
    mrr: float
    abstention: float
    false_abstention: float
    covered: int
    uncovered: int
    strict_precision_at_1: float = 0.0
    strict_mrr: float = 0.0

    def row(self, name: str) -> str:
        return (
            f"{name:<28} {self.precision_at_1:>6.3f} {self.recall_at_3:>6.3f} "
            f"{self.mrr:>6.3f} {self.abstention:>8.3f} {self.false_abstention:>9.3f} "
            f"{self.strict_precision_at_1:>6.3f} {self.strict_mrr:>6.3f}"
        )


HEADER = (
    f"{'':<28} {'P@1':>6} {'R@3':>6} {'MRR':>6} {'abstain':>8} {'false-abs':>9} "
    f"{'P@1*':>6} {'MRR*':>6}"
)


def themes_of(action: LibraryAction) -> set[str]:
    return set(action.extra.get("themes") or []) | {action.extra.get("primary_theme", "")}


def evaluate(
    recs: Sequence[LabelledRec],
    actions: Sequence[LibraryAction],
    score_fn: Callable[[str], np.ndarray],
    threshold: float | None,
) -> tuple[Figures, list[float], list[float]]:
    """Figures for one scorer. Returns the top score of covered and uncovered
    recommendations too, for choosing baseline thresholds."""
    library_themes = set().union(*(themes_of(a) for a in actions))
    hits1 = hits3 = strict_hits1 = 0
    reciprocal = strict_reciprocal = 0.0
    covered_top: list[float] = []
    uncovered_top: list[float] = []
    action_themes = [themes_of(a) for a in actions]
    for rec in recs:
        scores = score_fn(rec.text)
        order = np.argsort(-scores, kind="stable")
        top = float(scores[order[0]])
        if rec.primary_theme not in library_themes:
            uncovered_top.append(top)
            continue
        covered_top.append(top)
        relevant = [rec.primary_theme in action_themes[i] for i in order]
        hits1 += relevant[0]
        hits3 += any(relevant[:3])
        first = next((rank for rank, ok in enumerate(relevant, start=1) if ok), None)
        reciprocal += 1.0 / first if first else 0.0
        strict = [actions[i].extra.get("primary_theme") == rec.primary_theme for i in order]
        strict_hits1 += strict[0]
        first = next((rank for rank, ok in enumerate(strict, start=1) if ok), None)
        strict_reciprocal += 1.0 / first if first else 0.0
    n = max(len(covered_top), 1)
    if threshold is None:
        threshold = best_threshold(covered_top, uncovered_top)
    abstained = sum(t < threshold for t in uncovered_top)
    false_abstentions = sum(t < threshold for t in covered_top)
    figures = Figures(
        precision_at_1=hits1 / n,
        recall_at_3=hits3 / n,
        mrr=reciprocal / n,
        abstention=abstained / max(len(uncovered_top), 1),
        false_abstention=false_abstentions / n,
        covered=len(covered_top),
        uncovered=len(uncovered_top),
        strict_precision_at_1=strict_hits1 / n,
        strict_mrr=strict_reciprocal / n,
    )
    return figures, covered_top, uncovered_top


def best_threshold(covered: list[float], uncovered: list[float]) -> float:
    """The cut that maximises abstention accuracy plus covered-kept accuracy."""
    candidates = sorted(set(covered) | set(uncovered))
    best, best_value = 0.0, -1.0
    for cut in candidates:
        value = np.mean([t < cut for t in uncovered] or [0]) + np.mean([t >= cut for t in covered])
        if value > best_value:
            best, best_value = cut, value
    return best


def tfidf_baseline(actions: Sequence[LibraryAction]) -> Callable[[str], np.ndarray]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = [f"{a.text} {a.recommendation or ''}" for a in actions]
    vectoriser = TfidfVectorizer(stop_words="english", sublinear_tf=True)
    matrix = vectoriser.fit_transform(docs)

    def score(text: str) -> np.ndarray:
        return (matrix @ vectoriser.transform([text]).T).toarray().ravel()

    return score


def bm25_baseline(actions: Sequence[LibraryAction]) -> Callable[[str], np.ndarray]:
    import re

    from rank_bm25 import BM25Okapi
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    def tokens(text: str) -> list[str]:
        return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in ENGLISH_STOP_WORDS]

    model = BM25Okapi([tokens(f"{a.text} {a.recommendation or ''}") for a in actions])
    return lambda text: np.asarray(model.get_scores(tokens(text)), dtype=float)


def simulate_decisions(
    matcher: Matcher, recs: Sequence[LabelledRec], actions: Sequence[LibraryAction]
) -> list[Decision]:
    """What a reviewer would do with the top three suggestions: accept those
    whose main theme is the recommendation's, reject the others."""
    decisions = []
    for rec in recs:
        scores = matcher.scores(rec.text)
        for index in np.argsort(-scores, kind="stable")[:3]:
            action = actions[index]
            fits = action.extra.get("primary_theme") == rec.primary_theme
            decisions.append(Decision(rec.text, action.id, "accepted" if fits else "rejected"))
    return decisions


def cross_validated_feedback(
    recs: Sequence[LabelledRec], actions: Sequence[LibraryAction], folds: int, seed: int = 7
) -> Figures:
    shuffled = list(recs)
    random.Random(seed).shuffle(shuffled)
    base = Matcher(actions)
    covered: list[float] = []
    uncovered: list[float] = []
    totals = dict(p1=0.0, r3=0.0, mrr=0.0, sp1=0.0, smrr=0.0)
    for fold in range(folds):
        held_out = shuffled[fold::folds]
        training = [r for i, r in enumerate(shuffled) if i % folds != fold]
        learned = Matcher(actions, feedback=simulate_decisions(base, training, actions))
        figures, cov, unc = evaluate(held_out, actions, learned.scores, NO_MATCH_THRESHOLD)
        totals["p1"] += figures.precision_at_1 * figures.covered
        totals["r3"] += figures.recall_at_3 * figures.covered
        totals["mrr"] += figures.mrr * figures.covered
        totals["sp1"] += figures.strict_precision_at_1 * figures.covered
        totals["smrr"] += figures.strict_mrr * figures.covered
        covered += cov
        uncovered += unc
    n = max(len(covered), 1)
    return Figures(
        precision_at_1=totals["p1"] / n,
        recall_at_3=totals["r3"] / n,
        mrr=totals["mrr"] / n,
        abstention=float(np.mean([t < NO_MATCH_THRESHOLD for t in uncovered] or [0])),
        false_abstention=float(np.mean([t < NO_MATCH_THRESHOLD for t in covered])),
        covered=len(covered),
        uncovered=len(uncovered),
        strict_precision_at_1=totals["sp1"] / n,
        strict_mrr=totals["smrr"] / n,
    )


# --- how stable is the threshold? -------------------------------------------------


@dataclass
class ThemeHoldout:
    """Top scores when one theme's actions are taken out of the library: the
    recommendations of that theme should now find nothing (uncovered), the
    others should still find something (covered)."""

    theme: str
    covered: list[float]
    uncovered: list[float]


def theme_holdouts(
    recs: Sequence[LabelledRec], actions: Sequence[LibraryAction], make_matcher=Matcher
) -> list[ThemeHoldout]:  # noqa: ANN001
    """Leave one theme out, for every theme the library covers that has
    recommendations: many more 'the library lacks this' cases than the corpus's
    eight, on every theme rather than two."""
    library_themes = set().union(*(themes_of(a) for a in actions))
    holdouts = []
    for theme in sorted({r.primary_theme for r in recs} & library_themes):
        kept = [a for a in actions if theme not in themes_of(a)]
        kept_themes = set().union(*(themes_of(a) for a in kept))
        matcher = make_matcher(kept)
        covered, uncovered = [], []
        for rec in recs:
            top = float(np.max(matcher.scores(rec.text)))
            if rec.primary_theme == theme:
                uncovered.append(top)
            elif rec.primary_theme in kept_themes:
                covered.append(top)
        holdouts.append(ThemeHoldout(theme, covered, uncovered))
    return holdouts


def rates(covered: Sequence[float], uncovered: Sequence[float], cut: float) -> tuple[float, float]:
    """(abstention accuracy, false abstention) at one threshold."""
    return (
        float(np.mean([t < cut for t in uncovered] or [0])),
        float(np.mean([t < cut for t in covered] or [0])),
    )


def print_threshold_stability(recs: Sequence[LabelledRec], actions, folds: int) -> None:  # noqa: ANN001
    """The fixed threshold's figures on held-out themes, and what happens when
    the threshold itself is chosen without the data it is judged on."""
    print("Threshold stability (abstain = unmatched theme correctly left unmatched)")
    print(f"{'':<44} {'abstain':>8} {'false-abs':>9}  thresholds chosen")
    # k-fold over the corpus recommendations, threshold chosen on k-1 folds.
    matcher = Matcher(actions)
    library_themes = set().union(*(themes_of(a) for a in actions))
    tops = [
        (float(np.max(matcher.scores(r.text))), r.primary_theme in library_themes) for r in recs
    ]
    order = list(range(len(recs)))
    random.Random(3).shuffle(order)
    hits = {"abstain": [], "false": []}
    cuts = []
    for fold in range(folds):
        test = {i for n, i in enumerate(order) if n % folds == fold}
        train = [tops[i] for i in order if i not in test]
        cut = best_threshold([t for t, c in train if c], [t for t, c in train if not c])
        cuts.append(cut)
        hits["abstain"] += [tops[i][0] < cut for i in test if not tops[i][1]]
        hits["false"] += [tops[i][0] < cut for i in test if tops[i][1]]
    print(
        f"{f'corpus, {folds}-fold (cut chosen on other folds)':<44} "
        f"{np.mean(hits['abstain']):>8.3f} {np.mean(hits['false']):>9.3f}  "
        f"{min(cuts):.1f}-{max(cuts):.1f}"
    )
    holdouts = theme_holdouts(recs, actions)
    covered = [t for h in holdouts for t in h.covered]
    uncovered = [t for h in holdouts for t in h.uncovered]
    abstain, false = rates(covered, uncovered, NO_MATCH_THRESHOLD)
    print(
        f"{f'leave-one-theme-out, fixed cut {NO_MATCH_THRESHOLD:g}':<44} "
        f"{abstain:>8.3f} {false:>9.3f}  ({len(holdouts)} themes, {len(uncovered)} recs held out)"
    )
    # The cut for each theme is chosen on the other themes only.
    cv_abstain, cv_false, cuts = [], [], []
    for held in holdouts:
        others = [h for h in holdouts if h is not held]
        cut = best_threshold(
            [t for h in others for t in h.covered], [t for h in others for t in h.uncovered]
        )
        cuts.append(cut)
        cv_abstain += [t < cut for t in held.uncovered]
        cv_false += [t < cut for t in held.covered]
    print(
        f"{'leave-one-theme-out, cut chosen on the others':<44} "
        f"{np.mean(cv_abstain):>8.3f} {np.mean(cv_false):>9.3f}  {min(cuts):.1f}-{max(cuts):.1f}"
    )
    worst = sorted(holdouts, key=lambda h: -np.mean([t >= NO_MATCH_THRESHOLD for t in h.uncovered]))
    print(
        "  held-out themes most often still matched: "
        + ", ".join(
            f"{h.theme} {np.mean([t >= NO_MATCH_THRESHOLD for t in h.uncovered]):.2f}"
            for h in worst[:3]
        )
    )


@dataclass(frozen=True)
class Paraphrase:
    text: str
    theme: str
    covered: bool


def load_paraphrases(path: Path, batch: str = "") -> list[Paraphrase]:
    """One batch: "" (the first, whose misses guided the concept lexicon) or
    "holdout_" (written before that, and not used to choose changes)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Paraphrase(item["text"], item["theme"], kind == "covered")
        for kind in ("covered", "uncovered")
        for item in data[batch + kind]
    ]


def print_paraphrase_figures(paraphrases: Sequence[Paraphrase], actions, title: str) -> None:  # noqa: ANN001
    """Recommendations we wrote ourselves: ranking on covered themes against the
    whole library; abstention on the others against the library without any
    action of their theme (court work and unpaid work it lacks anyway)."""
    covered = [LabelledRec(str(i), p.text, p.theme) for i, p in enumerate(paraphrases) if p.covered]
    print(
        f"{title} ({len(covered)} on covered themes, "
        f"{len(paraphrases) - len(covered)} on themes the library lacks)"
    )
    print(HEADER)
    ours, covered_top, _ = evaluate(covered, actions, Matcher(actions).scores, NO_MATCH_THRESHOLD)
    uncovered_top = []
    for theme in sorted({p.theme for p in paraphrases if not p.covered}):
        matcher = Matcher([a for a in actions if theme not in themes_of(a)])
        uncovered_top += [
            float(np.max(matcher.scores(p.text)))
            for p in paraphrases
            if not p.covered and p.theme == theme
        ]
    ours.abstention, _ = rates(covered_top, uncovered_top, NO_MATCH_THRESHOLD)
    print(ours.row("drafter"))
    for name, baseline in (("TF-IDF cosine", tfidf_baseline), ("BM25", bm25_baseline)):
        figures = evaluate(covered, actions, baseline(actions), 0.0)[0]
        print(figures.row(f"{name} (ranking only)"))
    print(
        f"top score, covered: min {min(covered_top):.1f} / median {np.median(covered_top):.1f}; "
        f"lacking: max {max(uncovered_top):.1f} / median {np.median(uncovered_top):.1f}"
    )


ABLATIONS = {
    "without rapidfuzz re-scoring": (matching, "FUZZY_SHARE", 0.0),
    "without concept terms": (matching, "CONCEPT_WEIGHT", 0.0),
    "without phrase terms": (matching, "PHRASE_WEIGHT", 0.0),
    "without the answered rec.": (matching, "RECOMMENDATION_SHARE", 0.0),
    "without unseen-concept cut": (matching, "UNSEEN_CONCEPT_FACTOR", 1.0),
    "without concept agreement": (matching, "NO_SHARED_CONCEPT_FACTOR", 1.0),
    "without spelling/abbrev.": (textmatch, "_REWRITES", {}),
}


def ablation_rows(recs: Sequence[LabelledRec], actions: Sequence[LibraryAction]) -> None:
    """Each part of the matcher switched off in turn, to show what it adds."""
    for name, (module, attribute, value) in ABLATIONS.items():
        original = getattr(module, attribute)
        setattr(module, attribute, value)
        try:
            figures = evaluate(recs, actions, Matcher(actions).scores, NO_MATCH_THRESHOLD)[0]
        finally:
            setattr(module, attribute, original)
        print(figures.row(name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO / ".." / "shared" / "corpus")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--paraphrases", type=Path, default=Path(__file__).with_name("paraphrases.yaml")
    )
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    recs = [
        LabelledRec(d["id"], d["text"], d["primary_theme"])
        for d in map(json.loads, (args.corpus / "recommendations.jsonl").open(encoding="utf-8"))
    ]
    with tempfile.TemporaryDirectory() as folder:
        library = Library(f"sqlite:///{folder}/bench.db", auto_starter=False)
        result = library.import_file(str(args.corpus / "actions.jsonl"))
        actions = library.actions()
        started = time.perf_counter()
        matcher = Matcher(actions, feedback=library.feedback())
        built = time.perf_counter() - started
        library.db.dispose()
    print(
        f"{result.added} actions imported; {len(recs)} recommendations; threshold "
        f"{NO_MATCH_THRESHOLD:g}; matcher built in {built * 1000:.0f} ms"
    )
    ours, covered_top, uncovered_top = evaluate(recs, actions, matcher.scores, NO_MATCH_THRESHOLD)
    tfidf, _, _ = evaluate(recs, actions, tfidf_baseline(actions), None)
    bm25, _, _ = evaluate(recs, actions, bm25_baseline(actions), None)
    print(f"{ours.covered} recommendations with a covered theme, {ours.uncovered} without")
    print(HEADER)
    print(ours.row("drafter"))
    print(tfidf.row("TF-IDF cosine (best cut)"))
    print(bm25.row("BM25 (best cut)"))
    print()
    print(f"Learning from reviewers ({args.folds}-fold: decisions on the other folds)")
    print(HEADER)
    print(ours.row("drafter, no feedback"))
    print(cross_validated_feedback(recs, actions, args.folds).row("drafter, with feedback"))
    # Upper bound, not a generalisation figure: the same recommendations again.
    again = Matcher(actions, feedback=simulate_decisions(matcher, recs, actions))
    print(
        evaluate(recs, actions, again.scores, NO_MATCH_THRESHOLD)[0].row("same recs again (bound)")
    )
    print()
    print_threshold_stability(recs, actions, args.folds)
    print()
    print_paraphrase_figures(
        load_paraphrases(args.paraphrases), actions, "Own paraphrases, batch 1"
    )
    print()
    print_paraphrase_figures(
        load_paraphrases(args.paraphrases, "holdout_"),
        actions,
        "Own paraphrases, batch 2 (written before the lexicon was extended, not tuned on)",
    )
    print()
    print("What each part adds (each switched off in turn, same threshold)")
    print(HEADER)
    print(ours.row("drafter"))
    ablation_rows(recs, actions)
    print()
    low, median = float(np.percentile(covered_top, 10)), float(np.median(covered_top))
    print(
        f"top score, covered: min {min(covered_top):.1f} / 10th pct {low:.1f} / median "
        f"{median:.1f}; uncovered: max {max(uncovered_top):.1f} / median "
        f"{float(np.median(uncovered_top)):.1f}"
    )
    if args.show_misses:
        library_themes = set().union(*(themes_of(a) for a in actions))
        for rec in recs:
            scores = matcher.scores(rec.text)
            best = int(np.argmax(scores))
            if rec.primary_theme in library_themes and rec.primary_theme not in themes_of(
                actions[best]
            ):
                print(
                    f"MISS {rec.id} ({rec.primary_theme}) -> {actions[best].external_id} "
                    f"{sorted(themes_of(actions[best]))} {scores[best]:.1f}"
                )
            elif rec.primary_theme not in library_themes and scores[best] >= NO_MATCH_THRESHOLD:
                print(f"NOT ABSTAINED {rec.id} ({rec.primary_theme}) {scores[best]:.1f}")


if __name__ == "__main__":
    main()
