"""A latent semantic space for matching (LSA): which terms HMPPS wording uses
together, so that a recommendation can find an action that shares few of its
words but many of their companions.

Inspectors and letter writers rarely use the same words for one thing ("people
living in probation-run hostels" against "residents of approved premises").
The lexicon names the ideas it knows; this space adds what the domain's usual
wording says about the rest. It learns it from texts that put several wordings
of one request beside the action that answers it (``data/latent_training``,
see its README): drafter's starter library with eight more wordings of each
recommendation, and seventeen libraries, with their recommendations, written
for drafter by different authors. A library's actions and each recommendation
are then placed in it. The wordings matter most. On the seventeen libraries
(each scored with a space fitted without it; 50 dimensions), the starter
library alone gave MRR 0.880, with its extra wordings 0.903, with the other
libraries' actions but not their recommendations 0.892, and with both 0.920.
Fitting on the user's library as well was measured: no better (MRR 0.882
against 0.887 on the starter library) and a refit for every change to the
library. The fit is an exact truncated singular value decomposition of the
TF-IDF matrix, through its Gram matrix (documents x documents), with numpy
alone; it takes about a second, once: the space is then kept in the cache
folder until drafter's code or material changes.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from drafter.core.packaged import packaged, packaged_yaml

if TYPE_CHECKING:
    from drafter.core.textmatch import TermTable

#: Dimensions kept. Swept on every kind of material: on the blind libraries
#: MRR rises from 50 (0.923) to 64 (0.930) and holds to 100; our paraphrases
#: of the corpus fall beyond 64 (0.962 at 50, 0.956 at 64, 0.945 at 80).
LATENT_DIMENSIONS = 64

#: Term cells projected at once (bounds the temporary arrays to ~40 MB).
_PROJECT_CHUNK = 200_000

#: Pairs of cells multiplied at once while fitting (~25 MB of temporaries).
_PAIR_CHUNK = 500_000

#: drafter's own paired material the space also learns from (see its README).
TRAINING_FOLDER = "data/latent_training"


@dataclass
class LatentSpace:
    """Term loadings of the fitted space and the IDF the documents were
    weighted with; :meth:`project` places a text's terms in the space."""

    columns: dict[str, int]
    idf: np.ndarray
    loadings: np.ndarray

    def parts(self) -> tuple[tuple[str, ...], bytes, bytes]:
        """The space as plain data, to keep in the cache folder: the terms in
        column order, then the IDF and the loadings as float32 bytes."""
        terms = sorted(self.columns, key=self.columns.__getitem__)
        return tuple(terms), self.idf.tobytes(), self.loadings.tobytes()

    @classmethod
    def from_parts(cls, terms: tuple[str, ...], idf: bytes, loadings: bytes) -> LatentSpace:
        """The space :meth:`parts` described."""
        weights = np.frombuffer(idf, dtype=np.float32)
        matrix = np.frombuffer(loadings, dtype=np.float32).reshape(len(terms), -1)
        return cls({term: i for i, term in enumerate(terms)}, weights, matrix)

    def project_table(self, table: TermTable) -> np.ndarray:
        """Each text of a term table placed in the space, not yet scaled to
        unit length (texts x dimensions, float32), so that the vectors of an
        action's text and of the recommendation it answered can be added
        first. A chunk of term cells at a time bounds the memory."""
        column = np.fromiter(
            (self.columns.get(term, -1) for term in table.vocabulary),
            dtype=np.int64,
            count=len(table.vocabulary),
        )
        texts = len(table.ptr) - 1
        vectors = np.zeros((texts, self.loadings.shape[1]), dtype=np.float32)
        for start in range(0, len(table.term_ids), _PROJECT_CHUNK):
            end = min(start + _PROJECT_CHUNK, len(table.term_ids))
            columns = column[table.term_ids[start:end]]
            known = np.flatnonzero(columns >= 0)
            if not len(known):
                continue
            # The text each cell belongs to (cells are in text order).
            owner = np.searchsorted(table.ptr, start + known, side="right") - 1
            weights = (1.0 + np.log(table.counts[start:end][known].astype(np.float32))) * (
                self.idf[columns[known]]
            )
            cells = weights[:, None] * self.loadings[columns[known]]
            runs = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
            vectors[owner[runs]] += np.add.reduceat(cells, runs, axis=0)
        return vectors

    def project(self, counts: Counter[str]) -> np.ndarray:
        """The unit vector of a text's terms in the space (zeros when none of
        its terms is known)."""
        rows, weights = [], []
        for term, count in counts.items():
            column = self.columns.get(term)
            if column is not None:
                rows.append(column)
                weights.append((1.0 + math.log(count)) * float(self.idf[column]))
        if not rows:
            return np.zeros(self.loadings.shape[1], dtype=np.float32)
        vector = np.asarray(weights, dtype=np.float32) @ self.loadings[rows]
        return unit_rows(vector[None, :])[0]


def starter_texts() -> list[str]:
    """The starter library's actions, each text with the recommendation it
    answers and the other wordings of that recommendation in
    ``starter_paraphrases.yaml``. Read here rather than through
    ``library.transfer.read_starter_records``, whose module brings SQLAlchemy:
    drafting after a library change must not load it."""
    actions = packaged_yaml("data/starter_library.yaml")["actions"]
    wordings = packaged_yaml(f"{TRAINING_FOLDER}/starter_paraphrases.yaml")["paraphrases"]
    recommendations = [
        {"text": text, "fits": [item["id"]]}
        for item in wordings
        for text in item["recommendations"]
    ]
    return paired_texts(actions, recommendations)


def paired_texts(actions: Iterable[dict], recommendations: Iterable[dict]) -> list[str]:
    """One text per action of a training set: the action, the recommendation
    it answered and every other recommendation judged to be answered by it
    (``fits``). Putting several wordings of one request beside one answer is
    what teaches the space which words mean the same thing."""
    answering: dict[str, list[str]] = {}
    for recommendation in recommendations:
        for action_id in recommendation.get("fits") or ():
            answering.setdefault(str(action_id), []).append(recommendation["text"])
    return [
        " ".join(
            [item["action"], item.get("recommendation") or "", *answering.get(str(item["id"]), [])]
        )
        for item in actions
    ]


def training_sets() -> list[str]:
    """The names of the paired training sets shipped with drafter ("set_a", ...)."""
    folder = packaged(TRAINING_FOLDER)
    return sorted(path.name.removesuffix("_library.yaml") for path in folder.glob("*_library.yaml"))


def training_texts(leave_out: Collection[str] = ()) -> list[str]:
    """Everything the shipped space is fitted on: the starter library and the
    paired training sets, less any named in ``leave_out`` (the benchmark
    leaves out the set it is scoring, so that no figure is measured on text
    the space learnt from)."""
    texts = starter_texts()
    for name in training_sets():
        if name not in leave_out:
            texts += _training_set_texts(name)
    return texts


@cache
def _training_set_texts(name: str) -> tuple[str, ...]:
    """One training set's paired texts, parsed once per process (the
    benchmark fits a space without each set in turn)."""
    actions = packaged_yaml(f"{TRAINING_FOLDER}/{name}_library.yaml")["actions"]
    recommendations = packaged_yaml(f"{TRAINING_FOLDER}/{name}_recommendations.yaml")
    return tuple(paired_texts(actions, recommendations["recommendations"]))


@cache
def domain_space() -> LatentSpace | None:
    """The space fitted on :func:`training_texts`, once per process and kept
    in the cache folder until drafter's code or material changes: the fit
    takes about a second, and a library's index is rebuilt after every change
    to the library (None if the material were ever too small to fit one)."""
    from drafter.core.caches import derived

    sources = tuple(path.read_bytes() for path in space_sources())
    parts = derived("latent-space", sources, _fitted_parts)
    return LatentSpace.from_parts(*parts) if parts else None


def _fitted_parts() -> tuple[tuple[str, ...], bytes, bytes] | None:
    space = fit_space(training_texts())
    return space.parts() if space is not None else None


def space_sources() -> tuple[Path, ...]:
    """The files drafter's space is derived from: this code, the code and
    lexicon that turn texts into terms, and the material it learns from."""
    return (
        Path(__file__),
        packaged("core/textmatch.py"),
        packaged("data/concepts.yaml"),
        packaged("data/starter_library.yaml"),
        *sorted(packaged(TRAINING_FOLDER).glob("*.yaml")),
    )


def fit_space(texts: Sequence[str]) -> LatentSpace | None:
    """A latent space fitted on ``texts``: an exact truncated singular value
    decomposition of their TF-IDF matrix (unit rows)."""
    from drafter.core.textmatch import term_table

    table = term_table(list(texts))
    lengths = np.diff(table.ptr)
    size = len(lengths)
    docs = np.repeat(np.arange(size, dtype=np.int64), lengths)
    term_ids = table.term_ids.astype(np.int64)
    frequency = np.bincount(term_ids, minlength=len(table.vocabulary))
    idf = (np.log((1.0 + size) / (1.0 + frequency)) + 1.0).astype(np.float32)
    raw = (1.0 + np.log(table.counts.astype(np.float64))) * idf[term_ids]
    weights = _unit_documents(docs, raw, size)
    dimensions = min(LATENT_DIMENSIONS, size - 1, len(table.vocabulary) - 1)
    if dimensions < 2:
        return None
    # Columns in the order of the terms themselves, not the order the texts
    # revealed them (which Python's string hashing can vary between runs), so
    # that the sums below, and the space, come out the same to the last bit.
    order = np.argsort(np.array(table.vocabulary), kind="stable")
    column_of = np.empty(len(order), dtype=np.int64)
    column_of[order] = np.arange(len(order))
    cells = _Cells.sorted(docs, column_of[term_ids], weights)
    values, vectors = np.linalg.eigh(cells.gram(size))
    leading = np.argsort(values)[::-1][:dimensions]
    basis = vectors[:, leading] / np.sqrt(np.maximum(values[leading], 1e-12))
    loadings = cells.loadings(basis, len(order))[column_of].astype(np.float32)
    columns = {term: i for i, term in enumerate(table.vocabulary)}
    return LatentSpace(columns, idf, loadings)


def _unit_documents(docs: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    """Cell weights scaled so that each document's vector has unit length."""
    norms = np.sqrt(np.bincount(docs, weights=weights * weights, minlength=size))
    return weights / np.where(norms > 0, norms, 1.0)[docs]


@dataclass
class _Cells:
    """The non-zero cells of the document-term matrix, by column then
    document. The matrix itself (thousands of texts by tens of thousands of
    terms) is never made: the products the fit needs are summed cell by cell,
    which costs a term's document count squared for each term, a few million
    products for drafter's material."""

    docs: np.ndarray
    columns: np.ndarray
    weights: np.ndarray

    @classmethod
    def sorted(cls, docs: np.ndarray, columns: np.ndarray, weights: np.ndarray) -> _Cells:
        order = np.lexsort((docs, columns))
        return cls(docs[order], columns[order], weights[order])

    def gram(self, size: int) -> np.ndarray:
        """The matrix times its transpose (documents x documents): each term
        adds the product of every pair of its documents' weights."""
        starts = np.flatnonzero(np.r_[True, self.columns[1:] != self.columns[:-1]])
        lengths = np.diff(np.r_[starts, len(self.columns)])
        partners = np.repeat(lengths, lengths)  # each cell pairs with its term's cells
        first = np.repeat(starts, lengths)  # the first cell of each cell's term
        ends = np.cumsum(partners)
        gram = np.zeros(size * size)
        start = 0
        while start < len(self.docs):
            done = ends[start - 1] if start else 0
            end = max(int(np.searchsorted(ends, done + _PAIR_CHUNK, side="right")), start + 1)
            counts = partners[start:end]
            left = np.repeat(np.arange(start, end), counts)
            right = np.repeat(first[start:end], counts) + (
                np.arange(len(left)) - np.repeat(np.cumsum(counts) - counts, counts)
            )
            gram += np.bincount(
                self.docs[left] * size + self.docs[right],
                weights=self.weights[left] * self.weights[right],
                minlength=size * size,
            )
            start = end
        return gram.reshape(size, size)

    def loadings(self, basis: np.ndarray, columns: int) -> np.ndarray:
        """The matrix's transpose times ``basis`` (columns x dimensions): the
        leading right singular vectors when ``basis`` holds the left ones
        divided by their singular values."""
        loadings = np.zeros((columns, basis.shape[1]))
        for start in range(0, len(self.docs), _PROJECT_CHUNK // basis.shape[1]):
            end = start + _PROJECT_CHUNK // basis.shape[1]
            column = self.columns[start:end]
            runs = np.flatnonzero(np.r_[True, column[1:] != column[:-1]])
            products = self.weights[start:end, None] * basis[self.docs[start:end]]
            loadings[column[runs]] += np.add.reduceat(products, runs, axis=0)
        return loadings


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Each row scaled to unit length (rows of zeros stay zeros)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
