"""The typed records every step of drafter passes along.

``Report`` is what the reader extracts from an inspection report.
``LibraryAction`` is one previously committed action in the library.
``Candidate`` / ``RecommendationMatch`` are what matching suggests.
``ResponsePlan`` is what the letter is drafted from: for each recommendation,
the actions committed in reply (from review decisions, or the best match).

These are plain dataclasses with ``to_dict``/``from_dict`` so that JSON
output, review files and the database all share one shape.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

#: "dipp": a Dynamic Inspection of Public Protection, regional, from 2026.
ReportKind = Literal["pdu", "yjs", "region", "dipp"]
RATINGS = ("Outstanding", "Good", "Requires improvement", "Inadequate")
AGREEMENTS = ("Agreed", "Partly agreed", "Not agreed")


@dataclass(frozen=True)
class Standard:
    """One inspected standard, e.g. code "2.1", name "Assessment", rating "Inadequate"."""

    code: str
    name: str
    rating: str


@dataclass(frozen=True)
class Recommendation:
    """A recommendation exactly as printed: its number as printed (numbering can
    restart per addressee), the body it is addressed to, and its text with the
    list marker and trailing ';', '.' or ' and' removed."""

    number: int
    addressee: str
    text: str
    #: How the lead-in puts it after the addressee: "should", "must",
    #: "should, as a priority" ("should" when the report does not say). Wording
    #: only: two records of the same recommendation are equal whatever it says.
    verb: str = field(default="should", compare=False)


@dataclass(frozen=True)
class Finding:
    """A strength or area for improvement, with the code of the standard it sits
    under ("1.1", …) or a section label such as "Diversity and inclusion"."""

    standard: str | None
    text: str


@dataclass(frozen=True)
class KeyQuestion:
    standard: str
    question: str
    percentage: int


@dataclass
class Report:
    kind: ReportKind
    unit: str
    region: str | None = None
    publication_date: str | None = None  # ISO date "2025-01-16" where stated
    fieldwork: str | None = None  # "June 2025"
    overall_rating: str | None = None
    score: str | None = None  # as printed, "5/21"; never recomputed
    standards: list[Standard] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    strengths: list[Finding] = field(default_factory=list)
    areas_for_improvement: list[Finding] = field(default_factory=list)
    key_questions: list[KeyQuestion] = field(default_factory=list)
    chief_inspector: str | None = None  # without honours: "Martin Jones"
    lead_inspector: str | None = None
    foreword: str = ""
    sha256: str = ""
    source_path: str | None = None
    source_format: str | None = None  # "html", "pdf", "docx", "text"
    warnings: list[str] = field(default_factory=list)

    @property
    def unit_short(self) -> str:
        """The unit without a trailing "PDU"/"YJS"/"region": "Stockton and Hartlepool"."""
        name = self.unit
        for suffix in (" PDU", " YJS", " Youth Justice Service", " region", " Region"):
            if name.endswith(suffix):
                return name[: -len(suffix)]
        return name

    @property
    def display_name(self) -> str:
        """The unit as a letter names it. Youth justice reports title the bare
        area ("Stourmere"), which alone would not say which service is meant."""
        if self.kind == "yjs" and not any(
            word in self.unit.lower() for word in ("yjs", "youth justice", "yot", "youth offending")
        ):
            return f"{self.unit} Youth Justice Service"
        return self.unit

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["unit_short"] = self.unit_short
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["standards"] = [Standard(**s) for s in data.get("standards", [])]
        values["recommendations"] = [Recommendation(**r) for r in data.get("recommendations", [])]
        values["strengths"] = [Finding(**f) for f in data.get("strengths", [])]
        values["areas_for_improvement"] = [
            Finding(**f) for f in data.get("areas_for_improvement", [])
        ]
        values["key_questions"] = [KeyQuestion(**q) for q in data.get("key_questions", [])]
        return cls(**values)


@dataclass
class LibraryAction:
    """A previously committed action, as stored in the library."""

    id: int
    text: str
    recommendation: str | None = None  # the recommendation it originally answered
    unit: str | None = None
    region: str | None = None
    committed_on: date | None = None
    owner: str | None = None
    due: str | None = None  # as written: "June 2023", "2024-03-31"
    tags: list[str] = field(default_factory=list)
    external_id: str | None = None
    source_kind: str = "import"  # "starter", "import", "letter", "manual"
    source_ref: str | None = None  # import file name, or archived letter id
    status: str = "active"  # "active", "superseded", "retired"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def source_label(self) -> str:
        """Where the action came from, for people: "Calderholme PDU, 18 April 2023"."""
        from drafter.core.dates import long_date

        parts = [p for p in (self.unit, long_date(self.committed_on)) if p]
        return ", ".join(parts) or (self.source_ref or self.source_kind)


@dataclass
class Candidate:
    """A library action suggested for a recommendation, with a 0-100 score and a
    short human-readable reason (the terms and phrases they share)."""

    action: LibraryAction
    score: float
    reason: str


@dataclass
class RecommendationMatch:
    recommendation: Recommendation
    candidates: list[Candidate]
    #: True when no candidate clears the calibrated threshold: the library has
    #: nothing good for this recommendation and the letter needs a new action.
    no_match: bool = False
    #: When ``no_match``: the closest suggestions all the same, best first,
    #: marked weak. A reviewer may pick one (the line is sometimes wrong about
    #: recommendations worded unlike the library); the letter never uses one
    #: on its own.
    weak_candidates: list[Candidate] = field(default_factory=list)


@dataclass
class PlannedAction:
    """One bullet the letter will commit to."""

    text: str
    source_action_id: int | None = None  # library action it came from, if any
    score: float | None = None
    source_label: str | None = None  # "Calderholme PDU, 18 April 2023"
    alternatives: list[Candidate] = field(default_factory=list)  # next best, for the comment
    edited: bool = False  # reviewer reworded it or wrote it new
    #: Things the editor must check, e.g. "contains a date from the original letter".
    review_flags: list[str] = field(default_factory=list)
    placeholder: bool = False  # no real action yet: highlighted in the letter
    #: The alternatives are weak: the closest suggestions below the no-match line.
    weak_alternatives: bool = False


@dataclass
class PlannedResponse:
    """The reply to one recommendation."""

    recommendation: Recommendation
    agreement: str | None = None  # one of AGREEMENTS
    actions: list[PlannedAction] = field(default_factory=list)
    owner: str | None = None
    target_date: str | None = None
    decided: bool = False  # came from a review file's decision rather than best match
    note: str | None = None  # the reviewer's note, e.g. why it is not agreed
    #: A person chose this reply: False for the best match taken automatically
    #: and for a decision pre-filled by ``review --sheet --accept-best``.
    reviewed: bool = False
    reviewed_by: str | None = None  # who decided, as the review file records it
    reviewed_at: str | None = None  # when (ISO timestamp), as the review file records it


@dataclass
class ResponsePlan:
    report: Report
    responses: list[PlannedResponse]
