"""Where drafter keeps what it can rebuild: the matching index and compiled templates.

Everything under this folder is an accelerator only; deleting it is always safe.
``$DRAFTER_CACHE_DIR`` chooses another folder (the tests use a temporary one).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

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
    """Write atomically, removing the files of older sources (of ``kind``,
    when given); a failure leaves the value working, only not kept."""
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
        for old in path.parent.glob(f"{kind}-*.pickle") if kind else ():
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        return


# --- compiled regular expressions ----------------------------------------------------

#: (pattern, flags) -> the arguments ``re`` gave the regex engine for it.
_regex_programs: dict[tuple[str | bytes, int], tuple] | None = None
_regex_added = False
#: The file they were read from, and are added to at exit (the cache folder
#: chosen when this process first needed a pattern).
_regex_path: Path | None = None


def compiled_regex(pattern: str | bytes, flags: int = 0) -> Any:
    """``re.compile(pattern, flags)``, without parsing and compiling the
    pattern again in every process.

    Python's regex parser and compiler are written in Python and drafter has
    a hundred patterns: building them took about a tenth of drafting a
    letter. The program ``re`` builds for a pattern is kept in the cache folder
    (one file per Python version and regex engine) and handed straight to the
    engine next time. A program is kept only when the pattern built from it
    equals the one ``re.compile`` builds (patterns compare by their program),
    and anything unexpected falls back to ``re.compile``."""
    import re

    global _regex_programs, _regex_added, _regex_path
    try:
        import _sre

        flags = int(flags)  # re.I and friends are an int subclass marshal refuses

        if _regex_programs is None:
            _regex_path = _regex_file()
            _regex_programs = _read_regex_programs(_regex_path)
        arguments = _regex_programs.get((pattern, flags))
        if arguments is not None:
            return _sre.compile(*arguments)
        arguments = _regex_program(pattern, flags)
        built = re.compile(pattern, flags)
        if arguments is not None and _sre.compile(*arguments) == built:
            _regex_programs[(pattern, flags)] = arguments
            if not _regex_added:
                import atexit

                atexit.register(_write_regex_programs)
                _regex_added = True
        return built
    except Exception:  # noqa: BLE001 - the cache only ever speeds things up
        return re.compile(pattern, flags)


def _regex_program(pattern: str | bytes, flags: int) -> tuple | None:
    """What ``re._compiler.compile`` passes to ``_sre.compile`` (CPython)."""
    from re import _compiler, _parser

    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, number in groupindex.items():
        indexgroup[number] = name
    return (
        pattern,
        int(flags | parsed.state.flags),
        [int(c) for c in code],  # (opcodes are an int subclass marshal refuses)
        parsed.state.groups - 1,
        groupindex,
        tuple(indexgroup),
    )


def _regex_file() -> Path:
    import _sre
    import hashlib
    import sys

    engine = f"{sys.implementation.cache_tag}|{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}"
    return cache_folder("regex") / f"{hashlib.sha256(engine.encode()).hexdigest()[:24]}.marshal"


def _read_regex_programs(path: Path) -> dict:
    import marshal

    try:
        loaded = marshal.loads(path.read_bytes())
    except Exception:  # noqa: BLE001 - missing or damaged: start afresh
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _write_regex_programs() -> None:
    """Add this process's new programs to the file (another process may
    have added others meanwhile), atomically; a failure only loses them."""
    import marshal

    if not _regex_programs or _regex_path is None:
        return
    try:
        path = _regex_path
        merged = {**_read_regex_programs(path), **_regex_programs}
        _save_derived(path, "", marshal.dumps(merged))
    except Exception:  # noqa: BLE001 - the cache only ever speeds things up
        return
