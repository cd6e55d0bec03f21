"""The agent's bridge to the deploy path (tools/deploy.py): preview, apply after approval, validate."""

from __future__ import annotations

import os
from collections.abc import Callable

from langgraph.config import get_config
from pydantic import BaseModel, Field

from agent.context import AgentContext
from agent.state import Deployment
from knowledge.domain import DeploymentOutcome, DeploymentSpec, Recommendation
from knowledge.errors import CompassError
from tools import deploy
from tools.planner import WorkloadSummary
from tools.validation import ValidationLoad, report_text as validation_report
from tools.validation import validate as validate_endpoint


class DeploymentUnavailableError(CompassError):
    """The configured target cannot be reached from this process (no cluster configured)."""


def available(ctx: AgentContext) -> str | None:
    """None when the configured target can deploy, else why not (the local target always can)."""
    if ctx.deploy_target == "local":
        return None
    if os.environ.get("KUBECONFIG") or os.environ.get("KUBERNETES_SERVICE_HOST") or \
            os.path.exists(os.path.expanduser("~/.kube/config")):
        return None
    return (f"the '{ctx.deploy_target}' target needs a cluster: set KUBECONFIG (or run in a pod), or use the "
            "local target (COMPASS_DEPLOY_TARGET=local)")


class DeployPreview(BaseModel):
    name: str
    namespace: str
    target: str
    summary: list[str]
    objects: int
    yaml: str
    problems: list[str] = Field(default_factory=list)
    limits: list[str] = Field(default_factory=list, description="the problems that are the target's limits "
                              "(valid manifests this target will not run), not validation failures")


def _session_id() -> str | None:
    """The conversation (LangGraph thread) deploying: its deployments get names of their own."""
    try:
        return get_config().get("configurable", {}).get("thread_id")
    except RuntimeError:  # called outside a graph run
        return None


def preview(rec: Recommendation, spec: DeploymentSpec, option: int, ctx: AgentContext) -> DeployPreview:
    catalog = ctx.knowledge_base().catalog
    bundle = deploy.render(rec, spec, catalog, target=ctx.deploy_target, instance=_session_id())
    limits = deploy.target_limits(bundle, ctx.deploy_target, ctx.allowed_namespaces)
    issues = deploy.problems(bundle, catalog, ctx.allowed_namespaces) + limits
    return DeployPreview(name=bundle.name, namespace=bundle.namespace, target=ctx.deploy_target,
                         summary=list(bundle.summary), objects=len(bundle.manifests), yaml=bundle.yaml(),
                         problems=issues, limits=limits)


def apply(dep: Deployment, rec: Recommendation, spec: DeploymentSpec, ctx: AgentContext,
          progress: Callable[[str], None]) -> Deployment:
    reason = available(ctx)
    if reason:
        raise DeploymentUnavailableError(reason)
    catalog = ctx.knowledge_base().catalog
    # the objects the user approved, under the name the preview showed
    bundle = deploy.render(rec, spec, catalog, target=dep.target, namespace=dep.namespace, name=dep.name)
    applied = deploy.apply(bundle, catalog, target=dep.target, allowed_namespaces=ctx.allowed_namespaces,
                           progress=progress)
    return dep.model_copy(update={"status": "applied", "endpoint": applied.endpoint, "detail": applied.detail,
                                  "deployment_id": applied.id, "served_model": applied.model_name,
                                  "time_scale": applied.time_scale})


def validate(dep: Deployment, rec: Recommendation, spec: DeploymentSpec, workload: WorkloadSummary,
             ctx: AgentContext, progress: Callable[[str], None]) -> DeploymentOutcome:
    if not dep.endpoint:
        raise CompassError("The deployment has no endpoint reachable from here; set COMPASS_VALIDATE_URL (for "
                           "example a port-forward to the service) and ask me to validate it.")
    load = ValidationLoad(rps=workload.peak_rps, prompt_tokens=workload.prompt_tokens,
                          output_tokens=workload.output_tokens, prompt_tokens_p90=workload.prompt_tokens_p90,
                          output_tokens_p90=workload.output_tokens_p90, burstiness_cv=workload.burstiness_cv)
    duration = float(os.environ.get("COMPASS_VALIDATE_DURATION_S", "20"))
    return validate_endpoint(dep.endpoint, dep.served_model or rec.model_id, spec, rec, load, target=dep.target,
                             duration_s=duration, time_scale=dep.time_scale, progress=progress)


def report_text(outcome: DeploymentOutcome) -> str:
    return validation_report(outcome)
