"""Package attributes imported on first use (PEP 562).

Each stage package names its public API in ``__all__`` but imports a module
only when one of its names is asked for, so ``import drafter.letter.settings``
does not pay for python-docx, nor ``drafter --help`` for any stage at all.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(
    package: str, where: dict[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: ``where`` maps each
    public name to the module (relative to ``package``) that defines it."""

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    def __dir__() -> list[str]:
        return sorted(where)

    return __getattr__, __dir__


class _LazyModule:
    """A module imported when one of its attributes is first used."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        module = importlib.import_module(self._name)
        # From now on attributes are found without this method being called.
        self.__dict__.update(vars(module))
        return getattr(module, attribute)


def lazy_module(name: str) -> Any:
    """A stand-in for ``import name`` at the top of a module whose only some
    functions need ``name`` (numpy): the import happens at the first
    ``stand_in.attribute``, so importing the module stays cheap."""
    return _LazyModule(name)


class LazyPattern:
    """A compiled regular expression, compiled when first used.

    Building a regex is slow in Python (the parser and compiler are written in
    Python), and drafter's modules define hundreds of them, most of which a
    given command never uses: compiled at import they took a large share of
    drafting one letter. After the first use its methods are the compiled
    pattern's own, found without this class's help."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, attribute: str) -> Any:
        from drafter.core.caches import compiled_regex

        compiled = compiled_regex(*self._source)
        for name in (
            "search",
            "match",
            "fullmatch",
            "finditer",
            "findall",
            "sub",
            "subn",
            "split",
            "scanner",
            "pattern",
            "flags",
            "groups",
            "groupindex",
        ):
            self.__dict__[name] = getattr(compiled, name)
        self.__dict__["compiled"] = compiled
        return getattr(compiled, attribute)

    def __repr__(self) -> str:
        return f"LazyPattern({self._source[0]!r}, {self._source[1]!r})"


def lazy_compile(pattern: str, flags: int = 0) -> Any:
    """``re.compile(pattern, flags)``, done when the pattern is first used
    (see :class:`LazyPattern`); ``.compiled`` is the compiled pattern, for
    the rare caller that must hand a real one to the ``re`` module."""
    return LazyPattern(pattern, flags)
