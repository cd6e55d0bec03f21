"""deploy: render and validate manifests, pause for explicit approval (LangGraph interrupt), then apply."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.graph import END
from langgraph.runtime import Runtime
from langgraph.types import interrupt

from agent import deployer
from agent.deployer import DeployPreview
from agent.context import AgentContext
from agent.nodes.common import emit, run_tool, say
from agent.offline.contract import Intent
from agent.state import AgentState, Deployment, Stage

APPLY_MANIFESTS = "apply_manifests"
RENDER_MANIFESTS = "render_manifests"


def _option_number(state: AgentState) -> int:
    options = state.parsed.options if state.parsed else []
    return options[0] if options else (state.selected_option or 1)


def _refusal(n: int, preview: DeployPreview, ctx: AgentContext) -> str:
    """Why option ``n`` will not be deployed. A namespace off the allowlist is said once, with the way out
    (every object in the bundle would otherwise repeat it)."""
    off_list = [p for p in preview.problems if "allowlist" in p]
    others = [p for p in preview.problems if p not in off_list]
    lines = [f"I will not deploy option {n}:"]
    if off_list:
        allowed = ctx.allowed_namespaces
        choose = (f"Choose one of {', '.join(allowed)} (*use namespace {allowed[0]}*), or ask" if allowed
                  else "No namespace is allowed yet: ask")
        lines.append(f"- namespace {preview.namespace} is not on the allowlist. {choose} whoever runs Compass to "
                     "add it to COMPASS_ALLOWED_NAMESPACES.")
    if others:
        lines.append("- the manifests did not pass validation:")
        lines += [f"  - {p}" for p in others]
    return "\n".join(lines)


def deploy_node(state: AgentState, runtime: Runtime[AgentContext]) -> dict:
    assert state.plan is not None  # routed here only with a plan
    n = _option_number(state)
    if not 1 <= n <= len(state.plan.recommendations):
        return {"messages": [say(runtime, f"There is no option {n}; the plan has options 1 to "
                                          f"{len(state.plan.recommendations)}.")], "turn_notes": []}
    rec = state.plan.recommendations[n - 1]
    ctx = runtime.context
    preview, run, error = run_tool(runtime, state, RENDER_MANIFESTS, {"option": n, "target": ctx.deploy_target},
                                   lambda: deployer.preview(rec, state.spec, n, ctx))
    if preview is None:
        return {"messages": [say(runtime, f"I cannot deploy option {n}: {error}")], "tool_runs": [run],
                "stage": Stage.DEPLOY, "turn_notes": []}
    if state.intent is Intent.SHOW_YAML:
        text = f"Manifests for option {n} ({preview.target}, namespace {preview.namespace}):\n\n```yaml\n{preview.yaml}\n```"
        return {"messages": [say(runtime, text)], "tool_runs": [run], "turn_notes": []}
    if preview.problems:
        return {"messages": [say(runtime, _refusal(n, preview, ctx))], "tool_runs": [run], "stage": Stage.DEPLOY,
                "turn_notes": []}
    dep = Deployment(option=n, target=preview.target, namespace=preview.namespace, name=preview.name,
                     status="awaiting_approval", summary=preview.summary, objects=preview.objects)
    text = (f"Ready to deploy option {n} ({rec.model_id} on {rec.total_gpus} x {rec.gpu}) to "
            f"**{preview.target}** in namespace **{preview.namespace}**. The manifests create:\n"
            + "\n".join(f"- {line}" for line in preview.summary)
            + "\n\nNothing is applied until you approve. Approve or reject?")
    emit(runtime, "approval_request", option=n, summary=preview.summary, namespace=preview.namespace,
         target=preview.target)
    return {"deployment": dep, "messages": [say(runtime, text)], "tool_runs": [run], "stage": Stage.DEPLOY,
            "selected_option": n, "turn_notes": []}


def route_after_deploy(state: AgentState) -> str:
    dep = state.deployment
    return "approval" if dep is not None and dep.status == "awaiting_approval" and state.intent is Intent.DEPLOY else END


def decision_of(answer: Any) -> tuple[str, str | None]:
    """('approve' | 'reject' | 'message', text). Only a structured approval approves: text never does."""
    if isinstance(answer, dict):
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
                        "summary": dep.summary, "question": question})
    decision, text = decision_of(answer)
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
    dep = state.deployment
    assert dep is not None and state.plan is not None and dep.status == "applying"
    rec = state.plan.recommendations[dep.option - 1]
    ctx = runtime.context

    def progress(message: str) -> None:
        emit(runtime, "progress", message=message)

    result, run, error = run_tool(runtime, state, APPLY_MANIFESTS,
                                  {"option": dep.option, "namespace": dep.namespace, "target": dep.target},
                                  lambda: deployer.apply(dep, rec, state.spec, ctx, progress))
    if result is None:
        failed = dep.model_copy(update={"status": "failed", "detail": error})
        return {"deployment": failed, "tool_runs": [run],
                "messages": [say(runtime, f"The deployment failed: {error}")]}
    where = result.detail or "running"
    if result.endpoint and result.endpoint not in where:
        where += f"; endpoint {result.endpoint}"
    text = f"Deployed option {dep.option}: {where}. Validating against the SLOs next."
    return {"deployment": result, "tool_runs": [run], "messages": [say(runtime, text)]}

