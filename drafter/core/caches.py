"""Where drafter keeps what it can rebuild: the matching index and compiled templates.

Everything under this folder is an accelerator only; deleting it is always safe.
``$DRAFTER_CACHE_DIR`` chooses another folder (the tests use a temporary one).
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV_VAR = "DRAFTER_CACHE_DIR"


def cache_folder(kind: str) -> Path:
    """The folder for one kind of cached thing ("index", "templates")."""
    chosen = os.environ.get(CACHE_ENV_VAR)
    if chosen:
        return Path(chosen).expanduser() / kind
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("drafter", appauthor=False)) / kind
