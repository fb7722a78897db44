"""The Flask application behind ``drafter serve``.

Local and private by default: every page needs the session cookie that the
one-time token in the printed URL sets; every POST needs the form's CSRF
token; cookies are HttpOnly and SameSite=Strict; uploads are size-limited and
stored under generated names in the data folder. Static files are served from
a list made at start-up, so no part of a request's path is ever used to open a
file. An unexpected error shows a plain page and logs the details.

Each kind of page is one module in :mod:`drafter.web.pages` (a Flask
blueprint); they all work through :class:`drafter.web.state.WebState`, which
holds the library, the settings and the uploaded files.
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, abort, g, redirect, render_template, request, session
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from drafter.core.errors import DrafterError

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
LOG = logging.getLogger("drafter.web")
DEFAULT_MAX_UPLOAD_MB = 50
SERVICE_NAME = "drafter"
GOVUK_VERSION = (STATIC / "govuk-frontend" / "VERSION").read_text(encoding="utf-8").strip()

#: Plain words for the HTTP errors a person can meet.
ERROR_PAGES = {
    400: ("Your answers could not be used", "Go back, reload the page and try again."),
    403: (
        "Open drafter with the link it printed",
        "For your privacy, drafter only answers the browser that opened the link "
        "'drafter serve' printed. Run 'drafter serve' again for a new link.",
    ),
    404: ("Page not found", "Check the address, or go back to the start."),
    405: ("Page not found", "Check the address, or go back to the start."),
}


def _static_files() -> dict[str, Path]:
    """Every file drafter serves, by the URL name it is served under."""
    files = {}
    for path in STATIC.rglob("*"):
        if path.is_file() and path.name not in ("VERSION", "LICENCE.txt"):
            files[path.relative_to(STATIC).as_posix()] = path
    return files


def create_app(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    db_url: str | None = None,
    config_path: str | os.PathLike[str] | None = None,
    token: str | None = None,
    max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB,
) -> Flask:
    """The web application. ``data_dir`` holds uploads (default: drafter's
    user data folder); ``db_url`` and ``config_path`` are as for the command
    line; ``token`` is the one-time token the printed URL carries (a new one
    when not given: see ``app.config['DRAFTER_TOKEN']``)."""
    from drafter.web.state import WebState, default_data_dir

    app = Flask(__name__, static_folder=None, template_folder=None)
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(HERE / "templates")),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),
        SESSION_COOKIE_NAME="drafter_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        MAX_CONTENT_LENGTH=max_upload_mb * 1024 * 1024,
        DRAFTER_TOKEN=token or secrets.token_urlsafe(24),
        DRAFTER_TOKEN_USED=False,
        DRAFTER_MAX_UPLOAD_MB=max_upload_mb,
    )
    state = WebState(
        Path(data_dir) if data_dir else default_data_dir(),
        db_url=db_url,
        config_path=config_path,
        max_upload_bytes=max_upload_mb * 1024 * 1024,
    )
    app.extensions["drafter"] = state
    files = _static_files()

    @app.get("/static/<path:name>")
    def static_file(name: str) -> Any:
        return _send(files, name)

    @app.get("/assets/<path:name>")
    def govuk_asset(name: str) -> Any:
        # GOV.UK Frontend's CSS and template refer to /assets/...
        return _send(files, f"govuk-frontend/assets/{name}")

    @app.before_request
    def guard() -> Any:
        g.csp_nonce = secrets.token_urlsafe(16)
        if request.endpoint in ("static_file", "govuk_asset"):
            return None
        given = request.args.get("token")
        if given is not None:
            expected = app.config["DRAFTER_TOKEN"]
            if app.config["DRAFTER_TOKEN_USED"] or not hmac.compare_digest(
                given.encode(), expected.encode()
            ):
                abort(403)
            app.config["DRAFTER_TOKEN_USED"] = True  # one use: the link is now spent
            session.clear()
            session["signed_in"] = True
            session["csrf"] = secrets.token_urlsafe(32)
            return redirect(request.path)
        if not session.get("signed_in"):
            abort(403)
        if request.method == "POST":
            sent = request.form.get("csrf_token", "")
            if not sent or not hmac.compare_digest(sent.encode(), session["csrf"].encode()):
                abort(400, "The form could not be used: it did not come from this drafter "
                      "page. Go back, reload the page and try again.")  # fmt: skip
        return None

    @app.after_request
    def headers(response: Any) -> Any:
        nonce = getattr(g, "csp_nonce", "")
        response.headers["Content-Security-Policy"] = (
            f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
            "img-src 'self' data:; style-src 'self'; object-src 'none'; "
            "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        if request.endpoint not in ("static_file", "govuk_asset"):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.context_processor
    def page_globals() -> dict[str, Any]:
        return {
            "csrf_token": session.get("csrf", ""),
            "cspNonce": getattr(g, "csp_nonce", ""),
            "service_name": SERVICE_NAME,
            "current_path": request.path,
            "govuk_version": GOVUK_VERSION,
        }

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_error: Exception) -> Any:
        mb = app.config["DRAFTER_MAX_UPLOAD_MB"]
        return _error_page(
            "The file is too big",
            f"The file must be smaller than {mb} MB. Check it is the right document.",
            413,
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        code = error.code or 500
        title, text = ERROR_PAGES.get(code, ("Sorry, there is a problem", "Try again."))
        if code == 400 and error.description and "drafter" in error.description:
            text = error.description
        return _error_page(title, text, code)

    @app.errorhandler(DrafterError)
    def drafter_error(error: DrafterError) -> Any:
        return _error_page("drafter cannot do that", " ".join(str(error).split()), 400)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Any:
        LOG.exception("Unexpected error on %s %s", request.method, request.path)
        return _error_page(
            "Sorry, there is a problem with drafter",
            "Something went wrong that drafter did not expect. Nothing you saved was lost. "
            "Go back and try again; the details are in the window where you ran "
            "'drafter serve'.",
            500,
        )

    from drafter.web.pages import register

    register(app)
    return app


def _send(files: dict[str, Path], name: str) -> Any:
    from flask import send_file

    path = files.get(name)
    if path is None:
        abort(404)
    return send_file(path, max_age=3600)


def _error_page(title: str, text: str, code: int) -> Any:
    return render_template("error.html", title=title, text=text), code
