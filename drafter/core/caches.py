"""Where drafter keeps what it can rebuild: the matching index and compiled templates.

Everything under this folder is an accelerator only; deleting it is always safe.
``$DRAFTER_CACHE_DIR`` chooses another folder (the tests use a temporary one).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

CACHE_ENV_VAR = "DRAFTER_CACHE_DIR"


def cache_folder(kind: str) -> Path:
    """The folder for one kind of cached thing ("index", "templates")."""
    chosen = os.environ.get(CACHE_ENV_VAR)
    if chosen:
        return Path(chosen).expanduser() / kind
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("drafter", appauthor=False)) / kind


def derived(kind: str, sources: tuple[bytes, ...], build: Callable[[], T]) -> T:
    """``build()``, kept in the cache folder under ``kind`` and keyed by the
    bytes it is derived from (``sources``: a data file and the code that reads
    it), so that reading and parsing them again is skipped while neither
    changes. ``build()`` must return plain Python data (tuples, strings,
    numbers, dicts, lists): it is stored with :mod:`pickle`, in the user's own
    cache folder like the matching index. A missing, damaged or unwritable
    cache file only means ``build()`` runs."""
    import hashlib
    import pickle
    import sys

    digest = hashlib.sha256(sys.version.encode())
    for source in sources:
        digest.update(hashlib.sha256(source).digest())
    path = cache_folder("derived") / f"{kind}-{digest.hexdigest()[:32]}.pickle"
    try:
        return pickle.loads(path.read_bytes())
    except Exception:  # noqa: BLE001 - a missing, damaged or foreign file is only a miss
        pass
    value = build()
    _save_derived(path, kind, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return value


def _save_derived(path: Path, kind: str, data: bytes) -> None:
    """Write atomically, removing the files of older sources; a failure leaves
    the value working, only not kept."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        for old in path.parent.glob(f"{kind}-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        return
