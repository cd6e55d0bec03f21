"""`compass eval run` as a user runs it: offline, and against an OpenAI-compatible endpoint (scripted double)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.cli.helpers import COMPASS
from tests.evals.scripted_openai_server import Rule, ScriptedOpenAIServer

TINY = """
name: tiny
scenarios:
  - id: chatbot-5k
    turns: ["support chatbot for 5000 users"]
    expect:
      spec: {use_case: chatbot_conversational, users: 5000}
      asked: [budget_monthly_usd]
      tools: [plan_capacity]
  - id: wrong-on-purpose
    turns: ["support chatbot for 5000 users"]
    expect:
      spec: {users: 7000}
"""

WIRING = """
name: llm-wiring
scenarios:
  - id: helpdesk-two-thousand
    turns: ["A helpdesk assistant for our two thousand staff"]
    expect:
      spec: {use_case: chatbot_conversational, users: 2000}
      stage: recommend
      tools: [plan_capacity]
      reply_contains: ["For 2,000 people"]
      rubric: "The reply recommends a deployment and states what it costs per month."
  - id: vague-needs-questions
    turns: ["We want to run an LLM for our company."]
    expect:
      asked: [use_case, users]
      stage: clarification
"""

RULES = [
    Rule(kind="structured", schema="score", json={"reasoning": "Recommends option 1 at $/month.", "score": True}),
    Rule(kind="tools", when="two thousand staff", content="For 2,000 people I'd start with the top option below.",
         rounds=[[{"name": "update_spec", "args": {"acts": [
             {"act": "set", "field": "use_case", "value": "chatbot_conversational", "span": "helpdesk assistant"},
             {"act": "set", "field": "users", "value": 2000, "span": "two thousand staff"}]}}],
             [{"name": "plan_capacity", "args": {}}]]),
    Rule(kind="tools", when="run an llm", rounds=[[{"name": "plan_capacity", "args": {}}]],
         content="A couple of questions first."),
]

def eval_command(*args: str) -> list[str]:
    """`compass eval ...` once cli/main.py registers the group; until then the same typer app as a module."""
    from cli.main import app

    if any(g.name == "eval" for g in app.registered_groups):
        return [COMPASS, "eval", *args]
    return [sys.executable, "-m", "cli.evals", *args]


def run_eval(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(eval_command("run", *args), capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "200", **env})


def test_offline_run_prints_scores_writes_json_and_gates_on_min_pass(fresh_db_url, tmp_path):
    suite = tmp_path / "tiny.yaml"
    suite.write_text(TINY)
    out = tmp_path / "report.json"
    env = {"COMPASS_DATABASE_URL": fresh_db_url}
    proc = run_eval(str(suite), "--json", "--out", str(out), "--min-pass", "0.5", env=env)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["pass_rate"] == 0.5 and report["llm"] == "offline"
    assert {"field_accuracy", "clarification_precision", "clarification_recall"} <= set(report)
    by_id = {s["id"]: s for s in report["scenarios"]}
    assert by_id["chatbot-5k"]["passed"] and by_id["chatbot-5k"]["failures"] == []
    assert by_id["wrong-on-purpose"]["failures"] == ["spec.users: expected 7000 (+/-5%), got 5000"]
    assert "transcript" in json.loads(out.read_text())["scenarios"][0]  # the file keeps the conversations

    text = run_eval(str(suite), "--min-pass", "0.9", "--transcript", env=env)
    assert text.returncode == 1  # below --min-pass
    assert "FAIL wrong-on-purpose" in text.stdout and "pass rate 50.0% (1/2)" in text.stdout
    assert "user: support chatbot for 5000 users" in text.stdout

    bad = run_eval(str(tmp_path / "nope.yaml"), env=env)
    assert bad.returncode == 2 and "No suite file" in bad.stderr and "Traceback" not in bad.stderr


def test_the_same_command_runs_against_an_openai_compatible_endpoint(fresh_db_url, tmp_path):
    suite = tmp_path / "wiring.yaml"
    suite.write_text(WIRING)
    with ScriptedOpenAIServer(RULES) as server:
        env = {"COMPASS_DATABASE_URL": fresh_db_url, "OPENAI_BASE_URL": server.base_url,
               "OPENAI_API_KEY": "test-key", "COMPASS_LLM_TIMEOUT_S": "20"}
        proc = run_eval(str(suite), "--llm", "openai:scripted", "--json", "--min-pass", "1.0", env=env)
        kinds = server.kinds()
        models = {r.get("model") for r in server.requests}
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    assert report["llm"] == "openai:scripted" and report["pass_rate"] == 1.0
    assert [s["id"] for s in report["scenarios"]] == ["helpdesk-two-thousand", "vague-needs-questions"]
    assert models == {"scripted"}
    assert kinds.count(("tools", None)) >= 5  # the model drove the typed tools, round by round
    assert ("structured", "score") in kinds  # the rubric went to the LLM judge (openevals)
    assert report["scenarios"][0]["checks"]["total"] == report["scenarios"][0]["checks"]["passed"] == 6
