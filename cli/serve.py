"""``compass api``: run the REST API (and, once mounted, the web UI) with uvicorn."""

from __future__ import annotations

import typer

from cli.common import console, fail, friendly_errors
from knowledge.logs import configure_logging


@friendly_errors
def api(host: str = typer.Option("127.0.0.1", help="interface to listen on"),
        port: int = typer.Option(8000, min=1, max=65535)) -> None:
    """Serve the REST API on HOST:PORT (API keys are required beyond localhost)."""
    import uvicorn

    from api.app import create_app  # the API stack is imported only when serving
    from api.security import is_loopback
    from api.settings import ApiSettings

    if not is_loopback(host) and not ApiSettings().keys():
        raise fail(f"Refusing to listen on {host} without API keys: set COMPASS_API_KEYS=key:user[,key:user].", 2)
    configure_logging("INFO")
    console.print(f"Compass API on http://{host}:{port} (docs at /docs)")
    uvicorn.run(create_app(), host=host, port=port, log_level="warning")
