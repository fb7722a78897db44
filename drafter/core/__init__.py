"""The records every stage passes along, the errors users see, and helpers all stages share."""

from drafter.core.lazy import lazy_exports

_WHERE = {
    "Candidate": "model",
    "ConfigError": "errors",
    "DatabaseError": "errors",
    "DrafterError": "errors",
    "Finding": "model",
    "InputFileError": "errors",
    "KeyQuestion": "model",
    "LibraryAction": "model",
    "LibraryError": "errors",
    "NotAReportError": "errors",
    "OutputExistsError": "errors",
    "OutputWriteError": "errors",
    "PlannedAction": "model",
    "PlannedResponse": "model",
    "Recommendation": "model",
    "RecommendationMatch": "model",
    "Report": "model",
    "ResponsePlan": "model",
    "ReviewFileError": "errors",
    "Standard": "model",
    "TemplateError": "errors",
    "counted": "wording",
    "unit_key": "regions",
}
__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_exports("drafter.core", _WHERE)
