"""Matching recommendations to previously committed actions.

For each recommendation the :class:`Matcher` scores every library action in
one batch and returns the best few as :class:`~drafter.core.model.Candidate`s with a
0-100 score and a plain reason. When nothing clears
:data:`NO_MATCH_THRESHOLD` the recommendation is reported as having no good
match, and its closest actions are given apart as ``weak_candidates``: shown
marked weak, never used in a letter on their own.

How a score is made (each step measurably improved ``benchmarks/match_quality.py``):

1. Both sides go through :mod:`drafter.core.textmatch`: normalised spelling and
   abbreviations, stop words dropped, light stemming, two-word phrases and
   domain concepts ("caseload" and "workload" are one idea).
2. Terms are weighted by rarity in *this* library (TF-IDF), so "countersign"
   counts for more than "assessment". A term the library has never seen keeps
   the highest weight: when a recommendation is mostly about something the
   library does not cover, its best score drops and it is reported as unmatched.
3. The recommendation is compared with each action's own text *and* with the
   recommendation that action originally answered, which is usually the
   strongest signal; the two cosine similarities are blended.
4. The best few hundred by that lexical score are re-scored with rapidfuzz
   (``process.cdist``, all cores) on the normalised texts, which rewards shared
   word order and wording the term model cannot see.
5. Evidence must agree: when the recommendation names a domain concept, an
   action sharing none of its concepts keeps only part of its score, since
   its word overlap is then incidental ("training" in a recommendation on
   unpaid work and an action on resettlement). An action tied to a setting
   (court work, unpaid work, custody: ``setting: true`` in the lexicon) that
   the recommendation does not name keeps only part of its score too: a
   pre-sentence report action does not answer a case-management
   recommendation however much else the wording shares.
6. Reviewers' past decisions move scores: an action accepted for a *similar*
   recommendation gains, one rejected for a similar recommendation loses, in
   proportion to how similar the recommendations are. A gain is capped on the
   shown scale (:data:`MAX_SHOWN_BOOST`) and never lifts an action into the
   "close match" band (85+) on feedback alone, so shown scores keep their
   meaning; the reason says when feedback moved a score.
7. The raw evidence is put on the scale people see, anchored on the
   threshold: 50 means "just good enough", 70 a typical good match, 85 and
   above a close one (:func:`shown_score`). The threshold is fitted by
   cross-validation on many out-of-library recommendations, most of them
   worded unlike the library (see :data:`RAW_THRESHOLD`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz, process

from drafter.core.model import Candidate, LibraryAction, Recommendation, RecommendationMatch, Report
from drafter.core.textmatch import (
    Terms,
    TermTable,
    _ranges,
    concept_label,
    concept_mentions,
    normalise,
    setting_concepts,
    shared_phrases,
    shared_words_key,
    stem,
    surface_words,
    term_table,
    terms,
)
from drafter.core.wording import counted
from drafter.matching.latent import LatentSpace, domain_space, unit_rows

if TYPE_CHECKING:
    from drafter.library.store import Decision, Library

#: Raw evidence (0-100) below which there is "no good match". Chosen by
#: ``benchmarks/match_quality.py`` on many out-of-library recommendations, not
#: eight: the corpus with each theme's actions removed in turn, our own
#: paraphrases, fresh recommendations written in other words (with the actions
#: that would answer them), and an independent library with recommendations
#: written apart from the corpus (each theme's actions also removed in turn).
#: The cut maximises correct abstentions plus kept matches, each kind of
#: material weighing the same, so recommendations worded unlike the library
#: count as much as the corpus, whose wording the library shares.
#: Cross-validated, leaving out one report at a time, the cut stays at 47.4;
#: leaving out one theme it lands between 46.6 and 49.2, and leaving out a
#: whole kind of material between 46.6 and 48.8. (It was 19.8 before
#: CONCEPT_COVER_SHARE, which adds up to 12 points to every score of a
#: recommendation whose ideas the library deals with, 28.2 before
#: SURFACE_SHARE, which raises the leading candidates by up to a fifth, 32.4
#: before LATENT_WEIGHT, which gives some points to every action on a related
#: subject, answerable or not, and 40.0 before the latent space learnt from
#: drafter's paired material as well as the starter library.)
RAW_THRESHOLD = 47.4

#: Raw evidence at which the action (or the recommendation it answered) says
#: much the same thing: shown as 85. Set so that the median best score of the
#: corpus's recommendations still shows as about 74, as it did before the
#: latent channel lifted good matches more than the line (nine in ten actions
#: matched with their own recommendation score above it). It was 52 before the
#: idea cover (see CONCEPT_COVER_SHARE), 64 before SURFACE_SHARE, 72 before
#: LATENT_WEIGHT and 86 before the paired material moved the line.
CLOSE_RAW = 85.0

#: Raw evidence is rarely above 60 even for a good match, and people read 30
#: out of 100 as "poor". Scores are shown on a scale anchored on the
#: threshold instead, piecewise linear so the order never changes:
#: 0 = nothing in common, 50 = just good enough (the threshold), 70 = a
#: typical good match (the median best score on the labelled corpus is about
#: 70), 85 = close wording, 100 = the same wording.
RAW_ANCHORS = (0.0, RAW_THRESHOLD, CLOSE_RAW, 100.0)
SHOWN_ANCHORS = (0.0, 50.0, 85.0, 100.0)

#: Shown scores below this mean "no good match in the library".
NO_MATCH_THRESHOLD = 50.0

#: Weak suggestions (the closest actions below the line) go no lower than this
#: shown score. Below it an action shares nothing with the recommendation but
#: a related subject: the latent space (LATENT_WEIGHT) gives most actions a
#: few points. On seventeen blind libraries (each scored with a latent space
#: fitted without it), of the answerable recommendations that fell below the
#: line, 0.6% had their fitting action scoring under 10 (1.9% under 20; a
#: higher floor would not spare the out-of-library ones their weak
#: suggestions either: 99% have one above 20).
WEAK_MINIMUM = 10.0


def shown_score(raw: np.ndarray | float) -> np.ndarray:
    """The 0-100 score people see for raw evidence (see :data:`SHOWN_ANCHORS`)."""
    return np.interp(raw, RAW_ANCHORS, SHOWN_ANCHORS)


#: Weight of the second opinion from the words as written. Each action gets up
#: to this share of the recommendation's best score, in proportion to its BM25
#: score (Robertson's, with the usual k1 and b) over :func:`surface_words` of
#: its text and its recommendation together. Terms are stemmed and drop words
#: every recommendation uses; the exact forms ("sickness", "oral", "staff",
#: "quality") still tell apart actions that share the same ideas, which is
#: where drafter's first suggestion went wrong most on wording it had never
#: seen. Chosen on the corpus, our paraphrases, fresh recommendations and the
#: independent library (MRR flat from 0.15 to 0.25); measured afterwards on two
#: sets written blind, where MRR rose from 0.836 and 0.813 to 0.879 and 0.874.
SURFACE_SHARE = 0.2
SURFACE_K1 = 1.5
SURFACE_B = 0.75

#: Raw points per unit of similarity over domain ideas alone between the
#: recommendation and the one the action answered (its text, for an action
#: imported without one). The main score already counts these ideas, among all
#: the other words; counted again here, two recommendations about the same
#: thing outweigh an action whose own wording happens to share more ordinary
#: words. Chosen with :data:`SURFACE_POINTS` by leaving one blind library out
#: at a time (eight libraries, each written by a different author): a ranker
#: fitted on the others put most of its extra weight on this and on the
#: absolute surface score, and gained MRR on seven of the eight left out.
ANSWERED_IDEAS_WEIGHT = 0.45

#: Raw points per unit of each action's BM25 score over surface words (see
#: :data:`SURFACE_SHARE`), up to :data:`SURFACE_POINTS_CAP` units. The share
#: above compares actions with the best one only; this also counts how much
#: wording the action really shares, so that an action sharing many exact
#: words leads one that shares a few rare ones. The cap stops a very long
#: recommendation from raising every candidate without limit.
SURFACE_POINTS = 0.9
SURFACE_POINTS_CAP = 30.0

#: Raw points per unit of cosine between the recommendation and the action in
#: the latent space of :mod:`drafter.matching.latent` (negative cosines count
#: as none): evidence from the words a recommendation's words keep company
#: with, for wording that shares little with the action it needs. Swept on
#: every kind of material at once, with each of seventeen blind libraries
#: scored in a space fitted without it: MRR is flat from 1.0 to 1.3 and falls
#: beyond 1.6, separation rises to 1.3 and holds to 1.6. It was 0.65 when the
#: space knew only the starter library, and trusting it more then lost.
LATENT_WEIGHT = 1.3

#: The three channels above more than double the evidence of an action
#: answering much the same recommendation. Dividing by this keeps the top of
#: the raw scale where it was (an action of the corpus matched with its own
#: recommendation still scores about 94 in the median), so scores stay out of
#: the clip at 100, where ties would lose the order; it changes no order.
EVIDENCE_SCALE = 2.55

#: Distinct (text, recommendation) pairs handled at once when counting the
#: terms both fields of an action share (bounds memory on large libraries).
PAIR_CHUNK = 16384
#: Relative weight of each kind of term in the vectors.
WORD_WEIGHT = 1.0
PHRASE_WEIGHT = 0.5
CONCEPT_WEIGHT = 1.0
#: Blend of similarity to the action's original recommendation and to its text.
#: It was 0.6, chosen when most test material paraphrased the corpus's own
#: recommendations, which are the corpus library's recommendation fields. On
#: six libraries written blind with their own recommendations, MRR peaks at
#: 0.45-0.5 and separation keeps rising below it (mean AUC 0.762 at 0.6, 0.778
#: at 0.45); over all ten kinds of material written apart from the corpus,
#: 0.45 is within 0.001 of the best MRR.
RECOMMENDATION_SHARE = 0.45
#: Blend of the term model and rapidfuzz in the final score.
FUZZY_SHARE = 0.2
#: How many lexical leaders per recommendation rapidfuzz re-scores.
SHORTLIST = 200
#: Scores are multiplied by this for each domain concept in the recommendation
#: that no library action mentions (at most twice).
UNSEEN_CONCEPT_FACTOR = 0.65
#: Scores of actions sharing no domain concept with a recommendation that has
#: some are multiplied by this.
NO_SHARED_CONCEPT_FACTOR = 0.7
#: Every action's score for a recommendation is raised by this share (out of
#: 100) of the best agreement on domain ideas alone anywhere in the library
#: (cosine over concept terms only). The same for all of one recommendation's
#: actions, it never changes their order; it tells recommendations whose ideas
#: the library deals with, however worded, from ones that only share words.
#: Swept on all five kinds of material in benchmarks/match_quality.py: from
#: 0.05 to 0.2 it separates in-library from out-of-library recommendations
#: better on every kind (AUC on the independent material 0.80 to 0.86, fresh
#: 0.92 to 0.94, corpus 0.95 to 0.96); 0.12 is the middle of that plateau.
CONCEPT_COVER_SHARE = 0.12
#: Scores of actions tied to a setting (court work, unpaid work, custody…)
#: that the recommendation does not name are multiplied by this: a director
#: will not sign a court-report action for a recommendation on case management.
SETTING_MISMATCH_FACTOR = 0.6
#: Feedback: points an accepted action gains, and the share of its score a
#: rejected one loses, for an equivalent recommendation; and the least
#: similarity at which a past decision counts at all.
ACCEPT_BOOST = 25.0
REJECT_SHARE = 0.7
FEEDBACK_MIN_SIMILARITY = 0.3
#: Most shown points an acceptance can add, and the shown score from which a
#: match reads as "says much the same thing": feedback alone never lifts an
#: action to it (a boosted score stops just below, at CLOSE_MATCH - 1).
MAX_SHOWN_BOOST = 10.0
CLOSE_MATCH = 85.0
ACCEPTED_BEFORE = "accepted before for a similar recommendation"
TURNED_DOWN_BEFORE = "turned down before for a similar recommendation"


@dataclass(frozen=True)
class _Field:
    """One text field of every action as a sparse matrix stored by term
    (an inverted index): term t's postings are docs[ptr[t]:ptr[t+1]]."""

    ptr: np.ndarray
    docs: np.ndarray
    weights: np.ndarray

    def dot(self, query: dict[int, float], size: int) -> np.ndarray:
        scores = np.zeros(size, dtype=np.float32)
        for term, weight in query.items():
            start, end = self.ptr[term], self.ptr[term + 1]
            if start != end:
                scores[self.docs[start:end]] += weight * self.weights[start:end]
        return scores


#: Cells (texts x actions) the batch path scores at once: each of its
#: temporary arrays is then at most 4 MB (8 MB for the few in double precision).
BATCH_CELLS = 1_000_000

#: Up to this many different library wordings, the batch path has rapidfuzz
#: compare each text with all of them in one call (at most 8 MB a chunk).
FULL_FUZZY_CHOICES = 2048

#: Below this many cells (terms x actions) a field is also kept as a dense
#: matrix (8 MB of float32 at most): one matrix product then scores a
#: recommendation instead of a loop over its terms, whose per-term cost
#: dominated when thousands of texts are matched.
MAX_DENSE_CELLS = 2_000_000


def _dense(field: _Field, size: int) -> np.ndarray | None:
    terms = len(field.ptr) - 1
    if terms == 0 or size == 0 or terms * size > MAX_DENSE_CELLS:
        return None
    matrix = np.zeros((terms, size), dtype=np.float32)
    rows = np.repeat(np.arange(terms), np.diff(field.ptr))
    np.add.at(matrix, (rows, field.docs), field.weights)
    return matrix


class Matcher:
    """Scores recommendations against a fixed set of actions.

    Build it once per library load (tokenising the library is the slow part)
    and call :meth:`match` as often as needed. ``feedback`` is the list of
    reviewers' decisions from :meth:`drafter.library.store.Library.feedback`;
    ``progress(done, total)`` is told how far tokenising the library has got.
    ``latent_space`` replaces drafter's own latent space (the benchmark
    passes one fitted without the material it scores).
    """

    def __init__(
        self,
        actions: Sequence[LibraryAction],
        feedback: Iterable[Decision] | None = None,
        *,
        threshold: float = NO_MATCH_THRESHOLD,
        progress: Callable[[int, int], None] | None = None,
        latent_space: LatentSpace | None = None,
    ) -> None:
        self.actions = list(actions)
        self.threshold = threshold
        self._size = len(self.actions)
        # Many actions share wording (one recommendation answered by several
        # actions), so each distinct text is tokenised once, all in one batch.
        unique: dict[str, int] = {}
        text_uid = np.fromiter(
            (unique.setdefault(a.text, len(unique)) for a in self.actions),
            dtype=np.int64,
            count=self._size,
        )
        rec_uid = np.fromiter(
            (unique.setdefault(a.recommendation or "", len(unique)) for a in self.actions),
            dtype=np.int64,
            count=self._size,
        )
        table = term_table(list(unique), progress=progress)
        self._vocab = {term: term_id for term_id, term in enumerate(table.vocabulary)}
        self._concept_ids = {i for i, t in enumerate(table.vocabulary) if t.startswith("@")}
        self._kind = np.array(
            [self._kind_weight(term) for term in table.vocabulary] + [1.0], dtype=np.float32
        )
        self._idf = self._inverse_document_frequency(table, text_uid, rec_uid)
        n = max(self._size, 1)
        #: A term no action uses is as informative as a term can be.
        self._unseen_idf = math.log(n + 1) + 1.0
        # One field at a time, so only one field's temporary arrays exist at once.
        self._text = self._build_field(*_gather(table, text_uid))
        self._rec = self._build_field(*_gather(table, rec_uid))
        self._surface_vocab, self._surface = self._surface_field(table, text_uid, rec_uid)
        self._latent_space, self._latent = self._latent_field(
            table, text_uid, rec_uid, latent_space
        )
        rec_dense, text_dense = _dense(self._rec, self._size), _dense(self._text, self._size)
        #: Both fields side by side (terms x 2 * actions), for small libraries.
        self._both_dense = (
            np.concatenate([rec_dense, text_dense], axis=1)
            if rec_dense is not None and text_dense is not None
            else None
        )
        #: Each action's norm over its domain-idea terms alone, per field (see
        #: CONCEPT_COVER_SHARE).
        self._rec_idea_norm = self._idea_norms(self._rec)
        self._text_idea_norm = self._idea_norms(self._text)
        self._settings = self._setting_carriers()
        self._has_rec = np.fromiter(
            (bool(a.recommendation) for a in self.actions), dtype=bool, count=self._size
        )
        self._normalised: dict[str, str] = {}
        # Actions worded identically once normalised are one suggestion.
        self._group_of = table.wording[text_uid]
        self._group_members: dict[int, list[int]] = {}
        if self._size:
            repeated = np.bincount(self._group_of)[self._group_of] > 1
            for index in np.flatnonzero(repeated).tolist():
                self._group_members.setdefault(int(self._group_of[index]), []).append(index)
        self._index_of = {a.id: i for i, a in enumerate(self.actions)}
        self._feedback: list[tuple[dict[int, float], int, bool]] = []
        for decision in feedback or ():
            index = self._index_of.get(decision.action_id)
            if index is None:
                continue
            accepted = decision.verdict == "accepted"
            vector = self._vector(terms(decision.recommendation_text))
            self._feedback.append((vector, index, accepted))

    def _surface_field(
        self, table: TermTable, text_uid: np.ndarray, rec_uid: np.ndarray
    ) -> tuple[dict[str, int], _Field]:
        """BM25 weights of every action's surface words (its text and the
        recommendation it answered as one document), stored by word. The
        words come from the term table, which read them with the terms."""
        size, vocabulary_size = self._size, len(table.words)
        lengths = np.diff(table.surface_ptr)
        starts = table.surface_ptr[:-1]
        found_docs, found_words, found_counts = [], [], []
        # (action, word) codes of both fields, counted by sorting, a block of
        # actions at a time so that memory stays proportional to one block.
        for first in range(0, size, PAIR_CHUNK):
            block = np.arange(first, min(first + PAIR_CHUNK, size), dtype=np.int64)
            codes = np.concatenate(
                [
                    np.repeat(block * vocabulary_size, lengths[uids[block]])
                    + table.surface_ids[_ranges(starts, lengths, uids[block])]
                    for uids in (text_uid, rec_uid)
                ]
            )
            codes.sort()
            run_starts = np.flatnonzero(np.concatenate([[True], codes[1:] != codes[:-1]]))
            found_counts.append(np.diff(np.append(run_starts, len(codes))).astype(np.float32))
            codes = codes[run_starts]
            found_docs.append((codes // vocabulary_size).astype(np.int32))
            found_words.append((codes % vocabulary_size).astype(np.int32))
        docs = np.concatenate(found_docs) if found_docs else np.zeros(0, dtype=np.int32)
        word_ids = np.concatenate(found_words) if found_words else np.zeros(0, dtype=np.int32)
        frequency = np.concatenate(found_counts) if found_counts else np.zeros(0, dtype=np.float32)
        del found_docs, found_words, found_counts
        length = np.bincount(docs, weights=frequency, minlength=size)
        average = float(length.mean()) if size else 0.0
        average = average if average > 0 else 1.0
        used_by = np.bincount(word_ids, minlength=vocabulary_size)
        idf = np.log1p((size - used_by + 0.5) / (used_by + 0.5))
        # In place and in single precision: a big library has millions of pairs.
        denominator = (length.astype(np.float32) * np.float32(SURFACE_B / average))[docs]
        denominator += np.float32(1 - SURFACE_B)
        denominator *= np.float32(SURFACE_K1)
        denominator += frequency
        weights = idf.astype(np.float32)[word_ids]
        weights *= frequency
        weights *= np.float32(SURFACE_K1 + 1)
        weights /= denominator
        del denominator
        # Stored by word; within a word the actions stay in order.
        order = np.argsort(word_ids, kind="stable")
        ptr = np.concatenate([[0], np.cumsum(used_by)])
        vocab = {table.words[i]: i for i in np.flatnonzero(used_by).tolist()}
        return vocab, _Field(ptr=ptr, docs=docs[order], weights=weights[order])

    def _latent_field(
        self,
        table: TermTable,
        text_uid: np.ndarray,
        rec_uid: np.ndarray,
        space: LatentSpace | None,
    ) -> tuple[LatentSpace | None, np.ndarray | None]:
        """The latent space (``space``, or drafter's own) and each action's
        unit vector in it (its text and the recommendation it answered
        together)."""
        if not (LATENT_WEIGHT and self._size):
            return None, None
        space = space or domain_space()
        if space is None:
            return None, None
        texts = space.project_table(table)
        return space, unit_rows(texts[text_uid] + texts[rec_uid])

    def _latent_points(self, found: Terms) -> np.ndarray | None:
        """:data:`LATENT_WEIGHT` points per unit of latent cosine with each action."""
        if self._latent_space is None or self._latent is None:
            return None
        query = self._latent_space.project(Counter(found.all()))
        return np.float32(LATENT_WEIGHT * 100.0) * np.maximum(self._latent @ query, 0.0)

    def _surface_rows(self, texts: Sequence[str]) -> np.ndarray:
        """Every action's BM25 score for the surface words of each text (one
        row per text), summed in the same order for one text as for many."""
        vocab, field, size = self._surface_vocab, self._surface, self._size
        rows: list[int] = []
        words: list[int] = []
        counts: list[int] = []
        for row, text in enumerate(texts):
            for word, count in Counter(vocab[w] for w in surface_words(text) if w in vocab).items():
                rows.append(row)
                words.append(word)
                counts.append(count)
        if not words:
            return np.zeros((len(texts), size), dtype=np.float32)
        word_ids = np.array(words, dtype=np.int64)
        lengths = np.diff(field.ptr)
        postings = _ranges(field.ptr[:-1], lengths, word_ids)
        repeats = lengths[word_ids]
        cells = np.repeat(np.array(rows, dtype=np.int64) * size, repeats) + field.docs[postings]
        values = np.repeat(np.array(counts, dtype=np.float64), repeats) * field.weights[postings]
        scores = np.bincount(cells, weights=values, minlength=len(texts) * size)
        return scores.reshape(len(texts), size).astype(np.float32)

    @staticmethod
    def _with_surface(final: np.ndarray, surface: np.ndarray) -> np.ndarray:
        """Rows of ``final`` raised by :data:`SURFACE_SHARE` of their best
        score, in proportion to each action's share of the best surface score,
        and by :data:`SURFACE_POINTS` per unit of surface score (the same
        arithmetic for one text and for a batch)."""
        peak = surface.max(axis=1, keepdims=True)
        best = final.max(axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(peak > 0, surface / peak, 0.0).astype(np.float32)
        raised = final + np.float32(SURFACE_SHARE) * np.maximum(best, 0.0) * share
        return raised + np.float32(SURFACE_POINTS) * np.minimum(
            surface, np.float32(SURFACE_POINTS_CAP)
        )

    def _answered_ideas(self, in_rec: np.ndarray, in_text: np.ndarray) -> np.ndarray:
        """:data:`ANSWERED_IDEAS_WEIGHT` points per unit of similarity over
        domain ideas with the answered recommendation (or, failing one, the
        action's text); rows of ideas-only similarities in, the same out."""
        agreement = np.where(self._has_rec, in_rec, in_text)
        return np.float32(ANSWERED_IDEAS_WEIGHT * 100.0) * agreement

    def _idea_norms(self, field: _Field) -> np.ndarray:
        """Per action, the length of the field's vector over concept terms only."""
        is_concept = np.zeros(len(field.ptr) - 1, dtype=bool)
        is_concept[list(self._concept_ids)] = True
        of_concept = np.repeat(is_concept, np.diff(field.ptr))
        weights = field.weights[of_concept].astype(np.float64)
        return np.sqrt(
            np.bincount(field.docs[of_concept], weights=weights * weights, minlength=self._size)
        )

    def _idea_cover(self, length: float, in_rec: np.ndarray, in_text: np.ndarray) -> float:
        """The best cosine over domain ideas alone between the recommendation and
        any action (its text and the recommendation it answered blended as in
        the main score). ``length`` is the recommendation's length over its
        concept terms (see :meth:`_query`)."""
        if not length or not self._size:
            return 0.0
        return float(self._idea_covers(np.array([length]), in_rec[None], in_text[None])[0])

    def _setting_carriers(self) -> list[tuple[int, np.ndarray]]:
        """(concept term id, which actions carry it) for each setting concept
        the library uses. An action carries a setting when its text or the
        recommendation it answered names it."""
        carriers = []
        for concept_id in setting_concepts():
            term_id = self._vocab.get("@" + concept_id)
            if term_id is None:
                continue
            carries = np.zeros(self._size, dtype=bool)
            for field in (self._text, self._rec):
                carries[field.docs[field.ptr[term_id] : field.ptr[term_id + 1]]] = True
            carriers.append((term_id, carries))
        return carriers

    # --- vectors ------------------------------------------------------------

    @staticmethod
    def _kind_weight(term: str) -> float:
        if term.startswith("@"):
            return CONCEPT_WEIGHT
        return PHRASE_WEIGHT if " " in term else WORD_WEIGHT

    def _weighted(self, found: Terms, idf_of) -> dict[str, float]:  # noqa: ANN001
        counts = Counter(found.all())
        vector = {
            term: (1.0 + math.log(count)) * idf_of(term) * self._kind_weight(term)
            for term, count in counts.items()
        }
        norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
        return {term: w / norm for term, w in vector.items()}

    def _inverse_document_frequency(
        self, table: TermTable, text_uid: np.ndarray, rec_uid: np.ndarray
    ) -> np.ndarray:
        """IDF over the union of both fields of each action. A term in both the
        text and the recommendation of one action counts once for it."""
        vocabulary_size = len(table.vocabulary) + 1
        lengths = np.diff(table.ptr)
        n_texts = len(lengths)
        uses = np.bincount(text_uid, minlength=n_texts) + np.bincount(rec_uid, minlength=n_texts)
        frequency = np.bincount(
            table.term_ids,
            weights=np.repeat(uses, lengths).astype(np.float64),
            minlength=vocabulary_size,
        )
        # Subtract terms shared by the two fields of one action, counted per
        # distinct (text, recommendation) pair.
        pair_codes, pair_count = np.unique(text_uid * n_texts + rec_uid, return_counts=True)
        for start in range(0, len(pair_codes), PAIR_CHUNK):
            codes = pair_codes[start : start + PAIR_CHUNK]
            keys = []
            for uids in (codes // n_texts, codes % n_texts):
                docs, term_ids, _ = _gather(table, uids)
                keys.append(docs.astype(np.int64) * vocabulary_size + term_ids)
            merged = np.concatenate(keys)
            merged.sort()
            shared = merged[1:][merged[1:] == merged[:-1]]
            frequency -= np.bincount(
                shared % vocabulary_size,
                weights=pair_count[start + shared // vocabulary_size],
                minlength=vocabulary_size,
            )
        n = max(self._size, 1)
        return (np.log((n + 1) / (frequency + 1)) + 1.0).astype(np.float32)

    def _build_field(self, docs: np.ndarray, term_ids: np.ndarray, counts: np.ndarray) -> _Field:
        """TF-IDF vectors of one field, L2-normalised, stored by term."""
        vocabulary_size = len(self._vocab) + 1
        if not len(term_ids):
            empty = np.zeros(0, dtype=np.int64)
            return _Field(np.zeros(vocabulary_size + 1, dtype=np.int64), empty, empty)
        weights = (1.0 + np.log(counts)) * self._idf[term_ids] * self._kind[term_ids]
        norms = np.sqrt(np.bincount(docs, weights=weights * weights, minlength=self._size))
        weights = (weights / norms[docs]).astype(np.float32)
        # A stable sort of 16-bit numbers is a radix sort: linear time.
        small = term_ids.astype(np.uint16) if vocabulary_size <= 65536 else term_ids
        order = np.argsort(small, kind="stable")
        ptr = np.concatenate([[0], np.cumsum(np.bincount(term_ids, minlength=vocabulary_size))])
        return _Field(ptr=ptr, docs=docs[order].astype(np.int32), weights=weights[order])

    def _vector(self, found: Terms) -> dict[int, float]:
        """A query's weights by term id; terms the library lacks still count
        towards the norm (lowering every similarity) but match nothing."""

        return self._query(found)[0]

    def _query(self, found: Terms) -> tuple[dict[int, float], float]:
        """:meth:`_vector`, and the length of the query over its concept terms,
        those the library never uses included (they count in the length as
        unseen words do in the main score)."""
        weighted = self._weighted(found, self._idf_of)
        ideas = math.sqrt(sum(w * w for t, w in weighted.items() if t.startswith("@")))
        return {self._vocab[t]: w for t, w in weighted.items() if t in self._vocab}, ideas

    def _idf_of(self, term: str) -> float:
        term_id = self._vocab.get(term)
        return float(self._idf[term_id]) if term_id is not None else self._unseen_idf

    # --- scoring ------------------------------------------------------------

    def scores(self, text: str) -> np.ndarray:
        """The shown 0-100 score of every action for one recommendation text
        (50 = just good enough, see :data:`SHOWN_ANCHORS`)."""
        return self._score_one(text)[0]

    def _score_one(
        self, text: str
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, Terms, dict[int, str]]:
        """Shown scores, the two raw similarities, the query's terms and, by
        action index, how reviewers' past decisions moved the score."""
        found = terms(text)
        query, idea_length = self._query(found)
        if self._size == 0:
            empty = np.zeros(0, dtype=np.float32)
            return empty, empty, empty, found, {}
        rec_sim, text_sim = self._dots(query)
        # Actions imported without their original recommendation rely on their text.
        lexical = np.where(
            self._has_rec,
            RECOMMENDATION_SHARE * rec_sim + (1 - RECOMMENDATION_SHARE) * text_sim,
            text_sim,
        )
        final = lexical * (100.0 * (1 - FUZZY_SHARE))
        shortlist = _top_indices(lexical, min(SHORTLIST, self._size))
        shortlist = shortlist[lexical[shortlist] > 0]
        if len(shortlist):
            # One call for both fields: rapidfuzz's per-call cost, not the
            # comparisons, dominated when thousands of texts are matched.
            # token_sort_ratio is ratio on words sorted; the library's side is
            # sorted once and kept (the same scores, far less work).
            recs, texts = self._sorted_fields()
            both = process.cdist(
                [_sorted_words(normalise(text))],
                recs[shortlist].tolist() + texts[shortlist].tolist(),
                scorer=fuzz.ratio,
                workers=1,
            )[0]
            fuzzy = np.maximum(both[: len(shortlist)], both[len(shortlist) :])
            final[shortlist] += FUZZY_SHARE * fuzzy
        # A domain idea the library has never dealt with ("unpaid work" when no
        # action mentions it) means the best candidates answer something else.
        unseen = sum(1 for t in found.concepts if t not in self._vocab)
        if unseen:
            final *= UNSEEN_CONCEPT_FACTOR ** min(unseen, 2)
        # Word overlap without a shared domain idea is weaker evidence than
        # overlap that agrees on one: "training" shared by a recommendation on
        # unpaid work and an action on resettlement is incidental.
        concept_query = {t: w for t, w in query.items() if t in self._concept_ids}
        if concept_query:
            in_rec, in_text = self._dots(concept_query)
            if NO_SHARED_CONCEPT_FACTOR != 1.0:
                shared = (in_rec > 0) | (in_text > 0)
                final = np.where(shared, final, final * NO_SHARED_CONCEPT_FACTOR)
        # An action tied to a setting the recommendation does not name (a
        # pre-sentence report action for a case-management recommendation)
        # answers something else, however much else the wording shares.
        if SETTING_MISMATCH_FACTOR != 1.0 and self._settings:
            named = {self._vocab.get(t) for t in found.concepts}
            unnamed = [i for i, (term_id, _) in enumerate(self._settings) if term_id not in named]
            if unnamed:
                mismatch = self._setting_matrix()[unnamed].any(axis=0)
                final = np.where(mismatch, final * SETTING_MISMATCH_FACTOR, final)
        if CONCEPT_COVER_SHARE and concept_query:
            final = final + CONCEPT_COVER_SHARE * 100.0 * self._idea_cover(
                idea_length, in_rec, in_text
            )
        if SURFACE_SHARE or SURFACE_POINTS:
            final = self._with_surface(final[None, :], self._surface_rows([text]))[0]
        if ANSWERED_IDEAS_WEIGHT and concept_query:
            final = final + self._answered_ideas(in_rec, in_text)
        latent = self._latent_points(found)
        if latent is not None:
            final = final + latent
        final = final / np.float32(EVIDENCE_SCALE)
        shown, notes = self._apply_feedback(query, final)
        return shown, rec_sim, text_sim, found, notes

    def _score_batch(
        self, texts: Sequence[str]
    ) -> Iterator[tuple[np.ndarray, np.ndarray, dict[int, str]]]:
        """:meth:`_score_one` for many texts: (shown scores, similarity to the
        answered recommendations, feedback notes) of each text in turn, equal
        to the bit to what :meth:`_score_one` gives (tests compare them), so
        keep the two in step. Only the query vectors and their products are
        made a text at a time; the blending, fuzzy scores, concept and setting
        factors and the shown scale work on a chunk of texts at once, whose
        size bounds the memory (:data:`BATCH_CELLS`). The arrays yielded are
        views of the chunk's: use each before asking for the next."""
        if self._size == 0:
            empty = np.zeros(0, dtype=np.float32)
            for _ in texts:
                yield empty, empty, {}
            return
        rows = max(1, BATCH_CELLS // self._size)
        for start in range(0, len(texts), rows):
            yield from self._score_chunk(texts[start : start + rows])

    def _score_chunk(
        self, texts: Sequence[str]
    ) -> Iterator[tuple[np.ndarray, np.ndarray, dict[int, str]]]:
        count, size = len(texts), self._size
        rec_sim = np.empty((count, size), dtype=np.float32)
        text_sim = np.empty((count, size), dtype=np.float32)
        # Similarity over the domain ideas alone (rows with ideas only).
        idea_rec = np.zeros((count, size), dtype=np.float32)
        idea_text = np.zeros((count, size), dtype=np.float32)
        has_ideas = np.zeros(count, dtype=bool)
        idea_lengths = np.zeros(count, dtype=np.float64)
        queries: list[dict[int, float]] = []
        unseen = np.zeros(count, dtype=np.int64)
        setting_column = {term_id: i for i, (term_id, _) in enumerate(self._settings)}
        unnamed = np.ones((count, len(self._settings)), dtype=np.float32)
        found_terms: list[Terms] = []
        for row, text in enumerate(texts):
            found = terms(text)
            found_terms.append(found)
            query, idea_lengths[row] = self._query(found)
            queries.append(query)
            rec_sim[row], text_sim[row] = self._dots(query)
            unseen[row] = sum(1 for t in found.concepts if t not in self._vocab)
            concept_query = {t: w for t, w in query.items() if t in self._concept_ids}
            if concept_query:
                has_ideas[row] = True
                idea_rec[row], idea_text[row] = self._dots(concept_query)
            for t in found.concepts:
                column = setting_column.get(self._vocab.get(t))
                if column is not None:
                    unnamed[row, column] = 0.0
        lexical = np.where(
            self._has_rec,
            RECOMMENDATION_SHARE * rec_sim + (1 - RECOMMENDATION_SHARE) * text_sim,
            text_sim,
        )
        del text_sim
        final = lexical * (100.0 * (1 - FUZZY_SHARE))
        shortlisted = lexical > 0
        # Every action with some lexical score is on the shortlist unless
        # there are more of them than it holds; then the leaders, as in
        # _score_one.
        for row in np.flatnonzero(shortlisted.sum(axis=1) > SHORTLIST).tolist():
            leaders = _top_indices(lexical[row], min(SHORTLIST, size))
            shortlisted[row] = False
            shortlisted[row, leaders[lexical[row, leaders] > 0]] = True
        del lexical
        pair_rows, pair_actions = np.nonzero(shortlisted)
        del shortlisted
        if len(pair_rows):
            final[pair_rows, pair_actions] += FUZZY_SHARE * self._fuzzy_pairs(
                texts, pair_rows, pair_actions
            )
        factors = np.array(
            [UNSEEN_CONCEPT_FACTOR ** min(int(u), 2) for u in unseen], dtype=np.float32
        )
        final *= factors[:, None]
        if NO_SHARED_CONCEPT_FACTOR != 1.0:
            apart = has_ideas[:, None] & ~((idea_rec > 0) | (idea_text > 0))
            final = np.where(apart, final * NO_SHARED_CONCEPT_FACTOR, final)
        if SETTING_MISMATCH_FACTOR != 1.0 and self._settings:
            mismatch = (unnamed @ self._setting_matrix().astype(np.float32)) > 0
            final = np.where(mismatch, final * SETTING_MISMATCH_FACTOR, final)
        if CONCEPT_COVER_SHARE and has_ideas.any():
            covers = self._idea_covers(idea_lengths, idea_rec, idea_text)
            raised = np.array(
                [
                    CONCEPT_COVER_SHARE * 100.0 * float(cover) if ideas else 0.0
                    for cover, ideas in zip(covers.tolist(), has_ideas.tolist(), strict=True)
                ],
                dtype=np.float32,
            )
            final = final + raised[:, None]
        if SURFACE_SHARE or SURFACE_POINTS:
            final = self._with_surface(final, self._surface_rows(texts))
        if ANSWERED_IDEAS_WEIGHT and has_ideas.any():
            final = final + self._answered_ideas(idea_rec, idea_text)
        del idea_rec, idea_text
        for row, found in enumerate(found_terms):
            latent = self._latent_points(found)
            if latent is not None:
                final[row] = final[row] + latent
        final = final / np.float32(EVIDENCE_SCALE)
        if self._feedback:
            for row in range(count):
                shown, notes = self._apply_feedback(queries[row], final[row])
                yield shown, rec_sim[row], notes
            return
        shown = shown_score(np.clip(final, 0.0, 100.0)).astype(np.float32)
        for row in range(count):
            yield shown[row], rec_sim[row], {}

    def _idea_covers(
        self, lengths: np.ndarray, in_rec: np.ndarray, in_text: np.ndarray
    ) -> np.ndarray:
        """:meth:`_idea_cover` of each row (0 where a row's length is 0)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            rec = np.where(
                self._rec_idea_norm > 0, in_rec / (lengths[:, None] * self._rec_idea_norm), 0.0
            )
            text = np.where(
                self._text_idea_norm > 0, in_text / (lengths[:, None] * self._text_idea_norm), 0.0
            )
        ideas = np.where(
            self._has_rec, RECOMMENDATION_SHARE * rec + (1 - RECOMMENDATION_SHARE) * text, text
        )
        return np.where(lengths > 0, ideas.max(axis=1), 0.0)

    def _fuzzy_pairs(
        self, texts: Sequence[str], rows: np.ndarray, actions: np.ndarray
    ) -> np.ndarray:
        """rapidfuzz's score of ``texts[rows[k]]`` against action
        ``actions[k]`` (the better of its recommendation and its text), the
        same figures :meth:`_score_one` gets. A small library is compared with
        every text in one call (faster than a call per text, though most pairs
        are not needed); a large one a text at a time, on the pairs asked."""
        recs, action_texts = self._sorted_fields()
        queries = [_sorted_words(normalise(text)) for text in texts]
        choices, rec_at, text_at = self._fuzzy_choices()
        if len(choices) <= FULL_FUZZY_CHOICES:
            every = process.cdist(queries, choices, scorer=fuzz.ratio, workers=1)
            return np.maximum(every[rows, rec_at[actions]], every[rows, text_at[actions]])
        result = np.empty(len(rows), dtype=np.float32)
        bounds = np.flatnonzero(np.diff(rows)) + 1
        for start, end in zip([0, *bounds.tolist()], [*bounds.tolist(), len(rows)], strict=True):
            shortlist = actions[start:end]
            both = process.cdist(
                [queries[int(rows[start])]],
                recs[shortlist].tolist() + action_texts[shortlist].tolist(),
                scorer=fuzz.ratio,
                workers=1,
            )[0]
            result[start:end] = np.maximum(both[: len(shortlist)], both[len(shortlist) :])
        return result

    def _fuzzy_choices(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """The different sorted wordings of the library's recommendations and
        texts, and where each action's two are among them (made once)."""
        found = self.__dict__.get("_fuzzy_choice_list")
        if found is None:
            recs, action_texts = self._sorted_fields()
            position: dict[str, int] = {}
            rec_at = np.fromiter(
                (position.setdefault(s, len(position)) for s in recs.tolist()),
                dtype=np.int64,
                count=self._size,
            )
            text_at = np.fromiter(
                (position.setdefault(s, len(position)) for s in action_texts.tolist()),
                dtype=np.int64,
                count=self._size,
            )
            found = self.__dict__["_fuzzy_choice_list"] = (list(position), rec_at, text_at)
        return found

    def _setting_matrix(self) -> np.ndarray:
        """Which actions carry each setting, one row per setting (made once)."""
        matrix = self.__dict__.get("_settings_matrix")
        if matrix is None:
            matrix = self.__dict__["_settings_matrix"] = np.array(
                [carries for _, carries in self._settings], dtype=bool
            ).reshape(len(self._settings), self._size)
        return matrix

    def _dots(self, query: dict[int, float]) -> tuple[np.ndarray, np.ndarray]:
        """Similarity of ``query`` to every action's recommendation and text;
        for a small library one matrix product gives both."""
        both = self._both_dense
        if both is None:
            return self._rec.dot(query, self._size), self._text.dot(query, self._size)
        if not query:
            empty = np.zeros(self._size, dtype=np.float32)
            return empty, empty.copy()
        ids = np.fromiter(query.keys(), dtype=np.int64, count=len(query))
        weights = np.fromiter(query.values(), dtype=np.float32, count=len(query))
        product = weights @ both[ids]
        return product[: self._size], product[self._size :]

    def _sorted_fields(self) -> tuple[np.ndarray, np.ndarray]:
        """Each action's recommendation and text, normalised with the words
        sorted (as fuzzy matching compares them), made once per matcher."""
        found = self.__dict__.get("_sorted_normal")
        if found is None:
            cache: dict[str, str] = {}

            def sort(text: str | None) -> str:
                key = text or ""
                if key not in cache:
                    cache[key] = _sorted_words(self._normal(key))
                return cache[key]

            found = self.__dict__["_sorted_normal"] = (
                np.array([sort(a.recommendation) for a in self.actions], dtype=object),
                np.array([sort(a.text) for a in self.actions], dtype=object),
            )
        return found

    def prepare(self) -> None:
        """Work out now what matching would otherwise work out on first use, so
        that the index cache keeps it: each action's fields normalised with
        their words sorted (for the starter library, longer than matching a
        report's recommendations)."""
        self._sorted_fields()

    def _normal(self, text: str | None) -> str:
        normal = self._normalised.get(text or "")
        if normal is None:
            normal = self._normalised[text or ""] = normalise(text or "")
        return normal

    def _apply_feedback(
        self, query: dict[int, float], raw: np.ndarray
    ) -> tuple[np.ndarray, dict[int, str]]:
        """Shown scores after reviewers' past decisions, and a note for each
        action a decision moved.

        Rejected actions lose a share of their raw score, so a rejection for a
        near-identical recommendation sinks the action whatever its wording.
        Accepted actions gain, but on the shown scale by at most
        :data:`MAX_SHOWN_BOOST` points and never into the close-match band:
        "85" must still mean the wording says much the same thing. Both scale
        with how similar the earlier recommendation is to this one."""
        if not self._feedback:
            return shown_score(np.clip(raw, 0.0, 100.0)).astype(np.float32), {}
        gain = np.zeros(self._size, dtype=np.float32)
        keep = np.ones(self._size, dtype=np.float32)
        notes: dict[int, str] = {}
        for vector, index, accepted in self._feedback:
            similarity = sum(w * vector.get(t, 0.0) for t, w in query.items())
            if similarity < FEEDBACK_MIN_SIMILARITY:
                continue
            strength = min(
                1.0, 1.5 * (similarity - FEEDBACK_MIN_SIMILARITY) / (1 - FEEDBACK_MIN_SIMILARITY)
            )
            if accepted:
                gain[index] += ACCEPT_BOOST * strength
            else:
                keep[index] *= 1.0 - REJECT_SHARE * strength
        kept = raw * keep
        base = shown_score(np.clip(kept, 0.0, 100.0))
        boosted = shown_score(np.clip(kept + gain, 0.0, 100.0))
        ceiling = np.where(
            base >= CLOSE_MATCH, base + MAX_SHOWN_BOOST, np.maximum(base, CLOSE_MATCH - 1.0)
        )
        shown = np.minimum(np.minimum(boosted, base + MAX_SHOWN_BOOST), ceiling)
        for index in np.flatnonzero(keep < 1.0).tolist():
            notes[index] = TURNED_DOWN_BEFORE
        # An acceptance speaks last: the reviewer's latest word on the action.
        for index in np.flatnonzero(gain > 0).tolist():
            notes[index] = ACCEPTED_BEFORE
        return shown.astype(np.float32), notes

    def match(
        self, recommendations: Sequence[Recommendation | str], top: int = 3
    ) -> list[RecommendationMatch]:
        """The best ``top`` candidates for each recommendation, best first, with
        ``no_match`` set (and no candidates) when none clears the threshold."""
        items = [
            item if isinstance(item, Recommendation) else Recommendation(number, "", str(item))
            for number, item in enumerate(recommendations, start=1)
        ]
        # The same wording twice (a long --from-file list repeats itself) is
        # scored once: the candidates depend on nothing but the text.
        texts = list(dict.fromkeys(item.text for item in items))
        found = dict(zip(texts, self._plain_matches(texts, top), strict=True))
        results = []
        for recommendation in items:
            strong, weak = found[recommendation.text]
            results.append(
                RecommendationMatch(
                    recommendation,
                    [Candidate(self.actions[i], score, reason) for i, score, reason in strong],
                    no_match=not strong,
                    weak_candidates=[
                        Candidate(self.actions[i], score, reason) for i, score, reason in weak
                    ],
                )
            )
        return results

    def _plain_matches(self, texts: list[str], top: int) -> list[tuple[list, list]]:
        """(strong, weak) candidates of each text as (action index, score,
        reason). Many texts are scored together (:meth:`_score_batch`);
        thousands are split with a second process where the machine has a
        second core (matching is pure Python and numpy work)."""
        if len(texts) < BATCH_MIN_TEXTS:
            return [self._plain_match(text, top) for text in texts]
        if len(texts) >= PARALLEL_MIN_TEXTS:
            shared = _in_two_processes(lambda part: self._plain_batch(part, top), texts)
            if shared is not None:
                return shared
        return self._plain_batch(texts, top)

    def _plain_batch(self, texts: list[str], top: int) -> list[tuple[list, list]]:
        return [
            self._plain_candidates(text, final, rec_sim, notes, top)
            for text, (final, rec_sim, notes) in zip(texts, self._score_batch(texts), strict=True)
        ]

    def _plain_match(self, text: str, top: int) -> tuple[list, list]:
        final, rec_sim, _, _, notes = self._score_one(text)
        return self._plain_candidates(text, final, rec_sim, notes, top)

    def _plain_candidates(
        self, text: str, final: np.ndarray, rec_sim: np.ndarray, notes: dict[int, str], top: int
    ) -> tuple[list, list]:
        scored = (text, final, rec_sim, notes)
        strong = [
            self._plain_candidate(scored, index, twins)
            for index, twins in self._distinct_leaders(final, max(top, 0))
        ]
        weak = []
        if not strong:
            # Below the line, but still the closest: shown marked weak, so
            # a wrong "no good match" costs a click rather than a search.
            weak = [
                self._plain_candidate(scored, index, twins)
                for index, twins in self._distinct_leaders(final, max(top, 0), floor=WEAK_MINIMUM)
            ]
        return strong, weak

    def _plain_candidate(
        self,
        scored: tuple[str, np.ndarray, np.ndarray, dict[int, str]],
        index: int,
        twins: list[int],
    ) -> tuple[int, float, str]:
        candidate = self._candidate(scored, index, twins)
        return index, candidate.score, candidate.reason

    def _candidate(
        self,
        scored: tuple[str, np.ndarray, np.ndarray, dict[int, str]],
        index: int,
        twins: list[int],
    ) -> Candidate:
        """Action ``index`` as a suggestion for the text scored in ``scored``
        (the text, shown scores, similarity to answered recommendations, and
        feedback notes), with its reason."""
        text, final, rec_sim, notes = scored
        action = self.actions[index]
        reason = self._reason(text, index, float(rec_sim[index]))
        reason += _twins_note(action, [self.actions[i] for i in twins])
        if index in notes:
            reason += f"; {notes[index]}"
        return Candidate(action=action, score=round(float(final[index]), 1), reason=reason)

    def _distinct_leaders(
        self, final: np.ndarray, top: int, *, floor: float | None = None
    ) -> list[tuple[int, list[int]]]:
        """Up to ``top`` best actions scoring at least ``floor`` (the
        threshold unless given) with different wording, each with the indices
        of the other actions saying the same thing.

        The same action is often in the library several times (a starter action
        later committed by other units); people want ``top`` different ideas.
        Of identical texts the best-scoring one is shown, the most recent among
        near-equal scores."""
        if top == 0 or self._size == 0:
            return []
        floor = self.threshold if floor is None else floor
        above = int(np.count_nonzero(final >= floor))
        groups = self._group_of
        leaders: list[tuple[int, list[int]]] = []
        seen: set[int] = set()
        wanted = min(above, top * 4)
        while True:
            for index in _top_indices(final, wanted):
                index = int(index)
                group = int(groups[index])
                if group in seen:
                    continue
                seen.add(group)
                members = self._group_members.get(group, [index])
                best = float(final[index])
                near = [i for i in members if float(final[i]) >= best - 0.05]
                chosen = max(near, key=lambda i: (self.actions[i].committed_on or date.min, -i))
                leaders.append((chosen, [i for i in members if i != chosen]))
                if len(leaders) == top:
                    return leaders
            if wanted >= above:
                return leaders
            leaders, seen = [], set()
            wanted = min(above, wanted * 4)

    def _reason(self, text: str, index: int, rec_similarity: float) -> str:
        """Why an action was suggested, in words people can check: the words and
        phrases both texts use as written, then the ideas they share in other
        words, then whether the action answered a similar recommendation."""
        action = self.actions[index]
        quoted = self._shared_phrases(text, index)
        said = {w for phrase in quoted for w in normalise(phrase).split()}
        theirs = concept_mentions(action.text)
        links: list[tuple[float, str]] = []
        for concept_id, mine in concept_mentions(text).items():
            other = theirs.get(concept_id)
            if other is None:
                continue
            same = other.casefold() == mine.casefold()
            if same and set(normalise(mine).split()) <= said:
                continue  # already quoted as a shared phrase
            term_id = self._vocab.get("@" + concept_id)
            rarity = float(self._idf[term_id]) if term_id is not None else 0.0
            label = concept_label(concept_id)
            if not same:
                label += f" ({mine} ~ {other})"
            elif mine.casefold() != label.casefold():
                label += f" ({mine})"
            links.append((rarity, label))
        links.sort(key=lambda item: -item[0])
        parts = []
        if quoted:
            parts.append("shares " + ", ".join(f'"{phrase}"' for phrase in quoted))
        if links:
            parts.append("both about " + ", ".join(link for _, link in links[:2]))
        if not parts:
            # No word or listed idea in common: the latent space, fuzzy
            # matching or a stem shared in another form carried it.
            parts.append("a related subject, in other words")
        if action.recommendation and rec_similarity >= 0.35:
            labels = self.__dict__.setdefault("_source_labels", {})
            label = labels.get(index)
            if label is None:
                label = labels[index] = action.source_label
            parts.append(f"answered a similar recommendation ({label})")
        return "; ".join(parts)

    def _shared_phrases(self, text: str, index: int) -> list[str]:
        """The phrases ``text`` shares with action ``index``, cached on the
        words they share (see :func:`shared_words_key`): recommendations that
        differ only in words the action lacks are explained alike."""
        action_text = self.actions[index].text
        key = (index, shared_words_key(text, action_text))
        cache = self.__dict__.setdefault("_shared_phrase_cache", {})
        quoted = cache.get(key)
        if quoted is None:
            if len(cache) >= SHARED_PHRASE_CACHE:
                cache.clear()
            quoted = cache[key] = shared_phrases(text, action_text, weight=self._word_weight)
        return quoted

    def _word_weight(self, word: str) -> float:
        """How telling a written word is: its rarity in this library."""
        cache = self.__dict__.setdefault("_word_weights", {})
        known = cache.get(word)
        if known is not None:
            return known
        cache[word] = best = self._compute_word_weight(word)
        return best

    def _compute_word_weight(self, word: str) -> float:
        best = 0.0
        for part in normalise(word).split():
            term_id = self._vocab.get(stem(part))
            if term_id is not None:
                best = max(best, float(self._idf[term_id]))
            else:
                best = max(best, self._unseen_idf)
        return best


#: Most (action, shared words) pairs whose phrases a matcher keeps.
SHARED_PHRASE_CACHE = 65536

#: From this many different texts they are scored together (_score_batch).
BATCH_MIN_TEXTS = 16

#: Below this many different texts one process does all the matching.
PARALLEL_MIN_TEXTS = 4000


def _in_two_processes(work: Callable[[list], list], items: list) -> list | None:
    """``work(items)`` with the second half done by a forked copy of this
    process, on a machine with a second core; None when that cannot be done
    safely (no fork, one core, other threads running) or would not help (no
    core to spare: other programs keep the machine busy, and two processes
    would only take turns), so the caller does it all itself. Any failure in
    the copy also gives None."""
    import os
    import pickle
    import threading

    if not hasattr(os, "fork") or _spare_cores() < 1 or threading.active_count() > 1:
        return None
    half = len(items) // 2
    first, second = items[:half], items[half:]
    reader, writer = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(reader)
        os.close(writer)
        return None
    if pid == 0:  # the copy: work on the second half, send it back, leave at once
        code = 1
        try:
            os.close(reader)
            with os.fdopen(writer, "wb") as pipe:
                pickle.dump(work(second), pipe, protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            os._exit(code)
    os.close(writer)
    try:
        done = work(first)
    except BaseException:
        os.close(reader)
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        raise
    with os.fdopen(reader, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        return None
    try:
        rest = pickle.loads(data)
    except Exception:
        return None
    if len(rest) != len(second):
        return None
    return done + rest


def _usable_cores() -> int:
    """Cores this process may run on (``taskset`` or a container can allow
    fewer than the machine has)."""
    import os

    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _spare_cores() -> float:
    """Usable cores (see :func:`_usable_cores`) beyond the first, less what
    other programs keep busy (the last minute's load average, of which this
    process is about one)."""
    import os

    cores = _usable_cores()
    if cores < 2:
        return 0.0
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return float(cores - 1)
    return cores - max(load, 1.0)


def _sorted_words(text: str) -> str:
    """``text``'s words in sorted order, as rapidfuzz's token_sort_ratio sees it."""
    return " ".join(sorted(text.split()))


def _gather(table: TermTable, uids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(document, term, count) rows for documents whose texts are ``uids``."""
    lengths = np.diff(table.ptr)
    rows = _ranges(table.ptr[:-1], lengths, uids)
    docs = np.repeat(np.arange(len(uids), dtype=np.int32), lengths[uids])
    return docs, table.term_ids[rows], table.counts[rows]


def _twins_note(action: LibraryAction, twins: Sequence[LibraryAction]) -> str:
    """ "also committed by 2 other units" for an action other units also chose."""
    if not twins:
        return ""
    others = {t.unit for t in twins if t.unit and t.unit != action.unit}
    if others:
        return f"; also committed by {counted(len(others), 'other unit')}"
    return f"; the same action is in the library {counted(len(twins), 'more time')}"


def _top_indices(scores: np.ndarray, k: int) -> np.ndarray:
    if k <= 0 or scores.size == 0:
        return np.zeros(0, dtype=np.int64)
    if k >= scores.size:
        return np.argsort(-scores, kind="stable")
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="stable")]


#: Largest --from-file accepted: a list of recommendations is a few kilobytes.
MAX_RECOMMENDATIONS_FILE_BYTES = 2 * 1024 * 1024

#: Opening bytes of documents that are not plain text, with what they are.
_DOCUMENT_SIGNATURES = (
    (b"PK\x03\x04", "a Word document or other zipped file"),
    (b"%PDF", "a PDF"),
    (b"\xd0\xcf\x11\xe0", "an old-style Word document"),
    (b"{\\rtf", "a rich text (RTF) document"),
)


def read_recommendations_file(path: str) -> list[str]:
    """The recommendations in a plain text file, one a line (blank lines skipped).

    A report as a document (Word, PDF) is refused with a pointer to
    ``drafter match REPORT``, which reads documents properly; reading one as
    text would match its binary content as if it were recommendations.
    """
    from drafter.core.errors import InputFileError
    from drafter.core.fileio import read_input_bytes

    data = read_input_bytes(path, MAX_RECOMMENDATIONS_FILE_BYTES)
    for signature, kind in _DOCUMENT_SIGNATURES:
        if data.startswith(signature):
            raise InputFileError(
                f"'{path}' is {kind}, not a plain text file of recommendations.",
                hint=f"To match a report's recommendations, run: drafter match {path}",
            )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            text = None
    elif b"\x00" in data:
        text = None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = _windows_text(data)
    if text is None:
        raise InputFileError(
            f"'{path}' is not a plain text file.",
            hint="Save the recommendations as UTF-8 text, one a line, "
            "or give the report itself: drafter match REPORT.",
        )
    texts = [line.strip() for line in text.splitlines() if line.strip()]
    if not texts:
        raise InputFileError(
            f"'{path}' holds no recommendations.", hint="Put one recommendation on each line."
        )
    return texts


_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _windows_text(data: bytes) -> str | None:
    """Text saved by an older Windows program (Windows-1252, e.g. a '£' or curly
    quotes), or None for bytes that are not text at all."""
    if _CONTROL_BYTES.search(data):
        return None
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return None


def check_recommendation_texts(texts: Sequence[str]) -> list[str]:
    """``texts`` stripped; refuses an empty one (``--text ""``)."""
    from drafter.core.errors import InputFileError

    cleaned = [" ".join(t.split()) for t in texts]
    if not all(cleaned):
        raise InputFileError(
            "A recommendation given with --text is empty.",
            hint='Give its words, e.g. --text "Reduce caseloads for probation officers".',
        )
    return cleaned


def library_matcher(
    library: Library,
    progress: Callable[[int, int], None] | None = None,
    *,
    allow_empty: bool = False,
) -> Matcher:
    """The :class:`Matcher` over ``library``'s active actions and recorded
    decisions, loaded from the index cache (:mod:`drafter.matching.index`)
    when the library has not changed since it was built. An empty library is
    refused unless ``allow_empty``; ``progress(done, total)`` follows a build."""
    from drafter.matching.index import cached_index

    if library.content_version().active_actions == 0:
        library.ensure_usable(allow_empty=allow_empty)
    return cached_index(
        library,
        lambda: Matcher(library.actions(), feedback=library.feedback(), progress=progress),
        Matcher,
    )


def match_texts(texts: Sequence[str], library: Library, top: int = 3) -> list[RecommendationMatch]:
    """Match recommendations that arrived without a report (numbered 1, 2, …)."""
    recommendations = [Recommendation(i, "", t) for i, t in enumerate(texts, start=1)]
    return library_matcher(library).match(recommendations, top=top)


def match_report(
    report: Report, library: Library, top: int = 3, *, allow_empty: bool = False
) -> list[RecommendationMatch]:
    """Match every recommendation of a report. An empty library is an error
    unless ``allow_empty`` (then every recommendation has no candidates)."""
    return library_matcher(library, allow_empty=allow_empty).match(report.recommendations, top=top)


def match_to_dict(result: RecommendationMatch) -> dict:
    """The ``--json`` shape of one recommendation's matches. ``weak_candidates``
    (same shape as ``candidates``) are the closest suggestions of a
    recommendation with no good match."""
    return {
        "number": result.recommendation.number,
        "addressee": result.recommendation.addressee,
        "text": result.recommendation.text,
        "no_match": result.no_match,
        "candidates": [_candidate_dict(c) for c in result.candidates],
        "weak_candidates": [_candidate_dict(c) for c in result.weak_candidates],
    }


def matches_json(results: Iterable[RecommendationMatch]) -> Iterator[str]:
    """Each result as one line of JSON, exactly ``json.dumps(match_to_dict(r),
    ensure_ascii=False)``. A long --from-file list repeats itself: a result
    with the same recommendation and candidates as one before is encoded once,
    and only its number is written afresh (keep the key below in step with
    what :func:`match_to_dict` reads)."""
    import json

    encode = json.JSONEncoder(ensure_ascii=False, default=str).encode
    encoded: dict[tuple, str] = {}
    for result in results:
        recommendation = result.recommendation
        key = (
            recommendation.addressee,
            recommendation.text,
            result.no_match,
            tuple((c.action.id, c.score, c.reason) for c in result.candidates),
            tuple((c.action.id, c.score, c.reason) for c in result.weak_candidates),
        )
        rest = encoded.get(key)
        if rest is None:
            whole = encode(match_to_dict(result))
            head = '{"number": ' + encode(recommendation.number)
            if not whole.startswith(head):  # not the usual shape: no reuse
                yield whole
                continue
            rest = encoded[key] = whole[len(head) :]
        yield '{"number": ' + encode(recommendation.number) + rest


def _candidate_dict(c: Candidate) -> dict:
    return {
        "id": c.action.id,
        "external_id": c.action.external_id,
        "action": c.action.text,
        "score": c.score,
        "unit": c.action.unit,
        "date": c.action.committed_on.isoformat() if c.action.committed_on else None,
        "reason": c.reason,
    }


#: How low "weaker suggestions" go: below this an action shares too little
#: with the recommendation to be worth reading.
WEAK_FLOOR = 20.0


def match_report_with_weaker(
    report: Report, library: Library, top: int = 12, *, floor: float = WEAK_FLOOR
) -> list[RecommendationMatch]:
    """Like :func:`match_report`, but candidates down to ``floor`` are kept so a
    reviewer can ask to see the weaker ones below the no-match line.
    ``no_match`` still says whether any candidate clears the usual line."""
    import copy

    matcher = library_matcher(library, allow_empty=True)
    lowered = copy.copy(matcher)  # shares the index; only the line differs
    lowered.threshold = min(floor, matcher.threshold)
    results = lowered.match(report.recommendations, top=top)
    for result in results:
        result.no_match = not any(c.score >= matcher.threshold for c in result.candidates)
    return results
