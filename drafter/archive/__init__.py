"""Reading the letter as sent, archiving it, and following up its commitments."""

from drafter.core.lazy import lazy_exports

_WHERE = {
    "ArchiveResult": "store",
    "Commitment": "commitments",
    "preview_sent_letter": "preview",
    "SentLetter": "sent_letter",
    "archive_folder": "folder",
    "archive_letter": "store",
    "get_letter": "store",
    "list_commitments": "commitments",
    "list_letters": "store",
    "mark_done": "commitments",
    "read_sent_letter": "sent_letter",
    "remove_letter": "store",
    "reopen": "commitments",
}
__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_exports("drafter.archive", _WHERE)
