"""Eval scenarios on the LLM brain against the scripted OpenAI-compatible endpoint (test double), in process.

Two tests pin graph-level bugs the evals found (agent/nodes/recommend.py, LLM branch), fixed since.
"""

from __future__ import annotations

import pytest

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
    return report.scenarios[0]


def plan_rule(users: int, spec: dict) -> Rule:
    return Rule(kind="tools", when=f'"users":{users}', content="Here are the options.",
                tool_calls=[{"name": "plan_capacity", "args": {"spec": spec}}])


UNDERSTAND = Rule(kind="structured", schema="SpecExtraction", json={"intent": "describe"})


def test_llm_brain_scenario_passes_with_a_well_behaved_model(kb, monkeypatch):
    rules = [UNDERSTAND, plan_rule(800, {"use_case": "document_analysis_rag", "users": 800})]
    result = run_llm(kb, monkeypatch, "scripted-ok", rules, {
        "id": "rag-800", "turns": ["RAG over our PDFs for 800 analysts"],
        "expect": {"spec": {"use_case": "document_analysis_rag", "users": 800}, "tools": ["plan_capacity"],
                   "recommendation": {"meets_slos": True}}})
    assert result.passed, result.failures


def test_llm_reply_keeps_the_unreachable_budget_explanation(kb, monkeypatch):
    spec = {"use_case": "chatbot_conversational", "users": 5000, "budget_monthly_usd": 100}
    result = run_llm(kb, monkeypatch, "scripted-notes", [UNDERSTAND, plan_rule(5000, spec)], {
        "id": "budget-100", "turns": ["support chatbot for 5000 users, budget $100 per month"],
        "expect": {"reply_contains": ["Nothing meets the SLOs within $100/month"]}})
    assert result.passed, result.failures


def test_llm_tool_arguments_cannot_override_what_the_user_stated(kb, monkeypatch):
    wrong = {"use_case": "chatbot_conversational", "users": 20000}  # the model inflates users, drops the budget
    result = run_llm(kb, monkeypatch, "scripted-args", [UNDERSTAND, plan_rule(2000, wrong)], {
        "id": "users-2000", "turns": ["A helpdesk assistant for our 2000 staff, budget $8k a month"],
        "expect": {"spec": {"users": 2000, "budget_monthly_usd": 8000}}})
    assert result.passed, result.failures
