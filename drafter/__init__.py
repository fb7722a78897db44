"""drafter: draft HMPPS response letters to HM Inspectorate of Probation reports.

The library API can be used without the command line::

    from drafter import read_report
    report = read_report("report.pdf")
"""

#: The library API, imported on first use so ``import drafter`` stays fast (the
#: readers pull in PDF and HTML parsers, matching numpy, drafting python-docx).
_LAZY = {
    "read_report": "drafter.reading.reader",
    "Library": "drafter.library.store",
    "match_report": "drafter.matching.matcher",
    "build_plan": "drafter.letter.plan",
    "render_letter": "drafter.letter.document",
    "draft_letter": "drafter.letter.drafting",
    "archive_letter": "drafter.archive.store",
    "read_sent_letter": "drafter.archive.sent_letter",
    "load_config": "drafter.letter.settings",
    # The record types too: ``drafter --help`` needs none of them.
    "DrafterError": "drafter.core.errors",
    "Candidate": "drafter.core.model",
    "Finding": "drafter.core.model",
    "LibraryAction": "drafter.core.model",
    "PlannedAction": "drafter.core.model",
    "PlannedResponse": "drafter.core.model",
    "Recommendation": "drafter.core.model",
    "RecommendationMatch": "drafter.core.model",
    "Report": "drafter.core.model",
    "ResponsePlan": "drafter.core.model",
    "Standard": "drafter.core.model",
}


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


def __getattr__(name: str):  # noqa: ANN202 - module-level lazy attribute hook
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'drafter' has no attribute {name!r}")


__all__ = [
    "Library",
    "archive_letter",
    "build_plan",
    "load_config",
    "read_sent_letter",
    "draft_letter",
    "match_report",
    "read_report",
    "render_letter",
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
