"""One module per kind of page, each a Flask blueprint (as Datasette keeps its
views): start, what drafter read, review, letter, archive, commitments,
library and settings."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from drafter.web.pages import (
        archive,
        commitments,
        letter,
        library,
        report,
        review,
        settings,
        start,
    )

    for module in (start, report, review, letter, archive, commitments, library, settings):
        app.register_blueprint(module.blueprint)
