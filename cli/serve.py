"""``compass api`` (the REST API) and ``compass serve`` (the REST API and the web UI in one process)."""

from __future__ import annotations

import typer

from cli.common import console, fail, friendly_errors, require_free_port
from knowledge.logs import configure_logging


def _require_api_keys_beyond_localhost(host: str) -> None:
    from api.security import is_loopback
    from api.settings import MIN_KEY_CHARS, ApiSettings

    if is_loopback(host):
        return
    settings = ApiSettings()
    if not settings.keys():
        raise fail(f"Refusing to listen on {host} without API keys: set COMPASS_API_KEYS=key:user[,key:user].", 2)
    if short := settings.short_keys():
        raise fail(f"Refusing to listen on {host}: API keys must be at least {MIN_KEY_CHARS} characters (the key "
                   f"of {', '.join(short)} is shorter); set longer ones in COMPASS_API_KEYS.", 2)


def _prepare_planner() -> None:
    """The planner's engine results for the shipped use cases' workload shapes, prepared before the server takes
    requests (tools/planner/warm_start.py: seconds once per catalog and engine version, then read from the cache
    file): otherwise the first conversations of a new server each wait for its cold start."""
    from knowledge.catalog import Catalog
    from tools.planner import warm_start

    with console.status("Preparing the planner (once per Compass version)..."):
        warm_start.prepare(Catalog.from_files())


@friendly_errors
def api(host: str = typer.Option("127.0.0.1", help="interface to listen on"),
        port: int = typer.Option(8000, min=1, max=65535),
        workers: int = typer.Option(1, min=1, max=64,
                                    help="worker processes; they share only the database (sessions, rate limits)")) -> None:
    """Serve the REST API on HOST:PORT (API keys are required beyond localhost)."""
    import uvicorn

    from api.app import create_app, exit_cleanly_on_sigterm  # the API stack is imported only when serving

    _require_api_keys_beyond_localhost(host)
    require_free_port(host, port)
    configure_logging("INFO")
    exit_cleanly_on_sigterm()
    _prepare_planner()
    console.print(f"Compass API on http://{host}:{port} (docs at /docs)"
                  + (f" with {workers} worker processes" if workers > 1 else ""))
    if workers > 1:  # each worker process builds its own app (and pools) from the factory
        uvicorn.run("api.app:worker_app", factory=True, host=host, port=port, workers=workers, log_level="warning")
    else:
        uvicorn.run(create_app(), host=host, port=port, log_level="warning")


@friendly_errors
def serve(host: str = typer.Option("127.0.0.1", help="interface to listen on"),
          port: int = typer.Option(8000, min=1, max=65535)) -> None:
    """Serve the web UI (at /ui) and the REST API on HOST:PORT in one process."""
    import uvicorn

    from api.app import create_app, exit_cleanly_on_sigterm
    from cli.ui import require_ui_users_beyond_localhost

    _require_api_keys_beyond_localhost(host)
    require_ui_users_beyond_localhost(host)
    require_free_port(host, port)
    configure_logging("INFO")
    exit_cleanly_on_sigterm()
    _prepare_planner()
    console.print(f"Compass on http://{host}:{port}/ui (REST API docs at /docs)")
    # The plain asyncio loop, as Chainlit expects (uvicorn would otherwise pick uvloop).
    uvicorn.run(create_app(ui=True), host=host, port=port, log_level="warning", loop="asyncio")
