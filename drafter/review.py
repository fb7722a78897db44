"""Reviewers' decisions on suggested matches, kept in a review file.

A review file is YAML beside the report (``<report>.review.yaml``), readable and
editable by hand, with a schema version. ``drafter draft --review FILE`` drafts
from it; ``drafter review`` writes it one decision at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SCHEMA_VERSION = 1
DecisionStatus = Literal["pending", "decided", "no_action"]


@dataclass
class ChosenAction:
    """An action the reviewer committed to for one recommendation."""

    text: str
    library_id: int | None = None  # None for a new action written by the reviewer
    score: float | None = None
    source: str | None = None  # "Calderholme PDU, 18 April 2023"
    edited: bool = False  # reworded from the library action, or new


@dataclass
class SuggestedAction:
    """A candidate shown to the reviewer (kept in the file for editing by hand)."""

    library_id: int
    text: str
    score: float
    source: str | None = None
    reason: str | None = None


@dataclass
class ReviewDecision:
    number: int
    addressee: str
    recommendation: str
    status: DecisionStatus = "pending"
    agreement: str | None = None  # "Agreed", "Partly agreed", "Not agreed"
    actions: list[ChosenAction] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)  # library ids turned down
    owner: str | None = None
    target_date: str | None = None
    note: str | None = None
    suggestions: list[SuggestedAction] = field(default_factory=list)


@dataclass
class ReviewFile:
    report_sha256: str
    unit: str
    report_path: str | None = None
    decisions: list[ReviewDecision] = field(default_factory=list)
    schema_version: int = SCHEMA_VERSION
