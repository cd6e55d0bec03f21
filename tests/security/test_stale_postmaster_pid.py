"""A stale ``postmaster.pid`` never gets an unrelated process killed (issue 15 item 2).

A data directory copied from a machine where PostgreSQL was running (or restored from a backup) keeps its
``postmaster.pid``. When the PID in it belongs to some other live process, trusting it means connecting to a
server that is not there and, on exit, "stopping" that process. Compass checks the PID really is this data
directory's postmaster (its program, command line and start time) before trusting it.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.cli.helpers import run_compass


def _fake_pid_file(pgdata: Path, pid: int) -> None:
    """What a crashed server leaves behind, except that the PID now belongs to another program."""
    lines = [str(pid), str(pgdata), str(int(time.time()) - 3600), "5432", str(pgdata), "", "  5432001    0", "ready"]
    (pgdata / "postmaster.pid").write_text("\n".join(lines) + "\n")


@pytest.mark.slow
def test_a_stale_pid_naming_a_live_unrelated_process_is_not_trusted_and_that_process_survives(tmp_path):
    env = {"COMPASS_HOME": str(tmp_path), "COMPASS_DATABASE_URL": ""}
    first = run_compass("sessions", "list", env=env)  # creates the data directory, then stops its server
    assert first.returncode == 0, first.stderr
    pgdata = tmp_path / "pgdata"
    assert not (pgdata / "postmaster.pid").exists()

    bystander = subprocess.Popen(["sleep", "600"], start_new_session=True)
    try:
        _fake_pid_file(pgdata, bystander.pid)
        r = run_compass("sessions", "list", env=env)
        time.sleep(0.5)
        assert bystander.poll() is None, "an unrelated process was killed"
        assert r.returncode == 0, r.stdout + r.stderr
        assert "Traceback" not in r.stdout + r.stderr
        said = [line for line in r.stderr.splitlines() if "postmaster.pid" in line]
        assert len(said) == 1 and str(bystander.pid) in said[0] and "not" in said[0], r.stderr
    finally:
        bystander.kill()
        bystander.wait()
    # the server Compass started for the command was stopped again when it exited
    assert not (pgdata / "postmaster.pid").exists()
    assert os.path.isdir(pgdata)
