"""Reading an inspection report (HTML, MHTML, PDF, Word, OpenDocument, text) into a
Report record."""

from drafter.core.lazy import lazy_exports

_WHERE = {
    "detect_format": "reader",
    "read_report": "reader",
    "read_report_bytes": "reader",
}
__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_exports("drafter.reading", _WHERE)
