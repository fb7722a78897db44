"""The action library: its database and migrations, import and export, the starter library."""

from drafter.core.lazy import lazy_exports

_WHERE = {
    "Decision": "store",
    "ImportResult": "transfer",
    "Library": "store",
    "LibraryVersion": "version",
    "action_fingerprint": "keys",
    "export_actions": "transfer",
    "import_actions": "transfer",
    "read_starter_records": "transfer",
    "recommendation_key": "keys",
    "resolve_url": "version",
}
__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_exports("drafter.library", _WHERE)
