"""Files shipped inside the drafter package: the data tables and the letter templates.

drafter is installed as files (pip, or an editable checkout), so these are
plain paths beside the code; finding them this way spares every command
importing :mod:`importlib.resources` (and :mod:`tempfile` and more with it).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent


def packaged(relative: str) -> Path:
    """The path of ``relative`` ("data/concepts.yaml") inside the package."""
    return PACKAGE / relative


def packaged_yaml(relative: str) -> object:
    """A YAML file shipped with drafter, parsed with PyYAML's safe loader (the
    libyaml one when PyYAML has it: five times faster on the starter library).
    PyYAML is imported here, only by the callers that need it."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(packaged(relative).read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
