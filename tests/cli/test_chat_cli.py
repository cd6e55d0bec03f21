"""``compass chat`` as a user runs it: a conversation, quit, a fresh process resumes the session."""

from __future__ import annotations

import json
import re

from tests.cli.helpers import run_compass


def test_chat_resumes_after_restart(fresh_db_url):
    env = {"COMPASS_DATABASE_URL": fresh_db_url, "COMPASS_USER": "dana"}
    first = run_compass("chat", env=env, input="support chatbot for 2000 employees\n/quit\n")
    assert first.returncode == 0, first.stderr
    sid = re.search(r"New session ([0-9a-f-]{36})", first.stdout).group(1)
    assert "plan_capacity" in first.stdout and "compass chat --session " + sid in first.stdout
    second = run_compass("chat", "--session", sid, env=env, input="what if traffic doubles?\n/spec\n/quit\n")
    assert second.returncode == 0, second.stderr
    assert f"Resuming session {sid}" in second.stdout and "compare_whatif" in second.stdout
    assert "2,000" in second.stdout  # the spec card still knows the users
    shown = json.loads(run_compass("sessions", "show", sid, "--json", env=env).stdout)
    assert shown["stage"] == "recommend" or shown["stage"] == "explore"
    assert [m["role"] for m in shown["messages"]][:2] == ["user", "assistant"]
    listed = json.loads(run_compass("sessions", "list", "--json", env=env).stdout)
    assert [s["id"] for s in listed] == [sid]
    other = run_compass("chat", "--session", sid, env={**env, "COMPASS_USER": "eve"}, input="/quit\n")
    assert other.returncode != 0 and "No session" in other.stderr
    assert run_compass("sessions", "delete", sid, env=env).returncode == 0
    assert json.loads(run_compass("sessions", "list", "--json", env=env).stdout) == []


def test_approve_in_the_terminal_streams_the_validation_as_it_runs(fresh_db_url, tmp_path):
    """`/approve` applies to the local target and validates; the load test's progress shows while it runs, not
    all at once with the reply (the terminal used to be silent for the ~40 s of a validation)."""
    import os
    import subprocess
    import threading
    import time

    from k8s.local import LocalTarget
    from tests.cli.helpers import COMPASS

    env = {**os.environ, "COLUMNS": "80", "COMPASS_DATABASE_URL": fresh_db_url, "COMPASS_HOME": str(tmp_path),
           "COMPASS_LOCAL_TIME_SCALE": "5", "COMPASS_VALIDATE_DURATION_S": "10"}
    proc = subprocess.Popen([COMPASS, "chat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    lines: list[tuple[float, str]] = []
    reader = threading.Thread(target=lambda: lines.extend((time.monotonic(), line) for line in proc.stdout))
    reader.start()
    try:
        proc.stdin.write("code completion for 400 developers\ndeploy option 1\n/approve\n/quit\n")
        proc.stdin.close()
        assert proc.wait(timeout=240) == 0, proc.stderr.read()
    finally:
        reader.join(timeout=10)
        target = LocalTarget(tmp_path, allowed_namespaces=["compass", "default"])
        for dep in target.list():
            target.stop(dep.id)
    progress = [t for t, line in lines if re.search(r"load test: \d+ of \d+ requests sent", line)]
    verdict = next(t for t, line in lines if re.search(r"Validation (passed|failed|load not reached)", line))
    assert len(progress) >= 2 and progress[0] < verdict - 0.5  # shown while the test ran
