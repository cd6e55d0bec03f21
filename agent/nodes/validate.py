"""validate: measure the running deployment against its SLOs and store the outcome (so later plans learn)."""

from __future__ import annotations

from typing import Any

from langgraph.graph import END
from langgraph.runtime import Runtime

from agent.run_config import AgentContext
from agent.nodes.common import emit, say
from agent.state import AgentState, Stage
from agent.tools.common import step
from tools import deploy_path
from tools.validation import report_text

VALIDATE_DEPLOYMENT = "validate_deployment"


def route_after_apply(state: AgentState) -> str:
    return "validate" if state.deployment and state.deployment.status == "applied" else END


def validation_update(state: AgentState, runtime: Any) -> dict:
    """Run the validation of the current deployment: the state update, with the report as ``text``."""
    dep = state.deployment
    if dep is None or state.plan is None or dep.status not in ("applied", "validated"):
        return {"text": "There is no running deployment to validate yet."}
    rec = state.plan.recommendations[dep.option - 1]

    def progress(message: str) -> None:
        emit(runtime, "progress", message=message)

    outcome, run, error = step(runtime, state, VALIDATE_DEPLOYMENT, {"endpoint": dep.endpoint},
                               lambda: deploy_path.validate(dep.endpoint, dep.served_model or rec.model_id, state.spec, rec,
                                                       state.plan.workload, target=dep.target,
                                                       time_scale=dep.time_scale, progress=progress))
    if outcome is None:
        return {"text": f"Validation could not run: {error}", "tool_runs": [run], "stage": Stage.VALIDATE}
    runtime.context.knowledge_base().record_outcome(outcome)
    return {"text": report_text(outcome), "tool_runs": [run], "stage": Stage.VALIDATE,
            "deployment": dep.model_copy(update={"status": "validated", "outcome": outcome})}


def validate_node(state: AgentState, runtime: Runtime[AgentContext]) -> dict:
    update = validation_update(state, runtime)
    text = str(update.pop("text"))
    return {**update, "messages": [say(runtime, text)], "turn_notes": []}
