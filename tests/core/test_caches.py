"""What drafter keeps in its cache folder to start faster: the parsed concept
lexicon and the programs of its regular expressions. Each is only an
accelerator: the same results with or without it, and a missing or damaged
file is only a miss."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from drafter.core import caches, textmatch
from drafter.core.lazy import LazyPattern

MODULES = (
    "drafter.reading.parser",
    "drafter.reading.reader",
    "drafter.core.names",
    "drafter.core.normalise",
    "drafter.core.dates",
    "drafter.letter.plan",
    "drafter.letter.document",
)


def _lazy_patterns() -> list[LazyPattern]:
    found = []
    for name in MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, LazyPattern):
                found.append(value)
            elif isinstance(value, list | tuple):
                found += [
                    v
                    for item in value
                    for v in (item if isinstance(item, tuple) else (item,))
                    if isinstance(v, LazyPattern)
                ]
    return found


def test_drafters_patterns_are_the_ones_re_compile_builds(tmp_path, monkeypatch) -> None:
    """Built once (kept in the file at exit), then in a new process from the
    file: every pattern equals re.compile's (patterns compare by program)."""
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path))
    sources = [p._source for p in _lazy_patterns()]
    assert len(sources) > 50
    probe = (
        "import re, sys, json\n"
        "from drafter.core.caches import compiled_regex, _regex_programs\n"
        "import drafter.core.caches as c\n"
        f"sources = {sources!r}\n"
        "built = [compiled_regex(p, f) for p, f in sources]\n"
        "assert all(b == re.compile(p, f) for b, (p, f) in zip(built, sources))\n"
        "print(len(c._regex_programs))\n"
    )
    first = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    (kept,) = (tmp_path / "regex").glob("*.marshal")
    second = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert second.returncode == 0, second.stderr
    assert int(second.stdout) == int(first.stdout) >= len(set(sources))  # read back, all of them
    assert kept.exists()


def test_a_pattern_from_the_file_matches_like_re_compile(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(caches, "_regex_programs", None)
    monkeypatch.setattr(caches, "_regex_path", None)
    text = "Sarah Whitfield, Head of PDU, will report by 31 March 2026 to the board."
    pattern, flags = r"(?P<name>[A-Z]\w+ [A-Z]\w+), Head of (?P<unit>PDU)", re.I
    first = caches.compiled_regex(pattern, flags)
    caches._write_regex_programs()
    monkeypatch.setattr(caches, "_regex_programs", None)
    monkeypatch.setattr(caches, "_regex_path", None)
    again = caches.compiled_regex(pattern, flags)
    assert caches._regex_programs  # read from the file
    assert again == re.compile(pattern, flags) == first
    assert again.search(text).groupdict() == re.compile(pattern, flags).search(text).groupdict()
    assert again.groupindex == {"name": 1, "unit": 2} and again.flags == first.flags


@pytest.mark.parametrize("content", [b"", b"not marshal at all", b"\x00" * 40])
def test_a_damaged_regex_file_is_only_a_miss(tmp_path, monkeypatch, content) -> None:
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(caches, "_regex_programs", None)
    monkeypatch.setattr(caches, "_regex_path", None)
    path = caches._regex_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    assert caches.compiled_regex(r"a(b+)c").fullmatch("abbc").group(1) == "bb"


def test_an_unusable_program_falls_back_to_re_compile(monkeypatch) -> None:
    monkeypatch.setattr(caches, "_regex_programs", {("x+y", 0): ("x+y", 32, [999999], 0, {}, ())})
    assert caches.compiled_regex("x+y") == re.compile("x+y")


def test_the_concept_lexicon_read_from_the_cache_is_the_one_parsed(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path))
    data = Path(textmatch.__file__).parent.parent.joinpath("data", "concepts.yaml").read_bytes()
    parsed = textmatch._read_concepts(data)
    textmatch.concepts.cache_clear()
    try:
        built = textmatch.concepts()  # parsed and kept
        assert list((tmp_path / "derived").glob("concepts-*.pickle"))
        textmatch.concepts.cache_clear()
        monkeypatch.setattr(textmatch, "_read_concepts", lambda data: pytest.fail("parsed again"))
        assert textmatch.concepts() == built == parsed
    finally:
        textmatch.concepts.cache_clear()


def test_a_changed_source_or_a_damaged_file_builds_afresh(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path))
    calls: list[int] = []

    def build() -> tuple:
        calls.append(1)
        return ("value", len(calls))

    assert caches.derived("thing", (b"source 1",), build) == ("value", 1)
    assert caches.derived("thing", (b"source 1",), build) == ("value", 1)  # kept
    assert caches.derived("thing", (b"source 2",), build) == ("value", 2)  # changed
    (kept,) = (tmp_path / "derived").glob("thing-*.pickle")  # the older file is gone
    kept.write_bytes(b"damaged")
    assert caches.derived("thing", (b"source 2",), build) == ("value", 3)


def test_an_unwritable_cache_folder_still_gives_the_value(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(blocker / "under"))
    assert caches.derived("thing", (b"s",), lambda: (1, 2)) == (1, 2)
    monkeypatch.setattr(caches, "_regex_programs", None)
    monkeypatch.setattr(caches, "_regex_path", None)
    assert caches.compiled_regex(r"\d+").findall("a1b22") == ["1", "22"]
    caches._write_regex_programs()  # nothing raised
