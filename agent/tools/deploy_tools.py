"""The deploy tools of the graph: show the manifests, request a deployment, validate a running one.

``request_deployment`` can only prepare a deployment and stop at the approval interrupt: it renders and
validates the manifests once, checks the namespace against the allowlist, and only when the user's own latest
message asks to deploy (the deterministic guard; a brain alone cannot start one). The rendered bundle and its
digest go into the state: the approval shows them and the apply node applies exactly them. Applying happens after
the session's user approves through the structured Approve / Reject control, never from chat text.
"""

from __future__ import annotations

from typing import Annotated

from langchain_core.tools import tool
from langgraph.types import Command
from pydantic import Field

from agent.run_config import AgentContext
from agent.guards import deploy_requested, latest_user_text
from agent.state import Deployment, Stage
from agent.tools.common import Runtime, reply, step
from agent.tools.names import OFFERED_NAMESPACES, RENDER_MANIFESTS, REQUEST_DEPLOYMENT, SHOW_MANIFESTS, VALIDATE
from knowledge.domain import Recommendation
from knowledge.domain.display import ms, usd
from tools import deploy_path
from tools.deploy_path import Prepared


def _session_id(runtime: Runtime) -> str | None:
    """The conversation (LangGraph thread) deploying: its deployments get names of their own."""
    config = getattr(runtime, "config", None) or {}
    return (config.get("configurable") or {}).get("thread_id")


def _refusal(n: int, preview: Prepared, ctx: AgentContext) -> str:
    """Why option ``n`` will not be deployed. A namespace off the allowlist is said once, with the way out
    (every object in the bundle would otherwise repeat it)."""
    off_list = [p for p in preview.problems if "allowlist" in p]
    others = [p for p in preview.problems if p not in off_list and p not in preview.limits]
    lines = [f"I will not deploy option {n}:"] + [f"- {p}" for p in preview.limits]
    if off_list:
        allowed = ctx.allowed_namespaces
        choose = (f"Choose one of {', '.join(allowed)} (*deploy option {n} to namespace {allowed[0]}*), or ask" if allowed
                  else "No namespace is allowed yet: ask")
        lines.append(f"- namespace {preview.bundle.namespace} is not on the allowlist. {choose} whoever runs Compass to "
                     "add it to COMPASS_ALLOWED_NAMESPACES.")
    if others:
        lines.append("- the manifests did not pass validation:")
        lines += [f"  - {p}" for p in others]
    return "\n".join(lines)


def _p95(stats) -> str:
    return f"{ms(stats.p95)} ms" if stats is not None else "-"


def approval_line(rec: Recommendation, budget: float | None) -> str:
    """What the approval is for, from the plan's own row: the exact configuration, its cost and its predicted p95
    latencies (with their provenance), so an approval never rests on a plan shown in another turn."""
    c, p = rec.config, rec.prediction
    # a budget verdict only where a budget was given ('within budget' of none is not a fact)
    against = "" if budget is None else f" ({'within' if rec.within_budget else 'over'} the {usd(budget)} budget)"
    return (f"Option {rec.rank}: {rec.model_id} ({c.precision.value}) on {rec.total_gpus} x {c.gpu} "
            f"({rec.replicas} replica(s) of TP{c.tensor_parallel}), {usd(rec.monthly_cost_usd)} a month"
            f"{against}; predicted p95 TTFT {_p95(p.ttft_ms)}, ITL "
            f"{_p95(p.itl_ms)}, E2E {_p95(p.e2e_ms)} ({p.provenance.value}), "
            f"{'meets the SLOs' if rec.meets_slos else 'misses an SLO'}.")


def _option(runtime: Runtime, option: int | None) -> tuple[int, str | None]:
    state = runtime.state
    n = option or state.selected_option or 1
    if state.plan is None:
        return n, "There is no plan yet: plan first."
    if not 1 <= n <= len(state.plan.recommendations):
        return n, f"There is no option {n}; the plan has options 1 to {len(state.plan.recommendations)}."
    return n, None


def _preview(runtime: Runtime, n: int):
    """Render option ``n`` once (a visible step): the bundle that is shown is the one that would be applied."""
    state, ctx = runtime.state, runtime.context
    rec = state.plan.recommendations[n - 1]
    return step(runtime, state, RENDER_MANIFESTS, {"option": n, "target": ctx.deploy_target},
                lambda: deploy_path.prepare(rec, state.spec, ctx.knowledge_base().catalog, target=ctx.deploy_target,
                                       allowed_namespaces=ctx.allowed_namespaces, instance=_session_id(runtime)))


@tool(SHOW_MANIFESTS)
def show_manifests(runtime: Runtime, option: Annotated[int | None, Field(ge=1, le=20)] = None) -> Command:
    """Render the Kubernetes manifests of option N (YAML) without deploying anything."""
    n, problem = _option(runtime, option)
    if problem:
        return reply(runtime, SHOW_MANIFESTS, problem, error=True)
    preview, run, error = _preview(runtime, n)
    if preview is None:
        return reply(runtime, SHOW_MANIFESTS, f"I cannot render option {n}: {error}", error=True, tool_runs=[run])
    text = (f"Manifests for option {n} ({runtime.context.deploy_target}, namespace {preview.bundle.namespace}):\n\n"
            f"```yaml\n{preview.bundle.yaml()}\n```")
    return reply(runtime, SHOW_MANIFESTS, text, tool_runs=[run])


@tool(REQUEST_DEPLOYMENT)
def request_deployment(runtime: Runtime, option: Annotated[int | None, Field(ge=1, le=20)] = None) -> Command:
    """Prepare deploying option N of the current plan to the configured target and namespace (the spec's
    namespace): renders and validates the manifests and asks the user to approve. Only when the user asked to
    deploy. Nothing is applied until the user approves with the Approve control."""
    state, ctx = runtime.state, runtime.context
    if not deploy_requested(latest_user_text(state), ctx.knowledge_base().catalog, state):
        return reply(runtime, REQUEST_DEPLOYMENT, "Not prepared: the user's message does not ask to deploy.",
                     error=True)
    n, problem = _option(runtime, option)
    if problem:
        return reply(runtime, REQUEST_DEPLOYMENT, problem, error=True)
    preview, run, error = _preview(runtime, n)
    if preview is None:
        return reply(runtime, REQUEST_DEPLOYMENT, f"I cannot deploy option {n}: {error}", error=True,
                     tool_runs=[run], stage=Stage.DEPLOY)
    if preview.problems:
        # a namespace off the allowlist: the namespaces offered travel as data too (namespace_answer reads them)
        offered = ({OFFERED_NAMESPACES: list(ctx.allowed_namespaces)}
                   if any("allowlist" in p for p in preview.problems) else None)
        return reply(runtime, REQUEST_DEPLOYMENT, _refusal(n, preview, ctx), error=True, artifact=offered,
                     tool_runs=[run], stage=Stage.DEPLOY)
    rec, bundle = state.plan.recommendations[n - 1], preview.bundle
    planned = approval_line(rec, state.plan.spec.budget_monthly_usd)
    dep = Deployment(option=n, target=ctx.deploy_target, namespace=bundle.namespace, name=bundle.name,
                     status="awaiting_approval", summary=[planned, *bundle.summary], objects=len(bundle.manifests),
                     bundle=bundle, digest=bundle.digest)
    text = (f"Ready to deploy option {n} ({rec.model_id} on {rec.total_gpus} x {rec.gpu}) to "
            f"**{dep.target}** in namespace **{dep.namespace}**.\n\n{planned}\n\nThe manifests create:\n"
            + "\n".join(f"- {line}" for line in bundle.summary)
            + "\n\nNothing is applied until you approve. Approve or reject?")
    return reply(runtime, REQUEST_DEPLOYMENT, text, deployment=dep, tool_runs=[run], stage=Stage.DEPLOY,
                 selected_option=n)


@tool(VALIDATE)
def validate_deployment(runtime: Runtime) -> Command:
    """Measure the running deployment against its SLOs with a short load test, and store the outcome."""
    from agent.nodes.validate import validation_update

    update = validation_update(runtime.state, runtime)
    text = str(update.pop("text"))
    return reply(runtime, VALIDATE, text, **update)
