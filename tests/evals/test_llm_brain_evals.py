"""Eval scenarios on the LLM brain against the scripted OpenAI-compatible endpoint (test double), in process.

The endpoint answers like a tool-calling LLM: a round of tool calls per request (update_spec, then plan_capacity),
then its words. The graph runs the calls through the ToolNode and grounds the words with the real table.
"""

from __future__ import annotations

from evals.runner import run_suites
from evals.scenario import Suite
from tests.evals.scripted_openai_server import Rule, ScriptedOpenAIServer


def run_llm(kb, monkeypatch, name: str, rules: list[Rule], scenario: dict):
    with ScriptedOpenAIServer(rules) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
        monkeypatch.setenv("COMPASS_LLM_TIMEOUT_S", "20")
        suite = Suite.model_validate({"name": name, "scenarios": [scenario]})
        report = run_suites([suite], kb, llm=f"openai:{name}", workers=2)  # a brain of its own (cached by name)
        assert server.requests, "the LLM endpoint was never called"
    return report.scenarios[0], server


def sets(**fields) -> dict:
    return {"name": "update_spec", "args": {"acts": [{"act": "set", "field": f, "value": v} for f, v in fields.items()]}}


PLAN = {"name": "plan_capacity", "args": {}}


def test_llm_brain_scenario_passes_with_a_well_behaved_model(kb, monkeypatch):
    rules = [Rule(kind="tools", when="800 analysts", rounds=[[sets(use_case="document_analysis_rag", users=800)], [PLAN]],
                  content="Here are the options.")]
    result, _ = run_llm(kb, monkeypatch, "scripted-ok", rules, {
        "id": "rag-800", "turns": ["RAG over our PDFs for 800 analysts"],
        "expect": {"spec": {"use_case": "document_analysis_rag", "users": 800}, "tools": ["plan_capacity"],
                   "recommendation": {"meets_slos": True}}})
    assert result.passed, result.failures


def test_llm_reply_keeps_the_unreachable_budget_explanation(kb, monkeypatch):
    rules = [Rule(kind="tools", when="budget $100", content="Here are the options.",
                  rounds=[[sets(use_case="chatbot_conversational", users=5000, budget_monthly_usd=100)], [PLAN]])]
    result, _ = run_llm(kb, monkeypatch, "scripted-notes", rules, {
        "id": "budget-100", "turns": ["support chatbot for 5000 users, budget $100 per month"],
        "expect": {"reply_contains": ["Nothing meets the SLOs within $100/month"]}})
    assert result.passed, result.failures


def test_a_question_is_answered_without_touching_the_spec(kb, monkeypatch):
    rules = [Rule(kind="tools", when="2000 staff", content="Here are the options.",
                  rounds=[[sets(use_case="chatbot_conversational", users=2000, budget_monthly_usd=8000)], [PLAN]]),
             Rule(kind="tools", when="why not", content="Compared below.",
                  rounds=[[{"name": "explain", "args": {"about": "gpu", "target": "H100"}}]])]
    result, server = run_llm(kb, monkeypatch, "scripted-why", rules, {
        "id": "why-not-h100", "turns": ["A helpdesk assistant for our 2000 staff, budget $8k a month",
                                        "why not an H100? is $8,000 enough for it?"],
        "expect": {"spec": {"users": 2000, "budget_monthly_usd": 8000, "exclude_gpus": None, "gpus": None},
                   "reply_contains": ["H100"]}})
    assert result.passed, result.failures
    assert any(t.get("function", {}).get("name") == "explain" for b in server.requests for m in b["messages"]
               for t in m.get("tool_calls") or [])
