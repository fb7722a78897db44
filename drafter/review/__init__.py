"""Reviewers' decisions on the suggestions, kept in a review file and the database."""

from drafter.core.lazy import lazy_exports

_WHERE = {
    "ChosenAction": "file",
    "Choice": "decisions",
    "apply_choice": "decisions",
    "recommendation_view": "decisions",
    "ReviewDecision": "file",
    "ReviewFile": "file",
    "build_review": "file",
    "default_review_path": "file",
    "load_review": "file",
    "mark_decided": "file",
    "open_review": "session",
    "record_decisions": "session",
    "review_status": "session",
    "save_review": "file",
    "summarise_review": "file",
    "write_sheet": "session",
}
__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_exports("drafter.review", _WHERE)
