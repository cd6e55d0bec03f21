"""ingest: start a turn. Count it, clear what belonged to the last turn, and note what the input guards did
(a credential removed by the messages reducer, see agent/redaction.py)."""

from __future__ import annotations

from langchain_core.messages import HumanMessage
from langgraph.runtime import Runtime

from agent.run_config import AgentContext
from agent.redaction import was_redacted
from agent.state import AgentState

SECRET_REMOVED = ("I removed what looks like a credential from your message before storing it. Compass never needs "
                  "one in chat: gated models read the token from the Kubernetes Secret named in the manifests, and "
                  "the cluster is reached through KUBECONFIG.")


def ingest_node(state: AgentState, runtime: Runtime[AgentContext]) -> dict:
    latest = next((m for m in reversed(state.messages) if isinstance(m, HumanMessage)), None)
    notes = [SECRET_REMOVED] if latest is not None and was_redacted(latest) else []
    return {"turn": state.turn + 1, "reading": None, "changes": [], "unchanged": [], "turn_notes": notes,
            "brain": runtime.context.llm}
