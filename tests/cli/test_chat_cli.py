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
