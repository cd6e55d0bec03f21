"""validate: measure the running deployment against its SLOs and store the outcome (so later plans learn)."""

from __future__ import annotations

from langgraph.graph import END
from langgraph.runtime import Runtime

from agent import deployer
from agent.context import AgentContext
from agent.nodes.common import emit, run_tool, say
from agent.state import AgentState, Stage

VALIDATE_DEPLOYMENT = "validate_deployment"


def route_after_apply(state: AgentState) -> str:
    return "validate" if state.deployment and state.deployment.status == "applied" else END


def validate_node(state: AgentState, runtime: Runtime[AgentContext]) -> dict:
    dep = state.deployment
    if dep is None or state.plan is None or dep.status not in ("applied", "validated"):
        return {"messages": [say(runtime, "There is no running deployment to validate yet.")], "turn_notes": []}
    rec = state.plan.recommendations[dep.option - 1]

    def progress(message: str) -> None:
        emit(runtime, "progress", message=message)

    outcome, run, error = run_tool(runtime, state, VALIDATE_DEPLOYMENT, {"endpoint": dep.endpoint},
                                   lambda: deployer.validate(dep, rec, state.spec, state.plan.workload, runtime.context,
                                                                             progress))
    if outcome is None:
        return {"messages": [say(runtime, f"Validation could not run: {error}")], "tool_runs": [run],
                "stage": Stage.VALIDATE, "turn_notes": []}
    runtime.context.knowledge_base().record_outcome(outcome)
    text = deployer.report_text(outcome)
    return {"deployment": dep.model_copy(update={"status": "validated", "outcome": outcome}),
            "messages": [say(runtime, text)], "tool_runs": [run], "stage": Stage.VALIDATE, "turn_notes": []}
