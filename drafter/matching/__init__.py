"""Matching recommendations to the library's past actions, with scores and reasons."""

from drafter.core.lazy import lazy_exports

_WHERE = {
    "Matcher": "matcher",
    "NO_MATCH_THRESHOLD": "matcher",
    "library_matcher": "matcher",
    "match_report": "matcher",
    "match_report_with_weaker": "matcher",
    "match_texts": "matcher",
    "match_to_dict": "matcher",
    "matches_json": "matcher",
}
__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_exports("drafter.matching", _WHERE)
