"""The embedded PostgreSQL 16 + pgvector (pgserver) in a per-user data directory, shared across processes.

pgserver trusts the data directory's ``postmaster.pid``: a live PID in it is taken for the running server,
connected to, and "stopped" (killed) when the last process exits. A copied or restored data directory can
carry a PID that now belongs to an unrelated program, so Compass checks the PID first and moves a stale file
aside (PostgreSQL itself refuses to start while the PID in it is alive).
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import re
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import psutil
import structlog

from knowledge.errors import DatabaseUnavailableError

log = structlog.get_logger(__name__)
# pgserver logs a failed start as the whole server log; Compass says the cause in one line instead.
logging.getLogger("pgserver").setLevel(logging.CRITICAL)

PID_FILE = "postmaster.pid"
# postmaster.pid records the start time in whole seconds; the process's own start time is read from /proc.
_START_TIME_SLACK_S = 2.0


def stale_pid_reason(pgdata: Path) -> str | None:
    """Why ``pgdata/postmaster.pid`` does not name this data directory's running postmaster, or None when it
    does, when there is none, or when its PID is gone (PostgreSQL replaces such a file itself)."""
    return stale_lock_reason(pgdata / PID_FILE, pgdata)


def stale_lock_reason(path: Path, pgdata: Path) -> str | None:
    """The same check for any lock file PostgreSQL writes in this format (``postmaster.pid`` and the socket's
    ``.s.PGSQL.<port>.lock``): why it does not belong to this data directory's running postmaster."""
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
        name, created, status = proc.name(), proc.create_time(), proc.status()
    except psutil.NoSuchProcess:
        return None
    except psutil.AccessDenied:
        return None  # another user's process: nothing of ours to check, and nothing we could kill either
    if status == psutil.STATUS_ZOMBIE:  # exited, not yet reaped (where PID 1 does not reap): PostgreSQL and
        # pgserver both take it for alive and refuse to start
        return f"{path} names PID {pid}, a PostgreSQL that has exited (not yet reaped)"
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


def _socket_locks(pgdata: Path) -> list[Path]:
    """The socket lock files of this data directory's server: in it, or in the socket directory its
    postmaster.pid (or the one set aside) names."""
    dirs = {pgdata}
    for name in (PID_FILE, f"{PID_FILE}.stale"):
        try:
            dirs.add(Path((pgdata / name).read_text(errors="replace").splitlines()[4].strip()))
        except (OSError, IndexError):
            continue
    return [lock for d in dirs if d.is_dir() for lock in d.glob(".s.PGSQL.*.lock")]


def remove_stale_socket_locks(pgdata: Path) -> None:
    """A socket lock naming a PostgreSQL that exited (a zombie where PID 1 does not reap) makes a restart
    fail with "lock file already exists" until someone reaps it: remove it when it is not this server's."""
    for lock in _socket_locks(pgdata):
        if (reason := stale_lock_reason(lock, pgdata)) is not None:
            lock.unlink(missing_ok=True)
            log.info("stale_socket_lock_removed", reason=reason)


def set_aside_stale_pid_file(pgdata: Path, *, locked: bool = False) -> None:
    """Move a stale ``postmaster.pid`` out of the way (kept as ``postmaster.pid.stale``), saying why in a line.

    Runs under pgserver's inter-process lock (taken here unless the caller holds it), which every process holds
    while it starts the server: a file a starting PostgreSQL is still writing is never judged half-written.
    """
    from contextlib import nullcontext

    from pgserver.postgres_server import PostgresServer

    with nullcontext() if locked else PostgresServer._lock:
        reason = stale_pid_reason(pgdata)
        if reason is None or _server_running_on(pgdata.resolve()):
            return
        try:
            (pgdata / PID_FILE).replace(pgdata / f"{PID_FILE}.stale")
        except FileNotFoundError:
            return  # another process set it aside first
    log.warning(f"Ignoring a stale lock file: {reason}; moved it to {PID_FILE}.stale and started a fresh server.")


def start_failure(data_dir: Path, exc: BaseException) -> str:
    """Why the server in ``data_dir`` did not start, in a line: the last FATAL/PANIC line of its log."""
    try:
        lines = (data_dir / "log").read_text(errors="replace").splitlines()
    except OSError:
        lines = []
    fatal = [line for line in lines if re.search(r"\b(FATAL|PANIC):", line)]
    if fatal:
        return re.sub(r"^.*?\b(FATAL|PANIC):\s*", "", fatal[-1]).strip()
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def postmaster_alive(data_dir: Path) -> bool:
    """Whether this data directory's postmaster is running (checked as ``stale_pid_reason`` checks it)."""
    path = data_dir / PID_FILE
    try:
        pid = int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return False
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE and stale_pid_reason(data_dir) is None
    except psutil.NoSuchProcess:
        return False


HANDLES_FILE = ".handle_pids.json"  # pgserver's list of the processes using the server; the last one out stops it


def forget_dead_users(data_dir: Path) -> None:
    """Drop processes that died without saying so (kill -9, a SIGTERM that skipped exit handlers) from pgserver's
    list of the server's users: the last live one out could never stop the server otherwise."""
    import json

    from pgserver.postgres_server import PostgresServer

    path = data_dir / HANDLES_FILE
    with PostgresServer._lock:
        try:
            pids = json.loads(path.read_text())
        except (OSError, ValueError):
            return
        live = [pid for pid in pids if pid == os.getpid() or _running(pid)]
        if live != pids:
            path.write_text(json.dumps(live))


def _running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


# How long a start may take. pgserver gives `pg_ctl start` 10 s and then raises while the server goes on starting;
# on a loaded machine (a CI runner, a laptop compiling) a first start with initdb and recovery takes longer.
START_WAIT_S = 120.0


_STARTING = object()  # a postmaster.pid still being written


def _get_server(data_dir: Path):
    """pgserver's server of ``data_dir``, waiting for a start that outlasts pgserver's own 10 s."""
    import pgserver  # imported lazily: external-database users never start it
    from pgserver.postgres_server import PostgresServer
    from pgserver.utils import PostmasterInfo

    started = time.monotonic()
    try:
        return pgserver.get_server(data_dir, cleanup_mode="stop")
    except subprocess.TimeoutExpired:
        server = PostgresServer._instances.get(data_dir)  # registered before the start that timed out
        if server is None:
            raise
    while time.monotonic() - started < START_WAIT_S:
        try:
            info = PostmasterInfo.read_from_pgdata(data_dir)
        except (AssertionError, ValueError):  # postgres writes postmaster.pid line by line as it starts (pgserver
            info = _STARTING                   # asserts all 8 lines): a half-written file is a start under way
        if info is None or (info is not _STARTING and (not info.is_running() or info.status == "ready")):
            break  # ready, or it died: the start below then tries once more and says why it fails
        time.sleep(0.25)
    with PostgresServer._lock:  # what the rest of pgserver's constructor does once the server runs
        server.ensure_postgres_running()
        server.global_process_id_list.get_and_add(os.getpid())
    log.warning(f"The embedded database in {data_dir} took {time.monotonic() - started:.0f} s to start "
                "(pgserver waits 10 s; the machine is loaded).")
    return server


class EmbeddedServer:
    """One pgserver-managed server per data directory in this process."""

    _lock = threading.Lock()
    _servers: dict[Path, object] = {}

    @classmethod
    def data_dir_of(cls, url: str) -> Path | None:
        """The data directory of the embedded server ``url`` points at, when this process started it."""
        host = (parse_qs(urlparse(url).query).get("host") or [""])[0]
        with cls._lock:
            for data_dir, server in cls._servers.items():
                if host and host == str(server.get_postmaster_info().socket_dir):
                    return data_dir
        return None

    @classmethod
    def revive(cls, data_dir: Path) -> float | None:
        """Restart the server of ``data_dir`` if its postmaster died; seconds it took, or None if it was up.

        Any process using the directory may notice first: pgserver's inter-process lock lets one restart it,
        and the others find it running. Raises DatabaseUnavailableError (one line) when it cannot start."""
        from pgserver.postgres_server import PostgresServer

        with cls._lock:
            server = cls._servers.get(data_dir)
        if server is None or postmaster_alive(data_dir):
            return None
        started = time.monotonic()
        with PostgresServer._lock:
            if postmaster_alive(data_dir):
                return None
            set_aside_stale_pid_file(data_dir, locked=True)
            remove_stale_socket_locks(data_dir)
            try:
                server.ensure_postgres_running()
                if not postmaster_alive(data_dir):
                    raise RuntimeError("the server exited right after starting")
            except Exception as exc:  # noqa: BLE001 - pgserver raises bare subprocess/assertion errors
                raise DatabaseUnavailableError(
                    f"The embedded database in {data_dir} stopped and could not be restarted: "
                    f"{start_failure(data_dir, exc)}") from None
        took = time.monotonic() - started
        log.warning(f"The embedded database in {data_dir} had stopped; restarted it in {took:.1f} s.")
        return took

    @classmethod
    def url_for(cls, data_dir: Path) -> str:
        data_dir = data_dir.expanduser().resolve()
        with cls._lock:
            server = cls._servers.get(data_dir)
            if server is None:
                # made here, not by pgserver: its exists-then-mkdir fails when two processes start together
                data_dir.mkdir(parents=True, exist_ok=True)
                set_aside_stale_pid_file(data_dir)
                forget_dead_users(data_dir)
                try:
                    server = _get_server(data_dir)
                except Exception as exc:  # pgserver raises bare subprocess/assertion errors
                    raise DatabaseUnavailableError(
                        f"Could not start the embedded database in {data_dir}: {start_failure(data_dir, exc)} "
                        f"(log: {data_dir / 'log'}; or set COMPASS_DATABASE_URL to an external PostgreSQL)"
                    ) from None
                cls._servers[data_dir] = server
                # runs before pgserver's own exit handler (registered earlier): the dead are not counted as users
                atexit.register(forget_dead_users, data_dir)
        return server.get_uri()

    @classmethod
    def release_all(cls) -> None:
        """Give up this process's place in every server it started, stopping a server it was the last user of.

        What the exit handlers do (``forget_dead_users``, then pgserver's own), for a process that ends without
        running them: Chainlit's standalone server ends its process with ``os._exit`` after its shutdown hook,
        which would leave the embedded PostgreSQL running with a dead process counted as its user."""
        with cls._lock:
            servers = list(cls._servers.items())
            cls._servers.clear()
        for data_dir, server in servers:
            forget_dead_users(data_dir)
            server.cleanup()  # with cleanup_mode="stop": stops the server only when no other process uses it
