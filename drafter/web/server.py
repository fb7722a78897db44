"""Running the web application: ``drafter serve``.

Served by waitress (it runs on Windows too), on this computer's loopback
address only, on a free port unless one is chosen. The URL printed carries a
one-time token, as Jupyter's does: the browser that opens it gets a session
cookie, and the link cannot be used again.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from collections.abc import Callable
from typing import Any

from drafter.core.errors import DrafterError

LOOPBACK_NAMES = ("localhost",)


def check_host(host: str) -> str:
    """``host`` when it is this computer's loopback address; any other is
    refused, since drafter has no sign-in of its own yet."""
    name = host.strip().strip("[]")
    try:
        loopback = ipaddress.ip_address(name).is_loopback
    except ValueError:
        loopback = name.lower() in LOOPBACK_NAMES
    if not loopback:
        raise DrafterError(
            f"drafter serve only listens on this computer (127.0.0.1), not on '{host}': "
            "it has no sign-in, so others on the network must not reach it.",
            hint="Leave out --host.",
        )
    return "127.0.0.1" if name.lower() == "localhost" else name


def make_server(app: Any, host: str = "127.0.0.1", port: int = 0) -> Any:
    """A waitress server for ``app``, listening but not yet serving."""
    from waitress import create_server

    try:
        return create_server(app, host=host, port=port, threads=4, ident="drafter")
    except OSError as exc:
        raise DrafterError(
            f"Cannot listen on port {port}: {exc.strerror or exc}.",
            hint="Choose another with --port, or leave it out for a free one.",
        ) from None


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    open_browser: bool = True,
    data_dir: str | os.PathLike[str] | None = None,
    db_url: str | None = None,
    config_path: str | os.PathLike[str] | None = None,
    say: Callable[[str], None] = print,
) -> None:
    """Start the web application and serve until Ctrl-C."""
    from drafter.web.app import create_app

    host = check_host(host)
    app = create_app(data_dir, db_url=db_url, config_path=config_path)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("waitress").setLevel(logging.WARNING)
    server = make_server(app, host, port)
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{server.effective_port}/?token={app.config['DRAFTER_TOKEN']}"
    say("drafter is running on this computer only. Open this link (it works once):")
    say(f"    {url}")
    say("Press Ctrl-C to stop.")
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
