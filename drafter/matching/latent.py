"""A latent semantic space for matching (LSA): which terms HMPPS wording uses
together, so that a recommendation can find an action that shares few of its
words but many of their companions.

Inspectors and letter writers rarely use the same words for one thing ("people
living in probation-run hostels" against "residents of approved premises").
The lexicon names the ideas it knows; this space adds what the domain's usual
wording says about the rest. It is fitted once per process on drafter's
starter library: 260 actions in plain HMPPS wording across every theme, each
with the kind of recommendation it answers, written for drafter. A library's
actions and each recommendation are then placed in it. Fitting on the user's
library as well was measured: no better on the blind libraries (MRR 0.882
against 0.887) and a refit for every change to the library, where this costs
nothing after the first build. The fit is an exact truncated singular value
decomposition of the TF-IDF matrix, through its small Gram matrix, with numpy
alone.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from drafter.core.textmatch import TermTable

#: Dimensions kept. Swept on every kind of material: MRR on eleven blind
#: libraries is flat from 40 to 60 (0.884-0.888) and lower at 30 and 80.
LATENT_DIMENSIONS = 50

#: Term cells projected at once (bounds the temporary arrays to ~40 MB).
_PROJECT_CHUNK = 200_000


@dataclass
class LatentSpace:
    """Term loadings of the fitted space and the IDF the documents were
    weighted with; :meth:`project` places a text's terms in the space."""

    columns: dict[str, int]
    idf: np.ndarray
    loadings: np.ndarray

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


def _background_texts() -> list[str]:
    """The starter library's actions, each text with the recommendation it
    answers (read only when an index is built). Read here rather than through
    ``library.transfer.read_starter_records``, whose module brings SQLAlchemy:
    drafting after a library change must not load it."""
    from drafter.core.packaged import packaged_yaml

    loaded = packaged_yaml("data/starter_library.yaml")
    return [f"{item['action']} {item.get('recommendation') or ''}" for item in loaded["actions"]]


@cache
def starter_space() -> LatentSpace | None:
    """The space fitted on the starter library, once per process (None if it
    were ever too small to fit one)."""
    from drafter.core.textmatch import term_table

    table = term_table(_background_texts())
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
    matrix = np.zeros((size, len(order)), dtype=np.float64)
    matrix[docs, column_of[term_ids]] = weights
    loadings = _top_right_vectors(matrix, dimensions)[column_of]
    columns = {term: i for i, term in enumerate(table.vocabulary)}
    return LatentSpace(columns, idf, loadings)


def _unit_documents(docs: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    """Cell weights scaled so that each document's vector has unit length."""
    norms = np.sqrt(np.bincount(docs, weights=weights * weights, minlength=size))
    return weights / np.where(norms > 0, norms, 1.0)[docs]


def _top_right_vectors(matrix: np.ndarray, dimensions: int) -> np.ndarray:
    """The ``dimensions`` leading right singular vectors of ``matrix`` (columns
    x dimensions), exactly: from the eigenvectors of the matrix times its
    transpose (rows x rows: one row per starter action)."""
    values, vectors = np.linalg.eigh(matrix @ matrix.T)
    leading = np.argsort(values)[::-1][:dimensions]
    scale = np.sqrt(np.maximum(values[leading], 1e-12))
    return (matrix.T @ vectors[:, leading] / scale).astype(np.float32)


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Each row scaled to unit length (rows of zeros stay zeros)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
