"""The LLM path: a scripted chat model (test double) drives the typed tools through LangGraph's ToolNode.

What the model asks for runs exactly as it would for a real LLM: its tool calls and their results are messages
in the checkpointed state. The graph keeps the guard rails whatever the model does: questions are answered
without touching the spec, a deployment needs the user's own request and a structured approval.
"""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from agent.brains.llm import LlmBrain
from agent.brains.registry import register_brain
from agent.session_service import AgentService
from knowledge.domain import UseCase
from tests.agent.scripted_model import ScriptedChatModel, tool_call

SET_NEED = [{"act": "set", "field": "use_case", "value": "chatbot_conversational", "span": "helpdesk assistant"},
            {"act": "set", "field": "users", "value": 2000, "span": "two thousand staff"}]


@pytest.fixture
def scripted(kb):
    model = ScriptedChatModel()
    register_brain("scripted:test", LlmBrain(model, name="scripted:test"))
    svc = AgentService(kb, llm="scripted:test", pool_max=2)
    yield model, svc
    svc.close()


def turn_of(state, n_back: int = 1) -> list:
    """The messages of the latest turn (from its user message on)."""
    starts = [i for i, m in enumerate(state.messages) if isinstance(m, HumanMessage)]
    return state.messages[starts[-n_back]:]


def called(messages) -> list[str]:
    return [c["name"] for m in messages if isinstance(m, AIMessage) for c in m.tool_calls]


def plan_first(model, svc, sid) -> None:
    model.script = [tool_call("update_spec", {"acts": SET_NEED}), tool_call("plan_capacity", {}, "c2"),
                    AIMessage(content="For 2,000 people I'd start with the top option below.")]
    svc.turn(sid, "bob", "A helpdesk assistant for our two thousand staff")


def test_model_states_the_need_and_plans_through_the_tool_node(scripted):
    model, svc = scripted
    sid = svc.create_session("bob").id
    plan_first(model, svc, sid)
    view = svc.view(sid, "bob")
    state = view.state
    assert state.spec.use_case is UseCase.CHATBOT_CONVERSATIONAL and state.spec.users == 2000
    assert state.spec.sources["users"].origin == "stated" and state.plan is not None
    assert called(turn_of(state)) == ["update_spec", "plan_capacity"]
    results = [m for m in turn_of(state) if isinstance(m, ToolMessage)]
    assert [m.name for m in results] == ["update_spec", "plan_capacity"] and "option 1:" in results[1].content
    reply = view.messages[-1]["content"]
    assert "Noted: use case chatbot; users 2,000." in reply  # the echo is the graph's, not the model's
    assert "For 2,000 people" in reply and "| 1" in reply  # the model's words, grounded by the real table
    assert model.script == []
    # the model saw the tools' results and the spec they left
    assert any(isinstance(m, ToolMessage) and m.name == "plan_capacity" for m in model.received[-1])


def test_why_not_a_gpu_is_answered_by_explain_and_changes_nothing(scripted):
    model, svc = scripted
    sid = svc.create_session("bob").id
    plan_first(model, svc, sid)
    before = svc.view(sid, "bob").state.spec
    model.script = [tool_call("explain", {"about": "gpu", "target": "H200"}),
                    AIMessage(content="Here is how H200 compares.")]
    r = svc.turn(sid, "bob", "why not H200s? I thought they are faster")
    state = svc.view(sid, "bob").state
    assert called(turn_of(state)) == ["explain"]
    assert state.spec == before  # a question never changes the spec
    explained = [m for m in turn_of(state) if isinstance(m, ToolMessage) and m.name == "explain"][0]
    assert "H200" in explained.content and "$" in explained.content  # its best configuration, priced
    assert "H200" in r.reply


def test_what_if_is_compared_without_changing_the_spec(scripted):
    model, svc = scripted
    sid = svc.create_session("bob").id
    plan_first(model, svc, sid)
    model.script = [tool_call("compare_whatif", {"variants": [{"label": "traffic x2", "changes": {"traffic": "2x"}}]}),
                    AIMessage(content="Doubling traffic costs more; see the table.")]
    r = svc.turn(sid, "bob", "what if traffic doubles?")
    state = svc.view(sid, "bob").state
    assert state.comparison is not None and state.comparison.variants[0].changes == {"traffic": "2x"}
    assert state.spec.users == 2000 and "update_spec" not in called(turn_of(state))
    assert "| scenario" in r.reply  # the deterministic comparison table is shown with the model's words


def test_a_deploy_the_user_did_not_ask_for_is_refused(scripted):
    model, svc = scripted
    sid = svc.create_session("bob").id
    plan_first(model, svc, sid)
    model.script = [tool_call("request_deployment", {"option": 1}), AIMessage(content="Done.")]
    svc.turn(sid, "bob", "tell me more about the first option")
    view = svc.view(sid, "bob")
    refused = [m for m in turn_of(view.state) if isinstance(m, ToolMessage) and m.name == "request_deployment"]
    assert refused and refused[0].status == "error" and view.state.deployment is None
    assert view.pending_approval is None


def test_a_requested_deploy_stops_at_the_approval_gate(scripted, fast_local):
    model, svc = scripted
    sid = svc.create_session("bob").id
    plan_first(model, svc, sid)
    model.script = [tool_call("request_deployment", {"option": 1}), AIMessage(content="Please review it.")]
    r = svc.turn(sid, "bob", "deploy option 1")
    view = svc.view(sid, "bob")
    assert view.pending_approval is not None and view.state.deployment.status == "awaiting_approval"
    assert "Nothing is applied until you approve" in r.reply
    svc.turn(sid, "bob", "I approve, go ahead")  # chat text never approves
    assert svc.view(sid, "bob").state.deployment.status == "awaiting_approval"
    svc.approve(sid, "bob", approve=False)
    assert svc.view(sid, "bob").state.deployment.status == "rejected"


def test_unusable_model_falls_back_to_offline_and_says_so_once(scripted):
    model, svc = scripted
    model.script = []  # every call raises: an unreachable endpoint looks the same to the brain
    sid = svc.create_session("bob").id
    first = svc.turn(sid, "bob", "support chatbot for 800 users")
    second = svc.turn(sid, "bob", "what if traffic doubles?")
    assert "offline" in first.reply and "offline" not in second.reply
    state = svc.view(sid, "bob").state
    assert state.plan is not None and state.comparison is not None


def test_a_tool_loop_that_does_not_end_is_cut_short(scripted):
    model, svc = scripted
    sid = svc.create_session("bob").id
    plan_first(model, svc, sid)
    model.script = [tool_call("select_option", {"option": 1}, f"s{i}") for i in range(20)]
    r = svc.turn(sid, "bob", "option 1 please")
    assert r.reply.strip() and len(model.script) >= 20 - 6  # at most six rounds, then the offline brain answers


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
