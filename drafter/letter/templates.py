"""Finding and rendering the Jinja2 templates that hold every word drafter writes.

Templates always render in Jinja2's sandbox, so a user's own templates
(``--template-dir``) can reword the letter but cannot run code. Autoescaping is
off on purpose: the output is not HTML but text that python-docx places into
Word XML, escaping it itself. HTML-escaping here would print "&amp;" in the
letter where "HM Prison & Probation Service" was meant.
"""

from __future__ import annotations

import contextlib
import os
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from drafter.core.caches import cache_folder
from drafter.core.errors import TemplateError
from drafter.core.packaged import packaged


def problem_sentence(problem: object) -> str:
    """Jinja2's message for what went wrong, to end one of ours: its own
    closing full stop dropped, so "...is unsafe." does not become "unsafe.."."""
    return str(problem).strip().rstrip(".").rstrip()


@cache
def builtin_template_dir() -> Path:
    """``drafter/letter_templates`` in an installed wheel, else the repository's
    ``letter_templates/`` (editable install or a checkout)."""
    shipped = packaged("letter_templates")
    if shipped.is_dir():
        return shipped
    repo = Path(__file__).resolve().parents[2] / "letter_templates"
    if repo.is_dir():
        return repo
    raise TemplateError(
        "drafter's letter templates are missing from this installation.",
        hint="Reinstall drafter.",
    )


#: Limits on what a template may do. A letter is a few thousand characters;
#: these are generous for any wording and tiny for a runaway template.
TEMPLATE_SECONDS = 5.0  # for all the templates of one letter together
MAX_TEMPLATE_OUTPUT = 2_000_000  # characters any one value or block may reach
MAX_TEMPLATE_BITS = 20_000  # an integer's size in bits (about 6,000 digits)
MAX_TEMPLATE_FILE_BYTES = 512 * 1024


class TemplateLimit(Exception):
    """A template went past one of the sandbox's limits (time, size, numbers).
    Raised inside rendering; the letter reports it as the template's fault."""


class ConfinedLoader(FileSystemLoader):
    """A FileSystemLoader that loads only files really inside its folder
    (symbolic links resolved: a link to /etc/passwd inside the folder is
    refused), no larger than :data:`MAX_TEMPLATE_FILE_BYTES`, in UTF-8."""

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Any]:
        from jinja2.exceptions import TemplateNotFound
        from jinja2.loaders import split_template_path

        pieces = split_template_path(template)
        for searchpath in self.searchpath:
            root = os.path.realpath(searchpath)
            filename = os.path.join(searchpath, *pieces)
            if not os.path.lexists(filename):
                continue
            real = os.path.realpath(filename)
            if os.path.commonpath([root, real]) != root:
                raise TemplateError(
                    f"The template '{template}' in '{searchpath}' links to a file outside "
                    "the template folder, which drafter does not read.",
                    hint="Copy the template itself into the folder instead of linking to it.",
                )
            if not os.path.isfile(real):
                continue
            try:
                size = os.path.getsize(real)
                if size > MAX_TEMPLATE_FILE_BYTES:
                    raise TemplateError(
                        f"The template '{filename}' is {size / 1_048_576:.1f} MB, far larger "
                        "than a letter template.",
                        hint="Check it is the right file.",
                    )
                with open(real, "rb") as handle:
                    data = handle.read(MAX_TEMPLATE_FILE_BYTES + 1)
            except OSError as exc:
                raise TemplateError(
                    f"Cannot read the template '{filename}' ({exc.strerror or exc}).",
                    hint="Check the file and its permissions.",
                ) from None
            try:
                contents = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise TemplateError(
                    f"The template '{filename}' is not text in UTF-8.",
                    hint="Save it as UTF-8 text in your editor and try again.",
                ) from None
            mtime = os.path.getmtime(real)

            def uptodate(real: str = real, mtime: float = mtime) -> bool:
                try:
                    return os.path.getmtime(real) == mtime
                except OSError:
                    return False

            return contents, os.path.normpath(filename), uptodate
        raise TemplateNotFound(template)


def _deep_size(value: Any, limit: int = MAX_TEMPLATE_OUTPUT) -> int:
    """Roughly how many characters ``value`` becomes as text, counting nested
    lists and dicts; stops counting once past ``limit``."""
    total = 0
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str | bytes):
            total += len(item)
        elif isinstance(item, list | tuple | set | frozenset):
            total += len(item) + 1
            if total <= limit:
                pending.extend(item)
        elif isinstance(item, dict):
            total += len(item) + 1
            if total <= limit:
                pending.extend(item.keys())
                pending.extend(item.values())
        elif isinstance(item, int) and not isinstance(item, bool):
            total += item.bit_length() // 3 + 1
        else:
            total += 8
        if total > limit:
            return total
    return total


def _too_big() -> TemplateLimit:
    return TemplateLimit(
        f"it builds a value of more than {MAX_TEMPLATE_OUTPUT:,} characters, "
        "far more than any letter needs"
    )


def _check_number(value: Any) -> None:
    big = isinstance(value, int) and value.bit_length() > MAX_TEMPLATE_BITS
    if big and not isinstance(value, bool):
        raise TemplateLimit("it computes a number with thousands of digits")


def _largest_int(args: Any) -> int:
    numbers = [abs(a) for a in args if isinstance(a, int) and not isinstance(a, bool)]
    return max(numbers, default=0)


def _format_widths(text: str) -> int:
    """The largest width or precision a format string asks for
    ("%0999999d", "{:>999999}")."""
    import re

    found = [int(n) for n in re.findall(r"(?:%[-#0 +]*|\{[^{}]*:[^{}]*?)(\d{1,12})", text)]
    return max(found, default=0)


class GuardedSandbox(SandboxedEnvironment):
    """Jinja2's sandbox with edges: no runaway numbers, strings or lists
    (``**``, ``*``, ``+``, ``%``, ``~`` and function arguments are checked
    before they run), no value or block over :data:`MAX_TEMPLATE_OUTPUT`
    characters, and a wall-clock limit for all rendering (checked in loops,
    calls and output; on the main thread a timer also interrupts)."""

    intercepted_binops = frozenset({"*", "**", "+", "%", "//"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._user_finalize: Any = None
        super().__init__(*args, **kwargs)
        self.deadline: float | None = None
        self.time_budget = TEMPLATE_SECONDS
        self.globals["range"] = self._range
        self.filters = {name: self._guard_filter(f) for name, f in self.filters.items()}

    # -- what templates compile to -------------------------------------------

    @property  # type: ignore[override]
    def code_generator_class(self) -> type:
        return _GuardedCodeGenerator

    @code_generator_class.setter
    def code_generator_class(self, _value: Any) -> None:
        pass

    @property  # type: ignore[override]
    def finalize(self) -> Any:
        return self._finalize_guarded

    @finalize.setter
    def finalize(self, function: Any) -> None:
        self._user_finalize = function

    def _finalize_guarded(self, value: Any) -> Any:
        self.check_time()
        if _deep_size(value) > MAX_TEMPLATE_OUTPUT:
            raise _too_big()
        return self._user_finalize(value) if self._user_finalize else value

    # -- the checks ------------------------------------------------------------

    def check_time(self) -> None:
        import time

        if self.deadline is not None and time.monotonic() > self.deadline:
            raise TemplateLimit(f"it ran for more than {self.time_budget:g} seconds")

    def _range(self, *args: Any) -> Any:
        from jinja2.sandbox import safe_range

        numbers = safe_range(*args)

        def counted() -> Any:
            for n in numbers:
                self.check_time()
                yield n

        return counted()

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        self.check_time()
        numbers = (int, float)
        if operator == "**" and isinstance(left, numbers) and isinstance(right, numbers):
            import math

            base = abs(left)
            if base > 1 and right > 0 and right * math.log2(base) > MAX_TEMPLATE_BITS:
                raise TemplateLimit("it raises a number to a power with thousands of digits")
        elif operator == "*":
            if isinstance(left, int) and isinstance(right, int):
                if left.bit_length() + right.bit_length() > MAX_TEMPLATE_BITS:
                    raise TemplateLimit("it multiplies numbers with thousands of digits")
            else:
                count, item = (right, left) if isinstance(right, int) else (left, right)
                repeat = isinstance(count, int) and not isinstance(item, numbers)
                if repeat and _deep_size(item) * max(count, 0) > MAX_TEMPLATE_OUTPUT:
                    raise _too_big()
        elif operator == "+" and not (isinstance(left, numbers) and isinstance(right, numbers)):
            if _deep_size(left) + _deep_size(right) > MAX_TEMPLATE_OUTPUT:
                raise _too_big()
        elif operator == "%" and isinstance(left, str):
            widths = _format_widths(left)
            if widths > MAX_TEMPLATE_OUTPUT or _deep_size(right) > MAX_TEMPLATE_OUTPUT:
                raise _too_big()
            if "*" in left and _largest_int(right if isinstance(right, tuple) else [right]) > (
                MAX_TEMPLATE_OUTPUT
            ):
                raise _too_big()
        result = self.binop_table[operator](left, right)
        _check_number(result)
        return result

    def guarded_join(self, pieces: Any) -> str:
        """``a ~ b``: refused before joining when the text would be too long."""
        self.check_time()
        if sum(_deep_size(piece) for piece in pieces) > MAX_TEMPLATE_OUTPUT:
            raise _too_big()
        return "".join(str(piece) for piece in pieces)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        __self.check_time()
        __self._check_arguments(__obj, None, args, kwargs)
        result = SandboxedEnvironment.call(__self, __context, __obj, *args, **kwargs)
        if _deep_size(result) > MAX_TEMPLATE_OUTPUT:
            raise _too_big()
        return result

    def _check_arguments(self, function: Any, value: Any, args: Any, kwargs: Any) -> None:
        """A function or filter asked for a result that would be huge: a
        width, count or repeat far beyond a letter ("x".center(10**9)), or a
        format string asking for one ("{:>999999999}".format(1))."""
        owner = getattr(getattr(function, "__wrapped__", function), "__self__", None)
        if value is None and isinstance(owner, str):
            value = owner
        numbers = [*args, *kwargs.values()]
        size = _deep_size(value) + sum(_deep_size(a) for a in numbers) + 1
        # A count or width multiplies the result; so may a text argument
        # ("ab" * 500000)|replace("a", 1000 letters) is 500 million characters.
        longest_text = max((len(a) for a in numbers if isinstance(a, str)), default=0)
        scale = max(_largest_int(numbers), longest_text, 1)
        if isinstance(value, str):
            scale = max(scale, _format_widths(value))
        if size * scale > MAX_TEMPLATE_OUTPUT:
            raise _too_big()

    def _guard_filter(self, function: Any) -> Any:
        import functools

        from jinja2.utils import _PassArg

        skip = 0 if _PassArg.from_obj(function) is None else 1

        @functools.wraps(function)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            self.check_time()
            value = args[skip] if len(args) > skip else None
            self._check_arguments(function, value, args[skip + 1 :], kwargs)
            result = function(*args, **kwargs)
            if isinstance(result, str | list | tuple | dict) and (
                _deep_size(result) > MAX_TEMPLATE_OUTPUT
            ):
                raise _too_big()
            return result

        return guarded

    # -- rendering ----------------------------------------------------------------

    def render_pieces(self, pieces: Any) -> str:
        """Join what a template (or one block) yields, within the limits: the
        output is capped and the clock runs for all rendering done in this
        environment. Raises :class:`TemplateLimit` past a limit."""
        import threading
        import time

        if self.deadline is None:
            self.deadline = time.monotonic() + self.time_budget
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TemplateLimit(f"it ran for more than {self.time_budget:g} seconds")
        with _interrupt_after(remaining, self, threading.current_thread()):
            out: list[str] = []
            total = 0
            for piece in pieces:
                total += len(piece)
                if total > MAX_TEMPLATE_OUTPUT:
                    raise _too_big()
                out.append(piece)
                self.check_time()
            return "".join(out)


class _Alarm(BaseException):
    """The wall-clock timer went off inside a template (BaseException so a
    template cannot swallow it)."""


class _interrupt_after:  # noqa: N801 - used as a context manager
    """On the main thread, a timer that interrupts a template stuck between
    the sandbox's own checks; elsewhere a trace function checks the clock."""

    def __init__(self, seconds: float, env: GuardedSandbox, thread: Any) -> None:
        import signal
        import threading

        self.seconds = seconds
        self.env = env
        self.use_signal = thread is threading.main_thread() and hasattr(signal, "setitimer")
        self.previous: Any = None

    def __enter__(self) -> None:
        import signal
        import sys

        if self.use_signal:

            def ring(_signum: int, _frame: Any) -> None:
                raise _Alarm()

            self.previous = signal.signal(signal.SIGALRM, ring)
            signal.setitimer(signal.ITIMER_REAL, self.seconds + 0.05)
        else:
            env = self.env
            steps = [0]

            def tracer(frame: Any, event: str, arg: Any) -> Any:
                steps[0] += 1
                if steps[0] % 1000 == 0:
                    env.check_time()
                return tracer if event == "call" else None

            self.previous = sys.gettrace()
            sys.settrace(tracer)

    def __exit__(self, kind: Any, error: Any, trace: Any) -> bool:
        import signal
        import sys

        if self.use_signal:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous or signal.SIG_DFL)
        else:
            sys.settrace(self.previous)
        if kind is _Alarm:
            raise TemplateLimit(f"it ran for more than {self.env.time_budget:g} seconds")
        return False


def _guarded_code_generator() -> type:
    from jinja2.compiler import CodeGenerator

    class GuardedCodeGenerator(CodeGenerator):
        def visit_Concat(self, node: Any, frame: Any) -> None:  # noqa: N802
            self.write("environment.guarded_join((")
            for arg in node.nodes:
                self.visit(arg, frame)
                self.write(", ")
            self.write("))")

    return GuardedCodeGenerator


_GuardedCodeGenerator = _guarded_code_generator()


def template_environment(
    template_dir: str | os.PathLike[str] | None = None,
) -> GuardedSandbox:
    """A sandboxed environment that looks in ``template_dir`` first (a user's own
    templates may replace any of the built-in ones) and then the built-ins.
    Only files really inside those folders load (see :class:`ConfinedLoader`)
    and rendering is bounded (see :class:`GuardedSandbox`)."""
    loaders = []
    if template_dir is not None:
        folder = Path(template_dir)
        if not folder.is_dir():
            raise TemplateError(
                f"The template folder '{folder}' does not exist.",
                hint="Give the folder that holds your letter.j2.",
            )
        loaders.append(ConfinedLoader(str(folder)))
    loaders.append(ConfinedLoader(str(builtin_template_dir())))
    return GuardedSandbox(
        loader=ChoiceLoader(loaders),
        bytecode_cache=_compiled_templates(),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        undefined=StrictUndefined,
    )


def _compiled_templates() -> FileSystemBytecodeCache | None:
    """Compiling letter.j2 costs more than rendering it, so compiled templates
    are kept in the cache folder (keyed by each template's own source, so an
    edited template is compiled afresh). Without a usable folder, none is kept."""
    folder = cache_folder("templates")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    # Compiled by the guarded sandbox (its own code for '~' and the checked
    # operators): kept apart from templates compiled without those guards.
    return _QuietBytecodeCache(str(folder), pattern="__drafter_guarded_1_%s.cache")


class _QuietBytecodeCache(FileSystemBytecodeCache):
    """The compiled-template cache is only an accelerator: a full disk or an
    unreadable file costs a compile, never the letter."""

    def load_bytecode(self, bucket: Any) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError):
            bucket.reset()

    def dump_bytecode(self, bucket: Any) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


#: The templates a user may copy and reword (config.toml is written by
#: ``drafter config init`` instead).
USER_TEMPLATES = ("letter.j2", "action_plan.j2")


def copy_builtin_templates(folder: str | os.PathLike[str], *, force: bool = False) -> list[Path]:
    """Copy the letter templates into ``folder`` for rewording. Refuses to
    replace existing copies unless ``force`` (checked before writing any)."""
    from drafter.core.fileio import atomic_write_text, ensure_writable

    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise TemplateError(f"'{target}' is a file.", hint="Give a folder name.")
    destinations = [target / name for name in USER_TEMPLATES]
    for destination in destinations:
        ensure_writable(destination, force)
    source = builtin_template_dir()
    return [
        atomic_write_text(d, (source / d.name).read_text(encoding="utf-8"), force=force)
        for d in destinations
    ]
