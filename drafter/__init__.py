"""drafter: draft HMPPS response letters to HM Inspectorate of Probation reports.

The library API can be used without the command line::

    from drafter import read_report
    report = read_report("report.pdf")
"""

from .errors import DrafterError
from .model import (
    Candidate,
    Finding,
    LibraryAction,
    PlannedAction,
    PlannedResponse,
    Recommendation,
    RecommendationMatch,
    Report,
    ResponsePlan,
    Standard,
)

__all__ = [
    "Candidate",
    "DrafterError",
    "Finding",
    "LibraryAction",
    "PlannedAction",
    "PlannedResponse",
    "Recommendation",
    "RecommendationMatch",
    "Report",
    "ResponsePlan",
    "Standard",
]
