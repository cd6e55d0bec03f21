"""brain: the model of the turn (offline rules or an LLM) reads the conversation and either calls tools
(executed next by the ToolNode) or writes the answer.

An LLM that fails (unreachable, garbage, a tool loop that does not end) hands the rest of the turn to the
offline brain, said once per session. Both brains see the same tools and leave the same messages.
"""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.runtime import Runtime

from agent.brains import brain_for
from agent.brains.offline import OfflineBrain, read_turn, turn_messages
from agent.run_config import AgentContext
from agent.nodes.common import stream_text
from agent.state import AgentState
from agent.tools.registry import TOOLS

MAX_ROUNDS = 6  # tool rounds in one turn; then the answer is written from what the tools returned
_OFFLINE = OfflineBrain()


def _rounds(state: AgentState) -> int:
    n = 0
    for m in reversed(state.messages):
        if isinstance(m, HumanMessage):
            break
        n += isinstance(m, AIMessage) and bool(m.tool_calls)
    return n


def _offline_turn(state: AgentState, runtime: Runtime[AgentContext], update: dict) -> dict:
    catalog = runtime.context.knowledge_base().catalog
    reading = state.reading
    if reading is None:
        text, _ = turn_messages(state.messages)
        reading = read_turn(text, state, catalog)
        update["reading"] = reading
    view = state.model_copy(update={"reading": reading})
    model = _OFFLINE.chat_model(view, catalog, TOOLS)
    if _rounds(state) >= MAX_ROUNDS:
        model = model.bind_tools([])  # enough tools: answer from what came back
    message = model.invoke(state.messages)
    return {**update, "messages": [message]}


def brain_node(state: AgentState, runtime: Runtime[AgentContext]) -> dict:
    brain = brain_for(runtime.context.llm)
    update: dict = {"brain": brain.name}
    if isinstance(brain, OfflineBrain) or state.fallback_turn == state.turn:
        out = _offline_turn(state, runtime, update)
    else:
        out = brain.turn(state, runtime, TOOLS, MAX_ROUNDS - _rounds(state), fallback=_offline_turn)
    message = out["messages"][-1]
    if isinstance(message, AIMessage) and not message.tool_calls and message.content:
        stream_text(runtime, str(message.content))
    return out
