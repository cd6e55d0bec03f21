"""approval and apply: pause for explicit approval (LangGraph interrupt), then apply what was approved.

The deployment is prepared by the ``request_deployment`` tool (agent/tools/deploy_tools.py), which rendered its
manifests once into the state; the graph routes here when one awaits approval. The approval carries those
manifests (YAML) and their digest, and the apply node applies that very bundle: nothing is rendered between the
preview and the apply. Only a structured decision from the session's user approves: chat text never does; a
decision naming another digest (manifests the user did not see) approves nothing.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.graph import END
from langgraph.runtime import Runtime
from langgraph.types import interrupt

from agent.run_config import AgentContext
from agent.nodes.common import emit, say
from agent.state import AgentState
from agent.tools.common import step
from tools import deploy_path

APPLY_MANIFESTS = "apply_manifests"


def route_after_brain(state: AgentState) -> str:
    """A deployment prepared this turn waits at the approval gate; anything else ends the turn."""
    dep = state.deployment
    return "approval" if dep is not None and dep.status == "awaiting_approval" else END


def decision_of(answer: Any, digest: str | None = None) -> tuple[str, str | None]:
    """('approve' | 'reject' | 'stale' | 'message', text). Only a structured approval approves: text never does;
    one that names a digest other than ``digest`` (the manifests pending) is 'stale'."""
    if isinstance(answer, dict):
        if answer.get("digest") not in (None, digest):
            return "stale", None
        if answer.get("decision") in ("approve", "reject"):
            return answer["decision"], None
        if isinstance(answer.get("approve"), bool):
            return ("approve" if answer["approve"] else "reject"), None
        return "message", str(answer.get("message", ""))
    return "message", str(answer)


REJECT_WORDS = {"no", "reject", "cancel", "stop", "abort", "don't", "dont", "do not deploy", "no thanks"}


def approval_node(state: AgentState, runtime: Runtime[AgentContext]) -> dict:
    dep = state.deployment
    assert dep is not None
    question = (f"Approve deploying option {dep.option} to {dep.target} in namespace {dep.namespace}? "
                f"Answer with the Approve / Reject controls (or /approve, /reject in the terminal).")
    answer = interrupt({"type": "approval", "option": dep.option, "namespace": dep.namespace, "target": dep.target,
                        "name": dep.name, "summary": dep.summary, "question": question, "digest": dep.digest,
                        "yaml": dep.bundle.yaml() if dep.bundle else None})
    decision, text = decision_of(answer, dep.digest)
    if decision == "stale":
        rejected = dep.model_copy(update={"status": "rejected", "detail": "approval named other manifests"})
        return {"deployment": rejected, "messages": [say(runtime, (
            "That approval was for other manifests than the ones pending, so nothing was applied. Ask to deploy "
            "again to review the current ones."))]}
    if decision == "message" and text and text.strip().lower().rstrip(".!") in REJECT_WORDS:
        decision = "reject"  # declining by text is safe; approving by text is not accepted
    if decision == "approve":
        approved = dep.model_copy(update={"status": "applying", "detail": f"approved by {runtime.context.user}"})
        return {"deployment": approved,
                "messages": [say(runtime, f"Approved by {runtime.context.user}. Applying option {dep.option}...")]}
    if decision == "reject":
        rejected = dep.model_copy(update={"status": "rejected"})
        return {"deployment": rejected,
                "messages": [say(runtime, "Rejected: nothing was applied. We can keep exploring or deploy another option.")]}
    reask = ("A deployment is waiting for your decision, so I have not acted on that message. " + question)
    return {"messages": [HumanMessage(content=text or ""), say(runtime, reask)]}


def route_after_approval(state: AgentState) -> str:
    status = state.deployment.status if state.deployment else None
    if status == "applying":
        return "apply"
    if status == "awaiting_approval":
        return "approval"
    return END


def apply_node(state: AgentState, runtime: Runtime[AgentContext]) -> dict:
    """Apply the approved bundle from the state, as it is (tools/deploy_path.py apply_approved checks its digest)."""
    dep = state.deployment
    assert dep is not None and dep.status == "applying"
    ctx = runtime.context

    def progress(message: str) -> None:
        emit(runtime, "progress", message=message)

    applied, run, error = step(runtime, state, APPLY_MANIFESTS,
                               {"option": dep.option, "namespace": dep.namespace, "target": dep.target,
                                "digest": dep.digest},
                               lambda: deploy_path.apply_approved(dep.bundle, dep.digest, ctx.knowledge_base().catalog,
                                                             target=dep.target,
                                                             allowed_namespaces=ctx.allowed_namespaces,
                                                             progress=progress))
    if applied is None:
        failed = dep.model_copy(update={"status": "failed", "detail": error})
        return {"deployment": failed, "tool_runs": [run],
                "messages": [say(runtime, f"The deployment failed: {error}")]}
    result = dep.model_copy(update={"status": "applied", "endpoint": applied.endpoint, "detail": applied.detail,
                                    "deployment_id": applied.id, "served_model": applied.model_name,
                                    "time_scale": applied.time_scale})
    where = result.detail or "running"
    if result.endpoint and result.endpoint not in where:
        where += f"; endpoint {result.endpoint}"
    stop = f" Its id is {applied.id}: `compass deploy stop {applied.id}` stops it." if dep.target == "local" else ""
    text = f"Deployed option {dep.option}: {where}.{stop} Validating against the SLOs next."
    return {"deployment": result, "tool_runs": [run], "messages": [say(runtime, text)]}

