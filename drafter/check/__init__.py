"""Checking an edited response letter before it is sent (``drafter check``).

Layer: beside :mod:`drafter.archive` and :mod:`drafter.letter` (below the
command line and the web front end). It reads the letter with the archive's
sent-letter reader (:mod:`drafter.archive.sent_letter`,
:mod:`drafter.archive.paragraphs`), ties bullets to recommendations as
``archive`` does (:func:`drafter.archive.store.link_actions`) and uses the
letter's naming helpers (:mod:`drafter.letter.plan`). Nothing here imports the
command line; results are dataclasses and the wording for the terminal lives
in :mod:`drafter.cli.presenters`.
"""

from drafter.core.lazy import lazy_exports

_WHERE = {
    "CheckIssue": "checker",
    "CheckResult": "checker",
    "check_letter": "checker",
    "check_letter_bytes": "checker",
}
__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_exports("drafter.check", _WHERE)
