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
