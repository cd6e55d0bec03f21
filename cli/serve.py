"""``compass api`` (the REST API) and ``compass serve`` (the REST API and the web UI in one process)."""

from __future__ import annotations

import threading
import time
import urllib.request

import typer

from cli.common import console, fail, friendly_errors, require_free_port
from knowledge.logs import configure_logging


def _require_api_keys_beyond_localhost(host: str) -> None:
    from api.settings import MIN_KEY_CHARS, ApiSettings, is_loopback

    if is_loopback(host):
        return
    settings = ApiSettings()
    if not settings.keys():
        raise fail(f"Refusing to listen on {host} without API keys: set COMPASS_API_KEYS=key:user[,key:user].", 2)
    if short := settings.short_keys():
        raise fail(f"Refusing to listen on {host}: API keys must be at least {MIN_KEY_CHARS} characters (the key "
                   f"of {', '.join(short)} is shorter); set longer ones in COMPASS_API_KEYS.", 2)


def _prepare_planner() -> int:
    """The planner's engine results for the shipped use cases' workload shapes, prepared before the server takes
    requests (tools/planner/warm_start.py: seconds once per catalog and engine version, then read from the cache
    file): otherwise the first conversations of a new server each wait for its cold start. Returns the number of
    use cases planned now (0: the cache had them)."""
    from knowledge.catalog import Catalog
    from tools.planner import warm_start

    return warm_start.prepare(Catalog.from_files())


def _announce_start(what: str, url: str) -> float:
    """One line before the seconds of preparation, so a silent terminal is not taken for a hung one."""
    console.print(f"Starting {what} on {url}: preparing the planner's engine results (read from the cache after the "
                  "first start), the database and the compute workers...", highlight=False)
    return time.monotonic()


def _announce_when_ready(what: str, host: str, port: int, url: str, started: float, planned: int) -> None:
    """One line when the server answers (its /healthz, polled from a daemon thread: the same for one worker
    process and for several), with the seconds it took."""
    probe = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    target = f"http://{probe if ':' not in probe else f'[{probe}]'}:{port}/healthz"

    def wait() -> None:
        while True:
            try:
                with urllib.request.urlopen(target, timeout=2):
                    break
            except OSError:  # not listening yet (refused), or starting (503, timeout)
                time.sleep(0.2)
        fresh = f"; planned {planned} use case(s) afresh" if planned else ""
        console.print(f"{what} ready on {url} after {time.monotonic() - started:.1f} s{fresh}", highlight=False)

    threading.Thread(target=wait, name="announce-ready", daemon=True).start()


@friendly_errors
def api(host: str = typer.Option("127.0.0.1", help="interface to listen on"),
        port: int = typer.Option(8000, min=1, max=65535),
        workers: int = typer.Option(1, min=1, max=64,
                                    help="worker processes; they share only the database (sessions, rate limits)")) -> None:
    """Serve the REST API on HOST:PORT (API keys are required beyond localhost)."""
    _require_api_keys_beyond_localhost(host)
    require_free_port(host, port)
    started = _announce_start("the Compass API" + (f" ({workers} worker processes)" if workers > 1 else ""),
                              f"http://{host}:{port}")
    import uvicorn

    from api.app import create_app, exit_cleanly_on_sigterm  # the API stack is imported only when serving

    configure_logging("INFO")
    exit_cleanly_on_sigterm()
    _announce_when_ready("The Compass API is", host, port, f"http://{host}:{port} (docs at /docs)", started,
                         _prepare_planner())
    if workers > 1:  # each worker process builds its own app (and pools) from the factory
        uvicorn.run("api.app:worker_app", factory=True, host=host, port=port, workers=workers, log_level="warning")
    else:
        uvicorn.run(create_app(), host=host, port=port, log_level="warning")


@friendly_errors
def serve(host: str = typer.Option("127.0.0.1", help="interface to listen on"),
          port: int = typer.Option(8000, min=1, max=65535)) -> None:
    """Serve the web UI (at /ui) and the REST API on HOST:PORT in one process."""
    from cli.ui import require_ui_users_beyond_localhost

    _require_api_keys_beyond_localhost(host)
    require_ui_users_beyond_localhost(host)
    require_free_port(host, port)
    started = _announce_start("Compass", f"http://{host}:{port}/ui")
    import uvicorn

    from api.app import create_app, exit_cleanly_on_sigterm

    configure_logging("INFO")
    exit_cleanly_on_sigterm()
    _announce_when_ready("Compass is", host, port, f"http://{host}:{port}/ui (REST API docs at /docs)", started,
                         _prepare_planner())
    # The plain asyncio loop, as Chainlit expects (uvicorn would otherwise pick uvloop).
    uvicorn.run(create_app(ui=True), host=host, port=port, log_level="warning", loop="asyncio")
