"""What makes two actions, or two recommendations, the same: stable keys.

Kept apart from :mod:`drafter.library.store` so that importing and archiving
can compute them without importing the store (and the store imports them).
"""

from __future__ import annotations

import hashlib
from datetime import date


def action_fingerprint(
    text: str, recommendation: str | None, unit: str | None, committed_on: date | None
) -> str:
    """What makes two rows the same action: the same words (ignoring case and
    spacing), answering the same recommendation, for the same unit and date."""
    parts = [
        " ".join((value or "").split()).casefold()
        for value in (text, recommendation, unit, committed_on.isoformat() if committed_on else "")
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def recommendation_key(text: str) -> str:
    """A stable key for a recommendation's wording (hash of its normalised text)."""
    from drafter.core.textmatch import normalise

    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()
