"""The runner on a real database with the offline brain: sessions, approvals, skips, parallel scenarios."""

from __future__ import annotations

from tools import deploy_path
from agent.session_service import AgentService
from evals.runner import OWNER, run_suites
from evals.scenario import Suite


def suite(*scenarios: dict) -> Suite:
    return Suite.model_validate({"name": "t", "scenarios": list(scenarios)})


def test_scenarios_run_in_their_own_sessions_and_clean_up(kb):
    s = suite(
        {"id": "one", "turns": ["support chatbot for 5000 users"],
         "expect": {"spec": {"users": 5000}, "asked": ["budget_monthly_usd"], "tools": ["plan_capacity"]}},
        {"id": "two", "turns": ["RAG over our PDFs for 300 analysts", "what if traffic doubles?"],
         "expect": {"spec": {"users": 300}, "stage": "explore", "comparison": {"variants": 1, "changed": True}}},
        {"id": "three", "turns": ["We want to run an LLM for our company."],
         "expect": {"asked": ["use_case", "users"], "spec": {"users": 300}}},  # fails: its own session
    )
    report = run_suites([s], kb, workers=2)
    by_id = {r.id: r for r in report.scenarios}
    assert by_id["one"].passed and by_id["two"].passed, report.as_json()
    assert not by_id["three"].passed and by_id["three"].failures == ["spec.users: expected 300, but it is unset"]
    assert [t.user for t in by_id["two"].transcript] == s.scenarios[1].turns
    assert all(t.latency_s > 0 for t in by_id["two"].transcript)
    service = AgentService(kb, pool_max=2)
    try:
        assert service.list_sessions(OWNER) == []  # nothing left behind in the user's database
    finally:
        service.close()


def test_approval_turns_go_to_the_approval_api(kb):
    s = suite({"id": "approve-nothing", "turns": ["support chatbot for 500 users", {"approve": True}],
               "expect": {"spec": {"users": 500}}})
    result = run_suites([s], kb, workers=1).scenarios[0]
    assert not result.passed
    assert result.failures == ["conversation: turn 2 {approve: true}: no deployment was waiting for approval"]


def test_deploy_scenarios_are_skipped_while_deploying_is_unavailable(kb, monkeypatch):
    monkeypatch.setattr(deploy_path, "available", lambda target: "not in this build")
    s = suite({"id": "deploy", "requires": "deploy", "turns": ["chatbot for 500 users", "deploy option 1"],
               "expect": {"pending_approval": True}},
              {"id": "plain", "turns": ["chatbot for 500 users"], "expect": {"spec": {"users": 500}}})
    report = run_suites([s], kb, workers=2)
    skipped = report.scenarios[0]
    assert skipped.skipped and skipped.skip_reason == "deploy target unavailable (not in this build)"
    assert report.pass_rate == 1.0 and report.scores()["scenarios_skipped"] == 1


def test_deploy_scenarios_run_when_the_deploy_path_says_it_is_available(kb, monkeypatch):
    monkeypatch.setattr(deploy_path, "available", lambda target: None)
    s = suite({"id": "deploy", "requires": "deploy", "turns": ["chatbot for 500 users"], "expect": {}})
    result = run_suites([s], kb, workers=1).scenarios[0]
    assert not result.skipped and result.passed
