"""Credentials are redacted by the graph itself (issue 17 item 4): a run that does not go through AgentService
(`langgraph dev`, LangGraph Studio, an SDK client) never keeps a pasted token in the thread's state.

The `messages` reducer redacts every message before it is applied to the channel, so no checkpoint of the
thread holds it. (LangGraph itself keeps the run's raw input in the input step's `__start__` channel; AgentService
redacts before a run starts, so with it even that never sees the token.)
"""

from __future__ import annotations

from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver

from agent.run_config import AgentContext
from agent.graph import build_graph

TOKEN = "hf_" + "AbCdEfGhIjKlMnOpQrStUvWx1234"


def test_a_pasted_token_never_reaches_the_thread_state(kb):
    graph = build_graph(InMemorySaver())
    config = {"configurable": {"thread_id": "t1"}}
    result = graph.invoke({"messages": [HumanMessage(f"support chatbot for 300 users, my token is {TOKEN}")]},
                          config, context=AgentContext(kb=kb))
    for snapshot in graph.get_state_history(config):  # every checkpoint of the thread
        assert TOKEN not in str(snapshot.values.get("messages", "")), snapshot.metadata
        assert TOKEN not in str(snapshot.values.get("spec", ""))
    assert "[redacted]" in result["messages"][0].content
    reply = result["messages"][-1].content
    assert "removed what looks like a credential" in reply  # the turn says so
    assert result["spec"].users == 300  # the rest of the message is still understood
