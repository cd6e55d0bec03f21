"""The embedded PostgreSQL 16 + pgvector (pgserver) in a per-user data directory, shared across processes.

pgserver trusts the data directory's ``postmaster.pid``: a live PID in it is taken for the running server,
connected to, and "stopped" (killed) when the last process exits. A copied or restored data directory can
carry a PID that now belongs to an unrelated program, so Compass checks the PID first and moves a stale file
aside (PostgreSQL itself refuses to start while the PID in it is alive).
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import psutil
import structlog

from knowledge.errors import DatabaseUnavailableError

log = structlog.get_logger(__name__)

PID_FILE = "postmaster.pid"
# postmaster.pid records the start time in whole seconds; the process's own start time is read from /proc.
_START_TIME_SLACK_S = 2.0


def stale_pid_reason(pgdata: Path) -> str | None:
    """Why ``pgdata/postmaster.pid`` does not name this data directory's running postmaster, or None when it
    does, when there is none, or when its PID is gone (PostgreSQL replaces such a file itself)."""
    path = pgdata / PID_FILE
    try:
        lines = path.read_text(errors="replace").splitlines()
    except FileNotFoundError:
        return None
    try:
        pid, started = int(lines[0]), int(lines[2])
    except (IndexError, ValueError):
        return f"{path} is damaged (no PID and start time in it)"
    try:
        proc = psutil.Process(pid)
        name, created = proc.name(), proc.create_time()
    except psutil.NoSuchProcess:
        return None
    except psutil.AccessDenied:
        return None  # another user's process: nothing of ours to check, and nothing we could kill either
    if name != "postgres":
        return f"{path} names PID {pid}, which is {name!r}, not this data directory's PostgreSQL"
    if abs(created - started) > _START_TIME_SLACK_S:
        when = dt.datetime.fromtimestamp(created).isoformat(timespec="seconds")
        return f"{path} names PID {pid}, a PostgreSQL started at {when}, not the server that wrote the file"
    try:
        data_dir = _data_dir_argument(proc.cmdline())
    except (psutil.AccessDenied, psutil.NoSuchProcess):
        return None
    if data_dir is not None and data_dir.resolve() != pgdata.resolve():
        return f"{path} names PID {pid}, a PostgreSQL serving {data_dir}, not this data directory"
    return None


def _data_dir_argument(cmdline: list[str]) -> Path | None:
    for flag, value in zip(cmdline, cmdline[1:]):
        if flag == "-D":
            return Path(value)
    return None


def _server_running_on(pgdata: Path) -> bool:
    for proc in psutil.process_iter(["name", "cmdline"]):
        cmdline = proc.info.get("cmdline") or []
        if proc.info.get("name") == "postgres" and (d := _data_dir_argument(cmdline)) and d.resolve() == pgdata:
            return True
    return False


def set_aside_stale_pid_file(pgdata: Path) -> None:
    """Move a stale ``postmaster.pid`` out of the way (kept as ``postmaster.pid.stale``), saying why in a line.

    Runs under pgserver's inter-process lock, which every process holds while it starts the server: a file a
    starting PostgreSQL is still writing is never judged half-written.
    """
    from pgserver.postgres_server import PostgresServer

    with PostgresServer._lock:
        reason = stale_pid_reason(pgdata)
        if reason is None or _server_running_on(pgdata.resolve()):
            return
        try:
            (pgdata / PID_FILE).replace(pgdata / f"{PID_FILE}.stale")
        except FileNotFoundError:
            return  # another process set it aside first
    log.warning(f"Ignoring a stale lock file: {reason}; moved it to {PID_FILE}.stale and started a fresh server.")


class EmbeddedServer:
    """One pgserver-managed server per data directory in this process."""

    _lock = threading.Lock()
    _servers: dict[Path, object] = {}

    @classmethod
    def url_for(cls, data_dir: Path) -> str:
        import pgserver  # imported lazily: external-database users never start it

        data_dir = data_dir.expanduser().resolve()
        with cls._lock:
            server = cls._servers.get(data_dir)
            if server is None:
                data_dir.parent.mkdir(parents=True, exist_ok=True)
                if data_dir.is_dir():
                    set_aside_stale_pid_file(data_dir)
                try:
                    server = pgserver.get_server(data_dir, cleanup_mode="stop")
                except Exception as exc:  # pgserver raises bare subprocess errors
                    raise DatabaseUnavailableError(
                        f"Could not start the embedded database in {data_dir}: {exc}. "
                        f"See {data_dir / 'log'} or set COMPASS_DATABASE_URL to an external PostgreSQL."
                    ) from exc
                cls._servers[data_dir] = server
        return server.get_uri()
