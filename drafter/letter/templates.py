"""Finding and rendering the Jinja2 templates that hold every word drafter writes.

Templates always render in Jinja2's sandbox, so a user's own templates
(``--template-dir``) can reword the letter but cannot run code. Autoescaping is
off on purpose: the output is not HTML but text that python-docx places into
Word XML, escaping it itself. HTML-escaping here would print "&amp;" in the
letter where "HM Prison & Probation Service" was meant.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from drafter.core.caches import cache_folder
from drafter.core.errors import TemplateError


def problem_sentence(problem: object) -> str:
    """Jinja2's message for what went wrong, to end one of ours: its own
    closing full stop dropped, so "...is unsafe." does not become "unsafe.."."""
    return str(problem).strip().rstrip(".").rstrip()


@cache
def builtin_template_dir() -> Path:
    """``drafter/letter_templates`` in an installed wheel, else the repository's
    ``letter_templates/`` (editable install or a checkout)."""
    packaged = Path(str(resources.files("drafter"))) / "letter_templates"
    if packaged.is_dir():
        return packaged
    repo = Path(__file__).resolve().parents[2] / "letter_templates"
    if repo.is_dir():
        return repo
    raise TemplateError(
        "drafter's letter templates are missing from this installation.",
        hint="Reinstall drafter.",
    )


def template_environment(
    template_dir: str | os.PathLike[str] | None = None,
) -> SandboxedEnvironment:
    """A sandboxed environment that looks in ``template_dir`` first (a user's own
    templates may replace any of the built-in ones) and then the built-ins."""
    loaders = []
    if template_dir is not None:
        folder = Path(template_dir)
        if not folder.is_dir():
            raise TemplateError(
                f"The template folder '{folder}' does not exist.",
                hint="Give the folder that holds your letter.j2.",
            )
        loaders.append(FileSystemLoader(str(folder)))
    loaders.append(FileSystemLoader(str(builtin_template_dir())))
    return SandboxedEnvironment(
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
    return FileSystemBytecodeCache(str(folder))


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
