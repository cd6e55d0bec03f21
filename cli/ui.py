"""``compass ui``: the web UI on its own (``compass serve`` runs it together with the REST API)."""

from __future__ import annotations

import os

import typer

from cli.common import console, fail, friendly_errors, require_free_port
from knowledge.logs import configure_logging


def require_ui_users_beyond_localhost(host: str) -> None:
    from api.settings import is_loopback

    if not is_loopback(host) and not os.environ.get("COMPASS_UI_USERS", "").strip():
        raise fail(f"Refusing to serve the web UI on {host} without logins: set COMPASS_UI_USERS=user:password"
                   "[,user:sha256=<hex>] (without it the UI logs everyone in as the local user).", 2)


@friendly_errors
def ui(host: str = typer.Option("127.0.0.1", help="interface to listen on"),
       port: int = typer.Option(8000, min=1, max=65535)) -> None:
    """Serve the web UI on HOST:PORT (logins from COMPASS_UI_USERS; required beyond localhost)."""
    require_ui_users_beyond_localhost(host)
    require_free_port(host, port)
    from ui.serving import run_standalone  # the UI stack is imported only when serving

    configure_logging("INFO")
    console.print(f"Compass web UI on http://{host}:{port}")
    run_standalone(host, port)
