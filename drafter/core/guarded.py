"""One guarded way in for every structured file drafter reads.

Reports, letters, letterheads, templates, import files, review files and
settings all come from people, and some come from people who mean harm. Each
kind is read through one function here, so that whatever the file holds
drafter answers within seconds, in bounded memory, with one plain sentence:

* a size limit before anything is read (:func:`read_guarded`);
* for zips (.docx), a limit on the unzipped size of the whole and of every
  part (:func:`check_zip_parts`);
* a limit on nesting depth (:data:`MAX_DEPTH`) for YAML, JSON, TOML, HTML and
  the XML inside OpenDocument files, which would otherwise end in
  ``RecursionError``, and on the groups of parts in a saved web archive
  (.mhtml, :data:`MAX_MIME_GROUPS`);
* YAML without aliases or anchors (:func:`load_yaml`): a few hundred bytes of
  nested aliases expand to gigabytes;
* plain errors for impossible values: integers of thousands of digits,
  dates that do not exist (30 February), text that is not UTF-8.

Callers pass the :class:`~drafter.core.errors.DrafterError` subclass their
command uses, so the message keeps its kind (a review file's problem is a
``ReviewFileError``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from drafter.core.errors import DrafterError, InputFileError
from drafter.core.fileio import check_zip_parts, read_input_bytes

#: Deeper than any real document or settings file; well inside Python's
#: recursion limit, so parsers that recurse never reach it.
MAX_DEPTH = 100
#: Digits in one integer. Library ids, row counts and schema versions have a
#: handful; Python refuses to convert beyond 4,300 with a traceback.
MAX_INT_DIGITS = 30
#: The largest integer a database column holds (64-bit signed).
MAX_DB_INT = 2**63 - 1

ErrorType = type[DrafterError]

__all__ = [
    "MAX_DB_INT",
    "MAX_DEPTH",
    "MAX_INT_DIGITS",
    "MAX_MIME_GROUPS",
    "check_db_int",
    "check_mime_groups",
    "check_xml_depth",
    "check_zip_parts",
    "check_zip_xml_depth",
    "compose_yaml",
    "construct_yaml",
    "decode_utf8",
    "load_json",
    "load_toml",
    "load_yaml",
    "read_guarded",
]


def read_guarded(
    path: str | os.PathLike[str],
    max_bytes: int,
    *,
    error: ErrorType = InputFileError,
) -> bytes:
    """The bytes of a file someone gave drafter, refused plainly when missing,
    empty, a folder, unreadable or over ``max_bytes`` (checked before reading)."""
    try:
        return read_input_bytes(path, max_bytes)
    except InputFileError as exc:
        if error is InputFileError:
            raise
        raise error(exc.message, hint=exc.hint) from None


def decode_utf8(data: bytes, name: str, *, what: str = "file", error: ErrorType) -> str:
    """``data`` as UTF-8 text (a byte-order mark allowed), or a plain error."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error(
            f"The {what} '{name}' is not text in UTF-8.",
            hint="Save it as plain text (UTF-8) in your editor and try again.",
        ) from None


# --- zips (Word documents) ------------------------------------------------------


# check_zip_parts lives with the other file checks in drafter.core.fileio
# (which this module builds on); it is part of the guarded way in.


def check_zip_xml_depth(data: bytes, *, name: str, error: ErrorType = InputFileError) -> None:
    """Refuse a zip (an OpenDocument file) any of whose XML parts nests its
    elements more than :data:`MAX_DEPTH` deep. Run it after
    :func:`check_zip_parts`, which bounds what the parts unzip to; each part is
    then read in pieces, so memory stays small whatever its size. Data that
    is not a zip passes: the document parser says what is wrong."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if info.filename.lower().endswith(".xml"):
                    with archive.open(info) as part:
                        check_xml_depth(part, name=name, error=error)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError):
        return  # damaged: the document parser refuses it in its own words


def check_xml_depth(stream: BinaryIO, *, name: str, error: ErrorType = InputFileError) -> None:
    """Refuse XML read from ``stream`` whose elements nest more than
    :data:`MAX_DEPTH` deep, before a parser that builds a tree (and code that
    walks it recursively) sees it. expat reads it in pieces, keeping no tree.
    XML that is broken passes: the document parser says what is wrong."""
    from xml.parsers import expat

    class TooDeep(Exception):
        pass

    depth = 0

    def start(*_: Any) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_DEPTH:
            raise TooDeep

    def end(*_: Any) -> None:
        nonlocal depth
        depth -= 1

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        while chunk := stream.read(1 << 16):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except TooDeep:
        raise _too_deep(name, error) from None
    except expat.ExpatError:
        return


# --- MIME (saved web archives) --------------------------------------------------------

#: Groups of parts ("multipart" sections) in a saved web archive (.mhtml). A
#: browser writes one, a mail program two or three. Each may hold the next,
#: and Python's MIME parser checks every line against every open group, so
#: thousands of them nested take minutes and then overflow its recursion.
MAX_MIME_GROUPS = 20


def check_mime_groups(data: bytes, *, name: str, error: ErrorType = InputFileError) -> None:
    """Refuse a MIME file (.mhtml) declaring more than :data:`MAX_MIME_GROUPS`
    multipart groups (which bounds how deep they can nest) before the MIME
    parser reads it."""
    import re

    header = rb"^content-type:[ \t]*(?:\r?\n[ \t]+)?multipart/"
    for count, _ in enumerate(re.finditer(header, data, re.I | re.M), start=1):
        if count > MAX_MIME_GROUPS:
            raise error(
                f"{name} holds more than {MAX_MIME_GROUPS} groups of parts (one inside "
                "another, or side by side), far more than a saved web page ever has.",
                hint="Check it is the right file, or save the report's page again from the "
                "browser.",
            )


# --- YAML ---------------------------------------------------------------------------


def _guarded_yaml_loader(name: str, error: ErrorType) -> type:
    """A SafeLoader that refuses aliases and anchors, deep nesting, integers
    of absurd length and dates that do not exist, each with one sentence."""
    import yaml

    class GuardedLoader(yaml.SafeLoader):
        depth = 0

        def fail(self, mark: Any, problem: str, hint: str) -> DrafterError:
            line = f", line {mark.line + 1}" if mark is not None else ""
            return error(f"{name}{line}: {problem}", hint=hint)

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise self.fail(
                    event.start_mark,
                    f"'*{event.anchor}' repeats another part of the file (a YAML alias), "
                    "which drafter does not accept.",
                    "Write the value out in full instead of using '&' and '*'.",
                )
            event = self.peek_event()
            if getattr(event, "anchor", None) is not None:
                raise self.fail(
                    event.start_mark,
                    f"'&{event.anchor}' marks a part of the file to repeat (a YAML anchor), "
                    "which drafter does not accept.",
                    "Delete the '&' name and write any repeated value out in full.",
                )
            self.depth += 1
            try:
                if self.depth > MAX_DEPTH:
                    raise self.fail(
                        event.start_mark,
                        f"lists or entries are nested more than {MAX_DEPTH} deep, "
                        "far deeper than drafter's files ever are.",
                        "Check it is the right file.",
                    )
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

        def construct_yaml_int(self, node: Any) -> Any:
            digits = sum(ch.isdigit() for ch in str(node.value))
            if digits > MAX_INT_DIGITS:
                raise self.fail(
                    node.start_mark,
                    f"a number {digits} digits long is far too large to be meant.",
                    "Check the number on that line.",
                )
            return super().construct_yaml_int(node)

        def construct_yaml_timestamp(self, node: Any) -> Any:
            try:
                return super().construct_yaml_timestamp(node)
            except (ValueError, OverflowError):
                raise self.fail(
                    node.start_mark,
                    f"'{node.value}' is not a real date.",
                    "Write a date that exists, as YYYY-MM-DD.",
                ) from None

    GuardedLoader.add_constructor("tag:yaml.org,2002:int", GuardedLoader.construct_yaml_int)
    GuardedLoader.add_constructor(
        "tag:yaml.org,2002:timestamp", GuardedLoader.construct_yaml_timestamp
    )
    return GuardedLoader


def compose_yaml(text: str, *, name: str, error: ErrorType) -> Any:
    """The YAML node tree of ``text`` (for line numbers), guarded as
    :func:`load_yaml`. ``yaml.YAMLError`` is left to the caller."""

    loader = _guarded_yaml_loader(name, error)(text)
    try:
        return _no_recursion(lambda: loader.get_single_node(), name, error)
    finally:
        loader.dispose()


def load_yaml(text: str, *, name: str, error: ErrorType) -> Any:
    """``yaml.safe_load(text)`` without aliases or anchors, deep nesting,
    absurd integers or impossible dates; each is refused with ``error`` naming
    the line. ``yaml.YAMLError`` (broken layout) is left to the caller, who
    knows how to word it for its file."""
    loader = _guarded_yaml_loader(name, error)(text)
    try:
        return _no_recursion(lambda: loader.get_single_data(), name, error)
    finally:
        loader.dispose()


def construct_yaml(node: Any, *, name: str, error: ErrorType) -> Any:
    """Python data from a node tree made by :func:`compose_yaml`."""
    loader = _guarded_yaml_loader(name, error)("")
    try:
        return _no_recursion(lambda: loader.construct_document(node), name, error)
    finally:
        loader.dispose()


# --- JSON and TOML -------------------------------------------------------------------


def load_json(text: str, *, name: str, error: ErrorType = InputFileError) -> Any:
    """``json.loads(text)`` refusing deep nesting and absurd integers plainly.
    ``json.JSONDecodeError`` is left to the caller."""
    import json

    def parse_int(digits: str) -> int:
        if len(digits.lstrip("-")) > MAX_INT_DIGITS:
            raise error(
                f"'{name}' holds a number {len(digits)} digits long, far too large to be meant.",
                hint="Check the numbers in the file.",
            )
        return int(digits)

    text_depth = _bracket_depth(text)
    if text_depth > MAX_DEPTH:
        raise _too_deep(name, error)
    return _no_recursion(lambda: json.loads(text, parse_int=parse_int), name, error)


def load_toml(text: str, *, name: str, error: ErrorType) -> dict[str, Any]:
    """``tomllib.loads(text)`` refusing deep nesting, absurd integers and
    impossible dates plainly. ``tomllib.TOMLDecodeError`` is left to the caller."""
    import re
    import tomllib

    if _bracket_depth(text) > MAX_DEPTH:
        raise _too_deep(name, error)
    long_number = re.search(r"(?<![\w.\"'])[+-]?\d(?:_?\d){" + str(MAX_INT_DIGITS) + ",}", text)
    if long_number:
        line = text.count("\n", 0, long_number.start()) + 1
        raise error(
            f"{name}, line {line}: a number {len(long_number.group(0))} digits long is far "
            "too large to be meant.",
            hint="Check the number on that line.",
        )
    try:
        return _no_recursion(lambda: tomllib.loads(text), name, error)
    except (ValueError, OverflowError) as exc:
        if isinstance(exc, tomllib.TOMLDecodeError):
            raise
        raise error(
            f"{name} holds a value that cannot be real ({exc}).",
            hint="Check the dates and numbers in it.",
        ) from None


def _bracket_depth(text: str) -> int:
    """How deep ``[``/``{`` nest in ``text``, ignoring quoted strings roughly
    (enough to spot a file nested thousands deep before a parser recurses)."""
    import re

    depth = deepest = 0
    for match in re.finditer(r'"(?:[^"\\\n]|\\.)*"|[\[\]{}]', text):
        token = match.group(0)
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth = max(depth - 1, 0)
    return deepest


def _too_deep(name: str, error: ErrorType) -> DrafterError:
    return error(
        f"{name} is nested more than {MAX_DEPTH} levels deep, far deeper than drafter's "
        "files ever are.",
        hint="Check it is the right file.",
    )


def _no_recursion(parse: Callable[[], Any], name: str, error: ErrorType) -> Any:
    """Run ``parse``, turning a parser's recursion overflow into one sentence."""
    try:
        return parse()
    except RecursionError:
        raise _too_deep(name, error) from None


# --- values ------------------------------------------------------------------------


def check_db_int(value: int, *, what: str, error: ErrorType) -> int:
    """``value`` if a database can hold it, else a plain error."""
    if abs(value) > MAX_DB_INT:
        raise error(f"{what} {value if len(str(value)) < 25 else 'given'} is far too large.")
    return value


def file_name(path: str | os.PathLike[str]) -> str:
    return Path(path).name
