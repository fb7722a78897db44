"""Match quality and the no-match line, against two baselines.

Imports ``../shared/corpus/actions.jsonl`` into a temporary database through
the library API and prints, for drafter's matcher and for TF-IDF cosine
(scikit-learn) and BM25 (rank_bm25) on the same data:

* precision@1 - the top candidate answers the recommendation (for corpus and
  paraphrases: shares its primary theme; for the fresh set: is one of the
  actions listed for it). In the calibration tables an abstention counts as a
  miss;
* recall@3 and MRR - ranking, weak suggestions (below the line) included;
* abstention accuracy - recommendations nothing in the library answers are
  reported as unmatched;
* false abstention - recommendations something answers reported as unmatched;
* P@1* and MRR* (first tables) - the action's *primary* theme must be the
  recommendation's.

The no-match line is calibrated on many out-of-library recommendations, not
the corpus's eight: each theme's actions are taken out of the library in turn
(its recommendations must then find nothing), our own paraphrases
(``paraphrases.yaml``, two batches) and fresh recommendations written in other
words with the actions that would answer each (``fresh_recommendations.yaml``).
The script prints the whole trade-off curve (abstention against false
abstention), the line chosen on all of it, and the line chosen by
cross-validation (leaving out one theme, one kind of material, or one corpus
report at a time) judged on what was left out. Baselines have no line of
their own, so theirs is the best cut on the same data with hindsight - a
favour to them.

Learning from reviewers is measured with k-fold cross-validation: decisions
are simulated on k-1 folds (accept the best-ranked candidate sharing the
theme, reject higher-ranked ones that do not) and figures are measured on the
held-out fold only.

Usage: python benchmarks/match_quality.py [--corpus DIR] [--folds K] [--fresh FILE]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from drafter.core import textmatch  # noqa: E402
from drafter.core.model import LibraryAction  # noqa: E402
from drafter.core.packaged import packaged  # noqa: E402
from drafter.library.store import Decision, Library  # noqa: E402
from drafter.matching import latent  # noqa: E402
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


@dataclass(frozen=True)
class Paraphrase:
    text: str
    theme: str
    covered: bool
    batch: str = ""


def load_paraphrases(path: Path, batch: str = "") -> list[Paraphrase]:
    """One batch: "" (the first, whose misses guided the concept lexicon) or
    "holdout_" (written before that, and not used to choose changes)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Paraphrase(item["text"], item["theme"], kind == "covered", batch)
        for kind in ("covered", "uncovered")
        for item in data[batch + kind]
    ]


# --- calibrating the no-match line on many negatives ------------------------------
#
# The corpus has only eight recommendations the library cannot answer. Many
# more come from folds: leave one theme out (its actions leave the library, so
# its recommendations must find nothing), our own paraphrases (two batches),
# and fresh recommendations written for this benchmark with the actions that
# would answer each (benchmarks/fresh_recommendations.yaml). Every fold gives
# one Outcome per recommendation; the line is chosen on some folds and judged
# on others.


@dataclass(frozen=True)
class Outcome:
    """One recommendation matched against one library."""

    source: str  # which material: "corpus", "corpus-loto", "paraphrases", ...
    group: str  # report, theme or batch the recommendation belongs to
    theme: str
    covered: bool  # the library holds an action that answers it
    top: float  # best score (raw evidence for drafter)
    rank: int | None  # rank of the first right action, weak suggestions included
    second: float = 0.0  # next best score
    coverage: float = 0.0  # key terms of the recommendation the best action uses
    unseen: float = 0.0  # weight of the recommendation on terms the library lacks


@dataclass(frozen=True)
class FreshRec:
    text: str
    theme: str
    fits: tuple[str, ...]
    #: For out-of-library recommendations in the later blind sets: "far" (a
    #: topic no action touches) or "near" (beside a theme the library answers).
    kind: str = ""


def load_fresh(path: Path) -> list[FreshRec]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        FreshRec(item["text"], item["theme"], tuple(item.get("fits") or ()), item.get("kind", ""))
        for item in data["recommendations"]
    ]


def raw_evidence(shown: np.ndarray) -> np.ndarray:
    """Shown scores back on the raw evidence scale (the stretch is monotone)."""
    return np.interp(shown, matching.SHOWN_ANCHORS, matching.RAW_ANCHORS)


class DrafterScorer:
    """drafter's raw evidence for every action, and the other evidence the
    benchmark tries beside it for the best action."""

    def __init__(
        self, actions: Sequence[LibraryAction], space: latent.LatentSpace | None = None
    ) -> None:
        self.matcher = Matcher(actions, latent_space=space)
        self._action_terms: dict[int, set[str]] = {}

    def __call__(self, text: str) -> np.ndarray:
        return raw_evidence(self.matcher.scores(text))

    def evidence(self, text: str, index: int) -> tuple[float, float]:
        """(share of the recommendation's key terms, weighted by rarity, that
        the action or the recommendation it answered also uses; share of the
        recommendation's weight on terms the library never uses)."""
        m = self.matcher
        found = textmatch.terms(text)

        def idf_of(term: str) -> float:
            term_id = m._vocab.get(term)
            return float(m._idf[term_id]) if term_id is not None else m._unseen_idf

        if index not in self._action_terms:
            action = m.actions[index]
            theirs = textmatch.terms(f"{action.text} {action.recommendation or ''}")
            self._action_terms[index] = set(theirs.words) | set(theirs.concepts)
        keys = set(found.words) | set(found.concepts)
        total = sum(idf_of(t) for t in keys) or 1.0
        coverage = sum(idf_of(t) for t in keys if t in self._action_terms[index]) / total
        weights = m._weighted(found, idf_of)
        unseen = sum(w * w for t, w in weights.items() if t not in m._vocab)
        return coverage, unseen


def drafter_scorer(actions: Sequence[LibraryAction]) -> DrafterScorer:
    return DrafterScorer(actions)


def outcome(
    scorer: Callable[[str], np.ndarray],
    text: str,
    relevant: Sequence[bool],
    *,
    source: str,
    group: str,
    theme: str,
    covered: bool,
) -> Outcome:
    scores = scorer(text)
    order = np.argsort(-scores, kind="stable")
    rank = next((r for r, i in enumerate(order, start=1) if relevant[i]), None)
    evidence = getattr(scorer, "evidence", None)
    coverage, unseen = evidence(text, int(order[0])) if evidence and len(order) else (0.0, 0.0)
    return Outcome(
        source,
        group,
        theme,
        covered,
        float(scores[order[0]]) if len(order) else 0.0,
        rank,
        float(scores[order[1]]) if len(order) > 1 else 0.0,
        coverage,
        unseen,
    )


@dataclass
class Material:
    recs: list[dict]
    actions: list[LibraryAction]
    paraphrases: list[Paraphrase]
    fresh: list[FreshRec]
    #: A library and recommendations both written apart from the corpus
    #: (benchmarks/fresh_library.yaml and fresh_recommendations_2.yaml).
    independent_actions: list[LibraryAction] = field(default_factory=list)
    independent: list[FreshRec] = field(default_factory=list)


def load_independent_library(path: Path) -> list[LibraryAction]:
    """The independent library as records (themes as tags, primary first)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        LibraryAction(
            id=number,
            text=item["action"],
            recommendation=item.get("recommendation"),
            unit=item.get("unit", ""),
            external_id=item["id"],
            tags=list(item.get("themes", [])),
        )
        for number, item in enumerate(data["actions"], start=1)
    ]


def collect_outcomes(material: Material, make_scorer) -> list[Outcome]:  # noqa: ANN001
    """Every fold's outcomes for one scorer (drafter, TF-IDF or BM25)."""
    actions = material.actions
    themes = [themes_of(a) for a in actions]
    library_themes = set().union(*themes)
    full = make_scorer(actions)
    found: list[Outcome] = []
    # Leave one report out: the whole library; a report's recommendations are
    # one group (the line for them is chosen on the other reports).
    for rec in material.recs:
        found.append(
            outcome(
                full,
                rec["text"],
                [rec["primary_theme"] in t for t in themes],
                source="corpus",
                group=rec["source"],
                theme=rec["primary_theme"],
                covered=rec["primary_theme"] in library_themes,
            )
        )
    # Leave one theme out, on the corpus, the paraphrases and the fresh set.
    paraphrase_themes = {p.theme for p in material.paraphrases}
    fresh_themes = {f.theme for f in material.fresh if f.fits}
    corpus_themes = {r["primary_theme"] for r in material.recs}
    for theme in sorted((corpus_themes | paraphrase_themes | fresh_themes) & library_themes):
        kept = [a for a, t in zip(actions, themes, strict=True) if theme not in t]
        kept_themes = [themes_of(a) for a in kept]
        kept_union = set().union(*kept_themes)
        scorer = make_scorer(kept)
        for rec in material.recs:
            primary = rec["primary_theme"]
            if primary == theme or primary in kept_union:
                found.append(
                    outcome(
                        scorer,
                        rec["text"],
                        [primary in t for t in kept_themes],
                        source="corpus-loto",
                        group=theme,
                        theme=primary,
                        covered=primary != theme,
                    )
                )
        for p in material.paraphrases:
            if p.theme == theme:
                # Covered paraphrases of this theme become out-of-library;
                # uncovered ones are scored here (their theme is removed).
                found.append(
                    outcome(
                        scorer,
                        p.text,
                        [False] * len(kept),
                        source="paraphrases",
                        group=p.batch or "batch 1",
                        theme=p.theme,
                        covered=False,
                    )
                )
        found += left_with_nothing(scorer, material.fresh, kept, theme, "fresh-loto", "fresh")
    for p in material.paraphrases:
        if p.covered:
            found.append(
                outcome(
                    full,
                    p.text,
                    [p.theme in t for t in themes],
                    source="paraphrases",
                    group=p.batch or "batch 1",
                    theme=p.theme,
                    covered=True,
                )
            )
        elif p.theme not in library_themes:  # court and unpaid work: the whole library
            found.append(
                outcome(
                    full,
                    p.text,
                    [False] * len(actions),
                    source="paraphrases",
                    group=p.batch or "batch 1",
                    theme=p.theme,
                    covered=False,
                )
            )
    ids = [a.external_id for a in actions]
    for f in material.fresh:
        found.append(
            outcome(
                full,
                f.text,
                [i in f.fits for i in ids],
                source="fresh",
                group="fresh",
                theme=f.theme,
                covered=bool(f.fits),
            )
        )
    found += independent_outcomes(material, make_scorer)
    return found


def independent_outcomes(material: Material, make_scorer) -> list[Outcome]:  # noqa: ANN001
    """The independent library: every recommendation against the whole of it
    (right = a listed action), then each theme's actions removed in turn (the
    recommendations left with no listed action become out-of-library)."""
    actions = material.independent_actions
    if not actions:
        return []
    found = whole_library_outcomes(actions, material.independent, make_scorer, "independent")
    for theme in sorted({a.tags[0] for a in actions if a.tags}):
        kept = [a for a in actions if not a.tags or a.tags[0] != theme]
        found += left_with_nothing(
            make_scorer(kept), material.independent, kept, theme, "independent-loto", "independent"
        )
    return found


def whole_library_outcomes(
    actions: Sequence[LibraryAction],
    recs: Sequence[FreshRec],
    make_scorer,  # noqa: ANN001
    source: str,
) -> list[Outcome]:
    """Every recommendation against the whole library (right = a listed action)."""
    scorer = make_scorer(actions)
    ids = [a.external_id for a in actions]
    return [
        outcome(
            scorer,
            f.text,
            [i in f.fits for i in ids],
            source=source,
            group=source,
            theme=f.theme,
            covered=bool(f.fits),
        )
        for f in recs
    ]


def left_with_nothing(
    scorer,  # noqa: ANN001
    recs: Sequence[FreshRec],
    kept: Sequence[LibraryAction],
    theme: str,
    source: str,
    group: str,
) -> list[Outcome]:
    """With ``theme``'s actions removed, the outcomes of that theme's
    recommendations left with no listed action (an answer may sit in another
    theme's actions): out-of-library ones."""
    kept_ids = [a.external_id for a in kept]
    found = []
    for f in recs:
        fits = [i in f.fits for i in kept_ids]
        if f.theme == theme and f.fits and not any(fits):
            found.append(
                outcome(
                    scorer, f.text, fits, source=source, group=group, theme=f.theme, covered=False
                )
            )
    return found


#: Which material each figure is reported on.
SOURCES = (
    "corpus",
    "corpus-loto",
    "paraphrases",
    "fresh",
    "fresh-loto",
    "independent",
    "independent-loto",
)


def family(outcome: Outcome) -> str:
    """corpus, paraphrases or fresh: who wrote the recommendations."""
    return outcome.source.split("-")[0]


def _weights(outcomes: Sequence[Outcome]) -> np.ndarray:
    """Each kind of material weighs the same when a line is chosen, and within
    it the in-library and out-of-library recommendations weigh the same: the
    corpus's 900 leave-one-theme-out outcomes (worded by the library's own
    author) must not drown the recommendations written in other words."""
    counts = Counter((family(o), o.covered) for o in outcomes)
    return np.array([1.0 / counts[(family(o), o.covered)] for o in outcomes])


def auc(inside: Sequence[float], outside: Sequence[float]) -> float:
    if not inside or not outside:
        return float("nan")
    a, b = np.array(inside)[:, None], np.array(outside)[None, :]
    return float((a > b).mean() + 0.5 * (a == b).mean())


def choose_cut(outcomes: Sequence[Outcome], grid: np.ndarray) -> float:
    """The cut maximising abstention plus kept recommendations, each source
    weighing the same; ties go to the middle of the best run of cuts."""
    if not outcomes:
        return float(grid[0])
    top = np.array([o.top for o in outcomes])
    covered = np.array([o.covered for o in outcomes])
    weight = _weights(outcomes)
    below = top[None, :] < grid[:, None]
    value = (below & ~covered) @ weight + (~below & covered) @ weight
    best = np.flatnonzero(value >= value.max() - 1e-9)
    return float(grid[best[len(best) // 2]])


@dataclass
class Rates:
    p1: float
    r3: float
    mrr: float
    abstention: float
    false_abstention: float
    covered: int
    uncovered: int

    def row(self, name: str) -> str:
        def show(value: float, n: int) -> str:
            return f"{value:>6.3f}" if n else f"{'-':>6}"

        return (
            f"{name:<40} {show(self.p1, self.covered)} {show(self.r3, self.covered)} "
            f"{show(self.mrr, self.covered)} {show(self.abstention, self.uncovered):>8} "
            f"{show(self.false_abstention, self.covered):>9} {self.covered:>5} {self.uncovered:>5}"
        )


RATES_HEADER = (
    f"{'':<40} {'P@1':>6} {'R@3':>6} {'MRR':>6} {'abstain':>8} {'false-abs':>9} "
    f"{'in':>5} {'out':>5}"
)


def rates_at(outcomes: Sequence[Outcome], cuts: Callable[[Outcome], float] | float) -> Rates:
    """Figures with abstention at ``cuts`` (one cut, or one per outcome).
    P@1 counts an abstention as a miss; R@3 and MRR include weak suggestions."""
    cut_of = cuts if callable(cuts) else (lambda o: cuts)
    covered = [o for o in outcomes if o.covered]
    uncovered = [o for o in outcomes if not o.covered]
    n = max(len(covered), 1)
    return Rates(
        p1=sum(o.rank == 1 and o.top >= cut_of(o) for o in covered) / n,
        r3=sum(o.rank is not None and o.rank <= 3 for o in covered) / n,
        mrr=sum(1.0 / o.rank for o in covered if o.rank) / n,
        abstention=sum(o.top < cut_of(o) for o in uncovered) / max(len(uncovered), 1),
        false_abstention=sum(o.top < cut_of(o) for o in covered) / n,
        covered=len(covered),
        uncovered=len(uncovered),
    )


def cross_validated_cuts(
    outcomes: Sequence[Outcome], key: Callable[[Outcome], str], grid: np.ndarray
) -> tuple[dict[str, float], Callable[[Outcome], float]]:
    """For each fold (value of ``key``), the cut chosen on every other fold."""
    folds = sorted({key(o) for o in outcomes})
    cuts = {fold: choose_cut([o for o in outcomes if key(o) != fold], grid) for fold in folds}
    return cuts, lambda o: cuts[key(o)]


#: Evidence tried beside the best score, each a function of one outcome.
EVIDENCE: dict[str, Callable[[Outcome], float]] = {
    "best score": lambda o: math.log1p(max(o.top, 0.0)),
    "margin": lambda o: (o.top - o.second) / 10.0,
    "key terms covered": lambda o: o.coverage,
    "unseen share": lambda o: o.unseen,
}


def fit_logistic(x: np.ndarray, y: np.ndarray, weight: np.ndarray, l2: float = 0.01) -> np.ndarray:
    """Weighted, lightly regularised logistic regression by Newton's method."""
    xb = np.c_[np.ones(len(x)), x]
    beta = np.zeros(xb.shape[1])
    penalty = l2 * np.diag([0.0] + [1.0] * (xb.shape[1] - 1))
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-xb @ beta))
        gradient = xb.T @ ((p - y) * weight) / weight.sum() + penalty @ beta
        hessian = (xb * (p * (1 - p) * weight)[:, None]).T @ xb / weight.sum() + penalty
        beta -= np.linalg.solve(hessian, gradient)
    return beta


def print_combinations(drafter: Sequence[Outcome]) -> None:
    """Does other evidence travel better than the best score? Each combination
    is fitted with a theme left out and judged on it (AUC per material)."""
    import itertools

    print("Combined evidence (logistic regression, fitted leaving one theme out), AUC:")
    print(f"  {'evidence':<56} {'corpus':>7} {'paraph.':>7} {'fresh':>7} {'indep.':>7}")
    y = np.array([o.covered for o in drafter], dtype=float)
    weight = _weights(drafter)
    themes = np.array([o.theme for o in drafter])
    names = list(EVIDENCE)
    combos = [("best score",)] + [
        ("best score", *extra) for k in (1, 2, 3) for extra in itertools.combinations(names[1:], k)
    ]
    for combo in combos:
        x = np.array([[EVIDENCE[n](o) for n in combo] for o in drafter])
        z = np.zeros(len(drafter))
        for theme in sorted(set(themes)):
            held = themes == theme
            beta = fit_logistic(x[~held], y[~held], weight[~held])
            z[held] = np.c_[np.ones(int(held.sum())), x[held]] @ beta
        cells = []
        for name in ("corpus", "paraphrases", "fresh", "independent"):
            mine = np.array([family(o) == name for o in drafter])
            cells.append(auc(list(z[mine & (y == 1)]), list(z[mine & (y == 0)])))
        print(f"  {' + '.join(combo):<56} " + " ".join(f"{c:>7.3f}" for c in cells))
    print()


def print_calibration(material: Material, drafter: list[Outcome]) -> float:
    """How the no-match line was chosen: the trade-off curve on each material,
    the line chosen by cross-validation, and how far it moves between folds.
    Returns the line chosen on all the material."""
    grid = np.round(np.arange(8.0, 80.0, 0.2), 1)
    counts = Counter((o.source, o.covered) for o in drafter)
    print("Material for the no-match line (in = an action fits, out = none does):")
    for source in SOURCES:
        print(f"  {source:<12} in {counts[(source, True)]:>4}   out {counts[(source, False)]:>4}")
    print()
    print("Trade-off curve on raw evidence (abstention / false abstention):")
    print(f"{'cut':>5} " + " ".join(f"{s:>13}" for s in (*SOURCES, "all (weighted)")))
    weight = _weights(drafter)
    top = np.array([o.top for o in drafter])
    covered = np.array([o.covered for o in drafter])
    for cut in np.arange(20.0, 64.1, 2.0):
        cells = []
        for source in SOURCES:
            sub = [o for o in drafter if o.source == source]
            r = rates_at(sub, cut)
            cells.append(f"{r.abstention:.2f} / {r.false_abstention:.2f}")
        below = top < cut
        abstain = (below & ~covered) @ weight / (~covered @ weight)
        false = (below & covered) @ weight / (covered @ weight)
        cells.append(f"{abstain:.2f} / {false:.2f}")
        marker = "  <- shipped" if abs(cut - matching.RAW_THRESHOLD) < 0.5 else ""
        print(f"{cut:>5.0f} " + " ".join(f"{c:>13}" for c in cells) + marker)
    print()
    print("Separation (AUC: chance that an answerable recommendation scores above one")
    print("that is not), by the best score alone and by the margin over the second:")
    for name in ("corpus", "paraphrases", "fresh", "independent"):
        sub = [o for o in drafter if family(o) == name]
        inside = [o for o in sub if o.covered]
        outside = [o for o in sub if not o.covered]
        best = auc([o.top for o in inside], [o.top for o in outside])
        margin = auc([o.top - o.second for o in inside], [o.top - o.second for o in outside])
        print(f"  {name:<12} best score {best:.3f}   margin {margin:.3f}")
    print()
    print_combinations(drafter)
    chosen = choose_cut(drafter, grid)
    print(
        f"Line chosen on all the material: raw {chosen:.1f} "
        f"(shipped: raw {matching.RAW_THRESHOLD:g}, shown as {NO_MATCH_THRESHOLD:g})"
    )
    print("Cross-validated (line chosen without the held-out fold, judged on it):")
    print(RATES_HEADER + "  cuts chosen")
    schemes = (
        ("leave one theme out", lambda o: o.theme),
        ("leave one material out", family),
        ("leave one report out (corpus)", lambda o: o.group if o.source == "corpus" else "-"),
    )
    for name, key in schemes:
        cuts, cut_of = cross_validated_cuts(drafter, key, grid)
        held = [o for o in drafter if key(o) != "-"]
        values = [cuts[k] for k in sorted({key(o) for o in held})]
        for source in SOURCES:
            sub = [o for o in held if o.source == source]
            if sub:
                print(
                    rates_at(sub, cut_of).row(f"{name}: {source}")
                    + f"  {min(values):.1f}-{max(values):.1f}"
                )
    print()
    return chosen


def print_shipped_line(
    material: Material,
    by_scorer: dict[str, list[Outcome]],
) -> None:
    """The shipped line's figures beside TF-IDF and BM25 on every material.
    The baselines have no line of their own: theirs is the best cut on the
    same outcomes with hindsight (a favour to them)."""
    grid_of = {
        name: np.unique(np.array([o.top for o in found] + [np.inf]))
        for name, found in by_scorer.items()
    }
    sections = (
        ("Corpus, leave one report out (whole library)", ("corpus",)),
        ("Corpus, leave one theme out (its actions removed)", ("corpus-loto",)),
        ("Own paraphrases (both batches; out = theme removed)", ("paraphrases",)),
        (
            "Fresh recommendations (right = a listed action; out = none listed, or the "
            "listed ones removed with their theme)",
            ("fresh", "fresh-loto"),
        ),
        (
            "Independent library and recommendations (both written apart from the corpus; "
            "right = a listed action; out = none listed, or the listed ones removed with "
            "their theme)",
            ("independent", "independent-loto"),
        ),
    )
    for title, sources in sections:
        print(title)
        print(RATES_HEADER)
        for name, found in by_scorer.items():
            sub = [o for o in found if o.source in sources]
            if name == "drafter":
                cut = float(matching.RAW_THRESHOLD)
                label = f"drafter (line {matching.RAW_THRESHOLD:g})"
            else:
                cut = choose_cut(sub, grid_of[name])
                label = f"{name} (best cut)"
            print(rates_at(sub, cut).row(label))
        print()


#: Libraries and recommendations written blind, each by a helper who read only
#: the theme list and the seeds' style. R, S, T and X were written this round
#: and scored once with the first version of this round's matcher; U, V, W
#: and Y later, and scored only with the finished one. Nothing was fitted on
#: any of them: they are the honest figures.
HONEST_SETS = (
    ("Blind set U (court, unpaid work, enforcement; long formal; at the end)", "set_u"),
    ("Blind set V (women and equality; action-plan rows; at the end)", "set_v"),
    ("Blind set W (youth justice partnership board; at the end)", "set_w"),
    ("Blind set Y (national policy, thematic, acronyms; at the end)", "set_y"),
    ("Blind set R (a Welsh region, terse, abbreviations; scored at the end)", "set_r"),
    ("Blind set S (youth justice heavy, warm plain English; scored at the end)", "set_s"),
    ("Blind set T (regional and thematic, measures and dates; scored at the end)", "set_t"),
    ("Blind set X (a director's dated commitments, Wales and borders; at the end)", "set_x"),
)

#: The earlier blind sets, A-Q, are now also what drafter's latent space learns
#: from (drafter/data/latent_training): each is scored with a space fitted
#: without it, so that no figure comes from text the space has seen. They were
#: read while weights were chosen in earlier rounds.
TRAINING_SETS = (
    ("Blind set O (plain on-the-ground actions, policy-worded)", "set_o"),
    ("Blind set P (youth justice services, East of England)", "set_p"),
    ("Blind set Q (a director's letter bullets, problem-worded)", "set_q"),
    ("Blind set L (a region's action plans, jargon)", "set_l"),
    ("Blind set M (a London head of PDU, outcome-worded)", "set_m"),
    ("Blind set N (national commitments, thematic)", "set_n"),
    ("Blind set I (letters, plans, paragraphs)", "set_i"),
    ("Blind set J (long formal recommendations, brief actions)", "set_j"),
    ("Blind set K (youth justice and women's services, Wales)", "set_k"),
    ("Blind set G", "set_g"),
    ("Blind set H", "set_h"),
    ("Blind set A (letter-style library)", "set_a"),
    ("Blind set B (action-plan library)", "set_b"),
    ("Blind set C (regional letters and plans)", "set_c"),
    ("Blind set D (letter bullets, short recommendations)", "set_d"),
    ("Blind set E (every kind of inspection)", "set_e"),
    ("Blind set F (a region's commitments)", "set_f"),
)


def print_blind_sets(folder: Path) -> None:
    """The shipped line on the blind sets, beside the baselines' best cuts.
    On the honest sets, drafter with a latent space learnt from the starter
    library and its extra wordings alone (not the seventeen training sets) is
    shown too."""
    starter_only = latent.fit_space(latent.starter_texts())
    for title, stem in HONEST_SETS:
        spaces = {"drafter": None, "drafter, starter space": starter_only}
        print_blind_set(title, folder, stem, spaces)
    training = packaged(latent.TRAINING_FOLDER)
    for title, stem in TRAINING_SETS:
        space = latent.fit_space(latent.training_texts(leave_out={stem}))
        print_blind_set(f"{title}, space without it", training, stem, {"drafter": space})


def print_blind_set(
    title: str, folder: Path, stem: str, drafters: dict[str, latent.LatentSpace | None]
) -> None:
    """One blind set: drafter (with each latent space in ``drafters``; None is
    the shipped one) at the shipped line, and the baselines at their best cut."""
    library, recs = folder / f"{stem}_library.yaml", folder / f"{stem}_recommendations.yaml"
    if not (library.exists() and recs.exists()):
        return
    actions, labelled = load_independent_library(library), load_fresh(recs)
    print(f"{title}: {len(actions)} actions, {len(labelled)} recommendations")
    print(RATES_HEADER)
    ours: list[Outcome] = []
    for name, space in drafters.items():
        found = whole_library_outcomes(
            actions, labelled, lambda a, space=space: DrafterScorer(a, space), stem
        )
        ours = ours or found
        print(
            rates_at(found, matching.RAW_THRESHOLD).row(f"{name} (line {matching.RAW_THRESHOLD:g})")
        )
    for name, make in (("TF-IDF cosine", tfidf_baseline), ("BM25", bm25_baseline)):
        found = whole_library_outcomes(actions, labelled, make, stem)
        grid = np.unique(np.array([o.top for o in found] + [np.inf]))
        print(rates_at(found, choose_cut(found, grid)).row(f"{name} (best cut)"))
    inside = [o.top for o in ours if o.covered]
    outside = [o.top for o in ours if not o.covered]
    print(f"  separation (AUC of drafter's best score): {auc(inside, outside):.3f}")
    for kind, wording in (("far", "topics no action touches"), ("near", "near misses")):
        tops = [o.top for o, f in zip(ours, labelled, strict=True) if f.kind == kind]
        if tops:
            refused = np.mean(np.array(tops) < matching.RAW_THRESHOLD)
            print(
                f"  {wording} ({len(tops)}): abstention {refused:.3f}, "
                f"separation {auc(inside, tops):.3f}"
            )
    print()


ABLATIONS = {
    "without rapidfuzz re-scoring": (matching, "FUZZY_SHARE", 0.0),
    "without concept terms": (matching, "CONCEPT_WEIGHT", 0.0),
    "without phrase terms": (matching, "PHRASE_WEIGHT", 0.0),
    "without the answered rec.": (matching, "RECOMMENDATION_SHARE", 0.0),
    "without unseen-concept cut": (matching, "UNSEEN_CONCEPT_FACTOR", 1.0),
    "without concept agreement": (matching, "NO_SHARED_CONCEPT_FACTOR", 1.0),
    "without idea cover": (matching, "CONCEPT_COVER_SHARE", 0.0),
    "without surface share": (matching, "SURFACE_SHARE", 0.0),
    "without surface points": (matching, "SURFACE_POINTS", 0.0),
    "without answered ideas": (matching, "ANSWERED_IDEAS_WEIGHT", 0.0),
    "without the latent space": (matching, "LATENT_WEIGHT", 0.0),
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
    parser.add_argument(
        "--fresh", type=Path, default=Path(__file__).with_name("fresh_recommendations.yaml")
    )
    parser.add_argument(
        "--independent-library",
        type=Path,
        default=Path(__file__).with_name("fresh_library.yaml"),
    )
    parser.add_argument(
        "--independent",
        type=Path,
        default=Path(__file__).with_name("fresh_recommendations_2.yaml"),
    )
    parser.add_argument("--blind", type=Path, default=Path(__file__).with_name("blind"))
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
    material = Material(
        recs=[json.loads(line) for line in (args.corpus / "recommendations.jsonl").open()],
        actions=actions,
        paraphrases=load_paraphrases(args.paraphrases)
        + load_paraphrases(args.paraphrases, "holdout_"),
        fresh=load_fresh(args.fresh),
        independent_actions=load_independent_library(args.independent_library),
        independent=load_fresh(args.independent),
    )
    by_scorer = {
        "drafter": collect_outcomes(material, drafter_scorer),
        "TF-IDF cosine": collect_outcomes(material, tfidf_baseline),
        "BM25": collect_outcomes(material, bm25_baseline),
    }
    print_calibration(material, by_scorer["drafter"])
    print_shipped_line(material, by_scorer)
    print_blind_sets(args.blind)
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
