"""Starting a server on a busy port: one clear line that names a free port, before anything is announced."""

from __future__ import annotations

import socket

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
