"""The matching index for a library, built once and kept until the library changes.

Tokenising every action is the slow part of matching (a 10,000-action library
takes a noticeable fraction of a second, 100,000 more than a second), and each
``drafter`` command is a new process. So :func:`cached_index` keeps the built
:class:`~drafter.matching.matcher.Matcher` (``library_matcher`` asks for it):

- in memory, for the life of the process (the web front end, batch drafting);
- on disk, in the user's cache folder, under a key made of the database's
  address, its content version (:meth:`Library.content_version`, one query)
  and a fingerprint of the matching code and data, so that an upgrade of
  drafter or any change to the library builds a fresh one.

The cache is only an accelerator: a missing, stale, unreadable or unwritable
cache file means the index is built as before. The files are Python pickles,
so they live in the user's own cache folder (``$DRAFTER_CACHE_DIR`` to choose
another), with the same trust as the user's database and settings files.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from drafter.core.caches import cache_folder

if TYPE_CHECKING:
    from drafter.library.store import Library
    from drafter.matching.matcher import Matcher

#: Old index files kept per database (others are removed when a new one is saved).
KEEP_PER_DATABASE = 2

_in_memory: dict[str, Matcher] = {}


def cached_index(library: Library, build: Callable[[], Matcher], kind: type) -> Matcher:
    """The index built by ``build()`` for ``library`` as it is now: from memory
    or the cache folder when the library has not changed since, otherwise
    built and kept. ``kind`` is the class a cached file must hold."""
    version = library.content_version()
    key = _cache_key(library.url, version.schema or "", version.contents)
    index = _in_memory.get(key)
    if index is not None:
        return index
    path = _cache_file(library.url, key)
    index = _load(path, kind)
    if index is None:
        index = build()
        prepare = getattr(index, "prepare", None)
        if prepare is not None:
            prepare()  # so that the file keeps what matching works out on first use
        _save(path, index)
    _in_memory.clear()  # one library per process at a time is the usual case
    _in_memory[key] = index
    return index


@cache
def _code_fingerprint() -> str:
    """What the index is built by: the matching code and what the latent
    space is derived from (the term code, the concept lexicon and its
    training material). Reading these files costs far less than a rebuild
    after an upgrade."""
    from drafter.matching.latent import space_sources

    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in (
        package / "matching" / "matcher.py",
        *space_sources(),
        Path(__file__),  # the file format
    ):
        digest.update(path.name.encode())
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(str(path).encode())
    return digest.hexdigest()


def _cache_key(url: str, schema: str, contents: str) -> str:
    parts = (url, schema, contents, _code_fingerprint())
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def _cache_file(url: str, key: str) -> Path:
    database = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    return cache_folder("index") / f"{database}-{key}.index"


#: The file starts with this, then the pickle's length and the numbers of its
#: arrays' bytes (little-endian 64-bit), the pickle, and each array's bytes
#: at a 64-byte boundary.
MAGIC = b"drafter-index-2\n"
_ALIGN = 64


def _load(path: Path, expected: type) -> Matcher | None:
    """The index in ``path``, its arrays read straight from the file mapped
    into memory (copy on write): the pages a match never touches (most of a
    small library's dense matrix) are never read, and nothing is copied."""
    import mmap
    import struct

    try:
        with path.open("rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_COPY)
        view = memoryview(mapped)
        if bytes(view[: len(MAGIC)]) != MAGIC:
            return None
        offset = len(MAGIC)
        (count,) = struct.unpack_from("<Q", view, offset)
        sizes = struct.unpack_from(f"<{count + 1}Q", view, offset + 8)
        offset += 8 * (count + 2)
        data = view[offset : offset + sizes[0]]
        offset = _aligned(offset + sizes[0])
        buffers = []
        for size in sizes[1:]:
            buffers.append(view[offset : offset + size])
            offset = _aligned(offset + size)
        if offset > len(view) + _ALIGN:
            return None
        loaded = pickle.loads(data, buffers=buffers)
    except Exception:  # noqa: BLE001 - a damaged or foreign cache file is only a miss
        return None
    return loaded if isinstance(loaded, expected) else None


def _aligned(offset: int) -> int:
    return -(-offset // _ALIGN) * _ALIGN


def _save(path: Path, matcher: Matcher) -> None:
    """Write the index atomically; any failure leaves matching working. The
    arrays are written apart from the pickle (pickle protocol 5's
    out-of-band buffers) so that :func:`_load` can map them."""
    import struct

    try:
        buffers: list[pickle.PickleBuffer] = []
        data = pickle.dumps(matcher, protocol=5, buffer_callback=buffers.append)
        raws = [b.raw() for b in buffers]
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                header = MAGIC + struct.pack(
                    f"<Q{len(raws) + 1}Q", len(raws), len(data), *(r.nbytes for r in raws)
                )
                out.write(header)
                offset = len(header)
                for chunk in (data, *raws):
                    out.write(chunk)
                    offset += len(chunk)
                    padding = _aligned(offset) - offset
                    out.write(b"\0" * padding)
                    offset += padding
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        _prune(path)
    except (OSError, pickle.PicklingError, ValueError):
        return


def _prune(kept: Path) -> None:
    """Remove older index files of the same database, keeping the newest few."""
    prefix = kept.name.split("-", 1)[0]
    siblings = sorted(
        (p for p in kept.parent.glob(f"{prefix}-*.index") if p != kept),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in siblings[KEEP_PER_DATABASE - 1 :]:
        old.unlink(missing_ok=True)
