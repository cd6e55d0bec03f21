"""The Compass conversation as a LangGraph state machine.

context -> clarification -> recommend -> explore -> deploy -> (approval gate) -> apply -> validate.
Every turn enters at ``context``, which merges the message into the spec and picks the turn's intent; the
router sends it to the stage that handles it. Deployment pauses on a LangGraph interrupt until the session's
user approves or rejects; nothing reaches a cluster any other way.
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from agent.context import AgentContext
from agent.intents import EXPLORE, RESPOND
from agent.nodes.clarification import clarification_node, needs_clarification
from agent.nodes.context import context_node
from agent.nodes.deploy import apply_node, approval_node, deploy_node, route_after_approval, route_after_deploy
from agent.nodes.explore import explore_node
from agent.nodes.recommend import recommend_node
from agent.nodes.respond import respond_node
from agent.nodes.validate import route_after_apply, validate_node
from agent.offline.contract import Intent
from agent.state import AgentState


def route_after_context(state: AgentState) -> str:
    intent = state.intent
    if intent in RESPOND and intent is not Intent.SHOW_YAML:
        return "respond"
    if state.parsed and state.parsed.unparsed and intent is Intent.DESCRIBE and state.plan is not None:
        return "respond"
    if intent in (Intent.DEPLOY, Intent.SHOW_YAML) and state.plan is not None:
        return "deploy"
    if intent is Intent.VALIDATE and state.deployment is not None:
        return "validate"
    if needs_clarification(state):
        return "clarification"
    if intent in EXPLORE:
        return "explore"
    return "recommend"


def route_after_clarification(state: AgentState) -> str:
    """End the turn when a question was asked; go on to recommend when every gap took its default."""
    return END if _asked_this_turn(state) else "recommend"


def _asked_this_turn(state: AgentState) -> bool:
    q = state.last_question()
    return q is not None and q.turn == state.turn


def build_graph(checkpointer=None, *, name: str = "compass"):
    g = StateGraph(AgentState, context_schema=AgentContext)
    g.add_node("context", context_node)
    g.add_node("clarification", clarification_node)
    g.add_node("recommend", recommend_node)
    g.add_node("explore", explore_node)
    g.add_node("respond", respond_node)
    g.add_node("deploy", deploy_node)
    g.add_node("approval", approval_node)
    g.add_node("apply", apply_node)
    g.add_node("validate", validate_node)
    g.add_edge(START, "context")
    g.add_conditional_edges("context", route_after_context,
                            ["respond", "clarification", "recommend", "explore", "deploy", "validate"])
    g.add_conditional_edges("clarification", route_after_clarification, [END, "recommend"])
    g.add_edge("recommend", END)
    g.add_edge("explore", END)
    g.add_edge("respond", END)
    g.add_conditional_edges("deploy", route_after_deploy, ["approval", END])
    g.add_conditional_edges("approval", route_after_approval, ["approval", "apply", END])
    g.add_conditional_edges("apply", route_after_apply, ["validate", END])
    g.add_edge("validate", END)
    return g.compile(checkpointer=checkpointer, name=name)


# For `langgraph dev` / LangGraph Studio (langgraph.json): the server supplies its own checkpointer.
graph = build_graph()
