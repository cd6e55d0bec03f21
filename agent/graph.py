"""The Compass conversation as a LangGraph tool-calling agent, with one graph for both brains.

ingest -> brain <-> tools (LangGraph's ToolNode) -> [approval gate -> apply -> validate].
Every turn enters at ``ingest``. The brain (the offline rules written as a chat model, or an LLM bound to the
same tools) calls typed tools; the ToolNode runs them and their calls and results stay in the checkpointed
messages. A deployment prepared by ``request_deployment`` pauses on a LangGraph interrupt until the session's
user approves or rejects; nothing reaches a cluster any other way.
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph
from langgraph.prebuilt import ToolNode

from agent.run_config import AgentContext
from agent.nodes.brain import brain_node
from agent.nodes.approval import apply_node, approval_node, route_after_approval, route_after_brain
from agent.nodes.ingest import ingest_node
from agent.nodes.validate import route_after_apply, validate_node
from agent.state import AgentState
from agent.tools.registry import TOOLS


def route_from_brain(state: AgentState) -> str:
    last = state.messages[-1] if state.messages else None
    if getattr(last, "tool_calls", None):
        return "tools"
    return route_after_brain(state)


def build_graph(checkpointer=None, *, name: str = "compass"):
    g = StateGraph(AgentState, context_schema=AgentContext)
    g.add_node("ingest", ingest_node)
    g.add_node("brain", brain_node)
    g.add_node("tools", ToolNode(TOOLS))
    g.add_node("approval", approval_node)
    g.add_node("apply", apply_node)
    g.add_node("validate", validate_node)
    g.add_edge(START, "ingest")
    g.add_edge("ingest", "brain")
    g.add_conditional_edges("brain", route_from_brain, ["tools", "approval", END])
    g.add_edge("tools", "brain")
    g.add_conditional_edges("approval", route_after_approval, ["approval", "apply", END])
    g.add_conditional_edges("apply", route_after_apply, ["validate", END])
    g.add_edge("validate", END)
    return g.compile(checkpointer=checkpointer, name=name)


# For `langgraph dev` / LangGraph Studio (langgraph.json): the server supplies its own checkpointer.
graph = build_graph()
