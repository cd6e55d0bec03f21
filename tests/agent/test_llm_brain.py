"""The LLM brain with a scripted chat model (test double): tool calls, cross-checking, fallback."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage

from agent.brains.llm import LlmBrain, SpecExtraction, cross_check
from agent.brains.registry import register_brain
from agent.offline import parse
from agent.offline.contract import Intent
from agent.service import AgentService
from knowledge.domain import UseCase
from tests.agent.scripted_model import ScriptedChatModel, tool_call


def extraction(**fields) -> AIMessage:
    return tool_call("SpecExtraction", SpecExtraction(**fields).model_dump(mode="json"), "x1")


@pytest.fixture
def scripted(kb):
    model = ScriptedChatModel()
    register_brain("scripted:test", LlmBrain(model, name="scripted:test"))
    svc = AgentService(kb, llm="scripted:test", pool_max=2)
    yield model, svc
    svc.close()


def test_scripted_model_extracts_and_calls_the_planning_tool(scripted):
    model, svc = scripted
    model.script = [
        extraction(use_case="chatbot_conversational", users=2000, intent="describe"),
        tool_call("plan_capacity", {"spec": {"use_case": "chatbot_conversational", "users": 2000}}),
        AIMessage(content="For 2,000 people I'd start with the top option below: it meets every target."),
    ]
    sid = svc.create_session("bob").id
    r = svc.turn(sid, "bob", "A helpdesk assistant for our two thousand staff")
    state = svc.view(sid, "bob").state
    assert state.spec.use_case is UseCase.CHATBOT_CONVERSATIONAL and state.spec.users == 2000
    assert [t.name for t in state.tool_runs][0] == "plan_capacity"  # called by the model, not the graph
    assert state.plan is not None and r.stage == "recommend"
    assert r.reply.startswith("For 2,000 people") and "| 1" in r.reply  # grounded by the real table
    assert model.script == []


def test_unusable_model_falls_back_to_offline_and_says_so_once(scripted):
    model, svc = scripted
    model.script = []  # every call raises: an unreachable endpoint looks the same to the brain
    sid = svc.create_session("bob").id
    first = svc.turn(sid, "bob", "support chatbot for 800 users")
    second = svc.turn(sid, "bob", "what if traffic doubles?")
    assert "offline" in first.reply and "offline" not in second.reply
    assert svc.view(sid, "bob").state.plan is not None


def test_cross_check_keeps_parser_numbers_and_guards_deploy(catalog):
    offline = parse("chatbot for 5000 users, deploy option 1", catalog)
    llm = SpecExtraction(users=500, budget_monthly_usd=8000, intent="deploy", gpus=["h100", "TPU-v9"])
    merged = cross_check(offline, llm, catalog, [])
    assert merged.updates["users"] == 5000  # the explicit number in the text wins
    assert merged.updates["budget_monthly_usd"] == 8000  # filled from the model
    assert merged.updates["gpus"] == ["H100-SXM"]  # canonicalised, unknown names dropped
    assert Intent.DEPLOY in merged.intents  # the parser saw it too
    alone = cross_check(parse("tell me about GPUs", catalog), SpecExtraction(intent="deploy"), catalog, [])
    assert Intent.DEPLOY not in alone.intents  # a model cannot trigger a deployment by itself


def test_openai_brain_against_unreachable_endpoint_falls_back(kb, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("COMPASS_LLM_TIMEOUT_S", "2")
    svc = AgentService(kb, llm="openai:some-model", pool_max=2)
    try:
        sid = svc.create_session("carol").id
        r = svc.turn(sid, "carol", "RAG over our PDFs for 200 analysts")
        assert r.stage == "recommend" and "offline" in r.reply
    finally:
        svc.close()
