"""Starting a server on a busy port: one clear line that names a free port, before anything is announced."""

from __future__ import annotations

import socket

import psutil
import pytest

from tests.cli.helpers import assert_clean_error, run_compass


@pytest.fixture
def busy_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.mark.parametrize("command", ["serve", "ui", "api"])
def test_a_busy_port_is_one_line_that_suggests_another(busy_port, command):
    proc = run_compass(command, "--port", str(busy_port), env={"COLUMNS": "80"}, timeout=60)
    assert_clean_error(proc)
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr  # one line even at 80 columns
    assert f"port {busy_port}" in lines[0] and "already in use" in lines[0]
    suggested = int(lines[0].split("--port ")[1].split()[0])
    assert suggested != busy_port and f"make run PORT={suggested}" in lines[0]
    assert "Compass on" not in proc.stdout  # nothing was announced as running


SIMULATE = ("simulate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4")


def test_the_simulator_on_a_busy_port_is_one_line_before_anything_is_announced(busy_port):
    proc = run_compass(*SIMULATE, "--port", str(busy_port), env={"COLUMNS": "80", "HOST": ""}, timeout=60)
    assert_clean_error(proc)
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert f"port {busy_port} on 127.0.0.1" in lines[0] and "already in use" in lines[0]
    assert "--port " in lines[0] and "make run" not in lines[0]  # `make run` does not start the simulator
    assert "simulator" not in proc.stdout.lower()  # nothing announced as ready


def test_the_simulator_listens_on_this_machine_only_unless_told():
    """The default interface is 127.0.0.1, as for `compass api`; --host (or HOST, as the image sets) widens it."""
    import subprocess
    import time

    from tests.cli.helpers import COMPASS

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in __import__("os").environ.items() if k != "HOST"}
    proc = subprocess.Popen([COMPASS, *SIMULATE, "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env)
    try:
        first = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/v1" in first, first
        deadline, bound = time.monotonic() + 60, set()
        while not bound and time.monotonic() < deadline:
            bound = {c.laddr.ip for c in psutil.net_connections("tcp")
                     if c.status == psutil.CONN_LISTEN and c.laddr.port == port}
            time.sleep(0.2)
        assert bound == {"127.0.0.1"}, bound  # the loopback interface, not every interface
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_api_says_what_it_prepares_at_once_and_when_it_answers_with_the_seconds(pg_admin_url):
    """Seconds of preparation are not silent: a line before them, a line when /healthz answers."""
    import re
    import subprocess
    import time

    from tests.cli.helpers import COMPASS
    from tests.dbs import scratch_database

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with scratch_database(pg_admin_url, "serve_cli") as url:
        env = {**__import__("os").environ, "COMPASS_DATABASE_URL": url, "COLUMNS": "200"}
        proc = subprocess.Popen([COMPASS, "api", "--port", str(port)], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True, env=env)  # stderr: the server's logs
        try:
            started = time.monotonic()
            first = proc.stdout.readline()
            assert first.startswith(f"Starting the Compass API on http://127.0.0.1:{port}") and "preparing" in first
            ready = proc.stdout.readline()
            waited = time.monotonic() - started
            match = re.search(r"ready on http://127\.0\.0\.1:(\d+) .* after (\d+\.\d) s", ready)
            assert match and int(match.group(1)) == port, ready
            assert 0 < float(match.group(2)) <= waited + 1.0, (ready, waited)
            import httpx

            assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200  # it does answer
        finally:
            proc.terminate()
            proc.wait(timeout=60)
